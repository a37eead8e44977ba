//! Function.prototype (apply, bind, call, toString, @@hasInstance), the Function
//! constructor entry and %ThrowTypeError%. Spec: #sec-properties-of-the-function-prototype-object

use super::{arg, install_class, Builtin, ClassDef};
use crate::atoms::Atom;
use crate::method;
use crate::object::function::bound_function_create;
use crate::object::ops::{
    create_list_from_array_like, define_value, get, has_own_property, ordinary_has_instance,
};
use crate::object::{attrs, call, is_callable, ObjectData, PropertyDescriptor};
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::value::conv::to_integer_or_infinity;
use crate::value::Value;

static PROTOTYPE: &[Builtin] = &[
    method!("apply", 2, apply),
    method!("bind", 1, bind),
    method!("call", 1, call_method),
    method!("toString", 0, to_string),
    method!(@symbol SYM_HAS_INSTANCE, 1, has_instance),
];

static CLASS: ClassDef = ClassDef {
    name: "Function",
    ctor: Some((function_constructor, 1, 0)),
    ctor_intrinsic: Some(Intrinsic::Function),
    proto_intrinsic: Some(Intrinsic::FunctionPrototype),
    proto: PROTOTYPE,
    ..ClassDef::DEFAULT
};

pub fn init(cx: &mut Cx) -> JsResult<()> {
    install_class(cx, &CLASS)?;
    // Function.prototype[@@hasInstance] is not writable/configurable.
    if let Some(fp) = cx.intrinsic_obj(Intrinsic::FunctionPrototype) {
        let h = get(cx, &fp, Atom::SYM_HAS_INSTANCE)?;
        define_value(cx, &fp, Atom::SYM_HAS_INSTANCE, h, 0)?;
        // %ThrowTypeError%: frozen, length 0, name "". Spec: #sec-%throwtypeerror%
        let t = crate::object::function::new_native_function(
            cx,
            throw_type_error,
            Atom::Empty,
            0,
            0,
            false,
        )?;
        define_value(cx, &t, Atom::Length, Value::Int(0), 0)?;
        let empty = cx.new_string("")?;
        define_value(cx, &t, Atom::Name, Value::String(empty), 0)?;
        t.borrow_mut().extensible = false;
        cx.realm
            .set_intrinsic(Intrinsic::ThrowTypeError, Value::Object(t.clone()));
        // AddRestrictedFunctionProperties(%Function.prototype%): caller and arguments.
        // Spec: #sec-addrestrictedfunctionproperties
        for key in [Atom::Caller, Atom::Arguments] {
            let mut b = fp.borrow_mut();
            b.add(
                cx,
                key,
                crate::object::PropValue::Accessor(Some(t.clone()), Some(t.clone())),
                attrs::CONFIGURABLE,
            )?;
        }
    }
    Ok(())
}

/// The behaviour of %Function.prototype% itself: accepts anything, returns undefined.
pub(super) fn function_prototype_call(
    _: &mut Cx,
    _: &Value,
    _: &[Value],
    _: &Value,
    _: u16,
) -> JsResult<Value> {
    Ok(Value::Undefined)
}

/// %ThrowTypeError%.
fn throw_type_error(cx: &mut Cx, _: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    Err(cx.throw_type_error("'caller', 'callee', and 'arguments' properties may not be accessed on strict mode functions or the arguments objects for calls to them"))
}

/// Function(...params, body). Needs the compiler: wired by the VM.
fn function_constructor(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    nt: &Value,
    _: u16,
) -> JsResult<Value> {
    crate::vm::global::dynamic_function_ctor(cx, this, args, nt, 0)
}

/// Function.prototype.apply. Spec: #sec-function.prototype.apply
fn apply(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    if !is_callable(this) {
        return Err(cx.throw_type_error("Function.prototype.apply called on non-function"));
    }
    let arr = arg(args, 1);
    if arr.is_nullish() {
        return call(cx, this, &arg(args, 0), &[]);
    }
    let list = create_list_from_array_like(cx, &arr, false)?;
    call(cx, this, &arg(args, 0), &list)
}

