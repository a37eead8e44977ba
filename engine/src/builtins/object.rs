//! The Object constructor, its static methods and Object.prototype. Spec: #sec-object-objects

use super::{arg, install_class, Builtin, ClassDef};
use crate::atoms::Atom;
use crate::object::ops::{
    self, create_array_from_list, create_data_property_or_throw, define_property_or_throw,
    enumerable_own_properties, from_property_descriptor, get, new_object, set, set_integrity_level,
    test_integrity_level, to_property_descriptor, EnumKind, Integrity,
};
use crate::object::{Obj, ObjectData, PropertyDescriptor};
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::value::conv::{to_object, to_property_key};
use crate::value::{same_value, Value};
use crate::{accessor, method};

static STATICS: &[Builtin] = &[
    method!("assign", 2, assign),
    method!("create", 2, create),
    method!("defineProperties", 2, define_properties),
    method!("defineProperty", 3, define_property),
    method!("entries", 1, keys_values_entries, 2),
    method!("freeze", 1, freeze_seal, 1),
    method!("fromEntries", 1, from_entries),
    method!("getOwnPropertyDescriptor", 2, get_own_property_descriptor),
    method!("getOwnPropertyDescriptors", 1, get_own_property_descriptors),
    method!("getOwnPropertyNames", 1, get_own_property_names, 0),
    method!("getOwnPropertySymbols", 1, get_own_property_names, 1),
    method!("getPrototypeOf", 1, get_prototype_of),
    method!("groupBy", 2, group_by),
    method!("hasOwn", 2, has_own),
    method!("is", 2, is),
    method!("isExtensible", 1, is_extensible),
    method!("isFrozen", 1, is_frozen_sealed, 1),
    method!("isSealed", 1, is_frozen_sealed, 0),
    method!("keys", 1, keys_values_entries, 0),
    method!("preventExtensions", 1, prevent_extensions),
    method!("seal", 1, freeze_seal, 0),
    method!("setPrototypeOf", 2, set_prototype_of),
    method!("values", 1, keys_values_entries, 1),
];

static PROTOTYPE: &[Builtin] = &[
    method!("hasOwnProperty", 1, has_own_property),
    method!("isPrototypeOf", 1, is_prototype_of),
    method!("propertyIsEnumerable", 1, property_is_enumerable),
    method!("toLocaleString", 0, to_locale_string),
    method!("toString", 0, to_string),
    method!("valueOf", 0, value_of),
    method!("__defineGetter__", 2, define_getter_setter, 0),
    method!("__defineSetter__", 2, define_getter_setter, 1),
    method!("__lookupGetter__", 1, lookup_getter_setter, 0),
    method!("__lookupSetter__", 1, lookup_getter_setter, 1),
    accessor!("__proto__", get_proto, set_proto),
];

static CLASS: ClassDef = ClassDef {
    name: "Object",
    ctor: Some((object_constructor, 1, 0)),
    ctor_intrinsic: Some(Intrinsic::Object),
    proto_intrinsic: Some(Intrinsic::ObjectPrototype),
    statics: STATICS,
    proto: PROTOTYPE,
    ..ClassDef::DEFAULT
};

pub fn init(cx: &mut Cx) -> JsResult<()> {
    install_class(cx, &CLASS)?;
    // %Object.prototype.toString% is an intrinsic of its own.
    let p = cx.intrinsic_obj(Intrinsic::ObjectPrototype);
    if let Some(p) = p {
        let f = get(cx, &p, Atom::ToString)?;
        cx.realm.set_intrinsic(Intrinsic::ObjectProtoToString, f);
    }
    Ok(())
}

fn obj_arg<'a>(cx: &mut Cx, v: &'a Value, what: &str) -> JsResult<&'a Obj> {
    match v {
        Value::Object(o) => Ok(o),
        _ => Err(cx.throw_type_error(&format!("{what} called on non-object"))),
    }
}

/// Object(value). Spec: #sec-object-value
fn object_constructor(
    cx: &mut Cx,
    _this: &Value,
    args: &[Value],
    nt: &Value,
    _: u16,
) -> JsResult<Value> {
    // 1. Subclass construction: OrdinaryCreateFromConstructor.
    if let Value::Object(n) = nt {
        let is_self = cx
            .intrinsic_obj(Intrinsic::Object)
            .is_some_and(|o| Obj::ptr_eq(&o, n));
        if !is_self {
            let o = ops::ordinary_create_from_constructor(
                cx,
                nt,
                Intrinsic::ObjectPrototype,
                ObjectData::Ordinary,
            )?;
            return Ok(Value::Object(o));
        }
    }
    // 2-3.
    let v = arg(args, 0);
    if v.is_nullish() {
        return Ok(Value::Object(new_object(cx)?));
    }
    Ok(Value::Object(to_object(cx, &v)?))
}

