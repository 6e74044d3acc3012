//! Host checks of the message files (`locales/<code>/<area>.ftl`).
//!
//! The client reads them with its own small reader (`parley_client::i18n`), which knows
//! only simple messages: one line `key = text`, `#` comments, and placeables written
//! exactly `{ $name }`. These tests parse every file with the real Fluent parser
//! (`fluent-syntax`, a host-only dev-dependency, never in the wasm) and fail on what
//! Fluent rejects and on Fluent the reader would misread; and they fail when a key the
//! code looks up is missing from a locale. Each failure names the file (or locale), the
//! key and the problem.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use fluent_syntax::ast::{Entry, Expression, InlineExpression, PatternElement};
use parley_client::i18n::entries;
use parley_protocol::card::status_label_key;
use parley_protocol::locale::MESSAGE_AREAS;
use parley_protocol::params::OrderStatus;
use parley_protocol::ticket::ProblemCode;
use parley_protocol::Locale;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every message file: (path relative to the crate, text), for every locale and area.
fn message_files() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for locale in Locale::ALL {
        for area in MESSAGE_AREAS {
            let rel = format!("locales/{}/{area}.ftl", locale.code());
            let text = fs::read_to_string(root().join(&rel))
                .unwrap_or_else(|e| panic!("{rel}: cannot read: {e}"));
            out.push((rel, text));
        }
    }
    out
}

/// What is wrong with one file for the client's reader, as "key: problem" lines.
fn problems_in(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let resource = match fluent_syntax::parser::parse(source) {
        Ok(r) => r,
        Err((r, errors)) => {
            for e in errors {
                out.push(format!("Fluent syntax error: {e:?}"));
            }
            r
        }
    };
    // What the reader sees, by key (it takes the first of duplicates, Fluent the last).
    let mut read: BTreeMap<&str, &str> = BTreeMap::new();
    for (k, v) in entries(source) {
        if read.insert(k, v).is_some() {
            out.push(format!("{k}: defined twice"));
        }
    }
    let mut fluent_keys = BTreeSet::new();
    for entry in &resource.body {
        let message = match entry {
            Entry::Message(m) => m,
            Entry::Term(t) => {
                out.push(format!("-{}: terms are not supported", t.id.name));
                continue;
            }
            Entry::Junk { content } => {
                let line = content.lines().next().unwrap_or_default();
                out.push(format!("junk Fluent cannot parse: {line:?}"));
                continue;
            }
            _ => continue, // comments
        };
        let key = message.id.name;
        fluent_keys.insert(key);
        if !message.attributes.is_empty() {
            out.push(format!("{key}: attributes (`.name =`) are not supported"));
        }
        let Some(pattern) = &message.value else {
            out.push(format!("{key}: no value"));
            continue;
        };
        // The value as the reader would have to see it for the two to agree.
        let mut expected = String::new();
        for element in &pattern.elements {
            match element {
                PatternElement::TextElement { value } => {
                    if value.contains('\n') {
                        out.push(format!("{key}: multi-line values are not supported"));
                    }
                    expected.push_str(value);
                }
                PatternElement::Placeable {
                    expression: Expression::Inline(InlineExpression::VariableReference { id }),
                } => expected.push_str(&format!("{{ ${} }}", id.name)),
                PatternElement::Placeable {
                    expression: Expression::Select { .. },
                } => out.push(format!("{key}: select expressions are not supported")),
                PatternElement::Placeable { .. } => out.push(format!(
                    "{key}: only `{{ $name }}` placeables are supported (no literals, \
                     functions, message or term references)"
                )),
            }
        }
        match read.get(key) {
            None => out.push(format!("{key}: the reader does not see this message")),
            Some(&seen) if seen != expected => out.push(format!(
                "{key}: the reader reads {seen:?} where Fluent means {expected:?} \
                 (placeables must be written `{{ $name }}`, on one line)"
            )),
            Some(_) => {}
        }
    }
    for key in read.keys() {
        if !fluent_keys.contains(key) {
            out.push(format!(
                "{key}: the reader sees a message that Fluent does not (a continuation or \
                 attribute line?)"
            ));
        }
    }
    out
}

