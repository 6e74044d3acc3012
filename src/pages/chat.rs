//! The chat page, PC and H5 layouts: init, then the live conversation.
//!
//! [`ChatPage`] calls init (again for "new conversation") and shows the security and
//! error screens; [`ChatView`] holds the conversation state and wires the socket, the
//! outbox, reception and the parent-frame bridge to the components.

use std::collections::VecDeque;

use leptos::prelude::*;
use leptos::task::spawn_local;
use parley_protocol::api::{
    AgentBrief, ChatMessage, ConversationState, ErrorCode, InitRequest, InitResponse, Reception,
    Sender, Suggestion, SystemEvent,
};
use parley_protocol::card::Card;
use parley_protocol::params::{OpenStyle, SubmissionEntry, Visibility};
use parley_protocol::ws::{ClientEvent, VisitorEvent};

use crate::api::{self, CallError};
use crate::bridge::Bridge;
use crate::components::cards::{not_yet_sent, LinkCardTrays};
use crate::components::chat_log::{ChatLog, OutboxEntry};
use crate::components::composer::Composer;
use crate::components::connection_banner::ConnectionBanner;
use crate::components::image_uploads::ImageUploads;
use crate::components::leave_panel::LeavePanel;
use crate::components::message_list::{offset_min, system_text, MessageList};
use crate::components::reception_notice::{
    leave_message_href, redirect_target, transfer_button_shown, ReceptionNotice,
};
use crate::components::theme;
use crate::components::top_bar::{title_for, TopBar};
use crate::hooks::outbox_store;
use crate::hooks::use_chat_socket::{use_chat_socket, UseChatSocketOptions};
use crate::hooks::use_image_upload::{use_image_upload, UseImageUploadOptions};
use crate::i18n::{t, t_args};
use crate::params_ctx::use_params;
use crate::route::Layout;
use crate::storage;

/// Messages per page of older history.
const HISTORY_PAGE: u32 = 30;

