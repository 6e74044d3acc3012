//! Reception carried out over the store: the FAQ bot answering in bot conversations,
//! and visitors routed to humans by the pure decisions of `parley_reception::routing`.
//!
//! Every routing step (a visitor asking for a human, the queue draining when capacity
//! appears) runs in one transaction that first takes a per-tenant lock (an advisory
//! transaction lock on PostgreSQL; on SQLite the single pooled connection already
//! serializes transactions), then reads a [`Snapshot`] of agents, groups and the queue,
//! decides, and writes the result. So two requests, or two instances sharing one
//! PostgreSQL, never hand the last free slot to two visitors.
//!
//! Working hours are evaluated here, with each group's own UTC offset (see
//! [`crate::config::Group::is_open`]), and handed to the router as "open" or "closed".

use std::collections::HashMap;
use std::sync::Arc;

use axum::http::StatusCode;
use parley_protocol::api::{
    AgentStatus, BotOutcome, BotReply, ChatMessage, ConversationState, EndReason, ErrorCode,
    GroupView, MessageKind, Reception, Sender, Suggestion,
};
use parley_protocol::params::ReceptionType;
use parley_protocol::{ChatParams, EffectiveSettings, Locale};
use parley_reception::bot::{FaqEntry, Lang};
use parley_reception::routing::{
    self, Agent as RoutingAgent, AgentStatus as RoutingStatus, Decision, Group as RoutingGroup,
    RoutingRequest, RoutingRules, Snapshot, Target, WeekTime, Weekday, WorkingHours,
};
use parley_reception::{MatchOutcome, Matcher};
use serde::{Deserialize, Serialize};

use crate::auth::VisitorAuth;
pub use crate::chat::queue::{pack_priority, unpack_priority};
use crate::chat::transitions::{self, AgentSlot};
use crate::chat::TransitionError;
use crate::chat::{self, publish, Appended, Change, Changed, Conversation, NewMessage};
use crate::config::{Agent, Tenant};
use crate::error::ApiError;
use crate::store::{self, now_ms, Tx};
use crate::AppState;

/// Unknown answers before the trans-to-agent button shows, when the tenant sets none.
pub const DEFAULT_MANUAL_AFTER_UNKNOWN: u32 = 2;
/// Minutes of visitor silence that end a conversation, when the tenant sets none.
pub const DEFAULT_IDLE_MINUTES: u64 = 30;

/// What a conversation remembers of the link that started it, for the bot and for
/// routing later on. Stored as JSON in `conversations.context`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Context {
    /// The routing request built from the link (without the tenant's rules, which are
    /// read from the configuration each time so that a change applies at once).
    pub request: RoutingRequest,
    pub robotid: Option<u64>,
    pub faqid: Option<u64>,
    pub locale: Locale,
    /// `show_manual`: delay the trans-to-agent button until unknown answers.
    pub show_manual: bool,
}

impl Context {
    /// The context of a new conversation opened with `params`.
    pub fn new(params: &ChatParams, settings: &EffectiveSettings, tenant: &Tenant) -> Context {
        Context {
            request: RoutingRequest::from_params(params, settings, rules_of(tenant)),
            robotid: settings.robotid.or(tenant.bots.first().map(|b| b.id)),
            faqid: settings.faqid,
            locale: settings.locale,
            show_manual: settings.show_manual,
        }
    }

    /// Reads a stored context; a conversation from before reception existed (`{}`)
    /// gets a bot-first default.
    pub fn of(c: &Conversation) -> Context {
        serde_json::from_str(&c.context).unwrap_or_else(|_| Context {
            request: RoutingRequest::new(ReceptionType::BotFirst),
            robotid: None,
            faqid: None,
            locale: Locale::Zh,
            show_manual: true,
        })
    }

    /// Whether the visitor may ask for a human at all (not bot-only).
    pub fn can_transfer(&self) -> bool {
        self.request.reception_type != ReceptionType::BotOnly
    }
}

/// The tenant's routing rules in the router's terms: its VIP levels from lowest to
/// highest (the configuration lists them in that order) and its rules.
pub fn rules_of(tenant: &Tenant) -> RoutingRules {
    RoutingRules {
        vip_levels: tenant.vip_levels.iter().map(|l| l.id.clone()).collect(),
        rules: tenant.routing_rules.clone(),
    }
}

