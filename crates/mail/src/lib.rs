//! `relais-mail` owns outgoing mail. Sending is always a job: a service
//! calls [`enqueue`] in its transaction, and the `mail.send` job delivers
//! through SMTP (lettre), into a folder of `.eml` files (the demo), or into
//! memory. Each mail has a Message-ID derived from what it is about, and
//! the job's dedup key is that Message-ID, so that a retry or a replay is
//! never a second notice.
//!
//! A mail may carry an iCalendar invitation or cancellation ([`ical`],
//! [`CalendarPart`]), sent the iMIP way (RFC 6047).

pub mod ical;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Attachment, Body, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use relais_core::Timestamp;
use relais_db::Tx;
use relais_jobs::{JobError, JobHandler, NewJob};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const SEND_MAIL: &str = "mail.send";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingMail {
    pub to: String,
    pub to_name: Option<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// `<…@domain>`, stable for the same notice.
    pub message_id: String,
    /// An iCalendar invitation or cancellation sent with the text (iMIP).
    /// Absent from payloads queued before it existed, and not written when
    /// `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<CalendarPart>,
    /// Written by a person (an answer from the IT desk): sent as is. Every
    /// other mail is a notice Relais makes and carries
    /// `Auto-Submitted: auto-generated` (RFC 3834), so that out-of-office
    /// replies and other robots do not answer it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub by_a_person: bool,
}

/// The `Auto-Submitted` header (RFC 3834).
#[derive(Clone)]
struct AutoSubmitted;

impl lettre::message::header::Header for AutoSubmitted {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), "auto-generated".into())
    }
}

/// The iCalendar object of an iMIP mail (RFC 6047).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarPart {
    /// `REQUEST` or `CANCEL` (`PUBLISH` is accepted too): the `method=`
    /// of the `text/calendar` part, equal to the METHOD inside `ics`.
    pub method: String,
    /// The VCALENDAR text, as [`ical::calendar`] makes it.
    pub ics: String,
}

impl CalendarPart {
    /// The part for `events` with `method`: [`ical::Method::Request`] for an
    /// invitation or an update, [`ical::Method::Cancel`] for a cancellation.
    pub fn new(method: ical::Method, events: &[ical::CalendarEvent]) -> CalendarPart {
        CalendarPart {
            method: method.as_str().to_string(),
            ics: ical::calendar(method, events),
        }
    }
}

/// File name of the iCalendar attachment of an iMIP mail.
pub const INVITE_FILE_NAME: &str = "invite.ics";

/// A Message-ID that depends only on `about` (e.g. "password-reset:42:1700000000").
pub fn message_id(about: &str, domain: &str) -> String {
    let digest = hex::encode(&Sha256::digest(about.as_bytes())[..16]);
    format!("<{digest}@{domain}>")
}

/// Queues a mail in the caller's transaction. A mail with the same
/// Message-ID already queued or sent is not queued again.
pub async fn enqueue(
    tx: &mut Tx,
    now: Timestamp,
    mail: &OutgoingMail,
) -> Result<bool, relais_db::sqlx::Error> {
    Ok(enqueue_many(tx, now, std::slice::from_ref(mail)).await? == 1)
}

/// Queues several mails in the caller's transaction, in a few statements.
pub async fn enqueue_many(
    tx: &mut Tx,
    now: Timestamp,
    mails: &[OutgoingMail],
) -> Result<u64, relais_db::sqlx::Error> {
    let mut jobs = Vec::with_capacity(mails.len());
    for mail in mails {
        let payload = serde_json::to_value(mail)
            .map_err(|e| relais_db::sqlx::Error::Protocol(e.to_string()))?;
        jobs.push(NewJob::new(SEND_MAIL, payload).dedup(format!("mail:{}", mail.message_id)));
    }
    relais_jobs::enqueue_many(tx, now, jobs).await
}

