//! %TypedArray%, the twelve typed array constructors (Int8 … Float64, Uint8Clamped, Float16,
//! BigInt64, BigUint64), %TypedArray%.prototype, and the integer-indexed exotic object
//! internal methods that `object/ops.rs` dispatches to.
//! Spec: #sec-typedarray-objects, #sec-typedarray-exotic-objects
//!
//! A typed array is `ObjectData::TypedArray(Box<TypedArrayData>)`: element kind, the buffer
//! object, a clone of its `Rc<BufferData>` store, byte offset and either a fixed element
//! count or `None` for a length-tracking view of a resizable buffer. Elements are read and
//! written little-endian straight from the store (`from_le_bytes`), with no per-element
//! allocation except BigInt results.
//!
//! Invariants:
//! - Every access recomputes the view's bounds from the store's current length
//!   ([`TypedArrayData::array_length`], `None` = out of bounds or detached): buffers can be
//!   resized or detached by any user code, so no length is cached across a call into JS.
//! - No borrow of an object or a store is held while user code runs: values are converted
//!   (ToNumber / ToBigInt) first, then written if the index is still valid.
//! - Every loop over elements polls the interrupt; temporary value lists are checked
//!   against the memory limit before they are built.

use super::arraybuffer::{allocate_buffer, buffer_data, relative, BufferData};
use super::iterator::{get_iterator_from_method, step_value};
use super::{arg, install, install_class, Builtin, ClassDef, Val};
use crate::atoms::Atom;
use crate::object::ops::{
    get, get_method, get_prototype_from_constructor, index_key, invoke, length_of_array_like, set,
    species_constructor,
};
use crate::object::PropertyDescriptor;
use crate::object::{attrs, call, construct, is_callable, is_constructor, Obj, ObjectData};
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::value::conv::{
    canonical_numeric_index, f64_to_uint32, to_bigint, to_index, to_integer_or_infinity, to_number,
    to_object, to_string,
};
use crate::value::{same_value_zero, strict_equals, JsBigInt, Value};
use crate::{alias, getter, method, value};
use num_bigint::{BigInt, Sign};
use std::cmp::Ordering;
use std::rc::Rc;

/// Element types. Spec: Table 71 (TypedArray constructors)
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum Kind {
    Int8,
    Uint8,
    Uint8Clamped,
    Int16,
    Uint16,
    Int32,
    Uint32,
    Float16,
    Float32,
    Float64,
    BigInt64,
    BigUint64,
}

/// Every kind, in `magic` order.
pub const KINDS: [Kind; 12] = [
    Kind::Int8,
    Kind::Uint8,
    Kind::Uint8Clamped,
    Kind::Int16,
    Kind::Uint16,
    Kind::Int32,
    Kind::Uint32,
    Kind::Float16,
    Kind::Float32,
    Kind::Float64,
    Kind::BigInt64,
    Kind::BigUint64,
];

impl Kind {
    /// Element size in bytes.
    #[inline]
    pub fn size(self) -> usize {
        match self {
            Kind::Int8 | Kind::Uint8 | Kind::Uint8Clamped => 1,
            Kind::Int16 | Kind::Uint16 | Kind::Float16 => 2,
            Kind::Int32 | Kind::Uint32 | Kind::Float32 => 4,
            Kind::Float64 | Kind::BigInt64 | Kind::BigUint64 => 8,
        }
    }
    /// [[ContentType]] is BigInt.
    #[inline]
    pub fn is_bigint(self) -> bool {
        matches!(self, Kind::BigInt64 | Kind::BigUint64)
    }
    /// [[TypedArrayName]].
    pub fn name(self) -> &'static str {
        match self {
            Kind::Int8 => "Int8Array",
            Kind::Uint8 => "Uint8Array",
            Kind::Uint8Clamped => "Uint8ClampedArray",
            Kind::Int16 => "Int16Array",
            Kind::Uint16 => "Uint16Array",
            Kind::Int32 => "Int32Array",
            Kind::Uint32 => "Uint32Array",
            Kind::Float16 => "Float16Array",
            Kind::Float32 => "Float32Array",
            Kind::Float64 => "Float64Array",
            Kind::BigInt64 => "BigInt64Array",
            Kind::BigUint64 => "BigUint64Array",
        }
    }
    pub fn ctor_intrinsic(self) -> Intrinsic {
        match self {
            Kind::Int8 => Intrinsic::Int8Array,
            Kind::Uint8 => Intrinsic::Uint8Array,
            Kind::Uint8Clamped => Intrinsic::Uint8ClampedArray,
            Kind::Int16 => Intrinsic::Int16Array,
            Kind::Uint16 => Intrinsic::Uint16Array,
            Kind::Int32 => Intrinsic::Int32Array,
            Kind::Uint32 => Intrinsic::Uint32Array,
            Kind::Float16 => Intrinsic::Float16Array,
            Kind::Float32 => Intrinsic::Float32Array,
            Kind::Float64 => Intrinsic::Float64Array,
            Kind::BigInt64 => Intrinsic::BigInt64Array,
            Kind::BigUint64 => Intrinsic::BigUint64Array,
        }
    }
    pub fn proto_intrinsic(self) -> Intrinsic {
        match self {
            Kind::Int8 => Intrinsic::Int8ArrayPrototype,
            Kind::Uint8 => Intrinsic::Uint8ArrayPrototype,
            Kind::Uint8Clamped => Intrinsic::Uint8ClampedArrayPrototype,
            Kind::Int16 => Intrinsic::Int16ArrayPrototype,
            Kind::Uint16 => Intrinsic::Uint16ArrayPrototype,
            Kind::Int32 => Intrinsic::Int32ArrayPrototype,
            Kind::Uint32 => Intrinsic::Uint32ArrayPrototype,
            Kind::Float16 => Intrinsic::Float16ArrayPrototype,
            Kind::Float32 => Intrinsic::Float32ArrayPrototype,
            Kind::Float64 => Intrinsic::Float64ArrayPrototype,
            Kind::BigInt64 => Intrinsic::BigInt64ArrayPrototype,
            Kind::BigUint64 => Intrinsic::BigUint64ArrayPrototype,
        }
    }
}

/// The internal slots of a typed array. Spec: #sec-properties-of-typedarray-instances
pub struct TypedArrayData {
    pub kind: Kind,
    /// [[ViewedArrayBuffer]].
    pub buffer: Obj,
    /// The buffer's store (shared with the buffer object).
    pub data: Rc<BufferData>,
    /// [[ByteOffset]].
    pub byte_offset: usize,
    /// [[ArrayLength]]; `None` = auto (length-tracking).
    pub length: Option<usize>,
}

impl TypedArrayData {
    /// TypedArrayLength of a witness record, or `None` when IsTypedArrayOutOfBounds
    /// (detached buffer included). Spec: #sec-istypedarrayoutofbounds, #sec-typedarraylength
    #[inline]
    pub fn array_length(&self) -> Option<usize> {
        if self.data.detached.get() {
            return None;
        }
        let bl = self.data.len();
        if self.byte_offset > bl {
            return None;
        }
        match self.length {
            Some(n) => {
                let end = n
                    .checked_mul(self.kind.size())?
                    .checked_add(self.byte_offset)?;
                (end <= bl).then_some(n)
            }
            None => Some((bl - self.byte_offset) / self.kind.size()),
        }
    }
    /// TypedArrayByteLength (0 when out of bounds). Spec: #sec-typedarraybytelength
    pub fn byte_length(&self) -> usize {
        self.array_length().map_or(0, |n| n * self.kind.size())
    }
    /// IsTypedArrayFixedLength. Spec: #sec-istypedarrayfixedlength
    pub fn is_fixed_length(&self) -> bool {
        self.length.is_some() && (self.data.is_fixed_length() || self.data.shared)
    }
}

// ---------------------------------------------------------------------------------------
// Element encoding

/// A converted element value: a Number, or the 64-bit two's-complement pattern of a BigInt.
#[derive(Clone, Copy, Debug)]
pub enum Elem {
    Num(f64),
    Big(u64),
}

fn le<const N: usize>(s: &[u8]) -> [u8; N] {
    s.try_into().unwrap_or([0; N])
}

/// Decodes one little-endian element (`s.len() == kind.size()`).
/// Spec: #sec-rawbytestonumeric
#[inline]
pub fn decode(kind: Kind, s: &[u8]) -> Elem {
    match kind {
        Kind::Int8 => Elem::Num(le::<1>(s)[0] as i8 as f64),
        Kind::Uint8 | Kind::Uint8Clamped => Elem::Num(le::<1>(s)[0] as f64),
        Kind::Int16 => Elem::Num(i16::from_le_bytes(le(s)) as f64),
        Kind::Uint16 => Elem::Num(u16::from_le_bytes(le(s)) as f64),
        Kind::Int32 => Elem::Num(i32::from_le_bytes(le(s)) as f64),
        Kind::Uint32 => Elem::Num(u32::from_le_bytes(le(s)) as f64),
        Kind::Float16 => Elem::Num(f16_to_f64(u16::from_le_bytes(le(s)))),
        Kind::Float32 => Elem::Num(f32::from_le_bytes(le(s)) as f64),
        Kind::Float64 => Elem::Num(f64::from_le_bytes(le(s))),
        Kind::BigInt64 | Kind::BigUint64 => Elem::Big(u64::from_le_bytes(le(s))),
    }
}

