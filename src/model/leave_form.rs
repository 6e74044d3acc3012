//! The leave-message form as plain data: the draft the visitor types (kept in local
//! storage by the form), the submission built from it, which picked files are taken,
//! and how field problems (the form's own, from the same `validate_form` the server
//! runs, and the server's) are named and cleared.

use parley_protocol::params::FieldMap;
use parley_protocol::ticket::{FieldProblem, NewAttachment, ProblemCode, SubmitTicket};
use parley_protocol::Locale;
use serde::{Deserialize, Serialize};

use crate::i18n::t_args;

/// The field name of problems about attachments as a whole, and the prefix of those
/// about one file (`attachments:<name>` from the form, `attachments[<i>]` from the
/// server).
pub const ATTACHMENTS: &str = "attachments";

/// What is kept while the visitor types. Files are not: a browser cannot hand a page
/// back a file it read earlier.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub content: String,
    pub fields: FieldMap,
    pub tel: String,
    pub email: String,
}

impl Draft {
    /// Whether nothing was typed (an emptied field counts as nothing): an empty draft
    /// is not kept.
    pub fn is_empty(&self) -> bool {
        self.content.is_empty()
            && self.fields.values().all(String::is_empty)
            && self.tel.is_empty()
            && self.email.is_empty()
    }

    /// The ticket to send: the draft with `attachments`, for the page's raw `query`.
    /// Blank custom fields are left out (the server counts them as not given either).
    pub fn submission(&self, query: &str, attachments: Vec<NewAttachment>) -> SubmitTicket {
        SubmitTicket {
            query: query.to_owned(),
            content: self.content.clone(),
            fields: self
                .fields
                .iter()
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            tel: self.tel.clone(),
            email: self.email.clone(),
            attachments,
        }
    }
}

/// The local-storage key of the draft for a tenant's template.
pub fn draft_key(sysnum: &str, template_id: &str) -> String {
    format!("parley.leave-draft.{sysnum}.{template_id}")
}

/// Whether `p` is about the attachments (as a whole or one file).
pub fn is_attachment_problem(p: &FieldProblem) -> bool {
    p.field.starts_with(ATTACHMENTS)
}

/// Drops the problems of `field`: the visitor is editing it.
pub fn forget_field(problems: &mut Vec<FieldProblem>, field: &str) {
    problems.retain(|p| p.field != field);
}

/// What to do with a file the visitor picked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admit {
    /// Read it and add it.
    Read,
    /// Refused (the problem says why); look at the next file.
    Skip(FieldProblem),
    /// Refused, and so is every later file of this pick: the template's count is
    /// reached.
    Stop(FieldProblem),
}

/// Whether a picked file named `name` of `size` bytes is taken when `held` files are
/// already added or being read, under the template's `max_count` and `max_bytes`.
pub fn admit_file(held: usize, name: &str, size: u64, max_count: u32, max_bytes: u64) -> Admit {
    if held >= max_count as usize {
        return Admit::Stop(FieldProblem {
            field: ATTACHMENTS.into(),
            code: ProblemCode::TooManyFiles,
            limit: Some(u64::from(max_count)),
        });
    }
    if size > max_bytes {
        return Admit::Skip(FieldProblem {
            field: format!("{ATTACHMENTS}:{name}"),
            code: ProblemCode::FileTooLarge,
            limit: Some(max_bytes),
        });
    }
    Admit::Read
}

/// The file an attachment problem names, if any: the form names a file by its name,
/// the server by its index among the `files` sent (their names, in order).
pub fn problem_file_name(field: &str, files: &[String]) -> Option<String> {
    let rest = field.strip_prefix(ATTACHMENTS)?;
    if let Some(name) = rest.strip_prefix(':') {
        return Some(name.to_owned());
    }
    let i: usize = rest.strip_prefix('[')?.strip_suffix(']')?.parse().ok()?;
    files.get(i).cloned()
}

/// The localized message of a problem; `name` is the file's name for attachment ones.
pub fn problem_text(locale: Locale, p: &FieldProblem, name: Option<&str>) -> String {
    let limit = match p.code {
        ProblemCode::FileTooLarge => p.limit.map(human_size).unwrap_or_default(),
        _ => p.limit.map(|l| l.to_string()).unwrap_or_default(),
    };
    let text = t_args(
        locale,
        &format!("leave-error-{}", p.code.as_str()),
        &[("limit", &limit)],
    );
    match name {
        Some(n) => format!("{n}: {text}"),
        None => text,
    }
}

