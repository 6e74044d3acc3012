//! The host-page loader (`sdk/entrance.js`, as built into `dist/sdk/`) end to end: a
//! shop page on another origin (a second loopback port) pastes the spec's access code,
//! and the tests act as its visitor in headless Chromium. The demo tenant's
//! `allowed_origins` is exactly that shop's origin for the run
//! (`Server::start_embeddable_by`), so the chat page in the frame talks to the shop over
//! `postMessage`; the shipped `["*"]` is tested on its own.
//!
//! The shop page records what a site owner's code would see in `window.seen`: its
//! callbacks, every `message` event it gets, the `zhichiReceive` events, iframe loads and
//! console warnings and errors.

use std::time::Duration;

use fantoccini::Locator;
use parley_e2e::{grace_period, wait_for, Agent, Browser, HostSite, Server, Viewport};

const ESCAPE: &str = "\u{E00C}";

/// The spec's access code, verbatim except for the server address, with `class_line`
/// (the custom button step, or nothing) and `calls` (the site's `zc(...)` calls, which
/// run before the async script has loaded) after it.
pub(crate) fn shop_page(server: &Server, class_line: &str, calls: &str) -> String {
    let src = server.url("/chat/frame/v2/entrance.js?sysnum=demo");
    format!(
        r#"<!DOCTYPE html>
<html>
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Chat Client</title>
    <script>
      window.seen = {{ ready: 0, statuses: [], messages: [], envelopes: [], zhichi: [], loads: 0, warnings: [], errors: [], manual: [] }};
      window.addEventListener("message", function (e) {{
        if (typeof e.data === "string") window.seen.envelopes.push(e.data);
      }});
      window.addEventListener("zhichiReceive", function (e) {{ window.seen.zhichi.push(e.detail); }});
      // iframe load events do not bubble, but a capturing listener hears them.
      document.addEventListener("load", function (e) {{
        if (e.target && e.target.tagName === "IFRAME") window.seen.loads += 1;
      }}, true);
      var warn = console.warn;
      console.warn = function () {{
        window.seen.warnings.push([].join.call(arguments, " "));
        warn.apply(console, arguments);
      }};
      var error = console.error;
      console.error = function () {{
        window.seen.errors.push([].join.call(arguments, " "));
        error.apply(console, arguments);
      }};
    </script>
  </head>
  <body>
  <h1>A shop</h1>
  <div id="root"></div>
  <!--html tag-->
    <script>
      (function (w, d, e, x) {{
        w[e] = function () {{
          w.cbk = w.cbk || []
          w.cbk.push(arguments);
        }}
        x = d.createElement("script");
        x.async = true;
        x.id = "zhichiScript";
        {class_line}
        x.src = "{src}";
        d.body.appendChild(x);
      }})(window, document, "zc");
      {calls}
    </script>
  <!--html tag-->
  </body>
</html>
"#
    )
}

/// A shop site and a Parley server that lets the shop embed the chat.
pub(crate) async fn start() -> (HostSite, Server) {
    let shop = HostSite::start().await;
    let server = Server::start_embeddable_by(&[shop.origin()]).await;
    (shop, server)
}

/// Opens the shop page at `path` and waits for the loader to have replaced the queue.
pub(crate) async fn open(browser: &Browser, shop: &HostSite, path: &str) {
    browser.client.goto(&shop.url(path)).await.unwrap();
    browser
        .wait_until(
            "typeof window.zc === 'function' && !!window.zc.parley",
            20,
            "the loader to run",
        )
        .await;
}

/// Waits for the next conversation to reach `agent` and returns its visitor's id.
async fn visitor_of_next_chat(agent: &Agent) -> String {
    let id = agent.take_next().await;
    let list = agent.conversations().await;
    list["mine"]
        .as_array()
        .and_then(|mine| mine.iter().find(|c| c["id"] == id.as_str()))
        .and_then(|c| c["visitor_id"].as_str())
        .unwrap_or_else(|| panic!("conversation {id} is not among the agent's: {list}"))
        .to_owned()
}

/// JS: whether the chat window is on screen (the panel around the iframe is shown).
pub(crate) const FRAME_SHOWN: &str =
    "(() => { const f = document.querySelector('iframe.parley-frame'); \
     return !!f && f.getBoundingClientRect().height > 100 && \
     getComputedStyle(f.parentElement).display !== 'none'; })()";

/// JS: whether the launcher is on screen.
const LAUNCHER_SHOWN: &str =
    "(() => { const b = document.querySelector('button.parley-launcher'); \
     return !!b && getComputedStyle(b).display !== 'none'; })()";

/// JS: the `chat_collapse_window` envelopes the page heard.
const COLLAPSE_ENVELOPES: &str =
    "window.seen.envelopes.filter(s => { try { const m = JSON.parse(s); \
     return m.name === 'zc_post_message' && m.data.action === 'chat_collapse_window'; } \
     catch (e) { return false; } }).length";

/// JS: the iframe's URL, parsed.
const FRAME_URL: &str = "new URL(document.querySelector('iframe.parley-frame').src)";

