//! What `relais_mail::ical` writes, read back by parsers that share no code
//! with the writer: `ical` (ical-rs) for the iCalendar text, `mail-parser`
//! for the iMIP mail as it arrives at a real SMTP listener.

use std::io::BufReader;
use std::sync::{Arc, Mutex};

use ical::parser::ical::component::{IcalCalendar, IcalEvent};
use ical::property::Property;
use mail_parser::{MessageParser, MimeHeaders, PartType};
use relais_core::{Clock, Timestamp};
use relais_jobs::{JobError, Worker};
use relais_mail::ical::{CalendarEvent, Method, calendar};
use relais_mail::{
    CalendarPart, Mailer, OutgoingMail, SendMailJob, Transport, enqueue, message_id,
};
use relais_testkit::{FakeClock, SmtpSink, TestDb};

// 2026-03-12 09:30 to 13:00 in Paris (CET, UTC+1).
const START: i64 = 1_773_304_200_000_000;
const START_UTC: &str = "20260312T083000Z";
const END: i64 = 1_773_316_800_000_000;
const END_UTC: &str = "20260312T120000Z";
// 2026-03-01 10:15:00 UTC.
const STAMP: i64 = 1_772_360_100_000_000;
const STAMP_UTC: &str = "20260301T101500Z";
// 2026-07-02 14:00 to 17:30 in Paris (CEST, UTC+2).
const SUMMER_START: i64 = 1_782_993_600_000_000;
const SUMMER_END: i64 = 1_783_006_200_000_000;

const LONG_DESCRIPTION: &str = "Formation « Accueil des bénévoles », deuxième session ; \
    apportez : votre badge, un stylo, et de quoi noter. Les inscrits recevront le support \
    de cours après la séance.\nAccès : métro Châtelet, sortie 7 ; ascenseur à gauche.\n\
    Chemin Windows pour le support : C:\\Relais\\formations\\accueil.pdf — fin.";

fn session() -> CalendarEvent {
    CalendarEvent {
        uid: "session-42@relais.example".into(),
        sequence: 3,
        summary: "Accueil des bénévoles, niveau 2".into(),
        description: LONG_DESCRIPTION.into(),
        location: Some("12, rue de l'Église; 75004 Paris".into()),
        url: Some("https://relais.example/formations/sessions/42".into()),
        starts_at_micros: START,
        ends_at_micros: END,
        organizer: (
            "Relais — Formations".into(),
            "formations@relais.example".into(),
        ),
        attendee: Some(("Lefèvre, Zoé".into(), "zoe.lefevre@example.org".into())),
        cancelled: false,
        stamp_micros: STAMP,
    }
}

fn parse(ics: &str) -> IcalCalendar {
    let mut calendars: Vec<IcalCalendar> = ical::IcalParser::new(BufReader::new(ics.as_bytes()))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("ical-rs cannot parse it: {e}\n{ics}"));
    assert_eq!(calendars.len(), 1, "one VCALENDAR:\n{ics}");
    calendars.remove(0)
}

fn props<'a>(props: &'a [Property], name: &str) -> Vec<&'a Property> {
    props.iter().filter(|p| p.name == name).collect()
}

/// The one property `name`, which must be there exactly once.
fn prop<'a>(all: &'a [Property], name: &str) -> &'a Property {
    let found = props(all, name);
    assert_eq!(found.len(), 1, "exactly one {name} in {all:#?}");
    found[0]
}

fn value<'a>(all: &'a [Property], name: &str) -> &'a str {
    prop(all, name).value.as_deref().unwrap_or("")
}

/// The values of parameter `key`, which must be there exactly once.
fn param<'a>(p: &'a Property, key: &str) -> &'a [String] {
    let found: Vec<_> = p
        .params
        .iter()
        .flatten()
        .filter(|(k, _)| k == key)
        .collect();
    assert_eq!(found.len(), 1, "exactly one {key} on {p:#?}");
    &found[0].1
}

/// RFC 5545 3.3.11, written here rather than taken from the writer.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(c @ ('\\' | ',' | ';')) => out.push(c),
            other => panic!("bad escape \\{other:?} in {s:?}"),
        }
    }
    out
}

/// A TEXT value must not hold a bare `,` or `;` (3.3.11).
fn assert_escaped(raw: &str) {
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            ',' | ';' => panic!("unescaped {c:?} in {raw:?}"),
            _ => {}
        }
    }
}