/// Encodes one element little-endian into `out` (`out.len() == kind.size()`).
/// Spec: #sec-numerictorawbytes
#[inline]
pub fn encode(kind: Kind, e: Elem, out: &mut [u8]) {
    let n = match e {
        Elem::Num(n) => n,
        Elem::Big(b) => {
            out.copy_from_slice(&b.to_le_bytes()[..out.len().min(8)]);
            return;
        }
    };
    match kind {
        Kind::Int8 | Kind::Uint8 => out.copy_from_slice(&[f64_to_uint32(n) as u8]),
        Kind::Uint8Clamped => out.copy_from_slice(&[clamp_u8(n)]),
        Kind::Int16 | Kind::Uint16 => out.copy_from_slice(&(f64_to_uint32(n) as u16).to_le_bytes()),
        Kind::Int32 | Kind::Uint32 => out.copy_from_slice(&f64_to_uint32(n).to_le_bytes()),
        Kind::Float16 => out.copy_from_slice(&f64_to_f16(n).to_le_bytes()),
        Kind::Float32 => out.copy_from_slice(&(n as f32).to_le_bytes()),
        Kind::Float64 => out.copy_from_slice(&n.to_le_bytes()),
        Kind::BigInt64 | Kind::BigUint64 => out.copy_from_slice(&(n as i64).to_le_bytes()),
    }
}

/// ToUint8Clamp on a Number (no user code). Spec: #sec-touint8clamp
fn clamp_u8(n: f64) -> u8 {
    if n.is_nan() || n <= 0.0 {
        return 0;
    }
    if n >= 255.0 {
        return 255;
    }
    let f = n.floor();
    let d = n - f;
    let r = if d < 0.5 || (d == 0.5 && f % 2.0 == 0.0) {
        f
    } else {
        f + 1.0
    };
    r as u8
}

/// binary16 bits → Number.
pub fn f16_to_f64(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let e = ((h >> 10) & 0x1f) as i32;
    let m = (h & 0x3ff) as f64;
    sign * match e {
        0 => m * 2f64.powi(-24),
        31 if m == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (1.0 + m / 1024.0) * 2f64.powi(e - 15),
    }
}

/// Number → binary16 bits (roundTiesToEven, via `Math.f16round`'s exact rounding).
pub fn f64_to_f16(x: f64) -> u16 {
    if x.is_nan() {
        return 0x7e00;
    }
    let r = super::math::f16_round(x);
    let sign: u16 = if r.is_sign_negative() { 0x8000 } else { 0 };
    let a = r.abs();
    if a.is_infinite() {
        return sign | 0x7c00;
    }
    if a == 0.0 {
        return sign;
    }
    if a < 2f64.powi(-14) {
        // Subnormal: an exact multiple of 2^-24.
        return sign | (a * 2f64.powi(24)) as u16;
    }
    let bits = a.to_bits();
    let e = ((bits >> 52) & 0x7ff) as i32 - 1023;
    let m = ((bits >> 42) & 0x3ff) as u16;
    sign | (((e + 15) as u16) << 10) | m
}

/// An element as a JS value (BigInts are allocated).
pub fn elem_to_value(cx: &mut Cx, kind: Kind, e: Elem) -> JsResult<Value> {
    match e {
        Elem::Num(n) => Ok(Value::number(n)),
        Elem::Big(b) => {
            let v = if kind == Kind::BigInt64 {
                BigInt::from(b as i64)
            } else {
                BigInt::from(b)
            };
            let r = JsBigInt::new(&cx.heap, v);
            Ok(Value::BigInt(crate::value::conv::bigint_result(cx, r)?))
        }
    }
}

/// The low 64 bits of a BigInt (BigInt64 / BigUint64 modulo 2^64).
pub fn bigint_bits(b: &JsBigInt) -> u64 {
    let v = b.value();
    let lo = v.iter_u64_digits().next().unwrap_or(0);
    if v.sign() == Sign::Minus {
        lo.wrapping_neg()
    } else {
        lo
    }
}

