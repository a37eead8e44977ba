//! Functions, arrows, methods and classes: parameters, bodies with directive prologues,
//! the strict-mode rules that a `"use strict"` body applies retroactively to its parameters
//! and name, and class bodies (fields, private names, static blocks, `constructor` rules).
//!
//! Spec: #sec-function-definitions, #sec-arrow-function-definitions,
//! #sec-method-definitions, #sec-generator-function-definitions,
//! #sec-async-function-definitions, #sec-class-definitions

use super::pattern::param_names;
use super::scope::{ClassScope, DeclKind, PrivKind, ScopeKind};
use super::{Ctx, PResult, Parser};
use crate::ast::*;
use crate::atoms::Atom;
use crate::lexer::T;
use std::collections::{HashMap, HashSet};

/// Per-function parser state saved while parsing a nested function.
struct Saved {
    ctx: Ctx,
    labels: Vec<super::scope::Label>,
    breakable: u32,
    loops: u32,
    yield_pos: Option<u32>,
    await_pos: Option<u32>,
    await_ident_pos: Option<u32>,
    no_in: bool,
}

impl Parser<'_, '_> {
    fn save_fn_state(&mut self, ctx: Ctx) -> Saved {
        Saved {
            ctx: std::mem::replace(&mut self.ctx, ctx),
            labels: std::mem::take(&mut self.labels),
            breakable: std::mem::replace(&mut self.breakable, 0),
            loops: std::mem::replace(&mut self.loops, 0),
            yield_pos: self.yield_pos.take(),
            await_pos: self.await_pos.take(),
            await_ident_pos: self.await_ident_pos.take(),
            no_in: std::mem::replace(&mut self.no_in, false),
        }
    }

    fn restore_fn_state(&mut self, s: Saved) {
        self.ctx = s.ctx;
        self.labels = s.labels;
        self.breakable = s.breakable;
        self.loops = s.loops;
        self.yield_pos = s.yield_pos;
        self.await_pos = s.await_pos;
        self.await_ident_pos = s.await_ident_pos;
        self.no_in = s.no_in;
    }

    /// `function` / `function*` expression; the current token is `function`.
    #[inline(never)]
    pub(crate) fn parse_function_expr(&mut self, start: u32, is_async: bool) -> PResult<Function> {
        self.expect_kw(Atom::Function)?;
        let is_gen = self.eat(T::Star)?;
        let id = if self.at(T::Name) {
            // The name of a generator / async function expression is bound inside it, so it
            // follows the function's own [Yield] / [Await].
            let saved = self.ctx;
            self.ctx.yield_kw = is_gen;
            self.ctx.await_kw = is_async;
            self.ctx.static_block = false;
            let id = self.parse_binding_ident();
            self.ctx = saved;
            Some(id?)
        } else {
            None
        };
        self.parse_function_rest(start, id, FunctionKind::Normal, is_async, is_gen)
    }

    /// Function declaration; the current token is `function` (after `async`, if any).
    #[inline(never)]
    pub(crate) fn parse_function_decl(
        &mut self,
        start: u32,
        is_async: bool,
        allow_anonymous: bool,
    ) -> PResult<Function> {
        self.expect_kw(Atom::Function)?;
        let is_gen = self.eat(T::Star)?;
        let id = if allow_anonymous && self.at(T::LParen) {
            None
        } else {
            Some(self.parse_binding_ident()?)
        };
        self.parse_function_rest(start, id, FunctionKind::Normal, is_async, is_gen)
    }

