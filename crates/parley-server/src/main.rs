//! `parley-server [--config FILE] [--bind ADDR] [--dist DIR] [--sdk DIR]`; `DATABASE_URL`
//! picks the store (SQLite file by default, `postgres://…` for PostgreSQL).
//! `parley-server --hash-password PASSWORD` prints an Argon2 hash for the config file.

use parley_server::{run, Settings};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--hash-password") {
        let Some(password) = args.get(1) else {
            eprintln!("parley-server: --hash-password needs a value");
            return std::process::ExitCode::from(2);
        };
        println!("{}", parley_server::password::hash(password));
        return std::process::ExitCode::SUCCESS;
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "parley_server=info,tower_http=info".into()),
        )
        .init();
    let settings = match Settings::from_args_and_env(args.into_iter()) {
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
