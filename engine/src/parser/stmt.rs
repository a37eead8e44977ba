//! Statements, declarations and module items (import / export).
//!
//! Spec: #sec-ecmascript-language-statements-and-declarations,
//! #sec-ecmascript-language-scripts-and-modules, Annex B.3 (labelled functions, `if`
//! function declarations, block-level functions, `for (var x = 1 in o)`).

use super::scope::{bound_names, DeclKind, Label, ScopeKind};
use super::{PResult, Parser};
use crate::ast::*;
use crate::atoms::Atom;
use crate::lexer::T;
use std::collections::HashSet;

impl Parser<'_, '_> {
    /// StatementListItem: a statement or a declaration.
    #[inline(never)]
    pub(crate) fn parse_statement_list_item(&mut self) -> PResult<Stmt> {
        let start = self.tok.start;
        if self.tok.kind == T::Name && !self.tok.escaped {
            match self.tok.atom() {
                Atom::Function => {
                    let f = self.parse_function_decl(start, false, false)?;
                    self.declare_function_name(&f)?;
                    return Ok(Stmt {
                        span: self.span_from(start),
                        kind: StmtKind::FunctionDecl(Box::new(f)),
                    });
                }
                Atom::Async => {
                    let next = self.peek()?;
                    if next.kind == T::Name
                        && next.atom() == Atom::Function
                        && !next.escaped
                        && !next.nl_before
                    {
                        self.bump()?;
                        let f = self.parse_function_decl(start, true, false)?;
                        self.declare_function_name(&f)?;
                        return Ok(Stmt {
                            span: self.span_from(start),
                            kind: StmtKind::FunctionDecl(Box::new(f)),
                        });
                    }
                }
                Atom::Class => {
                    let c = self.parse_class(start, false)?;
                    if let Some(id) = c.id {
                        self.declare_lex(id.name, DeclKind::Lexical, id.span.start)?;
                    }
                    return Ok(Stmt {
                        span: self.span_from(start),
                        kind: StmtKind::ClassDecl(Box::new(c)),
                    });
                }
                Atom::Const => {
                    let d = self.parse_var_decl(VarKind::Const, false)?;
                    self.semicolon()?;
                    return Ok(Stmt {
                        span: self.span_from(start),
                        kind: StmtKind::VarDecl(d),
                    });
                }
                _ if self.using_decl_kind()?.is_some() => {
                    let Some(kind) = self.using_decl_kind()? else {
                        return self.unexpected();
                    };
                    if self.scopes.len() <= 1 && !self.module {
                        return self.err_at(
                            start,
                            "using declarations are not allowed at the top level of a script",
                        );
                    }
                    let d = self.parse_using_decl(kind, false)?;
                    self.semicolon()?;
                    return Ok(Stmt {
                        span: self.span_from(start),
                        kind: StmtKind::VarDecl(d),
                    });
                }
                Atom::Let if self.let_starts_decl()? => {
                    let d = self.parse_var_decl(VarKind::Let, false)?;
                    self.semicolon()?;
                    return Ok(Stmt {
                        span: self.span_from(start),
                        kind: StmtKind::VarDecl(d),
                    });
                }
                _ => {}
            }
        }
        self.parse_statement(true)
    }

    /// Is the current token the start of a `using` / `await using` declaration?
    /// Spec: #sec-let-const-and-using-declarations (UsingDeclaration, AwaitUsingDeclaration)
    pub(crate) fn using_decl_kind(&mut self) -> PResult<Option<VarKind>> {
        if self.tok.kind != T::Name || self.tok.escaped {
            return Ok(None);
        }
        let binding_follows = |t: &crate::lexer::Token| {
            t.kind == T::Name
                && !t.nl_before
                && !(!t.escaped && (t.atom() == Atom::In || t.atom() == Atom::Instanceof))
        };
        if self.tok.atom() == self.using_atom {
            let next = self.peek()?;
            return Ok(binding_follows(&next).then_some(VarKind::Using));
        }
        if self.tok.atom() == Atom::Await && self.ctx.await_kw {
            let next = self.peek()?;
            if next.kind == T::Name
                && !next.escaped
                && next.atom() == self.using_atom
                && !next.nl_before
            {
                let after = self.peek2()?;
                return Ok(binding_follows(&after).then_some(VarKind::AwaitUsing));
            }
        }
        Ok(None)
    }

    /// `using x = e, y = f` / `await using ...` (the keyword(s) are the current token(s)).
    /// Only binding identifiers; an initializer unless in a for-of head (`in_for`).
    #[inline(never)]
    pub(crate) fn parse_using_decl(&mut self, kind: VarKind, in_for: bool) -> PResult<VarDecl> {
        let start = self.tok.start;
        if kind == VarKind::AwaitUsing {
            self.bump()?;
        }
        self.bump()?;
        let mut decls = Vec::new();
        loop {
            let dstart = self.tok.start;
            if self.at(T::Name) && self.tok.atom() == Atom::Let {
                return self.err_at(dstart, "'let' is not a valid lexically bound name");
            }
            let id = self.parse_binding_ident()?;
            let target = Pattern {
                span: id.span,
                kind: PatternKind::Ident(id),
            };
            let init = if self.eat(T::Eq)? {
                Some(Box::new(self.parse_assign()?))
            } else {
                None
            };
            if init.is_none() && !in_for {
                return self.err_at(dstart, "missing initializer in using declaration");
            }
            decls.push(VarDeclarator {
                target,
                init,
                span: self.span_from(dstart),
            });
            if !self.eat(T::Comma)? {
                break;
            }
        }
        if !in_for {
            self.declare_var_decl(kind, &decls, false)?;
        }
        Ok(VarDecl {
            kind,
            decls,
            span: self.span_from(start),
        })
    }

