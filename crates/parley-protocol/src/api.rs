//! HTTP request and response bodies shared by the client and the server.

use crate::{Locale, ParamIssue};
use serde::{Deserialize, Serialize};

/// `POST /api/chat/init`: the visitor page starts (or resumes) a session.
///
/// The client sends the raw query string it was opened with; the server re-parses it
/// with the same [`crate::ChatParams`] code rather than trusting the client's parse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InitRequest {
    /// The page's query string, as in `location.search`.
    pub query: String,
    /// An anonymous visitor id the client keeps in local storage, if it has one.
    #[serde(default)]
    pub visitor_id: Option<String>,
    /// The page the chat was opened from (`document.referrer`), if the browser told:
    /// agents see it beside a waiting visitor when no browsing track says better.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
}

/// The answer to [`InitRequest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InitResponse {
    /// The visitor's id; the client keeps it (local storage) and sends it next time.
    pub visitor_id: String,
    /// The tenant's display name.
    pub company_name: String,
    /// The locale the page should use (link > tenant setting > default).
    pub locale: Locale,
    /// The greeting shown at the top of a new conversation.
    pub greeting: String,
    /// Parameters the server dropped, with reasons.
    pub issues: Vec<ParamIssue>,
    /// The bearer token for every other visitor endpoint and `/ws/visitor`. It is bound
    /// to this visitor and this conversation.
    pub session_token: String,
    /// The settings the chat runs with (link > backend > defaults).
    pub settings: crate::EffectiveSettings,
    pub conversation: ConversationView,
    /// The tenant's skill groups.
    pub groups: Vec<GroupView>,
    /// Recent messages of the visitor's conversations, oldest first, limited to the
    /// effective `time` minutes.
    pub history: Vec<ChatMessage>,
    /// Offline messages agents left that the visitor has not read yet.
    pub unread_offline: Vec<ChatMessage>,
    /// What reception decided when this conversation started (or where it stands when
    /// it is resumed): the bot, a group to choose, an agent, the queue, or nobody.
    pub reception: Reception,
    /// The bot's guided questions, shown under the greeting when `guide_flag` is on and
    /// the bot answers; empty otherwise.
    #[serde(default)]
    pub guide: Vec<Suggestion>,
    /// Agents replied to one of the visitor's tickets and the visitor has not seen it
    /// yet: the spec's `offline_message_count` `leaveToTicket` flag.
    #[serde(default)]
    pub leave_to_ticket: bool,
    /// How the visitor is asked to rate their conversations with agents.
    #[serde(default)]
    pub evaluation: crate::evaluation::EvaluationSettings,
}

/// The answer to `POST /api/chat/offline` (its request is an [`InitRequest`]): what the
/// spec's `zc("offline_message_count")` callback receives, with the spec's field names.
/// The loader asks for it through its hidden visitor frame when a page loads, so a returning
/// visitor learns of agents' messages without opening the chat. Asking creates no visitor
/// and marks nothing read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfflineCount {
    /// How many offline messages the visitor has not read.
    pub size: usize,
    /// Those messages, oldest first.
    pub offline_msg: Vec<OfflineNote>,
    /// Agents' chat messages the visitor has not seen yet (sent while the page was closed
    /// or the window collapsed), oldest first.
    pub un_ack_msg: Vec<OfflineNote>,
    /// How many of those there are.
    pub un_ack_size: usize,
    /// The skill group of the visitor's latest conversation, or "".
    pub group_id: String,
    /// 1 when an agent replied to one of the visitor's tickets and the visitor has not
    /// looked yet, else 0.
    pub leave_to_ticket: u8,
}

/// One message in an [`OfflineCount`], in the shape `receive_message` callbacks get.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflineNote {
    /// The agent's avatar URL, or "" when the agent has none.
    pub img: String,
    /// The agent's display name.
    pub name: String,
    /// The message as plain text (rich-text markers removed).
    pub msg: String,
    /// When it was sent, Unix milliseconds.
    pub t: i64,
}

