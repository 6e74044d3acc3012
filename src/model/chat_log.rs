//! The visitor's view of the conversation as plain data: stored messages (deduplicated
//! by conversation and sequence), the outbox of messages not yet confirmed by the
//! server, and the rows the message list renders (with time separators).
//!
//! Kept free of Leptos and the browser so the rules (exactly once, in order, pending
//! until acknowledged) are tested on the host.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use parley_protocol::api::{BotReply, ChatMessage, Sender};
use serde::{Deserialize, Serialize};

/// A message the visitor wrote that the server has not stored yet (as far as this
/// client knows). It is kept in local storage, so it survives a reload or a network
/// outage, and sent again with the same `client_id` until acknowledged: the server
/// stores a client id once, so a repeat is harmless.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// Generated once when the visitor sends; the server's deduplication key.
    pub client_id: String,
    pub text: String,
    /// The tapped suggestion, if the message came from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faq_id: Option<u64>,
    /// Unix milliseconds when the visitor sent it.
    pub created_at: i64,
    /// Why the server refused it; the visitor may retry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
    /// The sequence number the server acknowledged; the entry stays (shown as sent)
    /// until the stored message itself arrives. Never persisted.
    #[serde(skip)]
    pub acked: Option<i64>,
}

/// How a message the visitor wrote stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Delivery {
    /// Stored by the server.
    Sent,
    /// Waiting to be sent or acknowledged.
    Pending,
    /// Refused; can be retried.
    Failed,
}

/// One row of the message list.
///
/// Stored messages are shared (`Arc`) with the log, so building the rows of a long
/// conversation again after each new message copies pointers, not texts.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    /// A time separator before the next message (Unix ms of that message).
    Time(i64),
    /// A stored message.
    Stored(Arc<ChatMessage>),
    /// An outbox entry, shown where the visitor expects it: at the end.
    Outgoing(OutboxEntry, Delivery),
    /// A notice of this page only (never stored), shown after the stored message it
    /// follows: `agent_hello_word` when an agent joins.
    Note(Arc<ChatMessage>, String),
}

/// What stays the same while a row means the same thing: the message list's key. It
/// is built for every row at every change of a long list, so it formats and allocates
/// nothing for stored messages (it shares the message and compares its identity).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RowKey {
    Time(i64),
    Stored(MessageId),
    Outgoing(String, Delivery),
    Note(MessageId),
}

/// A stored message's identity, `(conversation_id, seq)`, read from the shared message.
#[derive(Debug, Clone)]
pub struct MessageId(Arc<ChatMessage>);

impl PartialEq for MessageId {
    fn eq(&self, other: &Self) -> bool {
        self.0.seq == other.0.seq && self.0.conversation_id == other.0.conversation_id
    }
}

impl Eq for MessageId {}

impl Hash for MessageId {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.conversation_id.hash(state);
        self.0.seq.hash(state);
    }
}

impl Row {
    /// A key that stays the same while the row means the same thing.
    pub fn key(&self) -> RowKey {
        match self {
            Row::Time(ms) => RowKey::Time(*ms),
            Row::Stored(m) => RowKey::Stored(MessageId(m.clone())),
            Row::Outgoing(e, d) => RowKey::Outgoing(e.client_id.clone(), *d),
            Row::Note(after, _) => RowKey::Note(MessageId(after.clone())),
        }
    }
}

/// The rows of the messages that reached the page together (init's history, a page of
/// older ones), with what came after them until the next such page: the message list
/// renders each as one block, so a page put above the others adds one block and moves
/// no rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The page's first message (`None`: rows before any page, e.g. an empty log's
    /// outbox).
    pub key: Option<MessageId>,
    pub rows: Vec<Row>,
}

/// Minutes between two messages after which the list shows the time again.
pub const SEPARATOR_GAP_MS: i64 = 5 * 60_000;

/// The conversation log.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChatLog {
    /// Stored messages by (conversation's first-seen time, conversation id, seq), so
    /// older conversations of the history come first and each keeps its order.
    stored: BTreeMap<(i64, String, i64), Arc<ChatMessage>>,
    /// When each conversation's first message we know of was written.
    conversation_start: BTreeMap<String, i64>,
    /// Unconfirmed messages in the order they were written.
    pub outbox: Vec<OutboxEntry>,
    /// Local notices: the conversation and seq of the stored message each follows, and
    /// its text. A few at most (one per agent joining), so a list looked up by `&str`
    /// for every message of every rebuild: nothing allocated, no map's code in the
    /// bundle.
    notes: Vec<(String, i64, String)>,
    /// The sort keys of the messages that begin a page (see [`Page`]).
    page_starts: BTreeSet<(i64, String, i64)>,
}

