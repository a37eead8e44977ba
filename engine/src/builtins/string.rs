//! The String constructor (fromCharCode, fromCodePoint, raw), String.prototype (every
//! method; those taking a regexp dispatch through @@match / @@matchAll / @@replace /
//! @@search / @@split and implement the string-pattern case here), the Annex B HTML
//! methods and `substr`, and %StringIteratorPrototype%. Spec: #sec-string-objects
//!
//! Strings are sequences of UTF-16 code units; every method works on code units
//! (`JsString::to_utf16`), except the iterator, `codePointAt`, `isWellFormed` and
//! `toWellFormed`, which decode surrogate pairs.
//!
//! The symbol-method dispatch (`regexp[@@split]` ...) happens only for objects: primitives
//! are never probed (ecma262 PR #3009, "don't call well-known Symbol methods for RegExp on
//! primitive values", which test262 tests; the spec text here still says "neither
//! undefined nor null").
//!
//! Invariants:
//! - Results are built in a [`StrBuf`], which enforces the string length limit (RangeError
//!   "invalid string length") and checks the memory limit before each growth.
//! - Loops whose length a script controls (repeat, pad, split, replaceAll, raw) poll the
//!   interrupt.

use super::array::create_array_from_units;
use super::iterator::create_iter_result_object;
use super::symbol::symbol_descriptive_string;
use super::{arg, install_class, Builtin, ClassDef, Val};
use crate::atoms::Atom;
use crate::object::ops::{
    create_array_from_list, get, get_method, get_prototype_from_constructor, index_key,
    length_of_array_like,
};
use crate::object::{attrs, call, construct, is_callable, Obj, ObjectData};
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::strings::{is_js_whitespace, JsString, MAX_LENGTH};
use crate::value::conv::{
    to_integer_or_infinity, to_length, to_number, to_object, to_string, to_uint32,
};
use crate::value::Value;
use crate::{alias, method, value};

// ----- the string builder -----

/// A growable UTF-16 buffer for building result strings: enforces [`MAX_LENGTH`] and
/// checks each growth against the runtime's memory limit.
#[derive(Default)]
pub struct StrBuf {
    units: Vec<u16>,
}

impl StrBuf {
    pub fn new() -> StrBuf {
        StrBuf { units: Vec::new() }
    }
    pub fn len(&self) -> usize {
        self.units.len()
    }
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }
    /// Makes room for `additional` units (RangeError past the string length limit,
    /// InternalError when over the memory limit).
    pub fn reserve(&mut self, cx: &mut Cx, additional: usize) -> JsResult<()> {
        let need = self.units.len().saturating_add(additional);
        if need > MAX_LENGTH {
            return Err(cx.throw_range_error("invalid string length"));
        }
        if need <= self.units.capacity() {
            return Ok(());
        }
        let new_cap = need.max(self.units.capacity() * 2).min(MAX_LENGTH);
        // The buffer is temporary: check that it fits (charge and refund at once); the
        // final string is charged when it is created.
        let bytes = new_cap * 2;
        cx.oom(cx.heap.charge(bytes))?;
        cx.heap.refund(bytes);
        if self
            .units
            .try_reserve_exact(new_cap - self.units.len())
            .is_err()
        {
            return Err(cx.throw_out_of_memory());
        }
        Ok(())
    }
    pub fn push_units(&mut self, cx: &mut Cx, u: &[u16]) -> JsResult<()> {
        self.reserve(cx, u.len())?;
        self.units.extend_from_slice(u);
        Ok(())
    }
    pub fn push_unit(&mut self, cx: &mut Cx, u: u16) -> JsResult<()> {
        self.reserve(cx, 1)?;
        self.units.push(u);
        Ok(())
    }
    pub fn push_str(&mut self, cx: &mut Cx, s: &JsString) -> JsResult<()> {
        self.reserve(cx, s.len())?;
        let v = s.view();
        self.units.extend(v.units().iter());
        Ok(())
    }
    pub fn push_ascii(&mut self, cx: &mut Cx, s: &str) -> JsResult<()> {
        self.reserve(cx, s.len())?;
        self.units.extend(s.encode_utf16());
        Ok(())
    }
    pub fn units(&self) -> &[u16] {
        &self.units
    }
    pub fn finish(self, cx: &mut Cx) -> JsResult<JsString> {
        cx.new_string_utf16(&self.units)
    }
}

// ----- tables -----

static STATICS: &[Builtin] = &[
    method!("fromCharCode", 1, from_char_code),
    method!("fromCodePoint", 1, from_code_point),
    method!("raw", 1, raw),
];

/// HTML methods of Annex B: (tag, attribute) by `magic`. Spec: #sec-createhtml
const HTML: &[(&str, &str)] = &[
    ("a", "name"),
    ("big", ""),
    ("blink", ""),
    ("b", ""),
    ("tt", ""),
    ("font", "color"),
    ("font", "size"),
    ("i", ""),
    ("a", "href"),
    ("small", ""),
    ("strike", ""),
    ("sub", ""),
    ("sup", ""),
];

/// `magic` of [`search_dispatch`]: which symbol method a regexp-taking method calls.
const MATCH: u16 = 0;
const SEARCH: u16 = 1;

/// `magic` of [`trim`].
const TRIM_BOTH: u16 = 0;
const TRIM_START: u16 = 1;
const TRIM_END: u16 = 2;

