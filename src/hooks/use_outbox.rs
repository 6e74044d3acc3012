//! `use_outbox`: the protocol that delivers the visitor's messages exactly once.
//!
//! A message the visitor writes goes into the outbox of the [`ChatLog`] (kept in local
//! storage per tenant and visitor, so it survives a reload or a network outage) and out
//! on the socket if it is open. The server's `ack` marks it sent (no longer kept); the
//! stored message itself (same `client_id`) removes it. Every new socket re-sends
//! everything unacknowledged, and the server stores a client id once, so a repeat is a
//! no-op. An `error` reply (in order with the sends) marks the oldest message in flight
//! failed, with Retry ([`InFlight`]).
//!
//! Storage may be unavailable (private mode, blocked third-party storage); the outbox
//! then lives in memory only.

use leptos::prelude::*;
use parley_protocol::ws::ClientEvent;

use crate::api;
use crate::model::chat_log::{ChatLog, OutboxEntry};
use crate::model::outbox::InFlight;
use crate::storage::local;

/// What [`use_outbox`] needs.
pub struct UseOutboxOptions {
    /// The tenant (`sysnum`); the outbox is kept per tenant and visitor.
    pub sysnum: String,
    /// The visitor's id from init.
    pub visitor_id: String,
    /// The conversation log whose outbox this hook drives, already holding the
    /// history (kept messages the history holds are not restored).
    pub log: RwSignal<ChatLog>,
    /// Sends an event on the socket; false when the socket is not open.
    pub send: Callback<ClientEvent, bool>,
}

/// What [`use_outbox`] gives back.
#[derive(Clone, Copy)]
pub struct UseOutboxReturn {
    /// Writes a new message: its text, and the FAQ id of a tapped suggestion.
    pub push: Callback<(String, Option<u64>)>,
    /// Sends a refused message again (by client id).
    pub retry: Callback<String>,
    /// Sends everything unacknowledged on a socket that just opened (the socket's
    /// `on_open`).
    pub resend: Callback<()>,
    /// The server's `ack`: the client id and the stored message's sequence number.
    pub ack: Callback<(String, i64)>,
    /// The server's `error` reply, with its message.
    pub refused: Callback<String>,
}

/// Drives the outbox of `log`; see the module documentation.
pub fn use_outbox(options: UseOutboxOptions) -> UseOutboxReturn {
    let UseOutboxOptions {
        sysnum,
        visitor_id,
        log,
        send,
    } = options;
    log.update(|l| l.restore_outbox(load(&sysnum, &visitor_id)));
    // Local storage follows the outbox.
    Effect::new(move |_| {
        let entries = log.with(ChatLog::to_persist);
        save(&sysnum, &visitor_id, &entries);
    });

    let in_flight = StoredValue::new(InFlight::default());
    let send_entry = move |e: &OutboxEntry| {
        let sent = send.run(ClientEvent::Send {
            conversation_id: None,
            client_id: e.client_id.clone(),
            text: e.text.clone(),
            faq_id: e.faq_id,
        });
        if sent {
            in_flight.update_value(|f| f.sent(&e.client_id));
        }
    };
    let resend = Callback::new(move |()| {
        in_flight.update_value(InFlight::reopened);
        for e in log.with_untracked(ChatLog::to_send) {
            send_entry(&e);
        }
    });
    let push = Callback::new(move |(text, faq_id): (String, Option<u64>)| {
        let entry = OutboxEntry {
            client_id: api::new_client_id("c"),
            text,
            faq_id,
            created_at: js_sys::Date::now() as i64,
            failed: None,
            acked: None,
        };
        log.update(|l| l.push_outgoing(entry.clone()));
        send_entry(&entry);
    });
    let retry = Callback::new(move |client_id: String| {
        if let Some(Some(e)) = log.try_update(|l| l.retry(&client_id)) {
            send_entry(&e);
        }
    });
    let ack = Callback::new(move |(client_id, seq): (String, i64)| {
        in_flight.update_value(|f| f.acked(&client_id));
        log.update(|l| l.ack(&client_id, seq));
    });
    let refused = Callback::new(move |message: String| {
        match in_flight.try_update_value(InFlight::refused).flatten() {
            Some(id) => log.update(|l| l.fail(&id, message)),
            None => leptos::logging::warn!("parley: server error event: {message}"),
        }
    });
    UseOutboxReturn {
        push,
        retry,
        resend,
        ack,
        refused,
    }
}

fn key(sysnum: &str, visitor_id: &str) -> String {
    format!("parley.outbox.{sysnum}.{visitor_id}")
}

/// The saved entries; an unreadable value counts as empty (and is replaced on the next
/// save) rather than blocking the chat.
fn load(sysnum: &str, visitor_id: &str) -> Vec<OutboxEntry> {
    local()
        .and_then(|s| s.get_item(&key(sysnum, visitor_id)).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// Replaces the saved entries; an empty outbox removes the key.
fn save(sysnum: &str, visitor_id: &str, entries: &[OutboxEntry]) {
    let Some(s) = local() else { return };
    let k = key(sysnum, visitor_id);
    if entries.is_empty() {
        let _ = s.remove_item(&k);
    } else if let Ok(text) = serde_json::to_string(entries) {
        let _ = s.set_item(&k, &text);
    }
}
