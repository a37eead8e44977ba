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
use crate::value::{same_value, same_value_zero, Value};
use crate::{method, value};
use std::collections::VecDeque;

static STATICS: &[Builtin] = &[
    method!("concat", 0, concat),
    method!("from", 1, from),
    method!("zip", 1, zip, 0),
    method!("zipKeyed", 1, zip, 1),
];

static PROTOTYPE: &[Builtin] = &[
    method!("drop", 1, lazy_helper, HelperKind::Drop as u16),
    method!("chunks", 1, chunks_windows, HelperKind::Chunks as u16),
    method!("every", 1, consume, Consume::Every as u16),
    method!("filter", 1, lazy_helper, HelperKind::Filter as u16),
    method!("find", 1, consume, Consume::Find as u16),
    method!("flatMap", 1, lazy_helper, HelperKind::FlatMap as u16),
    method!("forEach", 1, consume, Consume::ForEach as u16),
    method!("includes", 1, includes),
    method!("map", 1, lazy_helper, HelperKind::Map as u16),
    method!("reduce", 1, reduce),
    method!("some", 1, consume, Consume::Some as u16),
    method!("take", 1, lazy_helper, HelperKind::Take as u16),
    method!("toArray", 0, to_array),
    method!("windows", 1, chunks_windows, HelperKind::Windows as u16),
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

/// Which closure an iterator helper runs (`magic` of [`lazy_helper`] and
/// [`chunks_windows`]); `Wrap` marks an `Iterator.from` wrapper.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u16)]
pub enum HelperKind {
    Map,
    Filter,
    Take,
    Drop,
    FlatMap,
    Wrap,
    Concat,
    Zip,
    Chunks,
    Windows,
}

/// [[GeneratorState]] of a helper.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum HelperState {
    SuspendedStart,
    SuspendedYield,
    Running,
    Completed,
}

/// `mode` of `Iterator.zip` / `Iterator.zipKeyed`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ZipMode {
    Shortest,
    Longest,
    Strict,
}

/// The captures of the helpers that need more than one iterator or a buffer.
enum Extra {
    None,
    /// `Iterator.concat`: the (iterable, @@iterator method) pairs and the index of the next
    /// one to open; the open one is the helper's `inner`.
    Concat {
        items: Vec<(Value, Value)>,
        index: usize,
    },
    /// `Iterator.zip` / `zipKeyed` (IteratorZip).
    Zip(Box<ZipState>),
    /// chunks / windows: the size, windows' "allow-partial", the buffer, and whether the
    /// underlying iterator is exhausted (the last partial chunk was yielded).
    Buffer {
        size: usize,
        partial: bool,
        buf: VecDeque<Value>,
        exhausted: bool,
    },
}

/// The captures of IteratorZip. `open[i]` says whether `iters[i]` is still in openIters
/// (a closed iterator in "longest" mode is the spec's `null` entry of iters).
struct ZipState {
    iters: Vec<(Value, Value)>,
    open: Vec<bool>,
    mode: ZipMode,
    padding: Vec<Value>,
    /// zipKeyed: the property keys of the result objects (atoms are never freed).
    keys: Option<Vec<Atom>>,
}

impl ZipState {
    /// openIters, in list order.
    fn open_iters(&self) -> Vec<Value> {
        self.iters
            .iter()
            .zip(&self.open)
            .filter(|(_, o)| **o)
            .map(|((it, _), _)| it.clone())
            .collect()
    }
}

