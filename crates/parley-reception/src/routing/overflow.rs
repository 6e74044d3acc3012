//! E-commerce overflow (the spec's "E-commerce Platform Docking": `platformUnionCode`,
//! `flowType`, `flowCompanyId`, `flowGroupId`): when the visitor's own tenant has no
//! agent for them, the conversation may go to a partner tenant on the same server.
//!
//! The pure part, decided here:
//! - [`shortage`]: what the home tenant's [`Decision`] says about its agents (all
//!   occupied, or nobody there: offline or off duty);
//! - [`Overflow::wanted`]: whether the link's `flowType` asks to overflow for that
//!   shortage (`1` for both, `2` occupied only, `3` offline only, `0` never);
//! - [`Overflow::partner_request`]: how the partner routes the visitor (its group
//!   `flowGroupId`, the visitor's priority, none of the home tenant's designations);
//! - [`partner_takes`]: whether the partner's [`Decision`] is worth moving for.
//!
//! Whether the partner accepts this tenant at all (it declares it, under the link's
//! `platformUnionCode`) is the server's configuration check.

use parley_protocol::params::{ChatParams, FlowType, ReceptionType};
use serde::{Deserialize, Serialize};

use super::{decide, Decision, RoutingRequest, RoutingRules, Snapshot, WeekTime};

/// Why the home tenant cannot serve the visitor now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Shortage {
    /// Agents are signed in but none takes a new chat: the visitor would queue.
    Occupied,
    /// Nobody can take the visitor: no agent online, the group off duty, or the
    /// designated agent offline.
    Offline,
}

/// What the home tenant's decision says about its agents; `None` when it serves the
/// visitor (assign), or the visitor is not going to humans yet (bot, group choice,
/// a third-party page).
pub fn shortage(home: &Decision) -> Option<Shortage> {
    match home {
        Decision::Queue { .. } => Some(Shortage::Occupied),
        Decision::NoAgentOnline { .. }
        | Decision::OffDuty { .. }
        | Decision::AgentOffline { .. } => Some(Shortage::Offline),
        Decision::Bot
        | Decision::ChooseGroup(_)
        | Decision::Assign { .. }
        | Decision::Redirect { .. } => None,
    }
}

/// The home tenant's shortage for `request`, given `decision`, its [`decide`] over
/// `snapshot`. An agent-first chat (`type=4`) the visitor did not yet ask a human for
/// falls back to the bot when no human can take them; its shortage is the one the
/// humans had, so overflow to a partner's human comes before the bot.
pub fn home_shortage(
    request: &RoutingRequest,
    snapshot: &Snapshot,
    now: WeekTime,
    decision: &Decision,
) -> Option<Shortage> {
    if *decision == Decision::Bot
        && request.reception_type == ReceptionType::AgentFirst
        && !request.wants_agent
    {
        let asked = RoutingRequest {
            wants_agent: true,
            ..request.clone()
        };
        return shortage(&decide(&asked, snapshot, now));
    }
    shortage(decision)
}

/// Whether the partner's decision is worth moving the visitor for. For an occupied
/// home only an agent free now is: waiting in another company's queue is no better
/// than waiting at home. For an offline home a queue is, since home offers none.
pub fn partner_takes(shortage: Shortage, partner: &Decision) -> bool {
    match partner {
        Decision::Assign { .. } => true,
        Decision::Queue { .. } => shortage == Shortage::Offline,
        _ => false,
    }
}

/// The link's overflow fields, kept with the conversation so that a later request for
/// a human (the transfer button) overflows as init would have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overflow {
    /// `flowType`.
    pub flow_type: FlowType,
    /// `flowCompanyId`: the partner tenant's sysnum.
    pub company: String,
    /// `flowGroupId`: the partner's skill group.
    #[serde(default)]
    pub group: Option<String>,
    /// `platformUnionCode`: the partnership's name, which the partner must declare.
    #[serde(default)]
    pub union_code: Option<String>,
}

impl Overflow {
    /// The link's overflow, when it asks for one: a `flowType` other than `0` and a
    /// `flowCompanyId`. Anything less is no overflow.
    pub fn from_params(params: &ChatParams) -> Option<Overflow> {
        let e = &params.ecommerce;
        let flow_type = e.flow_type.filter(|f| *f != FlowType::Disabled)?;
        let company = e.flow_company_id.clone().filter(|c| !c.is_empty())?;
        Some(Overflow {
            flow_type,
            company,
            group: e.flow_group_id.clone().filter(|g| !g.is_empty()),
            union_code: e.platform_union_code.clone().filter(|u| !u.is_empty()),
        })
    }

    /// Whether `flowType` asks to overflow for this shortage: `1` ("all overflow")
    /// for either, `2` when occupied, `3` when offline (which includes off duty).
    pub fn wanted(&self, shortage: Shortage) -> bool {
        match self.flow_type {
            FlowType::Disabled => false,
            FlowType::All => true,
            FlowType::WhenOccupied => shortage == Shortage::Occupied,
            FlowType::WhenOffline => shortage == Shortage::Offline,
        }
    }

