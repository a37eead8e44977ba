//! Uint8Array to and from base64 and hex: `Uint8Array.fromBase64`, `Uint8Array.fromHex`,
//! `Uint8Array.prototype.{toBase64, toHex, setFromBase64, setFromHex}` (ES2026).
//! Spec: https://tc39.es/proposal-arraybuffer-base64/spec/
//!
//! Invariants: decoding works on the string's code units with an explicit index (no
//! recursion); the decoded byte list is checked against the memory limit before it grows
//! (it is temporary); encoded output goes through `StrBuf` (string length limit, memory).

use super::string::StrBuf;
use super::typedarray::{current_length, kind_of, Kind};
use super::{arg, Builtin};
use crate::method;
use crate::object::ops::{create_data_property_or_throw, get, new_object};
use crate::object::{Obj, ObjectData};
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::strings::JsString;
use crate::value::Value;

/// Statics added to %Uint8Array%.
pub static STATICS: &[Builtin] = &[
    method!("fromBase64", 1, from_base64),
    method!("fromHex", 1, from_hex),
];

/// Methods added to %Uint8Array.prototype%.
pub static PROTO: &[Builtin] = &[
    method!("setFromBase64", 1, set_from_base64),
    method!("setFromHex", 1, set_from_hex),
    method!("toBase64", 0, to_base64),
    method!("toHex", 0, to_hex),
];

const STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

#[derive(Clone, Copy, PartialEq, Eq)]
enum LastChunk {
    Loose,
    Strict,
    StopBeforePartial,
}

/// Result of FromBase64 / FromHex: bytes decoded, code units read, and whether a
/// SyntaxError is pending.
struct Decoded {
    read: usize,
    bytes: Vec<u8>,
    error: bool,
}

/// GetOptionsObject(options). Spec: #sec-getoptionsobject
fn options_object(cx: &mut Cx, v: &Value) -> JsResult<Option<Obj>> {
    match v {
        Value::Undefined => Ok(None),
        Value::Object(o) => Ok(Some(o.clone())),
        _ => Err(cx.throw_type_error("options must be an object")),
    }
}

/// A string-valued option compared without conversion (`None` = undefined).
fn get_option(cx: &mut Cx, opts: &Option<Obj>, name: &str) -> JsResult<Option<Value>> {
    let Some(o) = opts else { return Ok(None) };
    let key = cx.intern(name);
    let v = get(cx, o, key)?;
    Ok((!v.is_undefined()).then_some(v))
}

fn is_str(v: &Value, s: &str) -> bool {
    matches!(v, Value::String(j) if j.to_rust_string() == s)
}

/// The `alphabet` option: true for base64url.
fn alphabet_option(cx: &mut Cx, opts: &Option<Obj>) -> JsResult<bool> {
    match get_option(cx, opts, "alphabet")? {
        None => Ok(false),
        Some(v) if is_str(&v, "base64") => Ok(false),
        Some(v) if is_str(&v, "base64url") => Ok(true),
        Some(_) => Err(cx.throw_type_error("alphabet must be \"base64\" or \"base64url\"")),
    }
}

/// The `lastChunkHandling` option.
fn last_chunk_option(cx: &mut Cx, opts: &Option<Obj>) -> JsResult<LastChunk> {
    match get_option(cx, opts, "lastChunkHandling")? {
        None => Ok(LastChunk::Loose),
        Some(v) if is_str(&v, "loose") => Ok(LastChunk::Loose),
        Some(v) if is_str(&v, "strict") => Ok(LastChunk::Strict),
        Some(v) if is_str(&v, "stop-before-partial") => Ok(LastChunk::StopBeforePartial),
        Some(_) => Err(cx.throw_type_error(
            "lastChunkHandling must be \"loose\", \"strict\" or \"stop-before-partial\"",
        )),
    }
}

fn skip_ascii_whitespace(s: &[u16], mut i: usize) -> usize {
    while i < s.len() && matches!(s[i], 0x09 | 0x0a | 0x0c | 0x0d | 0x20) {
        i += 1;
    }
    i
}