/// The whole PC path of the access code: the `zc` calls queued before the script loaded
/// are applied; the launcher opens the PC chat page with the configured parameters; the
/// site's callbacks fire; the chat page's own close button collapses the window and the
/// site hears the spec's `chat_collapse_window` envelope; Escape on the launcher closes.
#[tokio::test]
async fn access_code_opens_the_pc_chat_with_the_configured_parameters() {
    let (shop, server) = start().await;
    shop.put(
        "/",
        &shop_page(
            &server,
            "",
            r#"zc("config", { uname: "Jo <b>Shopper</b>", locale: "fr", color: "000000" });
      zc("config", { locale: "en", color: "1a1a2e", type: 1, goods: [{ name: "Tea", pictureUrl: "https://img.example/t.png" }] });
      zc("frame_ready", function () { window.seen.ready += 1; });
      zc("no_such_command", 1);
      zc("no_such_command", 2);"#,
        ),
    );
    let browser = Browser::start(Viewport::Desktop).await;
    open(&browser, &shop, "/").await;
    browser.wait_until(LAUNCHER_SHOWN, 20, "the launcher").await;
    // frame_ready means "the chat can be opened now": once, before any open.
    browser
        .wait_until(
            "window.seen.ready === 1",
            20,
            "frame_ready before the first open",
        )
        .await;

    // A real, labelled button in the theme colour with a readable icon; no frame yet.
    let launcher = browser
        .eval(
            "(() => { const b = document.querySelector('button.parley-launcher'); \
             const s = getComputedStyle(b); return [b.getAttribute('aria-label'), \
             s.backgroundColor, s.color, b.getBoundingClientRect().right, innerWidth]; })()",
        )
        .await;
    assert_eq!(launcher[0], "Open chat");
    assert_eq!(launcher[1], "rgb(26, 26, 46)", "the launcher takes `color`");
    assert_eq!(
        launcher[2], "rgb(255, 255, 255)",
        "white reads on a dark colour"
    );
    let right = launcher[3].as_f64().unwrap();
    let width = launcher[4].as_f64().unwrap();
    assert!(width - right < 40.0, "bottom right by default: {launcher}");
    assert_eq!(
        browser
            .eval("document.querySelectorAll('iframe').length")
            .await,
        0
    );
    // The unknown command warned once and broke nothing.
    assert_eq!(
        browser
            .eval("window.seen.warnings.filter(w => w.includes('no_such_command')).length")
            .await,
        1
    );

    browser.click("button.parley-launcher").await;
    browser.wait_until(FRAME_SHOWN, 20, "the chat window").await;
    let url = browser
        .eval(&format!(
            "(() => {{ const u = {FRAME_URL}; const q = u.searchParams; return [u.origin, \
             u.pathname, q.get('sysnum'), q.get('uname'), q.get('locale'), q.get('color'), \
             q.get('goods')]; }})()"
        ))
        .await;
    assert_eq!(url[0], server.url(""));
    assert_eq!(url[1], "/chat/pc/v2/index.html");
    assert_eq!(url[2], "demo");
    assert_eq!(url[3], "Jo <b>Shopper</b>", "text travels as text");
    assert_eq!(url[4], "en", "the later config call wins");
    assert_eq!(url[5], "1a1a2e");
    assert_eq!(
        url[6], r#"[{"name":"Tea","pictureUrl":"https://img.example/t.png"}]"#,
        "objects are passed as JSON"
    );
    assert_eq!(
        browser
            .eval("document.querySelector('iframe').getAttribute('title')")
            .await,
        "Customer service chat"
    );
    assert_eq!(
        browser
            .eval("document.querySelector('button.parley-launcher').getAttribute('aria-expanded')")
            .await,
        "true"
    );

    browser
        .wait_until("window.seen.ready === 1", 20, "the frame_ready callback")
        .await;
    browser
        .eval("(zc('frame_status', s => window.seen.statuses.push(s)), 0)")
        .await;
    assert_eq!(
        browser.eval("window.seen.statuses").await,
        serde_json::json!(["expand"])
    );
    browser.screenshot("loader-pc-open").await;
    // Registered after the chat was ready: called at once.
    browser
        .eval("(zc('frame_ready', () => { window.seen.ready += 10; }), 0)")
        .await;
    assert_eq!(browser.eval("window.seen.ready").await, 11);

    // The chat page's own close button (shown only to a trusted parent) collapses it.
    let frame = browser
        .client
        .find(Locator::Css("iframe"))
        .await
        .expect("iframe");
    frame.enter_frame().await.expect("enter the chat frame");
    let title = browser.text_of(".topbar h1").await;
    assert_eq!(
        title, "Parley Demo Shop",
        "the chat page loaded in the frame"
    );
    browser.click("button.collapse").await;
    browser
        .client
        .enter_parent_frame()
        .await
        .expect("back to the shop");
    browser
        .wait_until(&format!("!{FRAME_SHOWN}"), 10, "the window to collapse")
        .await;
    let envelope = browser
        .eval(
            "window.seen.envelopes.map(s => { try { return JSON.parse(s) } catch (e) { return null } })\
             .find(m => m && m.name === 'zc_post_message' && m.data.action === 'chat_collapse_window')",
        )
        .await;
    assert_eq!(
        envelope,
        serde_json::json!({"name": "zc_post_message", "data": {"action": "chat_collapse_window"}})
    );
    browser
        .eval("(zc('frame_status', s => window.seen.statuses.push(s)), 0)")
        .await;
    assert_eq!(
        browser.eval("window.seen.statuses").await,
        serde_json::json!(["expand", "collapse"])
    );
    // The conversation was kept: the same frame, not reloaded.
    assert_eq!(browser.eval("window.seen.loads").await, 1);

    // Open again with the launcher, close with Escape while it has focus.
    browser.click("button.parley-launcher").await;
    browser
        .wait_until(FRAME_SHOWN, 10, "the window again")
        .await;
    let launcher = browser
        .client
        .find(Locator::Css("button.parley-launcher"))
        .await
        .unwrap();
    launcher.send_keys(ESCAPE).await.unwrap();
    browser
        .wait_until(&format!("!{FRAME_SHOWN}"), 10, "Escape to collapse")
        .await;
    assert_eq!(
        browser
            .eval("document.activeElement.classList.contains('parley-launcher')")
            .await,
        true,
        "focus stays on the launcher"
    );
    assert_eq!(browser.eval("window.seen.loads").await, 1);
    browser.screenshot("loader-pc-collapsed").await;
    browser.close().await;
}

/// On a phone the launcher opens the H5 page; `expand_size` "half" is a bottom sheet of
/// half the viewport's height, "full" (the default) the whole screen.
#[tokio::test]
async fn phone_gets_the_h5_page_as_a_half_or_full_sheet() {
    let (shop, server) = start().await;
    shop.put(
        "/half",
        &shop_page(
            &server,
            "",
            r#"zc("config", { expand_size: "half", locale: "en" });
      zc("frame_ready", function () { window.seen.ready += 1; });"#,
        ),
    );
    shop.put(
        "/full",
        &shop_page(
            &server,
            "",
            r#"zc("config", { locale: "en", top_bar_flag: 0 });
      zc("frame_ready", function () { window.seen.ready += 1; });"#,
        ),
    );
    let browser = Browser::start(Viewport::Phone).await;
    let geometry = "(() => { const r = document.querySelector('iframe').parentElement\
                    .getBoundingClientRect(); return [r.top, r.bottom, r.height, innerHeight, \
                    r.width, innerWidth]; })()";

    open(&browser, &shop, "/half").await;
    browser.click("button.parley-launcher").await;
    browser.wait_until(FRAME_SHOWN, 20, "the half sheet").await;
    browser
        .wait_until("window.seen.ready === 1", 20, "the H5 chat to be ready")
        .await;
    assert_eq!(
        browser.eval(&format!("{FRAME_URL}.pathname")).await,
        "/chat/h5/v2/index.html"
    );
    let g = browser.eval(geometry).await;
    let f = |i: usize| g[i].as_f64().unwrap();
    assert!((f(2) - f(3) / 2.0).abs() <= 2.0, "half the height: {g}");
    assert!((f(1) - f(3)).abs() <= 1.0, "at the bottom: {g}");
    assert!((f(4) - f(5)).abs() <= 1.0, "full width: {g}");
    // The chat's own top bar has the collapse button, so the loader shows no second bar.
    browser
        .wait_until(
            "getComputedStyle(document.querySelector('.parley-bar')).display === 'none'",
            10,
            "the loader's bar to give way to the chat's",
        )
        .await;
    browser.screenshot("loader-h5-half").await;

    open(&browser, &shop, "/full").await;
    browser.click("button.parley-launcher").await;
    browser.wait_until(FRAME_SHOWN, 20, "the full sheet").await;
    assert_eq!(
        browser.eval(&format!("{FRAME_URL}.pathname")).await,
        "/chat/h5/v2/index.html"
    );
    let g = browser.eval(geometry).await;
    let f = |i: usize| g[i].as_f64().unwrap();
    assert!(
        f(0).abs() <= 1.0 && (f(2) - f(3)).abs() <= 1.0,
        "the whole height: {g}"
    );
    // Without the chat's top bar (top_bar_flag=0) the loader's bar and its close button
    // are the way out.
    browser
        .wait_until("window.seen.ready === 1", 20, "the H5 chat to be ready")
        .await;
    assert_eq!(
        browser
            .eval("getComputedStyle(document.querySelector('.parley-bar')).display")
            .await,
        "flex"
    );
    browser.click("button.parley-close").await;
    browser
        .wait_until(&format!("!{FRAME_SHOWN}"), 10, "the sheet to close")
        .await;
    browser.close().await;
}

