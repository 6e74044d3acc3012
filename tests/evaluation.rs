//! Component tests of the evaluation form in headless Chromium: five stars and the 0–10
//! scale, the score's tags as toggle buttons, "was it solved?", the required comment,
//! the keyboard (one tab stop, arrows, Home / End, mirrored right to left) and the
//! helpful marks' buttons. Run with
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p parley-client --features bundled-locales --target wasm32-unknown-unknown --test evaluation`.
#![cfg(target_arch = "wasm32")]

use std::sync::{Arc, Mutex};

use leptos::prelude::*;
use parley_client::components::evaluation::EvaluationForm;
use parley_protocol::evaluation::{EvaluationSettings, ScoreKind, ScoreOption, SubmitEvaluation};
use parley_protocol::Locale;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod support;

use support::{mount, sleep};

wasm_bindgen_test_configure!(run_in_browser);

fn demo_settings() -> EvaluationSettings {
    EvaluationSettings {
        options: vec![
            ScoreOption {
                score: 2,
                label: None,
                tags: vec!["Slow reply".into(), "Impolite".into()],
            },
            ScoreOption {
                score: 4,
                label: Some("Good".into()),
                tags: vec!["Friendly".into(), "Quick reply".into()],
            },
        ],
        comment_required_below: Some(3),
        ..EvaluationSettings::default()
    }
}

type Sent = Arc<Mutex<Vec<SubmitEvaluation>>>;

/// Mounts a form; returns its host and what it submitted.
fn form(settings: EvaluationSettings, locale: Locale) -> (web_sys::HtmlElement, Sent) {
    let sent: Sent = Arc::default();
    let seen = Arc::clone(&sent);
    let host = mount(move || {
        view! {
            <EvaluationForm settings locale conversation_id="c1".to_owned()
                on_submit=Callback::new(move |a| seen.lock().unwrap().push(a))
                on_dismiss=Callback::new(|()| {})
                busy=Signal::derive(|| false) failure=Signal::derive(|| None::<String>) />
        }
    });
    (host, sent)
}

fn all(host: &web_sys::HtmlElement, css: &str) -> Vec<web_sys::HtmlElement> {
    let list = host.query_selector_all(css).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().unchecked_into())
        .collect()
}

fn one(host: &web_sys::HtmlElement, css: &str) -> web_sys::HtmlElement {
    host.query_selector(css)
        .unwrap()
        .unwrap_or_else(|| panic!("{css} missing: {:?}", host.inner_html()))
        .unchecked_into()
}

fn attr(e: &web_sys::HtmlElement, name: &str) -> String {
    e.get_attribute(name).unwrap_or_default()
}

fn checked(host: &web_sys::HtmlElement) -> Vec<String> {
    all(host, ".eval-score[aria-checked=true]")
        .iter()
        .map(|e| attr(e, "data-score"))
        .collect()
}

fn key(target: &web_sys::HtmlElement, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let e = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&e).unwrap();
}

fn focused_score() -> String {
    let active = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .active_element()
        .expect("something has the focus");
    active.get_attribute("data-score").unwrap_or_default()
}

fn type_comment(host: &web_sys::HtmlElement, text: &str) {
    let area = one(host, "textarea.eval-comment");
    js_sys::Reflect::set(&area, &"value".into(), &text.into()).unwrap();
    area.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

#[wasm_bindgen_test]
async fn five_stars_with_labels_tags_solved_and_a_comment() {
    let (host, sent) = form(demo_settings(), Locale::En);
    sleep(10).await;
    let stars = all(&host, ".eval-stars [role=radio]");
    assert_eq!(stars.len(), 5);
    assert_eq!(attr(&stars[0], "aria-label"), "1 of 5: Very dissatisfied");
    assert_eq!(
        attr(&stars[3], "aria-label"),
        "4 of 5: Good",
        "the tenant's label"
    );
    assert_eq!(
        attr(
            &one(&host, "[role=radiogroup].eval-scores"),
            "aria-labelledby"
        ),
        attr(&one(&host, ".eval-title"), "id"),
        "the group is named by the form's title"
    );
    assert!(all(&host, ".eval-tag").is_empty(), "no tags before a score");

    stars[3].click();
    sleep(10).await;
    assert_eq!(checked(&host), vec!["4"]);
    assert_eq!(one(&host, ".eval-label").text_content().unwrap(), "Good");
    assert_eq!(stars[2].text_content().unwrap(), "★");
    assert_eq!(stars[4].text_content().unwrap(), "☆");
    let tags = all(&host, ".eval-tag");
    let names: Vec<String> = tags.iter().map(|t| t.text_content().unwrap()).collect();
    assert_eq!(names, ["Friendly", "Quick reply"]);
    assert_eq!(attr(&tags[0], "aria-pressed"), "false");
    tags[0].click();
    sleep(10).await;
    assert_eq!(attr(&all(&host, ".eval-tag")[0], "aria-pressed"), "true");
    let yes = all(&host, ".eval-solved");
    assert_eq!(yes.len(), 2);
    yes[0].click();
    type_comment(&host, "Thanks, Alice");
    sleep(10).await;
    one(&host, "button.eval-submit").click();
    sleep(10).await;
    let got = sent.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    let a = &got[0];
    assert_eq!(
        (a.score, a.tags.clone(), a.solved, a.comment.as_str()),
        (4, vec!["Friendly".to_owned()], Some(true), "Thanks, Alice")
    );
    assert_eq!(a.conversation_id.as_deref(), Some("c1"));
}

#[wasm_bindgen_test]
async fn a_low_score_asks_for_a_comment_and_tags_follow_the_score() {
    let (host, sent) = form(demo_settings(), Locale::En);
    sleep(10).await;
    one(&host, "button.eval-submit").click();
    sleep(10).await;
    assert_eq!(
        one(&host, ".eval-error[role=alert]")
            .text_content()
            .unwrap(),
        "Please choose a score first."
    );
    all(&host, ".eval-score")[3].click();
    sleep(10).await;
    all(&host, ".eval-tag")[0].click();
    all(&host, ".eval-score")[1].click();
    sleep(10).await;
    let tags: Vec<String> = all(&host, ".eval-tag")
        .iter()
        .map(|t| format!("{}={}", t.text_content().unwrap(), attr(t, "aria-pressed")))
        .collect();
    assert_eq!(
        tags,
        ["Slow reply=false", "Impolite=false"],
        "4's tag dropped"
    );
    assert_eq!(
        one(&host, ".eval-comment-label").text_content().unwrap(),
        "Comment (required)"
    );
    assert_eq!(attr(&one(&host, "textarea"), "aria-required"), "true");
    one(&host, "button.eval-submit").click();
    sleep(10).await;
    assert_eq!(
        one(&host, ".eval-error").text_content().unwrap(),
        "Please tell us what went wrong."
    );
    assert!(sent.lock().unwrap().is_empty(), "nothing sent");
    type_comment(&host, "Took an hour");
    one(&host, "button.eval-submit").click();
    sleep(10).await;
    assert_eq!(sent.lock().unwrap()[0].score, 2);
    assert!(host.query_selector(".eval-error").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn a_zero_to_ten_scale_without_the_solved_question() {
    let settings = EvaluationSettings {
        kind: ScoreKind::ZeroToTen,
        ask_solved: false,
        ..EvaluationSettings::default()
    };
    let (host, sent) = form(settings, Locale::Zh);
    sleep(10).await;
    let scores = all(&host, ".eval-ten [role=radio]");
    assert_eq!(scores.len(), 11);
    let texts: Vec<String> = scores.iter().map(|s| s.text_content().unwrap()).collect();
    assert_eq!(texts.first().map(String::as_str), Some("0"));
    assert_eq!(texts.last().map(String::as_str), Some("10"));
    assert_eq!(attr(&scores[7], "aria-label"), "7 / 10");
    assert!(all(&host, ".eval-solved").is_empty());
    assert_eq!(
        one(&host, ".eval-title").text_content().unwrap(),
        "评价本次服务"
    );
    scores[0].click();
    sleep(10).await;
    one(&host, "button.eval-submit").click();
    sleep(10).await;
    assert_eq!(sent.lock().unwrap()[0].score, 0);
}

#[wasm_bindgen_test]
async fn the_keyboard_moves_the_score_with_one_tab_stop() {
    let (host, _) = form(demo_settings(), Locale::En);
    sleep(10).await;
    let stops: Vec<String> = all(&host, ".eval-score")
        .iter()
        .map(|s| attr(s, "tabindex"))
        .collect();
    assert_eq!(
        stops,
        ["0", "-1", "-1", "-1", "-1"],
        "one tab stop before a choice"
    );
    let first = &all(&host, ".eval-score")[0];
    first.focus().unwrap();
    key(first, "ArrowRight");
    sleep(10).await;
    assert_eq!(checked(&host), vec!["1"]);
    key(first, "ArrowRight");
    key(first, "ArrowUp");
    sleep(10).await;
    assert_eq!(checked(&host), vec!["3"]);
    assert_eq!(focused_score(), "3", "the focus follows the choice");
    let stops: Vec<String> = all(&host, ".eval-score")
        .iter()
        .map(|s| attr(s, "tabindex"))
        .collect();
    assert_eq!(stops, ["-1", "-1", "0", "-1", "-1"]);
    key(first, "End");
    sleep(10).await;
    assert_eq!(checked(&host), vec!["5"]);
    key(first, "ArrowLeft");
    sleep(10).await;
    assert_eq!(checked(&host), vec!["4"]);
    key(first, "Home");
    sleep(10).await;
    assert_eq!(checked(&host), vec!["1"]);
    assert_eq!(focused_score(), "1");
}

#[wasm_bindgen_test]
async fn right_to_left_mirrors_the_arrows() {
    let (host, _) = form(demo_settings(), Locale::Ar);
    sleep(10).await;
    let form = one(&host, "form.evaluation");
    assert_eq!(attr(&form, "dir"), "rtl");
    let first = &all(&host, ".eval-score")[0];
    first.focus().unwrap();
    key(first, "ArrowLeft");
    key(first, "ArrowLeft");
    sleep(10).await;
    assert_eq!(checked(&host), vec!["2"], "left is forward right to left");
    key(first, "ArrowRight");
    sleep(10).await;
    assert_eq!(checked(&host), vec!["1"]);
    assert_eq!(one(&host, ".eval-submit").text_content().unwrap(), "إرسال");
    // The scale is drawn from the inline start, which is the right edge here.
    let rect = |e: &web_sys::HtmlElement| e.get_bounding_client_rect();
    let stars = all(&host, ".eval-score");
    assert!(
        rect(&stars[0]).left() > rect(&stars[4]).left(),
        "the first star is on the right"
    );
}
