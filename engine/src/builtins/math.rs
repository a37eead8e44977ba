//! The Math namespace object: constants, the elementary functions, `f16round`, `random`
//! (xorshift128+ seeded from the host) and `sumPrecise` (exact summation). Spec:
//! #sec-math-object
//!
//! Invariants: every function coerces all of its arguments (in order) before computing, as
//! the spec requires; results are computed with Rust's `f64` methods (the platform libm), so
//! transcendental functions may differ in the last bit between targets; the exactly specified
//! ones (`round`, `fround`, `f16round`, `hypot` special cases, `max`/`min` signed zeros,
//! `sumPrecise`) are computed here in a target-independent way.

use super::{arg, install_class, Builtin, ClassDef, Val};
use crate::object::attrs;
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::value::conv::{to_number, to_uint32};
use crate::value::ops::number_pow;
use crate::value::Value;
use crate::{method, value};

static STATICS: &[Builtin] = &[
    value!("E", Val::Num(std::f64::consts::E), 0),
    value!("LN10", Val::Num(std::f64::consts::LN_10), 0),
    value!("LN2", Val::Num(std::f64::consts::LN_2), 0),
    value!("LOG10E", Val::Num(std::f64::consts::LOG10_E), 0),
    value!("LOG2E", Val::Num(std::f64::consts::LOG2_E), 0),
    value!("PI", Val::Num(std::f64::consts::PI), 0),
    value!("SQRT1_2", Val::Num(std::f64::consts::FRAC_1_SQRT_2), 0),
    value!("SQRT2", Val::Num(std::f64::consts::SQRT_2), 0),
    value!(@symbol SYM_TO_STRING_TAG, Val::Str("Math"), attrs::CONFIGURABLE),
    method!("abs", 1, unary, Unary::Abs),
    method!("acos", 1, unary, Unary::Acos),
    method!("acosh", 1, unary, Unary::Acosh),
    method!("asin", 1, unary, Unary::Asin),
    method!("asinh", 1, unary, Unary::Asinh),
    method!("atan", 1, unary, Unary::Atan),
    method!("atanh", 1, unary, Unary::Atanh),
    method!("atan2", 2, atan2),
    method!("cbrt", 1, unary, Unary::Cbrt),
    method!("ceil", 1, unary, Unary::Ceil),
    method!("clz32", 1, clz32),
    method!("cos", 1, unary, Unary::Cos),
    method!("cosh", 1, unary, Unary::Cosh),
    method!("exp", 1, unary, Unary::Exp),
    method!("expm1", 1, unary, Unary::Expm1),
    method!("floor", 1, unary, Unary::Floor),
    method!("fround", 1, unary, Unary::Fround),
    method!("f16round", 1, unary, Unary::F16round),
    method!("hypot", 2, hypot),
    method!("imul", 2, imul),
    method!("log", 1, unary, Unary::Log),
    method!("log1p", 1, unary, Unary::Log1p),
    method!("log10", 1, unary, Unary::Log10),
    method!("log2", 1, unary, Unary::Log2),
    method!("max", 2, max_min, 0),
    method!("min", 2, max_min, 1),
    method!("pow", 2, pow),
    method!("random", 0, random),
    method!("round", 1, unary, Unary::Round),
    method!("sign", 1, unary, Unary::Sign),
    method!("sin", 1, unary, Unary::Sin),
    method!("sinh", 1, unary, Unary::Sinh),
    method!("sqrt", 1, unary, Unary::Sqrt),
    method!("sumPrecise", 1, sum_precise),
    method!("tan", 1, unary, Unary::Tan),
    method!("tanh", 1, unary, Unary::Tanh),
    method!("trunc", 1, unary, Unary::Trunc),
];

static CLASS: ClassDef = ClassDef {
    name: "Math",
    statics: STATICS,
    ..ClassDef::DEFAULT
};

pub fn init(cx: &mut Cx) -> JsResult<()> {
    let m = install_class(cx, &CLASS)?;
    cx.realm.set_intrinsic(Intrinsic::Math, Value::Object(m));
    Ok(())
}

