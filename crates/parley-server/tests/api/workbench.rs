//! What the agents' workbench needs of the server: richer conversation summaries (the
//! newest text, the queue tier, the recently ended list), transfer notes for the
//! receiving agent only, the visitor detail, the colleagues to transfer to, live
//! ticket events, and the workbench's pages at `/agent/` with deep links.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{next_of, signed, spawn_app, Store, TestApp};

crate::on_both_stores!(
    summaries_carry_the_newest_text_the_tier_and_the_ended_list,
    a_transfer_note_reaches_the_receiving_agent_and_never_the_visitor,
    the_visitor_detail_names_fields_and_lists_track_history_and_tickets,
    the_visitor_detail_says_the_browser_and_the_source,
    colleagues_and_ticket_events_reach_the_agent,
);

/// A demo visitor (type=2: straight to the queue) with CRM fields and a sales group;
/// returns (visitor token, conversation id, visitor id).
async fn queued(app: &TestApp, extra: &str) -> (String, String, String) {
    let init = app
        .init(&signed(&format!(
            "sysnum=demo&partnerid=wb-1&uname=Ann&tel=555-0101&type=2&groupid=sales{extra}"
        )))
        .await;
    (
        init["session_token"].as_str().unwrap().to_owned(),
        init["conversation"]["id"].as_str().unwrap().to_owned(),
        init["visitor_id"].as_str().unwrap().to_owned(),
    )
}