    /// Is the current `let` the start of a lexical declaration (rather than an identifier)?
    fn let_starts_decl(&mut self) -> PResult<bool> {
        let next = self.peek()?;
        Ok(match next.kind {
            T::LBracket | T::LBrace => true,
            T::Name => {
                if self.ctx.strict {
                    true
                } else {
                    // `let` followed by a name on the next line is still a declaration, except
                    // where the name can only continue an expression.
                    !(next.atom() == Atom::In || next.atom() == Atom::Instanceof) || next.escaped
                }
            }
            _ => false,
        })
    }

    /// Statement (not a declaration). `labelled_fn_ok`: Annex B labelled function
    /// declarations are allowed here (statement lists and label bodies in them).
    pub(crate) fn parse_statement(&mut self, labelled_fn_ok: bool) -> PResult<Stmt> {
        self.enter()?;
        let start = self.tok.start;
        let kind = match self.tok.kind {
            T::LBrace => {
                self.push_scope(ScopeKind::Block);
                let body = self.parse_block_body()?;
                self.pop_scope();
                StmtKind::Block(body)
            }
            T::Semi => {
                self.bump()?;
                StmtKind::Empty
            }
            T::Name if !self.tok.escaped => match self.tok.atom() {
                Atom::Var => {
                    let d = self.parse_var_decl(VarKind::Var, false)?;
                    self.semicolon()?;
                    StmtKind::VarDecl(d)
                }
                Atom::If => self.parse_if()?,
                Atom::For => self.parse_for()?,
                Atom::While => {
                    self.bump()?;
                    let test = self.parse_paren_expr()?;
                    let body = self.parse_loop_body()?;
                    StmtKind::While {
                        test: Box::new(test),
                        body: Box::new(body),
                    }
                }
                Atom::Do => {
                    self.bump()?;
                    let body = self.parse_loop_body()?;
                    self.expect_kw(Atom::While)?;
                    let test = self.parse_paren_expr()?;
                    // Spec: #sec-rules-of-automatic-semicolon-insertion — a semicolon is
                    // inserted after a do-while statement even without a line break.
                    self.eat(T::Semi)?;
                    StmtKind::DoWhile {
                        body: Box::new(body),
                        test: Box::new(test),
                    }
                }
                Atom::Continue | Atom::Break => self.parse_break_continue()?,
                Atom::Return => {
                    if !self.ctx.in_function {
                        return self.err_at(start, "return not in a function");
                    }
                    self.bump()?;
                    let arg = if self.at(T::Semi)
                        || self.at(T::RBrace)
                        || self.at(T::Eof)
                        || self.tok.nl_before
                    {
                        None
                    } else {
                        Some(Box::new(self.parse_expression()?))
                    };
                    self.semicolon()?;
                    StmtKind::Return(arg)
                }
                Atom::With => {
                    if self.ctx.strict {
                        return self.err_at(start, "with statement not allowed in strict mode");
                    }
                    self.bump()?;
                    let object = self.parse_paren_expr()?;
                    let body = self.parse_statement(false)?;
                    self.check_single_statement_body(&body)?;
                    StmtKind::With {
                        object: Box::new(object),
                        body: Box::new(body),
                    }
                }
                Atom::Switch => self.parse_switch()?,
                Atom::Throw => {
                    self.bump()?;
                    if self.tok.nl_before {
                        return self.err_at(self.tok.start, "line break after throw");
                    }
                    let e = self.parse_expression()?;
                    self.semicolon()?;
                    StmtKind::Throw(Box::new(e))
                }
                Atom::Try => self.parse_try()?,
                Atom::Debugger => {
                    self.bump()?;
                    self.semicolon()?;
                    StmtKind::Debugger
                }
                Atom::Function => {
                    return self.err_at(
                        start,
                        "function declarations are not allowed in this position",
                    );
                }
                Atom::Class | Atom::Const => {
                    return self.err_at(
                        start,
                        "lexical declarations are not allowed in this position",
                    );
                }
                Atom::Let => {
                    let next = self.peek()?;
                    if next.kind == T::LBracket || (self.ctx.strict && next.kind == T::Name) {
                        return self.err_at(
                            start,
                            "lexical declarations are not allowed in this position",
                        );
                    }
                    if next.kind == T::Colon && !self.ctx.strict {
                        return self.parse_labelled(start, labelled_fn_ok);
                    }
                    self.parse_expression_statement()?
                }
                Atom::Async => {
                    let next = self.peek()?;
                    if next.kind == T::Name
                        && next.atom() == Atom::Function
                        && !next.escaped
                        && !next.nl_before
                    {
                        return self.err_at(
                            start,
                            "async function declarations are not allowed in this position",
                        );
                    }
                    if next.kind == T::Colon {
                        return self.parse_labelled(start, labelled_fn_ok);
                    }
                    self.parse_expression_statement()?
                }
                Atom::Import => {
                    let next = self.peek()?;
                    if !matches!(next.kind, T::LParen | T::Dot) {
                        return self.err_at(
                            start,
                            "import declarations may only appear at top level of a module",
                        );
                    }
                    self.parse_expression_statement()?
                }
                Atom::Export => {
                    return self.err_at(
                        start,
                        "export declarations may only appear at top level of a module",
                    );
                }
                _ => {
                    // Parse first, then see whether a lone identifier is followed by `:`
                    // (saves a peek on every expression statement).
                    let name_end = self.tok.end;
                    let e = self.parse_expression()?;
                    if self.at(T::Colon) {
                        if let ExprKind::Ident(id) = &e.kind {
                            if id.span == crate::ast::Span::new(start, name_end) {
                                return self.parse_labelled_rest(
                                    start,
                                    id.name,
                                    name_end,
                                    labelled_fn_ok,
                                );
                            }
                        }
                    }
                    self.semicolon()?;
                    StmtKind::Expr(Box::new(e))
                }
            },
            T::Name => {
                if self.peek()?.kind == T::Colon {
                    return self.parse_labelled(start, labelled_fn_ok);
                }
                self.parse_expression_statement()?
            }
            _ => self.parse_expression_statement()?,
        };
        self.leave();
        Ok(Stmt {
            span: self.span_from(start),
            kind,
        })
    }

