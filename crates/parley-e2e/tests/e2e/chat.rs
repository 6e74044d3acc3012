//! The chat view end to end: the release client in headless Chromium (desktop and a
//! phone viewport with touch) against the real server, with a demo agent acting
//! through the agent API.

use std::time::Duration;

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
        // "مرحبا" is not a question the demo bot knows: its reply offers the greeting's
        // guided questions again, under the same title. Those questions (English in the
        // demo) line up on the page's side: each button right-to-left, its text isolated.
        browser
            .wait_until(
                "document.querySelectorAll('.suggestions').length === 2",
                20,
                "the guided questions under the greeting and the unknown reply",
            )
            .await;
        let titles = browser
            .eval("[...document.querySelectorAll('.suggestions-title')].map(t => t.textContent)")
            .await;
        assert_eq!(titles[0], titles[1], "{titles}");
        let ltr = browser
            .eval("[...document.querySelectorAll('.suggestion')].filter(b => getComputedStyle(b).direction !== 'rtl' || !b.querySelector('bdi')).length")
            .await;
        assert_eq!(ltr, 0, "every suggestion follows the page's direction");
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

/// How many messages the long conversation of the history bench holds.
const LONG: usize = 2_000;

/// The link of the long conversations: agent-only, so Alice holds it.
const LONG_QUERY: &str = "sysnum=demo&locale=en&type=2&groupid=sales&uname=Long%20History";

/// A visitor's conversation with Alice, stored through the real API before the
/// visitor's page loads.
struct Conversation {
    id: String,
    visitor_id: String,
}

impl Conversation {
    /// A visitor made through init (as their browser would) and `n` messages in the
    /// conversation Alice takes: with `both_sides`, even numbers are the visitor's sends
    /// (`POST /api/chat/send`; the tenant's per-minute quota must allow them) and odd
    /// ones Alice's replies, else all are Alice's; every tenth uses the rich-text subset
    /// (bold and a link). The last, `newest`, is Alice's.
    async fn seed(
        server: &Server,
        agent: &Agent,
        n: usize,
        both_sides: bool,
        newest: &str,
    ) -> Conversation {
        use serde_json::json;
        let (status, init) = parley_e2e::http(
            server.addr,
            "POST",
            "/api/chat/init",
            None,
            Some(json!({ "query": LONG_QUERY })),
        )
        .await;
        assert_eq!(status, 200, "{init}");
        let visitor_token = init["session_token"].as_str().unwrap().to_owned();
        let visitor_id = init["visitor_id"].as_str().unwrap().to_owned();
        let id = agent.take_next().await;
        // Stored by eight writers at once.
        let mut writers = Vec::new();
        for w in 0..8 {
            let (addr, agent_token, visitor_token, id) = (
                server.addr,
                agent.token.clone(),
                visitor_token.clone(),
                id.clone(),
            );
            writers.push(tokio::spawn(async move {
                for i in (w..n - 1).step_by(8) {
                    let text = if i % 10 == 0 {
                        format!("Message {i}: **tracking** is at https://shop.example/track/{i}")
                    } else {
                        format!("Message {i}: the parcel is on its way, thank you for waiting.")
                    };
                    let body = json!({"client_id": format!("seed-{i}"), "text": text});
                    let (path, token) = if both_sides && i % 2 == 0 {
                        ("/api/chat/send".to_owned(), &visitor_token)
                    } else {
                        (format!("/api/agent/conversations/{id}/reply"), &agent_token)
                    };
                    let (status, body) =
                        parley_e2e::http(addr, "POST", &path, Some(token), Some(body)).await;
                    assert_eq!(status, 200, "seed {i}: {body}");
                }
            }));
        }
        for w in writers {
            w.await.unwrap();
        }
        agent.reply(&id, "seed-last", newest).await;
        Conversation { id, visitor_id }
    }

    /// Puts the visitor's id where their browser keeps it, so the chat page resumes
    /// this conversation.
    async fn keep_visitor_in(&self, browser: &Browser, server: &Server) {
        browser.client.goto(&server.url("/healthz")).await.unwrap();
        browser
            .eval(&format!(
                "localStorage.setItem('parley.visitor.demo', {})",
                serde_json::Value::String(self.visitor_id.clone())
            ))
            .await;
    }
}

