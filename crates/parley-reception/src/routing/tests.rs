use super::*;
use parley_protocol::params::{ActionType, OverflowOption};
use serde_json::json;

const NOON: WeekTime = WeekTime {
    day: Weekday::Mon,
    minute: 12 * 60,
};

fn agent(id: &str, status: AgentStatus, capacity: u32, active: u32, groups: &[&str]) -> Agent {
    Agent {
        id: id.into(),
        status,
        capacity,
        active_chats: active,
        groups: groups.iter().map(|g| g.to_string()).collect(),
    }
}

fn group(id: &str) -> Group {
    Group {
        id: id.into(),
        name: format!("Group {id}"),
        hours: None,
        members: Vec::new(),
    }
}

fn snapshot(agents: Vec<Agent>, groups: &[&str]) -> Snapshot {
    Snapshot {
        agents,
        groups: groups.iter().map(|g| group(g)).collect(),
        queue: Vec::new(),
    }
}

fn req(t: ReceptionType) -> RoutingRequest {
    RoutingRequest::new(t)
}

fn wants(t: ReceptionType) -> RoutingRequest {
    RoutingRequest {
        wants_agent: true,
        ..RoutingRequest::new(t)
    }
}

fn no_agent_online() -> Decision {
    Decision::NoAgentOnline {
        offer_leave_message: true,
    }
}

fn assign(agent: &str, group: Option<&str>) -> Decision {
    Decision::Assign {
        agent: agent.into(),
        group: group.map(str::to_string),
    }
}

fn queued(target: Target, position: u32) -> Decision {
    Decision::Queue {
        target,
        priority: Priority::default(),
        position,
    }
}

fn g(id: &str) -> Target {
    Target::Group(id.into())
}

/// The three availabilities of a one-group tenant.
#[derive(Debug, Clone, Copy)]
enum Avail {
    NoneOnline,
    Free,
    AtCapacity,
}

fn one_group(avail: Avail) -> Snapshot {
    let a = match avail {
        Avail::NoneOnline => agent("a1", AgentStatus::Offline, 3, 0, &["g1"]),
        Avail::Free => agent("a1", AgentStatus::Online, 3, 1, &["g1"]),
        Avail::AtCapacity => agent("a1", AgentStatus::Online, 3, 3, &["g1"]),
    };
    snapshot(vec![a], &["g1"])
}

#[test]
fn every_reception_type_against_every_availability() {
    use Avail::*;
    use ReceptionType::*;
    let humans = |avail| match avail {
        NoneOnline => no_agent_online(),
        Free => assign("a1", Some("g1")),
        AtCapacity => queued(g("g1"), 1),
    };
    for avail in [NoneOnline, Free, AtCapacity] {
        let snap = one_group(avail);
        // 1: never reaches agents, even when the visitor asks.
        assert_eq!(decide(&req(BotOnly), &snap, NOON), Decision::Bot);
        assert_eq!(decide(&wants(BotOnly), &snap, NOON), Decision::Bot);
        // 2: never shows the bot.
        assert_eq!(
            decide(&req(AgentOnly), &snap, NOON),
            humans(avail),
            "{avail:?}"
        );
        assert_eq!(decide(&wants(AgentOnly), &snap, NOON), humans(avail));
        // 3: the bot until the visitor asks for a human.
        assert_eq!(decide(&req(BotFirst), &snap, NOON), Decision::Bot);
        assert_eq!(decide(&wants(BotFirst), &snap, NOON), humans(avail));
        // 4: humans, falling back to the bot when nobody is online...
        let expected = match avail {
            NoneOnline => Decision::Bot,
            _ => humans(avail),
        };
        assert_eq!(decide(&req(AgentFirst), &snap, NOON), expected, "{avail:?}");
        // ...but a visitor who pressed the transfer button is told why.
        assert_eq!(decide(&wants(AgentFirst), &snap, NOON), humans(avail));
    }
}