    fn parse_expression_statement(&mut self) -> PResult<StmtKind> {
        let e = self.parse_expression()?;
        self.semicolon()?;
        Ok(StmtKind::Expr(Box::new(e)))
    }

    /// `{ StatementList }` after pushing the scope; consumes both braces.
    #[inline(never)]
    fn parse_block_body(&mut self) -> PResult<Vec<Stmt>> {
        self.expect(T::LBrace)?;
        let mut body = Vec::new();
        while !self.at(T::RBrace) {
            if self.at(T::Eof) {
                return self.unexpected();
            }
            body.push(self.parse_statement_list_item()?);
        }
        self.bump()?;
        Ok(body)
    }

    fn parse_paren_expr(&mut self) -> PResult<Expr> {
        self.expect(T::LParen)?;
        let e = self.parse_expression()?;
        self.expect(T::RParen)?;
        Ok(e)
    }

    /// Early error: the body of an `if` / loop / `with` is not a labelled function.
    /// Spec: #sec-if-statement-static-semantics-early-errors (IsLabelledFunction)
    fn check_single_statement_body(&self, s: &Stmt) -> PResult<()> {
        let mut s = s;
        while let StmtKind::Labeled { body, .. } = &s.kind {
            s = body;
        }
        if matches!(s.kind, StmtKind::FunctionDecl(_)) {
            return self.err_at(
                s.span.start,
                "function declarations are not allowed in this position",
            );
        }
        Ok(())
    }

    fn parse_loop_body(&mut self) -> PResult<Stmt> {
        self.breakable += 1;
        self.loops += 1;
        let body = self.parse_statement(false)?;
        self.breakable -= 1;
        self.loops -= 1;
        self.check_single_statement_body(&body)?;
        Ok(body)
    }

    /// Spec: #sec-if-statement; Annex B.3.3 `if (x) function f() {}` in sloppy mode.
    #[inline(never)]
    fn parse_if(&mut self) -> PResult<StmtKind> {
        self.bump()?;
        let test = self.parse_paren_expr()?;
        let consequent = self.parse_if_body()?;
        let alternate = if self.eat_kw(Atom::Else)? {
            Some(Box::new(self.parse_if_body()?))
        } else {
            None
        };
        Ok(StmtKind::If {
            test: Box::new(test),
            consequent: Box::new(consequent),
            alternate,
        })
    }

    fn parse_if_body(&mut self) -> PResult<Stmt> {
        if self.is_kw(Atom::Function) && !self.ctx.strict {
            // Annex B.3.3: as if wrapped in a block.
            let start = self.tok.start;
            self.push_scope(ScopeKind::Block);
            let f = self.parse_function_decl(start, false, false)?;
            if f.is_generator {
                return self.err_at(
                    start,
                    "generator declarations are not allowed in this position",
                );
            }
            self.declare_function_name(&f)?;
            self.pop_scope();
            let span = self.span_from(start);
            let decl = Stmt {
                span,
                kind: StmtKind::FunctionDecl(Box::new(f)),
            };
            return Ok(Stmt {
                span,
                kind: StmtKind::Block(vec![decl]),
            });
        }
        let s = self.parse_statement(false)?;
        self.check_single_statement_body(&s)?;
        Ok(s)
    }

    /// Spec: #sec-labelled-statements; Annex B.3.1 labelled function declarations.
    #[inline(never)]
    fn parse_labelled(&mut self, start: u32, labelled_fn_ok: bool) -> PResult<Stmt> {
        let name = self.tok.atom();
        let escaped = self.tok.escaped;
        if escaped && name.is_reserved_word() && name != Atom::Yield && name != Atom::Await {
            return self.err_at(start, "keywords cannot contain escape characters");
        }
        self.check_ident(name, start, false)?;
        let end = self.tok.end;
        self.bump()?;
        self.parse_labelled_rest(start, name, end, labelled_fn_ok)
    }

