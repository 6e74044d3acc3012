//! `use_chat_socket`: the visitor's WebSocket (`/ws/visitor?ticket=…&last_seq=N`), kept
//! open across network trouble.
//!
//! Every (re)connect first trades the session token for a one-time ticket
//! (`POST /api/ws/ticket`, the token in a header), so the token never appears in a URL,
//! then asks for the messages after the last sequence the page holds, so the server
//! replays what was missed (exactly once, in order; see
//! `crates/parley-server/src/routes/ws.rs`). A lost connection is retried with an
//! exponential backoff with jitter ([`backoff_ms`]), at once when the browser reports
//! it is back online, or when the visitor asks. A refused session (the ticket request
//! answers 401, or the socket closes with 4001) stops retrying.

use std::rc::Rc;
use std::time::Duration;

use leptos::leptos_dom::helpers::TimeoutHandle;
use leptos::prelude::*;
use parley_protocol::api::ErrorCode;
use parley_protocol::params::encode_component;
use parley_protocol::ws::{ClientEvent, VisitorEvent, CLOSE_UNAUTHORIZED};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

/// Where the connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketStatus {
    /// Opening (the first time or a retry).
    Connecting,
    /// Open: events flow.
    Open,
    /// Lost; the next attempt starts after `retry_in_ms`.
    Waiting {
        /// How many attempts failed in a row.
        attempt: u32,
        /// The delay before the next attempt.
        retry_in_ms: u32,
    },
    /// The server refused the session (401, or close code 4001); retrying would not
    /// help.
    Refused,
}

/// What [`use_chat_socket`] needs.
pub struct UseChatSocketOptions {
    /// The session token from init.
    pub token: String,
    /// The last sequence number the page holds; read (untracked) at every connect so a
    /// reconnect resumes exactly after it.
    pub last_seq: Signal<i64>,
    /// Called with every event the server sends.
    pub on_event: Callback<VisitorEvent>,
    /// Called each time the socket opens (the page re-sends its outbox then).
    pub on_open: Callback<()>,
}

/// What [`use_chat_socket`] gives back.
pub struct UseChatSocketReturn {
    /// The connection state, for the reconnect banner and the composer.
    pub status: Signal<SocketStatus>,
    /// Sends an event; returns false when the socket is not open (nothing was sent).
    pub send: Callback<ClientEvent, bool>,
    /// Drops any wait and connects now.
    pub reconnect_now: Callback<()>,
}

/// The first retry delay.
pub const BACKOFF_BASE_MS: u32 = 500;
/// The longest retry delay before jitter.
pub const BACKOFF_MAX_MS: u32 = 10_000;

/// The delay before retry number `attempt` (0-based): doubling from
/// [`BACKOFF_BASE_MS`] up to [`BACKOFF_MAX_MS`], scaled by 0.75–1.25 with `jitter` in
/// 0..1 so that many visitors cut off together do not all come back in the same
/// instant.
pub fn backoff_ms(attempt: u32, jitter: f64) -> u32 {
    let base = BACKOFF_BASE_MS
        .saturating_mul(1u32 << attempt.min(10))
        .min(BACKOFF_MAX_MS);
    (f64::from(base) * (0.75 + 0.5 * jitter.clamp(0.0, 1.0))) as u32
}

/// The socket URL for a page served at `protocol` (`http:`/`https:`) and `host`, with
/// a one-time `ticket`.
pub fn socket_url(protocol: &str, host: &str, ticket: &str, last_seq: i64) -> String {
    let scheme = if protocol == "https:" { "wss" } else { "ws" };
    format!(
        "{scheme}://{host}/ws/visitor?ticket={}&last_seq={last_seq}",
        encode_component(ticket)
    )
}

/// One open socket and its handlers; dropping it detaches the handlers first, so a
/// replaced socket's late close event cannot schedule a second reconnect.
struct Conn {
    ws: WebSocket,
    _open: Closure<dyn FnMut()>,
    _message: Closure<dyn FnMut(MessageEvent)>,
    _close: Closure<dyn FnMut(CloseEvent)>,
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}

