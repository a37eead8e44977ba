//! Promises (spec 27.2) and the machinery of `await`: promise state and reactions, the
//! resolving functions, reaction and thenable jobs on `cx.jobs`, the `Promise` constructor
//! and its prototype/static methods, Await (suspending the frame in an
//! [`VmObject::AsyncState`] resumed by a reaction job), and %AsyncFromSyncIteratorPrototype%.
//!
//! Invariant: a reaction's handler and capability are plain values, traced; jobs are native
//! closures whose data carries everything (so the job queue holds ordinary values).

use super::frame::Frame;
use super::generator::AwaitKind;
use super::interp::{run, Resume};
use super::ops::SuspendStep;
use super::{new_native_closure, vm_data, VmObject};
use crate::atoms::Atom;
use crate::builtins::{arg, install_class, Builtin, ClassDef};
use crate::heap::Tracer;
use crate::object::ops::{define_value, get, get_v};
use crate::object::{
    attrs, call, construct, is_callable, is_constructor, trace_value, Obj, ObjectData,
};
use crate::realm::{Cx, Intrinsic, Job, JsResult, Throw};
use crate::value::{same_value, Value};
use crate::{getter, method};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PromiseState {
    Pending,
    Fulfilled,
    Rejected,
}

/// A reaction: what to do when the promise settles. `kind` 0 fulfill / 1 reject.
pub struct Reaction {
    /// The capability: `[promise, resolve, reject]`, or the promise alone (internal), or
    /// nothing.
    pub capability: Vec<Value>,
    /// A callable, undefined (identity/thrower), or an async state object (await).
    pub handler: Value,
    pub is_await: bool,
}

/// [[PromiseState]], [[PromiseResult]], reactions, [[PromiseIsHandled]].
pub struct PromiseData {
    pub state: PromiseState,
    pub result: Value,
    pub fulfill: Vec<Reaction>,
    pub reject: Vec<Reaction>,
    pub handled: bool,
}

impl PromiseData {
    pub fn trace(&self, t: &mut Tracer<'_>) {
        trace_value(&self.result, t);
        for r in self.fulfill.iter().chain(self.reject.iter()) {
            for v in &r.capability {
                trace_value(v, t);
            }
            trace_value(&r.handler, t);
        }
    }
}

fn with_promise<R>(o: &Obj, f: impl FnOnce(&mut PromiseData) -> R) -> Option<R> {
    let mut b = o.borrow_mut();
    match &mut b.class {
        ObjectData::Vm(v) => match &mut **v {
            VmObject::Promise(p) => Some(f(p)),
            _ => None,
        },
        _ => None,
    }
}

/// Is `v` a promise (has [[PromiseState]])?
pub fn is_promise(v: &Value) -> bool {
    match v {
        Value::Object(o) => with_promise(o, |_| ()).is_some(),
        _ => false,
    }
}

/// The state and result of a promise object.
pub fn promise_state(o: &Obj) -> Option<(PromiseState, Value)> {
    with_promise(o, |p| (p.state, p.result.clone()))
}

/// A new pending promise with %Promise.prototype%.
pub fn new_promise(cx: &mut Cx) -> JsResult<Obj> {
    let proto = cx.intrinsic_obj(Intrinsic::PromisePrototype);
    new_promise_with_proto(cx, proto)
}

fn new_promise_with_proto(cx: &mut Cx, proto: Option<Obj>) -> JsResult<Obj> {
    Obj::new(
        cx,
        proto,
        vm_data(VmObject::Promise(PromiseData {
            state: PromiseState::Pending,
            result: Value::Undefined,
            fulfill: Vec::new(),
            reject: Vec::new(),
            handled: false,
        })),
    )
}

/// Settles a pending promise and triggers its reactions.
/// Spec: #sec-fulfillpromise, #sec-rejectpromise
fn settle(cx: &mut Cx, p: &Obj, state: PromiseState, v: Value) -> JsResult<()> {
    let taken = with_promise(p, |d| {
        if d.state != PromiseState::Pending {
            return None;
        }
        d.state = state;
        d.result = v.clone();
        let f = std::mem::take(&mut d.fulfill);
        let r = std::mem::take(&mut d.reject);
        Some((
            if state == PromiseState::Fulfilled {
                f
            } else {
                r
            },
            d.handled,
        ))
    })
    .flatten();
    let Some((reactions, handled)) = taken else {
        return Ok(());
    };
    if state == PromiseState::Rejected && !handled {
        cx.vm.pending_rejections.push(Value::Object(p.clone()));
    }
    for r in reactions {
        enqueue_reaction_job(cx, r, state, v.clone())?;
    }
    Ok(())
}

/// RejectPromise.
pub fn reject_promise(cx: &mut Cx, p: &Obj, reason: Value) -> JsResult<()> {
    settle(cx, p, PromiseState::Rejected, reason)
}