/// An iterator helper's slots: [[UnderlyingIterator]], the captured function and counters,
/// the flatMap / concat inner iterator, the extra captures, and the generator state.
pub struct IteratorHelper {
    kind: HelperKind,
    iterator: Value,
    next: Value,
    func: Value,
    counter: u64,
    /// take / drop: the remaining limit (+∞ allowed).
    remaining: f64,
    /// flatMap / concat: the inner iterator and its `next`.
    inner: Option<(Value, Value)>,
    extra: Extra,
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
            extra: Extra::None,
            state: HelperState::SuspendedStart,
        }
    }
    /// A helper with no single underlying iterator (concat, zip).
    fn with_extra(kind: HelperKind, extra: Extra) -> IteratorHelper {
        let rec = IteratorRecord {
            iterator: Value::Undefined,
            next: Value::Undefined,
            done: false,
        };
        let mut h = IteratorHelper::new(kind, rec, Value::Undefined, 0.0);
        h.extra = extra;
        h
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
        match &self.extra {
            Extra::None => {}
            Extra::Concat { items, .. } => {
                for (a, b) in items {
                    trace_value(a, t);
                    trace_value(b, t);
                }
            }
            Extra::Zip(z) => {
                for (a, b) in &z.iters {
                    trace_value(a, t);
                    trace_value(b, t);
                }
                z.padding.iter().for_each(|v| trace_value(v, t));
            }
            Extra::Buffer { buf, .. } => buf.iter().for_each(|v| trace_value(v, t)),
        }
    }
    /// [[UnderlyingIterators]] as the spec's `return()` closes them (in list order; they
    /// are closed in reverse): the state decides what the closure still holds open.
    fn underlying_iterators(&self) -> Vec<Value> {
        match (&self.extra, self.kind) {
            (Extra::Zip(z), _) => z.open_iters(),
            (Extra::Concat { .. }, _) => self.inner.iter().map(|(i, _)| i.clone()).collect(),
            (
                Extra::Buffer {
                    exhausted: true, ..
                },
                _,
            ) => Vec::new(),
            (_, HelperKind::FlatMap) => {
                let mut v = vec![self.iterator.clone()];
                if self.state == HelperState::SuspendedYield {
                    v.extend(self.inner.iter().map(|(i, _)| i.clone()));
                }
                v
            }
            _ => vec![self.iterator.clone()],
        }
    }
}

/// Pushes onto a native work list, checking the growth against the memory limit first
/// (the list is transient or owned by one helper object; its bytes are checked, not kept
/// charged).
fn push_checked<T>(cx: &mut Cx, v: &mut Vec<T>, item: T) -> JsResult<()> {
    if v.len() == v.capacity() {
        check_growth::<T>(cx, v.len())?;
        if v.try_reserve(v.len().max(4)).is_err() {
            return Err(cx.throw_out_of_memory());
        }
    }
    v.push(item);
    Ok(())
}

/// Checks that doubling a full list of `len` items of `T` fits the memory limit.
fn check_growth<T>(cx: &mut Cx, len: usize) -> JsResult<()> {
    let bytes = (len + 1)
        .saturating_mul(2)
        .saturating_mul(std::mem::size_of::<T>());
    cx.oom(cx.heap.charge(bytes))?;
    cx.heap.refund(bytes);
    Ok(())
}

/// IteratorCloseAll(iters, completion): closes in reverse list order; the first throw
/// wins, later closes still run. Spec: #sec-iteratorcloseall
fn close_all(cx: &mut Cx, iters: &[Value], completion: JsResult<()>) -> JsResult<()> {
    let mut c = completion;
    for it in iters.iter().rev() {
        c = match c {
            Ok(()) => iterator_close(cx, it),
            Err(t) => Err(close_after_error(cx, it, t)),
        };
    }
    c
}

/// IteratorCloseAll(iters, throw completion `t`): the result is always `t` (or an
/// uncatchable interrupt raised while closing).
fn close_all_throw(cx: &mut Cx, iters: &[Value], t: Throw) -> Throw {
    iters
        .iter()
        .rev()
        .fold(t, |t, it| close_after_error(cx, it, t))
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
    new_helper(cx, IteratorHelper::new(kind, rec, func, remaining))
}

/// CreateIteratorFromClosure(closure, "Iterator Helper", %IteratorHelperPrototype%).
fn new_helper(cx: &mut Cx, h: IteratorHelper) -> JsResult<Value> {
    let proto = cx.intrinsic_obj(Intrinsic::IteratorHelperPrototype);
    let o = Obj::new(cx, proto, ObjectData::IteratorHelper(Box::new(h)))?;
    Ok(Value::Object(o))
}

