//! Expressions: assignment, conditional, binary operators (precedence climbing in one
//! function), unary, update, call/member chains (optional chaining), primary expressions,
//! literals, templates, arrows (via the cover grammar) and `yield` / `await`.
//!
//! Spec: #sec-ecmascript-language-expressions
//!
//! Invariant: an arrow function is an AssignmentExpression; once `parse_primary` returns one,
//! the levels above return it unchanged (no operator may follow), which also makes
//! `() => {}\n(1)` two statements by ASI.

use super::{PResult, Parser};
use crate::ast::*;
use crate::atoms::Atom;
use crate::lexer::{TokVal, T};

fn is_arrow(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Arrow(_))
}

fn is_literal(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Object(_) | ExprKind::Array(_))
}

#[derive(Copy, Clone)]
enum BinKind {
    Bin(BinaryOp),
    Logic(LogicalOp),
}

impl Parser<'_, '_> {
    /// Expression[+In] (comma-separated), with cover errors checked.
    pub(crate) fn parse_expression(&mut self) -> PResult<Expr> {
        let start = self.tok.start;
        let first = self.parse_assign()?;
        if !self.at(T::Comma) {
            return Ok(first);
        }
        let mut v = vec![first];
        while self.eat(T::Comma)? {
            v.push(self.parse_assign()?);
        }
        Ok(Expr {
            span: self.span_from(start),
            kind: ExprKind::Sequence(v),
        })
    }

    /// Expression whose first element may stay a pending cover (for-in/of heads).
    pub(crate) fn parse_expression_cover(&mut self) -> PResult<Expr> {
        let start = self.tok.start;
        let first = self.parse_assign_cover()?;
        if !self.at(T::Comma) {
            return Ok(first);
        }
        if let Some((pos, msg)) = self.cover_err.take() {
            return self.err_at(pos, msg);
        }
        let mut v = vec![first];
        while self.eat(T::Comma)? {
            v.push(self.parse_assign()?);
        }
        Ok(Expr {
            span: self.span_from(start),
            kind: ExprKind::Sequence(v),
        })
    }

    /// AssignmentExpression; a `{a = 1}` cover error inside is reported.
    pub(crate) fn parse_assign(&mut self) -> PResult<Expr> {
        self.assign_inner(false)
    }

    /// AssignmentExpression that may still become a pattern (array elements, property values,
    /// parenthesized arrow parameters): a pending cover error survives if the result is an
    /// object or array literal.
    pub(crate) fn parse_assign_cover(&mut self) -> PResult<Expr> {
        self.assign_inner(true)
    }

    fn assign_inner(&mut self, cover: bool) -> PResult<Expr> {
        self.enter()?;
        let outer = self.cover_err.take();
        let r = self.assign_body()?;
        let pending = self.cover_err.take();
        if let Some((pos, msg)) = pending {
            if !cover || !is_literal(&r) {
                return self.err_at(pos, msg);
            }
        }
        self.cover_err = outer.or(pending);
        self.leave();
        Ok(r)
    }

    /// Spec: #sec-assignment-operators
    #[inline(never)]
    fn assign_body(&mut self) -> PResult<Expr> {
        if self.ctx.yield_kw && self.is_kw(Atom::Yield) {
            return self.parse_yield();
        }
        let start = self.tok.start;
        let lhs = self.parse_conditional()?;
        if is_arrow(&lhs) {
            return Ok(lhs);
        }
        let op = match self.tok.kind {
            T::Eq => AssignOp::Assign,
            T::PlusEq => AssignOp::Add,
            T::MinusEq => AssignOp::Sub,
            T::StarEq => AssignOp::Mul,
            T::SlashEq => AssignOp::Div,
            T::PercentEq => AssignOp::Mod,
            T::StarStarEq => AssignOp::Exp,
            T::ShlEq => AssignOp::Shl,
            T::ShrEq => AssignOp::Shr,
            T::UShrEq => AssignOp::UShr,
            T::AmpEq => AssignOp::BitAnd,
            T::PipeEq => AssignOp::BitOr,
            T::CaretEq => AssignOp::BitXor,
            T::AmpAmpEq => AssignOp::And,
            T::PipePipeEq => AssignOp::Or,
            T::QQEq => AssignOp::Nullish,
            _ => return Ok(lhs),
        };
        let target = if op == AssignOp::Assign && is_literal(&lhs) {
            let p = self.expr_to_pattern(lhs, false)?;
            self.cover_err = None;
            p
        } else {
            let logical = matches!(op, AssignOp::And | AssignOp::Or | AssignOp::Nullish);
            self.simple_target(lhs, !logical)?
        };
        self.bump()?;
        let value = self.parse_assign()?;
        Ok(Expr {
            span: self.span_from(start),
            kind: ExprKind::Assign {
                op,
                target: Box::new(target),
                value: Box::new(value),
            },
        })
    }

    /// Spec: #sec-generator-function-definitions (YieldExpression)
    #[inline(never)]
    fn parse_yield(&mut self) -> PResult<Expr> {
        let start = self.tok.start;
        if self.ctx.in_params {
            return self.err_at(start, "yield expression not allowed in formal parameters");
        }
        self.yield_pos = Some(start);
        self.bump()?;
        let mut delegate = false;
        let arg = if self.tok.nl_before {
            None
        } else if self.at(T::Star) {
            self.bump()?;
            delegate = true;
            Some(Box::new(self.parse_assign()?))
        } else if self.starts_expression() {
            Some(Box::new(self.parse_assign()?))
        } else {
            None
        };
        Ok(Expr {
            span: self.span_from(start),
            kind: ExprKind::Yield { arg, delegate },
        })
    }

    /// Could the current token begin an AssignmentExpression?
    fn starts_expression(&self) -> bool {
        match self.tok.kind {
            T::Name => !(self.is_kw(Atom::In) || self.is_kw(Atom::Of)),
            T::PrivateName
            | T::String
            | T::Number
            | T::BigInt
            | T::Template
            | T::LParen
            | T::LBracket
            | T::LBrace
            | T::Plus
            | T::Minus
            | T::Bang
            | T::Tilde
            | T::PlusPlus
            | T::MinusMinus
            | T::Slash
            | T::SlashEq
            | T::Lt => true,
            _ => false,
        }
    }

