//! The H5 chat's in-chat "leave a message" link under `sign_required`: it carries the
//! link's `partnerid` and `sign`, so the leave-message page admits the visitor and files
//! the ticket (without them the tenant would refuse the visitor there).

use std::sync::Arc;
use std::time::Duration;

use fantoccini::Locator;
use parley_e2e::{Agent, Browser, Server, Viewport};

#[tokio::test]
async fn the_h5_leave_link_under_sign_required_opens_the_form_and_files_a_ticket() {
    let server =
        Server::start_configured(Arc::new(|t| t.security.sign_required = true), false).await;
    let sign =
        parley_protocol::digest::link_sign("demo", parley_server::config::DEMO_KEY, "leaver-1");
    let browser = Browser::start(Viewport::Phone).await;
    let c = &browser.client;
    c.goto(&server.url(&format!(
        "/chat/h5/v2/index.html?sysnum=demo&locale=en&partnerid=leaver-1&sign={sign}\
         &leave_msg_flag=1&templateid=default"
    )))
    .await
    .unwrap();
    browser
        .wait_until(
            "document.querySelector('.composer a.leave-entry')",
            20,
            "the composer's leave-message entry",
        )
        .await;
    let href = browser
        .eval("document.querySelector('.composer a.leave-entry').getAttribute('href')")
        .await;
    let href = href.as_str().unwrap().to_owned();
    assert!(href.starts_with("/chat/h5/v2/leavemessage.html?"), "{href}");
    for part in [
        "partnerid=leaver-1",
        &format!("sign={sign}"),
        "templateid=default",
    ] {
        assert!(href.contains(part), "{href} lacks {part}");
    }
    browser.click(".composer a.leave-entry").await;
    let content = c
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("#leave-content"))
        .await
        .expect("the leave-message form, not a refusal");
    content
        .send_keys("Please call me back about my order.")
        .await
        .unwrap();
    c.find(Locator::Css("#leave-field-order_code"))
        .await
        .unwrap()
        .send_keys("S-42")
        .await
        .unwrap();
    browser.screenshot("leave-link-signed-h5").await;
    c.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_until(
            "document.querySelector('.leave-success .ticket-number')",
            20,
            "the ticket number",
        )
        .await;
    let alice = Agent::login(&server, "alice", "alice-demo").await;
    let (status, tickets) = alice.call("GET", "/api/agent/tickets", None).await;
    assert_eq!(status, 200, "{tickets}");
    let t = &tickets["tickets"][0];
    assert_eq!(
        t["content"], "Please call me back about my order.",
        "{tickets}"
    );
    assert_eq!(t["fields"][0]["value"], "S-42");

    // The same page without the sign is refused, as the tenant requires.
    let unsigned = href
        .replace(&format!("&sign={sign}"), "")
        .replace(&format!("sign={sign}&"), "");
    assert!(!unsigned.contains("sign="), "{unsigned}");
    c.goto(&server.url(&unsigned)).await.unwrap();
    browser
        .wait_until(
            "document.querySelector('.notice.error')",
            20,
            "a refusal without the sign",
        )
        .await;
    assert_eq!(
        browser
            .eval("!!document.querySelector('#leave-content')")
            .await,
        false,
        "no form without the sign"
    );
    browser.close().await;
}
