//! The mails a registration sends, in the person's language. Confirmations
//! carry an iCalendar invitation (`METHOD:REQUEST`) and cancellations its
//! withdrawal (`METHOD:CANCEL`, same UID, higher SEQUENCE), as iMIP parts
//! that calendars understand. Every notice is a job queued in the same
//! transaction as the change, with a Message-ID fixed by what it is about.

use relais_core::{Lang, Result, Timestamp};
use relais_db::{DbResultExt, Tx};
use relais_directory::people::PersonBrief;
use relais_mail::ical::{CalendarEvent, Method};
use relais_mail::{CalendarPart, OutgoingMail};
use relais_web::T;

use crate::disruption::Action;
use crate::registrations::Training;
use crate::sessions::Session;

#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    Confirmed,
    Moved,
    Waitlisted,
    Pending,
    Offered {
        expires: Timestamp,
    },
    OfferLapsed,
    Refused {
        comment: Option<String>,
    },
    Cancelled {
        had_seat: bool,
    },
    /// The session was cancelled, moved online, postponed or rescheduled.
    Disrupted {
        action: crate::disruption::Action,
        had_seat: bool,
    },
}

impl Notice {
    fn key(&self) -> &'static str {
        match self {
            Notice::Confirmed => "confirmed",
            Notice::Moved => "moved",
            Notice::Waitlisted => "waitlisted",
            Notice::Pending => "pending",
            Notice::Offered { .. } => "offered",
            Notice::OfferLapsed => "offer-lapsed",
            Notice::Refused { .. } => "refused",
            Notice::Cancelled { .. } => "cancelled",
            Notice::Disrupted { action, .. } => match action {
                Action::Cancel => "disrupted-cancel",
                Action::Online => "disrupted-online",
                Action::Postpone => "disrupted-postpone",
                Action::Reschedule => "disrupted-reschedule",
            },
        }
    }
}

/// 2020-01-01 in Unix seconds: SEQUENCE counts seconds from there, so each
/// later message about a session carries a higher one.
const SEQUENCE_EPOCH: i64 = 1_577_836_800;

pub fn uid(session: i64, domain: &str) -> String {
    format!("session-{session}@{domain}")
}

/// The calendar event of a session, for an invitation, a cancellation or a feed.
pub fn event(
    t: &Training,
    s: &Session,
    attendee: Option<&PersonBrief>,
    cancelled: bool,
    now: Timestamp,
) -> CalendarEvent {
    let page = format!("{}/training/sessions/{}", t.public_url, s.id);
    let location = match (&s.site, &s.venue_address) {
        (Some(site), Some(addr)) => Some(format!("{site}, {addr}")),
        (Some(site), None) => Some(site.clone()),
        (None, Some(addr)) => Some(addr.clone()),
        (None, None) => s.video_link.clone(),
    };
    let mut description = format!("{}\n{page}", s.course_title);
    if let Some(v) = &s.video_link {
        description.push_str(&format!("\n{v}"));
    }
    if !s.trainers.is_empty() {
        description.push_str(&format!("\n{}", s.trainers.join(", ")));
    }
    CalendarEvent {
        uid: uid(s.id, &t.mail_domain),
        sequence: (now.0 / 1_000_000 - SEQUENCE_EPOCH).max(s.sequence),
        summary: s.course_title.clone(),
        description,
        location,
        url: Some(s.video_link.clone().unwrap_or(page)),
        starts_at_micros: s.starts.0,
        ends_at_micros: s.ends.0,
        organizer: (
            "Relais — formation".to_string(),
            format!("formation@{}", t.mail_domain),
        ),
        attendee: attendee.map(|p| (p.name.clone(), p.email.clone())),
        cancelled: cancelled || s.cancelled,
        stamp_micros: now.0,
    }
}

/// The Message-ID of the notice `key` (`confirmed`, `offered`…) about a
/// registration to a session, sent at `at`. The instant makes each notice its
/// own mail (a second move to the same session is news); a retry of the job
/// keeps the same one, and so does a check that recomputes it from the audit log.
pub fn message_id(
    domain: &str,
    registration: i64,
    key: &str,
    session: i64,
    at: Timestamp,
) -> String {
    relais_mail::message_id(
        &format!("registration:{registration}:{key}:{session}:{}", at.0),
        domain,
    )
}

/// Queues a notice in the caller's transaction.
pub async fn send(
    tx: &mut Tx,
    t: &Training,
    notice: Notice,
    registration: i64,
    s: &Session,
    person: &PersonBrief,
    now: Timestamp,
) -> Result<()> {
    let mail = mail(t, notice, registration, s, person, now);
    relais_mail::enqueue(tx, now, &mail).await.db()?;
    Ok(())
}

/// The mail of a notice, in the person's language.
pub fn mail(
    t: &Training,
    notice: Notice,
    registration: i64,
    s: &Session,
    person: &PersonBrief,
    now: Timestamp,
) -> OutgoingMail {
    let lang = person
        .language
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or_default();
    let tr = T(lang);
    let when = s.starts.local(&t.time_zone);
    let page = format!("{}/training/sessions/{}", t.public_url, s.id);
    let args = |extra: &[(&'static str, String)]| {
        let mut a = vec![
            ("name", person.name.clone()),
            ("course", s.course_title.clone()),
            ("when", when.clone()),
            ("link", page.clone()),
        ];
        a.extend_from_slice(extra);
        a
    };
    let key = notice.key();
    let (extra, calendar) = match &notice {
        Notice::Confirmed | Notice::Moved => (
            vec![],
            Some(CalendarPart::new(
                Method::Request,
                &[event(t, s, Some(person), false, now)],
            )),
        ),
        Notice::Cancelled { had_seat: true } => (
            vec![],
            Some(CalendarPart::new(
                Method::Cancel,
                &[event(t, s, Some(person), true, now)],
            )),
        ),
        // A seat holder's calendar follows: the event moves, or goes.
        Notice::Disrupted {
            action: Action::Online | Action::Reschedule,
            had_seat: true,
        } => (
            vec![("calendar", tr.t("notice-calendar-request"))],
            Some(CalendarPart::new(
                Method::Request,
                &[event(t, s, Some(person), false, now)],
            )),
        ),
        Notice::Disrupted {
            action: Action::Cancel | Action::Postpone,
            had_seat: true,
        } => (
            vec![("calendar", tr.t("notice-calendar-cancel"))],
            Some(CalendarPart::new(
                Method::Cancel,
                &[event(t, s, Some(person), true, now)],
            )),
        ),
        Notice::Offered { expires } => (
            vec![
                ("expires", expires.local(&t.time_zone)),
                ("accept", format!("{}/training/my", t.public_url)),
            ],
            None,
        ),
        Notice::Refused { comment } => {
            (vec![("comment", comment.clone().unwrap_or_default())], None)
        }
        Notice::Disrupted { .. } => (vec![("calendar", String::new())], None),
        _ => (vec![], None),
    };
    let a = args(&extra);
    OutgoingMail {
        to: person.email.clone(),
        to_name: Some(person.name.clone()),
        subject: tr.ta(&format!("notice-{key}-subject"), &a),
        text: tr.ta(&format!("notice-{key}-body"), &a),
        html: None,
        message_id: message_id(&t.mail_domain, registration, key, s.id, now),
        calendar,
        by_a_person: false,
    }
}