/// The one-argument functions (the `magic` of `unary`).
#[derive(Clone, Copy)]
#[repr(u16)]
enum Unary {
    Abs,
    Acos,
    Acosh,
    Asin,
    Asinh,
    Atan,
    Atanh,
    Cbrt,
    Ceil,
    Cos,
    Cosh,
    Exp,
    Expm1,
    Floor,
    Fround,
    F16round,
    Log,
    Log1p,
    Log10,
    Log2,
    Round,
    Sign,
    Sin,
    Sinh,
    Sqrt,
    Tan,
    Tanh,
    Trunc,
}

const UNARY: [Unary; 28] = [
    Unary::Abs,
    Unary::Acos,
    Unary::Acosh,
    Unary::Asin,
    Unary::Asinh,
    Unary::Atan,
    Unary::Atanh,
    Unary::Cbrt,
    Unary::Ceil,
    Unary::Cos,
    Unary::Cosh,
    Unary::Exp,
    Unary::Expm1,
    Unary::Floor,
    Unary::Fround,
    Unary::F16round,
    Unary::Log,
    Unary::Log1p,
    Unary::Log10,
    Unary::Log2,
    Unary::Round,
    Unary::Sign,
    Unary::Sin,
    Unary::Sinh,
    Unary::Sqrt,
    Unary::Tan,
    Unary::Tanh,
    Unary::Trunc,
];

/// Math.abs ... Math.trunc: ToNumber, then the function. Spec: #sec-function-properties-of-the-math-object
fn unary(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let x = to_number(cx, &arg(args, 0))?;
    let Some(&op) = UNARY.get(magic as usize) else {
        return Ok(Value::number(f64::NAN));
    };
    Ok(Value::number(apply_unary(op, x)))
}

fn apply_unary(op: Unary, x: f64) -> f64 {
    match op {
        Unary::Abs => x.abs(),
        Unary::Acos => x.acos(),
        Unary::Acosh => x.acosh(),
        Unary::Asin => x.asin(),
        Unary::Asinh => {
            // asinh(-0) is -0 (some libms lose the sign).
            if x == 0.0 {
                x
            } else {
                x.asinh()
            }
        }
        Unary::Atan => x.atan(),
        Unary::Atanh => x.atanh(),
        Unary::Cbrt => x.cbrt(),
        Unary::Ceil => x.ceil(),
        Unary::Cos => x.cos(),
        Unary::Cosh => x.cosh(),
        Unary::Exp => x.exp(),
        Unary::Expm1 => x.exp_m1(),
        Unary::Floor => x.floor(),
        Unary::Fround => x as f32 as f64,
        Unary::F16round => f16_round(x),
        Unary::Log => x.ln(),
        Unary::Log1p => x.ln_1p(),
        Unary::Log10 => x.log10(),
        Unary::Log2 => x.log2(),
        Unary::Round => round(x),
        Unary::Sign => {
            if x.is_nan() || x == 0.0 {
                x
            } else {
                x.signum()
            }
        }
        Unary::Sin => x.sin(),
        Unary::Sinh => x.sinh(),
        Unary::Sqrt => x.sqrt(),
        Unary::Tan => x.tan(),
        Unary::Tanh => x.tanh(),
        Unary::Trunc => x.trunc(),
    }
}

/// Math.round: the integer closest to x, ties toward +∞; -0 for -0.5 ≤ x < 0.
/// Spec: #sec-math.round
fn round(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    // Integers with |x| ≥ 2^52 have no fraction (and x + 0.5 would round wrongly).
    if x.abs() >= 4_503_599_627_370_496.0 {
        return x;
    }
    if (-0.5..0.0).contains(&x) {
        return -0.0;
    }
    let f = x.floor();
    // x - f is exact for |x| < 2^52.
    if x - f >= 0.5 {
        f + 1.0
    } else {
        f
    }
}

/// Rounds to the nearest IEEE 754 binary16 value (ties to even), directly from f64 (going
/// through f32 would round twice). Spec: #sec-math.f16round
pub(crate) fn f16_round(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    let sign = if x < 0.0 { -1.0 } else { 1.0 };
    let a = x.abs();
    // Largest finite half is 65504; values ≥ 65520 round to infinity.
    if a >= 65520.0 {
        return sign * f64::INFINITY;
    }
    // Quantum: 2^-24 for subnormals (a < 2^-14), else 2^(e-10) for a in [2^e, 2^(e+1)).
    let e = a.log2().floor() as i32;
    let e = if 2f64.powi(e) > a { e - 1 } else { e };
    let q = if e < -14 {
        2f64.powi(-24)
    } else {
        2f64.powi(e - 10)
    };
    // a / q and the rounding are exact: q is a power of two and a has 53 bits.
    let n = a / q;
    let r = n.floor();
    let diff = n - r;
    let r = if diff > 0.5 || (diff == 0.5 && r % 2.0 != 0.0) {
        r + 1.0
    } else {
        r
    };
    sign * r * q
}

