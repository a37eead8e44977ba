//! The Number constructor, its constants and static predicates, `Number.parseInt` /
//! `Number.parseFloat` (the global functions of `global.rs`), and Number.prototype
//! with the exact-digit formatting of toFixed / toExponential / toPrecision.
//! Spec: #sec-number-objects
//!
//! Invariant: digit generation is done by `strings::number` (exact big-integer arithmetic,
//! bounded loops), so every method here is O(100 digits) at most.

use super::{arg, install_class, Builtin, ClassDef, Val};
use crate::object::ops::{define_value, ordinary_create_from_constructor};
use crate::object::{attrs, ObjectData};
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::strings::number::{
    fixed_digits, number_to_string, number_to_string_radix, precision_digits, shortest_digits,
};
use crate::value::conv::{to_integer_or_infinity, to_numeric};
use crate::value::Value;
use crate::{method, value};

static STATICS: &[Builtin] = &[
    value!("EPSILON", Val::Num(f64::EPSILON), 0),
    value!("MAX_SAFE_INTEGER", Val::Num(9007199254740991.0), 0),
    value!("MAX_VALUE", Val::Num(f64::MAX), 0),
    value!("MIN_SAFE_INTEGER", Val::Num(-9007199254740991.0), 0),
    value!("MIN_VALUE", Val::Num(5e-324), 0),
    value!("NaN", Val::Num(f64::NAN), 0),
    value!("NEGATIVE_INFINITY", Val::Num(f64::NEG_INFINITY), 0),
    value!("POSITIVE_INFINITY", Val::Num(f64::INFINITY), 0),
    method!("isFinite", 1, predicate, Pred::Finite as u16),
    method!("isInteger", 1, predicate, Pred::Integer as u16),
    method!("isNaN", 1, predicate, Pred::NaN as u16),
    method!("isSafeInteger", 1, predicate, Pred::SafeInteger as u16),
];

static PROTOTYPE: &[Builtin] = &[
    method!("toExponential", 1, to_exponential),
    method!("toFixed", 1, to_fixed),
    method!("toLocaleString", 0, to_locale_string),
    method!("toPrecision", 1, to_precision),
    method!("toString", 1, to_string_method),
    method!("valueOf", 0, value_of),
];

fn proto_class() -> ObjectData {
    ObjectData::Number(0.0)
}

static CLASS: ClassDef = ClassDef {
    name: "Number",
    ctor: Some((number_constructor, 1, 0)),
    ctor_intrinsic: Some(Intrinsic::Number),
    proto_intrinsic: Some(Intrinsic::NumberPrototype),
    proto_class,
    statics: STATICS,
    proto: PROTOTYPE,
    ..ClassDef::DEFAULT
};

pub fn init(cx: &mut Cx) -> JsResult<()> {
    let ctor = install_class(cx, &CLASS)?;
    // Spec: #sec-number.parsefloat — Number.parseFloat is %parseFloat% (and parseInt is
    // %parseInt%), created by `global.rs`, which runs first.
    for (name, i) in [
        ("parseFloat", Intrinsic::ParseFloat),
        ("parseInt", Intrinsic::ParseInt),
    ] {
        let key = cx.intern(name);
        let f = cx.intrinsic(i);
        define_value(cx, &ctor, key, f, attrs::HIDDEN)?;
    }
    Ok(())
}

/// Number(value). Spec: #sec-number-constructor-number-value
fn number_constructor(
    cx: &mut Cx,
    _: &Value,
    args: &[Value],
    nt: &Value,
    _: u16,
) -> JsResult<Value> {
    // 1-2. n = +0 without arguments, else ToNumeric (BigInt converted to Number).
    let n = match args.first() {
        None => 0.0,
        Some(v) => match to_numeric(cx, v)? {
            Value::BigInt(b) => b.to_f64(),
            p => p.as_number().unwrap_or(f64::NAN),
        },
    };
    // 3. Called as a function.
    if nt.is_undefined() {
        return Ok(Value::number(n));
    }
    // 4-6.
    let o = ordinary_create_from_constructor(
        cx,
        nt,
        Intrinsic::NumberPrototype,
        ObjectData::Number(n),
    )?;
    Ok(Value::Object(o))
}

