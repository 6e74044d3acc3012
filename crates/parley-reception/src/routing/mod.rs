//! The routing decision: given who the visitor is and what the link asks for, and a
//! snapshot of agents, skill groups and the queue, who answers?
//!
//! [`decide`] is a pure function so that every rule of the spec's "Reception Mode",
//! "intelligent Routing Reception for VIP", "VIP Users" and "Customer Tag" sections is
//! tested without a server. The server takes a [`Snapshot`] (under whatever lock or
//! transaction it uses), calls [`decide`], and carries the [`Decision`] out.
//!
//! # Order of the rules
//!
//! 1. Reception type: `1` (bot only) always gives [`Decision::Bot`]; `3` (bot first)
//!    gives the bot until the visitor asks for a human ([`RoutingRequest::wants_agent`]);
//!    `2` (agent only) and `4` (agent first) go to humans at once.
//! 2. Going to humans with `to_customsys_flag` on and an openable `to_customsys_url`
//!    gives [`Decision::Redirect`] instead.
//! 3. `transfer_action` is walked step by step (see [`decide`]). When every step has
//!    overflowed, ordinary routing goes on.
//! 4. A designated agent (`agentid`): assigned when free, queued for when occupied; when
//!    offline, `agent_mode_flag=1` tells the visitor and `0` goes on to other agents.
//! 5. The skill group: `groupid` when it names a known group (the link wins over the
//!    tenant's rules, as link parameters win over backend settings in the spec), else the
//!    first tenant rule matching `is_vip` / `vip_level` / `user_label`, else the only
//!    group, else the visitor chooses ([`Decision::ChooseGroup`]). A tenant without
//!    groups routes to all its agents.
//! 6. In the group: off duty, nobody online, an agent free (assign the least loaded), or
//!    all occupied (queue).
//!
//! Agent first (`4`) falls back to the bot when humans cannot take the visitor at all
//! (nobody online, off duty, designated agent offline), unless the visitor explicitly
//! asked for a human, in which case they are told why.
//!
//! Times are the tenant's local time: the server converts the clock to a [`WeekTime`].

use parley_protocol::params::{
    AgentOfflineMode, ChatParams, EffectiveSettings, OpenStyle, ReceptionType, SpillCondition,
    TransferAction,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub mod overflow;
#[cfg(test)]
mod tests;

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl Weekday {
    /// Every day, Monday first.
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];
}

/// A moment of the week in the tenant's local time: all that working hours depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct WeekTime {
    /// The day.
    pub day: Weekday,
    /// Minutes since local midnight, `0..1440`.
    pub minute: u16,
}

impl WeekTime {
    /// The time `hour:minute` on `day`.
    pub fn new(day: Weekday, hour: u16, minute: u16) -> WeekTime {
        WeekTime {
            day,
            minute: hour * 60 + minute,
        }
    }
}

/// A span of a day, in minutes since midnight, start included and end excluded
/// (`540..1260` is 9:00 to 21:00). A span past midnight is written as two spans, one on
/// each day, so that every day's hours read on their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MinuteRange {
    /// First minute of the span.
    pub start: u16,
    /// First minute after the span (at most 1440).
    pub end: u16,
}

/// A group's working hours: the spans of each day; a day not listed is closed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingHours {
    /// The open spans of each day.
    pub days: BTreeMap<Weekday, Vec<MinuteRange>>,
}

impl WorkingHours {
    /// The same hours (`start..end`, in minutes) every day of the week.
    pub fn every_day(start: u16, end: u16) -> WorkingHours {
        WorkingHours {
            days: Weekday::ALL
                .into_iter()
                .map(|d| (d, vec![MinuteRange { start, end }]))
                .collect(),
        }
    }

    /// Whether the group is on duty at this moment.
    pub fn is_open(&self, at: WeekTime) -> bool {
        self.days.get(&at.day).is_some_and(|spans| {
            spans
                .iter()
                .any(|r| r.start <= at.minute && at.minute < r.end)
        })
    }
}

