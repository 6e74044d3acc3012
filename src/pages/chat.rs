//! The chat page, PC and H5 layouts: init, then the live conversation.
//!
//! [`ChatPage`] calls init (again for "new conversation") and shows the security and
//! error screens; [`ChatView`] wires one init's conversation together: its state is
//! plain data ([`Conversation`], [`ChatLog`]) in two signals, the socket and the outbox
//! are hooks, and the components get memos of that state.

use std::time::Duration;

use leptos::prelude::*;
use parley_protocol::api::{
    ChatMessage, ErrorCode, InitRequest, InitResponse, Reception, Sender, Suggestion, SystemEvent,
};
use parley_protocol::card::Card;
use parley_protocol::params::{OpenStyle, SubmissionEntry, TitleMode, Visibility};
use parley_protocol::ws::{ClientEvent, VisitorEvent};
use parley_protocol::{ChatParams, Locale};

use crate::api::{self, CallError};
use crate::bridge::Bridge;
use crate::components::cards::{not_yet_sent, LinkCardTrays};
use crate::components::composer::Composer;
use crate::components::connection_banner::ConnectionBanner;
use crate::components::evaluation::ChatEvaluation;
use crate::components::image_uploads::ImageUploads;
use crate::components::message_list::{offset_min_cached, MessageList};
use crate::components::reception_notice::{leave_message_href, redirect_target, ReceptionNotice};
use crate::components::screenshot::{capture_supported, screenshot_offered};
use crate::components::theme;
use crate::components::top_bar::{document_title_for, title_for, TopBar};
use crate::components::transcript::{download_text, stamp, today};
use crate::hooks::use_chat_socket::{use_chat_socket, UseChatSocketOptions};
use crate::hooks::use_history_pages::{use_history_pages, UseHistoryPagesOptions};
use crate::hooks::use_image_upload::{use_image_upload, UseImageUploadOptions};
use crate::hooks::use_outbox::{use_outbox, UseOutboxOptions, UseOutboxReturn};
use crate::hooks::use_unread_alert::{use_unread_alert, UseUnreadAlertOptions};
use crate::hooks::use_visual_viewport::{css_px, use_visual_viewport, UseVisualViewportOptions};
use crate::i18n::{t, t_args};
use crate::model::chat_log::ChatLog;
use crate::model::conversation::{announcement, guide_shown, hello_after, Conversation};
use crate::model::transcript::{file_name, transcript};
use crate::params_ctx::{use_params, use_raw_query};
use crate::route::Layout;
use crate::storage;

/// The visitor's chat with the tenant's bot and agents. The link (parsed, and the raw
/// query string init sends) comes from context.
#[component]
pub fn ChatPage(
    /// Desktop or mobile layout.
    layout: Layout,
) -> impl IntoView {
    let params = use_params();
    // The page's language until init answers (the server put it into the page).
    let link_locale = move || crate::i18n::page_locale(params.with(|p| p.value.locale));
    let sysnum = params.with_untracked(|p| p.value.sysnum.clone());
    let query = use_raw_query();
    // Bumped by "new conversation": init runs again and starts a fresh one.
    let generation = RwSignal::new(0u32);
    let init = LocalResource::new({
        let sysnum = sysnum.clone();
        move || {
            generation.track();
            let sysnum = sysnum.clone().unwrap_or_default();
            let request = InitRequest {
                query: query.clone(),
                visitor_id: storage::visitor_id(&sysnum),
                // The page that opened the chat, for the agents' queue.
                referrer: Some(document().referrer()).filter(|r| !r.is_empty()),
            };
            async move {
                let session = api::init(&request).await?;
                storage::set_visitor_id(&sysnum, &session.visitor_id);
                // Normally the page's language already; fetched if init chose another.
                crate::i18n::ensure(session.locale).await?;
                Ok::<_, CallError>(session)
            }
        }
    });
    let restart = Callback::new(move |()| generation.update(|g| *g += 1));
    let full = params.with_untracked(|p| p.value.ui.full == Some(true));
    let shell_class = match layout {
        Layout::Pc if full => "chat chat-pc chat-full",
        Layout::Pc => "chat chat-pc",
        Layout::H5 => "chat chat-h5",
    };
    let link_dir = move || if link_locale().is_rtl() { "rtl" } else { "ltr" };
    // On phones the on-screen keyboard shrinks the visual viewport; where the browser
    // does not resize the layout for it (iOS Safari), the page follows the visual
    // viewport's height so the composer stays above the keyboard.
    let viewport = use_visual_viewport(UseVisualViewportOptions {
        enabled: layout == Layout::H5,
    });
    let block_size = move || viewport.height.get().map(css_px);
    // The shell is there from the first frame (loading, errors and the chat share it).
    view! {
        <main class=shell_class dir=link_dir style:block-size=block_size>
            <Suspense fallback=move || view! { <p class="loading">{t(link_locale(), "loading")}</p> }>
                {move || init.get().map(|result| match result {
                    Ok(session) => view! { <ChatView session=session layout=layout on_restart=restart /> }.into_any(),
                    Err(error) => init_error(link_locale(), sysnum.as_deref(), &error).into_any(),
                })}
            </Suspense>
        </main>
    }
}

