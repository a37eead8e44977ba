//! Number ↔ string conversions: Number::toString (radix 10 via `ryu-js`, radix 2-36),
//! the digit generation behind toFixed / toExponential / toPrecision (exact, via big
//! integers), and StringToNumber.
//!
//! Invariants: every function here is total (no panics for any f64 or any input text) and
//! bounded (digit loops run at most ~1100 iterations: f64 has at most 1074 fraction bits).

use num_bigint::BigUint;
use num_traits::{One, ToPrimitive, Zero};

/// Number::toString(x) in radix 10.
/// Spec: #sec-numeric-types-number-tostring
pub fn number_to_string(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let mut buf = ryu_js::Buffer::new();
    buf.format(x).to_string()
}

/// Number::toString(x, radix) for radix 2..=36 (radix 10 goes to [`number_to_string`]).
/// The fraction is generated until it identifies the number uniquely (the delta of half an
/// ULP), rounding the last digit, as other engines do; the spec leaves the digits to the
/// implementation.
pub fn number_to_string_radix(x: f64, radix: u32) -> String {
    if radix == 10 || !(2..=36).contains(&radix) {
        return number_to_string(x);
    }
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    if x == 0.0 {
        return "0".into();
    }
    let neg = x < 0.0;
    let v = x.abs();
    let int_part = v.trunc();
    let mut frac = v - int_part;
    let digit = |d: u32| std::char::from_digit(d, radix).unwrap_or('0');
    // Integer part: exact, via big integers (x may be up to 2^1024).
    let mut int_digits: Vec<char> = Vec::new();
    let (m, e) = decompose(int_part);
    let mut n = BigUint::from(m) << (e.max(0) as usize);
    if e < 0 {
        n >>= (-e) as usize;
    }
    if n.is_zero() {
        int_digits.push('0');
    }
    let r = BigUint::from(radix);
    while !n.is_zero() {
        let d = (&n % &r).to_u32().unwrap_or(0);
        int_digits.push(digit(d));
        n /= &r;
    }
    int_digits.reverse();
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.extend(int_digits);
    if frac > 0.0 {
        // Half the distance to the next double: digits beyond it do not identify `v`.
        let next = f64::from_bits(v.to_bits() + 1);
        let mut delta = 0.5 * (next - v);
        delta = delta.max(f64::from_bits(1));
        let mut fd: Vec<u32> = Vec::new();
        if frac >= delta {
            loop {
                frac *= radix as f64;
                delta *= radix as f64;
                let d = frac.floor() as u32;
                fd.push(d);
                frac -= d as f64;
                if frac > 0.5 || (frac == 0.5 && (d & 1) == 1) {
                    if frac + delta > 1.0 {
                        // Round up, propagating carries.
                        let mut i = fd.len();
                        loop {
                            if i == 0 {
                                break;
                            }
                            i -= 1;
                            if fd[i] + 1 < radix {
                                fd[i] += 1;
                                break;
                            }
                            fd[i] = 0;
                            if i == 0 {
                                // Carry into the integer part: rare; recompute simply.
                                return number_to_string_radix(
                                    if neg {
                                        -(int_part + 1.0)
                                    } else {
                                        int_part + 1.0
                                    },
                                    radix,
                                );
                            }
                        }
                        break;
                    }
                }
                if frac < delta || fd.len() > 1100 {
                    break;
                }
            }
            while fd.last() == Some(&0) {
                fd.pop();
            }
        }
        if !fd.is_empty() {
            out.push('.');
            out.extend(fd.into_iter().map(digit));
        }
    }
    out
}

/// Splits a finite non-negative double into `m * 2^e` with integer `m`.
fn decompose(v: f64) -> (u64, i32) {
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    if exp == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), exp - 1075)
    }
}

/// Exact rational `num / den` of a finite non-negative double.
fn to_rational(v: f64) -> (BigUint, BigUint) {
    let (m, e) = decompose(v);
    if e >= 0 {
        (BigUint::from(m) << (e as usize), BigUint::one())
    } else {
        (BigUint::from(m), BigUint::one() << ((-e) as usize))
    }
}

/// round(num/den), ties to the larger integer.
fn round_half_up(num: &BigUint, den: &BigUint) -> BigUint {
    (num * 2u32 + den) / (den * 2u32)
}

fn pow10(n: u32) -> BigUint {
    BigUint::from(10u32).pow(n)
}

