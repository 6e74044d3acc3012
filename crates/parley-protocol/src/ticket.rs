//! Leave-message (ticket) wire types and the field validation both sides run.
//!
//! The visitor's form validates with [`validate_form`] before sending, so the visitor
//! sees a localized message at once; the server runs the very same function again and
//! answers with the same [`FieldProblem`] codes, which the client localizes the same
//! way. Attachment content (magic bytes) is checked on the server only.

use crate::params::FieldMap;
use crate::{Locale, ParamIssue};
use serde::{Deserialize, Serialize};

/// Longest text field value, in characters.
pub const MAX_TEXT_CHARS: usize = 200;
/// Longest textarea field value, and longest message body, in characters.
pub const MAX_TEXTAREA_CHARS: usize = 3000;
/// Longest agent reply, in characters.
pub const MAX_REPLY_CHARS: usize = 5000;
/// Longest attachment file name, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 200;
/// The most attachments any template may allow.
pub const MAX_ATTACHMENTS: u32 = 10;
/// The largest attachment any template may allow, in bytes.
pub const MAX_ATTACHMENT_BYTES: u64 = 10 * 1024 * 1024;

/// The kind of input a template field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// Several lines of text.
    Textarea,
    /// One of the field's options.
    Select,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// A decimal number.
    Number,
}

/// Whether the form shows the phone or e-mail input, and whether it must be filled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactRule {
    /// Not shown, and a value sent anyway is refused.
    #[default]
    Hidden,
    /// Shown, may stay empty.
    Optional,
    /// Shown and must be filled.
    Required,
}

/// One custom field of a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateField {
    /// The key the submission uses.
    pub key: String,
    /// The label the form shows (the tenant's text).
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
    /// The choices of a `select` field; empty for the others.
    #[serde(default)]
    pub options: Vec<String>,
}

/// The families of files a template accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileFamily {
    /// PNG, JPEG, GIF, WebP, BMP.
    Image,
    /// PDF.
    Pdf,
    /// Word, Excel and PowerPoint (OOXML and the old OLE formats).
    Office,
    /// Plain text and CSV.
    Text,
    /// ZIP archives.
    Archive,
}

/// The attachment limits of a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentRules {
    /// How many files; 0 hides the attachment input.
    pub max_count: u32,
    /// The largest file, in bytes.
    pub max_bytes: u64,
    /// Which kinds of files.
    pub families: Vec<FileFamily>,
}

impl AttachmentRules {
    /// The `accept` attribute for a file input (MIME types and extensions).
    pub fn accept(&self) -> String {
        let mut out: Vec<&str> = Vec::new();
        for f in &self.families {
            out.extend_from_slice(match f {
                FileFamily::Image => &[
                    "image/png",
                    "image/jpeg",
                    "image/gif",
                    "image/webp",
                    "image/bmp",
                ],
                FileFamily::Pdf => &["application/pdf", ".pdf"],
                FileFamily::Office => &[".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx"],
                FileFamily::Text => &["text/plain", "text/csv", ".txt", ".csv"],
                FileFamily::Archive => &["application/zip", ".zip"],
            });
        }
        out.join(",")
    }
}

/// A template as the form shows it, in the page's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateView {
    pub id: String,
    pub name: String,
    /// The tenant's guidance text above the form, in the page's language (may be empty).
    pub guidance: String,
    /// Whether the message body must be filled.
    pub content_required: bool,
    pub fields: Vec<TemplateField>,
    pub tel: ContactRule,
    pub email: ContactRule,
    pub attachments: AttachmentRules,
}

/// `POST /api/ticket/session`: the leave-message or ticket plug-in page starts.
///
/// Like chat init, the page sends its raw query string and the server re-parses it; the
/// same sign and token rules admit the visitor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketSessionRequest {
    pub query: String,
    /// The anonymous visitor id this browser keeps, if any (`uid` in the link wins).
    #[serde(default)]
    pub visitor_id: Option<String>,
}