#[test]
fn busy_status_counts_as_online_but_occupied() {
    let snap = snapshot(vec![agent("a1", AgentStatus::Busy, 3, 0, &["g1"])], &["g1"]);
    assert_eq!(
        decide(&req(ReceptionType::AgentOnly), &snap, NOON),
        queued(g("g1"), 1)
    );
}

#[test]
fn least_loaded_agent_is_assigned() {
    let snap = snapshot(
        vec![
            agent("a1", AgentStatus::Online, 4, 3, &["g1"]),
            agent("a2", AgentStatus::Online, 2, 0, &["g1"]),
            agent("a3", AgentStatus::Online, 4, 1, &["g1"]),
        ],
        &["g1"],
    );
    assert_eq!(
        decide(&req(ReceptionType::AgentOnly), &snap, NOON),
        assign("a2", Some("g1"))
    );
}

#[test]
fn tenant_without_groups_routes_to_all_agents() {
    let mut snap = snapshot(vec![agent("a1", AgentStatus::Online, 1, 1, &[])], &[]);
    assert_eq!(
        decide(&req(ReceptionType::AgentOnly), &snap, NOON),
        queued(Target::Any, 1)
    );
    snap.agents[0].active_chats = 0;
    assert_eq!(
        decide(&req(ReceptionType::AgentOnly), &snap, NOON),
        assign("a1", None)
    );
}

// --- designated agent and agent_mode_flag --------------------------------------------------

fn designated(mode: AgentOfflineMode) -> RoutingRequest {
    RoutingRequest {
        agentid: Some("star".into()),
        agent_mode: mode,
        ..req(ReceptionType::AgentOnly)
    }
}

#[test]
fn agent_mode_flag_both_ways() {
    let mut snap = snapshot(
        vec![
            agent("star", AgentStatus::Offline, 3, 0, &["g1"]),
            agent("other", AgentStatus::Online, 3, 0, &["g1"]),
        ],
        &["g1"],
    );
    // 1: the visitor is told the agent is offline.
    let prompt = designated(AgentOfflineMode::PromptOffline);
    assert_eq!(
        decide(&prompt, &snap, NOON),
        Decision::AgentOffline { notify: true }
    );
    // 0: the visitor goes on to other agents.
    let others = designated(AgentOfflineMode::TransferToOthers);
    assert_eq!(decide(&others, &snap, NOON), assign("other", Some("g1")));
    // An unknown agent id is offline too.
    let mut unknown = designated(AgentOfflineMode::PromptOffline);
    unknown.agentid = Some("nobody".into());
    assert_eq!(
        decide(&unknown, &snap, NOON),
        Decision::AgentOffline { notify: true }
    );

    // Online designated agent: assigned when free, waited for when occupied, either way.
    snap.agents[0].status = AgentStatus::Online;
    for mode in AgentOfflineMode::ALL {
        assert_eq!(
            decide(&designated(*mode), &snap, NOON),
            assign("star", None)
        );
    }
    snap.agents[0].active_chats = 3;
    for mode in AgentOfflineMode::ALL {
        assert_eq!(
            decide(&designated(*mode), &snap, NOON),
            queued(Target::Agent("star".into()), 1)
        );
    }
}

#[test]
fn agent_first_with_prompting_designated_agent_falls_back_to_the_bot() {
    let snap = snapshot(vec![agent("star", AgentStatus::Offline, 3, 0, &[])], &[]);
    let mut r = designated(AgentOfflineMode::PromptOffline);
    r.reception_type = ReceptionType::AgentFirst;
    assert_eq!(decide(&r, &snap, NOON), Decision::Bot);
    r.wants_agent = true;
    assert_eq!(
        decide(&r, &snap, NOON),
        Decision::AgentOffline { notify: true }
    );
}

// --- groups, rules and working hours ---------------------------------------------------------

fn two_groups() -> Snapshot {
    snapshot(
        vec![
            agent("s1", AgentStatus::Online, 3, 0, &["sales"]),
            agent("v1", AgentStatus::Online, 3, 0, &["vip"]),
            agent("w1", AgentStatus::Online, 3, 0, &["wholesale"]),
        ],
        &["sales", "vip", "wholesale"],
    )
}

