//! `Array.fromAsync` as a native state machine driven by promise reactions.
//! Spec: #sec-array.fromasync (ES2026; proposal-array-from-async)
//!
//! The spec runs an abstract closure with AsyncFunctionStart; here the closure's locals
//! live in the slots of a native closure object (the *state*), and each `Await` is a
//! PromiseResolve + PerformPromiseThen whose fulfil handler is the state itself and whose
//! reject handler is a second closure pointing at it. [`run`] executes the closure from
//! one await point to the next; [`drive`] settles the result promise when it finishes.
//!
//! Invariants:
//! - No borrow of the state is held while JS runs (slots are read and written by copy).
//! - The state is only reachable from the promise reactions it registers (never from
//!   script), so its handlers run at most once per await; it drops its slots on completion
//!   (breaking the state ↔ reject-handler cycle).
//! - An uncatchable interrupt propagates out of the reaction job instead of rejecting.

use super::arg;
use crate::atoms::Atom;
use crate::object::array::array_create;
use crate::object::function::new_native_closure;
use crate::object::ops::{
    create_data_property_or_throw, get, get_method, index_key, length_of_array_like, set,
};
use crate::object::{call, construct, is_callable, is_constructor, Obj, ObjectData};
use crate::realm::{Cx, Intrinsic, JsResult, Throw};
use crate::value::conv::to_object;
use crate::value::Value;
use crate::vm::promise::{
    create_async_from_sync_iterator, new_promise, perform_then, promise_resolve, reject_promise,
    resolve_promise,
};

// Slots of the state object.
const PROMISE: usize = 0;
const CTOR: usize = 1;
const MAPPER: usize = 2;
const THIS_ARG: usize = 3;
const ITEMS: usize = 4;
/// The iterator (iterator path) or arrayLike (array-like path).
const SOURCE: usize = 5;
/// The iterator's `next` (undefined on the array-like path).
const NEXT: usize = 6;
const TARGET: usize = 7;
const K: usize = 8;
const LEN: usize = 9;
const PHASE: usize = 10;
/// The exception AsyncIteratorClose rethrows once `return()`'s result has been awaited.
const ERROR: usize = 11;
const ON_REJECTED: usize = 12;
const SLOTS: usize = 13;

/// Where the closure is suspended (the value of the `PHASE` slot).
mod phase {
    pub const START: i32 = 0;
    /// Awaiting `nextResult` (iterator path, step 3.h.iv.4).
    pub const NEXT_RESULT: i32 = 1;
    /// Awaiting the mapped value (iterator path, step 3.h.iv.9.c).
    pub const ITER_MAPPED: i32 = 2;
    /// Awaiting `kValue` (array-like path, step 3.i.vii.3).
    pub const LIKE_VALUE: i32 = 3;
    /// Awaiting the mapped value (array-like path, step 3.i.vii.4.b).
    pub const LIKE_MAPPED: i32 = 4;
    /// Awaiting the result of the iterator's `return()` before rethrowing `ERROR`.
    pub const CLOSING: i32 = 5;
}

/// How the closure is resumed.
enum Resume {
    Start,
    Fulfilled(Value),
    Rejected(Value),
}

/// What the closure does next.
enum Step {
    Await(Value),
    Return(Value),
}

/// 2^53 - 1.
const MAX_SAFE: f64 = 9007199254740991.0;

/// Array.fromAsync(asyncItems [, mapper [, thisArg]]). Spec: #sec-array.fromasync
pub fn from_async(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 2. promiseCapability = ! NewPromiseCapability(%Promise%).
    let promise = new_promise(cx)?;
    let mut data = vec![Value::Undefined; SLOTS];
    data[PROMISE] = Value::Object(promise.clone());
    data[CTOR] = this.clone();
    data[ITEMS] = arg(args, 0);
    data[MAPPER] = arg(args, 1);
    data[THIS_ARG] = arg(args, 2);
    data[PHASE] = Value::Int(phase::START);
    let st = new_native_closure(cx, on_fulfilled, "", 1, data, false)?;
    let rej = new_native_closure(
        cx,
        on_rejected,
        "",
        1,
        vec![Value::Object(st.clone())],
        false,
    )?;
    set_slot(&st, ON_REJECTED, Value::Object(rej));
    // 4. AsyncFunctionStart: run to the first await.
    drive(cx, &st, Resume::Start)?;
    // 5.
    Ok(Value::Object(promise))
}

