//! The standalone leave-message page, `/chat/h5/v2/leavemessage.html?sysnum=…&uid=…&
//! source=9&uname=…&templateid=…&groupid=…&locale=…&t=…`: the tenant's template as a
//! form, a success screen with the ticket number, and "my messages" with the agents'
//! replies. With `leave_customsys_flag=1` and an openable `leave_customsys_url` it
//! sends the visitor to that third-party form instead.

use leptos::prelude::*;
use parley_protocol::api::ErrorCode;
use parley_protocol::params::Link;
use parley_protocol::ticket::{TicketSessionRequest, TicketSessionResponse, TicketStatus};
use parley_protocol::Locale;

use crate::api::CallError;
use crate::components::leave_message_form::LeaveMessageForm;
use crate::i18n::{t, t_args};
use crate::model::leave_form::draft_key;
use crate::params_ctx::{use_params, use_raw_query};
use crate::{storage, ticket_api};

/// Starts a ticket page session: the server admits the visitor as chat init would.
pub async fn start_session(
    query: String,
    sysnum: Option<String>,
) -> Result<TicketSessionResponse, CallError> {
    let sysnum = sysnum.unwrap_or_default();
    let request = TicketSessionRequest {
        query,
        visitor_id: storage::visitor_id(&sysnum),
    };
    let session = ticket_api::session(&request).await?;
    storage::set_visitor_id(&sysnum, &session.visitor_id);
    crate::i18n::ensure(session.locale).await?;
    Ok(session)
}

/// The localized text of a failed page start.
pub fn start_error(locale: Locale, sysnum: Option<&str>, error: &CallError) -> String {
    match (error.code(), error) {
        _ if sysnum.is_none() => t(locale, "error-missing-sysnum"),
        (Some(ErrorCode::UnknownTenant), _) => t_args(
            locale,
            "error-unknown-tenant",
            &[("sysnum", sysnum.unwrap_or(""))],
        ),
        (_, CallError::Network(_)) => t(locale, "error-network"),
        (_, CallError::Api(body)) => body.message.clone(),
    }
}

/// The leave-message page, and with `plugin` the ticket plug-in page (which shows the
/// docking fields above the form). The link (parsed, and the raw query string the
/// server re-validates) comes from context.
#[component]
pub fn LeaveMessagePage(
    /// Whether this is the ticket plug-in page (`/ticketclient/index.html`).
    #[prop(optional)]
    plugin: bool,
) -> impl IntoView {
    let params = use_params();
    let query = use_raw_query();
    let link_locale = crate::i18n::page_locale(params.with_untracked(|p| p.value.locale));
    let sysnum = params.with_untracked(|p| p.value.sysnum.clone());
    let start = LocalResource::new({
        let (query, sysnum) = (query.clone(), sysnum.clone());
        move || start_session(query.clone(), sysnum.clone())
    });
    // A plain closure over the resource rather than <Suspense>: the page has one
    // loading state, and Suspense's machinery costs bundle bytes every page pays for.
    let body = move || {
        match start.get() {
        None => view! { <p class="loading">{t(link_locale, "loading")}</p> }.into_any(),
        Some(Err(error)) => view! {
            <p class="notice error" role="alert">{start_error(link_locale, sysnum.as_deref(), &error)}</p>
        }
        .into_any(),
        Some(Ok(session)) => {
            for issue in &session.issues {
                leptos::logging::warn!("parley: parameter \"{}\" dropped: {}", issue.param, issue.reason);
            }
            let redirect = session
                .redirect
                .as_deref()
                .and_then(|u| Link::new(u).openable().map(str::to_owned));
            match redirect {
                // The third-party form replaces this page (leave_customsys_flag).
                Some(url) if !plugin => {
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().replace(&url);
                    }
                    view! { <p class="loading">{t(session.locale, "leave-redirecting")}</p> }.into_any()
                }
                _ => {
                    let card = (plugin && !session.docking.is_empty())
                        .then(|| crate::pages::ticket_client::docking_card(&session.docking, session.locale).into_any());
                    desk(session, query.clone(), card).into_any()
                }
            }
        }
    }
    };
    view! { <main class=if plugin { "leave-page ticket-client" } else { "leave-page" }>{body}</main> }
}

/// The form and "my messages" for a started session; `above` goes between the title
/// and the form (the ticket plug-in's product card).
pub fn desk(
    session: TicketSessionResponse,
    query: String,
    above: Option<AnyView>,
) -> impl IntoView {
    let locale = session.locale;
    let sysnum = params_sysnum();
    let refresh = RwSignal::new(0u32);
    let token = session.session_token.clone();
    let title = if session.template.name.is_empty() {
        t(locale, "leave-title")
    } else {
        session.template.name.clone()
    };
    let key = draft_key(&sysnum, &session.template.id);
    let label = title.clone();
    view! {
        <header class="topbar">
            <h1>{session.company_name.clone()}</h1>
        </header>
        <section class="leave-main" aria-label=label>
            <h2 class="leave-title">{title}</h2>
            {above}
            <LeaveMessageForm
                template=session.template.clone()
                locale=locale
                token=token.clone()
                query=query
                draft_key=key
                on_submitted=move |_| refresh.update(|n| *n += 1)
            />
        </section>
        <MyMessages token=token locale=locale refresh=refresh />
    }
}

fn params_sysnum() -> String {
    use_params().with_untracked(|p| p.value.sysnum.clone().unwrap_or_default())
}

/// "My messages": the visitor's tickets, newest first, with the agents' replies.
#[component]
pub fn MyMessages(
    /// The visitor's bearer token.
    token: String,
    /// The page language.
    locale: Locale,
    /// Bumped after each submission so the list reloads.
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let list = LocalResource::new(move || {
        refresh.track();
        let token = token.clone();
        async move { ticket_api::mine(&token).await }
    });
    view! {
        <section class="leave-mine" aria-labelledby="leave-mine-title">
            <h2 id="leave-mine-title">{t(locale, "leave-mine-title")}</h2>
            {move || list.get().map(|r| match r {
                    Ok(mine) if mine.tickets.is_empty() => view! {
                        <p class="muted">{t(locale, "leave-mine-empty")}</p>
                    }.into_any(),
                    Ok(mine) => view! {
                        <ul class="tickets">
                            {mine.tickets.into_iter().map(|ticket| {
                                let status = match ticket.status {
                                    TicketStatus::Open => "leave-status-open",
                                    TicketStatus::Replied => "leave-status-replied",
                                    TicketStatus::Closed => "leave-status-closed",
                                };
                                view! {
                                    <li class="ticket">
                                        <p class="ticket-head">
                                            <strong>{t_args(locale, "leave-ticket-number", &[("number", &ticket.number.to_string())])}</strong>
                                            " · "
                                            <span class=format!("status status-{}", ticket.status.as_str())>{t(locale, status)}</span>
                                        </p>
                                        <p class="ticket-content">{ticket.content.clone()}</p>
                                        <ul class="replies">
                                            {ticket.replies.into_iter().map(|r| view! {
                                                <li class="reply">
                                                    <span class="reply-from">{t_args(locale, "leave-reply-from", &[("name", &r.agent_name)])}</span>
                                                    <p class="reply-text">{r.text}</p>
                                                </li>
                                            }).collect_view()}
                                        </ul>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(_) => view! { <p class="notice error" role="alert">{t(locale, "error-network")}</p> }.into_any(),
                })}
        </section>
    }
}