/// An agent's presence as the agent set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AgentStatus {
    /// Logged in and taking chats (up to capacity).
    Online,
    /// Logged in but taking no new chats; counts as online and occupied.
    Busy,
    /// Not logged in.
    Offline,
}

/// An agent in the snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agent {
    /// The agent's id (`agentid`, a `to_service` step's `deciId`).
    pub id: String,
    /// Presence.
    pub status: AgentStatus,
    /// How many chats the agent takes at once.
    pub capacity: u32,
    /// How many chats the agent has now.
    pub active_chats: u32,
    /// Skill groups the agent belongs to (also see [`Group::members`]).
    #[serde(default)]
    pub groups: Vec<String>,
}

impl Agent {
    /// Logged in, whether taking chats or not.
    pub fn is_online(&self) -> bool {
        self.status != AgentStatus::Offline
    }

    /// How many more chats the agent takes now (0 unless online and under capacity).
    pub fn free_slots(&self) -> u32 {
        if self.status == AgentStatus::Online {
            self.capacity.saturating_sub(self.active_chats)
        } else {
            0
        }
    }
}

/// A skill group in the snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// The group's id (`groupid`, a `to_group` step's `deciId`).
    pub id: String,
    /// The name shown when the visitor chooses a group.
    pub name: String,
    /// Working hours; `None` means always on duty.
    #[serde(default)]
    pub hours: Option<WorkingHours>,
    /// Agent ids of the group (also see [`Agent::groups`]; either side suffices).
    #[serde(default)]
    pub members: Vec<String>,
}

/// Whom a waiting visitor waits for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Target {
    /// Any agent of a tenant without skill groups.
    Any,
    /// Any agent of this skill group.
    Group(String),
    /// This designated agent.
    Agent(String),
}

/// The priority class of a waiting visitor, lowest first so that `Ord` ranks them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub enum Tier {
    /// Everybody else.
    #[default]
    Normal,
    /// `is_vip=1`.
    Vip,
    /// `queueFirst`: a designated first-in-queue customer, ahead of VIPs.
    QueueFirst,
}

/// A visitor's queue priority: the tier first, then the VIP level's rank (higher first),
/// FIFO within equal priorities.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub struct Priority {
    /// The tier.
    pub tier: Tier,
    /// The VIP level's rank in [`RoutingRules::vip_levels`] (1 = lowest listed), 0 when
    /// not a VIP or the level is not ranked.
    pub vip_rank: u32,
}

/// A visitor waiting in the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueEntry {
    /// The visitor (or conversation) id.
    pub visitor: String,
    /// Whom they wait for.
    pub target: Target,
    /// Their priority.
    pub priority: Priority,
    /// Arrival order (a monotonic sequence), for FIFO within a priority.
    pub seq: u64,
}

/// Everything about the tenant's humans that routing looks at, taken at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The tenant's agents.
    pub agents: Vec<Agent>,
    /// The tenant's skill groups, in the order offered to the visitor.
    pub groups: Vec<Group>,
    /// Visitors waiting now.
    pub queue: Vec<QueueEntry>,
}

impl Snapshot {
    fn agent(&self, id: &str) -> Option<&Agent> {
        self.agents.iter().find(|a| a.id == id)
    }

    fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }

    /// The agents of a group: listed in the group or listing the group.
    fn members<'a>(&'a self, group: &'a Group) -> impl Iterator<Item = &'a Agent> + 'a {
        self.agents
            .iter()
            .filter(move |a| group.members.contains(&a.id) || a.groups.contains(&group.id))
    }

    /// How many waiting visitors a newcomer of `priority` for `target` would wait
    /// behind: everyone of higher or equal priority (FIFO), except the visitor itself.
    fn ahead(&self, target: &Target, priority: Priority, visitor: Option<&str>) -> u32 {
        let n = self
            .queue
            .iter()
            .filter(|e| &e.target == target && e.priority >= priority)
            .filter(|e| visitor != Some(e.visitor.as_str()))
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }
}

