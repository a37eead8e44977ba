//! [`JsBigInt`]: an immutable, reference-counted arbitrary-precision integer behind our own
//! interface (`num-bigint` inside), with a size cap, and the BigInt arithmetic of spec 6.1.6.2.
//!
//! Invariants:
//! - No value exceeds [`MAX_BITS`] bits; operations that would produce one fail with
//!   [`BigIntError::TooBig`] *before* computing it (result size is bounded from the operand
//!   sizes), so a script cannot make the engine allocate past the cap.
//! - Cells are heap leaves; bytes charged = `ceil(bits / 64) * 8`, refunded by `extra_bytes`.

use crate::heap::{Gc, Heap, OutOfMemory, Trace, Tracer};
use num_bigint::{BigInt, Sign};
use num_traits::{One, Signed, ToPrimitive, Zero};

/// Largest BigInt in bits (2^20 bits = 128 KiB, ~315,000 decimal digits); RangeError
/// beyond. The cap also bounds the time of one uninterruptible operation: num-bigint's
/// division is quadratic, and (2^20 / 64)^2 limb steps take well under a second.
pub const MAX_BITS: u64 = 1 << 20;

pub struct BigCell(BigInt);

impl Trace for BigCell {
    fn trace(&self, _visit: &mut Tracer<'_>) {}
    fn clear(&self) {}
    fn extra_bytes(&self) -> usize {
        bytes_of(&self.0)
    }
}

fn bytes_of(b: &BigInt) -> usize {
    b.bits().div_ceil(64) as usize * 8
}

/// A BigInt value.
#[derive(Clone)]
pub struct JsBigInt(Gc<BigCell>);

/// Why a BigInt operation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BigIntError {
    /// RangeError "Maximum BigInt size exceeded".
    TooBig,
    /// RangeError "Division by zero".
    DivisionByZero,
    /// RangeError: negative exponent.
    NegativeExponent,
    OutOfMemory,
}

impl From<OutOfMemory> for BigIntError {
    fn from(_: OutOfMemory) -> Self {
        BigIntError::OutOfMemory
    }
}

type R = Result<JsBigInt, BigIntError>;

impl JsBigInt {
    /// Wraps a computed value, charging it.
    pub fn new(heap: &Heap, v: BigInt) -> R {
        if v.bits() > MAX_BITS {
            return Err(BigIntError::TooBig);
        }
        let extra = bytes_of(&v);
        heap.charge(extra)?;
        match heap.alloc(BigCell(v), false) {
            Ok(g) => Ok(JsBigInt(g)),
            Err(e) => {
                heap.refund(extra);
                Err(e.into())
            }
        }
    }
    pub fn from_i64(heap: &Heap, v: i64) -> R {
        Self::new(heap, BigInt::from(v))
    }
    /// The integral f64 `v` as a BigInt (caller checked it is an integer).
    pub fn from_f64(heap: &Heap, v: f64) -> R {
        Self::new(heap, f64_to_bigint(v))
    }
    #[inline]
    pub fn value(&self) -> &BigInt {
        &self.0 .0
    }
    pub fn is_zero(&self) -> bool {
        self.0 .0.is_zero()
    }
    pub fn is_negative(&self) -> bool {
        self.0 .0.is_negative()
    }
    /// Number value nearest (ties to even). Spec: Number(bigint)
    pub fn to_f64(&self) -> f64 {
        let v = &self.0 .0;
        let m = crate::strings::number::biguint_to_f64(v.magnitude());
        if v.sign() == Sign::Minus {
            -m
        } else {
            m
        }
    }
    /// BigInt::toString(radix).
    pub fn to_string_radix(&self, radix: u32) -> String {
        self.0 .0.to_str_radix(radix)
    }

