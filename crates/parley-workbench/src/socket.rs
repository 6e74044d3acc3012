//! `use_agent_socket`: the agent's WebSocket (`/ws/agent?ticket=…`), kept open.
//!
//! Every (re)connect first trades the session token for a one-time ticket
//! (`POST /api/ws/ticket`), so the token never appears in a URL. A lost connection is
//! retried with exponential backoff and jitter ([`backoff_ms`]), at once when the
//! browser is back online. Each open calls `on_open`, where the app re-reads its lists
//! and re-sends its outbox: events missed while the socket was down are not replayed
//! to agents, so the lists come from the store again. A refused session (401) calls
//! `on_expired`.

use std::rc::Rc;
use std::time::Duration;

use leptos::leptos_dom::helpers::TimeoutHandle;
use leptos::prelude::*;
use parley_protocol::ws::{ClientEvent, ServerEvent, CLOSE_UNAUTHORIZED};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

/// Where the connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketStatus {
    Connecting,
    Open,
    /// Lost; retrying after a delay.
    Waiting,
}

/// What [`use_agent_socket`] needs.
pub struct UseAgentSocketOptions {
    pub token: String,
    pub on_event: Callback<ServerEvent>,
    pub on_open: Callback<()>,
    pub on_expired: Callback<()>,
}

/// What [`use_agent_socket`] gives back.
pub struct UseAgentSocketReturn {
    pub status: Signal<SocketStatus>,
    /// Sends an event; false when the socket is not open.
    pub send: Callback<ClientEvent, bool>,
}

/// The delay before retry `attempt` (0-based): 0.5 s doubling to 10 s, times 0.75–1.25.
pub fn backoff_ms(attempt: u32, jitter: f64) -> u32 {
    let base = 500u32.saturating_mul(1u32 << attempt.min(10)).min(10_000);
    (f64::from(base) * (0.75 + 0.5 * jitter.clamp(0.0, 1.0))) as u32
}

/// The socket URL for a page at `protocol` and `host`.
pub fn socket_url(protocol: &str, host: &str, ticket: &str) -> String {
    let scheme = if protocol == "https:" { "wss" } else { "ws" };
    format!(
        "{scheme}://{host}/ws/agent?ticket={}",
        parley_protocol::params::encode_component(ticket)
    )
}

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

/// Opens the agent socket and keeps it open; see the module documentation.
pub fn use_agent_socket(options: UseAgentSocketOptions) -> UseAgentSocketReturn {
    let UseAgentSocketOptions {
        token,
        on_event,
        on_open,
        on_expired,
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
        status.try_set(SocketStatus::Waiting);
        let delay = backoff_ms(n, js_sys::Math::random());
        let handle =
            set_timeout_with_handle(run_connect, Duration::from_millis(u64::from(delay))).ok();
        timer.try_set_value(handle);
    };
    let open_with = move |ticket: String| {
        let location = window().location();
        let url = socket_url(
            &location.protocol().unwrap_or_default(),
            &location.host().unwrap_or_default(),
            &ticket,
        );
        let Ok(ws) = WebSocket::new(&url) else {
            schedule();
            return;
        };
        let open_cb = Closure::<dyn FnMut()>::new(move || {
            attempt.set_value(0);
            status.set(SocketStatus::Open);
            on_open.run(());
        });
        let message_cb = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let Some(text) = e.data().as_string() else {
                return;
            };
            match serde_json::from_str::<ServerEvent>(&text) {
                Ok(event) => on_event.run(event),
                Err(err) => leptos::logging::warn!("parley: unreadable event: {err}"),
            }
        });
        let close_cb = Closure::<dyn FnMut(CloseEvent)>::new(move |e: CloseEvent| {
            if e.code() == CLOSE_UNAUTHORIZED {
                on_expired.run(());
            } else {
                schedule();
            }
        });
        ws.set_onopen(Some(open_cb.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(message_cb.as_ref().unchecked_ref()));
        ws.set_onclose(Some(close_cb.as_ref().unchecked_ref()));
        conn.try_set_value(Some(Conn {
            ws,
            _open: open_cb,
            _message: message_cb,
            _close: close_cb,
        }));
    };
    let generation = StoredValue::new(0u64);
    let connect: Rc<dyn Fn()> = Rc::new(move || {
        if let Some(Some(h)) = timer.try_update_value(|t| t.take()) {
            h.clear();
        }
        conn.try_set_value(None);
        status.try_set(SocketStatus::Connecting);
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
                Err(e) if e.is_expired() => on_expired.run(()),
                Err(_) => schedule(),
            }
        });
    });
    connect_fn.set_value(Some(Rc::clone(&connect)));
    connect();
    let online = window_event_listener(leptos::ev::online, move |_| {
        if status.get_untracked() != SocketStatus::Open {
            run_connect();
        }
    });
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
    UseAgentSocketReturn {
        status: status.into(),
        send,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_a_cap() {
        assert_eq!(backoff_ms(0, 0.5), 500);
        assert_eq!(backoff_ms(2, 0.5), 2000);
        assert_eq!(backoff_ms(40, 0.5), 10_000);
        assert_eq!(backoff_ms(0, 0.0), 375);
    }

    #[test]
    fn socket_url_follows_the_scheme_and_encodes_the_ticket() {
        assert_eq!(
            socket_url("https:", "x.example", "a&b"),
            "wss://x.example/ws/agent?ticket=a%26b"
        );
        assert!(socket_url("http:", "127.0.0.1:1", "t").starts_with("ws://"));
    }
}
