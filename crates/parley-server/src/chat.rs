//! Conversations and messages: the store operations and the state machine.
//!
//! Every write that stores messages runs in one transaction that first bumps
//! `conversations.last_seq` (which also locks the conversation row on PostgreSQL and
//! takes SQLite's write lock), then inserts the messages with the new numbers. So
//! sequence numbers are unique and gap-free per conversation, and a client id is checked
//! for duplicates while the row is locked. Events are published only after the commit,
//! so whatever a socket is told about is already readable from the store.
//!
//! The state transitions themselves are plain functions ([`accept`], [`end`],
//! [`transfer_to_agent`], ...) from the current row to a [`Change`], tested without a
//! database.

use std::sync::Arc;

use axum::http::StatusCode;
use parley_protocol::api::{
    AgentBrief, BotReply, ChatMessage, ConversationState, ConversationSummary, EndReason,
    ErrorCode, MessageKind, Sender, SystemEvent,
};
use parley_protocol::ws::ServerEvent;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::db::{is_unique_violation, now_ms};
use crate::error::ApiError;
use crate::hub::Topic;
use crate::AppState;

/// Longest message text, in characters.
pub const MAX_TEXT_CHARS: usize = 5000;
/// Longest client message id, in bytes.
pub const MAX_CLIENT_ID: usize = 64;

/// A conversation row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub id: String,
    pub sysnum: String,
    pub visitor_id: String,
    pub state: ConversationState,
    pub group_id: Option<String>,
    pub agent_id: Option<String>,
    pub last_seq: i64,
    pub visitor_read_seq: i64,
    pub queued_at: Option<i64>,
    pub end_reason: Option<EndReason>,
    pub created_at: i64,
    /// JSON of [`crate::reception::Context`]: what the link asked for.
    pub context: String,
    /// Unknown answers the bot gave so far (for `show_manual`).
    pub unknown_count: i64,
    /// The queue priority, packed (see [`crate::reception::pack_priority`]).
    pub priority: i64,
    /// The designated agent a queueing conversation waits for.
    pub queue_agent: Option<String>,
    /// When the visitor last sent a message (or the conversation started).
    pub last_visitor_at: Option<i64>,
}

const CONVERSATION_COLUMNS: &str = "id, sysnum, visitor_id, state, group_id, agent_id, last_seq, \
     visitor_read_seq, queued_at, end_reason, created_at, context, unknown_count, priority, \
     queue_agent, last_visitor_at";

const MESSAGE_COLUMNS: &str =
    "conversation_id, seq, client_id, sender, sender_name, kind, body, event, card, image, created_at";

fn conversation_from_row(row: &AnyRow) -> Result<Conversation, sqlx::Error> {
    let state: String = row.try_get("state")?;
    let end_reason: Option<String> = row.try_get("end_reason")?;
    Ok(Conversation {
        id: row.try_get("id")?,
        sysnum: row.try_get("sysnum")?,
        visitor_id: row.try_get("visitor_id")?,
        state: ConversationState::parse(&state)
            .ok_or_else(|| sqlx::Error::Decode(format!("bad state {state:?}").into()))?,
        group_id: row.try_get("group_id")?,
        agent_id: row.try_get("agent_id")?,
        last_seq: row.try_get("last_seq")?,
        visitor_read_seq: row.try_get("visitor_read_seq")?,
        queued_at: row.try_get("queued_at")?,
        end_reason: end_reason.and_then(|r| serde_json::from_value(r.into()).ok()),
        created_at: row.try_get("created_at")?,
        context: row.try_get("context")?,
        unknown_count: row.try_get("unknown_count")?,
        priority: row.try_get("priority")?,
        queue_agent: row.try_get("queue_agent")?,
        last_visitor_at: row.try_get("last_visitor_at")?,
    })
}

