//! The regex compiler: [`Node`] tree → [`Insn`] program plus its class and backreference
//! tables. Spec: #sec-compilepattern, #sec-compilesubpattern, #sec-compileatom.
//!
//! Invariants:
//! - Recursion follows the tree, whose depth the parser bounds ([`super::parser::MAX_DEPTH`]);
//!   `depth` is still checked here so no input can exhaust the native stack.
//! - Inside a lookbehind everything is compiled with `back = true`: sequences in reverse
//!   order, groups record their end before their start (spec: direction -1).
//! - Class sets are stored already canonicalized when matched case-insensitively, so the
//!   matcher canonicalizes only the input character.

use super::charset::CharSet;
use super::ops::Insn;
use super::parser::{ModFlags, Node, MAX_DEPTH};

/// A compiled character class.
#[derive(Clone, Debug)]
pub struct ClassEntry {
    pub set: CharSet,
    pub negate: bool,
    /// Canonicalize the input character before testing membership.
    pub icase: bool,
    /// Membership of the characters below 128, one bit each.
    pub ascii: [u64; 2],
}

impl ClassEntry {
    fn new(set: CharSet, negate: bool, icase: bool) -> ClassEntry {
        let mut ascii = [0u64; 2];
        for c in 0..128u32 {
            if set.contains(c) {
                if let Some(w) = ascii.get_mut((c / 64) as usize) {
                    *w |= 1 << (c % 64);
                }
            }
        }
        ClassEntry {
            set,
            negate,
            icase,
            ascii,
        }
    }
}

pub struct Program {
    pub code: Vec<Insn>,
    pub classes: Vec<ClassEntry>,
    pub backrefs: Vec<Vec<u32>>,
    pub registers: u32,
    /// A code unit every match must start with (the first unit of a leading literal
    /// character), used to skip start positions quickly.
    pub first_unit: Option<u16>,
    /// The Latin-1 units a match can start with (bit per unit) and whether a unit of 256 or
    /// more can start one; None when unknown (anything may start a match).
    pub first_set: Option<([u64; 4], bool)>,
}

#[derive(Copy, Clone)]
struct Ctx {
    back: bool,
    icase: bool,
    multiline: bool,
    dot_all: bool,
}

struct Compiler {
    code: Vec<Insn>,
    classes: Vec<ClassEntry>,
    backrefs: Vec<Vec<u32>>,
    registers: u32,
    unicode: bool,
}

type CResult<T> = Result<T, String>;

/// Compiles a parsed pattern. `unicode` is HasEitherUnicodeFlag.
pub fn compile(node: &Node, capture_count: u32, flags: &super::Flags) -> CResult<Program> {
    let mut c = Compiler {
        code: Vec::new(),
        classes: Vec::new(),
        backrefs: Vec::new(),
        registers: 0,
        unicode: flags.unicode || flags.unicode_sets,
    };
    let ctx = Ctx {
        back: false,
        icase: flags.ignore_case,
        multiline: flags.multiline,
        dot_all: flags.dot_all,
    };
    let _ = capture_count;
    c.emit(Insn::Save { slot: 0 });
    c.node(node, ctx, 0)?;
    c.emit(Insn::Save { slot: 1 });
    c.emit(Insn::Match);
    // Fast path (not in spec): a leading case-sensitive literal fixes the first code unit.
    // Surrogates are excluded except as the lead of a supplementary character, so the skip
    // never lands inside a surrogate pair.
    let first_unit = match c.code.get(1) {
        Some(&Insn::Char { c: ch, back: false }) if !(0xD800..0xE000).contains(&ch) => {
            if ch > 0xFFFF {
                Some((0xD800 + ((ch - 0x10000) >> 10)) as u16)
            } else {
                Some(ch as u16)
            }
        }
        _ => None,
    };
    let first_set = first_set(&c.code, &c.classes, c.unicode);
    Ok(Program {
        code: c.code,
        classes: c.classes,
        backrefs: c.backrefs,
        registers: c.registers,
        first_unit,
        first_set,
    })
}

impl Compiler {
    fn emit(&mut self, i: Insn) -> u32 {
        self.code.push(i);
        (self.code.len() - 1) as u32
    }

    fn here(&self) -> u32 {
        self.code.len() as u32
    }

    fn reg(&mut self) -> u32 {
        self.registers += 1;
        self.registers - 1
    }

    fn patch(&mut self, at: u32, target: u32) {
        if let Some(
            Insn::Fork { target: t }
            | Insn::ForkJump { target: t }
            | Insn::Jmp { target: t }
            | Insn::RepeatCheck { exit: t, .. }
            | Insn::LookStart { end: t, .. },
        ) = self.code.get_mut(at as usize)
        {
            *t = target;
        }
    }

