//! The PC chat's screenshot tool (`cut_flag`): the browser's screen capture
//! (`navigator.mediaDevices.getDisplayMedia`, where it exists) takes one frame of the
//! screen, window or tab the visitor picks, the capture stops at once, and the visitor
//! sees the picture and confirms it before it is sent as a picture message. The tool is
//! hidden where the API is missing, with `cut_flag=hide` / `0`, on H5, and until the
//! visitor may send pictures (an agent joined, `photo_flag`).
//!
//! The API is reached through `Reflect` rather than web-sys bindings: the calls are few,
//! and the bindings would need a dozen more web-sys features.

use js_sys::{Array, Function, Object, Promise, Reflect};
use leptos::prelude::*;
use parley_protocol::params::Visibility;
use parley_protocol::Locale;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::i18n::t;
use crate::route::Layout;

/// Whether the tool shows: PC only, `cut_flag` not hidden, and the browser able to
/// capture the screen.
pub fn screenshot_offered(layout: Layout, cut_flag: Visibility, supported: bool) -> bool {
    layout == Layout::Pc && cut_flag == Visibility::Shown && supported
}

fn get(target: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(target, &JsValue::from_str(key))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

fn call(target: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, String> {
    let f: Function = get(target, method)
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| format!("{method} is missing"))?;
    f.apply(target, &args.iter().collect::<Array>())
        .map_err(|e| format!("{method}: {e:?}"))
}

/// Whether this browser has `navigator.mediaDevices.getDisplayMedia`.
pub fn capture_supported() -> bool {
    get(&window(), "navigator")
        .and_then(|n| get(&n, "mediaDevices"))
        .and_then(|m| get(&m, "getDisplayMedia"))
        .is_some_and(|f| f.is_function())
}

/// Asks the browser for a screen, window or tab, takes its first frame as a PNG and
/// stops the capture. `Err` when the visitor declined or the browser could not.
pub async fn capture() -> Result<web_sys::File, String> {
    let devices = get(&window(), "navigator")
        .and_then(|n| get(&n, "mediaDevices"))
        .ok_or("no mediaDevices")?;
    let options = Object::new();
    let _ = Reflect::set(&options, &"video".into(), &JsValue::TRUE);
    let asked: Promise = call(&devices, "getDisplayMedia", &[options.into()])?
        .dyn_into()
        .map_err(|_| "getDisplayMedia gave no promise")?;
    let stream = JsFuture::from(asked)
        .await
        .map_err(|e| format!("declined: {e:?}"))?;
    let frame = frame_of(&stream).await;
    // Whatever happened, the capture stops now: one frame is all the tool takes.
    if let Ok(tracks) = call(&stream, "getTracks", &[]) {
        for track in Array::from(&tracks).iter() {
            let _ = call(&track, "stop", &[]);
        }
    }
    frame
}

/// The first frame of a capture stream, as a PNG file.
async fn frame_of(stream: &JsValue) -> Result<web_sys::File, String> {
    let document = document();
    let video = document
        .create_element("video")
        .map_err(|e| format!("{e:?}"))?;
    let _ = Reflect::set(&video, &"muted".into(), &JsValue::TRUE);
    let _ = Reflect::set(&video, &"srcObject".into(), stream);
    if let Ok(playing) = call(&video, "play", &[]) {
        if let Ok(p) = playing.dyn_into::<Promise>() {
            JsFuture::from(p)
                .await
                .map_err(|e| format!("play: {e:?}"))?;
        }
    }
    let size = |k| get(&video, k).and_then(|v| v.as_f64()).filter(|v| *v > 0.0);
    let (Some(width), Some(height)) = (size("videoWidth"), size("videoHeight")) else {
        return Err("the capture has no picture".into());
    };
    let canvas = document
        .create_element("canvas")
        .map_err(|e| format!("{e:?}"))?;
    let _ = Reflect::set(&canvas, &"width".into(), &width.into());
    let _ = Reflect::set(&canvas, &"height".into(), &height.into());
    let context = call(&canvas, "getContext", &["2d".into()])?;
    call(
        &context,
        "drawImage",
        &[video.into(), JsValue::from(0), JsValue::from(0)],
    )?;
    let png = Promise::new(&mut |resolve, _reject| {
        let _ = call(&canvas, "toBlob", &[resolve.into(), "image/png".into()]);
    });
    let blob: web_sys::Blob = JsFuture::from(png)
        .await
        .map_err(|e| format!("toBlob: {e:?}"))?
        .dyn_into()
        .map_err(|_| "the frame could not be encoded")?;
    let options = web_sys::FilePropertyBag::new();
    options.set_type("image/png");
    web_sys::File::new_with_blob_sequence_and_options(
        &Array::of1(&blob),
        "screenshot.png",
        &options,
    )
    .map_err(|e| format!("{e:?}"))
}

/// The picture about to be sent, with "Send" and "Cancel": nothing leaves the page
/// until the visitor confirms. Escape cancels.
#[component]
pub fn ScreenshotPreview(
    /// A `blob:` URL of the captured picture.
    url: String,
    /// The UI language.
    locale: Locale,
    /// Sends it.
    on_send: Callback<()>,
    /// Drops it.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let send = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(b) = send.get() {
            let _ = b.focus();
        }
    });
    view! {
        <div class="shot-preview" role="dialog" aria-modal="true" aria-labelledby="shot-title"
            on:keydown=move |e: leptos::ev::KeyboardEvent| {
                if e.key() == "Escape" { on_cancel.run(()); }
            }>
            <h2 id="shot-title">{t(locale, "chat-shot-title")}</h2>
            <img src=url alt=t(locale, "chat-shot-alt") />
            <div class="shot-actions">
                <button type="button" class="button shot-send" node_ref=send on:click=move |_| on_send.run(())>
                    {t(locale, "chat-send")}
                </button>
                <button type="button" class="button secondary shot-cancel" on:click=move |_| on_cancel.run(())>
                    {t(locale, "chat-shot-cancel")}
                </button>
            </div>
        </div>
    }
}