    /// Parameters and body of any non-arrow function, starting at `(`.
    #[inline(never)]
    pub(crate) fn parse_function_rest(
        &mut self,
        start: u32,
        id: Option<Ident>,
        kind: FunctionKind,
        is_async: bool,
        is_gen: bool,
    ) -> PResult<Function> {
        self.enter()?;
        let outer = self.ctx;
        let is_method = !matches!(kind, FunctionKind::Normal | FunctionKind::Arrow);
        let ctx = Ctx {
            strict: outer.strict,
            yield_kw: is_gen,
            await_kw: is_async,
            in_function: true,
            new_target: true,
            super_prop: is_method,
            super_call: kind == FunctionKind::DerivedConstructor,
            no_arguments: false,
            static_block: false,
            in_params: true,
        };
        let saved = self.save_fn_state(ctx);
        self.push_scope(ScopeKind::Function);
        let params_start = self.tok.start;
        let params = self.parse_formal_params()?;
        match kind {
            FunctionKind::Getter if !params.is_empty() => {
                return self.err_at(params_start, "getter must not have any formal parameters");
            }
            FunctionKind::Setter if params.len() != 1 || params[0].is_rest => {
                return self.err_at(
                    params_start,
                    "setter must have exactly one formal parameter",
                );
            }
            _ => {}
        }
        let simple = params.iter().all(|p| {
            p.default.is_none() && !p.is_rest && matches!(p.pattern.kind, PatternKind::Ident(_))
        });
        let names = param_names(&params);
        self.declare_params(&names);
        self.ctx.in_params = false;
        self.expect(T::LBrace)?;
        let (body, has_use_strict) = self.parse_directives_and_body(T::RBrace, Some(simple))?;
        let end = self.tok.end;
        self.expect(T::RBrace)?;
        let strict = self.ctx.strict;
        // Duplicate parameters: errors in strict code, methods, arrows and non-simple lists.
        // Spec: #sec-function-definitions-static-semantics-early-errors
        let dup_banned = strict || !simple || is_method;
        self.check_params(&names, dup_banned, has_use_strict && !outer.strict)?;
        if let Some(id) = &id {
            if has_use_strict
                && !outer.strict
                && (id.name == Atom::Eval
                    || id.name == Atom::Arguments
                    || (id.name.is_strict_reserved_word() && id.name != Atom::Await))
            {
                return self.err_at(id.span.start, "invalid function name in strict mode");
            }
        }
        self.pop_scope();
        self.restore_fn_state(saved);
        self.leave();
        Ok(Function {
            id,
            kind,
            is_async,
            is_generator: is_gen,
            params,
            body,
            expression_body: false,
            strict,
            has_use_strict,
            simple_params: simple,
            source_span: Span::new(start, end),
            span: Span::new(start, end),
        })
    }

    fn declare_params(&mut self, names: &[(Atom, u32)]) {
        if let Some(s) = self.scopes.last_mut() {
            for &(n, _) in names {
                s.declare_param(n);
            }
        }
    }

    /// Duplicate-parameter check, and the strict-mode name rules when the body's own
    /// `"use strict"` made the function strict after its parameters were parsed.
    #[inline(never)]
    fn check_params(
        &mut self,
        names: &[(Atom, u32)],
        dup_banned: bool,
        became_strict: bool,
    ) -> PResult<()> {
        if dup_banned {
            let mut seen = HashSet::with_capacity(names.len());
            for &(n, pos) in names {
                if !seen.insert(n) {
                    return self.err_at(
                        pos,
                        format!("duplicate parameter name '{}'", self.atom_text(n)),
                    );
                }
            }
        }
        if became_strict {
            for &(n, pos) in names {
                if n == Atom::Eval
                    || n == Atom::Arguments
                    || (n.is_strict_reserved_word() && n != Atom::Await)
                {
                    return self.err_at(
                        pos,
                        format!(
                            "invalid parameter name '{}' in strict mode",
                            self.atom_text(n)
                        ),
                    );
                }
            }
        }
        Ok(())
    }

    /// FormalParameters in parentheses. Spec: #sec-parameter-lists
    #[inline(never)]
    pub(crate) fn parse_formal_params(&mut self) -> PResult<Vec<Param>> {
        self.expect(T::LParen)?;
        let mut params = Vec::new();
        while !self.at(T::RParen) {
            let start = self.tok.start;
            if self.eat(T::Ellipsis)? {
                let pattern = self.parse_binding_target()?;
                if self.at(T::Eq) {
                    return self.err_at(
                        self.tok.start,
                        "rest parameter may not have a default initializer",
                    );
                }
                if !self.at(T::RParen) {
                    return self.err_at(
                        self.tok.start,
                        "rest parameter must be last formal parameter",
                    );
                }
                params.push(Param {
                    pattern,
                    default: None,
                    is_rest: true,
                    span: self.span_from(start),
                });
                break;
            }
            let pattern = self.parse_binding_target()?;
            let default = if self.eat(T::Eq)? {
                Some(Box::new(self.parse_assign()?))
            } else {
                None
            };
            params.push(Param {
                pattern,
                default,
                is_rest: false,
                span: self.span_from(start),
            });
            if !self.at(T::RParen) {
                self.expect(T::Comma)?;
            }
        }
        self.bump()?;
        Ok(params)
    }

