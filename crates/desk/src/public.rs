//! What faces people without an account: the public request form, guarded
//! without any third-party service, and the links external requesters follow
//! their ticket through.
//!
//! - Rate limits are counters in the database (`desk_rate_limits`), so every
//!   instance shares them: per address, per email and for the whole form.
//! - Each form carries a challenge signed by the server (HMAC-SHA256 with a
//!   secret kept in the database): a browser with JavaScript solves its
//!   proof of work (a counter such that SHA-256 of challenge and counter
//!   starts with [`POW_BITS`] zero bits); without JavaScript, people answer
//!   the small sum it carries. A challenge is spent once and expires.
//! - Follow links are random tokens of which only the SHA-256 is stored.
//!   Opening one spends it and sets a cookie good for that ticket only, until
//!   the link would have expired; each mail brings a fresh link.

use relais_core::{Error, Result, Timestamp};
use relais_db::{DbResultExt, Tx};
use relais_web::ctx::random_token;
use relais_web::session::hash_token;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::Desk;
use crate::model::{Channel, Urgency};
use crate::tickets::{self, Draft, Requester};
use crate::{clean, required};

/// Leading zero bits the proof of work needs (about 65,000 hashes).
pub const POW_BITS: u32 = 16;
/// A challenge is good this long after it was issued.
pub const CHALLENGE_SECS: i64 = 3600;
/// A follow link lasts this long.
pub const LINK_SECS: i64 = 14 * 86_400;
/// Public requests per address, per email, and in all, per hour.
pub const PER_ADDRESS: i64 = 5;
pub const PER_EMAIL: i64 = 3;
pub const IN_ALL: i64 = 300;

/// HMAC-SHA256 (RFC 2104), written out: twenty lines against a new dependency.
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(msg);
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// Counts one hit on `key` in a fixed window; false once `max` is passed.
pub async fn hit(
    tx: &mut Tx,
    key: &str,
    window_secs: i64,
    max: i64,
    now: Timestamp,
) -> Result<bool> {
    let window_start = now.0 - now.0.rem_euclid(window_secs * 1_000_000);
    let (hits,): (i64,) = sqlx::query_as(
        "INSERT INTO desk_rate_limits (key, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (key) DO UPDATE SET
            hits = CASE WHEN desk_rate_limits.window_start = excluded.window_start THEN desk_rate_limits.hits + 1 ELSE 1 END,
            window_start = excluded.window_start
         RETURNING hits",
    )
    .bind(key)
    .bind(window_start)
    .fetch_one(&mut **tx)
    .await
    .db()?;
    Ok(hits <= max)
}

/// The key that signs challenges: made once, by whichever instance needs it
/// first, then only read.
async fn secret(desk: &Desk) -> Result<Vec<u8>> {
    let found: Option<(String,)> =
        sqlx::query_as("SELECT value FROM desk_settings WHERE key = 'form_secret'")
            .fetch_optional(desk.db.pool())
            .await
            .db()?;
    if let Some((s,)) = found {
        return Ok(s.into_bytes());
    }
    let fresh = hex::encode(rand::random::<[u8; 32]>());
    sqlx::query("INSERT INTO desk_settings (key, value) VALUES ('form_secret', $1) ON CONFLICT (key) DO NOTHING")
        .bind(&fresh)
        .execute(desk.db.writer())
        .await
        .db()?;
    let (s,): (String,) =
        sqlx::query_as("SELECT value FROM desk_settings WHERE key = 'form_secret'")
            .fetch_one(desk.db.pool())
            .await
            .db()?;
    Ok(s.into_bytes())
}

/// A signed challenge, and the sum people without JavaScript answer.
#[derive(Debug, Clone)]
pub struct Challenge {
    pub token: String,
    pub a: u32,
    pub b: u32,
}

pub async fn challenge(desk: &Desk) -> Result<Challenge> {
    let key = secret(desk).await?;
    let now = desk.clock.now().0 / 1_000_000;
    let nonce = hex::encode(rand::random::<[u8; 12]>());
    let a = 2 + rand::random::<u32>() % 8;
    let b = 2 + rand::random::<u32>() % 8;
    let body = format!("v1.{now}.{nonce}.{a}.{b}");
    let mac = hex::encode(hmac_sha256(&key, body.as_bytes()));
    Ok(Challenge {
        token: format!("{body}.{mac}"),
        a,
        b,
    })
}

