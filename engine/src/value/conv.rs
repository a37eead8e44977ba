//! Type conversion (spec 7.1): ToPrimitive, ToBoolean (on `Value`), ToNumber, ToNumeric,
//! ToString, ToPropertyKey, ToObject, the integer conversions, ToLength, ToIndex, ToBigInt.
//!
//! Invariant: conversions that may call user code (`valueOf`, `toString`,
//! `@@toPrimitive`) go through [`crate::object::call`], which counts re-entry depth.

use super::{JsBigInt, Value};
use crate::atoms::Atom;
use crate::object::{ops::get, Obj, ObjectData};
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::strings::number::{number_to_string, string_to_number};
use crate::strings::JsString;

/// The preferred type hint of ToPrimitive.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Hint {
    Default,
    Number,
    String,
}

/// ToPrimitive. Spec: #sec-toprimitive
pub fn to_primitive(cx: &mut Cx, v: &Value, hint: Hint) -> JsResult<Value> {
    let Value::Object(o) = v else {
        return Ok(v.clone());
    };
    // 1.a. exoticToPrim = GetMethod(input, @@toPrimitive).
    let ex = crate::object::ops::get_method(cx, v, Atom::SYM_TO_PRIMITIVE)?;
    if let Some(f) = ex {
        let h = match hint {
            Hint::Default => "default",
            Hint::Number => "number",
            Hint::String => "string",
        };
        let hs = Value::String(cx.new_string(h)?);
        let r = crate::object::call(cx, &f, v, &[hs])?;
        if r.is_object() {
            return Err(cx.throw_type_error("Cannot convert object to primitive value"));
        }
        return Ok(r);
    }
    // 1.d. OrdinaryToPrimitive.
    ordinary_to_primitive(
        cx,
        o,
        if hint == Hint::String {
            Hint::String
        } else {
            Hint::Number
        },
    )
}

/// OrdinaryToPrimitive. Spec: #sec-ordinarytoprimitive
pub fn ordinary_to_primitive(cx: &mut Cx, o: &Obj, hint: Hint) -> JsResult<Value> {
    let order = if hint == Hint::String {
        [Atom::ToString, Atom::ValueOf]
    } else {
        [Atom::ValueOf, Atom::ToString]
    };
    let ov = Value::Object(o.clone());
    for name in order {
        let m = get(cx, o, name)?;
        if crate::object::is_callable(&m) {
            let r = crate::object::call(cx, &m, &ov, &[])?;
            if !r.is_object() {
                return Ok(r);
            }
        }
    }
    Err(cx.throw_type_error("Cannot convert object to primitive value"))
}

/// ToNumber. Spec: #sec-tonumber
pub fn to_number(cx: &mut Cx, v: &Value) -> JsResult<f64> {
    match v {
        Value::Int(i) => Ok(*i as f64),
        Value::Float(f) => Ok(*f),
        Value::Undefined | Value::Uninitialized => Ok(f64::NAN),
        Value::Null => Ok(0.0),
        Value::Bool(b) => Ok(if *b { 1.0 } else { 0.0 }),
        Value::String(s) => Ok(string_to_number(&s.to_utf16())),
        Value::Symbol(_) => Err(cx.throw_type_error("Cannot convert a Symbol value to a number")),
        Value::BigInt(_) => Err(cx.throw_type_error("Cannot convert a BigInt value to a number")),
        Value::Object(_) => {
            let p = to_primitive(cx, v, Hint::Number)?;
            to_number(cx, &p)
        }
    }
}

/// ToNumeric: a Number value or a BigInt. Spec: #sec-tonumeric
pub fn to_numeric(cx: &mut Cx, v: &Value) -> JsResult<Value> {
    let p = to_primitive(cx, v, Hint::Number)?;
    if let Value::BigInt(_) = p {
        return Ok(p);
    }
    Ok(Value::number(to_number(cx, &p)?))
}

/// ToString. Spec: #sec-tostring
pub fn to_string(cx: &mut Cx, v: &Value) -> JsResult<JsString> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Undefined | Value::Uninitialized => cx.atom_to_string(Atom::Undefined),
        Value::Null => cx.atom_to_string(Atom::Null),
        Value::Bool(true) => cx.atom_to_string(Atom::True),
        Value::Bool(false) => cx.atom_to_string(Atom::False),
        Value::Int(i) => cx.new_string(&i.to_string()),
        Value::Float(f) => cx.new_string(&number_to_string(*f)),
        Value::BigInt(b) => cx.new_string(&b.to_string_radix(10)),
        Value::Symbol(_) => Err(cx.throw_type_error("Cannot convert a Symbol value to a string")),
        Value::Object(_) => {
            let p = to_primitive(cx, v, Hint::String)?;
            to_string(cx, &p)
        }
    }
}

