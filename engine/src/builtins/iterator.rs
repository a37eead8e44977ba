//! The Iterator constructor, %Iterator.prototype% with the iterator helpers (map, filter,
//! take, drop, flatMap, reduce, toArray, forEach, some, every, find), `Iterator.from` with
//! %WrapForValidIteratorPrototype%, %IteratorHelperPrototype%, and the iterator protocol
//! operations builtins use (GetIterator, IteratorStepValue, IteratorClose,
//! CreateIterResultObject). Spec: #sec-iterator-objects, #sec-operations-on-iterator-objects
//!
//! Iterator helpers are generator-like objects (spec: CreateIteratorFromClosure); here each
//! is a state machine in [`IteratorHelper`] whose `next` runs one step of its closure.
//!
//! Invariants:
//! - A builtin that stops consuming an iterator early (error or early exit) closes it
//!   through [`close_after_error`] / [`iterator_close`], which never lose the pending
//!   exception and never run JS for an uncatchable interrupt.
//! - A helper is `Running` while its step calls into JS; a re-entrant `next`/`return` is a
//!   TypeError (as for generators), and no `RefCell` borrow is held across those calls.

use super::{arg, install_class, Builtin, ClassDef, Key, Kind, Val};
use crate::atoms::Atom;
use crate::heap::Tracer;
use crate::object::ops::{
    create_array_from_list, create_data_property_or_throw, get, get_method, get_v, new_object,
    ordinary_create_from_constructor, ordinary_has_instance, set,
};
use crate::object::{attrs, call, is_callable, trace_value, Obj, ObjectData};
use crate::realm::{Cx, Intrinsic, JsResult, Throw};
use crate::value::conv::{to_integer_or_infinity, to_number};
use crate::value::{same_value, Value};
use crate::{method, value};

static STATICS: &[Builtin] = &[method!("from", 1, from)];

static PROTOTYPE: &[Builtin] = &[
    method!("drop", 1, lazy_helper, HelperKind::Drop as u16),
    method!("every", 1, consume, Consume::Every as u16),
    method!("filter", 1, lazy_helper, HelperKind::Filter as u16),
    method!("find", 1, consume, Consume::Find as u16),
    method!("flatMap", 1, lazy_helper, HelperKind::FlatMap as u16),
    method!("forEach", 1, consume, Consume::ForEach as u16),
    method!("map", 1, lazy_helper, HelperKind::Map as u16),
    method!("reduce", 1, reduce),
    method!("some", 1, consume, Consume::Some as u16),
    method!("take", 1, lazy_helper, HelperKind::Take as u16),
    method!("toArray", 0, to_array),
    method!(@symbol SYM_ITERATOR, 0, return_this),
    method!(@symbol SYM_DISPOSE, 0, dispose),
    // Spec: #sec-iterator.prototype.constructor, #sec-iterator.prototype-%symbol.tostringtag%
    // — accessors (web compatibility) whose setters ignore the prototype itself.
    Builtin {
        key: Key::Str("constructor"),
        kind: Kind::Accessor {
            get: Some(proto_accessor_get),
            set: Some(proto_accessor_set),
            magic: 0,
        },
        flags: attrs::CONFIGURABLE,
    },
    Builtin {
        key: Key::Atom(Atom::SYM_TO_STRING_TAG),
        kind: Kind::Accessor {
            get: Some(proto_accessor_get),
            set: Some(proto_accessor_set),
            magic: 1,
        },
        flags: attrs::CONFIGURABLE,
    },
];

static HELPER_PROTOTYPE: &[Builtin] = &[
    method!("next", 0, helper_next),
    method!("return", 0, helper_return),
    value!(@symbol SYM_TO_STRING_TAG, Val::Str("Iterator Helper"), attrs::CONFIGURABLE),
];

static WRAP_PROTOTYPE: &[Builtin] = &[
    method!("next", 0, wrap_next),
    method!("return", 0, wrap_return),
];

static CLASS: ClassDef = ClassDef {
    name: "Iterator",
    ctor: Some((iterator_constructor, 0, 0)),
    ctor_intrinsic: Some(Intrinsic::Iterator),
    proto_intrinsic: Some(Intrinsic::IteratorPrototype),
    statics: STATICS,
    proto: PROTOTYPE,
    ..ClassDef::DEFAULT
};

