//! The Parley visitor client: one Leptos CSR bundle serving every visitor page.
//!
//! The page is chosen once from `location.pathname` ([`route::Page`]); the query string
//! is parsed once into [`parley_protocol::ChatParams`] and handed to every view through
//! context ([`params_ctx`]).

pub mod api;
pub mod bridge;
pub mod components;
pub mod hooks;
pub mod i18n;
pub mod model;
pub mod pages;
pub mod params_ctx;
pub mod route;
pub mod storage;
pub mod ticket_api;

use leptos::prelude::*;
use route::Page;

/// The root component: picks the page for the current path.
#[component]
pub fn App() -> impl IntoView {
    let location = web_sys::window().expect("a browser window").location();
    let path = location.pathname().unwrap_or_default();
    let query = location.search().unwrap_or_default();
    AppAt(AppAtProps { path, query })
}

/// The root component for a given path and query string; [`App`] reads them from the
/// window, tests pass their own.
#[component]
pub fn AppAt(
    /// The page path, as in `location.pathname`.
    path: String,
    /// The query string, as in `location.search`.
    query: String,
) -> impl IntoView {
    let params = params_ctx::provide_params(&query);
    let locale = i18n::page_locale(params.with_untracked(|p| p.value.locale));
    if i18n::installed(locale) {
        return view! {
            <components::debug_panel::DebugPanel />
            {page_view(&path, locale)}
        }
        .into_any();
    }
    // Served without its language (the dev loop's `trunk serve`): fetch it first.
    let loaded = LocalResource::new(move || i18n::ensure(locale));
    view! {
        <components::debug_panel::DebugPanel />
        <Suspense fallback=|| ()>
            {move || loaded.get().map(|_| page_view(&path, locale))}
        </Suspense>
    }
    .into_any()
}

/// The page at `path`; `locale` is the page's language before the server answers. Pages
/// read the link (parsed, and its raw query string) from context.
/// A page this bundle was built without (see the `chat-pages` / `leave-pages` features)
/// is "not found": the server sends each page with the bundle that holds it.
fn page_view(path: &str, locale: parley_protocol::Locale) -> AnyView {
    match Page::from_path(path) {
        #[cfg(feature = "chat-pages")]
        Some(Page::ChatPc) => pages::chat::ChatPage(pages::chat::ChatPageProps {
            layout: route::Layout::Pc,
        })
        .into_any(),
        #[cfg(feature = "chat-pages")]
        Some(Page::ChatH5) => pages::chat::ChatPage(pages::chat::ChatPageProps {
            layout: route::Layout::H5,
        })
        .into_any(),
        #[cfg(feature = "leave-pages")]
        Some(Page::LeaveMessage) => {
            pages::leave_message::LeaveMessagePage(pages::leave_message::LeaveMessagePageProps {
                plugin: false,
            })
            .into_any()
        }
        #[cfg(feature = "leave-pages")]
        Some(Page::TicketClient) => pages::ticket_client::TicketClientPage().into_any(),
        _ => pages::not_found::NotFound(pages::not_found::NotFoundProps { locale }).into_any(),
    }
}
