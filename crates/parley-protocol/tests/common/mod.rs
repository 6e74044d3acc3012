//! Shared by the integration tests: one valid sample per known parameter.

#![allow(dead_code)]

use parley_protocol::params::*;
use parley_protocol::{ChatParams, Locale};
use serde_json::{json, Value};

pub type Check = fn(&ChatParams) -> bool;

/// (parameter, a query string giving it a valid value, where the value must land).
pub const CASES: &[(&str, &str, Check)] = &[
    ("sysnum", "sysnum=abc", |p| {
        p.sysnum.as_deref() == Some("abc")
    }),
    ("sysNum", "sysNum=abc", |p| {
        p.sysnum.as_deref() == Some("abc")
    }),
    ("locale", "locale=en", |p| p.locale == Some(Locale::En)),
    ("partnerid", "partnerid=u1", |p| {
        p.identity.partnerid.as_deref() == Some("u1")
    }),
    ("partnerId", "partnerId=u1", |p| {
        p.identity.partnerid.as_deref() == Some("u1")
    }),
    ("uname", "uname=%E5%BC%A0%E4%B8%89", |p| {
        p.identity.uname.as_deref() == Some("张三")
    }),
    ("realname", "realname=dingmao", |p| {
        p.identity.realname.as_deref() == Some("dingmao")
    }),
    ("email", "email=a%40b.io", |p| {
        p.identity.email.as_deref() == Some("a@b.io")
    }),
    ("tel", "tel=18888888888", |p| {
        p.identity.tel.as_deref() == Some("18888888888")
    }),
    ("face", "face=https://img.sobot.io/a.png", |p| {
        p.identity.face.as_ref().and_then(Link::openable) == Some("https://img.sobot.io/a.png")
    }),
    ("qq", "qq=2345678", |p| {
        p.identity.qq.as_deref() == Some("2345678")
    }),
    ("remark", "remark=VIP+Customer", |p| {
        p.identity.remark.as_deref() == Some("VIP Customer")
    }),
    ("params", r#"params={"Level":"Boss","n":5}"#, |p| {
        let m = p.identity.params.as_ref().unwrap();
        m["Level"] == "Boss" && m["n"] == "5"
    }),
    (
        "customer_fields",
        r#"customer_fields={"customField4":"Sobot"}"#,
        |p| p.identity.customer_fields.as_ref().unwrap()["customField4"] == "Sobot",
    ),
    ("is_vip", "is_vip=1", |p| p.identity.is_vip == Some(true)),
    ("vip_level", "vip_level=05bcdc56", |p| {
        p.identity.vip_level.as_deref() == Some("05bcdc56")
    }),
    ("user_label", "user_label=l1", |p| {
        p.identity.user_label.as_deref() == Some("l1")
    }),
    ("queueFirst", "queueFirst=1", |p| {
        p.identity.queue_first == Some(true)
    }),
    ("satDegree_A", "satDegree_A=false", |p| {
        p.identity.sat_degree_a == Some(false)
    }),
    ("enterprise_name", "enterprise_name=ACME", |p| {
        p.identity.enterprise_name.as_deref() == Some("ACME")
    }),
    (
        "summaryparams",
        r#"summaryparams={"summary":{"a":[1,2]}}"#,
        |p| p.identity.summaryparams.as_ref().unwrap()["summary"] == json!({"a": [1, 2]}),
    ),
    ("type", "type=4", |p| {
        p.reception.reception_type == Some(ReceptionType::AgentFirst)
    }),
    ("robotid", "robotid=2", |p| p.reception.robotid == Some(2)),
    ("agentid", "agentid=1q2w3e4r", |p| {
        p.reception.agentid.as_deref() == Some("1q2w3e4r")
    }),
    ("groupid", "groupid=4r3e2w1q", |p| {
        p.reception.groupid.as_deref() == Some("4r3e2w1q")
    }),
    ("faqid", "faqid=7", |p| p.reception.faqid == Some(7)),
    ("agent_mode_flag", "agent_mode_flag=1", |p| {
        p.reception.agent_mode_flag == Some(AgentOfflineMode::PromptOffline)
    }),
    (
        "transfer_action",
        r#"transfer_action=[{"actionType":"to_service","optionId":1,"deciId":"a1","spillId":2}]"#,
        |p| {
            p.reception.transfer_action.as_deref()
                == Some(
                    &[TransferAction {
                        action_type: ActionType::ToService,
                        deci_id: "a1".into(),
                        option_id: OverflowOption::AgentOverflow,
                        spill_id: Some(SpillCondition::AgentOccupied),
                    }][..],
                )
        },
    ),
    ("show_manual", "show_manual=1", |p| {
        p.reception.show_manual == Some(true)
    }),
    ("msg_flag", "msg_flag=1", |p| {
        p.features.msg_flag == Some(SubmissionEntry::Hidden)
    }),
    ("leave_msg_flag", "leave_msg_flag=0", |p| {
        p.features.leave_msg_flag == Some(false)
    }),
    ("feedback_flag", "feedback_flag=0", |p| {
        p.features.feedback_flag == Some(false)
    }),
    ("photo_flag", "photo_flag=0", |p| {
        p.features.photo_flag == Some(false)
    }),
    ("show_evaluate", "show_evaluate=0", |p| {
        p.features.show_evaluate == Some(false)
    }),
    ("guide_flag", "guide_flag=0", |p| {
        p.features.guide_flag == Some(false)
    }),
    ("to_customsys_flag", "to_customsys_flag=1", |p| {
        p.features.to_customsys_flag == Some(true)
    }),
    (
        "to_customsys_url",
        "to_customsys_url=https%3A%2F%2Fsg.sobot.io",
        |p| {
            p.features
                .to_customsys_url
                .as_ref()
                .and_then(Link::openable)
                == Some("https://sg.sobot.io")
        },
    ),
    (
        "to_customsys_open_style",
        "to_customsys_open_style=1",
        |p| p.features.to_customsys_open_style == Some(OpenStyle::NewPage),
    ),
    ("leave_customsys_flag", "leave_customsys_flag=1", |p| {
        p.features.leave_customsys_flag == Some(true)
    }),
    (
        "leave_customsys_url",
        "leave_customsys_url=https://x.io/leave",
        |p| p.features.leave_customsys_url.as_ref().map(Link::as_str) == Some("https://x.io/leave"),
    ),
    ("color", "color=04BABC", |p| {
        p.ui.color.map(Color::hex).as_deref() == Some("04babc")
    }),
    ("top_bar_flag", "top_bar_flag=1", |p| {
        p.ui.top_bar_flag == Some(true)
    }),
    ("title_flag", "title_flag=3", |p| {
        p.ui.title_flag == Some(TitleMode::AgentNickname)
    }),
    ("custom_title", "custom_title=Help", |p| {
        p.ui.custom_title.as_deref() == Some("Help")
    }),
    ("cut_flag", "cut_flag=hide", |p| {
        p.ui.cut_flag == Some(Visibility::Hidden)
    }),
    ("emoji_state", "emoji_state=hide", |p| {
        p.ui.emoji_state == Some(Visibility::Hidden)
    }),
    ("time", "time=15", |p| p.ui.time == Some(15)),
    ("source", "source=10", |p| {
        p.ui.source == Some(Source::WeChatMiniProgram)
    }),
    ("is_link", "is_link=0", |p| p.ui.is_link == Some(false)),
    ("show_face", "show_face=1", |p| p.ui.show_face == Some(true)),
    ("full", "full=1", |p| p.ui.full == Some(true)),
    ("debug", "debug=1", |p| p.ui.debug == Some(true)),
    ("robot_hello_word", "robot_hello_word=Hi", |p| {
        p.ui.robot_hello_word.as_deref() == Some("Hi")
    }),
    ("agent_hello_word", "agent_hello_word=Hello", |p| {
        p.ui.agent_hello_word.as_deref() == Some("Hello")
    }),
    ("agent_offline_title", "agent_offline_title=Away", |p| {
        p.ui.agent_offline_title.as_deref() == Some("Away")
    }),
    ("card_title", "card_title=Sobot", |p| {
        p.product_card.card_title.as_deref() == Some("Sobot")
    }),
    ("card_url", "card_url=http%253A%252F%252Fsg.sobot.io", |p| {
        p.product_card.card_url.as_ref().map(Link::as_str) == Some("http://sg.sobot.io")
    }),
    ("card_desc", "card_desc=Sobot%2COnline", |p| {
        p.product_card.card_desc.as_deref() == Some("Sobot,Online")
    }),
    ("card_note", "card_note=1500%2C2000", |p| {
        p.product_card.card_note.as_deref() == Some("1500,2000")
    }),
    (
        "card_picture",
        "card_picture=https://img.sobot.io/a.png",
        |p| {
            p.product_card.card_picture.as_ref().map(Link::as_str)
                == Some("https://img.sobot.io/a.png")
        },
    ),
    ("order_status", "order_status=7", |p| {
        p.order_card.order_status == Some(OrderStatus::Canceled)
    }),
    (
        "status_custom",
        "order_status=0&status_custom=Packed",
        |p| {
            p.order_card.order_status == Some(OrderStatus::Custom)
                && p.order_card.status_custom.as_deref() == Some("Packed")
        },
    ),
    ("create_time", "create_time=1586414406391", |p| {
        p.order_card.create_time == Some(1_586_414_406_391)
    }),
    ("order_code", "order_code=00121212", |p| {
        p.order_card.order_code.as_deref() == Some("00121212")
    }),
    ("order_url", "order_url=pages/order?id=1", |p| {
        let l = p.order_card.order_url.as_ref().unwrap();
        l.as_str() == "pages/order?id=1" && l.openable().is_none()
    }),
    ("goods_count", "goods_count=2", |p| {
        p.order_card.goods_count == Some(2)
    }),
    ("total_fee", "total_fee=1000", |p| {
        p.order_card.total_fee == Some(1000)
    }),
    ("goods", r#"goods=[{"name":"saaadad"}]"#, |p| {
        p.order_card.goods.as_deref()
            == Some(
                &[Goods {
                    name: Some("saaadad".into()),
                    picture_url: None,
                }][..],
            )
    }),
    ("anchor", "anchor=true", |p| p.panel.anchor == Some(true)),
    ("async", "async=1", |p| p.panel.async_load == Some(true)),
    ("manual", "manual=true", |p| p.panel.manual == Some(true)),
    ("custom", "custom=true", |p| p.panel.custom == Some(true)),
    ("location", "location=2", |p| {
        p.panel.location == Some(Location::BottomLeft)
    }),
    ("invite", "invite=1", |p| p.panel.invite == Some(true)),
    ("invite_flag", "invite_flag=true", |p| {
        p.panel.invite_flag == Some(true)
    }),
    ("tip_title", "tip_title=Welcome", |p| {
        p.panel.tip_title.as_deref() == Some("Welcome")
    }),
    ("submit_title", "submit_title=Chat", |p| {
        p.panel.submit_title.as_deref() == Some("Chat")
    }),
    ("first_timeout", "first_timeout=2", |p| {
        p.panel.first_timeout == Some(2)
    }),
    ("over_timeout", "over_timeout=10", |p| {
        p.panel.over_timeout == Some(10)
    }),
    ("invite_count", "invite_count=5", |p| {
        p.panel.invite_count == Some(5)
    }),
    (
        "invite_imgsrc",
        "invite_imgsrc=https://x.io/logo.png",
        |p| p.panel.invite_imgsrc.is_some(),
    ),
    (
        "container_style",
        "container_style=border-radius%3A8px",
        |p| p.panel.container_style.as_deref() == Some("border-radius:8px"),
    ),
    ("width", "width=400", |p| {
        p.panel.width.as_deref() == Some("400px")
    }),
    ("height", "height=80%25", |p| {
        p.panel.height.as_deref() == Some("80%")
    }),
    ("expand_size", "expand_size=half", |p| {
        p.panel.expand_size == Some(ExpandSize::Half)
    }),
    ("gif", "gif=1", |p| p.panel.gif == Some(true)),
    ("auto_expand", "auto_expand=true", |p| {
        p.panel.auto_expand == Some(true)
    }),
    ("end_of_close", "end_of_close=false", |p| {
        p.panel.end_of_close == Some(false)
    }),
    ("dragging", "dragging=true", |p| {
        p.panel.dragging == Some(true)
    }),
    ("refresh", "refresh=true", |p| p.panel.refresh == Some(true)),
    ("reload", "reload=true", |p| p.panel.reload == Some(true)),
    ("man_trace", "man_trace=true", |p| {
        p.trace.man_trace == Some(true)
    }),
    ("pre_abstract", "pre_abstract=d", |p| {
        p.trace.pre.page_abstract.as_deref() == Some("d")
    }),
    ("pre_visit_url", "pre_visit_url=https://a.io", |p| {
        p.trace.pre.visit_url.is_some()
    }),
    ("pre_visit_title", "pre_visit_title=A", |p| {
        p.trace.pre.visit_title.as_deref() == Some("A")
    }),
    ("pre_thumbnail", "pre_thumbnail=https://a.io/t.png", |p| {
        p.trace.pre.thumbnail.is_some()
    }),
    ("pre_tags", "pre_tags=x", |p| {
        p.trace.pre.tags.as_deref() == Some("x")
    }),
    ("cur_abstract", "cur_abstract=d", |p| {
        p.trace.cur.page_abstract.as_deref() == Some("d")
    }),
    ("cur_visit_url", "cur_visit_url=https://b.io", |p| {
        p.trace.cur.visit_url.is_some()
    }),
    ("cur_visit_title", "cur_visit_title=B", |p| {
        p.trace.cur.visit_title.as_deref() == Some("B")
    }),
    ("cur_thumbnail", "cur_thumbnail=https://b.io/t.png", |p| {
        p.trace.cur.thumbnail.is_some()
    }),
    ("cur_tags", "cur_tags=y", |p| {
        p.trace.cur.tags.as_deref() == Some("y")
    }),
    (
        "pre_visit_args",
        r#"pre_visit_args={"pre_visit_title":"Home"}"#,
        |p| p.trace.pre.visit_title.as_deref() == Some("Home"),
    ),
    (
        "cur_visit_args",
        r#"cur_visit_args={"cur_tags":"shoes"}"#,
        |p| p.trace.cur.tags.as_deref() == Some("shoes"),
    ),
    ("platformUnionCode", "platformUnionCode=p1", |p| {
        p.ecommerce.platform_union_code.as_deref() == Some("p1")
    }),
    ("flowType", "flowType=3", |p| {
        p.ecommerce.flow_type == Some(FlowType::WhenOffline)
    }),
    ("flowCompanyId", "flowCompanyId=c1", |p| {
        p.ecommerce.flow_company_id.as_deref() == Some("c1")
    }),
    ("flowGroupId", "flowGroupId=g1", |p| {
        p.ecommerce.flow_group_id.as_deref() == Some("g1")
    }),
    ("sign", "sign=874b6f9d7926ddb84da11bf93b0ef169", |p| {
        p.security.sign.is_some()
    }),
    ("token", "token=59a3d022993e4632bafd4f59a0f13604", |p| {
        p.security.token.is_some()
    }),
    ("uid", "uid=u9", |p| {
        p.leave_message.uid.as_deref() == Some("u9")
    }),
    ("templateid", "templateid=t1", |p| {
        p.leave_message.templateid.as_deref() == Some("t1")
    }),
    ("t", "t=1586414406", |p| {
        p.leave_message.t.as_deref() == Some("1586414406")
    }),
    ("deployId", "deployId=84a3", |p| {
        p.ticket.deploy_id.as_deref() == Some("84a3")
    }),
    ("paramUnionId", "paramUnionId=yuzuu-RVVVB-www", |p| {
        p.ticket.param_union_id.as_deref() == Some("yuzuu-RVVVB-www")
    }),
    ("wxExternalUserIds", "wxExternalUserIds=w1", |p| {
        p.ticket.wx_external_user_ids.is_some()
    }),
    ("wxOpenIds", "wxOpenIds=o1", |p| {
        p.ticket.wx_open_ids.is_some()
    }),
    ("whatsappIds", "whatsappIds=8613", |p| {
        p.ticket.whatsapp_ids.is_some()
    }),
    ("instagramIds", "instagramIds=i1", |p| {
        p.ticket.instagram_ids.is_some()
    }),
    ("faceBookIds", "faceBookIds=f1", |p| {
        p.ticket.face_book_ids.is_some()
    }),
    ("lineIds", "lineIds=l1", |p| p.ticket.line_ids.is_some()),
    ("telegramIds", "telegramIds=t1", |p| {
        p.ticket.telegram_ids.is_some()
    }),
    ("discordIds", "discordIds=d1", |p| {
        p.ticket.discord_ids.is_some()
    }),
];

/// The zc form of a query: the same pairs as a JSON object of strings.
pub fn as_json(query: &str) -> Value {
    let object: serde_json::Map<String, Value> = split_query(query)
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    Value::Object(object)
}
