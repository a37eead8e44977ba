//! The interpreter's cold paths: every operation that can throw, allocate or run user code,
//! called from [`super::interp::run`] after it saved the pc. Each is `#[cold]
//! #[inline(never)]` so the dispatch loop stays small.
//!
//! Spec references are per function. Private names are represented as unique symbols
//! (their description is `#name`) stored as own properties; see the report for what that
//! leaves observable.

use super::frame::{Frame, FrameMode};
use super::function::{closure_parts, create_closure, prepare_frame, with_closure};
use super::state::GlobalLex;
use super::{cell_get, cell_set, new_cell, Cell, VmObject};
use crate::atoms::Atom;
use crate::bytecode::{
    ClosureSource, Constant, FunctionBytecode, FunctionKind, Op, SpecialObject, ThrowKind,
};
use crate::object::ops::{
    create_array_from_list, create_data_property_or_throw, define_property_or_throw, define_value,
    get, get_method, get_v, set_v,
};
use crate::object::{
    attrs, call, construct, is_callable, is_constructor, Obj, ObjectData, PropValue,
    PropertyDescriptor,
};
use crate::realm::{Cx, Intrinsic, JsResult, Throw};
use crate::value::conv::{to_object, to_property_key};
use crate::value::Value;
use std::rc::Rc;

#[inline(always)]
fn rd_u16(code: &[u8], pc: usize) -> usize {
    match code.get(pc..pc + 2) {
        Some(&[a, b]) => u16::from_le_bytes([a, b]) as usize,
        _ => 0,
    }
}

/// Malformed bytecode (never produced by the compiler): an InternalError, not a panic.
#[cold]
#[inline(never)]
pub fn bad_bytecode(cx: &mut Cx) -> Throw {
    cx.throw_internal_error("malformed bytecode")
}

/// The value of a pushable constant.
#[cold]
#[inline(never)]
pub fn constant_value(cx: &mut Cx, c: &Constant) -> JsResult<Value> {
    match c {
        Constant::Number(n) => Ok(Value::number(*n)),
        Constant::String(a) => Ok(Value::String(cx.atom_to_string(*a)?)),
        Constant::BigInt(digits) => {
            let s = cx.new_string(digits)?;
            match crate::value::conv::string_to_bigint(cx, &s)? {
                Some(b) => Ok(Value::BigInt(b)),
                None => Err(cx.throw_syntax_error("invalid BigInt literal")),
            }
        }
        _ => Err(bad_bytecode(cx)),
    }
}

/// Stores a cell in local slot `n`.
#[inline]
pub fn set_local_cell(f: &mut Frame, n: usize, c: Cell) {
    if f.cells.len() <= n {
        f.cells.resize(n + 1, None);
    }
    f.cells[n] = Some(c);
}

#[cold]
#[inline(never)]
pub fn throw_uninit(cx: &mut Cx, bc: &FunctionBytecode, n: usize, is_ref: bool) -> Throw {
    let name = if is_ref {
        bc.closure_vars.get(n).map(|v| v.name)
    } else {
        bc.locals.get(n).map(|v| v.name)
    };
    let name = name.map(|a| cx.atom_name(a)).unwrap_or_default();
    if name == "this" {
        return cx.throw_reference_error(
            "Must call super constructor in derived class before accessing 'this'",
        );
    }
    cx.throw_reference_error(&format!("Cannot access '{name}' before initialization"))
}

#[cold]
#[inline(never)]
pub fn throw_already_init(cx: &mut Cx) -> Throw {
    cx.throw_reference_error("'this' is already initialized")
}

/// `throw_error`.
#[cold]
#[inline(never)]
pub fn throw_error(cx: &mut Cx, atom: Atom, k: Option<ThrowKind>) -> Throw {
    let name = cx.atom_name(atom);
    match k {
        Some(ThrowKind::ConstAssign) => {
            cx.throw_type_error(&format!("Assignment to constant variable '{name}'"))
        }
        Some(ThrowKind::NotDefined) => cx.throw_reference_error(&format!("{name} is not defined")),
        Some(ThrowKind::PrivateMethodWrite) => {
            cx.throw_type_error(&format!("private method {name} is not writable"))
        }
        Some(ThrowKind::PrivateNoGetter) => {
            cx.throw_type_error(&format!("private accessor {name} has no getter"))
        }
        Some(ThrowKind::PrivateNoSetter) => {
            cx.throw_type_error(&format!("private accessor {name} has no setter"))
        }
        Some(ThrowKind::BadReference) => cx.throw_reference_error("unsupported reference"),
        Some(ThrowKind::Syntax) => cx.throw_syntax_error(&name),
        Some(ThrowKind::Type) => cx.throw_type_error(&name),
        None => bad_bytecode(cx),
    }
}

// ------------------------------------------------------------------ frame-level values

/// `special_object`.
#[cold]
#[inline(never)]
pub fn special_object(cx: &mut Cx, f: &mut Frame, k: Option<SpecialObject>) -> JsResult<Value> {
    match k {
        Some(SpecialObject::ThisFunc) => Ok(f.func.clone()),
        Some(SpecialObject::NewTarget) => Ok(f.new_target.clone()),
        Some(SpecialObject::HomeObject) => {
            Ok(f.home_object().map_or(Value::Undefined, Value::Object))
        }
        Some(SpecialObject::UnmappedArguments) | Some(SpecialObject::MappedArguments) => {
            arguments_object(cx, f, k == Some(SpecialObject::MappedArguments))
        }
        Some(SpecialObject::VarObject) => {
            let o = Obj::new(cx, None, ObjectData::Ordinary)?;
            Ok(Value::Object(o))
        }
        Some(SpecialObject::ImportMeta) => super::module::import_meta(cx, &f.bc),
        None => Err(bad_bytecode(cx)),
    }
}

/// CreateUnmappedArgumentsObject / CreateMappedArgumentsObject.
/// Spec: #sec-createunmappedargumentsobject, #sec-createmappedargumentsobject
///
/// A mapped object aliases index `i < min(argc, formals)` to the parameter cell
/// loc[`mapped_args_base + i`] (see `object/arguments.rs`); with duplicate parameter
/// names only the last occurrence is mapped (step 17-18).
fn arguments_object(cx: &mut Cx, f: &Frame, mapped: bool) -> JsResult<Value> {
    let op = cx.intrinsic_obj(Intrinsic::ObjectPrototype);
    let argc = f.argc;
    let mut map = Vec::new();
    if mapped {
        let formals = f.bc.arg_count as usize;
        let base = f.bc.mapped_args_base as usize;
        let n = argc.min(formals);
        // Not charged: bounded by the number of formal parameters (the source text).
        map.reserve_exact(n);
        for i in 0..n {
            let name = f.bc.locals.get(base + i).map(|l| l.name);
            let later_dup =
                (i + 1..formals).any(|j| f.bc.locals.get(base + j).map(|l| l.name) == name);
            let cell = f.cells.get(base + i).and_then(|c| c.clone());
            map.push(match cell {
                Some(c) if !later_dup => Some((c, attrs::DEFAULT)),
                _ => None,
            });
        }
    }
    let class = if mapped {
        ObjectData::MappedArguments(Box::new(crate::object::arguments::MappedArgs { map }))
    } else {
        ObjectData::Arguments
    };
    let o = Obj::new(cx, op, class)?;
    for i in 0..argc {
        let Some(k) = Atom::from_index(i as u32) else {
            continue;
        };
        if crate::object::arguments::is_mapped(&o, k) {
            continue;
        }
        let v = f.r.get(i).cloned().unwrap_or_default();
        define_value(cx, &o, k, v, attrs::DEFAULT)?;
    }
    define_value(
        cx,
        &o,
        Atom::Length,
        Value::number(argc as f64),
        attrs::HIDDEN,
    )?;
    let values = cx.intrinsic(Intrinsic::ArrayProtoValues);
    define_value(cx, &o, Atom::SYM_ITERATOR, values, attrs::HIDDEN)?;
    if mapped {
        define_value(cx, &o, Atom::Callee, f.func.clone(), attrs::HIDDEN)?;
    } else {
        let t = cx.intrinsic_obj(Intrinsic::ThrowTypeError);
        let mut b = o.borrow_mut();
        b.add(cx, Atom::Callee, PropValue::Accessor(t.clone(), t), 0)?;
    }
    Ok(Value::Object(o))
}

