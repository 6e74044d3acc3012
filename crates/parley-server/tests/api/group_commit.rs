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
use parley_protocol::api::{MessageKind, Sender};
use parley_server::chat::commit::append_together;
use parley_server::chat::{Appended, NewMessage};
use parley_server::error::ApiError;
use parley_server::store;

crate::on_both_stores!(
    sigkill_in_a_group_commit_keeps_every_ack,
    another_tenants_agent_cannot_post_into_a_conversation,
    one_group_answers_repeats_and_refusals_per_message,
    a_group_wider_than_one_statement_is_stored_whole,
    groups_of_every_small_size_store_exactly_their_messages
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

/// A visitor's text message with client id `cid`.
fn visitor_text(cid: &str, text: &str) -> NewMessage {
    NewMessage::from_person(
        cid,
        Sender::Visitor,
        None,
        None,
        MessageKind::Text,
        text.to_owned(),
    )
}

/// The HTTP status of a refused outcome.
fn refusal(outcome: &Result<Appended, ApiError>) -> u16 {
    match outcome {
        Err(ApiError::Client { status, .. }) => status.as_u16(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// The stored `(seq, client_id, text)` of a conversation, in order.
async fn stored_in(app: &TestApp, conversation_id: &str) -> Vec<(i64, Option<String>, String)> {
    let db = &app.state.as_ref().unwrap().db;
    store::messages::after(db.pool(), conversation_id, 0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.seq, m.client_id, m.text))
        .collect()
}

/// One group, chosen message by message (the committer forms groups from what is
/// waiting, which a test cannot time): three conversations, one of them ended, with
/// repeats of a client id inside the group and of one committed before, an unknown
/// conversation and another tenant's agent among them. Each message gets its own
/// outcome; repeats answer with the first message's `seq`; numbers are gap-free in
/// arrival order; every conversation's counter ends at its last message, so the next
/// message (stored alone) follows on.
async fn one_group_answers_repeats_and_refusals_per_message(store: Store) {
    let app = spawn_app(store).await;
    let state = app.state.clone().unwrap();
    let mut convs = Vec::new();
    let mut tokens = Vec::new();
    for v in ["ga", "gb", "gc"] {
        let init = app.init(&format!("sysnum=demo&partnerid={v}&type=1")).await;
        convs.push(init["conversation"]["id"].as_str().unwrap().to_owned());
        tokens.push(init["session_token"].as_str().unwrap().to_owned());
    }
    let (a, b, c) = (&convs[0], &convs[1], &convs[2]);
    let (status, _) = app
        .call(Method::POST, "/api/chat/leave", &tokens[2], None)
        .await;
    assert_eq!(status, 200, "conversation c ended");
    let before = parley_server::chat::append(&state, a, visitor_text("a-old", "said before"))
        .await
        .unwrap();
    let a0 = before.message.seq;
    let b0 = stored_in(&app, b).await.last().map_or(0, |m| m.0);

    let group = vec![
        (a.clone(), None, visitor_text("a-1", "first")),
        (b.clone(), None, visitor_text("b-1", "first in b")),
        (c.clone(), None, visitor_text("c-1", "into an ended one")),
        (a.clone(), None, visitor_text("a-1", "first, re-sent")),
        (
            a.clone(),
            None,
            visitor_text("a-old", "said before, re-sent"),
        ),
        (
            "no-such-conversation".to_owned(),
            None,
            visitor_text("x-1", "nowhere"),
        ),
        (
            b.clone(),
            Some("QUEUE".to_owned()),
            NewMessage::from_person(
                "other-tenant",
                Sender::Agent,
                Some("solo".to_owned()),
                Some("Solo".to_owned()),
                MessageKind::Text,
                "not yours".to_owned(),
            ),
        ),
        (b.clone(), None, visitor_text("b-2", "second in b")),
        (
            c.clone(),
            None,
            visitor_text("c-1", "into an ended one, again"),
        ),
        (a.clone(), None, visitor_text("a-2", "second")),
        (b.clone(), None, visitor_text("b-1", "first in b, re-sent")),
    ];
    let groups = || state.metrics.group_commits.load(Ordering::Relaxed);
    let groups_before = groups();
    let out = append_together(&state, group).await;
    assert_eq!(out.len(), 11);
    // Stored as one group: had its transaction failed (a repeat inserted twice, say),
    // each message would have been retried alone and the answers could not tell.
    assert_eq!(
        groups(),
        groups_before + 1,
        "one group commit, no retries alone"
    );
    let ok = |i: usize| {
        out[i]
            .as_ref()
            .unwrap_or_else(|e| panic!("message {i}: {e:?}"))
    };
    assert!(!ok(0).duplicate && ok(0).message.seq == a0 + 1);
    assert!(!ok(1).duplicate && ok(1).message.seq == b0 + 1);
    assert_eq!(refusal(&out[2]), 409, "an ended conversation refuses");
    assert!(ok(3).duplicate, "a repeat inside the group is a duplicate");
    assert_eq!(ok(3).message.seq, a0 + 1);
    assert_eq!(ok(3).message.text, "first", "the first message answers");
    assert!(
        ok(4).duplicate,
        "a repeat of a committed message is a duplicate"
    );
    assert_eq!(ok(4).message.seq, a0);
    assert_eq!(ok(4).message.text, "said before");
    assert_eq!(refusal(&out[5]), 404);
    assert_eq!(refusal(&out[6]), 404, "another tenant's agent");
    assert!(!ok(7).duplicate && ok(7).message.seq == b0 + 2);
    assert_eq!(
        refusal(&out[8]),
        409,
        "a repeat of a refused message is refused"
    );
    assert!(!ok(9).duplicate && ok(9).message.seq == a0 + 2);
    assert!(ok(10).duplicate && ok(10).message.seq == b0 + 1);
    assert_eq!(ok(9).conversation.last_seq, a0 + 2);

    let in_a = stored_in(&app, a).await;
    assert_eq!(
        in_a.iter().map(|m| m.0).collect::<Vec<_>>(),
        (1..=a0 + 2).collect::<Vec<_>>(),
        "a: gap-free"
    );
    assert_eq!(
        in_a[in_a.len() - 3..]
            .iter()
            .map(|m| (m.1.as_deref().unwrap(), m.2.as_str()))
            .collect::<Vec<_>>(),
        [
            ("a-old", "said before"),
            ("a-1", "first"),
            ("a-2", "second")
        ]
    );
    let in_b = stored_in(&app, b).await;
    assert_eq!(
        in_b[in_b.len() - 2..]
            .iter()
            .map(|m| (m.0, m.1.as_deref().unwrap()))
            .collect::<Vec<_>>(),
        [(b0 + 1, "b-1"), (b0 + 2, "b-2")]
    );
    let c_ids: Vec<_> = stored_in(&app, c)
        .await
        .into_iter()
        .filter_map(|m| m.1)
        .collect();
    assert!(
        c_ids.is_empty(),
        "nothing stored in the ended conversation: {c_ids:?}"
    );

    // The counters moved with the messages: the next message of each follows on.
    for (conv, last) in [(a, a0 + 2), (b, b0 + 2)] {
        let row = store::conversations::get(state.db.pool(), conv)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.last_seq, last);
        let next = parley_server::chat::append(&state, conv, visitor_text("next", "next"))
            .await
            .unwrap();
        assert_eq!(next.message.seq, last + 1);
    }
}

/// A group bigger than one statement's parameters allow (the committer's groups stay
/// far below: `MAX_BATCH`) is still stored whole: the insert and the client-id lookup
/// are split into several statements in one transaction. Sending the same group again
/// stores nothing and answers every message with its first `seq`.
async fn a_group_wider_than_one_statement_is_stored_whole(store: Store) {
    let app = spawn_app(store).await;
    let state = app.state.clone().unwrap();
    let mut convs = Vec::new();
    for v in 0..3 {
        let init = app
            .init(&format!("sysnum=demo&partnerid=wide-{v}&type=1"))
            .await;
        convs.push(init["conversation"]["id"].as_str().unwrap().to_owned());
    }
    let n = store::messages::MAX_INSERT_ROWS + 80;
    assert!(n > store::messages::MAX_LOOKUP_KEYS * 2);
    let group = || {
        (0..n)
            .map(|i| {
                let conv = convs[i % convs.len()].clone();
                (
                    conv,
                    None,
                    visitor_text(&format!("w-{i}"), &format!("wide {i}")),
                )
            })
            .collect::<Vec<_>>()
    };
    let groups = || state.metrics.group_commits.load(Ordering::Relaxed);
    let groups_before = groups();
    let mut firsts = Vec::new();
    for outcome in append_together(&state, group()).await {
        let a = outcome.unwrap();
        assert!(!a.duplicate);
        firsts.push(a.message.seq);
    }
    assert_eq!(
        groups(),
        groups_before + 1,
        "one group commit, no retries alone"
    );
    let mut total = 0;
    for conv in &convs {
        let stored = stored_in(&app, conv).await;
        let seqs: Vec<i64> = stored.iter().map(|m| m.0).collect();
        assert_eq!(
            seqs,
            (1..=seqs.len() as i64).collect::<Vec<_>>(),
            "gap-free"
        );
        total += stored.iter().filter(|m| m.1.is_some()).count();
    }
    assert_eq!(total, n, "every message stored once");
    for (i, outcome) in append_together(&state, group())
        .await
        .into_iter()
        .enumerate()
    {
        let a = outcome.unwrap();
        assert!(a.duplicate, "message {i} again");
        assert_eq!(a.message.seq, firsts[i]);
    }
    let mut again = 0;
    for conv in &convs {
        again += stored_in(&app, conv)
            .await
            .iter()
            .filter(|m| m.1.is_some())
            .count();
    }
    assert_eq!(again, n, "nothing stored twice");
}

/// The group's statements are written for a few sizes only (powers of two, so each
/// connection prepares each once) and padded up to them: a repeated conversation id, a
/// repeated lookup, a repeated counter bump, and insert rows a `WHERE` leaves out.
/// Groups of every size from 1 to 9 messages over three conversations (so 1 to 3
/// counters a group) each commit as one and store exactly their messages: every
/// conversation's numbers stay gap-free and without extra rows, its counter moves by its
/// own messages only (the next lone message follows on), and re-sending a group stores
/// nothing.
async fn groups_of_every_small_size_store_exactly_their_messages(store: Store) {
    let app = spawn_app(store).await;
    let state = app.state.clone().unwrap();
    let mut convs = Vec::new();
    for v in 0..3 {
        let init = app
            .init(&format!("sysnum=demo&partnerid=sizes-{v}&type=1"))
            .await;
        convs.push(init["conversation"]["id"].as_str().unwrap().to_owned());
    }
    let groups = || state.metrics.group_commits.load(Ordering::Relaxed);
    let mut sent: HashMap<String, Vec<String>> = HashMap::new();
    for size in 1..=9usize {
        let group = (0..size)
            .map(|i| {
                let conv = convs[(i * 7 + size) % convs.len()].clone();
                let cid = format!("s{size}-{i}");
                (conv, None, visitor_text(&cid, &format!("size {size}, {i}")))
            })
            .collect::<Vec<_>>();
        for (conv, _, m) in &group {
            sent.entry(conv.clone())
                .or_default()
                .push(m.client_id.clone().unwrap());
        }
        let before = groups();
        for outcome in append_together(&state, group.clone()).await {
            assert!(!outcome.unwrap().duplicate, "size {size}");
        }
        assert_eq!(groups(), before + 1, "size {size}: one group commit");
        for outcome in append_together(&state, group).await {
            assert!(outcome.unwrap().duplicate, "size {size} again");
        }
        for conv in &convs {
            let stored = stored_in(&app, conv).await;
            let seqs: Vec<i64> = stored.iter().map(|m| m.0).collect();
            assert_eq!(
                seqs,
                (1..=seqs.len() as i64).collect::<Vec<_>>(),
                "size {size}: gap-free"
            );
            let ids: Vec<String> = stored.iter().filter_map(|m| m.1.clone()).collect();
            assert_eq!(
                ids,
                sent.get(conv).cloned().unwrap_or_default(),
                "size {size}: exactly the messages sent, in order"
            );
        }
    }
    for conv in &convs {
        let last = stored_in(&app, conv).await.last().map_or(0, |m| m.0);
        let next = parley_server::chat::append(&state, conv, visitor_text("after", "after"))
            .await
            .unwrap();
        assert_eq!(
            next.message.seq,
            last + 1,
            "the counter moved by its messages"
        );
    }
}