/// The [[Resolve]] steps of a promise resolve function (without the alreadyResolved flag).
/// Spec: #sec-promise-resolve-functions steps 7-16
pub fn resolve_promise(cx: &mut Cx, p: &Obj, resolution: Value) -> JsResult<()> {
    if let Value::Object(r) = &resolution {
        if Obj::ptr_eq(r, p) {
            let e = cx.make_error(
                Intrinsic::TypeErrorPrototype,
                "Chaining cycle detected for promise",
            )?;
            return reject_promise(cx, p, Value::Object(e));
        }
        let then = match get(cx, r, Atom::Then) {
            Ok(t) => t,
            Err(t) => {
                if cx.uncatchable {
                    return Err(t);
                }
                let e = cx.take_exception();
                return reject_promise(cx, p, e);
            }
        };
        if is_callable(&then) {
            // NewPromiseResolveThenableJob.
            let job = new_native_closure(
                cx,
                thenable_job,
                vec![Value::Object(p.clone()), resolution.clone(), then],
                "",
                0,
            )?;
            cx.jobs.push_back(Job {
                func: Value::Object(job),
                this: Value::Undefined,
                args: Vec::new(),
            });
            return Ok(());
        }
    }
    settle(cx, p, PromiseState::Fulfilled, resolution)
}

/// NewPromiseResolveThenableJob's job. Spec: #sec-newpromiseresolvethenablejob
fn thenable_job(cx: &mut Cx, callee: &Obj, _: &Value, _: &[Value], _: &Value) -> JsResult<Value> {
    let data = &*crate::object::function::native_closure_data(callee);
    let (Some(Value::Object(p)), Some(thenable), Some(then)) =
        (data.first(), data.get(1), data.get(2))
    else {
        return Ok(Value::Undefined);
    };
    let (res, rej) = create_resolving_functions(cx, p)?;
    if let Err(t) = call(
        cx,
        then,
        thenable,
        &[Value::Object(res), Value::Object(rej.clone())],
    ) {
        if cx.uncatchable {
            return Err(t);
        }
        let e = cx.take_exception();
        call(cx, &Value::Object(rej), &Value::Undefined, &[e])?;
    }
    Ok(Value::Undefined)
}

/// CreateResolvingFunctions. Spec: #sec-createresolvingfunctions
pub fn create_resolving_functions(cx: &mut Cx, p: &Obj) -> JsResult<(Obj, Obj)> {
    let flag = Obj::new(cx, None, ObjectData::Boolean(false))?;
    let data = vec![Value::Object(p.clone()), Value::Object(flag)];
    let res = new_native_closure(cx, resolve_fn, data.clone(), "", 1)?;
    let rej = new_native_closure(cx, reject_fn, data, "", 1)?;
    Ok((res, rej))
}

fn take_flag(data: &[Value]) -> bool {
    if let Some(Value::Object(f)) = data.get(1) {
        let mut b = f.borrow_mut();
        if let ObjectData::Boolean(done) = &mut b.class {
            let was = *done;
            *done = true;
            return was;
        }
    }
    true
}

fn resolve_fn(cx: &mut Cx, callee: &Obj, _: &Value, args: &[Value], _: &Value) -> JsResult<Value> {
    let data = &*crate::object::function::native_closure_data(callee);
    if take_flag(data) {
        return Ok(Value::Undefined);
    }
    if let Some(Value::Object(p)) = data.first() {
        resolve_promise(cx, p, arg(args, 0))?;
    }
    Ok(Value::Undefined)
}

fn reject_fn(cx: &mut Cx, callee: &Obj, _: &Value, args: &[Value], _: &Value) -> JsResult<Value> {
    let data = &*crate::object::function::native_closure_data(callee);
    if take_flag(data) {
        return Ok(Value::Undefined);
    }
    if let Some(Value::Object(p)) = data.first() {
        reject_promise(cx, p, arg(args, 0))?;
    }
    Ok(Value::Undefined)
}

/// NewPromiseReactionJob, queued. Spec: #sec-newpromisereactionjob
fn enqueue_reaction_job(
    cx: &mut Cx,
    r: Reaction,
    state: PromiseState,
    argument: Value,
) -> JsResult<()> {
    let kind = if state == PromiseState::Fulfilled {
        0
    } else {
        1
    };
    let mut data = vec![
        Value::Int(kind),
        r.handler,
        argument,
        Value::Bool(r.is_await),
    ];
    data.extend(r.capability);
    let job = new_native_closure(cx, reaction_job, data, "", 0)?;
    cx.jobs.push_back(Job {
        func: Value::Object(job),
        this: Value::Undefined,
        args: Vec::new(),
    });
    Ok(())
}

fn reaction_job(cx: &mut Cx, callee: &Obj, _: &Value, _: &[Value], _: &Value) -> JsResult<Value> {
    let data = &*crate::object::function::native_closure_data(callee);
    let kind = matches!(data.first(), Some(Value::Int(1)));
    let handler = data.get(1).cloned().unwrap_or_default();
    let argument = data.get(2).cloned().unwrap_or_default();
    let is_await = matches!(data.get(3), Some(Value::Bool(true)));
    if is_await {
        return resume_await(cx, &handler, kind, argument);
    }
    let cap = &data[4.min(data.len())..];
    // Handler result.
    let result: Result<Value, Throw> = if handler.is_undefined() {
        if kind {
            Err(cx.throw(argument))
        } else {
            Ok(argument)
        }
    } else {
        call(cx, &handler, &Value::Undefined, &[argument])
    };
    if cap.is_empty() {
        return result.map(|_| Value::Undefined);
    }
    match result {
        Ok(v) => resolve_capability(cx, cap, v)?,
        Err(t) => {
            if cx.uncatchable {
                return Err(t);
            }
            let e = cx.take_exception();
            reject_capability(cx, cap, e)?;
        }
    }
    Ok(Value::Undefined)
}

