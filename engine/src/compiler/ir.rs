//! The compiler's intermediate code and its lowering to bytecode: name resolution (slots,
//! cells, closure variables, `with`/variable-object probes, globals), jump label fixups,
//! stack depth computation, exception handler ranges and the line table.
//!
//! Invariants: lowering of a function happens after every nested function was lowered (so
//! capture facts are final); a stack underflow or an unknown label is an internal error
//! reported as a [`CompileError`], never a panic.

use std::collections::HashMap;
use std::rc::Rc;

use super::{CResult, CompileError, Compiler, ConstIr, FuncId, ScopeId, ScopeKind, Slot, VarId};
use crate::ast::Span;
use crate::atoms::Atom;
use crate::bytecode::{
    BindingKind, ClosureSource, ClosureVar, Constant, DynamicScope, Emitter, EvalBinding,
    EvalLocation, EvalScope, Format, FunctionBytecode, FunctionFlags, FunctionKind, Handler,
    LineEntry, LocalInfo, ModuleRecord, Op, SpecialObject, ThrowKind,
};

pub(crate) type LabelId = u32;

/// How a variable is accessed.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    /// → value (ReferenceError if unresolvable or in TDZ).
    Get,
    /// → value, undefined if unresolvable (`typeof x`).
    GetTypeof,
    /// → this func (for a call `x()`).
    GetCall,
    /// → value without TDZ check (hidden variables).
    GetRaw,
    /// v → ; PutValue (assignment).
    Put,
    /// v → ; initialize the binding (declarations).
    Init,
    /// v → ; initialize `this` after super(): ReferenceError if already initialized.
    InitThis,
    /// → bool (`delete x`).
    Delete,
    /// The reference of an assignment target, resolved before its value is computed
    /// (spec: ResolveBinding happens first): `→ base` where base is the `with` / variable
    /// object holding the binding or undefined. Names with no dynamic scope on their path
    /// push nothing, and the `*Resolved` accesses below become the static ones.
    Resolve,
    /// `base → base value` (GetValue of the resolved reference).
    GetResolved,
    /// `base v → ` (PutValue of the resolved reference).
    PutResolved,
    /// `base v → v base v` (keep the value below the reference).
    DupBelowResolved,
    /// `base v → v` (drop the reference).
    NipResolved,
}

#[derive(Clone, Debug)]
pub(crate) enum Ir {
    /// A non-jump instruction with its operands (`a`, `b` per format; labels not allowed).
    Op(Op, u32, u32),
    /// goto / if_true / if_false.
    Jump(Op, LabelId),
    Label(LabelId),
    /// A variable access by name, resolved from `scope`.
    Var(Access, Atom, ScopeId),
    /// An access to a known variable (declarations, hidden variables).
    VarId(Access, VarId),
    /// Start (or restart) of a handler's protected range.
    TryBegin(u32, LabelId),
    /// End of a handler's protected range.
    TryEnd(u32),
    /// Source position (byte offset) of the following instructions.
    Pos(u32),
    /// Create cells / TDZ markers for a scope's variables.
    EnterScope(ScopeId),
    /// Fresh cells for a loop iteration.
    CopyScope(ScopeId),
    /// The function prologue (hidden variables, argument cells).
    Prologue,
    /// `call_eval argc site` / `apply_eval site` at the given scope.
    CallEval(u16, ScopeId),
    ApplyEval(ScopeId),
}

/// Where a resolved variable is, from the accessing function.
#[derive(Copy, Clone, Debug)]
enum Loc {
    Local(u16),
    Cell(u16),
    Arg(u16),
    Ref(u16),
}

enum Target {
    Var(VarId),
    Global,
}

struct Lowering {
    em: Emitter,
    /// (operand position, instruction pc, label)
    fixups: Vec<(usize, u32, LabelId)>,
    labels: HashMap<LabelId, u32>,
    label_depth: HashMap<LabelId, i32>,
    depth: Option<i32>,
    max: i32,
    next_label: LabelId,
    /// handler id → (start pc of the open range, target label, depth)
    open: HashMap<u32, (u32, LabelId, i32)>,
    /// (start, end, label, depth) in closing order.
    ranges: Vec<(u32, u32, LabelId, i32)>,
    lines: Vec<LineEntry>,
    pending_pos: Option<u32>,
    /// Source offset of the latest `Ir::Pos` (for TDZ check elision).
    last_pos: u32,
    eval_site_index: HashMap<ScopeId, u16>,
}

impl Lowering {
    fn op(&mut self, op: Op, a: u32, b: u32) -> CResult<()> {
        let (pops, pushes) = op.stack_effect(a);
        let Some(d) = self.depth else {
            // Unreachable code (after a throw/return/goto with no jump to here).
            self.em.emit(op, a, b, 0);
            return Ok(());
        };
        let nd = d - pops as i32;
        if nd < 0 {
            return Err(internal(format!("stack underflow at {}", op.name())));
        }
        let nd = nd + pushes as i32;
        self.max = self.max.max(nd);
        self.depth = match op {
            Op::Goto | Op::Return | Op::ReturnUndef | Op::Throw | Op::ThrowError => None,
            _ => Some(nd),
        };
        self.em.emit(op, a, b, 0);
        Ok(())
    }

