//! The backtracking matcher: runs a [`Program`] over Latin-1 or UTF-16 input with an
//! explicit backtrack stack (no native recursion), charging its growth to the caller's
//! memory budget and polling the caller's interrupt check every [`POLL_INTERVAL`] steps.
//!
//! The backtrack stack is an undo log: besides choice points it records the old value of
//! every capture slot and register an instruction overwrites, so failing back to a choice
//! point restores exactly the state at that point. A lookaround pushes a mark; when its body
//! succeeds, the choice points above the mark are dropped (lookarounds are atomic, spec
//! #sec-compileassertion) while the undo records are kept.
//!
//! Invariants: positions are code-unit indices with `0 <= pos <= len`; every instruction
//! reads input through bounds-checked accessors.

use super::compiler::{ClassEntry, Program};
use super::ops::Insn;
use super::{ExecControl, ExecError};
use crate::unicode::case;

/// Instructions executed between two calls of [`ExecControl::poll`].
pub const POLL_INTERVAL: u32 = 4096;

/// Hard cap on backtrack stack entries, whatever the memory budget says.
pub const MAX_STACK: usize = 1 << 26;

const UNSET: usize = usize::MAX;

/// Subject text: Latin-1 bytes or UTF-16 code units.
pub trait Text {
    fn len(&self) -> usize;
    /// The code unit at `i`; callers check `i < len()`.
    fn unit(&self, i: usize) -> u32;
}

impl Text for [u8] {
    fn len(&self) -> usize {
        <[u8]>::len(self)
    }
    fn unit(&self, i: usize) -> u32 {
        self.get(i).map_or(0, |&u| u as u32)
    }
}

impl Text for [u16] {
    fn len(&self) -> usize {
        <[u16]>::len(self)
    }
    fn unit(&self, i: usize) -> u32 {
        self.get(i).map_or(0, |&u| u as u32)
    }
}

#[derive(Clone, Copy)]
enum Frame {
    /// Resume at `pc` with position `pos`.
    Choice { pc: u32, pos: usize },
    /// Restore capture slot `idx` to `old`.
    Slot { idx: u32, old: usize },
    /// Restore register `idx` to `old`.
    Reg { idx: u32, old: usize },
    /// A lookaround mark: if backtracking reaches it the body failed; a negative
    /// lookaround then succeeds and continues after its `LookEnd` at `pc` with `pos`.
    Look { pc: u32, pos: usize, negate: bool },
    /// A `GreedyChar` loop that consumed `count` characters (ending at `pos`); on
    /// backtracking it gives one back and resumes the continuation at `pc`.
    Greedy {
        pc: u32,
        pos: usize,
        count: u32,
        min: u32,
    },
}

struct Vm<'a, T: Text + ?Sized> {
    prog: &'a Program,
    text: &'a T,
    unicode: bool,
    slots: Vec<usize>,
    regs: Vec<usize>,
    stack: Vec<Frame>,
    ctl: &'a mut dyn ExecControl,
    budget: u32,
}

fn is_line_terminator(c: u32) -> bool {
    matches!(c, 0x0A | 0x0D | 0x2028 | 0x2029)
}

fn is_word(c: u32, uicase: bool) -> bool {
    matches!(c, 0x30..=0x39 | 0x41..=0x5A | 0x5F | 0x61..=0x7A)
        || (uicase && (c == 0x17F || c == 0x212A))
}

enum Step {
    /// Continue at this pc.
    Next(u32),
    /// Backtrack.
    Fail,
    Matched,
}