    /// Body of an arrow function after `=>`. Spec: #sec-arrow-function-definitions
    #[inline(never)]
    pub(crate) fn parse_arrow_body(
        &mut self,
        start: u32,
        params: Vec<Param>,
        is_async: bool,
    ) -> PResult<Function> {
        self.enter()?;
        let outer = self.ctx;
        // Arrows are function boundaries for the static-block `await` rule, but inherit the
        // `arguments` / `super` / `new.target` rules of their context.
        let ctx = Ctx {
            yield_kw: false,
            await_kw: is_async,
            in_function: true,
            in_params: false,
            static_block: false,
            ..outer
        };
        let no_in = self.no_in;
        let saved = self.save_fn_state(ctx);
        self.push_scope(ScopeKind::Function);
        let simple = params.iter().all(|p| {
            p.default.is_none() && !p.is_rest && matches!(p.pattern.kind, PatternKind::Ident(_))
        });
        let names = param_names(&params);
        self.declare_params(&names);
        let (body, expression_body, has_use_strict, end) = if self.at(T::LBrace) {
            self.bump()?;
            let (body, has_use_strict) = self.parse_directives_and_body(T::RBrace, Some(simple))?;
            let end = self.tok.end;
            self.expect(T::RBrace)?;
            (body, false, has_use_strict, end)
        } else {
            self.no_in = no_in;
            let e = self.parse_assign()?;
            let span = e.span;
            let body = vec![Stmt {
                span,
                kind: StmtKind::Return(Some(Box::new(e))),
            }];
            (body, true, false, self.prev_end)
        };
        let strict = self.ctx.strict;
        self.check_params(&names, true, has_use_strict && !outer.strict)?;
        self.pop_scope();
        self.restore_fn_state(saved);
        self.leave();
        Ok(Function {
            id: None,
            kind: FunctionKind::Arrow,
            is_async,
            is_generator: false,
            params,
            body,
            expression_body,
            strict,
            has_use_strict,
            simple_params: simple,
            source_span: Span::new(start, end),
            span: Span::new(start, end),
        })
    }

    /// A statement list with a directive prologue, up to (not including) `end`. Returns the
    /// statements and whether a `"use strict"` directive was present. `simple_params` is
    /// `Some` for function bodies. Spec: #sec-directive-prologues-and-the-use-strict-directive
    pub(crate) fn parse_directives_and_body(
        &mut self,
        end: T,
        simple_params: Option<bool>,
    ) -> PResult<(Vec<Stmt>, bool)> {
        let mut body = Vec::new();
        let mut has_use_strict = false;
        let mut octal_in_prologue: Option<u32> = None;
        while self.at(T::String) {
            let tok_start = self.tok.start;
            let tok_end = self.tok.end;
            let octal = self.tok.legacy_octal;
            let stmt = self.parse_statement_list_item()?;
            let is_directive = matches!(&stmt.kind, StmtKind::Expr(e) if matches!(e.kind, ExprKind::String(_)) && e.span == Span::new(tok_start, tok_end));
            body.push(stmt);
            if !is_directive {
                break;
            }
            if let Some(p) = octal {
                octal_in_prologue.get_or_insert(p);
            }
            let raw = self
                .src
                .get(tok_start as usize..tok_end as usize)
                .unwrap_or("");
            if raw == "'use strict'" || raw == "\"use strict\"" {
                has_use_strict = true;
                if simple_params == Some(false) {
                    return self.err_at(
                        tok_start,
                        "\"use strict\" not allowed in function with non-simple parameters",
                    );
                }
                if !self.ctx.strict {
                    self.ctx.strict = true;
                    if let Some(p) = octal_in_prologue {
                        return self
                            .err_at(p, "octal escape sequences are not allowed in strict mode");
                    }
                    // The token after the directive was lexed before strictness changed; the
                    // parser checks strict rules when it consumes tokens, so nothing to redo.
                }
            }
        }
        while !self.at(end) {
            if self.at(T::Eof) {
                return self.unexpected();
            }
            body.push(self.parse_statement_list_item()?);
        }
        Ok((body, has_use_strict))
    }

