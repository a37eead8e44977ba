//! Destructuring: binding and assignment patterns (spec #sec-destructuring-assignment and
//! #sec-destructuring-binding-patterns). Object patterns read properties (rest via
//! CopyDataProperties excluding the listed keys); array patterns drive the iterator with
//! `destructure_next`/`destructure_rest` and close it on abrupt completion.
//!
//! Invariant: `pattern_assign` consumes exactly the value on top of the stack.

use super::ir::{Access, Ir};
use super::stmt::Control;
use super::{CResult, Compiler};
use crate::ast::{Expr, Pattern, PatternElem, PatternKind, PropKey};
use crate::bytecode::Op;

impl<'ast> Compiler<'_, 'ast> {
    /// Assigns the value on the stack to `p`. `access`: `None` for assignment patterns
    /// (PutValue on arbitrary references), `Some(Init)` for let/const/param bindings,
    /// `Some(Put)` for `var`.
    pub(crate) fn pattern_assign(
        &mut self,
        p: &'ast Pattern,
        access: Option<Access>,
    ) -> CResult<()> {
        self.enter(p.span)?;
        let r = self.pattern_inner(p, access);
        self.leave();
        r
    }

    fn pattern_inner(&mut self, p: &'ast Pattern, access: Option<Access>) -> CResult<()> {
        match &p.kind {
            PatternKind::Ident(id) => {
                let acc = access.unwrap_or(Access::Put);
                self.emit(Ir::Var(acc, id.name, self.scope));
            }
            PatternKind::Expr(e) => self.assign_to_expr(e)?,
            PatternKind::Object { props, rest } => {
                self.pos(p.span.start);
                self.op(Op::CheckObjectCoercible);
                let mut key_temps: Vec<Result<crate::atoms::Atom, u16>> = Vec::new();
                let mut pre;
                for prop in props {
                    self.op(Op::Dup);
                    match &prop.key {
                        PropKey::Named(a, _) => {
                            pre = self.pre_reference(&prop.value, access)?;
                            self.op1(Op::GetField, a.raw());
                            key_temps.push(Ok(*a));
                        }
                        PropKey::Computed(k) => {
                            self.expr(k)?;
                            self.op(Op::ToPropKey);
                            if rest.is_some() {
                                let t = self.temp()?;
                                self.op(Op::Dup);
                                self.op1(Op::PutLoc, t as u32);
                                key_temps.push(Err(t));
                            }
                            pre = self.pre_reference(&prop.value, access)?;
                            self.op(Op::GetArrayEl);
                        }
                        PropKey::Private(_, span) => {
                            return self.err(*span, "private name in pattern")
                        }
                    }
                    self.default_value(prop.default.as_deref(), &prop.value)?;
                    self.assign_target(&prop.value, access, pre)?;
                }
                match rest {
                    Some(r) => {
                        // The rest target's reference is evaluated before the copy.
                        let pre = self.pre_reference(r, access)?;
                        // src → target src keys… → target
                        self.op(Op::Object);
                        self.op(Op::Swap);
                        let n = key_temps.len();
                        for k in &key_temps {
                            match k {
                                Ok(a) => self.op1(Op::PushAtom, a.raw()),
                                Err(t) => self.op1(Op::GetLoc, *t as u32),
                            }
                        }
                        if n > u16::MAX as usize {
                            return self.err(p.span, "too many properties in pattern");
                        }
                        self.op1(Op::CopyDataProperties, n as u32);
                        for k in key_temps {
                            if let Err(t) = k {
                                self.free_temp(t);
                            }
                        }
                        self.assign_target(r, access, pre)?;
                    }
                    None => self.op(Op::Drop),
                }
            }
            PatternKind::Array { elems, rest } => {
                self.pos(p.span.start);
                self.op1(Op::GetIterator, 0);
                // In a generator, a `yield` inside the pattern can be resumed with a return
                // completion, which must close the iterator (IteratorClose, result checked)
                // unless it is done: the iterator and the done flag are mirrored in
                // temporaries for the return path (a `Control::Destructure` entry).
                let mirror = if self.funcs[self.cur].is_generator {
                    let (it, nx, dn) = (self.temp()?, self.temp()?, self.temp()?);
                    self.op(Op::Dup2);
                    self.op1(Op::PutLoc, nx as u32);
                    self.op1(Op::PutLoc, it as u32);
                    self.op(Op::PushFalse);
                    self.op1(Op::PutLoc, dn as u32);
                    Some((it, nx, dn))
                } else {
                    None
                };
                self.op(Op::PushFalse);
                let (exc, skip, end) = (self.new_label(), self.new_label(), self.new_label());
                let h = self.new_handler();
                self.emit(Ir::TryBegin(h, exc));
                if let Some((it, nx, dn)) = mirror {
                    self.control.push(Control::Destructure { it, nx, dn });
                    self.control.push(Control::Try {
                        handler: h,
                        target: exc,
                    });
                }
                let r = self.array_elements(elems, rest.as_deref(), access, mirror);
                if let Some((it, nx, dn)) = mirror {
                    self.control.pop();
                    self.control.pop();
                    self.free_temp(it);
                    self.free_temp(nx);
                    self.free_temp(dn);
                }
                r?;
                self.emit(Ir::TryEnd(h));
                // iter next done: close unless done.
                self.jump(Op::IfTrue, skip);
                let l2 = self.new_label();
                self.op(Op::IteratorReturn);
                self.jump(Op::IfFalse, l2);
                self.op(Op::IteratorCheckObject);
                self.label(l2);
                self.op(Op::Drop);
                self.jump(Op::Goto, end);
                self.label(skip);
                self.op(Op::Drop);
                self.op(Op::Drop);
                self.jump(Op::Goto, end);
                // Abrupt completion inside the pattern: iter next done exc.
                self.label(exc);
                let t = self.temp()?;
                self.op1(Op::PutLoc, t as u32);
                let (was_done, caught, after) =
                    (self.new_label(), self.new_label(), self.new_label());
                self.jump(Op::IfTrue, was_done);
                let h2 = self.new_handler();
                self.emit(Ir::TryBegin(h2, caught));
                let l3 = self.new_label();
                self.op(Op::IteratorReturn);
                self.jump(Op::IfFalse, l3);
                self.label(l3);
                self.op(Op::Drop);
                self.emit(Ir::TryEnd(h2));
                self.jump(Op::Goto, after);
                self.label(caught);
                self.op(Op::Drop);
                self.op(Op::Drop);
                self.op(Op::Drop);
                self.jump(Op::Goto, after);
                self.label(was_done);
                self.op(Op::Drop);
                self.op(Op::Drop);
                self.label(after);
                self.op1(Op::GetLoc, t as u32);
                self.op(Op::Throw);
                self.free_temp(t);
                self.label(end);
            }
        }
        Ok(())
    }

    /// The elements and rest of an array pattern (stack: `iter next done`).
    fn array_elements(
        &mut self,
        elems: &'ast [Option<PatternElem>],
        rest: Option<&'ast Pattern>,
        access: Option<Access>,
        mirror: Option<(u16, u16, u16)>,
    ) -> CResult<()> {
        for e in elems {
            // AssignmentElement: the target reference is evaluated before the iterator
            // step (spec #sec-runtime-semantics-iteratordestructuringassignmentevaluation).
            let pre = match e {
                Some(el) => self.pre_reference(&el.target, access)?,
                None => None,
            };
            self.op(Op::DestructureNext);
            self.mirror_done(mirror);
            match e {
                None => self.op(Op::Drop),
                Some(el) => {
                    self.default_value(el.default.as_deref(), &el.target)?;
                    self.assign_target(&el.target, access, pre)?;
                }
            }
        }
        if let Some(r) = rest {
            let pre = self.pre_reference(r, access)?;
            self.op(Op::DestructureRest);
            self.mirror_done(mirror);
            self.assign_target(r, access, pre)?;
        }
        Ok(())
    }

    /// `iter next done value` after a step: copies `done` to the mirror temporary.
    fn mirror_done(&mut self, mirror: Option<(u16, u16, u16)>) {
        if let Some((_, _, dn)) = mirror {
            self.op(Op::Swap);
            self.op(Op::Dup);
            self.op1(Op::PutLoc, dn as u32);
            self.op(Op::Swap);
        }
    }

    /// With a value on the stack: if undefined, replaces it by the default (named after a
    /// simple target).
    fn default_value(&mut self, default: Option<&'ast Expr>, target: &Pattern) -> CResult<()> {
        if let Some(d) = default {
            let l = self.new_label();
            self.op(Op::Dup);
            self.op(Op::IsUndefined);
            self.jump(Op::IfFalse, l);
            self.op(Op::Drop);
            self.named_expr(d, super::stmt::pattern_name(target))?;
            self.label(l);
        }
        Ok(())
    }

    /// For an assignment pattern whose target is a reference expression (not a nested
    /// pattern): evaluates the reference now and parks its base parts in temporaries, since
    /// the spec evaluates the target before reading the value it receives.
    fn pre_reference(
        &mut self,
        target: &'ast Pattern,
        access: Option<Access>,
    ) -> CResult<Option<(super::expr::Ref, Vec<u16>)>> {
        let PatternKind::Expr(e) = &target.kind else {
            return Ok(None);
        };
        if access.is_some() {
            return Ok(None);
        }
        let r = self.reference(e)?;
        let mut temps = Vec::new();
        for _ in 0..r.parts() {
            temps.push(self.temp()?);
        }
        for &t in temps.iter().rev() {
            self.op1(Op::PutLoc, t as u32);
        }
        Ok(Some((r, temps)))
    }

    /// Assigns the value on the stack to `target`, using a reference evaluated earlier by
    /// [`Self::pre_reference`] when there is one.
    fn assign_target(
        &mut self,
        target: &'ast Pattern,
        access: Option<Access>,
        pre: Option<(super::expr::Ref, Vec<u16>)>,
    ) -> CResult<()> {
        let Some((r, temps)) = pre else {
            return self.pattern_assign(target, access);
        };
        // value → base… value
        for &t in &temps {
            self.op1(Op::GetLoc, t as u32);
        }
        match temps.len() {
            0 => {}
            1 => self.op(Op::Swap),
            2 => self.op(Op::Rot3L),
            _ => self.op(Op::Rot4L),
        }
        for t in temps {
            self.free_temp(t);
        }
        self.ref_put(r, false)
    }

    /// `v` on the stack → PutValue(reference of `e`, v).
    fn assign_to_expr(&mut self, e: &'ast Expr) -> CResult<()> {
        let r = self.reference(e)?;
        // value base… → base… value
        match r {
            super::expr::Ref::Var(_) | super::expr::Ref::DynVar(_) => {}
            super::expr::Ref::Field(_) | super::expr::Ref::Private(..) => self.op(Op::Swap),
            super::expr::Ref::Elem => self.op(Op::Rot3L),
            super::expr::Ref::Super => self.op(Op::Rot4L),
        }
        self.ref_put(r, false)
    }
}
