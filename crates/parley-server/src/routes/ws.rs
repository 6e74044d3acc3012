//! The realtime sockets: `/ws/visitor?ticket=…&last_seq=N` and `/ws/agent?ticket=…`.
//!
//! A ticket comes from `POST /api/ws/ticket` (the session token in the
//! `Authorization` header) and opens one socket within [`TICKET_TTL_MS`], on any
//! instance (tickets are in the store): the session token never travels in a URL,
//! where proxies and access logs would keep it.
//!
//! Each socket is split into a send task and a receive task joined by `tokio::select!`:
//! when either ends, the other is dropped and the socket closes.
//!
//! Lossless delivery to visitors: the socket subscribes to its conversation *before*
//! reading the store, then sends every stored message after `last_seq`, then follows
//! the live events, remembering the last sequence it sent. A live message at or below
//! that number is a repeat and is skipped; one above `last + 1` means something was
//! missed (another instance, a dropped notification) and the gap is read from the store
//! first. Events are published only after their transaction commits, so the store always
//! has what an event announces.
//!
//! Bounded memory: the hub queue per socket is bounded (see [`crate::hub`]), frames
//! from clients are capped at [`MAX_FRAME`], and a write that does not finish within
//! [`WRITE_TIMEOUT`] drops the socket. Heartbeat: a ping every `state.heartbeat`; a peer
//! silent for three intervals is dropped.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use futures_util::stream::{FuturesOrdered, SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use parley_protocol::api::{ErrorCode, MessageKind, Sender, WsTicket};
use parley_protocol::ws::{
    ClientEvent, ServerEvent, CLOSE_GOING_AWAY, CLOSE_OVERFLOW, CLOSE_UNAUTHORIZED,
};
use serde::Deserialize;
use tokio::sync::{broadcast, mpsc};

use crate::auth::{self, AgentAuth, VisitorAuth};
use crate::chat;
use crate::error::ApiError;
use crate::hub::{Subscription, Topic, AGENT_QUEUE_CAPACITY, QUEUE_CAPACITY};
use crate::notify::Note;
use crate::store::{self, now_ms};
use crate::{reception, AppState};

/// Largest frame a client may send.
pub const MAX_FRAME: usize = 16 * 1024;
/// The chunk a socket reads at a time (see [`limits`]).
pub const READ_BUFFER: usize = 4 * 1024;
/// What a socket gathers before writing, short of a flush (see [`limits`]).
pub const WRITE_BUFFER: usize = MAX_FRAME;
/// The most a socket's unsent output may hold (see [`limits`]).
pub const MAX_WRITE_BUFFER: usize = 4 * MAX_FRAME;
/// Longest a single write to a client may take.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Messages read from the store per catch-up query.
const CATCH_UP_PAGE: i64 = 500;
/// Events of one socket whose replies may be pending at once (messages waiting for
/// their commit); past that the socket's frames are not read until one is answered.
/// Only an agent's messages wait this way (a visitor's event is answered before the
/// next is read), and an agent's socket carries every conversation it holds: with 32,
/// the two agents of `cargo xtask bench server` (250 conversations each) had at most 64
/// replies in the committer's queue, so groups stayed near 70 messages; with 128 they
/// grow to ~200, which (with SQLite's rarer checkpoints) took the exchange from ~11,000
/// to 14,000–17,000 messages/s (docs/performance.md, session 10).
const PIPELINED: usize = 128;
/// Replies (acks, errors) waiting for the send task: room for every pending event's
/// reply at once (a group commit answers a whole window together, and the receiving
/// half queues them all before the send half runs) and a window more while a write is
/// under way, so only a client that stops reading its acks fills it and is dropped.
const REPLY_CAPACITY: usize = 2 * PIPELINED;
pub use crate::sockets::MAX_SOCKETS_PER_SESSION;

/// A place for a socket of the session `token`, or the 429 that refuses the upgrade.
fn place(state: &AppState, token: &str) -> Result<crate::sockets::SocketPlace, ApiError> {
    state
        .sockets
        .take(&auth::token_digest(token))
        .ok_or_else(|| {
            ApiError::retry_later(
                axum::http::StatusCode::TOO_MANY_REQUESTS,
                format!("this session already has {MAX_SOCKETS_PER_SESSION} sockets open"),
                5,
            )
        })
}

