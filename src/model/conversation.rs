//! The visitor's conversation as plain data: who answers (bot, queue, agent), what
//! reception decided, the live queue position and whether the agent is typing, with
//! the rules that change them ([`Conversation::apply`] for the system messages the server
//! records, and one method per other socket event or answer) and the rules that decide
//! what the page shows (transfer button, composer, emoji and picture buttons).
//!
//! The chat page keeps one [`Conversation`] in a signal and derives memos from it; the
//! page's components never change it themselves.

use parley_protocol::api::{
    AgentBrief, ChatMessage, ConversationState, ConversationView, EndReason, Reception, Sender,
    Suggestion, SystemEvent, TransferToAgentResponse,
};
use parley_protocol::evaluation::Evaluation;
use parley_protocol::params::ReceptionType;
use parley_protocol::Locale;

use crate::i18n::{t, t_args};

/// Where the visitor's current conversation stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    /// The conversation as init or the last transfer described it, kept current by the
    /// system messages that follow.
    pub view: ConversationView,
    /// What reception decided last (the notice under the messages follows it).
    pub reception: Reception,
    /// The live queue position from `queue_position` events; it overrides the position
    /// inside `reception`, which is only the one known when the visitor was queued.
    pub queue_position: Option<u32>,
    /// Whether the agent is typing now.
    pub agent_typing: bool,
    /// The visitor's rating of this conversation, once given.
    pub evaluation: Option<Evaluation>,
    /// An agent asked for a rating (the end of the chat, or an invitation) that the
    /// visitor has not given yet: the form shows.
    pub evaluation_invited: bool,
}

impl Conversation {
    /// The conversation init answered with.
    pub fn new(view: ConversationView, reception: Reception) -> Self {
        Conversation {
            view,
            reception,
            queue_position: None,
            agent_typing: false,
            evaluation: None,
            evaluation_invited: false,
        }
    }

    /// Takes the rating state of this conversation from init's history: an invitation
    /// and the rating, if any (other events are already in init's view).
    pub fn recall_evaluation(&mut self, history: &[ChatMessage]) {
        let id = self.view.id.clone();
        let mine = history.iter().filter(|m| m.conversation_id == id);
        for event in mine.filter_map(|m| m.event.as_ref()) {
            if matches!(
                event,
                SystemEvent::EvaluationInvited | SystemEvent::Evaluated { .. }
            ) {
                self.apply(event);
            }
        }
    }

    /// Whether an agent has served this conversation (now, or before it ended): only
    /// then can it be rated.
    pub fn served(&self) -> bool {
        self.view.agent.is_some()
    }

    /// Whether the "rate this service" button shows (`feedback_flag`): served, not
    /// rated yet.
    pub fn evaluation_button(&self, button: bool) -> bool {
        button && self.served() && self.evaluation.is_none()
    }

    /// Follows a state change the server recorded as a system message of this
    /// conversation (messages of older conversations in the history change nothing).
    pub fn apply(&mut self, event: &SystemEvent) {
        match event {
            SystemEvent::AgentJoined {
                agent_id,
                agent_name,
                agent_avatar,
            } => {
                let agent = AgentBrief {
                    id: agent_id.clone(),
                    name: agent_name.clone(),
                    avatar: agent_avatar.clone(),
                };
                self.view.state = ConversationState::WithAgent;
                self.view.agent = Some(agent.clone());
                self.reception = Reception::Assigned { agent };
            }
            SystemEvent::Queued { .. } => {
                self.view.state = ConversationState::Queueing;
                self.reception = Reception::Queued {
                    position: self.queue_position.unwrap_or(1),
                };
            }
            SystemEvent::Transferred {
                to_agent: Some(id),
                to_agent_name,
                to_agent_avatar,
                ..
            } => {
                let agent = AgentBrief {
                    id: id.clone(),
                    name: to_agent_name.clone().unwrap_or_else(|| id.clone()),
                    avatar: to_agent_avatar.clone(),
                };
                self.view.agent = Some(agent.clone());
                self.reception = Reception::Assigned { agent };
            }
            // Transferred to a group: back to that group's queue.
            SystemEvent::Transferred { .. } => {
                self.view.state = ConversationState::Queueing;
                self.view.agent = None;
                self.reception = Reception::Queued {
                    position: self.queue_position.unwrap_or(1),
                };
            }
            SystemEvent::Ended { .. } => {
                self.view.state = ConversationState::Ended;
                self.agent_typing = false;
                self.reception = Reception::Ended;
            }
            SystemEvent::NoAgentOnline => {
                self.view.state = ConversationState::Bot;
                self.view.agent = None;
                self.queue_position = None;
                self.reception = Reception::NoAgentOnline;
            }
            SystemEvent::EvaluationInvited => {
                self.evaluation_invited = self.evaluation.is_none();
            }
            SystemEvent::Evaluated { evaluation } => {
                self.evaluation = Some((**evaluation).clone());
                self.evaluation_invited = false;
            }
        }
    }

