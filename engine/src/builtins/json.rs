//! The JSON object: `JSON.parse` (with reviver) and `JSON.stringify` (replacer function or
//! property list, `space`, `toJSON`, cycle detection). Spec: #sec-json-object
//!
//! Invariants (DESIGN non-negotiable 1):
//! - No native recursion: the parser, the reviver walk (InternalizeJSONProperty) and the
//!   serializer each run one loop over an explicit stack of frames.
//! - Nesting deeper than [`MAX_DEPTH`] levels is a RangeError (so a 10^6-deep array ends in a
//!   clean error); the frame stacks are charged to the heap while they exist.
//! - Output is built in a charged [`StringBuilder`], which polls the interrupt; the parse
//!   and walk loops poll it per value.

use super::{arg, install_class, Builtin, ClassDef, Val};
use crate::atoms::Atom;
use crate::builtins::object::is_array;
use crate::object::array::{array_create, push};
use crate::object::ops::{
    create_data_property, get, get_v, length_of_array_like, new_object, set_integrity_level,
    Integrity,
};
use crate::object::{attrs, call, is_callable, Obj, ObjectData};
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::strings::builder::{build_string, StringBuilder};
use crate::strings::number::number_to_string;
use crate::strings::{JsString, Units};
use crate::value::conv::{to_integer_or_infinity, to_number, to_string};
use crate::value::{same_value, Value};
use crate::{method, value};
use std::collections::HashSet;

static STATICS: &[Builtin] = &[
    method!("isRawJSON", 1, is_raw_json),
    method!("parse", 2, parse),
    method!("rawJSON", 1, raw_json),
    method!("stringify", 3, stringify),
    value!(@symbol SYM_TO_STRING_TAG, Val::Str("JSON"), attrs::CONFIGURABLE),
];

static CLASS: ClassDef = ClassDef {
    name: "JSON",
    statics: STATICS,
    ..ClassDef::DEFAULT
};

pub fn init(cx: &mut Cx) -> JsResult<()> {
    let j = install_class(cx, &CLASS)?;
    cx.realm.set_intrinsic(Intrinsic::JSON, Value::Object(j));
    Ok(())
}

/// Deepest nesting of arrays/objects that parse, the reviver walk and stringify accept.
pub const MAX_DEPTH: usize = 100_000;

/// Bytes charged per explicit-stack frame (an upper bound of the frame types' sizes).
const FRAME_BYTES: usize = 96;

/// Charges one frame of an explicit stack, failing cleanly past [`MAX_DEPTH`].
fn push_frame_charge(cx: &mut Cx, depth: usize) -> JsResult<()> {
    if depth >= MAX_DEPTH {
        return Err(cx.throw_range_error("JSON nesting too deep"));
    }
    let r = cx.heap.charge(FRAME_BYTES);
    cx.oom(r)
}

// ============================================================================ parse

/// A container being filled by the parser, with the parse records of its children so far
/// (empty unless records are kept).
enum ParseFrame {
    Array(Obj, Vec<u32>),
    /// The object, the key of the member whose value is being parsed, and the entries.
    Object(Obj, Atom, Vec<(Atom, u32)>),
}

/// A JSON Parse Record (json-parse-with-source): the value the parser produced, the source
/// range of a primitive, and the records of an array's elements or an object's entries (a
/// duplicate key's later entry wins). Records live in one arena, children by index.
/// Spec: #sec-json-parse-record
struct ParseRecord {
    value: Value,
    source: Option<(usize, usize)>,
    elements: Vec<u32>,
    entries: Vec<(Atom, u32)>,
}

/// The parse records of one `JSON.parse` with a reviver; their bytes stay charged until it
/// is dropped by [`Records::release`].
struct Records {
    list: Vec<ParseRecord>,
    charged: usize,
}

impl Records {
    fn charge(&mut self, cx: &mut Cx, bytes: usize) -> JsResult<()> {
        let r = cx.heap.charge(bytes);
        cx.oom(r)?;
        self.charged += bytes;
        Ok(())
    }
    /// Adds a record; its index.
    fn push(&mut self, cx: &mut Cx, rec: ParseRecord) -> JsResult<u32> {
        self.charge(cx, std::mem::size_of::<ParseRecord>())?;
        let Ok(i) = u32::try_from(self.list.len()) else {
            return Err(cx.throw_out_of_memory());
        };
        if self.list.try_reserve(1).is_err() {
            return Err(cx.throw_out_of_memory());
        }
        self.list.push(rec);
        Ok(i)
    }
    fn release(self, cx: &mut Cx) {
        cx.heap.refund(self.charged);
    }
}

