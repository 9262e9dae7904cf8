//! The mail gateway behind `relais mailgate`: one message, as an MTA pipes
//! it, becomes a reply on its ticket or a new ticket.
//!
//! - Threading: `In-Reply-To` and `References` are looked up among the
//!   Message-IDs the desk sent or took in; failing that, a `[#123]` in the
//!   subject names the ticket.
//! - Auto-replies, bounces, lists and our own mail coming back are
//!   recognised and dropped, never answered (`Auto-Submitted`, `Precedence`,
//!   `X-Autoreply`, `List-Id`, an empty `Return-Path`, our Message-IDs).
//! - Mail from an address not on the ticket is held for IT staff to review.
//! - Attachments are kept, except types that run code (noted on the ticket).
//! - What cannot be taken (too large, headers too large, broken MIME, no
//!   sender) is refused with a reason; nothing is written then.

use mail_parser::{HeaderValue, MessageParser, MimeHeaders};
use relais_core::{Error, Timestamp};
use relais_db::audit::{self, Actor};
use relais_db::{DbResultExt, Tx};

use crate::Desk;
use crate::attachments::{self, Upload};
use crate::model::{Channel, Status, Urgency};
use crate::tickets::{self, Draft, Requester};

/// Largest message accepted, in bytes.
pub const MAX_MESSAGE: usize = 25 * 1024 * 1024;
/// Largest header section accepted, in bytes.
pub const MAX_HEADERS: usize = 256 * 1024;

/// What happened to a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new ticket was opened.
    Opened { ticket: i64 },
    /// Added to a ticket's thread; `held` when the sender is not on the ticket.
    Added { ticket: i64, held: bool },
    /// Taken but deliberately not acted on (an auto-reply, say).
    Ignored { reason: &'static str },
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Opened { ticket } => write!(f, "opened ticket #{ticket}"),
            Outcome::Added {
                ticket,
                held: false,
            } => write!(f, "added to ticket #{ticket}"),
            Outcome::Added { ticket, held: true } => write!(
                f,
                "held for review on ticket #{ticket} (sender not on the ticket)"
            ),
            Outcome::Ignored { reason } => write!(f, "ignored: {reason}"),
        }
    }
}

/// Why a message was refused. `temporary` ones should be retried by the MTA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub reason: String,
    pub temporary: bool,
}

impl Refusal {
    fn bad(reason: impl Into<String>) -> Refusal {
        Refusal {
            reason: reason.into(),
            temporary: false,
        }
    }