    fn class(&mut self, set: CharSet, negate: bool, ctx: Ctx) -> u32 {
        let set = if ctx.icase {
            set.canonicalize(self.unicode)
        } else {
            set
        };
        self.classes.push(ClassEntry::new(set, negate, ctx.icase));
        (self.classes.len() - 1) as u32
    }

    fn char(&mut self, c: u32, ctx: Ctx) {
        if ctx.icase {
            let c = crate::unicode::case::canonicalize(c, self.unicode);
            self.emit(Insn::CharI { c, back: ctx.back });
        } else {
            self.emit(Insn::Char { c, back: ctx.back });
        }
    }

    fn node(&mut self, node: &Node, ctx: Ctx, depth: u32) -> CResult<()> {
        if depth > MAX_DEPTH * 3 {
            return Err("regular expression too deeply nested".into());
        }
        match node {
            Node::Empty => {}
            Node::Char(c) => self.char(*c, ctx),
            Node::Dot => {
                if ctx.dot_all {
                    self.emit(Insn::Any { back: ctx.back });
                } else {
                    self.emit(Insn::Dot { back: ctx.back });
                }
            }
            Node::Class {
                set,
                strings,
                negate,
            } => {
                if strings.is_empty() {
                    let idx = self.class(set.clone(), *negate, ctx);
                    self.emit(Insn::Class {
                        idx,
                        back: ctx.back,
                    });
                } else {
                    self.class_with_strings(set, strings, ctx)?;
                }
            }
            Node::LineStart => {
                self.emit(Insn::LineStart {
                    multi: ctx.multiline,
                });
            }
            Node::LineEnd => {
                self.emit(Insn::LineEnd {
                    multi: ctx.multiline,
                });
            }
            Node::WordBoundary { negate } => {
                self.emit(Insn::WordBoundary {
                    negate: *negate,
                    uicase: ctx.icase && self.unicode,
                });
            }
            Node::BackRef(groups) => {
                self.backrefs.push(groups.clone());
                let list = (self.backrefs.len() - 1) as u32;
                self.emit(Insn::BackRef {
                    list,
                    back: ctx.back,
                    icase: ctx.icase,
                });
            }
            Node::Group { index, body } => {
                let (first, second) = if ctx.back {
                    (index * 2 + 1, index * 2)
                } else {
                    (index * 2, index * 2 + 1)
                };
                self.emit(Insn::Save { slot: first });
                self.node(body, ctx, depth + 1)?;
                self.emit(Insn::Save { slot: second });
            }
            Node::Look {
                behind,
                negate,
                body,
            } => {
                let reg = self.reg();
                let start = self.emit(Insn::LookStart {
                    reg,
                    negate: *negate,
                    end: 0,
                });
                let inner = Ctx {
                    back: *behind,
                    ..ctx
                };
                self.node(body, inner, depth + 1)?;
                let end = self.emit(Insn::LookEnd {
                    reg,
                    negate: *negate,
                });
                self.patch(start, end);
            }
            Node::Seq(items) => {
                if ctx.back {
                    for n in items.iter().rev() {
                        self.node(n, ctx, depth + 1)?;
                    }
                } else {
                    for n in items {
                        self.node(n, ctx, depth + 1)?;
                    }
                }
            }
            Node::Alt(alts) => {
                // Fork a1; a1; Jmp end; Fork a2; a2; Jmp end; ...; an
                let mut jumps = Vec::new();
                let n = alts.len();
                for (i, a) in alts.iter().enumerate() {
                    if i + 1 < n {
                        let fork = self.emit(Insn::Fork { target: 0 });
                        self.node(a, ctx, depth + 1)?;
                        jumps.push(self.emit(Insn::Jmp { target: 0 }));
                        let next = self.here();
                        self.patch(fork, next);
                    } else {
                        self.node(a, ctx, depth + 1)?;
                    }
                }
                let end = self.here();
                for j in jumps {
                    self.patch(j, end);
                }
            }
            Node::Modifiers { add, remove, body } => {
                let inner = apply_modifiers(ctx, add, remove);
                self.node(body, inner, depth + 1)?;
            }
            Node::Repeat {
                body,
                min,
                max,
                greedy,
                caps,
            } => {
                self.repeat(body, *min, *max, *greedy, *caps, ctx, depth)?;
            }
        }
        Ok(())
    }

