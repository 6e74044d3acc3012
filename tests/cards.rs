//! Product and order card components in headless Chromium, with the real stylesheet:
//! every order status, fees, missing fields, broken pictures, unsafe links, long titles,
//! the tray's send flow and right-to-left.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use parley_client::components::cards::{CardMessage, CardTray, CardView, SendCard};
use parley_client::route::Layout;
use parley_protocol::api::{
    ApiErrorBody, ChatMessage, ErrorCode, MessageKind, SendCardRequest, SendResponse, Sender,
};
use parley_protocol::card::{Card, OrderInfo, ProductInfo};
use parley_protocol::params::{Goods, Link, OrderStatus};
use parley_protocol::{ChatParams, Locale};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod support;

use support::{sleep, wait_until};

wasm_bindgen_test_configure!(run_in_browser);

/// Adds the shipped stylesheet to the test page once, so CSS behaviour (truncation) is
/// tested as users get it.
fn ensure_css() {
    let document = web_sys::window().unwrap().document().unwrap();
    if document.get_element_by_id("cards-css").is_none() {
        let style = document.create_element("style").unwrap();
        style.set_id("cards-css");
        style.set_text_content(Some(include_str!("../style/cards.css")));
        document.head().unwrap().append_child(&style).unwrap();
    }
}

/// Mounts `f` in a fresh 320 px wide box at the top of the page (so lazy pictures are in
/// view and load), removing earlier boxes.
fn mount<V: IntoView + 'static>(f: impl FnOnce() -> V + 'static) -> web_sys::HtmlElement {
    ensure_css();
    let document = web_sys::window().unwrap().document().unwrap();
    let old = document.query_selector_all(".card-test-host").unwrap();
    for i in 0..old.length() {
        if let Some(n) = old.item(i) {
            n.unchecked_into::<web_sys::Element>().remove();
        }
    }
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    host.set_class_name("card-test-host");
    host.set_attribute("style", "width: 320px").unwrap();
    let body = document.body().unwrap();
    body.insert_before(&host, body.first_child().as_ref())
        .unwrap();
    leptos::mount::mount_to(host.clone(), f).forget();
    host
}

fn order(info: OrderInfo, locale: Locale) -> web_sys::HtmlElement {
    mount(move || view! { <CardView card=Card::Order(info) locale layout=Layout::Pc /> })
}

fn product(info: ProductInfo, layout: Layout) -> web_sys::HtmlElement {
    mount(move || view! { <CardView card=Card::Product(info) locale=Locale::En layout /> })
}

fn text(host: &web_sys::HtmlElement, css: &str) -> Option<String> {
    host.query_selector(css)
        .unwrap()
        .map(|e| e.text_content().unwrap_or_default())
}

fn count(host: &web_sys::HtmlElement, css: &str) -> u32 {
    host.query_selector_all(css).unwrap().length()
}

const SPEC_ORDER_LINK: &str = "?sysnum=demo&order_status=1&create_time=1586414406391\
&order_code=121212&order_url=http://sg.sobot.io&goods_count=2&total_fee=1000\
&goods=[{\"name\":\"saaadad\",\"pictureUrl\":\"https://img.sobot.io/console/common/face/admin.png\"}]";

#[wasm_bindgen_test]
fn every_order_status_has_its_label_and_zero_uses_status_custom() {
    let expected = [
        (OrderStatus::ToBePaid, "To be paid", "待付款"),
        (OrderStatus::ToBeDelivered, "To be delivered", "待发货"),
        (OrderStatus::OnTheWay, "On the way", "运输中"),
        (OrderStatus::Delivering, "Delivering", "派送中"),
        (OrderStatus::Finished, "Finished", "已完成"),
        (OrderStatus::ToBeEvaluated, "To be evaluated", "待评价"),
        (OrderStatus::Canceled, "Canceled", "已取消"),
    ];
    for (status, en, zh) in expected {
        let info = OrderInfo {
            order_status: Some(status),
            order_code: Some("1".into()),
            ..Default::default()
        };
        let host = order(info.clone(), Locale::En);
        assert_eq!(text(&host, ".card-status").as_deref(), Some(en));
        let host = order(info, Locale::Zh);
        assert_eq!(text(&host, ".card-status").as_deref(), Some(zh));
    }
    let custom = OrderInfo {
        order_status: Some(OrderStatus::Custom),
        status_custom: Some("Waiting for pickup".into()),
        ..Default::default()
    };
    let host = order(custom, Locale::Fr);
    assert_eq!(
        text(&host, ".card-status").as_deref(),
        Some("Waiting for pickup")
    );
    // Status 0 without its custom text shows no label rather than a made-up one.
    let bare = OrderInfo {
        order_status: Some(OrderStatus::Custom),
        order_code: Some("9".into()),
        ..Default::default()
    };
    let host = order(bare, Locale::En);
    assert_eq!(count(&host, ".card-status"), 0);
}

