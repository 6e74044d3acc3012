//! `cargo xtask bytemap [WASM] [--top N]`: where a wasm module's bytes go, by crate.
//!
//! It reads cargo's output *before* wasm-bindgen and wasm-opt (by default the chat
//! bundle's `target/wasm32-unknown-unknown/wasm-release/parley-client.wasm`, which the
//! last `cargo xtask build-client` left), because only that file still has the `name`
//! section. Each function body is put under the crate of its name (the `Self` type's
//! crate for `<X as Trait>::f`, "generic blanket impls" when `Self` is a bare type
//! parameter), so the sizes are pre-optimization: wasm-opt shrinks and inlines them
//! afterwards, but the ranking is what a cut should aim at. wasm-bindgen's
//! `__wbindgen_describe_*` stubs, which it removes, are counted apart.
//!
//! A few dozen lines over the raw sections rather than a crate: the format's parts read
//! here (imports, code, data, names) are small and stable.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::{root, Result};

pub fn run(args: &[String]) -> Result {
    let mut path = None;
    let mut top = 40usize;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--top" => {
                top = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--top needs a number")?
            }
            other => path = Some(PathBuf::from(other)),
        }
    }
    let path = path.unwrap_or_else(|| {
        root().join("target/wasm32-unknown-unknown/wasm-release/parley-client.wasm")
    });
    let data = std::fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let module = Module::parse(&data).map_err(|e| format!("{}: {e}", path.display()))?;
    if module.names.is_empty() {
        return Err(format!(
            "{} has no name section (wasm-opt and wasm-bindgen drop it; use cargo's output)",
            path.display()
        ));
    }

    let mut by_crate: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut functions = Vec::new();
    let mut describe = 0usize;
    for (i, &size) in module.bodies.iter().enumerate() {
        let index = module.imported_functions + i as u32;
        let name = module
            .names
            .get(&index)
            .map(String::as_str)
            .map(demangle)
            .unwrap_or_else(|| format!("<function {index}>"));
        if name.starts_with("__wbindgen_describe") {
            describe += size;
            continue;
        }
        let entry = by_crate.entry(crate_of(&name)).or_default();
        entry.0 += size;
        entry.1 += 1;
        functions.push((size, name));
    }
    let code: usize = functions.iter().map(|(s, _)| s).sum();
    let mut crates: Vec<_> = by_crate.into_iter().collect();
    crates.sort_by_key(|c| std::cmp::Reverse(c.1 .0));

    println!("{} ({} B)", path.display(), data.len());
    println!(
        "code {code} B in {} functions (without {describe} B of __wbindgen_describe stubs), data {} B",
        functions.len(),
        module.data
    );
    println!(
        "\n{:<40} {:>10} {:>7} {:>6}",
        "crate", "bytes", "share", "fns"
    );
    for (name, (bytes, count)) in &crates {
        println!(
            "{:<40} {:>10} {:>6.1}% {:>6}",
            name,
            bytes,
            100.0 * *bytes as f64 / code as f64,
            count
        );
    }
    functions.sort_by_key(|f| std::cmp::Reverse(f.0));
    println!("\nthe {top} largest functions:");
    for (size, name) in functions.iter().take(top) {
        println!("{size:>8}  {}", shorten(name, 150));
    }
    Ok(())
}

/// What the byte map needs of a module.
struct Module {
    imported_functions: u32,
    /// The size of each function body, in the code section's order.
    bodies: Vec<usize>,
    /// Bytes of the data section.
    data: usize,
    /// Function index → name, from the `name` section.
    names: BTreeMap<u32, String>,
}

