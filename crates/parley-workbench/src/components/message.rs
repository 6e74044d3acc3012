//! One row of the timeline: a visitor's, the bot's or an agent's message (text, card
//! or picture), or a system event (joined, transferred, ended, evaluation). Every
//! string is a text node; links in cards are http(s) only.

use leptos::prelude::*;
use parley_protocol::api::{ChatMessage, MessageKind, Sender, SystemEvent};
use parley_protocol::Locale;

use crate::components::card::CardView;
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
    let body = match (m.card.clone(), m.image.clone()) {
        (Some(card), _) => view! { <CardView card=*card locale /> }.into_any(),
        (None, Some(image)) => match image.url() {
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
        _ => view! { <p class="text">{m.text.clone()}</p> }.into_any(),
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