    /// The rest of a labelled statement; the current token is the `:`.
    #[inline(never)]
    fn parse_labelled_rest(
        &mut self,
        start: u32,
        name: Atom,
        end: u32,
        labelled_fn_ok: bool,
    ) -> PResult<Stmt> {
        if self.find_label(name).is_some() {
            return self.err_at(start, format!("duplicate label '{}'", self.atom_text(name)));
        }
        let label = Ident {
            name,
            span: crate::ast::Span::new(start, end),
        };
        self.bump()?; // ':'
        let is_loop = self.is_kw(Atom::For) || self.is_kw(Atom::While) || self.is_kw(Atom::Do);
        self.labels.push(Label { name, is_loop });
        let body = if self.is_kw(Atom::Function) {
            if self.ctx.strict || !labelled_fn_ok {
                return self.err_at(
                    self.tok.start,
                    "function declarations are not allowed in this position",
                );
            }
            let fstart = self.tok.start;
            let f = self.parse_function_decl(fstart, false, false)?;
            if f.is_generator {
                return self.err_at(
                    fstart,
                    "generator declarations are not allowed in this position",
                );
            }
            self.declare_function_name(&f)?;
            Stmt {
                span: self.span_from(fstart),
                kind: StmtKind::FunctionDecl(Box::new(f)),
            }
        } else {
            self.parse_statement(labelled_fn_ok)?
        };
        self.labels.pop();
        self.leave();
        Ok(Stmt {
            span: self.span_from(start),
            kind: StmtKind::Labeled {
                label,
                body: Box::new(body),
            },
        })
    }

    /// Spec: #sec-break-statement, #sec-continue-statement (early errors)
    #[inline(never)]
    fn parse_break_continue(&mut self) -> PResult<StmtKind> {
        let start = self.tok.start;
        let is_break = self.is_kw(Atom::Break);
        self.bump()?;
        let label = if self.at(T::Name)
            && !self.tok.nl_before
            && !(self.tok.atom().is_reserved_word()
                && !self.tok.escaped
                && self.tok.atom() != Atom::Yield
                && self.tok.atom() != Atom::Await)
        {
            let name = self.tok.atom();
            let pos = self.tok.start;
            self.check_ident(name, pos, false)?;
            self.bump()?;
            let Some(l) = self.find_label(name) else {
                return self.err_at(pos, format!("undefined label '{}'", self.atom_text(name)));
            };
            if !is_break && !l.is_loop {
                return self.err_at(
                    pos,
                    format!("continue target '{}' is not a loop", self.atom_text(name)),
                );
            }
            Some(Ident {
                name,
                span: self.span_from(pos),
            })
        } else {
            None
        };
        if label.is_none() {
            if is_break && self.breakable == 0 {
                return self.err_at(start, "break must be inside loop or switch");
            }
            if !is_break && self.loops == 0 {
                return self.err_at(start, "continue must be inside loop");
            }
        }
        self.semicolon()?;
        Ok(if is_break {
            StmtKind::Break(label)
        } else {
            StmtKind::Continue(label)
        })
    }

    /// Spec: #sec-switch-statement
    #[inline(never)]
    fn parse_switch(&mut self) -> PResult<StmtKind> {
        self.bump()?;
        let discriminant = self.parse_paren_expr()?;
        self.expect(T::LBrace)?;
        self.push_scope(ScopeKind::Block);
        self.breakable += 1;
        let mut cases = Vec::new();
        let mut has_default = false;
        while !self.at(T::RBrace) {
            let cstart = self.tok.start;
            let test = if self.eat_kw(Atom::Case)? {
                Some(Box::new(self.parse_expression()?))
            } else if self.is_kw(Atom::Default) {
                if has_default {
                    return self.err_at(cstart, "more than one default clause in switch statement");
                }
                has_default = true;
                self.bump()?;
                None
            } else {
                return self.unexpected();
            };
            self.expect(T::Colon)?;
            let mut body = Vec::new();
            while !self.at(T::RBrace) && !self.is_kw(Atom::Case) && !self.is_kw(Atom::Default) {
                if self.at(T::Eof) {
                    return self.unexpected();
                }
                if self.using_decl_kind()?.is_some() {
                    return self.err_at(
                        self.tok.start,
                        "using declarations are not allowed directly in a case clause",
                    );
                }
                body.push(self.parse_statement_list_item()?);
            }
            cases.push(SwitchCase {
                test,
                body,
                span: self.span_from(cstart),
            });
        }
        self.bump()?;
        self.breakable -= 1;
        self.pop_scope();
        Ok(StmtKind::Switch {
            discriminant: Box::new(discriminant),
            cases,
        })
    }

    /// Spec: #sec-try-statement (and its early errors)
    #[inline(never)]
    fn parse_try(&mut self) -> PResult<StmtKind> {
        self.bump()?;
        self.push_scope(ScopeKind::Block);
        let block = self.parse_block_body()?;
        self.pop_scope();
        let mut handler = None;
        let cstart = self.tok.start;
        if self.eat_kw(Atom::Catch)? {
            self.push_scope(ScopeKind::Catch);
            let param = if self.eat(T::LParen)? {
                let p = self.parse_binding_target()?;
                self.expect(T::RParen)?;
                let simple = matches!(p.kind, PatternKind::Ident(_));
                let mut names = Vec::new();
                bound_names(&p, &mut names);
                let mut seen = HashSet::new();
                for (n, pos) in names {
                    if !seen.insert(n) {
                        return self.err_at(
                            pos,
                            format!("duplicate catch parameter '{}'", self.atom_text(n)),
                        );
                    }
                    self.declare_lex(n, DeclKind::CatchParam { simple }, pos)?;
                }
                Some(p)
            } else {
                None
            };
            let body = self.parse_block_body()?;
            self.pop_scope();
            handler = Some(CatchClause {
                param,
                body,
                span: self.span_from(cstart),
            });
        }
        let finalizer = if self.eat_kw(Atom::Finally)? {
            self.push_scope(ScopeKind::Block);
            let b = self.parse_block_body()?;
            self.pop_scope();
            Some(b)
        } else {
            None
        };
        if handler.is_none() && finalizer.is_none() {
            return self.unexpected();
        }
        Ok(StmtKind::Try {
            block,
            handler,
            finalizer,
        })
    }