/// Function.prototype.call. Spec: #sec-function.prototype.call
fn call_method(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    if !is_callable(this) {
        return Err(cx.throw_type_error("Function.prototype.call called on non-function"));
    }
    let rest = if args.is_empty() { &[][..] } else { &args[1..] };
    call(cx, this, &arg(args, 0), rest)
}

/// Function.prototype.bind. Spec: #sec-function.prototype.bind
fn bind(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 1-2.
    let Value::Object(target) = this else {
        return Err(cx.throw_type_error("Bind must be called on a function"));
    };
    if !is_callable(this) {
        return Err(cx.throw_type_error("Bind must be called on a function"));
    }
    // 3.
    let bargs: Vec<Value> = args.iter().skip(1).cloned().collect();
    let nargs = bargs.len() as f64;
    let f = bound_function_create(cx, target, arg(args, 0), bargs)?;
    // 4-6. length.
    let mut l = 0.0;
    if has_own_property(cx, target, Atom::Length)? {
        let tl = get(cx, target, Atom::Length)?;
        if let Some(n) = tl.as_number() {
            if n == f64::INFINITY {
                l = f64::INFINITY;
            } else if n != f64::NEG_INFINITY {
                let ti = to_integer_or_infinity(cx, &tl)?;
                l = (ti - nargs).max(0.0);
            }
        }
    }
    define_value(cx, &f, Atom::Length, Value::number(l), attrs::CONFIGURABLE)?;
    // 7-9. name = "bound " + targetName.
    let tn = get(cx, target, Atom::Name)?;
    let tn = match tn {
        Value::String(s) => s,
        _ => cx.new_string("")?,
    };
    let prefix = cx.new_string("bound ")?;
    let name = cx.concat_strings(&prefix, &tn)?;
    define_value(cx, &f, Atom::Name, Value::String(name), attrs::CONFIGURABLE)?;
    Ok(Value::Object(f))
}

/// Function.prototype.toString. Spec: #sec-function.prototype.tostring
fn to_string(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let Value::Object(o) = this else {
        return Err(
            cx.throw_type_error("Function.prototype.toString requires that 'this' be a Function")
        );
    };
    if !o.is_callable() {
        return Err(
            cx.throw_type_error("Function.prototype.toString requires that 'this' be a Function")
        );
    }
    if let Some(src) = crate::vm::global::function_source_text(o) {
        return Ok(Value::String(cx.new_string(&src)?));
    }
    // The name is the function's own `name` data property as created ([[InitialName]] is
    // not kept; a getter is never run). Bound functions have no [[InitialName]] and print
    // anonymously, as V8 and SpiderMonkey do ("bound f" is not a PropertyName).
    let bound = matches!(o.borrow().class, ObjectData::BoundFunction(_));
    let name = match o.get_own_property(cx, Atom::Name)? {
        Some(PropertyDescriptor {
            value: Some(Value::String(s)),
            ..
        }) if !bound => s.to_rust_string(),
        _ => String::new(),
    };
    let name = if is_native_function_name(&name) {
        name
    } else {
        String::new()
    };
    // NativeFunction syntax: `function name() { [native code] }`.
    let text = format!("function {name}() {{\n    [native code]\n}}");
    Ok(Value::String(cx.new_string(&text)?))
}

/// Does `name` fit NativeFunction's `NativeFunctionAccessor? PropertyName?` (an optional
/// `get `/`set ` prefix, then an identifier or a computed `[...]` name)? A redefined `name`
/// that does not is left out of `toString`'s output.
fn is_native_function_name(name: &str) -> bool {
    let rest = name
        .strip_prefix("get ")
        .or_else(|| name.strip_prefix("set "))
        .unwrap_or(name);
    (rest.starts_with('[') && rest.ends_with(']'))
        || rest
            .chars()
            .all(|c| c == '$' || c == '_' || c.is_alphanumeric())
}

/// Function.prototype[@@hasInstance]. Spec: #sec-function.prototype-@@hasinstance
fn has_instance(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    Ok(Value::Bool(ordinary_has_instance(cx, this, &arg(args, 0))?))
}
