//! Component tests in headless Chromium (`cargo xtask test` runs them through
//! wasm-bindgen-test-runner and chromedriver).
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use parley_client::AppAt;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn mount(path: &str, query: &str) -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let (path, query) = (path.to_owned(), query.to_owned());
    let handle = leptos::mount::mount_to(
        host.clone(),
        move || view! { <AppAt path=path query=query /> },
    );
    handle.forget();
    host
}

use wasm_bindgen::JsCast;

#[wasm_bindgen_test]
fn unknown_path_shows_a_localized_not_found() {
    let host = mount("/nowhere", "?locale=en");
    let text = host.text_content().unwrap_or_default();
    assert!(text.contains("Page not found"), "{text}");
    let host = mount("/nowhere", "?locale=fr");
    let text = host.text_content().unwrap_or_default();
    assert!(text.contains("Page introuvable"), "{text}");
}

/// Resolves after `ms` milliseconds, letting effects and fetches run.
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Polls (up to 5 s) until `css` matches inside `host`, and returns its text.
async fn wait_for(host: &web_sys::HtmlElement, css: &str) -> String {
    for _ in 0..250 {
        if let Some(el) = host.query_selector(css).unwrap() {
            return el.text_content().unwrap_or_default();
        }
        sleep(20).await;
    }
    panic!("{css} never appeared; page text: {:?}", host.text_content());
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
