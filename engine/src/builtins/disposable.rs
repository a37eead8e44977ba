//! Explicit resource management (ES2026): the DisposeCapability record with its operations
//! (AddDisposableResource, CreateDisposableResource, GetDisposeMethod, and DisposeResources
//! as a resumable step machine), SuppressedError, and DisposableStack.
//!
//! Three consumers drive the same step machine ([`dispose_step`]): `using` / `await using`
//! scopes (the `dispose_*` opcodes, `vm/dispose.rs`, which Await in bytecode), DisposableStack
//! (synchronously, [`dispose_sync`]) and AsyncDisposableStack (`vm/dispose.rs`, through
//! promise reactions). Spec: proposal-explicit-resource-management, merged into ECMA-262
//! 2026 (#sec-disposeresources and neighbours; the bundled spec copy predates it).
//!
//! Invariants:
//! - A capability lives in an [`ObjectData::Disposable`] object. A `using` scope's object has
//!   no prototype and never reaches JS; DisposableStack/AsyncDisposableStack instances own
//!   theirs (`move()` hands the resource list to a new instance).
//! - [`dispose_step`] pops a resource before calling into JS and holds no `RefCell` borrow
//!   across the call, so a dispose method that re-enters (adds resources, disposes a stack)
//!   sees a consistent list and every resource is disposed at most once.
//! - The resource list's growth is charged to the heap before it happens (recorded in the
//!   object's `charged`, refunded when the object is freed).
//! - Uncatchable interrupts are never recorded as a disposal error: they propagate at once.

use super::{arg, install_class, Builtin, ClassDef, Val};
use crate::heap::Tracer;
use crate::object::ops::{define_value, get_method, ordinary_create_from_constructor};
use crate::object::{attrs, call, is_callable, trace_value, Obj, ObjectData};
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::value::conv::to_string;
use crate::value::Value;
use crate::{alias, getter, method, value};

// ------------------------------------------------------------------ the capability record

/// DisposableResource [[Hint]]. Spec: #sec-disposableresource-records
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Hint {
    Sync,
    Async,
}

impl Hint {
    /// The opcode operand encoding (`dispose_add`): 0 sync-dispose, 1 async-dispose.
    pub fn from_u8(b: u8) -> Hint {
        if b & 1 != 0 {
            Hint::Async
        } else {
            Hint::Sync
        }
    }
}

/// DisposableResource [[DisposeMethod]], with the two builtin closures of the spec
/// represented by what they do (they are never observable to scripts).
enum Method {
    /// `await using x = null/undefined`: nothing to call, but one Await is owed.
    None,
    /// Call(method, value).
    Call(Value),
    /// GetDisposeMethod step 1.b.ii: an @@dispose method used for an async-dispose hint.
    /// Called like `Call`, but its result is not awaited (the wrapper's promise resolves to
    /// undefined) and a throw becomes a rejected promise that is awaited.
    SyncAsAsync(Value),
    /// `adopt(value, onDispose)`: Call(onDispose, undefined, « value »).
    Adopt(Value),
}

/// A DisposableResource Record. Spec: #sec-disposableresource-records
struct Resource {
    value: Value,
    hint: Hint,
    method: Method,
}

/// A DisposeCapability Record plus the state of a DisposeResources run in progress.
/// Spec: #sec-disposecapability-records
#[derive(Default)]
struct DisposeCapability {
    stack: Vec<Resource>,
    /// The completion so far: `Some(e)` is a throw completion.
    error: Option<Value>,
    needs_await: bool,
    has_awaited: bool,
}

/// Who owns a capability object.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    /// The environment of a block/function/module/loop with `using` declarations.
    Scope,
    /// A DisposableStack ([[DisposableState]]).
    Sync,
    /// An AsyncDisposableStack ([[AsyncDisposableState]]).
    Async,
}

/// Payload of [`ObjectData::Disposable`].
pub struct Disposable {
    pub owner: Owner,
    /// [[DisposableState]] / [[AsyncDisposableState]] is ~disposed~.
    pub disposed: bool,
    cap: DisposeCapability,
}

impl Disposable {
    pub fn new(owner: Owner) -> Disposable {
        Disposable {
            owner,
            disposed: false,
            cap: DisposeCapability::default(),
        }
    }

