//! `cargo xtask bench`: measurements that would be flaky as tests.
//!
//! Sections: `size` (the release bundle, raw / gzip -9 / brotli 11; the agents'
//! workbench's own bundle in `dist/agent/`; and the host-page
//! loader as served from `dist/sdk/`: its entry and each lazy part, raw and the `.gz` /
//! `.br` files the server sends) and `server`
//! (messages/s, round-trip latency and RSS per idle socket of Parley beside a bare
//! tokio-tungstenite echo server, at N = 1,000 and 10,000 sockets on loopback, flat out;
//! then round-trip latency at a fixed 1,000 messages/s on SQLite and PostgreSQL) and `bot`
//! (the demo FAQ bot's top-1 accuracy and off-topic unknown rate on the held-apart set in
//! `crates/parley-reception/eval/demo.toml`).
//!
//! `load`: navigation-to-interactive time of the PC chat page in headless Chromium (the
//! `parley-interactive` performance mark the page sets once the composer is on screen,
//! measured from navigation start), the median of `PARLEY_LOAD_RUNS` (default 12) cold
//! loads, each in a fresh browser profile, against the real server on loopback; and
//! what the first of those loads transferred (the sum of the Performance API's
//! `transferSize`: the page, wasm, scripts, styles and API calls as sent, compressed).
//! It runs the ignored e2e test `chat::navigation_to_interactive`.
//!
//! `workbench`: the agents' workbench with a conversation of 2,000 messages, in headless
//! Chromium against the real server and the release bundle: the time from the click in
//! the inbox until the newest message is in the DOM and laid out, and until the whole
//! history is loaded (older rows wait behind "Show earlier messages"), and the time
//! to append one more (from the visitor's send, and from the socket's event: the render
//! alone), the median of five. It runs the ignored e2e test
//! `workbench::open_and_append_in_a_long_conversation`.
//!
//! `chat-history`: the visitor's PC chat with a conversation of 2,000 messages, in
//! headless Chromium against the real server and the release bundle: the reload until
//! the newest rows are up, the render of all 2,000 as the visitor scrolls them in 100 at
//! a time (the sum of each page's arrival -> rows in the DOM and laid out, beside the
//! wall time), and the time to append one more (from the agent's send, and from the
//! socket's event: the render alone), the median of five. It runs the ignored e2e test
//! `chat::render_and_append_in_a_long_conversation`.
//!
//! `cargo xtask bench [size] [load] [workbench] [chat-history] [server] [bot] [--n 1000,10000]`:
//! no section runs them all;
//! `--n` (or `PARLEY_BENCH_N`) overrides the server section's socket counts.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::{build_client, cargo, describe, root, run as run_cmd, tools, Result};

pub fn run(args: &[String]) -> Result {
    let mut sections = Vec::new();
    let mut ns = std::env::var("PARLEY_BENCH_N").ok();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--n" => ns = Some(it.next().ok_or("--n needs a list, e.g. 100,200")?.clone()),
            "size" | "load" | "workbench" | "chat-history" | "server" | "bot" => {
                sections.push(a.as_str())
            }
            other => return Err(format!("bench: unknown section or option {other:?}")),
        }
    }
    let want = |s: &str| sections.is_empty() || sections.contains(&s);
    if want("size") {
        tools::setup()?;
        build_client()?;
        bundle_sizes(&root().join("dist"), "the chat pages' bundle (dist/)", true)?;
        bundle_sizes(
            &root().join("dist/leave"),
            "the leave-message and ticket pages' bundle (dist/leave/)",
            true,
        )?;
        loader_sizes(&root().join("dist/sdk"))?;
        // Its own bundle: visitors never load it.
        bundle_sizes(
            &root().join("dist/agent"),
            "agents' workbench (dist/agent/)",
            false,
        )?;
    }
    if want("load") {
        tools::setup()?;
        if !want("size") {
            build_client()?;
        }
        ignored_e2e("chat::navigation_to_interactive")?;
    }
    if want("workbench") {
        tools::setup()?;
        if !want("size") && !want("load") {
            build_client()?;
        }
        ignored_e2e("workbench::open_and_append_in_a_long_conversation")?;
    }
    if want("chat-history") {
        tools::setup()?;
        if !want("size") && !want("load") && !want("workbench") {
            build_client()?;
        }
        ignored_e2e("chat::render_and_append_in_a_long_conversation")?;
    }
    if want("bot") {
        run_cmd(cargo().args([
            "run",
            "--release",
            "-p",
            "parley-reception",
            "--example",
            "faq_eval",
        ]))?;
    }
    if want("server") {
        let ns = match ns {
            Some(list) => list
                .split(',')
                .map(|n| n.trim().parse::<usize>().map_err(|_| format!("--n: {n:?}")))
                .collect::<Result<Vec<_>>>()?,
            None => vec![1_000, 10_000],
        };
        server(&ns)?;
    }
    Ok(())
}