#[test]
fn several_groups_and_no_groupid_lets_the_visitor_choose() {
    let snap = two_groups();
    assert_eq!(
        decide(&req(ReceptionType::AgentOnly), &snap, NOON),
        Decision::ChooseGroup(vec!["sales".into(), "vip".into(), "wholesale".into()])
    );
    let r = RoutingRequest {
        groupid: Some("vip".into()),
        ..req(ReceptionType::AgentOnly)
    };
    assert_eq!(decide(&r, &snap, NOON), assign("v1", Some("vip")));
    // An unknown groupid is ignored rather than trapping the visitor.
    let r = RoutingRequest {
        groupid: Some("gone".into()),
        ..req(ReceptionType::AgentOnly)
    };
    assert!(matches!(decide(&r, &snap, NOON), Decision::ChooseGroup(_)));
}

#[test]
fn group_members_may_be_listed_on_either_side() {
    let mut snap = snapshot(vec![agent("a1", AgentStatus::Online, 3, 0, &[])], &["g1"]);
    snap.groups[0].members = vec!["a1".into()];
    assert_eq!(
        decide(&req(ReceptionType::AgentOnly), &snap, NOON),
        assign("a1", Some("g1"))
    );
}

fn tenant_rules() -> RoutingRules {
    RoutingRules {
        vip_levels: vec!["silver".into(), "gold".into()],
        rules: vec![
            RoutingRule {
                vip_level: Some("gold".into()),
                group: "vip".into(),
                ..RoutingRule::default()
            },
            RoutingRule {
                user_label: Some("b2b".into()),
                group: "wholesale".into(),
                ..RoutingRule::default()
            },
        ],
    }
}

#[test]
fn vip_level_and_customer_tag_rules_pick_the_group() {
    let snap = two_groups();
    let base = RoutingRequest {
        rules: tenant_rules(),
        ..req(ReceptionType::AgentOnly)
    };
    let gold = RoutingRequest {
        is_vip: true,
        vip_level: Some("gold".into()),
        ..base.clone()
    };
    assert_eq!(decide(&gold, &snap, NOON), assign("v1", Some("vip")));
    // vip_level without is_vip is invalid, as the spec says.
    let not_vip = RoutingRequest {
        is_vip: false,
        ..gold.clone()
    };
    assert!(matches!(
        decide(&not_vip, &snap, NOON),
        Decision::ChooseGroup(_)
    ));
    let tagged = RoutingRequest {
        user_label: Some("newsletter, b2b".into()),
        ..base.clone()
    };
    assert_eq!(
        decide(&tagged, &snap, NOON),
        assign("w1", Some("wholesale"))
    );
    // The link's groupid wins over the tenant's rules.
    let linked = RoutingRequest {
        groupid: Some("sales".into()),
        ..gold
    };
    assert_eq!(decide(&linked, &snap, NOON), assign("s1", Some("sales")));
}

#[test]
fn working_hours_put_a_group_off_duty() {
    let mut snap = one_group(Avail::Free);
    let mut hours = WorkingHours::default();
    for day in [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ] {
        hours.days.insert(
            day,
            vec![MinuteRange {
                start: 9 * 60,
                end: 18 * 60,
            }],
        );
    }
    hours.days.insert(
        Weekday::Sat,
        vec![
            MinuteRange {
                start: 600,
                end: 720,
            },
            MinuteRange {
                start: 780,
                end: 960,
            },
        ],
    );
    snap.groups[0].hours = Some(hours);
    let off = Decision::OffDuty { group: "g1".into() };
    let r = req(ReceptionType::AgentOnly);
    let at = |day, h, m| decide(&r, &snap, WeekTime::new(day, h, m));
    assert_eq!(at(Weekday::Mon, 8, 59), off);
    assert_eq!(at(Weekday::Mon, 9, 0), assign("a1", Some("g1")));
    assert_eq!(at(Weekday::Fri, 17, 59), assign("a1", Some("g1")));
    assert_eq!(at(Weekday::Fri, 18, 0), off);
    assert_eq!(at(Weekday::Sat, 12, 30), off, "lunch break");
    assert_eq!(at(Weekday::Sat, 13, 0), assign("a1", Some("g1")));
    assert_eq!(at(Weekday::Sun, 12, 0), off, "a day not listed is closed");
    // Agent first falls back to the bot outside working hours.
    let r4 = req(ReceptionType::AgentFirst);
    assert_eq!(
        decide(&r4, &snap, WeekTime::new(Weekday::Sun, 12, 0)),
        Decision::Bot
    );
    assert!(WorkingHours::every_day(0, 1440).is_open(WeekTime::new(Weekday::Sun, 23, 59)));
}

