//! Modules: Cyclic Module Records over the host's synchronous loader.
//!
//! - Loading: `Host::resolve_module` + `Host::load_module` give source text; a module is
//!   parsed and compiled into a record (`Status::New`), then `load_graph` fills the request
//!   list of every reachable record still `New` (an explicit worklist, no recursion). A load
//!   failure leaves the failing records `New`, so a later import retries them.
//! - Linking (`link`, InnerModuleLinking with DFS indices): imports become cells in the
//!   module closure's `ref[]`, indirect exports are checked, and the prologue runs up to
//!   `initial_yield` (function declarations); the frame is parked in the record.
//! - Evaluation (`evaluate`, InnerModuleEvaluation): post order with strongly connected
//!   components, top-level await as async frames, [[PendingAsyncDependencies]],
//!   [[AsyncParentModules]] and cycle roots; completion settles [[TopLevelCapability]].
//! - `import()` (`import_call`): options validated, module loaded synchronously, then linked
//!   and evaluated in promise jobs exactly as ContinueDynamicImport orders them.
//! - Namespace objects are exotic (`ObjectData::ModuleNamespace`): the internal methods in
//!   `object/ops.rs` call `ns_*` here; [[Exports]] is kept sorted with resolved bindings.
//! - JSON modules (`with { type: "json" }`): a synthetic record whose only export `default`
//!   is a cell holding the parsed value.
//!
//! Invariants: module indices are stable (records are never removed); every recursive walk
//! over the module graph (linking, evaluation, export resolution) counts depth against
//! `MAX_GRAPH_DEPTH` and throws a RangeError beyond it; ancestor walks after async
//! completion use explicit stacks.
//!
//! Spec: #sec-cyclic-module-records, #sec-source-text-module-records, #sec-import-calls,
//! #sec-module-namespace-exotic-objects

use super::frame::{Frame, FrameMode};
use super::interp::{run, Resume};
use super::promise::{new_promise, perform_then, reject_promise, resolve_promise};
use super::{cell_get, cell_set, new_cell, new_native_closure, Cell};
use crate::atoms::Atom;
use crate::bytecode::{ClosureSource, FunctionBytecode, FunctionFlags};
use crate::compiler::{self, CompileKind, CompileOptions};
use crate::object::{attrs, Obj, ObjectData, PropertyDescriptor};
use crate::parser::{self, ParseOptions};
use crate::realm::{Cx, JsResult, Throw};
use crate::value::{same_value, Value};
use std::rc::Rc;

/// Deepest module-graph recursion (linking, evaluation, ResolveExport) before a RangeError.
const MAX_GRAPH_DEPTH: u32 = 400;

/// [[Status]] of a Cyclic Module Record (`New` = parsed, requests not all loaded yet).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Status {
    New,
    Unlinked,
    Linking,
    Linked,
    Evaluating,
    EvaluatingAsync,
    Evaluated,
}

/// [[AsyncEvaluationOrder]].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum AsyncOrder {
    Unset,
    Order(u64),
    Done,
}

/// A resolved export: a binding cell, or the namespace of a module (`export * as ns`).
#[derive(Clone)]
pub enum Binding {
    Cell(Cell),
    Namespace(usize),
}

/// Result of ResolveExport.
enum Resolution {
    Found(Binding),
    NotFound,
    Ambiguous,
}

/// A module record.
pub struct Module {
    pub name: String,
    pub bc: Rc<FunctionBytecode>,
    /// Resolved module index per request (complete once the status is past `New`).
    pub requests: Vec<usize>,
    /// Cells of the exported local slots (by slot).
    pub cells: Vec<Option<Cell>>,
    /// The frame parked at `initial_yield` after linking.
    pub frame: Option<Box<Frame>>,
    pub status: Status,
    pub namespace: Option<Obj>,
    /// The namespace's [[Exports]] (sorted by code units) with their bindings.
    pub exports: Vec<(Atom, Binding)>,
    /// [[EvaluationError]].
    pub error: Option<Value>,
    /// `import.meta`, created on first access.
    pub meta: Option<Obj>,
    /// Evaluated as an entry point by the host (`import.meta.main`).
    pub is_main: bool,
    dfs_index: u32,
    dfs_ancestor: u32,
    cycle_root: usize,
    async_order: AsyncOrder,
    async_parents: Vec<usize>,
    pending_deps: u32,
    top_capability: Option<Obj>,
}

impl Module {
    fn has_tla(&self) -> bool {
        self.bc.flags.has(FunctionFlags::ASYNC)
    }
}

#[cold]
fn graph_too_deep(cx: &mut Cx) -> Throw {
    cx.throw_range_error("module graph too deep")
}

// ------------------------------------------------------------------ loading

/// Parses and compiles a module record (status `New`) under the canonical `name`.
fn create_record(cx: &mut Cx, key: &str, name: &str, src: &str) -> JsResult<usize> {
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
    // Cells for exported bindings, created before any code runs.
    let mut cells: Vec<Option<Cell>> = Vec::new();
    if let Some(rec) = bc.module.as_ref() {
        for &(slot, is_var) in &rec.vm_cells {
            let init = if is_var {
                Value::Undefined
            } else {
                Value::Uninitialized
            };
            let c = new_cell(cx, init)?;
            let s = slot as usize;
            if cells.len() <= s {
                cells.resize(s + 1, None);
            }
            cells[s] = Some(c);
        }
    }
    let idx = cx.vm.modules.len();
    cx.vm.modules.push(Module {
        name: name.to_string(),
        bc,
        requests: Vec::new(),
        cells,
        frame: None,
        status: Status::New,
        namespace: None,
        exports: Vec::new(),
        error: None,
        meta: None,
        is_main: false,
        dfs_index: 0,
        dfs_ancestor: 0,
        cycle_root: idx,
        async_order: AsyncOrder::Unset,
        async_parents: Vec::new(),
        pending_deps: 0,
        top_capability: None,
    });
    cx.vm.module_by_name.insert(key.to_string(), idx);
    Ok(idx)
}

/// The source of the synthetic module a JSON module is built on: one exported `var` that
/// nothing assigns, whose cell receives the parsed value (CreateDefaultExportSyntheticModule).
const JSON_MODULE_SHELL: &str = "var json; export { json as default };";

