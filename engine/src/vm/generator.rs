//! Generator and async generator objects: the suspended frame they own, resumption by
//! `next`/`return`/`throw` (re-entering the interpreter with the frame), the async
//! generator request queue, and the intrinsics %GeneratorPrototype%,
//! %AsyncGeneratorPrototype%, %GeneratorFunction%, %AsyncGeneratorFunction%,
//! %AsyncFunction% with their prototypes, %IteratorPrototype% and %AsyncIteratorPrototype%
//! (when the realm has none yet).
//!
//! Spec: #sec-generator-objects, #sec-asyncgenerator-objects

use super::frame::{Frame, FrameMode};
use super::interp::{run, Resume};
use super::ops::SuspendStep;
use super::promise::{
    create_iter_result, new_promise, perform_then, promise_resolve, reject_promise, resolve_promise,
};
use super::{new_native_closure, vm_data, VmObject};
use crate::atoms::Atom;
use crate::builtins::{arg, install, Builtin};
use crate::heap::Tracer;
use crate::method;
use crate::object::ops::define_value;
use crate::object::{attrs, trace_value, Obj, ObjectData};
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::value::Value;
use std::collections::VecDeque;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum GenState {
    SuspendedStart,
    SuspendedYield,
    Executing,
    /// Async generators: waiting for the awaited `return` value.
    AwaitingReturn,
    Completed,
}

/// A queued async generator request: completion kind (0 next, 1 return, 2 throw), value,
/// and the promise to settle.
pub struct Request {
    pub kind: u8,
    pub value: Value,
    pub promise: Obj,
}

/// [[GeneratorState]], the suspended frame, and for async generators the queue.
pub struct Generator {
    pub state: GenState,
    pub frame: Option<Box<Frame>>,
    pub is_async: bool,
    /// The frame is suspended at `delegate_yield` (resumption pushes `v k`).
    pub at_delegate: bool,
    pub queue: VecDeque<Request>,
}

impl Generator {
    pub fn trace(&self, t: &mut Tracer<'_>) {
        if let Some(f) = &self.frame {
            f.trace(t);
        }
        for r in &self.queue {
            trace_value(&r.value, t);
            t.edge(r.promise.gc());
        }
    }
}

fn with_gen<R>(o: &Obj, f: impl FnOnce(&mut Generator) -> R) -> Option<R> {
    let mut b = o.borrow_mut();
    match &mut b.class {
        ObjectData::Vm(v) => match &mut **v {
            VmObject::Generator(g) => Some(f(g)),
            _ => None,
        },
        _ => None,
    }
}

/// Creates the generator object at `initial_yield` and parks the frame in it.
pub fn create(cx: &mut Cx, mut f: Box<Frame>, is_async: bool) -> JsResult<Value> {
    let fallback = if is_async {
        Intrinsic::AsyncGeneratorPrototype
    } else {
        Intrinsic::GeneratorPrototype
    };
    let proto = super::function::generator_proto(cx, &f.func, fallback)?;
    let g = Obj::new(
        cx,
        proto,
        vm_data(VmObject::Generator(Generator {
            state: GenState::SuspendedStart,
            frame: None,
            is_async,
            at_delegate: false,
            queue: VecDeque::new(),
        })),
    )?;
    f.mode = if is_async {
        FrameMode::AsyncGenerator(g.clone())
    } else {
        FrameMode::Generator(g.clone())
    };
    with_gen(&g, |gen| gen.frame = Some(f));
    Ok(Value::Object(g))
}

/// A sync generator yields: park the frame, deliver the iterator result.
pub fn yield_value(
    cx: &mut Cx,
    g: &Obj,
    f: Box<Frame>,
    v: Value,
    is_delegate: bool,
) -> JsResult<Value> {
    with_gen(g, |gen| {
        gen.state = GenState::SuspendedYield;
        gen.frame = Some(f);
        gen.at_delegate = is_delegate;
    });
    if is_delegate {
        // The inner iterator's result object is passed through as is.
        return Ok(v);
    }
    create_iter_result(cx, v, false)
}

/// A sync generator's frame completed.
pub fn complete(cx: &mut Cx, g: &Obj, r: JsResult<Value>) -> JsResult<Value> {
    with_gen(g, |gen| {
        gen.state = GenState::Completed;
        gen.frame = None;
    });
    let v = r?;
    create_iter_result(cx, v, true)
}