/// The issue's "fixed realistic load": messages per second, visitors' and replies'.
const FIXED_RATE: u32 = 1_000;

/// Runs one ignored e2e measurement (`test`, its exact path in the e2e suite) against
/// the release bundles in `dist/`, passing its printed numbers through.
fn ignored_e2e(test: &str) -> Result {
    run_cmd(
        cargo()
            .args([
                "test",
                "-p",
                "parley-e2e",
                "--test",
                "e2e",
                "--",
                "--ignored",
                "--exact",
                test,
                "--nocapture",
            ])
            .env("PARLEY_DIST", root().join("dist")),
    )
}

/// One row of the server table.
struct Row {
    scenario: &'static str,
    n: usize,
    cells: std::result::Result<Vec<String>, String>,
}

/// Runs the load example against the echo ceiling and Parley at each N, then prints
/// one table.
fn server(ns: &[usize]) -> Result {
    run_cmd(cargo().args([
        "build",
        "--release",
        "-p",
        "parley-server",
        "--bin",
        "parley-server",
        "--example",
        "load",
    ]))?;
    let release = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
        .join("release");
    let load = release.join("examples/load");
    let server = release.join("parley-server");
    // A throwaway PostgreSQL for the one- and two-instance rows on PostgreSQL.
    let pg = crate::pg::Cluster::start()?;
    let mut rows = Vec::new();
    // Flat out at every N, then the fixed realistic load (1,000 messages/s) at the
    // first N on each store: that row's latency is what a visitor waits for a reply on
    // a busy day, where the flat-out rows say how much the server can take.
    let fixed = ns.first().map(|&n| {
        [
            ("parley@1000/s", n, FIXED_RATE),
            ("parley-pg@1000/s", n, FIXED_RATE),
        ]
    });
    let flat = ns.iter().flat_map(|&n| {
        ["echo", "parley", "parley-pg", "parley-2-pg"]
            .into_iter()
            .map(move |s| (s, n, 0))
    });
    for (scenario, n, rate) in flat.chain(fixed.into_iter().flatten()) {
        let mut cmd = Command::new(&load);
        cmd.current_dir(root())
            .arg(if scenario == "echo" { "echo" } else { "parley" })
            .arg(n.to_string())
            .arg("--server")
            .arg(&server)
            .arg("--config")
            .arg(root().join("config/demo.toml"));
        if scenario.starts_with("parley-") {
            cmd.arg("--database").arg(pg.url());
        }
        if scenario == "parley-2-pg" {
            cmd.args(["--instances", "2"]);
        }
        if rate > 0 {
            cmd.arg("--rate").arg(rate.to_string());
        }
        let cells = load_run(&mut cmd);
        if let Err(e) = &cells {
            eprintln!("bench server: {scenario} N = {n}: {e}");
        }
        rows.push(Row { scenario, n, cells });
    }
    println!(
        "
server on loopback (127.0.0.1), 2 messages per round trip (visitor's + reply):"
    );
    println!(
        "  all N sockets stay open and idle for the RSS column; only the first min(N, 500) \
         'active' ones exchange messages for messages/s and latency (20 round trips each)."
    );
    println!(
        "  parley: visitor -> agent (alice/bob/carol) -> visitor over the real release server, \
         SQLite; parley-pg: the same on PostgreSQL; parley-2-pg: two instances on one \
         PostgreSQL, visitors on one and agents on the other (every message crosses the \
         bus; RSS is the visitors' instance); echo: bare tokio-tungstenite echo server \
         (the ceiling); @1000/s: the same paced at a fixed 1,000 messages/s, latency counted \
         from when each message was due."
    );
    println!(
        "{:<16} {:>6} {:>7} {:>11} {:>8} {:>8} {:>16}",
        "scenario", "N", "active", "messages/s", "p50 ms", "p99 ms", "RSS/idle sock KiB"
    );
    let mut failed = 0;
    for row in &rows {
        match &row.cells {
            Ok(c) => println!(
                "{:<16} {:>6} {:>7} {:>11} {:>8} {:>8} {:>16}",
                row.scenario, row.n, c[0], c[1], c[2], c[3], c[4]
            ),
            Err(_) => {
                failed += 1;
                println!("{:<16} {:>6} FAILED (see above)", row.scenario, row.n);
            }
        }
    }
    drop(pg);
    if failed > 0 {
        return Err(format!("bench server: {failed} scenario(s) failed"));
    }
    Ok(())
}

/// Runs one load scenario, passing its output through, and returns the cells of its
/// `BENCH` line (active, messages/s, p50, p99, RSS per idle socket).
fn load_run(cmd: &mut Command) -> Result<Vec<String>> {
    eprintln!("$ {}", describe(cmd));
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", describe(cmd)))?;
    let stdout = child.stdout.take().expect("piped stdout");
    let mut cells = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| format!("reading the load output: {e}"))?;
        match line.strip_prefix("BENCH\t") {
            Some(rest) => {
                let fields: Vec<String> = rest.split('\t').map(str::to_owned).collect();
                if fields.len() == 7 {
                    cells = Some(fields[2..].to_vec());
                }
            }
            None => println!("{line}"),
        }
    }
    let status = child.wait().map_err(|e| format!("load: {e}"))?;
    match cells {
        Some(c) if status.success() => Ok(c),
        _ => Err(format!("the load run failed ({status})")),
    }
}