fn resolve_capability(cx: &mut Cx, cap: &[Value], v: Value) -> JsResult<()> {
    match cap {
        [Value::Object(p)] => resolve_promise(cx, p, v),
        [_, res, _] => call(cx, res, &Value::Undefined, &[v]).map(|_| ()),
        _ => Ok(()),
    }
}

fn reject_capability(cx: &mut Cx, cap: &[Value], e: Value) -> JsResult<()> {
    match cap {
        [Value::Object(p)] => reject_promise(cx, p, e),
        [_, _, rej] => call(cx, rej, &Value::Undefined, &[e]).map(|_| ()),
        _ => Ok(()),
    }
}

/// PerformPromiseThen. Spec: #sec-performpromisethen
pub fn perform_then(
    cx: &mut Cx,
    p: &Obj,
    on_f: Value,
    on_r: Value,
    capability: Vec<Value>,
    is_await: bool,
) -> JsResult<()> {
    let on_f = if is_await || is_callable(&on_f) {
        on_f
    } else {
        Value::Undefined
    };
    let on_r = if is_await || is_callable(&on_r) {
        on_r
    } else {
        Value::Undefined
    };
    let fr = Reaction {
        capability: capability.clone(),
        handler: on_f,
        is_await,
    };
    let rr = Reaction {
        capability,
        handler: on_r,
        is_await,
    };
    let settled = with_promise(p, |d| {
        let was_handled = d.handled;
        d.handled = true;
        match d.state {
            PromiseState::Pending => {
                d.fulfill.push(fr);
                d.reject.push(rr);
                None
            }
            PromiseState::Fulfilled => {
                Some((fr, PromiseState::Fulfilled, d.result.clone(), was_handled))
            }
            PromiseState::Rejected => {
                Some((rr, PromiseState::Rejected, d.result.clone(), was_handled))
            }
        }
    });
    match settled {
        Some(Some((r, st, v, was_handled))) => {
            if st == PromiseState::Rejected && !was_handled {
                cx.vm
                    .pending_rejections
                    .retain(|x| !matches!(x, Value::Object(o) if Obj::ptr_eq(o, p)));
            }
            enqueue_reaction_job(cx, r, st, v)
        }
        Some(None) => Ok(()),
        None => Err(cx.throw_type_error("not a promise")),
    }
}

/// NewPromiseCapability(C): `[promise]` for %Promise% itself, else `[promise, resolve,
/// reject]`. Spec: #sec-newpromisecapability
pub fn new_capability(cx: &mut Cx, c: &Value) -> JsResult<Vec<Value>> {
    let intrinsic = cx.intrinsic(Intrinsic::Promise);
    if let (Value::Object(a), Value::Object(b)) = (c, &intrinsic) {
        if Obj::ptr_eq(a, b) {
            return Ok(vec![Value::Object(new_promise(cx)?)]);
        }
    }
    if !is_constructor(c) {
        return Err(cx.throw_type_error("Promise capability: not a constructor"));
    }
    let holder = Obj::new(cx, None, ObjectData::Ordinary)?;
    let exec = new_native_closure(
        cx,
        capability_executor,
        vec![Value::Object(holder.clone())],
        "",
        2,
    )?;
    let p = construct(cx, c, &[Value::Object(exec)], &Value::Undefined)?;
    let res = get(cx, &holder, Atom::Then)?;
    let rej = get(cx, &holder, Atom::Throw_)?;
    if !is_callable(&res) || !is_callable(&rej) {
        return Err(cx.throw_type_error("Promise capability: resolve or reject is not callable"));
    }
    Ok(vec![p, res, rej])
}

fn capability_executor(
    cx: &mut Cx,
    callee: &Obj,
    _: &Value,
    args: &[Value],
    _: &Value,
) -> JsResult<Value> {
    let data = &*crate::object::function::native_closure_data(callee);
    let Some(Value::Object(h)) = data.first() else {
        return Ok(Value::Undefined);
    };
    let cur_res = get(cx, h, Atom::Then)?;
    let cur_rej = get(cx, h, Atom::Throw_)?;
    if !cur_res.is_undefined() || !cur_rej.is_undefined() {
        return Err(cx.throw_type_error("Promise executor has already been invoked"));
    }
    define_value(cx, h, Atom::Then, arg(args, 0), attrs::DEFAULT)?;
    define_value(cx, h, Atom::Throw_, arg(args, 1), attrs::DEFAULT)?;
    Ok(Value::Undefined)
}

/// PromiseResolve(C, x). Spec: #sec-promise-resolve
pub fn promise_resolve(cx: &mut Cx, c: &Value, x: Value) -> JsResult<Value> {
    if is_promise(&x) {
        let Value::Object(xo) = &x else { return Ok(x) };
        let ctor = get(cx, xo, Atom::Constructor)?;
        if same_value(&ctor, c) {
            return Ok(x);
        }
    }
    let cap = new_capability(cx, c)?;
    resolve_capability(cx, &cap, x)?;
    Ok(cap.first().cloned().unwrap_or_default())
}

