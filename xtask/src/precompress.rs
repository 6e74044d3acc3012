//! Precompression of the built client: every compressible file under `dist/` (the
//! visitor bundle, its languages, the loader in `dist/sdk/`, and any other bundle built
//! into a subfolder, such as the agents' workbench) gets a `.br` (brotli, quality 11)
//! and a `.gz` (gzip -9) beside it, written once at build time. The server sends these
//! files as they are (`ServeDir::precompressed_br/gzip`), so a visitor gets the smallest
//! encoding without the server compressing a megabyte of wasm at a fast, weak level on
//! every first load.
//!
//! A compressed file is written only when it is smaller than the original (tiny files do
//! not shrink); the server then falls back to the next encoding or the original.

use std::path::{Path, PathBuf};

use crate::loader::{brotli, gzip};
use crate::Result;

/// The extensions worth compressing: text and wasm. Pictures and fonts are already
/// compressed.
const COMPRESSIBLE: [&str; 10] = [
    "wasm", "js", "mjs", "css", "html", "svg", "json", "ftl", "txt", "map",
];

/// Writes `.br` and `.gz` beside every compressible file under `dist`, and returns the
/// number of files it compressed. Files whose compressed siblings are already newer are
/// left as they are (the loader step writes its own).
pub fn run(dist: &Path) -> Result<usize> {
    let mut files = Vec::new();
    walk(dist, &mut files)?;
    let mut done = 0;
    for file in files {
        let name = file.to_string_lossy().into_owned();
        let Some(ext) = file.extension().and_then(|e| e.to_str()) else {
            continue;
        };
        if !COMPRESSIBLE.contains(&ext) {
            continue;
        }
        let data = std::fs::read(&file).map_err(|e| format!("reading {name}: {e}"))?;
        let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        let source_time = modified(&file);
        for (suffix, compress) in [("br", brotli as fn(&[u8]) -> Vec<u8>), ("gz", gzip)] {
            let out = PathBuf::from(format!("{name}.{suffix}"));
            if source_time.is_some() && modified(&out) >= source_time {
                continue;
            }
            let packed = compress(&data);
            if packed.len() < data.len() {
                std::fs::write(&out, &packed)
                    .map_err(|e| format!("writing {}: {e}", out.display()))?;
            } else if out.exists() {
                std::fs::remove_file(&out)
                    .map_err(|e| format!("removing {}: {e}", out.display()))?;
            }
        }
        done += 1;
    }
    Ok(done)
}

/// Every regular file under `dir`, recursively.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let kind = entry
            .file_type()
            .map_err(|e| format!("{}: {e}", entry.path().display()))?;
        if kind.is_dir() {
            walk(&entry.path(), out)?;
        } else if kind.is_file() {
            out.push(entry.path());
        }
    }
    Ok(())
}
