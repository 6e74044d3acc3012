//! The server's layering rules, checked by `cargo xtask test` before anything builds:
//!
//! - no file under `crates/parley-server/src/routes/` names `sqlx`: every SQL statement
//!   lives in the store layer (`src/store/`), and routes ask it;
//! - no route module imports another route module: what two routes share lives in a
//!   module of its own (`admission`, `chat`, `reception`, …), so the routes form no
//!   web of imports.
//!
//! A plain text check, deliberately simple: it reads the files as text, so a rule
//! cannot be dodged by a macro, only by renaming the rule.

use std::path::Path;

use crate::Result;

/// Checks every route module of the server under `root`.
pub fn check(root: &Path) -> Result {
    let dir = root.join("crates/parley-server/src/routes");
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    let mut modules = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_some_and(|e| e == "rs") {
            modules.push(path);
        }
    }
    let names: Vec<String> = modules
        .iter()
        .filter_map(|p| p.file_stem()?.to_str().map(str::to_owned))
        .filter(|n| n != "mod")
        .collect();
    let mut problems = Vec::new();
    for path in &modules {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let file = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        problems.extend(
            violations(file, &text, &names)
                .into_iter()
                .map(|p| format!("crates/parley-server/src/routes/{p}")),
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the server's layering rules are broken (see xtask/src/rules.rs):\n  {}",
            problems.join("\n  ")
        ))
    }
}

/// The rule violations in one route module's text: `file:line: what`. `siblings` are
/// the route modules' names.
fn violations(file: &str, text: &str, siblings: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    if file == "mod.rs" {
        return out;
    }
    let own = file.trim_end_matches(".rs");
    for (i, line) in text.lines().enumerate() {
        let at = format!("{file}:{}", i + 1);
        if line.contains("sqlx") {
            out.push(format!(
                "{at}: names sqlx; put the SQL in crates/parley-server/src/store/"
            ));
        }
        let code = line.split("//").next().unwrap_or_default();
        for name in siblings.iter().filter(|n| n.as_str() != own) {
            let imports = [format!("routes::{name}"), format!("super::{name}")];
            if imports.iter().any(|p| refers_to(code, p)) {
                out.push(format!(
                    "{at}: uses the route module `{name}`; move what both need out of routes/"
                ));
            }
        }
        if code.contains("routes::{") {
            out.push(format!(
                "{at}: imports route modules; move what both need out of routes/"
            ));
        }
    }
    out
}

/// Whether `code` contains `path` as a whole path segment (`super::visitor` but not
/// `super::visitors`).
fn refers_to(code: &str, path: &str) -> bool {
    code.match_indices(path).any(|(i, _)| {
        let next = code[i + path.len()..].chars().next();
        !next.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn siblings() -> Vec<String> {
        ["agent", "visitor", "ticket"].map(str::to_owned).to_vec()
    }

    #[test]
    fn sql_in_a_route_is_reported_with_its_line() {
        let v = violations("agent.rs", "use axum::Json;\nuse sqlx::Row;\n", &siblings());
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].starts_with("agent.rs:2: names sqlx"), "{v:?}");
    }

    #[test]
    fn a_route_importing_another_route_is_reported() {
        for text in [
            "use crate::routes::visitor::admit_link;",
            "use super::visitor::profile_of;",
            "    Ok(Json(super::visitor::profile_of(&state, &id).await?))",
            "use crate::routes::{agent, visitor};",
        ] {
            let v = violations("ticket.rs", text, &siblings());
            assert!(!v.is_empty(), "not caught: {text}");
        }
    }

    #[test]
    fn its_own_tests_and_other_modules_are_fine() {
        let text = "use super::*;\nuse crate::store::visitors;\nuse crate::admission;\n\
                    // the visitor routes\n";
        assert_eq!(
            violations("visitor.rs", text, &siblings()),
            Vec::<String>::new()
        );
        // A longer name that starts with a route's name is not that route.
        assert!(refers_to("super::visitor;", "super::visitor"));
        assert!(!refers_to("super::visitors;", "super::visitor"));
        assert_eq!(
            violations("mod.rs", "pub mod agent;", &siblings()),
            Vec::<String>::new()
        );
    }

    #[test]
    fn the_server_keeps_its_rules() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        assert_eq!(check(root), Ok(()));
    }
}