// ------------------------------------------------------------------ await

/// Await(v) for the `await` op: suspends the frame until the promise of `v` settles. On
/// success returns the value the frame's caller receives (the async function's promise, or
/// undefined). Spec: #await
pub fn await_value(cx: &mut Cx, f: Box<Frame>, v: Value) -> Result<Value, (Box<Frame>, Throw)> {
    let deliver = match &f.mode {
        super::frame::FrameMode::Async(p) => Value::Object(p.clone()),
        _ => Value::Undefined,
    };
    await_then(cx, f, v, AwaitKind::Plain)?;
    Ok(deliver)
}

/// Parks `f` until the promise of `v` settles, then continues as `kind` says.
pub fn await_then(
    cx: &mut Cx,
    f: Box<Frame>,
    v: Value,
    kind: AwaitKind,
) -> Result<(), (Box<Frame>, Throw)> {
    let ctor = cx.intrinsic(Intrinsic::Promise);
    let p = match promise_resolve(cx, &ctor, v) {
        Ok(Value::Object(p)) => p,
        Ok(_) => {
            let t = cx.throw_type_error("await: not a promise");
            return Err((f, t));
        }
        Err(t) => return Err((f, t)),
    };
    let state = match Obj::new(cx, None, vm_data(VmObject::AsyncState(None, kind))) {
        Ok(s) => s,
        Err(t) => return Err((f, t)),
    };
    put_async_frame(&state, f);
    if let Err(t) = perform_then(
        cx,
        &p,
        Value::Object(state.clone()),
        Value::Object(state.clone()),
        Vec::new(),
        true,
    ) {
        if let Some((f, _)) = take_async_frame(&state) {
            return Err((f, t));
        }
    }
    Ok(())
}

fn put_async_frame(state: &Obj, f: Box<Frame>) {
    let mut b = state.borrow_mut();
    if let ObjectData::Vm(v) = &mut b.class {
        if let VmObject::AsyncState(slot, _) = &mut **v {
            *slot = Some(f);
        }
    }
}

fn take_async_frame(state: &Obj) -> Option<(Box<Frame>, AwaitKind)> {
    let mut b = state.borrow_mut();
    match &mut b.class {
        ObjectData::Vm(v) => match &mut **v {
            VmObject::AsyncState(f, k) => f.take().map(|f| (f, *k)),
            _ => None,
        },
        _ => None,
    }
}

/// Resumes an awaiting frame from its reaction job.
fn resume_await(cx: &mut Cx, state: &Value, rejected: bool, v: Value) -> JsResult<Value> {
    let Value::Object(s) = state else {
        return Ok(Value::Undefined);
    };
    let Some((mut f, kind)) = take_async_frame(s) else {
        return Ok(Value::Undefined);
    };
    let step = match (kind, rejected) {
        (AwaitKind::DelegateReturnResume, _) => {
            f.r.push(v);
            f.r.push(Value::Int(if rejected { 2 } else { 1 }));
            SuspendStep::Resume(f)
        }
        (_, true) => {
            let t = cx.throw(v);
            SuspendStep::Throw(f, t)
        }
        (AwaitKind::Plain, false) => {
            f.r.push(v);
            SuspendStep::Resume(f)
        }
        (AwaitKind::ReturnResume, false) => {
            f.r.push(v);
            f.r.push(Value::Bool(true));
            SuspendStep::Resume(f)
        }
        (AwaitKind::YieldAfter, false) => {
            let g = match &f.mode {
                super::frame::FrameMode::AsyncGenerator(g) => g.clone(),
                _ => return Err(cx.throw_internal_error("yield outside an async generator")),
            };
            super::generator::async_yield_now(cx, &g, f, v, false)
        }
    };
    match step {
        SuspendStep::Resume(f) => run(cx, f, Resume::Start)?,
        SuspendStep::Throw(f, t) => run(cx, f, Resume::Throw(t))?,
        SuspendStep::Deliver(r) => r?,
    };
    Ok(Value::Undefined)
}

// ------------------------------------------------------------------ the Promise builtins

static PROTOTYPE: &[Builtin] = &[
    method!("then", 2, then),
    method!("catch", 1, catch),
    method!("finally", 1, finally),
];

static STATICS: &[Builtin] = &[
    method!("resolve", 1, static_resolve),
    method!("reject", 1, static_reject),
    method!("withResolvers", 0, with_resolvers),
    method!("try", 1, promise_try),
    method!("all", 1, combinator, 0),
    method!("allSettled", 1, combinator, 1),
    method!("any", 1, combinator, 2),
    method!("race", 1, combinator, 3),
    getter!(@symbol SYM_SPECIES, species),
];

static CLASS: ClassDef = ClassDef {
    name: "Promise",
    ctor: Some((promise_ctor, 1, 0)),
    ctor_intrinsic: Some(Intrinsic::Promise),
    proto_intrinsic: Some(Intrinsic::PromisePrototype),
    statics: STATICS,
    proto: PROTOTYPE,
    ..ClassDef::DEFAULT
};

