//! Telling sockets what changed, after the commit: stored messages to the
//! conversation's and its agents' sockets (and other instances, through
//! `crate::notify`), conversation summaries to the tenant's agents, queue positions to
//! waiting visitors.
//!
//! Invariant: nothing here is called before the transaction it announces committed,
//! so anything a socket hears of is already readable from the store.

use std::sync::Arc;

use parley_protocol::api::{ChatMessage, ConversationState};
use parley_protocol::ws::ServerEvent;

use super::model::Conversation;
use super::queue;
use crate::hub::Topic;
use crate::notify::Note;
use crate::store;
use crate::AppState;

/// Sends messages this instance just stored to the conversation's sockets and its
/// agent's sockets, tells other instances (PostgreSQL `NOTIFY`), and counts them.
pub fn messages(state: &AppState, c: &Conversation, messages: &[ChatMessage]) {
    crate::ops::messages_stored(state, messages.len());
    fan_out(state, c, messages);
}

/// [`messages`] without counting: for another instance's messages (`crate::notify`).
pub fn fan_out(state: &AppState, c: &Conversation, messages: &[ChatMessage]) {
    for m in messages {
        let event = Arc::new(ServerEvent::Message { message: m.clone() });
        state
            .hub
            .publish(&Topic::Conversation(c.id.clone()), Arc::clone(&event));
        if let Some(agent) = &c.agent_id {
            state.hub.publish(&Topic::agent(&c.sysnum, agent), event);
        }
        state.notifier.message_stored(&c.id, m.seq);
    }
}

/// Tells the tenant's agents that a conversation changed, here and on the other
/// instances.
pub async fn summary(state: &AppState, c: &Conversation) {
    state.notifier.send(Note::Summary {
        t: c.sysnum.clone(),
        c: c.id.clone(),
    });
    if !state.hub.has_subscribers(&Topic::Tenant(c.sysnum.clone())) {
        return;
    }
    let conversation = match super::summary_of(state, c).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = ?e, "conversation summary");
            c.summary(None, None, 0)
        }
    };
    state.hub.publish(
        &Topic::Tenant(c.sysnum.clone()),
        Arc::new(ServerEvent::Conversation { conversation }),
    );
}

/// Tells every queueing visitor of `sysnum` their place in their target's queue, here
/// and on the other instances.
pub async fn queue_positions(state: &AppState, sysnum: &str) {
    state.notifier.send(Note::Queue {
        t: sysnum.to_owned(),
    });
    if state.hub.subscriber_count() == 0 {
        return;
    }
    match store::conversations::waiting(state.db.pool(), sysnum).await {
        Ok(waiting) => {
            let positions = queue::positions(&waiting);
            for (id, position) in state.queue_told.changed(sysnum, &positions) {
                state.hub.publish(
                    &Topic::Conversation(id.clone()),
                    Arc::new(ServerEvent::QueuePosition {
                        conversation_id: id,
                        position,
                    }),
                );
            }
        }
        Err(e) => tracing::warn!(error = ?e, "queue positions"),
    }
}

/// The queue positions this instance last told each tenant's waiting visitors, so a
/// change to the queue is pushed only to those whose place moved (a visitor leaving
/// the back of a long queue tells nobody).
#[derive(Debug, Default)]
pub struct QueueTold(
    std::sync::Mutex<std::collections::HashMap<String, std::collections::HashMap<String, u32>>>,
);

impl QueueTold {
    /// The positions of `now` (every waiting conversation of `sysnum`) that differ from
    /// what was last told; remembers `now` as told.
    pub fn changed(&self, sysnum: &str, now: &[(String, u32)]) -> Vec<(String, u32)> {
        let mut told = self.0.lock().expect("queue told lock");
        let before = told.remove(sysnum).unwrap_or_default();
        let changed = now
            .iter()
            .filter(|(id, p)| before.get(id) != Some(p))
            .cloned()
            .collect();
        if !now.is_empty() {
            told.insert(sysnum.to_owned(), now.iter().cloned().collect());
        }
        changed
    }

    /// Records that `conversation_id` was told `position` directly (a socket of it just
    /// connected).
    pub fn told(&self, sysnum: &str, conversation_id: &str, position: u32) {
        let mut told = self.0.lock().expect("queue told lock");
        told.entry(sysnum.to_owned())
            .or_default()
            .insert(conversation_id.to_owned(), position);
    }
}

/// Publishes a committed change: its messages to the conversation and its agents (the
/// previous holder too, who must hear that it left them), the summary to the tenant's
/// agents, and new queue positions when the queue changed.
pub async fn change(
    state: &AppState,
    before: &Conversation,
    after: &Conversation,
    stored: &[ChatMessage],
) {
    messages(state, after, stored);
    if let Some(prev) = before.agent_id.as_deref() {
        if after.agent_id.as_deref() != Some(prev) {
            for m in stored {
                state.hub.publish(
                    &Topic::agent(&after.sysnum, prev),
                    Arc::new(ServerEvent::Message { message: m.clone() }),
                );
            }
        }
    }
    summary(state, after).await;
    if before.state == ConversationState::Queueing || after.state == ConversationState::Queueing {
        queue_positions(state, &after.sysnum).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_moved_places_are_told() {
        let told = QueueTold::default();
        let p = |v: &[(&str, u32)]| {
            v.iter()
                .map(|(i, n)| ((*i).to_owned(), *n))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            told.changed("t", &p(&[("a", 1), ("b", 2), ("c", 3)])).len(),
            3
        );
        // c leaves the back: a and b keep their places, nobody is told.
        assert_eq!(told.changed("t", &p(&[("a", 1), ("b", 2)])), vec![]);
        // a is taken: b moves up.
        assert_eq!(told.changed("t", &p(&[("b", 1)])), p(&[("b", 1)]));
        // Another tenant is its own.
        assert_eq!(told.changed("u", &p(&[("x", 1)])), p(&[("x", 1)]));
        assert_eq!(told.changed("t", &[]), vec![]);
        assert!(
            told.0.lock().unwrap().get("t").is_none(),
            "an empty queue is forgotten"
        );
    }
}
