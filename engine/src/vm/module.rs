//! Modules: loading through the `Host` (resolve + load, synchronous), linking (export
//! resolution, import cells into the module closure's `ref[]`), instantiation (running the
//! prologue up to `initial_yield`) and evaluation in post order. Modules with top-level
//! await run as async bodies whose promise the evaluation returns.
//!
//! Known simplifications (reported): namespace objects are ordinary non-extensible objects
//! with getter accessors rather than exotic objects; evaluation of async dependencies does
//! not wait for them (spec async-module ordering); `import()` is not supported yet.
//!
//! Spec: #sec-cyclic-module-records, #sec-source-text-module-records

use super::frame::{Frame, FrameMode};
use super::interp::{run, Resume};
use super::{cell_get, new_cell, new_native_closure, Cell};
use crate::atoms::Atom;
use crate::bytecode::{ClosureSource, FunctionBytecode, FunctionFlags};
use crate::compiler::{self, CompileKind, CompileOptions};
use crate::object::{attrs, Obj, ObjectData, PropValue};
use crate::parser::{self, ParseOptions};
use crate::realm::{Cx, JsResult};
use crate::value::Value;
use std::rc::Rc;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Status {
    Loaded,
    Linking,
    Linked,
    Evaluating,
    Evaluated,
}

/// A loaded module.
pub struct Module {
    pub name: String,
    pub bc: Rc<FunctionBytecode>,
    /// Resolved module index per request.
    pub requests: Vec<usize>,
    /// Cells of the exported local slots (by slot).
    pub cells: Vec<Option<Cell>>,
    pub frame: Option<Box<Frame>>,
    pub status: Status,
    pub namespace: Option<Obj>,
    pub error: Option<Value>,
}

/// Loads `name` (and its dependencies), returning its index.
fn load(cx: &mut Cx, name: &str, src: &str, depth: u32) -> JsResult<usize> {
    if let Some(&i) = cx.vm.module_by_name.get(name) {
        return Ok(i);
    }
    if depth > 200 {
        return Err(cx.throw_range_error("module graph too deep"));
    }
    let opts = ParseOptions::module();
    let program = match parser::parse(src, &opts, &mut cx.atoms) {
        Ok(p) => p,
        Err(e) => return Err(super::global::throw_parse_error(cx, &e, name)),
    };
    let copts = CompileOptions {
        kind: CompileKind::Module,
        template_site_base: cx.vm.next_template_site,
    };
    let bc = match compiler::compile(&program, &copts, &mut cx.atoms, Rc::from(src), name) {
        Ok(bc) => bc,
        Err(e) => return Err(super::global::throw_parse_error(cx, &e, name)),
    };
    cx.vm.next_template_site += compiler::count_template_sites(&bc);
    let idx = cx.vm.modules.len();
    cx.vm.modules.push(Module {
        name: name.to_string(),
        bc: bc.clone(),
        requests: Vec::new(),
        cells: Vec::new(),
        frame: None,
        status: Status::Loaded,
        namespace: None,
        error: None,
    });
    cx.vm.module_by_name.insert(name.to_string(), idx);
    let Some(rec) = bc.module.as_ref() else {
        return Ok(idx);
    };
    // Cells for exported bindings, created before any code runs.
    let mut cells: Vec<Option<Cell>> = Vec::new();
    for &(slot, is_var) in &rec.vm_cells {
        let c = new_cell(
            cx,
            if is_var {
                Value::Undefined
            } else {
                Value::Uninitialized
            },
        )?;
        let s = slot as usize;
        if cells.len() <= s {
            cells.resize(s + 1, None);
        }
        cells[s] = Some(c);
    }
    cx.vm.modules[idx].cells = cells;
    let host = cx.vm.host.clone();
    let mut reqs = Vec::with_capacity(rec.requests.len());
    for r in &rec.requests {
        let spec = cx.atom_name(r.specifier);
        let Some(h) = &host else {
            return Err(cx.throw_type_error("no module loader"));
        };
        let resolved = match h.resolve_module(&spec, name) {
            Ok(n) => n,
            Err(m) => return Err(cx.throw_type_error(&m)),
        };
        let i = match cx.vm.module_by_name.get(&resolved) {
            Some(&i) => i,
            None => {
                let text = match h.load_module(&resolved) {
                    Ok(t) => t,
                    Err(m) => return Err(cx.throw_type_error(&m)),
                };
                load(cx, &resolved, &text, depth + 1)?
            }
        };
        reqs.push(i);
    }
    cx.vm.modules[idx].requests = reqs;
    Ok(idx)
}

enum Binding {
    Cell(Cell),
    Namespace(usize),
}

