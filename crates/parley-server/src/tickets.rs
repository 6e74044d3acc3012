//! Tickets (leave-message submissions), the pure part: templates as the form shows them,
//! the tenant's ticket settings checked at load, docking fields, whose tickets a link
//! names, and attachment checks (size, decoding, content sniffing by magic bytes).
//!
//! Field validation itself is [`parley_protocol::ticket::validate_form`], shared with the
//! client so both sides refuse the same values with the same codes. The store and HTTP
//! side is `routes::ticket`.

use std::collections::HashSet;

use base64::Engine;
use parley_protocol::params::FieldMap;
use parley_protocol::ticket::{
    AttachmentRules, ContactRule, FieldKind, FieldProblem, FileFamily, NewAttachment, ProblemCode,
    TemplateField, TemplateView, MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES, MAX_FILE_NAME_CHARS,
};
use parley_protocol::{ChatParams, Locale, ParamIssue};

use crate::config::{LeaveTemplate, Tenant};

/// Checks a tenant's ticket settings at load: unique template ids, `select` fields with
/// options, attachment limits within the global ones, unique docking keys, plug-ins
/// naming existing templates.
pub fn check_config(tenant: &Tenant) -> Result<(), String> {
    let mut ids = HashSet::new();
    for t in &tenant.leave_templates {
        if t.id.is_empty() || !ids.insert(t.id.as_str()) {
            return Err(format!("empty or repeated leave_template id {:?}", t.id));
        }
        if t.max_attachments > MAX_ATTACHMENTS {
            return Err(format!(
                "leave_template {}: max_attachments is above {MAX_ATTACHMENTS}",
                t.id
            ));
        }
        if t.max_attachment_bytes == 0 || t.max_attachment_bytes > MAX_ATTACHMENT_BYTES {
            return Err(format!(
                "leave_template {}: max_attachment_bytes must be 1 to {MAX_ATTACHMENT_BYTES}",
                t.id
            ));
        }
        let mut keys = HashSet::new();
        for f in &t.fields {
            if f.key.is_empty() || !keys.insert(f.key.as_str()) {
                return Err(format!(
                    "leave_template {}: empty or repeated field key {:?}",
                    t.id, f.key
                ));
            }
            if matches!(f.key.as_str(), "content" | "tel" | "email" | "attachments") {
                return Err(format!(
                    "leave_template {}: field key {:?} is reserved",
                    t.id, f.key
                ));
            }
            if (f.kind == FieldKind::Select) == f.options.is_empty() {
                return Err(format!(
                    "leave_template {}: field {} must have options if and only if it is a select",
                    t.id, f.key
                ));
            }
        }
    }
    let mut keys = HashSet::new();
    for f in &tenant.docking_fields {
        if f.key.is_empty() || !keys.insert(f.key.as_str()) {
            return Err(format!("empty or repeated docking_field key {:?}", f.key));
        }
    }
    let mut plugins = HashSet::new();
    for p in &tenant.ticket_plugins {
        if p.id.is_empty() || !plugins.insert(p.id.as_str()) {
            return Err(format!("empty or repeated ticket_plugin id {:?}", p.id));
        }
        if let Some(t) = &p.template {
            if !ids.contains(t.as_str()) {
                return Err(format!("ticket_plugin {}: unknown template {t:?}", p.id));
            }
        }
    }
    Ok(())
}

/// The form of a template in `locale`. A tenant without templates gets a plain one:
/// a required message, optional phone and e-mail, no attachments.
pub fn template_view(template: Option<&LeaveTemplate>, locale: Locale) -> TemplateView {
    let Some(t) = template else {
        return TemplateView {
            id: "default".into(),
            name: String::new(),
            guidance: String::new(),
            content_required: true,
            fields: vec![],
            tel: ContactRule::Optional,
            email: ContactRule::Optional,
            attachments: AttachmentRules {
                max_count: 0,
                max_bytes: 0,
                families: vec![],
            },
        };
    };
    TemplateView {
        id: t.id.clone(),
        name: t.name.clone(),
        guidance: t
            .guidance
            .get(locale.code())
            .or_else(|| t.guidance.get("default"))
            .cloned()
            .unwrap_or_default(),
        content_required: t.content_required,
        fields: t
            .fields
            .iter()
            .map(|f| TemplateField {
                key: f.key.clone(),
                label: f.label.clone(),
                kind: f.kind,
                required: f.required,
                options: f.options.clone(),
            })
            .collect(),
        tel: t.tel,
        email: t.email,
        attachments: AttachmentRules {
            max_count: t.max_attachments,
            max_bytes: t.max_attachment_bytes,
            families: t.attachment_types.clone(),
        },
    }
}