fn b64_value(c: u16) -> Option<u32> {
    let c = u8::try_from(c).ok()?;
    STD.iter().position(|&x| x == c).map(|p| p as u32)
}

/// DecodeBase64Chunk on 2..=4 six-bit values (missing ones are zero).
fn decode_chunk(chunk: &[u32]) -> [u8; 3] {
    let mut n = 0u32;
    for i in 0..4 {
        n = (n << 6) | chunk.get(i).copied().unwrap_or(0);
    }
    [(n >> 16) as u8, (n >> 8) as u8, n as u8]
}

/// Pushes a byte to the temporary list, checking the memory limit as it grows.
fn push_bytes(cx: &mut Cx, bytes: &mut Vec<u8>, new: &[u8]) -> JsResult<()> {
    if bytes.len() + new.len() > bytes.capacity() {
        let want = (bytes.capacity() * 2).max(64);
        cx.oom(cx.heap.charge(want))?;
        cx.heap.refund(want);
        if bytes.try_reserve(want - bytes.len()).is_err() {
            return Err(cx.throw_out_of_memory());
        }
    }
    bytes.extend_from_slice(new);
    Ok(())
}

/// FromBase64(string, alphabet, lastChunkHandling, maxLength).
fn from_base64_units(
    cx: &mut Cx,
    s: &[u16],
    url: bool,
    last: LastChunk,
    max: usize,
) -> JsResult<Decoded> {
    let mut out = Decoded {
        read: 0,
        bytes: Vec::new(),
        error: false,
    };
    // 1. maxLength 0: nothing to do.
    if max == 0 {
        return Ok(out);
    }
    let mut chunk: Vec<u32> = Vec::with_capacity(4);
    let mut i = 0;
    let len = s.len();
    loop {
        cx.poll_interrupt(1)?;
        // a. Skip white space.
        i = skip_ascii_whitespace(s, i);
        // b. End of input.
        if i == len {
            if !chunk.is_empty() {
                match last {
                    LastChunk::StopBeforePartial => return Ok(out),
                    LastChunk::Loose => {
                        if chunk.len() == 1 {
                            out.error = true;
                            return Ok(out);
                        }
                        let b = decode_chunk(&chunk);
                        let n = chunk.len() - 1;
                        push_bytes(cx, &mut out.bytes, &b[..n])?;
                    }
                    LastChunk::Strict => {
                        out.error = true;
                        return Ok(out);
                    }
                }
            }
            out.read = len;
            return Ok(out);
        }
        // c-d.
        let mut c = s[i];
        i += 1;
        // e. Padding.
        if c == b'=' as u16 {
            if chunk.len() < 2 {
                out.error = true;
                return Ok(out);
            }
            i = skip_ascii_whitespace(s, i);
            if chunk.len() == 2 {
                if i == len {
                    if last == LastChunk::StopBeforePartial {
                        return Ok(out);
                    }
                    out.error = true;
                    return Ok(out);
                }
                if s[i] == b'=' as u16 {
                    i = skip_ascii_whitespace(s, i + 1);
                }
            }
            if i < len {
                out.error = true;
                return Ok(out);
            }
            // vi. DecodeFinalBase64Chunk(chunk, throwOnExtraBits).
            let b = decode_chunk(&chunk);
            let n = chunk.len() - 1;
            if last == LastChunk::Strict && b[n] != 0 {
                out.error = true;
                return Ok(out);
            }
            push_bytes(cx, &mut out.bytes, &b[..n])?;
            out.read = len;
            return Ok(out);
        }
        // f. The URL alphabet.
        if url {
            if c == b'+' as u16 || c == b'/' as u16 {
                out.error = true;
                return Ok(out);
            }
            if c == b'-' as u16 {
                c = b'+' as u16;
            } else if c == b'_' as u16 {
                c = b'/' as u16;
            }
        }
        // g. Not in the alphabet.
        let Some(v) = b64_value(c) else {
            out.error = true;
            return Ok(out);
        };
        // h-i. Stop before a chunk that would not fit.
        let remaining = max - out.bytes.len();
        if (remaining == 1 && chunk.len() == 2) || (remaining == 2 && chunk.len() == 3) {
            return Ok(out);
        }
        // j-k.
        chunk.push(v);
        if chunk.len() == 4 {
            let b = decode_chunk(&chunk);
            push_bytes(cx, &mut out.bytes, &b)?;
            chunk.clear();
            out.read = i;
            if out.bytes.len() == max {
                return Ok(out);
            }
        }
    }
}