    /// Spec: #sec-conditional-operator
    fn parse_conditional(&mut self) -> PResult<Expr> {
        let start = self.tok.start;
        let test = self.parse_binary(0)?;
        if is_arrow(&test) || !self.at(T::Question) {
            return Ok(test);
        }
        self.bump()?;
        let no_in = std::mem::replace(&mut self.no_in, false);
        let consequent = self.parse_assign()?;
        self.no_in = no_in;
        self.expect(T::Colon)?;
        let alternate = self.parse_assign()?;
        Ok(Expr {
            span: self.span_from(start),
            kind: ExprKind::Conditional {
                test: Box::new(test),
                consequent: Box::new(consequent),
                alternate: Box::new(alternate),
            },
        })
    }

    fn binop(&self) -> Option<(u8, BinKind)> {
        use BinKind::*;
        use BinaryOp as B;
        Some(match self.tok.kind {
            T::QQ => (1, Logic(LogicalOp::Nullish)),
            T::PipePipe => (1, Logic(LogicalOp::Or)),
            T::AmpAmp => (2, Logic(LogicalOp::And)),
            T::Pipe => (3, Bin(B::BitOr)),
            T::Caret => (4, Bin(B::BitXor)),
            T::Amp => (5, Bin(B::BitAnd)),
            T::EqEq => (6, Bin(B::Eq)),
            T::NotEq => (6, Bin(B::NotEq)),
            T::EqEqEq => (6, Bin(B::StrictEq)),
            T::NotEqEq => (6, Bin(B::StrictNotEq)),
            T::Lt => (7, Bin(B::Lt)),
            T::Gt => (7, Bin(B::Gt)),
            T::LtEq => (7, Bin(B::LtEq)),
            T::GtEq => (7, Bin(B::GtEq)),
            T::Name if self.is_kw(Atom::Instanceof) => (7, Bin(B::Instanceof)),
            T::Name if self.is_kw(Atom::In) && !self.no_in => (7, Bin(B::In)),
            T::Shl => (8, Bin(B::Shl)),
            T::Shr => (8, Bin(B::Shr)),
            T::UShr => (8, Bin(B::UShr)),
            T::Plus => (9, Bin(B::Add)),
            T::Minus => (9, Bin(B::Sub)),
            T::Star => (10, Bin(B::Mul)),
            T::Slash => (10, Bin(B::Div)),
            T::Percent => (10, Bin(B::Mod)),
            T::StarStar => (11, Bin(B::Exp)),
            _ => return None,
        })
    }

    /// All binary and logical operators by precedence climbing: operators binding tighter
    /// than `min` are consumed. Spec: #sec-binary-logical-operators and neighbours.
    fn parse_binary(&mut self, min: u8) -> PResult<Expr> {
        self.enter()?;
        let start = self.tok.start;
        let mut left = if self.at(T::PrivateName) {
            // `#x in obj`. Spec: #sec-relational-operators (PrivateIdentifier in ShiftExpression)
            let name = self.tok.atom();
            let pos = self.tok.start;
            self.bump()?;
            if !self.is_kw(Atom::In) || self.no_in || min >= 7 {
                return self.err_at(pos, "unexpected private name");
            }
            self.use_private_name(name, pos)?;
            self.bump()?;
            let right = self.parse_binary(7)?;
            if is_arrow(&right) {
                return self.err_at(right.span.start, "arrow function is not allowed here");
            }
            Expr {
                span: self.span_from(start),
                kind: ExprKind::PrivateIn {
                    name,
                    right: Box::new(right),
                },
            }
        } else {
            self.parse_unary()?
        };
        if is_arrow(&left) {
            self.leave();
            return Ok(left);
        }
        while let Some((prec, kind)) = self.binop() {
            if prec <= min {
                break;
            }
            let op_pos = self.tok.start;
            if matches!(kind, BinKind::Bin(BinaryOp::Exp))
                && matches!(left.kind, ExprKind::Unary { .. } | ExprKind::Await(_))
            {
                return self.err_at(
                    op_pos,
                    "unparenthesized unary expression can't appear on the left-hand side of '**'",
                );
            }
            self.bump()?;
            let right_min = if matches!(kind, BinKind::Bin(BinaryOp::Exp)) {
                prec - 1
            } else {
                prec
            };
            let right = self.parse_binary(right_min)?;
            if is_arrow(&right) {
                return self.err_at(right.span.start, "arrow function is not allowed here");
            }
            let span = self.span_from(start);
            left = match kind {
                BinKind::Bin(op) => Expr {
                    span,
                    kind: ExprKind::Binary {
                        op,
                        left: Box::new(left),
                        right: Box::new(right),
                    },
                },
                BinKind::Logic(op) => {
                    let mixes = |e: &Expr| match e.kind {
                        ExprKind::Logical { op: o, .. } => {
                            (o == LogicalOp::Nullish) != (op == LogicalOp::Nullish)
                        }
                        _ => false,
                    };
                    if mixes(&left) || mixes(&right) {
                        return self.err_at(
                            op_pos,
                            "cannot mix '??' with '||' or '&&' without parentheses",
                        );
                    }
                    Expr {
                        span,
                        kind: ExprKind::Logical {
                            op,
                            left: Box::new(left),
                            right: Box::new(right),
                        },
                    }
                }
            };
        }
        self.leave();
        Ok(left)
    }

