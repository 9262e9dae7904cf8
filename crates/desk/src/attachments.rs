//! Attachments, kept in the database with their ticket (several instances
//! share them, a backup holds them). Types that run code are refused by
//! name, by declared type and by their first bytes; each file is limited in
//! size. Reading one goes through the ticket's access check.

use relais_core::{Error, Msg, Result, Timestamp};
use relais_db::{Db, DbResultExt, Tx};
use serde::Serialize;
use utoipa::ToSchema;

use crate::access::TicketAccess;

/// Largest attachment accepted, in bytes.
pub const MAX_SIZE: usize = 5 * 1024 * 1024;
/// At most this many attachments per message.
pub const MAX_FILES: usize = 10;

/// Extensions of files that run code when opened.
const FORBIDDEN_EXTENSIONS: &[&str] = &[
    "exe", "com", "bat", "cmd", "msi", "msp", "scr", "pif", "cpl", "dll", "sys", "js", "jse",
    "vbs", "vbe", "wsf", "wsh", "ps1", "psm1", "hta", "jar", "lnk", "reg", "sh", "app", "apk",
    "iso", "img", "vhd", "docm", "xlsm", "pptm", "html", "htm", "svg",
];

const FORBIDDEN_TYPES: &[&str] = &[
    "application/x-msdownload",
    "application/x-msdos-program",
    "application/x-executable",
    "application/x-sh",
    "application/x-dosexec",
    "application/java-archive",
    "application/javascript",
    "text/javascript",
    "application/hta",
    "text/html",
    "image/svg+xml",
];

/// A file as it was uploaded or came in a mail.
#[derive(Debug, Clone)]
pub struct Upload {
    pub file_name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttachmentInfo {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
}

fn refuse(key: &'static str, name: &str) -> Error {
    Error::Invalid {
        field: "attachments",
        msg: Msg::new(key).arg("name", name),
    }
}

/// A file name with no path and no control characters, at most 200 characters.
pub fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '|' | ':' | '*' | '?'))
        .take(200)
        .collect();
    let clean = clean.trim().trim_start_matches('.').to_string();
    if clean.is_empty() {
        "piece-jointe".into()
    } else {
        clean
    }
}

/// Checks one file; the reason, in the person's words, when refused.
pub fn check(u: &Upload) -> Result<()> {
    let name = safe_name(&u.file_name);
    if u.data.len() > MAX_SIZE {
        return Err(Error::Invalid {
            field: "attachments",
            msg: Msg::new("desk-error-attachment-too-large")
                .arg("name", &name)
                .arg("mb", MAX_SIZE / (1024 * 1024)),
        });
    }
    let lower = name.to_lowercase();
    let forbidden_ext = lower
        .split('.')
        .skip(1)
        .any(|ext| FORBIDDEN_EXTENSIONS.contains(&ext.trim()));
    let ct = u.content_type.to_lowercase();
    let forbidden_type = FORBIDDEN_TYPES.iter().any(|t| ct.starts_with(t));
    // Windows programs start with "MZ", Linux ones with ELF's magic, scripts with "#!".
    let forbidden_bytes =
        u.data.starts_with(b"MZ") || u.data.starts_with(b"\x7fELF") || u.data.starts_with(b"#!");
    if forbidden_ext || forbidden_type || forbidden_bytes {
        return Err(refuse("desk-error-attachment-type", &name));
    }
    Ok(())
}

pub(crate) async fn store(
    tx: &mut Tx,
    ticket: i64,
    message: Option<i64>,
    u: &Upload,
    now: Timestamp,
) -> Result<i64> {
    check(u)?;
    let ct = if u.content_type.trim().is_empty() {
        "application/octet-stream".to_string()
    } else {
        u.content_type.trim().to_string()
    };
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO desk_attachments (ticket_id, message_id, file_name, content_type, size, data, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(ticket)
    .bind(message)
    .bind(safe_name(&u.file_name))
    .bind(ct)
    .bind(u.data.len() as i64)
    .bind(u.data.clone())
    .bind(now.0)
    .fetch_one(&mut **tx)
    .await
    .db()?;
    Ok(id)
}

/// Checks a batch before anything is written.
pub fn check_all(uploads: &[Upload]) -> Result<()> {
    if uploads.len() > MAX_FILES {
        return Err(Error::invalid("attachments", "desk-error-too-many-files"));
    }
    uploads.iter().try_for_each(check)
}

pub async fn list(db: &Db, a: &TicketAccess) -> Result<Vec<AttachmentInfo>> {
    let mut sql = relais_db::SqlBuf::new(
        "SELECT a.id, a.file_name, a.content_type, a.size FROM desk_attachments a
         LEFT JOIN desk_messages m ON m.id = a.message_id WHERE a.ticket_id = ",
    );
    sql.bind(a.ticket);
    if !a.sees_internal() {
        sql.push(" AND (m.id IS NULL OR (m.kind <> 'internal' AND (m.held_at IS NULL OR m.released_at IS NOT NULL)))");
    }
    sql.push(" ORDER BY a.id");
    let rows: Vec<(i64, String, String, i64)> = sql.query_as().fetch_all(db.pool()).await.db()?;
    Ok(rows
        .into_iter()
        .map(|r| AttachmentInfo {
            id: r.0,
            file_name: r.1,
            content_type: r.2,
            size: r.3,
        })
        .collect())
}

/// The ticket an attachment belongs to, for the access check.
pub async fn ticket_of(db: &Db, id: i64) -> Result<i64> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT ticket_id FROM desk_attachments WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await
            .db()?;
    row.map(|r| r.0).ok_or(Error::NotFound)
}

/// The file, if `a` (the access to its ticket) lets its holder see it.
pub async fn read(db: &Db, a: &TicketAccess, id: i64) -> Result<(String, String, Vec<u8>)> {
    if !list(db, a).await?.iter().any(|i| i.id == id) {
        return Err(Error::NotFound);
    }
    let (name, ct, data): (String, String, Vec<u8>) =
        sqlx::query_as("SELECT file_name, content_type, data FROM desk_attachments WHERE id = $1 AND ticket_id = $2")
            .bind(id)
            .bind(a.ticket)
            .fetch_one(db.pool())
            .await
            .db()?;
    Ok((name, ct, data))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn up(name: &str, ct: &str, data: &[u8]) -> Upload {
        Upload {
            file_name: name.into(),
            content_type: ct.into(),
            data: data.to_vec(),
        }
    }

    #[test]
    fn refuses_what_runs_code() {
        assert!(check(&up("capture.png", "image/png", b"\x89PNG")).is_ok());
        assert!(check(&up("setup.exe", "application/octet-stream", b"x")).is_err());
        assert!(check(&up("facture.pdf.exe", "application/pdf", b"x")).is_err());
        assert!(check(&up("rapport.pdf", "application/pdf", b"MZ\x90\x00")).is_err());
        assert!(check(&up("a.txt", "text/html", b"<script>")).is_err());
        assert!(
            check(&up(
                "big.bin",
                "application/octet-stream",
                &vec![0; MAX_SIZE + 1]
            ))
            .is_err()
        );
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("C:\\Users\\x\\.bashrc"), "bashrc");
    }
}