fn the_event(cal: &IcalCalendar) -> &IcalEvent {
    assert_eq!(cal.events.len(), 1);
    &cal.events[0]
}

#[test]
fn an_invitation_carries_what_calendar_clients_need() {
    let ics = calendar(Method::Request, &[session()]);
    let cal = parse(&ics);
    assert_eq!(value(&cal.properties, "PRODID"), "-//Relais//Relais//FR");
    assert_eq!(value(&cal.properties, "VERSION"), "2.0");
    assert_eq!(value(&cal.properties, "CALSCALE"), "GREGORIAN");
    assert_eq!(value(&cal.properties, "METHOD"), "REQUEST");

    let ev = &the_event(&cal).properties;
    assert_eq!(value(ev, "UID"), "session-42@relais.example");
    assert_eq!(value(ev, "SEQUENCE"), "3");
    assert_eq!(value(ev, "DTSTAMP"), STAMP_UTC);
    assert_eq!(value(ev, "DTSTART"), START_UTC);
    assert_eq!(value(ev, "DTEND"), END_UTC);
    assert!(prop(ev, "DTSTART").params.is_none(), "UTC, no TZID");
    assert_eq!(value(ev, "STATUS"), "CONFIRMED");
    assert_eq!(
        unescape(value(ev, "SUMMARY")),
        "Accueil des bénévoles, niveau 2"
    );
    assert_eq!(
        unescape(value(ev, "LOCATION")),
        "12, rue de l'Église; 75004 Paris"
    );
    assert_eq!(
        value(ev, "URL"),
        "https://relais.example/formations/sessions/42"
    );

    let organizer = prop(ev, "ORGANIZER");
    assert_eq!(
        organizer.value.as_deref(),
        Some("mailto:formations@relais.example")
    );
    assert_eq!(param(organizer, "CN"), ["Relais — Formations"]);

    let attendee = prop(ev, "ATTENDEE");
    assert_eq!(
        attendee.value.as_deref(),
        Some("mailto:zoe.lefevre@example.org")
    );
    assert_eq!(
        param(attendee, "CN"),
        ["Lefèvre, Zoé"],
        "a CN with a comma is quoted, not split"
    );
    assert_eq!(param(attendee, "ROLE"), ["REQ-PARTICIPANT"]);
    assert_eq!(param(attendee, "PARTSTAT"), ["NEEDS-ACTION"]);
    assert_eq!(param(attendee, "RSVP"), ["FALSE"]);
    assert!(
        !ics.contains("ACCEPTED"),
        "an invitation is not yet accepted"
    );
}

#[test]
fn a_cancellation_is_method_cancel_with_status_cancelled() {
    let mut ev = session();
    ev.sequence = 4;
    // Even an event not marked cancelled is cancelled by METHOD:CANCEL.
    let ics = calendar(Method::Cancel, &[ev]);
    let cal = parse(&ics);
    assert_eq!(value(&cal.properties, "METHOD"), "CANCEL");
    let ev = &the_event(&cal).properties;
    assert_eq!(value(ev, "UID"), "session-42@relais.example");
    assert_eq!(value(ev, "SEQUENCE"), "4");
    assert_eq!(value(ev, "STATUS"), "CANCELLED");
    assert_eq!(value(ev, "DTSTART"), START_UTC);
    assert_eq!(
        prop(ev, "ATTENDEE").value.as_deref(),
        Some("mailto:zoe.lefevre@example.org"),
        "RFC 5546 names the attendee a CANCEL is for"
    );
    assert_eq!(
        prop(ev, "ORGANIZER").value.as_deref(),
        Some("mailto:formations@relais.example")
    );
}

#[test]
fn a_feed_is_publish_without_attendees_and_with_each_status() {
    let mut first = session();
    first.attendee = None;
    let mut second = session();
    second.uid = "session-43@relais.example".into();
    second.attendee = None;
    second.cancelled = true;
    second.starts_at_micros = SUMMER_START;
    second.ends_at_micros = SUMMER_END;
    let cal = parse(&calendar(Method::Publish, &[first, second]));
    assert_eq!(value(&cal.properties, "METHOD"), "PUBLISH");
    assert_eq!(cal.events.len(), 2);
    let (a, b) = (&cal.events[0].properties, &cal.events[1].properties);
    assert!(props(a, "ATTENDEE").is_empty() && props(b, "ATTENDEE").is_empty());
    assert_eq!(value(a, "STATUS"), "CONFIRMED");
    assert_eq!(value(b, "STATUS"), "CANCELLED");
    assert_eq!(value(b, "UID"), "session-43@relais.example");
    // 14:00 to 17:30 in Paris in July is 12:00 to 15:30 UTC.
    assert_eq!(value(b, "DTSTART"), "20260702T120000Z");
    assert_eq!(value(b, "DTEND"), "20260702T153000Z");
}