/// GeneratorResume / GeneratorResumeAbrupt. Spec: #sec-generatorresume
fn resume(cx: &mut Cx, this: &Value, kind: u8, v: Value) -> JsResult<Value> {
    let Value::Object(g) = this else {
        return Err(cx.throw_type_error("not a generator"));
    };
    let taken = with_gen(g, |gen| {
        if gen.is_async {
            return None;
        }
        let st = gen.state;
        let frame = if matches!(st, GenState::SuspendedStart | GenState::SuspendedYield) {
            gen.state = GenState::Executing;
            gen.frame.take()
        } else {
            None
        };
        Some((st, frame, gen.at_delegate))
    })
    .flatten();
    let Some((state, frame, at_delegate)) = taken else {
        return Err(cx.throw_type_error("not a generator"));
    };
    match state {
        GenState::Executing | GenState::AwaitingReturn => {
            Err(cx.throw_type_error("Generator is already running"))
        }
        GenState::Completed => match kind {
            0 => create_iter_result(cx, Value::Undefined, true),
            1 => create_iter_result(cx, v, true),
            _ => Err(cx.throw(v)),
        },
        GenState::SuspendedStart => {
            let Some(f) = frame else {
                return Err(cx.throw_internal_error("generator frame missing"));
            };
            match kind {
                0 => run(cx, f, Resume::Start),
                1 => {
                    with_gen(g, |gen| gen.state = GenState::Completed);
                    create_iter_result(cx, v, true)
                }
                _ => {
                    with_gen(g, |gen| gen.state = GenState::Completed);
                    Err(cx.throw(v))
                }
            }
        }
        GenState::SuspendedYield => {
            let Some(mut f) = frame else {
                return Err(cx.throw_internal_error("generator frame missing"));
            };
            if at_delegate {
                f.r.push(v);
                f.r.push(Value::Int(kind as i32));
                return run(cx, f, Resume::Start);
            }
            match kind {
                0 | 1 => {
                    f.r.push(v);
                    f.r.push(Value::Bool(kind == 1));
                    run(cx, f, Resume::Start)
                }
                _ => {
                    let t = cx.throw(v);
                    run(cx, f, Resume::Throw(t))
                }
            }
        }
    }
}

fn gen_next(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    resume(cx, this, magic as u8, arg(args, 0))
}

// ------------------------------------------------------------------ async generators

/// A yield in an async generator: `yield v` awaits v first; `yield*` yields directly.
pub fn async_yield(
    cx: &mut Cx,
    g: &Obj,
    f: Box<Frame>,
    v: Value,
    is_delegate: bool,
) -> SuspendStep {
    if is_delegate {
        // Spec: #sec-generator-function-definitions-runtime-semantics-evaluation, yield*
        // step 7.a.vi: AsyncGeneratorYield(? IteratorValue(innerResult)), no await.
        return match crate::object::ops::get_v(cx, &v, Atom::Value) {
            Ok(inner) => async_yield_now(cx, g, f, inner, true),
            Err(t) => SuspendStep::Throw(f, t),
        };
    }
    match super::promise::await_then(cx, f, v, AwaitKind::YieldAfter) {
        Ok(()) => SuspendStep::Deliver(Ok(Value::Undefined)),
        Err((f, t)) => SuspendStep::Throw(f, t),
    }
}

/// What an await inside the VM continues with.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AwaitKind {
    /// `await`: push the value (or throw) and continue.
    Plain,
    /// The await of `yield v` in an async generator: then yield.
    YieldAfter,
    /// The await of a `return(v)` resumption at a `yield`: push `v true` (or throw).
    ReturnResume,
    /// The await of a `return(v)` resumption at a `delegate_yield`: push `v 1` (or `e 2`).
    DelegateReturnResume,
}

/// AsyncGeneratorYield after the await: settle the front request, then continue with the
/// next queued request or park the frame. Spec: #sec-asyncgeneratoryield
pub fn async_yield_now(
    cx: &mut Cx,
    g: &Obj,
    f: Box<Frame>,
    v: Value,
    is_delegate: bool,
) -> SuspendStep {
    let front = with_gen(g, |gen| gen.queue.pop_front()).flatten();
    if let Some(req) = front {
        let r =
            create_iter_result(cx, v, false).and_then(|res| resolve_promise(cx, &req.promise, res));
        if let Err(t) = r {
            return SuspendStep::Throw(f, t);
        }
    }
    let next = with_gen(g, |gen| {
        gen.queue.front().map(|r| (r.kind, r.value.clone()))
    })
    .flatten();
    match next {
        Some((kind, value)) => {
            // Continue at once with the next request (AsyncGeneratorUnwrapYieldResumption).
            resume_frame_with(cx, f, kind, value, is_delegate)
        }
        None => {
            with_gen(g, |gen| {
                gen.state = GenState::SuspendedYield;
                gen.at_delegate = is_delegate;
                gen.frame = Some(f);
            });
            SuspendStep::Deliver(Ok(Value::Undefined))
        }
    }
}