    /// Spec: #sec-unary-operators, #sec-update-expressions, #sec-async-function-definitions
    /// (AwaitExpression)
    fn parse_unary(&mut self) -> PResult<Expr> {
        let start = self.tok.start;
        let op = match self.tok.kind {
            T::Plus => Some(UnaryOp::Plus),
            T::Minus => Some(UnaryOp::Minus),
            T::Bang => Some(UnaryOp::Not),
            T::Tilde => Some(UnaryOp::BitNot),
            T::Name if self.is_kw(Atom::Typeof) => Some(UnaryOp::Typeof),
            T::Name if self.is_kw(Atom::Void) => Some(UnaryOp::Void),
            T::Name if self.is_kw(Atom::Delete) => Some(UnaryOp::Delete),
            _ => None,
        };
        if let Some(op) = op {
            self.bump()?;
            self.enter()?;
            let arg = self.parse_unary()?;
            self.leave();
            if is_arrow(&arg) {
                return self.err_at(arg.span.start, "arrow function is not allowed here");
            }
            if op == UnaryOp::Delete {
                if self.ctx.strict && matches!(arg.unparen().kind, ExprKind::Ident(_)) {
                    return self.err_at(
                        start,
                        "cannot delete an unqualified identifier in strict mode",
                    );
                }
                let mut inner = arg.unparen();
                if let ExprKind::OptionalChain(e) = &inner.kind {
                    inner = e;
                }
                if let ExprKind::Member {
                    property: MemberProp::Private(..),
                    ..
                } = inner.kind
                {
                    return self.err_at(start, "private fields cannot be deleted");
                }
            }
            return Ok(Expr {
                span: self.span_from(start),
                kind: ExprKind::Unary {
                    op,
                    arg: Box::new(arg),
                },
            });
        }
        if matches!(self.tok.kind, T::PlusPlus | T::MinusMinus) {
            let op = if self.at(T::PlusPlus) {
                UpdateOp::Increment
            } else {
                UpdateOp::Decrement
            };
            self.bump()?;
            self.enter()?;
            let arg = self.parse_unary()?;
            self.leave();
            let target = self.update_target(arg)?;
            return Ok(Expr {
                span: self.span_from(start),
                kind: ExprKind::Update {
                    op,
                    prefix: true,
                    target: Box::new(target),
                },
            });
        }
        if self.ctx.await_kw && self.is_kw(Atom::Await) {
            if self.ctx.in_params {
                return self.err_at(start, "await expression not allowed in formal parameters");
            }
            self.await_pos = Some(start);
            self.bump()?;
            self.enter()?;
            let arg = self.parse_unary()?;
            self.leave();
            if is_arrow(&arg) {
                return self.err_at(arg.span.start, "arrow function is not allowed here");
            }
            return Ok(Expr {
                span: self.span_from(start),
                kind: ExprKind::Await(Box::new(arg)),
            });
        }
        let start = self.tok.start;
        let e = self.parse_lhs()?;
        if is_arrow(&e) {
            return Ok(e);
        }
        if matches!(self.tok.kind, T::PlusPlus | T::MinusMinus) && !self.tok.nl_before {
            let op = if self.at(T::PlusPlus) {
                UpdateOp::Increment
            } else {
                UpdateOp::Decrement
            };
            let target = self.update_target(e)?;
            self.bump()?;
            return Ok(Expr {
                span: self.span_from(start),
                kind: ExprKind::Update {
                    op,
                    prefix: false,
                    target: Box::new(target),
                },
            });
        }
        Ok(e)
    }

    /// The operand of `++` / `--`: an identifier or property reference (a call only in
    /// sloppy mode, web-compat: it throws a ReferenceError at run time).
    #[inline(never)]
    fn update_target(&self, e: Expr) -> PResult<Expr> {
        let pat = self.simple_target(e, true)?;
        Ok(match pat.kind {
            PatternKind::Ident(id) => Expr {
                span: id.span,
                kind: ExprKind::Ident(id),
            },
            PatternKind::Expr(e) => *e,
            _ => return self.err_at(pat.span.start, "invalid update target"),
        })
    }

    /// LeftHandSideExpression: `new`, `super`, `import`, primary, then the member/call chain.
    pub(crate) fn parse_lhs(&mut self) -> PResult<Expr> {
        let start = self.tok.start;
        let e = if self.is_kw(Atom::New) {
            self.parse_new()?
        } else if self.is_kw(Atom::Super) {
            self.parse_super()?
        } else if self.is_kw(Atom::Import) {
            self.parse_import_expr()?
        } else {
            self.parse_primary()?
        };
        if is_arrow(&e) {
            return Ok(e);
        }
        // `async (...)`: a call, or the head of an async arrow function.
        if let ExprKind::Ident(id) = &e.kind {
            if id.name == Atom::Async
                && self.at(T::LParen)
                && !self.tok.nl_before
                && self.src.get(start as usize..e.span.end as usize) == Some("async")
            {
                return self.parse_async_call_or_arrow(start, e);
            }
        }
        self.parse_chain(e, start, true)
    }

    /// Member accesses, calls, optional chains and tagged templates after `e`.
    /// Spec: #sec-left-hand-side-expressions, #sec-optional-chains
    #[inline(never)]
    fn parse_chain(&mut self, mut e: Expr, start: u32, allow_call: bool) -> PResult<Expr> {
        let mut in_opt = false;
        loop {
            match self.tok.kind {
                T::Dot => {
                    self.bump()?;
                    let property = self.member_name()?;
                    e = Expr {
                        span: self.span_from(start),
                        kind: ExprKind::Member {
                            object: Box::new(e),
                            property,
                            optional: false,
                        },
                    };
                }
                T::QuestionDot => {
                    if !allow_call {
                        return self.err_at(
                            self.tok.start,
                            "optional chain not allowed in 'new' expression",
                        );
                    }
                    self.bump()?;
                    in_opt = true;
                    match self.tok.kind {
                        T::LParen => {
                            let args = self.parse_args()?;
                            e = Expr {
                                span: self.span_from(start),
                                kind: ExprKind::Call {
                                    callee: Box::new(e),
                                    args,
                                    optional: true,
                                },
                            };
                        }
                        T::LBracket => {
                            let property = self.computed_member()?;
                            e = Expr {
                                span: self.span_from(start),
                                kind: ExprKind::Member {
                                    object: Box::new(e),
                                    property,
                                    optional: true,
                                },
                            };
                        }
                        T::Template => {
                            return self.err_at(
                                self.tok.start,
                                "tagged template cannot be used in optional chain",
                            );
                        }
                        _ => {
                            let property = self.member_name()?;
                            e = Expr {
                                span: self.span_from(start),
                                kind: ExprKind::Member {
                                    object: Box::new(e),
                                    property,
                                    optional: true,
                                },
                            };
                        }
                    }
                }
                T::LBracket => {
                    let property = self.computed_member()?;
                    e = Expr {
                        span: self.span_from(start),
                        kind: ExprKind::Member {
                            object: Box::new(e),
                            property,
                            optional: false,
                        },
                    };
                }
                T::LParen if allow_call => {
                    let args = self.parse_args()?;
                    e = Expr {
                        span: self.span_from(start),
                        kind: ExprKind::Call {
                            callee: Box::new(e),
                            args,
                            optional: false,
                        },
                    };
                }
                T::Template => {
                    if in_opt {
                        return self.err_at(
                            self.tok.start,
                            "tagged template cannot be used in optional chain",
                        );
                    }
                    let quasi = self.parse_template(true)?;
                    e = Expr {
                        span: self.span_from(start),
                        kind: ExprKind::TaggedTemplate {
                            tag: Box::new(e),
                            quasi: Box::new(quasi),
                        },
                    };
                }
                _ => break,
            }
        }
        if in_opt {
            e = Expr {
                span: self.span_from(start),
                kind: ExprKind::OptionalChain(Box::new(e)),
            };
        }
        Ok(e)
    }

