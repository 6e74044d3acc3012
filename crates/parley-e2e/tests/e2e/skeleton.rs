//! The walking skeleton: the page loads, calls init and shows the tenant's greeting.

use parley_e2e::{Browser, Server, Viewport};

#[tokio::test]
async fn pc_page_shows_the_demo_greeting_in_english() {
    let server = Server::start().await;
    let browser = Browser::start(Viewport::Desktop).await;
    browser
        .client
        .goto(&server.url("/chat/pc/v2/index.html?sysnum=demo&locale=en"))
        .await
        .unwrap();
    let greeting = browser.text_of(".greeting").await;
    assert!(
        greeting.starts_with("Hello! I'm the Parley Demo Shop assistant"),
        "{greeting}"
    );
    assert_eq!(browser.text_of(".topbar h1").await, "Parley Demo Shop");
    // The UI text came with the page: English, and no request for message files.
    assert_eq!(
        browser
            .eval("document.querySelector('#parley-composer').placeholder")
            .await,
        "Type a message…"
    );
    assert_eq!(
        browser
            .eval("performance.getEntriesByType('resource').filter(e => e.name.includes('/locales/')).length")
            .await,
        0
    );
    browser.screenshot("skeleton-pc-en").await;
    browser.close().await;
}

#[tokio::test]
async fn h5_page_shows_the_greeting_in_the_tenant_default_language() {
    let server = Server::start().await;
    let browser = Browser::start(Viewport::Phone).await;
    browser
        .client
        .goto(&server.url("/chat/h5/v2/index.html?sysnum=demo"))
        .await
        .unwrap();
    let greeting = browser.text_of(".chat-h5 .greeting").await;
    assert!(greeting.contains("演示商店"), "{greeting}");
    browser.screenshot("skeleton-h5-zh").await;
    browser.close().await;
}

#[tokio::test]
async fn unknown_sysnum_shows_a_clear_localized_error() {
    let server = Server::start().await;
    let browser = Browser::start(Viewport::Desktop).await;
    browser
        .client
        .goto(&server.url("/chat/pc/v2/index.html?sysnum=nope&locale=en"))
        .await
        .unwrap();
    let en = browser.text_of("[role=alert]").await;
    assert!(en.contains("No company has the id nope"), "{en}");
    browser
        .client
        .goto(&server.url("/chat/pc/v2/index.html?sysnum=nope&locale=de"))
        .await
        .unwrap();
    let de = browser.text_of("[role=alert]").await;
    assert!(
        de.contains("Es gibt kein Unternehmen mit der ID nope"),
        "{de}"
    );
    browser.close().await;
}
