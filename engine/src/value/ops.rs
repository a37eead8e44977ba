//! Operators on values: `+` (ApplyStringOrNumericBinaryOperator), the numeric binary
//! operators for Number and BigInt, unary minus / bitwise not, relational comparison
//! (IsLessThan), IsLooselyEqual, `instanceof` and `in`. The VM calls these from its slow
//! paths; int32 fast paths belong in the VM loop.

use super::conv::{bigint_result, to_numeric, to_primitive, to_property_key, to_string, Hint};
use super::{strict_equals, JsBigInt, Value};
use crate::atoms::Atom;
use crate::realm::{Cx, JsResult};
use crate::strings::number::string_to_number;
use std::cmp::Ordering;

/// A binary numeric operator.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Exp,
    Shl,
    Sar,
    Shr,
    And,
    Or,
    Xor,
}

/// The `+` operator. Spec: #sec-applystringornumericbinaryoperator
pub fn add(cx: &mut Cx, a: &Value, b: &Value) -> JsResult<Value> {
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        return Ok(match x.checked_add(*y) {
            Some(r) => Value::Int(r),
            None => Value::Float(*x as f64 + *y as f64),
        });
    }
    if let (Value::String(x), Value::String(y)) = (a, b) {
        return Ok(Value::String(cx.concat_strings(x, y)?));
    }
    let pa = to_primitive(cx, a, Hint::Default)?;
    let pb = to_primitive(cx, b, Hint::Default)?;
    if matches!(pa, Value::String(_)) || matches!(pb, Value::String(_)) {
        let sa = to_string(cx, &pa)?;
        let sb = to_string(cx, &pb)?;
        return Ok(Value::String(cx.concat_strings(&sa, &sb)?));
    }
    numeric_op(cx, BinOp::Add, &pa, &pb)
}

/// Any binary numeric operator except string `+`: ToNumeric both sides, then the Number or
/// BigInt operation; mixing types is a TypeError. Spec: #sec-applystringornumericbinaryoperator
pub fn binary(cx: &mut Cx, op: BinOp, a: &Value, b: &Value) -> JsResult<Value> {
    if op == BinOp::Add {
        return add(cx, a, b);
    }
    numeric_op(cx, op, a, b)
}

fn numeric_op(cx: &mut Cx, op: BinOp, a: &Value, b: &Value) -> JsResult<Value> {
    let na = to_numeric(cx, a)?;
    let nb = to_numeric(cx, b)?;
    match (&na, &nb) {
        (Value::BigInt(x), Value::BigInt(y)) => bigint_op(cx, op, x, y),
        (Value::BigInt(_), _) | (_, Value::BigInt(_)) => {
            Err(cx.throw_type_error("Cannot mix BigInt and other types, use explicit conversions"))
        }
        _ => {
            let x = na.as_number().unwrap_or(f64::NAN);
            let y = nb.as_number().unwrap_or(f64::NAN);
            Ok(number_op(op, x, y))
        }
    }
}

/// Number::* operations. Spec: #sec-numeric-types-number-add and siblings
pub fn number_op(op: BinOp, x: f64, y: f64) -> Value {
    use super::conv::f64_to_uint32 as u32of;
    match op {
        BinOp::Add => Value::number(x + y),
        BinOp::Sub => Value::number(x - y),
        BinOp::Mul => Value::number(x * y),
        BinOp::Div => Value::number(x / y),
        BinOp::Rem => Value::number(number_rem(x, y)),
        BinOp::Exp => Value::number(number_pow(x, y)),
        BinOp::Shl => Value::Int((u32of(x) as i32).wrapping_shl(u32of(y) & 31)),
        BinOp::Sar => Value::Int((u32of(x) as i32) >> (u32of(y) & 31)),
        BinOp::Shr => Value::number((u32of(x) >> (u32of(y) & 31)) as f64),
        BinOp::And => Value::Int((u32of(x) & u32of(y)) as i32),
        BinOp::Or => Value::Int((u32of(x) | u32of(y)) as i32),
        BinOp::Xor => Value::Int((u32of(x) ^ u32of(y)) as i32),
    }
}

/// Number::remainder (truncating, sign of the dividend). Spec: #sec-numeric-types-number-remainder
pub fn number_rem(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() || x.is_infinite() || y == 0.0 {
        return f64::NAN;
    }
    if y.is_infinite() || x == 0.0 {
        return x;
    }
    x % y
}

/// Number::exponentiate. Spec: #sec-numeric-types-number-exponentiate
pub fn number_pow(x: f64, y: f64) -> f64 {
    if y.is_nan() {
        return f64::NAN;
    }
    if y == 0.0 {
        return 1.0;
    }
    if (x == 1.0 || x == -1.0) && y.is_infinite() {
        return f64::NAN;
    }
    x.powf(y)
}

