//! The chat page, PC and H5 layouts.

use crate::api::{self, CallError};
use crate::components::cards::{not_yet_sent, CardMessage, LinkCardTrays};
use crate::i18n::{t, t_args};
use crate::params_ctx::use_params;
use crate::route::Layout;
use crate::storage;
use leptos::prelude::*;
use parley_protocol::api::{ErrorCode, InitRequest, MessageKind};
use parley_protocol::card::Card;

/// The visitor's chat with the tenant's bot and agents.
#[component]
pub fn ChatPage(
    /// Desktop or mobile layout.
    layout: Layout,
    /// The raw query string, sent to the server which re-validates it.
    query: String,
) -> impl IntoView {
    let params = use_params();
    let link_locale = move || params.with(|p| p.value.locale.unwrap_or_default());
    let sysnum = params.with_untracked(|p| p.value.sysnum.clone());
    let link_cards = params.with_untracked(|p| Card::from_params(&p.value));
    let init = LocalResource::new({
        let sysnum = sysnum.clone();
        move || {
            let sysnum = sysnum.clone().unwrap_or_default();
            let request = InitRequest {
                query: query.clone(),
                visitor_id: storage::visitor_id(&sysnum),
            };
            async move {
                let session = api::init(&request).await?;
                storage::set_visitor_id(&sysnum, &session.visitor_id);
                Ok::<_, CallError>(session)
            }
        }
    });
    let class = match layout {
        Layout::Pc => "chat chat-pc",
        Layout::H5 => "chat chat-h5",
    };
    view! {
        <main class=class>
            <Suspense fallback=move || view! { <p class="loading">{t(link_locale(), "loading")}</p> }>
                {move || init.get().map(|result| match result {
                    Ok(session) => {
                        let locale = session.locale;
                        // Card messages of the history and those sent from the tray.
                        let cards = RwSignal::new(session.history.iter().filter(|m| m.kind == MessageKind::Card).cloned().collect::<Vec<_>>());
                        view! {
                            <header class="topbar">
                                <h1>{session.company_name.clone()}</h1>
                            </header>
                            <section class="messages" aria-live="polite" aria-label=t(locale, "messages-label")>
                                <p class="msg msg-bot greeting">{session.greeting.clone()}</p>
                                {move || cards.get().into_iter().map(|message| view! { <CardMessage message locale layout /> }).collect_view()}
                            </section>
                            <LinkCardTrays cards=not_yet_sent(&link_cards, &session.history) token=session.session_token.clone() locale layout
                                on_sent=Callback::new(move |m| cards.update(|v| v.push(m))) />
                        }.into_any()
                    }
                    Err(error) => {
                        let locale = link_locale();
                        let text = match (error.code(), &error) {
                            (_, _) if sysnum.is_none() => t(locale, "error-missing-sysnum"),
                            (Some(ErrorCode::UnknownTenant), _) => t_args(
                                locale,
                                "error-unknown-tenant",
                                &[("sysnum", sysnum.as_deref().unwrap_or(""))],
                            ),
                            (_, CallError::Network(_)) => t(locale, "error-network"),
                            (_, CallError::Api(body)) => body.message.clone(),
                        };
                        view! { <p class="notice error" role="alert">{text}</p> }.into_any()
                    }
                })}
            </Suspense>
        </main>
    }
}
