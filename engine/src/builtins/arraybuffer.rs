//! ArrayBuffer and SharedArrayBuffer: the byte stores behind typed arrays and DataViews.
//! Spec: #sec-arraybuffer-objects, #sec-sharedarraybuffer-objects
//!
//! A buffer object is `ObjectData::ArrayBuffer(Rc<BufferData>)`. Views (typed arrays,
//! DataViews) keep both the buffer object (for `.buffer` and the collector) and a clone of
//! the `Rc<BufferData>`, so an element access borrows one `RefCell<Vec<u8>>` and never goes
//! through the buffer object.
//!
//! Invariants:
//! - `bytes.len()` is the current [[ArrayBufferByteLength]]; a detached buffer has no bytes
//!   and `detached` set (for good: nothing re-attaches a store).
//! - The bytes are charged to the heap *before* they are allocated and recorded in the
//!   buffer object's `charged` (refunded when the object is freed); resizing and detaching
//!   adjust both. A failed charge or allocation is a RangeError (CreateByteDataBlock), never
//!   an abort.
//! - Lengths never exceed [`MAX_BYTE_LENGTH`] (as QuickJS: 2^31 - 1), so every index fits
//!   `usize` on 32-bit targets too.
//! - There are no other agents: a SharedArrayBuffer is a buffer with `shared` set; it can
//!   only grow.

use super::{arg, install_class, Builtin, ClassDef, Val};
use crate::object::ops::{get, ordinary_create_from_constructor, species_constructor};
use crate::object::{attrs, construct, Obj, ObjectData};
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::value::conv::{to_index, to_integer_or_infinity};
use crate::value::Value;
use crate::{getter, method, value};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Largest byte length of a buffer (and of a maxByteLength).
pub const MAX_BYTE_LENGTH: u64 = i32::MAX as u64;

/// The data block of an ArrayBuffer or SharedArrayBuffer.
pub struct BufferData {
    /// The bytes; `len()` is the byte length.
    pub bytes: RefCell<Vec<u8>>,
    pub detached: Cell<bool>,
    /// [[ArrayBufferMaxByteLength]] of a resizable (growable) buffer.
    pub max: Option<usize>,
    /// A SharedArrayBuffer.
    pub shared: bool,
}

impl BufferData {
    /// Current byte length (0 once detached).
    #[inline]
    pub fn len(&self) -> usize {
        self.bytes.borrow().len()
    }
    /// IsFixedLengthArrayBuffer. Spec: #sec-isfixedlengtharraybuffer
    #[inline]
    pub fn is_fixed_length(&self) -> bool {
        self.max.is_none()
    }
}

static AB_STATICS: &[Builtin] = &[
    method!("isView", 1, is_view),
    getter!(@symbol SYM_SPECIES, species),
];

static AB_PROTO: &[Builtin] = &[
    getter!("byteLength", byte_length, 0),
    getter!("detached", detached),
    getter!("maxByteLength", max_byte_length, 0),
    getter!("resizable", resizable, 0),
    method!("resize", 1, resize),
    method!("slice", 2, slice, 0),
    method!("transfer", 0, transfer, 1),
    method!("transferToFixedLength", 0, transfer, 0),
    value!(@symbol SYM_TO_STRING_TAG, Val::Str("ArrayBuffer"), attrs::CONFIGURABLE),
];

static AB_CLASS: ClassDef = ClassDef {
    name: "ArrayBuffer",
    ctor: Some((array_buffer_constructor, 1, 0)),
    ctor_intrinsic: Some(Intrinsic::ArrayBuffer),
    proto_intrinsic: Some(Intrinsic::ArrayBufferPrototype),
    statics: AB_STATICS,
    proto: AB_PROTO,
    ..ClassDef::DEFAULT
};

static SAB_STATICS: &[Builtin] = &[getter!(@symbol SYM_SPECIES, species)];

static SAB_PROTO: &[Builtin] = &[
    getter!("byteLength", byte_length, 1),
    method!("grow", 1, grow),
    getter!("growable", resizable, 1),
    getter!("maxByteLength", max_byte_length, 1),
    method!("slice", 2, slice, 1),
    value!(@symbol SYM_TO_STRING_TAG, Val::Str("SharedArrayBuffer"), attrs::CONFIGURABLE),
];

