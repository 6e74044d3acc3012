//! The admin area end to end: alice (an admin in the demo) changes settings in the
//! workbench, and visitors' pages opened afterwards follow them with no restart. One
//! server and two browsers: alice's, and one that is a visitor's (and, once, the new
//! agent's).

use fantoccini::Client;
use parley_e2e::{http, Browser, Server, Viewport};

use crate::workbench::{fill_sign_in, find, has_text, open_chat, sign_in, visitor_says};

/// Replaces what a field holds with `text`, as a person does (select all, type), so
/// the page sees input events.
async fn set_field(c: &Client, css: &str, text: &str) {
    let el = find(c, css).await;
    el.send_keys(&format!("\u{E009}a\u{E000}{text}"))
        .await
        .unwrap_or_else(|e| panic!("typing into {css}: {e}"));
}

async fn value_of(b: &Browser, css: &str) -> String {
    let script = format!(
        "document.querySelector({}).value",
        serde_json::Value::String(css.into())
    );
    b.eval(&script)
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Opens an admin section from the side navigation and waits for its `ready` element.
async fn section(b: &Browser, slug: &str, ready: &str) {
    b.click(&format!(".admin-nav a[href='/agent/admin/{slug}']"))
        .await;
    find(&b.client, ready).await;
}

/// Clicks the section's save button and waits for "saved".
async fn save(b: &Browser, what: &str) {
    b.click(".save-bar button[name=save]").await;
    b.wait_until("document.querySelector('.save-bar .saved')", 20, what)
        .await;
}

fn signed(key: &str, partnerid: &str) -> String {
    let sign = parley_protocol::digest::link_sign("demo", key, partnerid);
    format!("sysnum=demo&locale=en&partnerid={partnerid}&sign={sign}")
}

/// The status `POST /api/chat/init` answers for a link.
async fn init_status(server: &Server, query: &str) -> u16 {
    http(
        server.addr,
        "POST",
        "/api/chat/init",
        None,
        Some(serde_json::json!({ "query": query })),
    )
    .await
    .0
}

#[tokio::test]
async fn an_admin_changes_settings_that_visitors_see_at_once() {
    let server = Server::start().await;
    let alice = Browser::start(Viewport::Desktop).await;
    sign_in(&alice, &server, "alice").await;
    alice.click("nav.nav a[href='/agent/admin']").await;
    find(&alice.client, "input[name='/company_name']").await;

    // A bad colour: refused beside the field, and what was typed stays.
    set_field(&alice.client, "#admin-color", "orange").await;
    alice.click(".save-bar button[name=save]").await;
    alice
        .wait_until(
            "document.querySelector(\".field-error[data-field='backend.color']\")",
            20,
            "the colour's field error",
        )
        .await;
    assert_eq!(value_of(&alice, "#admin-color").await, "orange");
    alice.screenshot("admin-settings").await;
    set_field(&alice.client, "#admin-color", "ff6600").await;
    save(&alice, "the colour saved").await;
    assert_eq!(
        alice
            .eval("!!document.querySelector(\".field-error[data-field='backend.color']\")")
            .await,
        false
    );

    // The bot's greeting.
    section(
        &alice,
        "reception",
        "input[name='/backend/robot_hello_word']",
    )
    .await;
    set_field(
        &alice.client,
        "input[name='/backend/robot_hello_word']",
        "Welcome to the orange shop!",
    )
    .await;
    save(&alice, "the greeting saved").await;

    // A visitor page opened now shows both, with no restart.
    let visitor = Browser::start(Viewport::Desktop).await;
    open_chat(&visitor, &server, "sysnum=demo&locale=en").await;
    visitor
        .wait_until(
            &has_text(".greeting", "Welcome to the orange shop!"),
            20,
            "the new greeting",
        )
        .await;
    let theme = visitor
        .eval("getComputedStyle(document.querySelector('.chat-body')).getPropertyValue('--theme')")
        .await;
    assert!(
        theme
            .as_str()
            .unwrap_or_default()
            .to_lowercase()
            .contains("ff6600"),
        "{theme}"
    );

    // A new agent, who then signs in.
    section(&alice, "agents", "input[name=new-agent-id]").await;
    set_field(&alice.client, "input[name=new-agent-id]", "dave").await;
    set_field(
        &alice.client,
        "input[name=new-agent-name]",
        "Dave Admin-Made",
    )
    .await;
    set_field(
        &alice.client,
        "input[name=new-agent-password]",
        "dave-password-1",
    )
    .await;
    alice.click("button[name=add-agent]").await;
    alice
        .wait_until(
            "document.querySelector('.new-agent .saved')",
            20,
            "the agent added",
        )
        .await;
    assert!(alice
        .eval("!!document.querySelector(\"fieldset[data-agent='dave']\")")
        .await
        .as_bool()
        .unwrap());
    fill_sign_in(&visitor, &server, "dave", "dave-password-1").await;
    visitor
        .wait_until(
            "document.querySelector('.conn-open')",
            20,
            "dave's workbench",
        )
        .await;
    assert_eq!(visitor.text_of(".topbar .me").await, "Dave Admin-Made");
    // Dave is no admin: no admin link.
    assert_eq!(
        visitor
            .eval("!!document.querySelector(\"nav.nav a[href='/agent/admin']\")")
            .await,
        false
    );

    // A new FAQ entry: tried before it is saved, then answered to a visitor.
    section(&alice, "faq", "button[name='add-entry-0']").await;
    alice.click("button[name='add-entry-0']").await;
    let new_entry = "details.faq-entry[open]";
    set_field(
        &alice.client,
        &format!("{new_entry} input[name$='/question']"),
        "Do you sell gift cards?",
    )
    .await;
    // Typed key by key, as a person would: the spaces and the new line stay.
    set_field(
        &alice.client,
        &format!("{new_entry} textarea[name$='/similar']"),
        "can I buy a gift card\nis there a gift voucher",
    )
    .await;
    assert_eq!(
        value_of(&alice, &format!("{new_entry} textarea[name$='/similar']")).await,
        "can I buy a gift card\nis there a gift voucher"
    );
    set_field(
        &alice.client,
        &format!("{new_entry} textarea[name$='/answer']"),
        "Yes: gift cards from 10 to 500 euros, on the Gifts page.",
    )
    .await;
    set_field(
        &alice.client,
        "input[name=try-question]",
        "do you sell gift cards",
    )
    .await;
    alice.click("button[name=try]").await;
    alice
        .wait_until(
            "document.querySelector(\".try-result[data-outcome='answer'] .ranking tr.picked\")",
            20,
            "the try box's answer",
        )
        .await;
    let first = alice.text_of(".ranking tbody tr:first-child").await;
    assert!(first.contains("Do you sell gift cards?"), "{first}");
    assert!(alice
        .text_of(".try-reply")
        .await
        .contains("gift cards from 10 to 500"));
    alice.screenshot("admin-faq-try").await;
    // The sticky Save bar never covers a field: focusing the last field from the top
    // of the page scrolls it into view clear of the bar.
    alice
        .eval(
            "(() => { const body = document.querySelector('.admin-body'); body.scrollTop = 0; \
             const fields = [...body.querySelectorAll('input, textarea, select')] \
               .filter(e => !e.closest('.save-bar, details:not([open])')); \
             const last = fields[fields.length - 1]; last.dataset.lastField = '1'; \
             last.focus(); return fields.length; })()",
        )
        .await;
    alice
        .wait_until(
            "(() => { const e = document.activeElement; \
             const f = e.getBoundingClientRect(); \
             const bar = document.querySelector('.save-bar').getBoundingClientRect(); \
             return e.dataset.lastField === '1' && f.top > 0 && f.bottom <= bar.top + 1; })()",
            5,
            "the focused last field clear of the Save bar",
        )
        .await;
    alice.screenshot("admin-faq-last-field").await;
    // Scrolled to the end, the bar rests under everything before it.
    let place = "(() => { const bar = document.querySelector('.save-bar'); \
         const before = bar.previousElementSibling.getBoundingClientRect(); \
         return [before.bottom, bar.getBoundingClientRect().top]; })()";
    alice
        .eval("(() => { const b = document.querySelector('.admin-body'); b.scrollTop = b.scrollHeight; return true; })()")
        .await;
    parley_e2e::grace_period(std::time::Duration::from_millis(300)).await;
    let at_end = alice.eval(place).await;
    let px = |i: usize| at_end[i].as_f64().unwrap();
    assert!(
        px(0) <= px(1) + 1.0,
        "the last section's bottom, the bar's top: {at_end}"
    );
    alice.screenshot("admin-faq-end").await;
    save(&alice, "the FAQ saved").await;
    open_chat(&visitor, &server, "sysnum=demo&locale=en").await;
    visitor_says(&visitor, "Do you sell gift cards?").await;
    visitor
        .wait_until(
            &has_text(".msg-bot", "gift cards from 10 to 500 euros"),
            20,
            "the bot's new answer",
        )
        .await;

    // Sign required: an unsigned link is refused at once, a signed one works.
    section(&alice, "security", "input[name='/security/sign_required']").await;
    alice.click("input[name='/security/sign_required']").await;
    save(&alice, "sign required saved").await;
    let demo_key = "258eec3118705112b2c53dc8043d4d34";
    open_chat_refused(&visitor, &server, "sysnum=demo&locale=en&partnerid=u1").await;
    open_chat(&visitor, &server, &signed(demo_key, "u1")).await;

    // A key too short: refused beside the field, the typed key kept.
    set_field(&alice.client, "input[name=new-key]", "abcdef0123").await;
    alice.click("button[name=rotate]").await;
    alice
        .wait_until(
            "document.querySelector(\".field-error[data-field='secret_key']\")",
            20,
            "the key's field error",
        )
        .await;
    assert_eq!(value_of(&alice, "input[name=new-key]").await, "abcdef0123");
    assert_eq!(init_status(&server, &signed(demo_key, "u2")).await, 200);

    // Rotated with an hour's grace: both keys work.
    let new_key = "0f1e2d3c4b5a69788796a5b4c3d2e1f0aa";
    set_field(&alice.client, "input[name=new-key]", new_key).await;
    set_field(&alice.client, "input[name=grace-minutes]", "60").await;
    alice.click("button[name=rotate]").await;
    alice
        .wait_until(
            "document.querySelector('.rotation .saved') && document.querySelector('button[name=end-grace]')",
            20,
            "the key rotated",
        )
        .await;
    open_chat(&visitor, &server, &signed(demo_key, "u3")).await;
    open_chat(&visitor, &server, &signed(new_key, "u4")).await;
    // The grace period ended by a second change: the old key is refused.
    alice.click("button[name=end-grace]").await;
    alice
        .wait_until(
            "!document.querySelector('button[name=end-grace]')",
            20,
            "the grace period over",
        )
        .await;
    open_chat_refused(&visitor, &server, &signed(demo_key, "u5")).await;
    open_chat(&visitor, &server, &signed(new_key, "u6")).await;

    // The audit log names alice and what she changed.
    section(&alice, "audit", ".audit-entry").await;
    alice
        .wait_until(
            &has_text(".audit-entry", "agent:alice"),
            20,
            "alice in the audit log",
        )
        .await;
    assert!(alice.text_of(".audit").await.contains("ff6600"));
    assert!(!alice.text_of(".audit").await.contains(new_key));

    visitor.close().await;
    alice.close().await;
}

/// Opens a chat link that must be refused as an illegal user.
async fn open_chat_refused(b: &Browser, server: &Server, query: &str) {
    b.client
        .goto(&server.url(&format!("/chat/pc/v2/index.html?{query}")))
        .await
        .unwrap();
    b.wait_until(
        "document.querySelector('.notice.error.security')",
        20,
        "the link refused",
    )
    .await;
    assert_eq!(init_status(server, query).await, 403);
}
