# The IT desk (relais-desk).
nav-desk = IT help
home-banner-more = Read more
nav-desk-queue = IT queue
desk-new-title = Ask for help
desk-new-hint = Describe your problem: knowledge-base articles and ongoing incidents show up as you type. A subject and a description are enough.
desk-my-title = My requests
desk-unit-tickets = My unit's requests
desk-kb-title = Knowledge base
desk-kb-search = Search the knowledge base
desk-kb-due = To review: review date passed
desk-kb-latest = Recent articles
desk-kb-new = Write an article
desk-queue-title = Request queue
desk-breaches-title = Missed targets
desk-hotline-title = Hotline call screen
desk-known-title = Known issues
desk-week-title = Interventions of the week
desk-dashboard-title = Desk dashboard
desk-held-title = Mail held for review
desk-held-hint = These mails answer a request but come from an address not on it. Accept them to add them to the thread, or discard them.
desk-editor-title = Knowledge-base article
desk-public-title = Help request (no account)
desk-public-hint = For people outside the institute, such as doctors using the national application. You will receive a link to follow your request.
desk-public-done = Your request is recorded. We sent you an email with a link to follow it.
desk-link-title = Follow link
desk-link-hint = Every email we send you carries a new link. You can also reply to that email.
desk-link-open = See my request
desk-link-open-hint = This link works once: the button opens your request in this browser.
desk-staff-nav = Desk navigation
desk-known-issues-banner = Ongoing incidents
desk-known-issue = Known issue
desk-suggestions = These articles may help
desk-no-suggestion = No article matches yet.
desk-search-kb-first = Search the knowledge base first
desk-open-ticket = Send the request
desk-category-guess = I don't know (guessed from the text)
desk-attachments-hint = Screenshots, documents: 5 MB at most per file; programs and scripts are refused.
desk-field-subject = Subject
desk-field-description = Description
desk-field-category = Category
desk-field-urgency = Urgency
desk-field-priority = Priority
desk-field-status = Status
desk-field-equipment = Equipment concerned (optional)
desk-field-attachments = Attachments
desk-field-reference = Ref.
desk-field-requester = Requester
desk-field-unit = Unit
desk-field-assignee = Technician
desk-field-opened = Opened
desk-field-sla = Target
desk-field-message = Message
desk-field-words = Words
desk-field-delegation = Delegation
desk-field-title = Title
desk-field-keywords = Keywords
desk-field-markdown = Text (Markdown)
desk-field-audience = Audience
desk-field-name = Name
desk-field-email = Email
desk-field-phone = Phone
desk-field-organisation = Organisation
desk-field-person-email = Email of an institute agent
desk-field-about = What the call is about
desk-field-callback = Callback due in (minutes)
desk-field-due = Call back before
desk-field-caller = Caller
desk-field-actions = Actions
desk-field-agent = Taken by
desk-field-date = Date
desk-field-days = Number of days
desk-field-tool = Tool
desk-field-session-code = Session code
desk-field-start = Start
desk-field-end = End
desk-field-consent = The user agreed to the remote control
desk-field-site = Site
desk-field-done = What was done
desk-person-hint = For an institute agent; otherwise fill in the outside caller below.
desk-external-caller = Outside caller
desk-callback-hint = Leave empty when no callback is planned.
desk-open-ticket-with-call = Open a request with this call
desk-log-call = Log a call
desk-callbacks = Callbacks to make (most urgent first)
desk-called-back = Called back
desk-call-log = Call log
desk-thread = Thread
desk-thread-empty = No answer yet.
desk-reply = Reply
desk-internal-note = Internal note (the requester does not see it)
desk-send = Send
desk-solved = My problem is solved
desk-reopen = Reopen the request
desk-manage = Work the request
desk-change-status = Change the status
desk-save = Save
desk-unassigned = Unassigned
desk-merge-into = Merge into request no.
desk-merge = Merge (duplicate)
desk-merged-into = This request was merged into
desk-attach-known-issue = Attach to a known issue
desk-attach = Attach
desk-draft-article = Draft an article
desk-interventions = Interventions
desk-remote-session = Remote session
desk-visit = On-site visit
desk-add-remote = Record a remote session
desk-add-visit = Record an on-site visit
desk-held = held for review
desk-release = Accept
desk-discard = Discard
desk-sla-first = First answer
desk-sla-resolution = Resolution
desk-left = { $d } left
desk-late-by = late by { $d }
desk-duration-days = { $n } d
desk-duration-hours = { $h } h { $m } min
desk-duration-minutes = { $n } min
desk-none = Nothing yet.
desk-all = All
desk-open-ones = Open
desk-tickets = request(s)
desk-results = result(s)
desk-draft = draft
desk-published = published
desk-review-on = Review on
desk-helpful = This answered my question
desk-helpful-count = Questions this article answered:
desk-thanks = Thank you! We count this as a request avoided.
desk-still-need-help = Still need help? Ask for it
desk-edit = Edit
desk-publish = Publish a known issue
desk-keywords-hint = Phrases separated by commas; a request matches when it holds every word of one phrase.
desk-resolution = Answer sent to every requester
desk-resolve-all = Resolve every attached request
desk-attached-tickets = Attached requests
desk-previous-week = Previous week
desk-next-week = Next week
desk-show = Show
desk-opened = Requests opened in the period
desk-backlog = Open
desk-first-answer-median = Median time to first answer
desk-first-answer-mean = Mean time to first answer
desk-breaches = Missed targets
desk-avoided = Requests avoided (knowledge base)
desk-total = Total
desk-chart-title = Requests per category per day
desk-challenge-question = Robot check: how much is
desk-challenge-hint = Not needed if your browser runs JavaScript: it does the check itself.
desk-weekday-0 = Monday
desk-weekday-1 = Tuesday
desk-weekday-2 = Wednesday
desk-weekday-3 = Thursday
desk-weekday-4 = Friday
desk-weekday-5 = Saturday
desk-weekday-6 = Sunday
desk-category-home_box = Home internet box
desk-category-home_connection = Home connection
desk-category-videoconf = Video conferencing
desk-category-vpn = VPN
desk-category-hardware = Hardware
desk-category-account = Account and password
desk-category-national_app = National application
desk-category-other = Other
desk-status-new = New
desk-status-in_progress = In progress
desk-status-waiting = Waiting for your answer
desk-status-resolved = Resolved
desk-status-closed = Closed
desk-priority-low = Low
desk-priority-normal = Normal
desk-priority-high = High
desk-priority-critical = Critical
desk-urgency-low = Not urgent
desk-urgency-normal = Normal
desk-urgency-high = Urgent, I am stuck
desk-audience-public = Everyone
desk-audience-agents = Institute agents
desk-audience-it_staff = IT staff
desk-kind-public = answer
desk-kind-internal = internal note
desk-kind-inbound = mail received
desk-kind-event = follow-up
desk-event-status = Status: { $status }
desk-event-assigned = Assignment changed
desk-event-merged-into = Merged into request #{ $id }
desk-event-merged-from = Request #{ $id } was merged here
desk-done-opened = Your request is recorded.
desk-done-replied = Answer sent.
desk-done-noted = Note added.
desk-done-status = Status changed.
desk-done-saved = Changes saved.
desk-done-merged = Duplicate merged.
desk-done-call-logged = Call logged.
desk-done-called-back = Callback marked as done.
desk-done-published = Known issue published.
desk-done-resolved = Issue resolved: every requester was told.
desk-error-too-long = This text is too long.
desk-error-control-characters = This text holds characters that are not allowed.
desk-error-category = Unknown category.
desk-error-urgency = Unknown urgency.
desk-error-priority = Unknown priority.
desk-error-status = Unknown status.
desk-error-unknown-person = No such person in the directory.
desk-error-attachment-too-large = The attachment “{ $name }” is over { $mb } MB.
desk-error-attachment-type = The attachment “{ $name }” is of a refused type (a program or a script).
desk-error-too-many-files = Too many attachments (10 at most).
desk-error-ticket-closed = This request is closed: open a new one.
desk-error-assignee = This person is not in the IT team.
desk-error-merge-self = A request cannot be merged into itself.
desk-error-merge-unknown = Target request not found or already closed.
desk-error-known-issue = Known issue not found or already resolved.
desk-error-keywords = Give at least one meaningful keyword.
desk-error-not-resolved = Only a resolved request can become an article.
desk-error-audience = Unknown audience.
desk-error-article-status = Unknown article status.
desk-error-date = Invalid date.
desk-error-end-before-start = The end is before the start.
desk-error-consent = The user's consent is required for a remote session.
desk-error-callback = Invalid callback delay (in minutes, 30 days at most).
desk-error-contact = Give an email or a phone number for the caller.
desk-error-autoclose-days = The automatic closing delay must be between 0 and 365 days.
desk-error-challenge = The robot check failed: answer the question.
desk-error-challenge-expired = The form has expired: reload the page.
desk-error-challenge-spent = This form was already sent: reload the page.
desk-error-flood = Too many requests in a short time. Try again in { $minutes } minutes.
desk-error-link-unknown = This follow link is not valid.
desk-error-link-expired = This follow link has expired.
desk-error-link-used = This follow link was already used.
desk-mail-ack-subject = Request recorded: { $subject }
desk-mail-ack-body =
    Hello { $name },

    Your request { $reference } “{ $subject }” is recorded. { $known_issue }

    Follow it here: { $link }
    You can reply to this email to add information.

    IT support