// --- transfer_action ------------------------------------------------------------------------

fn step(action: ActionType, id: &str, option: u64, spill: Option<u64>) -> TransferAction {
    TransferAction {
        action_type: action,
        deci_id: id.into(),
        option_id: OverflowOption::from_code(option).expect("option"),
        spill_id: spill.map(|s| SpillCondition::from_code(s).expect("spill")),
    }
}

/// A tenant with the step's target (agent `a` in group `ga`, or group `ga`) in the given
/// state and a free fallback group `gb` with agent `b`.
fn chain_tenant(a_status: AgentStatus, a_active: u32, ga_hours_open: bool) -> Snapshot {
    let mut snap = snapshot(
        vec![
            agent("a", a_status, 2, a_active, &["ga"]),
            agent("b", AgentStatus::Online, 2, 0, &["gb"]),
        ],
        &["ga", "gb"],
    );
    if !ga_hours_open {
        snap.groups[0].hours = Some(WorkingHours::default());
    }
    snap
}

fn chain(first: TransferAction) -> RoutingRequest {
    RoutingRequest {
        transfer_action: vec![first, step(ActionType::ToGroup, "gb", 4, None)],
        ..req(ReceptionType::AgentOnly)
    }
}

#[test]
fn agent_spill_conditions_with_overflow_and_without() {
    use AgentStatus::*;
    let next = assign("b", Some("gb"));
    let offline = chain_tenant(Offline, 0, true);
    let occupied = chain_tenant(Online, 2, true);
    let busy = chain_tenant(Busy, 0, true);
    let free = chain_tenant(Online, 0, true);
    let agent_step = |option, spill| chain(step(ActionType::ToService, "a", option, Some(spill)));
    let at_a = queued(Target::Agent("a".into()), 1);
    let offline_notice = Decision::AgentOffline { notify: true };

    // spillId 1, agent offline.
    assert_eq!(decide(&agent_step(1, 1), &offline, NOON), next);
    assert_eq!(decide(&agent_step(2, 1), &offline, NOON), offline_notice);
    assert_eq!(
        decide(&agent_step(1, 1), &occupied, NOON),
        at_a,
        "condition does not hold"
    );
    // spillId 2, agent occupied (at capacity or set busy).
    assert_eq!(decide(&agent_step(1, 2), &occupied, NOON), next);
    assert_eq!(decide(&agent_step(1, 2), &busy, NOON), next);
    assert_eq!(decide(&agent_step(2, 2), &occupied, NOON), at_a);
    assert_eq!(
        decide(&agent_step(1, 2), &offline, NOON),
        offline_notice,
        "condition does not hold"
    );
    // spillId 3, intelligent: offline or occupied.
    assert_eq!(decide(&agent_step(1, 3), &offline, NOON), next);
    assert_eq!(decide(&agent_step(1, 3), &occupied, NOON), next);
    assert_eq!(decide(&agent_step(2, 3), &offline, NOON), offline_notice);
    assert_eq!(decide(&agent_step(2, 3), &occupied, NOON), at_a);
    // A free agent is used whatever the condition.
    for (option, spill) in [(1, 1), (1, 2), (1, 3), (2, 3)] {
        assert_eq!(
            decide(&agent_step(option, spill), &free, NOON),
            assign("a", None)
        );
    }
}

