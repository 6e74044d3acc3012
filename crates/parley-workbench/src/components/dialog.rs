//! A small modal dialog: a labelled `role="dialog"` box over the page, closed by its
//! buttons or Escape.

use leptos::prelude::*;

/// A modal dialog with a title; `children` are its body and buttons.
#[component]
pub fn Dialog(
    /// The dialog's title (also its accessible name).
    title: String,
    /// Called on Escape.
    on_close: Callback<()>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="modal-backdrop">
            <div
                class="modal"
                role="dialog"
                aria-modal="true"
                aria-labelledby="modal-title"
                on:keydown=move |e: leptos::ev::KeyboardEvent| {
                    if e.key() == "Escape" {
                        on_close.run(());
                    }
                }
            >
                <h2 id="modal-title">{title}</h2>
                {children()}
            </div>
        </div>
    }
}
