//! Satisfaction evaluation in the chat: the form ([`EvaluationForm`]: five stars or a
//! 0–10 score as a radio group, the score's tags as toggle buttons, "was your problem
//! solved?", a comment), the chat's "Rate this service" and "End chat" buttons with the
//! flow around them ([`ChatEvaluation`]), and the helpful / not helpful buttons under a
//! bot answer ([`BotFeedbackButtons`]).
//!
//! The score group is one tab stop (roving `tabindex`): arrows move the choice, mirrored
//! right to left, Home / End jump to the ends; every button carries its full name for
//! screen readers ("4 of 5: Satisfied"). The rules are `model::evaluation`'s, tested on
//! the host; the form refuses what the server would with the same check.

use std::sync::atomic::{AtomicU32, Ordering};

use leptos::prelude::*;
use parley_protocol::api::{EndReason, SystemEvent};
use parley_protocol::evaluation::{
    BotFeedbackRequest, EvaluationSettings, ScoreKind, SubmitEvaluation, MAX_COMMENT_CHARS,
};
use parley_protocol::Locale;
use wasm_bindgen::JsCast;

use crate::api;
use crate::i18n::t;
use crate::model::conversation::Conversation;
use crate::model::evaluation::{problem_text, score_label, score_name, step, EvaluationDraft};

