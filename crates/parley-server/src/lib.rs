//! The Parley server.
//!
//! [`app`] builds the whole HTTP surface from an [`AppState`], so integration tests run
//! the real router on a real socket. [`run`] is what the binary does: load the tenant
//! configuration, open and migrate the store, serve until Ctrl-C / SIGTERM.

pub mod config;
pub mod db;
pub mod error;
pub mod routes;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

pub use config::Config;
pub use db::Db;

/// Largest request body any endpoint accepts (uploads set their own, larger limit).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Everything a handler needs. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    /// The Trunk `dist` directory holding the built visitor client.
    pub dist: Arc<PathBuf>,
}

/// The whole router.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(routes::visitor::router())
        .merge(routes::pages::router(&state.dist))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// How the binary was asked to run.
#[derive(Debug, Clone)]
pub struct Settings {
    pub config_path: PathBuf,
    pub bind: SocketAddr,
    pub dist: PathBuf,
    pub database_url: String,
}

impl Settings {
    /// Reads `--config`, `--bind`, `--dist` (or `PARLEY_CONFIG`, `PARLEY_BIND`,
    /// `PARLEY_DIST`) and `DATABASE_URL`, with defaults for `cargo xtask serve`.
    pub fn from_args_and_env(args: impl Iterator<Item = String>) -> Result<Settings, String> {
        let env = |k: &str, d: &str| std::env::var(k).unwrap_or_else(|_| d.to_owned());
        let mut config_path = env("PARLEY_CONFIG", "config/demo.toml");
        let mut bind = env("PARLEY_BIND", "127.0.0.1:8080");
        let mut dist = env("PARLEY_DIST", "dist");
        let database_url = env("DATABASE_URL", "sqlite://data/parley.db");
        let mut args = args;
        while let Some(flag) = args.next() {
            let slot = match flag.as_str() {
                "--config" => &mut config_path,
                "--bind" => &mut bind,
                "--dist" => &mut dist,
                "-h" | "--help" => {
                    return Err(
                        "usage: parley-server [--config FILE] [--bind ADDR] [--dist DIR] \
                                (DATABASE_URL selects the store)"
                            .into(),
                    )
                }
                other => return Err(format!("unknown argument {other:?} (try --help)")),
            };
            *slot = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        }
        Ok(Settings {
            config_path: config_path.into(),
            bind: bind.parse().map_err(|e| format!("--bind {bind:?}: {e}"))?,
            dist: dist.into(),
            database_url,
        })
    }
}

/// Loads, migrates, binds and serves until a shutdown signal.
pub async fn run(settings: Settings) -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::load(&settings.config_path)?;
    let db = Db::connect(&settings.database_url).await?;
    let state = AppState {
        config: Arc::new(config),
        db,
        dist: Arc::new(settings.dist),
    };
    let listener = tokio::net::TcpListener::bind(settings.bind).await?;
    tracing::info!(addr = %listener.local_addr()?, "parley-server listening");
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
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

/// Serves `router` on `listener` until the process ends; for harnesses that run the
/// server in-process (the e2e tests) without depending on axum themselves.
pub async fn serve(listener: tokio::net::TcpListener, router: Router) {
    if let Err(e) = axum::serve(listener, router).await {
        tracing::error!(error = %e, "server stopped");
    }
}
