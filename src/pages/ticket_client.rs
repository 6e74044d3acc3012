//! The ticket plug-in page, `/ticketclient/index.html?sysNum=…&deployId=…&params=…`.
//!
//! The deployment picks the template; `params` carries docking fields (the spec's
//! example is a product card) that the tenant declares, shown above the form and stored
//! with the ticket; the customer identification fields (`partnerId`, `paramUnionId`,
//! `tel`, `email`, …) choose whose tickets are created and listed. Undeclared fields
//! are dropped by the server and reported on the console (and in the `debug=1` panel).

use leptos::prelude::*;
use parley_protocol::params::{FieldMap, Link};
use parley_protocol::Locale;

use crate::i18n::t;
use crate::pages::leave_message::LeaveMessagePage;

/// The ticket plug-in page: the leave-message page with the docking card.
#[component]
pub fn TicketClientPage() -> impl IntoView {
    view! { <LeaveMessagePage plugin=true /> }
}

/// The docking fields as a card: the spec's product-card keys get their natural place
/// (picture, linked title, description, price); any other declared field is a line of
/// `key: value`. Everything is text; links and pictures only for http/https.
pub fn docking_card(docking: &FieldMap, locale: Locale) -> impl IntoView {
    let get = |k: &str| docking.get(k).cloned();
    let picture = get("card_picture").and_then(|u| Link::new(u).openable().map(str::to_owned));
    let url = get("card_url").and_then(|u| Link::new(u).openable().map(str::to_owned));
    let title = get("card_title");
    let known = [
        "card_picture",
        "card_url",
        "card_title",
        "card_desc",
        "card_note",
    ];
    let others: Vec<(String, String)> = docking
        .iter()
        .filter(|(k, _)| !known.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    view! {
        <aside class="docking-card" aria-label=t(locale, "ticket-docking-title")>
            {picture.map(|src| view! { <img class="card-picture" src=src alt="" loading="lazy" referrerpolicy="no-referrer" /> })}
            <div class="card-body">
                {match (title, url) {
                    (Some(title), Some(href)) => Some(view! {
                        <a class="card-title" href=href target="_blank" rel="noopener noreferrer">{title}</a>
                    }.into_any()),
                    (Some(title), None) => Some(view! { <strong class="card-title">{title}</strong> }.into_any()),
                    _ => None,
                }}
                {get("card_desc").map(|d| view! { <p class="card-desc">{d}</p> })}
                {get("card_note").map(|n| view! { <p class="card-note">{n}</p> })}
                {others.into_iter().map(|(k, v)| view! { <p class="card-extra">{k}": "{v}</p> }).collect_view()}
            </div>
        </aside>
    }
}