impl ChatLog {
    /// Adds a stored message. Returns false when it was already there (a replay after a
    /// reconnect). A visitor message settles the outbox entry with the same client id.
    pub fn insert(&mut self, message: ChatMessage) -> bool {
        self.insert_keyed(message).is_some()
    }

    /// Adds messages that reached the page together (init's history, a page of older
    /// ones), each once: the first of them begins a [`Page`].
    pub fn insert_page(&mut self, messages: impl IntoIterator<Item = ChatMessage>) {
        if let Some(first) = messages
            .into_iter()
            .filter_map(|m| self.insert_keyed(m))
            .min()
        {
            self.page_starts.insert(first);
        }
    }

    /// [`Self::insert`], giving back the new message's sort key.
    fn insert_keyed(&mut self, message: ChatMessage) -> Option<(i64, String, i64)> {
        if let Some(id) = &message.client_id {
            if message.sender == Sender::Visitor {
                self.outbox.retain(|e| &e.client_id != id);
            }
        }
        // The first time seen stays the conversation's sort key, so its messages keep
        // one key each however pages arrive.
        let start = *self
            .conversation_start
            .entry(message.conversation_id.clone())
            .or_insert(message.created_at);
        let key = (start, message.conversation_id.clone(), message.seq);
        if self.stored.contains_key(&key) {
            return None;
        }
        self.stored.insert(key.clone(), Arc::new(message));
        Some(key)
    }

    /// Shows `text` after the stored message `seq` of `conversation_id`, on this page
    /// only (a reload does not bring it back).
    pub fn note_after(&mut self, conversation_id: &str, seq: i64, text: String) {
        match self
            .notes
            .iter_mut()
            .find(|(c, s, _)| c == conversation_id && *s == seq)
        {
            Some(note) => note.2 = text,
            None => self.notes.push((conversation_id.to_owned(), seq, text)),
        }
    }

    /// The highest sequence number stored for `conversation_id`: what a reconnecting
    /// socket asks to continue after.
    pub fn last_seq(&self, conversation_id: &str) -> i64 {
        self.stored
            .keys()
            .filter(|(_, c, _)| c == conversation_id)
            .map(|(_, _, s)| *s)
            .max()
            .unwrap_or(0)
    }

    /// The lowest sequence number stored for `conversation_id`: where the next page of
    /// older messages ends.
    pub fn first_seq(&self, conversation_id: &str) -> Option<i64> {
        self.stored
            .keys()
            .filter(|(_, c, _)| c == conversation_id)
            .map(|(_, _, s)| *s)
            .min()
    }

    /// Whether older messages of `conversation_id` exist on the server: sequences start
    /// at 1 without gaps.
    pub fn has_older(&self, conversation_id: &str) -> bool {
        self.first_seq(conversation_id).is_some_and(|s| s > 1)
    }

    /// Number of stored messages.
    pub fn len(&self) -> usize {
        self.stored.len()
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.stored.is_empty()
    }

    /// The latest bot reply, which decides whether the transfer button shows.
    pub fn last_bot_reply(&self) -> Option<&BotReply> {
        self.stored.values().rev().find_map(|m| m.bot.as_ref())
    }

    /// Puts back the outbox kept in local storage, less the messages the log already
    /// holds (the server stored them before the page was left): those must not show
    /// twice or go out again.
    pub fn restore_outbox(&mut self, kept: Vec<OutboxEntry>) {
        let stored = |id: &str| {
            self.stored
                .values()
                .any(|m| m.sender == Sender::Visitor && m.client_id.as_deref() == Some(id))
        };
        let kept: Vec<OutboxEntry> = kept.into_iter().filter(|e| !stored(&e.client_id)).collect();
        self.outbox.splice(0..0, kept);
    }

    /// Queues a new message.
    pub fn push_outgoing(&mut self, entry: OutboxEntry) {
        self.outbox.push(entry);
    }

    /// Records the server's acknowledgement of `client_id` as `seq`.
    pub fn ack(&mut self, client_id: &str, seq: i64) {
        if let Some(e) = self.outbox.iter_mut().find(|e| e.client_id == client_id) {
            e.acked = Some(seq);
            e.failed = None;
        }
    }