/// How long a WebSocket ticket stays usable, in milliseconds.
pub const TICKET_TTL_MS: i64 = 60_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/ws/ticket", post(ticket))
        .route("/ws/visitor", get(visitor_socket))
        .route("/ws/agent", get(agent_socket))
}

/// The socket's query: a one-time `ticket`, and for visitors the last `seq` they have.
#[derive(Debug, Deserialize)]
struct SocketQuery {
    ticket: Option<String>,
    #[serde(default)]
    last_seq: i64,
}

/// The session a socket's ticket names, by its digest (the ticket is used up now).
async fn socket_session(state: &AppState, q: &SocketQuery, kind: &str) -> Result<String, ApiError> {
    let unauthorized = || {
        ApiError::client(
            axum::http::StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthorized,
            "a valid WebSocket ticket is required (POST /api/ws/ticket)",
        )
    };
    let ticket = q
        .ticket
        .as_deref()
        .filter(|t| t.len() <= 128)
        .ok_or_else(unauthorized)?;
    let taken =
        store::ws_tickets::take(state.db.pool(), &auth::token_digest(ticket), now_ms()).await?;
    match taken {
        Some((session, k)) if k == kind => Ok(session),
        _ => Err(unauthorized()),
    }
}

/// `POST /api/ws/ticket`: a ticket for one socket of the caller's session (a visitor's
/// or an agent's, by the bearer token).
async fn ticket(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<axum::Json<WsTicket>, ApiError> {
    let token = auth::bearer_token(&headers).unwrap_or_default();
    let (session, kind) = match auth::visitor_from_token(&state, token).await {
        Ok(v) => (v.session, auth::VISITOR_SESSION),
        Err(_) => (
            auth::agent_from_token(&state, token).await?.session,
            auth::AGENT_SESSION,
        ),
    };
    let ticket = auth::new_token();
    let expires_at = now_ms() + TICKET_TTL_MS;
    store::ws_tickets::insert(
        state.db.pool(),
        &auth::token_digest(&ticket),
        &session,
        kind,
        expires_at,
    )
    .await?;
    Ok(axum::Json(WsTicket {
        ticket,
        expires_in: (TICKET_TTL_MS / 1000) as u32,
    }))
}

async fn visitor_socket(
    State(state): State<AppState>,
    Query(q): Query<SocketQuery>,
    ws: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    // Checked before upgrading, so a bad ticket is a plain 401 JSON answer.
    let session = socket_session(&state, &q, auth::VISITOR_SESSION).await?;
    let who = auth::visitor_from_session(&state, &session).await?;
    let place = place(&state, &session)?;
    let last_seq = q.last_seq.max(0);
    Ok(limits(ws)
        .on_upgrade(move |socket| async move {
            run_visitor(state, who, last_seq, socket).await;
            drop(place);
        })
        .into_response())
}

async fn agent_socket(
    State(state): State<AppState>,
    Query(q): Query<SocketQuery>,
    ws: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let session = socket_session(&state, &q, auth::AGENT_SESSION).await?;
    let who = auth::agent_from_session(&state, &session).await?;
    let place = place(&state, &session)?;
    Ok(limits(ws)
        .on_upgrade(move |socket| async move {
            run_agent(state, who, socket).await;
            drop(place);
        })
        .into_response())
}

/// The socket's frame limits and buffers. tungstenite's defaults (a 128 KiB read
/// buffer and a 128 KiB write buffer per socket) are sized for bulk transfers; chat
/// frames are at most [`MAX_FRAME`], so a socket reads in [`READ_BUFFER`] chunks (the
/// buffer still grows to hold a whole frame) and gathers what it writes up to
/// [`WRITE_BUFFER`] until the send loop flushes (after feeding every event that was
/// ready: [`feed`]). The buffer grows only as far as a socket's bursts, so an idle
/// socket holds none. A peer that stops reading cannot make the server buffer more than
/// [`MAX_WRITE_BUFFER`] for it: the write fails and the socket is dropped.
fn limits(ws: WebSocketUpgrade) -> WebSocketUpgrade {
    ws.max_message_size(MAX_FRAME)
        .max_frame_size(MAX_FRAME)
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .max_write_buffer_size(MAX_WRITE_BUFFER)
}

/// Why the send side stopped.
enum Stop {
    /// The peer went away or a write failed.
    Gone,
    /// The hub dropped us for being slow.
    Overflow,
    /// Silent for too long.
    Silent,
    /// The server is shutting down.
    Shutdown,
    /// The agent may no longer be signed in (disabled, removed, or a new password).
    SignedOut,
}

type Sink = SplitSink<WebSocket, Message>;

/// Writes `event` and flushes it to the peer.
async fn write(sink: &mut Sink, event: &ServerEvent) -> Result<(), Stop> {
    feed(sink, event).await?;
    flush(sink).await
}

/// Queues `event` in the socket's write buffer without flushing it (see [`limits`]): a
/// send loop feeds whatever is ready, then flushes once ([`flush`]), so an ack and the
/// message it acknowledges, or a burst of a group commit's events to an agent, leave in
/// one write instead of one each.
async fn feed(sink: &mut Sink, event: &ServerEvent) -> Result<(), Stop> {
    let text = serde_json::to_string(event).expect("events serialize");
    match tokio::time::timeout(WRITE_TIMEOUT, sink.feed(Message::Text(text.into()))).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(Stop::Gone),
    }
}