/// The answer to [`TicketSessionRequest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketSessionResponse {
    /// Bearer token for the other `/api/ticket/*` calls, bound to this visitor.
    pub session_token: String,
    pub visitor_id: String,
    pub company_name: String,
    pub locale: Locale,
    pub template: TemplateView,
    /// The link's `groupid` when the tenant has that group.
    pub group_id: Option<String>,
    /// When the link asks for a third-party form (`leave_customsys_flag=1` with an
    /// openable `leave_customsys_url`): where to go instead.
    pub redirect: Option<String>,
    /// Docking fields (`params` on the ticket plug-in page) the ticket will carry.
    pub docking: FieldMap,
    /// Parameters dropped, with reasons: bad link parameters and undeclared docking
    /// fields (`params.<key>`).
    pub issues: Vec<ParamIssue>,
}

/// One file the visitor attaches, as base64 (the browser's `readAsDataURL` output, with
/// or without its `data:…;base64,` prefix).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAttachment {
    pub name: String,
    /// The type the browser claims (`File.type`); the server checks it against the
    /// content.
    pub content_type: String,
    pub data_base64: String,
}

/// `POST /api/ticket/submit`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitTicket {
    /// The page's raw query string: the server re-reads `templateid`, `groupid`,
    /// `params` and the CRM fields from it.
    pub query: String,
    /// The message body.
    pub content: String,
    /// Custom field values by key; empty values count as not given.
    #[serde(default)]
    pub fields: FieldMap,
    #[serde(default)]
    pub tel: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub attachments: Vec<NewAttachment>,
}

/// Where a ticket stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    /// Waiting for an agent.
    Open,
    /// An agent replied.
    Replied,
    /// Closed by an agent.
    Closed,
}

impl TicketStatus {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::Open => "open",
            TicketStatus::Replied => "replied",
            TicketStatus::Closed => "closed",
        }
    }

    /// Reads the stored text.
    pub fn parse(s: &str) -> Option<TicketStatus> {
        Some(match s {
            "open" => TicketStatus::Open,
            "replied" => TicketStatus::Replied,
            "closed" => TicketStatus::Closed,
            _ => return None,
        })
    }
}

/// A stored attachment's description (the bytes are fetched separately).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentInfo {
    pub index: i64,
    pub name: String,
    /// The type found by the content check, not the one claimed.
    pub content_type: String,
    pub size: i64,
}

/// An agent's reply to a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketReply {
    pub agent_name: String,
    pub text: String,
    pub created_at: i64,
}

/// One filled custom field, with its label for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilledField {
    pub key: String,
    pub label: String,
    pub value: String,
}

/// A ticket as its visitor and the agents see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketView {
    pub id: String,
    /// The number shown to the visitor, per tenant, from 1.
    pub number: i64,
    pub status: TicketStatus,
    pub template_id: String,
    pub group_id: Option<String>,
    /// `leave_message` or `ticket_plugin`.
    pub source: String,
    pub content: String,
    pub fields: Vec<FilledField>,
    pub tel: Option<String>,
    pub email: Option<String>,
    /// Docking fields from the ticket plug-in's `params`.
    pub docking: FieldMap,
    pub attachments: Vec<AttachmentInfo>,
    pub replies: Vec<TicketReply>,
    pub visitor_id: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// The link's `source`: the channel as the spec codes it (its leave-message link
    /// fixes 9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<u8>,
    /// The leave-message link's `t`, kept as given (the spec shows it only as `t=xxx`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub t: Option<String>,
}

/// `GET /api/ticket/mine`: the visitor's tickets, newest first ("my messages").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyTickets {
    pub tickets: Vec<TicketView>,
    /// Agent replies the visitor had not seen before this call.
    pub unread_replies: i64,
}

/// `GET /api/ticket/unread`: the `leaveToTicket` part of the spec's
/// `offline_message_count` ("1 indicates there are pending ticket messages not yet
/// viewed").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketUnread {
    #[serde(rename = "leaveToTicket")]
    pub leave_to_ticket: u8,
    pub unread_replies: i64,
}

/// `GET /api/agent/tickets`: a page of the tenant's tickets, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentTickets {
    pub tickets: Vec<TicketView>,
}

/// `POST /api/agent/tickets/{id}/reply`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketReplyRequest {
    pub text: String,
}