#[test]
fn group_spill_conditions_with_overflow_and_without() {
    use AgentStatus::*;
    let next = assign("b", Some("gb"));
    let none_online = chain_tenant(Offline, 0, true);
    let all_busy = chain_tenant(Online, 2, true);
    let off_duty = chain_tenant(Online, 0, false);
    let free = chain_tenant(Online, 0, true);
    let group_step = |option, spill| chain(step(ActionType::ToGroup, "ga", option, Some(spill)));
    let at_ga = queued(g("ga"), 1);
    let off = Decision::OffDuty { group: "ga".into() };

    // spillId 4, nobody online.
    assert_eq!(decide(&group_step(3, 4), &none_online, NOON), next);
    assert_eq!(
        decide(&group_step(4, 4), &none_online, NOON),
        no_agent_online()
    );
    assert_eq!(
        decide(&group_step(3, 4), &all_busy, NOON),
        at_ga,
        "condition does not hold"
    );
    // spillId 5, all occupied.
    assert_eq!(decide(&group_step(3, 5), &all_busy, NOON), next);
    assert_eq!(decide(&group_step(4, 5), &all_busy, NOON), at_ga);
    assert_eq!(
        decide(&group_step(3, 5), &none_online, NOON),
        no_agent_online(),
        "does not hold"
    );
    // spillId 6, off duty.
    assert_eq!(decide(&group_step(3, 6), &off_duty, NOON), next);
    assert_eq!(decide(&group_step(4, 6), &off_duty, NOON), off);
    assert_eq!(
        decide(&group_step(3, 6), &all_busy, NOON),
        at_ga,
        "condition does not hold"
    );
    // spillId 7, intelligent: any of 4-6.
    for snap in [&none_online, &all_busy, &off_duty] {
        assert_eq!(decide(&group_step(3, 7), snap, NOON), next);
    }
    assert_eq!(
        decide(&group_step(4, 7), &none_online, NOON),
        no_agent_online()
    );
    assert_eq!(decide(&group_step(4, 7), &all_busy, NOON), at_ga);
    assert_eq!(decide(&group_step(4, 7), &off_duty, NOON), off);
    // A free group is used whatever the condition.
    for (option, spill) in [(3, 4), (3, 5), (3, 6), (3, 7), (4, 7)] {
        assert_eq!(
            decide(&group_step(option, spill), &free, NOON),
            assign("a", Some("ga"))
        );
    }
}

#[test]
fn steps_without_spill_id_are_used_when_they_can_take_or_queue() {
    use AgentStatus::*;
    let next = assign("b", Some("gb"));
    let plain = |option| chain(step(ActionType::ToGroup, "ga", option, None));
    assert_eq!(
        decide(&plain(3), &chain_tenant(Online, 2, true), NOON),
        queued(g("ga"), 1)
    );
    assert_eq!(
        decide(&plain(3), &chain_tenant(Offline, 0, true), NOON),
        next
    );
    assert_eq!(
        decide(&plain(4), &chain_tenant(Offline, 0, true), NOON),
        no_agent_online()
    );
    assert_eq!(
        decide(&plain(3), &chain_tenant(Online, 0, false), NOON),
        next
    );
    // An unknown target has nobody online.
    let unknown = chain(step(ActionType::ToGroup, "nope", 3, Some(4)));
    assert_eq!(decide(&unknown, &chain_tenant(Online, 0, true), NOON), next);
}

#[test]
fn an_exhausted_chain_falls_back_to_ordinary_routing() {
    let snap = chain_tenant(AgentStatus::Offline, 0, true);
    let r = RoutingRequest {
        transfer_action: vec![step(ActionType::ToGroup, "ga", 3, Some(4))],
        groupid: Some("gb".into()),
        ..req(ReceptionType::AgentOnly)
    };
    assert_eq!(decide(&r, &snap, NOON), assign("b", Some("gb")));
}

/// The spec's example, verbatim, parsed as a page would pass it to `zc("config")`.
const SPEC_ACTION: &str = r#"[
    {
      "actionType": "to_group",
      "optionId": "3",
      "deciId": "162bb6bb038d4a9ea018241a30694064",
      "spillId": "4"
    },
    {
      "actionType": "to_group",
      "optionId": "4",
      "deciId": "cae6834444ac43e39d95b1725d2ae454"
    }
  ]"#;

