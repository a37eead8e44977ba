//! Case mapping and case folding over the generated Unicode 17.0.0 tables
//! ([`super::tables`]): the regexp Canonicalize operation and the full, locale-independent
//! `String.prototype.toUpperCase` / `toLowerCase` mappings (SpecialCasing unconditional
//! entries plus Final_Sigma).
//!
//! Invariant: every table is sorted by source code point, so lookups are binary searches.

use super::tables;

fn lookup(table: &[(u32, u32)], c: u32) -> Option<u32> {
    table
        .binary_search_by_key(&c, |e| e.0)
        .ok()
        .and_then(|i| table.get(i))
        .map(|e| e.1)
}

fn lookup_multi(table: &'static [(u32, &'static [u32])], c: u32) -> Option<&'static [u32]> {
    table
        .binary_search_by_key(&c, |e| e.0)
        .ok()
        .and_then(|i| table.get(i))
        .map(|e| e.1)
}

/// Simple case folding (scf): CaseFolding.txt statuses C and S.
pub fn simple_fold(c: u32) -> u32 {
    lookup(tables::SIMPLE_FOLD, c).unwrap_or(c)
}

/// Simple uppercase mapping.
pub fn simple_upper(c: u32) -> u32 {
    lookup(tables::SIMPLE_UPPER, c).unwrap_or(c)
}

/// Simple lowercase mapping.
pub fn simple_lower(c: u32) -> u32 {
    lookup(tables::SIMPLE_LOWER, c).unwrap_or(c)
}

/// The (source, canonical) pairs of the regexp Canonicalize operation, for every character
/// it changes: simple case folding with `u`/`v`, the single-unit uppercase rule without.
pub fn canon_table(unicode: bool) -> &'static [(u32, u32)] {
    if unicode {
        tables::SIMPLE_FOLD
    } else {
        tables::CANON_UPPER
    }
}

/// Spec: #sec-runtime-semantics-canonicalize-ch (with ignoreCase true). `unicode` is
/// HasEitherUnicodeFlag.
pub fn canonicalize(c: u32, unicode: bool) -> u32 {
    lookup(canon_table(unicode), c).unwrap_or(c)
}

/// Decodes UTF-16 into code points, lone surrogates kept as themselves.
fn code_points(s: &[u16]) -> impl Iterator<Item = (usize, u32)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        let c = *s.get(i)? as u32;
        let start = i;
        i += 1;
        if (0xD800..0xDC00).contains(&c) {
            if let Some(&d) = s.get(i) {
                let d = d as u32;
                if (0xDC00..0xE000).contains(&d) {
                    i += 1;
                    return Some((start, 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00)));
                }
            }
        }
        Some((start, c))
    })
}

fn push_utf16(out: &mut Vec<u16>, c: u32) {
    if c >= 0x10000 {
        let v = c - 0x10000;
        out.push(0xD800 | (v >> 10) as u16);
        out.push(0xDC00 | (v & 0x3FF) as u16);
    } else {
        out.push(c as u16);
    }
}

/// Full uppercase mapping of a UTF-16 string (`String.prototype.toUpperCase`).
/// Spec: #sec-string.prototype.touppercase — Unicode Default Case Conversion, locale
/// independent.
pub fn to_upper(s: &[u16]) -> Vec<u16> {
    let mut out = Vec::with_capacity(s.len());
    for (_, c) in code_points(s) {
        // Fast path (not in spec): ASCII has only the simple a-z mapping.
        if c < 0x80 {
            out.push((c as u8).to_ascii_uppercase() as u16);
            continue;
        }
        match lookup_multi(tables::SPECIAL_UPPER, c) {
            Some(m) => m.iter().for_each(|&u| push_utf16(&mut out, u)),
            None => push_utf16(&mut out, simple_upper(c)),
        }
    }
    out
}