static SAB_CLASS: ClassDef = ClassDef {
    name: "SharedArrayBuffer",
    ctor: Some((shared_array_buffer_constructor, 1, 0)),
    ctor_intrinsic: Some(Intrinsic::SharedArrayBuffer),
    proto_intrinsic: Some(Intrinsic::SharedArrayBufferPrototype),
    statics: SAB_STATICS,
    proto: SAB_PROTO,
    ..ClassDef::DEFAULT
};

pub fn init(cx: &mut Cx) -> JsResult<()> {
    install_class(cx, &AB_CLASS)?;
    install_class(cx, &SAB_CLASS)?;
    Ok(())
}

/// get ArrayBuffer[@@species] / SharedArrayBuffer[@@species].
fn species(_: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    Ok(this.clone())
}

/// The store of a buffer object, if it is one.
pub fn buffer_data(o: &Obj) -> Option<Rc<BufferData>> {
    match &o.borrow().class {
        ObjectData::ArrayBuffer(b) => Some(b.clone()),
        _ => None,
    }
}

/// `n` zero bytes, charged first. Failure is a RangeError (CreateByteDataBlock).
/// The caller records the charge on the owning object.
fn new_block(cx: &mut Cx, n: u64) -> JsResult<Vec<u8>> {
    if n > MAX_BYTE_LENGTH {
        return Err(cx.throw_range_error("Array buffer allocation failed: length too large"));
    }
    let n = n as usize;
    if cx.heap.charge(n).is_err() {
        return Err(cx.throw_range_error("Array buffer allocation failed: out of memory"));
    }
    let mut v = Vec::new();
    if v.try_reserve_exact(n).is_err() {
        cx.heap.refund(n);
        return Err(cx.throw_range_error("Array buffer allocation failed: out of memory"));
    }
    v.resize(n, 0);
    Ok(v)
}

/// AllocateArrayBuffer / AllocateSharedArrayBuffer (with an optional max byte length).
/// Spec: #sec-allocatearraybuffer, #sec-allocatesharedarraybuffer
pub fn allocate_buffer(
    cx: &mut Cx,
    constructor: &Value,
    byte_length: u64,
    max: Option<u64>,
    shared: bool,
) -> JsResult<Obj> {
    // 3. A resizable buffer's length is at most its max.
    if let Some(m) = max {
        if byte_length > m {
            return Err(cx.throw_range_error("byteLength exceeds maxByteLength"));
        }
    }
    let default = if shared {
        Intrinsic::SharedArrayBufferPrototype
    } else {
        Intrinsic::ArrayBufferPrototype
    };
    // 4. The prototype is read before the block is created.
    let placeholder = Rc::new(BufferData {
        bytes: RefCell::new(Vec::new()),
        detached: Cell::new(false),
        max: None,
        shared,
    });
    let obj = ordinary_create_from_constructor(
        cx,
        constructor,
        default,
        ObjectData::ArrayBuffer(placeholder),
    )?;
    // 5. CreateByteDataBlock; 8.a the max must be possible as well.
    if let Some(m) = max {
        if m > MAX_BYTE_LENGTH {
            return Err(
                cx.throw_range_error("Array buffer allocation failed: maxByteLength too large")
            );
        }
    }
    let block = new_block(cx, byte_length)?;
    let n = block.len();
    let data = Rc::new(BufferData {
        bytes: RefCell::new(block),
        detached: Cell::new(false),
        max: max.map(|m| m as usize),
        shared,
    });
    let mut b = obj.borrow_mut();
    b.add_charged(n);
    b.class = ObjectData::ArrayBuffer(data);
    drop(b);
    Ok(obj)
}

/// Sets the byte length of a (resizable, or being transferred) buffer, zero-filling new
/// bytes and adjusting the charge. Growth failure is a RangeError.
fn set_byte_length(cx: &mut Cx, obj: &Obj, data: &BufferData, new_len: usize) -> JsResult<()> {
    let old = data.len();
    if new_len > old {
        let d = new_len - old;
        if cx.heap.charge(d).is_err() {
            return Err(cx.throw_range_error("Array buffer allocation failed: out of memory"));
        }
        let mut bytes = data.bytes.borrow_mut();
        if bytes.try_reserve_exact(d).is_err() {
            drop(bytes);
            cx.heap.refund(d);
            return Err(cx.throw_range_error("Array buffer allocation failed: out of memory"));
        }
        bytes.resize(new_len, 0);
        drop(bytes);
        obj.borrow_mut().add_charged(d);
    } else if new_len < old {
        let mut bytes = data.bytes.borrow_mut();
        bytes.truncate(new_len);
        bytes.shrink_to_fit();
        drop(bytes);
        cx.heap.refund(old - new_len);
        obj.borrow_mut().sub_charged(old - new_len);
    }
    Ok(())
}