fn hex_value(c: u16) -> Option<u8> {
    let c = u8::try_from(c).ok()? as char;
    c.to_digit(16).map(|d| d as u8)
}

/// FromHex(string, maxLength).
fn from_hex_units(cx: &mut Cx, s: &[u16], max: usize) -> JsResult<Decoded> {
    let mut out = Decoded {
        read: 0,
        bytes: Vec::new(),
        error: false,
    };
    // 4. Odd length: error before anything is read.
    if !s.len().is_multiple_of(2) {
        out.error = true;
        return Ok(out);
    }
    while out.read < s.len() && out.bytes.len() < max {
        cx.poll_interrupt(1)?;
        let (Some(h), Some(l)) = (hex_value(s[out.read]), hex_value(s[out.read + 1])) else {
            out.error = true;
            return Ok(out);
        };
        out.read += 2;
        push_bytes(cx, &mut out.bytes, &[(h << 4) | l])?;
    }
    Ok(out)
}

fn string_arg(cx: &mut Cx, v: &Value) -> JsResult<JsString> {
    match v {
        Value::String(s) => Ok(s.clone()),
        _ => Err(cx.throw_type_error("argument must be a string")),
    }
}

/// A new Uint8Array holding `bytes`.
fn new_uint8_array(cx: &mut Cx, bytes: &[u8]) -> JsResult<Value> {
    let c = cx.intrinsic(Intrinsic::Uint8Array);
    let ta = crate::object::construct(cx, &c, &[Value::number(bytes.len() as f64)], &c)?;
    if let Value::Object(o) = &ta {
        write_bytes(o, 0, bytes);
    }
    Ok(ta)
}

/// Copies `bytes` into a Uint8Array from element `at` (what fits).
fn write_bytes(o: &Obj, at: usize, bytes: &[u8]) {
    let b = o.borrow();
    if let ObjectData::TypedArray(t) = &b.class {
        let mut store = t.data.bytes.borrow_mut();
        let start = t.byte_offset + at;
        let n = bytes.len().min(store.len().saturating_sub(start));
        if let (Some(d), Some(s)) = (store.get_mut(start..start + n), bytes.get(..n)) {
            d.copy_from_slice(s);
        }
    }
}

/// ValidateUint8Array(ta).
fn validate_uint8(cx: &mut Cx, v: &Value) -> JsResult<Obj> {
    if let Value::Object(o) = v {
        if kind_of(o) == Some(Kind::Uint8) {
            return Ok(o.clone());
        }
    }
    Err(cx.throw_type_error("not a Uint8Array"))
}

/// GetUint8ArrayBytes(ta): a copy of the bytes; TypeError when out of bounds.
fn uint8_bytes(cx: &mut Cx, o: &Obj) -> JsResult<Vec<u8>> {
    let Some(len) = current_length(o) else {
        return Err(cx.throw_type_error("TypedArray is out of bounds or detached"));
    };
    cx.oom(cx.heap.charge(len))?;
    cx.heap.refund(len);
    let b = o.borrow();
    let ObjectData::TypedArray(t) = &b.class else {
        return Ok(Vec::new());
    };
    let store = t.data.bytes.borrow();
    Ok(store
        .get(t.byte_offset..t.byte_offset + len)
        .map(<[u8]>::to_vec)
        .unwrap_or_default())
}

/// Uint8Array.fromBase64(string [, options]).
fn from_base64(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let s = string_arg(cx, &arg(args, 0))?;
    let opts = options_object(cx, &arg(args, 1))?;
    let url = alphabet_option(cx, &opts)?;
    let last = last_chunk_option(cx, &opts)?;
    let d = from_base64_units(cx, &s.to_utf16(), url, last, usize::MAX)?;
    if d.error {
        return Err(cx.throw_syntax_error("invalid base64 string"));
    }
    new_uint8_array(cx, &d.bytes)
}