fn message_from_row(row: &AnyRow) -> Result<ChatMessage, sqlx::Error> {
    let sender: String = row.try_get("sender")?;
    let kind: String = row.try_get("kind")?;
    // The `event` column holds the kind-specific JSON: a SystemEvent for system
    // messages, a BotReply for bot messages.
    let event: Option<String> = row.try_get("event")?;
    let sender = Sender::parse(&sender)
        .ok_or_else(|| sqlx::Error::Decode(format!("bad sender {sender:?}").into()))?;
    let (event, bot) = match (sender, event) {
        (Sender::Bot, Some(e)) => (None, serde_json::from_str(&e).ok()),
        (_, Some(e)) => (serde_json::from_str(&e).ok(), None),
        (_, None) => (None, None),
    };
    let card: Option<String> = row.try_get("card")?;
    let image: Option<String> = row.try_get("image")?;
    Ok(ChatMessage {
        conversation_id: row.try_get("conversation_id")?,
        seq: row.try_get("seq")?,
        client_id: row.try_get("client_id")?,
        sender,
        sender_name: row.try_get("sender_name")?,
        kind: MessageKind::parse(&kind)
            .ok_or_else(|| sqlx::Error::Decode(format!("bad kind {kind:?}").into()))?,
        text: row.try_get("body")?,
        event,
        bot,
        card: card.and_then(|c| serde_json::from_str(&c).ok()),
        image: image.and_then(|i| serde_json::from_str(&i).ok()),
        created_at: row.try_get("created_at")?,
    })
}

fn end_reason_text(r: EndReason) -> &'static str {
    match r {
        EndReason::VisitorLeft => "visitor_left",
        EndReason::AgentEnded => "agent_ended",
        EndReason::AgentOffline => "agent_offline",
        EndReason::VisitorIdle => "visitor_idle",
    }
}

impl Conversation {
    /// The workbench's view of it.
    pub fn summary(&self, visitor_name: Option<String>) -> ConversationSummary {
        ConversationSummary {
            id: self.id.clone(),
            visitor_id: self.visitor_id.clone(),
            visitor_name,
            state: self.state,
            group_id: self.group_id.clone(),
            agent_id: self.agent_id.clone(),
            last_seq: self.last_seq,
            created_at: self.created_at,
            queued_at: self.queued_at,
            end_reason: self.end_reason,
        }
    }
}

/// A message about to be stored.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub client_id: Option<String>,
    pub sender: Sender,
    pub sender_id: Option<String>,
    pub sender_name: Option<String>,
    pub kind: MessageKind,
    pub text: String,
    pub event: Option<SystemEvent>,
    /// For bot messages: the outcome and suggestions.
    pub bot: Option<BotReply>,
    /// The card of a [`MessageKind::Card`] message.
    pub card: Option<parley_protocol::card::Card>,
    /// The picture of a [`MessageKind::Image`] message (its file is already stored).
    pub image: Option<parley_protocol::api::ImageRef>,
}

impl NewMessage {
    /// A system message recording `event`, with a plain-text description for clients
    /// that do not know the event.
    pub fn system(event: SystemEvent) -> NewMessage {
        let text = match &event {
            SystemEvent::Queued { .. } => "Waiting for an agent.".to_owned(),
            SystemEvent::AgentJoined { agent_name, .. } => format!("{agent_name} joined."),
            SystemEvent::Transferred { .. } => "The conversation was transferred.".to_owned(),
            SystemEvent::Ended { .. } => "The conversation has ended.".to_owned(),
            SystemEvent::EvaluationInvited => "Please rate this conversation.".to_owned(),
            SystemEvent::NoAgentOnline => {
                "No agent is available now. You can leave a message.".to_owned()
            }
        };
        NewMessage {
            client_id: None,
            sender: Sender::System,
            sender_id: None,
            sender_name: None,
            kind: MessageKind::System,
            text,
            event: Some(event),
            bot: None,
            card: None,
            image: None,
        }
    }
}

/// Checks a client-generated message id.
pub fn check_client_id(client_id: &str) -> Result<(), ApiError> {
    if client_id.is_empty() || client_id.len() > MAX_CLIENT_ID {
        return Err(ApiError::bad_request(format!(
            "client_id must be 1 to {MAX_CLIENT_ID} bytes"
        )));
    }
    Ok(())
}

/// Checks a client-sent text message's sizes.
pub fn check_text(client_id: &str, text: &str) -> Result<(), ApiError> {
    check_client_id(client_id)?;
    if text.trim().is_empty() {
        return Err(ApiError::bad_request("text is empty"));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(ApiError::bad_request(format!(
            "text is longer than {MAX_TEXT_CHARS} characters"
        )));
    }
    Ok(())
}

/// What a transition does to a conversation row (besides storing its messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub state: ConversationState,
    pub agent_id: Option<String>,
    pub group_id: Option<String>,
    pub queued: bool,
    pub end_reason: Option<EndReason>,
    pub messages: Vec<SystemEvent>,
    /// The queue priority to store (kept from the row unless routing sets it).
    pub priority: i64,
    /// The designated agent to wait for, while queueing.
    pub queue_agent: Option<String>,
}

fn conflict(message: impl Into<String>) -> ApiError {
    ApiError::client(StatusCode::CONFLICT, ErrorCode::BadRequest, message)
}

