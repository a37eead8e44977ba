//! Declaration scans for scope analysis: VarDeclaredNames / VarScopedDeclarations,
//! LexicallyScopedDeclarations of statement lists, BoundNames of patterns, and the Annex B
//! (B.3.2) block-function hoisting decision.
//!
//! Invariant: the scans recurse over statements only (never into functions or expressions
//! other than patterns), bounded by the parser's depth limit.

use crate::ast::{
    ExportDecl, ForHead, ForInit, Function, Pattern, PatternKind, Stmt, StmtKind, VarKind,
};
use crate::atoms::Atom;
use crate::bytecode::BindingKind;

/// BoundNames of a binding pattern, in source order.
pub(crate) fn bound_names(p: &Pattern, out: &mut Vec<Atom>) {
    match &p.kind {
        PatternKind::Ident(id) => out.push(id.name),
        PatternKind::Expr(_) => {}
        PatternKind::Object { props, rest } => {
            for prop in props {
                bound_names(&prop.value, out);
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

/// A var-scoped declaration found by [`var_scoped`].
pub(crate) enum VarScoped<'a> {
    Var(Atom),
    /// A function declaration at the top level of the scanned list.
    Function(&'a Function),
}

/// VarScopedDeclarations of a function body / script (top-level function declarations are
/// var-scoped when `functions_are_var` — always for function bodies and scripts).
pub(crate) fn var_scoped<'a>(stmts: &'a [Stmt], out: &mut Vec<VarScoped<'a>>) {
    for s in stmts {
        match &s.kind {
            StmtKind::FunctionDecl(f) => out.push(VarScoped::Function(f)),
            StmtKind::Export(e) => match &**e {
                ExportDecl::Decl(d) | ExportDecl::DefaultDecl(d) => {
                    if let StmtKind::FunctionDecl(f) = &d.kind {
                        out.push(VarScoped::Function(f));
                    } else {
                        var_names_in(d, out);
                    }
                }
                _ => {}
            },
            _ => var_names_in(s, out),
        }
    }
}

fn var_decl_names(d: &crate::ast::VarDecl, out: &mut Vec<VarScoped<'_>>) {
    if d.kind == VarKind::Var {
        let mut names = Vec::new();
        for decl in &d.decls {
            bound_names(&decl.target, &mut names);
        }
        out.extend(names.into_iter().map(VarScoped::Var));
    }
}

/// `var` names inside a statement (not crossing function boundaries).
pub(crate) fn var_names_in<'a>(s: &'a Stmt, out: &mut Vec<VarScoped<'a>>) {
    match &s.kind {
        StmtKind::VarDecl(d) => var_decl_names(d, out),
        StmtKind::Block(b) => {
            for s in b {
                var_names_in(s, out);
            }
        }
        StmtKind::If {
            consequent,
            alternate,
            ..
        } => {
            var_names_in(consequent, out);
            if let Some(a) = alternate {
                var_names_in(a, out);
            }
        }
        StmtKind::For { init, body, .. } => {
            if let Some(ForInit::VarDecl(d)) = init {
                var_decl_names(d, out);
            }
            var_names_in(body, out);
        }
        StmtKind::ForIn { left, body, .. } | StmtKind::ForOf { left, body, .. } => {
            if let ForHead::VarDecl(d) = left {
                var_decl_names(d, out);
            }
            var_names_in(body, out);
        }
        StmtKind::While { body, .. } | StmtKind::DoWhile { body, .. } => var_names_in(body, out),
        StmtKind::Try {
            block,
            handler,
            finalizer,
        } => {
            for s in block {
                var_names_in(s, out);
            }
            if let Some(h) = handler {
                for s in &h.body {
                    var_names_in(s, out);
                }
            }
            if let Some(f) = finalizer {
                for s in f {
                    var_names_in(s, out);
                }
            }
        }
        StmtKind::Switch { cases, .. } => {
            for c in cases {
                for s in &c.body {
                    var_names_in(s, out);
                }
            }
        }
        StmtKind::Labeled { body, .. } | StmtKind::With { body, .. } => var_names_in(body, out),
        StmtKind::Export(e) => {
            if let ExportDecl::Decl(d) = &**e {
                var_names_in(d, out);
            }
        }
        _ => {}
    }
}

/// A lexically scoped declaration of a statement list.
pub(crate) struct Lexical<'a> {
    pub name: Atom,
    pub kind: BindingKind,
    /// For function declarations in blocks (initialized at block entry).
    pub function: Option<&'a Function>,
    /// End offset of the declaring statement: a same-function reference after it, outside
    /// switch cases, always sees the binding initialized (TDZ check elided).
    pub end: u32,
}

/// LexicallyScopedDeclarations of a statement list. Function declarations are included
/// only when `functions_lexical` (blocks, switch cases, module top level).
pub(crate) fn lexical<'a>(stmts: &'a [Stmt], functions_lexical: bool, out: &mut Vec<Lexical<'a>>) {
    for s in stmts {
        lexical_one(s, functions_lexical, out);
    }
}