/// Math.atan2. Spec: #sec-math.atan2
fn atan2(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let y = to_number(cx, &arg(args, 0))?;
    let x = to_number(cx, &arg(args, 1))?;
    Ok(Value::number(y.atan2(x)))
}

/// Math.clz32. Spec: #sec-math.clz32
fn clz32(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let n = to_uint32(cx, &arg(args, 0))?;
    Ok(Value::Int(n.leading_zeros() as i32))
}

/// Math.imul. Spec: #sec-math.imul
fn imul(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let a = to_uint32(cx, &arg(args, 0))?;
    let b = to_uint32(cx, &arg(args, 1))?;
    Ok(Value::Int(a.wrapping_mul(b) as i32))
}

/// Math.pow. Spec: #sec-math.pow
fn pow(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let b = to_number(cx, &arg(args, 0))?;
    let e = to_number(cx, &arg(args, 1))?;
    Ok(Value::number(number_pow(b, e)))
}

/// Math.hypot. Spec: #sec-math.hypot
fn hypot(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 1-2. Coerce every argument first.
    let mut nums = Vec::new();
    if nums.try_reserve(args.len()).is_err() {
        return Err(cx.throw_out_of_memory());
    }
    for a in args {
        nums.push(to_number(cx, a)?);
    }
    // 3-5. Infinity wins over NaN.
    if nums.iter().any(|n| n.is_infinite()) {
        return Ok(Value::number(f64::INFINITY));
    }
    if nums.iter().any(|n| n.is_nan()) {
        return Ok(Value::number(f64::NAN));
    }
    // Scale by the largest magnitude to avoid overflow/underflow.
    let max = nums.iter().fold(0.0f64, |m, n| m.max(n.abs()));
    if max == 0.0 {
        return Ok(Value::number(0.0));
    }
    // Kahan-compensated sum of squares of the scaled values.
    let mut sum = 0.0f64;
    let mut comp = 0.0f64;
    for n in &nums {
        let s = n / max;
        let y = s * s - comp;
        let t = sum + y;
        comp = (t - sum) - y;
        sum = t;
    }
    Ok(Value::number(sum.sqrt() * max))
}

/// Math.max (magic 0) / Math.min (magic 1). Spec: #sec-math.max
fn max_min(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let is_min = magic == 1;
    let mut r = if is_min {
        f64::INFINITY
    } else {
        f64::NEG_INFINITY
    };
    // Every argument is coerced even after a NaN was seen.
    for a in args {
        let n = to_number(cx, a)?;
        if r.is_nan() {
            continue;
        }
        if n.is_nan() {
            r = n;
        } else if is_min {
            // -0 is smaller than +0.
            if n < r || (n == 0.0 && r == 0.0 && n.is_sign_negative()) {
                r = n;
            }
        } else if n > r || (n == 0.0 && r == 0.0 && r.is_sign_negative()) {
            r = n;
        }
    }
    Ok(Value::number(r))
}

impl Cx {
    /// The next 64 random bits of this runtime's xorshift128+ generator (seeded lazily from
    /// the host's `random_seed`).
    pub fn random_u64(&mut self) -> u64 {
        if self.math_rng == [0, 0] {
            let seed = self.host_random_seed();
            // SplitMix64 expands the seed into two non-zero words.
            let mut z = seed;
            let mut next = || {
                z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut x = z;
                x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                x ^ (x >> 31)
            };
            self.math_rng = [next() | 1, next()];
        }
        let [mut s1, s0] = self.math_rng;
        let result = s0.wrapping_add(s1);
        s1 ^= s1 << 23;
        s1 ^= s0 ^ (s1 >> 17) ^ (s0 >> 26);
        self.math_rng = [s0, s1];
        result
    }
}

