//! Starting a fresh server per test, on a fresh database.
//!
//! SQLite tests get a new file in a temporary folder. PostgreSQL tests need
//! `PARLEY_TEST_PG_URL` (an admin URL of a running server; `cargo xtask test` starts a
//! throwaway cluster and sets it) and get a new database each.

use std::net::SocketAddr;
use std::path::PathBuf;

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
    /// The in-process server's state, for driving its background jobs (idle sweep);
    /// `None` for a server started elsewhere.
    pub state: Option<parley_server::AppState>,
    /// Kept so the SQLite file outlives the test's requests.
    _dir: tempfile::TempDir,
}

impl TestApp {
    /// A client of a server started elsewhere (the real binary).
    pub fn external(addr: SocketAddr, _dir: &tempfile::TempDir) -> TestApp {
        TestApp {
            addr,
            http: reqwest::Client::new(),
            state: None,
            _dir: tempfile::tempdir().expect("temp dir"),
        }
    }

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

/// The avatar the demo agent alice has in these tests (the shipped demo gives agents
/// none, so that it loads nothing from outside).
pub const ALICE_AVATAR: &str = "https://img.example/alice.png";

/// The shipped demo configuration plus the test tenants of `test-tenants.toml` (the
/// spec's "ABC" example tenant requiring tokens, and "SIGNED" requiring sign): tests
/// exercise what users run. Alice also has [`ALICE_AVATAR`].
pub fn demo_config() -> Config {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let demo = std::fs::read_to_string(dir.join("../../config/demo.toml")).expect("demo");
    let extra = std::fs::read_to_string(dir.join("tests/api/test-tenants.toml")).expect("test");
    let mut config = Config::parse_at(&format!("{demo}\n{extra}"), &dir.join("../../config"))
        .expect("test config parses");
    for tenant in config.tenants.iter_mut().filter(|t| t.sysnum == "demo") {
        for agent in tenant.agents.iter_mut().filter(|a| a.id == "alice") {
            agent.avatar = Some(ALICE_AVATAR.to_owned());
        }
    }
    config
}

/// A database URL for a fresh, empty store.
pub async fn fresh_database(store: Store, dir: &tempfile::TempDir) -> String {
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
    spawn_app_with(store, |_| {}).await
}

/// [`spawn_app`] with the test configuration changed by `tweak` first (a tenant's
/// limits, say).
pub async fn spawn_app_with(store: Store, tweak: impl FnOnce(&mut Config)) -> TestApp {
    spawn_app_tuned(store, tweak, |_| {}).await
}

/// [`spawn_app_with`] that also changes the server's state (a timeout, say) before it
/// serves.
pub async fn spawn_app_tuned(
    store: Store,
    tweak: impl FnOnce(&mut Config),
    tune: impl FnOnce(&mut AppState),
) -> TestApp {
    let mut config = demo_config();
    tweak(&mut config);
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
    let mut state = AppState::new(config, db, dist);
    tune(&mut state);
    serve(state, dir).await
}

/// Serves `state` on a free loopback port.
async fn serve(state: AppState, dir: tempfile::TempDir) -> TestApp {
    let kept = state.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, service).await.expect("serve");
    });
    TestApp {
        addr,
        http: reqwest::Client::new(),
        state: Some(kept),
        _dir: dir,
    }
}

impl TestApp {
    /// A second server on this one's store, with the test configuration changed by
    /// `tweak` (what another instance, or this one after a configuration change, is).
    pub async fn sibling(&self, tweak: impl FnOnce(&mut Config)) -> TestApp {
        let mine = self.state.as_ref().expect("an in-process app");
        let mut config = demo_config();
        tweak(&mut config);
        let dir = tempfile::tempdir().expect("temp dir");
        let state = AppState::new(config, mine.db.clone(), mine.dist.as_ref().clone());
        serve(state, dir).await
    }
}

/// A WebSocket client.
pub type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