/// Scrolling to the top of a long conversation brings the older messages in, page by
/// page, each once and in order, and the message the visitor was looking at stays
/// where it was on the screen.
#[tokio::test]
async fn scrolling_up_loads_older_messages_in_place() {
    let server = Server::start().await;
    let agent = Agent::login(&server, "alice", "alice-demo").await;
    let newest = "The newest reply";
    // Init's history holds the newest 200; the rest comes in pages of 100 (two here).
    let n = 360;
    let long = Conversation::seed(&server, &agent, n, false, newest).await;
    let browser = Browser::start(Viewport::Desktop).await;
    long.keep_visitor_in(&browser, &server).await;
    open(
        &browser,
        &server,
        &format!("/chat/pc/v2/index.html?{LONG_QUERY}"),
    )
    .await;
    browser
        .wait_until(
            &has_text(".messages .msg-agent", newest),
            20,
            "the newest reply",
        )
        .await;
    // The list opens at the newest message, whole on screen (rows off screen are laid
    // out only when near it, so their sizes are estimates until then).
    parley_e2e::grace_period(Duration::from_millis(500)).await;
    let bottom = browser
        .eval(
            "(() => { const l = document.querySelector('.messages'); \
               const rows = l.querySelectorAll('.msg-agent'); \
               const last = rows[rows.length - 1].getBoundingClientRect(); \
               return { below: l.scrollHeight - l.scrollTop - l.clientHeight, \
                 hidden: last.bottom - l.getBoundingClientRect().bottom }; })()",
        )
        .await;
    assert!(
        bottom["below"].as_f64().unwrap() < 2.0 && bottom["hidden"].as_f64().unwrap() <= 0.0,
        "the list did not open at the newest message: {bottom}"
    );
    let count = "document.querySelectorAll('.messages .msg-agent').length";
    let before = browser.eval(count).await.as_u64().unwrap();
    assert!(before < n as u64, "init brought {before} of {n}");
    // The oldest message on the page is the one the visitor reads at the top; the
    // visitor scrolls up to it (a real scroll, so the list's handler asks for a page).
    // The messages already shown stay where they are in the document too: a node taken
    // out and put back (as a keyed list moves items) loses the visitor's selection in it.
    let at_top = browser
        .eval(
            "(() => { const l = document.querySelector('.messages'); \
               const first = l.querySelector('.msg-agent'); \
               window.parleyTakenOut = 0; \
               new MutationObserver(records => records.forEach(r => r.removedNodes.forEach(node => { \
                 if (node.nodeType === 1 && (node.matches('.msg') || node.querySelector('.msg'))) \
                   window.parleyTakenOut += 1; }))).observe(l, { childList: true, subtree: true }); \
               l.scrollTop = 0; \
               return { text: first.textContent, \
                 top: first.getBoundingClientRect().top - l.getBoundingClientRect().top }; })()",
        )
        .await;
    let text = at_top["text"].as_str().unwrap().to_owned();
    browser
        .wait_until(&format!("{count} > {before}"), 20, "an older page")
        .await;
    // The list keeps the view in the frame after the page is in.
    parley_e2e::grace_period(Duration::from_millis(500)).await;
    let moved = browser
        .eval(&format!(
            "(() => {{ const l = document.querySelector('.messages'); \
               const same = [...l.querySelectorAll('.msg-agent')].find(e => e.textContent === {}); \
               return {{ top: same.getBoundingClientRect().top - l.getBoundingClientRect().top, \
                 scrolled: l.scrollTop }}; }})()",
            serde_json::Value::String(text.clone())
        ))
        .await;
    let shift = moved["top"].as_f64().unwrap() - at_top["top"].as_f64().unwrap();
    assert!(
        shift.abs() < 2.0 && moved["scrolled"].as_f64().unwrap() > 0.0,
        "{text:?} moved by {shift} px on screen: {moved}"
    );
    let taken_out = browser.eval("window.parleyTakenOut").await;
    assert_eq!(
        taken_out.as_u64(),
        Some(0),
        "messages shown were taken out of the document and put back"
    );
    // Scrolled on to the very top, the whole conversation is there, each message once.
    browser
        .eval(
            "(() => { const l = document.querySelector('.messages'); \
               const up = () => { if (!document.querySelector('.load-older')) return; \
                 l.scrollTop = 0; l.dispatchEvent(new Event('scroll')); setTimeout(up, 100); }; \
               up(); return true; })()",
        )
        .await;
    browser
        .wait_until(&format!("{count} === {n}"), 30, "the whole conversation")
        .await;
    let numbers = browser
        .eval(
            "[...document.querySelectorAll('.messages .msg-agent')] \
               .map(e => (e.textContent.match(/Message (\\d+):/) || [])[1]) \
               .filter(Boolean).map(Number)",
        )
        .await;
    let numbers: Vec<u64> = serde_json::from_value(numbers).unwrap();
    // Eight writers stored them, so the numbers are not in order; each shows once.
    let mut sorted = numbers.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted, (0..n as u64 - 1).collect::<Vec<_>>());
    assert_eq!(numbers.len(), n - 1);
    browser.close().await;
}

