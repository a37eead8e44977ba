//! The regular expression engine: pattern parser, bytecode compiler and a backtracking matcher
//! with an explicit, size-limited stack that polls the interrupt budget. A leaf module: it
//! knows nothing of values, objects or the heap.
//!
//! # Public API
//!
//! - [`check_syntax`]`(pattern, flags)`: the early errors of a regular expression literal
//!   (spec #sec-regexp-literals-static-semantics-early-errors), for the parser.
//! - [`Flags::parse`]: flag validation (`d g i m s u v y`, each at most once, not `u` with
//!   `v`).
//!
//! - [`compile`]`(pattern, flags) -> Regex`, then
//!   [`Regex::exec`]`(input, start, ctl) -> Option<Captures>`: `input` is the subject as
//!   Latin-1 bytes or UTF-16 units ([`Input`]); the match is tried at `start` and, unless
//!   the `y` flag is set, at each later position. Captures are code-unit index pairs, group 0
//!   being the whole match (ready for `index`, `lastIndex` and the `d` flag's `indices`).
//! - [`ExecControl`]: the caller's interrupt poll (every [`exec::POLL_INTERVAL`] steps, also
//!   inside long greedy loops) and memory charge. Charges cover the backtrack stack,
//!   capture slots and registers of one `exec` call; all of it is freed when `exec` returns,
//!   so a caller that counts charges against a limit releases them then.
//!   [`ExecError::Interrupted`] / [`ExecError::OutOfMemory`] abort the match.
//! - [`Regex::group_names`]: the named groups (a name may label several groups of different
//!   alternatives, ES2025 duplicate named groups; at most one of them participates).
//! - [`Regex::disassemble`]: the regex bytecode as text, for tests and debugging.
//!
//! Patterns and flags are UTF-16 code units, as in JS strings. Errors are the message of the
//! SyntaxError to throw.
//!
//! In unicode mode (`u`/`v`), a `start` inside a surrogate pair is moved back to the pair's
//! start, as the spec's code-point view of the input implies (#sec-regexpbuiltinexec step
//! "inputIndex").

pub mod charset;
mod compiler;
pub mod exec;
pub mod ops;
pub mod parser;
mod props;

/// The subject of a match.
#[derive(Copy, Clone, Debug)]
pub enum Input<'a> {
    Latin1(&'a [u8]),
    Utf16(&'a [u16]),
}

impl Input<'_> {
    pub fn len(&self) -> usize {
        match self {
            Input::Latin1(s) => s.len(),
            Input::Utf16(s) => s.len(),
        }
    }
}

/// What the matcher asks of its caller while it runs.
pub trait ExecControl {
    /// Called every [`exec::POLL_INTERVAL`] steps; false interrupts the match.
    fn poll(&mut self) -> bool;
    /// Asks for `bytes` more memory; false makes the match fail with OutOfMemory.
    fn charge(&mut self, bytes: usize) -> bool;
}

/// An `ExecControl` with no interrupt and a fixed memory allowance (tests, simple hosts).
pub struct Unlimited {
    pub remaining: usize,
}

