//! The workbench's state as plain data: the three lists, every loaded conversation's
//! messages, unread counts, who is typing and the outbox. No signals, DOM or network,
//! so it is host-tested; the app keeps one [`Inbox`] in a signal and feeds it the
//! server's answers and socket events.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use parley_protocol::api::{
    AgentConversations, ChatMessage, ConversationState, ConversationSummary, Sender, RECENTLY_ENDED,
};
use parley_protocol::ws::ServerEvent;
use serde::{Deserialize, Serialize};

/// A reply the server has not confirmed yet. Kept in local storage and re-sent with the
/// same `client_id` (the server stores one message per id: exactly once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    pub client_id: String,
    pub conversation_id: String,
    pub text: String,
    /// Set when the server refused it (not for network trouble, which is retried).
    #[serde(default)]
    pub failed: Option<String>,
}

/// What an event asks the page to tell a hidden tab about.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Alert {
    /// A visitor entered the agent's queue.
    pub new_visitor: bool,
    /// A visitor wrote in one of the agent's conversations.
    pub new_message: bool,
}

/// The agent's inbox.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inbox {
    /// The agent's id and skill groups (which queueing conversations are theirs).
    pub me: String,
    pub groups: Vec<String>,
    /// Queueing conversations of the agent's groups, oldest first.
    pub waiting: Vec<ConversationSummary>,
    /// Conversations the agent holds.
    pub mine: Vec<ConversationSummary>,
    /// The agent's conversations that ended lately, newest first.
    pub ended: Vec<ConversationSummary>,
    /// Loaded messages per conversation, by `seq` (so a replay shows once). Shared
    /// (`Arc`), so building a long conversation's timeline copies pointers, not texts.
    pub logs: HashMap<String, BTreeMap<i64, Arc<ChatMessage>>>,
    /// Bumped for a conversation whenever its log changes, so its timeline is rebuilt
    /// only then (not on every typing event or list change of the inbox).
    pub log_versions: HashMap<String, u64>,
    /// Visitor messages per conversation the agent has not looked at: the server's
    /// count (`ConversationSummary::unread`, after its read mark) when a list or a newer
    /// summary arrives, plus the visitor messages heard since.
    pub unread: HashMap<String, u32>,
    /// The highest read mark this page sent to the server per conversation, so the
    /// open conversation is marked read once per new visitor message, not per change.
    pub read_sent: HashMap<String, i64>,
    /// Conversations whose visitor is typing now.
    pub typing: HashSet<String>,
    /// The conversation on screen, if any.
    pub open: Option<String>,
    /// Replies not confirmed yet, in sending order.
    pub outbox: Vec<Pending>,
    /// Bumped by every new ticket event, so the ticket list re-reads.
    pub tickets_seen: u32,
}

impl Inbox {
    /// An empty inbox for agent `me` of `groups`.
    pub fn new(me: &str, groups: &[String]) -> Inbox {
        Inbox {
            me: me.to_owned(),
            groups: groups.to_vec(),
            ..Inbox::default()
        }
    }

    /// Replaces the three lists with the server's (after sign-in and every reconnect).
    /// The server's unread counts replace the page's: they hold what was read in
    /// another tab or on another machine, and survive a reload.
    pub fn set_lists(&mut self, lists: AgentConversations) {
        self.waiting = lists.waiting;
        self.mine = lists.mine;
        self.ended = lists.ended;
        self.unread = self
            .mine
            .iter()
            .filter(|c| c.unread > 0 && self.open.as_deref() != Some(c.id.as_str()))
            .map(|c| (c.id.clone(), c.unread))
            .collect();
    }

    /// Every conversation the lists know, by id.
    pub fn find(&self, id: &str) -> Option<&ConversationSummary> {
        self.mine
            .iter()
            .chain(&self.waiting)
            .chain(&self.ended)
            .find(|c| c.id == id)
    }

    /// The order the keyboard moves in: mine, then waiting, then ended.
    pub fn order(&self) -> Vec<String> {
        self.mine
            .iter()
            .chain(&self.waiting)
            .chain(&self.ended)
            .map(|c| c.id.clone())
            .collect()
    }

