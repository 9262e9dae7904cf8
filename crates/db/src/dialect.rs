//! The places where SQLite and PostgreSQL need different SQL, one named
//! function per need. Everything else in Relais is portable SQL.

use crate::{Backend, Tx};

/// Serialises concurrent migrators. SQLite's `BEGIN IMMEDIATE` already does;
/// PostgreSQL takes a transaction-scoped advisory lock.
pub async fn lock_for_migrations(tx: &mut Tx, backend: Backend) -> Result<(), sqlx::Error> {
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock(7265626)")
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Claims up to `$5` ready jobs for worker `$1` and returns them. PostgreSQL
/// skips rows other workers hold (`FOR UPDATE SKIP LOCKED`); SQLite has one
/// writer at a time, so the same `UPDATE … RETURNING` is already exclusive.
pub fn claim_job_sql(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => {
            "UPDATE jobs SET state = 'running', locked_by = $1, locked_until = $2, attempts = attempts + 1
             WHERE id IN (SELECT id FROM jobs
                         WHERE state = 'queued' AND queue = $3 AND run_at <= $4
                         ORDER BY run_at, id
                         LIMIT $5 FOR UPDATE SKIP LOCKED)
             RETURNING id, kind, payload, attempts, max_attempts"
        }
        Backend::Sqlite => {
            "UPDATE jobs SET state = 'running', locked_by = $1, locked_until = $2, attempts = attempts + 1
             WHERE id IN (SELECT id FROM jobs
                         WHERE state = 'queued' AND queue = $3 AND run_at <= $4
                         ORDER BY run_at, id
                         LIMIT $5)
             RETURNING id, kind, payload, attempts, max_attempts"
        }
    }
}

/// The suffix that locks the rows a `SELECT` reads until the transaction
/// ends: `FOR UPDATE` on PostgreSQL; nothing on SQLite, whose write
/// transactions (`BEGIN IMMEDIATE`) already exclude every other writer.
pub fn for_update(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    }
}

/// [`for_update`] for a `SELECT` that joins other tables: locks the rows of
/// the table aliased `alias` only (PostgreSQL's `FOR UPDATE OF`).
pub fn for_update_of(backend: Backend, alias: &str) -> String {
    match backend {
        Backend::Postgres => format!(" FOR UPDATE OF {alias}"),
        Backend::Sqlite => String::new(),
    }
}