/// Steps 4-6 of chunks / windows: `size` must be a Number (no coercion), integral (else a
/// TypeError) and in 1 ..= 2^32 - 1 (else a RangeError). Failures close `this`.
fn validate_size(cx: &mut Cx, this: &Value, size: &Value) -> JsResult<usize> {
    let n = size
        .as_number()
        .filter(|n| n.is_finite() && n.trunc() == *n);
    let Some(n) = n else {
        let t = cx.throw_type_error("size must be an integral Number");
        return Err(close_after_error(cx, this, t));
    };
    if !(1.0..=4294967295.0).contains(&n) {
        let t = cx.throw_range_error("size must be between 1 and 2^32 - 1");
        return Err(close_after_error(cx, this, t));
    }
    Ok(n as usize)
}

/// Iterator.prototype.chunks(chunkSize) / windows(windowSize [, undersized])
/// (iterator-chunking proposal). Spec: #sec-iterator.prototype.chunks,
/// #sec-iterator.prototype.windows
fn chunks_windows(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _: &Value,
    magic: u16,
) -> JsResult<Value> {
    // 1-2.
    let Value::Object(o) = this else {
        return Err(cx.throw_type_error("Iterator method called on a non-object"));
    };
    // 3-6. (iterated is O with an undefined next until validation is done.)
    let size = validate_size(cx, this, &arg(args, 0))?;
    let windows = magic == HelperKind::Windows as u16;
    let mut partial = false;
    if windows {
        // 7-8. undersized: "only-full" (default) or "allow-partial", not coerced.
        let u = arg(args, 1);
        match &u {
            Value::Undefined => {}
            Value::String(s) if s.eq_str("only-full") => {}
            Value::String(s) if s.eq_str("allow-partial") => partial = true,
            _ => {
                let t =
                    cx.throw_type_error("undersized must be \"only-full\" or \"allow-partial\"");
                return Err(close_after_error(cx, this, t));
            }
        }
    }
    // 9. iterated = GetIteratorDirect(O).
    let rec = get_iterator_direct(cx, o)?;
    let kind = if windows {
        HelperKind::Windows
    } else {
        HelperKind::Chunks
    };
    let mut h = IteratorHelper::new(kind, rec, Value::Undefined, 0.0);
    h.extra = Extra::Buffer {
        size,
        partial,
        buf: VecDeque::new(),
        exhausted: false,
    };
    new_helper(cx, h)
}

/// Iterator.concat(...items) (iterator-sequencing). Spec: #sec-iterator.concat
fn concat(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 1-2. Each item must be an object with a callable @@iterator (read once, here).
    let mut items = Vec::new();
    for item in args {
        if !item.is_object() {
            return Err(cx.throw_type_error("Iterator.concat: argument is not an object"));
        }
        let Some(m) = get_method(cx, item, Atom::SYM_ITERATOR)? else {
            return Err(cx.throw_type_error("Iterator.concat: argument is not iterable"));
        };
        push_checked(cx, &mut items, (item.clone(), m))?;
    }
    // 3-6. The generator; [[UnderlyingIterators]] starts empty.
    new_helper(
        cx,
        IteratorHelper::with_extra(HelperKind::Concat, Extra::Concat { items, index: 0 }),
    )
}

/// GetOptionsObject(options). Spec: #sec-getoptionsobject
fn get_options_object(cx: &mut Cx, options: &Value) -> JsResult<Option<Obj>> {
    match options {
        Value::Undefined => Ok(None),
        Value::Object(o) => Ok(Some(o.clone())),
        _ => Err(cx.throw_type_error("options must be an object")),
    }
}

