//! The message list: stored and outgoing messages, time separators, bot suggestions,
//! the typing indicator, older pages on scrolling up and the new-message indicator.
//!
//! Every visitor-, agent- or bot-supplied string is rendered as text nodes through
//! [`super::rich_text`]: formatting of the safe subset, and links (with `is_link`) as
//! `<a>` elements whose `href` passed the protocol's http(s) check.

use std::cell::Cell;
use std::sync::Arc;

use leptos::prelude::*;
use parley_protocol::api::{AgentBrief, BotOutcome, ChatMessage, Sender, Suggestion, SystemEvent};
use parley_protocol::params::Link;
use parley_protocol::Locale;
use wasm_bindgen::JsValue;

use super::cards::CardMessage;
use super::evaluation::BotFeedbackButtons;
use super::file_card::FileCard;
use super::rich_text::RichText;
use crate::i18n::{t, t_args};
use crate::model::chat_log::{Delivery, OutboxEntry, Page, Row, RowKey};
use crate::model::conversation::system_text;
use crate::route::Layout;

/// How far from the bottom (px) still counts as "at the bottom".
const BOTTOM_SLACK: i32 = 48;

/// The visitor's UTC offset in minutes at `ms`.
pub fn offset_min(ms: i64) -> i64 {
    -(js_sys::Date::new(&JsValue::from_f64(ms as f64)).get_timezone_offset() as i64)
}

/// [`offset_min`] asked of the browser once per quarter hour of UTC (time zones change
/// their offset only at quarter hours): the rows of a long conversation need the offset
/// of every message, and each question builds a JS `Date`.
pub fn offset_min_cached() -> impl Fn(i64) -> i64 {
    const QUARTER_MS: i64 = 15 * 60_000;
    let last = Cell::new((i64::MIN, 0));
    move |ms| {
        let quarter = ms.div_euclid(QUARTER_MS);
        match last.get() {
            (q, offset) if q == quarter => offset,
            _ => {
                let offset = offset_min(ms);
                last.set((quarter, offset));
                offset
            }
        }
    }
}

/// `ms` as the visitor's local time in `locale` (the browser's `Intl`, which knows
/// every locale and time zone at no cost in bundle size), with the date when it is
/// not today.
pub fn format_time(ms: i64, locale: Locale) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    let now = js_sys::Date::new_0();
    let same_day = date.get_full_year() == now.get_full_year()
        && date.get_month() == now.get_month()
        && date.get_date() == now.get_date();
    time_format(locale, !same_day)
        .call1(&JsValue::UNDEFINED, &date)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

