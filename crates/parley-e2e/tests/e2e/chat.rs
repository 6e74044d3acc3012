//! The chat view end to end: the release client in headless Chromium (desktop and a
//! phone viewport with touch) against the real server, with a demo agent acting
//! through the agent API.

use fantoccini::Locator;
use parley_e2e::{Agent, Browser, Server, Viewport};

/// WebDriver's Enter and Shift keys.
const ENTER: &str = "\u{E007}";
const SHIFT: &str = "\u{E008}";

/// Opens a chat page and waits for its composer.
pub(crate) async fn open(browser: &Browser, server: &Server, path_and_query: &str) {
    browser
        .client
        .goto(&server.url(path_and_query))
        .await
        .unwrap();
    browser
        .wait_until(
            "document.querySelector('#parley-composer')",
            20,
            "the composer",
        )
        .await;
}

/// Types `text` into the composer and presses Enter.
async fn send(browser: &Browser, text: &str) {
    let area = browser
        .client
        .find(Locator::Css("#parley-composer"))
        .await
        .expect("composer");
    area.send_keys(text).await.expect("type");
    area.send_keys(ENTER).await.expect("enter");
}

/// A JS expression: how many visitor bubbles contain `text`.
fn visitor_count(text: &str) -> String {
    format!(
        "[...document.querySelectorAll('.msg-visitor')].filter(e => e.textContent.includes({})).length",
        serde_json::Value::String(text.into())
    )
}

/// A JS expression: whether some element matching `css` contains `text`.
fn has_text(css: &str, text: &str) -> String {
    format!(
        "[...document.querySelectorAll({})].some(e => e.textContent.includes({}))",
        serde_json::Value::String(css.into()),
        serde_json::Value::String(text.into())
    )
}

/// Agent-only reception (`type=2`) in the sales group: Alice is online, so reception
/// gives her the visitor at once; the visitor writes, Alice replies through the agent
/// API, and the visitor sees her join and her reply.
async fn visitor_reaches_an_agent(viewport: Viewport, path: &str, shot: &str) {
    let server = Server::start().await;
    let browser = Browser::start(viewport).await;
    let alice = Agent::login(&server, "alice", "alice-demo").await;
    open(&browser, &server, path).await;
    send(&browser, "I need help with my order").await;
    browser
        .wait_until(
            &format!(
                "{} === 1 && !document.querySelector('.is-pending')",
                visitor_count("I need help with my order")
            ),
            20,
            "the visitor's message to be stored",
        )
        .await;
    let id = alice.take_next().await;
    alice
        .reply(
            &id,
            "e2e-reply-1",
            "Hi, I'm Alice. Let me check your order.",
        )
        .await;
    browser
        .wait_until(&has_text(".sys", "Alice"), 20, "the agent-joined notice")
        .await;
    browser
        .wait_until(
            &has_text(".msg-agent", "Let me check your order."),
            20,
            "the agent's reply",
        )
        .await;
    // Shift+Enter is a newline, not a send.
    let area = browser
        .client
        .find(Locator::Css("#parley-composer"))
        .await
        .unwrap();
    area.send_keys("line one").await.unwrap();
    area.send_keys(&format!("{SHIFT}{ENTER}")).await.unwrap();
    let value = browser
        .eval("document.querySelector('#parley-composer').value")
        .await;
    assert_eq!(value, "line one\n", "Shift+Enter must not send");
    assert_eq!(browser.eval(&visitor_count("line one")).await, 0);
    browser.screenshot(shot).await;
    browser.close().await;
}

#[tokio::test]
async fn pc_visitor_reaches_an_agent() {
    visitor_reaches_an_agent(
        Viewport::Desktop,
        "/chat/pc/v2/index.html?sysnum=demo&locale=en&type=2&groupid=sales",
        "chat-pc-en",
    )
    .await;
}

#[tokio::test]
async fn h5_visitor_reaches_an_agent() {
    visitor_reaches_an_agent(
        Viewport::Phone,
        "/chat/h5/v2/index.html?sysnum=demo&locale=en&type=2&groupid=sales",
        "chat-h5-en",
    )
    .await;
}

