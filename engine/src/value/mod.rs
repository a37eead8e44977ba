//! [`Value`], the JavaScript value, plus the abstract operations on it: type conversions
//! (spec 7.1, in [`conv`]), testing and comparison (spec 7.2) and the numeric operators
//! (spec 6.1.6, in [`ops`]); BigInt storage lives in [`bigint`].
//!
//! Invariants:
//! - `Value` is at most 16 bytes on 64-bit and 32-bit targets (asserted below).
//! - `Int(i)` and `Float(f)` are two encodings of one Number type: every operation treats
//!   `Int(i)` exactly as `Float(i as f64)`. `Float` may hold integral values too (producers
//!   are not required to normalise); `-0` is always a `Float`.
//! - `Uninitialized` is the VM's TDZ marker; it never reaches script-visible code.

pub mod bigint;
pub mod conv;
pub mod ops;

pub use bigint::JsBigInt;

use crate::atoms::Atom;
use crate::object::Obj;
use crate::strings::JsString;

/// A JavaScript value. Cloning increments reference counts of heap payloads.
#[derive(Clone, Default)]
pub enum Value {
    #[default]
    Undefined,
    Null,
    Bool(bool),
    /// A Number that fits in int32 (fast path).
    Int(i32),
    /// Any other Number (and possibly integral ones).
    Float(f64),
    String(JsString),
    /// A Symbol: an atom of symbol kind in the runtime's atom table.
    Symbol(Atom),
    BigInt(JsBigInt),
    Object(Obj),
    /// TDZ marker for let/const/class bindings (VM internal).
    Uninitialized,
}

const _: () = assert!(std::mem::size_of::<Value>() <= 16);
#[cfg(target_pointer_width = "32")]
const _: () = assert!(std::mem::size_of::<Value>() <= 16);

impl Value {
    /// A Number value, using the int32 encoding when exact (and not -0).
    #[inline]
    pub fn number(n: f64) -> Value {
        let i = n as i32;
        if i as f64 == n && !(i == 0 && n.is_sign_negative()) {
            Value::Int(i)
        } else {
            Value::Float(n)
        }
    }
    #[inline]
    pub fn is_undefined(&self) -> bool {
        matches!(self, Value::Undefined)
    }
    #[inline]
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
    /// undefined or null.
    #[inline]
    pub fn is_nullish(&self) -> bool {
        matches!(self, Value::Undefined | Value::Null)
    }
    #[inline]
    pub fn is_number(&self) -> bool {
        matches!(self, Value::Int(_) | Value::Float(_))
    }
    #[inline]
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }
    /// The f64 of a Number value.
    #[inline]
    pub fn as_number(&self) -> Option<f64> {
        match *self {
            Value::Int(i) => Some(i as f64),
            Value::Float(f) => Some(f),
            _ => None,
        }
    }
    #[inline]
    pub fn as_object(&self) -> Option<&Obj> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }
    #[inline]
    pub fn as_string(&self) -> Option<&JsString> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// ToBoolean. Spec: #sec-toboolean
    pub fn to_boolean(&self) -> bool {
        match self {
            Value::Undefined | Value::Null | Value::Uninitialized => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => !(*f == 0.0 || f.is_nan()),
            Value::String(s) => !s.is_empty(),
            Value::Symbol(_) => true,
            Value::BigInt(b) => !b.is_zero(),
            // Annex B [[IsHTMLDDA]] objects would return false here.
            Value::Object(o) => !o.is_htmldda(),
        }
    }

    /// The `typeof` operator's answer as a predefined name. Spec: #sec-typeof-operator
    pub fn type_of(&self) -> &'static str {
        match self {
            Value::Undefined | Value::Uninitialized => "undefined",
            Value::Null => "object",
            Value::Bool(_) => "boolean",
            Value::Int(_) | Value::Float(_) => "number",
            Value::String(_) => "string",
            Value::Symbol(_) => "symbol",
            Value::BigInt(_) => "bigint",
            Value::Object(o) => {
                if o.is_htmldda() {
                    "undefined"
                } else if o.is_callable() {
                    "function"
                } else {
                    "object"
                }
            }
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<i32> for Value {
    fn from(i: i32) -> Value {
        Value::Int(i)
    }
}
impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::number(f)
    }
}
impl From<JsString> for Value {
    fn from(s: JsString) -> Value {
        Value::String(s)
    }
}
impl From<Obj> for Value {
    fn from(o: Obj) -> Value {
        Value::Object(o)
    }
}
impl From<Option<Obj>> for Value {
    fn from(o: Option<Obj>) -> Value {
        match o {
            Some(o) => Value::Object(o),
            None => Value::Null,
        }
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Undefined => write!(f, "undefined"),
            Value::Null => write!(f, "null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{}", crate::strings::number::number_to_string(*x)),
            Value::String(s) => write!(f, "{s:?}"),
            Value::Symbol(a) => write!(f, "Symbol(#{})", a.raw()),
            Value::BigInt(b) => write!(f, "{}n", b.to_string_radix(10)),
            Value::Object(o) => write!(f, "[object @{:x}]", o.addr()),
            Value::Uninitialized => write!(f, "<uninitialized>"),
        }
    }
}

/// SameValue. Spec: #sec-samevalue
pub fn same_value(a: &Value, b: &Value) -> bool {
    match (a.as_number(), b.as_number()) {
        (Some(x), Some(y)) => {
            if x.is_nan() && y.is_nan() {
                return true;
            }
            x == y && x.is_sign_negative() == y.is_sign_negative()
        }
        _ => same_value_non_number(a, b),
    }
}

/// SameValueZero. Spec: #sec-samevaluezero
pub fn same_value_zero(a: &Value, b: &Value) -> bool {
    match (a.as_number(), b.as_number()) {
        (Some(x), Some(y)) => x == y || (x.is_nan() && y.is_nan()),
        _ => same_value_non_number(a, b),
    }
}

/// IsStrictlyEqual. Spec: #sec-isstrictlyequal
pub fn strict_equals(a: &Value, b: &Value) -> bool {
    match (a.as_number(), b.as_number()) {
        (Some(x), Some(y)) => x == y,
        _ => same_value_non_number(a, b),
    }
}

/// SameValueNonNumber (also used for BigInt). Spec: #sec-samevaluenonnumber
fn same_value_non_number(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Undefined, Value::Undefined) | (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Symbol(x), Value::Symbol(y)) => x == y,
        (Value::BigInt(x), Value::BigInt(y)) => x.value() == y.value(),
        (Value::Object(x), Value::Object(y)) => Obj::ptr_eq(x, y),
        (Value::Uninitialized, Value::Uninitialized) => true,
        _ => false,
    }
}