    /// Class declaration or expression; the current token is `class`.
    #[inline(never)]
    pub(crate) fn parse_class(&mut self, start: u32, is_expr: bool) -> PResult<Class> {
        self.parse_class_inner(start, is_expr, false)
    }

    /// `allow_anonymous`: `export default class {}`.
    #[inline(never)]
    pub(crate) fn parse_class_inner(
        &mut self,
        start: u32,
        is_expr: bool,
        allow_anonymous: bool,
    ) -> PResult<Class> {
        self.enter()?;
        self.expect_kw(Atom::Class)?;
        let outer_strict = self.ctx.strict;
        // All parts of a class are strict mode code. Spec: #sec-strict-mode-code
        self.ctx.strict = true;
        let id = if self.at(T::Name) && !self.is_kw(Atom::Extends) {
            Some(self.parse_binding_ident()?)
        } else if is_expr || allow_anonymous {
            None
        } else {
            return self.unexpected();
        };
        let super_class = if self.eat_kw(Atom::Extends)? {
            let e = self.parse_lhs()?;
            if matches!(e.kind, ExprKind::Arrow(_)) {
                return self.err_at(e.span.start, "invalid class heritage");
            }
            Some(Box::new(e))
        } else {
            None
        };
        self.expect(T::LBrace)?;
        self.classes.push(ClassScope {
            declared: HashMap::new(),
            refs: Vec::new(),
        });
        let derived = super_class.is_some();
        let mut constructor: Option<Box<Function>> = None;
        let mut members = Vec::new();
        while !self.at(T::RBrace) {
            if self.eat(T::Semi)? {
                continue;
            }
            if let Some(m) = self.parse_class_member(derived, &mut constructor)? {
                members.push(m);
            }
        }
        let end = self.tok.end;
        self.bump()?;
        self.pop_class_scope()?;
        self.ctx.strict = outer_strict;
        self.leave();
        Ok(Class {
            id,
            super_class,
            constructor,
            members,
            source_span: Span::new(start, end),
            span: Span::new(start, end),
        })
    }

