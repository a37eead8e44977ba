//! Calls: [`call`] and [`construct`] dispatch on the callee's class (native functions, host
//! closures, bound functions, proxies; the VM adds bytecode closures), IsCallable /
//! IsConstructor, and creation of native and bound function objects.
//!
//! Invariant: every call made here counts one level of native re-entry (`cx.enter()`), so a
//! chain of natives calling back into JS ends in RangeError, never in a native stack
//! overflow. The VM's JS→JS calls do not come through here.

use super::ops::{define_value, get};
use super::{attrs, BoundFunction, HostFn, NativeFunction, Obj, ObjectData};
use crate::atoms::Atom;
use crate::realm::{Cx, Intrinsic, JsResult, RealmId};
use crate::value::Value;

/// The one signature of every native function: `this`, arguments, `new.target`
/// (undefined for a call) and the `magic` from the builtin table.
pub type NativeFn = fn(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    new_target: &Value,
    magic: u16,
) -> JsResult<Value>;

pub(crate) fn obj_is_callable(o: &Obj) -> bool {
    let b = o.borrow();
    match &b.class {
        ObjectData::NativeFunction(_)
        | ObjectData::HostFunction(..)
        | ObjectData::BoundFunction(_)
        | ObjectData::NativeClosure(_) => true,
        ObjectData::Proxy(Some(p)) => p.callable,
        ObjectData::Proxy(None) => b.revoked_proxy_kind & 1 != 0,
        ObjectData::Vm(v) => v.is_callable(),
        _ => false,
    }
}

/// IsCallable. Spec: #sec-iscallable
pub fn is_callable(v: &Value) -> bool {
    matches!(v, Value::Object(o) if obj_is_callable(o))
}

/// IsConstructor. Spec: #sec-isconstructor
pub fn is_constructor(v: &Value) -> bool {
    let Value::Object(o) = v else { return false };
    obj_is_constructor(o)
}

pub(crate) fn obj_is_constructor(o: &Obj) -> bool {
    let b = o.borrow();
    match &b.class {
        ObjectData::NativeFunction(n) => n.constructor,
        ObjectData::NativeClosure(n) => n.constructor,
        ObjectData::HostFunction(..) => false,
        ObjectData::BoundFunction(b) => obj_is_constructor(&b.target),
        ObjectData::Proxy(Some(p)) => p.constructor,
        ObjectData::Proxy(None) => b.revoked_proxy_kind & 2 != 0,
        ObjectData::Vm(v) => v.is_constructor(),
        _ => false,
    }
}

/// What a call resolved to, copied out of the callee so no borrow is held during the call.
enum Callee {
    Native(NativeFunction),
    NativeData(super::NativeDataFn, RealmId),
    Host(HostFn, RealmId),
    Bound(Obj, Value, Vec<Value>),
    Proxy,
    /// A VM function object (bytecode closure, native closure).
    Vm,
    NotCallable,
}

fn callee_of(o: &Obj) -> Callee {
    match &o.borrow().class {
        ObjectData::NativeFunction(n) => Callee::Native(*n),
        ObjectData::HostFunction(h, realm) => Callee::Host(h.clone(), *realm),
        ObjectData::NativeClosure(c) => Callee::NativeData(c.f, c.realm),
        ObjectData::BoundFunction(b) => {
            Callee::Bound(b.target.clone(), b.this.clone(), b.args.clone())
        }
        ObjectData::Proxy(Some(p)) if p.callable => Callee::Proxy,
        ObjectData::Vm(v) if v.is_callable() => Callee::Vm,
        _ => Callee::NotCallable,
    }
}

/// Call(F, V, args). Spec: #sec-call
pub fn call(cx: &mut Cx, f: &Value, this: &Value, args: &[Value]) -> JsResult<Value> {
    let Value::Object(fo) = f else {
        return Err(cx.throw_type_error("not a function"));
    };
    cx.enter()?;
    let r = call_obj(cx, fo, this, args);
    cx.leave();
    r
}

fn call_obj(cx: &mut Cx, fo: &Obj, this: &Value, args: &[Value]) -> JsResult<Value> {
    match callee_of(fo) {
        // Built-in and host functions run in their [[Realm]] (their errors and the objects
        // they create belong to it). Spec: #sec-built-in-function-objects-call-thisargument-argumentslist
        Callee::Native(n) => cx.in_realm(n.realm, |cx| {
            (n.f)(cx, this, args, &Value::Undefined, n.magic)
        }),
        Callee::NativeData(f, realm) => {
            cx.in_realm(realm, |cx| f(cx, fo, this, args, &Value::Undefined))
        }
        Callee::Host(h, realm) => cx.in_realm(realm, |cx| h(cx, this, args)),
        Callee::Bound(target, bthis, bargs) => {
            // Spec: #sec-bound-function-exotic-objects-call-thisargument-argumentslist
            let mut all = bargs;
            all.extend_from_slice(args);
            call(cx, &Value::Object(target), &bthis, &all)
        }
        Callee::Proxy => super::proxy::call(cx, fo, this, args),
        Callee::Vm => crate::vm::function::call_vm_object(cx, fo, this, args, &Value::Undefined),
        Callee::NotCallable => Err(cx.throw_type_error("not a function")),
    }
}

