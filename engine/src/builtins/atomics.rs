//! The Atomics namespace object. Spec: #sec-atomics-object
//!
//! There is one agent per runtime and no shared memory between runtimes, so every
//! operation is a plain read-modify-write of the store (trivially sequentially consistent).
//! `Atomics.wait` can only time out (nobody can notify): with a finite timeout it waits by
//! polling the host clock and the interrupt; an infinite wait on an equal value would block
//! forever and throws instead. `Atomics.notify` wakes nobody (returns 0).
//! `Atomics.waitAsync` returns its synchronous results ("not-equal", "timed-out" for a zero
//! timeout); an asynchronous wait is not supported yet (throws).

use super::typedarray::{decode, elem_to_value, encode, Elem, Kind};
use super::{arg, install_class, Builtin, ClassDef, Val};
use crate::object::ops::{create_data_property_or_throw, new_object};
use crate::object::{attrs, Obj, ObjectData};
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::value::conv::{to_bigint, to_index, to_int32, to_integer_or_infinity, to_number};
use crate::value::Value;
use crate::{method, value};

/// `magic` of [`read_modify_write`].
mod op {
    pub const ADD: u16 = 0;
    pub const AND: u16 = 1;
    pub const EXCHANGE: u16 = 2;
    pub const OR: u16 = 3;
    pub const SUB: u16 = 4;
    pub const XOR: u16 = 5;
}

static STATICS: &[Builtin] = &[
    method!("add", 3, read_modify_write, op::ADD),
    method!("and", 3, read_modify_write, op::AND),
    method!("compareExchange", 4, compare_exchange),
    method!("exchange", 3, read_modify_write, op::EXCHANGE),
    method!("isLockFree", 1, is_lock_free),
    method!("load", 2, load),
    method!("notify", 3, notify),
    method!("or", 3, read_modify_write, op::OR),
    method!("pause", 0, pause),
    method!("store", 3, store),
    method!("sub", 3, read_modify_write, op::SUB),
    method!("wait", 4, wait, 0),
    method!("waitAsync", 4, wait, 1),
    method!("xor", 3, read_modify_write, op::XOR),
    value!(@symbol SYM_TO_STRING_TAG, Val::Str("Atomics"), attrs::CONFIGURABLE),
];

static CLASS: ClassDef = ClassDef {
    name: "Atomics",
    statics: STATICS,
    ..ClassDef::DEFAULT
};

pub fn init(cx: &mut Cx) -> JsResult<()> {
    let o = install_class(cx, &CLASS)?;
    cx.realm.set_intrinsic(Intrinsic::Atomics, Value::Object(o));
    Ok(())
}

/// ValidateIntegerTypedArray(typedArray, waitable): the array, its kind and length.
/// Spec: #sec-validateintegertypedarray
fn validate_integer(cx: &mut Cx, v: &Value, waitable: bool) -> JsResult<(Obj, Kind, usize)> {
    let found = match v {
        Value::Object(o) => match &o.borrow().class {
            ObjectData::TypedArray(t) => Some((o.clone(), t.kind, t.array_length())),
            _ => None,
        },
        _ => None,
    };
    let Some((o, kind, len)) = found else {
        return Err(cx.throw_type_error("Atomics: argument is not a TypedArray"));
    };
    let Some(len) = len else {
        return Err(cx.throw_type_error("TypedArray is out of bounds or detached"));
    };
    let ok = if waitable {
        matches!(kind, Kind::Int32 | Kind::BigInt64)
    } else {
        !matches!(
            kind,
            Kind::Uint8Clamped | Kind::Float16 | Kind::Float32 | Kind::Float64
        )
    };
    if !ok {
        return Err(cx.throw_type_error("Atomics: invalid TypedArray type"));
    }
    Ok((o, kind, len))
}

/// ValidateAtomicAccess: the element index. Spec: #sec-validateatomicaccess
fn validate_access(cx: &mut Cx, len: usize, index: &Value) -> JsResult<usize> {
    let i = to_index(cx, index)?;
    if i >= len as u64 {
        return Err(cx.throw_range_error("Atomics: index out of range"));
    }
    Ok(i as usize)
}

/// The operand conversion of the atomic operations: ToBigInt, or ToIntegerOrInfinity
/// (returned as a Number too, for `store`).
fn to_operand(cx: &mut Cx, kind: Kind, v: &Value) -> JsResult<(Elem, Value)> {
    if kind.is_bigint() {
        let b = to_bigint(cx, v)?;
        Ok((
            Elem::Big(super::typedarray::bigint_bits(&b)),
            Value::BigInt(b),
        ))
    } else {
        let n = to_integer_or_infinity(cx, v)?;
        Ok((Elem::Num(n), Value::number(n)))
    }
}