impl ExecControl for Unlimited {
    fn poll(&mut self) -> bool {
        true
    }
    fn charge(&mut self, bytes: usize) -> bool {
        match self.remaining.checked_sub(bytes) {
            Some(r) => {
                self.remaining = r;
                true
            }
            None => false,
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ExecError {
    Interrupted,
    OutOfMemory,
}

/// The result of a successful match: for each group (0 = the whole match) its code-unit
/// `(start, end)`, or None when the group did not participate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Captures {
    pub groups: Vec<Option<(usize, usize)>>,
}

/// A compiled regular expression.
pub struct Regex {
    program: compiler::Program,
    flags: Flags,
    capture_count: u32,
    names: Vec<(String, Vec<u32>)>,
}

/// Parses and compiles `pattern` with `flags`; `Err` is the SyntaxError message.
pub fn compile(pattern: &[u16], flags: &[u16]) -> Result<Regex, String> {
    let f = Flags::parse(flags)?;
    let parsed =
        parser::parse(pattern, &f).map_err(|m| format!("invalid regular expression: {m}"))?;
    let program = compiler::compile(&parsed.node, parsed.capture_count, &f)?;
    Ok(Regex {
        program,
        flags: f,
        capture_count: parsed.capture_count,
        names: parsed.names,
    })
}

impl Regex {
    pub fn flags(&self) -> Flags {
        self.flags
    }

    /// Number of capturing groups, not counting group 0.
    pub fn capture_count(&self) -> u32 {
        self.capture_count
    }

    /// Group names in order of first appearance, each with its group indices.
    pub fn group_names(&self) -> &[(String, Vec<u32>)] {
        &self.names
    }

    /// Approximate heap bytes of the compiled program (for memory accounting).
    pub fn memory_size(&self) -> usize {
        let p = &self.program;
        std::mem::size_of::<Regex>()
            + p.code.len() * std::mem::size_of::<ops::Insn>()
            + p.classes
                .iter()
                .map(|c| 64 + c.set.ranges().len() * 8)
                .sum::<usize>()
            + p.backrefs.iter().map(|b| 24 + b.len() * 4).sum::<usize>()
            + self
                .names
                .iter()
                .map(|(n, v)| 48 + n.len() + v.len() * 4)
                .sum::<usize>()
    }

    pub fn disassemble(&self) -> String {
        ops::disassemble(&self.program.code)
    }

    /// Matches at `start` (and later positions unless sticky). Spec: #sec-regexpbuiltinexec
    /// steps from "Let matchSucceeded be false" on, without the lastIndex handling.
    pub fn exec(
        &self,
        input: Input,
        start: usize,
        ctl: &mut dyn ExecControl,
    ) -> Result<Option<Captures>, ExecError> {
        if start > input.len() {
            return Ok(None);
        }
        let unicode = self.flags.unicode || self.flags.unicode_sets;
        let sticky = self.flags.sticky;
        let (n, prog) = (self.capture_count, &self.program);
        let slots = match input {
            Input::Latin1(s) => exec::exec(prog, s, start, n, unicode, sticky, ctl)?,
            Input::Utf16(s) => {
                let mut start = start;
                if unicode
                    && start > 0
                    && s.get(start).is_some_and(|&c| (0xDC00..0xE000).contains(&c))
                    && s.get(start - 1)
                        .is_some_and(|&c| (0xD800..0xDC00).contains(&c))
                {
                    start -= 1;
                }
                exec::exec(prog, s, start, n, unicode, sticky, ctl)?
            }
        };
        Ok(slots.map(|slots| Captures {
            groups: slots
                .chunks(2)
                .map(|p| match p {
                    [s, e] if *s != usize::MAX && *e != usize::MAX => Some((*s, *e)),
                    _ => None,
                })
                .collect(),
        }))
    }
}

/// The flags of a regular expression. Spec: #sec-regexpinitialize.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    pub has_indices: bool,
    pub global: bool,
    pub ignore_case: bool,
    pub multiline: bool,
    pub dot_all: bool,
    pub unicode: bool,
    pub unicode_sets: bool,
    pub sticky: bool,
}

impl Flags {
    /// Parses a flags string: each of `dgimsuvy` at most once, and not both `u` and `v`.
    pub fn parse(flags: &[u16]) -> Result<Flags, String> {
        let mut f = Flags::default();
        for &c in flags {
            let slot = match c {
                0x64 => &mut f.has_indices,
                0x67 => &mut f.global,
                0x69 => &mut f.ignore_case,
                0x6D => &mut f.multiline,
                0x73 => &mut f.dot_all,
                0x75 => &mut f.unicode,
                0x76 => &mut f.unicode_sets,
                0x79 => &mut f.sticky,
                _ => {
                    return Err(format!(
                        "invalid regular expression flags '{}'",
                        String::from_utf16_lossy(flags)
                    ))
                }
            };
            if *slot {
                return Err(format!(
                    "invalid regular expression flags '{}'",
                    String::from_utf16_lossy(flags)
                ));
            }
            *slot = true;
        }
        if f.unicode && f.unicode_sets {
            return Err(format!(
                "invalid regular expression flags '{}'",
                String::from_utf16_lossy(flags)
            ));
        }
        Ok(f)
    }
}

/// Checks a regular expression literal's pattern and flags for early errors; `Err` holds the
/// SyntaxError message. Spec: #sec-regexp-literals-static-semantics-early-errors.
pub fn check_syntax(pattern: &[u16], flags: &[u16]) -> Result<(), String> {
    let f = Flags::parse(flags)?;
    parser::parse(pattern, &f)
        .map(|_| ())
        .map_err(|m| format!("invalid regular expression: {m}"))
}

#[cfg(test)]
mod syntax_tests;

#[cfg(test)]
mod exec_tests;
