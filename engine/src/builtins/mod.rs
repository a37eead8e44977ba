//! The standard library, one file per builtin family, each JS surface declared as a static
//! table of [`Builtin`] entries (STYLE rule 3), and the installer that turns tables into
//! properties with the right `length`, `name` and attributes.
//!
//! A family declares its tables and a [`ClassDef`], and adds one line to [`init_realm`]:
//!
//! ```ignore
//! pub(super) static PROTOTYPE: &[Builtin] = &[
//!     method!("hasOwnProperty", 1, has_own_property),
//!     getter!("size", size),
//!     accessor!("__proto__", get_proto, set_proto),
//!     value!(@symbol SYM_TO_STRING_TAG, Val::Str("Math"), attrs::CONFIGURABLE),
//!     alias!(@symbol SYM_ITERATOR, "values"),
//! ];
//! ```
//!
//! Invariants: methods are `{writable, configurable}` and not enumerable; accessors are
//! `{configurable}`; `name` of symbol-keyed methods is `[description]`, of getters
//! `get name`. An alias entry refers to a key defined earlier in the same table.

pub mod array;
pub mod array_from_async;
pub mod arraybuffer;
pub mod atomics;
pub mod base64;
pub mod bigint;
pub mod boolean;
pub mod dataview;
pub mod date;
pub mod disposable;
pub mod error;
#[cfg(test)]
mod family_tests;
pub mod function;
pub mod global;
pub mod iterator;
pub mod json;
pub mod map;
pub mod math;
pub mod number;
pub mod object;
pub mod proxy;
pub mod reflect;
pub mod regexp;
pub mod string;
pub mod symbol;
pub mod typedarray;

use crate::atoms::Atom;
use crate::object::function::{function_name_string, new_native_function};
use crate::object::ops::define_value;
use crate::object::{attrs, NativeFn, Obj, ObjectData, PropValue};
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::value::Value;

