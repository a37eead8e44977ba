//! The bytecode compiler: scope analysis and code generation from [`crate::ast`] to
//! [`crate::bytecode`]. Front end: no heap, no VM.
//!
//! Structure (three phases over one arena of functions):
//! 1. **IR generation** (`expr.rs`, `stmt.rs`, `func.rs`, `pattern.rs`): walks the AST once,
//!    creating a [`FuncState`] per function and a [`Scope`] per scope with its declarations
//!    (hoisting scans in `scope.rs`), and emits [`ir::Ir`] where variable accesses are
//!    symbolic (`name`, scope).
//! 2. **Resolution** happens while lowering, children before parents (reverse creation
//!    order): resolving a child's free names marks the parent's variables captured and adds
//!    closure variables along the chain, so by the time a function is lowered every fact
//!    about its variables (captured → cell, used → prologue init) is final.
//! 3. **Lowering** (`ir.rs`): symbolic accesses become slot ops and `with_*` probes, labels
//!    become offsets, stack depth is computed, handler ranges and the line table are built.
//!
//! Invariants: recursion over the AST is bounded by the parser's depth limit (plus a
//! compiler depth counter, [`MAX_DEPTH`]); no input makes the compiler panic; too many
//! locals/constants give a [`CompileError`].

mod expr;
mod func;
mod ir;
mod pattern;
mod scope;
mod stmt;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use crate::ast::{self, Span};
use crate::atoms::{Atom, AtomTable};
use crate::bytecode::{
    BindingKind, ClosureVar, Constant, EvalScope, FunctionBytecode, FunctionFlags, FunctionKind,
    ModuleRecord,
};
use crate::parser::SyntaxError;

use ir::{Ir, LabelId};

/// What kind of code is being compiled.
#[derive(Clone, Debug)]
pub enum CompileKind {
    /// A global script.
    Script,
    /// A module body.
    Module,
    /// Indirect eval (global scope; vars become deletable global properties in sloppy code).
    IndirectEval,
    /// Direct eval at a call site whose scope the VM passes from
    /// `FunctionBytecode::eval_sites`.
    DirectEval(Rc<EvalScope>),
}

#[derive(Clone, Debug)]
pub struct CompileOptions {
    pub kind: CompileKind,
    /// First id to give tagged-template sites (`Constant::TemplateObject::site`); the VM keeps
    /// a per-runtime counter and advances it past the ids the result uses
    /// ([`count_template_sites`]).
    pub template_site_base: u32,
}

impl CompileOptions {
    pub fn script() -> CompileOptions {
        CompileOptions {
            kind: CompileKind::Script,
            template_site_base: 0,
        }
    }
    pub fn module() -> CompileOptions {
        CompileOptions {
            kind: CompileKind::Module,
            template_site_base: 0,
        }
    }
}

/// An error found by the compiler itself (limits, eval redeclarations): reported to JS as
/// a SyntaxError.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    pub message: String,
    pub span: Span,
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SyntaxError: {}", self.message)
    }
}

impl CompileError {
    /// The error as the parser's [`SyntaxError`] (with line and column).
    pub fn into_syntax_error(self, source: &str) -> SyntaxError {
        SyntaxError::new(source, self.span, self.message)
    }
}

pub(crate) type CResult<T> = Result<T, CompileError>;

/// Maximum nesting the compiler accepts (the parser's limit is lower; this is a backstop).
pub const MAX_DEPTH: u32 = 2000;

/// Compiles a parsed program into the top-level function.
///
/// `program.kind` must agree with `opts.kind` (Module for `CompileKind::Module`).
pub fn compile(
    program: &ast::Program,
    opts: &CompileOptions,
    atoms: &mut AtomTable,
    source: Rc<str>,
    filename: &str,
) -> Result<Rc<FunctionBytecode>, SyntaxError> {
    let src = source.clone();
    let mut c = Compiler::new(atoms, source, filename, opts.template_site_base);
    let r = c
        .compile_program(program, &opts.kind)
        .and_then(|_| c.finish());
    r.map_err(|e| e.into_syntax_error(&src))
}

