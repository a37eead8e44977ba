//! The Array constructor (isArray, from, of, @@species), every Array.prototype method, and
//! %ArrayIteratorPrototype%. Spec: #sec-array-objects
//!
//! The methods are generic: they work on any object through [[Get]] / [[HasProperty]] /
//! [[Set]] / [[Delete]], with indices as `u64` up to 2^53 - 1 (keys via `index_key`).
//!
//! Invariants:
//! - Every loop over indices polls the interrupt once per element (`cx.poll_interrupt`).
//! - Script-sized native buffers (sort lists, join output) are checked against the memory
//!   limit before they grow; joined strings respect the string length limit (RangeError).
//! - `flat` / `flatMap` flatten with an explicit stack, never native recursion.
//! - Sorting is a stable bottom-up merge sort; a throwing comparator aborts the sort and
//!   leaves the object untouched (the list is written back only after sorting).

use super::iterator::{
    close_after_error, create_iter_result_object, get_iterator_from_method, step_value,
};
use super::object::is_array;
use super::string::StrBuf;
use super::{arg, install, install_class, Builtin, ClassDef, Val};
use crate::atoms::Atom;
use crate::object::array::array_create;
use crate::object::ops::{
    create_array_from_list, create_data_property_or_throw, delete_property_or_throw, get,
    get_method, get_prototype_from_constructor, index_key, invoke, length_of_array_like, set,
};
use crate::object::ObjectData;
use crate::object::{attrs, call, construct, is_callable, is_constructor, ArrayData, Obj};
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::value::conv::{to_integer_or_infinity, to_number, to_object, to_string, to_uint32};
use crate::value::{same_value_zero, strict_equals, Value};
use crate::{alias, getter, method, value};
use std::cmp::Ordering;

/// 2^53 - 1, the largest length of an array-like.
const MAX_SAFE: u64 = 9_007_199_254_740_991;

static STATICS: &[Builtin] = &[
    method!("from", 1, from),
    method!("fromAsync", 1, super::array_from_async::from_async),
    method!("isArray", 1, is_array_method),
    method!("of", 0, of),
    getter!(@symbol SYM_SPECIES, species),
];

/// `magic` of [`iterate`].
mod it {
    pub const EVERY: u16 = 0;
    pub const SOME: u16 = 1;
    pub const FOR_EACH: u16 = 2;
    pub const MAP: u16 = 3;
    pub const FILTER: u16 = 4;
    pub const FIND: u16 = 5;
    pub const FIND_INDEX: u16 = 6;
    pub const FIND_LAST: u16 = 7;
    pub const FIND_LAST_INDEX: u16 = 8;
}

/// Iteration kinds of array iterators (`magic` of [`create_iterator_method`]).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum IterKind {
    Keys,
    Values,
    Entries,
}

static PROTOTYPE: &[Builtin] = &[
    method!("at", 1, at),
    method!("concat", 1, concat),
    method!("copyWithin", 2, copy_within),
    method!(
        "entries",
        0,
        create_iterator_method,
        IterKind::Entries as u16
    ),
    method!("every", 1, iterate, it::EVERY),
    method!("fill", 1, fill),
    method!("filter", 1, iterate, it::FILTER),
    method!("find", 1, iterate, it::FIND),
    method!("findIndex", 1, iterate, it::FIND_INDEX),
    method!("findLast", 1, iterate, it::FIND_LAST),
    method!("findLastIndex", 1, iterate, it::FIND_LAST_INDEX),
    method!("flat", 0, flat),
    method!("flatMap", 1, flat_map),
    method!("forEach", 1, iterate, it::FOR_EACH),
    method!("includes", 1, includes),
    method!("indexOf", 1, index_of),
    method!("join", 1, join),
    method!("keys", 0, create_iterator_method, IterKind::Keys as u16),
    method!("lastIndexOf", 1, last_index_of),
    method!("map", 1, iterate, it::MAP),
    method!("pop", 0, pop),
    method!("push", 1, push),
    method!("reduce", 1, reduce, 0),
    method!("reduceRight", 1, reduce, 1),
    method!("reverse", 0, reverse),
    method!("shift", 0, shift),
    method!("slice", 2, slice),
    method!("some", 1, iterate, it::SOME),
    method!("sort", 1, sort),
    method!("splice", 2, splice),
    method!("toLocaleString", 0, to_locale_string),
    method!("toReversed", 0, to_reversed),
    method!("toSorted", 1, to_sorted),
    method!("toSpliced", 2, to_spliced),
    method!("toString", 0, to_string_method),
    method!("unshift", 1, unshift),
    method!("values", 0, create_iterator_method, IterKind::Values as u16),
    method!("with", 2, with),
    alias!(@symbol SYM_ITERATOR, "values"),
];

/// Keys of Array.prototype[@@unscopables]. Spec: #sec-array.prototype-@@unscopables
static UNSCOPABLES: &[Builtin] = &[
    value!("at", Val::Bool(true), attrs::DEFAULT),
    value!("copyWithin", Val::Bool(true), attrs::DEFAULT),
    value!("entries", Val::Bool(true), attrs::DEFAULT),
    value!("fill", Val::Bool(true), attrs::DEFAULT),
    value!("find", Val::Bool(true), attrs::DEFAULT),
    value!("findIndex", Val::Bool(true), attrs::DEFAULT),
    value!("findLast", Val::Bool(true), attrs::DEFAULT),
    value!("findLastIndex", Val::Bool(true), attrs::DEFAULT),
    value!("flat", Val::Bool(true), attrs::DEFAULT),
    value!("flatMap", Val::Bool(true), attrs::DEFAULT),
    value!("includes", Val::Bool(true), attrs::DEFAULT),
    value!("keys", Val::Bool(true), attrs::DEFAULT),
    value!("toReversed", Val::Bool(true), attrs::DEFAULT),
    value!("toSorted", Val::Bool(true), attrs::DEFAULT),
    value!("toSpliced", Val::Bool(true), attrs::DEFAULT),
    value!("values", Val::Bool(true), attrs::DEFAULT),
];

static ITERATOR_PROTOTYPE: &[Builtin] = &[
    method!("next", 0, iterator_next),
    value!(@symbol SYM_TO_STRING_TAG, Val::Str("Array Iterator"), attrs::CONFIGURABLE),
];

fn proto_class() -> ObjectData {
    ObjectData::Array(ArrayData {
        length: 0,
        length_writable: true,
    })
}

static CLASS: ClassDef = ClassDef {
    name: "Array",
    ctor: Some((array_constructor, 1, 0)),
    ctor_intrinsic: Some(Intrinsic::Array),
    proto_intrinsic: Some(Intrinsic::ArrayPrototype),
    proto_class,
    statics: STATICS,
    proto: PROTOTYPE,
    ..ClassDef::DEFAULT
};