/// Writes out everything [`feed`] queued.
async fn flush(sink: &mut Sink) -> Result<(), Stop> {
    match tokio::time::timeout(WRITE_TIMEOUT, sink.flush()).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(Stop::Gone),
    }
}

/// The most events and replies a send loop feeds before it flushes.
const FEED_BATCH: usize = 64;

async fn close(sink: &mut Sink, stop: Stop) {
    let (code, reason) = match stop {
        Stop::Gone => return,
        Stop::Overflow => (CLOSE_OVERFLOW, "too slow; reconnect with last_seq"),
        Stop::Silent => (1001, "no heartbeat"),
        Stop::Shutdown => (CLOSE_GOING_AWAY, "server shutting down"),
        Stop::SignedOut => (CLOSE_UNAUTHORIZED, "the session ended; sign in again"),
    };
    let frame = CloseFrame {
        code,
        reason: Utf8Bytes::from_static(reason),
    };
    let _ = tokio::time::timeout(
        Duration::from_secs(1),
        sink.send(Message::Close(Some(frame))),
    )
    .await;
}

/// Completes when the server starts shutting down.
async fn shutting_down(mut rx: tokio::sync::watch::Receiver<bool>) {
    loop {
        if *rx.borrow_and_update() {
            return;
        }
        if rx.changed().await.is_err() {
            // The state (and its sender) lives as long as the server.
            std::future::pending::<()>().await;
        }
    }
}

/// Where a live message stands against what a visitor socket has sent, for
/// exactly-once delivery in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// Already sent: skip.
    Repeat,
    /// The next one: send it.
    Next,
    /// Something in between is missing: read `(after, up_to]` from the store first.
    Gap { after: i64, up_to: i64 },
}

/// What to do with live message `seq` when `last_sent` was the last one sent.
pub fn classify(last_sent: i64, seq: i64) -> Arrival {
    if seq <= last_sent {
        Arrival::Repeat
    } else if seq == last_sent + 1 {
        Arrival::Next
    } else {
        Arrival::Gap {
            after: last_sent,
            up_to: seq,
        }
    }
}

/// Sends stored messages with `seq > *last` up to `up_to` (inclusive), advancing
/// `*last`.
async fn catch_up(
    state: &AppState,
    sink: &mut Sink,
    conversation_id: &str,
    last: &mut i64,
    up_to: i64,
) -> Result<(), Stop> {
    loop {
        let page = store::messages::after(state.db.pool(), conversation_id, *last, CATCH_UP_PAGE)
            .await
            .map_err(|_| Stop::Gone)?;
        let n = page.len() as i64;
        for m in page {
            if m.seq > up_to {
                return Ok(());
            }
            *last = m.seq;
            feed(sink, &ServerEvent::Message { message: m }).await?;
        }
        if n < CATCH_UP_PAGE || *last >= up_to {
            return flush(sink).await;
        }
    }
}