async fn lists(app: &TestApp, token: &str) -> Value {
    let (status, body) = app
        .call(Method::GET, "/api/agent/conversations", token, None)
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn reply(app: &TestApp, token: &str, conv: &str, client_id: &str, text: &str) -> Value {
    let (status, body) = app
        .call(
            Method::POST,
            &format!("/api/agent/conversations/{conv}/reply"),
            token,
            Some(&json!({"client_id": client_id, "text": text})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn summaries_carry_the_newest_text_the_tier_and_the_ended_list(store: Store) {
    let app = spawn_app(store).await;
    let alice = app.agent_busy("alice").await;
    let (_, conv, _) = queued(&app, "&is_vip=1&vip_level=gold").await;
    let before = lists(&app, &alice).await;
    let waiting = &before["waiting"][0];
    assert_eq!(waiting["id"], conv.as_str());
    assert_eq!(waiting["tier"], "vip", "{waiting}");
    assert!(before["ended"].as_array().unwrap().is_empty());

    let (status, _) = app.accept(&conv, &alice).await;
    assert_eq!(status, 200);
    let long = format!("Hello   there\n{}", "x".repeat(200));
    reply(&app, &alice, &conv, "wb-1", &long).await;
    let after = lists(&app, &alice).await;
    let preview = after["mine"][0]["preview"].as_str().unwrap();
    assert!(preview.starts_with("Hello there x"), "{preview}");
    assert_eq!(preview.chars().count(), 81, "80 characters and an ellipsis");

    let (status, ended) = app
        .call(
            Method::POST,
            &format!("/api/agent/conversations/{conv}/end"),
            &alice,
            None,
        )
        .await;
    assert_eq!(status, 200, "{ended}");
    let after = lists(&app, &alice).await;
    assert!(after["mine"].as_array().unwrap().is_empty());
    assert_eq!(after["ended"][0]["id"], conv.as_str());
    assert_eq!(after["ended"][0]["state"], "ended");
    // Another agent's ended list does not show Alice's conversation.
    let bob = app.agent_busy("bob").await;
    assert!(lists(&app, &bob).await["ended"]
        .as_array()
        .unwrap()
        .is_empty());
}

async fn a_transfer_note_reaches_the_receiving_agent_and_never_the_visitor(store: Store) {
    let app = spawn_app(store).await;
    let alice = app.agent_busy("alice").await;
    let bob = app.agent_busy("bob").await;
    let (vtoken, conv, _) = queued(&app, "").await;
    assert_eq!(app.accept(&conv, &alice).await.0, 200);
    let path = format!("/api/agent/conversations/{conv}/transfer");

    // Too long a note: refused, and nothing changed.
    let (status, body) = app
        .call(
            Method::POST,
            &path,
            &alice,
            Some(&json!({"to_agent": "bob", "note": "n".repeat(501)})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let still = lists(&app, &alice).await;
    assert_eq!(still["mine"][0]["id"], conv.as_str());
    assert!(still["mine"][0].get("transfer_note").is_none(), "{still}");
    // An unknown agent: 404, and the note is not kept either.
    let (status, _) = app
        .call(
            Method::POST,
            &path,
            &alice,
            Some(&json!({"to_agent": "nobody", "note": "hi"})),
        )
        .await;
    assert_eq!(status, 404);
    assert!(lists(&app, &alice).await["mine"][0]
        .get("transfer_note")
        .is_none());

    let mut bob_socket = app.ws(&format!("/ws/agent?token={bob}")).await;
    let (status, moved) = app
        .call(
            Method::POST,
            &path,
            &alice,
            Some(&json!({"to_agent": "bob", "note": "  Wants a refund for order A-42  "})),
        )
        .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["agent_id"], "bob");
    // Bob hears of it live, with the note.
    let event = loop {
        let e = next_of(&mut bob_socket, "conversation").await;
        if e["conversation"]["id"] == conv.as_str() && e["conversation"]["agent_id"] == "bob" {
            break e;
        }
    };
    assert_eq!(
        event["conversation"]["transfer_note"],
        "Wants a refund for order A-42"
    );
    let bobs = lists(&app, &bob).await;
    assert_eq!(
        bobs["mine"][0]["transfer_note"],
        "Wants a refund for order A-42"
    );
    assert!(lists(&app, &alice).await["mine"]
        .as_array()
        .unwrap()
        .is_empty());
    // The visitor's history never carries it.
    let (status, history) = app
        .call(Method::GET, "/api/chat/history", &vtoken, None)
        .await;
    assert_eq!(status, 200, "{history}");
    assert!(!history.to_string().contains("refund"), "{history}");
}

async fn the_visitor_detail_names_fields_and_lists_track_history_and_tickets(store: Store) {
    let app = spawn_app(store).await;
    let alice = app.agent_busy("alice").await;
    let (_, conv, visitor) = queued(
        &app,
        "&customer_fields=%7B%22membership%22%3A%22gold%22%7D&params=%7B%22plan%22%3A%22pro%22%7D\
         &summaryparams=%7B%22topic%22%3A%22refund%22%7D",
    )
    .await;
    // A page view for the track, recorded as the loader's visitor frame does.
    let (status, body) = app
        .post_json(
            "/api/chat/trace",
            &json!({
                "query": signed("sysnum=demo&partnerid=wb-1"),
                "visitor_id": visitor,
                "cur_visit_args": {"cur_visit_url": "https://shop.example/p/1", "cur_visit_title": "Blue kettle"},
            }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, d) = app
        .call(
            Method::GET,
            &format!("/api/agent/visitors/{visitor}/detail"),
            &alice,
            None,
        )
        .await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["profile"]["uname"], "Ann");
    assert_eq!(d["profile"]["tel"], "555-0101");
    assert_eq!(d["profile"]["customer_fields"]["membership"], "gold");
    assert_eq!(d["field_labels"]["membership"], "Membership plan");
    assert_eq!(d["profile"]["params"]["plan"], "pro");
    assert_eq!(d["profile"]["summary_params"]["topic"], "refund");
    assert_eq!(d["traces"][0]["page"]["title"], "Blue kettle");
    assert_eq!(d["conversations"][0]["id"], conv.as_str());
    assert!(d["tickets"].as_array().unwrap().is_empty());
    // The test client sends no User-Agent and the link no source: nothing is made up.
    assert!(d["browser"].is_null() && d["source"].is_null(), "{d}");

    // Bad input and other tenants: clear 4xx, nothing leaks.
    let (status, _) = app
        .call(
            Method::GET,
            "/api/agent/visitors/no-such/detail",
            &alice,
            None,
        )
        .await;
    assert_eq!(status, 404);
    let other = app.agent_login_at("QUEUE", "solo", "solo-demo").await;
    let (status, body) = app
        .call(
            Method::GET,
            &format!("/api/agent/visitors/{visitor}/detail"),
            &other,
            None,
        )
        .await;
    assert_eq!(status, 404, "{body}");
    let (status, _) = app
        .call(
            Method::GET,
            &format!("/api/agent/visitors/{visitor}/detail"),
            "not-a-token",
            None,
        )
        .await;
    assert_eq!(status, 401);
}

/// Opens a chat as a browser would, with its `User-Agent`; returns the visitor id.
async fn init_with_agent(app: &TestApp, query: &str, user_agent: &str) -> String {
    let response = app
        .http
        .post(app.url("/api/chat/init"))
        .header("user-agent", user_agent)
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["visitor_id"].as_str().unwrap().to_owned()
}

async fn the_visitor_detail_says_the_browser_and_the_source(store: Store) {
    let app = spawn_app(store).await;
    let alice = app.agent_busy("alice").await;
    let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 \
                  (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";
    let visitor = init_with_agent(
        &app,
        &signed("sysnum=demo&partnerid=wb-ua&type=2&groupid=sales&source=4"),
        iphone,
    )
    .await;
    let detail = |visitor: String| {
        let (app, alice) = (&app, &alice);
        async move {
            let (status, d) = app
                .call(
                    Method::GET,
                    &format!("/api/agent/visitors/{visitor}/detail"),
                    alice,
                    None,
                )
                .await;
            assert_eq!(status, 200, "{d}");
            d
        }
    };
    let d = detail(visitor).await;
    assert_eq!(d["browser"], "Mobile Safari 17 · iOS", "{d}");
    assert_eq!(d["source"], 4, "{d}");

    // A desktop Chrome on Windows, from the desktop site (source 0).
    let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
                  (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    let visitor = init_with_agent(
        &app,
        &signed("sysnum=demo&partnerid=wb-ua2&type=2&groupid=sales&source=0"),
        chrome,
    )
    .await;
    let d = detail(visitor).await;
    assert_eq!(d["browser"], "Chrome 131 · Windows", "{d}");
    assert_eq!(d["source"], 0, "{d}");

    // A header that is no browser at all, and a huge one: the chat opens, no label is
    // made up, and the stored copy is bounded.
    let junk = format!("<script>alert(1)</script>{}", "x".repeat(6000));
    let visitor = init_with_agent(
        &app,
        &signed("sysnum=demo&partnerid=wb-ua3&type=2&groupid=sales"),
        &junk,
    )
    .await;
    let d = detail(visitor.clone()).await;
    assert!(d["browser"].is_null() && d["source"].is_null(), "{d}");
    let state = app.state.as_ref().expect("in-process app");
    let (stored,): (String,) =
        sqlx::query_as("SELECT context FROM conversations WHERE visitor_id = $1")
            .bind(&visitor)
            .fetch_one(state.db.pool())
            .await
            .unwrap();
    let context: Value = serde_json::from_str(&stored).unwrap();
    let kept = context["user_agent"].as_str().unwrap();
    assert_eq!(
        kept.chars().count(),
        parley_server::user_agent::MAX_STORED_CHARS
    );
}

async fn colleagues_and_ticket_events_reach_the_agent(store: Store) {
    let app = spawn_app(store).await;
    let alice = app.agent_busy("alice").await;
    let (status, c) = app
        .call(Method::GET, "/api/agent/colleagues", &alice, None)
        .await;
    assert_eq!(status, 200, "{c}");
    let names: Vec<&str> = c["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["bob", "carol"], "the others, never herself");
    assert_eq!(c["agents"][0]["status"], "offline");
    assert!(c["groups"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["id"] == "support"));

    let mut socket = app.ws(&format!("/ws/agent?token={alice}")).await;
    let (status, s) = app
        .post_json(
            "/api/ticket/session",
            &json!({"query": "sysnum=demo&uname=Ann&locale=en"}),
        )
        .await;
    assert_eq!(status, 200, "{s}");
    let (status, created) = app
        .call(
            Method::POST,
            "/api/ticket/submit",
            s["session_token"].as_str().unwrap(),
            Some(&json!({
                "query": "sysnum=demo",
                "content": "Please call me back",
                "fields": {"order_code": "A-1"},
            })),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let event = next_of(&mut socket, "ticket").await;
    assert_eq!(event["ticket_id"], created["id"]);
    assert_eq!(event["number"], created["number"]);
}

/// The workbench's pages: `/agent/` and every deep link get its index with a CSP that
/// frames nowhere; its files are served as they are; a missing file is a 404.
#[tokio::test]
async fn the_workbench_is_served_at_agent_with_deep_links() {
    let app = spawn_app(Store::Sqlite).await;
    let dist = app.state.as_ref().unwrap().dist.join("agent");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>wb</title><script type=module>import('/agent/wb-1.js')</script>",
    )
    .unwrap();
    std::fs::write(dist.join("wb-1.js"), "export default 1;").unwrap();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for path in [
        "/agent/",
        "/agent/conversations/abc",
        "/agent/tickets/t-1",
        "/agent/tickets",
    ] {
        let r = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let csp = r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(csp.contains("'sha256-"), "{csp}");
        assert_eq!(r.headers()["cache-control"], "no-cache");
        assert!(r.text().await.unwrap().contains("<title>wb</title>"));
    }
    let r = client.get(app.url("/agent")).send().await.unwrap();
    assert!(r.status().is_redirection());
    assert_eq!(r.headers()["location"], "/agent/");
    let r = client.get(app.url("/agent/wb-1.js")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "export default 1;");
    let r = client
        .get(app.url("/agent/missing.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = client
        .get(app.url("/agent/..%2F..%2Fetc%2Fpasswd.txt"))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    // The visitor pages are untouched: the chat page is still the visitor client.
    let r = client
        .get(app.url("/chat/pc/v2/index.html?sysnum=demo"))
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("<title>client</title>"));
}