/// Object.assign. Spec: #sec-object.assign
fn assign(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let to = to_object(cx, &arg(args, 0))?;
    for src in args.iter().skip(1) {
        if src.is_nullish() {
            continue;
        }
        let from = to_object(cx, src)?;
        let keys = from.own_property_keys(cx)?;
        for k in keys {
            if let Some(d) = from.get_own_property(cx, k)? {
                if d.enumerable == Some(true) {
                    let v = get(cx, &from, k)?;
                    set(cx, &to, k, v, true)?;
                }
            }
        }
    }
    Ok(Value::Object(to))
}

/// Object.create. Spec: #sec-object.create
fn create(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let proto = match arg(args, 0) {
        Value::Object(o) => Some(o),
        Value::Null => None,
        _ => return Err(cx.throw_type_error("Object prototype may only be an Object or null")),
    };
    let o = Obj::new(cx, proto, ObjectData::Ordinary)?;
    let props = arg(args, 1);
    if !props.is_undefined() {
        object_define_properties(cx, &o, &props)?;
    }
    Ok(Value::Object(o))
}

/// ObjectDefineProperties. Spec: #sec-objectdefineproperties
fn object_define_properties(cx: &mut Cx, o: &Obj, props: &Value) -> JsResult<()> {
    let p = to_object(cx, props)?;
    let keys = p.own_property_keys(cx)?;
    let mut descs: Vec<(Atom, PropertyDescriptor)> = Vec::new();
    for k in keys {
        if let Some(d) = p.get_own_property(cx, k)? {
            if d.enumerable == Some(true) {
                let dv = get(cx, &p, k)?;
                let desc = to_property_descriptor(cx, &dv)?;
                descs.push((k, desc));
            }
        }
    }
    for (k, d) in descs {
        define_property_or_throw(cx, o, k, d)?;
    }
    Ok(())
}

/// Object.defineProperties. Spec: #sec-object.defineproperties
fn define_properties(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let t = arg(args, 0);
    let o = obj_arg(cx, &t, "Object.defineProperties")?.clone();
    object_define_properties(cx, &o, &arg(args, 1))?;
    Ok(t)
}

/// Object.defineProperty. Spec: #sec-object.defineproperty
fn define_property(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let t = arg(args, 0);
    let o = obj_arg(cx, &t, "Object.defineProperty")?.clone();
    let key = to_property_key(cx, &arg(args, 1))?;
    let d = to_property_descriptor(cx, &arg(args, 2))?;
    define_property_or_throw(cx, &o, key, d)?;
    Ok(t)
}

/// Object.keys / values / entries (magic 0/1/2). Spec: #sec-object.keys
fn keys_values_entries(
    cx: &mut Cx,
    _: &Value,
    args: &[Value],
    _: &Value,
    magic: u16,
) -> JsResult<Value> {
    let o = to_object(cx, &arg(args, 0))?;
    let kind = match magic {
        0 => EnumKind::Keys,
        1 => EnumKind::Values,
        _ => EnumKind::Entries,
    };
    let list = enumerable_own_properties(cx, &o, kind)?;
    Ok(Value::Object(create_array_from_list(cx, &list)?))
}

/// Object.seal (0) / Object.freeze (1). Spec: #sec-object.freeze
fn freeze_seal(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let v = arg(args, 0);
    let Value::Object(o) = &v else { return Ok(v) };
    let level = if magic == 1 {
        Integrity::Frozen
    } else {
        Integrity::Sealed
    };
    if !set_integrity_level(cx, o, level)? {
        return Err(cx.throw_type_error("cannot prevent extensions"));
    }
    Ok(v)
}

/// Object.isSealed (0) / Object.isFrozen (1). Spec: #sec-object.isfrozen
fn is_frozen_sealed(
    cx: &mut Cx,
    _: &Value,
    args: &[Value],
    _: &Value,
    magic: u16,
) -> JsResult<Value> {
    let Value::Object(o) = arg(args, 0) else {
        return Ok(Value::Bool(true));
    };
    let level = if magic == 1 {
        Integrity::Frozen
    } else {
        Integrity::Sealed
    };
    Ok(Value::Bool(test_integrity_level(cx, &o, level)?))
}