/// `POST /api/chat/trace`: one page view of the visitor's browsing track (the spec's
/// `man_trace` and `zc("trace")`), sent by the loader's visitor frame with the chat
/// page's query. Field names and keys are the spec's; every value is a string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceRequest {
    /// The page's query string, as the chat page would get it (sysnum, partnerid, …).
    pub query: String,
    /// The anonymous visitor id the browser kept, if any.
    #[serde(default)]
    pub visitor_id: Option<String>,
    /// The page the visitor came from: `pre_visit_url`, `pre_visit_title`,
    /// `pre_abstract`, `pre_thumbnail`, `pre_tags`.
    #[serde(default)]
    pub pre_visit_args: Option<std::collections::BTreeMap<String, String>>,
    /// The page being viewed: `cur_visit_url`, `cur_visit_title`, `cur_abstract`,
    /// `cur_thumbnail`, `cur_tags`.
    #[serde(default)]
    pub cur_visit_args: Option<std::collections::BTreeMap<String, String>>,
}

/// The answer to [`TraceRequest`]: the visitor the track was recorded for (the visitor
/// frame keeps it, as the chat page would, so a later chat is the same visitor's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceResponse {
    pub visitor_id: String,
}

/// One page of a browsing track, as stored: only http(s) URLs, lengths bounded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitPage {
    /// The page's address (http or https), or "".
    pub url: String,
    pub title: String,
    /// The page's digest.
    #[serde(rename = "abstract")]
    pub summary: String,
    /// A picture of the page (http or https), or "".
    pub thumbnail: String,
    pub tags: String,
}

/// One entry of a visitor's browsing track, for agents
/// (`GET /api/agent/visitors/{id}/traces`, newest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitTrace {
    /// The page viewed.
    pub page: VisitPage,
    /// The page before it, when the host page said.
    pub previous: Option<VisitPage>,
    /// Unix milliseconds.
    pub at: i64,
}

/// How often (seconds) the loader's visitor frame reports that the visitor is on a page
/// where agents may invite them (`invite_flag`), with `POST /api/chat/presence` (its
/// body is a [`TraceRequest`] naming the page in `cur_visit_args`).
pub const PRESENCE_INTERVAL_SECS: u32 = 10;

/// `GET /api/loader/settings?sysnum=…&locale=…`: what the host-page loader
/// (`sdk/entrance.js`) needs before it shows anything. The answer depends on the page's
/// `Origin` (and says so with `Vary: Origin`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoaderSettings {
    /// Whether the page asking may embed the chat: its origin is the server's own, in
    /// the tenant's `allowed_origins`, or the list is the lone wildcard `"*"`.
    pub allowed: bool,
    /// The page's origin as the server saw it (`None` for a page of the server's own).
    pub origin: Option<String>,
    /// When not allowed: what to change, for the loader's console error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The language of `labels`: the asked one, else the tenant's default, else zh.
    pub locale: Locale,
    /// The loader's own texts in `locale`: `locales/<code>/loader.ftl` without the
    /// `loader-` prefix of its keys (`open`, `close`, `open-unread`, …).
    pub labels: std::collections::BTreeMap<String, String>,
    /// The tenant's backend values for the loader, under the names of the zc("config")
    /// parameters they stand in for (precedence zc > these > the loader's defaults).
    pub backend: LoaderBackend,
}

/// The tenant's backend values the loader applies when the page sets none; absent ones
/// are left out of the JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoaderBackend {
    /// Theme colour, six hex digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Launcher position: 1 bottom right, 2 bottom left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<u8>,
    /// A text shown on the launcher (a pill instead of the round button); no zc name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launcher_text: Option<String>,
    /// Automatic invitations and their texts and timings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tip_title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submit_title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_timeout: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub over_timeout: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite_count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite_imgsrc: Option<String>,
    /// Browsing tracks ("Enable in the backend").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub man_trace: Option<bool>,
    /// Agents' proactive invitations ("Proactive Chat Invitation" in the backend):
    /// `true` lists the tenant's visitors for agents to invite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite_flag: Option<bool>,
}

/// The answer to a presence report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresenceResponse {
    /// The visitor the report was for (the frame keeps it, as the chat page would).
    pub visitor_id: String,
    /// An agent's invitation waiting for the visitor; each is handed out once.
    pub invitation: Option<Invitation>,
}

/// An agent's invitation to chat (the spec's proactive chat invitation by agent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub agent_id: String,
    pub agent_name: String,
    /// The agent's picture, when configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_avatar: Option<String>,
    /// What the agent wrote, or "" for the page's own invitation text.
    pub text: String,
}

/// `POST /api/agent/visitors/{id}/invite`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteRequest {
    /// The invitation's text (plain, at most 500 characters); none for the page's own.
    #[serde(default)]
    pub text: Option<String>,
}