/// Feeds a live hub event to a visitor socket that has sent every message up to
/// `*last`: a message already sent is skipped, one past a gap first sends the gap from
/// the store (see [`classify`]).
async fn visitor_out(
    state: &AppState,
    sink: &mut Sink,
    conversation_id: &str,
    last: &mut i64,
    event: &ServerEvent,
) -> Result<(), Stop> {
    if let ServerEvent::Message { message } = event {
        match classify(*last, message.seq) {
            Arrival::Repeat => return Ok(()),
            Arrival::Next => {}
            Arrival::Gap { up_to, .. } => {
                return catch_up(state, sink, conversation_id, last, up_to).await;
            }
        }
        *last = message.seq;
    }
    feed(sink, event).await
}

/// The heartbeat check: whether the peer said nothing for three intervals.
fn silent(last_heard_ms: i64, now: i64, interval: Duration) -> bool {
    now - last_heard_ms > 3 * interval.as_millis() as i64
}

async fn visitor_send_loop(
    state: AppState,
    mut sink: Sink,
    mut sub: Subscription,
    mut replies: mpsc::Receiver<ServerEvent>,
    conversation_id: String,
    mut last: i64,
    last_heard: Arc<AtomicI64>,
) {
    let shutdown = shutting_down(state.shutdown.clone());
    tokio::pin!(shutdown);
    let stop = async {
        catch_up(&state, &mut sink, &conversation_id, &mut last, i64::MAX).await?;
        // Tell a queueing visitor their place straight away.
        if let Ok(Some(c)) = chat::get(&state, &conversation_id).await {
            if let Ok(Some(position)) = chat::queue_position(&state, &c).await {
                state.queue_told.told(&c.sysnum, &c.id, position);
                let e = ServerEvent::QueuePosition {
                    conversation_id: c.id.clone(),
                    position,
                };
                write(&mut sink, &e).await?;
            }
        }
        let mut ping = tokio::time::interval(state.heartbeat);
        ping.tick().await;
        loop {
            tokio::select! {
                event = sub.rx.recv() => {
                    let Some(event) = event else { return Err::<(), Stop>(Stop::Overflow) };
                    visitor_out(&state, &mut sink, &conversation_id, &mut last, &event).await?;
                }
                reply = replies.recv() => {
                    let Some(reply) = reply else { return Err(Stop::Gone) };
                    feed(&mut sink, &reply).await?;
                }
                _ = ping.tick() => {
                    if silent(last_heard.load(Ordering::Relaxed), now_ms(), state.heartbeat) {
                        return Err(Stop::Silent);
                    }
                    let ping = sink.send(Message::Ping(Default::default()));
                    if !matches!(tokio::time::timeout(WRITE_TIMEOUT, ping).await, Ok(Ok(()))) {
                        return Err(Stop::Gone);
                    }
                }
                _ = &mut shutdown => return Err(Stop::Shutdown),
            }
            // Whatever else is ready leaves in the same write.
            for _ in 0..FEED_BATCH {
                let mut fed = false;
                if let Ok(event) = sub.rx.try_recv() {
                    visitor_out(&state, &mut sink, &conversation_id, &mut last, &event).await?;
                    fed = true;
                }
                if let Ok(reply) = replies.try_recv() {
                    feed(&mut sink, &reply).await?;
                    fed = true;
                }
                if !fed {
                    break;
                }
            }
            flush(&mut sink).await?;
        }
    }
    .await;
    if let Err(stop) = stop {
        close(&mut sink, stop).await;
    }
}

/// What answers one client event: resolves to the reply (an ack, an error, or none).
type Reply = Pin<Box<dyn Future<Output = Result<Option<ServerEvent>, ApiError>> + Send>>;

/// A reply that is already known.
fn ready(reply: Result<Option<ServerEvent>, ApiError>) -> Reply {
    Box::pin(std::future::ready(reply))
}