static ITERATOR_CLASS: ClassDef = ClassDef {
    name: "",
    proto_intrinsic: Some(Intrinsic::ArrayIteratorPrototype),
    proto_parent: Some(Intrinsic::IteratorPrototype),
    proto: ITERATOR_PROTOTYPE,
    global: false,
    ..ClassDef::DEFAULT
};

/// Installs Array, Array.prototype and %ArrayIteratorPrototype% (after %IteratorPrototype%).
pub fn init(cx: &mut Cx) -> JsResult<()> {
    install_class(cx, &CLASS)?;
    let Some(proto) = cx.intrinsic_obj(Intrinsic::ArrayPrototype) else {
        return Ok(());
    };
    let values = get(cx, &proto, Atom::Values)?;
    cx.realm.set_intrinsic(Intrinsic::ArrayProtoValues, values);
    // @@unscopables: a null-prototype object, { [[Configurable]]: true } only.
    let u = Obj::new(cx, None, ObjectData::Ordinary)?;
    install(cx, &u, UNSCOPABLES)?;
    crate::object::ops::define_value(
        cx,
        &proto,
        Atom::SYM_UNSCOPABLES,
        Value::Object(u),
        attrs::CONFIGURABLE,
    )?;
    install_class(cx, &ITERATOR_CLASS)?;
    Ok(())
}

// ----- small helpers -----

fn get_index(cx: &mut Cx, o: &Obj, i: u64) -> JsResult<Value> {
    let k = index_key(cx, i);
    get(cx, o, k)
}

fn has_index(cx: &mut Cx, o: &Obj, i: u64) -> JsResult<bool> {
    let k = index_key(cx, i);
    o.has_property(cx, k)
}

fn set_index(cx: &mut Cx, o: &Obj, i: u64, v: Value) -> JsResult<()> {
    let k = index_key(cx, i);
    set(cx, o, k, v, true)
}

fn delete_index(cx: &mut Cx, o: &Obj, i: u64) -> JsResult<()> {
    let k = index_key(cx, i);
    delete_property_or_throw(cx, o, k)
}

fn create_index(cx: &mut Cx, o: &Obj, i: u64, v: Value) -> JsResult<()> {
    let k = index_key(cx, i);
    create_data_property_or_throw(cx, o, k, v)
}

fn set_length(cx: &mut Cx, o: &Obj, len: u64) -> JsResult<()> {
    set(cx, o, Atom::Length, Value::number(len as f64), true)
}

fn num(i: u64) -> Value {
    Value::number(i as f64)
}

/// ToObject(this) and LengthOfArrayLike: steps 1-2 of most methods.
fn this_and_len(cx: &mut Cx, this: &Value) -> JsResult<(Obj, u64)> {
    let o = to_object(cx, this)?;
    let len = length_of_array_like(cx, &o)?;
    Ok((o, len))
}

/// A relative index argument clamped into 0..=len (undefined → `default`).
/// Used for start / end arguments: `-∞ → 0`, negative → `len + rel`, else `min(rel, len)`.
fn relative_index(cx: &mut Cx, v: &Value, len: u64, default: u64) -> JsResult<u64> {
    if v.is_undefined() {
        return Ok(default);
    }
    let rel = to_integer_or_infinity(cx, v)?;
    Ok(clamp_relative(rel, len))
}

fn clamp_relative(rel: f64, len: u64) -> u64 {
    if rel < 0.0 {
        let r = len as f64 + rel;
        if r <= 0.0 {
            0
        } else {
            r as u64
        }
    } else if rel >= len as f64 {
        len
    } else {
        rel as u64
    }
}

fn require_callable(cx: &mut Cx, f: &Value, what: &str) -> JsResult<()> {
    if is_callable(f) {
        Ok(())
    } else {
        Err(cx.throw_type_error(&format!("{what}: callback is not a function")))
    }
}

/// Checks that a native list of `n` values fits under the memory limit before building it.
fn check_list_memory(cx: &mut Cx, n: u64) -> JsResult<()> {
    let bytes = (n as usize).saturating_mul(std::mem::size_of::<Value>());
    cx.oom(cx.heap.charge(bytes))?;
    cx.heap.refund(bytes);
    Ok(())
}

/// ArraySpeciesCreate(originalArray, length). Spec: #sec-arrayspeciescreate
fn array_species_create(cx: &mut Cx, original: &Obj, length: u64) -> JsResult<Obj> {
    // 1-2. Not an array: ArrayCreate(length).
    if !is_array(cx, &Value::Object(original.clone()))? {
        return array_create(cx, length, None);
    }
    // 3. C = Get(originalArray, "constructor").
    let mut c = get(cx, original, Atom::Constructor)?;
    // 4. A constructor from another realm that is that realm's %Array% becomes undefined
    //    (arrays keep the current realm's prototype when crossing realms).
    if let Value::Object(co) = &c {
        if is_constructor(&c) {
            let realm_c = crate::object::function::get_function_realm(cx, co)?;
            if realm_c != cx.realm_id() {
                if let Value::Object(a) = cx.realm_intrinsic(realm_c, Intrinsic::Array) {
                    if Obj::ptr_eq(&a, co) {
                        c = Value::Undefined;
                    }
                }
            }
        }
    }
    // 5. C = C[@@species]; null → undefined.
    if let Value::Object(co) = &c {
        c = get(cx, co, Atom::SYM_SPECIES)?;
        if c.is_null() {
            c = Value::Undefined;
        }
    }
    // 6. undefined: ArrayCreate(length).
    if c.is_undefined() {
        return array_create(cx, length, None);
    }
    // 7. Not a constructor: TypeError.
    if !is_constructor(&c) {
        return Err(cx.throw_type_error("Array species is not a constructor"));
    }
    // 8. Construct(C, « 𝔽(length) »).
    match construct(cx, &c, &[num(length)], &Value::Undefined)? {
        Value::Object(o) => Ok(o),
        _ => Err(cx.throw_type_error("Array species constructor returned a non-object")),
    }
}

// ----- constructor and statics -----

/// Array(...values). Spec: #sec-array
fn array_constructor(
    cx: &mut Cx,
    _: &Value,
    args: &[Value],
    nt: &Value,
    _: u16,
) -> JsResult<Value> {
    // 1-2. newTarget = NewTarget or the active function; proto from it.
    let nt = if nt.is_undefined() {
        cx.intrinsic(Intrinsic::Array)
    } else {
        nt.clone()
    };
    let proto = get_prototype_from_constructor(cx, &nt, Intrinsic::ArrayPrototype)?;
    match args {
        // 4. No arguments.
        [] => Ok(Value::Object(array_create(cx, 0, proto)?)),
        // 5. One argument: a length or a single element.
        [len] => {
            let a = array_create(cx, 0, proto)?;
            let int_len = if let Some(n) = len.as_number() {
                let u = to_uint32(cx, len)?;
                if u as f64 != n {
                    return Err(cx.throw_range_error("invalid array length"));
                }
                u as u64
            } else {
                create_index(cx, &a, 0, len.clone())?;
                1
            };
            set_length(cx, &a, int_len)?;
            Ok(Value::Object(a))
        }
        // 6. Several elements.
        _ => {
            let a = array_create(cx, 0, proto)?;
            for (k, v) in args.iter().enumerate() {
                create_index(cx, &a, k as u64, v.clone())?;
            }
            Ok(Value::Object(a))
        }
    }
}

