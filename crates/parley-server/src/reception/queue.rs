//! Routing over the store: the pure decisions of `parley_reception::routing` applied in
//! one transaction under the tenant's routing lock (see the parent module), and every
//! change that moves a conversation between the bot, the queue, an agent and its end.

use std::collections::HashMap;

use axum::http::StatusCode;
use parley_protocol::api::{AgentStatus, ConversationState, EndReason, ErrorCode, Reception};
use parley_reception::routing::overflow::{self, Overflow, Shortage};
use parley_reception::routing::{
    self, Agent as RoutingAgent, AgentStatus as RoutingStatus, Decision, Group as RoutingGroup,
    RoutingRequest, Snapshot, Target, WeekTime, Weekday, WorkingHours,
};

use super::{group_views, pack_priority, reception_of, rules_of, Context, DEFAULT_IDLE_MINUTES};
use crate::chat::transitions::{self, AgentSlot};
use crate::chat::{self, publish, Change, Changed, Conversation, TransitionError};
use crate::config::{Agent, NoPartnership, Tenant};
use crate::error::ApiError;
use crate::store::{self, now_ms, Tx};
use crate::AppState;

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
        .filter(|a| !a.disabled)
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

/// Routes a bot conversation: to the bot, an agent, the queue, or tells why nobody can
/// take the visitor. `wants_agent` is the trans-to-agent button; `group_choice` the
/// group the visitor picked after [`Reception::ChooseGroup`]. A conversation already
/// queueing or with an agent is left as it is, so pressing the button twice is
/// harmless. `tenant` is the visitor's tenant.
///
/// When the tenant has no agent for the visitor and the link asks for e-commerce
/// overflow ([`Context::overflow`]), the partner tenant gets the visitor if it declares
/// this tenant as a partner ([`Tenant::takes_overflow_from`]) and can take them
/// ([`overflow::partner_takes`]); otherwise routing goes on at home as without it.
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
    let routed = route_at_home(
        state,
        tenant,
        conversation_id,
        wants_agent,
        group_choice,
        true,
    )
    .await?;
    match routed {
        Routed::Done(done) => Ok(done),
        Routed::Overflow(request, o, shortage) => {
            if let Some(done) =
                overflow_to_partner(state, tenant, conversation_id, &request, &o, shortage).await?
            {
                return Ok(done);
            }
            match route_at_home(
                state,
                tenant,
                conversation_id,
                wants_agent,
                group_choice,
                false,
            )
            .await?
            {
                Routed::Done(done) => Ok(done),
                Routed::Overflow(..) => Err(ApiError::Internal("overflow asked twice".into())),
            }
        }
    }
}

/// What routing at home came to: done, or (only when `may_overflow`) the visitor
/// should try the partner first, with the request as routed at home.
enum Routed {
    Done((Conversation, Reception)),
    Overflow(RoutingRequest, Overflow, Shortage),
}