    /// `var` / `let` / `const` declarator list (the keyword is the current token). In a
    /// `for` head (`in_for`), initializers are checked by the caller. Names are declared
    /// (for `var` in a for-of head the caller declares them instead).
    /// Spec: #sec-let-and-const-declarations, #sec-variable-statement
    #[inline(never)]
    pub(crate) fn parse_var_decl(&mut self, kind: VarKind, in_for: bool) -> PResult<VarDecl> {
        let start = self.tok.start;
        self.bump()?;
        let mut decls = Vec::new();
        loop {
            let dstart = self.tok.start;
            if kind != VarKind::Var && self.is_kw(Atom::Let) {
                return self.err_at(dstart, "'let' is not a valid lexically bound name");
            }
            if kind != VarKind::Var && self.at(T::Name) && self.tok.atom() == Atom::Let {
                return self.err_at(dstart, "'let' is not a valid lexically bound name");
            }
            let target = self.parse_binding_target()?;
            let init = if self.eat(T::Eq)? {
                Some(Box::new(self.parse_assign()?))
            } else {
                None
            };
            if !in_for && init.is_none() {
                if kind == VarKind::Const {
                    return self.err_at(dstart, "missing initializer in const declaration");
                }
                if !matches!(target.kind, PatternKind::Ident(_)) {
                    return self.err_at(dstart, "missing initializer in destructuring declaration");
                }
            }
            decls.push(VarDeclarator {
                target,
                init,
                span: self.span_from(dstart),
            });
            if !self.eat(T::Comma)? {
                break;
            }
        }
        if !in_for {
            self.declare_var_decl(kind, &decls, false)?;
        }
        Ok(VarDecl {
            kind,
            decls,
            span: self.span_from(start),
        })
    }

    fn declare_var_decl(
        &mut self,
        kind: VarKind,
        decls: &[VarDeclarator],
        for_of: bool,
    ) -> PResult<()> {
        for d in decls {
            if kind == VarKind::Var {
                self.declare_pattern(&d.target, None, for_of)?;
            } else {
                self.declare_pattern(&d.target, Some(DeclKind::Lexical), false)?;
            }
        }
        Ok(())
    }

    /// Spec: #sec-for-statement, #sec-for-in-and-for-of-statements
    #[inline(never)]
    fn parse_for(&mut self) -> PResult<StmtKind> {
        let for_start = self.tok.start;
        self.bump()?;
        let mut is_await = false;
        if self.is_kw(Atom::Await) {
            if !self.ctx.await_kw || self.ctx.in_params {
                return self.err_at(
                    self.tok.start,
                    "for await is only valid in async functions and modules",
                );
            }
            is_await = true;
            self.bump()?;
        }
        self.expect(T::LParen)?;
        self.push_scope(ScopeKind::Block);
        let init_start = self.tok.start;
        let r = self.parse_for_rest(is_await, init_start);
        let _ = for_start;
        self.pop_scope();
        r
    }

