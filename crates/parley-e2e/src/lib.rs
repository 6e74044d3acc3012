//! The end-to-end harness: a real Parley server (in-process, on a free loopback port,
//! serving the release-built client from `PARLEY_DIST`) and a real headless Chromium
//! driven through chromedriver.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use parley_server::config::Tenant;
use parley_server::{app, AppState, Config, Db};

/// A change to the demo tenant for one server run (its `allowed_origins`, a backend
/// setting), applied to the in-memory copy only: `config/demo.toml` stays as shipped.
pub type TenantTweak = std::sync::Arc<dyn Fn(&mut Tenant) + Send + Sync>;

/// Where the release-built client is: `PARLEY_DIST`, else the workspace's `dist/`.
pub fn dist_dir() -> PathBuf {
    std::env::var_os("PARLEY_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../dist"))
}

/// A running server on a fresh SQLite file. It can be stopped and started again on the
/// same port and file ([`Server::stop`], [`Server::restart`]), as a real outage would.
pub struct Server {
    pub addr: SocketAddr,
    db_url: String,
    /// What this run changes in the demo tenant, and whether it runs with `--demo`.
    tweak: TenantTweak,
    demo: bool,
    running: Option<Running>,
    _dir: tempfile::TempDir,
}

/// One run of the server: its state (to begin shutdown), the signal that ends the
/// graceful shutdown and the task serving.
struct Running {
    state: AppState,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// Starts the real app with the shipped demo configuration (whose
    /// `allowed_origins = ["*"]` lets any site embed the chat).
    pub async fn start() -> Server {
        Server::start_configured(std::sync::Arc::new(|_| {}), false).await
    }

    /// Starts the real app with the shipped demo configuration, except that the demo
    /// tenant's `allowed_origins` is exactly `origins`, as a site owner lists their own
    /// sites.
    pub async fn start_embeddable_by(origins: &[String]) -> Server {
        let origins = origins.to_vec();
        Server::start_configured(
            std::sync::Arc::new(move |t: &mut Tenant| {
                t.security.allowed_origins = origins.clone();
            }),
            false,
        )
        .await
    }

    /// Starts the real app with the demo tenant changed by `tweak`; `demo` runs it as
    /// `cargo xtask serve` does (`--demo`: the demo shop page is served).
    pub async fn start_configured(tweak: TenantTweak, demo: bool) -> Server {
        let dist = dist_dir();
        assert!(
            dist.join("index.html").exists(),
            "{} has no index.html: build the client first (cargo xtask build-client)",
            dist.display()
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let db_url = format!("sqlite://{}", dir.path().join("e2e.db").display());
        let (addr, running) =
            launch("127.0.0.1:0".parse().expect("addr"), &db_url, &tweak, demo).await;
        Server {
            addr,
            db_url,
            tweak,
            demo,
            running: Some(running),
            _dir: dir,
        }
    }

    pub fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{path_and_query}", self.addr)
    }

    /// Stops serving: sockets are closed (as on SIGTERM) and the port is released.
    pub async fn stop(&mut self) {
        if let Some(r) = self.running.take() {
            r.state.begin_shutdown();
            let _ = r.stop.send(());
            if tokio::time::timeout(Duration::from_secs(10), r.task)
                .await
                .is_err()
            {
                panic!("the server did not shut down within 10 s");
            }
        }
    }

    /// Ends a session as its expiry would: the stored session goes, nothing else
    /// changes (the agent stays online with their conversations).
    pub async fn expire_session(&self, token: &str) {
        let state = &self.running.as_ref().expect("a running server").state;
        parley_server::store::sessions::delete(
            state.db.pool(),
            &parley_server::auth::token_digest(token),
        )
        .await
        .expect("delete the session");
    }

    /// Starts again on the same port and database file.
    pub async fn restart(&mut self) {
        self.stop().await;
        let (_, running) = launch(self.addr, &self.db_url, &self.tweak, self.demo).await;
        self.running = Some(running);
    }
}

/// The picture the demo agent alice has in these runs (the shipped demo gives agents
/// none). Nothing answers at that address here, so pages show her initial instead.
pub const ALICE_AVATAR: &str = "https://img.example/alice.png";