fn lexical_one<'a>(s: &'a Stmt, functions_lexical: bool, out: &mut Vec<Lexical<'a>>) {
    match &s.kind {
        StmtKind::VarDecl(d) if d.kind != VarKind::Var => {
            let kind = if matches!(d.kind, VarKind::Let) {
                BindingKind::Let
            } else {
                BindingKind::Const
            };
            let mut names = Vec::new();
            for decl in &d.decls {
                bound_names(&decl.target, &mut names);
            }
            out.extend(names.into_iter().map(|name| Lexical {
                name,
                kind,
                function: None,
                end: s.span.end,
            }));
        }
        StmtKind::ClassDecl(c) => {
            if let Some(id) = &c.id {
                out.push(Lexical {
                    name: id.name,
                    kind: BindingKind::Class,
                    function: None,
                    end: s.span.end,
                });
            }
        }
        StmtKind::FunctionDecl(f) if functions_lexical => {
            if let Some(id) = &f.id {
                out.push(Lexical {
                    name: id.name,
                    kind: BindingKind::Let,
                    function: Some(f),
                    end: s.span.end,
                });
            }
        }
        StmtKind::Labeled { body, .. } => lexical_one(body, functions_lexical, out),
        StmtKind::Export(e) => match &**e {
            ExportDecl::Decl(d) | ExportDecl::DefaultDecl(d) => {
                lexical_one(d, functions_lexical, out)
            }
            _ => {}
        },
        _ => {}
    }
}

/// Annex B.3.2: block-level function declarations of a sloppy function body (or script)
/// that also get a var binding. `blocked` holds names that a var could not be declared
/// with (top-level lexical names and, for functions, parameter names).
pub(crate) fn annex_b_functions<'a>(
    stmts: &'a [Stmt],
    blocked: &[Atom],
    out: &mut Vec<&'a Function>,
) {
    let mut stack: Vec<Vec<Atom>> = vec![blocked.to_vec()];
    for s in stmts {
        annex_b_stmt(s, &mut stack, out, false);
    }
}

fn annex_b_list<'a>(stmts: &'a [Stmt], stack: &mut Vec<Vec<Atom>>, out: &mut Vec<&'a Function>) {
    // Names declared lexically by this block (other than its functions) block hoisting of
    // functions in nested blocks; the block's own functions are checked against outer ones.
    let mut lex = Vec::new();
    lexical(stmts, true, &mut lex);
    let own_fns: Vec<&Function> = lex.iter().filter_map(|l| l.function).collect();
    let others: Vec<Atom> = lex
        .iter()
        .filter(|l| l.function.is_none())
        .map(|l| l.name)
        .collect();
    for f in own_fns {
        let Some(id) = &f.id else { continue };
        if f.is_async || f.is_generator {
            continue;
        }
        let conflict =
            others.contains(&id.name) || stack.iter().any(|names| names.contains(&id.name));
        if !conflict {
            out.push(f);
        }
    }
    let all: Vec<Atom> = lex.iter().map(|l| l.name).collect();
    stack.push(all);
    for s in stmts {
        annex_b_stmt(s, stack, out, true);
    }
    stack.pop();
}

