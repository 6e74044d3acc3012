//! The spec against the model: every parameter name the spec documents is known to the
//! parser, and the spec's own examples parse as documented, verbatim.
//!
//! The names live in `spec-params.txt` (checked in, so CI without the spec still checks
//! the model). When the shared spec is present (`<repo>/../shared/spec/...`), the names
//! are extracted from it again and must equal the checked-in list, so the list cannot
//! drift. Run with `PARLEY_BLESS=1` to rewrite the list after a spec change.

mod common;

use parley_protocol::digest;
use parley_protocol::params::*;
use parley_protocol::{ChatParams, Locale, KNOWN_PARAMS};
use serde_json::{json, Value};
use std::collections::BTreeSet;

const SPEC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/spec/sobot-web-js-sdk.txt"
);
const LIST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/spec-params.txt");

/// The type words of the spec's parameter tables; a row is `<name><Type>...`.
const TYPES: &[&str] = &["String", "Number", "Integer", "Int", "Boolean"];

/// The name of a table row such as `card_titleStringProduct title...`.
fn row_name(line: &str) -> Option<String> {
    if !line.starts_with(|c: char| c.is_ascii_lowercase()) {
        return None;
    }
    let end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(line.len());
    let word = &line[..end];
    (1..word.len())
        .find(|&i| TYPES.iter().any(|t| word[i..].starts_with(t)))
        .map(|i| word[..i].to_string())
}

/// Cuts a `// comment` (but not the `//` of `http://`).
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    for i in 0..bytes.len().saturating_sub(1) {
        if &bytes[i..i + 2] == b"//" && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
            return &line[..i];
        }
    }
    line
}

/// The key of an object-literal line such as `"color": "04babc",` or `type: 3,`.
fn key_of(line: &str) -> Option<String> {
    let t = line.trim().trim_start_matches(['"', '\'']);
    let end = t.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    let (key, rest) = t.split_at(end);
    let rest = rest.trim_start_matches(['"', '\'']).trim_start();
    (!key.is_empty() && !key.starts_with(|c: char| c.is_ascii_digit()) && rest.starts_with(':'))
        .then(|| key.to_string())
}

/// Every parameter name the spec documents. Nested names are written `parent.child`.
fn extract(spec: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();

    // 1. Parameter tables. "<x> Data Structure" makes the next table's rows nested under
    //    <x>; the token API's request and return tables are not link parameters.
    let (mut pending_prefix, mut pending_skip) = (None::<String>, false);
    let (mut prefix, mut skip, mut in_table) = (None::<String>, false, false);
    for line in spec.lines().map(str::trim) {
        if let Some(i) = line.find(" Data Structure") {
            pending_prefix = Some(line[..i].trim().to_string());
        }
        if line.contains("Request param") || line.contains("Return param") {
            pending_skip = true;
        }
        if line.starts_with("Param") && line.contains("Type") {
            (in_table, prefix, skip) = (
                true,
                pending_prefix.take(),
                std::mem::take(&mut pending_skip),
            );
            continue;
        }
        if let (true, false, Some(name)) = (in_table, skip, row_name(line)) {
            names.insert(match &prefix {
                Some(p) => format!("{p}.{name}"),
                None => name,
            });
        }
    }

    // 2. Keys of every `zc("config", {...})` example; keys one level down are nested.
    let (mut depth, mut in_zc, mut parent) = (0i32, false, String::new());
    for line in spec.lines() {
        let code = strip_comment(line);
        let opens = code.matches('{').count() as i32;
        let closes = code.matches('}').count() as i32;
        if !in_zc {
            if code.contains("zc(\"config\"") || code.contains("zc('config'") {
                (in_zc, depth) = (true, opens - closes);
            }
            continue;
        }
        if let Some(key) = key_of(code) {
            match depth {
                1 => {
                    names.insert(key.clone());
                    parent = key;
                }
                2 => {
                    names.insert(format!("{parent}.{key}"));
                }
                _ => {}
            }
        }
        depth += opens - closes;
        in_zc = depth > 0;
    }

    // 3. Keys of every example link (`...index.html?a=1&b=2`, `entrance.js?sysnum=...`).
    for line in spec.lines() {
        for (at, _) in line
            .match_indices(".html?")
            .chain(line.match_indices(".js?"))
        {
            let query = &line[at..];
            let query = &query[query.find('?').map_or(0, |q| q + 1)..];
            let end = query
                .find([' ', '\'', '"', '<', '>'])
                .unwrap_or(query.len());
            for pair in query[..end].split('&') {
                let key = pair.trim_matches('\\').split('=').next().unwrap_or("");
                if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    names.insert(key.to_string());
                }
            }
        }
    }

    // 4. The fields of transfer_action, documented as the bullets under
    //    "Param description:" in the VIP routing section (top-level bullets only; the
    //    deeper bullets are values such as `to_group`).
    let mut in_list = false;
    for line in spec.lines() {
        if line.trim() == "Param description:" {
            in_list = true;
            continue;
        }
        if in_list {
            if let Some(item) = line.strip_prefix("  • ") {
                let name = item.split_whitespace().next().unwrap_or("");
                names.insert(format!("transfer_action.{name}"));
            } else if !line.starts_with("    ") {
                in_list = false;
            }
        }
    }
    names
}

