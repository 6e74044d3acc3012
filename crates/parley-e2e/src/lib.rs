//! The end-to-end harness: a real Parley server (in-process, on a free loopback port,
//! serving the release-built client from `PARLEY_DIST`) and a real headless Chromium
//! driven through chromedriver.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use parley_server::{app, AppState, Config, Db};

/// Where the release-built client is: `PARLEY_DIST`, else the workspace's `dist/`.
pub fn dist_dir() -> PathBuf {
    std::env::var_os("PARLEY_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../dist"))
}

/// A running server on a fresh SQLite file.
pub struct Server {
    pub addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Server {
    /// Starts the real app with the shipped demo configuration.
    pub async fn start() -> Server {
        let dist = dist_dir();
        assert!(
            dist.join("index.html").exists(),
            "{} has no index.html: build the client first (cargo xtask build-client)",
            dist.display()
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("e2e.db").display());
        let db = Db::connect(&url).await.expect("open store");
        let config_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../config/demo.toml");
        let config = Config::load(&config_path).expect("demo config");
        let state = AppState::new(config, db, dist);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum_serve(listener, state).await });
        Server { addr, _dir: dir }
    }

    pub fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{path_and_query}", self.addr)
    }
}

async fn axum_serve(listener: tokio::net::TcpListener, state: AppState) {
    parley_server::serve(listener, app(state)).await;
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
        let driver = tokio::process::Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
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
        let mut last_err = None;
        for _ in 0..50 {
            match ClientBuilder::new(connector.clone())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Browser {
                        client,
                        driver,
                        _profile: profile,
                    }
                }
                Err(e) => {
                    last_err = Some(e);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        panic!("could not open a Chromium session: {last_err:?}");
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
