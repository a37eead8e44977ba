//! Code generation for expressions: literals, operators, references (variables, properties,
//! private names, super properties) and assignments, calls (method calls keep `this`,
//! direct eval, spread, optional chains), `new`, templates, `yield`/`yield*`/`await`.
//!
//! Invariant: every expression leaves exactly one value on the operand stack.

use super::func::PrivKind;
use super::ir::{Access, Ir, LabelId};
use super::{CResult, Compiler};
use crate::ast::{
    Argument, ArrayElem, AssignOp, BinaryOp, Expr, ExprKind, LogicalOp, MemberProp, MethodKind,
    ObjectProp, Pattern, PatternKind, PropKey, Template, UnaryOp, UpdateOp,
};
use crate::atoms::Atom;
use crate::bytecode::{Constant, FunctionFlags, Op, ThrowKind};

/// A reference whose base parts are on the stack (see [`Compiler::reference`]).
#[derive(Clone, Copy)]
pub(crate) enum Ref {
    /// A variable: nothing on the stack.
    Var(Atom),
    /// A variable resolved before its value is computed (assignment targets): the base
    /// from `Access::Resolve` is on the stack when the name has dynamic scopes on its path
    /// (`with`, sloppy direct eval), nothing otherwise; decided when lowering, so code that
    /// moves values around it uses the `*Resolved` accesses, never `parts()`.
    DynVar(Atom),
    /// `obj.name`: obj on the stack.
    Field(Atom),
    /// `obj[key]`: obj key on the stack.
    Elem,
    /// `obj.#x`: obj on the stack.
    Private(Atom, PrivKind),
    /// `super.x` / `super[x]`: this proto key on the stack.
    Super,
}

impl Ref {
    pub(crate) fn parts(self) -> u32 {
        match self {
            Ref::Var(_) | Ref::DynVar(_) => 0,
            Ref::Field(_) | Ref::Private(..) => 1,
            Ref::Elem => 2,
            Ref::Super => 3,
        }
    }
}

fn binary_op(op: BinaryOp) -> Op {
    match op {
        BinaryOp::Eq => Op::Eq,
        BinaryOp::NotEq => Op::Neq,
        BinaryOp::StrictEq => Op::StrictEq,
        BinaryOp::StrictNotEq => Op::StrictNeq,
        BinaryOp::Lt => Op::Lt,
        BinaryOp::LtEq => Op::Lte,
        BinaryOp::Gt => Op::Gt,
        BinaryOp::GtEq => Op::Gte,
        BinaryOp::Shl => Op::Shl,
        BinaryOp::Shr => Op::Sar,
        BinaryOp::UShr => Op::Shr,
        BinaryOp::Add => Op::Add,
        BinaryOp::Sub => Op::Sub,
        BinaryOp::Mul => Op::Mul,
        BinaryOp::Div => Op::Div,
        BinaryOp::Mod => Op::Mod,
        BinaryOp::Exp => Op::Pow,
        BinaryOp::BitOr => Op::BitOr,
        BinaryOp::BitXor => Op::BitXor,
        BinaryOp::BitAnd => Op::BitAnd,
        BinaryOp::In => Op::In,
        BinaryOp::Instanceof => Op::Instanceof,
    }
}

