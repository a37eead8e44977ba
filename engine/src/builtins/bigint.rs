//! The BigInt constructor (callable only), BigInt.asIntN/asUintN and BigInt.prototype.
//! Spec: #sec-bigint-objects
//!
//! The arithmetic lives in `value::bigint` (size-capped: a result past the cap is a
//! RangeError before it is computed); this file is the JS surface.

use super::{arg, install_class, Builtin, ClassDef, Val};
use crate::object::{attrs, ObjectData};
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::value::bigint::JsBigInt;
use crate::value::conv::{
    bigint_result, number_to_bigint, to_bigint, to_index, to_integer_or_infinity, to_primitive,
    Hint,
};
use crate::value::Value;
use crate::{method, value};

static STATICS: &[Builtin] = &[
    method!("asIntN", 2, as_n, 1),
    method!("asUintN", 2, as_n, 0),
];

static PROTOTYPE: &[Builtin] = &[
    method!("toLocaleString", 0, to_string, 1),
    method!("toString", 0, to_string, 0),
    method!("valueOf", 0, value_of),
    value!(@symbol SYM_TO_STRING_TAG, Val::Str("BigInt"), attrs::CONFIGURABLE),
];

static CLASS: ClassDef = ClassDef {
    name: "BigInt",
    ctor: Some((bigint_constructor, 1, 0)),
    ctor_intrinsic: Some(Intrinsic::BigInt),
    proto_intrinsic: Some(Intrinsic::BigIntPrototype),
    statics: STATICS,
    proto: PROTOTYPE,
    ..ClassDef::DEFAULT
};

pub fn init(cx: &mut Cx) -> JsResult<()> {
    install_class(cx, &CLASS)?;
    Ok(())
}

/// BigInt(value). Spec: #sec-bigint-constructor-number-value
fn bigint_constructor(
    cx: &mut Cx,
    _: &Value,
    args: &[Value],
    nt: &Value,
    _: u16,
) -> JsResult<Value> {
    // 1. If NewTarget is not undefined, throw a TypeError.
    if !nt.is_undefined() {
        return Err(cx.throw_type_error("BigInt is not a constructor"));
    }
    // 2. prim = ToPrimitive(value, number).
    let prim = to_primitive(cx, &arg(args, 0), Hint::Number)?;
    // 3. A Number goes through NumberToBigInt (RangeError for non-integers).
    if let Some(n) = prim.as_number() {
        return Ok(Value::BigInt(number_to_bigint(cx, n)?));
    }
    // 4. Otherwise ToBigInt(prim).
    Ok(Value::BigInt(to_bigint(cx, &prim)?))
}

/// BigInt.asIntN (magic 1) / asUintN (magic 0). Spec: #sec-bigint.asintn
fn as_n(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    // 1. bits = ToIndex(bits). 2. bigint = ToBigInt(bigint).
    let bits = to_index(cx, &arg(args, 0))?;
    let b = to_bigint(cx, &arg(args, 1))?;
    let r = JsBigInt::as_n(&cx.heap, bits, &b, magic == 1);
    Ok(Value::BigInt(bigint_result(cx, r)?))
}

/// ThisBigIntValue. Spec: #sec-thisbigintvalue
fn this_bigint_value(cx: &mut Cx, this: &Value, method: &str) -> JsResult<JsBigInt> {
    match this {
        Value::BigInt(b) => return Ok(b.clone()),
        Value::Object(o) => {
            if let ObjectData::BigInt(b) = &o.borrow().class {
                return Ok(b.clone());
            }
        }
        _ => {}
    }
    Err(cx.throw_type_error(&format!(
        "BigInt.prototype.{method} requires that 'this' be a BigInt"
    )))
}

/// BigInt.prototype.toString(radix) (magic 0) / toLocaleString (magic 1).
/// Spec: #sec-bigint.prototype.tostring
fn to_string(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let name = if magic == 1 {
        "toLocaleString"
    } else {
        "toString"
    };
    // 1. x = ThisBigIntValue(this value).
    let x = this_bigint_value(cx, this, name)?;
    // 2-4. radix: undefined → 10, else ToIntegerOrInfinity in 2..36.
    let r = arg(args, 0);
    let radix = if magic == 1 || r.is_undefined() {
        10.0
    } else {
        to_integer_or_infinity(cx, &r)?
    };
    if !(2.0..=36.0).contains(&radix) {
        return Err(cx.throw_range_error("toString() radix must be between 2 and 36"));
    }
    let s = x.to_string_radix(radix as u32);
    Ok(Value::String(cx.new_string(&s)?))
}

/// BigInt.prototype.valueOf. Spec: #sec-bigint.prototype.valueof
fn value_of(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    Ok(Value::BigInt(this_bigint_value(cx, this, "valueOf")?))
}
