//! `relais-jobs` owns the durable job queue. A job is a row in `jobs`,
//! enqueued in the same transaction as the change that caused it, so that a
//! change and its consequences commit or vanish together. Workers claim jobs
//! one at a time (`FOR UPDATE SKIP LOCKED` on PostgreSQL), retry failures with
//! exponential backoff, and a dedup key makes enqueueing the same work twice a
//! no-op. A job whose worker died is taken up again when its lock expires.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use relais_core::{Clock, Timestamp};
use relais_db::{Db, Tx, dialect};
use serde_json::Value;

/// How long a claimed job stays locked before another worker may retry it.
const LOCK_SECS: i64 = 300;
const DEFAULT_QUEUE: &str = "default";

#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: &'static str,
    pub payload: Value,
    /// Enqueueing a second job with the same key does nothing.
    pub dedup_key: Option<String>,
    pub priority: i64,
    pub run_at: Option<Timestamp>,
    pub max_attempts: i64,
}

impl NewJob {
    pub fn new(kind: &'static str, payload: Value) -> Self {
        NewJob {
            kind,
            payload,
            dedup_key: None,
            priority: 0,
            run_at: None,
            max_attempts: 8,
        }
    }

    pub fn dedup(mut self, key: impl Into<String>) -> Self {
        self.dedup_key = Some(key.into());
        self
    }

    pub fn at(mut self, t: Timestamp) -> Self {
        self.run_at = Some(t);
        self
    }
}

/// Adds a job in the caller's transaction. Returns false when a job with the
/// same dedup key already exists.
pub async fn enqueue(tx: &mut Tx, now: Timestamp, job: NewJob) -> Result<bool, sqlx::Error> {
    let res = sqlx::query(
        "INSERT INTO jobs (kind, queue, priority, payload, dedup_key, state, attempts, max_attempts, run_at, created_at)
         VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $7, $8)
         ON CONFLICT (dedup_key) DO NOTHING",
    )
    .bind(job.kind)
    .bind(DEFAULT_QUEUE)
    .bind(job.priority)
    .bind(job.payload.to_string())
    .bind(job.dedup_key)
    .bind(job.max_attempts)
    .bind(job.run_at.unwrap_or(now).0)
    .bind(now.0)
    .execute(&mut **tx)
    .await?;
    Ok(res.rows_affected() == 1)
}

#[derive(Debug)]
pub enum JobError {
    /// Try again later (a server did not answer, say).
    Retry(String),
    /// Retrying cannot help (bad payload): fail now.
    Fatal(String),
}

impl std::fmt::Display for JobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JobError::Retry(m) => write!(f, "retry: {m}"),
            JobError::Fatal(m) => write!(f, "fatal: {m}"),
        }
    }
}

/// What runs a kind of job.
#[async_trait::async_trait]
pub trait JobHandler: Send + Sync + 'static {
    fn kind(&self) -> &'static str;
    async fn run(&self, payload: &Value) -> Result<(), JobError>;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done,
    Retrying { attempt: i64 },
    Failed,
}

/// Delay before attempt `n + 1` after `n` failures: 10 s doubling, at most an hour.
pub fn backoff_secs(attempts: i64) -> i64 {
    let exp = attempts.clamp(0, 20) as u32;
    (10_i64.saturating_mul(2_i64.saturating_pow(exp.saturating_sub(1)))).min(3600)
}

#[derive(Clone)]
pub struct Worker {
    db: Db,
    clock: Arc<dyn Clock>,
    handlers: Arc<HashMap<&'static str, Arc<dyn JobHandler>>>,
    id: String,
}