static HELPER_CLASS: ClassDef = ClassDef {
    name: "",
    proto_intrinsic: Some(Intrinsic::IteratorHelperPrototype),
    proto_parent: Some(Intrinsic::IteratorPrototype),
    proto: HELPER_PROTOTYPE,
    global: false,
    ..ClassDef::DEFAULT
};

static WRAP_CLASS: ClassDef = ClassDef {
    name: "",
    proto_intrinsic: Some(Intrinsic::WrapForValidIteratorPrototype),
    proto_parent: Some(Intrinsic::IteratorPrototype),
    proto: WRAP_PROTOTYPE,
    global: false,
    ..ClassDef::DEFAULT
};

pub fn init(cx: &mut Cx) -> JsResult<()> {
    install_class(cx, &CLASS)?;
    install_class(cx, &HELPER_CLASS)?;
    install_class(cx, &WRAP_CLASS)?;
    Ok(())
}

/// %Iterator.prototype%[@@iterator]. Spec: #sec-iterator.prototype-%symbol.iterator%
fn return_this(_: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    Ok(this.clone())
}

/// %Iterator.prototype%[@@dispose]() (explicit resource management): calls `return` if
/// the iterator has one. Spec: #sec-%iteratorprototype%-@@dispose
fn dispose(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    if let Some(ret) = get_method(cx, this, Atom::Return_)? {
        call(cx, &ret, this, &[])?;
    }
    Ok(Value::Undefined)
}

/// Iterator(): abstract; only subclasses construct it. Spec: #sec-iterator
fn iterator_constructor(
    cx: &mut Cx,
    _: &Value,
    _: &[Value],
    nt: &Value,
    _: u16,
) -> JsResult<Value> {
    // 1. NewTarget undefined or the active function: TypeError.
    let active = cx.intrinsic(Intrinsic::Iterator);
    if nt.is_undefined() || same_value(nt, &active) {
        return Err(cx.throw_type_error("Iterator cannot be constructed directly"));
    }
    // 2.
    let o = ordinary_create_from_constructor(
        cx,
        nt,
        Intrinsic::IteratorPrototype,
        ObjectData::Ordinary,
    )?;
    Ok(Value::Object(o))
}

/// get Iterator.prototype.constructor (magic 0) / [@@toStringTag] (magic 1).
/// Spec: #sec-get-iterator.prototype.constructor
fn proto_accessor_get(
    cx: &mut Cx,
    _: &Value,
    _: &[Value],
    _: &Value,
    magic: u16,
) -> JsResult<Value> {
    if magic == 0 {
        Ok(cx.intrinsic(Intrinsic::Iterator))
    } else {
        Ok(Value::String(cx.new_string("Iterator")?))
    }
}

/// set Iterator.prototype.constructor / [@@toStringTag]: SetterThatIgnoresPrototypeProperties.
/// Spec: #sec-SetterThatIgnoresPrototypeProperties
fn proto_accessor_set(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _: &Value,
    magic: u16,
) -> JsResult<Value> {
    let key = if magic == 0 {
        Atom::Constructor
    } else {
        Atom::SYM_TO_STRING_TAG
    };
    // 1. this must be an object.
    let Value::Object(o) = this else {
        return Err(cx.throw_type_error("setter called on a non-object"));
    };
    // 2. Setting it on the home object itself is an error.
    let home = cx.intrinsic(Intrinsic::IteratorPrototype);
    if same_value(this, &home) {
        return Err(cx.throw_type_error("cannot set this property on Iterator.prototype"));
    }
    // 3-4. Create an own data property, or Set an existing one.
    let v = arg(args, 0);
    if o.get_own_property(cx, key)?.is_none() {
        create_data_property_or_throw(cx, o, key, v)?;
    } else {
        set(cx, o, key, v, true)?;
    }
    Ok(Value::Undefined)
}

/// An Iterator Record. Spec: #sec-iterator-records
pub struct IteratorRecord {
    pub iterator: Value,
    pub next: Value,
    pub done: bool,
}

/// GetIteratorFromMethod. Spec: #sec-getiteratorfrommethod
pub fn get_iterator_from_method(
    cx: &mut Cx,
    obj: &Value,
    method: &Value,
) -> JsResult<IteratorRecord> {
    // 1. iterator = Call(method, obj).
    let iterator = call(cx, method, obj, &[])?;
    // 2. Not an object: TypeError.
    if !iterator.is_object() {
        return Err(cx.throw_type_error("iterator is not an object"));
    }
    // 3. nextMethod = Get(iterator, "next").
    let next = get_v(cx, &iterator, Atom::Next)?;
    Ok(IteratorRecord {
        iterator,
        next,
        done: false,
    })
}