#[test]
fn a_long_description_with_accents_and_separators_survives() {
    let ics = calendar(Method::Request, &[session()]);
    let cal = parse(&ics);
    let raw = value(&the_event(&cal).properties, "DESCRIPTION");
    assert_escaped(raw);
    assert_eq!(unescape(raw), LONG_DESCRIPTION);
    assert_escaped(value(&the_event(&cal).properties, "LOCATION"));
    assert_escaped(value(&the_event(&cal).properties, "SUMMARY"));
}

#[test]
fn lines_are_crlf_and_folded_at_75_octets() {
    let ics = calendar(Method::Request, &[session()]);
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    let bytes = ics.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            assert!(i > 0 && bytes[i - 1] == b'\r', "bare LF at byte {i}");
        }
        if *b == b'\r' {
            assert_eq!(bytes.get(i + 1), Some(&b'\n'), "bare CR at byte {i}");
        }
    }
    let lines: Vec<&str> = ics.trim_end_matches("\r\n").split("\r\n").collect();
    for line in &lines {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    for (i, line) in lines.iter().enumerate() {
        assert!(
            !line.ends_with(char::is_whitespace),
            "a fold after whitespace is lost by parsers that trim: {line:?}"
        );
        if let Some(next) = lines.get(i + 1).and_then(|l| l.strip_prefix(' ')) {
            assert!(!next.starts_with(char::is_whitespace), "{next:?}");
            assert!(!line.ends_with('\\'), "a fold inside an escape: {line:?}");
        }
    }
    let continuations = lines.iter().filter(|l| l.starts_with(' ')).count();
    assert!(
        continuations >= 3,
        "the long DESCRIPTION is folded over several lines:\n{ics}"
    );
    // Unfolding (RFC 5545 3.1) gives back one DESCRIPTION line that is
    // longer than 75 octets.
    let unfolded = ics.replace("\r\n ", "").replace("\r\n\t", "");
    let description = unfolded
        .split("\r\n")
        .find(|l| l.starts_with("DESCRIPTION:"))
        .unwrap();
    assert!(description.len() > 300);
    assert_eq!(
        unescape(&description["DESCRIPTION:".len()..]),
        LONG_DESCRIPTION
    );
}

/// Many descriptions of every length, from an alphabet of one- to
/// four-byte characters, spaces (also the no-break ones French typography
/// uses), escapes and line breaks: each one comes back whole through
/// ical-rs, and every line stays within 75 octets.
#[test]
fn folding_never_loses_a_character() {
    const ALPHABET: &[&str] = &[
        "a", "b", "é", "É", "œ", "老", "😀", " ", " ", "\u{a0}", "\u{202f}", ",", ";", "\\", "\n",
        ":", "\"", "x", "y", "z",
    ];
    let mut seed: u64 = 0x5eed;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize
    };
    for len in 0..400 {
        // ical-rs drops every ':' that starts a value, so none does here.
        let description: String = std::iter::once("«")
            .chain((0..len).map(|_| ALPHABET[next() % ALPHABET.len()]))
            .collect();
        let mut ev = session();
        ev.description = description.clone();
        ev.summary = std::iter::once('«')
            .chain(description.chars().rev().take(90))
            .collect();
        let ics = calendar(Method::Publish, &[ev.clone()]);
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        }
        let cal = parse(&ics);
        let p = &the_event(&cal).properties;
        // Whitespace at the ends of a value is dropped on purpose.
        assert_eq!(unescape(value(p, "DESCRIPTION")), description.trim());
        assert_eq!(unescape(value(p, "SUMMARY")), ev.summary.trim());
    }
}