/// `refresh: true` (and the spec's `reload: true`) gives the chat a fresh page load on
/// every re-expand; without them the
/// frame (and its conversation) is kept.
#[tokio::test]
async fn refresh_reloads_the_chat_on_every_expand() {
    let (shop, server) = start().await;
    shop.put(
        "/refresh",
        &shop_page(
            &server,
            "",
            r#"zc("config", { refresh: true, locale: "en" });"#,
        ),
    );
    shop.put(
        "/reload",
        &shop_page(
            &server,
            "",
            r#"zc("config", { reload: true, locale: "en" });"#,
        ),
    );
    shop.put(
        "/keep",
        &shop_page(&server, "", r#"zc("config", { locale: "en" });"#),
    );
    let browser = Browser::start(Viewport::Desktop).await;
    for (path, expected) in [
        ("/refresh", [1, 2, 3]),
        ("/reload", [1, 2, 3]),
        ("/keep", [1, 1, 1]),
    ] {
        open(&browser, &shop, path).await;
        for (round, loads) in expected.into_iter().enumerate() {
            browser.click("button.parley-launcher").await;
            browser.wait_until(FRAME_SHOWN, 20, "the window").await;
            browser
                .wait_until(
                    &format!("window.seen.loads === {loads}"),
                    20,
                    &format!("{path}: {loads} page load(s) after expand {}", round + 1),
                )
                .await;
            browser.click("button.parley-launcher").await;
            browser
                .wait_until(&format!("!{FRAME_SHOWN}"), 10, "the window to close")
                .await;
        }
        // Checks that no stray extra load comes: nothing to poll for, so a bounded wait.
        grace_period(Duration::from_millis(500)).await;
        assert_eq!(
            browser.eval("window.seen.loads").await,
            expected[2],
            "{path}"
        );
    }
    browser.close().await;
}

/// With the window collapsed, an agent's reply reaches the site's `receive_message`
/// callback and the `zhichiReceive` event, and the launcher shows an unread badge of 1,
/// cleared when the visitor opens the chat.
#[tokio::test]
async fn agent_reply_while_collapsed_reaches_the_callback_and_the_badge() {
    let (shop, server) = start().await;
    shop.put(
        "/",
        &shop_page(
            &server,
            "",
            r#"zc("config", { locale: "en", type: 2, groupid: "sales" });
      zc("receive_message", function (m) { window.seen.messages.push(m); });
      zc("frame_ready", function () { window.seen.ready += 1; });"#,
        ),
    );
    let alice = Agent::login(&server, "alice", "alice-demo").await;
    let browser = Browser::start(Viewport::Desktop).await;
    open(&browser, &shop, "/").await;
    browser.click("button.parley-launcher").await;
    browser
        .wait_until("window.seen.ready === 1", 20, "the chat to be ready")
        .await;
    let id = alice.take_next().await;
    browser.click("button.parley-launcher").await;
    browser
        .wait_until(&format!("!{FRAME_SHOWN}"), 10, "the window to collapse")
        .await;
    // The badge is not shown before anything arrived.
    assert_eq!(
        browser
            .eval("getComputedStyle(document.querySelector('.parley-badge')).display")
            .await,
        "none"
    );
    alice
        .reply(&id, "loader-1", "Your parcel left today.")
        .await;
    browser
        .wait_until(
            "window.seen.messages.length === 1",
            20,
            "the receive_message callback",
        )
        .await;
    let m = browser.eval("window.seen.messages[0]").await;
    assert_eq!(m["msg"], "Your parcel left today.");
    assert_eq!(m["name"], "Alice");
    assert_eq!(m["img"], parley_e2e::ALICE_AVATAR);
    assert!(m["t"].as_i64().unwrap_or(0) > 0, "{m}");
    assert_eq!(
        browser.eval("window.seen.zhichi[0].msg").await,
        "Your parcel left today."
    );
    let badge = browser
        .eval(
            "(() => { const b = document.querySelector('.parley-badge'); return [b.textContent, \
             getComputedStyle(b).display, document.querySelector('.parley-launcher')\
             .getAttribute('aria-label')]; })()",
        )
        .await;
    assert_eq!(badge[0], "1");
    assert_ne!(badge[1], "none", "the badge is visible");
    assert_eq!(badge[2], "Open chat (unread: 1)");
    browser.screenshot("loader-badge").await;

    browser.click("button.parley-launcher").await;
    browser.wait_until(FRAME_SHOWN, 10, "the window").await;
    assert_eq!(
        browser
            .eval("getComputedStyle(document.querySelector('.parley-badge')).display")
            .await,
        "none",
        "opening the chat clears the badge"
    );
    browser.close().await;
}

/// Envelopes that do not come from the chat frame at the Parley origin are ignored: the
/// shop page posting fake ones to itself fires no callback, adds no badge, and does not
/// close the window.
#[tokio::test]
async fn messages_from_another_source_are_ignored() {
    let (shop, server) = start().await;
    shop.put(
        "/",
        &shop_page(
            &server,
            "",
            r#"zc("config", { locale: "en" });
      zc("receive_message", function (m) { window.seen.messages.push(m); });
      zc("frame_ready", function () { window.seen.ready += 1; });"#,
        ),
    );
    let browser = Browser::start(Viewport::Desktop).await;
    open(&browser, &shop, "/").await;
    let fake = |action: &str| {
        format!(
            "(window.postMessage(JSON.stringify({{name: 'zc_post_message', data: {{action: '{action}', \
             msg: 'fake', name: 'Mallory', img: '', t: 1}}}}), '*'), 0)"
        )
    };
    // Before any frame exists.
    browser.eval(&fake("frame_ready")).await;
    browser.eval(&fake("receive_message")).await;
    browser.click("button.parley-launcher").await;
    browser
        .wait_until("window.seen.ready === 1", 20, "the real frame_ready")
        .await;
    // With the frame open and ready: a fake close does not close it.
    browser.eval(&fake("chat_collapse_window")).await;
    // Collapsed: a fake message is not counted.
    browser.click("button.parley-launcher").await;
    browser.eval(&fake("receive_message")).await;
    browser.eval(&fake("frame_ready")).await;
    browser
        .wait_until(
            "window.seen.envelopes.filter(s => s.includes('fake')).length === 5",
            10,
            "the page to receive its own five fakes",
        )
        .await;
    // What the fakes must not do (fire a callback, count, close) has no event to wait
    // for: a bounded wait, then the checks.
    grace_period(Duration::from_millis(800)).await;
    assert_eq!(
        browser
            .eval("window.seen.envelopes.filter(s => s.includes('fake')).length")
            .await,
        5,
        "the page did receive its own fakes"
    );
    assert_eq!(browser.eval("window.seen.messages.length").await, 0);
    assert_eq!(browser.eval("window.seen.zhichi.length").await, 0);
    assert_eq!(browser.eval("window.seen.ready").await, 1);
    assert_eq!(
        browser
            .eval("getComputedStyle(document.querySelector('.parley-badge')).display")
            .await,
        "none"
    );
    browser.close().await;
}

/// Fakes sent while open must not close the window: checked on its own, since the test
/// above closes it itself.
#[tokio::test]
async fn a_fake_close_from_the_page_does_not_close_the_window() {
    let (shop, server) = start().await;
    shop.put(
        "/",
        &shop_page(
            &server,
            "",
            r#"zc("config", { locale: "en" });
      zc("frame_ready", function () { window.seen.ready += 1; });"#,
        ),
    );
    let browser = Browser::start(Viewport::Desktop).await;
    open(&browser, &shop, "/").await;
    browser.click("button.parley-launcher").await;
    browser
        .wait_until("window.seen.ready === 1", 20, "the chat to be ready")
        .await;
    browser
        .eval(
            "(window.postMessage(JSON.stringify({name: 'zc_post_message', data: \
             {action: 'chat_collapse_window'}}), '*'), 0)",
        )
        .await;
    browser
        .wait_until(
            "window.seen.envelopes.some(s => s.includes('chat_collapse_window'))",
            10,
            "the page to receive its own fake",
        )
        .await;
    // The window must not close: nothing to poll for, so a bounded wait.
    grace_period(Duration::from_millis(800)).await;
    assert_eq!(browser.eval(FRAME_SHOWN).await, true);
    browser.close().await;
}

/// `custom: true` with the script tag's class: no launcher; a button with that class
/// added after the loader ran opens the chat (event delegation, `dynamic_ready`).
/// `manual: true`: no launcher and no frame until `frame_manual`.
#[tokio::test]
async fn custom_buttons_and_manual_initialization() {
    let (shop, server) = start().await;
    shop.put(
        "/custom",
        &shop_page(
            &server,
            r#"x.className = "zhiCustomBtn";"#,
            r#"zc("config", { custom: true, locale: "en" });"#,
        ),
    );
    shop.put(
        "/manual",
        &shop_page(
            &server,
            "",
            r#"zc("config", { manual: true, locale: "en" });"#,
        ),
    );
    let browser = Browser::start(Viewport::Desktop).await;

    open(&browser, &shop, "/custom").await;
    assert_eq!(
        browser
            .eval("!!document.querySelector('.parley-launcher') && getComputedStyle(document.querySelector('.parley-launcher')).display !== 'none'")
            .await,
        false,
        "no launcher with custom"
    );
    browser
        .eval(
            "(() => { const b = document.createElement('button'); b.className = 'zhiCustomBtn'; \
             b.id = 'ask'; b.textContent = 'Ask us'; document.getElementById('root').appendChild(b); \
             zc('dynamic_ready'); return 0; })()",
        )
        .await;
    browser.click("#ask").await;
    browser
        .wait_until(FRAME_SHOWN, 20, "the chat from the custom button")
        .await;
    assert_eq!(
        browser.eval(&format!("{FRAME_URL}.pathname")).await,
        "/chat/pc/v2/index.html"
    );

    open(&browser, &shop, "/manual").await;
    // Checks that no launcher or frame comes: nothing to poll for, so a bounded wait.
    grace_period(Duration::from_millis(500)).await;
    assert_eq!(
        browser
            .eval("[document.querySelectorAll('.parley-launcher').length, document.querySelectorAll('iframe').length]")
            .await,
        serde_json::json!([0, 0]),
        "manual: nothing until frame_manual"
    );
    browser
        .eval("(zc('frame_manual', r => window.seen.manual.push(r)), 0)")
        .await;
    assert_eq!(
        browser.eval("window.seen.manual").await,
        serde_json::json!(["success"])
    );
    browser.click("button.parley-launcher").await;
    browser
        .wait_until(FRAME_SHOWN, 20, "the chat after frame_manual")
        .await;
    browser.close().await;
}

/// The invitation shows the configured texts as text (markup stays inert), its button
/// opens the chat, and `invite_count` caps how often it shows in a day.
#[tokio::test]
async fn invitation_shows_text_opens_the_chat_and_counts_per_day() {
    let (shop, server) = start().await;
    shop.put(
        "/",
        &shop_page(
            &server,
            "",
            r#"zc("config", { locale: "en", invite: 1, first_timeout: 0, invite_count: 1,
        tip_title: "<img src=x onerror=window.pwned=1>Need help?", submit_title: "Talk to us",
        invite_imgsrc: "javascript:window.pwned=2" });"#,
        ),
    );
    let browser = Browser::start(Viewport::Desktop).await;
    open(&browser, &shop, "/").await;
    let text = browser.text_of(".parley-invite p").await;
    assert_eq!(text, "<img src=x onerror=window.pwned=1>Need help?");
    assert_eq!(
        browser.text_of(".parley-invite .parley-accept").await,
        "Talk to us"
    );
    assert_eq!(
        browser
            .eval("[typeof window.pwned, document.querySelectorAll('.parley-invite img').length]")
            .await,
        serde_json::json!(["undefined", 0])
    );
    browser.click(".parley-invite .parley-accept").await;
    browser
        .wait_until(FRAME_SHOWN, 20, "the chat from the invitation")
        .await;
    assert_no_invitation(&browser).await;

    // Same day, same site: the one invitation of the day was used. It must not show
    // (first_timeout 0 showed it at once above): nothing to poll for, so a bounded wait.
    open(&browser, &shop, "/").await;
    grace_period(Duration::from_millis(800)).await;
    assert_no_invitation(&browser).await;
    browser.close().await;
}

