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
    let name = store::visitors::name(state.db.pool(), &c.visitor_id)
        .await
        .unwrap_or(None);
    state.hub.publish(
        &Topic::Tenant(c.sysnum.clone()),
        Arc::new(ServerEvent::Conversation {
            conversation: c.summary(name),
        }),
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
            for (id, position) in queue::positions(&waiting) {
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