pub fn init(cx: &mut Cx) -> JsResult<()> {
    install_class(cx, &CLASS)?;
    if let Some(p) = cx.intrinsic_obj(Intrinsic::PromisePrototype) {
        let tag = cx.new_string("Promise")?;
        define_value(
            cx,
            &p,
            Atom::SYM_TO_STRING_TAG,
            Value::String(tag),
            attrs::CONFIGURABLE,
        )?;
    }
    Ok(())
}

fn species(_: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    Ok(this.clone())
}

/// Promise(executor). Spec: #sec-promise-executor
fn promise_ctor(cx: &mut Cx, _: &Value, args: &[Value], nt: &Value, _: u16) -> JsResult<Value> {
    if nt.is_undefined() {
        return Err(cx.throw_type_error("Promise constructor cannot be invoked without 'new'"));
    }
    let executor = arg(args, 0);
    if !is_callable(&executor) {
        return Err(cx.throw_type_error("Promise resolver is not a function"));
    }
    let proto =
        crate::object::ops::get_prototype_from_constructor(cx, nt, Intrinsic::PromisePrototype)?;
    let p = new_promise_with_proto(cx, proto)?;
    let (res, rej) = create_resolving_functions(cx, &p)?;
    if let Err(t) = call(
        cx,
        &executor,
        &Value::Undefined,
        &[Value::Object(res), Value::Object(rej.clone())],
    ) {
        if cx.uncatchable {
            return Err(t);
        }
        let e = cx.take_exception();
        call(cx, &Value::Object(rej), &Value::Undefined, &[e])?;
    }
    Ok(Value::Object(p))
}

fn this_promise(cx: &mut Cx, this: &Value) -> JsResult<Obj> {
    match this {
        Value::Object(o) if with_promise(o, |_| ()).is_some() => Ok(o.clone()),
        _ => Err(cx.throw_type_error("not a promise")),
    }
}

/// Promise.prototype.then. Spec: #sec-promise.prototype.then
fn then(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let p = this_promise(cx, this)?;
    let def = cx.intrinsic(Intrinsic::Promise);
    let c = crate::object::ops::species_constructor(cx, &p, def)?;
    let cap = new_capability(cx, &c)?;
    let result = cap.first().cloned().unwrap_or_default();
    perform_then(cx, &p, arg(args, 0), arg(args, 1), cap, false)?;
    Ok(result)
}

/// Promise.prototype.catch. Spec: #sec-promise.prototype.catch
fn catch(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    crate::object::ops::invoke(cx, this, Atom::Then, &[Value::Undefined, arg(args, 0)])
}

/// Promise.prototype.finally. Spec: #sec-promise.prototype.finally
fn finally(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let Value::Object(p) = this else {
        return Err(cx.throw_type_error("Promise.prototype.finally called on a non-object"));
    };
    let def = cx.intrinsic(Intrinsic::Promise);
    let c = crate::object::ops::species_constructor(cx, p, def)?;
    let on_finally = arg(args, 0);
    let (tf, cf) = if !is_callable(&on_finally) {
        (on_finally.clone(), on_finally)
    } else {
        let tf = new_native_closure(cx, finally_then, vec![on_finally.clone(), c.clone()], "", 1)?;
        let cf = new_native_closure(cx, finally_catch, vec![on_finally, c], "", 1)?;
        (Value::Object(tf), Value::Object(cf))
    };
    crate::object::ops::invoke(cx, this, Atom::Then, &[tf, cf])
}

fn finally_then(
    cx: &mut Cx,
    callee: &Obj,
    _: &Value,
    args: &[Value],
    _: &Value,
) -> JsResult<Value> {
    finally_reaction(cx, callee, args, return_data)
}

fn finally_catch(
    cx: &mut Cx,
    callee: &Obj,
    _: &Value,
    args: &[Value],
    _: &Value,
) -> JsResult<Value> {
    finally_reaction(cx, callee, args, throw_data)
}

/// The shared body of Then Finally / Catch Finally (#sec-thenfinallyfunctions,
/// #sec-catchfinallyfunctions): call onFinally, resolve its result with C, then chain a
/// thunk (`return_data` returns the original value, `throw_data` rethrows the reason).
fn finally_reaction(
    cx: &mut Cx,
    callee: &Obj,
    args: &[Value],
    thunk: crate::object::NativeDataFn,
) -> JsResult<Value> {
    let data = &*crate::object::function::native_closure_data(callee);
    let on_finally = data.first().cloned().unwrap_or_default();
    let c = data.get(1).cloned().unwrap_or_default();
    let result = call(cx, &on_finally, &Value::Undefined, &[])?;
    let p = promise_resolve(cx, &c, result)?;
    let thunk = new_native_closure(cx, thunk, vec![arg(args, 0)], "", 0)?;
    crate::object::ops::invoke(cx, &p, Atom::Then, &[Value::Object(thunk)])
}

fn return_data(_: &mut Cx, callee: &Obj, _: &Value, _: &[Value], _: &Value) -> JsResult<Value> {
    let data = &*crate::object::function::native_closure_data(callee);
    Ok(data.first().cloned().unwrap_or_default())
}

