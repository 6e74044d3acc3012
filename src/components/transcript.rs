//! Saving the conversation as a text file: [`crate::model::transcript`] writes it, this
//! hands it to the browser as a download (a `Blob`, an object URL and an `<a download>`
//! clicked once). The file is `text/plain`, never HTML.

use leptos::prelude::*;
use parley_protocol::Locale;
use wasm_bindgen::{JsCast, JsValue};

use crate::i18n::t;

/// A moment in the visitor's language and time zone, date and time (the browser's
/// `Intl`, as in the message list).
pub fn stamp(ms: i64, locale: Locale) -> String {
    js_sys::Date::new(&JsValue::from_f64(ms as f64))
        .to_locale_string(locale.code(), &JsValue::UNDEFINED)
        .into()
}

/// Today's date as `YYYY-MM-DD` (the file's name).
pub fn today() -> String {
    let d = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    )
}

/// Offers `text` as a download named `name`.
pub fn download_text(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let Ok(blob) = web_sys::Blob::new_with_str_sequence(&parts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let a = document()
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(a) = a {
        let _ = a.set_attribute("href", &url);
        let _ = a.set_attribute("download", name);
        a.click();
    }
    // Revoked a little later: some browsers read the blob after the click returns.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(30),
    );
}

/// The "Save the conversation" button.
#[component]
pub fn TranscriptButton(
    /// The UI language.
    locale: Locale,
    /// Builds and downloads the file.
    on_save: Callback<()>,
    /// Extra classes (the top bar's or a notice's button).
    class: &'static str,
    /// A download icon instead of the words (the top bar, where the words would squeeze
    /// the title); the words stay the button's accessible name and tooltip.
    #[prop(optional)]
    icon: bool,
) -> impl IntoView {
    let label = t(locale, "chat-transcript");
    if icon {
        return view! {
            <button type="button" class=class aria-label=label.clone() title=label
                on:click=move |_| on_save.run(())>
                <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"
                    fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
                    <path d="M12 3v12" />
                    <path d="M7 10l5 5 5-5" />
                    <path d="M5 20h14" />
                </svg>
            </button>
        }
        .into_any();
    }
    view! {
        <button type="button" class=class on:click=move |_| on_save.run(())>
            {label}
        </button>
    }
    .into_any()
}