struct Parser<'a> {
    u: Units<'a>,
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u16> {
        self.u.get(self.pos)
    }
    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if matches!(c, 0x09 | 0x0A | 0x0D | 0x20) {
                self.pos += 1;
            } else {
                break;
            }
        }
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(u16::from(c)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn error(&self, cx: &mut Cx, what: &str) -> crate::realm::Throw {
        let msg = match self.peek() {
            None => format!("JSON.parse: unexpected end of input ({what})"),
            Some(c) => {
                let ch = char::from_u32(u32::from(c)).unwrap_or('\u{FFFD}');
                format!(
                    "JSON.parse: unexpected character '{ch}' at position {} ({what})",
                    self.pos
                )
            }
        };
        cx.throw_syntax_error(&msg)
    }

    /// A JSON string starting at the opening quote; returns its code units.
    fn string_units(&mut self, cx: &mut Cx) -> JsResult<Vec<u16>> {
        if !self.eat(b'"') {
            return Err(self.error(cx, "expected a string"));
        }
        let start = self.pos;
        // Fast scan for strings without escapes.
        while let Some(c) = self.peek() {
            if c == u16::from(b'"') || c == u16::from(b'\\') || c < 0x20 {
                break;
            }
            self.pos += 1;
        }
        let mut out: Vec<u16> = Vec::new();
        let reserve = self.pos - start;
        charge_vec(cx, &mut out, reserve)?;
        out.extend((start..self.pos).map(|i| self.u.get(i).unwrap_or(0)));
        loop {
            let Some(c) = self.peek() else {
                cx.heap.refund(out.capacity() * 2);
                return Err(self.error(cx, "unterminated string"));
            };
            self.pos += 1;
            let unit = if c == u16::from(b'"') {
                break;
            } else if c < 0x20 {
                self.pos -= 1;
                cx.heap.refund(out.capacity() * 2);
                return Err(self.error(cx, "control character in string"));
            } else if c == u16::from(b'\\') {
                let Some(e) = self.peek() else {
                    cx.heap.refund(out.capacity() * 2);
                    return Err(self.error(cx, "bad escape"));
                };
                self.pos += 1;
                match e as u8 {
                    _ if e > 0x7F => None,
                    b'"' => Some(0x22),
                    b'\\' => Some(0x5C),
                    b'/' => Some(0x2F),
                    b'b' => Some(0x08),
                    b'f' => Some(0x0C),
                    b'n' => Some(0x0A),
                    b'r' => Some(0x0D),
                    b't' => Some(0x09),
                    b'u' => {
                        let mut v = 0u32;
                        for _ in 0..4 {
                            let d = self
                                .peek()
                                .filter(|&h| h < 0x80)
                                .and_then(|h| (h as u8 as char).to_digit(16));
                            let Some(d) = d else {
                                cx.heap.refund(out.capacity() * 2);
                                return Err(self.error(cx, "bad \\u escape"));
                            };
                            v = v << 4 | d;
                            self.pos += 1;
                        }
                        Some(v as u16)
                    }
                    _ => None,
                }
            } else {
                Some(c)
            };
            let Some(unit) = unit else {
                self.pos -= 1;
                cx.heap.refund(out.capacity() * 2);
                return Err(self.error(cx, "bad escape"));
            };
            if out.len() == out.capacity() {
                let before = out.capacity();
                if let Err(t) = charge_vec(cx, &mut out, 1) {
                    cx.heap.refund(before * 2);
                    return Err(t);
                }
            }
            out.push(unit);
        }
        cx.heap.refund(out.capacity() * 2);
        Ok(out)
    }

    /// A JSON number at the current position.
    fn number(&mut self, cx: &mut Cx) -> JsResult<f64> {
        let start = self.pos;
        self.eat(b'-');
        let digit = |p: &Self| {
            p.peek()
                .is_some_and(|c| (u16::from(b'0')..=u16::from(b'9')).contains(&c))
        };
        if self.eat(b'0') {
        } else if digit(self) {
            while digit(self) {
                self.pos += 1;
            }
        } else {
            return Err(self.error(cx, "bad number"));
        }
        if self.eat(b'.') {
            if !digit(self) {
                return Err(self.error(cx, "bad number"));
            }
            while digit(self) {
                self.pos += 1;
            }
        }
        if self.eat(b'e') || self.eat(b'E') {
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            if !digit(self) {
                return Err(self.error(cx, "bad number"));
            }
            while digit(self) {
                self.pos += 1;
            }
        }
        let text: String = (start..self.pos)
            .map(|i| self.u.get(i).unwrap_or(0) as u8 as char)
            .collect();
        // Rust's parser is correctly rounded for any digit count (and bounded in work).
        Ok(text.parse::<f64>().unwrap_or(f64::NAN))
    }

    fn keyword(&mut self, cx: &mut Cx, word: &str) -> JsResult<()> {
        for b in word.bytes() {
            if !self.eat(b) {
                return Err(self.error(cx, "unexpected token"));
            }
        }
        Ok(())
    }
}

/// Grows `v` by at least `extra` units, charging the capacity increase (2 bytes a unit).
fn charge_vec(cx: &mut Cx, v: &mut Vec<u16>, extra: usize) -> JsResult<()> {
    let want = (v.len() + extra).max(v.capacity() * 2).max(8);
    let add = want - v.capacity();
    let r = cx.heap.charge(add * 2);
    cx.oom(r)?;
    if v.try_reserve_exact(want - v.len()).is_err() {
        cx.heap.refund(add * 2);
        return Err(cx.throw_out_of_memory());
    }
    // Allocator slack beyond `want` is charged too, so refunds by capacity stay exact.
    let slack = v.capacity() - want;
    if slack > 0 {
        let r = cx.heap.charge(slack * 2);
        if r.is_err() {
            cx.heap.refund(add * 2);
            return Err(cx.throw_out_of_memory());
        }
    }
    Ok(())
}

/// JSON.rawJSON(text): a frozen null-prototype object with [[IsRawJSON]] whose `rawJSON`
/// property is the text of one JSON primitive. Spec: #sec-json.rawjson
/// (proposal-json-parse-with-source)
fn raw_json(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 1.
    let s = to_string(cx, &arg(args, 0))?;
    // 2. Not empty, no leading or trailing TAB, LF, CR or SPACE.
    let is_ws = |u: Option<u16>| matches!(u, Some(0x09 | 0x0A | 0x0D | 0x20));
    if s.is_empty() || is_ws(s.code_unit(0)) || is_ws(s.code_unit(s.len() - 1)) {
        return Err(cx.throw_syntax_error("JSON.rawJSON: invalid JSON text"));
    }
    // 3. Valid JSON whose outermost value is not an object or array.
    if matches!(s.code_unit(0), Some(0x5B | 0x7B)) {
        return Err(cx.throw_syntax_error("JSON.rawJSON: text is an object or array"));
    }
    parse_json_text(cx, &s)?;
    // 4-8.
    let o = Obj::new(cx, None, ObjectData::RawJson)?;
    let key = cx.atoms.intern("rawJSON");
    create_data_property(cx, &o, key, Value::String(s))?;
    set_integrity_level(cx, &o, Integrity::Frozen)?;
    Ok(Value::Object(o))
}

