//! The less common settings, each edited as its JSON (the configuration file's table):
//! leave-message templates and their fields, ticket docking fields, customer fields,
//! VIP levels, customer tags, routing rules, evaluation and quotas. Text that is not
//! JSON of the right kind (a list, or an object) is refused here, beside the editor,
//! and never reaches the form; the server then checks the meaning and names the field.

use std::collections::BTreeSet;

use leptos::prelude::*;
use serde_json::Value;

use super::use_admin;
use crate::components::form::{FieldError, Refusal, SaveBar};
use crate::use_wb;

/// (setting, message key of its title, whether it is a list).
const SECTIONS: [(&str, &str, bool); 8] = [
    ("leave_template", "admin-more-leave", true),
    ("docking_field", "admin-more-docking", true),
    ("customer_field", "admin-more-customer-fields", true),
    ("vip_level", "admin-more-vip", true),
    ("customer_tag", "admin-more-tags", true),
    ("routing_rule", "admin-more-routing", true),
    ("evaluation", "admin-more-evaluation", false),
    ("limits", "admin-more-limits", false),
];

#[component]
pub fn MoreSection() -> impl IntoView {
    let wb = use_wb();
    let admin = use_admin();
    // The settings whose text is not JSON of their kind: while there is one, nothing
    // is saved (the form holds its last good value, which is not what is on screen).
    let broken = RwSignal::new(BTreeSet::<&'static str>::new());
    let save = Callback::new(
        move |()| match broken.with_untracked(|b| b.first().copied()) {
            Some(key) => admin.settings.error.set(Some(Refusal {
                field: Some(key.to_owned()),
                message: wb.t("admin-more-not-json"),
            })),
            None => admin.save(wb),
        },
    );
    view! {
        <p class="hint">{wb.t("admin-more-hint")}</p>
        {SECTIONS.into_iter().map(|(key, title, list)| view! { <JsonSetting key title list broken /> }).collect_view()}
        <SaveBar on_save=save label=wb.t("admin-save") />
    }
}

/// Whether `text` is JSON of the setting's kind; the reason when it is not.
pub fn check_json(text: &str, list: bool) -> Result<Value, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    match (&value, list) {
        (Value::Array(_), true) | (Value::Object(_), false) => Ok(value),
        (_, true) => Err("a list [ … ] is expected".into()),
        (_, false) => Err("an object { … } is expected".into()),
    }
}

#[component]
fn JsonSetting(
    key: &'static str,
    title: &'static str,
    list: bool,
    broken: RwSignal<BTreeSet<&'static str>>,
) -> impl IntoView {
    let wb = use_wb();
    let form = use_admin().settings;
    let initial = form.doc.with_untracked(|d| match d.get(key) {
        Some(v) if !v.is_null() => serde_json::to_string_pretty(v).unwrap_or_default(),
        _ => if list { "[]" } else { "{}" }.to_owned(),
    });
    let text = RwSignal::new(initial);
    let problem = RwSignal::new(None::<String>);
    let rows = move || text.with(|t| t.lines().count().clamp(3, 16)).to_string();
    view! {
        <section class="json-setting">
            <label class="field">
                <span class="field-label">{wb.t(title)} " (" <code>{key}</code> ")"</span>
                <textarea name=format!("/{key}") rows=rows spellcheck="false" class="code"
                    prop:value=move || text.get()
                    on:input=move |ev| {
                        let t = event_target_value(&ev);
                        match check_json(&t, list) {
                            Ok(v) => {
                                form.set(&format!("/{key}"), v);
                                problem.set(None);
                                broken.update(|b| {
                                    b.remove(key);
                                });
                            }
                            Err(e) => {
                                problem.set(Some(e));
                                broken.update(|b| {
                                    b.insert(key);
                                });
                            }
                        }
                        text.set(t);
                    }></textarea>
                {move || problem.get().map(|p| view! {
                    <p class="field-error" role="alert">{wb.t("admin-more-not-json")} " " {p}</p>
                })}
                <FieldError field=Signal::stored(key.to_owned()) nested=true />
            </label>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::check_json;

    #[test]
    fn only_json_of_the_settings_kind_is_taken() {
        assert!(check_json("[]", true).is_ok());
        assert!(check_json("{\"enabled\": true}", false).is_ok());
        assert!(check_json("{}", true).is_err());
        assert!(check_json("[", true).is_err());
        assert!(check_json("[1]", false).is_err());
    }
}
