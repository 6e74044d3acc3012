//! WebSocket events: what the server pushes on `/ws/visitor` and `/ws/agent`, and what
//! clients send back. Every frame is one JSON object with a `type` tag.
//!
//! Stored messages (including state changes such as "agent joined", "transferred",
//! "ended" and "evaluation invited", which are system messages with a
//! [`SystemEvent`](crate::api::SystemEvent)) travel as [`ServerEvent::Message`], so a
//! client that reconnects with the last sequence it saw replays them exactly like text.
//! Typing, queue position and acks are momentary and are not replayed.

use crate::api::{ChatMessage, ConversationSummary, ErrorCode};
use serde::{Deserialize, Serialize};

/// Server → client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerEvent {
    /// A stored message (text, offline or system event), in sequence order per
    /// conversation.
    Message { message: ChatMessage },
    /// The other side is typing (or stopped).
    Typing {
        conversation_id: String,
        from: crate::api::Sender,
        typing: bool,
    },
    /// The visitor's place in the queue changed (1 = next).
    QueuePosition {
        conversation_id: String,
        position: u32,
    },
    /// Agents only: a conversation of the tenant changed (queued, accepted, transferred,
    /// ended), so the workbench can refresh its lists.
    Conversation { conversation: ConversationSummary },
    /// Agents only: a visitor left a new ticket (a message) for the tenant, so the
    /// workbench's ticket list shows it without reloading.
    Ticket { ticket_id: String, number: i64 },
    /// The sender's message with `client_id` is stored as `seq`.
    Ack {
        client_id: String,
        conversation_id: String,
        seq: i64,
        /// True when the id had already been stored (nothing new was stored).
        duplicate: bool,
    },
    /// A client event was refused; the socket stays open.
    Error { code: ErrorCode, message: String },
}

/// What the visitor's client reads of [`ServerEvent`]: the same wire format without the
/// agents-only events, which it skips as [`VisitorEvent::Other`]. A type of its own so the
/// visitor bundle carries no decoder for events it never uses.
///
/// On wasm32 (the visitor's bundle) its `Deserialize` is `crate::tag_first`'s, which
/// reads the same JSON without serde's `Content` buffering.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    not(target_arch = "wasm32"),
    derive(Deserialize),
    serde(tag = "type", rename_all = "snake_case")
)]
pub enum VisitorEvent {
    /// [`ServerEvent::Message`] (boxed: every other event is small).
    Message { message: Box<ChatMessage> },
    /// [`ServerEvent::Typing`].
    Typing {
        conversation_id: String,
        from: crate::api::Sender,
        typing: bool,
    },
    /// [`ServerEvent::QueuePosition`].
    QueuePosition {
        conversation_id: String,
        position: u32,
    },
    /// [`ServerEvent::Ack`].
    Ack {
        client_id: String,
        conversation_id: String,
        seq: i64,
        duplicate: bool,
    },
    /// [`ServerEvent::Error`].
    Error { code: ErrorCode, message: String },
    /// An event for agents only.
    #[cfg_attr(not(target_arch = "wasm32"), serde(other))]
    Other,
}

/// Client → server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientEvent {
    /// Send a text message. Agents must name the conversation; visitors may omit it (it
    /// is always their session's conversation).
    Send {
        #[serde(default)]
        conversation_id: Option<String>,
        client_id: String,
        text: String,
        /// Visitors only: the tapped [`Suggestion`](crate::api::Suggestion)'s id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        faq_id: Option<u64>,
    },
    /// Typing started or stopped.
    Typing {
        #[serde(default)]
        conversation_id: Option<String>,
        typing: bool,
    },
    /// Everything up to `seq` has been seen.
    Read {
        #[serde(default)]
        conversation_id: Option<String>,
        seq: i64,
    },
}

/// Close code sent when a client reads too slowly and its bounded queue overflowed: it
/// should reconnect with its last sequence and catch up from the store.
pub const CLOSE_OVERFLOW: u16 = 4008;
/// Close code sent when the session token is unknown or expired.
pub const CLOSE_UNAUTHORIZED: u16 = 4001;
/// Close code sent when the server shuts down.
pub const CLOSE_GOING_AWAY: u16 = 1001;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_tagged_snake_case_json() {
        let e = ClientEvent::Send {
            conversation_id: None,
            client_id: "c1".into(),
            text: "hi".into(),
            faq_id: None,
        };
        let text = serde_json::to_string(&e).unwrap();
        assert_eq!(
            text,
            r#"{"type":"send","conversation_id":null,"client_id":"c1","text":"hi"}"#
        );
        let back: ClientEvent =
            serde_json::from_str(r#"{"type":"send","client_id":"c1","text":"hi"}"#).unwrap();
        assert_eq!(back, e);
        let ack = ServerEvent::Ack {
            client_id: "c1".into(),
            conversation_id: "k".into(),
            seq: 3,
            duplicate: false,
        };
        let v = serde_json::to_value(&ack).unwrap();
        assert_eq!(v["type"], "ack");
        assert_eq!(v["seq"], 3);
    }

    /// The visitor's reading of every event the server sends: the same fields, and the
    /// agents-only ones skipped rather than an error.
    #[test]
    fn visitors_read_what_the_server_sends() {
        use crate::api::{ConversationState, ConversationSummary, Sender};
        let read = |e: &ServerEvent| -> VisitorEvent {
            serde_json::from_str(&serde_json::to_string(e).unwrap()).unwrap()
        };
        let ack = ServerEvent::Ack {
            client_id: "c1".into(),
            conversation_id: "k".into(),
            seq: 3,
            duplicate: true,
        };
        assert_eq!(
            read(&ack),
            VisitorEvent::Ack {
                client_id: "c1".into(),
                conversation_id: "k".into(),
                seq: 3,
                duplicate: true,
            }
        );
        let typing = ServerEvent::Typing {
            conversation_id: "k".into(),
            from: Sender::Agent,
            typing: true,
        };
        assert!(matches!(
            read(&typing),
            VisitorEvent::Typing {
                from: Sender::Agent,
                typing: true,
                ..
            }
        ));
        let queue = ServerEvent::QueuePosition {
            conversation_id: "k".into(),
            position: 2,
        };
        assert!(matches!(
            read(&queue),
            VisitorEvent::QueuePosition { position: 2, .. }
        ));
        let error = ServerEvent::Error {
            code: ErrorCode::BadRequest,
            message: "no".into(),
        };
        assert!(matches!(
            read(&error),
            VisitorEvent::Error {
                code: ErrorCode::BadRequest,
                ..
            }
        ));
        let summary = ConversationSummary {
            id: "k".into(),
            visitor_id: "v".into(),
            visitor_name: None,
            state: ConversationState::Queueing,
            group_id: None,
            agent_id: None,
            last_seq: 1,
            created_at: 0,
            queued_at: Some(0),
            end_reason: None,
            source: None,
            summaryparams: None,
            tier: Default::default(),
            preview: None,
            transfer_note: None,
            origin_tenant: None,
            page: None,
            unread: 0,
        };
        let agents_only = ServerEvent::Conversation {
            conversation: summary,
        };
        assert_eq!(read(&agents_only), VisitorEvent::Other);
        let ticket = ServerEvent::Ticket {
            ticket_id: "t".into(),
            number: 1,
        };
        assert_eq!(read(&ticket), VisitorEvent::Other);
    }
}