impl<'a, T: Text + ?Sized> Vm<'a, T> {
    /// The character at `pos` moving forward and its width in code units.
    fn char_at(&self, pos: usize) -> Option<(u32, usize)> {
        let len = self.text.len();
        if pos >= len {
            return None;
        }
        let c = self.text.unit(pos);
        if self.unicode && (0xD800..0xDC00).contains(&c) && pos + 1 < len {
            let d = self.text.unit(pos + 1);
            if (0xDC00..0xE000).contains(&d) {
                return Some((0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00), 2));
            }
        }
        Some((c, 1))
    }

    /// The character ending at `pos` (moving backward) and its width.
    fn char_before(&self, pos: usize) -> Option<(u32, usize)> {
        if pos == 0 || pos > self.text.len() {
            return None;
        }
        let c = self.text.unit(pos - 1);
        if self.unicode && (0xDC00..0xE000).contains(&c) && pos >= 2 {
            let h = self.text.unit(pos - 2);
            if (0xD800..0xDC00).contains(&h) {
                return Some((0x10000 + ((h - 0xD800) << 10) + (c - 0xDC00), 2));
            }
        }
        Some((c, 1))
    }

    fn read(&self, pos: usize, back: bool) -> Option<(u32, usize)> {
        let r = if back {
            self.char_before(pos)
        } else {
            self.char_at(pos)
        };
        r.map(|(c, w)| (c, if back { pos - w } else { pos + w }))
    }

    fn push(&mut self, f: Frame) -> Result<(), ExecError> {
        if self.stack.len() == self.stack.capacity() {
            let old = self.stack.capacity();
            let add = old.max(64);
            if old + add > MAX_STACK {
                return Err(ExecError::OutOfMemory);
            }
            if !self.ctl.charge(add * std::mem::size_of::<Frame>()) {
                return Err(ExecError::OutOfMemory);
            }
            if self.stack.try_reserve_exact(add).is_err() {
                return Err(ExecError::OutOfMemory);
            }
        }
        self.stack.push(f);
        Ok(())
    }

    fn set_slot(&mut self, idx: u32, v: usize) -> Result<(), ExecError> {
        let Some(&old) = self.slots.get(idx as usize) else {
            return Ok(());
        };
        self.push(Frame::Slot { idx, old })?;
        if let Some(s) = self.slots.get_mut(idx as usize) {
            *s = v;
        }
        Ok(())
    }

    fn set_reg(&mut self, idx: u32, v: usize) -> Result<(), ExecError> {
        let Some(&old) = self.regs.get(idx as usize) else {
            return Ok(());
        };
        self.push(Frame::Reg { idx, old })?;
        if let Some(s) = self.regs.get_mut(idx as usize) {
            *s = v;
        }
        Ok(())
    }

    fn reg(&self, idx: u32) -> usize {
        self.regs.get(idx as usize).copied().unwrap_or(0)
    }

    fn class_matches(&self, cls: &ClassEntry, c: u32) -> bool {
        let c = if cls.icase {
            case::canonicalize(c, self.unicode)
        } else {
            c
        };
        let inside = if c < 128 {
            cls.ascii
                .get((c / 64) as usize)
                .is_some_and(|w| w & (1 << (c % 64)) != 0)
        } else {
            cls.set.contains(c)
        };
        inside != cls.negate
    }

    /// Does the one-character instruction `insn` match the character `c`?
    fn single_matches(&self, insn: &Insn, c: u32) -> bool {
        match *insn {
            Insn::Char { c: x, .. } => c == x,
            Insn::CharI { c: x, .. } => case::canonicalize(c, self.unicode) == x,
            Insn::Dot { .. } => !is_line_terminator(c),
            Insn::Any { .. } => true,
            Insn::Class { idx, .. } => self
                .prog
                .classes
                .get(idx as usize)
                .is_some_and(|cls| self.class_matches(cls, c)),
            _ => false,
        }
    }

    /// Runs from `pc` at `pos` until a match or until every alternative failed.
    fn run(&mut self, mut pc: u32, mut pos: usize) -> Result<bool, ExecError> {
        loop {
            if self.budget == 0 {
                if !self.ctl.poll() {
                    return Err(ExecError::Interrupted);
                }
                self.budget = POLL_INTERVAL;
            }
            self.budget -= 1;
            let step = self.step(pc, &mut pos)?;
            match step {
                Step::Next(next) => pc = next,
                Step::Matched => return Ok(true),
                Step::Fail => match self.backtrack(&mut pos)? {
                    Some(next) => pc = next,
                    None => return Ok(false),
                },
            }
        }
    }

    /// Pops the stack to the next resumption point. None: no alternatives left.
    fn backtrack(&mut self, pos: &mut usize) -> Result<Option<u32>, ExecError> {
        while let Some(f) = self.stack.pop() {
            match f {
                Frame::Choice { pc, pos: p } => {
                    *pos = p;
                    return Ok(Some(pc));
                }
                Frame::Slot { idx, old } => {
                    if let Some(s) = self.slots.get_mut(idx as usize) {
                        *s = old;
                    }
                }
                Frame::Reg { idx, old } => {
                    if let Some(s) = self.regs.get_mut(idx as usize) {
                        *s = old;
                    }
                }
                Frame::Look { pc, pos: p, negate } => {
                    if negate {
                        // The body of a negative lookaround failed: the assertion holds.
                        *pos = p;
                        return Ok(Some(pc + 1));
                    }
                }
                Frame::Greedy {
                    pc,
                    pos: p,
                    count,
                    min,
                } => {
                    if count > min {
                        let Some((_, w)) = self.char_before(p) else {
                            continue;
                        };
                        let np = p - w;
                        if count - 1 > min {
                            self.push(Frame::Greedy {
                                pc,
                                pos: np,
                                count: count - 1,
                                min,
                            })?;
                        }
                        *pos = np;
                        return Ok(Some(pc));
                    }
                }
            }
        }
        Ok(None)
    }

    fn step(&mut self, pc: u32, pos: &mut usize) -> Result<Step, ExecError> {
        let Some(&insn) = self.prog.code.get(pc as usize) else {
            return Ok(Step::Fail);
        };
        let next = pc + 1;
        let ok = |b: bool| if b { Step::Next(next) } else { Step::Fail };
        Ok(match insn {
            Insn::Match => Step::Matched,
            Insn::Char { back, .. }
            | Insn::CharI { back, .. }
            | Insn::Dot { back }
            | Insn::Any { back }
            | Insn::Class { back, .. } => match self.read(*pos, back) {
                Some((c, np)) if self.single_matches(&insn, c) => {
                    *pos = np;
                    Step::Next(next)
                }
                _ => Step::Fail,
            },
            Insn::LineStart { multi } => {
                ok(*pos == 0 || (multi && is_line_terminator(self.text.unit(*pos - 1))))
            }
            Insn::LineEnd { multi } => {
                ok(*pos == self.text.len() || (multi && is_line_terminator(self.text.unit(*pos))))
            }
            Insn::WordBoundary { negate, uicase } => {
                let a = *pos > 0 && is_word(self.text.unit(*pos - 1), uicase);
                let b = *pos < self.text.len() && is_word(self.text.unit(*pos), uicase);
                ok((a != b) != negate)
            }
            Insn::BackRef { list, back, icase } => match self.backref(list, back, icase, *pos) {
                Some(np) => {
                    *pos = np;
                    Step::Next(next)
                }
                None => Step::Fail,
            },
            Insn::Save { slot } => {
                self.set_slot(slot, *pos)?;
                Step::Next(next)
            }
            Insn::ResetCaps { from, to } => {
                for s in from * 2..to * 2 {
                    if self.slots.get(s as usize).is_some_and(|&v| v != UNSET) {
                        self.set_slot(s, UNSET)?;
                    }
                }
                Step::Next(next)
            }
            Insn::Fork { target } => {
                self.push(Frame::Choice {
                    pc: target,
                    pos: *pos,
                })?;
                Step::Next(next)
            }
            Insn::ForkJump { target } => {
                self.push(Frame::Choice {
                    pc: next,
                    pos: *pos,
                })?;
                Step::Next(target)
            }
            Insn::Jmp { target } => Step::Next(target),
            Insn::ClearReg { reg } => {
                self.set_reg(reg, 0)?;
                Step::Next(next)
            }
            Insn::SavePos { reg } => {
                self.set_reg(reg, *pos)?;
                Step::Next(next)
            }
            Insn::RepeatCheck {
                reg,
                min,
                max,
                greedy,
                exit,
            } => {
                let cnt = self.reg(reg);
                if cnt < min as usize {
                    Step::Next(next)
                } else if max != u32::MAX && cnt >= max as usize {
                    Step::Next(exit)
                } else if greedy {
                    self.push(Frame::Choice {
                        pc: exit,
                        pos: *pos,
                    })?;
                    Step::Next(next)
                } else {
                    self.push(Frame::Choice {
                        pc: next,
                        pos: *pos,
                    })?;
                    Step::Next(exit)
                }
            }
            Insn::RepeatEnd {
                reg,
                pos_reg,
                min,
                head,
            } => {
                let cnt = self.reg(reg);
                // Spec: "If min = 0 and y's endIndex = x's endIndex, return failure."
                if cnt >= min as usize && self.reg(pos_reg) == *pos {
                    Step::Fail
                } else {
                    self.set_reg(reg, cnt + 1)?;
                    Step::Next(head)
                }
            }
            Insn::LookStart { reg, negate, end } => {
                let mark = self.stack.len();
                self.set_reg(reg, mark)?;
                // The mark sits above the register's undo record.
                self.push(Frame::Look {
                    pc: end,
                    pos: *pos,
                    negate,
                })?;
                Step::Next(next)
            }
            Insn::LookEnd { reg, negate } => {
                let mark = self.reg(reg) + 1;
                let Some(&Frame::Look { pos: start, .. }) = self.stack.get(mark) else {
                    return Ok(Step::Fail);
                };
                if negate {
                    // The body matched, so the negative assertion fails: undo the body
                    // (including its captures) and the mark, then backtrack further.
                    while self.stack.len() > mark {
                        if let Some(f) = self.stack.pop() {
                            self.undo(f);
                        }
                    }
                    Step::Fail
                } else {
                    // Keep the register record below the mark and the undo records above
                    // it; drop the choice points (the lookaround is atomic) and the mark.
                    let mut w = mark + 1;
                    for r in mark + 2..self.stack.len() {
                        if let Some(&f) = self.stack.get(r) {
                            if matches!(f, Frame::Slot { .. } | Frame::Reg { .. }) {
                                if let Some(dst) = self.stack.get_mut(w) {
                                    *dst = f;
                                }
                                w += 1;
                            }
                        }
                    }
                    self.stack.truncate(w);
                    *pos = start;
                    Step::Next(next)
                }
            }
            Insn::GreedyChar { min, max } => {
                let Some(&one) = self.prog.code.get(next as usize) else {
                    return Ok(Step::Fail);
                };
                let mut count = 0u32;
                let mut p = *pos;
                while count < max {
                    if self.budget == 0 {
                        if !self.ctl.poll() {
                            return Err(ExecError::Interrupted);
                        }
                        self.budget = POLL_INTERVAL;
                    }
                    self.budget -= 1;
                    match self.char_at(p) {
                        Some((c, w)) if self.single_matches(&one, c) => {
                            p += w;
                            count += 1;
                        }
                        _ => break,
                    }
                }
                if count < min {
                    return Ok(Step::Fail);
                }
                if count > min {
                    self.push(Frame::Greedy {
                        pc: next + 1,
                        pos: p,
                        count,
                        min,
                    })?;
                }
                *pos = p;
                Step::Next(next + 1)
            }
        })
    }

    fn undo(&mut self, f: Frame) {
        match f {
            Frame::Slot { idx, old } => {
                if let Some(s) = self.slots.get_mut(idx as usize) {
                    *s = old;
                }
            }
            Frame::Reg { idx, old } => {
                if let Some(s) = self.regs.get_mut(idx as usize) {
                    *s = old;
                }
            }
            _ => {}
        }
    }

    /// Spec: #sec-backreference-matcher. Returns the new position on success.
    fn backref(&self, list: u32, back: bool, icase: bool, pos: usize) -> Option<usize> {
        let groups = self.prog.backrefs.get(list as usize)?;
        // At most one of the groups (duplicate names) participated; none matches empty.
        let mut range = None;
        for &g in groups {
            let s = self.slots.get(g as usize * 2).copied().unwrap_or(UNSET);
            let e = self.slots.get(g as usize * 2 + 1).copied().unwrap_or(UNSET);
            if s != UNSET && e != UNSET {
                range = Some((s, e));
                break;
            }
        }
        let Some((s, e)) = range else {
            return Some(pos);
        };
        let n = e.saturating_sub(s);
        if !icase {
            let start = if back { pos.checked_sub(n)? } else { pos };
            if start + n > self.text.len() {
                return None;
            }
            for i in 0..n {
                if self.text.unit(s + i) != self.text.unit(start + i) {
                    return None;
                }
            }
            return Some(if back { start } else { pos + n });
        }
        // Case-insensitive: compare character by character.
        let unicode = self.unicode;
        if back {
            let (mut a, mut b) = (e, pos);
            while a > s {
                let (ca, wa) = self.char_before(a)?;
                let (cb, wb) = self.char_before(b)?;
                if case::canonicalize(ca, unicode) != case::canonicalize(cb, unicode) {
                    return None;
                }
                a -= wa;
                b -= wb;
            }
            Some(b)
        } else {
            let (mut a, mut b) = (s, pos);
            while a < e {
                let (ca, wa) = self.char_at(a)?;
                let (cb, wb) = self.char_at(b)?;
                if case::canonicalize(ca, unicode) != case::canonicalize(cb, unicode) {
                    return None;
                }
                a += wa;
                b += wb;
            }
            Some(b)
        }
    }
}