/// Applies a resumption to a frame suspended at a yield (pushing the resumption values or
/// throwing), as a suspension step of the running interpreter.
fn resume_frame_with(
    cx: &mut Cx,
    mut f: Box<Frame>,
    kind: u8,
    value: Value,
    at_delegate: bool,
) -> SuspendStep {
    match kind {
        0 => {
            f.r.push(value);
            f.r.push(if at_delegate {
                Value::Int(0)
            } else {
                Value::Bool(false)
            });
            SuspendStep::Resume(f)
        }
        1 => {
            let k = if at_delegate {
                AwaitKind::DelegateReturnResume
            } else {
                AwaitKind::ReturnResume
            };
            match super::promise::await_then(cx, f, value, k) {
                Ok(()) => SuspendStep::Deliver(Ok(Value::Undefined)),
                Err((f, t)) => SuspendStep::Throw(f, t),
            }
        }
        _ => {
            if at_delegate {
                f.r.push(value);
                f.r.push(Value::Int(2));
                SuspendStep::Resume(f)
            } else {
                let t = cx.throw(value);
                SuspendStep::Throw(f, t)
            }
        }
    }
}

/// An async generator's frame completed: settle the front request, drain the queue.
/// Spec: #sec-asyncgeneratorcompletestep, #sec-asyncgeneratordrainqueue
pub fn async_complete(cx: &mut Cx, g: &Obj, r: JsResult<Value>) -> JsResult<Value> {
    with_gen(g, |gen| {
        gen.state = GenState::Completed;
        gen.frame = None;
    });
    let front = with_gen(g, |gen| gen.queue.pop_front()).flatten();
    if let Some(req) = front {
        match r {
            Ok(v) => {
                let res = create_iter_result(cx, v, true)?;
                resolve_promise(cx, &req.promise, res)?;
            }
            Err(t) => {
                if cx.uncatchable {
                    return Err(t);
                }
                let e = cx.take_exception();
                reject_promise(cx, &req.promise, e)?;
            }
        }
    } else {
        r?;
    }
    drain_queue(cx, g)?;
    Ok(Value::Undefined)
}

/// AsyncGeneratorDrainQueue. Spec: #sec-asyncgeneratordrainqueue
fn drain_queue(cx: &mut Cx, g: &Obj) -> JsResult<()> {
    loop {
        let front = with_gen(g, |gen| {
            gen.queue
                .front()
                .map(|r| (r.kind, r.value.clone(), r.promise.clone()))
        })
        .flatten();
        let Some((kind, value, promise)) = front else {
            return Ok(());
        };
        match kind {
            1 => {
                with_gen(g, |gen| gen.state = GenState::AwaitingReturn);
                return await_return(cx, g, value);
            }
            2 => {
                with_gen(g, |gen| gen.queue.pop_front());
                reject_promise(cx, &promise, value)?;
            }
            _ => {
                with_gen(g, |gen| gen.queue.pop_front());
                let res = create_iter_result(cx, Value::Undefined, true)?;
                resolve_promise(cx, &promise, res)?;
            }
        }
    }
}

/// AsyncGeneratorAwaitReturn. Spec: #sec-asyncgeneratorawaitreturn
fn await_return(cx: &mut Cx, g: &Obj, v: Value) -> JsResult<()> {
    let ctor = cx.intrinsic(Intrinsic::Promise);
    let p = match promise_resolve(cx, &ctor, v) {
        Ok(Value::Object(p)) => p,
        Ok(_) => return Ok(()),
        Err(t) => {
            if cx.uncatchable {
                return Err(t);
            }
            let e = cx.take_exception();
            with_gen(g, |gen| gen.state = GenState::Completed);
            let front = with_gen(g, |gen| gen.queue.pop_front()).flatten();
            if let Some(req) = front {
                reject_promise(cx, &req.promise, e)?;
            }
            return drain_queue(cx, g);
        }
    };
    let on_f = new_native_closure(
        cx,
        await_return_settled,
        vec![Value::Object(g.clone()), Value::Bool(false)],
        "",
        1,
    )?;
    let on_r = new_native_closure(
        cx,
        await_return_settled,
        vec![Value::Object(g.clone()), Value::Bool(true)],
        "",
        1,
    )?;
    perform_then(
        cx,
        &p,
        Value::Object(on_f),
        Value::Object(on_r),
        Vec::new(),
        false,
    )
}

