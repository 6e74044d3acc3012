//! The leave-message form: one component for the standalone page, the ticket plug-in
//! page and the PC chat page (`LeavePanel`), which embeds it when the visitor picks
//! "leave a message", when a chat ends (`msg_flag`) or when no agent is online.
//!
//! What the visitor types is never lost: every change is kept as a draft in local
//! storage (restored on the next visit, cleared only after a successful submission),
//! and a refused submission leaves every input as it was. Fields are checked here with
//! the same [`validate_form`] the server runs; the server's problems (including the
//! attachment checks only it can do) come back with the same codes and are shown the
//! same way. The rules themselves (draft, submission, picked files, problem names) are
//! plain data in [`crate::model::leave_form`], tested on the host.

use leptos::prelude::*;
use parley_protocol::params::FieldMap;
use parley_protocol::ticket::{
    validate_form, AttachmentRules, ContactRule, FieldKind, FieldProblem, NewAttachment,
    TemplateField, TemplateView, TicketView,
};
use parley_protocol::Locale;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::i18n::{t, t_args};
use crate::model::leave_form::{
    admit_file, forget_field, human_size, is_attachment_problem, problem_file_name, problem_text,
    Admit, Draft,
};
use crate::storage::local;
use crate::ticket_api::{self, SubmitError};

/// The kept draft, if any (unreadable drafts count as none).
pub fn load_draft(key: &str) -> Option<Draft> {
    let text = local()?.get_item(key).ok().flatten()?;
    serde_json::from_str(&text).ok()
}

/// Keeps `draft` under `key`; an empty draft removes the key.
fn save_draft(key: &str, draft: &Draft) {
    let Some(storage) = local() else { return };
    if draft.is_empty() {
        let _ = storage.remove_item(key);
    } else if let Ok(text) = serde_json::to_string(draft) {
        let _ = storage.set_item(key, &text);
    }
}

/// A file the visitor picked, read as a data URL.
#[derive(Debug, Clone, PartialEq)]
struct Picked {
    file: NewAttachment,
    size: u64,
}

