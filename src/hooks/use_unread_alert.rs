//! `use_unread_alert`: a short sound and a flashing tab title when an agent writes while
//! the chat's tab is hidden (`document.hidden`), until the tab is visible again.
//!
//! The sound is made with the Web Audio API (a 0.3 s tone, no audio file); a browser
//! that has not let the page play audio yet (no gesture) stays silent, the title still
//! flashes. The `visibilitychange` listener, the ticking interval and the audio context
//! go on cleanup. The rules are [`UnreadAlert`]'s (host-tested).

use std::time::Duration;

use leptos::prelude::*;
use parley_protocol::Locale;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::i18n::t_args;
use crate::model::unread::UnreadAlert;

/// What [`use_unread_alert`] needs.
pub struct UseUnreadAlertOptions {
    /// The tenant's `new_message_alert`; off: no sound, no flashing, no listener.
    pub enabled: bool,
    /// The tab's title when nothing is unread.
    pub title: Signal<String>,
    /// The UI language ("New messages: n").
    pub locale: Locale,
}

/// What [`use_unread_alert`] gives back.
pub struct UseUnreadAlertReturn {
    /// The tab's title now (the document follows it).
    pub title: Signal<String>,
    /// An agent's message arrived.
    pub arrived: Callback<()>,
}

const VISIBILITY: &str = "visibilitychange";

/// See the module documentation.
pub fn use_unread_alert(options: UseUnreadAlertOptions) -> UseUnreadAlertReturn {
    let UseUnreadAlertOptions {
        enabled,
        title,
        locale,
    } = options;
    let alert = RwSignal::new(UnreadAlert::default());
    let shown = Signal::derive(move || {
        let a = alert.get();
        title.with(|t| {
            a.title(t, |n| {
                t_args(locale, "chat-title-unread", &[("count", &n.to_string())])
            })
        })
    });
    if !enabled {
        return UseUnreadAlertReturn {
            title: shown,
            arrived: Callback::new(|()| {}),
        };
    }
    let ticker = StoredValue::new(None::<IntervalHandle>);
    let stop = move || {
        if let Some(Some(h)) = ticker.try_update_value(Option::take) {
            h.clear();
        }
    };
    let on_visibility = Closure::<dyn Fn()>::new(move || {
        if !document().hidden() {
            alert.set(UnreadAlert::default());
            stop();
        }
    });
    let doc = document();
    let _ =
        doc.add_event_listener_with_callback(VISIBILITY, on_visibility.as_ref().unchecked_ref());
    let listener = StoredValue::new_local(Some(on_visibility));
    let audio = StoredValue::new_local(None::<web_sys::AudioContext>);
    on_cleanup(move || {
        stop();
        if let Some(Some(handler)) = listener.try_update_value(Option::take) {
            let _ = document()
                .remove_event_listener_with_callback(VISIBILITY, handler.as_ref().unchecked_ref());
        }
        if let Some(Some(ctx)) = audio.try_update_value(Option::take) {
            let _ = ctx.close();
        }
    });
    let arrived = Callback::new(move |()| {
        let hidden = document().hidden();
        if !alert.try_update(|a| a.arrived(hidden)).unwrap_or(false) {
            return;
        }
        audio.update_value(beep);
        if ticker.with_value(Option::is_none) {
            let handle = set_interval_with_handle(
                move || {
                    alert.update(UnreadAlert::tick);
                },
                Duration::from_millis(1000),
            )
            .ok();
            ticker.set_value(handle);
        }
    });
    UseUnreadAlertReturn {
        title: shown,
        arrived,
    }
}

/// A short two-tone chime: sine at 880 Hz then 660 Hz, fading out over 0.3 s.
fn beep(ctx: &mut Option<web_sys::AudioContext>) {
    if ctx.is_none() {
        *ctx = web_sys::AudioContext::new().ok();
    }
    let Some(ctx) = ctx.as_ref() else {
        return;
    };
    let _ = ctx.resume();
    let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else {
        return;
    };
    let now = ctx.current_time();
    let _ = osc.frequency().set_value_at_time(880.0, now);
    let _ = osc.frequency().set_value_at_time(660.0, now + 0.12);
    let _ = gain.gain().set_value_at_time(0.12, now);
    let _ = gain
        .gain()
        .exponential_ramp_to_value_at_time(0.001, now + 0.3);
    let _ = osc.connect_with_audio_node(&gain);
    let _ = gain.connect_with_audio_node(&ctx.destination());
    let _ = osc.start_with_when(now);
    let _ = osc.stop_with_when(now + 0.32);
}
