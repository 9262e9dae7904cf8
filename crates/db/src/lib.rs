//! `relais-db` owns the database handle. One code path serves SQLite (the
//! default, an embedded file) and PostgreSQL: queries are portable SQL with
//! `$1` placeholders run through sqlx's `Any` driver, and the few places where
//! the dialects differ are named functions in [`dialect`]. It also owns the one
//! migration history and the hash-chained audit log.
//!
//! Conventions: ids are `BIGINT`, instants are `BIGINT` UTC microseconds,
//! booleans are nullable instants (`revoked_at`), text is `TEXT`.

pub mod audit;
pub mod dialect;
mod error;
mod migrate;
pub mod sql;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor};

pub use error::{DbResultExt, is_unique_violation};
pub use migrate::MIGRATIONS;
pub use sql::SqlBuf;
pub use sqlx;

pub type Tx = sqlx::Transaction<'static, Any>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Ends a write transaction according to `result`: commit on success, an
/// explicit rollback on error. Never leave an error path to `Drop`: a dropped
/// transaction's rollback waits for the connection's next use, and until then
/// its row locks (a session's seats, say) stay held.
pub async fn finish<T>(tx: Tx, result: relais_core::Result<T>) -> relais_core::Result<T> {
    match result {
        Ok(v) => {
            tx.commit().await.map_err(relais_core::Error::internal)?;
            Ok(v)
        }
        Err(e) => {
            if let Err(rollback) = tx.rollback().await {
                tracing::error!(error = %rollback, "rollback failed");
            }
            Err(e)
        }
    }
}

/// A database URL, whose password is never printed.
#[derive(Clone)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> Self {
        DatabaseUrl(url.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn backend(&self) -> Option<Backend> {
        if self.0.starts_with("postgres://") || self.0.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else if self.0.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else {
            None
        }
    }

    /// The path of the SQLite file, if this is one.
    pub fn sqlite_path(&self) -> Option<String> {
        let rest = self
            .0
            .strip_prefix("sqlite://")
            .or_else(|| self.0.strip_prefix("sqlite:"))?;
        let path = rest.split('?').next().unwrap_or("");
        (!path.is_empty() && path != ":memory:").then(|| path.to_string())
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&redact_url(&self.0))
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&redact_url(&self.0))
    }
}

/// Replaces the password of `scheme://user:password@host` with `***`.
pub fn redact_url(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((creds, host)) = rest.split_once('@')
        && let Some((user, _)) = creds.split_once(':')
    {
        return format!("{scheme}://{user}:***@{host}");
    }
    url.to_string()
}

#[derive(Debug)]
pub enum ConnectError {
    UnknownScheme,
    Sqlx(sqlx::Error),
}

impl std::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnectError::UnknownScheme => {
                f.write_str("the database URL must start with sqlite:// or postgres://")
            }
            ConnectError::Sqlx(e) => write!(f, "cannot open the database: {e}"),
        }
    }
}

impl std::error::Error for ConnectError {}

/// The SQLite writer's settings beyond every connection's. Its commits no
/// longer copy the WAL back into the database file every 1,000 pages (a
/// commit that did took 15–20 ms, while every other writer waited):
/// [`checkpoint_in_background`] does it from a reader connection, beside the
/// writer. Past 16,000 pages (64 MiB) of WAL, which only happens when the
/// background checkpoints cannot keep up, the writer's commits checkpoint
/// again as before. The WAL file is cut back to 64 MiB when it restarts.
const WRITER_PRAGMAS: &str =
    "PRAGMA wal_autocheckpoint = 16000; PRAGMA journal_size_limit = 67108864;";

/// How often the background checkpoint runs.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// Copies committed pages from the WAL into the database file every
/// [`CHECKPOINT_EVERY`], from a reader connection: a passive checkpoint,
/// which never waits for the writer nor makes it wait. Stops when the pool
/// is closed.
async fn checkpoint_in_background(readers: AnyPool) {
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if readers.is_closed() {
            return;
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .fetch_all(&readers)
            .await
        {
            if readers.is_closed() {
                return;
            }
            tracing::warn!(error = %e, "background checkpoint failed");
        }
    }
}

