//! Parley's developer commands.
//!
//! * `cargo xtask setup`: installs every missing tool at its pinned version (idempotent).
//! * `cargo xtask build-client`: setup, then the release build of the client into `dist/`
//!   (the chat pages) and `dist/leave/` (the leave-message and ticket pages), of the
//!   agents' workbench into `dist/agent/` and of the host-page loader into `dist/sdk/`
//!   (`loader.rs`), then a `.br` and `.gz` beside every compressible file of `dist/`
//!   (`precompress.rs`).
//! * `cargo xtask serve`: setup, release build, run on SQLite with the demo tenant.
//! * `cargo xtask test [--no-e2e]`: the whole suite, as CI runs it.
//! * `cargo xtask bench [size] [load] [workbench] [chat-history] [bot] [server] [--n 1000,10000]`:
//!   measurements that would be flaky as tests (no section = all): `size` the release
//!   bundles (raw / gzip / brotli), `load` the chat page's navigation-to-interactive time
//!   in headless Chromium, `workbench` opening a conversation of 2,000 messages in the
//!   agents' workbench and appending one more, `chat-history` the visitor's chat
//!   rendering a history of 2,000 messages and appending one more,
//!   `bot` the demo FAQ bot's accuracy on its held-apart questions, `server` messages/s,
//!   latency and RSS beside a bare echo server at N sockets (see `bench.rs`).
//! * `cargo xtask bytemap [WASM] [--top N]`: the chat wasm's function bytes by crate and
//!   its largest functions, from cargo's output before wasm-opt (`bytemap.rs`).
//! * `cargo xtask fuzz [TARGET] [SECONDS]`: a cargo-fuzz target (`params`, `api`).
//!
//! Every tool version lives in [`tools`]; nothing is downloaded from outside the
//! package registries (crates.io, npm, Debian).