/// Iterator.zip(iterables [, options]) (magic 0) and Iterator.zipKeyed (magic 1)
/// (joint iteration). Spec: #sec-iterator.zip, #sec-iterator.zipkeyed
fn zip(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let keyed = magic == 1;
    // 1. iterables must be an object.
    let iterables = arg(args, 0);
    let Value::Object(io) = &iterables else {
        return Err(cx.throw_type_error("Iterator.zip: iterables is not an object"));
    };
    // 2-5. options and mode.
    let options = get_options_object(cx, &arg(args, 1))?;
    let mode_v = match &options {
        Some(o) => {
            let k = cx.atoms.intern("mode");
            get(cx, o, k)?
        }
        None => Value::Undefined,
    };
    let mode = match &mode_v {
        Value::Undefined => ZipMode::Shortest,
        Value::String(s) if s.eq_str("shortest") => ZipMode::Shortest,
        Value::String(s) if s.eq_str("longest") => ZipMode::Longest,
        Value::String(s) if s.eq_str("strict") => ZipMode::Strict,
        _ => {
            return Err(cx.throw_type_error("mode must be \"shortest\", \"longest\" or \"strict\""))
        }
    };
    // 6-7. paddingOption (longest only).
    let mut padding_option = Value::Undefined;
    if mode == ZipMode::Longest {
        if let Some(o) = &options {
            let k = cx.atoms.intern("padding");
            padding_option = get(cx, o, k)?;
        }
        if !padding_option.is_undefined() && !padding_option.is_object() {
            return Err(cx.throw_type_error("padding must be an object"));
        }
    }
    // 8-12. The iterators (and zipKeyed's keys); any failure closes those opened so far.
    let mut iters: Vec<(Value, Value)> = Vec::new();
    let mut keys: Vec<Atom> = Vec::new();
    let opened =
        |iters: &[(Value, Value)]| iters.iter().map(|(i, _)| i.clone()).collect::<Vec<_>>();
    if keyed {
        // zipKeyed 10-12: own enumerable keys whose value is not undefined.
        let all_keys = io.own_property_keys(cx)?;
        for key in all_keys {
            let r = (|| -> JsResult<Option<IteratorRecord>> {
                let Some(desc) = io.get_own_property(cx, key)? else {
                    return Ok(None);
                };
                if desc.enumerable != Some(true) {
                    return Ok(None);
                }
                let value = get(cx, io, key)?;
                if value.is_undefined() {
                    return Ok(None);
                }
                get_iterator_flattenable(cx, &value, false).map(Some)
            })();
            match r {
                Ok(None) => {}
                Ok(Some(rec)) => {
                    push_checked(cx, &mut keys, key)?;
                    push_checked(cx, &mut iters, (rec.iterator, rec.next))?;
                }
                Err(t) => {
                    let list = opened(&iters);
                    return Err(close_all_throw(cx, &list, t));
                }
            }
        }
    } else {
        // zip 10-12: iterate `iterables`, each value an iterator or iterable (not a string).
        let mut input = get_iterator(cx, &iterables)?;
        loop {
            let next = match step_value(cx, &mut input) {
                Ok(n) => n,
                Err(t) => {
                    let list = opened(&iters);
                    return Err(close_all_throw(cx, &list, t));
                }
            };
            let Some(next) = next else { break };
            match get_iterator_flattenable(cx, &next, false) {
                Ok(rec) => push_checked(cx, &mut iters, (rec.iterator, rec.next))?,
                Err(t) => {
                    let mut list = vec![input.iterator.clone()];
                    list.extend(opened(&iters));
                    return Err(close_all_throw(cx, &list, t));
                }
            }
        }
    }
    let count = iters.len();
    // 14. padding.
    let mut padding: Vec<Value> = Vec::new();
    if mode == ZipMode::Longest {
        if padding_option.is_undefined() {
            for _ in 0..count {
                push_checked(cx, &mut padding, Value::Undefined)?;
            }
        } else if keyed {
            let Value::Object(po) = &padding_option else {
                return Err(cx.throw_type_error("padding must be an object"));
            };
            for &k in &keys {
                match get(cx, po, k) {
                    Ok(v) => push_checked(cx, &mut padding, v)?,
                    Err(t) => {
                        let list = opened(&iters);
                        return Err(close_all_throw(cx, &list, t));
                    }
                }
            }
        } else {
            let mut pit = match get_iterator(cx, &padding_option) {
                Ok(r) => r,
                Err(t) => {
                    let list = opened(&iters);
                    return Err(close_all_throw(cx, &list, t));
                }
            };
            let mut using = true;
            for _ in 0..count {
                let mut v = Value::Undefined;
                if using {
                    match step_value(cx, &mut pit) {
                        Ok(Some(x)) => v = x,
                        Ok(None) => using = false,
                        Err(t) => {
                            let list = opened(&iters);
                            return Err(close_all_throw(cx, &list, t));
                        }
                    }
                }
                push_checked(cx, &mut padding, v)?;
            }
            if using {
                if let Err(t) = iterator_close(cx, &pit.iterator) {
                    let list = opened(&iters);
                    return Err(close_all_throw(cx, &list, t));
                }
            }
        }
    }
    // 16. IteratorZip(iters, mode, padding, finishResults).
    let state = ZipState {
        open: vec![true; count],
        iters,
        mode,
        padding,
        keys: keyed.then_some(keys),
    };
    new_helper(
        cx,
        IteratorHelper::with_extra(HelperKind::Zip, Extra::Zip(Box::new(state))),
    )
}