#[wasm_bindgen_test]
fn fees_are_shown_from_cents() {
    for (cents, en, de) in [
        (0, "0.00", "0,00"),
        (1, "0.01", "0,01"),
        (99, "0.99", "0,99"),
        (100, "1.00", "1,00"),
        (1000, "10.00", "10,00"),
        (123_456_789, "1,234,567.89", "1.234.567,89"),
    ] {
        let info = OrderInfo {
            total_fee: Some(cents),
            ..Default::default()
        };
        let host = order(info.clone(), Locale::En);
        assert_eq!(text(&host, ".card-fee").as_deref(), Some(en), "{cents}");
        assert!(text(&host, ".card-total").unwrap().starts_with("Total:"));
        let host = order(info, Locale::De);
        assert_eq!(text(&host, ".card-fee").as_deref(), Some(de), "{cents}");
    }
}

#[wasm_bindgen_test]
fn the_spec_order_link_shows_status_count_total_goods_and_time() {
    let cards = Card::from_params(&ChatParams::from_query(SPEC_ORDER_LINK).value);
    let card = cards.into_iter().next().unwrap();
    let host = mount(move || view! { <CardView card locale=Locale::En layout=Layout::H5 /> });
    assert!(host
        .query_selector(".card-order.card-h5")
        .unwrap()
        .is_some());
    assert_eq!(text(&host, ".card-status").as_deref(), Some("To be paid"));
    assert_eq!(text(&host, ".card-goods-count").as_deref(), Some("2 items"));
    assert_eq!(text(&host, ".card-fee").as_deref(), Some("10.00"));
    assert_eq!(text(&host, ".card-goods-name").as_deref(), Some("saaadad"));
    assert_eq!(
        text(&host, ".card-order-code").as_deref(),
        Some("Order no. 121212")
    );
    // 2020-04-09 06:40 UTC in the browser's own zone; the year and minutes survive any
    // offset.
    let time = text(&host, ".card-time").unwrap();
    assert!(
        time.starts_with("Created:") && time.contains("2020") && time.contains(":40"),
        "{time}"
    );
    let img = host.query_selector(".card-goods img").unwrap().unwrap();
    assert_eq!(img.get_attribute("loading").as_deref(), Some("lazy"));
    assert_eq!(
        img.get_attribute("src").as_deref(),
        Some("https://img.sobot.io/console/common/face/admin.png")
    );
    // The order number is the link, opened safely in a new tab.
    let a = host.query_selector("a.card-order-code").unwrap().unwrap();
    assert_eq!(
        a.get_attribute("href").as_deref(),
        Some("http://sg.sobot.io")
    );
    assert_eq!(a.get_attribute("target").as_deref(), Some("_blank"));
    assert_eq!(
        a.get_attribute("rel").as_deref(),
        Some("noopener noreferrer")
    );
    // One item is singular.
    let host = order(
        OrderInfo {
            goods_count: Some(1),
            ..Default::default()
        },
        Locale::En,
    );
    assert_eq!(text(&host, ".card-goods-count").as_deref(), Some("1 item"));
}

#[wasm_bindgen_test]
fn missing_optional_fields_leave_nothing_behind() {
    let host = product(
        ProductInfo {
            card_title: "Only a title".into(),
            ..Default::default()
        },
        Layout::Pc,
    );
    assert_eq!(text(&host, ".card-title").as_deref(), Some("Only a title"));
    for css in [
        "img",
        ".card-thumb",
        ".card-desc",
        ".card-note",
        ".card-path",
        "a",
    ] {
        assert_eq!(count(&host, css), 0, "{css}");
    }
    let host = order(
        OrderInfo {
            order_code: Some("A-1".into()),
            ..Default::default()
        },
        Locale::En,
    );
    assert_eq!(
        text(&host, ".card-order-code").as_deref(),
        Some("Order no. A-1")
    );
    for css in [
        ".card-status",
        ".card-goods",
        ".card-order-summary",
        ".card-time",
        ".card-path",
        "a",
    ] {
        assert_eq!(count(&host, css), 0, "{css}");
    }
    // A goods entry without a picture keeps its place with the placeholder.
    let host = order(
        OrderInfo {
            goods: vec![Goods {
                name: Some("No picture".into()),
                picture_url: None,
            }],
            ..Default::default()
        },
        Locale::En,
    );
    assert_eq!(count(&host, ".card-goods .card-thumb-fallback"), 1);
    assert_eq!(count(&host, ".card-goods img"), 0);
}