    /// Marks `client_id` as refused with `reason`.
    pub fn fail(&mut self, client_id: &str, reason: String) {
        if let Some(e) = self.outbox.iter_mut().find(|e| e.client_id == client_id) {
            e.failed = Some(reason);
        }
    }

    /// Clears the refusal of `client_id`, for a retry. Returns the entry to send.
    pub fn retry(&mut self, client_id: &str) -> Option<OutboxEntry> {
        let e = self.outbox.iter_mut().find(|e| e.client_id == client_id)?;
        e.failed = None;
        Some(e.clone())
    }

    /// The entries to (re)send when a connection opens: not acknowledged, not refused.
    pub fn to_send(&self) -> Vec<OutboxEntry> {
        self.outbox
            .iter()
            .filter(|e| e.acked.is_none() && e.failed.is_none())
            .cloned()
            .collect()
    }

    /// The entries worth keeping across a reload: everything not yet acknowledged.
    pub fn to_persist(&self) -> Vec<OutboxEntry> {
        self.outbox
            .iter()
            .filter(|e| e.acked.is_none())
            .cloned()
            .collect()
    }

    /// The rows to render. `offset_min(ms)` is the visitor's UTC offset in minutes at
    /// that instant (it changes with daylight saving time); a separator goes before the
    /// first message, before the first message of each local day, and after a pause of
    /// [`SEPARATOR_GAP_MS`]. Each message's local day is computed once (it asks the
    /// browser for the offset).
    pub fn rows(&self, offset_min: impl Fn(i64) -> i64) -> Vec<Row> {
        self.pages(offset_min)
            .into_iter()
            .flat_map(|p| p.rows)
            .collect()
    }

    /// [`Self::rows`] in [`Page`]s: a page begins at the first message of each page
    /// inserted with [`Self::insert_page`]; the outbox ends the last.
    pub fn pages(&self, offset_min: impl Fn(i64) -> i64) -> Vec<Page> {
        let mut pages = vec![Page {
            key: None,
            rows: Vec::new(),
        }];
        let mut rows = Vec::new();
        // The previous message's time and local day.
        let mut previous: Option<(i64, i64)> = None;
        let mut push_time = |rows: &mut Vec<Row>, ms: i64| {
            let today = local_day(ms, &offset_min);
            if previous.is_none_or(|(at, day)| day != today || ms - at >= SEPARATOR_GAP_MS) {
                rows.push(Row::Time(ms));
            }
            previous = Some((ms, today));
        };
        for (key, m) in &self.stored {
            if self.page_starts.contains(key) {
                let last = pages.last_mut().expect("one page at least");
                last.rows = std::mem::take(&mut rows);
                pages.push(Page {
                    key: Some(MessageId(m.clone())),
                    rows: Vec::new(),
                });
            }
            push_time(&mut rows, m.created_at);
            rows.push(Row::Stored(m.clone()));
            let note = self
                .notes
                .iter()
                .find(|(c, s, _)| *s == m.seq && *c == m.conversation_id);
            if let Some((_, _, text)) = note {
                rows.push(Row::Note(m.clone(), text.clone()));
            }
        }
        for e in &self.outbox {
            push_time(&mut rows, e.created_at);
            let delivery = if e.failed.is_some() {
                Delivery::Failed
            } else if e.acked.is_some() {
                Delivery::Sent
            } else {
                Delivery::Pending
            };
            rows.push(Row::Outgoing(e.clone(), delivery));
        }
        pages.last_mut().expect("one page at least").rows = rows;
        if pages.len() > 1 && pages[0].rows.is_empty() {
            pages.remove(0);
        }
        pages
    }
}

/// A log of `messages` (init's history and unread offline messages), each once, as
/// one page.
impl FromIterator<ChatMessage> for ChatLog {
    fn from_iter<I: IntoIterator<Item = ChatMessage>>(messages: I) -> Self {
        let mut log = ChatLog::default();
        log.insert_page(messages);
        log
    }
}

/// Whether a time separator goes before a message at `ms` after one at `previous`.
pub fn needs_separator(previous: Option<i64>, ms: i64, offset_min: impl Fn(i64) -> i64) -> bool {
    let Some(prev) = previous else { return true };
    local_day(prev, &offset_min) != local_day(ms, &offset_min) || ms - prev >= SEPARATOR_GAP_MS
}