fn checked_in_list() -> Vec<String> {
    std::fs::read_to_string(LIST)
        .expect("spec-params.txt is checked in")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

#[test]
fn the_checked_in_list_matches_the_spec() {
    let Ok(spec) = std::fs::read_to_string(SPEC) else {
        eprintln!("the shared spec is not at {SPEC}; checking the checked-in list only");
        return;
    };
    let extracted = extract(&spec);
    if std::env::var_os("PARLEY_BLESS").is_some() {
        let mut text = String::from(
            "# Every parameter name the spec documents (tables, zc examples, example links),\n\
             # one a line; nested names are parent.child. Generated by tests/spec.rs with\n\
             # PARLEY_BLESS=1 from shared/spec/sobot-web-js-sdk.txt; do not edit by hand.\n",
        );
        for n in &extracted {
            text.push_str(n);
            text.push('\n');
        }
        std::fs::write(LIST, text).expect("write spec-params.txt");
    }
    let listed: BTreeSet<String> = checked_in_list().into_iter().collect();
    assert_eq!(
        listed, extracted,
        "spec-params.txt is stale: rerun with PARLEY_BLESS=1"
    );
}

#[test]
fn the_extractor_sees_the_tables_and_examples() {
    // Guards the extractor itself against silently finding nothing.
    let Ok(spec) = std::fs::read_to_string(SPEC) else {
        return;
    };
    let names = extract(&spec);
    for expected in [
        "partnerid",
        "satDegree_A",
        "full",
        "discordIds",
        "flowGroupId",
        "goods.pictureUrl",
        "pre_visit_args.pre_abstract",
        "transfer_action.spillId",
        "invite_flag",
        "man_trace",
        "manual",
        "status_custom",
        "sysNum",
        "paramUnionId",
        "t",
        "token",
    ] {
        assert!(names.contains(expected), "{expected} not extracted");
    }
    for not_a_link_param in [
        "ts",
        "customized_fields",
        "channel_flag",
        "ret_code",
        "name",
        "to_group",
    ] {
        assert!(
            !names.contains(not_a_link_param),
            "{not_a_link_param} extracted"
        );
    }
}

/// A complete valid object for each parent of nested names.
fn nested_parent(parent: &str) -> Value {
    match parent {
        "goods" => json!([{"name": "saaadad", "pictureUrl": "https://img.sobot.io/a.png"}]),
        "transfer_action" => {
            json!([{"actionType": "to_group", "optionId": "3", "deciId": "g1", "spillId": "4"}])
        }
        "pre_visit_args" | "cur_visit_args" => {
            let p = &parent[..4];
            json!({
                format!("{p}abstract"): "a", format!("{p}visit_url"): "https://a.io",
                format!("{p}visit_title"): "t", format!("{p}thumbnail"): "https://a.io/t.png",
                format!("{p}tags"): "x"
            })
        }
        other => panic!("no nested sample for {other}"),
    }
}

fn without(value: &Value, child: &str) -> Value {
    let mut v = value.clone();
    match &mut v {
        Value::Array(items) => {
            for item in items {
                item.as_object_mut().unwrap().remove(child);
            }
        }
        Value::Object(o) => {
            o.remove(child);
        }
        _ => {}
    }
    v
}

#[test]
fn every_documented_parameter_is_in_the_model() {
    let known: BTreeSet<&str> = KNOWN_PARAMS.iter().copied().collect();
    let list = checked_in_list();
    assert!(
        list.len() > 130,
        "the list looks truncated ({} names)",
        list.len()
    );
    for name in &list {
        match name.split_once('.') {
            None => {
                assert!(
                    known.contains(name.as_str()),
                    "{name} is documented but not in KNOWN_PARAMS"
                );
                let (_, query, check) = common::CASES
                    .iter()
                    .find(|c| c.0 == name)
                    .unwrap_or_else(|| panic!("no sample for {name}"));
                let p = ChatParams::from_query(query);
                assert!(
                    p.issues.is_empty() && p.value.extra.is_empty(),
                    "{name}: {:?}",
                    p.issues
                );
                assert!(check(&p.value), "{name} does not land in the model");
            }
            Some((parent, child)) => {
                // The complete object parses cleanly, and dropping the child changes the
                // result: the child's value lands in the model.
                let full = nested_parent(parent);
                let as_text = |v: &Value| ChatParams::from_json(&json!({ parent: v.to_string() }));
                let with = as_text(&full);
                assert!(with.issues.is_empty(), "{name}: {:?}", with.issues);
                let less = as_text(&without(&full, child));
                assert!(
                    less.value != with.value || !less.issues.is_empty(),
                    "{name}: the field makes no difference"
                );
            }
        }
    }
}

// ----- The spec's own examples, verbatim -----

const ORDER_LINK: &str = r#"?sysnum=4c349791a07b46c1a70b8ac88aa23257&order_status=1&create_time=1586414406391&order_code=121212&order_url=http://sg.sobot.io&goods_count=2&total_fee=1000&goods=[{"name":"saaadad","pictureUrl":"https://img.sobot.io/console/common/face/admin.png"}]"#;

fn expected_goods() -> Vec<Goods> {
    vec![Goods {
        name: Some("saaadad".into()),
        picture_url: Some(Link::new(
            "https://img.sobot.io/console/common/face/admin.png",
        )),
    }]
}

#[test]
fn the_order_card_link() {
    let p = ChatParams::from_query(ORDER_LINK);
    assert!(p.issues.is_empty(), "{:?}", p.issues);
    assert_eq!(
        p.value.sysnum.as_deref(),
        Some("4c349791a07b46c1a70b8ac88aa23257")
    );
    let o = &p.value.order_card;
    assert_eq!(o.order_status, Some(OrderStatus::ToBePaid));
    assert_eq!(o.create_time, Some(1_586_414_406_391));
    assert_eq!(o.order_code.as_deref(), Some("121212"));
    assert_eq!(
        o.order_url.as_ref().and_then(Link::openable),
        Some("http://sg.sobot.io")
    );
    assert_eq!(o.goods_count, Some(2));
    assert_eq!(o.total_fee, Some(1000));
    assert_eq!(o.goods.as_deref(), Some(&expected_goods()[..]));
    // As a browser sends it (quotes, brackets and braces escaped), the same.
    let sent = ORDER_LINK
        .replace('"', "%22")
        .replace('[', "%5B")
        .replace('{', "%7B");
    assert_eq!(ChatParams::from_query(&sent), p);
}

#[test]
fn the_order_card_zc_call_equals_the_link() {
    let goods = json!([{"name": "saaadad", "pictureUrl": encode_component("https://img.sobot.io/console/common/face/admin.png")}]);
    let config = json!({
        "order_status": 1,
        "status_custom": "Custom status",
        "create_time": "1586414406391",
        "order_code": 11111,
        "order_url": encode_component("http://sg.sobot.io"),
        "goods_count": 2,
        "total_fee": 1000,
        "goods": goods.to_string(), // JSON.stringify(goods)
    });
    assert_eq!(config["order_url"], "http%3A%2F%2Fsg.sobot.io");
    let zc = ChatParams::from_json(&config);
    // The example sets status_custom with order_status 1; the spec uses it only for 0.
    assert_eq!(zc.issues.len(), 1, "{:?}", zc.issues);
    assert_eq!(zc.issues[0].param, "status_custom");
    assert_eq!(zc.value.order_card.order_code.as_deref(), Some("11111"));

    let link = ChatParams::from_query(ORDER_LINK).value.order_card;
    let mut zc_card = zc.value.order_card;
    zc_card.order_code = link.order_code.clone();
    assert_eq!(zc_card, link);
}

#[test]
fn the_product_card_zc_call() {
    let config = json!({
        "card_title": "Sobot",
        "card_url": "http%3A%2F%2Fsg.sobot.io",
        "card_desc": "Sobot,Online,Call,Robot,Integration",
        "card_note": "1500,2000",
        "card_picture": "https%3A%2F%2Fimg.sobot.io%2Fconsole%2Fcommon%2Fface%2Fadmin.png",
    });
    let p = ChatParams::from_json(&config);
    assert!(p.issues.is_empty(), "{:?}", p.issues);
    let c = &p.value.product_card;
    assert!(c.is_complete());
    assert_eq!(c.card_title.as_deref(), Some("Sobot"));
    assert_eq!(
        c.card_url.as_ref().and_then(Link::openable),
        Some("http://sg.sobot.io")
    );
    assert_eq!(
        c.card_desc.as_deref(),
        Some("Sobot,Online,Call,Robot,Integration")
    );
    assert_eq!(c.card_note.as_deref(), Some("1500,2000"));
    assert_eq!(
        c.card_picture.as_ref().and_then(Link::openable),
        Some("https://img.sobot.io/console/common/face/admin.png")
    );
    // The same card as a link, encoded once more by the page that built it.
    let q = format!(
        "card_title=Sobot&card_url={}&card_desc={}&card_note={}&card_picture={}",
        encode_component("http%3A%2F%2Fsg.sobot.io"),
        encode_component("Sobot,Online,Call,Robot,Integration"),
        encode_component("1500,2000"),
        encode_component("https%3A%2F%2Fimg.sobot.io%2Fconsole%2Fcommon%2Fface%2Fadmin.png"),
    );
    assert_eq!(ChatParams::from_query(&q), p);
}

#[test]
fn the_transfer_action_example() {
    let action = r#"[
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
    let payload: Value = serde_json::from_str(action).unwrap();
    let p = ChatParams::from_json(&json!({ "transfer_action": payload.to_string() }));
    assert!(p.issues.is_empty(), "{:?}", p.issues);
    let steps = p.value.reception.transfer_action.unwrap();
    assert_eq!(
        steps,
        [
            TransferAction {
                action_type: ActionType::ToGroup,
                deci_id: "162bb6bb038d4a9ea018241a30694064".into(),
                option_id: OverflowOption::GroupOverflow,
                spill_id: Some(SpillCondition::GroupNoneOnline),
            },
            TransferAction {
                action_type: ActionType::ToGroup,
                deci_id: "cae6834444ac43e39d95b1725d2ae454".into(),
                option_id: OverflowOption::GroupNoOverflow,
                spill_id: None,
            },
        ]
    );
    assert!(steps[0].option_id.overflows() && !steps[1].option_id.overflows());
}

#[test]
fn the_sign_example() {
    let sign = digest::token_sign(
        "ABC",
        "258eec3118705112b2c53dc8043d4d34",
        "DE",
        "1569397773",
        Some(r#"{"uname":"nickname"}"#),
    );
    assert_eq!(sign, "874b6f9d7926ddb84da11bf93b0ef169");
    let p = ChatParams::from_query(&format!("sysnum=ABC&partnerid=DE&sign={sign}"));
    assert_eq!(p.value.security.sign.as_deref(), Some(sign.as_str()));
}

#[test]
fn the_leave_message_link() {
    let p = ChatParams::from_query(
        "sysnum=ed22902866fb4f6e9bc7f0fa259aaa74&uid=xxx&source=9&uname=xxx&templateid=xxx&groupid=xx&locale=cn&t=xxx",
    );
    assert!(p.issues.is_empty(), "{:?}", p.issues);
    let v = &p.value;
    assert_eq!(
        v.sysnum.as_deref(),
        Some("ed22902866fb4f6e9bc7f0fa259aaa74")
    );
    assert_eq!(v.leave_message.uid.as_deref(), Some("xxx"));
    assert_eq!(v.ui.source, Some(Source::WeCom));
    assert_eq!(v.identity.uname.as_deref(), Some("xxx"));
    assert_eq!(v.leave_message.templateid.as_deref(), Some("xxx"));
    assert_eq!(v.reception.groupid.as_deref(), Some("xx"));
    assert_eq!(v.locale, Some(Locale::Zh));
    assert_eq!(v.leave_message.t.as_deref(), Some("xxx"));
}

#[test]
fn the_ticket_plugin_link_and_params() {
    let p = ChatParams::from_query(
        "sysNum=4604e18c4eef435484938f3bb1de917a&deployId=84a3a0c2d3ea452a862a1ee6ed32cb8c&paramUnionId=yuzuu-RVVVB-www",
    );
    assert!(p.issues.is_empty(), "{:?}", p.issues);
    assert_eq!(
        p.value.sysnum.as_deref(),
        Some("4604e18c4eef435484938f3bb1de917a")
    );
    assert_eq!(
        p.value.ticket.deploy_id.as_deref(),
        Some("84a3a0c2d3ea452a862a1ee6ed32cb8c")
    );
    assert_eq!(
        p.value.ticket.param_union_id.as_deref(),
        Some("yuzuu-RVVVB-www")
    );

    let p = ChatParams::from_query(
        r#"params={"card_title":"Sobot","card_url":"http://sg.sobot.io","card_desc":"Sobot,Online,Call,Robot,Integration","card_note":"$1500","card_picture":"https://img.sobot.io/console/common/face/admin.png"}"#,
    );
    assert!(p.issues.is_empty(), "{:?}", p.issues);
    let m = p.value.identity.params.unwrap();
    assert_eq!(m.len(), 5);
    assert_eq!(m["card_title"], "Sobot");
    assert_eq!(m["card_url"], "http://sg.sobot.io");
    assert_eq!(m["card_desc"], "Sobot,Online,Call,Robot,Integration");
    assert_eq!(m["card_note"], "$1500");
    assert_eq!(
        m["card_picture"],
        "https://img.sobot.io/console/common/face/admin.png"
    );
}

#[test]
fn the_access_code_and_token_links() {
    let src =
        "https://sg.sobot.io/chat/frame/v2/entrance.js?sysnum=3542411be2184c8cb6b48d66ca1b2730";
    let p = ChatParams::from_query(src.split_once('?').unwrap().1);
    assert_eq!(
        p.value.sysnum.as_deref(),
        Some("3542411be2184c8cb6b48d66ca1b2730")
    );
    let p = ChatParams::from_query("sysnum=xxx&token=59a3d022993e4632bafd4f59a0f13604");
    assert_eq!(
        p.value.security.token.as_deref(),
        Some("59a3d022993e4632bafd4f59a0f13604")
    );
    assert!(p.issues.is_empty());
}

#[test]
fn every_zc_config_example_of_the_spec_parses_cleanly() {
    let examples = [
        json!({"color": "04babc", "uname": "Sobot"}),
        json!({"manual": true}),
        json!({"color": "04babc", "location": 1}),
        json!({"custom": true}),
        json!({"locale": "en"}),
        json!({"uname": "dingmao", "realname": "dingmao", "tel": "18888888888",
               "email": "[email protected]", "qq": "2345678",
               "face": "https://img.sobot.io/console/common/face/admin.png",
               "remark": "VIP Customer, Each response cannot exceed 5 seconds"}),
        json!({"params": json!({"Level": "Boss", "Idiomatic name": "Sobot", "From": "Beijing"}).to_string()}),
        json!({"customer_fields": json!({"customField4": "Sobot", "customField5": "Robot"}).to_string()}),
        json!({"type": 3, "robotid": 2, "agentid": "1q2w3e4r", "groupid": "4r3e2w1q"}),
        json!({"is_vip": 1, "vip_level": "05bcdc56e68149d1841962caf593d077"}),
        json!({"user_label": "05bcdc56e68149d1841962caf593d077"}),
        json!({"invite": 1, "tip_title": "Welcome to inquire", "submit_title": "Let's start chatting",
               "first_timeout": 2, "over_timeout": 10, "invite_count": 5}),
        json!({"auto_expand": true}),
        json!({"invite_flag": true}),
        json!({"man_trace": true}),
        json!({
            "pre_visit_args": {
                "pre_abstract": "Digest of the source page. Keep blank if not available",
                "pre_visit_url": "URL of the source page. Keep blank if not available",
                "pre_visit_title": "Title of the source page. Keep blank if not available",
                "pre_thumbnail": "Thumbnail of the source page. Keep blank if not available",
                "pre_tags": "Tag of the source page. Keep blank if not available"
            },
            "cur_visit_args": {
                "cur_abstract": "Digest of the current page. Keep blank if not available",
                "cur_visit_url": "URL of the current page. Keep blank if not available",
                "cur_visit_title": "Title of the current page. Keep blank if not available",
                "cur_thumbnail": "Thumbnail of the current page. Keep blank if not available",
                "cur_tags": "Tag of the current page. Keep blank if not available"
            }
        }),
        json!({"robotid": 1}),
        json!({"leave_msg_flag": true, "msg_flag": false, "feedback_flag": true,
               "photo_flag": true, "show_evaluate": 0}),
        json!({"time": 15}),
        json!({"to_customsys_flag": true, "to_customsys_url": "https://sg.sobot.io"}),
        json!({"anchor": true}),
        json!({"reload": true}),
        json!({"emoji_state": "hide"}),
        json!({"is_link": 1}),
        json!({"show_face": 1}),
        json!({"token": "obtained token"}),
    ];
    for config in &examples {
        let p = ChatParams::from_json(config);
        assert!(p.issues.is_empty(), "{config}: {:?}", p.issues);
        assert!(p.value.extra.is_empty());
        assert_ne!(p.value, ChatParams::default(), "{config}");
    }
    let p = ChatParams::from_json(&examples[15]).value.trace;
    assert!(p
        .pre
        .visit_url
        .as_ref()
        .is_some_and(|l| l.openable().is_none()));
    assert_eq!(
        p.cur.tags.as_deref(),
        Some("Tag of the current page. Keep blank if not available")
    );
    let f = ChatParams::from_json(&examples[17]).value.features;
    assert_eq!(
        f.msg_flag,
        Some(SubmissionEntry::Hidden),
        "msg_flag: false // false: Disable"
    );
    assert_eq!(f.show_evaluate, Some(false));
}
