//! The `LeaveMessageForm` component in headless Chromium: what a template shows,
//! localized refusals that keep what was typed, and the draft in local storage.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use parley_client::components::leave_message_form::{load_draft, LeaveMessageForm};
use parley_protocol::ticket::{
    AttachmentRules, ContactRule, FieldKind, FileFamily, TemplateField, TemplateView,
};
use parley_protocol::Locale;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod support;

use support::{sleep, wait_text};

wasm_bindgen_test_configure!(run_in_browser);

fn template() -> TemplateView {
    TemplateView {
        id: "t".into(),
        name: "General".into(),
        guidance: "Leave us a note.".into(),
        content_required: true,
        fields: vec![
            TemplateField {
                key: "order_code".into(),
                label: "Order number".into(),
                kind: FieldKind::Text,
                required: true,
                options: vec![],
            },
            TemplateField {
                key: "topic".into(),
                label: "Topic".into(),
                kind: FieldKind::Select,
                required: false,
                options: vec!["Shipping".into(), "Billing".into()],
            },
            TemplateField {
                key: "when".into(),
                label: "Order date".into(),
                kind: FieldKind::Date,
                required: false,
                options: vec![],
            },
            TemplateField {
                key: "amount".into(),
                label: "Amount".into(),
                kind: FieldKind::Number,
                required: false,
                options: vec![],
            },
        ],
        tel: ContactRule::Hidden,
        email: ContactRule::Required,
        attachments: AttachmentRules {
            max_count: 2,
            max_bytes: 1024 * 1024,
            families: vec![FileFamily::Image],
        },
    }
}

fn mount_form(locale: Locale, draft_key: &str) -> web_sys::HtmlElement {
    let key = draft_key.to_owned();
    support::mount(move || {
        view! {
            <LeaveMessageForm
                template=template()
                locale=locale
                token="no-such-session".to_owned()
                query="sysnum=demo".to_owned()
                draft_key=key.clone()
            />
        }
    })
}

fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

fn el(host: &web_sys::HtmlElement, css: &str) -> web_sys::Element {
    host.query_selector(css)
        .unwrap()
        .unwrap_or_else(|| panic!("no {css}"))
}

fn text(host: &web_sys::HtmlElement, css: &str) -> String {
    el(host, css).text_content().unwrap_or_default()
}

fn value(host: &web_sys::HtmlElement, css: &str) -> String {
    js_sys::Reflect::get(&el(host, css), &"value".into())
        .unwrap()
        .as_string()
        .unwrap_or_default()
}

/// Types `text` the way a browser reports it: sets the value, fires `input`.
fn type_in(host: &web_sys::HtmlElement, css: &str, text: &str) {
    let e = el(host, css);
    js_sys::Reflect::set(&e, &"value".into(), &text.into()).unwrap();
    e.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

fn submit(host: &web_sys::HtmlElement) {
    el(host, "button[type=submit]")
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
}

#[wasm_bindgen_test]
fn the_template_decides_the_inputs() {
    storage().remove_item("test.draft.inputs").unwrap();
    let host = mount_form(Locale::En, "test.draft.inputs");
    assert_eq!(text(&host, ".leave-guidance"), "Leave us a note.");
    assert!(text(&host, "label[for=leave-field-order_code]").contains('*'));
    assert!(!text(&host, "label[for=leave-field-topic]").contains('*'));
    let options = el(&host, "#leave-field-topic")
        .query_selector_all("option")
        .unwrap();
    assert_eq!(options.length(), 3, "a placeholder and the two options");
    assert_eq!(
        el(&host, "#leave-field-when")
            .get_attribute("type")
            .as_deref(),
        Some("date")
    );
    assert_eq!(
        el(&host, "#leave-field-amount")
            .get_attribute("inputmode")
            .as_deref(),
        Some("decimal")
    );
    // tel is hidden by the template, e-mail required.
    assert!(host.query_selector("#leave-tel").unwrap().is_none());
    assert!(el(&host, "#leave-email").has_attribute("required"));
    let accept = el(&host, "#leave-files").get_attribute("accept").unwrap();
    assert!(
        accept.contains("image/png") && !accept.contains("pdf"),
        "{accept}"
    );
    assert!(text(&host, ".hint").contains("2") && text(&host, ".hint").contains("1 MB"));
}

#[wasm_bindgen_test]
async fn missing_and_malformed_values_are_refused_in_the_visitors_language() {
    storage().remove_item("test.draft.refuse").unwrap();
    let host = mount_form(Locale::De, "test.draft.refuse");
    type_in(&host, "#leave-content", "Mein Paket fehlt.");
    type_in(&host, "#leave-email", "kein-at-zeichen");
    type_in(&host, "#leave-field-amount", "12,50");
    submit(&host);
    assert_eq!(
        wait_text(&host, "#leave-error-order_code").await,
        "Dieses Feld ist erforderlich."
    );
    assert_eq!(
        text(&host, "#leave-error-email"),
        "Geben Sie eine gültige E-Mail-Adresse ein."
    );
    assert_eq!(
        text(&host, "#leave-error-amount"),
        "Geben Sie eine Zahl ein, z. B. 12.50."
    );
    assert_eq!(
        el(&host, "#leave-field-order_code")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
    // Nothing typed was lost.
    assert_eq!(value(&host, "#leave-content"), "Mein Paket fehlt.");
    assert_eq!(value(&host, "#leave-email"), "kein-at-zeichen");
    // Editing a field clears its message.
    type_in(&host, "#leave-field-order_code", "A-1");
    sleep(20).await;
    assert_eq!(text(&host, "#leave-error-order_code"), "");
}

#[wasm_bindgen_test]
async fn a_failed_send_keeps_everything_and_says_so() {
    storage().remove_item("test.draft.offline").unwrap();
    let host = mount_form(Locale::En, "test.draft.offline");
    type_in(&host, "#leave-content", "Please call me back.");
    type_in(&host, "#leave-field-order_code", "A-9");
    type_in(&host, "#leave-email", "me@example.com");
    // The test runner's server has no Parley API: the send fails.
    submit(&host);
    let failure = wait_text(&host, ".leave-failure").await;
    assert!(
        failure.contains("Everything you typed is kept"),
        "{failure}"
    );
    assert_eq!(value(&host, "#leave-content"), "Please call me back.");
    assert!(el(&host, ".leave-success").has_attribute("hidden"));
    let draft = load_draft("test.draft.offline").expect("draft kept");
    assert_eq!(draft.content, "Please call me back.");
}

#[wasm_bindgen_test]
async fn typing_is_kept_as_a_draft_and_restored() {
    let key = "test.draft.restore";
    storage().remove_item(key).unwrap();
    let host = mount_form(Locale::En, key);
    assert!(el(&host, ".leave-restored").has_attribute("hidden"));
    type_in(&host, "#leave-content", "Half a sentence");
    type_in(&host, "#leave-field-order_code", "Z-3");
    sleep(50).await;
    let draft = load_draft(key).expect("draft written while typing");
    assert_eq!(draft.content, "Half a sentence");
    assert_eq!(draft.fields["order_code"], "Z-3");

    // A second mount (a reload) starts from the draft and says so.
    let again = mount_form(Locale::Ja, key);
    sleep(50).await;
    assert_eq!(value(&again, "#leave-content"), "Half a sentence");
    assert_eq!(value(&again, "#leave-field-order_code"), "Z-3");
    assert!(!el(&again, ".leave-restored").has_attribute("hidden"));
    assert_eq!(
        text(&again, ".leave-restored").trim(),
        "未送信のメッセージを復元しました。"
    );
}