    /// A `queue_position` event: the visitor moved in the queue. A position can arrive
    /// before the `queued` system message (they travel separately), so it also shows
    /// the queue notice.
    pub fn queue_moved(&mut self, position: u32) {
        self.queue_position = Some(position);
        if !matches!(self.reception, Reception::Queued { .. }) {
            self.reception = Reception::Queued { position };
        }
    }

    /// The answer to the visitor's transfer request (the button or a group choice).
    pub fn transferred(&mut self, answer: TransferToAgentResponse) {
        self.view = answer.conversation;
        self.reception = answer.reception;
    }

    /// A message of this page's log arrived from `sender`: an agent who wrote has
    /// stopped typing.
    pub fn heard_from(&mut self, sender: Sender) {
        if sender == Sender::Agent {
            self.agent_typing = false;
        }
    }

    /// Whether the conversation is over: the composer goes away and the notice offers a
    /// new conversation.
    pub fn is_ended(&self) -> bool {
        self.view.state == ConversationState::Ended
    }

    /// The agent holding the conversation now.
    pub fn agent(&self) -> Option<&AgentBrief> {
        self.view.agent.as_ref()
    }

    /// The picture of the agent named `name` when it is the one holding the chat (the
    /// only agent whose picture the page knows): the spec's `img` for the host page.
    pub fn picture_of(&self, name: Option<&str>) -> Option<&str> {
        self.agent()
            .filter(|a| name == Some(a.name.as_str()))
            .and_then(|a| a.avatar.as_deref())
    }

    /// Whether the trans-to-agent button shows; `bot_offers` is the latest bot reply's
    /// `transfer_button` (see [`transfer_button_shown`]).
    pub fn transfer_button(&self, reception_type: ReceptionType, bot_offers: bool) -> bool {
        transfer_button_shown(
            reception_type,
            &self.reception,
            self.view.state,
            self.view.transfer_button || bot_offers,
        )
    }

    /// Whether the emoji picker shows: always while the bot answers, after a transfer
    /// only when `emoji_state` shows it (`after_transfer`).
    pub fn emoji_shown(&self, after_transfer: bool) -> bool {
        after_transfer || self.view.state == ConversationState::Bot
    }

    /// Whether the picture button shows: once an agent has joined (the server refuses
    /// visitor pictures before that), unless `photo_flag` turns pictures off.
    pub fn pictures_allowed(&self, photo_flag: bool) -> bool {
        photo_flag && self.view.state == ConversationState::WithAgent
    }
}

/// Whether the trans-to-agent button shows: never with reception type 1 (bot only),
/// only while the bot answers, and only when the server says so (the conversation's
/// `transfer_button` from init or transfer, or the latest bot reply's, which applies the
/// `show_manual` rule).
pub fn transfer_button_shown(
    reception_type: ReceptionType,
    reception: &Reception,
    state: ConversationState,
    server_says: bool,
) -> bool {
    reception_type != ReceptionType::BotOnly
        && matches!(reception, Reception::Bot)
        && state == ConversationState::Bot
        && server_says
}

/// The bot's guided questions to show under the greeting: only with `guide_flag`, and
/// never when only agents answer (`type=2`), whatever init sent.
pub fn guide_shown(
    guide_flag: bool,
    reception_type: ReceptionType,
    guide: Vec<Suggestion>,
) -> Vec<Suggestion> {
    if guide_flag && reception_type != ReceptionType::AgentOnly {
        guide
    } else {
        Vec::new()
    }
}

/// `agent_hello_word` to show as a local notice after `event`: when an agent joins
/// (`agent_joined`) or the chat is transferred to one (`transferred` with an agent), and
/// the tenant or link has a non-blank hello word.
pub fn hello_after(event: &SystemEvent, hello: Option<&str>) -> Option<String> {
    let joins = matches!(
        event,
        SystemEvent::AgentJoined { .. }
            | SystemEvent::Transferred {
                to_agent: Some(_),
                ..
            }
    );
    hello
        .filter(|h| joins && !h.trim().is_empty())
        .map(str::to_owned)
}