/// A tenant routing rule: when every condition given holds, route to `group`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingRule {
    /// Matches visitors whose `is_vip` equals this.
    #[serde(default)]
    pub is_vip: Option<bool>,
    /// Matches VIP visitors of this `vip_level` (id or parameter name).
    #[serde(default)]
    pub vip_level: Option<String>,
    /// Matches visitors carrying this `user_label` (one of a comma-separated list).
    #[serde(default)]
    pub user_label: Option<String>,
    /// The skill group to route to.
    pub group: String,
}

impl RoutingRule {
    fn matches(&self, req: &RoutingRequest) -> bool {
        let vip_ok = self.is_vip.is_none_or(|v| v == req.is_vip);
        let level_ok = self
            .vip_level
            .as_ref()
            .is_none_or(|l| req.is_vip && req.vip_level.as_ref() == Some(l));
        let label_ok = self.user_label.as_ref().is_none_or(|l| {
            req.user_label
                .as_deref()
                .is_some_and(|labels| labels.split(',').any(|x| x.trim() == l))
        });
        vip_ok && level_ok && label_ok
    }
}

/// The tenant's routing configuration ("VIP Users", "Customer Tag").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingRules {
    /// VIP levels from lowest to highest; a higher level waits ahead of a lower one.
    /// Levels not listed rank below all listed ones.
    #[serde(default)]
    pub vip_levels: Vec<String>,
    /// Rules tried in order; the first match picks the group.
    #[serde(default)]
    pub rules: Vec<RoutingRule>,
}

/// A third-party page that replaces transfer to an agent (`to_customsys_*`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redirect {
    /// The page, already checked to be an openable `http(s)` URL.
    pub url: String,
    /// Current or new page.
    pub open_style: OpenStyle,
}

/// What the visitor and the link ask for, plus the tenant's rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoutingRequest {
    /// The visitor's id, so that their own queue entry is not counted ahead of them
    /// when deciding again; `None` for a new visitor.
    pub visitor: Option<String>,
    /// `type`, from the link, else the tenant default (see
    /// [`parley_protocol::params::effective`]).
    pub reception_type: ReceptionType,
    /// The visitor pressed the transfer-to-agent button (or typed a request for one).
    pub wants_agent: bool,
    /// `agentid`: a designated agent.
    pub agentid: Option<String>,
    /// `agent_mode_flag`: what to do when the designated agent is offline.
    pub agent_mode: AgentOfflineMode,
    /// `groupid`: a designated skill group.
    pub groupid: Option<String>,
    /// `transfer_action`: the overflow chain.
    pub transfer_action: Vec<TransferAction>,
    /// `is_vip`.
    pub is_vip: bool,
    /// `vip_level`; ignored unless `is_vip`, as the spec says.
    pub vip_level: Option<String>,
    /// `user_label`: one tag or a comma-separated list.
    pub user_label: Option<String>,
    /// `queueFirst`.
    pub queue_first: bool,
    /// The tenant's routing rules.
    pub rules: RoutingRules,
    /// `to_customsys_flag=1` with its URL and open style.
    pub redirect: Option<Redirect>,
}

impl RoutingRequest {
    /// A plain request of this reception type: no designation, no VIP, no rules.
    pub fn new(reception_type: ReceptionType) -> RoutingRequest {
        RoutingRequest {
            visitor: None,
            reception_type,
            wants_agent: false,
            agentid: None,
            agent_mode: AgentOfflineMode::TransferToOthers,
            groupid: None,
            transfer_action: Vec::new(),
            is_vip: false,
            vip_level: None,
            user_label: None,
            queue_first: false,
            rules: RoutingRules::default(),
            redirect: None,
        }
    }