/// GetIterator(obj, sync). Spec: #sec-getiterator
pub fn get_iterator(cx: &mut Cx, obj: &Value) -> JsResult<IteratorRecord> {
    let m = get_method(cx, obj, Atom::SYM_ITERATOR)?;
    let Some(m) = m else {
        return Err(cx.throw_type_error("object is not iterable"));
    };
    get_iterator_from_method(cx, obj, &m)
}

/// IteratorStepValue: the next value, or `None` when done. An error marks the record done.
/// Spec: #sec-iteratorstepvalue
pub fn step_value(cx: &mut Cx, rec: &mut IteratorRecord) -> JsResult<Option<Value>> {
    let r = step_value_inner(cx, rec);
    if r.is_err() {
        rec.done = true;
    }
    r
}

fn step_value_inner(cx: &mut Cx, rec: &mut IteratorRecord) -> JsResult<Option<Value>> {
    cx.poll_interrupt(1)?;
    // IteratorNext: Call(next, iterator); result must be an object.
    let result = call(cx, &rec.next, &rec.iterator, &[])?;
    let Value::Object(ro) = &result else {
        return Err(cx.throw_type_error("iterator result is not an object"));
    };
    // IteratorComplete.
    if get(cx, ro, Atom::Done)?.to_boolean() {
        rec.done = true;
        return Ok(None);
    }
    // IteratorValue.
    Ok(Some(get(cx, ro, Atom::Value)?))
}

/// IteratorClose with a normal completion. Spec: #sec-iteratorclose
pub fn iterator_close(cx: &mut Cx, iterator: &Value) -> JsResult<()> {
    // 3-4. innerResult = GetMethod(iterator, "return"), then Call.
    let Some(ret) = get_method(cx, iterator, Atom::Return_)? else {
        return Ok(());
    };
    let r = call(cx, &ret, iterator, &[])?;
    // 7. The result must be an object.
    if !r.is_object() {
        return Err(cx.throw_type_error("iterator.return() result is not an object"));
    }
    Ok(())
}

/// IteratorClose with a throw completion `t`: calls `return` ignoring its outcome and
/// rethrows the original exception. Spec: #sec-iteratorclose step 5
pub fn close_after_error(cx: &mut Cx, iterator: &Value, t: Throw) -> Throw {
    if cx.uncatchable {
        return t;
    }
    let exc = cx.take_exception();
    let ret = get_method(cx, iterator, Atom::Return_);
    if let Ok(Some(f)) = ret {
        if is_callable(&f) {
            let _ = call(cx, &f, iterator, &[]);
        }
    }
    if cx.uncatchable {
        // An interrupt during `return` wins over the original exception.
        return t;
    }
    cx.throw(exc)
}

/// CreateIterResultObject(value, done). Spec: #sec-createiterresultobject
pub fn create_iter_result_object(cx: &mut Cx, value: Value, done: bool) -> JsResult<Value> {
    let o = new_object(cx)?;
    create_data_property_or_throw(cx, &o, Atom::Value, value)?;
    create_data_property_or_throw(cx, &o, Atom::Done, Value::Bool(done))?;
    Ok(Value::Object(o))
}

/// IteratorStep: advances; `false` when done (the value is not read). Spec: #sec-iteratorstep
fn step(cx: &mut Cx, rec: &mut IteratorRecord) -> JsResult<bool> {
    let r = (|| {
        cx.poll_interrupt(1)?;
        let result = call(cx, &rec.next, &rec.iterator, &[])?;
        let Value::Object(ro) = &result else {
            return Err(cx.throw_type_error("iterator result is not an object"));
        };
        get(cx, ro, Atom::Done).map(|d| d.to_boolean())
    })();
    match r {
        Ok(true) | Err(_) => rec.done = true,
        Ok(false) => {}
    }
    r.map(|done| !done)
}

/// GetIteratorDirect(obj). Spec: #sec-getiteratordirect
pub fn get_iterator_direct(cx: &mut Cx, obj: &Obj) -> JsResult<IteratorRecord> {
    let next = get(cx, obj, Atom::Next)?;
    Ok(IteratorRecord {
        iterator: Value::Object(obj.clone()),
        next,
        done: false,
    })
}

