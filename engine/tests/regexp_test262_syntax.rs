//! Runs test262 regular expression literals through `regexp::check_syntax`:
//! - every `negative: phase: parse` test under `language/literals/regexp`,
//!   `built-ins/RegExp` and `annexB/language/literals/regexp` whose body is a regex literal
//!   must be rejected;
//! - regex literals found (heuristically: a `/` where an expression starts) in the other
//!   tests of those directories must be accepted, unless the test's features are unsupported.
//!
//! Skips (passes) when the unpacked test262 tree is absent. Set `QJS_TEST262` to point
//! elsewhere; failures are listed with `--nocapture`.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    std::env::var("QJS_TEST262")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("/work/test262/test262"))
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "js")
            && !p.to_string_lossy().contains("_FIXTURE")
        {
            out.push(p);
        }
    }
}

/// Scans a regex literal starting at `s[0] == '/'`; returns (pattern, flags, length).
fn scan_literal(s: &[char]) -> Option<(String, String, usize)> {
    let mut i = 1;
    let mut in_class = false;
    let mut body = String::new();
    loop {
        let c = *s.get(i)?;
        match c {
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => return None,
            '\\' => {
                body.push(c);
                i += 1;
                let d = *s.get(i)?;
                if d == '\n' {
                    return None;
                }
                body.push(d);
            }
            '[' => {
                in_class = true;
                body.push(c)
            }
            ']' => {
                in_class = false;
                body.push(c)
            }
            '/' if !in_class => break,
            _ => body.push(c),
        }
        i += 1;
    }
    i += 1;
    let mut flags = String::new();
    while let Some(&c) = s.get(i) {
        if c.is_alphanumeric() || c == '\\' || c == '$' || c == '_' {
            flags.push(c);
            i += 1;
        } else {
            break;
        }
    }
    if body.is_empty() || body.starts_with('*') {
        return None;
    }
    Some((body, flags, i))
}

fn check(p: &str, f: &str) -> Result<(), String> {
    let p: Vec<u16> = p.encode_utf16().collect();
    let f: Vec<u16> = f.encode_utf16().collect();
    qjs_engine::regexp::check_syntax(&p, &f)
}