    /// `.name` / `.#name` after the dot.
    #[inline(never)]
    fn member_name(&mut self) -> PResult<MemberProp> {
        let pos = self.tok.start;
        match self.tok.kind {
            T::Name => {
                let a = self.tok.atom();
                self.bump()?;
                Ok(MemberProp::Ident(a, self.span_from(pos)))
            }
            T::PrivateName => {
                let a = self.tok.atom();
                self.use_private_name(a, pos)?;
                self.bump()?;
                Ok(MemberProp::Private(a, self.span_from(pos)))
            }
            _ => self.unexpected(),
        }
    }

    #[inline(never)]
    fn computed_member(&mut self) -> PResult<MemberProp> {
        self.expect(T::LBracket)?;
        let no_in = std::mem::replace(&mut self.no_in, false);
        let e = self.parse_expression()?;
        self.no_in = no_in;
        self.expect(T::RBracket)?;
        Ok(MemberProp::Computed(Box::new(e)))
    }

    /// Arguments. Spec: #sec-argument-lists
    #[inline(never)]
    pub(crate) fn parse_args(&mut self) -> PResult<Vec<Argument>> {
        self.expect(T::LParen)?;
        let no_in = std::mem::replace(&mut self.no_in, false);
        let mut args = Vec::new();
        while !self.at(T::RParen) {
            if self.eat(T::Ellipsis)? {
                args.push(Argument::Spread(self.parse_assign()?));
            } else {
                args.push(Argument::Expr(self.parse_assign()?));
            }
            if !self.at(T::RParen) {
                self.expect(T::Comma)?;
            }
        }
        self.no_in = no_in;
        self.bump()?;
        Ok(args)
    }

    /// Spec: #sec-new-operator, #sec-meta-properties (new.target)
    #[inline(never)]
    fn parse_new(&mut self) -> PResult<Expr> {
        let start = self.tok.start;
        self.bump()?;
        if self.at(T::Dot) {
            self.bump()?;
            if !self.is_kw(Atom::Target) {
                return self.unexpected();
            }
            self.bump()?;
            if !self.ctx.new_target {
                return self.err_at(start, "new.target only allowed within functions");
            }
            return Ok(Expr {
                span: self.span_from(start),
                kind: ExprKind::NewTarget,
            });
        }
        self.enter()?;
        let cstart = self.tok.start;
        let callee = if self.is_kw(Atom::New) {
            self.parse_new()?
        } else if self.is_kw(Atom::Super) {
            self.parse_super()?
        } else if self.is_kw(Atom::Import) {
            let e = self.parse_import_expr()?;
            if !matches!(e.kind, ExprKind::ImportMeta) {
                return self.err_at(cstart, "cannot use new with import");
            }
            e
        } else {
            self.parse_primary()?
        };
        if is_arrow(&callee) {
            return self.err_at(cstart, "arrow function is not allowed here");
        }
        if matches!(callee.kind, ExprKind::SuperCall { .. }) {
            return self.err_at(cstart, "unexpected 'super'");
        }
        let callee = self.parse_chain(callee, cstart, false)?;
        let args = if self.at(T::LParen) {
            self.parse_args()?
        } else {
            Vec::new()
        };
        self.leave();
        Ok(Expr {
            span: self.span_from(start),
            kind: ExprKind::New {
                callee: Box::new(callee),
                args,
            },
        })
    }

    /// Spec: #sec-super-keyword
    #[inline(never)]
    fn parse_super(&mut self) -> PResult<Expr> {
        let start = self.tok.start;
        self.bump()?;
        match self.tok.kind {
            T::LParen => {
                if !self.ctx.super_call {
                    return self
                        .err_at(start, "super() is only valid in derived class constructors");
                }
                let args = self.parse_args()?;
                Ok(Expr {
                    span: self.span_from(start),
                    kind: ExprKind::SuperCall { args },
                })
            }
            T::Dot | T::LBracket => {
                if !self.ctx.super_prop {
                    return self.err_at(start, "'super' keyword unexpected here");
                }
                let property = if self.eat(T::Dot)? {
                    if self.at(T::PrivateName) {
                        return self.err_at(self.tok.start, "unexpected private name after super");
                    }
                    self.member_name()?
                } else {
                    self.computed_member()?
                };
                Ok(Expr {
                    span: self.span_from(start),
                    kind: ExprKind::SuperMember { property },
                })
            }
            _ => self.err_at(start, "'super' keyword unexpected here"),
        }
    }

    /// `import(...)`, `import.meta`, `import.source(...)`, `import.defer(...)`.
    /// Spec: #sec-import-calls, #sec-meta-properties
    #[inline(never)]
    fn parse_import_expr(&mut self) -> PResult<Expr> {
        let start = self.tok.start;
        self.bump()?;
        let mut phase = ImportPhase::Evaluation;
        if self.eat(T::Dot)? {
            if self.is_kw(Atom::Meta) {
                self.bump()?;
                if !self.module {
                    return self.err_at(start, "import.meta is only valid in module code");
                }
                return Ok(Expr {
                    span: self.span_from(start),
                    kind: ExprKind::ImportMeta,
                });
            } else if self.is_kw(Atom::Source) {
                phase = ImportPhase::Source;
            } else if self.is_kw(Atom::Defer) {
                phase = ImportPhase::Defer;
            } else {
                return self.unexpected();
            }
            self.bump()?;
            if !self.at(T::LParen) {
                return self.unexpected();
            }
        }
        if !self.at(T::LParen) {
            return self.unexpected();
        }
        self.bump()?;
        let no_in = std::mem::replace(&mut self.no_in, false);
        let specifier = self.parse_assign()?;
        let mut options = None;
        if self.eat(T::Comma)? && !self.at(T::RParen) {
            if phase != ImportPhase::Evaluation {
                return self.unexpected();
            }
            options = Some(Box::new(self.parse_assign()?));
            self.eat(T::Comma)?;
        }
        self.no_in = no_in;
        self.expect(T::RParen)?;
        Ok(Expr {
            span: self.span_from(start),
            kind: ExprKind::ImportCall {
                specifier: Box::new(specifier),
                options,
                phase,
            },
        })
    }

