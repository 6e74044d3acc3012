//! `POST /api/chat/init`.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{signed, spawn_app, Store};

crate::on_both_stores!(
    init_returns_the_tenant_greeting_in_the_link_locale,
    init_with_unknown_sysnum_is_a_clear_404,
    init_refuses_bad_bodies_with_a_message,
    anonymous_visitor_keeps_its_id,
    partnerid_visitor_is_found_again_and_gets_a_session,
    older_history_pages_stop_at_the_links_time_window,
);

async fn init_returns_the_tenant_greeting_in_the_link_locale(store: Store) {
    let app = spawn_app(store).await;
    let (status, en) = app
        .post_json(
            "/api/chat/init",
            &json!({"query": "?sysnum=demo&locale=en"}),
        )
        .await;
    assert_eq!(status, 200, "{en}");
    assert_eq!(en["company_name"], "Parley Demo Shop");
    assert_eq!(en["locale"], "en");
    assert!(
        en["greeting"].as_str().unwrap().starts_with("Hello"),
        "{en}"
    );
    // `cn` is the spec's alias for Simplified Chinese; the greeting follows it.
    let (_, zh) = app
        .post_json("/api/chat/init", &json!({"query": "sysnum=demo&locale=cn"}))
        .await;
    assert_eq!(zh["locale"], "zh");
    assert_ne!(zh["greeting"], en["greeting"]);
    // An unknown language is reported and the tenant default is used.
    let (_, xx) = app
        .post_json("/api/chat/init", &json!({"query": "sysnum=demo&locale=xx"}))
        .await;
    assert_eq!(xx["locale"], "zh");
    assert_eq!(xx["issues"][0]["param"], "locale");
}

async fn init_with_unknown_sysnum_is_a_clear_404(store: Store) {
    let app = spawn_app(store).await;
    let (status, body) = app
        .post_json("/api/chat/init", &json!({"query": "sysnum=nope"}))
        .await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "unknown_tenant");
    assert!(body["message"].as_str().unwrap().contains("nope"));
}

async fn init_refuses_bad_bodies_with_a_message(store: Store) {
    let app = spawn_app(store).await;
    let (status, body) = app
        .post_json("/api/chat/init", &json!({"nothing": 1}))
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "bad_request");
    assert!(
        body["message"].as_str().unwrap().contains("query"),
        "{body}"
    );
    let (status, body) = app
        .post_json("/api/chat/init", &json!({"query": "locale=en"}))
        .await;
    assert_eq!(status, 400);
    assert!(body["message"].as_str().unwrap().contains("sysnum"));
    let long = format!("sysnum=demo&x={}", "a".repeat(20_000));
    let (status, _) = app
        .post_json("/api/chat/init", &json!({ "query": long }))
        .await;
    assert_eq!(status, 400);
}

async fn anonymous_visitor_keeps_its_id(store: Store) {
    let app = spawn_app(store).await;
    let (status, first) = app
        .post_json("/api/chat/init", &json!({"query": "sysnum=demo"}))
        .await;
    assert_eq!(status, 200);
    let id = first["visitor_id"].as_str().expect("an id").to_owned();
    let (_, again) = app
        .post_json(
            "/api/chat/init",
            &json!({"query": "sysnum=demo", "visitor_id": id}),
        )
        .await;
    assert_eq!(again["visitor_id"], first["visitor_id"]);
    // An id the server never issued is not adopted: the caller gets a fresh one.
    let (_, made_up) = app
        .post_json(
            "/api/chat/init",
            &json!({"query": "sysnum=demo", "visitor_id": "abc"}),
        )
        .await;
    assert_ne!(made_up["visitor_id"], "abc");
    assert_ne!(made_up["visitor_id"], first["visitor_id"]);
}

