//! The groups of parameters that make up [`super::ChatParams`].
//!
//! Every field is an `Option` (or an empty collection) so that precedence can tell "not
//! given by the link" from "given": only given values override the tenant's settings.
//! Field names are the spec's parameter names in snake case; where a name is a Rust
//! keyword or the spec's spelling is camel case, the field's doc names the parameter.

use super::types::{
    ActionType, AgentOfflineMode, Color, ExpandSize, FlowType, Link, Location, OpenStyle,
    OrderStatus, OverflowOption, ReceptionType, Source, SpillCondition, SubmissionEntry, TitleMode,
    Visibility,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A JSON object passed as a string (`params`, `customer_fields`), flattened to text.
///
/// Values are kept as text because the workbench shows them as text: strings as they
/// are, numbers and booleans written out, nested arrays or objects as compact JSON.
/// Sorted by key; the spec gives the order no meaning.
pub type FieldMap = BTreeMap<String, String>;

/// A JSON object kept with its structure (`summaryparams`, whose shape the spec leaves
/// open, so nothing is flattened or lost). Numbers go through serde_json's `f64`, so an
/// extreme float may come back one unit in the last place off after a text round trip.
pub type JsonObject = serde_json::Map<String, serde_json::Value>;

/// Who the visitor is: the spec's "User Identity and Profile Fields" (CRM docking).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    /// `partnerid` (or the ticket plug-in's `partnerId`): the site's own user id, at most
    /// 300 characters; it is also the value signed by `sign`.
    pub partnerid: Option<String>,
    /// `uname`: nickname.
    pub uname: Option<String>,
    /// `realname`: real name.
    pub realname: Option<String>,
    /// `email`: e-mail address (also a ticket plug-in identity field).
    pub email: Option<String>,
    /// `tel`: phone number (also a ticket plug-in identity field).
    pub tel: Option<String>,
    /// `face`: the visitor's avatar.
    pub face: Option<Link>,
    /// `qq`: QQ number.
    pub qq: Option<String>,
    /// `remark`: a note for agents.
    pub remark: Option<String>,
    /// `params`: free custom fields shown in the workbench (a JSON object given as a
    /// string). On the ticket plug-in page the same parameter carries ticket docking
    /// fields such as `card_title`.
    pub params: Option<FieldMap>,
    /// `customer_fields`: custom fields declared in the backend (a JSON object string).
    pub customer_fields: Option<FieldMap>,
    /// `is_vip`: whether the visitor is a VIP (`1`) or a general customer (`0`).
    pub is_vip: Option<bool>,
    /// `vip_level`: the id or parameter name of the VIP level.
    pub vip_level: Option<String>,
    /// `user_label`: the id or parameter name of the customer tag.
    pub user_label: Option<String>,
    /// `queueFirst`: whether the visitor is a designated "first in queue" customer.
    pub queue_first: Option<bool>,
    /// `satDegree_A`: whether the visitor may evaluate on their own after the agent ends
    /// the chat.
    pub sat_degree_a: Option<bool>,
    /// `enterprise_name`: the visitor's company name.
    pub enterprise_name: Option<String>,
    /// `summaryparams`: pre-filled service summary fields (a JSON object).
    pub summaryparams: Option<JsonObject>,
}

/// Who answers the visitor: the reception mode and routing parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Reception {
    /// `type`: bot only, agent only, bot first or agent first.
    pub reception_type: Option<ReceptionType>,
    /// `robotid`: which bot answers (multi-bot tenants).
    pub robotid: Option<u64>,
    /// `agentid`: a designated agent.
    pub agentid: Option<String>,
    /// `groupid`: the skill group (also used by the leave-message page).
    pub groupid: Option<String>,
    /// `faqid`: the FAQ group of the designated bot.
    pub faqid: Option<u64>,
    /// `agent_mode_flag`: what happens when the designated agent is offline.
    pub agent_mode_flag: Option<AgentOfflineMode>,
    /// `transfer_action`: the intelligent-routing chain; each step overflows to the next.
    pub transfer_action: Option<Vec<TransferAction>>,
    /// `show_manual`: whether the transfer-to-agent button is delayed after unknown
    /// questions (the number of unknown answers is a backend setting).
    pub show_manual: Option<bool>,
}

