//! Product and order cards end to end: the spec's order link opens the chat with the
//! card above the composer; the visitor sends it; the agent API lists the card message
//! with every field; the visitor sees it in the conversation, also after a reload. Once
//! on the PC page at desktop size, once on the spec's own H5 page on a phone.

use std::time::Duration;

use fantoccini::Locator;
use parley_e2e::{Browser, Server, Viewport};
use serde_json::{json, Value};

/// The spec's order-card link after its host: the H5 page, `order_status=1`, raw JSON
/// `goods`. Only `sysnum` is the demo tenant's instead of the spec's example tenant, and
/// `locale=en`, `type=2` and `groupid=sales` (agent only in the sales group, so
/// reception hands the visitor straight to the signed-in agent) are added.
const SPEC_QUERY: &str = "sysnum=demo&order_status=1&create_time=1586414406391\
&order_code=121212&order_url=http://sg.sobot.io&goods_count=2&total_fee=1000\
&goods=[{\"name\":\"saaadad\",\"pictureUrl\":\"https://img.sobot.io/console/common/face/admin.png\"}]\
&locale=en&type=2&groupid=sales";

/// Every field of the spec's order card as the agent API must list it.
fn expected_card() -> Value {
    json!({
        "type": "order",
        "order_status": 1,
        "status_custom": null,
        "create_time": 1586414406391_u64,
        "order_code": "121212",
        "order_url": "http://sg.sobot.io",
        "goods_count": 2,
        "total_fee": 1000,
        "goods": [{
            "name": "saaadad",
            "picture_url": "https://img.sobot.io/console/common/face/admin.png"
        }]
    })
}

async fn agent_token(http: &reqwest::Client, server: &Server) -> String {
    let response = http
        .post(server.url("/api/agent/login"))
        .json(&json!({"sysnum": "demo", "username": "alice", "password": "alice-demo"}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, 200, "login: {text}");
    let login: Value = serde_json::from_str(&text).unwrap();
    login["token"].as_str().expect("agent token").to_owned()
}

async fn agent_get(http: &reqwest::Client, server: &Server, token: &str, path: &str) -> Value {
    let response = http
        .get(server.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, 200, "{path}: {text}");
    serde_json::from_str(&text).unwrap()
}

/// Waits (up to 10 s) until no element matches `css`.
async fn wait_gone(browser: &Browser, css: &str) {
    parley_e2e::wait_for(
        &format!("{css} to go"),
        Duration::from_secs(10),
        async || {
            let shown = browser.client.find_all(Locator::Css(css)).await.unwrap();
            if shown.is_empty() {
                Ok(())
            } else {
                Err(format!("{} still shown", shown.len()))
            }
        },
    )
    .await;
}

async fn order_card_flow(page: &str, viewport: Viewport, layout_class: &str, shot: &str) {
    let server = Server::start().await;
    let browser = Browser::start(viewport).await;
    let http = reqwest::Client::new();
    // An agent is online first, so reception assigns the visitor to them at once.
    let token = agent_token(&http, &server).await;
    browser
        .client
        .goto(&server.url(&format!("{page}?{SPEC_QUERY}")))
        .await
        .unwrap();

    // The card waits above the composer, in the page's layout.
    let layout = layout_class.trim_start_matches("card-");
    let tray = format!(".card-tray.card-tray-{layout} .card-order.{layout_class}");
    let shown = browser.text_of(&tray).await;
    for part in [
        "To be paid",
        "2 items",
        "10.00",
        "saaadad",
        "Order no. 121212",
    ] {
        assert!(shown.contains(part), "{part:?} missing from {shown:?}");
    }
    let link = browser
        .client
        .find(Locator::Css(".card-tray a.card-order-code"))
        .await
        .unwrap();
    assert_eq!(
        link.attr("href").await.unwrap().as_deref(),
        Some("http://sg.sobot.io")
    );
    assert_eq!(
        link.attr("rel").await.unwrap().as_deref(),
        Some("noopener noreferrer")
    );
    // Nothing sticks out sideways (the phone page must not scroll horizontally).
    let overflow = browser
        .client
        .execute(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        overflow.as_i64().unwrap_or(0) <= 0,
        "page overflows by {overflow}"
    );
    browser.screenshot(&format!("{shot}-tray")).await;

    // Reception gave the conversation to the agent.
    let list = agent_get(&http, &server, &token, "/api/agent/conversations").await;
    let conv = list["mine"][0]["id"]
        .as_str()
        .expect("the visitor's conversation is the agent's")
        .to_owned();

    // The visitor sends the card: the tray goes, the card is in the conversation.
    browser
        .client
        .find(Locator::Css(".card-tray .card-send"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let in_chat = browser
        .text_of(".messages .card-msg-mine .card-order")
        .await;
    assert!(
        in_chat.contains("To be paid") && in_chat.contains("10.00"),
        "{in_chat}"
    );
    wait_gone(&browser, ".card-tray").await;
    browser.screenshot(&format!("{shot}-sent")).await;

    // The agent API lists the card message with every field.
    let page = agent_get(
        &http,
        &server,
        &token,
        &format!("/api/agent/conversations/{conv}/messages"),
    )
    .await;
    let cards: Vec<&Value> = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "card")
        .collect();
    assert_eq!(cards.len(), 1, "{page}");
    assert_eq!(cards[0]["sender"], "visitor");
    assert_eq!(cards[0]["card"], expected_card());

    // After a reload the history shows the sent card, and the link does not offer the
    // same card again.
    browser.client.refresh().await.unwrap();
    let again = browser
        .text_of(".messages .card-msg-mine .card-order")
        .await;
    assert!(again.contains("saaadad"), "{again}");
    assert!(browser
        .client
        .find_all(Locator::Css(".card-tray"))
        .await
        .unwrap()
        .is_empty());
    browser.close().await;
}

#[tokio::test]
async fn the_spec_order_card_is_sent_from_the_pc_page_and_reaches_the_agent() {
    order_card_flow(
        "/chat/pc/v2/index.html",
        Viewport::Desktop,
        "card-pc",
        "cards-pc",
    )
    .await;
}

#[tokio::test]
async fn the_spec_order_link_on_a_phone_shows_the_h5_card_and_sends_it() {
    order_card_flow(
        "/chat/h5/v2/index.html",
        Viewport::Phone,
        "card-h5",
        "cards-h5",
    )
    .await;
}