fn slot(st: &Obj, i: usize) -> Value {
    match &st.borrow().class {
        ObjectData::NativeClosure(c) => c.data.get(i).cloned().unwrap_or_default(),
        _ => Value::Undefined,
    }
}

fn set_slot(st: &Obj, i: usize, v: Value) {
    if let ObjectData::NativeClosure(c) = &mut st.borrow_mut().class {
        if let Some(s) = c.data.get_mut(i) {
            *s = v;
        }
    }
}

fn num_slot(st: &Obj, i: usize) -> f64 {
    slot(st, i).as_number().unwrap_or(0.0)
}

/// The fulfil handler of every await: the state object itself.
fn on_fulfilled(cx: &mut Cx, st: &Obj, _: &Value, args: &[Value], _: &Value) -> JsResult<Value> {
    drive(cx, st, Resume::Fulfilled(arg(args, 0)))?;
    Ok(Value::Undefined)
}

/// The reject handler of every await (slot 0: the state).
fn on_rejected(cx: &mut Cx, me: &Obj, _: &Value, args: &[Value], _: &Value) -> JsResult<Value> {
    if let Value::Object(st) = slot(me, 0) {
        drive(cx, &st, Resume::Rejected(arg(args, 0)))?;
    }
    Ok(Value::Undefined)
}

/// Runs the closure from `input` until it awaits or finishes, then settles the promise on
/// completion. A failing Await setup (PromiseResolve threw) resumes with that rejection.
fn drive(cx: &mut Cx, st: &Obj, mut input: Resume) -> JsResult<()> {
    loop {
        let r = run(cx, st, input);
        let promise = match slot(st, PROMISE) {
            Value::Object(p) => p,
            // Already settled (cannot happen: handlers run once per await).
            _ => return Ok(()),
        };
        let settle = match r {
            Ok(Step::Await(v)) => match await_value(cx, st, v) {
                Ok(()) => return Ok(()),
                Err(t) => {
                    if cx.uncatchable {
                        return Err(t);
                    }
                    input = Resume::Rejected(cx.take_exception());
                    continue;
                }
            },
            Ok(Step::Return(a)) => Ok(a),
            Err(t) => {
                if cx.uncatchable {
                    return Err(t);
                }
                Err(cx.take_exception())
            }
        };
        // Completed: release the closure's captures, then settle.
        if let ObjectData::NativeClosure(c) = &mut st.borrow_mut().class {
            c.data.iter_mut().for_each(|v| *v = Value::Undefined);
        }
        return match settle {
            Ok(a) => resolve_promise(cx, &promise, a),
            Err(e) => reject_promise(cx, &promise, e),
        };
    }
}

/// Await(v): PromiseResolve(%Promise%, v), then PerformPromiseThen with the state's
/// handlers. Spec: #await
fn await_value(cx: &mut Cx, st: &Obj, v: Value) -> JsResult<()> {
    let ctor = cx.intrinsic(Intrinsic::Promise);
    let Value::Object(p) = promise_resolve(cx, &ctor, v)? else {
        return Err(cx.throw_type_error("await: not a promise"));
    };
    let on_r = slot(st, ON_REJECTED);
    perform_then(cx, &p, Value::Object(st.clone()), on_r, Vec::new(), false)
}