/// The bots of every tenant, indexed once at start: (sysnum, robotid) to matcher.
#[derive(Default)]
pub struct Bots(HashMap<(String, u64), Arc<Matcher>>);

impl Bots {
    /// Indexes every tenant's loaded bots.
    pub fn new(config: &crate::config::Config) -> Bots {
        let mut map = HashMap::new();
        for t in &config.tenants {
            for b in &t.bots {
                if let Some(bot) = &b.bot {
                    map.insert(
                        (t.sysnum.clone(), b.id),
                        Arc::new(Matcher::new((**bot).clone())),
                    );
                }
            }
        }
        Bots(map)
    }

    /// The matcher of a tenant's bot.
    pub fn get(&self, sysnum: &str, robotid: Option<u64>) -> Option<&Arc<Matcher>> {
        self.0.get(&(sysnum.to_owned(), robotid?))
    }
}

/// Whether the trans-to-agent button shows now in a conversation.
pub fn transfer_button(tenant: &Tenant, c: &Conversation) -> bool {
    let ctx = Context::of(c);
    c.state == ConversationState::Bot
        && ctx.can_transfer()
        && routing::show_transfer_button(
            Some(ctx.show_manual),
            tenant
                .backend
                .manual_after_unknown
                .unwrap_or(DEFAULT_MANUAL_AFTER_UNKNOWN),
            u32::try_from(c.unknown_count).unwrap_or(u32::MAX),
        )
}

/// The greeting of a conversation: the bot's (or `robot_hello_word`) while the bot
/// answers, else `agent_hello_word` or the tenant's.
pub fn greeting(
    state: &AppState,
    tenant: &Tenant,
    c: &Conversation,
    ctx: &Context,
    settings: &EffectiveSettings,
) -> String {
    if c.state == ConversationState::Bot && ctx.request.reception_type != ReceptionType::AgentOnly {
        if let Some(m) = state.bots.get(&tenant.sysnum, ctx.robotid) {
            let g = m
                .bot()
                .greeting(ctx.locale.code(), settings.robot_hello_word.as_deref());
            if !g.is_empty() {
                return g.to_owned();
            }
        }
    } else if let Some(w) = settings
        .agent_hello_word
        .as_deref()
        .filter(|w| !w.trim().is_empty())
    {
        return w.to_owned();
    }
    tenant.greeting_for(settings.locale)
}

/// The guided questions shown under the greeting (`guide_flag`), in the language of
/// the page's locale.
pub fn guide(
    state: &AppState,
    tenant: &Tenant,
    c: &Conversation,
    ctx: &Context,
    settings: &EffectiveSettings,
) -> Vec<Suggestion> {
    if !settings.guide_flag || c.state != ConversationState::Bot {
        return Vec::new();
    }
    let Some(m) = state.bots.get(&tenant.sysnum, ctx.robotid) else {
        return Vec::new();
    };
    let lang = Lang::for_locale(ctx.locale.code());
    m.bot()
        .guide_entries(lang)
        .into_iter()
        .map(suggestion)
        .collect()
}

fn suggestion(e: &FaqEntry) -> Suggestion {
    Suggestion {
        id: e.id,
        question: e.question.clone(),
    }
}

