//! Declaration tracking for early errors: lexical vs var conflicts, redeclarations, labels and
//! private names.
//!
//! A [`Scope`] is pushed for every function body (also the script / eval top level), module,
//! block, `switch` case block, `for` head with lexical declarations and `catch` clause (the
//! parameter and the block share one scope). `var` names are recorded in every scope from the
//! declaring one up to the nearest function scope, so a later `let` in any of them sees the
//! conflict, and an earlier `let` is found by the walk.
//!
//! Spec: #sec-block-static-semantics-early-errors, #sec-function-definitions-static-semantics-early-errors,
//! #sec-variablestatements-in-catch-blocks (Annex B.3.4),
//! #sec-block-duplicates-allowed-static-semantics (Annex B.3.2.4).

use super::{PResult, Parser};
use crate::ast::{ObjectPatternProp, Pattern, PatternKind};
use crate::atoms::Atom;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A fast hasher for atom keys (multiplicative, FxHash-style): scope maps are built for every
/// block, and SipHash dominated them. Atoms are not attacker-chosen hash inputs in a way that
/// matters here: the worst case is a slower parse of the one script that chose them.
#[derive(Default)]
pub(crate) struct AtomHasher(u64);

impl Hasher for AtomHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u32(u32::from(b));
        }
    }
    fn write_u32(&mut self, v: u32) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(v)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