/// JSON.isRawJSON(O). Spec: #sec-json.israwjson
fn is_raw_json(_: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let raw = matches!(&arg(args, 0), Value::Object(o) if matches!(o.borrow().class, ObjectData::RawJson));
    Ok(Value::Bool(raw))
}

/// Parses JSON text into a value. Spec: #sec-json.parse steps 2-9 (ParseJSON)
pub fn parse_json_text(cx: &mut Cx, text: &JsString) -> JsResult<Value> {
    parse_with(cx, text, None).map(|(v, _)| v)
}

/// Parses, keeping the parse records in `records` when given; the value and its record.
fn parse_with(
    cx: &mut Cx,
    text: &JsString,
    records: Option<&mut Records>,
) -> JsResult<(Value, Option<u32>)> {
    let view = text.view();
    let mut p = Parser {
        u: view.units(),
        pos: 0,
    };
    let mut stack: Vec<ParseFrame> = Vec::new();
    let r = parse_loop(cx, &mut p, &mut stack, records);
    cx.heap.refund(stack.len() * FRAME_BYTES);
    drop(stack);
    r
}

/// Adds the record of a value just parsed (when records are kept).
fn record(
    cx: &mut Cx,
    records: &mut Option<&mut Records>,
    rec: impl FnOnce() -> ParseRecord,
) -> JsResult<Option<u32>> {
    match records {
        Some(r) => r.push(cx, rec()).map(Some),
        None => Ok(None),
    }
}

fn parse_loop(
    cx: &mut Cx,
    p: &mut Parser<'_>,
    stack: &mut Vec<ParseFrame>,
    mut records: Option<&mut Records>,
) -> JsResult<(Value, Option<u32>)> {
    let obj_proto = cx.intrinsic_obj(Intrinsic::ObjectPrototype);
    let leaf = |value: &Value, start: usize, end: usize| ParseRecord {
        value: value.clone(),
        source: Some((start, end)),
        elements: Vec::new(),
        entries: Vec::new(),
    };
    let node = |value: Value, elements: Vec<u32>, entries: Vec<(Atom, u32)>| ParseRecord {
        value,
        source: None,
        elements,
        entries,
    };
    'value: loop {
        cx.poll_interrupt(1)?;
        p.skip_ws();
        let start = p.pos;
        // Parse one value; containers push a frame and continue with their first element.
        let mut v = match p.peek() {
            Some(0x7B) => {
                // '{'
                p.pos += 1;
                let o = Obj::new(cx, obj_proto.clone(), ObjectData::Ordinary)?;
                p.skip_ws();
                if p.eat(b'}') {
                    Value::Object(o)
                } else {
                    let key = member_key(cx, p)?;
                    push_frame_charge(cx, stack.len())?;
                    stack.push(ParseFrame::Object(o, key, Vec::new()));
                    continue 'value;
                }
            }
            Some(0x5B) => {
                // '['
                p.pos += 1;
                let a = array_create(cx, 0, None)?;
                p.skip_ws();
                if p.eat(b']') {
                    Value::Object(a)
                } else {
                    push_frame_charge(cx, stack.len())?;
                    stack.push(ParseFrame::Array(a, Vec::new()));
                    continue 'value;
                }
            }
            Some(0x22) => {
                let u = p.string_units(cx)?;
                Value::String(cx.new_string_utf16(&u)?)
            }
            Some(0x74) => {
                p.keyword(cx, "true")?;
                Value::Bool(true)
            }
            Some(0x66) => {
                p.keyword(cx, "false")?;
                Value::Bool(false)
            }
            Some(0x6E) => {
                p.keyword(cx, "null")?;
                Value::Null
            }
            Some(c) if c == u16::from(b'-') || (0x30..=0x39).contains(&c) => {
                Value::number(p.number(cx)?)
            }
            _ => return Err(p.error(cx, "expected a value")),
        };
        let mut rec = if v.is_object() {
            // An empty container.
            record(cx, &mut records, || node(v.clone(), Vec::new(), Vec::new()))?
        } else {
            record(cx, &mut records, || leaf(&v, start, p.pos))?
        };
        // Deliver `v` to the enclosing containers, closing the ones that end here.
        loop {
            let Some(top) = stack.last_mut() else {
                p.skip_ws();
                if p.peek().is_some() {
                    return Err(p.error(cx, "unexpected text after the value"));
                }
                return Ok((v, rec));
            };
            match top {
                ParseFrame::Array(a, children) => {
                    let a = a.clone();
                    if let (Some(r), Some(records)) = (rec, records.as_deref_mut()) {
                        records.charge(cx, std::mem::size_of::<u32>())?;
                        if children.try_reserve(1).is_err() {
                            return Err(cx.throw_out_of_memory());
                        }
                        children.push(r);
                    }
                    push(cx, &a, v)?;
                    p.skip_ws();
                    if p.eat(b',') {
                        continue 'value;
                    }
                    if !p.eat(b']') {
                        return Err(p.error(cx, "expected ',' or ']'"));
                    }
                    let Some(ParseFrame::Array(_, children)) = stack.pop() else {
                        return Err(cx.throw_internal_error("JSON.parse: frame mismatch"));
                    };
                    cx.heap.refund(FRAME_BYTES);
                    v = Value::Object(a);
                    rec = record(cx, &mut records, || node(v.clone(), children, Vec::new()))?;
                }
                ParseFrame::Object(o, key, entries) => {
                    let (o, key) = (o.clone(), *key);
                    if let (Some(r), Some(records)) = (rec, records.as_deref_mut()) {
                        records.charge(cx, std::mem::size_of::<(Atom, u32)>())?;
                        if entries.try_reserve(1).is_err() {
                            return Err(cx.throw_out_of_memory());
                        }
                        entries.push((key, r));
                    }
                    // Duplicate keys: the last one wins (CreateDataProperty replaces).
                    create_data_property(cx, &o, key, v)?;
                    p.skip_ws();
                    if p.eat(b',') {
                        let k = member_key(cx, p)?;
                        if let Some(ParseFrame::Object(_, slot, _)) = stack.last_mut() {
                            *slot = k;
                        }
                        continue 'value;
                    }
                    if !p.eat(b'}') {
                        return Err(p.error(cx, "expected ',' or '}'"));
                    }
                    let Some(ParseFrame::Object(_, _, entries)) = stack.pop() else {
                        return Err(cx.throw_internal_error("JSON.parse: frame mismatch"));
                    };
                    cx.heap.refund(FRAME_BYTES);
                    v = Value::Object(o);
                    rec = record(cx, &mut records, || node(v.clone(), Vec::new(), entries))?;
                }
            }
        }
    }
}

