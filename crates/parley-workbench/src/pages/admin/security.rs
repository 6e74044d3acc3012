//! Security: sign and token requirements, the sites allowed to embed the chat, the
//! token's longest life, and rotating the secret key with a grace period in which
//! links and tokens signed with the old key still work.

use leptos::prelude::*;
use serde_json::{json, Value};

use super::use_admin;
use crate::components::form::{CheckField, FieldError, Kind, SaveBar, TextField};
use crate::components::{clock, now_ms};
use crate::use_wb;

#[component]
pub fn SecuritySection() -> impl IntoView {
    let wb = use_wb();
    let admin = use_admin();
    let t = move |k: &str| wb.t(k);
    view! {
        <CheckField path="/security/sign_required" label=t("admin-sign-required") />
        <CheckField path="/security/token_required" label=t("admin-token-required") />
        <TextField path="/security/allowed_origins" label=t("admin-origins") kind=Kind::Lines
            field="security.allowed_origins" hint=t("admin-origins-hint") />
        <TextField path="/security/token_max_ttl_secs" label=t("admin-token-ttl") kind=Kind::Number
            field="security.token_max_ttl_secs" />
        <SaveBar on_save=admin.save_callback(wb) label=t("admin-save") />
        <KeyRotation />
    }
}

/// A new key (typed, or 128 random bits from the browser's cryptographic generator),
/// and how long the old one keeps working.
#[component]
fn KeyRotation() -> impl IntoView {
    let wb = use_wb();
    let admin = use_admin();
    let form = admin.settings;
    let t = move |k: &str| wb.t(k);
    let key = RwSignal::new(String::new());
    let grace = RwSignal::new("1440".to_owned());
    let rotated = RwSignal::new(false);
    let generate = move |_| {
        let mut bytes = [0u8; 16];
        let ok = web_sys::window()
            .and_then(|w| w.crypto().ok())
            .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
        if ok {
            key.set(crate::doc::hex_key(&bytes));
        }
    };
    let rotate = move |_| {
        let new_key = key.get_untracked().trim().to_owned();
        let minutes: i64 = grace.get_untracked().trim().parse().unwrap_or(0);
        let until = now_ms() / 1000 + minutes * 60;
        rotated.set(false);
        admin.save_with(
            wb,
            move |d| {
                d["secret_key"] = Value::String(new_key);
                // The new key lives in the settings; one kept in the environment or a
                // file is replaced by it.
                d["secret_key_env"] = Value::Null;
                d["secret_key_file"] = Value::Null;
                d["previous_key_until"] = if minutes > 0 {
                    json!(until)
                } else {
                    Value::Null
                };
            },
            admin.passwords.get_untracked(),
            move || {
                key.set(String::new());
                rotated.set(true);
            },
        );
    };
    let end_grace = move |_| {
        let now = now_ms() / 1000 - 1;
        admin.save_with(
            wb,
            move |d| d["previous_key_until"] = json!(now),
            admin.passwords.get_untracked(),
            || {},
        );
    };
    let until = move || form.get("/previous_key_until").as_i64();
    let grace_text = move || {
        until().map(|u| {
            let running = u * 1000 > now_ms();
            let key = if running {
                "admin-grace-until"
            } else {
                "admin-grace-over"
            };
            (
                wb.t(key).replace("{ $time }", &clock(u * 1000, true)),
                running,
            )
        })
    };
    view! {
        <fieldset class="rotation">
            <legend>{t("admin-rotate-title")}</legend>
            <p class="hint">{t("admin-rotate-hint")}</p>
            <div class="row">
                <label class="field">
                    <span class="field-label">{t("admin-new-key")}</span>
                    <input type="text" name="new-key" autocomplete="off" spellcheck="false"
                        prop:value=move || key.get() on:input=move |ev| key.set(event_target_value(&ev)) />
                </label>
                <label class="field">
                    <span class="field-label">{t("admin-grace-minutes")}</span>
                    <input type="text" inputmode="numeric" name="grace-minutes"
                        prop:value=move || grace.get() on:input=move |ev| grace.set(event_target_value(&ev)) />
                </label>
            </div>
            <FieldError field=Signal::stored("secret_key".to_owned()) />
            <FieldError field=Signal::stored("previous_key_until".to_owned()) />
            <div class="buttons">
                <button type="button" on:click=generate>{t("admin-generate-key")}</button>
                <button type="button" class="primary" name="rotate" on:click=rotate>{t("admin-rotate")}</button>
            </div>
            <Show when=move || rotated.get()>
                <p class="saved" role="status">{t("admin-rotated")}</p>
            </Show>
            {move || grace_text().map(|(text, running)| view! {
                <p class="grace" role="status">{text}</p>
                {running.then(|| view! {
                    <button type="button" name="end-grace" on:click=end_grace>{t("admin-end-grace")}</button>
                })}
            })}
        </fieldset>
    }
}
