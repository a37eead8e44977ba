//! Runs test262's generated Unicode property escape tests
//! (`built-ins/RegExp/property-escapes/generated`, Unicode 17) natively: each file's
//! `buildString({loneCodePoints, ranges})` strings and `testPropertyEscapes(/re/, str)` /
//! `testPropertyOfStrings({regExp, matchStrings, nonMatchStrings})` calls are interpreted
//! here, so the property tables are checked without the JS runtime.
//!
//! Ignored by default (about a billion character tests in a debug build); run with
//! `cargo test -p qjs-engine --profile test-opt --test regexp_test262_property_escapes -- --ignored --nocapture`.

use std::collections::HashMap;
use std::path::PathBuf;

use qjs_engine::regexp::{compile, Input, Unlimited};

fn root() -> PathBuf {
    std::env::var("QJS_TEST262")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("/work/test262/test262"))
}

fn push_cp(out: &mut Vec<u16>, c: u32) {
    if c >= 0x10000 {
        let v = c - 0x10000;
        out.push(0xD800 | (v >> 10) as u16);
        out.push(0xDC00 | (v & 0x3FF) as u16);
    } else {
        out.push(c as u16);
    }
}

fn hex_numbers(s: &str) -> Vec<u32> {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter_map(|t| t.strip_prefix("0x"))
        .filter_map(|t| u32::from_str_radix(t, 16).ok())
        .collect()
}

/// `buildString({ loneCodePoints: [...], ranges: [[a, b], ...] })` body → UTF-16.
fn build_string(body: &str) -> Vec<u16> {
    let (lone, ranges) = body.split_once("ranges").unwrap_or((body, ""));
    let mut out = Vec::new();
    for c in hex_numbers(lone) {
        push_cp(&mut out, c);
    }
    for pair in hex_numbers(ranges).chunks(2) {
        if let [a, b] = pair {
            for c in *a..=*b {
                push_cp(&mut out, c);
            }
        }
    }
    out
}

/// Decodes a double-quoted JS string literal body (the escapes the generator uses).
fn js_string(s: &str) -> Vec<u16> {
    let mut out = Vec::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            push_cp(&mut out, c as u32);
            continue;
        }
        match it.next() {
            Some('u') => {
                let h: String = if it.peek() == Some(&'{') {
                    it.next();
                    it.by_ref().take_while(|&c| c != '}').collect()
                } else {
                    it.by_ref().take(4).collect()
                };
                push_cp(&mut out, u32::from_str_radix(&h, 16).unwrap_or(0xFFFD));
            }
            Some('x') => {
                let h: String = it.by_ref().take(2).collect();
                push_cp(&mut out, u32::from_str_radix(&h, 16).unwrap_or(0xFFFD));
            }
            Some(o) => push_cp(&mut out, o as u32),
            None => {}
        }
    }
    out
}

/// The regex literal `/.../flags` starting at `s`.
fn literal(s: &str) -> Option<(Vec<u16>, Vec<u16>)> {
    let s = s.trim_start().strip_prefix('/')?;
    let end = s.find("/u").or_else(|| s.find("/v"))?;
    let flags: String = s[end + 1..]
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    Some((
        s[..end].encode_utf16().collect(),
        flags.encode_utf16().collect(),
    ))
}

fn matches(p: &[u16], f: &[u16], s: &[u16]) -> Result<bool, String> {
    let re = compile(p, f)?;
    let mut ctl = Unlimited { remaining: 1 << 30 };
    re.exec(Input::Utf16(s), 0, &mut ctl)
        .map(|m| m.is_some())
        .map_err(|e| format!("{e:?}"))
}

#[test]
#[ignore]
fn test262_property_escapes() {
    let dir = root().join("test/built-ins/RegExp/property-escapes/generated");
    let Ok(rd) = std::fs::read_dir(&dir) else {
        eprintln!("test262 not found, skipping");
        return;
    };
    let mut files: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
    if let Ok(rd) = std::fs::read_dir(dir.join("strings")) {
        files.extend(rd.flatten().map(|e| e.path()));
    }
    files.retain(|p| p.extension().is_some_and(|x| x == "js"));
    files.sort();
    let (mut pass, mut total, mut checks) = (0, 0, 0);
    let mut failures = Vec::new();
    for path in &files {
        let Ok(src) = std::fs::read_to_string(path) else {
            continue;
        };
        if src.contains("negative:") {
            continue; // syntax tests: covered by regexp_test262_syntax
        }
        total += 1;
        let mut vars: HashMap<String, Vec<u16>> = HashMap::new();
        let mut ok = true;
        let mut rest = src.as_str();
        // Walk the statements in order.
        loop {
            let next_const = rest.find("const ");
            let next_test = rest.find("testPropertyEscapes(");
            let next_strings = rest.find("testPropertyOfStrings(");
            let Some(at) = [next_const, next_test, next_strings]
                .into_iter()
                .flatten()
                .min()
            else {
                break;
            };
            rest = &rest[at..];
            let end = rest.find(");").map_or(rest.len(), |e| e + 2);
            let stmt = &rest[..end];
            if let Some(decl) = stmt.strip_prefix("const ") {
                if let Some((name, body)) = decl.split_once("= buildString(") {
                    vars.insert(name.trim().to_string(), build_string(body));
                }
            } else if let Some(args) = stmt.strip_prefix("testPropertyEscapes(") {
                let Some((p, f)) = literal(args) else {
                    rest = &rest[end..];
                    continue;
                };
                let var = args.split(',').nth(1).unwrap_or("").trim();
                let s = vars.get(var).cloned().unwrap_or_default();
                checks += 1;
                match matches(&p, &f, &s) {
                    Ok(true) => {}
                    r => {
                        ok = false;
                        failures.push(format!(
                            "{}: /{}/ on {var}: {r:?}",
                            path.display(),
                            String::from_utf16_lossy(&p)
                        ));
                    }
                }
            } else if let Some(args) = stmt.strip_prefix("testPropertyOfStrings(") {
                let re_at = args.find("regExp:").map_or(0, |i| i + 7);
                let Some((p, f)) = literal(&args[re_at..]) else {
                    rest = &rest[end..];
                    continue;
                };
                let non_at = args.find("nonMatchStrings").unwrap_or(args.len());
                // As the harness does: test the concatenation, and the strings one by one
                // only if that fails (match) or succeeds (non-match).
                for (part, want) in [(&args[..non_at], true), (&args[non_at..], false)] {
                    let body = part.split_once('[').map_or("", |x| x.1);
                    let strings: Vec<Vec<u16>> =
                        body.split('"').skip(1).step_by(2).map(js_string).collect();
                    checks += 1;
                    if matches(&p, &f, &strings.concat()) == Ok(want) {
                        continue;
                    }
                    for (i, st) in strings.iter().enumerate() {
                        checks += 1;
                        if matches(&p, &f, st) != Ok(want) {
                            ok = false;
                            failures.push(format!("{}: string {i} want {want}", path.display()));
                        }
                    }
                }
            }
            rest = &rest[end..];
        }
        if ok {
            pass += 1;
        }
    }
    for f in failures.iter().take(40) {
        println!("{f}");
    }
    println!("property escape files passing: {pass}/{total} ({checks} checks)");
    assert!(failures.is_empty(), "{} failing checks", failures.len());
}
