# The training office in a crisis: providers, contracts, disruptions, costs.

session-status-postponed = Postponed (new date to be set)

disruption-action-cancel = Cancel
disruption-action-online = Move online
disruption-action-postpone = Postpone (date to be set)
disruption-action-reschedule = Reschedule
disruption-was-cancel = cancelled
disruption-was-online = moved online
disruption-was-postpone = postponed
disruption-was-reschedule = rescheduled
disruption-status-applied = Applied, can be undone until the notices leave
disruption-status-sent = Notices sent
disruption-status-undone = Undone

notice-disrupted-cancel-subject = Session cancelled: { $course }
notice-disrupted-cancel-body = Hello { $name },

  The session "{ $course }" of { $when } is cancelled. { $calendar }

  { $link }
notice-disrupted-online-subject = Session moved online: { $course }
notice-disrupted-online-body = Hello { $name },

  The session "{ $course }" of { $when } will take place online, at the same time; the link is on the session's page. { $calendar }

  { $link }
notice-disrupted-postpone-subject = Session postponed: { $course }
notice-disrupted-postpone-body = Hello { $name },

  The session "{ $course }" of { $when } is postponed to a date to be set. You keep your place, in the order you registered, and will be invited first when the new dates are known. { $calendar }

  { $link }
notice-disrupted-reschedule-subject = New dates: { $course }
notice-disrupted-reschedule-body = Hello { $name },

  The session "{ $course }" has new dates: { $when }. You keep your registration. { $calendar } If these dates do not suit you, cancel your registration from the session's page.

  { $link }

provider-kind-trainer = Trainer
provider-kind-venue = Venue
provider-kind-hotel = Hotel
provider-kind-other = Other
provider-term-step = { $percent } % until { $days } days before
provider-term-after = 100 % after
provider-notice-subject = Sessions changed: what is released and what is owed
provider-notice-body = Hello { $name },

  Because of the health situation, the institute changes the following sessions you are engaged for:

  { $lines }
  Total owed under your contracts' cancellation terms: { $owed }.

  Please acknowledge: { $acknowledge }
  State your availability for the coming months and propose new dates: { $availability }

  These links are personal, work once and expire in { $days } days.
provider-notice-released = released, { $percent } % owed: { $amount }
provider-notice-kept = kept, nothing owed

provider-error-text = This field is required (200 characters at most).
provider-error-language = Unknown language: use fr or en.
provider-error-amount = The amount must be positive.
provider-error-terms-count = Twenty cancellation steps at most.
provider-error-terms-range = Each step gives a number of days between 0 and 3650 and a percentage between 0 and 100.
provider-error-terms-overlap = Two cancellation steps are for the same number of days.
provider-error-terms-decreasing = Cancellation terms cannot cost less as the session gets closer.
provider-error-sessions = A contract is for one to 500 sessions.
provider-error-unknown-session = Unknown session.
provider-error-link-used = This link has already been used. Ask the training office for a new one.
provider-error-link-expired = This link has expired. Ask the training office for a new one.
provider-error-month = Invalid month: use YYYY-MM.
provider-error-proposal-past = A proposed date is already past.

disruption-error-range = The end of the period must come after its start.
disruption-error-empty-selection = Choose a period, a filter or sessions.
disruption-error-too-many = More than 2,000 sessions: narrow the selection.
disruption-error-nothing-selected = No session to come matches this selection.
disruption-error-not-selected = Session { $session } is not part of the selection.
disruption-error-video-link = Give the video link of the sessions moved online.
disruption-error-new-dates = Give the new dates of each rescheduled session.
disruption-error-past = The new date is already past.
disruption-error-beyond-plan = The new date is beyond the end of the training plan ({ $end }).
disruption-error-notices-left = The notices have already left: the disruption can no longer be undone.
disruption-error-already-undone = This disruption has already been undone.
disruption-error-later-change = A later disruption changes these sessions: undo it first.

ledger-sheet-fees = Fees
ledger-sheet-providers = By provider
ledger-sheet-budget-lines = By budget line
ledger-col-provider = Provider
ledger-col-kind = Kind
ledger-col-contract = Contract
ledger-col-budget-line = Budget line
ledger-col-course = Course
ledger-col-session = Session
ledger-col-action = Decision
ledger-col-days-before = Days before
ledger-col-percent = %
ledger-col-cost = Amount owed (€)
ledger-col-disruption = Disruption