fn await_return_settled(
    cx: &mut Cx,
    callee: &Obj,
    _: &Value,
    args: &[Value],
    _: &Value,
) -> JsResult<Value> {
    let data = &*crate::object::function::native_closure_data(callee);
    let Some(Value::Object(g)) = data.first() else {
        return Ok(Value::Undefined);
    };
    let rejected = matches!(data.get(1), Some(Value::Bool(true)));
    with_gen(g, |gen| gen.state = GenState::Completed);
    let front = with_gen(g, |gen| gen.queue.pop_front()).flatten();
    if let Some(req) = front {
        if rejected {
            reject_promise(cx, &req.promise, arg(args, 0))?;
        } else {
            let res = create_iter_result(cx, arg(args, 0), true)?;
            resolve_promise(cx, &req.promise, res)?;
        }
    }
    drain_queue(cx, g)?;
    Ok(Value::Undefined)
}

/// AsyncGenerator.prototype.next / return / throw. Spec: #sec-asyncgenerator-prototype-next
fn async_gen_method(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _: &Value,
    magic: u16,
) -> JsResult<Value> {
    let p = new_promise(cx)?;
    let v = arg(args, 0);
    let g = match this {
        Value::Object(o) if with_gen(o, |g| g.is_async) == Some(true) => o.clone(),
        _ => {
            let e = cx.make_error(Intrinsic::TypeErrorPrototype, "not an async generator")?;
            reject_promise(cx, &p, Value::Object(e))?;
            return Ok(Value::Object(p));
        }
    };
    let kind = magic as u8;
    let state = with_gen(&g, |gen| gen.state).unwrap_or(GenState::Completed);
    let mut state = state;
    if kind == 2 && state == GenState::SuspendedStart {
        with_gen(&g, |gen| {
            gen.state = GenState::Completed;
            gen.frame = None;
        });
        state = GenState::Completed;
    }
    if state == GenState::Completed {
        match kind {
            0 => {
                let r = create_iter_result(cx, Value::Undefined, true)?;
                resolve_promise(cx, &p, r)?;
                return Ok(Value::Object(p));
            }
            2 => {
                reject_promise(cx, &p, v)?;
                return Ok(Value::Object(p));
            }
            _ => {}
        }
    }
    with_gen(&g, |gen| {
        gen.queue.push_back(Request {
            kind,
            value: v.clone(),
            promise: p.clone(),
        })
    });
    match state {
        GenState::SuspendedStart if kind == 1 => {
            with_gen(&g, |gen| {
                gen.state = GenState::AwaitingReturn;
                gen.frame = None;
            });
            await_return(cx, &g, v)?;
        }
        GenState::Completed => {
            with_gen(&g, |gen| gen.state = GenState::AwaitingReturn);
            await_return(cx, &g, v)?;
        }
        GenState::SuspendedStart | GenState::SuspendedYield => {
            let (frame, at_delegate) = with_gen(&g, |gen| {
                gen.state = GenState::Executing;
                (gen.frame.take(), gen.at_delegate)
            })
            .unwrap_or((None, false));
            if let Some(f) = frame {
                if state == GenState::SuspendedStart {
                    run(cx, f, Resume::Start)?;
                } else {
                    match resume_frame_with(cx, f, kind, v, at_delegate) {
                        SuspendStep::Resume(f) => {
                            run(cx, f, Resume::Start)?;
                        }
                        SuspendStep::Throw(f, t) => {
                            run(cx, f, Resume::Throw(t))?;
                        }
                        SuspendStep::Deliver(r) => {
                            r?;
                        }
                    }
                }
            }
        }
        _ => {}
    }
    Ok(Value::Object(p))
}

// ------------------------------------------------------------------ intrinsics

static GENERATOR_PROTO: &[Builtin] = &[
    method!("next", 1, gen_next, 0),
    method!("return", 1, gen_next, 1),
    method!("throw", 1, gen_next, 2),
];

static ASYNC_GENERATOR_PROTO: &[Builtin] = &[
    method!("next", 1, async_gen_method, 0),
    method!("return", 1, async_gen_method, 1),
    method!("throw", 1, async_gen_method, 2),
];

fn return_this(_: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    Ok(this.clone())
}

