//! E-commerce overflow (`flowType`, `flowCompanyId`, `flowGroupId`,
//! `platformUnionCode`): a visitor MALL cannot serve goes to OUTLET, which declares MALL
//! as a partner under "mall-union" (`test-tenants.toml`), and only there; OUTLET's
//! agent serves them on the visitor's own session and sees nothing else of MALL.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{messages_until, spawn_app, spawn_app_with, Store, TestApp};

crate::on_both_stores!(
    overflow_reaches_the_partners_agent_who_serves_the_visitor_to_the_end,
    overflow_is_refused_without_a_partnership,
    flow_type_decides_which_shortage_overflows_and_an_agent_at_home_keeps_the_visitor,
    an_off_duty_home_overflows_and_a_partner_with_nobody_keeps_the_no_agent_path,
    the_partners_agent_cannot_reach_the_origins_other_conversations_or_visitors,
);

const LINK: &str = "sysnum=MALL&locale=en&flowType=1&flowCompanyId=OUTLET&flowGroupId=overflow\
                    &platformUnionCode=mall-union";

async fn helper(app: &TestApp) -> String {
    app.agent_login_at("OUTLET", "helper", "solo-demo").await
}

async fn clerk(app: &TestApp) -> String {
    app.agent_login_at("MALL", "clerk", "solo-demo").await
}

struct Visitor {
    token: String,
    conversation: String,
    init: Value,
}

async fn visitor(app: &TestApp, query: &str) -> Visitor {
    let init = app.init(query).await;
    Visitor {
        token: init["session_token"].as_str().unwrap().to_owned(),
        conversation: init["conversation"]["id"].as_str().unwrap().to_owned(),
        init,
    }
}

