//! Code generation for statements: blocks and their lexical scopes, declarations, loops
//! (with per-iteration `let` cells), for-in/for-of/for-await with iterator closing, switch,
//! labels, break/continue/return through `finally` (inlined) and iterators, try/catch,
//! `with`, and the completion value of scripts and eval code.
//!
//! Invariant: the operand stack is empty at statement boundaries (loop state lives in
//! temporary locals), so a jump out of any statement needs no stack cleanup.

use super::ir::{Access, Ir, LabelId};
use super::scope;
use super::{CResult, Compiler, ScopeKind};
use crate::ast::{
    CatchClause, ForHead, ForInit, Pattern, PatternKind, Stmt, StmtKind, SwitchCase, VarDecl,
    VarKind,
};
use crate::atoms::Atom;
use crate::bytecode::{BindingKind, FunctionKind, Op};

/// An entry of the control-flow stack.
pub(crate) enum Control<'ast> {
    Loop {
        labels: Vec<Atom>,
        brk: LabelId,
        cont: LabelId,
        /// for-of iterator temporaries (iter, next, async) to close on exit.
        iter: Option<(u16, u16, bool)>,
    },
    /// A labeled statement or a switch (`is_switch`: target of unlabeled break).
    Block {
        labels: Vec<Atom>,
        brk: LabelId,
        is_switch: bool,
    },
    /// A protected range (catch handler or iterator-close handler).
    Try { handler: u32, target: LabelId },
    /// An array destructuring in a generator: on a return (from a `yield` inside the
    /// pattern) close the iterator in temporaries `it`/`nx` unless `dn` holds true.
    Destructure { it: u16, nx: u16, dn: u16 },
    /// A `finally` block and the handler protecting the try/catch blocks.
    Finally {
        body: &'ast [Stmt],
        handler: u32,
        target: LabelId,
    },
    /// A scope with `using` declarations: its DisposeCapability in local `cap`, the handler
    /// that disposes on a throw, and whether it has `await using` (disposal awaits).
    Dispose {
        cap: u16,
        handler: u32,
        target: LabelId,
        is_async: bool,
    },
}

/// Does a statement list directly declare `using` bindings? `Some(true)` if any of them is
/// `await using`.
pub(crate) fn using_kind(stmts: &[Stmt]) -> Option<bool> {
    let mut found = None;
    for s in stmts {
        if let StmtKind::VarDecl(d) = &s.kind {
            match d.kind {
                VarKind::AwaitUsing => return Some(true),
                VarKind::Using => found = Some(false),
                _ => {}
            }
        }
    }
    found
}

fn is_using(kind: VarKind) -> bool {
    matches!(kind, VarKind::Using | VarKind::AwaitUsing)
}