/// A copy of the fields a step needs (no borrow held while running JS). `extra` is moved
/// out of the helper for the step and moved back afterwards (a re-entrant call sees the
/// `Running` state and never looks at it).
struct StepState {
    kind: HelperKind,
    rec: IteratorRecord,
    func: Value,
    counter: u64,
    remaining: f64,
    inner: Option<(Value, Value)>,
    extra: Extra,
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
        HelperKind::Concat => concat_step(cx, o, st),
        HelperKind::Zip => match &mut st.extra {
            Extra::Zip(z) => zip_step(cx, z),
            _ => Ok(None),
        },
        HelperKind::Chunks | HelperKind::Windows => buffer_step(cx, st),
        HelperKind::Wrap => Ok(None),
    }
}

/// One step of Iterator.concat's closure (step 3): drain the open inner iterator, then open
/// the next iterable. Errors of an inner iterator end the helper without closing anything.
fn concat_step(cx: &mut Cx, o: &Obj, st: &mut StepState) -> JsResult<Option<Value>> {
    let Extra::Concat { items, index } = &mut st.extra else {
        return Ok(None);
    };
    loop {
        if let Some((iterator, next)) = st.inner.clone() {
            let mut rec = IteratorRecord {
                iterator,
                next,
                done: false,
            };
            // v. 1-3. IteratorStepValue; yield its value (a fresh result object).
            if let Some(v) = step_value(cx, &mut rec)? {
                return Ok(Some(v));
            }
            st.inner = None;
            with_helper(o, |h| h.inner = None);
        }
        // a. The next iterable: i-iv. Call its @@iterator method, GetIteratorDirect.
        let Some((iterable, method)) = items.get(*index).cloned() else {
            return Ok(None);
        };
        *index += 1;
        let it = call(cx, &method, &iterable, &[])?;
        let Value::Object(io) = &it else {
            return Err(cx.throw_type_error("Iterator.concat: iterator is not an object"));
        };
        let rec = get_iterator_direct(cx, io)?;
        let pair = (rec.iterator, rec.next);
        st.inner = Some(pair.clone());
        with_helper(o, |h| h.inner = Some(pair));
    }
}

