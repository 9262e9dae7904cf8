//! `relais-jobs` owns the durable job queue. A job is a row in `jobs`,
//! enqueued in the same transaction as the change that caused it, so that a
//! change and its consequences commit or vanish together. Workers claim jobs
//! a few at a time (`FOR UPDATE SKIP LOCKED` on PostgreSQL) and renew their
//! locks while they run, retry failures with exponential backoff, and a dedup
//! key makes enqueueing the same work twice a no-op. A job whose worker died is taken up again when its lock expires.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use relais_core::{Clock, Timestamp};
use relais_db::{Db, Tx, dialect};
use serde_json::Value;

/// How long a claimed job stays locked before another worker may take it
/// up: short, so that the jobs of a worker killed mid-run are retried soon,
/// and renewed every [`HEARTBEAT_SECS`] while the job runs.
const LOCK_SECS: i64 = 30;
const HEARTBEAT_SECS: u64 = 10;
/// How often a worker looks for jobs whose worker died.
const RELEASE_EVERY_SECS: i64 = 5;
/// How many ready jobs a worker claims at once and runs side by side.
pub const BATCH: i64 = 32;
/// Jobs done are marked together once this many are done…
const DONE_GROUP: usize = 32;
/// …or this long after the first of them, whichever comes first.
const DONE_FLUSH_MILLIS: u64 = 50;
const DEFAULT_QUEUE: &str = "default";

#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: &'static str,
    pub payload: Value,
    /// Enqueueing a second job with the same key does nothing.
    pub dedup_key: Option<String>,
    pub run_at: Option<Timestamp>,
    pub max_attempts: i64,
}

impl NewJob {
    pub fn new(kind: &'static str, payload: Value) -> Self {
        NewJob {
            kind,
            payload,
            dedup_key: None,
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
    Ok(enqueue_many(tx, now, vec![job]).await? == 1)
}

/// Adds several jobs in the caller's transaction, in a few statements.
/// Returns how many were added (jobs whose dedup key exists are skipped).
pub async fn enqueue_many(
    tx: &mut Tx,
    now: Timestamp,
    jobs: Vec<NewJob>,
) -> Result<u64, sqlx::Error> {
    let mut added = 0;
    for chunk in jobs.chunks(32) {
        let mut sql = relais_db::SqlBuf::new(
            "INSERT INTO jobs (kind, queue, priority, payload, dedup_key, state, attempts, max_attempts, run_at, created_at) VALUES ",
        );
        for (i, job) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(")
                .bind(job.kind)
                .push(", ")
                .bind(DEFAULT_QUEUE)
                .push(", 0, ")
                .bind(job.payload.to_string())
                .push(", ")
                .bind(job.dedup_key.clone())
                .push(", 'queued', 0, ")
                .bind(job.max_attempts)
                .push(", ")
                .bind(job.run_at.unwrap_or(now).0)
                .push(", ")
                .bind(now.0)
                .push(")");
        }
        sql.push(" ON CONFLICT (dedup_key) DO NOTHING");
        added += sql.query().execute(&mut **tx).await?.rows_affected();
    }
    Ok(added)
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
    /// When this worker last put back the jobs of dead workers (UTC micros).
    released_at: Arc<AtomicI64>,
}

type Claimed = (i64, String, String, i64, i64);

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
            released_at: Arc::new(AtomicI64::new(i64::MIN)),
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Claims and runs one ready job. `None` when nothing is ready.
    pub async fn run_once(&self) -> Result<Option<(i64, Outcome)>, sqlx::Error> {
        Ok(self.run_batch(1).await?.pop())
    }

    /// Claims up to `max` ready jobs, the longest due first, and runs them
    /// side by side. Jobs done are marked together, 32 at a time or 50 ms
    /// after the first of them, whichever comes first; a crash repeats at
    /// most the jobs not yet marked, never more than the batch. Returns what
    /// became of each (empty when nothing was ready).
    pub async fn run_batch(&self, max: i64) -> Result<Vec<(i64, Outcome)>, sqlx::Error> {
        let now = self.clock.now();
        self.release_expired(now).await?;
        let claimed: Vec<Claimed> = sqlx::query_as(dialect::claim_job_sql(self.db.backend()))
            .bind(&self.id)
            .bind(now.plus_secs(LOCK_SECS).0)
            .bind(DEFAULT_QUEUE)
            .bind(now.0)
            .bind(max.max(1))
            .fetch_all(self.db.writer())
            .await?;
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = claimed.iter().map(|c| c.0).collect();
        let mut set = tokio::task::JoinSet::new();
        for job in claimed {
            let me = self.clone();
            set.spawn(async move { me.run_claimed(job).await });
        }
        let mut outcomes = Vec::with_capacity(ids.len());
        let mut beat = tokio::time::interval(Duration::from_secs(HEARTBEAT_SECS));
        beat.tick().await;
        // Jobs done are marked in groups, not one statement each: on SQLite
        // every mark takes the one writer that registrations wait for. A
        // database error never drops a job done but not yet marked: it is
        // kept and marked later, or (if the database stays away) left
        // locked, to run again once its lock expires, as after a crash.
        let mut done: Vec<i64> = Vec::new();
        let flush = tokio::time::sleep(Duration::ZERO);
        tokio::pin!(flush);
        let mut failed: Option<sqlx::Error> = None;
        loop {
            tokio::select! {
                next = set.join_next() => match next {
                    None => break,
                    Some(Ok(Ok((id, outcome)))) => {
                        if outcome == Outcome::Done {
                            if done.is_empty() {
                                flush.as_mut().reset(
                                    tokio::time::Instant::now() + Duration::from_millis(DONE_FLUSH_MILLIS),
                                );
                            }
                            done.push(id);
                            if done.len() >= DONE_GROUP {
                                self.mark_done_keeping(&mut done).await;
                            }
                        }
                        outcomes.push((id, outcome));
                    }
                    Some(Ok(Err(e))) => {
                        tracing::error!(error = %e, "a job's outcome could not be written");
                        failed.get_or_insert(e);
                    }
                    Some(Err(e)) => {
                        // A handler panicked: its job stays locked until the
                        // lock expires, then runs again (and counts an attempt).
                        tracing::error!(error = %e, "a job handler panicked");
                    }
                },
                () = &mut flush, if !done.is_empty() => {
                    self.mark_done_keeping(&mut done).await;
                    flush.as_mut().reset(
                        tokio::time::Instant::now() + Duration::from_millis(DONE_FLUSH_MILLIS),
                    );
                }
                _ = beat.tick() => {
                    if let Err(e) = self.renew(&ids).await {
                        tracing::warn!(error = %e, "could not renew the locks of running jobs");
                    }
                }
            }
        }
        self.mark_done(&done).await?;
        match failed {
            Some(e) => Err(e),
            None => Ok(outcomes),
        }
    }

    /// Marks `done` and empties it; on a database error keeps it for later.
    async fn mark_done_keeping(&self, done: &mut Vec<i64>) {
        match self.mark_done(done).await {
            Ok(()) => done.clear(),
            Err(e) => tracing::warn!(error = %e, jobs = done.len(), "could not mark jobs done yet"),
        }
    }

    /// Marks jobs this worker ran as done, in one statement.
    async fn mark_done(&self, ids: &[i64]) -> Result<(), sqlx::Error> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut sql = relais_db::SqlBuf::new("UPDATE jobs SET state = 'done', finished_at = ");
        sql.bind(self.clock.now().0)
            .push(", locked_by = NULL, locked_until = NULL WHERE locked_by = ")
            .bind(self.id.clone())
            .push(" AND id IN ")
            .bind_list(ids.iter().copied());
        sql.query().execute(self.db.writer()).await?;
        Ok(())
    }

