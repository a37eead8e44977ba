//! The Boolean constructor and Boolean.prototype. Spec: #sec-boolean-objects
//!
//! Boolean.prototype is itself a Boolean object whose [[BooleanData]] is false.

use super::{arg, install_class, Builtin, ClassDef};
use crate::method;
use crate::object::ops::ordinary_create_from_constructor;
use crate::object::ObjectData;
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::value::Value;

static PROTOTYPE: &[Builtin] = &[
    method!("toString", 0, to_string),
    method!("valueOf", 0, value_of),
];

fn proto_class() -> ObjectData {
    ObjectData::Boolean(false)
}

static CLASS: ClassDef = ClassDef {
    name: "Boolean",
    ctor: Some((boolean_constructor, 1, 0)),
    ctor_intrinsic: Some(Intrinsic::Boolean),
    proto_intrinsic: Some(Intrinsic::BooleanPrototype),
    proto_class,
    proto: PROTOTYPE,
    ..ClassDef::DEFAULT
};

pub fn init(cx: &mut Cx) -> JsResult<()> {
    install_class(cx, &CLASS)?;
    Ok(())
}

/// Boolean(value). Spec: #sec-boolean-constructor-boolean-value
fn boolean_constructor(
    cx: &mut Cx,
    _: &Value,
    args: &[Value],
    nt: &Value,
    _: u16,
) -> JsResult<Value> {
    // 1. b = ToBoolean(value).
    let b = arg(args, 0).to_boolean();
    // 2. Called as a function: return b.
    if nt.is_undefined() {
        return Ok(Value::Bool(b));
    }
    // 3-5.
    let o = ordinary_create_from_constructor(
        cx,
        nt,
        Intrinsic::BooleanPrototype,
        ObjectData::Boolean(b),
    )?;
    Ok(Value::Object(o))
}

/// ThisBooleanValue. Spec: #sec-thisbooleanvalue
fn this_boolean_value(cx: &mut Cx, v: &Value) -> JsResult<bool> {
    match v {
        Value::Bool(b) => return Ok(*b),
        Value::Object(o) => {
            if let ObjectData::Boolean(b) = o.borrow().class {
                return Ok(b);
            }
        }
        _ => {}
    }
    Err(cx.throw_type_error("not a Boolean"))
}

/// Boolean.prototype.toString. Spec: #sec-boolean.prototype.tostring
fn to_string(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let b = this_boolean_value(cx, this)?;
    let s = cx.new_string(if b { "true" } else { "false" })?;
    Ok(Value::String(s))
}

/// Boolean.prototype.valueOf. Spec: #sec-boolean.prototype.valueof
fn value_of(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    Ok(Value::Bool(this_boolean_value(cx, this)?))
}
