//! Load generator for `cargo xtask bench server`:
//!
//! ```text
//! cargo run --release -p parley-server --example load -- parley|echo [N]
//!     [--active A] [--each E] [--rate R] [--server PATH] [--config PATH]
//! ```
//!
//! * `parley N` spawns the release `parley-server` binary (default: next to this
//!   example's directory, `target/release/parley-server`) as a separate process on
//!   127.0.0.1, on a fresh SQLite file in a temp dir, with a copy of `config/demo.toml`
//!   whose agent capacities are raised to A (the demo's 5/3/5 could not hold A
//!   conversations). The demo agents alice, bob and carol sign in and open `/ws/agent`;
//!   N visitors init over HTTP (the first A agent-only and accepted by an agent in turn,
//!   the rest bot-only so they do not queue) and open `/ws/visitor`. Each of the A
//!   active visitors then sends E messages one at a time and waits for the agent's echo
//!   reply (visitor → agent → visitor round trip).
//! * `echo N` spawns this binary as a bare tokio-tungstenite echo server (`echo-server`
//!   mode) and does the same with N sockets, A of them exchanging the same frames.
//! * `--database URL` runs Parley on that store instead of a SQLite file: a PostgreSQL
//!   server's URL, on which a fresh database is made for the run. `--instances 2`
//!   (PostgreSQL only) starts two servers on it: the visitors on the first, the agents
//!   on the second, so every message and reply crosses the bus between them.
//!
//! * `--rate R` paces the load instead of running it flat out: the A active visitors
//!   together send R/2 messages per second (R messages/s with the replies), each on a
//!   fixed schedule, spread evenly. A round trip's latency is measured from the moment
//!   its message was *due*, not when it went out, so a server that falls behind shows it
//!   in the percentiles instead of slowing the load down (no coordinated omission). This
//!   is the issue's "latency at a fixed realistic load" row.
//!
//! Reported: messages per second (two per round trip: the visitor's and the reply),
//! round-trip p50/p99, and the server process's resident memory per idle socket
//! (`VmRSS` of the server pid before and after opening all N sockets, divided by N).
//! All N sockets stay open and idle for the RSS figure; only the first A exchange
//! messages. The last stdout line is machine-readable (`BENCH\t…`, for xtask).
//!
//! Bounds: everything targets 127.0.0.1; each scenario has a hard 120-second timeout;
//! every round trip a 10-second one; sockets open at most 200 at a time. Client sockets
//! come from several 127.0.x.y source addresses, at most 50 visitors each, so the
//! server's per-IP limit on `/api/chat/init` (bursts of 60) does not refuse them. The
//! open-files limit is raised to the hard limit (by re-executing through `sh -c ulimit`,
//! since the workspace forbids `unsafe`); the server child inherits it.

use std::io::BufRead;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::{stream, SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

type Ws = WebSocketStream<TcpStream>;
type Res<T = ()> = Result<T, String>;

const SCENARIO_TIMEOUT: Duration = Duration::from_secs(120);
const ROUND_TRIP_TIMEOUT: Duration = Duration::from_secs(10);
const OPEN_CONCURRENCY: usize = 200;
const INIT_CONCURRENCY: usize = 50;
const PER_SOURCE_IP: usize = 50;
/// Idle keep-alive connections each init client keeps.
const IDLE_PER_CLIENT: usize = 4;
const DEFAULT_ACTIVE: usize = 500;
const DEFAULT_EACH: usize = 20;
const AGENTS: [(&str, &str); 3] = [
    ("alice", "alice-demo"),
    ("bob", "bob-demo"),
    ("carol", "carol-demo"),
];
const REEXEC_ENV: &str = "PARLEY_LOAD_REEXEC";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Parley,
    Echo,
}

#[derive(Debug)]
struct Opts {
    mode: Mode,
    n: usize,
    active: usize,
    each: usize,
    server: PathBuf,
    config: PathBuf,
    /// A PostgreSQL server URL (a fresh database is made on it), else SQLite.
    database: Option<String>,
    /// 1, or 2: visitors on one instance, agents on the other.
    instances: usize,
    /// Messages per second (visitors' and replies') to pace the load at; flat out if None.
    rate: Option<f64>,
}

fn usage() -> String {
    "usage: load parley|echo [N] [--active A] [--each E] [--rate R] [--server PATH]\n       \
     \x20         [--config PATH]\n       \
     \x20         [--database POSTGRES-URL [--instances 2]]\n       \
     load echo-server   (internal: the bare echo server)"
        .into()
}