/// The integer `n` closest to `v * 10^f` (ties: larger), as decimal digits. `v` finite, ≥ 0.
/// Used by toFixed.
pub fn fixed_digits(v: f64, f: u32) -> String {
    let (num, den) = to_rational(v);
    round_half_up(&(num * pow10(f)), &den).to_string()
}

/// `p` significant digits of finite `v > 0` and the decimal exponent `e` such that
/// `digits × 10^(e - p + 1)` is closest to `v` (ties: larger). Used by toExponential and
/// toPrecision. Spec: #sec-number.prototype.toprecision step 10.
pub fn precision_digits(v: f64, p: u32) -> (String, i32) {
    let (num, den) = to_rational(v);
    let mut e = v.log10().floor() as i32;
    for _ in 0..4 {
        // v / 10^(e - p + 1) as the exact fraction a / b.
        let shift = e - p as i32 + 1;
        let (a, b) = if shift >= 0 {
            (num.clone(), &den * pow10(shift as u32))
        } else {
            (&num * pow10((-shift) as u32), den.clone())
        };
        // Choose e exactly (the f64 log10 estimate can be off by one near powers of ten):
        // 10^(p-1) <= floor(v / 10^(e-p+1)) < 10^p.
        let digits = (&a / &b).to_string().len() as u32;
        if digits > p {
            e += 1;
            continue;
        }
        if digits < p {
            e -= 1;
            continue;
        }
        // n = round(v / 10^(e - p + 1)); rounding up to 10^p carries into the exponent.
        let s = round_half_up(&a, &b).to_string();
        if s.len() as u32 > p {
            let mut one = String::from("1");
            one.push_str(&"0".repeat(p as usize - 1));
            return (one, e + 1);
        }
        return (s, e);
    }
    // The estimate is off by at most one in each direction; unreachable in practice.
    let s = format!("{:e}", v);
    let (m, ex) = s.split_once('e').unwrap_or((&s, "0"));
    let mut d: String = m.chars().filter(|c| c.is_ascii_digit()).collect();
    d.truncate(p as usize);
    while (d.len() as u32) < p {
        d.push('0');
    }
    (d, ex.parse().unwrap_or(0))
}

/// Shortest round-trip digits of finite `v > 0` and exponent `e` (`d.ddd × 10^e`), for
/// toExponential(undefined).
pub fn shortest_digits(v: f64) -> (String, i32) {
    let s = format!("{:e}", v);
    let (m, ex) = s.split_once('e').unwrap_or((&s, "0"));
    let d: String = m.chars().filter(|c| c.is_ascii_digit()).collect();
    (d, ex.parse().unwrap_or(0))
}

/// StringToNumber on code units. Spec: #sec-stringtonumber
pub fn string_to_number(units: &[u16]) -> f64 {
    let mut start = 0;
    let mut end = units.len();
    while start < end && super::is_js_whitespace(units[start]) {
        start += 1;
    }
    while end > start && super::is_js_whitespace(units[end - 1]) {
        end -= 1;
    }
    let s = &units[start..end];
    if s.is_empty() {
        return 0.0;
    }
    if s.iter().any(|&u| u > 127) {
        return f64::NAN;
    }
    let text: String = s.iter().map(|&u| u as u8 as char).collect();
    parse_number_text(&text)
}

/// StrNumericLiteral on ASCII text without surrounding white space.
fn parse_number_text(t: &str) -> f64 {
    let b = t.as_bytes();
    if b.len() > 2 && b[0] == b'0' {
        let radix = match b[1] {
            b'x' | b'X' => 16,
            b'o' | b'O' => 8,
            b'b' | b'B' => 2,
            _ => 0,
        };
        if radix != 0 {
            return parse_radix_integer(&t[2..], radix).unwrap_or(f64::NAN);
        }
    }
    let (neg, body) = match b.first() {
        Some(b'+') => (false, &t[1..]),
        Some(b'-') => (true, &t[1..]),
        _ => (false, t),
    };
    let v = if body == "Infinity" {
        f64::INFINITY
    } else if is_decimal_literal(body) {
        body.parse::<f64>().unwrap_or(f64::NAN)
    } else {
        f64::NAN
    };
    if neg {
        -v
    } else {
        v
    }
}

/// StrUnsignedDecimalLiteral without Infinity: digits [. digits] [e sign digits], or
/// . digits [exponent]; at least one digit in the mantissa.
fn is_decimal_literal(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let mut mant_digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        mant_digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            mant_digits += 1;
        }
    }
    if mant_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let s0 = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == s0 {
            return false;
        }
    }
    i == b.len()
}

