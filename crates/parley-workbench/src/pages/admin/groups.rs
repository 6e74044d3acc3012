//! Skill groups and their working hours: weekdays (1 = Monday … 7 = Sunday) and
//! "HH:MM" spans in the group's IANA time zone (or, in older settings, at a fixed UTC
//! offset), holidays (local dates), or closed whatever the hours say. The server checks
//! the zone's name; the page never needs the zone database.

use leptos::prelude::*;
use serde_json::{json, Value};

use super::use_admin;
use crate::components::form::{CheckField, FieldError, Kind, SaveBar, TextField};
use crate::use_wb;

#[component]
pub fn GroupsSection() -> impl IntoView {
    let wb = use_wb();
    let admin = use_admin();
    let form = admin.settings;
    let t = move |k: &str| wb.t(k);
    let count = form.len_of("/group");
    let add = move |_| {
        form.edit(|d| {
            let n = d["group"].as_array().map_or(0, Vec::len) + 1;
            let group = json!({"id": format!("group{n}"), "name": "", "hours": []});
            match d.get_mut("group").and_then(Value::as_array_mut) {
                Some(groups) => groups.push(group),
                None => d["group"] = json!([group]),
            }
        })
    };
    view! {
        <p class="hint">{t("admin-groups-hint")}</p>
        <FieldError field=Signal::stored("group".to_owned()) />
        {move || (0..count.get()).map(|i| view! { <GroupEditor i /> }).collect_view()}
        <button type="button" on:click=add>{t("admin-add-group")}</button>
        <SaveBar on_save=admin.save_callback(wb) label=t("admin-save") />
    }
}

#[component]
fn GroupEditor(i: usize) -> impl IntoView {
    let wb = use_wb();
    let form = use_admin().settings;
    let t = move |k: &str| wb.t(k);
    let base = format!("/group/{i}");
    let id = {
        let base = base.clone();
        move || form.text(&format!("{base}/id"))
    };
    let hours_ptr = format!("{base}/hours");
    let hours = form.len_of(hours_ptr.clone());
    let add_hours = {
        let hours_ptr = hours_ptr.clone();
        move |_| {
            let at = format!("{hours_ptr}/{}", hours.get_untracked());
            if hours.get_untracked() == 0 {
                form.set(&hours_ptr, json!([]));
            }
            form.set(
                &at,
                json!({"days": [1, 2, 3, 4, 5], "from": "09:00", "to": "18:00"}),
            );
        }
    };
    let remove = move |_| {
        form.edit(|d| {
            if let Some(groups) = d["group"].as_array_mut() {
                if i < groups.len() {
                    groups.remove(i);
                }
            }
        })
    };
    let error_field = Signal::derive({
        let id = id.clone();
        move || format!("group.{}", id())
    });
    view! {
        <fieldset class="group-editor">
            <legend>{id.clone()}</legend>
            <FieldError field=error_field />
            <div class="row">
                <TextField path=format!("{base}/id") label=t("admin-id") />
                <TextField path=format!("{base}/name") label=t("admin-name") />
                <TextField path=format!("{base}/time_zone") label=t("admin-time-zone") kind=Kind::Optional
                    hint=t("admin-time-zone-hint") />
                <TextField path=format!("{base}/utc_offset_minutes") label=t("admin-utc-offset") kind=Kind::Number />
            </div>
            <TextField path=format!("{base}/holidays") label=t("admin-holidays") kind=Kind::Lines
                hint=t("admin-holidays-hint") />
            <CheckField path=format!("{base}/closed") label=t("admin-closed") />
            <table class="hours">
                <thead><tr>
                    <th scope="col">{t("admin-days")}</th>
                    <th scope="col">{t("admin-from")}</th>
                    <th scope="col">{t("admin-to")}</th>
                    <th></th>
                </tr></thead>
                <tbody>
                    {move || (0..hours.get()).map(|j| {
                        let row = format!("{hours_ptr}/{j}");
                        let remove_row = {
                            let hours_ptr = hours_ptr.clone();
                            move |_| form.edit(|d| {
                                if let Some(rows) = d.pointer_mut(&hours_ptr).and_then(Value::as_array_mut) {
                                    if j < rows.len() {
                                        rows.remove(j);
                                    }
                                }
                            })
                        };
                        view! {
                            <tr>
                                <td><TextField path=format!("{row}/days") label=t("admin-days") kind=Kind::Ids /></td>
                                <td><TextField path=format!("{row}/from") label=t("admin-from") /></td>
                                <td><TextField path=format!("{row}/to") label=t("admin-to") /></td>
                                <td><button type="button" class="ghost" on:click=remove_row>{t("admin-remove")}</button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <div class="buttons">
                <button type="button" on:click=add_hours>{t("admin-add-hours")}</button>
                <button type="button" class="danger" on:click=remove>{t("admin-remove-group")}</button>
            </div>
        </fieldset>
    }
}