fn parse(args: &[String]) -> Res<Opts> {
    let exe = std::env::current_exe().map_err(|e| format!("current exe: {e}"))?;
    // target/release/examples/load → target/release/parley-server
    let server = exe
        .parent()
        .and_then(|d| d.parent())
        .map(|d| d.join("parley-server"))
        .unwrap_or_else(|| PathBuf::from("parley-server"));
    let config = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../config/demo.toml");
    let mut it = args.iter();
    let mode = match it.next().map(String::as_str) {
        Some("parley") => Mode::Parley,
        Some("echo") => Mode::Echo,
        _ => return Err(usage()),
    };
    let mut o = Opts {
        mode,
        n: 1000,
        active: 0,
        each: DEFAULT_EACH,
        server,
        config,
        database: None,
        instances: 1,
        rate: None,
    };
    let mut active = None;
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{a} needs a value"))
        };
        let number = |v: String| v.parse::<usize>().map_err(|_| format!("{a}: {v:?}"));
        match a.as_str() {
            "--active" => active = Some(number(value()?)?),
            "--each" => o.each = number(value()?)?,
            "--server" => o.server = value()?.into(),
            "--config" => o.config = value()?.into(),
            "--database" => o.database = Some(value()?),
            "--instances" => o.instances = number(value()?)?.clamp(1, 2),
            "--rate" => {
                let v = value()?;
                let rate = v.parse::<f64>().map_err(|_| format!("--rate: {v:?}"))?;
                if !(rate.is_finite() && rate > 0.0) {
                    return Err(format!("--rate must be a positive number, not {v:?}"));
                }
                o.rate = Some(rate);
            }
            n => o.n = n.parse().map_err(|_| usage())?,
        }
    }
    if o.n == 0 || o.each == 0 {
        return Err("N and --each must be at least 1".into());
    }
    o.active = active.unwrap_or(DEFAULT_ACTIVE).clamp(1, o.n);
    if o.instances == 2 && o.database.is_none() {
        return Err("--instances 2 needs --database (PostgreSQL)".into());
    }
    Ok(o)
}

/// The soft open-files limit of this process.
fn nofile_soft() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let soft = line.split_whitespace().nth(3)?;
    Some(if soft == "unlimited" {
        u64::MAX
    } else {
        soft.parse().ok()?
    })
}

/// Re-runs this process through `sh -c 'ulimit -n HARD'` once when the open-files limit
/// is below what N sockets need. Returns only when no re-exec happened.
fn raise_nofile(needed: u64) {
    if nofile_soft().unwrap_or(0) >= needed || std::env::var_os(REEXEC_ENV).is_some() {
        return;
    }
    let script = r#"h=$(ulimit -Hn); if [ "$h" = unlimited ] || [ "$h" -gt 65536 ]; then h=65536; fi
ulimit -n "$h" 2>/dev/null; exec "$0" "$@""#;
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let status = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(exe)
        .args(std::env::args().skip(1))
        .env(REEXEC_ENV, "1")
        .status();
    match status {
        Ok(s) => std::process::exit(s.code().unwrap_or(1)),
        Err(e) => eprintln!("load: could not raise the open-files limit via sh: {e}"),
    }
}

fn rss_kib(pid: u32) -> Res<u64> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("no VmRSS in {path}"))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// The loopback source address of visitor `v`: 127.0.x.y, at most [`PER_SOURCE_IP`]
/// visitors each.
fn source_ip(v: usize) -> IpAddr {
    let g = v / PER_SOURCE_IP;
    IpAddr::V4(Ipv4Addr::new(
        127,
        0,
        1 + (g / 250) as u8,
        1 + (g % 250) as u8,
    ))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("echo-server") {
        return echo_server();
    }
    let opts = match parse(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("load: {e}");
            std::process::exit(2);
        }
    };
    let needed = opts.n as u64 + 1024;
    raise_nofile(needed);
    let soft = nofile_soft().unwrap_or(0);
    if soft < needed {
        eprintln!(
            "load: the open-files limit is {soft}, {needed} are needed for N = {}; \
             raise the hard limit (ulimit -Hn)",
            opts.n
        );
        std::process::exit(1);
    }
    let code = match bench(&opts) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("load: {e}");
            1
        }
    };
    std::process::exit(code);
}

