//! iCalendar (RFC 5545) for training sessions: invitations and
//! cancellations sent by mail (iMIP, RFC 6047, with the methods of
//! RFC 5546) and feeds (`METHOD:PUBLISH`, for webcal subscriptions).
//!
//! The text is built with the `icalendar` crate, which escapes TEXT values,
//! quotes parameter values and ends lines with CRLF; its lines are folded
//! again at 75 octets so that no fold sits next to whitespace (see
//! [`calendar`]). Times are written in UTC (`…Z`), which every client
//! converts to the reader's zone, so no VTIMEZONE is needed.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};

/// One event (a training session) as the calendar shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    /// Stable for the session across every mail and feed, e.g.
    /// `session-42@relais.example`: a client matches updates and
    /// cancellations to the event it already has by this UID.
    pub uid: String,
    /// Bumped on every change the attendee should see (time, place,
    /// cancellation); a client ignores a mail whose SEQUENCE is lower than
    /// the one it has. Negative values are written as 0.
    pub sequence: i64,
    pub summary: String,
    pub description: String,
    /// Venue address.
    pub location: Option<String>,
    /// Video link or the session page.
    pub url: Option<String>,
    /// UTC microseconds since the epoch (`relais_core::Timestamp.0`).
    pub starts_at_micros: i64,
    /// UTC microseconds since the epoch; an end before the start is
    /// written as the start.
    pub ends_at_micros: i64,
    /// (display name, email).
    pub organizer: (String, String),
    /// (display name, email) of the person invited; `None` in feeds.
    pub attendee: Option<(String, String)>,
    /// Written as `STATUS:CANCELLED` (always so with [`Method::Cancel`]).
    pub cancelled: bool,
    /// DTSTAMP: when this version of the event was made, UTC microseconds.
    pub stamp_micros: i64,
}

/// The iTIP method (RFC 5546) of a calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// An invitation, or an update of one (same UID, higher SEQUENCE).
    Request,
    /// The event is cancelled for the attendee(s) named.
    Cancel,
    /// A feed: events to show, no reply expected.
    Publish,
}

impl Method {
    /// `REQUEST`, `CANCEL` or `PUBLISH`: the METHOD property and the
    /// `method=` parameter of the `text/calendar` MIME part.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
            Method::Publish => "PUBLISH",
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

pub const PRODID: &str = "-//Relais//Relais//FR";

/// A full VCALENDAR (CRLF line endings, folded lines) with `events`.
///
/// - `REQUEST`: STATUS:CONFIRMED (CANCELLED if an event says so), the
///   attendee with `ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE`.
/// - `CANCEL`: STATUS:CANCELLED, whatever `cancelled` says.
/// - `PUBLISH`: STATUS as `cancelled` says; an attendee only if given.
///
/// Lines are folded at 75 octets, between UTF-8 characters, never next
/// to whitespace (so that parsers and relays that trim line ends lose
/// nothing) and never inside a `\,` escape.
pub fn calendar(method: Method, events: &[CalendarEvent]) -> String {
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("PRODID", PRODID))
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", method.as_str()));
    for event in events {
        cal.push(vevent(method, event));
    }
    refold(&cal.to_string())
}

/// Content lines are at most 75 octets, not counting the CRLF.
const FOLD_AT: usize = 75;

/// Folds the crate's output again, still at 75 octets and between UTF-8
/// characters, but never next to whitespace. The crate may fold right
/// after a space (it looks for spaces by character index in a byte
/// offset), and then a parser that trims line ends (ical-rs does, and so
/// may a mail relay on a 7bit body) glues two words together. Unfolding
/// the crate's text is exact: every CR and LF inside a value was escaped or
/// removed before, so CRLF only ever ends a line.
fn refold(ics: &str) -> String {
    let mut logical: Vec<String> = Vec::new();
    for physical in ics.split("\r\n") {
        match physical.strip_prefix([' ', '\t']) {
            Some(rest) if !logical.is_empty() => {
                if let Some(last) = logical.last_mut() {
                    last.push_str(rest);
                }
            }
            _ if physical.is_empty() => {}
            _ => logical.push(physical.to_string()),
        }
    }
    let mut out = String::with_capacity(ics.len() + ics.len() / 32);
    for line in &logical {
        fold_line(&mut out, line);
    }
    out
}