fn forbidden(message: impl Into<String>) -> ApiError {
    ApiError::client(StatusCode::FORBIDDEN, ErrorCode::Unauthorized, message)
}

/// An agent takes a queueing conversation.
pub fn accept(c: &Conversation, agent: &AgentBrief) -> Result<Change, ApiError> {
    if c.state != ConversationState::Queueing {
        return Err(conflict("the conversation is not waiting in the queue"));
    }
    Ok(Change {
        state: ConversationState::WithAgent,
        agent_id: Some(agent.id.clone()),
        group_id: c.group_id.clone(),
        queued: false,
        end_reason: None,
        messages: vec![SystemEvent::AgentJoined {
            agent_id: agent.id.clone(),
            agent_name: agent.name.clone(),
            agent_avatar: agent.avatar.clone(),
        }],
        priority: c.priority,
        queue_agent: None,
    })
}

/// The conversation ends. An agent may end only their own conversation; `by_agent` is
/// `None` when the visitor leaves.
pub fn end(c: &Conversation, by_agent: Option<&str>) -> Result<Change, ApiError> {
    if let Some(a) = by_agent {
        if c.state != ConversationState::Ended && c.agent_id.as_deref() != Some(a) {
            return Err(forbidden("this conversation is not yours"));
        }
    }
    let reason = if by_agent.is_some() {
        EndReason::AgentEnded
    } else {
        EndReason::VisitorLeft
    };
    end_for(c, reason)
}

/// The conversation ends for `reason` (the server's own endings: the agent went
/// offline, the visitor was idle).
pub fn end_for(c: &Conversation, reason: EndReason) -> Result<Change, ApiError> {
    if c.state == ConversationState::Ended {
        return Err(conflict("the conversation has already ended"));
    }
    let mut messages = vec![SystemEvent::Ended { reason }];
    if c.state == ConversationState::WithAgent {
        messages.push(SystemEvent::EvaluationInvited);
    }
    Ok(Change {
        state: ConversationState::Ended,
        agent_id: c.agent_id.clone(),
        group_id: c.group_id.clone(),
        queued: false,
        end_reason: Some(reason),
        messages,
        priority: c.priority,
        queue_agent: None,
    })
}

/// The holding agent hands the conversation to another agent directly.
pub fn transfer_to_agent(
    c: &Conversation,
    from: &str,
    to: &AgentBrief,
) -> Result<Change, ApiError> {
    if c.state != ConversationState::WithAgent || c.agent_id.as_deref() != Some(from) {
        return Err(forbidden(
            "only the agent holding a conversation can transfer it",
        ));
    }
    if from == to.id {
        return Err(ApiError::bad_request("cannot transfer to yourself"));
    }
    Ok(Change {
        state: ConversationState::WithAgent,
        agent_id: Some(to.id.clone()),
        group_id: c.group_id.clone(),
        queued: false,
        end_reason: None,
        messages: vec![SystemEvent::Transferred {
            from_agent: Some(from.to_owned()),
            to_agent: Some(to.id.clone()),
            to_agent_name: Some(to.name.clone()),
            to_group: None,
            to_agent_avatar: to.avatar.clone(),
        }],
        priority: c.priority,
        queue_agent: None,
    })
}

/// The holding agent puts the conversation back in a group's queue.
pub fn transfer_to_group(c: &Conversation, from: &str, group: &str) -> Result<Change, ApiError> {
    if c.state != ConversationState::WithAgent || c.agent_id.as_deref() != Some(from) {
        return Err(forbidden(
            "only the agent holding a conversation can transfer it",
        ));
    }
    Ok(Change {
        state: ConversationState::Queueing,
        agent_id: None,
        group_id: Some(group.to_owned()),
        queued: true,
        end_reason: None,
        messages: vec![SystemEvent::Transferred {
            from_agent: Some(from.to_owned()),
            to_agent: None,
            to_agent_name: None,
            to_group: Some(group.to_owned()),
            to_agent_avatar: None,
        }],
        priority: c.priority,
        queue_agent: None,
    })
}