/// One step of IteratorZip's closure (step 3.b). Spec: #sec-iteratorzip
fn zip_step(cx: &mut Cx, z: &mut ZipState) -> JsResult<Option<Value>> {
    let count = z.iters.len();
    // a. No iterators: done at once.
    if count == 0 {
        return Ok(None);
    }
    // b. i-iii. One value per iterator (padding for finished ones in "longest" mode).
    let mut results: Vec<Value> = Vec::new();
    for i in 0..count {
        if !z.open[i] {
            let p = z.padding.get(i).cloned().unwrap_or(Value::Undefined);
            push_checked(cx, &mut results, p)?;
            continue;
        }
        let (iterator, next) = z.iters[i].clone();
        let mut rec = IteratorRecord {
            iterator,
            next,
            done: false,
        };
        match step_value(cx, &mut rec) {
            Err(t) => {
                z.open[i] = false;
                return Err(close_all_throw(cx, &z.open_iters(), t));
            }
            Ok(Some(v)) => push_checked(cx, &mut results, v)?,
            Ok(None) => {
                z.open[i] = false;
                match z.mode {
                    ZipMode::Shortest => {
                        close_all(cx, &z.open_iters(), Ok(()))?;
                        return Ok(None);
                    }
                    ZipMode::Strict => {
                        if i != 0 {
                            let t = cx.throw_type_error(
                                "Iterator.zip: iterators of unequal length in strict mode",
                            );
                            return Err(close_all_throw(cx, &z.open_iters(), t));
                        }
                        for k in 1..count {
                            let (iterator, next) = z.iters[k].clone();
                            let mut rk = IteratorRecord {
                                iterator,
                                next,
                                done: false,
                            };
                            match step(cx, &mut rk) {
                                Err(t) => {
                                    z.open[k] = false;
                                    return Err(close_all_throw(cx, &z.open_iters(), t));
                                }
                                Ok(false) => z.open[k] = false,
                                Ok(true) => {
                                    let t = cx.throw_type_error(
                                        "Iterator.zip: iterators of unequal length in strict mode",
                                    );
                                    return Err(close_all_throw(cx, &z.open_iters(), t));
                                }
                            }
                        }
                        return Ok(None);
                    }
                    ZipMode::Longest => {
                        if !z.open.iter().any(|o| *o) {
                            return Ok(None);
                        }
                        let p = z.padding.get(i).cloned().unwrap_or(Value::Undefined);
                        push_checked(cx, &mut results, p)?;
                    }
                }
            }
        }
    }
    // iv. finishResults: an array (zip) or a null-prototype object (zipKeyed).
    let result = match &z.keys {
        None => create_array_from_list(cx, &results)?,
        Some(keys) => {
            let obj = Obj::new(cx, None, ObjectData::Ordinary)?;
            for (k, v) in keys.iter().zip(results) {
                create_data_property_or_throw(cx, &obj, *k, v)?;
            }
            obj
        }
    };
    Ok(Some(Value::Object(result)))
}

/// One step of the chunks / windows closures (buffer of `size` values).
fn buffer_step(cx: &mut Cx, st: &mut StepState) -> JsResult<Option<Value>> {
    let windows = st.kind == HelperKind::Windows;
    let Extra::Buffer {
        size,
        partial,
        buf,
        exhausted,
    } = &mut st.extra
    else {
        return Ok(None);
    };
    if *exhausted {
        // Resumed after the last (partial) array: the closure returns.
        return Ok(None);
    }
    loop {
        let Some(value) = step_value(cx, &mut st.rec)? else {
            // Done: chunks yields a non-empty remainder; windows an undersized window
            // only with "allow-partial".
            let last = if windows {
                *partial && !buf.is_empty() && buf.len() < *size
            } else {
                !buf.is_empty()
            };
            if !last {
                return Ok(None);
            }
            *exhausted = true;
            let arr = create_array_from_list(cx, buf.make_contiguous())?;
            buf.clear();
            return Ok(Some(Value::Object(arr)));
        };
        if windows && buf.len() == *size {
            buf.pop_front();
        }
        if buf.len() == buf.capacity() {
            check_growth::<Value>(cx, buf.len())?;
            if buf.try_reserve(buf.len().max(4)).is_err() {
                return Err(cx.throw_out_of_memory());
            }
        }
        buf.push_back(value);
        if buf.len() == *size {
            let arr = create_array_from_list(cx, buf.make_contiguous())?;
            if !windows {
                buf.clear();
            }
            return Ok(Some(Value::Object(arr)));
        }
    }
}