/// The local day (days since the epoch in the visitor's time zone) of the instant `ms`.
fn local_day(ms: i64, offset_min: impl Fn(i64) -> i64) -> i64 {
    (ms + offset_min(ms) * 60_000).div_euclid(86_400_000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use parley_protocol::api::MessageKind;

    fn msg(conv: &str, seq: i64, sender: Sender, client_id: Option<&str>, at: i64) -> ChatMessage {
        ChatMessage {
            conversation_id: conv.into(),
            seq,
            client_id: client_id.map(Into::into),
            sender,
            sender_name: None,
            kind: MessageKind::Text,
            text: format!("m{seq}"),
            event: None,
            bot: None,
            card: None,
            image: None,
            file: None,
            created_at: at,
        }
    }

    fn entry(id: &str, at: i64) -> OutboxEntry {
        OutboxEntry {
            client_id: id.into(),
            text: id.into(),
            faq_id: None,
            created_at: at,
            failed: None,
            acked: None,
        }
    }

    #[test]
    fn a_local_note_follows_its_message_and_survives_replays() {
        let mut log = ChatLog::default();
        log.insert(msg("c", 1, Sender::Bot, None, 10));
        log.insert(msg("c", 2, Sender::System, None, 20));
        log.insert(msg("c", 3, Sender::Agent, None, 30));
        log.note_after("c", 2, "Hi, Alice here".into());
        log.insert(msg("c", 2, Sender::System, None, 20));
        let rows = log.rows(|_| 0);
        let texts: Vec<String> = rows
            .iter()
            .filter_map(|r| match r {
                Row::Stored(m) => Some(m.text.clone()),
                Row::Note(_, t) => Some(t.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(texts, ["m1", "m2", "Hi, Alice here", "m3"]);
        // Not a stored message: the socket's last seq ignores it.
        assert_eq!(log.last_seq("c"), 3);
        assert_eq!(log.len(), 3);
    }

    #[test]
    fn replays_are_shown_once_and_in_order() {
        let mut log = ChatLog::default();
        assert!(log.insert(msg("c", 2, Sender::Agent, None, 20)));
        assert!(log.insert(msg("c", 1, Sender::Bot, None, 10)));
        assert!(!log.insert(msg("c", 2, Sender::Agent, None, 20)));
        assert_eq!(log.len(), 2);
        assert_eq!(log.last_seq("c"), 2);
        assert_eq!(log.last_seq("other"), 0);
        let seqs: Vec<i64> = log
            .rows(|_| 0)
            .into_iter()
            .filter_map(|r| match r {
                Row::Stored(m) => Some(m.seq),
                _ => None,
            })
            .collect();
        assert_eq!(seqs, vec![1, 2]);
    }

    #[test]
    fn older_conversations_come_first() {
        let mut log = ChatLog::default();
        log.insert(msg("new", 1, Sender::Bot, None, 5_000));
        log.insert(msg("old", 7, Sender::Bot, None, 1_000));
        log.insert(msg("old", 8, Sender::Bot, None, 2_000));
        let order: Vec<(String, i64)> = log
            .rows(|_| 0)
            .into_iter()
            .filter_map(|r| match r {
                Row::Stored(m) => Some((m.conversation_id.clone(), m.seq)),
                _ => None,
            })
            .collect();
        assert_eq!(
            order,
            vec![("old".into(), 7), ("old".into(), 8), ("new".into(), 1)]
        );
        assert!(log.has_older("old"));
        assert!(!log.has_older("new"));
    }

    #[test]
    fn an_outbox_entry_is_pending_then_sent_then_settled_by_its_message() {
        let mut log = ChatLog::default();
        log.push_outgoing(entry("a", 100));
        log.push_outgoing(entry("b", 101));
        assert_eq!(log.to_send().len(), 2);
        log.ack("a", 1);
        assert_eq!(
            log.to_send().len(),
            1,
            "an acknowledged entry is not re-sent"
        );
        assert_eq!(log.to_persist().len(), 1);
        assert!(matches!(
            log.rows(|_| 0).last(),
            Some(Row::Outgoing(_, Delivery::Pending))
        ));
        log.insert(msg("c", 1, Sender::Visitor, Some("a"), 100));
        log.insert(msg("c", 2, Sender::Visitor, Some("b"), 101));
        assert!(log.outbox.is_empty());
        assert_eq!(log.len(), 2);
    }

    #[test]
    fn a_kept_message_the_history_already_holds_is_not_sent_again() {
        let mut log = ChatLog::default();
        log.insert(msg("c", 1, Sender::Visitor, Some("a"), 100));
        log.restore_outbox(vec![entry("a", 100), entry("b", 101)]);
        let waiting: Vec<String> = log.to_send().into_iter().map(|e| e.client_id).collect();
        assert_eq!(waiting, vec!["b".to_owned()]);
        assert_eq!(log.to_persist().len(), 1);
    }

    #[test]
    fn a_refused_entry_waits_for_retry() {
        let mut log = ChatLog::default();
        log.push_outgoing(entry("a", 1));
        log.fail("a", "too long".into());
        assert!(log.to_send().is_empty());
        assert_eq!(log.to_persist().len(), 1, "kept so the visitor can retry");
        assert!(matches!(
            log.rows(|_| 0).last(),
            Some(Row::Outgoing(_, Delivery::Failed))
        ));
        assert_eq!(log.retry("a").map(|e| e.client_id), Some("a".into()));
        assert_eq!(log.to_send().len(), 1);
    }

    #[test]
    fn row_keys_follow_the_message_not_its_copy() {
        let mut log = ChatLog::default();
        log.insert(msg("a", 1, Sender::Agent, None, 10));
        log.insert(msg("b", 1, Sender::Agent, None, 20));
        let first = log.rows(|_| 0);
        log.insert(msg("a", 2, Sender::Agent, None, 30));
        let second = log.rows(|_| 0);
        let keys = |rows: &[Row]| rows.iter().map(Row::key).collect::<Vec<_>>();
        // Every row keeps its key across rebuilds; the same seq in another conversation
        // is another row.
        let (before, after) = (keys(&first), keys(&second));
        assert!(before.iter().all(|k| after.contains(k)), "{after:?}");
        assert_eq!(after.len(), before.len() + 1);
        assert_ne!(first[1].key(), first[2].key());
        // A rebuild shares the stored messages instead of copying them.
        match (&first[1], &second[1]) {
            (Row::Stored(x), Row::Stored(y)) => assert!(Arc::ptr_eq(x, y)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_older_page_is_one_more_page_and_the_others_stay_as_they_were() {
        // Init's history (seq 31..=40) and unread offline messages: one page.
        let mut log: ChatLog = (31..=40)
            .map(|s| msg("c", s, Sender::Agent, None, s * 1_000))
            .collect();
        log.push_outgoing(entry("out", 50_000));
        let before = log.pages(|_| 0);
        assert_eq!(before.len(), 1);
        // A page of older messages arrives, newest first as the server sends them.
        log.insert_page(
            (21..=30)
                .rev()
                .map(|s| msg("c", s, Sender::Agent, None, s * 1_000)),
        );
        // A live message joins the newest page.
        log.insert(msg("c", 41, Sender::Agent, None, 41_000));
        let after = log.pages(|_| 0);
        assert_eq!(after.len(), 2);
        let seqs = |p: &Page| {
            p.rows
                .iter()
                .filter_map(|r| match r {
                    Row::Stored(m) => Some(m.seq),
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(seqs(&after[0]), (21..=30).collect::<Vec<_>>());
        assert_eq!(seqs(&after[1]), (31..=41).collect::<Vec<_>>());
        assert_eq!(after[1].key, before[0].key, "the page shown keeps its key");
        assert!(matches!(after[1].rows.last(), Some(Row::Outgoing(..))));
        // The rows are the pages' rows in order; a replayed page adds nothing.
        log.insert_page((21..=30).map(|s| msg("c", s, Sender::Agent, None, s * 1_000)));
        let flat: Vec<Row> = log.pages(|_| 0).into_iter().flat_map(|p| p.rows).collect();
        assert_eq!(flat, log.rows(|_| 0));
        assert_eq!(log.pages(|_| 0).len(), 2);
    }

    #[test]
    fn separators_on_new_local_day_and_after_a_pause() {
        let h = 3_600_000;
        assert!(needs_separator(None, 0, |_| 0));
        assert!(!needs_separator(Some(0), 60_000, |_| 0));
        assert!(needs_separator(Some(0), SEPARATOR_GAP_MS, |_| 0));
        // 23:58 and 00:01 UTC are different days in UTC…
        let a = 24 * h - 2 * 60_000;
        let b = 24 * h + 60_000;
        assert!(needs_separator(Some(a), b, |_| 0));
        // …but the same day at UTC+8 (07:58 and 08:01).
        assert!(!needs_separator(Some(a), b, |_| 480));
    }
}
