//! The leave-message page and the ticket plug-in page in Chromium: localized errors
//! that lose nothing, an attached image, the ticket number, a draft that survives a
//! reload, and docking fields from the plug-in's `params`.

use std::time::Duration;

use fantoccini::{Client, Locator};
use parley_e2e::{Browser, Server, Viewport};

/// A 1×1 PNG.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";

/// The spec's leave-message link with the host swapped for the local server and the
/// sysnum for the demo tenant's (`locale=cn` is the spec's, Simplified Chinese).
const SPEC_LINK: &str = "/chat/h5/v2/leavemessage.html?sysnum=demo&uid=xxx&source=9&uname=xxx&templateid=xxx&groupid=xx&locale=cn&t=xxx";

async fn value_of(client: &Client, css: &str) -> String {
    let el = client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await;
    let el = match el {
        Ok(el) => el,
        Err(e) => {
            let body = client.source().await.unwrap_or_default();
            panic!("no {css}: {e}; page: {body}")
        }
    };
    el.prop("value").await.unwrap().unwrap_or_default()
}

async fn type_into(client: &Client, css: &str, text: &str) {
    let el = client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"));
    el.send_keys(text).await.unwrap();
}

async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Polls (up to 20 s) until `css` has non-empty text; returns it.
async fn text_when_filled(client: &Client, css: &str) -> String {
    parley_e2e::wait_for(
        &format!("text in {css}"),
        Duration::from_secs(20),
        async || match client.find(Locator::Css(css)).await {
            Ok(el) => {
                let text = el.text().await.unwrap_or_default();
                if text.trim().is_empty() {
                    Err("an empty element".to_owned())
                } else {
                    Ok(text)
                }
            }
            Err(e) => Err(format!("no element: {e}")),
        },
    )
    .await
}

/// Runs `script` (an async function body receiving the server's origin) in the page
/// and returns what it resolves to: the test talks to the agent API from the browser.
async fn in_page(client: &Client, script: &str) -> serde_json::Value {
    let wrapped = format!(
        "const done = arguments[arguments.length - 1]; (async () => {{ {script} }})().then(done, e => done({{error: String(e)}}));"
    );
    client.execute_async(&wrapped, vec![]).await.unwrap()
}

const AGENT_TICKETS: &str = "
    const login = await fetch('/api/agent/login', {method: 'POST', headers: {'content-type': 'application/json'},
        body: JSON.stringify({sysnum: 'demo', username: 'alice', password: 'alice-demo'})}).then(r => r.json());
    return await fetch('/api/agent/tickets', {headers: {authorization: 'Bearer ' + login.token}}).then(r => r.json());
";