static ITERATOR_PROTO: &[Builtin] = &[method!(@symbol SYM_ITERATOR, 0, return_this)];
static ASYNC_ITERATOR_PROTO: &[Builtin] = &[method!(@symbol SYM_ASYNC_ITERATOR, 0, return_this)];

fn tag(cx: &mut Cx, o: &Obj, s: &str) -> JsResult<()> {
    let t = cx.new_string(s)?;
    define_value(
        cx,
        o,
        Atom::SYM_TO_STRING_TAG,
        Value::String(t),
        attrs::CONFIGURABLE,
    )
}

fn ensure(cx: &mut Cx, i: Intrinsic, parent: Intrinsic, table: &[Builtin]) -> JsResult<Obj> {
    if let Some(o) = cx.intrinsic_obj(i) {
        return Ok(o);
    }
    let p = cx.intrinsic_obj(parent);
    let o = Obj::new(cx, p, ObjectData::Ordinary)?;
    install(cx, &o, table)?;
    cx.realm.set_intrinsic(i, Value::Object(o.clone()));
    Ok(o)
}

/// One function family: %XFunction% (constructor), %XFunction.prototype%, and for
/// generators %XFunction.prototype.prototype%.
fn function_family(
    cx: &mut Cx,
    name: &str,
    ctor_i: Intrinsic,
    fproto_i: Intrinsic,
    instance_proto: Option<Obj>,
    magic: u16,
) -> JsResult<()> {
    let fp = cx.intrinsic_obj(Intrinsic::FunctionPrototype);
    let fproto = Obj::new(cx, fp, ObjectData::Ordinary)?;
    cx.realm
        .set_intrinsic(fproto_i, Value::Object(fproto.clone()));
    let fctor = cx.intrinsic_obj(Intrinsic::Function);
    let atom = cx.intern(name);
    let ctor = crate::object::function::new_native_function(
        cx,
        super::global::dynamic_function_ctor,
        atom,
        1,
        magic,
        true,
    )?;
    ctor.borrow_mut().proto = fctor;
    define_value(cx, &ctor, Atom::Prototype, Value::Object(fproto.clone()), 0)?;
    define_value(
        cx,
        &fproto,
        Atom::Constructor,
        Value::Object(ctor.clone()),
        attrs::CONFIGURABLE,
    )?;
    cx.realm.set_intrinsic(ctor_i, Value::Object(ctor));
    if let Some(ip) = instance_proto {
        define_value(
            cx,
            &fproto,
            Atom::Prototype,
            Value::Object(ip.clone()),
            attrs::CONFIGURABLE,
        )?;
        define_value(
            cx,
            &ip,
            Atom::Constructor,
            Value::Object(fproto.clone()),
            attrs::CONFIGURABLE,
        )?;
    }
    tag(cx, &fproto, name)?;
    Ok(())
}

/// Installs the generator/async intrinsics.
pub fn init(cx: &mut Cx) -> JsResult<()> {
    ensure(
        cx,
        Intrinsic::IteratorPrototype,
        Intrinsic::ObjectPrototype,
        ITERATOR_PROTO,
    )?;
    ensure(
        cx,
        Intrinsic::AsyncIteratorPrototype,
        Intrinsic::ObjectPrototype,
        ASYNC_ITERATOR_PROTO,
    )?;
    let gp = ensure(
        cx,
        Intrinsic::GeneratorPrototype,
        Intrinsic::IteratorPrototype,
        GENERATOR_PROTO,
    )?;
    tag(cx, &gp, "Generator")?;
    let agp = ensure(
        cx,
        Intrinsic::AsyncGeneratorPrototype,
        Intrinsic::AsyncIteratorPrototype,
        ASYNC_GENERATOR_PROTO,
    )?;
    tag(cx, &agp, "AsyncGenerator")?;
    function_family(
        cx,
        "GeneratorFunction",
        Intrinsic::GeneratorFunction,
        Intrinsic::GeneratorFunctionPrototype,
        Some(gp),
        1,
    )?;
    function_family(
        cx,
        "AsyncGeneratorFunction",
        Intrinsic::AsyncGeneratorFunction,
        Intrinsic::AsyncGeneratorFunctionPrototype,
        Some(agp),
        3,
    )?;
    function_family(
        cx,
        "AsyncFunction",
        Intrinsic::AsyncFunction,
        Intrinsic::AsyncFunctionPrototype,
        None,
        2,
    )?;
    super::promise::init_async_from_sync(cx)?;
    Ok(())
}