/// A visitor agents may invite now (`GET /api/agent/browsing`, most recent first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrowsingVisitor {
    pub visitor_id: String,
    /// The visitor's nickname (`uname`), when the page gave one.
    pub visitor_name: Option<String>,
    /// The page they are on.
    pub page: VisitPage,
    /// When their page last reported, Unix milliseconds.
    pub last_seen: i64,
    /// Since when they are on this page (Unix ms): their time on it is `last_seen`
    /// minus this.
    #[serde(default)]
    pub on_page_since: i64,
    /// Whether an invitation is waiting for their page to pick it up.
    pub invited: bool,
}

/// Every error body the server returns: a stable machine code and a human message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorBody {
    pub code: ErrorCode,
    pub message: String,
}

/// Stable error codes the client localizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request is malformed or a field is invalid.
    BadRequest,
    /// No tenant has the given sysnum.
    UnknownTenant,
    /// The sign is missing or wrong (the spec's "illegal user").
    IllegalUser,
    /// The token is missing, wrong or expired.
    TokenExpired,
    /// The caller's session does not allow this.
    Unauthorized,
    /// Nothing at that address.
    NotFound,
    /// Too many requests.
    RateLimited,
    /// Something broke on the server; details are in its log.
    Internal,
}

// ---------------------------------------------------------------------------------------
// Conversations and messages (shared by the HTTP API and the WebSocket events).
// ---------------------------------------------------------------------------------------

/// Where a conversation stands. Stored as the same snake-case text in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationState {
    /// The bot answers (reception type 1 or 3).
    Bot,
    /// Waiting in the queue for an agent to accept.
    Queueing,
    /// An agent is talking with the visitor.
    WithAgent,
    /// Over; nothing more is exchanged except offline messages from agents.
    Ended,
}

impl ConversationState {
    /// The text stored in the database and sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ConversationState::Bot => "bot",
            ConversationState::Queueing => "queueing",
            ConversationState::WithAgent => "with_agent",
            ConversationState::Ended => "ended",
        }
    }

    /// Reads [`ConversationState::as_str`] back.
    pub fn parse(text: &str) -> Option<ConversationState> {
        Some(match text {
            "bot" => ConversationState::Bot,
            "queueing" => ConversationState::Queueing,
            "with_agent" => ConversationState::WithAgent,
            "ended" => ConversationState::Ended,
            _ => return None,
        })
    }
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sender {
    Visitor,
    Agent,
    Bot,
    /// The server itself: state changes such as "agent joined".
    System,
}

impl Sender {
    /// The text stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Sender::Visitor => "visitor",
            Sender::Agent => "agent",
            Sender::Bot => "bot",
            Sender::System => "system",
        }
    }

    /// Reads [`Sender::as_str`] back.
    pub fn parse(text: &str) -> Option<Sender> {
        Some(match text {
            "visitor" => Sender::Visitor,
            "agent" => Sender::Agent,
            "bot" => Sender::Bot,
            "system" => Sender::System,
            _ => return None,
        })
    }
}

/// What kind of message it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// Ordinary chat text.
    Text,
    /// Left by an agent after the visitor went away; shown as unread at the next init.
    Offline,
    /// A state change; [`ChatMessage::event`] says which.
    System,
    /// A product or order card; [`ChatMessage::card`] has it.
    Card,
    /// A picture; [`ChatMessage::image`] has it.
    Image,
    /// Any other file (PDF, Office, text, ZIP); [`ChatMessage::file`] has it.
    File,
}

impl MessageKind {
    /// The text stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Text => "text",
            MessageKind::Offline => "offline",
            MessageKind::System => "system",
            MessageKind::Card => "card",
            MessageKind::Image => "image",
            MessageKind::File => "file",
        }
    }

    /// Reads [`MessageKind::as_str`] back.
    pub fn parse(text: &str) -> Option<MessageKind> {
        Some(match text {
            "text" => MessageKind::Text,
            "offline" => MessageKind::Offline,
            "system" => MessageKind::System,
            "card" => MessageKind::Card,
            "image" => MessageKind::Image,
            "file" => MessageKind::File,
            _ => return None,
        })
    }
}

/// Why a conversation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// The visitor left (`POST /api/chat/leave`).
    VisitorLeft,
    /// The agent ended the chat.
    AgentEnded,
    /// The agent went offline (or signed out) while holding the chat.
    AgentOffline,
    /// The visitor sent nothing for the tenant's idle timeout.
    VisitorIdle,
}

