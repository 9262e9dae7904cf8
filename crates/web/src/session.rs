//! Sign-in sessions, kept in the database so that any instance serves any
//! request. The cookie holds a random token; the table holds its SHA-256, so
//! a copy of the database gives no usable session. A session ends after
//! `session_idle_secs` without a request, or `session_absolute_secs` after
//! sign-in, whichever comes first.
//!
//! Each instance keeps the sessions it read lately ([`Kept`]), so that a
//! signed-in page costs no read of its own: a kept session is good while
//! the audit log's head has not moved (whatever changes who a person is or
//! may do is audited in the same transaction, and so is a sign-out) and
//! for at most [`KEEP_MICROS`] after it was read. So a change made through
//! Relais on any instance counts from the next request, and a change made
//! outside it (by hand in SQL) within ten seconds.

use std::collections::HashMap;
use std::sync::Mutex;

use axum_extra::extract::cookie::Cookie;
use relais_core::{PersonId, Principal};
use relais_db::DbResultExt;
use relais_db::audit::{self, Actor};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::cache::Heads;
use crate::ctx::{cookie, random_token};

pub const SESSION_COOKIE: &str = "relais_session";
/// `last_seen_at` is written at most this often, to spare the database a write per request.
const TOUCH_EVERY_MICROS: i64 = 60 * 1_000_000;
/// A kept session is read again after this long, to see changes made
/// outside Relais, which do not move the audit log's head.
const KEEP_MICROS: i64 = 10 * 1_000_000;
/// Sessions kept at most per instance; past this the keeping starts again
/// empty (a few hundred bytes each).
const MAX_KEPT: usize = 10_000;

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
    /// The audit log's head, read by the same statement as the session
    /// (0 if its row were missing: as old as a head can be, so a copy kept
    /// with it is read again after any audited change).
    pub head: i64,
}

/// The sessions an instance read lately (see the module's documentation).
#[derive(Default)]
pub struct Kept {
    heads: Heads,
    held: Mutex<HashMap<String, KeptSession>>,
}

struct KeptSession {
    /// The audit log's head, read before the session was or with it.
    head: i64,
    /// When it was read (UTC microseconds).
    read_at: i64,
    held: Held,
}

impl KeptSession {
    /// Read less than [`KEEP_MICROS`] ago, and neither past its end nor idle.
    fn timely(&self, now: i64, idle_micros: i64) -> bool {
        (0..KEEP_MICROS).contains(&(now - self.read_at))
            && now < self.held.expires_at
            && now - self.held.last_seen_at <= idle_micros
    }
}

impl Kept {
    fn held(&self) -> std::sync::MutexGuard<'_, HashMap<String, KeptSession>> {
        self.held.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The session `id` if kept and still good at `head` and `now`: no
    /// audited change since it was read, read less than [`KEEP_MICROS`]
    /// ago, and neither past its end nor idle. (Its last use as kept is no
    /// later than the one in the database, so a session this finds idle
    /// is read again rather than ended.)
    fn fresh(&self, id: &str, head: i64, now: i64, idle_micros: i64) -> Option<Principal> {
        let kept = self.held();
        let k = kept.get(id)?;
        (k.head >= head && k.timely(now, idle_micros)).then(|| k.held.principal.clone())
    }

    fn keep(&self, id: String, head: i64, now: i64, held: Held) {
        let mut kept = self.held();
        if kept.get(&id).is_some_and(|k| k.head > head) {
            return;
        }
        if kept.len() >= MAX_KEPT {
            kept.clear();
        }
        kept.insert(
            id,
            KeptSession {
                head,
                read_at: now,
                held,
            },
        );
    }

    /// Whether session `id` is kept and could still be good at `now`, so
    /// that reading the head to check it is worth a statement: a copy past
    /// [`KEEP_MICROS`], idle or past its end is read again whatever the head.
    fn may_be_fresh(&self, id: &str, now: i64, idle_micros: i64) -> bool {
        self.held()
            .get(id)
            .is_some_and(|k| k.timely(now, idle_micros))
    }

    fn forget(&self, id: &str) {
        self.held().remove(id);
    }
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

/// The session behind `token`, and the audit log's head as read for this
/// request if it was (pages kept in the process use it, see
/// [`crate::Ctx::head`]). A session kept here costs a shared read of the
/// head; one not kept, or kept but changed since, one read that brings the
/// head with it.
pub async fn lookup(state: &AppState, token: &str) -> relais_core::Result<(Lookup, Option<i64>)> {
    let id = hash_token(token);
    let kept = &state.sessions;
    let now = state.clock.now().0;
    let idle = state.config.session_idle_secs * 1_000_000;
    if kept.may_be_fresh(&id, now, idle) {
        // Read before the session: what is kept was read after a change
        // that moved the head to at least this, or the session is read again.
        let head = kept.heads.read(&state.db).await?;
        if let Some(principal) = kept.fresh(&id, head, now, idle) {
            return Ok((Lookup::Valid(Box::new(principal)), Some(head)));
        }
    }
    state.metrics.session_read();
    let Some(mut held) = state.identity.session(&id).await? else {
        kept.forget(&id);
        return Ok((Lookup::Unknown, None));
    };
    let (head, last_seen) = (held.head, held.last_seen_at);
    if now >= held.expires_at || now - last_seen > idle {
        kept.forget(&id);
        sqlx::query("DELETE FROM web_sessions WHERE id = $1")
            .bind(&id)
            .execute(state.db.pool())
            .await
            .db()?;
        return Ok((Lookup::Expired, Some(head)));
    }
    if now - last_seen > TOUCH_EVERY_MICROS {
        sqlx::query("UPDATE web_sessions SET last_seen_at = $1 WHERE id = $2")
            .bind(now)
            .bind(&id)
            .execute(state.db.pool())
            .await
            .db()?;
        held.last_seen_at = now;
    }
    let principal = held.principal.clone();
    kept.keep(id, head, now, held);
    Ok((Lookup::Valid(Box::new(principal)), Some(head)))
}

/// Ends the session behind `token` and returns the cookie that clears it.
/// The sign-out is audited, which moves the audit log's head: every
/// instance that keeps the session reads it again at its next request.
pub async fn end(state: &AppState, token: Option<&str>) -> relais_core::Result<Cookie<'static>> {
    if let Some(token) = token {
        let id = hash_token(token);
        let mut tx = state.db.begin().await.db()?;
        let result = async {
            let ended: Option<(i64,)> =
                sqlx::query_as("DELETE FROM web_sessions WHERE id = $1 RETURNING person_id")
                    .bind(&id)
                    .fetch_optional(&mut *tx)
                    .await
                    .db()?;
            if let Some((person,)) = ended {
                audit::record(
                    &mut tx,
                    state.clock.now(),
                    Actor::person(PersonId(person)),
                    "session.end",
                    &format!("person:{person}"),
                    serde_json::json!({}),
                )
                .await
                .db()?;
            }
            Ok(())
        }
        .await;
        relais_db::finish(tx, result).await?;
        state.sessions.forget(&id);
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
