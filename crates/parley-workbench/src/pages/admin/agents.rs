//! Agents: add one with a password, disable or enable, reset a password, and set
//! capacity, groups, avatar and role. Passwords go to the server with the save and are
//! hashed there; the page never sees a hash.

use leptos::prelude::*;
use serde_json::{json, Value};

use super::use_admin;
use crate::components::form::{CheckField, FieldError, Kind, SaveBar, SelectField, TextField};
use crate::use_wb;

#[component]
pub fn AgentsSection() -> impl IntoView {
    let wb = use_wb();
    let admin = use_admin();
    let form = admin.settings;
    let t = move |k: &str| wb.t(k);
    let count = form.len_of("/agent");
    view! {
        <FieldError field=Signal::stored("agent".to_owned()) />
        {move || (0..count.get()).map(|i| view! { <AgentEditor i /> }).collect_view()}
        <SaveBar on_save=admin.save_callback(wb) label=t("admin-save") />
        <NewAgent />
    }
}

#[component]
fn AgentEditor(i: usize) -> impl IntoView {
    let wb = use_wb();
    let admin = use_admin();
    let form = admin.settings;
    let t = move |k: &str| wb.t(k);
    let base = format!("/agent/{i}");
    let id = {
        let base = base.clone();
        Signal::derive(move || form.text(&format!("{base}/id")))
    };
    let roles = vec![
        ("agent".to_owned(), t("admin-role-agent")),
        ("admin".to_owned(), t("admin-role-admin")),
    ];
    let groups = move || {
        form.get("/group")
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|g| g["id"].as_str().map(str::to_owned))
            .collect::<Vec<_>>()
    };
    let groups_ptr = format!("{base}/groups");
    let member = {
        let groups_ptr = groups_ptr.clone();
        move |g: &str| {
            form.get(&groups_ptr)
                .as_array()
                .is_some_and(|gs| gs.iter().any(|x| x == g))
        }
    };
    let toggle = move |g: String, on: bool| {
        let groups_ptr = groups_ptr.clone();
        form.edit(move |d| {
            let mut list: Vec<Value> = d
                .pointer(&groups_ptr)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            list.retain(|x| x != &g);
            if on {
                list.push(Value::String(g));
            }
            crate::doc::set(d, &groups_ptr, Value::Array(list));
        })
    };
    let password = RwSignal::new(String::new());
    let password_field = Signal::derive(move || format!("agent.{}.password", id.get()));
    view! {
        <fieldset class="agent-editor" data-agent=move || id.get()>
            <legend>{move || id.get()}</legend>
            <FieldError field=Signal::derive(move || format!("agent.{}", id.get())) />
            <div class="row">
                <TextField path=format!("{base}/name") label=t("admin-name") />
                <SelectField path=format!("{base}/role") label=t("admin-role") options=roles />
                <TextField path=format!("{base}/capacity") label=t("admin-capacity") kind=Kind::Number />
            </div>
            <TextField path=format!("{base}/avatar") label=t("admin-avatar") kind=Kind::Optional hint=t("admin-url-hint") />
            <fieldset class="checks">
                <legend>{t("admin-agent-groups")}</legend>
                {move || groups().into_iter().map(|g| {
                    let checked = member(&g);
                    let toggle = toggle.clone();
                    let g2 = g.clone();
                    view! {
                        <label class="check">
                            <input type="checkbox" prop:checked=checked
                                on:change=move |ev| toggle(g2.clone(), event_target_checked(&ev)) />
                            {g}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <CheckField path=format!("{base}/disabled") label=t("admin-disabled") />
            <div class="inline">
                <input type="password" autocomplete="new-password" aria-label=t("admin-new-password")
                    placeholder=t("admin-new-password") prop:value=move || password.get()
                    on:input=move |ev| {
                        let pw = event_target_value(&ev);
                        password.set(pw.clone());
                        let id = id.get_untracked();
                        admin.passwords.update(|p| {
                            if pw.is_empty() {
                                p.remove(&id);
                            } else {
                                p.insert(id, pw);
                            }
                        });
                        form.saved.set(false);
                    } />
                <span class="hint">{t("admin-password-hint")}</span>
            </div>
            <FieldError field=password_field />
        </fieldset>
    }
}

/// Adds an agent with a password in one save; refused, the new agent is not kept in
/// the form but its inputs keep what was typed, with the server's reason beside them.
#[component]
fn NewAgent() -> impl IntoView {
    let wb = use_wb();
    let admin = use_admin();
    let t = move |k: &str| wb.t(k);
    let id = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let added = RwSignal::new(false);
    let add = move |_| {
        let new_id = id.get_untracked().trim().to_owned();
        let agent = json!({
            "id": new_id, "name": name.get_untracked().trim(), "password_hash": "",
            "groups": [], "capacity": 5, "role": "agent"
        });
        let mut passwords = admin.passwords.get_untracked();
        passwords.insert(new_id, password.get_untracked());
        added.set(false);
        admin.save_with(
            wb,
            move |d| match d.get_mut("agent").and_then(Value::as_array_mut) {
                Some(agents) => agents.push(agent),
                None => d["agent"] = json!([agent]),
            },
            passwords,
            move || {
                id.set(String::new());
                name.set(String::new());
                password.set(String::new());
                added.set(true);
            },
        );
    };
    let input = move |sig: RwSignal<String>, label: String, kind: &'static str, n: &'static str| {
        view! {
            <label class="field">
                <span class="field-label">{label}</span>
                <input type=kind name=n autocomplete="off" prop:value=move || sig.get()
                    on:input=move |ev| sig.set(event_target_value(&ev)) />
            </label>
        }
    };
    view! {
        <fieldset class="new-agent">
            <legend>{t("admin-add-agent")}</legend>
            <div class="row">
                {input(id, t("admin-login-name"), "text", "new-agent-id")}
                {input(name, t("admin-name"), "text", "new-agent-name")}
                {input(password, t("admin-password"), "password", "new-agent-password")}
            </div>
            <FieldError field=Signal::derive(move || format!("agent.{}", id.get().trim())) />
            <FieldError field=Signal::derive(move || format!("agent.{}.password", id.get().trim())) />
            <button type="button" class="primary" name="add-agent" on:click=add>{t("admin-add-agent")}</button>
            <Show when=move || added.get()>
                <span class="saved" role="status">{t("admin-agent-added")}</span>
            </Show>
        </fieldset>
    }
}
