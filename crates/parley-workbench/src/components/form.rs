//! Form fields bound to a JSON document: the admin pages edit the tenant's settings
//! (and the FAQ) as the server sends them, field by field, through JSON pointers
//! (`/backend/color`). A field shows the server's refusal when it names the field, and
//! what was typed stays in the document, so a refused form keeps it.
//!
//! The document's plain logic (pointers, diffs) lives in [`crate::doc`], tested
//! on the host.

use leptos::prelude::*;
use serde_json::Value;

use crate::doc;

/// A refused change: the field the server blames (`backend.color`, `agent.bob`), if
/// any, and its message.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub field: Option<String>,
    pub message: String,
}

/// One edited document and its state, provided as context to the fields under it.
#[derive(Clone, Copy)]
pub struct Form {
    pub doc: RwSignal<Value>,
    pub error: RwSignal<Option<Refusal>>,
    /// The last save went through and nothing was typed since.
    pub saved: RwSignal<bool>,
    pub busy: RwSignal<bool>,
}

impl Form {
    pub fn new(value: Value) -> Form {
        Form {
            doc: RwSignal::new(value),
            error: RwSignal::new(None),
            saved: RwSignal::new(false),
            busy: RwSignal::new(false),
        }
    }

    /// The value at `ptr` (tracked).
    pub fn get(&self, ptr: &str) -> Value {
        self.doc
            .with(|d| d.pointer(ptr).cloned().unwrap_or(Value::Null))
    }

    /// The value at `ptr` as text: strings as they are, numbers written out, nothing
    /// for null.
    pub fn text(&self, ptr: &str) -> String {
        doc::as_text(&self.get(ptr))
    }

    /// Sets the value at `ptr`; the form is no longer "saved".
    pub fn set(&self, ptr: &str, value: Value) {
        self.doc.update(|d| doc::set(d, ptr, value));
        self.saved.set(false);
    }

    /// Changes the document with `f`; the form is no longer "saved".
    pub fn edit(&self, f: impl FnOnce(&mut Value)) {
        self.doc.update(f);
        self.saved.set(false);
    }

    /// The number of items of the array at `ptr`, as a memo: lists re-render only when
    /// it changes, not on every keystroke in one of their fields (which would lose
    /// the focus).
    pub fn len_of(&self, ptr: impl Into<String>) -> Memo<usize> {
        let doc = self.doc;
        let ptr: String = ptr.into();
        Memo::new(move |_| {
            doc.with(|d| {
                d.pointer(&ptr)
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len)
            })
        })
    }
}

/// The [`Form`] of the page.
pub fn use_form() -> Form {
    use_context::<Form>().expect("inside a form")
}

/// The server's refusal beside the field it names: exactly `field`, or with
/// `nested` also a field under it (`evaluation` shows `evaluation.kind`).
#[component]
pub fn FieldError(field: Signal<String>, #[prop(optional)] nested: bool) -> impl IntoView {
    let form = use_form();
    let shown = move || {
        let field = field.get();
        form.error.with(|e| {
            e.as_ref()
                .filter(|e| {
                    e.field.as_deref().is_some_and(|f| {
                        f == field || (nested && f.starts_with(&format!("{field}.")))
                    })
                })
                .map(|e| e.message.clone())
        })
    };
    view! {
        {move || shown().map(|m| view! { <p class="field-error" role="alert" data-field=move || field.get()>{m}</p> })}
    }
}

/// How a text field writes into the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    /// A string, "" when empty.
    #[default]
    Text,
    /// A string, or null when empty (an optional setting).
    Optional,
    /// A whole number when it reads as one, null when empty; other text is kept as
    /// typed, for the server to refuse by field.
    Number,
    /// A list of strings, one a line.
    Lines,
    /// A list of whole numbers, comma-separated.
    Ids,
}