    #[inline(never)]
    fn parse_for_rest(&mut self, is_await: bool, init_start: u32) -> PResult<StmtKind> {
        let mut init: Option<ForInit> = None;
        if self.at(T::Semi) {
            if is_await {
                return self.unexpected();
            }
        } else {
            let decl_kind = if self.is_kw(Atom::Var) {
                Some(VarKind::Var)
            } else if self.is_kw(Atom::Const) {
                Some(VarKind::Const)
            } else if self.is_kw(Atom::Let) && self.let_starts_decl()? {
                Some(VarKind::Let)
            } else if let Some(k) = self.using_decl_kind()? {
                // `for (using of ...)` is an expression head. Spec: #sec-for-in-and-for-of-statements
                let next = if k == VarKind::Using {
                    self.peek()?
                } else {
                    self.peek2()?
                };
                let of_follows = next.kind == T::Name && next.atom() == Atom::Of && !next.escaped;
                // `for (using of = x;;)` declares `of`; `for (using of of y)` does not.
                if of_follows
                    && k == VarKind::Using
                    && !matches!(self.peek2()?.kind, T::Eq | T::Semi)
                {
                    None
                } else {
                    Some(k)
                }
            } else {
                None
            };
            if let Some(kind) = decl_kind {
                self.no_in = true;
                let d = if matches!(kind, VarKind::Using | VarKind::AwaitUsing) {
                    self.parse_using_decl(kind, true)?
                } else {
                    self.parse_var_decl(kind, true)?
                };
                self.no_in = false;
                if matches!(kind, VarKind::Using | VarKind::AwaitUsing) && self.is_kw(Atom::In) {
                    return self.err_at(
                        init_start,
                        "using declarations are not allowed in for-in heads",
                    );
                }
                let is_of = self.is_kw(Atom::Of);
                if is_of || self.is_kw(Atom::In) {
                    if d.decls.len() != 1 {
                        return self.err_at(
                            init_start,
                            "only one variable may be declared in a for-in/of head",
                        );
                    }
                    if let Some(first) = d.decls.first() {
                        if first.init.is_some() {
                            // Annex B.3.5: `for (var x = 1 in o)` in sloppy mode.
                            let annex_b = !is_of
                                && kind == VarKind::Var
                                && !self.ctx.strict
                                && matches!(first.target.kind, PatternKind::Ident(_));
                            if !annex_b {
                                return self.err_at(init_start, "for-in/of loop variable declaration may not have an initializer");
                            }
                        }
                    }
                    self.declare_var_decl(kind, &d.decls, is_of)?;
                    if kind != VarKind::Var {
                        self.check_no_let_name(&d)?;
                    }
                    return self.parse_for_in_of(ForHead::VarDecl(d), is_of, is_await);
                }
                if is_await {
                    return self.unexpected();
                }
                for decl in &d.decls {
                    if decl.init.is_none()
                        && (matches!(kind, VarKind::Const | VarKind::Using | VarKind::AwaitUsing)
                            || !matches!(decl.target.kind, PatternKind::Ident(_)))
                    {
                        return self.err_at(decl.span.start, "missing initializer in declaration");
                    }
                }
                self.declare_var_decl(kind, &d.decls, false)?;
                init = Some(ForInit::VarDecl(d));
            } else {
                let starts_with_let = self.is_kw(Atom::Let);
                let starts_with_async = self.is_kw(Atom::Async);
                self.no_in = true;
                let outer_cover = self.cover_err.take();
                let e = self.parse_expression_cover()?;
                self.no_in = false;
                let is_of = self.is_kw(Atom::Of);
                if is_of || self.is_kw(Atom::In) {
                    if is_of && starts_with_let {
                        return self
                            .err_at(init_start, "for-of loop head may not start with 'let'");
                    }
                    if is_of
                        && !is_await
                        && starts_with_async
                        && matches!(e.kind, ExprKind::Ident(_))
                    {
                        return self.err_at(init_start, "for-of loop head may not be 'async'");
                    }
                    let target = if matches!(e.kind, ExprKind::Object(_) | ExprKind::Array(_)) {
                        self.expr_to_pattern(e, false)?
                    } else {
                        self.simple_target(e, true)?
                    };
                    self.cover_err = outer_cover;
                    return self.parse_for_in_of(ForHead::Pattern(target), is_of, is_await);
                }
                if let Some((pos, msg)) = self.cover_err.take() {
                    return self.err_at(pos, msg);
                }
                self.cover_err = outer_cover;
                if is_await {
                    return self.unexpected();
                }
                init = Some(ForInit::Expr(Box::new(e)));
            }
        }
        self.expect(T::Semi)?;
        let test = if self.at(T::Semi) {
            None
        } else {
            Some(Box::new(self.parse_expression()?))
        };
        self.expect(T::Semi)?;
        let update = if self.at(T::RParen) {
            None
        } else {
            Some(Box::new(self.parse_expression()?))
        };
        self.expect(T::RParen)?;
        let body = self.parse_loop_body()?;
        Ok(StmtKind::For {
            init,
            test,
            update,
            body: Box::new(body),
        })
    }

    fn check_no_let_name(&self, d: &VarDecl) -> PResult<()> {
        let mut names = Vec::new();
        for decl in &d.decls {
            bound_names(&decl.target, &mut names);
        }
        let mut seen = HashSet::new();
        for (n, pos) in names {
            if n == Atom::Let {
                return self.err_at(pos, "'let' is not a valid lexically bound name");
            }
            if !seen.insert(n) {
                return self.err_at(pos, format!("redeclaration of '{}'", self.atom_text(n)));
            }
        }
        Ok(())
    }

    fn parse_for_in_of(&mut self, left: ForHead, is_of: bool, is_await: bool) -> PResult<StmtKind> {
        self.bump()?; // in / of
        if is_await && !is_of {
            return self.unexpected();
        }
        let right = if is_of {
            self.parse_assign()?
        } else {
            self.parse_expression()?
        };
        self.expect(T::RParen)?;
        let body = self.parse_loop_body()?;
        Ok(if is_of {
            StmtKind::ForOf {
                left,
                right: Box::new(right),
                body: Box::new(body),
                is_await,
            }
        } else {
            StmtKind::ForIn {
                left,
                right: Box::new(right),
                body: Box::new(body),
            }
        })
    }

    // ---- modules ----------------------------------------------------------------------------

    /// ModuleItemList. Spec: #sec-module-semantics-static-semantics-early-errors
    pub(crate) fn parse_module_items(&mut self) -> PResult<Vec<Stmt>> {
        let mut body = Vec::new();
        let mut exported: HashSet<Atom> = HashSet::new();
        let mut local_exports: Vec<(Atom, u32)> = Vec::new();
        while !self.at(T::Eof) {
            if self.is_kw(Atom::Import) {
                let next = self.peek()?;
                if !matches!(next.kind, T::LParen | T::Dot) {
                    body.push(self.parse_import()?);
                    continue;
                }
            } else if self.is_kw(Atom::Export) {
                body.push(self.parse_export(&mut exported, &mut local_exports)?);
                continue;
            }
            body.push(self.parse_statement_list_item()?);
        }
        for (name, pos) in local_exports {
            if !self.scopes.first().is_some_and(|s| s.declares(name)) {
                return self.err_at(
                    pos,
                    format!("export '{}' is not defined", self.atom_text(name)),
                );
            }
        }
        Ok(body)
    }

    /// ModuleExportName: an IdentifierName or a string literal without lone surrogates.
    fn parse_module_export_name(&mut self) -> PResult<ModuleExportName> {
        let start = self.tok.start;
        let is_string = match self.tok.kind {
            T::Name => false,
            T::String => {
                let units = self.atoms.to_utf16(self.tok.atom());
                if char::decode_utf16(units.iter().copied()).any(|r| r.is_err()) {
                    return self.err_at(start, "export name must be well-formed Unicode");
                }
                true
            }
            _ => return self.unexpected(),
        };
        let name = self.tok.atom();
        self.bump()?;
        Ok(ModuleExportName {
            name,
            span: self.span_from(start),
            is_string,
        })
    }