mod bench;
mod bytemap;
mod loader;
mod pg;
mod precompress;
mod rules;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => tools::setup(),
        Some("build-client") => tools::setup().and_then(|()| build_client()),
        Some("serve") => serve(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("bytemap") => bytemap::run(&args[1..]),
        Some("fuzz") => fuzz(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n\
                 setup         install the pinned tools that are missing\n\
                 serve [ADDR]  build and run Parley on ADDR (127.0.0.1:8080) with the demo tenant\n\
                 test          fmt, clippy, unit, server (SQLite + PostgreSQL), wasm and e2e tests\n\
                 \x20             (--no-e2e leaves out the end-to-end tests)\n\
                 bench [SECTION...] [--n 1000,10000]\n\
                 \x20             measurements; no section runs them all:\n\
                 \x20               size    release bundle and host-page loader, raw / gzip / brotli\n\
                 \x20               load    chat page navigation-to-interactive, headless Chromium\n\
                 \x20               workbench  open 2,000 messages and append one, headless Chromium\n\
                 \x20               bot     demo FAQ bot accuracy on its held-apart questions\n\
                 \x20               server  messages/s, latency, RSS beside an echo server (--n sockets)\n\
                 bytemap [WASM] [--top N]\n\
                 \x20             the chat wasm's code by crate and its largest functions (before wasm-opt)\n\
                 fuzz [TARGET] [SECS]\n\
                 \x20             a cargo-fuzz target, params (default) or api, for SECS (300)\n\
                 build-client  release-build the visitor client into dist/, the agents' workbench into\n\
                 \x20             dist/agent/ and the loader into dist/sdk/"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// An error message for the user.
pub type Result<T = ()> = std::result::Result<T, String>;

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    // `cargo xtask` runs in the invoking directory: prefer the workspace around it.
    // Checkouts that share one CARGO_TARGET_DIR share the `target/debug/xtask` binary,
    // whose compiled-in manifest path is whichever checkout built it last.
    if let Ok(cwd) = std::env::current_dir() {
        if let Some(dir) = cwd
            .ancestors()
            .find(|d| d.join("xtask/Cargo.toml").is_file())
        {
            return dir.to_path_buf();
        }
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// Runs a command in the workspace root with the pinned tools first on PATH, echoing it.
pub fn run(cmd: &mut Command) -> Result {
    cmd.current_dir(root())
        .env("PATH", tools::path_with_tools());
    eprintln!("$ {}", describe(cmd));
    let status = cmd
        .status()
        .map_err(|e| format!("could not start {}: {e}", describe(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(cmd)))
    }
}

fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// Release-builds the visitor client with Trunk into `dist/` (size profile, wasm-opt -Oz).
/// `--offline` makes a missing pinned tool an error rather than a download attempt.
/// `dist/` is named here because Trunk.toml's `dist` is the dev loop's folder, so that
/// `trunk serve` never replaces this build.
///
/// Two bundles of the one client crate: the chat pages (`index.html` into `dist/`) and
/// the leave-message and ticket pages (`leave.html` into `dist/leave/`, served under
/// `/leave/`), each with only its pages' feature, so a chat visitor never downloads the
/// leave pages. The chat's build comes first: Trunk empties its `--dist` folder.
pub fn build_client() -> Result {
    run(cargo().args(["fetch"]))?;
    let trunk = ["build", "--release", "--offline", "--no-default-features"];
    run(Command::new("trunk").args(trunk).args([
        "--features",
        "chat-pages",
        "--dist",
        "dist",
        "index.html",
    ]))?;
    run(Command::new("trunk").args(trunk).args([
        "--features",
        "leave-pages",
        "--dist",
        "dist/leave",
        "--public-url",
        "/leave/",
        "leave.html",
    ]))?;
    // After the visitor client (whose first Trunk run empties `dist/`), its own bundle in
    // `dist/agent/`, served at `/agent/`.
    build_workbench()?;
    // After Trunk, which replaces what `dist/` held.
    loader::build()?;
    // Last, once every bundle is in `dist/`: the `.br` / `.gz` the server sends.
    let started = Instant::now();
    let count = precompress::run(&root().join("dist"))?;
    eprintln!(
        "precompressed {count} files in dist/ (brotli 11, gzip -9) in {:.1?}",
        started.elapsed()
    );
    Ok(())
}

/// Release-builds the agents' workbench (`crates/parley-workbench`) with its own
/// Trunk.toml into `dist/agent/`, public at `/agent/`, so the visitor bundle carries
/// none of it.
pub fn build_workbench() -> Result {
    let dir = root().join("crates/parley-workbench");
    let dist = root().join("dist/agent");
    let mut trunk = Command::new("trunk");
    trunk
        .args([
            "build",
            "--release",
            "--offline",
            "--public-url",
            "/agent/",
            "--dist",
        ])
        .arg(&dist);
    eprintln!("$ (in crates/parley-workbench) {}", describe(&trunk));
    let status = trunk
        .current_dir(&dir)
        .env("PATH", tools::path_with_tools())
        .status()
        .map_err(|e| format!("could not start trunk: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the workbench's trunk build failed ({status})"))
    }
}

fn serve(args: &[String]) -> Result {
    tools::setup()?;
    build_client()?;
    run(cargo().args(["build", "--release", "-p", "parley-server"]))?;
    let bind = args
        .first()
        .cloned()
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let base = format!("http://{bind}");
    println!("\nParley is starting on {base} (SQLite file data/parley.db, config/demo.toml).");
    println!("Open:");
    println!("  PC chat        {base}/chat/pc/v2/index.html?sysnum=demo&locale=en");
    println!("  H5 chat        {base}/chat/h5/v2/index.html?sysnum=demo&locale=en");
    println!("  中文 (zh)      {base}/chat/pc/v2/index.html?sysnum=demo");
    // The demo shop is served at the server's other loopback name, so the chat is on
    // another origin than the page, as on a real site (the demo allows any site).
    let shop = match bind.strip_prefix("127.0.0.1") {
        Some(port) => format!("http://localhost{port}"),
        None => base.clone(),
    };
    println!("  Demo shop      {shop}/demo/shop.html   (the access code on another origin)");
    println!("  Workbench      {base}/agent/   (agents; company ID demo)");
    println!(
        "                 demo logins: alice / alice-demo (an admin: Reports, Admin), \
         bob / bob-demo, carol / carol-demo"
    );
    println!("                 the overflow partner: company ID outlet, dave / dave-demo");
    println!("                 (demo passwords work only with --demo, as here)");
    println!(
        "  Access code    paste it into any page with x.src = \"{base}/chat/frame/v2/entrance.js?sysnum=demo\""
    );
    println!("Stop with Ctrl-C.\n");
    let server = root().join("target/release/parley-server");
    run(Command::new(server)
        .args([
            "--demo",
            "--bind",
            &bind,
            "--config",
            "config/demo.toml",
            "--dist",
            "dist",
        ])
        .env(
            "DATABASE_URL",
            std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://data/parley.db".into()),
        ))
}

/// One step of the suite, timed.
fn step<T>(name: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    eprintln!("\n==> {name}");
    let started = Instant::now();
    let r = f();
    eprintln!(
        "<== {name}: {} in {:.0?}",
        if r.is_ok() { "ok" } else { "FAILED" },
        started.elapsed()
    );
    r
}

fn test(args: &[String]) -> Result {
    let quick = args.iter().any(|a| a == "--no-e2e");
    let started = Instant::now();
    step("the server's layering rules", || rules::check(&root()))?;
    step("setup", tools::setup)?;
    step("rustfmt", || run(cargo().args(["fmt", "--all", "--check"])))?;
    step("clippy (native)", || {
        run(cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    step("clippy (wasm32)", || {
        // The protocol crate's tests use proptest, which has no wasm32 randomness source:
        // lint its library for wasm32 and its tests on the host (above).
        let wasm = ["--target", "wasm32-unknown-unknown"];
        let deny = ["--", "-D", "warnings"];
        // The features of the wasm-bindgen tests below, so their build is shared.
        run(cargo()
            .args(["clippy", "-p", "parley-client", "--all-targets"])
            .args(["--features", "bundled-locales"])
            .args(wasm)
            .args(deny))?;
        run(cargo()
            .args(["clippy", "-p", "parley-workbench", "--all-targets"])
            .args(wasm)
            .args(deny))?;
        run(cargo()
            .args(["clippy", "-p", "parley-protocol", "--lib"])
            .args(wasm)
            .args(deny))
    })?;
    step("release build of the visitor client", build_client)?;
    let pg = step("start a throwaway PostgreSQL", pg::Cluster::start)?;
    let pg_url = pg.url();
    // Every test's temporary files, Chromium's included, go in one folder that is removed
    // at the end. Chromium leaves a `scoped_dir` of tens of MB in $TMPDIR whenever its
    // driver is killed rather than asked to quit, and those piled up to gigabytes.
    let tmp = std::env::temp_dir().join(format!("parley-test-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).map_err(|e| format!("creating {}: {e}", tmp.display()))?;
    let result = (|| {
        // One `cargo test` for every host test, e2e included: cargo unifies features per
        // invocation, so testing the e2e crate on its own rebuilt half the dependency
        // graph (about 4 minutes on 2 cores).
        let mut host = cargo();
        host.args(["test", "--workspace"]);
        if quick {
            host.args(["--exclude", "parley-e2e"]);
        }
        step(
            "host tests: unit, server integration (SQLite + PostgreSQL), end-to-end \
             (release client + real server + headless Chromium)",
            || {
                run(host
                    .env("TMPDIR", &tmp)
                    .env("PARLEY_TEST_PG_URL", &pg_url)
                    .env("PARLEY_DIST", root().join("dist"))
                    .env("CHROMEDRIVER", tools::CHROMEDRIVER))
            },
        )?;
        step("wasm-bindgen tests in headless Chromium", || {
            run(cargo()
                .args([
                    "test",
                    "-p",
                    "parley-client",
                    // No server puts the page's language into the page here.
                    "--features",
                    "bundled-locales",
                    "--target",
                    "wasm32-unknown-unknown",
                ])
                .env("TMPDIR", &tmp)
                .env("CHROMEDRIVER", tools::CHROMEDRIVER))
        })?;
        Ok(())
    })();
    drop(pg);
    let _ = std::fs::remove_dir_all(&tmp);
    eprintln!(
        "\nxtask test: {} in {:.0?}",
        if result.is_ok() {
            "all passed"
        } else {
            "FAILED"
        },
        started.elapsed()
    );
    result
}

/// The cargo-fuzz targets in `fuzz/`.
const FUZZ_TARGETS: &[&str] = &["params", "api"];

/// Runs a cargo-fuzz target (`params`, the parameter parser, by default; `api`, the HTTP
/// API's JSON bodies against the real router). cargo-fuzz needs nightly compiler flags;
/// `RUSTC_BOOTSTRAP=1` lets this machine's stable toolchain accept them, since no other
/// toolchain can be installed here.
fn fuzz(args: &[String]) -> Result {
    let (target, rest) = match args.first() {
        Some(t) if FUZZ_TARGETS.contains(&t.as_str()) => (t.as_str(), &args[1..]),
        _ => ("params", args),
    };
    let seconds = rest.first().map(String::as_str).unwrap_or("300");
    seconds.parse::<u32>().map_err(|_| {
        format!("fuzz takes a target ({FUZZ_TARGETS:?}) and seconds, not {seconds:?}")
    })?;
    tools::install_cargo_fuzz()?;
    run(cargo()
        .args([
            "fuzz",
            "run",
            target,
            "--",
            &format!("-max_total_time={seconds}"),
        ])
        .env("RUSTC_BOOTSTRAP", "1"))
}