/// A property key in a table.
#[derive(Clone, Copy)]
pub enum Key {
    Str(&'static str),
    /// A well-known symbol (`Atom::SYM_*`) or predefined atom.
    Atom(Atom),
}

/// A constant value in a table.
#[derive(Clone, Copy)]
pub enum Val {
    Undefined,
    Bool(bool),
    Int(i32),
    Num(f64),
    Str(&'static str),
    Intrinsic(Intrinsic),
}

/// What a table entry installs.
#[derive(Clone, Copy)]
pub enum Kind {
    Method {
        f: NativeFn,
        length: u8,
        magic: u16,
    },
    Accessor {
        get: Option<NativeFn>,
        set: Option<NativeFn>,
        magic: u16,
    },
    Value(Val),
    /// The same value as another key of this object (e.g. `[Symbol.iterator]` = `values`).
    Alias(Key),
}

/// One property of a builtin object.
#[derive(Clone, Copy)]
pub struct Builtin {
    pub key: Key,
    pub kind: Kind,
    pub flags: u8,
}

/// `method!("name", length, f)`, `method!("name", length, f, magic)`,
/// `method!(@symbol SYM_X, length, f)`.
#[macro_export]
macro_rules! method {
    (@symbol $sym:ident, $len:expr, $f:expr) => {
        $crate::method!(@key $crate::builtins::Key::Atom($crate::atoms::Atom::$sym), $len, $f, 0)
    };
    (@symbol $sym:ident, $len:expr, $f:expr, $magic:expr) => {
        $crate::method!(@key $crate::builtins::Key::Atom($crate::atoms::Atom::$sym), $len, $f, $magic)
    };
    (@key $key:expr, $len:expr, $f:expr, $magic:expr) => {
        $crate::builtins::Builtin {
            key: $key,
            kind: $crate::builtins::Kind::Method { f: $f, length: $len, magic: $magic as u16 },
            flags: $crate::object::attrs::HIDDEN,
        }
    };
    ($name:literal, $len:expr, $f:expr) => {
        $crate::method!(@key $crate::builtins::Key::Str($name), $len, $f, 0)
    };
    ($name:literal, $len:expr, $f:expr, $magic:expr) => {
        $crate::method!(@key $crate::builtins::Key::Str($name), $len, $f, $magic)
    };
}

/// `getter!("name", f)` / `getter!(@symbol SYM_X, f)`: a configurable accessor without setter.
#[macro_export]
macro_rules! getter {
    (@symbol $sym:ident, $f:expr) => {
        $crate::builtins::Builtin {
            key: $crate::builtins::Key::Atom($crate::atoms::Atom::$sym),
            kind: $crate::builtins::Kind::Accessor {
                get: Some($f),
                set: None,
                magic: 0,
            },
            flags: $crate::object::attrs::CONFIGURABLE,
        }
    };
    ($name:literal, $f:expr) => {
        $crate::getter!($name, $f, 0)
    };
    ($name:literal, $f:expr, $magic:expr) => {
        $crate::builtins::Builtin {
            key: $crate::builtins::Key::Str($name),
            kind: $crate::builtins::Kind::Accessor {
                get: Some($f),
                set: None,
                magic: $magic as u16,
            },
            flags: $crate::object::attrs::CONFIGURABLE,
        }
    };
}

/// `accessor!("name", get, set)`: a configurable getter/setter pair.
#[macro_export]
macro_rules! accessor {
    ($name:literal, $g:expr, $s:expr) => {
        $crate::builtins::Builtin {
            key: $crate::builtins::Key::Str($name),
            kind: $crate::builtins::Kind::Accessor {
                get: Some($g),
                set: Some($s),
                magic: 0,
            },
            flags: $crate::object::attrs::CONFIGURABLE,
        }
    };
}

/// `value!("name", Val::..., flags)` / `value!(@symbol SYM_X, Val::..., flags)`.
#[macro_export]
macro_rules! value {
    (@symbol $sym:ident, $v:expr, $flags:expr) => {
        $crate::builtins::Builtin {
            key: $crate::builtins::Key::Atom($crate::atoms::Atom::$sym),
            kind: $crate::builtins::Kind::Value($v),
            flags: $flags,
        }
    };
    ($name:literal, $v:expr, $flags:expr) => {
        $crate::builtins::Builtin {
            key: $crate::builtins::Key::Str($name),
            kind: $crate::builtins::Kind::Value($v),
            flags: $flags,
        }
    };
}

/// `alias!("new", "old")` / `alias!(@symbol SYM_X, "old")`: same value as an earlier key.
#[macro_export]
macro_rules! alias {
    (@symbol $sym:ident, $old:literal) => {
        $crate::builtins::Builtin {
            key: $crate::builtins::Key::Atom($crate::atoms::Atom::$sym),
            kind: $crate::builtins::Kind::Alias($crate::builtins::Key::Str($old)),
            flags: $crate::object::attrs::HIDDEN,
        }
    };
    ($name:literal, $old:literal) => {
        $crate::builtins::Builtin {
            key: $crate::builtins::Key::Str($name),
            kind: $crate::builtins::Kind::Alias($crate::builtins::Key::Str($old)),
            flags: $crate::object::attrs::HIDDEN,
        }
    };
}

fn key_atom(cx: &mut Cx, k: Key) -> Atom {
    match k {
        Key::Str(s) => cx.intern(s),
        Key::Atom(a) => a,
    }
}

fn val_to_value(cx: &mut Cx, v: Val) -> JsResult<Value> {
    Ok(match v {
        Val::Undefined => Value::Undefined,
        Val::Bool(b) => Value::Bool(b),
        Val::Int(i) => Value::Int(i),
        Val::Num(n) => Value::number(n),
        Val::Str(s) => Value::String(cx.new_string(s)?),
        Val::Intrinsic(i) => cx.intrinsic(i),
    })
}

/// Installs every entry of `table` on `obj`.
pub fn install(cx: &mut Cx, obj: &Obj, table: &[Builtin]) -> JsResult<()> {
    for b in table {
        let key = key_atom(cx, b.key);
        match b.kind {
            Kind::Method { f, length, magic } => {
                let fo = new_native_function(cx, f, key, length as u32, magic, false)?;
                define_value(cx, obj, key, Value::Object(fo), b.flags)?;
            }
            Kind::Accessor { get, set, magic } => {
                let g = match get {
                    Some(f) => {
                        let fo = new_native_function(cx, f, key, 0, magic, false)?;
                        let n = function_name_string(cx, key, Some("get"))?;
                        define_value(cx, &fo, Atom::Name, Value::String(n), attrs::CONFIGURABLE)?;
                        Some(fo)
                    }
                    None => None,
                };
                let s = match set {
                    Some(f) => {
                        let fo = new_native_function(cx, f, key, 1, magic, false)?;
                        let n = function_name_string(cx, key, Some("set"))?;
                        define_value(cx, &fo, Atom::Name, Value::String(n), attrs::CONFIGURABLE)?;
                        Some(fo)
                    }
                    None => None,
                };
                let exists = obj.borrow().find(key);
                let mut o = obj.borrow_mut();
                match exists {
                    Some(p) => o.redefine(cx, key, p, PropValue::Accessor(g, s), b.flags)?,
                    None => o.add(cx, key, PropValue::Accessor(g, s), b.flags)?,
                }
            }
            Kind::Value(v) => {
                let v = val_to_value(cx, v)?;
                define_value(cx, obj, key, v, b.flags)?;
            }
            Kind::Alias(old) => {
                let old = key_atom(cx, old);
                let v = crate::object::ops::get(cx, obj, old)?;
                define_value(cx, obj, key, v, b.flags)?;
            }
        }
    }
    Ok(())
}

/// A builtin class (constructor + prototype) or namespace object.
pub struct ClassDef {
    /// Global name, constructor `name`.
    pub name: &'static str,
    /// Constructor function, its `length` and `magic`; `None` for a plain prototype/namespace.
    pub ctor: Option<(NativeFn, u8, u16)>,
    pub ctor_intrinsic: Option<Intrinsic>,
    /// [[Prototype]] of the constructor (default %Function.prototype%).
    pub ctor_parent: Option<Intrinsic>,
    pub proto_intrinsic: Option<Intrinsic>,
    /// [[Prototype]] of the prototype (`None` → %Object.prototype%).
    pub proto_parent: Option<Intrinsic>,
    /// Class payload of the prototype object itself (e.g. Array.prototype is an Array).
    pub proto_class: fn() -> ObjectData,
    pub statics: &'static [Builtin],
    pub proto: &'static [Builtin],
    /// Define the constructor on the global object.
    pub global: bool,
}

/// `ObjectData::Ordinary`, the default for `proto_class`.
pub fn ordinary() -> ObjectData {
    ObjectData::Ordinary
}

impl ClassDef {
    /// A definition with defaults; fill in with struct update syntax.
    pub const DEFAULT: ClassDef = ClassDef {
        name: "",
        ctor: None,
        ctor_intrinsic: None,
        ctor_parent: None,
        proto_intrinsic: None,
        proto_parent: None,
        proto_class: ordinary,
        statics: &[],
        proto: &[],
        global: true,
    };
}

/// Creates (or completes, if the intrinsic already exists) a class from its definition.
/// Returns the constructor (or the prototype when there is no constructor).
pub fn install_class(cx: &mut Cx, def: &ClassDef) -> JsResult<Obj> {
    // Prototype object.
    let proto = match def.proto_intrinsic.and_then(|i| cx.intrinsic_obj(i)) {
        Some(p) => Some(p),
        None if def.proto_intrinsic.is_some() || !def.proto.is_empty() => {
            let parent = cx.intrinsic_obj(def.proto_parent.unwrap_or(Intrinsic::ObjectPrototype));
            let p = Obj::new(cx, parent, (def.proto_class)())?;
            if let Some(i) = def.proto_intrinsic {
                cx.realm.set_intrinsic(i, Value::Object(p.clone()));
            }
            Some(p)
        }
        None => None,
    };
    let ctor = match def.ctor {
        Some((f, length, magic)) => {
            let name = cx.intern(def.name);
            let c = match def.ctor_intrinsic.and_then(|i| cx.intrinsic_obj(i)) {
                Some(c) => c,
                None => new_native_function(cx, f, name, length as u32, magic, true)?,
            };
            if let Some(p) = def.ctor_parent.and_then(|i| cx.intrinsic_obj(i)) {
                c.borrow_mut().proto = Some(p);
            }
            if let Some(i) = def.ctor_intrinsic {
                cx.realm.set_intrinsic(i, Value::Object(c.clone()));
            }
            if let Some(p) = &proto {
                define_value(cx, &c, Atom::Prototype, Value::Object(p.clone()), 0)?;
                define_value(
                    cx,
                    p,
                    Atom::Constructor,
                    Value::Object(c.clone()),
                    attrs::HIDDEN,
                )?;
            }
            install(cx, &c, def.statics)?;
            Some(c)
        }
        None => None,
    };
    if let Some(p) = &proto {
        install(cx, p, def.proto)?;
    }
    let result = match (ctor, proto) {
        (Some(c), _) => c,
        (None, Some(p)) => p,
        (None, None) => {
            // A namespace object (Math, JSON, Reflect): statics on an ordinary object.
            let op = cx.intrinsic_obj(Intrinsic::ObjectPrototype);
            let o = Obj::new(cx, op, ObjectData::Ordinary)?;
            install(cx, &o, def.statics)?;
            o
        }
    };
    if def.global && !def.name.is_empty() {
        let g = cx.global();
        let name = cx.intern(def.name);
        define_value(cx, &g, name, Value::Object(result.clone()), attrs::HIDDEN)?;
    }
    Ok(result)
}

/// Global value properties. Spec: #sec-value-properties-of-the-global-object
static GLOBAL: &[Builtin] = &[
    value!("NaN", Val::Num(f64::NAN), 0),
    value!("Infinity", Val::Num(f64::INFINITY), 0),
    value!("undefined", Val::Undefined, 0),
];

/// Creates the intrinsics and the global object of `cx`'s current realm.
pub fn init_realm(cx: &mut Cx) -> JsResult<()> {
    // %Object.prototype% (an immutable-prototype exotic object) and %Function.prototype%
    // (a native function returning undefined) come first: everything else points at them.
    let op = Obj::new(cx, None, ObjectData::Ordinary)?;
    op.borrow_mut().immutable_proto = true;
    cx.realm
        .set_intrinsic(Intrinsic::ObjectPrototype, Value::Object(op.clone()));
    let fp = new_native_function(
        cx,
        function::function_prototype_call,
        Atom::Empty,
        0,
        0,
        false,
    )?;
    fp.borrow_mut().proto = Some(op.clone());
    cx.realm
        .set_intrinsic(Intrinsic::FunctionPrototype, Value::Object(fp));
    let global = Obj::new(cx, Some(op), ObjectData::Ordinary)?;
    cx.realm.global = global.clone();
    install(cx, &global, GLOBAL)?;
    define_value(
        cx,
        &global,
        Atom::GlobalThis,
        Value::Object(global.clone()),
        attrs::HIDDEN,
    )?;

    // One line per family, in dependency order.
    object::init(cx)?;
    function::init(cx)?;
    error::init(cx)?;
    iterator::init(cx)?;
    proxy::init(cx)?;
    regexp::init(cx)?;
    global::init(cx)?;
    math::init(cx)?;
    json::init(cx)?;
    bigint::init(cx)?;
    map::init(cx)?;
    date::init(cx)?;
    reflect::init(cx)?;
    symbol::init(cx)?;
    boolean::init(cx)?;
    number::init(cx)?;
    array::init(cx)?;
    string::init(cx)?;
    arraybuffer::init(cx)?;
    typedarray::init(cx)?;
    dataview::init(cx)?;
    atomics::init(cx)?;
    // The VM's globals (print, console, eval, Promise, generators); keep last.
    crate::vm::global::init(cx)?;
    disposable::init(cx)?;
    crate::vm::dispose::init(cx)?;
    Ok(())
}

/// Argument `i` or undefined.
#[inline]
pub fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or(Value::Undefined)
}