impl Module {
    fn parse(bytes: &[u8]) -> std::result::Result<Module, String> {
        if bytes.get(..4) != Some(b"\0asm") {
            return Err("not a wasm module".into());
        }
        let mut r = Reader { bytes, pos: 8 };
        let mut module = Module {
            imported_functions: 0,
            bodies: Vec::new(),
            data: 0,
            names: BTreeMap::new(),
        };
        while r.pos < bytes.len() {
            let id = r.byte()?;
            let size = r.leb()? as usize;
            let end = r.pos + size;
            let mut s = Reader {
                bytes: bytes.get(..end).ok_or("a section runs past the end")?,
                pos: r.pos,
            };
            match id {
                2 => module.imported_functions = imported_functions(&mut s)?,
                10 => {
                    for _ in 0..s.leb()? {
                        let len = s.leb()? as usize;
                        module.bodies.push(len);
                        s.pos += len;
                    }
                }
                11 => module.data = size,
                0 if s.name()? == "name" => {
                    while s.pos < end {
                        let sub = s.byte()?;
                        let len = s.leb()? as usize;
                        let next = s.pos + len;
                        if sub == 1 {
                            for _ in 0..s.leb()? {
                                let index = s.leb()?;
                                let name = s.name()?;
                                module.names.insert(index, name);
                            }
                        }
                        s.pos = next;
                    }
                }
                _ => {}
            }
            r.pos = end;
        }
        Ok(module)
    }
}

/// Counts the function imports (they come first in the function index space).
fn imported_functions(s: &mut Reader<'_>) -> std::result::Result<u32, String> {
    let mut functions = 0;
    for _ in 0..s.leb()? {
        s.name()?;
        s.name()?;
        match s.byte()? {
            0 => {
                s.leb()?;
                functions += 1;
            }
            1 => {
                s.byte()?;
                s.limits()?;
            }
            2 => s.limits()?,
            3 => {
                s.byte()?;
                s.byte()?;
            }
            4 => {
                s.byte()?;
                s.leb()?;
            }
            kind => return Err(format!("unknown import kind {kind}")),
        }
    }
    Ok(functions)
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> std::result::Result<u8, String> {
        let b = *self.bytes.get(self.pos).ok_or("unexpected end")?;
        self.pos += 1;
        Ok(b)
    }

    fn leb(&mut self) -> std::result::Result<u32, String> {
        let mut value = 0u64;
        let mut shift = 0;
        loop {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return u32::try_from(value).map_err(|_| "a LEB128 over 32 bits".into());
            }
            shift += 7;
            if shift > 35 {
                return Err("a LEB128 over 5 bytes".into());
            }
        }
    }

    fn name(&mut self) -> std::result::Result<String, String> {
        let len = self.leb()? as usize;
        let raw = self
            .bytes
            .get(self.pos..self.pos + len)
            .ok_or("a name runs past the end")?;
        self.pos += len;
        Ok(String::from_utf8_lossy(raw).into_owned())
    }

    fn limits(&mut self) -> std::result::Result<(), String> {
        let flags = self.byte()?;
        self.leb()?;
        if flags & 1 != 0 {
            self.leb()?;
        }
        Ok(())
    }
}

/// A legacy-mangled Rust name (`_ZN4core3fmt5write17h…E`, as the linker leaves them in
/// the name section) as a path (`core::fmt::write`), without the hash. Names in the v0
/// scheme (`_R…`) and anything else come back unchanged.
fn demangle(raw: &str) -> String {
    let Some(mut rest) = raw.trim_start_matches('_').strip_prefix("ZN") else {
        return raw.to_owned();
    };
    let mut segments = Vec::new();
    while !rest.starts_with('E') {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let Ok(len) = rest[..digits].parse::<usize>() else {
            return raw.to_owned();
        };
        let Some(segment) = rest.get(digits..digits + len) else {
            return raw.to_owned();
        };
        segments.push(segment);
        rest = &rest[digits + len..];
    }
    if let Some(last) = segments.last() {
        if last.len() == 17 && last.starts_with('h') {
            segments.pop();
        }
    }
    let segments: Vec<String> = segments
        .iter()
        .map(|s| unescape(s.strip_prefix("_$").map_or(s, |_| &s[1..])))
        .collect();
    segments.join("::")
}