#[test]
fn the_spec_transfer_action_example() {
    let parsed = ChatParams::from_json(&json!({ "transfer_action": SPEC_ACTION }));
    assert!(parsed.issues.is_empty(), "{:?}", parsed.issues);
    let chain = parsed.value.reception.transfer_action.expect("parsed");
    assert_eq!(chain.len(), 2);
    let (first, second) = (
        "162bb6bb038d4a9ea018241a30694064",
        "cae6834444ac43e39d95b1725d2ae454",
    );
    let r = RoutingRequest {
        transfer_action: chain,
        ..req(ReceptionType::AgentOnly)
    };
    let tenant = |first_status, first_active, second_status, second_active| {
        snapshot(
            vec![
                agent("f", first_status, 1, first_active, &[first]),
                agent("s", second_status, 1, second_active, &[second]),
            ],
            &[first, second],
        )
    };
    use AgentStatus::*;
    // The first group takes the visitor when someone there is online...
    assert_eq!(
        decide(&r, &tenant(Online, 0, Online, 0), NOON),
        assign("f", Some(first))
    );
    // ...and queues them there when all are occupied (spillId 4 does not hold).
    assert_eq!(
        decide(&r, &tenant(Online, 1, Online, 0), NOON),
        queued(g(first), 1)
    );
    // Nobody online in the first group: overflow to the second.
    assert_eq!(
        decide(&r, &tenant(Offline, 0, Online, 0), NOON),
        assign("s", Some(second))
    );
    // The second does not overflow: queue there, or report nobody online.
    assert_eq!(
        decide(&r, &tenant(Offline, 0, Online, 1), NOON),
        queued(g(second), 1)
    );
    assert_eq!(
        decide(&r, &tenant(Offline, 0, Offline, 0), NOON),
        no_agent_online()
    );
}

// --- queue priority -------------------------------------------------------------------------

fn waiting(visitor: &str, tier: Tier, vip_rank: u32, seq: u64) -> QueueEntry {
    QueueEntry {
        visitor: visitor.into(),
        target: g("g1"),
        priority: Priority { tier, vip_rank },
        seq,
    }
}

#[test]
fn vip_waits_ahead_of_normal_and_queue_first_ahead_of_both() {
    let mut snap = one_group(Avail::AtCapacity);
    snap.queue = vec![
        waiting("n1", Tier::Normal, 0, 1),
        waiting("v1", Tier::Vip, 0, 2),
        waiting("n2", Tier::Normal, 0, 3),
    ];
    let position = |r: &RoutingRequest| match decide(r, &snap, NOON) {
        Decision::Queue { position, .. } => position,
        other => panic!("expected a queue, got {other:?}"),
    };
    let normal = req(ReceptionType::AgentOnly);
    let vip = RoutingRequest {
        is_vip: true,
        ..normal.clone()
    };
    let first = RoutingRequest {
        queue_first: true,
        ..normal.clone()
    };
    assert_eq!(position(&normal), 4, "FIFO behind everyone");
    assert_eq!(
        position(&vip),
        2,
        "behind the earlier VIP, ahead of normals"
    );
    assert_eq!(position(&first), 1, "ahead of VIPs and normals");
    assert_eq!(first.priority().tier, Tier::QueueFirst);
    // Deciding again for a visitor already waiting does not count them ahead of themselves.
    let again = RoutingRequest {
        visitor: Some("n2".into()),
        ..normal.clone()
    };
    assert_eq!(position(&again), 3);
}

