//! Conversations and messages: the domain types ([`model`]), the pure state machine
//! ([`transitions`]), queue arithmetic ([`queue`]), fan-out ([`publish`]), and here the
//! operations that tie them to the store.
//!
//! Every write that stores messages runs in one transaction that first bumps
//! `conversations.last_seq` (which locks the row; see `store::conversations`), then
//! inserts the messages with the new numbers. So sequence numbers are unique and
//! gap-free per conversation, and a client id is checked for duplicates while the row
//! is locked. Events are published only after the commit. Messages without a file are
//! stored in groups ([`commit`]): one transaction for the messages that arrived
//! together, each acknowledged after that commit.
//!
//! This module knows nothing of routing: a change that frees an agent's capacity is
//! followed by a queue drain in `crate::reception::transition`, which is what routes
//! call.

pub mod commit;
pub mod model;
pub mod publish;
pub mod queue;
pub mod transitions;

use axum::http::StatusCode;
use parley_protocol::api::{ChatMessage, ConversationState, ErrorCode, MessageKind, Sender};

pub use model::{check_client_id, check_text, Appended, Conversation, NewMessage};
pub use transitions::{Change, TransitionError};

use crate::auth::{AgentAuth, VisitorAuth};
use crate::error::ApiError;
use crate::store::{self, now_ms, Tx};
use crate::AppState;

fn not_found() -> ApiError {
    ApiError::client(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "no such conversation",
    )
}

/// A committed change: the row before and after, and the system messages stored.
#[derive(Debug, Clone)]
pub struct Changed {
    pub before: Conversation,
    pub after: Conversation,
    pub messages: Vec<ChatMessage>,
}

/// One conversation, if it exists.
pub async fn get(state: &AppState, id: &str) -> Result<Option<Conversation>, ApiError> {
    Ok(store::conversations::get(state.db.pool(), id).await?)
}

/// The conversation a visitor call names: the session's, or another of the same
/// visitor. Anything else is "not found", so ids cannot be probed.
pub async fn of_visitor(
    state: &AppState,
    who: &VisitorAuth,
    named: Option<&str>,
) -> Result<Conversation, ApiError> {
    let id = named.unwrap_or(&who.conversation_id);
    match get(state, id).await? {
        // The visitor's tenant, not the serving one: an overflowed conversation stays
        // the visitor's own.
        Some(c) if c.visitor_id == who.visitor_id && c.home() == who.sysnum => Ok(c),
        _ => Err(not_found()),
    }
}

/// A conversation of the agent's tenant; others are "not found".
pub async fn of_tenant(
    state: &AppState,
    who: &AgentAuth,
    id: &str,
) -> Result<Conversation, ApiError> {
    match get(state, id).await? {
        Some(c) if c.sysnum == who.sysnum => Ok(c),
        _ => Err(not_found()),
    }
}

/// The 1-based place of a queueing conversation in its target's queue (its group's,
/// its designated agent's, or the tenant's), VIPs ahead.
pub async fn queue_position(state: &AppState, c: &Conversation) -> Result<Option<u32>, ApiError> {
    if c.state != ConversationState::Queueing {
        return Ok(None);
    }
    let waiting = store::conversations::waiting(state.db.pool(), &c.sysnum).await?;
    Ok(queue::positions(&waiting)
        .into_iter()
        .find(|(id, _)| *id == c.id)
        .map(|(_, p)| p))
}

/// The visitor's nickname, for the agents' lists.
pub async fn visitor_name(state: &AppState, visitor_id: &str) -> Result<Option<String>, ApiError> {
    Ok(store::visitors::name(state.db.pool(), visitor_id).await?)
}

/// The workbench's summary of `c`: the visitor's name and the newest text with it.
pub async fn summary_of(
    state: &AppState,
    c: &Conversation,
) -> Result<parley_protocol::api::ConversationSummary, ApiError> {
    let pool = state.db.pool();
    let name = store::visitors::name(pool, &c.visitor_id).await?;
    let preview = store::messages::last_text(pool, &c.id)
        .await?
        .map(|t| preview_of(&t));
    // Only a held conversation has a reader to count for.
    let unread = if c.agent_id.is_some() && c.last_seq > c.agent_read_seq {
        store::messages::unread_by_agent(pool, &c.id, c.agent_read_seq).await?
    } else {
        0
    };
    Ok(c.summary(name, preview, unread))
}

