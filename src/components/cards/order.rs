//! The order card: status, order number, goods, count, total and creation time.

use leptos::prelude::*;
use parley_protocol::card::{format_create_time, format_fee, status_label_key, OrderInfo};
use parley_protocol::params::OrderStatus;
use parley_protocol::Locale;

use super::{dir, layout_class, linked_text, path_note, Thumb};
use crate::i18n::{t, t_args};
use crate::route::Layout;

/// The status label: the localized label of statuses 1 to 7, the card's own
/// `status_custom` for status 0, nothing when neither is known.
pub fn status_text(locale: Locale, info: &OrderInfo) -> Option<String> {
    match info.order_status? {
        OrderStatus::Custom => info.status_custom.clone(),
        status => status_label_key(status).map(|key| t(locale, key)),
    }
}

/// "2 items" in the visitor's language (a separate message for exactly one).
pub fn goods_count_text(locale: Locale, count: u64) -> String {
    let key = if count == 1 {
        "card-goods-count-one"
    } else {
        "card-goods-count"
    };
    t_args(locale, key, &[("count", &count.to_string())])
}

/// The browser's offset from UTC, in minutes east, at the instant `ms` (so a time in
/// summer uses the summer offset).
fn browser_offset_minutes(ms: u64) -> i32 {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    -(date.get_timezone_offset() as i32)
}

/// An order card. On PC the goods are a compact list; on H5 the card is full width with
/// the status at the inline end of its header. Missing optional fields leave no empty
/// lines; the amount is formatted from cents with integer arithmetic.
#[component]
pub fn OrderCard(
    /// The card's fields.
    info: OrderInfo,
    /// The visitor's language (labels, number and date formats, `dir`).
    locale: Locale,
    /// PC or H5.
    layout: Layout,
) -> impl IntoView {
    let class = format!("card card-order {}", layout_class(layout));
    let status = status_text(locale, &info);
    let code = info.order_code.clone().map(|code| {
        let text = t_args(locale, "card-order-code", &[("code", &code)]);
        linked_text(locale, info.order_url.as_ref(), "card-order-code", text)
    });
    // Without an order number, the link still needs something to click.
    let bare_link = match (&info.order_code, &info.order_url) {
        (None, Some(_)) => Some(linked_text(
            locale,
            info.order_url.as_ref(),
            "card-order-link",
            t(locale, "card-order-view"),
        )),
        _ => None,
    };
    let goods = info
        .goods
        .iter()
        .map(|g| {
            view! {
                <li class="card-goods-item">
                    <Thumb picture=g.picture_url.clone() locale always=true />
                    {g.name.clone().map(|n| {
                        let full = n.clone();
                        view! { <span class="card-goods-name" title=full dir="auto">{n}</span> }
                    })}
                </li>
            }
        })
        .collect_view();
    let count = info
        .goods_count
        .map(|c| view! { <span class="card-goods-count">{goods_count_text(locale, c)}</span> });
    let total = info.total_fee.map(|fee| {
        let amount = format_fee(fee, locale);
        view! {
            <span class="card-total">
                {t(locale, "card-total")}
                " "
                <bdi class="card-fee">{amount}</bdi>
            </span>
        }
    });
    let time = info.create_time.and_then(|ms| {
        format_create_time(ms, browser_offset_minutes(ms), locale).map(|when| {
            view! {
                <p class="card-time">
                    {t(locale, "card-created")}
                    " "
                    <bdi>{when}</bdi>
                </p>
            }
        })
    });
    let has_goods = !info.goods.is_empty();
    let has_summary = info.goods_count.is_some() || info.total_fee.is_some();
    view! {
        <article class=class aria-label=t(locale, "card-order-label") dir=dir(locale)>
            <header class="card-order-head">
                {code}
                {status.map(|s| view! { <span class="card-status" dir="auto">{s}</span> })}
            </header>
            {has_goods.then(|| view! { <ul class="card-goods">{goods}</ul> })}
            {has_summary.then(|| view! { <p class="card-order-summary">{count}{total}</p> })}
            {time}
            {bare_link}
            {path_note(locale, info.order_url.as_ref())}
        </article>
    }
}