/// RevalidateAtomicAccess after the conversions: the store and byte position.
/// Spec: #sec-revalidateatomicaccess
fn revalidate(
    cx: &mut Cx,
    o: &Obj,
    i: usize,
) -> JsResult<(std::rc::Rc<super::arraybuffer::BufferData>, usize)> {
    let r = match &o.borrow().class {
        ObjectData::TypedArray(t) => t
            .array_length()
            .map(|len| (len, t.data.clone(), t.byte_offset + i * t.kind.size())),
        _ => None,
    };
    let Some((len, data, at)) = r else {
        return Err(cx.throw_type_error("TypedArray is out of bounds or detached"));
    };
    if i >= len {
        return Err(cx.throw_range_error("Atomics: index out of range"));
    }
    Ok((data, at))
}

/// Reads the element bytes zero-extended into a u64.
fn read_bits(data: &super::arraybuffer::BufferData, at: usize, size: usize) -> u64 {
    let b = data.bytes.borrow();
    let mut raw = [0u8; 8];
    if let Some(s) = b.get(at..at + size) {
        raw[..size].copy_from_slice(s);
    }
    u64::from_le_bytes(raw)
}

fn write_bits(data: &super::arraybuffer::BufferData, at: usize, size: usize, v: u64) {
    let mut b = data.bytes.borrow_mut();
    if let Some(s) = b.get_mut(at..at + size) {
        s.copy_from_slice(&v.to_le_bytes()[..size]);
    }
}

/// An operand's bits as stored in an element of `kind`.
fn elem_bits(kind: Kind, e: Elem) -> u64 {
    let mut raw = [0u8; 8];
    encode(kind, e, &mut raw[..kind.size()]);
    u64::from_le_bytes(raw)
}

/// The element value of stored bits.
fn bits_value(cx: &mut Cx, kind: Kind, bits: u64) -> JsResult<Value> {
    let raw = bits.to_le_bytes();
    let e = decode(kind, &raw[..kind.size()]);
    elem_to_value(cx, kind, e)
}

/// Atomics.add / and / exchange / or / sub / xor (magic = op).
/// Spec: #sec-atomicreadmodifywrite
fn read_modify_write(
    cx: &mut Cx,
    _: &Value,
    args: &[Value],
    _: &Value,
    magic: u16,
) -> JsResult<Value> {
    // 1. ValidateAtomicAccessOnIntegerTypedArray.
    let (o, kind, len) = validate_integer(cx, &arg(args, 0), false)?;
    let i = validate_access(cx, len, &arg(args, 1))?;
    // 2. Convert the operand.
    let (e, _) = to_operand(cx, kind, &arg(args, 2))?;
    // 3. RevalidateAtomicAccess.
    let (data, at) = revalidate(cx, &o, i)?;
    // 4. GetModifySetValueInBuffer.
    let size = kind.size();
    let old = read_bits(&data, at, size);
    let v = elem_bits(kind, e);
    let new = match magic {
        op::ADD => old.wrapping_add(v),
        op::AND => old & v,
        op::EXCHANGE => v,
        op::OR => old | v,
        op::SUB => old.wrapping_sub(v),
        _ => old ^ v,
    };
    write_bits(&data, at, size, new);
    bits_value(cx, kind, old)
}

/// Atomics.compareExchange(typedArray, index, expectedValue, replacementValue).
/// Spec: #sec-atomics.compareexchange
fn compare_exchange(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, kind, len) = validate_integer(cx, &arg(args, 0), false)?;
    let i = validate_access(cx, len, &arg(args, 1))?;
    let (expected, _) = to_operand(cx, kind, &arg(args, 2))?;
    let (replacement, _) = to_operand(cx, kind, &arg(args, 3))?;
    let (data, at) = revalidate(cx, &o, i)?;
    let size = kind.size();
    let old = read_bits(&data, at, size);
    // Compared as raw bytes of the element type.
    if old == elem_bits(kind, expected) {
        write_bits(&data, at, size, elem_bits(kind, replacement));
    }
    bits_value(cx, kind, old)
}

/// Atomics.load(typedArray, index). Spec: #sec-atomics.load
fn load(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, kind, len) = validate_integer(cx, &arg(args, 0), false)?;
    let i = validate_access(cx, len, &arg(args, 1))?;
    let (data, at) = revalidate(cx, &o, i)?;
    let old = read_bits(&data, at, kind.size());
    bits_value(cx, kind, old)
}