/// The holding agent has seen every message of `c` up to `seq`: moves the agent's read
/// mark there (never backwards) and, when it moved, tells the agent's other tabs and
/// machines the new count through the summary. Only the agent holding `c` may; a
/// `seq` below 0 or past the last message is a 400.
pub async fn mark_read_by_agent(
    state: &AppState,
    agent_id: &str,
    c: &Conversation,
    seq: i64,
) -> Result<parley_protocol::api::ConversationSummary, ApiError> {
    if c.agent_id.as_deref() != Some(agent_id) {
        return Err(ApiError::client(
            StatusCode::FORBIDDEN,
            ErrorCode::Unauthorized,
            "only the agent holding this conversation can mark it read",
        ));
    }
    if seq < 0 || seq > c.last_seq {
        return Err(ApiError::bad_request(format!(
            "seq {seq} is not a message of this conversation (0 to {})",
            c.last_seq
        )));
    }
    let moved =
        store::conversations::mark_agent_read(state.db.pool(), &c.id, agent_id, seq).await?;
    let now = get(state, &c.id).await?.ok_or_else(not_found)?;
    if moved {
        publish::summary(state, &now).await;
    }
    summary_of(state, &now).await
}

/// The first [`PREVIEW_CHARS`](parley_protocol::api::PREVIEW_CHARS) characters of a
/// message's text, on one line.
pub fn preview_of(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = one_line
        .chars()
        .take(parley_protocol::api::PREVIEW_CHARS)
        .collect();
    if one_line.chars().count() > parley_protocol::api::PREVIEW_CHARS {
        out.push('…');
    }
    out
}

/// Stores one message with the next sequence number, idempotently on its client id, and
/// publishes it after the commit. Messages arriving together share one transaction
/// ([`commit`]); this returns after the commit of the one holding `m`.
pub async fn append(
    state: &AppState,
    conversation_id: &str,
    m: NewMessage,
) -> Result<Appended, ApiError> {
    commit::append(state, conversation_id, m).await
}

/// [`append`] in a transaction of its own: a group of one, or a message of a group
/// that failed, retried alone.
async fn append_alone(
    state: &AppState,
    tenant: Option<&str>,
    conversation_id: &str,
    m: NewMessage,
) -> Result<Appended, ApiError> {
    append_with(state, tenant, conversation_id, m, None).await
}

/// A file stored with its message, and the most files its conversation may keep.
#[derive(Debug, Clone, Copy)]
pub struct Attachment<'a> {
    pub file: store::files::NewFile<'a>,
    pub max_per_conversation: i64,
}

/// [`append`] for a message whose file is stored in the same transaction: the file
/// count is checked while the conversation row is locked (two uploads at the cap
/// cannot both pass), and a duplicate or a refusal stores no file.
pub async fn append_with_file(
    state: &AppState,
    conversation_id: &str,
    m: NewMessage,
    attachment: Attachment<'_>,
) -> Result<Appended, ApiError> {
    append_with(state, None, conversation_id, m, Some(attachment)).await
}