fn gzip_len(data: &[u8]) -> usize {
    crate::loader::gzip(data).len()
}

fn brotli_len(data: &[u8]) -> usize {
    crate::loader::brotli(data).len()
}

/// Prints a table of every file a first load fetches, and the total.
/// `index.html` with the largest language's messages put in as the server does
/// (`parley_server::routes::pages::locale_element`: the `locales/<code>/*.ftl` files in
/// `MESSAGE_AREAS` order, each followed by a newline, in a `text/plain` script element
/// before `</head>`).
fn page_as_served(dist: &Path, html: &[u8]) -> std::result::Result<Vec<u8>, String> {
    let html = String::from_utf8_lossy(html);
    let mut largest = html.clone().into_owned();
    let mut largest_br = 0;
    let locales = dist.join("locales");
    let codes = std::fs::read_dir(&locales).map_err(|e| format!("{}: {e}", locales.display()))?;
    for code in codes.flatten() {
        let name = code.file_name().to_string_lossy().into_owned();
        let mut text = String::new();
        for area in ["main", "chat", "leave", "cards"] {
            let file = code.path().join(format!("{area}.ftl"));
            text +=
                &std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            text.push('\n');
        }
        let element =
            format!("<script type=\"text/plain\" id=\"parley-locale\" data-locale=\"{name}\">{text}</script>");
        let page = html.replacen("</head>", &format!("{element}</head>"), 1);
        let br = brotli_len(page.as_bytes());
        if br > largest_br {
            largest_br = br;
            largest = page;
        }
    }
    Ok(largest.into_bytes())
}

/// Prints the wasm, js, css and html files of the bundle in `dir`, raw / gzip / brotli,
/// and the total. With `languages`, an html page is counted as the server sends a
/// visitor page: with its largest language inlined ([`page_as_served`]).
fn bundle_sizes(dir: &Path, what: &str, languages: bool) -> Result {
    let mut rows = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default()
            .to_owned();
        if !["wasm", "js", "css", "html"].contains(&ext.as_str()) {
            continue;
        }
        let mut data = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if languages && ext == "html" {
            data = page_as_served(&root().join("dist"), &data)?;
        }
        rows.push((ext, data.len(), gzip_len(&data), brotli_len(&data)));
    }
    rows.sort();
    if languages {
        println!("\n{what}, bytes (html: the page as served, with its language");
        println!("inlined by the server; the largest of the 17 languages is counted):");
    } else {
        println!("\n{what}, bytes:");
    }
    println!(
        "{:<6} {:>10} {:>10} {:>10}",
        "file", "raw", "gzip -9", "brotli 11"
    );
    let mut total = (0, 0, 0);
    for (ext, raw, gz, br) in &rows {
        println!("{ext:<6} {raw:>10} {gz:>10} {br:>10}");
        total = (total.0 + raw, total.1 + gz, total.2 + br);
    }
    println!(
        "{:<6} {:>10} {:>10} {:>10}",
        "total", total.0, total.1, total.2
    );
    Ok(())
}

/// The host-page loader as the server sends it (`dist/sdk/`, built by
/// `crate::loader::build`): the entry `entrance.js` (the first script a page loads), then
/// each lazy part and the visitor frame's script; raw and the precompressed files.
fn loader_sizes(dir: &Path) -> Result {
    let size = |path: &Path| std::fs::metadata(path).map(|m| m.len() as usize).ok();
    let mut rows = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".js") {
            continue;
        }
        let path = entry.path();
        let raw = size(&path).unwrap_or(0);
        let gz = size(&dir.join(format!("{name}.gz"))).unwrap_or(0);
        let br = size(&dir.join(format!("{name}.br"))).unwrap_or(0);
        rows.push((name != "entrance.js", name, raw, gz, br));
    }
    rows.sort();
    println!("\nhost-page loader (dist/sdk/), bytes as served (the .gz / .br files):");
    println!(
        "{:<32} {:>8} {:>8} {:>8}",
        "file", "raw", "gzip -9", "brotli 11"
    );
    for (_, name, raw, gz, br) in &rows {
        let what = if name == "entrance.js" {
            "entrance.js (entry)".to_owned()
        } else {
            name.clone()
        };
        println!("{what:<32} {raw:>8} {gz:>8} {br:>8}");
    }
    println!(
        "(the entry's gzip budget is {} bytes; lazy parts load only when a page uses them)",
        crate::loader::ENTRY_GZIP_BUDGET
    );
    Ok(())
}
