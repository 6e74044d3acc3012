//! The Parley server.
//!
//! [`app`] builds the whole HTTP surface from an [`AppState`], so integration tests run
//! the real router on a real socket. [`run`] is what the binary does: load the tenant
//! configuration, open and migrate the store, serve until Ctrl-C / SIGTERM.

pub mod admin;
pub mod admission;
pub mod assets;
pub mod auth;
pub mod chat;
pub mod config;
pub mod embedding;
pub mod error;
pub mod evaluation;
pub mod housekeeping;
pub mod hub;
pub mod images;
pub mod live_config;
pub mod loader;
pub mod metrics;
pub mod notify;
pub mod ops;
pub mod password;
pub mod presence;
pub mod profile;
pub mod quota;
pub mod ratelimit;
pub mod reception;
pub mod reports;
pub mod routes;
pub mod security;
pub mod signin;
pub mod sockets;
pub mod store;
pub mod tickets;
pub mod traces;
pub mod user_agent;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::Router;
use tokio::sync::watch;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

pub use config::Config;
pub use store::Db;

use hub::Hub;
use notify::Notifier;
use ratelimit::{Class, RateLimiter};

/// Largest request body any endpoint accepts (uploads set their own, larger limit).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Largest settings change an admin may send (a tenant's table with its FAQs).
pub const MAX_SETTINGS_BYTES: usize = 4 * 1024 * 1024;
/// Longest a request may take (a 408 after): a peer that trickles its request cannot
/// hold a connection and a task forever. WebSocket upgrades answer at once.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The same for uploads (ticket files, pictures), which a slow mobile link may need.
pub const UPLOAD_TIMEOUT: Duration = Duration::from_secs(300);

/// Everything a handler needs. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The tenants' settings, current (see `live_config`).
    pub config: Arc<live_config::LiveConfig>,
    pub db: Db,
    /// The Trunk `dist` directory holding the built visitor client.
    pub dist: Arc<PathBuf>,
    /// The folder holding the built loader (`entrance.js`, its parts, `visitor.js`):
    /// `dist/sdk` unless `--sdk` says otherwise.
    pub sdk: Arc<PathBuf>,
    /// `--demo`: the published demo key and passwords are accepted, and the demo shop
    /// page is served (`routes::loader`).
    pub demo: bool,
    /// Realtime fan-out to this instance's sockets.
    pub hub: Arc<Hub>,
    /// Tells other instances about stored messages (PostgreSQL only).
    pub notifier: Notifier,
    /// Per-IP limits on the public endpoints.
    pub limiter: Arc<RateLimiter>,
    /// Becomes `true` when the server shuts down, so sockets close and graceful
    /// shutdown does not wait for them forever.
    pub shutdown: watch::Receiver<bool>,
    shutdown_tx: Arc<watch::Sender<bool>>,
    /// How often sockets are pinged; a peer silent for three intervals is dropped.
    pub heartbeat: Duration,
    /// Bounds password checks and backs off accounts after wrong passwords.
    pub signin: Arc<signin::SignInGuard>,
    /// Per-visitor message buckets and the large-upload slots of this instance.
    pub quotas: Arc<quota::Quotas>,
    /// The open sockets of each session on this instance.
    pub sockets: Arc<sockets::SessionSockets>,
    /// How long a request may take ([`REQUEST_TIMEOUT`]; uploads get
    /// [`UPLOAD_TIMEOUT`]).
    pub request_timeout: Duration,
    /// Counters and latencies for `/metrics`.
    pub metrics: Arc<metrics::Metrics>,
    /// The queue positions this instance last pushed.
    pub queue_told: Arc<chat::publish::QueueTold>,
    /// The group committers of messages (`chat::commit`).
    pub committer: Arc<chat::commit::Committer>,
}

