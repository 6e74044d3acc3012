//! `parley-server [--config FILE] [--bind ADDR] [--dist DIR]`; `DATABASE_URL` picks the
//! store (SQLite file by default, `postgres://…` for PostgreSQL).

use parley_server::{run, Settings};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "parley_server=info,tower_http=info".into()),
        )
        .init();
    let settings = match Settings::from_args_and_env(std::env::args().skip(1)) {
        Ok(s) => s,
        Err(message) => {
            eprintln!("parley-server: {message}");
            return std::process::ExitCode::from(2);
        }
    };
    match run(settings).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("parley-server: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