/// `rest n`.
#[cold]
#[inline(never)]
pub fn rest(cx: &mut Cx, f: &Frame, n: usize) -> JsResult<Value> {
    let items: Vec<Value> = if n < f.argc {
        f.r[n..f.argc].to_vec()
    } else {
        Vec::new()
    };
    Ok(Value::Object(create_array_from_list(cx, &items)?))
}

/// `fclosure`: captures closure variables from the frame.
#[cold]
#[inline(never)]
pub fn fclosure(cx: &mut Cx, f: &Frame, idx: u32) -> JsResult<Value> {
    let Some(Constant::Function(fb)) = f.bc.constants.get(idx as usize) else {
        return Err(bad_bytecode(cx));
    };
    let fb = fb.clone();
    let refs = capture(cx, f, &fb)?;
    let o = create_closure(cx, fb, refs)?;
    Ok(Value::Object(o))
}

/// Collects the cells a new closure of `fb` captures from frame `f`.
pub fn capture(cx: &mut Cx, f: &Frame, fb: &FunctionBytecode) -> JsResult<Rc<[Cell]>> {
    let mut refs: Vec<Cell> = Vec::with_capacity(fb.closure_vars.len());
    for cv in &fb.closure_vars {
        let c = match cv.source {
            ClosureSource::ParentLocal(i) => match f.cells.get(i as usize).and_then(|c| c.as_ref())
            {
                Some(c) => c.clone(),
                // The parent never created the cell (e.g. a hoisted function captured
                // before its scope ran): give it an uninitialized one.
                None => new_cell(cx, Value::Uninitialized)?,
            },
            ClosureSource::ParentClosure(i) => match f.refs.get(i as usize) {
                Some(c) => c.clone(),
                None => return Err(bad_bytecode(cx)),
            },
            ClosureSource::Import(_) => new_cell(cx, Value::Uninitialized)?,
        };
        refs.push(c);
    }
    Ok(refs.into())
}

/// `regexp`: RegExpCreate through the realm's %RegExp%.
#[cold]
#[inline(never)]
pub fn regexp(cx: &mut Cx, bc: &FunctionBytecode, idx: u32) -> JsResult<Value> {
    let Some(Constant::RegExp { pattern, flags }) = bc.constants.get(idx as usize) else {
        return Err(bad_bytecode(cx));
    };
    let (pattern, flags) = (*pattern, *flags);
    let ctor = cx.intrinsic(Intrinsic::RegExp);
    if !is_constructor(&ctor) {
        return Err(
            cx.throw_syntax_error("not supported yet: RegExp literals (no RegExp constructor)")
        );
    }
    let p = Value::String(cx.atom_to_string(pattern)?);
    let fl = Value::String(cx.atom_to_string(flags)?);
    construct(cx, &ctor, &[p, fl], &Value::Undefined)
}

/// `template_object`: GetTemplateObject, cached per site. Spec: #sec-gettemplateobject
#[cold]
#[inline(never)]
pub fn template_object(cx: &mut Cx, bc: &FunctionBytecode, idx: u32) -> JsResult<Value> {
    let Some(Constant::TemplateObject { site, cooked, raw }) = bc.constants.get(idx as usize)
    else {
        return Err(bad_bytecode(cx));
    };
    if let Some(v) = cx.vm.templates.get(site) {
        return Ok(v.clone());
    }
    let mut cooked_v = Vec::with_capacity(cooked.len());
    for c in cooked.iter() {
        cooked_v.push(match c {
            Some(a) => Value::String(cx.atom_to_string(*a)?),
            None => Value::Undefined,
        });
    }
    let mut raw_v = Vec::with_capacity(raw.len());
    for a in raw.iter() {
        raw_v.push(Value::String(cx.atom_to_string(*a)?));
    }
    let t = create_array_from_list(cx, &cooked_v)?;
    let r = create_array_from_list(cx, &raw_v)?;
    crate::object::ops::set_integrity_level(cx, &r, crate::object::ops::Integrity::Frozen)?;
    define_value(cx, &t, Atom::Raw, Value::Object(r), 0)?;
    crate::object::ops::set_integrity_level(cx, &t, crate::object::ops::Integrity::Frozen)?;
    let v = Value::Object(t);
    cx.vm.templates.insert(*site, v.clone());
    Ok(v)
}

/// A new private name (a unique symbol described by `#name`).
pub fn private_symbol(cx: &mut Cx, atom: Atom) -> Value {
    let text = cx.atoms.to_utf16(atom);
    let a = cx.atoms.new_symbol(Some(&text));
    Value::Symbol(a)
}

// ------------------------------------------------------------------ global environment

/// `get_var`. Spec: #sec-global-environment-records-getbindingvalue-n-s
#[cold]
#[inline(never)]
pub fn get_var(cx: &mut Cx, atom: Atom, undef_if_missing: bool) -> JsResult<Value> {
    if let Some(l) = cx.vm.global_lex.get(&atom) {
        let v = cell_get(&l.cell);
        if let Value::Uninitialized = v {
            let name = cx.atom_name(atom);
            return Err(
                cx.throw_reference_error(&format!("Cannot access '{name}' before initialization"))
            );
        }
        return Ok(v);
    }
    let g = cx.global();
    // Fast path (not in spec): an own data property of the global object.
    {
        let b = g.borrow();
        if let Some((PropValue::Data(v), _)) = b.find(atom).and_then(|p| b.read(p)) {
            return Ok(v);
        }
    }
    if g.has_property(cx, atom)? {
        return get(cx, &g, atom);
    }
    if undef_if_missing {
        return Ok(Value::Undefined);
    }
    let name = cx.atom_name(atom);
    Err(cx.throw_reference_error(&format!("{name} is not defined")))
}

/// `put_var`. Spec: #sec-putvalue (unresolvable and global references)
#[cold]
#[inline(never)]
pub fn put_var(cx: &mut Cx, atom: Atom, v: Value, strict: bool) -> JsResult<()> {
    if let Some(l) = cx.vm.global_lex.get(&atom) {
        let cell = l.cell.clone();
        let is_const = l.is_const;
        if let Value::Uninitialized = cell_get(&cell) {
            let name = cx.atom_name(atom);
            return Err(
                cx.throw_reference_error(&format!("Cannot access '{name}' before initialization"))
            );
        }
        if is_const {
            let name = cx.atom_name(atom);
            return Err(cx.throw_type_error(&format!("Assignment to constant variable '{name}'")));
        }
        cell_set(&cell, v);
        return Ok(());
    }
    let g = cx.global();
    if strict && !g.has_property(cx, atom)? {
        let name = cx.atom_name(atom);
        return Err(cx.throw_reference_error(&format!("{name} is not defined")));
    }
    let gv = Value::Object(g.clone());
    let ok = g.set(cx, atom, v, &gv)?;
    if !ok && strict {
        let name = cx.atom_name(atom);
        return Err(cx.throw_type_error(&format!("cannot assign to read only property '{name}'")));
    }
    Ok(())
}