/// Math.random: a uniformly distributed double in [0, 1). Spec: #sec-math.random
fn random(cx: &mut Cx, _: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 53 random bits scaled by 2^-53.
    let bits = cx.random_u64() >> 11;
    Ok(Value::number(bits as f64 / 9_007_199_254_740_992.0))
}

/// Math.sumPrecise(items): the exact sum of the Numbers of an iterable, rounded once.
/// Spec: #sec-math.sumprecise
fn sum_precise(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    use crate::object::ops::{get_iterator, iterator_close, iterator_step_value};
    let items = arg(args, 0);
    // 1. RequireObjectCoercible(items).
    if items.is_nullish() {
        return Err(cx.throw_type_error("Math.sumPrecise called on null or undefined"));
    }
    // 2. GetIterator(items, sync).
    let iter = get_iterator(cx, &items)?;
    let mut acc = ExactSum::new();
    // 3-7. State: minus-zero until a non -0 value is seen; infinities and NaN dominate.
    let mut all_neg_zero = true;
    let mut pos_inf = false;
    let mut neg_inf = false;
    let mut nan = false;
    let mut count: u64 = 0;
    while let Some(v) = iterator_step_value(cx, &iter)? {
        count += 1;
        // 8.a.ii. More than 2^53 values is a RangeError (unreachable in practice).
        if count >= 1u64 << 53 {
            let e = cx.throw_range_error("Math.sumPrecise: too many values");
            return Err(iterator_close(cx, &iter, e));
        }
        // 8.a.iii. A non-Number closes the iterator with a TypeError.
        let Some(n) = v.as_number() else {
            let e = cx.throw_type_error("Math.sumPrecise: value is not a Number");
            return Err(iterator_close(cx, &iter, e));
        };
        cx.poll_interrupt(1)?;
        if nan {
            continue;
        }
        if n.is_nan() {
            nan = true;
        } else if n == f64::INFINITY {
            pos_inf = true;
        } else if n == f64::NEG_INFINITY {
            neg_inf = true;
        } else if !(n == 0.0 && n.is_sign_negative()) {
            all_neg_zero = false;
            if n != 0.0 && !pos_inf && !neg_inf {
                acc.add(n);
            }
        }
    }
    let r = if nan || (pos_inf && neg_inf) {
        f64::NAN
    } else if pos_inf {
        f64::INFINITY
    } else if neg_inf {
        f64::NEG_INFINITY
    } else if all_neg_zero {
        -0.0
    } else {
        acc.round()
    };
    Ok(Value::number(r))
}

/// Exact summation of finite doubles in a fixed-point big integer: every finite double is
/// an integer multiple of 2^-1074, and |sum| < 2^(1024+53) for up to 2^53 terms, so a signed
/// integer of 2^-1074 units over 35 64-bit limbs (2240 bits) holds every partial sum exactly.
struct ExactSum {
    /// Two's-complement little-endian limbs of the sum in units of 2^-1074.
    limbs: [u64; LIMBS],
}

const LIMBS: usize = 35;

impl ExactSum {
    fn new() -> ExactSum {
        ExactSum { limbs: [0; LIMBS] }
    }

