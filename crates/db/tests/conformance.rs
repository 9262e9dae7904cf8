//! The backend conformance suite: the same story on SQLite and PostgreSQL
//! (CI runs it a second time with `RELAIS_TEST_DATABASE_URL`).

use relais_core::{PersonId, Timestamp};
use relais_db::audit::{self, Actor, Verdict};
use relais_db::{DbResultExt, is_unique_violation};
use relais_testkit::TestDb;

#[tokio::test]
async fn migrations_apply_once_and_again_do_nothing() {
    let t = TestDb::empty().await;
    let first = t.db.migrate().await.unwrap();
    assert_eq!(
        first,
        relais_db::MIGRATIONS
            .iter()
            .map(|m| m.1)
            .collect::<Vec<_>>()
    );
    assert_eq!(first[0], "platform");
    let second = t.db.migrate().await.unwrap();
    assert!(second.is_empty());
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM schema_migrations")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    assert_eq!(n, relais_db::MIGRATIONS.len() as i64);
}

#[tokio::test]
async fn the_seat_counts_migration_counts_what_was_there_then_follows_every_write() {
    let t = TestDb::empty().await;
    t.db.migrate_until(6).await.unwrap();
    let db = &t.db;
    exec(db, "INSERT INTO people (id, employee_number, email, first_name, last_name, search_key, created_at, updated_at)
          VALUES (1, 'P1', 'a@x.test', 'A', 'A', 'a', 0, 0), (2, 'P2', 'b@x.test', 'B', 'B', 'b', 0, 0),
                 (3, 'P3', 'c@x.test', 'C', 'C', 'c', 0, 0)").await;
    exec(db, "INSERT INTO courses (id, title, summary, objectives, audience, format, themes, search_key, created_at, updated_at)
          VALUES (1, 'C', '', '', '', 'webinar', '', 'c', 0, 0)").await;
    exec(db, "INSERT INTO training_sessions (id, course_id, starts_at, ends_at, trainers, capacity, registration_opens_at,
            registration_closes_at, audience, approval, waitlist_mode, offer_hours, status, ics_sequence, created_at, updated_at)
          VALUES (1, 1, 0, 1, '', 1, 0, 1, 'everyone', 'none', 'timed_offer', 24, 'scheduled', 0, 0, 0),
                 (2, 1, 0, 1, '', 1, 0, 1, 'everyone', 'none', 'timed_offer', 24, 'scheduled', 0, 0, 0)").await;
    exec(db, "INSERT INTO registrations (id, session_id, person_id, status, queued_at, created_at, updated_at)
          VALUES (1, 1, 1, 'confirmed', 0, 0, 0), (2, 1, 2, 'waitlisted', 0, 0, 0),
                 (3, 1, 3, 'cancelled', 0, 0, 0), (4, 2, 3, 'pending', 0, 0, 0)").await;
    assert_eq!(
        t.db.migrate().await.unwrap(),
        vec!["session_seats", "seat_counts_by_key"]
    );
    assert_eq!(
        seat_counts(db).await,
        vec![(1, 1, 0, 1, 0), (2, 0, 0, 0, 1)]
    );
    // Then the triggers: a multi-row insert, a status change, a move, an
    // update that moves no count, a deletion.
    exec(db, "INSERT INTO registrations (id, session_id, person_id, status, queued_at, created_at, updated_at)
          VALUES (5, 2, 1, 'offered', 0, 0, 0), (6, 2, 2, 'waitlisted', 0, 0, 0)").await;
    exec(
        db,
        "UPDATE registrations SET status = 'cancelled' WHERE id IN (1, 4)",
    )
    .await;
    exec(db, "UPDATE registrations SET session_id = 2 WHERE id = 2").await;
    exec(db, "UPDATE registrations SET decision_comment = 'x'").await;
    exec(db, "DELETE FROM registrations WHERE id = 5").await;
    assert_eq!(
        seat_counts(db).await,
        vec![(1, 0, 0, 0, 0), (2, 0, 0, 2, 0)]
    );
}

async fn exec(db: &relais_db::Db, sql: &str) {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(db.pool())
        .await
        .unwrap();
}

/// Each session's id and kept counts: confirmed, offered, waitlisted, pending.
async fn seat_counts(db: &relais_db::Db) -> Vec<(i64, i64, i64, i64, i64)> {
    sqlx::query_as(
        "SELECT id, seats_confirmed, seats_offered, seats_waitlisted, seats_pending
         FROM training_sessions ORDER BY id",
    )
    .fetch_all(db.pool())
    .await
    .unwrap()
}

#[tokio::test]
async fn insert_returning_ids_nulls_and_big_integers() {
    let t = TestDb::new().await;
    let mut tx = t.db.begin().await.unwrap();
    let (a,): (i64,) =
        sqlx::query_as("INSERT INTO delegations (code, name) VALUES ($1, $2) RETURNING id")
            .bind("DR-A")
            .bind("Délégation A — Île-de-France")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    let (b,): (i64,) =
        sqlx::query_as("INSERT INTO delegations (code, name) VALUES ($1, $2) RETURNING id")
            .bind("DR-B")
            .bind("B")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    tx.commit().await.unwrap();
    assert!(b > a);
    let (name,): (String,) = sqlx::query_as("SELECT name FROM delegations WHERE id = $1")
        .bind(a)
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    assert_eq!(name, "Délégation A — Île-de-France");

    // Instants are i64 microseconds; nullable columns come back as None.
    let big = 4_102_444_800_000_000_i64; // 2100-01-01
    sqlx::query("INSERT INTO instances (id, kind, host, started_at, heartbeat_at) VALUES ('x', 'serve', 'h', $1, $1)")
        .bind(big)
        .execute(t.db.pool())
        .await
        .unwrap();
    let (s,): (i64,) = sqlx::query_as("SELECT started_at FROM instances WHERE id = 'x'")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    assert_eq!(s, big);
    let (none,): (Option<i64>,) =
        sqlx::query_as("SELECT locked_until FROM sign_in_failures UNION ALL SELECT NULL")
            .fetch_one(t.db.pool())
            .await
            .unwrap();
    assert_eq!(none, None);
}

#[tokio::test]
async fn padded_lists_match_what_they_list_on_both_backends() {
    let t = TestDb::new().await;
    for (code, name) in [("A", "a"), ("B", "b"), ("C", "c"), ("D", "d"), ("E", "e")] {
        sqlx::query("INSERT INTO delegations (code, name) VALUES ($1, $2)")
            .bind(code)
            .bind(name)
            .execute(t.db.pool())
            .await
            .unwrap();
    }
    let codes = |sql: &str, list: &[&str]| {
        let mut q = relais_db::SqlBuf::new(sql);
        q.bind_list(list.iter().copied()).push(" ORDER BY code");
        let pool = t.db.pool().clone();
        async move {
            q.query_as::<(String,)>()
                .fetch_all(&pool)
                .await
                .unwrap()
                .into_iter()
                .map(|(c,)| c)
                .collect::<Vec<_>>()
        }
    };
    // Three values bound as four (the last repeated): each row once.
    let sql = "SELECT code FROM delegations WHERE code IN ";
    assert_eq!(codes(sql, &["E", "A", "C"]).await, ["A", "C", "E"]);
    assert_eq!(codes(sql, &["B"]).await, ["B"]);
    assert!(codes(sql, &[]).await.is_empty());
    let sql = "SELECT code FROM delegations WHERE code NOT IN ";
    assert_eq!(codes(sql, &["E", "A", "C"]).await, ["B", "D"]);
    assert_eq!(
        codes(sql, &["A", "B", "C", "D", "Z"]).await,
        ["E"],
        "five values bound as eight"
    );
}

#[tokio::test]
async fn unique_violations_are_recognised_and_roll_back() {
    let t = TestDb::new().await;
    sqlx::query("INSERT INTO delegations (code, name) VALUES ('DR-A', 'A')")
        .execute(t.db.pool())
        .await
        .unwrap();
    let mut tx = t.db.begin().await.unwrap();
    sqlx::query("INSERT INTO delegations (code, name) VALUES ('DR-B', 'B')")
        .execute(&mut *tx)
        .await
        .unwrap();
    let err = sqlx::query("INSERT INTO delegations (code, name) VALUES ('DR-A', 'again')")
        .execute(&mut *tx)
        .await
        .unwrap_err();
    assert!(is_unique_violation(&err));
    let mapped = Err::<(), _>(err)
        .on_unique("code", "error-code-taken")
        .unwrap_err();
    assert!(matches!(
        mapped,
        relais_core::Error::Conflict { field: "code", .. }
    ));
    tx.rollback().await.unwrap();
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM delegations")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    assert_eq!(n, 1, "the rolled-back insert left nothing");
}

#[tokio::test]
async fn foreign_keys_are_enforced() {
    let t = TestDb::new().await;
    let err = sqlx::query(
        "INSERT INTO units (code, name, delegation_id, search_key) VALUES ('U1', 'U', 999, 'u')",
    )
    .execute(t.db.pool())
    .await
    .unwrap_err();
    assert!(
        err.as_database_error()
            .is_some_and(|d| d.is_foreign_key_violation())
    );
}

#[tokio::test]
async fn audit_chain_verifies_and_detects_tampering() {
    let t = TestDb::new().await;
    assert_eq!(
        audit::verify(&t.db).await.unwrap(),
        Verdict::Intact { entries: 0 }
    );
    for i in 0..5 {
        let mut tx = t.db.begin().await.unwrap();
        audit::record(
            &mut tx,
            Timestamp(1_000 + i),
            Actor::person(PersonId(7)),
            "person.update",
            &format!("person:{i}"),
            serde_json::json!({ "field": "email", "n": i }),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    assert_eq!(
        audit::verify(&t.db).await.unwrap(),
        Verdict::Intact { entries: 5 }
    );

    let (third,): (i64,) = sqlx::query_as("SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 2")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET target = 'person:99' WHERE id = $1")
        .bind(third)
        .execute(t.db.pool())
        .await
        .unwrap();
    assert!(matches!(
        audit::verify(&t.db).await.unwrap(),
        Verdict::BrokenAt { id, .. } if id == third
    ));
}

#[tokio::test]
async fn concurrent_audit_writers_keep_one_chain() {
    let t = TestDb::new().await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let db = t.db.clone();
        tasks.push(tokio::spawn(async move {
            for j in 0..10 {
                relais_testkit::audited_change(&db, Timestamp(i * 100 + j)).await;
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(
        audit::verify(&t.db).await.unwrap(),
        Verdict::Intact { entries: 80 }
    );
    let _ = DbResultExt::db(Ok::<(), sqlx::Error>(()));
}

/// SQLite: committed pages reach the database file without a commit having
/// to copy them there (the writer's commits would wait for it); a passive
/// checkpoint from a reader connection does it in the background.
#[tokio::test]
async fn sqlite_copies_the_wal_into_the_file_in_the_background() {
    let t = TestDb::new().await;
    let Some(path) = t.url.sqlite_path() else {
        return; // PostgreSQL has no WAL file of ours to look at
    };
    let (pages,): (i64,) = sqlx::query_as("PRAGMA wal_autocheckpoint")
        .fetch_one(t.db.writer())
        .await
        .unwrap();
    assert_eq!(
        pages, 16000,
        "the writer checkpoints only past 64 MiB of WAL"
    );
    sqlx::query("CREATE TABLE checkpoint_probe (v TEXT)")
        .execute(t.db.writer())
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let before = std::fs::metadata(&path).unwrap().len();
    // About 50 pages: far below the writer's threshold, so only the
    // background checkpoint can bring them into the file.
    sqlx::query("INSERT INTO checkpoint_probe (v) VALUES ($1)")
        .bind("x".repeat(200_000))
        .execute(t.db.writer())
        .await
        .unwrap();
    let mut after = before;
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        after = std::fs::metadata(&path).unwrap().len();
        if after >= before + 150_000 {
            break;
        }
    }
    assert!(
        after >= before + 150_000,
        "the database file grew from {before} to {after} bytes only"
    );
}

/// PostgreSQL: a connection cut while it sat idle in the pool (a server
/// restarted, a firewall's timeout) is found dead when it is next handed
/// out, and replaced, so the statement still runs. (A connection used less
/// than a second ago is handed out without that check; see `postgres_pool`.)
#[tokio::test]
async fn postgres_replaces_a_connection_cut_while_idle() {
    let t = TestDb::new().await;
    if t.db.backend() != relais_db::Backend::Postgres {
        return; // a SQLite connection is a file, nothing cuts it
    }
    let pool = t.db.pool();
    // Every connection the pool holds, with its server process.
    let mut held = Vec::new();
    while held.len() < pool.size() as usize {
        held.push(pool.acquire().await.unwrap());
    }
    let mut pids = Vec::new();
    for conn in &mut held {
        let (pid,): (i32,) = sqlx::query_as("SELECT pg_backend_pid()")
            .fetch_one(&mut **conn)
            .await
            .unwrap();
        pids.push(pid);
    }
    drop(held);
    // Back in the pool (it checks each one as it comes back).
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    // Cut them from another connection, as a restart would.
    let other = relais_db::Db::connect(&t.url).await.unwrap();
    for pid in &pids {
        let (cut,): (bool,) = sqlx::query_as("SELECT pg_terminate_backend($1)")
            .bind(*pid)
            .fetch_one(other.pool())
            .await
            .unwrap();
        assert!(cut, "server process {pid} ended");
    }
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    // As many statements at once as there were connections: each cut one
    // is handed out to one of them, unless it is found dead and replaced.
    let mut held = Vec::new();
    for _ in &pids {
        held.push(pool.acquire().await.unwrap());
    }
    for conn in &mut held {
        let (pid,): (i32,) = sqlx::query_as("SELECT pg_backend_pid()")
            .fetch_one(&mut **conn)
            .await
            .expect("a dead connection is replaced, not handed out");
        assert!(!pids.contains(&pid));
    }
}

/// PostgreSQL: the audit log's head, all that a page kept in memory reads,
/// is read on connections of its own, so it does not wait for one of the
/// pool's while every one of them is running other statements; and it sees
/// what those connections commit.
#[tokio::test]
async fn postgres_reads_the_head_while_every_pool_connection_is_taken() {
    let t = TestDb::new().await;
    if t.db.backend() != relais_db::Backend::Postgres {
        return; // SQLite reads the head from its pool of readers
    }
    let pool = t.db.pool();
    let mut held = Vec::new();
    while held.len() < pool.options().get_max_connections() as usize {
        held.push(pool.acquire().await.unwrap());
    }
    let read_head = || async {
        tokio::time::timeout(std::time::Duration::from_secs(5), audit::head(&t.db))
            .await
            .expect("the head is read without a connection from the pool")
            .unwrap()
    };
    let before = read_head().await;
    // One connection of the pool, let go, writes an audited change.
    held.pop();
    relais_testkit::audited_change(&t.db, Timestamp(1_000)).await;
    held.push(pool.acquire().await.unwrap());
    assert!(read_head().await > before, "the head moved with the change");
}