/// A state change recorded as a system message, so that it has a sequence number and a
/// reconnecting client replays it like any other message.
// `Deserialize` on wasm32: `crate::tag_first` (no `Content` buffering).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(Deserialize))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SystemEvent {
    /// The conversation entered the waiting queue (of `group_id` when set).
    Queued { group_id: Option<String> },
    /// An agent accepted the conversation.
    AgentJoined {
        agent_id: String,
        agent_name: String,
        /// The agent's picture (http or https), when the tenant configured one. Events
        /// stored before avatars existed have none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agent_avatar: Option<String>,
    },
    /// The conversation moved to another agent, or back to a group's queue.
    Transferred {
        from_agent: Option<String>,
        to_agent: Option<String>,
        to_agent_name: Option<String>,
        to_group: Option<String>,
        /// The new agent's picture, as in [`SystemEvent::AgentJoined`].
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to_agent_avatar: Option<String>,
    },
    /// The conversation is over.
    Ended { reason: EndReason },
    /// The visitor is invited to rate the service (the agent ended the chat, or invited
    /// it with `POST /api/agent/conversations/{id}/evaluation/invite`).
    EvaluationInvited,
    /// The visitor rated the conversation; the message's place in the history is when.
    /// Boxed: every other event is small.
    Evaluated {
        evaluation: Box<crate::evaluation::Evaluation>,
    },
    /// The visitor left the queue because no agent who could take them is signed in
    /// any more; the bot answers again and the client offers to leave a message.
    NoAgentOnline,
}

/// One stored message. `(conversation_id, seq)` identifies it; `seq` counts from 1 with
/// no gaps within a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub conversation_id: String,
    /// The per-conversation sequence number the server assigned.
    pub seq: i64,
    /// The id the sending client generated; a re-send with the same id is stored once.
    pub client_id: Option<String>,
    pub sender: Sender,
    /// The agent's display name for agent messages.
    pub sender_name: Option<String>,
    pub kind: MessageKind,
    /// Plain text; never HTML.
    pub text: String,
    /// For [`MessageKind::System`] messages, what happened.
    pub event: Option<SystemEvent>,
    /// For bot messages: the outcome, tappable suggestions and whether the
    /// trans-to-agent button shows from now on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot: Option<BotReply>,
    /// For [`MessageKind::Card`] messages, the card with every field (`text` is then a
    /// plain-text summary for readers that do not show cards). Boxed so that every
    /// other message stays small.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<Box<crate::card::Card>>,
    /// For [`MessageKind::Image`] messages, the stored picture (`text` is then its file
    /// name, for readers that do not show pictures). Boxed like `card`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Box<ImageRef>>,
    /// For [`MessageKind::File`] messages, the stored file (`text` is then its name, for
    /// readers that do not show file cards). Boxed like `card`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<Box<FileRef>>,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// A picture sent in a conversation, stored by the server and served from
/// [`ImageRef::url`] as the type its content was checked to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageRef {
    /// A random, unguessable id (it is also the capability to fetch the file: `<img>`
    /// requests carry no bearer token).
    pub id: String,
    /// `image/png`, `image/jpeg`, `image/gif` or `image/webp`.
    pub content_type: String,
    /// Bytes.
    pub size: u64,
    /// Pixels, read from the file's header so the list reserves the space before the
    /// picture loads (no jump while scrolled to the bottom).
    pub width: u32,
    pub height: u32,
}

impl ImageRef {
    /// The same-origin path the picture is served from; `None` when the id is not the
    /// plain token the server generates (so no stored value can point a client at
    /// another path).
    pub fn url(&self) -> Option<String> {
        let plain = !self.id.is_empty()
            && self.id.len() <= 64
            && self
                .id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        plain.then(|| format!("/api/files/{}", self.id))
    }
}

/// A file that is not a picture, sent in a conversation: a PDF, an Office document,
/// UTF-8 text or a ZIP, checked by its bytes like ticket attachments and served from
/// [`FileRef::url`] as a download (`Content-Disposition: attachment`), never shown
/// inline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRef {
    /// A random, unguessable id, as [`ImageRef::id`].
    pub id: String,
    /// The sender's file name, cleaned (no path, no control characters).
    pub name: String,
    /// The type its content was checked to be.
    pub content_type: String,
    /// Bytes.
    pub size: u64,
}

impl FileRef {
    /// The same-origin path the file downloads from; `None` for an id that is not the
    /// plain token the server generates.
    pub fn url(&self) -> Option<String> {
        ImageRef {
            id: self.id.clone(),
            content_type: String::new(),
            size: 0,
            width: 0,
            height: 0,
        }
        .url()
    }
}

