//! `parley-server [--config FILE] [--bind ADDR] [--dist DIR] [--sdk DIR]`; `DATABASE_URL`
//! picks the store (SQLite file by default, `postgres://…` for PostgreSQL).
//! `parley-server --hash-password` reads a password from standard input (one line) and
//! prints an Argon2 hash for the config file; the password never appears in the
//! process list or the shell's history.
//! `parley-server import FILE [--demo]` replaces the settings in the database with a
//! file's; `parley-server export` prints them as a file (see `live_config`).

use parley_server::{run, Settings};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--hash-password") {
        if args.len() > 1 {
            eprintln!(
                "parley-server: --hash-password reads the password from standard input, \
                 not the command line (it would stay in the shell's history)"
            );
            return std::process::ExitCode::from(2);
        }
        let mut line = String::new();
        if std::io::stdin().read_line(&mut line).is_err() {
            eprintln!("parley-server: could not read the password from standard input");
            return std::process::ExitCode::from(2);
        }
        let password = line.trim_end_matches(['\r', '\n']);
        if password.is_empty() {
            eprintln!("parley-server: the password is empty");
            return std::process::ExitCode::from(2);
        }
        println!("{}", parley_server::password::hash(password));
        return std::process::ExitCode::SUCCESS;
    }
    if let Some(command @ ("import" | "export")) = args.first().map(String::as_str) {
        let database_url =
            std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://data/parley.db".to_owned());
        let demo = args.iter().any(|a| a == "--demo");
        let file = args
            .iter()
            .skip(1)
            .find(|a| !a.starts_with("--"))
            .map(std::path::Path::new);
        return match parley_server::settings_command(command, file, &database_url, demo).await {
            Ok(out) => {
                print!("{out}");
                std::process::ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("parley-server {command}: {e}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    let settings = match Settings::from_args_and_env(args.into_iter()) {
        Ok(s) => s,
        Err(message) => {
            eprintln!("parley-server: {message}");
            return std::process::ExitCode::from(2);
        }
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "parley_server=info,tower_http=info,audit=info".into());
    if settings.log_json {
        tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    match run(settings).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("parley-server: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