/// Reads client frames until the peer leaves; calls `handle` for each event, one after
/// the other, and queues the replies in the order of the events. `handle` does what
/// fixes the event's order (for a message: hands it to the committer) and returns what
/// resolves to its reply (for a message: its ack, after its commit), so up to
/// [`PIPELINED`] messages of one socket may wait for their commits at once and be
/// stored in one group, still in the order they were sent.
async fn receive_loop<F, Fut>(
    mut stream: SplitStream<WebSocket>,
    replies: mpsc::Sender<ServerEvent>,
    last_heard: Arc<AtomicI64>,
    mut handle: F,
) where
    F: FnMut(ClientEvent) -> Fut,
    Fut: Future<Output = Result<Reply, ApiError>>,
{
    let mut waiting = FuturesOrdered::new();
    loop {
        tokio::select! {
            frame = stream.next(), if waiting.len() < PIPELINED => {
                let Some(Ok(frame)) = frame else { return };
                last_heard.store(now_ms(), Ordering::Relaxed);
                let text = match frame {
                    Message::Text(t) => t,
                    Message::Close(_) => return,
                    _ => continue,
                };
                let reply = match serde_json::from_str::<ClientEvent>(&text) {
                    Ok(event) => match handle(event).await {
                        Ok(reply) => reply,
                        Err(e) => ready(Err(e)),
                    },
                    Err(e) => ready(Ok(Some(ServerEvent::Error {
                        code: ErrorCode::BadRequest,
                        message: format!("unreadable event: {e}"),
                    }))),
                };
                waiting.push_back(reply);
            }
            Some(reply) = waiting.next(), if !waiting.is_empty() => {
                let reply = reply.unwrap_or_else(|e| Some(error_event(e)));
                // A client that floods without reading its acks is dropped.
                if let Some(reply) = reply {
                    if replies.try_send(reply).is_err() {
                        return;
                    }
                }
            }
        }
    }
}

fn error_event(e: ApiError) -> ServerEvent {
    match e {
        ApiError::Client { code, message, .. } => ServerEvent::Error { code, message },
        ApiError::Invalid { message, .. } => ServerEvent::Error {
            code: ErrorCode::BadRequest,
            message,
        },
        ApiError::RetryLater { message, .. } => ServerEvent::Error {
            code: ErrorCode::RateLimited,
            message,
        },
        ApiError::Internal(detail) => {
            tracing::error!(%detail, "socket event failed");
            ServerEvent::Error {
                code: ErrorCode::Internal,
                message: "Something went wrong on the server.".into(),
            }
        }
    }
}

fn ack(a: &chat::Appended) -> ServerEvent {
    ServerEvent::Ack {
        client_id: a.message.client_id.clone().unwrap_or_default(),
        conversation_id: a.message.conversation_id.clone(),
        seq: a.message.seq,
        duplicate: a.duplicate,
    }
}

async fn run_visitor(state: AppState, who: VisitorAuth, last_seq: i64, socket: WebSocket) {
    let sub = state.hub.subscribe(
        vec![Topic::Conversation(who.conversation_id.clone())],
        QUEUE_CAPACITY,
    );
    let (sink, stream) = socket.split();
    let (reply_tx, reply_rx) = mpsc::channel(REPLY_CAPACITY);
    let last_heard = Arc::new(AtomicI64::new(now_ms()));
    let send = visitor_send_loop(
        state.clone(),
        sink,
        sub,
        reply_rx,
        who.conversation_id.clone(),
        last_seq,
        Arc::clone(&last_heard),
    );
    let handler_state = state.clone();
    let who2 = who.clone();
    let receive = receive_loop(stream, reply_tx, last_heard, move |event| {
        let state = handler_state.clone();
        let who = who2.clone();
        async move {
            visitor_event(&state, &who, event)
                .await
                .map(|r| ready(Ok(r)))
        }
    });
    // Both halves are polled on every wake of this task; the receiving half first, so
    // the ack it queues after a commit meets the commit's events in the same write.
    tokio::select! {
        biased;
        _ = receive => {}
        _ = send => {}
    }
}