/// A fresh suffix for element ids, so two forms on one page never share one.
fn next_id() -> u32 {
    static N: AtomicU32 = AtomicU32::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

/// What a score's button shows: a star (filled up to the choice) or the number.
fn glyph(kind: ScoreKind, score: u8, chosen: Option<u8>) -> String {
    match kind {
        ScoreKind::Stars if chosen.is_some_and(|c| score <= c) => "★".into(),
        ScoreKind::Stars => "☆".into(),
        ScoreKind::ZeroToTen => score.to_string(),
    }
}

/// The evaluation form.
#[component]
pub fn EvaluationForm(
    /// The tenant's scale, labels, tags and rules.
    settings: EvaluationSettings,
    /// The UI language (right to left mirrors the arrows).
    locale: Locale,
    /// The conversation rated.
    #[prop(into)]
    conversation_id: Signal<String>,
    /// Called with a checked answer when the visitor submits.
    on_submit: Callback<SubmitEvaluation>,
    /// "Not now" (or "End without rating" when `closing`).
    on_dismiss: Callback<()>,
    /// The form asks before the chat ends (the close button with `show_evaluate`).
    #[prop(optional)]
    closing: bool,
    /// While the answer is on its way.
    #[prop(into)]
    busy: Signal<bool>,
    /// The server's refusal or a network failure, in the visitor's language.
    #[prop(into)]
    failure: Signal<Option<String>>,
) -> impl IntoView {
    let id = next_id();
    let title_id = format!("eval-title-{id}");
    let comment_id = format!("eval-comment-{id}");
    let draft = RwSignal::new(EvaluationDraft::default());
    let problem = RwSignal::new(None::<String>);
    let settings = StoredValue::new(settings);
    let kind = settings.with_value(|s| s.kind);
    let rtl = locale.is_rtl();
    let group = NodeRef::<leptos::html::Div>::new();

    let pick = move |score: u8| {
        settings.with_value(|s| draft.update(|d| d.pick(s, score)));
        problem.set(None);
    };
    let focus_score = move |score: u8| {
        let button = group
            .get_untracked()
            .and_then(|g| g.query_selector(&format!("[data-score='{score}']")).ok())
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(b) = button {
            let _ = b.focus();
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let current = draft.with_untracked(|d| d.score);
        if let Some(score) = step(kind, current, &ev.key(), rtl) {
            ev.prevent_default();
            pick(score);
            focus_score(score);
        }
    };
    let scores = kind
        .scores()
        .map(|score| {
            let name = settings.with_value(|s| score_name(locale, s, score));
            let checked = move || draft.with(|d| d.score == Some(score));
            // One tab stop: the chosen score, or the first before any choice.
            let tab = move || {
                let chosen = draft.with(|d| d.score);
                if chosen == Some(score) || (chosen.is_none() && score == kind.min()) {
                    "0"
                } else {
                    "-1"
                }
            };
            view! {
                <button type="button" role="radio" class="eval-score" data-score=score.to_string()
                    aria-checked=move || checked().to_string() tabindex=tab
                    aria-label=name.clone() title=name
                    on:click=move |_| pick(score)>
                    {move || glyph(kind, score, draft.with(|d| d.score))}
                </button>
            }
        })
        .collect_view();
    let chosen_label = move || {
        draft
            .with(|d| d.score)
            .and_then(|s| settings.with_value(|st| score_label(locale, st, s)))
    };
    let tags = move || {
        let score = draft.with(|d| d.score)?;
        let offered = settings.with_value(|s| s.tags_for(score).to_vec());
        (!offered.is_empty()).then(|| {
            let buttons = offered
                .into_iter()
                .map(|tag| {
                    let pressed = {
                        let tag = tag.clone();
                        move || draft.with(|d| d.tags.contains(&tag)).to_string()
                    };
                    let toggle = {
                        let tag = tag.clone();
                        move |_| {
                            draft.update(|d| d.toggle(&tag));
                            problem.set(None);
                        }
                    };
                    view! {
                        <button type="button" class="eval-tag" aria-pressed=pressed on:click=toggle dir="auto">
                            {tag}
                        </button>
                    }
                })
                .collect_view();
            view! {
                <div class="eval-tags" role="group" aria-label=t(locale, "chat-eval-tags")>{buttons}</div>
            }
        })
    };
    let solved = settings.with_value(|s| s.ask_solved).then(|| {
        let answer = move |yes: bool| {
            view! {
                <button type="button" role="radio" class="eval-solved"
                    aria-checked=move || (draft.with(|d| d.solved) == Some(yes)).to_string()
                    on:click=move |_| draft.update(|d| d.solved = Some(yes))>
                    {t(locale, if yes { "chat-eval-yes" } else { "chat-eval-no" })}
                </button>
            }
        };
        view! {
            <div class="eval-solved-group" role="radiogroup" aria-label=t(locale, "chat-eval-solved")>
                <span class="eval-question" aria-hidden="true">{t(locale, "chat-eval-solved")}</span>
                {answer(true)}
                {answer(false)}
            </div>
        }
    });
    let comment_required = move || {
        draft
            .with(|d| d.score)
            .is_some_and(|s| settings.with_value(|st| st.comment_required(s)))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let answer = settings.with_value(|s| {
            draft.with_untracked(|d| d.submission(s, &conversation_id.get_untracked()))
        });
        match answer {
            Ok(answer) => {
                problem.set(None);
                on_submit.run(answer);
            }
            Err(p) => problem.set(Some(problem_text(locale, &p))),
        }
    };
    let shown_problem = move || problem.get().or_else(|| failure.get());
    let dir = if rtl { "rtl" } else { "ltr" };
    let scale_class = match kind {
        ScoreKind::Stars => "eval-scores eval-stars",
        ScoreKind::ZeroToTen => "eval-scores eval-ten",
    };
    let (form_label, group_label) = (title_id.clone(), title_id.clone());
    let comment_for = comment_id.clone();
    view! {
        <form class="evaluation" dir=dir aria-labelledby=form_label on:submit=submit>
            <h2 class="eval-title" id=title_id>{t(locale, "chat-eval-title")}</h2>
            <div class=scale_class role="radiogroup" aria-labelledby=group_label node_ref=group
                on:keydown=on_key>
                {scores}
            </div>
            <p class="eval-label" aria-hidden="true">{chosen_label}</p>
            {tags}
            {solved}
            <label class="eval-comment-label" for=comment_for>
                {move || t(locale, if comment_required() { "chat-eval-comment-required" } else { "chat-eval-comment" })}
            </label>
            <textarea class="eval-comment" id=comment_id rows="2" maxlength=MAX_COMMENT_CHARS.to_string()
                aria-required=move || comment_required().to_string() dir="auto"
                prop:value=move || draft.with(|d| d.comment.clone())
                on:input=move |ev| draft.update(|d| d.comment = event_target_value(&ev))></textarea>
            {move || shown_problem().map(|p| view! { <p class="eval-error" role="alert">{p}</p> })}
            <div class="eval-actions">
                <button type="submit" class="button eval-submit" aria-disabled=move || busy.get().to_string()>
                    {move || t(locale, if busy.get() { "chat-sending" } else { "chat-eval-submit" })}
                </button>
                <button type="button" class="eval-dismiss" on:click=move |_| on_dismiss.run(())>
                    {t(locale, if closing { "chat-eval-skip" } else { "chat-eval-not-now" })}
                </button>
            </div>
        </form>
    }
}

/// Why the form is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opened {
    /// The visitor pressed "Rate this service".
    Button,
    /// The visitor pressed "End chat" and `show_evaluate` asks first.
    Closing,
}

/// The chat's evaluation: the "Rate this service" button (`feedback_flag`, once an agent
/// served), the "End chat" button (with `show_evaluate` it asks for a rating first), and
/// the form itself when opened or when an agent invited a rating. A sent rating updates
/// the conversation at once (the server's `evaluated` message follows on the socket).
#[component]
pub fn ChatEvaluation(
    /// The visitor session.
    token: String,
    /// The conversation (read, and updated with the rating and the visitor's leaving).
    chat: RwSignal<Conversation>,
    /// The tenant's form and the link's flags.
    settings: EvaluationSettings,
    /// The UI language.
    locale: Locale,
) -> impl IntoView {
    let token = StoredValue::new(token);
    let opened = RwSignal::new(None::<Opened>);
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let enabled = settings.enabled;
    let (button, on_close) = (settings.button, settings.on_close);
    let conversation_id = Signal::derive(move || chat.with(|c| c.view.id.clone()));

    let leave = move || {
        let token = token.get_value();
        leptos::task::spawn_local(async move {
            match api::leave(&token).await {
                Ok(_) => chat.update(|c| {
                    c.apply(&SystemEvent::Ended {
                        reason: EndReason::VisitorLeft,
                    })
                }),
                Err(_) => failure.set(Some(t(locale, "chat-eval-end-failed"))),
            }
        });
    };
    let form_open = move || {
        enabled
            && chat.with(|c| c.served() && c.evaluation.is_none())
            && (opened.get().is_some() || chat.with(|c| c.evaluation_invited))
    };
    let rate_button = move || !form_open() && chat.with(|c| c.evaluation_button(button));
    let end_button = move || !chat.with(Conversation::is_ended) && opened.get().is_none();
    let end = move |_| {
        let ask = on_close && chat.with_untracked(|c| c.served() && c.evaluation.is_none());
        if ask {
            failure.set(None);
            opened.set(Some(Opened::Closing));
        } else {
            leave();
        }
    };
    let on_submit = Callback::new(move |answer: SubmitEvaluation| {
        busy.set(true);
        failure.set(None);
        let token = token.get_value();
        leptos::task::spawn_local(async move {
            let sent = api::rate(&token, &answer).await;
            busy.set(false);
            match sent {
                Ok(answer) => {
                    chat.update(|c| {
                        c.apply(&SystemEvent::Evaluated {
                            evaluation: Box::new(answer.evaluation),
                        })
                    });
                    if opened.get_untracked() == Some(Opened::Closing) {
                        leave();
                    }
                    opened.set(None);
                }
                Err(_) => failure.set(Some(t(locale, "chat-eval-failed"))),
            }
        });
    });
    let on_dismiss = Callback::new(move |()| {
        if opened.get_untracked() == Some(Opened::Closing) {
            leave();
        }
        opened.set(None);
        chat.update(|c| c.evaluation_invited = false);
    });
    let settings = StoredValue::new(settings);
    view! {
        <Show when=form_open>
            {move || view! {
                <EvaluationForm settings=settings.get_value() locale conversation_id
                    on_submit on_dismiss closing=opened.get_untracked() == Some(Opened::Closing)
                    busy failure />
            }}
        </Show>
        <Show when=move || chat.with(|c| c.evaluation.is_some())>
            <p class="notice eval-thanks" role="status">{t(locale, "chat-eval-thanks")}</p>
        </Show>
        <div class="actions chat-actions">
            <Show when=rate_button>
                <button type="button" class="button evaluate-open" on:click=move |_| {
                    failure.set(None);
                    opened.set(Some(Opened::Button));
                }>{t(locale, "chat-eval-title")}</button>
            </Show>
            <Show when=end_button>
                <button type="button" class="button secondary chat-end" on:click=end>
                    {t(locale, "chat-eval-end")}
                </button>
            </Show>
        </div>
    }
}

/// "Helpful" / "Not helpful" under one bot answer: one mark per answer, kept by the
/// server (a second click is answered with the first mark).
#[component]
pub fn BotFeedbackButtons(
    /// The visitor session.
    token: String,
    /// The bot message's conversation and sequence number.
    conversation_id: String,
    seq: i64,
    /// The UI language.
    locale: Locale,
) -> impl IntoView {
    let marked = RwSignal::new(None::<bool>);
    let token = StoredValue::new(token);
    let conversation_id = StoredValue::new(conversation_id);
    let mark = move |helpful: bool| {
        if marked.get_untracked().is_some() {
            return;
        }
        marked.set(Some(helpful));
        let request = BotFeedbackRequest {
            conversation_id: Some(conversation_id.get_value()),
            seq,
            helpful,
        };
        let token = token.get_value();
        leptos::task::spawn_local(async move {
            match api::bot_feedback(&token, &request).await {
                Ok(answer) => marked.set(Some(answer.feedback.helpful)),
                Err(_) => marked.set(None),
            }
        });
    };
    let button = move |helpful: bool| {
        let key = if helpful {
            "chat-bot-helpful"
        } else {
            "chat-bot-unhelpful"
        };
        view! {
            <button type="button" class="bot-mark" aria-pressed=move || (marked.get() == Some(helpful)).to_string()
                aria-disabled=move || marked.get().is_some().to_string()
                on:click=move |_| mark(helpful)>
                {if helpful { "👍 " } else { "👎 " }}{t(locale, key)}
            </button>
        }
    };
    view! {
        <div class="bot-feedback" role="group" aria-label=t(locale, "chat-bot-feedback")>
            {button(true)}
            {button(false)}
        </div>
    }
}
