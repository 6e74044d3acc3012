//! Reception: who answers first (bot, agents), which bot, the greetings per language,
//! what visitors see when nobody is online, after how many unknown answers the bot
//! offers an agent, and when an idle visitor's chat ends.

use leptos::prelude::*;

use super::use_admin;
use crate::components::form::{Kind, SaveBar, SelectField, TextField};
use crate::use_wb;

/// The greeting languages always offered: the catch-all and the two the demo speaks.
const GREETING_LANGS: [&str; 3] = ["default", "en", "zh"];

#[component]
pub fn ReceptionSection() -> impl IntoView {
    let wb = use_wb();
    let admin = use_admin();
    let form = admin.settings;
    let t = move |k: &str| wb.t(k);
    let types = vec![
        (String::new(), t("admin-default")),
        ("1".to_owned(), t("admin-reception-bot-only")),
        ("2".to_owned(), t("admin-reception-agent-only")),
        ("3".to_owned(), t("admin-reception-bot-first")),
        ("4".to_owned(), t("admin-reception-agent-first")),
    ];
    // Every language the settings greet in, the usual ones first; a new one is added
    // by its code.
    let langs = RwSignal::new(Vec::<String>::new());
    let extra = form.doc.with_untracked(|d| {
        d["greeting"]
            .as_object()
            .map(|m| m.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
    });
    langs.set(
        GREETING_LANGS
            .iter()
            .map(|s| (*s).to_owned())
            .chain(
                extra
                    .into_iter()
                    .filter(|k| !GREETING_LANGS.contains(&k.as_str())),
            )
            .collect(),
    );
    let new_lang = RwSignal::new(String::new());
    view! {
        <SelectField path="/backend/reception_type" label=t("admin-reception-type") options=types
            field="backend.reception_type" />
        <TextField path="/backend/robotid" label=t("admin-robotid") kind=Kind::Number field="backend.robotid" />
        <TextField path="/backend/groupid" label=t("admin-groupid") kind=Kind::Optional field="backend.groupid" />
        <h3>{t("admin-greetings")}</h3>
        <p class="hint">{t("admin-greetings-hint")}</p>
        {move || langs.get().into_iter().map(|l| view! {
            <TextField path=format!("/greeting/{l}") label=l.clone() kind=Kind::Optional multiline=true />
        }).collect_view()}
        <div class="inline">
            <input type="text" aria-label=t("admin-language-code") placeholder="ja" prop:value=move || new_lang.get()
                on:input=move |ev| new_lang.set(event_target_value(&ev)) />
            <button type="button" on:click=move |_| {
                let code = new_lang.get_untracked().trim().to_owned();
                if !code.is_empty() && !langs.get_untracked().contains(&code) {
                    langs.update(|l| l.push(code));
                }
                new_lang.set(String::new());
            }>{t("admin-add-language")}</button>
        </div>
        <TextField path="/backend/robot_hello_word" label=t("admin-robot-hello") kind=Kind::Optional />
        <TextField path="/backend/agent_hello_word" label=t("admin-agent-hello") kind=Kind::Optional />
        <TextField path="/backend/agent_offline_title" label=t("admin-offline-title") kind=Kind::Optional
            field="backend.agent_offline_title" />
        <TextField path="/backend/manual_after_unknown" label=t("admin-manual-after-unknown") kind=Kind::Number
            field="backend.manual_after_unknown" />
        <TextField path="/backend/visitor_idle_minutes" label=t("admin-idle-minutes") kind=Kind::Number
            field="backend.visitor_idle_minutes" />
        <SaveBar on_save=admin.save_callback(wb) label=t("admin-save") />
    }
}