/// `put_var_init`: InitializeBinding of a global lexical binding.
#[cold]
#[inline(never)]
pub fn put_var_init(cx: &mut Cx, atom: Atom, v: Value) -> JsResult<()> {
    match cx.vm.global_lex.get(&atom) {
        Some(l) => {
            cell_set(&l.cell, v);
            Ok(())
        }
        None => {
            // Not declared as lexical (should not happen): define on the global object.
            let g = cx.global();
            set_v(cx, &Value::Object(g), atom, v, false)
        }
    }
}

/// `delete_var`.
#[cold]
#[inline(never)]
pub fn delete_var(cx: &mut Cx, atom: Atom) -> JsResult<bool> {
    if cx.vm.global_lex.contains_key(&atom) {
        return Ok(false);
    }
    let g = cx.global();
    if g.has_property(cx, atom)? {
        return g.delete(cx, atom);
    }
    Ok(true)
}

/// `check_global_lex` / `check_global_var` / `check_global_func`.
/// Spec: #sec-globaldeclarationinstantiation steps 3-8
#[cold]
#[inline(never)]
pub fn check_global(cx: &mut Cx, op: Op, atom: Atom) -> JsResult<()> {
    let name = cx.atom_name(atom);
    let g = cx.global();
    if cx.vm.global_lex.contains_key(&atom) {
        return Err(cx.throw_syntax_error(&format!("redeclaration of '{name}'")));
    }
    match op {
        Op::CheckGlobalLex => {
            // HasRestrictedGlobalProperty: an own non-configurable property. A var
            // declared by script is also non-configurable, so this covers HasVarDeclaration
            // for script vars.
            if let Some(d) = g.get_own_property(cx, atom)? {
                if d.configurable != Some(true) {
                    return Err(cx.throw_syntax_error(&format!("redeclaration of '{name}'")));
                }
            }
            Ok(())
        }
        Op::CheckGlobalVar => {
            // CanDeclareGlobalVar: own property or extensible.
            if g.get_own_property(cx, atom)?.is_some() || g.is_extensible(cx)? {
                Ok(())
            } else {
                Err(cx.throw_type_error(&format!("cannot declare global variable '{name}'")))
            }
        }
        _ => {
            // CanDeclareGlobalFunction.
            match g.get_own_property(cx, atom)? {
                None => {
                    if g.is_extensible(cx)? {
                        Ok(())
                    } else {
                        Err(cx
                            .throw_type_error(&format!("cannot declare global function '{name}'")))
                    }
                }
                Some(d) => {
                    if d.configurable == Some(true)
                        || (d.is_data() && d.writable == Some(true) && d.enumerable == Some(true))
                    {
                        Ok(())
                    } else {
                        Err(cx
                            .throw_type_error(&format!("cannot declare global function '{name}'")))
                    }
                }
            }
        }
    }
}

/// CreateGlobalVarBinding. Spec: #sec-createglobalvarbinding
#[cold]
#[inline(never)]
pub fn declare_global_var(cx: &mut Cx, atom: Atom, deletable: bool) -> JsResult<()> {
    let g = cx.global();
    let has = crate::object::ops::has_own_property(cx, &g, atom)?;
    if !has && g.is_extensible(cx)? {
        let flags = if deletable {
            attrs::DEFAULT
        } else {
            attrs::WRITABLE | attrs::ENUMERABLE
        };
        define_property_or_throw(
            cx,
            &g,
            atom,
            PropertyDescriptor::data(Value::Undefined, flags),
        )?;
    }
    Ok(())
}

/// CreateGlobalFunctionBinding. Spec: #sec-createglobalfunctionbinding
#[cold]
#[inline(never)]
pub fn declare_global_func(cx: &mut Cx, atom: Atom, f: Value, deletable: bool) -> JsResult<()> {
    let g = cx.global();
    let existing = g.get_own_property(cx, atom)?;
    let desc = match existing {
        Some(d) if d.configurable != Some(true) => PropertyDescriptor {
            value: Some(f.clone()),
            ..Default::default()
        },
        _ => {
            let flags = if deletable {
                attrs::DEFAULT
            } else {
                attrs::WRITABLE | attrs::ENUMERABLE
            };
            PropertyDescriptor::data(f.clone(), flags)
        }
    };
    define_property_or_throw(cx, &g, atom, desc)?;
    crate::object::ops::set(cx, &g, atom, f, false)?;
    Ok(())
}

/// `declare_global_lex`.
#[cold]
#[inline(never)]
pub fn declare_global_lex(cx: &mut Cx, atom: Atom, is_const: bool) -> JsResult<()> {
    let cell = new_cell(cx, Value::Uninitialized)?;
    cx.vm.global_lex.insert(atom, GlobalLex { cell, is_const });
    Ok(())
}

// ------------------------------------------------------------------ with / var objects

/// HasBinding of an object environment. Spec: #sec-object-environment-records-hasbinding-n
#[cold]
#[inline(never)]
pub fn with_has(cx: &mut Cx, obj: &Value, atom: Atom, is_with: bool) -> JsResult<bool> {
    let Value::Object(o) = obj else {
        return Ok(false);
    };
    if !o.has_property(cx, atom)? {
        return Ok(false);
    }
    if !is_with {
        return Ok(true);
    }
    let u = get(cx, o, Atom::SYM_UNSCOPABLES)?;
    if let Value::Object(u) = u {
        let blocked = get(cx, &u, atom)?.to_boolean();
        return Ok(!blocked);
    }
    Ok(true)
}

/// `with_get_var` on a resolved base: GetBindingValue of an object environment record.
/// Spec: #sec-object-environment-records-getbindingvalue-n-s
#[cold]
#[inline(never)]
pub fn resolved_get(cx: &mut Cx, obj: &Value, atom: Atom, strict: bool) -> JsResult<Option<Value>> {
    let Value::Object(o) = obj else {
        return Ok(None);
    };
    // 2-3. The binding may have vanished since it was resolved.
    if !o.has_property(cx, atom)? {
        if strict {
            let name = cx.atom_name(atom);
            return Err(cx.throw_reference_error(&format!("{name} is not defined")));
        }
        return Ok(Some(Value::Undefined));
    }
    // 4. Get(bindingObject, N).
    Ok(Some(get(cx, o, atom)?))
}

/// `with_put_var` on a resolved base: SetMutableBinding of an object environment record.
/// Spec: #sec-object-environment-records-setmutablebinding-n-v-s
#[cold]
#[inline(never)]
pub fn resolved_put(
    cx: &mut Cx,
    obj: &Value,
    atom: Atom,
    v: Value,
    strict: bool,
) -> JsResult<Option<Value>> {
    let Value::Object(o) = obj else {
        return Ok(None);
    };
    // 2-3. stillExists = HasProperty(bindingObject, N); gone in strict code: ReferenceError.
    if !o.has_property(cx, atom)? && strict {
        let name = cx.atom_name(atom);
        return Err(cx.throw_reference_error(&format!("{name} is not defined")));
    }
    // 4. Set(bindingObject, N, V, S).
    put_value_field(cx, obj, atom, v, strict)?;
    Ok(None)
}

