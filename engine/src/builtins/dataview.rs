//! DataView: unaligned, either-endian reads and writes of any element type over an
//! ArrayBuffer or SharedArrayBuffer. Spec: #sec-dataview-objects
//!
//! A DataView is `ObjectData::DataView(Box<DataViewData>)`, holding the buffer object and its
//! store like a typed array. Invariant: bounds are recomputed from the store's current length
//! on every access (`DataViewData::view_length`), after every argument conversion, because
//! any user code may resize or detach the buffer.

use super::arraybuffer::{buffer_data, BufferData};
use super::typedarray::{decode, elem_to_value, encode, value_to_elem, Kind};
use super::{arg, install_class, Builtin, ClassDef, Val};
use crate::object::ops::get_prototype_from_constructor;
use crate::object::{attrs, Obj, ObjectData};
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::value::conv::to_index;
use crate::value::Value;
use crate::{getter, method, value};
use std::rc::Rc;

/// The internal slots of a DataView. Spec: #sec-properties-of-dataview-instances
pub struct DataViewData {
    /// [[ViewedArrayBuffer]].
    pub buffer: Obj,
    pub data: Rc<BufferData>,
    /// [[ByteOffset]].
    pub byte_offset: usize,
    /// [[ByteLength]]; `None` = auto (tracks a resizable buffer).
    pub byte_length: Option<usize>,
}

impl DataViewData {
    /// GetViewByteLength, or `None` when IsViewOutOfBounds (detached included).
    /// Spec: #sec-isviewoutofbounds, #sec-getviewbytelength
    pub fn view_length(&self) -> Option<usize> {
        if self.data.detached.get() {
            return None;
        }
        let bl = self.data.len();
        if self.byte_offset > bl {
            return None;
        }
        match self.byte_length {
            Some(n) => (self.byte_offset.checked_add(n)? <= bl).then_some(n),
            None => Some(bl - self.byte_offset),
        }
    }
}

static PROTO: &[Builtin] = &[
    getter!("buffer", buffer_getter),
    getter!("byteLength", byte_length_getter),
    getter!("byteOffset", byte_offset_getter),
    method!("getBigInt64", 1, get_value, Kind::BigInt64 as u16),
    method!("getBigUint64", 1, get_value, Kind::BigUint64 as u16),
    method!("getFloat16", 1, get_value, Kind::Float16 as u16),
    method!("getFloat32", 1, get_value, Kind::Float32 as u16),
    method!("getFloat64", 1, get_value, Kind::Float64 as u16),
    method!("getInt8", 1, get_value, Kind::Int8 as u16),
    method!("getInt16", 1, get_value, Kind::Int16 as u16),
    method!("getInt32", 1, get_value, Kind::Int32 as u16),
    method!("getUint8", 1, get_value, Kind::Uint8 as u16),
    method!("getUint16", 1, get_value, Kind::Uint16 as u16),
    method!("getUint32", 1, get_value, Kind::Uint32 as u16),
    method!("setBigInt64", 2, set_value, Kind::BigInt64 as u16),
    method!("setBigUint64", 2, set_value, Kind::BigUint64 as u16),
    method!("setFloat16", 2, set_value, Kind::Float16 as u16),
    method!("setFloat32", 2, set_value, Kind::Float32 as u16),
    method!("setFloat64", 2, set_value, Kind::Float64 as u16),
    method!("setInt8", 2, set_value, Kind::Int8 as u16),
    method!("setInt16", 2, set_value, Kind::Int16 as u16),
    method!("setInt32", 2, set_value, Kind::Int32 as u16),
    method!("setUint8", 2, set_value, Kind::Uint8 as u16),
    method!("setUint16", 2, set_value, Kind::Uint16 as u16),
    method!("setUint32", 2, set_value, Kind::Uint32 as u16),
    value!(@symbol SYM_TO_STRING_TAG, Val::Str("DataView"), attrs::CONFIGURABLE),
];

static CLASS: ClassDef = ClassDef {
    name: "DataView",
    ctor: Some((data_view_constructor, 1, 0)),
    ctor_intrinsic: Some(Intrinsic::DataView),
    proto_intrinsic: Some(Intrinsic::DataViewPrototype),
    proto: PROTO,
    ..ClassDef::DEFAULT
};

pub fn init(cx: &mut Cx) -> JsResult<()> {
    install_class(cx, &CLASS)?;
    Ok(())
}

/// DataView(buffer [, byteOffset [, byteLength]]). Spec: #sec-dataview-buffer-byteoffset-bytelength
fn data_view_constructor(
    cx: &mut Cx,
    _: &Value,
    args: &[Value],
    nt: &Value,
    _: u16,
) -> JsResult<Value> {
    // 1. NewTarget undefined: TypeError.
    if nt.is_undefined() {
        return Err(cx.throw_type_error("Constructor DataView requires 'new'"));
    }
    // 2. RequireInternalSlot(buffer, [[ArrayBufferData]]).
    let buffer = arg(args, 0);
    let found = match &buffer {
        Value::Object(b) => buffer_data(b).map(|d| (b.clone(), d)),
        _ => None,
    };
    let Some((buffer, data)) = found else {
        return Err(cx.throw_type_error("DataView: argument is not an ArrayBuffer"));
    };
    // 3. offset = ToIndex(byteOffset).
    let offset = to_index(cx, &arg(args, 1))?;
    // 4. Detached: TypeError.
    if data.detached.get() {
        return Err(cx.throw_type_error("ArrayBuffer is detached"));
    }
    // 5-6. Offset within the buffer.
    let bl = data.len() as u64;
    if offset > bl {
        return Err(cx.throw_range_error("start offset is outside the bounds of the buffer"));
    }
    // 8-9. viewByteLength.
    let len_arg = arg(args, 2);
    let view_len = if len_arg.is_undefined() {
        if data.is_fixed_length() {
            Some(bl - offset)
        } else {
            None
        }
    } else {
        let n = to_index(cx, &len_arg)?;
        if offset + n > bl {
            return Err(cx.throw_range_error("invalid DataView length"));
        }
        Some(n)
    };
    // 10. O = OrdinaryCreateFromConstructor(NewTarget, %DataView.prototype%): the
    // prototype lookup can run user code, so 11-14 check the buffer again.
    let proto = get_prototype_from_constructor(cx, nt, Intrinsic::DataViewPrototype)?;
    if data.detached.get() {
        return Err(cx.throw_type_error("ArrayBuffer is detached"));
    }
    let bl = data.len() as u64;
    if offset > bl {
        return Err(cx.throw_range_error("start offset is outside the bounds of the buffer"));
    }
    if let (false, Some(n)) = (len_arg.is_undefined(), view_len) {
        if offset + n > bl {
            return Err(cx.throw_range_error("invalid DataView length"));
        }
    }
    let o = Obj::new(
        cx,
        proto,
        ObjectData::DataView(Box::new(DataViewData {
            buffer,
            data,
            byte_offset: offset as usize,
            byte_length: view_len.map(|n| n as usize),
        })),
    )?;
    Ok(Value::Object(o))
}