/// The built loader (`dist/sdk/`, minified by `cargo xtask build-client`), which the
/// server serves at `/chat/frame/v2/`: the tests run what sites get.
pub fn sdk_dir() -> PathBuf {
    let sdk = dist_dir().join("sdk");
    assert!(
        sdk.join("entrance.js").exists(),
        "{} has no entrance.js: build the client and the loader first (cargo xtask build-client)",
        sdk.display()
    );
    sdk
}

async fn launch(
    addr: SocketAddr,
    db_url: &str,
    tweak: &TenantTweak,
    demo: bool,
) -> (SocketAddr, Running) {
    let db = Db::connect(db_url).await.expect("open store");
    let config_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../config/demo.toml");
    let mut config = Config::load(&config_path).expect("demo config");
    for tenant in config.tenants.iter_mut().filter(|t| t.sysnum == "demo") {
        tweak(tenant);
        for agent in tenant.agents.iter_mut().filter(|a| a.id == "alice") {
            agent.avatar = Some(ALICE_AVATAR.to_owned());
        }
    }
    // As `parley-server` starts: the database's settings when it holds any (a restart
    // keeps what an admin changed), else the file's, imported; then kept current.
    let (config, generation) = match parley_server::live_config::load(&db)
        .await
        .expect("read the stored settings")
    {
        Some(stored) => stored,
        None => {
            let generation = parley_server::live_config::import(&db, &config, "import:first-start")
                .await
                .expect("import the settings");
            (config, generation)
        }
    };
    let mut state = AppState::new(config, db.clone(), dist_dir());
    state.config.adopt_generation(generation);
    state.sdk = std::sync::Arc::new(sdk_dir());
    state.demo = demo;
    tokio::spawn(parley_server::live_config::watch(
        std::sync::Arc::clone(&state.config),
        db,
        state.shutdown.clone(),
    ));
    // The port was just released; give the kernel a moment if it is not free yet.
    let listener = wait_for(
        &format!("{addr} to be free to bind"),
        Duration::from_secs(5),
        async || tokio::net::TcpListener::bind(addr).await,
    )
    .await;
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let service = app(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, service)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await;
    });
    (addr, Running { state, stop, task })
}

/// How often [`wait_for`] asks again.
const POLL: Duration = Duration::from_millis(100);

/// Polls `probe` until it returns `Ok`, and returns that value. After `timeout` it panics
/// with `what` (what the test waited for) and the last `Err` (what it saw instead), so a
/// failure says what never happened. For "this must not happen" checks there is nothing
/// to poll for: see [`grace_period`].
pub async fn wait_for<T, E: std::fmt::Display>(
    what: &str,
    timeout: Duration,
    mut probe: impl AsyncFnMut() -> Result<T, E>,
) -> T {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        match probe().await {
            Ok(value) => return value,
            Err(last) if tokio::time::Instant::now() >= deadline => {
                panic!("timed out after {timeout:?} waiting for {what}; last seen: {last}")
            }
            Err(_) => tokio::time::sleep(POLL).await,
        }
    }
}

/// A fixed wait before asserting that something did *not* happen (a second frame load, a
/// window closing, an invitation showing): there is no condition to poll for, so the
/// test gives it this long. Whatever must happen is waited for with [`wait_for`] or
/// [`Browser::wait_until`] instead.
pub async fn grace_period(length: Duration) {
    tokio::time::sleep(length).await;
}

/// A client that keeps no connection between calls, so a call after
/// [`Server::restart`] never meets a connection of the stopped server, and that talks to
/// the loopback server directly whatever proxy the environment names.
fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .no_proxy()
        .build()
        .expect("an HTTP client")
}

/// A JSON call to the server (for acting as an agent, or as a site's backend): the
/// status and the JSON body (`Null` when the body is not JSON).
pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    call_with(&http_client(), addr, method, path, token, body).await
}