/// What is wrong with one field of a submission. The client shows a localized message
/// per code (`leave-error-<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    /// Must be filled.
    Required,
    /// Longer than `limit` characters.
    TooLong,
    /// Not one of the field's options.
    NotAnOption,
    /// Not a `YYYY-MM-DD` date.
    BadDate,
    /// Not a number.
    NotANumber,
    /// Not a phone number.
    BadTel,
    /// Not an e-mail address.
    BadEmail,
    /// The template does not have this field (or hides it).
    Unknown,
    /// More than `limit` files.
    TooManyFiles,
    /// Larger than `limit` bytes.
    FileTooLarge,
    /// A kind of file the template does not accept.
    TypeNotAllowed,
    /// The content is not what the file claims to be.
    ContentMismatch,
    /// The data could not be read (bad base64, empty file).
    Unreadable,
}

impl ProblemCode {
    /// Every code (the `as_str` match below stops compiling when one is added; a test
    /// checks this list names each once).
    pub const ALL: [ProblemCode; 13] = [
        ProblemCode::Required,
        ProblemCode::TooLong,
        ProblemCode::NotAnOption,
        ProblemCode::BadDate,
        ProblemCode::NotANumber,
        ProblemCode::BadTel,
        ProblemCode::BadEmail,
        ProblemCode::Unknown,
        ProblemCode::TooManyFiles,
        ProblemCode::FileTooLarge,
        ProblemCode::TypeNotAllowed,
        ProblemCode::ContentMismatch,
        ProblemCode::Unreadable,
    ];

    /// The code as sent, for message keys.
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemCode::Required => "required",
            ProblemCode::TooLong => "too_long",
            ProblemCode::NotAnOption => "not_an_option",
            ProblemCode::BadDate => "bad_date",
            ProblemCode::NotANumber => "not_a_number",
            ProblemCode::BadTel => "bad_tel",
            ProblemCode::BadEmail => "bad_email",
            ProblemCode::Unknown => "unknown",
            ProblemCode::TooManyFiles => "too_many_files",
            ProblemCode::FileTooLarge => "file_too_large",
            ProblemCode::TypeNotAllowed => "type_not_allowed",
            ProblemCode::ContentMismatch => "content_mismatch",
            ProblemCode::Unreadable => "unreadable",
        }
    }
}

/// One problem: which field (`content`, `tel`, `email`, a custom key, or
/// `attachments[i]` / `attachments`), what, and the limit involved if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    pub field: String,
    pub code: ProblemCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
}

impl FieldProblem {
    fn new(field: impl Into<String>, code: ProblemCode) -> FieldProblem {
        FieldProblem {
            field: field.into(),
            code,
            limit: None,
        }
    }

    fn limited(field: impl Into<String>, code: ProblemCode, limit: u64) -> FieldProblem {
        FieldProblem {
            limit: Some(limit),
            ..FieldProblem::new(field, code)
        }
    }
}

/// The error body of a refused submission: the usual `{code, message}` plus the
/// problems, field by field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitRefused {
    pub code: crate::api::ErrorCode,
    pub message: String,
    pub problems: Vec<FieldProblem>,
}

/// Checks the typed parts of a submission against a template: the body, every custom
/// field, phone and e-mail, and the number of attachments. Returns every problem, in
/// form order (empty when all is well). Attachment sizes and contents are the server's
/// job.
pub fn validate_form(template: &TemplateView, form: &SubmitTicket) -> Vec<FieldProblem> {
    let mut out = Vec::new();
    let content = form.content.trim();
    if content.is_empty() && template.content_required {
        out.push(FieldProblem::new("content", ProblemCode::Required));
    } else if content.chars().count() > MAX_TEXTAREA_CHARS {
        out.push(FieldProblem::limited(
            "content",
            ProblemCode::TooLong,
            MAX_TEXTAREA_CHARS as u64,
        ));
    }
    for field in &template.fields {
        let value = form.fields.get(&field.key).map(|v| v.trim()).unwrap_or("");
        if let Some(p) = check_field(field, value) {
            out.push(p);
        }
    }
    for key in form.fields.keys() {
        if !template.fields.iter().any(|f| &f.key == key) {
            out.push(FieldProblem::new(key.clone(), ProblemCode::Unknown));
        }
    }
    for (name, rule, value, ok) in [
        (
            "tel",
            template.tel,
            form.tel.trim(),
            is_tel as fn(&str) -> bool,
        ),
        ("email", template.email, form.email.trim(), is_email),
    ] {
        let code = match (rule, value.is_empty()) {
            (ContactRule::Required, true) => Some(ProblemCode::Required),
            (ContactRule::Hidden, false) => Some(ProblemCode::Unknown),
            (_, false) if !ok(value) => Some(if name == "tel" {
                ProblemCode::BadTel
            } else {
                ProblemCode::BadEmail
            }),
            _ => None,
        };
        if let Some(code) = code {
            out.push(FieldProblem::new(name, code));
        }
    }
    let count = form.attachments.len() as u64;
    if count > u64::from(template.attachments.max_count) {
        out.push(FieldProblem::limited(
            "attachments",
            ProblemCode::TooManyFiles,
            template.attachments.max_count.into(),
        ));
    }
    out
}