    /// The conversation `step` places after (or before, negative) `current` in
    /// [`Inbox::order`], wrapping; the first one when nothing is open.
    pub fn neighbour(&self, current: Option<&str>, step: i32) -> Option<String> {
        let order = self.order();
        if order.is_empty() {
            return None;
        }
        let n = order.len() as i32;
        let at = current.and_then(|c| order.iter().position(|x| x == c));
        let next = match at {
            Some(i) => (i as i32 + step).rem_euclid(n),
            None if step < 0 => n - 1,
            None => 0,
        };
        order.get(next as usize).cloned()
    }

    /// Whether a queueing conversation is for this agent (no group, or one of theirs).
    fn for_me(&self, c: &ConversationSummary) -> bool {
        c.group_id
            .as_ref()
            .is_none_or(|g| self.groups.iter().any(|x| x == g))
    }

    /// Puts a changed conversation in the list it now belongs to (or none). Returns
    /// whether it newly entered the agent's queue.
    pub fn place(&mut self, c: ConversationSummary) -> bool {
        let was_waiting = self.waiting.iter().any(|x| x.id == c.id);
        let keep_preview = self.find(&c.id).and_then(|x| x.preview.clone());
        // A summary at least as new as every message heard of it knows the unread
        // count (another tab may have read it); an older one would forget messages
        // heard since it was computed, so the page's own count stays.
        let heard = self.find(&c.id).map_or(0, |x| x.last_seq);
        let held = c.agent_id.as_deref() == Some(self.me.as_str());
        if !held || self.open.as_deref() == Some(c.id.as_str()) {
            self.unread.remove(&c.id);
        } else if c.last_seq >= heard {
            if c.unread > 0 {
                self.unread.insert(c.id.clone(), c.unread);
            } else {
                self.unread.remove(&c.id);
            }
        }
        // A conversation that stays the agent's keeps its place in the list (a read
        // mark or a note changes its summary, not its order).
        let mine_at = self.mine.iter().position(|x| x.id == c.id);
        self.waiting.retain(|x| x.id != c.id);
        self.mine.retain(|x| x.id != c.id);
        self.ended.retain(|x| x.id != c.id);
        let mut c = c;
        if c.preview.is_none() {
            c.preview = keep_preview;
        }
        let mine = c.agent_id.as_deref() == Some(self.me.as_str());
        match c.state {
            ConversationState::Queueing if self.for_me(&c) => {
                let entered = !was_waiting;
                let at = self
                    .waiting
                    .iter()
                    .position(|x| x.queued_at > c.queued_at)
                    .unwrap_or(self.waiting.len());
                self.waiting.insert(at, c);
                return entered;
            }
            ConversationState::WithAgent if mine => match mine_at {
                Some(at) => self.mine.insert(at.min(self.mine.len()), c),
                None => self.mine.push(c),
            },
            ConversationState::Ended if mine => {
                self.typing.remove(&c.id);
                self.ended.insert(0, c);
                self.ended.truncate(RECENTLY_ENDED);
            }
            _ => {
                self.typing.remove(&c.id);
            }
        }
        false
    }

    /// Adds messages to a conversation's log (a repeat replaces itself) and removes
    /// the outbox entries they confirm.
    pub fn merge(&mut self, messages: impl IntoIterator<Item = ChatMessage>) {
        for m in messages {
            if let Some(id) = &m.client_id {
                self.outbox.retain(|p| &p.client_id != id);
            }
            *self
                .log_versions
                .entry(m.conversation_id.clone())
                .or_default() += 1;
            self.logs
                .entry(m.conversation_id.clone())
                .or_default()
                .insert(m.seq, Arc::new(m));
        }
    }

    /// Marks a conversation as the one on screen: its unread count goes.
    pub fn open(&mut self, id: Option<String>) {
        if let Some(id) = &id {
            self.unread.remove(id);
        }
        self.open = id;
    }