    pub fn add(heap: &Heap, a: &Self, b: &Self) -> R {
        Self::new(heap, a.value() + b.value())
    }
    pub fn sub(heap: &Heap, a: &Self, b: &Self) -> R {
        Self::new(heap, a.value() - b.value())
    }
    pub fn mul(heap: &Heap, a: &Self, b: &Self) -> R {
        if a.value().bits() + b.value().bits() > MAX_BITS + 1 {
            return Err(BigIntError::TooBig);
        }
        Self::new(heap, a.value() * b.value())
    }
    /// Truncating division. Spec: #sec-numeric-types-bigint-divide
    pub fn div(heap: &Heap, a: &Self, b: &Self) -> R {
        if b.is_zero() {
            return Err(BigIntError::DivisionByZero);
        }
        Self::new(heap, a.value() / b.value())
    }
    /// Remainder with the sign of the dividend. Spec: #sec-numeric-types-bigint-remainder
    pub fn rem(heap: &Heap, a: &Self, b: &Self) -> R {
        if b.is_zero() {
            return Err(BigIntError::DivisionByZero);
        }
        Self::new(heap, a.value() % b.value())
    }
    /// Spec: #sec-numeric-types-bigint-exponentiate
    pub fn pow(heap: &Heap, a: &Self, b: &Self) -> R {
        if b.is_negative() {
            return Err(BigIntError::NegativeExponent);
        }
        let base = a.value();
        if base.is_zero() || base.is_one() || b.is_zero() {
            return Self::new(
                heap,
                if b.is_zero() {
                    BigInt::one()
                } else {
                    base.clone()
                },
            );
        }
        if *base == BigInt::from(-1) {
            let odd = b.value().bit(0);
            return Self::new(heap, if odd { base.clone() } else { BigInt::one() });
        }
        let e = b.value().to_u64().ok_or(BigIntError::TooBig)?;
        let bits = base.bits().saturating_sub(1).max(1);
        if bits.saturating_mul(e) > MAX_BITS {
            return Err(BigIntError::TooBig);
        }
        // e fits: bits * e ≤ MAX_BITS < 2^32.
        Self::new(heap, num_traits::pow::Pow::pow(base, e as u32))
    }
    /// Left shift by a BigInt amount (negative shifts right, rounding toward -∞).
    /// Spec: #sec-numeric-types-bigint-leftShift
    pub fn shl(heap: &Heap, a: &Self, b: &Self) -> R {
        let n = b.value();
        if a.is_zero() {
            return Ok(a.clone());
        }
        if n.is_negative() {
            let m = n.magnitude().to_u64().unwrap_or(u64::MAX);
            if m >= a.value().bits() {
                return Self::new(
                    heap,
                    if a.is_negative() {
                        BigInt::from(-1)
                    } else {
                        BigInt::zero()
                    },
                );
            }
            return Self::new(heap, a.value() >> m as usize);
        }
        let m = n.to_u64().ok_or(BigIntError::TooBig)?;
        if a.value().bits().saturating_add(m) > MAX_BITS {
            return Err(BigIntError::TooBig);
        }
        Self::new(heap, a.value() << m as usize)
    }
    /// Spec: #sec-numeric-types-bigint-signedRightShift
    pub fn shr(heap: &Heap, a: &Self, b: &Self) -> R {
        let neg = JsBigInt::new(heap, -b.value())?;
        Self::shl(heap, a, &neg)
    }
    pub fn bitand(heap: &Heap, a: &Self, b: &Self) -> R {
        Self::new(heap, a.value() & b.value())
    }
    pub fn bitor(heap: &Heap, a: &Self, b: &Self) -> R {
        Self::new(heap, a.value() | b.value())
    }
    pub fn bitxor(heap: &Heap, a: &Self, b: &Self) -> R {
        Self::new(heap, a.value() ^ b.value())
    }
    pub fn neg(heap: &Heap, a: &Self) -> R {
        Self::new(heap, -a.value())
    }
    pub fn not(heap: &Heap, a: &Self) -> R {
        Self::new(heap, !a.value())
    }
    /// BigInt.asIntN / asUintN. Spec: #sec-bigint.asintn
    pub fn as_n(heap: &Heap, bits: u64, a: &Self, signed: bool) -> R {
        if bits == 0 {
            return Self::new(heap, BigInt::zero());
        }
        if bits > MAX_BITS {
            // Values already fit: only negative numbers in asUintN grow.
            if !signed && a.is_negative() {
                return Err(BigIntError::TooBig);
            }
            return Ok(a.clone());
        }
        let modulus = BigInt::one() << bits as usize;
        let mut r = a.value() % &modulus;
        if r.is_negative() {
            r += &modulus;
        }
        if signed && r >= (&modulus >> 1usize) {
            r -= &modulus;
        }
        Self::new(heap, r)
    }
    /// Parses a StringIntegerLiteral (for StringToBigInt): optional white space was
    /// trimmed by the caller; decimal with sign, or 0x/0o/0b without sign. `None` = SyntaxError.
    pub fn parse(text: &str) -> Option<BigInt> {
        let b = text.as_bytes();
        if text.is_empty() {
            return Some(BigInt::zero());
        }
        if b.len() > 2 && b[0] == b'0' {
            let radix = match b[1] {
                b'x' | b'X' => 16,
                b'o' | b'O' => 8,
                b'b' | b'B' => 2,
                _ => 0,
            };
            if radix != 0 {
                if !text[2..].chars().all(|c| c.is_digit(radix)) {
                    return None;
                }
                return BigInt::parse_bytes(&b[2..], radix);
            }
        }
        let (neg, digits) = match b[0] {
            b'+' => (false, &text[1..]),
            b'-' => (true, &text[1..]),
            _ => (false, text),
        };
        if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let v = BigInt::parse_bytes(digits.as_bytes(), 10)?;
        Some(if neg { -v } else { v })
    }
    /// Compare with a Number (for relational/equality operators); `None` if `n` is NaN.
    pub fn cmp_f64(&self, n: f64) -> Option<std::cmp::Ordering> {
        use std::cmp::Ordering;
        if n.is_nan() {
            return None;
        }
        if n == f64::INFINITY {
            return Some(Ordering::Less);
        }
        if n == f64::NEG_INFINITY {
            return Some(Ordering::Greater);
        }
        let fl = n.floor();
        let bi = f64_to_bigint(fl);
        match self.value().cmp(&bi) {
            Ordering::Equal => {
                if fl < n {
                    Some(Ordering::Less)
                } else {
                    Some(Ordering::Equal)
                }
            }
            o => Some(o),
        }
    }
}