#[test]
fn awkward_values_cannot_break_the_calendar() {
    let mut ev = session();
    ev.summary = " \t Première ligne\r\nSUMMARY:piège\rBEGIN:VEVENT\n  ".into();
    ev.attendee = Some((
        "Zoé \"la bénévole\"\r\nX-EVIL:1".into(),
        "zoe@example.org".into(),
    ));
    ev.sequence = -2;
    ev.starts_at_micros = START + 999_999; // fractions of a second are dropped
    ev.ends_at_micros = START - 3_600_000_000; // before the start
    let ics = calendar(Method::Request, &[ev]);
    let cal = parse(&ics);
    let p = &the_event(&cal).properties;
    assert_eq!(props(p, "SUMMARY").len(), 1);
    assert!(props(p, "X-EVIL").is_empty());
    assert_eq!(
        unescape(value(p, "SUMMARY")),
        "Première ligne\nSUMMARY:piège\nBEGIN:VEVENT"
    );
    let cn = &param(prop(p, "ATTENDEE"), "CN")[0];
    assert!(!cn.contains('"') && !cn.contains('\n') && cn.starts_with("Zoé"));
    assert_eq!(value(p, "SEQUENCE"), "0");
    assert_eq!(value(p, "DTSTART"), START_UTC);
    assert_eq!(value(p, "DTEND"), START_UTC, "never ends before it starts");
    assert_eq!(
        ics.split("\r\n").filter(|l| *l == "BEGIN:VEVENT").count(),
        1
    );
}

fn invitation(about: &str, method: Method, ev: &CalendarEvent) -> OutgoingMail {
    OutgoingMail {
        to: "zoe.lefevre@example.org".into(),
        to_name: Some("Zoé Lefèvre".into()),
        subject: "Invitation : Accueil des bénévoles, niveau 2".into(),
        text: "Bonjour Zoé,\n\nVotre inscription est confirmée.".into(),
        html: Some("<p>Bonjour Zoé,</p><p>Votre inscription est confirmée.</p>".into()),
        message_id: message_id(about, "relais.example"),
        calendar: Some(CalendarPart::new(method, std::slice::from_ref(ev))),
        by_a_person: false,
    }
}

/// Checks the iMIP layout of a raw message and returns the decoded
/// `text/calendar` body and the decoded `invite.ics` attachment.
fn imip_parts(raw: &[u8], method: &str) -> (String, String) {
    let msg = MessageParser::default()
        .parse(raw)
        .expect("mail-parser reads it");
    let root = msg.root_part();
    assert!(
        root.is_content_type("multipart", "mixed"),
        "{:?}",
        root.content_type()
    );
    let top = root.sub_parts().expect("mixed has parts");
    assert_eq!(top.len(), 2, "alternative + attachment");

    let alternative = &msg.parts[top[0] as usize];
    assert!(alternative.is_content_type("multipart", "alternative"));
    let alt = alternative.sub_parts().unwrap();
    let kinds: Vec<String> = alt
        .iter()
        .map(|i| {
            let ct = msg.parts[*i as usize].content_type().unwrap();
            format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or(""))
        })
        .collect();
    assert_eq!(kinds, ["text/plain", "text/html", "text/calendar"]);
    let cal_part = &msg.parts[alt[2] as usize];
    let ct = cal_part.content_type().unwrap();
    assert_eq!(ct.attribute("method"), Some(method));
    assert_eq!(
        ct.attribute("charset")
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("utf-8")
    );
    assert!(
        cal_part.content_disposition().is_none() && cal_part.attachment_name().is_none(),
        "the text/calendar part is inline, not an attachment"
    );
    let inline = match &cal_part.body {
        PartType::Text(t) => t.to_string(),
        other => panic!("text/calendar decoded as {other:?}"),
    };

    let attachment = &msg.parts[top[1] as usize];
    assert_eq!(attachment.attachment_name(), Some("invite.ics"));
    assert!(attachment.is_content_type("application", "ics"));
    let disposition = attachment.content_disposition().unwrap();
    assert_eq!(disposition.ctype(), "attachment");
    let attached = String::from_utf8(attachment.contents().to_vec()).unwrap();
    (inline, attached)
}

