//! Product and order cards in full, with the protocol's own helpers: the fee from
//! cents in the page's number format, the order status label, links only when
//! `link_kind` says they are web links (a mini-program path is shown as text).

use leptos::prelude::*;
use parley_protocol::card::{format_fee, link_kind, status_label_key, Card, LinkKind};
use parley_protocol::params::{Link, OrderStatus};
use parley_protocol::Locale;

use crate::i18n::t;

fn link(locale: Locale, target: Option<&Link>, text: String) -> AnyView {
    match target.map(link_kind) {
        Some(LinkKind::Web(url)) => view! {
            <a href=url.to_owned() target="_blank" rel="noopener noreferrer">{text}</a>
        }
        .into_any(),
        Some(LinkKind::Path(path)) => view! {
            <span>{text}</span>
            <span class="path" title=t(locale, "card-path")>{path.to_owned()}</span>
        }
        .into_any(),
        _ => view! { <span>{text}</span> }.into_any(),
    }
}

fn picture(target: Option<&Link>) -> Option<AnyView> {
    let url = target?.openable()?.to_owned();
    Some(view! { <img class="card-pic" src=url alt="" loading="lazy" referrerpolicy="no-referrer" /> }.into_any())
}

/// A card as agents see it.
#[component]
pub fn CardView(card: Card, locale: Locale) -> impl IntoView {
    match card {
        Card::Product(p) => view! {
            <div class="card card-product">
                {picture(p.card_picture.as_ref())}
                <div class="card-body">
                    <strong>{link(locale, p.card_url.as_ref(), p.card_title.clone())}</strong>
                    {p.card_desc.map(|d| view! { <p>{d}</p> })}
                    {p.card_note.map(|n| view! { <p class="note">{n}</p> })}
                </div>
            </div>
        }
        .into_any(),
        Card::Order(o) => {
            let status = match o.order_status {
                Some(OrderStatus::Custom) => o.status_custom.clone(),
                Some(s) => status_label_key(s).map(|k| t(locale, k)),
                None => None,
            };
            let code = o.order_code.clone().map(|c| {
                link(
                    locale,
                    o.order_url.as_ref(),
                    format!("{} {c}", t(locale, "card-order")),
                )
            });
            let created = o.create_time.map(|ms| super::clock(ms as i64, true));
            let goods = o.goods.clone();
            view! {
                <div class="card card-order">
                    <div class="card-head">
                        {code}
                        {status.map(|s| view! { <span class="order-status">{s}</span> })}
                    </div>
                    <ul class="goods">
                        {goods.into_iter().map(|g| view! {
                            <li>
                                {picture(g.picture_url.as_ref())}
                                <span>{g.name.unwrap_or_default()}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                    <dl class="order-facts">
                        {o.goods_count.map(|n| view! { <dt>{t(locale, "card-goods-count")}</dt><dd>{n.to_string()}</dd> })}
                        {o.total_fee.map(|f| view! { <dt>{t(locale, "card-total")}</dt><dd class="fee">{format_fee(f, locale)}</dd> })}
                        {created.map(|c| view! { <dt>{t(locale, "card-created")}</dt><dd>{c}</dd> })}
                    </dl>
                </div>
            }
            .into_any()
        }
    }
}