/// DetachArrayBuffer(arrayBuffer). Spec: #sec-detacharraybuffer
pub fn detach_array_buffer(cx: &mut Cx, v: &Value) -> JsResult<()> {
    let data = match v {
        Value::Object(o) => buffer_data(o).map(|d| (o.clone(), d)),
        _ => None,
    };
    let Some((obj, data)) = data else {
        return Err(cx.throw_type_error("not an ArrayBuffer"));
    };
    // 1. Assert: not shared.
    if data.shared {
        return Err(cx.throw_type_error("cannot detach a SharedArrayBuffer"));
    }
    let n = data.len();
    *data.bytes.borrow_mut() = Vec::new();
    data.detached.set(true);
    cx.heap.refund(n);
    obj.borrow_mut().sub_charged(n);
    Ok(())
}

/// GetArrayBufferMaxByteLengthOption(options). Spec: #sec-getarraybuffermaxbytelengthoption
fn max_byte_length_option(cx: &mut Cx, options: &Value) -> JsResult<Option<u64>> {
    let Value::Object(o) = options else {
        return Ok(None);
    };
    let key = cx.intern("maxByteLength");
    let m = get(cx, o, key)?;
    if m.is_undefined() {
        return Ok(None);
    }
    Ok(Some(to_index(cx, &m)?))
}

/// ArrayBuffer(length [, options]). Spec: #sec-arraybuffer-length
fn array_buffer_constructor(
    cx: &mut Cx,
    _: &Value,
    args: &[Value],
    nt: &Value,
    _: u16,
) -> JsResult<Value> {
    // 1. Not callable without new.
    if nt.is_undefined() {
        return Err(cx.throw_type_error("Constructor ArrayBuffer requires 'new'"));
    }
    // 2. byteLength = ToIndex(length).
    let len = to_index(cx, &arg(args, 0))?;
    // 3. requestedMaxByteLength.
    let max = max_byte_length_option(cx, &arg(args, 1))?;
    // 4. AllocateArrayBuffer(NewTarget, byteLength, requestedMaxByteLength).
    Ok(Value::Object(allocate_buffer(cx, nt, len, max, false)?))
}

/// SharedArrayBuffer(length [, options]). Spec: #sec-sharedarraybuffer-length
fn shared_array_buffer_constructor(
    cx: &mut Cx,
    _: &Value,
    args: &[Value],
    nt: &Value,
    _: u16,
) -> JsResult<Value> {
    if nt.is_undefined() {
        return Err(cx.throw_type_error("Constructor SharedArrayBuffer requires 'new'"));
    }
    let len = to_index(cx, &arg(args, 0))?;
    let max = max_byte_length_option(cx, &arg(args, 1))?;
    Ok(Value::Object(allocate_buffer(cx, nt, len, max, true)?))
}

/// ArrayBuffer.isView(arg). Spec: #sec-arraybuffer.isview
fn is_view(_: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let r = match &arg(args, 0) {
        Value::Object(o) => matches!(
            o.borrow().class,
            ObjectData::TypedArray(_) | ObjectData::DataView(_)
        ),
        _ => false,
    };
    Ok(Value::Bool(r))
}

/// RequireInternalSlot(O, [[ArrayBufferData]]) plus the shared/non-shared check
/// (`shared` = the method belongs to SharedArrayBuffer.prototype).
fn this_buffer(cx: &mut Cx, this: &Value, shared: bool) -> JsResult<(Obj, Rc<BufferData>)> {
    if let Value::Object(o) = this {
        if let Some(d) = buffer_data(o) {
            if d.shared == shared {
                return Ok((o.clone(), d));
            }
        }
    }
    Err(cx.throw_type_error(if shared {
        "not a SharedArrayBuffer"
    } else {
        "not an ArrayBuffer"
    }))
}

