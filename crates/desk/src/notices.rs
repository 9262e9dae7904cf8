//! The mails the desk sends, in the requester's language: the
//! acknowledgement of a new ticket, each public reply, a merge, a known
//! issue's answer. Subjects carry the ticket's reference (`[#123]`) and every
//! Message-ID is remembered, so that answers by mail find their ticket.
//! External requesters get a fresh follow link in each mail.

use relais_core::{Lang, Result, Timestamp};
use relais_db::{DbResultExt, Tx};
use relais_mail::OutgoingMail;
use relais_web::T;

use crate::{Desk, public};

/// How many acknowledgements one address gets per hour at most: a
/// responder we failed to recognise cannot start a mail loop.
const ACKS_PER_HOUR: i64 = 3;

pub fn subject_line(id: i64, subject: &str) -> String {
    format!("[#{id}] {subject}")
}

pub(crate) async fn may_acknowledge(
    tx: &mut Tx,
    email: Option<&str>,
    now: Timestamp,
) -> Result<bool> {
    match email {
        None => Ok(false),
        Some(e) => {
            public::hit(
                tx,
                &format!("ack:{}", e.to_lowercase()),
                3600,
                ACKS_PER_HOUR,
                now,
            )
            .await
        }
    }
}

struct Recipient {
    email: String,
    name: String,
    lang: Lang,
    external: bool,
}

async fn recipient(tx: &mut Tx, ticket: i64) -> Result<Option<Recipient>> {
    let row: Option<(Option<String>, Option<String>, Option<String>, Option<String>, Option<String>, Option<i64>)> =
        sqlx::query_as(
            "SELECT p.email, p.first_name || ' ' || p.last_name, p.language, x.email, x.name, t.requester_external_id
             FROM desk_tickets t LEFT JOIN people p ON p.id = t.requester_person_id
             LEFT JOIN desk_external_requesters x ON x.id = t.requester_external_id WHERE t.id = $1",
        )
        .bind(ticket)
        .fetch_optional(&mut **tx)
        .await
        .db()?;
    Ok(row.and_then(|r| match (r.0, r.3) {
        (Some(email), _) => Some(Recipient {
            email,
            name: r.1.unwrap_or_default(),
            lang: r.2.as_deref().and_then(Lang::parse).unwrap_or_default(),
            external: false,
        }),
        (None, Some(email)) => Some(Recipient {
            email,
            name: r.4.unwrap_or_default(),
            lang: Lang::Fr,
            external: r.5.is_some(),
        }),
        _ => None,
    }))
}

/// One mail about a ticket: what it is about (for its Message-ID), which
/// texts (`desk-mail-{key}-…`), the ticket's subject and extra arguments.
struct Notice<'a> {
    about: String,
    key: &'a str,
    subject: &'a str,
    extra: Vec<(&'static str, String)>,
}

/// Queues a notice to the ticket's requester (nothing when it has no address).
async fn send(tx: &mut Tx, desk: &Desk, ticket: i64, n: Notice<'_>, now: Timestamp) -> Result<()> {
    let Some(to) = recipient(tx, ticket).await? else {
        return Ok(());
    };
    let Notice {
        about,
        key,
        subject,
        extra,
    } = n;
    let about = about.as_str();
    let t = T(to.lang);
    let link = if to.external {
        let token = public::issue_link(tx, ticket, now).await?;
        format!("{}/desk/follow/{token}", desk.public_url)
    } else {
        format!("{}/desk/tickets/{ticket}", desk.public_url)
    };
    let mut args = vec![
        ("name", to.name.clone()),
        ("reference", format!("#{ticket}")),
        ("subject", subject.to_string()),
        ("link", link),
    ];
    args.extend(extra);
    let message_id = relais_mail::message_id(about, &desk.mail_domain);
    let mail = OutgoingMail {
        to: to.email.clone(),
        to_name: Some(to.name.clone()).filter(|n| !n.trim().is_empty()),
        subject: subject_line(ticket, &t.ta(&format!("desk-mail-{key}-subject"), &args)),
        text: t.ta(&format!("desk-mail-{key}-body"), &args),
        html: None,
        message_id: message_id.clone(),
        calendar: None,
        by_a_person: key == "reply",
    };
    relais_mail::enqueue(tx, now, &mail).await.db()?;
    sqlx::query(
        "INSERT INTO desk_mail_ids (message_id, ticket_id, outbound, created_at) VALUES ($1, $2, 1, $3) ON CONFLICT (message_id) DO NOTHING",
    )
    .bind(&message_id)
    .bind(ticket)
    .bind(now.0)
    .execute(&mut **tx)
    .await
    .db()?;
    Ok(())
}

pub(crate) async fn acknowledge(
    tx: &mut Tx,
    desk: &Desk,
    ticket: i64,
    subject: &str,
    known_issue: Option<&str>,
    now: Timestamp,
) -> Result<()> {
    let extra = [("known_issue", known_issue.unwrap_or("").to_string())];
    send(
        tx,
        desk,
        ticket,
        Notice {
            about: format!("desk-ack:{ticket}"),
            key: "ack",
            subject,
            extra: extra.to_vec(),
        },
        now,
    )
    .await
}

pub(crate) async fn reply(
    tx: &mut Tx,
    desk: &Desk,
    ticket: i64,
    message: i64,
    subject: &str,
    body: &str,
    now: Timestamp,
) -> Result<()> {
    send(
        tx,
        desk,
        ticket,
        Notice {
            about: format!("desk-reply:{message}"),
            key: "reply",
            subject,
            extra: [("body", body.to_string())].to_vec(),
        },
        now,
    )
    .await
}

pub(crate) async fn merged(
    tx: &mut Tx,
    desk: &Desk,
    duplicate: i64,
    into: i64,
    subject: &str,
    now: Timestamp,
) -> Result<()> {
    send(
        tx,
        desk,
        duplicate,
        Notice {
            about: format!("desk-merged:{duplicate}:{into}"),
            key: "merged",
            subject,
            extra: [("into", format!("#{into}"))].to_vec(),
        },
        now,
    )
    .await
}

pub(crate) async fn known_issue_resolved(
    tx: &mut Tx,
    desk: &Desk,
    ticket: i64,
    issue: i64,
    subject: &str,
    answer: &str,
    now: Timestamp,
) -> Result<()> {
    send(
        tx,
        desk,
        ticket,
        Notice {
            about: format!("desk-known-issue:{issue}:{ticket}"),
            key: "known-issue",
            subject,
            extra: [("body", answer.to_string())].to_vec(),
        },
        now,
    )
    .await
}