#[wasm_bindgen_test]
async fn a_broken_picture_shows_the_fallback() {
    // Port 9 on loopback refuses the connection, so the picture fails at once.
    let host = product(
        ProductInfo {
            card_title: "Broken".into(),
            card_picture: Some(Link::new("http://127.0.0.1:9/missing.png")),
            ..Default::default()
        },
        Layout::H5,
    );
    let img = host.query_selector("img.card-thumb").unwrap().unwrap();
    assert_eq!(img.get_attribute("loading").as_deref(), Some("lazy"));
    wait_until("the fallback", || {
        host.query_selector(".card-thumb-fallback")
            .unwrap()
            .is_some()
    })
    .await;
    assert_eq!(count(&host, "img"), 0);
    let fallback = host
        .query_selector(".card-thumb-fallback")
        .unwrap()
        .unwrap();
    assert_eq!(fallback.get_attribute("role").as_deref(), Some("img"));
    assert_eq!(
        fallback.get_attribute("aria-label").as_deref(),
        Some("Picture unavailable")
    );
}

#[wasm_bindgen_test]
fn javascript_urls_are_never_clickable_and_paths_are_text() {
    for bad in [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<b>x</b>",
        "//evil.example/x",
    ] {
        let host = product(
            ProductInfo {
                card_title: "Click me".into(),
                card_url: Some(Link::new(bad)),
                card_picture: Some(Link::new(bad)),
                ..Default::default()
            },
            Layout::Pc,
        );
        assert_eq!(count(&host, "a"), 0, "{bad}");
        assert_eq!(count(&host, "img"), 0, "{bad}");
        assert_eq!(text(&host, ".card-title").as_deref(), Some("Click me"));
        let host = order(
            OrderInfo {
                order_code: Some("7".into()),
                order_url: Some(Link::new(bad)),
                ..Default::default()
            },
            Locale::En,
        );
        assert_eq!(count(&host, "a"), 0, "{bad}");
    }
    // Through the link parser, percent-encoded: still not a link.
    let cards = Card::from_params(
        &ChatParams::from_query("?card_title=X&card_url=javascript%3Aalert%281%29").value,
    );
    let card = cards.into_iter().next().unwrap();
    let host = mount(move || view! { <CardView card locale=Locale::En layout=Layout::Pc /> });
    assert_eq!(count(&host, "a"), 0);
    // A mini-program path is shown, never opened.
    let host = product(
        ProductInfo {
            card_title: "Mini".into(),
            card_url: Some(Link::new("pages/goods/detail?id=42")),
            ..Default::default()
        },
        Layout::H5,
    );
    assert_eq!(count(&host, "a"), 0);
    assert_eq!(
        text(&host, ".card-path").as_deref(),
        Some("Mini-program page: pages/goods/detail?id=42")
    );
    // An https link is one, safely.
    let host = product(
        ProductInfo {
            card_title: "Web".into(),
            card_url: Some(Link::new("https://shop.example/p/1")),
            ..Default::default()
        },
        Layout::Pc,
    );
    let a = host.query_selector("a.card-title").unwrap().unwrap();
    assert_eq!(
        a.get_attribute("href").as_deref(),
        Some("https://shop.example/p/1")
    );
    assert_eq!(a.get_attribute("target").as_deref(), Some("_blank"));
    assert_eq!(
        a.get_attribute("rel").as_deref(),
        Some("noopener noreferrer")
    );
}

#[wasm_bindgen_test]
fn long_titles_are_cut_on_screen_but_whole_for_screen_readers() {
    let long = "Ultra-light waterproof hiking jacket with detachable hood, ".repeat(6);
    let long = long.trim().to_owned();
    for (layout, linked) in [(Layout::Pc, false), (Layout::Pc, true), (Layout::H5, false)] {
        let host = product(
            ProductInfo {
                card_title: long.clone(),
                card_url: linked.then(|| Link::new("https://shop.example/jacket")),
                ..Default::default()
            },
            layout,
        );
        let title: web_sys::HtmlElement = host
            .query_selector(".card-title")
            .unwrap()
            .unwrap()
            .unchecked_into();
        // Cut on screen: the box is smaller than its content.
        let cut = title.scroll_width() > title.client_width()
            || title.scroll_height() > title.client_height();
        assert!(cut, "{layout:?}: title not truncated");
        assert!(
            title.offset_height() < 60,
            "{layout:?}: {}",
            title.offset_height()
        );
        // Whole for assistive technology and tooltips.
        assert_eq!(title.text_content().as_deref(), Some(long.as_str()));
        assert_eq!(title.get_attribute("title").as_deref(), Some(long.as_str()));
        if linked {
            let label = title.get_attribute("aria-label").unwrap();
            assert!(label.starts_with(&long), "{label}");
            assert!(label.contains("opens in a new tab"), "{label}");
        }
    }
}