async fn visitor_event(
    state: &AppState,
    who: &VisitorAuth,
    event: ClientEvent,
) -> Result<Option<ServerEvent>, ApiError> {
    match event {
        ClientEvent::Send {
            client_id,
            text,
            faq_id,
            ..
        } => {
            let a = reception::visitor_says(state, who, &client_id, &text, faq_id).await?;
            Ok(Some(ack(&a)))
        }
        ClientEvent::Typing { typing, .. } => {
            if let Some(c) = chat::get(state, &who.conversation_id).await? {
                if let Some(agent) = &c.agent_id {
                    state.hub.publish(
                        &Topic::agent(&c.sysnum, agent),
                        Arc::new(ServerEvent::Typing {
                            conversation_id: c.id.clone(),
                            from: Sender::Visitor,
                            typing,
                        }),
                    );
                    state.notifier.send(Note::Typing {
                        c: c.id.clone(),
                        t: c.sysnum.clone(),
                        to_agent: Some(agent.clone()),
                        from: Sender::Visitor,
                        on: typing,
                    });
                }
            }
            Ok(None)
        }
        ClientEvent::Read {
            conversation_id,
            seq,
        } => {
            let c = chat::of_visitor(state, who, conversation_id.as_deref()).await?;
            store::conversations::mark_read(state.db.pool(), &c.id, seq).await?;
            Ok(None)
        }
    }
}

async fn run_agent(state: AppState, who: AgentAuth, socket: WebSocket) {
    let mut sub = state.hub.subscribe(
        vec![
            Topic::agent(&who.sysnum, &who.agent_id),
            Topic::Tenant(who.sysnum.clone()),
        ],
        AGENT_QUEUE_CAPACITY,
    );
    let (mut sink, stream) = socket.split();
    let (reply_tx, mut replies) = mpsc::channel(REPLY_CAPACITY);
    let last_heard = Arc::new(AtomicI64::new(now_ms()));
    let heard = Arc::clone(&last_heard);
    let send_state = state.clone();
    // The settings this socket was opened under; every new set is checked against it,
    // so an agent an admin disables (or whose password changes) is cut off at once on
    // every instance, not at the next reconnect.
    let mut settings = state.config.changes();
    let credential = who
        .resolve(&state)
        .ok()
        .map(|(_, a)| auth::credential_of(&a));
    let who_send = who.clone();
    let mut ended = state.sockets.ended();
    let send = async move {
        let shutdown = shutting_down(send_state.shutdown.clone());
        tokio::pin!(shutdown);
        let mut ping = tokio::time::interval(send_state.heartbeat);
        ping.tick().await;
        let stop = loop {
            let r = tokio::select! {
                event = sub.rx.recv() => match event {
                    Some(e) => feed(&mut sink, &e).await,
                    None => Err(Stop::Overflow),
                },
                reply = replies.recv() => match reply {
                    Some(r) => feed(&mut sink, &r).await,
                    None => Err(Stop::Gone),
                },
                _ = ping.tick() => {
                    if silent(heard.load(Ordering::Relaxed), now_ms(), send_state.heartbeat) {
                        Err(Stop::Silent)
                    } else if !session_lives(&send_state, &who_send).await {
                        // Expired, or ended by a note this instance missed.
                        Err(Stop::SignedOut)
                    } else {
                        match tokio::time::timeout(WRITE_TIMEOUT, sink.send(Message::Ping(Default::default()))).await {
                            Ok(Ok(())) => Ok(()),
                            _ => Err(Stop::Gone),
                        }
                    }
                }
                _ = &mut shutdown => Err(Stop::Shutdown),
                news = ended.recv() => match news {
                    Ok(e) if e.ends(&who_send) => Err(Stop::SignedOut),
                    Ok(_) => Ok(()),
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        if session_lives(&send_state, &who_send).await {
                            Ok(())
                        } else {
                            Err(Stop::SignedOut)
                        }
                    }
                    // The state owns the sender: only a server going away closes it.
                    Err(broadcast::error::RecvError::Closed) => Err(Stop::Shutdown),
                },
                Ok(()) = settings.changed() => {
                    let now = who_send.resolve(&send_state).ok().map(|(_, a)| auth::credential_of(&a));
                    if now.is_some() && now == credential {
                        Ok(())
                    } else {
                        Err(Stop::SignedOut)
                    }
                }
            };
            // Whatever else is ready leaves in the same write (a group commit's events
            // for this agent's conversations come in bursts).
            let r = async {
                r?;
                for _ in 0..FEED_BATCH {
                    let mut fed = false;
                    if let Ok(e) = sub.rx.try_recv() {
                        feed(&mut sink, &e).await?;
                        fed = true;
                    }
                    if let Ok(reply) = replies.try_recv() {
                        feed(&mut sink, &reply).await?;
                        fed = true;
                    }
                    if !fed {
                        break;
                    }
                }
                flush(&mut sink).await
            }
            .await;
            if let Err(stop) = r {
                break stop;
            }
        };
        close(&mut sink, stop).await;
    };
    let handler_state = state.clone();
    let who2 = who.clone();
    let receive = receive_loop(stream, reply_tx, last_heard, move |event| {
        let state = handler_state.clone();
        let who = who2.clone();
        async move { agent_event(&state, &who, event).await }
    });
    // Both halves are polled on every wake of this task; the receiving half first, so
    // the ack it queues after a commit meets the commit's events in the same write.
    tokio::select! {
        biased;
        _ = receive => {}
        _ = send => {}
    }
}

