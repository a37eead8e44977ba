//! The pattern parser: UTF-16 pattern text → [`Node`] tree, with every early error of
//! spec 22.2.1 (#sec-patterns-static-semantics-early-errors) and the Annex B grammar
//! (#sec-regular-expressions-patterns) when neither `u` nor `v` is set.
//!
//! Invariants:
//! - Nesting (groups, lookarounds, nested `v`-mode classes) is counted against
//!   [`MAX_DEPTH`]; deeper patterns are a SyntaxError, so the recursive descent here and the
//!   recursive passes over the tree (compiler) never exhaust the native stack.
//! - In unicode mode (`u` or `v`) characters are code points (surrogate pairs in the pattern
//!   are joined); otherwise every UTF-16 code unit is one character.
//! - In `v` mode with case-insensitivity, class operands are case-folded as they are built
//!   (MaybeSimpleCaseFolding) and complements are taken within the fixed points of folding,
//!   so `Node::Class` never needs `negate` in `v` mode.

use super::charset::{CharSet, MAX_CHAR};
use super::props;
use super::Flags;
use crate::unicode::case;

/// Maximum nesting of groups, lookarounds and nested classes.
pub const MAX_DEPTH: u32 = 256;

/// Flags a modifier group `(?ims-ims:...)` can change.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct ModFlags {
    pub ignore_case: bool,
    pub multiline: bool,
    pub dot_all: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    Empty,
    /// One character (code point in unicode mode, code unit otherwise).
    Char(u32),
    /// `.`
    Dot,
    /// A character class. `strings` holds the multi-character (or empty) strings of a `v`-mode
    /// class; `negate` is only set outside `v` mode.
    Class {
        set: CharSet,
        strings: Vec<Vec<u32>>,
        negate: bool,
    },
    /// `^`
    LineStart,
    /// `$`
    LineEnd,
    /// `\b` (`negate` false) or `\B`.
    WordBoundary {
        negate: bool,
    },
    /// A backreference to one or more groups (several only for a duplicated group name, of
    /// which at most one can participate).
    BackRef(Vec<u32>),
    /// A capturing group with its 1-based index.
    Group {
        index: u32,
        body: Box<Node>,
    },
    /// `(?=` `(?!` `(?<=` `(?<!`
    Look {
        behind: bool,
        negate: bool,
        body: Box<Node>,
    },
    /// A quantified atom; `max == u32::MAX` means no upper bound. `caps` is the range of
    /// capture indices inside the body (reset at each iteration).
    Repeat {
        body: Box<Node>,
        min: u32,
        max: u32,
        greedy: bool,
        caps: (u32, u32),
    },
    Seq(Vec<Node>),
    Alt(Vec<Node>),
    /// `(?ims-ims:body)`
    Modifiers {
        add: ModFlags,
        remove: ModFlags,
        body: Box<Node>,
    },
}

/// The result of parsing a pattern.
#[derive(Debug)]
pub struct Parsed {
    pub node: Node,
    /// Number of capturing groups (group 0, the whole match, not counted).
    pub capture_count: u32,
    /// Group names with the indices of the groups carrying them, in order of first
    /// appearance.
    pub names: Vec<(String, Vec<u32>)>,
}

/// A named group seen while parsing, with its position in the disjunction tree: a list of
/// (disjunction id, alternative index) pairs from the root.
struct NamedGroup {
    name: String,
    index: u32,
    path: Vec<(u32, u32)>,
}

struct Parser<'a> {
    src: &'a [u16],
    pos: usize,
    unicode: bool,
    sets: bool,
    named: bool,
    /// Current (possibly modified) ignoreCase, for `v`-mode folding.
    ignore_case: bool,
    total_captures: u32,
    captures: u32,
    depth: u32,
    groups: Vec<NamedGroup>,
    /// Current path in the disjunction tree.
    path: Vec<(u32, u32)>,
    next_disj: u32,
    /// Named backreferences to resolve once all names are known: (name, slot in `backrefs`).
    backref_names: Vec<String>,
}

type PResult<T> = Result<T, String>;

fn err<T>(msg: &str) -> PResult<T> {
    Err(msg.to_string())
}

const fn is_syntax_char(c: u32) -> bool {
    matches!(
        c,
        0x5E | 0x24
            | 0x5C
            | 0x2E
            | 0x2A
            | 0x2B
            | 0x3F
            | 0x28
            | 0x29
            | 0x5B
            | 0x5D
            | 0x7B
            | 0x7D
            | 0x7C
    )
}

fn hex_val(c: u32) -> Option<u32> {
    char::from_u32(c).and_then(|ch| ch.to_digit(16))
}

/// One item inside a non-`v` class: a character or a class escape's set.
enum ClassAtom {
    Char(u32),
    Set(CharSet),
}

/// A `v`-mode class operand: a set plus strings, and whether it may contain strings
/// (syntactic MayContainStrings).
struct SetOperand {
    set: CharSet,
    strings: Vec<Vec<u32>>,
    may_contain_strings: bool,
}