/// ResolveExport. Spec: #sec-resolveexport
fn resolve_export(
    cx: &mut Cx,
    m: usize,
    name: Atom,
    set: &mut Vec<(usize, Atom)>,
) -> JsResult<Option<Binding>> {
    if set.contains(&(m, name)) {
        return Ok(None);
    }
    set.push((m, name));
    let bc = cx.vm.modules[m].bc.clone();
    let Some(rec) = bc.module.as_ref() else {
        return Ok(None);
    };
    for e in &rec.local_exports {
        if e.export_name == name {
            let c = cx.vm.modules[m]
                .cells
                .get(e.slot as usize)
                .cloned()
                .flatten();
            return Ok(c.map(Binding::Cell));
        }
    }
    for e in &rec.indirect_exports {
        if e.export_name == name {
            let Some(&target) = cx.vm.modules[m].requests.get(e.request as usize) else {
                return Ok(None);
            };
            return match e.import_name {
                None => Ok(Some(Binding::Namespace(target))),
                Some(n) => resolve_export(cx, target, n, set),
            };
        }
    }
    if name == Atom::Default {
        return Ok(None);
    }
    let mut found: Option<Binding> = None;
    for &r in &rec.star_exports {
        let Some(&target) = cx.vm.modules[m].requests.get(r as usize) else {
            continue;
        };
        if let Some(b) = resolve_export(cx, target, name, set)? {
            match (&found, &b) {
                (None, _) => found = Some(b),
                (Some(Binding::Cell(a)), Binding::Cell(c)) if crate::heap::Gc::ptr_eq(a, c) => {}
                (Some(Binding::Namespace(a)), Binding::Namespace(c)) if a == c => {}
                _ => {
                    let n = cx.atom_name(name);
                    return Err(cx.throw_syntax_error(&format!("ambiguous export '{n}'")));
                }
            }
        }
    }
    Ok(found)
}

/// The exported names of a module. Spec: #sec-getexportednames
fn exported_names(cx: &Cx, m: usize, seen: &mut Vec<usize>, out: &mut Vec<Atom>) {
    if seen.contains(&m) {
        return;
    }
    seen.push(m);
    let bc = cx.vm.modules[m].bc.clone();
    let Some(rec) = bc.module.as_ref() else {
        return;
    };
    for e in &rec.local_exports {
        out.push(e.export_name);
    }
    for e in &rec.indirect_exports {
        out.push(e.export_name);
    }
    for &r in &rec.star_exports {
        if let Some(&t) = cx.vm.modules[m].requests.get(r as usize) {
            let mut inner = Vec::new();
            exported_names(cx, t, seen, &mut inner);
            for n in inner {
                if n != Atom::Default && !out.contains(&n) {
                    out.push(n);
                }
            }
        }
    }
}

fn ns_getter(cx: &mut Cx, callee: &Obj, _: &Value, _: &[Value], _: &Value) -> JsResult<Value> {
    let data = &*crate::object::function::native_closure_data(callee);
    // data: [module index, export name (as a string)]
    let (Some(Value::Int(m)), Some(Value::String(s))) = (data.first(), data.get(1)) else {
        return Ok(Value::Undefined);
    };
    let name = cx.intern_string(s);
    let mut set = Vec::new();
    match resolve_export(cx, *m as usize, name, &mut set)? {
        Some(Binding::Cell(c)) => {
            let v = cell_get(&c);
            if let Value::Uninitialized = v {
                let n = cx.atom_name(name);
                return Err(
                    cx.throw_reference_error(&format!("Cannot access '{n}' before initialization"))
                );
            }
            Ok(v)
        }
        Some(Binding::Namespace(t)) => Ok(Value::Object(namespace(cx, t)?)),
        None => Ok(Value::Undefined),
    }
}

/// GetModuleNamespace. Spec: #sec-getmodulenamespace
fn namespace(cx: &mut Cx, m: usize) -> JsResult<Obj> {
    if let Some(ns) = &cx.vm.modules[m].namespace {
        return Ok(ns.clone());
    }
    let ns = Obj::new(cx, None, ObjectData::Ordinary)?;
    cx.vm.modules[m].namespace = Some(ns.clone());
    let mut names = Vec::new();
    exported_names(cx, m, &mut Vec::new(), &mut names);
    let mut texts: Vec<(Vec<u16>, Atom)> =
        names.iter().map(|&a| (cx.atoms.to_utf16(a), a)).collect();
    texts.sort();
    for (_, a) in texts {
        let s = cx.atom_to_string(a)?;
        let g = new_native_closure(
            cx,
            ns_getter,
            vec![Value::Int(m as i32), Value::String(s)],
            "",
            0,
        )?;
        let mut b = ns.borrow_mut();
        b.add(cx, a, PropValue::Accessor(Some(g), None), attrs::ENUMERABLE)?;
    }
    let tag = cx.new_string("Module")?;
    crate::object::ops::define_value(cx, &ns, Atom::SYM_TO_STRING_TAG, Value::String(tag), 0)?;
    ns.borrow_mut().extensible = false;
    Ok(ns)
}