/// The problem with one custom field's (trimmed) value, if any.
pub fn check_field(field: &TemplateField, value: &str) -> Option<FieldProblem> {
    let key = field.key.clone();
    if value.is_empty() {
        return field
            .required
            .then(|| FieldProblem::new(key, ProblemCode::Required));
    }
    let limit = match field.kind {
        FieldKind::Textarea => MAX_TEXTAREA_CHARS,
        _ => MAX_TEXT_CHARS,
    };
    if value.chars().count() > limit {
        return Some(FieldProblem::limited(
            key,
            ProblemCode::TooLong,
            limit as u64,
        ));
    }
    let code = match field.kind {
        FieldKind::Text | FieldKind::Textarea => None,
        FieldKind::Select => {
            (!field.options.iter().any(|o| o == value)).then_some(ProblemCode::NotAnOption)
        }
        FieldKind::Date => (!is_date(value)).then_some(ProblemCode::BadDate),
        FieldKind::Number => (!is_number(value)).then_some(ProblemCode::NotANumber),
    };
    code.map(|c| FieldProblem::new(key, c))
}

/// `YYYY-MM-DD` naming a real calendar day (what `<input type=date>` sends).
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &s[r];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    y >= 1 && (1..=days).contains(&d)
}

/// A plain decimal number: optional sign, digits, optional fraction (no exponent, no
/// thousands separators, so what the agent reads is what the visitor typed).
pub fn is_number(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |p: &str| p.bytes().all(|c| c.is_ascii_digit());
    !int.is_empty() && digits(int) && digits(frac) && !(s.contains('.') && frac.is_empty())
}

/// A phone number: an optional leading `+`, then digits with spaces, dashes or
/// parentheses; 5 to 20 digits.
pub fn is_tel(s: &str) -> bool {
    let body = s.strip_prefix('+').unwrap_or(s);
    let digits = body.bytes().filter(u8::is_ascii_digit).count();
    body.bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b' ' | b'-' | b'(' | b')'))
        && (5..=20).contains(&digits)
}