/// Stores `m` in its own transaction; with `tenant`, only in a conversation of that
/// tenant (others are "not found", checked under the row lock).
async fn append_with(
    state: &AppState,
    tenant: Option<&str>,
    conversation_id: &str,
    m: NewMessage,
    attachment: Option<Attachment<'_>>,
) -> Result<Appended, ApiError> {
    let agent = m.sender_id.clone();
    for attempt in 0..2 {
        let mut tx = state.db.begin().await?;
        let visitor_at = (m.sender == Sender::Visitor).then(now_ms);
        let Some(c) = store::conversations::bump(&mut tx, conversation_id, 1, visitor_at).await?
        else {
            return Err(not_found());
        };
        if tenant.is_some_and(|t| t != c.sysnum) {
            return Err(not_found());
        }
        if let Some(cid) = &m.client_id {
            if let Some(existing) =
                store::messages::by_client_id(&mut *tx, &c.id, m.sender, cid).await?
            {
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
        transitions::may_append(&c, m.sender, m.kind, agent.as_deref())?;
        if let Some(a) = attachment {
            let kept = store::files::count_in_conversation(&mut *tx, &c.id).await?;
            if kept >= a.max_per_conversation {
                return Err(ApiError::client(
                    StatusCode::TOO_MANY_REQUESTS,
                    ErrorCode::RateLimited,
                    format!(
                        "this conversation already has {} files; no more can be sent in it",
                        a.max_per_conversation
                    ),
                ));
            }
            store::files::insert(&mut *tx, a.file).await?;
        }
        match store::messages::insert(&mut tx, &c.id, c.last_seq, &m, now_ms()).await {
            Ok(message) => {
                tx.commit().await?;
                publish::messages(state, &c, std::slice::from_ref(&message));
                return Ok(Appended {
                    message,
                    duplicate: false,
                    conversation: c,
                });
            }
            // Two sends of one client id raced past the check; the loser reads the
            // winner's row on the next attempt.
            Err(e) if attempt == 0 && store::is_unique_violation(&e) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::Internal("client id conflict persisted".into()))
}

/// Stores an agent's message (a reply, or an offline message) in a conversation of the
/// agent's tenant.
pub async fn send_as_agent(
    state: &AppState,
    who: &AgentAuth,
    conversation_id: &str,
    client_id: &str,
    text: &str,
    kind: MessageKind,
) -> Result<Appended, ApiError> {
    submit_as_agent(state, who, conversation_id, client_id, text, kind)
        .await?
        .await
}

/// [`send_as_agent`] in two steps: checks the message and hands it to the committer,
/// then returns what resolves after its commit ([`commit::submit`]), so an agent's
/// socket can have several replies on their way at once, stored in the order sent.
/// Nothing is read from the store first: that the conversation is of the agent's
/// tenant is checked in the commit, under the row lock.
pub async fn submit_as_agent(
    state: &AppState,
    who: &AgentAuth,
    conversation_id: &str,
    client_id: &str,
    text: &str,
    kind: MessageKind,
) -> Result<impl std::future::Future<Output = Result<Appended, ApiError>> + Send + 'static, ApiError>
{
    check_text(client_id, text)?;
    let (_, agent) = who.resolve(state)?;
    let m = NewMessage::from_person(
        client_id,
        Sender::Agent,
        Some(agent.id.clone()),
        Some(agent.name.clone()),
        kind,
        text.to_owned(),
    );
    commit::submit(state, Some(&who.sysnum), conversation_id, m).await
}

/// Writes a [`Change`] to a row `tx` locked (`store::conversations::lock`) and stores
/// its system messages, in `tx`. The caller commits, then publishes
/// ([`publish::change`]).
pub async fn apply(
    tx: &mut Tx,
    before: &Conversation,
    change: Change,
) -> Result<Changed, store::Error> {
    let now = now_ms();
    let after = store::conversations::apply(tx, before, &change, now).await?;
    let mut messages = Vec::with_capacity(change.messages.len());
    for (i, event) in change.messages.into_iter().enumerate() {
        let seq = before.last_seq + 1 + i as i64;
        let m = NewMessage::system(event);
        messages.push(store::messages::insert(tx, &after.id, seq, &m, now).await?);
    }
    Ok(Changed {
        before: before.clone(),
        after,
        messages,
    })
}

/// Applies the change `decide` computes from the locked row, if it computes one:
/// stores it, commits, publishes. `None` (nothing stored) when `decide` says the row
/// has moved on. Does not drain the queue: see `crate::reception::transition`.
pub async fn transition_if(
    state: &AppState,
    conversation_id: &str,
    decide: impl FnOnce(&Conversation) -> Result<Option<Change>, TransitionError>,
) -> Result<Option<Changed>, ApiError> {
    let mut tx = state.db.begin().await?;
    let Some(before) = store::conversations::lock(&mut tx, conversation_id).await? else {
        return Err(not_found());
    };
    let Some(change) = decide(&before)? else {
        tx.rollback().await?;
        return Ok(None);
    };
    let changed = apply(&mut tx, &before, change).await?;
    tx.commit().await?;
    publish::change(state, &changed.before, &changed.after, &changed.messages).await;
    Ok(Some(changed))
}

/// [`transition_if`] for a decision that always changes the row or refuses.
pub async fn transition(
    state: &AppState,
    conversation_id: &str,
    decide: impl FnOnce(&Conversation) -> Result<Change, TransitionError>,
) -> Result<Changed, ApiError> {
    transition_if(state, conversation_id, |c| decide(c).map(Some))
        .await?
        .ok_or_else(|| ApiError::Internal("a transition decided nothing".into()))
}