fn this_view<R>(cx: &mut Cx, this: &Value, f: impl FnOnce(&DataViewData) -> R) -> JsResult<R> {
    if let Value::Object(o) = this {
        if let ObjectData::DataView(d) = &o.borrow().class {
            return Ok(f(d));
        }
    }
    Err(cx.throw_type_error("not a DataView"))
}

/// get DataView.prototype.buffer. Spec: #sec-get-dataview.prototype.buffer
fn buffer_getter(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    this_view(cx, this, |d| Value::Object(d.buffer.clone()))
}

/// get DataView.prototype.byteLength. Spec: #sec-get-dataview.prototype.bytelength
fn byte_length_getter(
    cx: &mut Cx,
    this: &Value,
    _: &[Value],
    _: &Value,
    _: u16,
) -> JsResult<Value> {
    match this_view(cx, this, |d| d.view_length())? {
        Some(n) => Ok(Value::number(n as f64)),
        None => Err(cx.throw_type_error("DataView is out of bounds or detached")),
    }
}

/// get DataView.prototype.byteOffset. Spec: #sec-get-dataview.prototype.byteoffset
fn byte_offset_getter(
    cx: &mut Cx,
    this: &Value,
    _: &[Value],
    _: &Value,
    _: u16,
) -> JsResult<Value> {
    match this_view(cx, this, |d| d.view_length().map(|_| d.byte_offset))? {
        Some(n) => Ok(Value::number(n as f64)),
        None => Err(cx.throw_type_error("DataView is out of bounds or detached")),
    }
}

fn kind_of_magic(magic: u16) -> Kind {
    super::typedarray::KINDS
        .get(magic as usize)
        .copied()
        .unwrap_or(Kind::Uint8)
}

/// Checks the view and the index after the conversions; returns the store and the byte
/// position of the element.
fn locate(cx: &mut Cx, this: &Value, index: u64, size: usize) -> JsResult<(Rc<BufferData>, usize)> {
    let (len, off, data) = this_view(cx, this, |d| {
        (d.view_length(), d.byte_offset, d.data.clone())
    })?;
    // IsViewOutOfBounds: TypeError.
    let Some(len) = len else {
        return Err(cx.throw_type_error("DataView is out of bounds or detached"));
    };
    // getIndex + elementSize > viewSize: RangeError.
    if index + size as u64 > len as u64 {
        return Err(cx.throw_range_error("offset is outside the bounds of the DataView"));
    }
    Ok((data, off + index as usize))
}

/// DataView.prototype.get<Type>(byteOffset [, littleEndian]) (magic = kind).
/// Spec: #sec-getviewvalue
fn get_value(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let kind = kind_of_magic(magic);
    // 1-2. RequireInternalSlot(view, [[DataView]]).
    this_view(cx, this, |_| ())?;
    // 3. getIndex = ToIndex(requestIndex).
    let index = to_index(cx, &arg(args, 0))?;
    // 4. isLittleEndian.
    let little = arg(args, 1).to_boolean();
    let size = kind.size();
    let (data, at) = locate(cx, this, index, size)?;
    let mut raw = [0u8; 8];
    {
        let b = data.bytes.borrow();
        if let Some(s) = b.get(at..at + size) {
            raw[..size].copy_from_slice(s);
        }
    }
    if !little {
        raw[..size].reverse();
    }
    let e = decode(kind, &raw[..size]);
    elem_to_value(cx, kind, e)
}

/// DataView.prototype.set<Type>(byteOffset, value [, littleEndian]) (magic = kind).
/// Spec: #sec-setviewvalue
fn set_value(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let kind = kind_of_magic(magic);
    this_view(cx, this, |_| ())?;
    // 3. getIndex = ToIndex(requestIndex).
    let index = to_index(cx, &arg(args, 0))?;
    // 4-5. numberValue = ToBigInt / ToNumber.
    let e = value_to_elem(cx, kind, &arg(args, 1))?;
    // 6. isLittleEndian.
    let little = arg(args, 2).to_boolean();
    let size = kind.size();
    let (data, at) = locate(cx, this, index, size)?;
    let mut raw = [0u8; 8];
    encode(kind, e, &mut raw[..size]);
    if !little {
        raw[..size].reverse();
    }
    let mut b = data.bytes.borrow_mut();
    if let Some(s) = b.get_mut(at..at + size) {
        s.copy_from_slice(&raw[..size]);
    }
    Ok(Value::Undefined)
}