impl Worker {
    pub fn new(db: Db, clock: Arc<dyn Clock>, handlers: Vec<Arc<dyn JobHandler>>) -> Self {
        let handlers = handlers.into_iter().map(|h| (h.kind(), h)).collect();
        let id = format!(
            "{}-{}-{}",
            std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into()),
            std::process::id(),
            clock.now().0 % 1_000_000
        );
        Worker {
            db,
            clock,
            handlers: Arc::new(handlers),
            id,
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Claims and runs one ready job. `None` when nothing is ready.
    pub async fn run_once(&self) -> Result<Option<(i64, Outcome)>, sqlx::Error> {
        let now = self.clock.now();
        self.release_expired(now).await?;
        let mut tx = self.db.begin().await?;
        let claimed: Option<(i64, String, String, i64, i64)> =
            sqlx::query_as(dialect::claim_job_sql(self.db.backend()))
                .bind(&self.id)
                .bind(now.plus_secs(LOCK_SECS).0)
                .bind(DEFAULT_QUEUE)
                .bind(now.0)
                .fetch_optional(&mut *tx)
                .await?;
        tx.commit().await?;
        let Some((id, kind, payload, attempts, max_attempts)) = claimed else {
            return Ok(None);
        };
        let result = match (
            self.handlers.get(kind.as_str()),
            serde_json::from_str(&payload),
        ) {
            (Some(h), Ok(p)) => h.run(&p).await,
            (None, _) => Err(JobError::Retry(format!("no handler for job kind {kind}"))),
            (_, Err(e)) => Err(JobError::Fatal(format!("bad payload: {e}"))),
        };
        let now = self.clock.now();
        let outcome = match result {
            Ok(()) => {
                sqlx::query(
                    "UPDATE jobs SET state = 'done', finished_at = $1, locked_by = NULL, locked_until = NULL
                     WHERE id = $2 AND locked_by = $3",
                )
                .bind(now.0)
                .bind(id)
                .bind(&self.id)
                .execute(self.db.pool())
                .await?;
                Outcome::Done
            }
            Err(e) => {
                let fatal = matches!(e, JobError::Fatal(_));
                tracing::warn!(job = id, kind, attempts, error = %e, "job failed");
                if fatal || attempts >= max_attempts {
                    sqlx::query(
                        "UPDATE jobs SET state = 'failed', finished_at = $1, last_error = $2,
                         locked_by = NULL, locked_until = NULL WHERE id = $3 AND locked_by = $4",
                    )
                    .bind(now.0)
                    .bind(e.to_string())
                    .bind(id)
                    .bind(&self.id)
                    .execute(self.db.pool())
                    .await?;
                    Outcome::Failed
                } else {
                    sqlx::query(
                        "UPDATE jobs SET state = 'queued', run_at = $1, last_error = $2,
                         locked_by = NULL, locked_until = NULL WHERE id = $3 AND locked_by = $4",
                    )
                    .bind(now.plus_secs(backoff_secs(attempts)).0)
                    .bind(e.to_string())
                    .bind(id)
                    .bind(&self.id)
                    .execute(self.db.pool())
                    .await?;
                    Outcome::Retrying { attempt: attempts }
                }
            }
        };
        Ok(Some((id, outcome)))
    }

    /// Puts back jobs whose worker died while holding them.
    async fn release_expired(&self, now: Timestamp) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE jobs SET state = 'queued', locked_by = NULL, locked_until = NULL,
             last_error = 'worker lock expired'
             WHERE state = 'running' AND locked_until < $1",
        )
        .bind(now.0)
        .execute(self.db.pool())
        .await?;
        Ok(())
    }

    /// Runs ready jobs until none is left ready now; returns how many ran.
    pub async fn run_pending(&self) -> Result<usize, sqlx::Error> {
        let mut n = 0;
        while self.run_once().await?.is_some() {
            n += 1;
        }
        Ok(n)
    }

    /// Runs until `shutdown` turns true, polling when idle.
    pub async fn run(self, mut shutdown: tokio::sync::watch::Receiver<bool>) {
        tracing::info!(worker = %self.id, "job worker started");
        loop {
            if *shutdown.borrow() {
                break;
            }
            let idle = match self.run_once().await {
                Ok(Some(_)) => false,
                Ok(None) => true,
                Err(e) => {
                    tracing::error!(error = %e, "job worker could not reach the database");
                    true
                }
            };
            if idle {
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
        tracing::info!(worker = %self.id, "job worker stopped");
    }
}

/// Number of jobs in each state, for `/metrics` and the admin pages.
pub async fn counts(db: &Db) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT state, COUNT(*) FROM jobs GROUP BY state ORDER BY state")
        .fetch_all(db.pool())
        .await
}