fn throw_data(cx: &mut Cx, callee: &Obj, _: &Value, _: &[Value], _: &Value) -> JsResult<Value> {
    let data = &*crate::object::function::native_closure_data(callee);
    Err(cx.throw(data.first().cloned().unwrap_or_default()))
}

fn static_resolve(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    if !this.is_object() {
        return Err(cx.throw_type_error("Promise.resolve called on a non-object"));
    }
    promise_resolve(cx, this, arg(args, 0))
}

fn static_reject(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let cap = new_capability(cx, this)?;
    reject_capability(cx, &cap, arg(args, 0))?;
    Ok(cap.first().cloned().unwrap_or_default())
}

/// Capability as a full `[promise, resolve, reject]` with real functions.
fn full_capability(cx: &mut Cx, c: &Value) -> JsResult<(Value, Value, Value)> {
    let cap = new_capability(cx, c)?;
    match cap.as_slice() {
        [Value::Object(p)] => {
            let (r, j) = create_resolving_functions(cx, p)?;
            Ok((Value::Object(p.clone()), Value::Object(r), Value::Object(j)))
        }
        [p, r, j] => Ok((p.clone(), r.clone(), j.clone())),
        _ => Err(cx.throw_type_error("bad promise capability")),
    }
}

fn with_resolvers(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (p, r, j) = full_capability(cx, this)?;
    let o = crate::object::ops::new_object(cx)?;
    let promise = cx.intern("promise");
    let resolve = cx.intern("resolve");
    let reject = cx.intern("reject");
    crate::object::ops::create_data_property_or_throw(cx, &o, promise, p)?;
    crate::object::ops::create_data_property_or_throw(cx, &o, resolve, r)?;
    crate::object::ops::create_data_property_or_throw(cx, &o, reject, j)?;
    Ok(Value::Object(o))
}

/// Promise.try. Spec: #sec-promise.try
fn promise_try(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    if !this.is_object() {
        return Err(cx.throw_type_error("Promise.try called on a non-object"));
    }
    let cap = new_capability(cx, this)?;
    let f = arg(args, 0);
    let rest = if args.len() > 1 { &args[1..] } else { &[] };
    match call(cx, &f, &Value::Undefined, rest) {
        Ok(v) => resolve_capability(cx, &cap, v)?,
        Err(t) => {
            if cx.uncatchable {
                return Err(t);
            }
            let e = cx.take_exception();
            reject_capability(cx, &cap, e)?;
        }
    }
    Ok(cap.first().cloned().unwrap_or_default())
}

/// Promise.all / allSettled / any / race (magic 0..3).
/// Spec: #sec-promise.all, #sec-promise.allsettled, #sec-promise.any, #sec-promise.race
fn combinator(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let (p, res, rej) = full_capability(cx, this)?;
    match combinator_body(cx, this, &arg(args, 0), magic, &p, &res, &rej) {
        Ok(()) => Ok(p),
        Err(t) => {
            if cx.uncatchable {
                return Err(t);
            }
            let e = cx.take_exception();
            call(cx, &rej, &Value::Undefined, &[e])?;
            Ok(p)
        }
    }
}

fn combinator_body(
    cx: &mut Cx,
    c: &Value,
    iterable: &Value,
    magic: u16,
    _p: &Value,
    res: &Value,
    rej: &Value,
) -> JsResult<()> {
    let resolve_atom = cx_atom(cx, "resolve");
    let resolve_fn = get_v(cx, c, resolve_atom)?;
    if !is_callable(&resolve_fn) {
        return Err(cx.throw_type_error("Promise resolve is not a function"));
    }
    let (it, next) = super::ops::get_iterator(cx, iterable, false)?;
    // Shared state: values array, remaining counter (as a Number object).
    let values = crate::object::ops::create_array_from_list(cx, &[])?;
    let remaining = Obj::new(cx, None, ObjectData::Number(1.0))?;
    let mut index: u32 = 0;
    loop {
        let step = call(cx, &next, &it, &[]);
        let r = step?;
        let (v, done) = super::ops::iter_value_done(cx, &r)?;
        if done {
            break;
        }
        let body = (|| -> JsResult<()> {
            let next_p = call(cx, &resolve_fn, c, &[v])?;
            if magic == 3 {
                crate::object::ops::invoke(cx, &next_p, Atom::Then, &[res.clone(), rej.clone()])?;
                return Ok(());
            }
            let k = crate::object::ops::index_key(cx, index as u64);
            let placeholder = Value::Undefined;
            crate::object::ops::create_data_property_or_throw(cx, &values, k, placeholder)?;
            add_remaining(&remaining, 1.0);
            let flag = Obj::new(cx, None, ObjectData::Boolean(false))?;
            let data = vec![
                Value::Int(index as i32),
                Value::Object(values.clone()),
                Value::Object(remaining.clone()),
                Value::Object(flag),
                res.clone(),
                rej.clone(),
                Value::Int(magic as i32),
            ];
            let (on_f, on_r) = match magic {
                0 => (
                    Value::Object(new_native_closure(cx, element_fn, data, "", 1)?),
                    rej.clone(),
                ),
                1 => {
                    let mut d2 = data.clone();
                    d2[6] = Value::Int(10);
                    let f = new_native_closure(cx, element_fn, data, "", 1)?;
                    // The two settle functions share the alreadyCalled flag.
                    let r = new_native_closure(cx, element_fn, d2, "", 1)?;
                    (Value::Object(f), Value::Object(r))
                }
                _ => (
                    res.clone(),
                    Value::Object(new_native_closure(cx, element_fn, data, "", 1)?),
                ),
            };
            crate::object::ops::invoke(cx, &next_p, Atom::Then, &[on_f, on_r])?;
            Ok(())
        })();
        if let Err(t) = body {
            if !cx.uncatchable {
                let saved = cx.take_exception();
                let _ = super::ops::iterator_return(cx, &it);
                cx.exception = saved;
            }
            return Err(t);
        }
        index += 1;
        cx.poll_interrupt(1)?;
    }
    if magic == 3 {
        return Ok(());
    }
    if add_remaining(&remaining, -1.0) == 0.0 {
        finish_combinator(cx, magic, &values, res, rej)?;
    }
    Ok(())
}