#[test]
fn higher_vip_levels_wait_ahead_of_lower_ones() {
    let rules = tenant_rules();
    let level = |l: &str| RoutingRequest {
        is_vip: true,
        vip_level: Some(l.into()),
        rules: rules.clone(),
        ..req(ReceptionType::AgentOnly)
    };
    let (gold, silver, unranked) = (level("gold"), level("silver"), level("bronze"));
    assert!(gold.priority() > silver.priority());
    assert!(silver.priority() > unranked.priority());
    assert!(unranked.priority() > req(ReceptionType::AgentOnly).priority());
    let mut snap = one_group(Avail::AtCapacity);
    snap.queue = vec![
        waiting("s", Tier::Vip, 1, 1),
        waiting("n", Tier::Normal, 0, 2),
    ];
    assert!(matches!(
        decide(&gold, &snap, NOON),
        Decision::Queue { position: 1, .. }
    ));
}

#[test]
fn a_newcomer_never_overtakes_a_waiting_visitor_for_a_free_slot() {
    let mut snap = one_group(Avail::Free); // 2 free slots
    snap.queue = vec![
        waiting("w1", Tier::Normal, 0, 1),
        waiting("w2", Tier::Normal, 0, 2),
    ];
    let normal = req(ReceptionType::AgentOnly);
    assert_eq!(decide(&normal, &snap, NOON), queued(g("g1"), 3));
    let vip = RoutingRequest {
        is_vip: true,
        ..normal
    };
    assert_eq!(decide(&vip, &snap, NOON), assign("a1", Some("g1")));
}

#[test]
fn queue_positions_rank_by_priority_then_arrival_per_target() {
    let mut queue = vec![
        waiting("n1", Tier::Normal, 0, 1),
        waiting("g", Tier::Vip, 2, 5),
        waiting("s", Tier::Vip, 1, 3),
        waiting("q", Tier::QueueFirst, 0, 9),
        waiting("n2", Tier::Normal, 0, 2),
    ];
    queue.push(QueueEntry {
        target: Target::Agent("star".into()),
        ..waiting("x", Tier::Normal, 0, 0)
    });
    let positions = queue_positions(&queue);
    let expected: Vec<(String, u32)> =
        [("q", 1), ("g", 2), ("s", 3), ("n1", 4), ("n2", 5), ("x", 1)]
            .iter()
            .map(|(v, p)| (v.to_string(), *p))
            .collect();
    assert_eq!(positions, expected);
}

// --- redirect and transfer button ------------------------------------------------------------

#[test]
fn to_customsys_redirects_transfers_to_a_third_party_page() {
    let query = "type=3&to_customsys_flag=1&to_customsys_url=https%3A%2F%2Fhelp.example.com%2Fchat&to_customsys_open_style=0&is_vip=1&queueFirst=1";
    let params = ChatParams::from_query(query).value;
    let settings = parley_protocol::params::effective(&params, &Default::default());
    let mut r = RoutingRequest::from_params(&params, &settings, RoutingRules::default());
    assert!(r.is_vip && r.queue_first);
    let snap = one_group(Avail::Free);
    assert_eq!(
        decide(&r, &snap, NOON),
        Decision::Bot,
        "bot first, no transfer asked"
    );
    r.wants_agent = true;
    assert_eq!(
        decide(&r, &snap, NOON),
        Decision::Redirect {
            url: "https://help.example.com/chat".into(),
            open_style: OpenStyle::CurrentPage
        }
    );
    // A non-http URL is never a redirect target.
    let params =
        ChatParams::from_query("to_customsys_flag=1&to_customsys_url=javascript%3Aalert(1)").value;
    let settings = parley_protocol::params::effective(&params, &Default::default());
    assert_eq!(
        RoutingRequest::from_params(&params, &settings, RoutingRules::default()).redirect,
        None
    );
}

#[test]
fn show_manual_delays_the_transfer_button() {
    assert!(
        show_transfer_button(Some(false), 3, 0),
        "off: shown at once"
    );
    assert!(!show_transfer_button(Some(true), 3, 2));
    assert!(show_transfer_button(Some(true), 3, 3));
    assert!(show_transfer_button(Some(true), 3, 4));
    assert!(!show_transfer_button(None, 2, 1), "backend setting applies");
    assert!(show_transfer_button(None, 2, 2));
    assert!(
        show_transfer_button(Some(true), 0, 0),
        "threshold 0: at once"
    );
}