/// Number of leading zero bits of SHA-256(`token` ":" `counter`).
pub fn pow_bits(token: &str, counter: &str) -> u32 {
    let h = Sha256::digest(format!("{token}:{counter}").as_bytes());
    let mut bits = 0;
    for byte in h {
        if byte == 0 {
            bits += 8;
        } else {
            bits += byte.leading_zeros();
            break;
        }
    }
    bits
}

/// Finds a counter that solves `token` (what the browser's script does).
pub fn solve(token: &str) -> String {
    (0u64..)
        .map(|c| c.to_string())
        .find(|c| pow_bits(token, c) >= POW_BITS)
        .unwrap_or_default()
}

fn bad_challenge() -> Error {
    Error::invalid("answer", "desk-error-challenge")
}

/// Checks a challenge and its proof (a counter) or its answer, and spends it.
async fn spend_challenge(
    tx: &mut Tx,
    key: &[u8],
    token: &str,
    counter: Option<&str>,
    answer: Option<&str>,
    now: Timestamp,
) -> Result<()> {
    let (body, mac) = token.rsplit_once('.').ok_or_else(bad_challenge)?;
    let expected = hex::encode(hmac_sha256(key, body.as_bytes()));
    if !bool::from(expected.as_bytes().ct_eq(mac.as_bytes())) {
        return Err(bad_challenge());
    }
    let parts: Vec<&str> = body.split('.').collect();
    let [_, issued, _, a, b] = parts[..] else {
        return Err(bad_challenge());
    };
    let issued: i64 = issued.parse().map_err(|_| bad_challenge())?;
    if now.0 / 1_000_000 - issued > CHALLENGE_SECS {
        return Err(Error::invalid("answer", "desk-error-challenge-expired"));
    }
    let solved_by_work =
        counter.is_some_and(|c| !c.is_empty() && c.len() <= 20 && pow_bits(token, c) >= POW_BITS);
    let sum = a.parse::<u32>().unwrap_or(0) + b.parse::<u32>().unwrap_or(0);
    let solved_by_answer = answer.is_some_and(|x| x.trim().parse::<u32>().ok() == Some(sum));
    if !solved_by_work && !solved_by_answer {
        return Err(bad_challenge());
    }
    sqlx::query("DELETE FROM desk_spent_challenges WHERE expires_at < $1")
        .bind(now.0)
        .execute(&mut **tx)
        .await
        .db()?;
    let spent = sqlx::query("INSERT INTO desk_spent_challenges (hash, expires_at) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING")
        .bind(hex::encode(Sha256::digest(token.as_bytes())))
        .bind(Timestamp(issued * 1_000_000).plus_secs(CHALLENGE_SECS + 60).0)
        .execute(&mut **tx)
        .await
        .db()?;
    if spent.rows_affected() == 0 {
        return Err(Error::invalid("answer", "desk-error-challenge-spent"));
    }
    Ok(())
}

/// The public form's fields.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PublicRequest {
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub organisation: String,
    pub subject: String,
    pub description: String,
    #[serde(default)]
    pub category: String,
    pub challenge: String,
    /// The proof of work's counter, when the browser ran the script.
    #[serde(default)]
    pub pow: String,
    /// The sum, when it did not.
    #[serde(default)]
    pub answer: String,
}