/// ToNumber or ToBigInt by content type (may run user code).
pub fn value_to_elem(cx: &mut Cx, kind: Kind, v: &Value) -> JsResult<Elem> {
    if kind.is_bigint() {
        let b = to_bigint(cx, v)?;
        Ok(Elem::Big(bigint_bits(&b)))
    } else {
        match v {
            Value::Int(i) => Ok(Elem::Num(*i as f64)),
            Value::Float(f) => Ok(Elem::Num(*f)),
            _ => Ok(Elem::Num(to_number(cx, v)?)),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Element access

/// The kind of a typed array object.
#[inline]
pub fn kind_of(o: &Obj) -> Option<Kind> {
    match &o.borrow().class {
        ObjectData::TypedArray(t) => Some(t.kind),
        _ => None,
    }
}

/// Reads element `i` if `o` is a typed array and `i` a valid integer index.
#[inline]
pub fn read_index(o: &Obj, i: usize) -> Option<(Kind, Elem)> {
    let b = o.borrow();
    let ObjectData::TypedArray(t) = &b.class else {
        return None;
    };
    let len = t.array_length()?;
    if i >= len {
        return None;
    }
    let size = t.kind.size();
    let at = t.byte_offset + i * size;
    let bytes = t.data.bytes.borrow();
    let s = bytes.get(at..at + size)?;
    Some((t.kind, decode(t.kind, s)))
}

/// Writes element `i` if it is still a valid integer index; returns whether it did.
#[inline]
pub fn write_index(o: &Obj, i: usize, e: Elem) -> bool {
    let b = o.borrow();
    let ObjectData::TypedArray(t) = &b.class else {
        return false;
    };
    let Some(len) = t.array_length() else {
        return false;
    };
    if i >= len {
        return false;
    }
    let size = t.kind.size();
    let at = t.byte_offset + i * size;
    let mut bytes = t.data.bytes.borrow_mut();
    match bytes.get_mut(at..at + size) {
        Some(s) => {
            encode(t.kind, e, s);
            true
        }
        None => false,
    }
}

/// TypedArrayGetElement with an index known to be an integer. Spec: #sec-typedarraygetelement
pub fn get_index(cx: &mut Cx, o: &Obj, i: usize) -> JsResult<Value> {
    match read_index(o, i) {
        Some((k, e)) => elem_to_value(cx, k, e),
        None => Ok(Value::Undefined),
    }
}

/// TypedArraySetElement with an integer index. Spec: #sec-typedarraysetelement
pub fn set_index(cx: &mut Cx, o: &Obj, i: usize, v: &Value) -> JsResult<()> {
    let Some(kind) = kind_of(o) else {
        return Ok(());
    };
    // 1-2. Convert first (may run user code), 3. then write if still valid.
    let e = value_to_elem(cx, kind, v)?;
    write_index(o, i, e);
    Ok(())
}

/// The element index a numeric key denotes, if it is a valid integer index of `o`
/// right now. Spec: #sec-isvalidintegerindex
fn valid_index(o: &Obj, n: f64) -> Option<usize> {
    if n.fract() != 0.0 || n.is_nan() || (n == 0.0 && n.is_sign_negative()) || n < 0.0 {
        return None;
    }
    let b = o.borrow();
    let ObjectData::TypedArray(t) = &b.class else {
        return None;
    };
    let len = t.array_length()?;
    (n < len as f64).then_some(n as usize)
}

/// CanonicalNumericIndexString for property keys of typed arrays, with a quick rejection
/// of ordinary names (not in spec: observably the same).
/// Spec: #sec-canonicalnumericindexstring
#[inline]
pub fn numeric_key(cx: &mut Cx, key: Atom) -> Option<f64> {
    if let Some(i) = key.as_index() {
        return Some(i as f64);
    }
    let first = *cx.atoms.text(key)?.first()?;
    // A canonical Number string starts with a digit, '-', 'I' (Infinity) or 'N' (NaN).
    if !(first == b'-' as u16
        || first == b'I' as u16
        || first == b'N' as u16
        || (b'0' as u16..=b'9' as u16).contains(&first))
    {
        return None;
    }
    canonical_numeric_index(cx, key)
}

// ---------------------------------------------------------------------------------------
// Integer-indexed exotic object internal methods (called from object/ops.rs with a
// numeric key). Spec: #sec-typedarray-exotic-objects

/// [[GetOwnProperty]] for a numeric key. Spec: #sec-typedarray-getownproperty
pub fn exotic_get_own(cx: &mut Cx, o: &Obj, n: f64) -> JsResult<Option<PropertyDescriptor>> {
    let Some(i) = valid_index(o, n) else {
        return Ok(None);
    };
    let v = get_index(cx, o, i)?;
    Ok(Some(PropertyDescriptor::data(v, attrs::DEFAULT)))
}

/// [[HasProperty]] for a numeric key. Spec: #sec-typedarray-hasproperty
pub fn exotic_has(o: &Obj, n: f64) -> bool {
    valid_index(o, n).is_some()
}

/// [[DefineOwnProperty]] for a numeric key. Spec: #sec-typedarray-defineownproperty
pub fn exotic_define(cx: &mut Cx, o: &Obj, n: f64, desc: PropertyDescriptor) -> JsResult<bool> {
    // i. Not a valid integer index: false.
    let Some(i) = valid_index(o, n) else {
        return Ok(false);
    };
    // ii-v. Only {configurable, enumerable, writable} data properties are possible.
    if desc.configurable == Some(false)
        || desc.enumerable == Some(false)
        || desc.is_accessor()
        || desc.writable == Some(false)
    {
        return Ok(false);
    }
    // vi. Write the value.
    if let Some(v) = &desc.value {
        set_index(cx, o, i, v)?;
    }
    Ok(true)
}

/// [[Get]] for a numeric key. Spec: #sec-typedarray-get
pub fn exotic_get(cx: &mut Cx, o: &Obj, n: f64) -> JsResult<Value> {
    match valid_index(o, n) {
        Some(i) => get_index(cx, o, i),
        None => Ok(Value::Undefined),
    }
}

/// TypedArraySetElement for a numeric key. Spec: #sec-typedarraysetelement
pub fn exotic_set_element(cx: &mut Cx, o: &Obj, n: f64, v: &Value) -> JsResult<()> {
    let Some(kind) = kind_of(o) else {
        return Ok(());
    };
    let e = value_to_elem(cx, kind, v)?;
    if let Some(i) = valid_index(o, n) {
        write_index(o, i, e);
    }
    Ok(())
}

/// Fast path for `ta[i]` from the interpreter (not in spec: the same as [[Get]]).
#[inline]
pub fn fast_get(cx: &mut Cx, o: &Obj, i: i32) -> Option<JsResult<Value>> {
    if i < 0 {
        return None;
    }
    let (kind, elem) = {
        let b = o.borrow();
        let ObjectData::TypedArray(t) = &b.class else {
            return None;
        };
        let len = t.array_length().unwrap_or(0);
        if i as usize >= len {
            return Some(Ok(Value::Undefined));
        }
        let size = t.kind.size();
        let at = t.byte_offset + i as usize * size;
        let bytes = t.data.bytes.borrow();
        match bytes.get(at..at + size) {
            Some(s) => (t.kind, decode(t.kind, s)),
            None => return Some(Ok(Value::Undefined)),
        }
    };
    Some(elem_to_value(cx, kind, elem))
}

/// Fast path for `ta[i] = v` from the interpreter when the receiver is the typed array
/// itself (not in spec: the same as [[Set]]).
#[inline]
pub fn fast_set(cx: &mut Cx, o: &Obj, i: i32, v: &Value) -> Option<JsResult<()>> {
    if i < 0 {
        return None;
    }
    let kind = kind_of(o)?;
    Some(match value_to_elem(cx, kind, v) {
        Ok(e) => {
            write_index(o, i as usize, e);
            Ok(())
        }
        Err(t) => Err(t),
    })
}

// ---------------------------------------------------------------------------------------
// Tables

static TA_STATICS: &[Builtin] = &[
    method!("from", 1, from),
    method!("of", 0, of),
    getter!(@symbol SYM_SPECIES, species),
];

/// `magic` of [`iterate`].
mod it {
    pub const EVERY: u16 = 0;
    pub const SOME: u16 = 1;
    pub const FOR_EACH: u16 = 2;
    pub const FIND: u16 = 3;
    pub const FIND_INDEX: u16 = 4;
    pub const FIND_LAST: u16 = 5;
    pub const FIND_LAST_INDEX: u16 = 6;
}

use super::array::IterKind;

static TA_PROTO: &[Builtin] = &[
    method!("at", 1, at),
    getter!("buffer", buffer_getter),
    getter!("byteLength", byte_length_getter),
    getter!("byteOffset", byte_offset_getter),
    method!("copyWithin", 2, copy_within),
    method!("entries", 0, iterator_method, IterKind::Entries as u16),
    method!("every", 1, iterate, it::EVERY),
    method!("fill", 1, fill),
    method!("filter", 1, filter),
    method!("find", 1, iterate, it::FIND),
    method!("findIndex", 1, iterate, it::FIND_INDEX),
    method!("findLast", 1, iterate, it::FIND_LAST),
    method!("findLastIndex", 1, iterate, it::FIND_LAST_INDEX),
    method!("forEach", 1, iterate, it::FOR_EACH),
    method!("includes", 1, index_of, 2),
    method!("indexOf", 1, index_of, 0),
    method!("join", 1, join),
    method!("keys", 0, iterator_method, IterKind::Keys as u16),
    method!("lastIndexOf", 1, index_of, 1),
    getter!("length", length_getter),
    method!("map", 1, map),
    method!("reduce", 1, reduce, 0),
    method!("reduceRight", 1, reduce, 1),
    method!("reverse", 0, reverse),
    method!("set", 1, set_method),
    method!("slice", 2, slice),
    method!("some", 1, iterate, it::SOME),
    method!("sort", 1, sort),
    method!("subarray", 2, subarray),
    method!("toLocaleString", 0, to_locale_string),
    method!("toReversed", 0, to_reversed),
    method!("toSorted", 1, to_sorted),
    method!("values", 0, iterator_method, IterKind::Values as u16),
    method!("with", 2, with),
    alias!(@symbol SYM_ITERATOR, "values"),
    getter!(@symbol SYM_TO_STRING_TAG, to_string_tag),
];

static TA_CLASS: ClassDef = ClassDef {
    name: "TypedArray",
    ctor: Some((abstract_constructor, 0, 0)),
    ctor_intrinsic: Some(Intrinsic::TypedArray),
    proto_intrinsic: Some(Intrinsic::TypedArrayPrototype),
    statics: TA_STATICS,
    proto: TA_PROTO,
    global: false,
    ..ClassDef::DEFAULT
};

static BPE_1: &[Builtin] = &[value!("BYTES_PER_ELEMENT", Val::Int(1), 0)];
static BPE_2: &[Builtin] = &[value!("BYTES_PER_ELEMENT", Val::Int(2), 0)];
static BPE_4: &[Builtin] = &[value!("BYTES_PER_ELEMENT", Val::Int(4), 0)];
static BPE_8: &[Builtin] = &[value!("BYTES_PER_ELEMENT", Val::Int(8), 0)];

macro_rules! ta_class {
    ($name:ident, $kind:ident, $bpe:ident) => {
        ClassDef {
            name: Kind::$kind.name_const(),
            ctor: Some((typed_array_constructor, 3, Kind::$kind as u16)),
            ctor_intrinsic: Some(Intrinsic::$name),
            ctor_parent: Some(Intrinsic::TypedArray),
            proto_intrinsic: Some(Kind::$kind.proto_intrinsic_const()),
            proto_parent: Some(Intrinsic::TypedArrayPrototype),
            statics: $bpe,
            proto: $bpe,
            ..ClassDef::DEFAULT
        }
    };
}

impl Kind {
    const fn name_const(self) -> &'static str {
        match self {
            Kind::Int8 => "Int8Array",
            Kind::Uint8 => "Uint8Array",
            Kind::Uint8Clamped => "Uint8ClampedArray",
            Kind::Int16 => "Int16Array",
            Kind::Uint16 => "Uint16Array",
            Kind::Int32 => "Int32Array",
            Kind::Uint32 => "Uint32Array",
            Kind::Float16 => "Float16Array",
            Kind::Float32 => "Float32Array",
            Kind::Float64 => "Float64Array",
            Kind::BigInt64 => "BigInt64Array",
            Kind::BigUint64 => "BigUint64Array",
        }
    }
    const fn proto_intrinsic_const(self) -> Intrinsic {
        match self {
            Kind::Int8 => Intrinsic::Int8ArrayPrototype,
            Kind::Uint8 => Intrinsic::Uint8ArrayPrototype,
            Kind::Uint8Clamped => Intrinsic::Uint8ClampedArrayPrototype,
            Kind::Int16 => Intrinsic::Int16ArrayPrototype,
            Kind::Uint16 => Intrinsic::Uint16ArrayPrototype,
            Kind::Int32 => Intrinsic::Int32ArrayPrototype,
            Kind::Uint32 => Intrinsic::Uint32ArrayPrototype,
            Kind::Float16 => Intrinsic::Float16ArrayPrototype,
            Kind::Float32 => Intrinsic::Float32ArrayPrototype,
            Kind::Float64 => Intrinsic::Float64ArrayPrototype,
            Kind::BigInt64 => Intrinsic::BigInt64ArrayPrototype,
            Kind::BigUint64 => Intrinsic::BigUint64ArrayPrototype,
        }
    }
}

static CLASSES: [ClassDef; 12] = [
    ta_class!(Int8Array, Int8, BPE_1),
    ta_class!(Uint8Array, Uint8, BPE_1),
    ta_class!(Uint8ClampedArray, Uint8Clamped, BPE_1),
    ta_class!(Int16Array, Int16, BPE_2),
    ta_class!(Uint16Array, Uint16, BPE_2),
    ta_class!(Int32Array, Int32, BPE_4),
    ta_class!(Uint32Array, Uint32, BPE_4),
    ta_class!(Float16Array, Float16, BPE_2),
    ta_class!(Float32Array, Float32, BPE_4),
    ta_class!(Float64Array, Float64, BPE_8),
    ta_class!(BigInt64Array, BigInt64, BPE_8),
    ta_class!(BigUint64Array, BigUint64, BPE_8),
];

pub fn init(cx: &mut Cx) -> JsResult<()> {
    install_class(cx, &TA_CLASS)?;
    // %TypedArray%.prototype.toString is the same function object as
    // Array.prototype.toString. Spec: #sec-%typedarray%.prototype.tostring
    if let (Some(ap), Some(tp)) = (
        cx.intrinsic_obj(Intrinsic::ArrayPrototype),
        cx.intrinsic_obj(Intrinsic::TypedArrayPrototype),
    ) {
        let f = get(cx, &ap, Atom::ToString)?;
        crate::object::ops::define_value(cx, &tp, Atom::ToString, f, attrs::HIDDEN)?;
    }
    for c in &CLASSES {
        install_class(cx, c)?;
    }
    // Uint8Array's base64/hex methods (builtins/base64.rs).
    if let (Some(c), Some(p)) = (
        cx.intrinsic_obj(Intrinsic::Uint8Array),
        cx.intrinsic_obj(Intrinsic::Uint8ArrayPrototype),
    ) {
        install(cx, &c, super::base64::STATICS)?;
        install(cx, &p, super::base64::PROTO)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Abstract operations

/// The kind of a value that is a typed array.
fn ta_kind(v: &Value) -> Option<(Obj, Kind)> {
    let Value::Object(o) = v else { return None };
    let k = kind_of(o)?;
    Some((o.clone(), k))
}

/// The store and byte offset of a typed array.
fn store_of(o: &Obj) -> Option<(Rc<BufferData>, usize)> {
    match &o.borrow().class {
        ObjectData::TypedArray(t) => Some((t.data.clone(), t.byte_offset)),
        _ => None,
    }
}

/// Current TypedArrayLength, `None` if out of bounds.
pub fn current_length(o: &Obj) -> Option<usize> {
    match &o.borrow().class {
        ObjectData::TypedArray(t) => t.array_length(),
        _ => None,
    }
}

/// ValidateTypedArray(O, order): the object, its kind and its length.
/// Spec: #sec-validatetypedarray
fn validate(cx: &mut Cx, v: &Value) -> JsResult<(Obj, Kind, usize)> {
    let Some((o, kind)) = ta_kind(v) else {
        return Err(cx.throw_type_error("not a TypedArray"));
    };
    match current_length(&o) {
        Some(len) => Ok((o, kind, len)),
        None => Err(cx.throw_type_error("TypedArray is out of bounds or detached")),
    }
}

/// A length as a JS number.
fn num(n: usize) -> Value {
    Value::number(n as f64)
}

/// Checks that a temporary list of `n` values fits the memory limit (the list itself is
/// short-lived, so it is checked, not held).
fn check_list(cx: &mut Cx, n: usize) -> JsResult<()> {
    let bytes = n.saturating_mul(std::mem::size_of::<Value>());
    cx.oom(cx.heap.charge(bytes))?;
    cx.heap.refund(bytes);
    Ok(())
}

/// Creates a typed array of `kind` with prototype `proto` over a new zeroed buffer of
/// `length` elements. Spec: #sec-allocatetypedarray (with a length)
fn create_with_length(cx: &mut Cx, kind: Kind, proto: Option<Obj>, length: u64) -> JsResult<Obj> {
    let bytes = length
        .checked_mul(kind.size() as u64)
        .filter(|b| *b <= super::arraybuffer::MAX_BYTE_LENGTH);
    let Some(bytes) = bytes else {
        return Err(cx.throw_range_error("invalid typed array length"));
    };
    let abc = cx.intrinsic(Intrinsic::ArrayBuffer);
    let buffer = allocate_buffer(cx, &abc, bytes, None, false)?;
    make(cx, kind, proto, buffer, 0, Some(length as usize))
}

/// Makes the typed array object over `buffer`.
fn make(
    cx: &mut Cx,
    kind: Kind,
    proto: Option<Obj>,
    buffer: Obj,
    byte_offset: usize,
    length: Option<usize>,
) -> JsResult<Obj> {
    let Some(data) = buffer_data(&buffer) else {
        return Err(cx.throw_type_error("not an ArrayBuffer"));
    };
    Obj::new(
        cx,
        proto,
        ObjectData::TypedArray(Box::new(TypedArrayData {
            kind,
            buffer,
            data,
            byte_offset,
            length,
        })),
    )
}

/// TypedArrayCreateFromConstructor(constructor, argumentList).
/// Spec: #sec-typedarraycreatefromconstructor
fn create_from_constructor(cx: &mut Cx, c: &Value, args: &[Value]) -> JsResult<Obj> {
    // 1. newTypedArray = Construct(constructor, argumentList).
    let new = construct(cx, c, args, &Value::Undefined)?;
    // 2. ValidateTypedArray.
    let (o, _, len) = validate(cx, &new)?;
    // 3. One Number argument: the result must be long enough.
    if let [n] = args {
        if let Some(n) = n.as_number() {
            if (len as f64) < n {
                return Err(cx.throw_type_error("TypedArray species created a too short array"));
            }
        }
    }
    Ok(o)
}

/// TypedArraySpeciesCreate(exemplar, argumentList). Spec: #sec-typedarray-species-create
fn species_create(cx: &mut Cx, exemplar: &Obj, kind: Kind, args: &[Value]) -> JsResult<Obj> {
    let default = cx.intrinsic(kind.ctor_intrinsic());
    let c = species_constructor(cx, exemplar, default)?;
    let r = create_from_constructor(cx, &c, args)?;
    let rk = kind_of(&r).unwrap_or(kind);
    if rk.is_bigint() != kind.is_bigint() {
        return Err(cx.throw_type_error("TypedArray species has a different content type"));
    }
    Ok(r)
}

/// TypedArrayCreateSameType(exemplar, length). Spec: #sec-typedarray-create-same-type
fn create_same_type(cx: &mut Cx, kind: Kind, len: usize) -> JsResult<Obj> {
    let c = cx.intrinsic(kind.ctor_intrinsic());
    create_from_constructor(cx, &c, &[num(len)])
}

// ---------------------------------------------------------------------------------------
// Constructors

/// %TypedArray%(): always throws. Spec: #sec-%typedarray%
fn abstract_constructor(cx: &mut Cx, _: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    Err(cx.throw_type_error("Abstract class TypedArray not directly constructable"))
}

/// TypedArray(...args) for each kind (magic = kind). Spec: #sec-typedarray
fn typed_array_constructor(
    cx: &mut Cx,
    _: &Value,
    args: &[Value],
    nt: &Value,
    magic: u16,
) -> JsResult<Value> {
    let kind = KINDS.get(magic as usize).copied().unwrap_or(Kind::Uint8);
    // 1. NewTarget undefined: TypeError.
    if nt.is_undefined() {
        return Err(cx.throw_type_error(&format!("Constructor {} requires 'new'", kind.name())));
    }
    let first = arg(args, 0);
    let Value::Object(src) = &first else {
        // 4/5. Not an object: elementLength = ToIndex(firstArgument) (0 args: 0).
        let proto = get_prototype_from_constructor(cx, nt, kind.proto_intrinsic())?;
        let len = if args.is_empty() {
            0
        } else {
            to_index(cx, &first)?
        };
        return Ok(Value::Object(create_with_length(cx, kind, proto, len)?));
    };
    // 4.a AllocateTypedArray(…) without a length: the prototype is read first.
    let proto = get_prototype_from_constructor(cx, nt, kind.proto_intrinsic())?;
    // 4.b From another typed array.
    if kind_of(src).is_some() {
        return Ok(Value::Object(init_from_typed_array(cx, kind, proto, src)?));
    }
    // 4.c From a buffer.
    if buffer_data(src).is_some() {
        return Ok(Value::Object(init_from_buffer(
            cx,
            kind,
            proto,
            src,
            &arg(args, 1),
            &arg(args, 2),
        )?));
    }
    // 4.d From an iterable or an array-like.
    let using_iterator = get_method(cx, &first, Atom::SYM_ITERATOR)?;
    if let Some(m) = using_iterator {
        let values = iterable_to_list(cx, &first, &m)?;
        let o = create_with_length(cx, kind, proto, values.len() as u64)?;
        for (k, v) in values.iter().enumerate() {
            cx.poll_interrupt(1)?;
            set_index(cx, &o, k, v)?;
        }
        return Ok(Value::Object(o));
    }
    // InitializeTypedArrayFromArrayLike.
    let len = length_of_array_like(cx, src)?;
    let o = create_with_length(cx, kind, proto, len)?;
    for k in 0..len {
        cx.poll_interrupt(1)?;
        let key = index_key(cx, k);
        let v = get(cx, src, key)?;
        set_index(cx, &o, k as usize, &v)?;
    }
    Ok(Value::Object(o))
}

/// IteratorToList(GetIteratorFromMethod(obj, method)). Spec: #sec-iteratortolist
fn iterable_to_list(cx: &mut Cx, obj: &Value, m: &Value) -> JsResult<Vec<Value>> {
    let mut rec = get_iterator_from_method(cx, obj, m)?;
    let mut values = Vec::new();
    while let Some(v) = step_value(cx, &mut rec)? {
        cx.poll_interrupt(1)?;
        if values.len() == values.capacity() {
            check_list(cx, values.len() * 2 + 4)?;
        }
        values.push(v);
    }
    Ok(values)
}

/// InitializeTypedArrayFromTypedArray. Spec: #sec-initializetypedarrayfromtypedarray
fn init_from_typed_array(cx: &mut Cx, kind: Kind, proto: Option<Obj>, src: &Obj) -> JsResult<Obj> {
    let src_kind = kind_of(src).unwrap_or(kind);
    // 5-7. Out of bounds: TypeError; elementLength.
    let Some(len) = current_length(src) else {
        return Err(cx.throw_type_error("source TypedArray is out of bounds or detached"));
    };
    // 10.b Content types must agree (checked before copying).
    if src_kind.is_bigint() != kind.is_bigint() {
        return Err(cx.throw_type_error("cannot mix BigInt and other types"));
    }
    let o = create_with_length(cx, kind, proto, len as u64)?;
    copy_elements(cx, src, 0, &o, 0, len)?;
    Ok(o)
}

/// Copies `count` elements from `src[from..]` to `dst[to..]` (both typed arrays with the
/// same content type), converting between kinds; same-kind copies are a byte copy that
/// behaves like memmove (the source is read before anything is written).
fn copy_elements(
    cx: &mut Cx,
    src: &Obj,
    from: usize,
    dst: &Obj,
    to: usize,
    count: usize,
) -> JsResult<()> {
    if count == 0 {
        return Ok(());
    }
    let (sk, sdata, soff) = match &src.borrow().class {
        ObjectData::TypedArray(t) => (t.kind, t.data.clone(), t.byte_offset),
        _ => return Ok(()),
    };
    let (dk, ddata, doff) = match &dst.borrow().class {
        ObjectData::TypedArray(t) => (t.kind, t.data.clone(), t.byte_offset),
        _ => return Ok(()),
    };
    let (ss, ds) = (sk.size(), dk.size());
    let s_at = soff + from * ss;
    let d_at = doff + to * ds;
    if sk == dk || (ss == 1 && ds == 1 && dk != Kind::Uint8Clamped) {
        let n = count * ss;
        if Rc::ptr_eq(&sdata, &ddata) {
            let mut b = sdata.bytes.borrow_mut();
            if s_at + n <= b.len() && d_at + n <= b.len() {
                b.copy_within(s_at..s_at + n, d_at);
            }
        } else {
            let s = sdata.bytes.borrow();
            let mut d = ddata.bytes.borrow_mut();
            if let (Some(a), Some(t)) = (s.get(s_at..s_at + n), d.get_mut(d_at..d_at + n)) {
                t.copy_from_slice(a);
            }
        }
        return Ok(());
    }
    // Different kinds: decode the source first (it may overlap the target).
    check_list(cx, count)?;
    let elems: Vec<Elem> = {
        let s = sdata.bytes.borrow();
        (0..count)
            .filter_map(|k| {
                s.get(s_at + k * ss..s_at + (k + 1) * ss)
                    .map(|b| decode(sk, b))
            })
            .collect()
    };
    cx.poll_interrupt(count.min(u32::MAX as usize) as u32 / 64)?;
    let mut d = ddata.bytes.borrow_mut();
    for (k, e) in elems.into_iter().enumerate() {
        let e = match (e, dk.is_bigint()) {
            (Elem::Big(b), _) => Elem::Big(b),
            (Elem::Num(n), false) => Elem::Num(n),
            (Elem::Num(n), true) => Elem::Big(n as i64 as u64),
        };
        if let Some(t) = d.get_mut(d_at + k * ds..d_at + (k + 1) * ds) {
            encode(dk, e, t);
        }
    }
    Ok(())
}

/// InitializeTypedArrayFromArrayBuffer. Spec: #sec-initializetypedarrayfromarraybuffer
fn init_from_buffer(
    cx: &mut Cx,
    kind: Kind,
    proto: Option<Obj>,
    buffer: &Obj,
    byte_offset: &Value,
    length: &Value,
) -> JsResult<Obj> {
    let size = kind.size() as u64;
    // 2-3. offset = ToIndex(byteOffset), a multiple of the element size.
    let offset = to_index(cx, byte_offset)?;
    if !offset.is_multiple_of(size) {
        return Err(cx.throw_range_error("start offset must be a multiple of the element size"));
    }
    // 5. newLength = ToIndex(length).
    let new_length = if length.is_undefined() {
        None
    } else {
        Some(to_index(cx, length)?)
    };
    let Some(data) = buffer_data(buffer) else {
        return Err(cx.throw_type_error("not an ArrayBuffer"));
    };
    // 6. Detached: TypeError.
    if data.detached.get() {
        return Err(cx.throw_type_error("ArrayBuffer is detached"));
    }
    // 7. bufferByteLength.
    let bl = data.len() as u64;
    let len = match new_length {
        // 8. Length-tracking view of a resizable buffer.
        None if !data.is_fixed_length() => {
            if offset > bl {
                return Err(cx.throw_range_error("start offset is outside the buffer"));
            }
            None
        }
        // 9.a Rest of a fixed-length buffer.
        None => {
            if !bl.is_multiple_of(size) {
                return Err(
                    cx.throw_range_error("buffer length must be a multiple of the element size")
                );
            }
            if offset > bl {
                return Err(cx.throw_range_error("start offset is outside the buffer"));
            }
            Some(((bl - offset) / size) as usize)
        }
        // 9.b Explicit length.
        Some(n) => {
            let end = n.checked_mul(size).and_then(|b| b.checked_add(offset));
            match end {
                Some(e) if e <= bl => Some(n as usize),
                _ => return Err(cx.throw_range_error("invalid typed array length")),
            }
        }
    };
    make(cx, kind, proto, buffer.clone(), offset as usize, len)
}

// ---------------------------------------------------------------------------------------
// %TypedArray% statics

/// get %TypedArray%[@@species]. Spec: #sec-get-%typedarray%-@@species
fn species(_: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    Ok(this.clone())
}

/// %TypedArray%.from(source [, mapfn [, thisArg]]). Spec: #sec-%typedarray%.from
fn from(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 1-2. C must be a constructor.
    if !is_constructor(this) {
        return Err(cx.throw_type_error("TypedArray.from: this is not a constructor"));
    }
    // 3-4. mapfn.
    let mapfn = arg(args, 1);
    let mapping = !mapfn.is_undefined();
    if mapping && !is_callable(&mapfn) {
        return Err(cx.throw_type_error("TypedArray.from: mapper is not callable"));
    }
    let this_arg = arg(args, 2);
    let source = arg(args, 0);
    // 5. usingIterator = GetMethod(source, @@iterator).
    let using_iterator = get_method(cx, &source, Atom::SYM_ITERATOR)?;
    if let Some(m) = using_iterator {
        // 6. From the iterator's values.
        let values = iterable_to_list(cx, &source, &m)?;
        let target = create_from_constructor(cx, this, &[num(values.len())])?;
        for (k, v) in values.into_iter().enumerate() {
            cx.poll_interrupt(1)?;
            let v = if mapping {
                call(cx, &mapfn, &this_arg, &[v, num(k)])?
            } else {
                v
            };
            let key = index_key(cx, k as u64);
            set(cx, &target, key, v, true)?;
        }
        return Ok(Value::Object(target));
    }
    // 8-12. From an array-like.
    let array_like = to_object(cx, &source)?;
    let len = length_of_array_like(cx, &array_like)?;
    let target = create_from_constructor(cx, this, &[Value::number(len as f64)])?;
    for k in 0..len {
        cx.poll_interrupt(1)?;
        let key = index_key(cx, k);
        let v = get(cx, &array_like, key)?;
        let v = if mapping {
            call(cx, &mapfn, &this_arg, &[v, Value::number(k as f64)])?
        } else {
            v
        };
        set(cx, &target, key, v, true)?;
    }
    Ok(Value::Object(target))
}

/// %TypedArray%.of(...items). Spec: #sec-%typedarray%.of
fn of(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    if !is_constructor(this) {
        return Err(cx.throw_type_error("TypedArray.of: this is not a constructor"));
    }
    let target = create_from_constructor(cx, this, &[num(args.len())])?;
    for (k, v) in args.iter().enumerate() {
        let key = index_key(cx, k as u64);
        set(cx, &target, key, v.clone(), true)?;
    }
    Ok(Value::Object(target))
}

// ---------------------------------------------------------------------------------------
// %TypedArray%.prototype accessors

fn this_data<R>(cx: &mut Cx, this: &Value, f: impl FnOnce(&TypedArrayData) -> R) -> JsResult<R> {
    if let Value::Object(o) = this {
        if let ObjectData::TypedArray(t) = &o.borrow().class {
            return Ok(f(t));
        }
    }
    Err(cx.throw_type_error("not a TypedArray"))
}

/// get %TypedArray%.prototype.buffer. Spec: #sec-get-%typedarray%.prototype.buffer
fn buffer_getter(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    this_data(cx, this, |t| Value::Object(t.buffer.clone()))
}

/// get %TypedArray%.prototype.byteLength. Spec: #sec-get-%typedarray%.prototype.bytelength
fn byte_length_getter(
    cx: &mut Cx,
    this: &Value,
    _: &[Value],
    _: &Value,
    _: u16,
) -> JsResult<Value> {
    this_data(cx, this, |t| num(t.byte_length()))
}

/// get %TypedArray%.prototype.byteOffset. Spec: #sec-get-%typedarray%.prototype.byteoffset
fn byte_offset_getter(
    cx: &mut Cx,
    this: &Value,
    _: &[Value],
    _: &Value,
    _: u16,
) -> JsResult<Value> {
    this_data(cx, this, |t| {
        if t.array_length().is_none() {
            Value::Int(0)
        } else {
            num(t.byte_offset)
        }
    })
}

/// get %TypedArray%.prototype.length. Spec: #sec-get-%typedarray%.prototype.length
fn length_getter(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    this_data(cx, this, |t| num(t.array_length().unwrap_or(0)))
}

/// get %TypedArray%.prototype[@@toStringTag]. Spec: #sec-get-%typedarray%.prototype-@@tostringtag
fn to_string_tag(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    match ta_kind(this) {
        Some((_, k)) => Ok(Value::String(cx.new_string(k.name())?)),
        None => Ok(Value::Undefined),
    }
}

// ---------------------------------------------------------------------------------------
// %TypedArray%.prototype methods

/// %TypedArray%.prototype.at(index). Spec: #sec-%typedarray%.prototype.at
fn at(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, _, len) = validate(cx, this)?;
    let rel = to_integer_or_infinity(cx, &arg(args, 0))?;
    let k = if rel >= 0.0 { rel } else { len as f64 + rel };
    if k < 0.0 || k >= len as f64 {
        return Ok(Value::Undefined);
    }
    get_index(cx, &o, k as usize)
}

/// keys / values / entries (magic = IterKind). Spec: #sec-%typedarray%.prototype.values
fn iterator_method(
    cx: &mut Cx,
    this: &Value,
    _: &[Value],
    _: &Value,
    magic: u16,
) -> JsResult<Value> {
    let (o, _, _) = validate(cx, this)?;
    let kind = match magic {
        m if m == IterKind::Keys as u16 => IterKind::Keys,
        m if m == IterKind::Values as u16 => IterKind::Values,
        _ => IterKind::Entries,
    };
    super::array::create_array_iterator(cx, Value::Object(o), kind)
}

/// every / some / forEach / find / findIndex / findLast / findLastIndex.
/// Spec: #sec-%typedarray%.prototype.every and siblings
fn iterate(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let (o, _, len) = validate(cx, this)?;
    let f = arg(args, 0);
    if !is_callable(&f) {
        return Err(cx.throw_type_error("callback is not a function"));
    }
    let this_arg = arg(args, 1);
    let backwards = matches!(magic, it::FIND_LAST | it::FIND_LAST_INDEX);
    for step in 0..len {
        cx.poll_interrupt(1)?;
        let k = if backwards { len - 1 - step } else { step };
        let v = get_index(cx, &o, k)?;
        let r = call(
            cx,
            &f,
            &this_arg,
            &[v.clone(), num(k), Value::Object(o.clone())],
        )?;
        let t = r.to_boolean();
        match magic {
            it::EVERY if !t => return Ok(Value::Bool(false)),
            it::SOME if t => return Ok(Value::Bool(true)),
            it::FIND | it::FIND_LAST if t => return Ok(v),
            it::FIND_INDEX | it::FIND_LAST_INDEX if t => return Ok(num(k)),
            _ => {}
        }
    }
    Ok(match magic {
        it::EVERY => Value::Bool(true),
        it::SOME => Value::Bool(false),
        it::FIND_INDEX | it::FIND_LAST_INDEX => Value::Int(-1),
        _ => Value::Undefined,
    })
}

/// %TypedArray%.prototype.copyWithin(target, start [, end]).
/// Spec: #sec-%typedarray%.prototype.copywithin
fn copy_within(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, kind, len) = validate(cx, this)?;
    let l = len as u64;
    let to = relative(cx, &arg(args, 0), l, 0)?;
    let from = relative(cx, &arg(args, 1), l, 0)?;
    let fin = relative(cx, &arg(args, 2), l, l)?;
    let count = fin.saturating_sub(from).min(l.saturating_sub(to));
    if count > 0 {
        // 14.c-e. Revalidate: the arguments' conversions may have shrunk or detached it.
        let Some(len) = current_length(&o) else {
            return Err(cx.throw_type_error("TypedArray is out of bounds or detached"));
        };
        let size = kind.size();
        let Some((data, off)) = store_of(&o) else {
            return Ok(Value::Object(o));
        };
        let limit = len * size + off;
        let to_b = to as usize * size + off;
        let from_b = from as usize * size + off;
        let mut n = count as usize * size;
        // 14.l-n. A backwards copy stops at once if its first byte is out of the limit; a
        // forward one copies up to the limit.
        if from_b < to_b && to_b < from_b + n {
            if from_b + n > limit || to_b + n > limit {
                n = 0;
            }
        } else {
            n = n
                .min(limit.saturating_sub(from_b))
                .min(limit.saturating_sub(to_b));
        }
        let mut b = data.bytes.borrow_mut();
        if n > 0 && from_b + n <= b.len() && to_b + n <= b.len() {
            b.copy_within(from_b..from_b + n, to_b);
        }
    }
    Ok(Value::Object(o))
}

/// %TypedArray%.prototype.fill(value [, start [, end]]). Spec: #sec-%typedarray%.prototype.fill
fn fill(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, kind, len) = validate(cx, this)?;
    // 4-5. Convert the value first.
    let e = value_to_elem(cx, kind, &arg(args, 0))?;
    let l = len as u64;
    let k = relative(cx, &arg(args, 1), l, 0)?;
    let fin = relative(cx, &arg(args, 2), l, l)?;
    // 15-17. Revalidate and clamp to the current length.
    let Some(len) = current_length(&o) else {
        return Err(cx.throw_type_error("TypedArray is out of bounds or detached"));
    };
    let fin = fin.min(len as u64) as usize;
    let k = k as usize;
    if k < fin {
        let size = kind.size();
        let mut pattern = [0u8; 8];
        encode(kind, e, &mut pattern[..size]);
        let Some((data, off)) = store_of(&o) else {
            return Ok(Value::Object(o));
        };
        let mut b = data.bytes.borrow_mut();
        if let Some(s) = b.get_mut(off + k * size..off + fin * size) {
            for c in s.chunks_exact_mut(size) {
                c.copy_from_slice(&pattern[..size]);
            }
        }
    }
    Ok(Value::Object(o))
}

/// %TypedArray%.prototype.filter(callback [, thisArg]). Spec: #sec-%typedarray%.prototype.filter
fn filter(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, kind, len) = validate(cx, this)?;
    let f = arg(args, 0);
    if !is_callable(&f) {
        return Err(cx.throw_type_error("callback is not a function"));
    }
    let this_arg = arg(args, 1);
    let mut kept = Vec::new();
    for k in 0..len {
        cx.poll_interrupt(1)?;
        let v = get_index(cx, &o, k)?;
        let r = call(
            cx,
            &f,
            &this_arg,
            &[v.clone(), num(k), Value::Object(o.clone())],
        )?;
        if r.to_boolean() {
            if kept.len() == kept.capacity() {
                check_list(cx, kept.len() * 2 + 4)?;
            }
            kept.push(v);
        }
    }
    let a = species_create(cx, &o, kind, &[num(kept.len())])?;
    for (n, v) in kept.into_iter().enumerate() {
        let key = index_key(cx, n as u64);
        set(cx, &a, key, v, true)?;
    }
    Ok(Value::Object(a))
}

