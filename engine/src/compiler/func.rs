//! Code generation for functions (parameters, FunctionDeclarationInstantiation, hidden
//! variables, generators/async), classes (ClassDefinitionEvaluation: constructor, methods,
//! accessors, fields and their initializer function, private names and brands, static
//! blocks) and program entry points (scripts with GlobalDeclarationInstantiation, eval code
//! with EvalDeclarationInstantiation, modules with their import/export records).
//!
//! Private names are hidden variables of the class scope: `#x` (a field's private symbol),
//! `#x()` (a method), `#x get` / `#x set` (accessors), with ` static` appended for static
//! ones; `<brand>` / `<static_brand>` hold the class brands.

use std::rc::Rc;

use super::ir::{Access, Ir};
use super::scope::{self, VarScoped};
use super::stmt::pattern_name;
use super::{CResult, CompileKind, Compiler, FuncId, ScopeId, ScopeKind, Slot, Var};
use crate::ast::{
    self, Class, ClassMember, ExportDecl, Function, ImportSpecifier, MethodKind, Program, PropKey,
    Stmt, StmtKind,
};
use crate::atoms::Atom;
use crate::bytecode::{
    BindingKind, DynamicScope, EvalLocation, EvalScope, FunctionFlags, FunctionKind, ImportEntry,
    IndirectExport, LocalExport, ModuleRecord, ModuleRequest, Op, SpecialObject,
};

/// What a private name denotes.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum PrivKind {
    Field,
    Method {
        is_static: bool,
    },
    Accessor {
        is_static: bool,
        has_get: bool,
        has_set: bool,
    },
}

fn map_kind(k: ast::FunctionKind) -> FunctionKind {
    match k {
        ast::FunctionKind::Normal => FunctionKind::Normal,
        ast::FunctionKind::Arrow => FunctionKind::Arrow,
        ast::FunctionKind::Method => FunctionKind::Method,
        ast::FunctionKind::Getter => FunctionKind::Getter,
        ast::FunctionKind::Setter => FunctionKind::Setter,
        ast::FunctionKind::ClassConstructor => FunctionKind::ClassConstructor,
        ast::FunctionKind::DerivedConstructor => FunctionKind::DerivedConstructor,
        ast::FunctionKind::ClassFieldInit | ast::FunctionKind::ClassStaticBlock => {
            FunctionKind::ClassFieldInit
        }
    }
}

/// Saved generation state of the enclosing function.
struct Saved<'ast> {
    cur: FuncId,
    scope: ScopeId,
    control: Vec<super::stmt::Control<'ast>>,
    optional: Vec<super::ir::LabelId>,
}