/// The median of `v` (sorted in place).
fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// `cargo xtask bench chat-history`: the visitor's PC chat with a conversation of 2,000
/// stored messages, in headless Chromium against the real server and the release
/// bundle (a measurement, so ignored by `cargo test`).
///
/// The 2,000 messages are stored through the real API before the visitor's page loads:
/// the visitor's sends (`POST /api/chat/send`, the tenant's per-minute quota raised for
/// the seed) and Alice's replies (the agent API), alternating, every tenth with the
/// rich-text subset (bold and a link). The page then loads as the visitor's browser
/// would, with the visitor's id in local storage.
///
/// What "render 2,000 history messages" means for the visitor chat: init brings the
/// newest 200, and older ones come 100 at a time (the server's most; 30 until session 9)
/// when the visitor scrolls to the top of the list, so all 2,000 reach the page only
/// through 18 such pages. The test scrolls
/// to the top after each page has been laid out (and the app's own scroll keeping has
/// run, two frames later) until every message is in the DOM, and times each page in
/// the page itself: from the history response's arrival (the test wraps `fetch`) until
/// its rows are in the DOM and laid out (a forced layout: `scrollHeight`). The render
/// of 2,000 messages is the sum of those page renders (the client's work to put all of
/// them on the page, without the server's and the frames' waits); the wall time of the
/// whole scroll-through and the render of the last page (the one that completes the
/// 2,000) are printed beside it, and so is the reload: navigation start until the
/// composer is up with the newest 200 rows built (the `parley-interactive` mark),
/// median of five.
///
/// The append is timed, five times with all 2,000 in the page and the list scrolled to
/// the newest, from the page's own `fetch` of Alice's reply until it is in the DOM and
/// laid out, and from the socket's message event (the client's `parley-message-event`
/// mark) until then: the first includes the server and the socket, the second is the
/// render alone.
#[tokio::test]
#[ignore = "a measurement: run by `cargo xtask bench chat-history`"]
async fn render_and_append_in_a_long_conversation() {
    use serde_json::json;
    // A visitor may send 30 messages a minute by default; the seed sends 1,000 at once.
    let server = Server::start_configured(
        std::sync::Arc::new(|t: &mut parley_server::config::Tenant| {
            t.limits.messages_per_minute = Some(1_000_000);
        }),
        false,
    )
    .await;
    let agent = Agent::login(&server, "alice", "alice-demo").await;
    let newest = "The newest message of all";
    let long = Conversation::seed(&server, &agent, LONG, true, newest).await;
    let (conv, query) = (long.id.clone(), LONG_QUERY);
    let browser = Browser::start(Viewport::Desktop).await;
    long.keep_visitor_in(&browser, &server).await;
    let page = format!("/chat/pc/v2/index.html?{query}");
    let mut loads = Vec::new();
    for _ in 0..5 {
        browser.client.goto(&server.url(&page)).await.unwrap();
        browser
            .wait_until(
                &has_text(".messages .msg-agent", newest),
                30,
                "the newest message",
            )
            .await;
        browser
            .wait_until(
                "performance.getEntriesByName('parley-interactive').length > 0",
                30,
                "the interactive mark",
            )
            .await;
        loads.push(
            browser
                .eval("performance.getEntriesByName('parley-interactive')[0].startTime")
                .await
                .as_f64()
                .expect("a number"),
        );
    }
    let first_rows = browser
        .eval("document.querySelectorAll('.messages .msg-visitor, .messages .msg-agent').length")
        .await;
    parley_e2e::grace_period(Duration::from_millis(500)).await;

    // Scroll to the top, page after page, until all of the history is in the DOM.
    browser
        .eval(
            &r#"(() => {
            const total = TOTAL;
            const list = document.querySelector('.messages');
            const count = () => list.querySelectorAll('.msg-visitor, .msg-agent').length;
            const original = window.fetch;
            let arrived = null;
            window.fetch = function (input, init) {
                const url = typeof input === 'string' ? input : input.url;
                const answer = original.call(this, input, init);
                return url.includes('/api/chat/history')
                    ? answer.then(r => { arrived = performance.now(); return r; })
                    : answer;
            };
            const renders = [];
            const builds = [];
            let before = count();
            const t0 = performance.now();
            const finish = () => {
                observer.disconnect();
                window.fetch = original;
                window.parleyHistory = { all: performance.now() - t0, renders, builds, rows: count() };
            };
            // The visitor scrolls to the top; the list's scroll handler asks for a page.
            const step = () => {
                if (!document.querySelector('.load-older')) { finish(); return; }
                list.scrollTop = 0;
                list.dispatchEvent(new Event('scroll'));
            };
            const observer = new MutationObserver(() => {
                if (arrived === null) return;
                const built = performance.now();
                void list.scrollHeight;
                const t1 = performance.now();
                const n = count();
                if (n <= before) return;
                renders.push(t1 - arrived);
                builds.push(built - arrived);
                arrived = null;
                before = n;
                if (n >= total) { finish(); return; }
                requestAnimationFrame(() => requestAnimationFrame(step));
            });
            observer.observe(list, { childList: true, subtree: true });
            step();
            return true;
        })()"#
                .replace("TOTAL", &LONG.to_string()),
        )
        .await;
    browser
        .wait_until("window.parleyHistory", 600, "the whole history in the page")
        .await;
    let history = browser.eval("window.parleyHistory").await;
    let mut renders: Vec<f64> = history["renders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let mut builds: Vec<f64> = history["builds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let build_median = median(&mut builds);
    let rows = history["rows"].as_u64().unwrap();
    assert!(rows >= LONG as u64, "{history}");
    let pages = renders.len();
    let sum: f64 = renders.iter().sum();
    let last = *renders.last().unwrap();
    let page_median = median(&mut renders);
    let page_max = renders[pages - 1];

    // The visitor goes back to the newest message; then Alice replies five times.
    browser
        .eval(
            "(() => { const l = document.querySelector('.messages'); \
             l.scrollTop = l.scrollHeight; l.dispatchEvent(new Event('scroll')); return true; })()",
        )
        .await;
    parley_e2e::grace_period(Duration::from_millis(500)).await;
    let mut totals = Vec::new();
    let mut alone = Vec::new();
    let mut layouts = Vec::new();
    for n in 0..5 {
        let text = format!("One more message, number {n}");
        let appended = browser
            .client
            .execute_async(
                r#"
                const [token, conv, text, clientId, done] = arguments;
                performance.clearMarks('parley-message-event');
                const list = document.querySelector('.messages');
                const t0 = performance.now();
                const observer = new MutationObserver(records => {
                    const hit = records.some(r => [...r.addedNodes].some(
                        node => node.textContent && node.textContent.includes(text)));
                    if (!hit) return;
                    const built = performance.now();
                    void list.scrollHeight;
                    const t1 = performance.now();
                    observer.disconnect();
                    const marks = performance.getEntriesByName('parley-message-event');
                    const heard = marks.length ? marks[marks.length - 1].startTime : NaN;
                    done({ total: t1 - t0, render: t1 - heard, layout: t1 - built });
                });
                observer.observe(list, { childList: true, subtree: true });
                fetch('/api/agent/conversations/' + conv + '/reply', {
                    method: 'POST',
                    headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token },
                    body: JSON.stringify({ client_id: clientId, text }),
                }).then(r => { if (!r.ok) done({ error: r.status }); });
                "#,
                vec![
                    json!(agent.token),
                    json!(conv),
                    json!(text),
                    json!(format!("bench-append-{n}")),
                ],
            )
            .await
            .expect("the append measured");
        assert!(appended["error"].is_null(), "{appended}");
        totals.push(appended["total"].as_f64().unwrap());
        alone.push(appended["render"].as_f64().unwrap());
        layouts.push(appended["layout"].as_f64().unwrap());
        parley_e2e::grace_period(Duration::from_millis(300)).await;
    }
    let (total_median, alone_median) = (median(&mut totals), median(&mut alone));
    let layout_median = median(&mut layouts);
    let load_median = median(&mut loads);
    println!(
        "\nvisitor's PC chat, a conversation of {LONG} messages (+1), headless Chromium, release bundle:\n  \
         reload (navigation start -> composer up, the newest {first_rows} rows built), median of 5: {:.0} ms \
         (min {:.0}, max {:.0})\n  \
         render {LONG} history messages ({pages} pages scrolled in; sum of each page's arrival -> rows in the DOM, laid out): {sum:.0} ms\n  \
         one page, median: {page_median:.1} ms (max {page_max:.1}; arrival -> in the DOM before the layout, median: {build_median:.1} ms); \
         the last page (the log at {rows}): {last:.1} ms\n  \
         whole scroll-through, wall time (server, socket and frames included): {:.0} ms\n  \
         append one more, median of 5 (Alice's reply sent -> in the DOM): {total_median:.1} ms \
         (min {:.1}, max {:.1})\n  \
         append one more, median of 5 (socket event -> in the DOM, the render alone): {alone_median:.1} ms \
         (min {:.1}, max {:.1}; the forced layout alone: {layout_median:.1} ms)",
        load_median,
        loads[0],
        loads[loads.len() - 1],
        history["all"].as_f64().unwrap(),
        totals[0],
        totals[totals.len() - 1],
        alone[0],
        alone[alone.len() - 1],
    );
    browser.close().await;
}
