//! The VM side of explicit resource management: the cold functions behind the `dispose_*`
//! opcodes of `using` / `await using` scopes, AsyncDisposableStack (its `disposeAsync`
//! drives DisposeResources through promise reactions), and
//! `%AsyncIteratorPrototype%[@@asyncDispose]`. The capability record and the step machine
//! are in `builtins/disposable.rs`.
//!
//! How a scope with `using` declarations is compiled (`compiler/stmt.rs`, `Control::Dispose`):
//! `dispose_new` makes its capability in a temporary local; each declaration runs
//! `dispose_add`; every exit (normal end, break/continue/return, a throw caught by the
//! scope's own handler and recorded with `dispose_error`) runs the disposal sequence, which is
//! `dispose_end` alone for `using`-only scopes, or, when the scope has `await using`, a loop
//! of `dispose_step` + `await` (errors of the awaits are recorded with `dispose_error`)
//! followed by `dispose_end`.
//!
//! Invariants:
//! - The capability objects these ops receive come from `dispose_new` in the same frame;
//!   anything else is malformed bytecode and an InternalError (never a panic).
//! - `disposeAsync` Awaits exactly where DisposeResources does (one PerformPromiseThen per
//!   Await), so job ordering matches an async function running the same algorithm.

use crate::builtins::disposable::{
    self, dispose_step, mark_disposed, record_error, take_completion, this_stack, Hint, Owner, Step,
};
use crate::builtins::{install, install_class, Builtin, ClassDef, Val};
use crate::object::ops::get_method;
use crate::object::{attrs, call, Obj, ObjectData};
use crate::realm::{Cx, Intrinsic, JsResult, Throw};
use crate::value::Value;
use crate::{alias, getter, method, value};

use super::promise::{new_promise, perform_then, promise_resolve, reject_promise, resolve_promise};

// ------------------------------------------------------------------ opcodes

fn capability(cx: &mut Cx, cap: &Value) -> JsResult<Obj> {
    if let Value::Object(o) = cap {
        if matches!(&o.borrow().class, ObjectData::Disposable(_)) {
            return Ok(o.clone());
        }
    }
    Err(cx.throw_internal_error("dispose: malformed bytecode (no capability)"))
}

/// `dispose_new`: a new DisposeCapability for a scope.
#[cold]
#[inline(never)]
pub fn op_new(cx: &mut Cx) -> JsResult<Value> {
    Ok(Value::Object(disposable::new_scope_capability(cx)?))
}

/// `dispose_add`: AddDisposableResource(cap, v, hint). Spec: #sec-adddisposableresource
#[cold]
#[inline(never)]
pub fn op_add(cx: &mut Cx, cap: &Value, v: &Value, hint: u8) -> JsResult<()> {
    let o = capability(cx, cap)?;
    disposable::add_value(cx, &o, v, Hint::from_u8(hint))
}

/// `dispose_error`: records the throw completion `e`.
#[cold]
#[inline(never)]
pub fn op_error(cx: &mut Cx, cap: &Value, e: Value) -> JsResult<()> {
    let o = capability(cx, cap)?;
    record_error(cx, &o, e)
}

/// `dispose_step`: (value to await, true), or (undefined, false) when every resource is
/// disposed.
#[cold]
#[inline(never)]
pub fn op_step(cx: &mut Cx, cap: &Value) -> JsResult<(Value, bool)> {
    let o = capability(cx, cap)?;
    Ok(match dispose_step(cx, &o)? {
        Step::Done => (Value::Undefined, false),
        Step::Await(v) => (v, true),
    })
}

/// `dispose_end`: disposes what is left (sync resources only) and throws the completion.
#[cold]
#[inline(never)]
pub fn op_end(cx: &mut Cx, cap: &Value) -> JsResult<()> {
    let o = capability(cx, cap)?;
    disposable::dispose_sync(cx, &o, None)
}

// ------------------------------------------------------------------ AsyncDisposableStack