async fn call_with(
    client: &reqwest::Client,
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let verb = reqwest::Method::from_bytes(method.as_bytes())
        .unwrap_or_else(|e| panic!("{method:?} is no HTTP method: {e}"));
    let mut request = client.request(verb, format!("http://{addr}{path}"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let status = response.status().as_u16();
    let bytes = response
        .bytes()
        .await
        .unwrap_or_else(|e| panic!("{method} {path}: reading the body: {e}"));
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, json)
}

/// A demo agent acting through the agent API.
pub struct Agent {
    addr: SocketAddr,
    client: reqwest::Client,
    pub token: String,
}

impl Agent {
    /// Signs in (`alice` / `alice-demo`, …) and sets the status to online.
    pub async fn login(server: &Server, username: &str, password: &str) -> Agent {
        Agent::login_at(server, "demo", username, password).await
    }

    /// [`Agent::login`] for an agent of tenant `sysnum` (the demo's partner `outlet`).
    pub async fn login_at(server: &Server, sysnum: &str, username: &str, password: &str) -> Agent {
        let client = http_client();
        let (status, body) = call_with(
            &client,
            server.addr,
            "POST",
            "/api/agent/login",
            None,
            Some(serde_json::json!({"sysnum": sysnum, "username": username, "password": password})),
        )
        .await;
        assert_eq!(status, 200, "login: {body}");
        let token = body["token"].as_str().expect("token").to_owned();
        let agent = Agent {
            addr: server.addr,
            client,
            token,
        };
        let (status, body) = agent
            .call(
                "PUT",
                "/api/agent/status",
                Some(serde_json::json!({"status": "online"})),
            )
            .await;
        assert_eq!(status, 200, "status: {body}");
        agent
    }

    /// An authenticated call.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        call_with(
            &self.client,
            self.addr,
            method,
            path,
            Some(&self.token),
            body,
        )
        .await
    }

    /// The agent's conversation lists (`mine`, `waiting`), which must answer 200.
    pub async fn conversations(&self) -> serde_json::Value {
        let (status, body) = self.call("GET", "/api/agent/conversations", None).await;
        assert_eq!(status, 200, "GET /api/agent/conversations: {body}");
        body
    }

    /// Waits (up to 20 s) for a waiting conversation and accepts it; returns its id.
    pub async fn accept_next(&self) -> String {
        let id = wait_for(
            "a conversation waiting for an agent",
            Duration::from_secs(20),
            async || {
                let lists = self.conversations().await;
                lists["waiting"][0]["id"]
                    .as_str()
                    .map(str::to_owned)
                    .ok_or(lists)
            },
        )
        .await;
        let path = format!("/api/agent/conversations/{id}/accept");
        let (status, body) = self.call("POST", &path, None).await;
        assert_eq!(status, 200, "accept: {body}");
        id
    }

    /// Waits (up to 20 s) for a conversation reception gave this agent, or else one
    /// waiting for them, which is accepted; returns its id.
    pub async fn take_next(&self) -> String {
        let mine = wait_for(
            "a conversation to reach the agent (given or waiting)",
            Duration::from_secs(20),
            async || {
                let lists = self.conversations().await;
                if let Some(id) = lists["mine"][0]["id"].as_str() {
                    Ok(Some(id.to_owned()))
                } else if lists["waiting"][0]["id"].is_string() {
                    Ok(None)
                } else {
                    Err(lists)
                }
            },
        )
        .await;
        match mine {
            Some(id) => id,
            None => self.accept_next().await,
        }
    }

    /// Replies in conversation `id`.
    pub async fn reply(&self, id: &str, client_id: &str, text: &str) {
        let path = format!("/api/agent/conversations/{id}/reply");
        let (status, body) = self
            .call(
                "POST",
                &path,
                Some(serde_json::json!({"client_id": client_id, "text": text})),
            )
            .await;
        assert_eq!(status, 200, "reply: {body}");
    }
}

/// A headless Chromium session with its own chromedriver process.
pub struct Browser {
    pub client: Client,
    driver: tokio::process::Child,
    _profile: tempfile::TempDir,
}

/// A phone-sized or desktop-sized window.
#[derive(Debug, Clone, Copy)]
pub enum Viewport {
    Desktop,
    Phone,
}

