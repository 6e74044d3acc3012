//! The middle column: one conversation's whole history (the bot's exchange before the
//! transfer included) with time separators, live messages, the visitor's typing, the
//! actions (accept, transfer with a note, end, offline message after the end) and the
//! composer.

use leptos::prelude::*;
use parley_protocol::api::{ConversationState, SendRequest, TransferRequest};

use crate::components::composer::Composer;
use crate::components::dialog::Dialog;
use crate::components::message::MessageRow;
use crate::components::outbox;
use crate::components::rich_text::RichText;
use crate::model::{rows, Row};
use crate::{api, use_wb};

#[component]
pub fn ConversationPane(id: String) -> impl IntoView {
    let wb = use_wb();
    let cid = StoredValue::new(id.clone());
    wb.inbox.update(|i| i.open(Some(id.clone())));
    on_cleanup(move || {
        wb.inbox.try_update(|i| {
            if i.open.as_deref() == Some(cid.get_value().as_str()) {
                i.open(None);
            }
        });
    });
    let load_error = RwSignal::new(None::<String>);
    let loading = RwSignal::new(true);
    leptos::task::spawn_local(async move {
        if let Err(e) = outbox::load_messages(wb, &cid.get_value()).await {
            load_error.try_set(Some(format!("{} {}", wb.t(e.message_key()), e.detail())));
        }
        loading.try_set(false);
    });
    let summary = Memo::new(move |_| wb.inbox.with(|i| i.find(&cid.get_value()).cloned()));
    let mine = Memo::new(move |_| {
        summary.get().is_some_and(|s| {
            s.state == ConversationState::WithAgent
                && s.agent_id.as_deref() == Some(wb.me().as_str())
        })
    });
    let state = Memo::new(move |_| summary.get().map(|s| s.state));
    // Rebuilt only when this conversation's log changes: a typing event or another
    // conversation's message leaves a long history alone.
    let version = Memo::new(move |_| wb.inbox.with(|i| i.log_version(&cid.get_value())));
    let timeline = Memo::new(move |_| {
        // `get`, not `track`: a memo only follows its own sources once it has been
        // computed, and `track` subscribes without computing it.
        let _ = version.get();
        let messages = wb.inbox.with_untracked(|i| i.messages(&cid.get_value()));
        rows(&messages, super::offset_minutes())
    });
    // Only the newest rows are in the page at first (a long history would cost
    // hundreds of milliseconds to build and lay out, and again at every new message);
    // "Show earlier messages" or scrolling to the top adds older ones a window at a time.
    let shown = RwSignal::new(WINDOW);
    // The first row in the page stays the first while new rows arrive below or older
    // pages load above: a new message adds one row and removes none (removing the top
    // row would shift and re-lay out every row under it).
    let anchor = StoredValue::new(None::<(bool, i64)>);
    let start = Memo::new(move |_| {
        let want = shown.get();
        timeline.with(|rows| {
            let by_count = rows.len().saturating_sub(want);
            let start = anchor
                .get_value()
                .and_then(|k| rows.iter().position(|r| r.key() == k))
                .map_or(by_count, |i| i.min(by_count));
            anchor.set_value(rows.get(start).map(Row::key));
            start
        })
    });
    let visible =
        Memo::new(move |_| timeline.with(|rows| rows[start.get().min(rows.len())..].to_vec()));
    let earlier = Memo::new(move |_| {
        timeline.with(|rows| {
            rows[..start.get().min(rows.len())]
                .iter()
                .filter(|r| matches!(r, Row::Message(_)))
                .count()
        })
    });
    let show_earlier = move || shown.update(|n| *n += WINDOW);
    let pending = Memo::new(move |_| wb.inbox.with(|i| i.pending(&cid.get_value())));
    let typing = Memo::new(move |_| wb.inbox.with(|i| i.typing.contains(&cid.get_value())));
    let list: NodeRef<leptos::html::Ol> = NodeRef::new();
    // Follow the newest message.
    Effect::new(move |_| {
        timeline.track();
        pending.track();
        typing.track();
        if let Some(el) = list.get() {
            crate::bench_mark("parley-follow");
            el.set_scroll_top(el.scroll_height());
            crate::bench_mark("parley-follow-done");
        }
    });
    let action_error = RwSignal::new(None::<String>);
    let act = move |what: &'static str| {
        let token = wb.token();
        let id = cid.get_value();
        leptos::task::spawn_local(async move {
            let r = match what {
                "accept" => api::accept(&token, &id).await,
                _ => api::end(&token, &id).await,
            };
            match r {
                Ok(s) => {
                    action_error.set(None);
                    wb.inbox.update(|i| {
                        i.place(s);
                    });
                    let _ = outbox::load_messages(wb, &id).await;
                }
                Err(e) => {
                    let e = wb.check(e);
                    action_error.set(Some(format!("{} {}", wb.t(e.message_key()), e.detail())));
                }
            }
        });
    };
    let transferring = RwSignal::new(false);
    let offline_open = RwSignal::new(false);
    let title = Memo::new(move |_| {
        summary
            .get()
            .and_then(|s| s.visitor_name)
            .unwrap_or_else(|| wb.t("visitor"))
    });
    view! {
        <section class="conversation" aria-labelledby="conversation-title">
            <header class="conv-head">
                <h1 id="conversation-title">{move || title.get()}</h1>
                <span class="state">{move || state.get().map(|s| wb.t(&format!("state-{}", s.as_str())))}</span>
                <div class="actions">
                    <Show when=move || state.get() == Some(ConversationState::Queueing)>
                        <button type="button" class="primary" on:click=move |_| act("accept")>{wb.t("accept")}</button>
                    </Show>
                    <Show when=move || mine.get()>
                        <button type="button" on:click=move |_| transferring.set(true)>{wb.t("transfer")}</button>
                        <button type="button" class="danger" on:click=move |_| act("end")>{wb.t("end")}</button>
                    </Show>
                    <Show when=move || state.get() == Some(ConversationState::Ended)>
                        <button type="button" on:click=move |_| offline_open.set(true)>{wb.t("offline-message")}</button>
                    </Show>
                </div>
            </header>
            {move || summary.get().filter(|_| mine.get()).and_then(|s| s.transfer_note).map(|n| view! {
                <p class="note-banner" role="note">{wb.t("transfer-note-label")} " " {n}</p>
            })}
            <Show when=move || action_error.get().is_some() || load_error.get().is_some()>
                <p class="error" role="alert">{move || action_error.get().or(load_error.get())}</p>
            </Show>
            <ol
                class="timeline"
                node_ref=list
                role="log"
                aria-live="polite"
                aria-label=wb.t("timeline-label")
                on:scroll=move |_| {
                    // At the top: the next window of older rows (the browser keeps the
                    // rows on screen where they are as rows are added above).
                    if list.get_untracked().is_some_and(|el| el.scroll_top() < 40) && earlier.get_untracked() > 0 {
                        show_earlier();
                    }
                }
            >
                <Show when=move || loading.get()>
                    <li class="event">{wb.t("loading")}</li>
                </Show>
                <Show when=move || { earlier.get() > 0 }>
                    <li class="earlier">
                        <button type="button" class="ghost" on:click=move |_| show_earlier()>
                            {move || crate::i18n::t_args(wb.locale.get_untracked(), "earlier-messages", &[("count", &earlier.get().to_string())])}
                        </button>
                    </li>
                </Show>
                <For
                    each=move || visible.get()
                    key=Row::key
                    let:row
                >
                    {match row {
                        Row::Time { at, new_day } => view! {
                            <li class="time-sep" role="separator"><time>{super::clock(at, new_day)}</time></li>
                        }.into_any(),
                        Row::Message(m) => view! { <MessageRow m=(*m).clone() locale=wb.locale.get_untracked() /> }.into_any(),
                    }}
                </For>
                <For each=move || pending.get() key=|p| (p.client_id.clone(), p.failed.clone()) let:p>
                    <PendingRow p />
                </For>
            </ol>
            <Show when=move || typing.get()>
                <p class="typing-line">{wb.t("visitor-typing")}</p>
            </Show>
            <Show when=move || mine.get()>
                <Composer conversation_id=cid.get_value() />
            </Show>
            <Show when=move || transferring.get()>
                <TransferDialog id=cid.get_value() open=transferring />
            </Show>
            <Show when=move || offline_open.get()>
                <OfflineDialog visitor_id=summary.get_untracked().map(|s| s.visitor_id).unwrap_or_default() open=offline_open />
            </Show>
        </section>
    }
}

