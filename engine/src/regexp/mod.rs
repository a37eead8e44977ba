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
//! Patterns and flags are UTF-16 code units, as in JS strings. Errors are the message of the
//! SyntaxError to throw.

pub mod charset;
pub mod parser;
mod props;

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