/// indexOf (magic 0), lastIndexOf (1), includes (2).
/// Spec: #sec-%typedarray%.prototype.indexof, .lastindexof, .includes
fn index_of(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let (o, _, len) = validate(cx, this)?;
    let not_found = if magic == 2 {
        Value::Bool(false)
    } else {
        Value::Int(-1)
    };
    if len == 0 {
        return Ok(not_found);
    }
    let target = arg(args, 0);
    let l = len as f64;
    if magic == 1 {
        // lastIndexOf: fromIndex defaults to len - 1.
        let n = if args.len() > 1 {
            to_integer_or_infinity(cx, &arg(args, 1))?
        } else {
            l - 1.0
        };
        if n == f64::NEG_INFINITY {
            return Ok(not_found);
        }
        let start = if n >= 0.0 { n.min(l - 1.0) } else { l + n };
        if start < 0.0 {
            return Ok(not_found);
        }
        let mut k = start as usize;
        loop {
            cx.poll_interrupt(1)?;
            // HasProperty: the element may be gone after a shrink.
            if let Some((kind, e)) = read_index(&o, k) {
                let v = elem_to_value(cx, kind, e)?;
                if strict_equals(&v, &target) {
                    return Ok(num(k));
                }
            }
            if k == 0 {
                break;
            }
            k -= 1;
        }
        return Ok(not_found);
    }
    let n = to_integer_or_infinity(cx, &arg(args, 1))?;
    if n == f64::INFINITY {
        return Ok(not_found);
    }
    let start = if n >= 0.0 { n } else { (l + n).max(0.0) };
    let mut k = start as usize;
    while k < len {
        cx.poll_interrupt(1)?;
        if magic == 2 {
            // includes reads through (undefined past a shrink).
            let v = get_index(cx, &o, k)?;
            if same_value_zero(&v, &target) {
                return Ok(Value::Bool(true));
            }
        } else if let Some((kind, e)) = read_index(&o, k) {
            let v = elem_to_value(cx, kind, e)?;
            if strict_equals(&v, &target) {
                return Ok(num(k));
            }
        }
        k += 1;
    }
    Ok(not_found)
}