/// `declare_var_obj` / `declare_var_obj_func`.
#[cold]
#[inline(never)]
pub fn declare_var_obj(cx: &mut Cx, obj: &Value, atom: Atom, f: Option<Value>) -> JsResult<()> {
    let Value::Object(o) = obj else { return Ok(()) };
    match f {
        Some(f) => {
            define_property_or_throw(cx, o, atom, PropertyDescriptor::data(f, attrs::DEFAULT))
        }
        None => {
            if o.get_own_property(cx, atom)?.is_none() {
                define_property_or_throw(
                    cx,
                    o,
                    atom,
                    PropertyDescriptor::data(Value::Undefined, attrs::DEFAULT),
                )?;
            }
            Ok(())
        }
    }
}

// ------------------------------------------------------------------ properties

/// GetValue of a property reference by atom.
#[cold]
#[inline(never)]
pub fn get_value_field(cx: &mut Cx, obj: &Value, atom: Atom) -> JsResult<Value> {
    get_v(cx, obj, atom)
}

/// PutValue of a property reference by atom.
#[cold]
#[inline(never)]
pub fn put_value_field(
    cx: &mut Cx,
    obj: &Value,
    atom: Atom,
    v: Value,
    strict: bool,
) -> JsResult<()> {
    set_v(cx, obj, atom, v, strict)
}

/// `delete` of a property by atom.
#[cold]
#[inline(never)]
pub fn delete_field(cx: &mut Cx, obj: &Value, atom: Atom, strict: bool) -> JsResult<bool> {
    let o = to_object(cx, obj)?;
    let ok = o.delete(cx, atom)?;
    if !ok && strict {
        let name = cx.atom_name(atom);
        return Err(cx.throw_type_error(&format!("cannot delete property '{name}'")));
    }
    Ok(ok)
}

fn require_coercible(cx: &mut Cx, obj: &Value, key: &Value) -> JsResult<()> {
    if obj.is_nullish() {
        let what = if obj.is_null() { "null" } else { "undefined" };
        let k = match key {
            Value::String(s) => s.to_rust_string(),
            Value::Int(i) => i.to_string(),
            _ => String::from("property"),
        };
        return Err(cx.throw_type_error(&format!("cannot read property '{k}' of {what}")));
    }
    Ok(())
}

/// `get_array_el`.
#[cold]
#[inline(never)]
pub fn get_array_el(cx: &mut Cx, obj: &Value, key: &Value) -> JsResult<Value> {
    // Typed array element fast path (builtins/typedarray.rs).
    if let (Value::Object(o), Value::Int(i)) = (obj, key) {
        if let Some(r) = crate::builtins::typedarray::fast_get(cx, o, *i) {
            return r;
        }
    }
    require_coercible(cx, obj, key)?;
    let k = to_property_key(cx, key)?;
    get_v(cx, obj, k)
}

/// `put_array_el`.
#[cold]
#[inline(never)]
pub fn put_array_el(cx: &mut Cx, obj: &Value, key: &Value, v: Value, strict: bool) -> JsResult<()> {
    // Typed array element fast path (builtins/typedarray.rs).
    if let (Value::Object(o), Value::Int(i)) = (obj, key) {
        if let Some(r) = crate::builtins::typedarray::fast_set(cx, o, *i, &v) {
            return r;
        }
    }
    if obj.is_nullish() {
        let what = if obj.is_null() { "null" } else { "undefined" };
        return Err(cx.throw_type_error(&format!("cannot set property of {what}")));
    }
    let k = to_property_key(cx, key)?;
    set_v(cx, obj, k, v, strict)
}

/// `delete obj[key]`.
#[cold]
#[inline(never)]
pub fn delete_el(cx: &mut Cx, obj: &Value, key: &Value, strict: bool) -> JsResult<bool> {
    let o = to_object(cx, obj)?;
    let k = to_property_key(cx, key)?;
    let ok = o.delete(cx, k)?;
    if !ok && strict {
        let name = cx.atom_name(k);
        return Err(cx.throw_type_error(&format!("cannot delete property '{name}'")));
    }
    Ok(ok)
}

/// ToPropertyKey as a value (string or symbol).
#[cold]
#[inline(never)]
pub fn to_prop_key_value(cx: &mut Cx, v: &Value) -> JsResult<Value> {
    match v {
        Value::String(_) | Value::Symbol(_) | Value::Int(_) => Ok(v.clone()),
        _ => {
            let p = crate::value::conv::to_primitive(cx, v, crate::value::conv::Hint::String)?;
            match p {
                Value::Symbol(_) => Ok(p),
                _ => Ok(Value::String(crate::value::conv::to_string(cx, &p)?)),
            }
        }
    }
}

fn private_atom(cx: &mut Cx, sym: &Value) -> JsResult<Atom> {
    match sym {
        Value::Symbol(a) => Ok(*a),
        _ => Err(bad_bytecode(cx)),
    }
}

fn private_name(cx: &Cx, a: Atom) -> String {
    cx.atom_name(a)
}

/// PrivateGet. Spec: #sec-privateget
#[cold]
#[inline(never)]
pub fn private_get(cx: &mut Cx, obj: &Value, sym: &Value) -> JsResult<Value> {
    let a = private_atom(cx, sym)?;
    if let Value::Object(o) = obj {
        let found = {
            let b = o.borrow();
            b.find(a).and_then(|p| b.read(p))
        };
        match found {
            Some((PropValue::Data(v), _)) => return Ok(v),
            Some((PropValue::Accessor(g, _), _)) => {
                return match g {
                    Some(g) => call(cx, &Value::Object(g), obj, &[]),
                    None => {
                        let n = private_name(cx, a);
                        Err(cx.throw_type_error(&format!("'{n}' was defined without a getter")))
                    }
                };
            }
            None => {}
        }
    }
    let n = private_name(cx, a);
    Err(cx.throw_type_error(&format!(
        "Cannot read private member {n} from an object whose class did not declare it"
    )))
}

/// PrivateSet. Spec: #sec-privateset
#[cold]
#[inline(never)]
pub fn private_set(cx: &mut Cx, obj: &Value, sym: &Value, v: Value) -> JsResult<()> {
    let a = private_atom(cx, sym)?;
    if let Value::Object(o) = obj {
        let found = o.borrow().find(a);
        if let Some(p) = found {
            let cur = o.borrow().read(p);
            match cur {
                Some((PropValue::Data(_), flags)) => {
                    if flags & attrs::WRITABLE == 0 {
                        let n = private_name(cx, a);
                        return Err(
                            cx.throw_type_error(&format!("private method {n} is not writable"))
                        );
                    }
                    o.borrow_mut().write(p, PropValue::Data(v));
                    return Ok(());
                }
                Some((PropValue::Accessor(_, s), _)) => {
                    return match s {
                        Some(s) => call(cx, &Value::Object(s), obj, &[v]).map(|_| ()),
                        None => {
                            let n = private_name(cx, a);
                            Err(cx.throw_type_error(&format!("'{n}' was defined without a setter")))
                        }
                    };
                }
                None => {}
            }
        }
    }
    let n = private_name(cx, a);
    Err(cx.throw_type_error(&format!(
        "Cannot write private member {n} to an object whose class did not declare it"
    )))
}

/// PrivateFieldAdd / PrivateMethodOrAccessorAdd. Spec: #sec-privatefieldadd
#[cold]
#[inline(never)]
pub fn private_define(cx: &mut Cx, obj: &Value, sym: &Value, v: Value) -> JsResult<()> {
    let a = private_atom(cx, sym)?;
    let Value::Object(o) = obj else {
        return Err(cx.throw_type_error("private field on a non-object"));
    };
    if o.borrow().find(a).is_some() {
        let n = private_name(cx, a);
        return Err(cx.throw_type_error(&format!("Cannot initialize {n} twice on the same object")));
    }
    let mut b = o.borrow_mut();
    b.add(cx, a, PropValue::Data(v), attrs::WRITABLE)
}