/// The four static predicates, selected by `magic`.
#[derive(Clone, Copy)]
#[repr(u16)]
enum Pred {
    Finite,
    Integer,
    NaN,
    SafeInteger,
}

/// Number.isFinite / isInteger / isNaN / isSafeInteger (no coercion).
/// Spec: #sec-number.isfinite, #sec-number.isinteger, #sec-number.isnan,
/// #sec-number.issafeinteger
fn predicate(_: &mut Cx, _: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let Some(n) = args.first().and_then(Value::as_number) else {
        return Ok(Value::Bool(false));
    };
    let integral = n.is_finite() && n.trunc() == n;
    let r = match magic {
        m if m == Pred::Finite as u16 => n.is_finite(),
        m if m == Pred::Integer as u16 => integral,
        m if m == Pred::NaN as u16 => n.is_nan(),
        _ => integral && n.abs() <= 9007199254740991.0,
    };
    Ok(Value::Bool(r))
}

/// ThisNumberValue. Spec: #sec-thisnumbervalue
fn this_number_value(cx: &mut Cx, v: &Value) -> JsResult<f64> {
    if let Some(n) = v.as_number() {
        return Ok(n);
    }
    if let Value::Object(o) = v {
        if let ObjectData::Number(n) = o.borrow().class {
            return Ok(n);
        }
    }
    Err(cx.throw_type_error("not a Number"))
}

fn string_value(cx: &mut Cx, s: &str) -> JsResult<Value> {
    Ok(Value::String(cx.new_string(s)?))
}

/// Number.prototype.valueOf. Spec: #sec-number.prototype.valueof
fn value_of(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    Ok(Value::number(this_number_value(cx, this)?))
}

/// Number.prototype.toString(radix). Spec: #sec-number.prototype.tostring
fn to_string_method(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _: &Value,
    _: u16,
) -> JsResult<Value> {
    // 1. x = ThisNumberValue(this).
    let x = this_number_value(cx, this)?;
    // 2-4. radixMV = 10 if undefined, else ToIntegerOrInfinity; must be in 2..=36.
    let r = arg(args, 0);
    let radix = if r.is_undefined() {
        10.0
    } else {
        to_integer_or_infinity(cx, &r)?
    };
    if !(2.0..=36.0).contains(&radix) {
        return Err(cx.throw_range_error("toString() radix must be between 2 and 36"));
    }
    // 5. Number::toString(x, radixMV).
    let s = number_to_string_radix(x, radix as u32);
    string_value(cx, &s)
}

/// Number.prototype.toLocaleString: without Intl, the radix-10 toString.
/// Spec: #sec-number.prototype.tolocalestring
fn to_locale_string(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let x = this_number_value(cx, this)?;
    string_value(cx, &number_to_string(x))
}

/// Inserts a decimal point after the first `k` digits of `m` (when `m` is longer).
fn with_point(m: &str, k: usize) -> String {
    if k >= m.len() {
        return m.to_string();
    }
    let (a, b) = m.split_at(k);
    format!("{a}.{b}")
}

/// `e+d` / `e-d` exponent suffix.
fn exponent_suffix(e: i32) -> String {
    if e >= 0 {
        format!("e+{e}")
    } else {
        format!("e-{}", -e)
    }
}