    /// Builds the request from a chat's parsed parameters and effective settings, so
    /// that the server does not restate which parameter feeds which rule. The redirect
    /// is kept only with `to_customsys_flag=1` and an openable URL; its open style
    /// defaults to a new page, because replacing an embedded chat frame's page would
    /// leave the visitor inside the frame.
    pub fn from_params(
        params: &ChatParams,
        settings: &EffectiveSettings,
        rules: RoutingRules,
    ) -> RoutingRequest {
        let id = &params.identity;
        let f = &params.features;
        let redirect = match (f.to_customsys_flag, &f.to_customsys_url) {
            (Some(true), Some(url)) => url.openable().map(|u| Redirect {
                url: u.to_string(),
                open_style: f.to_customsys_open_style.unwrap_or(OpenStyle::NewPage),
            }),
            _ => None,
        };
        RoutingRequest {
            visitor: None,
            reception_type: settings.reception_type,
            wants_agent: false,
            agentid: settings.agentid.clone(),
            agent_mode: settings.agent_mode_flag,
            groupid: settings.groupid.clone(),
            transfer_action: settings.transfer_action.clone(),
            is_vip: id.is_vip.unwrap_or(false),
            vip_level: id.vip_level.clone(),
            user_label: id.user_label.clone(),
            queue_first: id.queue_first.unwrap_or(false),
            rules,
            redirect,
        }
    }

    /// The visitor's queue priority: `queueFirst` > VIP (by level rank) > normal.
    pub fn priority(&self) -> Priority {
        let tier = if self.queue_first {
            Tier::QueueFirst
        } else if self.is_vip {
            Tier::Vip
        } else {
            Tier::Normal
        };
        let vip_rank = match (&self.vip_level, self.is_vip) {
            (Some(level), true) => self
                .rules
                .vip_levels
                .iter()
                .position(|l| l == level)
                .map_or(0, |p| u32::try_from(p + 1).unwrap_or(u32::MAX)),
            _ => 0,
        };
        Priority { tier, vip_rank }
    }
}

/// What to do with the visitor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    /// The bot answers.
    Bot,
    /// The tenant has several skill groups and none was designated: ask the visitor to
    /// pick one of these group ids (in the tenant's order).
    ChooseGroup(Vec<String>),
    /// Connect the visitor to this agent now.
    Assign {
        /// The agent.
        agent: String,
        /// The group the agent was chosen from; `None` for a designated agent or a
        /// tenant without groups.
        group: Option<String>,
    },
    /// Put the visitor in the queue.
    Queue {
        /// Whom they wait for.
        target: Target,
        /// Their priority (store it with the queue entry).
        priority: Priority,
        /// Their position, 1 = next.
        position: u32,
    },
    /// The designated agent is offline and `agent_mode_flag=1` asks to say so.
    AgentOffline {
        /// Always `true`: show the offline notice (`agent_offline_title`).
        notify: bool,
    },
    /// No agent is online to take or queue the visitor.
    NoAgentOnline {
        /// Always `true`: offer the leave-a-message form.
        offer_leave_message: bool,
    },
    /// The skill group is outside its working hours.
    OffDuty {
        /// The group.
        group: String,
    },
    /// Transfer to agents is replaced by a third-party page (`to_customsys_flag`).
    Redirect {
        /// The page.
        url: String,
        /// Current or new page.
        open_style: OpenStyle,
    },
}

impl Decision {
    /// Whether no human can take the visitor at all (as opposed to assign or queue).
    fn is_unavailable(&self) -> bool {
        matches!(
            self,
            Decision::AgentOffline { .. }
                | Decision::NoAgentOnline { .. }
                | Decision::OffDuty { .. }
        )
    }
}