    fn jump_like(
        &mut self,
        op: Op,
        atom: u32,
        label: LabelId,
        c: u32,
        target_delta: i32,
    ) -> CResult<()> {
        // with_* ops: the target depth differs from the fall-through depth.
        let pc = self.em.pc();
        let Some(d) = self.depth else {
            self.em.emit(op, atom, pc, c);
            self.fixups.push((pc as usize + 1 + 4, pc, label));
            return Ok(());
        };
        self.note_label_depth(label, d + target_delta);
        let (pops, pushes) = op.stack_effect(0);
        let nd = d - pops as i32 + pushes as i32;
        if nd < 0 || d + target_delta < 0 {
            return Err(internal(format!("stack underflow at {}", op.name())));
        }
        self.max = self.max.max(nd).max(d + target_delta);
        self.depth = Some(nd);
        self.em.emit(op, atom, pc, c);
        // Operand layout of AtomLabelU8: atom (4) then label (4).
        self.fixups.push((pc as usize + 1 + 4, pc, label));
        Ok(())
    }

    fn jump(&mut self, op: Op, label: LabelId) -> CResult<()> {
        let Some(d) = self.depth else {
            let pc = self.em.pc();
            self.em.emit(op, pc, 0, 0);
            self.fixups.push((pc as usize + 1, pc, label));
            return Ok(());
        };
        let after = if op == Op::Goto { d } else { d - 1 };
        if after < 0 {
            return Err(internal("stack underflow at jump".into()));
        }
        self.note_label_depth(label, after);
        let pc = self.em.pc();
        self.em.emit(op, pc, 0, 0);
        self.fixups.push((pc as usize + 1, pc, label));
        self.depth = if op == Op::Goto { None } else { Some(after) };
        Ok(())
    }

    fn note_label_depth(&mut self, label: LabelId, d: i32) {
        let e = self.label_depth.entry(label).or_insert(d);
        *e = (*e).max(d);
    }

    fn label(&mut self, label: LabelId) {
        self.labels.insert(label, self.em.pc());
        let recorded = self.label_depth.get(&label).copied();
        self.depth = match (self.depth, recorded) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (Some(a), None) => Some(a),
            (None, Some(b)) => Some(b),
            (None, None) => None,
        };
    }

    fn fresh_label(&mut self) -> LabelId {
        self.next_label += 1;
        self.next_label - 1
    }
}

fn internal(msg: String) -> CompileError {
    CompileError {
        message: format!("internal compiler error: {msg}"),
        span: Span::default(),
    }
}

/// Names that are hidden variables (never affected by `with` or variable objects).
pub(crate) fn is_hidden_name(c: &Compiler<'_, '_>, name: Atom) -> bool {
    if name == Atom::This {
        return true;
    }
    match c.atoms.text(name) {
        Some(t) => t.first().is_some_and(|&u| u == b'<' as u16) || t.contains(&(b'.' as u16)),
        None => false,
    }
}

impl Compiler<'_, '_> {
    /// Resolves `name` from `scope`: the dynamic probes to try first, then the target.
    fn resolve(&self, name: Atom, scope: ScopeId) -> (Vec<(VarId, bool)>, Target) {
        let hidden = is_hidden_name(self, name);
        let mut probes = Vec::new();
        let mut s = Some(scope);
        while let Some(id) = s {
            let sc = &self.scopes[id];
            if !hidden {
                match sc.kind {
                    ScopeKind::With(v) => probes.push((v, true)),
                    ScopeKind::EvalDynamic(v, is_with) => probes.push((v, is_with)),
                    _ => {}
                }
            }
            if let Some(&(_, v)) = sc.names.iter().find(|(n, _)| *n == name) {
                return (probes, Target::Var(v));
            }
            if !hidden {
                if let Some(vo) = sc.var_object {
                    probes.push((vo, false));
                }
            }
            s = sc.parent;
        }
        (probes, Target::Global)
    }