/// get ArrayBuffer.prototype.byteLength / SharedArrayBuffer.prototype.byteLength (magic 1).
/// Spec: #sec-get-arraybuffer.prototype.bytelength
fn byte_length(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let (_, d) = this_buffer(cx, this, magic == 1)?;
    // A detached buffer reports 0 (its store is empty).
    Ok(Value::number(d.len() as f64))
}

/// get ArrayBuffer.prototype.maxByteLength (magic 0) / SharedArrayBuffer's (magic 1).
/// Spec: #sec-get-arraybuffer.prototype.maxbytelength
fn max_byte_length(
    cx: &mut Cx,
    this: &Value,
    _: &[Value],
    _: &Value,
    magic: u16,
) -> JsResult<Value> {
    let (_, d) = this_buffer(cx, this, magic == 1)?;
    if d.detached.get() {
        return Ok(Value::Int(0));
    }
    Ok(Value::number(d.max.unwrap_or_else(|| d.len()) as f64))
}

/// get ArrayBuffer.prototype.resizable / SharedArrayBuffer.prototype.growable (magic 1).
/// Spec: #sec-get-arraybuffer.prototype.resizable
fn resizable(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let (_, d) = this_buffer(cx, this, magic == 1)?;
    Ok(Value::Bool(!d.is_fixed_length()))
}

/// get ArrayBuffer.prototype.detached. Spec: #sec-get-arraybuffer.prototype.detached
fn detached(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (_, d) = this_buffer(cx, this, false)?;
    Ok(Value::Bool(d.detached.get()))
}

/// ArrayBuffer.prototype.resize(newLength). Spec: #sec-arraybuffer.prototype.resize
fn resize(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 1-3. Must be a resizable, non-shared buffer.
    let (o, d) = this_buffer(cx, this, false)?;
    let Some(max) = d.max else {
        return Err(cx.throw_type_error("ArrayBuffer is not resizable"));
    };
    // 4. newByteLength = ToIndex(newLength).
    let n = to_index(cx, &arg(args, 0))?;
    // 5. Detached: TypeError.
    if d.detached.get() {
        return Err(cx.throw_type_error("ArrayBuffer is detached"));
    }
    // 6. Over the max: RangeError.
    if n > max as u64 {
        return Err(cx.throw_range_error("new length exceeds maxByteLength"));
    }
    // 7-10. Resize in place (new bytes are zero).
    set_byte_length(cx, &o, &d, n as usize)?;
    Ok(Value::Undefined)
}

/// SharedArrayBuffer.prototype.grow(newLength). Spec: #sec-sharedarraybuffer.prototype.grow
fn grow(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let (o, d) = this_buffer(cx, this, true)?;
    let Some(max) = d.max else {
        return Err(cx.throw_type_error("SharedArrayBuffer is not growable"));
    };
    let n = to_index(cx, &arg(args, 0))?;
    if n > max as u64 {
        return Err(cx.throw_range_error("new length exceeds maxByteLength"));
    }
    if (n as usize) < d.len() {
        return Err(cx.throw_range_error("SharedArrayBuffer cannot shrink"));
    }
    set_byte_length(cx, &o, &d, n as usize)?;
    Ok(Value::Undefined)
}

/// Resolves a relative index (`start`/`end` arguments) against `len`; `default` when
/// undefined. Spec: the shared steps of slice, fill, subarray...
pub fn relative(cx: &mut Cx, v: &Value, len: u64, default: u64) -> JsResult<u64> {
    if v.is_undefined() {
        return Ok(default);
    }
    let r = to_integer_or_infinity(cx, v)?;
    Ok(if r < 0.0 {
        (len as f64 + r).max(0.0) as u64
    } else {
        r.min(len as f64) as u64
    })
}