/// %TypedArray%.prototype.join(separator). Spec: #sec-%typedarray%.prototype.join
fn join(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, _, len) = validate(cx, this)?;
    let sep = arg(args, 0);
    let sep = if sep.is_undefined() {
        cx.new_string(",")?
    } else {
        to_string(cx, &sep)?
    };
    let mut buf = super::string::StrBuf::new();
    for k in 0..len {
        cx.poll_interrupt(1)?;
        if k > 0 {
            buf.push_str(cx, &sep)?;
        }
        let v = get_index(cx, &o, k)?;
        if !v.is_undefined() {
            let s = to_string(cx, &v)?;
            buf.push_str(cx, &s)?;
        }
    }
    Ok(Value::String(buf.finish(cx)?))
}

/// %TypedArray%.prototype.map(callback [, thisArg]). Spec: #sec-%typedarray%.prototype.map
fn map(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, kind, len) = validate(cx, this)?;
    let f = arg(args, 0);
    if !is_callable(&f) {
        return Err(cx.throw_type_error("callback is not a function"));
    }
    let this_arg = arg(args, 1);
    let a = species_create(cx, &o, kind, &[num(len)])?;
    for k in 0..len {
        cx.poll_interrupt(1)?;
        let v = get_index(cx, &o, k)?;
        let m = call(cx, &f, &this_arg, &[v, num(k), Value::Object(o.clone())])?;
        let key = index_key(cx, k as u64);
        set(cx, &a, key, m, true)?;
    }
    Ok(Value::Object(a))
}