impl AppState {
    /// The state with defaults: the loader from `dist/sdk`, the default rate limit, no
    /// NOTIFY, a 20-second heartbeat, not in demo mode.
    pub fn new(config: Config, db: Db, dist: PathBuf) -> AppState {
        let (tx, rx) = watch::channel(false);
        AppState {
            config: Arc::new(live_config::LiveConfig::new(config)),
            db,
            dist: Arc::new(dist.clone()),
            sdk: Arc::new(dist.join("sdk")),
            demo: false,
            hub: Hub::new(),
            notifier: Notifier::disabled(),
            limiter: RateLimiter::new(Some(ratelimit::Limits::default()), Vec::new()),
            shutdown: rx,
            shutdown_tx: Arc::new(tx),
            heartbeat: Duration::from_secs(20),
            signin: Arc::new(signin::SignInGuard::per_core()),
            quotas: Arc::new(quota::Quotas::default()),
            sockets: Arc::default(),
            request_timeout: REQUEST_TIMEOUT,
            metrics: Arc::new(metrics::Metrics::new()),
            queue_told: Arc::default(),
            committer: Arc::default(),
        }
    }

    /// Tells every socket to close (graceful shutdown).
    pub fn begin_shutdown(&self) {
        let _ = self.shutdown_tx.send(true);
    }
}

/// The whole router.
pub fn app(state: AppState) -> Router {
    let limited = |router: Router<AppState>, class: Class| {
        router.route_layer(axum::middleware::from_fn_with_state(
            (Arc::clone(&state.limiter), class),
            ratelimit::middleware,
        ))
    };
    let public = Router::new()
        .merge(limited(routes::visitor::public_router(), Class::Init))
        .merge(limited(routes::visitor::presence_router(), Class::Presence))
        .merge(limited(routes::token::router(), Class::Token))
        .merge(limited(routes::agent::public_router(), Class::SignIn));
    let general = Router::new()
        .merge(public)
        .merge(routes::visitor::router())
        .merge(routes::card::router())
        .merge(routes::evaluation::router())
        .merge(routes::agent::router())
        .merge(routes::reports::router())
        .merge(routes::ws::router())
        .merge(ops::router())
        .merge(routes::loader::router())
        .merge(routes::workbench::router(&state.dist))
        .merge(routes::pages::router(&state.dist))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.request_timeout,
        ));
    // A tenant's settings carry its FAQs, so they may be larger than other bodies.
    let admin = routes::admin::router()
        .layer(RequestBodyLimitLayer::new(MAX_SETTINGS_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.request_timeout,
        ));
    // After the body limit and the timeout: uploads set their own.
    let uploads = Router::new()
        .merge(routes::ticket::router(&state))
        .merge(routes::image::router(&state))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            UPLOAD_TIMEOUT.max(state.request_timeout),
        ));
    Router::new()
        .merge(general)
        .merge(admin)
        .merge(uploads)
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // Chat URLs carry sign, token and partnerid, and pages load pictures from other
        // hosts (cards, avatars): no page or call of Parley sends a Referer.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(axum::middleware::from_fn(hsts))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ops::time_requests,
        ))
        // One access-log line per request, with its id (kept from `X-Request-Id` or made
        // here, and sent back); the path only: query strings carry signs and tokens.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(access_span)
                .on_request(())
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// The span of one request's access-log line: method, path (no query) and request id.
fn access_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %id,
    )
}