/// Array.isArray(arg). Spec: #sec-array.isarray
fn is_array_method(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    Ok(Value::Bool(is_array(cx, &arg(args, 0))?))
}

/// get Array[@@species]. Spec: #sec-get-array-@@species
fn species(_: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    Ok(this.clone())
}

/// `Construct(C, args)` if C is a constructor, else ArrayCreate(len).
fn construct_or_array(cx: &mut Cx, c: &Value, len: Option<u64>) -> JsResult<Obj> {
    if is_constructor(c) {
        let args: Vec<Value> = len.map(num).into_iter().collect();
        match construct(cx, c, &args, &Value::Undefined)? {
            Value::Object(o) => Ok(o),
            _ => Err(cx.throw_type_error("constructor returned a non-object")),
        }
    } else {
        array_create(cx, len.unwrap_or(0), None)
    }
}

/// Array.from(items, mapfn, thisArg). Spec: #sec-array.from
fn from(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let items = arg(args, 0);
    let mapfn = arg(args, 1);
    let this_arg = arg(args, 2);
    // 2-3. mapping.
    let mapping = !mapfn.is_undefined();
    if mapping {
        require_callable(cx, &mapfn, "Array.from")?;
    }
    // 4. usingIterator = GetMethod(items, @@iterator).
    let using_iterator = get_method(cx, &items, Atom::SYM_ITERATOR)?;
    if let Some(method) = using_iterator {
        // 5.a-b. A = Construct(C) or ArrayCreate(0).
        let a = construct_or_array(cx, this, None)?;
        // 5.c. iteratorRecord = GetIteratorFromMethod(items, usingIterator).
        let mut rec = get_iterator_from_method(cx, &items, &method)?;
        // 5.e. Iterate.
        let mut k: u64 = 0;
        loop {
            // 5.e.i. k ≥ 2^53 - 1: TypeError, closing the iterator.
            if k >= MAX_SAFE {
                let t = cx.throw_type_error("Array.from: too many elements");
                return Err(close_after_error(cx, &rec.iterator, t));
            }
            // 5.e.iii-iv. next = IteratorStepValue; done: set length and return.
            let Some(next) = step_value(cx, &mut rec)? else {
                set_length(cx, &a, k)?;
                return Ok(Value::Object(a));
            };
            // 5.e.v-vi. Map (closing on error), then CreateDataPropertyOrThrow.
            let r = if mapping {
                call(cx, &mapfn, &this_arg, &[next, num(k)])
            } else {
                Ok(next)
            };
            let r = r.and_then(|v| create_index(cx, &a, k, v));
            if let Err(t) = r {
                return Err(close_after_error(cx, &rec.iterator, t));
            }
            k += 1;
        }
    }
    // 6-7. Array-like: arrayLike = ToObject(items), len.
    let array_like = to_object(cx, &items)?;
    let len = length_of_array_like(cx, &array_like)?;
    // 8-9. A = Construct(C, « len ») or ArrayCreate(len).
    let a = construct_or_array(cx, this, Some(len))?;
    // 10-11.
    for k in 0..len {
        cx.poll_interrupt(1)?;
        let v = get_index(cx, &array_like, k)?;
        let v = if mapping {
            call(cx, &mapfn, &this_arg, &[v, num(k)])?
        } else {
            v
        };
        create_index(cx, &a, k, v)?;
    }
    // 12-13.
    set_length(cx, &a, len)?;
    Ok(Value::Object(a))
}

/// Array.of(...items). Spec: #sec-array.of
fn of(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 1-4.
    let len = args.len() as u64;
    let a = construct_or_array(cx, this, Some(len))?;
    // 5-6.
    for (k, v) in args.iter().enumerate() {
        create_index(cx, &a, k as u64, v.clone())?;
    }
    // 7-8.
    set_length(cx, &a, len)?;
    Ok(Value::Object(a))
}

// ----- Array.prototype -----

/// Array.prototype.at(index). Spec: #sec-array.prototype.at
fn at(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, len) = this_and_len(cx, this)?;
    // 3-5. k = relativeIndex (negative counts from the end).
    let rel = to_integer_or_infinity(cx, &arg(args, 0))?;
    let k = if rel >= 0.0 { rel } else { len as f64 + rel };
    // 6. Out of range: undefined.
    if k < 0.0 || k >= len as f64 {
        return Ok(Value::Undefined);
    }
    // 7.
    get_index(cx, &o, k as u64)
}

/// IsConcatSpreadable(O). Spec: #sec-isconcatspreadable
fn is_concat_spreadable(cx: &mut Cx, v: &Value) -> JsResult<bool> {
    let Value::Object(o) = v else {
        return Ok(false);
    };
    let s = get(cx, o, Atom::SYM_IS_CONCAT_SPREADABLE)?;
    if !s.is_undefined() {
        return Ok(s.to_boolean());
    }
    is_array(cx, v)
}

/// Array.prototype.concat(...items). Spec: #sec-array.prototype.concat
fn concat(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 1-2. O, A = ArraySpeciesCreate(O, 0).
    let o = to_object(cx, this)?;
    let a = array_species_create(cx, &o, 0)?;
    // 3-5. For O and every argument.
    let mut n: u64 = 0;
    let first = Value::Object(o);
    for e in std::iter::once(&first).chain(args.iter()) {
        if is_concat_spreadable(cx, e)? {
            // 5.b. Spread the elements, keeping holes.
            let Value::Object(eo) = e else {
                continue;
            };
            let len = length_of_array_like(cx, eo)?;
            if n + len > MAX_SAFE {
                return Err(cx.throw_type_error("concat: result is too long"));
            }
            for k in 0..len {
                cx.poll_interrupt(1)?;
                if has_index(cx, eo, k)? {
                    let sub = get_index(cx, eo, k)?;
                    create_index(cx, &a, n, sub)?;
                }
                n += 1;
            }
        } else {
            // 5.c. A single element.
            if n >= MAX_SAFE {
                return Err(cx.throw_type_error("concat: result is too long"));
            }
            create_index(cx, &a, n, e.clone())?;
            n += 1;
        }
    }
    // 6.
    set_length(cx, &a, n)?;
    Ok(Value::Object(a))
}

