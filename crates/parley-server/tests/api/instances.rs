//! Two real server processes on one PostgreSQL: a visitor on one instance and an agent
//! on the other talk as if there were one (messages, typing, the agents' lists, queue
//! positions, new tickets), through the bus (`notify`).

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{connect_ws, fresh_database, next_of, send_event, Store, TestApp, Ws};
use crate::restart::{start, Proc};

/// Two server processes, A and B, on one fresh PostgreSQL database.
struct Pair {
    a: TestApp,
    b: TestApp,
    proc_a: Proc,
    _proc_b: Proc,
    db_url: String,
    _dir: tempfile::TempDir,
}

impl Pair {
    async fn start() -> Pair {
        let dir = tempfile::tempdir().unwrap();
        let db_url = fresh_database(Store::Postgres, &dir).await;
        let dist = dir.path().join("dist");
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(dist.join("index.html"), "<!doctype html><title>c</title>").unwrap();
        let (proc_a, addr_a) = start(&db_url, &dist).await;
        let (proc_b, addr_b) = start(&db_url, &dist).await;
        Pair {
            a: TestApp::external(addr_a, &dir),
            b: TestApp::external(addr_b, &dir),
            proc_a,
            _proc_b: proc_b,
            db_url,
            _dir: dir,
        }
    }
}

/// Waits for an event of `kind` for which `matches` holds (others are skipped).
async fn wait_for(ws: &mut Ws, kind: &str, matches: impl Fn(&Value) -> bool) -> Value {
    loop {
        let e = next_of(ws, kind).await;
        if matches(&e) {
            return e;
        }
    }
}

#[tokio::test]
async fn a_visitor_on_one_instance_and_an_agent_on_the_other_talk_as_if_one() {
    let pair = Pair::start().await;
    let (a, b) = (&pair.a, &pair.b);
    let (addr_a, addr_b) = (a.addr, b.addr);

    // Alice works on B: signed in, busy (she accepts by hand), her socket open there.
    let alice = b.agent_busy("alice").await;
    let mut desk = connect_ws(addr_b, &format!("/ws/agent?token={alice}")).await;

    // Two visitors queue on A, their sockets on A.
    let first = a.init("sysnum=demo&type=2&groupid=sales").await;
    let second = a.init("sysnum=demo&type=2&groupid=sales").await;
    let conv1 = first["conversation"]["id"].as_str().unwrap().to_owned();
    let conv2 = second["conversation"]["id"].as_str().unwrap().to_owned();
    let token1 = first["session_token"].as_str().unwrap().to_owned();
    let token2 = second["session_token"].as_str().unwrap().to_owned();
    assert_eq!(second["conversation"]["queue_position"], 2, "{second}");
    // Alice's list on B hears of the visitor who queued on A.
    wait_for(&mut desk, "conversation", |e| {
        e["conversation"]["id"] == conv2.as_str() && e["conversation"]["state"] == "queueing"
    })
    .await;
    let mut visitor1 = connect_ws(addr_a, &format!("/ws/visitor?token={token1}&last_seq=0")).await;
    let mut visitor2 = connect_ws(addr_a, &format!("/ws/visitor?token={token2}&last_seq=0")).await;
    wait_for(&mut visitor2, "queue_position", |e| e["position"] == 2).await;

    // Alice accepts the first on B: the first visitor (on A) hears her join, and the
    // second (on A) moves up, told by A after B's change.
    let (status, body) = b.accept(&conv1, &alice).await;
    assert_eq!(status, 200, "{body}");
    wait_for(&mut visitor1, "message", |e| {
        e["message"]["event"]["type"] == "agent_joined"
    })
    .await;
    wait_for(&mut visitor2, "queue_position", |e| e["position"] == 1).await;

    // Typing, both ways across the instances.
    send_event(&mut visitor1, json!({"type": "typing", "typing": true})).await;
    let typing = wait_for(&mut desk, "typing", |e| {
        e["conversation_id"] == conv1.as_str()
    })
    .await;
    assert_eq!(typing["from"], "visitor");
    send_event(
        &mut desk,
        json!({"type": "typing", "conversation_id": conv1, "typing": true}),
    )
    .await;
    let typing = wait_for(&mut visitor1, "typing", |_| true).await;
    assert_eq!(typing["from"], "agent");

    // Messages, both ways.
    send_event(
        &mut visitor1,
        json!({"type": "send", "client_id": "v1", "text": "hello from A"}),
    )
    .await;
    let heard = wait_for(&mut desk, "message", |e| {
        e["message"]["text"] == "hello from A"
    })
    .await;
    assert_eq!(heard["message"]["conversation_id"], conv1.as_str());
    let (status, _) = b
        .call(
            Method::POST,
            &format!("/api/agent/conversations/{conv1}/reply"),
            &alice,
            Some(&json!({"client_id": "a1", "text": "hello from B"})),
        )
        .await;
    assert_eq!(status, 200);
    wait_for(&mut visitor1, "message", |e| {
        e["message"]["text"] == "hello from B"
    })
    .await;
}

