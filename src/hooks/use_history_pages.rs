//! `use_history_pages`: older messages of the current conversation, a page at a time,
//! when the visitor scrolls to the top of the list (or presses the button there).
//!
//! Sequence numbers start at 1 without gaps, so the lowest one the log holds says
//! whether there is anything older and where the next page ends. One page loads at a
//! time; what arrives joins the log, which keeps each message once.
//!
//! A spawned task with a `loading` flag rather than an `Action`: measured on the
//! release bundle, each `Action` instantiation costs about 3.8 KB of raw wasm, and
//! nothing here needs its input, value or version signals.

use leptos::prelude::*;

use crate::api;
use crate::model::chat_log::ChatLog;

/// Messages per page of older history: the most the server gives at once (`MAX_PAGE`).
/// Each page is one block of the list, so a larger page costs about as little to put
/// in as a small one (docs/performance.md, session 9): 100 instead of 30 brings the
/// 2,000 of a long conversation in 18 pages instead of 60.
pub const HISTORY_PAGE: u32 = 100;

/// What [`use_history_pages`] needs.
pub struct UseHistoryPagesOptions {
    /// The visitor's session token.
    pub token: String,
    /// The log the pages join.
    pub log: RwSignal<ChatLog>,
    /// The id of the conversation being shown (the session's).
    pub conversation_id: Signal<String>,
    /// Called when a page could not be loaded (the visitor may scroll up again).
    pub on_error: Callback<()>,
}

/// What [`use_history_pages`] gives back.
#[derive(Clone, Copy)]
pub struct UseHistoryPagesReturn {
    /// Whether older messages exist on the server.
    pub has_older: Signal<bool>,
    /// Whether a page is loading.
    pub loading: Signal<bool>,
    /// Loads the page before the oldest message shown, unless one is loading already
    /// or there is none.
    pub load_older: Callback<()>,
}

/// Loads older pages into the log; see the module documentation.
pub fn use_history_pages(options: UseHistoryPagesOptions) -> UseHistoryPagesReturn {
    let UseHistoryPagesOptions {
        token,
        log,
        conversation_id,
        on_error,
    } = options;
    let loading = RwSignal::new(false);
    let load_older = Callback::new(move |()| {
        let id = conversation_id.get_untracked();
        let before = log.with_untracked(|l| l.first_seq(&id));
        let Some(before) = before.filter(|&b| b > 1 && !loading.get_untracked()) else {
            return;
        };
        loading.set(true);
        let token = token.clone();
        leptos::task::spawn_local(async move {
            match api::history(&token, before, HISTORY_PAGE).await {
                Ok(page) => log.update(|l| l.insert_page(page.messages)),
                Err(_) => on_error.run(()),
            }
            loading.set(false);
        });
    });
    let has_older = Memo::new(move |_| {
        let id = conversation_id.get();
        log.with(|l| l.has_older(&id))
    });
    UseHistoryPagesReturn {
        has_older: has_older.into(),
        loading: loading.into(),
        load_older,
    }
}
