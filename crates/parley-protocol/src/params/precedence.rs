//! Precedence, as a pure function: link / zc parameters > the tenant's backend settings >
//! built-in defaults (the spec's first rule: "Web-JS Code settings > Manage background
//! settings").
//!
//! Security settings are the exception: they come from the backend only. A link that
//! could switch off `sign_required` would make signing pointless, so [`ChatParams`] has
//! no field that [`effective`] reads into [`SecurityPolicy`], and a link parameter
//! named like a security setting is just an unknown parameter.

use super::groups::TransferAction;
use super::types::{
    AgentOfflineMode, Color, ExpandSize, Location, ReceptionType, SubmissionEntry, TitleMode,
    Visibility,
};
use super::ChatParams;
use crate::Locale;
use serde::{Deserialize, Serialize};

/// Backend-only security settings of a tenant.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityPolicy {
    /// "Security Key - Sign Encryption": visitors must bring `partnerid` and a valid
    /// `sign`.
    pub sign_required: bool,
    /// "Security Key - Token Encryption": visitors must bring a valid `token`.
    pub token_required: bool,
    /// Origins allowed to embed the chat (`frame-ancestors`, `postMessage` checks);
    /// empty means the chat's own origin only.
    pub allowed_origins: Vec<String>,
}

/// The tenant's backend settings. `None` means "not set in the backend": the built-in
/// default applies. Only the security policy has no link counterpart.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BackendSettings {
    /// Default visitor language.
    pub locale: Option<Locale>,
    /// Theme colour.
    pub color: Option<Color>,
    /// Reception mode.
    pub reception_type: Option<ReceptionType>,
    /// Default bot.
    pub robotid: Option<u64>,
    /// Default skill group.
    pub groupid: Option<String>,
    /// Delay the transfer button after unknown questions.
    pub show_manual: Option<bool>,
    /// Submission entry when a chat ends.
    pub msg_flag: Option<SubmissionEntry>,
    /// Submission button in the input area.
    pub leave_msg_flag: Option<bool>,
    /// Evaluation button.
    pub feedback_flag: Option<bool>,
    /// Upload-attachment button.
    pub photo_flag: Option<bool>,
    /// Evaluation when closing.
    pub show_evaluate: Option<bool>,
    /// Bot guided questions.
    pub guide_flag: Option<bool>,
    /// Minutes of visible chat history.
    pub time: Option<u64>,
    /// Launcher position.
    pub location: Option<Location>,
    /// What the top bar shows.
    pub title_flag: Option<TitleMode>,
    /// Top return bar.
    pub top_bar_flag: Option<bool>,
    /// Whether links in messages can be followed.
    pub is_link: Option<bool>,
    /// Avatars.
    pub show_face: Option<bool>,
    /// What happens when a designated agent is offline.
    pub agent_mode_flag: Option<AgentOfflineMode>,
    /// Bot greeting.
    pub robot_hello_word: Option<String>,
    /// Agent greeting.
    pub agent_hello_word: Option<String>,
    /// Notice when no agent is online.
    pub agent_offline_title: Option<String>,
    /// Browsing-track collection ("Enable in the backend").
    pub man_trace: Option<bool>,
    /// Proactive invitations by agents.
    pub agent_invite: Option<bool>,
    /// A sound and a flashing title when an agent writes while the chat's tab is hidden
    /// (Parley's own setting; no link parameter).
    pub new_message_alert: Option<bool>,
    /// The security policy; links cannot override any of it.
    pub security: SecurityPolicy,
}

/// The settings a chat actually runs with: every value concrete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EffectiveSettings {
    /// Visitor language.
    pub locale: Locale,
    /// Theme colour.
    pub color: Color,
    /// Reception mode.
    pub reception_type: ReceptionType,
    /// The bot to use; `None` means the tenant's only or first bot.
    pub robotid: Option<u64>,
    /// FAQ group of the bot, link only.
    pub faqid: Option<u64>,
    /// Designated agent, link only.
    pub agentid: Option<String>,
    /// Skill group; `None` lets the visitor pick when the tenant has several.
    pub groupid: Option<String>,
    /// What happens when the designated agent is offline.
    pub agent_mode_flag: AgentOfflineMode,
    /// Overflow chain, link only; empty means ordinary routing.
    pub transfer_action: Vec<TransferAction>,
    /// Delay the transfer button after unknown questions.
    pub show_manual: bool,
    /// Submission entry when a chat ends.
    pub msg_flag: SubmissionEntry,
    /// Submission button in the input area.
    pub leave_msg_flag: bool,
    /// Evaluation button.
    pub feedback_flag: bool,
    /// Upload-attachment button.
    pub photo_flag: bool,
    /// Evaluation when closing.
    pub show_evaluate: bool,
    /// Bot guided questions.
    pub guide_flag: bool,
    /// Minutes of visible chat history (10 to 2880).
    pub time: u64,
    /// Launcher position.
    pub location: Location,
    /// What the top bar shows.
    pub title_flag: TitleMode,
    /// Top return bar.
    pub top_bar_flag: bool,
    /// Whether links in messages can be followed.
    pub is_link: bool,
    /// Avatars.
    pub show_face: bool,
    /// Screenshot tool.
    pub cut_flag: Visibility,
    /// Emoji button after transfer.
    pub emoji_state: Visibility,
    /// H5 pop-up height.
    pub expand_size: ExpandSize,
    /// Bot greeting; `None` uses the localized built-in text.
    pub robot_hello_word: Option<String>,
    /// Agent greeting; `None` uses the localized built-in text.
    pub agent_hello_word: Option<String>,
    /// Offline notice; `None` uses the localized built-in text.
    pub agent_offline_title: Option<String>,
    /// Browsing-track collection.
    pub man_trace: bool,
    /// Proactive invitations by agents: `invite_flag: true` (or the backend's
    /// "Proactive Chat Invitation") turns them on; off by default (see
    /// `Panel::invite_flag`).
    pub agent_invite: bool,
    /// A sound and a flashing title when an agent writes while the tab is hidden
    /// (backend only; on by default).
    #[serde(default = "on")]
    pub new_message_alert: bool,
    /// The backend's security policy, never influenced by the link.
    pub security: SecurityPolicy,
}