/// `check_brand`.
#[cold]
#[inline(never)]
pub fn check_brand(cx: &mut Cx, obj: &Value, brand: &Value) -> JsResult<()> {
    let a = private_atom(cx, brand)?;
    if let Value::Object(o) = obj {
        if o.borrow().find(a).is_some() {
            return Ok(());
        }
    }
    Err(cx.throw_type_error("object does not have the private member's class brand"))
}

/// `#x in obj`.
#[cold]
#[inline(never)]
pub fn private_in(cx: &mut Cx, obj: &Value, sym: &Value) -> JsResult<bool> {
    let a = private_atom(cx, sym)?;
    let Value::Object(o) = obj else {
        return Err(cx.throw_type_error("right-hand side of 'in' is not an object"));
    };
    Ok(o.borrow().find(a).is_some())
}

/// `get_super` / `get_super_ctor`: [[GetPrototypeOf]] of an object.
#[cold]
#[inline(never)]
pub fn get_super(cx: &mut Cx, home: &Value) -> JsResult<Value> {
    match home {
        Value::Object(o) => Ok(o.get_prototype_of(cx)?.map_or(Value::Null, Value::Object)),
        _ => Ok(Value::Undefined),
    }
}

/// `get_super_value`.
#[cold]
#[inline(never)]
pub fn get_super_value(cx: &mut Cx, this: &Value, proto: &Value, key: &Value) -> JsResult<Value> {
    let k = to_property_key(cx, key)?;
    match proto {
        Value::Object(p) => p.get(cx, k, this),
        _ => Err(cx.throw_type_error("super: prototype is not an object")),
    }
}

/// `put_super_value`.
#[cold]
#[inline(never)]
pub fn put_super_value(
    cx: &mut Cx,
    this: &Value,
    proto: &Value,
    key: &Value,
    v: Value,
    strict: bool,
) -> JsResult<()> {
    let k = to_property_key(cx, key)?;
    match proto {
        Value::Object(p) => {
            // PutValue: a failed [[Set]] throws only in strict code.
            if !p.set(cx, k, v, this)? && strict {
                let name = cx.atom_name(k);
                return Err(
                    cx.throw_type_error(&format!("cannot assign to read only property '{name}'"))
                );
            }
            Ok(())
        }
        _ => Err(cx.throw_type_error("super: prototype is not an object")),
    }
}

// ------------------------------------------------------------------ literals

/// CreateDataPropertyOrThrow for literals and fields.
#[cold]
#[inline(never)]
pub fn define_field(cx: &mut Cx, obj: &Value, key: Atom, v: Value) -> JsResult<()> {
    match obj {
        Value::Object(o) => create_data_property_or_throw(cx, o, key, v),
        _ => Err(bad_bytecode(cx)),
    }
}

/// `define_method` / `define_method_computed`. Spec: #sec-runtime-semantics-methoddefinitionevaluation
#[cold]
#[inline(never)]
pub fn define_method(
    cx: &mut Cx,
    obj: &Value,
    key: Atom,
    f: Value,
    flags: u8,
    computed: bool,
) -> JsResult<()> {
    let Value::Object(o) = obj else {
        return Err(bad_bytecode(cx));
    };
    set_home_object(&f, obj);
    let kind = flags & 3;
    let prefix = match kind {
        1 => Some("get"),
        2 => Some("set"),
        _ => None,
    };
    set_function_name(cx, &f, key, prefix, true)?;
    let _ = computed;
    let enumerable = flags & 4 != 0;
    let mut fl = attrs::CONFIGURABLE;
    if enumerable {
        fl |= attrs::ENUMERABLE;
    }
    let desc = match kind {
        0 => PropertyDescriptor::data(f, fl | attrs::WRITABLE),
        1 => PropertyDescriptor {
            get: Some(f),
            enumerable: Some(enumerable),
            configurable: Some(true),
            ..Default::default()
        },
        _ => PropertyDescriptor {
            set: Some(f),
            enumerable: Some(enumerable),
            configurable: Some(true),
            ..Default::default()
        },
    };
    define_property_or_throw(cx, o, key, desc)
}

/// SetFunctionName. `force`: always set (methods); otherwise only when the function has
/// no own `name` yet or the anonymous `""` its creation gave it. Spec: #sec-setfunctionname
#[cold]
#[inline(never)]
pub fn set_function_name(
    cx: &mut Cx,
    f: &Value,
    key: Atom,
    prefix: Option<&str>,
    force: bool,
) -> JsResult<()> {
    let Value::Object(fo) = f else { return Ok(()) };
    if !force {
        let cur = fo.borrow().own_descriptor(Atom::Name);
        if let Some(d) = cur {
            let anonymous = match &d.value {
                Some(Value::String(s)) => s.is_empty() && d.writable == Some(false),
                _ => false,
            };
            if !anonymous {
                return Ok(());
            }
        }
    } else if fo.borrow().own_descriptor(Atom::Name).is_some() {
        // A class with a static `name` member keeps it.
        let is_class = closure_parts(fo).map(|(b, _, _)| {
            matches!(
                b.kind,
                FunctionKind::ClassConstructor | FunctionKind::DerivedConstructor
            )
        });
        if is_class == Some(true) {
            return Ok(());
        }
    }
    let mut key = key;
    if let Some(a) = key.as_index() {
        key = cx.intern(&a.to_string());
    }
    let n = crate::object::function::function_name_string(cx, key, prefix)?;
    // A private name's symbol description already is `#x`: use it without brackets.
    let n = if cx.is_symbol(key) && cx.atom_name(key).starts_with('#') && prefix.is_none() {
        let t = cx.atom_name(key);
        cx.new_string(&t)?
    } else {
        n
    };
    define_value(cx, fo, Atom::Name, Value::String(n), attrs::CONFIGURABLE)
}

/// `set_home_object`.
pub fn set_home_object(f: &Value, home: &Value) {
    if let (Value::Object(fo), Value::Object(h)) = (f, home) {
        with_closure(fo, |c| c.home_object = Some(h.clone()));
    }
}

/// `set_proto` (`__proto__: v` in a literal).
#[cold]
#[inline(never)]
pub fn set_proto(cx: &mut Cx, obj: &Value, proto: &Value) -> JsResult<()> {
    let Value::Object(o) = obj else { return Ok(()) };
    match proto {
        Value::Object(p) => {
            o.set_prototype_of(cx, Some(p.clone()))?;
        }
        Value::Null => {
            o.set_prototype_of(cx, None)?;
        }
        _ => {}
    }
    Ok(())
}

/// `copy_data_properties`.
#[cold]
#[inline(never)]
pub fn copy_data_properties(
    cx: &mut Cx,
    target: &Value,
    source: &Value,
    keys: &[Value],
) -> JsResult<()> {
    let Value::Object(t) = target else {
        return Err(bad_bytecode(cx));
    };
    let mut excluded = Vec::with_capacity(keys.len());
    for k in keys {
        excluded.push(to_property_key(cx, k)?);
    }
    crate::object::ops::copy_data_properties(cx, t, source, &excluded)
}

fn array_len(cx: &mut Cx, arr: &Obj) -> JsResult<u64> {
    crate::object::ops::length_of_array_like(cx, arr)
}