/// reduce (magic 0) / reduceRight (magic 1). Spec: #sec-%typedarray%.prototype.reduce
fn reduce(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let (o, _, len) = validate(cx, this)?;
    let f = arg(args, 0);
    if !is_callable(&f) {
        return Err(cx.throw_type_error("callback is not a function"));
    }
    if len == 0 && args.len() < 2 {
        return Err(cx.throw_type_error("reduce of empty array with no initial value"));
    }
    let idx = |step: usize| if magic == 1 { len - 1 - step } else { step };
    let mut step = 0;
    let mut acc = if args.len() >= 2 {
        arg(args, 1)
    } else {
        step = 1;
        get_index(cx, &o, idx(0))?
    };
    while step < len {
        cx.poll_interrupt(1)?;
        let k = idx(step);
        let v = get_index(cx, &o, k)?;
        acc = call(
            cx,
            &f,
            &Value::Undefined,
            &[acc, v, num(k), Value::Object(o.clone())],
        )?;
        step += 1;
    }
    Ok(acc)
}

/// %TypedArray%.prototype.reverse(). Spec: #sec-%typedarray%.prototype.reverse
fn reverse(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, kind, len) = validate(cx, this)?;
    let size = kind.size();
    let Some((data, off)) = store_of(&o) else {
        return Ok(Value::Object(o));
    };
    let mut b = data.bytes.borrow_mut();
    if let Some(s) = b.get_mut(off..off + len * size) {
        s.reverse();
        // Reversing the bytes reversed each element's bytes too: restore them.
        if size > 1 {
            for c in s.chunks_exact_mut(size) {
                c.reverse();
            }
        }
    }
    drop(b);
    Ok(Value::Object(o))
}

