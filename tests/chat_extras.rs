//! Component tests of the chat's newer parts in headless Chromium: the file card (name,
//! size, a same-origin download link, never markup), the screenshot preview (nothing is
//! sent before "Send"; Escape cancels) and the composer's screenshot tool (only where
//! offered). Run with
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p parley-client --features bundled-locales --target wasm32-unknown-unknown --test chat_extras`.
#![cfg(target_arch = "wasm32")]

use std::sync::{Arc, Mutex};

use leptos::prelude::*;
use parley_client::components::composer::Composer;
use parley_client::components::file_card::FileCard;
use parley_client::components::screenshot::ScreenshotPreview;
use parley_protocol::api::FileRef;
use parley_protocol::Locale;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod support;

use support::{mount, sleep};

wasm_bindgen_test_configure!(run_in_browser);

fn one(host: &web_sys::HtmlElement, css: &str) -> web_sys::HtmlElement {
    host.query_selector(css)
        .unwrap()
        .unwrap_or_else(|| panic!("{css} missing: {}", host.inner_html()))
        .unchecked_into()
}

#[wasm_bindgen_test]
async fn a_file_card_names_the_file_and_downloads_it() {
    let file = FileRef {
        id: "0123abcd".into(),
        name: "<img src=x onerror=alert(1)>.pdf".into(),
        content_type: "application/pdf".into(),
        size: 2_500,
    };
    let host = mount(move || view! { <FileCard file locale=Locale::En /> });
    sleep(10).await;
    let link = one(&host, "a.file-card");
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("/api/files/0123abcd")
    );
    assert_eq!(
        link.get_attribute("download").as_deref(),
        Some("<img src=x onerror=alert(1)>.pdf")
    );
    assert_eq!(
        one(&host, ".file-name").text_content().unwrap(),
        "<img src=x onerror=alert(1)>.pdf",
        "the name is text"
    );
    assert!(
        host.query_selector("img").unwrap().is_none(),
        "never markup"
    );
    assert_eq!(one(&host, ".file-size").text_content().unwrap(), "2.4 KB");
    assert_eq!(
        link.get_attribute("aria-label").as_deref(),
        Some("Download <img src=x onerror=alert(1)>.pdf (2.4 KB)")
    );
    // An id that is not the server's plain token gives no link at all.
    let odd = FileRef {
        id: "../agent/me".into(),
        name: "x.pdf".into(),
        content_type: "application/pdf".into(),
        size: 1,
    };
    let host = mount(move || view! { <FileCard file=odd locale=Locale::Zh /> });
    sleep(10).await;
    assert!(host.query_selector("a").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn the_screenshot_is_sent_only_after_send_and_escape_cancels() {
    let log = Arc::new(Mutex::new(Vec::<&'static str>::new()));
    let (sent, cancelled) = (Arc::clone(&log), Arc::clone(&log));
    let host = mount(move || {
        view! {
            <ScreenshotPreview url="data:image/png;base64,iVBORw0KGgo=".to_owned() locale=Locale::En
                on_send=Callback::new(move |()| sent.lock().unwrap().push("send"))
                on_cancel=Callback::new(move |()| cancelled.lock().unwrap().push("cancel")) />
        }
    });
    sleep(20).await;
    let dialog = one(&host, "[role=dialog]");
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    assert_eq!(
        one(&host, "h2").text_content().unwrap(),
        "Send this screenshot?"
    );
    assert_eq!(
        one(&host, "img").get_attribute("alt").as_deref(),
        Some("The screenshot to send")
    );
    assert!(
        log.lock().unwrap().is_empty(),
        "nothing sent before a choice"
    );
    let active = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .active_element()
        .unwrap();
    assert!(
        active.class_list().contains("shot-send"),
        "Send has the focus"
    );
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    let e = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    one(&host, ".shot-send").dispatch_event(&e).unwrap();
    one(&host, ".shot-send").click();
    assert_eq!(*log.lock().unwrap(), ["cancel", "send"]);
}

#[wasm_bindgen_test]
async fn the_screenshot_tool_shows_only_where_offered() {
    let composer = |screenshot: bool| {
        mount(move || {
            view! {
                <Composer locale=Locale::En on_send=Callback::new(|_| {}) on_typing=Callback::new(|_| {})
                    show_emoji=Signal::derive(|| false) leave_href=None on_leave=None
                    on_image=Some(Callback::new(|_| {})) show_image=Signal::derive(|| true)
                    on_screenshot=screenshot.then(|| Callback::new(|_: web_sys::File| {})) />
            }
        })
    };
    let with = composer(true);
    let without = composer(false);
    sleep(20).await;
    let button = one(&with, "button.screenshot");
    assert_eq!(
        button.get_attribute("aria-label").as_deref(),
        Some("Take a screenshot")
    );
    assert!(without
        .query_selector("button.screenshot")
        .unwrap()
        .is_none());
    assert!(without.query_selector("button.attach").unwrap().is_some());
}