/// The leave-message form, from the template's guidance to the success screen.
///
/// To embed it in the chat page (menu entry `leave_msg_flag`, `msg_flag` after a chat
/// ends, "no agent online"): load the template with
/// [`crate::ticket_api::template`]`(sysnum, templateid, locale)` in a `LocalResource`,
/// then render
/// `<LeaveMessageForm template locale token=session.session_token query
/// draft_key=draft_key(sysnum, &template.id) on_submitted=… />`: the ticket endpoints
/// accept the chat session of the same visitor, and `query` (the chat page's own)
/// carries `groupid` and `params` to the ticket.
#[component]
pub fn LeaveMessageForm(
    /// The template to show, as `/api/ticket/session` or `/api/ticket/template` returned it.
    template: TemplateView,
    /// The language of every label and message.
    locale: Locale,
    /// A bearer token of this visitor: a ticket page session or the chat's session.
    token: String,
    /// The page's raw query string; the server re-reads `templateid`, `groupid` and
    /// `params` (docking fields) from it when the ticket is stored.
    query: String,
    /// Where the draft is kept in local storage ([`crate::model::leave_form::draft_key`]
    /// of the tenant and template).
    draft_key: String,
    /// Called with the new ticket after a successful submission (to refresh a list,
    /// close a panel, …). The form shows its own success screen either way.
    #[prop(optional, into)]
    on_submitted: Option<Callback<TicketView>>,
) -> impl IntoView {
    let kept = load_draft(&draft_key);
    let restored = kept.is_some();
    let kept = kept.unwrap_or_default();
    let content = RwSignal::new(kept.content);
    let fields = RwSignal::new(kept.fields);
    let tel = RwSignal::new(kept.tel);
    let email = RwSignal::new(kept.email);
    let files = RwSignal::new(Vec::<Picked>::new());
    let reading = RwSignal::new(0usize);
    let problems = RwSignal::new(Vec::<FieldProblem>::new());
    let failure = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<TicketView>);
    let show_restored = RwSignal::new(restored);
    let draft = move || Draft {
        content: content.get(),
        fields: fields.get(),
        tel: tel.get(),
        email: email.get(),
    };

    // Keeping the draft in local storage is syncing with the outside world, which is
    // what effects are for.
    Effect::new({
        let key = draft_key.clone();
        move |_| save_draft(&key, &draft())
    });

    let template = StoredValue::new(template);
    let collect = move || {
        let attachments = files.get_untracked().into_iter().map(|p| p.file).collect();
        untrack(draft).submission(&query, attachments)
    };

    // Sending is a spawned task with a `sending` flag rather than an `Action`: the form
    // sends one thing at a time and reacts once, and an Action's machinery cost bundle
    // bytes for nothing here.
    let sending = RwSignal::new(false);
    let finish = move |result: Result<TicketView, SubmitError>| match result {
        Ok(ticket) => {
            content.set(String::new());
            fields.set(FieldMap::new());
            tel.set(String::new());
            email.set(String::new());
            files.set(Vec::new());
            problems.set(Vec::new());
            failure.set(None);
            show_restored.set(false);
            save_draft(&draft_key, &Draft::default());
            if let Some(cb) = on_submitted {
                cb.run(ticket.clone());
            }
            done.set(Some(ticket));
        }
        Err(SubmitError::Refused(list)) => {
            problems.set(list);
            failure.set(Some(t(locale, "leave-fix-errors")));
            focus_first_invalid();
        }
        Err(SubmitError::Call(_)) => failure.set(Some(t(locale, "leave-error-submit"))),
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() || reading.get_untracked() > 0 {
            return;
        }
        let form = collect();
        let found = template.with_value(|t| validate_form(t, &form));
        if found.is_empty() {
            problems.set(Vec::new());
            failure.set(None);
            sending.set(true);
            let token = token.clone();
            let finish = finish.clone();
            leptos::task::spawn_local(async move {
                let result = ticket_api::submit(&token, &form).await;
                sending.set(false);
                finish(result);
            });
        } else {
            problems.set(found);
            failure.set(Some(t(locale, "leave-fix-errors")));
            focus_first_invalid();
        }
    };

    // A field's problem disappears as soon as the visitor edits it.
    let forget = move |field: &str| problems.update(|list| forget_field(list, field));
    let guidance = template.with_value(|t| t.guidance.clone());
    let field_views = template.with_value(|t| {
        t.fields
            .iter()
            .cloned()
            .map(|f| field_view(f, locale, fields, problems, forget))
            .collect_view()
    });
    let (tel_rule, email_rule) = template.with_value(|t| (t.tel, t.email));
    let content_required = template.with_value(|t| t.content_required);
    let rules = template.with_value(|t| t.attachments.clone());

    view! {
        <div class="leave-form-wrap">
            <LeaveSuccess done locale />
                <form class="leave-form" novalidate hidden=move || done.with(Option::is_some) on:submit=on_submit>
                    {(!guidance.is_empty()).then(|| view! { <p class="leave-guidance">{guidance.clone()}</p> })}
                    <p class="notice leave-restored" role="status" hidden=move || !show_restored.get()>
                        {t(locale, "leave-draft-restored")}
                    </p>
                    <div class="leave-field">
                        <label for="leave-content">
                            {t(locale, "leave-content-label")}
                            {content_required.then(|| view! { <span class="req" aria-hidden="true">" *"</span> })}
                        </label>
                        <textarea
                            id="leave-content"
                            rows="5"
                            required=content_required
                            placeholder=t(locale, "leave-content-placeholder")
                            aria-invalid=invalid_flag(problems, "content".into())
                            aria-describedby="leave-error-content"
                            prop:value=move || content.get()
                            on:input=move |ev| {
                                content.set(event_target_value(&ev));
                                forget("content");
                            }
                        ></textarea>
                        <p class="field-error" id="leave-error-content" role="alert">{error_text(problems, locale, "content".into())}</p>
                    </div>
                    {field_views}
                    {contact_view("tel", tel_rule, locale, tel, problems, forget)}
                    {contact_view("email", email_rule, locale, email, problems, forget)}
                    {(rules.max_count > 0).then(|| view! { <AttachmentsField rules locale files reading problems /> })}
                    <p class="leave-failure" role="alert">{move || failure.get().unwrap_or_default()}</p>
                    <button type="submit" class="primary" disabled=move || { sending.get() || reading.get() > 0 }>
                        {move || if sending.get() { t(locale, "leave-submitting") } else { t(locale, "leave-submit") }}
                    </button>
                </form>
        </div>
    }
}

/// The screen after a successful submission: the ticket number, and a button back to
/// an empty form.
#[component]
fn LeaveSuccess(
    /// The stored ticket; `None` hides the screen (and shows the form).
    done: RwSignal<Option<TicketView>>,
    /// The language of the texts.
    locale: Locale,
) -> impl IntoView {
    view! {
        <section class="leave-success" role="status" hidden=move || done.with(Option::is_none)>
            <h2>{t(locale, "leave-success-title")}</h2>
            <p class="ticket-number">
                {move || done.with(|d| d.as_ref().map(|t| t_args(locale, "leave-ticket-number", &[("number", &t.number.to_string())])))}
            </p>
            <p>{t(locale, "leave-success-body")}</p>
            <button type="button" class="secondary" on:click=move |_| done.set(None)>
                {t(locale, "leave-new-message")}
            </button>
        </section>
    }
}