/// Object.fromEntries. Spec: #sec-object.fromentries
fn from_entries(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let iterable = arg(args, 0);
    // 1. RequireObjectCoercible(iterable).
    if iterable.is_nullish() {
        return Err(cx.throw_type_error("Object.fromEntries requires an iterable"));
    }
    let o = new_object(cx)?;
    // AddEntriesFromIterable(obj, iterable, adder). Spec: #sec-add-entries-from-iterable
    let rec = ops::get_iterator(cx, &iterable)?;
    loop {
        cx.poll_interrupt(1)?;
        let Some(e) = ops::iterator_step_value(cx, &rec)? else {
            return Ok(Value::Object(o));
        };
        if let Err(t) = add_entry(cx, &o, &e) {
            return Err(ops::iterator_close(cx, &rec, t));
        }
    }
}

/// One step of AddEntriesFromIterable with CreateDataPropertyOnObject as the adder.
fn add_entry(cx: &mut Cx, o: &Obj, e: &Value) -> JsResult<()> {
    let Value::Object(eo) = e else {
        return Err(cx.throw_type_error("iterator value is not an entry object"));
    };
    let k = get(cx, eo, Atom::from_index(0).unwrap_or(Atom::Empty))?;
    let v = get(cx, eo, Atom::from_index(1).unwrap_or(Atom::Empty))?;
    let key = to_property_key(cx, &k)?;
    create_data_property_or_throw(cx, o, key, v)
}

/// Object.getOwnPropertyDescriptor. Spec: #sec-object.getownpropertydescriptor
fn get_own_property_descriptor(
    cx: &mut Cx,
    _: &Value,
    args: &[Value],
    _: &Value,
    _: u16,
) -> JsResult<Value> {
    let o = to_object(cx, &arg(args, 0))?;
    let key = to_property_key(cx, &arg(args, 1))?;
    let d = o.get_own_property(cx, key)?;
    from_property_descriptor(cx, d)
}

/// Object.getOwnPropertyDescriptors. Spec: #sec-object.getownpropertydescriptors
fn get_own_property_descriptors(
    cx: &mut Cx,
    _: &Value,
    args: &[Value],
    _: &Value,
    _: u16,
) -> JsResult<Value> {
    let o = to_object(cx, &arg(args, 0))?;
    let keys = o.own_property_keys(cx)?;
    let out = new_object(cx)?;
    for k in keys {
        let d = o.get_own_property(cx, k)?;
        let dv = from_property_descriptor(cx, d)?;
        if !dv.is_undefined() {
            create_data_property_or_throw(cx, &out, k, dv)?;
        }
    }
    Ok(Value::Object(out))
}

/// Object.getOwnPropertyNames (0) / getOwnPropertySymbols (1).
/// Spec: #sec-getownpropertykeys
fn get_own_property_names(
    cx: &mut Cx,
    _: &Value,
    args: &[Value],
    _: &Value,
    magic: u16,
) -> JsResult<Value> {
    let o = to_object(cx, &arg(args, 0))?;
    let keys = o.own_property_keys(cx)?;
    let mut list = Vec::new();
    for k in keys {
        let sym = cx.is_symbol(k);
        if magic == 1 && sym {
            list.push(Value::Symbol(k));
        } else if magic == 0 && !sym {
            list.push(Value::String(cx.atom_to_string(k)?));
        }
    }
    Ok(Value::Object(create_array_from_list(cx, &list)?))
}

/// Object.getPrototypeOf. Spec: #sec-object.getprototypeof
fn get_prototype_of(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let o = to_object(cx, &arg(args, 0))?;
    Ok(o.get_prototype_of(cx)?.into())
}

/// Object.groupBy. Spec: #sec-object.groupby
fn group_by(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let items = arg(args, 0);
    let cb = arg(args, 1);
    // GroupBy(items, callback, property). Spec: #sec-groupby
    // 1-2.
    if items.is_nullish() {
        return Err(cx.throw_type_error("Object.groupBy called on null or undefined"));
    }
    if !crate::object::is_callable(&cb) {
        return Err(cx.throw_type_error("Object.groupBy: callback is not a function"));
    }
    // 3-6.
    let mut groups: Vec<(Atom, Vec<Value>)> = Vec::new();
    let rec = ops::get_iterator(cx, &items)?;
    let mut k: f64 = 0.0;
    loop {
        cx.poll_interrupt(1)?;
        let Some(v) = ops::iterator_step_value(cx, &rec)? else {
            break;
        };
        let key =
            match crate::object::call(cx, &cb, &Value::Undefined, &[v.clone(), Value::number(k)]) {
                Ok(key) => key,
                Err(t) => return Err(ops::iterator_close(cx, &rec, t)),
            };
        let pk = match to_property_key(cx, &key) {
            Ok(pk) => pk,
            Err(t) => return Err(ops::iterator_close(cx, &rec, t)),
        };
        match groups.iter_mut().find(|(g, _)| *g == pk) {
            Some((_, l)) => l.push(v),
            None => groups.push((pk, vec![v])),
        }
        k += 1.0;
    }
    // Object.groupBy 2-3: a null-prototype object with one array per group.
    let out = Obj::new(cx, None, ObjectData::Ordinary)?;
    for (key, l) in groups {
        let a = create_array_from_list(cx, &l)?;
        create_data_property_or_throw(cx, &out, key, Value::Object(a))?;
    }
    Ok(Value::Object(out))
}

