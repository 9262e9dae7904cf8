//! API tokens for machines and scripts. A token is shown once; only its
//! SHA-256 is kept. It acts as the person it belongs to, with their roles,
//! until it expires or is revoked.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use relais_core::{Clock, Error, PersonId, Principal, Result, Timestamp, TokenId};
use relais_db::audit::{self, Actor};
use relais_db::{Db, DbResultExt, SqlBuf};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub const PREFIX: &str = "rls_";
pub const MAX_DAYS: i64 = 3650;

pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[derive(Debug, Clone, Serialize)]
pub struct TokenInfo {
    pub id: TokenId,
    pub label: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
    pub last_used_at: Option<Timestamp>,
}

/// Creates a token for `person` valid `days` days; returns its id and the token itself.
pub async fn create(
    db: &Db,
    clock: &dyn Clock,
    actor: Actor,
    person: PersonId,
    label: &str,
    days: i64,
) -> Result<(TokenId, String)> {
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(Error::invalid("expires", "error-token-days"));
    }
    let token = format!("{PREFIX}{}", relais_web::ctx::random_token());
    let now = clock.now();
    let mut tx = db.begin().await.db()?;
    let result = async {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO api_tokens (person_id, token_hash, label, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)
             RETURNING id",
        )
        .bind(person.0)
        .bind(hash(&token))
        .bind(label)
        .bind(now.0)
        .bind(now.plus_secs(days * 86_400).0)
        .fetch_one(&mut *tx)
        .await
        .db()?;
        audit::record(
            &mut tx,
            now,
            actor,
            "token.create",
            &format!("token:{id}"),
            serde_json::json!({ "person": person.0, "days": days, "label": label }),
        )
        .await
        .db()?;
        Ok((TokenId(id), token))
    }
    .await;
    relais_db::finish(tx, result).await
}

/// Revokes one of `person`'s tokens.
pub async fn revoke(
    db: &Db,
    clock: &dyn Clock,
    actor: Actor,
    person: PersonId,
    id: TokenId,
) -> Result<()> {
    let now = clock.now();
    let mut tx = db.begin().await.db()?;
    let result = async {
        let res = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND person_id = $3 AND revoked_at IS NULL")
            .bind(now.0)
            .bind(id.0)
            .bind(person.0)
            .execute(&mut *tx)
            .await
            .db()?;
        if res.rows_affected() == 0 {
            return Err(Error::NotFound);
        }
        audit::record(
            &mut tx,
            now,
            actor,
            "token.revoke",
            &format!("token:{id}"),
            serde_json::json!({ "person": person.0 }),
        )
        .await
        .db()?;
        Ok(())
    }
    .await;
    relais_db::finish(tx, result).await
}

pub async fn list(db: &Db, person: PersonId) -> Result<Vec<TokenInfo>> {
    let rows: Vec<(i64, String, i64, i64, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT id, label, created_at, expires_at, revoked_at, last_used_at FROM api_tokens
         WHERE person_id = $1 ORDER BY created_at DESC, id DESC",
    )
    .bind(person.0)
    .fetch_all(db.pool())
    .await
    .db()?;
    Ok(rows
        .into_iter()
        .map(|(id, label, c, e, r, u)| TokenInfo {
            id: TokenId(id),
            label,
            created_at: Timestamp(c),
            expires_at: Timestamp(e),
            revoked_at: r.map(Timestamp),
            last_used_at: u.map(Timestamp),
        })
        .collect())
}

/// The person and token id behind a live token, if the person's account is
/// live too.
pub async fn resolve(
    db: &Db,
    clock: &dyn Clock,
    uses: &Uses,
    token: &str,
) -> Result<Option<(PersonId, TokenId)>> {
    Ok(principal(db, clock, uses, token)
        .await?
        .and_then(|p| Some((p.person_id, p.token?))))
}

/// The principal behind a live token (its `token` set), read in one
/// statement with the person and their grants. When it was last used is
/// noted in `uses`, which writes it a moment later with others.
pub async fn principal(
    db: &Db,
    clock: &dyn Clock,
    uses: &Uses,
    token: &str,
) -> Result<Option<Principal>> {
    use crate::identity::{PRINCIPAL_COLUMNS, PRINCIPAL_JOINS, PrincipalRow, principal_of};
    if !token.starts_with(PREFIX) {
        return Ok(None);
    }
    let now = clock.now();
    let rows: Vec<PrincipalRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {PRINCIPAL_COLUMNS}, t.id, t.last_used_at, CAST(NULL AS BIGINT) FROM api_tokens t JOIN people p ON p.id = t.person_id {PRINCIPAL_JOINS}
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2"
    )))
    .bind(hash(token))
    .bind(now.0)
    .fetch_all(db.pool())
    .await
    .db()?;
    let Some(principal) = principal_of(&rows) else {
        return Ok(None);
    };
    // Kept to the minute: a token used all the time is written once a minute.
    if let (Some(id), last_used) = (principal.token, rows[0].11)
        && last_used.is_none_or(|t| now.0 - t > 60_000_000)
    {
        uses.note(db, id, now);
    }
    Ok(Some(principal))
}

/// How often noted token uses are written.
const USES_FLUSH_SECS: u64 = 2;

/// When tokens were last used, noted in memory and written every
/// [`USES_FLUSH_SECS`], 50 to a statement, instead of one write in the
/// request the first time each token is seen: a burst of ten thousand agents
/// would otherwise queue ten thousand writes before their own. A crash loses
/// at most the last two seconds of this information, which is only shown to
/// the token's owner.
#[derive(Clone, Default)]
pub struct Uses(Arc<UsesInner>);

#[derive(Default)]
struct UsesInner {
    pending: Mutex<HashMap<i64, i64>>,
    flusher: OnceLock<()>,
}

impl Uses {
    /// Notes a use; starts the writer task on first use (on the current runtime).
    pub fn note(&self, db: &Db, token: TokenId, at: Timestamp) {
        self.0
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(token.0, at.0);
        self.0.flusher.get_or_init(|| {
            let weak = Arc::downgrade(&self.0);
            let db = db.clone();
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(std::time::Duration::from_secs(USES_FLUSH_SECS)).await;
                    let Some(inner) = weak.upgrade() else { break };
                    if let Err(e) = Uses(inner).flush(&db).await {
                        tracing::warn!(error = %e, "could not write when tokens were last used");
                    }
                }
            });
        });
    }

    /// Writes the noted uses now.
    pub async fn flush(&self, db: &Db) -> Result<()> {
        let pending: Vec<(i64, i64)> =
            std::mem::take(&mut *self.0.pending.lock().unwrap_or_else(|e| e.into_inner()))
                .into_iter()
                .collect();
        if pending.is_empty() {
            return Ok(());
        }
        // One statement per transaction: after a burst this is thousands of
        // tokens, and one long transaction would hold SQLite's one writer
        // (and registrations waiting for it) for tens of milliseconds.
        for chunk in pending.chunks(50) {
            let mut sql = SqlBuf::new("UPDATE api_tokens SET last_used_at = CASE id");
            for (id, at) in chunk {
                sql.push(" WHEN ").bind(*id).push(" THEN ").bind(*at);
            }
            sql.push(" END WHERE id IN ")
                .bind_list(chunk.iter().map(|(id, _)| *id));
            sql.query().execute(db.writer()).await.db()?;
        }
        Ok(())
    }
}
