//! The product card: picture, title (the link when it is http/https), description and
//! note (e.g. a price).

use leptos::prelude::*;
use parley_protocol::card::ProductInfo;
use parley_protocol::Locale;

use super::{dir, layout_class, linked_text, path_note, Thumb};
use crate::i18n::t;
use crate::route::Layout;

/// A product card. On PC the picture sits at the inline start of a compact row; on H5
/// the card is full width with a larger picture. Optional fields that are missing leave
/// no empty lines.
#[component]
pub fn ProductCard(
    /// The card's fields.
    info: ProductInfo,
    /// The visitor's language (labels, `dir`).
    locale: Locale,
    /// PC or H5.
    layout: Layout,
) -> impl IntoView {
    let class = format!("card card-product {}", layout_class(layout));
    let title = info.card_title.clone();
    view! {
        <article class=class aria-label=t(locale, "card-product-label") dir=dir(locale)>
            <Thumb picture=info.card_picture.clone() locale />
            <div class="card-body">
                {linked_text(locale, info.card_url.as_ref(), "card-title", title)}
                {info.card_desc.clone().map(|d| view! { <p class="card-desc" dir="auto">{d}</p> })}
                {info.card_note.clone().map(|n| view! { <p class="card-note" dir="auto">{n}</p> })}
                {path_note(locale, info.card_url.as_ref())}
            </div>
        </article>
    }
}