    /// The closure-variable index of `var` in function `f` (created along the chain).
    fn closure_index(&mut self, f: FuncId, var: VarId) -> CResult<u16> {
        if let Some(i) = self.funcs[f]
            .closure_vars
            .iter()
            .position(|(v, _)| *v == var)
        {
            return Ok(i as u16);
        }
        let source = if self.vars[var].func == f {
            match self.vars[var].slot {
                Slot::Import(i) => ClosureSource::Import(i),
                _ => return Err(internal("closure variable of its own function".into())),
            }
        } else {
            let parent = match self.funcs[f].parent {
                Some(p) => p,
                None => return Err(internal("closure variable without parent".into())),
            };
            if self.vars[var].func == parent {
                self.vars[var].captured = true;
                self.vars[var].used = true;
                match self.vars[var].slot {
                    Slot::Local(i) => ClosureSource::ParentLocal(i),
                    Slot::CallerRef(i) => ClosureSource::ParentClosure(i),
                    Slot::Arg(_) => ClosureSource::ParentLocal(self.arg_cell(var)?),
                    Slot::Import(_) => {
                        ClosureSource::ParentClosure(self.closure_index(parent, var)?)
                    }
                }
            } else {
                ClosureSource::ParentClosure(self.closure_index(parent, var)?)
            }
        };
        let v = &self.vars[var];
        let cv = ClosureVar {
            name: v.name,
            kind: v.kind,
            source,
        };
        let list = &mut self.funcs[f].closure_vars;
        if list.len() >= u16::MAX as usize {
            return Err(CompileError {
                message: "too many closure variables".into(),
                span: Span::default(),
            });
        }
        list.push((var, cv));
        Ok((list.len() - 1) as u16)
    }

    /// The cell slot of a captured argument (allocated on first capture).
    fn arg_cell(&mut self, var: VarId) -> CResult<u16> {
        if let Some(s) = self.vars[var].cell_slot {
            return Ok(s);
        }
        let owner = self.vars[var].func;
        let saved = self.cur;
        self.cur = owner;
        let name = self.vars[var].name;
        let r = self.alloc_local(name, BindingKind::Param, Some(var));
        self.cur = saved;
        let s = r?;
        self.vars[var].cell_slot = Some(s);
        Ok(s)
    }

    fn loc_of(&mut self, f: FuncId, var: VarId) -> CResult<Loc> {
        self.vars[var].used = true;
        if self.vars[var].func != f {
            return Ok(Loc::Ref(self.closure_index(f, var)?));
        }
        let v = &self.vars[var];
        Ok(match v.slot {
            Slot::Local(i) if v.captured || v.vm_cell => Loc::Cell(i),
            Slot::Local(i) => Loc::Local(i),
            Slot::Arg(_) if v.captured => Loc::Cell(self.arg_cell(var)?),
            Slot::Arg(j) => Loc::Arg(j),
            Slot::Import(_) => Loc::Ref(self.closure_index(f, var)?),
            Slot::CallerRef(_) => {
                return Err(internal("eval caller variable accessed directly".into()))
            }
        })
    }

    fn emit_get(&mut self, lw: &mut Lowering, loc: Loc, check: bool) -> CResult<()> {
        match (loc, check) {
            (Loc::Local(i), false) => lw.op(Op::GetLoc, i as u32, 0),
            (Loc::Local(i), true) => lw.op(Op::GetLocCheck, i as u32, 0),
            (Loc::Cell(i), false) => lw.op(Op::GetCell, i as u32, 0),
            (Loc::Cell(i), true) => lw.op(Op::GetCellCheck, i as u32, 0),
            (Loc::Arg(i), _) => lw.op(Op::GetArg, i as u32, 0),
            (Loc::Ref(i), false) => lw.op(Op::GetRef, i as u32, 0),
            (Loc::Ref(i), true) => lw.op(Op::GetRefCheck, i as u32, 0),
        }
    }

    fn emit_put(&mut self, lw: &mut Lowering, loc: Loc, check: bool) -> CResult<()> {
        match (loc, check) {
            (Loc::Local(i), false) => lw.op(Op::PutLoc, i as u32, 0),
            (Loc::Local(i), true) => lw.op(Op::PutLocCheck, i as u32, 0),
            (Loc::Cell(i), false) => lw.op(Op::PutCell, i as u32, 0),
            (Loc::Cell(i), true) => lw.op(Op::PutCellCheck, i as u32, 0),
            (Loc::Arg(i), _) => lw.op(Op::PutArg, i as u32, 0),
            (Loc::Ref(i), false) => lw.op(Op::PutRef, i as u32, 0),
            (Loc::Ref(i), true) => lw.op(Op::PutRefCheck, i as u32, 0),
        }
    }

