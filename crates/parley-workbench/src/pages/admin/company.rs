//! Company and branding: the name visitors see, the colour, the default language, the
//! invitation picture (the logo pages show) and the launcher's text. Agents' avatars
//! are set per agent (the agents section) and previewed here.

use leptos::prelude::*;
use serde_json::Value;

use super::use_admin;
use crate::components::form::{FieldError, Kind, SaveBar, SelectField, TextField};
use crate::use_wb;

#[component]
pub fn CompanySection() -> impl IntoView {
    let wb = use_wb();
    let admin = use_admin();
    let t = move |k: &str| wb.t(k);
    let locales: Vec<(String, String)> = std::iter::once((String::new(), t("admin-default")))
        .chain(
            parley_protocol::Locale::ALL
                .iter()
                .map(|l| (l.code().to_owned(), l.code().to_owned())),
        )
        .collect();
    view! {
        <TextField path="/company_name" label=t("admin-company-name") field="company_name" />
        <ColorField />
        <SelectField path="/default_locale" label=t("admin-default-locale") options=locales field="default_locale" />
        <TextField path="/backend/invite_imgsrc" label=t("admin-logo") kind=Kind::Optional
            field="backend.invite_imgsrc" hint=t("admin-url-hint") />
        <TextField path="/backend/launcher_text" label=t("admin-launcher-text") kind=Kind::Optional
            field="backend.launcher_text" />
        <Avatars />
        <SaveBar on_save=admin.save_callback(wb) label=t("admin-save") />
    }
}

/// The colour as six hex digits (the spec's form, no `#`), with a colour picker that
/// writes the same field. A value that is not a colour stays as typed for the server
/// to refuse; the picker then shows black.
#[component]
fn ColorField() -> impl IntoView {
    let wb = use_wb();
    let form = use_admin().settings;
    let text = move || form.text("/backend/color");
    let picker = move || {
        let t = text();
        if t.len() == 6 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            format!("#{t}")
        } else {
            "#000000".to_owned()
        }
    };
    let write = move |v: String| {
        let v = v.trim().trim_start_matches('#').to_owned();
        form.set(
            "/backend/color",
            if v.is_empty() {
                Value::Null
            } else {
                Value::String(v)
            },
        );
    };
    view! {
        <div class="field">
            <label class="field-label" for="admin-color">{wb.t("admin-color")}</label>
            <div class="color-row">
                <input type="color" aria-label=wb.t("admin-color-picker") prop:value=picker
                    on:input=move |ev| write(event_target_value(&ev)) />
                <input type="text" id="admin-color" name="/backend/color" prop:value=text
                    placeholder="04babc" on:input=move |ev| write(event_target_value(&ev)) />
                <span class="swatch" style=move || format!("background:{}", picker())></span>
            </div>
            <FieldError field=Signal::stored("backend.color".to_owned()) />
        </div>
    }
}

/// Each agent's avatar as visitors see it beside their messages.
#[component]
fn Avatars() -> impl IntoView {
    let wb = use_wb();
    let form = use_admin().settings;
    let agents = move || {
        form.get("/agent")
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|a| {
                let name = a["name"].as_str().unwrap_or_default().to_owned();
                let avatar = a["avatar"].as_str().map(str::to_owned);
                let initial = name.chars().next().unwrap_or('?').to_string();
                view! {
                    <li class="avatar-item">
                        {match avatar {
                            Some(url) => view! { <img class="avatar" src=url alt="" /> }.into_any(),
                            None => view! { <span class="avatar">{initial}</span> }.into_any(),
                        }}
                        <span>{name}</span>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <h3>{wb.t("admin-avatars")}</h3>
        <p class="hint">{wb.t("admin-avatars-hint")}</p>
        <ul class="avatars">{agents}</ul>
    }
}