/// Source with comments and string/template contents blanked, so `/` inside them is not
/// taken for a literal.
fn strip(src: &str) -> Vec<char> {
    let s: Vec<char> = src.chars().collect();
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while let Some(&c) = s.get(i) {
        if c == '/' && s.get(i + 1) == Some(&'/') {
            let end = s[i..]
                .iter()
                .position(|&c| c == '\n')
                .map_or(s.len(), |n| i + n);
            out.resize(out.len() + (end - i), ' ');
            i = end;
            continue;
        }
        if c == '/' && s.get(i + 1) == Some(&'*') {
            let start = i;
            i += 2;
            while i + 1 < s.len() && !(s[i] == '*' && s[i + 1] == '/') {
                i += 1;
            }
            i += 2;
            out.resize(out.len() + (i.min(s.len()) - start), ' ');
            continue;
        }
        if c == '"' || c == '\'' || c == '`' {
            out.push(c);
            i += 1;
            while let Some(&d) = s.get(i) {
                if d == '\\' {
                    out.push(' ');
                    out.push(' ');
                    i += 2;
                    continue;
                }
                i += 1;
                if d == c || (d == '\n' && c != '`') {
                    out.push(d);
                    break;
                }
                out.push(' ');
            }
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

const UNSUPPORTED: &[&str] = &[];

/// Decodes a JS string literal starting at its quote; returns the UTF-16 value and the
/// length consumed.
fn string_literal(s: &[char]) -> Option<(Vec<u16>, usize)> {
    let q = *s.first()?;
    if q != '"' && q != '\'' {
        return None;
    }
    let mut out = Vec::new();
    let mut i = 1;
    let hex =
        |t: &[char]| -> Option<u32> { u32::from_str_radix(&t.iter().collect::<String>(), 16).ok() };
    loop {
        let c = *s.get(i)?;
        i += 1;
        if c == q {
            return Some((out, i));
        }
        if c == '\n' {
            return None;
        }
        if c != '\\' {
            let mut b = [0u16; 2];
            out.extend_from_slice(c.encode_utf16(&mut b));
            continue;
        }
        let e = *s.get(i)?;
        i += 1;
        let v = match e {
            'n' => 0x0A,
            'r' => 0x0D,
            't' => 0x09,
            'b' => 0x08,
            'f' => 0x0C,
            'v' => 0x0B,
            '0' => 0,
            '\n' => continue,
            'x' => {
                let v = hex(s.get(i..i + 2)?)?;
                i += 2;
                v
            }
            'u' if s.get(i) == Some(&'{') => {
                let end = s[i..].iter().position(|&c| c == '}')? + i;
                let v = hex(&s[i + 1..end])?;
                i = end + 1;
                v
            }
            'u' => {
                let v = hex(s.get(i..i + 4)?)?;
                i += 4;
                v
            }
            other => other as u32,
        };
        if v >= 0x10000 {
            let w = v - 0x10000;
            out.push(0xD800 | (w >> 10) as u16);
            out.push(0xDC00 | (w & 0x3FF) as u16);
        } else {
            out.push(v as u16);
        }
    }
}

/// `RegExp("pattern")` / `RegExp("pattern", "flags")` with literal arguments at `s` (just
/// after `RegExp(`).
fn constructor_args(s: &[char]) -> Option<(Vec<u16>, Vec<u16>)> {
    let skip_ws = |mut i: usize| {
        while s.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        i
    };
    let i = skip_ws(0);
    let (p, n) = string_literal(s.get(i..)?)?;
    let i = skip_ws(i + n);
    match s.get(i)? {
        ')' => Some((p, Vec::new())),
        ',' => {
            let i = skip_ws(i + 1);
            let (f, n) = string_literal(s.get(i..)?)?;
            let i = skip_ws(i + n);
            (*s.get(i)? == ')').then_some((p, f))
        }
        _ => None,
    }
}

fn check16(p: &[u16], f: &[u16]) -> Result<(), String> {
    qjs_engine::regexp::check_syntax(p, f)
}

/// `new RegExp("...", "...")` calls with literal arguments in `built-ins/RegExp`: inside
/// `assert.throws(SyntaxError, ...)` they must be rejected, elsewhere accepted.
#[test]
fn test262_regexp_constructor_syntax() {
    let root = root();
    if !root.join("test").is_dir() {
        eprintln!("test262 not found at {}, skipping", root.display());
        return;
    }
    let mut all = Vec::new();
    files(&root.join("test/built-ins/RegExp"), &mut all);
    files(&root.join("test/annexB/built-ins/RegExp"), &mut all);
    all.sort();
    let (mut neg_total, mut neg_pass, mut pos_total, mut pos_pass) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for path in &all {
        let Ok(src) = std::fs::read_to_string(path) else {
            continue;
        };
        let s: Vec<char> = src.chars().collect();
        let text: String = s.iter().collect();
        let mut i = 0;
        while i + 7 < s.len() {
            if s[i..i + 7].iter().collect::<String>() != "RegExp("
                || (i > 0 && s[i - 1].is_alphanumeric())
            {
                i += 1;
                continue;
            }
            let Some((p, f)) = constructor_args(&s[i + 7..]) else {
                i += 1;
                continue;
            };
            // Inside `assert.throws(SyntaxError, ...)` when the nearest preceding
            // `assert.throws(` names SyntaxError and no `});` closes it before here.
            let before: String = s[i.saturating_sub(400)..i].iter().collect();
            let in_throws = before.rfind("assert.throws(").is_some_and(|at| {
                let tail = &before[at..];
                tail.starts_with("assert.throws(SyntaxError")
                    && !tail.contains("});")
                    && !tail.contains("},")
                    && !tail.contains(");\n")
            });
            // Old-style tests: `try { ... new RegExp(...) ... } catch (e) { e instanceof
            // SyntaxError }`.
            let in_try = text.contains("instanceof SyntaxError")
                && before
                    .rfind("try {")
                    .is_some_and(|at| !before[at..].contains('}'));
            let throws = in_throws || in_try;
            let nested = {
                let t = before.trim_end();
                t.ends_with("RegExp(new") || t.ends_with("RegExp(")
            };
            if nested {
                // The argument of another RegExp call, which is what the test is about.
                i += 7;
                continue;
            }
            if !throws && text.contains("SyntaxError") {
                // Can't tell what this file expects of this call.
                i += 7;
                continue;
            }
            let r = check16(&p, &f);
            let shown = format!(
                "/{}/{}",
                String::from_utf16_lossy(&p),
                String::from_utf16_lossy(&f)
            );
            if throws {
                neg_total += 1;
                if r.is_err() {
                    neg_pass += 1;
                } else {
                    failures.push(format!("accepted: {shown} ({})", path.display()));
                }
            } else {
                pos_total += 1;
                match r {
                    Ok(()) => pos_pass += 1,
                    Err(e) => failures.push(format!("rejected: {shown} {e} ({})", path.display())),
                }
            }
            i += 7;
        }
    }
    for f in &failures {
        println!("{f}");
    }
    println!("constructor: must reject {neg_pass}/{neg_total}; must accept {pos_pass}/{pos_total}");
    assert!(
        neg_total > 100,
        "too few SyntaxError cases found: {neg_total}"
    );
    assert_eq!(failures.len(), 0, "{} failures", failures.len());
}

#[test]
fn test262_regexp_literal_syntax() {
    let root = root();
    if !root.join("test").is_dir() {
        eprintln!("test262 not found at {}, skipping", root.display());
        return;
    }
    let mut all = Vec::new();
    for d in [
        "test/language/literals/regexp",
        "test/built-ins/RegExp",
        "test/annexB/language/literals/regexp",
        "test/annexB/built-ins/RegExp",
    ] {
        files(&root.join(d), &mut all);
    }
    all.sort();
    let (mut neg_total, mut neg_pass, mut pos_total, mut pos_pass) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for path in &all {
        let Ok(src) = std::fs::read_to_string(path) else {
            continue;
        };
        let Some(meta_end) = src.find("---*/") else {
            continue;
        };
        let meta = &src[..meta_end];
        if UNSUPPORTED.iter().any(|f| meta.contains(f)) {
            continue;
        }
        let body = &src[meta_end + 5..];
        let negative = meta.contains("phase: parse") && meta.contains("SyntaxError");
        if negative {
            let Some(at) = body.find("$DONOTEVALUATE();") else {
                continue;
            };
            let rest: Vec<char> = body[at + 17..].chars().collect();
            let Some(start) = rest.iter().position(|c| !c.is_whitespace()) else {
                continue;
            };
            if rest[start] != '/' {
                continue;
            }
            let Some((p, f, len)) = scan_literal(&rest[start..]) else {
                continue;
            };
            if f.contains('\\')
                || (rest.get(start + len) == Some(&'/') && rest.get(start + len + 1) != Some(&'*'))
            {
                continue; // escaped flags or `/a//`: a lexer/parser error, not a pattern error
            }
            neg_total += 1;
            if check(&p, &f).is_err() {
                neg_pass += 1;
            } else {
                failures.push(format!("accepted: /{p}/{f}  ({})", path.display()));
            }
            continue;
        }
        if meta.contains("negative:") {
            continue;
        }
        let s = strip(body);
        let mut i = 0;
        while i < s.len() {
            if s[i] == '/' {
                let prev = s[..i].iter().rev().find(|c| !c.is_whitespace()).copied();
                let expr_start = matches!(
                    prev,
                    None | Some(
                        '(' | ',' | '=' | ':' | '[' | '!' | '&' | '|' | '?' | '{' | '}' | ';'
                    )
                );
                if expr_start {
                    if let Some((p, f, len)) = scan_literal(&s[i..]) {
                        if !f.contains('\\') {
                            pos_total += 1;
                            match check(&p, &f) {
                                Ok(()) => pos_pass += 1,
                                Err(e) => failures
                                    .push(format!("rejected: /{p}/{f} {e} ({})", path.display())),
                            }
                        }
                        i += len;
                        continue;
                    }
                }
            }
            i += 1;
        }
    }
    for f in &failures {
        println!("{f}");
    }
    println!("negative (must reject): {neg_pass}/{neg_total}; positive literals (must accept): {pos_pass}/{pos_total}");
    assert!(neg_total > 300, "too few negative tests found: {neg_total}");
    assert_eq!(failures.len(), 0, "{} failures", failures.len());
}