fn annex_b_stmt<'a>(
    s: &'a Stmt,
    stack: &mut Vec<Vec<Atom>>,
    out: &mut Vec<&'a Function>,
    _in_block: bool,
) {
    match &s.kind {
        StmtKind::Block(b) => annex_b_list(b, stack, out),
        StmtKind::If {
            consequent,
            alternate,
            ..
        } => {
            annex_b_single(consequent, stack, out);
            if let Some(a) = alternate {
                annex_b_single(a, stack, out);
            }
        }
        StmtKind::For { init, body, .. } => {
            let mut names = Vec::new();
            if let Some(ForInit::VarDecl(d)) = init {
                if d.kind != VarKind::Var {
                    for decl in &d.decls {
                        bound_names(&decl.target, &mut names);
                    }
                }
            }
            stack.push(names);
            annex_b_stmt(body, stack, out, false);
            stack.pop();
        }
        StmtKind::ForIn { left, body, .. } | StmtKind::ForOf { left, body, .. } => {
            let mut names = Vec::new();
            if let ForHead::VarDecl(d) = left {
                if d.kind != VarKind::Var {
                    for decl in &d.decls {
                        bound_names(&decl.target, &mut names);
                    }
                }
            }
            stack.push(names);
            annex_b_stmt(body, stack, out, false);
            stack.pop();
        }
        StmtKind::While { body, .. }
        | StmtKind::DoWhile { body, .. }
        | StmtKind::Labeled { body, .. }
        | StmtKind::With { body, .. } => annex_b_stmt(body, stack, out, false),
        StmtKind::Try {
            block,
            handler,
            finalizer,
        } => {
            annex_b_list(block, stack, out);
            if let Some(h) = handler {
                // B.3.4: a simple catch parameter does not block hoisting.
                let mut names = Vec::new();
                if let Some(p) = &h.param {
                    if !matches!(p.kind, PatternKind::Ident(_)) {
                        bound_names(p, &mut names);
                    }
                }
                stack.push(names);
                annex_b_list(&h.body, stack, out);
                stack.pop();
            }
            if let Some(f) = finalizer {
                annex_b_list(f, stack, out);
            }
        }
        StmtKind::Switch { cases, .. } => {
            let mut lex = Vec::new();
            for c in cases {
                lexical(&c.body, true, &mut lex);
            }
            let own_fns: Vec<&Function> = lex.iter().filter_map(|l| l.function).collect();
            let others: Vec<Atom> = lex
                .iter()
                .filter(|l| l.function.is_none())
                .map(|l| l.name)
                .collect();
            for f in own_fns {
                let Some(id) = &f.id else { continue };
                if f.is_async || f.is_generator {
                    continue;
                }
                if !others.contains(&id.name) && !stack.iter().any(|n| n.contains(&id.name)) {
                    out.push(f);
                }
            }
            stack.push(lex.iter().map(|l| l.name).collect());
            for c in cases {
                for s in &c.body {
                    annex_b_stmt(s, stack, out, true);
                }
            }
            stack.pop();
        }
        _ => {}
    }
}

/// `if (x) function f() {}` (B.3.3): the function is treated as if in its own block.
fn annex_b_single<'a>(s: &'a Stmt, stack: &mut Vec<Vec<Atom>>, out: &mut Vec<&'a Function>) {
    if let StmtKind::FunctionDecl(_) = &s.kind {
        annex_b_list(std::slice::from_ref(s), stack, out);
    } else {
        annex_b_stmt(s, stack, out, false);
    }
}