/// ToPropertyKey. Spec: #sec-topropertykey
pub fn to_property_key(cx: &mut Cx, v: &Value) -> JsResult<Atom> {
    match v {
        Value::Int(i) if *i >= 0 => Ok(Atom::from_index(*i as u32).unwrap_or(Atom::Empty)),
        Value::Symbol(a) => Ok(*a),
        Value::String(s) => Ok(cx.intern_string(s)),
        Value::Object(_) => {
            let p = to_primitive(cx, v, Hint::String)?;
            to_property_key(cx, &p)
        }
        _ => {
            let s = to_string(cx, v)?;
            Ok(cx.intern_string(&s))
        }
    }
}

/// ToObject. Spec: #sec-toobject
pub fn to_object(cx: &mut Cx, v: &Value) -> JsResult<Obj> {
    let (proto, class) = match v {
        Value::Object(o) => return Ok(o.clone()),
        Value::Undefined | Value::Null | Value::Uninitialized => {
            return Err(cx.throw_type_error("Cannot convert undefined or null to object"));
        }
        Value::Bool(b) => (Intrinsic::BooleanPrototype, ObjectData::Boolean(*b)),
        Value::Int(_) | Value::Float(_) => (
            Intrinsic::NumberPrototype,
            ObjectData::Number(v.as_number().unwrap_or(0.0)),
        ),
        Value::String(s) => (Intrinsic::StringPrototype, ObjectData::String(s.clone())),
        Value::Symbol(a) => (Intrinsic::SymbolPrototype, ObjectData::Symbol(*a)),
        Value::BigInt(b) => (Intrinsic::BigIntPrototype, ObjectData::BigInt(b.clone())),
    };
    let p = cx.intrinsic_obj(proto);
    Obj::new(cx, p, class)
}

/// ToIntegerOrInfinity. Spec: #sec-tointegerorinfinity
pub fn to_integer_or_infinity(cx: &mut Cx, v: &Value) -> JsResult<f64> {
    if let Value::Int(i) = v {
        return Ok(*i as f64);
    }
    let n = to_number(cx, v)?;
    Ok(integer_part(n))
}

/// The integer part of a number (NaN → 0, -0 → 0).
#[inline]
pub fn integer_part(n: f64) -> f64 {
    if n.is_nan() || n == 0.0 {
        0.0
    } else {
        n.trunc()
    }
}

/// Number modulo 2^32 as u32 (the shared core of ToInt32/ToUint32).
pub fn f64_to_uint32(n: f64) -> u32 {
    if !n.is_finite() {
        return 0;
    }
    let t = n.trunc();
    if t.abs() < 4294967296.0 {
        return (t as i64) as u32;
    }
    let m = t.rem_euclid(4294967296.0);
    m as u64 as u32
}

/// ToInt32. Spec: #sec-toint32
pub fn to_int32(cx: &mut Cx, v: &Value) -> JsResult<i32> {
    if let Value::Int(i) = v {
        return Ok(*i);
    }
    Ok(f64_to_uint32(to_number(cx, v)?) as i32)
}

/// ToUint32. Spec: #sec-touint32
pub fn to_uint32(cx: &mut Cx, v: &Value) -> JsResult<u32> {
    if let Value::Int(i) = v {
        return Ok(*i as u32);
    }
    Ok(f64_to_uint32(to_number(cx, v)?))
}

/// ToInt16 / ToUint16 / ToInt8 / ToUint8 / ToUint8Clamp share ToUint32's modulo.
pub fn to_uint16(cx: &mut Cx, v: &Value) -> JsResult<u16> {
    Ok(to_uint32(cx, v)? as u16)
}
pub fn to_int16(cx: &mut Cx, v: &Value) -> JsResult<i16> {
    Ok(to_uint32(cx, v)? as i16)
}
pub fn to_uint8(cx: &mut Cx, v: &Value) -> JsResult<u8> {
    Ok(to_uint32(cx, v)? as u8)
}
pub fn to_int8(cx: &mut Cx, v: &Value) -> JsResult<i8> {
    Ok(to_uint32(cx, v)? as i8)
}
/// ToUint8Clamp. Spec: #sec-touint8clamp
pub fn to_uint8_clamp(cx: &mut Cx, v: &Value) -> JsResult<u8> {
    let n = to_number(cx, v)?;
    if n.is_nan() || n <= 0.0 {
        return Ok(0);
    }
    if n >= 255.0 {
        return Ok(255);
    }
    // Round half to even.
    let f = n.floor();
    let d = n - f;
    let r = if d < 0.5 {
        f
    } else if d > 0.5 {
        f + 1.0
    } else if f % 2.0 == 0.0 {
        f
    } else {
        f + 1.0
    };
    Ok(r as u8)
}

