//! Proactive invitations by agents (`invite_flag`): a page reports the visitor's
//! presence, agents list browsing visitors and invite one, and the page's next report
//! carries the invitation, once.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{spawn_app, Store, TestApp, ALICE_AVATAR};

crate::on_both_stores!(
    an_agent_invites_a_browsing_visitor_once,
    only_fresh_visitors_and_invitations_count,
    time_on_page_runs_while_the_page_stays_and_restarts_on_another
);

async fn report(app: &TestApp, visitor_id: Option<&str>, url: &str) -> serde_json::Value {
    let (status, body) = app
        .post_json(
            "/api/chat/presence",
            &json!({
                "query": "sysnum=demo&uname=Jo&invite_flag=1",
                "visitor_id": visitor_id,
                "cur_visit_args": {"cur_visit_url": url, "cur_visit_title": "Teas"}
            }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn an_agent_invites_a_browsing_visitor_once(store: Store) {
    let app = spawn_app(store).await;
    // A report that names no page is refused.
    let (status, body) = app
        .post_json("/api/chat/presence", &json!({"query": "sysnum=demo"}))
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["message"].as_str().unwrap().contains("cur_visit_args"));
    // A page without invite_flag (and a tenant without agent_invite) lists nobody:
    // `true` turns invitations on, whatever the spec's comment says.
    for flag in ["", "&invite_flag=0", "&invite_flag=false"] {
        let (status, body) = app
            .post_json(
                "/api/chat/presence",
                &json!({
                    "query": format!("sysnum=demo{flag}"),
                    "cur_visit_args": {"cur_visit_url": "https://shop.example/"}
                }),
            )
            .await;
        assert_eq!(status, 400, "{flag}: {body}");
        assert!(body["message"].as_str().unwrap().contains("invite_flag"));
    }
    let first = report(&app, None, "https://shop.example/teas").await;
    assert_eq!(first["invitation"], serde_json::Value::Null);
    let visitor = first["visitor_id"].as_str().unwrap().to_owned();

    let alice = app.agent_login("alice").await;
    let (status, list) = app
        .call(Method::GET, "/api/agent/browsing", &alice, None)
        .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["visitor_id"], visitor.as_str());
    assert_eq!(list[0]["page"]["url"], "https://shop.example/teas");
    assert_eq!(list[0]["invited"], false);

    let path = format!("/api/agent/visitors/{visitor}/invite");
    let too_long = json!({"text": "x".repeat(501)});
    let (status, body) = app.call(Method::POST, &path, &alice, Some(&too_long)).await;
    assert_eq!(status, 400, "{body}");
    let invite = json!({"text": "  Need help choosing a tea?  "});
    let (status, _) = app.call(Method::POST, &path, &alice, Some(&invite)).await;
    assert_eq!(status, 204);
    let (_, list) = app
        .call(Method::GET, "/api/agent/browsing", &alice, None)
        .await;
    assert_eq!(list[0]["invited"], true);

    // The page's next report carries it, with the agent; the one after does not.
    let next = report(&app, Some(&visitor), "https://shop.example/teas/green").await;
    assert_eq!(next["visitor_id"], visitor.as_str());
    let got = &next["invitation"];
    assert_eq!(got["agent_id"], "alice", "{next}");
    assert_eq!(got["agent_name"], "Alice");
    assert_eq!(got["agent_avatar"], ALICE_AVATAR);
    assert_eq!(got["text"], "Need help choosing a tea?");
    let after = report(&app, Some(&visitor), "https://shop.example/teas/green").await;
    assert_eq!(after["invitation"], serde_json::Value::Null);
    let (_, list) = app
        .call(Method::GET, "/api/agent/browsing", &alice, None)
        .await;
    assert_eq!(list[0]["page"]["url"], "https://shop.example/teas/green");
    assert_eq!(list[0]["invited"], false);

    // Another tenant's agent neither sees nor invites this visitor.
    let solo = app.agent_login_at("QUEUE", "solo", "solo-demo").await;
    let (_, theirs) = app
        .call(Method::GET, "/api/agent/browsing", &solo, None)
        .await;
    assert_eq!(theirs, json!([]));
    let (status, _) = app.call(Method::POST, &path, &solo, Some(&invite)).await;
    assert_eq!(status, 404);
    // A visitor who only chats (no invitable page) cannot be invited.
    let chatting = app.init("sysnum=demo").await;
    let elsewhere = format!(
        "/api/agent/visitors/{}/invite",
        chatting["visitor_id"].as_str().unwrap()
    );
    let (status, body) = app
        .call(Method::POST, &elsewhere, &alice, Some(&invite))
        .await;
    assert_eq!(status, 409, "{body}");
}

async fn only_fresh_visitors_and_invitations_count(store: Store) {
    let app = spawn_app(store).await;
    let first = report(&app, None, "https://shop.example/").await;
    let visitor = first["visitor_id"].as_str().unwrap().to_owned();
    let alice = app.agent_login("alice").await;
    let path = format!("/api/agent/visitors/{visitor}/invite");
    let (status, _) = app
        .call(Method::POST, &path, &alice, Some(&json!({})))
        .await;
    assert_eq!(status, 204);
    let pool = app.state.as_ref().unwrap().db.pool();
    // An invitation left longer than two minutes ago is dropped, not shown late.
    sqlx::query("UPDATE browsing SET invited_at = invited_at - 200000")
        .execute(pool)
        .await
        .unwrap();
    let next = report(&app, Some(&visitor), "https://shop.example/").await;
    assert_eq!(next["invitation"], serde_json::Value::Null, "{next}");
    // A page that stopped reporting (closed, navigated away) is no longer listed or
    // invitable.
    sqlx::query("UPDATE browsing SET last_seen = last_seen - 60000")
        .execute(pool)
        .await
        .unwrap();
    let (_, list) = app
        .call(Method::GET, "/api/agent/browsing", &alice, None)
        .await;
    assert_eq!(list, json!([]));
    let (status, _) = app
        .call(Method::POST, &path, &alice, Some(&json!({})))
        .await;
    assert_eq!(status, 409);
}

/// The list says how long a visitor has been on their page: a report of the same page
/// keeps the start, another page starts it again.
async fn time_on_page_runs_while_the_page_stays_and_restarts_on_another(store: Store) {
    let app = spawn_app(store).await;
    let alice = app.agent_login("alice").await;
    let listed = || {
        let (app, alice) = (&app, &alice);
        async move {
            let (status, list) = app
                .call(Method::GET, "/api/agent/browsing", alice, None)
                .await;
            assert_eq!(status, 200, "{list}");
            assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
            let v = &list[0];
            (
                v["on_page_since"].as_i64().unwrap(),
                v["last_seen"].as_i64().unwrap(),
            )
        }
    };
    let pause = || tokio::time::sleep(std::time::Duration::from_millis(30));
    let first = report(&app, None, "https://shop.example/teas").await;
    let visitor = first["visitor_id"].as_str().unwrap().to_owned();
    let (since, seen) = listed().await;
    assert_eq!(since, seen, "a first report starts the time on the page");
    pause().await;
    report(&app, Some(&visitor), "https://shop.example/teas").await;
    let (still, later) = listed().await;
    assert_eq!(still, since, "the same page: the time goes on");
    assert!(later > seen, "{later} > {seen}");
    pause().await;
    report(&app, Some(&visitor), "https://shop.example/teas/oolong").await;
    let (moved, now) = listed().await;
    assert_eq!(moved, now, "another page: the time starts again");
    assert!(moved > since);
}