    async fn run_claimed(&self, job: Claimed) -> Result<(i64, Outcome), sqlx::Error> {
        let (id, kind, payload, attempts, max_attempts) = job;
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
            // Marked by `run_batch`, with the others done about now.
            Ok(()) => Outcome::Done,
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
                    .execute(self.db.writer())
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
                    .execute(self.db.writer())
                    .await?;
                    Outcome::Retrying { attempt: attempts }
                }
            }
        };
        Ok((id, outcome))
    }

    /// Extends the locks of the jobs this worker still runs.
    async fn renew(&self, ids: &[i64]) -> Result<(), sqlx::Error> {
        let mut sql = relais_db::SqlBuf::new("UPDATE jobs SET locked_until = ");
        sql.bind(self.clock.now().plus_secs(LOCK_SECS).0)
            .push(" WHERE state = 'running' AND locked_by = ")
            .bind(self.id.clone())
            .push(" AND id IN ")
            .bind_list(ids.iter().copied());
        sql.query().execute(self.db.writer()).await?;
        Ok(())
    }

    /// Puts back jobs whose worker died while holding them (at most every
    /// few seconds: every worker does it, and one is enough).
    async fn release_expired(&self, now: Timestamp) -> Result<(), sqlx::Error> {
        let last = self.released_at.load(Ordering::Relaxed);
        if last != i64::MIN && now.0.saturating_sub(last) < RELEASE_EVERY_SECS * 1_000_000 {
            return Ok(());
        }
        self.released_at.store(now.0, Ordering::Relaxed);
        sqlx::query(
            "UPDATE jobs SET state = 'queued', locked_by = NULL, locked_until = NULL,
             last_error = 'worker lock expired'
             WHERE state = 'running' AND locked_until < $1",
        )
        .bind(now.0)
        .execute(self.db.writer())
        .await?;
        Ok(())
    }

    /// Runs ready jobs until none is left ready now; returns how many ran.
    pub async fn run_pending(&self) -> Result<usize, sqlx::Error> {
        let mut n = 0;
        loop {
            let ran = self.run_batch(BATCH).await?.len();
            if ran == 0 {
                return Ok(n);
            }
            n += ran;
        }
    }

    /// Runs until `shutdown` turns true, polling when idle.
    pub async fn run(self, mut shutdown: tokio::sync::watch::Receiver<bool>) {
        tracing::info!(worker = %self.id, "job worker started");
        loop {
            if *shutdown.borrow() {
                break;
            }
            let idle = match self.run_batch(BATCH).await {
                Ok(ran) => ran.is_empty(),
                Err(e) => {
                    tracing::error!(error = %e, "job worker could not reach the database");
                    true
                }
            };
            if idle {
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(250)) => {}
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