static ASYNC_STACK_PROTO: &[Builtin] = &[
    method!("adopt", 2, disposable::adopt, Owner::Async as u16),
    method!("defer", 1, disposable::defer, Owner::Async as u16),
    method!("disposeAsync", 0, dispose_async),
    getter!("disposed", disposable::disposed, Owner::Async as u16),
    method!("move", 0, disposable::move_stack, Owner::Async as u16),
    method!("use", 1, disposable::use_value, Owner::Async as u16),
    alias!(@symbol SYM_ASYNC_DISPOSE, "disposeAsync"),
    value!(@symbol SYM_TO_STRING_TAG, Val::Str("AsyncDisposableStack"), attrs::CONFIGURABLE),
];

static ASYNC_STACK_CLASS: ClassDef = ClassDef {
    name: "AsyncDisposableStack",
    ctor: Some((disposable::stack_ctor, 0, Owner::Async as u16)),
    ctor_intrinsic: Some(Intrinsic::AsyncDisposableStack),
    proto_intrinsic: Some(Intrinsic::AsyncDisposableStackPrototype),
    proto: ASYNC_STACK_PROTO,
    ..ClassDef::DEFAULT
};

static ASYNC_ITERATOR_PROTO: &[Builtin] =
    &[method!(@symbol SYM_ASYNC_DISPOSE, 0, async_iterator_dispose)];

/// Installs AsyncDisposableStack and `%AsyncIteratorPrototype%[@@asyncDispose]` (after the
/// Promise and generator intrinsics exist).
pub fn init(cx: &mut Cx) -> JsResult<()> {
    install_class(cx, &ASYNC_STACK_CLASS)?;
    if let Some(p) = cx.intrinsic_obj(Intrinsic::AsyncIteratorPrototype) {
        install(cx, &p, ASYNC_ITERATOR_PROTO)?;
    }
    Ok(())
}

/// Turns a catchable error into its value (for rejecting a promise); uncatchable ones
/// propagate.
fn caught(cx: &mut Cx, t: Throw) -> JsResult<Value> {
    if cx.uncatchable {
        return Err(t);
    }
    Ok(cx.take_exception())
}

/// AsyncDisposableStack.prototype.disposeAsync / [@@asyncDispose].
/// Spec: #sec-asyncdisposablestack.prototype.disposeAsync
fn dispose_async(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 2. promiseCapability = ! NewPromiseCapability(%Promise%).
    let p = new_promise(cx)?;
    // 3. RequireInternalSlot: reject with the TypeError.
    let o = match this_stack(cx, this, Owner::Async, "disposeAsync") {
        Ok((o, _)) => o,
        Err(t) => {
            let e = caught(cx, t)?;
            reject_promise(cx, &p, e)?;
            return Ok(Value::Object(p));
        }
    };
    // 4. Already disposed: resolve with undefined. 5. Else mark it disposed.
    if !mark_disposed(&o) {
        resolve_promise(cx, &p, Value::Undefined)?;
        return Ok(Value::Object(p));
    }
    // 6-9. DisposeResources(cap, NormalCompletion(undefined)), settling the promise.
    drive(cx, &o, &p)?;
    Ok(Value::Object(p))
}

/// Runs DisposeResources for an AsyncDisposableStack until it must Await (then parks on a
/// promise reaction that resumes here) or completes (then settles `p`).
fn drive(cx: &mut Cx, cap: &Obj, p: &Obj) -> JsResult<()> {
    loop {
        let v = match dispose_step(cx, cap) {
            Ok(Step::Await(v)) => v,
            Ok(Step::Done) => {
                return match take_completion(cap) {
                    Some(e) => reject_promise(cx, p, e),
                    None => resolve_promise(cx, p, Value::Undefined),
                };
            }
            Err(t) => {
                let e = caught(cx, t)?;
                return reject_promise(cx, p, e);
            }
        };
        // Await(v): PromiseResolve(%Promise%, v) (a throw is the awaited result), then
        // PerformPromiseThen with the continuation.
        let ctor = cx.intrinsic(Intrinsic::Promise);
        match promise_resolve(cx, &ctor, v) {
            Ok(Value::Object(w)) => {
                let data = vec![Value::Object(cap.clone()), Value::Object(p.clone())];
                let on_f = super::new_native_closure(cx, resume, data.clone(), "", 1)?;
                let on_r = super::new_native_closure(cx, resume_rejected, data, "", 1)?;
                return perform_then(
                    cx,
                    &w,
                    Value::Object(on_f),
                    Value::Object(on_r),
                    Vec::new(),
                    false,
                );
            }
            Ok(_) => return Err(cx.throw_internal_error("PromiseResolve returned a non-object")),
            Err(t) => {
                let e = caught(cx, t)?;
                record_error(cx, cap, e)?;
            }
        }
    }
}

