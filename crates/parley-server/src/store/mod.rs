//! The store: every SQL statement of the server, one module per table family.
//!
//! SQLite is the default, PostgreSQL when `DATABASE_URL` says so. One set of queries
//! serves both through sqlx's `Any` driver; queries use `$1`-style placeholders, which
//! both accept, and plain column types (TEXT, BIGINT; times as Unix milliseconds,
//! flags as 0/1). Each engine has its own migration folder because their DDL differs.
//!
//! How a function is called says where its transaction is:
//! - `ex: impl Executor` — one statement; pass `db.pool()` for a statement of its own,
//!   or `&mut *tx` to run it inside the caller's transaction.
//! - `tx: &mut Tx` — several statements that must be atomic with the caller's other
//!   work; the caller began the transaction and commits it.
//! - `db: &Db` — the function owns its transaction(s) (for instance a retry loop on a
//!   unique-index conflict) and commits before it returns.
//!
//! The one-connection rule: on SQLite the pool has a single connection (see
//! [`Db::connect`]), so code that holds a transaction must never await another pooled
//! statement until it commits or rolls back — it would wait for itself forever. Every
//! function that takes `&mut Tx` therefore runs all its statements on that `tx`.
//!
//! Nothing outside this module names `sqlx` except `notify` (the `LISTEN` connection)
//! and `error` (the conversion into a 500); `cargo xtask test` checks that no route
//! does.

pub mod browsing;
pub mod conversations;
pub mod evaluations;
pub mod files;
pub mod messages;
pub mod page_tokens;
pub mod reports;
pub mod sessions;
pub mod settings;
pub mod staff;
pub mod tickets;
pub mod traces;
pub mod visitors;
pub mod ws_tickets;

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

/// An error from the store. Handlers turn it into a 500 that carries no detail.
pub type Error = sqlx::Error;
/// The result of a store function.
pub type Result<T> = std::result::Result<T, Error>;
/// A transaction on the store, begun with [`Db::begin`].
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Which database engine is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A connection pool to the store. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    engine: Engine,
    /// SQLite's background checkpoints, stopped when the last clone of the store is
    /// dropped.
    _checkpoints: Option<Arc<AbortOnDrop>>,
}

/// Aborts a background task when dropped.
#[derive(Debug)]
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// How often the background checkpoint runs on SQLite.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(200);

/// Copies SQLite's WAL back into the database file every [`CHECKPOINT_EVERY`] on a
/// connection of its own, so that the committer's commits do not pay for it. A
/// `PASSIVE` checkpoint takes no lock a writer waits for: it copies the frames no
/// reader still needs while commits go on appending. With `synchronous=FULL` it syncs
/// the WAL before copying and the database after, so nothing acknowledged is at risk.
/// A failure is logged and retried at the next tick; the automatic checkpoint remains
/// the backstop.
async fn checkpoint_in_background(url: String) {
    use sqlx::Connection;
    let mut conn = match sqlx::AnyConnection::connect(&url).await {
        Ok(conn) => conn,
        Err(e) => {
            tracing::warn!(error = %e, "no background checkpoints: cannot open a connection");
            return;
        }
    };
    if let Err(e) = conn.execute("PRAGMA synchronous=FULL;").await {
        tracing::warn!(error = %e, "background checkpoints: PRAGMA failed");
    }
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = conn.execute("PRAGMA wal_checkpoint(PASSIVE);").await {
            tracing::warn!(error = %e, "background checkpoint failed");
        }
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Db {
    /// Opens the store at `url` and applies pending migrations. A SQLite file (and its
    /// folder) is created when missing and runs in WAL mode.
    pub async fn connect(url: &str) -> Result<Db> {
        install_default_drivers();
        let engine = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Engine::Postgres
        } else if url.starts_with("sqlite:") {
            Engine::Sqlite
        } else {
            return Err(sqlx::Error::Configuration(
                format!("DATABASE_URL must start with sqlite: or postgres:, got {url:?}").into(),
            ));
        };
        let mut url = url.to_owned();
        if engine == Engine::Sqlite {
            let path = url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            let path = path.split('?').next().unwrap_or_default();
            if let Some(dir) = std::path::Path::new(path).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir)?;
                }
            }
            if !url.contains("mode=") {
                url.push_str(if url.contains('?') {
                    "&mode=rwc"
                } else {
                    "?mode=rwc"
                });
            }
        }
        // SQLite has one writer at a time. With several pooled connections, writers wait
        // in SQLite's busy handler, which sleeps in growing steps (up to 100 ms); one
        // connection queues them in-process instead: `cargo xtask bench server` measured
        // 1,003 -> 1,505 messages/s and p50 943 -> 654 ms at 500 active sockets. Reads are
        // short, so serialising them costs little. The rule that follows is in the module
        // documentation: never await a second pooled statement while holding one.
        // `synchronous=FULL`: a commit is on disk before it is acknowledged, so a
        // message the client saw acknowledged survives a power cut (NORMAL in WAL mode
        // may lose the last commits).
        // Checkpoints: SQLite's automatic checkpoint copies the WAL back into the
        // database, with two more `fsync`s, inside the commit that passes the mark, on
        // the committer's path. At the default 1,000 pages a flat-out group of ~70
        // messages (~170 WAL frames, one per page it dirtied) paid for one every sixth
        // commit. So a connection of its own copies the WAL back in the background
        // ([`checkpoint_in_background`]), and the automatic one, at
        // `wal_autocheckpoint=10000` (~40 MiB), is only a backstop: when it runs, the
        // background has copied nearly all frames already, so it costs the committer
        // little, and the WAL is then reused from its start (docs/performance.md,
        // session 10).
        let pool = AnyPoolOptions::new()
            .max_connections(if engine == Engine::Sqlite { 1 } else { 16 })
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        conn.execute(
                            "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000; \
                             PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; \
                             PRAGMA wal_autocheckpoint=10000;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        match engine {
            Engine::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&pool).await?,
            Engine::Postgres => sqlx::migrate!("./migrations/postgres").run(&pool).await?,
        }
        let checkpoints = match engine {
            Engine::Sqlite => Some(Arc::new(AbortOnDrop(
                tokio::spawn(checkpoint_in_background(url)).abort_handle(),
            ))),
            Engine::Postgres => None,
        };
        Ok(Db {
            pool,
            engine,
            _checkpoints: checkpoints,
        })
    }

    /// Which engine this is.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The pool, to pass as the executor of a single statement (see the module
    /// documentation), and for tests that inspect tables directly.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a transaction. On SQLite this holds the only connection until it ends.
    pub async fn begin(&self) -> Result<Tx> {
        self.pool.begin().await
    }

    /// Serializes routing for one tenant until `tx` ends: a PostgreSQL advisory
    /// transaction lock, the same key on every instance. On SQLite the single pooled
    /// connection already serializes transactions, so there is nothing to take.
    pub async fn lock_tenant(&self, tx: &mut Tx, sysnum: &str) -> Result<()> {
        if self.engine == Engine::Postgres {
            // Selecting from the subquery keeps the `void` result away from the Any driver.
            sqlx::query("SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock($1)) AS l")
                .bind(tenant_lock_key(sysnum))
                .fetch_one(&mut **tx)
                .await?;
        }
        Ok(())
    }
}