/// The visitor's chat with the tenant's bot and agents.
#[component]
pub fn ChatPage(
    /// Desktop or mobile layout.
    layout: Layout,
    /// The raw query string, sent to the server which re-validates it.
    query: String,
) -> impl IntoView {
    let params = use_params();
    // The page's language until init answers (the server put it into the page).
    let link_locale = move || crate::i18n::page_locale(params.with(|p| p.value.locale));
    let sysnum = params.with_untracked(|p| p.value.sysnum.clone());
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
    // The shell is there from the first frame (loading, errors and the chat share it).
    view! {
        <main class=shell_class dir=link_dir>
            <Suspense fallback=move || view! { <p class="loading">{t(link_locale(), "loading")}</p> }>
                {move || init.get().map(|result| match result {
                    Ok(session) => view! { <ChatView session=session layout=layout on_restart=restart /> }.into_any(),
                    Err(error) => {
                        let locale = link_locale();
                        let text = match (error.code(), &error) {
                            (_, _) if sysnum.is_none() => t(locale, "error-missing-sysnum"),
                            (Some(ErrorCode::UnknownTenant), _) => t_args(
                                locale,
                                "error-unknown-tenant",
                                &[("sysnum", sysnum.as_deref().unwrap_or(""))],
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
                        let class = if security { "notice error security" } else { "notice error" };
                        view! { <p class=class role="alert">{text}</p> }.into_any()
                    }
                })}
            </Suspense>
        </main>
    }
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
    let params = use_params().get_untracked().value;
    let InitResponse {
        visitor_id,
        company_name,
        locale,
        greeting,
        session_token: token,
        settings,
        conversation: first_conversation,
        history,
        unread_offline,
        reception: first_reception,
        guide,
        ..
    } = session;
    let sysnum = params.sysnum.clone().unwrap_or_default();

    // The outbox first, so history that already holds a saved message settles it.
    let mut initial = ChatLog::default();
    initial.outbox = outbox_store::load(&sysnum, &visitor_id);
    // The link's cards, less those already sent in the visible history.
    let link_cards = not_yet_sent(&Card::from_params(&params), &history);
    let card_token = token.clone();
    for m in history.into_iter().chain(unread_offline) {
        initial.insert(m);
    }
    let log = RwSignal::new(initial);
    let conversation = RwSignal::new(first_conversation);
    let reception = RwSignal::new(first_reception);
    let queue_position = RwSignal::new(None::<u32>);
    let agent_typing = RwSignal::new(false);
    let announcement = RwSignal::new(String::new());
    let loading_older = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    // Client ids sent on the current socket and not yet answered: the server answers
    // each send in order with an ack or an error, and an error names no client id.
    let in_flight = StoredValue::new(VecDeque::<String>::new());
    let send_slot = StoredValue::new(None::<Callback<ClientEvent, bool>>);
    let socket_send = move |event: ClientEvent| {
        send_slot
            .get_value()
            .map(|send| send.run(event))
            .unwrap_or(false)
    };
    let bridge = Bridge::connect(&settings.security.allowed_origins);
    let conversation_id = move || conversation.with_untracked(|c| c.id.clone());

    // Local storage follows the outbox.
    {
        let (sysnum, visitor_id) = (sysnum.clone(), visitor_id.clone());
        Effect::new(move |_| {
            let entries = log.with(ChatLog::to_persist);
            outbox_store::save(&sysnum, &visitor_id, &entries);
        });
    }

    let apply_event = move |m: &ChatMessage| match &m.event {
        Some(SystemEvent::AgentJoined {
            agent_id,
            agent_name,
            agent_avatar,
        }) => {
            let agent = AgentBrief {
                id: agent_id.clone(),
                name: agent_name.clone(),
                avatar: agent_avatar.clone(),
            };
            conversation.update(|c| {
                c.state = ConversationState::WithAgent;
                c.agent = Some(agent.clone());
            });
            reception.set(Reception::Assigned { agent });
        }
        Some(SystemEvent::Queued { .. }) => {
            conversation.update(|c| c.state = ConversationState::Queueing);
            let position = queue_position.get_untracked().unwrap_or(1);
            reception.set(Reception::Queued { position });
        }
        Some(SystemEvent::Transferred {
            to_agent: Some(id),
            to_agent_name,
            to_agent_avatar,
            ..
        }) => {
            let agent = AgentBrief {
                id: id.clone(),
                name: to_agent_name.clone().unwrap_or_else(|| id.clone()),
                avatar: to_agent_avatar.clone(),
            };
            conversation.update(|c| c.agent = Some(agent.clone()));
            reception.set(Reception::Assigned { agent });
        }
        Some(SystemEvent::Transferred { .. }) => {
            conversation.update(|c| {
                c.state = ConversationState::Queueing;
                c.agent = None;
            });
            reception.set(Reception::Queued {
                position: queue_position.get_untracked().unwrap_or(1),
            });
        }
        Some(SystemEvent::Ended { .. }) => {
            conversation.update(|c| c.state = ConversationState::Ended);
            agent_typing.set(false);
            reception.set(Reception::Ended);
            bridge.ended();
        }
        Some(SystemEvent::NoAgentOnline) => {
            conversation.update(|c| {
                c.state = ConversationState::Bot;
                c.agent = None;
            });
            queue_position.set(None);
            reception.set(Reception::NoAgentOnline);
        }
        Some(SystemEvent::EvaluationInvited) | None => {}
    };

    let on_message = move |m: ChatMessage| {
        let fresh = log.try_update(|l| l.insert(m.clone())).unwrap_or(false);
        if !fresh {
            return;
        }
        if m.conversation_id == conversation_id() {
            apply_event(&m);
        }
        if m.sender == Sender::Visitor {
            return;
        }
        // What a reader hears and the host page gets: the words, without formatting
        // markers.
        let plain = parley_protocol::rich::plain_text(&m.text);
        let text = if m.event.is_some() {
            system_text(locale, &m)
        } else {
            let who = match m.sender {
                Sender::Bot => t(locale, "chat-bot-name"),
                _ => m
                    .sender_name
                    .clone()
                    .unwrap_or_else(|| t(locale, "chat-agent-fallback")),
            };
            format!("{who}: {plain}")
        };
        announcement.set(text);
        if m.sender == Sender::Agent {
            agent_typing.set(false);
            // The spec's `img`: the picture of the agent who wrote, when it is the one
            // holding the chat (the only agent whose picture the page knows).
            let img = conversation.with_untracked(|c| {
                c.agent
                    .as_ref()
                    .filter(|a| m.sender_name.as_deref() == Some(a.name.as_str()))
                    .and_then(|a| a.avatar.clone())
            });
            bridge.unread(
                img.as_deref().unwrap_or(""),
                m.sender_name.as_deref().unwrap_or(""),
                &plain,
                m.created_at,
            );
        }
        if !bridge.collapsed.get_untracked() {
            socket_send(ClientEvent::Read {
                conversation_id: None,
                seq: m.seq,
            });
        }
    };

    let on_event = Callback::new(move |event: VisitorEvent| match event {
        VisitorEvent::Message { message } => on_message(*message),
        VisitorEvent::Typing {
            from: Sender::Agent,
            typing,
            ..
        } => {
            agent_typing.set(typing);
            // A lost "stopped typing" (a dropped socket) must not leave the dots forever.
            if typing {
                set_timeout(
                    move || {
                        agent_typing.try_set(false);
                    },
                    std::time::Duration::from_secs(8),
                );
            }
        }
        VisitorEvent::QueuePosition { position, .. } => {
            queue_position.set(Some(position));
            if !matches!(reception.get_untracked(), Reception::Queued { .. }) {
                reception.set(Reception::Queued { position });
            }
        }
        VisitorEvent::Ack { client_id, seq, .. } => {
            in_flight.update_value(|q| q.retain(|id| id != &client_id));
            log.update(|l| l.ack(&client_id, seq));
        }
        VisitorEvent::Error { message, .. } => {
            let refused = in_flight.try_update_value(|q| q.pop_front()).flatten();
            match refused {
                Some(id) => log.update(|l| l.fail(&id, message)),
                None => leptos::logging::warn!("parley: server error event: {message}"),
            }
        }
        VisitorEvent::Typing { .. } | VisitorEvent::Other => {}
    });

    let send_entry = move |e: &OutboxEntry| {
        let sent = socket_send(ClientEvent::Send {
            conversation_id: None,
            client_id: e.client_id.clone(),
            text: e.text.clone(),
            faq_id: e.faq_id,
        });
        if sent {
            in_flight.update_value(|q| q.push_back(e.client_id.clone()));
        }
    };
    // Everything unacknowledged goes out again on each new socket; the server stores
    // each client id once, so what the last socket already delivered is not repeated.
    let on_open = Callback::new(move |()| {
        in_flight.update_value(VecDeque::clear);
        for e in log.with_untracked(ChatLog::to_send) {
            send_entry(&e);
        }
    });

    let socket = use_chat_socket(UseChatSocketOptions {
        token: token.clone(),
        last_seq: Signal::derive(move || {
            let id = conversation.with(|c| c.id.clone());
            log.with(|l| l.last_seq(&id))
        }),
        on_event,
        on_open,
    });
    send_slot.set_value(Some(socket.send));

    let send_text = move |text: String, faq_id: Option<u64>| {
        let entry = OutboxEntry {
            client_id: api::new_client_id("c"),
            text,
            faq_id,
            created_at: js_sys::Date::now() as i64,
            failed: None,
            acked: None,
        };
        log.update(|l| l.push_outgoing(entry.clone()));
        send_entry(&entry);
    };
    let on_send = Callback::new(move |text: String| send_text(text, None));
    let on_suggestion =
        Callback::new(move |s: Suggestion| send_text(s.question.clone(), Some(s.id)));
    let on_retry = Callback::new(move |client_id: String| {
        if let Some(Some(e)) = log.try_update(|l| l.retry(&client_id)) {
            send_entry(&e);
        }
    });
    let on_typing = Callback::new(move |typing: bool| {
        socket_send(ClientEvent::Typing {
            conversation_id: None,
            typing,
        });
    });

    let on_load_older = {
        let token = token.clone();
        Callback::new(move |()| {
            let id = conversation_id();
            let Some(before) = log.with_untracked(|l| l.first_seq(&id)) else {
                return;
            };
            if loading_older.get_untracked() || before <= 1 {
                return;
            }
            loading_older.set(true);
            let token = token.clone();
            spawn_local(async move {
                match api::history(&token, before, HISTORY_PAGE).await {
                    Ok(page) => log.update(|l| {
                        for m in page.messages {
                            l.insert(m);
                        }
                    }),
                    Err(_) => problem.set(Some(t(locale, "chat-load-older-failed"))),
                }
                loading_older.set(false);
            });
        })
    };

    let transfer = {
        let token = token.clone();
        Callback::new(move |group_id: Option<String>| {
            let token = token.clone();
            problem.set(None);
            spawn_local(async move {
                match api::transfer(&token, group_id).await {
                    Ok(answer) => {
                        conversation.set(answer.conversation);
                        reception.set(answer.reception);
                    }
                    Err(_) => problem.set(Some(t(locale, "chat-transfer-failed"))),
                }
            });
        })
    };
    let on_pick_group = Callback::new(move |id: String| transfer.run(Some(id)));

    // Opening a third-party page is a side effect on the browser: done once per
    // redirect decision, only for http(s).
    Effect::new(move |_| {
        if let Some((url, style)) = reception.with(redirect_target) {
            let w = window();
            match style {
                OpenStyle::NewPage => {
                    let _ = w.open_with_url_and_target_and_features(
                        &url,
                        "_blank",
                        "noopener,noreferrer",
                    );
                }
                OpenStyle::CurrentPage => {
                    let _ = w.location().assign(&url);
                }
            }
        }
    });

    let reception_type = settings.reception_type;
    let show_transfer = move || {
        let server_says = conversation.with(|c| c.transfer_button)
            || log.with(|l| l.last_bot_reply().is_some_and(|b| b.transfer_button));
        reception.with(|r| {
            transfer_button_shown(
                reception_type,
                r,
                conversation.with(|c| c.state),
                server_says,
            )
        })
    };
    let emoji_after_transfer = settings.emoji_state == Visibility::Shown;
    let show_emoji = Signal::derive(move || {
        emoji_after_transfer || conversation.with(|c| c.state == ConversationState::Bot)
    });
    let ended = move || conversation.with(|c| c.state == ConversationState::Ended);
    // Pictures go out once an agent has joined, unless `photo_flag` turns them off.
    let photo_flag = settings.photo_flag;
    let show_image = Signal::derive(move || {
        photo_flag && conversation.with(|c| c.state == ConversationState::WithAgent)
    });
    let pictures = use_image_upload(UseImageUploadOptions {
        token: token.clone(),
        on_sent: Callback::new(move |m| {
            log.update(|l| {
                l.insert(m);
            });
        }),
        network_error: t(locale, "error-network"),
    });

    let uid = params
        .leave_message
        .uid
        .clone()
        .or_else(|| params.identity.partnerid.clone());
    let leave_href = leave_message_href(&sysnum, uid.as_deref(), locale);
    let notice_leave = (settings.msg_flag == SubmissionEntry::Shown).then(|| leave_href.clone());
    let composer_leave = settings.leave_msg_flag.then(|| leave_href.clone());
    // On PC the entries open the form inside the page; on H5 they follow the link to
    // the leave-message page.
    let leave_open = RwSignal::new(false);
    let on_leave = (layout == Layout::Pc).then(|| Callback::new(move |()| leave_open.set(true)));
    let leave_panel = {
        let sysnum = sysnum.clone();
        let token = token.clone();
        let templateid = params.leave_message.templateid.clone();
        move || {
            leave_open.get().then(|| {
                let query = window()
                    .location()
                    .search()
                    .unwrap_or_default()
                    .trim_start_matches('?')
                    .to_owned();
                view! {
                    <LeavePanel sysnum=sysnum.clone() templateid=templateid.clone() locale
                        token=token.clone() query
                        on_close=Callback::new(move |()| leave_open.set(false)) />
                }
            })
        }
    };

    let title_mode = settings.title_flag;
    let custom_title = params.ui.custom_title.clone();
    let title = Signal::derive(move || {
        let agent = conversation.with(|c| c.agent.as_ref().map(|a| a.name.clone()));
        title_for(
            title_mode,
            &company_name,
            custom_title.as_deref(),
            agent.as_deref(),
        )
    });
    // The document title and language follow the chat (the tab, screen readers).
    Effect::new(move |_| document().set_title(&title.get()));
    let dir = if locale.is_rtl() { "rtl" } else { "ltr" };
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("lang", locale.code());
        let _ = root.set_attribute("dir", dir);
    }

    let top_bar = settings.top_bar_flag.then(|| {
        view! {
            <TopBar title=title locale=locale framed=bridge.framed()
                on_collapse=Callback::new(move |()| bridge.collapse()) />
        }
    });
    let visitor_face = params
        .identity
        .face
        .as_ref()
        .and_then(|l| l.openable())
        .map(str::to_owned);
    let rows = Signal::derive(move || log.with(|l| l.rows(offset_min)));
    let has_older = Signal::derive(move || {
        let id = conversation.with(|c| c.id.clone());
        log.with(|l| l.has_older(&id))
    });

    // On phones the on-screen keyboard shrinks the visual viewport; where the browser
    // does not resize the layout for it (iOS Safari), the page follows the visual
    // viewport's height so the composer stays above the keyboard.
    if layout == Layout::H5 {
        if let Some(vv) = window().visual_viewport() {
            let follow = move || {
                if let (Some(vv), Some(root)) = (
                    window().visual_viewport(),
                    document().query_selector(".chat-h5").ok().flatten(),
                ) {
                    let el: &web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_ref(&root);
                    let _ = el
                        .style()
                        .set_property("block-size", &format!("{}px", vv.height()));
                }
            };
            let handler = wasm_bindgen::closure::Closure::<dyn Fn()>::new(follow);
            let _ = vv.add_event_listener_with_callback(
                "resize",
                wasm_bindgen::JsCast::unchecked_ref(handler.as_ref()),
            );
            // The listener lives as long as the page (one chat view per page load).
            handler.forget();
        }
    }
    bridge.ready(settings.top_bar_flag);
    // The load benchmark reads this mark: the composer is on screen and works.
    request_animation_frame(|| {
        if let Some(p) = window().performance() {
            let _ = p.mark("parley-interactive");
        }
    });

    view! {
        <div class="chat-body" dir=dir lang=locale.code() style=theme::css_vars(settings.color)>
            {top_bar}
            <ConnectionBanner status=socket.status locale=locale on_reconnect=socket.reconnect_now />
            <MessageList
                rows=rows
                locale=locale
                layout=layout
                links=settings.is_link
                show_face=settings.show_face
                visitor_face=visitor_face
                agent=Signal::derive(move || conversation.with(|c| c.agent.clone()))
                greeting=greeting
                guide=if settings.guide_flag { guide } else { Vec::new() }
                typing=agent_typing
                has_older=has_older
                loading_older=loading_older
                on_load_older=on_load_older
                on_suggestion=on_suggestion
                on_retry=on_retry
            />
            <div class="visually-hidden" aria-live="polite" aria-atomic="true">{move || announcement.get()}</div>
            {move || problem.get().map(|p| view! { <p class="notice error" role="alert">{p}</p> })}
            <ReceptionNotice
                reception=reception
                queue_position=queue_position
                locale=locale
                agent_offline_title=settings.agent_offline_title.clone()
                leave_href=notice_leave
                on_leave=on_leave
                on_pick_group=on_pick_group
                on_new_conversation=on_restart
            />
            <Show when=show_transfer>
                <div class="actions">
                    <button type="button" class="button transfer" on:click=move |_| transfer.run(None)>
                        {t(locale, "chat-transfer")}
                    </button>
                </div>
            </Show>
            {leave_panel}
            // The link's product and order cards wait above the composer; a sent card is
            // a stored message that joins the log (the socket brings it too; the log
            // keeps each seq once).
            <LinkCardTrays
                cards=link_cards
                token=card_token
                locale=locale
                layout=layout
                on_sent=Callback::new(move |m| { log.update(|l| { l.insert(m); }); })
            />
            <ImageUploads uploads=pictures.uploads locale=locale
                on_retry=pictures.retry on_dismiss=pictures.dismiss />
            <Show when=move || !ended()>
                <Composer
                    locale=locale
                    on_send=on_send
                    on_typing=on_typing
                    show_emoji=show_emoji
                    leave_href=composer_leave.clone()
                    on_leave=on_leave
                    on_image=Some(pictures.send)
                    show_image=show_image
                />
            </Show>
        </div>
    }
}