/// GetIteratorFlattenable(obj, primitiveHandling). Spec: #sec-getiteratorflattenable
fn get_iterator_flattenable(
    cx: &mut Cx,
    obj: &Value,
    iterate_strings: bool,
) -> JsResult<IteratorRecord> {
    // 1. Primitives: only strings, and only when iterating string primitives.
    if !(obj.is_object() || iterate_strings && matches!(obj, Value::String(_))) {
        return Err(cx.throw_type_error("value is not an iterator or iterable"));
    }
    // 2-4. The @@iterator result, or the object itself.
    let iterator = match get_method(cx, obj, Atom::SYM_ITERATOR)? {
        None => obj.clone(),
        Some(m) => call(cx, &m, obj, &[])?,
    };
    // 5-6.
    let Value::Object(io) = &iterator else {
        return Err(cx.throw_type_error("iterator is not an object"));
    };
    get_iterator_direct(cx, io)
}

/// Iterator.from(O). Spec: #sec-iterator.from
fn from(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 1.
    let rec = get_iterator_flattenable(cx, &arg(args, 0), true)?;
    // 2-3. Already an Iterator instance: return it.
    let ctor = cx.intrinsic(Intrinsic::Iterator);
    if ordinary_has_instance(cx, &ctor, &rec.iterator)? {
        return Ok(rec.iterator);
    }
    // 4-6. Wrap it.
    let proto = cx.intrinsic_obj(Intrinsic::WrapForValidIteratorPrototype);
    let w = Obj::new(
        cx,
        proto,
        ObjectData::IteratorHelper(Box::new(IteratorHelper::new(
            HelperKind::Wrap,
            rec,
            Value::Undefined,
            0.0,
        ))),
    )?;
    Ok(Value::Object(w))
}

/// The [[Iterated]] record of a wrapper (`this` of the %WrapForValidIteratorPrototype%
/// methods).
fn wrapped(cx: &mut Cx, this: &Value) -> JsResult<(Value, Value)> {
    if let Value::Object(o) = this {
        if let ObjectData::IteratorHelper(h) = &o.borrow().class {
            if h.kind == HelperKind::Wrap {
                return Ok((h.iterator.clone(), h.next.clone()));
            }
        }
    }
    Err(cx.throw_type_error("not an Iterator.from wrapper"))
}

/// %WrapForValidIteratorPrototype%.next(). Spec: #sec-%wrapforvaliditeratorprototype%.next
fn wrap_next(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (iterator, next) = wrapped(cx, this)?;
    call(cx, &next, &iterator, &[])
}

/// %WrapForValidIteratorPrototype%.return(). Spec: #sec-%wrapforvaliditeratorprototype%.return
fn wrap_return(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (iterator, _) = wrapped(cx, this)?;
    match get_method(cx, &iterator, Atom::Return_)? {
        None => create_iter_result_object(cx, Value::Undefined, true),
        Some(m) => call(cx, &m, &iterator, &[]),
    }
}

/// Which closure an iterator helper runs (`magic` of [`lazy_helper`]); `Wrap` marks an
/// `Iterator.from` wrapper.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u16)]
pub enum HelperKind {
    Map,
    Filter,
    Take,
    Drop,
    FlatMap,
    Wrap,
}

/// [[GeneratorState]] of a helper.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum HelperState {
    SuspendedStart,
    SuspendedYield,
    Running,
    Completed,
}

/// An iterator helper's slots: [[UnderlyingIterator]], the captured function and counters,
/// the flatMap inner iterator, and the generator state.
pub struct IteratorHelper {
    kind: HelperKind,
    iterator: Value,
    next: Value,
    func: Value,
    counter: u64,
    /// take / drop: the remaining limit (+∞ allowed).
    remaining: f64,
    /// flatMap: the inner iterator and its `next`.
    inner: Option<(Value, Value)>,
    state: HelperState,
}

impl IteratorHelper {
    fn new(kind: HelperKind, rec: IteratorRecord, func: Value, remaining: f64) -> IteratorHelper {
        IteratorHelper {
            kind,
            iterator: rec.iterator,
            next: rec.next,
            func,
            counter: 0,
            remaining,
            inner: None,
            state: HelperState::SuspendedStart,
        }
    }
    /// Reports the object edges (called from `ObjCell::trace`).
    pub fn trace(&self, t: &mut Tracer<'_>) {
        trace_value(&self.iterator, t);
        trace_value(&self.next, t);
        trace_value(&self.func, t);
        if let Some((i, n)) = &self.inner {
            trace_value(i, t);
            trace_value(n, t);
        }
    }
}

