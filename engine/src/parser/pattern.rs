//! Patterns: binding patterns parsed directly (declarations, parameters, `catch`), and the
//! cover-grammar conversions from expressions to assignment patterns and arrow parameters.
//!
//! Spec: #sec-destructuring-binding-patterns, #sec-destructuring-assignment,
//! #sec-static-semantics-assignmenttargettype
//!
//! Invariant: a converted pattern never contains an optional chain, a call (except the
//! web-compat sloppy call target of plain / compound assignment, see `simple_target`), or a
//! parenthesized pattern.

use super::scope::bound_names;
use super::{PResult, Parser};
use crate::ast::*;
use crate::atoms::Atom;
use crate::lexer::T;

impl Parser<'_, '_> {
    /// BindingIdentifier / BindingPattern.
    pub(crate) fn parse_binding_target(&mut self) -> PResult<Pattern> {
        self.enter()?;
        let start = self.tok.start;
        let p = match self.tok.kind {
            T::Name => {
                let id = self.parse_binding_ident()?;
                Pattern {
                    span: id.span,
                    kind: PatternKind::Ident(id),
                }
            }
            T::LBracket => self.parse_array_binding()?,
            T::LBrace => self.parse_object_binding()?,
            _ => return self.unexpected(),
        };
        let _ = start;
        self.leave();
        Ok(p)
    }

    /// A BindingIdentifier in the current context.
    pub(crate) fn parse_binding_ident(&mut self) -> PResult<Ident> {
        if !self.at(T::Name) {
            return self.unexpected();
        }
        let a = self.tok.atom();
        let pos = self.tok.start;
        if self.tok.escaped && a.is_reserved_word() && a != Atom::Yield && a != Atom::Await {
            return self.err_at(pos, "keywords cannot contain escape characters");
        }
        self.check_ident(a, pos, true)?;
        self.bump()?;
        Ok(Ident {
            name: a,
            span: self.span_from(pos),
        })
    }

    fn parse_binding_element(&mut self) -> PResult<PatternElem> {
        let target = self.parse_binding_target()?;
        let default = if self.eat(T::Eq)? {
            let no_in = std::mem::replace(&mut self.no_in, false);
            let e = self.parse_assign()?;
            self.no_in = no_in;
            Some(Box::new(e))
        } else {
            None
        };
        Ok(PatternElem { target, default })
    }

    #[inline(never)]
    fn parse_array_binding(&mut self) -> PResult<Pattern> {
        let start = self.tok.start;
        self.bump()?;
        let mut elems = Vec::new();
        let mut rest = None;
        while !self.at(T::RBracket) {
            if self.eat(T::Comma)? {
                elems.push(None);
                continue;
            }
            if self.eat(T::Ellipsis)? {
                rest = Some(Box::new(self.parse_binding_target()?));
                if !self.at(T::RBracket) {
                    return self.err_at(self.tok.start, "rest element must be last");
                }
                break;
            }
            elems.push(Some(self.parse_binding_element()?));
            if !self.at(T::RBracket) {
                self.expect(T::Comma)?;
            }
        }
        self.bump()?;
        Ok(Pattern {
            span: self.span_from(start),
            kind: PatternKind::Array { elems, rest },
        })
    }

    #[inline(never)]
    fn parse_object_binding(&mut self) -> PResult<Pattern> {
        let start = self.tok.start;
        self.bump()?;
        let mut props = Vec::new();
        let mut rest = None;
        while !self.at(T::RBrace) {
            let pstart = self.tok.start;
            if self.eat(T::Ellipsis)? {
                let id = self.parse_binding_ident()?;
                rest = Some(Box::new(Pattern {
                    span: id.span,
                    kind: PatternKind::Ident(id),
                }));
                if !self.at(T::RBrace) {
                    return self.err_at(self.tok.start, "rest element must be last");
                }
                break;
            }
            let key_is_name = self.at(T::Name);
            let key_escaped = self.tok.escaped;
            let key = self.parse_prop_key(false)?;
            if self.eat(T::Colon)? {
                let el = self.parse_binding_element()?;
                props.push(ObjectPatternProp {
                    key,
                    value: el.target,
                    default: el.default,
                    shorthand: false,
                    span: self.span_from(pstart),
                });
            } else {
                let PropKey::Named(name, kspan) = key else {
                    return self.unexpected();
                };
                if !key_is_name {
                    return self.unexpected();
                }
                if key_escaped
                    && name.is_reserved_word()
                    && name != Atom::Yield
                    && name != Atom::Await
                {
                    return self.err_at(pstart, "keywords cannot contain escape characters");
                }
                self.check_ident(name, pstart, true)?;
                let id = Ident { name, span: kspan };
                let default = if self.eat(T::Eq)? {
                    let no_in = std::mem::replace(&mut self.no_in, false);
                    let e = self.parse_assign()?;
                    self.no_in = no_in;
                    Some(Box::new(e))
                } else {
                    None
                };
                props.push(ObjectPatternProp {
                    key: PropKey::Named(name, kspan),
                    value: Pattern {
                        span: kspan,
                        kind: PatternKind::Ident(id),
                    },
                    default,
                    shorthand: true,
                    span: self.span_from(pstart),
                });
            }
            if !self.at(T::RBrace) {
                self.expect(T::Comma)?;
            }
        }
        self.bump()?;
        Ok(Pattern {
            span: self.span_from(start),
            kind: PatternKind::Object { props, rest },
        })
    }