/// The `format` of an `Intl.DateTimeFormat` for hours and minutes in `locale` (and the
/// day with `with_date`), made once per document: `Date.toLocaleString(locale, options)`
/// makes a new formatter at every call (tens of µs in V8), one per separator row.
fn time_format(locale: Locale, with_date: bool) -> js_sys::Function {
    thread_local! {
        static MADE: std::cell::RefCell<Vec<(Locale, bool, js_sys::Function)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    MADE.with_borrow_mut(|made| {
        if let Some((_, _, format)) = made.iter().find(|m| (m.0, m.1) == (locale, with_date)) {
            return format.clone();
        }
        let options = js_sys::Object::new();
        let set = |k: &str, v: &str| {
            let _ = js_sys::Reflect::set(&options, &k.into(), &v.into());
        };
        set("hour", "2-digit");
        set("minute", "2-digit");
        if with_date {
            set("month", "short");
            set("day", "numeric");
        }
        let locales = js_sys::Array::of1(&locale.code().into());
        let format = js_sys::Intl::DateTimeFormat::new(&locales, &options).format();
        made.push((locale, with_date, format.clone()));
        format
    })
}

/// Tappable questions under a bot message or the greeting.
#[component]
pub fn SuggestionList(
    /// The heading (e.g. "Did you mean:").
    title: String,
    /// The questions.
    suggestions: Vec<Suggestion>,
    /// Called with the question tapped.
    on_pick: Callback<Suggestion>,
) -> impl IntoView {
    view! {
        <div class="suggestions">
            <p class="suggestions-title">{title}</p>
            <ul>
                {suggestions
                    .into_iter()
                    .map(|s| {
                        let label = s.question.clone();
                        view! {
                            <li>
                                // The button keeps the page's direction, so every
                                // question lines up on the same side (an English one
                                // in an Arabic page too, however it wraps); the
                                // isolate inside keeps its own punctuation in order.
                                <button type="button" class="suggestion"
                                    on:click=move |_| on_pick.run(s.clone())>
                                    <bdi>{label}</bdi>
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}

/// Everything a row needs besides the row itself.
#[derive(Clone)]
struct RowContext {
    locale: Locale,
    layout: Layout,
    links: bool,
    show_face: bool,
    visitor_face: Option<String>,
    /// Agents' pictures by display name (see [`agent_faces`]).
    faces: Memo<Vec<(String, String)>>,
    on_suggestion: Callback<Suggestion>,
    on_retry: Callback<String>,
    /// The visitor session that marks bot answers helpful or not; `None` shows no marks.
    feedback_token: Option<String>,
    /// The names of the visitor, the bot and an agent without one, looked up once: a
    /// look-up reads the language's messages line by line, and a row needs one.
    you: String,
    bot_name: String,
    agent_fallback: String,
}

fn avatar(cx: &RowContext, sender: Sender, name: &str) -> Option<AnyView> {
    if !cx.show_face {
        return None;
    }
    let initial: String = name.chars().next().map(String::from).unwrap_or_default();
    Some(match sender {
        Sender::Visitor => {
            let url = cx.visitor_face.clone();
            view! { <Avatar url=Signal::derive(move || url.clone()) initial /> }.into_any()
        }
        Sender::Agent => {
            let (faces, name) = (cx.faces, name.to_owned());
            let url = Signal::derive(move || {
                faces.with(|f| {
                    f.iter()
                        .rev()
                        .find(|(n, _)| *n == name)
                        .map(|(_, u)| u.clone())
                })
            });
            view! { <Avatar url initial /> }.into_any()
        }
        Sender::Bot | Sender::System => {
            view! { <span class="avatar" aria-hidden="true">{initial}</span> }.into_any()
        }
    })
}

/// A round avatar: the picture at `url` while there is one and it loads, else the
/// name's first letter (a picture that fails to load falls back to it too).
#[component]
fn Avatar(
    /// An http(s) picture URL, already checked.
    #[prop(into)]
    url: Signal<Option<String>>,
    /// The first letter of the name.
    initial: String,
) -> impl IntoView {
    let failed = RwSignal::new(false);
    move || match url.get().filter(|_| !failed.get()) {
        Some(src) => view! {
            <img class="avatar" src=src alt="" referrerpolicy="no-referrer"
                on:error=move |_| failed.set(true) />
        }
        .into_any(),
        None => {
            view! { <span class="avatar" aria-hidden="true">{initial.clone()}</span> }.into_any()
        }
    }
}

/// Agents' pictures by display name, from the "joined" and "transferred" notices in the
/// list and the agent holding the chat now (whose notice may be older than the history
/// shown). Only http(s) URLs of printable ASCII are kept.
fn agent_faces<'a>(
    rows: impl Iterator<Item = &'a Row>,
    current: Option<AgentBrief>,
) -> Vec<(String, String)> {
    let mut faces: Vec<(String, String)> = rows
        .filter_map(|r| match r {
            Row::Stored(m) => match &m.event {
                Some(SystemEvent::AgentJoined {
                    agent_name,
                    agent_avatar: Some(url),
                    ..
                }) => Some((agent_name.clone(), url.clone())),
                Some(SystemEvent::Transferred {
                    to_agent_name: Some(name),
                    to_agent_avatar: Some(url),
                    ..
                }) => Some((name.clone(), url.clone())),
                _ => None,
            },
            _ => None,
        })
        .collect();
    if let Some(AgentBrief {
        name,
        avatar: Some(url),
        ..
    }) = current
    {
        faces.push((name, url));
    }
    // Printable ASCII only, as for links in messages: no bidi or invisible characters.
    faces.retain(|(_, url)| {
        url.bytes().all(|b| b.is_ascii_graphic()) && Link::new(url.as_str()).openable().is_some()
    });
    faces
}

fn stored_row(cx: &RowContext, m: Arc<ChatMessage>) -> AnyView {
    let locale = cx.locale;
    if m.event.is_some() || m.kind == parley_protocol::api::MessageKind::System {
        return view! { <p class="sys" dir="auto">{system_text(locale, &m)}</p> }.into_any();
    }
    if m.kind == parley_protocol::api::MessageKind::Card {
        let layout = cx.layout;
        let message = ChatMessage::clone(&m);
        return view! { <CardMessage message locale layout /> }.into_any();
    }
    let file = m
        .file
        .as_ref()
        .filter(|_| m.kind == parley_protocol::api::MessageKind::File)
        .map(|f| (**f).clone());
    // Text, offline and any kind this client does not know yet render as text.
    let name = match m.sender {
        Sender::Visitor => cx.you.clone(),
        Sender::Bot => cx.bot_name.clone(),
        Sender::Agent | Sender::System => m
            .sender_name
            .clone()
            .unwrap_or_else(|| cx.agent_fallback.clone()),
    };
    let side = if m.sender == Sender::Visitor {
        "row row-out"
    } else {
        "row row-in"
    };
    let picture = m
        .image
        .as_ref()
        .filter(|_| m.kind == parley_protocol::api::MessageKind::Image)
        .and_then(|i| Some((i.url()?, i.width, i.height)));
    let kind_class = format!(
        "msg msg-{}{}",
        m.sender.as_str(),
        if picture.is_some() {
            " msg-picture"
        } else {
            ""
        }
    );
    // A picture opens full size in a new tab; its size is reserved before it loads so
    // the list does not jump.
    let body = match (picture, file) {
        (_, Some(file)) => view! { <FileCard file locale /> }.into_any(),
        (Some((url, width, height)), None) => {
            let src = url.clone();
            view! {
            <a class="picture" href=url target="_blank" rel="noopener noreferrer">
                <img src=src alt=m.text.clone() width=width height=height loading="lazy" decoding="async" />
            </a>
            }
            .into_any()
        }
        (None, None) => view! { <RichText text=m.text.clone() links=cx.links /> }.into_any(),
    };
    let offline = (m.kind == parley_protocol::api::MessageKind::Offline)
        .then(|| view! { <span class="badge">{t(locale, "chat-offline-message")}</span> });
    let suggestions = m.bot.as_ref().filter(|b| !b.suggestions.is_empty()).map(|b| {
        let title = match b.outcome {
            BotOutcome::Suggest => t(locale, "chat-did-you-mean"),
            // Not understood: the bot offers its guided questions, titled as under
            // the greeting.
            BotOutcome::Unknown => t(locale, "chat-guide-title"),
            _ => t(locale, "chat-related-questions"),
        };
        view! {
            <SuggestionList title=title suggestions=b.suggestions.clone() on_pick=cx.on_suggestion />
        }
    });
    let shown_name =
        (m.sender != Sender::Visitor).then(|| view! { <span class="who">{name.clone()}</span> });
    let marks = cx
        .feedback_token
        .clone()
        .filter(|_| {
            m.bot
                .as_ref()
                .is_some_and(|b| b.outcome == BotOutcome::Answer)
        })
        .map(|token| {
            let (conversation_id, seq) = (m.conversation_id.clone(), m.seq);
            view! { <BotFeedbackButtons token conversation_id seq locale /> }
        });
    let face = avatar(cx, m.sender, &name);
    // Most rows have none of the optional parts, and tachys builds an absent part as a
    // comment node (a clone and an insert each; four in every row): such a row is built
    // without them (docs/performance.md, session 10).
    if face.is_none() && offline.is_none() && suggestions.is_none() && marks.is_none() {
        let label = format!("{name}: ");
        return view! {
            <div class=side>
                <div class="bubble-wrap">
                    {shown_name}
                    <div class=kind_class>
                        <span class="visually-hidden">{label}</span>
                        {body}
                    </div>
                </div>
            </div>
        }
        .into_any();
    }
    view! {
        <div class=side>
            {face}
            <div class="bubble-wrap">
                {shown_name}
                <div class=kind_class>
                    <span class="visually-hidden">{format!("{name}: ")}</span>
                    {offline}
                    {body}
                </div>
                {suggestions}
                {marks}
            </div>
        </div>
    }
    .into_any()
}

fn outgoing_row(cx: &RowContext, e: OutboxEntry, delivery: Delivery) -> AnyView {
    let locale = cx.locale;
    let status = match delivery {
        Delivery::Sent => None,
        Delivery::Pending => Some(
            view! { <span class="status pending">{t(locale, "chat-sending")}</span> }.into_any(),
        ),
        Delivery::Failed => {
            let id = e.client_id.clone();
            let on_retry = cx.on_retry;
            Some(
                view! {
                    <span class="status failed" role="alert">
                        {t(locale, "chat-send-failed")}
                        " "
                        <button type="button" class="link-button" on:click=move |_| on_retry.run(id.clone())>
                            {t(locale, "chat-retry")}
                        </button>
                    </span>
                }
                .into_any(),
            )
        }
    };
    let class = match delivery {
        Delivery::Sent => "msg msg-visitor",
        Delivery::Pending => "msg msg-visitor is-pending",
        Delivery::Failed => "msg msg-visitor is-failed",
    };
    let you = cx.you.clone();
    view! {
        <div class="row row-out">
            {avatar(cx, Sender::Visitor, &you)}
            <div class="bubble-wrap">
                <div class=class>
                    <span class="visually-hidden">{format!("{you}: ")}</span>
                    <RichText text=e.text.clone() links=cx.links />
                </div>
                {status}
            </div>
        </div>
    }
    .into_any()
}

/// A time separator.
fn time_row(ms: i64, locale: Locale) -> AnyView {
    view! {
        <p class="sep" role="separator">
            <time>{format_time(ms, locale)}</time>
        </p>
    }
    .into_any()
}

fn row_view(cx: &RowContext, row: Row) -> AnyView {
    match row {
        Row::Time(ms) => time_row(ms, cx.locale),
        Row::Stored(m) => stored_row(cx, m),
        Row::Outgoing(e, d) => outgoing_row(cx, e, d),
        Row::Note(_, text) => view! {
            <div class="row row-in hello-note">
                <div class="bubble-wrap">
                    <div class="msg msg-agent"><RichText text=text links=cx.links /></div>
                </div>
            </div>
        }
        .into_any(),
    }
}

/// The scrolling list of the conversation.
#[component]
pub fn MessageList(
    /// The rows to show, oldest first, in the pages that reached the list together.
    #[prop(into)]
    pages: Signal<Vec<Page>>,
    /// The UI language.
    locale: Locale,
    /// PC or H5 (card messages have a layout of each).
    layout: Layout,
    /// Whether http(s) links in messages are clickable (`is_link`).
    links: bool,
    /// Whether avatars show (`show_face`).
    show_face: bool,
    /// The visitor's avatar (`face`), already checked to be an http(s) URL.
    visitor_face: Option<String>,
    /// The agent holding the conversation now, whose picture shows beside their
    /// messages (with `show_face`).
    #[prop(optional, into)]
    agent: MaybeProp<AgentBrief>,
    /// The greeting at the top of the conversation.
    greeting: String,
    /// The bot's guided questions, under the greeting.
    guide: Vec<Suggestion>,
    /// Whether the agent is typing.
    #[prop(into)]
    typing: Signal<bool>,
    /// Whether older messages exist on the server.
    #[prop(into)]
    has_older: Signal<bool>,
    /// Whether a page of older messages is loading.
    #[prop(into)]
    loading_older: Signal<bool>,
    /// Asks for the page of older messages (scrolled to the top, or the button).
    on_load_older: Callback<()>,
    /// A suggestion or guided question was tapped.
    on_suggestion: Callback<Suggestion>,
    /// The visitor retries a refused message (its client id).
    on_retry: Callback<String>,
    /// The visitor session, to mark bot answers helpful or not (none: no marks).
    #[prop(optional)]
    feedback_token: Option<String>,
) -> impl IntoView {
    let list = NodeRef::<leptos::html::Div>::new();
    let at_bottom = RwSignal::new(true);
    let unseen = RwSignal::new(0usize);
    let seen_count = StoredValue::new(0usize);
    let first_key = StoredValue::new(None::<RowKey>);
    let height = StoredValue::new(0i32);

    // Keeps the view where the visitor expects it after the DOM changed: at the bottom
    // when they were there, at the same message when older ones were added above, and
    // otherwise counts what arrived below for the indicator.
    Effect::new(move |_| {
        let (count, first) = pages.with(|pages| {
            let rows = || pages.iter().flat_map(|p| &p.rows);
            let count = rows().filter(|r| !matches!(r, Row::Time(_))).count();
            let first = rows().find(|r| !matches!(r, Row::Time(_))).map(Row::key);
            (count, first)
        });
        request_animation_frame(move || {
            let Some(el) = list.get_untracked() else {
                return;
            };
            let before = seen_count.get_value();
            let prepended = before > 0 && first != first_key.get_value();
            if prepended {
                el.set_scroll_top(el.scroll_top() + el.scroll_height() - height.get_value());
            } else if at_bottom.get_untracked() {
                el.set_scroll_top(el.scroll_height());
            } else if count > before {
                unseen.update(|n| *n += count - before);
            }
            seen_count.set_value(count);
            first_key.set_value(first);
            height.set_value(el.scroll_height());
        });
    });

    let on_scroll = move |_| {
        let Some(el) = list.get_untracked() else {
            return;
        };
        let bottom = el.scroll_height() - el.scroll_top() - el.client_height() <= BOTTOM_SLACK;
        at_bottom.set(bottom);
        if bottom {
            unseen.set(0);
        }
        height.set_value(el.scroll_height());
        if el.scroll_top() < BOTTOM_SLACK
            && has_older.get_untracked()
            && !loading_older.get_untracked()
        {
            on_load_older.run(());
        }
    };
    let jump_down = move |_| {
        if let Some(el) = list.get_untracked() {
            el.set_scroll_top(el.scroll_height());
        }
        unseen.set(0);
        at_bottom.set(true);
    };

    let faces = Memo::new(move |_| {
        pages.with(|pages| agent_faces(pages.iter().flat_map(|p| &p.rows), agent.get()))
    });
    let cx = RowContext {
        locale,
        layout,
        links,
        show_face,
        visitor_face,
        faces,
        on_suggestion,
        on_retry,
        feedback_token,
        you: t(locale, "chat-you"),
        bot_name: t(locale, "chat-bot-name"),
        agent_fallback: t(locale, "chat-agent-fallback"),
    };
    let guide_view = (!guide.is_empty()).then(|| {
        view! { <SuggestionList title=t(locale, "chat-guide-title") suggestions=guide on_pick=on_suggestion /> }
    });
    let greeting_row = (!greeting.is_empty()).then(|| {
        view! {
            <div class="row row-in greeting">
                <div class="bubble-wrap">
                    <div class="msg msg-bot"><RichText text=greeting links=links /></div>
                    {guide_view}
                </div>
            </div>
        }
    });
    view! {
        <div class="messages-wrap">
            <div class="messages" node_ref=list on:scroll=on_scroll tabindex="0"
                aria-label=t(locale, "messages-label")>
                <Show when=move || has_older.get()>
                    <button type="button" class="load-older link-button"
                        disabled=move || loading_older.get()
                        on:click=move |_| on_load_older.run(())>
                        {move || if loading_older.get() { t(locale, "chat-loading-older") } else { t(locale, "chat-load-older") }}
                    </button>
                </Show>
                {greeting_row}
                // A block per page: a page of older messages put above adds one block
                // and moves no row (a keyed list moves the old items before its last
                // new one), and a new message changes only the newest page.
                <For
                    each=move || pages.get()
                    key=|p: &Page| p.key.clone()
                    children=move |page| {
                        let key = page.key;
                        let rows = Memo::new(move |_| {
                            pages.with(|pages| {
                                pages
                                    .iter()
                                    .find(|p| p.key == key)
                                    .map(|p| p.rows.clone())
                                    .unwrap_or_default()
                            })
                        });
                        let cx = cx.clone();
                        view! {
                            <div class="page">
                                <For each=move || rows.get() key=Row::key
                                    children=move |row| row_view(&cx, row) />
                            </div>
                        }
                    }
                />
                <Show when=move || typing.get()>
                    <p class="typing" role="status">
                        <span class="dots" aria-hidden="true"><i></i><i></i><i></i></span>
                        {t(locale, "chat-typing")}
                    </p>
                </Show>
            </div>
            <Show when=move || { unseen.get() > 0 }>
                <button type="button" class="new-messages" on:click=jump_down>
                    {move || t_args(locale, "chat-new-messages", &[("count", &unseen.get().to_string())])}
                    " ↓"
                </button>
            </Show>
        </div>
    }
}
