//! `relais-testkit`: what tests need to run against real parts. A fresh
//! database per test (a SQLite file in a temporary folder, or a PostgreSQL
//! schema when `RELAIS_TEST_DATABASE_URL` is set), a fake clock, and a real
//! SMTP listener on loopback that keeps what it receives.

mod smtp;

use relais_core::Timestamp;
use relais_db::audit::{self, Actor};
use relais_db::{DatabaseUrl, Db};

pub use relais_core::time::FakeClock;
pub use smtp::{ReceivedMail, SmtpSink};

/// Records one audited change, and nothing else, in its own transaction:
/// it moves the audit log's head, which kept pages and sessions watch.
pub async fn audited_change(db: &Db, at: Timestamp) {
    let mut tx = db.begin().await.expect("a transaction");
    audit::record(
        &mut tx,
        at,
        Actor::SYSTEM,
        "test.change",
        "test:1",
        serde_json::json!({}),
    )
    .await
    .expect("the change is audited");
    tx.commit().await.expect("the change commits");
}

/// A database that lives as long as the test.
pub struct TestDb {
    pub db: Db,
    pub url: DatabaseUrl,
    _dir: Option<tempfile::TempDir>,
    pg_schema: Option<(String, String)>,
}

impl TestDb {
    /// A migrated, empty database on the backend the environment asks for.
    pub async fn new() -> TestDb {
        let t = Self::empty().await;
        t.db.migrate().await.expect("migrations apply");
        t
    }

    /// An empty database without migrations.
    pub async fn empty() -> TestDb {
        match std::env::var("RELAIS_TEST_DATABASE_URL") {
            Ok(base) if !base.is_empty() => Self::postgres(base).await,
            _ => Self::sqlite().await,
        }
    }

    async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = DatabaseUrl::new(format!(
            "sqlite://{}",
            dir.path().join("relais.db").display()
        ));
        let db = Db::connect(&url).await.expect("SQLite opens");
        TestDb {
            db,
            url,
            _dir: Some(dir),
            pg_schema: None,
        }
    }

    async fn postgres(base: String) -> TestDb {
        let schema = format!("t_{}", unique_suffix());
        let admin = Db::connect(&DatabaseUrl::new(base.clone()))
            .await
            .expect("PostgreSQL answers");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(admin.pool())
            .await
            .expect("schema created");
        admin.close().await;
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = DatabaseUrl::new(format!("{base}{sep}options=-c%20search_path%3D{schema}"));
        let db = Db::connect(&url).await.expect("PostgreSQL opens");
        TestDb {
            db,
            url,
            _dir: None,
            pg_schema: Some((base, schema)),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, schema)) = self.pg_schema.take() {
            // Drop the schema from a thread of its own: Drop cannot await.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(rt) = rt {
                    rt.block_on(async {
                        if let Ok(admin) = Db::connect(&DatabaseUrl::new(base)).await {
                            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                                "DROP SCHEMA {schema} CASCADE"
                            )))
                            .execute(admin.pool())
                            .await;
                            admin.close().await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000,
        N.fetch_add(1, Ordering::SeqCst)
    )
}