    pub fn trace(&self, t: &mut Tracer<'_>) {
        for r in &self.cap.stack {
            trace_value(&r.value, t);
            match &r.method {
                Method::None => {}
                Method::Call(m) | Method::SyncAsAsync(m) | Method::Adopt(m) => trace_value(m, t),
            }
        }
        if let Some(e) = &self.cap.error {
            trace_value(e, t);
        }
    }
}

fn with_disposable<R>(o: &Obj, f: impl FnOnce(&mut Disposable) -> R) -> Option<R> {
    match &mut o.borrow_mut().class {
        ObjectData::Disposable(d) => Some(f(d)),
        _ => None,
    }
}

/// A new capability object for a scope with `using` declarations (never exposed to JS).
pub fn new_scope_capability(cx: &mut Cx) -> JsResult<Obj> {
    Obj::new(
        cx,
        None,
        ObjectData::Disposable(Box::new(Disposable::new(Owner::Scope))),
    )
}

/// Appends a resource, charging the list's growth first.
fn push_resource(cx: &mut Cx, o: &Obj, r: Resource) -> JsResult<()> {
    let grow = with_disposable(o, |d| {
        let s = &d.cap.stack;
        (s.len() == s.capacity()).then(|| s.capacity().max(2))
    });
    let Some(grow) = grow else {
        return Err(cx.throw_type_error("not a DisposeCapability holder"));
    };
    if let Some(extra) = grow {
        let bytes = extra.saturating_mul(std::mem::size_of::<Resource>());
        let charged = cx.heap.charge(bytes);
        cx.oom(charged)?;
        o.borrow_mut().add_charged(bytes);
        let reserved = with_disposable(o, |d| d.cap.stack.try_reserve_exact(extra).is_ok());
        if reserved != Some(true) {
            return Err(cx.throw_out_of_memory());
        }
    }
    with_disposable(o, |d| d.cap.stack.push(r));
    Ok(())
}

/// GetDisposeMethod(V, hint). Spec: #sec-getdisposemethod
fn get_dispose_method(cx: &mut Cx, v: &Value, hint: Hint) -> JsResult<Option<Method>> {
    // 1. If hint is async-dispose:
    if hint == Hint::Async {
        // a. method = ? GetMethod(V, @@asyncDispose).
        if let Some(m) = get_method(cx, v, crate::atoms::Atom::SYM_ASYNC_DISPOSE)? {
            return Ok(Some(Method::Call(m)));
        }
        // b. If undefined: method = ? GetMethod(V, @@dispose), wrapped (see `SyncAsAsync`).
        return Ok(get_method(cx, v, crate::atoms::Atom::SYM_DISPOSE)?.map(Method::SyncAsAsync));
    }
    // 2. Else, method = ? GetMethod(V, @@dispose).
    Ok(get_method(cx, v, crate::atoms::Atom::SYM_DISPOSE)?.map(Method::Call))
}

/// AddDisposableResource(disposeCapability, V, hint) without a method: `using`
/// declarations and `use()`. Spec: #sec-adddisposableresource, #sec-createdisposableresource
pub fn add_value(cx: &mut Cx, o: &Obj, v: &Value, hint: Hint) -> JsResult<()> {
    let resource = if v.is_nullish() {
        // 1.a. null/undefined with sync-dispose: nothing to do.
        if hint == Hint::Sync {
            return Ok(());
        }
        // 1.b. NOTE: async-dispose records the resource so that one Await happens.
        Resource {
            value: Value::Undefined,
            hint,
            method: Method::None,
        }
    } else {
        // CreateDisposableResource 1.b.i: V must be an Object.
        if !v.is_object() {
            return Err(cx.throw_type_error("using: the resource is not an object"));
        }
        // 1.b.ii-iii. method = ? GetDisposeMethod(V, hint); undefined is a TypeError.
        let Some(method) = get_dispose_method(cx, v, hint)? else {
            let what = if hint == Hint::Async {
                "Symbol.asyncDispose or Symbol.dispose"
            } else {
                "Symbol.dispose"
            };
            return Err(cx.throw_type_error(&format!("using: the resource has no {what} method")));
        };
        Resource {
            value: v.clone(),
            hint,
            method,
        }
    };
    // 3. Append resource to disposeCapability.[[DisposableResourceStack]].
    push_resource(cx, o, resource)
}

