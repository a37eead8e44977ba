//! Unit tests of matching: every construct, both input encodings, case-insensitivity,
//! lookarounds, and the interrupt / memory limits on catastrophic patterns.

use super::{compile, ExecControl, ExecError, Input, Unlimited};

fn u16s(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

/// Matches and returns each group as a string (None: did not participate).
fn m(p: &str, f: &str, s: &str) -> Option<Vec<Option<String>>> {
    let re = compile(&u16s(p), &u16s(f)).unwrap_or_else(|e| panic!("/{p}/{f}: {e}"));
    let input = u16s(s);
    let mut ctl = Unlimited { remaining: 1 << 30 };
    let caps = re
        .exec(Input::Utf16(&input), 0, &mut ctl)
        .expect("no limit hit")?;
    // The Latin-1 path must agree when the subject fits.
    if input.iter().all(|&c| c < 256) {
        let bytes: Vec<u8> = input.iter().map(|&c| c as u8).collect();
        let mut ctl = Unlimited { remaining: 1 << 30 };
        let c2 = re
            .exec(Input::Latin1(&bytes), 0, &mut ctl)
            .expect("no limit hit");
        assert_eq!(
            c2.as_ref(),
            Some(&caps),
            "latin1 vs utf16 for /{p}/{f} on {s:?}"
        );
    }
    Some(
        caps.groups
            .iter()
            .map(|g| g.map(|(a, b)| String::from_utf16_lossy(&input[a..b])))
            .collect(),
    )
}

fn m0(p: &str, f: &str, s: &str) -> Option<String> {
    m(p, f, s).and_then(|g| g.into_iter().next().flatten())
}

fn groups(v: &[Option<&str>]) -> Option<Vec<Option<String>>> {
    Some(v.iter().map(|g| g.map(|s| s.to_string())).collect())
}

#[test]
fn literals_and_alternation() {
    assert_eq!(m0("abc", "", "xxabcx").as_deref(), Some("abc"));
    assert_eq!(m0("b|abc", "", "abc").as_deref(), Some("abc"));
    assert_eq!(m0("x|y|z", "", "aaz").as_deref(), Some("z"));
    assert_eq!(m0("", "", "abc").as_deref(), Some(""));
    assert_eq!(m0("abd", "", "abc"), None);
}

#[test]
fn quantifiers() {
    assert_eq!(m0("a*", "", "aaab").as_deref(), Some("aaa"));
    assert_eq!(m0("a*?", "", "aaab").as_deref(), Some(""));
    assert_eq!(m0("a+?b", "", "aaab").as_deref(), Some("aaab"));
    assert_eq!(m0("a{2,3}", "", "aaaa").as_deref(), Some("aaa"));
    assert_eq!(m0("a{2,3}?", "", "aaaa").as_deref(), Some("aa"));
    assert_eq!(m0("(?:ab){2}", "", "abababx").as_deref(), Some("abab"));
    assert_eq!(m0("a{0}b", "", "ab").as_deref(), Some("b"));
    assert_eq!(m0(".*b", "", "aaabcb").as_deref(), Some("aaabcb"));
    assert_eq!(m0("[a-c]*c", "", "abcabcx").as_deref(), Some("abcabc"));
    // Spec examples (22.2.2.3.1 RepeatMatcher notes).
    assert_eq!(
        m("(z)((a+)?(b+)?(c))*", "", "zaacbbbcac"),
        groups(&[
            Some("zaacbbbcac"),
            Some("z"),
            Some("ac"),
            Some("a"),
            None,
            Some("c"),
        ])
    );
    assert_eq!(m("(a*)*", "", "b"), groups(&[Some(""), None]));
    assert_eq!(m("(a*)b\\1+", "", "baaaac"), groups(&[Some("b"), Some("")]));
    assert_eq!(
        m("(.*?)a(?!(a+)b\\2c)\\2(.*)", "", "baaabaac"),
        groups(&[Some("baaabaac"), Some("ba"), None, Some("abaac"),])
    );
}

#[test]
fn groups_and_backrefs() {
    assert_eq!(
        m("(a)(b)?", "", "ac"),
        groups(&[Some("a"), Some("a"), None])
    );
    assert_eq!(m("(a)|b", "", "b"), groups(&[Some("b"), None]));
    assert_eq!(m0("(a+)b\\1", "", "aabaa").as_deref(), Some("aabaa"));
    assert_eq!(m0("\\1(a)", "", "aa").as_deref(), Some("a"));
    assert_eq!(m0("(?<x>a)\\k<x>", "", "aa").as_deref(), Some("aa"));
    assert_eq!(m0("(?<x>a)|(?<x>b)\\k<x>", "", "bb").as_deref(), Some("bb"));
    assert_eq!(m0("(A)\\1", "i", "aA").as_deref(), Some("aA"));
    let re = compile(&u16s("(?<a>x)|(?<a>y)(?<b>z)"), &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        re.group_names(),
        &[("a".to_string(), vec![1, 2]), ("b".to_string(), vec![3])]
    );
}

#[test]
fn assertions() {
    assert_eq!(m0("^b", "", "ab"), None);
    assert_eq!(m0("^b", "m", "a\nb").as_deref(), Some("b"));
    assert_eq!(m0("a$", "", "a\nb"), None);
    assert_eq!(m0("a$", "m", "a\nb").as_deref(), Some("a"));
    assert_eq!(m0("\\bfoo\\b", "", "a foo b").as_deref(), Some("foo"));
    assert_eq!(m0("\\Boo", "", "foo").as_deref(), Some("oo"));
    assert_eq!(m0("a(?=b)", "", "acab").as_deref(), Some("a"));
    assert_eq!(
        m("(?=(a+))a*b\\1", "", "baaabac"),
        groups(&[Some("aba"), Some("a")])
    );
    assert_eq!(m0("a(?!b)", "", "abac").as_deref(), Some("a"));
    assert_eq!(m0("(?<=\\$)\\d+", "", "cost $42").as_deref(), Some("42"));
    assert_eq!(m0("(?<!\\$)\\b\\d+", "", "$4 17").as_deref(), Some("17"));
    assert_eq!(
        m("(?<=(\\d+)(\\d+))$", "", "1053"),
        groups(&[Some(""), Some("1"), Some("053")])
    );
    assert_eq!(
        m("(?<=\\1(a))b", "", "aab"),
        groups(&[Some("b"), Some("a")])
    );
}

#[test]
fn classes_and_escapes() {
    assert_eq!(m0("[^a-c]+", "", "abcdef").as_deref(), Some("def"));
    assert_eq!(m0("\\d+", "", "ab123").as_deref(), Some("123"));
    assert_eq!(m0("\\w+", "", "  ab_1 ").as_deref(), Some("ab_1"));
    assert_eq!(
        m0("\\s+", "", "a \t\u{3000}b").as_deref(),
        Some(" \t\u{3000}")
    );
    assert_eq!(m0("[\\b]", "", "a\u{8}").as_deref(), Some("\u{8}"));
    assert_eq!(m0("\\x41\\u0042\\cJ", "", "AB\n").as_deref(), Some("AB\n"));
    assert_eq!(m0("\\101", "", "A").as_deref(), Some("A"));
    assert_eq!(m0("a.c", "", "a\nc abc").as_deref(), Some("abc"));
    assert_eq!(m0("a.c", "s", "a\nc").as_deref(), Some("a\nc"));
    assert_eq!(m0("[\\d-z]+", "", "1-z").as_deref(), Some("1-z"));
}

#[test]
fn unicode_mode() {
    assert_eq!(m0(".", "u", "😀").as_deref(), Some("😀"));
    assert_eq!(m0(".", "", "😀").map(|s| s.len()), Some(3)); // lone surrogate, lossy
    assert_eq!(m0("^[😀]$", "u", "😀").as_deref(), Some("😀"));
    assert_eq!(m0("\\u{1F600}", "u", "x😀").as_deref(), Some("😀"));
    assert_eq!(m0("\\p{Lu}+", "u", "abCDe").as_deref(), Some("CD"));
    assert_eq!(
        m0("\\p{Script=Greek}+", "u", "abαβγd").as_deref(),
        Some("αβγ")
    );
    assert_eq!(m0("\\P{L}+", "u", "ab12c").as_deref(), Some("12"));
    assert_eq!(m0("(?<=😀)a", "u", "😀a").as_deref(), Some("a"));
}

#[test]
fn case_insensitive() {
    assert_eq!(m0("abc", "i", "xABC").as_deref(), Some("ABC"));
    assert_eq!(m0("[a-z]+", "i", "HeLLo!").as_deref(), Some("HeLLo"));
    assert_eq!(m0("[^a-z]", "i", "aZ9").as_deref(), Some("9"));
    assert_eq!(m0("\u{3c3}", "i", "\u{3a3}").as_deref(), Some("\u{3a3}"));
    // ſ and K (Kelvin) fold to s/k only in unicode mode.
    assert_eq!(m0("s", "i", "\u{17f}"), None);
    assert_eq!(m0("s", "iu", "\u{17f}").as_deref(), Some("\u{17f}"));
    assert_eq!(m0("\\w", "iu", "\u{212a}").as_deref(), Some("\u{212a}"));
    assert_eq!(m0("\\W", "iu", "S"), None);
    assert_eq!(m0("(?i:a)b", "", "AB"), None);
    assert_eq!(m0("(?i:a)b", "", "Ab").as_deref(), Some("Ab"));
    assert_eq!(m0("a(?-i:b)", "i", "AB"), None);
}

#[test]
fn sets_mode() {
    assert_eq!(m0("[\\p{L}--[a-z]]+", "v", "abCDe").as_deref(), Some("CD"));
    assert_eq!(
        m0("[[a-z]&&[^aeiou]]+", "v", "aebcdi").as_deref(),
        Some("bcd")
    );
    assert_eq!(m0("[\\q{abc|a}]", "v", "abc").as_deref(), Some("abc"));
    assert_eq!(m0("^\\p{RGI_Emoji}$", "v", "👍🏽").as_deref(), Some("👍🏽"));
    assert_eq!(m0("[\\q{AB}]", "vi", "ab").as_deref(), Some("ab"));
    assert_eq!(m0("[^x]", "vi", "X"), None);
}

#[test]
fn start_and_sticky() {
    let re = compile(&u16s("a"), &u16s("y")).unwrap_or_else(|e| panic!("{e}"));
    let s = u16s("ba");
    let mut ctl = Unlimited { remaining: 1 << 20 };
    assert_eq!(re.exec(Input::Utf16(&s), 0, &mut ctl), Ok(None));
    assert!(re
        .exec(Input::Utf16(&s), 1, &mut ctl)
        .is_ok_and(|c| c.is_some()));
    assert_eq!(re.exec(Input::Utf16(&s), 3, &mut ctl), Ok(None));
}

struct Countdown {
    polls: u32,
}

impl ExecControl for Countdown {
    fn poll(&mut self) -> bool {
        self.polls = self.polls.saturating_sub(1);
        self.polls > 0
    }
    fn charge(&mut self, _bytes: usize) -> bool {
        true
    }
}

#[test]
fn catastrophic_pattern_is_interrupted() {
    let re = compile(&u16s("(a*)*b"), &[]).unwrap_or_else(|e| panic!("{e}"));
    let s = u16s(&"a".repeat(30));
    let mut ctl = Countdown { polls: 100 };
    assert_eq!(
        re.exec(Input::Utf16(&s), 0, &mut ctl),
        Err(ExecError::Interrupted)
    );
    assert_eq!(ctl.polls, 0);
}

#[test]
fn backtrack_stack_is_charged() {
    let re = compile(&u16s("(?:a|b)*c"), &u16s("y")).unwrap_or_else(|e| panic!("{e}"));
    let s = vec![b'a'; 100_000];
    let mut ctl = Unlimited {
        remaining: 64 * 1024,
    };
    assert_eq!(
        re.exec(Input::Latin1(&s), 0, &mut ctl),
        Err(ExecError::OutOfMemory)
    );
    let mut ctl = Unlimited { remaining: 1 << 30 };
    assert_eq!(re.exec(Input::Latin1(&s), 0, &mut ctl), Ok(None));
}

#[test]
fn disassembly() {
    let re = compile(&u16s("a|b*"), &[]).unwrap_or_else(|e| panic!("{e}"));
    let d = re.disassemble();
    assert!(d.contains("Fork target="), "{d}");
    assert!(d.contains("GreedyChar min=0 max=4294967295"), "{d}");
    assert!(d.trim_end().ends_with("Match"), "{d}");
}

/// A small deterministic generator (xorshift) for the robustness test.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Random patterns built from regex-significant pieces never panic the parser, compiler or
/// matcher, in any mode, and every match stays within the subject.
#[test]
fn random_patterns_do_not_panic() {
    const PIECES: &[&str] = &[
        "a",
        "b",
        "(",
        ")",
        "(?:",
        "(?=",
        "(?!",
        "(?<=",
        "(?<!",
        "(?<n>",
        "\\k<n>",
        "[",
        "]",
        "[^",
        "-",
        "|",
        "*",
        "+",
        "?",
        "{",
        "}",
        "{1,2}",
        "{2}",
        ",",
        "\\",
        "\\1",
        "\\2",
        "\\b",
        "\\B",
        "\\d",
        "\\W",
        "\\s",
        "\\p{L}",
        "\\P{Lu}",
        "\\q{ab|c}",
        "&&",
        "--",
        "^",
        "$",
        ".",
        "\\u{1F600}",
        "\\uD83D",
        "\u{1F600}",
        "\\c",
        "\\x4",
        "(?i:",
        "(?-i:",
        "0",
        "\u{17f}",
    ];
    const FLAGS: &[&str] = &["", "i", "u", "v", "iu", "vi", "ms", "y", "imsu"];
    let subjects: Vec<Vec<u16>> = ["", "aab", "ba\u{1F600}Ab\n", "abababab", "\u{17f}S c_9"]
        .iter()
        .map(|s| u16s(s))
        .collect();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut compiled = 0;
    for _ in 0..3000 {
        let n = 1 + rng.next() % 8;
        let mut p = String::new();
        for _ in 0..n {
            p.push_str(PIECES[(rng.next() % PIECES.len() as u64) as usize]);
        }
        let f = FLAGS[(rng.next() % FLAGS.len() as u64) as usize];
        let Ok(re) = compile(&u16s(&p), &u16s(f)) else {
            continue;
        };
        compiled += 1;
        for s in &subjects {
            let mut ctl = Unlimited { remaining: 1 << 24 };
            if let Ok(Some(c)) = re.exec(Input::Utf16(s), 0, &mut ctl) {
                for (a, b) in c.groups.iter().flatten() {
                    assert!(a <= b && *b <= s.len(), "/{p}/{f}: bad capture {a}..{b}");
                }
            }
        }
    }
    assert!(compiled > 300, "only {compiled} patterns compiled");
}