impl Browser {
    /// Starts chromedriver on a free port and opens a session. Chromium's flags keep it
    /// quiet on a closed network and let it run as root.
    pub async fn start(viewport: Viewport) -> Browser {
        let driver_path =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        // chromedriver leads a process group of its own, which the Chromium it starts
        // joins, so dropping the Browser (a test that panicked included) ends both.
        let driver = tokio::process::Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {driver_path}: {e}"));
        let profile = tempfile::tempdir().expect("profile dir");
        let (w, h) = match viewport {
            Viewport::Desktop => (1280, 800),
            Viewport::Phone => (390, 844),
        };
        let mut args = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            format!("--window-size={w},{h}"),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut chrome = serde_json::json!({ "args": args.clone(), "binary": "/usr/bin/chromium" });
        if let Viewport::Phone = viewport {
            args.push("--touch-events=enabled".into());
            chrome["args"] = serde_json::json!(args);
            chrome["mobileEmulation"] = serde_json::json!({
                "deviceMetrics": { "width": w, "height": h, "pixelRatio": 3.0, "touch": true },
                "userAgent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"
            });
        }
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), chrome);
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let url = format!("http://127.0.0.1:{port}");
        // chromedriver needs a moment to listen; retry the session for a few seconds.
        let client = wait_for(
            "a Chromium session from chromedriver",
            Duration::from_secs(5),
            async || {
                ClientBuilder::new(connector.clone())
                    .capabilities(caps.clone())
                    .connect(&url)
                    .await
            },
        )
        .await;
        Browser {
            client,
            driver,
            _profile: profile,
        }
    }

    /// Waits (up to 20 s) for an element matching `css` and returns its text.
    pub async fn text_of(&self, css: &str) -> String {
        let el = self
            .client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css:?} appeared: {e}"));
        el.text().await.expect("element text")
    }

    /// Waits (up to 20 s) for an element matching `css` and clicks it.
    pub async fn click(&self, css: &str) {
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
    }

    /// Waits (up to `secs`) until `script` (a JS expression) is truthy in the page.
    pub async fn wait_until(&self, script: &str, secs: u64, what: &str) {
        let deadline = std::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let v = self
                .client
                .execute(&format!("return !!({script});"), vec![])
                .await
                .unwrap_or(serde_json::Value::Bool(false));
            if v == serde_json::Value::Bool(true) {
                return;
            }
            if std::time::Instant::now() > deadline {
                let text = self
                    .client
                    .execute("return document.body.innerText;", vec![])
                    .await
                    .unwrap_or_default();
                panic!("timed out waiting for {what}; page text: {text}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Evaluates a JS expression and returns its value.
    pub async fn eval(&self, expression: &str) -> serde_json::Value {
        self.client
            .execute(&format!("return ({expression});"), vec![])
            .await
            .expect("script")
    }

    /// Saves a PNG screenshot under `target/e2e-screenshots/`.
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e-screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
    }

    /// Ends the session and the driver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill().await;
    }
}

/// A second, unrelated web site on another loopback port: the "host page" a site owner
/// pastes the access code into. Another port is another origin, so the chat frame is
/// cross-origin to it exactly as on a real site. Pages are set by path with
/// [`HostSite::put`] and served as HTML; anything else is a 404.
pub struct HostSite {
    pub addr: SocketAddr,
    pages: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl HostSite {
    pub async fn start() -> HostSite {
        use axum::extract::State;
        use axum::http::{StatusCode, Uri};
        use axum::response::{Html, IntoResponse};
        type Pages = std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, String>>>;
        let pages: Pages = Default::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the host site");
        let addr = listener.local_addr().expect("addr");
        let router = axum::Router::new()
            .fallback(|State(pages): State<Pages>, uri: Uri| async move {
                let page = pages.lock().expect("pages").get(uri.path()).cloned();
                match page {
                    Some(html) => Html(html).into_response(),
                    None => StatusCode::NOT_FOUND.into_response(),
                }
            })
            .with_state(pages.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        HostSite { addr, pages, task }
    }

    /// `http://127.0.0.1:PORT`, the origin the Parley tenant must allow.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin())
    }

    /// Serves `html` at `path` from now on.
    pub fn put(&self, path: &str, html: &str) {
        self.pages
            .lock()
            .expect("pages")
            .insert(path.to_owned(), html.to_owned());
    }
}

impl Drop for Browser {
    /// Ends chromedriver's whole process group: killing only the driver, as
    /// `kill_on_drop` does, leaves Chromium running with its profile and temp folders.
    fn drop(&mut self) {
        if let Some(pid) = self.driver.id() {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .stderr(Stdio::null())
                .status();
        }
    }
}

impl Drop for HostSite {
    fn drop(&mut self) {
        self.task.abort();
    }
}
