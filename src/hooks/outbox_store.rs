//! The outbox in local storage: messages the visitor wrote that the server has not
//! acknowledged, kept per tenant and visitor so they survive a reload or a network
//! outage and go out once the socket is back (the server deduplicates by client id).
//! Storage may be unavailable (private mode, blocked third-party storage); the outbox
//! then lives in memory only.

use crate::components::chat_log::OutboxEntry;
use crate::storage::local;

fn key(sysnum: &str, visitor_id: &str) -> String {
    format!("parley.outbox.{sysnum}.{visitor_id}")
}

/// The saved entries; an unreadable value counts as empty (and is replaced on the next
/// save) rather than blocking the chat.
pub fn load(sysnum: &str, visitor_id: &str) -> Vec<OutboxEntry> {
    local()
        .and_then(|s| s.get_item(&key(sysnum, visitor_id)).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// Replaces the saved entries; an empty outbox removes the key.
pub fn save(sysnum: &str, visitor_id: &str, entries: &[OutboxEntry]) {
    let Some(s) = local() else { return };
    let k = key(sysnum, visitor_id);
    if entries.is_empty() {
        let _ = s.remove_item(&k);
    } else if let Ok(text) = serde_json::to_string(entries) {
        let _ = s.set_item(&k, &text);
    }
}