/// SQL text built at run time for a statement whose number of parameters varies (the
/// group commit's), written with each engine's cheapest placeholders: `$1, $2, …` on
/// PostgreSQL, which requires them, and anonymous `?` on SQLite. SQLite keeps numbered
/// and named parameters in a list it searches linearly, both when it parses one and
/// when sqlx asks each parameter's name to bind it, so a statement's cost grows with
/// the square of its parameters: a 256-row insert (3,328 parameters) spent more time
/// there than in storing the rows (`perf` in docs/performance.md, session 8). Values
/// are bound in the order [`Sql::param`] wrote their placeholders.
pub(crate) struct Sql {
    text: String,
    engine: Engine,
    params: usize,
}

impl Sql {
    /// Starts a statement with `text`.
    pub(crate) fn new(engine: Engine, text: &str) -> Sql {
        let mut s = String::with_capacity(256);
        s.push_str(text);
        Sql {
            text: s,
            engine,
            params: 0,
        }
    }

    /// Appends SQL text.
    pub(crate) fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    /// Appends the next parameter's placeholder.
    pub(crate) fn param(&mut self) -> &mut Sql {
        self.params += 1;
        match self.engine {
            Engine::Sqlite => self.text.push('?'),
            Engine::Postgres => {
                use std::fmt::Write;
                let _ = write!(self.text, "${}", self.params);
            }
        }
        self
    }

    /// Appends `n` placeholders separated by commas.
    pub(crate) fn params(&mut self, n: usize) -> &mut Sql {
        for i in 0..n {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.param();
        }
        self
    }

    /// The statement's text.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }
}

/// The number of entries a run-time statement is written for when it has `n`: the next
/// power of two up to [`BUCKETS_UP_TO`] (past that, `n` itself). Each connection caches
/// the statements it prepared (sqlx keeps 100 per connection) by their text, so a
/// group commit whose statements took every size from 1 to 256 prepared most of them
/// afresh (parsing a 256-row insert is most of its cost on SQLite); written for
/// buckets, each kind of statement has at most nine texts. The caller pads its entries
/// to the bucket with repeats that change nothing (a repeated id in an `IN` list, a
/// repeated `OR` term or `CASE` arm) or rows a `WHERE` leaves out.
pub(crate) fn bucket(n: usize) -> usize {
    if n <= BUCKETS_UP_TO {
        n.next_power_of_two()
    } else {
        n
    }
}

/// The largest bucketed size (see [`bucket`]): a committer group's.
pub(crate) const BUCKETS_UP_TO: usize = 256;