    /// The exit code for an MTA pipe: 65 (EX_DATAERR, bounce) or 75 (EX_TEMPFAIL, retry).
    pub fn exit_code(&self) -> i32 {
        if self.temporary { 75 } else { 65 }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

impl From<Error> for Refusal {
    fn from(e: Error) -> Self {
        Refusal {
            reason: format!("cannot store the message: {e}"),
            temporary: true,
        }
    }
}

/// Checks the raw bytes before parsing: size, header section, header syntax.
pub fn check_raw(raw: &[u8]) -> Result<(), Refusal> {
    if raw.len() > MAX_MESSAGE {
        return Err(Refusal::bad(format!(
            "message too large: {} bytes, at most {MAX_MESSAGE}",
            raw.len()
        )));
    }
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(Refusal::bad("empty message"));
    }
    let end = find(raw, b"\r\n\r\n")
        .or_else(|| find(raw, b"\n\n"))
        .unwrap_or(raw.len());
    if end > MAX_HEADERS {
        return Err(Refusal::bad(format!(
            "header section too large: more than {MAX_HEADERS} bytes"
        )));
    }
    let head = &raw[..end];
    for (i, line) in head.split(|b| *b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() || (i == 0 && line.starts_with(b"From ")) {
            continue;
        }
        if line.starts_with(b" ") || line.starts_with(b"\t") {
            if i == 0 {
                return Err(Refusal::bad(
                    "malformed headers: the first line is a continuation",
                ));
            }
            continue;
        }
        let colon = line.iter().position(|b| *b == b':');
        let ok = colon.is_some_and(|c| {
            c > 0
                && line[..c]
                    .iter()
                    .all(|b| (33..=126).contains(b) && *b != b':')
        });
        if !ok {
            return Err(Refusal::bad(format!(
                "malformed headers: line {} is not \"Name: value\"",
                i + 1
            )));
        }
    }
    Ok(())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn header_text(m: &mail_parser::Message<'_>, name: &str) -> Option<String> {
    m.header_raw(name).map(|v| v.trim().to_string())
}

/// Why a message must never be answered, if it is an automatic one.
fn automatic(m: &mail_parser::Message<'_>, mail_domain: &str) -> Option<&'static str> {
    if let Some(v) = header_text(m, "Auto-Submitted")
        && !v.eq_ignore_ascii_case("no")
    {
        return Some("auto-submitted message");
    }
    if let Some(v) = header_text(m, "Precedence")
        && ["bulk", "junk", "list", "auto_reply"].contains(&v.to_ascii_lowercase().as_str())
    {
        return Some("bulk or list precedence");
    }
    for h in [
        "X-Autoreply",
        "X-Autorespond",
        "X-Auto-Reply",
        "X-Autogenerated",
    ] {
        if m.header_raw(h).is_some() {
            return Some("auto-reply header");
        }
    }
    if m.header_raw("List-Id").is_some() || m.header_raw("List-Unsubscribe").is_some() {
        return Some("mailing-list message");
    }
    if let Some(v) = header_text(m, "Return-Path")
        && v.trim_matches(|c| c == '<' || c == '>' || c == ' ')
            .is_empty()
    {
        return Some("bounce (empty return path)");
    }
    if let Some(ct) = m.content_type()
        && ct.ctype().eq_ignore_ascii_case("multipart")
        && ct
            .subtype()
            .is_some_and(|s| s.eq_ignore_ascii_case("report"))
    {
        return Some("delivery report");
    }
    if let Some(from) = sender(m)
        && (from.starts_with("mailer-daemon@") || from.starts_with("postmaster@"))
    {
        return Some("bounce (mailer daemon)");
    }
    if m.message_id().is_some_and(|id| ours(id, mail_domain)) {
        return Some("our own message came back (loop)");
    }
    if header_text(m, "X-Loop").is_some_and(|v| v.contains("relais")) {
        return Some("loop header");
    }
    None
}

/// Whether a Message-ID has the shape Relais gives its own mail
/// (`relais_mail::message_id`: 32 hex digits at the mail domain). People's
/// mail clients on the same domain use other shapes (Thunderbird a UUID with
/// dashes, Outlook upper-case letters and dots), so their mail is never
/// taken for a loop.
fn ours(message_id: &str, mail_domain: &str) -> bool {
    let id = message_id.trim().trim_matches(|c| c == '<' || c == '>');
    match id.split_once('@') {
        Some((local, domain)) => {
            local.len() == 32
                && local
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                && domain.eq_ignore_ascii_case(mail_domain)
        }
        None => false,
    }
}

fn sender(m: &mail_parser::Message<'_>) -> Option<String> {
    let from = m.from().or_else(|| m.sender())?;
    from.first()?.address().map(|a| a.trim().to_lowercase())
}

fn sender_name(m: &mail_parser::Message<'_>) -> Option<String> {
    m.from()?
        .first()?
        .name()
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
}

fn ids(v: &HeaderValue<'_>) -> Vec<String> {
    match v {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(l) => l.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    }
}

fn bracketed(id: &str) -> String {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    format!("<{id}>")
}

/// `[#123]` in a subject.
pub fn subject_reference(subject: &str) -> Option<i64> {
    let start = subject.find("[#")? + 2;
    let rest = &subject[start..];
    let end = rest.find(']')?;
    rest[..end].trim().parse().ok()
}

/// Takes one message. Nothing is written when it is refused.
pub async fn deliver(desk: &Desk, raw: &[u8]) -> Result<Outcome, Refusal> {
    check_raw(raw)?;
    let m = MessageParser::default()
        .parse(raw)
        .ok_or_else(|| Refusal::bad("malformed message: cannot be parsed as MIME"))?;
    if let Some(ct) = m.content_type()
        && ct.ctype().eq_ignore_ascii_case("multipart")
    {
        match ct.attribute("boundary") {
            None => return Err(Refusal::bad("malformed MIME: multipart without a boundary")),
            Some(b) if find(raw, format!("--{b}").as_bytes()).is_none() => {
                return Err(Refusal::bad(
                    "malformed MIME: the multipart boundary never appears",
                ));
            }
            _ => {}
        }
    }
    if let Some(reason) = automatic(&m, &desk.mail_domain) {
        return Ok(Outcome::Ignored { reason });
    }
    let from = sender(&m).ok_or_else(|| Refusal::bad("no sender address (From)"))?;
    let from = relais_core::values::Email::parse(&from)
        .map_err(|_| Refusal::bad(format!("sender address {from:?} is not valid")))?;
    let message_id = m.message_id().map(bracketed);
    let subject = m
        .subject()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "(sans objet)".into());
    let mut body: String = m.body_text(0).map(|b| b.into_owned()).unwrap_or_default();
    if body.chars().count() > 20_000 {
        body = body.chars().take(20_000).collect::<String>() + "\n[…]";
    }
    let body: String = body
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect();
    let body = if body.trim().is_empty() {
        "(message sans texte)".to_string()
    } else {
        body.trim().to_string()
    };
    let mut uploads = Vec::new();
    let mut refused = Vec::new();
    for part in m.attachments() {
        let name = part.attachment_name().unwrap_or("piece-jointe").to_string();
        let ct = part
            .content_type()
            .map(|c| match c.subtype() {
                Some(s) => format!("{}/{}", c.ctype(), s),
                None => c.ctype().to_string(),
            })
            .unwrap_or_else(|| "application/octet-stream".into());
        let u = Upload {
            file_name: name.clone(),
            content_type: ct,
            data: part.contents().to_vec(),
        };
        if uploads.len() >= attachments::MAX_FILES {
            refused.push(format!("{name} (too many attachments)"));
        } else if attachments::check(&u).is_err() {
            refused.push(attachments::safe_name(&name));
        } else {
            uploads.push(u);
        }
    }
    let mut refs: Vec<String> = Vec::new();
    refs.extend(ids(m.in_reply_to()).iter().map(|i| bracketed(i)));
    refs.extend(ids(m.references()).iter().rev().map(|i| bracketed(i)));
    let now = desk.clock.now();
    let mut tx = desk
        .db
        .begin()
        .await
        .map_err(|e| Refusal::from(Error::internal(e)))?;
    let result = async {
        if let Some(id) = &message_id {
            let seen: Option<(i64,)> = sqlx::query_as("SELECT ticket_id FROM desk_mail_ids WHERE message_id = $1")
                .bind(id).fetch_optional(&mut *tx).await.db()?;
            if seen.is_some() {
                return Ok(Outcome::Ignored { reason: "already received (same Message-ID)" });
            }
        }
        let mut ticket = None;
        for r in &refs {
            let row: Option<(i64, i64)> = sqlx::query_as("SELECT ticket_id, outbound FROM desk_mail_ids WHERE message_id = $1")
                .bind(r).fetch_optional(&mut *tx).await.db()?;
            if let Some((t, _)) = row {
                ticket = Some(t);
                break;
            }
        }
        if ticket.is_none()
            && let Some(t) = subject_reference(&subject)
        {
            let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM desk_tickets WHERE id = $1").bind(t).fetch_optional(&mut *tx).await.db()?;
            ticket = exists.map(|e| e.0);
        }
        // Follow merges to the ticket that stayed open.
        if let Some(t) = ticket {
            let merged: Option<(Option<i64>,)> = sqlx::query_as("SELECT merged_into FROM desk_tickets WHERE id = $1").bind(t).fetch_optional(&mut *tx).await.db()?;
            if let Some((Some(into),)) = merged {
                ticket = Some(into);
            }
        }
        let outcome = match ticket {
            Some(t) => add_to(&mut tx, desk, t, &from, &body, &uploads, &refused, now).await?,
            None => open(&mut tx, desk, &from, sender_name(&m), &subject, &body, uploads, &refused, now).await?,
        };
        let ticket = match outcome {
            Outcome::Opened { ticket } | Outcome::Added { ticket, .. } => ticket,
            Outcome::Ignored { .. } => return Ok(outcome),
        };
        if let Some(id) = &message_id {
            sqlx::query("INSERT INTO desk_mail_ids (message_id, ticket_id, outbound, created_at) VALUES ($1, $2, 0, $3) ON CONFLICT (message_id) DO NOTHING")
                .bind(id).bind(ticket).bind(now.0).execute(&mut *tx).await.db()?;
        }
        Ok(outcome)
    }
    .await;
    relais_db::finish(tx, result).await.map_err(Refusal::from)
}

#[allow(clippy::too_many_arguments)]
async fn add_to(
    tx: &mut Tx,
    desk: &Desk,
    ticket: i64,
    from: &relais_core::values::Email,
    body: &str,
    uploads: &[Upload],
    refused: &[String],
    now: Timestamp,
) -> relais_core::Result<Outcome> {
    let t = crate::thread::lock(tx, desk, ticket).await?;
    let row: (Option<i64>, Option<i64>, Option<String>, Option<String>, Option<String>, Option<String>) = sqlx::query_as(
        "SELECT t.requester_person_id, t.requester_external_id, rp.email, x.email, op.email, ap.email
         FROM desk_tickets t LEFT JOIN people rp ON rp.id = t.requester_person_id
         LEFT JOIN desk_external_requesters x ON x.id = t.requester_external_id
         LEFT JOIN people op ON op.id = t.opened_by LEFT JOIN people ap ON ap.id = t.assignee_id WHERE t.id = $1",
    )
    .bind(ticket)
    .fetch_one(&mut **tx)
    .await
    .db()?;
    let addr = from.as_str();
    let is_requester = [&row.2, &row.3]
        .iter()
        .any(|e| e.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(addr)));
    let on_ticket = is_requester
        || [&row.4, &row.5]
            .iter()
            .any(|e| e.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(addr)));
    if t.status == Status::Closed && is_requester {
        // A closed ticket stays closed: the answer opens a follow-up.
        let subject = format!("Suite de #{ticket} : {}", t.subject);
        let requester = requester_for(tx, from, None, now).await?;
        let draft = Draft {
            subject,
            description: body.to_string(),
            category: crate::model::Category::Other,
            urgency: Urgency::Normal,
            channel: Channel::Mail,
            requester,
            opened_by: None,
            delegation: None,
            equipment: None,
        };
        let new = tickets::insert(tx, desk, draft, uploads.to_vec(), Actor::SYSTEM, now).await?;
        note_refused(tx, new, refused, now).await?;
        return Ok(Outcome::Opened { ticket: new });
    }
    let (person,): (Option<i64>,) = sqlx::query_as("SELECT MIN(id) FROM people WHERE email = $1")
        .bind(addr)
        .fetch_one(&mut **tx)
        .await
        .db()?;
    let (mid,): (i64,) = sqlx::query_as(
        "INSERT INTO desk_messages (ticket_id, kind, author_person_id, author_external_id, author_email, body, held_at, created_at)
         VALUES ($1, 'inbound', $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(ticket)
    .bind(person)
    .bind(if is_requester { row.1 } else { None })
    .bind(addr)
    .bind(body)
    .bind(if on_ticket { None } else { Some(now.0) })
    .bind(now.0)
    .fetch_one(&mut **tx)
    .await
    .db()?;
    for u in uploads {
        attachments::store(tx, ticket, Some(mid), u, now).await?;
    }
    note_refused(tx, ticket, refused, now).await?;
    if is_requester && matches!(t.status, Status::Waiting | Status::Resolved) {
        crate::thread::write_status(tx, ticket, Status::InProgress, now).await?;
    }
    audit::record(
        tx,
        now,
        Actor::SYSTEM,
        "desk.mail.in",
        &format!("ticket:{ticket}"),
        serde_json::json!({ "from": addr, "held": !on_ticket }),
    )
    .await
    .db()?;
    Ok(Outcome::Added {
        ticket,
        held: !on_ticket,
    })
}

async fn requester_for(
    tx: &mut Tx,
    from: &relais_core::values::Email,
    name: Option<String>,
    now: Timestamp,
) -> relais_core::Result<Requester> {
    let (person,): (Option<i64>,) = sqlx::query_as("SELECT MIN(id) FROM people WHERE email = $1")
        .bind(from.as_str())
        .fetch_one(&mut **tx)
        .await
        .db()?;
    Ok(match person {
        Some(p) => Requester::Person(
            relais_directory::people::brief_in(tx, relais_core::PersonId(p)).await?,
        ),
        None => {
            let name = name.unwrap_or_else(|| from.as_str().to_string());
            let id =
                crate::public::new_external(tx, &name, Some(from.as_str()), "", "", now).await?;
            Requester::External {
                id,
                name,
                email: Some(from.as_str().to_string()),
            }
        }
    })
}

#[allow(clippy::too_many_arguments)]
async fn open(
    tx: &mut Tx,
    desk: &Desk,
    from: &relais_core::values::Email,
    name: Option<String>,
    subject: &str,
    body: &str,
    uploads: Vec<Upload>,
    refused: &[String],
    now: Timestamp,
) -> relais_core::Result<Outcome> {
    let requester = requester_for(tx, from, name, now).await?;
    let subject: String = subject
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let draft = Draft {
        category: tickets::guess_category(&format!("{subject} {body}")),
        subject,
        description: body.to_string(),
        urgency: Urgency::Normal,
        channel: Channel::Mail,
        requester,
        opened_by: None,
        delegation: None,
        equipment: None,
    };
    let ticket = tickets::insert(tx, desk, draft, uploads, Actor::SYSTEM, now).await?;
    note_refused(tx, ticket, refused, now).await?;
    Ok(Outcome::Opened { ticket })
}

async fn note_refused(
    tx: &mut Tx,
    ticket: i64,
    refused: &[String],
    now: Timestamp,
) -> relais_core::Result<()> {
    if refused.is_empty() {
        return Ok(());
    }
    sqlx::query("INSERT INTO desk_messages (ticket_id, kind, body, created_at) VALUES ($1, 'internal', $2, $3)")
        .bind(ticket)
        .bind(format!("Pièces jointes refusées (type interdit ou trop grandes) : {}", refused.join(", ")))
        .bind(now.0)
        .execute(&mut **tx)
        .await
        .db()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_it_cannot_take() {
        assert!(check_raw(b"From: a@b.fr\r\nSubject: x\r\n\r\nhello").is_ok());
        assert!(check_raw(b"").is_err());
        assert!(check_raw(b"this is not a header\r\n\r\nbody").is_err());
        let mut huge = b"From: a@b.fr\r\nX-Big: ".to_vec();
        huge.extend(std::iter::repeat_n(b'a', MAX_HEADERS + 10));
        huge.extend(b"\r\n\r\nbody");
        assert!(
            check_raw(&huge)
                .unwrap_err()
                .reason
                .contains("header section too large")
        );
        assert_eq!(subject_reference("Re: [#42] Ma box"), Some(42));
    }

    #[test]
    fn only_our_own_message_ids_are_loops() {
        let ours_now = relais_mail::message_id("desk-reply:7:1", "inst.fr");
        assert!(ours(&ours_now, "inst.fr"));
        assert!(ours(&ours_now, "INST.fr"));
        assert!(!ours(&ours_now, "other.fr"));
        // Colleagues on the institute's domain write from mail clients.
        assert!(!ours(
            "<0f3c2a4e-5b1d-4c8e-9a7b-2d1e3f4a5b6c@inst.fr>",
            "inst.fr"
        ));
        assert!(!ours("<DB7PR04MB5.eurprd04.prod@inst.fr>", "inst.fr"));
        assert!(!ours("<no-at-sign>", "inst.fr"));
        assert_eq!(subject_reference("Ma box"), None);
    }
}