    /// One ClassElement (or `None` for the constructor, stored in `constructor`).
    /// Spec: #sec-class-definitions-static-semantics-early-errors
    #[inline(never)]
    fn parse_class_member(
        &mut self,
        derived: bool,
        constructor: &mut Option<Box<Function>>,
    ) -> PResult<Option<ClassMember>> {
        let start = self.tok.start;
        let mut is_static = false;
        if self.is_kw(Atom::Static) {
            let next = self.peek()?;
            if !matches!(next.kind, T::LParen | T::Eq | T::Semi | T::RBrace)
                && (!next.nl_before || self.is_key_start(next.kind) || next.kind == T::LBrace)
            {
                is_static = true;
                self.bump()?;
                if self.at(T::LBrace) {
                    return self.parse_static_block(start).map(Some);
                }
            }
        }
        let mstart = self.tok.start;
        let mut is_async = false;
        let mut is_gen = false;
        let mut kind = MethodKind::Method;
        let mut accessor = false;
        let ends_name = |k: T| matches!(k, T::LParen | T::Eq | T::Semi | T::RBrace);
        if self.is_kw(Atom::Async) {
            let next = self.peek()?;
            if !ends_name(next.kind) && !next.nl_before {
                is_async = true;
                self.bump()?;
            }
        }
        if self.at(T::Star) {
            is_gen = true;
            self.bump()?;
        }
        if !is_async && !is_gen && (self.is_kw(Atom::Get) || self.is_kw(Atom::Set)) {
            let next = self.peek()?;
            if !ends_name(next.kind)
                && next.kind != T::Star
                && (!next.nl_before || self.is_key_start(next.kind))
            {
                kind = if self.is_kw(Atom::Get) {
                    MethodKind::Get
                } else {
                    MethodKind::Set
                };
                self.bump()?;
            }
        }
        if !is_async && !is_gen && kind == MethodKind::Method && self.is_kw(Atom::Accessor) {
            let next = self.peek()?;
            if !ends_name(next.kind) && !next.nl_before {
                accessor = true;
                self.bump()?;
            }
        }
        let key_pos = self.tok.start;
        let key = self.parse_prop_key(true)?;
        let key_name = match &key {
            PropKey::Named(a, _) => Some(*a),
            _ => None,
        };
        if let PropKey::Private(a, _) = &key {
            if *a == Atom::Constructor {
                return self.err_at(key_pos, "class members cannot be named '#constructor'");
            }
        }
        if self.at(T::LParen) {
            if accessor {
                return self.unexpected();
            }
            let is_ctor = !is_static && key_name == Some(Atom::Constructor);
            if is_ctor {
                if kind != MethodKind::Method || is_async || is_gen {
                    return self.err_at(
                        key_pos,
                        "class constructor may not be an accessor, generator or async",
                    );
                }
                if constructor.is_some() {
                    return self.err_at(key_pos, "a class may only have one constructor");
                }
                let fk = if derived {
                    FunctionKind::DerivedConstructor
                } else {
                    FunctionKind::ClassConstructor
                };
                let f = self.parse_function_rest(mstart, None, fk, false, false)?;
                *constructor = Some(Box::new(f));
                return Ok(None);
            }
            if is_static && key_name == Some(Atom::Prototype) {
                return self.err_at(
                    key_pos,
                    "classes may not have a static property named 'prototype'",
                );
            }
            if let PropKey::Private(a, _) = &key {
                let pk = match kind {
                    MethodKind::Method => PrivKind::Method,
                    MethodKind::Get => PrivKind::Getter,
                    MethodKind::Set => PrivKind::Setter,
                };
                self.declare_private_name(*a, pk, is_static, key_pos)?;
            }
            let fk = match kind {
                MethodKind::Method => FunctionKind::Method,
                MethodKind::Get => FunctionKind::Getter,
                MethodKind::Set => FunctionKind::Setter,
            };
            let f = self.parse_function_rest(mstart, None, fk, is_async, is_gen)?;
            return Ok(Some(ClassMember::Method {
                key,
                kind,
                is_static,
                value: Box::new(f),
                span: self.span_from(start),
            }));
        }
        // A field (or auto-accessor).
        if is_async || is_gen || kind != MethodKind::Method {
            return self.unexpected();
        }
        if key_name == Some(Atom::Constructor) || (is_static && key_name == Some(Atom::Prototype)) {
            return self.err_at(key_pos, "invalid field name");
        }
        if let PropKey::Private(a, _) = &key {
            let pk = if accessor {
                PrivKind::Accessor
            } else {
                PrivKind::Field
            };
            self.declare_private_name(*a, pk, is_static, key_pos)?;
        }
        let value = if self.eat(T::Eq)? {
            Some(Box::new(self.parse_field_initializer()?))
        } else {
            None
        };
        self.semicolon()?;
        let span = self.span_from(start);
        Ok(Some(if accessor {
            ClassMember::Accessor {
                key,
                is_static,
                value,
                span,
            }
        } else {
            ClassMember::Field {
                key,
                is_static,
                value,
                span,
            }
        }))
    }

    /// A field initializer: its own function context (no `arguments`, `super()`; `yield` and
    /// `await` are not operators there: Initializer[+In, ~Yield, ~Await]).
    #[inline(never)]
    fn parse_field_initializer(&mut self) -> PResult<Expr> {
        let outer = self.ctx;
        let ctx = Ctx {
            strict: true,
            yield_kw: false,
            await_kw: false,
            in_function: false,
            new_target: true,
            super_prop: true,
            super_call: false,
            no_arguments: true,
            static_block: false,
            in_params: false,
        };
        let _ = outer;
        let saved = self.save_fn_state(ctx);
        self.push_scope(ScopeKind::Function);
        let e = self.parse_assign()?;
        self.pop_scope();
        self.restore_fn_state(saved);
        Ok(e)
    }

