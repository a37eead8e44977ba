//! The Symbol constructor, `Symbol.for` / `Symbol.keyFor` with the runtime-wide registry,
//! the well-known symbols as constructor properties, and Symbol.prototype.
//! Spec: #sec-symbol-objects
//!
//! A Symbol value is a symbol atom (`Value::Symbol(Atom)`); its description is the atom's
//! text. Invariant: the registry maps each key string to exactly one symbol and back; it is
//! shared by every realm of the runtime (GlobalSymbolRegistry is agent-wide).

use super::{arg, install_class, Builtin, ClassDef, Kind, Val};
use crate::atoms::{Atom, AtomKind};
use crate::object::ops::define_value;
use crate::object::{attrs, ObjectData};
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::strings::JsString;
use crate::value::conv::to_string;
use crate::value::Value;
use crate::{getter, method, value};
use std::collections::HashMap;

/// The GlobalSymbolRegistry: key text → symbol and symbol → key text.
/// Spec: #sec-symbol.for
#[derive(Default)]
pub struct SymbolRegistry {
    by_key: HashMap<Vec<u16>, Atom>,
    by_symbol: HashMap<Atom, Vec<u16>>,
}

impl SymbolRegistry {
    /// Was `a` made by `Symbol.for` (such symbols cannot be held weakly)?
    pub fn is_registered(&self, a: Atom) -> bool {
        self.by_symbol.contains_key(&a)
    }
}

static STATICS: &[Builtin] = &[method!("for", 1, symbol_for), method!("keyFor", 1, key_for)];

static PROTOTYPE: &[Builtin] = &[
    getter!("description", description),
    method!("toString", 0, to_string_method),
    method!("valueOf", 0, value_of),
    // Spec: #sec-symbol.prototype-@@toprimitive — { [[Writable]]: false, [[Configurable]]: true }.
    Builtin {
        key: super::Key::Atom(Atom::SYM_TO_PRIMITIVE),
        kind: Kind::Method {
            f: value_of,
            length: 1,
            magic: 0,
        },
        flags: attrs::CONFIGURABLE,
    },
    value!(@symbol SYM_TO_STRING_TAG, Val::Str("Symbol"), attrs::CONFIGURABLE),
];

static CLASS: ClassDef = ClassDef {
    name: "Symbol",
    ctor: Some((symbol_constructor, 0, 0)),
    ctor_intrinsic: Some(Intrinsic::Symbol),
    proto_intrinsic: Some(Intrinsic::SymbolPrototype),
    statics: STATICS,
    proto: PROTOTYPE,
    ..ClassDef::DEFAULT
};

/// The well-known symbols as properties of the constructor (all attributes false).
/// Spec: #sec-well-known-symbols
const WELL_KNOWN: &[(&str, Atom)] = &[
    ("asyncDispose", Atom::SYM_ASYNC_DISPOSE),
    ("asyncIterator", Atom::SYM_ASYNC_ITERATOR),
    ("dispose", Atom::SYM_DISPOSE),
    ("hasInstance", Atom::SYM_HAS_INSTANCE),
    ("isConcatSpreadable", Atom::SYM_IS_CONCAT_SPREADABLE),
    ("iterator", Atom::SYM_ITERATOR),
    ("match", Atom::SYM_MATCH),
    ("matchAll", Atom::SYM_MATCH_ALL),
    ("replace", Atom::SYM_REPLACE),
    ("search", Atom::SYM_SEARCH),
    ("species", Atom::SYM_SPECIES),
    ("split", Atom::SYM_SPLIT),
    ("toPrimitive", Atom::SYM_TO_PRIMITIVE),
    ("toStringTag", Atom::SYM_TO_STRING_TAG),
    ("unscopables", Atom::SYM_UNSCOPABLES),
];

pub fn init(cx: &mut Cx) -> JsResult<()> {
    let ctor = install_class(cx, &CLASS)?;
    for &(name, sym) in WELL_KNOWN {
        let key = cx.intern(name);
        define_value(cx, &ctor, key, Value::Symbol(sym), 0)?;
    }
    Ok(())
}