/// AddDisposableResource with a method (defer/adopt; the caller checked IsCallable).
fn add_callback(cx: &mut Cx, o: &Obj, value: Value, hint: Hint, method: Method) -> JsResult<()> {
    push_resource(
        cx,
        o,
        Resource {
            value,
            hint,
            method,
        },
    )
}

/// What DisposeResources needs next.
pub enum Step {
    /// Every resource is disposed; the completion is in the capability ([`take_completion`]).
    Done,
    /// Await(v), then record a rejection with [`record_error`], then step again.
    Await(Value),
}

enum Next {
    Done,
    AwaitUndefined,
    Resource(Resource),
}

/// Runs DisposeResources until it completes or must Await. Errors thrown by dispose methods
/// are recorded in the capability (step 3.e.iii); `Err` means an uncatchable interrupt or
/// running out of memory while recording. Spec: #sec-disposeresources
pub fn dispose_step(cx: &mut Cx, o: &Obj) -> JsResult<Step> {
    loop {
        cx.poll_interrupt(1)?;
        // 3. For each resource, in reverse list order (popped as it is disposed):
        let next = with_disposable(o, |d| {
            let c = &mut d.cap;
            match c.stack.last() {
                // 4. After the list: if needsAwait and not hasAwaited, Await(undefined).
                None if c.needs_await && !c.has_awaited => {
                    c.needs_await = false;
                    Next::AwaitUndefined
                }
                None => Next::Done,
                // 3.d. A sync resource after a pending `await using null`: Await(undefined).
                Some(r) if r.hint == Hint::Sync && c.needs_await && !c.has_awaited => {
                    c.needs_await = false;
                    Next::AwaitUndefined
                }
                Some(_) => c.stack.pop().map_or(Next::Done, Next::Resource),
            }
        });
        let r = match next {
            None | Some(Next::Done) => return Ok(Step::Done),
            Some(Next::AwaitUndefined) => return Ok(Step::Await(Value::Undefined)),
            Some(Next::Resource(r)) => r,
        };
        // 3.e.i. result = Completion(Call(method, value)).
        let result = match &r.method {
            Method::None => {
                // 3.f. Only `await using` of null/undefined has no method.
                with_disposable(o, |d| d.cap.needs_await = true);
                continue;
            }
            Method::Call(m) => call(cx, m, &r.value, &[]),
            Method::Adopt(f) => call(cx, f, &Value::Undefined, std::slice::from_ref(&r.value)),
            Method::SyncAsAsync(m) => {
                with_disposable(o, |d| d.cap.has_awaited = true);
                return match call(cx, m, &r.value, &[]) {
                    Ok(_) => Ok(Step::Await(Value::Undefined)),
                    Err(t) if cx.uncatchable => Err(t),
                    Err(_) => {
                        let e = cx.take_exception();
                        let p = crate::vm::promise::new_promise(cx)?;
                        crate::vm::promise::reject_promise(cx, &p, e)?;
                        Ok(Step::Await(Value::Object(p)))
                    }
                };
            }
        };
        match result {
            // 3.e.ii. Async hint: Await the result (by the caller); hasAwaited = true.
            Ok(v) if r.hint == Hint::Async => {
                with_disposable(o, |d| d.cap.has_awaited = true);
                return Ok(Step::Await(v));
            }
            Ok(_) => {}
            Err(t) if cx.uncatchable => return Err(t),
            Err(_) => {
                let e = cx.take_exception();
                record_error(cx, o, e)?;
            }
        }
    }
}

/// DisposeResources step 3.e.iii: a throw completion `e` replaces the completion so far;
/// if that was a throw completion too, it becomes SuppressedError(e, previous). Also records
/// the incoming throw completion of a scope (nothing pending yet).
pub fn record_error(cx: &mut Cx, o: &Obj, e: Value) -> JsResult<()> {
    let prev = with_disposable(o, |d| d.cap.error.take()).flatten();
    let completion = match prev {
        Some(suppressed) => Value::Object(new_suppressed_error(cx, e, suppressed)?),
        None => e,
    };
    with_disposable(o, |d| d.cap.error = Some(completion));
    Ok(())
}

