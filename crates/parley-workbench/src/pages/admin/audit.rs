//! The audit log: who changed the settings, when, and what changed (each changed
//! setting before and after; secrets are never in it).

use leptos::prelude::*;
use parley_protocol::api::AuditEntry;

use super::refusal_of;
use crate::components::clock;
use crate::doc::{as_text, diff};
use crate::{admin_api, use_wb};

/// The most changed settings listed for one entry (a first import changes them all).
const MAX_ROWS: usize = 40;

#[component]
pub fn AuditSection() -> impl IntoView {
    let wb = use_wb();
    let entries = LocalResource::new(move || {
        let token = wb.token();
        async move { admin_api::audit(&token).await }
    });
    move || match entries.get() {
        None => view! { <p>{wb.t("loading")}</p> }.into_any(),
        Some(Err(e)) => {
            let r = refusal_of(wb, e);
            view! { <p class="error" role="alert">{r.message}</p> }.into_any()
        }
        Some(Ok(list)) if list.is_empty() => {
            view! { <p class="empty">{wb.t("admin-audit-none")}</p> }.into_any()
        }
        Some(Ok(list)) => view! {
            <ol class="audit">
                {list.into_iter().map(|e| view! { <Entry e /> }).collect_view()}
            </ol>
        }
        .into_any(),
    }
}

#[component]
fn Entry(e: AuditEntry) -> impl IntoView {
    let wb = use_wb();
    let changes = match &e.before {
        Some(before) => e
            .after
            .as_ref()
            .map(|after| diff(before, after))
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let more = changes.len().saturating_sub(MAX_ROWS);
    let short = |v: &serde_json::Value| {
        let text = as_text(v);
        if text.chars().count() > 120 {
            format!("{}…", text.chars().take(120).collect::<String>())
        } else {
            text
        }
    };
    view! {
        <li class="audit-entry">
            <p>
                <strong>{e.actor.clone()}</strong> " · " <time>{clock(e.at, true)}</time>
                {e.before.is_none().then(|| view! { " · " {wb.t("admin-audit-import")} })}
            </p>
            {(!changes.is_empty()).then(|| view! {
                <table class="changes">
                    <thead><tr>
                        <th scope="col">{wb.t("admin-audit-setting")}</th>
                        <th scope="col">{wb.t("admin-audit-before")}</th>
                        <th scope="col">{wb.t("admin-audit-after")}</th>
                    </tr></thead>
                    <tbody>
                        {changes.iter().take(MAX_ROWS).map(|c| view! {
                            <tr>
                                <td><code>{c.path.clone()}</code></td>
                                <td>{short(&c.before)}</td>
                                <td>{short(&c.after)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {(more > 0).then(|| view! { <p class="hint">{wb.t("admin-audit-more").replace("{ $count }", &more.to_string())}</p> })}
        </li>
    }
}