/// `array_push`.
#[cold]
#[inline(never)]
pub fn array_push(cx: &mut Cx, arr: &Value, v: Value) -> JsResult<()> {
    let Value::Object(a) = arr else {
        return Err(bad_bytecode(cx));
    };
    let n = array_len(cx, a)?;
    let k = crate::object::ops::index_key(cx, n);
    create_data_property_or_throw(cx, a, k, v)
}

/// `array_hole`.
#[cold]
#[inline(never)]
pub fn array_hole(cx: &mut Cx, arr: &Value) -> JsResult<()> {
    let Value::Object(a) = arr else {
        return Err(bad_bytecode(cx));
    };
    let n = array_len(cx, a)?;
    crate::object::ops::set(cx, a, Atom::Length, Value::number((n + 1) as f64), true)
}

/// `array_spread`.
#[cold]
#[inline(never)]
pub fn array_spread(cx: &mut Cx, arr: &Value, iterable: &Value) -> JsResult<()> {
    let (it, next) = get_iterator(cx, iterable, false)?;
    loop {
        let r = call(cx, &next, &it, &[])?;
        let (v, done) = iter_value_done(cx, &r)?;
        if done {
            return Ok(());
        }
        array_push(cx, arr, v)?;
        cx.poll_interrupt(1)?;
    }
}

// ------------------------------------------------------------------ classes

/// `define_class`. Spec: #sec-runtime-semantics-classdefinitionevaluation steps 5-8, 14-17
#[cold]
#[inline(never)]
pub fn define_class(
    cx: &mut Cx,
    ctor: &Value,
    heritage: &Value,
    has_heritage: bool,
    name: Atom,
) -> JsResult<Value> {
    let Value::Object(c) = ctor else {
        return Err(bad_bytecode(cx));
    };
    let (proto_parent, ctor_parent) = if !has_heritage {
        (
            cx.intrinsic_obj(Intrinsic::ObjectPrototype),
            cx.intrinsic_obj(Intrinsic::FunctionPrototype),
        )
    } else if heritage.is_null() {
        (None, cx.intrinsic_obj(Intrinsic::FunctionPrototype))
    } else {
        if !is_constructor(heritage) {
            return Err(cx.throw_type_error("Class extends value is not a constructor or null"));
        }
        let Value::Object(h) = heritage else {
            return Err(bad_bytecode(cx));
        };
        let pp = get(cx, h, Atom::Prototype)?;
        let pp = match pp {
            Value::Object(p) => Some(p),
            Value::Null => None,
            _ => {
                return Err(cx.throw_type_error(
                    "Class extends value does not have valid prototype property",
                ))
            }
        };
        (pp, Some(h.clone()))
    };
    let proto = Obj::new(cx, proto_parent, ObjectData::Ordinary)?;
    c.borrow_mut().proto = ctor_parent;
    define_value(cx, c, Atom::Prototype, Value::Object(proto.clone()), 0)?;
    define_value(cx, &proto, Atom::Constructor, ctor.clone(), attrs::HIDDEN)?;
    with_closure(c, |cl| cl.home_object = Some(proto.clone()));
    // The class name, unless the bytecode named the constructor already.
    let has_name = closure_parts(c)
        .map(|(b, _, _)| b.name != Atom::Empty)
        .unwrap_or(true);
    if !has_name && name != Atom::Empty {
        set_function_name(cx, ctor, name, None, false)?;
    }
    Ok(Value::Object(proto))
}

/// `set_fields_init`.
pub fn set_fields_init(ctor: &Value, init: Value) {
    if let Value::Object(c) = ctor {
        with_closure(c, |cl| cl.fields_init = init);
    }
}

/// `run_fields_init`: InitializeInstanceElements. Spec: #sec-initializeinstanceelements
#[cold]
#[inline(never)]
pub fn run_fields_init(cx: &mut Cx, obj: &Value, ctor: &Value) -> JsResult<()> {
    let Value::Object(c) = ctor else {
        return Ok(());
    };
    let init = with_closure(c, |cl| cl.fields_init.clone()).unwrap_or_default();
    if is_callable(&init) {
        call(cx, &init, obj, &[])?;
    }
    Ok(())
}

/// `check_ctor_return`; errors are made in `caller_realm`.
/// Spec: #sec-ecmascript-function-objects-construct-argumentslist-newtarget (steps 10-12)
#[cold]
#[inline(never)]
pub fn check_ctor_return(
    cx: &mut Cx,
    v: Value,
    this: Value,
    caller_realm: crate::realm::RealmId,
) -> JsResult<Value> {
    if v.is_object() {
        return Ok(v);
    }
    if !v.is_undefined() {
        return Err(cx.in_realm(caller_realm, |cx| {
            cx.throw_type_error("Derived constructors may only return object or undefined")
        }));
    }
    if let Value::Uninitialized = this {
        return Err(cx.in_realm(caller_realm, |cx| cx.throw_reference_error(
            "Must call super constructor in derived class before accessing 'this' or returning from derived constructor",
        )));
    }
    Ok(this)
}

// ------------------------------------------------------------------ calls

/// What a call instruction produced.
pub enum CallStep {
    Value(Value),
    /// A closure frame to run in the same loop.
    Frame(Box<Frame>),
}

/// Is `f` a closure that can be run in the loop for this call kind?
fn closure_for_loop(f: &Value) -> Option<Obj> {
    let Value::Object(o) = f else { return None };
    let ok = matches!(&o.borrow().class, ObjectData::Vm(v) if matches!(&**v, VmObject::Closure(_)));
    ok.then(|| o.clone())
}

/// All call instructions: pops the operands from the frame and either produces the value
/// (native callee) or the callee's frame.
#[cold]
#[inline(never)]
pub fn call_op(cx: &mut Cx, f: &mut Frame, op: Op, code: &[u8], a: usize) -> JsResult<CallStep> {
    // Collect operands.
    let (callee, this, args, new_target, eval_site) = match op {
        Op::Call | Op::CallEval => {
            let n = rd_u16(code, a);
            let site = if op == Op::CallEval {
                Some(rd_u16(code, a + 2))
            } else {
                None
            };
            let at = f.r.len().saturating_sub(n);
            let args = f.r.split_off(at);
            let callee = f.r.pop().unwrap_or_default();
            let this = f.r.pop().unwrap_or_default();
            (callee, this, args, None, site)
        }
        Op::Apply | Op::ApplyEval => {
            let site = if op == Op::ApplyEval {
                Some(rd_u16(code, a))
            } else {
                None
            };
            let arr = f.r.pop().unwrap_or_default();
            let callee = f.r.pop().unwrap_or_default();
            let this = f.r.pop().unwrap_or_default();
            let args = crate::object::ops::create_list_from_array_like(cx, &arr, false)?;
            (callee, this, args, None, site)
        }
        Op::New => {
            let n = rd_u16(code, a);
            let at = f.r.len().saturating_sub(n);
            let args = f.r.split_off(at);
            let callee = f.r.pop().unwrap_or_default();
            let nt = callee.clone();
            (callee, Value::Undefined, args, Some(nt), None)
        }
        Op::ApplyNew => {
            let arr = f.r.pop().unwrap_or_default();
            let callee = f.r.pop().unwrap_or_default();
            let args = crate::object::ops::create_list_from_array_like(cx, &arr, false)?;
            let nt = callee.clone();
            (callee, Value::Undefined, args, Some(nt), None)
        }
        Op::SuperCall => {
            let n = rd_u16(code, a);
            let at = f.r.len().saturating_sub(n);
            let args = f.r.split_off(at);
            let nt = f.r.pop().unwrap_or_default();
            let callee = f.r.pop().unwrap_or_default();
            if !is_constructor(&callee) {
                return Err(cx.throw_type_error("Super constructor is not a constructor"));
            }
            (callee, Value::Undefined, args, Some(nt), None)
        }
        _ => {
            // ApplySuper
            let arr = f.r.pop().unwrap_or_default();
            let nt = f.r.pop().unwrap_or_default();
            let callee = f.r.pop().unwrap_or_default();
            if !is_constructor(&callee) {
                return Err(cx.throw_type_error("Super constructor is not a constructor"));
            }
            let args = crate::object::ops::create_list_from_array_like(cx, &arr, false)?;
            (callee, Value::Undefined, args, Some(nt), None)
        }
    };
    if let Some(site) = eval_site {
        let is_eval = match (&callee, cx.intrinsic(Intrinsic::Eval)) {
            (Value::Object(a), Value::Object(b)) => Obj::ptr_eq(a, &b),
            _ => false,
        };
        if is_eval {
            return super::global::direct_eval(
                cx,
                f,
                site,
                args.first().cloned().unwrap_or_default(),
            );
        }
    }
    match new_target {
        None => {
            if let Some(fo) = closure_for_loop(&callee) {
                return Ok(CallStep::Frame(prepare_frame(
                    cx,
                    &fo,
                    &this,
                    &args,
                    &Value::Undefined,
                )?));
            }
            if !is_callable(&callee) {
                return Err(not_callable(cx, &callee));
            }
            Ok(CallStep::Value(call(cx, &callee, &this, &args)?))
        }
        Some(nt) => {
            if !is_constructor(&callee) {
                return Err(cx.throw_type_error("not a constructor"));
            }
            if let Some(fo) = closure_for_loop(&callee) {
                return Ok(CallStep::Frame(prepare_frame(cx, &fo, &this, &args, &nt)?));
            }
            Ok(CallStep::Value(construct(cx, &callee, &args, &nt)?))
        }
    }
}