/// The largest file (not a picture) a visitor or agent may send when the tenant sets no
/// `chat_file_bytes`, in bytes.
pub const DEFAULT_CHAT_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// The largest picture a visitor or agent may send, in bytes.
pub const MAX_IMAGE_BYTES: u64 = 5 * 1024 * 1024;

/// A question the visitor can tap: a guided question, a question related to an answer,
/// or a "did you mean" suggestion. Tapping sends `question` as the visitor's message
/// with [`SendRequest::faq_id`] set to `id`, so the bot answers exactly that entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub id: u64,
    pub question: String,
}

/// How the bot handled the visitor's last message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BotOutcome {
    /// A direct answer (the message text); `suggestions` are related questions.
    Answer,
    /// Not sure: `suggestions` are the "did you mean" candidates.
    Suggest,
    /// No match: the text is the bot's unknown-question reply.
    Unknown,
}

/// The bot-specific part of a bot message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotReply {
    pub outcome: BotOutcome,
    /// The FAQ entry answered, for [`BotOutcome::Answer`].
    #[serde(default)]
    pub faq_id: Option<u64>,
    #[serde(default)]
    pub suggestions: Vec<Suggestion>,
    /// Whether the trans-to-agent button shows from this message on (the `show_manual`
    /// rule: after the tenant's number of unknown answers).
    pub transfer_button: bool,
}

/// What reception decided for the visitor: the answer of init and of
/// `POST /api/chat/transfer`.
// `Deserialize` on wasm32: `crate::tag_first` (no `Content` buffering).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(Deserialize))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Reception {
    /// The bot answers (bot only, bot first before a transfer, or agent first when no
    /// agent can take the visitor).
    Bot,
    /// Several skill groups and none designated: show these and call transfer again
    /// with the chosen [`TransferToAgentRequest::group_id`].
    ChooseGroup { groups: Vec<GroupView> },
    /// Connected to an agent.
    Assigned { agent: AgentBrief },
    /// Waiting for an agent; 1 = next. Changes arrive as `queue_position` events.
    Queued { position: u32 },
    /// The designated agent (`agentid`) is offline and `agent_mode_flag=1` asks to say
    /// so (with `agent_offline_title` when set).
    AgentOffline,
    /// No agent can take or queue the visitor: offer to leave a message (per
    /// `msg_flag` / `leave_msg_flag`).
    NoAgentOnline,
    /// The skill group is outside its working hours: offer to leave a message.
    OffDuty { group_id: String },
    /// Transfer opens a third-party page instead (`to_customsys_flag`); `url` is
    /// always http or https.
    Redirect {
        url: String,
        open_style: crate::params::OpenStyle,
    },
    /// The conversation is over; init starts a new one.
    Ended,
}

/// `POST /api/chat/transfer`: the visitor asks for a human (the trans-to-agent button),
/// or picks the group reception asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferToAgentRequest {
    #[serde(default)]
    pub group_id: Option<String>,
}

/// The answer to [`TransferToAgentRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferToAgentResponse {
    pub reception: Reception,
    pub conversation: ConversationView,
}

/// A short view of an agent, as visitors see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentBrief {
    pub id: String,
    pub name: String,
    /// The agent's picture (http or https), when the tenant configured one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
}

/// The visitor's current conversation, as returned by init.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationView {
    pub id: String,
    pub state: ConversationState,
    /// 1-based place in the queue while [`ConversationState::Queueing`].
    pub queue_position: Option<u32>,
    pub agent: Option<AgentBrief>,
    pub group_id: Option<String>,
    /// The highest sequence number stored so far.
    pub last_seq: i64,
    /// Whether the trans-to-agent button shows now (bot conversations only).
    #[serde(default)]
    pub transfer_button: bool,
}

/// A skill group a visitor may pick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupView {
    pub id: String,
    pub name: String,
    /// Whether the group is within its working hours now.
    pub open: bool,
}

/// `POST /api/chat/send` (and `reply` for agents): a text message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendRequest {
    /// Generated by the client (a UUID is fine, at most 64 characters); sending the
    /// same id again returns the stored message instead of storing a second one.
    pub client_id: String,
    pub text: String,
    /// Set when the visitor tapped a [`Suggestion`]: the bot answers that entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faq_id: Option<u64>,
}