#[test]
fn every_message_file_is_fluent_the_client_reads_the_same_way() {
    let mut found = Vec::new();
    for (path, text) in message_files() {
        for problem in problems_in(&text) {
            found.push(format!("{path}: {problem}"));
        }
    }
    assert!(found.is_empty(), "message files:\n{}", found.join("\n"));
}

#[test]
fn the_reader_check_catches_what_the_client_cannot_read() {
    // Each of these must be refused, or the check above proves nothing.
    let bad = [
        ("multi = first line\n    second line\n", "multi-line"),
        (
            "sel = { $n ->\n    [one] one\n   *[other] many\n}\n",
            "select",
        ),
        ("tight = Hi {$name}\n", "placeables must be written"),
        ("lit = { \"x\" }\n", "only `{ $name }`"),
        ("ref = { other }\nother = x\n", "only `{ $name }`"),
        ("-term = x\n", "terms"),
        ("attr = x\n    .title = y\n", "attributes"),
        ("= no key\n", "junk"),
        ("dup = a\ndup = b\n", "defined twice"),
    ];
    for (source, expected) in bad {
        let problems = problems_in(source);
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "{source:?} should report {expected:?}: {problems:?}"
        );
    }
    assert_eq!(
        problems_in("# comment\nok = Hello { $name }, welcome.\n"),
        Vec::<String>::new()
    );
}

/// Rust sources of the client: (path relative to the crate, text), test modules cut off
/// (they look up missing keys on purpose). The reader itself is left out.
fn client_sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).expect("src is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    walk(&root().join("src"), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(root()).unwrap().display().to_string();
            let mut text = fs::read_to_string(&p).unwrap();
            if let Some(i) = text.find("#[cfg(test)]") {
                text.truncate(i);
            }
            (rel, text)
        })
        .filter(|(rel, _)| rel != "src/i18n.rs")
        .collect()
}

/// The string literals in `code` (plain `"…"` literals with escapes).
fn literals(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut s = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\\' => s.extend(chars.next()),
                '"' => break,
                c => s.push(c),
            }
        }
        out.push(s);
    }
    out
}

/// The arguments of the call whose `(` is at `open`, split at top-level commas, and the
/// index just past its `)`.
fn call_args(code: &str, open: usize) -> (Vec<&str>, usize) {
    let bytes = code.as_bytes();
    let (mut depth, mut start, mut args) = (0usize, open + 1, Vec::new());
    let mut i = open;
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => in_string = true,
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        args.push(code[start..i].trim());
                        return (args, i + 1);
                    }
                }
                b',' if depth == 1 => {
                    args.push(code[start..i].trim());
                    start = i + 1;
                }
                _ => {}
            }
        }
        i += 1;
    }
    (args, bytes.len())
}

/// The statement `let <name> = …;` closest before `at` within the same function, if
/// any.
fn let_binding<'a>(code: &'a str, at: usize, name: &str) -> Option<&'a str> {
    let before = &code[..at];
    let function_start = before.rfind("fn ").unwrap_or(0);
    let start = before[function_start..].rfind(&format!("let {name} ="))? + function_start;
    let (mut depth, mut in_string) = (0i32, false);
    let bytes = code.as_bytes();
    for (i, &b) in bytes.iter().enumerate().skip(start) {
        match (in_string, b) {
            (true, b'\\') => {}
            (true, b'"') if bytes[i - 1] != b'\\' => in_string = false,
            (true, _) => {}
            (false, b'"') => in_string = true,
            (false, b'(' | b'[' | b'{') => depth += 1,
            (false, b')' | b']' | b'}') => depth -= 1,
            (false, b';') if depth == 0 => return Some(&code[start..i]),
            _ => {}
        }
    }
    None
}

