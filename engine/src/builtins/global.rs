//! The function properties of the global object: parseInt, parseFloat, isNaN, isFinite,
//! the URI coding functions (encodeURI, encodeURIComponent, decodeURI, decodeURIComponent)
//! and Annex B escape/unescape. Spec: #sec-function-properties-of-the-global-object
//!
//! `parseInt` and `parseFloat` are also the intrinsics `%parseInt%` / `%parseFloat%`
//! (`Intrinsic::ParseInt/ParseFloat`), which `Number.parseInt/parseFloat` must reuse (the
//! spec requires the same function objects): this family is initialised before Number.
//!
//! Invariants: every loop over the input is linear and builds its result through a charged
//! [`StringBuilder`] that polls the interrupt; number parsing is bounded (digits beyond
//! what can change the result are not converted).

use super::{arg, install, Builtin};
use crate::method;
use crate::object::ops::get;
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::strings::builder::{build_string, StringBuilder};
use crate::strings::number::parse_radix_integer;
use crate::strings::{is_js_whitespace, Units};
use crate::value::conv::{to_int32, to_number, to_string};
use crate::value::Value;

static GLOBAL_FUNCTIONS: &[Builtin] = &[
    method!("parseInt", 2, parse_int),
    method!("parseFloat", 1, parse_float),
    method!("isNaN", 1, is_nan),
    method!("isFinite", 1, is_finite),
    method!("decodeURI", 1, decode_uri, 0),
    method!("decodeURIComponent", 1, decode_uri, 1),
    method!("encodeURI", 1, encode_uri, 0),
    method!("encodeURIComponent", 1, encode_uri, 1),
    method!("escape", 1, escape),
    method!("unescape", 1, unescape),
];

pub fn init(cx: &mut Cx) -> JsResult<()> {
    let g = cx.global();
    install(cx, &g, GLOBAL_FUNCTIONS)?;
    let pi = cx.intern("parseInt");
    let v = get(cx, &g, pi)?;
    cx.realm.set_intrinsic(Intrinsic::ParseInt, v);
    let pf = cx.intern("parseFloat");
    let v = get(cx, &g, pf)?;
    cx.realm.set_intrinsic(Intrinsic::ParseFloat, v);
    Ok(())
}

/// Index of the first code unit after leading white space and line terminators.
fn skip_whitespace(u: &Units<'_>) -> usize {
    u.iter()
        .position(|c| !is_js_whitespace(c))
        .unwrap_or(u.len())
}

/// parseInt(string, radix). Spec: #sec-parseint-string-radix
fn parse_int(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 1. inputString = ToString(string). 3. R = ToInt32(radix) (in this order).
    let s = to_string(cx, &arg(args, 0))?;
    let r = to_int32(cx, &arg(args, 1))?;
    let view = s.view();
    let units = view.units();
    // 2. S = TrimString(inputString, start).
    let mut i = skip_whitespace(&units);
    // 4-6. Sign.
    let mut neg = false;
    if let Some(c) = units.get(i) {
        if c == u16::from(b'-') || c == u16::from(b'+') {
            neg = c == u16::from(b'-');
            i += 1;
        }
    }
    // 7-9. Radix; 0 means 10 (or 16 with a 0x prefix).
    let mut strip_prefix = true;
    let mut radix = r;
    if radix != 0 {
        if !(2..=36).contains(&radix) {
            return Ok(Value::number(f64::NAN));
        }
        if radix != 16 {
            strip_prefix = false;
        }
    } else {
        radix = 10;
    }
    // 10. Strip a 0x / 0X prefix.
    if strip_prefix
        && units.get(i) == Some(u16::from(b'0'))
        && matches!(units.get(i + 1), Some(c) if c == u16::from(b'x') || c == u16::from(b'X'))
    {
        i += 2;
        radix = 16;
    }
    // 11-12. The longest prefix of radix-R digits.
    let radix = radix as u32;
    let start = i;
    while let Some(c) = units.get(i) {
        if c > 0x7F || !(c as u8 as char).is_digit(radix) {
            break;
        }
        i += 1;
    }
    // 13. No digits: NaN.
    if i == start {
        return Ok(Value::number(f64::NAN));
    }
    let digits: String = (start..i)
        .map(|j| units.get(j).unwrap_or(0) as u8 as char)
        .collect();
    // 14-16. The mathematical value, rounded once. Leading zeros do not count; more than
    // 1100 significant digits exceed 2^1024 in every radix.
    let sig = digits.trim_start_matches('0');
    let n = if sig.is_empty() {
        0.0
    } else if sig.len() > 1100 {
        f64::INFINITY
    } else if radix == 10 {
        sig.parse::<f64>().unwrap_or(f64::NAN)
    } else {
        parse_radix_integer(sig, radix).unwrap_or(f64::NAN)
    };
    // 17. -0 for "-0".
    Ok(Value::number(if neg { -n } else { n }))
}