/// A stable 64-bit key for a tenant's advisory lock (FNV-1a: the same on every instance
/// and every build, unlike the standard library's hasher, which is seeded per process).
fn tenant_lock_key(sysnum: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in b"parley-routing:".iter().chain(sysnum.as_bytes()) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h as i64
}

/// Whether `e` is a unique-constraint violation (SQLite or PostgreSQL).
pub fn is_unique_violation(e: &Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            matches!(d.kind(), sqlx::error::ErrorKind::UniqueViolation)
                || d.message().contains("UNIQUE")
                || d.code().as_deref() == Some("23505")
        }
        _ => false,
    }
}

/// Whether the store answers a trivial query (readiness).
pub async fn ping(db: &Db) -> Result<()> {
    sqlx::query("SELECT 1").execute(&db.pool).await?;
    Ok(())
}

/// Sends every payload of `payloads` on a PostgreSQL notification channel (see
/// `crate::notify`), in order, in one statement: one round trip and one commit for a
/// burst of notes instead of one each. (PostgreSQL delivers two identical payloads of
/// one transaction once; every note carries its own ids, so only true repeats merge.)
/// The count around the calls keeps their `void` results away from the Any driver; a
/// subquery's volatile outputs are computed even when the outer query does not read
/// them.
pub async fn notify(db: &Db, channel: &str, payloads: &[String]) -> Result<()> {
    if payloads.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new(db.engine, "SELECT COUNT(*) AS sent FROM (SELECT pg_notify(");
    sql.param().push(", v.p) FROM (VALUES ");
    for i in 0..payloads.len() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push("(").param().push(")");
    }
    sql.push(") AS v(p)) AS n");
    let mut q = sqlx::query(sql.text()).bind(channel);
    for p in payloads {
        q = q.bind(p.as_str());
    }
    q.fetch_one(&db.pool).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sqlite_commits_reach_the_disk_before_they_are_acknowledged() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}/t.db", dir.path().display()))
            .await
            .unwrap();
        let (mode,): (i64,) = sqlx::query_as("PRAGMA synchronous")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(mode, 2, "synchronous=FULL");
    }

    /// Commits go to the WAL; the background checkpoint copies them into the database
    /// file long before the automatic one (at 10,000 WAL pages) would, so the file
    /// holds them within a few ticks while the WAL stays small.
    #[tokio::test]
    async fn sqlite_copies_the_wal_back_in_the_background() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.db");
        let db = Db::connect(&format!("sqlite://{}", file.display()))
            .await
            .unwrap();
        // Let the checkpoint of the migrations pass, then measure from there.
        tokio::time::sleep(CHECKPOINT_EVERY * 3).await;
        let before = std::fs::metadata(&file).unwrap().len();
        db.pool()
            .execute("CREATE TABLE filler (body TEXT NOT NULL)")
            .await
            .unwrap();
        // About 1 MB in 200 commits: ~250 pages, far below the automatic checkpoint.
        let body = "x".repeat(5_000);
        for _ in 0..200 {
            sqlx::query("INSERT INTO filler (body) VALUES ($1)")
                .bind(&body)
                .execute(db.pool())
                .await
                .unwrap();
        }
        let deadline = std::time::Instant::now() + CHECKPOINT_EVERY * 15;
        loop {
            let now = std::fs::metadata(&file).unwrap().len();
            if now >= before + 1_000_000 {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the database file grew {before} -> {now} B: the WAL was not copied back"
            );
            tokio::time::sleep(CHECKPOINT_EVERY / 2).await;
        }
    }

    #[test]
    fn tenant_lock_keys_are_pinned() {
        // Instances of different builds must agree on the key, so it is pinned: changing
        // the hash would let an old and a new instance route the same tenant at once.
        assert_eq!(tenant_lock_key("demo"), KEY_DEMO);
        assert_ne!(tenant_lock_key("demo"), tenant_lock_key("ABC"));
    }

    #[test]
    fn run_time_statements_number_their_parameters_per_engine() {
        let mut pg = Sql::new(Engine::Postgres, "SELECT 1 WHERE a IN (");
        pg.params(3).push(") AND b = ").param();
        assert_eq!(pg.text(), "SELECT 1 WHERE a IN ($1, $2, $3) AND b = $4");
        let mut lite = Sql::new(Engine::Sqlite, "SELECT 1 WHERE a IN (");
        lite.params(3).push(") AND b = ").param();
        assert_eq!(lite.text(), "SELECT 1 WHERE a IN (?, ?, ?) AND b = ?");
    }

    #[test]
    fn run_time_statements_come_in_few_sizes() {
        let sizes: std::collections::BTreeSet<usize> = (1..=BUCKETS_UP_TO).map(bucket).collect();
        assert_eq!(sizes.len(), 9, "{sizes:?}");
        for n in 1..=BUCKETS_UP_TO {
            assert!(bucket(n) >= n && bucket(n) < 2 * n, "{n}");
        }
        assert_eq!(bucket(1000), 1000);
    }

    /// FNV-1a 64 of `parley-routing:demo`, computed independently.
    const KEY_DEMO: i64 = 9_131_751_997_957_314_670;
}
