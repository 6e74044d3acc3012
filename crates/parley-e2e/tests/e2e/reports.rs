//! Reports end to end: conversations made through the API (two the bot alone answers,
//! one Bob serves and one where the visitor leaves a message), then Alice, an admin,
//! opens Reports from the workbench's navigation; the numbers shown are those
//! conversations, and the charts are SVG with bars.

use std::time::Duration;

use fantoccini::Locator;
use parley_e2e::{http, Agent, Browser, Server, Viewport};
use serde_json::json;

async fn init(server: &Server, query: &str) -> String {
    let (status, body) = http(
        server.addr,
        "POST",
        "/api/chat/init",
        None,
        Some(json!({ "query": query })),
    )
    .await;
    assert_eq!(status, 200, "init: {body}");
    body["session_token"].as_str().unwrap().to_owned()
}

async fn say(server: &Server, token: &str, id: &str, text: &str) {
    let (status, body) = http(
        server.addr,
        "POST",
        "/api/chat/send",
        Some(token),
        Some(json!({"client_id": id, "text": text})),
    )
    .await;
    assert_eq!(status, 200, "send: {body}");
}

#[tokio::test]
async fn an_admin_reads_the_reports_of_the_conversations_made() {
    let server = Server::start().await;
    // Two visitors only the bot answers, one asking something it does not know.
    let first = init(&server, "sysnum=demo&locale=en").await;
    say(&server, &first, "b1", "tell me a joke").await;
    let second = init(&server, "sysnum=demo&locale=en").await;
    say(&server, &second, "b2", "How long does shipping take?").await;
    // One Bob serves.
    let bob = Agent::login(&server, "bob", "bob-demo").await;
    let served = init(&server, "sysnum=demo&locale=en&type=2&groupid=support").await;
    let conv = bob.take_next().await;
    bob.reply(&conv, "r1", "Hello, Bob here.").await;
    say(&server, &served, "s1", "Thanks!").await;
    // One leaves a message.
    let leaver = init(&server, "sysnum=demo&locale=en").await;
    let (status, body) = http(
        server.addr,
        "POST",
        "/api/ticket/submit",
        Some(&leaver),
        Some(
            json!({"query": "sysnum=demo", "content": "Call me back, please.",
            "fields": {"order_code": "A-1"}}),
        ),
    )
    .await;
    assert_eq!(status, 201, "ticket: {body}");

    let b = Browser::start(Viewport::Desktop).await;
    b.client.goto(&server.url("/agent/")).await.unwrap();
    for (css, value) in [
        ("#sysnum", "demo"),
        ("#username", "alice"),
        ("#password", "alice-demo"),
    ] {
        let el = b
            .client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .unwrap();
        el.clear().await.unwrap();
        el.send_keys(value).await.unwrap();
    }
    b.click(".signin-card button[type=submit]").await;
    b.click("nav a[href='/agent/reports']").await;
    b.wait_until(
        "document.querySelector('.total-conversations')",
        20,
        "the report",
    )
    .await;
    assert_eq!(b.text_of(".total-conversations").await, "4");
    assert_eq!(b.text_of(".total-served").await, "1");
    // The outcome bar names its parts with their counts.
    let outcomes = b
        .eval("document.querySelector('.chart-stack').getAttribute('aria-label')")
        .await;
    let outcomes = outcomes.as_str().unwrap().to_owned();
    for part in ["Bot only 2", "Served by an agent 1", "Left a message 1"] {
        assert!(outcomes.contains(part), "{outcomes}");
    }
    // Today's bar stands: 4 conversations; the other six days are empty.
    let bars = b
        .eval(
            "[...document.querySelectorAll('.report-days .chart-bars .bar rect')]\
             .map(r => r.getBoundingClientRect().height > 0)",
        )
        .await;
    let bars: Vec<bool> = serde_json::from_value(bars).unwrap();
    assert_eq!(bars.len(), 7, "the last seven days");
    assert_eq!(bars.iter().filter(|b| **b).count(), 1, "{bars:?}");
    assert_eq!(bars.last(), Some(&true), "today");
    let today = b
        .eval("document.querySelector('.report-days .chart-bars .bar:last-of-type title').textContent")
        .await;
    assert!(today.as_str().unwrap().ends_with(": 4"), "{today}");
    // The unknown question is listed.
    assert!(b
        .text_of(".report-unknown table")
        .await
        .contains("tell me a joke"));
    // The heat map has the four conversations in one hour (or two, across an hour).
    let heat: u64 = serde_json::from_value(
        b.eval(
            "[...document.querySelectorAll('.chart-heat .cell title')]\
             .map(t => +t.textContent.split(': ')[1]).reduce((a, b) => a + b, 0)",
        )
        .await,
    )
    .unwrap();
    assert_eq!(heat, 4);
    b.screenshot("reports").await;
    // The sections further down: agents, satisfaction, unknown questions, tickets.
    b.eval("document.querySelector('.report-agents').scrollIntoView() || true")
        .await;
    b.screenshot("reports-sections").await;
    b.close().await;
}