/// Decides who answers the visitor now. See the [module documentation](self) for the
/// order of the rules.
///
/// `transfer_action` is walked in order. For a step with a `spillId` whose condition
/// holds (1 agent offline, 2 agent occupied, 3 either; 4 nobody of the group online,
/// 5 all of the group occupied, 6 group off duty, 7 any of 4-6), an overflow `optionId`
/// (1, 3) moves on to the next step, and a non-overflow one (2, 4) stays: the visitor is
/// queued there, or told the agent is offline / nobody is online / the group is off
/// duty when queueing is impossible. When the condition does not hold, the step's target
/// is used (assign, queue, or report). A step without `spillId` is used when its target
/// can take or queue the visitor; otherwise it overflows if its `optionId` allows. A
/// `spillId` for the other kind of target is ignored; an unknown agent counts as
/// offline and an unknown group as having nobody online.
pub fn decide(request: &RoutingRequest, snapshot: &Snapshot, now: WeekTime) -> Decision {
    let to_humans = match request.reception_type {
        ReceptionType::BotOnly => false,
        ReceptionType::BotFirst => request.wants_agent,
        ReceptionType::AgentOnly | ReceptionType::AgentFirst => true,
    };
    if !to_humans {
        return Decision::Bot;
    }
    if let Some(r) = &request.redirect {
        return Decision::Redirect {
            url: r.url.clone(),
            open_style: r.open_style,
        };
    }
    let decision = Router {
        req: request,
        snap: snapshot,
        now,
        priority: request.priority(),
    }
    .route();
    if request.reception_type == ReceptionType::AgentFirst
        && !request.wants_agent
        && decision.is_unavailable()
    {
        return Decision::Bot;
    }
    decision
}

/// The state of a transfer step's target, for its `spillId`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TargetState {
    /// A designated agent is offline (or unknown).
    AgentOffline,
    /// A designated agent is online but takes no new chat.
    AgentOccupied,
    /// The group is outside working hours.
    GroupOffDuty,
    /// Nobody of the group is online (or the group is unknown).
    GroupNoneOnline,
    /// Everybody online in the group is occupied.
    GroupAllOccupied,
    /// The target can take a chat.
    Free,
}

fn spill_holds(spill: SpillCondition, state: TargetState) -> bool {
    use SpillCondition as S;
    use TargetState as T;
    match spill {
        S::AgentOffline => state == T::AgentOffline,
        S::AgentOccupied => state == T::AgentOccupied,
        S::AgentSmart => matches!(state, T::AgentOffline | T::AgentOccupied),
        S::GroupNoneOnline => state == T::GroupNoneOnline,
        S::GroupAllOccupied => state == T::GroupAllOccupied,
        S::GroupOffDuty => state == T::GroupOffDuty,
        S::GroupSmart => matches!(
            state,
            T::GroupNoneOnline | T::GroupAllOccupied | T::GroupOffDuty
        ),
    }
}

struct Router<'a> {
    req: &'a RoutingRequest,
    snap: &'a Snapshot,
    now: WeekTime,
    priority: Priority,
}