/// Construct(F, args, newTarget). `new_target` undefined means F itself.
/// Spec: #sec-construct
pub fn construct(cx: &mut Cx, f: &Value, args: &[Value], new_target: &Value) -> JsResult<Value> {
    let Value::Object(fo) = f else {
        return Err(cx.throw_type_error("not a constructor"));
    };
    if !obj_is_constructor(fo) {
        return Err(cx.throw_type_error("not a constructor"));
    }
    let nt = if new_target.is_undefined() {
        f.clone()
    } else {
        new_target.clone()
    };
    cx.enter()?;
    let r = construct_obj(cx, fo, args, &nt);
    cx.leave();
    r
}

fn construct_obj(cx: &mut Cx, fo: &Obj, args: &[Value], nt: &Value) -> JsResult<Value> {
    match callee_of(fo) {
        // Spec: #sec-built-in-function-objects-construct-argumentslist-newtarget
        Callee::Native(n) => cx.in_realm(n.realm, |cx| {
            (n.f)(cx, &Value::Undefined, args, nt, n.magic)
        }),
        Callee::NativeData(f, realm) => {
            cx.in_realm(realm, |cx| f(cx, fo, &Value::Undefined, args, nt))
        }
        Callee::Bound(target, _, bargs) => {
            // Spec: #sec-bound-function-exotic-objects-construct-argumentslist-newtarget
            let mut all = bargs;
            all.extend_from_slice(args);
            let t = Value::Object(target);
            let nt = match nt {
                Value::Object(n) if Obj::ptr_eq(n, fo) => t.clone(),
                _ => nt.clone(),
            };
            construct(cx, &t, &all, &nt)
        }
        Callee::Proxy => super::proxy::construct(cx, fo, args, nt),
        Callee::Vm => crate::vm::function::call_vm_object(cx, fo, &Value::Undefined, args, nt),
        Callee::Host(..) | Callee::NotCallable => Err(cx.throw_type_error("not a constructor")),
    }
}

/// Creates a native function object with `length` and `name` (CreateBuiltinFunction).
/// Spec: #sec-createbuiltinfunction
pub fn new_native_function(
    cx: &mut Cx,
    f: super::NativeFn,
    name: Atom,
    length: u32,
    magic: u16,
    constructor: bool,
) -> JsResult<Obj> {
    let proto = cx.intrinsic_obj(Intrinsic::FunctionPrototype);
    let o = Obj::new(
        cx,
        proto,
        ObjectData::NativeFunction(NativeFunction {
            f,
            magic,
            constructor,
            realm: cx.realm_id(),
        }),
    )?;
    define_value(
        cx,
        &o,
        Atom::Length,
        Value::Int(length as i32),
        attrs::CONFIGURABLE,
    )?;
    let n = function_name_string(cx, name, None)?;
    define_value(cx, &o, Atom::Name, Value::String(n), attrs::CONFIGURABLE)?;
    Ok(o)
}

/// Creates a native function with internal slots (see [`super::NativeClosure`]).
pub fn new_native_closure(
    cx: &mut Cx,
    f: super::NativeDataFn,
    name: &str,
    length: u32,
    data: Vec<Value>,
    constructor: bool,
) -> JsResult<Obj> {
    let proto = cx.intrinsic_obj(Intrinsic::FunctionPrototype);
    let bytes = data.len() * std::mem::size_of::<Value>();
    cx.oom(cx.heap.charge(bytes))?;
    let class = ObjectData::NativeClosure(Box::new(super::NativeClosure {
        f,
        data,
        constructor,
        realm: cx.realm_id(),
    }));
    let o = match Obj::new(cx, proto, class) {
        Ok(o) => o,
        Err(t) => {
            cx.heap.refund(bytes);
            return Err(t);
        }
    };
    o.borrow_mut().add_charged(bytes);
    define_value(
        cx,
        &o,
        Atom::Length,
        Value::Int(length as i32),
        attrs::CONFIGURABLE,
    )?;
    let n = cx.new_string(name)?;
    define_value(cx, &o, Atom::Name, Value::String(n), attrs::CONFIGURABLE)?;
    Ok(o)
}