impl<'ast> Compiler<'_, 'ast> {
    pub(crate) fn new_handler(&mut self) -> u32 {
        let f = self.f();
        f.next_handler += 1;
        f.next_handler - 1
    }

    pub(crate) fn stmts(&mut self, stmts: &'ast [Stmt]) -> CResult<()> {
        for s in stmts {
            self.stmt(s)?;
        }
        Ok(())
    }

    /// A statement list in its own block scope (block, catch body, ...).
    pub(crate) fn block(&mut self, stmts: &'ast [Stmt]) -> CResult<()> {
        let saved = self.scope;
        self.enter_lexical_scope(stmts, true)?;
        let r = self.scope_stmts(stmts);
        self.scope = saved;
        r
    }

    /// The statements of a scope (block, function body, module): with `using` declarations
    /// among them, inside a disposal region. Spec: #sec-block-runtime-semantics-evaluation
    /// (step 5: DisposeResources(blockEnv.[[DisposeCapability]], blockValue))
    pub(crate) fn scope_stmts(&mut self, stmts: &'ast [Stmt]) -> CResult<()> {
        match using_kind(stmts) {
            Some(is_async) => self.with_disposal(is_async, |c| c.stmts(stmts)),
            None => self.stmts(stmts),
        }
    }

    /// Compiles `body` inside a disposal region: a fresh DisposeCapability, disposed on every
    /// way out (normal end here; break/continue/return through [`Control::Dispose`] in
    /// `cross_controls`; a throw through the region's own handler). The operand stack must
    /// be empty relative to the statement (the handler's depth is taken here).
    pub(crate) fn with_disposal(
        &mut self,
        is_async: bool,
        body: impl FnOnce(&mut Self) -> CResult<()>,
    ) -> CResult<()> {
        let cap = self.temp()?;
        self.emit(Ir::Op(Op::DisposeNew, 0, 0));
        self.emit(Ir::Op(Op::PutLoc, cap as u32, 0));
        let (h, target, end) = (self.new_handler(), self.new_label(), self.new_label());
        self.emit(Ir::TryBegin(h, target));
        self.control.push(Control::Dispose {
            cap,
            handler: h,
            target,
            is_async,
        });
        let r = body(self);
        self.control.pop();
        r?;
        self.emit(Ir::TryEnd(h));
        self.emit_dispose(cap, is_async)?;
        self.emit(Ir::Jump(Op::Goto, end));
        // A throw: record it as the completion, dispose, rethrow (dispose_end throws).
        self.emit(Ir::Label(target));
        self.emit(Ir::Op(Op::GetLoc, cap as u32, 0));
        self.emit(Ir::Op(Op::DisposeError, 0, 0));
        self.emit_dispose(cap, is_async)?;
        self.emit(Ir::Label(end));
        self.free_temp(cap);
        Ok(())
    }

    /// DisposeResources(cap, completion) with the completion recorded in `cap`.
    /// `await using` scopes Await in a loop; errors of the awaits are recorded.
    /// Spec: #sec-disposeresources
    fn emit_dispose(&mut self, cap: u16, is_async: bool) -> CResult<()> {
        if is_async {
            if self.funcs[self.cur].kind == FunctionKind::Module {
                // Top-level `await using`: the module body runs as an async function.
                self.funcs[self.cur].flags |= crate::bytecode::FunctionFlags::ASYNC;
                self.funcs[self.cur].is_async = true;
            }
            let (top, caught, done) = (self.new_label(), self.new_label(), self.new_label());
            let h = self.new_handler();
            self.emit(Ir::Label(top));
            self.emit(Ir::TryBegin(h, caught));
            self.emit(Ir::Op(Op::GetLoc, cap as u32, 0));
            self.emit(Ir::Op(Op::DisposeStep, 0, 0));
            self.emit(Ir::Jump(Op::IfFalse, done));
            self.emit(Ir::Op(Op::Await, 0, 0));
            self.emit(Ir::Op(Op::Drop, 0, 0));
            self.emit(Ir::TryEnd(h));
            self.emit(Ir::Jump(Op::Goto, top));
            self.emit(Ir::Label(caught));
            self.emit(Ir::Op(Op::GetLoc, cap as u32, 0));
            self.emit(Ir::Op(Op::DisposeError, 0, 0));
            self.emit(Ir::Jump(Op::Goto, top));
            self.emit(Ir::Label(done));
            self.emit(Ir::Op(Op::Drop, 0, 0));
        }
        self.emit(Ir::Op(Op::GetLoc, cap as u32, 0));
        self.emit(Ir::Op(Op::DisposeEnd, 0, 0));
        Ok(())
    }

    /// The capability local of the innermost disposal region (where a `using` declaration
    /// adds its resource).
    fn dispose_cap(&self) -> Option<u16> {
        self.control.iter().rev().find_map(|c| match c {
            Control::Dispose { cap, .. } => Some(*cap),
            _ => None,
        })
    }

    /// `using x = e, ...` / `await using x = e, ...`: each value is added to the scope's
    /// capability, then the (constant) binding is initialized.
    /// Spec: #sec-let-and-const-declarations-runtime-semantics-evaluation (InitializeReferencedBinding
    /// with hint: AddDisposableResource before the binding is initialized)
    fn using_decl(&mut self, d: &'ast VarDecl) -> CResult<()> {
        let Some(cap) = self.dispose_cap() else {
            return self.err(d.span, "`using` declaration outside a block");
        };
        let hint = (d.kind == VarKind::AwaitUsing) as u32;
        for decl in &d.decls {
            let Some(init) = &decl.init else {
                return self.err(d.span, "missing initializer in using declaration");
            };
            self.named_expr(init, pattern_name(&decl.target))?;
            self.add_using(cap, hint, &decl.target)?;
        }
        Ok(())
    }

    /// Adds the value on the stack to capability `cap` and initializes the binding.
    fn add_using(&mut self, cap: u16, hint: u32, target: &'ast Pattern) -> CResult<()> {
        self.emit(Ir::Op(Op::GetLoc, cap as u32, 0));
        self.emit(Ir::Op(Op::DisposeAdd, hint, 0));
        self.pattern_assign(target, Some(Access::Init))
    }

    /// Declares the names of a `using` head in a new block scope (constant bindings) and
    /// enters it.
    fn enter_using_scope(&mut self, d: &'ast VarDecl) -> CResult<()> {
        let s = self.new_scope(ScopeKind::Block);
        let mut names = Vec::new();
        for decl in &d.decls {
            scope::bound_names(&decl.target, &mut names);
        }
        for n in names {
            let v = self.declare(s, n, BindingKind::Const)?;
            self.vars[v].init_end = Some(d.span.end);
        }
        self.scope = s;
        self.emit(Ir::EnterScope(s));
        Ok(())
    }

    /// `for (using x = e; test; update) body`: one capability for the whole loop, disposed
    /// when the loop ends (the bindings are constant, so not copied per iteration).
    /// Spec: #sec-for-statement-runtime-semantics-forloopevaluation (steps 6-12)
    fn for_using_stmt(
        &mut self,
        d: &'ast VarDecl,
        test: Option<&'ast crate::ast::Expr>,
        update: Option<&'ast crate::ast::Expr>,
        body: &'ast Stmt,
        labels: Vec<Atom>,
    ) -> CResult<()> {
        let saved = self.scope;
        let r = self.enter_using_scope(d).and_then(|_| {
            self.with_disposal(d.kind == VarKind::AwaitUsing, |c| {
                c.using_decl(d)?;
                c.for_loop(None, test, update, body, labels)
            })
        });
        self.scope = saved;
        r
    }

    /// One iteration of `for (using x of ...)` / `for (await using x of ...)`: the value on
    /// the stack goes to a fresh capability, disposed after the body, before the iterator
    /// is stepped or closed. Spec: #sec-runtime-semantics-forin-div-ofbodyevaluation-lhs-stmt-iterator-lhskind-labelset
    /// (step 6.k: DisposeResources(iterationEnv.[[DisposeCapability]], result))
    fn for_using_iteration(&mut self, d: &'ast VarDecl, body: &'ast Stmt) -> CResult<()> {
        let Some(decl) = d.decls.first() else {
            return self.err(d.span, "missing binding in using declaration");
        };
        // Keep the value in a temporary so the region starts with an empty stack.
        let t = self.temp()?;
        self.emit(Ir::Op(Op::PutLoc, t as u32, 0));
        self.enter_using_scope(d)?;
        let hint = (d.kind == VarKind::AwaitUsing) as u32;
        let r = self.with_disposal(hint == 1, |c| {
            let Some(cap) = c.dispose_cap() else {
                return c.err(d.span, "`using` declaration outside a block");
            };
            c.emit(Ir::Op(Op::GetLoc, t as u32, 0));
            c.add_using(cap, hint, &decl.target)?;
            c.sub_stmt(body)
        });
        self.free_temp(t);
        r
    }

    /// Declares the lexical bindings of `stmts` in a new block scope (if any), enters it and
    /// instantiates block-level functions.
    pub(crate) fn enter_lexical_scope(
        &mut self,
        stmts: &'ast [Stmt],
        functions: bool,
    ) -> CResult<()> {
        let mut lex = Vec::new();
        scope::lexical(stmts, functions, &mut lex);
        if lex.is_empty() {
            return Ok(());
        }
        let s = self.new_scope(ScopeKind::Block);
        for l in &lex {
            let v = self.declare(s, l.name, l.kind)?;
            if l.function.is_some() {
                self.vars[v].tdz = false;
            }
            self.vars[v].init_end = Some(l.end);
        }
        self.scope = s;
        self.emit(Ir::EnterScope(s));
        for l in &lex {
            if let Some(f) = l.function {
                self.function_decl(f, None)?;
                let v = self.lookup_in(s, l.name);
                if let Some(v) = v {
                    self.emit(Ir::VarId(Access::Init, v));
                }
            }
        }
        Ok(())
    }

    pub(crate) fn lookup_in(&self, scope: usize, name: Atom) -> Option<usize> {
        self.scopes[scope]
            .names
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, v)| v)
    }

    fn set_completion_undefined(&mut self) {
        if let Some(c) = self.funcs[self.cur].completion {
            self.emit(Ir::Op(Op::PushUndefined, 0, 0));
            self.emit(Ir::VarId(Access::Init, c));
        }
    }

    pub(crate) fn stmt(&mut self, s: &'ast Stmt) -> CResult<()> {
        self.enter(s.span)?;
        let r = self.stmt_inner(s);
        self.leave();
        r
    }

    fn stmt_inner(&mut self, s: &'ast Stmt) -> CResult<()> {
        match &s.kind {
            StmtKind::Empty => {}
            StmtKind::Debugger => self.emit(Ir::Op(Op::Debugger, 0, 0)),
            StmtKind::Expr(e) => match self.funcs[self.cur].completion {
                Some(c) => {
                    self.expr(e)?;
                    self.emit(Ir::VarId(Access::Init, c));
                }
                None => self.expr_discard(e)?,
            },
            StmtKind::Block(b) => self.block(b)?,
            StmtKind::VarDecl(d) => self.var_decl(d)?,
            StmtKind::FunctionDecl(f) => {
                // Hoisted; Annex B: copy the block binding to the var binding here.
                let key = &**f as *const _ as usize;
                if self.funcs[self.cur].annex_b.contains(&key) {
                    if let Some(id) = &f.id {
                        self.emit(Ir::Var(Access::Get, id.name, self.scope));
                        let vs = self.funcs[self.cur].var_scope;
                        self.emit(Ir::Var(Access::Put, id.name, vs));
                    }
                }
            }
            StmtKind::ClassDecl(c) => {
                self.class(c, None)?;
                if let Some(id) = &c.id {
                    self.init_binding(id.name)?;
                }
            }
            StmtKind::If {
                test,
                consequent,
                alternate,
            } => {
                self.set_completion_undefined();
                let else_l = self.new_label();
                self.cond_jump(test, false, else_l)?;
                self.sub_stmt(consequent)?;
                match alternate {
                    Some(a) => {
                        let end = self.new_label();
                        self.emit(Ir::Jump(Op::Goto, end));
                        self.emit(Ir::Label(else_l));
                        self.sub_stmt(a)?;
                        self.emit(Ir::Label(end));
                    }
                    None => self.emit(Ir::Label(else_l)),
                }
            }
            StmtKind::While { test, body } => {
                self.set_completion_undefined();
                let (brk, cont) = (self.new_label(), self.new_label());
                self.emit(Ir::Label(cont));
                self.cond_jump(test, false, brk)?;
                self.loop_body(body, brk, cont, Vec::new(), None)?;
                self.emit(Ir::Jump(Op::Goto, cont));
                self.emit(Ir::Label(brk));
            }
            StmtKind::DoWhile { body, test } => {
                self.set_completion_undefined();
                let (top, brk, cont) = (self.new_label(), self.new_label(), self.new_label());
                self.emit(Ir::Label(top));
                self.loop_body(body, brk, cont, Vec::new(), None)?;
                self.emit(Ir::Label(cont));
                self.cond_jump(test, true, top)?;
                self.emit(Ir::Label(brk));
            }
            StmtKind::For {
                init,
                test,
                update,
                body,
            } => {
                self.set_completion_undefined();
                self.for_stmt(
                    init.as_ref(),
                    test.as_deref(),
                    update.as_deref(),
                    body,
                    Vec::new(),
                )?;
            }
            StmtKind::ForIn { left, right, body } => {
                self.set_completion_undefined();
                self.for_in(left, right, body, Vec::new())?;
            }
            StmtKind::ForOf {
                left,
                right,
                body,
                is_await,
            } => {
                self.set_completion_undefined();
                self.for_of(left, right, body, *is_await, Vec::new())?;
            }
            StmtKind::Return(arg) => {
                match arg {
                    Some(e) => self.expr(e)?,
                    None => self.emit(Ir::Op(Op::PushUndefined, 0, 0)),
                }
                self.return_value(arg.is_none())?;
            }
            StmtKind::Break(label) => self.break_continue(label.map(|l| l.name), false, s)?,
            StmtKind::Continue(label) => self.break_continue(label.map(|l| l.name), true, s)?,
            StmtKind::Throw(e) => {
                self.expr(e)?;
                self.pos(s.span.start);
                self.emit(Ir::Op(Op::Throw, 0, 0));
            }
            StmtKind::Try {
                block,
                handler,
                finalizer,
            } => {
                self.set_completion_undefined();
                self.try_stmt(block, handler.as_ref(), finalizer.as_deref())?;
            }
            StmtKind::Switch {
                discriminant,
                cases,
            } => {
                self.set_completion_undefined();
                self.switch(discriminant, cases, Vec::new())?;
            }
            StmtKind::Labeled { .. } => self.labeled(s)?,
            StmtKind::With { object, body } => {
                self.set_completion_undefined();
                self.expr(object)?;
                self.emit(Ir::Op(Op::ToObject, 0, 0));
                let w = self.hidden.with;
                let ws = self.new_scope(ScopeKind::Block);
                let v = self.declare(ws, w, BindingKind::Hidden)?;
                // A fresh binding per `with` (the scope is entered once per execution).
                let saved = self.scope;
                self.scope = ws;
                self.emit(Ir::EnterScope(ws));
                self.emit(Ir::VarId(Access::Init, v));
                let body_scope = self.new_scope(ScopeKind::With(v));
                self.scope = body_scope;
                let r = self.sub_stmt(body);
                self.scope = saved;
                r?;
            }
            StmtKind::Import(_) => {}
            StmtKind::Export(e) => self.export_stmt(e)?,
        }
        Ok(())
    }

    /// The body of if/loops/labels: a single statement (a function declaration there is an
    /// Annex B.3.3 sloppy-mode form and gets its own block scope).
    fn sub_stmt(&mut self, s: &'ast Stmt) -> CResult<()> {
        if let StmtKind::FunctionDecl(_) = &s.kind {
            return self.block(std::slice::from_ref(s));
        }
        self.stmt(s)
    }

    /// Initializes the binding `name` visible from the current scope with the value on the
    /// stack (let/const/class declarations).
    pub(crate) fn init_binding(&mut self, name: Atom) -> CResult<()> {
        self.emit(Ir::Var(Access::Init, name, self.scope));
        Ok(())
    }

    fn var_decl(&mut self, d: &'ast VarDecl) -> CResult<()> {
        if is_using(d.kind) {
            return self.using_decl(d);
        }
        for decl in &d.decls {
            match (&decl.init, d.kind) {
                (None, VarKind::Var) => {}
                (None, _) => {
                    // `let x;` initializes to undefined.
                    self.emit(Ir::Op(Op::PushUndefined, 0, 0));
                    self.bind_pattern(&decl.target, d.kind)?;
                }
                (Some(init), VarKind::Var) if matches!(decl.target.kind, PatternKind::Ident(_)) => {
                    // `var x = e` is an assignment: x is resolved before e is evaluated
                    // (observable under `with`).
                    let name = pattern_name(&decl.target).unwrap_or(Atom::Empty);
                    let r = self.resolve_var(name);
                    self.named_expr(init, Some(name))?;
                    self.ref_put(r, false)?;
                }
                (Some(init), _) => {
                    self.named_expr(init, pattern_name(&decl.target))?;
                    self.bind_pattern(&decl.target, d.kind)?;
                }
            }
        }
        Ok(())
    }

    /// Binds the value on the stack to a declaration pattern (var: PutValue; let/const:
    /// initialization).
    pub(crate) fn bind_pattern(&mut self, p: &'ast Pattern, kind: VarKind) -> CResult<()> {
        let access = if kind == VarKind::Var {
            Access::Put
        } else {
            Access::Init
        };
        self.pattern_assign(p, Some(access))
    }

    fn loop_body(
        &mut self,
        body: &'ast Stmt,
        brk: LabelId,
        cont: LabelId,
        labels: Vec<Atom>,
        iter: Option<(u16, u16, bool)>,
    ) -> CResult<()> {
        self.control.push(Control::Loop {
            labels,
            brk,
            cont,
            iter,
        });
        let r = self.sub_stmt(body);
        self.control.pop();
        r
    }

    fn labeled(&mut self, s: &'ast Stmt) -> CResult<()> {
        // Collect the label set and find the labelled item.
        let mut labels = Vec::new();
        let mut cur = s;
        while let StmtKind::Labeled { label, body } = &cur.kind {
            labels.push(label.name);
            cur = body;
        }
        match &cur.kind {
            StmtKind::While { .. } | StmtKind::DoWhile { .. } => {
                // Re-dispatch with labels: reuse the loop code paths below.
                self.labeled_loop(cur, labels)
            }
            StmtKind::For {
                init,
                test,
                update,
                body,
            } => {
                self.set_completion_undefined();
                self.for_stmt(
                    init.as_ref(),
                    test.as_deref(),
                    update.as_deref(),
                    body,
                    labels,
                )
            }
            StmtKind::ForIn { left, right, body } => {
                self.set_completion_undefined();
                self.for_in(left, right, body, labels)
            }
            StmtKind::ForOf {
                left,
                right,
                body,
                is_await,
            } => {
                self.set_completion_undefined();
                self.for_of(left, right, body, *is_await, labels)
            }
            StmtKind::Switch {
                discriminant,
                cases,
            } => {
                self.set_completion_undefined();
                self.switch(discriminant, cases, labels)
            }
            _ => {
                let brk = self.new_label();
                self.control.push(Control::Block {
                    labels,
                    brk,
                    is_switch: false,
                });
                let r = self.sub_stmt(cur);
                self.control.pop();
                r?;
                self.emit(Ir::Label(brk));
                Ok(())
            }
        }
    }

    fn labeled_loop(&mut self, s: &'ast Stmt, labels: Vec<Atom>) -> CResult<()> {
        self.set_completion_undefined();
        match &s.kind {
            StmtKind::While { test, body } => {
                let (brk, cont) = (self.new_label(), self.new_label());
                self.emit(Ir::Label(cont));
                self.cond_jump(test, false, brk)?;
                self.loop_body(body, brk, cont, labels, None)?;
                self.emit(Ir::Jump(Op::Goto, cont));
                self.emit(Ir::Label(brk));
            }
            StmtKind::DoWhile { body, test } => {
                let (top, brk, cont) = (self.new_label(), self.new_label(), self.new_label());
                self.emit(Ir::Label(top));
                self.loop_body(body, brk, cont, labels, None)?;
                self.emit(Ir::Label(cont));
                self.cond_jump(test, true, top)?;
                self.emit(Ir::Label(brk));
            }
            _ => {}
        }
        Ok(())
    }

    fn for_stmt(
        &mut self,
        init: Option<&'ast ForInit>,
        test: Option<&'ast crate::ast::Expr>,
        update: Option<&'ast crate::ast::Expr>,
        body: &'ast Stmt,
        labels: Vec<Atom>,
    ) -> CResult<()> {
        if let Some(ForInit::VarDecl(d)) = init {
            if is_using(d.kind) {
                return self.for_using_stmt(d, test, update, body, labels);
            }
        }
        let saved = self.scope;
        let mut loop_scope = None;
        match init {
            Some(ForInit::VarDecl(d)) if d.kind != VarKind::Var => {
                let s = self.new_scope(ScopeKind::Block);
                let kind = if d.kind == VarKind::Const {
                    BindingKind::Const
                } else {
                    BindingKind::Let
                };
                let mut names = Vec::new();
                for decl in &d.decls {
                    scope::bound_names(&decl.target, &mut names);
                }
                for n in names {
                    let v = self.declare(s, n, kind)?;
                    self.vars[v].init_end = Some(d.span.end);
                }
                self.scope = s;
                self.emit(Ir::EnterScope(s));
                self.var_decl(d)?;
                if d.kind == VarKind::Let {
                    loop_scope = Some(s);
                }
            }
            Some(ForInit::VarDecl(d)) => self.var_decl(d)?,
            Some(ForInit::Expr(e)) => {
                self.expr(e)?;
                self.emit(Ir::Op(Op::Drop, 0, 0));
            }
            None => {}
        }
        let r = self.for_loop(loop_scope, test, update, body, labels);
        self.scope = saved;
        r
    }

    /// The loop of a `for(;;)` statement after its head declarations: test, body, per-
    /// iteration copies of `let` cells (`loop_scope`), update.
    fn for_loop(
        &mut self,
        loop_scope: Option<usize>,
        test: Option<&'ast crate::ast::Expr>,
        update: Option<&'ast crate::ast::Expr>,
        body: &'ast Stmt,
        labels: Vec<Atom>,
    ) -> CResult<()> {
        if let Some(s) = loop_scope {
            self.emit(Ir::CopyScope(s));
        }
        let (top, brk, cont) = (self.new_label(), self.new_label(), self.new_label());
        self.emit(Ir::Label(top));
        if let Some(t) = test {
            self.cond_jump(t, false, brk)?;
        }
        self.loop_body(body, brk, cont, labels, None)?;
        self.emit(Ir::Label(cont));
        if let Some(s) = loop_scope {
            self.emit(Ir::CopyScope(s));
        }
        if let Some(u) = update {
            self.expr_discard(u)?;
        }
        self.emit(Ir::Jump(Op::Goto, top));
        self.emit(Ir::Label(brk));
        Ok(())
    }

    /// For a `for (let/const ... in/of` head: a TDZ scope for evaluating the right side.
    fn head_tdz_scope(&mut self, left: &'ast ForHead) -> CResult<()> {
        if let ForHead::VarDecl(d) = left {
            if d.kind != VarKind::Var {
                let mut names = Vec::new();
                for decl in &d.decls {
                    scope::bound_names(&decl.target, &mut names);
                }
                if !names.is_empty() {
                    let s = self.new_scope(ScopeKind::Block);
                    for n in names {
                        self.declare(s, n, BindingKind::Let)?;
                    }
                    self.scope = s;
                    self.emit(Ir::EnterScope(s));
                }
            }
        }
        Ok(())
    }

    /// Assigns the value on the stack to the for-in/of head, entering a fresh iteration scope
    /// for lexical declarations.
    fn for_head_assign(&mut self, left: &'ast ForHead) -> CResult<()> {
        match left {
            ForHead::VarDecl(d) if is_using(d.kind) => {
                // for-of heads take `for_using_iteration`; for-in heads are early errors.
                self.err(d.span, "using declarations are not allowed in for-in heads")
            }
            ForHead::VarDecl(d) => {
                let Some(decl) = d.decls.first() else {
                    self.emit(Ir::Op(Op::Drop, 0, 0));
                    return Ok(());
                };
                if d.kind != VarKind::Var {
                    let s = self.new_scope(ScopeKind::Block);
                    let kind = if d.kind == VarKind::Const {
                        BindingKind::Const
                    } else {
                        BindingKind::Let
                    };
                    let mut names = Vec::new();
                    scope::bound_names(&decl.target, &mut names);
                    for n in names {
                        self.declare(s, n, kind)?;
                    }
                    self.scope = s;
                    self.emit(Ir::EnterScope(s));
                }
                self.bind_pattern(&decl.target, d.kind)
            }
            ForHead::Pattern(p) => self.pattern_assign(p, None),
        }
    }

    fn for_in(
        &mut self,
        left: &'ast ForHead,
        right: &'ast crate::ast::Expr,
        body: &'ast Stmt,
        labels: Vec<Atom>,
    ) -> CResult<()> {
        let saved = self.scope;
        // Annex B: `for (var x = init in o)`.
        if let ForHead::VarDecl(d) = left {
            if d.kind == VarKind::Var {
                if let Some(decl) = d.decls.first() {
                    if let Some(init) = &decl.init {
                        self.named_expr(init, pattern_name(&decl.target))?;
                        self.bind_pattern(&decl.target, VarKind::Var)?;
                    }
                }
            }
        }
        self.head_tdz_scope(left)?;
        self.expr(right)?;
        self.scope = saved;
        self.emit(Ir::Op(Op::ForInStart, 0, 0));
        let e = self.temp()?;
        self.emit(Ir::Op(Op::PutLoc, e as u32, 0));
        let (brk, cont, done) = (self.new_label(), self.new_label(), self.new_label());
        self.emit(Ir::Label(cont));
        self.emit(Ir::Op(Op::GetLoc, e as u32, 0));
        self.emit(Ir::Op(Op::ForInNext, 0, 0));
        self.emit(Ir::Jump(Op::IfTrue, done));
        self.for_head_assign(left)?;
        let r = self.loop_body(body, brk, cont, labels, None);
        self.scope = saved;
        r?;
        self.emit(Ir::Jump(Op::Goto, cont));
        self.emit(Ir::Label(done));
        self.emit(Ir::Op(Op::Drop, 0, 0));
        self.emit(Ir::Label(brk));
        self.free_temp(e);
        Ok(())
    }

    fn for_of(
        &mut self,
        left: &'ast ForHead,
        right: &'ast crate::ast::Expr,
        body: &'ast Stmt,
        is_await: bool,
        labels: Vec<Atom>,
    ) -> CResult<()> {
        let saved = self.scope;
        self.head_tdz_scope(left)?;
        self.expr(right)?;
        self.scope = saved;
        self.pos(right.span.start);
        self.emit(Ir::Op(Op::GetIterator, is_await as u32, 0));
        let (it, nx) = (self.temp()?, self.temp()?);
        self.emit(Ir::Op(Op::PutLoc, nx as u32, 0));
        self.emit(Ir::Op(Op::PutLoc, it as u32, 0));
        let (brk, cont, done, exc, end) = (
            self.new_label(),
            self.new_label(),
            self.new_label(),
            self.new_label(),
            self.new_label(),
        );
        self.emit(Ir::Label(cont));
        self.emit(Ir::Op(Op::GetLoc, it as u32, 0));
        self.emit(Ir::Op(Op::GetLoc, nx as u32, 0));
        self.emit(Ir::Op(Op::IteratorNext, 0, 0));
        if is_await {
            self.emit(Ir::Op(Op::Await, 0, 0));
        }
        self.emit(Ir::Op(Op::IteratorGetValueDone, 0, 0));
        self.emit(Ir::Jump(Op::IfTrue, done));
        let h = self.new_handler();
        self.emit(Ir::TryBegin(h, exc));
        self.control.push(Control::Loop {
            labels,
            brk,
            cont,
            iter: Some((it, nx, is_await)),
        });
        self.control.push(Control::Try {
            handler: h,
            target: exc,
        });
        let r = match left {
            ForHead::VarDecl(d) if is_using(d.kind) => self.for_using_iteration(d, body),
            _ => self.for_head_assign(left).and_then(|_| self.sub_stmt(body)),
        };
        self.control.pop();
        self.control.pop();
        self.scope = saved;
        r?;
        self.emit(Ir::TryEnd(h));
        self.emit(Ir::Jump(Op::Goto, cont));
        // Exception from the head assignment or the body: close (errors ignored), rethrow.
        self.emit(Ir::Label(exc));
        let t = self.temp()?;
        self.emit(Ir::Op(Op::PutLoc, t as u32, 0));
        self.close_iterator_ignoring_errors(it, nx, is_await)?;
        self.emit(Ir::Op(Op::GetLoc, t as u32, 0));
        self.emit(Ir::Op(Op::Throw, 0, 0));
        self.free_temp(t);
        // Normal completion.
        self.emit(Ir::Label(done));
        self.emit(Ir::Op(Op::Drop, 0, 0));
        self.emit(Ir::Jump(Op::Goto, end));
        // break: close the iterator.
        self.emit(Ir::Label(brk));
        self.close_iterator(it, nx, is_await);
        self.emit(Ir::Label(end));
        self.free_temp(it);
        self.free_temp(nx);
        Ok(())
    }

    /// IteratorClose with a normal completion (result checked).
    pub(crate) fn close_iterator(&mut self, it: u16, nx: u16, is_await: bool) {
        let skip = self.new_label();
        self.emit(Ir::Op(Op::GetLoc, it as u32, 0));
        self.emit(Ir::Op(Op::GetLoc, nx as u32, 0));
        self.emit(Ir::Op(Op::IteratorReturn, 0, 0));
        self.emit(Ir::Jump(Op::IfFalse, skip));
        if is_await {
            self.emit(Ir::Op(Op::Await, 0, 0));
        }
        self.emit(Ir::Op(Op::IteratorCheckObject, 0, 0));
        self.emit(Ir::Label(skip));
        self.emit(Ir::Op(Op::Drop, 0, 0));
    }

    /// IteratorClose with a throw completion: call `return`, ignore its errors.
    pub(crate) fn close_iterator_ignoring_errors(
        &mut self,
        it: u16,
        nx: u16,
        is_await: bool,
    ) -> CResult<()> {
        let (skip, caught, after) = (self.new_label(), self.new_label(), self.new_label());
        let h = self.new_handler();
        self.emit(Ir::TryBegin(h, caught));
        self.emit(Ir::Op(Op::GetLoc, it as u32, 0));
        self.emit(Ir::Op(Op::GetLoc, nx as u32, 0));
        self.emit(Ir::Op(Op::IteratorReturn, 0, 0));
        self.emit(Ir::Jump(Op::IfFalse, skip));
        if is_await {
            self.emit(Ir::Op(Op::Await, 0, 0));
        }
        self.emit(Ir::Label(skip));
        self.emit(Ir::Op(Op::Drop, 0, 0));
        self.emit(Ir::TryEnd(h));
        self.emit(Ir::Jump(Op::Goto, after));
        self.emit(Ir::Label(caught));
        self.emit(Ir::Op(Op::Drop, 0, 0));
        self.emit(Ir::Label(after));
        Ok(())
    }

    fn switch(
        &mut self,
        disc: &'ast crate::ast::Expr,
        cases: &'ast [SwitchCase],
        labels: Vec<Atom>,
    ) -> CResult<()> {
        self.expr(disc)?;
        let t = self.temp()?;
        self.emit(Ir::Op(Op::PutLoc, t as u32, 0));
        let saved = self.scope;
        // One lexical scope for all case bodies.
        let mut lex = Vec::new();
        for c in cases {
            scope::lexical(&c.body, true, &mut lex);
        }
        if !lex.is_empty() {
            let s = self.new_scope(ScopeKind::Block);
            for l in &lex {
                let v = self.declare(s, l.name, l.kind)?;
                if l.function.is_some() {
                    self.vars[v].tdz = false;
                }
            }
            self.scope = s;
            self.emit(Ir::EnterScope(s));
            for l in &lex {
                if let Some(f) = l.function {
                    self.function_decl(f, None)?;
                    if let Some(v) = self.lookup_in(s, l.name) {
                        self.emit(Ir::VarId(Access::Init, v));
                    }
                }
            }
        }
        let brk = self.new_label();
        let case_labels: Vec<LabelId> = cases.iter().map(|_| self.new_label()).collect();
        let mut default = None;
        for (i, c) in cases.iter().enumerate() {
            match &c.test {
                Some(test) => {
                    self.emit(Ir::Op(Op::GetLoc, t as u32, 0));
                    self.expr(test)?;
                    self.emit(Ir::Op(Op::StrictEq, 0, 0));
                    self.emit(Ir::Jump(Op::IfTrue, case_labels[i]));
                }
                None => default = Some(case_labels[i]),
            }
        }
        self.emit(Ir::Jump(Op::Goto, default.unwrap_or(brk)));
        self.control.push(Control::Block {
            labels,
            brk,
            is_switch: true,
        });
        let mut r = Ok(());
        for (i, c) in cases.iter().enumerate() {
            self.emit(Ir::Label(case_labels[i]));
            r = self.stmts(&c.body);
            if r.is_err() {
                break;
            }
        }
        self.control.pop();
        self.scope = saved;
        r?;
        self.emit(Ir::Label(brk));
        self.free_temp(t);
        Ok(())
    }

    fn try_stmt(
        &mut self,
        block: &'ast [Stmt],
        handler: Option<&'ast CatchClause>,
        finalizer: Option<&'ast [Stmt]>,
    ) -> CResult<()> {
        let fin = match finalizer {
            Some(body) => {
                let (h, target) = (self.new_handler(), self.new_label());
                self.emit(Ir::TryBegin(h, target));
                self.control.push(Control::Finally {
                    body,
                    handler: h,
                    target,
                });
                Some((h, target, body))
            }
            None => None,
        };
        let r = self.try_catch(block, handler);
        if let Some((h, target, body)) = fin {
            self.control.pop();
            r?;
            self.emit(Ir::TryEnd(h));
            // A normally completing finally block leaves the completion value of the
            // try/catch part (spec #sec-try-statement-runtime-semantics-evaluation).
            // (A break out of the finally block has the block's value, or undefined.)
            let saved = match self.funcs[self.cur].completion {
                Some(c) => {
                    let t = self.temp()?;
                    self.emit(Ir::VarId(Access::GetRaw, c));
                    self.emit(Ir::Op(Op::PutLoc, t as u32, 0));
                    self.set_completion_undefined();
                    Some((c, t))
                }
                None => None,
            };
            self.block(body)?;
            if let Some((c, t)) = saved {
                self.emit(Ir::Op(Op::GetLoc, t as u32, 0));
                self.emit(Ir::VarId(Access::Init, c));
                self.free_temp(t);
            }
            let end = self.new_label();
            self.emit(Ir::Jump(Op::Goto, end));
            self.emit(Ir::Label(target));
            let t = self.temp()?;
            self.emit(Ir::Op(Op::PutLoc, t as u32, 0));
            // Exception path: only a break/continue out of the block makes its value seen.
            self.set_completion_undefined();
            self.block(body)?;
            self.emit(Ir::Op(Op::GetLoc, t as u32, 0));
            self.emit(Ir::Op(Op::Throw, 0, 0));
            self.free_temp(t);
            self.emit(Ir::Label(end));
            Ok(())
        } else {
            r
        }
    }

    fn try_catch(
        &mut self,
        block: &'ast [Stmt],
        handler: Option<&'ast CatchClause>,
    ) -> CResult<()> {
        let Some(c) = handler else {
            return self.block(block);
        };
        let (h, target, after) = (self.new_handler(), self.new_label(), self.new_label());
        self.emit(Ir::TryBegin(h, target));
        self.control.push(Control::Try { handler: h, target });
        let r = self.block(block);
        self.control.pop();
        r?;
        self.emit(Ir::TryEnd(h));
        self.emit(Ir::Jump(Op::Goto, after));
        self.emit(Ir::Label(target));
        let saved = self.scope;
        match &c.param {
            None => self.emit(Ir::Op(Op::Drop, 0, 0)),
            Some(p) => {
                let s = self.new_scope(ScopeKind::Block);
                let mut names = Vec::new();
                scope::bound_names(p, &mut names);
                for n in names {
                    let v = self.declare(s, n, BindingKind::Let)?;
                    self.vars[v].tdz = !matches!(p.kind, PatternKind::Ident(_));
                }
                self.scope = s;
                self.emit(Ir::EnterScope(s));
                self.pattern_assign(p, Some(Access::Init))?;
            }
        }
        let r = self.block(&c.body);
        self.scope = saved;
        r?;
        self.emit(Ir::Label(after));
        Ok(())
    }

    /// Emits the cleanup for leaving control entries `from..` (innermost first) and
    /// returns the handlers to reopen after the jump.
    fn cross_controls(&mut self, from: usize) -> CResult<Vec<(u32, LabelId)>> {
        let mut reopen = Vec::new();
        let mut i = self.control.len();
        while i > from {
            i -= 1;
            match &self.control[i] {
                Control::Loop {
                    iter: Some((it, nx, a)),
                    ..
                } => {
                    let (it, nx, a) = (*it, *nx, *a);
                    self.close_iterator(it, nx, a);
                }
                Control::Loop { .. } | Control::Block { .. } => {}
                Control::Destructure { it, nx, dn } => {
                    let (it, nx, dn) = (*it, *nx, *dn);
                    let skip = self.new_label();
                    self.emit(Ir::Op(Op::GetLoc, dn as u32, 0));
                    self.emit(Ir::Jump(Op::IfTrue, skip));
                    self.close_iterator(it, nx, false);
                    self.emit(Ir::Label(skip));
                }
                Control::Try { handler, target } => {
                    let (h, t) = (*handler, *target);
                    self.emit(Ir::TryEnd(h));
                    reopen.push((h, t));
                }
                Control::Dispose {
                    cap,
                    handler,
                    target,
                    is_async,
                } => {
                    let (cap, h, t, a) = (*cap, *handler, *target, *is_async);
                    self.emit(Ir::TryEnd(h));
                    reopen.push((h, t));
                    self.emit_dispose(cap, a)?;
                }
                Control::Finally {
                    body,
                    handler,
                    target,
                } => {
                    let (body, h, t) = (*body, *handler, *target);
                    self.emit(Ir::TryEnd(h));
                    reopen.push((h, t));
                    // Compile the finally body with only the outer controls visible.
                    let tail = self.control.split_off(i);
                    let saved_completion = self.funcs[self.cur].completion.take();
                    let r = self.block(body);
                    self.funcs[self.cur].completion = saved_completion;
                    let mut tail = tail;
                    self.control.append(&mut tail);
                    r?;
                }
            }
        }
        Ok(reopen)
    }

    fn reopen(&mut self, handlers: Vec<(u32, LabelId)>) {
        for (h, t) in handlers.into_iter().rev() {
            self.emit(Ir::TryBegin(h, t));
        }
    }

    fn break_continue(&mut self, label: Option<Atom>, is_continue: bool, s: &Stmt) -> CResult<()> {
        let mut found = None;
        for (i, c) in self.control.iter().enumerate().rev() {
            match c {
                Control::Loop {
                    labels, brk, cont, ..
                } if label.is_none_or(|l| labels.contains(&l)) => {
                    found = Some((i, if is_continue { *cont } else { *brk }));
                    break;
                }
                Control::Block {
                    labels,
                    brk,
                    is_switch,
                } if !is_continue => {
                    let hit = match label {
                        Some(l) => labels.contains(&l),
                        None => *is_switch,
                    };
                    if hit {
                        found = Some((i, *brk));
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some((i, target)) = found else {
            return self.err(s.span, "break/continue target not found");
        };
        let reopen = self.cross_controls(i + 1)?;
        self.emit(Ir::Jump(Op::Goto, target));
        self.reopen(reopen);
        Ok(())
    }

    /// Returns the value on the stack through all finally blocks and iterators.
    /// `implicit`: `return;` or falling off the end.
    pub(crate) fn return_value(&mut self, implicit: bool) -> CResult<()> {
        let kind = self.funcs[self.cur].kind;
        let (is_gen, is_async) = (
            self.funcs[self.cur].is_generator,
            self.funcs[self.cur].is_async,
        );
        if is_gen && is_async && !implicit {
            self.emit(Ir::Op(Op::Await, 0, 0));
        }
        // A derived constructor checks its result after leaving every try/finally (the check
        // belongs to [[Construct]], outside the body).
        let derived_this = if kind == FunctionKind::DerivedConstructor {
            self.funcs[self.cur].this_var
        } else {
            None
        };
        let needs = self.control.iter().any(|c| match c {
            Control::Finally { .. }
            | Control::Dispose { .. }
            | Control::Loop { iter: Some(_), .. }
            | Control::Destructure { .. } => true,
            Control::Try { .. } => derived_this.is_some(),
            _ => false,
        });
        let reopen = if needs {
            let t = self.alloc_local(Atom::Empty, BindingKind::Hidden, None)?;
            self.emit(Ir::Op(Op::PutLoc, t as u32, 0));
            let reopen = self.cross_controls(0)?;
            self.emit(Ir::Op(Op::GetLoc, t as u32, 0));
            reopen
        } else {
            Vec::new()
        };
        if let Some(t) = derived_this {
            // undefined → the (checked) this binding; otherwise an Object or a TypeError.
            let not_undef = self.new_label();
            self.emit(Ir::Op(Op::Dup, 0, 0));
            self.emit(Ir::Op(Op::IsUndefined, 0, 0));
            self.emit(Ir::Jump(Op::IfFalse, not_undef));
            self.emit(Ir::Op(Op::Drop, 0, 0));
            self.emit(Ir::VarId(Access::Get, t));
            self.emit(Ir::Op(Op::Return, 0, 0));
            self.emit(Ir::Label(not_undef));
            self.emit(Ir::Op(Op::PushUndefined, 0, 0));
            self.emit(Ir::Op(Op::CheckCtorReturn, 0, 0));
        }
        self.emit(Ir::Op(Op::Return, 0, 0));
        self.reopen(reopen);
        Ok(())
    }

    pub(crate) fn pos(&mut self, offset: u32) {
        self.emit(Ir::Pos(offset));
    }
}

/// The name an anonymous function gets from a simple binding target.
pub(crate) fn pattern_name(p: &Pattern) -> Option<Atom> {
    match &p.kind {
        PatternKind::Ident(id) => Some(id.name),
        _ => None,
    }
}