/// One stretch of the fromAsync closure (spec step 3), from `input` to the next Await.
fn run(cx: &mut Cx, st: &Obj, input: Resume) -> JsResult<Step> {
    let ph = match slot(st, PHASE) {
        Value::Int(p) => p,
        _ => phase::START,
    };
    let value = match input {
        Resume::Start => return start(cx, st),
        Resume::Fulfilled(v) => v,
        Resume::Rejected(e) => {
            // 3.h.iv.9.d: a rejected mapped value closes the iterator; CLOSING rethrows
            // the saved error whatever `return()` gave; the other awaits just throw.
            return match ph {
                phase::ITER_MAPPED => {
                    let t = cx.throw(e);
                    async_iterator_close(cx, st, t)
                }
                phase::CLOSING => Err(cx.throw(slot(st, ERROR))),
                _ => Err(cx.throw(e)),
            };
        }
    };
    let target = slot_obj(cx, st, TARGET)?;
    let k = num_slot(st, K);
    let mapping = !slot(st, MAPPER).is_undefined();
    match ph {
        phase::NEXT_RESULT => {
            // 5-6. nextResult must be an object; done → set length, return A.
            let Value::Object(r) = &value else {
                return Err(cx.throw_type_error("iterator result is not an object"));
            };
            if get(cx, r, Atom::Done)?.to_boolean() {
                set(cx, &target, Atom::Length, Value::number(k), true)?;
                return Ok(Step::Return(Value::Object(target)));
            }
            // 8. nextValue.
            let next_value = get(cx, r, Atom::Value)?;
            if mapping {
                // 9.a-c. mapper(nextValue, k), closing the iterator on a throw; await it.
                let mapper = slot(st, MAPPER);
                let this_arg = slot(st, THIS_ARG);
                match call(cx, &mapper, &this_arg, &[next_value, Value::number(k)]) {
                    Ok(m) => {
                        set_slot(st, PHASE, Value::Int(phase::ITER_MAPPED));
                        Ok(Step::Await(m))
                    }
                    Err(t) => async_iterator_close(cx, st, t),
                }
            } else {
                iter_define(cx, st, &target, k, next_value)
            }
        }
        phase::ITER_MAPPED => iter_define(cx, st, &target, k, value),
        phase::LIKE_VALUE => {
            if mapping {
                // 4.a-b.
                let mapper = slot(st, MAPPER);
                let this_arg = slot(st, THIS_ARG);
                let m = call(cx, &mapper, &this_arg, &[value, Value::number(k)])?;
                set_slot(st, PHASE, Value::Int(phase::LIKE_MAPPED));
                Ok(Step::Await(m))
            } else {
                like_define(cx, st, &target, k, value)
            }
        }
        phase::LIKE_MAPPED => like_define(cx, st, &target, k, value),
        phase::CLOSING => Err(cx.throw(slot(st, ERROR))),
        _ => Err(cx.throw_type_error("Array.fromAsync: invalid state")),
    }
}

fn slot_obj(cx: &mut Cx, st: &Obj, i: usize) -> JsResult<Obj> {
    match slot(st, i) {
        Value::Object(o) => Ok(o),
        _ => Err(cx.throw_type_error("Array.fromAsync: invalid state")),
    }
}

/// Steps 3.a-i up to the first Await.
fn start(cx: &mut Cx, st: &Obj) -> JsResult<Step> {
    // a-b. mapper must be callable when present.
    let mapper = slot(st, MAPPER);
    if !mapper.is_undefined() && !is_callable(&mapper) {
        return Err(cx.throw_type_error("Array.fromAsync: mapper is not a function"));
    }
    let items = slot(st, ITEMS);
    let c = slot(st, CTOR);
    // c-d. @@asyncIterator, else @@iterator.
    let using_async = get_method(cx, &items, Atom::SYM_ASYNC_ITERATOR)?;
    let using_sync = match using_async {
        Some(_) => None,
        None => get_method(cx, &items, Atom::SYM_ITERATOR)?,
    };
    if let Some(m) = using_async.or(using_sync.clone()) {
        // f-g. GetIteratorFromMethod (wrapped by CreateAsyncFromSyncIterator for sync).
        let it = call(cx, &m, &items, &[])?;
        let Value::Object(io) = &it else {
            return Err(cx.throw_type_error("iterator is not an object"));
        };
        let next = get(cx, io, Atom::Next)?;
        let (it, next) = if using_sync.is_some() {
            create_async_from_sync_iterator(cx, it, next)?
        } else {
            (it, next)
        };
        set_slot(st, SOURCE, it);
        set_slot(st, NEXT, next);
        // h.i-ii. A = Construct(C) or ArrayCreate(0).
        let a = if is_constructor(&c) {
            construct(cx, &c, &[], &Value::Undefined)?
        } else {
            Value::Object(array_create(cx, 0, None)?)
        };
        set_slot(st, TARGET, a);
        set_slot(st, K, Value::Int(0));
        return iter_next(cx, st, 0.0);
    }
    // i. An array-like: ToObject, LengthOfArrayLike, A = Construct(C, « len ») or
    // ArrayCreate(len).
    let array_like = to_object(cx, &items)?;
    let len = length_of_array_like(cx, &array_like)? as f64;
    let a = if is_constructor(&c) {
        construct(cx, &c, &[Value::number(len)], &Value::Undefined)?
    } else {
        Value::Object(array_create(cx, len as u64, None)?)
    };
    set_slot(st, SOURCE, Value::Object(array_like));
    set_slot(st, TARGET, a);
    set_slot(st, LEN, Value::number(len));
    set_slot(st, K, Value::Int(0));
    like_next(cx, st, 0.0)
}