/// Ends a DisposeResources run: the recorded throw completion, if any (steps 6-7).
pub fn take_completion(o: &Obj) -> Option<Value> {
    with_disposable(o, |d| {
        d.cap.needs_await = false;
        d.cap.has_awaited = false;
        d.cap.error.take()
    })
    .flatten()
}

/// DisposeResources(disposeCapability, completion) for capabilities whose resources are all
/// sync-dispose (DisposableStack, `using`-only scopes). `completion`: `Some(e)` for a throw.
pub fn dispose_sync(cx: &mut Cx, o: &Obj, completion: Option<Value>) -> JsResult<()> {
    if let Some(e) = completion {
        record_error(cx, o, e)?;
    }
    // `dispose_step` runs to the end unless an async-dispose resource needs an Await.
    if let Step::Await(_) = dispose_step(cx, o)? {
        return Err(cx.throw_internal_error("an async resource in a sync disposal"));
    }
    match take_completion(o) {
        Some(e) => Err(cx.throw(e)),
        None => Ok(()),
    }
}

// ------------------------------------------------------------------ SuppressedError

static SUPPRESSED_PROTO: &[Builtin] = &[
    value!("name", Val::Str("SuppressedError"), attrs::HIDDEN),
    value!("message", Val::Str(""), attrs::HIDDEN),
];

static SUPPRESSED_CLASS: ClassDef = ClassDef {
    name: "SuppressedError",
    ctor: Some((suppressed_error_ctor, 3, 0)),
    ctor_intrinsic: Some(Intrinsic::SuppressedError),
    ctor_parent: Some(Intrinsic::Error),
    proto_intrinsic: Some(Intrinsic::SuppressedErrorPrototype),
    proto_parent: Some(Intrinsic::ErrorPrototype),
    proto: SUPPRESSED_PROTO,
    ..ClassDef::DEFAULT
};

/// A SuppressedError made by DisposeResources (step 3.e.iii.1.c-e): `error` is the new
/// error, `suppressed` the one it replaces.
pub fn new_suppressed_error(cx: &mut Cx, error: Value, suppressed: Value) -> JsResult<Obj> {
    let proto = cx.intrinsic_obj(Intrinsic::SuppressedErrorPrototype);
    let o = Obj::new(cx, proto, ObjectData::Error)?;
    let (ek, sk) = (cx.intern("error"), cx.intern("suppressed"));
    define_value(cx, &o, ek, error, attrs::HIDDEN)?;
    define_value(cx, &o, sk, suppressed, attrs::HIDDEN)?;
    Ok(o)
}

/// SuppressedError(error, suppressed, message). Spec: #sec-suppressederror-constructor
fn suppressed_error_ctor(
    cx: &mut Cx,
    _: &Value,
    args: &[Value],
    nt: &Value,
    _: u16,
) -> JsResult<Value> {
    // 1. newTarget = NewTarget, or the active function.
    let nt = if nt.is_undefined() {
        cx.intrinsic(Intrinsic::SuppressedError)
    } else {
        nt.clone()
    };
    // 2. O = ? OrdinaryCreateFromConstructor(newTarget, %SuppressedError.prototype%, [[ErrorData]]).
    let o = ordinary_create_from_constructor(
        cx,
        &nt,
        Intrinsic::SuppressedErrorPrototype,
        ObjectData::Error,
    )?;
    // 3. If message is not undefined: "message" = ? ToString(message).
    let msg = arg(args, 2);
    if !msg.is_undefined() {
        let m = to_string(cx, &msg)?;
        define_value(
            cx,
            &o,
            crate::atoms::Atom::Message,
            Value::String(m),
            attrs::HIDDEN,
        )?;
    }
    // 4-5. "error" and "suppressed".
    let (ek, sk) = (cx.intern("error"), cx.intern("suppressed"));
    define_value(cx, &o, ek, arg(args, 0), attrs::HIDDEN)?;
    define_value(cx, &o, sk, arg(args, 1), attrs::HIDDEN)?;
    Ok(Value::Object(o))
}

// ------------------------------------------------------------------ DisposableStack