/// %TypedArray%.prototype.set(source [, offset]). Spec: #sec-%typedarray%.prototype.set
fn set_method(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 1-3. target must be a typed array.
    let Some((target, tkind)) = ta_kind(this) else {
        return Err(cx.throw_type_error("not a TypedArray"));
    };
    // 4-5. targetOffset.
    let off = to_integer_or_infinity(cx, &arg(args, 1))?;
    if off < 0.0 {
        return Err(cx.throw_range_error("offset is out of bounds"));
    }
    let source = arg(args, 0);
    // Both paths start by checking the target's bounds.
    let Some(tlen) = current_length(&target) else {
        return Err(cx.throw_type_error("TypedArray is out of bounds or detached"));
    };
    if let Some((src, skind)) = ta_kind(&source) {
        // SetTypedArrayFromTypedArray. Spec: #sec-settypedarrayfromtypedarray
        let Some(slen) = current_length(&src) else {
            return Err(cx.throw_type_error("source TypedArray is out of bounds or detached"));
        };
        if skind.is_bigint() != tkind.is_bigint() {
            return Err(cx.throw_type_error("cannot mix BigInt and other types"));
        }
        if off.is_infinite() || slen as f64 + off > tlen as f64 {
            return Err(cx.throw_range_error("offset is out of bounds"));
        }
        copy_elements(cx, &src, 0, &target, off as usize, slen)?;
        return Ok(Value::Undefined);
    }
    // SetTypedArrayFromArrayLike. Spec: #sec-settypedarrayfromarraylike
    let src = to_object(cx, &source)?;
    let slen = length_of_array_like(cx, &src)?;
    if off.is_infinite() || slen as f64 + off > tlen as f64 {
        return Err(cx.throw_range_error("offset is out of bounds"));
    }
    let off = off as usize;
    for k in 0..slen as usize {
        cx.poll_interrupt(1)?;
        let key = index_key(cx, k as u64);
        let v = get(cx, &src, key)?;
        set_index(cx, &target, off + k, &v)?;
    }
    Ok(Value::Undefined)
}