/// Object.hasOwn. Spec: #sec-object.hasown
fn has_own(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let o = to_object(cx, &arg(args, 0))?;
    let key = to_property_key(cx, &arg(args, 1))?;
    Ok(Value::Bool(ops::has_own_property(cx, &o, key)?))
}

/// Object.is. Spec: #sec-object.is
fn is(_cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    Ok(Value::Bool(same_value(&arg(args, 0), &arg(args, 1))))
}

/// Object.isExtensible. Spec: #sec-object.isextensible
fn is_extensible(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    match arg(args, 0) {
        Value::Object(o) => Ok(Value::Bool(o.is_extensible(cx)?)),
        _ => Ok(Value::Bool(false)),
    }
}

/// Object.preventExtensions. Spec: #sec-object.preventextensions
fn prevent_extensions(
    cx: &mut Cx,
    _: &Value,
    args: &[Value],
    _: &Value,
    _: u16,
) -> JsResult<Value> {
    let v = arg(args, 0);
    if let Value::Object(o) = &v {
        if !o.prevent_extensions(cx)? {
            return Err(cx.throw_type_error("cannot prevent extensions"));
        }
    }
    Ok(v)
}

/// Object.setPrototypeOf. Spec: #sec-object.setprototypeof
fn set_prototype_of(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let v = arg(args, 0);
    if v.is_nullish() {
        return Err(cx.throw_type_error("Object.setPrototypeOf called on null or undefined"));
    }
    let proto = match arg(args, 1) {
        Value::Object(p) => Some(p),
        Value::Null => None,
        _ => return Err(cx.throw_type_error("Object prototype may only be an Object or null")),
    };
    if let Value::Object(o) = &v {
        if !o.set_prototype_of(cx, proto)? {
            return Err(cx.throw_type_error("cannot set prototype"));
        }
    }
    Ok(v)
}

/// Object.prototype.hasOwnProperty. Spec: #sec-object.prototype.hasownproperty
fn has_own_property(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _: &Value,
    _: u16,
) -> JsResult<Value> {
    let key = to_property_key(cx, &arg(args, 0))?;
    let o = to_object(cx, this)?;
    Ok(Value::Bool(ops::has_own_property(cx, &o, key)?))
}

/// Object.prototype.isPrototypeOf. Spec: #sec-object.prototype.isprototypeof
fn is_prototype_of(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _: &Value,
    _: u16,
) -> JsResult<Value> {
    let Value::Object(mut v) = arg(args, 0) else {
        return Ok(Value::Bool(false));
    };
    let o = to_object(cx, this)?;
    loop {
        match v.get_prototype_of(cx)? {
            None => return Ok(Value::Bool(false)),
            Some(p) => {
                if Obj::ptr_eq(&p, &o) {
                    return Ok(Value::Bool(true));
                }
                v = p;
            }
        }
        cx.poll_interrupt(1)?;
    }
}

/// Object.prototype.propertyIsEnumerable. Spec: #sec-object.prototype.propertyisenumerable
fn property_is_enumerable(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _: &Value,
    _: u16,
) -> JsResult<Value> {
    let key = to_property_key(cx, &arg(args, 0))?;
    let o = to_object(cx, this)?;
    let d = o.get_own_property(cx, key)?;
    Ok(Value::Bool(d.is_some_and(|d| d.enumerable == Some(true))))
}

/// Object.prototype.toLocaleString. Spec: #sec-object.prototype.tolocalestring
fn to_locale_string(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    ops::invoke(cx, this, Atom::ToString, &[])
}

/// Object.prototype.toString. Spec: #sec-object.prototype.tostring
fn to_string(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let s = object_to_string_tag(cx, this)?;
    Ok(Value::String(cx.new_string(&s)?))
}