#[tokio::test]
async fn an_invitation_reaches_a_real_smtp_listener_as_imip() {
    let sink = SmtpSink::start().await;
    let t = TestDb::new().await;
    let clock = FakeClock::new(Timestamp(0));
    let mailer = Arc::new(Mailer {
        from: "Relais <formations@relais.example>".parse().unwrap(),
        transport: Transport::smtp(&sink.url()).unwrap(),
    });
    let worker = Worker::new(
        t.db.clone(),
        Arc::new(clock.clone()),
        vec![Arc::new(SendMailJob(mailer))],
    );
    let ev = session();
    let m = invitation("training-invite:42:7:3", Method::Request, &ev);
    let mut tx = t.db.begin().await.unwrap();
    assert!(enqueue(&mut tx, clock.now(), &m).await.unwrap());
    tx.commit().await.unwrap();
    assert_eq!(worker.run_pending().await.unwrap(), 1);

    let got = sink.wait_for(1).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].to, vec!["zoe.lefevre@example.org".to_string()]);
    assert_eq!(
        got[0].header("Message-ID").as_deref(),
        Some(m.message_id.as_str()),
        "the Message-ID stays the stable one"
    );
    let (inline, attached) = imip_parts(got[0].data.as_bytes(), "REQUEST");
    let sent = &m.calendar.as_ref().unwrap().ics;
    for ics in [&inline, &attached] {
        assert_eq!(ics, sent, "byte for byte, CRLF included");
        let cal = parse(ics);
        assert_eq!(value(&cal.properties, "METHOD"), "REQUEST");
        let p = &the_event(&cal).properties;
        assert_eq!(value(p, "UID"), "session-42@relais.example");
        assert_eq!(value(p, "DTSTART"), START_UTC);
        assert_eq!(value(p, "DTEND"), END_UTC);
        assert_eq!(param(prop(p, "ATTENDEE"), "PARTSTAT"), ["NEEDS-ACTION"]);
        assert_eq!(unescape(value(p, "DESCRIPTION")), LONG_DESCRIPTION);
    }
}

#[tokio::test]
async fn a_cancellation_mail_says_method_cancel() {
    let store = Arc::new(Mutex::new(Vec::new()));
    let mailer = Mailer {
        from: "formations@relais.example".parse().unwrap(),
        transport: Transport::Memory(store.clone()),
    };
    let mut ev = session();
    ev.sequence = 4;
    ev.cancelled = true;
    let mut m = invitation("training-cancel:42:7:4", Method::Cancel, &ev);
    m.html = None;
    mailer.send(&m).await.unwrap();
    let raw = store.lock().unwrap()[0].formatted();
    let msg = MessageParser::default().parse(&raw).unwrap();
    let kinds: Vec<String> = msg
        .parts
        .iter()
        .filter_map(|p| p.content_type())
        .map(|ct| format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("")))
        .collect();
    assert_eq!(
        kinds,
        [
            "multipart/mixed",
            "multipart/alternative",
            "text/plain",
            "text/calendar",
            "application/ics"
        ]
    );
    let cal_part = msg
        .parts
        .iter()
        .find(|p| p.is_content_type("text", "calendar"))
        .unwrap();
    assert_eq!(
        cal_part.content_type().unwrap().attribute("method"),
        Some("CANCEL")
    );
    let cal = parse(cal_part.text_contents().unwrap());
    assert_eq!(value(&cal.properties, "METHOD"), "CANCEL");
    assert_eq!(value(&the_event(&cal).properties, "STATUS"), "CANCELLED");
    assert_eq!(value(&the_event(&cal).properties, "SEQUENCE"), "4");
}

#[test]
fn a_calendar_part_must_agree_with_its_method() {
    let mailer = Mailer {
        from: "formations@relais.example".parse().unwrap(),
        transport: Transport::Memory(Arc::default()),
    };
    let mut m = invitation("x", Method::Request, &session());
    m.calendar.as_mut().unwrap().method = "CANCEL".into();
    assert!(matches!(mailer.build(&m), Err(JobError::Fatal(_))));
    m.calendar.as_mut().unwrap().method = "REQUEST\r\nBcc: x@example.org".into();
    assert!(matches!(mailer.build(&m), Err(JobError::Fatal(_))));
    m.calendar.as_mut().unwrap().method = "REQUEST".into();
    assert!(mailer.build(&m).is_ok());
}

#[test]
fn payloads_without_a_calendar_still_parse_and_look_the_same() {
    let old = serde_json::json!({
        "to": "a@example.org",
        "to_name": null,
        "subject": "s",
        "text": "t",
        "html": null,
        "message_id": "<1@example.org>",
    });
    let mail: OutgoingMail = serde_json::from_value(old.clone()).unwrap();
    assert_eq!(mail.calendar, None);
    assert_eq!(serde_json::to_value(&mail).unwrap(), old);

    let with = invitation("y", Method::Request, &session());
    let back: OutgoingMail = serde_json::from_value(serde_json::to_value(&with).unwrap()).unwrap();
    assert_eq!(back, with);
}