    /// Checks an IdentifierReference / BindingIdentifier / LabelIdentifier in the current
    /// context. Spec: #sec-identifiers-static-semantics-early-errors
    pub(crate) fn check_ident(&mut self, a: Atom, pos: u32, binding: bool) -> PResult<()> {
        if a == Atom::Await {
            if self.ctx.await_kw || self.module || self.ctx.static_block {
                return self.err_at(pos, "'await' is not a valid identifier here");
            }
            self.await_ident_pos = Some(pos);
            return Ok(());
        }
        if a == Atom::Yield {
            if self.ctx.yield_kw || self.ctx.strict {
                return self.err_at(pos, "'yield' is not a valid identifier here");
            }
            return Ok(());
        }
        if a.is_reserved_word() {
            return self.err_at(
                pos,
                format!("unexpected reserved word '{}'", self.atom_text(a)),
            );
        }
        if self.ctx.strict && a.is_strict_reserved_word() {
            return self.err_at(
                pos,
                format!("'{}' is a reserved word in strict mode", self.atom_text(a)),
            );
        }
        if binding && self.ctx.strict && (a == Atom::Eval || a == Atom::Arguments) {
            return self.err_at(
                pos,
                format!("invalid binding '{}' in strict mode", self.atom_text(a)),
            );
        }
        if !binding && a == Atom::Arguments && self.ctx.no_arguments {
            return self.err_at(pos, "'arguments' is not allowed in class field initializer or static initialization block");
        }
        Ok(())
    }

    /// Spec: #sec-primary-expression
    #[inline(never)]
    fn parse_primary(&mut self) -> PResult<Expr> {
        let start = self.tok.start;
        match self.tok.kind {
            T::Name => {
                let a = self.tok.atom();
                if !self.tok.escaped {
                    let kind = match a {
                        Atom::This => Some(ExprKind::This),
                        Atom::Null => Some(ExprKind::Null),
                        Atom::True => Some(ExprKind::Bool(true)),
                        Atom::False => Some(ExprKind::Bool(false)),
                        _ => None,
                    };
                    if let Some(kind) = kind {
                        self.bump()?;
                        return Ok(Expr {
                            span: self.span_from(start),
                            kind,
                        });
                    }
                    match a {
                        Atom::Function => {
                            let f = self.parse_function_expr(start, false)?;
                            return Ok(Expr {
                                span: self.span_from(start),
                                kind: ExprKind::Function(Box::new(f)),
                            });
                        }
                        Atom::Class => {
                            let c = self.parse_class(start, true)?;
                            return Ok(Expr {
                                span: self.span_from(start),
                                kind: ExprKind::Class(Box::new(c)),
                            });
                        }
                        Atom::Async => {
                            let next = self.peek()?;
                            if !next.nl_before && next.kind == T::Name {
                                if next.atom() == Atom::Function && !next.escaped {
                                    self.bump()?;
                                    let f = self.parse_function_expr(start, true)?;
                                    return Ok(Expr {
                                        span: self.span_from(start),
                                        kind: ExprKind::Function(Box::new(f)),
                                    });
                                }
                                // `async x => ...`
                                let after = self.peek2()?;
                                if after.kind == T::Arrow {
                                    self.bump()?;
                                    return self.parse_async_ident_arrow(start);
                                }
                            }
                        }
                        Atom::New | Atom::Super | Atom::Import => {
                            return self.parse_lhs();
                        }
                        _ => {}
                    }
                } else if a.is_reserved_word() && a != Atom::Yield && a != Atom::Await {
                    return self.err_at(start, "keywords cannot contain escape characters");
                }
                self.bump()?;
                if self.at(T::Arrow) && !self.tok.nl_before {
                    // `x => ...`
                    let id = Ident {
                        name: a,
                        span: self.span_from(start),
                    };
                    self.check_ident(a, start, true)?;
                    let param = Param {
                        pattern: Pattern {
                            span: id.span,
                            kind: PatternKind::Ident(id),
                        },
                        default: None,
                        is_rest: false,
                        span: id.span,
                    };
                    return self.parse_arrow_rest(start, vec![param], false);
                }
                self.check_ident(a, start, false)?;
                Ok(Expr {
                    span: self.span_from(start),
                    kind: ExprKind::Ident(Ident {
                        name: a,
                        span: self.span_from(start),
                    }),
                })
            }
            T::Number => {
                self.check_octal()?;
                let v = match self.tok.val {
                    TokVal::Number(v) => v,
                    _ => 0.0,
                };
                self.bump()?;
                Ok(Expr {
                    span: self.span_from(start),
                    kind: ExprKind::Number(v),
                })
            }
            T::BigInt => {
                let v = match &self.tok.val {
                    TokVal::BigInt(s) => s.clone(),
                    _ => "0".into(),
                };
                self.bump()?;
                Ok(Expr {
                    span: self.span_from(start),
                    kind: ExprKind::BigInt(v),
                })
            }
            T::String => {
                self.check_octal()?;
                let a = self.tok.atom();
                self.bump()?;
                Ok(Expr {
                    span: self.span_from(start),
                    kind: ExprKind::String(a),
                })
            }
            T::Template => {
                let t = self.parse_template(false)?;
                Ok(Expr {
                    span: self.span_from(start),
                    kind: ExprKind::Template(Box::new(t)),
                })
            }
            T::Slash | T::SlashEq => {
                let nl = self.tok.nl_before;
                self.tok = self
                    .lx
                    .rescan_regexp(start, nl, self.atoms)
                    .map_err(|e| super::lex_error(self.src, e))?;
                let (pattern, flags) = match self.tok.val {
                    TokVal::RegExp { pattern, flags } => (pattern, flags),
                    _ => (Atom::Empty, Atom::Empty),
                };
                self.check_regexp(pattern, flags, start)?;
                self.bump()?;
                Ok(Expr {
                    span: self.span_from(start),
                    kind: ExprKind::RegExp { pattern, flags },
                })
            }
            T::LParen => self.parse_paren(),
            T::LBracket => self.parse_array_literal(),
            T::LBrace => self.parse_object_literal(),
            _ => self.unexpected(),
        }
    }

    /// Legacy octal literals / escapes are errors in strict mode.
    /// Spec: #sec-numericliterals-early-errors (Annex B), #sec-string-literals-early-errors
    #[inline(never)]
    pub(crate) fn check_octal(&self) -> PResult<()> {
        if let Some(pos) = self.tok.legacy_octal {
            if self.ctx.strict {
                let what = if self.at(T::String) {
                    "octal escape sequences"
                } else {
                    "octal literals"
                };
                return self.err_at(pos, format!("{what} are not allowed in strict mode"));
            }
        }
        Ok(())
    }

