//! The FAQ bot editor: entries (question, similar phrasings, answer, related entries,
//! language), guided questions, greetings and unknown replies per language, saved with
//! `PUT /api/admin/faq/{robotid}`. The "try a question" box asks the server's real
//! matcher with the draft as it is on screen, so an entry can be tried before it is
//! saved, and shows the ranking that decided the answer.

use leptos::context::Provider;
use leptos::prelude::*;
use parley_protocol::api::{BotOutcome, FaqTry, FaqTryRequest};
use serde_json::{json, Value};

use super::{refusal_of, use_admin};
use crate::admin_api;
use crate::components::form::{FieldError, Form, Kind, SaveBar, SelectField, TextField};
use crate::doc::next_id;
use crate::use_wb;

/// The languages an FAQ is written in.
const LANGS: [&str; 2] = ["en", "zh"];

#[component]
pub fn FaqSection() -> impl IntoView {
    let wb = use_wb();
    let admin = use_admin();
    let t = move |k: &str| wb.t(k);
    // The bot the tenant's reception uses, else its first.
    let robotid = admin.settings.doc.with_untracked(|d| {
        d["backend"]["robotid"]
            .as_u64()
            .or_else(|| d["bot"][0]["id"].as_u64())
    });
    let Some(robotid) = robotid else {
        return view! { <p class="empty">{t("admin-faq-none")}</p> }.into_any();
    };
    let form = Form::new(Value::Null);
    let loaded = RwSignal::new(false);
    {
        let token = wb.token();
        leptos::task::spawn_local(async move {
            match admin_api::faq(&token, robotid).await {
                Ok(v) => {
                    form.doc.set(v);
                    loaded.set(true);
                }
                Err(e) => form.error.set(Some(refusal_of(wb, e))),
            }
        });
    }
    let save = Callback::new(move |()| {
        let token = wb.token();
        let draft = form.doc.get_untracked();
        form.busy.set(true);
        form.saved.set(false);
        leptos::task::spawn_local(async move {
            let result = admin_api::change_faq(&token, robotid, &draft).await;
            form.busy.set(false);
            match result {
                Ok(s) => {
                    // The tenant's settings now carry the new FAQ too.
                    admin.settings.doc.set(s.tenant);
                    form.error.set(None);
                    form.saved.set(true);
                }
                Err(e) => form.error.set(Some(refusal_of(wb, e))),
            }
        });
    });
    let bot_field = format!("bot.{robotid}");
    view! {
        <p class="hint">{t("admin-faq-hint")}</p>
        <TryBox robotid form />
        // The FAQ's fields bind to this form, not the settings': a provider scopes it
        // to them, so it never shadows the settings' form in the other sections.
        <Provider value=form>
        <Show when=move || loaded.get() fallback=move || view! { <p>{t("loading")}</p> }>
            <FieldError field=Signal::stored(bot_field.clone()) />
            <TextField path="/name" label=t("admin-faq-bot-name") />
            <div class="row">
                {LANGS.iter().map(|l| view! {
                    <TextField path=format!("/greeting/{l}") label=format!("{} ({l})", t("admin-faq-greeting"))
                        kind=Kind::Optional multiline=true />
                }).collect_view()}
            </div>
            <div class="row">
                {LANGS.iter().map(|l| view! {
                    <TextField path=format!("/unknown_reply/{l}") label=format!("{} ({l})", t("admin-faq-unknown"))
                        kind=Kind::Optional multiline=true />
                }).collect_view()}
            </div>
            <TextField path="/guide_questions" label=t("admin-faq-guided") kind=Kind::Ids hint=t("admin-faq-ids-hint") />
            <Groups />
            <SaveBar on_save=save label=t("admin-faq-save") />
        </Show>
        </Provider>
    }
    .into_any()
}

/// The FAQ groups and their entries.
#[component]
fn Groups() -> impl IntoView {
    let form = use_context::<Form>().expect("the FAQ form");
    let count = form.len_of("/faq_groups");
    move || {
        (0..count.get())
            .map(|g| view! { <Group g /> })
            .collect_view()
    }
}

