//! Table-driven tests: one row per parameter the parser knows, each checked in its link
//! form and its zc (JSON) form, and written back with `to_query`.

mod common;

use common::{as_json, CASES};
use parley_protocol::params::*;
use parley_protocol::{ChatParams, KNOWN_PARAMS};
use serde_json::{json, Value};
use std::collections::BTreeSet;

#[test]
fn every_known_parameter_has_a_case_and_vice_versa() {
    let known: BTreeSet<&str> = KNOWN_PARAMS.iter().copied().collect();
    let cased: BTreeSet<&str> = CASES.iter().map(|c| c.0).collect();
    assert_eq!(
        known.len(),
        KNOWN_PARAMS.len(),
        "KNOWN_PARAMS has duplicates"
    );
    assert_eq!(cased.len(), CASES.len(), "CASES has duplicates");
    assert_eq!(known, cased);
}

#[test]
fn every_case_parses_in_both_forms_and_round_trips() {
    for (name, query, check) in CASES {
        let parsed = ChatParams::from_query(query);
        assert!(parsed.issues.is_empty(), "{name}: {:?}", parsed.issues);
        assert!(parsed.value.extra.is_empty(), "{name} went to extra");
        assert!(check(&parsed.value), "{name}: {:#?}", parsed.value);

        let zc = ChatParams::from_json(&as_json(query));
        assert!(zc.issues.is_empty(), "{name} (zc): {:?}", zc.issues);
        assert_eq!(zc.value, parsed.value, "{name}: link and zc forms differ");

        let again = ChatParams::from_query(&parsed.value.to_query());
        assert!(
            again.issues.is_empty(),
            "{name} (written back): {:?}",
            again.issues
        );
        assert_eq!(
            again.value, parsed.value,
            "{name}: to_query does not round-trip"
        );
    }
}