#[tokio::test]
async fn spec_link_refuses_an_empty_required_field_then_files_the_ticket_with_an_image() {
    let server = Server::start().await;
    let browser = Browser::start(Viewport::Phone).await;
    let c = &browser.client;
    c.goto(&server.url(SPEC_LINK)).await.unwrap();
    let guidance = browser.text_of(".leave-guidance").await;
    assert!(guidance.contains("请留言"), "{guidance}");

    // The message is typed, the required order number is not.
    type_into(c, "#leave-content", "包裹显示已签收，但我没有收到。").await;
    click(c, "button[type=submit]").await;
    let error = text_when_filled(c, "#leave-error-order_code").await;
    assert_eq!(error, "此项为必填项。");
    assert_eq!(
        value_of(c, "#leave-content").await,
        "包裹显示已签收，但我没有收到。"
    );
    assert_eq!(
        c.find(Locator::Css("#leave-field-order_code"))
            .await
            .unwrap()
            .attr("aria-invalid")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    browser.screenshot("leave-required-error-zh").await;

    type_into(c, "#leave-field-order_code", "A-1001").await;
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("parcel.png");
    std::fs::write(&photo, PNG).unwrap();
    type_into(c, "#leave-files", photo.to_str().unwrap()).await;
    let listed = browser.text_of(".leave-files li .file-name").await;
    assert_eq!(listed, "parcel.png");
    click(c, "button[type=submit]").await;
    let number = text_when_filled(c, ".leave-success .ticket-number").await;
    assert_eq!(number, "工单编号 1");
    // The form gives way to the success screen.
    let form = c.find(Locator::Css("form.leave-form")).await.unwrap();
    assert!(!form.is_displayed().await.unwrap());
    browser.screenshot("leave-success-zh").await;

    // "My messages" lists it, and the agents see it with the image.
    let mine = text_when_filled(c, ".tickets .ticket-content").await;
    assert_eq!(mine, "包裹显示已签收，但我没有收到。");
    let tickets = in_page(c, AGENT_TICKETS).await;
    let t = &tickets["tickets"][0];
    assert_eq!(t["number"], 1, "{tickets}");
    assert_eq!(t["fields"][0]["value"], "A-1001");
    assert_eq!(t["attachments"][0]["name"], "parcel.png");
    assert_eq!(t["attachments"][0]["content_type"], "image/png");
    assert_eq!(t["attachments"][0]["size"], PNG.len());
    browser.close().await;
}

#[tokio::test]
async fn a_reload_while_typing_keeps_the_draft() {
    let server = Server::start().await;
    let browser = Browser::start(Viewport::Phone).await;
    let c = &browser.client;
    let link = server.url("/chat/h5/v2/leavemessage.html?sysnum=demo&locale=en");
    c.goto(&link).await.unwrap();
    type_into(c, "#leave-content", "I was halfway through explaining").await;
    type_into(c, "#leave-field-order_code", "B-77").await;
    // The draft is written to local storage on each change: reload once it holds both.
    browser
        .wait_until(
            "Object.values(localStorage).some(v => v.includes('I was halfway through explaining') \
             && v.includes('B-77'))",
            10,
            "the draft in local storage",
        )
        .await;
    c.refresh().await.unwrap();
    assert_eq!(
        value_of(c, "#leave-content").await,
        "I was halfway through explaining"
    );
    assert_eq!(value_of(c, "#leave-field-order_code").await, "B-77");
    let note = browser.text_of(".leave-restored").await;
    assert_eq!(note, "Your unsent message was restored.");

    // After a successful submission the draft is gone.
    click(c, "button[type=submit]").await;
    let number = text_when_filled(c, ".leave-success .ticket-number").await;
    assert_eq!(number, "Ticket number 1");
    c.refresh().await.unwrap();
    assert_eq!(value_of(c, "#leave-content").await, "");
    browser.close().await;
}

#[tokio::test]
async fn ticket_plugin_params_become_the_tickets_docking_fields() {
    let server = Server::start().await;
    let browser = Browser::start(Viewport::Desktop).await;
    let c = &browser.client;
    // The spec's plug-in link (sysNum swapped for the demo's) with its params example.
    let params = "%7B%22card_title%22%3A%22Sobot%22%2C%22card_url%22%3A%22http%3A%2F%2Fsg.sobot.io%22%2C%22card_desc%22%3A%22Sobot%2COnline%2CCall%2CRobot%2CIntegration%22%2C%22card_note%22%3A%22%241500%22%2C%22card_picture%22%3A%22https%3A%2F%2Fimg.sobot.io%2Fconsole%2Fcommon%2Fface%2Fadmin.png%22%7D";
    let link = format!(
        "/ticketclient/index.html?sysNum=demo&deployId=84a3a0c2d3ea452a862a1ee6ed32cb8c&paramUnionId=yuzuu-RVVVB-www&locale=en&params={params}"
    );
    c.goto(&server.url(&link)).await.unwrap();
    assert_eq!(browser.text_of(".docking-card .card-title").await, "Sobot");
    assert_eq!(browser.text_of(".docking-card .card-note").await, "$1500");
    // The plug-in page (`sysNum`) came with the language its session uses.
    assert_eq!(
        browser
            .eval("performance.getEntriesByType('resource').filter(e => e.name.includes('/locales/')).length")
            .await,
        0
    );
    let href = c
        .find(Locator::Css(".docking-card a.card-title"))
        .await
        .unwrap()
        .attr("rel")
        .await
        .unwrap();
    assert_eq!(href.as_deref(), Some("noopener noreferrer"));

    // The plug-in's template requires an e-mail: refused first, in English.
    type_into(c, "#leave-content", "Does it integrate with our CRM?").await;
    click(c, "button[type=submit]").await;
    assert_eq!(
        text_when_filled(c, "#leave-error-email").await,
        "This field is required."
    );
    type_into(c, "#leave-email", "buyer@example.com").await;
    click(c, "button[type=submit]").await;
    assert_eq!(
        text_when_filled(c, ".leave-success .ticket-number").await,
        "Ticket number 1"
    );
    browser.screenshot("ticket-plugin-en").await;

    let tickets = in_page(c, AGENT_TICKETS).await;
    let t = &tickets["tickets"][0];
    assert_eq!(t["source"], "ticket_plugin", "{tickets}");
    assert_eq!(t["email"], "buyer@example.com");
    let docking = &t["docking"];
    assert_eq!(docking["card_title"], "Sobot");
    assert_eq!(docking["card_url"], "http://sg.sobot.io");
    assert_eq!(docking["card_desc"], "Sobot,Online,Call,Robot,Integration");
    assert_eq!(docking["card_note"], "$1500");
    assert_eq!(
        docking["card_picture"],
        "https://img.sobot.io/console/common/face/admin.png"
    );
    browser.close().await;
}

/// The in-chat entry (`leave_msg_flag=1`) is a link to the leave-message page on PC
/// and H5 alike: the chat's bundle does not carry the form (it is the leave pages'
/// bundle, `dist/leave/`), so the PC page opens that page, which files the ticket.
#[tokio::test]
async fn the_chat_entry_opens_the_leave_page_from_pc_and_h5() {
    let server = Server::start().await;
    let browser = Browser::start(Viewport::Desktop).await;
    let c = &browser.client;
    c.goto(&server.url("/chat/pc/v2/index.html?sysnum=demo&locale=en&leave_msg_flag=1"))
        .await
        .unwrap();
    browser.click(".composer .leave-entry").await;
    type_into(c, "#leave-content", "Please call me back about my order").await;
    assert!(c
        .current_url()
        .await
        .unwrap()
        .path()
        .ends_with("/chat/h5/v2/leavemessage.html"));
    // The leave page's own bundle, not the chat's.
    let scripts = c
        .execute(
            "return [...document.scripts].map(s => s.src + ' ' + s.textContent).join(' ')",
            vec![],
        )
        .await
        .unwrap();
    assert!(scripts.as_str().unwrap().contains("/leave/"), "{scripts}");
    type_into(c, "#leave-field-order_code", "C-9").await;
    click(c, "button[type=submit]").await;
    let number = text_when_filled(c, ".leave-success .ticket-number").await;
    assert_eq!(number, "Ticket number 1");
    browser.screenshot("leave-from-chat-pc-en").await;
    browser.close().await;

    let phone = Browser::start(Viewport::Phone).await;
    let c = &phone.client;
    c.goto(&server.url("/chat/h5/v2/index.html?sysnum=demo&locale=en&leave_msg_flag=1"))
        .await
        .unwrap();
    let entry = c
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(".composer .leave-entry"))
        .await
        .unwrap();
    let href = entry.attr("href").await.unwrap().unwrap_or_default();
    assert!(
        href.starts_with("/chat/h5/v2/leavemessage.html?sysnum=demo"),
        "{href}"
    );
    phone.close().await;
}