/// Why init failed, in the link's language; the security refusals (`IllegalUser`,
/// `TokenExpired`) get the spec's texts and their own class.
fn init_error(locale: Locale, sysnum: Option<&str>, error: &CallError) -> impl IntoView {
    let text = match (error.code(), error) {
        (_, _) if sysnum.is_none() => t(locale, "error-missing-sysnum"),
        (Some(ErrorCode::UnknownTenant), _) => t_args(
            locale,
            "error-unknown-tenant",
            &[("sysnum", sysnum.unwrap_or(""))],
        ),
        (Some(ErrorCode::IllegalUser), _) => t(locale, "chat-error-illegal-user"),
        (Some(ErrorCode::TokenExpired), _) => t(locale, "chat-error-token-expired"),
        (_, CallError::Network(_)) => t(locale, "error-network"),
        (_, CallError::Api(body)) => body.message.clone(),
    };
    let security = matches!(
        error.code(),
        Some(ErrorCode::IllegalUser | ErrorCode::TokenExpired)
    );
    let class = if security {
        "notice error security"
    } else {
        "notice error"
    };
    view! { <p class=class role="alert">{text}</p> }
}

/// The live conversation of one init.
#[component]
fn ChatView(
    /// The init answer.
    session: InitResponse,
    /// Desktop or mobile layout.
    layout: Layout,
    /// Runs init again (the "new conversation" button).
    on_restart: Callback<()>,
) -> impl IntoView {
    let InitResponse {
        visitor_id,
        company_name,
        locale,
        greeting,
        session_token: token,
        settings,
        conversation,
        history,
        unread_offline,
        reception,
        guide,
        evaluation,
        ..
    } = session;
    let query = use_raw_query();
    let link = use_params().with_untracked(|p| FromLink::read(&p.value, &query, &history, locale));
    let mut current = Conversation::new(conversation, reception.clone());
    current.recall_evaluation(&history);
    let log = RwSignal::new(
        history
            .into_iter()
            .chain(unread_offline)
            .collect::<ChatLog>(),
    );
    follow_redirect(&reception);
    let chat = RwSignal::new(current);
    let conversation_id = Signal::derive(move || chat.with(|c| c.view.id.clone()));
    let problem = RwSignal::new(None::<String>);
    let bridge = Bridge::connect(&settings.security.allowed_origins);

    // The outbox sends through the socket and the socket re-sends the outbox when it
    // opens, so the socket's `send` is bound here once the socket exists.
    let socket_send = StoredValue::new(None::<Callback<ClientEvent, bool>>);
    let send =
        Callback::new(move |e: ClientEvent| socket_send.get_value().is_some_and(|s| s.run(e)));
    let outbox = use_outbox(UseOutboxOptions {
        sysnum: link.sysnum,
        visitor_id,
        log,
        send,
    });
    let (title, tab_title) = titles(chat, settings.title_flag, company_name, link.custom_title);
    // While the tab is hidden, an agent's message chimes and the tab's title flashes.
    let alert = use_unread_alert(UseUnreadAlertOptions {
        enabled: settings.new_message_alert,
        title: tab_title.into(),
        locale,
    });
    follow_document(alert.title, locale);
    let (hello, skip_hello) = hello_word(settings.agent_hello_word.clone(), &greeting, chat);
    let live = Live {
        log,
        chat,
        hello,
        skip_hello,
        announcement: RwSignal::new(String::new()),
        bridge,
        locale,
        send,
        on_agent: alert.arrived,
    };
    let socket = use_chat_socket(UseChatSocketOptions {
        token: token.clone(),
        last_seq: Signal::derive(move || log.with(|l| l.last_seq(&conversation_id.get()))),
        on_event: Callback::new(move |event| live.on_event(event, outbox)),
        on_open: outbox.resend,
    });
    socket_send.set_value(Some(socket.send));

    let older = use_history_pages(UseHistoryPagesOptions {
        token: token.clone(),
        log,
        conversation_id,
        on_error: Callback::new(move |()| problem.set(Some(t(locale, "chat-load-older-failed")))),
    });
    let transfer = transfer_request(token.clone(), chat, problem, locale);

    // Memos where passing on a change is costly: the rows (list, scroll effect, avatars)
    // and reception (its notice is rebuilt on any change, dropping the focus). The rest
    // feed `<Show>`s or text, which ignore an unchanged value.
    let reception = Memo::new(move |_| chat.with(|c| c.reception.clone()));
    let queue_position = Signal::derive(move || chat.with(|c| c.queue_position));
    let typing = Signal::derive(move || chat.with(|c| c.agent_typing));
    let agent = Signal::derive(move || chat.with(|c| c.view.agent.clone()));
    let ended = Signal::derive(move || chat.with(Conversation::is_ended));
    let reception_type = settings.reception_type;
    let show_transfer = Signal::derive(move || {
        let bot_offers = log.with(|l| l.last_bot_reply().is_some_and(|b| b.transfer_button));
        chat.with(|c| c.transfer_button(reception_type, bot_offers))
    });
    let emoji_after_transfer = settings.emoji_state == Visibility::Shown;
    let show_emoji = Signal::derive(move || chat.with(|c| c.emoji_shown(emoji_after_transfer)));
    let photo_flag = settings.photo_flag;
    let show_image = Signal::derive(move || chat.with(|c| c.pictures_allowed(photo_flag)));
    let pages = Memo::new(move |_| log.with(|l| l.pages(offset_min_cached())));

    let stored = Callback::new(move |m: ChatMessage| {
        log.update(|l| {
            l.insert(m);
        })
    });
    let pictures = use_image_upload(UseImageUploadOptions {
        token: token.clone(),
        on_sent: stored,
        network_error: t(locale, "error-network"),
    });

    let notice_leave =
        (settings.msg_flag == SubmissionEntry::Shown).then(|| link.leave_href.clone());
    let composer_leave = settings.leave_msg_flag.then_some(link.leave_href);
    // On PC the entries open the form inside the page when the bundle holds it (the
    // `leave-pages` feature); otherwise, and on H5, they follow the link to the
    // leave-message page.
    let leave_open = RwSignal::new(false);
    let leave_token = token.clone();
    let on_leave = (cfg!(feature = "leave-pages") && layout == Layout::Pc)
        .then(|| Callback::new(move |()| leave_open.set(true)));

    // The transcript: built from the log when asked, both sides with times and names.
    let save_transcript = transcript_saver(log, title, greeting.clone(), locale);
    let top_bar = settings.top_bar_flag.then(|| {
        view! {
            <TopBar title=title locale=locale framed=bridge.framed()
                on_collapse=Callback::new(move |()| bridge.collapse()) on_transcript=save_transcript />
        }
    });
    bridge.ready(settings.top_bar_flag);
    mark_interactive();

    let dir = if locale.is_rtl() { "rtl" } else { "ltr" };
    view! {
        <div class="chat-body" dir=dir lang=locale.code() style=theme::css_vars(settings.color)>
            {top_bar}
            <ConnectionBanner status=socket.status locale=locale on_reconnect=socket.reconnect_now />
            <MessageList
                pages=pages
                locale=locale
                layout=layout
                links=settings.is_link
                show_face=settings.show_face
                visitor_face=link.visitor_face
                agent=agent
                greeting=greeting
                guide=guide_shown(settings.guide_flag, settings.reception_type, guide)
                typing=typing
                has_older=older.has_older
                loading_older=older.loading
                on_load_older=older.load_older
                on_suggestion=Callback::new(move |s: Suggestion| outbox.push.run((s.question, Some(s.id))))
                on_retry=outbox.retry
                feedback_token=token.clone()
            />
            <div class="visually-hidden" aria-live="polite" aria-atomic="true">{move || live.announcement.get()}</div>
            {move || problem.get().map(|p| view! { <p class="notice error" role="alert">{p}</p> })}
            <ReceptionNotice
                reception=reception
                queue_position=queue_position
                locale=locale
                agent_offline_title=settings.agent_offline_title.clone()
                leave_href=notice_leave
                on_leave=on_leave
                on_pick_group=Callback::new(move |id| transfer.run(Some(id)))
                on_new_conversation=on_restart
                on_transcript=save_transcript
            />
            <ChatEvaluation token=token.clone() chat settings=evaluation locale />
            <Show when=move || show_transfer.get()>
                <div class="actions">
                    <button type="button" class="button transfer" on:click=move |_| transfer.run(None)>
                        {t(locale, "chat-transfer")}
                    </button>
                </div>
            </Show>
            {in_page_leave_form(leave_open, locale, leave_token)}
            // The link's product and order cards wait above the composer; a sent card is
            // a stored message that joins the log (the socket brings it too; the log
            // keeps each seq once).
            <LinkCardTrays cards=link.cards token=token locale=locale layout=layout on_sent=stored />
            <ImageUploads uploads=pictures.uploads locale=locale
                on_retry=pictures.retry on_dismiss=pictures.dismiss />
            <Show when=move || !ended.get()>
                <Composer
                    locale=locale
                    on_send=Callback::new(move |text| outbox.push.run((text, None)))
                    on_typing=Callback::new(move |typing| { send.run(ClientEvent::Typing { conversation_id: None, typing }); })
                    show_emoji=show_emoji
                    leave_href=composer_leave.clone()
                    on_leave=on_leave
                    on_image=Some(pictures.send)
                    show_image=show_image
                    on_screenshot=screenshot_offered(layout, settings.cut_flag, capture_supported())
                        .then_some(pictures.send)
                />
            </Show>
        </div>
    }
}

