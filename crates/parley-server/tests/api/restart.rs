//! The real binary is killed with SIGKILL mid-conversation and restarted on the same
//! store; clients reconnect and re-send what was not acknowledged: nothing is lost and
//! nothing is stored or delivered twice.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::Method;
use serde_json::json;

use crate::helpers::{
    connect_ws, fresh_database, messages_until, next_event, send_event, signed, Store, TestApp,
};

crate::on_both_stores!(sigkill_mid_conversation_loses_and_duplicates_nothing);

/// The server process; killed (SIGKILL) when dropped.
pub struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_addr() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

pub async fn start(db_url: &str, dist: &std::path::Path) -> (Proc, SocketAddr) {
    let addr = free_addr();
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/../../config/demo.toml");
    let child = Command::new(env!("CARGO_BIN_EXE_parley-server"))
        .args(["--bind", &addr.to_string(), "--config", config, "--demo"])
        .arg("--dist")
        .arg(dist)
        .env("DATABASE_URL", db_url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the server binary");
    let proc = Proc(child);
    let http = reqwest::Client::new();
    for _ in 0..200 {
        if let Ok(r) = http
            .get(format!("http://{addr}/chat/pc/v2/index.html"))
            .send()
            .await
        {
            if r.status() == 200 {
                return (proc, addr);
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not come up on {addr}");
}

fn client(addr: SocketAddr, dir: &tempfile::TempDir) -> TestApp {
    TestApp::external(addr, dir)
}

async fn sigkill_mid_conversation_loses_and_duplicates_nothing(store: Store) {
    let dir = tempfile::tempdir().unwrap();
    let db_url = fresh_database(store, &dir).await;
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>client</title>",
    )
    .unwrap();

    let (server, addr) = start(&db_url, &dist).await;
    let app = client(addr, &dir);
    let atoken = app.agent_busy("alice").await;
    let init = app
        .init(&signed(
            "sysnum=demo&partnerid=crash-test&type=2&groupid=sales",
        ))
        .await;
    let vtoken = init["session_token"].as_str().unwrap().to_owned();
    let conv = init["conversation"]["id"].as_str().unwrap().to_owned();
    let reply_path = format!("/api/agent/conversations/{conv}/reply");
    let (status, _) = app.accept(&conv, &atoken).await;
    assert_eq!(status, 200);
    let mut ws = connect_ws(addr, &format!("/ws/visitor?token={vtoken}&last_seq=0")).await;
    let mut seen = messages_until(&mut ws, 2).await;

    // A normal exchange, every message acknowledged.
    for i in 0..5 {
        send_event(
            &mut ws,
            json!({"type": "send", "client_id": format!("v{i}"), "text": format!("visitor {i}")}),
        )
        .await;
        // Wait for the ack, keeping the message events that arrive meanwhile.
        let seq = loop {
            let e = next_event(&mut ws).await;
            match e["type"].as_str() {
                Some("ack") => break e["seq"].as_i64().unwrap(),
                Some("message") => seen.push((
                    e["message"]["seq"].as_i64().unwrap(),
                    e["message"]["text"].as_str().unwrap().to_owned(),
                )),
                _ => {}
            }
        };
        let (status, r) = app
            .call(
                Method::POST,
                &reply_path,
                &atoken,
                Some(&json!({"client_id": format!("a{i}"), "text": format!("agent {i}")})),
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(r["message"]["seq"], seq + 1);
    }
    let top = 2 + 10;
    if seen.last().map(|m| m.0) != Some(top) {
        seen.extend(messages_until(&mut ws, top).await);
    }

    // A burst in flight when the process dies: some of it is stored, some not, and the
    // clients do not know which.
    for i in 5..10 {
        send_event(
            &mut ws,
            json!({"type": "send", "client_id": format!("v{i}"), "text": format!("visitor {i}")}),
        )
        .await;
    }
    let burst_app = client(addr, &dir);
    let (burst_token, burst_path) = (atoken.clone(), reply_path.clone());
    let burst = tokio::spawn(async move {
        for i in 5..10 {
            let body = json!({"client_id": format!("a{i}"), "text": format!("agent {i}")});
            let sent = burst_app
                .http
                .post(burst_app.url(&burst_path))
                .bearer_auth(&burst_token)
                .json(&body)
                .send()
                .await;
            if sent.is_err() {
                break;
            }
        }
    });
    tokio::time::sleep(Duration::from_millis(15)).await;
    drop(server); // SIGKILL
    let _ = burst.await;
    // What the visitor got before the crash is kept (the socket then dies).
    while let Ok(Some(Ok(frame))) = tokio::time::timeout(
        Duration::from_millis(200),
        futures_util::StreamExt::next(&mut ws),
    )
    .await
    {
        if let tokio_tungstenite::tungstenite::Message::Text(t) = frame {
            let e: serde_json::Value = serde_json::from_str(&t).unwrap();
            if e["type"] == "message" {
                seen.push((
                    e["message"]["seq"].as_i64().unwrap(),
                    e["message"]["text"].as_str().unwrap().to_owned(),
                ));
            }
        }
    }
    let last_seen = seen.iter().map(|m| m.0).max().unwrap();

    // Restart on the same store; the sessions survive.
    let (_server, addr) = start(&db_url, &dist).await;
    let app = client(addr, &dir);
    let mut ws = connect_ws(
        addr,
        &format!("/ws/visitor?token={vtoken}&last_seq={last_seen}"),
    )
    .await;
    // Re-send everything of the burst (the clients cannot know what was stored).
    for i in 5..10 {
        let (status, _) = app
            .call(
                Method::POST,
                "/api/chat/send",
                &vtoken,
                Some(&json!({"client_id": format!("v{i}"), "text": format!("visitor {i}")})),
            )
            .await;
        assert_eq!(status, 200);
        let (status, _) = app
            .call(
                Method::POST,
                &reply_path,
                &atoken,
                Some(&json!({"client_id": format!("a{i}"), "text": format!("agent {i}")})),
            )
            .await;
        assert_eq!(status, 200);
    }
    let (_, page) = app
        .call(Method::GET, "/api/chat/history?limit=100", &vtoken, None)
        .await;
    let stored = page["messages"].as_array().unwrap();
    let final_seq = stored.last().unwrap()["seq"].as_i64().unwrap();
    assert_eq!(final_seq, 22, "2 system + 20 messages, each stored once");
    let seqs: Vec<i64> = stored.iter().map(|m| m["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (1..=22).collect::<Vec<_>>());
    let mut texts: Vec<&str> = stored[2..]
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    texts.sort();
    let mut expected: Vec<String> = (0..10)
        .flat_map(|i| [format!("visitor {i}"), format!("agent {i}")])
        .collect();
    expected.sort();
    assert_eq!(texts, expected);
    // The reconnected visitor receives exactly what it had not seen, once each.
    // (When the whole burst was stored and delivered before the kill there is nothing
    // left to receive.)
    if last_seen < final_seq {
        seen.extend(messages_until(&mut ws, final_seq).await);
    }
    let got: Vec<i64> = seen.iter().map(|m| m.0).collect();
    assert_eq!(
        got,
        (1..=final_seq).collect::<Vec<_>>(),
        "no gap, no repeat"
    );
}
