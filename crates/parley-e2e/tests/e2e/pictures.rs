//! Pictures and rich text end to end: the visitor picks a picture with the composer's
//! picture button, the agent receives it; the agent sends a picture and a formatted
//! reply, and the visitor sees the picture loaded from the server and the formatting.

use fantoccini::Locator;
use parley_e2e::{Agent, Browser, Server, Viewport};

/// A real 2×3 red PNG.
pub const PNG_2X3: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03, 0x08, 0x06, 0x00, 0x00, 0x00, 0xB9, 0xEA, 0xDE,
    0x81, 0x00, 0x00, 0x00, 0x11, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x84, 0x19, 0x30, 0x18, 0x00, 0xA1, 0x79, 0x0B, 0xF5, 0x4D, 0xC4, 0x9A, 0x07, 0x00, 0x00,
    0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

#[tokio::test]
async fn pictures_and_formatting_both_ways() {
    let server = Server::start().await;
    let browser = Browser::start(Viewport::Desktop).await;
    let alice = Agent::login(&server, "alice", "alice-demo").await;
    browser
        .client
        .goto(&server.url(
            "/chat/pc/v2/index.html?sysnum=demo&locale=en&type=2&groupid=sales&partnerid=pics",
        ))
        .await
        .unwrap();
    let id = alice.take_next().await;
    // The picture button shows once the agent has the conversation.
    browser
        .wait_until(
            "!!document.querySelector('.composer .attach')",
            20,
            "the picture button",
        )
        .await;

    // The visitor picks a file.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("receipt.png");
    std::fs::write(&path, PNG_2X3).unwrap();
    let input = browser
        .client
        .find(Locator::Css(".composer input[type=file]"))
        .await
        .expect("file input");
    input
        .send_keys(path.to_str().unwrap())
        .await
        .expect("pick the file");
    browser
        .wait_until(
            "[...document.querySelectorAll('.msg-visitor.msg-picture img')]\
             .some(i => i.complete && i.naturalWidth === 2 && i.naturalHeight === 3)",
            20,
            "the visitor's picture, stored and loaded from the server",
        )
        .await;
    assert_eq!(
        browser
            .eval("document.querySelectorAll('.uploads .upload').length")
            .await,
        0,
        "nothing is left sending"
    );
    let (status, page) = alice
        .call(
            "GET",
            &format!("/api/agent/conversations/{id}/messages"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let pictures: Vec<_> = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "image" && m["sender"] == "visitor")
        .collect();
    assert_eq!(pictures.len(), 1, "{page}");
    assert_eq!(pictures[0]["text"], "receipt.png");

    // The agent sends a picture and a formatted reply.
    let url = server.url(&format!(
        "/api/agent/conversations/{id}/image?client_id=a-pic&name=map.png"
    ));
    let sent = reqwest::Client::new()
        .post(url)
        .bearer_auth(&alice.token)
        .body(PNG_2X3.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 200);
    alice
        .reply(
            &id,
            "a-rich",
            "**Found it.** Steps:\n1. Open *Orders*\n2. See [the guide](https://help.example/orders)",
        )
        .await;
    browser
        .wait_until(
            "[...document.querySelectorAll('.msg-agent.msg-picture img')]\
             .some(i => i.complete && i.naturalWidth === 2 && i.alt === 'map.png')",
            20,
            "the agent's picture",
        )
        .await;
    browser
        .wait_until(
            "[...document.querySelectorAll('.msg-agent strong')].some(e => e.textContent === 'Found it.')",
            20,
            "the formatted reply",
        )
        .await;
    assert_eq!(
        browser
            .eval("document.querySelector('.msg-agent ol li a').getAttribute('href')")
            .await,
        "https://help.example/orders"
    );
    assert_eq!(
        browser
            .eval("document.querySelector('.msg-agent ol li em').textContent")
            .await,
        "Orders"
    );
    browser.screenshot("chat-pc-en-pictures").await;
    browser.close().await;
}
