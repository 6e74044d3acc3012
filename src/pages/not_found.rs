//! Shown for a path the bundle does not serve.

use crate::i18n::t;
use leptos::prelude::*;
use parley_protocol::Locale;

/// A clear "no such page" notice instead of a blank page.
#[component]
pub fn NotFound(
    /// The language to say it in.
    locale: Locale,
) -> impl IntoView {
    view! {
        <main class="notice" role="alert">
            <h1>{t(locale, "not-found-title")}</h1>
            <p>{t(locale, "not-found-body")}</p>
        </main>
    }
}