/// %IteratorHelperPrototype%.next() (GeneratorResume). Spec: #sec-%iteratorhelperprototype%.next
fn helper_next(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let o = helper_of(cx, this)?;
    let state = with_helper(&o, |h| h.state);
    match state {
        None => return Err(cx.throw_type_error("not an Iterator Helper")),
        Some(HelperState::Running) => {
            return Err(cx.throw_type_error("Iterator Helper is already running"));
        }
        Some(HelperState::Completed) => {
            return create_iter_result_object(cx, Value::Undefined, true)
        }
        _ => {}
    }
    let snapshot = with_helper(&o, |h| {
        h.state = HelperState::Running;
        StepState {
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
            extra: std::mem::replace(&mut h.extra, Extra::None),
        }
    });
    let Some(mut st) = snapshot else {
        return Err(cx.throw_type_error("not an Iterator Helper"));
    };
    let r = run_step(cx, &o, &mut st);
    let yielded = matches!(r, Ok(Some(_)));
    with_helper(&o, |h| {
        if yielded {
            h.state = HelperState::SuspendedYield;
            h.extra = st.extra;
        } else {
            // Completed: drop what the closure held.
            h.state = HelperState::Completed;
            h.inner = None;
        }
    });
    match r? {
        Some(v) => create_iter_result_object(cx, v, false),
        None => create_iter_result_object(cx, Value::Undefined, true),
    }
}

/// %IteratorHelperPrototype%.return(). Spec: #sec-%iteratorhelperprototype%.return
fn helper_return(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let o = helper_of(cx, this)?;
    let Some((state, iters)) = with_helper(&o, |h| (h.state, h.underlying_iterators())) else {
        return Err(cx.throw_type_error("not an Iterator Helper"));
    };
    match state {
        HelperState::Running => Err(cx.throw_type_error("Iterator Helper is already running")),
        HelperState::Completed => create_iter_result_object(cx, Value::Undefined, true),
        HelperState::SuspendedStart | HelperState::SuspendedYield => {
            // 4. suspended-start: completed, then IteratorCloseAll(UnderlyingIterators).
            // 5-6. GeneratorResumeAbrupt with a return completion: the closure closes what
            // it holds open (flatMap: the inner iterator, then the underlying one).
            with_helper(&o, |h| {
                h.state = if state == HelperState::SuspendedStart {
                    HelperState::Completed
                } else {
                    HelperState::Running
                }
            });
            let r = close_all(cx, &iters, Ok(()));
            with_helper(&o, |h| {
                h.state = HelperState::Completed;
                h.inner = None;
                h.extra = Extra::None;
            });
            r?;
            create_iter_result_object(cx, Value::Undefined, true)
        }
    }
}

/// Iterator.prototype.includes(searchElement [, skippedElements]) (iterator-includes).
/// Spec: #sec-iterator.prototype.includes
fn includes(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 1-2.
    let Value::Object(o) = this else {
        return Err(cx.throw_type_error("Iterator.prototype.includes called on a non-object"));
    };
    // 3-8. skippedElements: undefined, ±∞ or an integral Number (not coerced), ≥ 0 and
    // ≤ 2^53 - 1; failures close O without reading `next`.
    let skip_arg = arg(args, 1);
    let to_skip = if skip_arg.is_undefined() {
        0.0
    } else {
        match skip_arg.as_number() {
            Some(n) if n.is_infinite() || n.trunc() == n => n,
            _ => {
                let t = cx.throw_type_error("skippedElements must be an integral Number");
                return Err(close_after_error(cx, this, t));
            }
        }
    };
    if to_skip < 0.0 || (to_skip.is_finite() && to_skip > 9007199254740991.0) {
        let t = cx.throw_range_error("skippedElements must be between 0 and 2^53 - 1");
        return Err(close_after_error(cx, this, t));
    }
    // 9-10.
    let search = arg(args, 0);
    let mut skipped = 0.0;
    let mut rec = get_iterator_direct(cx, o)?;
    // 11.
    loop {
        let Some(value) = step_value(cx, &mut rec)? else {
            return Ok(Value::Bool(false));
        };
        if skipped < to_skip {
            skipped += 1.0;
        } else if same_value_zero(&value, &search) {
            iterator_close(cx, &rec.iterator)?;
            return Ok(Value::Bool(true));
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
        push_checked(cx, &mut items, v)?;
    }
    Ok(Value::Object(create_array_from_list(cx, &items)?))
}
