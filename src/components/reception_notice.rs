//! What reception decided, when the visitor must see or do something about it: pick a
//! group, wait in the queue, nobody available (leave a message), go to a third-party
//! page, or start again after the end.

use leptos::prelude::*;
use parley_protocol::api::{GroupView, Reception};
use parley_protocol::params::{encode_component, Link, OpenStyle};
use parley_protocol::Locale;

use crate::components::transcript::TranscriptButton;
use crate::i18n::{t, t_args};

/// The chat link's parameters the leave-message page needs too: the proof of identity
/// (`partnerid` with its `sign`, or the page `token`), so that a tenant requiring sign or
/// token admits the visitor there as in the chat, and the form's choices (`templateid`,
/// `groupid`, `leave_customsys_*`).
const CARRIED_TO_LEAVE: [&str; 5] = ["partnerid", "sign", "token", "templateid", "groupid"];

/// The leave-message page for the same tenant, visitor and language. `query` is the
/// chat link's raw query string: the parameters of [`CARRIED_TO_LEAVE`] and every
/// `leave_customsys_*` are copied from it byte for byte (still percent-encoded as
/// given, so a sign is checked against exactly the `partnerid` it was made for).
pub fn leave_message_href(sysnum: &str, uid: Option<&str>, locale: Locale, query: &str) -> String {
    let mut href = format!(
        "/chat/h5/v2/leavemessage.html?sysnum={}",
        encode_component(sysnum)
    );
    if let Some(uid) = uid.filter(|u| !u.is_empty()) {
        href.push_str("&uid=");
        href.push_str(&encode_component(uid));
    }
    href.push_str("&locale=");
    href.push_str(locale.code());
    let mut seen: Vec<&str> = Vec::new();
    for pair in query.trim_start_matches('?').split('&') {
        let key = pair.split('=').next().unwrap_or_default();
        let carried = CARRIED_TO_LEAVE.contains(&key) || key.starts_with("leave_customsys_");
        // The first of a repeated key, like the parser; values are kept as encoded.
        if carried && !seen.contains(&key) && pair.len() > key.len() + 1 {
            seen.push(key);
            href.push('&');
            href.push_str(pair);
        }
    }
    href
}

/// The redirect target when it may be opened: http(s) only.
pub fn redirect_target(reception: &Reception) -> Option<(String, OpenStyle)> {
    match reception {
        Reception::Redirect { url, open_style } => Link::new(url.as_str())
            .openable()
            .map(|u| (u.to_owned(), *open_style)),
        _ => None,
    }
}