/// Timeline rows in the page at first, and added by each step back in time.
const WINDOW: usize = 200;

#[component]
fn PendingRow(p: crate::model::Pending) -> impl IntoView {
    let wb = use_wb();
    let failed = p.failed.clone();
    let cid = p.client_id.clone();
    let cid2 = p.client_id.clone();
    view! {
        <li class="msg from-agent pending">
            <span class="who">{if failed.is_some() { wb.t("send-failed") } else { wb.t("sending") }}</span>
            <div class="bubble"><RichText text=p.text.clone() /></div>
            {failed.map(|why| view! {
                <p class="error">{why}
                    <button type="button" class="ghost" on:click=move |_| outbox::retry(wb, &cid)>{wb.t("retry")}</button>
                    <button type="button" class="ghost" on:click=move |_| outbox::discard(wb, &cid2)>{wb.t("discard")}</button>
                </p>
            })}
        </li>
    }
}

/// Transfer to an agent or a group, with a note for whoever receives it.
#[component]
fn TransferDialog(id: String, open: RwSignal<bool>) -> impl IntoView {
    let wb = use_wb();
    let colleagues = LocalResource::new(move || {
        let token = wb.token();
        async move { api::colleagues(&token).await }
    });
    let target = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let id = StoredValue::new(id);
    let submit = move |_| {
        let choice = target.get_untracked();
        let (to_agent, to_group) = match choice.split_once(':') {
            Some(("agent", a)) => (Some(a.to_owned()), None),
            Some(("group", g)) => (None, Some(g.to_owned())),
            _ => {
                error.set(Some(wb.t("transfer-pick")));
                return;
            }
        };
        let n = note.get_untracked().trim().to_owned();
        let request = TransferRequest {
            to_agent,
            to_group,
            note: (!n.is_empty()).then_some(n),
        };
        let token = wb.token();
        leptos::task::spawn_local(async move {
            match api::transfer(&token, &id.get_value(), &request).await {
                Ok(s) => {
                    wb.inbox.update(|i| {
                        i.place(s);
                    });
                    open.set(false);
                }
                Err(e) => {
                    let e = wb.check(e);
                    error.set(Some(format!("{} {}", wb.t(e.message_key()), e.detail())));
                }
            }
        });
    };
    view! {
        <Dialog title=wb.t("transfer-title") on_close=Callback::new(move |()| open.set(false))>
            <label for="transfer-target">{wb.t("transfer-to")}</label>
            <select id="transfer-target" on:change=move |e| target.set(event_target_value(&e))>
                <option value="">{wb.t("transfer-pick")}</option>
                {move || colleagues.get().and_then(|r| r.ok()).map(|c| view! {
                    <optgroup label=wb.t("transfer-agents")>
                        {c.agents.into_iter().map(|a| {
                            let label = format!("{} ({}, {}/{})", a.name, wb.t(&format!("status-{}", a.status.as_str())), a.active, a.capacity);
                            view! { <option value=format!("agent:{}", a.id)>{label}</option> }
                        }).collect_view()}
                    </optgroup>
                    <optgroup label=wb.t("transfer-groups")>
                        {c.groups.into_iter().map(|g| view! {
                            <option value=format!("group:{}", g.id)>{g.name}</option>
                        }).collect_view()}
                    </optgroup>
                })}
            </select>
            <label for="transfer-note">{wb.t("transfer-note")}</label>
            <textarea id="transfer-note" rows="3" on:input=move |e| note.set(event_target_value(&e))></textarea>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
            <div class="buttons">
                <button type="button" class="primary" on:click=submit>{wb.t("transfer")}</button>
                <button type="button" class="ghost" on:click=move |_| open.set(false)>{wb.t("cancel")}</button>
            </div>
        </Dialog>
    }
}