/// The template a page uses: the ticket plug-in's deployment's template, else the
/// link's `templateid`, else the default.
pub fn pick_template<'a>(tenant: &'a Tenant, params: &ChatParams) -> Option<&'a LeaveTemplate> {
    let from_plugin = params
        .ticket
        .deploy_id
        .as_deref()
        .and_then(|d| tenant.ticket_plugins.iter().find(|p| p.id == d))
        .and_then(|p| p.template.as_deref());
    tenant.leave_template(from_plugin.or(params.leave_message.templateid.as_deref()))
}

/// Splits the link's `params` into the docking fields the tenant declares (kept) and
/// the rest (reported as `params.<key>`, never stored).
pub fn docking(tenant: &Tenant, params: Option<&FieldMap>) -> (FieldMap, Vec<ParamIssue>) {
    let mut kept = FieldMap::new();
    let mut issues = Vec::new();
    for (k, v) in params.into_iter().flatten() {
        if tenant.docking_fields.iter().any(|f| &f.key == k) {
            kept.insert(k.clone(), v.clone());
        } else {
            issues.push(ParamIssue {
                param: format!("params.{k}"),
                reason: "not a docking field of this company; dropped".into(),
            });
        }
    }
    (kept, issues)
}

/// Who a ticket plug-in link says the visitor is when it has no `partnerId`: the first
/// of the spec's customer identification fields, as `field:value`, so ids from
/// different channels never collide. Nothing signs these fields, so this is a label
/// agents see (marked unverified), never a key to anyone's tickets: the page's visitor
/// is the browser's own, or the verified `partnerid` of a signed link or a token.
pub fn external_identity(params: &ChatParams) -> Option<String> {
    let t = &params.ticket;
    let i = &params.identity;
    [
        ("paramUnionId", &t.param_union_id),
        ("wxExternalUserIds", &t.wx_external_user_ids),
        ("wxOpenIds", &t.wx_open_ids),
        ("whatsappIds", &t.whatsapp_ids),
        ("instagramIds", &t.instagram_ids),
        ("faceBookIds", &t.face_book_ids),
        ("lineIds", &t.line_ids),
        ("telegramIds", &t.telegram_ids),
        ("discordIds", &t.discord_ids),
        ("tel", &i.tel),
        ("email", &i.email),
    ]
    .into_iter()
    .find_map(|(name, v)| v.as_deref().map(|v| format!("{name}:{v}")))
}

/// What a file's bytes are, by their first bytes (or, for text, by being UTF-8 without
/// NUL bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    Png,
    Jpeg,
    Gif,
    Webp,
    Bmp,
    Pdf,
    /// A ZIP container: a `.zip`, or an OOXML document (`.docx`, `.xlsx`, `.pptx`).
    Zip,
    /// An OLE compound file: `.doc`, `.xls`, `.ppt`.
    Ole,
    Text,
}

/// Identifies `bytes` by signature. `None` for anything unrecognised.
pub fn sniff(bytes: &[u8]) -> Option<Sniffed> {
    let starts = |sig: &[u8]| bytes.starts_with(sig);
    Some(if starts(b"\x89PNG\r\n\x1a\n") {
        Sniffed::Png
    } else if starts(b"\xFF\xD8\xFF") {
        Sniffed::Jpeg
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Sniffed::Gif
    } else if bytes.len() >= 12 && starts(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Sniffed::Webp
    } else if starts(b"BM") && bytes.len() >= 26 {
        Sniffed::Bmp
    } else if starts(b"%PDF-") {
        Sniffed::Pdf
    } else if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") {
        Sniffed::Zip
    } else if starts(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        Sniffed::Ole
    } else if !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok() {
        Sniffed::Text
    } else {
        return None;
    })
}