/// Full lowercase mapping of a UTF-16 string (`String.prototype.toLowerCase`), including the
/// Final_Sigma context rule for U+03A3. Spec: #sec-string.prototype.tolowercase.
pub fn to_lower(s: &[u16]) -> Vec<u16> {
    let mut out = Vec::with_capacity(s.len());
    for (i, c) in code_points(s) {
        // Fast path (not in spec): ASCII has only the simple A-Z mapping.
        if c < 0x80 {
            out.push((c as u8).to_ascii_lowercase() as u16);
            continue;
        }
        if c == 0x3A3 {
            let sigma = if is_final_sigma(s, i) { 0x3C2 } else { 0x3C3 };
            out.push(sigma);
            continue;
        }
        match lookup_multi(tables::SPECIAL_LOWER, c) {
            Some(m) => m.iter().for_each(|&u| push_utf16(&mut out, u)),
            None => push_utf16(&mut out, simple_lower(c)),
        }
    }
    out
}

/// Final_Sigma (Unicode 3.13, Table 3-17): before C is a cased letter followed by zero or
/// more case-ignorable characters, and after C is not zero or more case-ignorable
/// characters followed by a cased letter.
fn is_final_sigma(s: &[u16], at: usize) -> bool {
    // Scan backwards.
    let mut j = at;
    let mut before_cased = false;
    while j > 0 {
        let (c, len) = prev_code_point(s, j);
        j -= len;
        if is_case_ignorable(c) {
            continue;
        }
        before_cased = is_cased(c);
        break;
    }
    if !before_cased {
        return false;
    }
    for (_, c) in code_points(s.get(at + 1..).unwrap_or(&[])) {
        if is_case_ignorable(c) {
            continue;
        }
        return !is_cased(c);
    }
    true
}

fn prev_code_point(s: &[u16], end: usize) -> (u32, usize) {
    let Some(&lo) = s.get(end.wrapping_sub(1)) else {
        return (0, 1);
    };
    let lo = lo as u32;
    if (0xDC00..0xE000).contains(&lo) && end >= 2 {
        if let Some(&hi) = s.get(end - 2) {
            let hi = hi as u32;
            if (0xD800..0xDC00).contains(&hi) {
                return (0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00), 2);
            }
        }
    }
    (lo, 1)
}

fn in_binary_property(name: &str, c: u32) -> bool {
    super::props::binary_ranges(name).is_some_and(|r| {
        let idx = r.partition_point(|x| x.0 <= c);
        idx > 0 && r.get(idx - 1).is_some_and(|x| c <= x.1)
    })
}

fn is_cased(c: u32) -> bool {
    in_binary_property("Cased", c)
}

fn is_case_ignorable(c: u32) -> bool {
    in_binary_property("Case_Ignorable", c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }

    #[test]
    fn upper_lower() {
        assert_eq!(to_upper(&u("abcß")), u("ABCSS"));
        assert_eq!(to_upper(&u("ﬀ")), u("FF"));
        assert_eq!(to_lower(&u("ABC")), u("abc"));
        assert_eq!(to_lower(&u("\u{130}")), u("i\u{307}"));
        assert_eq!(to_lower(&u("ΑΣ")), u("ας"));
        assert_eq!(to_lower(&u("ΑΣΑ")), u("ασα"));
        assert_eq!(to_lower(&u("Σ")), u("σ"));
        assert_eq!(to_upper(&u("\u{10428}")), u("\u{10400}"));
        // Lone surrogates pass through.
        assert_eq!(to_upper(&[0xD800, 0x61]), vec![0xD800, 0x41]);
    }

    #[test]
    fn canonicalize_rules() {
        assert_eq!(canonicalize('a' as u32, false), 'A' as u32);
        // ſ (U+017F) uppercases to 'S', but non-ASCII never maps to ASCII.
        assert_eq!(canonicalize(0x17F, false), 0x17F);
        assert_eq!(canonicalize(0x17F, true), 's' as u32);
        // ß uppercases to "SS" (two units): unchanged.
        assert_eq!(canonicalize(0xDF, false), 0xDF);
        assert_eq!(canonicalize('A' as u32, true), 'a' as u32);
        assert_eq!(canonicalize(0x212A, true), 'k' as u32);
    }
}
