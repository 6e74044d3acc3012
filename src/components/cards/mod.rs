//! Product and order cards: the tray above the composer that offers the link's card
//! with a Send action, and the card as a message in the conversation.
//!
//! The cards themselves ([`product::ProductCard`], [`order::OrderCard`]) are plain
//! display components over the protocol's [`Card`] type, with a PC and an H5 layout.
//! Rules every card keeps:
//!
//! * Only http/https links become `<a>` (with `target="_blank"` and
//!   `rel="noopener noreferrer"`); mini-program paths are shown as text; anything else is
//!   not shown at all ([`parley_protocol::card::link_kind`]). Links arrive already
//!   percent-decoded once by the parameter parser.
//! * Pictures load lazily and are replaced by a neutral placeholder when they fail.
//! * Long titles are cut by CSS only; the text node keeps the full title, and `title`
//!   gives it to pointer users, so screen readers and tooltips get all of it.
//! * Everything is a text node; nothing from a link is ever parsed as HTML.
//! * Layout uses logical CSS properties (`style/cards.css`), so right-to-left locales
//!   mirror without extra rules; each card also carries the locale's `dir`.

pub mod order;
pub mod product;

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use parley_protocol::api::{ChatMessage, SendCardRequest, SendResponse, Sender};
use parley_protocol::card::{link_kind, Card, LinkKind};
use parley_protocol::params::Link;
use parley_protocol::Locale;

use crate::api::CallError;
use crate::i18n::{t, t_args};
use crate::route::Layout;

/// The action that sends a card: `POST /api/chat/card` on the chat page, anything
/// returning the same result in tests.
pub type SendCard = Action<SendCardRequest, Result<SendResponse, CallError>>;

/// The `dir` attribute for a locale.
pub(crate) fn dir(locale: Locale) -> &'static str {
    if locale.is_rtl() {
        "rtl"
    } else {
        "ltr"
    }
}

/// The layout's class suffix.
pub(crate) fn layout_class(layout: Layout) -> &'static str {
    match layout {
        Layout::Pc => "card-pc",
        Layout::H5 => "card-h5",
    }
}

/// A new client id for one card send; kept for the tray's lifetime, so a retry after a
/// lost answer is stored once.
fn new_client_id() -> String {
    crate::api::new_client_id("card-")
}

/// `text` wrapped in a link when `link` is an http/https URL (opened in a new tab with
/// no opener or referrer), else as plain text in a `<span>`. The accessible name is the
/// full text plus a note that a new tab opens.
pub(crate) fn linked_text(
    locale: Locale,
    link: Option<&Link>,
    class: &'static str,
    text: String,
) -> impl IntoView {
    match link.map(link_kind) {
        Some(LinkKind::Web(url)) => {
            let label = format!("{text} ({})", t(locale, "card-opens-new-tab"));
            let full = text.clone();
            Either::Left(view! {
                <a
                    class=class
                    href=url.to_owned()
                    target="_blank"
                    rel="noopener noreferrer"
                    title=full
                    aria-label=label
                    dir="auto"
                >
                    {text}
                </a>
            })
        }
        _ => {
            let full = text.clone();
            Either::Right(view! { <span class=class title=full dir="auto">{text}</span> })
        }
    }
}

/// The mini-program page path of a card link, shown (never opened) as the spec asks:
/// such paths "can only be opened within WeChat".
pub(crate) fn path_note(locale: Locale, link: Option<&Link>) -> Option<impl IntoView> {
    match link.map(link_kind) {
        Some(LinkKind::Path(path)) => Some(view! {
            <p class="card-path">{t_args(locale, "card-path-note", &[("path", path)])}</p>
        }),
        _ => None,
    }
}