    /// A class with strings (`v` mode): the strings longest first, then the single
    /// characters. Spec: #sec-compileatom (ClassContents with strings).
    fn class_with_strings(&mut self, set: &CharSet, strings: &[Vec<u32>], ctx: Ctx) -> CResult<()> {
        let mut strs: Vec<&Vec<u32>> = strings.iter().collect();
        strs.sort_by_key(|s| std::cmp::Reverse(s.len()));
        let mut jumps = Vec::new();
        let has_set = !set.is_empty();
        let n = strs.len();
        for (i, s) in strs.iter().enumerate() {
            let last = i + 1 == n && !has_set;
            let fork = if last {
                None
            } else {
                Some(self.emit(Insn::Fork { target: 0 }))
            };
            if ctx.back {
                for &c in s.iter().rev() {
                    self.char(c, ctx);
                }
            } else {
                for &c in s.iter() {
                    self.char(c, ctx);
                }
            }
            if let Some(fork) = fork {
                jumps.push(self.emit(Insn::Jmp { target: 0 }));
                let next = self.here();
                self.patch(fork, next);
            }
        }
        if has_set {
            let idx = self.class(set.clone(), false, ctx);
            self.emit(Insn::Class {
                idx,
                back: ctx.back,
            });
        }
        let end = self.here();
        for j in jumps {
            self.patch(j, end);
        }
        Ok(())
    }

    /// Spec: #sec-runtime-semantics-repeatmatcher-abstract-operation.
    fn repeat(
        &mut self,
        body: &Node,
        min: u32,
        max: u32,
        greedy: bool,
        caps: (u32, u32),
        ctx: Ctx,
        depth: u32,
    ) -> CResult<()> {
        if max == 0 {
            // Matches the empty string; the body never runs.
            return Ok(());
        }
        // Fast path (not in spec): a greedy loop over a single-character matcher with no
        // captures needs no per-iteration state; it is observably equivalent.
        if greedy && !ctx.back && caps.0 == caps.1 && is_single_char(body, ctx) {
            self.emit(Insn::GreedyChar { min, max });
            let before = self.here();
            self.node(body, ctx, depth + 1)?;
            if self.here() == before + 1 {
                return Ok(());
            }
            return Err(
                "internal: single-character matcher compiled to several instructions".into(),
            );
        }
        let cnt = self.reg();
        let pos_reg = self.reg();
        self.emit(Insn::ClearReg { reg: cnt });
        let head = self.emit(Insn::RepeatCheck {
            reg: cnt,
            min,
            max,
            greedy,
            exit: 0,
        });
        self.emit(Insn::SavePos { reg: pos_reg });
        if caps.0 < caps.1 {
            self.emit(Insn::ResetCaps {
                from: caps.0,
                to: caps.1,
            });
        }
        self.node(body, ctx, depth + 1)?;
        self.emit(Insn::RepeatEnd {
            reg: cnt,
            pos_reg,
            min,
            head,
        });
        let exit = self.here();
        self.patch(head, exit);
        Ok(())
    }
}

/// The possible first code units of a match, from the first instruction that consumes input
/// (after the capture saves at the start). Conservative: units of 256 and more are assumed
/// possible unless the matcher is an exact character.
fn first_set(code: &[Insn], classes: &[ClassEntry], unicode: bool) -> Option<([u64; 4], bool)> {
    let mut pc = 1;
    let insn = loop {
        match code.get(pc)? {
            Insn::Save { .. } => pc += 1,
            Insn::GreedyChar { min, .. } if *min >= 1 => pc += 1,
            other => break *other,
        }
    };
    let mut bits = [0u64; 4];
    let mut set = |u: u32| {
        if let Some(w) = bits.get_mut((u / 64) as usize) {
            *w |= 1 << (u % 64);
        }
    };
    let high = match insn {
        Insn::Char { c, back: false } => {
            if c < 256 {
                set(c);
            }
            c >= 256
        }
        Insn::CharI { c, back: false } => {
            for u in 0..256 {
                if crate::unicode::case::canonicalize(u, unicode) == c {
                    set(u);
                }
            }
            true
        }
        Insn::Class { idx, back: false } => {
            let cls = classes.get(idx as usize)?;
            for u in 0..256u32 {
                let cu = if cls.icase {
                    crate::unicode::case::canonicalize(u, unicode)
                } else {
                    u
                };
                if cls.set.contains(cu) != cls.negate {
                    set(u);
                }
            }
            true
        }
        _ => return None,
    };
    Some((bits, high))
}

fn apply_modifiers(ctx: Ctx, add: &ModFlags, remove: &ModFlags) -> Ctx {
    let mut c = ctx;
    if add.ignore_case {
        c.icase = true;
    }
    if add.multiline {
        c.multiline = true;
    }
    if add.dot_all {
        c.dot_all = true;
    }
    if remove.ignore_case {
        c.icase = false;
    }
    if remove.multiline {
        c.multiline = false;
    }
    if remove.dot_all {
        c.dot_all = false;
    }
    c
}

/// True if the node compiles to exactly one character-consuming instruction.
fn is_single_char(node: &Node, ctx: Ctx) -> bool {
    match node {
        Node::Char(_) | Node::Dot => true,
        Node::Class { strings, .. } => strings.is_empty(),
        Node::Modifiers { add, remove, body } => {
            is_single_char(body, apply_modifiers(ctx, add, remove))
        }
        _ => false,
    }
}
