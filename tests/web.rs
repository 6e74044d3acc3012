//! Component tests in headless Chromium (`cargo xtask test` runs them through
//! wasm-bindgen-test-runner and chromedriver).
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use parley_client::AppAt;
use wasm_bindgen_test::*;

mod support;

use support::wait_for;

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the whole app for `path` and `query`.
fn mount(path: &str, query: &str) -> web_sys::HtmlElement {
    let (path, query) = (path.to_owned(), query.to_owned());
    support::mount(move || view! { <AppAt path=path query=query /> })
}

#[wasm_bindgen_test]
fn unknown_path_shows_a_localized_not_found() {
    let host = mount("/nowhere", "?locale=en");
    let text = host.text_content().unwrap_or_default();
    assert!(text.contains("Page not found"), "{text}");
    let host = mount("/nowhere", "?locale=fr");
    let text = host.text_content().unwrap_or_default();
    assert!(text.contains("Page introuvable"), "{text}");
}

#[wasm_bindgen_test]
async fn chat_page_without_a_server_says_so_in_the_link_language() {
    // The test runner's own web server has no Parley API, so init fails: the page must
    // say so in the link's language, not stay blank or show English.
    let host = mount("/chat/pc/v2/index.html", "?sysnum=demo&locale=ja");
    assert!(host.query_selector(".chat-pc").unwrap().is_some());
    let text = wait_for(&host, "[role=alert]").await;
    assert!(text.contains("サーバーに接続できません"), "{text}");
}

/// A long, real link: the spec's order-card link, a product card with encodeURIComponent'ed
/// URLs, a transfer_action chain, CRM fields, and four bad parameters.
const LONG_QUERY: &str = "?sysnum=demo&locale=en&debug=1\
&order_status=1&create_time=1586414406391&order_code=121212&order_url=http://sg.sobot.io\
&goods_count=2&total_fee=1000\
&goods=[{\"name\":\"saaadad\",\"pictureUrl\":\"https://img.sobot.io/console/common/face/admin.png\"}]\
&card_title=Sobot&card_url=http%253A%252F%252Fsg.sobot.io&card_note=%E2%82%AC1500\
&transfer_action=%5B%7B%22actionType%22%3A%22to_group%22%2C%22optionId%22%3A%223%22%2C%22deciId%22%3A%22g1%22%2C%22spillId%22%3A%224%22%7D%5D\
&uname=%E5%B0%8F%E6%98%8E&is_vip=1&vip_level=gold\
&color=%2304babc&type=9&time=5&no_such_param=1";

#[wasm_bindgen_test]
fn the_context_signal_holds_the_parsed_link() {
    use parley_protocol::params::{OrderStatus, ReceptionType};
    let owner = Owner::new();
    owner.with(|| {
        parley_client::params_ctx::provide_params(LONG_QUERY);
        let params = parley_client::params_ctx::use_params();
        params.with_untracked(|p| {
            let v = &p.value;
            assert_eq!(v.sysnum.as_deref(), Some("demo"));
            assert_eq!(v.order_card.order_status, Some(OrderStatus::ToBePaid));
            assert_eq!(v.order_card.total_fee, Some(1000));
            assert_eq!(
                v.order_card.goods.as_ref().map(|g| g[0].name.clone()),
                Some(Some("saaadad".into()))
            );
            assert_eq!(
                v.product_card.card_url.as_ref().and_then(|l| l.openable()),
                Some("http://sg.sobot.io")
            );
            assert_eq!(v.product_card.card_note.as_deref(), Some("€1500"));
            assert_eq!(v.identity.uname.as_deref(), Some("小明"));
            assert_eq!(
                v.reception.transfer_action.as_ref().map(|a| a.len()),
                Some(1)
            );
            // Dropped: color with '#', type 9, time below 10; kept aside: the unknown one.
            assert_eq!(v.ui.color, None);
            assert_eq!(v.reception.reception_type, None::<ReceptionType>);
            assert_eq!(v.ui.time, None);
            let rejected: Vec<&str> = p.issues.iter().map(|i| i.param.as_str()).collect();
            for name in ["color", "type", "time", "no_such_param"] {
                assert!(
                    rejected.contains(&name),
                    "{name} not reported: {rejected:?}"
                );
            }
        });
    });
}

#[wasm_bindgen_test]
fn debug_panel_lists_every_rejected_parameter_with_its_reason() {
    let host = mount("/chat/pc/v2/index.html", LONG_QUERY);
    let panel = host
        .query_selector(".debug-panel")
        .unwrap()
        .expect("debug panel shown");
    let items = panel.query_selector_all(".debug-rejected li").unwrap();
    let texts: Vec<String> = (0..items.length())
        .map(|i| items.item(i).unwrap().text_content().unwrap_or_default())
        .collect();
    for name in ["color", "type", "time", "no_such_param"] {
        assert!(
            texts
                .iter()
                .any(|t| t.starts_with(name) && t.len() > name.len() + 3),
            "{name}: {texts:?}"
        );
    }
    let heading = panel.text_content().unwrap_or_default();
    assert!(
        heading.contains(&format!("Rejected parameters ({})", texts.len())),
        "{heading}"
    );
    let parsed = panel
        .query_selector(".debug-parsed")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert!(
        parsed.contains("saaadad") && parsed.contains("小明"),
        "{parsed}"
    );
    // Without debug=1 there is no panel.
    let plain = mount("/chat/pc/v2/index.html", "?sysnum=demo&locale=en&color=zz");
    assert!(plain.query_selector(".debug-panel").unwrap().is_none());
}

#[wasm_bindgen_test]
fn the_visual_viewport_hook_follows_resizes_and_leaves_with_its_owner() {
    use parley_client::hooks::use_visual_viewport::{
        use_visual_viewport, UseVisualViewportOptions,
    };
    use std::sync::atomic::{AtomicUsize, Ordering};
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let window = web_sys::window().unwrap();
    let Some(viewport) = window.visual_viewport() else {
        return;
    };
    let resize = || {
        viewport
            .dispatch_event(&web_sys::Event::new("resize").unwrap())
            .unwrap();
    };
    let owner = Owner::new();
    let (on, off) = owner.with(|| {
        let on = use_visual_viewport(UseVisualViewportOptions { enabled: true }).height;
        let off = use_visual_viewport(UseVisualViewportOptions { enabled: false }).height;
        (on, off)
    });
    assert_eq!(on.get_untracked(), None, "nothing is set before a change");
    resize();
    assert_eq!(on.get_untracked(), Some(viewport.height()));
    assert_eq!(off.get_untracked(), None, "a disabled hook does not listen");

    // A listener left behind after cleanup would call a freed closure; the browser
    // reports what a listener throws as an `error` event on the window.
    static ERRORS: AtomicUsize = AtomicUsize::new(0);
    let count = Closure::<dyn Fn()>::new(|| {
        ERRORS.fetch_add(1, Ordering::SeqCst);
    });
    window
        .add_event_listener_with_callback("error", count.as_ref().unchecked_ref())
        .unwrap();
    owner.cleanup();
    resize();
    window
        .remove_event_listener_with_callback("error", count.as_ref().unchecked_ref())
        .unwrap();
    assert_eq!(
        ERRORS.load(Ordering::SeqCst),
        0,
        "a listener outlived its owner"
    );
}