/// Where mail goes.
#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// One `.eml` file per message, named after its Message-ID.
    Folder(PathBuf),
    Memory(Arc<Mutex<Vec<Message>>>),
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Transport::Smtp(_) => f.write_str("Smtp"),
            Transport::Folder(p) => write!(f, "Folder({})", p.display()),
            Transport::Memory(_) => f.write_str("Memory"),
        }
    }
}

/// Checks an SMTP URL without connecting (and without a runtime).
pub fn check_smtp_url(url: &str) -> Result<(), String> {
    AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map(|_| ())
        .map_err(|e| format!("bad SMTP URL: {e}"))
}

impl Transport {
    /// `smtp://host:port` (plain), `smtp://…?tls=required`, `smtps://…`, with
    /// optional `user:password@`; see lettre's `from_url`.
    pub fn smtp(url: &str) -> Result<Transport, String> {
        // As many connections as the job worker runs mail jobs side by side.
        let pool = lettre::transport::smtp::PoolConfig::new().max_size(relais_jobs::BATCH as u32);
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map(|b| Transport::Smtp(b.pool_config(pool).build()))
            .map_err(|e| format!("bad SMTP URL: {e}"))
    }
}

#[derive(Debug, Clone)]
pub struct Mailer {
    pub from: Mailbox,
    pub transport: Transport,
}

impl Mailer {
    pub fn build(&self, mail: &OutgoingMail) -> Result<Message, JobError> {
        let to: Mailbox = match &mail.to_name {
            Some(name) => format!("{name} <{}>", mail.to).parse(),
            None => mail.to.parse(),
        }
        .map_err(|e| JobError::Fatal(format!("bad recipient {}: {e}", mail.to)))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(mail.message_id.clone()));
        if !mail.by_a_person {
            builder = builder.header(AutoSubmitted);
        }
        let message = match (&mail.calendar, &mail.html) {
            (Some(calendar), html) => builder.multipart(imip_body(&mail.text, html, calendar)?),
            (None, Some(html)) => builder.multipart(MultiPart::alternative_plain_html(
                mail.text.clone(),
                html.clone(),
            )),
            (None, None) => builder
                .header(ContentType::TEXT_PLAIN)
                .body(mail.text.clone()),
        };
        message.map_err(|e| JobError::Fatal(format!("cannot build mail: {e}")))
    }

    pub async fn send(&self, mail: &OutgoingMail) -> Result<(), JobError> {
        let message = self.build(mail)?;
        match &self.transport {
            Transport::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    JobError::Fatal(format!("SMTP refused: {e}"))
                } else {
                    JobError::Retry(format!("SMTP: {e}"))
                }
            }),
            Transport::Folder(dir) => write_eml(dir, &mail.message_id, &message.formatted())
                .await
                .map_err(|e| JobError::Retry(format!("cannot write mail file: {e}"))),
            Transport::Memory(store) => {
                store
                    .lock()
                    .map_err(|_| JobError::Retry("mail store poisoned".into()))?
                    .push(message);
                Ok(())
            }
        }
    }
}