/// parseFloat(string). Spec: #sec-parsefloat-string
fn parse_float(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let s = to_string(cx, &arg(args, 0))?;
    let view = s.view();
    let units = view.units();
    let start = skip_whitespace(&units);
    let at = |i: usize| units.get(start + i);
    let is = |i: usize, c: u8| at(i) == Some(u16::from(c));
    let digit = |i: usize| at(i).is_some_and(|c| (u16::from(b'0')..=u16::from(b'9')).contains(&c));
    // The longest prefix that is a StrDecimalLiteral.
    let mut i = 0;
    let neg = is(0, b'-');
    if is(0, b'-') || is(0, b'+') {
        i = 1;
    }
    if b"Infinity".iter().enumerate().all(|(j, &c)| is(i + j, c)) {
        return Ok(Value::number(if neg {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        }));
    }
    let mut mant_digits = 0;
    while digit(i) {
        i += 1;
        mant_digits += 1;
    }
    if is(i, b'.') {
        let dot = i;
        i += 1;
        let mut frac = 0;
        while digit(i) {
            i += 1;
            frac += 1;
        }
        mant_digits += frac;
        if mant_digits == 0 {
            i = dot;
        }
    }
    if mant_digits == 0 {
        return Ok(Value::number(f64::NAN));
    }
    let mut end = i;
    if is(i, b'e') || is(i, b'E') {
        let mut j = i + 1;
        if is(j, b'+') || is(j, b'-') {
            j += 1;
        }
        let exp_start = j;
        while digit(j) {
            j += 1;
        }
        if j > exp_start {
            end = j;
        }
    }
    let text: String = (0..end).map(|j| at(j).unwrap_or(0) as u8 as char).collect();
    // Rust's parser is correctly rounded for any number of digits.
    let n = text.parse::<f64>().unwrap_or(f64::NAN);
    Ok(Value::number(n))
}

/// isNaN(number). Spec: #sec-isnan-number
fn is_nan(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let n = to_number(cx, &arg(args, 0))?;
    Ok(Value::Bool(n.is_nan()))
}

/// isFinite(number). Spec: #sec-isfinite-number
fn is_finite(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let n = to_number(cx, &arg(args, 0))?;
    Ok(Value::Bool(n.is_finite()))
}

// ----------------------------------------------------------------------- URI coding

/// uriReserved ";/?:@&=+$," plus "#".
const URI_RESERVED_HASH: &[u8] = b";/?:@&=+$,#";
/// uriUnreserved marks: "-_.!~*'()".
const URI_MARK: &[u8] = b"-_.!~*'()";

