//! The agent's unread counts, kept by the server: visitor messages after the holding
//! agent's read mark (`POST /api/agent/conversations/{id}/read`), in every summary, so a
//! reload, a second tab or another machine shows the same count.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{next_of, signed, spawn_app, Store, TestApp};

crate::on_both_stores!(
    unread_counts_follow_the_read_mark_and_survive_a_new_session,
    only_the_holding_agent_of_the_tenant_marks_read,
    a_new_holder_starts_with_everything_unread,
);

/// A queued demo visitor accepted by `agent`; returns (visitor token, conversation id).
async fn held(app: &TestApp, agent: &str, partner: &str) -> (String, String) {
    let init = app
        .init(&signed(&format!(
            "sysnum=demo&partnerid={partner}&type=2&groupid=sales"
        )))
        .await;
    let conv = init["conversation"]["id"].as_str().unwrap().to_owned();
    assert_eq!(app.accept(&conv, agent).await.0, 200);
    (init["session_token"].as_str().unwrap().to_owned(), conv)
}

/// The visitor writes; returns the stored message's seq.
async fn visitor_says(app: &TestApp, vtoken: &str, client_id: &str, text: &str) -> i64 {
    let (status, body) = app
        .call(
            Method::POST,
            "/api/chat/send",
            vtoken,
            Some(&json!({"client_id": client_id, "text": text})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["message"]["seq"].as_i64().unwrap()
}

/// The agent's own conversation `conv` as the lists show it.
async fn mine(app: &TestApp, token: &str, conv: &str) -> Value {
    let (status, body) = app
        .call(Method::GET, "/api/agent/conversations", token, None)
        .await;
    assert_eq!(status, 200, "{body}");
    body["mine"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == conv)
        .cloned()
        .unwrap_or_else(|| panic!("{conv} not in {body}"))
}

async fn mark(app: &TestApp, token: &str, conv: &str, seq: Value) -> (reqwest::StatusCode, Value) {
    app.call(
        Method::POST,
        &format!("/api/agent/conversations/{conv}/read"),
        token,
        Some(&json!({ "seq": seq })),
    )
    .await
}

async fn unread_counts_follow_the_read_mark_and_survive_a_new_session(store: Store) {
    let app = spawn_app(store).await;
    let alice = app.agent_busy("alice").await;
    let (vtoken, conv) = held(&app, &alice, "ur-1").await;
    let first = visitor_says(&app, &vtoken, "u-1", "one").await;
    visitor_says(&app, &vtoken, "u-2", "two").await;
    let third = visitor_says(&app, &vtoken, "u-3", "three").await;
    // The agent's own reply is never unread.
    let (status, _) = app
        .call(
            Method::POST,
            &format!("/api/agent/conversations/{conv}/reply"),
            &alice,
            Some(&json!({"client_id": "a-1", "text": "hi"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(mine(&app, &alice, &conv).await["unread"], 3);

    // A second tab of Alice's hears the new count when the first marks read.
    let mut tab = app.ws(&format!("/ws/agent?token={alice}")).await;
    let (status, body) = mark(&app, &alice, &conv, json!(first)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["unread"], 2, "{body}");
    let told = next_of(&mut tab, "conversation").await;
    assert_eq!(told["conversation"]["id"], conv.as_str());
    assert_eq!(told["conversation"]["unread"], 2, "{told}");

    // The mark never moves backwards.
    let (status, body) = mark(&app, &alice, &conv, json!(0)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["unread"], 2, "{body}");

    let (status, body) = mark(&app, &alice, &conv, json!(third)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["unread"], 0, "{body}");
    visitor_says(&app, &vtoken, "u-4", "four").await;

    // Signing in again (a reload, another machine) shows the server's count.
    let again = app.agent_login("alice").await;
    assert_eq!(mine(&app, &again, &conv).await["unread"], 1);
}

async fn only_the_holding_agent_of_the_tenant_marks_read(store: Store) {
    let app = spawn_app(store).await;
    let alice = app.agent_busy("alice").await;
    let (vtoken, conv) = held(&app, &alice, "ur-2").await;
    let seq = visitor_says(&app, &vtoken, "u-1", "one").await;

    // A colleague who does not hold it: 403, and nothing moved.
    let bob = app.agent_busy("bob").await;
    let (status, body) = mark(&app, &bob, &conv, json!(seq)).await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("holding"),
        "{body}"
    );
    // Another tenant's agent does not even learn it exists.
    let solo = app.agent_login_at("VIPQ", "solo", "solo-demo").await;
    let (status, _) = mark(&app, &solo, &conv, json!(seq)).await;
    assert_eq!(status, 404);
    // No session at all.
    let (status, _) = mark(&app, "", &conv, json!(seq)).await;
    assert_eq!(status, 401);
    // Bad marks: below 0, past the last message, not a number.
    for bad in [json!(-1), json!(seq + 5), json!("3")] {
        let (status, body) = mark(&app, &alice, &conv, bad.clone()).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{body}"
        );
    }
    assert_eq!(mine(&app, &alice, &conv).await["unread"], 1);
}

async fn a_new_holder_starts_with_everything_unread(store: Store) {
    let app = spawn_app(store).await;
    let alice = app.agent_busy("alice").await;
    let bob = app.agent_busy("bob").await;
    let (vtoken, conv) = held(&app, &alice, "ur-3").await;
    visitor_says(&app, &vtoken, "u-1", "one").await;
    let last = visitor_says(&app, &vtoken, "u-2", "two").await;
    let (status, _) = mark(&app, &alice, &conv, json!(last)).await;
    assert_eq!(status, 200);
    assert_eq!(mine(&app, &alice, &conv).await["unread"], 0);
    let (status, body) = app
        .call(
            Method::POST,
            &format!("/api/agent/conversations/{conv}/transfer"),
            &alice,
            Some(&json!({"to_agent": "bob"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // Alice's mark was hers: Bob has read nothing of the visitor's two messages yet.
    assert_eq!(mine(&app, &bob, &conv).await["unread"], 2);
    // And Alice, no longer the holder, cannot move Bob's mark.
    let (status, _) = mark(&app, &alice, &conv, json!(last)).await;
    assert_eq!(status, 403);
}
