//! The Reflect namespace object: one function per essential internal method, plus apply and
//! construct. Spec: #sec-reflect-object
//!
//! Invariant: each function checks that its target is an object *before* coercing any other
//! argument (the spec's step order, observable through coercion side effects).

use super::{arg, install_class, Builtin, ClassDef, Val};
use crate::atoms::Atom;
use crate::object::ops::{
    create_array_from_list, create_list_from_array_like, from_property_descriptor,
    to_property_descriptor,
};
use crate::object::{attrs, call, construct, is_callable, is_constructor, Obj};
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::value::conv::to_property_key;
use crate::value::Value;
use crate::{method, value};

static STATICS: &[Builtin] = &[
    method!("apply", 3, apply),
    method!("construct", 2, reflect_construct),
    method!("defineProperty", 3, define_property),
    method!("deleteProperty", 2, delete_property),
    method!("get", 2, get),
    method!("getOwnPropertyDescriptor", 2, get_own_property_descriptor),
    method!("getPrototypeOf", 1, get_prototype_of),
    method!("has", 2, has),
    method!("isExtensible", 1, is_extensible),
    method!("ownKeys", 1, own_keys),
    method!("preventExtensions", 1, prevent_extensions),
    method!("set", 3, set),
    method!("setPrototypeOf", 2, set_prototype_of),
    value!(@symbol SYM_TO_STRING_TAG, Val::Str("Reflect"), attrs::CONFIGURABLE),
];

static CLASS: ClassDef = ClassDef {
    name: "Reflect",
    statics: STATICS,
    ..ClassDef::DEFAULT
};

pub fn init(cx: &mut Cx) -> JsResult<()> {
    let r = install_class(cx, &CLASS)?;
    cx.realm.set_intrinsic(Intrinsic::Reflect, Value::Object(r));
    Ok(())
}

/// Step 1 of most Reflect functions: "If target is not an Object, throw a TypeError".
fn target(cx: &mut Cx, args: &[Value], what: &str) -> JsResult<Obj> {
    match args.first() {
        Some(Value::Object(o)) => Ok(o.clone()),
        _ => Err(cx.throw_type_error(&format!("Reflect.{what} called on non-object"))),
    }
}

/// Reflect.apply. Spec: #sec-reflect.apply
fn apply(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let f = arg(args, 0);
    // 1. If IsCallable(target) is false, throw a TypeError.
    if !is_callable(&f) {
        return Err(cx.throw_type_error("Reflect.apply target is not callable"));
    }
    // 2. args = CreateListFromArrayLike(argumentsList).
    let list = create_list_from_array_like(cx, &arg(args, 2), false)?;
    // 4. Return Call(target, thisArgument, args).
    call(cx, &f, &arg(args, 1), &list)
}

/// Reflect.construct. Spec: #sec-reflect.construct
fn reflect_construct(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let f = arg(args, 0);
    // 1. If IsConstructor(target) is false, throw a TypeError.
    if !is_constructor(&f) {
        return Err(cx.throw_type_error("Reflect.construct target is not a constructor"));
    }
    // 2-3. newTarget defaults to target and must be a constructor.
    let nt = if args.len() < 3 {
        f.clone()
    } else {
        arg(args, 2)
    };
    if !is_constructor(&nt) {
        return Err(cx.throw_type_error("Reflect.construct newTarget is not a constructor"));
    }
    // 4. args = CreateListFromArrayLike(argumentsList).
    let list = create_list_from_array_like(cx, &arg(args, 1), false)?;
    construct(cx, &f, &list, &nt)
}

/// Reflect.defineProperty. Spec: #sec-reflect.defineproperty
fn define_property(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let o = target(cx, args, "defineProperty")?;
    let key = to_property_key(cx, &arg(args, 1))?;
    let desc = to_property_descriptor(cx, &arg(args, 2))?;
    Ok(Value::Bool(o.define_own_property(cx, key, desc)?))
}