/// Atomics.store(typedArray, index, value). Spec: #sec-atomics.store
fn store(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, kind, len) = validate_integer(cx, &arg(args, 0), false)?;
    let i = validate_access(cx, len, &arg(args, 1))?;
    let (e, result) = to_operand(cx, kind, &arg(args, 2))?;
    let (data, at) = revalidate(cx, &o, i)?;
    write_bits(&data, at, kind.size(), elem_bits(kind, e));
    Ok(result)
}

/// Atomics.isLockFree(size). Spec: #sec-atomics.islockfree
fn is_lock_free(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let n = to_integer_or_infinity(cx, &arg(args, 0))?;
    Ok(Value::Bool(n == 1.0 || n == 2.0 || n == 4.0 || n == 8.0))
}

/// Atomics.pause([N]). Spec: #sec-atomics.pause
fn pause(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let n = arg(args, 0);
    if !n.is_undefined() {
        let integral = match n {
            Value::Int(_) => true,
            Value::Float(f) => f.is_finite() && f.trunc() == f,
            _ => false,
        };
        if !integral {
            return Err(cx.throw_type_error("Atomics.pause: argument must be an integral Number"));
        }
    }
    Ok(Value::Undefined)
}

/// Atomics.notify(typedArray, index, count). Spec: #sec-atomics.notify
fn notify(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (_, _, len) = validate_integer(cx, &arg(args, 0), true)?;
    validate_access(cx, len, &arg(args, 1))?;
    let count = arg(args, 2);
    if !count.is_undefined() {
        to_integer_or_infinity(cx, &count)?;
    }
    // No agent can be waiting: nobody is woken.
    Ok(Value::Int(0))
}

/// Atomics.wait (magic 0) / Atomics.waitAsync (magic 1). Spec: #sec-dowait
fn wait(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    // 1-3. An Int32Array or BigInt64Array over a SharedArrayBuffer.
    let (o, kind, len) = validate_integer(cx, &arg(args, 0), true)?;
    let shared = match &o.borrow().class {
        ObjectData::TypedArray(t) => t.data.shared,
        _ => false,
    };
    if !shared {
        return Err(cx.throw_type_error("Atomics.wait: the buffer is not shared"));
    }
    // 4. i = ValidateAtomicAccess.
    let i = validate_access(cx, len, &arg(args, 1))?;
    // 5-6. v = ToBigInt64(value) / ToInt32(value).
    let v = if kind == Kind::BigInt64 {
        let b = to_bigint(cx, &arg(args, 2))?;
        super::typedarray::bigint_bits(&b)
    } else {
        to_int32(cx, &arg(args, 2))? as u32 as u64
    };
    // 7-8. Timeout in ms.
    let q = to_number(cx, &arg(args, 3))?;
    let t = if q.is_nan() || q == f64::INFINITY {
        f64::INFINITY
    } else if q == f64::NEG_INFINITY {
        0.0
    } else {
        q.max(0.0)
    };
    // Read the current value (the buffer may have changed during the conversions).
    let (data, at) = revalidate(cx, &o, i)?;
    let w = read_bits(&data, at, kind.size());
    let mask = if kind.size() == 8 {
        u64::MAX
    } else {
        0xffff_ffff
    };
    let not_equal = w & mask != v & mask;
    let result = if not_equal {
        "not-equal"
    } else if t == 0.0 {
        "timed-out"
    } else if magic == 1 {
        return Err(cx.throw_type_error(
            "not supported yet: Atomics.waitAsync with a non-zero timeout (no agents or timers)",
        ));
    } else if t.is_infinite() {
        return Err(cx.throw_type_error(
            "Atomics.wait would block forever: there is no other agent to notify it",
        ));
    } else {
        // Nobody can notify: wait out the timeout, polling the interrupt.
        let start = cx.host_now_ms();
        while cx.host_now_ms() - start < t {
            cx.poll_interrupt(64)?;
        }
        "timed-out"
    };
    let s = Value::String(cx.new_string(result)?);
    if magic == 0 {
        return Ok(s);
    }
    // waitAsync's synchronous result: { async: false, value }.
    let r = new_object(cx)?;
    let k_async = cx.intern("async");
    create_data_property_or_throw(cx, &r, k_async, Value::Bool(false))?;
    create_data_property_or_throw(cx, &r, crate::atoms::Atom::Value, s)?;
    Ok(Value::Object(r))
}