/// The composer's screenshot button and the preview it opens; a confirmed picture goes
/// to `on_picture` (the chat's picture upload).
#[component]
pub fn ScreenshotTool(
    /// The UI language.
    locale: Locale,
    /// Whether pictures may be sent now.
    #[prop(into)]
    allowed: Signal<bool>,
    /// Sends the confirmed picture.
    on_picture: Callback<web_sys::File>,
) -> impl IntoView {
    let shot = StoredValue::new_local(None::<web_sys::File>);
    let preview = RwSignal::new(None::<String>);
    let failed = RwSignal::new(false);
    let close = move || {
        if let Some(url) = preview.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
        preview.set(None);
        shot.set_value(None);
    };
    let take = move |_| {
        failed.set(false);
        leptos::task::spawn_local(async move {
            match capture().await {
                Ok(file) => {
                    let url = web_sys::Url::create_object_url_with_blob(&file).unwrap_or_default();
                    shot.set_value(Some(file));
                    preview.set(Some(url));
                }
                Err(_) => failed.set(true),
            }
        });
    };
    let on_send = Callback::new(move |()| {
        if let Some(file) = shot.get_value() {
            on_picture.run(file);
        }
        close();
    });
    let on_cancel = Callback::new(move |()| close());
    view! {
        <Show when=move || allowed.get()>
            <button type="button" class="icon-button attach screenshot" aria-label=t(locale, "chat-shot")
                title=t(locale, "chat-shot") on:click=take>
                <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"
                    fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
                    <path d="M4 8V5a1 1 0 0 1 1-1h3" />
                    <path d="M16 4h3a1 1 0 0 1 1 1v3" />
                    <path d="M20 16v3a1 1 0 0 1-1 1h-3" />
                    <path d="M8 20H5a1 1 0 0 1-1-1v-3" />
                    <circle cx="12" cy="12" r="3" />
                </svg>
            </button>
        </Show>
        <Show when=move || failed.get()>
            <span class="status failed shot-failed" role="alert">{t(locale, "chat-shot-failed")}</span>
        </Show>
        {move || preview.get().map(|url| view! { <ScreenshotPreview url locale on_send on_cancel /> })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tool_needs_pc_the_flag_and_the_api() {
        assert!(screenshot_offered(Layout::Pc, Visibility::Shown, true));
        assert!(!screenshot_offered(Layout::H5, Visibility::Shown, true));
        assert!(!screenshot_offered(Layout::Pc, Visibility::Hidden, true));
        assert!(!screenshot_offered(Layout::Pc, Visibility::Shown, false));
    }
}
