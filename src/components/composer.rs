//! The composer: a textarea where Enter sends and Shift+Enter starts a new line, a send
//! button, the emoji picker and the leave-message entry of the input area.

use leptos::prelude::*;
use parley_protocol::Locale;

use crate::components::screenshot::ScreenshotTool;
use crate::i18n::t;

/// The most characters a message may have (the server's limit).
pub const MAX_CHARS: usize = 5000;

/// The built-in emoji set: small on purpose (a full picker is hundreds of KB).
pub const EMOJI: [&str; 24] = [
    "😀", "😂", "😊", "😍", "😉", "😎", "🤔", "😅", "😢", "😭", "😡", "😮", "👍", "👎", "👏", "🙏",
    "👌", "💪", "🎉", "❤️", "🔥", "✅", "❌", "❓",
];

/// What pressing a key in the composer does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAction {
    /// Send the text.
    Send,
    /// Let the textarea handle it (a newline for Shift+Enter, typing otherwise).
    Default,
}

/// Enter sends; Shift+Enter, and Enter while an input method is composing (CJK input
/// confirms candidates with Enter), do not.
pub fn key_action(key: &str, shift: bool, composing: bool) -> KeyAction {
    if key == "Enter" && !shift && !composing {
        KeyAction::Send
    } else {
        KeyAction::Default
    }
}