/// `"key" :` of an object member.
fn member_key(cx: &mut Cx, p: &mut Parser<'_>) -> JsResult<Atom> {
    p.skip_ws();
    if p.peek() != Some(0x22) {
        return Err(p.error(cx, "expected a property name"));
    }
    let u = p.string_units(cx)?;
    p.skip_ws();
    if !p.eat(b':') {
        return Err(p.error(cx, "expected ':'"));
    }
    Ok(cx.atoms.intern_utf16(&u))
}

/// JSON.parse(text, reviver). Spec: #sec-json.parse
fn parse(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 1. jsonString = ToString(text).
    let s = to_string(cx, &arg(args, 0))?;
    // 11. If IsCallable(reviver), parse keeping the parse records and walk from a fresh
    // root { "": unfiltered }.
    let reviver = arg(args, 1);
    if !is_callable(&reviver) {
        // 2-10. Parse.
        return parse_json_text(cx, &s);
    }
    let mut records = Records {
        list: Vec::new(),
        charged: 0,
    };
    let r = (|| {
        let (unfiltered, rec) = parse_with(cx, &s, Some(&mut records))?;
        let root = new_object(cx)?;
        create_data_property(cx, &root, Atom::Empty, unfiltered)?;
        let walk = Walk {
            reviver: &reviver,
            text: &s,
            records: &records.list,
        };
        internalize(cx, root, rec, &walk)
    })();
    records.release(cx);
    r
}

/// What the reviver walk reads: the reviver, the source text and the parse records.
struct Walk<'a> {
    reviver: &'a Value,
    text: &'a JsString,
    records: &'a [ParseRecord],
}

/// The parse records of a frame's children (none when the value was replaced).
enum Children {
    None,
    Elements(Vec<u32>),
    Entries(std::collections::HashMap<Atom, u32>),
}

impl Walk<'_> {
    /// Steps 2-4 of InternalizeJSONProperty: the record of `val` if it is still the
    /// parsed value, and a fresh context object with `source` for such a primitive.
    fn context(
        &self,
        cx: &mut Cx,
        rec: Option<u32>,
        val: &Value,
    ) -> JsResult<(Obj, Option<&ParseRecord>)> {
        let context = new_object(cx)?;
        let rec = rec
            .and_then(|i| self.records.get(i as usize))
            .filter(|r| same_value(&r.value, val));
        if let Some(ParseRecord {
            source: Some((a, b)),
            ..
        }) = rec
        {
            if !val.is_object() {
                let src = cx.oom(self.text.substring(&cx.heap, *a, *b))?;
                create_data_property(cx, &context, Atom::SourceDup, Value::String(src))?;
            }
        }
        Ok((context, rec))
    }
}

/// A frame of the reviver walk: `holder[name]` whose children are being revived.
struct WalkFrame {
    holder: Obj,
    name: Atom,
    val: Obj,
    context: Obj,
    keys: Vec<Atom>,
    children: Children,
    next: usize,
}

/// InternalizeJSONProperty over an explicit stack. Spec: #sec-internalizejsonproperty
fn internalize(cx: &mut Cx, root: Obj, rec: Option<u32>, walk: &Walk<'_>) -> JsResult<Value> {
    let mut stack: Vec<WalkFrame> = Vec::new();
    let r = internalize_loop(cx, root, rec, walk, &mut stack);
    cx.heap.refund(stack.len() * FRAME_BYTES);
    r
}