impl Router<'_> {
    fn route(&self) -> Decision {
        for step in &self.req.transfer_action {
            if let Some(decision) = self.step(step) {
                return decision;
            }
        }
        if let Some(agent) = &self.req.agentid {
            let decision = self.place_agent(agent);
            let offline = matches!(decision, Decision::AgentOffline { .. });
            if !offline || self.req.agent_mode == AgentOfflineMode::PromptOffline {
                return decision;
            }
        }
        let designated = self
            .req
            .groupid
            .as_deref()
            .filter(|g| self.snap.group(g).is_some());
        let by_rule = || {
            self.req
                .rules
                .rules
                .iter()
                .find(|r| r.matches(self.req) && self.snap.group(&r.group).is_some())
                .map(|r| r.group.as_str())
        };
        if let Some(group) = designated.or_else(by_rule) {
            return self.place_group(group);
        }
        match self.snap.groups.as_slice() {
            [] => self.place_any(),
            [only] => self.place_group(&only.id),
            several => Decision::ChooseGroup(several.iter().map(|g| g.id.clone()).collect()),
        }
    }

    /// One `transfer_action` step: `Some` decision to stop at, `None` to overflow.
    fn step(&self, step: &TransferAction) -> Option<Decision> {
        let is_agent = step.action_type == parley_protocol::params::ActionType::ToService;
        let id = step.deci_id.as_str();
        let (state, placed) = if is_agent {
            (self.agent_state(id), self.place_agent(id))
        } else {
            (self.group_state(id), self.place_group(id))
        };
        let overflows = step.option_id.overflows();
        match step.spill_id.filter(|s| s.target() == step.action_type) {
            Some(spill) if spill_holds(spill, state) && overflows => None,
            Some(_) => Some(placed),
            None if placed.is_unavailable() && overflows => None,
            None => Some(placed),
        }
    }

    fn agent_state(&self, id: &str) -> TargetState {
        match self.snap.agent(id) {
            None => TargetState::AgentOffline,
            Some(a) if !a.is_online() => TargetState::AgentOffline,
            Some(a) if a.free_slots() == 0 => TargetState::AgentOccupied,
            Some(_) => TargetState::Free,
        }
    }

    fn group_state(&self, id: &str) -> TargetState {
        let Some(group) = self.snap.group(id) else {
            return TargetState::GroupNoneOnline;
        };
        if group.hours.as_ref().is_some_and(|h| !h.is_open(self.now)) {
            return TargetState::GroupOffDuty;
        }
        let mut online = self
            .snap
            .members(group)
            .filter(|a| a.is_online())
            .peekable();
        if online.peek().is_none() {
            TargetState::GroupNoneOnline
        } else if online.all(|a| a.free_slots() == 0) {
            TargetState::GroupAllOccupied
        } else {
            TargetState::Free
        }
    }

    fn place_agent(&self, id: &str) -> Decision {
        match self.agent_state(id) {
            TargetState::AgentOffline => Decision::AgentOffline { notify: true },
            _ => {
                let agent = self.snap.agent(id).into_iter();
                self.assign_or_queue(Target::Agent(id.to_string()), agent, None)
            }
        }
    }

    fn place_group(&self, id: &str) -> Decision {
        match self.group_state(id) {
            TargetState::GroupOffDuty => Decision::OffDuty {
                group: id.to_string(),
            },
            TargetState::GroupNoneOnline => Decision::NoAgentOnline {
                offer_leave_message: true,
            },
            _ => {
                let group = self.snap.group(id).expect("state found the group");
                let members = self.snap.members(group);
                self.assign_or_queue(Target::Group(id.to_string()), members, Some(id))
            }
        }
    }

    fn place_any(&self) -> Decision {
        if !self.snap.agents.iter().any(Agent::is_online) {
            return Decision::NoAgentOnline {
                offer_leave_message: true,
            };
        }
        self.assign_or_queue(Target::Any, self.snap.agents.iter(), None)
    }

    /// Assigns the least-loaded free agent when the free slots outnumber the visitors
    /// waiting ahead (so a newcomer never overtakes a waiting visitor of equal or higher
    /// priority), otherwise queues.
    fn assign_or_queue<'a>(
        &self,
        target: Target,
        agents: impl Iterator<Item = &'a Agent>,
        group: Option<&str>,
    ) -> Decision {
        let free: Vec<&Agent> = agents.filter(|a| a.free_slots() > 0).collect();
        let slots: u32 = free.iter().map(|a| a.free_slots()).sum();
        let ahead = self
            .snap
            .ahead(&target, self.priority, self.req.visitor.as_deref());
        if ahead < slots {
            let best = free
                .iter()
                .min_by(|a, b| {
                    let load = |x: &Agent| f64::from(x.active_chats) / f64::from(x.capacity.max(1));
                    load(a)
                        .total_cmp(&load(b))
                        .then(a.active_chats.cmp(&b.active_chats))
                        .then(a.id.cmp(&b.id))
                })
                .expect("slots > 0 means a free agent");
            return Decision::Assign {
                agent: best.id.clone(),
                group: group.map(str::to_string),
            };
        }
        Decision::Queue {
            target,
            priority: self.priority,
            position: ahead + 1,
        }
    }
}

