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
    const RACERS: usize = 6;
    let app = spawn_app(store).await;
    let solo = busy_solo(&app).await;
    let mut waiting = Vec::new();
    for _ in 0..RACERS {
        waiting.push(queued_visitor(&app).await);
    }
    // One client (one connection) per accept, each already connected, so the accepts
    // reach the server together rather than in the order their connections open.
    let clients: Vec<reqwest::Client> = (0..RACERS).map(|_| reqwest::Client::new()).collect();
    for client in &clients {
        let me = client
            .get(app.url("/api/agent/me"))
            .bearer_auth(&solo)
            .send()
            .await
            .expect("warm-up request");
        assert_eq!(me.status(), StatusCode::OK);
    }
    let accepts = clients.iter().zip(&waiting).map(|(client, conversation)| {
        let url = app.url(&format!("/api/agent/conversations/{conversation}/accept"));
        let request = client.post(url).bearer_auth(&solo);
        async move {
            let response = request.send().await.expect("accept request");
            let status = response.status();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    });
    let results = futures_util::future::join_all(accepts).await;
    let accepted = results.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert_eq!(accepted, 1, "exactly one accept wins: {results:?}");
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
    assert_eq!(
        lists["waiting"].as_array().unwrap().len(),
        RACERS - 1,
        "{lists}"
    );
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
