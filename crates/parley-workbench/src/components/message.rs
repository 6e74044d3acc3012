//! One row of the timeline: a visitor's, the bot's or an agent's message (text in the
//! rich-text subset, card, picture or file), or a system event (joined, transferred,
//! ended, evaluation). Every string is a text node; links are http(s) only.

use leptos::prelude::*;
use parley_protocol::api::{ChatMessage, MessageKind, Sender, SystemEvent};
use parley_protocol::Locale;

use crate::components::card::CardView;
use crate::components::rich_text::RichText;
use crate::i18n::{t, t_args};

/// The text of a system event.
pub fn event_text(locale: Locale, e: &SystemEvent) -> String {
    match e {
        SystemEvent::Queued { .. } => t(locale, "event-queued"),
        SystemEvent::AgentJoined { agent_name, .. } => {
            t_args(locale, "event-joined", &[("name", agent_name)])
        }
        SystemEvent::Transferred {
            to_agent_name,
            to_group,
            ..
        } => match (to_agent_name, to_group) {
            (Some(n), _) => t_args(locale, "event-transferred-agent", &[("name", n)]),
            (None, Some(g)) => t_args(locale, "event-transferred-group", &[("name", g)]),
            _ => t(locale, "event-transferred"),
        },
        SystemEvent::Ended { .. } => t(locale, "event-ended"),
        SystemEvent::EvaluationInvited => t(locale, "event-evaluation"),
        SystemEvent::Evaluated { evaluation: e } => {
            let score = format!("{}/{}", e.score, e.kind.max());
            let mut text = t_args(locale, "event-evaluated", &[("score", &score)]);
            let solved = match e.solved {
                Some(true) => Some(t(locale, "evaluation-solved")),
                Some(false) => Some(t(locale, "evaluation-unsolved")),
                None => None,
            };
            let details = e
                .tags
                .iter()
                .cloned()
                .chain(solved)
                .chain((!e.comment.is_empty()).then(|| format!("“{}”", e.comment)));
            for d in details {
                text.push_str(" · ");
                text.push_str(&d);
            }
            text
        }
        SystemEvent::NoAgentOnline => t(locale, "event-no-agent"),
    }
}

#[component]
pub fn MessageRow(m: ChatMessage, locale: Locale) -> impl IntoView {
    if m.kind == MessageKind::System {
        let text = m
            .event
            .as_ref()
            .map(|e| event_text(locale, e))
            .unwrap_or_else(|| m.text.clone());
        return view! { <li class="event">{text}</li> }.into_any();
    }
    let (class, who) = match m.sender {
        Sender::Visitor => ("msg from-visitor", t(locale, "sender-visitor")),
        Sender::Bot => ("msg from-bot", t(locale, "sender-bot")),
        Sender::Agent => (
            "msg from-agent",
            m.sender_name
                .clone()
                .unwrap_or_else(|| t(locale, "sender-agent")),
        ),
        Sender::System => ("msg from-system", String::new()),
    };
    let offline = (m.kind == MessageKind::Offline).then(|| t(locale, "offline-tag"));
    let file = m.file.clone().and_then(|f| f.url().map(|url| (f, url)));
    let body = match (m.card.clone(), m.image.clone(), file) {
        (Some(card), _, _) => view! { <CardView card=*card locale /> }.into_any(),
        (None, None, Some((file, url))) => {
            let size = file_size(file.size);
            view! {
                <a class="file" href=url download=file.name.clone()>
                    <span class="file-name">{file.name.clone()}</span>
                    <span class="file-size">{size}</span>
                </a>
            }
            .into_any()
        }
        (None, Some(image), _) => match image.url() {
            Some(url) => {
                let href = url.clone();
                view! {
                <a href=href target="_blank" rel="noopener">
                    <img
                        class="pic"
                        src=url
                        alt=m.text.clone()
                        width=image.width.min(240).to_string()
                        style=format!("aspect-ratio: {} / {}", image.width.max(1), image.height.max(1))
                    />
                </a>
            }
            .into_any()
            }
            None => view! { <p>{m.text.clone()}</p> }.into_any(),
        },
        _ => view! { <RichText text=m.text.clone() /> }.into_any(),
    };
    let suggestions = m.bot.as_ref().map(|b| {
        b.suggestions
            .iter()
            .map(|s| view! { <li>{s.question.clone()}</li> })
            .collect_view()
    });
    view! {
        <li class=class>
            <span class="who">{who} {offline.map(|o| view! { <span class="tag">{o}</span> })}
                <time>{super::clock(m.created_at, false)}</time>
            </span>
            <div class="bubble">
                {body}
                {suggestions.map(|s| view! { <ul class="suggestions">{s}</ul> })}
            </div>
        </li>
    }
    .into_any()
}

/// A file's size as people read it (1 decimal above a kilobyte).
pub fn file_size(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::file_size;

    #[test]
    fn file_sizes_read_as_people_say_them() {
        assert_eq!(file_size(512), "512 B");
        assert_eq!(file_size(1536), "1.5 KB");
        assert_eq!(file_size(3 * 1024 * 1024 + 512 * 1024), "3.5 MB");
    }
}