/// What a file claims to be: its family, the container its bytes must be, and the MIME
/// type it is stored and served as. From the browser's type, else the name's extension.
pub fn claimed(content_type: &str, name: &str) -> Option<(FileFamily, Sniffed, &'static str)> {
    use FileFamily::*;
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let by_mime = match mime.as_str() {
        "image/png" => Some((Image, Sniffed::Png, "image/png")),
        "image/jpeg" | "image/jpg" | "image/pjpeg" => Some((Image, Sniffed::Jpeg, "image/jpeg")),
        "image/gif" => Some((Image, Sniffed::Gif, "image/gif")),
        "image/webp" => Some((Image, Sniffed::Webp, "image/webp")),
        "image/bmp" | "image/x-ms-bmp" => Some((Image, Sniffed::Bmp, "image/bmp")),
        "application/pdf" => Some((Pdf, Sniffed::Pdf, "application/pdf")),
        "application/zip" | "application/x-zip-compressed" => {
            Some((Archive, Sniffed::Zip, "application/zip"))
        }
        "application/msword" => Some((Office, Sniffed::Ole, "application/msword")),
        "application/vnd.ms-excel" => Some((Office, Sniffed::Ole, "application/vnd.ms-excel")),
        "application/vnd.ms-powerpoint" => {
            Some((Office, Sniffed::Ole, "application/vnd.ms-powerpoint"))
        }
        "text/plain" => Some((Text, Sniffed::Text, "text/plain; charset=utf-8")),
        "text/csv" => Some((Text, Sniffed::Text, "text/csv; charset=utf-8")),
        m if m.starts_with("application/vnd.openxmlformats-officedocument.") => {
            by_extension(name).filter(|(f, _, _)| *f == Office)
        }
        "" | "application/octet-stream" => by_extension(name),
        _ => None,
    };
    by_mime
}

fn by_extension(name: &str) -> Option<(FileFamily, Sniffed, &'static str)> {
    use FileFamily::*;
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => (Image, Sniffed::Png, "image/png"),
        "jpg" | "jpeg" => (Image, Sniffed::Jpeg, "image/jpeg"),
        "gif" => (Image, Sniffed::Gif, "image/gif"),
        "webp" => (Image, Sniffed::Webp, "image/webp"),
        "bmp" => (Image, Sniffed::Bmp, "image/bmp"),
        "pdf" => (Pdf, Sniffed::Pdf, "application/pdf"),
        "zip" => (Archive, Sniffed::Zip, "application/zip"),
        "doc" => (Office, Sniffed::Ole, "application/msword"),
        "xls" => (Office, Sniffed::Ole, "application/vnd.ms-excel"),
        "ppt" => (Office, Sniffed::Ole, "application/vnd.ms-powerpoint"),
        "docx" => (
            Office,
            Sniffed::Zip,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        "xlsx" => (
            Office,
            Sniffed::Zip,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "pptx" => (
            Office,
            Sniffed::Zip,
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        "txt" => (Text, Sniffed::Text, "text/plain; charset=utf-8"),
        "csv" => (Text, Sniffed::Text, "text/csv; charset=utf-8"),
        _ => return None,
    })
}

/// An attachment that passed every check, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFile {
    pub name: String,
    /// The MIME type it is stored and served as (from the check, not the claim).
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// Decodes and checks attachment `index`: readable base64, not empty, within the size
/// limit, a family the template accepts, and content that is what it claims to be.
pub fn check_attachment(
    rules: &AttachmentRules,
    index: usize,
    file: &NewAttachment,
) -> Result<CheckedFile, FieldProblem> {
    let field = format!("attachments[{index}]");
    let problem = |code, limit| FieldProblem {
        field: field.clone(),
        code,
        limit,
    };
    let name = clean_name(&file.name);
    let Some((family, container, mime)) = claimed(&file.content_type, &name) else {
        return Err(problem(ProblemCode::TypeNotAllowed, None));
    };
    if !rules.families.contains(&family) {
        return Err(problem(ProblemCode::TypeNotAllowed, None));
    }
    let data = file.data_base64.as_str();
    let data = match data.split_once(";base64,") {
        Some((head, rest)) if head.starts_with("data:") => rest,
        _ => data,
    };
    // Base64 is 4 characters per 3 bytes: refuse oversize files before decoding them.
    if data.len() as u64 / 4 * 3 > rules.max_bytes + 2 {
        return Err(problem(ProblemCode::FileTooLarge, Some(rules.max_bytes)));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|_| problem(ProblemCode::Unreadable, None))?;
    if bytes.is_empty() {
        return Err(problem(ProblemCode::Unreadable, None));
    }
    if bytes.len() as u64 > rules.max_bytes {
        return Err(problem(ProblemCode::FileTooLarge, Some(rules.max_bytes)));
    }
    if sniff(&bytes) != Some(container) {
        return Err(problem(ProblemCode::ContentMismatch, None));
    }
    Ok(CheckedFile {
        name,
        content_type: mime,
        bytes,
    })
}

/// Checks a file sent into a conversation (not a picture: those are `crate::images`'):
/// a PDF, Office document, UTF-8 text or ZIP by its claimed type (the browser's, else
/// the name's extension), not empty, at most `max_bytes`, and with bytes that are what
/// it claims (the same sniffing as ticket attachments: a `.pdf` that is HTML is
/// refused). The message says what is wrong.
pub fn check_chat_file(
    content_type: &str,
    name: &str,
    bytes: &[u8],
    max_bytes: u64,
) -> Result<CheckedFile, String> {
    let name = clean_name(name);
    let Some((family, container, mime)) = claimed(content_type, &name) else {
        return Err(format!(
            "{name:?} is not a file type the chat takes (PDF, Office, text or ZIP)"
        ));
    };
    if family == FileFamily::Image {
        return Err("pictures are sent as pictures (POST /api/chat/image)".into());
    }
    if bytes.is_empty() {
        return Err("the file is empty".into());
    }
    if bytes.len() as u64 > max_bytes {
        return Err(format!(
            "the file is larger than {} KiB",
            max_bytes.div_ceil(1024)
        ));
    }
    if sniff(bytes) != Some(container) {
        return Err(format!("the content of {name:?} is not what its type says"));
    }
    Ok(CheckedFile {
        name,
        content_type: mime,
        bytes: bytes.to_vec(),
    })
}

/// The last path segment of a file name, without control characters, at most
/// [`MAX_FILE_NAME_CHARS`]; `file` when nothing is left.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_FILE_NAME_CHARS)
        .collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        "file".into()
    } else {
        cleaned
    }
}