/// Parses `pattern` under `flags`. Spec: #sec-parsepattern and #sec-parsepattern-annexb.
pub fn parse(pattern: &[u16], flags: &Flags) -> PResult<Parsed> {
    let unicode = flags.unicode || flags.unicode_sets;
    let (total_captures, has_names) = prescan(pattern, flags.unicode_sets);
    let mut p = Parser {
        src: pattern,
        pos: 0,
        unicode,
        sets: flags.unicode_sets,
        // Annex B: without u/v, `\k` is an identity escape unless the pattern has a group
        // name (the reparse with +NamedCaptureGroups).
        named: unicode || has_names,
        ignore_case: flags.ignore_case,
        total_captures,
        captures: 0,
        depth: 0,
        groups: Vec::new(),
        path: Vec::new(),
        next_disj: 0,
        backref_names: Vec::new(),
    };
    let mut node = p.disjunction()?;
    if p.pos < p.src.len() {
        // Only an unmatched ')' stops the top-level disjunction early.
        return err("unmatched ')'");
    }
    // Group names: collect in order, check duplicates can never both participate.
    let mut names: Vec<(String, Vec<u32>)> = Vec::new();
    for (i, g) in p.groups.iter().enumerate() {
        for h in p.groups.iter().take(i) {
            if h.name == g.name && might_both_participate(&h.path, &g.path) {
                return Err(format!("duplicate capture group name '{}'", g.name));
            }
        }
        match names.iter_mut().find(|(n, _)| *n == g.name) {
            Some((_, v)) => v.push(g.index),
            None => names.push((g.name.clone(), vec![g.index])),
        }
    }
    if !p.backref_names.is_empty() {
        resolve_named_backrefs(&mut node, &p.backref_names, &names, 0)?;
    }
    Ok(Parsed {
        node,
        capture_count: p.captures,
        names,
    })
}

/// Spec: #sec-mightbothparticipate — false iff some disjunction has them in different
/// alternatives.
fn might_both_participate(a: &[(u32, u32)], b: &[(u32, u32)]) -> bool {
    for (x, y) in a.iter().zip(b.iter()) {
        if x.0 != y.0 {
            break;
        }
        if x.1 != y.1 {
            return false;
        }
    }
    true
}

