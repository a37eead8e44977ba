//! Encoding, decoding and disassembly of instruction streams, all driven by the operand
//! [`Format`] of each [`Op`] (generated from `for_each_op!`).
//!
//! Instruction layout (little-endian operands):
//!
//! ```text
//! +--------+-----------------------------+
//! | opcode | operands per Format (0-9 B) |
//! +--------+-----------------------------+
//! ```
//!
//! Invariant: the decoder never panics; a truncated or unknown instruction ends iteration
//! with an error item.

use std::fmt::Write as _;

use super::opcodes::{Format, Op};
use super::{Constant, FunctionBytecode};
use crate::atoms::{Atom, AtomTable};

/// A decoded instruction. Operands are in format order: `a` first, `b` second, `c` third
/// (labels are already converted to absolute targets).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Insn {
    pub pc: u32,
    pub op: Op,
    pub a: u32,
    pub b: u32,
    pub c: u32,
}

impl Insn {
    /// Absolute jump target for `Label`/`AtomLabelU8` formats.
    pub fn target(&self) -> Option<u32> {
        match self.op.format() {
            Format::Label => Some(self.a),
            Format::AtomLabelU8 => Some(self.b),
            _ => None,
        }
    }
}

/// Appends instructions to a byte buffer.
#[derive(Default, Debug)]
pub struct Emitter {
    pub code: Vec<u8>,
}

impl Emitter {
    pub fn new() -> Emitter {
        Emitter { code: Vec::new() }
    }
    pub fn pc(&self) -> u32 {
        self.code.len() as u32
    }
    /// Encodes `op` with operands `a`, `b`, `c` interpreted per its format. For labels pass
    /// the absolute target; it is stored relative to this instruction.
    pub fn emit(&mut self, op: Op, a: u32, b: u32, c: u32) {
        let pc = self.pc();
        self.code.push(op as u8);
        let rel = |t: u32| (t as i64 - pc as i64) as i32;
        match op.format() {
            Format::None => {}
            Format::U8 => self.code.push(a as u8),
            Format::U16 => self.code.extend_from_slice(&(a as u16).to_le_bytes()),
            Format::Const | Format::Atom | Format::I32 => {
                self.code.extend_from_slice(&a.to_le_bytes())
            }
            Format::Label => self.code.extend_from_slice(&rel(a).to_le_bytes()),
            Format::AtomU8 => {
                self.code.extend_from_slice(&a.to_le_bytes());
                self.code.push(b as u8);
            }
            Format::AtomLabelU8 => {
                self.code.extend_from_slice(&a.to_le_bytes());
                self.code.extend_from_slice(&rel(b).to_le_bytes());
                self.code.push(c as u8);
            }
            Format::U16U16 => {
                self.code.extend_from_slice(&(a as u16).to_le_bytes());
                self.code.extend_from_slice(&(b as u16).to_le_bytes());
            }
        }
    }
}

/// Iterates over the instructions of a code buffer.
pub struct Decoder<'a> {
    code: &'a [u8],
    pc: usize,
}

impl<'a> Decoder<'a> {
    pub fn new(code: &'a [u8]) -> Decoder<'a> {
        Decoder { code, pc: 0 }
    }

    /// Decodes the instruction at `pc`.
    pub fn decode_at(code: &[u8], pc: usize) -> Result<Insn, String> {
        let byte = *code
            .get(pc)
            .ok_or_else(|| format!("pc {pc} out of range"))?;
        let op = Op::from_u8(byte).ok_or_else(|| format!("bad opcode {byte} at {pc}"))?;
        let ops = code
            .get(pc + 1..pc + op.size())
            .ok_or_else(|| format!("truncated {} at {pc}", op.name()))?;
        let u16_at = |i: usize| u16::from_le_bytes([ops[i], ops[i + 1]]) as u32;
        let u32_at = |i: usize| u32::from_le_bytes([ops[i], ops[i + 1], ops[i + 2], ops[i + 3]]);
        let abs = |rel: u32| (pc as i64 + rel as i32 as i64) as u32;
        let (a, b, c) = match op.format() {
            Format::None => (0, 0, 0),
            Format::U8 => (ops[0] as u32, 0, 0),
            Format::U16 => (u16_at(0), 0, 0),
            Format::Const | Format::Atom | Format::I32 => (u32_at(0), 0, 0),
            Format::Label => (abs(u32_at(0)), 0, 0),
            Format::AtomU8 => (u32_at(0), ops[4] as u32, 0),
            Format::AtomLabelU8 => (u32_at(0), abs(u32_at(4)), ops[8] as u32),
            Format::U16U16 => (u16_at(0), u16_at(2), 0),
        };
        Ok(Insn {
            pc: pc as u32,
            op,
            a,
            b,
            c,
        })
    }
}

impl Iterator for Decoder<'_> {
    type Item = Result<Insn, String>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.pc >= self.code.len() {
            return None;
        }
        match Decoder::decode_at(self.code, self.pc) {
            Ok(insn) => {
                self.pc += insn.op.size();
                Some(Ok(insn))
            }
            Err(e) => {
                self.pc = self.code.len();
                Some(Err(e))
            }
        }
    }
}

