//! Resolved tickets close by themselves after a delay (`autoclose_days` in
//! `desk_settings`, 7 by default) unless the requester answers: resolving
//! queues a job for that instant, and the job closes the ticket only if it
//! is still resolved since that same instant.

use relais_core::{Result, Timestamp};
use relais_db::{DbResultExt, Tx};
use relais_jobs::{JobError, JobHandler, NewJob};

pub const AUTOCLOSE: &str = "desk.autoclose";
/// The delay when none is set.
pub const DEFAULT_DAYS: i64 = 7;

pub async fn delay_days(tx: &mut Tx) -> Result<i64> {
    let row: Option<(String,)> = sqlx::query_as(DELAY_SQL)
        .fetch_optional(&mut **tx)
        .await
        .db()?;
    Ok(days_of(row))
}

pub(crate) const DELAY_SQL: &str = "SELECT value FROM desk_settings WHERE key = 'autoclose_days'";

/// The delay stored in `desk_settings`, or the default.
pub(crate) fn days_of(row: Option<(String,)>) -> i64 {
    row.and_then(|r| r.0.trim().parse().ok())
        .filter(|d: &i64| *d >= 0)
        .unwrap_or(DEFAULT_DAYS)
}

pub(crate) async fn schedule(tx: &mut Tx, ticket: i64, resolved_at: Timestamp) -> Result<()> {
    schedule_many(tx, &[ticket], resolved_at).await
}

/// Queues the closing of tickets resolved at `resolved_at`, reading the
/// delay once.
pub(crate) async fn schedule_many(
    tx: &mut Tx,
    tickets: &[i64],
    resolved_at: Timestamp,
) -> Result<()> {
    let days = delay_days(tx).await?;
    let jobs = tickets
        .iter()
        .map(|ticket| {
            NewJob::new(
                AUTOCLOSE,
                serde_json::json!({ "ticket": ticket, "resolved_at": resolved_at.0 }),
            )
            .dedup(format!("desk-autoclose:{ticket}:{}", resolved_at.0))
            .at(resolved_at.plus_secs(days * 86_400))
        })
        .collect();
    relais_jobs::enqueue_many(tx, resolved_at, jobs)
        .await
        .db()?;
    Ok(())
}

/// Sets the delay, in the caller's transaction; [`crate::settings::save`]
/// checks it (0 to 365 days) before.
pub(crate) async fn set_delay_days(tx: &mut Tx, days: i64) -> Result<()> {
    sqlx::query("UPDATE desk_settings SET value = $1 WHERE key = 'autoclose_days'")
        .bind(days.to_string())
        .execute(&mut **tx)
        .await
        .db()?;
    Ok(())
}

pub struct AutoCloseJob(pub crate::Desk);

#[async_trait::async_trait]
impl JobHandler for AutoCloseJob {
    fn kind(&self) -> &'static str {
        AUTOCLOSE
    }

    async fn run(&self, payload: &serde_json::Value) -> Result<(), JobError> {
        let ticket = payload["ticket"]
            .as_i64()
            .ok_or_else(|| JobError::Fatal("no ticket".into()))?;
        let resolved_at = payload["resolved_at"]
            .as_i64()
            .ok_or_else(|| JobError::Fatal("no resolved_at".into()))?;
        let now = self.0.clock.now();
        let mut tx = self
            .0
            .db
            .begin()
            .await
            .map_err(|e| JobError::Retry(e.to_string()))?;
        let result = async {
            let closed = sqlx::query(
                "UPDATE desk_tickets SET status = 'closed', closed_at = $1, updated_at = $1
                 WHERE id = $2 AND status = 'resolved' AND resolved_at = $3",
            )
            .bind(now.0)
            .bind(ticket)
            .bind(resolved_at)
            .execute(&mut *tx)
            .await
            .db()?;
            if closed.rows_affected() == 1 {
                crate::tickets::event(&mut tx, ticket, None, "status:closed", now).await?;
                relais_db::audit::record(
                    &mut tx,
                    now,
                    relais_db::audit::Actor::SYSTEM,
                    "desk.ticket.autoclose",
                    &format!("ticket:{ticket}"),
                    serde_json::json!({}),
                )
                .await
                .db()?;
            }
            Ok(())
        }
        .await;
        relais_db::finish(tx, result)
            .await
            .map_err(|e| JobError::Retry(e.to_string()))
    }
}