/// Runs the program at each start position from `start` (only `start` when `sticky`).
/// Returns the capture slots of the first match.
pub fn exec<T: Text + ?Sized>(
    prog: &Program,
    text: &T,
    start: usize,
    capture_count: u32,
    unicode: bool,
    sticky: bool,
    ctl: &mut dyn ExecControl,
) -> Result<Option<Vec<usize>>, ExecError> {
    let nslots = (capture_count as usize + 1) * 2;
    let bytes = (nslots + prog.registers as usize) * std::mem::size_of::<usize>();
    if !ctl.charge(bytes) {
        return Err(ExecError::OutOfMemory);
    }
    let mut slots = Vec::new();
    let mut regs = Vec::new();
    if slots.try_reserve_exact(nslots).is_err()
        || regs.try_reserve_exact(prog.registers as usize).is_err()
    {
        return Err(ExecError::OutOfMemory);
    }
    slots.resize(nslots, UNSET);
    regs.resize(prog.registers as usize, 0);
    let mut vm = Vm {
        prog,
        text,
        unicode,
        slots,
        regs,
        stack: Vec::new(),
        ctl,
        budget: POLL_INTERVAL,
    };
    let len = text.len();
    let mut pos = start;
    while pos <= len {
        if let (Some(first), false) = (prog.first_unit, sticky) {
            while pos < len && text.unit(pos) != first as u32 {
                pos += 1;
            }
            if pos >= len {
                return Ok(None);
            }
        }
        if let (Some((bits, high)), false) = (&prog.first_set, sticky) {
            // Skip start positions whose first unit cannot begin a match. Units below 256 are
            // whole characters in every mode, so stepping by one unit is AdvanceStringIndex.
            loop {
                if pos >= len {
                    return Ok(None);
                }
                let u = text.unit(pos);
                if u < 256 {
                    if bits
                        .get((u / 64) as usize)
                        .is_some_and(|w| w & (1 << (u % 64)) != 0)
                    {
                        break;
                    }
                    pos += 1;
                } else if *high {
                    break;
                } else {
                    pos += vm.char_at(pos).map_or(1, |(_, w)| w);
                }
            }
        }
        // Slot 0 is set directly: nothing before the first instruction needs undoing.
        if let Some(s0) = vm.slots.first_mut() {
            *s0 = pos;
        }
        if vm.run(1, pos)? {
            return Ok(Some(vm.slots));
        }
        if sticky {
            break;
        }
        vm.stack.clear();
        vm.slots.iter_mut().for_each(|s| *s = UNSET);
        // AdvanceStringIndex: step over a whole surrogate pair in unicode mode.
        pos += vm.char_at(pos).map_or(1, |(_, w)| w);
    }
    Ok(None)
}