/// Bytes as a short size (`5 MB`, `800 KB`, `12 B`).
pub fn human_size(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB {
        let tenths = bytes * 10 / MB;
        if tenths.is_multiple_of(10) {
            format!("{} MB", tenths / 10)
        } else {
            format!("{}.{} MB", tenths / 10, tenths % 10)
        }
    } else if bytes >= 1024 {
        format!("{} KB", bytes / 1024)
    } else {
        format!("{bytes} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::t;

    fn problem(field: &str, code: ProblemCode) -> FieldProblem {
        FieldProblem {
            field: field.into(),
            code,
            limit: None,
        }
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_size(5 * 1024 * 1024), "5 MB");
        assert_eq!(human_size(1536 * 1024), "1.5 MB");
        assert_eq!(human_size(2048), "2 KB");
        assert_eq!(human_size(12), "12 B");
    }

    #[test]
    fn problems_are_localized_with_their_limits() {
        let p = FieldProblem {
            field: "attachments[0]".into(),
            code: ProblemCode::FileTooLarge,
            limit: Some(1024 * 1024),
        };
        let en = problem_text(Locale::En, &p, Some("a.png"));
        assert!(en.starts_with("a.png: ") && en.contains("1 MB"), "{en}");
        let required = FieldProblem {
            field: "content".into(),
            code: ProblemCode::Required,
            limit: None,
        };
        assert_ne!(
            problem_text(Locale::En, &required, None),
            problem_text(Locale::De, &required, None)
        );
        for code in ProblemCode::ALL {
            let key = format!("leave-error-{}", code.as_str());
            assert_ne!(t(Locale::En, &key), key, "{key} has no message");
        }
    }

    #[test]
    fn empty_drafts_are_empty() {
        assert!(Draft::default().is_empty());
        let mut d = Draft::default();
        d.fields.insert("k".into(), String::new());
        assert!(d.is_empty());
        d.tel = "1".into();
        assert!(!d.is_empty());
    }

    #[test]
    fn blank_fields_are_left_out_of_the_ticket() {
        let mut d = Draft {
            content: "Where is my parcel?".into(),
            email: "jo@example.com".into(),
            ..Draft::default()
        };
        d.fields.insert("order_code".into(), "A-17".into());
        d.fields.insert("topic".into(), "  ".into());
        let ticket = d.submission("sysnum=demo", Vec::new());
        assert_eq!(ticket.query, "sysnum=demo");
        assert_eq!(ticket.content, "Where is my parcel?");
        assert_eq!(ticket.email, "jo@example.com");
        assert_eq!(ticket.fields.len(), 1);
        assert_eq!(
            ticket.fields.get("order_code").map(String::as_str),
            Some("A-17")
        );
    }

    #[test]
    fn editing_a_field_clears_only_its_problem() {
        let mut problems = vec![
            problem("content", ProblemCode::Required),
            problem("email", ProblemCode::BadEmail),
        ];
        forget_field(&mut problems, "email");
        assert_eq!(problems, vec![problem("content", ProblemCode::Required)]);
    }

    #[test]
    fn picked_files_past_the_count_or_the_size_are_refused_with_the_limit() {
        let mb = 1024 * 1024;
        assert_eq!(admit_file(0, "a.png", mb, 2, mb), Admit::Read);
        assert_eq!(
            admit_file(0, "big.png", mb + 1, 2, mb),
            Admit::Skip(FieldProblem {
                field: "attachments:big.png".into(),
                code: ProblemCode::FileTooLarge,
                limit: Some(mb),
            })
        );
        assert_eq!(
            admit_file(2, "c.png", 1, 2, mb),
            Admit::Stop(FieldProblem {
                field: "attachments".into(),
                code: ProblemCode::TooManyFiles,
                limit: Some(2),
            })
        );
    }

    #[test]
    fn attachment_problems_name_the_file_by_name_or_by_the_servers_index() {
        let files = vec!["a.png".to_owned(), "b.pdf".to_owned()];
        assert_eq!(
            problem_file_name("attachments:big.png", &files).as_deref(),
            Some("big.png")
        );
        assert_eq!(
            problem_file_name("attachments[1]", &files).as_deref(),
            Some("b.pdf")
        );
        assert_eq!(problem_file_name("attachments[7]", &files), None);
        assert_eq!(problem_file_name("attachments", &files), None);
        assert_eq!(problem_file_name("content", &files), None);
        assert!(is_attachment_problem(&problem(
            "attachments[0]",
            ProblemCode::Unreadable
        )));
        assert!(!is_attachment_problem(&problem(
            "content",
            ProblemCode::Required
        )));
    }
}