fn internalize_loop(
    cx: &mut Cx,
    root: Obj,
    rec: Option<u32>,
    walk: &Walk<'_>,
    stack: &mut Vec<WalkFrame>,
) -> JsResult<Value> {
    let reviver = walk.reviver;
    // The property to visit next: (holder, name, its parse record).
    let mut pending: Option<(Obj, Atom, Option<u32>)> = Some((root, Atom::Empty, rec));
    loop {
        cx.poll_interrupt(1)?;
        if let Some((holder, name, rec)) = pending.take() {
            // 1. val = Get(holder, name).
            let val = get(cx, &holder, name)?;
            // 2-4. The context, and the children's records if val is still the parsed one.
            let (context, rec) = walk.context(cx, rec, &val)?;
            if let Value::Object(o) = &val {
                // 5. An object: revive its elements/properties first (a new frame).
                let (keys, children) = if is_array(cx, &val)? {
                    // 5.b.ii. len = LengthOfArrayLike(val); keys 0..len.
                    let len = length_of_array_like(cx, o)?;
                    let bytes = (len as usize).saturating_mul(std::mem::size_of::<Atom>());
                    let r = cx.heap.charge(bytes);
                    cx.oom(r)?;
                    cx.heap.refund(bytes);
                    let mut keys = Vec::new();
                    if keys.try_reserve(len as usize).is_err() {
                        return Err(cx.throw_out_of_memory());
                    }
                    for i in 0..len {
                        keys.push(crate::object::ops::index_key(cx, i));
                    }
                    let children =
                        rec.map_or(Children::None, |r| Children::Elements(r.elements.clone()));
                    (keys, children)
                } else {
                    // 5.c.i. keys = EnumerableOwnProperties(val, key) (strings only).
                    let keys = enumerable_string_keys(cx, o)?;
                    let children = rec.map_or(Children::None, |r| {
                        Children::Entries(r.entries.iter().copied().collect())
                    });
                    (keys, children)
                };
                push_frame_charge(cx, stack.len())?;
                stack.push(WalkFrame {
                    holder,
                    name,
                    val: o.clone(),
                    context,
                    keys,
                    children,
                    next: 0,
                });
            } else {
                // 6. Return Call(reviver, holder, « name, val, context »).
                let n = key_value(cx, name)?;
                let r = call(
                    cx,
                    reviver,
                    &Value::Object(holder),
                    &[n, val, Value::Object(context)],
                )?;
                if !deliver_to_top(cx, stack, r.clone())? {
                    return Ok(r);
                }
            }
        }
        // Continue with the top frame: its next child, or finish it.
        let Some(top) = stack.last_mut() else {
            return Ok(Value::Undefined);
        };
        if let Some(&k) = top.keys.get(top.next) {
            let rec = match &top.children {
                Children::None => None,
                Children::Elements(e) => e.get(top.next).copied(),
                Children::Entries(m) => m.get(&k).copied(),
            };
            top.next += 1;
            pending = Some((top.val.clone(), k, rec));
            continue;
        }
        let Some(f) = stack.pop() else {
            return Ok(Value::Undefined);
        };
        cx.heap.refund(FRAME_BYTES);
        let n = key_value(cx, f.name)?;
        let r = call(
            cx,
            reviver,
            &Value::Object(f.holder),
            &[n, Value::Object(f.val), Value::Object(f.context)],
        )?;
        if !deliver_to_top(cx, stack, r.clone())? {
            return Ok(r);
        }
    }
}

/// Gives a revived value to the parent frame (the property it is visiting); false when
/// there is no parent (the value is the final result).
fn deliver_to_top(cx: &mut Cx, stack: &[WalkFrame], r: Value) -> JsResult<bool> {
    let Some(top) = stack.last() else {
        return Ok(false);
    };
    let Some(&k) = top.next.checked_sub(1).and_then(|i| top.keys.get(i)) else {
        return Ok(false);
    };
    let o = top.val.clone();
    deliver(cx, &o, k, r)?;
    Ok(true)
}

/// Steps 2.b.iii.2-3 / 2.c.ii.2-3: delete on undefined, else CreateDataProperty (both may
/// fail silently, as the spec ignores their results).
fn deliver(cx: &mut Cx, o: &Obj, k: Atom, v: Value) -> JsResult<()> {
    if v.is_undefined() {
        o.delete(cx, k)?;
    } else {
        create_data_property(cx, o, k, v)?;
    }
    Ok(())
}

/// The string keys of the enumerable own properties of `o`, in property order.
fn enumerable_string_keys(cx: &mut Cx, o: &Obj) -> JsResult<Vec<Atom>> {
    let keys = o.own_property_keys(cx)?;
    let mut out = Vec::new();
    for k in keys {
        if cx.is_symbol(k) {
            continue;
        }
        if let Some(d) = o.get_own_property(cx, k)? {
            if d.enumerable == Some(true) {
                out.push(k);
            }
        }
    }
    Ok(out)
}

/// A string key as a JS string value.
fn key_value(cx: &mut Cx, k: Atom) -> JsResult<Value> {
    Ok(Value::String(cx.atom_to_string(k)?))
}

// ======================================================================== stringify

/// The JSON Serialization Record. Spec: #sec-json-serialization-record
struct Ser {
    replacer: Option<Value>,
    property_list: Option<Vec<Atom>>,
    gap: Vec<u16>,
    indent: Vec<u16>,
    /// Objects being serialized (the spec's `stack`), by address, for cycle detection.
    active: HashSet<usize>,
}

/// An object or array being serialized.
struct SerFrame {
    obj: Obj,
    is_array: bool,
    keys: Vec<Atom>,
    len: u64,
    next: u64,
    wrote_any: bool,
}

/// What SerializeJSONProperty steps 1-11 produced for one property.
enum Prepared {
    /// Nothing to write (undefined, functions, symbols).
    Skip,
    /// A primitive rendered to text (written by the caller after the key).
    Done,
    /// An object or array to open.
    Open(Obj, bool),
}