/// Connections kept for reads of the audit log's head on PostgreSQL.
const HEAD_CONNECTIONS: u32 = 2;

/// A PostgreSQL connection used less than this long ago is handed out
/// without a ping: it answered a moment ago.
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(1);

/// A PostgreSQL pool of at most `max` connections, opened on the calling
/// runtime. sqlx pings every connection it hands out by default, a round
/// trip to the server before each statement outside a transaction; here
/// only a connection idle for [`PING_IF_IDLE_FOR`] or more is pinged (a
/// server restarted meanwhile, a connection cut by a firewall), so that
/// under load a statement costs one round trip.
async fn postgres_pool(options: AnyConnectOptions, max: u32) -> Result<AnyPool, ConnectError> {
    postgres_pool_options(max)
        .connect_with(options)
        .await
        .map_err(ConnectError::Sqlx)
}

/// [`postgres_pool`]'s settings, for a pool opened now or at first use.
fn postgres_pool_options(max: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(30))
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= PING_IF_IDLE_FOR {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
}

/// The handle every service takes: a pool and the backend behind it.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    /// SQLite only: the one connection write transactions take turns on.
    /// Writers then queue in the pool, first come first served, instead of
    /// sleeping and retrying in SQLite's busy handler.
    writer: Option<AnyPool>,
    /// PostgreSQL only: a few connections for reads of the audit log's
    /// head alone (see [`Db::heads`]).
    heads: Option<AnyPool>,
    backend: Backend,
    /// What it was opened with, for [`Db::on_this_runtime`].
    url: std::sync::Arc<DatabaseUrl>,
}