/// The `[object Tag]` text of Object.prototype.toString.
pub fn object_to_string_tag(cx: &mut Cx, this: &Value) -> JsResult<String> {
    // 1-2.
    match this {
        Value::Undefined => return Ok("[object Undefined]".into()),
        Value::Null => return Ok("[object Null]".into()),
        _ => {}
    }
    // 3. O = ToObject(this).
    let o = to_object(cx, this)?;
    // 4-14. builtinTag.
    let is_array = crate::builtins::object::is_array(cx, &Value::Object(o.clone()))?;
    let builtin = if is_array {
        "Array"
    } else {
        match &o.borrow().class {
            ObjectData::Arguments | ObjectData::MappedArguments(_) => "Arguments",
            ObjectData::Error => "Error",
            ObjectData::Boolean(_) => "Boolean",
            ObjectData::Number(_) => "Number",
            ObjectData::String(_) => "String",
            ObjectData::RegExp(_) => "RegExp",
            ObjectData::Date(_) => "Date",
            _ => {
                if o.is_callable() {
                    "Function"
                } else {
                    "Object"
                }
            }
        }
    };
    // 15. tag = Get(O, @@toStringTag).
    let tag = get(cx, &o, Atom::SYM_TO_STRING_TAG)?;
    let t = match &tag {
        Value::String(s) => s.to_rust_string(),
        _ => builtin.to_string(),
    };
    Ok(format!("[object {t}]"))
}

/// IsArray (looks through proxies). Spec: #sec-isarray
pub fn is_array(cx: &mut Cx, v: &Value) -> JsResult<bool> {
    let Value::Object(o) = v else {
        return Ok(false);
    };
    let mut cur = o.clone();
    loop {
        let next = match &cur.borrow().class {
            ObjectData::Array(_) => return Ok(true),
            ObjectData::Proxy(Some(p)) => p.target.clone(),
            ObjectData::Proxy(None) => {
                return Err(cx.throw_type_error(
                    "Cannot perform 'IsArray' on a proxy that has been revoked",
                ));
            }
            _ => return Ok(false),
        };
        cur = next;
        cx.poll_interrupt(1)?;
    }
}

/// Object.prototype.valueOf. Spec: #sec-object.prototype.valueof
fn value_of(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    Ok(Value::Object(to_object(cx, this)?))
}

/// __defineGetter__ (0) / __defineSetter__ (1). Spec: #sec-object.prototype.__defineGetter__
fn define_getter_setter(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _: &Value,
    magic: u16,
) -> JsResult<Value> {
    let o = to_object(cx, this)?;
    let f = arg(args, 1);
    if !crate::object::is_callable(&f) {
        return Err(cx.throw_type_error("accessor must be a function"));
    }
    let mut d = PropertyDescriptor {
        enumerable: Some(true),
        configurable: Some(true),
        ..Default::default()
    };
    if magic == 0 {
        d.get = Some(f);
    } else {
        d.set = Some(f);
    }
    let key = to_property_key(cx, &arg(args, 0))?;
    define_property_or_throw(cx, &o, key, d)?;
    Ok(Value::Undefined)
}

/// __lookupGetter__ (0) / __lookupSetter__ (1). Spec: #sec-object.prototype.__lookupGetter__
fn lookup_getter_setter(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _: &Value,
    magic: u16,
) -> JsResult<Value> {
    let mut o = to_object(cx, this)?;
    let key = to_property_key(cx, &arg(args, 0))?;
    loop {
        if let Some(d) = o.get_own_property(cx, key)? {
            if d.is_accessor() {
                return Ok(if magic == 0 { d.get } else { d.set }.unwrap_or_default());
            }
            return Ok(Value::Undefined);
        }
        match o.get_prototype_of(cx)? {
            Some(p) => o = p,
            None => return Ok(Value::Undefined),
        }
        cx.poll_interrupt(1)?;
    }
}

/// get Object.prototype.__proto__. Spec: #sec-get-object.prototype.__proto__
fn get_proto(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let o = to_object(cx, this)?;
    Ok(o.get_prototype_of(cx)?.into())
}

/// set Object.prototype.__proto__. Spec: #sec-set-object.prototype.__proto__
fn set_proto(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    if this.is_nullish() {
        return Err(cx.throw_type_error("set __proto__ called on null or undefined"));
    }
    let proto = match arg(args, 0) {
        Value::Object(p) => Some(p),
        Value::Null => None,
        _ => return Ok(Value::Undefined),
    };
    let Value::Object(o) = this else {
        return Ok(Value::Undefined);
    };
    if !o.set_prototype_of(cx, proto)? {
        return Err(cx.throw_type_error("cannot set prototype"));
    }
    Ok(Value::Undefined)
}