/// map / filter / take / drop / flatMap: validate, then create the helper.
/// Spec: #sec-iterator.prototype.map (and filter, take, drop, flatmap)
fn lazy_helper(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _: &Value,
    magic: u16,
) -> JsResult<Value> {
    // 1-2. O must be an object.
    let Value::Object(o) = this else {
        return Err(cx.throw_type_error("Iterator helper called on a non-object"));
    };
    let kind = match magic {
        m if m == HelperKind::Map as u16 => HelperKind::Map,
        m if m == HelperKind::Filter as u16 => HelperKind::Filter,
        m if m == HelperKind::Take as u16 => HelperKind::Take,
        m if m == HelperKind::Drop as u16 => HelperKind::Drop,
        _ => HelperKind::FlatMap,
    };
    let a = arg(args, 0);
    let mut remaining = 0.0;
    // 3-4. Validate the argument; failures close O (with `next` never read).
    if matches!(kind, HelperKind::Take | HelperKind::Drop) {
        let n = match to_number(cx, &a) {
            Ok(n) => n,
            Err(t) => return Err(close_after_error(cx, this, t)),
        };
        if n.is_nan() {
            let t = cx.throw_range_error("limit must be a number");
            return Err(close_after_error(cx, this, t));
        }
        let n = to_integer_or_infinity(cx, &Value::Float(n))?;
        // (test262 also requires finite limits above 2^53 - 1 to be rejected.)
        if n < 0.0 || (n.is_finite() && n > 9007199254740991.0) {
            let t = cx.throw_range_error("limit must be a non-negative safe integer");
            return Err(close_after_error(cx, this, t));
        }
        remaining = n;
    } else if !is_callable(&a) {
        let t = cx.throw_type_error("Iterator helper argument is not a function");
        return Err(close_after_error(cx, this, t));
    }
    // 5. iterated = GetIteratorDirect(O).
    let rec = get_iterator_direct(cx, o)?;
    // 6-8. The helper object.
    let func = if matches!(kind, HelperKind::Take | HelperKind::Drop) {
        Value::Undefined
    } else {
        a
    };
    let proto = cx.intrinsic_obj(Intrinsic::IteratorHelperPrototype);
    let h = Obj::new(
        cx,
        proto,
        ObjectData::IteratorHelper(Box::new(IteratorHelper::new(kind, rec, func, remaining))),
    )?;
    Ok(Value::Object(h))
}

/// A copy of the fields a step needs (no borrow held while running JS).
struct StepState {
    kind: HelperKind,
    rec: IteratorRecord,
    func: Value,
    counter: u64,
    remaining: f64,
    inner: Option<(Value, Value)>,
}

fn helper_of(cx: &mut Cx, this: &Value) -> JsResult<Obj> {
    if let Value::Object(o) = this {
        if let ObjectData::IteratorHelper(h) = &o.borrow().class {
            if h.kind != HelperKind::Wrap {
                return Ok(o.clone());
            }
        }
    }
    Err(cx.throw_type_error("not an Iterator Helper"))
}

fn with_helper<R>(o: &Obj, f: impl FnOnce(&mut IteratorHelper) -> R) -> Option<R> {
    match &mut o.borrow_mut().class {
        ObjectData::IteratorHelper(h) => Some(f(h)),
        _ => None,
    }
}