/// Exact conversion of an integral finite f64.
pub fn f64_to_bigint(v: f64) -> BigInt {
    if v.abs() < 9.0e15 {
        return BigInt::from(v as i64);
    }
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64 - 1075;
    let mant = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
    let mut r = BigInt::from(mant);
    if exp > 0 {
        r <<= exp as usize;
    } else {
        r >>= (-exp) as usize;
    }
    if v < 0.0 {
        -r
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_and_caps() {
        let heap = Heap::new();
        {
            let two = JsBigInt::from_i64(&heap, 2).unwrap();
            let big = JsBigInt::from_i64(&heap, 100).unwrap();
            let p = JsBigInt::pow(&heap, &two, &big).unwrap();
            assert_eq!(p.to_string_radix(10), "1267650600228229401496703205376");
            let huge = JsBigInt::from_i64(&heap, 1 << 40).unwrap();
            assert_eq!(
                JsBigInt::pow(&heap, &two, &huge).err(),
                Some(BigIntError::TooBig)
            );
            assert_eq!(
                JsBigInt::shl(&heap, &two, &huge).err(),
                Some(BigIntError::TooBig)
            );
            let m = JsBigInt::from_i64(&heap, -7).unwrap();
            assert_eq!(
                JsBigInt::rem(&heap, &m, &two).unwrap().to_string_radix(10),
                "-1"
            );
            assert_eq!(
                JsBigInt::div(&heap, &m, &two).unwrap().to_string_radix(10),
                "-3"
            );
            let neg1 = JsBigInt::from_i64(&heap, -1).unwrap();
            assert_eq!(
                JsBigInt::shl(&heap, &m, &neg1).unwrap().to_string_radix(10),
                "-4"
            );
            assert_eq!(
                JsBigInt::as_n(&heap, 8, &m, false)
                    .unwrap()
                    .to_string_radix(10),
                "249"
            );
            assert_eq!(m.cmp_f64(-6.5), Some(std::cmp::Ordering::Less));
        }
        assert_eq!(heap.bytes(), 0);
    }

    #[test]
    fn parse_literals() {
        assert_eq!(JsBigInt::parse("0x1f"), Some(BigInt::from(31)));
        assert_eq!(JsBigInt::parse("-12"), Some(BigInt::from(-12)));
        assert_eq!(JsBigInt::parse("-0x1"), None);
        assert_eq!(JsBigInt::parse("1.5"), None);
        assert_eq!(JsBigInt::parse(""), Some(BigInt::zero()));
    }
}