/// Whether a message of `sender` and `kind` may be added to a conversation in its
/// current state. `agent` is the sending agent's id.
pub fn may_append(
    c: &Conversation,
    sender: Sender,
    kind: MessageKind,
    agent: Option<&str>,
) -> Result<(), ApiError> {
    match (sender, kind) {
        (Sender::Agent, MessageKind::Offline) => {
            if c.state == ConversationState::Ended {
                Ok(())
            } else {
                Err(conflict(
                    "the visitor is still in a conversation; reply there instead",
                ))
            }
        }
        (_, _) if c.state == ConversationState::Ended => Err(conflict(
            "the conversation has ended; start a new one with init",
        )),
        (Sender::Agent, _) => {
            if c.state == ConversationState::WithAgent && c.agent_id.as_deref() == agent {
                Ok(())
            } else {
                Err(forbidden("this conversation is not yours"))
            }
        }
        _ => Ok(()),
    }
}

/// The result of storing one message.
#[derive(Debug, Clone)]
pub struct Appended {
    pub message: ChatMessage,
    pub duplicate: bool,
    pub conversation: Conversation,
}

/// Locks the conversation for a write by bumping `last_seq` by `n`; returns the row as
/// it is after the bump.
async fn bump(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    conversation_id: &str,
    n: i64,
    visitor_at: Option<i64>,
) -> Result<Option<Conversation>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "UPDATE conversations SET last_seq = last_seq + $1, updated_at = $2, \
         last_visitor_at = COALESCE($3, last_visitor_at) WHERE id = $4 \
         RETURNING {CONVERSATION_COLUMNS}"
    ))
    .bind(n)
    .bind(now_ms())
    .bind(visitor_at)
    .bind(conversation_id)
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref().map(conversation_from_row).transpose()
}

async fn insert_message(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    conversation_id: &str,
    seq: i64,
    m: &NewMessage,
    at: i64,
) -> Result<ChatMessage, sqlx::Error> {
    let event = match (&m.event, &m.bot) {
        (Some(e), _) => Some(serde_json::to_string(e).expect("events serialize")),
        (None, Some(b)) => Some(serde_json::to_string(b).expect("bot replies serialize")),
        (None, None) => None,
    };
    let card = m
        .card
        .as_ref()
        .map(|c| serde_json::to_string(c).expect("cards serialize"));
    let image = m
        .image
        .as_ref()
        .map(|i| serde_json::to_string(i).expect("images serialize"));
    sqlx::query(
        "INSERT INTO messages (conversation_id, seq, client_id, sender, sender_id, sender_name, \
         kind, body, event, card, image, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(conversation_id)
    .bind(seq)
    .bind(m.client_id.as_deref())
    .bind(m.sender.as_str())
    .bind(m.sender_id.as_deref())
    .bind(m.sender_name.as_deref())
    .bind(m.kind.as_str())
    .bind(&m.text)
    .bind(event)
    .bind(card)
    .bind(image)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(ChatMessage {
        conversation_id: conversation_id.to_owned(),
        seq,
        client_id: m.client_id.clone(),
        sender: m.sender,
        sender_name: m.sender_name.clone(),
        kind: m.kind,
        text: m.text.clone(),
        event: m.event.clone(),
        bot: m.bot.clone(),
        card: m.card.clone().map(Box::new),
        image: m.image.clone().map(Box::new),
        created_at: at,
    })
}

/// Reads the message a client id was stored as, if any.
pub(crate) async fn find_by_client_id<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    executor: E,
    conversation_id: &str,
    sender: Sender,
    client_id: &str,
) -> Result<Option<ChatMessage>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages \
         WHERE conversation_id = $1 AND sender = $2 AND client_id = $3"
    ))
    .bind(conversation_id)
    .bind(sender.as_str())
    .bind(client_id)
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(message_from_row).transpose()
}

fn not_found() -> ApiError {
    ApiError::client(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "no such conversation",
    )
}