/// Array.prototype.copyWithin(target, start [, end]). Spec: #sec-array.prototype.copywithin
fn copy_within(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, len) = this_and_len(cx, this)?;
    // 3-5. to.
    let rel_target = to_integer_or_infinity(cx, &arg(args, 0))?;
    let mut to = clamp_relative(rel_target, len);
    // 6-8. from.
    let rel_start = to_integer_or_infinity(cx, &arg(args, 1))?;
    let mut from = clamp_relative(rel_start, len);
    // 9-11. final.
    let fin = relative_index(cx, &arg(args, 2), len, len)?;
    // 12. count = min(final - from, len - to).
    let mut count = fin.saturating_sub(from).min(len - to);
    // 13-14. Overlap: copy backwards.
    let backwards = from < to && to < from + count;
    if backwards {
        from += count - 1;
        to += count - 1;
    }
    // 15.
    while count > 0 {
        cx.poll_interrupt(1)?;
        if has_index(cx, &o, from)? {
            let v = get_index(cx, &o, from)?;
            set_index(cx, &o, to, v)?;
        } else {
            delete_index(cx, &o, to)?;
        }
        if backwards {
            from = from.wrapping_sub(1);
            to = to.wrapping_sub(1);
        } else {
            from += 1;
            to += 1;
        }
        count -= 1;
    }
    Ok(Value::Object(o))
}

/// every / some / forEach / map / filter / find / findIndex / findLast / findLastIndex.
/// Spec: #sec-array.prototype.every, #sec-array.prototype.some,
/// #sec-array.prototype.foreach, #sec-array.prototype.map, #sec-array.prototype.filter,
/// #sec-array.prototype.find, #sec-array.prototype.findindex,
/// #sec-array.prototype.findlast, #sec-array.prototype.findlastindex
fn iterate(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    // 1-2. O, len.
    let (o, len) = this_and_len(cx, this)?;
    // 3. IsCallable(callbackfn).
    let f = arg(args, 0);
    require_callable(cx, &f, "Array.prototype method")?;
    let this_arg = arg(args, 1);
    let ov = Value::Object(o.clone());
    // The find family visits every index (holes read as undefined); the others skip holes.
    let find_family = matches!(
        magic,
        it::FIND | it::FIND_INDEX | it::FIND_LAST | it::FIND_LAST_INDEX
    );
    let reverse = matches!(magic, it::FIND_LAST | it::FIND_LAST_INDEX);
    // map: A = ArraySpeciesCreate(O, len); filter: ArraySpeciesCreate(O, 0).
    let out = match magic {
        it::MAP => Some(array_species_create(cx, &o, len)?),
        it::FILTER => Some(array_species_create(cx, &o, 0)?),
        _ => None,
    };
    let mut to: u64 = 0;
    for step in 0..len {
        cx.poll_interrupt(1)?;
        let k = if reverse { len - 1 - step } else { step };
        if !find_family && !has_index(cx, &o, k)? {
            continue;
        }
        let kv = get_index(cx, &o, k)?;
        let r = call(cx, &f, &this_arg, &[kv.clone(), num(k), ov.clone()])?;
        match magic {
            it::EVERY => {
                if !r.to_boolean() {
                    return Ok(Value::Bool(false));
                }
            }
            it::SOME => {
                if r.to_boolean() {
                    return Ok(Value::Bool(true));
                }
            }
            it::FOR_EACH => {}
            it::MAP => {
                if let Some(a) = &out {
                    create_index(cx, a, k, r)?;
                }
            }
            it::FILTER => {
                if r.to_boolean() {
                    if let Some(a) = &out {
                        create_index(cx, a, to, kv)?;
                    }
                    to += 1;
                }
            }
            it::FIND | it::FIND_LAST => {
                if r.to_boolean() {
                    return Ok(kv);
                }
            }
            _ => {
                if r.to_boolean() {
                    return Ok(num(k));
                }
            }
        }
    }
    Ok(match magic {
        it::EVERY => Value::Bool(true),
        it::SOME => Value::Bool(false),
        it::MAP | it::FILTER => out.map_or(Value::Undefined, Value::Object),
        it::FIND_INDEX | it::FIND_LAST_INDEX => Value::Int(-1),
        _ => Value::Undefined,
    })
}

/// Array.prototype.fill(value [, start [, end]]). Spec: #sec-array.prototype.fill
fn fill(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, len) = this_and_len(cx, this)?;
    let v = arg(args, 0);
    // 3-8. k and final.
    let rel_start = to_integer_or_infinity(cx, &arg(args, 1))?;
    let k = clamp_relative(rel_start, len);
    let fin = relative_index(cx, &arg(args, 2), len, len)?;
    // 9.
    for i in k..fin.max(k) {
        cx.poll_interrupt(1)?;
        set_index(cx, &o, i, v.clone())?;
    }
    Ok(Value::Object(o))
}

/// One level of FlattenIntoArray's work list.
struct FlattenFrame {
    source: Obj,
    len: u64,
    index: u64,
    depth: f64,
}

/// FlattenIntoArray with an explicit stack (no native recursion on nested arrays).
/// Spec: #sec-flattenintoarray
fn flatten_into_array(
    cx: &mut Cx,
    target: &Obj,
    source: &Obj,
    source_len: u64,
    depth: f64,
    mapper: Option<(&Value, &Value)>,
) -> JsResult<()> {
    let mut target_index: u64 = 0;
    let mut stack = vec![FlattenFrame {
        source: source.clone(),
        len: source_len,
        index: 0,
        depth,
    }];
    loop {
        let depth_now = stack.len();
        let Some(top) = stack.last_mut() else { break };
        cx.poll_interrupt(1)?;
        // 3. while sourceIndex < sourceLen.
        if top.index >= top.len {
            stack.pop();
            continue;
        }
        let src = top.source.clone();
        let i = top.index;
        let d = top.depth;
        let outer = depth_now == 1;
        top.index += 1;
        // 3.b-c. Skip holes.
        if !has_index(cx, &src, i)? {
            continue;
        }
        let mut element = get_index(cx, &src, i)?;
        // 3.c.ii. The mapper applies to the outermost source only.
        if let (Some((f, this_arg)), true) = (mapper, outer) {
            element = call(
                cx,
                f,
                this_arg,
                &[element, num(i), Value::Object(src.clone())],
            )?;
        }
        // 3.c.iii-iv. Flatten arrays while depth > 0.
        if d > 0.0 && is_array(cx, &element)? {
            if let Value::Object(eo) = &element {
                let len = length_of_array_like(cx, eo)?;
                if stack.len() >= 10_000 {
                    check_list_memory(cx, stack.len() as u64 * 4)?;
                }
                stack.push(FlattenFrame {
                    source: eo.clone(),
                    len,
                    index: 0,
                    depth: d - 1.0,
                });
            }
            continue;
        }
        // 3.c.v.
        if target_index >= MAX_SAFE {
            return Err(cx.throw_type_error("flat: result is too long"));
        }
        create_index(cx, target, target_index, element)?;
        target_index += 1;
    }
    Ok(())
}

/// Array.prototype.flat([depth]). Spec: #sec-array.prototype.flat
fn flat(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, len) = this_and_len(cx, this)?;
    // 3-4. depthNum (default 1, negative → 0).
    let d = arg(args, 0);
    let depth = if d.is_undefined() {
        1.0
    } else {
        to_integer_or_infinity(cx, &d)?.max(0.0)
    };
    // 5-6.
    let a = array_species_create(cx, &o, 0)?;
    flatten_into_array(cx, &a, &o, len, depth, None)?;
    Ok(Value::Object(a))
}

