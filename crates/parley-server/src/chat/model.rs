//! The conversation's domain types: a conversation as stored, a message about to be
//! stored, and the limits on what clients send. Plain data, no I/O.

use parley_protocol::api::{
    BotReply, ChatMessage, ConversationState, ConversationSummary, EndReason, FileRef, ImageRef,
    MessageKind, QueueTier, Sender, SystemEvent,
};
use parley_protocol::card::Card;

/// Longest message text, in characters.
pub const MAX_TEXT_CHARS: usize = 5000;
/// Longest client message id, in bytes.
pub const MAX_CLIENT_ID: usize = 64;

/// A conversation as the store keeps it.
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
    /// Every visitor message up to this seq has been on its agent's screen (the
    /// workbench's read mark; 0 again whenever the agent changes).
    pub agent_read_seq: i64,
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
    /// The last transfer's note, for the receiving agent.
    pub transfer_note: Option<String>,
    /// The visitor's tenant when the conversation moved to another (e-commerce
    /// overflow: `sysnum` is then the partner serving it); `None` when it never moved.
    pub visitor_sysnum: Option<String>,
}

impl Conversation {
    /// The visitor's tenant: the one whose session, link settings, bot and evaluation
    /// form the conversation keeps, wherever it is served.
    pub fn home(&self) -> &str {
        self.visitor_sysnum.as_deref().unwrap_or(&self.sysnum)
    }

    /// The visitor's tenant when another serves the conversation (overflow).
    pub fn origin(&self) -> Option<&str> {
        Some(self.home()).filter(|h| *h != self.sysnum)
    }

    /// The workbench's view of it, with the visitor's name and the newest text.
    pub fn summary(
        &self,
        visitor_name: Option<String>,
        preview: Option<String>,
        unread: u32,
    ) -> ConversationSummary {
        let notes: LinkNotes = serde_json::from_str(&self.context).unwrap_or_default();
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
            source: notes.source,
            summaryparams: notes.summaryparams,
            tier: match self.priority >> 32 {
                2 => QueueTier::QueueFirst,
                1 => QueueTier::Vip,
                _ => QueueTier::Normal,
            },
            preview,
            transfer_note: self.transfer_note.clone(),
            origin_tenant: self.origin().map(str::to_owned),
            page: notes.page,
            unread,
        }
    }
}

/// What the agents' view reads of the link a conversation started with (a subset of
/// `crate::reception::Context`, stored as JSON in `conversations.context`).
#[derive(Debug, Default, serde::Deserialize)]
struct LinkNotes {
    #[serde(default)]
    source: Option<u8>,
    #[serde(default)]
    summaryparams: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    page: Option<parley_protocol::api::VisitPage>,
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
    pub card: Option<Card>,
    /// The picture of a [`MessageKind::Image`] message (its file is already stored).
    pub image: Option<ImageRef>,
    /// The file of a [`MessageKind::File`] message (its bytes are already stored).
    pub file: Option<FileRef>,
}

impl NewMessage {
    /// A message a person typed or sent: text, a card or a picture.
    pub fn from_person(
        client_id: &str,
        sender: Sender,
        sender_id: Option<String>,
        sender_name: Option<String>,
        kind: MessageKind,
        text: String,
    ) -> NewMessage {
        NewMessage {
            client_id: Some(client_id.to_owned()),
            sender,
            sender_id,
            sender_name,
            kind,
            text,
            event: None,
            bot: None,
            card: None,
            image: None,
            file: None,
        }
    }

    /// A system message recording `event`, with a plain-text description for clients
    /// that do not know the event.
    pub fn system(event: SystemEvent) -> NewMessage {
        let text = match &event {
            SystemEvent::Queued { .. } => "Waiting for an agent.".to_owned(),
            SystemEvent::AgentJoined { agent_name, .. } => format!("{agent_name} joined."),
            SystemEvent::Transferred { .. } => "The conversation was transferred.".to_owned(),
            SystemEvent::Ended { .. } => "The conversation has ended.".to_owned(),
            SystemEvent::EvaluationInvited => "Please rate this conversation.".to_owned(),
            SystemEvent::Evaluated { evaluation } => format!(
                "The visitor rated the conversation {} of {}.",
                evaluation.score,
                evaluation.kind.max()
            ),
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
            file: None,
        }
    }

    /// The message as clients see it once stored as `seq` of `conversation_id` at `at`.
    pub fn stored(&self, conversation_id: &str, seq: i64, at: i64) -> ChatMessage {
        ChatMessage {
            conversation_id: conversation_id.to_owned(),
            seq,
            client_id: self.client_id.clone(),
            sender: self.sender,
            sender_name: self.sender_name.clone(),
            kind: self.kind,
            text: self.text.clone(),
            event: self.event.clone(),
            bot: self.bot.clone(),
            card: self.card.clone().map(Box::new),
            image: self.image.clone().map(Box::new),
            file: self.file.clone().map(Box::new),
            created_at: at,
        }
    }
}

/// The result of storing one message.
#[derive(Debug, Clone)]
pub struct Appended {
    pub message: ChatMessage,
    /// The client id was stored before: `message` is that first one, nothing new.
    pub duplicate: bool,
    /// The conversation as it is after the message.
    pub conversation: Conversation,
}

/// What is wrong with a message a client sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidMessage {
    ClientId,
    EmptyText,
    TextTooLong,
}

impl std::fmt::Display for InvalidMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InvalidMessage::ClientId => write!(f, "client_id must be 1 to {MAX_CLIENT_ID} bytes"),
            InvalidMessage::EmptyText => write!(f, "text is empty"),
            InvalidMessage::TextTooLong => {
                write!(f, "text is longer than {MAX_TEXT_CHARS} characters")
            }
        }
    }
}

/// Checks a client-generated message id.
pub fn check_client_id(client_id: &str) -> Result<(), InvalidMessage> {
    if client_id.is_empty() || client_id.len() > MAX_CLIENT_ID {
        return Err(InvalidMessage::ClientId);
    }
    Ok(())
}

/// Checks a client-sent text message's sizes.
pub fn check_text(client_id: &str, text: &str) -> Result<(), InvalidMessage> {
    check_client_id(client_id)?;
    if text.trim().is_empty() {
        return Err(InvalidMessage::EmptyText);
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(InvalidMessage::TextTooLong);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_limits() {
        assert_eq!(check_text("c", "hi"), Ok(()));
        assert_eq!(check_text("", "hi"), Err(InvalidMessage::ClientId));
        assert_eq!(
            check_text(&"x".repeat(65), "hi"),
            Err(InvalidMessage::ClientId)
        );
        assert_eq!(check_text("c", "  "), Err(InvalidMessage::EmptyText));
        assert_eq!(check_text("c", &"é".repeat(MAX_TEXT_CHARS)), Ok(()));
        assert_eq!(
            check_text("c", &"é".repeat(MAX_TEXT_CHARS + 1)),
            Err(InvalidMessage::TextTooLong)
        );
    }
}