/// Bot first (the demo default): greeting, a question the bot answers, the
/// trans-to-agent button (`show_manual` is off by default, so it shows at once), an
/// agent's reply. `groupid=sales` skips the group choice.
async fn bot_then_agent(viewport: Viewport, path: &str) {
    let server = Server::start().await;
    let browser = Browser::start(viewport).await;
    open(&browser, &server, path).await;
    let greeting = browser.text_of(".greeting").await;
    assert!(greeting.contains("Parley Demo Shop"), "{greeting}");
    send(&browser, "How long does shipping take?").await;
    browser
        .wait_until(
            "document.querySelectorAll('.row-in:not(.greeting) .msg-bot').length >= 1",
            20,
            "the bot's answer",
        )
        .await;
    browser
        .wait_until(
            "document.querySelector('.transfer')",
            20,
            "the transfer button",
        )
        .await;
    let alice = Agent::login(&server, "alice", "alice-demo").await;
    browser
        .client
        .find(Locator::Css(".transfer"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let id = alice.take_next().await;
    alice
        .reply(&id, "e2e-bot-1", "Alice here, happy to help.")
        .await;
    browser
        .wait_until(
            &has_text(".msg-agent", "Alice here, happy to help."),
            20,
            "the agent's reply",
        )
        .await;
    browser.close().await;
}

/// After a transfer the agent's `agent_hello_word` follows their "joined" notice; then
/// the visitor saves the conversation and the file (as the page hands it to the
/// browser) has both sides, the bot and the hello word, with names and as plain text.
#[tokio::test]
async fn the_hello_word_follows_a_transfer_and_the_transcript_keeps_both_sides() {
    let server = Server::start().await;
    let browser = Browser::start(Viewport::Desktop).await;
    open(
        &browser,
        &server,
        "/chat/pc/v2/index.html?sysnum=demo&locale=en&groupid=sales\
         &agent_hello_word=Welcome%2C%20a%20person%20is%20here.",
    )
    .await;
    send(&browser, "How long does shipping take?").await;
    browser
        .wait_until(
            "document.querySelector('.transfer')",
            20,
            "the transfer button",
        )
        .await;
    let alice = Agent::login(&server, "alice", "alice-demo").await;
    browser.click(".transfer").await;
    let id = alice.take_next().await;
    browser
        .wait_until(
            &has_text(".hello-note", "Welcome, a person is here."),
            20,
            "the hello word after the join",
        )
        .await;
    // Right after Alice's "joined" notice.
    let after_join = browser
        .eval(
            "(() => { const n = document.querySelector('.hello-note'); \
             const p = n.previousElementSibling; \
             return !!p && p.classList.contains('sys') && p.textContent.includes('Alice'); })()",
        )
        .await;
    assert_eq!(after_join, true);
    alice
        .reply(&id, "e2e-transcript-1", "It ships <b>today</b>.")
        .await;
    browser
        .wait_until(
            &has_text(".msg-agent", "It ships <b>today</b>."),
            20,
            "the agent's reply",
        )
        .await;
    // What the page hands to the browser as the file.
    browser
        .eval(
            "(() => { const make = URL.createObjectURL; URL.createObjectURL = b => { \
             b.text().then(t => { window.__transcript = t; }); return make.call(URL, b); }; \
             return true; })()",
        )
        .await;
    browser.click(".topbar-action").await;
    browser
        .wait_until(
            "typeof window.__transcript === 'string'",
            10,
            "the transcript",
        )
        .await;
    let file = browser.eval("window.__transcript").await;
    let file = file.as_str().unwrap();
    for line in [
        "Parley Demo Shop",
        "You: How long does shipping take?",
        "Assistant: ",
        "Alice joined the chat.",
        ": Welcome, a person is here.",
        "Alice: It ships <b>today</b>.",
    ] {
        assert!(file.contains(line), "{line:?} missing from {file}");
    }
    let you = file.find("You: How long").unwrap();
    let alice_line = file.find("Alice: It ships").unwrap();
    assert!(you < alice_line, "{file}");
    browser.close().await;
}

#[tokio::test]
async fn pc_bot_answers_then_transfer_to_an_agent() {
    bot_then_agent(
        Viewport::Desktop,
        "/chat/pc/v2/index.html?sysnum=demo&locale=en&groupid=sales",
    )
    .await;
}

#[tokio::test]
async fn h5_bot_answers_then_transfer_to_an_agent() {
    bot_then_agent(
        Viewport::Phone,
        "/chat/h5/v2/index.html?sysnum=demo&locale=en&groupid=sales",
    )
    .await;
}

#[tokio::test]
async fn arabic_is_right_to_left_and_languages_differ() {
    let server = Server::start().await;
    for (viewport, page, shot) in [
        (Viewport::Desktop, "pc", "chat-pc-ar"),
        (Viewport::Phone, "h5", "chat-h5-ar"),
    ] {
        let browser = Browser::start(viewport).await;
        open(
            &browser,
            &server,
            &format!("/chat/{page}/v2/index.html?sysnum=demo&locale=ar"),
        )
        .await;
        assert_eq!(browser.eval("document.documentElement.dir").await, "rtl");
        assert_eq!(
            browser
                .eval("getComputedStyle(document.querySelector('.chat')).direction")
                .await,
            "rtl"
        );
        assert_eq!(
            browser
                .eval("document.querySelector('#parley-composer').placeholder")
                .await,
            "اكتب رسالة…"
        );
        // The visitor's own bubble sits on the left in a right-to-left page.
        send(&browser, "مرحبا").await;
        browser
            .wait_until(
                &format!("{} === 1", visitor_count("مرحبا")),
                20,
                "the message",
            )
            .await;
        let sides = browser
            .eval("(() => { const m = document.querySelector('.msg-visitor').getBoundingClientRect(); const l = document.querySelector('.messages').getBoundingClientRect(); return m.left - l.left < l.right - m.right; })()")
            .await;
        assert_eq!(sides, true, "visitor bubble must be on the left in rtl");
        browser.screenshot(shot).await;
        browser.close().await;
    }

    let browser = Browser::start(Viewport::Desktop).await;
    let mut texts = Vec::new();
    for locale in ["en", "zh"] {
        open(
            &browser,
            &server,
            &format!("/chat/pc/v2/index.html?sysnum=demo&locale={locale}"),
        )
        .await;
        assert_eq!(browser.eval("document.documentElement.dir").await, "ltr");
        let placeholder = browser
            .eval("document.querySelector('#parley-composer').placeholder")
            .await;
        let button = browser
            .eval("document.querySelector('button.send').textContent")
            .await;
        texts.push((placeholder, button));
    }
    assert_eq!(texts[0].0, "Type a message…");
    assert_eq!(texts[1].0, "请输入消息…");
    assert_ne!(texts[0].1, texts[1].1);
    browser.close().await;
}

/// The network (here: the whole server) goes away; the visitor types two messages,
/// sees them pending, and after the restart each is stored once and shown once, also
/// after a reload.
#[tokio::test]
async fn messages_typed_during_an_outage_are_delivered_once() {
    let mut server = Server::start().await;
    let browser = Browser::start(Viewport::Desktop).await;
    open(
        &browser,
        &server,
        "/chat/pc/v2/index.html?sysnum=demo&locale=en",
    )
    .await;
    send(&browser, "before the outage").await;
    browser
        .wait_until(
            &format!(
                "{} === 1 && !document.querySelector('.is-pending')",
                visitor_count("before the outage")
            ),
            20,
            "the first message to be stored",
        )
        .await;

    server.stop().await;
    browser
        .wait_until(
            "document.querySelector('.banner')",
            20,
            "the reconnect banner",
        )
        .await;
    send(&browser, "first while offline").await;
    send(&browser, "second while offline").await;
    browser
        .wait_until(
            "document.querySelectorAll('.is-pending').length === 2",
            10,
            "two pending messages",
        )
        .await;

    server.restart().await;
    browser
        .wait_until(
            "!document.querySelector('.is-pending') && !document.querySelector('.banner')",
            40,
            "the outbox to drain after the restart",
        )
        .await;
    for text in ["first while offline", "second while offline"] {
        assert_eq!(
            browser.eval(&visitor_count(text)).await,
            1,
            "{text} shown once"
        );
    }
    // What the server stored, seen through a fresh page load.
    browser.client.refresh().await.unwrap();
    browser
        .wait_until(
            &format!("{} === 1", visitor_count("before the outage")),
            20,
            "history after reload",
        )
        .await;
    for text in ["first while offline", "second while offline"] {
        assert_eq!(
            browser.eval(&visitor_count(text)).await,
            1,
            "{text} stored once"
        );
    }
    assert_eq!(
        browser
            .eval("document.querySelectorAll('.is-pending').length")
            .await,
        0
    );
    browser.close().await;
}

/// Prints what a cold load of the page transferred, as the browser counts it
/// (`transferSize` of the navigation and of every resource: headers and the body as
/// sent, compressed), by kind.
async fn first_load_transfer(browser: &Browser) {
    let sizes = browser
        .eval(
            "(() => { const out = {}; \
               const add = (k, n) => { out[k] = (out[k] || 0) + n; out.total = (out.total || 0) + n; }; \
               for (const e of performance.getEntriesByType('navigation')) add('page', e.transferSize); \
               for (const e of performance.getEntriesByType('resource')) { \
                 const path = new URL(e.name).pathname; \
                 const kind = path.endsWith('.wasm') ? 'wasm' : path.endsWith('.js') ? 'js' \
                   : path.endsWith('.css') ? 'css' : path.startsWith('/api/') ? 'api' : 'other'; \
                 add(kind, e.transferSize); } \
               return out; })()",
        )
        .await;
    let get = |k: &str| sizes[k].as_f64().unwrap_or(0.0) as u64;
    println!(
        "\nfirst load of the PC chat page as transferred (Performance API transferSize, bytes): \
         total {} = page {} + wasm {} + js {} + css {} + api {} + other {}",
        get("total"),
        get("page"),
        get("wasm"),
        get("js"),
        get("css"),
        get("api"),
        get("other")
    );
}

/// `cargo xtask bench load`: navigation to interactive (the page's `parley-interactive`
/// mark: init answered and the composer rendered), cold loads in fresh profiles.
#[tokio::test]
#[ignore = "a measurement, run by `cargo xtask bench load`"]
async fn navigation_to_interactive() {
    let runs: usize = std::env::var("PARLEY_LOAD_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(12)
        .max(10);
    let server = Server::start().await;
    let mut times = Vec::with_capacity(runs);
    for run in 0..runs {
        let browser = Browser::start(Viewport::Desktop).await;
        browser
            .client
            .goto(&server.url("/chat/pc/v2/index.html?sysnum=demo&locale=en"))
            .await
            .unwrap();
        browser
            .wait_until(
                "performance.getEntriesByName('parley-interactive').length > 0",
                30,
                "the interactive mark",
            )
            .await;
        let ms = browser
            .eval("performance.getEntriesByName('parley-interactive')[0].startTime")
            .await
            .as_f64()
            .expect("a number");
        times.push(ms);
        if run == 0 {
            first_load_transfer(&browser).await;
        }
        browser.close().await;
    }
    times.sort_by(f64::total_cmp);
    let median = if runs % 2 == 1 {
        times[runs / 2]
    } else {
        (times[runs / 2 - 1] + times[runs / 2]) / 2.0
    };
    println!(
        "\nnavigation to interactive, PC chat page, {runs} cold loads in headless Chromium: \
         median {median:.0} ms (min {:.0}, max {:.0})",
        times[0],
        times[runs - 1]
    );
}