/// The conversation's state and outlets, cheap to copy into the socket's handler.
#[derive(Clone, Copy)]
struct Live {
    log: RwSignal<ChatLog>,
    chat: RwSignal<Conversation>,
    /// `agent_hello_word`, shown as a local notice when an agent joins.
    hello: StoredValue<Option<String>>,
    /// Whether the next join's hello is skipped (init's greeting was the hello word).
    skip_hello: StoredValue<bool>,
    /// What a screen reader hears next (a polite live region).
    announcement: RwSignal<String>,
    bridge: Bridge,
    locale: Locale,
    /// Sends on the socket; false while it is not open.
    send: Callback<ClientEvent, bool>,
    /// An agent's message arrived (the hidden tab's alert).
    on_agent: Callback<()>,
}

impl Live {
    /// Routes one socket event: messages to the log and the conversation, acks and
    /// errors to the outbox.
    fn on_event(self, event: VisitorEvent, outbox: UseOutboxReturn) {
        match event {
            VisitorEvent::Message { message } => {
                // `cargo xtask bench chat-history` times a message's render from here.
                if let Some(p) = window().performance() {
                    let _ = p.mark("parley-message-event");
                }
                self.receive(*message)
            }
            VisitorEvent::Typing {
                from: Sender::Agent,
                typing,
                ..
            } => self.agent_typing(typing),
            VisitorEvent::QueuePosition { position, .. } => {
                self.chat.update(|c| c.queue_moved(position))
            }
            VisitorEvent::Ack { client_id, seq, .. } => outbox.ack.run((client_id, seq)),
            VisitorEvent::Error { message, .. } => outbox.refused.run(message),
            VisitorEvent::Typing { .. } | VisitorEvent::Other => {}
        }
    }