#[component]
fn Group(g: usize) -> impl IntoView {
    let wb = use_wb();
    let form = use_context::<Form>().expect("the FAQ form");
    let t = move |k: &str| wb.t(k);
    let entries_ptr = format!("/faq_groups/{g}/entries");
    let count = form.len_of(entries_ptr.clone());
    let name = move || form.text(&format!("/faq_groups/{g}/name"));
    let add = {
        let entries_ptr = entries_ptr.clone();
        move |_| {
            let id = form.doc.with_untracked(|d| {
                next_id(
                    d["faq_groups"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .flat_map(|g| g["entries"].as_array().cloned().unwrap_or_default())
                        .filter_map(|e| e["id"].as_u64()),
                )
            });
            let at = format!("{entries_ptr}/{}", count.get_untracked());
            form.set(
                &at,
                json!({"id": id, "question": "", "similar": [], "answer": "", "related": [], "lang": "en"}),
            );
        }
    };
    view! {
        <section class="faq-group">
            <h3>{name} " (faqid " {move || form.text(&format!("/faq_groups/{g}/faqid"))} ")"</h3>
            {move || (0..count.get()).map(|e| view! { <Entry g e /> }).collect_view()}
            <button type="button" name=format!("add-entry-{g}") on:click=add>{t("admin-faq-add-entry")}</button>
        </section>
    }
}

#[component]
fn Entry(g: usize, e: usize) -> impl IntoView {
    let wb = use_wb();
    let form = use_context::<Form>().expect("the FAQ form");
    let t = move |k: &str| wb.t(k);
    let base = format!("/faq_groups/{g}/entries/{e}");
    let langs: Vec<(String, String)> = LANGS
        .iter()
        .map(|l| ((*l).to_owned(), (*l).to_owned()))
        .collect();
    let remove = move |_| {
        form.edit(|d| {
            if let Some(list) = d["faq_groups"][g]["entries"].as_array_mut() {
                if e < list.len() {
                    list.remove(e);
                }
            }
        })
    };
    let id = {
        let base = base.clone();
        move || form.text(&format!("{base}/id"))
    };
    // A new entry (no question yet) opens for typing; the others stay folded.
    let open = untrack(|| form.text(&format!("{base}/question")).is_empty());
    view! {
        <details class="faq-entry" open=open>
            <summary>"#" {id} " " {
                let base = base.clone();
                move || form.text(&format!("{base}/question"))
            }</summary>
            <div class="row">
                <TextField path=format!("{base}/id") label=t("admin-id") kind=Kind::Number />
                <SelectField path=format!("{base}/lang") label=t("admin-faq-lang") options=langs />
            </div>
            <TextField path=format!("{base}/question") label=t("admin-faq-question") />
            <TextField path=format!("{base}/similar") label=t("admin-faq-similar") kind=Kind::Lines />
            <TextField path=format!("{base}/answer") label=t("admin-faq-answer") multiline=true />
            <TextField path=format!("{base}/related") label=t("admin-faq-related") kind=Kind::Ids hint=t("admin-faq-ids-hint") />
            <button type="button" class="danger" on:click=remove>{t("admin-remove")}</button>
        </details>
    }
}

/// Asks the matcher a question with the draft FAQ and shows what a visitor would get
/// and the ranking behind it.
#[component]
fn TryBox(robotid: u64, form: Form) -> impl IntoView {
    let wb = use_wb();
    let t = move |k: &str| wb.t(k);
    let question = RwSignal::new(String::new());
    let result = RwSignal::new(None::<FaqTry>);
    let error = RwSignal::new(None::<String>);
    let ask = move || {
        let q = question.get_untracked();
        if q.trim().is_empty() {
            return;
        }
        let draft = form.doc.get_untracked();
        let token = wb.token();
        let request = FaqTryRequest {
            robotid,
            question: q,
            locale: Some(wb.locale.get_untracked().code().to_owned()),
            faqid: None,
            faq: (!draft.is_null()).then_some(draft),
        };
        leptos::task::spawn_local(async move {
            match admin_api::try_faq(&token, &request).await {
                Ok(r) => {
                    result.set(Some(r));
                    error.set(None);
                }
                Err(e) => {
                    let r = refusal_of(wb, e);
                    error.set(Some(r.message));
                }
            }
        });
    };
    view! {
        <section class="try-box" aria-labelledby="try-title">
            <h2 id="try-title">{t("admin-try-title")}</h2>
            <form class="inline" on:submit=move |ev| { ev.prevent_default(); ask(); }>
                <input type="text" name="try-question" aria-label=t("admin-try-question")
                    placeholder=t("admin-try-question") prop:value=move || question.get()
                    on:input=move |ev| question.set(event_target_value(&ev)) />
                <button type="submit" class="primary" name="try">{t("admin-try")}</button>
            </form>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {move || result.get().map(|r| view! { <TryResult r /> })}
        </section>
    }
}

#[component]
fn TryResult(r: FaqTry) -> impl IntoView {
    let wb = use_wb();
    let t = move |k: &str| wb.t(k);
    let outcome = match r.outcome {
        BotOutcome::Answer => t("admin-try-answer"),
        BotOutcome::Suggest => t("admin-try-suggest"),
        BotOutcome::Unknown => t("admin-try-unknown"),
    };
    let rules = wb
        .t("admin-try-rules")
        .replace("{ $answer }", &format!("{:.2}", r.answer_at))
        .replace("{ $margin }", &format!("{:.2}", r.margin))
        .replace("{ $suggest }", &format!("{:.2}", r.suggest_at))
        .replace("{ $lang }", &r.lang);
    let answered = r.answered;
    let suggested: Vec<u64> = r.suggestions.iter().map(|s| s.id).collect();
    let rows = r
        .ranking
        .iter()
        .take(8)
        .enumerate()
        .map(|(i, c)| {
            let mark = if Some(c.id) == answered {
                t("admin-try-picked")
            } else if suggested.contains(&c.id) && r.outcome == BotOutcome::Suggest {
                t("admin-try-offered")
            } else {
                String::new()
            };
            let class = if Some(c.id) == answered { "picked" } else { "" };
            view! {
                <tr class=class>
                    <td>{i + 1}</td>
                    <td>{c.id}</td>
                    <td>{c.question.clone()}</td>
                    <td class="num">{format!("{:.3}", c.score)}</td>
                    <td>{mark}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="try-result" data-outcome=format!("{:?}", r.outcome).to_lowercase()>
            <p><strong>{outcome}</strong></p>
            <blockquote class="try-reply">{r.reply.clone()}</blockquote>
            <p class="hint">{rules}</p>
            {if r.ranking.is_empty() {
                view! { <p class="empty">{t("admin-try-no-candidates")}</p> }.into_any()
            } else {
                view! {
                    <table class="ranking">
                        <thead><tr>
                            <th scope="col">"#"</th>
                            <th scope="col">{t("admin-id")}</th>
                            <th scope="col">{t("admin-faq-question")}</th>
                            <th scope="col">{t("admin-try-score")}</th>
                            <th scope="col"></th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                }.into_any()
            }}
        </div>
    }
}
