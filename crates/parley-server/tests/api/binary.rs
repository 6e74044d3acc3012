//! The server binary's own checks: how it takes a password to hash, and what it
//! refuses to start with.

use std::io::Write;
use std::process::{Command, Stdio};

fn server() -> Command {
    Command::new(env!("CARGO_BIN_EXE_parley-server"))
}

#[test]
fn hash_password_reads_standard_input_not_the_command_line() {
    let mut child = server()
        .arg("--hash-password")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the server binary");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"correct horse\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hash = String::from_utf8(out.stdout).unwrap();
    assert!(
        parley_server::password::verify("correct horse", hash.trim()),
        "{hash}"
    );
    // On the command line the password would stay in the shell's history: refused.
    let out = server()
        .args(["--hash-password", "correct horse"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("standard input"));
}

/// Runs the binary on `config` (a file's text) with `args`; returns the exit code and
/// standard error. Its store URL names no database Parley knows, so a configuration
/// that passes the checks stops right after them, at the store, and never listens.
fn start_with(config: &str, args: &[&str]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tenants.toml");
    std::fs::write(&path, config).unwrap();
    let out = server()
        .args(["--config", path.to_str().unwrap()])
        .args(args)
        .env("DATABASE_URL", "nowhere://")
        .env_remove("PARLEY_DEMO")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_demo_key_and_passwords_need_demo_mode() {
    let demo = include_str!("../../../../config/demo.toml").replace(
        "faq_file = \"",
        &format!("faq_file = \"{}/../../config/", env!("CARGO_MANIFEST_DIR")),
    );
    let (code, stderr) = start_with(&demo, &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("published demo key"), "{stderr}");
    assert!(
        stderr.contains("agent alice has a demo password"),
        "{stderr}"
    );
    // With --demo it gets past the check, to the store.
    let (_, stderr) = start_with(&demo, &["--demo"]);
    assert!(!stderr.contains("refused"), "{stderr}");
    assert!(stderr.contains("DATABASE_URL"), "{stderr}");
}

#[test]
fn a_key_under_128_bits_is_refused_even_in_demo_mode() {
    let weak =
        "[[tenant]]\nsysnum = \"shop\"\nsecret_key = \"shop-key-2024\"\ncompany_name = \"Shop\"\n";
    let (code, stderr) = start_with(weak, &["--demo"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("secret_key is under 128 bits"), "{stderr}");
}