/// An e-mail address: one `@`, a non-empty local part, a domain with a dot and no
/// empty labels, no spaces; at most 254 characters.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    s.len() <= 254
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|l| !l.is_empty())
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_problem_codes_are_listed_once_in_order() {
        // The match stops compiling when a code is added: then add it to ALL too.
        let index = |c: ProblemCode| match c {
            ProblemCode::Required => 0,
            ProblemCode::TooLong => 1,
            ProblemCode::NotAnOption => 2,
            ProblemCode::BadDate => 3,
            ProblemCode::NotANumber => 4,
            ProblemCode::BadTel => 5,
            ProblemCode::BadEmail => 6,
            ProblemCode::Unknown => 7,
            ProblemCode::TooManyFiles => 8,
            ProblemCode::FileTooLarge => 9,
            ProblemCode::TypeNotAllowed => 10,
            ProblemCode::ContentMismatch => 11,
            ProblemCode::Unreadable => 12,
        };
        for (i, c) in ProblemCode::ALL.into_iter().enumerate() {
            assert_eq!(index(c), i);
        }
    }

    fn template() -> TemplateView {
        TemplateView {
            id: "t".into(),
            name: "T".into(),
            guidance: String::new(),
            content_required: true,
            fields: vec![
                TemplateField {
                    key: "order".into(),
                    label: "Order".into(),
                    kind: FieldKind::Text,
                    required: true,
                    options: vec![],
                },
                TemplateField {
                    key: "topic".into(),
                    label: "Topic".into(),
                    kind: FieldKind::Select,
                    required: false,
                    options: vec!["Billing".into(), "Shipping".into()],
                },
                TemplateField {
                    key: "when".into(),
                    label: "When".into(),
                    kind: FieldKind::Date,
                    required: false,
                    options: vec![],
                },
                TemplateField {
                    key: "amount".into(),
                    label: "Amount".into(),
                    kind: FieldKind::Number,
                    required: false,
                    options: vec![],
                },
            ],
            tel: ContactRule::Required,
            email: ContactRule::Optional,
            attachments: AttachmentRules {
                max_count: 2,
                max_bytes: 1024,
                families: vec![FileFamily::Image],
            },
        }
    }

    fn good() -> SubmitTicket {
        SubmitTicket {
            content: "My parcel is late".into(),
            fields: [("order".to_owned(), "A-1".to_owned())].into(),
            tel: "+86 138-0000-0000".into(),
            ..SubmitTicket::default()
        }
    }

    fn codes(p: &[FieldProblem]) -> Vec<(&str, ProblemCode)> {
        p.iter().map(|p| (p.field.as_str(), p.code)).collect()
    }

    #[test]
    fn a_complete_form_passes() {
        assert_eq!(validate_form(&template(), &good()), vec![]);
    }

    #[test]
    fn every_missing_required_value_is_reported_in_form_order() {
        let form = SubmitTicket {
            content: "  ".into(),
            ..SubmitTicket::default()
        };
        assert_eq!(
            codes(&validate_form(&template(), &form)),
            vec![
                ("content", ProblemCode::Required),
                ("order", ProblemCode::Required),
                ("tel", ProblemCode::Required),
            ]
        );
    }

    #[test]
    fn typed_fields_are_checked() {
        let mut form = good();
        form.fields.insert("topic".into(), "Other".into());
        form.fields.insert("when".into(), "2023-02-29".into());
        form.fields.insert("amount".into(), "1e5".into());
        form.fields.insert("extra".into(), "x".into());
        form.email = "not-an-address".into();
        assert_eq!(
            codes(&validate_form(&template(), &form)),
            vec![
                ("topic", ProblemCode::NotAnOption),
                ("when", ProblemCode::BadDate),
                ("amount", ProblemCode::NotANumber),
                ("extra", ProblemCode::Unknown),
                ("email", ProblemCode::BadEmail),
            ]
        );
        form.fields.insert("topic".into(), "Billing".into());
        form.fields.insert("when".into(), "2024-02-29".into());
        form.fields.insert("amount".into(), "-12.50".into());
        form.fields.remove("extra");
        form.email = "ann@example.com".into();
        assert_eq!(validate_form(&template(), &form), vec![]);
    }

    #[test]
    fn hidden_contacts_refuse_values_and_limits_hold() {
        let mut t = template();
        t.email = ContactRule::Hidden;
        let mut form = good();
        form.email = "ann@example.com".into();
        form.content = "x".repeat(MAX_TEXTAREA_CHARS + 1);
        form.attachments = vec![
            NewAttachment {
                name: "a.png".into(),
                content_type: "image/png".into(),
                data_base64: String::new(),
            };
            3
        ];
        let p = validate_form(&t, &form);
        assert_eq!(
            codes(&p),
            vec![
                ("content", ProblemCode::TooLong),
                ("email", ProblemCode::Unknown),
                ("attachments", ProblemCode::TooManyFiles),
            ]
        );
        assert_eq!(p[2].limit, Some(2));
    }

    #[test]
    fn value_shapes() {
        for ok in ["2024-01-31", "2000-02-29"] {
            assert!(is_date(ok), "{ok}");
        }
        for bad in [
            "2024-1-31",
            "1900-02-29",
            "2024-13-01",
            "2024-04-31",
            "abcd-ef-gh",
            "2024-01-3１",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
        for ok in ["0", "12", "-3.25", "+7"] {
            assert!(is_number(ok), "{ok}");
        }
        for bad in ["", "-", "1.", ".5", "1,000", "NaN", "1e3"] {
            assert!(!is_number(bad), "{bad}");
        }
        for ok in ["13800000000", "+1 (555) 010-9999"] {
            assert!(is_tel(ok), "{ok}");
        }
        for bad in ["1234", "phone", "+", "138 0000 0000 ext 5"] {
            assert!(!is_tel(bad), "{bad}");
        }
        for ok in ["a@b.co", "first.last+tag@mail.example.org"] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in ["a@b", "@b.co", "a@@b.co", "a b@c.co", "a@b..co"] {
            assert!(!is_email(bad), "{bad}");
        }
    }
}
