//! Running and keeping Relais: the server with its worker, the lone worker,
//! the heartbeat that tells `restore` a server is running, and SQLite
//! backup and restore.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use relais_core::{Clock, SystemClock};
use relais_db::{Backend, Db};
use relais_jobs::Worker;
use tokio::sync::watch;

use crate::config::Config;

/// A server or worker counts as running while its heartbeat is younger than this.
const HEARTBEAT_SECS: i64 = 10;
const ALIVE_SECS: i64 = 3 * HEARTBEAT_SECS;

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// Records this process in `instances` every few seconds until shutdown.
fn heartbeat(
    db: Db,
    kind: &'static str,
    mut stop: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let id = format!("{kind}-{}-{}", std::process::id(), SystemClock.now().0);
    tokio::spawn(async move {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "localhost".into());
        loop {
            let now = SystemClock.now().0;
            let res = sqlx::query(
                "INSERT INTO instances (id, kind, host, started_at, heartbeat_at) VALUES ($1, $2, $3, $4, $4)
                 ON CONFLICT (id) DO UPDATE SET heartbeat_at = $4",
            )
            .bind(&id)
            .bind(kind)
            .bind(&host)
            .bind(now)
            .execute(db.pool())
            .await;
            if let Err(e) = res {
                tracing::warn!(error = %e, "heartbeat failed");
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(HEARTBEAT_SECS as u64)) => {}
                _ = stop.changed() => break,
            }
        }
        let _ = sqlx::query("DELETE FROM instances WHERE id = $1")
            .bind(&id)
            .execute(db.pool())
            .await;
    })
}

/// Servers and workers whose heartbeat is recent.
pub async fn running_instances(db: &Db) -> anyhow::Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM instances WHERE heartbeat_at > $1")
        .bind(SystemClock.now().plus_secs(-ALIVE_SECS).0)
        .fetch_one(db.pool())
        .await?;
    Ok(n)
}

/// Serves HTTP with a job worker beside it, until SIGINT or SIGTERM.
pub async fn serve(cfg: &Config, db: Db, with_worker: bool) -> anyhow::Result<()> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let app = crate::app(db.clone(), clock.clone(), cfg.web());
    let listener = tokio::net::TcpListener::bind(cfg.listen)
        .await
        .with_context(|| format!("cannot listen on {}", cfg.listen))?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let beat = heartbeat(db.clone(), "serve", stop_rx.clone());
    let worker = with_worker.then(|| {
        let mailer = Arc::new(cfg.mailer().map_err(anyhow::Error::msg)?);
        anyhow::Ok(tokio::spawn(
            Worker::new(
                db.clone(),
                clock.clone(),
                crate::job_handlers(db.clone(), clock.clone(), &cfg.web(), mailer),
            )
            .run(stop_rx.clone()),
        ))
    });
    let worker = worker.transpose()?;
    tracing::info!(listen = %cfg.listen, public_url = %cfg.public_url, "relais is serving");
    // The connection's address, for limits per client (relais_web::client).
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    let _ = stop_tx.send(true);
    if let Some(w) = worker {
        let _ = w.await;
    }
    let _ = beat.await;
    db.close().await;
    Ok(())
}

/// Runs jobs only, until SIGINT or SIGTERM.
pub async fn worker(cfg: &Config, db: Db) -> anyhow::Result<()> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let mailer = Arc::new(cfg.mailer().map_err(anyhow::Error::msg)?);
    let (stop_tx, stop_rx) = watch::channel(false);
    let beat = heartbeat(db.clone(), "worker", stop_rx.clone());
    let task = tokio::spawn(
        Worker::new(
            db.clone(),
            clock.clone(),
            crate::job_handlers(db.clone(), clock.clone(), &cfg.web(), mailer),
        )
        .run(stop_rx),
    );
    shutdown_signal().await;
    let _ = stop_tx.send(true);
    let _ = task.await;
    let _ = beat.await;
    db.close().await;
    Ok(())
}

/// Writes a consistent copy of a SQLite database, even while it serves.
pub async fn backup(db: &Db, target: &Path) -> anyhow::Result<()> {
    if db.backend() != Backend::Sqlite {
        bail!(
            "relais backup copies SQLite databases; for PostgreSQL use pg_dump (see docs/operations.md)"
        );
    }
    if target.exists() {
        bail!(
            "{} already exists: choose a new file name",
            target.display()
        );
    }
    let path = target
        .to_str()
        .context("the backup path must be valid UTF-8")?;
    // VACUUM INTO takes a snapshot in one read transaction: writers may go on meanwhile.
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "VACUUM INTO '{}'",
        path.replace('\'', "''")
    )))
    .execute(db.pool())
    .await
    .context("backup failed")?;
    Ok(())
}

/// Puts a backup in place of the SQLite database, refusing while a server or worker runs on it.
pub async fn restore(cfg: &Config, source: &Path) -> anyhow::Result<()> {
    let Some(db_path) = cfg.database_url.sqlite_path() else {
        bail!(
            "relais restore replaces SQLite databases; for PostgreSQL use pg_restore (see docs/operations.md)"
        );
    };
    if !source.is_file() {
        bail!("{} is not a file", source.display());
    }
    // The backup must be a Relais database: first the SQLite header, then the migrations table.
    let mut magic = [0u8; 16];
    let read =
        std::fs::File::open(source).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic));
    if read.is_err() || &magic != b"SQLite format 3\0" {
        bail!("{} is not a SQLite database", source.display());
    }
    let check = Db::connect(&relais_db::DatabaseUrl::new(format!(
        "sqlite://{}?mode=ro",
        source.display()
    )))
    .await
    .context("the backup cannot be opened as SQLite")?;
    let ok: Result<(i64,), _> = sqlx::query_as("SELECT COUNT(*) FROM schema_migrations")
        .fetch_one(check.pool())
        .await;
    check.close().await;
    if ok.is_err() {
        bail!("{} is not a Relais database", source.display());
    }
    if Path::new(&db_path).exists() {
        let db = Db::connect(&cfg.database_url).await?;
        let running = running_instances(&db).await.unwrap_or(0);
        db.close().await;
        if running > 0 {
            bail!(
                "{running} Relais server(s) or worker(s) are running on {db_path}: stop them first"
            );
        }
    }
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{db_path}{suffix}"));
    }
    let tmp = format!("{db_path}.restoring");
    std::fs::copy(source, &tmp).with_context(|| format!("cannot copy {}", source.display()))?;
    std::fs::rename(&tmp, &db_path)?;
    Ok(())
}