impl Db {
    /// Opens a pool. SQLite files are created when missing and run in WAL
    /// mode with foreign keys on and a busy timeout.
    pub async fn connect(url: &DatabaseUrl) -> Result<Db, ConnectError> {
        sqlx::any::install_default_drivers();
        let backend = url.backend().ok_or(ConnectError::UnknownScheme)?;
        let raw = match backend {
            Backend::Sqlite if !url.expose().contains("mode=") => {
                let sep = if url.expose().contains('?') { '&' } else { '?' };
                format!("{}{sep}mode=rwc", url.expose())
            }
            _ => url.expose().to_string(),
        };
        let options = AnyConnectOptions::from_str(&raw).map_err(ConnectError::Sqlx)?;
        let sqlite_pool = |max: u32, options: AnyConnectOptions, pragmas: &'static str| async move {
            AnyPoolOptions::new()
                .max_connections(max)
                .min_connections(1)
                .acquire_timeout(Duration::from_secs(30))
                // A connection to a local file does not go stale; the ping
                // sqlx sends by default is one more round trip to the
                // connection's thread at every checkout.
                .test_before_acquire(false)
                .after_connect(move |conn, _| {
                    Box::pin(async move {
                        conn.execute(
                            "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                             PRAGMA synchronous = NORMAL;",
                        )
                        .await?;
                        if !pragmas.is_empty() {
                            conn.execute(pragmas).await?;
                        }
                        Ok(())
                    })
                })
                .connect_with(options)
                .await
                .map_err(ConnectError::Sqlx)
        };
        let (pool, writer, heads) = match backend {
            Backend::Sqlite => {
                // WAL is a property of the file: set it once, before the pool.
                if !raw.contains("mode=ro") {
                    let pool = AnyPoolOptions::new()
                        .max_connections(1)
                        .connect_with(options.clone())
                        .await
                        .map_err(ConnectError::Sqlx)?;
                    sqlx::query("PRAGMA journal_mode = WAL")
                        .fetch_all(&pool)
                        .await
                        .map_err(ConnectError::Sqlx)?;
                    pool.close().await;
                }
                let writer = if raw.contains("mode=ro") {
                    None
                } else {
                    Some(sqlite_pool(1, options.clone(), WRITER_PRAGMAS).await?)
                };
                let readers = sqlite_pool(8, options, "").await?;
                if writer.is_some() {
                    tokio::spawn(checkpoint_in_background(readers.clone()));
                }
                (readers, writer, None)
            }
            Backend::Postgres => (
                postgres_pool(options.clone(), 16).await?,
                None,
                // Opened at first use: a command that reads no head (an
                // import, the mail gateway) does not open it.
                Some(postgres_pool_options(HEAD_CONNECTIONS).connect_lazy_with(options)),
            ),
        };
        Ok(Db {
            pool,
            writer,
            heads,
            backend,
            url: std::sync::Arc::new(DatabaseUrl::new(url.expose())),
        })
    }

    /// A handle for a task with a runtime (a thread) of its own. On
    /// PostgreSQL, a pool of its own of at most `max` connections, opened on
    /// the calling runtime: their sockets are then watched by that runtime,
    /// not by the busy one that opened this pool. On SQLite, this handle
    /// itself: the file has one writer, and its connections run on threads
    /// of their own anyway.
    pub async fn on_this_runtime(&self, max: u32) -> Result<Db, ConnectError> {
        match self.backend {
            Backend::Sqlite => Ok(self.clone()),
            Backend::Postgres => {
                let options =
                    AnyConnectOptions::from_str(self.url.expose()).map_err(ConnectError::Sqlx)?;
                Ok(Db {
                    pool: postgres_pool(options, max).await?,
                    writer: None,
                    heads: None,
                    backend: self.backend,
                    url: self.url.clone(),
                })
            }
        }
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Where the audit log's head is read: on PostgreSQL connections of
    /// their own, so that a page kept in the process, which needs only that
    /// read, does not queue for a connection behind the statements of pages
    /// that are not; elsewhere the pool.
    pub fn heads(&self) -> &AnyPool {
        self.heads.as_ref().unwrap_or(&self.pool)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Where a single write statement outside a transaction goes: on SQLite
    /// the writer connection (it waits its turn with the transactions rather
    /// than sleeping in the busy handler), on PostgreSQL any connection.
    pub fn writer(&self) -> &AnyPool {
        self.writer.as_ref().unwrap_or(&self.pool)
    }

    /// Starts a transaction that will write. On SQLite it runs on the one
    /// writer connection (writers queue for it in order) and takes the write
    /// lock at once (`BEGIN IMMEDIATE`), so that a reader never fails to
    /// upgrade. Never start a second one while holding the first: it would
    /// wait for the writer connection the first one holds.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => {
                self.writer
                    .as_ref()
                    .unwrap_or(&self.pool)
                    .begin_with("BEGIN IMMEDIATE")
                    .await
            }
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// Answers whether the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").fetch_one(&self.pool).await.is_ok()
    }

    /// Applies every migration not yet applied, in order, each in its own transaction.
    pub async fn migrate(&self) -> Result<Vec<&'static str>, sqlx::Error> {
        migrate::run(self, i64::MAX).await
    }

    /// [`Db::migrate`] up to migration `version` only: an older database,
    /// for tests of what a later migration does to existing rows.
    pub async fn migrate_until(&self, version: i64) -> Result<Vec<&'static str>, sqlx::Error> {
        migrate::run(self, version).await
    }

    pub async fn close(&self) {
        for p in self.writer.iter().chain(&self.heads) {
            p.close().await;
        }
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_hide_their_password() {
        let u = DatabaseUrl::new("postgres://relais:s3cret@db:5432/relais");
        assert_eq!(format!("{u:?}"), "postgres://relais:***@db:5432/relais");
        assert_eq!(u.backend(), Some(Backend::Postgres));
        assert_eq!(
            DatabaseUrl::new("sqlite://a.db").sqlite_path().as_deref(),
            Some("a.db")
        );
        assert_eq!(DatabaseUrl::new("mysql://x").backend(), None);
    }
}
