//! The store: SQLite by default, PostgreSQL when `DATABASE_URL` says so.
//!
//! One set of queries serves both through sqlx's `Any` driver; queries use `$1`-style
//! placeholders, which both SQLite and PostgreSQL accept, and plain column types
//! (TEXT, BIGINT; times as Unix milliseconds). Each backend has its own migration folder
//! because their DDL differs.

use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

/// Which database is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection pool to the store. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
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
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        install_default_drivers();
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(sqlx::Error::Configuration(
                format!("DATABASE_URL must start with sqlite: or postgres:, got {url:?}").into(),
            ));
        };
        let mut url = url.to_owned();
        if backend == Backend::Sqlite {
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
        // short, so serialising them costs little. Invariant that follows: code never
        // awaits a second pooled connection while holding one (it would wait forever).
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 1 } else { 16 })
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(
                            "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000; \
                             PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        match backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&pool).await?,
            Backend::Postgres => sqlx::migrate!("./migrations/postgres").run(&pool).await?,
        }
        Ok(Db { pool, backend })
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection pool, for the store modules ([`crate::chat`]).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The visitor of `sysnum` known by `partnerid`, else by the anonymous id the client
    /// kept, else a new one. Returns the visitor id.
    ///
    /// Two first inits of the same partnerid at once both try to insert; the unique
    /// index lets one win and the other reads the winner's row.
    pub async fn find_or_create_visitor(
        &self,
        sysnum: &str,
        partnerid: Option<&str>,
        anonymous_id: Option<&str>,
    ) -> Result<String, sqlx::Error> {
        for _ in 0..2 {
            if let Some(id) = self.find_visitor(sysnum, partnerid, anonymous_id).await? {
                sqlx::query("UPDATE visitors SET last_seen = $1 WHERE id = $2")
                    .bind(now_ms())
                    .bind(&id)
                    .execute(&self.pool)
                    .await?;
                return Ok(id);
            }
            let id = uuid::Uuid::new_v4().simple().to_string();
            let inserted = sqlx::query(
                "INSERT INTO visitors (id, sysnum, partnerid, created_at, last_seen) \
                 VALUES ($1, $2, $3, $4, $4)",
            )
            .bind(&id)
            .bind(sysnum)
            .bind(partnerid)
            .bind(now_ms())
            .execute(&self.pool)
            .await;
            match inserted {
                Ok(_) => return Ok(id),
                Err(e) if is_unique_violation(&e) && partnerid.is_some() => continue,
                Err(e) => return Err(e),
            }
        }
        Err(sqlx::Error::Protocol(
            "visitor insert kept conflicting".into(),
        ))
    }

    /// The visitor a link and a browser name, if there is one: by `partnerid` when the
    /// link has it, else by the anonymous id the browser kept.
    pub async fn find_visitor(
        &self,
        sysnum: &str,
        partnerid: Option<&str>,
        anonymous_id: Option<&str>,
    ) -> Result<Option<String>, sqlx::Error> {
        let row: Option<(String,)> =
            match (partnerid, anonymous_id) {
                (Some(p), _) => {
                    sqlx::query_as("SELECT id FROM visitors WHERE sysnum = $1 AND partnerid = $2")
                        .bind(sysnum)
                        .bind(p)
                        .fetch_optional(&self.pool)
                        .await?
                }
                (None, Some(a)) => sqlx::query_as(
                    "SELECT id FROM visitors WHERE sysnum = $1 AND id = $2 AND partnerid IS NULL",
                )
                .bind(sysnum)
                .bind(a)
                .fetch_optional(&self.pool)
                .await?,
                (None, None) => None,
            };
        Ok(row.map(|(id,)| id))
    }
}

/// Whether `e` is a unique-constraint violation (SQLite or PostgreSQL).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            matches!(d.kind(), sqlx::error::ErrorKind::UniqueViolation)
                || d.message().contains("UNIQUE")
                || d.code().as_deref() == Some("23505")
        }
        _ => false,
    }
}