/// The agent's three lists, as ids.
async fn lists(app: &TestApp, agent: &str) -> (Vec<String>, Vec<String>, Value) {
    let (status, body) = app
        .call(Method::GET, "/api/agent/conversations", agent, None)
        .await;
    assert_eq!(status, 200, "{body}");
    let ids = |k: &str| {
        body[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    (ids("waiting"), ids("mine"), body.clone())
}

async fn overflow_reaches_the_partners_agent_who_serves_the_visitor_to_the_end(store: Store) {
    let app = spawn_app(store).await;
    let helper = helper(&app).await;
    // Nobody of MALL is online; flowType=1 sends the visitor to OUTLET's group.
    let v = visitor(&app, LINK).await;
    assert_eq!(v.init["reception"]["type"], "assigned", "{}", v.init);
    assert_eq!(v.init["reception"]["agent"]["name"], "Helper");
    assert_eq!(v.init["conversation"]["state"], "with_agent");
    assert_eq!(v.init["conversation"]["agent"]["name"], "Helper");
    assert_eq!(v.init["conversation"]["group_id"], "overflow");

    // The partner's agent has it, marked with the visitor's own company.
    let (_, mine, body) = lists(&app, &helper).await;
    assert_eq!(mine, std::slice::from_ref(&v.conversation));
    assert_eq!(body["mine"][0]["origin_tenant"], "MALL");

    // Both ways on the visitor's own session and socket.
    let mut socket = app
        .ws(&format!("/ws/visitor?token={}&last_seq=0", v.token))
        .await;
    let (status, sent) = app
        .call(
            Method::POST,
            "/api/chat/send",
            &v.token,
            Some(&json!({"client_id": "v-1", "text": "Is the red one in stock?"})),
        )
        .await;
    assert_eq!(status, 200, "{sent}");
    let path = format!("/api/agent/conversations/{}/messages", v.conversation);
    let (status, page) = app.call(Method::GET, &path, &helper, None).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["text"] == "Is the red one in stock?"),
        "{page}"
    );
    let (status, reply) = app
        .call(
            Method::POST,
            &format!("/api/agent/conversations/{}/reply", v.conversation),
            &helper,
            Some(&json!({"client_id": "h-1", "text": "Yes, we ship it today."})),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    let seq = reply["message"]["seq"].as_i64().unwrap();
    let seen = messages_until(&mut socket, seq).await;
    assert_eq!(seen.last().unwrap().1, "Yes, we ship it today.");

    // A reload of the page resumes the same conversation, still the partner's.
    let visitor_id = v.init["visitor_id"].as_str().unwrap();
    let (status, again) = app
        .post_json(
            "/api/chat/init",
            &json!({"query": LINK, "visitor_id": visitor_id}),
        )
        .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["conversation"]["id"], v.conversation.as_str());
    assert_eq!(again["reception"]["agent"]["name"], "Helper");
    assert!(
        again["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["text"] == "Yes, we ship it today."),
        "{again}"
    );
    let (status, history) = app
        .call(Method::GET, "/api/chat/history", &v.token, None)
        .await;
    assert_eq!(status, 200, "{history}");

    // MALL's own agent does not serve it any more.
    let clerk = clerk(&app).await;
    let (status, _) = app.call(Method::GET, &path, &clerk, None).await;
    assert_eq!(status, 404);

    // The partner's agent ends it; the visitor rates it (MALL's form), the agent sees it.
    let (status, body) = app
        .call(
            Method::POST,
            &format!("/api/agent/conversations/{}/end", v.conversation),
            &helper,
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app
        .call(
            Method::POST,
            "/api/chat/evaluation",
            &v.token,
            Some(&json!({"score": 5, "comment": "Quick!"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app
        .call(
            Method::GET,
            &format!("/api/agent/conversations/{}/evaluation", v.conversation),
            &helper,
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["evaluation"]["score"], 5);
    assert_eq!(body["evaluation"]["agent_id"], "helper");
}

async fn overflow_is_refused_without_a_partnership(store: Store) {
    let app = spawn_app(store).await;
    let helper = helper(&app).await;
    // QUEUE has an agent online, so "no partner declared" is what refuses there.
    app.agent_login_at("QUEUE", "solo", "solo-demo").await;
    for (why, query, told) in [
        (
            "QUEUE declares no partner",
            "sysnum=MALL&flowType=1&flowCompanyId=QUEUE&platformUnionCode=mall-union",
            "no_agent_online",
        ),
        (
            "wrong union code",
            "sysnum=MALL&flowType=1&flowCompanyId=OUTLET&flowGroupId=overflow&platformUnionCode=other",
            "no_agent_online",
        ),
        (
            "no union code",
            "sysnum=MALL&flowType=1&flowCompanyId=OUTLET&flowGroupId=overflow",
            "no_agent_online",
        ),
        (
            "unknown tenant",
            "sysnum=MALL&flowType=1&flowCompanyId=NOBODY&platformUnionCode=mall-union",
            "no_agent_online",
        ),
        (
            "a tenant is no partner of its own",
            "sysnum=OUTLET&groupid=own&flowType=1&flowCompanyId=OUTLET&platformUnionCode=mall-union",
            "no_agent_online",
        ),
        (
            "OUTLET takes MALL's visitors only, not HOURS' (off duty)",
            "sysnum=HOURS&type=2&flowType=1&flowCompanyId=OUTLET&flowGroupId=overflow\
             &platformUnionCode=mall-union",
            "off_duty",
        ),
        (
            "flowType=0",
            "sysnum=MALL&flowType=0&flowCompanyId=OUTLET&flowGroupId=overflow&platformUnionCode=mall-union",
            "no_agent_online",
        ),
    ] {
        let v = visitor(&app, query).await;
        assert_eq!(v.init["reception"]["type"], told, "{why}: {}", v.init);
        assert_eq!(v.init["conversation"]["state"], "bot", "{why}");
        // The trans-to-agent button gives the same answer.
        let (status, answer) = app
            .call(Method::POST, "/api/chat/transfer", &v.token, Some(&json!({})))
            .await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["reception"]["type"], told, "{why}");
    }
    let (waiting, mine, _) = lists(&app, &helper).await;
    assert!(
        waiting.is_empty() && mine.is_empty(),
        "{waiting:?} {mine:?}"
    );
}

async fn flow_type_decides_which_shortage_overflows_and_an_agent_at_home_keeps_the_visitor(
    store: Store,
) {
    let app = spawn_app(store).await;
    let helper = helper(&app).await;
    let clerk = clerk(&app).await;
    let link = |flow: u8| LINK.replace("flowType=1", &format!("flowType={flow}"));
    // The clerk is free: the visitor stays at home whatever flowType says.
    let first = visitor(&app, &link(1)).await;
    assert_eq!(first.init["reception"]["agent"]["name"], "Clerk");
    let (_, mine, _) = lists(&app, &clerk).await;
    assert_eq!(mine, std::slice::from_ref(&first.conversation));
    // The clerk is occupied now. flowType=3 overflows only when nobody is online: queue.
    let second = visitor(&app, &link(3)).await;
    assert_eq!(
        second.init["reception"]["type"], "queued",
        "{}",
        second.init
    );
    let (waiting, _, _) = lists(&app, &clerk).await;
    assert_eq!(waiting, std::slice::from_ref(&second.conversation));
    // flowType=2 overflows when occupied: to the partner's free agent.
    let third = visitor(&app, &link(2)).await;
    assert_eq!(third.init["reception"]["agent"]["name"], "Helper");
    // flowType=1 too.
    let fourth = visitor(&app, &link(1)).await;
    assert_eq!(fourth.init["reception"]["agent"]["name"], "Helper");
    let (_, mine, _) = lists(&app, &helper).await;
    assert_eq!(mine.len(), 2);
    assert!(mine.contains(&third.conversation) && mine.contains(&fourth.conversation));
    // The helper is full (capacity 2): an occupied home does not move its visitor to
    // another company's queue.
    let fifth = visitor(&app, &link(1)).await;
    assert_eq!(fifth.init["reception"]["type"], "queued", "{}", fifth.init);
    let (waiting, _, _) = lists(&app, &clerk).await;
    assert!(waiting.contains(&fifth.conversation));
    let (waiting, _, _) = lists(&app, &helper).await;
    assert!(waiting.is_empty());
}

async fn an_off_duty_home_overflows_and_a_partner_with_nobody_keeps_the_no_agent_path(
    store: Store,
) {
    let app = spawn_app_with(store, |c| {
        let mall = c.tenants.iter_mut().find(|t| t.sysnum == "MALL").unwrap();
        mall.groups[0].closed = true;
    })
    .await;
    clerk(&app).await;
    // Out of hours counts as offline: flowType=3 overflows, but the partner has nobody
    // signed in, so the visitor hears MALL's own "off duty".
    let link = LINK.replace("flowType=1", "flowType=3");
    let v = visitor(&app, &link).await;
    assert_eq!(v.init["reception"]["type"], "off_duty", "{}", v.init);
    assert_eq!(v.init["conversation"]["state"], "bot");
    // Once the partner's agent is in, the same visitor's request for a human goes there.
    let helper = helper(&app).await;
    let (status, answer) = app
        .call(
            Method::POST,
            "/api/chat/transfer",
            &v.token,
            Some(&json!({})),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["reception"]["agent"]["name"], "Helper", "{answer}");
    let (_, mine, _) = lists(&app, &helper).await;
    assert_eq!(mine, std::slice::from_ref(&v.conversation));
    // flowType=2 (occupied only) keeps an off-duty visitor at home.
    let busy_only = visitor(&app, &LINK.replace("flowType=1", "flowType=2")).await;
    assert_eq!(busy_only.init["reception"]["type"], "off_duty");
}

async fn the_partners_agent_cannot_reach_the_origins_other_conversations_or_visitors(store: Store) {
    let app = spawn_app(store).await;
    let helper = helper(&app).await;
    let moved = visitor(&app, LINK).await;
    assert_eq!(moved.init["reception"]["agent"]["name"], "Helper");
    // Two other MALL visitors: one without overflow (with the bot, nobody online), one
    // waiting for MALL's clerk.
    let home = visitor(&app, "sysnum=MALL&locale=en").await;
    assert_eq!(home.init["conversation"]["state"], "bot");
    let clerk = app.agent_busy_at("MALL", "clerk", "solo-demo").await;
    let waiting = visitor(&app, "sysnum=MALL&locale=en").await;
    assert_eq!(waiting.init["conversation"]["state"], "queueing");

    for other in [&home, &waiting] {
        let c = &other.conversation;
        for (method, path, body) in [
            (
                Method::GET,
                format!("/api/agent/conversations/{c}/messages"),
                None,
            ),
            (
                Method::POST,
                format!("/api/agent/conversations/{c}/accept"),
                None,
            ),
            (
                Method::POST,
                format!("/api/agent/conversations/{c}/reply"),
                Some(json!({"client_id": "x-1", "text": "hi"})),
            ),
            (
                Method::POST,
                format!("/api/agent/conversations/{c}/end"),
                None,
            ),
            (
                Method::GET,
                format!("/api/agent/conversations/{c}/evaluation"),
                None,
            ),
        ] {
            let (status, answer) = app.call(method, &path, &helper, body.as_ref()).await;
            assert_eq!(status, 404, "{path}: {answer}");
        }
        let vid = other.init["visitor_id"].as_str().unwrap();
        for path in [
            format!("/api/agent/visitors/{vid}"),
            format!("/api/agent/visitors/{vid}/detail"),
        ] {
            let (status, _) = app.call(Method::GET, &path, &helper, None).await;
            assert_eq!(status, 404, "{path}");
        }
    }
    // Even the overflowed visitor's record (profile, track, other chats) stays MALL's.
    let vid = moved.init["visitor_id"].as_str().unwrap();
    let (status, _) = app
        .call(
            Method::GET,
            &format!("/api/agent/visitors/{vid}/detail"),
            &helper,
            None,
        )
        .await;
    assert_eq!(status, 404);
    // The lists show only what OUTLET serves; MALL's queue stays MALL's.
    let (waiting_ids, mine, body) = lists(&app, &helper).await;
    assert!(waiting_ids.is_empty(), "{body}");
    assert_eq!(mine, std::slice::from_ref(&moved.conversation));
    let (waiting_ids, _, _) = lists(&app, &clerk).await;
    assert_eq!(waiting_ids, std::slice::from_ref(&waiting.conversation));
    // A MALL visitor cannot use the partner's agents by naming a conversation either:
    // the moved one is still only its own visitor's.
    let (status, _) = app
        .call(
            Method::POST,
            "/api/chat/read",
            &home.token,
            Some(&json!({"conversation_id": moved.conversation, "seq": 1})),
        )
        .await;
    assert_eq!(status, 404);
}
