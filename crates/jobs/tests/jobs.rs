use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use relais_core::{Clock, Timestamp};
use relais_jobs::{JobError, JobHandler, NewJob, Outcome, Worker, enqueue};
use relais_testkit::{FakeClock, TestDb};
use serde_json::{Value, json};

struct Count(Arc<AtomicUsize>, &'static str);

#[async_trait::async_trait]
impl JobHandler for Count {
    fn kind(&self) -> &'static str {
        self.1
    }
    async fn run(&self, payload: &Value) -> Result<(), JobError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        match payload["fail"].as_str() {
            Some("retry") => Err(JobError::Retry("server away".into())),
            Some("fatal") => Err(JobError::Fatal("bad".into())),
            _ => Ok(()),
        }
    }
}

async fn add(t: &TestDb, clock: &FakeClock, job: NewJob) -> bool {
    let mut tx = t.db.begin().await.unwrap();
    let inserted = enqueue(&mut tx, clock.now(), job).await.unwrap();
    tx.commit().await.unwrap();
    inserted
}

async fn state(t: &TestDb) -> Vec<(String, i64)> {
    relais_jobs::counts(&t.db).await.unwrap()
}

#[tokio::test]
async fn a_job_runs_once_and_a_duplicate_is_ignored() {
    let t = TestDb::new().await;
    let clock = FakeClock::new(Timestamp(1_000_000_000));
    let n = Arc::new(AtomicUsize::new(0));
    let w = Worker::new(
        t.db.clone(),
        Arc::new(clock.clone()),
        vec![Arc::new(Count(n.clone(), "count"))],
    );
    assert!(add(&t, &clock, NewJob::new("count", json!({})).dedup("k1")).await);
    assert!(!add(&t, &clock, NewJob::new("count", json!({})).dedup("k1")).await);
    assert_eq!(w.run_pending().await.unwrap(), 1);
    assert_eq!(n.load(Ordering::SeqCst), 1);
    assert_eq!(state(&t).await, vec![("done".to_string(), 1)]);
}

#[tokio::test]
async fn a_rolled_back_change_leaves_no_job() {
    let t = TestDb::new().await;
    let clock = FakeClock::new(Timestamp(0));
    let mut tx = t.db.begin().await.unwrap();
    enqueue(&mut tx, clock.now(), NewJob::new("count", json!({})))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert!(state(&t).await.is_empty());
}

#[tokio::test]
async fn failures_back_off_then_fail_for_good() {
    let t = TestDb::new().await;
    let clock = FakeClock::new(Timestamp(0));
    let n = Arc::new(AtomicUsize::new(0));
    let w = Worker::new(
        t.db.clone(),
        Arc::new(clock.clone()),
        vec![Arc::new(Count(n.clone(), "count"))],
    );
    let mut job = NewJob::new("count", json!({"fail": "retry"}));
    job.max_attempts = 3;
    add(&t, &clock, job).await;
    assert_eq!(
        w.run_once().await.unwrap().unwrap().1,
        Outcome::Retrying { attempt: 1 }
    );
    // Not ready again until the backoff has passed.
    assert!(w.run_once().await.unwrap().is_none());
    clock.advance_secs(relais_jobs::backoff_secs(1));
    assert_eq!(
        w.run_once().await.unwrap().unwrap().1,
        Outcome::Retrying { attempt: 2 }
    );
    clock.advance_secs(relais_jobs::backoff_secs(2));
    assert_eq!(w.run_once().await.unwrap().unwrap().1, Outcome::Failed);
    assert_eq!(n.load(Ordering::SeqCst), 3);
    assert_eq!(state(&t).await, vec![("failed".to_string(), 1)]);

    add(&t, &clock, NewJob::new("count", json!({"fail": "fatal"}))).await;
    assert_eq!(w.run_once().await.unwrap().unwrap().1, Outcome::Failed);
}

#[tokio::test]
async fn a_job_whose_worker_died_is_taken_up_after_its_lock_expires() {
    let t = TestDb::new().await;
    let clock = FakeClock::new(Timestamp(0));
    add(&t, &clock, NewJob::new("count", json!({}))).await;
    // A worker claims it and dies: simulate with a worker that has no handler state saved.
    sqlx::query(
        "UPDATE jobs SET state = 'running', locked_by = 'dead', locked_until = $1, attempts = 1",
    )
    .bind(clock.now().plus_secs(300).0)
    .execute(t.db.pool())
    .await
    .unwrap();
    let n = Arc::new(AtomicUsize::new(0));
    let w = Worker::new(
        t.db.clone(),
        Arc::new(clock.clone()),
        vec![Arc::new(Count(n.clone(), "count"))],
    );
    assert!(w.run_once().await.unwrap().is_none(), "still locked");
    clock.advance_secs(301);
    assert_eq!(w.run_once().await.unwrap().unwrap().1, Outcome::Done);
    assert_eq!(n.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn several_workers_never_run_a_job_twice() {
    let t = TestDb::new().await;
    let clock = FakeClock::new(Timestamp(0));
    let mut tx = t.db.begin().await.unwrap();
    for i in 0..200 {
        enqueue(
            &mut tx,
            clock.now(),
            NewJob::new("count", json!({ "i": i })),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let n = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let w = Worker::new(
            t.db.clone(),
            Arc::new(clock.clone()),
            vec![Arc::new(Count(n.clone(), "count"))],
        );
        tasks.push(tokio::spawn(async move { w.run_pending().await.unwrap() }));
    }
    let mut ran = 0;
    for task in tasks {
        ran += task.await.unwrap();
    }
    assert_eq!(ran, 200);
    assert_eq!(n.load(Ordering::SeqCst), 200);
    assert_eq!(state(&t).await, vec![("done".to_string(), 200)]);
}