    /// The read mark the page should send now, if any: the open conversation, when the
    /// agent holds it and a visitor message newer than the last mark sent is known
    /// (loaded, heard live, or counted by the server), up to the newest seq known.
    pub fn read_mark(&self) -> Option<(String, i64)> {
        let id = self.open.as_deref()?;
        let c = self.mine.iter().find(|c| c.id == id)?;
        let sent = self.read_sent.get(id).copied().unwrap_or(0);
        let log = self.logs.get(id);
        let newest = log
            .and_then(|l| l.keys().next_back().copied())
            .unwrap_or(0)
            .max(c.last_seq);
        let visitor_after_mark = log.is_some_and(|l| {
            l.range(sent + 1..)
                .any(|(_, m)| m.sender == Sender::Visitor)
        }) || (c.unread > 0 && c.last_seq > sent);
        (visitor_after_mark && newest > sent).then(|| (id.to_owned(), newest))
    }

    /// Records a read mark sent for `id` (it never goes back).
    pub fn read_sent(&mut self, id: &str, seq: i64) {
        let at = self.read_sent.entry(id.to_owned()).or_default();
        *at = (*at).max(seq);
    }

    /// Applies a socket event; says what a hidden tab should be told.
    pub fn apply(&mut self, event: ServerEvent) -> Alert {
        let mut alert = Alert::default();
        match event {
            ServerEvent::Message { message } => {
                let id = message.conversation_id.clone();
                let known = self
                    .logs
                    .get(&id)
                    .is_some_and(|l| l.contains_key(&message.seq));
                if message.sender == Sender::Visitor && !known {
                    alert.new_message = true;
                    self.typing.remove(&id);
                    if self.open.as_deref() != Some(id.as_str()) {
                        *self.unread.entry(id.clone()).or_default() += 1;
                    }
                }
                if message.kind != parley_protocol::api::MessageKind::System {
                    let preview = preview(&message.text);
                    for c in self.mine.iter_mut().chain(&mut self.waiting) {
                        if c.id == id {
                            c.preview = Some(preview.clone());
                            c.last_seq = c.last_seq.max(message.seq);
                        }
                    }
                }
                self.merge([message]);
            }
            ServerEvent::Typing {
                conversation_id,
                from: Sender::Visitor,
                typing,
            } => {
                if typing {
                    self.typing.insert(conversation_id);
                } else {
                    self.typing.remove(&conversation_id);
                }
            }
            ServerEvent::Conversation { conversation } => {
                alert.new_visitor = self.place(conversation);
            }
            ServerEvent::Ticket { .. } => self.tickets_seen = self.tickets_seen.wrapping_add(1),
            _ => {}
        }
        alert
    }

    /// Whether message `seq` of conversation `id` is loaded.
    pub fn has(&self, id: &str, seq: i64) -> bool {
        self.logs.get(id).is_some_and(|l| l.contains_key(&seq))
    }

    /// The version of a conversation's log ([`Inbox::log_versions`]; 0 before any).
    pub fn log_version(&self, id: &str) -> u64 {
        self.log_versions.get(id).copied().unwrap_or(0)
    }

    /// The loaded messages of a conversation, oldest first.
    pub fn messages(&self, id: &str) -> Vec<Arc<ChatMessage>> {
        self.logs
            .get(id)
            .map(|l| l.values().cloned().collect())
            .unwrap_or_default()
    }

    /// The unconfirmed replies of a conversation.
    pub fn pending(&self, id: &str) -> Vec<Pending> {
        self.outbox
            .iter()
            .filter(|p| p.conversation_id == id)
            .cloned()
            .collect()
    }

    /// Total unread visitor messages (for the tab's title).
    pub fn unread_total(&self) -> u32 {
        self.unread.values().sum()
    }
}

/// A message's text on one line, at most 80 characters.
pub fn preview(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = line.chars().take(80).collect();
    if line.chars().count() > 80 {
        out.push('…');
    }
    out
}

/// One row of a conversation's timeline.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    /// A time separator before the messages written at `at` (Unix ms).
    Time { at: i64, new_day: bool },
    /// Shared with the inbox's log: a separator is small, a message is not.
    Message(Arc<ChatMessage>),
}

impl Row {
    /// The row's identity in the timeline's keyed list: a separator by its time, a
    /// message by its `seq` (cheap to compute for thousands of rows, unlike a string).
    pub fn key(&self) -> (bool, i64) {
        match self {
            Row::Time { at, .. } => (false, *at),
            Row::Message(m) => (true, m.seq),
        }
    }
}

/// A pause long enough to show the time again.
pub const PAUSE_MS: i64 = 5 * 60 * 1000;