fn atom_text(atoms: Option<&AtomTable>, raw: u32) -> String {
    let atom = Atom::from_raw(raw);
    match (atom.as_index(), atoms) {
        (Some(n), _) => n.to_string(),
        (None, Some(t)) if (raw as usize) < t.len() => t.to_string_lossy(atom),
        _ => format!("atom#{raw}"),
    }
}

fn constant_text(f: &FunctionBytecode, atoms: Option<&AtomTable>, idx: u32) -> String {
    match f.constants.get(idx as usize) {
        Some(Constant::Number(n)) => format!("{n}"),
        Some(Constant::String(a)) => format!("{:?}", atom_text(atoms, a.raw())),
        Some(Constant::BigInt(d)) => format!("{d}n"),
        Some(Constant::Function(g)) => format!("<function {}>", atom_text(atoms, g.name.raw())),
        Some(Constant::TemplateObject { site, .. }) => format!("<template site {site}>"),
        Some(Constant::RegExp { pattern, flags }) => {
            format!(
                "/{}/{}",
                atom_text(atoms, pattern.raw()),
                atom_text(atoms, flags.raw())
            )
        }
        None => format!("<bad const {idx}>"),
    }
}

/// One line per instruction: `pc  name operands`, jump targets absolute. Nested functions
/// are disassembled after the parent, indented.
pub fn disassemble(f: &FunctionBytecode, atoms: Option<&AtomTable>) -> String {
    let mut out = String::new();
    disassemble_into(&mut out, f, atoms, 0);
    out
}

fn disassemble_into(
    out: &mut String,
    f: &FunctionBytecode,
    atoms: Option<&AtomTable>,
    depth: usize,
) {
    let ind = "  ".repeat(depth);
    let _ = writeln!(
        out,
        "{ind}function {} ({:?}, flags {:#x}, args {}, locals {}, stack {})",
        atom_text(atoms, f.name.raw()),
        f.kind,
        f.flags.0,
        f.arg_count,
        f.local_count,
        f.max_stack
    );
    for (i, l) in f.locals.iter().enumerate() {
        let cell = if l.is_cell { " cell" } else { "" };
        let _ = writeln!(
            out,
            "{ind}  loc{i}: {} {:?}{cell}",
            atom_text(atoms, l.name.raw()),
            l.kind
        );
    }
    for (i, c) in f.closure_vars.iter().enumerate() {
        let _ = writeln!(
            out,
            "{ind}  ref{i}: {} {:?} from {:?}",
            atom_text(atoms, c.name.raw()),
            c.kind,
            c.source
        );
    }
    for h in &f.exception_table {
        let _ = writeln!(
            out,
            "{ind}  try {}..{} -> {} depth {}",
            h.start, h.end, h.target, h.depth
        );
    }
    for insn in Decoder::new(&f.code) {
        let insn = match insn {
            Ok(i) => i,
            Err(e) => {
                let _ = writeln!(out, "{ind}  <{e}>");
                break;
            }
        };
        let operands = match insn.op.format() {
            Format::None => String::new(),
            Format::U8 | Format::U16 => format!(" {}", insn.a),
            Format::I32 => format!(" {}", insn.a as i32),
            Format::Const => format!(" {}", constant_text(f, atoms, insn.a)),
            Format::Atom => format!(" {}", atom_text(atoms, insn.a)),
            Format::Label => format!(" @{}", insn.a),
            Format::AtomU8 => format!(" {} {}", atom_text(atoms, insn.a), insn.b),
            Format::AtomLabelU8 => format!(" {} @{} {}", atom_text(atoms, insn.a), insn.b, insn.c),
            Format::U16U16 => format!(" {} {}", insn.a, insn.b),
        };
        let _ = writeln!(out, "{ind}  {:4} {}{}", insn.pc, insn.op.name(), operands);
    }
    for c in &f.constants {
        if let Constant::Function(g) = c {
            disassemble_into(out, g, atoms, depth + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_decode_round_trip() {
        let mut e = Emitter::new();
        e.emit(Op::PushI32, (-5i32) as u32, 0, 0);
        e.emit(Op::Goto, 0, 0, 0);
        e.emit(Op::WithGetVar, 7, 20, 1);
        e.emit(Op::CallEval, 2, 3, 0);
        let v: Vec<Insn> = Decoder::new(&e.code).map(|r| r.unwrap()).collect();
        assert_eq!(v.len(), 4);
        assert_eq!(v[0].a as i32, -5);
        assert_eq!(v[1].target(), Some(0));
        assert_eq!((v[2].a, v[2].target(), v[2].c), (7, Some(20), 1));
        assert_eq!((v[3].a, v[3].b), (2, 3));
    }

    #[test]
    fn decoder_rejects_truncated_code() {
        let code = [Op::PushI32 as u8, 1];
        let mut d = Decoder::new(&code);
        assert!(d.next().unwrap().is_err());
        assert!(d.next().is_none());
    }
}