fn bigint_op(cx: &mut Cx, op: BinOp, x: &JsBigInt, y: &JsBigInt) -> JsResult<Value> {
    let h = &cx.heap;
    let r = match op {
        BinOp::Add => JsBigInt::add(h, x, y),
        BinOp::Sub => JsBigInt::sub(h, x, y),
        BinOp::Mul => JsBigInt::mul(h, x, y),
        BinOp::Div => JsBigInt::div(h, x, y),
        BinOp::Rem => JsBigInt::rem(h, x, y),
        BinOp::Exp => JsBigInt::pow(h, x, y),
        BinOp::Shl => JsBigInt::shl(h, x, y),
        BinOp::Sar => JsBigInt::shr(h, x, y),
        BinOp::Shr => {
            return Err(cx.throw_type_error("BigInts have no unsigned right shift, use >> instead"));
        }
        BinOp::And => JsBigInt::bitand(h, x, y),
        BinOp::Or => JsBigInt::bitor(h, x, y),
        BinOp::Xor => JsBigInt::bitxor(h, x, y),
    };
    Ok(Value::BigInt(bigint_result(cx, r)?))
}

/// Unary `-`. Spec: #sec-unary-minus-operator
pub fn negate(cx: &mut Cx, v: &Value) -> JsResult<Value> {
    match to_numeric(cx, v)? {
        Value::BigInt(b) => {
            let r = JsBigInt::neg(&cx.heap, &b);
            Ok(Value::BigInt(bigint_result(cx, r)?))
        }
        n => Ok(Value::number(-n.as_number().unwrap_or(f64::NAN))),
    }
}

/// Unary `~`. Spec: #sec-bitwise-not-operator
pub fn bitwise_not(cx: &mut Cx, v: &Value) -> JsResult<Value> {
    match to_numeric(cx, v)? {
        Value::BigInt(b) => {
            let r = JsBigInt::not(&cx.heap, &b);
            Ok(Value::BigInt(bigint_result(cx, r)?))
        }
        n => Ok(Value::Int(
            !(super::conv::f64_to_uint32(n.as_number().unwrap_or(0.0)) as i32),
        )),
    }
}

/// Unary `+`: ToNumber.
pub fn unary_plus(cx: &mut Cx, v: &Value) -> JsResult<Value> {
    Ok(Value::number(super::conv::to_number(cx, v)?))
}

/// `++`/`--` on a numeric value (after ToNumeric): `delta` is +1 or -1.
pub fn increment(cx: &mut Cx, v: &Value, delta: i32) -> JsResult<Value> {
    match v {
        Value::Int(i) => Ok(match i.checked_add(delta) {
            Some(r) => Value::Int(r),
            None => Value::Float(*i as f64 + delta as f64),
        }),
        Value::BigInt(b) => {
            let one = JsBigInt::from_i64(&cx.heap, delta as i64);
            let one = bigint_result(cx, one)?;
            let r = JsBigInt::add(&cx.heap, b, &one);
            Ok(Value::BigInt(bigint_result(cx, r)?))
        }
        _ => {
            let n = to_numeric(cx, v)?;
            if let Value::BigInt(_) = n {
                return increment(cx, &n, delta);
            }
            Ok(Value::number(
                n.as_number().unwrap_or(f64::NAN) + delta as f64,
            ))
        }
    }
}

/// The four relational operators.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RelOp {
    Lt,
    Gt,
    Le,
    Ge,
}

/// `<`, `>`, `<=`, `>=`. Spec: #sec-relational-operators-runtime-semantics-evaluation
pub fn compare(cx: &mut Cx, op: RelOp, a: &Value, b: &Value) -> JsResult<bool> {
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        return Ok(match op {
            RelOp::Lt => x < y,
            RelOp::Gt => x > y,
            RelOp::Le => x <= y,
            RelOp::Ge => x >= y,
        });
    }
    // Operands are converted left to right in every case.
    let pa = to_primitive(cx, a, Hint::Number)?;
    let pb = to_primitive(cx, b, Hint::Number)?;
    let r = match op {
        RelOp::Lt => is_less_than(cx, &pa, &pb)?,
        RelOp::Gt => is_less_than(cx, &pb, &pa)?,
        RelOp::Le => is_less_than(cx, &pb, &pa)?.map(|x| !x),
        RelOp::Ge => is_less_than(cx, &pa, &pb)?.map(|x| !x),
    };
    Ok(r.unwrap_or(false))
}

