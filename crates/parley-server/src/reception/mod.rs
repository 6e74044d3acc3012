//! Reception carried out over the store: the FAQ bot answering in bot conversations,
//! and visitors routed to humans by the pure decisions of `parley_reception::routing`.
//!
//! - this module: what a conversation remembers of its link ([`Context`]), greetings,
//!   guided questions, the transfer button and the visitor's view of reception;
//! - [`bot`]: the bots, indexed once, answering visitor messages;
//! - [`queue`]: routing, accepting, draining, releasing and ending conversations.
//!
//! Every routing step (a visitor asking for a human, an agent accepting, the queue
//! draining when capacity appears) runs in one transaction that first takes the
//! tenant's routing lock (`Db::lock_tenant`), then reads a snapshot of agents, groups
//! and the queue, decides, and writes the result. So two requests, or two instances
//! sharing one PostgreSQL, never hand the last free slot to two visitors.
//!
//! Working hours are evaluated here, with each group's own UTC offset (see
//! [`crate::config::Group::is_open`]), and handed to the router as "open" or "closed".

pub mod bot;
pub mod queue;

pub use bot::{bot_reply, visitor_says, Bots};
pub use queue::{
    accept, drain, drain_logged, end_idle, hand_on_agent, release_stranded, route,
    set_agent_status, transition,
};

use parley_protocol::api::{ConversationState, GroupView, Reception, Suggestion};
use parley_protocol::params::ReceptionType;
use parley_protocol::{ChatParams, EffectiveSettings, Locale};
use parley_reception::bot::{FaqEntry, Lang};
use parley_reception::routing::overflow::Overflow;
use parley_reception::routing::{self, RoutingRequest, RoutingRules};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub use crate::chat::queue::{pack_priority, unpack_priority};
use crate::chat::Conversation;
use crate::config::Tenant;
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
    /// `photo_flag`: whether the visitor may send pictures once an agent joined.
    /// (Conversations stored before it existed allow them, as they did then.)
    #[serde(default = "yes")]
    pub photo_flag: bool,
    /// `guide_flag`: whether the bot offers its guided questions, under the greeting
    /// and again when it does not understand a question. (Conversations stored before
    /// it was kept here offer them, as the default link does.)
    #[serde(default = "yes")]
    pub guide_flag: bool,
    /// The link's `satDegree_A`: whether the agent's ending invites an evaluation
    /// (`None`: the tenant's `invite_on_agent_end` decides, read when the chat ends).
    #[serde(default)]
    pub sat_degree_a: Option<bool>,
    /// The link's `source` channel code, shown to agents on the conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<u8>,
    /// The link's `summaryparams` (service-summary fields the site filled in ahead),
    /// shown to agents on the conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summaryparams: Option<serde_json::Map<String, serde_json::Value>>,
    /// The link's e-commerce overflow (`flowType`, `flowCompanyId`, `flowGroupId`,
    /// `platformUnionCode`), when it asks for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overflow: Option<Overflow>,
    /// The visitor's `User-Agent` when the conversation began
    /// ([`crate::user_agent::stored`]), read into a browser / device label for agents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// The page the visitor started the chat from ([`crate::traces::came_from`]),
    /// shown to agents beside a waiting visitor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<parley_protocol::api::VisitPage>,
}

fn yes() -> bool {
    true
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
            photo_flag: settings.photo_flag,
            guide_flag: settings.guide_flag,
            sat_degree_a: params.identity.sat_degree_a,
            source: params.ui.source.map(|s| s.code()),
            summaryparams: params.identity.summaryparams.clone(),
            overflow: Overflow::from_params(params),
            user_agent: None,
            page: None,
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
            photo_flag: true,
            guide_flag: true,
            sat_degree_a: None,
            source: None,
            summaryparams: None,
            overflow: None,
            user_agent: None,
            page: None,
        })
    }

    /// Whether the visitor may ask for a human at all (not bot-only).
    pub fn can_transfer(&self) -> bool {
        self.request.reception_type != ReceptionType::BotOnly
    }
}

/// Whether ending `c` (by its agent, the agent going offline, or the visitor's silence)
/// invites the visitor to rate it: the tenant takes evaluations, and the link's
/// `satDegree_A`, else the tenant's `invite_on_agent_end`, asks for it.
pub fn invites_evaluation(state: &AppState, c: &Conversation) -> bool {
    // The visitor's tenant: its evaluation form is the one the visitor's page shows,
    // also when a partner served the chat.
    state
        .config
        .tenant(c.home())
        .is_some_and(|t| t.evaluation.after_agent_end(Context::of(c).sat_degree_a))
}

/// The tenant's routing rules in the router's terms: its VIP levels from lowest to
/// highest (the configuration lists them in that order) and its rules.
pub fn rules_of(tenant: &Tenant) -> RoutingRules {
    RoutingRules {
        vip_levels: tenant.vip_levels.iter().map(|l| l.id.clone()).collect(),
        rules: tenant.routing_rules.clone(),
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
        if let Some(m) = state.config.bot(&tenant.sysnum, ctx.robotid) {
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
/// the page's locale; none where the bot does not answer (`type=2`, agent only: the
/// conversation waits in the bot state while nobody is online, but the bot is silent).
pub fn guide(
    state: &AppState,
    tenant: &Tenant,
    c: &Conversation,
    ctx: &Context,
    settings: &EffectiveSettings,
) -> Vec<Suggestion> {
    if !settings.guide_flag
        || c.state != ConversationState::Bot
        || ctx.request.reception_type == ReceptionType::AgentOnly
    {
        return Vec::new();
    }
    let Some(m) = state.config.bot(&tenant.sysnum, ctx.robotid) else {
        return Vec::new();
    };
    let lang = Lang::for_locale(ctx.locale.code());
    m.bot()
        .guide_entries(lang)
        .into_iter()
        .map(suggestion)
        .collect()
}

pub(crate) fn suggestion(e: &FaqEntry) -> Suggestion {
    Suggestion {
        id: e.id,
        question: e.question.clone(),
    }
}

pub(crate) fn group_views(tenant: &Tenant, ids: &[String], now: i64) -> Vec<GroupView> {
    ids.iter()
        .filter_map(|id| tenant.group(id))
        .map(|g| GroupView {
            id: g.id.clone(),
            name: g.name.clone(),
            open: g.is_open(now),
        })
        .collect()
}

/// The tenant serving `c`: its own, or the partner it overflowed to (`fallback`, the
/// visitor's tenant, if that partner is no longer configured).
pub fn serving_tenant(state: &AppState, c: &Conversation, fallback: &Arc<Tenant>) -> Arc<Tenant> {
    state
        .config
        .tenant(&c.sysnum)
        .unwrap_or_else(|| Arc::clone(fallback))
}

/// The visitor's view of where a conversation stands, for one not being routed now.
/// `tenant` is the one serving it (see [`serving_tenant`]), whose agents it names.
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
