//! The conversation as a plain-text file the visitor can keep: one line per message
//! with its time and who wrote it, both sides, system notices, in the page's order.
//! Plain text only (never HTML): the words as the list shows them, without formatting
//! markers.

use parley_protocol::api::{ChatMessage, MessageKind, Sender};
use parley_protocol::rich::plain_text;
use parley_protocol::Locale;

use super::chat_log::Row;
use super::conversation::system_text;
use crate::i18n::t;

/// The transcript of `rows` (a [`super::chat_log::ChatLog`]'s rows) headed by `title`
/// (the chat's title) and the `greeting`; `time(ms)` writes a moment in the visitor's
/// language and time zone.
pub fn transcript(
    locale: Locale,
    title: &str,
    greeting: &str,
    rows: &[Row],
    time: impl Fn(i64) -> String,
) -> String {
    let mut out = format!("{title}\n\n");
    if !greeting.trim().is_empty() {
        line(
            &mut out,
            None,
            &t(locale, "chat-bot-name"),
            &plain_text(greeting),
        );
    }
    let mut last = None;
    for row in rows {
        match row {
            Row::Time(_) => {}
            Row::Stored(m) => {
                last = Some(m.created_at);
                let when = time(m.created_at);
                if m.event.is_some() || m.kind == MessageKind::System {
                    out.push_str(&format!("[{when}] — {}\n", system_text(locale, m)));
                } else {
                    line(&mut out, Some(&when), &who(locale, m), &words(locale, m));
                }
            }
            Row::Note(_, text) => {
                let when = last.map(&time);
                let agent = t(locale, "chat-agent-fallback");
                line(&mut out, when.as_deref(), &agent, &plain_text(text));
            }
            Row::Outgoing(e, _) => {
                let when = time(e.created_at);
                line(&mut out, Some(&when), &t(locale, "chat-you"), &e.text);
            }
        }
    }
    out
}

/// The file's name: the day it was saved, so several keep apart.
pub fn file_name(date: &str) -> String {
    let safe: String = date
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("chat-{safe}.txt")
}

fn who(locale: Locale, m: &ChatMessage) -> String {
    match m.sender {
        Sender::Visitor => t(locale, "chat-you"),
        Sender::Bot => t(locale, "chat-bot-name"),
        Sender::Agent | Sender::System => m
            .sender_name
            .clone()
            .unwrap_or_else(|| t(locale, "chat-agent-fallback")),
    }
}

fn words(locale: Locale, m: &ChatMessage) -> String {
    let text = plain_text(&m.text);
    if !text.trim().is_empty() {
        return text;
    }
    match (&m.card, m.kind) {
        (Some(card), _) => card.summary(),
        (None, MessageKind::Image) => t(locale, "chat-transcript-picture"),
        _ => text,
    }
}

/// `[time] name: words`, further lines of the words indented under the first.
fn line(out: &mut String, when: Option<&str>, name: &str, words: &str) {
    if let Some(when) = when {
        out.push_str(&format!("[{when}] "));
    }
    out.push_str(name);
    out.push_str(": ");
    out.push_str(&words.replace('\n', "\n    "));
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::chat_log::{ChatLog, OutboxEntry};
    use parley_protocol::api::SystemEvent;

    fn msg(seq: i64, sender: Sender, name: Option<&str>, text: &str) -> ChatMessage {
        crate::model::text_message(seq, sender, name, text, seq * 60_000)
    }

    #[test]
    fn both_sides_with_times_names_and_notices_as_plain_text() {
        let mut log = ChatLog::default();
        log.insert(msg(1, Sender::Visitor, None, "Where is **my** order?"));
        log.insert(msg(2, Sender::Bot, None, "Let me find a person."));
        let mut joined = msg(3, Sender::System, None, "");
        joined.kind = MessageKind::System;
        joined.event = Some(SystemEvent::AgentJoined {
            agent_id: "a".into(),
            agent_name: "Alice".into(),
            agent_avatar: None,
        });
        log.insert(joined);
        log.note_after("c1", 3, "Hello, I am here to help.".into());
        log.insert(msg(
            4,
            Sender::Agent,
            Some("Alice"),
            "It ships today.\nTracking: <b>X1</b>",
        ));
        log.push_outgoing(OutboxEntry {
            client_id: "o".into(),
            text: "Thanks".into(),
            faq_id: None,
            created_at: 300_000,
            failed: None,
            acked: None,
        });
        let text = transcript(
            Locale::En,
            "Parley Demo Shop",
            "Hi!",
            &log.rows(|_| 0),
            |ms| format!("t{}", ms / 60_000),
        );
        assert_eq!(
            text,
            "Parley Demo Shop\n\n\
             Assistant: Hi!\n\
             [t1] You: Where is my order?\n\
             [t2] Assistant: Let me find a person.\n\
             [t3] — Alice joined the chat.\n\
             [t3] Agent: Hello, I am here to help.\n\
             [t4] Alice: It ships today.\n    Tracking: <b>X1</b>\n\
             [t5] You: Thanks\n"
        );
    }

    #[test]
    fn file_names_are_plain() {
        assert_eq!(file_name("30/11/2026, 16:31"), "chat-30-11-2026--16-31.txt");
    }
}