fn cx_atom(cx: &mut Cx, s: &str) -> Atom {
    cx.intern(s)
}

fn add_remaining(o: &Obj, d: f64) -> f64 {
    let mut b = o.borrow_mut();
    if let ObjectData::Number(n) = &mut b.class {
        *n += d;
        return *n;
    }
    0.0
}

fn finish_combinator(
    cx: &mut Cx,
    magic: u16,
    values: &Obj,
    res: &Value,
    rej: &Value,
) -> JsResult<()> {
    if magic == 2 {
        let list = crate::object::ops::create_list_from_array_like(
            cx,
            &Value::Object(values.clone()),
            false,
        )?;
        let e = cx.make_error(
            Intrinsic::AggregateErrorPrototype,
            "All promises were rejected",
        )?;
        let errs = crate::object::ops::create_array_from_list(cx, &list)?;
        define_value(cx, &e, Atom::Errors, Value::Object(errs), attrs::HIDDEN)?;
        call(cx, rej, &Value::Undefined, &[Value::Object(e)])?;
    } else {
        call(cx, res, &Value::Undefined, &[Value::Object(values.clone())])?;
    }
    Ok(())
}

/// The per-element resolve/reject functions of the combinators.
fn element_fn(cx: &mut Cx, callee: &Obj, _: &Value, args: &[Value], _: &Value) -> JsResult<Value> {
    let data = &*crate::object::function::native_closure_data(callee);
    if let Some(Value::Object(f)) = data.get(3) {
        let mut b = f.borrow_mut();
        if let ObjectData::Boolean(done) = &mut b.class {
            if *done {
                return Ok(Value::Undefined);
            }
            *done = true;
        }
    }
    let (Some(Value::Int(index)), Some(Value::Object(values)), Some(Value::Object(remaining))) =
        (data.first(), data.get(1), data.get(2))
    else {
        return Ok(Value::Undefined);
    };
    let res = data.get(4).cloned().unwrap_or_default();
    let rej = data.get(5).cloned().unwrap_or_default();
    let mode = match data.get(6) {
        Some(Value::Int(m)) => *m,
        _ => 0,
    };
    let x = arg(args, 0);
    let v = match mode {
        1 | 10 => {
            let o = crate::object::ops::new_object(cx)?;
            let status = cx.intern("status");
            let (st, key) = if mode == 1 {
                ("fulfilled", Atom::Value)
            } else {
                ("rejected", cx.intern("reason"))
            };
            let s = cx.new_string(st)?;
            crate::object::ops::create_data_property_or_throw(cx, &o, status, Value::String(s))?;
            crate::object::ops::create_data_property_or_throw(cx, &o, key, x)?;
            Value::Object(o)
        }
        _ => x,
    };
    let k = crate::object::ops::index_key(cx, *index as u64);
    crate::object::ops::create_data_property_or_throw(cx, values, k, v)?;
    if add_remaining(remaining, -1.0) == 0.0 {
        let magic = if mode == 10 { 1 } else { mode as u16 };
        finish_combinator(cx, magic, values, &res, &rej)?;
    }
    Ok(Value::Undefined)
}

// ------------------------------------------------------------------ async-from-sync iterators

/// CreateAsyncFromSyncIterator. Spec: #sec-createasyncfromsynciterator
pub fn create_async_from_sync_iterator(
    cx: &mut Cx,
    it: Value,
    next: Value,
) -> JsResult<(Value, Value)> {
    let proto = cx.intrinsic_obj(Intrinsic::AsyncFromSyncIteratorPrototype);
    let o = Obj::new(cx, proto, ObjectData::Ordinary)?;
    let holder = new_native_closure(cx, return_data, vec![it, next], "", 0)?;
    define_value(cx, &o, Atom::Raw, Value::Object(holder), 0)?;
    let n = get(cx, &o, Atom::Next)?;
    Ok((Value::Object(o), n))
}

static ASYNC_FROM_SYNC: &[Builtin] = &[
    method!("next", 1, afs_method, 0),
    method!("return", 1, afs_method, 1),
    method!("throw", 1, afs_method, 2),
];