/// Opens a ticket from the public form. `address` is the client's address
/// as the proxy in front reports it (or "direct").
pub async fn submit(desk: &Desk, r: PublicRequest, address: &str) -> Result<i64> {
    let name = required(&r.name, "name", 200)?;
    let email = relais_core::values::Email::parse(&r.email)?;
    let phone = clean(&r.phone, "phone", 40)?;
    let organisation = clean(&r.organisation, "organisation", 200)?;
    let subject = required(&r.subject, "subject", 200)?;
    let description = required(&r.description, "description", 20_000)?;
    let category = tickets::parse_category(
        Some(r.category.as_str()).filter(|c| !c.trim().is_empty()),
        &format!("{subject} {description}"),
    )?;
    let key = secret(desk).await?;
    let now = desk.clock.now();
    let mut tx = desk.db.begin().await.db()?;
    let result = async {
        spend_challenge(
            &mut tx,
            &key,
            &r.challenge,
            Some(&r.pow),
            Some(&r.answer),
            now,
        )
        .await?;
        // Counters of windows long gone count for nothing: keep the table small.
        sqlx::query("DELETE FROM desk_rate_limits WHERE window_start < $1 AND key LIKE 'public:%'")
            .bind(now.plus_secs(-86_400).0)
            .execute(&mut *tx)
            .await
            .db()?;
        let limits = [
            (format!("public:ip:{address}"), PER_ADDRESS),
            (format!("public:email:{}", email.as_str()), PER_EMAIL),
            ("public:all".to_string(), IN_ALL),
        ];
        for (k, max) in &limits {
            if !hit(&mut tx, k, 3600, *max, now).await? {
                return Err(Error::TooManyAttempts {
                    retry_after_secs: (3600 - (now.0 / 1_000_000).rem_euclid(3600)) as u64,
                });
            }
        }
        let external = new_external(
            &mut tx,
            &name,
            Some(email.as_str()),
            &phone,
            &organisation,
            now,
        )
        .await?;
        let draft = Draft {
            subject,
            description,
            category,
            urgency: Urgency::Normal,
            channel: Channel::Public,
            requester: Requester::External {
                id: external,
                name,
                email: Some(email.as_str().to_string()),
            },
            opened_by: None,
            delegation: None,
            equipment: None,
        };
        tickets::insert(
            &mut tx,
            desk,
            draft,
            Vec::new(),
            relais_db::audit::Actor::SYSTEM,
            now,
        )
        .await
    }
    .await;
    // Counters and spent challenges must stay even when the request is refused.
    match result {
        Err(Error::TooManyAttempts { .. }) => {
            let e = result.unwrap_err();
            relais_db::finish(tx, Ok(())).await?;
            Err(e)
        }
        other => relais_db::finish(tx, other).await,
    }
}

pub(crate) async fn new_external(
    tx: &mut Tx,
    name: &str,
    email: Option<&str>,
    phone: &str,
    organisation: &str,
    now: Timestamp,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO desk_external_requesters (name, email, phone, organisation, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(name)
    .bind(email)
    .bind(Some(phone).filter(|p| !p.is_empty()))
    .bind(Some(organisation).filter(|o| !o.is_empty()))
    .bind(now.0)
    .fetch_one(&mut **tx)
    .await
    .db()?;
    Ok(id)
}

/// A new follow link for `ticket`; returns the token to put in the URL.
pub(crate) async fn issue_link(tx: &mut Tx, ticket: i64, now: Timestamp) -> Result<String> {
    let token = random_token();
    sqlx::query("INSERT INTO desk_follow_links (token_hash, ticket_id, kind, created_at, expires_at) VALUES ($1, $2, 'link', $3, $4)")
        .bind(hash_token(&token))
        .bind(ticket)
        .bind(now.0)
        .bind(now.plus_secs(LINK_SECS).0)
        .execute(&mut **tx)
        .await
        .db()?;
    Ok(token)
}

/// Whether a link can still be opened, without spending it: mail scanners
/// fetch links before people click them, so only the button spends one.
pub async fn check_link(desk: &Desk, token: &str) -> Result<()> {
    let row: Option<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT expires_at, used_at FROM desk_follow_links WHERE token_hash = $1 AND kind = 'link'",
    )
    .bind(hash_token(token))
    .fetch_optional(desk.db.pool())
    .await
    .db()?;
    let (expires, used) = row.ok_or_else(|| Error::invalid("link", "desk-error-link-unknown"))?;
    if expires <= desk.clock.now().0 {
        return Err(Error::invalid("link", "desk-error-link-expired"));
    }
    if used.is_some() {
        return Err(Error::invalid("link", "desk-error-link-used"));
    }
    Ok(())
}