/// `POST /api/chat/card`: the visitor sends a product or order card (answered with a
/// [`SendResponse`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendCardRequest {
    /// As in [`SendRequest`]: sending the same id again stores nothing new.
    pub client_id: String,
    pub card: crate::card::Card,
}

/// The answer to [`SendRequest`], [`SendCardRequest`] and the picture uploads
/// (`POST /api/chat/image?client_id=…` with the picture as the body).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendResponse {
    pub message: ChatMessage,
    /// True when the client id had been stored before (nothing new was stored).
    pub duplicate: bool,
}

/// `GET /api/chat/history` and the agent's message listing: one page, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub messages: Vec<ChatMessage>,
    /// Whether older messages exist before the first one returned.
    pub has_more: bool,
}

/// `POST /api/chat/read`: the visitor has seen everything up to `seq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadRequest {
    /// Defaults to the session's conversation.
    #[serde(default)]
    pub conversation_id: Option<String>,
    pub seq: i64,
}

// ---------------------------------------------------------------------------------------
// The token API of the spec ("PC/H5 security verification").
// ---------------------------------------------------------------------------------------

/// `POST /api/page/token`, exactly as the spec describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageTokenRequest {
    pub sysnum: String,
    pub partnerid: String,
    /// Expiry as Unix seconds, written as a string.
    pub ts: String,
    /// A JSON object as a string; the sign covers its exact bytes.
    #[serde(default)]
    pub customized_fields: Option<String>,
    /// `md5(sysnum + key + partnerid + ts [+ customized_fields])`.
    pub sign: String,
    /// Parent channel: 0 PC, 4 H5.
    #[serde(default)]
    pub source: Option<i64>,
    /// Sub-channel.
    #[serde(default)]
    pub channel_flag: Option<i64>,
}

/// `POST /api/ws/ticket`: a one-time ticket that opens one WebSocket of the caller's
/// session (`/ws/visitor?ticket=…` or `/ws/agent?ticket=…`), so the session token
/// itself never travels in a URL (where proxies and logs keep it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WsTicket {
    pub ticket: String,
    /// Seconds the ticket stays usable.
    pub expires_in: u32,
}

/// The answer of the token API: `ret_code` "000000" and a token on success, another code
/// and a message otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageTokenResponse {
    pub ret_code: String,
    pub ret_msg: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// The token API's success code.
pub const RET_OK: &str = "000000";

// ---------------------------------------------------------------------------------------
// Agents.
// ---------------------------------------------------------------------------------------

/// `POST /api/agent/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentLoginRequest {
    pub sysnum: String,
    pub username: String,
    pub password: String,
}

/// An agent's availability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentStatus {
    /// Takes new conversations.
    Online,
    /// Signed in, keeps current conversations, takes no new ones.
    Busy,
    Offline,
}

impl AgentStatus {
    /// The text stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            AgentStatus::Online => "online",
            AgentStatus::Busy => "busy",
            AgentStatus::Offline => "offline",
        }
    }

    /// Reads [`AgentStatus::as_str`] back.
    pub fn parse(text: &str) -> Option<AgentStatus> {
        Some(match text {
            "online" => AgentStatus::Online,
            "busy" => AgentStatus::Busy,
            "offline" => AgentStatus::Offline,
            _ => return None,
        })
    }
}

/// The signed-in agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentView {
    pub id: String,
    pub name: String,
    pub sysnum: String,
    pub groups: Vec<String>,
    /// Most conversations the agent holds at once.
    pub capacity: u32,
    pub status: AgentStatus,
    /// Conversations the agent holds now.
    pub active: u32,
    /// The agent may change the tenant's settings (`role = "admin"`).
    #[serde(default)]
    pub admin: bool,
}

/// The answer to [`AgentLoginRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentLoginResponse {
    /// The bearer token for `/api/agent/*` and `/ws/agent`.
    pub token: String,
    pub agent: AgentView,
}

/// `PUT /api/agent/status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentStatusRequest {
    pub status: AgentStatus,
}