/// A server child process, killed when dropped.
struct Server {
    child: std::process::Child,
    addr: SocketAddr,
    _dir: Option<tempfile::TempDir>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn bench(o: &Opts) -> Res {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    let database = match (&o.database, o.mode) {
        (Some(url), Mode::Parley) => rt.block_on(fresh_database(url))?,
        _ => String::new(),
    };
    let server = match o.mode {
        Mode::Parley => spawn_parley(o, &database)?,
        Mode::Echo => spawn_echo()?,
    };
    // The second instance starts once the first has migrated the store.
    let second = if o.instances == 2 {
        rt.block_on(wait_ready(server.addr, &server))?;
        Some(spawn_parley(o, &database)?)
    } else {
        None
    };
    let result = rt.block_on(async {
        match tokio::time::timeout(SCENARIO_TIMEOUT, scenario(o, &server, second.as_ref())).await {
            Ok(r) => r,
            Err(_) => Err(format!(
                "did not finish within {} s",
                SCENARIO_TIMEOUT.as_secs()
            )),
        }
    });
    drop(second);
    drop(server);
    rt.shutdown_timeout(Duration::from_secs(1));
    result
}

/// A new database on the PostgreSQL server of `admin` (its URL), for one run.
async fn fresh_database(admin: &str) -> Res<String> {
    use sqlx::Connection;
    let name = format!("parley_load_{}", std::process::id());
    let mut conn = sqlx::PgConnection::connect(admin)
        .await
        .map_err(|e| format!("{admin}: {e}"))?;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&mut conn)
        .await
        .map_err(|e| format!("drop database: {e}"))?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .map_err(|e| format!("create database: {e}"))?;
    let base = admin.rsplit_once('/').map_or(admin, |(b, _)| b);
    Ok(format!("{base}/{name}"))
}

fn free_port() -> Res<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
    Ok(l.local_addr().map_err(|e| e.to_string())?.port())
}