/// ArrayBuffer.prototype.slice(start, end) (magic 0) / SharedArrayBuffer's (magic 1).
/// Spec: #sec-arraybuffer.prototype.slice, #sec-sharedarraybuffer.prototype.slice
fn slice(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let shared = magic == 1;
    // 1-3.
    let (o, d) = this_buffer(cx, this, shared)?;
    // 4. Detached: TypeError.
    if d.detached.get() {
        return Err(cx.throw_type_error("ArrayBuffer is detached"));
    }
    // 5-13.
    let len = d.len() as u64;
    let first = relative(cx, &arg(args, 0), len, 0)?;
    let fin = relative(cx, &arg(args, 1), len, len)?;
    // 14.
    let new_len = fin.saturating_sub(first);
    // 15-16. new = Construct(SpeciesConstructor(O, default), « newLen »).
    let default = cx.intrinsic(if shared {
        Intrinsic::SharedArrayBuffer
    } else {
        Intrinsic::ArrayBuffer
    });
    let ctor = species_constructor(cx, &o, default)?;
    let new = construct(
        cx,
        &ctor,
        &[Value::number(new_len as f64)],
        &Value::Undefined,
    )?;
    // 17-21. Checks on the new buffer.
    let nd = match &new {
        Value::Object(n) => buffer_data(n).filter(|nd| nd.shared == shared),
        _ => None,
    };
    let Some(nd) = nd else {
        return Err(cx.throw_type_error("species constructor did not return an ArrayBuffer"));
    };
    if nd.detached.get() {
        return Err(cx.throw_type_error("species constructor returned a detached ArrayBuffer"));
    }
    if let Value::Object(n) = &new {
        if Obj::ptr_eq(n, &o) {
            return Err(cx.throw_type_error("species constructor returned the same ArrayBuffer"));
        }
    }
    if (nd.len() as u64) < new_len {
        return Err(cx.throw_type_error("species constructor returned a too small ArrayBuffer"));
    }
    // 23. The constructor may have detached O.
    if d.detached.get() {
        return Err(cx.throw_type_error("ArrayBuffer is detached"));
    }
    // 26-27. Copy what is still in bounds (O may have shrunk).
    let cur = d.len() as u64;
    if first < cur {
        let count = new_len.min(cur - first) as usize;
        let first = first as usize;
        if Rc::ptr_eq(&d, &nd) {
            // Invariant: a distinct object never shares a store, but stay safe.
            return Ok(new);
        }
        let src = d.bytes.borrow();
        let mut dst = nd.bytes.borrow_mut();
        if let (Some(s), Some(t)) = (src.get(first..first + count), dst.get_mut(..count)) {
            t.copy_from_slice(s);
        }
    }
    Ok(new)
}

/// ArrayBuffer.prototype.transfer (magic 1: preserve resizability) /
/// transferToFixedLength (magic 0). Spec: #sec-arraybuffercopyanddetach
fn transfer(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    // 1-2.
    let (o, d) = this_buffer(cx, this, false)?;
    // 3. newByteLength.
    let a0 = arg(args, 0);
    let new_len = if a0.is_undefined() {
        d.len() as u64
    } else {
        to_index(cx, &a0)?
    };
    // 4. Detached: TypeError.
    if d.detached.get() {
        return Err(cx.throw_type_error("ArrayBuffer is detached"));
    }
    // 5. newMaxByteLength.
    let new_max = if magic == 1 {
        d.max.map(|m| m as u64)
    } else {
        None
    };
    // 7. RangeError over the max.
    if let Some(m) = new_max {
        if new_len > m {
            return Err(cx.throw_range_error("new length exceeds maxByteLength"));
        }
    }
    if new_len > MAX_BYTE_LENGTH {
        return Err(cx.throw_range_error("Array buffer allocation failed: length too large"));
    }
    // 8. newBuffer = AllocateArrayBuffer(%ArrayBuffer%, 0, newMax); the old block is
    // resized first (so an allocation failure leaves O attached), then moved, not copied.
    let ctor = cx.intrinsic(Intrinsic::ArrayBuffer);
    let new = allocate_buffer(cx, &ctor, 0, new_max, false)?;
    let Some(nd) = buffer_data(&new) else {
        return Err(cx.throw_type_error("not an ArrayBuffer"));
    };
    set_byte_length(cx, &o, &d, new_len as usize)?;
    // 9-12. Move the block: the charge moves with it.
    let block = std::mem::take(&mut *d.bytes.borrow_mut());
    let moved = block.len();
    *nd.bytes.borrow_mut() = block;
    o.borrow_mut().sub_charged(moved);
    new.borrow_mut().add_charged(moved);
    // 13. DetachArrayBuffer(O) (its store is already empty).
    d.detached.set(true);
    Ok(Value::Object(new))
}