office-crisis-links = In a crisis:
disrupt-title = Disruptions: cancel, move online, postpone
disrupt-intro = Choose a period and filters, decide what happens to each session, then preview: nothing changes until you apply, and you can still undo everything until the notices leave.
disrupt-action-all = Decision for all
disrupt-video-link = Video link
disrupt-new-date = New date
disrupt-find = Show the sessions
disrupt-none = No session to come matches.
disrupt-found = Sessions found:
disrupt-include = Include
disrupt-place = Place
disrupt-registrants = Registrants
disrupt-decision = Decision
disrupt-link-or-date = Link (online) or new date (reschedule)
disrupt-hint = The link is only used for sessions moved online, the date only for rescheduled ones.
disrupt-preview = Preview
disrupt-recent = Latest disruptions
disrupt-recent-none = None yet.
disrupt-sessions = sessions
disrupt-people = people
disrupt-notices = notices
disrupt-cost = Cost:
disrupt-preview-title = Before applying: who and what is affected
disrupt-sessions-title = Sessions
disrupt-providers-title = Providers
disrupt-no-provider = No provider contract on these sessions.
disrupt-owed = owed:
disrupt-terms-today = Terms today
disrupt-people-title = People told
disrupt-more-people = And more:
disrupt-apply-hint = Applying changes the sessions at once. The notices leave after
disrupt-apply = Apply
disrupt-back = Back to the selection
disruption-title = Disruption no. { $id }
disruption-send-at = Notices leave at
disruption-undo = Undo everything (before the notices leave)
disruption-done-applied = Disruption applied. The notices will leave at the time shown.
disruption-done-undone = Disruption undone: the sessions are back as they were and no notice will leave.
ledger-title = Cancellation costs
ledger-intro = The fees owed to each provider under their contracts' terms, on the day of each decision.
ledger-download = Download the workbook (XLSX)
ledger-total = Total:
ledger-released = released at { $days } d: { $percent } %
ledger-kept = kept
providers-title = Providers and contracts
providers-new = New provider
providers-contact = Contact
providers-phone = Phone
providers-language = Language of notices
providers-add = Add the provider
provider-error-kind = Choose the kind of provider.
provider-error-terms-format = Unreadable terms: write "days:percent", separated by commas (e.g. 30:0, 7:50).
provider-error-link-unknown = This link does not exist. Check the address or ask the training office for a new one.
provider-contracts = Contracts
provider-amount = Amount
provider-terms = Cancellation terms
provider-terms-hint = "days:percent", from the farthest to the nearest: 30:0, 7:50 means free until 30 days before, 50 % until 7 days before, 100 % after.
provider-sessions = Sessions
provider-sessions-hint = Session numbers, separated by commas (e.g. 12, 15).
provider-new-contract = New contract
provider-add-contract = Add the contract
provider-availability = Stated availability
provider-link-title = Answer to the training office
provider-link-ack-hint = Please confirm you received our notice.
provider-link-ack = I acknowledge
provider-link-months = Can you work in these months?
provider-link-proposals = Dates you propose (optional)
provider-link-send = Send
provider-link-thanks = Thank you, your answer is recorded.
yes = Yes
no = No

plans-title = Training plans
plans-none = No plan yet.
plans-new = New plan
plans-period = Period
plans-capacity = Capacity (trainee-days)
plans-create = Create the plan
plan-intro = Per period and per delegation: planned, held, to come, cancelled, postponed (to re-plan) and rescheduled.
plan-remaining = Trainee-days still available:
plan-col-planned = Planned (sessions / trainee-days)
plan-col-budget = Planned budget
plan-col-held = Held
plan-col-coming = To come
plan-col-cancelled = Cancelled
plan-col-postponed = Postponed
plan-col-carried = Re-planned (out / in)
plan-col-rescheduled = Rescheduled
plan-total = Total
plan-national = National
plan-legend = Each cell gives the number of sessions then trainee-days (seats held × days).
plan-error-date = Invalid date: use YYYY-MM-DD.
plan-error-name = A name is required (100 characters at most).
plan-error-periods = A plan has one to twelve periods.
plan-error-order = A period must end after it starts.
plan-error-overlap = Periods must follow each other without overlap.
plan-error-capacity = Volumes must be positive and reasonable (at most 100,000 sessions, 10 million trainee-days).
plan-error-period = This period is not part of the plan.
plan-error-course = Unknown course or delegation.
surveys-title = Surveys: travelling again?
surveys-new = New survey
surveys-question = Title
surveys-months = Months asked about
surveys-delegations = Delegations asked (none ticked: everyone)
surveys-send = Launch the survey
survey-open-title = Survey open
survey-closes = closes on
survey-intro = For each month, tell us what you would accept to follow a training. You can change your answers until it closes;
survey-answer = Save my answers
survey-thanks = Thank you, your answers are saved.
survey-answer-headquarters = Travel to headquarters (Paris)
survey-answer-region = Travel within my region only
survey-answer-online = Only follow online
survey-people = People who answered:
survey-chart = Answers per month, all delegations
survey-table-caption = Headquarters / region / online (share ready to travel)
survey-error-title = A title is required (200 characters at most).
survey-error-months = Choose one to eighteen months (YYYY-MM).
survey-error-closes = The closing day must be to come.
survey-error-delegation = Unknown delegation.
survey-error-audience = This survey is for other delegations than yours.
survey-error-closed = This survey is closed.
survey-error-empty = Answer for at least one month.
survey-error-month = The month { $month } is not part of the survey.
field-video-link = Video link