/// One step of `transfer_action`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferAction {
    /// `actionType`: a skill group or an agent.
    pub action_type: ActionType,
    /// `deciId`: the id of that skill group or agent.
    pub deci_id: String,
    /// `optionId`: whether this step overflows to the next one.
    pub option_id: OverflowOption,
    /// `spillId`: when it overflows (optional; only meaningful with an overflow option).
    pub spill_id: Option<SpillCondition>,
}

/// Features of the chat page that a link switches on or off.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Features {
    /// `msg_flag`: the submission entry when a chat ends (see [`SubmissionEntry`] for
    /// the spec's contradictory spellings and how they are read).
    pub msg_flag: Option<SubmissionEntry>,
    /// `leave_msg_flag`: the submission button in the input area.
    pub leave_msg_flag: Option<bool>,
    /// `feedback_flag`: the evaluation button.
    pub feedback_flag: Option<bool>,
    /// `photo_flag`: the upload-attachment button (H5).
    pub photo_flag: Option<bool>,
    /// `show_evaluate`: whether closing the chat asks for an evaluation.
    pub show_evaluate: Option<bool>,
    /// `guide_flag`: bot guided questions.
    pub guide_flag: Option<bool>,
    /// `to_customsys_flag`: whether transfer-to-agent jumps to a third-party page.
    pub to_customsys_flag: Option<bool>,
    /// `to_customsys_url`: that third-party page.
    pub to_customsys_url: Option<Link>,
    /// `to_customsys_open_style`: whether that page opens in a new page.
    pub to_customsys_open_style: Option<OpenStyle>,
    /// `leave_customsys_flag`: whether the submission goes to a third-party system (H5).
    pub leave_customsys_flag: Option<bool>,
    /// `leave_customsys_url`: that third-party submission page (H5).
    pub leave_customsys_url: Option<Link>,
}

/// How the chat page looks and what it says.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ui {
    /// `color`: the theme colour.
    pub color: Option<Color>,
    /// `top_bar_flag`: whether the H5/PC page shows its top return bar.
    pub top_bar_flag: Option<bool>,
    /// `title_flag`: what that bar shows.
    pub title_flag: Option<TitleMode>,
    /// `custom_title`: the bar's fixed text with `title_flag=2` (cut to 30 characters
    /// then, as the spec allows 1 to 30), otherwise the page title.
    pub custom_title: Option<String>,
    /// `cut_flag`: the PC screenshot tool (`hide` hides it).
    pub cut_flag: Option<Visibility>,
    /// `emoji_state`: the emoji button after transfer to an agent (`hide` hides it).
    pub emoji_state: Option<Visibility>,
    /// `time`: how many minutes of chat history the visitor sees (10 to 2880).
    pub time: Option<u64>,
    /// `source`: the visitor's channel.
    pub source: Option<Source>,
    /// `is_link`: whether links in messages may be followed (`0` forbids it).
    pub is_link: Option<bool>,
    /// `show_face`: whether avatars are shown (H5).
    pub show_face: Option<bool>,
    /// `full`: whether the chat window fills the whole page.
    pub full: Option<bool>,
    /// `robot_hello_word`: the bot's greeting.
    pub robot_hello_word: Option<String>,
    /// `agent_hello_word`: the agents' greeting.
    pub agent_hello_word: Option<String>,
    /// `agent_offline_title`: the notice shown when no agent is online.
    pub agent_offline_title: Option<String>,
    /// `debug` (a Parley extension, not in the spec): show integrators a panel of the
    /// parsed parameters and of every rejected one with its reason.
    pub debug: Option<bool>,
}

