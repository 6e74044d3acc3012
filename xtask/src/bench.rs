//! `cargo xtask bench`: measurements that would be flaky as tests.
//!
//! Sections: `size` (the release bundle, raw / gzip -9 / brotli 11). Later issues add
//! server throughput, bot accuracy and load time.

use std::io::Write;
use std::path::Path;

use crate::{build_client, root, tools, Result};

pub fn run(args: &[String]) -> Result {
    let all = args.is_empty();
    let want = |s: &str| all || args.iter().any(|a| a == s);
    if want("size") {
        tools::setup()?;
        build_client()?;
        sizes(&root().join("dist"))?;
    }
    Ok(())
}

fn gzip_len(data: &[u8]) -> usize {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).expect("in-memory write");
    e.finish().expect("in-memory write").len()
}

fn brotli_len(data: &[u8]) -> usize {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &data[..], &mut out, &params).expect("in-memory write");
    out.len()
}

/// Prints a table of every file a first load fetches, and the total.
fn sizes(dist: &Path) -> Result {
    let mut rows = Vec::new();
    let entries = std::fs::read_dir(dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default()
            .to_owned();
        if !["wasm", "js", "css", "html"].contains(&ext.as_str()) {
            continue;
        }
        let data = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        rows.push((ext, data.len(), gzip_len(&data), brotli_len(&data)));
    }
    rows.sort();
    println!("\nrelease bundle (dist/), bytes:");
    println!(
        "{:<6} {:>10} {:>10} {:>10}",
        "file", "raw", "gzip -9", "brotli 11"
    );
    let mut total = (0, 0, 0);
    for (ext, raw, gz, br) in &rows {
        println!("{ext:<6} {raw:>10} {gz:>10} {br:>10}");
        total = (total.0 + raw, total.1 + gz, total.2 + br);
    }
    println!(
        "{:<6} {:>10} {:>10} {:>10}",
        "total", total.0, total.1, total.2
    );
    Ok(())
}