    /// Regular expression literal early errors: the flags here, the pattern by the regexp
    /// parser. Spec: #sec-regular-expression-literals-static-semantics-early-errors
    #[inline(never)]
    fn check_regexp(&mut self, pattern: Atom, flags: Atom, pos: u32) -> PResult<()> {
        let f = self.atoms.to_utf16(flags);
        let mut seen = 0u32;
        for &c in &f {
            let bit = match c {
                0x64 => 1,   // d
                0x67 => 2,   // g
                0x69 => 4,   // i
                0x6D => 8,   // m
                0x73 => 16,  // s
                0x75 => 32,  // u
                0x79 => 64,  // y
                0x76 => 128, // v
                _ => return self.err_at(pos, "invalid regular expression flags"),
            };
            if seen & bit != 0 {
                return self.err_at(pos, "duplicate regular expression flag");
            }
            seen |= bit;
        }
        if seen & 32 != 0 && seen & 128 != 0 {
            return self.err_at(pos, "regular expression flags 'u' and 'v' are exclusive");
        }
        let p = self.atoms.to_utf16(pattern);
        if let Err(msg) = crate::regexp::check_syntax(&p, &f) {
            return self.err_at(pos, msg);
        }
        Ok(())
    }

    /// Template literal starting at the current `Template` token.
    /// Spec: #sec-template-literals (tagged templates allow invalid escapes: cooked = None)
    #[inline(never)]
    pub(crate) fn parse_template(&mut self, tagged: bool) -> PResult<Template> {
        let start = self.tok.start;
        let mut quasis = Vec::new();
        let mut exprs = Vec::new();
        loop {
            let (cooked, raw, tail) = match &self.tok.val {
                TokVal::Template(c) => {
                    if !tagged {
                        if let Some(inv) = &c.invalid {
                            return self.err_at(inv.pos, inv.message.clone());
                        }
                    }
                    (c.cooked, c.raw, c.tail)
                }
                _ => return self.unexpected(),
            };
            let qspan = Span::new(self.tok.start, self.tok.end);
            quasis.push(TemplateQuasi {
                cooked,
                raw,
                span: qspan,
            });
            self.bump()?;
            if tail {
                break;
            }
            let no_in = std::mem::replace(&mut self.no_in, false);
            exprs.push(self.parse_expression()?);
            self.no_in = no_in;
            if !self.at(T::RBrace) {
                return self.unexpected();
            }
            self.tok = self
                .lx
                .rescan_template(self.tok.start, self.atoms)
                .map_err(|e| super::lex_error(self.src, e))?;
        }
        Ok(Template {
            quasis,
            exprs,
            span: self.span_from(start),
        })
    }

    /// `( ... )`: a parenthesized expression or arrow parameters (cover grammar).
    /// Spec: #sec-grouping-operator, #sec-arrow-function-definitions
    #[inline(never)]
    fn parse_paren(&mut self) -> PResult<Expr> {
        let start = self.tok.start;
        self.bump()?;
        let no_in = std::mem::replace(&mut self.no_in, false);
        let saved = (
            self.yield_pos.take(),
            self.await_pos.take(),
            self.await_ident_pos.take(),
        );
        let outer_cover = self.cover_err.take();
        let mut items: Vec<Expr> = Vec::new();
        let mut rest: Option<Pattern> = None;
        let mut trailing_comma = false;
        while !self.at(T::RParen) {
            if self.at(T::Ellipsis) {
                self.bump()?;
                rest = Some(self.parse_binding_target()?);
                if !self.at(T::RParen) {
                    return self.err_at(self.tok.start, "rest parameter must be last");
                }
                break;
            }
            items.push(self.parse_assign_cover()?);
            if self.at(T::Comma) {
                self.bump()?;
                if self.at(T::RParen) {
                    trailing_comma = true;
                }
                continue;
            }
            break;
        }
        self.expect(T::RParen)?;
        self.no_in = no_in;
        if self.at(T::Arrow) && !self.tok.nl_before {
            if let Some(p) = self.yield_pos.or(self.await_pos) {
                return self.err_at(p, "yield/await expression not allowed in arrow parameters");
            }
            if self.ctx.await_kw {
                if let Some(p) = self.await_ident_pos {
                    return self.err_at(p, "'await' is not a valid identifier here");
                }
            }
            let params = self.cover_to_params(items, rest)?;
            self.cover_err = outer_cover;
            self.yield_pos = saved.0;
            self.await_pos = saved.1;
            self.await_ident_pos = saved.2.or(self.await_ident_pos);
            return self.parse_arrow_rest(start, params, false);
        }
        if items.is_empty() || rest.is_some() || trailing_comma {
            return self.unexpected();
        }
        if let Some((pos, msg)) = self.cover_err.take() {
            return self.err_at(pos, msg);
        }
        self.cover_err = outer_cover;
        self.yield_pos = self.yield_pos.or(saved.0);
        self.await_pos = self.await_pos.or(saved.1);
        self.await_ident_pos = self.await_ident_pos.or(saved.2);
        let inner = if items.len() == 1 {
            items.pop().map_or_else(|| self.unexpected(), Ok)?
        } else {
            let s = items.first().map_or(start, |e| e.span.start);
            let e = items.last().map_or(start, |e| e.span.end);
            Expr {
                span: Span::new(s, e),
                kind: ExprKind::Sequence(items),
            }
        };
        Ok(Expr {
            span: self.span_from(start),
            kind: ExprKind::Paren(Box::new(inner)),
        })
    }

    /// `async x => ...` after `async` (current token is the parameter name).
    #[inline(never)]
    fn parse_async_ident_arrow(&mut self, start: u32) -> PResult<Expr> {
        let pos = self.tok.start;
        let a = self.tok.atom();
        if self.tok.escaped && a.is_reserved_word() && a != Atom::Await && a != Atom::Yield {
            return self.err_at(pos, "keywords cannot contain escape characters");
        }
        self.bump()?;
        if !self.at(T::Arrow) || self.tok.nl_before {
            return self.unexpected();
        }
        if a == Atom::Await {
            return self.err_at(pos, "'await' is not a valid identifier here");
        }
        self.check_ident(a, pos, true)?;
        let id = Ident {
            name: a,
            span: self.span_from(pos),
        };
        let param = Param {
            pattern: Pattern {
                span: id.span,
                kind: PatternKind::Ident(id),
            },
            default: None,
            is_rest: false,
            span: id.span,
        };
        self.parse_arrow_rest(start, vec![param], true)
    }