    /// Emits an access to a known variable from function `f`.
    fn emit_var_access(
        &mut self,
        lw: &mut Lowering,
        f: FuncId,
        acc: Access,
        var: VarId,
    ) -> CResult<()> {
        let loc = self.loc_of(f, var)?;
        let mut v = self.vars[var].clone();
        let strict = self.funcs[f].strict;
        // TDZ elision: same function, textually after the declaring statement.
        if v.tdz && v.func == f && v.init_end.is_some_and(|e| lw.last_pos >= e) {
            v.tdz = false;
        }
        match acc {
            Access::Get | Access::GetTypeof => self.emit_get(lw, loc, v.tdz),
            Access::GetRaw => self.emit_get(lw, loc, false),
            Access::GetCall => {
                lw.op(Op::PushUndefined, 0, 0)?;
                self.emit_get(lw, loc, v.tdz)
            }
            Access::Init => self.emit_put(lw, loc, false),
            Access::InitThis => match loc {
                Loc::Local(i) => lw.op(Op::PutLocCheckInit, i as u32, 0),
                Loc::Cell(i) => lw.op(Op::PutCellCheckInit, i as u32, 0),
                Loc::Ref(i) => lw.op(Op::PutRefCheckInit, i as u32, 0),
                Loc::Arg(_) => Err(internal("this in an argument slot".into())),
            },
            Access::Put => match v.kind {
                BindingKind::Const | BindingKind::Import => {
                    lw.op(Op::Drop, 0, 0)?;
                    if v.tdz {
                        self.emit_get(lw, loc, true)?;
                        lw.op(Op::Drop, 0, 0)?;
                    }
                    let d = lw.depth;
                    lw.op(Op::ThrowError, v.name.raw(), ThrowKind::ConstAssign as u32)?;
                    lw.depth = d;
                    Ok(())
                }
                BindingKind::FunctionName => {
                    lw.op(Op::Drop, 0, 0)?;
                    if strict {
                        let d = lw.depth;
                        lw.op(Op::ThrowError, v.name.raw(), ThrowKind::ConstAssign as u32)?;
                        lw.depth = d;
                    }
                    Ok(())
                }
                _ => self.emit_put(lw, loc, v.tdz),
            },
            Access::Delete => lw.op(Op::PushFalse, 0, 0),
            // A statically known variable: the resolved forms are the plain ones.
            Access::Resolve | Access::NipResolved => Ok(()),
            Access::DupBelowResolved => lw.op(Op::Dup, 0, 0),
            Access::GetResolved => self.emit_var_access(lw, f, Access::Get, var),
            Access::PutResolved => self.emit_var_access(lw, f, Access::Put, var),
        }
    }

    /// Loads a probe object (a `with` object or variable object) without checks.
    fn emit_probe_load(&mut self, lw: &mut Lowering, f: FuncId, var: VarId) -> CResult<()> {
        let loc = self.loc_of(f, var)?;
        self.emit_get(lw, loc, false)
    }

    fn emit_named_access(
        &mut self,
        lw: &mut Lowering,
        f: FuncId,
        acc: Access,
        name: Atom,
        scope: ScopeId,
    ) -> CResult<()> {
        let (probes, target) = self.resolve(name, scope);
        let end = lw.fresh_label();
        let has_probes = !probes.is_empty();
        match acc {
            Access::Resolve => {
                if !has_probes {
                    return Ok(());
                }
                for (obj, is_with) in probes {
                    self.emit_probe_load(lw, f, obj)?;
                    lw.jump_like(Op::WithResolve, name.raw(), end, is_with as u32, 0)?;
                }
                lw.op(Op::PushUndefined, 0, 0)?;
                lw.label(end);
                return Ok(());
            }
            Access::DupBelowResolved => {
                let op = if has_probes { Op::Insert2 } else { Op::Dup };
                return lw.op(op, 0, 0);
            }
            Access::NipResolved => {
                return if has_probes {
                    lw.op(Op::Nip, 0, 0)
                } else {
                    Ok(())
                };
            }
            Access::GetResolved | Access::PutResolved if has_probes => {
                // A resolved base (bit 2) or undefined: then the static access below.
                let w = probes.first().is_some_and(|p| p.1) as u32 | 2;
                if acc == Access::GetResolved {
                    lw.op(Op::Dup, 0, 0)?;
                    lw.jump_like(Op::WithGetVar, name.raw(), end, w, 0)?;
                } else {
                    lw.op(Op::Swap, 0, 0)?;
                    lw.jump_like(Op::WithPutVar, name.raw(), end, w, -2)?;
                }
                let static_acc = if acc == Access::GetResolved {
                    Access::Get
                } else {
                    Access::Put
                };
                self.emit_static_access(lw, f, static_acc, name, target)?;
                lw.label(end);
                return Ok(());
            }
            Access::GetResolved => {
                return self.emit_static_access(lw, f, Access::Get, name, target);
            }
            Access::PutResolved => {
                return self.emit_static_access(lw, f, Access::Put, name, target);
            }
            _ => {}
        }
        for (obj, is_with) in probes {
            let w = is_with as u32;
            match acc {
                Access::Get | Access::GetTypeof | Access::GetRaw => {
                    self.emit_probe_load(lw, f, obj)?;
                    lw.jump_like(Op::WithGetVar, name.raw(), end, w, 0)?;
                }
                Access::GetCall => {
                    self.emit_probe_load(lw, f, obj)?;
                    lw.jump_like(Op::WithGetRef, name.raw(), end, w, 1)?;
                }
                Access::Put | Access::Init | Access::InitThis => {
                    self.emit_probe_load(lw, f, obj)?;
                    lw.jump_like(Op::WithPutVar, name.raw(), end, w, -2)?;
                }
                Access::Delete => {
                    self.emit_probe_load(lw, f, obj)?;
                    lw.jump_like(Op::WithDeleteVar, name.raw(), end, w, 0)?;
                }
                _ => return Err(internal("resolved access in a probe".into())),
            }
        }
        self.emit_static_access(lw, f, acc, name, target)?;
        if has_probes {
            lw.label(end);
        }
        Ok(())
    }

