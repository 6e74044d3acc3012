//! Component tests of the chat view in headless Chromium: rendering, interaction, and an
//! XSS corpus through every text field that visitors, agents, the bot or the link can
//! fill. Run with
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p parley-client --target wasm32-unknown-unknown --test chat_components`.
#![cfg(target_arch = "wasm32")]

use std::sync::{Arc, Mutex};

use leptos::prelude::*;
use parley_client::components::composer::Composer;
use parley_client::components::connection_banner::ConnectionBanner;
use parley_client::components::message_list::MessageList;
use parley_client::components::reception_notice::ReceptionNotice;
use parley_client::components::top_bar::TopBar;
use parley_client::hooks::use_chat_socket::SocketStatus;
use parley_client::model::chat_log::{ChatLog, OutboxEntry, Page};
use parley_client::route::Layout;
use parley_protocol::api::{
    BotOutcome, BotReply, ChatMessage, EndReason, GroupView, MessageKind, Reception, Sender,
    Suggestion, SystemEvent,
};
use parley_protocol::params::OpenStyle;
use parley_protocol::Locale;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod support;

use support::{mount, sleep};

wasm_bindgen_test_configure!(run_in_browser);

/// Script tags, event-handler attributes, dangerous URL schemes and bidi tricks.
const XSS: [&str; 8] = [
    "<script>window.__pwned = 1</script>",
    "<img src=x onerror=\"window.__pwned = 1\">",
    "javascript:window.__pwned=1",
    "data:text/html,<script>window.__pwned=1</script>",
    "<a href=\"javascript:window.__pwned=1\">click</a>",
    "https://ok.example/\u{202E}gpj.exe",
    "\u{2067}evil\u{2069} <svg onload=\"window.__pwned=1\">",
    "\"><iframe src=javascript:window.__pwned=1>",
];

fn message(seq: i64, sender: Sender, text: &str, name: Option<&str>) -> ChatMessage {
    ChatMessage {
        conversation_id: "c1".into(),
        seq,
        client_id: None,
        sender,
        sender_name: name.map(Into::into),
        kind: MessageKind::Text,
        text: text.into(),
        event: None,
        bot: None,
        card: None,
        image: None,
        file: None,
        created_at: 1_700_000_000_000 + seq * 1000,
    }
}

/// Nothing in `host` is active markup: no script, img, iframe or svg elements, no
/// `on*` attribute, and every link is http(s) with `rel="noopener noreferrer"`.
fn assert_inert(host: &web_sys::HtmlElement) {
    for tag in ["script", "img", "iframe", "svg", "object", "embed"] {
        assert!(
            host.query_selector(tag).unwrap().is_none(),
            "a <{tag}> element was created: {}",
            host.inner_html()
        );
    }
    let all = host.query_selector_all("*").unwrap();
    for i in 0..all.length() {
        let el: web_sys::Element = all.item(i).unwrap().unchecked_into();
        let names = el.get_attribute_names();
        for j in 0..names.length() {
            let name = names.get(j).as_string().unwrap();
            assert!(
                !name.to_ascii_lowercase().starts_with("on"),
                "attribute {name} on <{}>",
                el.tag_name()
            );
        }
        if el.tag_name() == "A" {
            let href = el.get_attribute("href").unwrap_or_default();
            let is_page_link = href.starts_with('/');
            assert!(
                is_page_link || href.starts_with("https://") || href.starts_with("http://"),
                "unsafe href {href:?}"
            );
            if !is_page_link {
                assert_eq!(
                    el.get_attribute("rel").as_deref(),
                    Some("noopener noreferrer")
                );
            }
        }
    }
    let pwned = js_sys::Reflect::get(&web_sys::window().unwrap(), &"__pwned".into()).unwrap();
    assert!(pwned.is_undefined(), "a payload ran");
}

fn list_with(log: ChatLog, greeting: &str, guide: Vec<Suggestion>) -> web_sys::HtmlElement {
    list_with_faces(log, greeting, guide, true)
}

/// [`list_with`], with avatars (`show_face`) or without.
fn list_with_faces(
    log: ChatLog,
    greeting: &str,
    guide: Vec<Suggestion>,
    show_face: bool,
) -> web_sys::HtmlElement {
    list_of(move || log.pages(|_| 0), greeting, guide, show_face)
}

/// The message list of the pages `pages` returns (read reactively).
fn list_of(
    pages: impl Fn() -> Vec<Page> + Send + Sync + 'static,
    greeting: &str,
    guide: Vec<Suggestion>,
    show_face: bool,
) -> web_sys::HtmlElement {
    let greeting = greeting.to_owned();
    mount(move || {
        view! {
            <MessageList
                pages=Signal::derive(pages)
                locale=Locale::En
                layout=Layout::Pc
                links=true
                show_face=show_face
                visitor_face=None
                greeting=greeting
                guide=guide
                typing=Signal::derive(|| false)
                has_older=Signal::derive(|| false)
                loading_older=Signal::derive(|| false)
                on_load_older=Callback::new(|()| {})
                on_suggestion=Callback::new(|_| {})
                on_retry=Callback::new(|_| {})
            />
        }
    })
}

#[wasm_bindgen_test]
async fn every_message_field_renders_xss_as_text() {
    // Without avatars most rows take the list's short way (no optional parts).
    for show_face in [true, false] {
        every_message_field_renders_xss_as_text_with(show_face).await;
    }
}

async fn every_message_field_renders_xss_as_text_with(show_face: bool) {
    let mut log = ChatLog::default();
    let mut seq = 0;
    for payload in XSS {
        for sender in [Sender::Visitor, Sender::Agent, Sender::Bot] {
            seq += 1;
            let mut m = message(seq, sender, payload, Some(payload));
            if sender == Sender::Bot {
                m.bot = Some(BotReply {
                    outcome: BotOutcome::Suggest,
                    faq_id: None,
                    suggestions: vec![Suggestion {
                        id: 1,
                        question: payload.into(),
                    }],
                    transfer_button: false,
                });
            }
            log.insert(m);
        }
        seq += 1;
        let mut sys = message(seq, Sender::System, payload, None);
        sys.kind = MessageKind::System;
        sys.event = Some(SystemEvent::AgentJoined {
            agent_id: payload.into(),
            agent_name: payload.into(),
            agent_avatar: Some(payload.into()),
        });
        log.insert(sys);
        log.push_outgoing(OutboxEntry {
            client_id: format!("o{seq}"),
            text: payload.into(),
            faq_id: None,
            created_at: 1_700_000_100_000 + seq,
            failed: Some(payload.into()),
            acked: None,
        });
    }
    let guide = XSS
        .iter()
        .map(|q| Suggestion {
            id: 2,
            question: (*q).into(),
        })
        .collect();
    let host = list_with_faces(log, XSS[1], guide, show_face);
    sleep(50).await;
    assert_inert(&host);
    let text = host.text_content().unwrap_or_default();
    for payload in XSS {
        assert!(text.contains(payload), "{payload:?} is not shown as text");
    }
    // The one real link is the http(s) part of the bidi payload, cut before the override.
    let links = host.query_selector_all("a").unwrap();
    for i in 0..links.length() {
        let a: web_sys::Element = links.item(i).unwrap().unchecked_into();
        assert_eq!(
            a.get_attribute("href").as_deref(),
            Some("https://ok.example/")
        );
        assert_eq!(a.get_attribute("target").as_deref(), Some("_blank"));
    }
    assert!(links.length() > 0);
}

/// With `show_face`, an agent's messages show the agent's picture (named by the "joined"
/// notice); a picture that fails to load gives way to the name's first letter, and an
/// agent without a picture shows the letter.
#[wasm_bindgen_test]
async fn agent_pictures_show_beside_their_messages() {
    let origin = web_sys::window().unwrap().location().origin().unwrap();
    let url = format!("{origin}/no-such-avatar.png");
    let mut log = ChatLog::default();
    let mut joined = message(1, Sender::System, "", None);
    joined.kind = MessageKind::System;
    joined.event = Some(SystemEvent::AgentJoined {
        agent_id: "alice".into(),
        agent_name: "Alice".into(),
        agent_avatar: Some(url.clone()),
    });
    log.insert(joined);
    log.insert(message(2, Sender::Agent, "Hi", Some("Alice")));
    log.insert(message(3, Sender::Agent, "Hello", Some("Bob")));
    let host = list_with(log, "", Vec::new());
    let img = host
        .query_selector(".row-in img.avatar")
        .unwrap()
        .expect("alice's picture");
    assert_eq!(img.get_attribute("src").as_deref(), Some(url.as_str()));
    assert_eq!(img.get_attribute("alt").as_deref(), Some(""));
    let letters = || {
        let all = host.query_selector_all(".row-in span.avatar").unwrap();
        (0..all.length())
            .map(|i| all.item(i).unwrap().text_content().unwrap_or_default())
            .collect::<Vec<_>>()
    };
    assert_eq!(letters(), vec!["B".to_owned()]);
    // The address answers 404: the letter takes the picture's place.
    support::wait_until("the broken picture to give way", || {
        host.query_selector("img.avatar").unwrap().is_none()
    })
    .await;
    assert_eq!(letters(), vec!["A".to_owned(), "B".to_owned()]);
}

#[wasm_bindgen_test]
async fn reception_notices_render_xss_as_text_and_act() {
    let picked = Arc::new(Mutex::new(None::<String>));
    let p = Arc::clone(&picked);
    let reception = RwSignal::new(Reception::ChooseGroup {
        groups: XSS
            .iter()
            .enumerate()
            .map(|(i, name)| GroupView {
                id: format!("g{i}"),
                name: (*name).into(),
                open: i % 2 == 0,
            })
            .collect(),
    });
    let host = mount(move || {
        view! {
            <ReceptionNotice
                reception=reception
                queue_position=Signal::derive(|| None)
                locale=Locale::En
                agent_offline_title=Some(XSS[0].to_owned())
                leave_href=Some("/chat/h5/v2/leavemessage.html?sysnum=demo&locale=en".to_owned())
                on_pick_group=Callback::new(move |id| *p.lock().unwrap() = Some(id))
                on_new_conversation=Callback::new(|()| {})
            />
        }
    });
    sleep(20).await;
    assert_inert(&host);
    let text = host.text_content().unwrap_or_default();
    assert!(text.contains("Which team"), "{text}");
    let buttons = host.query_selector_all("button.group").unwrap();
    assert_eq!(buttons.length() as usize, XSS.len());
    let second: web_sys::HtmlElement = buttons.item(1).unwrap().unchecked_into();
    assert!(second.text_content().unwrap().contains("(off duty)"));
    second.click();
    assert_eq!(picked.lock().unwrap().as_deref(), Some("g1"));

    reception.set(Reception::AgentOffline);
    sleep(20).await;
    assert_inert(&host);
    assert!(host.text_content().unwrap().contains(XSS[0]));
    let leave = host
        .query_selector("a.leave-entry")
        .unwrap()
        .expect("leave link");
    assert_eq!(
        leave.get_attribute("href").as_deref(),
        Some("/chat/h5/v2/leavemessage.html?sysnum=demo&locale=en")
    );

    reception.set(Reception::Redirect {
        url: "javascript:window.__pwned=1".into(),
        open_style: OpenStyle::CurrentPage,
    });
    sleep(20).await;
    assert_inert(&host);
    assert!(host
        .query_selector("a[href^=javascript]")
        .unwrap()
        .is_none());

    reception.set(Reception::Queued { position: 3 });
    sleep(20).await;
    assert!(host
        .text_content()
        .unwrap()
        .contains("number 3 in the queue"));

    reception.set(Reception::Ended);
    sleep(20).await;
    assert!(host
        .text_content()
        .unwrap()
        .contains("Start a new conversation"));
}

#[wasm_bindgen_test]
async fn system_messages_are_localized() {
    let mut log = ChatLog::default();
    let mut m = message(1, Sender::System, "raw", None);
    m.kind = MessageKind::System;
    m.event = Some(SystemEvent::Ended {
        reason: EndReason::AgentEnded,
    });
    log.insert(m);
    let host = list_with(log, "", Vec::new());
    sleep(20).await;
    let text = host
        .query_selector(".sys")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert_eq!(text, "The agent ended the conversation.");
}

#[wasm_bindgen_test]
async fn top_bar_title_is_text() {
    let host = mount(|| {
        view! {
            <TopBar title=Signal::derive(|| XSS[1].to_owned()) locale=Locale::En framed=true
                on_collapse=Callback::new(|()| {}) />
        }
    });
    sleep(20).await;
    assert_inert(&host);
    assert_eq!(
        host.query_selector("h1")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        XSS[1]
    );
    let collapse = host.query_selector("button.collapse").unwrap().unwrap();
    assert_eq!(
        collapse.get_attribute("aria-label").as_deref(),
        Some("Minimize chat")
    );
}

fn key(area: &web_sys::HtmlTextAreaElement, key: &str, shift: bool) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_shift_key(shift);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let e = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    area.dispatch_event(&e).unwrap();
}

fn type_text(area: &web_sys::HtmlTextAreaElement, text: &str) {
    area.set_value(text);
    let e = web_sys::Event::new_with_event_init_dict("input", &{
        let i = web_sys::EventInit::new();
        i.set_bubbles(true);
        i
    })
    .unwrap();
    area.dispatch_event(&e).unwrap();
}

#[wasm_bindgen_test]
async fn enter_sends_and_shift_enter_does_not() {
    let sent = Arc::new(Mutex::new(Vec::<String>::new()));
    let s = Arc::clone(&sent);
    let host = mount(move || {
        view! {
            <Composer
                locale=Locale::De
                on_send=Callback::new(move |t| s.lock().unwrap().push(t))
                on_typing=Callback::new(|_| {})
                show_emoji=Signal::derive(|| true)
                leave_href=None
            />
        }
    });
    sleep(20).await;
    let area: web_sys::HtmlTextAreaElement = host
        .query_selector("textarea")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert_eq!(area.placeholder(), "Nachricht eingeben…");
    type_text(&area, "  hallo  ");
    key(&area, "Enter", true);
    assert!(sent.lock().unwrap().is_empty(), "Shift+Enter must not send");
    key(&area, "Enter", false);
    assert_eq!(*sent.lock().unwrap(), vec!["hallo".to_owned()]);
    sleep(20).await;
    assert_eq!(area.value(), "", "the box is cleared after sending");
    key(&area, "Enter", false);
    assert_eq!(sent.lock().unwrap().len(), 1, "empty text is not sent");

    // The emoji picker opens, inserts and closes.
    let toggle: web_sys::HtmlElement = host
        .query_selector(".emoji .icon-button")
        .unwrap()
        .unwrap()
        .unchecked_into();
    toggle.click();
    sleep(20).await;
    let first: web_sys::HtmlElement = host
        .query_selector(".emoji-choice")
        .unwrap()
        .expect("picker open")
        .unchecked_into();
    first.click();
    sleep(20).await;
    assert_eq!(area.value(), "😀");
    assert!(host.query_selector(".emoji-choice").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn the_banner_shows_while_disconnected() {
    let status = RwSignal::new(SocketStatus::Open);
    let host = mount(move || {
        view! { <ConnectionBanner status=status locale=Locale::Fr on_reconnect=Callback::new(|()| {}) /> }
    });
    sleep(20).await;
    assert!(host.query_selector(".banner").unwrap().is_none());
    status.set(SocketStatus::Waiting {
        attempt: 2,
        retry_in_ms: 1500,
    });
    sleep(20).await;
    let text = host.text_content().unwrap();
    assert!(text.contains("Nouvelle tentative dans 2 s"), "{text}");
}

/// Rich-text payloads: formatting and link syntax wrapped around the XSS corpus.
const XSS_RICH: [&str; 5] = [
    "[click](javascript:window.__pwned=1)",
    "[x](data:text/html,<script>window.__pwned=1</script>)",
    "**<img src=x onerror=\"window.__pwned = 1\">**",
    "- `<script>window.__pwned = 1</script>`\n- _<svg onload=\"window.__pwned=1\">_",
    "[ok](https://ok.example/\"onmouseover=window.__pwned=1)",
];

#[wasm_bindgen_test]
async fn rich_text_formats_and_stays_inert() {
    let mut log = ChatLog::default();
    log.insert(message(
        1,
        Sender::Agent,
        "Steps:\n1. Open **Settings**\n2. Tap *Reset* then `OK`\n\n- see [the guide](https://help.example/reset)\n- or https://help.example/faq.",
        Some("Alice"),
    ));
    for (i, payload) in XSS_RICH.iter().enumerate() {
        log.insert(message(10 + i as i64, Sender::Bot, payload, None));
    }
    let host = list_with(log, "**Welcome!** Ask _anything_.", Vec::new());
    sleep(50).await;
    assert_inert(&host);
    let q = |sel: &str| host.query_selector(sel).unwrap();
    assert_eq!(
        q(".msg-agent ol li strong")
            .unwrap()
            .text_content()
            .unwrap(),
        "Settings"
    );
    assert_eq!(
        q(".msg-agent ol li em").unwrap().text_content().unwrap(),
        "Reset"
    );
    assert_eq!(
        q(".msg-agent ol li code").unwrap().text_content().unwrap(),
        "OK"
    );
    let guide = q(".msg-agent ul li a").unwrap();
    assert_eq!(guide.text_content().unwrap(), "the guide");
    assert_eq!(
        guide.get_attribute("href").as_deref(),
        Some("https://help.example/reset")
    );
    assert_eq!(
        q(".greeting strong").unwrap().text_content().unwrap(),
        "Welcome!"
    );
    // The markers are gone, the payloads' characters are all still there as text.
    let text = host.text_content().unwrap();
    assert!(!text.contains("**Settings**"));
    assert!(text.contains("[click](javascript:window.__pwned=1)"));
    assert!(text.contains("<img src=x onerror=\"window.__pwned = 1\">"));
    assert!(text.contains("<script>window.__pwned = 1</script>"));
}

fn picture(seq: i64, sender: Sender, id: &str) -> ChatMessage {
    let mut m = message(
        seq,
        sender,
        "<img src=x onerror=window.__pwned=1>.png",
        Some("Bob"),
    );
    m.kind = MessageKind::Image;
    m.image = Some(Box::new(parley_protocol::api::ImageRef {
        id: id.into(),
        content_type: "image/png".into(),
        size: 70,
        width: 2,
        height: 3,
    }));
    m
}

#[wasm_bindgen_test]
async fn pictures_show_from_the_server_only() {
    let mut log = ChatLog::default();
    log.insert(picture(1, Sender::Agent, "0123abcd"));
    log.insert(picture(2, Sender::Visitor, "../../api/agent/logout"));
    log.insert(picture(3, Sender::Agent, "javascript:window.__pwned=1"));
    let host = list_with(log, "", Vec::new());
    sleep(50).await;
    let images = host.query_selector_all("img").unwrap();
    assert_eq!(images.length(), 1, "{}", host.inner_html());
    let img: web_sys::Element = images.item(0).unwrap().unchecked_into();
    assert_eq!(
        img.get_attribute("src").as_deref(),
        Some("/api/files/0123abcd")
    );
    assert_eq!(img.get_attribute("width").as_deref(), Some("2"));
    assert_eq!(img.get_attribute("height").as_deref(), Some("3"));
    // The file name is alternative text, never markup.
    assert_eq!(
        img.get_attribute("alt").as_deref(),
        Some("<img src=x onerror=window.__pwned=1>.png")
    );
    let link = img.parent_element().unwrap();
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("/api/files/0123abcd")
    );
    assert_eq!(
        link.get_attribute("rel").as_deref(),
        Some("noopener noreferrer")
    );
    // Pictures with ids that are not the server's plain tokens show their name as text.
    assert_eq!(host.query_selector_all(".msg-picture").unwrap().length(), 1);
    let pwned = js_sys::Reflect::get(&web_sys::window().unwrap(), &"__pwned".into()).unwrap();
    assert!(pwned.is_undefined());
}

/// A row with none of the optional parts (no avatar, badge, suggestions or marks) and
/// one plain line is built without the comment nodes tachys puts where a part is
/// absent (the visitor's keeps one, for the name it does not show), and its line is one
/// paragraph that takes the direction; it still names its sender (visibly for an agent,
/// and for screen readers in the bubble).
#[wasm_bindgen_test]
async fn a_plain_row_is_built_lean() {
    let mut log = ChatLog::default();
    log.insert(message(1, Sender::Visitor, "Where is my parcel?", None));
    log.insert(message(
        2,
        Sender::Agent,
        "On its way <b>today</b>.",
        Some("Alice"),
    ));
    let host = list_with_faces(log, "", Vec::new(), false);
    sleep(50).await;
    let rows = host.query_selector_all(".page .row").unwrap();
    assert_eq!(rows.length(), 2);
    for i in 0..rows.length() {
        let row: web_sys::Element = rows.item(i).unwrap().unchecked_into();
        let most = if row.class_list().contains("row-out") {
            1
        } else {
            0
        };
        assert!(
            comments(&row) <= most,
            "comment nodes in {}",
            row.outer_html()
        );
        let line = row.query_selector(".msg > p.rich").unwrap().unwrap();
        assert_eq!(line.get_attribute("dir").as_deref(), Some("auto"));
        assert_eq!(line.child_nodes().length(), 1);
    }
    let visitor = host.query_selector(".msg-visitor").unwrap().unwrap();
    assert_eq!(
        visitor.text_content().as_deref(),
        Some("You: Where is my parcel?")
    );
    let agent = host.query_selector(".row-in").unwrap().unwrap();
    assert_eq!(
        agent
            .query_selector(".who")
            .unwrap()
            .unwrap()
            .text_content()
            .as_deref(),
        Some("Alice")
    );
    assert_eq!(
        agent
            .query_selector(".msg-agent")
            .unwrap()
            .unwrap()
            .text_content()
            .as_deref(),
        Some("Alice: On its way <b>today</b>.")
    );
    assert!(host.query_selector("b").unwrap().is_none());
}

/// The comment nodes in `node`, at any depth.
fn comments(node: &web_sys::Node) -> usize {
    let children = node.child_nodes();
    (0..children.length())
        .map(|i| {
            let child = children.item(i).unwrap();
            usize::from(child.node_type() == web_sys::Node::COMMENT_NODE) + comments(&child)
        })
        .sum()
}

/// The separators' times come from formatters made once per language and form, and
/// read as `Date.toLocaleString` with the same options does.
#[wasm_bindgen_test]
fn separator_times_read_as_the_browser_formats_them() {
    use parley_client::components::message_list::format_time;
    let now = js_sys::Date::now() as i64;
    let day = 86_400_000;
    for locale in [Locale::En, Locale::De, Locale::Ar, Locale::Ja] {
        for (ms, with_date) in [
            (now, false),
            (now - 40 * day, true),
            (now - 400 * day, true),
        ] {
            let options = js_sys::Object::new();
            let mut pairs = vec![("hour", "2-digit"), ("minute", "2-digit")];
            if with_date {
                pairs.extend([("month", "short"), ("day", "numeric")]);
            }
            for (k, v) in pairs {
                js_sys::Reflect::set(&options, &k.into(), &v.into()).unwrap();
            }
            let expected: String = js_sys::Date::new(&(ms as f64).into())
                .to_locale_string(locale.code(), &options)
                .into();
            // Twice: the second reads from the kept formatter.
            assert_eq!(format_time(ms, locale), expected, "{locale:?}");
            assert_eq!(format_time(ms, locale), expected, "{locale:?}");
        }
    }
}

/// Pages keep their rows: a page put above a close one takes that page's leading
/// separator away and leaves its rows (the same nodes) in place; a live message joins
/// the newest page.
#[wasm_bindgen_test]
async fn older_pages_keep_their_rows_when_a_page_is_put_above() {
    let at = |seq: i64| 1_700_000_000_000 + seq * 1000;
    let page = |seqs: std::ops::Range<i64>| {
        seqs.map(|s| {
            let mut m = message(s, Sender::Agent, &format!("m{s}"), Some("Alice"));
            m.created_at = at(s);
            m
        })
        .collect::<Vec<_>>()
    };
    let log = RwSignal::new(ChatLog::default());
    log.update(|l| l.insert_page(page(20..30)));
    log.update(|l| l.insert_page(page(10..20)));
    let host = list_of(move || log.with(|l| l.pages(|_| 0)), "", Vec::new(), false);
    sleep(50).await;
    let texts = |sel: &str| {
        let all = host.query_selector_all(sel).unwrap();
        (0..all.length())
            .map(|i| all.item(i).unwrap().text_content().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(texts(".page").len(), 2);
    assert_eq!(
        texts(".sep").len(),
        1,
        "one separator, before the oldest message"
    );
    let first_older = host.query_selector(".page .msg-agent").unwrap().unwrap();
    assert_eq!(first_older.text_content().as_deref(), Some("Alice: m10"));

    // A page that ends a second before it goes above: one separator still, at the top.
    log.update(|l| l.insert_page(page(1..10)));
    sleep(50).await;
    assert_eq!(texts(".page").len(), 3);
    let seps = host.query_selector_all(".sep").unwrap();
    assert_eq!(seps.length(), 1);
    let top = host.query_selector(".page").unwrap().unwrap();
    assert!(top.contains(Some(&seps.item(0).unwrap())));
    assert!(first_older.is_connected(), "a row shown was built again");
    let numbers: Vec<String> = texts(".msg-agent");
    let expected: Vec<String> = (1..30).map(|s| format!("Alice: m{s}")).collect();
    assert_eq!(numbers, expected);

    // A live message joins the newest page.
    log.update(|l| {
        l.insert(message(30, Sender::Agent, "live", Some("Alice")));
    });
    sleep(50).await;
    let pages = host.query_selector_all(".page").unwrap();
    let newest = pages.item(pages.length() - 1).unwrap();
    assert!(newest.text_content().unwrap().ends_with("Alice: live"));
}
