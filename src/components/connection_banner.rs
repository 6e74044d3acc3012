//! The banner shown while the socket is down: when the next attempt comes, and a button
//! to try at once.

use leptos::prelude::*;
use parley_protocol::Locale;

use crate::hooks::use_chat_socket::SocketStatus;
use crate::i18n::{t, t_args};

/// Shown while the connection is lost or refused.
#[component]
pub fn ConnectionBanner(
    /// The socket's state.
    #[prop(into)]
    status: Signal<SocketStatus>,
    /// The UI language.
    locale: Locale,
    /// The visitor asks to reconnect now.
    on_reconnect: Callback<()>,
) -> impl IntoView {
    move || {
        match status.get() {
        SocketStatus::Open | SocketStatus::Connecting => ().into_any(),
        SocketStatus::Waiting { retry_in_ms, .. } => {
            let seconds = retry_in_ms.div_ceil(1000).max(1).to_string();
            view! {
                <div class="banner" role="status">
                    <span>{t_args(locale, "chat-reconnecting", &[("seconds", &seconds)])}</span>
                    <button type="button" class="link-button" on:click=move |_| on_reconnect.run(())>
                        {t(locale, "chat-reconnect-now")}
                    </button>
                </div>
            }
            .into_any()
        }
        SocketStatus::Refused => view! {
            <div class="banner" role="alert">
                <span>{t(locale, "chat-session-refused")}</span>
                <button type="button" class="link-button" on:click=move |_| { let _ = window().location().reload(); }>
                    {t(locale, "chat-reload")}
                </button>
            </div>
        }
        .into_any(),
    }
    }
}