/// Creates a JSON module record from `text`. Spec: #sec-parse-json-module
fn create_json_record(cx: &mut Cx, key: &str, name: &str, text: &str) -> JsResult<usize> {
    let s = cx.new_string(text)?;
    let v = crate::builtins::json::parse_json_text(cx, &s)?;
    let idx = create_record(cx, key, name, JSON_MODULE_SHELL)?;
    let m = &cx.vm.modules[idx];
    // Invariant: the shell exports exactly one var binding, so there is one cell.
    if let Some(c) = m.cells.iter().flatten().next() {
        cell_set(c, v);
    }
    Ok(idx)
}

/// The `type` import attribute of a request.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ModuleType {
    JavaScript,
    Json,
}

/// HostLoadImportedModule for one request: resolves `specifier` against `referrer` and
/// returns the (possibly new) record.
fn host_load(cx: &mut Cx, specifier: &str, referrer: &str, ty: ModuleType) -> JsResult<usize> {
    let Some(host) = cx.vm.host.clone() else {
        return Err(cx.throw_type_error("no module loader"));
    };
    let resolved = match host.resolve_module(specifier, referrer) {
        Ok(n) => n,
        Err(m) => return Err(cx.throw_type_error(&m)),
    };
    let key = match ty {
        ModuleType::JavaScript => resolved.clone(),
        ModuleType::Json => format!("{resolved}\u{0}json"),
    };
    if let Some(&i) = cx.vm.module_by_name.get(&key) {
        return Ok(i);
    }
    let text = match host.load_module(&resolved) {
        Ok(t) => t,
        Err(m) => return Err(cx.throw_type_error(&m)),
    };
    match ty {
        ModuleType::JavaScript => create_record(cx, &key, &resolved, &text),
        ModuleType::Json => create_json_record(cx, &key, &resolved, &text),
    }
}

/// The module type a request's attributes ask for. HostGetSupportedImportAttributes is
/// `["type"]`: another key is a SyntaxError for a static import (InnerModuleLoading) and a
/// TypeError for `import()` (EvaluateImportCall); an unsupported type is a TypeError.
/// Spec: #sec-AllImportAttributesSupported
fn request_type(
    cx: &mut Cx,
    attributes: &[(String, String)],
    dynamic: bool,
) -> JsResult<ModuleType> {
    let mut ty = ModuleType::JavaScript;
    for (k, v) in attributes {
        if k != "type" {
            let msg = format!("unsupported import attribute '{k}'");
            return Err(if dynamic {
                cx.throw_type_error(&msg)
            } else {
                cx.throw_syntax_error(&msg)
            });
        }
        ty = match v.as_str() {
            "json" => ModuleType::Json,
            _ => {
                return Err(cx.throw_type_error(&format!("unsupported module type '{v}'")));
            }
        };
    }
    Ok(ty)
}

/// LoadRequestedModules for the graph below `root`, synchronously: every reachable record
/// still `New` gets its requests loaded (worklist; each record visited once).
fn load_graph(cx: &mut Cx, root: usize) -> JsResult<()> {
    let mut seen = vec![root];
    let mut work = vec![root];
    while let Some(m) = work.pop() {
        if cx.vm.modules[m].status == Status::New {
            let bc = cx.vm.modules[m].bc.clone();
            let name = cx.vm.modules[m].name.clone();
            let mut reqs = Vec::new();
            if let Some(rec) = bc.module.as_ref() {
                reqs.reserve(rec.requests.len());
                for r in &rec.requests {
                    let spec = cx.atom_name(r.specifier);
                    let attrs: Vec<(String, String)> = r
                        .attributes
                        .iter()
                        .map(|&(k, v)| (cx.atom_name(k), cx.atom_name(v)))
                        .collect();
                    let ty = request_type(cx, &attrs, false)?;
                    reqs.push(host_load(cx, &spec, &name, ty)?);
                }
            }
            let md = &mut cx.vm.modules[m];
            md.requests = reqs;
            md.status = Status::Unlinked;
        }
        for &r in &cx.vm.modules[m].requests {
            if !seen.contains(&r) {
                seen.push(r);
                work.push(r);
            }
        }
    }
    Ok(())
}

// ------------------------------------------------------------------ exports

/// ResolveExport. Spec: #sec-resolveexport
fn resolve_export(
    cx: &mut Cx,
    m: usize,
    name: Atom,
    set: &mut Vec<(usize, Atom)>,
) -> JsResult<Resolution> {
    // 1-2. Circular import request.
    if set.contains(&(m, name)) {
        return Ok(Resolution::NotFound);
    }
    if set.len() as u32 > MAX_GRAPH_DEPTH {
        return Err(graph_too_deep(cx));
    }
    set.push((m, name));
    let bc = cx.vm.modules[m].bc.clone();
    let Some(rec) = bc.module.as_ref() else {
        return Ok(Resolution::NotFound);
    };
    // 4. Local exports.
    for e in &rec.local_exports {
        if e.export_name == name {
            let c = cx.vm.modules[m]
                .cells
                .get(e.slot as usize)
                .cloned()
                .flatten();
            return Ok(c.map_or(Resolution::NotFound, |c| {
                Resolution::Found(Binding::Cell(c))
            }));
        }
    }
    // 5. Indirect exports.
    for e in &rec.indirect_exports {
        if e.export_name == name {
            let Some(&target) = cx.vm.modules[m].requests.get(e.request as usize) else {
                return Ok(Resolution::NotFound);
            };
            return match e.import_name {
                None => Ok(Resolution::Found(Binding::Namespace(target))),
                Some(n) => resolve_export(cx, target, n, set),
            };
        }
    }
    // 6. `default` is never provided by `export *`.
    if name == Atom::Default {
        return Ok(Resolution::NotFound);
    }
    // 7-9. Star exports; two different bindings are ambiguous.
    let mut found: Option<Binding> = None;
    for &r in &rec.star_exports {
        let Some(&target) = cx.vm.modules[m].requests.get(r as usize) else {
            continue;
        };
        match resolve_export(cx, target, name, set)? {
            Resolution::Ambiguous => return Ok(Resolution::Ambiguous),
            Resolution::NotFound => {}
            Resolution::Found(b) => match (&found, &b) {
                (None, _) => found = Some(b),
                (Some(Binding::Cell(a)), Binding::Cell(c)) if crate::heap::Gc::ptr_eq(a, c) => {}
                (Some(Binding::Namespace(a)), Binding::Namespace(c)) if a == c => {}
                _ => return Ok(Resolution::Ambiguous),
            },
        }
    }
    Ok(found.map_or(Resolution::NotFound, Resolution::Found))
}