fn is_unreserved(c: u16) -> bool {
    c < 0x80 && {
        let b = c as u8;
        b.is_ascii_alphanumeric() || URI_MARK.contains(&b)
    }
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn push_escaped_byte(cx: &mut Cx, b: &mut StringBuilder, byte: u8) -> JsResult<()> {
    b.push(cx, u16::from(b'%'))?;
    b.push(cx, u16::from(HEX[(byte >> 4) as usize]))?;
    b.push(cx, u16::from(HEX[(byte & 15) as usize]))
}

/// encodeURI (magic 0) / encodeURIComponent (magic 1) via Encode. Spec: #sec-encode
fn encode_uri(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let s = to_string(cx, &arg(args, 0))?;
    let view = s.view();
    let units = view.units();
    // encodeURI keeps the reserved characters and '#'; encodeURIComponent escapes them.
    let extra: &[u8] = if magic == 0 { URI_RESERVED_HASH } else { b"" };
    let r = build_string(cx, |cx, b| {
        let mut k = 0;
        while let Some(c) = units.get(k) {
            if is_unreserved(c) || (c < 0x80 && extra.contains(&(c as u8))) {
                b.push(cx, c)?;
                k += 1;
                continue;
            }
            // CodePointAt: a lone surrogate is a URIError.
            let (cp, n) = match c {
                0xD800..=0xDBFF => match units.get(k + 1) {
                    Some(d) if (0xDC00..=0xDFFF).contains(&d) => (
                        0x10000 + ((u32::from(c) - 0xD800) << 10) + (u32::from(d) - 0xDC00),
                        2,
                    ),
                    _ => return Err(cx.throw_uri_error("URI malformed")),
                },
                0xDC00..=0xDFFF => return Err(cx.throw_uri_error("URI malformed")),
                _ => (u32::from(c), 1),
            };
            let ch = char::from_u32(cp).unwrap_or('\u{FFFD}');
            let mut buf = [0u8; 4];
            for &byte in ch.encode_utf8(&mut buf).as_bytes() {
                push_escaped_byte(cx, b, byte)?;
            }
            k += n;
        }
        Ok(())
    })?;
    Ok(Value::String(r))
}

fn hex_val(u: u16) -> Option<u8> {
    if u > 0x7F {
        return None;
    }
    (u as u8 as char).to_digit(16).map(|d| d as u8)
}

/// The byte of "%XY" at `units[k..]`, if well formed.
fn percent_byte(units: &Units<'_>, k: usize) -> Option<u8> {
    if units.get(k) != Some(u16::from(b'%')) {
        return None;
    }
    let h = hex_val(units.get(k + 1)?)?;
    let l = hex_val(units.get(k + 2)?)?;
    Some(h << 4 | l)
}

/// decodeURI (magic 0) / decodeURIComponent (magic 1) via Decode. Spec: #sec-decode
fn decode_uri(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let s = to_string(cx, &arg(args, 0))?;
    let view = s.view();
    let units = view.units();
    // decodeURI keeps escapes of the reserved characters and '#'.
    let preserve: &[u8] = if magic == 0 { URI_RESERVED_HASH } else { b"" };
    let r = build_string(cx, |cx, b| {
        let mut k = 0;
        while let Some(c) = units.get(k) {
            if c != u16::from(b'%') {
                b.push(cx, c)?;
                k += 1;
                continue;
            }
            let start = k;
            let Some(byte) = percent_byte(&units, k) else {
                return Err(cx.throw_uri_error("URI malformed"));
            };
            k += 3;
            if byte < 0x80 {
                if preserve.contains(&byte) {
                    for j in start..k {
                        b.push(cx, units.get(j).unwrap_or(0))?;
                    }
                } else {
                    b.push(cx, u16::from(byte))?;
                }
                continue;
            }
            // A UTF-8 sequence: the leading byte gives its length.
            let n = match byte {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF7 => 4,
                _ => return Err(cx.throw_uri_error("URI malformed")),
            };
            let mut bytes = [byte, 0, 0, 0];
            for slot in bytes.iter_mut().take(n).skip(1) {
                match percent_byte(&units, k) {
                    Some(cont) if cont & 0xC0 == 0x80 => *slot = cont,
                    _ => return Err(cx.throw_uri_error("URI malformed")),
                }
                k += 3;
            }
            // Rust's UTF-8 validation rejects overlongs, surrogates and > U+10FFFF, as the
            // spec's "not the UTF-8 encoding of a code point" does.
            let Ok(text) = std::str::from_utf8(&bytes[..n]) else {
                return Err(cx.throw_uri_error("URI malformed"));
            };
            let mut buf = [0u16; 2];
            for ch in text.chars() {
                b.push_units(cx, ch.encode_utf16(&mut buf))?;
            }
        }
        Ok(())
    })?;
    Ok(Value::String(r))
}

/// escape(string). Spec: #sec-escape-string
fn escape(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let s = to_string(cx, &arg(args, 0))?;
    let view = s.view();
    let units = view.units();
    const UNESCAPED: &[u8] = b"@*_+-./";
    let r = build_string(cx, |cx, b| {
        for c in units.iter() {
            if c < 0x80 && ((c as u8).is_ascii_alphanumeric() || UNESCAPED.contains(&(c as u8))) {
                b.push(cx, c)?;
            } else if c < 0x100 {
                push_escaped_byte(cx, b, c as u8)?;
            } else {
                b.push_str(cx, "%u")?;
                for shift in [12, 8, 4, 0] {
                    b.push(cx, u16::from(HEX[((c >> shift) & 15) as usize]))?;
                }
            }
        }
        Ok(())
    })?;
    Ok(Value::String(r))
}

/// unescape(string). Spec: #sec-unescape-string
fn unescape(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let s = to_string(cx, &arg(args, 0))?;
    let view = s.view();
    let units = view.units();
    let r = build_string(cx, |cx, b| {
        let mut k = 0;
        while let Some(c) = units.get(k) {
            if c == u16::from(b'%') {
                if units.get(k + 1) == Some(u16::from(b'u')) {
                    let hex: Option<u16> = (2..6).try_fold(0u16, |acc, j| {
                        units
                            .get(k + j)
                            .and_then(hex_val)
                            .map(|d| acc << 4 | u16::from(d))
                    });
                    if let Some(v) = hex {
                        b.push(cx, v)?;
                        k += 6;
                        continue;
                    }
                } else if let Some(v) = percent_byte(&units, k) {
                    b.push(cx, u16::from(v))?;
                    k += 3;
                    continue;
                }
            }
            b.push(cx, c)?;
            k += 1;
        }
        Ok(())
    })?;
    Ok(Value::String(r))
}