/// Undoes the legacy mangling's escapes inside one segment (`$LT$`, `..`, `$u20$`, …).
fn unescape(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    let mut rest = segment;
    while let Some(c) = rest.chars().next() {
        if c == '$' {
            if let Some(end) = rest[1..].find('$') {
                let code = &rest[1..1 + end];
                let replaced = match code {
                    "LT" => Some('<'),
                    "GT" => Some('>'),
                    "RF" => Some('&'),
                    "BP" => Some('*'),
                    "LP" => Some('('),
                    "RP" => Some(')'),
                    "C" => Some(','),
                    "SP" => Some('@'),
                    _ => code
                        .strip_prefix('u')
                        .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                        .and_then(char::from_u32),
                };
                if let Some(r) = replaced {
                    out.push(r);
                    rest = &rest[end + 2..];
                    continue;
                }
            }
        }
        if let Some(after) = rest.strip_prefix("..") {
            out.push_str("::");
            rest = after;
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The first crate named in a v0-mangled name (`…Cs<hash>_<len><crate>…`).
fn v0_crate(name: &str) -> Option<String> {
    let bytes = name.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b'C' && bytes[i + 1] == b's' {
            let hash_end = i + 2 + name[i + 2..].find('_')?;
            let tail = &name[hash_end + 1..];
            let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
            let len: usize = tail[..digits].parse().ok()?;
            // An identifier that starts with `_` or a digit gets a `_` separator first.
            let start = digits + usize::from(tail[digits..].starts_with('_'));
            return tail.get(start..start + len).map(str::to_owned);
        }
        i += 1;
    }
    None
}

/// The crate a function's code belongs to: the first path segment, or for
/// `<X as Trait>::f` the one of `X` (generic `Self` types are grouped apart).
fn crate_of(name: &str) -> String {
    if name.starts_with("_R") {
        return group(&v0_crate(name).unwrap_or_else(|| "(v0-mangled)".into()));
    }
    let mut subject = name;
    while let Some(inner) = subject.strip_prefix('<') {
        subject = inner.trim_start_matches(['&', '*', '(', '[']);
        subject = subject
            .strip_prefix("mut ")
            .or_else(|| subject.strip_prefix("const "))
            .or_else(|| subject.strip_prefix("dyn "))
            .unwrap_or(subject);
    }
    // `<impl Trait for X>` segments: the crate is the path's first segment.
    if subject.starts_with("impl ") {
        subject = name;
    }
    let first: String = subject
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if first.is_empty() {
        return "(other)".into();
    }
    let bare_param = first.len() <= 2 && first.starts_with(|c: char| c.is_ascii_uppercase());
    if bare_param {
        return "(generic blanket impls)".into();
    }
    if !subject[first.len()..].starts_with("::") {
        return match first.as_str() {
            "memcpy" | "memset" | "memmove" | "memcmp" | "pow" => group("core"),
            _ => "(no path: exports, intrinsics)".into(),
        };
    }
    group(&first)
}

/// Crates that belong together in the map.
fn group(krate: &str) -> String {
    match krate {
        "core" | "alloc" | "std" | "dlmalloc" | "hashbrown" | "compiler_builtins" | "__rustc" => {
            "core + alloc + std".into()
        }
        "serde" | "serde_core" | "serde_json" | "zmij" | "itoa" | "ryu" => {
            "serde + serde_json".into()
        }
        "js_sys" | "web_sys" | "wasm_bindgen" | "wasm_bindgen_futures" => {
            "js_sys + web_sys + wasm_bindgen".into()
        }
        "leptos" | "leptos_dom" | "leptos_macro" => "leptos + leptos_dom".into(),
        other => other.to_owned(),
    }
}

fn shorten(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        return name.to_owned();
    }
    let cut: String = name.chars().take(max).collect();
    format!("{cut}…")
}