    /// The access to the statically resolved target of a name (after any dynamic probes).
    fn emit_static_access(
        &mut self,
        lw: &mut Lowering,
        f: FuncId,
        acc: Access,
        name: Atom,
        target: Target,
    ) -> CResult<()> {
        match target {
            Target::Var(v) => self.emit_var_access(lw, f, acc, v)?,
            Target::Global => match acc {
                Access::Get | Access::GetRaw => lw.op(Op::GetVar, name.raw(), 0)?,
                Access::GetTypeof => lw.op(Op::GetVarUndef, name.raw(), 0)?,
                Access::GetCall => {
                    lw.op(Op::PushUndefined, 0, 0)?;
                    lw.op(Op::GetVar, name.raw(), 0)?;
                }
                Access::Put => lw.op(Op::PutVar, name.raw(), 0)?,
                Access::Init | Access::InitThis => lw.op(Op::PutVarInit, name.raw(), 0)?,
                Access::Delete => lw.op(Op::DeleteVar, name.raw(), 0)?,
                _ => return Err(internal("resolved access on a global".into())),
            },
        }
        Ok(())
    }

    /// Builds the eval scope for a direct-eval site and marks everything visible captured.
    fn build_eval_scope(&mut self, f: FuncId, scope: ScopeId) -> CResult<EvalScope> {
        let mut out = EvalScope {
            strict: self.funcs[f].strict,
            ..EvalScope::default()
        };
        let mut s = Some(scope);
        // The function whose var scope receives eval vars.
        let var_func = f;
        let mut passed_body_var = false;
        while let Some(id) = s {
            let sc = self.scopes[id].clone();
            let dynamic = match sc.kind {
                ScopeKind::With(v) => Some((v, DynamicScope::With)),
                ScopeKind::EvalDynamic(v, w) => Some((
                    v,
                    if w {
                        DynamicScope::With
                    } else {
                        DynamicScope::VarObject
                    },
                )),
                _ => None,
            };
            if let Some((v, d)) = dynamic {
                let loc = self.eval_loc(f, v)?;
                out.bindings.push(EvalBinding {
                    name: self.vars[v].name,
                    kind: BindingKind::Hidden,
                    loc,
                    dynamic: Some(d),
                    lexical: false,
                    same_function: self.vars[v].func == var_func,
                });
            }
            if sc.kind == ScopeKind::BodyVar && sc.func == f {
                passed_body_var = true;
            }
            // An eval in parameter expressions sees the parameters as a separate lexical
            // environment between itself and the var environment (FunctionDeclaration-
            // Instantiation step 20): a `var` of the same name is a SyntaxError.
            let params_env = sc.kind == ScopeKind::Function
                && sc.func == f
                && !passed_body_var
                && !self.funcs[f].flags_has(FunctionFlags::SIMPLE_PARAMS)
                && matches!(
                    self.funcs[f].kind,
                    FunctionKind::Normal
                        | FunctionKind::Arrow
                        | FunctionKind::Method
                        | FunctionKind::Getter
                        | FunctionKind::Setter
                        | FunctionKind::ClassConstructor
                        | FunctionKind::DerivedConstructor
                );
            for &(name, v) in &sc.names {
                let loc = self.eval_loc(f, v)?;
                let var = &self.vars[v];
                out.bindings.push(EvalBinding {
                    name,
                    kind: var.kind,
                    loc,
                    dynamic: None,
                    lexical: var.lexical || params_env,
                    same_function: var.func == var_func,
                });
            }
            if let Some(vo) = sc.var_object {
                let loc = self.eval_loc(f, vo)?;
                out.bindings.push(EvalBinding {
                    name: self.vars[vo].name,
                    kind: BindingKind::Hidden,
                    loc,
                    dynamic: Some(DynamicScope::VarObject),
                    lexical: false,
                    same_function: self.vars[vo].func == var_func,
                });
            }
            s = sc.parent;
        }
        let st = &self.funcs[f];
        out.var_scope_is_global = st.vars_global;
        // Arrows inherit the class-field-initializer context of their enclosing function.
        let mut g = Some(f);
        while let Some(id) = g {
            if self.funcs[id].in_class_field_init {
                out.in_class_field_init = true;
                break;
            }
            if self.funcs[id].kind != FunctionKind::Arrow {
                break;
            }
            g = self.funcs[id].parent;
        }
        let h = self.hidden;
        let bindings = out.bindings.clone();
        for b in &bindings {
            if b.name == h.new_target {
                out.in_function = true;
            } else if b.name == h.home {
                out.allow_super_property = true;
            } else if b.name == h.func {
                // `<func>` is declared only in derived constructors.
                out.allow_super_call = true;
            } else if let Some(t) = self.atoms.text(b.name) {
                // Private-name variables are `#x`, `#x()`, `#x get`...: report `x`.
                if t.first() == Some(&(b'#' as u16)) {
                    let end = t
                        .iter()
                        .position(|&u| u == b'(' as u16 || u == b' ' as u16)
                        .unwrap_or(t.len());
                    let plain: Vec<u16> = t.get(1..end).unwrap_or(&[]).to_vec();
                    let a = self.atoms.intern_utf16(&plain);
                    if !out.private_names.contains(&a) {
                        out.private_names.push(a);
                    }
                }
            }
        }
        if let Some(outer) = &self.eval_scope {
            if outer.in_class_field_init {
                out.in_class_field_init = true;
            }
        }
        Ok(out)
    }