/// Replaces the placeholder backreferences (`BackRef` holding `u32::MAX - slot`) with the
/// group indices of their names. Depth is bounded by [`MAX_DEPTH`].
fn resolve_named_backrefs(
    node: &mut Node,
    slots: &[String],
    names: &[(String, Vec<u32>)],
    depth: u32,
) -> PResult<()> {
    if depth > MAX_DEPTH * 2 + 8 {
        return err("regular expression too deeply nested");
    }
    match node {
        Node::BackRef(v) => {
            if let [marker] = v.as_slice() {
                if *marker >= u32::MAX - slots.len() as u32 {
                    let slot = (u32::MAX - *marker) as usize;
                    let name = slots.get(slot).ok_or("internal: bad backreference slot")?;
                    let (_, idx) = names
                        .iter()
                        .find(|(n, _)| n == name)
                        .ok_or_else(|| format!("invalid named reference '{name}'"))?;
                    *v = idx.clone();
                }
            }
        }
        Node::Group { body, .. }
        | Node::Look { body, .. }
        | Node::Repeat { body, .. }
        | Node::Modifiers { body, .. } => {
            resolve_named_backrefs(body, slots, names, depth + 1)?;
        }
        Node::Seq(v) | Node::Alt(v) => {
            for n in v {
                resolve_named_backrefs(n, slots, names, depth + 1)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Counts capturing groups and notes whether any group name occurs (the spec's
/// CountLeftCapturingParensWithin over the whole pattern, needed before parsing because
/// `\N` in Annex B depends on the total).
fn prescan(src: &[u16], sets: bool) -> (u32, bool) {
    let mut i = 0;
    let mut count = 0u32;
    let mut names = false;
    let mut class_depth = 0u32;
    while let Some(&c) = src.get(i) {
        match c {
            0x5C => i += 1, // skip the escaped unit
            0x5B if class_depth == 0 || sets => class_depth += 1,
            0x5D if class_depth > 0 => class_depth -= 1,
            0x28 if class_depth == 0 => {
                if src.get(i + 1) == Some(&0x3F) {
                    if src.get(i + 2) == Some(&0x3C)
                        && !matches!(src.get(i + 3), Some(&0x3D) | Some(&0x21))
                    {
                        count = count.saturating_add(1);
                        names = true;
                    }
                } else {
                    count = count.saturating_add(1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    (count, names)
}

impl<'a> Parser<'a> {
    // ---- character reading ----

    /// The character at `pos` and its length in code units.
    fn peek_at(&self, pos: usize) -> Option<(u32, usize)> {
        let c = *self.src.get(pos)? as u32;
        if self.unicode && (0xD800..0xDC00).contains(&c) {
            if let Some(&d) = self.src.get(pos + 1) {
                let d = d as u32;
                if (0xDC00..0xE000).contains(&d) {
                    return Some((0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00), 2));
                }
            }
        }
        Some((c, 1))
    }

    fn peek(&self) -> Option<u32> {
        self.peek_at(self.pos).map(|(c, _)| c)
    }

    fn peek_unit(&self, off: usize) -> Option<u32> {
        self.src.get(self.pos + off).map(|&c| c as u32)
    }

    fn next(&mut self) -> Option<u32> {
        let (c, n) = self.peek_at(self.pos)?;
        self.pos += n;
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek_unit(0) == Some(c as u32) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn looking_at(&self, s: &str) -> bool {
        s.encode_utf16()
            .enumerate()
            .all(|(i, u)| self.src.get(self.pos + i) == Some(&u))
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return err("regular expression too deeply nested");
        }
        Ok(())
    }

    fn max_char(&self) -> u32 {
        if self.unicode {
            MAX_CHAR
        } else {
            0xFFFF
        }
    }

    // ---- disjunction / alternative / term ----

    fn disjunction(&mut self) -> PResult<Node> {
        let id = self.next_disj;
        self.next_disj += 1;
        let mut alts = Vec::new();
        let mut alt_index = 0u32;
        loop {
            self.path.push((id, alt_index));
            let alt = self.alternative();
            self.path.pop();
            alts.push(alt?);
            if self.eat('|') {
                alt_index += 1;
                continue;
            }
            break;
        }
        Ok(if alts.len() == 1 {
            alts.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(alts)
        })
    }

    fn alternative(&mut self) -> PResult<Node> {
        let mut terms = Vec::new();
        while let Some(c) = self.peek_unit(0) {
            if c == '|' as u32 || c == ')' as u32 {
                break;
            }
            self.term(&mut terms)?;
        }
        Ok(match terms.len() {
            0 => Node::Empty,
            1 => terms.pop().unwrap_or(Node::Empty),
            _ => Node::Seq(terms),
        })
    }

    /// Parses one term (assertion or atom with optional quantifier) and appends it.
    fn term(&mut self, out: &mut Vec<Node>) -> PResult<()> {
        let caps_before = self.captures;
        let start = self.pos;
        let c = self.peek_unit(0).unwrap_or(0);
        // Assertions that can never be quantified.
        let (atom, quantifiable) = match c {
            0x5E => {
                self.pos += 1;
                (Node::LineStart, false)
            }
            0x24 => {
                self.pos += 1;
                (Node::LineEnd, false)
            }
            0x5C if matches!(self.peek_unit(1), Some(0x62) | Some(0x42)) => {
                let negate = self.peek_unit(1) == Some(0x42);
                self.pos += 2;
                (Node::WordBoundary { negate }, false)
            }
            0x28 if self.looking_at("(?=") || self.looking_at("(?!") => {
                let negate = self.peek_unit(2) == Some(0x21);
                self.pos += 3;
                let body = self.group_body()?;
                // Annex B: QuantifiableAssertion only without unicode mode.
                (
                    Node::Look {
                        behind: false,
                        negate,
                        body: Box::new(body),
                    },
                    !self.unicode,
                )
            }
            0x28 if self.looking_at("(?<=") || self.looking_at("(?<!") => {
                let negate = self.peek_unit(3) == Some(0x21);
                self.pos += 4;
                let body = self.group_body()?;
                (
                    Node::Look {
                        behind: true,
                        negate,
                        body: Box::new(body),
                    },
                    false,
                )
            }
            _ => (self.atom()?, true),
        };
        let q = self.quantifier()?;
        match q {
            None => out.push(atom),
            Some(_) if !quantifiable => {
                let _ = start;
                return err("nothing to repeat");
            }
            Some((min, max, greedy)) => out.push(Node::Repeat {
                body: Box::new(atom),
                min,
                max,
                greedy,
                caps: (caps_before + 1, self.captures + 1),
            }),
        }
        Ok(())
    }

    /// Parses a quantifier if one follows. Returns (min, max, greedy).
    fn quantifier(&mut self) -> PResult<Option<(u32, u32, bool)>> {
        let (min, max) = match self.peek_unit(0) {
            Some(0x2A) => {
                self.pos += 1;
                (0, u32::MAX)
            }
            Some(0x2B) => {
                self.pos += 1;
                (1, u32::MAX)
            }
            Some(0x3F) => {
                self.pos += 1;
                (0, 1)
            }
            Some(0x7B) => match self.braced_quantifier()? {
                Some(q) => q,
                None if self.unicode => return err("incomplete quantifier"),
                // Annex B: `{` that does not start a quantifier is a literal.
                None => return Ok(None),
            },
            _ => return Ok(None),
        };
        let greedy = !self.eat('?');
        Ok(Some((min, max, greedy)))
    }

    /// `{n}`, `{n,}`, `{n,m}` at `pos`; consumes it and returns bounds, or returns None and
    /// consumes nothing when the text is not a braced quantifier.
    fn braced_quantifier(&mut self) -> PResult<Option<(u32, u32)>> {
        let save = self.pos;
        self.pos += 1; // `{`
        let Some(a) = self.digits() else {
            self.pos = save;
            return Ok(None);
        };
        let b = if self.eat(',') {
            if self.peek_unit(0) == Some(0x7D) {
                None
            } else {
                match self.digits() {
                    Some(b) => Some(b),
                    None => {
                        self.pos = save;
                        return Ok(None);
                    }
                }
            }
        } else {
            Some(a.clone())
        };
        if !self.eat('}') {
            self.pos = save;
            return Ok(None);
        }
        let min = digits_value(&a);
        let max = match &b {
            Some(b) => {
                if digits_cmp(&a, b) == std::cmp::Ordering::Greater {
                    return err("numbers out of order in {} quantifier");
                }
                digits_value(b)
            }
            None => u32::MAX,
        };
        Ok(Some((min, max)))
    }

    /// A run of decimal digits, as the digit string with leading zeros removed.
    fn digits(&mut self) -> Option<Vec<u8>> {
        let start = self.pos;
        let mut v = Vec::new();
        while let Some(c) = self.peek_unit(0).filter(|c| (0x30..=0x39).contains(c)) {
            if !(v.is_empty() && c == 0x30) {
                v.push((c - 0x30) as u8);
            }
            self.pos += 1;
        }
        if self.pos == start {
            None
        } else {
            Some(v)
        }
    }

    fn group_body(&mut self) -> PResult<Node> {
        self.enter()?;
        let body = self.disjunction()?;
        if !self.eat(')') {
            return err("unterminated group");
        }
        self.depth -= 1;
        Ok(body)
    }

    fn atom(&mut self) -> PResult<Node> {
        let Some(c) = self.peek() else {
            return err("unexpected end of pattern");
        };
        match c {
            0x2E => {
                self.pos += 1;
                Ok(Node::Dot)
            }
            0x28 => self.group(),
            0x5B => {
                self.pos += 1;
                self.class()
            }
            0x5C => {
                self.pos += 1;
                self.atom_escape()
            }
            0x2A | 0x2B | 0x3F => err("nothing to repeat"),
            0x7B => {
                if self.unicode {
                    return err("nothing to repeat");
                }
                // Annex B: ExtendedAtom :: InvalidBracedQuantifier is an early error.
                if self.braced_quantifier()?.is_some() {
                    return err("nothing to repeat");
                }
                self.pos += 1;
                Ok(Node::Char(c))
            }
            0x7D | 0x5D if self.unicode => err("lone quantifier brackets"),
            _ => {
                self.next();
                Ok(Node::Char(c))
            }
        }
    }

    fn group(&mut self) -> PResult<Node> {
        self.pos += 1; // `(`
        if !self.eat('?') {
            self.captures += 1;
            let index = self.captures;
            let body = self.group_body()?;
            return Ok(Node::Group {
                index,
                body: Box::new(body),
            });
        }
        if self.eat('<') {
            let name = self.group_name()?;
            self.captures += 1;
            let index = self.captures;
            self.groups.push(NamedGroup {
                name,
                index,
                path: self.path.clone(),
            });
            let body = self.group_body()?;
            return Ok(Node::Group {
                index,
                body: Box::new(body),
            });
        }
        // `(?:` or modifiers `(?ims-ims:`.
        let add = self.modifiers()?;
        let (remove, has_dash) = if self.eat('-') {
            (self.modifiers()?, true)
        } else {
            Default::default()
        };
        if !self.eat(':') {
            return err("invalid group");
        }
        let any = |m: &ModFlags| m.ignore_case || m.multiline || m.dot_all;
        if has_dash && !any(&add) && !any(&remove) {
            return err("invalid regular expression modifiers");
        }
        if (add.ignore_case && remove.ignore_case)
            || (add.multiline && remove.multiline)
            || (add.dot_all && remove.dot_all)
        {
            return err("repeated regular expression modifier");
        }
        let saved_ic = self.ignore_case;
        if add.ignore_case {
            self.ignore_case = true;
        }
        if remove.ignore_case {
            self.ignore_case = false;
        }
        let body = self.group_body();
        self.ignore_case = saved_ic;
        let body = body?;
        if any(&add) || any(&remove) {
            Ok(Node::Modifiers {
                add,
                remove,
                body: Box::new(body),
            })
        } else {
            Ok(body)
        }
    }

    fn modifiers(&mut self) -> PResult<ModFlags> {
        let mut m = ModFlags::default();
        loop {
            let slot = match self.peek_unit(0) {
                Some(0x69) => &mut m.ignore_case,
                Some(0x6D) => &mut m.multiline,
                Some(0x73) => &mut m.dot_all,
                _ => return Ok(m),
            };
            if *slot {
                return err("repeated regular expression modifier");
            }
            *slot = true;
            self.pos += 1;
        }
    }

    /// GroupName after `<`, through `>`. Spec: #prod-GroupName.
    fn group_name(&mut self) -> PResult<String> {
        let mut name = String::new();
        loop {
            let c = match self.peek_unit(0) {
                Some(0x3E) => {
                    self.pos += 1;
                    break;
                }
                None => return err("invalid capture group name"),
                Some(0x5C) => {
                    self.pos += 1;
                    if !self.eat('u') {
                        return err("invalid capture group name");
                    }
                    self.unicode_escape_body(true)?
                        .ok_or("invalid Unicode escape")?
                }
                Some(c) => {
                    self.pos += 1;
                    // RegExpIdentifierStart/Part :: UnicodeLeadSurrogate UnicodeTrailSurrogate
                    // (in both modes for names).
                    if (0xD800..0xDC00).contains(&c) {
                        match self.peek_unit(0) {
                            Some(d) if (0xDC00..0xE000).contains(&d) => {
                                self.pos += 1;
                                0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00)
                            }
                            _ => c,
                        }
                    } else {
                        c
                    }
                }
            };
            let ok = if name.is_empty() {
                c == 0x24 || c == 0x5F || props::is_id_start(c)
            } else {
                c == 0x24 || c == 0x200C || c == 0x200D || props::is_id_continue(c)
            };
            match char::from_u32(c) {
                Some(ch) if ok => name.push(ch),
                _ => return err("invalid capture group name"),
            }
        }
        if name.is_empty() {
            return err("invalid capture group name");
        }
        Ok(name)
    }

    /// After `\u` (the `u` consumed): Hex4Digits, a surrogate pair `\uXXXX\uXXXX`, or (when
    /// `unicode`) `{CodePoint}`. Returns None (consuming nothing) when no valid escape
    /// follows.
    fn unicode_escape_body(&mut self, unicode: bool) -> PResult<Option<u32>> {
        if unicode && self.peek_unit(0) == Some(0x7B) {
            let save = self.pos;
            self.pos += 1;
            let mut v: u32 = 0;
            let mut n = 0;
            while let Some(d) = self.peek_unit(0).and_then(hex_val) {
                v = v.saturating_mul(16).saturating_add(d);
                n += 1;
                self.pos += 1;
            }
            if n == 0 || v > MAX_CHAR || !self.eat('}') {
                if n > 0 && v > MAX_CHAR {
                    return err("Unicode escape out of range");
                }
                self.pos = save;
                return Ok(None);
            }
            return Ok(Some(v));
        }
        let Some(v) = self.hex4(self.pos) else {
            return Ok(None);
        };
        self.pos += 4;
        if unicode && (0xD800..0xDC00).contains(&v) && self.looking_at("\\u") {
            if let Some(t) = self.hex4(self.pos + 2) {
                if (0xDC00..0xE000).contains(&t) {
                    self.pos += 6;
                    return Ok(Some(0x10000 + ((v - 0xD800) << 10) + (t - 0xDC00)));
                }
            }
        }
        Ok(Some(v))
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let mut v = 0;
        for i in 0..4 {
            v = v * 16 + hex_val(*self.src.get(at + i)? as u32)?;
        }
        Some(v)
    }

    // ---- escapes ----

    /// After `\` in atom position. Spec: #prod-AtomEscape (+ Annex B).
    fn atom_escape(&mut self) -> PResult<Node> {
        let Some(c) = self.peek() else {
            return err("\\ at end of pattern");
        };
        // DecimalEscape (backreference) or, in Annex B, a legacy octal / identity escape.
        if (0x31..=0x39).contains(&c) {
            let save = self.pos;
            let digits = self.digits().unwrap_or_default();
            let n = digits_value(&digits);
            if n <= self.total_captures && digits.len() <= 10 {
                return Ok(Node::BackRef(vec![n]));
            }
            if self.unicode {
                return err("invalid backreference");
            }
            self.pos = save;
        }
        if c == 0x6B && self.named {
            self.pos += 1;
            if !self.eat('<') {
                return err("invalid named reference");
            }
            let name = self.group_name()?;
            let slot = self.backref_names.len() as u32;
            self.backref_names.push(name);
            return Ok(Node::BackRef(vec![u32::MAX - slot]));
        }
        if let Some(set) = self.class_escape_set()? {
            let (set, strings) = set;
            return Ok(Node::Class {
                set,
                strings,
                negate: false,
            });
        }
        let ch = self.character_escape(false)?;
        Ok(Node::Char(ch))
    }

    /// `\d \D \s \S \w \W \p{..} \P{..}` after the `\`; None (consuming nothing) otherwise.
    fn class_escape_set(&mut self) -> PResult<Option<(CharSet, Vec<Vec<u32>>)>> {
        let Some(c) = self.peek_unit(0) else {
            return Ok(None);
        };
        let max = self.max_char();
        let set = match c {
            0x64 => digit_set(),
            0x44 => digit_set().complement(max),
            0x73 => space_set(),
            0x53 => space_set().complement(max),
            0x77 => self.word_set(),
            0x57 => self.word_set().complement(max),
            0x70 | 0x50 if self.unicode => {
                self.pos += 1;
                let negate = c == 0x50;
                let (set, strings) = self.property()?;
                if negate {
                    if !strings.is_empty() {
                        return err("negated property of strings");
                    }
                    let set = if self.sets && self.ignore_case {
                        self.fold(&set)
                    } else {
                        set
                    };
                    return Ok(Some((self.complement(&set), Vec::new())));
                }
                return Ok(Some((set, strings)));
            }
            _ => return Ok(None),
        };
        self.pos += 1;
        Ok(Some((set, Vec::new())))
    }

    /// `\w`, which with `u`/`v` plus `i` also holds U+017F and U+212A (spec
    /// #sec-wordcharacters: characters whose canonical form is a basic word character).
    fn word_set(&self) -> CharSet {
        let mut s = CharSet::from_ranges(&[(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)]);
        if self.unicode && self.ignore_case {
            s.add(0x17F);
            s.add(0x212A);
        }
        s
    }

    /// `{name=value}` or `{value}` after `\p` / `\P`.
    fn property(&mut self) -> PResult<(CharSet, Vec<Vec<u32>>)> {
        if !self.eat('{') {
            return err("invalid property name");
        }
        let mut name = String::new();
        let mut value: Option<String> = None;
        loop {
            match self.peek_unit(0) {
                Some(0x7D) => {
                    self.pos += 1;
                    break;
                }
                Some(0x3D) if value.is_none() => {
                    self.pos += 1;
                    value = Some(String::new());
                }
                Some(c)
                    if (c as u8 as u32 == c)
                        && ((c as u8).is_ascii_alphanumeric() || c == 0x5F) =>
                {
                    self.pos += 1;
                    match &mut value {
                        Some(v) => v.push(c as u8 as char),
                        None => name.push(c as u8 as char),
                    }
                }
                _ => return err("invalid property name"),
            }
        }
        let r = match &value {
            Some(v) => props::lookup(&name, Some(v)),
            None => props::lookup(&name, None),
        };
        let Some((set, strings)) = r else {
            return err("invalid property name");
        };
        if !strings.is_empty() && !self.sets {
            return err("invalid property name");
        }
        let set = if self.sets && self.ignore_case {
            self.fold(&set)
        } else {
            set
        };
        let strings = if self.sets && self.ignore_case {
            strings.iter().map(|s| self.fold_string(s)).collect()
        } else {
            strings
        };
        Ok((set, strings))
    }

    /// CharacterEscape after `\` (spec #prod-CharacterEscape with Annex B). `in_class`
    /// selects the ClassEscape variants (`\b`, `\-`, `\c` with digits or `_`).
    fn character_escape(&mut self, in_class: bool) -> PResult<u32> {
        let Some(c) = self.peek() else {
            return err("\\ at end of pattern");
        };
        let save = self.pos;
        self.next();
        let v = match c {
            0x66 => 0x0C,
            0x6E => 0x0A,
            0x72 => 0x0D,
            0x74 => 0x09,
            0x76 => 0x0B,
            0x62 if in_class => 0x08,
            0x2D if in_class && self.unicode => 0x2D,
            0x63 => {
                match self.peek_unit(0) {
                    Some(l) if (l as u8 as u32 == l) && (l as u8).is_ascii_alphabetic() => {
                        self.pos += 1;
                        l % 32
                    }
                    // Annex B: ClassEscape :: `c` ClassControlLetter.
                    Some(l)
                        if in_class
                            && !self.unicode
                            && ((0x30..=0x39).contains(&l) || l == 0x5F) =>
                    {
                        self.pos += 1;
                        l % 32
                    }
                    _ if self.unicode => return err("invalid escape"),
                    _ => {
                        // Annex B: `\` [lookahead = c] is the character `\`; `c` is reread.
                        self.pos = save;
                        0x5C
                    }
                }
            }
            0x30 if !self
                .peek_unit(0)
                .is_some_and(|d| (0x30..=0x39).contains(&d)) =>
            {
                0
            }
            0x30..=0x39 => {
                if self.unicode {
                    return err("invalid decimal escape");
                }
                if c >= 0x38 {
                    // `\8` `\9`: identity escapes.
                    c
                } else {
                    self.legacy_octal(c)
                }
            }
            0x78 => {
                let h = (
                    self.peek_unit(0).and_then(hex_val),
                    self.peek_unit(1).and_then(hex_val),
                );
                match h {
                    (Some(a), Some(b)) => {
                        self.pos += 2;
                        a * 16 + b
                    }
                    _ if self.unicode => return err("invalid escape"),
                    _ => 0x78,
                }
            }
            0x75 => match self.unicode_escape_body(self.unicode)? {
                Some(v) => v,
                None if self.unicode => return err("invalid Unicode escape"),
                None => 0x75,
            },
            _ => {
                if self.unicode {
                    // IdentityEscape[+UnicodeMode] :: SyntaxCharacter | `/`
                    if is_syntax_char(c) || c == 0x2F {
                        c
                    } else {
                        return err("invalid escape");
                    }
                } else if c == 0x6B && self.named {
                    return err("invalid escape");
                } else {
                    c
                }
            }
        };
        Ok(v)
    }

    /// LegacyOctalEscapeSequence starting with digit `first` (already consumed).
    fn legacy_octal(&mut self, first: u32) -> u32 {
        let mut v = first - 0x30;
        let is_oct = |c: Option<u32>| c.filter(|c| (0x30..=0x37).contains(c));
        if let Some(d) = is_oct(self.peek_unit(0)) {
            v = v * 8 + (d - 0x30);
            self.pos += 1;
            if first <= 0x33 {
                if let Some(d) = is_oct(self.peek_unit(0)) {
                    v = v * 8 + (d - 0x30);
                    self.pos += 1;
                }
            }
        }
        v
    }

    // ---- classes ----

    fn class(&mut self) -> PResult<Node> {
        let negate = self.eat('^');
        if self.sets {
            self.enter()?;
            let op = self.class_set_contents()?;
            self.depth -= 1;
            if negate && op.may_contain_strings {
                return err("negated character class may contain strings");
            }
            if negate {
                let set = self.complement(&op.set);
                return Ok(Node::Class {
                    set,
                    strings: Vec::new(),
                    negate: false,
                });
            }
            return Ok(Node::Class {
                set: op.set,
                strings: op.strings,
                negate: false,
            });
        }
        let mut set = CharSet::new();
        let mut items: Vec<(u32, u32)> = Vec::new();
        loop {
            match self.peek_unit(0) {
                None => return err("unterminated character class"),
                Some(0x5D) => {
                    self.pos += 1;
                    break;
                }
                _ => {}
            }
            let a = self.class_atom()?;
            if self.peek_unit(0) == Some(0x2D)
                && self.peek_unit(1) != Some(0x5D)
                && self.peek_unit(1).is_some()
            {
                self.pos += 1;
                let b = self.class_atom()?;
                match (a, b) {
                    (ClassAtom::Char(x), ClassAtom::Char(y)) => {
                        if x > y {
                            return err("range out of order in character class");
                        }
                        items.push((x, y));
                    }
                    (a, b) => {
                        if self.unicode {
                            return err("invalid character class range");
                        }
                        // Annex B: CharacterRangeOrUnion — the union plus `-`.
                        for atom in [a, b] {
                            match atom {
                                ClassAtom::Char(x) => items.push((x, x)),
                                ClassAtom::Set(s) => set = set.union(&s),
                            }
                        }
                        items.push((0x2D, 0x2D));
                    }
                }
            } else {
                match a {
                    ClassAtom::Char(x) => items.push((x, x)),
                    ClassAtom::Set(s) => set = set.union(&s),
                }
            }
        }
        let set = set.union(&CharSet::from_ranges(&items));
        Ok(Node::Class {
            set,
            strings: Vec::new(),
            negate,
        })
    }

    fn class_atom(&mut self) -> PResult<ClassAtom> {
        let Some(c) = self.next() else {
            return err("unterminated character class");
        };
        if c != 0x5C {
            return Ok(ClassAtom::Char(c));
        }
        if let Some((set, _)) = self.class_escape_set()? {
            return Ok(ClassAtom::Set(set));
        }
        if self.peek_unit(0) == Some(0x6B) && self.named && !self.unicode {
            return err("invalid escape");
        }
        Ok(ClassAtom::Char(self.character_escape(true)?))
    }

    // ---- v-mode class sets ----

    /// ClassContents[+UnicodeSetsMode] through the closing `]`.
    fn class_set_contents(&mut self) -> PResult<SetOperand> {
        if self.eat(']') {
            return Ok(SetOperand {
                set: CharSet::new(),
                strings: Vec::new(),
                may_contain_strings: false,
            });
        }
        let first = self.class_set_operand_or_range()?;
        if self.looking_at("&&") {
            let (first, _) = first;
            let mut acc = first;
            while self.looking_at("&&") {
                self.pos += 2;
                if self.peek_unit(0) == Some(0x26) {
                    return err("invalid set operation in character class");
                }
                let (rhs, is_range) = self.class_set_operand_or_range()?;
                if is_range {
                    return err("invalid set operation in character class");
                }
                acc = self.intersect_op(acc, rhs);
            }
            if !self.eat(']') {
                return err("invalid set operation in character class");
            }
            return Ok(acc);
        }
        if self.looking_at("--") {
            let (mut acc, was_range) = first;
            if was_range {
                return err("invalid set operation in character class");
            }
            while self.looking_at("--") {
                self.pos += 2;
                let (rhs, is_range) = self.class_set_operand_or_range()?;
                if is_range {
                    return err("invalid set operation in character class");
                }
                acc = self.subtract_op(acc, rhs);
            }
            if !self.eat(']') {
                return err("invalid set operation in character class");
            }
            return Ok(acc);
        }
        // ClassUnion.
        let (mut acc, _) = first;
        loop {
            if self.eat(']') {
                return Ok(acc);
            }
            if self.looking_at("&&") || self.looking_at("--") {
                return err("invalid set operation in character class");
            }
            let (rhs, _) = self.class_set_operand_or_range()?;
            acc = self.union_op(acc, rhs);
        }
    }

    /// A ClassSetOperand or a ClassSetRange; the flag says it was a range.
    fn class_set_operand_or_range(&mut self) -> PResult<(SetOperand, bool)> {
        match self.peek_unit(0) {
            None => return err("unterminated character class"),
            Some(0x5B) => {
                self.pos += 1;
                self.enter()?;
                let negate = self.eat('^');
                let op = self.class_set_contents()?;
                self.depth -= 1;
                if negate {
                    if op.may_contain_strings {
                        return err("negated character class may contain strings");
                    }
                    let set = self.complement(&op.set);
                    return Ok((
                        SetOperand {
                            set,
                            strings: Vec::new(),
                            may_contain_strings: false,
                        },
                        false,
                    ));
                }
                return Ok((op, false));
            }
            Some(0x5C) => {
                self.pos += 1;
                if self.eat('q') {
                    if !self.eat('{') {
                        return err("invalid escape");
                    }
                    return Ok((self.class_string_disjunction()?, false));
                }
                if let Some((set, strings)) = self.class_escape_set()? {
                    let may = !strings.is_empty();
                    let set = if self.ignore_case {
                        self.fold(&set)
                    } else {
                        set
                    };
                    return Ok((
                        SetOperand {
                            set,
                            strings,
                            may_contain_strings: may,
                        },
                        false,
                    ));
                }
                self.pos -= 1;
            }
            _ => {}
        }
        let a = self.class_set_character()?;
        if self.peek_unit(0) == Some(0x2D) && self.peek_unit(1) != Some(0x2D) {
            self.pos += 1;
            let b = self.class_set_character()?;
            if a > b {
                return err("range out of order in character class");
            }
            let set = CharSet::range(a, b);
            let set = if self.ignore_case {
                self.fold(&set)
            } else {
                set
            };
            return Ok((
                SetOperand {
                    set,
                    strings: Vec::new(),
                    may_contain_strings: false,
                },
                true,
            ));
        }
        let set = CharSet::single(if self.ignore_case {
            case::canonicalize(a, true)
        } else {
            a
        });
        Ok((
            SetOperand {
                set,
                strings: Vec::new(),
                may_contain_strings: false,
            },
            false,
        ))
    }

    /// ClassSetCharacter. Spec: #prod-ClassSetCharacter.
    fn class_set_character(&mut self) -> PResult<u32> {
        let Some(c) = self.peek() else {
            return err("unterminated character class");
        };
        if c == 0x5C {
            self.pos += 1;
            let Some(e) = self.peek_unit(0) else {
                return err("\\ at end of pattern");
            };
            // `\` ClassSetReservedPunctuator, `\b`.
            if b"&-!#%,:;<=>@`~".contains(&(e as u8)) && e < 0x80 {
                self.pos += 1;
                return Ok(e);
            }
            if e == 0x62 {
                self.pos += 1;
                return Ok(0x08);
            }
            return self.character_escape(false);
        }
        if b"()[]{}/-\\|".contains(&(c as u8)) && c < 0x80 {
            return err("invalid character in character class");
        }
        if c < 0x80 && b"&!#$%*+,.:;<=>?@^`~".contains(&(c as u8)) && self.peek_unit(1) == Some(c) {
            return err("invalid set operation in character class");
        }
        self.next();
        Ok(c)
    }

    /// `\q{...}` contents after the `{`, through the `}`.
    fn class_string_disjunction(&mut self) -> PResult<SetOperand> {
        let mut set = CharSet::new();
        let mut strings: Vec<Vec<u32>> = Vec::new();
        let mut may = false;
        let mut cur: Vec<u32> = Vec::new();
        loop {
            match self.peek_unit(0) {
                None => return err("unterminated class string disjunction"),
                Some(0x7D) | Some(0x7C) => {
                    let end = self.peek_unit(0) == Some(0x7D);
                    self.pos += 1;
                    let s = std::mem::take(&mut cur);
                    let s = if self.ignore_case {
                        self.fold_string(&s)
                    } else {
                        s
                    };
                    if let [c] = s.as_slice() {
                        set.add(*c);
                    } else {
                        may = true;
                        if !strings.contains(&s) {
                            strings.push(s);
                        }
                    }
                    if end {
                        break;
                    }
                }
                _ => {
                    let c = self.class_set_character()?;
                    cur.push(c);
                }
            }
        }
        Ok(SetOperand {
            set,
            strings,
            may_contain_strings: may,
        })
    }

    fn union_op(&self, a: SetOperand, b: SetOperand) -> SetOperand {
        let mut strings = a.strings;
        for s in b.strings {
            if !strings.contains(&s) {
                strings.push(s);
            }
        }
        SetOperand {
            set: a.set.union(&b.set),
            strings,
            may_contain_strings: a.may_contain_strings || b.may_contain_strings,
        }
    }

    fn intersect_op(&self, a: SetOperand, b: SetOperand) -> SetOperand {
        let strings = a
            .strings
            .into_iter()
            .filter(|s| b.strings.contains(s))
            .collect();
        SetOperand {
            set: a.set.intersect(&b.set),
            strings,
            may_contain_strings: a.may_contain_strings && b.may_contain_strings,
        }
    }

    fn subtract_op(&self, a: SetOperand, b: SetOperand) -> SetOperand {
        let strings = a
            .strings
            .into_iter()
            .filter(|s| !b.strings.contains(s))
            .collect();
        SetOperand {
            set: a.set.subtract(&b.set),
            strings,
            may_contain_strings: a.may_contain_strings,
        }
    }

    /// MaybeSimpleCaseFolding for a set (only called in `v` mode with ignoreCase).
    fn fold(&self, s: &CharSet) -> CharSet {
        s.canonicalize(true)
    }

    fn fold_string(&self, s: &[u32]) -> Vec<u32> {
        s.iter().map(|&c| case::canonicalize(c, true)).collect()
    }

    /// CharacterComplement (#sec-charactercomplement): within all characters, or in `v`
    /// mode with ignoreCase within the fixed points of simple case folding.
    fn complement(&self, s: &CharSet) -> CharSet {
        let all = s.complement(self.max_char());
        if self.sets && self.ignore_case {
            all.intersect(&CharSet::canonical_fixed_points(true, MAX_CHAR))
        } else {
            all
        }
    }
}

fn digits_value(d: &[u8]) -> u32 {
    let mut v: u32 = 0;
    for &x in d {
        v = v.saturating_mul(10).saturating_add(x as u32);
    }
    v
}

/// Compares two digit strings without leading zeros by numeric value.
fn digits_cmp(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

pub fn digit_set() -> CharSet {
    CharSet::range(0x30, 0x39)
}

/// WhiteSpace and LineTerminator code points (`\s`). Spec: #sec-compiletocharset.
pub fn space_set() -> CharSet {
    CharSet::from_ranges(&[
        (0x09, 0x0D),
        (0x20, 0x20),
        (0xA0, 0xA0),
        (0x1680, 0x1680),
        (0x2000, 0x200A),
        (0x2028, 0x2029),
        (0x202F, 0x202F),
        (0x205F, 0x205F),
        (0x3000, 0x3000),
        (0xFEFF, 0xFEFF),
    ])
}
