//! The top bar: navigation, the agent's status with capacity and load, the connection,
//! desktop notifications (asked on a click only), and sign-out. Going offline with open
//! chats asks first what to do with them.

use leptos::prelude::*;
use leptos_router::components::A;
use parley_protocol::api::AgentStatus;

use crate::components::dialog::Dialog;
use crate::socket::SocketStatus;
use crate::{alert, api, session, use_wb};

#[component]
pub fn TopBar() -> impl IntoView {
    let wb = use_wb();
    let t = move |k: &str| wb.t(k);
    let status = Memo::new(move |_| {
        wb.session
            .with(|s| s.as_ref().map(|s| s.agent.status))
            .unwrap_or(AgentStatus::Offline)
    });
    let capacity = Memo::new(move |_| {
        wb.session
            .with(|s| s.as_ref().map(|s| s.agent.capacity))
            .unwrap_or(0)
    });
    let load = Memo::new(move |_| wb.inbox.with(|i| i.mine.len()));
    let error = RwSignal::new(None::<String>);
    let confirm_offline = RwSignal::new(false);
    let set_status = move |to: AgentStatus| {
        leptos::task::spawn_local(async move {
            match api::set_status(&wb.token(), to).await {
                Ok(view) => {
                    error.set(None);
                    wb.session.update(|s| {
                        if let Some(s) = s {
                            s.agent = view;
                            session::save(Some(s));
                        }
                    });
                    crate::components::outbox::refresh_and_resend(wb);
                }
                Err(e) => {
                    let e = wb.check(e);
                    error.set(Some(wb.t(e.message_key())));
                }
            }
        });
    };
    let choose = move |to: AgentStatus| {
        if to == AgentStatus::Offline && load.get_untracked() > 0 {
            confirm_offline.set(true);
        } else {
            set_status(to);
        }
    };
    let notifications = RwSignal::new(alert::permitted());
    let location = leptos_router::hooks::use_location();
    let in_inbox = move || {
        let path = location.pathname.get();
        path == "/agent/" || path == "/agent" || path.starts_with("/agent/conversations/")
    };
    let sign_out = move |_| {
        let token = wb.token();
        leptos::task::spawn_local(async move {
            let _ = api::logout(&token).await;
            session::save(None);
            wb.expired.set(false);
            wb.session.set(None);
        });
    };
    let is_admin = move || {
        wb.session
            .with(|s| s.as_ref().map(|s| s.agent.admin))
            .unwrap_or(false)
    };
    let name = move || {
        wb.session
            .with(|s| s.as_ref().map(|s| s.agent.name.clone()))
            .unwrap_or_default()
    };
    let status_button = move |to: AgentStatus, key: &'static str| {
        view! {
            <button
                type="button"
                class=move || format!("status-option status-{}", to.as_str())
                aria-pressed=move || (status.get() == to).to_string()
                on:click=move |_| choose(to)
            >
                {t(key)}
            </button>
        }
    };
    view! {
        <header class="topbar">
            <span class="brand">"Parley"</span>
            <nav class="nav" aria-label=t("nav-label")>
                <a href="/agent/" aria-current=move || in_inbox().then_some("page")>{t("nav-inbox")}</a>
                <A href="/agent/tickets">{t("nav-tickets")}</A>
                <A href="/agent/browsing">{t("nav-browsing")}</A>
                <Show when=is_admin>
                    <A href="/agent/reports">{t("nav-reports")}</A>
                    <A href="/agent/admin">{t("nav-admin")}</A>
                </Show>
            </nav>
            <div class="status" role="group" aria-label=t("status-label")>
                {status_button(AgentStatus::Online, "status-online")}
                {status_button(AgentStatus::Busy, "status-busy")}
                {status_button(AgentStatus::Offline, "status-offline")}
                <span class="load" title=t("status-load-title")>
                    {move || format!("{} / {}", load.get(), capacity.get())}
                </span>
            </div>
            <span
                class=move || match wb.socket.get() {
                    SocketStatus::Open => "conn conn-open",
                    _ => "conn conn-down",
                }
                role="status"
            >
                {move || match wb.socket.get() {
                    SocketStatus::Open => t("conn-live"),
                    SocketStatus::Connecting => t("conn-connecting"),
                    SocketStatus::Waiting => t("conn-reconnecting"),
                }}
            </span>
            <Show when=move || !notifications.get()>
                <button
                    type="button"
                    class="ghost"
                    on:click=move |_| alert::ask_permission(move |ok| notifications.set(ok))
                >
                    {t("notify-enable")}
                </button>
            </Show>
            <span class="me">{name}</span>
            <button type="button" class="ghost" on:click=sign_out>{t("signout")}</button>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
        </header>
        <Show when=move || confirm_offline.get()>
            <Dialog title=t("offline-title") on_close=Callback::new(move |()| confirm_offline.set(false))>
                <p>{move || wb.t("offline-body").replace("{ $count }", &load.get().to_string())}</p>
                <div class="buttons">
                    <button type="button" class="danger" on:click=move |_| {
                        confirm_offline.set(false);
                        set_status(AgentStatus::Offline);
                    }>{t("offline-end-all")}</button>
                    <button type="button" on:click=move |_| {
                        confirm_offline.set(false);
                        set_status(AgentStatus::Busy);
                    }>{t("offline-go-busy")}</button>
                    <button type="button" class="ghost" autofocus on:click=move |_| confirm_offline.set(false)>
                        {t("cancel")}
                    </button>
                </div>
            </Dialog>
        </Show>
    }
}