/// GetExportedNames, iteratively: the module's own local and indirect export names, then
/// every name (except `default`) of the modules reachable through `export *`.
/// Spec: #sec-getexportednames
fn exported_names(cx: &Cx, root: usize) -> Vec<Atom> {
    let mut out: Vec<Atom> = Vec::new();
    let mut seen = vec![root];
    let mut work = vec![root];
    while let Some(m) = work.pop() {
        let md = &cx.vm.modules[m];
        let Some(rec) = md.bc.module.as_ref() else {
            continue;
        };
        let names = rec
            .local_exports
            .iter()
            .map(|e| e.export_name)
            .chain(rec.indirect_exports.iter().map(|e| e.export_name));
        for n in names {
            if (m == root || n != Atom::Default) && !out.contains(&n) {
                out.push(n);
            }
        }
        for &r in &rec.star_exports {
            if let Some(&t) = md.requests.get(r as usize) {
                if !seen.contains(&t) {
                    seen.push(t);
                    work.push(t);
                }
            }
        }
    }
    out
}

/// GetModuleNamespace: the namespace exotic object, created once.
/// Spec: #sec-getmodulenamespace, #sec-modulenamespacecreate
pub fn namespace(cx: &mut Cx, m: usize) -> JsResult<Obj> {
    if let Some(ns) = &cx.vm.modules[m].namespace {
        return Ok(ns.clone());
    }
    // 3.a-d. Exported names whose resolution is a binding (ambiguous ones are left out).
    let names = exported_names(cx, m);
    let mut exports: Vec<(Vec<u16>, Atom, Binding)> = Vec::with_capacity(names.len());
    for n in names {
        let mut set = Vec::new();
        if let Resolution::Found(b) = resolve_export(cx, m, n, &mut set)? {
            exports.push((cx.atoms.to_utf16(n), n, b));
        }
    }
    exports.sort_by(|a, b| a.0.cmp(&b.0));
    let ns = Obj::new(cx, None, ObjectData::ModuleNamespace(m as u32))?;
    // Spec: #sec-%symbol.tostringtag% of module namespace objects.
    let tag = cx.new_string("Module")?;
    crate::object::ops::define_value(cx, &ns, Atom::SYM_TO_STRING_TAG, Value::String(tag), 0)?;
    {
        let mut b = ns.borrow_mut();
        b.extensible = false;
        b.immutable_proto = true;
    }
    let md = &mut cx.vm.modules[m];
    md.exports = exports.into_iter().map(|(_, a, b)| (a, b)).collect();
    md.namespace = Some(ns.clone());
    Ok(ns)
}

/// The module of a namespace object, if `o` is one.
fn ns_module(o: &Obj) -> Option<usize> {
    match o.borrow().class {
        ObjectData::ModuleNamespace(m) => Some(m as usize),
        _ => None,
    }
}

/// The binding of export `key` of namespace `o`, or `None` if `key` is not in [[Exports]].
fn ns_binding(cx: &Cx, o: &Obj, key: Atom) -> Option<Binding> {
    let m = ns_module(o)?;
    let md = cx.vm.modules.get(m)?;
    md.exports
        .iter()
        .find(|(a, _)| *a == key)
        .map(|(_, b)| b.clone())
}

/// Whether `key` is one of the namespace's [[Exports]] (string keys only).
pub fn ns_has(cx: &Cx, o: &Obj, key: Atom) -> bool {
    ns_binding(cx, o, key).is_some()
}

/// [[Get]] of a string key. Spec: #sec-module-namespace-exotic-objects-get-p-receiver
pub fn ns_get(cx: &mut Cx, o: &Obj, key: Atom) -> JsResult<Value> {
    match ns_binding(cx, o, key) {
        // 3. Not an export: undefined.
        None => Ok(Value::Undefined),
        // 10. A namespace binding.
        Some(Binding::Namespace(t)) => Ok(Value::Object(namespace(cx, t)?)),
        // 11-13. The binding's value; uninitialized is a ReferenceError.
        Some(Binding::Cell(c)) => {
            let v = cell_get(&c);
            if let Value::Uninitialized = v {
                let n = cx.atom_name(key);
                return Err(
                    cx.throw_reference_error(&format!("Cannot access '{n}' before initialization"))
                );
            }
            Ok(v)
        }
    }
}

/// [[GetOwnProperty]] of a string key. Spec: #sec-module-namespace-exotic-objects-getownproperty-p
pub fn ns_get_own_property(
    cx: &mut Cx,
    o: &Obj,
    key: Atom,
) -> JsResult<Option<PropertyDescriptor>> {
    // 3. Not an export: undefined.
    if !ns_has(cx, o, key) {
        return Ok(None);
    }
    // 4-5. { value, writable: true, enumerable: true, configurable: false }.
    let v = ns_get(cx, o, key)?;
    Ok(Some(PropertyDescriptor::data(
        v,
        attrs::WRITABLE | attrs::ENUMERABLE,
    )))
}

/// [[DefineOwnProperty]] of a string key. Spec: #sec-module-namespace-exotic-objects-defineownproperty-p-desc
pub fn ns_define_own_property(
    cx: &mut Cx,
    o: &Obj,
    key: Atom,
    desc: &PropertyDescriptor,
) -> JsResult<bool> {
    // 2-3. current = O.[[GetOwnProperty]](P).
    let Some(current) = ns_get_own_property(cx, o, key)? else {
        return Ok(false);
    };
    // 4-7. Only a data descriptor matching the fixed attributes is accepted.
    if desc.configurable == Some(true)
        || desc.enumerable == Some(false)
        || desc.is_accessor()
        || desc.writable == Some(false)
    {
        return Ok(false);
    }
    // 8. Same value.
    match (&desc.value, &current.value) {
        (Some(v), Some(c)) => Ok(same_value(v, c)),
        _ => Ok(true),
    }
}

