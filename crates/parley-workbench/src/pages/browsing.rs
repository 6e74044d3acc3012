//! Visitors browsing pages where agents may invite them (`invite_flag`): their page,
//! how long they have been on it, and an invitation with a text.

use leptos::prelude::*;
use parley_protocol::api::BrowsingVisitor;

use crate::model::wait_text;
use crate::{api, use_wb};

#[component]
pub fn BrowsingPage() -> impl IntoView {
    let wb = use_wb();
    let refresh = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        let token = wb.token();
        refresh.track();
        async move { api::browsing(&token).await }
    });
    // Presence is reported every few seconds; the list follows it.
    let tick = set_interval_with_handle(
        move || refresh.update(|n| *n += 1),
        std::time::Duration::from_secs(10),
    )
    .ok();
    on_cleanup(move || {
        if let Some(h) = tick {
            h.clear();
        }
    });
    view! {
        <section class="browsing" aria-labelledby="browsing-title">
            <h1 id="browsing-title">{wb.t("nav-browsing")}</h1>
            <p class="hint">{wb.t("browsing-hint")}</p>
            {move || match list.get() {
                None => view! { <p>{wb.t("loading")}</p> }.into_any(),
                Some(Err(e)) => {
                    let e = wb.check(e);
                    view! { <p class="error" role="alert">{wb.t(e.message_key())}</p> }.into_any()
                }
                Some(Ok(v)) if v.is_empty() => view! { <p class="empty">{wb.t("browsing-none")}</p> }.into_any(),
                Some(Ok(v)) => view! {
                    <table class="browsing-table">
                        <thead><tr>
                            <th scope="col">{wb.t("visitor")}</th>
                            <th scope="col">{wb.t("browsing-page")}</th>
                            <th scope="col">{wb.t("browsing-since")}</th>
                            <th scope="col">{wb.t("browsing-invite")}</th>
                        </tr></thead>
                        <tbody>
                            {v.into_iter().map(|b| view! { <BrowsingRow b /> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn BrowsingRow(b: BrowsingVisitor) -> impl IntoView {
    let wb = use_wb();
    let text = RwSignal::new(wb.t("browsing-default-invite"));
    let result = RwSignal::new(None::<String>);
    let vid = StoredValue::new(b.visitor_id.clone());
    let invite = move |_| {
        let words = text.get_untracked();
        leptos::task::spawn_local(async move {
            match api::invite(&wb.token(), &vid.get_value(), &words).await {
                Ok(()) => result.set(Some(wb.t("browsing-invited"))),
                Err(e) => {
                    let e = wb.check(e);
                    result.set(Some(format!("{} {}", wb.t(e.message_key()), e.detail())));
                }
            }
        });
    };
    let name = b.visitor_name.clone().unwrap_or_else(|| wb.t("visitor"));
    let page = if b.page.title.is_empty() {
        b.page.url.clone()
    } else {
        b.page.title.clone()
    };
    // Time on the page, to its latest report (the list refreshes every 10 s).
    let since = wait_text(b.on_page_since.min(b.last_seen), b.last_seen);
    let label_id = format!("invite-{}", b.visitor_id);
    view! {
        <tr>
            <td>{name}</td>
            <td>{page}</td>
            <td>{since}</td>
            <td class="invite">
                <label for=label_id.clone() class="visually-hidden">{wb.t("browsing-invite-text")}</label>
                <input id=label_id prop:value=move || text.get() on:input=move |e| text.set(event_target_value(&e)) />
                <button type="button" class="primary" disabled=b.invited on:click=invite>{wb.t("browsing-invite")}</button>
                <span role="status">{move || result.get()}</span>
            </td>
        </tr>
    }
}
