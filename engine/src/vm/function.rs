//! Bytecode closures: the [`Closure`] payload, function object creation (`fclosure`:
//! OrdinaryFunctionCreate + MakeConstructor), [[Call]]/[[Construct]] entry from native code
//! ([`call_vm_object`]) and frame preparation shared with the interpreter's JS→JS calls
//! ([`prepare_frame`]: class-constructor check, OrdinaryCallBindThis, the frame mode).
//!
//! Spec: #sec-ecmascript-function-objects

use super::frame::{Frame, FrameMode};
use super::{interp, vm_data, Cell, VmObject};
use crate::atoms::Atom;
use crate::bytecode::{FunctionBytecode, FunctionFlags, FunctionKind};
use crate::heap::Tracer;
use crate::object::ops::{define_value, get, get_prototype_from_constructor};
use crate::object::{attrs, trace_value, Obj, ObjectData};
use crate::realm::{Cx, Intrinsic, JsResult, RealmId};
use crate::value::Value;
use std::rc::Rc;

/// The internal slots of a function object over bytecode.
pub struct Closure {
    pub bc: Rc<FunctionBytecode>,
    pub refs: Rc<[Cell]>,
    /// [[HomeObject]].
    pub home_object: Option<Obj>,
    /// [[Fields]]: the instance elements initializer of a class constructor.
    pub fields_init: Value,
    /// [[Realm]]: the realm current when the function was created; its frames run there.
    pub realm: RealmId,
}

impl Closure {
    pub fn trace(&self, t: &mut Tracer<'_>) {
        for c in self.refs.iter() {
            t.edge(c);
        }
        if let Some(h) = &self.home_object {
            t.edge(h.gc());
        }
        trace_value(&self.fields_init, t);
    }
    pub fn is_constructor(&self) -> bool {
        self.bc.flags.has(FunctionFlags::CONSTRUCTOR)
    }
}

/// The closure payload of a function object, if it is one (cloned parts).
pub fn closure_parts(o: &Obj) -> Option<(Rc<FunctionBytecode>, Rc<[Cell]>, RealmId)> {
    let b = o.borrow();
    match &b.class {
        ObjectData::Vm(v) => match &**v {
            VmObject::Closure(c) => Some((c.bc.clone(), c.refs.clone(), c.realm)),
            _ => None,
        },
        _ => None,
    }
}

/// Runs `f` on the closure payload of `o` (mutable), if it is one.
pub fn with_closure<R>(o: &Obj, f: impl FnOnce(&mut Closure) -> R) -> Option<R> {
    let mut b = o.borrow_mut();
    match &mut b.class {
        ObjectData::Vm(v) => match &mut **v {
            VmObject::Closure(c) => Some(f(c)),
            _ => None,
        },
        _ => None,
    }
}

/// The intrinsic [[Prototype]] of a function object of this kind.
fn function_proto_intrinsic(bc: &FunctionBytecode) -> Intrinsic {
    let is_async = bc.flags.has(FunctionFlags::ASYNC);
    let is_gen = bc.flags.has(FunctionFlags::GENERATOR);
    match (is_async, is_gen) {
        (false, false) => Intrinsic::FunctionPrototype,
        (false, true) => Intrinsic::GeneratorFunctionPrototype,
        (true, false) => Intrinsic::AsyncFunctionPrototype,
        (true, true) => Intrinsic::AsyncGeneratorFunctionPrototype,
    }
}

/// Creates the function object for `bc` with captured `refs` (the `fclosure` op).
/// Spec: #sec-ordinaryfunctioncreate, #sec-makeconstructor
pub fn create_closure(cx: &mut Cx, bc: Rc<FunctionBytecode>, refs: Rc<[Cell]>) -> JsResult<Obj> {
    let proto = cx
        .intrinsic_obj(function_proto_intrinsic(&bc))
        .or_else(|| cx.intrinsic_obj(Intrinsic::FunctionPrototype));
    let name = bc.name;
    let length = bc.length;
    let kind = bc.kind;
    let flags = bc.flags;
    let closure = Closure {
        bc,
        refs,
        home_object: None,
        fields_init: Value::Undefined,
        realm: cx.realm_id(),
    };
    let f = Obj::new(cx, proto, vm_data(VmObject::Closure(closure)))?;
    define_value(
        cx,
        &f,
        Atom::Length,
        Value::number(length as f64),
        attrs::CONFIGURABLE,
    )?;
    let n = crate::object::function::function_name_string(cx, name, None)?;
    define_value(cx, &f, Atom::Name, Value::String(n), attrs::CONFIGURABLE)?;
    let is_gen = flags.has(FunctionFlags::GENERATOR);
    let is_async = flags.has(FunctionFlags::ASYNC);
    if is_gen {
        // Generators: a prototype object inheriting %GeneratorPrototype%, no constructor.
        let pi = if is_async {
            Intrinsic::AsyncGeneratorPrototype
        } else {
            Intrinsic::GeneratorPrototype
        };
        let pp = cx.intrinsic_obj(pi);
        let p = Obj::new(cx, pp, ObjectData::Ordinary)?;
        define_value(cx, &f, Atom::Prototype, Value::Object(p), attrs::WRITABLE)?;
    } else if kind == FunctionKind::Normal && flags.has(FunctionFlags::CONSTRUCTOR) {
        // MakeConstructor: prototype.constructor = F.
        let op = cx.intrinsic_obj(Intrinsic::ObjectPrototype);
        let p = Obj::new(cx, op, ObjectData::Ordinary)?;
        define_value(
            cx,
            &p,
            Atom::Constructor,
            Value::Object(f.clone()),
            attrs::HIDDEN,
        )?;
        define_value(cx, &f, Atom::Prototype, Value::Object(p), attrs::WRITABLE)?;
    }
    Ok(f)
}