/// Starts one Parley server, on `database` (a PostgreSQL URL) or, when it is empty, a
/// fresh SQLite file.
fn spawn_parley(o: &Opts, database: &str) -> Res<Server> {
    let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let demo =
        std::fs::read_to_string(&o.config).map_err(|e| format!("{}: {e}", o.config.display()))?;
    // The demo config, with room for every active conversation, and FAQ files found
    // from the temp dir.
    let absolute =
        std::fs::canonicalize(&o.config).map_err(|e| format!("{}: {e}", o.config.display()))?;
    let base = absolute.parent().unwrap_or(std::path::Path::new("/"));
    // The load measures the server, not the per-visitor quota: every tenant of the
    // file gets a limits table with no practical message limit, written at the end of
    // its own section (before the next `[[tenant]]`, and at the end of the file). Only
    // at the very end would it belong to the last tenant alone (`config/demo.toml` has
    // two since the overflow partner; the demo's burst of 10 then refused every
    // visitor's eleventh message and the run failed).
    const NO_LIMIT: &str = "[tenant.limits]\nmessages_per_minute = 100000000\n";
    let mut tenants = 0;
    let mut config: String = demo
        .lines()
        .map(|l| {
            let t = l.trim_start();
            if t.starts_with("[[tenant]]") {
                tenants += 1;
                if tenants > 1 {
                    return format!("{NO_LIMIT}{l}\n");
                }
                format!("{l}\n")
            } else if t.starts_with("capacity") {
                format!("capacity = {}\n", o.active)
            } else if let Some(file) = t.strip_prefix("faq_file = ") {
                let abs = base.join(file.trim_matches('"'));
                format!("faq_file = {:?}\n", abs.display().to_string())
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    config.push_str(NO_LIMIT);
    let config_path = dir.path().join("demo.toml");
    std::fs::write(&config_path, config).map_err(|e| format!("write config: {e}"))?;
    let addr: SocketAddr = ([127, 0, 0, 1], free_port()?).into();
    let child = Command::new(&o.server)
        .arg("--demo")
        .arg("--bind")
        .arg(addr.to_string())
        .arg("--config")
        .arg(&config_path)
        .arg("--dist")
        .arg(dir.path().join("dist"))
        .arg("--sdk")
        .arg(dir.path().join("sdk"))
        .env(
            "DATABASE_URL",
            if database.is_empty() {
                format!("sqlite://{}", dir.path().join("parley.db").display())
            } else {
                database.to_owned()
            },
        )
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", o.server.display()))?;
    Ok(Server {
        child,
        addr,
        _dir: Some(dir),
    })
}

fn spawn_echo() -> Res<Server> {
    let exe = std::env::current_exe().map_err(|e| format!("current exe: {e}"))?;
    let mut child = Command::new(exe)
        .arg("echo-server")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start the echo server: {e}"))?;
    let mut line = String::new();
    let stdout = child.stdout.take().expect("piped stdout");
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| format!("echo server: {e}"))?;
    let addr = line
        .trim()
        .strip_prefix("LISTENING ")
        .and_then(|a| a.parse().ok());
    let Some(addr) = addr else {
        let _ = child.kill();
        return Err(format!("echo server said {line:?}"));
    };
    Ok(Server {
        child,
        addr,
        _dir: None,
    })
}

/// The ceiling: a bare tokio-tungstenite server echoing every text frame. Exits when
/// its stdin closes (the load process went away).
fn echo_server() {
    std::thread::spawn(|| {
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
        std::process::exit(0);
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        println!("LISTENING {}", listener.local_addr().expect("addr"));
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                continue;
            };
            // As parley-server does (and browsers do), frames go out at once.
            let _ = tcp.set_nodelay(true);
            tokio::spawn(async move {
                let Ok(ws) = tokio_tungstenite::accept_async(tcp).await else {
                    return;
                };
                let (mut tx, mut rx) = ws.split();
                while let Some(Ok(frame)) = rx.next().await {
                    if let Message::Text(_) | Message::Binary(_) = frame {
                        if tx.send(frame).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
}

async fn wait_ready(addr: SocketAddr, server: &Server) -> Res {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if TcpStream::connect(addr).await.is_ok() {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("server not listening on {addr} after 30 s"));
        }
        if !Path::new(&format!("/proc/{}", server.child.id())).exists() {
            return Err("server exited at start".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn post(http: &reqwest::Client, url: String, token: Option<&str>, body: Value) -> Res<Value> {
    let mut r = http.post(&url).json(&body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let response = r.send().await.map_err(|e| format!("POST {url}: {e}"))?;
    let status = response.status();
    if !status.is_success() {
        let text = response.text().await.unwrap_or_default();
        return Err(format!("POST {url}: {status} {text}"));
    }
    response
        .json()
        .await
        .map_err(|e| format!("POST {url}: {e}"))
}

/// A one-time WebSocket ticket for the session `token`.
async fn ws_ticket(http: &reqwest::Client, base: &str, token: &str) -> Res<String> {
    let answer = post(
        http,
        format!("{base}/api/ws/ticket"),
        Some(token),
        json!(null),
    )
    .await?;
    answer["ticket"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| "ws ticket: no ticket".to_owned())
}

/// Opens a WebSocket to `url` (on `addr`) from source address `from`.
async fn open(addr: SocketAddr, from: IpAddr, url: String) -> Res<Ws> {
    let socket = TcpSocket::new_v4().map_err(|e| format!("socket: {e}"))?;
    socket
        .bind(SocketAddr::new(from, 0))
        .map_err(|e| format!("bind {from}: {e}"))?;
    let tcp = socket
        .connect(addr)
        .await
        .map_err(|e| format!("connect {addr}: {e}"))?;
    // Browsers write their WebSocket frames with Nagle's algorithm off; so does the
    // load, or an agent's quick replies would wait for the server's delayed ACK.
    tcp.set_nodelay(true)
        .map_err(|e| format!("TCP_NODELAY: {e}"))?;
    let (ws, _) = tokio_tungstenite::client_async(url.as_str(), tcp)
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    Ok(ws)
}

/// Opens one socket per `(visitor, url)`, [`OPEN_CONCURRENCY`] at a time, in visitor
/// order.
async fn open_all(addr: SocketAddr, urls: Vec<(usize, String)>) -> Res<Vec<Ws>> {
    let mut opened: Vec<(usize, Ws)> = stream::iter(urls)
        .map(|(v, url)| async move { open(addr, source_ip(v), url).await.map(|ws| (v, ws)) })
        .buffer_unordered(OPEN_CONCURRENCY)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Res<_>>()?;
    opened.sort_by_key(|(v, _)| *v);
    Ok(opened.into_iter().map(|(_, ws)| ws).collect())
}

/// Reads and drops everything an idle socket receives (so pings are answered).
fn drain(ws: Ws) {
    tokio::spawn(async move {
        let (_tx, mut rx) = ws.split();
        while let Some(Ok(_)) = rx.next().await {}
    });
}

struct Measured {
    rss_before: u64,
    rss_idle: u64,
    latencies: Vec<Duration>,
    lost: usize,
    elapsed: Duration,
}

async fn scenario(o: &Opts, server: &Server, second: Option<&Server>) -> Res {
    let addr = server.addr;
    wait_ready(addr, server).await?;
    // Agents on the second instance, when there is one.
    let agents = match second {
        Some(s) => {
            wait_ready(s.addr, s).await?;
            s.addr
        }
        None => addr,
    };
    let pid = server.child.id();
    let m = match o.mode {
        Mode::Parley => parley(o, addr, agents, pid).await?,
        Mode::Echo => echo(o, addr, pid).await?,
    };
    report(o, &m)
}

fn report(o: &Opts, m: &Measured) -> Res {
    let mut all = m.latencies.clone();
    all.sort();
    let messages = all.len() * 2;
    let per_second = messages as f64 / m.elapsed.as_secs_f64().max(1e-9);
    let per_socket = m.rss_idle.saturating_sub(m.rss_before) as f64 / o.n as f64;
    let p50 = percentile(&all, 0.50).as_secs_f64() * 1000.0;
    let p99 = percentile(&all, 0.99).as_secs_f64() * 1000.0;
    let name = match (o.mode, o.instances, &o.database) {
        (Mode::Echo, _, _) => "echo",
        (Mode::Parley, 2, _) => "parley-2-pg",
        (Mode::Parley, _, Some(_)) => "parley-pg",
        (Mode::Parley, _, None) => "parley",
    };
    let paced = o
        .rate
        .map(|r| format!(", paced at {r:.0} messages/s"))
        .unwrap_or_default();
    println!(
        "{name}: N = {} sockets open and idle for RSS; {} of them active, {} round trips \
         each{paced}",
        o.n, o.active, o.each
    );
    println!(
        "  {messages} messages (2 per round trip) in {:.2} s = {per_second:.0} messages/s",
        m.elapsed.as_secs_f64()
    );
    println!("  round trip: p50 {p50:.2} ms, p99 {p99:.2} ms");
    println!(
        "  server RSS {} KiB before the sockets, {} KiB with {} idle sockets = {per_socket:.1} \
         KiB per idle socket",
        m.rss_before, m.rss_idle, o.n
    );
    if m.lost > 0 {
        return Err(format!(
            "{} round trips got no answer within {} s",
            m.lost,
            ROUND_TRIP_TIMEOUT.as_secs()
        ));
    }
    println!(
        "BENCH\t{name}\t{}\t{}\t{per_second:.0}\t{p50:.2}\t{p99:.2}\t{per_socket:.1}",
        o.n, o.active
    );
    Ok(())
}

/// When one visitor's round trips are due under `--rate`: the first `offset` after the
/// start, then one every `every`.
#[derive(Debug, Clone, Copy)]
struct Pace {
    every: Duration,
    offset: Duration,
}

/// One visitor's round trips: sends `each` frames, waiting for `answered` to recognise
/// the answer to each. Stops at the first one without an answer in time. Paced, each
/// frame waits for its due time and its latency counts from then (so time spent behind
/// schedule is part of it); flat out, the next frame goes as soon as the answer came.
async fn round_trips(
    ws: Ws,
    v: usize,
    each: usize,
    answered: fn(&str, &str) -> bool,
    start: Instant,
    pace: Option<Pace>,
) -> (Vec<Duration>, usize) {
    let (mut tx, mut rx) = ws.split();
    let mut latencies = Vec::with_capacity(each);
    for i in 0..each {
        let id = format!("v{v}-{i}");
        let e = json!({"type": "send", "client_id": id, "text": format!("hello {i}")});
        let sent = match pace {
            Some(p) => {
                let due = start + p.offset + p.every * i as u32;
                tokio::time::sleep_until(due.into()).await;
                due
            }
            None => Instant::now(),
        };
        if tx.send(Message::Text(e.to_string().into())).await.is_err() {
            return (latencies, each - i);
        }
        let wait = async {
            while let Some(Ok(frame)) = rx.next().await {
                if let Message::Text(t) = frame {
                    if answered(&t, &id) {
                        return true;
                    }
                }
            }
            false
        };
        match tokio::time::timeout(ROUND_TRIP_TIMEOUT, wait).await {
            Ok(true) => latencies.push(sent.elapsed()),
            _ => return (latencies, each - i),
        }
    }
    (latencies, 0)
}

/// Runs the active sockets' round trips concurrently, flat out or, with `rate`
/// (messages per second, two per round trip), each visitor on its own evenly spread
/// schedule.
async fn exchange(
    active: Vec<Ws>,
    each: usize,
    answered: fn(&str, &str) -> bool,
    rate: Option<f64>,
) -> Res<(Vec<Duration>, usize, Duration)> {
    let n = active.len().max(1);
    // Each visitor's period: n visitors, two messages per round trip, `rate` in all.
    let every = rate.map(|r| Duration::from_secs_f64(n as f64 * 2.0 / r));
    let started = Instant::now();
    let tasks: Vec<_> = active
        .into_iter()
        .enumerate()
        .map(|(v, ws)| {
            let pace = every.map(|every| Pace {
                every,
                offset: every.mul_f64(v as f64 / n as f64),
            });
            tokio::spawn(round_trips(ws, v, each, answered, started, pace))
        })
        .collect();
    let (mut all, mut lost) = (Vec::new(), 0);
    for t in tasks {
        let (l, n) = t.await.map_err(|e| format!("visitor task: {e}"))?;
        all.extend(l);
        lost += n;
    }
    Ok((all, lost, started.elapsed()))
}

/// Measures the server's RSS with all sockets open and idle, then keeps the idle ones
/// drained and hands back the first `active` for the exchange.
async fn idle_then_split(
    pid: u32,
    rss_before: u64,
    mut sockets: Vec<Ws>,
    active: usize,
) -> Res<(Measured, Vec<Ws>)> {
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_idle = rss_kib(pid)?;
    for ws in sockets.split_off(active) {
        drain(ws);
    }
    let m = Measured {
        rss_before,
        rss_idle,
        latencies: Vec::new(),
        lost: 0,
        elapsed: Duration::ZERO,
    };
    Ok((m, sockets))
}

async fn echo(o: &Opts, addr: SocketAddr, pid: u32) -> Res<Measured> {
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = rss_kib(pid)?;
    let urls = (0..o.n).map(|v| (v, format!("ws://{addr}/"))).collect();
    let sockets = open_all(addr, urls).await?;
    let (mut m, active) = idle_then_split(pid, before, sockets, o.active).await?;
    let answered: fn(&str, &str) -> bool =
        |t, id| serde_json::from_str::<Value>(t).is_ok_and(|e| e["client_id"] == id);
    (m.latencies, m.lost, m.elapsed) = exchange(active, o.each, answered, o.rate).await?;
    Ok(m)
}

/// Visitors on `addr`, agents on `agents` (the same server, or the second instance).
async fn parley(o: &Opts, addr: SocketAddr, agents: SocketAddr, pid: u32) -> Res<Measured> {
    let base = format!("http://{addr}");
    let agent_base = format!("http://{agents}");
    let local = reqwest::Client::new();

    // Agents sign in and open their sockets; each answers every visitor text in the
    // conversations it holds with an echo carrying the client id, over the socket.
    let mut tokens = Vec::new();
    for (name, password) in AGENTS {
        let r = post(
            &local,
            format!("{agent_base}/api/agent/login"),
            None,
            json!({"sysnum": "demo", "username": name, "password": password}),
        )
        .await?;
        let token = r["token"].as_str().ok_or("login: no token")?.to_owned();
        let ticket = ws_ticket(&local, &agent_base, &token).await?;
        let ws = open(
            agents,
            Ipv4Addr::LOCALHOST.into(),
            format!("ws://{agents}/ws/agent?ticket={ticket}"),
        )
        .await?;
        tokio::spawn(async move {
            let (mut tx, mut rx) = ws.split();
            while let Some(Ok(frame)) = rx.next().await {
                let Message::Text(t) = frame else { continue };
                let Ok(e) = serde_json::from_str::<Value>(&t) else {
                    continue;
                };
                let m = &e["message"];
                if e["type"] == "message" && m["sender"] == "visitor" && m["kind"] == "text" {
                    let reply = json!({"type": "send", "conversation_id": m["conversation_id"],
                        "client_id": format!("r-{}", m["client_id"].as_str().unwrap_or("")),
                        "text": m["text"]});
                    if tx
                        .send(Message::Text(reply.to_string().into()))
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
            }
        });
        tokens.push(token);
    }

    // Visitors init over HTTP from their source addresses: the active ones agent-only
    // in the sales group, which reception assigns at once to alice or carol (online
    // since they signed in); the idle ones bot-only (no queue).
    let clients = (0..o.n.div_ceil(PER_SOURCE_IP))
        .map(|g| {
            // A few idle connections a client: each client's pool would otherwise
            // keep up to INIT_CONCURRENCY of them, and at N = 10,000 those and the
            // sockets together passed the machine's limit of 20,000 open files. They
            // stay open through the RSS readings, so the baseline is taken as before.
            reqwest::Client::builder()
                .pool_max_idle_per_host(IDLE_PER_CLIENT)
                .local_address(source_ip(g * PER_SOURCE_IP))
                .build()
                .map_err(|e| format!("http client: {e}"))
        })
        .collect::<Res<Vec<_>>>()?;
    let (base, clients) = (&base, &clients);
    let visitors: Vec<(usize, String, i64)> = stream::iter(0..o.n)
        .map(|v| async move {
            let http = &clients[v / PER_SOURCE_IP];
            let kind = if v < o.active { 2 } else { 1 };
            let init = post(
                http,
                format!("{base}/api/chat/init"),
                None,
                json!({"query": format!("sysnum=demo&type={kind}&groupid=sales&partnerid=load-v{v}")}),
            )
            .await?;
            if v < o.active && init["reception"]["type"] != "assigned" {
                return Err(format!("visitor {v} was not assigned: {}", init["reception"]));
            }
            let token = init["session_token"].as_str().ok_or("init: no token")?;
            let last = init["conversation"]["last_seq"].as_i64().unwrap_or(0);
            Ok::<_, String>((v, token.to_owned(), last))
        })
        .buffer_unordered(INIT_CONCURRENCY)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Res<_>>()?;
    // Each socket opens with a one-time ticket bought just before (tickets last a
    // minute; opening thousands takes longer than that).
    let urls: Vec<(usize, String)> = stream::iter(visitors)
        .map(|(v, token, last)| async move {
            let ticket = ws_ticket(&clients[v / PER_SOURCE_IP], base, &token).await?;
            Ok::<_, String>((
                v,
                format!("ws://{addr}/ws/visitor?ticket={ticket}&last_seq={last}"),
            ))
        })
        .buffer_unordered(INIT_CONCURRENCY)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Res<_>>()?;

    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = rss_kib(pid)?;
    let sockets = open_all(addr, urls).await?;
    let (mut m, active) = idle_then_split(pid, before, sockets, o.active).await?;
    let answered: fn(&str, &str) -> bool = |t, id| {
        serde_json::from_str::<Value>(t).is_ok_and(|e| {
            e["type"] == "message"
                && e["message"]["client_id"]
                    .as_str()
                    .and_then(|c| c.strip_prefix("r-"))
                    == Some(id)
        })
    };
    let groups_before = group_commits(&local, &[base, &agent_base]).await;
    (m.latencies, m.lost, m.elapsed) = exchange(active, o.each, answered, o.rate).await?;
    let groups_after = group_commits(&local, &[base, &agent_base]).await;
    if let (Some((g0, n0)), Some((g1, n1))) = (groups_before, groups_after) {
        let (g, n) = (g1 - g0, n1 - n0);
        println!(
            "  group commits during the exchange: {g} storing {n} messages ({:.1} a group)",
            n as f64 / (g as f64).max(1.0)
        );
    }
    Ok(m)
}

/// The servers' `parley_group_commits_total` and `parley_group_committed_messages_total`
/// summed over `bases` (each instance once), if `/metrics` answers.
async fn group_commits(http: &reqwest::Client, bases: &[&str]) -> Option<(u64, u64)> {
    let mut bases = bases.to_vec();
    bases.dedup();
    let (mut groups, mut messages) = (0, 0);
    for base in bases {
        let text = http
            .get(format!("{base}/metrics"))
            .send()
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        let value = |name: &str| -> Option<u64> {
            text.lines()
                .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
        };
        groups += value("parley_group_commits_total ")?;
        messages += value("parley_group_committed_messages_total ")?;
    }
    Some((groups, messages))
}