/// Reflect.deleteProperty. Spec: #sec-reflect.deleteproperty
fn delete_property(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let o = target(cx, args, "deleteProperty")?;
    let key = to_property_key(cx, &arg(args, 1))?;
    Ok(Value::Bool(o.delete(cx, key)?))
}

/// Reflect.get. Spec: #sec-reflect.get
fn get(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let o = target(cx, args, "get")?;
    let key = to_property_key(cx, &arg(args, 1))?;
    // 3. If receiver is not present, set receiver to target.
    let receiver = if args.len() < 3 {
        Value::Object(o.clone())
    } else {
        arg(args, 2)
    };
    o.get(cx, key, &receiver)
}

/// Reflect.getOwnPropertyDescriptor. Spec: #sec-reflect.getownpropertydescriptor
fn get_own_property_descriptor(
    cx: &mut Cx,
    _: &Value,
    args: &[Value],
    _: &Value,
    _: u16,
) -> JsResult<Value> {
    let o = target(cx, args, "getOwnPropertyDescriptor")?;
    let key = to_property_key(cx, &arg(args, 1))?;
    let d = o.get_own_property(cx, key)?;
    from_property_descriptor(cx, d)
}

/// Reflect.getPrototypeOf. Spec: #sec-reflect.getprototypeof
fn get_prototype_of(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let o = target(cx, args, "getPrototypeOf")?;
    Ok(o.get_prototype_of(cx)?.map_or(Value::Null, Value::Object))
}

/// Reflect.has. Spec: #sec-reflect.has
fn has(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let o = target(cx, args, "has")?;
    let key = to_property_key(cx, &arg(args, 1))?;
    Ok(Value::Bool(o.has_property(cx, key)?))
}

/// Reflect.isExtensible. Spec: #sec-reflect.isextensible
fn is_extensible(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let o = target(cx, args, "isExtensible")?;
    Ok(Value::Bool(o.is_extensible(cx)?))
}

/// Reflect.ownKeys. Spec: #sec-reflect.ownkeys
fn own_keys(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let o = target(cx, args, "ownKeys")?;
    let keys = o.own_property_keys(cx)?;
    let mut vals = Vec::new();
    if vals.try_reserve(keys.len()).is_err() {
        return Err(cx.throw_out_of_memory());
    }
    for k in keys {
        vals.push(key_to_value(cx, k)?);
    }
    Ok(Value::Object(create_array_from_list(cx, &vals)?))
}

/// A property key as a JS value (string or symbol).
pub fn key_to_value(cx: &mut Cx, k: Atom) -> JsResult<Value> {
    if cx.is_symbol(k) {
        return Ok(Value::Symbol(k));
    }
    Ok(Value::String(cx.atom_to_string(k)?))
}

/// Reflect.preventExtensions. Spec: #sec-reflect.preventextensions
fn prevent_extensions(
    cx: &mut Cx,
    _: &Value,
    args: &[Value],
    _: &Value,
    _: u16,
) -> JsResult<Value> {
    let o = target(cx, args, "preventExtensions")?;
    Ok(Value::Bool(o.prevent_extensions(cx)?))
}

/// Reflect.set. Spec: #sec-reflect.set
fn set(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let o = target(cx, args, "set")?;
    let key = to_property_key(cx, &arg(args, 1))?;
    let receiver = if args.len() < 4 {
        Value::Object(o.clone())
    } else {
        arg(args, 3)
    };
    Ok(Value::Bool(o.set(cx, key, arg(args, 2), &receiver)?))
}

/// Reflect.setPrototypeOf. Spec: #sec-reflect.setprototypeof
fn set_prototype_of(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let o = target(cx, args, "setPrototypeOf")?;
    // 2. If proto is not an Object and proto is not null, throw a TypeError.
    let proto = match arg(args, 1) {
        Value::Object(p) => Some(p),
        Value::Null => None,
        _ => return Err(cx.throw_type_error("Object prototype may only be an Object or null")),
    };
    Ok(Value::Bool(o.set_prototype_of(cx, proto)?))
}
