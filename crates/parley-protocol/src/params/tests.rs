//! Unit tests of precedence and of the parser's internals.

use super::*;
use serde_json::json;

fn backend() -> BackendSettings {
    BackendSettings {
        locale: Some(Locale::En),
        color: Color::from_hex("ff0000"),
        reception_type: Some(ReceptionType::AgentOnly),
        robotid: Some(5),
        groupid: Some("backend-group".into()),
        show_manual: Some(true),
        msg_flag: Some(SubmissionEntry::Hidden),
        leave_msg_flag: Some(false),
        feedback_flag: Some(false),
        photo_flag: Some(false),
        show_evaluate: Some(false),
        guide_flag: Some(false),
        time: Some(60),
        location: Some(Location::BottomLeft),
        title_flag: Some(TitleMode::AgentNickname),
        top_bar_flag: Some(false),
        is_link: Some(false),
        show_face: Some(true),
        agent_mode_flag: Some(AgentOfflineMode::PromptOffline),
        robot_hello_word: Some("backend hello".into()),
        agent_hello_word: None,
        agent_offline_title: None,
        man_trace: Some(true),
        agent_invite: Some(false),
        new_message_alert: None,
        security: SecurityPolicy {
            sign_required: true,
            token_required: true,
            allowed_origins: vec!["https://shop.example".into()],
        },
    }
}

#[test]
fn built_in_defaults_apply_when_nothing_is_set() {
    let e = effective(&ChatParams::default(), &BackendSettings::default());
    assert_eq!(e, EffectiveSettings::default());
    assert_eq!(e.locale, Locale::Zh);
    assert_eq!(e.location, Location::BottomRight);
    assert!(e.is_link && !e.security.sign_required && !e.security.token_required);
}

#[test]
fn backend_settings_beat_defaults() {
    let e = effective(&ChatParams::default(), &backend());
    assert_eq!(e.locale, Locale::En);
    assert_eq!(e.color.hex(), "ff0000");
    assert_eq!(e.reception_type, ReceptionType::AgentOnly);
    assert_eq!(e.robotid, Some(5));
    assert_eq!(e.groupid.as_deref(), Some("backend-group"));
    assert_eq!(e.msg_flag, SubmissionEntry::Hidden);
    assert_eq!(e.time, 60);
    assert_eq!(e.location, Location::BottomLeft);
    assert!(!e.is_link && e.show_face && e.man_trace && !e.agent_invite);
    assert_eq!(e.robot_hello_word.as_deref(), Some("backend hello"));
}

#[test]
fn link_parameters_beat_backend_settings() {
    // The spec's own example: backend says bot first, the code says agent first.
    let backend = BackendSettings {
        reception_type: Some(ReceptionType::BotFirst),
        ..backend()
    };
    let p = ChatParams::from_query(
        "type=4&locale=tw&color=04babc&robotid=9&groupid=g&msg_flag=0&leave_msg_flag=1&time=15\
         &location=1&is_link=1&show_face=0&man_trace=0&invite_flag=1&robot_hello_word=hi&agentid=a7",
    )
    .value;
    let e = effective(&p, &backend);
    assert_eq!(e.reception_type, ReceptionType::AgentFirst);
    assert_eq!(e.locale, Locale::ZhHant);
    assert_eq!(e.color.hex(), "04babc");
    assert_eq!(e.robotid, Some(9));
    assert_eq!(e.groupid.as_deref(), Some("g"));
    assert_eq!(e.agentid.as_deref(), Some("a7"));
    assert_eq!(e.msg_flag, SubmissionEntry::Shown);
    assert!(e.leave_msg_flag);
    assert_eq!(e.time, 15);
    assert_eq!(e.location, Location::BottomRight);
    assert!(e.is_link && !e.show_face && !e.man_trace && e.agent_invite);
    assert_eq!(e.robot_hello_word.as_deref(), Some("hi"));
    // Values the link did not give still come from the backend.
    assert!(!e.feedback_flag);
    assert_eq!(e.title_flag, TitleMode::AgentNickname);
}

