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

/// Appends one entry in the caller's transaction.
pub async fn record(
    tx: &mut Tx,
    at: Timestamp,
    actor: Actor,
    action: &str,
    target: &str,
    details: serde_json::Value,
) -> Result<(), sqlx::Error> {
    // Touching the head row first takes its row lock on PostgreSQL, so that
    // concurrent writers append one after the other.
    sqlx::query("UPDATE audit_head SET last_id = last_id WHERE id = 1")
        .execute(&mut **tx)
        .await?;
    let (prev,): (String,) = sqlx::query_as("SELECT last_hash FROM audit_head WHERE id = 1")
        .fetch_one(&mut **tx)
        .await?;
    let details = details.to_string();
    let person = actor.person.map(|p| p.0);
    let token = actor.token.map(|t| t.0);
    let hash = entry_hash(&prev, at.0, person, token, action, target, &details);
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO audit_log (at, actor_person_id, actor_token_id, action, target, details, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(at.0)
    .bind(person)
    .bind(token)
    .bind(action)
    .bind(target)
    .bind(&details)
    .bind(&prev)
    .bind(&hash)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("UPDATE audit_head SET last_id = $1, last_hash = $2 WHERE id = 1")
        .bind(id)
        .bind(&hash)
        .execute(&mut **tx)
        .await?;
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