/// The bot's answer to a visitor message just stored in a bot conversation: an
/// answer, "did you mean" suggestions or the unknown reply, stored as a bot message.
/// `None` when nobody automatic answers (not a bot conversation, agent-only, no bot).
pub async fn bot_reply(
    state: &AppState,
    tenant: &Tenant,
    c: &Conversation,
    question: &str,
    faq_id: Option<u64>,
) -> Result<Option<ChatMessage>, ApiError> {
    let ctx = Context::of(c);
    if c.state != ConversationState::Bot || ctx.request.reception_type == ReceptionType::AgentOnly {
        return Ok(None);
    }
    let Some(matcher) = state.bots.get(&tenant.sysnum, ctx.robotid) else {
        return Ok(None);
    };
    let bot = matcher.bot();
    let locale = ctx.locale.code();
    let tapped = faq_id.and_then(|id| bot.entry(id));
    let outcome = match tapped {
        Some(entry) => MatchOutcome::Answer { entry, score: 1.0 },
        None => matcher.ask(question, ctx.faqid),
    };
    let (text, outcome, answered, suggestions) = match outcome {
        MatchOutcome::Answer { entry, .. } => (
            entry.answer.clone(),
            BotOutcome::Answer,
            Some(entry.id),
            bot.related(entry).into_iter().map(suggestion).collect(),
        ),
        MatchOutcome::Suggest(list) => {
            // Prompt in the question's language, since the suggestions are in it.
            let lang = Lang::detect(question).code();
            (
                bot.suggest_prompt(lang).to_owned(),
                BotOutcome::Suggest,
                None,
                list.into_iter().map(suggestion).collect(),
            )
        }
        MatchOutcome::Unknown => (
            bot.unknown_reply(locale).to_owned(),
            BotOutcome::Unknown,
            None,
            Vec::new(),
        ),
    };
    let mut counted = c.clone();
    if outcome == BotOutcome::Unknown {
        counted.unknown_count = store::conversations::count_unknown(state.db.pool(), &c.id).await?;
    }
    let reply = BotReply {
        outcome,
        faq_id: answered,
        suggestions,
        transfer_button: transfer_button(tenant, &counted),
    };
    let stored = chat::append(
        state,
        &c.id,
        NewMessage {
            client_id: None,
            sender: Sender::Bot,
            sender_id: ctx.robotid.map(|r| r.to_string()),
            sender_name: Some(bot.name.clone()),
            kind: MessageKind::Text,
            text,
            event: None,
            bot: Some(reply),
            card: None,
            image: None,
        },
    )
    .await?;
    Ok(Some(stored.message))
}

/// Reads agents, groups and the queue of a tenant inside `tx`.
async fn snapshot(tx: &mut Tx, tenant: &Tenant, now: i64) -> Result<Snapshot, ApiError> {
    let statuses: HashMap<String, AgentStatus> = store::staff::statuses(&mut **tx, &tenant.sysnum)
        .await?
        .into_iter()
        .collect();
    let active: HashMap<String, i64> =
        store::conversations::load_per_agent(&mut **tx, &tenant.sysnum)
            .await?
            .into_iter()
            .collect();
    let agents = tenant
        .agents
        .iter()
        .map(|a| RoutingAgent {
            id: a.id.clone(),
            status: match statuses.get(&a.id) {
                Some(AgentStatus::Online) => RoutingStatus::Online,
                Some(AgentStatus::Busy) => RoutingStatus::Busy,
                _ => RoutingStatus::Offline,
            },
            capacity: a.capacity,
            active_chats: u32::try_from(active.get(&a.id).copied().unwrap_or(0)).unwrap_or(0),
            groups: a.groups.clone(),
        })
        .collect();
    let groups = tenant
        .groups
        .iter()
        .map(|g| RoutingGroup {
            id: g.id.clone(),
            name: g.name.clone(),
            // Open now, or closed all week: the hours were checked in the group's zone.
            hours: (!g.is_open(now)).then(WorkingHours::default),
            members: Vec::new(),
        })
        .collect();
    let queue = store::conversations::waiting(&mut **tx, &tenant.sysnum)
        .await?
        .iter()
        .map(chat::queue::entry)
        .collect();
    Ok(Snapshot {
        agents,
        groups,
        queue,
    })
}

/// The router's clock; unused because working hours are already evaluated in
/// [`snapshot`], but the pure function takes one.
const ANY_TIME: WeekTime = WeekTime {
    day: Weekday::Mon,
    minute: 0,
};

fn group_views(tenant: &Tenant, ids: &[String], now: i64) -> Vec<GroupView> {
    ids.iter()
        .filter_map(|id| tenant.group(id))
        .map(|g| GroupView {
            id: g.id.clone(),
            name: g.name.clone(),
            open: g.is_open(now),
        })
        .collect()
}

/// The visitor's view of where a conversation stands, for one not being routed now.
pub fn reception_of(tenant: &Tenant, c: &Conversation, position: Option<u32>) -> Reception {
    match c.state {
        ConversationState::Bot => Reception::Bot,
        ConversationState::Queueing => Reception::Queued {
            position: position.unwrap_or(1),
        },
        ConversationState::WithAgent => Reception::Assigned {
            agent: tenant.agent_brief(c.agent_id.as_deref().unwrap_or_default()),
        },
        ConversationState::Ended => Reception::Ended,
    }
}