/// `Strict-Transport-Security` on answers to requests that reached the proxy in front
/// over TLS (`X-Forwarded-Proto: https`): browsers then never use plain HTTP for this
/// host. Browsers ignore the header on plain-HTTP answers, so a forged header gains an
/// attacker nothing.
async fn hsts(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let tls = request
        .headers()
        .get("x-forwarded-proto")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
    let mut response = next.run(request).await;
    if tls {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// How the binary was asked to run.
#[derive(Debug, Clone)]
pub struct Settings {
    pub config_path: PathBuf,
    pub bind: SocketAddr,
    pub dist: PathBuf,
    pub sdk: PathBuf,
    pub database_url: String,
    /// `--demo` (or `PARLEY_DEMO=1`): allow the published demo key and demo passwords,
    /// for trying Parley. Without it the server refuses to start with them.
    pub demo: bool,
    /// `--drain-secs` (`PARLEY_DRAIN_SECS`, default 2): on SIGTERM, how long `/readyz`
    /// answers 503 before the server stops taking connections, so a load balancer has
    /// time to notice.
    pub drain_grace: Duration,
    /// `--log-format text|json` (`PARLEY_LOG_FORMAT`): JSON lines for log collectors.
    pub log_json: bool,
    /// `--trusted-proxies CIDR,…` (`PARLEY_TRUSTED_PROXIES`): proxies whose
    /// `X-Forwarded-For` names the client (see `ratelimit`).
    pub trusted_proxies: Vec<ratelimit::Cidr>,
    /// `--limit-signin`, `--limit-init`, `--limit-presence`, `--limit-token`
    /// (`PARLEY_LIMIT_SIGNIN`, …) as `BURST/PER_SECOND` per client.
    pub limits: ratelimit::Limits,
}

impl Settings {
    /// Reads `--config`, `--bind`, `--dist`, `--sdk` (or `PARLEY_CONFIG`, `PARLEY_BIND`,
    /// `PARLEY_DIST`, `PARLEY_SDK`) and `DATABASE_URL`, with defaults for `cargo xtask serve`.
    pub fn from_args_and_env(args: impl Iterator<Item = String>) -> Result<Settings, String> {
        let env = |k: &str, d: &str| std::env::var(k).unwrap_or_else(|_| d.to_owned());
        let mut config_path = env("PARLEY_CONFIG", "config/demo.toml");
        let mut bind = env("PARLEY_BIND", "127.0.0.1:8080");
        let mut dist = env("PARLEY_DIST", "dist");
        let mut sdk = std::env::var("PARLEY_SDK").unwrap_or_default();
        let database_url = env("DATABASE_URL", "sqlite://data/parley.db");
        let mut demo = env("PARLEY_DEMO", "") == "1";
        let mut drain = env("PARLEY_DRAIN_SECS", "2");
        let mut log_format = env("PARLEY_LOG_FORMAT", "text");
        let mut trusted = env("PARLEY_TRUSTED_PROXIES", "");
        let defaults = ratelimit::Limits::default();
        let show = |l: ratelimit::Limit| format!("{}/{}", l.burst, l.per_second);
        let mut limit_signin = env("PARLEY_LIMIT_SIGNIN", &show(defaults.sign_in));
        let mut limit_init = env("PARLEY_LIMIT_INIT", &show(defaults.init));
        let mut limit_presence = env("PARLEY_LIMIT_PRESENCE", &show(defaults.presence));
        let mut limit_token = env("PARLEY_LIMIT_TOKEN", &show(defaults.token));
        let mut args = args;
        while let Some(flag) = args.next() {
            let slot = match flag.as_str() {
                "--demo" => {
                    demo = true;
                    continue;
                }
                "--drain-secs" => &mut drain,
                "--log-format" => &mut log_format,
                "--trusted-proxies" => &mut trusted,
                "--limit-signin" => &mut limit_signin,
                "--limit-init" => &mut limit_init,
                "--limit-presence" => &mut limit_presence,
                "--limit-token" => &mut limit_token,
                "--config" => &mut config_path,
                "--bind" => &mut bind,
                "--dist" => &mut dist,
                "--sdk" => &mut sdk,
                "-h" | "--help" => return Err(
                    "usage: parley-server [--config FILE] [--bind ADDR] [--dist DIR] [--sdk DIR] [--demo] \
                         [--drain-secs N] [--log-format text|json] [--trusted-proxies CIDR,…] \
                         [--limit-signin|--limit-init|--limit-presence|--limit-token BURST/PER_SEC] \
                         (DATABASE_URL selects the store)\n       \
                         parley-server --hash-password < FILE-WITH-THE-PASSWORD"
                        .into(),
                ),
                other => return Err(format!("unknown argument {other:?} (try --help)")),
            };
            *slot = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        }
        Ok(Settings {
            config_path: config_path.into(),
            bind: bind.parse().map_err(|e| format!("--bind {bind:?}: {e}"))?,
            // The loader is built into the client's folder (`cargo xtask build-client`).
            sdk: if sdk.is_empty() {
                PathBuf::from(&dist).join("sdk")
            } else {
                sdk.into()
            },
            dist: dist.into(),
            database_url,
            demo,
            drain_grace: Duration::from_secs(
                drain
                    .parse()
                    .map_err(|_| format!("--drain-secs {drain:?} is not a number of seconds"))?,
            ),
            log_json: match log_format.as_str() {
                "text" => false,
                "json" => true,
                other => return Err(format!("--log-format {other:?}: text or json")),
            },
            trusted_proxies: trusted
                .split(',')
                .filter(|c| !c.trim().is_empty())
                .map(|c| {
                    ratelimit::Cidr::parse(c).ok_or_else(|| {
                        format!("--trusted-proxies: {c:?} is not an address or a CIDR block")
                    })
                })
                .collect::<Result<_, _>>()?,
            limits: ratelimit::Limits {
                sign_in: parse_limit("--limit-signin", &limit_signin)?,
                init: parse_limit("--limit-init", &limit_init)?,
                presence: parse_limit("--limit-presence", &limit_presence)?,
                token: parse_limit("--limit-token", &limit_token)?,
            },
        })
    }
}

fn parse_limit(flag: &str, text: &str) -> Result<ratelimit::Limit, String> {
    ratelimit::Limit::parse(text)
        .ok_or_else(|| format!("{flag} {text:?}: give BURST/PER_SECOND, such as 10/0.5"))
}

/// Loads, migrates, binds and serves until a shutdown signal.
pub async fn run(settings: Settings) -> Result<(), Box<dyn std::error::Error>> {
    // A file given is checked before anything else, even when the database's settings
    // will apply: a mistake in it should not wait for the day it is imported.
    let file = match settings.config_path.exists() {
        true => {
            let config = Config::load(&settings.config_path)?;
            let name = settings.config_path.display().to_string();
            refuse_unsafe(&config, settings.demo, &name)?;
            Some(config)
        }
        false => None,
    };
    let db = Db::connect(&settings.database_url).await?;
    let (config, source) =
        settings_at_start(&db, file, &settings.config_path, settings.demo).await?;
    tracing::info!(settings = %source, "settings loaded");
    for t in &config.0.tenants {
        if embedding::any_site(&t.security.allowed_origins) {
            tracing::warn!(
                tenant = %t.sysnum,
                "allowed_origins = [\"*\"]: any site may embed this tenant's chat"
            );
        }
    }
    let generation = config.1;
    let mut state = AppState::new(config.0, db.clone(), settings.dist);
    state.config.adopt_generation(generation);
    state.sdk = Arc::new(settings.sdk);
    state.limiter = RateLimiter::new(Some(settings.limits), settings.trusted_proxies);
    state.demo = settings.demo;
    let mut listener_slot = None;
    if db.engine() == store::Engine::Postgres {
        let (notifier, slot) = notify::start_postgres(&settings.database_url, db.clone()).await?;
        state.notifier = notifier;
        listener_slot = Some(slot);
    }
    if let Some(slot) = listener_slot {
        let _ = slot.send(state.clone());
    }
    tokio::spawn(housekeeping::run(state.clone()));
    tokio::spawn(live_config::watch(
        Arc::clone(&state.config),
        db.clone(),
        state.shutdown.clone(),
    ));
    let listener = tokio::net::TcpListener::bind(settings.bind).await?;
    tracing::info!(addr = %listener.local_addr()?, "parley-server listening");
    let listener = without_nagle(listener);
    let on_signal = state.clone();
    let drain_grace = settings.drain_grace;
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        // Unready first, so the load balancer stops sending traffic, then drain.
        on_signal.begin_shutdown();
        tokio::time::sleep(drain_grace).await;
    })
    .await?;
    Ok(())
}