/// A copy of the slots of a native closure (empty for any other object).
pub fn native_closure_data(o: &Obj) -> Vec<Value> {
    match &o.borrow().class {
        ObjectData::NativeClosure(c) => c.data.clone(),
        _ => Vec::new(),
    }
}

/// Creates a function object from a Rust closure (for embedders).
pub fn new_host_function(cx: &mut Cx, name: &str, length: u32, f: HostFn) -> JsResult<Obj> {
    let proto = cx.intrinsic_obj(Intrinsic::FunctionPrototype);
    let realm = cx.realm_id();
    let o = Obj::new(cx, proto, ObjectData::HostFunction(f, realm))?;
    define_value(
        cx,
        &o,
        Atom::Length,
        Value::Int(length as i32),
        attrs::CONFIGURABLE,
    )?;
    let n = cx.new_string(name)?;
    define_value(cx, &o, Atom::Name, Value::String(n), attrs::CONFIGURABLE)?;
    Ok(o)
}

/// The `name` string for a function keyed by `key`: symbols become `[description]`, and an
/// optional prefix (`get`, `set`, `bound`) is prepended. Spec: #sec-setfunctionname
pub fn function_name_string(
    cx: &mut Cx,
    key: Atom,
    prefix: Option<&str>,
) -> JsResult<crate::strings::JsString> {
    let mut units: Vec<u16> = Vec::new();
    if let Some(p) = prefix {
        units.extend(p.encode_utf16());
        units.push(b' ' as u16);
    }
    if cx.is_symbol(key) {
        if let crate::atoms::AtomKind::Symbol {
            has_description: true,
        } = cx.atoms.kind(key)
        {
            units.push(b'[' as u16);
            units.extend_from_slice(cx.atoms.text(key).unwrap_or(&[]));
            units.push(b']' as u16);
        }
    } else {
        units.extend(cx.atoms.to_utf16(key));
    }
    cx.new_string_utf16(&units)
}

/// BoundFunctionCreate. Spec: #sec-boundfunctioncreate
pub fn bound_function_create(
    cx: &mut Cx,
    target: &Obj,
    this: Value,
    args: Vec<Value>,
) -> JsResult<Obj> {
    let proto = target.get_prototype_of(cx)?;
    let bytes = args.len() * std::mem::size_of::<Value>();
    cx.oom(cx.heap.charge(bytes))?;
    // The args vector is owned by the payload; refund now and account it as part of the
    // object through the cell size heuristics would be inexact, so keep it charged here
    // and refund when the object dies via `charged`.
    let o = Obj::new(
        cx,
        proto,
        ObjectData::BoundFunction(Box::new(BoundFunction {
            target: target.clone(),
            this,
            args,
        })),
    );
    match o {
        Ok(o) => {
            o.borrow_mut().add_charged(bytes);
            Ok(o)
        }
        Err(t) => {
            cx.heap.refund(bytes);
            Err(t)
        }
    }
}

/// Calls `f` with `this` as a method found by name (helper for builtins).
pub fn call_method(cx: &mut Cx, this: &Value, key: Atom, args: &[Value]) -> JsResult<Value> {
    let f = match this {
        Value::Object(o) => get(cx, o, key)?,
        _ => super::ops::get_v(cx, this, key)?,
    };
    call(cx, &f, this, args)
}

/// GetFunctionRealm. Spec: #sec-getfunctionrealm
pub fn get_function_realm(cx: &mut Cx, f: &Obj) -> JsResult<RealmId> {
    let mut cur = f.clone();
    loop {
        let next = match &cur.borrow().class {
            ObjectData::NativeFunction(n) => return Ok(n.realm),
            ObjectData::NativeClosure(n) => return Ok(n.realm),
            ObjectData::HostFunction(_, realm) => return Ok(*realm),
            ObjectData::BoundFunction(b) => b.target.clone(),
            ObjectData::Proxy(Some(p)) => p.target.clone(),
            // Revoked proxy: detected below (next == cur).
            ObjectData::Proxy(None) => cur.clone(),
            // VM: bytecode closures return their [[Realm]].
            ObjectData::Vm(v) => match &**v {
                crate::vm::VmObject::Closure(c) => return Ok(c.realm),
                _ => return Ok(cx.realm_id()),
            },
            _ => return Ok(cx.realm_id()),
        };
        if Obj::ptr_eq(&next, &cur) {
            return Err(cx.throw_type_error("Cannot get the realm of a revoked proxy"));
        }
        cur = next;
        cx.poll_interrupt(1)?;
    }
}