/// A conversation as the workbench lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationSummary {
    pub id: String,
    pub visitor_id: String,
    /// The visitor's nickname (`uname`) when known.
    pub visitor_name: Option<String>,
    pub state: ConversationState,
    pub group_id: Option<String>,
    pub agent_id: Option<String>,
    pub last_seq: i64,
    pub created_at: i64,
    /// When it entered the queue (Unix ms), while queueing.
    pub queued_at: Option<i64>,
    pub end_reason: Option<EndReason>,
    /// The link's `source`: the visitor's channel as the spec codes it (0 desktop site,
    /// 1 WeChat, 2 app, 3 Weibo, 4 mobile site, 9 WeCom, 10 WeChat mini program).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<u8>,
    /// The link's `summaryparams`: service-summary fields the site filled in ahead, as
    /// given (a JSON object), for the agent's summary of the chat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summaryparams: Option<serde_json::Map<String, serde_json::Value>>,
    /// Where the conversation stands in the queue's order (VIP, queue-first), so the
    /// workbench marks the visitors routing serves first.
    #[serde(default)]
    pub tier: QueueTier,
    /// The newest text of the conversation (at most [`PREVIEW_CHARS`] characters), for
    /// the workbench's lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<String>,
    /// The note of the last transfer, for the receiving agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_note: Option<String>,
    /// The visitor's own tenant (its sysnum) when the conversation overflowed to the
    /// agent's tenant from a partner (the spec's e-commerce `flowCompanyId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_tenant: Option<String>,
    /// The page the visitor started the chat from: the newest page of their browsing
    /// track, or else the page that opened the chat (only http(s) addresses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<VisitPage>,
    /// Visitor messages after the holding agent's read mark (at most 999), kept by the
    /// server so a reload, a second tab or another machine shows the same count. 0
    /// while no agent holds the conversation.
    #[serde(default)]
    pub unread: u32,
}

/// `POST /api/agent/conversations/{id}/read`: the holding agent has seen every message
/// up to `seq` (the mark never moves backwards).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentReadRequest {
    pub seq: i64,
}

/// Longest [`ConversationSummary::preview`], in characters.
pub const PREVIEW_CHARS: usize = 80;

/// A queueing visitor's priority class (the routing rules' tiers), highest last.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueTier {
    #[default]
    Normal,
    /// A VIP visitor (`is_vip` / `vip_level` from a trusted source).
    Vip,
    /// `queueFirst`: before everyone else.
    QueueFirst,
}

/// `GET /api/agent/conversations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentConversations {
    /// Queueing conversations of the agent's groups, oldest first.
    pub waiting: Vec<ConversationSummary>,
    /// Conversations the agent holds now.
    pub mine: Vec<ConversationSummary>,
    /// The agent's conversations that ended lately, newest first (at most
    /// [`RECENTLY_ENDED`]), so an offline message can follow an ended chat.
    #[serde(default)]
    pub ended: Vec<ConversationSummary>,
}

/// How many ended conversations [`AgentConversations::ended`] lists.
pub const RECENTLY_ENDED: usize = 20;

/// `POST /api/agent/conversations/{id}/transfer`: to one agent or to a group's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferRequest {
    #[serde(default)]
    pub to_agent: Option<String>,
    #[serde(default)]
    pub to_group: Option<String>,
    /// A note for whoever receives the conversation (at most [`MAX_NOTE_CHARS`]
    /// characters); agents see it in the conversation's summary, visitors never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Longest [`TransferRequest::note`], in characters.
pub const MAX_NOTE_CHARS: usize = 500;

/// A named value of the tenant's lists (VIP levels, customer tags).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Labelled {
    pub id: String,
    pub name: String,
}

/// What the workbench shows about a visitor (the spec's CRM docking fields).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorProfile {
    pub visitor_id: String,
    /// The site's verified user id (a link with a valid `sign`, or a token): the key
    /// that makes one visitor of every device.
    pub partnerid: Option<String>,
    /// The newest `partnerid` a link claimed without a valid sign or token: a label
    /// for agents, shown as unverified, never a key to anyone's history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claimed_partnerid: Option<String>,
    pub uname: Option<String>,
    pub realname: Option<String>,
    pub tel: Option<String>,
    pub email: Option<String>,
    pub qq: Option<String>,
    pub remark: Option<String>,
    pub face: Option<String>,
    pub enterprise_name: Option<String>,
    /// `params`: free custom fields.
    pub params: std::collections::BTreeMap<String, String>,
    /// `customer_fields` and the token's `customized_fields` that are not CRM fields.
    pub customer_fields: std::collections::BTreeMap<String, String>,
    pub is_vip: bool,
    /// The VIP level as given, and its name when the tenant declares it.
    pub vip_level: Option<Labelled>,
    /// Customer tags (`user_label`), named when the tenant declares them.
    pub tags: Vec<Labelled>,
    /// Product and order cards the visitor's links carried (as JSON objects).
    pub cards: Vec<serde_json::Value>,
    /// `summaryparams`: the service summary the link pre-filled, as given (the spec
    /// leaves its shape open).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub summary_params: serde_json::Map<String, serde_json::Value>,
    pub created_at: i64,
    pub last_seen: i64,
}