/// Opens the visitor socket and keeps it open; see the module documentation.
pub fn use_chat_socket(options: UseChatSocketOptions) -> UseChatSocketReturn {
    let UseChatSocketOptions {
        token,
        last_seq,
        on_event,
        on_open,
    } = options;
    let status = RwSignal::new(SocketStatus::Connecting);
    let conn = StoredValue::new_local(None::<Conn>);
    let timer = StoredValue::new_local(None::<TimeoutHandle>);
    let attempt = StoredValue::new(0u32);
    let connect_fn = StoredValue::new_local(None::<Rc<dyn Fn()>>);

    let run_connect = move || {
        if let Some(f) = connect_fn.try_with_value(|f| f.clone()).flatten() {
            f();
        }
    };
    let schedule = move || {
        let n = attempt.get_value();
        attempt.set_value(n.saturating_add(1));
        let delay = backoff_ms(n, js_sys::Math::random());
        status.set(SocketStatus::Waiting {
            attempt: n + 1,
            retry_in_ms: delay,
        });
        let handle =
            set_timeout_with_handle(run_connect, Duration::from_millis(u64::from(delay))).ok();
        timer.set_value(handle);
    };

    // Opens the socket with a ticket bought just now.
    let open_with = move |ticket: String| {
        let location = window().location();
        let url = socket_url(
            &location.protocol().unwrap_or_default(),
            &location.host().unwrap_or_default(),
            &ticket,
            last_seq.get_untracked(),
        );
        let Ok(ws) = WebSocket::new(&url) else {
            schedule();
            return;
        };
        let on_open_cb = Closure::<dyn FnMut()>::new(move || {
            attempt.set_value(0);
            status.set(SocketStatus::Open);
            on_open.run(());
        });
        let on_message_cb = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let Some(text) = e.data().as_string() else {
                return;
            };
            match serde_json::from_str::<VisitorEvent>(&text) {
                Ok(event) => on_event.run(event),
                Err(err) => leptos::logging::warn!("parley: unreadable event: {err}"),
            }
        });
        let on_close_cb = Closure::<dyn FnMut(CloseEvent)>::new(move |e: CloseEvent| {
            if e.code() == CLOSE_UNAUTHORIZED {
                status.set(SocketStatus::Refused);
            } else {
                schedule();
            }
        });
        ws.set_onopen(Some(on_open_cb.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message_cb.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close_cb.as_ref().unchecked_ref()));
        conn.try_set_value(Some(Conn {
            ws,
            _open: on_open_cb,
            _message: on_message_cb,
            _close: on_close_cb,
        }));
    };

    // Each attempt counts, so a stale answer to an earlier ticket request (the visitor
    // pressed "reconnect" meanwhile) opens nothing.
    let generation = StoredValue::new(0u64);
    let connect: Rc<dyn Fn()> = Rc::new(move || {
        if let Some(Some(h)) = timer.try_update_value(|t| t.take()) {
            h.clear();
        }
        conn.set_value(None);
        status.set(SocketStatus::Connecting);
        let this = generation.get_value().wrapping_add(1);
        generation.set_value(this);
        let token = token.clone();
        leptos::task::spawn_local(async move {
            let ticket = crate::api::ws_ticket(&token).await;
            if generation.try_get_value() != Some(this) {
                return;
            }
            match ticket {
                Ok(t) => open_with(t.ticket),
                Err(e) if e.code() == Some(ErrorCode::Unauthorized) => {
                    status.try_set(SocketStatus::Refused);
                }
                Err(_) => schedule(),
            }
        });
    });
    connect_fn.set_value(Some(Rc::clone(&connect)));
    connect();

    let reconnect_now = Callback::new(move |()| {
        if status.get_untracked() != SocketStatus::Open {
            run_connect();
        }
    });
    // The browser knows before any timer when the network is back.
    let online = window_event_listener(leptos::ev::online, move |_| reconnect_now.run(()));
    on_cleanup(move || {
        online.remove();
        if let Some(Some(h)) = timer.try_update_value(|t| t.take()) {
            h.clear();
        }
        conn.try_set_value(None);
        connect_fn.try_set_value(None);
    });

    let send = Callback::new(move |event: ClientEvent| {
        conn.try_with_value(|c| match c {
            Some(c) if c.ws.ready_state() == WebSocket::OPEN => serde_json::to_string(&event)
                .ok()
                .is_some_and(|text| c.ws.send_with_str(&text).is_ok()),
            _ => false,
        })
        .unwrap_or(false)
    });

    UseChatSocketReturn {
        status: status.into(),
        send,
        reconnect_now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_bounded_jitter() {
        assert_eq!(backoff_ms(0, 0.5), 500);
        assert_eq!(backoff_ms(1, 0.5), 1000);
        assert_eq!(backoff_ms(3, 0.5), 4000);
        assert_eq!(backoff_ms(30, 0.5), BACKOFF_MAX_MS);
        assert_eq!(backoff_ms(0, 0.0), 375);
        assert_eq!(backoff_ms(0, 1.0), 625);
        assert_eq!(backoff_ms(u32::MAX, 7.0), 12_500);
    }

    #[test]
    fn socket_url_follows_the_page_scheme_and_encodes_the_ticket() {
        assert_eq!(
            socket_url("https:", "chat.example", "a b&c", 7),
            "wss://chat.example/ws/visitor?ticket=a%20b%26c&last_seq=7"
        );
        assert!(socket_url("http:", "127.0.0.1:8080", "t", 0).starts_with("ws://127.0.0.1:8080/"));
    }
}
