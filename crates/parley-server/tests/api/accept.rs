//! An agent's manual accept against the tenant's routing: capacity holds when accepts
//! race each other.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{spawn_app, Store, TestApp};

crate::on_both_stores!(
    racing_accepts_for_the_last_slot_give_one_conversation_and_a_clear_409,
    an_offline_agent_cannot_accept,
);

/// Solo of the QUEUE tenant (capacity 1), signed in but busy, so that visitors queue.
async fn busy_solo(app: &TestApp) -> String {
    let token = app.agent_login_at("QUEUE", "solo", "solo-demo").await;
    let (status, body) = app
        .call(
            Method::PUT,
            "/api/agent/status",
            &token,
            Some(&json!({"status": "busy"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    token
}

/// A visitor of QUEUE who asked for a human and waits; returns the conversation id.
async fn queued_visitor(app: &TestApp) -> String {
    let init = app.init("sysnum=QUEUE").await;
    let token = init["session_token"].as_str().unwrap();
    let (status, answer) = app
        .call(Method::POST, "/api/chat/transfer", token, Some(&json!({})))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["reception"]["type"], "queued", "{answer}");
    init["conversation"]["id"].as_str().unwrap().to_owned()
}

async fn racing_accepts_for_the_last_slot_give_one_conversation_and_a_clear_409(store: Store) {
    let app = spawn_app(store).await;
    let solo = busy_solo(&app).await;
    let mut waiting = Vec::new();
    for _ in 0..3 {
        waiting.push(queued_visitor(&app).await);
    }
    // Three accepts at once for a capacity of one.
    let (a, b, c) = tokio::join!(
        app.accept(&waiting[0], &solo),
        app.accept(&waiting[1], &solo),
        app.accept(&waiting[2], &solo),
    );
    let results = [a, b, c];
    let accepted: Vec<&(StatusCode, Value)> = results
        .iter()
        .filter(|(s, _)| *s == StatusCode::OK)
        .collect();
    assert_eq!(accepted.len(), 1, "exactly one accept wins: {results:?}");
    for (status, body) in results.iter().filter(|(s, _)| *s != StatusCode::OK) {
        assert_eq!(*status, StatusCode::CONFLICT, "{body}");
        assert_eq!(
            body["message"], "you already hold 1 conversations (capacity 1)",
            "{body}"
        );
    }
    let (status, lists) = app
        .call(Method::GET, "/api/agent/conversations", &solo, None)
        .await;
    assert_eq!(status, 200, "{lists}");
    assert_eq!(lists["mine"].as_array().unwrap().len(), 1, "{lists}");
    assert_eq!(lists["waiting"].as_array().unwrap().len(), 2, "{lists}");
}

async fn an_offline_agent_cannot_accept(store: Store) {
    let app = spawn_app(store).await;
    let solo = busy_solo(&app).await;
    let conversation = queued_visitor(&app).await;
    // Offline, but still holding a session token.
    let (status, body) = app
        .call(
            Method::PUT,
            "/api/agent/status",
            &solo,
            Some(&json!({"status": "offline"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app.accept(&conversation, &solo).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(
        body["message"],
        "set your status to online or busy to accept conversations"
    );
}