fn waiting_for(visitor: &str, target: Target, tier: Tier, seq: u64) -> QueueEntry {
    QueueEntry {
        visitor: visitor.into(),
        target,
        priority: Priority { tier, vip_rank: 0 },
        seq,
    }
}

#[test]
fn drain_gives_freed_capacity_to_the_highest_priority_then_the_oldest() {
    let mut snap = snapshot(vec![agent("a", AgentStatus::Online, 2, 1, &["g"])], &["g"]);
    snap.queue = vec![
        waiting_for("old", Target::Group("g".into()), Tier::Normal, 1),
        waiting_for("vip", Target::Group("g".into()), Tier::Vip, 2),
        waiting_for("new", Target::Group("g".into()), Tier::Normal, 3),
    ];
    // One free slot: the VIP goes first although they came later.
    assert_eq!(drain(&snap), vec![("vip".to_string(), "a".to_string())]);
    snap.agents[0].capacity = 3;
    assert_eq!(
        drain(&snap),
        vec![
            ("vip".to_string(), "a".to_string()),
            ("old".to_string(), "a".to_string())
        ]
    );
}

#[test]
fn drain_respects_targets_status_and_load() {
    let mut snap = snapshot(
        vec![
            agent("a", AgentStatus::Online, 4, 3, &["g"]),
            agent("b", AgentStatus::Online, 4, 0, &["g"]),
            agent("c", AgentStatus::Busy, 4, 0, &["g"]),
            agent("d", AgentStatus::Offline, 4, 0, &["h"]),
        ],
        &["g", "h"],
    );
    snap.queue = vec![
        waiting_for("to-a", Target::Agent("a".into()), Tier::Normal, 1),
        waiting_for("to-g", Target::Group("g".into()), Tier::Normal, 2),
        waiting_for("to-h", Target::Group("h".into()), Tier::Normal, 3),
        waiting_for("to-d", Target::Agent("d".into()), Tier::Normal, 4),
    ];
    // The designated agent takes their visitor; the group visitor goes to the least
    // loaded online member (b, not busy c); nobody of h is online, d is offline.
    assert_eq!(
        drain(&snap),
        vec![
            ("to-a".to_string(), "a".to_string()),
            ("to-g".to_string(), "b".to_string())
        ]
    );
    snap.agents[0].active_chats = 4;
    assert_eq!(drain(&snap), vec![("to-g".to_string(), "b".to_string())]);
}

#[test]
fn drain_of_an_empty_queue_or_full_agents_assigns_nobody() {
    let mut snap = snapshot(vec![agent("a", AgentStatus::Online, 1, 1, &[])], &[]);
    assert!(drain(&snap).is_empty());
    snap.queue = vec![waiting_for("v", Target::Any, Tier::QueueFirst, 1)];
    assert!(drain(&snap).is_empty());
    snap.agents[0].active_chats = 0;
    assert_eq!(drain(&snap), vec![("v".to_string(), "a".to_string())]);
}

#[test]
fn visitors_waiting_for_nobody_are_stranded() {
    let mut snap = snapshot(
        vec![
            agent("a", AgentStatus::Busy, 1, 1, &["g"]),
            agent("b", AgentStatus::Offline, 1, 0, &["h"]),
        ],
        &["g", "h"],
    );
    snap.queue = vec![
        waiting_for("g-wait", Target::Group("g".into()), Tier::Normal, 1),
        waiting_for("h-wait", Target::Group("h".into()), Tier::Normal, 2),
        waiting_for("a-wait", Target::Agent("a".into()), Tier::Normal, 3),
        waiting_for("b-wait", Target::Agent("b".into()), Tier::Vip, 4),
        waiting_for("any-wait", Target::Any, Tier::Normal, 5),
    ];
    // A busy agent still counts as signed in; nobody of h and agent b are.
    assert_eq!(
        stranded(&snap),
        vec!["h-wait".to_string(), "b-wait".to_string()]
    );
    snap.agents[0].status = AgentStatus::Offline;
    assert_eq!(stranded(&snap).len(), 5);
}