/// A message the visitor reads the next time they open the chat.
#[component]
fn OfflineDialog(visitor_id: String, open: RwSignal<bool>) -> impl IntoView {
    let wb = use_wb();
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let visitor = StoredValue::new(visitor_id);
    let client_id = StoredValue::new(api::new_client_id());
    let submit = move |_| {
        let request = SendRequest {
            client_id: client_id.get_value(),
            text: text.get_untracked(),
            faq_id: None,
        };
        let token = wb.token();
        leptos::task::spawn_local(async move {
            match api::offline_message(&token, &visitor.get_value(), &request).await {
                Ok(r) => {
                    wb.inbox.update(|i| i.merge([r.message]));
                    open.set(false);
                }
                Err(e) => {
                    let e = wb.check(e);
                    error.set(Some(format!("{} {}", wb.t(e.message_key()), e.detail())));
                }
            }
        });
    };
    view! {
        <Dialog title=wb.t("offline-message") on_close=Callback::new(move |()| open.set(false))>
            <label for="offline-text">{wb.t("offline-message-label")}</label>
            <textarea id="offline-text" rows="4" on:input=move |e| text.set(event_target_value(&e))></textarea>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
            <div class="buttons">
                <button type="button" class="primary" on:click=submit>{wb.t("send")}</button>
                <button type="button" class="ghost" on:click=move |_| open.set(false)>{wb.t("cancel")}</button>
            </div>
        </Dialog>
    }
}
