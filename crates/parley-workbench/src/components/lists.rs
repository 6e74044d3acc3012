//! The inbox's left column: waiting visitors (wait time, group, priority, last text),
//! the agent's conversations (unread count, last text, visitor typing) and the recently
//! ended ones. Each row is a link to the conversation, so it works with the keyboard
//! and opens in a new tab.

use leptos::prelude::*;
use leptos_router::components::A;
use parley_protocol::api::{ConversationSummary, QueueTier};

use crate::model::wait_text;
use crate::use_wb;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Waiting,
    Mine,
    Ended,
}

#[component]
pub fn InboxLists() -> impl IntoView {
    let wb = use_wb();
    // A clock for the wait times, once every 15 s.
    let now = RwSignal::new(super::now_ms());
    let tick = set_interval_with_handle(
        move || now.set(super::now_ms()),
        std::time::Duration::from_secs(15),
    )
    .ok();
    on_cleanup(move || {
        if let Some(h) = tick {
            h.clear();
        }
    });
    let section = move |kind: Kind, key: &'static str| {
        let items = Memo::new(move |_| {
            wb.inbox.with(|i| match kind {
                Kind::Waiting => i.waiting.clone(),
                Kind::Mine => i.mine.clone(),
                Kind::Ended => i.ended.clone(),
            })
        });
        let heading_id = format!("list-{key}");
        let labelled_by = heading_id.clone();
        view! {
            <section class="list" aria-labelledby=labelled_by>
                <h2 id=heading_id>
                    {wb.t(key)} " " <span class="count">{move || items.get().len()}</span>
                </h2>
                <ul>
                    <For each=move || items.get() key=|c| (c.id.clone(), c.state, c.preview.clone(), c.tier) let:c>
                        <Item c=c kind now=now.into() />
                    </For>
                </ul>
                <Show when=move || items.get().is_empty()>
                    <p class="empty">{wb.t("list-empty")}</p>
                </Show>
            </section>
        }
    };
    view! {
        <aside class="lists" aria-label=wb.t("lists-label")>
            {section(Kind::Waiting, "list-waiting")}
            {section(Kind::Mine, "list-mine")}
            {section(Kind::Ended, "list-ended")}
        </aside>
    }
}

#[component]
fn Item(c: ConversationSummary, kind: Kind, now: Signal<i64>) -> impl IntoView {
    let wb = use_wb();
    let id = c.id.clone();
    let href = format!("/agent/conversations/{}", c.id);
    let name = c.visitor_name.clone().unwrap_or_else(|| {
        format!(
            "{} {}",
            wb.t("visitor"),
            &c.visitor_id[..c.visitor_id.len().min(6)]
        )
    });
    let id_open = id.clone();
    let current = Memo::new(move |_| {
        wb.inbox
            .with(|i| i.open.as_deref() == Some(id_open.as_str()))
    });
    let id_unread = id.clone();
    let unread = Memo::new(move |_| {
        wb.inbox
            .with(|i| i.unread.get(&id_unread).copied().unwrap_or(0))
    });
    let has_unread = move || unread.get() > 0;
    let id_typing = id.clone();
    let typing = Memo::new(move |_| wb.inbox.with(|i| i.typing.contains(&id_typing)));
    let queued_at = c.queued_at.unwrap_or(c.created_at);
    let tier = match c.tier {
        QueueTier::Normal => None,
        QueueTier::Vip => Some(("badge vip", wb.t("tier-vip"))),
        QueueTier::QueueFirst => Some(("badge first", wb.t("tier-first"))),
    };
    // An overflowed visitor's own company, so the agent knows whose customer it is.
    let origin = c
        .origin_tenant
        .clone()
        .map(|o| wb.t("origin-tenant").replace("{ $tenant }", &o));
    let group = c.group_id.clone();
    // Where a waiting visitor started the chat: text only (the whole item is a link).
    let came_from = c
        .page
        .clone()
        .filter(|p| !p.url.is_empty() || !p.title.is_empty())
        .map(|p| {
            let label = crate::model::page_label(&p);
            let text = crate::i18n::t_args(
                wb.locale.get_untracked(),
                "inbox-came-from",
                &[("page", &label)],
            );
            (text, p.url)
        });
    let preview = c.preview.clone().unwrap_or_default();
    view! {
        <li class=move || if current.get() { "item current" } else { "item" }>
            <A href=href>
                <span class="line1">
                    <span class="name">{name}</span>
                    {tier.map(|(class, text)| view! { <span class=class>{text}</span> })}
                    {origin.map(|text| view! { <span class="badge origin">{text}</span> })}
                    <Show when=has_unread>
                        <span class="unread" aria-label=wb.t("unread-label")>{move || unread.get()}</span>
                    </Show>
                </span>
                <span class="line2">
                    {match kind {
                        Kind::Waiting => view! {
                            <span class="wait">
                                {move || wb.t("inbox-waiting-for").replace("{ $time }", &wait_text(queued_at, now.get()))}
                            </span>
                            {group.map(|g| view! { <span class="group">{g}</span> })}
                            {came_from.map(|(text, url)| view! { <span class="came-from" title=url>{text}</span> })}
                        }.into_any(),
                        _ => view! {
                            <Show
                                when=move || typing.get()
                                fallback=move || view! { <span class="preview">{preview.clone()}</span> }
                            >
                                <span class="typing">{wb.t("visitor-typing")}</span>
                            </Show>
                        }.into_any(),
                    }}
                </span>
            </A>
        </li>
    }
}
