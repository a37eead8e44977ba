//! The regex bytecode: one instruction list ([`for_each_insn!`]) from which the `Insn` enum,
//! the instruction names and the disassembler are generated (STYLE rule 1).
//!
//! A program is a `Vec<Insn>`; jump targets are indices into it. Operand conventions:
//! - `back`: the instruction consumes input backwards (inside a lookbehind).
//! - `icase`: compare canonicalized characters (spec Canonicalize), with the program's
//!   unicode setting.
//! - `slot`: a capture slot (`2 * group` is the start, `2 * group + 1` the end).
//! - `reg`: a register (loop counters, loop start positions, lookaround stack marks).
//!
//! Invariant: every jump target and table index an instruction holds is in range; the
//! compiler guarantees it and the matcher still reads through `get` (a bad index fails the
//! match rather than panicking).

use std::fmt::Write;

macro_rules! for_each_insn {
    ($m:ident) => {
        $m! {
            /// Succeed: the whole pattern matched.
            Match;
            /// One character equal to `c`.
            Char { c: u32, back: bool };
            /// One character whose canonical form is `c`.
            CharI { c: u32, back: bool };
            /// `.` without `s`: any character but a line terminator.
            Dot { back: bool };
            /// Any character (`.` with `s`).
            Any { back: bool };
            /// One character in class `idx` of the class table.
            Class { idx: u32, back: bool };
            /// `^`; `multi` also matches after a line terminator.
            LineStart { multi: bool };
            /// `$`; `multi` also matches before a line terminator.
            LineEnd { multi: bool };
            /// `\b` or (`negate`) `\B`; `uicase` adds U+017F and U+212A to the word chars.
            WordBoundary { negate: bool, uicase: bool };
            /// Backreference to the groups in entry `list` of the backreference table.
            BackRef { list: u32, back: bool, icase: bool };
            /// Record the position in capture slot `slot`.
            Save { slot: u32 };
            /// Clear the capture slots of groups `from..to`.
            ResetCaps { from: u32, to: u32 };
            /// Continue here; on failure resume at `target` (prefer the next instruction).
            Fork { target: u32 };
            /// Continue at `target`; on failure resume at the next instruction.
            ForkJump { target: u32 };
            /// Jump to `target`.
            Jmp { target: u32 };
            /// Set register `reg` to zero.
            ClearReg { reg: u32 };
            /// Set register `reg` to the current position.
            SavePos { reg: u32 };
            /// Loop head of a counted repetition (counter `reg`): below `min` iterations run
            /// the body; at `max` exit to `exit`; otherwise fork body/exit by `greedy`.
            RepeatCheck { reg: u32, min: u32, max: u32, greedy: bool, exit: u32 };
            /// Loop tail: fail an empty iteration past `min` (position equals register
            /// `pos_reg`), else count it and jump back to `head`.
            RepeatEnd { reg: u32, pos_reg: u32, min: u32, head: u32 };
            /// Start a lookaround whose `LookEnd` is at `end`; marks the backtrack stack in
            /// register `reg`.
            LookStart { reg: u32, negate: bool, end: u32 };
            /// End of a lookaround body (the body matched).
            LookEnd { reg: u32, negate: bool };
            /// Greedy repetition of a one-character matcher (the instruction at `pc + 1`,
            /// followed by the continuation at `pc + 2`): consume up to `max` characters,
            /// then give them back one at a time down to `min`.
            GreedyChar { min: u32, max: u32 };
        }
    };
}

macro_rules! define_insns {
    ($( $(#[$doc:meta])* $name:ident $({ $($field:ident : $ty:ty),* })? ;)*) => {
        /// One regex bytecode instruction.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Insn {
            $( $(#[$doc])* $name $({ $($field: $ty),* })?, )*
        }

        impl Insn {
            /// The instruction's name, as in the disassembly.
            pub fn name(&self) -> &'static str {
                match self {
                    $( Insn::$name { .. } => stringify!($name), )*
                }
            }

            /// Appends ` field=value` for each operand.
            pub fn write_operands(&self, out: &mut String) {
                match self {
                    $( Insn::$name $({ $($field),* })? => {
                        $( $( let _ = write!(out, " {}={}", stringify!($field), $field); )* )?
                    } )*
                }
            }
        }
    };
}

for_each_insn!(define_insns);

/// Disassembles a program, one instruction per line: `index: Name op=value ...`.
pub fn disassemble(code: &[Insn]) -> String {
    let mut out = String::new();
    for (i, insn) in code.iter().enumerate() {
        let _ = write!(out, "{i:4}: {}", insn.name());
        insn.write_operands(&mut out);
        out.push('\n');
    }
    out
}