static PROTOTYPE: &[Builtin] = &[
    method!("at", 1, at),
    method!("charAt", 1, char_at),
    method!("charCodeAt", 1, char_code_at),
    method!("codePointAt", 1, code_point_at),
    method!("concat", 1, concat),
    method!("endsWith", 1, ends_with),
    method!("includes", 1, includes),
    method!("indexOf", 1, index_of),
    method!("isWellFormed", 0, is_well_formed),
    method!("lastIndexOf", 1, last_index_of),
    method!("localeCompare", 1, locale_compare),
    method!("match", 1, search_dispatch, MATCH),
    method!("matchAll", 1, match_all),
    method!("normalize", 0, normalize),
    method!("padEnd", 1, pad, 1),
    method!("padStart", 1, pad, 0),
    method!("repeat", 1, repeat),
    method!("replace", 2, replace),
    method!("replaceAll", 2, replace_all),
    method!("search", 1, search_dispatch, SEARCH),
    method!("slice", 2, slice),
    method!("split", 2, split),
    method!("startsWith", 1, starts_with),
    method!("substr", 2, substr),
    method!("substring", 2, substring),
    method!("toLocaleLowerCase", 0, change_case, 0),
    method!("toLocaleUpperCase", 0, change_case, 1),
    method!("toLowerCase", 0, change_case, 0),
    method!("toString", 0, value_of),
    method!("toUpperCase", 0, change_case, 1),
    method!("toWellFormed", 0, to_well_formed),
    method!("trim", 0, trim, TRIM_BOTH),
    method!("trimEnd", 0, trim, TRIM_END),
    method!("trimStart", 0, trim, TRIM_START),
    method!("valueOf", 0, value_of),
    method!(@symbol SYM_ITERATOR, 0, iterator),
    // Annex B.
    alias!("trimLeft", "trimStart"),
    alias!("trimRight", "trimEnd"),
    method!("anchor", 1, create_html, 0),
    method!("big", 0, create_html, 1),
    method!("blink", 0, create_html, 2),
    method!("bold", 0, create_html, 3),
    method!("fixed", 0, create_html, 4),
    method!("fontcolor", 1, create_html, 5),
    method!("fontsize", 1, create_html, 6),
    method!("italics", 0, create_html, 7),
    method!("link", 1, create_html, 8),
    method!("small", 0, create_html, 9),
    method!("strike", 0, create_html, 10),
    method!("sub", 0, create_html, 11),
    method!("sup", 0, create_html, 12),
];

static ITERATOR_PROTOTYPE: &[Builtin] = &[
    method!("next", 0, iterator_next),
    value!(@symbol SYM_TO_STRING_TAG, Val::Str("String Iterator"), attrs::CONFIGURABLE),
];

static CLASS: ClassDef = ClassDef {
    name: "String",
    ctor: Some((string_constructor, 1, 0)),
    ctor_intrinsic: Some(Intrinsic::String),
    proto_intrinsic: Some(Intrinsic::StringPrototype),
    statics: STATICS,
    proto: PROTOTYPE,
    ..ClassDef::DEFAULT
};

static ITERATOR_CLASS: ClassDef = ClassDef {
    name: "",
    proto_intrinsic: Some(Intrinsic::StringIteratorPrototype),
    proto_parent: Some(Intrinsic::IteratorPrototype),
    proto: ITERATOR_PROTOTYPE,
    global: false,
    ..ClassDef::DEFAULT
};

/// Installs String, String.prototype (a String exotic object with value "") and
/// %StringIteratorPrototype%.
pub fn init(cx: &mut Cx) -> JsResult<()> {
    if cx.intrinsic_obj(Intrinsic::StringPrototype).is_none() {
        let empty = cx.new_string("")?;
        let op = cx.intrinsic_obj(Intrinsic::ObjectPrototype);
        let p = Obj::new(cx, op, ObjectData::String(empty))?;
        cx.realm
            .set_intrinsic(Intrinsic::StringPrototype, Value::Object(p));
    }
    install_class(cx, &CLASS)?;
    install_class(cx, &ITERATOR_CLASS)?;
    Ok(())
}

// ----- helpers -----

/// RequireObjectCoercible(this) then ToString: steps 1-2 of most methods.
fn this_string(cx: &mut Cx, this: &Value, what: &str) -> JsResult<JsString> {
    if this.is_nullish() {
        return Err(cx.throw_type_error(&format!(
            "String.prototype.{what} called on null or undefined"
        )));
    }
    to_string(cx, this)
}

fn this_units(cx: &mut Cx, this: &Value, what: &str) -> JsResult<Vec<u16>> {
    Ok(this_string(cx, this, what)?.to_utf16())
}

fn str_value(cx: &mut Cx, u: &[u16]) -> JsResult<Value> {
    Ok(Value::String(cx.new_string_utf16(u)?))
}

fn substring_value(cx: &mut Cx, s: &JsString, from: usize, to: usize) -> JsResult<Value> {
    let r = s.substring(&cx.heap, from, to);
    Ok(Value::String(cx.oom(r)?))
}

/// Clamps an integer (possibly infinite) into 0..=len.
fn clamp_pos(n: f64, len: usize) -> usize {
    if n <= 0.0 {
        0
    } else if n >= len as f64 {
        len
    } else {
        n as usize
    }
}