/// Link + InitializeEnvironment: imports, then the prologue up to `initial_yield`.
fn link(cx: &mut Cx, m: usize) -> JsResult<()> {
    if cx.vm.modules[m].status != Status::Loaded {
        return Ok(());
    }
    cx.vm.modules[m].status = Status::Linking;
    let reqs = cx.vm.modules[m].requests.clone();
    for r in reqs {
        link(cx, r)?;
    }
    let bc = cx.vm.modules[m].bc.clone();
    let mut refs: Vec<Cell> = Vec::with_capacity(bc.closure_vars.len());
    for cv in &bc.closure_vars {
        let c = match cv.source {
            ClosureSource::Import(i) => {
                let Some(imp) = bc.module.as_ref().and_then(|r| r.imports.get(i as usize)) else {
                    return Err(super::ops::bad_bytecode(cx));
                };
                let Some(&target) = cx.vm.modules[m].requests.get(imp.request as usize) else {
                    return Err(super::ops::bad_bytecode(cx));
                };
                match imp.import_name {
                    None => {
                        let ns = namespace(cx, target)?;
                        new_cell(cx, Value::Object(ns))?
                    }
                    Some(n) => {
                        let mut set = Vec::new();
                        match resolve_export(cx, target, n, &mut set)? {
                            Some(Binding::Cell(c)) => c,
                            Some(Binding::Namespace(t)) => {
                                let ns = namespace(cx, t)?;
                                new_cell(cx, Value::Object(ns))?
                            }
                            None => {
                                let name = cx.atom_name(n);
                                let from = cx.vm.modules[target].name.clone();
                                return Err(cx.throw_syntax_error(&format!(
                                    "The requested module '{from}' does not provide an export named '{name}'"
                                )));
                            }
                        }
                    }
                }
            }
            _ => new_cell(cx, Value::Uninitialized)?,
        };
        refs.push(c);
    }
    let refs: Rc<[Cell]> = refs.into();
    let mut frame = Frame::new(
        bc,
        Value::Undefined,
        refs,
        &[],
        Value::Undefined,
        Value::Undefined,
        FrameMode::Module,
    );
    frame.realm = cx.realm_id();
    frame.cells = cx.vm.modules[m].cells.clone();
    cx.vm.parked_module = None;
    run(cx, Box::new(frame), Resume::Start)?;
    let parked = cx.vm.parked_module.take();
    cx.vm.modules[m].frame = parked;
    cx.vm.modules[m].status = Status::Linked;
    Ok(())
}

/// Evaluates `m` after its dependencies; returns the promise of a module with top-level
/// await, else undefined.
fn evaluate(cx: &mut Cx, m: usize) -> JsResult<Value> {
    match cx.vm.modules[m].status {
        Status::Evaluated | Status::Evaluating => {
            if let Some(e) = cx.vm.modules[m].error.clone() {
                return Err(cx.throw(e));
            }
            return Ok(Value::Undefined);
        }
        _ => {}
    }
    cx.vm.modules[m].status = Status::Evaluating;
    let reqs = cx.vm.modules[m].requests.clone();
    for r in reqs {
        if let Err(t) = evaluate(cx, r) {
            if !cx.uncatchable {
                let e = cx.exception.clone();
                cx.vm.modules[m].error = Some(e);
                cx.vm.modules[m].status = Status::Evaluated;
            }
            return Err(t);
        }
    }
    let frame = cx.vm.modules[m].frame.take();
    let mut result = Value::Undefined;
    if let Some(mut f) = frame {
        let is_async = f.bc.flags.has(FunctionFlags::ASYNC);
        if is_async {
            f.mode = FrameMode::Async(super::promise::new_promise(cx)?);
        }
        match run(cx, f, Resume::Start) {
            Ok(v) => {
                if is_async {
                    result = v;
                }
            }
            Err(t) => {
                if !cx.uncatchable {
                    let e = cx.exception.clone();
                    cx.vm.modules[m].error = Some(e);
                    cx.vm.modules[m].status = Status::Evaluated;
                }
                return Err(t);
            }
        }
    }
    cx.vm.modules[m].status = Status::Evaluated;
    Ok(result)
}

/// Parked frame of a module that reached `initial_yield`.
pub fn park(cx: &mut Cx, f: Box<Frame>) -> Value {
    cx.vm.parked_module = Some(f);
    Value::Undefined
}

/// Loads, links and evaluates a module given as source text.
pub fn eval_module(cx: &mut Cx, src: &str, name: &str) -> JsResult<Value> {
    let m = load(cx, name, src, 0)?;
    link(cx, m)?;
    evaluate(cx, m)
}