#[tokio::test]
async fn when_an_instance_dies_its_visitor_goes_on_at_the_other_with_everything_once() {
    let Pair {
        a,
        b,
        proc_a,
        _proc_b,
        _dir,
        ..
    } = Pair::start().await;
    let (addr_a, addr_b) = (a.addr, b.addr);
    let alice = b.agent_busy("alice").await;
    let init = a.init("sysnum=demo&type=2&groupid=sales").await;
    let conv = init["conversation"]["id"].as_str().unwrap().to_owned();
    let token = init["session_token"].as_str().unwrap().to_owned();
    let (status, _) = b.accept(&conv, &alice).await;
    assert_eq!(status, 200);
    let mut on_a = connect_ws(addr_a, &format!("/ws/visitor?token={token}&last_seq=0")).await;
    let mut last = 0;
    for i in 0..3 {
        let id = format!("v{i}");
        send_event(
            &mut on_a,
            json!({"type": "send", "client_id": id, "text": format!("m{i}")}),
        )
        .await;
        // Acknowledged: stored, and (in order) sent back on this socket.
        last = wait_for(&mut on_a, "ack", |e| e["client_id"] == id.as_str()).await["seq"]
            .as_i64()
            .unwrap();
    }
    // A dies (SIGKILL). Meanwhile Alice, on B, answers.
    drop(proc_a);
    let (status, _) = b
        .call(
            Method::POST,
            &format!("/api/agent/conversations/{conv}/reply"),
            &alice,
            Some(&json!({"client_id": "a1", "text": "still here"})),
        )
        .await;
    assert_eq!(status, 200);
    // The visitor's page reconnects to B with its last seq: what it missed, once.
    let mut on_b = connect_ws(
        addr_b,
        &format!("/ws/visitor?token={token}&last_seq={last}"),
    )
    .await;
    let replayed = wait_for(&mut on_b, "message", |e| {
        e["message"]["text"] == "still here"
    })
    .await;
    assert_eq!(replayed["message"]["seq"], last + 1);
    // Its next message goes through B, exactly once even when re-sent.
    for _ in 0..2 {
        send_event(
            &mut on_b,
            json!({"type": "send", "client_id": "v3", "text": "m3"}),
        )
        .await;
    }
    let first = wait_for(&mut on_b, "ack", |e| e["client_id"] == "v3").await;
    let again = wait_for(&mut on_b, "ack", |e| e["client_id"] == "v3").await;
    assert_eq!(first["duplicate"], false);
    assert_eq!(again["duplicate"], true);
    assert_eq!(first["seq"], again["seq"]);
}

#[tokio::test]
async fn a_listener_cut_mid_burst_loses_nothing() {
    let pair = Pair::start().await;
    let (a, b, db_url) = (&pair.a, &pair.b, &pair.db_url);
    let addr_b = b.addr;
    let alice = b.agent_busy("alice").await;
    let init = a.init("sysnum=demo&type=2&groupid=sales").await;
    let conv = init["conversation"]["id"].as_str().unwrap().to_owned();
    let token = init["session_token"].as_str().unwrap().to_owned();
    assert_eq!(b.accept(&conv, &alice).await.0, 200);
    // The visitor follows on B; Alice writes through A.
    let mut on_b = connect_ws(addr_b, &format!("/ws/visitor?token={token}&last_seq=0")).await;
    wait_for(&mut on_b, "message", |e| {
        e["message"]["event"]["type"] == "agent_joined"
    })
    .await;
    let reply = |i: usize| {
        let (a, alice, conv) = (&a, &alice, &conv);
        async move {
            let (status, body) = a
                .call(
                    Method::POST,
                    &format!("/api/agent/conversations/{conv}/reply"),
                    alice,
                    Some(&json!({"client_id": format!("r{i}"), "text": format!("r{i}")})),
                )
                .await;
            assert_eq!(status, 200, "{body}");
        }
    };
    for i in 0..5 {
        reply(i).await;
    }
    // Cut every instance's LISTEN connection, then go on writing.
    use sqlx::Connection;
    let mut admin = sqlx::PgConnection::connect(db_url).await.unwrap();
    let (cut,): (i64,) = sqlx::query_as(
        "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity \
         WHERE datname = current_database() AND query ILIKE 'LISTEN%'",
    )
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert!(cut >= 1, "no LISTEN connection found to cut");
    for i in 5..20 {
        reply(i).await;
    }
    // Every reply reaches the visitor on B, once, in order.
    let mut texts = Vec::new();
    while texts.len() < 20 {
        let e = next_of(&mut on_b, "message").await;
        if let Some(t) = e["message"]["text"].as_str().filter(|t| t.starts_with('r')) {
            texts.push(t.to_owned());
        }
    }
    let expected: Vec<String> = (0..20).map(|i| format!("r{i}")).collect();
    assert_eq!(texts, expected);
}