    /// An identifier as an assignment target: `eval` / `arguments` are not assignable in
    /// strict mode. Spec: #sec-identifiers-static-semantics-assignmenttargettype
    fn check_assign_ident(&self, id: &Ident) -> PResult<()> {
        if self.ctx.strict && (id.name == Atom::Eval || id.name == Atom::Arguments) {
            return self.err_at(
                id.span.start,
                format!(
                    "cannot assign to '{}' in strict mode",
                    self.atom_text(id.name)
                ),
            );
        }
        Ok(())
    }

    /// The target of a compound assignment, update or for-in/of head: an identifier or
    /// property reference (parentheses allowed). With `web_compat`, a call in sloppy mode.
    #[inline(never)]
    pub(crate) fn simple_target(&self, e: Expr, web_compat: bool) -> PResult<Pattern> {
        let span = e.span;
        let mut e = e;
        while let ExprKind::Paren(inner) = e.kind {
            e = *inner;
        }
        match e.kind {
            ExprKind::Ident(id) => {
                self.check_assign_ident(&id)?;
                Ok(Pattern {
                    span,
                    kind: PatternKind::Ident(id),
                })
            }
            ExprKind::Member {
                optional: false, ..
            }
            | ExprKind::SuperMember { .. } => Ok(Pattern {
                span,
                kind: PatternKind::Expr(Box::new(e)),
            }),
            ExprKind::Call {
                optional: false, ..
            } if web_compat && !self.ctx.strict => Ok(Pattern {
                span,
                kind: PatternKind::Expr(Box::new(e)),
            }),
            _ => self.err_at(span.start, "invalid assignment target"),
        }
    }

    /// Converts an expression (from the cover grammar) to a pattern: an assignment pattern
    /// (`binding == false`), or a binding pattern for arrow parameters.
    #[inline(never)]
    pub(crate) fn expr_to_pattern(&mut self, e: Expr, binding: bool) -> PResult<Pattern> {
        self.enter()?;
        let span = e.span;
        let p = match e.kind {
            ExprKind::Ident(id) => {
                if binding {
                    self.check_ident(id.name, id.span.start, true)?;
                } else {
                    self.check_assign_ident(&id)?;
                }
                Pattern {
                    span,
                    kind: PatternKind::Ident(id),
                }
            }
            ExprKind::Member {
                optional: false, ..
            }
            | ExprKind::SuperMember { .. }
                if !binding =>
            {
                Pattern {
                    span,
                    kind: PatternKind::Expr(Box::new(e)),
                }
            }
            ExprKind::Paren(inner) if !binding => {
                let mut inner = *inner;
                while let ExprKind::Paren(i) = inner.kind {
                    inner = *i;
                }
                match inner.kind {
                    ExprKind::Ident(_)
                    | ExprKind::Member {
                        optional: false, ..
                    }
                    | ExprKind::SuperMember { .. } => {
                        let p = self.expr_to_pattern(inner, false)?;
                        self.paren_targets.push(p.span.start);
                        p
                    }
                    _ => return self.err_at(span.start, "invalid destructuring target"),
                }
            }
            ExprKind::Object(props) => {
                if self.spread_not_last.contains(&span.start) {
                    return self.err_at(span.start, "rest element must be last");
                }
                let n = props.len();
                let mut out = Vec::with_capacity(n);
                let mut rest = None;
                for (i, prop) in props.into_iter().enumerate() {
                    match prop {
                        ObjectProp::KeyValue {
                            key,
                            value,
                            shorthand,
                            span,
                        } => {
                            let (value, default) = self.elem_from_expr(*value, binding)?;
                            out.push(ObjectPatternProp {
                                key,
                                value,
                                default,
                                shorthand,
                                span,
                            });
                        }
                        ObjectProp::Proto { value, span } => {
                            let (value, default) = self.elem_from_expr(*value, binding)?;
                            let key = PropKey::Named(Atom::Proto, span);
                            out.push(ObjectPatternProp {
                                key,
                                value,
                                default,
                                shorthand: false,
                                span,
                            });
                        }
                        ObjectProp::Spread { value, span } => {
                            if i + 1 != n {
                                return self.err_at(span.start, "rest element must be last");
                            }
                            let t = match value.kind {
                                ExprKind::Ident(_) => self.expr_to_pattern(*value, binding)?,
                                ExprKind::Member { .. }
                                | ExprKind::SuperMember { .. }
                                | ExprKind::Paren(_)
                                    if !binding =>
                                {
                                    self.expr_to_pattern(*value, binding)?
                                }
                                _ => return self.err_at(span.start, "invalid rest element"),
                            };
                            rest = Some(Box::new(t));
                        }
                        ObjectProp::Method { span, .. } => {
                            return self.err_at(span.start, "invalid destructuring target");
                        }
                    }
                }
                Pattern {
                    span,
                    kind: PatternKind::Object { props: out, rest },
                }
            }
            ExprKind::Array(elems) => {
                if self.spread_not_last.contains(&span.start) {
                    return self.err_at(span.start, "rest element must be last");
                }
                let n = elems.len();
                let mut out = Vec::with_capacity(n);
                let mut rest = None;
                for (i, el) in elems.into_iter().enumerate() {
                    match el {
                        None => out.push(None),
                        Some(ArrayElem::Expr(e)) => {
                            let (target, default) = self.elem_from_expr(e, binding)?;
                            out.push(Some(PatternElem { target, default }));
                        }
                        Some(ArrayElem::Spread(e)) => {
                            if i + 1 != n {
                                return self.err_at(e.span.start, "rest element must be last");
                            }
                            rest = Some(Box::new(self.expr_to_pattern(e, binding)?));
                        }
                    }
                }
                Pattern {
                    span,
                    kind: PatternKind::Array { elems: out, rest },
                }
            }
            _ => {
                return self.err_at(
                    span.start,
                    if binding {
                        "invalid binding pattern"
                    } else {
                        "invalid destructuring assignment target"
                    },
                )
            }
        };
        self.leave();
        Ok(p)
    }