/// Routes a bot conversation: to the bot, an agent, the queue, or tells why nobody can
/// take the visitor. `wants_agent` is the trans-to-agent button; `group_choice` the
/// group the visitor picked after [`Reception::ChooseGroup`]. A conversation already
/// queueing or with an agent is left as it is, so pressing the button twice is
/// harmless.
pub async fn route(
    state: &AppState,
    tenant: &Tenant,
    conversation_id: &str,
    wants_agent: bool,
    group_choice: Option<&str>,
) -> Result<(Conversation, Reception), ApiError> {
    if let Some(g) = group_choice {
        if tenant.group(g).is_none() {
            return Err(ApiError::bad_request(format!("no skill group {g:?}")));
        }
    }
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    state.db.lock_tenant(&mut tx, &tenant.sysnum).await?;
    let Some(before) = store::conversations::lock(&mut tx, conversation_id).await? else {
        return Err(ApiError::client(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "no such conversation",
        ));
    };
    if before.state != ConversationState::Bot {
        tx.rollback().await?;
        let position = chat::queue_position(state, &before).await?;
        return Ok((before.clone(), reception_of(tenant, &before, position)));
    }
    let ctx = Context::of(&before);
    if wants_agent && !ctx.can_transfer() {
        tx.rollback().await?;
        return Err(ApiError::client(
            StatusCode::CONFLICT,
            ErrorCode::BadRequest,
            "this chat is answered by the bot only",
        ));
    }
    let mut request = ctx.request.clone();
    request.visitor = Some(before.id.clone());
    request.wants_agent = wants_agent;
    request.rules = rules_of(tenant);
    if let Some(g) = group_choice {
        request.groupid = Some(g.to_owned());
    }
    let snap = snapshot(&mut tx, tenant, now).await?;
    let decision = routing::decide(&request, &snap, ANY_TIME);
    let priority = pack_priority(request.priority());
    let (change, reception) = match decision {
        Decision::Bot => (None, Reception::Bot),
        Decision::ChooseGroup(ids) => (
            None,
            Reception::ChooseGroup {
                groups: group_views(tenant, &ids, now),
            },
        ),
        Decision::Assign { agent, group } => {
            let brief = tenant.agent_brief(&agent);
            let change = transitions::assign(&brief, group, priority);
            (Some(change), Reception::Assigned { agent: brief })
        }
        Decision::Queue {
            target, position, ..
        } => {
            let (group_id, queue_agent) = match target {
                Target::Any => (None, None),
                Target::Group(g) => (Some(g), None),
                Target::Agent(a) => (None, Some(a)),
            };
            let change = transitions::enqueue(group_id, queue_agent, priority);
            (Some(change), Reception::Queued { position })
        }
        Decision::AgentOffline { .. } => (None, Reception::AgentOffline),
        Decision::NoAgentOnline { .. } => (None, Reception::NoAgentOnline),
        Decision::OffDuty { group } => (None, Reception::OffDuty { group_id: group }),
        Decision::Redirect { url, open_style } => (None, Reception::Redirect { url, open_style }),
    };
    let Some(change) = change else {
        tx.rollback().await?;
        return Ok((before, reception));
    };
    let changed = chat::apply(&mut tx, &before, change).await?;
    tx.commit().await?;
    publish::change(state, &changed.before, &changed.after, &changed.messages).await;
    tracing::info!(
        sysnum = %tenant.sysnum,
        conversation = %changed.after.id,
        state = changed.after.state.as_str(),
        "routed"
    );
    Ok((changed.after, reception))
}

/// An agent takes a waiting conversation by hand. Their status and load are read under
/// the tenant's routing lock, in the transaction that assigns the conversation, so two
/// accepts (or an accept racing the queue's drain) cannot put an agent over capacity:
/// the second sees the first's conversation and gets a 409.
pub async fn accept(
    state: &AppState,
    tenant: &Tenant,
    agent: &Agent,
    conversation_id: &str,
) -> Result<Conversation, ApiError> {
    let brief = tenant.agent_brief(&agent.id);
    let mut tx = state.db.begin().await?;
    state.db.lock_tenant(&mut tx, &tenant.sysnum).await?;
    let status = store::staff::status(&mut *tx, &tenant.sysnum, &agent.id).await?;
    let held = store::conversations::held_by(&mut *tx, &tenant.sysnum, &agent.id)
        .await?
        .len();
    let slot = AgentSlot {
        signed_in: status != AgentStatus::Offline,
        held: u32::try_from(held).unwrap_or(u32::MAX),
        capacity: agent.capacity,
    };
    let Some(before) = store::conversations::lock(&mut tx, conversation_id).await? else {
        return Err(ApiError::client(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "no such conversation",
        ));
    };
    let change = transitions::accept(&before, &brief, slot)?;
    let changed = chat::apply(&mut tx, &before, change).await?;
    tx.commit().await?;
    publish::change(state, &changed.before, &changed.after, &changed.messages).await;
    tracing::info!(sysnum = %tenant.sysnum, conversation = %changed.after.id, agent = %agent.id, "accepted");
    Ok(changed.after)
}