#[tokio::test]
async fn an_invitation_made_on_one_instance_reaches_a_page_reporting_to_the_other() {
    let pair = Pair::start().await;
    let (a, b) = (&pair.a, &pair.b);
    let report = json!({"query": "sysnum=demo&invite_flag=1",
                        "cur_visit_args": {"cur_visit_url": "https://shop.example/tea",
                                           "cur_visit_title": "Tea"}});
    let (status, first) = a.post_json("/api/chat/presence", &report).await;
    assert_eq!(status, 200, "{first}");
    let visitor = first["visitor_id"].as_str().unwrap().to_owned();
    let alice = b.agent_login("alice").await;
    let (status, browsing) = b
        .call(Method::GET, "/api/agent/browsing", &alice, None)
        .await;
    assert_eq!(status, 200);
    assert!(browsing.to_string().contains(&visitor), "{browsing}");
    let (status, _) = b
        .call(
            Method::POST,
            &format!("/api/agent/visitors/{visitor}/invite"),
            &alice,
            Some(&json!({"text": "Can I help with the tea?"})),
        )
        .await;
    assert_eq!(status, 204);
    let mut again = report.clone();
    again["visitor_id"] = json!(visitor);
    let (status, next) = a.post_json("/api/chat/presence", &again).await;
    assert_eq!(status, 200, "{next}");
    assert_eq!(next["invitation"]["agent_id"], "alice", "{next}");
    assert_eq!(next["invitation"]["text"], "Can I help with the tea?");
}

/// An admin's change made through instance A applies on instance B (another process,
/// which imported nothing: it found the settings A imported at its start) within a
/// second.
#[tokio::test]
async fn a_settings_change_through_one_process_applies_on_the_other() {
    let pair = Pair::start().await;
    let (a, b) = (&pair.a, &pair.b);
    let color = |app: &TestApp| {
        let url = app.url("/api/loader/settings?sysnum=demo");
        let http = app.http.clone();
        async move {
            let body: Value = http.get(url).send().await.unwrap().json().await.unwrap();
            body["backend"]["color"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        }
    };
    assert_eq!(color(b).await, "04babc");
    let admin = a.agent_login("alice").await;
    let (status, mut settings) = a
        .call(Method::GET, "/api/admin/settings", &admin, None)
        .await;
    assert_eq!(status, 200, "{settings}");
    settings["tenant"]["backend"]["color"] = json!("aa3300");
    let change = json!({ "tenant": settings["tenant"] });
    let (status, body) = a
        .call(Method::PUT, "/api/admin/settings", &admin, Some(&change))
        .await;
    assert_eq!(status, 200, "{body}");
    let changed = std::time::Instant::now();
    // B polls every 250 ms; the bound leaves room for a loaded machine.
    while color(b).await != "aa3300" {
        assert!(
            changed.elapsed() < std::time::Duration::from_secs(3),
            "B still serves the old colour"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // A process started later with the same file serves the change: after the first
    // import the database is the truth, not the file.
    let dist = pair._dir.path().join("dist");
    let (_proc_c, addr_c) = start(&pair.db_url, &dist).await;
    let c = TestApp::external(addr_c, &pair._dir);
    assert_eq!(color(&c).await, "aa3300");
}

/// A visitor leaves a message through instance A; Alice, whose workbench socket is on
/// instance B, hears of the new ticket live (her ticket list re-reads it).
#[tokio::test]
async fn a_ticket_left_on_one_instance_reaches_an_agent_on_the_other() {
    let pair = Pair::start().await;
    let (a, b) = (&pair.a, &pair.b);
    let alice = b.agent_busy("alice").await;
    let mut desk = connect_ws(b.addr, &format!("/ws/agent?token={alice}")).await;
    let (status, s) = a
        .post_json(
            "/api/ticket/session",
            &json!({"query": "sysnum=demo&uname=Ann&locale=en"}),
        )
        .await;
    assert_eq!(status, 200, "{s}");
    let (status, created) = a
        .call(
            Method::POST,
            "/api/ticket/submit",
            s["session_token"].as_str().unwrap(),
            Some(&json!({
                "query": "sysnum=demo",
                "content": "Left on instance A",
                "fields": {"order_code": "A-2"},
            })),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let event = wait_for(&mut desk, "ticket", |e| e["ticket_id"] == created["id"]).await;
    assert_eq!(event["number"], created["number"]);
    let (status, list) = b
        .call(Method::GET, "/api/agent/tickets", &alice, None)
        .await;
    assert_eq!(status, 200, "{list}");
    assert!(list.to_string().contains("Left on instance A"), "{list}");
}

/// Signing out everywhere on one instance closes the agent's socket on the other (the
/// bus carries the ended sessions, as it carries messages).
#[tokio::test]
async fn signing_out_everywhere_on_one_instance_closes_the_socket_on_the_other() {
    let pair = Pair::start().await;
    let laptop = pair.b.agent_login("alice").await;
    let phone = pair.a.agent_login("alice").await;
    let mut laptop_ws = connect_ws(pair.b.addr, &format!("/ws/agent?token={laptop}")).await;
    let (status, _) = pair
        .a
        .call(Method::POST, "/api/agent/logout-everywhere", &phone, None)
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        crate::attacks::close_code_within(&mut laptop_ws, 5).await,
        Some(parley_protocol::ws::CLOSE_UNAUTHORIZED)
    );
}