/// Installs %AsyncFromSyncIteratorPrototype%.
pub fn init_async_from_sync(cx: &mut Cx) -> JsResult<()> {
    let parent = cx.intrinsic_obj(Intrinsic::AsyncIteratorPrototype);
    let p = Obj::new(cx, parent, ObjectData::Ordinary)?;
    crate::builtins::install(cx, &p, ASYNC_FROM_SYNC)?;
    cx.realm
        .set_intrinsic(Intrinsic::AsyncFromSyncIteratorPrototype, Value::Object(p));
    Ok(())
}

/// %AsyncFromSyncIteratorPrototype%.next/return/throw.
/// Spec: #sec-%asyncfromsynciteratorprototype%.next
fn afs_method(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let p = new_promise(cx)?;
    let r = afs_step(cx, this, args, magic, &p);
    if let Err(t) = r {
        if cx.uncatchable {
            return Err(t);
        }
        let e = cx.take_exception();
        reject_promise(cx, &p, e)?;
    }
    Ok(Value::Object(p))
}

fn afs_step(cx: &mut Cx, this: &Value, args: &[Value], magic: u16, p: &Obj) -> JsResult<()> {
    let Value::Object(o) = this else {
        return Err(cx.throw_type_error("not an async-from-sync iterator"));
    };
    let holder = get(cx, o, Atom::Raw)?;
    let (it, next) = match &holder {
        Value::Object(h) => {
            let b = h.borrow();
            match &b.class {
                ObjectData::NativeClosure(c) => (
                    c.data.first().cloned().unwrap_or_default(),
                    c.data.get(1).cloned().unwrap_or_default(),
                ),
                _ => (Value::Undefined, Value::Undefined),
            }
        }
        _ => (Value::Undefined, Value::Undefined),
    };
    let result = match magic {
        0 => call(
            cx,
            &next,
            &it,
            if args.is_empty() { &[] } else { &args[..1] },
        )?,
        1 => match crate::object::ops::get_method(cx, &it, Atom::Return_)? {
            None => {
                let r = create_iter_result(cx, arg(args, 0), true)?;
                resolve_promise(cx, p, r)?;
                return Ok(());
            }
            Some(m) => call(cx, &m, &it, if args.is_empty() { &[] } else { &args[..1] })?,
        },
        _ => match crate::object::ops::get_method(cx, &it, Atom::Throw_)? {
            None => {
                // Close the sync iterator, then reject with a TypeError.
                if let Some(m) = crate::object::ops::get_method(cx, &it, Atom::Return_)? {
                    call(cx, &m, &it, &[])?;
                }
                return Err(cx.throw_type_error("The iterator does not provide a 'throw' method"));
            }
            Some(m) => call(cx, &m, &it, if args.is_empty() { &[] } else { &args[..1] })?,
        },
    };
    if !result.is_object() {
        return Err(cx.throw_type_error("iterator result is not an object"));
    }
    // AsyncFromSyncIteratorContinuation.
    let done = get_v(cx, &result, Atom::Done)?.to_boolean();
    let value = get_v(cx, &result, Atom::Value)?;
    let ctor = cx.intrinsic(Intrinsic::Promise);
    let vw = match promise_resolve(cx, &ctor, value) {
        Ok(v) => v,
        Err(t) => {
            if !done && magic != 1 && !cx.uncatchable {
                let saved = cx.take_exception();
                let _ = super::ops::iterator_return(cx, &it);
                cx.exception = saved;
            }
            return Err(t);
        }
    };
    let Value::Object(vw) = vw else { return Ok(()) };
    let unwrap = new_native_closure(cx, afs_unwrap, vec![Value::Bool(done)], "", 1)?;
    let on_r = if done || magic == 1 {
        Value::Undefined
    } else {
        Value::Object(new_native_closure(cx, afs_close, vec![it], "", 1)?)
    };
    perform_then(
        cx,
        &vw,
        Value::Object(unwrap),
        on_r,
        vec![Value::Object(p.clone())],
        false,
    )
}

fn afs_unwrap(cx: &mut Cx, callee: &Obj, _: &Value, args: &[Value], _: &Value) -> JsResult<Value> {
    let data = &*crate::object::function::native_closure_data(callee);
    let done = matches!(data.first(), Some(Value::Bool(true)));
    create_iter_result(cx, arg(args, 0), done)
}

fn afs_close(cx: &mut Cx, callee: &Obj, _: &Value, args: &[Value], _: &Value) -> JsResult<Value> {
    let data = &*crate::object::function::native_closure_data(callee);
    let it = data.first().cloned().unwrap_or_default();
    let _ = super::ops::iterator_return(cx, &it);
    Err(cx.throw(arg(args, 0)))
}

/// CreateIterResultObject. Spec: #sec-createiterresultobject
pub fn create_iter_result(cx: &mut Cx, v: Value, done: bool) -> JsResult<Value> {
    let o = crate::object::ops::new_object(cx)?;
    crate::object::ops::create_data_property_or_throw(cx, &o, Atom::Value, v)?;
    crate::object::ops::create_data_property_or_throw(cx, &o, Atom::Done, Value::Bool(done))?;
    Ok(Value::Object(o))
}