fn stored(card: Card, client_id: &str) -> ChatMessage {
    ChatMessage {
        conversation_id: "c1".into(),
        seq: 3,
        client_id: Some(client_id.to_owned()),
        sender: Sender::Visitor,
        sender_name: None,
        kind: MessageKind::Card,
        text: card.summary(),
        event: None,
        bot: None,
        card: Some(Box::new(card)),
        image: None,
        file: None,
        created_at: 0,
    }
}

#[wasm_bindgen_test]
async fn the_tray_sends_once_per_client_id_shows_failures_and_goes_away() {
    let card = Card::Product(ProductInfo {
        card_title: "Sobot".into(),
        card_note: Some("¥1500".into()),
        ..Default::default()
    });
    let calls = StoredValue::new(Vec::<SendCardRequest>::new());
    let host = mount({
        let card = card.clone();
        move || {
            // The first call fails, the retry succeeds.
            let send: SendCard = Action::new_local(move |r: &SendCardRequest| {
                calls.update_value(|c| c.push(r.clone()));
                let (r, n) = (r.clone(), calls.with_value(Vec::len));
                async move {
                    sleep(50).await;
                    if n == 1 {
                        Err(parley_client::api::CallError::Api(ApiErrorBody {
                            code: ErrorCode::Internal,
                            message: "try later".into(),
                        }))
                    } else {
                        Ok(SendResponse {
                            message: stored(r.card.clone(), &r.client_id),
                            duplicate: true,
                        })
                    }
                }
            });
            view! { <CardTray card locale=Locale::En layout=Layout::Pc send /> }
        }
    });
    assert_eq!(
        text(&host, ".card-tray .card-note").as_deref(),
        Some("¥1500")
    );
    let button: web_sys::HtmlButtonElement = host
        .query_selector(".card-send")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert_eq!(button.text_content().as_deref(), Some("Send"));
    button.click();
    sleep(5).await;
    assert!(button.disabled(), "disabled while sending");
    assert_eq!(button.text_content().as_deref(), Some("Sending…"));
    wait_until("the error", || {
        host.query_selector("[role=alert]").unwrap().is_some()
    })
    .await;
    let alert = text(&host, "[role=alert]").unwrap();
    assert!(alert.contains("The card was not sent.") && alert.contains("try later"));
    assert!(!button.disabled());
    button.click();
    wait_until("the tray to go", || {
        host.query_selector(".card-tray").unwrap().is_none()
    })
    .await;
    let sent = calls.with_value(|c| c.clone());
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].client_id, sent[1].client_id, "a retry keeps its id");
    assert_eq!(sent[0].card, card);
}

#[wasm_bindgen_test]
async fn the_tray_can_be_closed_without_sending() {
    let card = Card::Order(OrderInfo {
        order_code: Some("5".into()),
        ..Default::default()
    });
    let host = mount(move || {
        let send: SendCard = Action::new_local(|_: &SendCardRequest| async {
            Err(parley_client::api::CallError::Network("unused".into()))
        });
        view! { <CardTray card locale=Locale::En layout=Layout::H5 send /> }
    });
    let close: web_sys::HtmlElement = host
        .query_selector(".card-dismiss")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert_eq!(close.get_attribute("aria-label").as_deref(), Some("Close"));
    close.click();
    wait_until("the tray to close", || count(&host, ".card-tray") == 0).await;
}

#[wasm_bindgen_test]
fn card_messages_show_the_card_and_mirror_right_to_left() {
    let cards = Card::from_params(&ChatParams::from_query(SPEC_ORDER_LINK).value);
    let message = stored(cards[0].clone(), "x");
    let host = mount(move || view! { <CardMessage message locale=Locale::Ar layout=Layout::Pc /> });
    let root = host.query_selector(".card-msg").unwrap().unwrap();
    assert_eq!(root.get_attribute("dir").as_deref(), Some("rtl"));
    assert!(root.class_list().contains("card-msg-mine"));
    assert_eq!(
        text(&host, ".card-status").as_deref(),
        Some("بانتظار الدفع")
    );
    assert_eq!(text(&host, ".card-fee").as_deref(), Some("10.00"));
    // In RTL the status sits at the inline end: left of the order number.
    let status = host.query_selector(".card-status").unwrap().unwrap();
    let code = host.query_selector(".card-order-code").unwrap().unwrap();
    assert!(
        status.get_bounding_client_rect().right() <= code.get_bounding_client_rect().left() + 1.0,
        "status should be left of the order number in RTL"
    );
    // A card message without its card falls back to the text.
    let mut bare = stored(cards[0].clone(), "y");
    bare.card = None;
    let host =
        mount(move || view! { <CardMessage message=bare locale=Locale::En layout=Layout::Pc /> });
    assert_eq!(text(&host, ".msg").as_deref(), Some("[Order] 121212"));
}
