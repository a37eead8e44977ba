//! Unicode tables and predicates (identifier classes, white space, case mapping), a leaf module.
//!
//! Identifier classes come from the `unicode-ident` crate (UAX #31 `ID_Start` /
//! `ID_Continue`, the same sets ECMA-262 uses); white space and line terminators are the
//! small fixed sets of ECMA-262 clause 12.2 / 12.3. Case mapping submodules are added by the
//! `regexp` work.

pub mod case;
pub mod props;
#[rustfmt::skip]
pub mod tables;

/// Spec: #sec-white-space — TAB, VT, FF, ZWNBSP (U+FEFF) and every `Zs` code point.
pub fn is_whitespace(c: char) -> bool {
    matches!(
        c,
        '\u{9}' | '\u{B}' | '\u{C}' | ' ' | '\u{A0}' | '\u{FEFF}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// Spec: #sec-line-terminators — LF, CR, LS (U+2028), PS (U+2029).
pub fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// Spec: #sec-names-and-keywords — IdentifierStartChar: `ID_Start`, `$`, `_`.
pub fn is_id_start(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic() || c == '$' || c == '_'
    } else {
        unicode_ident::is_xid_start(c) || is_other_id_start(c)
    }
}

/// Spec: #sec-names-and-keywords — IdentifierPartChar: `ID_Continue`, `$`, ZWNJ, ZWJ.
pub fn is_id_continue(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '$' || c == '_'
    } else {
        unicode_ident::is_xid_continue(c)
            || is_other_id_start(c)
            || is_other_id_continue(c)
            || c == '\u{200C}'
            || c == '\u{200D}'
    }
}

/// Code points that are `ID_Start` but not `XID_Start` (NFKC-unstable ones, UAX #31 §2.1),
/// plus `Other_ID_Start`. `unicode-ident` only provides the XID sets.
fn is_other_id_start(c: char) -> bool {
    matches!(
        c,
        '\u{037A}' | '\u{0E33}' | '\u{0EB3}' | '\u{309B}' | '\u{309C}' | '\u{FC5E}'
            ..='\u{FC63}'
                | '\u{FDFA}'
                | '\u{FDFB}'
                | '\u{FE70}'
                | '\u{FE72}'
                | '\u{FE74}'
                | '\u{FE76}'
                | '\u{FE78}'
                | '\u{FE7A}'
                | '\u{FE7C}'
                | '\u{FE7E}'
                | '\u{FF9E}'
                | '\u{FF9F}'
                | '\u{1885}'
                | '\u{1886}'
                | '\u{2118}'
                | '\u{212E}'
    )
}

/// `ID_Continue` code points missing from `XID_Continue` (NFKC-unstable), plus
/// `Other_ID_Continue`.
fn is_other_id_continue(c: char) -> bool {
    matches!(
        c,
        '\u{00B7}' | '\u{0387}' | '\u{1369}'..='\u{1371}' | '\u{19DA}' | '\u{FF65}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert!(is_id_start('a') && is_id_start('$') && is_id_start('℘') && is_id_start('ゝ'));
        assert!(!is_id_start('1') && is_id_continue('1') && is_id_continue('\u{200C}'));
        assert!(is_whitespace('\u{FEFF}') && is_whitespace('\u{3000}') && !is_whitespace('\n'));
        assert!(is_line_terminator('\u{2028}') && !is_line_terminator('\u{85}'));
    }
}