desk-mail-reply-subject = Answer: { $subject }
desk-mail-reply-body =
    Hello { $name },

    { $body }

    Your request { $reference }: { $link }
    Reply to this email if the problem persists.

    IT support
desk-mail-merged-subject = Request merged: { $subject }
desk-mail-merged-body =
    Hello { $name },

    Your request { $reference } was merged with request { $into }, which deals with the same problem.
    Follow it: { $link }

    IT support
desk-mail-known-issue-subject = Incident resolved: { $subject }
desk-mail-known-issue-body =
    Hello { $name },

    The incident behind your request { $reference } is resolved:

    { $body }

    If the problem persists, reply to this email: { $link }

    IT support
desk-error-limit = The number of results must be between 1 and 50.
desk-settings-title = Desk settings
desk-settings-autoclose = Days before a resolved request closes by itself
desk-settings-autoclose-hint = Between 0 and 365. The requester may answer in the meantime, which reopens the request. Applies to requests resolved after saving.
desk-settings-targets = Targets, in hours: first answer / resolution
desk-settings-targets-hint = A category left empty follows the "Default" line of the same priority. Targets count every hour, nights and weekends included. They apply to requests opened, or whose priority changes, after saving.
desk-settings-default = Default
desk-settings-first = first answer, in hours
desk-settings-resolution = resolution, in hours
desk-settings-link = Settings
desk-error-sla-hours = { $category }, priority { $priority }: a target is a whole number of hours between 1 and 8784.
desk-error-sla-order = { $category }, priority { $priority }: resolution cannot come before the first answer.
desk-error-sla-default = { $category }, priority { $priority }: the default line needs both targets.
desk-error-sla-both = { $category }, priority { $priority }: give both targets, or neither to follow the default line.
desk-field-for-email = For someone else: their email (optional)
desk-for-email-hint = Leave empty for yourself. IT correspondents: the people of your unit; IT staff: those of your scope. The person receives the answers.
desk-error-not-yours = You cannot open a request for this person: they are not in your unit or scope.
desk-visit-planned = planned
desk-visit-plan-hint = Leave empty for a visit ahead: it shows as planned in the week view, and you say here what was done afterwards.