/// The product card ("Message Fields" / "Product Card"), H5 only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProductCard {
    /// `card_title`: the product title; the card is shown only when it is given.
    pub card_title: Option<String>,
    /// `card_url`: a web link (openable only when http/https) or a mini-program path.
    pub card_url: Option<Link>,
    /// `card_desc`: the description.
    pub card_desc: Option<String>,
    /// `card_note`: the tag, e.g. a price.
    pub card_note: Option<String>,
    /// `card_picture`: the thumbnail.
    pub card_picture: Option<Link>,
}

impl ProductCard {
    /// Whether the card can be shown: the spec makes `card_title` required.
    pub fn is_complete(&self) -> bool {
        self.card_title.is_some()
    }
}

/// The order card, H5 only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderCard {
    /// `order_status`.
    pub order_status: Option<OrderStatus>,
    /// `status_custom`: the status label, kept only with `order_status=0` (the spec uses
    /// it for nothing else).
    pub status_custom: Option<String>,
    /// `create_time`: creation time in milliseconds since the epoch.
    pub create_time: Option<u64>,
    /// `order_code`: the order number. The spec types it both Number and String, and
    /// order numbers may have leading zeros, so it is kept as text.
    pub order_code: Option<String>,
    /// `order_url`: a web link (openable only when http/https) or a mini-program path.
    pub order_url: Option<Link>,
    /// `goods_count`: number of products.
    pub goods_count: Option<u64>,
    /// `total_fee`: the amount in cents (`1000` is 10.00); decimals are rejected.
    pub total_fee: Option<u64>,
    /// `goods`: the products (a JSON array, given raw or as a string).
    pub goods: Option<Vec<Goods>>,
}

/// One entry of the order card's `goods`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goods {
    /// `name`: product name.
    pub name: Option<String>,
    /// `pictureUrl`: product image.
    pub picture_url: Option<Link>,
}

/// How the embedded component behaves on the host page (the loader's parameters,
/// "Component" in the spec's Applicable Range, plus invitations).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Panel {
    /// `anchor`: open the chat in a new window instead of the floating frame.
    pub anchor: Option<bool>,
    /// `async`: load the component automatically when the page loads.
    pub async_load: Option<bool>,
    /// `manual`: initialise only on `zc("frame_manual")`.
    pub manual: Option<bool>,
    /// `custom`: use the site's own button (class `zhiCustomBtn`) instead of the launcher.
    pub custom: Option<bool>,
    /// `location`: where the launcher sits.
    pub location: Option<Location>,
    /// `invite`: automatic invitation pop-ups.
    pub invite: Option<bool>,
    /// `invite_flag`: `true` makes the page's visitors invitable by agents (they are
    /// listed while on it). The spec's text wins over its comment ("true Disable, and
    /// enable by default"), which contradicts it: "add this API … so agents can manually
    /// invite users", "enable this function on some key pages … to avoid … all website
    /// visitors entering the invitation list". Off unless the page or the backend says so.
    pub invite_flag: Option<bool>,
    /// `tip_title`: the invitation text.
    pub tip_title: Option<String>,
    /// `submit_title`: the accept-invitation button text.
    pub submit_title: Option<String>,
    /// `first_timeout`: seconds before the first invitation.
    pub first_timeout: Option<u64>,
    /// `over_timeout`: seconds before inviting again after a refusal.
    pub over_timeout: Option<u64>,
    /// `invite_count`: invitations per day at most.
    pub invite_count: Option<u64>,
    /// `invite_imgsrc`: the invitation pop-up's logo.
    pub invite_imgsrc: Option<Link>,
    /// `container_style`: extra CSS declarations for the PC chat frame; text that could
    /// leave a declaration list (`<`, `>`, `{`, `}`, `\`, `@`) is rejected.
    pub container_style: Option<String>,
    /// `width`: the PC chat frame's width as a CSS length (a bare number means pixels
    /// and is stored with `px`).
    pub width: Option<String>,
    /// `height`: the PC chat frame's height, like `width`.
    pub height: Option<String>,
    /// `expand_size`: the H5 pop-up height.
    pub expand_size: Option<ExpandSize>,
    /// `gif`: an animated launcher icon.
    pub gif: Option<bool>,
    /// `auto_expand`: open the chat automatically when the page loads.
    pub auto_expand: Option<bool>,
    /// `end_of_close`: close the PC window when the chat ends.
    pub end_of_close: Option<bool>,
    /// `dragging`: let the visitor drag the PC window.
    pub dragging: Option<bool>,
    /// `refresh`: refresh the chat each time it is expanded.
    pub refresh: Option<bool>,
    /// `reload`: reload the chat page each time it is expanded.
    pub reload: Option<bool>,
}