/// Whether `who`'s session is still in the store (not signed out, not expired). A store
/// error counts as alive: a database hiccup must not sign every agent out.
async fn session_lives(state: &AppState, who: &AgentAuth) -> bool {
    !matches!(
        store::sessions::find(state.db.pool(), &who.session, auth::AGENT_SESSION).await,
        Ok(None)
    )
}

/// An agent's event. A message is handed to the committer here and acknowledged when
/// the returned reply resolves (after its commit), so the agent's next frames are read
/// meanwhile (see [`receive_loop`]).
async fn agent_event(
    state: &AppState,
    who: &AgentAuth,
    event: ClientEvent,
) -> Result<Reply, ApiError> {
    let need = |c: Option<String>| {
        c.ok_or_else(|| ApiError::bad_request("agents must give conversation_id"))
    };
    match event {
        ClientEvent::Send {
            conversation_id,
            client_id,
            text,
            ..
        } => {
            let id = need(conversation_id)?;
            let stored =
                chat::submit_as_agent(state, who, &id, &client_id, &text, MessageKind::Text)
                    .await?;
            Ok(Box::pin(async move { stored.await.map(|a| Some(ack(&a))) }))
        }
        ClientEvent::Typing {
            conversation_id,
            typing,
        } => {
            let id = need(conversation_id)?;
            if let Some(c) = chat::get(state, &id).await? {
                if c.sysnum == who.sysnum && c.agent_id.as_deref() == Some(&who.agent_id) {
                    state.hub.publish(
                        &Topic::Conversation(c.id.clone()),
                        Arc::new(ServerEvent::Typing {
                            conversation_id: c.id.clone(),
                            from: Sender::Agent,
                            typing,
                        }),
                    );
                    state.notifier.send(Note::Typing {
                        c: c.id,
                        t: c.sysnum,
                        to_agent: None,
                        from: Sender::Agent,
                        on: typing,
                    });
                }
            }
            Ok(ready(Ok(None)))
        }
        // Agents' read marks are not tracked yet.
        ClientEvent::Read { .. } => Ok(ready(Ok(None))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivery_is_in_order_without_repeats() {
        assert_eq!(classify(5, 5), Arrival::Repeat);
        assert_eq!(classify(5, 3), Arrival::Repeat);
        assert_eq!(classify(5, 6), Arrival::Next);
        assert_eq!(classify(5, 9), Arrival::Gap { after: 5, up_to: 9 });
        assert_eq!(classify(0, 1), Arrival::Next);
    }

    #[test]
    fn silence_is_three_intervals() {
        let i = Duration::from_secs(20);
        assert!(!silent(0, 60_000, i));
        assert!(silent(0, 60_001, i));
    }
}
