//! Starting a fresh server per test, on a fresh database.
//!
//! SQLite tests get a new file in a temporary folder. PostgreSQL tests need
//! `PARLEY_TEST_PG_URL` (an admin URL of a running server; `cargo xtask test` starts a
//! throwaway cluster and sets it) and get a new database each.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use parley_server::{app, AppState, Config, Db};

/// Which store a test runs against.
#[derive(Debug, Clone, Copy)]
pub enum Store {
    Sqlite,
    Postgres,
}

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    pub addr: SocketAddr,
    pub http: reqwest::Client,
    /// Kept so the SQLite file outlives the test's requests.
    _dir: tempfile::TempDir,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// POSTs JSON and returns the status and the JSON body.
    pub async fn post_json(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> (reqwest::StatusCode, serde_json::Value) {
        let response = self
            .http
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request");
        let status = response.status();
        let json = response.json().await.unwrap_or(serde_json::Value::Null);
        (status, json)
    }
}

/// The shipped demo configuration: tests exercise what users run.
pub fn demo_config() -> Config {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../config/demo.toml");
    Config::load(&path).expect("demo config loads")
}

/// A database URL for a fresh, empty store.
async fn fresh_database(store: Store, dir: &tempfile::TempDir) -> String {
    match store {
        Store::Sqlite => format!("sqlite://{}", dir.path().join("parley.db").display()),
        Store::Postgres => {
            let admin = std::env::var("PARLEY_TEST_PG_URL").expect(
                "PARLEY_TEST_PG_URL is not set: run the suite with `cargo xtask test`, which \
                 starts a throwaway PostgreSQL, or point it at one",
            );
            let name = format!("parley_test_{}", uuid_like());
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .expect("connect to PG");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create test database");
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            format!("{base}/{name}")
        }
    }
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{}_{}_{}",
        std::process::id(),
        nanos,
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Starts the real app on 127.0.0.1 with a free port.
pub async fn spawn_app(store: Store) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = fresh_database(store, &dir).await;
    let db = Db::connect(&url).await.expect("open store");
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).expect("dist dir");
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>client</title>",
    )
    .expect("index");
    let state = AppState {
        config: Arc::new(demo_config()),
        db,
        dist: Arc::new(dist),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        axum::serve(listener, app(state)).await.expect("serve");
    });
    TestApp {
        addr,
        http: reqwest::Client::new(),
        _dir: dir,
    }
}

/// Declares one test per store from an `async fn(Store)`.
#[macro_export]
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $name() { super::$name($crate::helpers::Store::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test] async fn $name() { super::$name($crate::helpers::Store::Postgres).await })*
        }
    };
}