/// The timeline: a time separator before the first message, after every pause of
/// [`PAUSE_MS`] and at every new local day (`offset_minutes` east of UTC).
pub fn rows(messages: &[Arc<ChatMessage>], offset_minutes: i32) -> Vec<Row> {
    let day = |ms: i64| (ms + i64::from(offset_minutes) * 60_000).div_euclid(86_400_000);
    let mut out = Vec::with_capacity(messages.len() + 4);
    let mut last: Option<i64> = None;
    for m in messages {
        let at = m.created_at;
        match last {
            None => out.push(Row::Time { at, new_day: true }),
            Some(prev) if day(prev) != day(at) => out.push(Row::Time { at, new_day: true }),
            Some(prev) if at - prev >= PAUSE_MS => out.push(Row::Time { at, new_day: false }),
            _ => {}
        }
        last = Some(at);
        out.push(Row::Message(Arc::clone(m)));
    }
    out
}

/// A page a visitor came from, short enough for a list: its title, or else its address
/// without the scheme, `www.` and a trailing slash.
pub fn page_label(page: &parley_protocol::api::VisitPage) -> String {
    let title = page.title.trim();
    if !title.is_empty() {
        return title.to_owned();
    }
    let url = page.url.trim();
    let bare = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    let bare = bare.strip_prefix("www.").unwrap_or(bare);
    bare.strip_suffix('/').unwrap_or(bare).to_owned()
}

