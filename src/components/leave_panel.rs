//! The leave-message form inside the PC chat page: the spec's in-chat entries (the
//! input area's entry per `leave_msg_flag`, the guidance after a chat per `msg_flag`,
//! "no agent online") open it here; on H5 they go to the leave-message page instead.

use leptos::prelude::*;
use parley_protocol::Locale;

use crate::components::leave_message_form::LeaveMessageForm;
use crate::i18n::t;
use crate::model::leave_form::draft_key;
use crate::params_ctx::{use_params, use_raw_query};

/// Loads the tenant's leave-message template and shows [`LeaveMessageForm`] in a panel
/// over the conversation, so the visitor keeps the chat while writing. The tenant, the
/// template (`templateid`) and the query string the ticket carries (`groupid`,
/// `params`) come from the page's link in context.
#[component]
pub fn LeavePanel(
    /// The UI language.
    locale: Locale,
    /// The chat's session token: the ticket endpoints accept it for the same visitor.
    token: String,
    /// Closes the panel (the draft stays in local storage).
    on_close: Callback<()>,
) -> impl IntoView {
    let (sysnum, templateid) = use_params().with_untracked(|p| {
        let p = &p.value;
        (
            p.sysnum.clone().unwrap_or_default(),
            p.leave_message.templateid.clone(),
        )
    });
    // The server re-reads `groupid` and `params` from the query the ticket carries.
    let query = use_raw_query().trim_start_matches('?').to_owned();
    let template = LocalResource::new({
        let (sysnum, templateid) = (sysnum.clone(), templateid.clone());
        move || {
            let (sysnum, templateid) = (sysnum.clone(), templateid.clone());
            async move { crate::ticket_api::template(&sysnum, templateid.as_deref(), locale).await }
        }
    });
    view! {
        <section class="leave-panel" role="dialog" aria-label=t(locale, "chat-leave-message")
            on:keydown=move |e: leptos::ev::KeyboardEvent| if e.key() == "Escape" { on_close.run(()) }>
            <div class="leave-panel-head">
                <h2>{t(locale, "chat-leave-message")}</h2>
                <button type="button" class="icon-button" aria-label=t(locale, "chat-leave-close")
                    on:click=move |_| on_close.run(())>"×"</button>
            </div>
            <Suspense fallback=move || view! { <p class="loading">{t(locale, "loading")}</p> }>
                {move || template.get().map(|answer| match answer {
                    Ok(template) => {
                        let key = draft_key(&sysnum, &template.id);
                        view! {
                            <LeaveMessageForm template locale token=token.clone()
                                query=query.clone() draft_key=key />
                        }.into_any()
                    }
                    Err(_) => view! {
                        <p class="notice error" role="alert">{t(locale, "error-network")}</p>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