/// Asserts the page shows no invitation dialog.
async fn assert_no_invitation(browser: &Browser) {
    let shown = browser
        .eval("document.querySelectorAll('.parley-invite').length")
        .await;
    assert_eq!(shown, 0, "an invitation is showing");
}

/// PC window: `width` / `height` size it, `location: 2` puts it and the launcher bottom
/// left, `container_style` decorates it but can neither resize it nor reach outside its
/// own declarations; `zc("collapse")` / `zc("expand")` drive it from the page.
#[tokio::test]
async fn pc_window_size_location_and_container_style() {
    let (shop, server) = start().await;
    shop.put(
        "/",
        &shop_page(
            &server,
            "",
            r#"zc("config", { locale: "en", location: 2, width: 500, height: "420px", dragging: true,
        container_style: "border-radius: 3px; width: 900px; height: 100px; position: static; top: 5px } body { display: none" });"#,
        ),
    );
    let browser = Browser::start(Viewport::Desktop).await;
    open(&browser, &shop, "/").await;
    browser.click("button.parley-launcher").await;
    browser.wait_until(FRAME_SHOWN, 20, "the window").await;
    let g = browser
        .eval(
            "(() => { const p = document.querySelector('iframe').parentElement; \
             const r = p.getBoundingClientRect(); const s = getComputedStyle(p); \
             const l = document.querySelector('.parley-launcher').getBoundingClientRect(); \
             return [r.width, r.height, r.left, s.borderTopLeftRadius, s.position, \
             getComputedStyle(document.body).display, l.left]; })()",
        )
        .await;
    assert_eq!(g[0], 500.0, "width: {g}");
    assert_eq!(g[1], 420.0, "height: {g}");
    assert_eq!(g[2], 20.0, "bottom left: {g}");
    assert_eq!(g[3], "3px", "container_style applies: {g}");
    assert_eq!(
        g[4], "fixed",
        "container_style cannot move it out of place: {g}"
    );
    assert_eq!(g[5], "block", "container_style stays in its element: {g}");
    assert_eq!(g[6], 20.0, "the launcher is bottom left too: {g}");

    browser.eval("(zc('collapse'), 0)").await;
    browser
        .wait_until(&format!("!{FRAME_SHOWN}"), 10, "zc('collapse')")
        .await;
    browser.eval("(zc('expand'), 0)").await;
    browser.wait_until(FRAME_SHOWN, 10, "zc('expand')").await;

    // dragging: the window follows its bar, and keeps its place when opened again.
    let moved = browser
        .eval(
            "(() => { const bar = document.querySelector('.parley-bar'); \
             const r = bar.getBoundingClientRect(); \
             const at = (type, x, y) => bar.dispatchEvent(new PointerEvent(type, \
               { bubbles: true, clientX: x, clientY: y, button: 0, pointerId: 1, isPrimary: true })); \
             at('pointerdown', r.left + 100, r.top + 10); at('pointermove', 300, 110); \
             at('pointerup', 300, 110); \
             const p = bar.parentElement.getBoundingClientRect(); return [p.left, p.top]; })()",
        )
        .await;
    assert_eq!(moved, serde_json::json!([200, 100]), "dragged");
    browser.eval("(zc('collapse'), zc('expand'), 0)").await;
    let kept = browser
        .eval("(() => { const p = document.querySelector('.parley-bar').parentElement.getBoundingClientRect(); return [p.left, p.top]; })()")
        .await;
    assert_eq!(kept, moved, "the place is kept");
    browser.close().await;
}

/// `anchor: true`: the launcher opens the chat page in a new window, with no frame.
#[tokio::test]
async fn anchor_opens_the_chat_in_a_new_window() {
    let (shop, server) = start().await;
    shop.put(
        "/",
        &shop_page(
            &server,
            "",
            r#"zc("config", { anchor: true, locale: "en" });"#,
        ),
    );
    let browser = Browser::start(Viewport::Desktop).await;
    open(&browser, &shop, "/").await;
    let home = browser.client.window().await.unwrap();
    browser.click("button.parley-launcher").await;
    let other = wait_for("a new window", Duration::from_secs(10), async || {
        let windows = browser.client.windows().await.unwrap();
        let count = windows.len();
        windows
            .into_iter()
            .find(|w| *w != home)
            .ok_or(format!("{count} window(s)"))
    })
    .await;
    assert_eq!(
        browser
            .eval("document.querySelectorAll('iframe').length")
            .await,
        0
    );
    browser.client.switch_to_window(other).await.unwrap();
    browser
        .wait_until(
            "location.pathname === '/chat/pc/v2/index.html' && \
             new URLSearchParams(location.search).get('locale') === 'en' && \
             !!document.querySelector('.topbar h1')",
            20,
            "the chat page in the new window",
        )
        .await;
    assert_eq!(
        browser.eval("window.opener").await,
        serde_json::Value::Null,
        "the chat gets no handle on the shop page"
    );
    browser.close().await;
}