// ---------------------------------------------------------------------------------------
// Administration: the tenant's settings, changed at run time by admins.
// ---------------------------------------------------------------------------------------

/// `GET /api/admin/settings`: the tenant's settings as the configuration file's
/// `[[tenant]]` table has them (JSON), with secrets left out: `secret_key` and every
/// agent's `password_hash` are empty strings, which a `PUT` reads as "unchanged".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminSettings {
    /// Raised by every change; instances reload when it moves.
    pub generation: i64,
    pub tenant: serde_json::Value,
}

/// `PUT /api/admin/settings`: the whole tenant table (as [`AdminSettings::tenant`]),
/// plus new passwords for agents by id (hashed by the server; required for a new agent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminSettingsChange {
    pub tenant: serde_json::Value,
    #[serde(default)]
    pub passwords: std::collections::BTreeMap<String, String>,
}

/// `POST /api/admin/faq/try`: how the bot would answer `question`, with the FAQ as
/// stored or, when `faq` is given, with that draft (the FAQ file's table as JSON, as
/// `GET /api/admin/faq/{robotid}` returns it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaqTryRequest {
    pub robotid: u64,
    pub question: String,
    /// The visitor's language code for the unknown reply (default the tenant's).
    #[serde(default)]
    pub locale: Option<String>,
    /// Restricts answers to one FAQ group, as a link's `faqid` does.
    #[serde(default)]
    pub faqid: Option<u64>,
    #[serde(default)]
    pub faq: Option<serde_json::Value>,
}

/// The answer to [`FaqTryRequest`]: what the visitor would see, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaqTry {
    /// `answer`, `suggest` or `unknown`, as in a conversation.
    pub outcome: BotOutcome,
    /// The bot's text: the answer, the "did you mean" line or the unknown reply.
    pub reply: String,
    /// The entry answered.
    pub answered: Option<u64>,
    /// The entries suggested (or listed as related under an answer).
    pub suggestions: Vec<FaqCandidate>,
    /// Every entry in scope that scored above zero, best first.
    pub ranking: Vec<FaqCandidate>,
    /// The rules the ranking was judged by, for the question's language: answer when
    /// the top score reaches `answer_at` and leads the second by `margin`; suggest from
    /// `suggest_at`.
    pub answer_at: f64,
    pub margin: f64,
    pub suggest_at: f64,
    /// The question's language (`en` / `zh`): only entries in it are ranked.
    pub lang: String,
}

/// One FAQ entry as the try box lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaqCandidate {
    pub id: u64,
    pub question: String,
    /// The matcher's score, 0 to 1.
    pub score: f64,
}

/// A refused change: which field, and why. Nothing was stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrorBody {
    pub code: ErrorCode,
    pub message: String,
    /// The field as a dotted path (`backend.color`, `agent.bob`), when one is to blame.
    pub field: Option<String>,
}

/// One entry of `GET /api/admin/audit`: who changed the settings, when, and the
/// documents before and after (secrets left out as in [`AdminSettings`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub actor: String,
    /// Unix milliseconds.
    pub at: i64,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// `GET /api/agent/visitors/{id}/detail`: everything the workbench's visitor panel shows
/// beside the profile, in one call.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorDetail {
    pub profile: VisitorProfile,
    /// The tenant's declared `customer_fields` (key → label), so the panel names them.
    pub field_labels: std::collections::BTreeMap<String, String>,
    /// The browsing track, newest first (at most 50 pages).
    pub traces: Vec<VisitTrace>,
    /// The visitor's conversations, newest first (at most 20), the current one included.
    pub conversations: Vec<ConversationSummary>,
    /// The visitor's tickets, newest first (at most 20).
    pub tickets: Vec<crate::ticket::TicketView>,
    /// The browser and device of the newest conversation, from its `User-Agent`
    /// ("Chrome 120 · Windows"); `None` when it was not sent or not recognised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser: Option<String>,
    /// The newest conversation's link `source` (its channel, coded as
    /// [`ConversationSummary::source`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<u8>,
}

/// `GET /api/agent/colleagues`: whom a conversation can be transferred to: the
/// tenant's other agents (with their status and load) and its skill groups.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Colleagues {
    pub agents: Vec<AgentView>,
    pub groups: Vec<GroupView>,
}