/// Which waiting visitors agents can take now: walks the whole queue in priority order
/// (higher priority first, FIFO within a priority, across all targets, because agents
/// are shared between groups) and gives each entry the least-loaded free agent of its
/// target, counting each assignment against that agent's capacity. Returns pairs of
/// (queue entry's `visitor` key, agent id), in the order to carry them out.
///
/// The server calls this whenever capacity may have appeared: an agent comes online,
/// or a chat ends or moves away from an agent. (A visitor joining the queue needs
/// none: [`decide`] queues only when no free slot is left for them.)
pub fn drain(snapshot: &Snapshot) -> Vec<(String, String)> {
    let mut active: BTreeMap<&str, u32> = snapshot
        .agents
        .iter()
        .map(|a| (a.id.as_str(), a.active_chats))
        .collect();
    let mut order: Vec<&QueueEntry> = snapshot.queue.iter().collect();
    order.sort_by(|a, b| b.priority.cmp(&a.priority).then(a.seq.cmp(&b.seq)));
    let mut out = Vec::new();
    for entry in order {
        let candidates: Vec<&Agent> = match &entry.target {
            Target::Any => snapshot.agents.iter().collect(),
            Target::Agent(id) => snapshot.agent(id).into_iter().collect(),
            Target::Group(id) => match snapshot.group(id) {
                Some(g) => snapshot.members(g).collect(),
                None => Vec::new(),
            },
        };
        let best = candidates
            .into_iter()
            .filter(|a| a.status == AgentStatus::Online)
            .map(|a| (a, active[a.id.as_str()]))
            .filter(|(a, n)| *n < a.capacity)
            .min_by(|(a, n), (b, m)| {
                // Cross-multiplied load comparison: n/a.cap vs m/b.cap without floats.
                (u64::from(*n) * u64::from(b.capacity.max(1)))
                    .cmp(&(u64::from(*m) * u64::from(a.capacity.max(1))))
                    .then(n.cmp(m))
                    .then(a.id.cmp(&b.id))
            });
        if let Some((agent, _)) = best {
            *active
                .get_mut(agent.id.as_str())
                .expect("every agent counted") += 1;
            out.push((entry.visitor.clone(), agent.id.clone()));
        }
    }
    out
}

/// Waiting visitors whom nobody can take any more: their designated agent is offline,
/// or no agent of their group (or of the tenant, for [`Target::Any`]) is signed in.
/// The server takes them out of the queue and offers the leave-message form, so that
/// nobody waits for an agent who has gone home. Busy agents still count: they may
/// accept from the queue.
pub fn stranded(snapshot: &Snapshot) -> Vec<String> {
    let signed_in = |a: &Agent| a.is_online();
    snapshot
        .queue
        .iter()
        .filter(|e| match &e.target {
            Target::Any => !snapshot.agents.iter().any(signed_in),
            Target::Agent(id) => !snapshot.agent(id).is_some_and(signed_in),
            Target::Group(id) => !snapshot
                .group(id)
                .is_some_and(|g| snapshot.members(g).any(signed_in)),
        })
        .map(|e| e.visitor.clone())
        .collect()
}

/// Every waiting visitor's position (1 = next) within their target's queue: higher
/// priority first, FIFO within a priority. The server pushes the positions that changed
/// after each enqueue, assignment or departure. Sorted by target, then position.
pub fn queue_positions(queue: &[QueueEntry]) -> Vec<(String, u32)> {
    let mut sorted: Vec<&QueueEntry> = queue.iter().collect();
    sorted.sort_by(|a, b| {
        a.target
            .cmp(&b.target)
            .then(b.priority.cmp(&a.priority))
            .then(a.seq.cmp(&b.seq))
    });
    let mut out = Vec::with_capacity(sorted.len());
    let mut position = 0;
    let mut previous: Option<&Target> = None;
    for e in sorted {
        position = if previous == Some(&e.target) {
            position + 1
        } else {
            1
        };
        previous = Some(&e.target);
        out.push((e.visitor.clone(), position));
    }
    out
}

/// Whether the transfer-to-agent button shows during a bot chat. With `show_manual`
/// off (`Some(false)`) it shows at once; on, or left to the backend (`None`), it shows
/// after `backend_threshold` unknown answers (0 = at once). Callers hide it anyway for
/// reception type 1 (bot only), which never transfers.
pub fn show_transfer_button(
    show_manual: Option<bool>,
    backend_threshold: u32,
    unknown_count: u32,
) -> bool {
    match show_manual {
        Some(false) => true,
        Some(true) | None => unknown_count >= backend_threshold,
    }
}