/// `end_of_close` (on by default for PC): when the agent ends the conversation the
/// window closes by itself; with `end_of_close: false` it stays open on the ended chat.
#[tokio::test]
async fn the_pc_window_closes_when_the_chat_ends_unless_told_not_to() {
    let (shop, server) = start().await;
    for (path, extra) in [("/", ""), ("/stay", ", end_of_close: false")] {
        shop.put(
            path,
            &shop_page(
                &server,
                "",
                &format!(
                    r#"zc("config", {{ locale: "en", type: 2, groupid: "sales"{extra} }});
      zc("frame_ready", function () {{ window.seen.ready += 1; }});"#
                ),
            ),
        );
    }
    let alice = Agent::login(&server, "alice", "alice-demo").await;
    let browser = Browser::start(Viewport::Desktop).await;
    for (path, closes) in [("/", true), ("/stay", false)] {
        open(&browser, &shop, path).await;
        browser.click("button.parley-launcher").await;
        browser
            .wait_until("window.seen.ready === 1", 20, "the chat to be ready")
            .await;
        let id = alice.take_next().await;
        let (status, body) = alice
            .call("POST", &format!("/api/agent/conversations/{id}/end"), None)
            .await;
        assert_eq!(status, 200, "{body}");
        if closes {
            browser
                .wait_until(&format!("!{FRAME_SHOWN}"), 10, "the window to close")
                .await;
        } else {
            // The chat did announce the end; the loader chose to keep the window.
            browser
                .wait_until(
                    "window.seen.envelopes.some(e => JSON.parse(e).data.action === 'chat_end')",
                    10,
                    "the chat_end envelope",
                )
                .await;
            // The window must not close: nothing to poll for, so a bounded wait longer
            // than the loader's pause before closing.
            grace_period(Duration::from_millis(2500)).await;
            assert_eq!(browser.eval(FRAME_SHOWN).await, true, "{path} stays open");
        }
    }
    browser.close().await;
}