/// Array.prototype.flatMap(mapperFunction [, thisArg]). Spec: #sec-array.prototype.flatmap
fn flat_map(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, len) = this_and_len(cx, this)?;
    let f = arg(args, 0);
    require_callable(cx, &f, "Array.prototype.flatMap")?;
    let this_arg = arg(args, 1);
    let a = array_species_create(cx, &o, 0)?;
    flatten_into_array(cx, &a, &o, len, 1.0, Some((&f, &this_arg)))?;
    Ok(Value::Object(a))
}

/// The start index of includes / indexOf: `fromIndex` relative to `len`; `None` when the
/// search is empty (fromIndex = +∞).
fn search_start(cx: &mut Cx, from: &Value, len: u64) -> JsResult<Option<u64>> {
    let n = to_integer_or_infinity(cx, from)?;
    if n == f64::INFINITY {
        return Ok(None);
    }
    Ok(Some(if n >= 0.0 {
        n as u64
    } else {
        clamp_relative(n, len)
    }))
}

/// Array.prototype.includes(searchElement [, fromIndex]). Spec: #sec-array.prototype.includes
fn includes(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, len) = this_and_len(cx, this)?;
    // 3. len = 0: false.
    if len == 0 {
        return Ok(Value::Bool(false));
    }
    // 4-10.
    let Some(mut k) = search_start(cx, &arg(args, 1), len)? else {
        return Ok(Value::Bool(false));
    };
    let target = arg(args, 0);
    while k < len {
        cx.poll_interrupt(1)?;
        let e = get_index(cx, &o, k)?;
        if same_value_zero(&e, &target) {
            return Ok(Value::Bool(true));
        }
        k += 1;
    }
    Ok(Value::Bool(false))
}

/// Array.prototype.indexOf(searchElement [, fromIndex]). Spec: #sec-array.prototype.indexof
fn index_of(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, len) = this_and_len(cx, this)?;
    if len == 0 {
        return Ok(Value::Int(-1));
    }
    let Some(mut k) = search_start(cx, &arg(args, 1), len)? else {
        return Ok(Value::Int(-1));
    };
    let target = arg(args, 0);
    while k < len {
        cx.poll_interrupt(1)?;
        if has_index(cx, &o, k)? {
            let e = get_index(cx, &o, k)?;
            if strict_equals(&e, &target) {
                return Ok(num(k));
            }
        }
        k += 1;
    }
    Ok(Value::Int(-1))
}

/// Array.prototype.lastIndexOf(searchElement [, fromIndex]).
/// Spec: #sec-array.prototype.lastindexof
fn last_index_of(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, len) = this_and_len(cx, this)?;
    if len == 0 {
        return Ok(Value::Int(-1));
    }
    // 4. n = fromIndex present ? ToIntegerOrInfinity(fromIndex) : len - 1.
    let n = if args.len() > 1 {
        to_integer_or_infinity(cx, &arg(args, 1))?
    } else {
        len as f64 - 1.0
    };
    // 5-7. k.
    if n == f64::NEG_INFINITY {
        return Ok(Value::Int(-1));
    }
    let k = if n >= 0.0 {
        n.min(len as f64 - 1.0)
    } else {
        len as f64 + n
    };
    if k < 0.0 {
        return Ok(Value::Int(-1));
    }
    let target = arg(args, 0);
    let mut k = k as u64;
    // 8.
    loop {
        cx.poll_interrupt(1)?;
        if has_index(cx, &o, k)? {
            let e = get_index(cx, &o, k)?;
            if strict_equals(&e, &target) {
                return Ok(num(k));
            }
        }
        if k == 0 {
            return Ok(Value::Int(-1));
        }
        k -= 1;
    }
}

/// Array.prototype.join(separator). Spec: #sec-array.prototype.join
fn join(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, len) = this_and_len(cx, this)?;
    // 3-4. sep = "," when undefined, else ToString(separator).
    let s = arg(args, 0);
    let sep = if s.is_undefined() {
        cx.new_string(",")?
    } else {
        to_string(cx, &s)?
    };
    // 5-7.
    let mut r = StrBuf::new();
    for k in 0..len {
        cx.poll_interrupt(1)?;
        if k > 0 {
            r.push_str(cx, &sep)?;
        }
        let e = get_index(cx, &o, k)?;
        if !e.is_nullish() {
            let es = to_string(cx, &e)?;
            r.push_str(cx, &es)?;
        }
    }
    Ok(Value::String(r.finish(cx)?))
}

/// Array.prototype.pop(). Spec: #sec-array.prototype.pop
fn pop(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, len) = this_and_len(cx, this)?;
    // 3. Empty: set length 0, return undefined.
    if len == 0 {
        set_length(cx, &o, 0)?;
        return Ok(Value::Undefined);
    }
    // 4.
    let new_len = len - 1;
    let e = get_index(cx, &o, new_len)?;
    delete_index(cx, &o, new_len)?;
    set_length(cx, &o, new_len)?;
    Ok(e)
}

/// Array.prototype.push(...items). Spec: #sec-array.prototype.push
fn push(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, mut len) = this_and_len(cx, this)?;
    // 4. len + argCount > 2^53 - 1: TypeError.
    if len + args.len() as u64 > MAX_SAFE {
        return Err(cx.throw_type_error("push: array length exceeds 2^53 - 1"));
    }
    // 5.
    for v in args {
        set_index(cx, &o, len, v.clone())?;
        len += 1;
    }
    // 6-7.
    set_length(cx, &o, len)?;
    Ok(num(len))
}

/// reduce (magic 0) / reduceRight (magic 1).
/// Spec: #sec-array.prototype.reduce, #sec-array.prototype.reduceright
fn reduce(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let (o, len) = this_and_len(cx, this)?;
    // 3. IsCallable(callbackfn).
    let f = arg(args, 0);
    require_callable(cx, &f, "Array.prototype.reduce")?;
    // 4. Empty with no initial value: TypeError.
    if len == 0 && args.len() < 2 {
        return Err(cx.throw_type_error("reduce of empty array with no initial value"));
    }
    let right = magic == 1;
    let index = |step: u64| if right { len - 1 - step } else { step };
    let mut step: u64 = 0;
    // 6-8. accumulator: initialValue, or the first present element.
    let mut acc = if args.len() >= 2 {
        arg(args, 1)
    } else {
        let mut found = None;
        while step < len {
            cx.poll_interrupt(1)?;
            let k = index(step);
            step += 1;
            if has_index(cx, &o, k)? {
                found = Some(get_index(cx, &o, k)?);
                break;
            }
        }
        match found {
            Some(v) => v,
            None => return Err(cx.throw_type_error("reduce of empty array with no initial value")),
        }
    };
    // 9.
    let ov = Value::Object(o.clone());
    while step < len {
        cx.poll_interrupt(1)?;
        let k = index(step);
        step += 1;
        if has_index(cx, &o, k)? {
            let kv = get_index(cx, &o, k)?;
            acc = call(cx, &f, &Value::Undefined, &[acc, kv, num(k), ov.clone()])?;
        }
    }
    Ok(acc)
}