    fn eval_loc(&mut self, f: FuncId, v: VarId) -> CResult<EvalLocation> {
        self.vars[v].used = true;
        if self.vars[v].func == f {
            self.vars[v].captured = true;
            Ok(match self.vars[v].slot {
                Slot::Local(i) => EvalLocation::Local(i),
                Slot::Arg(_) => EvalLocation::Local(self.arg_cell(v)?),
                Slot::CallerRef(_) | Slot::Import(_) => {
                    return Ok(EvalLocation::Closure(self.closure_index(f, v)?))
                }
            })
        } else {
            Ok(EvalLocation::Closure(self.closure_index(f, v)?))
        }
    }

    /// Expands the prologue and scope entries, resolves names, and encodes function `id`.
    pub(crate) fn lower_function(&mut self, id: FuncId) -> CResult<FunctionBytecode> {
        let code = std::mem::take(&mut self.funcs[id].code);
        let saved_cur = self.cur;
        self.cur = id;
        let mut lw = Lowering {
            em: Emitter::new(),
            fixups: Vec::new(),
            labels: HashMap::new(),
            label_depth: HashMap::new(),
            depth: Some(0),
            max: 0,
            next_label: self.funcs[id].next_label,
            open: HashMap::new(),
            ranges: Vec::new(),
            lines: Vec::new(),
            pending_pos: None,
            last_pos: 0,
            eval_site_index: HashMap::new(),
        };
        // Eval sites first: they capture everything visible.
        let mut sites: Vec<Rc<EvalScope>> = Vec::new();
        for ir in &code {
            if let Ir::CallEval(_, s) | Ir::ApplyEval(s) = ir {
                if !lw.eval_site_index.contains_key(s) {
                    let es = self.build_eval_scope(id, *s)?;
                    lw.eval_site_index.insert(*s, sites.len() as u16);
                    sites.push(Rc::new(es));
                }
            }
        }
        // Mark every variable this function touches as used before the prologue is lowered
        // (the prologue initializes hidden variables only when used).
        for ir in &code {
            match ir {
                Ir::VarId(_, v) => self.vars[*v].used = true,
                Ir::Var(_, name, s) => {
                    let (probes, target) = self.resolve(*name, *s);
                    for (p, _) in probes {
                        self.vars[p].used = true;
                    }
                    if let Target::Var(v) = target {
                        self.vars[v].used = true;
                    }
                }
                _ => {}
            }
        }
        if sites.len() > u16::MAX as usize {
            return Err(internal("too many eval sites".into()));
        }
        for ir in &code {
            self.lower_one(&mut lw, id, ir)?;
        }
        if lw.depth.is_some() {
            // Falling off the end returns undefined (the IR normally ends with a return).
            lw.op(Op::ReturnUndef, 0, 0)?;
        }
        // Close handler ranges left open (should not happen).
        let open: Vec<u32> = lw.open.keys().copied().collect();
        for h in open {
            self.close_range(&mut lw, h);
        }
        // Patch labels.
        let mut code_bytes = lw.em.code;
        for (pos, pc, label) in &lw.fixups {
            let target = *lw
                .labels
                .get(label)
                .ok_or_else(|| internal(format!("undefined label {label}")))?;
            let rel = (target as i64 - *pc as i64) as i32;
            if let Some(dst) = code_bytes.get_mut(*pos..*pos + 4) {
                dst.copy_from_slice(&rel.to_le_bytes());
            }
        }
        let mut handlers = Vec::new();
        for (start, end, label, depth) in &lw.ranges {
            if start >= end {
                continue;
            }
            let target = *lw
                .labels
                .get(label)
                .ok_or_else(|| internal(format!("undefined handler label {label}")))?;
            handlers.push(Handler {
                start: *start,
                end: *end,
                target,
                depth: *depth as u32,
            });
        }
        let st = &self.funcs[id];
        let mapped_cells = match st.arguments_var {
            Some(a) if st.mapped_arguments && self.vars[a].used => {
                let base = st.mapped_args_base as usize;
                base..base + st.arg_count as usize
            }
            _ => 0..0,
        };
        let locals: Vec<LocalInfo> = st
            .locals
            .iter()
            .enumerate()
            .map(|(i, (name, kind, var))| {
                let is_cell = mapped_cells.contains(&i)
                    || var.is_some_and(|v| {
                        let v = &self.vars[v];
                        match v.slot {
                            Slot::Local(_) => v.captured || v.vm_cell,
                            Slot::Arg(_) => v.captured && v.cell_slot == Some(i as u16),
                            _ => false,
                        }
                    });
                LocalInfo {
                    name: *name,
                    kind: *kind,
                    is_cell,
                }
            })
            .collect();
        let mut constants = Vec::with_capacity(st.constants.len());
        for c in &st.constants {
            constants.push(match c {
                ConstIr::Plain(c) => c.clone(),
                ConstIr::Function(child) => {
                    match self.lowered.get(*child).and_then(|x| x.clone()) {
                        Some(f) => Constant::Function(f),
                        None => return Err(internal("child function not lowered".into())),
                    }
                }
            });
        }
        let mut flags = st.flags;
        if st.strict {
            flags |= FunctionFlags::STRICT;
        }
        if let Some(a) = st.arguments_var {
            if self.vars[a].used {
                flags |= if st.mapped_arguments {
                    FunctionFlags::ARGUMENTS_MAPPED
                } else {
                    FunctionFlags::ARGUMENTS_UNMAPPED
                };
            }
        }
        let module = st.module.clone().map(|mut m: ModuleRecord| {
            m.vm_cells.sort_unstable();
            Box::new(m)
        });
        let fb = FunctionBytecode {
            name: st.name,
            kind: st.kind,
            flags: FunctionFlags(flags),
            length: st.length,
            arg_count: st.arg_count,
            local_count: st.locals.len() as u16,
            max_stack: lw.max.max(0) as u32,
            mapped_args_base: st.mapped_args_base,
            code: code_bytes,
            constants,
            locals,
            closure_vars: st.closure_vars.iter().map(|(_, c)| *c).collect(),
            exception_table: handlers,
            line_table: lw.lines,
            eval_sites: sites,
            module,
            source: self.source.clone(),
            source_start: st.source_start,
            source_end: st.source_end,
            filename: self.filename.clone(),
        };
        self.cur = saved_cur;
        Ok(fb)
    }