async fn partnerid_visitor_is_found_again_and_gets_a_session(store: Store) {
    let app = spawn_app(store).await;
    app.agent_busy("carol").await;
    let first = app
        .init(&signed(
            "sysnum=demo&partnerid=user-42&uname=Ann&type=2&groupid=sales",
        ))
        .await;
    assert_eq!(first["conversation"]["state"], "queueing", "{first}");
    assert_eq!(first["conversation"]["group_id"], "sales");
    assert_eq!(first["conversation"]["queue_position"], 1);
    assert_eq!(first["settings"]["reception_type"], "AgentOnly");
    assert_eq!(first["groups"].as_array().unwrap().len(), 2);
    assert!(first["session_token"].as_str().unwrap().len() >= 32);
    // The "queued" system message is already in the history.
    assert_eq!(first["history"][0]["event"]["type"], "queued");
    // Same signed partnerid, no stored id: same visitor, same open conversation.
    let again = app.init(&signed("sysnum=demo&partnerid=user-42")).await;
    assert_eq!(again["visitor_id"], first["visitor_id"]);
    assert_eq!(again["conversation"]["id"], first["conversation"]["id"]);
    assert_ne!(again["session_token"], first["session_token"]);
    // A default (bot-first) anonymous visitor starts with the bot.
    let anon = app.init("sysnum=demo").await;
    assert_eq!(anon["conversation"]["state"], "bot");
    assert_ne!(anon["visitor_id"], first["visitor_id"]);
}

/// The texts of a page of messages.
fn texts(messages: &Value) -> Vec<String> {
    messages
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn older_history_pages_stop_at_the_links_time_window(store: Store) {
    let app = spawn_app(store).await;
    let first = app.init("sysnum=demo&locale=en").await;
    let visitor = first["visitor_id"].as_str().unwrap().to_owned();
    let token = first["session_token"].as_str().unwrap().to_owned();
    let send = |text: &'static str| {
        let (app, token) = (&app, token.clone());
        async move {
            let body = json!({"client_id": text, "text": text});
            let (status, sent) = app
                .call(Method::POST, "/api/chat/send", &token, Some(&body))
                .await;
            assert_eq!(status, 200, "{sent}");
        }
    };
    for text in ["old question one", "old question two"] {
        send(text).await;
    }
    // Those were written two hours ago.
    let pool = app.state.as_ref().unwrap().db.pool();
    sqlx::query("UPDATE messages SET created_at = created_at - $1")
        .bind(2 * 3_600_000i64)
        .execute(pool)
        .await
        .unwrap();
    send("new question").await;
    // The same visitor comes back with a link that shows one hour of history.
    let init = |query: &'static str| {
        let (app, visitor) = (&app, visitor.clone());
        async move {
            let (status, body) = app
                .post_json(
                    "/api/chat/init",
                    &json!({"query": query, "visitor_id": visitor}),
                )
                .await;
            assert_eq!(status, 200, "{body}");
            body
        }
    };
    let hour = init("sysnum=demo&locale=en&time=60").await;
    assert_eq!(hour["conversation"]["id"], first["conversation"]["id"]);
    let shown = texts(&hour["history"]);
    assert!(shown.iter().any(|t| t == "new question"), "{shown:?}");
    assert!(!shown.iter().any(|t| t.starts_with("old")), "{shown:?}");
    // Asking for older pages does not reach past the window either.
    let oldest = hour["history"][0]["seq"].as_i64().unwrap();
    let hour_token = hour["session_token"].as_str().unwrap();
    let server = &app;
    let page = |path: String| async move {
        let (status, page) = server.call(Method::GET, &path, hour_token, None).await;
        assert_eq!(status, 200, "{page}");
        page
    };
    let older = page(format!("/api/chat/history?before_seq={oldest}")).await;
    assert_eq!(texts(&older["messages"]), Vec::<String>::new(), "{older}");
    assert_eq!(older["has_more"], false, "{older}");
    for path in ["/api/chat/history", "/api/chat/history?before_seq=1000000"] {
        let latest = texts(&page(path.to_owned()).await["messages"]);
        assert!(latest.iter().any(|t| t == "new question"), "{latest:?}");
        assert!(!latest.iter().any(|t| t.starts_with("old")), "{latest:?}");
    }
    // A link with two days of history pages back to them.
    let days = init("sysnum=demo&locale=en&time=2880").await;
    let days_token = days["session_token"].as_str().unwrap();
    let (_, page) = app
        .call(Method::GET, "/api/chat/history", days_token, None)
        .await;
    let all = texts(&page["messages"]);
    assert!(all.iter().any(|t| t == "old question one"), "{all:?}");
}