/// Digits in `radix` (no sign, no prefix), correctly rounded to the nearest double.
pub fn parse_radix_integer(digits: &str, radix: u32) -> Option<f64> {
    if digits.is_empty() {
        return None;
    }
    let mut n = BigUint::zero();
    let mut small: u64 = 0;
    let mut big = false;
    for c in digits.chars() {
        let d = c.to_digit(radix)?;
        if !big {
            match small
                .checked_mul(radix as u64)
                .and_then(|v| v.checked_add(d as u64))
            {
                Some(v) => small = v,
                None => {
                    big = true;
                    n = BigUint::from(small) * radix + d;
                }
            }
        } else {
            n = n * radix + d;
        }
    }
    if !big {
        return Some(small as f64);
    }
    Some(biguint_to_f64(&n))
}

/// Correctly rounded (ties to even) conversion of a big integer to f64.
pub fn biguint_to_f64(n: &BigUint) -> f64 {
    let bits = n.bits();
    if bits <= 64 {
        return n.to_u64().map(|v| v as f64).unwrap_or(0.0);
    }
    if bits > 1024 {
        return f64::INFINITY;
    }
    // Keep 54 bits (53 + rounding bit) plus a sticky bit.
    let shift = bits - 54;
    let top = (n >> shift as usize).to_u64().unwrap_or(0);
    let sticky = n.trailing_zeros().map(|z| z < shift).unwrap_or(false);
    let mut mant = top >> 1;
    let round = top & 1 == 1;
    if round && (sticky || mant & 1 == 1) {
        mant += 1;
    }
    mant as f64 * 2f64.powi((shift + 1) as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s2n(s: &str) -> f64 {
        string_to_number(&s.encode_utf16().collect::<Vec<_>>())
    }

    #[test]
    fn to_string_radix10() {
        assert_eq!(number_to_string(1.0), "1");
        assert_eq!(number_to_string(-0.0), "0");
        assert_eq!(number_to_string(1e21), "1e+21");
        assert_eq!(number_to_string(1.5e-7), "1.5e-7");
        assert_eq!(
            number_to_string(123456789012345680000.0),
            "123456789012345680000"
        );
        assert_eq!(number_to_string(f64::NAN), "NaN");
        assert_eq!(number_to_string(f64::NEG_INFINITY), "-Infinity");
    }

    #[test]
    fn to_string_radix() {
        assert_eq!(number_to_string_radix(255.0, 16), "ff");
        assert_eq!(number_to_string_radix(-255.5, 16), "-ff.8");
        assert_eq!(number_to_string_radix(0.5, 2), "0.1");
        assert_eq!(
            number_to_string_radix(0.1, 3),
            "0.0022002200220022002200220022002201"
        );
        assert_eq!(number_to_string_radix(2f64.powi(60), 2).len(), 61);
    }

    #[test]
    fn fixed_and_precision() {
        assert_eq!(fixed_digits(1.005, 2), "100"); // 1.005 is below 1.005 exactly
        assert_eq!(fixed_digits(0.5, 0), "1");
        assert_eq!(fixed_digits(2.5, 0), "3");
        assert_eq!(precision_digits(123.456, 4), ("1235".into(), 2));
        assert_eq!(precision_digits(9.99, 2), ("10".into(), 1));
        assert_eq!(shortest_digits(1.25e-7), ("125".into(), -7));
    }

    #[test]
    fn string_to_number_grammar() {
        assert_eq!(s2n("  12  "), 12.0);
        assert_eq!(s2n(""), 0.0);
        assert_eq!(s2n("\u{FEFF}\n"), 0.0);
        assert_eq!(s2n("0x1F"), 31.0);
        assert_eq!(s2n("0b101"), 5.0);
        assert_eq!(s2n("0o17"), 15.0);
        assert!(s2n("-0x1").is_nan());
        assert_eq!(s2n("-Infinity"), f64::NEG_INFINITY);
        assert!(s2n("infinity").is_nan());
        assert!(s2n("1e").is_nan());
        assert_eq!(s2n(".5"), 0.5);
        assert_eq!(s2n("5."), 5.0);
        assert!(s2n(".").is_nan());
        assert_eq!(s2n("1e3"), 1000.0);
        assert!(s2n("1_000").is_nan());
        assert_eq!(s2n("0x20000000000001"), 9007199254740992.0);
        assert_eq!(s2n("0x20000000000003"), 9007199254740996.0);
    }
}

/// Number.prototype.toFixed's result for finite `x` with `f` in 0..=100 (the caller handles
/// the range check, NaN and |x| ≥ 10^21). Spec: #sec-number.prototype.tofixed steps 6-11
pub fn to_fixed(x: f64, f: u32) -> String {
    if x.abs() >= 1e21 || !x.is_finite() {
        return number_to_string(x);
    }
    let neg = x < 0.0;
    let digits = fixed_digits(x.abs(), f);
    let mut m = if digits == "0" {
        "0".to_string()
    } else {
        digits
    };
    if f != 0 {
        let k = m.len();
        if k <= f as usize {
            m = "0".repeat(f as usize + 1 - k) + &m;
        }
        let split = m.len() - f as usize;
        m = format!("{}.{}", &m[..split], &m[split..]);
    }
    // -0 and values rounding to zero keep the sign of x (spec: x < 0 → "-").
    if neg && x != 0.0 {
        format!("-{m}")
    } else {
        m
    }
}

/// Number.prototype.toExponential for finite `x`; `f = None` means as many digits as
/// needed. Spec: #sec-number.prototype.toexponential steps 10-15
pub fn to_exponential(x: f64, f: Option<u32>) -> String {
    let neg = x < 0.0;
    let v = x.abs();
    let (digits, e) = if v == 0.0 {
        ("0".repeat(f.unwrap_or(0) as usize + 1), 0)
    } else {
        match f {
            Some(f) => precision_digits(v, f + 1),
            None => shortest_digits(v),
        }
    };
    let mut m = digits[..1].to_string();
    if digits.len() > 1 {
        m.push('.');
        m.push_str(&digits[1..]);
    }
    let sign = if e >= 0 { '+' } else { '-' };
    let s = format!("{m}e{sign}{}", e.abs());
    if neg {
        format!("-{s}")
    } else {
        s
    }
}

/// Number.prototype.toPrecision for finite `x` and `p` in 1..=100.
/// Spec: #sec-number.prototype.toprecision steps 8-13
pub fn to_precision(x: f64, p: u32) -> String {
    let neg = x < 0.0;
    let v = x.abs();
    let (digits, e) = if v == 0.0 {
        ("0".repeat(p as usize), 0)
    } else {
        precision_digits(v, p)
    };
    let body = if e < -6 || e >= p as i32 {
        // Exponential notation.
        let mut m = digits[..1].to_string();
        if p > 1 {
            m.push('.');
            m.push_str(&digits[1..]);
        }
        let sign = if e >= 0 { '+' } else { '-' };
        format!("{m}e{sign}{}", e.abs())
    } else if e == p as i32 - 1 {
        digits
    } else if e >= 0 {
        let split = e as usize + 1;
        format!("{}.{}", &digits[..split], &digits[split..])
    } else {
        format!("0.{}{}", "0".repeat((-(e + 1)) as usize), digits)
    };
    if neg {
        format!("-{body}")
    } else {
        body
    }
}

#[cfg(test)]
mod format_tests {
    use super::*;

    #[test]
    fn fixed_exponential_precision() {
        assert_eq!(to_fixed(1.45, 1), "1.4");
        assert_eq!(to_fixed(0.5, 0), "1");
        assert_eq!(to_fixed(-1.5, 0), "-2");
        assert_eq!(to_fixed(0.000001, 2), "0.00");
        assert_eq!(to_fixed(-0.0000001, 2), "-0.00");
        assert_eq!(to_fixed(1000000000000000128.0, 0), "1000000000000000128");
        assert_eq!(to_fixed(123.456, 10), "123.4560000000");
        assert_eq!(to_exponential(123456.0, Some(2)), "1.23e+5");
        assert_eq!(to_exponential(0.00015, None), "1.5e-4");
        assert_eq!(to_exponential(0.0, Some(2)), "0.00e+0");
        assert_eq!(to_exponential(-1.0, None), "-1e+0");
        assert_eq!(to_precision(123.456, 2), "1.2e+2");
        assert_eq!(to_precision(0.000123, 2), "0.00012");
        assert_eq!(to_precision(123.456, 4), "123.5");
        assert_eq!(to_precision(1e21, 3), "1.00e+21");
        assert_eq!(to_precision(0.0, 3), "0.00");
        assert_eq!(to_precision(1.0e-7, 1), "1e-7");
        assert_eq!(to_precision(100.0, 3), "100");
    }
}