fn drive_data(cx: &mut Cx, data: &[Value]) -> JsResult<(Obj, Obj)> {
    match data {
        [Value::Object(cap), Value::Object(p)] => Ok((cap.clone(), p.clone())),
        _ => Err(cx.throw_internal_error("disposeAsync: bad continuation")),
    }
}

/// The Await continuation of `disposeAsync` on fulfillment.
fn resume(cx: &mut Cx, callee: &Obj, _: &Value, _: &[Value], _: &Value) -> JsResult<Value> {
    let data = &*crate::object::function::native_closure_data(callee);
    let (cap, p) = drive_data(cx, data)?;
    drive(cx, &cap, &p)?;
    Ok(Value::Undefined)
}

/// The Await continuation of `disposeAsync` on rejection: the disposal threw.
fn resume_rejected(
    cx: &mut Cx,
    callee: &Obj,
    _: &Value,
    args: &[Value],
    _: &Value,
) -> JsResult<Value> {
    let data = &*crate::object::function::native_closure_data(callee);
    let (cap, p) = drive_data(cx, data)?;
    let e = args.first().cloned().unwrap_or_default();
    record_error(cx, &cap, e)?;
    drive(cx, &cap, &p)?;
    Ok(Value::Undefined)
}

// ------------------------------------------------------------------ %AsyncIteratorPrototype%

/// `%AsyncIteratorPrototype%[@@asyncDispose]()`. Spec: #sec-%asynciteratorprototype%-@@asyncdispose
fn async_iterator_dispose(
    cx: &mut Cx,
    this: &Value,
    _: &[Value],
    _: &Value,
    _: u16,
) -> JsResult<Value> {
    // 2. promiseCapability = ! NewPromiseCapability(%Promise%).
    let p = new_promise(cx)?;
    match async_iterator_dispose_steps(cx, this, &p) {
        Ok(()) => {}
        Err(t) => {
            // IfAbruptRejectPromise.
            let e = caught(cx, t)?;
            reject_promise(cx, &p, e)?;
        }
    }
    Ok(Value::Object(p))
}

fn async_iterator_dispose_steps(cx: &mut Cx, this: &Value, p: &Obj) -> JsResult<()> {
    // 3. return = GetMethod(O, "return").
    match get_method(cx, this, crate::atoms::Atom::Return_)? {
        // 5. Undefined: resolve with undefined.
        None => resolve_promise(cx, p, Value::Undefined),
        Some(ret) => {
            // 6.a. result = Call(return, O, « »).
            let result = call(cx, &ret, this, &[])?;
            // 6.c. resultWrapper = PromiseResolve(%Promise%, result).
            let ctor = cx.intrinsic(Intrinsic::Promise);
            let Value::Object(w) = promise_resolve(cx, &ctor, result)? else {
                return Err(cx.throw_internal_error("PromiseResolve returned a non-object"));
            };
            // 6.e-g. Fulfil with undefined (not the iterator result), reject as it does.
            let unwrap = super::new_native_closure(cx, unwrap_undefined, Vec::new(), "", 1)?;
            perform_then(
                cx,
                &w,
                Value::Object(unwrap),
                Value::Undefined,
                vec![Value::Object(p.clone())],
                false,
            )
        }
    }
}

fn unwrap_undefined(_: &mut Cx, _: &Obj, _: &Value, _: &[Value], _: &Value) -> JsResult<Value> {
    Ok(Value::Undefined)
}