/// Applies a transition ([`chat::transition`]) and, when it took a conversation away
/// from an agent, lets the queue drain into the freed capacity. Every change a person
/// asks for (an agent ends or transfers, a visitor leaves) goes through here.
pub async fn transition(
    state: &AppState,
    conversation_id: &str,
    decide: impl FnOnce(&Conversation) -> Result<Change, TransitionError>,
) -> Result<Changed, ApiError> {
    let changed = chat::transition(state, conversation_id, decide).await?;
    drain_if_freed(state, &changed).await;
    Ok(changed)
}

/// [`transition`] for the server's own endings, which skip a conversation that moved
/// on meanwhile (`decide` gives `None`).
async fn transition_if(
    state: &AppState,
    conversation_id: &str,
    decide: impl FnOnce(&Conversation) -> Option<Change>,
) -> Result<Option<Changed>, ApiError> {
    let changed = chat::transition_if(state, conversation_id, |c| Ok(decide(c))).await?;
    if let Some(changed) = &changed {
        drain_if_freed(state, changed).await;
    }
    Ok(changed)
}

async fn drain_if_freed(state: &AppState, changed: &Changed) {
    if transitions::frees_capacity(&changed.before, &changed.after) {
        drain_logged(state, &changed.after.sysnum).await;
    }
}

/// Gives waiting visitors to agents with free capacity (see [`routing::drain`]).
pub async fn drain(state: &AppState, sysnum: &str) -> Result<(), ApiError> {
    apply_to_queue(state, sysnum, routing::drain, |tenant, before, agent_id| {
        transitions::take_from_queue(before, &tenant.agent_brief(&agent_id))
    })
    .await
}

/// Under the tenant's routing lock, picks queued conversations from a [`Snapshot`]
/// (`pick` gives each with a value for `change`), applies each one's [`Change`] in one
/// transaction, then publishes them and the new queue positions. The published changes
/// do not trigger a drain: this is the queue's own bookkeeping.
async fn apply_to_queue<T>(
    state: &AppState,
    sysnum: &str,
    pick: impl FnOnce(&Snapshot) -> Vec<(String, T)>,
    change: impl Fn(&Tenant, &Conversation, T) -> Result<Change, TransitionError>,
) -> Result<(), ApiError> {
    let Some(tenant) = state.config.tenant(sysnum) else {
        return Ok(());
    };
    let mut tx = state.db.begin().await?;
    state.db.lock_tenant(&mut tx, sysnum).await?;
    let snap = snapshot(&mut tx, tenant, now_ms()).await?;
    let picked = pick(&snap);
    if picked.is_empty() {
        tx.rollback().await?;
        return Ok(());
    }
    let mut done = Vec::new();
    for (conversation_id, value) in picked {
        let Some(before) = store::conversations::lock(&mut tx, &conversation_id).await? else {
            continue;
        };
        let c = change(tenant, &before, value)?;
        done.push(chat::apply(&mut tx, &before, c).await?);
    }
    tx.commit().await?;
    for changed in &done {
        publish::messages(state, &changed.after, &changed.messages);
        publish::summary(state, &changed.after).await;
        tracing::info!(conversation = %changed.after.id, state = changed.after.state.as_str(), "queue changed");
    }
    publish::queue_positions(state, sysnum).await;
    Ok(())
}

/// [`drain`], logging instead of failing: it runs after another change has already
/// succeeded, which must not be reported as failed.
pub async fn drain_logged(state: &AppState, sysnum: &str) {
    if let Err(e) = Box::pin(drain(state, sysnum)).await {
        tracing::warn!(error = ?e, sysnum, "draining the queue");
    }
}