/// [[OwnPropertyKeys]]: the exports; the caller appends the symbol keys.
/// Spec: #sec-module-namespace-exotic-objects-ownpropertykeys
pub fn ns_export_keys(cx: &Cx, o: &Obj) -> Vec<Atom> {
    let Some(md) = ns_module(o).and_then(|m| cx.vm.modules.get(m)) else {
        return Vec::new();
    };
    md.exports.iter().map(|(a, _)| *a).collect()
}

// ------------------------------------------------------------------ linking

/// Link(). Spec: #sec-moduledeclarationlinking
fn link(cx: &mut Cx, m: usize) -> JsResult<()> {
    let mut stack = Vec::new();
    if let Err(t) = inner_link(cx, m, &mut stack, 0, 0) {
        // 4.a. Every module on the stack goes back to unlinked.
        for s in stack {
            cx.vm.modules[s].status = Status::Unlinked;
            cx.vm.modules[s].frame = None;
        }
        return Err(t);
    }
    Ok(())
}

/// InnerModuleLinking. Spec: #sec-InnerModuleLinking
fn inner_link(
    cx: &mut Cx,
    m: usize,
    stack: &mut Vec<usize>,
    mut index: u32,
    depth: u32,
) -> JsResult<u32> {
    // 2. Already linking or linked.
    match cx.vm.modules[m].status {
        Status::Unlinked => {}
        Status::New => return Err(cx.throw_type_error("module not loaded")),
        _ => return Ok(index),
    }
    if depth > MAX_GRAPH_DEPTH {
        return Err(graph_too_deep(cx));
    }
    // 4-8.
    {
        let md = &mut cx.vm.modules[m];
        md.status = Status::Linking;
        md.dfs_index = index;
        md.dfs_ancestor = index;
    }
    index += 1;
    stack.push(m);
    // 9. Requested modules.
    let reqs = cx.vm.modules[m].requests.clone();
    for r in reqs {
        index = inner_link(cx, r, stack, index, depth + 1)?;
        if cx.vm.modules[r].status == Status::Linking {
            let a = cx.vm.modules[r].dfs_ancestor;
            let md = &mut cx.vm.modules[m];
            md.dfs_ancestor = md.dfs_ancestor.min(a);
        }
    }
    // 10. InitializeEnvironment.
    initialize_environment(cx, m)?;
    // 13. The root of a strongly connected component: all of it is linked.
    if cx.vm.modules[m].dfs_ancestor == cx.vm.modules[m].dfs_index {
        while let Some(x) = stack.pop() {
            cx.vm.modules[x].status = Status::Linked;
            if x == m {
                break;
            }
        }
    }
    Ok(index)
}

#[cold]
fn unresolvable(cx: &mut Cx, from: usize, name: Atom, ambiguous: bool) -> Throw {
    let name = cx.atom_name(name);
    let from = cx.vm.modules[from].name.clone();
    if ambiguous {
        cx.throw_syntax_error(&format!(
            "The requested module '{from}' contains conflicting star exports for name '{name}'"
        ))
    } else {
        cx.throw_syntax_error(&format!(
            "The requested module '{from}' does not provide an export named '{name}'"
        ))
    }
}

