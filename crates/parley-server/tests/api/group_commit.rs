//! Group commit under SIGKILL: many visitors send at once, so the server stores their
//! messages in shared transactions (its metrics show groups of several); the real
//! binary is killed while the sends are in full flow. After a restart on the same store,
//! every message the server acknowledged is stored exactly once with the number its ack
//! gave, each conversation's numbers are gap-free, and re-sending what was in flight
//! stores it once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use reqwest::Method;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{
    connect_ws, fresh_database, next_of, send_event, signed, spawn_app, Store, TestApp,
};
use crate::restart::start;

crate::on_both_stores!(
    sigkill_in_a_group_commit_keeps_every_ack,
    another_tenants_agent_cannot_post_into_a_conversation
);

/// Visitors sending at once.
const VISITORS: usize = 40;
/// Messages each visitor sends (the demo tenant's burst is 10 a visitor).
const EACH: usize = 10;
/// Acks to wait for before the kill (of `VISITORS * EACH`).
const KILL_AFTER: usize = 150;

/// What one visitor's socket saw: the acks (client id → seq) and the message it sent
/// last without an ack (in flight when the server died).
#[derive(Default)]
struct Sent {
    acked: HashMap<String, i64>,
    in_flight: Option<String>,
}

async fn sigkill_in_a_group_commit_keeps_every_ack(store: Store) {
    let dir = tempfile::tempdir().unwrap();
    let db_url = fresh_database(store, &dir).await;
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>c</title>").unwrap();
    let (server, addr) = start(&db_url, &dist).await;
    let app = TestApp::external(addr, &dir);

    let mut visitors = Vec::new();
    for v in 0..VISITORS {
        let init = app
            .init(&signed(&format!("sysnum=demo&partnerid=gc-{v}&type=1")))
            .await;
        let token = init["session_token"].as_str().unwrap().to_owned();
        let last = init["conversation"]["last_seq"].as_i64().unwrap_or(0);
        let ws = connect_ws(addr, &format!("/ws/visitor?token={token}&last_seq={last}")).await;
        visitors.push((token, ws));
    }

    let acks = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    let mut tokens = Vec::new();
    for (v, (token, mut ws)) in visitors.into_iter().enumerate() {
        tokens.push(token);
        let sent = Arc::new(Mutex::new(Sent::default()));
        let kept = Arc::clone(&sent);
        let acks = Arc::clone(&acks);
        let task = tokio::spawn(async move {
            for i in 0..EACH {
                let cid = format!("gc-{v}-{i}");
                let event = json!({"type": "send", "client_id": cid, "text": format!("visitor {v} message {i}")});
                sent.lock().unwrap().in_flight = Some(cid.clone());
                if ws
                    .send(Message::Text(event.to_string().into()))
                    .await
                    .is_err()
                {
                    return;
                }
                loop {
                    let frame = tokio::time::timeout(Duration::from_secs(10), ws.next()).await;
                    let Ok(Some(Ok(frame))) = frame else {
                        return; // the server died
                    };
                    let Message::Text(t) = frame else { continue };
                    let e: serde_json::Value = serde_json::from_str(&t).unwrap();
                    match e["type"].as_str() {
                        Some("ack") => {
                            assert_eq!(e["client_id"], cid.as_str());
                            let mut s = sent.lock().unwrap();
                            s.acked.insert(cid.clone(), e["seq"].as_i64().unwrap());
                            s.in_flight = None;
                            acks.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                        Some("error") => panic!("refused: {e}"),
                        _ => {}
                    }
                }
            }
        });
        tasks.push((kept, task));
    }

    // Kill while the sends are in full flow, after checking that groups formed.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while acks.load(Ordering::Relaxed) < KILL_AFTER {
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {} acks in 30 s",
            acks.load(Ordering::Relaxed)
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let metrics = app
        .http
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    drop(server); // SIGKILL
    let groups = sample(&metrics, "parley_group_commits_total");
    let grouped = sample(&metrics, "parley_group_committed_messages_total");
    assert!(
        groups >= 1.0 && grouped > groups,
        "messages were stored in groups of several: {groups} groups, {grouped} messages"
    );
    let mut outcomes = Vec::new();
    for (sent, task) in tasks {
        task.await.expect("a visitor task");
        let sent = Arc::try_unwrap(sent).ok().unwrap().into_inner().unwrap();
        outcomes.push(sent);
    }
    let acked: usize = outcomes.iter().map(|s| s.acked.len()).sum();
    assert!(
        acked < VISITORS * EACH,
        "the kill came after every send; nothing was in flight"
    );

    // Restart on the same store; re-send what was in flight.
    let (_server, addr) = start(&db_url, &dist).await;
    let app = TestApp::external(addr, &dir);
    for (token, sent) in tokens.iter().zip(&outcomes) {
        if let Some(cid) = &sent.in_flight {
            let (status, _) = app
                .call(
                    Method::POST,
                    "/api/chat/send",
                    token,
                    Some(&json!({"client_id": cid, "text": "re-sent"})),
                )
                .await;
            assert_eq!(status, 200, "re-sending {cid}");
        }
    }
    for (v, (token, sent)) in tokens.iter().zip(&outcomes).enumerate() {
        let (status, page) = app
            .call(Method::GET, "/api/chat/history?limit=100", token, None)
            .await;
        assert_eq!(status, 200);
        let messages = page["messages"].as_array().unwrap();
        let seqs: Vec<i64> = messages
            .iter()
            .map(|m| m["seq"].as_i64().unwrap())
            .collect();
        assert_eq!(
            seqs,
            (1..=seqs.len() as i64).collect::<Vec<_>>(),
            "visitor {v}: gap-free"
        );
        let mut stored: HashMap<String, Vec<i64>> = HashMap::new();
        for m in messages.iter().filter(|m| m["sender"] == "visitor") {
            if let Some(cid) = m["client_id"].as_str() {
                stored
                    .entry(cid.to_owned())
                    .or_default()
                    .push(m["seq"].as_i64().unwrap());
            }
        }
        for (cid, seq) in &sent.acked {
            assert_eq!(
                stored.get(cid),
                Some(&vec![*seq]),
                "visitor {v}: acknowledged {cid} stored once as {seq}"
            );
        }
        if let Some(cid) = &sent.in_flight {
            assert_eq!(
                stored.get(cid).map(Vec::len),
                Some(1),
                "visitor {v}: in-flight {cid} stored once"
            );
        }
        let expected = sent.acked.len() + usize::from(sent.in_flight.is_some());
        assert_eq!(stored.len(), expected, "visitor {v}: nothing else stored");
        assert!(
            stored.values().all(|s| s.len() == 1),
            "visitor {v}: no twice"
        );
    }
}

/// The value of the sample `name` in a Prometheus text (0 when absent).
fn sample(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

/// An agent's message names its conversation; that the conversation is of the agent's
/// tenant is checked where it is stored (under the row lock, with nothing read before),
/// so another tenant's agent gets "not found" over HTTP and over its socket, and
/// nothing is stored.
async fn another_tenants_agent_cannot_post_into_a_conversation(store: Store) {
    let app = spawn_app(store).await;
    let init = app.init("sysnum=demo&partnerid=tenant-check&type=1").await;
    let vtoken = init["session_token"].as_str().unwrap().to_owned();
    let conv = init["conversation"]["id"].as_str().unwrap().to_owned();
    let solo = app.agent_login_at("QUEUE", "solo", "solo-demo").await;
    let (status, body) = app
        .call(
            Method::POST,
            &format!("/api/agent/conversations/{conv}/reply"),
            &solo,
            Some(&json!({"client_id": "x-http", "text": "not yours"})),
        )
        .await;
    assert_eq!(status, 404, "{body}");
    let mut ws = app.ws(&format!("/ws/agent?token={solo}")).await;
    send_event(
        &mut ws,
        json!({"type": "send", "conversation_id": conv, "client_id": "x-ws", "text": "not yours"}),
    )
    .await;
    let e = next_of(&mut ws, "error").await;
    assert_eq!(e["code"], "not_found", "{e}");
    let (_, page) = app
        .call(Method::GET, "/api/chat/history?limit=100", &vtoken, None)
        .await;
    let stored: Vec<&serde_json::Value> = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["text"] == "not yours")
        .collect();
    assert!(stored.is_empty(), "{stored:?}");
}
