//! The agents' workbench: a Leptos CSR app served at `/agent/`.
//!
//! `App` shows the sign-in page until there is a session, then the `Shell`: the top bar
//! (status, navigation, notifications, sign-out) and the page the path names (one file
//! each under `pages/`; [`Page::of`]): the inbox with a conversation and its visitor panel, tickets, and
//! browsing visitors. The signed-in state lives in one [`Wb`] context; the inbox's
//! data is one plain [`model::Inbox`] in a signal, fed by the server's lists and the
//! agent socket (`socket.rs`).

pub mod admin_api;
pub mod alert;
pub mod api;
pub mod components;
pub mod doc;
pub mod i18n;
pub mod model;
pub mod pages;
pub mod session;
pub mod socket;

use leptos::prelude::*;
use leptos_router::components::Router;
use leptos_router::hooks::use_location;
use parley_protocol::Locale;

use crate::api::CallError;
use crate::session::Session;

/// The signed-in workbench's shared state (all signals, so it is `Copy`).
#[derive(Clone, Copy)]
pub struct Wb {
    pub locale: Signal<Locale>,
    pub session: RwSignal<Option<Session>>,
    /// Set when a session ended by itself (401), so sign-in says why.
    pub expired: RwSignal<bool>,
    pub inbox: RwSignal<model::Inbox>,
    pub socket: Signal<socket::SocketStatus>,
    /// Sends a socket event (typing); false when the socket is closed.
    pub send: Callback<parley_protocol::ws::ClientEvent, bool>,
}

impl Wb {
    /// The current token ("" when signed out).
    pub fn token(&self) -> String {
        self.session
            .with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
            .unwrap_or_default()
    }

    /// The signed-in agent's id.
    pub fn me(&self) -> String {
        self.session
            .with_untracked(|s| s.as_ref().map(|s| s.agent.id.clone()))
            .unwrap_or_default()
    }

    /// Looks at a failed call: an expired session returns to sign-in (drafts and the
    /// outbox stay in local storage). Returns the error for the caller to show.
    pub fn check(&self, e: CallError) -> CallError {
        if e.is_expired() {
            self.expire();
        }
        e
    }

    /// The session is over: back to sign-in, keeping drafts and the outbox.
    pub fn expire(&self) {
        session::save(None);
        self.expired.set(true);
        self.session.set(None);
    }

    /// Text in the page's language.
    pub fn t(&self, key: &str) -> String {
        i18n::t(self.locale.get_untracked(), key)
    }
}

/// The page's language: the browser's, when the workbench has its texts.
fn browser_locale() -> Locale {
    let tag = window().navigator().language().unwrap_or_default();
    i18n::pick(&tag)
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let locale = Signal::stored(browser_locale());
    let session = RwSignal::new(session::load());
    let expired = RwSignal::new(false);
    provide_context(locale);
    let html = document().document_element();
    if let Some(html) = html {
        let _ = html.set_attribute("lang", locale.get_untracked().code());
    }
    alert::set_title(alert::TITLE);
    view! {
        <Router>
            {move || match session.get() {
                None => view! { <pages::signin::SignIn session expired /> }.into_any(),
                Some(s) => view! { <Shell session expired initial=s /> }.into_any(),
            }}
        </Router>
    }
}

/// Sets a Performance API mark, by which `cargo xtask bench workbench` times the
/// steps of a message's render (a few bytes of the page's timeline, nothing else).
pub(crate) fn bench_mark(name: &str) {
    if let Some(p) = window().performance() {
        let _ = p.mark(name);
    }
}