/// The settings to start with, their generation, and where they came from: the
/// database's when it holds any, else the file's (`file`, read from `path`), imported.
/// Settings a production server must not run with are refused either way.
async fn settings_at_start(
    db: &Db,
    file: Option<Config>,
    path: &Path,
    demo: bool,
) -> Result<((Config, i64), String), Box<dyn std::error::Error>> {
    let (loaded, source) = match (live_config::load(db).await?, file) {
        (Some(stored), _) => (
            stored,
            format!(
                "the database's ({} applies only to an empty database, or with \
                 `parley-server import`)",
                path.display()
            ),
        ),
        (None, Some(config)) => {
            let generation = live_config::import(db, &config, "import:first-start").await?;
            (
                (config, generation),
                format!("imported from {}", path.display()),
            )
        }
        (None, None) => {
            return Err(format!(
                "the database holds no settings and {} does not exist",
                path.display()
            )
            .into())
        }
    };
    refuse_unsafe(&loaded.0, demo, "the stored settings")?;
    Ok((loaded, source))
}

fn refuse_unsafe(config: &Config, demo: bool, what: &str) -> Result<(), String> {
    let problems = config.unsafe_settings(demo);
    if problems.is_empty() {
        return Ok(());
    }
    Err(format!("{what} refused:\n  {}", problems.join("\n  ")))
}

