//! What attackers try, each as a test that failed before its fix: guessing passwords,
//! and (as the security work goes on) the other findings of the security review.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, Store, TestApp};

crate::on_both_stores!(guessing_an_agents_password_closes_the_account_for_a_while,);

/// Signs in; returns the status, the `Retry-After` header and the body.
async fn sign_in(app: &TestApp, user: &str, password: &str) -> (StatusCode, Option<u64>, Value) {
    let response = app
        .http
        .post(app.url("/api/agent/login"))
        .json(&json!({"sysnum": "demo", "username": user, "password": password}))
        .send()
        .await
        .expect("request");
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    (
        status,
        retry_after,
        response.json().await.unwrap_or(Value::Null),
    )
}

async fn guessing_an_agents_password_closes_the_account_for_a_while(store: Store) {
    let app = spawn_app(store).await;
    for guess in ["123456", "password", "alice"] {
        let (status, _, body) = sign_in(&app, "alice", guess).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    }
    // Closed now: even the right password is not checked, and the answer says when to
    // come back.
    let (status, retry_after, body) = sign_in(&app, "alice", "alice-demo").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["code"], "rate_limited");
    assert!(
        retry_after.is_some_and(|s| s >= 1),
        "Retry-After: {retry_after:?}"
    );
    // Another account of the same tenant signs in as usual.
    let (status, _, body) = sign_in(&app, "bob", "bob-demo").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Once the lock has passed, the right password works and opens the account again.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (status, _, body) = sign_in(&app, "alice", "alice-demo").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