/// The text a system message shows, localized from its event.
pub fn system_text(locale: Locale, m: &ChatMessage) -> String {
    match &m.event {
        Some(SystemEvent::Queued { .. }) => t(locale, "chat-sys-queued"),
        Some(SystemEvent::AgentJoined { agent_name, .. }) => {
            t_args(locale, "chat-sys-agent-joined", &[("name", agent_name)])
        }
        Some(SystemEvent::Transferred {
            to_agent_name: Some(name),
            ..
        }) => t_args(locale, "chat-sys-transferred-agent", &[("name", name)]),
        Some(SystemEvent::Transferred { .. }) => t(locale, "chat-sys-transferred-group"),
        Some(SystemEvent::Ended { reason }) => t(
            locale,
            match reason {
                EndReason::VisitorLeft => "chat-sys-ended-visitor-left",
                EndReason::AgentEnded => "chat-sys-ended-agent",
                EndReason::AgentOffline => "chat-sys-ended-agent-offline",
                EndReason::VisitorIdle => "chat-sys-ended-idle",
            },
        ),
        Some(SystemEvent::EvaluationInvited) => t(locale, "chat-sys-evaluation"),
        Some(SystemEvent::Evaluated { evaluation }) => t_args(
            locale,
            "chat-sys-evaluated",
            &[
                ("score", &evaluation.score.to_string()),
                ("max", &evaluation.kind.max().to_string()),
            ],
        ),
        Some(SystemEvent::NoAgentOnline) => t(locale, "chat-no-agent-online"),
        None => m.text.clone(),
    }
}