/// ToLength. Spec: #sec-tolength
pub fn to_length(cx: &mut Cx, v: &Value) -> JsResult<u64> {
    if let Value::Int(i) = v {
        return Ok((*i).max(0) as u64);
    }
    let n = to_integer_or_infinity(cx, v)?;
    if n <= 0.0 {
        return Ok(0);
    }
    Ok(n.min(9007199254740991.0) as u64)
}

/// ToIndex. Spec: #sec-toindex
pub fn to_index(cx: &mut Cx, v: &Value) -> JsResult<u64> {
    let n = to_integer_or_infinity(cx, v)?;
    if !(0.0..=9007199254740991.0).contains(&n) {
        return Err(cx.throw_range_error("invalid index"));
    }
    Ok(n as u64)
}

/// ToBigInt. Spec: #sec-tobigint
pub fn to_bigint(cx: &mut Cx, v: &Value) -> JsResult<JsBigInt> {
    let p = to_primitive(cx, v, Hint::Number)?;
    match &p {
        Value::BigInt(b) => Ok(b.clone()),
        Value::Bool(b) => {
            let r = JsBigInt::from_i64(&cx.heap, *b as i64);
            bigint_result(cx, r)
        }
        Value::String(s) => match string_to_bigint(cx, s)? {
            Some(b) => Ok(b),
            None => Err(cx.throw_syntax_error("Cannot convert string to BigInt")),
        },
        Value::Undefined | Value::Null | Value::Uninitialized => {
            Err(cx.throw_type_error("Cannot convert undefined or null to a BigInt"))
        }
        Value::Int(_) | Value::Float(_) => {
            Err(cx.throw_type_error("Cannot convert a Number to a BigInt"))
        }
        Value::Symbol(_) => Err(cx.throw_type_error("Cannot convert a Symbol to a BigInt")),
        Value::Object(_) => Err(cx.throw_type_error("Cannot convert object to a BigInt")),
    }
}

/// StringToBigInt; `None` when the text is not a StringIntegerLiteral.
/// Spec: #sec-stringtobigint
pub fn string_to_bigint(cx: &mut Cx, s: &JsString) -> JsResult<Option<JsBigInt>> {
    let u = s.to_utf16();
    let mut a = 0;
    let mut b = u.len();
    while a < b && crate::strings::is_js_whitespace(u[a]) {
        a += 1;
    }
    while b > a && crate::strings::is_js_whitespace(u[b - 1]) {
        b -= 1;
    }
    if u[a..b].iter().any(|&c| c > 127) {
        return Ok(None);
    }
    let text: String = u[a..b].iter().map(|&c| c as u8 as char).collect();
    match JsBigInt::parse(&text) {
        None => Ok(None),
        Some(v) => {
            let r = JsBigInt::new(&cx.heap, v);
            Ok(Some(bigint_result(cx, r)?))
        }
    }
}

/// NumberToBigInt. Spec: #sec-numbertobigint
pub fn number_to_bigint(cx: &mut Cx, n: f64) -> JsResult<JsBigInt> {
    if !n.is_finite() || n.trunc() != n {
        return Err(cx.throw_range_error(
            "The number cannot be converted to a BigInt because it is not an integer",
        ));
    }
    let r = JsBigInt::from_f64(&cx.heap, n);
    bigint_result(cx, r)
}

/// Maps a BigInt operation's failure to the right exception.
pub fn bigint_result(
    cx: &mut Cx,
    r: Result<JsBigInt, super::bigint::BigIntError>,
) -> JsResult<JsBigInt> {
    use super::bigint::BigIntError as E;
    match r {
        Ok(b) => Ok(b),
        Err(E::TooBig) => Err(cx.throw_range_error("Maximum BigInt size exceeded")),
        Err(E::DivisionByZero) => Err(cx.throw_range_error("Division by zero")),
        Err(E::NegativeExponent) => Err(cx.throw_range_error("Exponent must be non-negative")),
        Err(E::OutOfMemory) => Err(cx.throw_out_of_memory()),
    }
}

/// CanonicalNumericIndexString: the number a key denotes if it is the canonical string of
/// a Number (for typed arrays). Spec: #sec-canonicalnumericindexstring
pub fn canonical_numeric_index(cx: &mut Cx, key: Atom) -> Option<f64> {
    if let Some(i) = key.as_index() {
        return Some(i as f64);
    }
    if cx.is_symbol(key) {
        return None;
    }
    let t = cx.atoms.text(key)?.to_vec();
    if t == [b'-' as u16, b'0' as u16] {
        return Some(-0.0);
    }
    let n = string_to_number(&t);
    let back: Vec<u16> = number_to_string(n).encode_utf16().collect();
    if back == t {
        Some(n)
    } else {
        None
    }
}