/// How long someone has waited, for the queue ("45 s", "3 min", "2 h 5 min").
pub fn wait_text(since_ms: i64, now_ms: i64) -> String {
    let s = ((now_ms - since_ms) / 1000).max(0);
    if s < 60 {
        format!("{s} s")
    } else if s < 3600 {
        format!("{} min", s / 60)
    } else {
        format!("{} h {} min", s / 3600, (s % 3600) / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parley_protocol::api::{MessageKind, QueueTier};

    fn summary(id: &str, state: ConversationState, agent: Option<&str>) -> ConversationSummary {
        ConversationSummary {
            id: id.into(),
            visitor_id: format!("v-{id}"),
            visitor_name: None,
            state,
            group_id: None,
            agent_id: agent.map(Into::into),
            last_seq: 1,
            created_at: 0,
            queued_at: Some(0),
            end_reason: None,
            tier: QueueTier::Normal,
            preview: None,
            transfer_note: None,
            origin_tenant: None,
            page: None,
            unread: 0,
            source: None,
            summaryparams: None,
        }
    }

    fn message(c: &str, seq: i64, sender: Sender, text: &str, at: i64) -> ChatMessage {
        ChatMessage {
            conversation_id: c.into(),
            seq,
            client_id: None,
            sender,
            sender_name: None,
            kind: MessageKind::Text,
            text: text.into(),
            event: None,
            bot: None,
            card: None,
            image: None,
            file: None,
            created_at: at,
        }
    }

    #[test]
    fn conversations_move_between_lists() {
        let mut inbox = Inbox::new("alice", &["sales".into()]);
        assert!(inbox.place(summary("a", ConversationState::Queueing, None)));
        assert!(
            !inbox.place(summary("a", ConversationState::Queueing, None)),
            "already listed"
        );
        let mut other = summary("b", ConversationState::Queueing, None);
        other.group_id = Some("support".into());
        assert!(!inbox.place(other), "another group's visitor is not listed");
        assert_eq!(inbox.waiting.len(), 1);
        inbox.place(summary("a", ConversationState::WithAgent, Some("alice")));
        assert!(inbox.waiting.is_empty());
        assert_eq!(inbox.mine.len(), 1);
        // Transferred to Bob: gone from Alice's lists.
        inbox.place(summary("a", ConversationState::WithAgent, Some("bob")));
        assert!(inbox.mine.is_empty() && inbox.ended.is_empty());
        inbox.place(summary("c", ConversationState::WithAgent, Some("alice")));
        inbox.place(summary("c", ConversationState::Ended, Some("alice")));
        assert_eq!(inbox.ended.len(), 1);
        assert!(inbox.mine.is_empty());
    }

    #[test]
    fn visitor_messages_count_unread_unless_open_and_replays_show_once() {
        let mut inbox = Inbox::new("alice", &[]);
        inbox.place(summary("a", ConversationState::WithAgent, Some("alice")));
        let m = message("a", 2, Sender::Visitor, "hello   there", 0);
        let alert = inbox.apply(ServerEvent::Message { message: m.clone() });
        assert!(alert.new_message);
        assert_eq!(inbox.unread.get("a"), Some(&1));
        assert_eq!(inbox.mine[0].preview.as_deref(), Some("hello there"));
        // The same message again (a reconnect's replay): not counted twice.
        let again = inbox.apply(ServerEvent::Message { message: m });
        assert!(!again.new_message);
        assert_eq!(inbox.unread_total(), 1);
        assert_eq!(inbox.messages("a").len(), 1);
        assert_eq!(inbox.log_version("a"), 2, "each merge is a new version");
        assert_eq!(inbox.log_version("b"), 0);
        inbox.open(Some("a".into()));
        assert_eq!(inbox.unread_total(), 0);
        inbox.apply(ServerEvent::Message {
            message: message("a", 3, Sender::Visitor, "more", 0),
        });
        assert_eq!(inbox.unread_total(), 0, "the open conversation is read");
    }

    #[test]
    fn the_servers_unread_counts_survive_a_reload_and_newer_summaries_win() {
        let mut inbox = Inbox::new("alice", &[]);
        let mut a = summary("a", ConversationState::WithAgent, Some("alice"));
        a.unread = 3;
        a.last_seq = 7;
        let mut b = summary("b", ConversationState::WithAgent, Some("alice"));
        b.unread = 1;
        // After a reload the page has only the server's lists: its counts are the server's.
        inbox.set_lists(AgentConversations {
            waiting: vec![],
            mine: vec![a.clone(), b.clone()],
            ended: vec![],
        });
        assert_eq!(inbox.unread.get("a"), Some(&3));
        assert_eq!(inbox.unread_total(), 4);
        // A visitor message heard live adds to it.
        inbox.apply(ServerEvent::Message {
            message: message("a", 8, Sender::Visitor, "more", 0),
        });
        assert_eq!(inbox.unread.get("a"), Some(&4));
        // A summary older than that message (computed before it) does not forget it...
        inbox.place(a.clone());
        assert_eq!(inbox.unread.get("a"), Some(&4));
        // ...a newer one (another tab read it all) is the truth, and the list keeps its order.
        a.last_seq = 8;
        a.unread = 0;
        inbox.place(a.clone());
        assert_eq!(inbox.unread.get("a"), None);
        assert_eq!(inbox.order(), vec!["a".to_owned(), "b".to_owned()]);
        // Transferred away: no count for a conversation that is no longer the agent's.
        inbox.place(summary("b", ConversationState::WithAgent, Some("bob")));
        assert_eq!(inbox.unread_total(), 0);
    }

    #[test]
    fn the_open_conversation_asks_once_per_new_visitor_message_to_be_marked_read() {
        let mut inbox = Inbox::new("alice", &[]);
        let mut a = summary("a", ConversationState::WithAgent, Some("alice"));
        a.unread = 2;
        a.last_seq = 5;
        inbox.place(a);
        assert_eq!(inbox.read_mark(), None, "nothing open");
        inbox.open(Some("a".into()));
        // Opened before its messages loaded: the server's count is enough to mark it.
        assert_eq!(inbox.read_mark(), Some(("a".into(), 5)));
        inbox.read_sent("a", 5);
        assert_eq!(inbox.read_mark(), None, "sent once");
        // The server's answer: nothing unread any more.
        let mut read = summary("a", ConversationState::WithAgent, Some("alice"));
        read.last_seq = 5;
        inbox.place(read);
        assert_eq!(inbox.unread_total(), 0);
        inbox.merge([message("a", 5, Sender::Visitor, "x", 0)]);
        assert_eq!(inbox.read_mark(), None, "already marked");
        // The agent's own reply is nothing to read; the visitor's next message is.
        inbox.apply(ServerEvent::Message {
            message: message("a", 6, Sender::Agent, "hi", 0),
        });
        assert_eq!(inbox.read_mark(), None);
        inbox.apply(ServerEvent::Message {
            message: message("a", 7, Sender::Visitor, "thanks", 0),
        });
        assert_eq!(inbox.read_mark(), Some(("a".into(), 7)));
        inbox.read_sent("a", 7);
        inbox.read_sent("a", 3);
        assert_eq!(inbox.read_sent.get("a"), Some(&7), "never backwards");
        // A queueing conversation on screen is nobody's to mark.
        inbox.place(summary("q", ConversationState::Queueing, None));
        inbox.open(Some("q".into()));
        assert_eq!(inbox.read_mark(), None);
    }

    #[test]
    fn a_stored_reply_confirms_its_outbox_entry() {
        let mut inbox = Inbox::new("alice", &[]);
        inbox.outbox.push(Pending {
            client_id: "c1".into(),
            conversation_id: "a".into(),
            text: "hi".into(),
            failed: None,
        });
        assert_eq!(inbox.pending("a").len(), 1);
        let mut m = message("a", 4, Sender::Agent, "hi", 0);
        m.client_id = Some("c1".into());
        inbox.apply(ServerEvent::Message { message: m });
        assert!(inbox.pending("a").is_empty());
    }

    #[test]
    fn typing_follows_the_visitor() {
        let mut inbox = Inbox::new("alice", &[]);
        let typing = |on| ServerEvent::Typing {
            conversation_id: "a".into(),
            from: Sender::Visitor,
            typing: on,
        };
        inbox.apply(typing(true));
        assert!(inbox.typing.contains("a"));
        inbox.apply(ServerEvent::Message {
            message: message("a", 2, Sender::Visitor, "x", 0),
        });
        assert!(!inbox.typing.contains("a"), "a message ends typing");
        inbox.apply(typing(true));
        inbox.apply(typing(false));
        assert!(inbox.typing.is_empty());
    }

    #[test]
    fn keyboard_order_wraps() {
        let mut inbox = Inbox::new("alice", &[]);
        assert_eq!(inbox.neighbour(None, 1), None);
        inbox.place(summary("m", ConversationState::WithAgent, Some("alice")));
        inbox.place(summary("w", ConversationState::Queueing, None));
        assert_eq!(inbox.neighbour(None, 1).as_deref(), Some("m"));
        assert_eq!(inbox.neighbour(None, -1).as_deref(), Some("w"));
        assert_eq!(inbox.neighbour(Some("m"), 1).as_deref(), Some("w"));
        assert_eq!(inbox.neighbour(Some("w"), 1).as_deref(), Some("m"));
    }

    #[test]
    fn time_separators_at_start_pauses_and_new_days() {
        let min = 60_000;
        let ms = [
            message("a", 1, Sender::Visitor, "1", 0),
            message("a", 2, Sender::Bot, "2", min),
            message("a", 3, Sender::Visitor, "3", 7 * min),
            message("a", 4, Sender::Visitor, "4", 86_400_000),
        ]
        .map(Arc::new);
        let times: Vec<_> = rows(&ms, 0)
            .into_iter()
            .filter_map(|r| match r {
                Row::Time { at, new_day } => Some((at, new_day)),
                Row::Message(_) => None,
            })
            .collect();
        assert_eq!(times, vec![(0, true), (7 * min, false), (86_400_000, true)]);
        // Eight hours east, the first two fall on the same local day as before.
        assert_eq!(rows(&ms, 8 * 60).len(), 7);
    }

    #[test]
    fn pages_are_named_by_title_or_short_address() {
        use parley_protocol::api::VisitPage;
        let page = |url: &str, title: &str| VisitPage {
            url: url.into(),
            title: title.into(),
            ..VisitPage::default()
        };
        assert_eq!(
            page_label(&page("https://shop.example/tea", " Green tea ")),
            "Green tea"
        );
        assert_eq!(
            page_label(&page("https://www.shop.example/", "")),
            "shop.example"
        );
        assert_eq!(
            page_label(&page("http://shop.example/a?b=1", "")),
            "shop.example/a?b=1"
        );
    }

    #[test]
    fn waits_read_naturally() {
        assert_eq!(wait_text(0, 45_000), "45 s");
        assert_eq!(wait_text(0, 180_000), "3 min");
        assert_eq!(wait_text(0, 7_500_000), "2 h 5 min");
        assert_eq!(wait_text(10, 0), "0 s");
    }
}