/// The file input with the picked files (each removable) and the attachment problems:
/// files past the template's count or size are refused at once, by name.
#[component]
fn AttachmentsField(
    /// The template's limits and accepted kinds of files.
    rules: AttachmentRules,
    /// The language of the texts.
    locale: Locale,
    /// The files picked and read so far.
    files: RwSignal<Vec<Picked>>,
    /// How many picked files are still being read (the form waits for them).
    reading: RwSignal<usize>,
    /// The form's problems; this field adds and clears the attachment ones.
    problems: RwSignal<Vec<FieldProblem>>,
) -> impl IntoView {
    let (max_count, max_bytes) = (rules.max_count, rules.max_bytes);
    let clear_problems = move || problems.update(|l| l.retain(|p| !is_attachment_problem(p)));
    let on_files = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(list) = input.files() else { return };
        clear_problems();
        for i in 0..list.length() {
            let Some(file) = list.get(i) else { continue };
            let size = file.size() as u64;
            let held = files.with_untracked(Vec::len) + reading.get_untracked();
            match admit_file(held, &file.name(), size, max_count, max_bytes) {
                Admit::Read => read_file(file, size, files, reading),
                Admit::Skip(p) => problems.update(|l| l.push(p)),
                Admit::Stop(p) => {
                    problems.update(|l| l.push(p));
                    break;
                }
            }
        }
        // Clearing the input lets the visitor pick the same file again after removing it.
        input.set_value("");
    };
    let hint = t_args(
        locale,
        "leave-attachments-hint",
        &[
            ("count", &max_count.to_string()),
            ("size", &human_size(max_bytes)),
        ],
    );
    let file_problems = move || {
        let names: Vec<String> =
            files.with_untracked(|f| f.iter().map(|p| p.file.name.clone()).collect());
        problems.with(|list| {
            list.iter()
                .filter(|p| is_attachment_problem(p))
                .map(|p| problem_text(locale, p, problem_file_name(&p.field, &names).as_deref()))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="leave-field">
            <label for="leave-files">{t(locale, "leave-attachments-label")}</label>
            <input id="leave-files" type="file" multiple accept=rules.accept() on:change=on_files />
            <p class="hint">{hint}</p>
            <ul class="leave-files">
                {move || files.get().into_iter().enumerate().map(|(i, p)| view! {
                    <li>
                        <span class="file-name">{p.file.name}</span>
                        " "
                        <span class="file-size">{human_size(p.size)}</span>
                        " "
                        <button type="button" class="link" on:click=move |_| {
                            files.update(|f| { if i < f.len() { f.remove(i); } });
                            clear_problems();
                        }>{t(locale, "leave-remove-file")}</button>
                    </li>
                }).collect_view()}
            </ul>
            <ul class="field-error files-errors" role="alert">
                {move || file_problems().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
            </ul>
        </div>
    }
}

/// The localized message of `field`'s problem (empty when it has none). Every field's
/// message comes from this one function, so they share one closure type: each distinct
/// reactive closure in a view adds its own rendering code to the bundle.
fn error_text(
    problems: RwSignal<Vec<FieldProblem>>,
    locale: Locale,
    field: String,
) -> impl Fn() -> String + Clone + Send + Sync + 'static {
    move || {
        problems.with(|l| {
            l.iter()
                .find(|p| p.field == field)
                .map(|p| problem_text(locale, p, None))
                .unwrap_or_default()
        })
    }
}

/// `aria-invalid` of `field`, shared the same way as [`error_text`].
fn invalid_flag(
    problems: RwSignal<Vec<FieldProblem>>,
    field: String,
) -> impl Fn() -> &'static str + Clone + Send + Sync + 'static {
    move || {
        if problems.with(|l| l.iter().any(|p| p.field == field)) {
            "true"
        } else {
            "false"
        }
    }
}

/// Moves focus to the first field marked invalid, so keyboard and screen-reader users
/// land on what needs fixing.
fn focus_first_invalid() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    // The marks are set by the next render; wait for it.
    let f = Closure::once_into_js(move || {
        if let Ok(Some(el)) = document.query_selector("[aria-invalid=true]") {
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(f.unchecked_ref(), 0);
    }
}

/// Reads a picked file as a data URL (the browser does the base64) and adds it.
fn read_file(
    file: web_sys::File,
    size: u64,
    files: RwSignal<Vec<Picked>>,
    reading: RwSignal<usize>,
) {
    let Ok(reader) = web_sys::FileReader::new() else {
        return;
    };
    reading.update(|n| *n += 1);
    let name = file.name();
    let content_type = file.type_();
    let on_end = Closure::once_into_js({
        let reader = reader.clone();
        move || {
            reading.update(|n| *n = n.saturating_sub(1));
            if let Some(data) = reader.result().ok().and_then(|r| r.as_string()) {
                files.update(|f| {
                    f.push(Picked {
                        file: NewAttachment {
                            name,
                            content_type,
                            data_base64: data,
                        },
                        size,
                    })
                });
            }
        }
    });
    reader.set_onloadend(Some(on_end.unchecked_ref()));
    if reader.read_as_data_url(&file).is_err() {
        reading.update(|n| *n = n.saturating_sub(1));
    }
}

/// One custom field of the template.
fn field_view(
    field: TemplateField,
    locale: Locale,
    fields: RwSignal<FieldMap>,
    problems: RwSignal<Vec<FieldProblem>>,
    forget: impl Fn(&str) + Copy + 'static,
) -> impl IntoView {
    let key = field.key.clone();
    let id = format!("leave-field-{key}");
    let error_id = format!("leave-error-{key}");
    let value = {
        let key = key.clone();
        move || fields.with(|f| f.get(&key).cloned().unwrap_or_default())
    };
    let on_input = {
        let key = key.clone();
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            fields.update(|f| {
                f.insert(key.clone(), v);
            });
            forget(&key);
        }
    };
    let error = error_text(problems, locale, key.clone());
    let invalid = invalid_flag(problems, key.clone());
    let input = match field.kind {
        FieldKind::Textarea => view! {
            <textarea id=id.clone() rows="3" required=field.required aria-invalid=invalid.clone()
                aria-describedby=error_id.clone() prop:value=value on:input=on_input></textarea>
        }
        .into_any(),
        FieldKind::Select => {
            let options = field
                .options
                .iter()
                .map(|o| view! { <option value=o.clone()>{o.clone()}</option> })
                .collect_view();
            view! {
                <select id=id.clone() required=field.required aria-invalid=invalid.clone()
                    aria-describedby=error_id.clone() prop:value=value on:change=on_input>
                    <option value="">{t(locale, "leave-select-placeholder")}</option>
                    {options}
                </select>
            }
            .into_any()
        }
        kind => {
            let (ty, mode) = match kind {
                FieldKind::Date => ("date", "text"),
                // A text input keeps exactly what was typed (a number input may turn
                // "1,5" into nothing in some locales), and the keyboard is numeric.
                FieldKind::Number => ("text", "decimal"),
                _ => ("text", "text"),
            };
            view! {
                <input id=id.clone() type=ty inputmode=mode required=field.required
                    aria-invalid=invalid.clone() aria-describedby=error_id.clone()
                    prop:value=value on:input=on_input />
            }
            .into_any()
        }
    };
    view! {
        <div class="leave-field">
            <label for=id>
                {field.label.clone()}
                {field.required.then(|| view! { <span class="req" aria-hidden="true">" *"</span> })}
            </label>
            {input}
            <p class="field-error" id=error_id role="alert">{error}</p>
        </div>
    }
}

/// The phone or e-mail input, when the template shows it.
fn contact_view(
    which: &'static str,
    rule: ContactRule,
    locale: Locale,
    value: RwSignal<String>,
    problems: RwSignal<Vec<FieldProblem>>,
    forget: impl Fn(&str) + Copy + 'static,
) -> Option<impl IntoView> {
    if rule == ContactRule::Hidden {
        return None;
    }
    let required = rule == ContactRule::Required;
    let (ty, mode, label) = if which == "tel" {
        ("tel", "tel", t(locale, "leave-tel-label"))
    } else {
        ("email", "email", t(locale, "leave-email-label"))
    };
    let id = format!("leave-{which}");
    let error_id = format!("leave-error-{which}");
    let invalid = invalid_flag(problems, which.into());
    let error = error_text(problems, locale, which.into());
    Some(view! {
        <div class="leave-field">
            <label for=id.clone()>
                {label}
                {required.then(|| view! { <span class="req" aria-hidden="true">" *"</span> })}
            </label>
            <input id=id type=ty inputmode=mode required=required autocomplete=which
                aria-invalid=invalid aria-describedby=error_id.clone()
                prop:value=move || value.get()
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    forget(which);
                } />
            <p class="field-error" id=error_id role="alert">{error}</p>
        </div>
    })
}