/// Browsing-track collection ("Website Access Statistics").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// `man_trace`: collect the visitor's browsing track.
    pub man_trace: Option<bool>,
    /// The source page: `pre_visit_args` or the flat `pre_*` parameters.
    pub pre: PageTrace,
    /// The current page: `cur_visit_args` or the flat `cur_*` parameters.
    pub cur: PageTrace,
}

/// One page of a browsing track. The flat parameters (`pre_abstract`, ...) win over the
/// same field inside `pre_visit_args` / `cur_visit_args` when both are given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageTrace {
    /// `pre_abstract` / `cur_abstract`: the page digest.
    pub page_abstract: Option<String>,
    /// `pre_visit_url` / `cur_visit_url`: the page URL.
    pub visit_url: Option<Link>,
    /// `pre_visit_title` / `cur_visit_title`: the page title.
    pub visit_title: Option<String>,
    /// `pre_thumbnail` / `cur_thumbnail`: the page thumbnail.
    pub thumbnail: Option<Link>,
    /// `pre_tags` / `cur_tags`: the page tags.
    pub tags: Option<String>,
}

impl PageTrace {
    /// Whether nothing was given for this page.
    pub fn is_empty(&self) -> bool {
        *self == PageTrace::default()
    }
}

/// E-commerce platform docking.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ecommerce {
    /// `platformUnionCode`: the platform id.
    pub platform_union_code: Option<String>,
    /// `flowType`: the overflow switch.
    pub flow_type: Option<FlowType>,
    /// `flowCompanyId`: the company to overflow to.
    pub flow_company_id: Option<String>,
    /// `flowGroupId`: the skill group of that company to overflow to.
    pub flow_group_id: Option<String>,
}

/// Credentials a link carries. Whether they are required is a backend setting only
/// (see [`super::SecurityPolicy`]); a link can present them but never waive them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Security {
    /// `sign`: `MD5(sysnum + key + partnerid)` as lower- or upper-case hex.
    pub sign: Option<String>,
    /// `token`: a token obtained from `POST /api/page/token`.
    pub token: Option<String>,
}

/// Parameters of the independent leave-message (submission) page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LeaveMessage {
    /// `uid`: the CRM user id (the `userid` of the customer-info API).
    pub uid: Option<String>,
    /// `templateid`: the submission template.
    pub templateid: Option<String>,
    /// `t`: passed through as given (the spec shows it only as `t=xxx`).
    pub t: Option<String>,
}

/// The ticket plug-in's customer identification fields (`sysNum`, `partnerId`, `tel`
/// and `email` are read into `sysnum` and [`Identity`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TicketIdentity {
    /// `deployId`: the plug-in deployment.
    pub deploy_id: Option<String>,
    /// `paramUnionId`: WeChat UnionID.
    pub param_union_id: Option<String>,
    /// `wxExternalUserIds`: WeCom external contact id(s), passed through as given.
    pub wx_external_user_ids: Option<String>,
    /// `wxOpenIds`: WeChat OpenID(s).
    pub wx_open_ids: Option<String>,
    /// `whatsappIds`: WhatsApp id(s).
    pub whatsapp_ids: Option<String>,
    /// `instagramIds`: Instagram id(s).
    pub instagram_ids: Option<String>,
    /// `faceBookIds`: Facebook id(s).
    pub face_book_ids: Option<String>,
    /// `lineIds`: Line id(s).
    pub line_ids: Option<String>,
    /// `telegramIds`: Telegram id(s).
    pub telegram_ids: Option<String>,
    /// `discordIds`: Discord id(s).
    pub discord_ids: Option<String>,
}
