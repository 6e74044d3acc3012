//! The host-page loader's build: `sdk/*.js` minified by the pinned esbuild into
//! `dist/sdk/`, each file beside its `.gz` (gzip -9) and `.br` (brotli 11), which the
//! server sends as they are (`parley_server::routes::loader`).
//!
//! - `entrance.js`: the entry the spec's access code loads; its URL is fixed, so it keeps
//!   its name (the server has it revalidated with an ETag). Its gzip size must stay within
//!   [`ENTRY_GZIP_BUDGET`], or the build fails.
//! - `entrance-<part>.<hash>.js` for each of [`PARTS`], loaded only when a page uses
//!   them. One hash of all parts names them, and the entry learns it (its `BUILD`), so
//!   each version has new names and browsers may keep them for a year.
//! - `visitor.js`: the hidden visitor frame's script (its page names it).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::{root, tools, Result};

/// The lazy parts of the loader, `sdk/entrance-<part>.js`.
pub const PARTS: [&str; 4] = ["window", "invite", "panel", "visitor"];
/// The most the entry may weigh, gzip -9 (the issue's limit; the goal is 3 KB).
pub const ENTRY_GZIP_BUDGET: usize = 4096;

/// Minifies one script with esbuild (ES2017, as the sources are written).
fn minify(source: &str, name: &str) -> Result<Vec<u8>> {
    let esbuild = tools::esbuild();
    let mut child = Command::new(&esbuild)
        .args(["--minify", "--target=es2017", "--log-level=warning"])
        .arg(format!("--sourcefile={name}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!(
                "starting {} (run `cargo xtask setup`): {e}",
                esbuild.display()
            )
        })?;
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(source.as_bytes())
        .map_err(|e| format!("esbuild {name}: {e}"))?;
    let out = child
        .wait_with_output()
        .map_err(|e| format!("esbuild {name}: {e}"))?;
    if !out.status.success() {
        return Err(format!("esbuild could not minify {name} ({})", out.status));
    }
    Ok(out.stdout)
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).expect("in-memory write");
    e.finish().expect("in-memory write")
}

pub fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &data[..], &mut out, &params).expect("in-memory write");
    out
}

/// Writes `data` as `name` in `dir` with its `.gz` and `.br` beside it.
fn write_with_compressed(dir: &Path, name: &str, data: &[u8]) -> Result {
    let write = |file: String, bytes: &[u8]| {
        std::fs::write(dir.join(&file), bytes).map_err(|e| format!("writing {file}: {e}"))
    };
    write(name.to_owned(), data)?;
    write(format!("{name}.gz"), &gzip(data))?;
    write(format!("{name}.br"), &brotli(data))
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))
}

/// Builds `dist/sdk/` from `sdk/`.
pub fn build() -> Result {
    let sdk = root().join("sdk");
    let out = root().join("dist/sdk");
    if out.exists() {
        std::fs::remove_dir_all(&out).map_err(|e| format!("clearing {}: {e}", out.display()))?;
    }
    std::fs::create_dir_all(&out).map_err(|e| format!("creating {}: {e}", out.display()))?;

    let mut parts = Vec::new();
    for part in PARTS {
        let name = format!("entrance-{part}.js");
        parts.push((part, minify(&read(&sdk.join(&name))?, &name)?));
    }
    let hash = {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        for (part, code) in &parts {
            h.update(part.as_bytes());
            h.update(code);
        }
        h.finalize()[..5]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    for (part, code) in &parts {
        write_with_compressed(&out, &format!("entrance-{part}.{hash}.js"), code)?;
    }

    let entry = read(&sdk.join("entrance.js"))?;
    let unbuilt = "var BUILD = \"\";";
    if entry.matches(unbuilt).count() != 1 {
        return Err(format!(
            "sdk/entrance.js must contain `{unbuilt}` once (the build puts the parts' hash there)"
        ));
    }
    let entry = entry.replace(unbuilt, &format!("var BUILD = \".{hash}\";"));
    let entry = minify(&entry, "entrance.js")?;
    let gz = gzip(&entry).len();
    if gz > ENTRY_GZIP_BUDGET {
        return Err(format!(
            "the loader's entry is {gz} bytes gzip, over its budget of {ENTRY_GZIP_BUDGET}: \
             move what a page does not always need into a lazy part (sdk/entrance-*.js)"
        ));
    }
    write_with_compressed(&out, "entrance.js", &entry)?;
    write_with_compressed(
        &out,
        "visitor.js",
        &minify(&read(&sdk.join("visitor.js"))?, "visitor.js")?,
    )?;
    eprintln!(
        "loader: dist/sdk/entrance.js {} bytes, {gz} gzip; parts .{hash}",
        entry.len()
    );
    Ok(())
}