/// The message box.
#[component]
pub fn Composer(
    /// The UI language.
    locale: Locale,
    /// Called with the (trimmed, non-empty) text to send.
    on_send: Callback<String>,
    /// Called when the visitor starts (`true`) or stops (`false`) typing.
    on_typing: Callback<bool>,
    /// Whether the emoji button shows.
    #[prop(into)]
    show_emoji: Signal<bool>,
    /// The leave-message page, when the input area offers it (`leave_msg_flag`).
    leave_href: Option<String>,
    /// On PC the form opens inside the page: when set, the entry runs this instead of
    /// following `leave_href` (which stays as the fallback link).
    #[prop(optional_no_strip)]
    on_leave: Option<Callback<()>>,
    /// Sends a picture the visitor picked or pasted; `None` hides the picture button.
    #[prop(optional_no_strip)]
    on_image: Option<Callback<web_sys::File>>,
    /// Whether pictures may be sent now (an agent has joined and `photo_flag` allows).
    #[prop(into, optional)]
    show_image: Signal<bool>,
    /// Sends a screenshot the visitor took and confirmed (`cut_flag`, PC, where the
    /// browser can capture the screen); `None` hides the screenshot tool.
    #[prop(optional_no_strip)]
    on_screenshot: Option<Callback<web_sys::File>>,
) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let typing = StoredValue::new(false);
    let picker_open = RwSignal::new(false);
    let area = NodeRef::<leptos::html::Textarea>::new();

    let set_typing = move |now: bool| {
        if typing.get_value() != now {
            typing.set_value(now);
            on_typing.run(now);
        }
    };
    let submit = move || {
        let value = text.get_untracked();
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return;
        }
        on_send.run(trimmed.to_owned());
        text.set(String::new());
        set_typing(false);
        if let Some(a) = area.get_untracked() {
            let _ = a.focus();
        }
    };
    let on_keydown = move |e: leptos::ev::KeyboardEvent| {
        // keyCode 229 is what Chromium reports while an input method is composing.
        let composing = e.is_composing() || e.key_code() == 229;
        if key_action(&e.key(), e.shift_key(), composing) == KeyAction::Send {
            e.prevent_default();
            submit();
        }
    };
    let insert_emoji = move |emoji: &'static str| {
        let Some(a) = area.get_untracked() else {
            text.update(|t| t.push_str(emoji));
            return;
        };
        let value = a.value();
        // selectionStart counts UTF-16 units; convert to a byte offset.
        let units = a.selection_start().ok().flatten().unwrap_or(u32::MAX) as usize;
        let mut byte = value.len();
        let mut seen = 0;
        for (i, c) in value.char_indices() {
            if seen >= units {
                byte = i;
                break;
            }
            seen += c.len_utf16();
        }
        let mut next = value.clone();
        next.insert_str(byte, emoji);
        text.set(next);
        picker_open.set(false);
        let _ = a.focus();
    };

    let file_input = NodeRef::<leptos::html::Input>::new();
    let picture_button = on_image.map(|send| {
        let on_change = move |_| {
            let Some(input) = file_input.get_untracked() else {
                return;
            };
            if let Some(list) = input.files() {
                for i in 0..list.length() {
                    if let Some(f) = list.get(i) {
                        send.run(f);
                    }
                }
            }
            // Picking the same file again must fire `change` again.
            input.set_value("");
        };
        view! {
            <Show when=move || show_image.get()>
                <button type="button" class="icon-button attach" aria-label=t(locale, "chat-attach")
                    title=t(locale, "chat-attach")
                    on:click=move |_| { if let Some(i) = file_input.get_untracked() { i.click(); } }>
                    // A drawn icon: emoji fonts are not everywhere (headless browsers,
                    // some Linux desktops show a box).
                    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"
                        fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
                        <rect x="3" y="4" width="18" height="16" rx="2" />
                        <circle cx="9" cy="10" r="2" />
                        <path d="M21 16l-5-5-9 9" />
                    </svg>
                </button>
                <input type="file" class="visually-hidden" tabindex="-1" aria-hidden="true"
                    accept=ATTACHABLE multiple
                    node_ref=file_input on:change=on_change />
            </Show>
        }
    });
    // A picture pasted into the text box is sent like a picked one.
    let on_paste = move |e: leptos::ev::ClipboardEvent| {
        let (Some(send), true) = (on_image, show_image.get_untracked()) else {
            return;
        };
        let Some(files) = e.clipboard_data().and_then(|d| d.files()) else {
            return;
        };
        let pictures: Vec<web_sys::File> = (0..files.length())
            .filter_map(|i| files.get(i))
            .filter(|f| f.type_().starts_with("image/"))
            .collect();
        if !pictures.is_empty() {
            e.prevent_default();
            for f in pictures {
                send.run(f);
            }
        }
    };

    let leave = leave_href.map(|href| {
        view! {
            <a class="leave-entry" href=href on:click=move |e| {
                if let Some(open) = on_leave {
                    e.prevent_default();
                    open.run(());
                }
            }>{t(locale, "chat-leave-message")}</a>
        }
    });
    view! {
        <form class="composer" on:submit=move |e| { e.prevent_default(); submit(); }>
            <Show when=move || show_emoji.get()>
                <div class="emoji">
                    <button type="button" class="icon-button" aria-haspopup="true"
                        aria-expanded=move || picker_open.get().to_string()
                        aria-label=t(locale, "chat-emoji")
                        on:click=move |_| picker_open.update(|o| *o = !*o)>
                        "☺"
                    </button>
                    <Show when=move || picker_open.get()>
                        <div class="emoji-picker" role="group" aria-label=t(locale, "chat-emoji-picker-label")
                            on:keydown=move |e: leptos::ev::KeyboardEvent| {
                                if e.key() == "Escape" { picker_open.set(false); }
                            }>
                            {EMOJI
                                .iter()
                                .map(|&emoji| view! {
                                    <button type="button" class="emoji-choice"
                                        on:click=move |_| insert_emoji(emoji)>{emoji}</button>
                                })
                                .collect_view()}
                        </div>
                    </Show>
                </div>
            </Show>
            <label class="visually-hidden" for="parley-composer">{t(locale, "chat-composer-label")}</label>
            <textarea id="parley-composer" node_ref=area rows="1" dir="auto"
                maxlength=MAX_CHARS.to_string()
                placeholder=t(locale, "chat-composer-placeholder")
                prop:value=move || text.get()
                on:input=move |e| {
                    let v = event_target_value(&e);
                    set_typing(!v.trim().is_empty());
                    text.set(v);
                }
                on:blur=move |_| set_typing(false)
                on:keydown=on_keydown
                on:paste=on_paste
            ></textarea>
            {picture_button}
            {on_screenshot.map(|on_picture| view! { <ScreenshotTool locale allowed=show_image on_picture /> })}
            {leave}
            <button type="submit" class="send" disabled=move || text.with(|t| t.trim().is_empty())>
                {t(locale, "chat-send")}
            </button>
        </form>
    }
}

/// What the attach button offers: the pictures the server shows and the files it takes
/// as downloads (`tickets::check_chat_file` on the server).
const ATTACHABLE: &str = "image/png,image/jpeg,image/gif,image/webp,.pdf,.doc,.docx,.xls,\
                          .xlsx,.ppt,.pptx,.txt,.csv,.zip,application/pdf,text/plain";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enter_sends_shift_enter_and_composition_do_not() {
        assert_eq!(key_action("Enter", false, false), KeyAction::Send);
        assert_eq!(key_action("Enter", true, false), KeyAction::Default);
        assert_eq!(key_action("Enter", false, true), KeyAction::Default);
        assert_eq!(key_action("a", false, false), KeyAction::Default);
    }
}