/// Uint8Array.fromHex(string).
fn from_hex(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let s = string_arg(cx, &arg(args, 0))?;
    let d = from_hex_units(cx, &s.to_utf16(), usize::MAX)?;
    if d.error {
        return Err(cx.throw_syntax_error("invalid hex string"));
    }
    new_uint8_array(cx, &d.bytes)
}

/// `{ read, written }`.
fn read_written(cx: &mut Cx, read: usize, written: usize) -> JsResult<Value> {
    let r = new_object(cx)?;
    let k_read = cx.intern("read");
    let k_written = cx.intern("written");
    create_data_property_or_throw(cx, &r, k_read, Value::number(read as f64))?;
    create_data_property_or_throw(cx, &r, k_written, Value::number(written as f64))?;
    Ok(Value::Object(r))
}

/// Uint8Array.prototype.setFromBase64(string [, options]).
fn set_from_base64(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _: &Value,
    _: u16,
) -> JsResult<Value> {
    let into = validate_uint8(cx, this)?;
    let s = string_arg(cx, &arg(args, 0))?;
    let opts = options_object(cx, &arg(args, 1))?;
    let url = alphabet_option(cx, &opts)?;
    let last = last_chunk_option(cx, &opts)?;
    let Some(len) = current_length(&into) else {
        return Err(cx.throw_type_error("TypedArray is out of bounds or detached"));
    };
    let d = from_base64_units(cx, &s.to_utf16(), url, last, len)?;
    write_bytes(&into, 0, &d.bytes);
    if d.error {
        return Err(cx.throw_syntax_error("invalid base64 string"));
    }
    read_written(cx, d.read, d.bytes.len())
}

/// Uint8Array.prototype.setFromHex(string).
fn set_from_hex(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let into = validate_uint8(cx, this)?;
    let s = string_arg(cx, &arg(args, 0))?;
    let Some(len) = current_length(&into) else {
        return Err(cx.throw_type_error("TypedArray is out of bounds or detached"));
    };
    let d = from_hex_units(cx, &s.to_utf16(), len)?;
    write_bytes(&into, 0, &d.bytes);
    if d.error {
        return Err(cx.throw_syntax_error("invalid hex string"));
    }
    read_written(cx, d.read, d.bytes.len())
}

/// Uint8Array.prototype.toBase64([options]).
fn to_base64(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let o = validate_uint8(cx, this)?;
    let opts = options_object(cx, &arg(args, 0))?;
    let url = alphabet_option(cx, &opts)?;
    let omit = get_option(cx, &opts, "omitPadding")?.is_some_and(|v| v.to_boolean());
    let bytes = uint8_bytes(cx, &o)?;
    let table = if url { URL } else { STD };
    let mut buf = StrBuf::new();
    for c in bytes.chunks(3) {
        cx.poll_interrupt(1)?;
        let n = (c[0] as u32) << 16
            | (c.get(1).copied().unwrap_or(0) as u32) << 8
            | c.get(2).copied().unwrap_or(0) as u32;
        let digits = c.len() + 1;
        for k in 0..4 {
            if k < digits {
                let v = (n >> (18 - 6 * k)) & 63;
                buf.push_unit(cx, table[v as usize] as u16)?;
            } else if !omit {
                buf.push_unit(cx, b'=' as u16)?;
            }
        }
    }
    Ok(Value::String(buf.finish(cx)?))
}

/// Uint8Array.prototype.toHex().
fn to_hex(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let o = validate_uint8(cx, this)?;
    let bytes = uint8_bytes(cx, &o)?;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut buf = StrBuf::new();
    for b in bytes {
        cx.poll_interrupt(1)?;
        buf.push_unit(cx, HEX[(b >> 4) as usize] as u16)?;
        buf.push_unit(cx, HEX[(b & 15) as usize] as u16)?;
    }
    Ok(Value::String(buf.finish(cx)?))
}
