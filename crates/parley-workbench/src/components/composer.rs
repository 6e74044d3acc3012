//! The composer: Enter sends, Shift+Enter is a new line (and nothing is sent while an
//! input method is composing). The draft is kept in local storage per conversation on
//! every keystroke, so an expired session or a reload loses nothing. Typing is told to
//! the visitor (at most every 3 s, and "stopped" after 4 s without a key or on send).
//! Pictures and other files (PDF, Office, text, ZIP) go by their buttons, by pasting,
//! or by dropping them on the composer; a picture is sent as a picture, anything else
//! as a file, and the server checks each by its content and says what it refused.

use std::time::Duration;

use leptos::leptos_dom::helpers::TimeoutHandle;
use leptos::prelude::*;
use parley_protocol::ws::ClientEvent;
use wasm_bindgen::JsCast;

use crate::components::outbox;
use crate::{api, session, use_wb};

/// How often "typing" is told again while the agent keeps typing.
const TYPING_EVERY_MS: f64 = 3000.0;
/// Quiet time after which "stopped typing" is told.
const TYPING_STOP: Duration = Duration::from_secs(4);

#[component]
pub fn Composer(conversation_id: String) -> impl IntoView {
    let wb = use_wb();
    let text = RwSignal::new(session::draft(&conversation_id));
    let error = RwSignal::new(None::<String>);
    let last_typing = StoredValue::new(0f64);
    let stop_timer = StoredValue::new_local(None::<TimeoutHandle>);
    let id = StoredValue::new(conversation_id.clone());
    let tell = move |typing: bool| {
        wb.send.run(ClientEvent::Typing {
            conversation_id: Some(id.get_value()),
            typing,
        });
    };
    let stopped = move || {
        if let Some(Some(h)) = stop_timer.try_update_value(|t| t.take()) {
            h.clear();
        }
        if last_typing.get_value() > 0.0 {
            last_typing.set_value(0.0);
            tell(false);
        }
    };
    let on_input = move |value: String| {
        session::set_draft(&id.get_value(), &value);
        text.set(value);
        let now = js_sys::Date::now();
        if now - last_typing.get_value() > TYPING_EVERY_MS {
            last_typing.set_value(now);
            tell(true);
        }
        if let Some(Some(h)) = stop_timer.try_update_value(|t| t.take()) {
            h.clear();
        }
        stop_timer.set_value(set_timeout_with_handle(stopped, TYPING_STOP).ok());
    };
    let send = move || {
        let value = text.get_untracked();
        if value.trim().is_empty() {
            return;
        }
        outbox::send(wb, &id.get_value(), value.trim_end());
        text.set(String::new());
        session::set_draft(&id.get_value(), "");
        stopped();
    };
    on_cleanup(move || {
        if let Some(Some(h)) = stop_timer.try_update_value(|t| t.take()) {
            h.clear();
        }
    });
    let upload = move |file: web_sys::File| {
        let token = wb.token();
        let cid = id.get_value();
        leptos::task::spawn_local(async move {
            match api::upload(&token, &cid, &api::new_client_id(), &file).await {
                Ok(r) => {
                    error.set(None);
                    wb.inbox.try_update(|i| i.merge([r.message]));
                }
                Err(e) => {
                    let e = wb.check(e);
                    error.set(Some(format!("{} {}", wb.t(e.message_key()), e.detail())));
                }
            }
        });
    };
    let files_of = move |list: Option<web_sys::FileList>| {
        let Some(list) = list else { return false };
        let mut any = false;
        for i in 0..list.length() {
            if let Some(f) = list.get(i) {
                any = true;
                upload(f);
            }
        }
        any
    };
    let picker: NodeRef<leptos::html::Input> = NodeRef::new();
    let file_picker: NodeRef<leptos::html::Input> = NodeRef::new();
    let picked = move |e: leptos::ev::Event| {
        let input = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
        if let Some(input) = input {
            files_of(input.files());
            input.set_value("");
        }
    };
    view! {
        <div
            class="composer"
            on:dragover=move |e: leptos::ev::DragEvent| e.prevent_default()
            on:drop=move |e: leptos::ev::DragEvent| {
                e.prevent_default();
                files_of(e.data_transfer().and_then(|d| d.files()));
            }
        >
            <label for="composer" class="visually-hidden">{wb.t("composer-label")}</label>
            <textarea
                id="composer"
                rows="3"
                placeholder=wb.t("composer-placeholder")
                prop:value=move || text.get()
                on:input=move |e| on_input(event_target_value(&e))
                on:blur=move |_| stopped()
                on:paste=move |e: leptos::ev::ClipboardEvent| {
                    if files_of(e.clipboard_data().and_then(|d| d.files())) {
                        e.prevent_default();
                    }
                }
                on:keydown=move |e: leptos::ev::KeyboardEvent| {
                    if e.key() == "Enter" && !e.shift_key() && !e.is_composing() {
                        e.prevent_default();
                        send();
                    }
                }
            ></textarea>
            <div class="composer-actions">
                <input
                    type="file"
                    accept="image/png,image/jpeg,image/gif,image/webp"
                    class="visually-hidden"
                    id="picture-input"
                    node_ref=picker
                    on:change=picked
                />
                <button type="button" class="ghost" on:click=move |_| {
                    if let Some(p) = picker.get() {
                        p.click();
                    }
                }>{wb.t("picture-button")}</button>
                <input
                    type="file"
                    accept=FILES
                    class="visually-hidden"
                    id="file-input"
                    node_ref=file_picker
                    on:change=picked
                />
                <button type="button" class="ghost" on:click=move |_| {
                    if let Some(p) = file_picker.get() {
                        p.click();
                    }
                }>{wb.t("file-button")}</button>
                <span class="hint">{wb.t("composer-hint")}</span>
                <button type="button" class="primary" on:click=move |_| send()>{wb.t("send")}</button>
            </div>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
        </div>
    }
}

/// What the file button offers: the files the server takes as downloads
/// (`tickets::check_chat_file`), the visitor composer's list without the pictures.
const FILES: &str =
    ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.txt,.csv,.zip,application/pdf,text/plain";
