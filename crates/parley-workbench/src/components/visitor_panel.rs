//! The right column: who the visitor is. The CRM fields the link, `zc` or token
//! carried, `params` and `customer_fields` (named by the tenant's declared fields),
//! `summaryparams`, VIP level and tags, the browser / device and the source (channel)
//! of this visit, the cards, the browsing track (the newest page first, the landing
//! page last), and the visitor's earlier conversations and tickets.

use leptos::prelude::*;
use leptos_router::components::A;
use parley_protocol::api::{VisitorDetail, VisitorProfile};

use crate::{api, use_wb};

fn row(label: String, value: Option<String>) -> Option<AnyView> {
    let value = value.filter(|v| !v.is_empty())?;
    Some(view! { <dt>{label}</dt><dd>{value}</dd> }.into_any())
}

fn crm(p: &VisitorProfile, t: &dyn Fn(&str) -> String) -> Vec<AnyView> {
    [
        ("field-uname", p.uname.clone()),
        ("field-realname", p.realname.clone()),
        ("field-tel", p.tel.clone()),
        ("field-email", p.email.clone()),
        ("field-qq", p.qq.clone()),
        ("field-enterprise", p.enterprise_name.clone()),
        ("field-partnerid", p.partnerid.clone()),
        ("field-claimed-partnerid", p.claimed_partnerid.clone()),
        ("field-remark", p.remark.clone()),
    ]
    .into_iter()
    .filter_map(|(k, v)| row(t(k), v))
    .collect()
}

/// The message key naming a link's `source` channel code (the spec's codes); `None`
/// for a code the spec does not define.
pub fn source_key(code: u8) -> Option<&'static str> {
    Some(match code {
        0 => "source-pc",
        1 => "source-wechat",
        2 => "source-app",
        3 => "source-weibo",
        4 => "source-h5",
        9 => "source-wecom",
        10 => "source-mini-program",
        _ => return None,
    })
}

/// The panel for `visitor_id`.
#[component]
pub fn VisitorPanel(visitor_id: String) -> impl IntoView {
    let wb = use_wb();
    let vid = StoredValue::new(visitor_id);
    let detail = LocalResource::new(move || {
        let token = wb.token();
        let id = vid.get_value();
        async move { api::visitor_detail(&token, &id).await }
    });
    view! {
        <aside class="visitor" aria-labelledby="visitor-title">
            <h2 id="visitor-title">{wb.t("visitor-panel")}</h2>
            {move || match detail.get() {
                None => view! { <p class="empty">{wb.t("loading")}</p> }.into_any(),
                Some(Err(e)) => {
                    let e = wb.check(e);
                    view! { <p class="error" role="alert">{wb.t(e.message_key())}</p> }.into_any()
                }
                Some(Ok(d)) => view! { <Detail d /> }.into_any(),
            }}
        </aside>
    }
}

/// The panel for a visitor who overflowed from partner `origin`: their profile, track
/// and tickets belong to that company, and the server shows them only to its agents.
#[component]
pub fn PartnerVisitorPanel(origin: String) -> impl IntoView {
    let wb = use_wb();
    view! {
        <aside class="visitor" aria-labelledby="visitor-title">
            <h2 id="visitor-title">{wb.t("visitor-panel")}</h2>
            <p class="empty">{wb.t("visitor-elsewhere").replace("{ $tenant }", &origin)}</p>
        </aside>
    }
}