/// `parley-server import FILE`: replaces the stored settings with the file's (running
/// instances apply them within a second). `parley-server export`: prints the stored
/// settings as a configuration file.
pub async fn settings_command(
    command: &str,
    file: Option<&Path>,
    database_url: &str,
    demo: bool,
) -> Result<String, Box<dyn std::error::Error>> {
    let db = Db::connect(database_url).await?;
    match (command, file) {
        ("import", Some(file)) => {
            let config = Config::load(file)?;
            refuse_unsafe(&config, demo, &file.display().to_string())?;
            let generation =
                live_config::import(&db, &config, &format!("import:{}", file.display())).await?;
            Ok(format!(
                "imported {} tenant(s) from {} (settings generation {generation})\n",
                config.tenants.len(),
                file.display()
            ))
        }
        ("export", None) => Ok(live_config::export(&db).await?),
        _ => Err("usage: parley-server import FILE | parley-server export".into()),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

/// `listener` with Nagle's algorithm off on every connection it accepts. A socket
/// writes small frames one after the other (an ack, then the message event); with
/// Nagle on, the second waits until the peer acknowledges the first, and a peer that
/// delays its ACKs (Linux: up to 40 ms) holds every such frame back. `bench server`
/// measured the fixed 1,000 messages/s round trip's p50 at 28 ms with it on (session 8
/// in docs/performance.md).
fn without_nagle(
    listener: tokio::net::TcpListener,
) -> axum::serve::TapIo<tokio::net::TcpListener, fn(&mut tokio::net::TcpStream)> {
    use axum::serve::ListenerExt;
    fn nodelay(tcp: &mut tokio::net::TcpStream) {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "TCP_NODELAY");
        }
    }
    listener.tap_io(nodelay as fn(&mut tokio::net::TcpStream))
}

/// Serves `router` on `listener` until the process ends; for harnesses that run the
/// server in-process (the e2e tests) without depending on axum themselves.
pub async fn serve(listener: tokio::net::TcpListener, router: Router) {
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    if let Err(e) = axum::serve(without_nagle(listener), service).await {
        tracing::error!(error = %e, "server stopped");
    }
}