    /// A stored message: shown once (a replay changes nothing); a state change of this
    /// conversation updates it; anything not from the visitor is announced, passed to
    /// the host page while collapsed (agents' messages), and marked read while open.
    fn receive(self, m: ChatMessage) {
        let fresh = self
            .log
            .try_update(|l| l.insert(m.clone()))
            .unwrap_or(false);
        if !fresh {
            return;
        }
        let current = self.chat.with_untracked(|c| c.view.id == m.conversation_id);
        if let (true, Some(event)) = (current, &m.event) {
            self.chat.update(|c| c.apply(event));
            if matches!(event, SystemEvent::Ended { .. }) {
                self.bridge.ended();
            }
            if let Some(text) = self.hello.with_value(|h| hello_after(event, h.as_deref())) {
                if self.skip_hello.get_value() {
                    self.skip_hello.set_value(false);
                } else {
                    self.log
                        .update(|l| l.note_after(&m.conversation_id, m.seq, text));
                }
            }
        }
        if m.sender == Sender::Visitor {
            return;
        }
        // What a reader hears and the host page gets: the words, without formatting
        // markers.
        let plain = parley_protocol::rich::plain_text(&m.text);
        self.announcement.set(announcement(self.locale, &m, &plain));
        if m.sender == Sender::Agent {
            self.on_agent.run(());
            self.chat.update(|c| c.heard_from(m.sender));
            let name = m.sender_name.as_deref();
            let img = self
                .chat
                .with_untracked(|c| c.picture_of(name).map(str::to_owned));
            let (img, name) = (img.as_deref().unwrap_or(""), name.unwrap_or(""));
            self.bridge.unread(img, name, &plain, m.created_at);
        }
        if !self.bridge.collapsed.get_untracked() {
            self.send.run(ClientEvent::Read {
                conversation_id: None,
                seq: m.seq,
            });
        }
    }