/// The body of an iMIP mail, as Outlook, Google and Thunderbird expect it:
///
/// ```text
/// multipart/mixed
///   multipart/alternative
///     text/plain
///     text/html                                   (if any)
///     text/calendar; charset=utf-8; method=REQUEST
///   application/ics; name="invite.ics"            (attachment)
/// ```
fn imip_body(
    text: &str,
    html: &Option<String>,
    calendar: &CalendarPart,
) -> Result<MultiPart, JobError> {
    let method = calendar.method.as_str();
    if !matches!(method, "REQUEST" | "CANCEL" | "PUBLISH") {
        return Err(JobError::Fatal(format!(
            "bad calendar method {method:?}: REQUEST, CANCEL or PUBLISH"
        )));
    }
    // A client refuses (or misreads) a part whose method= differs from the
    // METHOD inside.
    let inner = calendar.ics.lines().find_map(|l| l.strip_prefix("METHOD:"));
    if inner != Some(method) {
        return Err(JobError::Fatal(format!(
            "calendar part says method={method} but its METHOD is {inner:?}"
        )));
    }
    let content_type = |value: &str| {
        ContentType::parse(value)
            .map_err(|e| JobError::Fatal(format!("bad content type {value}: {e}")))
    };
    // Base64 keeps the calendar byte for byte (CRLF, spaces) through any relay.
    let body = || {
        Body::new_with_encoding(calendar.ics.clone(), ContentTransferEncoding::Base64)
            .map_err(|_| JobError::Fatal("cannot encode the calendar part".into()))
    };
    let mut alternative = MultiPart::alternative().singlepart(SinglePart::plain(text.to_string()));
    if let Some(html) = html {
        alternative = alternative.singlepart(SinglePart::html(html.clone()));
    }
    alternative = alternative.singlepart(
        SinglePart::builder()
            .header(content_type(&format!(
                "text/calendar; charset=utf-8; method={method}"
            ))?)
            .body(body()?),
    );
    let attachment = Attachment::new(INVITE_FILE_NAME.to_string()).body(
        body()?,
        content_type(&format!("application/ics; name=\"{INVITE_FILE_NAME}\""))?,
    );
    Ok(MultiPart::mixed()
        .multipart(alternative)
        .singlepart(attachment))
}

/// File name of a message in a mail folder: safe characters of its Message-ID.
pub fn eml_file_name(message_id: &str) -> String {
    let safe: String = message_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '-' | '_'))
        .collect();
    format!("{safe}.eml")
}

async fn write_eml(dir: &Path, message_id: &str, bytes: &[u8]) -> std::io::Result<()> {
    tokio::fs::create_dir_all(dir).await?;
    let path = dir.join(eml_file_name(message_id));
    // Write then rename, so a reader never sees half a message.
    let tmp = path.with_extension("eml.tmp");
    tokio::fs::write(&tmp, bytes).await?;
    tokio::fs::rename(&tmp, &path).await
}

/// The job that delivers a queued mail.
pub struct SendMailJob(pub Arc<Mailer>);

#[async_trait::async_trait]
impl JobHandler for SendMailJob {
    fn kind(&self) -> &'static str {
        SEND_MAIL
    }

    async fn run(&self, payload: &serde_json::Value) -> Result<(), JobError> {
        let mail: OutgoingMail = serde_json::from_value(payload.clone())
            .map_err(|e| JobError::Fatal(format!("bad mail payload: {e}")))?;
        self.0.send(&mail).await
    }
}

/// A mail file in a folder, for the admin's outbox page.
#[derive(Debug, Clone, Serialize)]
pub struct StoredMail {
    pub file: String,
    pub modified: i64,
    pub size: u64,
}

/// The newest `limit` mail files in `dir`.
pub async fn list_folder(dir: &Path, limit: usize) -> std::io::Result<Vec<StoredMail>> {
    let mut out = Vec::new();
    let mut rd = match tokio::fs::read_dir(dir).await {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e),
    };
    while let Some(entry) = rd.next_entry().await? {
        let name = entry.file_name().to_string_lossy().to_string();
        if !name.ends_with(".eml") {
            continue;
        }
        let meta = entry.metadata().await?;
        let modified = meta
            .modified()
            .ok()
            .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_micros() as i64)
            .unwrap_or(0);
        out.push(StoredMail {
            file: name,
            modified,
            size: meta.len(),
        });
    }
    out.sort_by(|a, b| b.modified.cmp(&a.modified).then(a.file.cmp(&b.file)));
    out.truncate(limit);
    Ok(out)
}

/// Reads one mail file, refusing any name that is not a plain file name in `dir`.
pub async fn read_folder_mail(dir: &Path, file: &str) -> Option<String> {
    if file.contains('/') || file.contains("..") || !file.ends_with(".eml") {
        return None;
    }
    let bytes = tokio::fs::read(dir.join(file)).await.ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}