/// A labelled text input (or text area) bound to `path`, with its field error.
#[component]
pub fn TextField(
    #[prop(into)] path: String,
    #[prop(into)] label: String,
    /// The server's name of this field (`backend.color`); none: no error shown here.
    #[prop(into, optional)]
    field: String,
    #[prop(optional)] kind: Kind,
    #[prop(optional)] multiline: bool,
    #[prop(into, optional)] hint: String,
) -> impl IntoView {
    let form = use_form();
    let shown_of = move |value: &Value| match kind {
        Kind::Lines => doc::lines_of(value),
        Kind::Ids => doc::ids_of(value),
        _ => doc::as_text(value),
    };
    // What the admin typed, as typed: a list field must not be rewritten from its parsed
    // value while they type (the space or new line at the end would vanish at once, and
    // "gift card" would become "giftcard"). The document's value shows instead only when
    // it changed from elsewhere (loaded, reset), i.e. no longer reads as the typed text.
    let typed = StoredValue::new(shown_of(&form.get(&path)));
    let read = {
        let path = path.clone();
        move || {
            let value = form.get(&path);
            let text = typed.get_value();
            if doc::parse_as(kind, &text) == value {
                text
            } else {
                let shown = shown_of(&value);
                typed.set_value(shown.clone());
                shown
            }
        }
    };
    let write = {
        let path = path.clone();
        move |text: String| {
            typed.set_value(text.clone());
            form.set(&path, doc::parse_as(kind, &text))
        }
    };
    let input = if multiline || kind == Kind::Lines {
        let write = write.clone();
        view! {
            <textarea name=path.clone() rows="3" prop:value=read.clone()
                on:input=move |ev| write(event_target_value(&ev))></textarea>
        }
        .into_any()
    } else {
        let mode = if kind == Kind::Number {
            "numeric"
        } else {
            "text"
        };
        view! {
            <input type="text" name=path.clone() prop:value=read.clone() inputmode=mode
                on:input=move |ev| write(event_target_value(&ev)) />
        }
        .into_any()
    };
    let has_field = !field.is_empty();
    view! {
        <label class="field">
            <span class="field-label">{label}</span>
            {input}
            {(!hint.is_empty()).then(|| view! { <span class="hint">{hint}</span> })}
            {has_field.then(|| view! { <FieldError field=Signal::stored(field.clone()) /> })}
        </label>
    }
}

/// A labelled checkbox bound to a boolean at `path`.
#[component]
pub fn CheckField(#[prop(into)] path: String, #[prop(into)] label: String) -> impl IntoView {
    let form = use_form();
    let read = {
        let path = path.clone();
        move || form.get(&path).as_bool().unwrap_or(false)
    };
    let p = path.clone();
    view! {
        <label class="field check">
            <input type="checkbox" name=path prop:checked=read
                on:change=move |ev| form.set(&p, Value::Bool(event_target_checked(&ev))) />
            <span>{label}</span>
        </label>
    }
}

/// A labelled choice among `options` (value, label) bound to `path`; values that read
/// as numbers are stored as numbers, "" as null.
#[component]
pub fn SelectField(
    #[prop(into)] path: String,
    #[prop(into)] label: String,
    options: Vec<(String, String)>,
    #[prop(into, optional)] field: String,
) -> impl IntoView {
    let form = use_form();
    let p = path.clone();
    let read = {
        let path = path.clone();
        move || form.text(&path)
    };
    let has_field = !field.is_empty();
    view! {
        <label class="field">
            <span class="field-label">{label}</span>
            <select name=path prop:value=read.clone()
                on:change=move |ev| form.set(&p, doc::parse_as(Kind::Number, &event_target_value(&ev)))>
                {options.into_iter().map(|(v, l)| {
                    let selected = read() == v;
                    view! { <option value=v selected=selected>{l}</option> }
                }).collect_view()}
            </select>
            {has_field.then(|| view! { <FieldError field=Signal::stored(field.clone()) /> })}
        </label>
    }
}

/// The save button, "saved" once the server took the change, and the refusal in
/// words (also shown beside its field).
#[component]
pub fn SaveBar(on_save: Callback<()>, #[prop(into)] label: String) -> impl IntoView {
    let form = use_form();
    let wb = crate::use_wb();
    view! {
        <div class="save-bar">
            <button type="button" class="primary" name="save" disabled=move || form.busy.get()
                on:click=move |_| on_save.run(())>{label}</button>
            <Show when=move || form.saved.get()>
                <span class="saved" role="status">{wb.t("admin-saved")}</span>
            </Show>
            {move || form.error.get().map(|e| view! {
                <p class="error" role="alert">
                    {wb.t("admin-not-saved")} " " {e.field.map(|f| format!("{f}: ")).unwrap_or_default()} {e.message}
                </p>
            })}
        </div>
    }
}