/// Compiles a function created at run time (`new Function(...)`, spec
/// #sec-createdynamicfunction) from the parser's `FunctionParts`: a function whose outer
/// scope is the global scope. `source` is the assembled source text.
pub fn compile_function(
    function: &ast::Function,
    atoms: &mut AtomTable,
    source: Rc<str>,
    filename: &str,
    template_site_base: u32,
) -> Result<Rc<FunctionBytecode>, SyntaxError> {
    let src = source.clone();
    let mut c = Compiler::new(atoms, source, filename, template_site_base);
    // A container standing for the global scope (declares nothing).
    let container = c.new_func(FunctionKind::Script, false, None);
    c.cur = container;
    c.scope = c.funcs[container].scope;
    let anonymous = c.intern("anonymous");
    let r = c
        .function(function, Some(anonymous), None)
        .and_then(|child| {
            c.root = child;
            c.funcs[container].is_eval_caller = true;
            c.finish()
        });
    r.map_err(|e| e.into_syntax_error(&src))
}

/// The number of tagged-template site ids used by `f` and its nested functions.
pub fn count_template_sites(f: &FunctionBytecode) -> u32 {
    f.constants
        .iter()
        .map(|c| match c {
            Constant::TemplateObject { .. } => 1,
            Constant::Function(g) => count_template_sites(g),
            _ => 0,
        })
        .sum()
}

pub(crate) type FuncId = usize;
pub(crate) type ScopeId = usize;
pub(crate) type VarId = usize;

/// Where a variable lives in its function's frame.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    Arg(u16),
    Local(u16),
    /// A binding of the caller of a direct eval, reached through the caller's `ref[i]`.
    CallerRef(u16),
    /// A module import binding (index into `ModuleRecord::imports`).
    Import(u16),
}