/// InitializeEnvironment: checks indirect exports, puts the import cells into the module
/// closure's `ref[]` and runs the prologue up to `initial_yield`.
/// Spec: #sec-source-text-module-record-initialize-environment
fn initialize_environment(cx: &mut Cx, m: usize) -> JsResult<()> {
    let bc = cx.vm.modules[m].bc.clone();
    // 1. Every indirect export resolves.
    if let Some(rec) = bc.module.as_ref() {
        for e in &rec.indirect_exports {
            let mut set = Vec::new();
            match resolve_export(cx, m, e.export_name, &mut set)? {
                Resolution::Found(_) => {}
                r => {
                    let target = cx.vm.modules[m]
                        .requests
                        .get(e.request as usize)
                        .copied()
                        .unwrap_or(m);
                    let n = e.import_name.unwrap_or(e.export_name);
                    return Err(unresolvable(
                        cx,
                        target,
                        n,
                        matches!(r, Resolution::Ambiguous),
                    ));
                }
            }
        }
    }
    // 7. Import bindings: every import entry resolves (used or not), then the closure
    // variables take their cells.
    let mut imported: Vec<Cell> = Vec::new();
    if let Some(rec) = bc.module.as_ref() {
        imported.reserve(rec.imports.len());
        for imp in &rec.imports {
            let Some(&target) = cx.vm.modules[m].requests.get(imp.request as usize) else {
                return Err(super::ops::bad_bytecode(cx));
            };
            let c = match imp.import_name {
                None => {
                    let ns = namespace(cx, target)?;
                    new_cell(cx, Value::Object(ns))?
                }
                Some(n) => {
                    let mut set = Vec::new();
                    match resolve_export(cx, target, n, &mut set)? {
                        Resolution::Found(Binding::Cell(c)) => c,
                        Resolution::Found(Binding::Namespace(t)) => {
                            let ns = namespace(cx, t)?;
                            new_cell(cx, Value::Object(ns))?
                        }
                        Resolution::NotFound => return Err(unresolvable(cx, target, n, false)),
                        Resolution::Ambiguous => return Err(unresolvable(cx, target, n, true)),
                    }
                }
            };
            imported.push(c);
        }
    }
    let mut refs: Vec<Cell> = Vec::with_capacity(bc.closure_vars.len());
    for cv in &bc.closure_vars {
        let c = match cv.source {
            ClosureSource::Import(i) => match imported.get(i as usize) {
                Some(c) => c.clone(),
                None => return Err(super::ops::bad_bytecode(cx)),
            },
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
    Ok(())
}

/// Parked frame of a module that reached `initial_yield`.
pub fn park(cx: &mut Cx, f: Box<Frame>) -> Value {
    cx.vm.parked_module = Some(f);
    Value::Undefined
}

// ------------------------------------------------------------------ evaluation

/// Evaluate(): the promise of the module's evaluation (of its cycle root). `Err` only for
/// an uncatchable interrupt or a failure to allocate the promise.
/// Spec: #sec-moduleevaluation
fn evaluate(cx: &mut Cx, m: usize) -> JsResult<Obj> {
    // 3. An evaluated module answers for its cycle root.
    let mut m = m;
    if matches!(
        cx.vm.modules[m].status,
        Status::EvaluatingAsync | Status::Evaluated
    ) {
        m = cx.vm.modules[m].cycle_root;
    }
    // 4. Already has a capability.
    if let Some(p) = &cx.vm.modules[m].top_capability {
        return Ok(p.clone());
    }
    // 5-7.
    let cap = new_promise(cx)?;
    cx.vm.modules[m].top_capability = Some(cap.clone());
    let mut stack = Vec::new();
    match inner_evaluate(cx, m, &mut stack, 0, 0) {
        Err(t) => {
            if cx.uncatchable {
                return Err(t);
            }
            // 9. Every module on the stack is evaluated with the error.
            let e = cx.take_exception();
            for s in stack {
                let md = &mut cx.vm.modules[s];
                md.status = Status::Evaluated;
                md.error = Some(e.clone());
            }
            let md = &mut cx.vm.modules[m];
            md.status = Status::Evaluated;
            if md.error.is_none() {
                md.error = Some(e.clone());
            }
            reject_promise(cx, &cap, e)?;
        }
        Ok(_) => {
            // 10.c. Completed synchronously.
            if cx.vm.modules[m].status == Status::Evaluated {
                resolve_promise(cx, &cap, Value::Undefined)?;
            }
        }
    }
    Ok(cap)
}

/// InnerModuleEvaluation. Spec: #sec-innermoduleevaluation
fn inner_evaluate(
    cx: &mut Cx,
    m: usize,
    stack: &mut Vec<usize>,
    mut index: u32,
    depth: u32,
) -> JsResult<u32> {
    // 2-3.
    match cx.vm.modules[m].status {
        Status::EvaluatingAsync | Status::Evaluated => {
            return match cx.vm.modules[m].error.clone() {
                None => Ok(index),
                Some(e) => Err(cx.throw(e)),
            };
        }
        Status::Evaluating => return Ok(index),
        Status::Linked => {}
        _ => return Err(cx.throw_type_error("module not linked")),
    }
    if depth > MAX_GRAPH_DEPTH {
        return Err(graph_too_deep(cx));
    }
    // 5-10.
    {
        let md = &mut cx.vm.modules[m];
        md.status = Status::Evaluating;
        md.dfs_index = index;
        md.dfs_ancestor = index;
        md.pending_deps = 0;
    }
    index += 1;
    stack.push(m);
    // 11. Requested modules.
    let reqs = cx.vm.modules[m].requests.clone();
    for r in reqs {
        index = inner_evaluate(cx, r, stack, index, depth + 1)?;
        let mut req = r;
        if cx.vm.modules[r].status == Status::Evaluating {
            let a = cx.vm.modules[r].dfs_ancestor;
            let md = &mut cx.vm.modules[m];
            md.dfs_ancestor = md.dfs_ancestor.min(a);
        } else {
            req = cx.vm.modules[r].cycle_root;
            if let Some(e) = cx.vm.modules[req].error.clone() {
                return Err(cx.throw(e));
            }
        }
        if let AsyncOrder::Order(_) = cx.vm.modules[req].async_order {
            cx.vm.modules[m].pending_deps += 1;
            cx.vm.modules[req].async_parents.push(m);
        }
    }
    // 12-13. Asynchronous (awaits itself or a dependency) or synchronous execution.
    if cx.vm.modules[m].pending_deps > 0 || cx.vm.modules[m].has_tla() {
        let order = cx.vm.module_async_count;
        cx.vm.module_async_count += 1;
        cx.vm.modules[m].async_order = AsyncOrder::Order(order);
        if cx.vm.modules[m].pending_deps == 0 {
            execute_async(cx, m)?;
        }
    } else {
        execute_sync(cx, m)?;
    }
    // 16. The root of a strongly connected component.
    if cx.vm.modules[m].dfs_ancestor == cx.vm.modules[m].dfs_index {
        while let Some(x) = stack.pop() {
            let md = &mut cx.vm.modules[x];
            md.status = if md.async_order == AsyncOrder::Unset {
                Status::Evaluated
            } else {
                Status::EvaluatingAsync
            };
            md.cycle_root = m;
            if x == m {
                break;
            }
        }
    }
    Ok(index)
}

/// ExecuteModule() of a module without top-level await: runs the parked frame.
fn execute_sync(cx: &mut Cx, m: usize) -> JsResult<()> {
    if let Some(f) = cx.vm.modules[m].frame.take() {
        run(cx, f, Resume::Start)?;
    }
    Ok(())
}

/// ExecuteAsyncModule: runs the body as an async frame whose promise reports to
/// AsyncModuleExecutionFulfilled/Rejected. Spec: #sec-execute-async-module
fn execute_async(cx: &mut Cx, m: usize) -> JsResult<()> {
    let cap = new_promise(cx)?;
    let data = vec![Value::Int(m as i32)];
    let on_f = new_native_closure(cx, async_fulfilled_fn, data.clone(), "", 0)?;
    let on_r = new_native_closure(cx, async_rejected_fn, data, "", 0)?;
    perform_then(
        cx,
        &cap,
        Value::Object(on_f),
        Value::Object(on_r),
        Vec::new(),
        false,
    )?;
    match cx.vm.modules[m].frame.take() {
        Some(mut f) => {
            f.mode = FrameMode::Async(cap.clone());
            if let Err(t) = run(cx, f, Resume::Start) {
                if cx.uncatchable {
                    return Err(t);
                }
                let e = cx.take_exception();
                reject_promise(cx, &cap, e)?;
            }
        }
        None => resolve_promise(cx, &cap, Value::Undefined)?,
    }
    Ok(())
}

fn module_arg(data: &[Value]) -> Option<usize> {
    match data.first() {
        Some(Value::Int(m)) if *m >= 0 => Some(*m as usize),
        _ => None,
    }
}

fn async_fulfilled_fn(
    cx: &mut Cx,
    callee: &Obj,
    _: &Value,
    _: &[Value],
    _: &Value,
) -> JsResult<Value> {
    let data = &*crate::object::function::native_closure_data(callee);
    if let Some(m) = module_arg(data) {
        async_fulfilled(cx, m)?;
    }
    Ok(Value::Undefined)
}

fn async_rejected_fn(
    cx: &mut Cx,
    callee: &Obj,
    _: &Value,
    args: &[Value],
    _: &Value,
) -> JsResult<Value> {
    let data = &*crate::object::function::native_closure_data(callee);
    if let Some(m) = module_arg(data) {
        let e = args.first().cloned().unwrap_or_default();
        async_rejected(cx, m, e)?;
    }
    Ok(Value::Undefined)
}

/// GatherAvailableAncestors with an explicit stack. The result is sorted by the caller, so
/// the visiting order does not matter. Spec: #sec-gather-available-ancestors
fn gather_available_ancestors(cx: &mut Cx, m: usize, out: &mut Vec<usize>) {
    let mut work = vec![m];
    while let Some(x) = work.pop() {
        let parents = cx.vm.modules[x].async_parents.clone();
        for p in parents {
            let root = cx.vm.modules[p].cycle_root;
            if out.contains(&p) || cx.vm.modules[root].error.is_some() {
                continue;
            }
            let pd = &mut cx.vm.modules[p];
            pd.pending_deps = pd.pending_deps.saturating_sub(1);
            if pd.pending_deps == 0 {
                out.push(p);
                if !pd.has_tla() {
                    work.push(p);
                }
            }
        }
    }
}

/// AsyncModuleExecutionFulfilled. Spec: #sec-async-module-execution-fulfilled
fn async_fulfilled(cx: &mut Cx, m: usize) -> JsResult<()> {
    // 1. Already failed.
    if cx.vm.modules[m].status == Status::Evaluated {
        return Ok(());
    }
    // 5-7.
    {
        let md = &mut cx.vm.modules[m];
        md.async_order = AsyncOrder::Done;
        md.status = Status::Evaluated;
    }
    if let Some(c) = cx.vm.modules[m].top_capability.clone() {
        resolve_promise(cx, &c, Value::Undefined)?;
    }
    // 8-10.
    let mut list = Vec::new();
    gather_available_ancestors(cx, m, &mut list);
    list.sort_by_key(|&x| match cx.vm.modules[x].async_order {
        AsyncOrder::Order(n) => n,
        _ => u64::MAX,
    });
    // 12.
    for x in list {
        if cx.vm.modules[x].status == Status::Evaluated {
            continue;
        }
        if cx.vm.modules[x].has_tla() {
            execute_async(cx, x)?;
            continue;
        }
        match execute_sync(cx, x) {
            Err(t) => {
                if cx.uncatchable {
                    return Err(t);
                }
                let e = cx.take_exception();
                async_rejected(cx, x, e)?;
            }
            Ok(()) => {
                {
                    let md = &mut cx.vm.modules[x];
                    md.async_order = AsyncOrder::Done;
                    md.status = Status::Evaluated;
                }
                if let Some(c) = cx.vm.modules[x].top_capability.clone() {
                    resolve_promise(cx, &c, Value::Undefined)?;
                }
            }
        }
    }
    Ok(())
}

/// AsyncModuleExecutionRejected, depth first over [[AsyncParentModules]] with an explicit
/// stack. Each module's capability is rejected before its parents are visited (leaf to
/// root, as the current spec orders steps 9-10; test262 `rejection-order.js`).
/// Spec: #sec-async-module-execution-rejected
fn async_rejected(cx: &mut Cx, m: usize, error: Value) -> JsResult<()> {
    // (module, next parent to visit)
    let mut stack: Vec<(usize, usize)> = Vec::new();
    if !reject_one(cx, m, &error)? {
        return Ok(());
    }
    stack.push((m, 0));
    while let Some(&mut (x, ref mut next)) = stack.last_mut() {
        match cx.vm.modules[x].async_parents.get(*next) {
            Some(&p) => {
                *next += 1;
                if reject_one(cx, p, &error)? {
                    stack.push((p, 0));
                }
            }
            None => {
                stack.pop();
            }
        }
    }
    Ok(())
}

/// Steps 1-9 of AsyncModuleExecutionRejected for one module; false if it had already
/// failed.
fn reject_one(cx: &mut Cx, m: usize, error: &Value) -> JsResult<bool> {
    let md = &mut cx.vm.modules[m];
    if md.status == Status::Evaluated {
        return Ok(false);
    }
    md.error = Some(error.clone());
    md.status = Status::Evaluated;
    md.async_order = AsyncOrder::Done;
    if let Some(c) = md.top_capability.clone() {
        reject_promise(cx, &c, error.clone())?;
    }
    Ok(true)
}

// ------------------------------------------------------------------ entry points

/// Loads, links and evaluates a module given as source text (the host's entry point).
/// Returns the evaluation promise while it is pending (top-level await), else undefined;
/// a synchronous failure is thrown.
pub fn eval_module(cx: &mut Cx, src: &str, name: &str) -> JsResult<Value> {
    let m = match cx.vm.module_by_name.get(name) {
        Some(&i) => i,
        None => create_record(cx, name, name, src)?,
    };
    cx.vm.modules[m].is_main = true;
    load_graph(cx, m)?;
    link(cx, m)?;
    let p = evaluate(cx, m)?;
    match super::promise::promise_state(&p) {
        Some((super::promise::PromiseState::Rejected, e)) => {
            // Reported as this call's exception, not as an unhandled rejection.
            cx.vm
                .pending_rejections
                .retain(|x| !matches!(x, Value::Object(o) if Obj::ptr_eq(o, &p)));
            Err(cx.throw(e))
        }
        Some((super::promise::PromiseState::Fulfilled, _)) => Ok(Value::Undefined),
        _ => Ok(Value::Object(p)),
    }
}

/// The script or module `import()` resolves against: the innermost frame with a real file
/// name (eval code and dynamic functions are named `<...>` and use their caller's).
/// Spec: #sec-getactivescriptormodule
fn referrer_name(cx: &Cx, bc: &FunctionBytecode) -> String {
    if !bc.filename.starts_with('<') {
        return bc.filename.to_string();
    }
    for e in cx.vm.trace.iter().rev() {
        if !e.bc.filename.starts_with('<') {
            return e.bc.filename.to_string();
        }
    }
    String::new()
}

/// EvaluateImportCall after the operands are evaluated: returns the promise.
/// Spec: #sec-evaluate-import-call
pub fn import_call(
    cx: &mut Cx,
    bc: &FunctionBytecode,
    specifier: &Value,
    options: &Value,
) -> JsResult<Value> {
    // 6. promiseCapability.
    let p = new_promise(cx)?;
    match import_load(cx, bc, specifier, options) {
        Ok(m) => continue_dynamic_import(cx, &p, m)?,
        Err(t) => {
            if cx.uncatchable {
                return Err(t);
            }
            let e = cx.take_exception();
            reject_promise(cx, &p, e)?;
        }
    }
    Ok(Value::Object(p))
}

/// Steps 7-12 of EvaluateImportCall and HostLoadImportedModule with the graph loaded
/// synchronously: the module to link and evaluate, or the error to reject with.
fn import_load(
    cx: &mut Cx,
    bc: &FunctionBytecode,
    specifier: &Value,
    options: &Value,
) -> JsResult<usize> {
    let referrer = referrer_name(cx, bc);
    // 7. specifierString = ToString(specifier).
    let spec = crate::value::conv::to_string(cx, specifier)?.to_rust_string();
    // 9-10. The options object and its `with` attributes.
    let mut attributes: Vec<(String, String)> = Vec::new();
    if !matches!(options, Value::Undefined) {
        let Value::Object(o) = options else {
            return Err(cx.throw_type_error("import() options must be an object"));
        };
        let with = crate::object::ops::get(cx, o, Atom::With)?;
        if !matches!(with, Value::Undefined) {
            let Value::Object(w) = &with else {
                return Err(cx.throw_type_error("import() 'with' option must be an object"));
            };
            let entries = crate::object::ops::enumerable_own_properties(
                cx,
                w,
                crate::object::ops::EnumKind::Entries,
            )?;
            for e in entries {
                let Value::Object(e) = e else { continue };
                let k =
                    crate::object::ops::get(cx, &e, Atom::from_index(0).unwrap_or(Atom::Empty))?;
                let v =
                    crate::object::ops::get(cx, &e, Atom::from_index(1).unwrap_or(Atom::Empty))?;
                let (Value::String(k), Value::String(v)) = (k, v) else {
                    return Err(cx.throw_type_error("import attribute values must be strings"));
                };
                attributes.push((k.to_rust_string(), v.to_rust_string()));
            }
        }
    }
    // 10.e. AllImportAttributesSupported, and the host's supported module types.
    let ty = request_type(cx, &attributes, true)?;
    // HostLoadImportedModule, then LoadRequestedModules of the graph.
    let m = host_load(cx, &spec, &referrer, ty)?;
    load_graph(cx, m)?;
    Ok(m)
}

/// ContinueDynamicImport from a fulfilled load: link and evaluate in a job, then resolve
/// with the namespace. Spec: #sec-ContinueDynamicImport
fn continue_dynamic_import(cx: &mut Cx, p: &Obj, m: usize) -> JsResult<()> {
    let load = new_promise(cx)?;
    resolve_promise(cx, &load, Value::Undefined)?;
    let data = vec![Value::Object(p.clone()), Value::Int(m as i32)];
    let on_rejected = new_native_closure(cx, import_rejected_fn, data.clone(), "", 1)?;
    let link_eval = new_native_closure(cx, import_link_evaluate_fn, data, "", 0)?;
    perform_then(
        cx,
        &load,
        Value::Object(link_eval),
        Value::Object(on_rejected),
        Vec::new(),
        false,
    )
}

/// `[promise, module index]` of a dynamic import's closures.
fn import_data(data: &[Value]) -> Option<(Obj, usize)> {
    match (data.first(), data.get(1)) {
        (Some(Value::Object(p)), Some(Value::Int(m))) if *m >= 0 => Some((p.clone(), *m as usize)),
        _ => None,
    }
}

fn import_rejected_fn(
    cx: &mut Cx,
    callee: &Obj,
    _: &Value,
    args: &[Value],
    _: &Value,
) -> JsResult<Value> {
    let data = &*crate::object::function::native_closure_data(callee);
    if let Some((p, _)) = import_data(data) {
        reject_promise(cx, &p, args.first().cloned().unwrap_or_default())?;
    }
    Ok(Value::Undefined)
}

/// linkAndEvaluateClosure of ContinueDynamicImport.
fn import_link_evaluate_fn(
    cx: &mut Cx,
    callee: &Obj,
    _: &Value,
    _: &[Value],
    _: &Value,
) -> JsResult<Value> {
    let data = &*crate::object::function::native_closure_data(callee);
    let Some((p, m)) = import_data(data) else {
        return Ok(Value::Undefined);
    };
    // 6.a-b. Link; a failure rejects.
    if let Err(t) = link(cx, m) {
        if cx.uncatchable {
            return Err(t);
        }
        let e = cx.take_exception();
        reject_promise(cx, &p, e)?;
        return Ok(Value::Undefined);
    }
    // 6.c-f. Evaluate, then resolve with the namespace.
    let ev = evaluate(cx, m)?;
    let on_f = new_native_closure(cx, import_fulfilled_fn, data.to_vec(), "", 0)?;
    let on_r = new_native_closure(cx, import_rejected_fn, data.to_vec(), "", 1)?;
    perform_then(
        cx,
        &ev,
        Value::Object(on_f),
        Value::Object(on_r),
        Vec::new(),
        false,
    )?;
    Ok(Value::Undefined)
}

fn import_fulfilled_fn(
    cx: &mut Cx,
    callee: &Obj,
    _: &Value,
    _: &[Value],
    _: &Value,
) -> JsResult<Value> {
    let data = &*crate::object::function::native_closure_data(callee);
    if let Some((p, m)) = import_data(data) {
        match namespace(cx, m) {
            Ok(ns) => resolve_promise(cx, &p, Value::Object(ns))?,
            Err(t) => {
                if cx.uncatchable {
                    return Err(t);
                }
                let e = cx.take_exception();
                reject_promise(cx, &p, e)?;
            }
        }
    }
    Ok(Value::Undefined)
}

/// `import.meta` of the module `bc` belongs to: an ordinary object with a null prototype,
/// created once, with `url` (from the host) and `main`, as QuickJS sets them.
/// Spec: #sec-meta-properties-runtime-semantics-evaluation
pub fn import_meta(cx: &mut Cx, bc: &FunctionBytecode) -> JsResult<Value> {
    let Some(&m) = cx.vm.module_by_name.get(&*bc.filename) else {
        return Err(cx.throw_syntax_error("import.meta outside a module"));
    };
    if let Some(o) = &cx.vm.modules[m].meta {
        return Ok(Value::Object(o.clone()));
    }
    let o = Obj::new(cx, None, ObjectData::Ordinary)?;
    let name = cx.vm.modules[m].name.clone();
    let url = match &cx.vm.host {
        Some(h) => h.import_meta_url(&name),
        None => Some(name),
    };
    if let Some(u) = url {
        let s = cx.new_string(&u)?;
        let k = cx.intern("url");
        crate::object::ops::create_data_property_or_throw(cx, &o, k, Value::String(s))?;
    }
    let main = cx.vm.modules[m].is_main;
    let k = cx.intern("main");
    crate::object::ops::create_data_property_or_throw(cx, &o, k, Value::Bool(main))?;
    cx.vm.modules[m].meta = Some(o.clone());
    Ok(Value::Object(o))
}

#[cfg(test)]
mod tests {
    //! Module graphs served from memory: linking errors, cycles, top-level await ordering,
    //! dynamic import and namespaces, without a file system.
    use crate::api::{EvalOptions, Host, OutputStream, Runtime};
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::rc::Rc;

    struct MemHost {
        files: HashMap<String, String>,
        out: RefCell<Vec<String>>,
    }

    impl Host for MemHost {
        fn write_line(&self, _: OutputStream, line: &str) {
            self.out.borrow_mut().push(line.to_string());
        }
        fn load_module(&self, name: &str) -> Result<String, String> {
            self.files
                .get(name)
                .cloned()
                .ok_or_else(|| format!("no module '{name}'"))
        }
    }

    /// Evaluates `main` as a module with `files` loadable, drains the jobs, and returns
    /// the printed lines (an error is the last line).
    fn run(main: &str, files: &[(&str, &str)]) -> String {
        let host = Rc::new(MemHost {
            files: files
                .iter()
                .map(|(n, s)| (n.to_string(), s.to_string()))
                .collect(),
            out: RefCell::new(Vec::new()),
        });
        let mut rt = Runtime::new(host.clone());
        let mut ctx = rt.new_context();
        let r = ctx.eval(main, &EvalOptions::module("main"));
        let mut tail = Vec::new();
        match r {
            Err(e) => tail.push(format!("ERROR {e}")),
            Ok(p) => {
                while let Ok(true) = rt.run_pending_job() {}
                if let Some(crate::api::PromiseState::Rejected(e)) = ctx.promise_state(&p) {
                    let e = ctx.error_from_value(&e);
                    tail.push(format!("REJECTED {e}"));
                }
            }
        }
        let mut out = host.out.borrow().clone();
        out.extend(tail);
        out.join("\n")
    }

    #[test]
    fn cycle_links_and_evaluates_in_post_order() {
        let files = [
            (
                "a",
                "import { b } from 'b'; export const a = 'A'; print('a ' + b());",
            ),
            (
                "b",
                "import { a } from 'a'; export function b() { return a; } print('b');",
            ),
        ];
        assert_eq!(run("import 'a'; print('main');", &files), "b\na A\nmain");
    }

    #[test]
    fn missing_export_is_a_link_error() {
        let files = [("m", "export const x = 1;")];
        let r = run("print('never'); import { y } from 'm';", &files);
        assert!(r.starts_with("ERROR SyntaxError:"), "{r}");
        assert!(r.contains("export named 'y'"), "{r}");
    }

    #[test]
    fn ambiguous_star_exports() {
        let files = [
            ("s1", "export const x = 1;"),
            ("s2", "export const x = 2;"),
            ("both", "export * from 's1'; export * from 's2';"),
        ];
        // Left out of the namespace, an error when imported by name.
        assert_eq!(
            run(
                "import * as ns from 'both'; print(Object.keys(ns).length);",
                &files
            ),
            "0"
        );
        let r = run("import { x } from 'both';", &files);
        assert!(r.starts_with("ERROR SyntaxError:"), "{r}");
    }

    #[test]
    fn importer_waits_for_async_dependency() {
        let files = [
            (
                "slow",
                "print('slow 1'); await null; await null; print('slow 2'); export const v = 1;",
            ),
            ("sync", "print('sync'); export const w = 2;"),
        ];
        assert_eq!(
            run(
                "import { v } from 'slow'; import { w } from 'sync'; print('main ' + (v + w));",
                &files
            ),
            "slow 1\nsync\nslow 2\nmain 3"
        );
    }

    #[test]
    fn async_rejection_reaches_importers() {
        let files = [("bad", "await null; throw new RangeError('late');")];
        assert_eq!(
            run("import 'bad'; print('never');", &files),
            "REJECTED RangeError: late"
        );
    }

    #[test]
    fn dynamic_import_resolves_namespace_and_caches_errors() {
        let files = [
            ("ok", "export let n = 1; export function inc() { n++; }"),
            ("err", "throw new TypeError('boom');"),
        ];
        let main = "
            const ns = await import('ok');
            ns.inc();
            print(ns.n + ' ' + (ns === await import('ok')) + ' ' + Object.getPrototypeOf(ns));
            let e1, e2;
            try { await import('err'); } catch (e) { e1 = e; }
            try { await import('err'); } catch (e) { e2 = e; }
            print(e1.message + ' ' + (e1 === e2));
            try { await import('nothing'); } catch (e) { print(e.name); }
            try { await import('ok', { with: { kind: 'x' } }); } catch (e) { print(e.name); }
        ";
        assert_eq!(
            run(main, &files),
            "2 true null\nboom true\nTypeError\nTypeError"
        );
    }

    #[test]
    fn namespace_tdz_and_json() {
        let files = [
            ("late", "import * as self from 'late'; export { self }; print(typeof self); try { self.x } catch (e) { print(e.name) } export let x = 1;"),
            ("j", "[1, {\"__proto__\": 2}]"),
        ];
        let main =
            "import 'late'; import j from 'j' with { type: 'json' }; print(JSON.stringify(j));";
        assert_eq!(
            run(main, &files),
            "object\nReferenceError\n[1,{\"__proto__\":2}]"
        );
    }

    #[test]
    fn deep_graph_is_a_range_error() {
        let srcs: Vec<(String, String)> = (0..600)
            .map(|i| (format!("m{i}"), format!("import 'm{}';", i + 1)))
            .chain(std::iter::once(("m600".to_string(), String::new())))
            .collect();
        let files: Vec<(&str, &str)> = srcs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let r = run("import 'm0';", &files);
        assert_eq!(r, "ERROR RangeError: module graph too deep");
    }
}