#[cold]
fn not_callable(cx: &mut Cx, v: &Value) -> Throw {
    let what = match v {
        Value::Undefined => "undefined",
        Value::Null => "null",
        Value::Object(_) => "object",
        _ => v.type_of(),
    };
    cx.throw_type_error(&format!("not a function ({what})"))
}

/// `import_call`: dynamic import() (`vm/module.rs`).
#[cold]
#[inline(never)]
pub fn import_call(
    cx: &mut Cx,
    bc: &FunctionBytecode,
    spec: &Value,
    options: &Value,
) -> JsResult<Value> {
    super::module::import_call(cx, bc, spec, options)
}

// ------------------------------------------------------------------ iterators

/// GetIterator. Spec: #sec-getiterator
#[cold]
#[inline(never)]
pub fn get_iterator(cx: &mut Cx, v: &Value, is_async: bool) -> JsResult<(Value, Value)> {
    if is_async {
        if let Some(m) = get_method(cx, v, Atom::SYM_ASYNC_ITERATOR)? {
            let it = call(cx, &m, v, &[])?;
            if !it.is_object() {
                return Err(cx.throw_type_error(
                    "Result of the Symbol.asyncIterator method is not an object",
                ));
            }
            let next = get_v(cx, &it, Atom::Next)?;
            return Ok((it, next));
        }
        let (it, next) = get_iterator(cx, v, false)?;
        return super::promise::create_async_from_sync_iterator(cx, it, next);
    }
    let m = get_method(cx, v, Atom::SYM_ITERATOR)?;
    let Some(m) = m else {
        return Err(cx.throw_type_error("object is not iterable"));
    };
    let it = call(cx, &m, v, &[])?;
    if !it.is_object() {
        return Err(cx.throw_type_error("Result of the Symbol.iterator method is not an object"));
    }
    let next = get_v(cx, &it, Atom::Next)?;
    Ok((it, next))
}

/// IteratorComplete + IteratorValue of a result object.
#[cold]
#[inline(never)]
pub fn iter_value_done(cx: &mut Cx, res: &Value) -> JsResult<(Value, bool)> {
    if !res.is_object() {
        return Err(cx.throw_type_error("iterator result is not an object"));
    }
    let done = get_v(cx, res, Atom::Done)?.to_boolean();
    if done {
        return Ok((Value::Undefined, true));
    }
    let v = get_v(cx, res, Atom::Value)?;
    Ok((v, false))
}

/// `iterator_return`.
#[cold]
#[inline(never)]
pub fn iterator_return(cx: &mut Cx, it: &Value) -> JsResult<(Value, bool)> {
    match get_method(cx, it, Atom::Return_)? {
        None => Ok((Value::Undefined, false)),
        Some(m) => Ok((call(cx, &m, it, &[])?, true)),
    }
}

/// `destructure_next`.
#[cold]
#[inline(never)]
pub fn destructure_next(
    cx: &mut Cx,
    it: &Value,
    next: &Value,
    done: bool,
) -> JsResult<(Value, bool)> {
    if done {
        return Ok((Value::Undefined, true));
    }
    let r = call(cx, next, it, &[])?;
    if !r.is_object() {
        return Err(cx.throw_type_error("iterator result is not an object"));
    }
    let d = get_v(cx, &r, Atom::Done)?.to_boolean();
    if d {
        return Ok((Value::Undefined, true));
    }
    let v = get_v(cx, &r, Atom::Value)?;
    Ok((v, false))
}

/// `destructure_rest`.
#[cold]
#[inline(never)]
pub fn destructure_rest(
    cx: &mut Cx,
    it: &Value,
    next: &Value,
    done: bool,
) -> JsResult<(Value, bool)> {
    let mut items = Vec::new();
    if !done {
        loop {
            let (v, d) = destructure_next(cx, it, next, false)?;
            if d {
                break;
            }
            items.push(v);
            cx.poll_interrupt(1)?;
        }
    }
    let a = create_array_from_list(cx, &items)?;
    Ok((Value::Object(a), true))
}

/// `for_in_start`: collects the enumerable string keys up the prototype chain (shadowed
/// keys once). Keys deleted before they are visited are skipped by `for_in_next`.
/// Spec: #sec-enumerate-object-properties
#[cold]
#[inline(never)]
pub fn for_in_start(cx: &mut Cx, v: &Value) -> JsResult<Value> {
    let mut keys: Vec<Value> = Vec::new();
    let obj = if v.is_nullish() {
        None
    } else {
        Some(to_object(cx, v)?)
    };
    let mut seen: std::collections::HashSet<Atom> = std::collections::HashSet::new();
    let mut cur = obj.clone();
    while let Some(o) = cur {
        let own = o.own_property_keys(cx)?;
        for k in own {
            if cx.is_symbol(k) {
                continue;
            }
            if !seen.insert(k) {
                continue;
            }
            if let Some(d) = o.get_own_property(cx, k)? {
                if d.enumerable == Some(true) {
                    keys.push(Value::String(cx.atom_to_string(k)?));
                }
            }
        }
        cur = o.get_prototype_of(cx)?;
        cx.poll_interrupt(1)?;
    }
    let mut data = Vec::with_capacity(keys.len() + 2);
    data.push(obj.map_or(Value::Undefined, Value::Object));
    data.push(Value::Int(0));
    data.extend(keys);
    // The enumerator state lives in the slots of a (never exposed) native closure.
    let realm = cx.realm_id();
    let e = Obj::new(
        cx,
        None,
        ObjectData::NativeClosure(Box::new(crate::object::NativeClosure {
            f: for_in_dummy,
            data,
            constructor: false,
            realm,
        })),
    )?;
    Ok(Value::Object(e))
}

