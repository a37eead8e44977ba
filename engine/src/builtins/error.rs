//! The Error hierarchy: Error, the NativeErrors, AggregateError and InternalError, with
//! `cause` (InstallErrorCause) and Error.prototype.toString. The `stack` property is set by
//! the VM when it creates/throws errors. Spec: #sec-error-objects

use super::{arg, install_class, Builtin, ClassDef, Val};
use crate::atoms::Atom;
use crate::object::ops::{
    create_array_from_list, define_value, get, ordinary_create_from_constructor,
};
use crate::object::{attrs, Obj, ObjectData};
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::value::conv::to_string;
use crate::value::Value;
use crate::{method, value};

static ERROR_STATICS: &[Builtin] = &[method!("isError", 1, is_error_fn)];

static ERROR_PROTO: &[Builtin] = &[
    value!("name", Val::Str("Error"), attrs::HIDDEN),
    value!("message", Val::Str(""), attrs::HIDDEN),
    method!("toString", 0, error_to_string),
];

macro_rules! native_error_tables {
    ($($table:ident = $name:literal),* $(,)?) => {
        $(static $table: &[Builtin] = &[
            value!("name", Val::Str($name), attrs::HIDDEN),
            value!("message", Val::Str(""), attrs::HIDDEN),
        ];)*
    };
}
native_error_tables!(
    EVAL = "EvalError",
    RANGE = "RangeError",
    REFERENCE = "ReferenceError",
    SYNTAX = "SyntaxError",
    TYPE = "TypeError",
    URI = "URIError",
    AGGREGATE = "AggregateError",
    INTERNAL = "InternalError",
);

/// (name, constructor intrinsic, prototype intrinsic, prototype table) of each NativeError;
/// the index is the constructor's `magic`.
const NATIVE: &[(&str, Intrinsic, Intrinsic, &[Builtin])] = &[
    (
        "Error",
        Intrinsic::Error,
        Intrinsic::ErrorPrototype,
        ERROR_PROTO,
    ),
    (
        "EvalError",
        Intrinsic::EvalError,
        Intrinsic::EvalErrorPrototype,
        EVAL,
    ),
    (
        "RangeError",
        Intrinsic::RangeError,
        Intrinsic::RangeErrorPrototype,
        RANGE,
    ),
    (
        "ReferenceError",
        Intrinsic::ReferenceError,
        Intrinsic::ReferenceErrorPrototype,
        REFERENCE,
    ),
    (
        "SyntaxError",
        Intrinsic::SyntaxError,
        Intrinsic::SyntaxErrorPrototype,
        SYNTAX,
    ),
    (
        "TypeError",
        Intrinsic::TypeError,
        Intrinsic::TypeErrorPrototype,
        TYPE,
    ),
    (
        "URIError",
        Intrinsic::URIError,
        Intrinsic::URIErrorPrototype,
        URI,
    ),
    (
        "InternalError",
        Intrinsic::InternalError,
        Intrinsic::InternalErrorPrototype,
        INTERNAL,
    ),
    (
        "AggregateError",
        Intrinsic::AggregateError,
        Intrinsic::AggregateErrorPrototype,
        AGGREGATE,
    ),
];
const AGGREGATE_MAGIC: u16 = 8;

pub fn init(cx: &mut Cx) -> JsResult<()> {
    for (i, &(name, ctor, proto, table)) in NATIVE.iter().enumerate() {
        let is_base = i == 0;
        let def = ClassDef {
            name,
            ctor: Some((
                error_constructor,
                if i as u16 == AGGREGATE_MAGIC { 2 } else { 1 },
                i as u16,
            )),
            ctor_intrinsic: Some(ctor),
            ctor_parent: if is_base {
                None
            } else {
                Some(Intrinsic::Error)
            },
            proto_intrinsic: Some(proto),
            proto_parent: if is_base {
                None
            } else {
                Some(Intrinsic::ErrorPrototype)
            },
            proto: table,
            statics: if is_base { ERROR_STATICS } else { &[] },
            ..ClassDef::DEFAULT
        };
        install_class(cx, &def)?;
    }
    Ok(())
}

