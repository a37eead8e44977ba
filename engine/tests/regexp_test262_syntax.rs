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
            let end = s[i..].iter().position(|&c| c == '\n').map_or(s.len(), |n| i + n);
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