#[derive(Clone, Debug)]
pub(crate) struct Var {
    pub name: Atom,
    pub kind: BindingKind,
    pub func: FuncId,
    pub slot: Slot,
    /// Referenced from a nested function or eval: lives in a cell.
    pub captured: bool,
    /// For captured arguments: the local slot of the cell.
    pub cell_slot: Option<u16>,
    /// Referenced at all (prologue initialization of hidden variables is skipped otherwise).
    pub used: bool,
    /// Needs TDZ checks (let/const/class, `this` in derived constructors).
    pub tdz: bool,
    /// The VM creates the cell (module exports).
    pub vm_cell: bool,
    /// Declared in a block/lexical scope (for eval `var` conflicts).
    pub lexical: bool,
    /// See `scope::Lexical::end`: references of the same function after this offset need
    /// no TDZ check.
    pub init_end: Option<u32>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum ScopeKind {
    /// A function's parameter/var scope (the var scope when parameters are simple).
    Function,
    /// The separate var scope of a function with parameter expressions.
    BodyVar,
    Block,
    /// A `with` body: the object is in the variable.
    With(VarId),
    /// The scope holding a named function expression's own name.
    FuncName,
    /// Bindings of a direct eval caller (one per eval binding, to keep order).
    EvalOuter,
    /// A dynamic scope of the direct-eval caller (`with` object or variable object).
    EvalDynamic(VarId, bool),
    Class,
}

#[derive(Clone, Debug)]
pub(crate) struct Scope {
    pub parent: Option<ScopeId>,
    pub func: FuncId,
    pub kind: ScopeKind,
    pub names: Vec<(Atom, VarId)>,
    /// Var scope of a sloppy function with direct eval: its variable object.
    pub var_object: Option<VarId>,
}

/// A constant before lowering (child functions are referenced by id).
#[derive(Clone, Debug)]
pub(crate) enum ConstIr {
    Plain(Constant),
    Function(FuncId),
}

/// Per-function compile state.
pub(crate) struct FuncState {
    pub parent: Option<FuncId>,
    pub kind: FunctionKind,
    pub flags: u16,
    pub name: Atom,
    pub length: u32,
    pub arg_count: u16,
    pub code: Vec<Ir>,
    pub constants: Vec<ConstIr>,
    pub const_index: HashMap<ConstKey, u32>,
    /// Locals in slot order: (name, kind, var id if a real variable).
    pub locals: Vec<(Atom, BindingKind, Option<VarId>)>,
    pub closure_vars: Vec<(VarId, ClosureVar)>,
    /// The outermost scope of the function (parameters).
    pub scope: ScopeId,
    /// Where `var`s go.
    pub var_scope: ScopeId,
    pub next_label: LabelId,
    pub next_handler: u32,
    pub source_start: u32,
    pub source_end: u32,
    pub mapped_args_base: u16,
    /// Free temporaries (local slots) for reuse.
    pub free_temps: Vec<u16>,
    /// Hidden variables (declared in `scope`).
    pub this_var: Option<VarId>,
    pub new_target_var: Option<VarId>,
    pub home_var: Option<VarId>,
    pub func_var: Option<VarId>,
    pub arguments_var: Option<VarId>,
    /// Named function expression self binding.
    pub self_var: Option<VarId>,
    pub module: Option<ModuleRecord>,
    /// For generators/async: body is a generator-like frame.
    pub is_generator: bool,
    pub is_async: bool,
    pub strict: bool,
    /// Pseudo function standing for a direct-eval caller (never lowered).
    pub is_eval_caller: bool,
    /// Annex B hoisted block functions (by address of the AST node).
    pub annex_b: HashSet<usize>,
    pub completion: Option<VarId>,
    pub in_class_field_init: bool,
    /// `var`s of this code are global-object properties (scripts, sloppy global eval).
    pub vars_global: bool,
    /// Creates a mapped arguments object when `arguments` is used (sloppy, simple params,
    /// parameter cells allocated consecutively from `mapped_args_base`).
    pub mapped_arguments: bool,
}

/// Atoms of the hidden variable names (not valid identifiers, so they never collide).
#[derive(Copy, Clone, Debug)]
pub(crate) struct Hidden {
    pub new_target: Atom,
    pub home: Atom,
    pub func: Atom,
    pub var_object: Atom,
    pub with: Atom,
    pub completion: Atom,
    pub brand: Atom,
    pub static_brand: Atom,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ConstKey {
    Number(u64),
    String(Atom),
}

pub(crate) struct Compiler<'a, 'ast> {
    /// Control-flow stack of the function being generated (break/continue/return targets).
    pub control: Vec<stmt::Control<'ast>>,
    /// Short-circuit labels of the enclosing optional chains (innermost last).
    pub optional: Vec<LabelId>,
    /// The next compiled function is a declaration (no self-binding).
    pub next_is_decl: bool,
    /// `reference()` is evaluating a write target (inner expressions reset it).
    pub ref_for_write: bool,
    pub atoms: &'a mut AtomTable,
    pub source: Rc<str>,
    pub filename: Rc<str>,
    pub line_starts: Vec<u32>,
    pub funcs: Vec<FuncState>,
    pub scopes: Vec<Scope>,
    pub vars: Vec<Var>,
    pub cur: FuncId,
    pub scope: ScopeId,
    pub template_site: u32,
    pub depth: u32,
    /// Private-name environments of enclosing classes (innermost last).
    /// Results of lowering, by function id.
    pub lowered: Vec<Option<Rc<FunctionBytecode>>>,
    pub eval_scope: Option<Rc<EvalScope>>,
    /// Direct eval: the caller's variable object (innermost of the caller's own function).
    pub eval_var_object: Option<VarId>,
    pub root: FuncId,
    pub hidden: Hidden,
}

impl FuncState {
    pub(crate) fn flags_has(&self, bit: u16) -> bool {
        self.flags & bit != 0
    }
}

impl<'a, 'ast> Compiler<'a, 'ast> {
    fn new(
        atoms: &'a mut AtomTable,
        source: Rc<str>,
        filename: &str,
        template_site: u32,
    ) -> Compiler<'a, 'ast> {
        let mut line_starts = vec![0u32];
        for (i, b) in source.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i as u32 + 1);
            }
        }
        let hidden = Hidden {
            new_target: atoms.intern("new.target"),
            home: atoms.intern("<home>"),
            func: atoms.intern("<func>"),
            var_object: atoms.intern("<varobj>"),
            with: atoms.intern("<with>"),
            completion: atoms.intern("<completion>"),
            brand: atoms.intern("<brand>"),
            static_brand: atoms.intern("<static_brand>"),
        };
        Compiler {
            control: Vec::new(),
            optional: Vec::new(),
            next_is_decl: false,
            ref_for_write: false,
            hidden,
            atoms,
            source,
            filename: filename.into(),
            line_starts,
            funcs: Vec::new(),
            scopes: Vec::new(),
            vars: Vec::new(),
            cur: 0,
            scope: 0,
            template_site,
            depth: 0,
            lowered: Vec::new(),
            eval_scope: None,
            eval_var_object: None,
            root: 0,
        }
    }

    pub(crate) fn err<T>(&self, span: Span, msg: impl Into<String>) -> CResult<T> {
        Err(CompileError {
            message: msg.into(),
            span,
        })
    }

    /// Enters one level of recursion.
    pub(crate) fn enter(&mut self, span: Span) -> CResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err(span, "too much nesting for the compiler");
        }
        Ok(())
    }
    pub(crate) fn leave(&mut self) {
        self.depth -= 1;
    }

    pub(crate) fn f(&mut self) -> &mut FuncState {
        &mut self.funcs[self.cur]
    }

    pub(crate) fn emit(&mut self, ir: Ir) {
        self.funcs[self.cur].code.push(ir);
    }

    pub(crate) fn intern(&mut self, s: &str) -> Atom {
        self.atoms.intern(s)
    }

    /// Creates a function state and its outermost scope; does not switch to it.
    pub(crate) fn new_func(
        &mut self,
        kind: FunctionKind,
        strict: bool,
        parent_scope: Option<ScopeId>,
    ) -> FuncId {
        let id = self.funcs.len();
        let scope = self.scopes.len();
        self.scopes.push(Scope {
            parent: parent_scope,
            func: id,
            kind: ScopeKind::Function,
            names: Vec::new(),
            var_object: None,
        });
        self.funcs.push(FuncState {
            parent: parent_scope.map(|s| self.scopes[s].func),
            kind,
            flags: if strict { FunctionFlags::STRICT } else { 0 },
            name: Atom::Empty,
            length: 0,
            arg_count: 0,
            code: Vec::new(),
            constants: Vec::new(),
            const_index: HashMap::new(),
            locals: Vec::new(),
            closure_vars: Vec::new(),
            scope,
            var_scope: scope,
            next_label: 0,
            next_handler: 0,
            source_start: 0,
            source_end: 0,
            mapped_args_base: 0,
            free_temps: Vec::new(),
            this_var: None,
            new_target_var: None,
            home_var: None,
            func_var: None,
            arguments_var: None,
            self_var: None,
            module: None,
            is_generator: false,
            is_async: false,
            strict,
            is_eval_caller: false,
            annex_b: HashSet::new(),
            completion: None,
            in_class_field_init: false,
            vars_global: false,
            mapped_arguments: false,
        });
        self.lowered.push(None);
        id
    }

    /// Allocates a local slot in the current function.
    pub(crate) fn alloc_local(
        &mut self,
        name: Atom,
        kind: BindingKind,
        var: Option<VarId>,
    ) -> CResult<u16> {
        let f = &mut self.funcs[self.cur];
        let n = f.locals.len();
        if n >= u16::MAX as usize {
            return Err(CompileError {
                message: "too many local variables".into(),
                span: Span::default(),
            });
        }
        f.locals.push((name, kind, var));
        Ok(n as u16)
    }

    /// Declares a variable in `scope` (returns the existing one if already declared there).
    pub(crate) fn declare(
        &mut self,
        scope: ScopeId,
        name: Atom,
        kind: BindingKind,
    ) -> CResult<VarId> {
        if let Some(&(_, v)) = self.scopes[scope].names.iter().find(|(n, _)| *n == name) {
            return Ok(v);
        }
        let func = self.scopes[scope].func;
        let id = self.vars.len();
        let saved = self.cur;
        self.cur = func;
        let slot = self.alloc_local(name, kind, Some(id));
        self.cur = saved;
        let slot = slot?;
        let lexical = matches!(self.scopes[scope].kind, ScopeKind::Block | ScopeKind::Class)
            || matches!(
                kind,
                BindingKind::Let | BindingKind::Const | BindingKind::Class
            );
        self.vars.push(Var {
            name,
            kind,
            func,
            slot: Slot::Local(slot),
            captured: false,
            cell_slot: None,
            used: false,
            tdz: matches!(
                kind,
                BindingKind::Let | BindingKind::Const | BindingKind::Class
            ),
            vm_cell: false,
            lexical,
            init_end: None,
        });
        self.scopes[scope].names.push((name, id));
        Ok(id)
    }

    /// Declares a parameter bound directly to argument slot `index`.
    pub(crate) fn declare_arg(&mut self, scope: ScopeId, name: Atom, index: u16) -> VarId {
        if let Some(&(_, v)) = self.scopes[scope].names.iter().find(|(n, _)| *n == name) {
            // Duplicate parameter names (sloppy): the last one wins.
            self.vars[v].slot = Slot::Arg(index);
            return v;
        }
        let id = self.vars.len();
        self.vars.push(Var {
            name,
            kind: BindingKind::Param,
            func: self.scopes[scope].func,
            slot: Slot::Arg(index),
            captured: false,
            cell_slot: None,
            used: false,
            tdz: false,
            vm_cell: false,
            lexical: false,
            init_end: None,
        });
        self.scopes[scope].names.push((name, id));
        id
    }

    pub(crate) fn new_scope(&mut self, kind: ScopeKind) -> ScopeId {
        let id = self.scopes.len();
        self.scopes.push(Scope {
            parent: Some(self.scope),
            func: self.cur,
            kind,
            names: Vec::new(),
            var_object: None,
        });
        id
    }

    /// A temporary local slot (not a variable).
    pub(crate) fn temp(&mut self) -> CResult<u16> {
        if let Some(t) = self.funcs[self.cur].free_temps.pop() {
            return Ok(t);
        }
        self.alloc_local(Atom::Empty, BindingKind::Hidden, None)
    }
    pub(crate) fn free_temp(&mut self, t: u16) {
        self.funcs[self.cur].free_temps.push(t);
    }

    pub(crate) fn add_const(&mut self, c: Constant) -> CResult<u32> {
        let key = match &c {
            Constant::Number(n) => Some(ConstKey::Number(n.to_bits())),
            Constant::String(a) => Some(ConstKey::String(*a)),
            _ => None,
        };
        let f = &mut self.funcs[self.cur];
        if let Some(k) = &key {
            if let Some(&i) = f.const_index.get(k) {
                return Ok(i);
            }
        }
        let i = f.constants.len() as u32;
        if i == u32::MAX {
            return Err(CompileError {
                message: "too many constants".into(),
                span: Span::default(),
            });
        }
        f.constants.push(ConstIr::Plain(c));
        if let Some(k) = key {
            f.const_index.insert(k, i);
        }
        Ok(i)
    }

    pub(crate) fn add_func_const(&mut self, child: FuncId) -> u32 {
        let f = &mut self.funcs[self.cur];
        f.constants.push(ConstIr::Function(child));
        (f.constants.len() - 1) as u32
    }

    pub(crate) fn new_label(&mut self) -> LabelId {
        let f = &mut self.funcs[self.cur];
        f.next_label += 1;
        f.next_label - 1
    }

    /// Line/column of a byte offset (1-based).
    pub(crate) fn line_col(&self, offset: u32) -> (u32, u32) {
        let i = self.line_starts.partition_point(|&s| s <= offset);
        let line = i.max(1);
        let start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        (line as u32, offset.saturating_sub(start) + 1)
    }

    /// Lowers every function, children first, and returns the root.
    fn finish(mut self) -> CResult<Rc<FunctionBytecode>> {
        for id in (0..self.funcs.len()).rev() {
            if self.funcs[id].is_eval_caller {
                continue;
            }
            let fb = self.lower_function(id)?;
            self.lowered[id] = Some(Rc::new(fb));
        }
        match self.lowered.get_mut(self.root).and_then(|s| s.take()) {
            Some(f) => Ok(f),
            None => self.err(Span::default(), "internal: no root function"),
        }
    }
}
