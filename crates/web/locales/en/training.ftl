nav-training = Trainings
nav-my-trainings = My trainings
nav-training-office = Training office
catalogue-title = Training catalogue
catalogue-search-label = Find a training
catalogue-search-hint = Words from the title, theme or provider; accents, case and plurals ignored.
catalogue-sessions = Coming sessions
catalogue-self-paced = Self-paced (e-learning and MOOCs)
catalogue-summary = { $sessions } coming session(s), { $courses } self-paced module(s)
all-formats = All formats
seats-only = With seats left
seats-left = { $n ->
    [0] Full
    [one] 1 seat
   *[other] { $n } seats
  }{ $waitlisted ->
    [0] {""}
   *[other] , { $waitlisted } waiting
  }
effort-hours = about { $h } h
format-in_person = In person
format-webinar = Webinar
format-workshop = Workshop
format-elearning = E-learning
format-mooc = MOOC
session-status-planned = Registration not open yet
session-status-open = Registration open
session-status-full = Full (waitlist)
session-status-closed = Registration closed
session-status-held = Past session
session-status-cancelled = Cancelled
registration-status-confirmed = Registered
registration-status-pending = Awaiting your manager's approval
registration-status-waitlisted = On the waitlist
registration-status-offered = Seat offered
registration-status-cancelled = Cancelled
registration-status-refused = Refused
registered-confirmed = Your registration is confirmed. The invitation is on its way to your mailbox.
registered-pending = Your request awaits your manager's approval.
registered-waitlisted = The session is full: you are on the waitlist.
registered-offered = A seat is offered to you.
registered-cancelled = Registration cancelled.
registered-refused = Request refused.
waitlist-position = position { $n }
offer-until = accept before { $until }
field-course = Training
field-format = Format
field-seats = Seats
field-place = Place
field-trainers = Trainers
field-waitlist = Waitlist
field-themes = Themes
field-audience = Audience
field-provider = Provider
field-link = Link
field-objectives = Objectives
field-effort = Estimated effort
field-position = Position
field-comment = Comment
field-fill = Fill
online = Online
see-course = See the training and its other sessions
your-registration = Your registration:
register = Register
join-waitlist = Join the waitlist
cancel-registration = Cancel the registration
accept-offer = Accept the seat
registrants = Registrants
export-csv = Export as CSV (Excel)
requests-to-decide = Requests to decide
approve = Approve
refuse = Refuse
coming-sessions = Coming sessions
past-sessions = Past sessions
no-coming-sessions = No coming session.
calendar-feed = Your calendar
calendar-feed-intro = Your confirmed sessions, as iCalendar.
calendar-download = Download the .ics file
calendar-feed-create = Create a subscription address
calendar-feed-reset = Replace the subscription address
calendar-feed-created = Subscribe your calendar to this secret address (shown only once; replacing it disables the old one):
office-intro = Coming sessions within your scope, fullest first.
office-by-fill = Sessions by fill rate
office-open-another = open another session?
training-error-audience = Unknown audience: { $value }.
training-error-format = Unknown format: use in_person, webinar, workshop, elearning or mooc.
training-error-text-too-long = Text too long or with forbidden characters.
training-error-duration = The duration must be positive.
training-error-link = The link must start with https:// or http://.
training-error-unknown-delegation = Unknown delegation.
training-error-unknown-site = Unknown site.
training-error-unknown-person = Unknown person.
training-error-not-self-paced = Only e-learning modules and MOOCs are self-paced.
training-error-not-session-based = E-learning modules and MOOCs have no sessions.
training-error-time = Invalid date: use RFC 3339, e.g. 2020-03-24T09:00:00+01:00.
training-error-end-before-start = The end must come after the start.
training-error-capacity = The capacity must be a positive whole number.
training-error-window = Registration must open before it closes, and close at the latest when the session ends.
training-error-waitlist-mode = Unknown waitlist mode: timed_offer or automatic.
training-error-offer-hours = An offer's delay must be between 1 hour and 30 days.
training-error-session-cancelled = This session is cancelled or over.
training-error-registration-closed = Registration for this session is not open.
training-error-not-in-audience = This session is not open to your profile.
training-error-already-registered = You are already registered for this session.
training-error-not-active = This registration is already cancelled.
training-error-offer-lapsed = The time to accept this seat has passed.
training-error-no-offer = No seat is offered to you for this registration.
training-error-not-pending = This request has already been decided.
training-error-same-session = The person is already in this session.
training-error-other-course = A registration can only move to a session of the same training.
training-error-target-full = The target session is full.
notice-confirmed-subject = Registration confirmed: { $course }
notice-confirmed-body = Hello { $name },

  Your registration for "{ $course }" on { $when } is confirmed. The attached invitation adds it to your calendar.

  { $link }
notice-moved-subject = New date: { $course }
notice-moved-body = Hello { $name },

  Your registration for "{ $course }" has moved to the session on { $when }. The attached invitation updates your calendar.

  { $link }
notice-waitlisted-subject = Waitlist: { $course }
notice-waitlisted-body = Hello { $name },

  The session "{ $course }" on { $when } is full: you are on the waitlist. If a seat frees up, it will be offered to you by email.

  { $link }
notice-pending-subject = Request sent: { $course }
notice-pending-body = Hello { $name },

  Your request to register for "{ $course }" on { $when } awaits your manager's approval.

  { $link }
notice-offered-subject = A seat is free: { $course }
notice-offered-body = Hello { $name },

  A seat has freed up for "{ $course }" on { $when }. It is held for you until { $expires }: accept it at { $accept }

  After that, it will be offered to the next person.
notice-offer-lapsed-subject = Seat not accepted: { $course }
notice-offer-lapsed-body = Hello { $name },

  The time to accept the seat for "{ $course }" on { $when } has passed; it was offered to the next person.
notice-refused-subject = Request refused: { $course }
notice-refused-body = Hello { $name },

  Your manager did not approve your registration for "{ $course }" on { $when }. { $comment }
notice-cancelled-subject = Registration cancelled: { $course }
notice-cancelled-body = Hello { $name },

  Your registration for "{ $course }" on { $when } is cancelled. If the event was in your calendar, the attached cancellation removes it.
chart-registrations-per-day = Registrations per day
chart-empty = No registration yet.
chart-caption = Each bar is a day; the numbers are in the table.
chart-table = See the numbers
export-xlsx = Export as XLSX
open-to-me = Sessions open to me
course-completed = You followed this module.
course-mark-completed = I followed this module
all-themes = All themes
field-from = From
field-to = To
training-error-changed-retry = This registration was just changed by someone else: reload the page and try again.
register-someone = Register a person (email address)
over-capacity-reason = Reason to exceed capacity
over-capacity-hint = Only when the session is full: the person is then added beyond capacity, and the reason is logged.
move-to = Move to
move = Move
