//! The new-message alert in headless Chromium: while the tab is hidden an agent's
//! message plays a tone and the tab's title alternates with "New messages: n"; the
//! visible tab gets neither; becoming visible settles the title; the tenant's
//! `new_message_alert = false` turns it all off. `document.hidden` is stubbed (a
//! headless tab is always visible); tones are counted at `createOscillator`. Run with
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p parley-client --features bundled-locales --target wasm32-unknown-unknown --test unread_alert`.
#![cfg(target_arch = "wasm32")]

use std::sync::{Arc, Mutex};

use leptos::prelude::*;
use parley_client::hooks::use_unread_alert::{use_unread_alert, UseUnreadAlertOptions};
use parley_protocol::Locale;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

mod support;

use support::{mount, sleep, wait_until};

wasm_bindgen_test_configure!(run_in_browser);

fn js(code: &str) -> JsValue {
    js_sys::eval(code).unwrap()
}

fn stub_browser() {
    js("window.__tones = 0; \
        if (!window.__stubbed) { window.__stubbed = true; \
          Object.defineProperty(document, 'hidden', { configurable: true, \
            get: () => window.__hidden === true }); \
          const make = AudioContext.prototype.createOscillator; \
          AudioContext.prototype.createOscillator = function () { \
            window.__tones += 1; return make.call(this); }; }");
}

fn set_hidden(hidden: bool) {
    js(&format!(
        "window.__hidden = {hidden}; document.dispatchEvent(new Event('visibilitychange'));"
    ));
}

fn tones() -> f64 {
    js("window.__tones").as_f64().unwrap()
}

/// Mounts the hook; returns what the tab's title would be and the arrival callback.
fn alert(enabled: bool) -> (Signal<String>, Callback<()>) {
    let out = Arc::new(Mutex::new(None));
    let slot = out.clone();
    mount(move || {
        let r = use_unread_alert(UseUnreadAlertOptions {
            enabled,
            title: Signal::derive(|| "Shop".to_owned()),
            locale: Locale::En,
        });
        *slot.lock().unwrap() = Some((r.title, r.arrived));
    });
    let pair = out.lock().unwrap().take().unwrap();
    pair
}

#[wasm_bindgen_test]
async fn a_hidden_tab_chimes_and_flashes_until_it_is_seen() {
    stub_browser();
    set_hidden(false);
    let (title, arrived) = alert(true);
    // Visible: nothing to alert.
    arrived.run(());
    sleep(50).await;
    assert_eq!(title.get_untracked(), "Shop");
    assert_eq!(tones(), 0.0);

    set_hidden(true);
    arrived.run(());
    assert_eq!(title.get_untracked(), "New messages: 1");
    assert_eq!(tones(), 1.0);
    wait_until("the title to flash back", || {
        title.get_untracked() == "Shop"
    })
    .await;
    wait_until("the count again", || {
        title.get_untracked() == "New messages: 1"
    })
    .await;
    arrived.run(());
    assert_eq!(title.get_untracked(), "New messages: 2");
    assert_eq!(tones(), 2.0);

    // Seen: the title settles and stays.
    set_hidden(false);
    assert_eq!(title.get_untracked(), "Shop");
    sleep(1_200).await;
    assert_eq!(title.get_untracked(), "Shop");
}

#[wasm_bindgen_test]
async fn the_tenant_can_turn_the_alert_off() {
    stub_browser();
    set_hidden(true);
    let (title, arrived) = alert(false);
    arrived.run(());
    sleep(1_100).await;
    assert_eq!(title.get_untracked(), "Shop");
    assert_eq!(tones(), 0.0);
    set_hidden(false);
}
