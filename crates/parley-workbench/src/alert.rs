//! Telling an agent whose tab is hidden that something happened: a count in the tab's
//! title, a short tone (Web Audio, no file), and a desktop notification when the agent
//! allowed them. Permission is asked only from a click ([`ask_permission`]), never on
//! load, as browsers require.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The page's title without a count.
pub const TITLE: &str = "Parley · Workbench";

/// The title for `n` unseen events.
pub fn title(n: u32) -> String {
    if n == 0 {
        TITLE.to_owned()
    } else {
        format!("({n}) {TITLE}")
    }
}

/// Whether the tab is hidden now.
pub fn hidden() -> bool {
    document().hidden()
}

/// A 0.25 s tone. A browser that has not let the page play audio stays silent.
pub fn beep() {
    let Ok(ctx) = web_sys::AudioContext::new() else {
        return;
    };
    let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else {
        return;
    };
    osc.frequency().set_value(880.0);
    gain.gain().set_value(0.08);
    let _ = osc.connect_with_audio_node(&gain);
    let _ = gain.connect_with_audio_node(&ctx.destination());
    let now = ctx.current_time();
    let _ = osc.start_with_when(now);
    let _ = osc.stop_with_when(now + 0.25);
}

/// Whether desktop notifications are allowed.
pub fn permitted() -> bool {
    web_sys::Notification::permission() == web_sys::NotificationPermission::Granted
}

/// Asks for permission to show notifications (call only from a click).
pub fn ask_permission(done: impl Fn(bool) + 'static) {
    let Ok(promise) = web_sys::Notification::request_permission() else {
        return;
    };
    leptos::task::spawn_local(async move {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        done(permitted());
    });
}

/// Shows a desktop notification, if allowed.
pub fn notify(title: &str, body: &str) {
    if !permitted() {
        return;
    }
    let options = web_sys::NotificationOptions::new();
    options.set_body(body);
    options.set_tag("parley-workbench");
    let _ = web_sys::Notification::new_with_options(title, &options);
}

/// Sets `document.title`.
pub fn set_title(text: &str) {
    document().set_title(text);
}

/// Calls `f` whenever the tab becomes visible again; the listener goes on cleanup.
pub fn on_visible(f: impl Fn() + 'static) {
    let cb = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
        if !hidden() {
            f();
        }
    });
    let doc = document();
    let _ = doc.add_event_listener_with_callback("visibilitychange", cb.as_ref().unchecked_ref());
    let cb = send_wrapper::SendWrapper::new(cb);
    on_cleanup(move || {
        let _ = document()
            .remove_event_listener_with_callback("visibilitychange", cb.as_ref().unchecked_ref());
    });
}