/// `zc("offline_message_count")`: a returning visitor (known by the link's signed
/// partnerid: an unsigned one names nobody) is
/// told of the offline message an agent left after their chat ended, without the chat
/// being opened. The launcher's badge counts it, and a callback registered later gets the
/// same answer without asking again.
#[tokio::test]
async fn offline_messages_reach_the_site_without_opening_the_chat() {
    use serde_json::json;
    let (shop, server) = start().await;
    // The site signs the partnerid: sign = MD5(sysnum + key + partnerid).
    let sign =
        parley_protocol::digest::link_sign("demo", parley_server::config::DEMO_KEY, "shopper-7");
    // The visitor's earlier chat, ended, and the agent's offline message after it.
    let (status, init) = parley_e2e::http(
        server.addr,
        "POST",
        "/api/chat/init",
        None,
        Some(json!({"query": format!("sysnum=demo&partnerid=shopper-7&sign={sign}")})),
    )
    .await;
    assert_eq!(status, 200, "{init}");
    let token = init["session_token"].as_str().unwrap();
    let (status, _) =
        parley_e2e::http(server.addr, "POST", "/api/chat/leave", Some(token), None).await;
    assert_eq!(status, 200);
    let agent = Agent::login(&server, "alice", "alice-demo").await;
    let visitor = init["visitor_id"].as_str().unwrap();
    let (status, body) = agent
        .call(
            "POST",
            &format!("/api/agent/visitors/{visitor}/offline-message"),
            Some(json!({"client_id": "off-1", "text": "Your **parcel** left today."})),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    shop.put(
        "/",
        &shop_page(
            &server,
            "",
            &format!(
                r#"zc("config", {{ partnerid: "shopper-7", sign: "{sign}", locale: "en" }});
      zc("offline_message_count", function (r) {{ window.seen.offline = r; }});"#
            ),
        ),
    );
    let browser = Browser::start(Viewport::Desktop).await;
    open(&browser, &shop, "/").await;
    browser
        .wait_until("!!window.seen.offline", 20, "the offline count")
        .await;
    let got = browser.eval("window.seen.offline").await;
    assert_eq!(got["size"], 1, "{got}");
    assert_eq!(got["offlineMsg"][0]["msg"], "Your parcel left today.");
    assert_eq!(got["offlineMsg"][0]["name"], "Alice");
    assert_eq!(got["offlineMsg"][0]["img"], parley_e2e::ALICE_AVATAR);
    assert_eq!(got["unAckSize"], 0);
    assert_eq!(got["leaveToTicket"], 0);
    // The chat page was never loaded: the one frame is the hidden visitor frame.
    assert_eq!(
        browser
            .eval("[...document.querySelectorAll('iframe')].map(f => new URL(f.src).pathname)")
            .await,
        json!(["/chat/frame/v2/visitor.html"])
    );
    assert_eq!(
        browser
            .eval("document.querySelector('.parley-badge').textContent")
            .await,
        "1"
    );
    browser
        .eval("zc('offline_message_count', function (r) { window.seen.late = r.size; })")
        .await;
    assert_eq!(browser.eval("window.seen.late").await, 1);
    assert_eq!(
        browser.eval("window.seen.loads").await,
        1,
        "one frame load only"
    );
    assert_eq!(browser.eval("window.seen.warnings").await, json!([]));
    browser.close().await;
}

/// Browsing tracks: with `man_trace`, each page view of the shop is recorded for the
/// visitor with its address and title and the page it came from, `zc("trace")` adds an
/// entry of the site's own, and the chat the visitor then starts belongs to the same
/// visitor, so its agent reads the pages that led to it.
#[tokio::test]
async fn browsing_tracks_reach_the_agent_of_the_chat_that_follows() {
    let (shop, server) = start().await;
    let calls = r#"zc("config", { man_trace: true, locale: "en", type: 2, groupid: "sales" });
      zc("frame_ready", function () { window.seen.ready += 1; });"#;
    let landing = shop_page(&server, "", calls).replace(
        r#"<div id="root"></div>"#,
        r#"<div id="root"><a id="tea" href="/tea">Our teas</a></div>"#,
    );
    shop.put("/", &landing);
    shop.put(
        "/tea",
        &shop_page(&server, "", calls)
            .replace("<title>Chat Client</title>", "<title>Green tea</title>"),
    );
    // JS: how many tracks the visitor frame reported recorded on this page.
    const RECORDED: &str =
        "window.seen.envelopes.filter(e => e.includes('\"recorded\":true')).length";
    let browser = Browser::start(Viewport::Desktop).await;
    open(&browser, &shop, "/").await;
    browser
        .wait_until(&format!("{RECORDED} === 1"), 20, "the landing page's track")
        .await;
    // A click, not a new navigation, so the tea page has the landing page as referrer.
    browser.click("#tea").await;
    browser
        .wait_until(
            &format!("location.pathname === '/tea' && !!window.seen && {RECORDED} === 1"),
            20,
            "the tea page's track",
        )
        .await;
    browser
        .eval(r#"zc("trace", { cur_visit_args: { cur_visit_title: "Green tea: reviews", cur_tags: "tea,reviews", cur_thumbnail: "javascript:alert(1)" } })"#)
        .await;
    browser
        .wait_until(&format!("{RECORDED} === 2"), 20, "the site's own track")
        .await;
    assert_eq!(
        browser.eval("window.seen.warnings").await,
        serde_json::json!([])
    );

    // The visitor opens the chat; the agent who gets it reads the track.
    let alice = Agent::login(&server, "alice", "alice-demo").await;
    browser.click("button.parley-launcher").await;
    browser
        .wait_until("window.seen.ready === 1", 20, "the chat to be ready")
        .await;
    let visitor = visitor_of_next_chat(&alice).await;
    let (status, track) = alice
        .call(
            "GET",
            &format!("/api/agent/visitors/{visitor}/traces"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{track}");
    let track = track.as_array().unwrap();
    assert_eq!(track.len(), 3, "{track:?}");
    let shop_root = shop.url("/");
    let tea = shop.url("/tea");
    // Newest first: the site's own entry, the tea page (from the landing page), the landing.
    assert_eq!(track[0]["page"]["title"], "Green tea: reviews");
    assert_eq!(track[0]["page"]["tags"], "tea,reviews");
    assert_eq!(track[0]["page"]["url"], tea.as_str());
    assert_eq!(
        track[0]["page"]["thumbnail"], "",
        "only http(s) pictures are kept"
    );
    assert_eq!(track[1]["page"]["url"], tea.as_str());
    assert_eq!(track[1]["page"]["title"], "Green tea");
    assert_eq!(track[1]["previous"]["url"], shop_root.as_str());
    assert_eq!(track[2]["page"]["url"], shop_root.as_str());
    assert_eq!(track[2]["page"]["title"], "Chat Client");
    browser.close().await;
}

/// `async: 1`: the chat page loads with the host page, hidden. Its `frame_ready` fires
/// before any click, an agent's message reaches `receive_message` and the badge while
/// the visitor has never opened the window, and opening shows the already loaded page
/// (no second load).
#[tokio::test]
async fn async_loads_the_chat_hidden_with_the_page() {
    let (shop, server) = start().await;
    shop.put(
        "/",
        &shop_page(
            &server,
            "",
            r#"zc("config", { async: 1, locale: "en", type: 2, groupid: "sales" });
      zc("receive_message", function (m) { window.seen.messages.push(m); });
      zc("frame_ready", function () { window.seen.ready += 1; });"#,
        ),
    );
    let alice = Agent::login(&server, "alice", "alice-demo").await;
    let browser = Browser::start(Viewport::Desktop).await;
    open(&browser, &shop, "/").await;
    browser
        .wait_until("window.seen.ready === 1", 20, "the hidden chat to be ready")
        .await;
    assert_eq!(
        browser.eval(FRAME_SHOWN).await,
        serde_json::json!(false),
        "the window stays closed"
    );
    assert_eq!(
        browser.eval(&format!("{FRAME_URL}.pathname")).await,
        "/chat/pc/v2/index.html"
    );
    let id = alice.take_next().await;
    alice
        .reply(&id, "async-1", "Can I help you find something?")
        .await;
    browser
        .wait_until(
            "window.seen.messages.length === 1",
            20,
            "receive_message before opening",
        )
        .await;
    assert_eq!(
        browser
            .eval("document.querySelector('.parley-badge').textContent")
            .await,
        "1"
    );
    browser.click("button.parley-launcher").await;
    browser
        .wait_until(FRAME_SHOWN, 10, "the window to open")
        .await;
    assert_eq!(browser.eval("window.seen.loads").await, 1, "no second load");
    assert_eq!(browser.eval("window.seen.ready").await, 1);
    browser.close().await;
}

/// `invite_flag`: an agent sees the visitor on the shop's page (`GET /api/agent/browsing`)
/// and invites them; the invitation shows on the page with the agent's name and text,
/// and accepting it opens the chat, which goes straight to that agent.
#[tokio::test]
async fn an_agent_invites_a_visitor_browsing_the_shop() {
    use serde_json::json;
    let (shop, server) = start().await;
    shop.put(
        "/",
        &shop_page(
            &server,
            "",
            r#"zc("config", { invite_flag: true, locale: "en", uname: "Jo" });
      zc("frame_ready", function () { window.seen.ready += 1; });"#,
        ),
    );
    let alice = Agent::login(&server, "alice", "alice-demo").await;
    let browser = Browser::start(Viewport::Desktop).await;
    open(&browser, &shop, "/").await;
    let browsing = wait_for(
        "the visitor among those browsing",
        Duration::from_secs(20),
        async || {
            let (status, browsing) = alice.call("GET", "/api/agent/browsing", None).await;
            assert_eq!(status, 200, "GET /api/agent/browsing: {browsing}");
            if browsing[0]["visitor_id"].is_string() {
                Ok(browsing)
            } else {
                Err(browsing)
            }
        },
    )
    .await;
    let visitor = browsing[0]["visitor_id"].as_str().unwrap().to_owned();
    assert_eq!(browsing[0]["visitor_name"], "Jo");
    assert_eq!(browsing[0]["page"]["url"], shop.url("/").as_str());
    assert_eq!(browsing[0]["page"]["title"], "Chat Client");
    let (status, body) = alice
        .call(
            "POST",
            &format!("/api/agent/visitors/{visitor}/invite"),
            Some(json!({"text": "Hi Jo, need a hand?"})),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    // The page asks every 10 s.
    browser
        .wait_until(
            "!!document.querySelector('.parley-invite')",
            25,
            "the agent's invitation",
        )
        .await;
    assert_eq!(browser.text_of(".parley-invite-agent").await, "Alice");
    assert_eq!(
        browser
            .text_of(".parley-invite p:not(.parley-invite-agent)")
            .await,
        "Hi Jo, need a hand?"
    );
    browser.screenshot("loader-agent-invitation").await;
    browser.click(".parley-accept").await;
    browser
        .wait_until(FRAME_SHOWN, 10, "the chat to open")
        .await;
    let query = browser
        .eval(&format!(
            "[{FRAME_URL}.searchParams.get('agentid'), {FRAME_URL}.searchParams.get('type')]"
        ))
        .await;
    assert_eq!(query, json!(["alice", "2"]));
    browser
        .wait_until("window.seen.ready === 1", 20, "the chat to be ready")
        .await;
    assert_eq!(
        visitor_of_next_chat(&alice).await,
        visitor,
        "the invited visitor's chat"
    );
    assert_eq!(browser.eval("window.seen.warnings").await, json!([]));
    browser.close().await;
}

/// The spec's own snippets, verbatim except the host: "Add by Codes", the custom
/// inquiry entry (its button, the script tag's class, `custom: true`), manual
/// initialization (its `customBtn` calling `frame_manual`) and the dynamic inquiry entry
/// (`dynBtn` writing the button with innerHTML, then `dynamic_ready`). Each shows the
/// chat and fires `frame_ready`.
#[tokio::test]
async fn the_specs_snippets_work_verbatim_from_another_origin() {
    let (shop, server) = start().await;
    let ready = r#"zc("frame_ready", function () { window.seen.ready += 1; });"#;
    shop.put(
        "/add",
        &shop_page(
            &server,
            "",
            &format!(
                r#"zc("config", {{
  "color": "04babc",
  "uname": "Sobot"
}})
      {ready}"#
            ),
        ),
    );
    shop.put(
        "/custom",
        &shop_page(
            &server,
            r#"x.className = "zhiCustomBtn"; // Bind the class to the custom button Step 1"#,
            &format!(
                r#"      zc("config", {{
        custom: true // Set the custom button as effective Step 2
      }})
      {ready}"#
            ),
        )
        .replace(
            r#"<div id="root"></div>"#,
            r#"<!--Custom button Step 3-->
    <button class="zhiCustomBtn">Your inquiries are welcomed</button>"#,
        ),
    );
    shop.put(
        "/manual",
        &shop_page(
            &server,
            "",
            &format!(
                r#"// Step 1
zc("config", {{
  "manual": true // Set to manual initialization
}})

// Step 2 Perform manual initialization by events
document.getElementById("customBtn").addEventListener("click", function() {{
  zc("frame_manual", function(res) {{
    console.log("success")
  }})
}})
      {ready}"#
            ),
        )
        .replace(
            r#"<div id="root"></div>"#,
            r#"<button id="customBtn">Chat with us</button>"#,
        ),
    );
    shop.put(
        "/dynamic",
        &shop_page(
            &server,
            r#"x.className = "zhiCustomBtn";"#,
            &format!(
                r#"zc("config", {{ custom: true }});
      {ready}
  document.getElementById("dynBtn").addEventListener("click", function() {{
  // Simulate dynamic inserted data
  document.getElementById("root").innerHTML = '<button class="zhiCustomBtn">Inquiry</button>';
  // Dynamically create custom button
  zc("dynamic_ready")
}})"#
            ),
        )
        .replace(
            r#"<div id="root"></div>"#,
            r#"<button id="dynBtn">Show the inquiry button</button><div id="root"></div>"#,
        ),
    );
    let browser = Browser::start(Viewport::Desktop).await;

    open(&browser, &shop, "/add").await;
    browser
        .wait_until("window.seen.ready === 1", 20, "frame_ready")
        .await;
    browser.click("button.parley-launcher").await;
    browser.wait_until(FRAME_SHOWN, 20, "the chat").await;
    assert_eq!(
        browser
            .eval(&format!("{FRAME_URL}.searchParams.get('uname')"))
            .await,
        "Sobot"
    );

    open(&browser, &shop, "/custom").await;
    browser
        .wait_until("window.seen.ready === 1", 20, "frame_ready")
        .await;
    assert_eq!(
        browser.eval(LAUNCHER_SHOWN).await,
        false,
        "custom: no launcher"
    );
    browser.click("button.zhiCustomBtn").await;
    browser
        .wait_until(FRAME_SHOWN, 20, "the chat from the site's button")
        .await;

    open(&browser, &shop, "/manual").await;
    // Nothing to wait for: a bounded wait, then neither a launcher nor a frame.
    grace_period(Duration::from_millis(800)).await;
    assert_eq!(
        browser
            .eval("[document.querySelectorAll('.parley-launcher').length, document.querySelectorAll('iframe').length, window.seen.ready]")
            .await,
        serde_json::json!([0, 0, 0]),
        "manual: nothing until frame_manual"
    );
    browser.click("#customBtn").await;
    browser
        .wait_until(LAUNCHER_SHOWN, 20, "the launcher after frame_manual")
        .await;
    browser
        .wait_until(
            "window.seen.ready === 1",
            20,
            "frame_ready after frame_manual",
        )
        .await;
    browser.click("button.parley-launcher").await;
    browser.wait_until(FRAME_SHOWN, 20, "the chat").await;

    open(&browser, &shop, "/dynamic").await;
    browser
        .wait_until("window.seen.ready === 1", 20, "frame_ready")
        .await;
    browser.click("#dynBtn").await;
    browser.click("#root button.zhiCustomBtn").await;
    browser
        .wait_until(FRAME_SHOWN, 20, "the chat from the dynamic button")
        .await;
    assert_eq!(
        browser
            .eval("window.seen.warnings.concat(window.seen.errors)")
            .await,
        serde_json::json!([])
    );
    browser.close().await;
}