    /// The agent started or stopped typing.
    fn agent_typing(self, typing: bool) {
        self.chat.update(|c| c.agent_typing = typing);
        // A lost "stopped typing" (a dropped socket) must not leave the dots forever.
        if typing {
            let chat = self.chat;
            set_timeout(
                move || {
                    chat.try_update(|c| c.agent_typing = false);
                },
                Duration::from_secs(8),
            );
        }
    }
}

/// `agent_hello_word` for [`Live`]: it follows each agent who joins, except the first
/// when init already greeted with it (the visitor was waiting for an agent).
/// The PC chat's in-page leave-message form, shown while `open` is set; in the chat's
/// own release bundle (without `leave-pages`) there is none, and the entries follow
/// their link to the leave-message page.
#[cfg(feature = "leave-pages")]
fn in_page_leave_form(open: RwSignal<bool>, locale: Locale, token: String) -> impl IntoView {
    use crate::components::leave_panel::LeavePanel;
    move || {
        open.get().then(|| {
            view! {
                <LeavePanel locale token=token.clone() on_close=Callback::new(move |()| open.set(false)) />
            }
        })
    }
}

#[cfg(not(feature = "leave-pages"))]
fn in_page_leave_form(_open: RwSignal<bool>, _locale: Locale, _token: String) -> impl IntoView {}

fn hello_word(
    hello: Option<String>,
    greeting: &str,
    chat: RwSignal<Conversation>,
) -> (StoredValue<Option<String>>, StoredValue<bool>) {
    let greeted =
        hello.as_deref() == Some(greeting) && chat.with_untracked(|c| c.agent().is_none());
    (StoredValue::new(hello), StoredValue::new(greeted))
}

/// The top bar's title (per `title_flag`) and the tab's (`custom_title` whenever given).
fn titles(
    chat: RwSignal<Conversation>,
    mode: TitleMode,
    company: String,
    custom: Option<String>,
) -> (Memo<String>, Memo<String>) {
    let bar_custom = custom.clone();
    let bar = Memo::new(move |_| {
        let agent = chat.with(|c| c.agent().map(|a| a.name.clone()));
        title_for(mode, &company, bar_custom.as_deref(), agent.as_deref())
    });
    let tab = Memo::new(move |_| bar.with(|t| document_title_for(t, custom.as_deref())));
    (bar, tab)
}