    fn parse_module_specifier(&mut self) -> PResult<Atom> {
        if !self.at(T::String) {
            return self.unexpected();
        }
        let a = self.tok.atom();
        self.bump()?;
        Ok(a)
    }

    /// `with { type: "json" }`. Spec: #sec-import-attributes
    fn parse_import_attributes(&mut self) -> PResult<Vec<ImportAttribute>> {
        let mut attrs = Vec::new();
        if !(self.is_kw(Atom::With)
            || (self.tok.kind == T::Name
                && !self.tok.escaped
                && !self.tok.nl_before
                && self.atom_text(self.tok.atom()) == "assert"))
        {
            return Ok(attrs);
        }
        self.bump()?;
        self.expect(T::LBrace)?;
        let mut seen = HashSet::new();
        while !self.at(T::RBrace) {
            let start = self.tok.start;
            let key = match self.tok.kind {
                T::Name | T::String => self.tok.atom(),
                _ => return self.unexpected(),
            };
            self.bump()?;
            self.expect(T::Colon)?;
            if !self.at(T::String) {
                return self.unexpected();
            }
            let value = self.tok.atom();
            self.bump()?;
            if !seen.insert(key) {
                return self.err_at(start, "duplicate import attribute");
            }
            attrs.push(ImportAttribute {
                key,
                value,
                span: self.span_from(start),
            });
            if !self.at(T::RBrace) {
                self.expect(T::Comma)?;
            }
        }
        self.bump()?;
        Ok(attrs)
    }

    /// Spec: #sec-imports
    #[inline(never)]
    fn parse_import(&mut self) -> PResult<Stmt> {
        let start = self.tok.start;
        self.bump()?;
        let mut phase = ImportPhase::Evaluation;
        let mut specifiers = Vec::new();
        if self.at(T::String) {
            let source = self.parse_module_specifier()?;
            let attributes = self.parse_import_attributes()?;
            self.semicolon()?;
            let d = ImportDecl {
                specifiers,
                source,
                attributes,
                phase,
                span: self.span_from(start),
            };
            return Ok(Stmt {
                span: self.span_from(start),
                kind: StmtKind::Import(Box::new(d)),
            });
        }
        if self.is_kw(Atom::Defer) && self.peek()?.kind == T::Star {
            phase = ImportPhase::Defer;
            self.bump()?;
        } else if self.is_kw(Atom::Source) {
            let next = self.peek()?;
            if next.kind == T::Name && (next.atom() != Atom::From || next.escaped) {
                phase = ImportPhase::Source;
                self.bump()?;
            }
        }
        let mut need_more = true;
        if self.at(T::Name) {
            let local = self.parse_binding_ident()?;
            specifiers.push(ImportSpecifier::Default { local });
            need_more = self.eat(T::Comma)?;
            if phase == ImportPhase::Source && need_more {
                return self.unexpected();
            }
        }
        if need_more {
            if self.eat(T::Star)? {
                self.expect_kw(Atom::As)?;
                let local = self.parse_binding_ident()?;
                specifiers.push(ImportSpecifier::Namespace { local });
            } else if self.eat(T::LBrace)? {
                if phase != ImportPhase::Evaluation {
                    return self.unexpected();
                }
                while !self.at(T::RBrace) {
                    let name_tok_reserved = self.tok.kind == T::Name
                        && (self.tok.atom().is_reserved_word() || self.tok.escaped);
                    let imported = self.parse_module_export_name()?;
                    let local = if self.eat_kw(Atom::As)? {
                        self.parse_binding_ident()?
                    } else {
                        if imported.is_string {
                            return self.unexpected();
                        }
                        let _ = name_tok_reserved;
                        if imported.name.is_reserved_word()
                            && imported.name != Atom::Yield
                            && imported.name != Atom::Await
                        {
                            return self.err_at(imported.span.start, "unexpected reserved word");
                        }
                        self.check_ident(imported.name, imported.span.start, true)?;
                        Ident {
                            name: imported.name,
                            span: imported.span,
                        }
                    };
                    specifiers.push(ImportSpecifier::Named { imported, local });
                    if !self.at(T::RBrace) {
                        self.expect(T::Comma)?;
                    }
                }
                self.bump()?;
            } else {
                return self.unexpected();
            }
        }
        if phase == ImportPhase::Defer
            && !matches!(specifiers.as_slice(), [ImportSpecifier::Namespace { .. }])
        {
            return self.unexpected();
        }
        self.expect_kw(Atom::From)?;
        let source = self.parse_module_specifier()?;
        let attributes = self.parse_import_attributes()?;
        self.semicolon()?;
        for s in &specifiers {
            let local = match s {
                ImportSpecifier::Default { local }
                | ImportSpecifier::Namespace { local }
                | ImportSpecifier::Named { local, .. } => *local,
            };
            self.declare_lex(local.name, DeclKind::Lexical, local.span.start)?;
        }
        let d = ImportDecl {
            specifiers,
            source,
            attributes,
            phase,
            span: self.span_from(start),
        };
        Ok(Stmt {
            span: self.span_from(start),
            kind: StmtKind::Import(Box::new(d)),
        })
    }

    fn add_export(&self, exported: &mut HashSet<Atom>, name: Atom, pos: u32) -> PResult<()> {
        if !exported.insert(name) {
            return self.err_at(pos, format!("duplicate export '{}'", self.atom_text(name)));
        }
        Ok(())
    }