/// Array.prototype.reverse(). Spec: #sec-array.prototype.reverse
fn reverse(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, len) = this_and_len(cx, this)?;
    let middle = len / 2;
    let mut lower: u64 = 0;
    while lower != middle {
        cx.poll_interrupt(1)?;
        let upper = len - lower - 1;
        let lower_exists = has_index(cx, &o, lower)?;
        let lower_value = if lower_exists {
            Some(get_index(cx, &o, lower)?)
        } else {
            None
        };
        let upper_exists = has_index(cx, &o, upper)?;
        let upper_value = if upper_exists {
            Some(get_index(cx, &o, upper)?)
        } else {
            None
        };
        match (lower_value, upper_value) {
            (Some(lv), Some(uv)) => {
                set_index(cx, &o, lower, uv)?;
                set_index(cx, &o, upper, lv)?;
            }
            (None, Some(uv)) => {
                set_index(cx, &o, lower, uv)?;
                delete_index(cx, &o, upper)?;
            }
            (Some(lv), None) => {
                delete_index(cx, &o, lower)?;
                set_index(cx, &o, upper, lv)?;
            }
            (None, None) => {}
        }
        lower += 1;
    }
    Ok(Value::Object(o))
}

/// Array.prototype.shift(). Spec: #sec-array.prototype.shift
fn shift(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, len) = this_and_len(cx, this)?;
    // 3. Empty.
    if len == 0 {
        set_length(cx, &o, 0)?;
        return Ok(Value::Undefined);
    }
    // 4. first = Get(O, "0").
    let first = get_index(cx, &o, 0)?;
    // 5-6. Move every element down.
    for k in 1..len {
        cx.poll_interrupt(1)?;
        if has_index(cx, &o, k)? {
            let v = get_index(cx, &o, k)?;
            set_index(cx, &o, k - 1, v)?;
        } else {
            delete_index(cx, &o, k - 1)?;
        }
    }
    // 7-8.
    delete_index(cx, &o, len - 1)?;
    set_length(cx, &o, len - 1)?;
    Ok(first)
}

/// Array.prototype.slice(start, end). Spec: #sec-array.prototype.slice
fn slice(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, len) = this_and_len(cx, this)?;
    // 3-8. k and final.
    let rel_start = to_integer_or_infinity(cx, &arg(args, 0))?;
    let mut k = clamp_relative(rel_start, len);
    let fin = relative_index(cx, &arg(args, 1), len, len)?;
    // 9-10. count, A.
    let count = fin.saturating_sub(k);
    let a = array_species_create(cx, &o, count)?;
    // 11-12.
    let mut n: u64 = 0;
    while k < fin {
        cx.poll_interrupt(1)?;
        if has_index(cx, &o, k)? {
            let v = get_index(cx, &o, k)?;
            create_index(cx, &a, n, v)?;
        }
        k += 1;
        n += 1;
    }
    // 13.
    set_length(cx, &a, n)?;
    Ok(Value::Object(a))
}

/// CompareArrayElements(x, y, comparefn) for two values when `comparefn` is a function.
/// Spec: #sec-comparearrayelements
fn compare_with(cx: &mut Cx, f: &Value, x: &Value, y: &Value) -> JsResult<Ordering> {
    // 1-3. undefined sorts last.
    match (x.is_undefined(), y.is_undefined()) {
        (true, true) => return Ok(Ordering::Equal),
        (true, false) => return Ok(Ordering::Greater),
        (false, true) => return Ok(Ordering::Less),
        _ => {}
    }
    // 4. v = ToNumber(Call(comparefn, undefined, « x, y »)); NaN → +0.
    let r = call(cx, f, &Value::Undefined, &[x.clone(), y.clone()])?;
    let v = to_number(cx, &r)?;
    Ok(if v < 0.0 {
        Ordering::Less
    } else if v > 0.0 {
        Ordering::Greater
    } else {
        Ordering::Equal
    })
}

/// A sort item: the value and, for the default order, its string (computed once).
struct SortItem {
    value: Value,
    key: Option<crate::strings::JsString>,
}

/// Stable bottom-up merge sort with a fallible comparator; polls the interrupt per
/// comparison. O(n log n) comparisons, n extra slots.
fn merge_sort<F>(cx: &mut Cx, items: Vec<SortItem>, mut less_eq: F) -> JsResult<Vec<SortItem>>
where
    F: FnMut(&mut Cx, &SortItem, &SortItem) -> JsResult<bool>,
{
    let n = items.len();
    let mut src: Vec<Option<SortItem>> = items.into_iter().map(Some).collect();
    let mut dst: Vec<Option<SortItem>> = Vec::new();
    dst.resize_with(n, || None);
    let mut width = 1;
    while width < n {
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j, mut k) = (lo, mid, lo);
            while i < mid && j < hi {
                cx.poll_interrupt(1)?;
                // Invariant: indices in lo..hi of `src` are Some until moved exactly once.
                let take_left = match (&src[i], &src[j]) {
                    (Some(a), Some(b)) => less_eq(cx, a, b)?,
                    _ => true,
                };
                if take_left {
                    dst[k] = src[i].take();
                    i += 1;
                } else {
                    dst[k] = src[j].take();
                    j += 1;
                }
                k += 1;
            }
            while i < mid {
                dst[k] = src[i].take();
                i += 1;
                k += 1;
            }
            while j < hi {
                dst[k] = src[j].take();
                j += 1;
                k += 1;
            }
            lo = hi;
        }
        std::mem::swap(&mut src, &mut dst);
        width *= 2;
    }
    Ok(src.into_iter().flatten().collect())
}

/// SortIndexedProperties + the sort itself: reads indices 0..len (skipping holes when
/// `skip_holes`), sorts with `comparefn` or the default string order.
/// Spec: #sec-sortindexedproperties
fn sort_indexed_properties(
    cx: &mut Cx,
    o: &Obj,
    len: u64,
    comparefn: &Value,
    skip_holes: bool,
) -> JsResult<Vec<Value>> {
    // 1-3. Collect the items.
    let mut items: Vec<SortItem> = Vec::new();
    for k in 0..len {
        cx.poll_interrupt(1)?;
        if skip_holes && !has_index(cx, o, k)? {
            continue;
        }
        let v = get_index(cx, o, k)?;
        if items.len() == items.capacity() {
            check_list_memory(cx, (items.len() as u64 + 1) * 3)?;
        }
        items.push(SortItem {
            value: v,
            key: None,
        });
    }
    // 4. Sort.
    let sorted = if comparefn.is_undefined() {
        // Default order: undefined last, else by ToString code units (computed once each).
        for it in items.iter_mut() {
            if !it.value.is_undefined() {
                it.key = Some(to_string(cx, &it.value)?);
            }
        }
        merge_sort(cx, items, |_, a, b| {
            Ok(match (&a.key, &b.key) {
                (_, None) => true,
                (None, Some(_)) => false,
                (Some(x), Some(y)) => x <= y,
            })
        })?
    } else {
        merge_sort(cx, items, |cx, a, b| {
            Ok(compare_with(cx, comparefn, &a.value, &b.value)? != Ordering::Greater)
        })?
    };
    Ok(sorted.into_iter().map(|i| i.value).collect())
}