/// Stores one message with the next sequence number, idempotently on its client id, and
/// publishes it after the commit.
pub async fn append(
    state: &AppState,
    conversation_id: &str,
    m: NewMessage,
) -> Result<Appended, ApiError> {
    let agent = m.sender_id.clone();
    for attempt in 0..2 {
        let mut tx = state.db.pool().begin().await?;
        let visitor_at = (m.sender == Sender::Visitor).then(now_ms);
        let Some(c) = bump(&mut tx, conversation_id, 1, visitor_at).await? else {
            return Err(not_found());
        };
        if let Some(cid) = &m.client_id {
            if let Some(existing) = find_by_client_id(&mut *tx, &c.id, m.sender, cid).await? {
                tx.rollback().await?;
                let conversation = Conversation {
                    last_seq: c.last_seq - 1,
                    ..c
                };
                return Ok(Appended {
                    message: existing,
                    duplicate: true,
                    conversation,
                });
            }
        }
        may_append(&c, m.sender, m.kind, agent.as_deref())?;
        match insert_message(&mut tx, &c.id, c.last_seq, &m, now_ms()).await {
            Ok(message) => {
                tx.commit().await?;
                publish_messages(state, &c, std::slice::from_ref(&message));
                return Ok(Appended {
                    message,
                    duplicate: false,
                    conversation: c,
                });
            }
            // Two sends of one client id raced past the check; the loser reads the
            // winner's row on the next attempt.
            Err(e) if attempt == 0 && is_unique_violation(&e) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::Internal("client id conflict persisted".into()))
}

/// Applies a transition computed by `decide` from the locked row, stores its system
/// messages, commits, and publishes.
pub async fn transition(
    state: &AppState,
    conversation_id: &str,
    decide: impl FnOnce(&Conversation) -> Result<Change, ApiError>,
) -> Result<(Conversation, Vec<ChatMessage>), ApiError> {
    let mut tx = state.db.pool().begin().await?;
    let Some(before) = lock(&mut tx, conversation_id).await? else {
        return Err(not_found());
    };
    let change = decide(&before)?;
    let (after, stored) = apply(&mut tx, &before, change).await?;
    tx.commit().await?;
    publish_change(state, &before, &after, &stored).await;
    Ok((after, stored))
}

/// Locks a conversation row inside `tx` and reads it (a bump by zero: the real bump
/// follows in [`apply`] once the number of messages is known).
pub async fn lock(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    conversation_id: &str,
) -> Result<Option<Conversation>, sqlx::Error> {
    bump(tx, conversation_id, 0, None).await
}

/// Writes a [`Change`] to a row locked by [`lock`] and stores its system messages, in
/// `tx`. The caller commits, then calls [`publish_change`].
pub async fn apply(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    before: &Conversation,
    change: Change,
) -> Result<(Conversation, Vec<ChatMessage>), ApiError> {
    let n = change.messages.len() as i64;
    let now = now_ms();
    let row = sqlx::query(&format!(
        "UPDATE conversations SET last_seq = last_seq + $1, state = $2, agent_id = $3, \
         group_id = $4, queued_at = $5, end_reason = $6, ended_at = $7, updated_at = $8, \
         priority = $9, queue_agent = $10 WHERE id = $11 RETURNING {CONVERSATION_COLUMNS}"
    ))
    .bind(n)
    .bind(change.state.as_str())
    .bind(change.agent_id.as_deref())
    .bind(change.group_id.as_deref())
    // A conversation already waiting keeps its place when only its target changes.
    .bind(if change.queued {
        before
            .queued_at
            .filter(|_| before.state == ConversationState::Queueing)
            .or(Some(now))
    } else {
        None
    })
    .bind(change.end_reason.map(end_reason_text))
    .bind((change.state == ConversationState::Ended).then_some(now))
    .bind(now)
    .bind(change.priority)
    .bind(change.queue_agent.as_deref())
    .bind(&before.id)
    .fetch_one(&mut **tx)
    .await?;
    let after = conversation_from_row(&row)?;
    let mut stored = Vec::new();
    for (i, event) in change.messages.into_iter().enumerate() {
        let seq = before.last_seq + 1 + i as i64;
        stored.push(insert_message(tx, &after.id, seq, &NewMessage::system(event), now).await?);
    }
    Ok((after, stored))
}

/// Publishes a committed [`apply`]: the messages to the conversation and its agents,
/// the summary to the tenant's agents, new queue positions, and, when an agent's
/// capacity freed up, lets the queue drain.
pub async fn publish_change(
    state: &AppState,
    before: &Conversation,
    after: &Conversation,
    stored: &[ChatMessage],
) {
    publish_messages(state, after, stored);
    // The previous holder must also hear that the conversation left them.
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
    publish_summary(state, after).await;
    if before.state == ConversationState::Queueing || after.state == ConversationState::Queueing {
        publish_queue_positions(state, &after.sysnum).await;
    }
    // Only a chat that left an agent frees capacity (an agent putting it back in a
    // group's queue included). A visitor who just queued needs no drain: routing
    // queues only when no free agent is left for them.
    let freed = before.state == ConversationState::WithAgent
        && (after.state != ConversationState::WithAgent || after.agent_id != before.agent_id);
    if freed {
        crate::reception::drain_logged(state, &after.sysnum).await;
    }
}

/// Sends stored messages to the conversation's sockets and its agent's sockets, and
/// tells other instances (PostgreSQL `NOTIFY`).
pub fn publish_messages(state: &AppState, c: &Conversation, messages: &[ChatMessage]) {
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

/// Tells the tenant's agents that a conversation changed.
pub async fn publish_summary(state: &AppState, c: &Conversation) {
    let name = visitor_name(state, &c.visitor_id).await.unwrap_or(None);
    state.hub.publish(
        &Topic::Tenant(c.sysnum.clone()),
        Arc::new(ServerEvent::Conversation {
            conversation: c.summary(name),
        }),
    );
}

/// Tells every queueing visitor of `sysnum` their place in their target's queue.
pub async fn publish_queue_positions(state: &AppState, sysnum: &str) {
    match crate::reception::queue_positions(state, sysnum).await {
        Ok(positions) => {
            for (id, position) in positions {
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

/// Creates a conversation for a visitor, in the bot state: reception then routes it
/// (see [`crate::reception`]). `context` is the JSON of its reception context.
pub async fn create(
    state: &AppState,
    sysnum: &str,
    visitor_id: &str,
    context: &str,
) -> Result<Conversation, ApiError> {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO conversations (id, sysnum, visitor_id, state, context, last_visitor_at, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $6)",
    )
    .bind(&id)
    .bind(sysnum)
    .bind(visitor_id)
    .bind(ConversationState::Bot.as_str())
    .bind(context)
    .bind(now)
    .execute(state.db.pool())
    .await?;
    get(state, &id).await?.ok_or_else(not_found)
}

/// One conversation.
pub async fn get(state: &AppState, id: &str) -> Result<Option<Conversation>, ApiError> {
    let row = sqlx::query(&format!(
        "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(state.db.pool())
    .await?;
    Ok(row.as_ref().map(conversation_from_row).transpose()?)
}

/// The visitor's most recent conversation.
pub async fn latest_of_visitor(
    state: &AppState,
    visitor_id: &str,
) -> Result<Option<Conversation>, ApiError> {
    let row = sqlx::query(&format!(
        "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE visitor_id = $1 \
         ORDER BY created_at DESC, id DESC LIMIT 1"
    ))
    .bind(visitor_id)
    .fetch_optional(state.db.pool())
    .await?;
    Ok(row.as_ref().map(conversation_from_row).transpose()?)
}

/// Queueing conversations of `sysnum`, first come first.
pub async fn waiting(state: &AppState, sysnum: &str) -> Result<Vec<Conversation>, ApiError> {
    waiting_in(state.db.pool(), sysnum).await
}

/// [`waiting`] on any executor, so that routing reads the queue inside its transaction.
pub async fn waiting_in<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    executor: E,
    sysnum: &str,
) -> Result<Vec<Conversation>, ApiError> {
    let rows = sqlx::query(&format!(
        "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE sysnum = $1 AND state = $2 \
         ORDER BY queued_at, id LIMIT 5000"
    ))
    .bind(sysnum)
    .bind(ConversationState::Queueing.as_str())
    .fetch_all(executor)
    .await?;
    Ok(rows
        .iter()
        .map(conversation_from_row)
        .collect::<Result<_, _>>()?)
}

/// Conversations an agent holds now.
pub async fn held_by(
    state: &AppState,
    sysnum: &str,
    agent_id: &str,
) -> Result<Vec<Conversation>, ApiError> {
    let rows = sqlx::query(&format!(
        "SELECT {CONVERSATION_COLUMNS} FROM conversations \
         WHERE sysnum = $1 AND agent_id = $2 AND state = $3 ORDER BY created_at"
    ))
    .bind(sysnum)
    .bind(agent_id)
    .bind(ConversationState::WithAgent.as_str())
    .fetch_all(state.db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(conversation_from_row)
        .collect::<Result<_, _>>()?)
}

/// The 1-based place of a queueing conversation in its target's queue (its group's,
/// its designated agent's, or the tenant's), VIPs ahead.
pub async fn queue_position(state: &AppState, c: &Conversation) -> Result<Option<u32>, ApiError> {
    if c.state != ConversationState::Queueing {
        return Ok(None);
    }
    let positions = crate::reception::queue_positions(state, &c.sysnum).await?;
    Ok(positions
        .into_iter()
        .find(|(id, _)| *id == c.id)
        .map(|(_, p)| p))
}

/// Messages with `seq > after`, oldest first, at most `limit`.
pub async fn messages_after(
    state: &AppState,
    conversation_id: &str,
    after: i64,
    limit: i64,
) -> Result<Vec<ChatMessage>, ApiError> {
    let rows = sqlx::query(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE conversation_id = $1 AND seq > $2 \
         ORDER BY seq LIMIT $3"
    ))
    .bind(conversation_id)
    .bind(after)
    .bind(limit)
    .fetch_all(state.db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(message_from_row)
        .collect::<Result<_, _>>()?)
}

/// Up to `limit` messages with `seq < before`, oldest first, and whether older ones
/// exist.
pub async fn messages_before(
    state: &AppState,
    conversation_id: &str,
    before: i64,
    limit: i64,
) -> Result<(Vec<ChatMessage>, bool), ApiError> {
    let rows = sqlx::query(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE conversation_id = $1 AND seq < $2 \
         ORDER BY seq DESC LIMIT $3"
    ))
    .bind(conversation_id)
    .bind(before)
    .bind(limit + 1)
    .fetch_all(state.db.pool())
    .await?;
    let mut messages = rows
        .iter()
        .map(message_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let has_more = messages.len() as i64 > limit;
    messages.truncate(limit as usize);
    messages.reverse();
    Ok((messages, has_more))
}

/// The visitor's messages since `since_ms` across their conversations, oldest first,
/// the newest `limit` of them.
pub async fn recent_of_visitor(
    state: &AppState,
    visitor_id: &str,
    since_ms: i64,
    limit: i64,
) -> Result<Vec<ChatMessage>, ApiError> {
    let rows = sqlx::query(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages \
         WHERE conversation_id IN (SELECT id FROM conversations WHERE visitor_id = $1) \
         AND created_at >= $2 ORDER BY created_at DESC, seq DESC LIMIT $3"
    ))
    .bind(visitor_id)
    .bind(since_ms)
    .bind(limit)
    .fetch_all(state.db.pool())
    .await?;
    let mut messages = rows
        .iter()
        .map(message_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    messages.reverse();
    Ok(messages)
}

/// Offline messages the visitor has not read, oldest first.
pub async fn unread_offline(
    state: &AppState,
    visitor_id: &str,
) -> Result<Vec<ChatMessage>, ApiError> {
    let unread = unread_from_agents(state, visitor_id, true).await?;
    Ok(unread.into_iter().map(|(m, _)| m).collect())
}

/// Agents' messages past the visitor's read mark in any of their conversations, oldest
/// first, at most 200, each with its agent's id: the offline kind (`offline`) or every
/// other kind (what they sent in chat while the visitor was away or not looking).
pub async fn unread_from_agents(
    state: &AppState,
    visitor_id: &str,
    offline: bool,
) -> Result<Vec<(ChatMessage, Option<String>)>, ApiError> {
    let kind = if offline {
        "m.kind = $3"
    } else {
        "m.kind <> $3"
    };
    let rows = sqlx::query(&format!(
        "SELECT {MESSAGE_COLUMNS}, m.sender_id FROM messages m \
         WHERE m.sender = $2 AND {kind} AND m.seq > \
         (SELECT c.visitor_read_seq FROM conversations c \
          WHERE c.id = m.conversation_id AND c.visitor_id = $1) \
         ORDER BY m.created_at, m.seq LIMIT 200"
    ))
    .bind(visitor_id)
    .bind(Sender::Agent.as_str())
    .bind(MessageKind::Offline.as_str())
    .fetch_all(state.db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|row| Ok((message_from_row(row)?, row.try_get("sender_id")?)))
        .collect::<Result<_, sqlx::Error>>()?)
}

/// Records that the visitor saw everything up to `seq` (never moves backwards, never
/// past the last message).
pub async fn mark_read(state: &AppState, conversation_id: &str, seq: i64) -> Result<(), ApiError> {
    sqlx::query(
        "UPDATE conversations SET visitor_read_seq = CASE WHEN $1 > last_seq THEN last_seq \
         ELSE $1 END WHERE id = $2 AND visitor_read_seq < $1",
    )
    .bind(seq)
    .bind(conversation_id)
    .execute(state.db.pool())
    .await?;
    Ok(())
}

/// The visitor's nickname, for the workbench lists.
pub async fn visitor_name(state: &AppState, visitor_id: &str) -> Result<Option<String>, ApiError> {
    let row: Option<(String,)> = sqlx::query_as("SELECT profile FROM visitors WHERE id = $1")
        .bind(visitor_id)
        .fetch_optional(state.db.pool())
        .await?;
    Ok(row.and_then(|(p,)| name_in_profile(&p)))
}

/// The nickname (`uname`) in a stored `visitors.profile` JSON, if any.
pub fn name_in_profile(profile: &str) -> Option<String> {
    serde_json::from_str::<serde_json::Value>(profile)
        .ok()?
        .get("uname")?
        .as_str()
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brief(id: &str, name: &str) -> AgentBrief {
        AgentBrief {
            id: id.to_owned(),
            name: name.to_owned(),
            avatar: Some(format!("https://img.example/{id}.png")),
        }
    }

    fn conv(state: ConversationState, agent: Option<&str>) -> Conversation {
        Conversation {
            id: "c".into(),
            sysnum: "demo".into(),
            visitor_id: "v".into(),
            state,
            group_id: Some("g".into()),
            agent_id: agent.map(str::to_owned),
            last_seq: 3,
            visitor_read_seq: 0,
            queued_at: Some(1),
            end_reason: None,
            created_at: 0,
            context: "{}".into(),
            unknown_count: 0,
            priority: 0,
            queue_agent: None,
            last_visitor_at: None,
        }
    }

    #[test]
    fn only_queueing_conversations_can_be_accepted() {
        let c = conv(ConversationState::Queueing, None);
        let alice = brief("alice", "Alice");
        let ch = accept(&c, &alice).unwrap();
        assert_eq!(ch.state, ConversationState::WithAgent);
        assert_eq!(ch.agent_id.as_deref(), Some("alice"));
        assert_eq!(
            ch.messages,
            vec![SystemEvent::AgentJoined {
                agent_id: "alice".into(),
                agent_name: "Alice".into(),
                agent_avatar: Some("https://img.example/alice.png".into()),
            }]
        );
        assert!(accept(&conv(ConversationState::WithAgent, Some("bob")), &alice).is_err());
        assert!(accept(&conv(ConversationState::Ended, None), &alice).is_err());
    }

    #[test]
    fn ending_records_the_reason_and_invites_evaluation_after_an_agent() {
        let c = conv(ConversationState::WithAgent, Some("alice"));
        assert!(end(&c, Some("bob")).is_err());
        let ch = end(&c, Some("alice")).unwrap();
        assert_eq!(ch.end_reason, Some(EndReason::AgentEnded));
        assert_eq!(
            ch.messages,
            vec![
                SystemEvent::Ended {
                    reason: EndReason::AgentEnded
                },
                SystemEvent::EvaluationInvited
            ]
        );
        let left = end(&conv(ConversationState::Bot, None), None).unwrap();
        assert_eq!(left.messages.len(), 1);
        assert!(end(&conv(ConversationState::Ended, None), None).is_err());
    }

    #[test]
    fn transfers_need_the_holding_agent() {
        let c = conv(ConversationState::WithAgent, Some("alice"));
        assert!(transfer_to_agent(&c, "bob", &brief("carol", "Carol")).is_err());
        assert!(transfer_to_agent(&c, "alice", &brief("alice", "Alice")).is_err());
        let ch = transfer_to_agent(&c, "alice", &brief("bob", "Bob")).unwrap();
        assert_eq!(ch.agent_id.as_deref(), Some("bob"));
        let ch = transfer_to_group(&c, "alice", "sales").unwrap();
        assert_eq!(ch.state, ConversationState::Queueing);
        assert!(ch.queued && ch.agent_id.is_none());
    }

    #[test]
    fn who_may_append_what() {
        let with = conv(ConversationState::WithAgent, Some("alice"));
        let ended = conv(ConversationState::Ended, Some("alice"));
        let t = MessageKind::Text;
        assert!(may_append(&with, Sender::Visitor, t, None).is_ok());
        assert!(may_append(&with, Sender::Agent, t, Some("alice")).is_ok());
        assert!(may_append(&with, Sender::Agent, t, Some("bob")).is_err());
        assert!(may_append(&ended, Sender::Visitor, t, None).is_err());
        assert!(may_append(&ended, Sender::Agent, MessageKind::Offline, Some("bob")).is_ok());
        assert!(may_append(&with, Sender::Agent, MessageKind::Offline, Some("alice")).is_err());
        assert!(may_append(
            &conv(ConversationState::Bot, None),
            Sender::Visitor,
            t,
            None
        )
        .is_ok());
    }

    #[test]
    fn text_limits() {
        assert!(check_text("c", "hi").is_ok());
        assert!(check_text("", "hi").is_err());
        assert!(check_text(&"x".repeat(65), "hi").is_err());
        assert!(check_text("c", "  ").is_err());
        assert!(check_text("c", &"é".repeat(MAX_TEXT_CHARS)).is_ok());
        assert!(check_text("c", &"é".repeat(MAX_TEXT_CHARS + 1)).is_err());
    }
}