/// The largest request body a submission to this configuration can need: the biggest
/// template's files as base64, plus room for the text.
pub fn max_submit_body(templates: &[LeaveTemplate]) -> usize {
    let files = templates
        .iter()
        .map(|t| u64::from(t.max_attachments) * t.max_attachment_bytes)
        .max()
        .unwrap_or(0);
    (files / 3 * 4 + 1024 * 1024) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
    const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0";

    fn b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    fn rules() -> AttachmentRules {
        AttachmentRules {
            max_count: 3,
            max_bytes: 64,
            families: vec![FileFamily::Image, FileFamily::Office],
        }
    }

    fn file(name: &str, ty: &str, bytes: &[u8]) -> NewAttachment {
        NewAttachment {
            name: name.into(),
            content_type: ty.into(),
            data_base64: b64(bytes),
        }
    }

    #[test]
    fn signatures_are_recognised() {
        assert_eq!(sniff(PNG), Some(Sniffed::Png));
        assert_eq!(sniff(JPEG), Some(Sniffed::Jpeg));
        assert_eq!(sniff(b"GIF89a...."), Some(Sniffed::Gif));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(Sniffed::Webp));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(Sniffed::Pdf));
        assert_eq!(sniff(b"PK\x03\x04rest"), Some(Sniffed::Zip));
        assert_eq!(sniff(b"hello, world\n"), Some(Sniffed::Text));
        assert_eq!(sniff(b"MZ\x90\0\x03\0\0\0"), None);
    }

    #[test]
    fn a_real_image_passes_and_is_stored_as_what_it_is() {
        let ok = check_attachment(&rules(), 0, &file("C:\\pics\\a.png", "image/png", PNG)).unwrap();
        assert_eq!(ok.name, "a.png");
        assert_eq!(ok.content_type, "image/png");
        assert_eq!(ok.bytes, PNG);
        // The data URL form FileReader gives is accepted too.
        let mut f = file("a.jpg", "", JPEG);
        f.data_base64 = format!("data:image/jpeg;base64,{}", f.data_base64);
        assert_eq!(
            check_attachment(&rules(), 0, &f).unwrap().content_type,
            "image/jpeg"
        );
    }

    #[test]
    fn mismatched_oversize_unknown_and_broken_files_are_refused() {
        let code = |f: NewAttachment| check_attachment(&rules(), 2, &f).unwrap_err();
        let p = code(file("a.png", "image/png", JPEG));
        assert_eq!(
            (p.field.as_str(), p.code),
            ("attachments[2]", ProblemCode::ContentMismatch)
        );
        // An executable renamed to .png.
        assert_eq!(
            code(file("a.png", "image/png", b"MZ\x90\0\x03")).code,
            ProblemCode::ContentMismatch
        );
        // Text posing as a Word file.
        assert_eq!(
            code(file("a.doc", "application/msword", b"plain")).code,
            ProblemCode::ContentMismatch
        );
        let p = code(file("big.png", "image/png", &[PNG, &[0u8; 64]].concat()));
        assert_eq!((p.code, p.limit), (ProblemCode::FileTooLarge, Some(64)));
        assert_eq!(
            code(file("a.pdf", "application/pdf", b"%PDF-1.4")).code,
            ProblemCode::TypeNotAllowed
        );
        assert_eq!(
            code(file("a.exe", "application/x-msdownload", b"MZ")).code,
            ProblemCode::TypeNotAllowed
        );
        let mut broken = file("a.png", "image/png", PNG);
        broken.data_base64 = "@@not base64@@".into();
        assert_eq!(code(broken).code, ProblemCode::Unreadable);
        assert_eq!(
            code(file("a.png", "image/png", b"")).code,
            ProblemCode::Unreadable
        );
        // A .docx is a ZIP container.
        let docx = check_attachment(
            &rules(),
            0,
            &file(
                "r.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                b"PK\x03\x04....",
            ),
        )
        .unwrap();
        assert!(docx.content_type.contains("wordprocessingml"));
    }

    #[test]
    fn names_lose_paths_and_control_characters() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{0}b\n.txt"), "ab.txt");
        assert_eq!(clean_name(".."), "file");
        assert_eq!(
            clean_name(&"x".repeat(500)).chars().count(),
            MAX_FILE_NAME_CHARS
        );
    }

    fn tenant(extra: &str) -> Result<Config, String> {
        let t = "[[tenant]]\nsysnum='a'\nsecret_key='k'\ncompany_name='A'\n";
        Config::parse(&format!("{t}{extra}")).map_err(|e| e.0)
    }

    #[test]
    fn bad_ticket_settings_stop_the_load() {
        let select = "[[tenant.leave_template]]\nid='t'\nname='T'\n\
                      [[tenant.leave_template.fields]]\nkey='k'\nlabel='K'\nkind='select'\n";
        assert!(tenant(select).unwrap_err().contains("options"));
        let too_many = "[[tenant.leave_template]]\nid='t'\nname='T'\nmax_attachments=99\n";
        assert!(tenant(too_many).unwrap_err().contains("max_attachments"));
        let plugin = "[[tenant.ticket_plugin]]\nid='d'\ntemplate='nope'\n";
        assert!(tenant(plugin).unwrap_err().contains("nope"));
        let reserved = "[[tenant.leave_template]]\nid='t'\nname='T'\n\
                        [[tenant.leave_template.fields]]\nkey='tel'\nlabel='K'\n";
        assert!(tenant(reserved).unwrap_err().contains("reserved"));
    }

    #[test]
    fn docking_keeps_declared_fields_and_reports_the_rest() {
        let c = tenant("[[tenant.docking_field]]\nkey='card_title'\nlabel='Title'\n").unwrap();
        let t = c.tenant("a").unwrap();
        let given: FieldMap = [("card_title", "Sobot"), ("evil", "x")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let (kept, issues) = docking(t, Some(&given));
        assert_eq!(kept.len(), 1);
        assert_eq!(kept["card_title"], "Sobot");
        assert_eq!(issues[0].param, "params.evil");
    }

    #[test]
    fn identity_fields_pick_whose_tickets() {
        let p = ChatParams::from_query("sysNum=a&deployId=d&paramUnionId=yuzuu-RVVVB-www").value;
        assert_eq!(
            external_identity(&p).as_deref(),
            Some("paramUnionId:yuzuu-RVVVB-www")
        );
        let p = ChatParams::from_query("sysNum=a&email=a@b.co").value;
        assert_eq!(external_identity(&p).as_deref(), Some("email:a@b.co"));
        assert_eq!(
            external_identity(&ChatParams::from_query("sysNum=a").value),
            None
        );
    }

    #[test]
    fn the_body_limit_covers_the_largest_template() {
        let c = tenant(
            "[[tenant.leave_template]]\nid='t'\nname='T'\nmax_attachments=3\nmax_attachment_bytes=3000000\n",
        )
        .unwrap();
        let limit = max_submit_body(&c.tenants[0].leave_templates);
        assert!((12_000_000..14_000_000).contains(&limit), "{limit}");
    }
}
