//! The pinned tools and their installation. Every version the project depends on
//! outside Cargo.lock is here.

use std::path::PathBuf;
use std::process::Command;

use crate::{root, run, Result};

/// Trunk: 0.22 needs a newer rustc than this project's 1.95.
pub const TRUNK_VERSION: &str = "0.21.14";
/// The npm package whose JS build of wasm-opt handles Rust 1.95's wasm. Debian's
/// binaryen (108) produces modules that crash in the browser; see ARCHITECTURE.md.
pub const BINARYEN_NPM: &str = "binaryen@132.0.0";
/// What `wasm-opt --version` must mention (and Trunk.toml's `wasm_opt`).
pub const BINARYEN_VERSION: &str = "132";
/// The npm package that minifies the host-page loader (`sdk/`) at build time; its
/// platform binary comes from the npm registry too (`@esbuild/linux-x64`).
pub const ESBUILD_NPM: &str = "esbuild@0.28.2";
/// What `esbuild --version` must print.
pub const ESBUILD_VERSION: &str = "0.28.2";
/// cargo-fuzz, for `cargo xtask fuzz` only (not part of setup).
pub const CARGO_FUZZ_VERSION: &str = "0.13.2";
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Debian packages: the browser and its driver, and a CJK font so screenshots of
/// Chinese text are legible.
pub const DEBIAN_BROWSER_PACKAGES: &[&str] = &["chromium", "chromium-driver", "fonts-wqy-zenhei"];

/// Where npm-installed tools live, outside the repo so `git clean` and fresh clones on
/// the same machine reuse them.
pub fn tools_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| root().join("target"));
    base.join("parley-tools")
}

/// The pinned esbuild.
pub fn esbuild() -> PathBuf {
    tools_dir().join(format!(
        "esbuild-{ESBUILD_VERSION}/node_modules/.bin/esbuild"
    ))
}

fn binaryen_bin() -> PathBuf {
    tools_dir().join(format!("binaryen-{BINARYEN_VERSION}/node_modules/.bin"))
}

/// PATH with the pinned wasm-opt and cargo's bin folder first.
pub fn path_with_tools() -> std::ffi::OsString {
    let mut paths = vec![binaryen_bin()];
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        paths.push(PathBuf::from(home).join("bin"));
    } else if let Some(home) = std::env::var_os("HOME") {
        paths.push(PathBuf::from(home).join(".cargo/bin"));
    }
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).expect("PATH entries are valid")
}

/// The stdout of a command, if it ran and succeeded.
fn output(cmd: &mut Command) -> Option<String> {
    cmd.env("PATH", path_with_tools());
    let out = cmd.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The exact `wasm-bindgen` version in Cargo.lock: the CLI must match it, or Trunk
/// would try to download one.
pub fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("reading Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_owned());
            }
        }
    }
    Err("wasm-bindgen is not in Cargo.lock".into())
}

fn is_root() -> bool {
    output(Command::new("id").arg("-u")).is_some_and(|s| s.trim() == "0")
}

fn apt_install(packages: &[&str]) -> Result {
    if !is_root() {
        return Err(format!(
            "missing Debian packages; run as root: apt-get update && apt-get install -y {}",
            packages.join(" ")
        ));
    }
    run(Command::new("apt-get").arg("update").arg("-q"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-q", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

/// The folder of PostgreSQL's server binaries (initdb, pg_ctl), newest version first.
pub fn postgres_bin() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists() && p.join("pg_ctl").exists())
        .collect();
    dirs.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    dirs.pop()
}

/// Installs what is missing; prints one line per tool either way.
pub fn setup() -> Result {
    // The wasm target.
    let targets =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if targets.lines().any(|l| l.trim() == WASM_TARGET) {
        eprintln!("setup: {WASM_TARGET} target present");
    } else {
        run(Command::new("rustup").args(["target", "add", WASM_TARGET]))?;
    }

    // Trunk.
    let trunk = output(Command::new("trunk").arg("--version")).unwrap_or_default();
    if trunk.trim() == format!("trunk {TRUNK_VERSION}") {
        eprintln!("setup: trunk {TRUNK_VERSION} present");
    } else {
        run(Command::new("cargo").args([
            "install",
            "trunk",
            "--version",
            TRUNK_VERSION,
            "--locked",
        ]))?;
    }

    // wasm-bindgen CLI at exactly the locked library version. Not `--locked`: its own
    // lockfile names a crate version the registry no longer serves.
    let wanted = locked_wasm_bindgen()?;
    let trunk_toml = std::fs::read_to_string(root().join("Trunk.toml")).unwrap_or_default();
    if !trunk_toml.contains(&format!("wasm_bindgen = \"{wanted}\"")) {
        return Err(format!(
            "Trunk.toml's [tools] wasm_bindgen must be \"{wanted}\" (Cargo.lock)"
        ));
    }
    let have = output(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    let runner =
        output(Command::new("wasm-bindgen-test-runner").arg("--version")).unwrap_or_default();
    if have.trim() == format!("wasm-bindgen {wanted}") && runner.contains(&wanted) {
        eprintln!("setup: wasm-bindgen-cli {wanted} present");
    } else {
        run(Command::new("cargo").args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &wanted,
            "--force",
        ]))?;
    }

    // wasm-opt from npm.
    let wasm_opt =
        output(Command::new(binaryen_bin().join("wasm-opt")).arg("--version")).unwrap_or_default();
    if wasm_opt.contains(&format!("version {BINARYEN_VERSION}")) {
        eprintln!("setup: wasm-opt {BINARYEN_VERSION} present");
    } else {
        let prefix = tools_dir().join(format!("binaryen-{BINARYEN_VERSION}"));
        std::fs::create_dir_all(&prefix).map_err(|e| format!("{}: {e}", prefix.display()))?;
        run(Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&prefix)
            .arg(BINARYEN_NPM))?;
    }

    // esbuild from npm, for the loader.
    let esbuild_version = output(Command::new(esbuild()).arg("--version")).unwrap_or_default();
    if esbuild_version.trim() == ESBUILD_VERSION {
        eprintln!("setup: esbuild {ESBUILD_VERSION} present");
    } else {
        let prefix = tools_dir().join(format!("esbuild-{ESBUILD_VERSION}"));
        std::fs::create_dir_all(&prefix).map_err(|e| format!("{}: {e}", prefix.display()))?;
        run(Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&prefix)
            .arg(ESBUILD_NPM))?;
    }

    // Chromium, chromedriver, fonts.
    let have_browser = PathBuf::from(CHROMIUM).exists()
        && PathBuf::from(CHROMEDRIVER).exists()
        && PathBuf::from("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc").exists();
    if have_browser {
        eprintln!("setup: chromium and chromedriver present");
    } else {
        apt_install(DEBIAN_BROWSER_PACKAGES)?;
    }

    // PostgreSQL server binaries, for the server tests.
    if let Some(bin) = postgres_bin() {
        eprintln!("setup: PostgreSQL server binaries in {}", bin.display());
    } else {
        apt_install(&["postgresql"])?;
    }
    Ok(())
}

/// Installs cargo-fuzz at its pinned version when missing.
pub fn install_cargo_fuzz() -> Result {
    let have = output(Command::new("cargo").args(["fuzz", "--version"])).unwrap_or_default();
    if have.contains(CARGO_FUZZ_VERSION) {
        return Ok(());
    }
    run(Command::new("cargo").args([
        "install",
        "cargo-fuzz",
        "--version",
        CARGO_FUZZ_VERSION,
        "--locked",
    ]))
}
