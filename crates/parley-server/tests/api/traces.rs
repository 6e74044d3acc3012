//! Browsing tracks (`man_trace`, `zc("trace")`): `POST /api/chat/trace` records page
//! views for the visitor a link and a browser name; agents read them.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{signed, spawn_app, Store, TestApp};

/// The waiting entry of conversation `id` in an agent's lists.
async fn waiting_entry(app: &TestApp, token: &str, id: &str) -> serde_json::Value {
    let (status, lists) = app
        .call(Method::GET, "/api/agent/conversations", token, None)
        .await;
    assert_eq!(status, 200, "{lists}");
    lists["waiting"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("{id} is not waiting: {lists}"))
}

crate::on_both_stores!(
    page_views_are_recorded_for_the_visitor_and_read_by_their_agents,
    each_visitor_keeps_only_the_newest_entries,
    a_waiting_visitor_shows_the_page_the_chat_started_from
);

async fn trace(app: &TestApp, body: serde_json::Value) -> (reqwest::StatusCode, serde_json::Value) {
    app.post_json("/api/chat/trace", &body).await
}

async fn page_views_are_recorded_for_the_visitor_and_read_by_their_agents(store: Store) {
    let app = spawn_app(store).await;
    // An anonymous browser: the first track makes the visitor known and names them.
    let (status, first) = trace(
        &app,
        json!({
            "query": "sysnum=demo",
            "cur_visit_args": {"cur_visit_url": "https://shop.example/", "cur_visit_title": "Shop"},
            "pre_visit_args": {"pre_visit_url": "https://search.example/?q=tea"}
        }),
    )
    .await;
    assert_eq!(status, 200, "{first}");
    let visitor = first["visitor_id"].as_str().unwrap().to_owned();
    // The next page, from the same browser (its kept id), is the same visitor's.
    let (status, second) = trace(
        &app,
        json!({
            "query": "sysnum=demo",
            "visitor_id": visitor,
            "cur_visit_args": {
                "cur_visit_url": "https://shop.example/tea",
                "cur_visit_title": "<b>Green</b> tea",
                "cur_thumbnail": "javascript:alert(1)",
                "cur_tags": "tea"
            },
            "pre_visit_args": {"pre_visit_url": "https://shop.example/"}
        }),
    )
    .await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(second["visitor_id"], visitor.as_str());
    // The chat started from that browser is the same visitor's.
    let init = app
        .post_json(
            "/api/chat/init",
            &json!({"query": "sysnum=demo", "visitor_id": visitor}),
        )
        .await
        .1;
    assert_eq!(init["visitor_id"], visitor.as_str());

    let alice = app.agent_login("alice").await;
    let path = format!("/api/agent/visitors/{visitor}/traces");
    let (status, track) = app.call(Method::GET, &path, &alice, None).await;
    assert_eq!(status, 200, "{track}");
    assert_eq!(track.as_array().unwrap().len(), 2, "{track}");
    // Newest first; text stays text; a non-http picture is dropped.
    assert_eq!(track[0]["page"]["url"], "https://shop.example/tea");
    assert_eq!(track[0]["page"]["title"], "<b>Green</b> tea");
    assert_eq!(track[0]["page"]["thumbnail"], "");
    assert_eq!(track[0]["page"]["tags"], "tea");
    assert_eq!(track[0]["previous"]["url"], "https://shop.example/");
    assert_eq!(track[1]["page"]["title"], "Shop");
    assert_eq!(track[1]["previous"]["url"], "https://search.example/?q=tea");
    assert!(track[1]["at"].as_i64().unwrap() <= track[0]["at"].as_i64().unwrap());

    // A known customer (a signed partnerid) is found again without any kept id.
    let (_, by_partner) = trace(
        &app,
        json!({"query": signed("sysnum=demo&partnerid=cust-9"), "cur_visit_args": {"cur_visit_title": "Home"}}),
    )
    .await;
    let (_, again) = trace(
        &app,
        json!({"query": signed("sysnum=demo&partnerid=cust-9"), "cur_visit_args": {"cur_visit_title": "Cart"}}),
    )
    .await;
    assert_eq!(by_partner["visitor_id"], again["visitor_id"]);

    // Another tenant's agent cannot read the track.
    let other = app.agent_login_at("QUEUE", "solo", "solo-demo").await;
    let (status, _) = app.call(Method::GET, &path, &other, None).await;
    assert_eq!(status, 404);
    // Without an agent session, nothing.
    let (status, _) = app.call(Method::GET, &path, "nope", None).await;
    assert_eq!(status, 401);

    // Bad input: a clear 4xx, nothing stored.
    let (status, body) = trace(
        &app,
        json!({"query": "sysnum=demo", "cur_visit_args": {"cur_visit_url": "javascript:alert(1)"}}),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["message"].as_str().unwrap().contains("cur_visit_url"),
        "{body}"
    );
    let (status, _) = trace(&app, json!({"query": "sysnum=demo"})).await;
    assert_eq!(status, 400);
    let (status, _) = trace(
        &app,
        json!({"query": "sysnum=nobody", "cur_visit_args": {"cur_visit_title": "x"}}),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = trace(
        &app,
        json!({"query": "sysnum=demo", "cur_visit_args": {"cur_visit_title": 5}}),
    )
    .await;
    assert_eq!(status, 400, "values are strings, as the loader sends them");
    let (_, track) = app.call(Method::GET, &path, &alice, None).await;
    assert_eq!(track.as_array().unwrap().len(), 2);
}

async fn each_visitor_keeps_only_the_newest_entries(store: Store) {
    use parley_server::traces::{of_visitor, record, MAX_TRACES_PER_VISITOR};
    let app = spawn_app(store).await;
    let (_, first) = trace(
        &app,
        json!({"query": "sysnum=demo", "cur_visit_args": {"cur_visit_title": "page 0"}}),
    )
    .await;
    let visitor = first["visitor_id"].as_str().unwrap();
    let state = app.state.as_ref().unwrap();
    for i in 1..=MAX_TRACES_PER_VISITOR + 4 {
        let page = parley_protocol::api::VisitPage {
            title: format!("page {i}"),
            ..Default::default()
        };
        record(state, visitor, &page, None).await.unwrap();
    }
    let kept = of_visitor(state, visitor, 1000).await.unwrap();
    assert_eq!(kept.len() as i64, MAX_TRACES_PER_VISITOR);
    assert_eq!(
        kept[0].page.title,
        format!("page {}", MAX_TRACES_PER_VISITOR + 4)
    );
    assert_eq!(
        kept.last().unwrap().page.title,
        "page 5",
        "the oldest five are gone"
    );
}

/// The page a chat starts from, beside the waiting visitor: the newest page of the
/// visitor's track (with its title), else the page that opened the chat; a `javascript:`
/// referrer is nothing.
async fn a_waiting_visitor_shows_the_page_the_chat_started_from(store: Store) {
    let app = spawn_app(store).await;
    let alice = app.agent_busy("alice").await;
    let start = |body: serde_json::Value| {
        let app = &app;
        async move {
            let (status, init) = app.post_json("/api/chat/init", &body).await;
            assert_eq!(status, 200, "{init}");
            init["conversation"]["id"].as_str().unwrap().to_owned()
        }
    };
    // Opened from a blog post (the chat page's `document.referrer`).
    let from_blog = start(json!({
        "query": signed("sysnum=demo&partnerid=came-1&type=2&groupid=sales"),
        "referrer": "https://blog.example/posts/tea-guide"
    }))
    .await;
    let entry = waiting_entry(&app, &alice, &from_blog).await;
    assert_eq!(
        entry["page"]["url"], "https://blog.example/posts/tea-guide",
        "{entry}"
    );

    // A visitor whose track has a page of this visit: that page, with its title, wins
    // over the referrer (the loader's frame is what opened the chat).
    let (status, traced) = trace(
        &app,
        json!({
            "query": "sysnum=demo",
            "cur_visit_args": {"cur_visit_url": "https://shop.example/tea", "cur_visit_title": "Green tea"}
        }),
    )
    .await;
    assert_eq!(status, 200, "{traced}");
    let from_shop = start(json!({
        "query": "sysnum=demo&type=2&groupid=sales",
        "visitor_id": traced["visitor_id"],
        "referrer": "https://shop.example/"
    }))
    .await;
    let entry = waiting_entry(&app, &alice, &from_shop).await;
    assert_eq!(entry["page"]["url"], "https://shop.example/tea", "{entry}");
    assert_eq!(entry["page"]["title"], "Green tea", "{entry}");

    // An address that is not http(s) is not a page.
    let scripted = start(json!({
        "query": signed("sysnum=demo&partnerid=came-3&type=2&groupid=sales"),
        "referrer": "javascript:alert(document.cookie)"
    }))
    .await;
    let entry = waiting_entry(&app, &alice, &scripted).await;
    assert!(entry.get("page").is_none(), "{entry}");
}