/// A lazily loaded thumbnail. Only http/https pictures are requested; a picture that
/// fails to load (or none at all, when `always` is set) shows a neutral placeholder
/// with an accessible name instead of the browser's broken-image icon.
#[component]
pub fn Thumb(
    /// The picture; only http/https URLs are loaded.
    picture: Option<Link>,
    /// The visitor's language, for the placeholder's accessible name.
    locale: Locale,
    /// Whether to show the placeholder when there is no picture at all (order goods keep
    /// their grid aligned); product cards without a picture show nothing.
    #[prop(optional)]
    always: bool,
) -> impl IntoView {
    let url = picture
        .as_ref()
        .and_then(|p| p.openable())
        .map(str::to_owned);
    let broken = RwSignal::new(false);
    let placeholder = move || {
        view! {
            <span
                class="card-thumb card-thumb-fallback"
                role="img"
                aria-label=t(locale, "card-picture-missing")
            ></span>
        }
    };
    match url {
        Some(url) => EitherOf3::A(view! {
            <Show when=move || !broken.get() fallback=placeholder>
                <img
                    class="card-thumb"
                    src=url.clone()
                    alt=""
                    loading="lazy"
                    decoding="async"
                    referrerpolicy="no-referrer"
                    on:error=move |_| broken.set(true)
                />
            </Show>
        }),
        None if always => EitherOf3::B(placeholder()),
        None => EitherOf3::C(()),
    }
}

/// A card in either layout: the product or the order component.
#[component]
pub fn CardView(
    /// The card to show.
    card: Card,
    /// The visitor's language (labels, number and date formats, `dir`).
    locale: Locale,
    /// PC or H5.
    layout: Layout,
) -> impl IntoView {
    match card {
        Card::Product(info) => Either::Left(view! { <product::ProductCard info locale layout /> }),
        Card::Order(info) => Either::Right(view! { <order::OrderCard info locale layout /> }),
    }
}

/// The card the link carried, offered above the composer: the card itself, a Send
/// button and a close button. While sending, the button is disabled and says so; when
/// sending fails, an alert says why and Send retries with the same client id (so a
/// request that did arrive is stored once); once sent, the tray goes away (the card is
/// then a message in the conversation, see [`CardMessage`]).
#[component]
pub fn CardTray(
    /// The card to offer (from [`Card::from_params`]).
    card: Card,
    /// The visitor's language.
    locale: Locale,
    /// PC or H5.
    layout: Layout,
    /// Sends the card: one action per tray. The tray dispatches
    /// `SendCardRequest { client_id, card }` and shows the action's pending state and
    /// result; the page owns the action, so it decides where the stored message goes.
    send: SendCard,
) -> impl IntoView {
    let client_id = StoredValue::new(new_client_id());
    let dismissed = RwSignal::new(false);
    let pending = send.pending();
    let result = send.value();
    let sent = move || result.with(|r| matches!(r, Some(Ok(_))));
    let error = move || {
        if pending.get() {
            return None;
        }
        result.with(|r| match r {
            Some(Err(CallError::Api(body))) => Some(body.message.clone()),
            Some(Err(CallError::Network(_))) => Some(t(locale, "error-network")),
            _ => None,
        })
    };
    let shown = move || !sent() && !dismissed.get();
    let to_send = StoredValue::new(card.clone());
    let on_send = move |_| {
        send.dispatch_local(SendCardRequest {
            client_id: client_id.get_value(),
            card: to_send.get_value(),
        });
    };
    let class = match layout {
        Layout::Pc => "card-tray card-tray-pc",
        Layout::H5 => "card-tray card-tray-h5",
    };
    view! {
        <Show when=shown>
            <section class=class aria-label=t(locale, "card-tray-label") dir=dir(locale)>
                <CardView card=card.clone() locale layout />
                <div class="card-tray-actions">
                    <button
                        type="button"
                        class="card-dismiss"
                        aria-label=t(locale, "card-dismiss")
                        title=t(locale, "card-dismiss")
                        on:click=move |_| dismissed.set(true)
                    >
                        "×"
                    </button>
                    <button
                        type="button"
                        class="card-send"
                        disabled=move || pending.get()
                        aria-busy=move || pending.get().to_string()
                        on:click=on_send
                    >
                        {move || {
                            if pending.get() { t(locale, "card-sending") } else { t(locale, "card-send") }
                        }}
                    </button>
                </div>
                {move || error().map(|message| view! {
                    <p class="card-error" role="alert">
                        {t(locale, "card-send-failed")}
                        " "
                        <span class="card-error-detail">{message}</span>
                    </p>
                })}
            </section>
        </Show>
    }
}