/// 3.h.iv.1-4: the next iterator result, to be awaited.
fn iter_next(cx: &mut Cx, st: &Obj, k: f64) -> JsResult<Step> {
    cx.poll_interrupt(1)?;
    if k >= MAX_SAFE {
        let t = cx.throw_type_error("Array.fromAsync: too many elements");
        return async_iterator_close(cx, st, t);
    }
    let it = slot(st, SOURCE);
    let next = slot(st, NEXT);
    let r = call(cx, &next, &it, &[])?;
    set_slot(st, PHASE, Value::Int(phase::NEXT_RESULT));
    Ok(Step::Await(r))
}

/// 3.h.iv.11-13: define A[k] (closing the iterator on failure), then the next step.
fn iter_define(cx: &mut Cx, st: &Obj, target: &Obj, k: f64, v: Value) -> JsResult<Step> {
    let key = index_key(cx, k as u64);
    if let Err(t) = create_data_property_or_throw(cx, target, key, v) {
        return async_iterator_close(cx, st, t);
    }
    set_slot(st, K, Value::number(k + 1.0));
    iter_next(cx, st, k + 1.0)
}

/// 3.i.vii: the next array-like element (to be awaited), or the final length.
fn like_next(cx: &mut Cx, st: &Obj, k: f64) -> JsResult<Step> {
    cx.poll_interrupt(1)?;
    let len = num_slot(st, LEN);
    let target = slot_obj(cx, st, TARGET)?;
    if k < len {
        // 1-3. kValue = Get(arrayLike, Pk), awaited.
        let src = slot_obj(cx, st, SOURCE)?;
        let key = index_key(cx, k as u64);
        let v = get(cx, &src, key)?;
        set_slot(st, PHASE, Value::Int(phase::LIKE_VALUE));
        return Ok(Step::Await(v));
    }
    // viii-ix.
    set(cx, &target, Atom::Length, Value::number(len), true)?;
    Ok(Step::Return(Value::Object(target)))
}

/// 3.i.vii.6-7.
fn like_define(cx: &mut Cx, st: &Obj, target: &Obj, k: f64, v: Value) -> JsResult<Step> {
    let key = index_key(cx, k as u64);
    create_data_property_or_throw(cx, target, key, v)?;
    set_slot(st, K, Value::number(k + 1.0));
    like_next(cx, st, k + 1.0)
}

/// AsyncIteratorClose(iteratorRecord, throw completion `t`): calls `return()` and awaits
/// its result before rethrowing `t`; errors while getting or calling `return` are
/// dropped in favour of `t`. Spec: #sec-asynciteratorclose
fn async_iterator_close(cx: &mut Cx, st: &Obj, t: Throw) -> JsResult<Step> {
    if cx.uncatchable {
        return Err(t);
    }
    let exc = cx.take_exception();
    let it = slot(st, SOURCE);
    let inner = get_method(cx, &it, Atom::Return_).and_then(|m| match m {
        None => Ok(None),
        Some(m) => call(cx, &m, &it, &[]).map(Some),
    });
    match inner {
        Ok(Some(r)) => {
            set_slot(st, ERROR, exc);
            set_slot(st, PHASE, Value::Int(phase::CLOSING));
            Ok(Step::Await(r))
        }
        Ok(None) => Err(cx.throw(exc)),
        Err(t2) => {
            if cx.uncatchable {
                return Err(t2);
            }
            cx.take_exception();
            Err(cx.throw(exc))
        }
    }
}