    /// `async(...)` call or `async (...) => ...`. `callee` is the `async` identifier.
    #[inline(never)]
    fn parse_async_call_or_arrow(&mut self, start: u32, callee: Expr) -> PResult<Expr> {
        let saved = (
            self.yield_pos.take(),
            self.await_pos.take(),
            self.await_ident_pos.take(),
        );
        let outer_cover = self.cover_err.take();
        self.bump()?; // (
        let no_in = std::mem::replace(&mut self.no_in, false);
        let mut items: Vec<Expr> = Vec::new();
        let mut spreads: Vec<bool> = Vec::new();
        let mut rest: Option<Expr> = None;
        let mut trailing_comma = false;
        while !self.at(T::RParen) {
            if self.eat(T::Ellipsis)? {
                let e = self.parse_assign_cover()?;
                items.push(e);
                spreads.push(true);
            } else {
                items.push(self.parse_assign_cover()?);
                spreads.push(false);
            }
            if self.at(T::RParen) {
                break;
            }
            self.expect(T::Comma)?;
            if self.at(T::RParen) {
                trailing_comma = true;
            }
        }
        self.bump()?; // )
        self.no_in = no_in;
        if self.at(T::Arrow) && !self.tok.nl_before {
            if let Some(p) = self.yield_pos.or(self.await_pos).or(self.await_ident_pos) {
                return self.err_at(p, "yield/await not allowed in async arrow parameters");
            }
            // A spread becomes a rest parameter: only last, no trailing comma.
            if let Some(i) = spreads.iter().position(|&s| s) {
                if i + 1 != items.len() || trailing_comma {
                    return self.err_at(start, "rest parameter must be last");
                }
                let e = items.pop().map_or_else(|| self.unexpected(), Ok)?;
                rest = Some(e);
            }
            // The parameters of an async arrow are [+Await]: `await` cannot be bound.
            let saved_await = std::mem::replace(&mut self.ctx.await_kw, true);
            let params = match rest {
                Some(e) => self.expr_to_pattern(e, true).map(Some),
                None => Ok(None),
            }
            .and_then(|rest| self.cover_to_params(items, rest));
            self.ctx.await_kw = saved_await;
            let params = params?;
            self.cover_err = outer_cover;
            self.yield_pos = saved.0;
            self.await_pos = saved.1;
            self.await_ident_pos = saved.2;
            return self.parse_arrow_rest(start, params, true);
        }
        if let Some((pos, msg)) = self.cover_err.take() {
            return self.err_at(pos, msg);
        }
        self.cover_err = outer_cover;
        self.yield_pos = self.yield_pos.or(saved.0);
        self.await_pos = self.await_pos.or(saved.1);
        self.await_ident_pos = self.await_ident_pos.or(saved.2);
        let args = items
            .into_iter()
            .zip(spreads)
            .map(|(e, s)| {
                if s {
                    Argument::Spread(e)
                } else {
                    Argument::Expr(e)
                }
            })
            .collect();
        let call = Expr {
            span: self.span_from(start),
            kind: ExprKind::Call {
                callee: Box::new(callee),
                args,
                optional: false,
            },
        };
        self.parse_chain(call, start, true)
    }

    /// Array literal. Spec: #sec-array-initializer
    #[inline(never)]
    fn parse_array_literal(&mut self) -> PResult<Expr> {
        let start = self.tok.start;
        self.bump()?;
        let no_in = std::mem::replace(&mut self.no_in, false);
        let mut elems = Vec::new();
        while !self.at(T::RBracket) {
            if self.eat(T::Comma)? {
                elems.push(None);
                continue;
            }
            let el = if self.eat(T::Ellipsis)? {
                let e = self.parse_assign_cover()?;
                if self.at(T::Comma) {
                    self.spread_not_last.push(start);
                }
                ArrayElem::Spread(e)
            } else {
                ArrayElem::Expr(self.parse_assign_cover()?)
            };
            elems.push(Some(el));
            if !self.at(T::RBracket) {
                self.expect(T::Comma)?;
            }
        }
        self.bump()?;
        self.no_in = no_in;
        Ok(Expr {
            span: self.span_from(start),
            kind: ExprKind::Array(elems),
        })
    }

    /// Object literal. Spec: #sec-object-initializer
    #[inline(never)]
    fn parse_object_literal(&mut self) -> PResult<Expr> {
        let start = self.tok.start;
        self.bump()?;
        let no_in = std::mem::replace(&mut self.no_in, false);
        let mut props = Vec::new();
        let mut has_proto = false;
        while !self.at(T::RBrace) {
            let p = self.parse_object_prop(start, &mut has_proto)?;
            props.push(p);
            if !self.at(T::RBrace) {
                self.expect(T::Comma)?;
            }
        }
        self.bump()?;
        self.no_in = no_in;
        Ok(Expr {
            span: self.span_from(start),
            kind: ExprKind::Object(props),
        })
    }

