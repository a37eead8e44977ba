//! Destructuring: binding and assignment patterns (spec #sec-destructuring-assignment and
//! #sec-destructuring-binding-patterns). Object patterns read properties (rest via
//! CopyDataProperties excluding the listed keys); array patterns drive the iterator with
//! `destructure_next`/`destructure_rest` and close it on abrupt completion.
//!
//! Invariant: `pattern_assign` consumes exactly the value on top of the stack.

use super::ir::{Access, Ir};
use super::{CResult, Compiler};
use crate::ast::{Expr, Pattern, PatternKind, PropKey};
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
                for prop in props {
                    self.op(Op::Dup);
                    match &prop.key {
                        PropKey::Named(a, _) => {
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
                            self.op(Op::GetArrayEl);
                        }
                        PropKey::Private(_, span) => {
                            return self.err(*span, "private name in pattern")
                        }
                    }
                    self.default_value(prop.default.as_deref(), &prop.value)?;
                    self.pattern_assign(&prop.value, access)?;
                }
                match rest {
                    Some(r) => {
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
                        self.pattern_assign(r, access)?;
                    }
                    None => self.op(Op::Drop),
                }
            }
            PatternKind::Array { elems, rest } => {
                self.pos(p.span.start);
                self.op1(Op::GetIterator, 0);
                self.op(Op::PushFalse);
                let (exc, skip, end) = (self.new_label(), self.new_label(), self.new_label());
                let h = self.new_handler();
                self.emit(Ir::TryBegin(h, exc));
                for e in elems {
                    self.op(Op::DestructureNext);
                    match e {
                        None => self.op(Op::Drop),
                        Some(el) => {
                            self.default_value(el.default.as_deref(), &el.target)?;
                            self.pattern_assign(&el.target, access)?;
                        }
                    }
                }
                if let Some(r) = rest {
                    self.op(Op::DestructureRest);
                    self.pattern_assign(r, access)?;
                }
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

    /// `v` on the stack → PutValue(reference of `e`, v).
    fn assign_to_expr(&mut self, e: &'ast Expr) -> CResult<()> {
        let r = self.reference(e)?;
        // value base… → base… value
        match r {
            super::expr::Ref::Var(_) => {}
            super::expr::Ref::Field(_) | super::expr::Ref::Private(..) => self.op(Op::Swap),
            super::expr::Ref::Elem => self.op(Op::Rot3L),
            super::expr::Ref::Super => self.op(Op::Rot4L),
        }
        self.ref_put(r, false)
    }
}