/// [[Call]] / [[Construct]] of a VM function object from native code (`new_target`
/// undefined means [[Call]]). Re-enters the interpreter.
pub fn call_vm_object(
    cx: &mut Cx,
    fo: &Obj,
    this: &Value,
    args: &[Value],
    new_target: &Value,
) -> JsResult<Value> {
    let frame = prepare_frame(cx, fo, this, args, new_target)?;
    interp::run(cx, frame, interp::Resume::Start)
}

/// Builds the frame for calling closure `fo`. Spec: #sec-ecmascript-function-objects-call-thisargument-argumentslist,
/// #sec-ecmascript-function-objects-construct-argumentslist-newtarget, #sec-ordinarycallbindthis
pub fn prepare_frame(
    cx: &mut Cx,
    fo: &Obj,
    this: &Value,
    args: &[Value],
    new_target: &Value,
) -> JsResult<Box<Frame>> {
    let Some((bc, refs, realm)) = closure_parts(fo) else {
        return Err(cx.throw_type_error("not a function"));
    };
    // PrepareForOrdinaryCall: the callee's realm is current while its frame is set up (the
    // class-constructor TypeError, the async promise and the global `this` belong to it).
    cx.in_realm(realm, |cx| {
        prepare_frame_in_realm(cx, fo, bc, refs, realm, this, args, new_target)
    })
}

#[allow(clippy::too_many_arguments)]
fn prepare_frame_in_realm(
    cx: &mut Cx,
    fo: &Obj,
    bc: Rc<FunctionBytecode>,
    refs: Rc<[Cell]>,
    realm: RealmId,
    this: &Value,
    args: &[Value],
    new_target: &Value,
) -> JsResult<Box<Frame>> {
    let constructing = !new_target.is_undefined();
    let kind = bc.kind;
    let (this_v, mode) = if constructing {
        match kind {
            FunctionKind::DerivedConstructor => (Value::Uninitialized, FrameMode::Call),
            _ => {
                // OrdinaryCreateFromConstructor(newTarget, "%Object.prototype%").
                let proto =
                    get_prototype_from_constructor(cx, new_target, Intrinsic::ObjectPrototype)?;
                let o = Obj::new(cx, proto, ObjectData::Ordinary)?;
                (Value::Object(o), FrameMode::Construct)
            }
        }
    } else {
        if matches!(
            kind,
            FunctionKind::ClassConstructor | FunctionKind::DerivedConstructor
        ) {
            let name = cx.atom_name(bc.name);
            return Err(cx.throw_type_error(&format!(
                "Class constructor {name} cannot be invoked without 'new'"
            )));
        }
        let t = if bc.is_strict() || kind == FunctionKind::Arrow {
            this.clone()
        } else {
            match this {
                Value::Undefined | Value::Null => Value::Object(cx.global()),
                Value::Object(_) => this.clone(),
                _ => Value::Object(crate::value::conv::to_object(cx, this)?),
            }
        };
        let gen = bc.flags.has(FunctionFlags::GENERATOR);
        let is_async = bc.flags.has(FunctionFlags::ASYNC);
        let mode = match (is_async, gen) {
            (false, false) => FrameMode::Call,
            (false, true) => FrameMode::GeneratorStart,
            (true, true) => FrameMode::AsyncGeneratorStart,
            (true, false) => FrameMode::Async(super::promise::new_promise(cx)?),
        };
        (t, mode)
    };
    let mut frame = Frame::new(
        bc,
        Value::Object(fo.clone()),
        refs,
        args,
        this_v,
        if constructing {
            new_target.clone()
        } else {
            Value::Undefined
        },
        mode,
    );
    frame.realm = realm;
    Ok(Box::new(frame))
}

/// The `prototype` of a generator function, for its generator objects
/// (GetPrototypeFromConstructor with the intrinsic fallback).
pub fn generator_proto(cx: &mut Cx, func: &Value, fallback: Intrinsic) -> JsResult<Option<Obj>> {
    if let Value::Object(f) = func {
        let p = get(cx, f, Atom::Prototype)?;
        if let Value::Object(p) = p {
            return Ok(Some(p));
        }
    }
    Ok(cx.intrinsic_obj(fallback))
}
