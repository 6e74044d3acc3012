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
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 16 })
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

    /// The visitor of `sysnum` known by `partnerid`, else by the anonymous id the client
    /// kept, else a new one. Returns the visitor id.
    pub async fn find_or_create_visitor(
        &self,
        sysnum: &str,
        partnerid: Option<&str>,
        anonymous_id: Option<&str>,
    ) -> Result<String, sqlx::Error> {
        let now = now_ms();
        let existing: Option<(String,)> =
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
        if let Some((id,)) = existing {
            sqlx::query("UPDATE visitors SET last_seen = $1 WHERE id = $2")
                .bind(now)
                .bind(&id)
                .execute(&self.pool)
                .await?;
            return Ok(id);
        }
        let id = uuid::Uuid::new_v4().simple().to_string();
        sqlx::query(
            "INSERT INTO visitors (id, sysnum, partnerid, created_at, last_seen) \
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(&id)
        .bind(sysnum)
        .bind(partnerid)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(id)
    }
}