/// JSON.stringify(value, replacer, space). Spec: #sec-json.stringify
fn stringify(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let value = arg(args, 0);
    let replacer = arg(args, 1);
    let space = arg(args, 2);
    let mut ser = Ser {
        replacer: None,
        property_list: None,
        gap: Vec::new(),
        indent: Vec::new(),
        active: HashSet::new(),
    };
    // 4. The replacer: a function, or an array giving the property list.
    if let Value::Object(r) = &replacer {
        if is_callable(&replacer) {
            ser.replacer = Some(replacer.clone());
        } else if is_array(cx, &replacer)? {
            ser.property_list = Some(property_list(cx, r)?);
        }
    }
    // 5-6. Unwrap Number and String objects given as space.
    let mut space = space;
    if let Value::Object(o) = &space {
        let kind = match o.borrow().class {
            ObjectData::Number(_) => 1,
            ObjectData::String(_) => 2,
            _ => 0,
        };
        if kind == 1 {
            space = Value::number(to_number(cx, &space)?);
        } else if kind == 2 {
            space = Value::String(to_string(cx, &space)?);
        }
    }
    // 7-9. gap.
    match &space {
        Value::Int(_) | Value::Float(_) => {
            let n = to_integer_or_infinity(cx, &space)?.clamp(0.0, 10.0) as usize;
            ser.gap = vec![0x20; n];
        }
        Value::String(s) => {
            let u = s.to_utf16();
            ser.gap = u.into_iter().take(10).collect();
        }
        _ => {}
    }
    // 10-12. wrapper = { "": value }; SerializeJSONProperty(state, "", wrapper).
    let wrapper = new_object(cx)?;
    create_data_property(cx, &wrapper, Atom::Empty, value)?;
    let mut is_undefined = false;
    let s = build_string(cx, |cx, out| {
        let mut stack: Vec<SerFrame> = Vec::new();
        let r = serialize(cx, &mut ser, out, &wrapper, &mut stack);
        cx.heap.refund(stack.len() * FRAME_BYTES);
        is_undefined = matches!(r, Ok(false));
        r.map(|_| ())
    })?;
    if is_undefined {
        return Ok(Value::Undefined);
    }
    Ok(Value::String(s))
}

/// The property list from an array replacer (deduplicated, in order). Spec: step 4.b
fn property_list(cx: &mut Cx, r: &Obj) -> JsResult<Vec<Atom>> {
    let len = length_of_array_like(cx, r)?;
    let mut list: Vec<Atom> = Vec::new();
    let mut seen: HashSet<Atom> = HashSet::new();
    for k in 0..len {
        cx.poll_interrupt(1)?;
        let key = crate::object::ops::index_key(cx, k);
        let v = get(cx, r, key)?;
        let item = match &v {
            Value::String(_) => Some(to_string(cx, &v)?),
            Value::Int(_) | Value::Float(_) => Some(to_string(cx, &v)?),
            Value::Object(o) => {
                let wrapper = matches!(
                    o.borrow().class,
                    ObjectData::String(_) | ObjectData::Number(_)
                );
                if wrapper {
                    Some(to_string(cx, &v)?)
                } else {
                    None
                }
            }
            _ => None,
        };
        if let Some(s) = item {
            let a = cx.intern_string(&s);
            if seen.insert(a) {
                if list.try_reserve(1).is_err() {
                    return Err(cx.throw_out_of_memory());
                }
                list.push(a);
            }
        }
    }
    Ok(list)
}

/// SerializeJSONProperty steps 1-4: the value after toJSON, the replacer and unwrapping.
fn prepare_value(cx: &mut Cx, ser: &Ser, holder: &Obj, key: Atom) -> JsResult<Value> {
    // 1. value = Get(holder, key).
    let mut value = get(cx, holder, key)?;
    // 2. toJSON for objects and BigInts.
    if matches!(value, Value::Object(_) | Value::BigInt(_)) {
        let to_json = get_v(cx, &value, Atom::ToJSON)?;
        if is_callable(&to_json) {
            let k = key_value(cx, key)?;
            value = call(cx, &to_json, &value, &[k])?;
        }
    }
    // 3. The replacer function, called on the holder.
    if let Some(r) = &ser.replacer {
        let k = key_value(cx, key)?;
        value = call(cx, r, &Value::Object(holder.clone()), &[k, value])?;
    }
    // 4. Unwrap Number, String, Boolean and BigInt objects.
    if let Value::Object(o) = &value {
        enum W {
            Num,
            Str,
            Bool(bool),
            Big(Value),
            No,
        }
        let w = match &o.borrow().class {
            ObjectData::Number(_) => W::Num,
            ObjectData::String(_) => W::Str,
            ObjectData::Boolean(b) => W::Bool(*b),
            ObjectData::BigInt(b) => W::Big(Value::BigInt(b.clone())),
            _ => W::No,
        };
        value = match w {
            W::Num => Value::number(to_number(cx, &value)?),
            W::Str => Value::String(to_string(cx, &value)?),
            W::Bool(b) => Value::Bool(b),
            W::Big(b) => b,
            W::No => value,
        };
    }
    Ok(value)
}

/// SerializeJSONProperty steps 5-12 for a prepared value: writes primitives to `out`
/// (when `write` is set), reports objects to open.
fn classify(cx: &mut Cx, out: &mut StringBuilder, value: &Value) -> JsResult<Prepared> {
    match value {
        Value::Null => out.push_str(cx, "null")?,
        Value::Bool(true) => out.push_str(cx, "true")?,
        Value::Bool(false) => out.push_str(cx, "false")?,
        Value::String(s) => quote(cx, out, s)?,
        Value::Int(i) => out.push_str(cx, &i.to_string())?,
        Value::Float(f) => {
            if f.is_finite() {
                out.push_str(cx, &number_to_string(*f))?
            } else {
                out.push_str(cx, "null")?
            }
        }
        Value::BigInt(_) => {
            return Err(cx.throw_type_error("Do not know how to serialize a BigInt"));
        }
        Value::Object(o) if matches!(o.borrow().class, ObjectData::RawJson) => {
            // (json-parse-with-source) A raw JSON object writes its text unchanged; its
            // frozen own data property cannot run JS.
            let key = cx.atoms.intern("rawJSON");
            let raw = get(cx, o, key)?;
            let Value::String(s) = raw else {
                return Err(cx.throw_type_error("invalid raw JSON object"));
            };
            out.push_js(cx, &s)?;
        }
        Value::Object(o) if !is_callable(value) => {
            let arr = is_array(cx, value)?;
            return Ok(Prepared::Open(o.clone(), arr));
        }
        _ => return Ok(Prepared::Skip),
    }
    Ok(Prepared::Done)
}