/// A site the tenant does not list gets no launcher and no frame (never a broken one),
/// and one console error naming its origin, the tenant and the setting to change; a
/// sysnum no tenant has gets one naming the sysnum.
#[tokio::test]
async fn a_site_not_allowed_gets_one_console_error_and_no_frame() {
    let shop = HostSite::start().await;
    let server = Server::start_embeddable_by(&["https://shop.example".to_owned()]).await;
    let calls = r#"zc("config", { locale: "en", async: 1, man_trace: true });
      zc("frame_ready", function () { window.seen.ready += 1; });
      zc("offline_message_count", function (r) { window.seen.offline = r; });"#;
    shop.put("/", &shop_page(&server, "", calls));
    shop.put(
        "/unknown",
        &shop_page(&server, "", calls).replace("sysnum=demo", "sysnum=nobody"),
    );
    let browser = Browser::start(Viewport::Desktop).await;
    for (path, must_name) in [
        (
            "/",
            vec![
                shop.origin(),
                "\"demo\"".to_owned(),
                "allowed_origins".to_owned(),
            ],
        ),
        (
            "/unknown",
            vec!["\"nobody\"".to_owned(), "sysnum".to_owned()],
        ),
    ] {
        open(&browser, &shop, path).await;
        browser
            .wait_until("window.seen.errors.length > 0", 20, "the console error")
            .await;
        browser.eval("(zc('expand'), 0)").await;
        // Nothing else may come: a bounded wait, then the checks.
        grace_period(Duration::from_millis(800)).await;
        let errors = browser.eval("window.seen.errors").await;
        assert_eq!(errors.as_array().unwrap().len(), 1, "{path}: {errors}");
        let error = errors[0].as_str().unwrap();
        for name in &must_name {
            assert!(
                error.contains(name.as_str()),
                "{path}: {error} names {name}"
            );
        }
        assert_eq!(
            browser
                .eval("[document.querySelectorAll('.parley-launcher').length, document.querySelectorAll('iframe').length, window.seen.ready, !!window.seen.offline]")
                .await,
            serde_json::json!([0, 0, 0, false]),
            "{path}: no launcher, no frame, no callback"
        );
    }
    browser.close().await;
}

/// `cargo xtask serve` (the shipped demo, `--demo`): the demo shop page, served at the
/// other loopback name (`localhost` beside `127.0.0.1`, another origin), embeds the
/// access code and its chat works: the shipped `allowed_origins = ["*"]`.
#[tokio::test]
async fn the_demo_shop_embeds_the_shipped_demo_from_another_origin() {
    let server = Server::start_configured(std::sync::Arc::new(|_| {}), true).await;
    let page = format!("http://localhost:{}/demo/shop.html", server.addr.port());
    let browser = Browser::start(Viewport::Desktop).await;
    browser.client.goto(&page).await.unwrap();
    browser.click("button.parley-launcher").await;
    browser.wait_until(FRAME_SHOWN, 20, "the chat").await;
    assert_eq!(
        browser.eval(&format!("{FRAME_URL}.origin")).await,
        format!("http://127.0.0.1:{}", server.addr.port()),
        "the chat is on another origin than the shop"
    );
    assert_eq!(
        browser.eval("location.origin").await,
        format!("http://localhost:{}", server.addr.port())
    );
    let frame = browser
        .client
        .find(Locator::Css("iframe.parley-frame"))
        .await
        .expect("iframe");
    frame.enter_frame().await.expect("enter the chat frame");
    assert_eq!(browser.text_of(".topbar h1").await, "Parley Demo Shop");
    // Framed by a trusted parent: the chat shows its own collapse button.
    browser.click("button.collapse").await;
    browser.client.enter_parent_frame().await.unwrap();
    browser
        .wait_until(
            &format!("!{FRAME_SHOWN}"),
            10,
            "the chat's own button to fold it",
        )
        .await;
    browser.screenshot("loader-demo-shop").await;
    browser.close().await;
}

/// No start-time race: a `zc("config")` made by a later script after the loader ran
/// still counts until the visitor first opens the chat. `manual` keeps the chat closed
/// until `frame_manual` (even after the launcher had appeared); `auto_expand` opens it.
#[tokio::test]
async fn a_later_config_applies_until_the_first_interaction() {
    let (shop, server) = start().await;
    // A later script: it waits until the loader has replaced the queue (and, with
    // `after_launcher`, until the launcher is there), then configures.
    let later = |config: &str, after_launcher: bool| {
        let also = if after_launcher {
            " && document.querySelector('.parley-launcher')"
        } else {
            ""
        };
        shop_page(
            &server,
            "",
            r#"zc("config", { locale: "en" });
      zc("frame_ready", function () { window.seen.ready += 1; });"#,
        )
        .replace(
            "</body>",
            &format!(
                r#"<script>
      (function later() {{
        if (window.zc && window.zc.parley{also}) {{ zc("config", {config}); }}
        else {{ setTimeout(later, 5); }}
      }})();
    </script>
  </body>"#
            ),
        )
    };
    shop.put("/manual", &later("{ manual: true }", false));
    shop.put("/manual-late", &later("{ manual: true }", true));
    shop.put("/expand", &later("{ auto_expand: true }", false));
    let browser = Browser::start(Viewport::Desktop).await;
    for path in ["/manual", "/manual-late"] {
        open(&browser, &shop, path).await;
        browser
            .wait_until(
                "window.zc.parley && !document.querySelector('iframe')",
                20,
                "the loader",
            )
            .await;
        // Nothing may open: a bounded wait, then the checks.
        grace_period(Duration::from_millis(800)).await;
        assert_eq!(browser.eval(LAUNCHER_SHOWN).await, false, "{path}");
        assert_eq!(
            browser
                .eval("document.querySelectorAll('iframe').length")
                .await,
            0,
            "{path}"
        );
        browser
            .eval("(zc('frame_manual', r => window.seen.manual.push(r)), 0)")
            .await;
        assert_eq!(
            browser.eval("window.seen.manual").await,
            serde_json::json!(["success"])
        );
        browser
            .wait_until(LAUNCHER_SHOWN, 10, "the launcher after frame_manual")
            .await;
        browser.click("button.parley-launcher").await;
        browser.wait_until(FRAME_SHOWN, 20, "the chat").await;
        assert_eq!(browser.eval("window.seen.ready").await, 1, "{path}");
    }
    open(&browser, &shop, "/expand").await;
    browser
        .wait_until(FRAME_SHOWN, 20, "auto_expand from a later script")
        .await;
    browser.close().await;
}