#[component]
fn Detail(d: VisitorDetail) -> impl IntoView {
    let wb = use_wb();
    let t = move |k: &str| wb.t(k);
    let p = d.profile.clone();
    let face = p
        .face
        .as_deref()
        .filter(|f| f.starts_with("https://") || f.starts_with("http://"))
        .map(
            |f| view! { <img class="face" src=f.to_owned() alt="" referrerpolicy="no-referrer" /> },
        );
    let vip = p
        .vip_level
        .clone()
        .map(|l| l.name)
        .or(p.is_vip.then(|| t("tier-vip")));
    let tags = p.tags.clone();
    let labels = d.field_labels.clone();
    let custom: Vec<_> = p
        .customer_fields
        .iter()
        .map(|(k, v)| {
            (
                labels.get(k).cloned().unwrap_or_else(|| k.clone()),
                v.clone(),
            )
        })
        .collect();
    let params: Vec<_> = p.params.clone().into_iter().collect();
    let summary: Vec<_> = p
        .summary_params
        .iter()
        .map(|(k, v)| {
            let text = v
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| v.to_string());
            (k.clone(), text)
        })
        .collect();
    let cards: Vec<_> = p.cards.iter().flat_map(link_cards).collect();
    let landing = d.traces.last().map(|tr| tr.page.clone());
    let traces = d.traces.clone();
    let conversations = d.conversations.clone();
    let tickets = d.tickets.clone();
    let locale = wb.locale.get_untracked();
    view! {
        <div class="who-head">
            {face}
            <div>
                <strong class="visitor-name">{p.uname.clone().or(p.realname.clone()).unwrap_or_else(|| t("visitor"))}</strong>
                {vip.map(|v| view! { <span class="badge vip">{v}</span> })}
                <div class="tags">
                    {tags.into_iter().map(|tag| view! { <span class="tag">{tag.name}</span> }).collect_view()}
                </div>
            </div>
        </div>
        <h3>{t("panel-crm")}</h3>
        <dl class="facts">
            {crm(&p, &t)}
            {row(t("panel-browser"), d.browser.clone())}
            {row(t("panel-source"), d.source.map(|c| source_key(c).map(t).unwrap_or_else(|| c.to_string())))}
        </dl>
        <Show when={let e = custom.is_empty() && params.is_empty(); move || !e}>
            <h3>{t("panel-fields")}</h3>
        </Show>
        <dl class="facts">
            {custom.clone().into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
            {params.clone().into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
        </dl>
        {(!summary.is_empty()).then(|| view! {
            <h3>{t("panel-summary")}</h3>
            <dl class="facts">
                {summary.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
            </dl>
        })}
        {(!cards.is_empty()).then(|| view! {
            <h3>{t("panel-cards")}</h3>
            {cards.into_iter().map(|card| view! { <crate::components::card::CardView card locale /> }).collect_view()}
        })}
        <h3>{t("panel-track")}</h3>
        {landing.map(|page| view! {
            <p class="landing">{t("panel-landing")} " " {page_link(&page)}</p>
        })}
        <ol class="track">
            {traces.into_iter().map(|tr| view! {
                <li>{page_link(&tr.page)} " " <time>{super::clock(tr.at, true)}</time></li>
            }).collect_view()}
        </ol>
        <h3>{t("panel-history")}</h3>
        <ul class="history">
            {conversations.into_iter().map(|c| view! {
                <li>
                    <A href=format!("/agent/conversations/{}", c.id)>
                        {super::clock(c.created_at, true)} " · " {wb.t(&format!("state-{}", c.state.as_str()))}
                    </A>
                    {c.preview.map(|p| view! { <span class="preview">{p}</span> })}
                </li>
            }).collect_view()}
        </ul>
        <h3>{t("panel-tickets")}</h3>
        <ul class="history">
            {tickets.into_iter().map(|tk| view! {
                <li>
                    <A href=format!("/agent/tickets/{}", tk.id)>{format!("#{} · {}", tk.number, wb.t(&format!("ticket-{}", tk.status.as_str())))}</A>
                    <span class="preview">{crate::model::preview(&tk.content)}</span>
                </li>
            }).collect_view()}
        </ul>
    }
}

/// A page of the track: a link when its address is http(s), its title as text.
fn page_link(page: &parley_protocol::api::VisitPage) -> AnyView {
    let label = if page.title.is_empty() {
        page.url.clone()
    } else {
        page.title.clone()
    };
    if page.url.starts_with("https://") || page.url.starts_with("http://") {
        view! { <a href=page.url.clone() target="_blank" rel="noopener noreferrer">{label}</a> }
            .into_any()
    } else {
        view! { <span>{label}</span> }.into_any()
    }
}

/// The profile keeps the link's cards as the link's parameter groups (JSON of
/// `ProductCard` / `OrderCard`); the protocol's `Card::from_params` makes them cards,
/// as the chat does.
fn link_cards(value: &serde_json::Value) -> Vec<parley_protocol::card::Card> {
    use parley_protocol::params::{OrderCard, ProductCard};
    let mut params = parley_protocol::ChatParams::default();
    if value.get("card_title").is_some_and(|t| !t.is_null()) {
        match serde_json::from_value::<ProductCard>(value.clone()) {
            Ok(p) => params.product_card = p,
            Err(_) => return Vec::new(),
        }
    } else {
        match serde_json::from_value::<OrderCard>(value.clone()) {
            Ok(o) => params.order_card = o,
            Err(_) => return Vec::new(),
        }
    }
    parley_protocol::card::Card::from_params(&params)
}

#[cfg(test)]
mod tests {
    use super::source_key;
    use crate::i18n::t;
    use parley_protocol::Locale;

    #[test]
    fn every_spec_source_code_has_a_name_in_both_languages() {
        for code in [0, 1, 2, 3, 4, 9, 10] {
            let key = source_key(code).expect("a spec code");
            assert_ne!(t(Locale::En, key), key, "{key} has English text");
            assert_ne!(t(Locale::Zh, key), key, "{key} has Chinese text");
        }
        assert_eq!(source_key(5), None);
    }
}
