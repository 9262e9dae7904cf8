//! Sign-in sessions, kept in the database so that any instance serves any
//! request. The cookie holds a random token; the table holds its SHA-256, so
//! a copy of the database gives no usable session. A session ends after
//! `session_idle_secs` without a request, or `session_absolute_secs` after
//! sign-in, whichever comes first.

use axum_extra::extract::cookie::Cookie;
use relais_core::{PersonId, Principal};
use relais_db::DbResultExt;
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::ctx::{cookie, random_token};

pub const SESSION_COOKIE: &str = "relais_session";
/// `last_seen_at` is written at most this often, to spare the database a write per request.
const TOUCH_EVERY_MICROS: i64 = 60 * 1_000_000;

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub enum Lookup {
    Valid(Box<Principal>),
    Expired,
    Unknown,
}

/// A sign-in session as [`crate::Identity::session`] reads it.
#[derive(Debug, Clone)]
pub struct Held {
    pub principal: Principal,
    /// When it was last used and when it ends (UTC microseconds).
    pub last_seen_at: i64,
    pub expires_at: i64,
}

/// Opens a session for `person` and returns the cookie to set.
pub async fn start(state: &AppState, person: PersonId) -> relais_core::Result<Cookie<'static>> {
    let token = random_token();
    let now = state.clock.now();
    sqlx::query(
        "INSERT INTO web_sessions (id, person_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4)",
    )
    .bind(hash_token(&token))
    .bind(person.0)
    .bind(now.0)
    .bind(now.plus_secs(state.config.session_absolute_secs).0)
    .execute(state.db.pool())
    .await
    .db()?;
    Ok(cookie(state, SESSION_COOKIE, token, None))
}

pub async fn lookup(state: &AppState, token: &str) -> relais_core::Result<Lookup> {
    let id = hash_token(token);
    let Some(held) = state.identity.session(&id).await? else {
        return Ok(Lookup::Unknown);
    };
    let now = state.clock.now().0;
    let last_seen = held.last_seen_at;
    if now >= held.expires_at || now - last_seen > state.config.session_idle_secs * 1_000_000 {
        sqlx::query("DELETE FROM web_sessions WHERE id = $1")
            .bind(&id)
            .execute(state.db.pool())
            .await
            .db()?;
        return Ok(Lookup::Expired);
    }
    if now - last_seen > TOUCH_EVERY_MICROS {
        sqlx::query("UPDATE web_sessions SET last_seen_at = $1 WHERE id = $2")
            .bind(now)
            .bind(&id)
            .execute(state.db.pool())
            .await
            .db()?;
    }
    Ok(Lookup::Valid(Box::new(held.principal)))
}

/// Ends the session behind `token` and returns the cookie that clears it.
pub async fn end(state: &AppState, token: Option<&str>) -> relais_core::Result<Cookie<'static>> {
    if let Some(token) = token {
        sqlx::query("DELETE FROM web_sessions WHERE id = $1")
            .bind(hash_token(token))
            .execute(state.db.pool())
            .await
            .db()?;
    }
    Ok(cookie(state, SESSION_COOKIE, String::new(), Some(0)))
}

/// Ends every session of a person (after a password change, say).
pub async fn end_all(tx: &mut relais_db::Tx, person: PersonId) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM web_sessions WHERE person_id = $1")
        .bind(person.0)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
