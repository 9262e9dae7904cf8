//! The append-only audit log. Every change made by a person or a token is one
//! entry whose hash covers the previous entry's hash, so that removing or
//! editing any entry breaks the chain from there on. `verify` finds the first
//! broken entry.

use relais_core::{PersonId, Timestamp, TokenId};
use sha2::{Digest, Sha256};

use crate::{Db, Tx};

/// Who made a change: a person (possibly through one of their tokens), or the system.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Actor {
    pub person: Option<PersonId>,
    pub token: Option<TokenId>,
}

impl Actor {
    pub const SYSTEM: Actor = Actor {
        person: None,
        token: None,
    };

    pub fn person(p: PersonId) -> Self {
        Actor {
            person: Some(p),
            token: None,
        }
    }

    /// The signed-in person, and the token they acted through, if any.
    pub fn of(p: &relais_core::Principal) -> Self {
        Actor {
            person: Some(p.person_id),
            token: p.token,
        }
    }
}

fn entry_hash(
    prev: &str,
    at: i64,
    person: Option<i64>,
    token: Option<i64>,
    action: &str,
    target: &str,
    details: &str,
) -> String {
    // A JSON array is an unambiguous encoding of the fields.
    let canonical =
        serde_json::json!([prev, at, person, token, action, target, details]).to_string();
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

/// One entry to append.
#[derive(Debug, Clone)]
pub struct Entry {
    pub at: Timestamp,
    pub actor: Actor,
    pub action: String,
    pub target: String,
    pub details: serde_json::Value,
}

/// Appends one entry in the caller's transaction.
pub async fn record(
    tx: &mut Tx,
    at: Timestamp,
    actor: Actor,
    action: &str,
    target: &str,
    details: serde_json::Value,
) -> Result<(), sqlx::Error> {
    record_many(
        tx,
        &[Entry {
            at,
            actor,
            action: action.to_string(),
            target: target.to_string(),
            details,
        }],
    )
    .await
}

/// Rows per `INSERT`: past a few dozen, statements with hundreds of
/// parameters cost more to prepare than they save (see docs/performance.md).
const ROWS_PER_INSERT: usize = 32;

/// Appends entries in order in the caller's transaction: the head row is
/// taken once and moved once, however many entries there are.
pub async fn record_many(tx: &mut Tx, entries: &[Entry]) -> Result<(), sqlx::Error> {
    if entries.is_empty() {
        return Ok(());
    }
    // Touching the head row first takes its row lock on PostgreSQL, so that
    // concurrent writers append one after the other; the same statement
    // reads the hash to chain from.
    let (mut prev,): (String,) =
        sqlx::query_as("UPDATE audit_head SET last_id = last_id WHERE id = 1 RETURNING last_hash")
            .fetch_one(&mut **tx)
            .await?;
    // On PostgreSQL the last insert moves the head too, in a data-modifying
    // `WITH`: one round trip less for every audited transaction.
    let fold = tx.backend_name() == "PostgreSQL";
    let chunks = entries.len().div_ceil(ROWS_PER_INSERT);
    let mut last_id = 0;
    for (n, chunk) in entries.chunks(ROWS_PER_INSERT).enumerate() {
        let folded = fold && n + 1 == chunks;
        let mut sql = crate::SqlBuf::new(if folded { "WITH ins AS (" } else { "" });
        sql.push(
            "INSERT INTO audit_log (at, actor_person_id, actor_token_id, action, target, details, prev_hash, hash) VALUES ",
        );
        let mut hashes = Vec::with_capacity(chunk.len());
        for (i, e) in chunk.iter().enumerate() {
            let details = e.details.to_string();
            let person = e.actor.person.map(|p| p.0);
            let token = e.actor.token.map(|t| t.0);
            let hash = entry_hash(&prev, e.at.0, person, token, &e.action, &e.target, &details);
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(")
                .bind(e.at.0)
                .push(", ")
                .bind(person)
                .push(", ")
                .bind(token)
                .push(", ")
                .bind(e.action.clone())
                .push(", ")
                .bind(e.target.clone())
                .push(", ")
                .bind(details)
                .push(", ")
                .bind(prev.clone())
                .push(", ")
                .bind(hash.clone())
                .push(")");
            hashes.push(hash.clone());
            prev = hash;
        }
        sql.push(" RETURNING id, hash");
        if folded {
            sql.push(
                "), head AS (UPDATE audit_head SET last_id = (SELECT MAX(id) FROM ins), last_hash = ",
            )
            .bind(prev.clone())
            .push(" WHERE id = 1) SELECT id, hash FROM ins");
        }
        let mut rows: Vec<(i64, String)> = sql.query_as().fetch_all(&mut **tx).await?;
        // The chain is read in id order: the ids must follow the entries.
        rows.sort_unstable_by_key(|r| r.0);
        if rows.iter().map(|r| &r.1).ne(hashes.iter())
            || rows.first().is_some_and(|r| r.0 <= last_id)
        {
            return Err(sqlx::Error::Protocol(
                "audit entries were not numbered in the order they were written".into(),
            ));
        }
        last_id = rows.last().map_or(last_id, |r| r.0);
    }
    if !fold {
        sqlx::query("UPDATE audit_head SET last_id = $1, last_hash = $2 WHERE id = 1")
            .bind(last_id)
            .bind(&prev)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Intact {
        entries: u64,
    },
    /// The entry with this id does not match its hash or its predecessor.
    BrokenAt {
        id: i64,
        reason: &'static str,
    },
}

type Row = (
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    String,
    String,
    String,
    String,
    String,
);

/// The id of the last audit entry: it moves with every audited change, in
/// the same transaction, so a reader who reads it before the data it guards
/// never sees older data under a newer number.
pub async fn head(db: &Db) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as("SELECT last_id FROM audit_head WHERE id = 1")
        .fetch_one(db.heads())
        .await?;
    Ok(id)
}

/// Walks the whole chain in order.
pub async fn verify(db: &Db) -> Result<Verdict, sqlx::Error> {
    let mut prev = "0".repeat(64);
    let mut last_id = 0;
    let mut entries = 0u64;
    loop {
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, at, actor_person_id, actor_token_id, action, target, details, prev_hash, hash
             FROM audit_log WHERE id > $1 ORDER BY id LIMIT 5000",
        )
        .bind(last_id)
        .fetch_all(db.pool())
        .await?;
        if rows.is_empty() {
            break;
        }
        for (id, at, person, token, action, target, details, prev_hash, hash) in rows {
            if prev_hash != prev {
                return Ok(Verdict::BrokenAt {
                    id,
                    reason: "previous hash does not match",
                });
            }
            if entry_hash(&prev, at, person, token, &action, &target, &details) != hash {
                return Ok(Verdict::BrokenAt {
                    id,
                    reason: "content does not match its hash",
                });
            }
            prev = hash;
            last_id = id;
            entries += 1;
        }
    }
    let (head_id, head_hash): (i64, String) =
        sqlx::query_as("SELECT last_id, last_hash FROM audit_head WHERE id = 1")
            .fetch_one(db.pool())
            .await?;
    if head_id != last_id || head_hash != prev {
        return Ok(Verdict::BrokenAt {
            id: head_id,
            reason: "entries missing at the end of the log",
        });
    }
    Ok(Verdict::Intact { entries })
}
