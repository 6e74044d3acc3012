//! Tickets (the visitors' left messages): the list, filtered by status and template,
//! new ones arriving live (a `ticket` event on the agent socket re-reads the list), and
//! one ticket with its fields, attachments (pictures previewed, other files
//! downloaded), replies, a reply box and Close.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use parley_protocol::ticket::{AttachmentInfo, TicketStatus, TicketView};

use crate::{api, use_wb};

fn status_from(value: &str) -> Option<TicketStatus> {
    TicketStatus::parse(value)
}

#[component]
pub fn TicketsPage() -> impl IntoView {
    let wb = use_wb();
    let location = use_location();
    let selected =
        Memo::new(move |_| crate::Page::id_in(&location.pathname.get(), "/agent/tickets/"));
    let status = RwSignal::new(String::new());
    let template = RwSignal::new(String::new());
    // Only the ticket events re-read the list, not every change of the inbox.
    let seen = Memo::new(move |_| wb.inbox.with(|i| i.tickets_seen));
    let list = LocalResource::new(move || {
        let token = wb.token();
        let s = status_from(&status.get());
        // Re-read when a new ticket arrives or one changed here.
        seen.track();
        async move { api::tickets(&token, s).await }
    });
    let templates = Memo::new(move |_| {
        let mut ids: Vec<String> = list
            .get()
            .and_then(|r| r.ok())
            .map(|l| l.tickets.into_iter().map(|t| t.template_id).collect())
            .unwrap_or_default();
        ids.sort();
        ids.dedup();
        ids
    });
    let shown = Memo::new(move |_| {
        let tpl = template.get();
        list.get()
            .and_then(|r| r.ok())
            .map(|l| {
                l.tickets
                    .into_iter()
                    .filter(|t| tpl.is_empty() || t.template_id == tpl)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    view! {
        <div class="tickets">
            <aside class="lists" aria-label=wb.t("nav-tickets")>
                <div class="filters">
                    <label for="ticket-status">{wb.t("ticket-filter-status")}</label>
                    <select id="ticket-status" on:change=move |e| status.set(event_target_value(&e))>
                        <option value="">{wb.t("ticket-all")}</option>
                        <option value="open">{wb.t("ticket-open")}</option>
                        <option value="replied">{wb.t("ticket-replied")}</option>
                        <option value="closed">{wb.t("ticket-closed")}</option>
                    </select>
                    <label for="ticket-template">{wb.t("ticket-filter-template")}</label>
                    <select id="ticket-template" on:change=move |e| template.set(event_target_value(&e))>
                        <option value="">{wb.t("ticket-all")}</option>
                        <For each=move || templates.get() key=|t| t.clone() let:tpl>
                            <option value=tpl.clone()>{tpl.clone()}</option>
                        </For>
                    </select>
                </div>
                <ul class="ticket-list" aria-live="polite">
                    <For each=move || shown.get() key=|t| (t.id.clone(), t.status.as_str(), t.updated_at) let:tk>
                        <li class=move || if selected.get().as_deref() == Some(tk.id.as_str()) { "item current" } else { "item" }>
                            <A href=format!("/agent/tickets/{}", tk.id)>
                                <span class="line1">
                                    <span class="name">{format!("#{}", tk.number)}</span>
                                    <span class=format!("badge st-{}", tk.status.as_str())>{wb.t(&format!("ticket-{}", tk.status.as_str()))}</span>
                                </span>
                                <span class="line2"><span class="preview">{crate::model::preview(&tk.content)}</span></span>
                            </A>
                        </li>
                    </For>
                </ul>
                <Show when=move || shown.get().is_empty()>
                    <p class="empty">{wb.t("list-empty")}</p>
                </Show>
            </aside>
            {move || match selected.get() {
                Some(id) => view! { <TicketDetail id /> }.into_any(),
                None => view! { <section class="conversation placeholder"><p>{wb.t("ticket-pick")}</p></section> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn TicketDetail(id: String) -> impl IntoView {
    let wb = use_wb();
    let tid = StoredValue::new(id);
    let ticket = RwSignal::new(None::<TicketView>);
    let error = RwSignal::new(None::<String>);
    let show_error = move |e: api::CallError| {
        let e = wb.check(e);
        error.set(Some(format!("{} {}", wb.t(e.message_key()), e.detail())));
    };
    leptos::task::spawn_local(async move {
        match api::ticket(&wb.token(), &tid.get_value()).await {
            Ok(t) => {
                ticket.try_set(Some(t));
            }
            Err(e) => show_error(e),
        }
    });
    let reply = RwSignal::new(String::new());
    let changed = move |t: TicketView| {
        ticket.set(Some(t));
        error.set(None);
        wb.inbox
            .update(|i| i.tickets_seen = i.tickets_seen.wrapping_add(1));
    };
    let send_reply = move |_| {
        let text = reply.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            match api::ticket_reply(&wb.token(), &tid.get_value(), &text).await {
                Ok(t) => {
                    reply.set(String::new());
                    changed(t);
                }
                Err(e) => show_error(e),
            }
        });
    };
    let close = move |_| {
        leptos::task::spawn_local(async move {
            match api::ticket_close(&wb.token(), &tid.get_value()).await {
                Ok(t) => changed(t),
                Err(e) => show_error(e),
            }
        });
    };
    view! {
        <section class="conversation ticket" aria-labelledby="ticket-title">
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
            {move || ticket.get().map(|tk| {
                let open = tk.status != TicketStatus::Closed;
                let id = tk.id.clone();
                view! {
                    <header class="conv-head">
                        <h1 id="ticket-title">{format!("{} #{}", wb.t("ticket"), tk.number)}</h1>
                        <span class=format!("badge st-{}", tk.status.as_str())>{wb.t(&format!("ticket-{}", tk.status.as_str()))}</span>
                        <div class="actions">
                            <Show when=move || open>
                                <button type="button" class="danger" on:click=close>{wb.t("ticket-close")}</button>
                            </Show>
                        </div>
                    </header>
                    <div class="ticket-body">
                        <p class="content">{tk.content.clone()}</p>
                        <dl class="facts">
                            {tk.tel.clone().map(|v| view! { <dt>{wb.t("field-tel")}</dt><dd>{v}</dd> })}
                            {tk.email.clone().map(|v| view! { <dt>{wb.t("field-email")}</dt><dd>{v}</dd> })}
                            {tk.fields.iter().map(|f| view! { <dt>{f.label.clone()}</dt><dd>{f.value.clone()}</dd> }).collect_view()}
                            {tk.docking.iter().map(|(k, v)| view! { <dt>{k.clone()}</dt><dd>{v.clone()}</dd> }).collect_view()}
                            <dt>{wb.t("ticket-created")}</dt><dd>{crate::components::clock(tk.created_at, true)}</dd>
                        </dl>
                        <Show when={let n = tk.attachments.is_empty(); move || !n}>
                            <h2>{wb.t("ticket-attachments")}</h2>
                        </Show>
                        <ul class="attachments">
                            {tk.attachments.iter().cloned().map(|a| view! { <Attachment ticket=id.clone() a /> }).collect_view()}
                        </ul>
                        <h2>{wb.t("ticket-replies")}</h2>
                        <ol class="replies">
                            {tk.replies.iter().map(|r| view! {
                                <li>
                                    <span class="who">{r.agent_name.clone()} " " <time>{crate::components::clock(r.created_at, true)}</time></span>
                                    <p class="text">{r.text.clone()}</p>
                                </li>
                            }).collect_view()}
                        </ol>
                        <Show when=move || open>
                            <label for="ticket-reply">{wb.t("ticket-reply-label")}</label>
                            <textarea id="ticket-reply" rows="4"
                                prop:value=move || reply.get()
                                on:input=move |e| reply.set(event_target_value(&e))></textarea>
                            <div class="buttons">
                                <button type="button" class="primary" on:click=send_reply>{wb.t("ticket-reply")}</button>
                            </div>
                        </Show>
                    </div>
                }
            })}
        </section>
    }
}

/// One attachment: fetched with the session (a link cannot carry it) into a `blob:`
/// URL; the URL is revoked when the row goes. A picture is previewed as a thumbnail
/// that opens full size over the page (Escape, a click or the close button closes it);
/// any other file is a download link with its name and size.
#[component]
fn Attachment(ticket: String, a: AttachmentInfo) -> impl IntoView {
    let wb = use_wb();
    let url = RwSignal::new(None::<String>);
    let full = RwSignal::new(false);
    let index = a.index;
    let t2 = ticket.clone();
    leptos::task::spawn_local(async move {
        if let Ok(u) = api::attachment_url(&wb.token(), &t2, index).await {
            if url.try_set(Some(u.clone())).is_some() {
                let _ = web_sys::Url::revoke_object_url(&u);
            }
        }
    });
    on_cleanup(move || {
        if let Some(Some(u)) = url.try_get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&u);
        }
    });
    let image = a.content_type.starts_with("image/");
    let name = StoredValue::new(a.name.clone());
    let size = StoredValue::new(crate::components::message::file_size(a.size.max(0) as u64));
    let open_label = t_name(wb, "attachment-open", &a.name);
    // The full-size view takes the focus when it opens, so Escape closes it.
    let close: NodeRef<leptos::html::Button> = NodeRef::new();
    Effect::new(move |_| {
        if let Some(b) = close.get() {
            let _ = b.focus();
        }
    });
    view! {
        <li class="attachment">
            {move || url.get().map(|u| if image {
                view! {
                    <button type="button" class="thumb" aria-label=open_label.clone() on:click=move |_| full.set(true)>
                        <img class="pic thumb-img" src=u alt=name.get_value() />
                    </button>
                }.into_any()
            } else {
                view! {
                    <a class="file" href=u download=name.get_value()>
                        <span class="file-name">{name.get_value()}</span>
                        <span class="file-size">{size.get_value()}</span>
                    </a>
                }.into_any()
            })}
            <Show when=move || image>
                <span class="meta">{name.get_value()} " · " {size.get_value()}</span>
            </Show>
            <Show when=move || full.get()>
                <div
                    class="lightbox"
                    role="dialog"
                    aria-modal="true"
                    aria-label=name.get_value()
                    on:click=move |_| full.set(false)
                    on:keydown=move |e: leptos::ev::KeyboardEvent| {
                        if e.key() == "Escape" {
                            full.set(false);
                        }
                    }
                >
                    <img class="full" src=move || url.get() alt=name.get_value() />
                    <button type="button" class="ghost close" node_ref=close>{wb.t("close")}</button>
                </div>
            </Show>
        </li>
    }
}

/// A text of the page's language with the file's name in it.
fn t_name(wb: crate::Wb, key: &str, name: &str) -> String {
    crate::i18n::t_args(wb.locale.get_untracked(), key, &[("name", name)])
}
