//! Helpers shared by the wasm-bindgen component tests (each `tests/*.rs` is its own
//! crate and includes this module; not every one uses every helper).
#![allow(dead_code)]

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A fresh `<div>` appended to the test page.
pub fn host() -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    host
}

/// Mounts `f` in a fresh [`host`] for the rest of the test run.
pub fn mount<V: IntoView + 'static>(f: impl FnOnce() -> V + 'static) -> web_sys::HtmlElement {
    let host = host();
    leptos::mount::mount_to(host.clone(), f).forget();
    host
}

/// Resolves after `ms` milliseconds, letting effects and fetches run.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Polls (up to 5 s) until `done` holds.
pub async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..250 {
        if done() {
            return;
        }
        sleep(20).await;
    }
    panic!("timed out waiting for {what}");
}

/// Polls (up to 5 s) until `css` matches inside `host`, and returns its text.
pub async fn wait_for(host: &web_sys::HtmlElement, css: &str) -> String {
    for _ in 0..250 {
        if let Some(el) = host.query_selector(css).unwrap() {
            return el.text_content().unwrap_or_default();
        }
        sleep(20).await;
    }
    panic!("{css} never appeared; page text: {:?}", host.text_content());
}

/// Polls (up to 5 s) until `css` has non-blank text inside `host`; returns it.
pub async fn wait_text(host: &web_sys::HtmlElement, css: &str) -> String {
    for _ in 0..250 {
        if let Some(e) = host.query_selector(css).unwrap() {
            let t = e.text_content().unwrap_or_default();
            if !t.trim().is_empty() {
                return t;
            }
        }
        sleep(20).await;
    }
    panic!("{css} stayed empty: {:?}", host.text_content());
}