    /// An element of an object/array literal as a pattern element: `x = 1` gives a default.
    #[inline(never)]
    fn elem_from_expr(&mut self, e: Expr, binding: bool) -> PResult<(Pattern, Option<Box<Expr>>)> {
        match e.kind {
            ExprKind::Assign {
                op: AssignOp::Assign,
                target,
                value,
            } => {
                if binding {
                    self.validate_binding_pattern(&target)?;
                } else if let PatternKind::Ident(id) = &target.kind {
                    // `({ eval = 0 } = x)`: the shorthand's name is an assignment target.
                    self.check_assign_ident(id)?;
                }
                Ok((*target, Some(value)))
            }
            _ => Ok((self.expr_to_pattern(e, binding)?, None)),
        }
    }

    /// Checks that an assignment pattern (already converted) is also a valid binding pattern.
    #[inline(never)]
    pub(crate) fn validate_binding_pattern(&mut self, p: &Pattern) -> PResult<()> {
        self.enter()?;
        match &p.kind {
            PatternKind::Ident(id) => {
                if self.paren_targets.contains(&p.span.start) {
                    return self.err_at(p.span.start, "invalid binding pattern");
                }
                self.check_ident(id.name, id.span.start, true)?;
            }
            PatternKind::Expr(_) => return self.err_at(p.span.start, "invalid binding pattern"),
            PatternKind::Object { props, rest } => {
                for prop in props {
                    self.validate_binding_pattern(&prop.value)?;
                }
                if let Some(r) = rest {
                    self.validate_binding_pattern(r)?;
                }
            }
            PatternKind::Array { elems, rest } => {
                for e in elems.iter().flatten() {
                    self.validate_binding_pattern(&e.target)?;
                }
                if let Some(r) = rest {
                    self.validate_binding_pattern(r)?;
                }
            }
        }
        self.leave();
        Ok(())
    }

    /// Converts parenthesized cover items to arrow parameters.
    #[inline(never)]
    pub(crate) fn cover_to_params(
        &mut self,
        items: Vec<Expr>,
        rest: Option<Pattern>,
    ) -> PResult<Vec<Param>> {
        let mut params = Vec::with_capacity(items.len() + 1);
        for e in items {
            let span = e.span;
            let (pattern, default) = self.elem_from_expr(e, true)?;
            params.push(Param {
                pattern,
                default,
                is_rest: false,
                span,
            });
        }
        if let Some(r) = rest {
            let span = r.span;
            params.push(Param {
                pattern: r,
                default: None,
                is_rest: true,
                span,
            });
        }
        Ok(params)
    }
}

/// Bound names of a parameter list, with positions.
pub(crate) fn param_names(params: &[Param]) -> Vec<(Atom, u32)> {
    let mut names = Vec::new();
    for p in params {
        bound_names(&p.pattern, &mut names);
    }
    names
}