impl<'ast> Compiler<'_, 'ast> {
    fn save(&mut self) -> Saved<'ast> {
        Saved {
            cur: self.cur,
            scope: self.scope,
            control: std::mem::take(&mut self.control),
            optional: std::mem::take(&mut self.optional),
        }
    }
    fn restore(&mut self, s: Saved<'ast>) {
        self.cur = s.cur;
        self.scope = s.scope;
        self.control = s.control;
        self.optional = s.optional;
    }

    /// Compiles `f` as a child of the current function and pushes the closure.
    pub(crate) fn function_value(&mut self, f: &'ast Function, name: Option<Atom>) -> CResult<()> {
        let child = self.function(f, name, None)?;
        let c = self.add_func_const(child);
        self.op1(Op::FClosure, c);
        Ok(())
    }

    /// A hoisted function declaration's closure (no self-binding scope: the name is bound
    /// in the enclosing scope).
    pub(crate) fn function_decl(&mut self, f: &'ast Function, name: Option<Atom>) -> CResult<()> {
        self.next_is_decl = true;
        self.function_value(f, name)
    }

    /// Declares the hidden variables of a non-arrow function in its outermost scope.
    fn declare_hidden(&mut self, id: FuncId, kind: FunctionKind) -> CResult<()> {
        let s = self.funcs[id].scope;
        let this = self.declare(s, Atom::This, BindingKind::Hidden)?;
        self.vars[this].tdz = kind == FunctionKind::DerivedConstructor;
        self.funcs[id].this_var = Some(this);
        if !matches!(
            kind,
            FunctionKind::Script | FunctionKind::Module | FunctionKind::Eval
        ) {
            let nt = self.hidden.new_target;
            self.funcs[id].new_target_var = Some(self.declare(s, nt, BindingKind::Hidden)?);
            let home = self.hidden.home;
            self.funcs[id].home_var = Some(self.declare(s, home, BindingKind::Hidden)?);
        }
        if kind == FunctionKind::DerivedConstructor {
            let func = self.hidden.func;
            self.funcs[id].func_var = Some(self.declare(s, func, BindingKind::Hidden)?);
        }
        Ok(())
    }

    /// Compiles a function; `ctor_class` gives class constructors their class scope data.
    pub(crate) fn function(
        &mut self,
        f: &'ast Function,
        name: Option<Atom>,
        kind_override: Option<FunctionKind>,
    ) -> CResult<FuncId> {
        self.enter(f.span)?;
        let r = self.function_inner(f, name, kind_override);
        self.leave();
        r
    }

    fn function_inner(
        &mut self,
        f: &'ast Function,
        name: Option<Atom>,
        kind_override: Option<FunctionKind>,
    ) -> CResult<FuncId> {
        let is_decl = std::mem::take(&mut self.next_is_decl);
        let kind = kind_override.unwrap_or_else(|| map_kind(f.kind));
        let is_arrow = kind == FunctionKind::Arrow;
        let saved = self.save();
        let mut parent_scope = self.scope;
        let id = self.new_func(kind, f.strict, Some(parent_scope));
        self.cur = id;
        // Named function expression: its own name in a scope around the function.
        let is_expr_named = !is_decl && f.id.is_some() && kind == FunctionKind::Normal;
        let _ = &mut parent_scope;
        {
            let st = &mut self.funcs[id];
            st.name = f.id.map(|i| i.name).or(name).unwrap_or(Atom::Empty);
            st.is_async = f.is_async;
            st.is_generator = f.is_generator;
            st.source_start = f.source_span.start;
            st.source_end = f.source_span.end;
            if f.is_async {
                st.flags |= FunctionFlags::ASYNC;
            }
            if f.is_generator {
                st.flags |= FunctionFlags::GENERATOR;
            }
            if f.simple_params {
                st.flags |= FunctionFlags::SIMPLE_PARAMS;
            }
            if matches!(
                kind,
                FunctionKind::Method
                    | FunctionKind::Getter
                    | FunctionKind::Setter
                    | FunctionKind::ClassConstructor
                    | FunctionKind::DerivedConstructor
                    | FunctionKind::ClassFieldInit
            ) {
                st.flags |= FunctionFlags::NEEDS_HOME_OBJECT;
            }
            if (kind == FunctionKind::Normal && !f.is_async && !f.is_generator)
                || matches!(
                    kind,
                    FunctionKind::ClassConstructor | FunctionKind::DerivedConstructor
                )
            {
                st.flags |= FunctionFlags::CONSTRUCTOR;
            }
            if is_arrow {
                st.flags |= FunctionFlags::USES_OUTER_THIS;
            }
        }
        let fscope = self.funcs[id].scope;
        if is_expr_named && self.self_binding_wanted(f) {
            if let Some(fid) = f.id {
                let s0 = self.scopes.len();
                self.scopes.push(super::Scope {
                    parent: self.scopes[fscope].parent,
                    func: id,
                    kind: ScopeKind::FuncName,
                    names: Vec::new(),
                    var_object: None,
                });
                self.scopes[fscope].parent = Some(s0);
                let v = self.declare(s0, fid.name, BindingKind::FunctionName)?;
                self.funcs[id].self_var = Some(v);
            }
        }
        self.scope = fscope;
        if !is_arrow {
            self.declare_hidden(id, kind)?;
        }
        let r = self.function_body(f, id, kind);
        self.restore(saved);
        r?;
        Ok(id)
    }

    /// A named function expression binds its name unless a parameter or body declaration
    /// shadows it everywhere (we always bind; unused bindings cost nothing).
    fn self_binding_wanted(&self, _f: &Function) -> bool {
        true
    }

    fn function_body(&mut self, f: &'ast Function, id: FuncId, kind: FunctionKind) -> CResult<()> {
        let fscope = self.funcs[id].scope;
        let is_arrow = kind == FunctionKind::Arrow;
        // Parameters.
        let mut arg_count = 0u16;
        let mut length = 0u32;
        let mut seen_default = false;
        for p in &f.params {
            if p.is_rest {
                break;
            }
            if p.default.is_some() {
                seen_default = true;
            }
            if !seen_default {
                length += 1;
            }
            arg_count = arg_count
                .checked_add(1)
                .ok_or_else(|| super::CompileError {
                    message: "too many parameters".into(),
                    span: f.span,
                })?;
        }
        self.funcs[id].arg_count = arg_count;
        self.funcs[id].length = length;
        let mut param_names = Vec::new();
        for p in &f.params {
            scope::bound_names(&p.pattern, &mut param_names);
        }
        if f.simple_params {
            for (i, p) in f.params.iter().enumerate() {
                if let ast::PatternKind::Ident(idn) = &p.pattern.kind {
                    self.declare_arg(fscope, idn.name, i as u16);
                }
            }
        } else {
            for &n in &param_names {
                let v = self.declare(fscope, n, BindingKind::Param)?;
                self.vars[v].tdz = true;
            }
        }
        // VarScopedDeclarations and lexical declarations of the body.
        let mut var_decls = Vec::new();
        scope::var_scoped(&f.body, &mut var_decls);
        let mut lex = Vec::new();
        scope::lexical(&f.body, false, &mut lex);
        let lex_names: Vec<Atom> = lex.iter().map(|l| l.name).collect();
        let fn_names: Vec<Atom> = var_decls
            .iter()
            .filter_map(|d| match d {
                VarScoped::Function(g) => g.id.map(|i| i.name),
                _ => None,
            })
            .collect();
        // `arguments` (FunctionDeclarationInstantiation steps 15-22).
        let has_param_expressions = !f.simple_params;
        let arguments_needed = !is_arrow
            && kind != FunctionKind::ClassFieldInit
            && !param_names.contains(&Atom::Arguments)
            && (has_param_expressions
                || (!fn_names.contains(&Atom::Arguments) && !lex_names.contains(&Atom::Arguments)));
        if arguments_needed {
            let v = self.declare(fscope, Atom::Arguments, BindingKind::Var)?;
            self.funcs[id].arguments_var = Some(v);
            if !f.strict && f.simple_params {
                self.funcs[id].mapped_arguments = true;
                let base = self.funcs[id].locals.len() as u16;
                self.funcs[id].mapped_args_base = base;
                for j in 0..arg_count {
                    let pname = match &f.params.get(j as usize).map(|p| &p.pattern.kind) {
                        Some(ast::PatternKind::Ident(i)) => i.name,
                        _ => Atom::Empty,
                    };
                    self.alloc_local(pname, BindingKind::Param, None)?;
                }
                // Each name's cell is that of its last occurrence.
                for (j, p) in f.params.iter().enumerate() {
                    if let ast::PatternKind::Ident(idn) = &p.pattern.kind {
                        if let Some(v) = self.lookup_in(fscope, idn.name) {
                            if self.vars[v].slot == Slot::Arg(j as u16) {
                                self.vars[v].cell_slot = Some(base + j as u16);
                            }
                        }
                    }
                }
            }
        }
        self.emit(Ir::Prologue);
        if matches!(kind, FunctionKind::ClassConstructor) {
            self.emit(Ir::Var(Access::Get, Atom::This, fscope));
            self.op1(Op::SpecialObject, SpecialObject::ThisFunc as u32);
            self.op(Op::RunFieldsInit);
        }
        // Parameter binding for non-simple lists.
        if !f.simple_params {
            for (i, p) in f.params.iter().enumerate() {
                if p.is_rest {
                    self.op1(Op::Rest, i as u32);
                } else {
                    self.op1(Op::GetArg, i as u32);
                }
                if let Some(d) = &p.default {
                    let l = self.new_label();
                    self.op(Op::Dup);
                    self.op(Op::IsUndefined);
                    self.jump(Op::IfFalse, l);
                    self.op(Op::Drop);
                    self.named_expr(d, pattern_name(&p.pattern))?;
                    self.label(l);
                }
                self.pattern_assign(&p.pattern, Some(Access::Init))?;
            }
        } else if let Some(last) = f.params.last() {
            if last.is_rest {
                // Simple list cannot have rest (simple_params excludes it); nothing to do.
            }
        }
        // Var scope: separate when there are parameter expressions.
        let var_scope = if has_param_expressions {
            let s = self.new_scope(ScopeKind::BodyVar);
            self.scope = s;
            self.funcs[id].var_scope = s;
            s
        } else {
            fscope
        };
        let mut declared_vars = Vec::new();
        for d in &var_decls {
            let n = match d {
                VarScoped::Var(n) => *n,
                VarScoped::Function(g) => match g.id {
                    Some(i) => i.name,
                    None => continue,
                },
            };
            if declared_vars.contains(&n) {
                continue;
            }
            declared_vars.push(n);
            let existed = self.lookup_in(var_scope, n).is_some();
            if !existed {
                self.declare(var_scope, n, BindingKind::Var)?;
            }
        }
        // Annex B.3.2.1 block functions.
        if !f.strict {
            let mut blocked = lex_names.clone();
            blocked.extend(param_names.iter().copied());
            let mut hoisted = Vec::new();
            scope::annex_b_functions(&f.body, &blocked, &mut hoisted);
            for g in hoisted {
                if let Some(i) = g.id {
                    if i.name == Atom::Arguments && arguments_needed {
                        continue;
                    }
                    if self.lookup_in(var_scope, i.name).is_none()
                        && self.lookup_in(fscope, i.name).is_none()
                    {
                        self.declare(var_scope, i.name, BindingKind::Var)?;
                    }
                    self.funcs[id].annex_b.insert(g as *const Function as usize);
                }
            }
        }
        for l in &lex {
            let v = self.declare(var_scope, l.name, l.kind)?;
            self.vars[v].init_end = Some(l.end);
        }
        if has_param_expressions {
            self.emit(Ir::EnterScope(var_scope));
            // Vars named like a parameter start with its value.
            for &n in &declared_vars {
                if param_names.contains(&n) || (n == Atom::Arguments && arguments_needed) {
                    if let Some(v) = self.lookup_in(var_scope, n) {
                        self.emit(Ir::Var(Access::Get, n, fscope));
                        self.emit(Ir::VarId(Access::Init, v));
                    }
                }
            }
        }
        // Hoisted function declarations (the last one of a name wins).
        for d in &var_decls {
            if let VarScoped::Function(g) = d {
                if let Some(i) = g.id {
                    self.function_decl(g, None)?;
                    self.emit(Ir::Var(Access::Init, i.name, var_scope));
                }
            }
        }
        if f.is_generator {
            self.op(Op::InitialYield);
        }
        self.scope_stmts(&f.body)?;
        self.op(Op::PushUndefined);
        self.return_value(true)
    }

    // ------------------------------------------------------------------ private names

    fn priv_atom(&mut self, name: Atom, suffix: &str) -> Atom {
        let base = self.atoms.to_string_lossy(name);
        self.atoms.intern(&format!("#{base}{suffix}"))
    }

    /// The hidden variable name for a private name.
    pub(crate) fn private_var(&mut self, name: Atom, suffix: &str) -> CResult<Atom> {
        let static_suffix = match self.find_private(name) {
            Some(PrivKind::Method { is_static: true })
            | Some(PrivKind::Accessor {
                is_static: true, ..
            }) => " static",
            _ => "",
        };
        let full = if suffix.is_empty() {
            String::new()
        } else {
            format!("{suffix}{static_suffix}")
        };
        Ok(self.priv_atom(name, &full))
    }

    /// Finds the innermost declaration of private name `name` visible from the current
    /// scope, and the scope declaring it.
    fn find_private_scope(&mut self, name: Atom) -> Option<(PrivKind, ScopeId)> {
        let names = [
            self.priv_atom(name, ""),
            self.priv_atom(name, "()"),
            self.priv_atom(name, "() static"),
            self.priv_atom(name, " get"),
            self.priv_atom(name, " set"),
            self.priv_atom(name, " get static"),
            self.priv_atom(name, " set static"),
        ];
        let mut s = Some(self.scope);
        while let Some(id) = s {
            let sc = &self.scopes[id];
            let has = |a: Atom| sc.names.iter().any(|(n, _)| *n == a);
            if has(names[0]) {
                return Some((PrivKind::Field, id));
            }
            if has(names[1]) || has(names[2]) {
                return Some((
                    PrivKind::Method {
                        is_static: has(names[2]),
                    },
                    id,
                ));
            }
            let (g, st, gs, ss) = (has(names[3]), has(names[4]), has(names[5]), has(names[6]));
            if g || st || gs || ss {
                return Some((
                    PrivKind::Accessor {
                        is_static: gs || ss,
                        has_get: g || gs,
                        has_set: st || ss,
                    },
                    id,
                ));
            }
            s = sc.parent;
        }
        None
    }

    pub(crate) fn find_private(&mut self, name: Atom) -> Option<PrivKind> {
        self.find_private_scope(name).map(|(k, _)| k)
    }

    /// Pushes the brand of the class declaring private name `name`.
    pub(crate) fn load_brand(&mut self, name: Atom, brand: Atom) -> CResult<()> {
        match self.find_private_scope(name) {
            Some((_, s)) => {
                self.emit(Ir::Var(Access::GetRaw, brand, s));
                Ok(())
            }
            None => self.err(ast::Span::default(), "undeclared private name"),
        }
    }

    // ------------------------------------------------------------------ classes

    /// ClassDefinitionEvaluation; leaves the constructor on the stack.
    pub(crate) fn class(&mut self, c: &'ast Class, name: Option<Atom>) -> CResult<()> {
        self.enter(c.span)?;
        let r = self.class_inner(c, name);
        self.leave();
        r
    }

    fn class_inner(&mut self, c: &'ast Class, name: Option<Atom>) -> CResult<()> {
        let saved_scope = self.scope;
        let cs = self.new_scope(ScopeKind::Class);
        let class_name = c.id.map(|i| i.name).or(name).unwrap_or(Atom::Empty);
        if let Some(id) = c.id {
            self.declare(cs, id.name, BindingKind::Const)?;
        }
        // Private names.
        let mut has_instance_brand = false;
        let mut has_static_brand = false;
        let mut privates: Vec<(Atom, Atom)> = Vec::new(); // (private name, var atom)
        let mut acc_storage: Vec<Atom> = Vec::new();
        for m in &c.members {
            let (key, is_static, suffix) = match m {
                ClassMember::Field {
                    key: PropKey::Private(a, _),
                    is_static,
                    ..
                } => (*a, *is_static, ""),
                ClassMember::Method {
                    key: PropKey::Private(a, _),
                    kind,
                    is_static,
                    ..
                } => {
                    if *is_static {
                        has_static_brand = true;
                    } else {
                        has_instance_brand = true;
                    }
                    let s = match (kind, is_static) {
                        (MethodKind::Method, false) => "()",
                        (MethodKind::Method, true) => "() static",
                        (MethodKind::Get, false) => " get",
                        (MethodKind::Get, true) => " get static",
                        (MethodKind::Set, false) => " set",
                        (MethodKind::Set, true) => " set static",
                    };
                    (*a, *is_static, s)
                }
                ClassMember::Accessor {
                    key: PropKey::Private(_, span),
                    ..
                } => {
                    return self.err(*span, "not supported yet: private auto-accessors");
                }
                ClassMember::Accessor { .. } => {
                    // Storage: a private name held in a hidden variable.
                    let va = self.intern(&format!("<accessor{}>", acc_storage.len()));
                    self.declare(cs, va, BindingKind::Hidden)?;
                    acc_storage.push(va);
                    continue;
                }
                _ => continue,
            };
            let _ = is_static;
            let va = self.priv_atom(key, suffix);
            self.declare(cs, va, BindingKind::Hidden)?;
            if suffix.is_empty() {
                privates.push((key, va));
            }
        }
        let (brand, static_brand) = (self.hidden.brand, self.hidden.static_brand);
        let brand_var = if has_instance_brand {
            Some(self.declare(cs, brand, BindingKind::Hidden)?)
        } else {
            None
        };
        let static_brand_var = if has_static_brand {
            Some(self.declare(cs, static_brand, BindingKind::Hidden)?)
        } else {
            None
        };
        self.scope = cs;
        self.emit(Ir::EnterScope(cs));
        for (key, va) in &privates {
            let sym = self.priv_atom_raw(*key);
            self.op1(Op::PrivateSymbol, sym);
            self.emit(Ir::Var(Access::Init, *va, cs));
        }
        for va in &acc_storage {
            self.op1(Op::PrivateSymbol, va.raw());
            self.emit(Ir::Var(Access::Init, *va, cs));
        }
        if let Some(b) = brand_var {
            self.op1(Op::PrivateSymbol, brand.raw());
            self.emit(Ir::VarId(Access::Init, b));
        }
        if let Some(b) = static_brand_var {
            self.op1(Op::PrivateSymbol, static_brand.raw());
            self.emit(Ir::VarId(Access::Init, b));
        }
        // Heritage.
        let derived = c.super_class.is_some();
        match &c.super_class {
            Some(h) => self.expr(h)?,
            None => self.op(Op::PushUndefined),
        }
        // Constructor.
        let ctor_kind = if derived {
            FunctionKind::DerivedConstructor
        } else {
            FunctionKind::ClassConstructor
        };
        let ctor = match &c.constructor {
            Some(f) => self.function(f, Some(class_name), Some(ctor_kind))?,
            None => self.default_constructor(c, class_name, ctor_kind)?,
        };
        self.funcs[ctor].name = class_name;
        self.funcs[ctor].source_start = c.source_span.start;
        self.funcs[ctor].source_end = c.source_span.end;
        let k = self.add_func_const(ctor);
        self.op1(Op::FClosure, k);
        self.emit(Ir::Op(Op::DefineClass, class_name.raw(), derived as u32));
        let (tc, tp) = (self.temp()?, self.temp()?);
        self.op1(Op::PutLoc, tp as u32);
        self.op1(Op::PutLoc, tc as u32);
        // Methods and computed field keys, in order.
        let mut instance_fields: Vec<(&'ast ClassMember, Option<Atom>)> = Vec::new();
        let mut static_elems: Vec<(&'ast ClassMember, Option<Atom>)> = Vec::new();
        let mut key_count = 0u32;
        let mut acc_index = 0usize;
        for m in &c.members {
            match m {
                ClassMember::Method {
                    key,
                    kind,
                    is_static,
                    value,
                    ..
                } => {
                    let home = if *is_static { tc } else { tp };
                    let flag = match kind {
                        MethodKind::Method => 0,
                        MethodKind::Get => 1,
                        MethodKind::Set => 2,
                    };
                    let fkind = match kind {
                        MethodKind::Method => FunctionKind::Method,
                        MethodKind::Get => FunctionKind::Getter,
                        MethodKind::Set => FunctionKind::Setter,
                    };
                    match key {
                        PropKey::Private(a, _) => {
                            let suffix = match (kind, is_static) {
                                (MethodKind::Method, false) => "()",
                                (MethodKind::Method, true) => "() static",
                                (MethodKind::Get, false) => " get",
                                (MethodKind::Get, true) => " get static",
                                (MethodKind::Set, false) => " set",
                                (MethodKind::Set, true) => " set static",
                            };
                            let va = self.priv_atom(*a, suffix);
                            let fname = self.priv_atom(*a, "");
                            self.op1(Op::GetLoc, home as u32);
                            let child = self.function(value, Some(fname), Some(fkind))?;
                            let k = self.add_func_const(child);
                            self.op1(Op::FClosure, k);
                            self.op(Op::SetHomeObject);
                            self.op(Op::Nip);
                            self.emit(Ir::Var(Access::Init, va, cs));
                        }
                        _ => {
                            self.op1(Op::GetLoc, home as u32);
                            let named = self.prop_key(key)?;
                            let child = self.function(value, None, Some(fkind))?;
                            let k = self.add_func_const(child);
                            self.op1(Op::FClosure, k);
                            match named {
                                Some(a) => self.emit(Ir::Op(Op::DefineMethod, a.raw(), flag)),
                                None => self.op1(Op::DefineMethodComputed, flag),
                            }
                            self.op(Op::Drop);
                        }
                    }
                }
                ClassMember::Field { key, is_static, .. } => {
                    let key_var = match key {
                        PropKey::Computed(e) => {
                            let a = self.intern(&format!("<key{key_count}>"));
                            key_count += 1;
                            let v = self.declare(cs, a, BindingKind::Hidden)?;
                            let _ = v;
                            self.expr(e)?;
                            self.op(Op::ToPropKey);
                            self.emit(Ir::VarId(Access::Init, v));
                            Some(a)
                        }
                        _ => None,
                    };
                    if *is_static {
                        static_elems.push((m, key_var));
                    } else {
                        instance_fields.push((m, key_var));
                    }
                }
                ClassMember::StaticBlock { .. } => static_elems.push((m, None)),
                ClassMember::Accessor { key, is_static, .. } => {
                    let storage = acc_storage.get(acc_index).copied().unwrap_or(Atom::Empty);
                    acc_index += 1;
                    let home = if *is_static { tc } else { tp };
                    let named = self.prop_key(key)?;
                    let tkey = match named {
                        Some(_) => None,
                        None => {
                            let t = self.temp()?;
                            self.op1(Op::PutLoc, t as u32);
                            Some(t)
                        }
                    };
                    for (flag, setter) in [(1u32, false), (2u32, true)] {
                        self.op1(Op::GetLoc, home as u32);
                        if let Some(t) = tkey {
                            self.op1(Op::GetLoc, t as u32);
                        }
                        let f = self.accessor_function(storage, setter, c)?;
                        let k = self.add_func_const(f);
                        self.op1(Op::FClosure, k);
                        match named {
                            Some(a) => self.emit(Ir::Op(Op::DefineMethod, a.raw(), flag)),
                            None => self.op1(Op::DefineMethodComputed, flag),
                        }
                        self.op(Op::Drop);
                    }
                    if let Some(t) = tkey {
                        self.free_temp(t);
                    }
                    if *is_static {
                        static_elems.push((m, Some(storage)));
                    } else {
                        instance_fields.push((m, Some(storage)));
                    }
                }
            }
        }
        // Inner class binding.
        if let Some(id) = c.id {
            self.op1(Op::GetLoc, tc as u32);
            self.emit(Ir::Var(Access::Init, id.name, cs));
        }
        // Instance fields initializer.
        if !instance_fields.is_empty() || has_instance_brand {
            let init = self.field_init_function(&instance_fields, brand_var.map(|_| brand), c)?;
            self.op1(Op::GetLoc, tp as u32);
            let k = self.add_func_const(init);
            self.op1(Op::FClosure, k);
            self.op(Op::SetHomeObject);
            self.op(Op::Nip);
            self.op1(Op::GetLoc, tc as u32);
            self.op(Op::Swap);
            self.op(Op::SetFieldsInit);
            self.op(Op::Drop);
        }
        // Static brand, then static fields and blocks in order.
        if static_brand_var.is_some() {
            self.op1(Op::GetLoc, tc as u32);
            self.emit(Ir::Var(Access::GetRaw, static_brand, cs));
            self.op(Op::AddBrand);
        }
        if !static_elems.is_empty() {
            let init = self.field_init_function(&static_elems, None, c)?;
            self.op1(Op::GetLoc, tc as u32);
            let k = self.add_func_const(init);
            self.op1(Op::FClosure, k);
            self.op(Op::SetHomeObject);
            self.op1(Op::Call, 0);
            self.op(Op::Drop);
        }
        self.op1(Op::GetLoc, tc as u32);
        self.free_temp(tc);
        self.free_temp(tp);
        self.scope = saved_scope;
        Ok(())
    }

    fn priv_atom_raw(&mut self, key: Atom) -> u32 {
        self.priv_atom(key, "").raw()
    }

    /// The getter or setter of an auto-accessor (`accessor x = v`): reads/writes the private
    /// storage field held in the hidden variable `storage`.
    fn accessor_function(
        &mut self,
        storage: Atom,
        setter: bool,
        c: &'ast Class,
    ) -> CResult<FuncId> {
        let saved = self.save();
        let kind = if setter {
            FunctionKind::Setter
        } else {
            FunctionKind::Getter
        };
        let id = self.new_func(kind, true, Some(self.scope));
        self.cur = id;
        self.scope = self.funcs[id].scope;
        {
            let st = &mut self.funcs[id];
            st.flags |= FunctionFlags::NEEDS_HOME_OBJECT | FunctionFlags::SIMPLE_PARAMS;
            st.arg_count = setter as u16;
            st.length = setter as u32;
            st.source_start = c.source_span.start;
            st.source_end = c.source_span.end;
        }
        let r = (|| -> CResult<()> {
            self.declare_hidden(id, kind)?;
            self.emit(Ir::Prologue);
            let fscope = self.funcs[id].scope;
            self.emit(Ir::Var(Access::Get, Atom::This, fscope));
            if setter {
                self.op1(Op::GetArg, 0);
                self.emit(Ir::Var(Access::GetRaw, storage, fscope));
                self.op(Op::PutPrivateField);
                self.op(Op::PushUndefined);
            } else {
                self.emit(Ir::Var(Access::GetRaw, storage, fscope));
                self.op(Op::GetPrivateField);
            }
            self.op(Op::Return);
            Ok(())
        })();
        self.restore(saved);
        r?;
        Ok(id)
    }

    /// The synthesized constructor (`constructor(...args) { super(...args); }` for derived
    /// classes, an empty one otherwise).
    fn default_constructor(
        &mut self,
        c: &'ast Class,
        name: Atom,
        kind: FunctionKind,
    ) -> CResult<FuncId> {
        let saved = self.save();
        let id = self.new_func(kind, true, Some(self.scope));
        self.cur = id;
        self.scope = self.funcs[id].scope;
        {
            let st = &mut self.funcs[id];
            st.name = name;
            st.flags |= FunctionFlags::CONSTRUCTOR
                | FunctionFlags::NEEDS_HOME_OBJECT
                | FunctionFlags::SIMPLE_PARAMS;
            st.source_start = c.source_span.start;
            st.source_end = c.source_span.end;
        }
        let r = (|| -> CResult<()> {
            self.declare_hidden(id, kind)?;
            self.emit(Ir::Prologue);
            let fscope = self.funcs[id].scope;
            if kind == FunctionKind::DerivedConstructor {
                let (func, nt) = (self.hidden.func, self.hidden.new_target);
                self.emit(Ir::Var(Access::GetRaw, func, fscope));
                self.op(Op::GetSuperCtor);
                self.emit(Ir::Var(Access::GetRaw, nt, fscope));
                self.op1(Op::Rest, 0);
                self.op(Op::ApplySuper);
                self.op(Op::Dup);
                self.emit(Ir::Var(Access::InitThis, Atom::This, fscope));
                self.emit(Ir::Var(Access::GetRaw, func, fscope));
                self.op(Op::RunFieldsInit);
            } else {
                self.emit(Ir::Var(Access::Get, Atom::This, fscope));
                self.op1(Op::SpecialObject, SpecialObject::ThisFunc as u32);
                self.op(Op::RunFieldsInit);
            }
            self.op(Op::PushUndefined);
            self.return_value(true)
        })();
        self.restore(saved);
        r?;
        Ok(id)
    }

    /// A function running field initializers / static blocks with `this` = the target.
    fn field_init_function(
        &mut self,
        elems: &[(&'ast ClassMember, Option<Atom>)],
        brand: Option<Atom>,
        c: &'ast Class,
    ) -> CResult<FuncId> {
        let saved = self.save();
        let cs = self.scope;
        let id = self.new_func(FunctionKind::ClassFieldInit, true, Some(cs));
        self.cur = id;
        self.scope = self.funcs[id].scope;
        {
            let st = &mut self.funcs[id];
            st.flags |= FunctionFlags::NEEDS_HOME_OBJECT;
            st.in_class_field_init = true;
            st.source_start = c.source_span.start;
            st.source_end = c.source_span.end;
        }
        let r = (|| -> CResult<()> {
            self.declare_hidden(id, FunctionKind::ClassFieldInit)?;
            self.emit(Ir::Prologue);
            let fscope = self.funcs[id].scope;
            if let Some(b) = brand {
                self.emit(Ir::Var(Access::Get, Atom::This, fscope));
                self.emit(Ir::Var(Access::GetRaw, b, fscope));
                self.op(Op::AddBrand);
            }
            for (m, key_var) in elems {
                match m {
                    ClassMember::Field { key, value, .. } => {
                        self.emit(Ir::Var(Access::Get, Atom::This, fscope));
                        match key {
                            PropKey::Named(a, _) => {
                                self.field_value(value.as_deref(), Some(*a))?;
                                self.op1(Op::DefineField, a.raw());
                            }
                            PropKey::Computed(_) => {
                                let kv = key_var.unwrap_or(Atom::Empty);
                                self.emit(Ir::Var(Access::GetRaw, kv, fscope));
                                match value {
                                    Some(v) if v.is_anonymous_function_definition() => {
                                        self.expr(v)?;
                                        self.op(Op::SetNameComputed);
                                    }
                                    _ => self.field_value(value.as_deref(), None)?,
                                }
                                self.op(Op::DefineArrayEl);
                            }
                            PropKey::Private(a, _) => {
                                let va = self.priv_atom(*a, "");
                                self.emit(Ir::Var(Access::GetRaw, va, fscope));
                                self.field_value(value.as_deref(), Some(va))?;
                                self.op(Op::DefinePrivateField);
                            }
                        }
                        self.op(Op::Drop);
                    }
                    ClassMember::Accessor { value, .. } => {
                        // The accessor's storage field (a private field).
                        let storage = key_var.unwrap_or(Atom::Empty);
                        self.emit(Ir::Var(Access::Get, Atom::This, fscope));
                        self.emit(Ir::Var(Access::GetRaw, storage, fscope));
                        self.field_value(value.as_deref(), None)?;
                        self.op(Op::DefinePrivateField);
                        self.op(Op::Drop);
                    }
                    ClassMember::StaticBlock { body, .. } => {
                        // Each static block is its own var scope: compile it as a block
                        // whose vars are hoisted as lexical-like locals of a fresh scope.
                        let saved_scope = self.scope;
                        let s = self.new_scope(ScopeKind::Block);
                        let mut vars = Vec::new();
                        scope::var_scoped(body, &mut vars);
                        for v in &vars {
                            if let VarScoped::Var(n) = v {
                                self.declare(s, *n, BindingKind::Var)?;
                            }
                        }
                        self.scope = s;
                        self.emit(Ir::EnterScope(s));
                        self.funcs[id].var_scope = s;
                        for v in &vars {
                            if let VarScoped::Function(g) = v {
                                if let Some(i) = g.id {
                                    self.declare(s, i.name, BindingKind::Var)?;
                                    self.emit(Ir::EnterScope(s));
                                    self.function_decl(g, None)?;
                                    self.emit(Ir::Var(Access::Init, i.name, s));
                                }
                            }
                        }
                        let r = self.block(body);
                        self.scope = saved_scope;
                        self.funcs[id].var_scope = fscope;
                        r?;
                    }
                    _ => {}
                }
            }
            self.op(Op::PushUndefined);
            self.return_value(true)
        })();
        self.restore(saved);
        r?;
        Ok(id)
    }

    fn field_value(&mut self, value: Option<&'ast ast::Expr>, name: Option<Atom>) -> CResult<()> {
        match value {
            Some(v) => self.named_expr(v, name),
            None => {
                self.op(Op::PushUndefined);
                Ok(())
            }
        }
    }

    // ------------------------------------------------------------------ programs

    pub(crate) fn compile_program(&mut self, p: &'ast Program, kind: &CompileKind) -> CResult<()> {
        match kind {
            CompileKind::Script => self.script(p, false),
            CompileKind::IndirectEval => self.script(p, true),
            CompileKind::DirectEval(scope) => self.direct_eval(p, scope.clone()),
            CompileKind::Module => self.module(p),
        }
    }

    /// A script or indirect eval: GlobalDeclarationInstantiation /
    /// EvalDeclarationInstantiation with a global var scope.
    fn script(&mut self, p: &'ast Program, is_eval: bool) -> CResult<()> {
        let kind = if is_eval {
            FunctionKind::Eval
        } else {
            FunctionKind::Script
        };
        let id = self.new_func(kind, p.strict, None);
        self.root = id;
        self.cur = id;
        self.scope = self.funcs[id].scope;
        self.funcs[id].source_end = self.source.len() as u32;
        let vars_global = !(is_eval && p.strict);
        self.funcs[id].vars_global = vars_global;
        self.declare_hidden(id, kind)?;
        let completion = self.hidden.completion;
        let fscope = self.funcs[id].scope;
        let cv = self.declare(fscope, completion, BindingKind::Hidden)?;
        self.funcs[id].completion = Some(cv);
        self.emit(Ir::Prologue);
        self.global_declarations(p, is_eval, vars_global)?;
        self.stmts(&p.body)?;
        self.emit(Ir::VarId(Access::GetRaw, cv));
        self.op(Op::Return);
        Ok(())
    }

    fn global_declarations(
        &mut self,
        p: &'ast Program,
        is_eval: bool,
        vars_global: bool,
    ) -> CResult<()> {
        let fscope = self.funcs[self.cur].scope;
        let mut var_decls = Vec::new();
        scope::var_scoped(&p.body, &mut var_decls);
        let mut lex = Vec::new();
        scope::lexical(&p.body, false, &mut lex);
        let lex_names: Vec<Atom> = lex.iter().map(|l| l.name).collect();
        // Functions to initialize: last declaration of each name wins.
        let mut functions: Vec<&'ast Function> = Vec::new();
        for d in var_decls.iter().rev() {
            if let VarScoped::Function(g) = d {
                if let Some(i) = g.id {
                    if !functions
                        .iter()
                        .any(|h| h.id.map(|x| x.name) == Some(i.name))
                    {
                        functions.push(g);
                    }
                }
            }
        }
        functions.reverse();
        let fn_names: Vec<Atom> = functions
            .iter()
            .filter_map(|g| g.id.map(|i| i.name))
            .collect();
        let mut var_names: Vec<Atom> = Vec::new();
        for d in &var_decls {
            if let VarScoped::Var(n) = d {
                if !fn_names.contains(n) && !var_names.contains(n) {
                    var_names.push(*n);
                }
            }
        }
        let mut annex: Vec<&'ast Function> = Vec::new();
        if !p.strict {
            scope::annex_b_functions(&p.body, &lex_names, &mut annex);
        }
        let d_flag = is_eval as u32;
        if vars_global {
            if !is_eval {
                for &n in &lex_names {
                    self.emit(Ir::Op(Op::CheckGlobalLex, n.raw(), 0));
                }
            }
            for &n in &fn_names {
                self.emit(Ir::Op(Op::CheckGlobalFunc, n.raw(), 0));
            }
            for &n in &var_names {
                self.emit(Ir::Op(Op::CheckGlobalVar, n.raw(), 0));
            }
            for g in &annex {
                if let Some(i) = g.id {
                    if !fn_names.contains(&i.name) && !var_names.contains(&i.name) {
                        self.emit(Ir::Op(Op::CheckGlobalVar, i.name.raw(), 0));
                        var_names.push(i.name);
                    }
                    self.funcs[self.cur]
                        .annex_b
                        .insert(*g as *const Function as usize);
                }
            }
            if !is_eval {
                for l in &lex {
                    let is_const = l.kind == BindingKind::Const;
                    self.emit(Ir::Op(Op::DeclareGlobalLex, l.name.raw(), is_const as u32));
                }
            } else {
                for l in &lex {
                    self.declare(fscope, l.name, l.kind)?;
                }
            }
            for g in &functions {
                if let Some(i) = g.id {
                    self.function_decl(g, None)?;
                    self.emit(Ir::Op(Op::DeclareGlobalFunc, i.name.raw(), d_flag));
                }
            }
            for &n in &var_names {
                self.emit(Ir::Op(Op::DeclareGlobalVar, n.raw(), d_flag));
            }
        } else {
            // Strict eval: everything is local to the eval code.
            for &n in var_names.iter().chain(fn_names.iter()) {
                self.declare(fscope, n, BindingKind::Var)?;
            }
            for l in &lex {
                self.declare(fscope, l.name, l.kind)?;
            }
            for g in &functions {
                if let Some(i) = g.id {
                    self.function_decl(g, None)?;
                    self.emit(Ir::Var(Access::Init, i.name, fscope));
                }
            }
        }
        Ok(())
    }

    /// Direct eval: the caller's visible bindings become an outer scope chain of a pseudo
    /// function standing for the caller frame.
    fn direct_eval(&mut self, p: &'ast Program, es: Rc<EvalScope>) -> CResult<()> {
        let caller = self.new_func(FunctionKind::Normal, es.strict, None);
        self.funcs[caller].is_eval_caller = true;
        self.eval_scope = Some(es.clone());
        // Build scopes outermost first so the innermost binding is found first.
        let mut parent: Option<ScopeId> = None;
        let mut groups: Vec<Vec<usize>> = vec![Vec::new()];
        for (i, b) in es.bindings.iter().enumerate() {
            if b.dynamic.is_some() {
                groups.push(vec![i]);
                groups.push(Vec::new());
            } else if let Some(g) = groups.last_mut() {
                g.push(i);
            }
        }
        for g in groups.iter().rev() {
            if g.is_empty() {
                continue;
            }
            let first = &es.bindings[g[0]];
            let kind = match first.dynamic {
                Some(_) => ScopeKind::EvalOuter, // replaced below
                None => ScopeKind::EvalOuter,
            };
            let sid = self.scopes.len();
            self.scopes.push(super::Scope {
                parent,
                func: caller,
                kind,
                names: Vec::new(),
                var_object: None,
            });
            // Innermost first within a group: the list order.
            for &i in g {
                let b = es.bindings[i];
                let vid = self.vars.len();
                let slot = match b.loc {
                    EvalLocation::Local(s) => Slot::Local(s),
                    EvalLocation::Closure(s) => Slot::CallerRef(s),
                };
                let tdz = matches!(
                    b.kind,
                    BindingKind::Let | BindingKind::Const | BindingKind::Class
                ) || b.name == Atom::This;
                self.vars.push(Var {
                    name: b.name,
                    kind: b.kind,
                    func: caller,
                    slot,
                    captured: true,
                    cell_slot: None,
                    used: true,
                    tdz,
                    vm_cell: false,
                    lexical: b.lexical,
                    init_end: None,
                });
                match b.dynamic {
                    Some(d) => {
                        self.scopes[sid].kind =
                            ScopeKind::EvalDynamic(vid, d == DynamicScope::With);
                        // Built outermost first: the last one is the innermost.
                        if d == DynamicScope::VarObject && b.same_function {
                            self.eval_var_object = Some(vid);
                        }
                    }
                    None => self.scopes[sid].names.push((b.name, vid)),
                }
            }
            parent = Some(sid);
        }
        let strict = es.strict || p.strict;
        let id = self.new_func(FunctionKind::Eval, strict, parent);
        self.root = id;
        self.cur = id;
        self.scope = self.funcs[id].scope;
        self.funcs[id].source_end = self.source.len() as u32;
        self.funcs[id].in_class_field_init = es.in_class_field_init;
        let vars_global = !strict && es.var_scope_is_global;
        self.funcs[id].vars_global = vars_global;
        self.funcs[id].flags |= FunctionFlags::USES_OUTER_THIS;
        let completion = self.hidden.completion;
        let fscope = self.funcs[id].scope;
        let cv = self.declare(fscope, completion, BindingKind::Hidden)?;
        self.funcs[id].completion = Some(cv);
        self.emit(Ir::Prologue);
        if strict || vars_global {
            self.global_declarations(p, true, vars_global)?;
        } else {
            self.eval_var_object_declarations(p, &es)?;
        }
        self.stmts(&p.body)?;
        self.emit(Ir::VarId(Access::GetRaw, cv));
        self.op(Op::Return);
        Ok(())
    }

    /// Sloppy direct eval in a function: vars/functions go to the caller's variable object
    /// unless the caller already has the binding (EvalDeclarationInstantiation).
    fn eval_var_object_declarations(&mut self, p: &'ast Program, es: &EvalScope) -> CResult<()> {
        let fscope = self.funcs[self.cur].scope;
        let mut var_decls = Vec::new();
        scope::var_scoped(&p.body, &mut var_decls);
        let mut lex = Vec::new();
        scope::lexical(&p.body, false, &mut lex);
        for l in &lex {
            self.declare(fscope, l.name, l.kind)?;
        }
        let var_object = self.eval_var_object;
        let mut annex: Vec<&'ast Function> = Vec::new();
        let lex_names: Vec<Atom> = lex.iter().map(|l| l.name).collect();
        scope::annex_b_functions(&p.body, &lex_names, &mut annex);
        let mut names: Vec<(Atom, Option<&'ast Function>)> = Vec::new();
        for d in &var_decls {
            match d {
                VarScoped::Var(n) => names.push((*n, None)),
                VarScoped::Function(g) => {
                    if let Some(i) = g.id {
                        names.push((i.name, Some(*g)));
                    }
                }
            }
        }
        for g in &annex {
            if let Some(i) = g.id {
                names.push((i.name, None));
                self.funcs[self.cur]
                    .annex_b
                    .insert(*g as *const Function as usize);
            }
        }
        for (n, func) in names {
            // Step 3: a lexical binding of the caller between here and its var scope.
            if let Some(b) = es
                .bindings
                .iter()
                .find(|b| b.name == n && b.dynamic.is_none())
            {
                if b.same_function && b.lexical {
                    let text = self.atoms.to_string_lossy(n);
                    return self.err(p.span, format!("redeclaration of '{text}'"));
                }
                if b.same_function {
                    // Existing var binding of the caller: functions are assigned to it.
                    if let Some(g) = func {
                        self.function_decl(g, None)?;
                        self.emit(Ir::Var(Access::Put, n, fscope));
                    }
                    continue;
                }
            }
            let Some(vo) = var_object else {
                // No variable object (should not happen for sloppy callers): keep local.
                self.declare(fscope, n, BindingKind::Var)?;
                continue;
            };
            self.emit(Ir::VarId(Access::GetRaw, vo));
            match func {
                Some(g) => {
                    self.function_decl(g, None)?;
                    self.emit(Ir::Op(Op::DeclareVarObjFunc, n.raw(), 0));
                }
                None => self.emit(Ir::Op(Op::DeclareVarObj, n.raw(), 0)),
            }
        }
        Ok(())
    }

    // ------------------------------------------------------------------ modules

    fn module(&mut self, p: &'ast Program) -> CResult<()> {
        let id = self.new_func(FunctionKind::Module, true, None);
        self.root = id;
        self.cur = id;
        self.scope = self.funcs[id].scope;
        self.funcs[id].source_end = self.source.len() as u32;
        self.declare_hidden(id, FunctionKind::Module)?;
        let fscope = self.funcs[id].scope;
        let mut rec = ModuleRecord::default();
        // [[RequestedModules]] in source text order (it is the evaluation order).
        // Spec: #sec-static-semantics-modulerequests
        for s in &p.body {
            match &s.kind {
                StmtKind::Import(imp) => {
                    request_index(&mut rec, imp.source, &imp.attributes);
                }
                StmtKind::Export(e) => match &**e {
                    ExportDecl::NamedFrom {
                        source, attributes, ..
                    }
                    | ExportDecl::All {
                        source, attributes, ..
                    } => {
                        request_index(&mut rec, *source, attributes);
                    }
                    _ => {}
                },
                _ => {}
            }
        }
        // Imports.
        for s in &p.body {
            if let StmtKind::Import(imp) = &s.kind {
                let req = request_index(&mut rec, imp.source, &imp.attributes);
                for spec in &imp.specifiers {
                    let (import_name, local) = match spec {
                        ImportSpecifier::Default { local } => (Some(Atom::Default), local.name),
                        ImportSpecifier::Namespace { local } => (None, local.name),
                        ImportSpecifier::Named { imported, local } => {
                            (Some(imported.name), local.name)
                        }
                    };
                    let idx = rec.imports.len() as u16;
                    rec.imports.push(ImportEntry {
                        request: req,
                        import_name,
                        local_name: local,
                    });
                    let vid = self.vars.len();
                    self.vars.push(Var {
                        name: local,
                        kind: BindingKind::Import,
                        func: id,
                        slot: Slot::Import(idx),
                        captured: true,
                        cell_slot: None,
                        used: true,
                        tdz: import_name.is_some(),
                        vm_cell: false,
                        lexical: true,
                        init_end: None,
                    });
                    self.scopes[fscope].names.push((local, vid));
                }
            }
        }
        // Declarations.
        let mut var_decls = Vec::new();
        scope::var_scoped(&p.body, &mut var_decls);
        let mut lex = Vec::new();
        scope::lexical(&p.body, false, &mut lex);
        for d in &var_decls {
            match d {
                VarScoped::Var(n) => {
                    self.declare(fscope, *n, BindingKind::Var)?;
                }
                VarScoped::Function(g) => {
                    let n = g.id.map(|i| i.name).unwrap_or(Atom::Default_);
                    self.declare(fscope, n, BindingKind::Var)?;
                }
            }
        }
        for l in &lex {
            self.declare(fscope, l.name, l.kind)?;
        }
        // `export default <expr>` / anonymous class.
        for s in &p.body {
            if let StmtKind::Export(e) = &s.kind {
                match &**e {
                    ExportDecl::DefaultExpr(_) => {
                        self.declare(fscope, Atom::Default_, BindingKind::Const)?;
                    }
                    ExportDecl::DefaultDecl(d) => {
                        if let StmtKind::ClassDecl(c) = &d.kind {
                            if c.id.is_none() {
                                self.declare(fscope, Atom::Default_, BindingKind::Class)?;
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        // Export entries.
        for s in &p.body {
            let StmtKind::Export(e) = &s.kind else {
                continue;
            };
            match &**e {
                ExportDecl::Decl(d) => {
                    let mut names = Vec::new();
                    stmt_bound_names(d, &mut names);
                    for n in names {
                        self.local_export(&mut rec, n, n)?;
                    }
                }
                ExportDecl::DefaultDecl(d) => {
                    let local = match &d.kind {
                        StmtKind::FunctionDecl(f) => f.id.map(|i| i.name),
                        StmtKind::ClassDecl(c) => c.id.map(|i| i.name),
                        _ => None,
                    }
                    .unwrap_or(Atom::Default_);
                    self.local_export(&mut rec, local, Atom::Default)?;
                }
                ExportDecl::DefaultExpr(_) => {
                    self.local_export(&mut rec, Atom::Default_, Atom::Default)?
                }
                ExportDecl::Named { specifiers } => {
                    for sp in specifiers {
                        let local = sp.local.name;
                        // Re-export of an import binding becomes an indirect export (of
                        // the namespace for `import * as ns`). Spec: #sec-parsemodule 10.a
                        let imp = rec.imports.iter().find(|i| i.local_name == local).cloned();
                        match imp {
                            Some(ImportEntry {
                                request,
                                import_name,
                                ..
                            }) => {
                                rec.indirect_exports.push(IndirectExport {
                                    export_name: sp.exported.name,
                                    request,
                                    import_name,
                                });
                            }
                            None => self.local_export(&mut rec, local, sp.exported.name)?,
                        }
                    }
                }
                ExportDecl::NamedFrom {
                    specifiers,
                    source,
                    attributes,
                } => {
                    let req = request_index(&mut rec, *source, attributes);
                    for sp in specifiers {
                        rec.indirect_exports.push(IndirectExport {
                            export_name: sp.exported.name,
                            request: req,
                            import_name: Some(sp.local.name),
                        });
                    }
                }
                ExportDecl::All {
                    exported,
                    source,
                    attributes,
                } => {
                    let req = request_index(&mut rec, *source, attributes);
                    match exported {
                        Some(x) => rec.indirect_exports.push(IndirectExport {
                            export_name: x.name,
                            request: req,
                            import_name: None,
                        }),
                        None => rec.star_exports.push(req),
                    }
                }
            }
        }
        // Requests of `import "m"` with no bindings.
        for s in &p.body {
            if let StmtKind::Import(imp) = &s.kind {
                request_index(&mut rec, imp.source, &imp.attributes);
            }
        }
        self.funcs[id].module = Some(rec);
        self.emit(Ir::Prologue);
        for d in &var_decls {
            if let VarScoped::Function(g) = d {
                let n = g.id.map(|i| i.name).unwrap_or(Atom::Default_);
                let name = if g.id.is_none() {
                    Some(Atom::Default)
                } else {
                    None
                };
                self.function_decl(g, name)?;
                self.emit(Ir::Var(Access::Init, n, fscope));
            }
        }
        self.op(Op::InitialYield);
        self.scope_stmts(&p.body)?;
        self.op(Op::ReturnUndef);
        Ok(())
    }

    fn local_export(&mut self, rec: &mut ModuleRecord, local: Atom, export: Atom) -> CResult<()> {
        let fscope = self.funcs[self.cur].scope;
        let Some(v) = self.lookup_in(fscope, local) else {
            let text = self.atoms.to_string_lossy(local);
            return self.err(
                ast::Span::default(),
                format!("export '{text}' is not defined"),
            );
        };
        let Slot::Local(slot) = self.vars[v].slot else {
            // A namespace import re-exported: treated as a local export of the import cell is
            // not representable; report clearly.
            return self.err(
                ast::Span::default(),
                "not supported yet: re-exporting a namespace import by name",
            );
        };
        self.vars[v].vm_cell = true;
        self.vars[v].captured = true;
        let kind = self.vars[v].kind;
        rec.local_exports.push(LocalExport {
            export_name: export,
            local_name: local,
            slot,
            kind,
        });
        if !rec.vm_cells.iter().any(|(s, _)| *s == slot) {
            rec.vm_cells.push((slot, kind == BindingKind::Var));
        }
        Ok(())
    }

    pub(crate) fn export_stmt(&mut self, e: &'ast ExportDecl) -> CResult<()> {
        match e {
            ExportDecl::Decl(d) => self.stmt(d),
            ExportDecl::DefaultDecl(d) => match &d.kind {
                StmtKind::ClassDecl(c) => {
                    self.class(c, Some(Atom::Default))?;
                    let n = c.id.map(|i| i.name).unwrap_or(Atom::Default_);
                    self.init_binding(n)
                }
                _ => self.stmt(d),
            },
            ExportDecl::DefaultExpr(x) => {
                self.named_expr(x, Some(Atom::Default))?;
                self.init_binding(Atom::Default_)
            }
            _ => Ok(()),
        }
    }
}

fn request_index(rec: &mut ModuleRecord, specifier: Atom, attrs: &[ast::ImportAttribute]) -> u16 {
    let attributes: Vec<(Atom, Atom)> = attrs.iter().map(|a| (a.key, a.value)).collect();
    if let Some(i) = rec
        .requests
        .iter()
        .position(|r| r.specifier == specifier && r.attributes == attributes)
    {
        return i as u16;
    }
    rec.requests.push(ModuleRequest {
        specifier,
        attributes,
    });
    (rec.requests.len() - 1) as u16
}

/// BoundNames of a declaration statement.
fn stmt_bound_names(s: &Stmt, out: &mut Vec<Atom>) {
    match &s.kind {
        StmtKind::VarDecl(d) => {
            for decl in &d.decls {
                scope::bound_names(&decl.target, out);
            }
        }
        StmtKind::FunctionDecl(f) => out.extend(f.id.map(|i| i.name)),
        StmtKind::ClassDecl(c) => out.extend(c.id.map(|i| i.name)),
        _ => {}
    }
}