replan-title = Re-plan the postponed sessions
replan-postponed = Postponed sessions to re-plan:
replan-threshold = Least share of agents willing to travel (%)
replan-gap-days = Least gap between two sessions of a course (days)
replan-notice = Notice before the first new date (days)
replan-run = Propose dates
replan-placed = placed
replan-gap = gap to optimal at most
replan-summary = { $placed } sessions placed, { $unplaced } without a date. This plan is at most { $gap } % from optimal (cost { $objective }, lower bound { $bound }), found in { $seconds } s.
replan-method = Method:
replan-was = Planned date
replan-proposed = Proposal
replan-unplaced = No possible date:
replan-date = Date chosen
replan-accept = Accept
replan-reject = Reject
replan-back = Back to the plan
replan-status-proposed = Proposed
replan-status-accepted = Accepted
replan-status-rejected = Rejected
replan-done-accepted = Proposal accepted: the session has its new dates, its registrants are told first and the remaining seats are open.
replan-done-rejected = Proposal rejected: the session stays postponed.
replan-reason-earliest = its earliest date ({ $earliest }) is after the end of the plan ({ $end })
replan-reason-calendar = the calendar (weekends, public holidays, August, closures) leaves no { $days } consecutive working day(s) before the end of the plan
replan-reason-trainer-unavailable = { $trainer } said they are unavailable on every possible date
replan-reason-trainer-busy = { $trainer } teaches other planned sessions on the possible dates
replan-reason-venue-small = it needs { $seats } seats and the largest possible venue has { $largest }
replan-reason-no-venue = it needs a venue for { $seats } people and no venue of the delegation is known
replan-reason-venue-unavailable = no venue large enough is available on the possible dates
replan-reason-venues-booked = the venues large enough are taken by other sessions on the possible dates
replan-reason-willingness = fewer than { $percent } % of the agents of { $delegation } are willing to travel in { $months }
replan-reason-gap = other sessions of the course are planned less than { $days } days away
replan-reason-part = part { $part } of the course, which must come first, is not placed early enough
replan-reason-period-full = the remaining capacity of { $periods } is used up
replan-error-threshold = The share must be between 0 and 100 %.
replan-error-gap = The gap must be between 0 and 365 days.
replan-error-notice = The notice must be between 0 and 365 days.
replan-error-plan-over = This plan is over: no date left to propose.
replan-error-nothing = No postponed session to re-plan.
replan-error-problem = The data cannot be planned: { $detail }
replan-error-decided = This proposal was already accepted or rejected.
replan-error-not-postponed = This session is no longer postponed.
replan-error-no-date = Give a date: the planner found none.
provider-error-seats = The number of seats must be between 1 and 100,000.
providers-seats = Seats (venues)
providers-delegation = Delegation (venues, hotels)
notice-calendar-request = The attached invitation updates your calendar.
notice-calendar-cancel = The attached cancellation removes the session from your calendar.
provider-notice-already = already released by an earlier decision, nothing more is owed
provider-proposed = Proposed dates
disruption-error-postponed = Session { $session } is postponed: it can only be cancelled or given new dates.
disruption-error-changed = Session { $session } has changed meanwhile (someone else modified it): preview again.