impl<'ast> Compiler<'_, 'ast> {
    pub(crate) fn op(&mut self, op: Op) {
        self.emit(Ir::Op(op, 0, 0));
    }
    pub(crate) fn op1(&mut self, op: Op, a: u32) {
        self.emit(Ir::Op(op, a, 0));
    }
    pub(crate) fn jump(&mut self, op: Op, l: LabelId) {
        self.emit(Ir::Jump(op, l));
    }
    pub(crate) fn label(&mut self, l: LabelId) {
        self.emit(Ir::Label(l));
    }

    pub(crate) fn push_number(&mut self, n: f64) -> CResult<()> {
        if n.fract() == 0.0 && n.abs() <= i32::MAX as f64 && !(n == 0.0 && n.is_sign_negative()) {
            self.op1(Op::PushI32, n as i32 as u32);
        } else {
            let c = self.add_const(Constant::Number(n))?;
            self.op1(Op::PushConst, c);
        }
        Ok(())
    }

    /// Evaluates `e` for a jump: jumps to `target` when ToBoolean(e) == `when`.
    pub(crate) fn cond_jump(&mut self, e: &'ast Expr, when: bool, target: LabelId) -> CResult<()> {
        self.expr(e)?;
        self.jump(if when { Op::IfTrue } else { Op::IfFalse }, target);
        Ok(())
    }

    /// NamedEvaluation: anonymous functions/classes get `name`.
    pub(crate) fn named_expr(&mut self, e: &'ast Expr, name: Option<Atom>) -> CResult<()> {
        if let Some(n) = name {
            if e.is_anonymous_function_definition() {
                return match &e.unparen().kind {
                    ExprKind::Function(f) | ExprKind::Arrow(f) => self.function_value(f, Some(n)),
                    ExprKind::Class(c) => self.class(c, Some(n)),
                    _ => self.expr(e),
                };
            }
        }
        self.expr(e)
    }

    /// Evaluates `e` for its effects only (`x++` as a statement needs no old value).
    pub(crate) fn expr_discard(&mut self, e: &'ast Expr) -> CResult<()> {
        if let ExprKind::Update { op, target, .. } = &e.unparen().kind {
            self.enter(e.span)?;
            let r = self.update(*op, true, target);
            self.leave();
            r?;
        } else {
            self.expr(e)?;
        }
        self.op(Op::Drop);
        Ok(())
    }

    pub(crate) fn expr(&mut self, e: &'ast Expr) -> CResult<()> {
        self.enter(e.span)?;
        let r = self.expr_inner(e);
        self.leave();
        r
    }

    fn expr_inner(&mut self, e: &'ast Expr) -> CResult<()> {
        match &e.kind {
            ExprKind::Number(n) => self.push_number(*n)?,
            ExprKind::BigInt(d) => {
                let c = self.add_const(Constant::BigInt(d.clone()))?;
                self.op1(Op::PushConst, c);
            }
            ExprKind::String(a) => self.op1(Op::PushAtom, a.raw()),
            ExprKind::RegExp { pattern, flags } => {
                let c = self.add_const(Constant::RegExp {
                    pattern: *pattern,
                    flags: *flags,
                })?;
                self.op1(Op::RegExp, c);
            }
            ExprKind::Template(t) => self.template(t)?,
            ExprKind::TaggedTemplate { tag, quasi } => self.tagged_template(tag, quasi, e)?,
            ExprKind::Ident(id) => {
                self.pos(e.span.start);
                self.emit(Ir::Var(Access::Get, id.name, self.scope));
            }
            ExprKind::This => self.this_value(e)?,
            ExprKind::Null => self.op(Op::PushNull),
            ExprKind::Bool(b) => self.op(if *b { Op::PushTrue } else { Op::PushFalse }),
            ExprKind::Array(elems) => self.array_literal(elems)?,
            ExprKind::Object(props) => self.object_literal(props)?,
            ExprKind::Function(f) | ExprKind::Arrow(f) => self.function_value(f, None)?,
            ExprKind::Class(c) => self.class(c, None)?,
            ExprKind::Unary { op, arg } => self.unary(*op, arg, e)?,
            ExprKind::Update { op, prefix, target } => self.update(*op, *prefix, target)?,
            ExprKind::Binary { op, left, right } => {
                self.expr(left)?;
                self.expr(right)?;
                self.pos(e.span.start);
                self.op(binary_op(*op));
            }
            ExprKind::Logical { op, left, right } => {
                let end = self.new_label();
                self.expr(left)?;
                self.op(Op::Dup);
                match op {
                    LogicalOp::And => self.jump(Op::IfFalse, end),
                    LogicalOp::Or => self.jump(Op::IfTrue, end),
                    LogicalOp::Nullish => {
                        self.op(Op::IsNullish);
                        self.jump(Op::IfFalse, end);
                    }
                }
                self.op(Op::Drop);
                self.expr(right)?;
                self.label(end);
            }
            ExprKind::PrivateIn { name, right } => {
                self.expr(right)?;
                let kind = self.private_kind(*name, e)?;
                self.load_private_key(*name, kind)?;
                self.pos(e.span.start);
                self.op(Op::PrivateIn);
            }
            ExprKind::Conditional {
                test,
                consequent,
                alternate,
            } => {
                let (else_l, end) = (self.new_label(), self.new_label());
                self.cond_jump(test, false, else_l)?;
                self.expr(consequent)?;
                self.jump(Op::Goto, end);
                self.label(else_l);
                self.expr(alternate)?;
                self.label(end);
            }
            ExprKind::Assign { op, target, value } => self.assign(*op, target, value, e)?,
            ExprKind::Sequence(list) => {
                for (i, x) in list.iter().enumerate() {
                    if i + 1 < list.len() {
                        self.expr_discard(x)?;
                    } else {
                        self.expr(x)?;
                    }
                }
                if list.is_empty() {
                    self.op(Op::PushUndefined);
                }
            }
            ExprKind::Member { .. } | ExprKind::SuperMember { .. } => {
                let r = self.reference(e)?;
                self.pos(e.span.start);
                self.ref_get(r, false)?;
            }
            ExprKind::Call { .. } => self.call(e)?,
            ExprKind::SuperCall { args } => self.super_call(args, e)?,
            ExprKind::New { callee, args } => {
                self.expr(callee)?;
                if has_spread(args) {
                    self.spread_args(args)?;
                    self.pos(e.span.start);
                    self.op(Op::ApplyNew);
                } else {
                    let n = self.plain_args(args)?;
                    self.pos(e.span.start);
                    self.op1(Op::New, n);
                }
            }
            ExprKind::OptionalChain(inner) => {
                let (short, end) = (self.new_label(), self.new_label());
                self.optional.push(short);
                let r = self.expr(inner);
                self.optional.pop();
                r?;
                self.jump(Op::Goto, end);
                self.label(short);
                self.op(Op::PushUndefined);
                self.label(end);
            }
            ExprKind::Yield { arg, delegate } => {
                match arg {
                    Some(a) => self.expr(a)?,
                    None => self.op(Op::PushUndefined),
                }
                if *delegate {
                    self.yield_star()?;
                } else {
                    self.op(Op::Yield);
                    self.after_yield()?;
                }
            }
            ExprKind::Await(a) => {
                if self.funcs[self.cur].kind == crate::bytecode::FunctionKind::Module {
                    self.funcs[self.cur].flags |= FunctionFlags::ASYNC;
                    self.funcs[self.cur].is_async = true;
                }
                self.expr(a)?;
                self.pos(e.span.start);
                self.op(Op::Await);
            }
            ExprKind::NewTarget => {
                let nt = self.hidden.new_target;
                self.emit(Ir::Var(Access::GetRaw, nt, self.scope));
            }
            ExprKind::ImportMeta => self.op1(
                Op::SpecialObject,
                crate::bytecode::SpecialObject::ImportMeta as u32,
            ),
            ExprKind::ImportCall {
                specifier,
                options,
                phase: _,
            } => {
                self.expr(specifier)?;
                match options {
                    Some(o) => self.expr(o)?,
                    None => self.op(Op::PushUndefined),
                }
                self.pos(e.span.start);
                self.op(Op::ImportCall);
            }
            ExprKind::Paren(inner) => self.expr(inner)?,
        }
        Ok(())
    }

    fn this_value(&mut self, e: &Expr) -> CResult<()> {
        self.pos(e.span.start);
        self.emit(Ir::Var(Access::Get, Atom::This, self.scope));
        Ok(())
    }

    /// After `yield`: `received is_return` on the stack; a return resumption returns.
    fn after_yield(&mut self) -> CResult<()> {
        let next = self.new_label();
        self.jump(Op::IfFalse, next);
        self.return_value(true)?;
        self.label(next);
        Ok(())
    }

    fn yield_star(&mut self) -> CResult<()> {
        let is_async = self.funcs[self.cur].is_async;
        self.op1(Op::GetIterator, is_async as u32);
        self.op(Op::PushUndefined);
        self.op1(Op::PushI32, 0);
        let (top, done, end) = (self.new_label(), self.new_label(), self.new_label());
        self.label(top);
        self.op(Op::DelegateCall);
        if is_async {
            self.op(Op::Await);
        }
        self.op(Op::DelegateResult);
        self.jump(Op::IfTrue, done);
        self.op(Op::DelegateYield);
        self.jump(Op::Goto, top);
        self.label(done);
        self.op(Op::DelegateValue);
        self.jump(Op::IfFalse, end);
        self.return_value(true)?;
        self.label(end);
        Ok(())
    }

    fn template(&mut self, t: &'ast Template) -> CResult<()> {
        let first = t
            .quasis
            .first()
            .and_then(|q| q.cooked)
            .unwrap_or(Atom::Empty);
        self.op1(Op::PushAtom, first.raw());
        for (i, e) in t.exprs.iter().enumerate() {
            self.expr(e)?;
            self.op(Op::ToString);
            self.op(Op::Add);
            if let Some(q) = t.quasis.get(i + 1) {
                let c = q.cooked.unwrap_or(Atom::Empty);
                if c != Atom::Empty {
                    self.op1(Op::PushAtom, c.raw());
                    self.op(Op::Add);
                }
            }
        }
        Ok(())
    }

    fn tagged_template(&mut self, tag: &'ast Expr, t: &'ast Template, e: &Expr) -> CResult<()> {
        self.callee(tag)?;
        let site = self.template_site;
        self.template_site = self.template_site.wrapping_add(1);
        let c = self.add_const(Constant::TemplateObject {
            site,
            cooked: t.quasis.iter().map(|q| q.cooked).collect(),
            raw: t.quasis.iter().map(|q| q.raw).collect(),
        })?;
        self.op1(Op::TemplateObject, c);
        if t.exprs.len() >= u16::MAX as usize {
            return self.err(e.span, "too many template substitutions");
        }
        for x in &t.exprs {
            self.expr(x)?;
        }
        self.pos(e.span.start);
        self.op1(Op::Call, 1 + t.exprs.len() as u32);
        Ok(())
    }

    fn array_literal(&mut self, elems: &'ast [Option<ArrayElem>]) -> CResult<()> {
        let simple =
            elems.len() < 1024 && elems.iter().all(|x| matches!(x, Some(ArrayElem::Expr(_))));
        if simple {
            for x in elems.iter().flatten() {
                if let ArrayElem::Expr(e) = x {
                    self.expr(e)?;
                }
            }
            self.op1(Op::ArrayFrom, elems.len() as u32);
            return Ok(());
        }
        self.op1(Op::ArrayFrom, 0);
        for x in elems {
            match x {
                None => self.op(Op::ArrayHole),
                Some(ArrayElem::Expr(e)) => {
                    self.expr(e)?;
                    self.op(Op::ArrayPush);
                }
                Some(ArrayElem::Spread(e)) => {
                    self.expr(e)?;
                    self.pos(e.span.start);
                    self.op(Op::ArraySpread);
                }
            }
        }
        Ok(())
    }

    /// Pushes a property key: named → returns the atom (nothing pushed); computed → pushes
    /// ToPropertyKey(key) and returns None.
    pub(crate) fn prop_key(&mut self, key: &'ast PropKey) -> CResult<Option<Atom>> {
        match key {
            PropKey::Named(a, _) => Ok(Some(*a)),
            PropKey::Computed(e) => {
                self.expr(e)?;
                self.op(Op::ToPropKey);
                Ok(None)
            }
            PropKey::Private(a, span) => self.err(*span, format!("unexpected private name #{a:?}")),
        }
    }

    fn object_literal(&mut self, props: &'ast [ObjectProp]) -> CResult<()> {
        self.op(Op::Object);
        for p in props {
            match p {
                ObjectProp::KeyValue { key, value, .. } => match self.prop_key(key)? {
                    Some(a) => {
                        self.named_expr(value, Some(a))?;
                        self.op1(Op::DefineField, a.raw());
                    }
                    None => {
                        if value.is_anonymous_function_definition() {
                            self.expr(value)?;
                            self.op(Op::SetNameComputed);
                        } else {
                            self.expr(value)?;
                        }
                        self.op(Op::DefineArrayEl);
                    }
                },
                ObjectProp::Proto { value, .. } => {
                    self.expr(value)?;
                    self.op(Op::SetProto);
                }
                ObjectProp::Spread { value, .. } => {
                    self.expr(value)?;
                    self.op1(Op::CopyDataProperties, 0);
                }
                ObjectProp::Method {
                    key, kind, value, ..
                } => {
                    let k = match kind {
                        MethodKind::Method => 0,
                        MethodKind::Get => 1,
                        MethodKind::Set => 2,
                    } | 4;
                    match self.prop_key(key)? {
                        Some(a) => {
                            self.function_value(value, None)?;
                            self.emit(Ir::Op(Op::DefineMethod, a.raw(), k));
                        }
                        None => {
                            self.function_value(value, None)?;
                            self.op1(Op::DefineMethodComputed, k);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn unary(&mut self, op: UnaryOp, arg: &'ast Expr, e: &Expr) -> CResult<()> {
        match op {
            UnaryOp::Typeof => {
                if let ExprKind::Ident(id) = &arg.unparen().kind {
                    self.emit(Ir::Var(Access::GetTypeof, id.name, self.scope));
                } else {
                    self.expr(arg)?;
                }
                self.op(Op::Typeof);
            }
            UnaryOp::Delete => self.delete(arg, e)?,
            UnaryOp::Void => {
                self.expr(arg)?;
                self.op(Op::Drop);
                self.op(Op::PushUndefined);
            }
            _ => {
                self.expr(arg)?;
                self.pos(e.span.start);
                self.op(match op {
                    UnaryOp::Minus => Op::Neg,
                    UnaryOp::Plus => Op::Plus,
                    UnaryOp::Not => Op::Not,
                    _ => Op::BitNot,
                });
            }
        }
        Ok(())
    }

    fn delete(&mut self, arg: &'ast Expr, e: &Expr) -> CResult<()> {
        let inner = arg.unparen();
        match &inner.kind {
            ExprKind::Ident(id) => self.emit(Ir::Var(Access::Delete, id.name, self.scope)),
            ExprKind::Member {
                object,
                property,
                optional,
            } => {
                self.expr(object)?;
                if *optional {
                    self.optional_check(1)?;
                }
                match property {
                    MemberProp::Ident(a, _) => self.op1(Op::PushAtom, a.raw()),
                    MemberProp::Computed(k) => self.expr(k)?,
                    MemberProp::Private(_, span) => {
                        return self.err(*span, "cannot delete a private field")
                    }
                }
                self.pos(e.span.start);
                self.op(Op::Delete);
            }
            ExprKind::SuperMember { property } => {
                self.this_value(e)?;
                self.op(Op::Drop);
                if let MemberProp::Computed(k) = property {
                    self.expr(k)?;
                    self.op(Op::Drop);
                }
                self.emit(Ir::Op(
                    Op::ThrowError,
                    Atom::Super.raw(),
                    ThrowKind::BadReference as u32,
                ));
                self.op(Op::PushUndefined);
            }
            ExprKind::OptionalChain(c) => {
                let (short, end) = (self.new_label(), self.new_label());
                self.optional.push(short);
                let r = self.delete(c, e);
                self.optional.pop();
                r?;
                self.jump(Op::Goto, end);
                self.label(short);
                self.op(Op::PushTrue);
                self.label(end);
            }
            _ => {
                self.expr(arg)?;
                self.op(Op::Drop);
                self.op(Op::PushTrue);
            }
        }
        Ok(())
    }

    /// Inside an optional chain: with `k` values on the stack, the top one being the value
    /// tested, short-circuits to the chain's end when it is null/undefined.
    fn optional_check(&mut self, k: u32) -> CResult<()> {
        let Some(&short) = self.optional.last() else {
            return self.err(
                crate::ast::Span::default(),
                "optional chain outside a chain",
            );
        };
        let ok = self.new_label();
        self.op(Op::Dup);
        self.op(Op::IsNullish);
        self.jump(Op::IfFalse, ok);
        for _ in 0..k {
            self.op(Op::Drop);
        }
        self.jump(Op::Goto, short);
        self.label(ok);
        Ok(())
    }

    /// As [`Compiler::reference`] for a reference that will be written: a computed key is
    /// converted to a property key (once) after checking the base.
    pub(crate) fn reference_for_write(&mut self, e: &'ast Expr) -> CResult<Ref> {
        let saved = std::mem::replace(&mut self.ref_for_write, true);
        let r = self.reference(e);
        self.ref_for_write = saved;
        match r? {
            Ref::Var(name) if name != Atom::Empty => Ok(self.resolve_var(name)),
            r => Ok(r),
        }
    }

    /// Resolves a variable assignment target now (ResolveBinding before the value).
    pub(crate) fn resolve_var(&mut self, name: Atom) -> Ref {
        self.emit(Ir::Var(Access::Resolve, name, self.scope));
        Ref::DynVar(name)
    }

    /// Evaluates the base parts of a reference expression onto the stack.
    pub(crate) fn reference(&mut self, e: &'ast Expr) -> CResult<Ref> {
        let write = std::mem::take(&mut self.ref_for_write);
        let e = e.unparen();
        match &e.kind {
            ExprKind::Ident(id) => Ok(Ref::Var(id.name)),
            ExprKind::Member {
                object,
                property,
                optional,
            } => {
                self.expr(object)?;
                if *optional {
                    self.optional_check(1)?;
                }
                match property {
                    MemberProp::Ident(a, _) => Ok(Ref::Field(*a)),
                    MemberProp::Computed(k) => {
                        self.expr(k)?;
                        if write {
                            // GetValue/PutValue order: RequireObjectCoercible(base) before
                            // ToPropertyKey(key), and the key converted once.
                            self.op(Op::Swap);
                            self.op(Op::CheckObjectCoercible);
                            self.op(Op::Swap);
                            self.op(Op::ToPropKey);
                        }
                        Ok(Ref::Elem)
                    }
                    MemberProp::Private(a, _) => {
                        let kind = self.private_kind(*a, e)?;
                        Ok(Ref::Private(*a, kind))
                    }
                }
            }
            ExprKind::SuperMember { property } => {
                self.this_value(e)?;
                match property {
                    MemberProp::Ident(a, _) => self.op1(Op::PushAtom, a.raw()),
                    MemberProp::Computed(k) => self.expr(k)?,
                    MemberProp::Private(_, span) => return self.err(*span, "super.#x is invalid"),
                }
                // MakeSuperPropertyReference: GetSuperBase; ToPropertyKey is left to
                // GetValue/PutValue, done here once for a read-modify-write target.
                let home = self.hidden.home;
                self.emit(Ir::Var(Access::GetRaw, home, self.scope));
                self.op(Op::GetSuper);
                self.op(Op::Swap);
                if write && matches!(property, MemberProp::Computed(_)) {
                    self.op(Op::ToPropKey);
                }
                Ok(Ref::Super)
            }
            _ => {
                // Not a valid reference (the parser rejects these for assignment); evaluate
                // and throw a ReferenceError when assigned.
                self.expr(e)?;
                self.op(Op::Drop);
                Ok(Ref::Var(Atom::Empty))
            }
        }
    }

    /// Gets the value of a reference; `keep`: leave the base parts below the value.
    pub(crate) fn ref_get(&mut self, r: Ref, keep: bool) -> CResult<()> {
        match r {
            Ref::Var(name) => {
                if name == Atom::Empty {
                    self.emit(Ir::Op(
                        Op::ThrowError,
                        name.raw(),
                        ThrowKind::BadReference as u32,
                    ));
                    self.op(Op::PushUndefined);
                } else {
                    self.emit(Ir::Var(Access::Get, name, self.scope));
                }
            }
            Ref::DynVar(name) => {
                self.emit(Ir::Var(Access::GetResolved, name, self.scope));
                if !keep {
                    self.emit(Ir::Var(Access::NipResolved, name, self.scope));
                }
            }
            Ref::Field(a) => {
                if keep {
                    self.op(Op::Dup);
                }
                self.op1(Op::GetField, a.raw());
            }
            Ref::Elem => {
                if keep {
                    self.op(Op::Dup2);
                }
                self.op(Op::GetArrayEl);
            }
            Ref::Super => {
                if keep {
                    self.op(Op::Dup3);
                }
                self.op(Op::GetSuperValue);
            }
            Ref::Private(name, kind) => {
                if keep {
                    self.op(Op::Dup);
                }
                self.private_get(name, kind)?;
            }
        }
        Ok(())
    }

    /// Stores the value on top into the reference whose base parts are below it; with
    /// `keep_value` the value stays on the stack.
    pub(crate) fn ref_put(&mut self, r: Ref, keep_value: bool) -> CResult<()> {
        if let Ref::DynVar(name) = r {
            if keep_value {
                self.emit(Ir::Var(Access::DupBelowResolved, name, self.scope));
            }
            self.emit(Ir::Var(Access::PutResolved, name, self.scope));
            return Ok(());
        }
        if keep_value {
            match r.parts() {
                0 => self.op(Op::Dup),
                1 => self.op(Op::Insert2),
                2 => self.op(Op::Insert3),
                _ => self.op(Op::Insert4),
            }
        }
        match r {
            Ref::DynVar(_) => {} // handled above
            Ref::Var(name) => {
                if name == Atom::Empty {
                    self.op(Op::Drop);
                    self.emit(Ir::Op(
                        Op::ThrowError,
                        name.raw(),
                        ThrowKind::BadReference as u32,
                    ));
                } else {
                    self.emit(Ir::Var(Access::Put, name, self.scope));
                }
            }
            Ref::Field(a) => self.op1(Op::PutField, a.raw()),
            Ref::Elem => self.op(Op::PutArrayEl),
            Ref::Super => self.op(Op::PutSuperValue),
            Ref::Private(name, kind) => self.private_put(name, kind)?,
        }
        Ok(())
    }

    fn update(&mut self, op: UpdateOp, prefix: bool, target: &'ast Expr) -> CResult<()> {
        let r = self.reference_for_write(target)?;
        self.pos(target.span.start);
        self.ref_get(r, true)?;
        self.op(Op::ToNumeric);
        let step = if op == UpdateOp::Increment {
            Op::Inc
        } else {
            Op::Dec
        };
        if prefix {
            self.op(step);
            self.ref_put(r, true)?;
        } else {
            // old value below the base parts, then store old ± 1.
            match r.parts() {
                _ if matches!(r, Ref::DynVar(_)) => {
                    if let Ref::DynVar(name) = r {
                        self.emit(Ir::Var(Access::DupBelowResolved, name, self.scope));
                    }
                }
                0 => self.op(Op::Dup),
                1 => self.op(Op::Insert2),
                2 => self.op(Op::Insert3),
                _ => self.op(Op::Insert4),
            }
            self.op(step);
            self.ref_put(r, false)?;
        }
        Ok(())
    }

    fn assign(
        &mut self,
        op: AssignOp,
        target: &'ast Pattern,
        value: &'ast Expr,
        e: &Expr,
    ) -> CResult<()> {
        let target_expr: Option<&'ast Expr> = match &target.kind {
            PatternKind::Expr(x) => Some(x),
            _ => None,
        };
        if op == AssignOp::Assign {
            match (&target.kind, target_expr) {
                (PatternKind::Ident(id), _) => {
                    let r = self.resolve_var(id.name);
                    self.named_expr(value, Some(id.name))?;
                    self.pos(e.span.start);
                    self.ref_put(r, true)?;
                }
                (_, Some(x)) => {
                    // Plain assignment: the key is converted by PutValue, after the value.
                    let r = self.reference(x)?;
                    self.expr(value)?;
                    self.pos(e.span.start);
                    self.ref_put(r, true)?;
                }
                _ => {
                    self.expr(value)?;
                    self.op(Op::Dup);
                    self.pattern_assign(target, None)?;
                }
            }
            return Ok(());
        }
        let r = match (&target.kind, target_expr) {
            (PatternKind::Ident(id), _) => self.resolve_var(id.name),
            (_, Some(x)) => self.reference_for_write(x)?,
            _ => return self.err(target.span, "invalid compound assignment target"),
        };
        let name = match r {
            Ref::Var(n) | Ref::DynVar(n) => Some(n),
            _ => None,
        };
        self.ref_get(r, true)?;
        match op.binary() {
            Some(b) => {
                self.expr(value)?;
                self.pos(e.span.start);
                self.op(binary_op(b));
                self.ref_put(r, true)?;
            }
            None => {
                let (short, end) = (self.new_label(), self.new_label());
                self.op(Op::Dup);
                match op {
                    AssignOp::And => self.jump(Op::IfFalse, short),
                    AssignOp::Or => self.jump(Op::IfTrue, short),
                    _ => {
                        self.op(Op::IsNullish);
                        self.jump(Op::IfFalse, short);
                    }
                }
                self.op(Op::Drop);
                self.named_expr(value, name)?;
                self.ref_put(r, true)?;
                self.jump(Op::Goto, end);
                self.label(short);
                if let Ref::DynVar(name) = r {
                    self.emit(Ir::Var(Access::NipResolved, name, self.scope));
                }
                for _ in 0..r.parts() {
                    self.op(Op::Nip);
                }
                self.label(end);
            }
        }
        Ok(())
    }

    /// Pushes `this func` for a call of `callee`.
    fn callee(&mut self, callee: &'ast Expr) -> CResult<()> {
        let c = callee.unparen();
        match &c.kind {
            ExprKind::Ident(id) => {
                self.pos(c.span.start);
                self.emit(Ir::Var(Access::GetCall, id.name, self.scope));
            }
            ExprKind::Member { .. } | ExprKind::SuperMember { .. } => {
                let r = self.reference(c)?;
                self.pos(c.span.start);
                match r {
                    Ref::Field(a) => self.op1(Op::GetField2, a.raw()),
                    Ref::Elem => self.op(Op::GetArrayEl2),
                    Ref::Super => {
                        // this proto key → this value
                        // this proto key → this this proto key → this value
                        self.op(Op::Rot3L);
                        self.op(Op::Dup);
                        self.op(Op::Rot4L);
                        self.op(Op::Rot4L);
                        self.op(Op::GetSuperValue);
                    }
                    Ref::Private(name, kind) => {
                        self.op(Op::Dup);
                        self.private_get(name, kind)?;
                    }
                    Ref::Var(_) | Ref::DynVar(_) => {
                        self.op(Op::PushUndefined);
                        self.ref_get(r, false)?;
                    }
                }
            }
            // `(a?.b)()`: the parenthesized chain is still a reference, so `a` is `this`;
            // a short-circuited chain calls undefined (TypeError).
            ExprKind::OptionalChain(inner) if matches!(callee.kind, ExprKind::Paren(_)) => {
                let (short, end) = (self.new_label(), self.new_label());
                self.optional.push(short);
                let r = self.callee(inner);
                self.optional.pop();
                r?;
                self.jump(Op::Goto, end);
                self.label(short);
                self.op(Op::PushUndefined);
                self.op(Op::PushUndefined);
                self.label(end);
            }
            _ => {
                self.op(Op::PushUndefined);
                self.expr(c)?;
            }
        }
        Ok(())
    }

    fn call(&mut self, e: &'ast Expr) -> CResult<()> {
        let ExprKind::Call {
            callee,
            args,
            optional,
        } = &e.kind
        else {
            return self.err(e.span, "internal: not a call");
        };
        // A direct eval is `eval(...)` only: `eval?.(...)` is an ordinary (indirect) call.
        let is_eval =
            !*optional && matches!(&callee.kind, ExprKind::Ident(id) if id.name == Atom::Eval);
        self.callee(callee)?;
        if *optional {
            self.optional_check(2)?;
        }
        if is_eval {
            self.note_direct_eval();
        }
        if has_spread(args) {
            self.spread_args(args)?;
            self.pos(e.span.start);
            if is_eval {
                self.emit(Ir::ApplyEval(self.scope));
            } else {
                self.op(Op::Apply);
            }
        } else {
            let n = self.plain_args(args)?;
            self.pos(e.span.start);
            if is_eval {
                self.emit(Ir::CallEval(n as u16, self.scope));
            } else {
                self.op1(Op::Call, n);
            }
        }
        Ok(())
    }

    /// A direct eval call in the current function: its var scope gets a variable object
    /// when sloppy (eval `var`s land there), and the function is flagged.
    fn note_direct_eval(&mut self) {
        let cur = self.cur;
        self.funcs[cur].flags |= FunctionFlags::HAS_DIRECT_EVAL;
        if self.funcs[cur].strict || self.funcs[cur].vars_global {
            return;
        }
        // An eval in parameter expressions declares its vars in the function's outer
        // environment (the parameter scope), not in the body's separate var scope
        // (FunctionDeclarationInstantiation step 20).
        let mut vs = self.funcs[cur].var_scope;
        let mut s = Some(self.scope);
        let mut in_body = false;
        while let Some(id) = s {
            if id == vs {
                in_body = true;
                break;
            }
            if self.scopes[id].func != cur {
                break;
            }
            s = self.scopes[id].parent;
        }
        if !in_body {
            vs = self.funcs[cur].scope;
        }
        if self.scopes[vs].var_object.is_none() {
            let name = self.hidden.var_object;
            // Declared as a hidden local of the function (not visible by name lookup).
            let saved = self.scopes[vs].names.len();
            if let Ok(v) = self.declare(vs, name, crate::bytecode::BindingKind::Hidden) {
                self.scopes[vs].names.truncate(saved);
                self.scopes[vs].var_object = Some(v);
            }
        }
    }

    fn plain_args(&mut self, args: &'ast [Argument]) -> CResult<u32> {
        if args.len() > u16::MAX as usize {
            return self.err(crate::ast::Span::default(), "too many arguments");
        }
        for a in args {
            if let Argument::Expr(x) = a {
                self.expr(x)?;
            }
        }
        Ok(args.len() as u32)
    }

    fn spread_args(&mut self, args: &'ast [Argument]) -> CResult<()> {
        self.op1(Op::ArrayFrom, 0);
        for a in args {
            match a {
                Argument::Expr(x) => {
                    self.expr(x)?;
                    self.op(Op::ArrayPush);
                }
                Argument::Spread(x) => {
                    self.expr(x)?;
                    self.pos(x.span.start);
                    self.op(Op::ArraySpread);
                }
            }
        }
        Ok(())
    }

    fn super_call(&mut self, args: &'ast [Argument], e: &Expr) -> CResult<()> {
        let (func, nt) = (self.hidden.func, self.hidden.new_target);
        self.emit(Ir::Var(Access::GetRaw, func, self.scope));
        self.op(Op::GetSuperCtor);
        self.emit(Ir::Var(Access::GetRaw, nt, self.scope));
        if has_spread(args) {
            self.spread_args(args)?;
            self.pos(e.span.start);
            self.op(Op::ApplySuper);
        } else {
            let n = self.plain_args(args)?;
            self.pos(e.span.start);
            self.op1(Op::SuperCall, n);
        }
        self.op(Op::Dup);
        self.emit(Ir::Var(Access::InitThis, Atom::This, self.scope));
        self.op(Op::Dup);
        self.emit(Ir::Var(Access::GetRaw, func, self.scope));
        self.op(Op::RunFieldsInit);
        Ok(())
    }

    // ------------------------------------------------------------------ private names

    pub(crate) fn private_kind(&mut self, name: Atom, e: &Expr) -> CResult<PrivKind> {
        match self.find_private(name) {
            Some(k) => Ok(k),
            None => self.err(e.span, "undeclared private name"),
        }
    }

    /// Pushes the key `private_in` tests: the field's private symbol or the brand.
    fn load_private_key(&mut self, name: Atom, kind: PrivKind) -> CResult<()> {
        match kind {
            PrivKind::Field => {
                let v = self.private_var(name, "")?;
                self.emit(Ir::Var(Access::GetRaw, v, self.scope));
            }
            PrivKind::Method { is_static } | PrivKind::Accessor { is_static, .. } => {
                let b = if is_static {
                    self.hidden.static_brand
                } else {
                    self.hidden.brand
                };
                self.load_brand(name, b)?;
            }
        }
        Ok(())
    }

    /// obj → value.
    pub(crate) fn private_get(&mut self, name: Atom, kind: PrivKind) -> CResult<()> {
        match kind {
            PrivKind::Field => {
                self.load_private_key(name, kind)?;
                self.op(Op::GetPrivateField);
            }
            PrivKind::Method { .. } => {
                self.load_private_key(name, kind)?;
                self.op(Op::CheckBrand);
                self.op(Op::Drop);
                let v = self.private_var(name, "()")?;
                self.emit(Ir::Var(Access::GetRaw, v, self.scope));
            }
            PrivKind::Accessor { has_get, .. } => {
                self.load_private_key(name, kind)?;
                self.op(Op::CheckBrand);
                if !has_get {
                    self.emit(Ir::Op(
                        Op::ThrowError,
                        name.raw(),
                        ThrowKind::PrivateNoGetter as u32,
                    ));
                    return Ok(());
                }
                let v = self.private_var(name, " get")?;
                // obj getter → call with this = obj
                self.emit(Ir::Var(Access::GetRaw, v, self.scope));
                self.op1(Op::Call, 0);
            }
        }
        Ok(())
    }

    /// obj v → .
    pub(crate) fn private_put(&mut self, name: Atom, kind: PrivKind) -> CResult<()> {
        match kind {
            PrivKind::Field => {
                self.load_private_key(name, kind)?;
                self.op(Op::PutPrivateField);
            }
            PrivKind::Method { .. } => {
                self.op(Op::Drop);
                self.op(Op::Drop);
                self.emit(Ir::Op(
                    Op::ThrowError,
                    name.raw(),
                    ThrowKind::PrivateMethodWrite as u32,
                ));
            }
            PrivKind::Accessor { has_set, .. } => {
                self.op(Op::Swap);
                self.load_private_key(name, kind)?;
                self.op(Op::CheckBrand);
                self.op(Op::Swap);
                if !has_set {
                    self.op(Op::Drop);
                    self.op(Op::Drop);
                    self.emit(Ir::Op(
                        Op::ThrowError,
                        name.raw(),
                        ThrowKind::PrivateNoSetter as u32,
                    ));
                    return Ok(());
                }
                let v = self.private_var(name, " set")?;
                self.emit(Ir::Var(Access::GetRaw, v, self.scope));
                self.op(Op::Swap);
                self.op1(Op::Call, 1);
                self.op(Op::Drop);
            }
        }
        Ok(())
    }
}

pub(crate) fn has_spread(args: &[Argument]) -> bool {
    args.iter().any(|a| matches!(a, Argument::Spread(_)))
}