fn on() -> bool {
    true
}

impl Default for EffectiveSettings {
    /// The built-in defaults, taken from the spec where it states one: Simplified
    /// Chinese, bottom-right launcher, links followable, full-screen H5 pop-up, every
    /// feature button on, the widest history window (2880 minutes), bot-first reception.
    fn default() -> EffectiveSettings {
        EffectiveSettings {
            locale: Locale::Zh,
            color: Color::rgb(0x04, 0xba, 0xbc),
            reception_type: ReceptionType::BotFirst,
            robotid: None,
            faqid: None,
            agentid: None,
            groupid: None,
            agent_mode_flag: AgentOfflineMode::TransferToOthers,
            transfer_action: Vec::new(),
            show_manual: false,
            msg_flag: SubmissionEntry::Shown,
            leave_msg_flag: true,
            feedback_flag: true,
            photo_flag: true,
            show_evaluate: true,
            guide_flag: true,
            time: 2880,
            location: Location::BottomRight,
            title_flag: TitleMode::EnterpriseName,
            top_bar_flag: true,
            is_link: true,
            show_face: false,
            cut_flag: Visibility::Shown,
            emoji_state: Visibility::Shown,
            expand_size: ExpandSize::Full,
            robot_hello_word: None,
            agent_hello_word: None,
            agent_offline_title: None,
            man_trace: false,
            agent_invite: false,
            new_message_alert: true,
            security: SecurityPolicy::default(),
        }
    }
}

/// Computes the settings a chat runs with: each value from the link / zc parameters
/// when given, else from the backend when set, else the built-in default
/// ([`EffectiveSettings::default`]). The security policy is copied from the backend
/// unchanged, whatever the parameters say.
pub fn effective(params: &ChatParams, backend: &BackendSettings) -> EffectiveSettings {
    let d = EffectiveSettings::default();
    let (r, f, u) = (&params.reception, &params.features, &params.ui);
    EffectiveSettings {
        locale: params.locale.or(backend.locale).unwrap_or(d.locale),
        color: u.color.or(backend.color).unwrap_or(d.color),
        reception_type: r
            .reception_type
            .or(backend.reception_type)
            .unwrap_or(d.reception_type),
        robotid: r.robotid.or(backend.robotid),
        faqid: r.faqid,
        agentid: r.agentid.clone(),
        groupid: r.groupid.clone().or_else(|| backend.groupid.clone()),
        agent_mode_flag: r
            .agent_mode_flag
            .or(backend.agent_mode_flag)
            .unwrap_or(d.agent_mode_flag),
        transfer_action: r.transfer_action.clone().unwrap_or_default(),
        show_manual: r
            .show_manual
            .or(backend.show_manual)
            .unwrap_or(d.show_manual),
        msg_flag: f.msg_flag.or(backend.msg_flag).unwrap_or(d.msg_flag),
        leave_msg_flag: f
            .leave_msg_flag
            .or(backend.leave_msg_flag)
            .unwrap_or(d.leave_msg_flag),
        feedback_flag: f
            .feedback_flag
            .or(backend.feedback_flag)
            .unwrap_or(d.feedback_flag),
        photo_flag: f.photo_flag.or(backend.photo_flag).unwrap_or(d.photo_flag),
        show_evaluate: f
            .show_evaluate
            .or(backend.show_evaluate)
            .unwrap_or(d.show_evaluate),
        guide_flag: f.guide_flag.or(backend.guide_flag).unwrap_or(d.guide_flag),
        time: u
            .time
            .or(backend.time.filter(|t| (10..=2880).contains(t)))
            .unwrap_or(d.time),
        location: params
            .panel
            .location
            .or(backend.location)
            .unwrap_or(d.location),
        title_flag: u.title_flag.or(backend.title_flag).unwrap_or(d.title_flag),
        top_bar_flag: u
            .top_bar_flag
            .or(backend.top_bar_flag)
            .unwrap_or(d.top_bar_flag),
        is_link: u.is_link.or(backend.is_link).unwrap_or(d.is_link),
        show_face: u.show_face.or(backend.show_face).unwrap_or(d.show_face),
        cut_flag: u.cut_flag.unwrap_or(d.cut_flag),
        emoji_state: u.emoji_state.unwrap_or(d.emoji_state),
        expand_size: params.panel.expand_size.unwrap_or(d.expand_size),
        robot_hello_word: u
            .robot_hello_word
            .clone()
            .or_else(|| backend.robot_hello_word.clone()),
        agent_hello_word: u
            .agent_hello_word
            .clone()
            .or_else(|| backend.agent_hello_word.clone()),
        agent_offline_title: u
            .agent_offline_title
            .clone()
            .or_else(|| backend.agent_offline_title.clone()),
        man_trace: params
            .trace
            .man_trace
            .or(backend.man_trace)
            .unwrap_or(d.man_trace),
        agent_invite: params
            .panel
            .invite_flag
            .or(backend.agent_invite)
            .unwrap_or(d.agent_invite),
        new_message_alert: backend.new_message_alert.unwrap_or(d.new_message_alert),
        security: backend.security.clone(),
    }
}