/// Would the prepared value produce output (i.e. is it not undefined for JSON)?
fn writes_something(value: &Value) -> bool {
    match value {
        Value::Undefined | Value::Uninitialized | Value::Symbol(_) => false,
        Value::Object(_) => !is_callable(value),
        _ => true,
    }
}

/// The serializer loop. Returns false if the top-level value is undefined.
fn serialize(
    cx: &mut Cx,
    ser: &mut Ser,
    out: &mut StringBuilder,
    wrapper: &Obj,
    stack: &mut Vec<SerFrame>,
) -> JsResult<bool> {
    let v = prepare_value(cx, ser, wrapper, Atom::Empty)?;
    if !writes_something(&v) {
        return Ok(false);
    }
    if let Prepared::Open(o, arr) = classify(cx, out, &v)? {
        open(cx, ser, out, stack, o, arr)?;
    }
    while let Some(top) = stack.last_mut() {
        cx.poll_interrupt(1)?;
        let obj = top.obj.clone();
        if top.is_array {
            if top.next < top.len {
                // SerializeJSONArray step 8: each element, undefined → "null".
                let i = top.next;
                top.next += 1;
                let first = i == 0;
                if !first {
                    out.push(cx, u16::from(b','))?;
                }
                newline_indent(cx, ser, out)?;
                let key = crate::object::ops::index_key(cx, i);
                let v = prepare_value(cx, ser, &obj, key)?;
                if !writes_something(&v) {
                    out.push_str(cx, "null")?;
                    continue;
                }
                if let Prepared::Open(o, arr) = classify(cx, out, &v)? {
                    open(cx, ser, out, stack, o, arr)?;
                }
                continue;
            }
        } else if (top.next as usize) < top.keys.len() {
            // SerializeJSONObject step 6: members whose value is not undefined.
            let key = top.keys[top.next as usize];
            top.next += 1;
            let v = prepare_value(cx, ser, &obj, key)?;
            if !writes_something(&v) {
                continue;
            }
            let Some(top) = stack.last_mut() else {
                return Ok(true);
            };
            let first = !top.wrote_any;
            top.wrote_any = true;
            if !first {
                out.push(cx, u16::from(b','))?;
            }
            newline_indent(cx, ser, out)?;
            let ks = cx.atom_to_string(key)?;
            quote(cx, out, &ks)?;
            out.push(cx, u16::from(b':'))?;
            if !ser.gap.is_empty() {
                out.push(cx, 0x20)?;
            }
            if let Prepared::Open(o, arr) = classify(cx, out, &v)? {
                open(cx, ser, out, stack, o, arr)?;
            }
            continue;
        }
        // Close the container.
        let Some(f) = stack.pop() else {
            break;
        };
        cx.heap.refund(FRAME_BYTES);
        ser.active.remove(&f.obj.addr());
        let stepback = ser.indent.len().saturating_sub(ser.gap.len());
        ser.indent.truncate(stepback);
        let nonempty = if f.is_array { f.len > 0 } else { f.wrote_any };
        if nonempty && !ser.gap.is_empty() {
            out.push(cx, 0x0A)?;
            out.push_units(cx, &ser.indent)?;
        }
        out.push(cx, u16::from(if f.is_array { b']' } else { b'}' }))?;
    }
    Ok(true)
}

/// "\n" + indent, when there is a gap.
fn newline_indent(cx: &mut Cx, ser: &Ser, out: &mut StringBuilder) -> JsResult<()> {
    if !ser.gap.is_empty() {
        out.push(cx, 0x0A)?;
        out.push_units(cx, &ser.indent)?;
    }
    Ok(())
}

/// Opens an object or array: cycle check, indent, keys. Spec: #sec-serializejsonobject
/// steps 1-5 / #sec-serializejsonarray steps 1-5.
fn open(
    cx: &mut Cx,
    ser: &mut Ser,
    out: &mut StringBuilder,
    stack: &mut Vec<SerFrame>,
    o: Obj,
    is_array: bool,
) -> JsResult<()> {
    // 1. If state.[[Stack]] contains value, throw a TypeError.
    if ser.active.contains(&o.addr()) {
        return Err(cx.throw_type_error("Converting circular structure to JSON"));
    }
    push_frame_charge(cx, stack.len())?;
    // The frame charge is refunded by the caller's cleanup once the frame is on the stack.
    let (keys, len) = if is_array {
        match length_of_array_like(cx, &o) {
            Ok(len) => (Vec::new(), len),
            Err(t) => {
                cx.heap.refund(FRAME_BYTES);
                return Err(t);
            }
        }
    } else {
        let keys = match &ser.property_list {
            Some(l) => Ok(l.clone()),
            None => enumerable_string_keys(cx, &o),
        };
        match keys {
            Ok(k) => (k, 0),
            Err(t) => {
                cx.heap.refund(FRAME_BYTES);
                return Err(t);
            }
        }
    };
    ser.active.insert(o.addr());
    let gap = ser.gap.clone();
    ser.indent.extend_from_slice(&gap);
    stack.push(SerFrame {
        obj: o,
        is_array,
        keys,
        len,
        next: 0,
        wrote_any: false,
    });
    out.push(cx, u16::from(if is_array { b'[' } else { b'{' }))
}