/// What a screen reader hears when a message arrives: a system notice as the list
/// shows it, anything else as "who: words", without formatting markers. `plain` is the
/// message's text as plain text (the host page gets the same words).
pub fn announcement(locale: Locale, m: &ChatMessage, plain: &str) -> String {
    if m.event.is_some() {
        return system_text(locale, m);
    }
    let who = match m.sender {
        Sender::Bot => t(locale, "chat-bot-name"),
        _ => m
            .sender_name
            .clone()
            .unwrap_or_else(|| t(locale, "chat-agent-fallback")),
    };
    format!("{who}: {plain}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bot_conversation(transfer_button: bool) -> Conversation {
        Conversation::new(
            ConversationView {
                id: "c1".into(),
                state: ConversationState::Bot,
                queue_position: None,
                agent: None,
                group_id: None,
                last_seq: 0,
                transfer_button,
            },
            Reception::Bot,
        )
    }

    #[test]
    fn the_agent_hello_word_follows_a_join_or_a_transfer_to_an_agent() {
        let hello = Some("Hello, how can I help?");
        assert_eq!(hello_after(&joined("Alice", None), hello).as_deref(), hello);
        let to_agent = SystemEvent::Transferred {
            from_agent: None,
            to_agent: Some("bob".into()),
            to_agent_name: Some("Bob".into()),
            to_agent_avatar: None,
            to_group: None,
        };
        assert_eq!(hello_after(&to_agent, hello).as_deref(), hello);
        let to_group = SystemEvent::Transferred {
            from_agent: None,
            to_agent: None,
            to_agent_name: None,
            to_agent_avatar: None,
            to_group: Some("sales".into()),
        };
        assert_eq!(hello_after(&to_group, hello), None);
        assert_eq!(hello_after(&joined("Alice", None), Some("  ")), None);
        assert_eq!(hello_after(&joined("Alice", None), None), None);
        assert_eq!(hello_after(&SystemEvent::NoAgentOnline, hello), None);
    }

    #[test]
    fn agent_only_chats_show_no_guided_questions() {
        let guide = vec![Suggestion {
            id: 1,
            question: "How do I pay?".into(),
        }];
        assert_eq!(
            guide_shown(true, ReceptionType::BotFirst, guide.clone()),
            guide
        );
        assert!(guide_shown(true, ReceptionType::AgentOnly, guide.clone()).is_empty());
        assert!(guide_shown(false, ReceptionType::BotFirst, guide).is_empty());
    }

    fn joined(name: &str, avatar: Option<&str>) -> SystemEvent {
        SystemEvent::AgentJoined {
            agent_id: format!("id-{name}"),
            agent_name: name.into(),
            agent_avatar: avatar.map(Into::into),
        }
    }

    fn to_group() -> SystemEvent {
        SystemEvent::Transferred {
            from_agent: Some("id-Alice".into()),
            to_agent: None,
            to_agent_name: None,
            to_group: Some("billing".into()),
            to_agent_avatar: None,
        }
    }

    fn message(sender: Sender, name: Option<&str>, text: &str) -> ChatMessage {
        crate::model::text_message(1, sender, name, text, 0)
    }

    #[test]
    fn after_an_agent_joins_the_header_names_them_and_the_transfer_button_hides() {
        let mut c = bot_conversation(true);
        assert!(c.transfer_button(ReceptionType::BotFirst, false));
        c.apply(&joined("Alice", Some("https://img.example/a.png")));
        assert_eq!(c.agent().map(|a| a.name.as_str()), Some("Alice"));
        assert!(matches!(c.reception, Reception::Assigned { .. }));
        assert!(!c.transfer_button(ReceptionType::BotFirst, true));
        // The host page gets Alice's picture for Alice's messages only.
        assert_eq!(
            c.picture_of(Some("Alice")),
            Some("https://img.example/a.png")
        );
        assert_eq!(c.picture_of(Some("Bob")), None);
    }

    #[test]
    fn pictures_and_emoji_follow_who_answers() {
        let mut c = bot_conversation(false);
        assert!(c.emoji_shown(false), "the bot conversation has emoji");
        assert!(
            !c.pictures_allowed(true),
            "no pictures before an agent joins"
        );
        c.apply(&joined("Alice", None));
        assert!(c.pictures_allowed(true));
        assert!(!c.pictures_allowed(false), "photo_flag=0 turns them off");
        assert!(
            !c.emoji_shown(false),
            "emoji_state=hide hides them after transfer"
        );
        assert!(c.emoji_shown(true));
    }

    #[test]
    fn ended_removes_the_composer_and_the_typing_dots() {
        let mut c = bot_conversation(true);
        c.apply(&joined("Alice", None));
        c.agent_typing = true;
        assert!(!c.is_ended());
        c.apply(&SystemEvent::Ended {
            reason: EndReason::AgentEnded,
        });
        assert!(c.is_ended());
        assert!(!c.agent_typing);
        assert_eq!(c.reception, Reception::Ended);
        assert!(!c.transfer_button(ReceptionType::BotFirst, true));
    }

    #[test]
    fn the_queue_notice_shows_the_latest_position() {
        let mut c = bot_conversation(true);
        // A position can come before the queued notice; it shows the queue at once.
        c.queue_moved(4);
        assert_eq!(c.reception, Reception::Queued { position: 4 });
        c.apply(&SystemEvent::Queued { group_id: None });
        assert_eq!(c.view.state, ConversationState::Queueing);
        assert_eq!(c.reception, Reception::Queued { position: 4 });
        // Later positions update the live number, not the decision.
        c.queue_moved(2);
        assert_eq!(c.queue_position, Some(2));
        assert_eq!(c.reception, Reception::Queued { position: 4 });
        // Without a known position the visitor is next.
        let mut fresh = bot_conversation(true);
        fresh.apply(&SystemEvent::Queued { group_id: None });
        assert_eq!(fresh.reception, Reception::Queued { position: 1 });
    }

    #[test]
    fn a_transfer_to_an_agent_names_them_and_to_a_group_queues_again() {
        let mut c = bot_conversation(false);
        c.apply(&joined("Alice", None));
        c.apply(&SystemEvent::Transferred {
            from_agent: Some("id-Alice".into()),
            to_agent: Some("id-Bob".into()),
            to_agent_name: None,
            to_group: None,
            to_agent_avatar: None,
        });
        // A transfer notice without a name still names someone: the agent's id.
        assert_eq!(c.agent().map(|a| a.name.as_str()), Some("id-Bob"));
        assert_eq!(c.view.state, ConversationState::WithAgent);
        c.apply(&to_group());
        assert_eq!(c.agent(), None);
        assert_eq!(c.view.state, ConversationState::Queueing);
        assert_eq!(c.reception, Reception::Queued { position: 1 });
    }

    #[test]
    fn nobody_online_gives_the_chat_back_to_the_bot_and_offers_a_message() {
        let mut c = bot_conversation(true);
        c.queue_moved(3);
        c.apply(&SystemEvent::Queued { group_id: None });
        c.apply(&SystemEvent::NoAgentOnline);
        assert_eq!(c.view.state, ConversationState::Bot);
        assert_eq!(c.queue_position, None);
        assert_eq!(c.reception, Reception::NoAgentOnline);
        // The notice replaces the button: reception is not the bot's plain state.
        assert!(!c.transfer_button(ReceptionType::BotFirst, true));
    }

    #[test]
    fn an_invitation_opens_the_form_until_the_rating_arrives() {
        let mut c = bot_conversation(true);
        assert!(!c.evaluation_button(true), "nobody served yet");
        c.apply(&joined("Alice", None));
        assert!(c.evaluation_button(true));
        assert!(!c.evaluation_button(false), "feedback_flag=0");
        let before = c.clone();
        c.apply(&SystemEvent::EvaluationInvited);
        assert!(c.evaluation_invited);
        assert_eq!(c.view, before.view, "the conversation itself is unchanged");
        let rated = parley_protocol::evaluation::Evaluation {
            conversation_id: c.view.id.clone(),
            agent_id: Some("id-Alice".into()),
            kind: parley_protocol::evaluation::ScoreKind::Stars,
            score: 4,
            tags: vec![],
            solved: None,
            comment: String::new(),
            created_at: 0,
        };
        let evaluated = SystemEvent::Evaluated {
            evaluation: Box::new(rated),
        };
        c.apply(&evaluated);
        assert!(!c.evaluation_invited);
        assert!(!c.evaluation_button(true), "rated once");
        c.apply(&SystemEvent::EvaluationInvited);
        assert!(!c.evaluation_invited, "a late invitation after the rating");
        // After a reload, init's history says the same.
        let mut again = bot_conversation(true);
        let mut m = crate::model::text_message(9, Sender::System, None, "", 0);
        m.conversation_id = again.view.id.clone();
        m.event = Some(evaluated);
        again.recall_evaluation(&[m]);
        assert_eq!(again.evaluation.map(|e| e.score), Some(4));
    }

    #[test]
    fn an_agents_message_stops_the_typing_dots_and_others_do_not() {
        let mut c = bot_conversation(false);
        c.agent_typing = true;
        c.heard_from(Sender::Bot);
        assert!(c.agent_typing);
        c.heard_from(Sender::Agent);
        assert!(!c.agent_typing);
    }

    #[test]
    fn the_transfer_answer_replaces_conversation_and_decision() {
        let mut c = bot_conversation(true);
        let mut view = c.view.clone();
        view.state = ConversationState::Queueing;
        c.transferred(TransferToAgentResponse {
            reception: Reception::Queued { position: 2 },
            conversation: view,
        });
        assert_eq!(c.view.state, ConversationState::Queueing);
        assert_eq!(c.reception, Reception::Queued { position: 2 });
        assert!(!c.transfer_button(ReceptionType::BotFirst, true));
    }

    #[test]
    fn transfer_button_only_when_the_server_says_and_never_bot_only() {
        use ConversationState as S;
        let bot = Reception::Bot;
        assert!(transfer_button_shown(
            ReceptionType::BotFirst,
            &bot,
            S::Bot,
            true
        ));
        assert!(!transfer_button_shown(
            ReceptionType::BotFirst,
            &bot,
            S::Bot,
            false
        ));
        assert!(!transfer_button_shown(
            ReceptionType::BotOnly,
            &bot,
            S::Bot,
            true
        ));
        assert!(!transfer_button_shown(
            ReceptionType::BotFirst,
            &bot,
            S::Queueing,
            true
        ));
        let queued = Reception::Queued { position: 1 };
        assert!(!transfer_button_shown(
            ReceptionType::AgentFirst,
            &queued,
            S::Bot,
            true
        ));
        // The latest bot reply can offer the button too.
        assert!(bot_conversation(false).transfer_button(ReceptionType::BotFirst, true));
    }

    #[test]
    fn readers_hear_who_wrote_and_localized_notices() {
        let agent = message(Sender::Agent, Some("Alice"), "**Hi**");
        assert_eq!(announcement(Locale::En, &agent, "Hi"), "Alice: Hi");
        let nameless = message(Sender::Agent, None, "x");
        assert_eq!(announcement(Locale::En, &nameless, "x"), "Agent: x");
        let bot = message(Sender::Bot, Some("ignored"), "x");
        assert_eq!(announcement(Locale::En, &bot, "x"), "Assistant: x");
        let mut notice = message(Sender::System, None, "raw");
        notice.event = Some(joined("Alice", None));
        assert_eq!(
            announcement(Locale::En, &notice, "raw"),
            "Alice joined the chat."
        );
    }
}