/// Array.prototype.sort(comparefn). Spec: #sec-array.prototype.sort
fn sort(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 1. comparefn must be undefined or callable (checked before ToObject).
    let comparefn = arg(args, 0);
    if !comparefn.is_undefined() && !is_callable(&comparefn) {
        return Err(cx.throw_type_error("sort: comparator must be a function or undefined"));
    }
    // 2-3.
    let (o, len) = this_and_len(cx, this)?;
    // 5. sortedList (holes skipped).
    let sorted = sort_indexed_properties(cx, &o, len, &comparefn, true)?;
    // 6-8. Write back, then delete the trailing holes.
    let count = sorted.len() as u64;
    for (j, v) in sorted.into_iter().enumerate() {
        cx.poll_interrupt(1)?;
        set_index(cx, &o, j as u64, v)?;
    }
    for j in count..len {
        cx.poll_interrupt(1)?;
        delete_index(cx, &o, j)?;
    }
    Ok(Value::Object(o))
}

/// The actual skip count of splice / toSpliced (steps shared by both).
fn skip_count(cx: &mut Cx, args: &[Value], len: u64, start: u64) -> JsResult<u64> {
    Ok(match args.len() {
        0 => 0,
        1 => len - start,
        _ => {
            let dc = to_integer_or_infinity(cx, &arg(args, 1))?;
            dc.clamp(0.0, (len - start) as f64) as u64
        }
    })
}

/// Array.prototype.splice(start, deleteCount, ...items). Spec: #sec-array.prototype.splice
fn splice(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, len) = this_and_len(cx, this)?;
    // 3-7. actualStart.
    let rel_start = to_integer_or_infinity(cx, &arg(args, 0))?;
    let start = clamp_relative(rel_start, len);
    // 8-11. itemCount and actualSkipCount.
    let items = args.get(2..).unwrap_or(&[]);
    let item_count = items.len() as u64;
    let skip = skip_count(cx, args, len, start)?;
    // 12. Length check.
    if len + item_count - skip > MAX_SAFE {
        return Err(cx.throw_type_error("splice: array length exceeds 2^53 - 1"));
    }
    // 13-16. A gets the removed elements.
    let a = array_species_create(cx, &o, skip)?;
    for k in 0..skip {
        cx.poll_interrupt(1)?;
        if has_index(cx, &o, start + k)? {
            let v = get_index(cx, &o, start + k)?;
            create_index(cx, &a, k, v)?;
        }
    }
    set_length(cx, &a, skip)?;
    // 17-18. Move the tail.
    if item_count < skip {
        for k in start..len - skip {
            cx.poll_interrupt(1)?;
            let from = k + skip;
            let to = k + item_count;
            if has_index(cx, &o, from)? {
                let v = get_index(cx, &o, from)?;
                set_index(cx, &o, to, v)?;
            } else {
                delete_index(cx, &o, to)?;
            }
        }
        let mut k = len;
        while k > len - skip + item_count {
            cx.poll_interrupt(1)?;
            delete_index(cx, &o, k - 1)?;
            k -= 1;
        }
    } else if item_count > skip {
        let mut k = len - skip;
        while k > start {
            cx.poll_interrupt(1)?;
            let from = k + skip - 1;
            let to = k + item_count - 1;
            if has_index(cx, &o, from)? {
                let v = get_index(cx, &o, from)?;
                set_index(cx, &o, to, v)?;
            } else {
                delete_index(cx, &o, to)?;
            }
            k -= 1;
        }
    }
    // 19-20. Insert the items.
    for (i, v) in items.iter().enumerate() {
        set_index(cx, &o, start + i as u64, v.clone())?;
    }
    // 21-22.
    set_length(cx, &o, len - skip + item_count)?;
    Ok(Value::Object(a))
}

/// Array.prototype.toLocaleString(). Spec: #sec-array.prototype.tolocalestring
fn to_locale_string(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, len) = this_and_len(cx, this)?;
    // 3. The implementation-defined list separator (",", as without Intl).
    let sep = cx.new_string(",")?;
    let mut r = StrBuf::new();
    for k in 0..len {
        cx.poll_interrupt(1)?;
        if k > 0 {
            r.push_str(cx, &sep)?;
        }
        let e = get_index(cx, &o, k)?;
        if !e.is_nullish() {
            let key = cx.intern("toLocaleString");
            let s = invoke(cx, &e, key, &[])?;
            let s = to_string(cx, &s)?;
            r.push_str(cx, &s)?;
        }
    }
    Ok(Value::String(r.finish(cx)?))
}

/// Array.prototype.toReversed(). Spec: #sec-array.prototype.toreversed
fn to_reversed(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, len) = this_and_len(cx, this)?;
    // 3. A = ArrayCreate(len).
    let a = array_create(cx, len, None)?;
    // 4-5.
    for k in 0..len {
        cx.poll_interrupt(1)?;
        let v = get_index(cx, &o, len - k - 1)?;
        create_index(cx, &a, k, v)?;
    }
    Ok(Value::Object(a))
}

/// Array.prototype.toSorted(comparefn). Spec: #sec-array.prototype.tosorted
fn to_sorted(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 1.
    let comparefn = arg(args, 0);
    if !comparefn.is_undefined() && !is_callable(&comparefn) {
        return Err(cx.throw_type_error("toSorted: comparator must be a function or undefined"));
    }
    // 2-4.
    let (o, len) = this_and_len(cx, this)?;
    let a = array_create(cx, len, None)?;
    // 6. Holes are read as undefined.
    let sorted = sort_indexed_properties(cx, &o, len, &comparefn, false)?;
    // 7-8.
    for (j, v) in sorted.into_iter().enumerate() {
        cx.poll_interrupt(1)?;
        create_index(cx, &a, j as u64, v)?;
    }
    Ok(Value::Object(a))
}