/// The link's cards that the visitor has not sent yet in the visible history: opening
/// the same link again does not offer a card that is already in the conversation.
pub fn not_yet_sent(cards: &[Card], history: &[ChatMessage]) -> Vec<Card> {
    cards
        .iter()
        .filter(|card| {
            !history
                .iter()
                .any(|m| m.sender == Sender::Visitor && m.card.as_deref() == Some(*card))
        })
        .cloned()
        .collect()
}

/// Every card the link carried, each in its own [`CardTray`] sending with
/// `POST /api/chat/card`; `on_sent` gets each stored message so the page can show it in
/// the conversation.
#[component]
pub fn LinkCardTrays(
    /// The cards, from [`Card::from_params`] over the page's parsed link.
    cards: Vec<Card>,
    /// The visitor's session token (from init).
    token: String,
    /// The visitor's language.
    locale: Locale,
    /// PC or H5.
    layout: Layout,
    /// Called with the stored card message after each successful send.
    on_sent: Callback<ChatMessage>,
) -> impl IntoView {
    cards
        .into_iter()
        .map(|card| {
            let token = token.clone();
            let send: SendCard = Action::new_local(move |request: &SendCardRequest| {
                let (token, request) = (token.clone(), request.clone());
                async move {
                    let answer = crate::api::send_card(&token, &request).await;
                    // A duplicate is a retry whose first answer was lost: the page has
                    // not shown that message yet either.
                    if let Ok(ok) = &answer {
                        on_sent.run(ok.message.clone());
                    }
                    answer
                }
            });
            view! { <CardTray card locale layout send /> }
        })
        .collect_view()
}

/// A card message in the conversation history: the card, on the sender's side. A card
/// message whose card is missing (an older server) falls back to its plain text.
#[component]
pub fn CardMessage(
    /// The stored message (kind `card`).
    message: ChatMessage,
    /// The visitor's language.
    locale: Locale,
    /// PC or H5.
    layout: Layout,
) -> impl IntoView {
    let side = match message.sender {
        Sender::Visitor => "card-msg card-msg-mine",
        _ => "card-msg card-msg-theirs",
    };
    view! {
        <div class=side dir=dir(locale) data-seq=message.seq.to_string()>
            {match message.card {
                Some(card) => Either::Left(view! { <CardView card=*card locale layout /> }),
                None => Either::Right(view! { <p class="msg">{message.text}</p> }),
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parley_protocol::api::MessageKind;
    use parley_protocol::card::{OrderInfo, ProductInfo};

    fn message(sender: Sender, card: &Card) -> ChatMessage {
        ChatMessage {
            conversation_id: "c".into(),
            seq: 1,
            client_id: None,
            sender,
            sender_name: None,
            kind: MessageKind::Card,
            text: card.summary(),
            event: None,
            bot: None,
            card: Some(Box::new(card.clone())),
            image: None,
            file: None,
            created_at: 0,
        }
    }

    #[test]
    fn cards_already_sent_by_the_visitor_are_not_offered_again() {
        let product = Card::Product(ProductInfo {
            card_title: "T".into(),
            ..Default::default()
        });
        let order = Card::Order(OrderInfo {
            order_code: Some("1".into()),
            ..Default::default()
        });
        let cards = vec![product.clone(), order.clone()];
        assert_eq!(not_yet_sent(&cards, &[]), cards);
        let history = [message(Sender::Visitor, &order)];
        assert_eq!(not_yet_sent(&cards, &history), vec![product.clone()]);
        // The same card from someone else (an agent quoting it) does not count.
        let history = [message(Sender::Agent, &product)];
        assert_eq!(not_yet_sent(&cards, &history), cards);
    }
}
