//! What operators' tools ask: liveness, readiness, metrics, request ids.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_tuned, Store};

crate::on_both_stores!(
    health_and_readiness_answer_and_readiness_flips_on_shutdown,
    metrics_parse_and_move_with_a_conversation,
    visitors_behind_a_proxy_do_not_starve_sign_in_and_one_flood_is_limited,
    browsing_tracks_and_reports_go_after_their_retention,
);

async fn health_and_readiness_answer_and_readiness_flips_on_shutdown(store: Store) {
    let app = spawn_app(store).await;
    let get = |path: &str| app.http.get(app.url(path)).send();
    assert_eq!(get("/healthz").await.unwrap().status(), StatusCode::OK);
    let ready = get("/readyz").await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    // Shutting down: unready at once (the load balancer stops sending), still alive.
    app.state.as_ref().unwrap().begin_shutdown();
    let ready = get("/readyz").await.unwrap();
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(ready.text().await.unwrap().contains("shutting down"));
    assert_eq!(get("/healthz").await.unwrap().status(), StatusCode::OK);
}

/// The value of the sample `name` (a full line prefix, labels included).
fn sample(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

async fn metrics_parse_and_move_with_a_conversation(store: Store) {
    let app = spawn_app(store).await;
    let scrape = || async {
        let r = app.http.get(app.url("/metrics")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4"));
        r.text().await.unwrap()
    };
    let before = scrape().await;
    // Every line is a comment or `name{labels} value`, as Prometheus reads it.
    for line in before.lines().filter(|l| !l.starts_with('#')) {
        let (_, value) = line.rsplit_once(' ').expect("a sample line");
        assert!(value.parse::<f64>().is_ok(), "{line}");
    }
    let stored_before = sample(&before, "parley_messages_stored_total").unwrap();
    app.agent_busy("alice").await;
    let init = app.init("sysnum=demo&type=2&groupid=sales").await;
    let token = init["session_token"].as_str().unwrap();
    let (status, _) = app
        .call(
            reqwest::Method::POST,
            "/api/chat/send",
            token,
            Some(&json!({"client_id": "m1", "text": "hello"})),
        )
        .await;
    assert_eq!(status, 200);
    let ws = app
        .ws(&format!("/ws/visitor?token={token}&last_seq=0"))
        .await;
    let after = scrape().await;
    // The queued system message and the visitor's text.
    assert_eq!(
        sample(&after, "parley_messages_stored_total").unwrap(),
        stored_before + 2.0,
        "{after}"
    );
    assert_eq!(
        sample(&after, "parley_queue_length{tenant=\"demo\"}"),
        Some(1.0),
        "{after}"
    );
    assert_eq!(sample(&after, "parley_open_sockets"), Some(1.0), "{after}");
    let sends = "parley_http_request_duration_seconds_count{method=\"POST\",route=\"/api/chat/send\",status=\"200\"}";
    assert_eq!(sample(&after, sends), Some(1.0), "{after}");
    drop(ws);
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_keeps_the_callers() {
    let app = spawn_app(Store::Sqlite).await;
    let fresh = app.http.get(app.url("/healthz")).send().await.unwrap();
    let id = fresh.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let kept = app
        .http
        .get(app.url("/healthz"))
        .header("x-request-id", "trace-42")
        .send()
        .await
        .unwrap();
    assert_eq!(kept.headers()["x-request-id"], "trace-42");
}

async fn visitors_behind_a_proxy_do_not_starve_sign_in_and_one_flood_is_limited(store: Store) {
    use parley_server::ratelimit::{Cidr, Limits, RateLimiter};
    // Parley behind a proxy on 127.0.0.1, which names each client in X-Forwarded-For.
    let app = spawn_app_tuned(
        store,
        |_| {},
        |state| {
            let proxy = Cidr::parse("127.0.0.1").unwrap();
            state.limiter = RateLimiter::new(Some(Limits::default()), vec![proxy]);
        },
    )
    .await;
    let report = |client: String| {
        let app = &app;
        async move {
            app.http
                .post(app.url("/api/chat/presence"))
                .header("x-forwarded-for", client)
                .json(&json!({"query": "sysnum=demo&invite_flag=1",
                              "cur_visit_args": {"cur_visit_title": "Shop"}}))
                .send()
                .await
                .unwrap()
        }
    };
    // 200 visitors from 200 addresses, each on an invitation page, report twice.
    for round in 0..2 {
        for i in 0..200u32 {
            let r = report(format!("198.51.{}.{}", i / 200, i % 200 + 1)).await;
            assert_eq!(r.status(), StatusCode::OK, "visitor {i}, round {round}");
        }
    }
    // The agents still sign in: their bucket is their own.
    let token = app.agent_login("alice").await;
    assert!(!token.is_empty());
    // One address flooding is slowed, and told when to come back.
    let mut limited = None;
    for _ in 0..60 {
        let r = report("203.0.113.66".into()).await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(r.headers().get("retry-after").cloned());
            break;
        }
    }
    let retry_after = limited.expect("the flooding address was never limited");
    assert!(retry_after.is_some());
    // Others behind the same proxy are not blamed for it.
    let r = report("198.51.0.7".into()).await;
    assert_eq!(r.status(), StatusCode::OK);
}

async fn browsing_tracks_and_reports_go_after_their_retention(store: Store) {
    let app = spawn_app(store).await;
    let page = json!({"query": "sysnum=demo&invite_flag=1", "cur_visit_args": {"cur_visit_title": "Shop"}});
    let (status, _) = app.post_json("/api/chat/trace", &page).await;
    assert_eq!(status, 200);
    let (status, _) = app.post_json("/api/chat/presence", &page).await;
    assert_eq!(status, 200);
    let state = app.state.as_ref().unwrap();
    let now = parley_server::store::now_ms();
    let day = 24 * 3_600_000;
    let swept = parley_server::housekeeping::sweep(state, now)
        .await
        .unwrap();
    assert_eq!((swept.traces, swept.browsing), (0, 0), "nothing is old yet");
    let swept = parley_server::housekeeping::sweep(state, now + 2 * day)
        .await
        .unwrap();
    assert_eq!((swept.traces, swept.browsing), (0, 1), "reports last a day");
    let swept = parley_server::housekeeping::sweep(state, now + 91 * day)
        .await
        .unwrap();
    assert_eq!(swept.traces, 1, "tracks last 90 days");
}

/// A managed PostgreSQL asks for TLS (`sslmode=require`): the server speaks it. The test
/// cluster has no certificate, so the connection is refused by the server — for want of
/// TLS on its side, not because this build lacks it.
#[tokio::test]
async fn the_store_speaks_tls_to_postgresql() {
    let Ok(admin) = std::env::var("PARLEY_TEST_PG_URL") else {
        panic!("PARLEY_TEST_PG_URL is not set: run the suite with `cargo xtask test`");
    };
    let sep = if admin.contains('?') { '&' } else { '?' };
    let err = parley_server::Db::connect(&format!("{admin}{sep}sslmode=require"))
        .await
        .expect_err("the test cluster has no certificate");
    let text = err.to_string();
    assert!(!text.contains("without TLS support"), "{text}");
    assert!(text.to_lowercase().contains("tls"), "{text}");
}

/// A PostgreSQL cluster of the test's own (so the test may stop it), removed on drop.
struct OwnCluster {
    bin: std::path::PathBuf,
    data: std::path::PathBuf,
    port: u16,
    as_postgres: bool,
    _dir: tempfile::TempDir,
}

impl OwnCluster {
    fn pg(&self, tool: &str, args: &[&str]) {
        let exe = self.bin.join(tool);
        let mut cmd = if self.as_postgres {
            let mut c = std::process::Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            std::process::Command::new(exe)
        };
        let out = cmd.args(args).output().expect("run a PostgreSQL tool");
        assert!(
            out.status.success(),
            "{tool}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn start() -> OwnCluster {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL is installed (cargo xtask setup)")
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|p| p.join("pg_ctl").exists())
            .max()
            .expect("a PostgreSQL bin folder");
        let dir = tempfile::tempdir().unwrap();
        let as_postgres = std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        if as_postgres {
            let ok = std::process::Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(ok.success());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let cluster = OwnCluster {
            bin,
            data: dir.path().join("data"),
            port,
            as_postgres,
            _dir: dir,
        };
        let data = cluster.data.to_string_lossy().into_owned();
        cluster.pg(
            "initdb",
            &["-D", &data, "-A", "trust", "-U", "postgres", "--no-sync"],
        );
        cluster.up();
        cluster
    }

    fn up(&self) {
        let data = self.data.to_string_lossy().into_owned();
        let socket = self._dir.path().to_string_lossy().into_owned();
        let opts = format!(
            "-p {} -k {socket} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port
        );
        self.pg(
            "pg_ctl",
            &[
                "-D",
                &data,
                "-o",
                &opts,
                "-w",
                "-l",
                &format!("{socket}/log"),
                "start",
            ],
        );
    }

    fn down(&self) {
        let data = self.data.to_string_lossy().into_owned();
        self.pg("pg_ctl", &["-D", &data, "-m", "fast", "-w", "stop"]);
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let data = self.data.to_string_lossy().into_owned();
        let exe = self.bin.join("pg_ctl");
        let mut cmd = if self.as_postgres {
            let mut c = std::process::Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            std::process::Command::new(exe)
        };
        let _ = cmd.args(["-D", &data, "-m", "immediate", "stop"]).output();
    }
}

/// Polls `/readyz` until it answers `want` (within 20 s).
async fn readiness_becomes(http: &reqwest::Client, addr: std::net::SocketAddr, want: StatusCode) {
    for _ in 0..200 {
        if let Ok(r) = http.get(format!("http://{addr}/readyz")).send().await {
            if r.status() == want {
                return;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("/readyz never answered {want}");
}

#[tokio::test]
async fn readiness_follows_postgresql_going_away_and_coming_back() {
    let cluster = OwnCluster::start();
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>c</title>").unwrap();
    // The real binary: its PostgreSQL listener counts for readiness too.
    let (_server, addr) = crate::restart::start(&cluster.url(), &dist).await;
    let http = reqwest::Client::new();
    readiness_becomes(&http, addr, StatusCode::OK).await;
    cluster.down();
    readiness_becomes(&http, addr, StatusCode::SERVICE_UNAVAILABLE).await;
    // Alive all along: only readiness follows the store.
    let alive = http
        .get(format!("http://{addr}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(alive.status(), StatusCode::OK);
    cluster.up();
    readiness_becomes(&http, addr, StatusCode::OK).await;
}