async fn route_at_home(
    state: &AppState,
    tenant: &Tenant,
    conversation_id: &str,
    wants_agent: bool,
    group_choice: Option<&str>,
    may_overflow: bool,
) -> Result<Routed, ApiError> {
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    state.db.lock_tenant(&mut tx, &tenant.sysnum).await?;
    let not_found = || {
        ApiError::client(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "no such conversation",
        )
    };
    let Some(before) = store::conversations::lock(&mut tx, conversation_id).await? else {
        return Err(not_found());
    };
    if before.home() != tenant.sysnum {
        tx.rollback().await?;
        return Err(not_found());
    }
    if before.state != ConversationState::Bot {
        tx.rollback().await?;
        let position = chat::queue_position(state, &before).await?;
        let reception = match state.config.tenant(&before.sysnum) {
            Some(serving) => reception_of(&serving, &before, position),
            None => reception_of(tenant, &before, position),
        };
        return Ok(Routed::Done((before, reception)));
    }
    // Back with the bot after a partner's queue let the visitor go: routed from home
    // again (a bot conversation is in no tenant's queue or load).
    let before = if before.sysnum == tenant.sysnum {
        before
    } else {
        store::conversations::move_to(&mut tx, &before.id, &tenant.sysnum).await?
    };
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
    if let (true, Some(o)) = (may_overflow, &ctx.overflow) {
        let shortage = overflow::home_shortage(&request, &snap, ANY_TIME, &decision);
        if let Some(shortage) = shortage.filter(|s| o.wanted(*s)) {
            tx.rollback().await?;
            return Ok(Routed::Overflow(request, o.clone(), shortage));
        }
    }
    let priority = pack_priority(request.priority());
    let (change, reception) = carry_out(tenant, decision, priority, now);
    let Some(change) = change else {
        // Nothing changes (a move home above is undone too: a bot conversation left
        // at the partner is in nobody's queue, and the next routing moves it).
        tx.rollback().await?;
        return Ok(Routed::Done((before, reception)));
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
    Ok(Routed::Done((changed.after, reception)))
}

/// A routing decision of `tenant` as the change to store (none: the conversation stays
/// with the bot) and what the visitor is told.
fn carry_out(
    tenant: &Tenant,
    decision: Decision,
    priority: i64,
    now: i64,
) -> (Option<Change>, Reception) {
    match decision {
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
    }
}

/// Moves a bot conversation of `home`'s visitor to the partner its link names, if that
/// partner declares `home` under the link's union code and can take the visitor now
/// (see [`overflow::partner_takes`]). Runs in its own transaction under the *partner's*
/// routing lock (the home tenant's lock was released first, so two tenants
/// overflowing into each other never wait on each other's locks). `None`: nothing
/// moved, and routing goes on at home.
async fn overflow_to_partner(
    state: &AppState,
    home: &Tenant,
    conversation_id: &str,
    request: &RoutingRequest,
    o: &Overflow,
    shortage: Shortage,
) -> Result<Option<(Conversation, Reception)>, ApiError> {
    let partner = state
        .config
        .tenant(&o.company)
        .ok_or(NoPartnership::UnknownTenant)
        .and_then(|p| {
            p.takes_overflow_from(&home.sysnum, o.union_code.as_deref())
                .map(|()| p)
        });
    let partner = match partner {
        Ok(p) => p,
        Err(why) => {
            tracing::info!(sysnum = %home.sysnum, partner = %o.company, ?why, "overflow refused");
            return Ok(None);
        }
    };
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    state.db.lock_tenant(&mut tx, &partner.sysnum).await?;
    let Some(before) = store::conversations::lock(&mut tx, conversation_id).await? else {
        tx.rollback().await?;
        return Ok(None);
    };
    // Routed meanwhile (another request of the same visitor): leave it.
    if before.state != ConversationState::Bot || before.home() != home.sysnum {
        tx.rollback().await?;
        return Ok(None);
    }
    let request = o.partner_request(request, rules_of(&partner));
    let snap = snapshot(&mut tx, &partner, now).await?;
    let decision = routing::decide(&request, &snap, ANY_TIME);
    if !overflow::partner_takes(shortage, &decision) {
        tx.rollback().await?;
        tracing::info!(sysnum = %home.sysnum, partner = %partner.sysnum, "overflow: the partner has nobody either");
        return Ok(None);
    }
    let (change, reception) = carry_out(&partner, decision, pack_priority(request.priority()), now);
    let Some(change) = change else {
        tx.rollback().await?;
        return Ok(None);
    };
    let moved = store::conversations::move_to(&mut tx, &before.id, &partner.sysnum).await?;
    let changed = chat::apply(&mut tx, &moved, change).await?;
    tx.commit().await?;
    publish::change(state, &changed.before, &changed.after, &changed.messages).await;
    tracing::info!(
        sysnum = %home.sysnum,
        partner = %partner.sysnum,
        conversation = %changed.after.id,
        state = changed.after.state.as_str(),
        "overflowed"
    );
    Ok(Some((changed.after, reception)))
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
    // Moved to another tenant since the caller looked (never while queueing today).
    if before.sysnum != tenant.sysnum {
        tx.rollback().await?;
        return Err(ApiError::client(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "no such conversation",
        ));
    }
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
    let snap = snapshot(&mut tx, &tenant, now_ms()).await?;
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
        let c = change(&tenant, &before, value)?;
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

/// An admin disabled or removed an agent: their status becomes offline, their
/// sessions end, and every conversation they held goes back to its group's queue
/// ([`transitions::hand_on`]) and on to a free agent of the group when there is one
/// (the drain after each). Visitors nobody can take any more are then released as for
/// an agent going offline. Returns how many conversations were handed on.
pub async fn hand_on_agent(
    state: &AppState,
    sysnum: &str,
    agent_id: &str,
) -> Result<usize, ApiError> {
    store::staff::set_status(state.db.pool(), sysnum, agent_id, AgentStatus::Offline).await?;
    store::sessions::delete_all_of(
        state.db.pool(),
        sysnum,
        crate::auth::AGENT_SESSION,
        agent_id,
    )
    .await?;
    let mut handed = 0;
    for c in store::conversations::held_by(state.db.pool(), sysnum, agent_id).await? {
        if transition_if(state, &c.id, |c| transitions::hand_on(c, agent_id))
            .await?
            .is_some()
        {
            handed += 1;
        }
    }
    release_stranded(state, sysnum).await?;
    Ok(handed)
}

/// Ends every open conversation of an agent who went offline, with that reason.
async fn end_held_by(state: &AppState, sysnum: &str, agent_id: &str) -> Result<(), ApiError> {
    for c in store::conversations::held_by(state.db.pool(), sysnum, agent_id).await? {
        transition_if(state, &c.id, |c| {
            let invite = super::invites_evaluation(state, c);
            (c.agent_id.as_deref() == Some(agent_id) && c.state == ConversationState::WithAgent)
                .then(|| transitions::end_for(c, EndReason::AgentOffline, invite).ok())
                .flatten()
        })
        .await?;
    }
    Ok(())
}

/// Ends conversations whose visitor sent nothing for the tenant's idle timeout, as of
/// `now` (Unix ms). Returns how many ended. The server runs it every minute.
pub async fn end_idle(state: &AppState, now: i64) -> Result<usize, ApiError> {
    let mut ended = 0;
    for tenant in state.config.tenants() {
        let minutes = tenant
            .backend
            .visitor_idle_minutes
            .unwrap_or(DEFAULT_IDLE_MINUTES);
        let cutoff = now - i64::try_from(minutes).unwrap_or(i64::MAX / 120_000) * 60_000;
        for id in store::conversations::idle_since(state.db.pool(), &tenant.sysnum, cutoff).await? {
            // The visitor may have written since the list was read: checked again on
            // the locked row.
            let changed = transition_if(state, &id, |c| {
                let invite = super::invites_evaluation(state, c);
                (c.last_visitor_at.unwrap_or(c.created_at) < cutoff)
                    .then(|| transitions::end_for(c, EndReason::VisitorIdle, invite).ok())
                    .flatten()
            })
            .await?;
            ended += usize::from(changed.is_some());
        }
    }
    Ok(ended)
}