/// Runs one step of a helper's closure: `Some(value)` to yield, `None` when it returns.
/// Counters are written back as they change.
fn run_step(cx: &mut Cx, o: &Obj, st: &mut StepState) -> JsResult<Option<Value>> {
    let iter = st.rec.iterator.clone();
    match st.kind {
        HelperKind::Map | HelperKind::Filter => loop {
            let Some(value) = step_value(cx, &mut st.rec)? else {
                return Ok(None);
            };
            let r = call(
                cx,
                &st.func,
                &Value::Undefined,
                &[value.clone(), Value::number(st.counter as f64)],
            );
            let r = r.map_err(|t| close_after_error(cx, &iter, t))?;
            st.counter += 1;
            let c = st.counter;
            with_helper(o, |h| h.counter = c);
            if st.kind == HelperKind::Map {
                return Ok(Some(r));
            }
            if r.to_boolean() {
                return Ok(Some(value));
            }
        },
        HelperKind::Take => {
            if st.remaining == 0.0 {
                iterator_close(cx, &iter)?;
                return Ok(None);
            }
            if st.remaining != f64::INFINITY {
                st.remaining -= 1.0;
                let r = st.remaining;
                with_helper(o, |h| h.remaining = r);
            }
            step_value(cx, &mut st.rec)
        }
        HelperKind::Drop => {
            while st.remaining > 0.0 {
                if st.remaining != f64::INFINITY {
                    st.remaining -= 1.0;
                    let r = st.remaining;
                    with_helper(o, |h| h.remaining = r);
                }
                if !step(cx, &mut st.rec)? {
                    return Ok(None);
                }
            }
            step_value(cx, &mut st.rec)
        }
        HelperKind::FlatMap => loop {
            if let Some((inner_it, inner_next)) = st.inner.clone() {
                let mut inner = IteratorRecord {
                    iterator: inner_it,
                    next: inner_next,
                    done: false,
                };
                match step_value(cx, &mut inner) {
                    Err(t) => return Err(close_after_error(cx, &iter, t)),
                    Ok(Some(v)) => return Ok(Some(v)),
                    Ok(None) => {
                        st.inner = None;
                        with_helper(o, |h| h.inner = None);
                        st.counter += 1;
                        let c = st.counter;
                        with_helper(o, |h| h.counter = c);
                    }
                }
            }
            let Some(value) = step_value(cx, &mut st.rec)? else {
                return Ok(None);
            };
            let mapped = call(
                cx,
                &st.func,
                &Value::Undefined,
                &[value, Value::number(st.counter as f64)],
            );
            let mapped = mapped.map_err(|t| close_after_error(cx, &iter, t))?;
            let inner = get_iterator_flattenable(cx, &mapped, false)
                .map_err(|t| close_after_error(cx, &iter, t))?;
            let pair = (inner.iterator, inner.next);
            st.inner = Some(pair.clone());
            with_helper(o, |h| h.inner = Some(pair));
        },
        HelperKind::Wrap => Ok(None),
    }
}

/// %IteratorHelperPrototype%.next() (GeneratorResume). Spec: #sec-%iteratorhelperprototype%.next
fn helper_next(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let o = helper_of(cx, this)?;
    let snapshot = with_helper(&o, |h| {
        let st = StepState {
            kind: h.kind,
            rec: IteratorRecord {
                iterator: h.iterator.clone(),
                next: h.next.clone(),
                done: false,
            },
            func: h.func.clone(),
            counter: h.counter,
            remaining: h.remaining,
            inner: h.inner.clone(),
        };
        (h.state, st)
    });
    let Some((state, mut st)) = snapshot else {
        return Err(cx.throw_type_error("not an Iterator Helper"));
    };
    match state {
        HelperState::Running => {
            return Err(cx.throw_type_error("Iterator Helper is already running"));
        }
        HelperState::Completed => return create_iter_result_object(cx, Value::Undefined, true),
        _ => {}
    }
    with_helper(&o, |h| h.state = HelperState::Running);
    let r = run_step(cx, &o, &mut st);
    let new_state = match &r {
        Ok(Some(_)) => HelperState::SuspendedYield,
        _ => HelperState::Completed,
    };
    with_helper(&o, |h| h.state = new_state);
    match r? {
        Some(v) => create_iter_result_object(cx, v, false),
        None => create_iter_result_object(cx, Value::Undefined, true),
    }
}

/// %IteratorHelperPrototype%.return(). Spec: #sec-%iteratorhelperprototype%.return
fn helper_return(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let o = helper_of(cx, this)?;
    let Some((state, iter, inner)) =
        with_helper(&o, |h| (h.state, h.iterator.clone(), h.inner.clone()))
    else {
        return Err(cx.throw_type_error("not an Iterator Helper"));
    };
    match state {
        HelperState::Running => Err(cx.throw_type_error("Iterator Helper is already running")),
        HelperState::Completed => create_iter_result_object(cx, Value::Undefined, true),
        HelperState::SuspendedStart | HelperState::SuspendedYield => {
            // 4. (suspended-start) / GeneratorResumeAbrupt with a return completion: close
            // the flatMap inner iterator first, then the underlying one.
            with_helper(&o, |h| h.state = HelperState::Running);
            let r = (|| {
                if state == HelperState::SuspendedYield {
                    if let Some((inner_it, _)) = inner {
                        if let Err(t) = iterator_close(cx, &inner_it) {
                            return Err(close_after_error(cx, &iter, t));
                        }
                    }
                }
                iterator_close(cx, &iter)
            })();
            with_helper(&o, |h| {
                h.state = HelperState::Completed;
                h.inner = None;
            });
            r?;
            create_iter_result_object(cx, Value::Undefined, true)
        }
    }
}

