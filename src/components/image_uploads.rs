//! The pictures on their way, above the composer: a preview each, "sending…" or the
//! reason it failed with retry and remove buttons.

use leptos::prelude::*;
use parley_protocol::Locale;

use crate::hooks::use_image_upload::Upload;
use crate::i18n::t;

/// The list of pictures not yet stored.
#[component]
pub fn ImageUploads(
    /// The pictures, in the order picked.
    #[prop(into)]
    uploads: Signal<Vec<Upload>>,
    /// The UI language.
    locale: Locale,
    /// Sends a failed picture again (its client id).
    on_retry: Callback<String>,
    /// Removes a failed picture (its client id).
    on_dismiss: Callback<String>,
) -> impl IntoView {
    view! {
        <Show when=move || uploads.with(|u| !u.is_empty())>
            <ul class="uploads" aria-label=t(locale, "chat-pictures-sending")>
                <For each=move || uploads.get() key=|u| (u.client_id.clone(), u.failed.clone())
                    children=move |u| {
                        let id = u.client_id.clone();
                        let id2 = u.client_id.clone();
                        let status = match u.failed {
                            None => view! {
                                <span class="status pending" role="status">{t(locale, "chat-sending")}</span>
                            }.into_any(),
                            Some(reason) => view! {
                                <span class="status failed" role="alert">
                                    {reason}
                                    " "
                                    <button type="button" class="link-button" on:click=move |_| on_retry.run(id.clone())>
                                        {t(locale, "chat-retry")}
                                    </button>
                                    " "
                                    <button type="button" class="link-button" on:click=move |_| on_dismiss.run(id2.clone())>
                                        {t(locale, "chat-remove")}
                                    </button>
                                </span>
                            }.into_any(),
                        };
                        let preview = if u.preview.is_empty() {
                            view! { <span class="upload-name" dir="auto">{u.name}</span> }.into_any()
                        } else {
                            view! { <img src=u.preview alt=u.name /> }.into_any()
                        };
                        view! {
                            <li class="upload">
                                {preview}
                                {status}
                            </li>
                        }
                    }
                />
            </ul>
        </Show>
    }
}