fn fold_line(out: &mut String, line: &str) {
    let mut rest = line;
    let mut first = true;
    loop {
        // A continuation line starts with the one space that unfolding removes.
        let room = if first { FOLD_AT } else { FOLD_AT - 1 };
        if !first {
            out.push(' ');
        }
        if rest.len() <= room {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut hard = room;
        while !rest.is_char_boundary(hard) {
            hard -= 1;
        }
        // Never next to whitespace, nor inside an escape such as `\;` (for
        // parsers that unescape before unfolding).
        let awkward = |cut: usize| {
            rest[..cut].ends_with(|c: char| c.is_whitespace() || c == '\\')
                || rest[cut..].starts_with(char::is_whitespace)
        };
        let cut = (room / 2..=hard)
            .rev()
            .find(|&cut| rest.is_char_boundary(cut) && !awkward(cut))
            .unwrap_or(hard);
        out.push_str(&rest[..cut]);
        out.push_str("\r\n");
        rest = &rest[cut..];
        first = false;
    }
}

fn vevent(method: Method, e: &CalendarEvent) -> Event {
    let starts = utc(e.starts_at_micros);
    let ends = utc(e.ends_at_micros).max(starts);
    let status = if method == Method::Cancel || e.cancelled {
        EventStatus::Cancelled
    } else {
        EventStatus::Confirmed
    };
    let sequence = u32::try_from(e.sequence.clamp(0, i64::from(i32::MAX))).unwrap_or(0);

    let mut event = Event::new();
    event
        .uid(&text(&e.uid))
        .sequence(sequence)
        .timestamp(utc(e.stamp_micros))
        .starts(starts)
        .ends(ends)
        .summary(&text(&e.summary))
        .description(&text(&e.description))
        .status(status)
        .append_property(Property::new(
            "TRANSP",
            if status == EventStatus::Cancelled {
                "TRANSPARENT"
            } else {
                "OPAQUE"
            },
        ))
        .append_property(cal_address("ORGANIZER", &e.organizer));
    if let Some(location) = &e.location {
        event.location(&text(location));
    }
    if let Some(url) = &e.url {
        event.url(&uri(url));
    }
    if let Some(attendee) = &e.attendee {
        let mut prop = cal_address("ATTENDEE", attendee);
        prop.add_parameter("CUTYPE", "INDIVIDUAL")
            .add_parameter("ROLE", "REQ-PARTICIPANT")
            .add_parameter("PARTSTAT", "NEEDS-ACTION")
            .add_parameter("RSVP", "FALSE");
        event.append_multi_property(prop);
    }
    event.done()
}

/// `KEY;CN=name:mailto:email`.
fn cal_address(key: &str, (name, email): &(String, String)) -> Property {
    let mut prop = Property::new(key, format!("mailto:{}", uri(email.trim())));
    let cn = param(name);
    if !cn.is_empty() {
        prop.add_parameter("CN", &cn);
    }
    prop.done()
}

/// The earliest and latest instants a DATE-TIME can write (years 1 to 9999).
const MIN_MICROS: i64 = -62_135_596_800_000_000;
const MAX_MICROS: i64 = 253_402_300_799_000_000;

/// Whole seconds in UTC: iCalendar has no fractions of a second.
fn utc(micros: i64) -> DateTime<Utc> {
    let secs = micros.clamp(MIN_MICROS, MAX_MICROS).div_euclid(1_000_000);
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

/// A TEXT value: the crate escapes `\ , ; newline`; CR and the other
/// control characters are not allowed at all, so line ends become `\n`
/// and the rest goes. Whitespace at either end, which parsers that trim
/// lines would lose anyway, goes too.
fn text(s: &str) -> String {
    s.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect::<String>()
        .trim()
        .to_string()
}

/// A parameter value (CN): no control characters and no DQUOTE, which
/// cannot be written even inside quotes.
fn param(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .filter(|c| *c != '"')
        .collect::<String>()
        .trim()
        .to_string()
}

/// A URI or CAL-ADDRESS value is written as is: only control characters go.
fn uri(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}
