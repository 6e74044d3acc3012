//! Link parameters acted on as the spec says: `customer_fields` keeps only the keys the
//! tenant declares (the others are dropped and reported among init's issues);
//! `source` and `summaryparams` are kept on the conversation and shown to agents; the
//! leave-message link's `source` and `t` are kept on the ticket.

use reqwest::Method;

use crate::helpers::{spawn_app, Store};

crate::on_both_stores!(
    customer_fields_keep_declared_keys_and_report_the_rest,
    source_and_summaryparams_reach_the_agents_view_of_the_conversation,
    the_leave_links_source_and_t_are_kept_on_the_ticket,
);

async fn the_leave_links_source_and_t_are_kept_on_the_ticket(store: Store) {
    let app = spawn_app(store).await;
    // The spec's standalone link: source fixed at 9, and its opaque t.
    let query = "sysnum=demo&uid=u-9&source=9&locale=en&t=campaign-7";
    let (status, session) = app
        .post_json(
            "/api/ticket/session",
            &serde_json::json!({ "query": query }),
        )
        .await;
    assert_eq!(status, 200, "{session}");
    let token = session["session_token"].as_str().unwrap();
    let body = serde_json::json!({
        "query": query,
        "content": "Where is my parcel?",
        "fields": {"order_code": "A-9"},
        "tel": "", "email": "", "attachments": []
    });
    let (status, filed) = app
        .call(Method::POST, "/api/ticket/submit", token, Some(&body))
        .await;
    assert_eq!(status, 201, "{filed}");
    assert_eq!(filed["channel"], 9);
    let alice = app.agent_login("alice").await;
    let (status, list) = app
        .call(Method::GET, "/api/agent/tickets", &alice, None)
        .await;
    assert_eq!(status, 200);
    let t = &list["tickets"][0];
    assert_eq!(t["content"], "Where is my parcel?", "{list}");
    assert_eq!(t["channel"], 9);
    assert_eq!(t["t"], "campaign-7");
    // A ticket from a link without them carries neither.
    let plain = "sysnum=demo&locale=en";
    let (_, session) = app
        .post_json(
            "/api/ticket/session",
            &serde_json::json!({ "query": plain }),
        )
        .await;
    let token = session["session_token"].as_str().unwrap();
    let body = serde_json::json!({
        "query": plain, "content": "Hello", "fields": {"order_code": "B-1"},
        "tel": "", "email": "", "attachments": []
    });
    let (status, filed) = app
        .call(Method::POST, "/api/ticket/submit", token, Some(&body))
        .await;
    assert_eq!(status, 201, "{filed}");
    assert_eq!(filed.get("channel"), None, "{filed}");
    assert_eq!(filed.get("t"), None, "{filed}");
}

async fn source_and_summaryparams_reach_the_agents_view_of_the_conversation(store: Store) {
    let app = spawn_app(store).await;
    let alice = app.agent_busy("alice").await;
    // summaryparams={"topic":"refund","order":{"id":42}}
    let init = app
        .init(
            "sysnum=demo&type=2&groupid=sales&source=4&summaryparams=%7B%22topic%22%3A%22refund%22%2C%22order%22%3A%7B%22id%22%3A42%7D%7D",
        )
        .await;
    let conv = init["conversation"]["id"].as_str().unwrap();
    let (status, lists) = app
        .call(Method::GET, "/api/agent/conversations", &alice, None)
        .await;
    assert_eq!(status, 200);
    let waiting = &lists["waiting"][0];
    assert_eq!(waiting["id"], conv);
    assert_eq!(waiting["source"], 4);
    assert_eq!(
        waiting["summaryparams"],
        serde_json::json!({"topic": "refund", "order": {"id": 42}})
    );
    let (status, accepted) = app.accept(conv, &alice).await;
    assert_eq!(status, 200);
    assert_eq!(accepted["summaryparams"]["topic"], "refund");
    // A link without them shows neither.
    let plain = app.init("sysnum=demo&type=2&groupid=sales").await;
    let (_, accepted) = app
        .accept(plain["conversation"]["id"].as_str().unwrap(), &alice)
        .await;
    assert_eq!(accepted.get("source"), None);
    assert_eq!(accepted.get("summaryparams"), None);
}

async fn customer_fields_keep_declared_keys_and_report_the_rest(store: Store) {
    let app = spawn_app(store).await;
    // {"membership":"gold","evil":"<b>x</b>"}
    let init = app
        .init(
            "sysnum=demo&customer_fields=%7B%22membership%22%3A%22gold%22%2C%22evil%22%3A%22%3Cb%3Ex%3C%2Fb%3E%22%7D",
        )
        .await;
    let issues = init["issues"].as_array().unwrap();
    let dropped: Vec<&str> = issues
        .iter()
        .filter_map(|i| i["param"].as_str())
        .filter(|p| p.starts_with("customer_fields"))
        .collect();
    assert_eq!(dropped, ["customer_fields.evil"], "{issues:?}");
    let visitor = init["visitor_id"].as_str().unwrap();
    let alice = app.agent_login("alice").await;
    let (status, profile) = app
        .call(
            Method::GET,
            &format!("/api/agent/visitors/{visitor}"),
            &alice,
            None,
        )
        .await;
    assert_eq!(status, 200, "{profile}");
    assert_eq!(
        profile["customer_fields"],
        serde_json::json!({"membership": "gold"}),
        "only the declared field is kept"
    );
}