    /// The request the partner routes: to humans at once, to `flowGroupId` (or the
    /// partner's own rules and groups when it names none it has), with the visitor's
    /// VIP attributes and priority, under the partner's `rules`. The home tenant's
    /// designated agent, transfer chain and third-party page mean nothing there.
    pub fn partner_request(&self, home: &RoutingRequest, rules: RoutingRules) -> RoutingRequest {
        RoutingRequest {
            visitor: home.visitor.clone(),
            reception_type: ReceptionType::AgentOnly,
            wants_agent: true,
            groupid: self.group.clone(),
            is_vip: home.is_vip,
            vip_level: home.vip_level.clone(),
            user_label: home.user_label.clone(),
            queue_first: home.queue_first,
            rules,
            ..RoutingRequest::new(ReceptionType::AgentOnly)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::{Priority, Target};

    fn queue() -> Decision {
        Decision::Queue {
            target: Target::Any,
            priority: Priority::default(),
            position: 1,
        }
    }

    fn assign() -> Decision {
        Decision::Assign {
            agent: "a".into(),
            group: None,
        }
    }

    fn link(query: &str) -> Option<Overflow> {
        Overflow::from_params(&ChatParams::from_query(query).value)
    }

    #[test]
    fn the_home_decision_names_the_shortage() {
        assert_eq!(shortage(&queue()), Some(Shortage::Occupied));
        for d in [
            Decision::NoAgentOnline {
                offer_leave_message: true,
            },
            Decision::OffDuty { group: "g".into() },
            Decision::AgentOffline { notify: true },
        ] {
            assert_eq!(shortage(&d), Some(Shortage::Offline), "{d:?}");
        }
        for d in [
            Decision::Bot,
            assign(),
            Decision::ChooseGroup(vec!["g".into()]),
        ] {
            assert_eq!(shortage(&d), None, "{d:?}");
        }
    }

    #[test]
    fn an_agent_first_chat_overflows_before_falling_back_to_the_bot() {
        use crate::routing::{Agent, AgentStatus, Weekday};
        let now = WeekTime::new(Weekday::Mon, 12, 0);
        let nobody = Snapshot {
            agents: vec![Agent {
                id: "a".into(),
                status: AgentStatus::Offline,
                capacity: 1,
                active_chats: 0,
                groups: vec![],
            }],
            ..Snapshot::default()
        };
        let first = RoutingRequest::new(ReceptionType::AgentFirst);
        let d = decide(&first, &nobody, now);
        assert_eq!(d, Decision::Bot, "agent first falls back to the bot");
        assert_eq!(
            home_shortage(&first, &nobody, now, &d),
            Some(Shortage::Offline)
        );
        // Bot first without a request for a human is no shortage at all.
        let bot_first = RoutingRequest::new(ReceptionType::BotFirst);
        let d = decide(&bot_first, &nobody, now);
        assert_eq!(home_shortage(&bot_first, &nobody, now, &d), None);
        // An agent free at home: none either.
        let mut free = nobody.clone();
        free.agents[0].status = AgentStatus::Online;
        let d = decide(&first, &free, now);
        assert_eq!(home_shortage(&first, &free, now, &d), None);
        free.agents[0].active_chats = 1;
        let d = decide(&first, &free, now);
        assert_eq!(
            home_shortage(&first, &free, now, &d),
            Some(Shortage::Occupied)
        );
    }

    #[test]
    fn flow_type_picks_the_shortages_that_overflow() {
        let o = |code: &str| link(&format!("flowType={code}&flowCompanyId=P")).unwrap();
        let both = o("1");
        assert!(both.wanted(Shortage::Occupied) && both.wanted(Shortage::Offline));
        let busy = o("2");
        assert!(busy.wanted(Shortage::Occupied) && !busy.wanted(Shortage::Offline));
        let off = o("3");
        assert!(!off.wanted(Shortage::Occupied) && off.wanted(Shortage::Offline));
    }

    #[test]
    fn no_overflow_without_a_flow_type_or_a_company() {
        assert_eq!(link("flowType=0&flowCompanyId=P"), None);
        assert_eq!(link("flowCompanyId=P"), None);
        assert_eq!(link("flowType=1"), None);
        assert_eq!(link("flowType=1&flowCompanyId="), None);
        let full = link("flowType=3&flowCompanyId=P&flowGroupId=g&platformUnionCode=u").unwrap();
        assert_eq!(full.company, "P");
        assert_eq!(full.group.as_deref(), Some("g"));
        assert_eq!(full.union_code.as_deref(), Some("u"));
    }

    #[test]
    fn an_occupied_home_moves_only_for_a_free_partner_agent() {
        assert!(partner_takes(Shortage::Occupied, &assign()));
        assert!(!partner_takes(Shortage::Occupied, &queue()));
        assert!(partner_takes(Shortage::Offline, &assign()));
        assert!(partner_takes(Shortage::Offline, &queue()));
        let none = Decision::NoAgentOnline {
            offer_leave_message: true,
        };
        assert!(!partner_takes(Shortage::Offline, &none));
        assert!(!partner_takes(
            Shortage::Offline,
            &Decision::ChooseGroup(vec!["a".into(), "b".into()])
        ));
    }

    #[test]
    fn the_partner_routes_to_its_group_without_the_home_designations() {
        let params = ChatParams::from_query(
            "type=3&agentid=home-agent&groupid=home-group&is_vip=1&flowType=1&flowCompanyId=P&flowGroupId=g",
        )
        .value;
        let settings = parley_protocol::params::effective(&params, &Default::default());
        let home = RoutingRequest::from_params(&params, &settings, RoutingRules::default());
        let o = Overflow::from_params(&params).unwrap();
        let r = o.partner_request(&home, RoutingRules::default());
        assert_eq!(r.reception_type, ReceptionType::AgentOnly);
        assert_eq!(r.groupid.as_deref(), Some("g"));
        assert_eq!(r.agentid, None);
        assert!(r.transfer_action.is_empty() && r.redirect.is_none());
        assert!(r.is_vip, "the visitor's priority goes with them");
    }
}