    fn close_range(&mut self, lw: &mut Lowering, h: u32) {
        if let Some((start, label, depth)) = lw.open.remove(&h) {
            lw.ranges.push((start, lw.em.pc(), label, depth));
        }
    }

    fn lower_one(&mut self, lw: &mut Lowering, f: FuncId, ir: &Ir) -> CResult<()> {
        if let Some(p) = lw.pending_pos.take() {
            if !matches!(ir, Ir::Label(_) | Ir::Pos(_)) {
                let (line, column) = self.line_col(p);
                let pc = lw.em.pc();
                match lw.lines.last_mut() {
                    Some(last) if last.pc == pc => {
                        last.line = line;
                        last.column = column;
                    }
                    Some(last) if last.line == line && last.column == column => {}
                    _ => lw.lines.push(LineEntry { pc, line, column }),
                }
            } else {
                lw.pending_pos = Some(p);
            }
        }
        match ir {
            Ir::Op(op, a, b) => {
                if matches!(op.format(), Format::Label | Format::AtomLabelU8) {
                    return Err(internal("label op in Ir::Op".into()));
                }
                lw.op(*op, *a, *b)?;
            }
            Ir::Jump(op, l) => lw.jump(*op, *l)?,
            Ir::Label(l) => lw.label(*l),
            Ir::Var(acc, name, scope) => self.emit_named_access(lw, f, *acc, *name, *scope)?,
            Ir::VarId(acc, v) => self.emit_var_access(lw, f, *acc, *v)?,
            Ir::TryBegin(h, label) => {
                let d = lw.depth.unwrap_or(0);
                let depth = match lw.ranges.iter().find(|r| r.2 == *label) {
                    Some(r) => r.3,
                    None => d,
                };
                lw.note_label_depth(*label, depth + 1);
                lw.open.insert(*h, (lw.em.pc(), *label, depth));
            }
            Ir::TryEnd(h) => self.close_range(lw, *h),
            Ir::Pos(p) => {
                lw.pending_pos = Some(*p);
                lw.last_pos = *p;
            }
            Ir::EnterScope(s) => self.lower_enter_scope(lw, f, *s)?,
            Ir::CopyScope(s) => {
                let names = self.scopes[*s].names.clone();
                for (_, v) in names {
                    let var = &self.vars[v];
                    if var.func == f && var.captured {
                        if let Slot::Local(i) = var.slot {
                            lw.op(Op::CopyCell, i as u32, 0)?;
                        }
                    }
                }
            }
            Ir::Prologue => self.lower_prologue(lw, f)?,
            Ir::CallEval(argc, s) => {
                let site = lw.eval_site_index.get(s).copied().unwrap_or(0);
                lw.op(Op::CallEval, *argc as u32, site as u32)?;
            }
            Ir::ApplyEval(s) => {
                let site = lw.eval_site_index.get(s).copied().unwrap_or(0);
                lw.op(Op::ApplyEval, site as u32, 0)?;
            }
        }
        Ok(())
    }