    /// Spec: #sec-exports
    #[inline(never)]
    fn parse_export(
        &mut self,
        exported: &mut HashSet<Atom>,
        local_exports: &mut Vec<(Atom, u32)>,
    ) -> PResult<Stmt> {
        let start = self.tok.start;
        self.bump()?;
        let decl = if self.eat(T::Star)? {
            let name = if self.eat_kw(Atom::As)? {
                let n = self.parse_module_export_name()?;
                self.add_export(exported, n.name, n.span.start)?;
                Some(n)
            } else {
                None
            };
            self.expect_kw(Atom::From)?;
            let source = self.parse_module_specifier()?;
            let attributes = self.parse_import_attributes()?;
            self.semicolon()?;
            ExportDecl::All {
                exported: name,
                source,
                attributes,
            }
        } else if self.is_kw(Atom::Default) {
            let dpos = self.tok.start;
            self.add_export(exported, Atom::Default, dpos)?;
            self.bump()?;
            let dstart = self.tok.start;
            let is_async_fn = self.is_kw(Atom::Async) && {
                let next = self.peek()?;
                next.kind == T::Name
                    && next.atom() == Atom::Function
                    && !next.escaped
                    && !next.nl_before
            };
            if self.is_kw(Atom::Function) || is_async_fn {
                if is_async_fn {
                    self.bump()?;
                }
                let f = self.parse_function_decl(dstart, is_async_fn, true)?;
                if let Some(id) = f.id {
                    self.declare_lex(id.name, DeclKind::Lexical, id.span.start)?;
                }
                ExportDecl::DefaultDecl(Stmt {
                    span: self.span_from(dstart),
                    kind: StmtKind::FunctionDecl(Box::new(f)),
                })
            } else if self.is_kw(Atom::Class) {
                let c = self.parse_class_inner(dstart, false, true)?;
                if let Some(id) = c.id {
                    self.declare_lex(id.name, DeclKind::Lexical, id.span.start)?;
                }
                ExportDecl::DefaultDecl(Stmt {
                    span: self.span_from(dstart),
                    kind: StmtKind::ClassDecl(Box::new(c)),
                })
            } else {
                let e = self.parse_assign()?;
                self.semicolon()?;
                ExportDecl::DefaultExpr(Box::new(e))
            }
        } else if self.at(T::LBrace) {
            self.bump()?;
            let mut specifiers = Vec::new();
            let mut reserved_local: Option<u32> = None;
            while !self.at(T::RBrace) {
                let escaped = self.tok.escaped;
                let local = self.parse_module_export_name()?;
                if !local.is_string
                    && (local.name.is_reserved_word()
                        || (escaped && local.name.is_strict_reserved_word()))
                {
                    reserved_local.get_or_insert(local.span.start);
                }
                let exported_name = if self.eat_kw(Atom::As)? {
                    self.parse_module_export_name()?
                } else {
                    local
                };
                specifiers.push(ExportSpecifier {
                    local,
                    exported: exported_name,
                });
                if !self.at(T::RBrace) {
                    self.expect(T::Comma)?;
                }
            }
            self.bump()?;
            for s in &specifiers {
                self.add_export(exported, s.exported.name, s.exported.span.start)?;
            }
            if self.is_kw(Atom::From) {
                self.bump()?;
                let source = self.parse_module_specifier()?;
                let attributes = self.parse_import_attributes()?;
                self.semicolon()?;
                ExportDecl::NamedFrom {
                    specifiers,
                    source,
                    attributes,
                }
            } else {
                self.semicolon()?;
                if let Some(p) = reserved_local {
                    return self.err_at(p, "reserved word cannot be exported as a local binding");
                }
                for s in &specifiers {
                    if s.local.is_string {
                        return self
                            .err_at(s.local.span.start, "string export name requires 'from'");
                    }
                    if s.local.name.is_strict_reserved_word() || s.local.name == Atom::Await {
                        return self.err_at(
                            s.local.span.start,
                            "reserved word cannot be exported as a local binding",
                        );
                    }
                    local_exports.push((s.local.name, s.local.span.start));
                }
                ExportDecl::Named { specifiers }
            }
        } else {
            let dstart = self.tok.start;
            let ok = self.is_kw(Atom::Var)
                || self.is_kw(Atom::Let)
                || self.is_kw(Atom::Const)
                || self.is_kw(Atom::Function)
                || self.is_kw(Atom::Class)
                || self.is_kw(Atom::Async);
            if !ok {
                return self.unexpected();
            }
            let stmt = if self.is_kw(Atom::Var) {
                self.parse_statement(false)?
            } else {
                self.parse_statement_list_item()?
            };
            let mut names = Vec::new();
            match &stmt.kind {
                StmtKind::VarDecl(d) => {
                    for decl in &d.decls {
                        bound_names(&decl.target, &mut names);
                    }
                }
                StmtKind::FunctionDecl(f) => names.extend(f.id.map(|i| (i.name, i.span.start))),
                StmtKind::ClassDecl(c) => names.extend(c.id.map(|i| (i.name, i.span.start))),
                _ => return self.err_at(dstart, "unexpected export"),
            }
            for (n, pos) in names {
                self.add_export(exported, n, pos)?;
            }
            ExportDecl::Decl(stmt)
        };
        Ok(Stmt {
            span: self.span_from(start),
            kind: StmtKind::Export(Box::new(decl)),
        })
    }
}