/// The signed-in page: top bar and routes, with the socket and the inbox.
#[component]
fn Shell(
    session: RwSignal<Option<Session>>,
    expired: RwSignal<bool>,
    initial: Session,
) -> impl IntoView {
    let locale = use_context::<Signal<Locale>>().expect("locale");
    let mut inbox = model::Inbox::new(&initial.agent.id, &initial.agent.groups);
    inbox.outbox = session::outbox(&initial.agent.id);
    let inbox = RwSignal::new(inbox);
    let me = initial.agent.id.clone();
    // Persist the outbox on every change (of the outbox, not of the whole inbox).
    let outbox = Memo::new(move |_| inbox.with(|i| i.outbox.clone()));
    Effect::new(move |_| outbox.with(|pending| session::save_outbox(&me, pending)));
    let unseen = RwSignal::new(0u32);
    let wb_cell = StoredValue::new(None::<Wb>);
    let on_event = Callback::new(move |event: parley_protocol::ws::ServerEvent| {
        // `cargo xtask bench workbench` times a message's render from this mark, and
        // splits it at the next: what is left after it is the page's reactive work, the
        // DOM and layout.
        let is_message = matches!(event, parley_protocol::ws::ServerEvent::Message { .. });
        if is_message {
            bench_mark("parley-message-event");
        }
        let alert = inbox.try_update(|i| i.apply(event)).unwrap_or_default();
        if is_message {
            bench_mark("parley-message-applied");
        }
        if (alert.new_visitor || alert.new_message) && alert::hidden() {
            unseen.update(|n| *n += 1);
            alert::beep();
            let key = if alert.new_visitor {
                "alert-new-visitor"
            } else {
                "alert-new-message"
            };
            let text = i18n::t(locale.get_untracked(), key);
            alert::notify(alert::TITLE, &text);
        }
    });
    let on_open = Callback::new(move |()| {
        if let Some(wb) = wb_cell.get_value() {
            components::outbox::refresh_and_resend(wb);
        }
    });
    let on_expired = Callback::new(move |()| {
        session::save(None);
        expired.set(true);
        session.set(None);
    });
    let sock = socket::use_agent_socket(socket::UseAgentSocketOptions {
        token: initial.token.clone(),
        on_event,
        on_open,
        on_expired,
    });
    let wb = Wb {
        locale,
        session,
        expired,
        inbox,
        socket: sock.status,
        send: sock.send,
    };
    wb_cell.set_value(Some(wb));
    provide_context(wb);
    // The open conversation is marked read on the server when it is opened and when a
    // visitor message arrives in it, so the unread counts a reload, another tab or
    // another machine shows are the server's.
    // A hidden tab has not been looked at: its marks wait until it is shown again.
    let read_mark = Memo::new(move |_| inbox.with(|i| i.read_mark()));
    let shown_again = RwSignal::new(0u32);
    Effect::new(move |_| {
        shown_again.track();
        let Some((id, seq)) = read_mark.get() else {
            return;
        };
        if alert::hidden() {
            return;
        }
        inbox.update(|i| i.read_sent(&id, seq));
        leptos::task::spawn_local(async move {
            match api::mark_read(&wb.token(), &id, seq).await {
                Ok(summary) => {
                    inbox.try_update(|i| i.place(summary));
                }
                Err(e) => leptos::logging::warn!("parley: marking read: {}", wb.check(e).detail()),
            }
        });
    });
    Effect::new(move |_| alert::set_title(&alert::title(unseen.get())));
    alert::on_visible(move || {
        unseen.set(0);
        shown_again.update(|n| *n = n.wrapping_add(1));
    });
    components::keyboard::use_shortcuts(wb);
    // The page follows the path; moving between conversations (or tickets) keeps the
    // page and only changes what it shows, so lists and sockets stay as they are.
    let location = use_location();
    let page = Memo::new(move |_| Page::of(&location.pathname.get()));
    view! {
        <div class="wb">
            <components::topbar::TopBar />
            {move || match page.get() {
                Page::Inbox => view! { <pages::inbox::InboxPage /> }.into_any(),
                Page::Tickets => view! { <pages::tickets::TicketsPage /> }.into_any(),
                Page::Browsing => view! { <pages::browsing::BrowsingPage /> }.into_any(),
                Page::Reports => view! { <pages::reports::ReportsPage /> }.into_any(),
                Page::Admin => view! { <pages::admin::AdminPage /> }.into_any(),
            }}
        </div>
    }
}

/// The signed-in pages, by path: `/agent/tickets[/{id}]`, `/agent/browsing`,
/// `/agent/reports` and `/agent/admin[/{section}]` (admins), and the
/// inbox for everything else (`/agent/`, `/agent/conversations/{id}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Inbox,
    Tickets,
    Browsing,
    Reports,
    Admin,
}

impl Page {
    /// The page of a path.
    pub fn of(path: &str) -> Page {
        if path == "/agent/tickets" || path.starts_with("/agent/tickets/") {
            Page::Tickets
        } else if path == "/agent/browsing" || path.starts_with("/agent/browsing/") {
            Page::Browsing
        } else if path == "/agent/reports" || path.starts_with("/agent/reports/") {
            Page::Reports
        } else if path == "/agent/admin" || path.starts_with("/agent/admin/") {
            Page::Admin
        } else {
            Page::Inbox
        }
    }

    /// The id after the page's prefix (`/agent/conversations/{id}`,
    /// `/agent/tickets/{id}`), if the path names one.
    pub fn id_in(path: &str, prefix: &str) -> Option<String> {
        let id = path.strip_prefix(prefix)?.trim_end_matches('/');
        (!id.is_empty() && !id.contains('/')).then(|| id.to_owned())
    }
}

/// The [`Wb`] context of the signed-in page.
pub fn use_wb() -> Wb {
    use_context::<Wb>().expect("inside the signed-in workbench")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_pick_pages_and_ids() {
        assert_eq!(Page::of("/agent/"), Page::Inbox);
        assert_eq!(Page::of("/agent/conversations/abc"), Page::Inbox);
        assert_eq!(Page::of("/agent/tickets"), Page::Tickets);
        assert_eq!(Page::of("/agent/tickets/t1"), Page::Tickets);
        assert_eq!(Page::of("/agent/browsing"), Page::Browsing);
        assert_eq!(Page::of("/agent/reports"), Page::Reports);
        assert_eq!(Page::of("/agent/ticketsx"), Page::Inbox);
        assert_eq!(Page::of("/agent/admin"), Page::Admin);
        assert_eq!(Page::of("/agent/admin/faq"), Page::Admin);
        let conv = "/agent/conversations/";
        assert_eq!(
            Page::id_in("/agent/conversations/abc", conv).as_deref(),
            Some("abc")
        );
        assert_eq!(
            Page::id_in("/agent/conversations/abc/", conv).as_deref(),
            Some("abc")
        );
        assert_eq!(Page::id_in("/agent/", conv), None);
        assert_eq!(Page::id_in("/agent/conversations/", conv), None);
        assert_eq!(Page::id_in("/agent/conversations/a/b", conv), None);
        assert_eq!(
            Page::id_in("/agent/tickets/t1", "/agent/tickets/").as_deref(),
            Some("t1")
        );
    }
}