/// The notice for the current reception outcome (nothing for the bot or an agent).
#[component]
pub fn ReceptionNotice(
    /// What reception decided.
    #[prop(into)]
    reception: Signal<Reception>,
    /// The live queue position (from `queue_position` events), overriding the one in
    /// `reception`.
    #[prop(into)]
    queue_position: Signal<Option<u32>>,
    /// The UI language.
    locale: Locale,
    /// `agent_offline_title`: the tenant's own text when the designated agent is
    /// offline.
    agent_offline_title: Option<String>,
    /// The leave-message page when the tenant offers it (`msg_flag`); `None` hides the
    /// entry.
    leave_href: Option<String>,
    /// On PC the form opens inside the page: when set, the entry runs this instead of
    /// following `leave_href` (which stays as the fallback link).
    #[prop(optional_no_strip)]
    on_leave: Option<Callback<()>>,
    /// The visitor picked a group.
    on_pick_group: Callback<String>,
    /// The visitor wants a new conversation.
    on_new_conversation: Callback<()>,
    /// Saves the conversation as a text file (offered on the ended screen).
    #[prop(optional)]
    on_transcript: Option<Callback<()>>,
) -> impl IntoView {
    let leave = move || {
        leave_href.clone().map(|href| {
            view! {
                <a class="button leave-entry" href=href on:click=move |e| {
                    if let Some(open) = on_leave {
                        e.prevent_default();
                        open.run(());
                    }
                }>{t(locale, "chat-leave-message")}</a>
            }
        })
    };
    move || {
        match reception.get() {
        Reception::Bot | Reception::Assigned { .. } => ().into_any(),
        Reception::ChooseGroup { groups } => view! {
            <section class="notice group-picker" aria-labelledby="parley-choose-group">
                <h2 id="parley-choose-group">{t(locale, "chat-choose-group")}</h2>
                <ul>
                    {groups.into_iter().map(|g: GroupView| {
                        let id = g.id.clone();
                        let closed = (!g.open).then(|| view! { <span class="muted">" "{t(locale, "chat-group-closed")}</span> });
                        view! {
                            <li>
                                <button type="button" class="group" on:click=move |_| on_pick_group.run(id.clone())>
                                    <span dir="auto">{g.name}</span>
                                    {closed}
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        }
        .into_any(),
        Reception::Queued { position } => {
            let position = move || queue_position.get().unwrap_or(position).to_string();
            view! {
                <p class="notice queue" role="status">
                    {move || t_args(locale, "chat-queue-position", &[("position", &position())])}
                </p>
            }
            .into_any()
        }
        Reception::AgentOffline => {
            let text = agent_offline_title
                .clone()
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| t(locale, "chat-agent-offline"));
            view! { <section class="notice unavailable" role="status"><p dir="auto">{text}</p>{leave()}</section> }
                .into_any()
        }
        Reception::NoAgentOnline => view! {
            <section class="notice unavailable" role="status"><p>{t(locale, "chat-no-agent-online")}</p>{leave()}</section>
        }
        .into_any(),
        Reception::OffDuty { .. } => view! {
            <section class="notice unavailable" role="status"><p>{t(locale, "chat-off-duty")}</p>{leave()}</section>
        }
        .into_any(),
        r @ Reception::Redirect { .. } => match redirect_target(&r) {
            Some((url, _)) => view! {
                <section class="notice redirect" role="status">
                    <p>{t(locale, "chat-redirect-notice")}</p>
                    <a class="button" href=url target="_blank" rel="noopener noreferrer">{t(locale, "chat-redirect-link")}</a>
                </section>
            }
            .into_any(),
            None => view! { <p class="notice unavailable" role="status">{t(locale, "chat-no-agent-online")}</p> }.into_any(),
        },
        Reception::Ended => view! {
            <section class="notice ended" role="status">
                <p>{t(locale, "chat-ended")}</p>
                <button type="button" class="button" on:click=move |_| on_new_conversation.run(())>
                    {t(locale, "chat-new-conversation")}
                </button>
                {leave()}
                {on_transcript.map(|on_save| view! { <TranscriptButton locale on_save class="button transcript" /> })}
            </section>
        }
        .into_any(),
    }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leave_link_keeps_tenant_visitor_and_language() {
        assert_eq!(
            leave_message_href("demo", Some("u 1&x"), Locale::Ar, ""),
            "/chat/h5/v2/leavemessage.html?sysnum=demo&uid=u%201%26x&locale=ar"
        );
        assert_eq!(
            leave_message_href("demo", None, Locale::En, "?sysnum=demo&locale=en"),
            "/chat/h5/v2/leavemessage.html?sysnum=demo&locale=en"
        );
    }

    #[test]
    fn leave_link_carries_identity_proof_and_form_choices_as_given() {
        let query = "?sysnum=demo&partnerid=p%2B1&sign=abc&token=t0k&templateid=7&groupid=g1\
                     &leave_customsys_flag=1&leave_customsys_url=https%3A%2F%2Fx.example%2F\
                     &color=ff0000&time=60&sign=second&signx=no&token=";
        let href = leave_message_href("demo", Some("u1"), Locale::En, query);
        assert_eq!(
            href,
            "/chat/h5/v2/leavemessage.html?sysnum=demo&uid=u1&locale=en&partnerid=p%2B1\
             &sign=abc&token=t0k&templateid=7&groupid=g1&leave_customsys_flag=1\
             &leave_customsys_url=https%3A%2F%2Fx.example%2F"
        );
        // Nothing else of the chat link goes along.
        assert!(!href.contains("color") && !href.contains("time") && !href.contains("signx"));
    }

    #[test]
    fn redirects_only_to_http_and_https() {
        let r = |url: &str| Reception::Redirect {
            url: url.into(),
            open_style: OpenStyle::NewPage,
        };
        assert_eq!(
            redirect_target(&r("https://help.example/x")),
            Some(("https://help.example/x".into(), OpenStyle::NewPage))
        );
        assert_eq!(redirect_target(&r("javascript:alert(1)")), None);
        assert_eq!(redirect_target(&r("data:text/html,x")), None);
        assert_eq!(redirect_target(&Reception::Bot), None);
    }
}