/// %TypedArray%.prototype.slice(start, end). Spec: #sec-%typedarray%.prototype.slice
fn slice(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, kind, len) = validate(cx, this)?;
    let l = len as u64;
    let start = relative(cx, &arg(args, 0), l, 0)?;
    let end = relative(cx, &arg(args, 1), l, l)?;
    let count = end.saturating_sub(start);
    let a = species_create(cx, &o, kind, &[Value::number(count as f64)])?;
    if count > 0 {
        // 14.a-c Revalidate and clamp.
        let Some(len) = current_length(&o) else {
            return Err(cx.throw_type_error("TypedArray is out of bounds or detached"));
        };
        let end = end.min(len as u64);
        let count = end.saturating_sub(start) as usize;
        let start = start as usize;
        let akind = kind_of(&a).unwrap_or(kind);
        if akind == kind {
            // 14.f Byte copy, forward byte by byte (observable when both share a buffer).
            let Some((sdata, soff)) = store_of(&o) else {
                return Ok(Value::Object(a));
            };
            let Some((tdata, toff)) = store_of(&a) else {
                return Ok(Value::Object(a));
            };
            let size = kind.size();
            let from = soff + start * size;
            let n = count * size;
            if Rc::ptr_eq(&sdata, &tdata) {
                let mut b = sdata.bytes.borrow_mut();
                let lim = b.len();
                for i in 0..n {
                    if from + i < lim && toff + i < lim {
                        let v = b[from + i];
                        b[toff + i] = v;
                    }
                }
            } else {
                let s = sdata.bytes.borrow();
                let mut t = tdata.bytes.borrow_mut();
                let tn = n.min(t.len().saturating_sub(toff));
                if let (Some(x), Some(y)) = (s.get(from..from + tn), t.get_mut(toff..toff + tn)) {
                    y.copy_from_slice(x);
                }
            }
        } else {
            // 14.g Element by element.
            for (n, k) in (start..start + count).enumerate() {
                cx.poll_interrupt(1)?;
                let v = get_index(cx, &o, k)?;
                let key = index_key(cx, n as u64);
                set(cx, &a, key, v, true)?;
            }
        }
    }
    Ok(Value::Object(a))
}

/// CompareTypedArrayElements without a comparator. Spec: #sec-comparetypedarrayelements
fn compare_default(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::BigInt(x), Value::BigInt(y)) => x.value().cmp(y.value()),
        _ => {
            let x = a.as_number().unwrap_or(f64::NAN);
            let y = b.as_number().unwrap_or(f64::NAN);
            match (x.is_nan(), y.is_nan()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                _ => {
                    if x < y {
                        Ordering::Less
                    } else if x > y {
                        Ordering::Greater
                    } else if x == 0.0 && y == 0.0 {
                        // -0 sorts before +0.
                        x.is_sign_positive().cmp(&y.is_sign_positive())
                    } else {
                        Ordering::Equal
                    }
                }
            }
        }
    }
}

/// Sorts `items` stably with CompareTypedArrayElements (bottom-up merge sort; the
/// comparator may throw or run any code).
fn sort_values(cx: &mut Cx, items: &mut Vec<Value>, comparefn: &Value) -> JsResult<()> {
    if comparefn.is_undefined() {
        items.sort_by(compare_default);
        return Ok(());
    }
    let n = items.len();
    check_list(cx, n)?;
    let mut src = std::mem::take(items);
    let mut dst: Vec<Value> = Vec::with_capacity(n);
    let mut width = 1;
    while width < n {
        dst.clear();
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j) = (lo, mid);
            while i < mid && j < hi {
                cx.poll_interrupt(1)?;
                let r = call(
                    cx,
                    comparefn,
                    &Value::Undefined,
                    &[src[j].clone(), src[i].clone()],
                )?;
                let v = to_number(cx, &r)?;
                // Take from the right only when right < left (keeps equal keys stable).
                if v < 0.0 {
                    dst.push(src[j].clone());
                    j += 1;
                } else {
                    dst.push(src[i].clone());
                    i += 1;
                }
            }
            dst.extend_from_slice(&src[i..mid]);
            dst.extend_from_slice(&src[j..hi]);
            lo = hi;
        }
        std::mem::swap(&mut src, &mut dst);
        width *= 2;
    }
    *items = src;
    Ok(())
}

/// The current elements as values.
fn values_of(cx: &mut Cx, o: &Obj, len: usize) -> JsResult<Vec<Value>> {
    check_list(cx, len)?;
    let mut v = Vec::with_capacity(len);
    for k in 0..len {
        cx.poll_interrupt(1)?;
        v.push(get_index(cx, o, k)?);
    }
    Ok(v)
}

/// %TypedArray%.prototype.sort(comparefn). Spec: #sec-%typedarray%.prototype.sort
fn sort(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let comparefn = arg(args, 0);
    if !comparefn.is_undefined() && !is_callable(&comparefn) {
        return Err(cx.throw_type_error("comparator is not a function"));
    }
    let (o, _, len) = validate(cx, this)?;
    let mut items = values_of(cx, &o, len)?;
    sort_values(cx, &mut items, &comparefn)?;
    // Write back (elements past a shrink are dropped silently).
    for (k, v) in items.iter().enumerate() {
        set_index(cx, &o, k, v)?;
    }
    Ok(Value::Object(o))
}

/// %TypedArray%.prototype.toSorted(comparefn). Spec: #sec-%typedarray%.prototype.tosorted
fn to_sorted(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let comparefn = arg(args, 0);
    if !comparefn.is_undefined() && !is_callable(&comparefn) {
        return Err(cx.throw_type_error("comparator is not a function"));
    }
    let (o, kind, len) = validate(cx, this)?;
    let a = create_same_type(cx, kind, len)?;
    let mut items = values_of(cx, &o, len)?;
    sort_values(cx, &mut items, &comparefn)?;
    for (k, v) in items.iter().enumerate() {
        set_index(cx, &a, k, v)?;
    }
    Ok(Value::Object(a))
}

/// %TypedArray%.prototype.toReversed(). Spec: #sec-%typedarray%.prototype.toreversed
fn to_reversed(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, kind, len) = validate(cx, this)?;
    let a = create_same_type(cx, kind, len)?;
    for k in 0..len {
        cx.poll_interrupt(1)?;
        let v = get_index(cx, &o, len - 1 - k)?;
        set_index(cx, &a, k, &v)?;
    }
    Ok(Value::Object(a))
}

/// %TypedArray%.prototype.with(index, value). Spec: #sec-%typedarray%.prototype.with
fn with(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, kind, len) = validate(cx, this)?;
    let rel = to_integer_or_infinity(cx, &arg(args, 0))?;
    let actual = if rel >= 0.0 { rel } else { len as f64 + rel };
    let e = value_to_elem(cx, kind, &arg(args, 1))?;
    let Some(actual) = valid_index(&o, actual) else {
        return Err(cx.throw_range_error("index out of range"));
    };
    let a = create_same_type(cx, kind, len)?;
    for k in 0..len {
        cx.poll_interrupt(1)?;
        if k == actual {
            write_index(&a, k, e);
        } else {
            let v = get_index(cx, &o, k)?;
            set_index(cx, &a, k, &v)?;
        }
    }
    Ok(Value::Object(a))
}

/// %TypedArray%.prototype.subarray(start, end). Spec: #sec-%typedarray%.prototype.subarray
fn subarray(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let Some((o, kind)) = ta_kind(this) else {
        return Err(cx.throw_type_error("not a TypedArray"));
    };
    let (buffer, off, tracking) = match &o.borrow().class {
        ObjectData::TypedArray(t) => (t.buffer.clone(), t.byte_offset, t.length.is_none()),
        _ => return Err(cx.throw_type_error("not a TypedArray")),
    };
    // 5-6. srcLength (0 when out of bounds).
    let src_len = current_length(&o).unwrap_or(0) as u64;
    let start = relative(cx, &arg(args, 0), src_len, 0)?;
    let begin = off as u64 + start * kind.size() as u64;
    let end = arg(args, 1);
    let argv = if tracking && end.is_undefined() {
        vec![Value::Object(buffer), Value::number(begin as f64)]
    } else {
        let fin = relative(cx, &end, src_len, src_len)?;
        let n = fin.saturating_sub(start);
        vec![
            Value::Object(buffer),
            Value::number(begin as f64),
            Value::number(n as f64),
        ]
    };
    Ok(Value::Object(species_create(cx, &o, kind, &argv)?))
}

/// %TypedArray%.prototype.toLocaleString(). Spec: #sec-%typedarray%.prototype.tolocalestring
fn to_locale_string(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, _, len) = validate(cx, this)?;
    let sep = cx.new_string(",")?;
    let mut buf = super::string::StrBuf::new();
    let key = cx.intern("toLocaleString");
    for k in 0..len {
        cx.poll_interrupt(1)?;
        if k > 0 {
            buf.push_str(cx, &sep)?;
        }
        let v = get_index(cx, &o, k)?;
        if !v.is_nullish() {
            let r = invoke(cx, &v, key, &[])?;
            let s = to_string(cx, &r)?;
            buf.push_str(cx, &s)?;
        }
    }
    Ok(Value::String(buf.finish(cx)?))
}