/// Symbol([description]). Spec: #sec-symbol-description
fn symbol_constructor(
    cx: &mut Cx,
    _: &Value,
    args: &[Value],
    nt: &Value,
    _: u16,
) -> JsResult<Value> {
    // 1. If NewTarget is not undefined, throw a TypeError.
    if !nt.is_undefined() {
        return Err(cx.throw_type_error("Symbol is not a constructor"));
    }
    // 2-3. descString = undefined or ToString(description).
    let d = arg(args, 0);
    let sym = if d.is_undefined() {
        cx.atoms.new_symbol(None)
    } else {
        let s = to_string(cx, &d)?;
        let units = s.to_utf16();
        cx.atoms.new_symbol(Some(&units))
    };
    // 4.
    Ok(Value::Symbol(sym))
}

/// Symbol.for(key). Spec: #sec-symbol.for
fn symbol_for(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 1. stringKey = ToString(key).
    let key = to_string(cx, &arg(args, 0))?.to_utf16();
    // 2. Existing registration.
    if let Some(&a) = cx.symbol_registry.by_key.get(&key) {
        return Ok(Value::Symbol(a));
    }
    // 3-5. New symbol whose description is the key.
    let a = cx.atoms.new_symbol(Some(&key));
    cx.symbol_registry.by_symbol.insert(a, key.clone());
    cx.symbol_registry.by_key.insert(key, a);
    Ok(Value::Symbol(a))
}

/// Symbol.keyFor(sym). Spec: #sec-symbol.keyfor
fn key_for(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let Value::Symbol(a) = arg(args, 0) else {
        return Err(cx.throw_type_error("Symbol.keyFor: argument is not a symbol"));
    };
    match cx.symbol_registry.by_symbol.get(&a) {
        Some(k) => {
            let k = k.clone();
            Ok(Value::String(cx.new_string_utf16(&k)?))
        }
        None => Ok(Value::Undefined),
    }
}

/// ThisSymbolValue. Spec: #sec-thissymbolvalue
fn this_symbol_value(cx: &mut Cx, v: &Value) -> JsResult<Atom> {
    match v {
        Value::Symbol(a) => return Ok(*a),
        Value::Object(o) => {
            if let ObjectData::Symbol(a) = o.borrow().class {
                return Ok(a);
            }
        }
        _ => {}
    }
    Err(cx.throw_type_error("not a Symbol"))
}

/// The description of a symbol atom, or `None` if it has none.
pub fn symbol_description(cx: &mut Cx, a: Atom) -> JsResult<Option<JsString>> {
    match cx.atoms.kind(a) {
        AtomKind::Symbol {
            has_description: true,
        } => Ok(Some(cx.atom_to_string(a)?)),
        _ => Ok(None),
    }
}

/// SymbolDescriptiveString: `Symbol(description)`. Spec: #sec-symboldescriptivestring
pub fn symbol_descriptive_string(cx: &mut Cx, a: Atom) -> JsResult<JsString> {
    let mut units: Vec<u16> = "Symbol(".encode_utf16().collect();
    if let Some(t) = cx.atoms.text(a) {
        units.extend_from_slice(t);
    }
    units.push(b')' as u16);
    cx.new_string_utf16(&units)
}

/// get Symbol.prototype.description. Spec: #sec-symbol.prototype.description
fn description(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let a = this_symbol_value(cx, this)?;
    Ok(symbol_description(cx, a)?.map_or(Value::Undefined, Value::String))
}

/// Symbol.prototype.toString. Spec: #sec-symbol.prototype.tostring
fn to_string_method(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let a = this_symbol_value(cx, this)?;
    Ok(Value::String(symbol_descriptive_string(cx, a)?))
}

/// Symbol.prototype.valueOf and Symbol.prototype[@@toPrimitive].
/// Spec: #sec-symbol.prototype.valueof, #sec-symbol.prototype-@@toprimitive
fn value_of(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    Ok(Value::Symbol(this_symbol_value(cx, this)?))
}
