//! The admin reports: conversations made through the API (bot only, served by an
//! agent, left a message, rated, another tenant's) are counted where they belong, with
//! the waiting and first-response medians of known times; only admins read them; bad
//! ranges are refused; the CSV keeps every comment whole and defuses formulas.
//!
//! The conversations are made now, through the API, and then moved to fixed instants
//! of Monday 2024-03-11 (the store's times, shifted by SQL), so the expected numbers
//! are exact.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{spawn_app, Store, TestApp};

crate::on_both_stores!(
    the_report_counts_the_conversations_the_api_made,
    another_tenants_conversations_never_appear,
    only_admins_read_reports_and_bad_ranges_are_refused,
    a_zone_name_cuts_days_at_their_real_midnight_across_daylight_saving,
    csv_keeps_comments_whole_and_defuses_formulas,
);

/// 2024-03-11T00:00:00Z in ms; a Monday.
const MONDAY: i64 = 1_710_115_200_000;
const S: i64 = 1000;
const H: i64 = 3_600_000;

/// The tricky comment: a spreadsheet formula.
const FORMULA: &str = "=HYPERLINK(\"http://evil.example\",\"click\")";
/// The other comment: a comma, quotes and a line break.
const AWKWARD: &str = "Great, \"really\"\nthanks";

async fn sql(app: &TestApp, statement: &str, binds: &[&dyn ToBind]) {
    let mut q = sqlx::query(statement);
    for b in binds {
        q = b.bind(q);
    }
    let pool = app.state.as_ref().unwrap().db.pool();
    q.execute(pool).await.expect(statement);
}

type Q<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

trait ToBind: Sync {
    fn bind<'q>(&'q self, q: Q<'q>) -> Q<'q>;
}
impl ToBind for i64 {
    fn bind<'q>(&'q self, q: Q<'q>) -> Q<'q> {
        q.bind(*self)
    }
}
impl ToBind for &str {
    fn bind<'q>(&'q self, q: Q<'q>) -> Q<'q> {
        q.bind(*self)
    }
}

/// Moves a conversation to start at `at`: its row, and every message `seq` ms later.
async fn start_at(app: &TestApp, conv: &str, at: i64) {
    sql(
        app,
        "UPDATE conversations SET created_at = $1, updated_at = $1 WHERE id = $2",
        &[&at, &conv],
    )
    .await;
    sql(
        app,
        "UPDATE messages SET created_at = $1 + seq WHERE conversation_id = $2",
        &[&at, &conv],
    )
    .await;
    sql(
        app,
        "UPDATE bot_unknowns SET created_at = $1 + 1 WHERE conversation_id = $2",
        &[&at, &conv],
    )
    .await;
}

/// Sets the time of a conversation's system messages of one type.
async fn event_at(app: &TestApp, conv: &str, kind: &str, at: i64) {
    let like = format!("{{\"type\":\"{kind}\"%");
    sql(
        app,
        "UPDATE messages SET created_at = $1 WHERE conversation_id = $2 \
         AND sender = 'system' AND event LIKE $3",
        &[&at, &conv, &like.as_str()],
    )
    .await;
    if kind == "ended" {
        sql(
            app,
            "UPDATE conversations SET ended_at = $1 WHERE id = $2",
            &[&at, &conv],
        )
        .await;
    }
}