static STACK_PROTO: &[Builtin] = &[
    method!("adopt", 2, adopt, Owner::Sync as u16),
    method!("defer", 1, defer, Owner::Sync as u16),
    method!("dispose", 0, dispose),
    getter!("disposed", disposed, Owner::Sync as u16),
    method!("move", 0, move_stack, Owner::Sync as u16),
    method!("use", 1, use_value, Owner::Sync as u16),
    alias!(@symbol SYM_DISPOSE, "dispose"),
    value!(@symbol SYM_TO_STRING_TAG, Val::Str("DisposableStack"), attrs::CONFIGURABLE),
];

static STACK_CLASS: ClassDef = ClassDef {
    name: "DisposableStack",
    ctor: Some((stack_ctor, 0, Owner::Sync as u16)),
    ctor_intrinsic: Some(Intrinsic::DisposableStack),
    proto_intrinsic: Some(Intrinsic::DisposableStackPrototype),
    proto: STACK_PROTO,
    ..ClassDef::DEFAULT
};

pub fn init(cx: &mut Cx) -> JsResult<()> {
    install_class(cx, &SUPPRESSED_CLASS)?;
    install_class(cx, &STACK_CLASS)?;
    Ok(())
}

fn owner_of(magic: u16) -> Owner {
    if magic == Owner::Async as u16 {
        Owner::Async
    } else {
        Owner::Sync
    }
}

fn class_name(owner: Owner) -> &'static str {
    match owner {
        Owner::Async => "AsyncDisposableStack",
        _ => "DisposableStack",
    }
}

/// DisposableStack() / AsyncDisposableStack() (magic = [`Owner`]).
/// Spec: #sec-disposablestack, #sec-asyncdisposablestack
pub fn stack_ctor(cx: &mut Cx, _: &Value, _: &[Value], nt: &Value, magic: u16) -> JsResult<Value> {
    let owner = owner_of(magic);
    // 1. If NewTarget is undefined, throw a TypeError.
    if nt.is_undefined() {
        let name = class_name(owner);
        return Err(cx.throw_type_error(&format!("{name} constructor requires 'new'")));
    }
    // 2-4. OrdinaryCreateFromConstructor with state pending and a new capability.
    let proto = if owner == Owner::Async {
        Intrinsic::AsyncDisposableStackPrototype
    } else {
        Intrinsic::DisposableStackPrototype
    };
    let o = ordinary_create_from_constructor(
        cx,
        nt,
        proto,
        ObjectData::Disposable(Box::new(Disposable::new(owner))),
    )?;
    Ok(Value::Object(o))
}

/// RequireInternalSlot(this, [[DisposableState]] / [[AsyncDisposableState]]); returns the
/// object and whether it is disposed.
pub fn this_stack(cx: &mut Cx, this: &Value, owner: Owner, what: &str) -> JsResult<(Obj, bool)> {
    if let Value::Object(o) = this {
        if let Some(Some(disposed)) =
            with_disposable(o, |d| (d.owner == owner).then_some(d.disposed))
        {
            return Ok((o.clone(), disposed));
        }
    }
    let name = class_name(owner);
    Err(cx.throw_type_error(&format!(
        "{name}.prototype.{what} called on an incompatible receiver"
    )))
}

/// Like [`this_stack`], and a ReferenceError if the stack is already disposed.
fn pending_stack(cx: &mut Cx, this: &Value, owner: Owner, what: &str) -> JsResult<Obj> {
    let (o, disposed) = this_stack(cx, this, owner, what)?;
    if disposed {
        let name = class_name(owner);
        return Err(cx.throw_reference_error(&format!("{name} already disposed")));
    }
    Ok(o)
}

fn hint_of(owner: Owner) -> Hint {
    if owner == Owner::Async {
        Hint::Async
    } else {
        Hint::Sync
    }
}

/// Marks a stack disposed (returns false if it already was).
pub fn mark_disposed(o: &Obj) -> bool {
    with_disposable(o, |d| !std::mem::replace(&mut d.disposed, true)).unwrap_or(false)
}

