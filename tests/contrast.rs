//! Contrast of every button and link over several theme colours (`color`), with the
//! real stylesheet: the reception notices (the ended screen's "Leave a message", "New
//! conversation" and "Save the conversation", nobody available, off duty, redirect,
//! group picker), the top bar, product and order cards and the composer. Each element's text colour is measured against the first opaque background
//! behind it (`getComputedStyle`), and must reach WCAG AA's 4.5:1. Run with
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p parley-client --features bundled-locales --target wasm32-unknown-unknown --test contrast`.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use parley_client::components::cards::CardView;
use parley_client::components::composer::Composer;
use parley_client::components::evaluation::EvaluationForm;
use parley_client::components::reception_notice::ReceptionNotice;
use parley_client::components::theme;
use parley_client::components::top_bar::TopBar;
use parley_client::route::Layout;
use parley_protocol::api::{GroupView, Reception};
use parley_protocol::card::Card;
use parley_protocol::params::{Color, OpenStyle};
use parley_protocol::{ChatParams, Locale};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod support;

use support::{mount, sleep};

wasm_bindgen_test_configure!(run_in_browser);

/// Light, dark, saturated and mid-grey themes, including the default and the colours
/// whose black and white text are closest to the limit.
const THEMES: [&str; 9] = [
    "04babc", "ffffff", "000000", "ffff00", "0000ff", "ff0000", "777777", "767676", "2e8b57",
];

/// A product card (its title is a link in the theme colour) and an order card.
const CARD_LINK: &str = "?card_title=Blue%20shoes&card_url=https%3A%2F%2Fshop.example%2F1\
    &card_note=Size%2042&order_code=A-1&order_url=https%3A%2F%2Fshop.example%2Fo%2F1\
    &order_status=2&create_time=1586414406391&total_fee=100";

fn receptions() -> Vec<Reception> {
    vec![
        Reception::Ended,
        Reception::NoAgentOnline,
        Reception::AgentOffline,
        Reception::OffDuty {
            group_id: "g".into(),
        },
        Reception::Redirect {
            url: "https://help.example/".into(),
            open_style: OpenStyle::NewPage,
        },
        Reception::ChooseGroup {
            groups: vec![GroupView {
                id: "g".into(),
                name: "Sales".into(),
                open: false,
            }],
        },
    ]
}

/// Parses `rgb(r, g, b)` / `rgba(r, g, b, a)` into channels and alpha.
fn parse(css: &str) -> ([f64; 3], f64) {
    let inner = css
        .trim_start_matches("rgba(")
        .trim_start_matches("rgb(")
        .trim_end_matches(')');
    let parts: Vec<f64> = inner
        .split(',')
        .map(|p| p.trim().parse().unwrap_or(0.0))
        .collect();
    let alpha = parts.get(3).copied().unwrap_or(1.0);
    ([parts[0], parts[1], parts[2]], alpha)
}

fn style(el: &web_sys::Element) -> web_sys::CssStyleDeclaration {
    web_sys::window()
        .unwrap()
        .get_computed_style(el)
        .unwrap()
        .unwrap()
}

/// The colour behind `el`: its own and its ancestors' backgrounds composed over white
/// (the page's canvas) until an opaque one.
fn background(el: &web_sys::Element) -> [f64; 3] {
    let mut layers = Vec::new();
    let mut node = Some(el.clone());
    while let Some(e) = node {
        let (rgb, a) = parse(&style(&e).get_property_value("background-color").unwrap());
        if a > 0.0 {
            layers.push((rgb, a));
        }
        if a >= 1.0 {
            break;
        }
        node = e.parent_element();
    }
    let mut out = [255.0; 3];
    for (rgb, a) in layers.into_iter().rev() {
        for i in 0..3 {
            out[i] = rgb[i] * a + out[i] * (1.0 - a);
        }
    }
    out
}

fn to_u8(c: [f64; 3]) -> [u8; 3] {
    c.map(|v| v.round().clamp(0.0, 255.0) as u8)
}

/// Every `a` and `button` with text inside `host`: (its text, its contrast ratio).
fn ratios(host: &web_sys::HtmlElement) -> Vec<(String, f64)> {
    let all = host.query_selector_all("a, button").unwrap();
    (0..all.length())
        .filter_map(|i| all.item(i))
        .map(|n| n.unchecked_into::<web_sys::Element>())
        .filter(|e| !e.text_content().unwrap_or_default().trim().is_empty())
        .map(|e| {
            let (fg, _) = parse(&style(&e).get_property_value("color").unwrap());
            let ratio = theme::contrast(to_u8(fg), to_u8(background(&e)));
            (e.text_content().unwrap_or_default(), ratio)
        })
        .collect()
}

/// The real stylesheet, once per test page.
fn load_styles() {
    let document = web_sys::window().unwrap().document().unwrap();
    if document.get_element_by_id("parley-test-css").is_some() {
        return;
    }
    let el = document.create_element("style").unwrap();
    el.set_id("parley-test-css");
    el.set_text_content(Some(concat!(
        include_str!("../style/main.css"),
        include_str!("../style/cards.css"),
        include_str!("../style/evaluation.css")
    )));
    document.head().unwrap().append_child(&el).unwrap();
}

#[wasm_bindgen_test]
async fn every_button_and_link_of_the_notices_and_composer_reads_at_aa_contrast() {
    load_styles();
    let mut checked = 0;
    for hex in THEMES {
        let color = Color::from_hex(hex).unwrap();
        for reception in receptions() {
            let what = format!("{reception:?}");
            let offers_leave = !matches!(
                reception,
                Reception::Redirect { .. } | Reception::ChooseGroup { .. }
            );
            let cards = Card::from_params(&ChatParams::from_query(CARD_LINK).value);
            let host = mount(move || {
                view! {
                    <div class="chat-body" style=theme::css_vars(color)>
                        <TopBar title=Signal::derive(|| "Shop".to_owned()) locale=Locale::En framed=true
                            on_collapse=Callback::new(|()| {}) on_transcript=Callback::new(|()| {}) />
                        <ReceptionNotice
                            reception=Signal::derive(move || reception.clone())
                            queue_position=Signal::derive(|| None)
                            locale=Locale::En
                            agent_offline_title=None
                            leave_href=Some("/chat/h5/v2/leavemessage.html?sysnum=demo".to_owned())
                            on_pick_group=Callback::new(|_| {})
                            on_new_conversation=Callback::new(|()| {})
                            on_transcript=Callback::new(|()| {})
                        />
                        {cards.into_iter().map(|card| view! {
                            <CardView card locale=Locale::En layout=Layout::Pc />
                        }).collect_view()}
                        <Composer
                            locale=Locale::En
                            on_send=Callback::new(|_| {})
                            on_typing=Callback::new(|_| {})
                            show_emoji=Signal::derive(|| true)
                            leave_href=Some("/chat/h5/v2/leavemessage.html?sysnum=demo".to_owned())
                        />
                    </div>
                }
            });
            sleep(10).await;
            let found = ratios(&host);
            assert_eq!(
                host.query_selector(".notice .leave-entry")
                    .unwrap()
                    .is_some(),
                offers_leave,
                "{what}: {found:?}"
            );
            assert!(
                found.iter().any(|(t, _)| t.contains("Blue shoes")),
                "no card link in {found:?}"
            );
            for (text, ratio) in found {
                assert!(
                    ratio >= 4.5,
                    "on #{hex}, {what}: {text:?} reads at only {ratio:.2}:1"
                );
                checked += 1;
            }
            host.remove();
        }
    }
    assert!(checked > THEMES.len() * 6 * 3, "only {checked} checked");
}

/// The evaluation form (both scales, a score picked so its tags and the pressed and
/// checked states show) and the chat's "Rate this service" / "End chat" buttons.
#[wasm_bindgen_test]
async fn the_evaluation_form_reads_at_aa_contrast() {
    use parley_protocol::evaluation::{EvaluationSettings, ScoreKind, ScoreOption};
    load_styles();
    let mut checked = 0;
    for hex in THEMES {
        let color = Color::from_hex(hex).unwrap();
        for kind in [ScoreKind::Stars, ScoreKind::ZeroToTen] {
            let settings = EvaluationSettings {
                kind,
                options: vec![ScoreOption {
                    score: 4,
                    label: None,
                    tags: vec!["Friendly".into(), "Quick reply".into()],
                }],
                ..EvaluationSettings::default()
            };
            let host = mount(move || {
                view! {
                    <div class="chat-body" style=theme::css_vars(color)>
                        <EvaluationForm settings locale=Locale::En conversation_id="c".to_owned()
                            on_submit=Callback::new(|_| {}) on_dismiss=Callback::new(|()| {})
                            busy=Signal::derive(|| false) failure=Signal::derive(|| None::<String>) />
                        <div class="actions chat-actions">
                            <button type="button" class="button evaluate-open">"Rate this service"</button>
                            <button type="button" class="button secondary chat-end">"End chat"</button>
                        </div>
                    </div>
                }
            });
            sleep(10).await;
            let pick: web_sys::HtmlElement = host
                .query_selector(".eval-score[data-score='4']")
                .unwrap()
                .unwrap()
                .unchecked_into();
            pick.click();
            sleep(10).await;
            let tag: web_sys::HtmlElement = host
                .query_selector(".eval-tag")
                .unwrap()
                .unwrap()
                .unchecked_into();
            tag.click();
            let yes: web_sys::HtmlElement = host
                .query_selector(".eval-solved")
                .unwrap()
                .unwrap()
                .unchecked_into();
            yes.click();
            sleep(10).await;
            for (text, ratio) in ratios(&host) {
                assert!(
                    ratio >= 4.5,
                    "on #{hex}, {kind:?}: {text:?} reads at only {ratio:.2}:1"
                );
                checked += 1;
            }
            host.remove();
        }
    }
    assert!(checked > THEMES.len() * 2 * 8, "only {checked} checked");
}