impl TestApp {
    /// Sends a request with a bearer token; returns status and JSON.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<&serde_json::Value>,
    ) -> (reqwest::StatusCode, serde_json::Value) {
        let mut r = self.http.request(method, self.url(path)).bearer_auth(token);
        if let Some(b) = body {
            r = r.json(b);
        }
        let response = r.send().await.expect("request");
        let status = response.status();
        (
            status,
            response.json().await.unwrap_or(serde_json::Value::Null),
        )
    }

    /// An agent (by token) accepts conversation `conv`; returns status and JSON.
    pub async fn accept(
        &self,
        conv: &str,
        agent_token: &str,
    ) -> (reqwest::StatusCode, serde_json::Value) {
        let path = format!("/api/agent/conversations/{conv}/accept");
        self.call(reqwest::Method::POST, &path, agent_token, None)
            .await
    }

    /// Inits a visitor with `query`; panics unless 200.
    pub async fn init(&self, query: &str) -> serde_json::Value {
        let (status, body) = self
            .post_json("/api/chat/init", &serde_json::json!({ "query": query }))
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// Logs an agent of the demo tenant in; returns the token.
    pub async fn agent_login(&self, name: &str) -> String {
        self.agent_login_at("demo", name, &format!("{name}-demo"))
            .await
    }

    /// Logs an agent of any tenant in; returns the token.
    pub async fn agent_login_at(&self, sysnum: &str, name: &str, password: &str) -> String {
        let (status, body) = self
            .post_json(
                "/api/agent/login",
                &serde_json::json!({"sysnum": sysnum, "username": name, "password": password}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body["token"].as_str().unwrap().to_owned()
    }

    /// Logs an agent in and sets them busy: signed in, taking no new chats, so visitors
    /// queue and the test accepts them by hand.
    pub async fn agent_busy(&self, name: &str) -> String {
        self.agent_busy_at("demo", name, &format!("{name}-demo"))
            .await
    }

    /// [`TestApp::agent_busy`] for an agent of any tenant.
    pub async fn agent_busy_at(&self, sysnum: &str, name: &str, password: &str) -> String {
        let token = self.agent_login_at(sysnum, name, password).await;
        let (status, body) = self
            .call(
                reqwest::Method::PUT,
                "/api/agent/status",
                &token,
                Some(&serde_json::json!({"status": "busy"})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        token
    }

    /// Opens a WebSocket at `path_and_query`.
    pub async fn ws(&self, path_and_query: &str) -> Ws {
        connect_ws(self.addr, path_and_query).await
    }
}

/// Opens a WebSocket to `addr`.
/// Opens a WebSocket at `path_and_query`. A `token=…` in it is traded for a one-time
/// ticket first (`POST /api/ws/ticket`), as clients do, so tests name the session they
/// mean and the URL carries only the ticket.
pub async fn connect_ws(addr: SocketAddr, path_and_query: &str) -> Ws {
    let path = with_ticket(addr, path_and_query).await;
    let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}{path}"))
        .await
        .expect("websocket connects");
    ws
}

/// `path_and_query` with its `token=…` replaced by a ticket bought with that token.
pub async fn with_ticket(addr: SocketAddr, path_and_query: &str) -> String {
    let Some((path, query)) = path_and_query.split_once('?') else {
        return path_and_query.to_owned();
    };
    let mut parts = Vec::new();
    for pair in query.split('&') {
        match pair.strip_prefix("token=") {
            Some(token) => {
                let answer: serde_json::Value = reqwest::Client::new()
                    .post(format!("http://{addr}/api/ws/ticket"))
                    .bearer_auth(token)
                    .send()
                    .await
                    .expect("ticket request")
                    .json()
                    .await
                    .expect("ticket answer");
                let ticket = answer["ticket"].as_str().expect("a ticket");
                parts.push(format!("ticket={ticket}"));
            }
            None => parts.push(pair.to_owned()),
        }
    }
    format!("{path}?{}", parts.join("&"))
}

/// The next JSON event, skipping pings; panics after 10 seconds.
pub async fn next_event(ws: &mut Ws) -> serde_json::Value {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    let deadline = std::time::Duration::from_secs(10);
    loop {
        let frame = tokio::time::timeout(deadline, ws.next())
            .await
            .expect("an event within 10 s")
            .expect("socket open")
            .expect("frame");
        if let Message::Text(t) = frame {
            return serde_json::from_str(&t).expect("json event");
        }
    }
}

/// The next event whose `type` is `kind`, skipping others.
pub async fn next_of(ws: &mut Ws, kind: &str) -> serde_json::Value {
    loop {
        let e = next_event(ws).await;
        if e["type"] == kind {
            return e;
        }
    }
}

/// Collects `message` events until one with `seq == up_to`; returns their seqs and texts.
pub async fn messages_until(ws: &mut Ws, up_to: i64) -> Vec<(i64, String)> {
    let mut out = Vec::new();
    loop {
        let e = next_of(ws, "message").await;
        let seq = e["message"]["seq"].as_i64().unwrap();
        out.push((seq, e["message"]["text"].as_str().unwrap().to_owned()));
        if seq >= up_to {
            return out;
        }
    }
}

/// Sends a client event.
pub async fn send_event(ws: &mut Ws, event: serde_json::Value) {
    use futures_util::SinkExt;
    ws.send(tokio_tungstenite::tungstenite::Message::Text(
        event.to_string().into(),
    ))
    .await
    .expect("send");
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

/// The `seq` of every message in a JSON array of messages, in order.
pub fn seqs(messages: &serde_json::Value) -> Vec<i64> {
    messages
        .as_array()
        .expect("an array of messages")
        .iter()
        .map(|m| m["seq"].as_i64().expect("a seq"))
        .collect()
}

/// The demo tenant's key in `config/demo.toml` (the spec's published example key).
pub const DEMO_KEY: &str = "258eec3118705112b2c53dc8043d4d34";

/// `query` (a demo tenant link with a `partnerid`) with the sign the site would add:
/// `sign = MD5(sysnum + key + partnerid)`. A signed partnerid is a verified identity
/// (one visitor on every device); an unsigned one is only a label.
pub fn signed(query: &str) -> String {
    let partnerid = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("partnerid="))
        .expect("a link with a partnerid");
    let sign = parley_protocol::digest::link_sign("demo", DEMO_KEY, partnerid);
    format!("{query}&sign={sign}")
}

impl TestApp {
    /// Makes the database the truth for this app's settings, as `parley-server` does at
    /// start: imports the test configuration and keeps the app's settings current.
    pub async fn store_settings(&self) {
        let state = self.state.as_ref().expect("an in-process app");
        let config = state.config.snapshot().config.clone();
        let generation = parley_server::live_config::import(&state.db, &config, "test")
            .await
            .expect("import the settings");
        state.config.adopt_generation(generation);
        tokio::spawn(parley_server::live_config::watch(
            std::sync::Arc::clone(&state.config),
            state.db.clone(),
            state.shutdown.clone(),
        ));
    }

    /// A second instance on this one's store whose settings are the stored ones, kept
    /// current like a real instance's (see [`TestApp::store_settings`]).
    pub async fn sibling_on_stored_settings(&self) -> TestApp {
        let mine = self.state.as_ref().expect("an in-process app");
        let (config, generation) = parley_server::live_config::load(&mine.db)
            .await
            .expect("read the settings")
            .expect("settings were stored");
        let dir = tempfile::tempdir().expect("temp dir");
        let state = AppState::new(config, mine.db.clone(), mine.dist.as_ref().clone());
        state.config.adopt_generation(generation);
        tokio::spawn(parley_server::live_config::watch(
            std::sync::Arc::clone(&state.config),
            state.db.clone(),
            state.shutdown.clone(),
        ));
        serve(state, dir).await
    }
}