/// Takes out of the queue the visitors nobody signed in can take any more (see
/// [`routing::stranded`]): back to the bot, with a system message the client turns
/// into the leave-message offer.
pub async fn release_stranded(state: &AppState, sysnum: &str) -> Result<(), ApiError> {
    let pick = |snap: &Snapshot| {
        routing::stranded(snap)
            .into_iter()
            .map(|id| (id, ()))
            .collect()
    };
    apply_to_queue(state, sysnum, pick, |_, before, ()| {
        Ok(transitions::release(before))
    })
    .await
}

/// Stores an agent's status and carries out what it means for visitors: going offline
/// ends the agent's chats with that reason (and releases visitors waiting for nobody),
/// coming online lets the queue drain to them. Sign-in, sign-out and the status
/// endpoint all go through here.
pub async fn set_agent_status(
    state: &AppState,
    sysnum: &str,
    agent_id: &str,
    status: AgentStatus,
) -> Result<(), ApiError> {
    store::staff::set_status(state.db.pool(), sysnum, agent_id, status).await?;
    match status {
        AgentStatus::Offline => {
            end_held_by(state, sysnum, agent_id).await?;
            release_stranded(state, sysnum).await?;
        }
        AgentStatus::Online => drain_logged(state, sysnum).await,
        AgentStatus::Busy => {}
    }
    Ok(())
}

/// Ends every open conversation of an agent who went offline, with that reason.
async fn end_held_by(state: &AppState, sysnum: &str, agent_id: &str) -> Result<(), ApiError> {
    for c in store::conversations::held_by(state.db.pool(), sysnum, agent_id).await? {
        transition_if(state, &c.id, |c| {
            (c.agent_id.as_deref() == Some(agent_id) && c.state == ConversationState::WithAgent)
                .then(|| transitions::end_for(c, EndReason::AgentOffline).ok())
                .flatten()
        })
        .await?;
    }
    Ok(())
}

/// A visitor's message: stored (exactly once on its client id), and in a bot
/// conversation answered by the bot (once: not for a re-sent duplicate). The answer
/// reaches the visitor as a message event, and through history.
pub async fn visitor_says(
    state: &AppState,
    who: &VisitorAuth,
    client_id: &str,
    text: &str,
    faq_id: Option<u64>,
) -> Result<Appended, ApiError> {
    chat::check_text(client_id, text)?;
    let m = NewMessage::from_person(
        client_id,
        Sender::Visitor,
        Some(who.visitor_id.clone()),
        None,
        MessageKind::Text,
        text.to_owned(),
    );
    let appended = chat::append(state, &who.conversation_id, m).await?;
    if !appended.duplicate {
        if let Some(tenant) = state.config.tenant(&who.sysnum) {
            bot_reply(state, tenant, &appended.conversation, text, faq_id).await?;
        }
    }
    Ok(appended)
}

/// Ends conversations whose visitor sent nothing for the tenant's idle timeout, as of
/// `now` (Unix ms). Returns how many ended. The server runs it every minute.
pub async fn end_idle(state: &AppState, now: i64) -> Result<usize, ApiError> {
    let mut ended = 0;
    for tenant in &state.config.tenants {
        let minutes = tenant
            .backend
            .visitor_idle_minutes
            .unwrap_or(DEFAULT_IDLE_MINUTES);
        let cutoff = now - i64::try_from(minutes).unwrap_or(i64::MAX / 120_000) * 60_000;
        for id in store::conversations::idle_since(state.db.pool(), &tenant.sysnum, cutoff).await? {
            // The visitor may have written since the list was read: checked again on
            // the locked row.
            let changed = transition_if(state, &id, |c| {
                (c.last_visitor_at.unwrap_or(c.created_at) < cutoff)
                    .then(|| transitions::end_for(c, EndReason::VisitorIdle).ok())
                    .flatten()
            })
            .await?;
            ended += usize::from(changed.is_some());
        }
    }
    Ok(ended)
}

/// Runs [`end_idle`] every minute until shutdown.
pub async fn idle_sweeper(state: AppState) {
    let mut shutdown = state.shutdown.clone();
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tokio::select! {
            _ = tick.tick() => {
                match end_idle(&state, now_ms()).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(ended = n, "idle conversations ended"),
                    Err(e) => tracing::warn!(error = ?e, "idle sweep"),
                }
            }
            _ = shutdown.changed() => return,
        }
    }
}