/// Keys looked up through a value the scanner cannot follow, by what the code passes:
/// a `format!` prefix, or a variable in a given file. A new such lookup fails the test
/// until it is listed here with every key it can produce.
fn dynamic_keys(file: &str, arg: &str) -> Option<Vec<String>> {
    if arg.starts_with("&format!(\"leave-error-{}\"") {
        return Some(
            ProblemCode::ALL
                .into_iter()
                .map(|c| format!("leave-error-{}", c.as_str()))
                .collect(),
        );
    }
    if file == "src/components/cards/order.rs" && arg == "key" {
        return Some(
            OrderStatus::ALL
                .iter()
                .filter_map(|s| status_label_key(*s))
                .map(String::from)
                .collect(),
        );
    }
    None
}

/// Every key the client's code looks up with `t(locale, key)` or `t_args(locale, key,
/// args)`, with where (file:line); and the lookups that could not be followed.
fn code_keys() -> (BTreeMap<String, BTreeSet<String>>, Vec<String>) {
    let (mut keys, mut unknown) = (BTreeMap::<String, BTreeSet<String>>::new(), Vec::new());
    for (file, code) in client_sources() {
        for call in ["t(", "t_args("] {
            for (at, _) in code.match_indices(call) {
                let before = code[..at].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                    continue;
                }
                // Comments (documentation examples) look nothing up.
                let line_start = code[..at].rfind('\n').map_or(0, |i| i + 1);
                if code[line_start..at].contains("//") {
                    continue;
                }
                let (args, _) = call_args(&code, at + call.len() - 1);
                let place = format!("{file}:{}", code[..at].lines().count());
                let Some(arg) = args.get(1).copied() else {
                    continue;
                };
                let mut found: Vec<String> = literals(arg);
                if found.is_empty() && arg.chars().all(|c| c.is_alphanumeric() || c == '_') {
                    found = let_binding(&code, at, arg)
                        .map(literals)
                        .unwrap_or_default();
                }
                let dynamic = found.is_empty() || found.iter().any(|k| k.contains('{'));
                let found = if dynamic {
                    match dynamic_keys(&file, arg) {
                        Some(k) => k,
                        None => {
                            unknown.push(format!("{place}: cannot tell which keys {arg:?} names"));
                            continue;
                        }
                    }
                } else {
                    found
                };
                for key in found {
                    keys.entry(key).or_default().insert(place.clone());
                }
            }
        }
    }
    (keys, unknown)
}

#[test]
fn every_key_the_code_looks_up_is_in_every_locale() {
    let (keys, unknown) = code_keys();
    assert!(
        unknown.is_empty(),
        "lookups to declare in dynamic_keys:\n{}",
        unknown.join("\n")
    );
    // Sanity: the scanner finds the lookups of every kind (plain, chosen by `match`
    // or `if`, through a `let`, and the declared dynamic ones).
    for key in [
        "loading",
        "chat-sys-ended-idle",
        "leave-status-closed",
        "card-goods-count-one",
        "leave-error-too_long",
        "card-status-canceled",
    ] {
        assert!(keys.contains_key(key), "the scanner missed {key}");
    }
    let mut missing = Vec::new();
    for locale in Locale::ALL {
        let source: String = MESSAGE_AREAS
            .iter()
            .map(|area| {
                fs::read_to_string(root().join(format!("locales/{}/{area}.ftl", locale.code())))
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join("\n");
        let present: BTreeSet<&str> = entries(&source).map(|(k, _)| k).collect();
        for (key, places) in &keys {
            if !present.contains(key.as_str()) {
                let places: Vec<&str> = places.iter().map(String::as_str).collect();
                missing.push(format!(
                    "{}: {key} (used at {})",
                    locale.code(),
                    places.join(", ")
                ));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "keys missing from locales:\n{}",
        missing.join("\n")
    );
}
