//! The `debug=1` panel: what Parley understood from the link, and what it dropped.
//!
//! Integrators paste long links with JSON-valued parameters; this panel tells them at a
//! glance which ones were taken and why others were not, without opening the console.

use leptos::prelude::*;

use crate::i18n::t;
use crate::params_ctx::use_params;

/// Shown only when the link has `debug=1`. Everything is rendered as text nodes: the
/// values come from the URL and are never trusted as HTML.
#[component]
pub fn DebugPanel() -> impl IntoView {
    let params = use_params();
    let shown = move || params.with(|p| p.value.ui.debug == Some(true));
    view! {
        <Show when=shown>
            {move || {
                let (parsed, issues, locale) = params.with(|p| {
                    (
                        p.value
                            .to_pairs()
                            .into_iter()
                            .map(|(k, v)| format!("{k} = {v}\n"))
                            .collect::<String>(),
                        p.issues.clone(),
                        crate::i18n::page_locale(p.value.locale),
                    )
                });
                let count = issues.len().to_string();
                view! {
                    <aside class="debug-panel" aria-label=t(locale, "debug-title")>
                        <h2>{t(locale, "debug-title")}</h2>
                        <h3>
                            {crate::i18n::t_args(locale, "debug-rejected", &[("count", &count)])}
                        </h3>
                        <ul class="debug-rejected">
                            {issues
                                .into_iter()
                                .map(|issue| {
                                    view! {
                                        <li>
                                            <code class="param">{issue.param}</code>
                                            " — "
                                            <span class="reason">{issue.reason}</span>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                        <details>
                            <summary>{t(locale, "debug-parsed")}</summary>
                            <pre class="debug-parsed">{parsed}</pre>
                        </details>
                    </aside>
                }
            }}
        </Show>
    }
}