/// `adopt(value, onDispose)`. Spec: #sec-disposablestack.prototype.adopt,
/// #sec-asyncdisposablestack.prototype.adopt
pub fn adopt(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let owner = owner_of(magic);
    // 1-3. Receiver checks; disposed → ReferenceError.
    let o = pending_stack(cx, this, owner, "adopt")?;
    // 4. If IsCallable(onDispose) is false, throw a TypeError.
    let on_dispose = arg(args, 1);
    if !is_callable(&on_dispose) {
        return Err(cx.throw_type_error("adopt: onDispose is not callable"));
    }
    // 5-7. F = () => Call(onDispose, undefined, « value »); AddDisposableResource(undefined, hint, F).
    let value = arg(args, 0);
    add_callback(
        cx,
        &o,
        value.clone(),
        hint_of(owner),
        Method::Adopt(on_dispose),
    )?;
    // 8. Return value.
    Ok(value)
}

/// `defer(onDispose)`. Spec: #sec-disposablestack.prototype.defer,
/// #sec-asyncdisposablestack.prototype.defer
pub fn defer(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let owner = owner_of(magic);
    let o = pending_stack(cx, this, owner, "defer")?;
    // 4. If IsCallable(onDispose) is false, throw a TypeError.
    let on_dispose = arg(args, 0);
    if !is_callable(&on_dispose) {
        return Err(cx.throw_type_error("defer: onDispose is not callable"));
    }
    // 5. AddDisposableResource(cap, undefined, hint, onDispose).
    add_callback(
        cx,
        &o,
        Value::Undefined,
        hint_of(owner),
        Method::Call(on_dispose),
    )?;
    Ok(Value::Undefined)
}

/// `use(value)`. Spec: #sec-disposablestack.prototype.use,
/// #sec-asyncdisposablestack.prototype.use
pub fn use_value(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _: &Value,
    magic: u16,
) -> JsResult<Value> {
    let owner = owner_of(magic);
    let o = pending_stack(cx, this, owner, "use")?;
    // 4. Perform ? AddDisposableResource(cap, value, hint).
    let value = arg(args, 0);
    add_value(cx, &o, &value, hint_of(owner))?;
    Ok(value)
}

/// `get disposed`. Spec: #sec-get-disposablestack.prototype.disposed
pub fn disposed(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let (_, d) = this_stack(cx, this, owner_of(magic), "disposed")?;
    Ok(Value::Bool(d))
}

/// `move()`. Spec: #sec-disposablestack.prototype.move,
/// #sec-asyncdisposablestack.prototype.move
pub fn move_stack(
    cx: &mut Cx,
    this: &Value,
    _: &[Value],
    _: &Value,
    magic: u16,
) -> JsResult<Value> {
    let owner = owner_of(magic);
    let o = pending_stack(cx, this, owner, "move")?;
    // 4-5. newStack = OrdinaryCreateFromConstructor(%DisposableStack%, ...), pending.
    let ctor = if owner == Owner::Async {
        cx.intrinsic(Intrinsic::AsyncDisposableStack)
    } else {
        cx.intrinsic(Intrinsic::DisposableStack)
    };
    let Value::Object(n) = stack_ctor(cx, &Value::Undefined, &[], &ctor, owner as u16)? else {
        return Err(cx.throw_internal_error("move: the new stack is not an object"));
    };
    // 6-8. The capability moves (with the bytes charged for its list); the old stack gets
    // an empty one and is disposed.
    let taken = with_disposable(&o, |d| {
        d.disposed = true;
        std::mem::take(&mut d.cap)
    });
    if let Some(cap) = taken {
        let bytes = cap.stack.capacity() * std::mem::size_of::<Resource>();
        o.borrow_mut().sub_charged(bytes);
        n.borrow_mut().add_charged(bytes);
        let old = with_disposable(&n, |d| std::mem::replace(&mut d.cap, cap));
        drop(old);
    }
    Ok(Value::Object(n))
}

/// DisposableStack.prototype.dispose / [@@dispose]. Spec: #sec-disposablestack.prototype.dispose
fn dispose(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, _) = this_stack(cx, this, Owner::Sync, "dispose")?;
    // 2-3. Already disposed: undefined; else mark it disposed.
    if !mark_disposed(&o) {
        return Ok(Value::Undefined);
    }
    // 4. Return ? DisposeResources(cap, NormalCompletion(undefined)).
    dispose_sync(cx, &o, None)?;
    Ok(Value::Undefined)
}