/// "Save the conversation": the log as a text file, built when asked.
fn transcript_saver(
    log: RwSignal<ChatLog>,
    title: Memo<String>,
    greeting: String,
    locale: Locale,
) -> Callback<()> {
    Callback::new(move |()| {
        let text = log.with_untracked(|l| {
            let rows = l.rows(offset_min_cached());
            transcript(locale, &title.get_untracked(), &greeting, &rows, |ms| {
                stamp(ms, locale)
            })
        });
        download_text(&file_name(&today()), &text);
    })
}

/// The trans-to-agent button's request, also sent with the group the visitor picked
/// from reception's list; a failure shows in `problem`. A spawned task rather than an
/// `Action`, as in `use_history_pages`: an `Action` costs bundle bytes for signals
/// (input, value, pending) nothing here reads.
fn transfer_request(
    token: String,
    chat: RwSignal<Conversation>,
    problem: RwSignal<Option<String>>,
    locale: Locale,
) -> Callback<Option<String>> {
    Callback::new(move |group_id: Option<String>| {
        let token = token.clone();
        problem.set(None);
        leptos::task::spawn_local(async move {
            match api::transfer(&token, group_id).await {
                Ok(answer) => {
                    follow_redirect(&answer.reception);
                    chat.update(|c| c.transferred(answer));
                }
                Err(_) => problem.set(Some(t(locale, "chat-transfer-failed"))),
            }
        });
    })
}

/// What the chat takes from the link besides init's answer.
struct FromLink {
    /// The tenant (`sysnum`).
    sysnum: String,
    /// The link's product and order cards, less those already sent in the history.
    cards: Vec<Card>,
    /// The leave-message page for the same tenant, visitor and language, with the
    /// link's identity proof and form choices.
    leave_href: String,
    /// The visitor's avatar (`face`), when it is an http(s) URL.
    visitor_face: Option<String>,
    /// `custom_title`: the bar's title with `title_flag=2`, the tab's with any.
    custom_title: Option<String>,
}

impl FromLink {
    fn read(params: &ChatParams, query: &str, history: &[ChatMessage], locale: Locale) -> Self {
        let sysnum = params.sysnum.clone().unwrap_or_default();
        let uid = params.leave_message.uid.as_deref();
        let uid = uid.or(params.identity.partnerid.as_deref());
        FromLink {
            cards: not_yet_sent(&Card::from_params(params), history),
            leave_href: leave_message_href(&sysnum, uid, locale, query),
            visitor_face: params
                .identity
                .face
                .as_ref()
                .and_then(|l| l.openable())
                .map(str::to_owned),
            custom_title: params.ui.custom_title.clone(),
            sysnum,
        }
    }
}

/// Opens the third-party page reception decided on (http(s) only), in a new window or
/// in place of this page per `open_style`. Called once per decision: init's and each
/// transfer answer's.
fn follow_redirect(reception: &Reception) {
    let Some((url, style)) = redirect_target(reception) else {
        return;
    };
    let w = window();
    match style {
        OpenStyle::NewPage => {
            let _ = w.open_with_url_and_target_and_features(&url, "_blank", "noopener,noreferrer");
        }
        OpenStyle::CurrentPage => {
            let _ = w.location().assign(&url);
        }
    }
}

/// The document's title follows the chat's, and its language and direction the chat's
/// (the tab, screen readers).
fn follow_document(title: Signal<String>, locale: Locale) {
    Effect::new(move |_| document().set_title(&title.get()));
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("lang", locale.code());
        let _ = root.set_attribute("dir", if locale.is_rtl() { "rtl" } else { "ltr" });
    }
}

/// Marks the moment the composer is on screen and works: the load benchmark reads it.
fn mark_interactive() {
    request_animation_frame(|| {
        if let Some(p) = window().performance() {
            let _ = p.mark("parley-interactive");
        }
    });
}