    #[inline(never)]
    fn parse_object_prop(&mut self, obj_start: u32, has_proto: &mut bool) -> PResult<ObjectProp> {
        let start = self.tok.start;
        if self.eat(T::Ellipsis)? {
            let value = self.parse_assign_cover()?;
            if self.at(T::Comma) {
                self.spread_not_last.push(obj_start);
            }
            return Ok(ObjectProp::Spread {
                value: Box::new(value),
                span: self.span_from(start),
            });
        }
        // Method modifiers: `async`, `*`, `get`, `set` (only when a key follows).
        let mut is_async = false;
        let mut is_gen = false;
        let mut kind = MethodKind::Method;
        if self.is_kw(Atom::Async) {
            let next = self.peek()?;
            if !next.nl_before && self.is_key_start(next.kind) {
                self.bump()?;
                is_async = true;
            }
        }
        if self.at(T::Star) {
            self.bump()?;
            is_gen = true;
        }
        if !is_async && !is_gen && (self.is_kw(Atom::Get) || self.is_kw(Atom::Set)) {
            let next = self.peek()?;
            if self.is_key_start(next.kind) && next.kind != T::Star {
                kind = if self.is_kw(Atom::Get) {
                    MethodKind::Get
                } else {
                    MethodKind::Set
                };
                self.bump()?;
            }
        }
        let key_tok_kind = self.tok.kind;
        let key_escaped = self.tok.escaped;
        let key_pos = self.tok.start;
        let key = self.parse_prop_key(false)?;
        if self.at(T::LParen) || is_async || is_gen || kind != MethodKind::Method {
            let fkind = match kind {
                MethodKind::Method => FunctionKind::Method,
                MethodKind::Get => FunctionKind::Getter,
                MethodKind::Set => FunctionKind::Setter,
            };
            let f = self.parse_function_rest(start, None, fkind, is_async, is_gen)?;
            return Ok(ObjectProp::Method {
                key,
                kind,
                value: Box::new(f),
                span: self.span_from(start),
            });
        }
        if self.eat(T::Colon)? {
            let value = self.parse_assign_cover()?;
            if let PropKey::Named(Atom::Proto, _) = key {
                // `__proto__: v` (not computed, not shorthand). Duplicates are an error unless
                // the literal becomes a pattern. Spec: #sec-__proto__-property-names-in-object-initializers
                if *has_proto {
                    self.cover_err
                        .get_or_insert((key_pos, "duplicate __proto__ property"));
                }
                *has_proto = true;
                return Ok(ObjectProp::Proto {
                    value: Box::new(value),
                    span: self.span_from(start),
                });
            }
            return Ok(ObjectProp::KeyValue {
                key,
                value: Box::new(value),
                shorthand: false,
                span: self.span_from(start),
            });
        }
        // Shorthand `{ a }` / cover-initialized `{ a = 1 }`.
        let PropKey::Named(name, kspan) = key else {
            return self.unexpected();
        };
        if key_tok_kind != T::Name {
            return self.unexpected();
        }
        if key_escaped && name.is_reserved_word() && name != Atom::Yield && name != Atom::Await {
            return self.err_at(key_pos, "keywords cannot contain escape characters");
        }
        self.check_ident(name, key_pos, false)?;
        let id = Ident { name, span: kspan };
        let ident = Expr {
            span: kspan,
            kind: ExprKind::Ident(id),
        };
        if self.at(T::Eq) {
            self.cover_err
                .get_or_insert((self.tok.start, "invalid shorthand property initializer"));
            self.bump()?;
            let init = self.parse_assign()?;
            let target = Pattern {
                span: kspan,
                kind: PatternKind::Ident(id),
            };
            let value = Expr {
                span: self.span_from(start),
                kind: ExprKind::Assign {
                    op: AssignOp::Assign,
                    target: Box::new(target),
                    value: Box::new(init),
                },
            };
            return Ok(ObjectProp::KeyValue {
                key: PropKey::Named(name, kspan),
                value: Box::new(value),
                shorthand: true,
                span: self.span_from(start),
            });
        }
        Ok(ObjectProp::KeyValue {
            key: PropKey::Named(name, kspan),
            value: Box::new(ident),
            shorthand: true,
            span: self.span_from(start),
        })
    }

    /// Can a token of this kind begin a property key?
    pub(crate) fn is_key_start(&self, k: T) -> bool {
        matches!(
            k,
            T::Name | T::String | T::Number | T::BigInt | T::LBracket | T::PrivateName | T::Star
        )
    }

    /// PropertyName (and ClassElementName when `private_ok`).
    /// Spec: #sec-object-initializer (PropertyName), #sec-class-definitions (ClassElementName)
    #[inline(never)]
    pub(crate) fn parse_prop_key(&mut self, private_ok: bool) -> PResult<PropKey> {
        let start = self.tok.start;
        let key = match self.tok.kind {
            T::Name => PropKey::Named(self.tok.atom(), Span::new(start, self.tok.end)),
            T::String => {
                self.check_octal()?;
                PropKey::Named(self.tok.atom(), Span::new(start, self.tok.end))
            }
            T::Number => {
                self.check_octal()?;
                let v = match self.tok.val {
                    TokVal::Number(v) => v,
                    _ => 0.0,
                };
                let s = number_to_string(v);
                PropKey::Named(self.atoms.intern(&s), Span::new(start, self.tok.end))
            }
            T::BigInt => {
                let s = match &self.tok.val {
                    TokVal::BigInt(s) => s.to_string(),
                    _ => "0".into(),
                };
                PropKey::Named(self.atoms.intern(&s), Span::new(start, self.tok.end))
            }
            T::PrivateName if private_ok => {
                PropKey::Private(self.tok.atom(), Span::new(start, self.tok.end))
            }
            T::LBracket => {
                self.bump()?;
                let no_in = std::mem::replace(&mut self.no_in, false);
                let e = self.parse_assign()?;
                self.no_in = no_in;
                if !self.at(T::RBracket) {
                    return self.unexpected();
                }
                PropKey::Computed(Box::new(e))
            }
            _ => return self.unexpected(),
        };
        self.bump()?;
        Ok(key)
    }

    /// Parses `=> body` after arrow parameters. Spec: #sec-arrow-function-definitions,
    /// #sec-async-arrow-function-definitions
    #[inline(never)]
    pub(crate) fn parse_arrow_rest(
        &mut self,
        start: u32,
        params: Vec<Param>,
        is_async: bool,
    ) -> PResult<Expr> {
        self.expect(T::Arrow)?;
        let f = self.parse_arrow_body(start, params, is_async)?;
        Ok(Expr {
            span: self.span_from(start),
            kind: ExprKind::Arrow(Box::new(f)),
        })
    }
}

/// Number::toString for property keys. Spec: #sec-numeric-types-number-tostring
pub(crate) fn number_to_string(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v == 0.0 {
        return "0".into();
    }
    if v.is_infinite() {
        return if v > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    if v < 0.0 {
        return format!("-{}", number_to_string(-v));
    }
    // Shortest round-trip digits and exponent from Rust's formatter: "d.ddde±x".
    let e = format!("{v:e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    let k = digits.len() as i32;
    let n = exp + 1; // position of the decimal point relative to the digits
    if k <= n && n <= 21 {
        let mut s = digits.clone();
        s.extend(std::iter::repeat_n('0', (n - k) as usize));
        s
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{}", "0".repeat((-n) as usize), digits)
    } else {
        let sign = if n >= 1 { '+' } else { '-' };
        let e = (n - 1).abs();
        if k == 1 {
            format!("{digits}e{sign}{e}")
        } else {
            format!("{}.{}e{sign}{e}", &digits[..1], &digits[1..])
        }
    }
}