/// Array.prototype.toSpliced(start, skipCount, ...items). Spec: #sec-array.prototype.tospliced
fn to_spliced(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, len) = this_and_len(cx, this)?;
    // 3-6. actualStart.
    let rel_start = to_integer_or_infinity(cx, &arg(args, 0))?;
    let start = clamp_relative(rel_start, len);
    // 7-10.
    let items = args.get(2..).unwrap_or(&[]);
    let skip = skip_count(cx, args, len, start)?;
    // 11-12. newLen.
    let new_len = len + items.len() as u64 - skip;
    if new_len > MAX_SAFE {
        return Err(cx.throw_type_error("toSpliced: array length exceeds 2^53 - 1"));
    }
    // 13. A = ArrayCreate(newLen).
    let a = array_create(cx, new_len, None)?;
    // 14-17.
    let mut i: u64 = 0;
    let mut r = start + skip;
    while i < start {
        cx.poll_interrupt(1)?;
        let v = get_index(cx, &o, i)?;
        create_index(cx, &a, i, v)?;
        i += 1;
    }
    for v in items {
        create_index(cx, &a, i, v.clone())?;
        i += 1;
    }
    while i < new_len {
        cx.poll_interrupt(1)?;
        let v = get_index(cx, &o, r)?;
        create_index(cx, &a, i, v)?;
        i += 1;
        r += 1;
    }
    Ok(Value::Object(a))
}

/// Array.prototype.toString(). Spec: #sec-array.prototype.tostring
fn to_string_method(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 1-2. func = Get(array, "join").
    let array = to_object(cx, this)?;
    let mut func = get(cx, &array, Atom::Join)?;
    // 3. Not callable: %Object.prototype.toString%.
    if !is_callable(&func) {
        func = cx.intrinsic(Intrinsic::ObjectProtoToString);
    }
    // 4.
    call(cx, &func, &Value::Object(array), &[])
}

/// Array.prototype.unshift(...items). Spec: #sec-array.prototype.unshift
fn unshift(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, len) = this_and_len(cx, this)?;
    let n = args.len() as u64;
    // 4.
    if n > 0 {
        if len + n > MAX_SAFE {
            return Err(cx.throw_type_error("unshift: array length exceeds 2^53 - 1"));
        }
        let mut k = len;
        while k > 0 {
            cx.poll_interrupt(1)?;
            let from = k - 1;
            let to = k + n - 1;
            if has_index(cx, &o, from)? {
                let v = get_index(cx, &o, from)?;
                set_index(cx, &o, to, v)?;
            } else {
                delete_index(cx, &o, to)?;
            }
            k -= 1;
        }
        for (j, v) in args.iter().enumerate() {
            set_index(cx, &o, j as u64, v.clone())?;
        }
    }
    // 5-6.
    set_length(cx, &o, len + n)?;
    Ok(num(len + n))
}

/// Array.prototype.with(index, value). Spec: #sec-array.prototype.with
fn with(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, len) = this_and_len(cx, this)?;
    // 3-5. actualIndex; out of range: RangeError.
    let rel = to_integer_or_infinity(cx, &arg(args, 0))?;
    let actual = if rel >= 0.0 { rel } else { len as f64 + rel };
    if actual >= len as f64 || actual < 0.0 {
        return Err(cx.throw_range_error("with: index out of range"));
    }
    let actual = actual as u64;
    let value = arg(args, 1);
    // 6. A = ArrayCreate(len).
    let a = array_create(cx, len, None)?;
    // 7-8.
    for k in 0..len {
        cx.poll_interrupt(1)?;
        let v = if k == actual {
            value.clone()
        } else {
            get_index(cx, &o, k)?
        };
        create_index(cx, &a, k, v)?;
    }
    Ok(Value::Object(a))
}

// ----- Array iterators -----

/// The internal slots of an Array Iterator: [[IteratedArrayLike]] (`Undefined` once
/// exhausted), [[ArrayLikeNextIndex]], [[ArrayLikeIterationKind]].
/// Spec: #sec-properties-of-array-iterator-instances
pub struct ArrayIterator {
    pub object: Value,
    pub index: u64,
    pub kind: IterKind,
}

/// CreateArrayIterator(array, kind). Spec: #sec-createarrayiterator
pub fn create_array_iterator(cx: &mut Cx, array: Value, kind: IterKind) -> JsResult<Value> {
    let proto = cx.intrinsic_obj(Intrinsic::ArrayIteratorPrototype);
    let o = Obj::new(
        cx,
        proto,
        ObjectData::ArrayIterator(Box::new(ArrayIterator {
            object: array,
            index: 0,
            kind,
        })),
    )?;
    Ok(Value::Object(o))
}

/// Array.prototype.keys / values / entries (magic = [`IterKind`]).
/// Spec: #sec-array.prototype.keys, #sec-array.prototype.values, #sec-array.prototype.entries
fn create_iterator_method(
    cx: &mut Cx,
    this: &Value,
    _: &[Value],
    _: &Value,
    magic: u16,
) -> JsResult<Value> {
    let o = to_object(cx, this)?;
    let kind = match magic {
        m if m == IterKind::Keys as u16 => IterKind::Keys,
        m if m == IterKind::Values as u16 => IterKind::Values,
        _ => IterKind::Entries,
    };
    create_array_iterator(cx, Value::Object(o), kind)
}

/// %ArrayIteratorPrototype%.next(). Spec: #sec-%arrayiteratorprototype%.next
fn iterator_next(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let Value::Object(it) = this else {
        return Err(cx.throw_type_error("next called on a non-Array Iterator"));
    };
    // Copy the slots out: reading the length may run user code.
    let (object, index, kind) = match &it.borrow().class {
        ObjectData::ArrayIterator(s) => (s.object.clone(), s.index, s.kind),
        _ => return Err(cx.throw_type_error("next called on a non-Array Iterator")),
    };
    let Value::Object(a) = &object else {
        return create_iter_result_object(cx, Value::Undefined, true);
    };
    // A typed array that went out of bounds throws. Spec: %ArrayIteratorPrototype%.next
    let len = if crate::builtins::typedarray::kind_of(a).is_some() {
        match crate::builtins::typedarray::current_length(a) {
            Some(n) => n as u64,
            None => return Err(cx.throw_type_error("TypedArray is out of bounds or detached")),
        }
    } else {
        length_of_array_like(cx, a)?
    };
    if index >= len {
        if let ObjectData::ArrayIterator(s) = &mut it.borrow_mut().class {
            s.object = Value::Undefined;
        }
        return create_iter_result_object(cx, Value::Undefined, true);
    }
    if let ObjectData::ArrayIterator(s) = &mut it.borrow_mut().class {
        s.index = index + 1;
    }
    let result = match kind {
        IterKind::Keys => num(index),
        IterKind::Values => get_index(cx, a, index)?,
        IterKind::Entries => {
            let v = get_index(cx, a, index)?;
            Value::Object(create_array_from_list(cx, &[num(index), v])?)
        }
    };
    create_iter_result_object(cx, result, false)
}

/// An array of one-code-unit strings (String.prototype.split with an empty separator).
pub fn create_array_from_units(cx: &mut Cx, units: &[u16]) -> JsResult<Value> {
    check_list_memory(cx, units.len() as u64)?;
    let mut items = Vec::with_capacity(units.len());
    for &u in units {
        cx.poll_interrupt(1)?;
        items.push(Value::String(cx.new_string_utf16(&[u])?));
    }
    Ok(Value::Object(create_array_from_list(cx, &items)?))
}