#[test]
fn links_cannot_override_security_settings() {
    let hostile = "sign_required=0&token_required=false&allowed_origins=https://evil.example\
                   &security=%7B%7D&sign=x&token=y&sysnum=a&partnerid=b";
    for p in [
        ChatParams::from_query(hostile).value,
        ChatParams::from_json(&json!({
            "sign_required": false, "token_required": 0, "allowed_origins": ["*"],
            "security": {"sign_required": false}, "sign": "x", "token": "y"
        }))
        .value,
    ] {
        let e = effective(&p, &backend());
        assert_eq!(e.security, backend().security);
        // With no backend policy, nothing the link says turns one on or off either.
        assert_eq!(
            effective(&p, &BackendSettings::default()).security,
            SecurityPolicy::default()
        );
    }
    let p = ChatParams::from_query(hostile);
    for key in [
        "sign_required",
        "token_required",
        "allowed_origins",
        "security",
    ] {
        assert!(
            p.value.extra.contains_key(key),
            "{key} should be an unknown parameter"
        );
        assert!(p.issues.iter().any(|i| i.param == key));
    }
}

#[test]
fn the_new_message_alert_is_on_unless_the_backend_turns_it_off() {
    let p = ChatParams::default();
    assert!(effective(&p, &BackendSettings::default()).new_message_alert);
    let off = BackendSettings {
        new_message_alert: Some(false),
        ..BackendSettings::default()
    };
    assert!(!effective(&p, &off).new_message_alert);
}

#[test]
fn an_out_of_range_backend_time_falls_back_to_the_default() {
    let b = BackendSettings {
        time: Some(5),
        ..BackendSettings::default()
    };
    assert_eq!(effective(&ChatParams::default(), &b).time, 2880);
}

#[test]
fn to_query_writes_every_group() {
    let p = ChatParams::from_query(
        "sysNum=s&type=3&goods=%5B%5D&pre_visit_args=%7B%22pre_tags%22%3A%22t%22%7D&uname=%252541&zz=1",
    )
    .value;
    let q = p.to_query();
    assert_eq!(p.identity.uname.as_deref(), Some("%41"));
    assert_eq!(
        q,
        "sysnum=s&uname=%252541&type=3&goods=%5B%5D&pre_tags=t&zz=1"
    );
    assert_eq!(ChatParams::from_query(&q).value, p);
}

#[test]
fn issues_show_long_values_briefly() {
    let p = ChatParams::from_query(&format!("color={}", "z".repeat(5000)));
    assert!(p.issues[0].reason.len() < 200, "{}", p.issues[0].reason);
}

/// `invite_flag` has one reading everywhere (the loader and the docs too): `true` makes
/// the page's visitors invitable by agents; nothing said means not invitable, unless the
/// backend's "Proactive Chat Invitation" is on; a page's `false` beats the backend.
#[test]
fn invite_flag_true_makes_visitors_invitable() {
    let none = BackendSettings::default();
    let on = BackendSettings {
        agent_invite: Some(true),
        ..BackendSettings::default()
    };
    let link = |q: &str| ChatParams::from_query(q).value;
    assert!(!effective(&link("sysnum=a"), &none).agent_invite);
    assert!(effective(&link("sysnum=a&invite_flag=true"), &none).agent_invite);
    assert!(effective(&link("sysnum=a&invite_flag=1"), &none).agent_invite);
    assert!(effective(&link("sysnum=a"), &on).agent_invite);
    assert!(!effective(&link("sysnum=a&invite_flag=false"), &on).agent_invite);
    let zc = ChatParams::from_json(&serde_json::json!({"invite_flag": true})).value;
    assert!(effective(&zc, &none).agent_invite);
}

/// What the `debug=1` panel lists: every parameter taken, in the link's spelling, with
/// its value as the model holds it (decoded, normalised), unknown ones last; dropped
/// ones are not listed.
#[test]
fn to_pairs_lists_what_was_taken_in_link_spelling() {
    let parsed = ChatParams::from_query(
        "no_such_param=x&uname=%E5%B0%8F%E6%98%8E&is_vip=true&time=5&locale=cn\
         &goods=[{\"name\":\"saaadad\"}]",
    );
    let pairs = parsed.value.to_pairs();
    let find = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(find("uname"), Some("小明"));
    assert_eq!(find("is_vip"), Some("1"));
    assert_eq!(find("locale"), Some("zh"));
    assert!(
        find("goods").is_some_and(|g| g.contains("saaadad")),
        "{pairs:?}"
    );
    // `time=5` is below its minimum: dropped, so not listed.
    assert_eq!(find("time"), None);
    assert_eq!(
        pairs.last(),
        Some(&("no_such_param".to_string(), "x".to_string()))
    );
}