/// Spends a link and returns (ticket, cookie token, seconds the cookie lasts).
pub async fn open_link(desk: &Desk, token: &str) -> Result<(i64, String, i64)> {
    let now = desk.clock.now();
    let mut tx = desk.db.begin().await.db()?;
    let result = async {
        let row: Option<(i64, i64, Option<i64>)> = sqlx::query_as(
            "SELECT ticket_id, expires_at, used_at FROM desk_follow_links WHERE token_hash = $1 AND kind = 'link'",
        )
        .bind(hash_token(token))
        .fetch_optional(&mut *tx)
        .await
        .db()?;
        let (ticket, expires, used) = row.ok_or_else(|| Error::invalid("link", "desk-error-link-unknown"))?;
        if expires <= now.0 {
            return Err(Error::invalid("link", "desk-error-link-expired"));
        }
        if used.is_some() {
            return Err(Error::invalid("link", "desk-error-link-used"));
        }
        let spent = sqlx::query("UPDATE desk_follow_links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL")
            .bind(now.0)
            .bind(hash_token(token))
            .execute(&mut *tx)
            .await
            .db()?;
        if spent.rows_affected() != 1 {
            return Err(Error::invalid("link", "desk-error-link-used"));
        }
        let cookie = random_token();
        sqlx::query("INSERT INTO desk_follow_links (token_hash, ticket_id, kind, created_at, expires_at) VALUES ($1, $2, 'cookie', $3, $4)")
            .bind(hash_token(&cookie))
            .bind(ticket)
            .bind(now.0)
            .bind(expires)
            .execute(&mut *tx)
            .await
            .db()?;
        Ok((ticket, cookie, (expires - now.0) / 1_000_000))
    }
    .await;
    relais_db::finish(tx, result).await
}

/// The ticket a follow cookie opens, if it is still good.
pub async fn follow_cookie(desk: &Desk, cookie: &str) -> Result<Option<i64>> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT ticket_id, expires_at FROM desk_follow_links WHERE token_hash = $1 AND kind = 'cookie'",
    )
    .bind(hash_token(cookie))
    .fetch_optional(desk.db.pool())
    .await
    .db()?;
    Ok(row.filter(|r| r.1 > desk.clock.now().0).map(|r| r.0))
}

/// The external requester's own view of the ticket: public thread only.
pub async fn follow_view(desk: &Desk, ticket: i64) -> Result<crate::tickets::Ticket> {
    let a = crate::access::TicketAccess::external(ticket);
    crate::tickets::get(desk, &a).await
}

/// An external requester answers through their follow page.
pub async fn follow_reply(desk: &Desk, ticket: i64, body: &str) -> Result<()> {
    let body = required(body, "body", 20_000)?;
    let now = desk.clock.now();
    let mut tx = desk.db.begin().await.db()?;
    let result = async {
        let t = crate::thread::lock(&mut tx, desk, ticket).await?;
        if t.status == crate::model::Status::Closed || t.merged_into.is_some() {
            return Err(Error::invalid("body", "desk-error-ticket-closed"));
        }
        let (external, email): (Option<i64>, Option<String>) = sqlx::query_as(
            "SELECT t.requester_external_id, x.email FROM desk_tickets t LEFT JOIN desk_external_requesters x ON x.id = t.requester_external_id WHERE t.id = $1",
        )
        .bind(ticket)
        .fetch_one(&mut *tx)
        .await
        .db()?;
        sqlx::query("INSERT INTO desk_messages (ticket_id, kind, author_external_id, author_email, body, created_at) VALUES ($1, 'public', $2, $3, $4, $5)")
            .bind(ticket).bind(external).bind(email).bind(&body).bind(now.0).execute(&mut *tx).await.db()?;
        if matches!(t.status, crate::model::Status::Waiting | crate::model::Status::Resolved) {
            crate::thread::write_status(&mut tx, ticket, crate::model::Status::InProgress, now).await?;
        }
        relais_db::audit::record(&mut tx, now, relais_db::audit::Actor::SYSTEM, "desk.ticket.external-reply", &format!("ticket:{ticket}"), serde_json::json!({})).await.db()?;
        Ok(())
    }
    .await;
    relais_db::finish(tx, result).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn proof_of_work_is_checked_by_its_bits() {
        let token = "v1.1.abc.2.3.mac";
        let c = solve(token);
        assert!(pow_bits(token, &c) >= POW_BITS);
        let wrong = (0..50)
            .map(|i| i.to_string())
            .find(|x| pow_bits(token, x) < POW_BITS)
            .unwrap();
        assert!(pow_bits(token, &wrong) < POW_BITS);
    }
}