    fn lower_enter_scope(&mut self, lw: &mut Lowering, f: FuncId, s: ScopeId) -> CResult<()> {
        let names = self.scopes[s].names.clone();
        for (_, v) in names {
            let var = self.vars[v].clone();
            if var.func != f || var.vm_cell {
                continue;
            }
            let Slot::Local(i) = var.slot else { continue };
            if var.captured {
                lw.op(Op::NewCell, i as u32, 0)?;
                if !var.tdz {
                    lw.op(Op::PushUndefined, 0, 0)?;
                    lw.op(Op::PutCell, i as u32, 0)?;
                }
            } else if var.tdz {
                lw.op(Op::SetLocUninit, i as u32, 0)?;
            }
        }
        Ok(())
    }

    fn lower_prologue(&mut self, lw: &mut Lowering, f: FuncId) -> CResult<()> {
        let st = &self.funcs[f];
        let scope = st.scope;
        let (this_v, nt, home, func, args, selfv) = (
            st.this_var,
            st.new_target_var,
            st.home_var,
            st.func_var,
            st.arguments_var,
            st.self_var,
        );
        let derived = st.kind == FunctionKind::DerivedConstructor;
        let mapped = st.mapped_arguments;
        let arg_count = st.arg_count;
        // Mapped arguments alias every parameter's cell.
        if let Some(a) = args {
            if self.vars[a].used && mapped {
                let params: Vec<VarId> = self.scopes[scope]
                    .names
                    .iter()
                    .map(|&(_, v)| v)
                    .filter(|&v| matches!(self.vars[v].slot, Slot::Arg(_)))
                    .collect();
                for v in params {
                    self.vars[v].captured = true;
                }
            }
        }
        if let Some(sf) = selfv {
            if self.vars[sf].used {
                let sc = self.funcs[f].scope;
                if let Some(p) = self.scopes[sc].parent {
                    self.lower_enter_scope(lw, f, p)?;
                }
            }
        }
        self.lower_enter_scope(lw, f, scope)?;
        // Parameter cells: mapped-argument cells first (consecutive slots).
        if mapped && args.is_some_and(|a| self.vars[a].used) {
            let base = self.funcs[f].mapped_args_base;
            for j in 0..arg_count {
                lw.op(Op::NewCell, (base + j) as u32, 0)?;
                lw.op(Op::GetArg, j as u32, 0)?;
                lw.op(Op::PutCell, (base + j) as u32, 0)?;
            }
        } else {
            let params: Vec<VarId> = self.scopes[scope].names.iter().map(|&(_, v)| v).collect();
            for v in params {
                if let Slot::Arg(j) = self.vars[v].slot {
                    if self.vars[v].captured {
                        let cs = self.arg_cell(v)?;
                        lw.op(Op::NewCell, cs as u32, 0)?;
                        lw.op(Op::GetArg, j as u32, 0)?;
                        lw.op(Op::PutCell, cs as u32, 0)?;
                    }
                }
            }
        }
        let init = |c: &mut Self,
                    lw: &mut Lowering,
                    v: Option<VarId>,
                    special: Option<SpecialObject>|
         -> CResult<()> {
            let Some(v) = v else { return Ok(()) };
            if !c.vars[v].used {
                return Ok(());
            }
            match special {
                Some(s) => lw.op(Op::SpecialObject, s as u32, 0)?,
                None => lw.op(Op::PushThis, 0, 0)?,
            }
            c.emit_var_access(lw, f, Access::Init, v)
        };
        if !derived {
            init(self, lw, this_v, None)?;
        }
        init(self, lw, nt, Some(SpecialObject::NewTarget))?;
        init(self, lw, home, Some(SpecialObject::HomeObject))?;
        init(self, lw, func, Some(SpecialObject::ThisFunc))?;
        init(self, lw, selfv, Some(SpecialObject::ThisFunc))?;
        let args_kind = if mapped {
            SpecialObject::MappedArguments
        } else {
            SpecialObject::UnmappedArguments
        };
        init(self, lw, args, Some(args_kind))?;
        // Variable objects: the var scope's, and the parameter scope's when a direct eval
        // in parameter expressions declares vars there.
        let (ps, vs) = (self.funcs[f].scope, self.funcs[f].var_scope);
        let scopes = if ps == vs { vec![vs] } else { vec![ps, vs] };
        for sc in scopes {
            if let Some(vo) = self.scopes[sc].var_object {
                lw.op(Op::SpecialObject, SpecialObject::VarObject as u32, 0)?;
                self.emit_var_access(lw, f, Access::Init, vo)?;
            }
        }
        Ok(())
    }
}