/// Error / NativeError / AggregateError constructors (magic = index in `NATIVE`).
/// Spec: #sec-error-message, #sec-nativeerror, #sec-aggregate-error
fn error_constructor(
    cx: &mut Cx,
    _: &Value,
    args: &[Value],
    nt: &Value,
    magic: u16,
) -> JsResult<Value> {
    let (_, ctor, proto, _) = NATIVE[(magic as usize).min(NATIVE.len() - 1)];
    // 1. newTarget = NewTarget or the active function.
    let nt = if nt.is_undefined() {
        cx.intrinsic(ctor)
    } else {
        nt.clone()
    };
    // 2. O = OrdinaryCreateFromConstructor(newTarget, proto, [[ErrorData]]).
    let o = ordinary_create_from_constructor(cx, &nt, proto, ObjectData::Error)?;
    let (msg, options) = if magic == AGGREGATE_MAGIC {
        (arg(args, 1), arg(args, 2))
    } else {
        (arg(args, 0), arg(args, 1))
    };
    // 3. message.
    if !msg.is_undefined() {
        let m = to_string(cx, &msg)?;
        define_value(cx, &o, Atom::Message, Value::String(m), attrs::HIDDEN)?;
    }
    // 4. InstallErrorCause(O, options). Spec: #sec-installerrorcause
    if let Value::Object(opts) = &options {
        if opts.has_property(cx, Atom::Cause)? {
            let c = get(cx, opts, Atom::Cause)?;
            define_value(cx, &o, Atom::Cause, c, attrs::HIDDEN)?;
        }
    }
    // AggregateError: errors = CreateArrayFromList(IteratorToList(errors)).
    if magic == AGGREGATE_MAGIC {
        let list = iterable_to_list(cx, &arg(args, 0))?;
        let a = create_array_from_list(cx, &list)?;
        define_value(cx, &o, Atom::Errors, Value::Object(a), attrs::HIDDEN)?;
    }
    // Not in the spec (as QuickJS): an own `stack` string with the frames active at
    // construction, one `    at name (file:line:column)` line each.
    let stack = crate::vm::global::stack_string(cx);
    let stack = cx.new_string(&stack)?;
    define_value(cx, &o, Atom::Stack, Value::String(stack), attrs::HIDDEN)?;
    Ok(Value::Object(o))
}

/// IteratorToList(GetIterator(v, sync)). Spec: #sec-iteratortolist
fn iterable_to_list(cx: &mut Cx, v: &Value) -> JsResult<Vec<Value>> {
    let rec = crate::object::ops::get_iterator(cx, v)?;
    let mut out = Vec::new();
    loop {
        cx.poll_interrupt(1)?;
        match crate::object::ops::iterator_step_value(cx, &rec)? {
            Some(x) => out.push(x),
            None => return Ok(out),
        }
    }
}

/// Error.prototype.toString. Spec: #sec-error.prototype.tostring
fn error_to_string(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let Value::Object(o) = this else {
        return Err(cx.throw_type_error("Error.prototype.toString called on non-object"));
    };
    let name = get(cx, o, Atom::Name)?;
    let name = if name.is_undefined() {
        cx.new_string("Error")?
    } else {
        to_string(cx, &name)?
    };
    let msg = get(cx, o, Atom::Message)?;
    let msg = if msg.is_undefined() {
        cx.new_string("")?
    } else {
        to_string(cx, &msg)?
    };
    if name.is_empty() {
        return Ok(Value::String(msg));
    }
    if msg.is_empty() {
        return Ok(Value::String(name));
    }
    let sep = cx.new_string(": ")?;
    let a = cx.concat_strings(&name, &sep)?;
    Ok(Value::String(cx.concat_strings(&a, &msg)?))
}

/// Error.isError(arg): has [[ErrorData]] (proxies are not looked through).
/// Spec: proposal-is-error, #sec-error.iserror
fn is_error_fn(_: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    Ok(Value::Bool(
        matches!(arg(args, 0), Value::Object(o) if is_error(&o)),
    ))
}

/// Is `o` an Error instance (has [[ErrorData]])?
pub fn is_error(o: &Obj) -> bool {
    matches!(o.borrow().class, ObjectData::Error)
}