pub(crate) type AtomMap<V> = HashMap<Atom, V, BuildHasherDefault<AtomHasher>>;
pub(crate) type AtomSet = HashSet<Atom, BuildHasherDefault<AtomHasher>>;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum ScopeKind {
    /// Function body, script or eval top level: `var` declarations stop here.
    Function,
    Module,
    Block,
    Catch,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum DeclKind {
    Lexical,
    /// A function declaration in a block; `plain` = not async / generator (Annex B allows
    /// duplicates of those in sloppy mode).
    BlockFunction {
        plain: bool,
    },
    Param,
    CatchParam {
        simple: bool,
    },
}

pub(crate) struct Scope {
    pub kind: ScopeKind,
    lex: AtomMap<DeclKind>,
    vars: AtomSet,
}

impl Scope {
    pub fn new(kind: ScopeKind) -> Scope {
        Scope {
            kind,
            lex: AtomMap::default(),
            vars: AtomSet::default(),
        }
    }

    /// Records a formal parameter (duplicates are checked separately).
    pub fn declare_param(&mut self, name: Atom) {
        self.lex.insert(name, DeclKind::Param);
    }

    pub fn declares(&self, name: Atom) -> bool {
        self.lex.contains_key(&name) || self.vars.contains(&name)
    }
}

pub(crate) struct Label {
    pub name: Atom,
    pub is_loop: bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum PrivKind {
    Field,
    Method,
    Getter,
    Setter,
    Accessor,
}

pub(crate) struct ClassScope {
    /// Declared private names: kind and staticness.
    pub declared: HashMap<Atom, (PrivKind, bool)>,
    /// References not yet resolved (resolved when the class body ends).
    pub refs: Vec<(Atom, u32)>,
}

impl Parser<'_, '_> {
    pub(crate) fn push_scope(&mut self, kind: ScopeKind) {
        self.scopes.push(Scope::new(kind));
    }

    pub(crate) fn pop_scope(&mut self) {
        self.scopes.pop();
    }

    #[cold]
    fn redeclared<X>(&self, name: Atom, pos: u32) -> PResult<X> {
        self.err_at(pos, format!("redeclaration of '{}'", self.atom_text(name)))
    }

    /// A `var` declaration (or a function declaration at function top level when
    /// `here_only`). `_for_of` marks `for (var x of ...)` (once not exempted by Annex B.3.4).
    pub(crate) fn declare_var(&mut self, name: Atom, pos: u32, _for_of: bool) -> PResult<()> {
        let mut conflict = false;
        for s in self.scopes.iter_mut().rev() {
            if let Some(&k) = s.lex.get(&name) {
                match k {
                    DeclKind::Param => {}
                    // Annex B.3.4 (current text) allows `for (var e of ...)` here too.
                    DeclKind::CatchParam { simple: true } => {}
                    _ => conflict = true,
                }
            }
            s.vars.insert(name);
            if matches!(s.kind, ScopeKind::Function | ScopeKind::Module) {
                break;
            }
        }
        if conflict {
            return self.redeclared(name, pos);
        }
        Ok(())
    }

    /// A function declaration directly in a function body / script top level: var-scoped.
    pub(crate) fn declare_top_function(&mut self, name: Atom, pos: u32) -> PResult<()> {
        let Some(s) = self.scopes.last_mut() else {
            return Ok(());
        };
        if let Some(&k) = s.lex.get(&name) {
            if k != DeclKind::Param {
                return self.redeclared(name, pos);
            }
        }
        s.vars.insert(name);
        Ok(())
    }

    /// A lexically scoped declaration in the innermost scope.
    pub(crate) fn declare_lex(&mut self, name: Atom, kind: DeclKind, pos: u32) -> PResult<()> {
        let strict = self.ctx.strict;
        let Some(s) = self.scopes.last_mut() else {
            return Ok(());
        };
        if let Some(&old) = s.lex.get(&name) {
            let both_plain = matches!(old, DeclKind::BlockFunction { plain: true })
                && matches!(kind, DeclKind::BlockFunction { plain: true });
            if !both_plain || strict {
                return self.redeclared(name, pos);
            }
        }
        if s.vars.contains(&name) {
            return self.redeclared(name, pos);
        }
        s.lex.insert(name, kind);
        Ok(())
    }

    /// Declares every name bound by `pat` (lexically, or as `var` if `kind` is `None`).
    pub(crate) fn declare_pattern(
        &mut self,
        pat: &Pattern,
        kind: Option<DeclKind>,
        for_of: bool,
    ) -> PResult<()> {
        let mut names = Vec::new();
        bound_names(pat, &mut names);
        for (n, pos) in names {
            match kind {
                Some(k) => self.declare_lex(n, k, pos)?,
                None => self.declare_var(n, pos, for_of)?,
            }
        }
        Ok(())
    }

    // ---- private names ------------------------------------------------------------------

    /// Records a reference to `#name` (resolved when the enclosing class ends).
    pub(crate) fn use_private_name(&mut self, name: Atom, pos: u32) -> PResult<()> {
        match self.classes.last_mut() {
            Some(c) => {
                c.refs.push((name, pos));
                Ok(())
            }
            None if self.eval_private_names.contains(&name) => Ok(()),
            None => self.err_at(
                pos,
                format!(
                    "undefined private name '#{}'",
                    self.atoms.to_string_lossy(name)
                ),
            ),
        }
    }

    /// Declares `#name` in the innermost class.
    /// Spec: #sec-class-definitions-static-semantics-early-errors (PrivateBoundIdentifiers)
    pub(crate) fn declare_private_name(
        &mut self,
        name: Atom,
        kind: PrivKind,
        is_static: bool,
        pos: u32,
    ) -> PResult<()> {
        let Some(c) = self.classes.last_mut() else {
            return Ok(());
        };
        match c.declared.get(&name).copied() {
            None => {
                c.declared.insert(name, (kind, is_static));
                Ok(())
            }
            Some((PrivKind::Getter, s)) if kind == PrivKind::Setter && s == is_static => {
                c.declared.insert(name, (PrivKind::Accessor, is_static));
                Ok(())
            }
            Some((PrivKind::Setter, s)) if kind == PrivKind::Getter && s == is_static => {
                c.declared.insert(name, (PrivKind::Accessor, is_static));
                Ok(())
            }
            Some(_) => self.err_at(
                pos,
                format!(
                    "duplicate private name '#{}'",
                    self.atoms.to_string_lossy(name)
                ),
            ),
        }
    }

    /// Ends a class body: unresolved references move to the enclosing class or fail.
    pub(crate) fn pop_class_scope(&mut self) -> PResult<()> {
        let Some(c) = self.classes.pop() else {
            return Ok(());
        };
        for (name, pos) in c.refs {
            if c.declared.contains_key(&name) {
                continue;
            }
            self.use_private_name(name, pos)?;
        }
        Ok(())
    }

    pub(crate) fn check_unresolved_private_names_at_top(&self) -> PResult<()> {
        Ok(())
    }

    // ---- labels -------------------------------------------------------------------------

    pub(crate) fn find_label(&self, name: Atom) -> Option<&Label> {
        self.labels.iter().rev().find(|l| l.name == name)
    }
}

/// BoundNames of a binding pattern, with positions.
pub(crate) fn bound_names(pat: &Pattern, out: &mut Vec<(Atom, u32)>) {
    // Patterns nest at most `max_depth` levels (parser invariant), so recursion is bounded.
    match &pat.kind {
        PatternKind::Ident(id) => out.push((id.name, id.span.start)),
        PatternKind::Expr(_) => {}
        PatternKind::Object { props, rest } => {
            for ObjectPatternProp { value, .. } in props {
                bound_names(value, out);
            }
            if let Some(r) = rest {
                bound_names(r, out);
            }
        }
        PatternKind::Array { elems, rest } => {
            for e in elems.iter().flatten() {
                bound_names(&e.target, out);
            }
            if let Some(r) = rest {
                bound_names(r, out);
            }
        }
    }
}