async fn send(app: &TestApp, token: &str, id: &str, text: &str) -> Value {
    let (status, body) = app
        .call(
            Method::POST,
            "/api/chat/send",
            token,
            Some(&json!({"client_id": id, "text": text})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

/// The bot's reply after the visitor's message `seq`.
async fn bot_outcome(app: &TestApp, token: &str, seq: i64) -> Value {
    let (_, page) = app
        .call(Method::GET, "/api/chat/history", token, None)
        .await;
    page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["seq"].as_i64() == Some(seq + 1))
        .map(|m| m["bot"]["outcome"].clone())
        .unwrap_or(Value::Null)
}

async fn ask_unknown(app: &TestApp, token: &str, id: &str, text: &str) {
    let sent = send(app, token, id, text).await;
    let seq = sent["message"]["seq"].as_i64().unwrap();
    assert_eq!(bot_outcome(app, token, seq).await, "unknown", "{text}");
}

struct Seeded {
    admin: String,
    served: Vec<String>,
}

/// What the API makes, on the demo tenant, then moved into Monday 2024-03-11 (UTC):
/// - a bot-only conversation at Sunday 23:30 UTC (Monday 00:30 in UTC+1) with three
///   unknown questions, two of them the same but for case and punctuation;
/// - three conversations alice accepts from the queue after 10, 20 and 60 s and first
///   answers 5, 5 and 30 s later, at 10:00, 10:00:10 and 10:00:20 UTC; she ends them
///   two minutes after accepting, and the first two are rated 4 and 5 with comments;
/// - a bot conversation at 12:00 UTC whose visitor leaves a message, which bob
///   answers an hour later and closes an hour after that.
async fn seed(app: &TestApp) -> Seeded {
    let admin = app.agent_busy("alice").await;

    let bot = app.init("sysnum=demo&locale=en").await;
    let bot_token = bot["session_token"].as_str().unwrap().to_owned();
    ask_unknown(
        app,
        &bot_token,
        "u1",
        "Who won the football match last night?",
    )
    .await;
    ask_unknown(
        app,
        &bot_token,
        "u2",
        "who won the FOOTBALL match last night",
    )
    .await;
    ask_unknown(app, &bot_token, "u3", "tell me a joke").await;
    let bot_conv = bot["conversation"]["id"].as_str().unwrap().to_owned();
    start_at(app, &bot_conv, MONDAY - 30 * 60 * S).await;

    let mut served = Vec::new();
    let timings = [(0, 10, 5), (10, 20, 5), (20, 60, 30)];
    for (i, (offset, wait, first)) in timings.into_iter().enumerate() {
        let init = app.init("sysnum=demo&type=2&groupid=sales&locale=en").await;
        let visitor = init["session_token"].as_str().unwrap().to_owned();
        let conv = init["conversation"]["id"].as_str().unwrap().to_owned();
        let (status, body) = app.accept(&conv, &admin).await;
        assert_eq!(status, 200, "{body}");
        let path = format!("/api/agent/conversations/{conv}/reply");
        let reply = json!({"client_id": format!("r{i}"), "text": "Hello, how can I help?"});
        let (status, body) = app.call(Method::POST, &path, &admin, Some(&reply)).await;
        assert_eq!(status, 200, "{body}");
        let path = format!("/api/agent/conversations/{conv}/end");
        let (status, body) = app.call(Method::POST, &path, &admin, None).await;
        assert_eq!(status, 200, "{body}");
        let comment = [Some((4, FORMULA)), Some((5, AWKWARD)), None][i];
        if let Some((score, text)) = comment {
            let (status, body) = app
                .call(
                    Method::POST,
                    "/api/chat/evaluation",
                    &visitor,
                    Some(&json!({"score": score, "comment": text})),
                )
                .await;
            assert_eq!(status, 200, "{body}");
        }
        let start = MONDAY + 10 * H + offset * S;
        let queued = start + S;
        let joined = queued + wait * S;
        start_at(app, &conv, start).await;
        event_at(app, &conv, "queued", queued).await;
        event_at(app, &conv, "agent_joined", joined).await;
        sql(
            app,
            "UPDATE messages SET created_at = $1 WHERE conversation_id = $2 AND sender = 'agent'",
            &[&(joined + first * S), &conv.as_str()],
        )
        .await;
        event_at(app, &conv, "ended", joined + 120 * S).await;
        sql(
            app,
            "UPDATE evaluations SET created_at = $1 WHERE conversation_id = $2",
            &[&(joined + 130 * S), &conv.as_str()],
        )
        .await;
        served.push(conv);
    }

    let leaver = app.init("sysnum=demo&locale=en").await;
    let leaver_token = leaver["session_token"].as_str().unwrap().to_owned();
    let leaver_conv = leaver["conversation"]["id"].as_str().unwrap().to_owned();
    let form = json!({
        "query": "sysnum=demo",
        "content": "Please call me back about my order.",
        "fields": {"order_code": "A-1"},
    });
    let (status, ticket) = app
        .call(
            Method::POST,
            "/api/ticket/submit",
            &leaver_token,
            Some(&form),
        )
        .await;
    assert_eq!(status, 201, "{ticket}");
    let ticket_id = ticket["id"].as_str().unwrap().to_owned();
    let bob = app.agent_login("bob").await;
    let path = format!("/api/agent/tickets/{ticket_id}/reply");
    let (status, body) = app
        .call(
            Method::POST,
            &path,
            &bob,
            Some(&json!({"text": "We will."})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let path = format!("/api/agent/tickets/{ticket_id}/close");
    let (status, body) = app.call(Method::POST, &path, &bob, None).await;
    assert_eq!(status, 200, "{body}");
    let noon = MONDAY + 12 * H;
    start_at(app, &leaver_conv, noon).await;
    sql(
        app,
        "UPDATE tickets SET created_at = $1, closed_at = $2 WHERE id = $3",
        &[&(noon + 5 * S), &(noon + 2 * H), &ticket_id.as_str()],
    )
    .await;
    sql(
        app,
        "UPDATE ticket_replies SET created_at = $1 WHERE ticket_id = $2",
        &[&(noon + H), &ticket_id.as_str()],
    )
    .await;
    Seeded { admin, served }
}

async fn report(app: &TestApp, token: &str, query: &str) -> (StatusCode, Value) {
    app.call(
        Method::GET,
        &format!("/api/admin/reports?{query}"),
        token,
        None,
    )
    .await
}

async fn the_report_counts_the_conversations_the_api_made(store: Store) {
    let app = spawn_app(store).await;
    let seeded = seed(&app).await;
    let (status, r) = report(&app, &seeded.admin, "from=2024-03-11&to=2024-03-11&tz=60").await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        r["days"],
        json!([{"day": "2024-03-11", "conversations": 5}])
    );
    // Monday (row 0) in UTC+1: 00:30 the bot chat, 11:00 the three served, 13:00 the
    // message left.
    let monday = &r["hour_of_week"][0];
    assert_eq!(
        (monday[0].as_u64(), monday[11].as_u64(), monday[13].as_u64()),
        (Some(1), Some(3), Some(1))
    );
    let total: u64 = r["hour_of_week"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row.as_array().unwrap().iter().map(|n| n.as_u64().unwrap()))
        .sum();
    assert_eq!(total, 5);
    assert_eq!(
        r["outcomes"],
        json!({"bot_only": 1, "agent": 3, "message_left": 1, "unserved": 0})
    );
    // Waits 10, 20, 60 s: median 20 s, p90 20 + 0.8 × 40 = 52 s. First answers 5, 5,
    // 30 s: median 5 s, p90 5 + 0.8 × 25 = 25 s.
    assert_eq!(
        r["waiting"],
        json!({"count": 3, "median_ms": 20_000, "p90_ms": 52_000})
    );
    assert_eq!(
        r["first_response"],
        json!({"count": 3, "median_ms": 5_000, "p90_ms": 25_000})
    );
    let alice = r["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agent_id"] == "alice")
        .cloned()
        .unwrap();
    assert_eq!(
        (alice["conversations"].as_u64(), alice["messages"].as_u64()),
        (Some(3), Some(3))
    );
    // Holds 10:00:11–10:02:11, 10:00:31–10:02:31, 10:01:21–10:03:21: all three at once
    // for 50 s; 360 conversation-seconds over 190 busy seconds.
    assert_eq!(alice["peak_load"], 3);
    assert_eq!(alice["average_load"], 1.89);
    let bob = r["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agent_id"] == "bob")
        .cloned()
        .unwrap();
    assert_eq!(
        (bob["conversations"].as_u64(), bob["messages"].as_u64()),
        (Some(0), Some(0))
    );

    let s = &r["satisfaction"];
    assert_eq!(s["kind"], "stars");
    let counts: Vec<u64> = s["distribution"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["count"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, vec![0, 0, 0, 1, 1]);
    assert_eq!(
        (s["count"].as_u64(), s["average"].as_f64()),
        (Some(2), Some(4.5))
    );
    let comments: Vec<&str> = s["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["comment"].as_str().unwrap())
        .collect();
    assert_eq!(comments, vec![AWKWARD, FORMULA], "newest first");
    assert_eq!(
        s["comments"][0]["conversation_id"],
        seeded.served[1].as_str()
    );

    let unknown = r["unknown_questions"].as_array().unwrap();
    assert_eq!(unknown.len(), 2, "{unknown:?}");
    assert_eq!(
        unknown[0]["normalized"],
        "who won the football match last night"
    );
    assert_eq!(unknown[0]["count"], 2);
    assert_eq!(unknown[1]["normalized"], "tell me a joke");
    assert_eq!(unknown[1]["count"], 1);

    assert_eq!(
        r["tickets"],
        json!([{"day": "2024-03-11", "opened": 1, "answered": 1, "closed": 1}])
    );

    // In UTC the bot chat started on Sunday: outside a Monday-only range.
    let (_, utc) = report(&app, &seeded.admin, "from=2024-03-11&to=2024-03-11").await;
    assert_eq!(utc["days"][0]["conversations"], 4);
    assert_eq!(utc["outcomes"]["bot_only"], 0);
    let (_, both) = report(&app, &seeded.admin, "from=2024-03-10&to=2024-03-11&tz=0").await;
    assert_eq!(
        both["days"],
        json!([{"day": "2024-03-10", "conversations": 1}, {"day": "2024-03-11", "conversations": 4}])
    );
    // Sunday is row 6 of the week.
    assert_eq!(both["hour_of_week"][6][23], 1);

    // A range with nothing in it is all zeros, not an error.
    let (status, empty) = report(&app, &seeded.admin, "from=2023-01-01&to=2023-01-03").await;
    assert_eq!(status, 200, "{empty}");
    assert_eq!(empty["days"].as_array().unwrap().len(), 3);
    assert_eq!(empty["outcomes"]["agent"], 0);
    assert_eq!(
        empty["waiting"],
        json!({"count": 0, "median_ms": null, "p90_ms": null})
    );
}

async fn another_tenants_conversations_never_appear(store: Store) {
    let app = spawn_app(store).await;
    let seeded = seed(&app).await;
    // The QUEUE tenant: a bot conversation with an unknown question and a served one,
    // moved into the same Monday.
    let other = app.init("sysnum=QUEUE&locale=en").await;
    let token = other["session_token"].as_str().unwrap().to_owned();
    ask_unknown(&app, &token, "q1", "what is the weather like on mars").await;
    let conv = other["conversation"]["id"].as_str().unwrap().to_owned();
    start_at(&app, &conv, MONDAY + 9 * H).await;
    let (_, r) = report(&app, &seeded.admin, "from=2024-03-11&to=2024-03-11&tz=60").await;
    assert_eq!(r["days"][0]["conversations"], 5);
    assert_eq!(r["outcomes"]["bot_only"], 1);
    let unknown: Vec<&str> = r["unknown_questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["normalized"].as_str().unwrap())
        .collect();
    assert!(!unknown.iter().any(|q| q.contains("mars")), "{unknown:?}");
    assert!(
        !r["agents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["agent_id"] == "solo"),
        "another tenant's agent"
    );
    // Solo, QUEUE's agent, is no admin; and the demo's admin cannot name another
    // tenant: the tenant is always the session's.
    let solo = app.agent_login_at("QUEUE", "solo", "solo-demo").await;
    let (status, _) = report(&app, &solo, "from=2024-03-11&to=2024-03-11").await;
    assert_eq!(status, 403);
    let (_, r) = report(
        &app,
        &seeded.admin,
        "from=2024-03-11&to=2024-03-11&tz=60&sysnum=QUEUE",
    )
    .await;
    assert_eq!(r["days"][0]["conversations"], 5);
}

async fn a_zone_name_cuts_days_at_their_real_midnight_across_daylight_saving(store: Store) {
    let app = spawn_app(store).await;
    let admin = app.agent_login("alice").await;
    // Berlin went to summer time on Sunday 2024-03-31 at 01:00 UTC.
    let sunday = MONDAY + 20 * 24 * H; // 2024-03-31T00:00Z
    let mut ids = Vec::new();
    for at in [
        sunday - H / 2,          // 23:30Z Saturday: 00:30 Sunday in Berlin (CET)
        sunday + 22 * H + H / 2, // 22:30Z Sunday: 00:30 Monday in Berlin (CEST)
    ] {
        let init = app.init("sysnum=demo").await;
        let id = init["conversation"]["id"].as_str().unwrap().to_owned();
        start_at(&app, &id, at).await;
        ids.push(id);
    }
    let range = "from=2024-03-30&to=2024-04-01";
    let (status, r) = report(&app, &admin, &format!("{range}&tz=Europe/Berlin")).await;
    assert_eq!(status, 200, "{r}");
    let per_day: Vec<u64> = r["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["conversations"].as_u64().unwrap())
        .collect();
    assert_eq!(per_day, vec![0, 1, 1], "{r}");
    assert_eq!(r["tz"], "Europe/Berlin");
    assert_eq!(r["tz_minutes"], 60, "the offset at the range's start");
    // Both at 00:30 local: Sunday's and Monday's first hour.
    assert_eq!(r["hour_of_week"][6][0], 1, "{r}");
    assert_eq!(r["hour_of_week"][0][0], 1, "{r}");
    // At a fixed +01:00 the second one is still Sunday, at 23:30.
    let (_, fixed) = report(&app, &admin, &format!("{range}&tz=60")).await;
    assert_eq!(fixed["days"][1]["conversations"], 2, "{fixed}");
    assert_eq!(fixed["days"][2]["conversations"], 0, "{fixed}");
    assert!(fixed.get("tz").is_none(), "{fixed}");
    // The CSV follows the same zone.
    let (status, _) = app
        .call(
            Method::GET,
            &format!("/api/admin/reports.csv?report=days&{range}&tz=Asia/Shanghai"),
            &admin,
            None,
        )
        .await;
    assert_eq!(status, 200);
    // An unknown zone is a 400 naming tz.
    let (status, body) = report(&app, &admin, &format!("{range}&tz=Mars/Olympus_Mons")).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["field"], "tz");
    assert!(body["message"].as_str().unwrap().contains("IANA"), "{body}");
}

async fn only_admins_read_reports_and_bad_ranges_are_refused(store: Store) {
    let app = spawn_app(store).await;
    let admin = app.agent_login("alice").await;
    let bob = app.agent_login("bob").await;
    let range = "from=2024-03-01&to=2024-03-07";
    let (status, body) = report(&app, &bob, range).await;
    assert_eq!(status, 403, "{body}");
    let csv = format!("/api/admin/reports.csv?report=days&{range}");
    let (status, _) = app.call(Method::GET, &csv, &bob, None).await;
    assert_eq!(status, 403);
    let (status, _) = app.call(Method::GET, &csv, "not-a-session", None).await;
    assert_eq!(status, 401);
    let response = app.http.get(app.url(&csv)).send().await.unwrap();
    assert_eq!(response.status(), 401, "no token");

    for (query, field, words) in [
        ("from=2024-03-08&to=2024-03-07", "from", "after"),
        ("from=yesterday&to=2024-03-07", "from", "YYYY-MM-DD"),
        ("from=2024-02-30&to=2024-03-07", "from", "YYYY-MM-DD"),
        ("to=2024-03-07", "from", "YYYY-MM-DD"),
        ("from=2024-01-01&to=2025-01-01", "to", "367 days"),
        ("from=2024-03-01&to=2024-03-07&tz=2000", "tz", "minutes"),
    ] {
        let (status, body) = report(&app, &admin, query).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["field"], field, "{query}: {body}");
        assert!(
            body["message"].as_str().unwrap().contains(words),
            "{query}: {body}"
        );
    }
    // 366 days (a leap year) is allowed.
    let (status, body) = report(&app, &admin, "from=2024-01-01&to=2024-12-31").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["days"].as_array().unwrap().len(), 366);

    let (status, body) = app
        .call(
            Method::GET,
            &format!("/api/admin/reports.csv?report=secrets&{range}"),
            &admin,
            None,
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["field"], "report");
}

/// Reads RFC 4180 CSV (after the byte-order mark) into rows of cells.
fn parse_csv(csv: &str) -> Vec<Vec<String>> {
    let csv = csv.strip_prefix('\u{FEFF}').expect("a byte-order mark");
    let (mut rows, mut row, mut cell) = (Vec::new(), Vec::new(), String::new());
    let mut chars = csv.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    assert!(
        row.is_empty() && cell.is_empty(),
        "the file ends with a line end"
    );
    rows
}

async fn csv_keeps_comments_whole_and_defuses_formulas(store: Store) {
    let app = spawn_app(store).await;
    let seeded = seed(&app).await;
    let get = |report: &'static str| {
        let url = app.url(&format!(
            "/api/admin/reports.csv?report={report}&from=2024-03-11&to=2024-03-11&tz=60"
        ));
        let request = app.http.get(url).bearer_auth(&seeded.admin);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200);
            let headers = response.headers().clone();
            (headers, response.text().await.unwrap())
        }
    };
    let (headers, text) = get("comments").await;
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"parley-comments-2024-03-11-2024-03-11.csv\""
    );
    let rows = parse_csv(&text);
    assert_eq!(
        rows[0],
        vec!["conversation_id", "agent_id", "score", "comment", "at_ms"]
    );
    assert_eq!(rows.len(), 3, "{rows:?}");
    // The awkward comment survives whole; the formula comes back as text with a
    // leading quote, so a spreadsheet never evaluates it.
    assert_eq!(rows[1][3], AWKWARD);
    assert_eq!(rows[2][3], format!("'{FORMULA}"));
    assert_eq!((rows[1][1].as_str(), rows[1][2].as_str()), ("alice", "5"));
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "a cell a spreadsheet would evaluate: {cell:?}"
            );
        }
    }

    let (_, text) = get("unknown_questions").await;
    let rows = parse_csv(&text);
    assert_eq!(rows[1][1], "who won the football match last night");
    assert_eq!(rows[1][2], "2");

    let (_, text) = get("times").await;
    let rows = parse_csv(&text);
    assert_eq!(rows[1], vec!["waiting", "3", "20", "52"]);
    assert_eq!(rows[2], vec!["first_response", "3", "5", "25"]);

    let (_, text) = get("hour_of_week").await;
    let rows = parse_csv(&text);
    assert_eq!(rows.len(), 1 + 7 * 24);
    assert_eq!(rows[1 + 11], vec!["Monday", "11", "3"]);
}