    /// `static { ... }`. Spec: #sec-class-definitions-static-semantics-early-errors
    /// (ClassStaticBlockBody)
    #[inline(never)]
    fn parse_static_block(&mut self, start: u32) -> PResult<ClassMember> {
        self.enter()?;
        let ctx = Ctx {
            strict: true,
            yield_kw: false,
            await_kw: false,
            in_function: false,
            new_target: true,
            super_prop: true,
            super_call: false,
            no_arguments: true,
            static_block: true,
            in_params: false,
        };
        let saved = self.save_fn_state(ctx);
        self.push_scope(ScopeKind::Function);
        self.expect(T::LBrace)?;
        let mut body = Vec::new();
        while !self.at(T::RBrace) {
            if self.at(T::Eof) {
                return self.unexpected();
            }
            body.push(self.parse_statement_list_item()?);
        }
        self.bump()?;
        self.pop_scope();
        self.restore_fn_state(saved);
        self.leave();
        Ok(ClassMember::StaticBlock {
            body,
            span: self.span_from(start),
        })
    }

    // ---- new Function ---------------------------------------------------------------------

    fn dynamic_ctx(is_async: bool, is_gen: bool) -> Ctx {
        Ctx {
            strict: false,
            yield_kw: is_gen,
            await_kw: is_async,
            in_function: true,
            new_target: true,
            super_prop: false,
            super_call: false,
            no_arguments: false,
            static_block: false,
            in_params: true,
        }
    }

    /// `params` text alone must be FormalParameters.
    pub(crate) fn check_standalone_params(&mut self, is_async: bool, is_gen: bool) -> PResult<()> {
        self.ctx = Self::dynamic_ctx(is_async, is_gen);
        self.push_scope(ScopeKind::Function);
        while !self.at(T::Eof) {
            if self.eat(T::Ellipsis)? {
                self.parse_binding_target()?;
                if !self.at(T::Eof) {
                    return self.unexpected();
                }
                break;
            }
            self.parse_binding_target()?;
            if self.eat(T::Eq)? {
                self.parse_assign()?;
            }
            if !self.at(T::Eof) {
                self.expect(T::Comma)?;
            }
        }
        Ok(())
    }

    /// `body` text alone must be a FunctionBody.
    pub(crate) fn check_standalone_body(&mut self, is_async: bool, is_gen: bool) -> PResult<()> {
        self.ctx = Self::dynamic_ctx(is_async, is_gen);
        self.ctx.in_params = false;
        self.push_scope(ScopeKind::Function);
        self.parse_directives_and_body(T::Eof, None)?;
        Ok(())
    }

    /// Parses the assembled `function anonymous(...) {...}` text.
    pub(crate) fn parse_dynamic_function(
        &mut self,
        is_async: bool,
        is_gen: bool,
    ) -> PResult<Box<Function>> {
        self.push_scope(ScopeKind::Function);
        let start = self.tok.start;
        if is_async {
            self.expect_kw(Atom::Async)?;
        }
        self.expect_kw(Atom::Function)?;
        if is_gen {
            self.expect(T::Star)?;
        }
        // The name `anonymous` is not bound inside the function.
        if !self.at(T::Name) {
            return self.unexpected();
        }
        self.bump()?;
        let f = self.parse_function_rest(start, None, FunctionKind::Normal, is_async, is_gen)?;
        if !self.at(T::Eof) {
            return self.unexpected();
        }
        Ok(Box::new(f))
    }

    /// Declares a function declaration's name in the current scope.
    /// Spec: #sec-block-static-semantics-early-errors, Annex B.3.2.4
    pub(crate) fn declare_function_name(&mut self, f: &Function) -> PResult<()> {
        let Some(id) = f.id else { return Ok(()) };
        let kind = self.scopes.last().map(|s| s.kind);
        match kind {
            Some(ScopeKind::Function) => self.declare_top_function(id.name, id.span.start),
            _ => {
                let plain = !f.is_async && !f.is_generator;
                let k = if kind == Some(ScopeKind::Module) {
                    DeclKind::Lexical
                } else {
                    DeclKind::BlockFunction { plain }
                };
                self.declare_lex(id.name, k, id.span.start)
            }
        }
    }
}