    /// Adds a finite, non-zero double.
    fn add(&mut self, x: f64) {
        let bits = x.to_bits();
        let exp = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1u64 << 52) - 1);
        // value = mant * 2^(shift - 1074)
        let (mant, shift) = if exp == 0 {
            (frac, 0i64)
        } else {
            (frac | (1u64 << 52), exp - 1)
        };
        let neg = x < 0.0;
        // Build the 2^shift-scaled mantissa as limbs and add or subtract it.
        let word = (shift / 64) as usize;
        let bit = (shift % 64) as u32;
        let lo = mant << bit;
        let hi = if bit == 0 { 0 } else { mant >> (64 - bit) };
        let mut addend = [0u64; LIMBS];
        if let Some(l) = addend.get_mut(word) {
            *l = lo;
        }
        if let Some(l) = addend.get_mut(word + 1) {
            *l = hi;
        }
        if neg {
            // Two's complement negation of the addend.
            let mut carry = true;
            for l in addend.iter_mut() {
                let (v, c) = (!*l).overflowing_add(carry as u64);
                *l = v;
                carry = c;
            }
        }
        let mut carry = false;
        for (s, a) in self.limbs.iter_mut().zip(addend.iter()) {
            let (v1, c1) = s.overflowing_add(*a);
            let (v2, c2) = v1.overflowing_add(carry as u64);
            *s = v2;
            carry = c1 || c2;
        }
    }

    /// The sum rounded to the nearest double (ties to even); ±Infinity past the range.
    fn round(&self) -> f64 {
        let neg = self.limbs[LIMBS - 1] >> 63 == 1;
        let mut mag = self.limbs;
        if neg {
            let mut carry = true;
            for l in mag.iter_mut() {
                let (v, c) = (!*l).overflowing_add(carry as u64);
                *l = v;
                carry = c;
            }
        }
        // Position of the highest set bit.
        let Some(top) = (0..LIMBS).rev().find(|&i| mag[i] != 0) else {
            return 0.0;
        };
        let hb = top as i64 * 64 + 63 - mag[top].leading_zeros() as i64;
        let bit_at = |i: i64| -> bool {
            if i < 0 {
                return false;
            }
            let (w, b) = ((i / 64) as usize, (i % 64) as u32);
            mag.get(w).is_some_and(|l| (l >> b) & 1 == 1)
        };
        let any_below = |i: i64| -> bool {
            // Any bit set strictly below position i?
            if i <= 0 {
                return false;
            }
            let (w, b) = ((i / 64) as usize, (i % 64) as u32);
            if mag[..w.min(LIMBS)].iter().any(|&l| l != 0) {
                return true;
            }
            b > 0 && mag.get(w).is_some_and(|l| l & ((1u64 << b) - 1) != 0)
        };
        // Keep 53 significant bits, or fewer in the subnormal range (lowest bit is 2^-1074).
        let low = (hb - 52).max(0);
        let mut m: u64 = 0;
        for i in (low..=hb).rev() {
            m = (m << 1) | bit_at(i) as u64;
        }
        let half = bit_at(low - 1);
        let rest = any_below(low - 1);
        if half && (rest || m & 1 == 1) {
            m += 1;
        }
        // value = m * 2^(low - 1074); m ≤ 2^53 is exact in f64.
        let e = low - 1074;
        let v = scale_pow2(m as f64, e);
        if neg {
            -v
        } else {
            v
        }
    }
}

/// m * 2^e for exact m, computed in steps so intermediate powers stay finite and normal.
fn scale_pow2(mut m: f64, mut e: i64) -> f64 {
    while e > 1000 {
        m *= 2f64.powi(1000);
        e -= 1000;
    }
    while e < -1000 {
        // m is an integer ≤ 2^53 here and the final result is ≥ 2^-1074: dividing in two
        // steps keeps every intermediate exact until the last.
        m *= 2f64.powi(-1000);
        e += 1000;
    }
    m * 2f64.powi(e as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_and_f16round_edges() {
        assert_eq!(round(0.49999999999999994), 0.0);
        assert_eq!(round(2.5), 3.0);
        assert_eq!(round(-2.5), -2.0);
        assert!(round(-0.2).is_sign_negative());
        assert_eq!(f16_round(1.337), 1.3369140625);
        assert_eq!(f16_round(65519.0), 65504.0);
        assert_eq!(f16_round(65520.0), f64::INFINITY);
        assert_eq!(f16_round(5.960464477539063e-8), 5.960464477539063e-8);
        assert_eq!(f16_round(2.9802322387695312e-8), 0.0);
        assert_eq!(f16_round(2.980232238769532e-8), 5.960464477539063e-8);
    }

    #[test]
    fn exact_sum() {
        let mut s = ExactSum::new();
        for x in [1e308, 1e308, -1e308] {
            s.add(x);
        }
        assert_eq!(s.round(), 1e308);
        let mut s = ExactSum::new();
        for x in [0.1, 0.2, 0.3] {
            s.add(x);
        }
        assert_eq!(s.round(), 0.6);
        let mut s = ExactSum::new();
        for x in [1.0, 1e-300, -1.0] {
            s.add(x);
        }
        assert_eq!(s.round(), 1e-300);
        let mut s = ExactSum::new();
        for x in [f64::MAX, f64::MAX] {
            s.add(x);
        }
        assert_eq!(s.round(), f64::INFINITY);
        let mut s = ExactSum::new();
        s.add(5e-324);
        s.add(-5e-324);
        s.add(-5e-324);
        assert_eq!(s.round(), -5e-324);
    }
}