/// StringIndexOf(string, searchValue, fromIndex). Spec: #sec-stringindexof
pub fn string_index_of(s: &[u16], search: &[u16], from: usize) -> Option<usize> {
    let len = s.len();
    if search.is_empty() {
        return (from <= len).then_some(from);
    }
    if search.len() > len {
        return None;
    }
    let first = search[0];
    let mut i = from;
    while i + search.len() <= len {
        if s[i] == first && s[i..i + search.len()] == *search {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// IsRegExp(argument). Spec: #sec-isregexp
pub fn is_regexp(cx: &mut Cx, v: &Value) -> JsResult<bool> {
    let Value::Object(o) = v else {
        return Ok(false);
    };
    // 2-3. @@match decides when present.
    let m = get(cx, o, Atom::SYM_MATCH)?;
    if !m.is_undefined() {
        return Ok(m.to_boolean());
    }
    // 4. Has a [[RegExpMatcher]] internal slot.
    Ok(matches!(&o.borrow().class, ObjectData::RegExp(_)))
}

/// CodePointAt(string, position): (code point, code unit count, is unpaired surrogate).
/// Spec: #sec-codepointat
pub fn code_point_at_units(s: &[u16], pos: usize) -> (u32, usize, bool) {
    let Some(&first) = s.get(pos) else {
        return (0, 0, false);
    };
    let f = first as u32;
    if !(0xD800..=0xDFFF).contains(&f) {
        return (f, 1, false);
    }
    if f >= 0xDC00 {
        return (f, 1, true);
    }
    match s.get(pos + 1) {
        Some(&second) if (0xDC00..=0xDFFF).contains(&(second as u32)) => {
            let cp = (f - 0xD800) * 0x400 + (second as u32 - 0xDC00) + 0x10000;
            (cp, 2, false)
        }
        _ => (f, 1, true),
    }
}

/// Pushes the UTF-16 encoding of a code point.
fn push_code_point(out: &mut Vec<u16>, cp: u32) {
    if cp < 0x10000 {
        out.push(cp as u16);
    } else {
        let c = cp - 0x10000;
        out.push(0xD800 + (c >> 10) as u16);
        out.push(0xDC00 + (c & 0x3FF) as u16);
    }
}

// ----- constructor and statics -----

/// String(value). Spec: #sec-string-constructor-string-value
fn string_constructor(
    cx: &mut Cx,
    _: &Value,
    args: &[Value],
    nt: &Value,
    _: u16,
) -> JsResult<Value> {
    // 1-2. s = "" or ToString(value); a Symbol called as a function describes itself.
    let s = match args.first() {
        None => cx.new_string("")?,
        Some(Value::Symbol(a)) if nt.is_undefined() => {
            return Ok(Value::String(symbol_descriptive_string(cx, *a)?));
        }
        Some(v) => to_string(cx, v)?,
    };
    // 3. Called as a function.
    if nt.is_undefined() {
        return Ok(Value::String(s));
    }
    // 4. StringCreate(s, GetPrototypeFromConstructor(NewTarget, %String.prototype%)).
    let proto = get_prototype_from_constructor(cx, nt, Intrinsic::StringPrototype)?;
    let o = Obj::new(cx, proto, ObjectData::String(s))?;
    Ok(Value::Object(o))
}

/// String.fromCharCode(...codeUnits). Spec: #sec-string.fromcharcode
fn from_char_code(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let mut out = StrBuf::new();
    out.reserve(cx, args.len())?;
    for v in args {
        let u = crate::value::conv::to_uint16(cx, v)?;
        out.push_unit(cx, u)?;
    }
    Ok(Value::String(out.finish(cx)?))
}

/// String.fromCodePoint(...codePoints). Spec: #sec-string.fromcodepoint
fn from_code_point(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let mut out = StrBuf::new();
    for v in args {
        // 2.b. nextCP = ToNumber(next).
        let n = to_number(cx, v)?;
        // 2.c-d. Must be an integer in 0..=0x10FFFF.
        if n.trunc() != n || !(0.0..=1114111.0).contains(&n) {
            let s = crate::strings::number::number_to_string(n);
            return Err(cx.throw_range_error(&format!("invalid code point {s}")));
        }
        let mut u = Vec::with_capacity(2);
        push_code_point(&mut u, n as u32);
        out.push_units(cx, &u)?;
    }
    Ok(Value::String(out.finish(cx)?))
}

/// String.raw(template, ...substitutions). Spec: #sec-string.raw
fn raw(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let subs = args.get(1..).unwrap_or(&[]);
    // 3-5. cooked, literals, literalCount.
    let cooked = to_object(cx, &arg(args, 0))?;
    let r = get(cx, &cooked, Atom::Raw)?;
    let literals = to_object(cx, &r)?;
    let count = length_of_array_like(cx, &literals)?;
    // 6.
    let mut out = StrBuf::new();
    if count == 0 {
        return Ok(Value::String(out.finish(cx)?));
    }
    // 8.
    let mut i: u64 = 0;
    loop {
        cx.poll_interrupt(1)?;
        let k = index_key(cx, i);
        let lit = get(cx, &literals, k)?;
        let lit = to_string(cx, &lit)?;
        out.push_str(cx, &lit)?;
        if i + 1 == count {
            return Ok(Value::String(out.finish(cx)?));
        }
        if let Some(sub) = subs.get(i as usize) {
            let s = to_string(cx, sub)?;
            out.push_str(cx, &s)?;
        }
        i += 1;
    }
}

// ----- String.prototype -----

/// ThisStringValue. Spec: #sec-thisstringvalue
fn this_string_value(cx: &mut Cx, v: &Value) -> JsResult<JsString> {
    match v {
        Value::String(s) => return Ok(s.clone()),
        Value::Object(o) => {
            if let ObjectData::String(s) = &o.borrow().class {
                return Ok(s.clone());
            }
        }
        _ => {}
    }
    Err(cx.throw_type_error("not a String"))
}

/// String.prototype.toString / valueOf. Spec: #sec-string.prototype.valueof
fn value_of(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    Ok(Value::String(this_string_value(cx, this)?))
}

/// String.prototype.at(index). Spec: #sec-string.prototype.at
fn at(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let s = this_string(cx, this, "at")?;
    let len = s.len() as f64;
    let rel = to_integer_or_infinity(cx, &arg(args, 0))?;
    let k = if rel >= 0.0 { rel } else { len + rel };
    if k < 0.0 || k >= len {
        return Ok(Value::Undefined);
    }
    substring_value(cx, &s, k as usize, k as usize + 1)
}

/// String.prototype.charAt(pos). Spec: #sec-string.prototype.charat
fn char_at(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let s = this_string(cx, this, "charAt")?;
    let p = to_integer_or_infinity(cx, &arg(args, 0))?;
    if p < 0.0 || p >= s.len() as f64 {
        return str_value(cx, &[]);
    }
    substring_value(cx, &s, p as usize, p as usize + 1)
}

/// String.prototype.charCodeAt(pos). Spec: #sec-string.prototype.charcodeat
fn char_code_at(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let s = this_string(cx, this, "charCodeAt")?;
    let p = to_integer_or_infinity(cx, &arg(args, 0))?;
    if p < 0.0 || p >= s.len() as f64 {
        return Ok(Value::Float(f64::NAN));
    }
    Ok(s.code_unit(p as usize)
        .map_or(Value::Float(f64::NAN), |u| Value::Int(u as i32)))
}

/// String.prototype.codePointAt(pos). Spec: #sec-string.prototype.codepointat
fn code_point_at(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let s = this_units(cx, this, "codePointAt")?;
    let p = to_integer_or_infinity(cx, &arg(args, 0))?;
    if p < 0.0 || p >= s.len() as f64 {
        return Ok(Value::Undefined);
    }
    let (cp, _, _) = code_point_at_units(&s, p as usize);
    Ok(Value::Int(cp as i32))
}

/// String.prototype.concat(...args). Spec: #sec-string.prototype.concat
fn concat(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let mut r = this_string(cx, this, "concat")?;
    for v in args {
        let s = to_string(cx, v)?;
        r = cx.concat_strings(&r, &s)?;
    }
    Ok(Value::String(r))
}

/// The search string of startsWith / endsWith / includes: a RegExp is a TypeError.
fn search_string_arg(cx: &mut Cx, v: &Value, what: &str) -> JsResult<Vec<u16>> {
    if is_regexp(cx, v)? {
        return Err(cx.throw_type_error(&format!(
            "First argument to String.prototype.{what} must not be a regular expression"
        )));
    }
    Ok(to_string(cx, v)?.to_utf16())
}

/// String.prototype.endsWith(searchString [, endPosition]).
/// Spec: #sec-string.prototype.endswith
fn ends_with(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let s = this_units(cx, this, "endsWith")?;
    let search = search_string_arg(cx, &arg(args, 0), "endsWith")?;
    let len = s.len();
    let e = arg(args, 1);
    let end = if e.is_undefined() {
        len
    } else {
        let p = to_integer_or_infinity(cx, &e)?;
        clamp_pos(p, len)
    };
    if search.is_empty() {
        return Ok(Value::Bool(true));
    }
    let Some(start) = end.checked_sub(search.len()) else {
        return Ok(Value::Bool(false));
    };
    Ok(Value::Bool(s.get(start..end) == Some(&search[..])))
}

/// String.prototype.startsWith(searchString [, position]).
/// Spec: #sec-string.prototype.startswith
fn starts_with(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let s = this_units(cx, this, "startsWith")?;
    let search = search_string_arg(cx, &arg(args, 0), "startsWith")?;
    let p = to_integer_or_infinity(cx, &arg(args, 1))?;
    let start = clamp_pos(p, s.len());
    if search.is_empty() {
        return Ok(Value::Bool(true));
    }
    let end = start + search.len();
    Ok(Value::Bool(s.get(start..end) == Some(&search[..])))
}

/// String.prototype.includes(searchString [, position]).
/// Spec: #sec-string.prototype.includes
fn includes(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let s = this_units(cx, this, "includes")?;
    let search = search_string_arg(cx, &arg(args, 0), "includes")?;
    let p = to_integer_or_infinity(cx, &arg(args, 1))?;
    let start = clamp_pos(p, s.len());
    Ok(Value::Bool(string_index_of(&s, &search, start).is_some()))
}

/// String.prototype.indexOf(searchString [, position]). Spec: #sec-string.prototype.indexof
fn index_of(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let s = this_units(cx, this, "indexOf")?;
    let search = to_string(cx, &arg(args, 0))?.to_utf16();
    let p = to_integer_or_infinity(cx, &arg(args, 1))?;
    let start = clamp_pos(p, s.len());
    Ok(string_index_of(&s, &search, start).map_or(Value::Int(-1), |i| Value::Int(i as i32)))
}

/// String.prototype.lastIndexOf(searchString [, position]).
/// Spec: #sec-string.prototype.lastindexof
fn last_index_of(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let s = this_units(cx, this, "lastIndexOf")?;
    let search = to_string(cx, &arg(args, 0))?.to_utf16();
    // 4-5. numPos = ToNumber(position); NaN → +∞.
    let num_pos = to_number(cx, &arg(args, 1))?;
    let pos = if num_pos.is_nan() {
        f64::INFINITY
    } else if num_pos == 0.0 {
        0.0
    } else {
        num_pos.trunc()
    };
    // 6-7. start.
    let start = clamp_pos(pos, s.len());
    let Some(last) = s.len().checked_sub(search.len()) else {
        return Ok(Value::Int(-1));
    };
    // 8-9. The largest n ≤ start where searchStr occurs.
    let mut n = start.min(last);
    loop {
        if s[n..n + search.len()] == search[..] {
            return Ok(Value::Int(n as i32));
        }
        if n == 0 {
            return Ok(Value::Int(-1));
        }
        n -= 1;
    }
}

/// String.prototype.isWellFormed(). Spec: #sec-string.prototype.iswellformed
fn is_well_formed(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let s = this_units(cx, this, "isWellFormed")?;
    let mut i = 0;
    while i < s.len() {
        let (_, n, lone) = code_point_at_units(&s, i);
        if lone {
            return Ok(Value::Bool(false));
        }
        i += n;
    }
    Ok(Value::Bool(true))
}

/// String.prototype.toWellFormed(). Spec: #sec-string.prototype.towellformed
fn to_well_formed(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let mut s = this_units(cx, this, "toWellFormed")?;
    let mut i = 0;
    while i < s.len() {
        let (_, n, lone) = code_point_at_units(&s, i);
        if lone {
            s[i] = 0xFFFD;
        }
        i += n.max(1);
    }
    str_value(cx, &s)
}

/// Canonically normalizes UTF-16 text (`form`: NFC/NFD/NFKC/NFKD); lone surrogates are
/// kept as they are and split the text into independently normalized runs.
fn normalize_units(s: &[u16], form: &str) -> Vec<u16> {
    use unicode_normalization::UnicodeNormalization;
    let mut out = Vec::with_capacity(s.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut Vec<u16>| {
        if run.is_empty() {
            return;
        }
        let it: Box<dyn Iterator<Item = char>> = match form {
            "NFD" => Box::new(run.chars().nfd()),
            "NFKC" => Box::new(run.chars().nfkc()),
            "NFKD" => Box::new(run.chars().nfkd()),
            _ => Box::new(run.chars().nfc()),
        };
        for c in it {
            let mut b = [0u16; 2];
            out.extend_from_slice(c.encode_utf16(&mut b));
        }
        run.clear();
    };
    let mut i = 0;
    while i < s.len() {
        let (cp, n, lone) = code_point_at_units(s, i);
        match char::from_u32(cp) {
            Some(c) if !lone => run.push(c),
            _ => {
                flush(&mut run, &mut out);
                out.push(cp as u16);
            }
        }
        i += n.max(1);
    }
    flush(&mut run, &mut out);
    out
}

/// String.prototype.normalize([form]). Spec: #sec-string.prototype.normalize
fn normalize(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let s = this_units(cx, this, "normalize")?;
    let f = arg(args, 0);
    let form = if f.is_undefined() {
        "NFC".to_string()
    } else {
        to_string(cx, &f)?.to_rust_string()
    };
    if !matches!(form.as_str(), "NFC" | "NFD" | "NFKC" | "NFKD") {
        return Err(
            cx.throw_range_error("The normalization form should be one of NFC, NFD, NFKC, NFKD")
        );
    }
    cx.poll_interrupt((s.len() / 64) as u32 + 1)?;
    let out = normalize_units(&s, &form);
    str_value(cx, &out)
}

/// String.prototype.localeCompare(that): without Intl, the order of the canonically
/// (NFC) normalized code units, so canonically equivalent strings compare equal.
/// Spec: #sec-string.prototype.localecompare
fn locale_compare(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let s = this_units(cx, this, "localeCompare")?;
    let that = to_string(cx, &arg(args, 0))?.to_utf16();
    cx.poll_interrupt(((s.len() + that.len()) / 64) as u32 + 1)?;
    let a = normalize_units(&s, "NFC");
    let b = normalize_units(&that, "NFC");
    Ok(Value::Int(match a.cmp(&b) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    }))
}

/// RegExpCreate(P, F) through the realm's %RegExp% constructor.
/// Spec: #sec-regexpcreate
fn regexp_create(cx: &mut Cx, pattern: &Value, flags: Option<&str>) -> JsResult<Value> {
    let ctor = cx.intrinsic(Intrinsic::RegExp);
    if !ctor.is_object() {
        return Err(cx.throw_type_error("not supported yet: RegExp"));
    }
    let p = if pattern.is_undefined() {
        Value::String(cx.new_string("")?)
    } else {
        Value::String(to_string(cx, pattern)?)
    };
    let f = match flags {
        Some(f) => Value::String(cx.new_string(f)?),
        None => Value::Undefined,
    };
    construct(cx, &ctor, &[p, f], &Value::Undefined)
}

/// String.prototype.match (magic MATCH) / search (magic SEARCH).
/// Spec: #sec-string.prototype.match, #sec-string.prototype.search
fn search_dispatch(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _: &Value,
    magic: u16,
) -> JsResult<Value> {
    let sym = if magic == MATCH {
        Atom::SYM_MATCH
    } else {
        Atom::SYM_SEARCH
    };
    // 1. RequireObjectCoercible(this).
    if this.is_nullish() {
        return Err(cx.throw_type_error("String.prototype.match called on null or undefined"));
    }
    // 2. Delegate to regexp[@@match] / [@@search].
    let regexp = arg(args, 0);
    if regexp.is_object() {
        if let Some(m) = get_method(cx, &regexp, sym)? {
            return call(cx, &m, &regexp, std::slice::from_ref(this));
        }
    }
    // 3-5. S = ToString(O); rx = RegExpCreate(regexp, undefined); Invoke(rx, sym, « S »).
    let s = Value::String(to_string(cx, this)?);
    let rx = regexp_create(cx, &regexp, None)?;
    crate::object::ops::invoke(cx, &rx, sym, &[s])
}

/// Throws unless a regexp argument has the `g` flag (matchAll / replaceAll).
fn require_global_flag(cx: &mut Cx, v: &Value, what: &str) -> JsResult<()> {
    let Value::Object(o) = v else {
        return Ok(());
    };
    let flags = get(cx, o, Atom::Flags)?;
    if flags.is_nullish() {
        return Err(cx.throw_type_error(&format!("{what}: flags is null or undefined")));
    }
    let f = to_string(cx, &flags)?;
    if !f.to_utf16().contains(&(b'g' as u16)) {
        return Err(cx.throw_type_error(&format!("{what} must be called with a global RegExp")));
    }
    Ok(())
}

/// String.prototype.matchAll(regexp). Spec: #sec-string.prototype.matchall
fn match_all(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    if this.is_nullish() {
        return Err(cx.throw_type_error("String.prototype.matchAll called on null or undefined"));
    }
    let regexp = arg(args, 0);
    if regexp.is_object() {
        // 2.a-b. A RegExp must be global.
        if is_regexp(cx, &regexp)? {
            require_global_flag(cx, &regexp, "String.prototype.matchAll")?;
        }
        // 2.c-d.
        if let Some(m) = get_method(cx, &regexp, Atom::SYM_MATCH_ALL)? {
            return call(cx, &m, &regexp, std::slice::from_ref(this));
        }
    }
    // 3-5.
    let s = Value::String(to_string(cx, this)?);
    let rx = regexp_create(cx, &regexp, Some("g"))?;
    crate::object::ops::invoke(cx, &rx, Atom::SYM_MATCH_ALL, &[s])
}

/// GetSubstitution(matched, str, position, captures, namedCaptures, replacementTemplate):
/// expands `$$ $& $` $' $n $nn $<name>` in a replacement template. Shared with the RegExp
/// family (`captures` are undefined or strings). Spec: #sec-getsubstitution
pub fn get_substitution(
    cx: &mut Cx,
    matched: &[u16],
    s: &[u16],
    position: usize,
    captures: &[Value],
    named_captures: &Value,
    template: &[u16],
    out: &mut StrBuf,
) -> JsResult<()> {
    const DOLLAR: u16 = b'$' as u16;
    let digit = |u: Option<&u16>| -> Option<usize> {
        u.filter(|&&c| (b'0' as u16..=b'9' as u16).contains(&c))
            .map(|&c| (c - b'0' as u16) as usize)
    };
    let string_length = s.len();
    let m = captures.len();
    let mut i = 0;
    while i < template.len() {
        cx.poll_interrupt(1)?;
        let c = template[i];
        if c != DOLLAR {
            // A run of ordinary characters.
            let end = template[i..]
                .iter()
                .position(|&u| u == DOLLAR)
                .map_or(template.len(), |p| i + p);
            out.push_units(cx, &template[i..end])?;
            i = end;
            continue;
        }
        let next = template.get(i + 1).copied();
        match next {
            Some(0x24) => {
                // "$$"
                out.push_unit(cx, DOLLAR)?;
                i += 2;
            }
            Some(0x26) => {
                // "$&"
                out.push_units(cx, matched)?;
                i += 2;
            }
            Some(0x60) => {
                // "$`"
                out.push_units(cx, s.get(..position.min(string_length)).unwrap_or(&[]))?;
                i += 2;
            }
            Some(0x27) => {
                // "$'"
                let tail = (position + matched.len()).min(string_length);
                out.push_units(cx, s.get(tail..).unwrap_or(&[]))?;
                i += 2;
            }
            Some(d) if (b'0' as u16..=b'9' as u16).contains(&d) => {
                // "$n" / "$nn".
                let d1 = (d - b'0' as u16) as usize;
                let (mut index, mut digits) = (d1, 1);
                if let Some(d2) = digit(template.get(i + 2)) {
                    index = d1 * 10 + d2;
                    digits = 2;
                }
                if index > m && digits == 2 {
                    index = d1;
                    digits = 1;
                }
                if (1..=m).contains(&index) {
                    if let Some(Value::String(cap)) = captures.get(index - 1) {
                        out.push_str(cx, cap)?;
                    }
                } else {
                    out.push_units(cx, &template[i..i + 1 + digits])?;
                }
                i += 1 + digits;
            }
            Some(0x3C) => {
                // "$<name>"
                let gt = template[i..].iter().position(|&u| u == b'>' as u16);
                match gt {
                    Some(gt) if !named_captures.is_undefined() => {
                        let name = &template[i + 2..i + gt];
                        let key = cx.atoms.intern_utf16(name);
                        let Value::Object(nc) = named_captures else {
                            return Err(cx.throw_type_error("named captures is not an object"));
                        };
                        let capture = get(cx, nc, key)?;
                        if !capture.is_undefined() {
                            let cs = to_string(cx, &capture)?;
                            out.push_str(cx, &cs)?;
                        }
                        i += gt + 1;
                    }
                    _ => {
                        out.push_units(cx, &template[i..i + 2])?;
                        i += 2;
                    }
                }
            }
            _ => {
                out.push_unit(cx, DOLLAR)?;
                i += 1;
            }
        }
    }
    Ok(())
}

/// The replacement for one match of replace / replaceAll with a string pattern.
fn replacement(
    cx: &mut Cx,
    functional: Option<&Value>,
    template: &[u16],
    search: &[u16],
    s: &[u16],
    s_value: &Value,
    position: usize,
    out: &mut StrBuf,
) -> JsResult<()> {
    match functional {
        Some(f) => {
            let sv = str_value(cx, search)?;
            let r = call(
                cx,
                f,
                &Value::Undefined,
                &[sv, Value::number(position as f64), s_value.clone()],
            )?;
            let r = to_string(cx, &r)?;
            out.push_str(cx, &r)
        }
        None => get_substitution(
            cx,
            search,
            s,
            position,
            &[],
            &Value::Undefined,
            template,
            out,
        ),
    }
}

/// String.prototype.replace(searchValue, replaceValue). Spec: #sec-string.prototype.replace
fn replace(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 1. RequireObjectCoercible(this).
    if this.is_nullish() {
        return Err(cx.throw_type_error("String.prototype.replace called on null or undefined"));
    }
    let search_value = arg(args, 0);
    let replace_value = arg(args, 1);
    // 2. Delegate to searchValue[@@replace].
    if search_value.is_object() {
        if let Some(r) = get_method(cx, &search_value, Atom::SYM_REPLACE)? {
            return call(cx, &r, &search_value, &[this.clone(), replace_value]);
        }
    }
    // 3-6.
    let string = to_string(cx, this)?;
    let s = string.to_utf16();
    let search = to_string(cx, &search_value)?.to_utf16();
    let functional = is_callable(&replace_value);
    let template = if functional {
        Vec::new()
    } else {
        to_string(cx, &replace_value)?.to_utf16()
    };
    // 7-9. The first occurrence.
    let Some(position) = string_index_of(&s, &search, 0) else {
        return Ok(Value::String(string));
    };
    // 10-14.
    let mut out = StrBuf::new();
    out.push_units(cx, &s[..position])?;
    let sv = Value::String(string.clone());
    replacement(
        cx,
        functional.then_some(&replace_value),
        &template,
        &search,
        &s,
        &sv,
        position,
        &mut out,
    )?;
    out.push_units(cx, &s[position + search.len()..])?;
    Ok(Value::String(out.finish(cx)?))
}

/// String.prototype.replaceAll(searchValue, replaceValue).
/// Spec: #sec-string.prototype.replaceall
fn replace_all(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    if this.is_nullish() {
        return Err(cx.throw_type_error("String.prototype.replaceAll called on null or undefined"));
    }
    let search_value = arg(args, 0);
    let replace_value = arg(args, 1);
    // 2. A global RegExp (checked), or any object with @@replace.
    if search_value.is_object() {
        if is_regexp(cx, &search_value)? {
            require_global_flag(cx, &search_value, "String.prototype.replaceAll")?;
        }
        if let Some(r) = get_method(cx, &search_value, Atom::SYM_REPLACE)? {
            return call(cx, &r, &search_value, &[this.clone(), replace_value]);
        }
    }
    // 3-7.
    let string = to_string(cx, this)?;
    let s = string.to_utf16();
    let search = to_string(cx, &search_value)?.to_utf16();
    let functional = is_callable(&replace_value);
    let template = if functional {
        Vec::new()
    } else {
        to_string(cx, &replace_value)?.to_utf16()
    };
    // 8-12. All match positions.
    let advance = search.len().max(1);
    let mut positions = Vec::new();
    let mut p = string_index_of(&s, &search, 0);
    while let Some(pos) = p {
        cx.poll_interrupt(1)?;
        if positions.len() == positions.capacity() {
            let bytes = (positions.len() + 1) * 2 * std::mem::size_of::<usize>();
            cx.oom(cx.heap.charge(bytes))?;
            cx.heap.refund(bytes);
        }
        positions.push(pos);
        p = string_index_of(&s, &search, pos + advance);
    }
    // 13-16.
    let sv = Value::String(string.clone());
    let mut end_of_last = 0;
    let mut out = StrBuf::new();
    for pos in positions {
        out.push_units(cx, &s[end_of_last..pos])?;
        replacement(
            cx,
            functional.then_some(&replace_value),
            &template,
            &search,
            &s,
            &sv,
            pos,
            &mut out,
        )?;
        end_of_last = pos + search.len();
    }
    if end_of_last < s.len() {
        out.push_units(cx, &s[end_of_last..])?;
    }
    Ok(Value::String(out.finish(cx)?))
}

/// String.prototype.padStart (magic 0) / padEnd (magic 1), i.e. StringPad.
/// Spec: #sec-stringpaddingbuiltinsimpl, #sec-stringpad
fn pad(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let s = this_string(cx, this, "padStart")?;
    // 1-3. intMaxLength; nothing to do if not longer.
    let max_len = to_length(cx, &arg(args, 0))?;
    let len = s.len() as u64;
    if max_len <= len {
        return Ok(Value::String(s));
    }
    // 4-5. filler.
    let f = arg(args, 1);
    let filler = if f.is_undefined() {
        vec![b' ' as u16]
    } else {
        to_string(cx, &f)?.to_utf16()
    };
    if filler.is_empty() {
        return Ok(Value::String(s));
    }
    if max_len > MAX_LENGTH as u64 {
        return Err(cx.throw_range_error("invalid string length"));
    }
    // 6-9. The filler repeated and truncated to fillLen.
    let fill_len = (max_len - len) as usize;
    let mut out = StrBuf::new();
    out.reserve(cx, max_len as usize)?;
    if magic == 1 {
        out.push_str(cx, &s)?;
    }
    let mut remaining = fill_len;
    while remaining > 0 {
        cx.poll_interrupt(1)?;
        let n = remaining.min(filler.len());
        out.push_units(cx, &filler[..n])?;
        remaining -= n;
    }
    if magic == 0 {
        out.push_str(cx, &s)?;
    }
    Ok(Value::String(out.finish(cx)?))
}

/// String.prototype.repeat(count). Spec: #sec-string.prototype.repeat
fn repeat(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let s = this_string(cx, this, "repeat")?;
    // 3-5. n must be finite and ≥ 0.
    let n = to_integer_or_infinity(cx, &arg(args, 0))?;
    if n < 0.0 || n == f64::INFINITY {
        return Err(cx.throw_range_error("Invalid count value"));
    }
    // 6.
    if n == 0.0 || s.is_empty() {
        return str_value(cx, &[]);
    }
    if s.len() as f64 * n > MAX_LENGTH as f64 {
        return Err(cx.throw_range_error("invalid string length"));
    }
    // 7. Doubling: O(log n) copies of growing size.
    let n = n as usize;
    let unit = s.to_utf16();
    let total = unit.len() * n;
    let mut out = StrBuf::new();
    out.reserve(cx, total)?;
    out.push_units(cx, &unit)?;
    while out.len() < total {
        cx.poll_interrupt(1 + (out.len() / 4096) as u32)?;
        let take = out.len().min(total - out.len());
        let chunk: Vec<u16> = out.units()[..take].to_vec();
        out.push_units(cx, &chunk)?;
    }
    Ok(Value::String(out.finish(cx)?))
}

/// String.prototype.slice(start, end). Spec: #sec-string.prototype.slice
fn slice(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let s = this_string(cx, this, "slice")?;
    let len = s.len();
    let rel = |n: f64| -> usize {
        if n < 0.0 {
            clamp_pos(len as f64 + n, len)
        } else {
            clamp_pos(n, len)
        }
    };
    let start = to_integer_or_infinity(cx, &arg(args, 0))?;
    let from = rel(start);
    let e = arg(args, 1);
    let to = if e.is_undefined() {
        len
    } else {
        let end = to_integer_or_infinity(cx, &e)?;
        rel(end)
    };
    if from >= to {
        return str_value(cx, &[]);
    }
    substring_value(cx, &s, from, to)
}

/// String.prototype.substring(start, end). Spec: #sec-string.prototype.substring
fn substring(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let s = this_string(cx, this, "substring")?;
    let len = s.len();
    let start = to_integer_or_infinity(cx, &arg(args, 0))?;
    let e = arg(args, 1);
    let end = if e.is_undefined() {
        len as f64
    } else {
        to_integer_or_infinity(cx, &e)?
    };
    let a = clamp_pos(start, len);
    let b = clamp_pos(end, len);
    substring_value(cx, &s, a.min(b), a.max(b))
}

/// String.prototype.substr(start, length) (Annex B). Spec: #sec-string.prototype.substr
fn substr(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let s = this_string(cx, this, "substr")?;
    let size = s.len();
    // 3-6. intStart.
    let start = to_integer_or_infinity(cx, &arg(args, 0))?;
    let start = if start < 0.0 {
        clamp_pos(size as f64 + start, size)
    } else {
        clamp_pos(start, size)
    };
    // 7-8. intLength.
    let l = arg(args, 1);
    let length = if l.is_undefined() {
        size as f64
    } else {
        to_integer_or_infinity(cx, &l)?
    };
    let length = clamp_pos(length, size);
    // 9-11.
    let end = (start + length).min(size);
    if start >= end {
        return str_value(cx, &[]);
    }
    substring_value(cx, &s, start, end)
}

/// String.prototype.split(separator, limit). Spec: #sec-string.prototype.split
fn split(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 1. RequireObjectCoercible(this).
    if this.is_nullish() {
        return Err(cx.throw_type_error("String.prototype.split called on null or undefined"));
    }
    let separator = arg(args, 0);
    let limit = arg(args, 1);
    // 2. Delegate to separator[@@split].
    if separator.is_object() {
        if let Some(f) = get_method(cx, &separator, Atom::SYM_SPLIT)? {
            return call(cx, &f, &separator, &[this.clone(), limit]);
        }
    }
    // 3-5.
    let string = to_string(cx, this)?;
    let lim = if limit.is_undefined() {
        u32::MAX
    } else {
        to_uint32(cx, &limit)?
    };
    let r = to_string(cx, &separator)?.to_utf16();
    // 6-7.
    if lim == 0 {
        return Ok(Value::Object(create_array_from_list(cx, &[])?));
    }
    if separator.is_undefined() {
        return Ok(Value::Object(create_array_from_list(
            cx,
            &[Value::String(string)],
        )?));
    }
    let s = string.to_utf16();
    // 9. Empty separator: the code units of the head.
    if r.is_empty() {
        let out_len = s.len().min(lim as usize);
        return create_array_from_units(cx, &s[..out_len]);
    }
    // 10.
    if s.is_empty() {
        return Ok(Value::Object(create_array_from_list(
            cx,
            &[Value::String(string)],
        )?));
    }
    // 11-16.
    let mut parts: Vec<Value> = Vec::new();
    let mut i = 0;
    let mut j = string_index_of(&s, &r, 0);
    while let Some(pos) = j {
        cx.poll_interrupt(1)?;
        let t = substring_value(cx, &string, i, pos)?;
        if parts.len() == parts.capacity() {
            let bytes = (parts.len() + 1) * 2 * std::mem::size_of::<Value>();
            cx.oom(cx.heap.charge(bytes))?;
            cx.heap.refund(bytes);
        }
        parts.push(t);
        if parts.len() as u64 == lim as u64 {
            return Ok(Value::Object(create_array_from_list(cx, &parts)?));
        }
        i = pos + r.len();
        j = string_index_of(&s, &r, i);
    }
    let t = substring_value(cx, &string, i, s.len())?;
    parts.push(t);
    Ok(Value::Object(create_array_from_list(cx, &parts)?))
}

/// toLowerCase / toLocaleLowerCase (magic 0), toUpperCase / toLocaleUpperCase (magic 1):
/// full, locale-independent Unicode case mapping.
/// Spec: #sec-string.prototype.tolowercase, #sec-string.prototype.touppercase
fn change_case(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let s = this_units(cx, this, "toLowerCase")?;
    cx.poll_interrupt((s.len() / 256) as u32 + 1)?;
    let out = if magic == 0 {
        crate::unicode::case::to_lower(&s)
    } else {
        crate::unicode::case::to_upper(&s)
    };
    if out.len() > MAX_LENGTH {
        return Err(cx.throw_range_error("invalid string length"));
    }
    str_value(cx, &out)
}

/// trim (magic 0) / trimStart (1) / trimEnd (2), i.e. TrimString.
/// Spec: #sec-trimstring
fn trim(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let s = this_string(cx, this, "trim")?;
    let u = s.to_utf16();
    let mut start = 0;
    let mut end = u.len();
    if magic != TRIM_END {
        while start < end && is_js_whitespace(u[start]) {
            start += 1;
        }
    }
    if magic != TRIM_START {
        while end > start && is_js_whitespace(u[end - 1]) {
            end -= 1;
        }
    }
    substring_value(cx, &s, start, end)
}

/// The Annex B HTML methods (anchor, big, ... sup), i.e. CreateHTML with `magic` indexing
/// [`HTML`]. Spec: #sec-createhtml
fn create_html(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _: &Value,
    magic: u16,
) -> JsResult<Value> {
    let Some(&(tag, attribute)) = HTML.get(magic as usize) else {
        return Err(cx.throw_type_error("invalid HTML method"));
    };
    // 1-2. str = RequireObjectCoercible(string); S = ToString(str).
    let s = this_string(cx, this, tag)?;
    let mut out = StrBuf::new();
    // 3. p1 = "<" + tag.
    out.push_ascii(cx, "<")?;
    out.push_ascii(cx, tag)?;
    // 4. Attribute with '"' escaped as &quot;.
    if !attribute.is_empty() {
        let v = to_string(cx, &arg(args, 0))?.to_utf16();
        out.push_ascii(cx, " ")?;
        out.push_ascii(cx, attribute)?;
        out.push_ascii(cx, "=\"")?;
        for u in v {
            if u == b'"' as u16 {
                out.push_ascii(cx, "&quot;")?;
            } else {
                out.push_unit(cx, u)?;
            }
        }
        out.push_ascii(cx, "\"")?;
    }
    // 5-8.
    out.push_ascii(cx, ">")?;
    out.push_str(cx, &s)?;
    out.push_ascii(cx, "</")?;
    out.push_ascii(cx, tag)?;
    out.push_ascii(cx, ">")?;
    Ok(Value::String(out.finish(cx)?))
}

// ----- String iterators -----

/// A String Iterator's state: the string (`None` once exhausted) and the next position.
/// Spec: #sec-createstringiterator
pub struct StringIterator {
    pub string: Option<JsString>,
    pub position: usize,
}

/// String.prototype[@@iterator](). Spec: #sec-string.prototype-@@iterator
fn iterator(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let s = this_string(cx, this, "[Symbol.iterator]")?;
    let proto = cx.intrinsic_obj(Intrinsic::StringIteratorPrototype);
    let o = Obj::new(
        cx,
        proto,
        ObjectData::StringIterator(Box::new(StringIterator {
            string: Some(s),
            position: 0,
        })),
    )?;
    Ok(Value::Object(o))
}

/// %StringIteratorPrototype%.next(). Spec: #sec-%stringiteratorprototype%.next
fn iterator_next(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let Value::Object(it) = this else {
        return Err(cx.throw_type_error("next called on a non-String Iterator"));
    };
    let (s, pos) = match &it.borrow().class {
        ObjectData::StringIterator(st) => (st.string.clone(), st.position),
        _ => return Err(cx.throw_type_error("next called on a non-String Iterator")),
    };
    let Some(s) = s else {
        return create_iter_result_object(cx, Value::Undefined, true);
    };
    if pos >= s.len() {
        if let ObjectData::StringIterator(st) = &mut it.borrow_mut().class {
            st.string = None;
        }
        return create_iter_result_object(cx, Value::Undefined, true);
    }
    let n = {
        let v = s.view();
        let u = v.units();
        let a = u.get(pos).unwrap_or(0);
        let b = u.get(pos + 1);
        match b {
            Some(b) if (0xD800..0xDC00).contains(&a) && (0xDC00..0xE000).contains(&b) => 2,
            _ => 1,
        }
    };
    if let ObjectData::StringIterator(st) = &mut it.borrow_mut().class {
        st.position = pos + n;
    }
    let r = substring_value(cx, &s, pos, pos + n)?;
    create_iter_result_object(cx, r, false)
}