/// The eager consumers sharing [`consume`].
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u16)]
enum Consume {
    Every,
    Find,
    ForEach,
    Some,
}

/// Steps 1-5 of the eager methods: O, the callable check (closing O), GetIteratorDirect.
fn eager_start(cx: &mut Cx, this: &Value, f: &Value) -> JsResult<IteratorRecord> {
    let Value::Object(o) = this else {
        return Err(cx.throw_type_error("Iterator method called on a non-object"));
    };
    if !is_callable(f) {
        let t = cx.throw_type_error("Iterator method argument is not a function");
        return Err(close_after_error(cx, this, t));
    }
    get_iterator_direct(cx, o)
}

/// every / find / forEach / some.
/// Spec: #sec-iterator.prototype.every, #sec-iterator.prototype.find,
/// #sec-iterator.prototype.foreach, #sec-iterator.prototype.some
fn consume(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let f = arg(args, 0);
    let mut rec = eager_start(cx, this, &f)?;
    let iter = rec.iterator.clone();
    let mut counter: u64 = 0;
    loop {
        let Some(value) = step_value(cx, &mut rec)? else {
            return Ok(match magic {
                m if m == Consume::Every as u16 => Value::Bool(true),
                m if m == Consume::Some as u16 => Value::Bool(false),
                _ => Value::Undefined,
            });
        };
        let r = call(
            cx,
            &f,
            &Value::Undefined,
            &[value.clone(), Value::number(counter as f64)],
        );
        let r = r.map_err(|t| close_after_error(cx, &iter, t))?;
        let early = match magic {
            m if m == Consume::Every as u16 => (!r.to_boolean()).then_some(Value::Bool(false)),
            m if m == Consume::Some as u16 => r.to_boolean().then_some(Value::Bool(true)),
            m if m == Consume::Find as u16 => r.to_boolean().then_some(value),
            _ => None,
        };
        if let Some(result) = early {
            iterator_close(cx, &iter)?;
            return Ok(result);
        }
        counter += 1;
    }
}

/// Iterator.prototype.reduce(reducer [, initialValue]). Spec: #sec-iterator.prototype.reduce
fn reduce(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let f = arg(args, 0);
    let mut rec = eager_start(cx, this, &f)?;
    let iter = rec.iterator.clone();
    // 6-7. accumulator and counter.
    let (mut acc, mut counter) = if args.len() < 2 {
        match step_value(cx, &mut rec)? {
            Some(v) => (v, 1u64),
            None => {
                return Err(cx.throw_type_error("reduce of empty iterator with no initial value"))
            }
        }
    } else {
        (arg(args, 1), 0u64)
    };
    // 8.
    loop {
        let Some(value) = step_value(cx, &mut rec)? else {
            return Ok(acc);
        };
        let r = call(
            cx,
            &f,
            &Value::Undefined,
            &[acc, value, Value::number(counter as f64)],
        );
        acc = r.map_err(|t| close_after_error(cx, &iter, t))?;
        counter += 1;
    }
}

/// Iterator.prototype.toArray(). Spec: #sec-iterator.prototype.toarray
fn to_array(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let Value::Object(o) = this else {
        return Err(cx.throw_type_error("Iterator.prototype.toArray called on a non-object"));
    };
    let mut rec = get_iterator_direct(cx, o)?;
    let mut items: Vec<Value> = Vec::new();
    while let Some(v) = step_value(cx, &mut rec)? {
        if items.len() == items.capacity() {
            let bytes = (items.len() + 1) * 2 * std::mem::size_of::<Value>();
            cx.oom(cx.heap.charge(bytes))?;
            cx.heap.refund(bytes);
        }
        items.push(v);
    }
    Ok(Value::Object(create_array_from_list(cx, &items)?))
}