#[test]
fn invalid_values_are_dropped_and_reported() {
    let rejected: &[(&str, &str)] = &[
        ("color", "#04babc"),
        ("color", "04bab"),
        ("color", "green"),
        ("location", "3"),
        ("location", "0"),
        ("type", "0"),
        ("type", "5"),
        ("type", "bot"),
        ("time", "9"),
        ("time", "2881"),
        ("time", "15.5"),
        ("total_fee", "10.5"),
        ("total_fee", "10.00"),
        ("total_fee", "-1"),
        ("total_fee", "1e3"),
        ("order_status", "8"),
        ("source", "5"),
        ("flowType", "4"),
        ("title_flag", "0"),
        ("is_vip", "yes"),
        ("is_link", "2"),
        ("msg_flag", "maybe"),
        ("expand_size", "third"),
        ("cut_flag", "off"),
        ("width", "400pt"),
        ("width", "calc(100%)"),
        ("container_style", "a:b}body{x:y"),
        ("container_style", "<script>"),
        ("goods", "not json"),
        ("goods", r#"{"name":"x"}"#),
        ("params", "[1,2]"),
        ("params", "{broken"),
        ("transfer_action", r#"{"actionType":"to_group"}"#),
        ("summaryparams", "5"),
        ("robotid", "bot-1"),
        ("faqid", "-3"),
        ("create_time", "yesterday"),
        ("goods_count", "2.5"),
        ("locale", "xx"),
        ("agent_mode_flag", "2"),
        ("to_customsys_open_style", "2"),
    ];
    for (key, value) in rejected {
        let query = format!("{key}={}", encode_component(value));
        let parsed = ChatParams::from_query(&query);
        assert_eq!(
            parsed.value,
            ChatParams::default(),
            "{key}={value} was kept"
        );
        assert_eq!(parsed.issues.len(), 1, "{key}={value}: {:?}", parsed.issues);
        assert_eq!(parsed.issues[0].param, *key);
        let zc = ChatParams::from_json(&json!({ *key: value }));
        assert_eq!(
            zc.value,
            ChatParams::default(),
            "{key}: {value} (zc) was kept"
        );
        assert_eq!(zc.issues.len(), 1, "{key}: {value} (zc): {:?}", zc.issues);
    }
}

#[test]
fn partnerid_is_limited_to_300_characters() {
    let ok = "p".repeat(300);
    let p = ChatParams::from_query(&format!("partnerid={ok}"));
    assert_eq!(p.value.identity.partnerid.as_deref(), Some(ok.as_str()));
    let p = ChatParams::from_query(&format!("partnerid={ok}x"));
    assert_eq!(p.value.identity.partnerid, None);
    assert_eq!(p.issues[0].param, "partnerid");
}

#[test]
fn long_text_is_cut_and_reported() {
    let long = "a".repeat(MAX_TEXT_CHARS + 5);
    let p = ChatParams::from_query(&format!("remark={long}"));
    assert_eq!(
        p.value.identity.remark.as_deref().map(str::len),
        Some(MAX_TEXT_CHARS)
    );
    assert_eq!(p.issues.len(), 1);
    assert!(p.issues[0].reason.contains("cut"));
    // Ids and links are dropped instead: a cut id or link is a different one.
    let p = ChatParams::from_query(&format!("agentid={}", "a".repeat(MAX_ID_CHARS + 1)));
    assert_eq!(p.value.reception.agentid, None);
    let p = ChatParams::from_query(&format!(
        "card_url=https://x.io/{}",
        "a".repeat(MAX_LINK_CHARS)
    ));
    assert_eq!(p.value.product_card.card_url, None);
    assert_eq!(p.issues.len(), 1);
}

#[test]
fn custom_title_is_cut_to_30_only_with_title_flag_2() {
    let title = "t".repeat(40);
    let p = ChatParams::from_query(&format!("custom_title={title}"));
    assert_eq!(p.value.ui.custom_title.as_deref(), Some(title.as_str()));
    let p = ChatParams::from_query(&format!("title_flag=2&custom_title={title}"));
    assert_eq!(p.value.ui.custom_title.as_deref(), Some(&title[..30]));
    assert_eq!(p.issues[0].param, "custom_title");
}

#[test]
fn booleans_and_numbers_in_every_documented_spelling() {
    for (raw, want) in [
        (json!(1), true),
        (json!(0), false),
        (json!("1"), true),
        (json!("0"), false),
        (json!(true), true),
        (json!(false), false),
        (json!("true"), true),
        (json!("FALSE"), false),
        (json!(" 1 "), true),
    ] {
        let p = ChatParams::from_json(&json!({ "reload": raw }));
        assert_eq!(p.value.panel.reload, Some(want), "{raw}");
        assert!(p.issues.is_empty());
    }
    for raw in [json!(1000), json!("1000"), json!(1000.0), json!(" 1000 ")] {
        let p = ChatParams::from_json(&json!({ "total_fee": raw }));
        assert_eq!(p.value.order_card.total_fee, Some(1000), "{raw}");
    }
    for raw in [
        json!(10.5),
        json!("10.5"),
        json!(-1),
        json!([1]),
        json!({"a": 1}),
    ] {
        let p = ChatParams::from_json(&json!({ "total_fee": raw }));
        assert_eq!(p.value.order_card.total_fee, None, "{raw}");
        assert_eq!(p.issues.len(), 1, "{raw}");
    }
}

#[test]
fn msg_flag_keeps_each_documented_meaning() {
    // Parameter List: "1 Disable 0 Enable".
    let shown = |q: &str| {
        ChatParams::from_query(q)
            .value
            .features
            .msg_flag
            .map(SubmissionEntry::is_shown)
    };
    assert_eq!(shown("msg_flag=1"), Some(false));
    assert_eq!(shown("msg_flag=0"), Some(true));
    // Common Function example: "true: Enable, false: Disable".
    assert_eq!(shown("msg_flag=true"), Some(true));
    assert_eq!(shown("msg_flag=false"), Some(false));
    let zc = |v: Value| {
        ChatParams::from_json(&json!({ "msg_flag": v }))
            .value
            .features
            .msg_flag
    };
    assert_eq!(zc(json!(false)), Some(SubmissionEntry::Hidden));
    assert_eq!(zc(json!(1)), Some(SubmissionEntry::Hidden));
    assert_eq!(zc(json!(true)), Some(SubmissionEntry::Shown));
}

#[test]
fn empty_values_are_not_given() {
    let p = ChatParams::from_query("uname=&groupid=%20&type=&color=");
    assert_eq!(p.value, ChatParams::default());
    assert!(p.issues.is_empty());
    let p = ChatParams::from_json(&json!({"uname": "", "type": null, "goods": null}));
    assert_eq!(p.value, ChatParams::default());
    assert!(p.issues.is_empty());
}

#[test]
fn the_first_valid_value_wins_and_repeats_are_reported() {
    let p = ChatParams::from_query("partnerid=a&partnerid=b");
    assert_eq!(p.value.identity.partnerid.as_deref(), Some("a"));
    assert_eq!(p.issues.len(), 1);
    let p = ChatParams::from_query("type=9&type=2");
    assert_eq!(
        p.value.reception.reception_type,
        Some(ReceptionType::AgentOnly)
    );
    assert_eq!(p.issues.len(), 1);
}

#[test]
fn aliases_fill_the_chat_spelling_which_wins() {
    let p = ChatParams::from_query("sysNum=t1&partnerId=u1");
    assert_eq!(p.value.sysnum.as_deref(), Some("t1"));
    assert_eq!(p.value.identity.partnerid.as_deref(), Some("u1"));
    let p = ChatParams::from_query("sysNum=t1&sysnum=t2");
    assert_eq!(p.value.sysnum.as_deref(), Some("t2"));
    assert_eq!(p.issues.len(), 1);
    assert_eq!(p.issues[0].param, "sysNum");
    let p = ChatParams::from_query("sysnum=t1&sysNum=t1");
    assert!(p.issues.is_empty());
}

#[test]
fn flat_trace_parameters_win_over_the_objects() {
    let q = r#"pre_visit_args={"pre_tags":"obj","pre_abstract":"a","pre_bogus":"x"}&pre_tags=flat"#;
    let p = ChatParams::from_query(q);
    assert_eq!(p.value.trace.pre.tags.as_deref(), Some("flat"));
    assert_eq!(p.value.trace.pre.page_abstract.as_deref(), Some("a"));
    let params: Vec<&str> = p.issues.iter().map(|i| i.param.as_str()).collect();
    assert_eq!(
        params,
        ["pre_visit_args.pre_bogus", "pre_visit_args.pre_tags"]
    );
    // cur_* keys are not pre_* keys.
    let p = ChatParams::from_json(&json!({"cur_visit_args": {"pre_tags": "x"}}));
    assert!(p.value.trace.cur.is_empty() && p.value.trace.pre.is_empty());
    assert_eq!(p.issues.len(), 1);
}

#[test]
fn unknown_parameters_are_kept_aside_and_reported() {
    let p = ChatParams::from_query("sysnum=a&utm_source=mail&SYSNUM=b&=x");
    assert_eq!(p.value.sysnum.as_deref(), Some("a"));
    assert_eq!(
        p.value.extra.get("utm_source").map(String::as_str),
        Some("mail")
    );
    assert_eq!(p.value.extra.get("SYSNUM").map(String::as_str), Some("b"));
    assert_eq!(p.issues.len(), 3);
    // Token API fields are not link parameters.
    let p = ChatParams::from_json(&json!({"ts": "1569397773", "customized_fields": {"a": 1}}));
    assert_eq!(p.value.extra.len(), 2);
    assert_eq!(p.value.extra["customized_fields"], r#"{"a":1}"#);
    let many: Vec<String> = (0..MAX_EXTRA + 3).map(|i| format!("x{i}=1")).collect();
    let p = ChatParams::from_query(&many.join("&"));
    assert_eq!(p.value.extra.len(), MAX_EXTRA);
    assert_eq!(p.issues.len(), MAX_EXTRA + 3);
}

#[test]
fn transfer_action_steps_are_checked_one_by_one() {
    let actions = json!([
        {"actionType": "to_group", "optionId": "3", "deciId": "g1", "spillId": "4"},
        {"actionType": "to_group", "optionId": "1", "deciId": "g2"},
        {"actionType": "to_nobody", "optionId": "4", "deciId": "g3"},
        {"actionType": "to_service", "optionId": 2, "deciId": "a1", "spillId": 1},
        {"actionType": "to_group", "optionId": 3, "deciId": "g4", "spillId": 2},
        {"actionType": "to_group", "optionId": 4},
        "step",
    ]);
    let p = ChatParams::from_json(&json!({ "transfer_action": actions.to_string() }));
    let steps = p.value.reception.transfer_action.unwrap();
    let ids: Vec<&str> = steps.iter().map(|s| s.deci_id.as_str()).collect();
    assert_eq!(ids, ["g1", "a1", "g4"]);
    assert_eq!(steps[0].spill_id, Some(SpillCondition::GroupNoneOnline));
    assert_eq!(
        steps[1].spill_id, None,
        "spillId with a non-overflow option is ignored"
    );
    assert_eq!(
        steps[2].spill_id, None,
        "an agent condition on a group step is ignored"
    );
    let params: Vec<&str> = p.issues.iter().map(|i| i.param.as_str()).collect();
    assert_eq!(
        params,
        [
            "transfer_action[1]",
            "transfer_action[2]",
            "transfer_action[3].spillId",
            "transfer_action[4].spillId",
            "transfer_action[5]",
            "transfer_action[6]"
        ]
    );
}

#[test]
fn goods_entries_are_checked_one_by_one() {
    let goods =
        r#"[{"name":"a","pictureUrl":"https%3A%2F%2Fx.io%2Fa.png"},{"name":"b","price":3},7,{}]"#;
    let p = ChatParams::from_json(&json!({ "goods": goods }));
    let g = p.value.order_card.goods.unwrap();
    assert_eq!(g.len(), 3);
    assert_eq!(
        g[0].picture_url.as_ref().and_then(Link::openable),
        Some("https://x.io/a.png")
    );
    let params: Vec<&str> = p.issues.iter().map(|i| i.param.as_str()).collect();
    assert_eq!(params, ["goods[1].price", "goods[2]"]);
}

#[test]
fn status_custom_is_used_only_with_status_0() {
    let p = ChatParams::from_query("order_status=1&status_custom=X");
    assert_eq!(p.value.order_card.status_custom, None);
    assert_eq!(p.issues[0].param, "status_custom");
    let p = ChatParams::from_query("status_custom=X&order_status=0");
    assert_eq!(p.value.order_card.status_custom.as_deref(), Some("X"));
    assert!(p.issues.is_empty());
}

#[test]
fn the_still_encoded_rule_in_both_forms() {
    // zc: an encodeURIComponent'ed link is decoded once.
    let p = ChatParams::from_json(&json!({"card_url": "http%3A%2F%2Fsg.sobot.io"}));
    assert_eq!(
        p.value.product_card.card_url.unwrap().as_str(),
        "http://sg.sobot.io"
    );
    // Link, encoded once (normal) or twice (encodeURIComponent before building the URL).
    for q in [
        "card_url=http%3A%2F%2Fsg.sobot.io",
        "card_url=http%253A%252F%252Fsg.sobot.io",
    ] {
        let p = ChatParams::from_query(q);
        assert_eq!(
            p.value.product_card.card_url.unwrap().as_str(),
            "http://sg.sobot.io",
            "{q}"
        );
    }
    // A decoded URL that contains escapes keeps them.
    let p = ChatParams::from_query("card_url=https://x.io/s%3Fq%3Da%2520b");
    assert_eq!(
        p.value.product_card.card_url.unwrap().as_str(),
        "https://x.io/s?q=a%20b"
    );
    // Never more than once.
    let p = ChatParams::from_json(&json!({"uname": "%2541"}));
    assert_eq!(p.value.identity.uname.as_deref(), Some("%41"));
    // JSON-valued parameters may be encoded as a whole.
    let goods = encode_component(r#"[{"name":"a"}]"#);
    let p = ChatParams::from_json(&json!({ "goods": goods }));
    assert_eq!(
        p.value.order_card.goods.unwrap()[0].name.as_deref(),
        Some("a")
    );
}

#[test]
fn a_config_that_is_not_an_object_is_reported() {
    for v in [json!([1]), json!("sysnum=a"), json!(3)] {
        let p = ChatParams::from_json(&v);
        assert_eq!(p.value, ChatParams::default());
        assert_eq!(p.issues.len(), 1);
    }
    assert!(ChatParams::from_json(&Value::Null).issues.is_empty());
}