fn for_in_dummy(_: &mut Cx, _: &Obj, _: &Value, _: &[Value], _: &Value) -> JsResult<Value> {
    Ok(Value::Undefined)
}

/// `for_in_next`.
#[cold]
#[inline(never)]
pub fn for_in_next(cx: &mut Cx, e: &Value) -> JsResult<(Value, bool)> {
    let Value::Object(eo) = e else {
        return Err(bad_bytecode(cx));
    };
    loop {
        let (obj, key) = {
            let mut b = eo.borrow_mut();
            let ObjectData::NativeClosure(c) = &mut b.class else {
                return Err(bad_bytecode(cx));
            };
            let data = &mut c.data;
            let idx = match data.get(1) {
                Some(Value::Int(i)) => *i as usize,
                _ => 0,
            };
            let key = data.get(2 + idx).cloned();
            if key.is_some() {
                data[1] = Value::Int(idx as i32 + 1);
            }
            (data.first().cloned().unwrap_or_default(), key)
        };
        let Some(k) = key else {
            return Ok((Value::Undefined, true));
        };
        // Skip keys deleted during the enumeration.
        if let Value::Object(o) = &obj {
            let a = to_property_key(cx, &k)?;
            if !o.has_property(cx, a)? {
                continue;
            }
        }
        return Ok((k, false));
    }
}

/// `delegate_call` (yield*). Spec: #sec-generator-function-definitions-runtime-semantics-evaluation
#[cold]
#[inline(never)]
pub fn delegate_call(
    cx: &mut Cx,
    f: &Frame,
    it: &Value,
    next: &Value,
    v: Value,
    k: Value,
) -> JsResult<(Value, Value)> {
    let k = match k {
        Value::Int(i) => i,
        _ => 0,
    };
    let is_async = matches!(
        f.mode,
        FrameMode::AsyncGenerator(_) | FrameMode::AsyncGeneratorStart
    );
    match k {
        0 => Ok((Value::Int(0), call(cx, next, it, &[v])?)),
        2 => match get_method(cx, it, Atom::Throw_)? {
            Some(m) => Ok((Value::Int(2), call(cx, &m, it, &[v])?)),
            None => {
                // Close the iterator, then TypeError.
                if let Some(r) = get_method(cx, it, Atom::Return_)? {
                    let res = call(cx, &r, it, &[])?;
                    if is_async {
                        // Not awaited (async iterator close inside yield* is not
                        // implemented as an await yet).
                    } else if !res.is_object() {
                        return Err(cx.throw_type_error("iterator result is not an object"));
                    }
                }
                Err(cx.throw_type_error("The iterator does not provide a 'throw' method"))
            }
        },
        _ => match get_method(cx, it, Atom::Return_)? {
            None => Ok((Value::Int(3), v)),
            Some(m) => Ok((Value::Int(1), call(cx, &m, it, &[v])?)),
        },
    }
}

/// `delegate_result`.
#[cold]
#[inline(never)]
pub fn delegate_result(cx: &mut Cx, k: &Value, res: &Value) -> JsResult<bool> {
    if matches!(k, Value::Int(3)) {
        return Ok(true);
    }
    if !res.is_object() {
        return Err(cx.throw_type_error("iterator result is not an object"));
    }
    Ok(get_v(cx, res, Atom::Done)?.to_boolean())
}

/// `delegate_value`.
#[cold]
#[inline(never)]
pub fn delegate_value(cx: &mut Cx, k: &Value, res: &Value) -> JsResult<(Value, bool)> {
    let k = match k {
        Value::Int(i) => *i,
        _ => 0,
    };
    let v = if k == 3 {
        res.clone()
    } else {
        get_v(cx, res, Atom::Value)?
    };
    Ok((v, k == 1 || k == 3))
}

// ------------------------------------------------------------------ frame completion

/// What a suspension produced.
pub enum SuspendStep {
    /// The value (or throw) for the frame's caller; the frame was stored away.
    Deliver(JsResult<Value>),
    /// Suspending failed; throw in the frame at the suspension point.
    Throw(Box<Frame>, Throw),
    /// Continue running the frame at once (its resumption values were pushed).
    Resume(Box<Frame>),
}

/// Handles `initial_yield`, `yield`, `delegate_yield` and `await`.
#[cold]
#[inline(never)]
pub fn suspend(cx: &mut Cx, mut f: Box<Frame>, op: Op, v: Value) -> SuspendStep {
    match op {
        Op::Await => match super::promise::await_value(cx, f, v) {
            Ok(r) => SuspendStep::Deliver(Ok(r)),
            Err((f, t)) => SuspendStep::Throw(f, t),
        },
        Op::InitialYield => {
            let r = match std::mem::replace(&mut f.mode, FrameMode::Call) {
                FrameMode::GeneratorStart => super::generator::create(cx, f, false),
                FrameMode::AsyncGeneratorStart => super::generator::create(cx, f, true),
                FrameMode::Module => Ok(super::global::park_module_frame(cx, f)),
                other => {
                    f.mode = other;
                    Err(bad_bytecode(cx))
                }
            };
            SuspendStep::Deliver(r)
        }
        _ => {
            let is_delegate = op == Op::DelegateYield;
            match &f.mode {
                FrameMode::Generator(g) => {
                    let g = g.clone();
                    SuspendStep::Deliver(super::generator::yield_value(cx, &g, f, v, is_delegate))
                }
                FrameMode::AsyncGenerator(g) => {
                    let g = g.clone();
                    super::generator::async_yield(cx, &g, f, v, is_delegate)
                }
                _ => SuspendStep::Deliver(Err(bad_bytecode(cx))),
            }
        }
    }
}

/// Completes a frame: the value its caller receives. Spec: #sec-ecmascript-function-objects-construct-argumentslist-newtarget (step 10-12)
#[cold]
#[inline(never)]
#[expect(
    clippy::boxed_local,
    reason = "frames travel boxed through the interpreter"
)]
pub fn finish_frame(cx: &mut Cx, f: Box<Frame>, r: JsResult<Value>) -> JsResult<Value> {
    let f = *f;
    match f.mode {
        FrameMode::Call
        | FrameMode::Module
        | FrameMode::GeneratorStart
        | FrameMode::AsyncGeneratorStart => r,
        FrameMode::Construct => r.map(|v| if v.is_object() { v } else { f.this }),
        FrameMode::Generator(g) => super::generator::complete(cx, &g, r),
        FrameMode::AsyncGenerator(g) => super::generator::async_complete(cx, &g, r),
        FrameMode::Async(p) => {
            match r {
                Ok(v) => super::promise::resolve_promise(cx, &p, v)?,
                Err(t) => {
                    if cx.uncatchable {
                        return Err(t);
                    }
                    let e = cx.take_exception();
                    super::promise::reject_promise(cx, &p, e)?;
                }
            }
            Ok(Value::Object(p))
        }
    }
}

/// Gives an Error object being thrown a `stack` property from the current call-site stack
/// (the first time it passes through the interpreter).
#[cold]
#[inline(never)]
pub fn attach_stack(cx: &mut Cx) {
    let Value::Object(o) = cx.exception.clone() else {
        return;
    };
    let is_error = matches!(o.borrow().class, ObjectData::Error);
    if !is_error || o.borrow().find(Atom::Stack).is_some() {
        return;
    }
    let s = super::global::stack_string(cx);
    let saved = cx.take_exception();
    if let Ok(js) = cx.new_string(&s) {
        let _ = define_value(cx, &o, Atom::Stack, Value::String(js), attrs::HIDDEN);
    }
    cx.exception = saved;
}