/// QuoteJSONString. Spec: #sec-quotejsonstring
fn quote(cx: &mut Cx, out: &mut StringBuilder, s: &JsString) -> JsResult<()> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(cx, u16::from(b'"'))?;
    let view = s.view();
    let u = view.units();
    let n = u.len();
    let mut i = 0;
    while i < n {
        // Copy runs of units that need no escaping in one push.
        let start = i;
        while i < n {
            let c = u.get(i).unwrap_or(0);
            if c < 0x20 || c == 0x22 || c == 0x5C || (0xD800..=0xDFFF).contains(&c) {
                break;
            }
            i += 1;
        }
        if i > start {
            match &u {
                Units::Latin1(b) => {
                    for &c in &b[start..i] {
                        out.push(cx, u16::from(c))?;
                    }
                }
                Units::Utf16(w) => out.push_units(cx, &w[start..i])?,
            }
        }
        let Some(c) = u.get(i) else {
            break;
        };
        i += 1;
        let esc: Option<&str> = match c {
            0x08 => Some("\\b"),
            0x09 => Some("\\t"),
            0x0A => Some("\\n"),
            0x0C => Some("\\f"),
            0x0D => Some("\\r"),
            0x22 => Some("\\\""),
            0x5C => Some("\\\\"),
            _ => None,
        };
        if let Some(e) = esc {
            out.push_str(cx, e)?;
            continue;
        }
        if (0xD800..=0xDBFF).contains(&c) {
            // A well-formed pair is copied; a lone surrogate is escaped.
            if let Some(d) = u.get(i).filter(|d| (0xDC00..=0xDFFF).contains(d)) {
                out.push(cx, c)?;
                out.push(cx, d)?;
                i += 1;
                continue;
            }
        } else if (0xDC00..=0xDFFF).contains(&c) {
            // Lone trailing surrogate: escaped below.
        }
        out.push_str(cx, "\\u")?;
        for shift in [12, 8, 4, 0] {
            out.push(cx, u16::from(HEX[((c >> shift) & 15) as usize]))?;
        }
    }
    out.push(cx, u16::from(b'"'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_call(cx: &mut Cx, f: &str, args: &[Value]) -> JsResult<Value> {
        let j = cx.intrinsic(Intrinsic::JSON);
        let k = cx.intern(f);
        let func = get_v(cx, &j, k)?;
        call(cx, &func, &j, args)
    }

    fn s(cx: &mut Cx, t: &str) -> Value {
        Value::String(cx.new_string(t).unwrap())
    }

    fn roundtrip(cx: &mut Cx, text: &str) -> String {
        let t = s(cx, text);
        let v = json_call(cx, "parse", &[t]).unwrap();
        let r = json_call(cx, "stringify", &[v]).unwrap();
        r.as_string().unwrap().to_rust_string()
    }

    #[test]
    fn parse_and_stringify_roundtrip() {
        let mut cx = Cx::new();
        let cx = &mut cx;
        assert_eq!(
            roundtrip(
                cx,
                r#" {"a": [1, 2.5, -0, 1e400, true, null, "x\u00e9\n"], "b": {}, "a2": []} "#
            ),
            r#"{"a":[1,2.5,0,null,true,null,"xé\n"],"b":{},"a2":[]}"#
        );
        assert_eq!(roundtrip(cx, r#"{"a":1,"a":2}"#), r#"{"a":2}"#);
        assert_eq!(roundtrip(cx, r#""\ud800""#), r#""\ud800""#);
        assert_eq!(roundtrip(cx, "\"\u{1F600}\""), "\"\u{1F600}\"");
        for bad in [
            "",
            "[1,]",
            "{\"a\" 1}",
            "01",
            "1.",
            "\"\t\"",
            "[1] x",
            "{'a':1}",
            "nul",
        ] {
            let t = s(cx, bad);
            assert!(json_call(cx, "parse", &[t]).is_err(), "{bad}");
            let _ = cx.take_exception();
        }
    }

    #[test]
    fn stringify_indent_and_cycles() {
        let mut cx = Cx::new();
        let cx = &mut cx;
        let t = s(cx, r#"{"a":[1,{"b":2}],"c":"d"}"#);
        let v = json_call(cx, "parse", &[t]).unwrap();
        let r = json_call(
            cx,
            "stringify",
            &[v.clone(), Value::Undefined, Value::Int(2)],
        )
        .unwrap();
        assert_eq!(
            r.as_string().unwrap().to_rust_string(),
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": 2\n    }\n  ],\n  \"c\": \"d\"\n}"
        );
        // A cycle is a TypeError.
        let o = v.as_object().unwrap().clone();
        let k = cx.intern("self");
        create_data_property(cx, &o, k, v.clone()).unwrap();
        assert!(json_call(cx, "stringify", &[v]).is_err());
        let _ = cx.take_exception();
        let r = json_call(cx, "stringify", &[Value::Undefined]).unwrap();
        assert!(r.is_undefined());
    }

    #[test]
    fn deep_nesting_is_a_clean_error() {
        let mut cx = Cx::new();
        let cx = &mut cx;
        let before = cx.heap.bytes();
        let text = "[".repeat(1_000_000) + &"]".repeat(1_000_000);
        let t = s(cx, &text);
        assert!(json_call(cx, "parse", &[t]).is_err());
        let e = cx.take_exception();
        drop(e);
        // 50,000 levels parse and stringify back.
        let text = "[".repeat(50_000) + &"]".repeat(50_000);
        let t = s(cx, &text);
        let v = json_call(cx, "parse", std::slice::from_ref(&t)).unwrap();
        let r = json_call(cx, "stringify", &[v]).unwrap();
        assert_eq!(r.as_string().unwrap().len(), 100_000);
        drop((r, t));
        cx.heap.collect();
        assert_eq!(cx.heap.bytes(), before);
    }
}