/// Number.prototype.toFixed(fractionDigits). Spec: #sec-number.prototype.tofixed
fn to_fixed(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 1. x = ThisNumberValue(this).
    let x = this_number_value(cx, this)?;
    // 2. f = ToIntegerOrInfinity(fractionDigits).
    let f = to_integer_or_infinity(cx, &arg(args, 0))?;
    // 4-5. f must be finite and in 0..=100.
    if !(0.0..=100.0).contains(&f) {
        return Err(cx.throw_range_error("toFixed() digits argument must be between 0 and 100"));
    }
    let f = f as u32;
    // 6. Not finite: Number::toString(x).
    if !x.is_finite() {
        return string_value(cx, &number_to_string(x));
    }
    // 7-9. Sign (-0 prints as 0).
    let (s, x) = if x < 0.0 { ("-", -x) } else { ("", x) };
    // 10. x ≥ 10^21: ToString(x).
    let m = if x >= 1e21 {
        number_to_string(x)
    } else {
        // 11.a-b. n = integer closest to x × 10^f (ties: larger).
        let mut m = fixed_digits(x, f);
        // 11.d. Insert the decimal point, padding with leading zeros.
        if f != 0 {
            let mut k = m.len();
            if k <= f as usize {
                let z = "0".repeat(f as usize + 1 - k);
                m = z + &m;
                k = f as usize + 1;
            }
            m = with_point(&m, k - f as usize);
        }
        m
    };
    string_value(cx, &format!("{s}{m}"))
}

/// Number.prototype.toExponential(fractionDigits). Spec: #sec-number.prototype.toexponential
fn to_exponential(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 1-2.
    let x = this_number_value(cx, this)?;
    let fd = arg(args, 0);
    let f = to_integer_or_infinity(cx, &fd)?;
    // 4. Not finite: Number::toString(x).
    if !x.is_finite() {
        return string_value(cx, &number_to_string(x));
    }
    // 5. f in 0..=100.
    if !(0.0..=100.0).contains(&f) {
        return Err(cx.throw_range_error("toExponential() argument must be between 0 and 100"));
    }
    let f = f as u32;
    // 6-8.
    let (s, x) = if x < 0.0 { ("-", -x) } else { ("", x) };
    // 9-10. Digits and exponent.
    let (m, e) = if x == 0.0 {
        ("0".repeat(f as usize + 1), 0)
    } else if fd.is_undefined() {
        shortest_digits(x)
    } else {
        precision_digits(x, f + 1)
    };
    // 11. a.bcd when there is more than one digit.
    let m = with_point(&m, 1);
    // 12-14.
    string_value(cx, &format!("{s}{m}{}", exponent_suffix(e)))
}

/// Number.prototype.toPrecision(precision). Spec: #sec-number.prototype.toprecision
fn to_precision(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 1. x = ThisNumberValue(this).
    let x = this_number_value(cx, this)?;
    // 2. precision undefined: ToString(x).
    let pv = arg(args, 0);
    if pv.is_undefined() {
        return string_value(cx, &number_to_string(x));
    }
    // 3. p = ToIntegerOrInfinity(precision).
    let p = to_integer_or_infinity(cx, &pv)?;
    // 4. Not finite: Number::toString(x).
    if !x.is_finite() {
        return string_value(cx, &number_to_string(x));
    }
    // 5. p in 1..=100.
    if !(1.0..=100.0).contains(&p) {
        return Err(cx.throw_range_error("toPrecision() argument must be between 1 and 100"));
    }
    let p = p as i32;
    // 6-8.
    let (s, x) = if x < 0.0 { ("-", -x) } else { ("", x) };
    // 9-10.
    let (m, e) = if x == 0.0 {
        ("0".repeat(p as usize), 0)
    } else {
        precision_digits(x, p as u32)
    };
    // 10.c. Exponential notation.
    if x != 0.0 && (e < -6 || e >= p) {
        let m = with_point(&m, 1);
        return string_value(cx, &format!("{s}{m}{}", exponent_suffix(e)));
    }
    // 11. e = p - 1: the digits themselves.
    if e == p - 1 {
        return string_value(cx, &format!("{s}{m}"));
    }
    // 12. e ≥ 0: point after e + 1 digits.
    if e >= 0 {
        let m = with_point(&m, e as usize + 1);
        return string_value(cx, &format!("{s}{m}"));
    }
    // 13. e < 0: 0.000ddd.
    let z = "0".repeat((-(e + 1)) as usize);
    string_value(cx, &format!("{s}0.{z}{m}"))
}