/// Precedence zc > backend > default for the loader: the tenant's backend colour,
/// location, launcher text and invitation show on a page that sets none (its labels in
/// the page's language, from locales/<code>/loader.ftl); a page's own values win.
#[tokio::test]
async fn backend_settings_apply_where_the_page_sets_none() {
    let shop = HostSite::start().await;
    let origin = shop.origin();
    let server = Server::start_configured(
        std::sync::Arc::new(move |t: &mut parley_server::config::Tenant| {
            t.security.allowed_origins = vec![origin.clone()];
            t.backend.color = Some("ff5500".into());
            t.backend.location = Some(2);
            t.backend.launcher_text = Some("Ask us".into());
            t.backend.invite = Some(true);
            t.backend.first_timeout = Some(0);
            t.backend.tip_title = Some("Backend invitation".into());
        }),
        false,
    )
    .await;
    shop.put(
        "/",
        &shop_page(&server, "", r#"zc("config", { locale: "ja" });"#),
    );
    shop.put(
        "/own",
        &shop_page(
            &server,
            "",
            r#"zc("config", { locale: "en", color: "1a1a2e", location: 1, invite: 0 });"#,
        ),
    );
    let launcher = "(() => { const b = document.querySelector('button.parley-launcher'); \
                    const s = getComputedStyle(b); const r = b.getBoundingClientRect(); \
                    return [s.backgroundColor, r.left < innerWidth / 2, b.querySelector('.parley-label').textContent, \
                    b.getAttribute('aria-label')]; })()";
    let browser = Browser::start(Viewport::Desktop).await;
    open(&browser, &shop, "/").await;
    browser.wait_until(LAUNCHER_SHOWN, 20, "the launcher").await;
    assert_eq!(
        browser.eval(launcher).await,
        serde_json::json!(["rgb(255, 85, 0)", true, "Ask us", "チャットを開く"])
    );
    assert_eq!(
        browser.text_of(".parley-invite p").await,
        "Backend invitation"
    );
    browser.screenshot("loader-backend-settings").await;

    open(&browser, &shop, "/own").await;
    browser.wait_until(LAUNCHER_SHOWN, 20, "the launcher").await;
    assert_eq!(
        browser.eval(launcher).await,
        serde_json::json!(["rgb(26, 26, 46)", false, "Ask us", "Open chat"])
    );
    // invite: 0 on the page beats the backend's invitation: nothing to wait for.
    grace_period(Duration::from_millis(800)).await;
    assert_no_invitation(&browser).await;
    browser.close().await;
}

/// The page hears the spec's `chat_collapse_window` once for every fold, whatever folded
/// it: the loader's ×, Escape, the launcher, `zc("collapse")` and `end_of_close` (the
/// chat's own button is in the access-code test).
#[tokio::test]
async fn chat_collapse_window_arrives_for_every_fold() {
    let (shop, server) = start().await;
    shop.put(
        "/",
        &shop_page(
            &server,
            "",
            r#"zc("config", { locale: "en", type: 2, groupid: "sales", top_bar_flag: 0 });"#,
        ),
    );
    let alice = Agent::login(&server, "alice", "alice-demo").await;
    let browser = Browser::start(Viewport::Desktop).await;
    open(&browser, &shop, "/").await;
    let count = async || browser.eval(COLLAPSE_ENVELOPES).await.as_u64().unwrap();
    let mut folds = 0;
    for way in ["the loader's ×", "Escape", "the launcher", "zc('collapse')"] {
        browser.click("button.parley-launcher").await;
        browser.wait_until(FRAME_SHOWN, 20, "the window").await;
        match way {
            "the loader's ×" => browser.click("button.parley-close").await,
            "Escape" => {
                let launcher = browser
                    .client
                    .find(Locator::Css("button.parley-launcher"))
                    .await
                    .unwrap();
                launcher.send_keys(ESCAPE).await.unwrap();
            }
            "the launcher" => browser.click("button.parley-launcher").await,
            _ => {
                browser.eval("(zc('collapse'), 0)").await;
            }
        }
        folds += 1;
        browser
            .wait_until(
                &format!("!{FRAME_SHOWN} && {COLLAPSE_ENVELOPES} === {folds}"),
                10,
                &format!("one chat_collapse_window for {way}"),
            )
            .await;
    }
    // end_of_close: the agent ends the chat while it is open.
    browser.click("button.parley-launcher").await;
    browser.wait_until(FRAME_SHOWN, 20, "the window").await;
    let id = alice.take_next().await;
    let (status, body) = alice
        .call("POST", &format!("/api/agent/conversations/{id}/end"), None)
        .await;
    assert_eq!(status, 200, "{body}");
    browser
        .wait_until(
            &format!("!{FRAME_SHOWN} && {COLLAPSE_ENVELOPES} === 5"),
            10,
            "one chat_collapse_window for end_of_close",
        )
        .await;
    // Exactly one each: nothing more comes.
    grace_period(Duration::from_millis(500)).await;
    assert_eq!(count().await, 5);
    browser.close().await;
}

/// With the site's own buttons (`custom`), the unread count is on them:
/// `data-unread` and the class `parley-unread`, gone once the chat is opened.
#[tokio::test]
async fn custom_buttons_carry_the_unread_count() {
    let (shop, server) = start().await;
    shop.put(
        "/",
        &shop_page(
            &server,
            r#"x.className = "zhiCustomBtn";"#,
            r#"zc("config", { custom: true, locale: "en", type: 2, groupid: "sales" });
      zc("receive_message", function (m) { window.seen.messages.push(m); });"#,
        )
        .replace(
            r#"<div id="root"></div>"#,
            r#"<button class="zhiCustomBtn" id="ask">Ask us</button>"#,
        ),
    );
    let alice = Agent::login(&server, "alice", "alice-demo").await;
    let browser = Browser::start(Viewport::Desktop).await;
    open(&browser, &shop, "/").await;
    browser.click("#ask").await;
    browser.wait_until(FRAME_SHOWN, 20, "the chat").await;
    let id = alice.take_next().await;
    browser.eval("(zc('collapse'), 0)").await;
    browser
        .wait_until(&format!("!{FRAME_SHOWN}"), 10, "the fold")
        .await;
    alice.reply(&id, "custom-1", "We have green tea.").await;
    browser
        .wait_until(
            "document.getElementById('ask').getAttribute('data-unread') === '1'",
            20,
            "the count on the site's button",
        )
        .await;
    assert_eq!(
        browser
            .eval("[document.querySelectorAll('.zhiCustomBtn[data-unread]').length, document.getElementById('ask').classList.contains('parley-unread'), !!document.getElementById('zhichiScript').getAttribute('data-unread')]")
            .await,
        serde_json::json!([1, true, false]),
        "the site's button only, not the script tag of the same class"
    );
    browser.click("#ask").await;
    browser
        .wait_until(
            "!document.getElementById('ask').hasAttribute('data-unread') && !document.getElementById('ask').classList.contains('parley-unread')",
            10,
            "the count to clear on open",
        )
        .await;
    browser.close().await;
}