/// IsLessThan on primitives; `None` is undefined (NaN involved). Spec: #sec-islessthan
pub fn is_less_than(cx: &mut Cx, x: &Value, y: &Value) -> JsResult<Option<bool>> {
    match (x, y) {
        (Value::String(a), Value::String(b)) => Ok(Some(a.cmp(b) == Ordering::Less)),
        (Value::BigInt(a), Value::String(b)) => {
            let Some(nb) = super::conv::string_to_bigint(cx, b)? else {
                return Ok(None);
            };
            Ok(Some(a.value() < nb.value()))
        }
        (Value::String(a), Value::BigInt(b)) => {
            let Some(na) = super::conv::string_to_bigint(cx, a)? else {
                return Ok(None);
            };
            Ok(Some(na.value() < b.value()))
        }
        _ => {
            let nx = to_numeric(cx, x)?;
            let ny = to_numeric(cx, y)?;
            Ok(match (&nx, &ny) {
                (Value::BigInt(a), Value::BigInt(b)) => Some(a.value() < b.value()),
                (Value::BigInt(a), n) => a
                    .cmp_f64(n.as_number().unwrap_or(f64::NAN))
                    .map(|o| o == Ordering::Less),
                (n, Value::BigInt(b)) => b
                    .cmp_f64(n.as_number().unwrap_or(f64::NAN))
                    .map(|o| o == Ordering::Greater),
                _ => {
                    let (a, b) = (
                        nx.as_number().unwrap_or(f64::NAN),
                        ny.as_number().unwrap_or(f64::NAN),
                    );
                    if a.is_nan() || b.is_nan() {
                        None
                    } else {
                        Some(a < b)
                    }
                }
            })
        }
    }
}

/// IsLooselyEqual (`==`). Spec: #sec-islooselyequal
pub fn loose_equals(cx: &mut Cx, x: &Value, y: &Value) -> JsResult<bool> {
    let mut x = x.clone();
    let mut y = y.clone();
    // Each round converts one side; at most a few rounds (object → primitive → number).
    for _ in 0..8 {
        let same_type = std::mem::discriminant(&x) == std::mem::discriminant(&y)
            || (x.is_number() && y.is_number());
        if same_type {
            return Ok(strict_equals(&x, &y));
        }
        match (&x, &y) {
            (Value::Undefined | Value::Null, Value::Undefined | Value::Null) => return Ok(true),
            (Value::Object(o), Value::Undefined | Value::Null)
            | (Value::Undefined | Value::Null, Value::Object(o)) => {
                return Ok(o.is_htmldda());
            }
            (a, Value::String(s)) if a.is_number() => {
                let n = string_to_number(&s.to_utf16());
                return Ok(a.as_number() == Some(n));
            }
            (Value::String(s), b) if b.is_number() => {
                let n = string_to_number(&s.to_utf16());
                return Ok(b.as_number() == Some(n));
            }
            (Value::BigInt(a), Value::String(s)) | (Value::String(s), Value::BigInt(a)) => {
                let a = a.clone();
                let s = s.clone();
                return Ok(match super::conv::string_to_bigint(cx, &s)? {
                    Some(b) => a.value() == b.value(),
                    None => false,
                });
            }
            (Value::Bool(b), _) => x = Value::Int(*b as i32),
            (_, Value::Bool(b)) => y = Value::Int(*b as i32),
            (
                Value::Object(_),
                Value::String(_)
                | Value::Symbol(_)
                | Value::BigInt(_)
                | Value::Int(_)
                | Value::Float(_),
            ) => {
                x = to_primitive(cx, &x, Hint::Default)?;
            }
            (
                Value::String(_)
                | Value::Symbol(_)
                | Value::BigInt(_)
                | Value::Int(_)
                | Value::Float(_),
                Value::Object(_),
            ) => {
                y = to_primitive(cx, &y, Hint::Default)?;
            }
            (Value::BigInt(a), n) | (n, Value::BigInt(a)) if n.is_number() => {
                return Ok(a.cmp_f64(n.as_number().unwrap_or(f64::NAN)) == Some(Ordering::Equal));
            }
            _ => return Ok(false),
        }
    }
    Ok(false)
}

/// InstanceofOperator(V, target). Spec: #sec-instanceofoperator
pub fn instance_of(cx: &mut Cx, v: &Value, target: &Value) -> JsResult<bool> {
    if !target.is_object() {
        return Err(cx.throw_type_error("Right-hand side of 'instanceof' is not an object"));
    }
    // 2. instOfHandler = GetMethod(target, @@hasInstance).
    if let Some(h) = crate::object::ops::get_method(cx, target, Atom::SYM_HAS_INSTANCE)? {
        let r = crate::object::call(cx, &h, target, std::slice::from_ref(v))?;
        return Ok(r.to_boolean());
    }
    // 4. Not callable: TypeError.
    if !crate::object::is_callable(target) {
        return Err(cx.throw_type_error("Right-hand side of 'instanceof' is not callable"));
    }
    crate::object::ops::ordinary_has_instance(cx, target, v)
}

/// The `in` operator. Spec: #sec-relational-operators-runtime-semantics-evaluation
pub fn has_property_op(cx: &mut Cx, key: &Value, target: &Value) -> JsResult<bool> {
    let Value::Object(o) = target else {
        return Err(
            cx.throw_type_error("Cannot use 'in' operator to search for a key in a non-object")
        );
    };
    let k = to_property_key(cx, key)?;
    o.has_property(cx, k)
}

/// The `typeof` operator's result as a string value.
pub fn type_of(cx: &mut Cx, v: &Value) -> JsResult<Value> {
    let s = v.type_of();
    Ok(Value::String(cx.new_string(s)?))
}
