//! RegExp objects: the constructor, `RegExp.prototype` (exec, test, toString, the flag
//! getters, Annex B `compile`, and the `Symbol.match/matchAll/replace/search/split`
//! protocol methods), and %RegExpStringIteratorPrototype%. Spec: #sec-regexp-regular-expression-objects
//!
//! The matching itself is the `regexp` module's; this file is the JS surface. A RegExp object
//! carries `ObjectData::RegExp` ([`RegExpData`]: original source and flags plus the compiled
//! matcher, shared through `Rc` so no object borrow is held while matching). `lastIndex` is
//! an ordinary own data property, as the spec has it.
//!
//! String.prototype.match/matchAll/replace/replaceAll/search/split reach this file through
//! the `Symbol.*` methods; GetSubstitution and IsRegExp are string.rs's.

use std::rc::Rc;

use super::string::{get_substitution, is_regexp, StrBuf};
use super::{arg, install, install_class, Builtin, ClassDef, Val};
use crate::atoms::Atom;
use crate::object::array::array_create;
use crate::object::ops::{
    create_array_from_list, create_data_property_or_throw, define_property_or_throw, get, get_v,
    index_key, new_object, ordinary_create_from_constructor, set, species_constructor,
};
use crate::object::{attrs, call, construct, is_callable, Obj, ObjectData, PropertyDescriptor};
use crate::realm::{Cx, Intrinsic, JsResult, Throw};
use crate::regexp::{self, ExecControl, ExecError, Input, Regex};
use crate::strings::{JsString, Units};
use crate::value::conv::{to_integer_or_infinity, to_length, to_object, to_string, to_uint32};
use crate::value::{same_value, Value};
use crate::{getter, method, value};

/// [[OriginalSource]], [[OriginalFlags]] and [[RegExpMatcher]] of a RegExp instance.
pub struct RegExpData {
    pub source: JsString,
    pub flags: JsString,
    pub matcher: Rc<Regex>,
}

/// State of a %RegExpStringIterator% (spec #sec-createregexpstringiterator).
pub struct RegExpStringIteratorData {
    pub regexp: Obj,
    pub string: JsString,
    pub global: bool,
    pub unicode: bool,
    pub done: bool,
}

static STATICS: &[Builtin] = &[
    method!("escape", 1, escape),
    getter!(@symbol SYM_SPECIES, species),
];

/// Magic of the flag getters: the flag's code unit.
static PROTO: &[Builtin] = &[
    method!("exec", 1, exec),
    method!("test", 1, test),
    method!("toString", 0, to_string_method),
    method!("compile", 2, compile),
    getter!("flags", flags_getter),
    getter!("source", source_getter),
    getter!("hasIndices", flag_getter, b'd'),
    getter!("global", flag_getter, b'g'),
    getter!("ignoreCase", flag_getter, b'i'),
    getter!("multiline", flag_getter, b'm'),
    getter!("dotAll", flag_getter, b's'),
    getter!("unicode", flag_getter, b'u'),
    getter!("unicodeSets", flag_getter, b'v'),
    getter!("sticky", flag_getter, b'y'),
    method!(@symbol SYM_MATCH, 1, symbol_match),
    method!(@symbol SYM_MATCH_ALL, 1, symbol_match_all),
    method!(@symbol SYM_REPLACE, 2, symbol_replace),
    method!(@symbol SYM_SEARCH, 1, symbol_search),
    method!(@symbol SYM_SPLIT, 2, symbol_split),
];

static ITERATOR_PROTO: &[Builtin] = &[
    method!("next", 0, iterator_next),
    value!(@symbol SYM_TO_STRING_TAG, Val::Str("RegExp String Iterator"), attrs::CONFIGURABLE),
];

pub fn init(cx: &mut Cx) -> JsResult<()> {
    install_class(
        cx,
        &ClassDef {
            name: "RegExp",
            ctor: Some((constructor, 2, 0)),
            ctor_intrinsic: Some(Intrinsic::RegExp),
            proto_intrinsic: Some(Intrinsic::RegExpPrototype),
            statics: STATICS,
            proto: PROTO,
            ..ClassDef::DEFAULT
        },
    )?;
    // %IteratorPrototype% may not exist yet (families install in any order): create it
    // here; the iterator family completes the same object (install_class reuses it).
    let parent = match cx.intrinsic_obj(Intrinsic::IteratorPrototype) {
        Some(p) => p,
        None => {
            let op = cx.intrinsic_obj(Intrinsic::ObjectPrototype);
            let p = Obj::new(cx, op, ObjectData::Ordinary)?;
            cx.realm
                .set_intrinsic(Intrinsic::IteratorPrototype, Value::Object(p.clone()));
            p
        }
    };
    let parent = Some(parent);
    let it = Obj::new(cx, parent, ObjectData::Ordinary)?;
    install(cx, &it, ITERATOR_PROTO)?;
    cx.realm
        .set_intrinsic(Intrinsic::RegExpStringIteratorPrototype, Value::Object(it));
    Ok(())
}

// ---- helpers ----

fn intern(cx: &mut Cx, s: &str) -> Atom {
    cx.intern(s)
}

/// The RegExp data of `v`, if it is an initialized RegExp instance.
fn regexp_data(v: &Value) -> Option<(JsString, JsString, Rc<Regex>)> {
    let Value::Object(o) = v else { return None };
    match &o.borrow().class {
        ObjectData::RegExp(d) => Some((d.source.clone(), d.flags.clone(), d.matcher.clone())),
        _ => None,
    }
}

fn is_regexp_prototype(cx: &Cx, v: &Value) -> bool {
    match (v, cx.intrinsic_obj(Intrinsic::RegExpPrototype)) {
        (Value::Object(o), Some(p)) => Obj::ptr_eq(o, &p),
        _ => false,
    }
}

fn this_object(cx: &mut Cx, this: &Value, what: &str) -> JsResult<Obj> {
    match this {
        Value::Object(o) => Ok(o.clone()),
        _ => Err(cx.throw_type_error(&format!("{what} called on a non-object"))),
    }
}

fn str_value(cx: &mut Cx, s: &str) -> JsResult<Value> {
    Ok(Value::String(cx.new_string(s)?))
}

fn substring(cx: &mut Cx, s: &JsString, a: usize, b: usize) -> JsResult<JsString> {
    let r = s.substring(&cx.heap, a, b);
    cx.oom(r)
}

fn number(n: usize) -> Value {
    Value::number(n as f64)
}

/// Spec: #sec-advancestringindex
fn advance_string_index(s: &JsString, index: u64, unicode: bool) -> u64 {
    if !unicode {
        return index + 1;
    }
    let len = s.len() as u64;
    if index + 1 >= len {
        return index + 1;
    }
    let i = index as usize;
    match (s.code_unit(i), s.code_unit(i + 1)) {
        (Some(a), Some(b)) if (0xD800..0xDC00).contains(&a) && (0xDC00..0xE000).contains(&b) => {
            index + 2
        }
        _ => index + 1,
    }
}

fn set_last_index(cx: &mut Cx, r: &Obj, v: Value) -> JsResult<()> {
    set(cx, r, Atom::LastIndex, v, true)
}

/// Adapts the runtime's interrupt budget and heap accounting to the matcher.
struct Control<'a> {
    cx: &'a mut Cx,
    charged: usize,
    thrown: Option<Throw>,
}

impl ExecControl for Control<'_> {
    fn poll(&mut self) -> bool {
        match self.cx.poll_interrupt(256) {
            Ok(()) => true,
            Err(t) => {
                self.thrown = Some(t);
                false
            }
        }
    }
    fn charge(&mut self, bytes: usize) -> bool {
        if self.cx.heap.charge(bytes).is_ok() {
            self.charged += bytes;
            true
        } else {
            false
        }
    }
}

/// Runs the matcher over `s` from `start`; captures as code-unit ranges.
fn run_matcher(
    cx: &mut Cx,
    m: &Regex,
    s: &JsString,
    start: usize,
) -> JsResult<Option<Vec<Option<(usize, usize)>>>> {
    let view = s.view();
    let input = match view.units() {
        Units::Latin1(b) => Input::Latin1(b),
        Units::Utf16(u) => Input::Utf16(u),
    };
    let mut ctl = Control {
        cx,
        charged: 0,
        thrown: None,
    };
    let r = m.exec(input, start, &mut ctl);
    let (charged, thrown) = (ctl.charged, ctl.thrown.take());
    drop(view);
    cx.heap.refund(charged);
    match r {
        Ok(c) => Ok(c.map(|c| c.groups)),
        Err(ExecError::Interrupted) => Err(thrown.unwrap_or_else(|| cx.throw_interrupted())),
        Err(ExecError::OutOfMemory) => Err(cx.throw_out_of_memory()),
    }
}

// ---- construction ----

/// RegExp ( pattern, flags ). Spec: #sec-regexp-pattern-flags
fn constructor(
    cx: &mut Cx,
    _this: &Value,
    args: &[Value],
    new_target: &Value,
    _magic: u16,
) -> JsResult<Value> {
    let pattern = arg(args, 0);
    let flags = arg(args, 1);
    // 1. Let patternIsRegExp be ? IsRegExp(pattern).
    let pattern_is_regexp = is_regexp(cx, &pattern)?;
    // 2. If NewTarget is undefined, then
    let new_target = if new_target.is_undefined() {
        let nt = cx.intrinsic(Intrinsic::RegExp);
        if pattern_is_regexp && flags.is_undefined() {
            let pc = get_v(cx, &pattern, Atom::Constructor)?;
            if same_value(&nt, &pc) {
                return Ok(pattern);
            }
        }
        nt
    } else {
        new_target.clone()
    };
    // 4-6.
    let (p, f) = if let Some((src, fl, _)) = regexp_data(&pattern) {
        let f = if flags.is_undefined() {
            Value::String(fl)
        } else {
            flags
        };
        (Value::String(src), f)
    } else if pattern_is_regexp {
        let src = intern(cx, "source");
        let p = get_v(cx, &pattern, src)?;
        let f = if flags.is_undefined() {
            let fl = intern(cx, "flags");
            get_v(cx, &pattern, fl)?
        } else {
            flags
        };
        (p, f)
    } else {
        (pattern, flags)
    };
    // 7. Let O be ? RegExpAlloc(newTarget).
    let o = regexp_alloc(cx, &new_target)?;
    // 8. Return ? RegExpInitialize(O, P, F).
    regexp_initialize(cx, &o, &p, &f)?;
    Ok(Value::Object(o))
}

/// RegExpCreate ( P, F ) for regular expression literals and other engine callers.
/// Spec: #sec-regexpcreate
pub fn regexp_create(cx: &mut Cx, pattern: &JsString, flags: &JsString) -> JsResult<Value> {
    let ctor = cx.intrinsic(Intrinsic::RegExp);
    let o = regexp_alloc(cx, &ctor)?;
    regexp_initialize(
        cx,
        &o,
        &Value::String(pattern.clone()),
        &Value::String(flags.clone()),
    )?;
    Ok(Value::Object(o))
}

/// Spec: #sec-regexpalloc
fn regexp_alloc(cx: &mut Cx, new_target: &Value) -> JsResult<Obj> {
    let empty = cx.new_string("")?;
    let matcher = match compile_cached(&[], &[]) {
        Ok(m) => m,
        Err(e) => return Err(cx.throw_internal_error(&e)),
    };
    let data = RegExpData {
        source: empty.clone(),
        flags: empty,
        matcher,
    };
    let o = ordinary_create_from_constructor(
        cx,
        new_target,
        Intrinsic::RegExpPrototype,
        ObjectData::RegExp(Box::new(data)),
    )?;
    let desc = PropertyDescriptor {
        value: Some(Value::Undefined),
        writable: Some(true),
        enumerable: Some(false),
        configurable: Some(false),
        ..Default::default()
    };
    define_property_or_throw(cx, &o, Atom::LastIndex, desc)?;
    Ok(o)
}

/// Spec: #sec-regexpinitialize
fn regexp_initialize(cx: &mut Cx, o: &Obj, pattern: &Value, flags: &Value) -> JsResult<()> {
    // 1-4.
    let p = if pattern.is_undefined() {
        cx.new_string("")?
    } else {
        to_string(cx, pattern)?
    };
    let f = if flags.is_undefined() {
        cx.new_string("")?
    } else {
        to_string(cx, flags)?
    };
    let pu = p.to_utf16();
    let fu = f.to_utf16();
    // 5-16. Flag validation, parsing and compilation throw SyntaxError.
    let matcher = match compile_cached(&pu, &fu) {
        Ok(m) => m,
        Err(e) => return Err(cx.throw_syntax_error(&e)),
    };
    // The compiled program is charged to the object (refunded when it is freed).
    let bytes = matcher.memory_size();
    if cx.heap.charge(bytes).is_err() {
        return Err(cx.throw_out_of_memory());
    }
    {
        let mut b = o.borrow_mut();
        b.add_charged(bytes);
        if let ObjectData::RegExp(d) = &mut b.class {
            d.source = p;
            d.flags = f;
            d.matcher = matcher;
        }
    }
    // 17. Perform ? Set(obj, "lastIndex", +0𝔽, true).
    set_last_index(cx, o, Value::Int(0))
}

/// Patterns up to this many code units are kept in the compile cache.
const CACHE_MAX_PATTERN: usize = 256;
/// Entries of the compile cache.
const CACHE_ENTRIES: usize = 32;

thread_local! {
    /// Recently compiled (pattern, flags) → program, most recent first. A regex literal in a
    /// loop creates a new RegExp object each time (observably), but the immutable compiled
    /// program can be shared, so it is parsed and compiled once. Bounded: 32 entries of
    /// patterns up to 256 units.
    static COMPILE_CACHE: std::cell::RefCell<Vec<(Vec<u16>, Vec<u16>, Rc<Regex>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// `regexp::compile` through the compile cache.
fn compile_cached(p: &[u16], f: &[u16]) -> Result<Rc<Regex>, String> {
    if p.len() > CACHE_MAX_PATTERN {
        return regexp::compile(p, f).map(Rc::new);
    }
    let hit = COMPILE_CACHE.with(|c| {
        let mut c = c.borrow_mut();
        let i = c
            .iter()
            .position(|(cp, cf, _)| cp.as_slice() == p && cf.as_slice() == f)?;
        let e = c.remove(i);
        let m = e.2.clone();
        c.insert(0, e);
        Some(m)
    });
    if let Some(m) = hit {
        return Ok(m);
    }
    let m = Rc::new(regexp::compile(p, f)?);
    COMPILE_CACHE.with(|c| {
        let mut c = c.borrow_mut();
        c.truncate(CACHE_ENTRIES - 1);
        c.insert(0, (p.to_vec(), f.to_vec(), m.clone()));
    });
    Ok(m)
}

/// Annex B RegExp.prototype.compile ( pattern, flags ). Spec: #sec-regexp.prototype.compile
fn compile(cx: &mut Cx, this: &Value, args: &[Value], _nt: &Value, _m: u16) -> JsResult<Value> {
    let o = match this {
        Value::Object(o) if matches!(o.borrow().class, ObjectData::RegExp(_)) => o.clone(),
        _ => {
            return Err(
                cx.throw_type_error("RegExp.prototype.compile called on incompatible receiver")
            )
        }
    };
    let pattern = arg(args, 0);
    let flags = arg(args, 1);
    let (p, f) = if let Some((src, fl, _)) = regexp_data(&pattern) {
        if !flags.is_undefined() {
            return Err(cx.throw_type_error("flags must be undefined when pattern is a RegExp"));
        }
        (Value::String(src), Value::String(fl))
    } else {
        (pattern, flags)
    };
    regexp_initialize(cx, &o, &p, &f)?;
    Ok(Value::Object(o))
}

/// get RegExp [ @@species ]. Spec: #sec-get-regexp-@@species
fn species(_cx: &mut Cx, this: &Value, _a: &[Value], _nt: &Value, _m: u16) -> JsResult<Value> {
    Ok(this.clone())
}

// ---- exec ----

/// RegExp.prototype.exec ( string ). Spec: #sec-regexp.prototype.exec
fn exec(cx: &mut Cx, this: &Value, args: &[Value], _nt: &Value, _m: u16) -> JsResult<Value> {
    // 1-2. RequireInternalSlot(R, [[RegExpMatcher]]).
    let Value::Object(r) = this else {
        return Err(cx.throw_type_error("RegExp.prototype.exec called on incompatible receiver"));
    };
    if !matches!(r.borrow().class, ObjectData::RegExp(_)) {
        return Err(cx.throw_type_error("RegExp.prototype.exec called on incompatible receiver"));
    }
    // 3. Let S be ? ToString(string).
    let s = to_string(cx, &arg(args, 0))?;
    regexp_builtin_exec(cx, r, &s)
}

/// Spec: #sec-regexpbuiltinexec
pub fn regexp_builtin_exec(cx: &mut Cx, r: &Obj, s: &JsString) -> JsResult<Value> {
    let Some((_, flags, matcher)) = regexp_data(&Value::Object(r.clone())) else {
        return Err(cx.throw_type_error("not a RegExp"));
    };
    // 1-2.
    let length = s.len() as u64;
    let li = get(cx, r, Atom::LastIndex)?;
    let mut last_index = to_length(cx, &li)?;
    // 3-7. The flags come from [[OriginalFlags]]; the matcher was compiled with them.
    let f = matcher.flags();
    let _ = flags;
    let (global, sticky, has_indices) = (f.global, f.sticky, f.has_indices);
    if !global && !sticky {
        last_index = 0;
    }
    // 12-13. The matcher searches forward from lastIndex itself (only at lastIndex when
    // sticky), advancing by code points in unicode mode.
    if last_index > length {
        if global || sticky {
            set_last_index(cx, r, Value::Int(0))?;
        }
        return Ok(Value::Null);
    }
    let Some(groups) = run_matcher(cx, &matcher, s, last_index as usize)? else {
        if global || sticky {
            set_last_index(cx, r, Value::Int(0))?;
        }
        return Ok(Value::Null);
    };
    let Some(&Some((start, end))) = groups.first() else {
        return Err(cx.throw_internal_error("regexp match without group 0"));
    };
    // With `u`/`v`, a lastIndex inside a surrogate pair matches from the pair's start, but
    // the spec still reports `index` (and group 0) from lastIndex (steps 14, 22, 24).
    let start = start.max(last_index as usize).min(end);
    let mut groups = groups;
    if let Some(g0) = groups.first_mut() {
        *g0 = Some((start, end));
    }
    // 15-16.
    if global || sticky {
        set_last_index(cx, r, number(end))?;
    }
    // 18-34.
    let n = groups.len() - 1;
    let a = array_create(cx, (n + 1) as u64, None)?;
    create_data_property_or_throw(cx, &a, Atom::Index, number(start))?;
    create_data_property_or_throw(cx, &a, Atom::Input, Value::String(s.clone()))?;
    let mut values = Vec::with_capacity(n + 1);
    for g in &groups {
        values.push(match g {
            Some((a, b)) => Value::String(substring(cx, s, *a, *b)?),
            None => Value::Undefined,
        });
    }
    let k0 = index_key(cx, 0);
    create_data_property_or_throw(
        cx,
        &a,
        k0,
        values.first().cloned().unwrap_or(Value::Undefined),
    )?;
    let names = matcher.group_names();
    let groups_obj = if names.is_empty() {
        Value::Undefined
    } else {
        Value::Object(Obj::new(cx, None, ObjectData::Ordinary)?)
    };
    create_data_property_or_throw(cx, &a, Atom::Groups, groups_obj.clone())?;
    for (i, v) in values.iter().enumerate().skip(1) {
        let k = index_key(cx, i as u64);
        create_data_property_or_throw(cx, &a, k, v.clone())?;
    }
    if let Value::Object(go) = &groups_obj {
        for (name, idx) in names {
            let v = participating(idx, &values);
            let k = cx.intern(name);
            create_data_property_or_throw(cx, go, k, v)?;
        }
    }
    if has_indices {
        let ia = array_create(cx, (n + 1) as u64, None)?;
        let igroups = if names.is_empty() {
            Value::Undefined
        } else {
            Value::Object(Obj::new(cx, None, ObjectData::Ordinary)?)
        };
        create_data_property_or_throw(cx, &ia, Atom::Groups, igroups.clone())?;
        let mut pairs = Vec::with_capacity(n + 1);
        for g in &groups {
            pairs.push(match g {
                Some((x, y)) => {
                    Value::Object(create_array_from_list(cx, &[number(*x), number(*y)])?)
                }
                None => Value::Undefined,
            });
        }
        for (i, p) in pairs.iter().enumerate() {
            let k = index_key(cx, i as u64);
            create_data_property_or_throw(cx, &ia, k, p.clone())?;
        }
        if let Value::Object(go) = &igroups {
            for (name, idx) in names {
                let v = participating(idx, &pairs);
                let k = cx.intern(name);
                create_data_property_or_throw(cx, go, k, v)?;
            }
        }
        let ik = Atom::Indices;
        create_data_property_or_throw(cx, &a, ik, Value::Object(ia))?;
    }
    Ok(Value::Object(a))
}

/// The value of the group among `idx` (duplicate names) that participated, else undefined.
fn participating(idx: &[u32], values: &[Value]) -> Value {
    idx.iter()
        .filter_map(|&i| values.get(i as usize))
        .find(|v| !v.is_undefined())
        .cloned()
        .unwrap_or(Value::Undefined)
}

/// Spec: #sec-regexpexec
pub fn regexp_exec(cx: &mut Cx, r: &Obj, s: &JsString) -> JsResult<Value> {
    // 1. Let exec be ? Get(R, "exec").
    let exec_key = intern(cx, "exec");
    let exec = get(cx, r, exec_key)?;
    // 2. If IsCallable(exec) is true, then
    if is_callable(&exec) {
        let result = call(
            cx,
            &exec,
            &Value::Object(r.clone()),
            &[Value::String(s.clone())],
        )?;
        if !matches!(result, Value::Object(_) | Value::Null) {
            return Err(cx.throw_type_error("exec result must be an object or null"));
        }
        return Ok(result);
    }
    // 3-4.
    if !matches!(r.borrow().class, ObjectData::RegExp(_)) {
        return Err(cx.throw_type_error("RegExp exec method called on incompatible receiver"));
    }
    regexp_builtin_exec(cx, r, s)
}

/// RegExp.prototype.test ( S ). Spec: #sec-regexp.prototype.test
fn test(cx: &mut Cx, this: &Value, args: &[Value], _nt: &Value, _m: u16) -> JsResult<Value> {
    let r = this_object(cx, this, "RegExp.prototype.test")?;
    let s = to_string(cx, &arg(args, 0))?;
    let m = regexp_exec(cx, &r, &s)?;
    Ok(Value::Bool(!m.is_null()))
}

/// RegExp.prototype.toString ( ). Spec: #sec-regexp.prototype.tostring
fn to_string_method(
    cx: &mut Cx,
    this: &Value,
    _args: &[Value],
    _nt: &Value,
    _m: u16,
) -> JsResult<Value> {
    let r = this_object(cx, this, "RegExp.prototype.toString")?;
    let sk = intern(cx, "source");
    let sv = get(cx, &r, sk)?;
    let pattern = to_string(cx, &sv)?;
    let fk = intern(cx, "flags");
    let fv = get(cx, &r, fk)?;
    let flags = to_string(cx, &fv)?;
    let mut out = vec![b'/' as u16];
    out.extend(pattern.to_utf16());
    out.push(b'/' as u16);
    out.extend(flags.to_utf16());
    Ok(Value::String(cx.new_string_utf16(&out)?))
}

// ---- accessors ----

/// get RegExp.prototype.flags. Spec: #sec-get-regexp.prototype.flags
fn flags_getter(cx: &mut Cx, this: &Value, _a: &[Value], _nt: &Value, _m: u16) -> JsResult<Value> {
    let r = this_object(cx, this, "RegExp.prototype.flags getter")?;
    let mut out = String::new();
    for (name, c) in [
        ("hasIndices", 'd'),
        ("global", 'g'),
        ("ignoreCase", 'i'),
        ("multiline", 'm'),
        ("dotAll", 's'),
        ("unicode", 'u'),
        ("unicodeSets", 'v'),
        ("sticky", 'y'),
    ] {
        let k = intern(cx, name);
        if get(cx, &r, k)?.to_boolean() {
            out.push(c);
        }
    }
    str_value(cx, &out)
}

/// The flag getters (`magic` is the flag letter). Spec: #sec-regexphasflag
fn flag_getter(
    cx: &mut Cx,
    this: &Value,
    _a: &[Value],
    _nt: &Value,
    magic: u16,
) -> JsResult<Value> {
    if !this.is_object() {
        return Err(cx.throw_type_error("RegExp flag getter called on a non-object"));
    }
    let Some((_, flags, _)) = regexp_data(this) else {
        if is_regexp_prototype(cx, this) {
            return Ok(Value::Undefined);
        }
        return Err(cx.throw_type_error("RegExp flag getter called on incompatible receiver"));
    };
    Ok(Value::Bool(flags.to_utf16().contains(&magic)))
}

/// get RegExp.prototype.source. Spec: #sec-get-regexp.prototype.source
fn source_getter(cx: &mut Cx, this: &Value, _a: &[Value], _nt: &Value, _m: u16) -> JsResult<Value> {
    if !this.is_object() {
        return Err(cx.throw_type_error("RegExp.prototype.source getter called on a non-object"));
    }
    let Some((src, _, _)) = regexp_data(this) else {
        if is_regexp_prototype(cx, this) {
            return str_value(cx, "(?:)");
        }
        return Err(
            cx.throw_type_error("RegExp.prototype.source getter called on incompatible receiver")
        );
    };
    let escaped = escape_regexp_pattern(&src.to_utf16());
    Ok(Value::String(cx.new_string_utf16(&escaped)?))
}

/// Spec: #sec-escaperegexppattern — `/` and line terminators escaped so that
/// `/${source}/${flags}` reparses to the same pattern; the empty pattern is `(?:)`.
fn escape_regexp_pattern(src: &[u16]) -> Vec<u16> {
    if src.is_empty() {
        return "(?:)".encode_utf16().collect();
    }
    let mut out = Vec::with_capacity(src.len());
    let mut in_class = false;
    let mut i = 0;
    while let Some(&c) = src.get(i) {
        match c {
            0x5C => {
                out.push(c);
                if let Some(&d) = src.get(i + 1) {
                    // An escaped line terminator still needs its escape form.
                    match d {
                        0x0A => out.push(b'n' as u16),
                        0x0D => out.push(b'r' as u16),
                        0x2028 => out.extend("u2028".encode_utf16()),
                        0x2029 => out.extend("u2029".encode_utf16()),
                        _ => out.push(d),
                    }
                    i += 1;
                }
            }
            0x2F if !in_class => out.extend([0x5C, 0x2F]),
            0x5B => {
                in_class = true;
                out.push(c);
            }
            0x5D => {
                in_class = false;
                out.push(c);
            }
            0x0A => out.extend("\\n".encode_utf16()),
            0x0D => out.extend("\\r".encode_utf16()),
            0x2028 => out.extend("\\u2028".encode_utf16()),
            0x2029 => out.extend("\\u2029".encode_utf16()),
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

// ---- Symbol.match / matchAll / search ----

fn flags_of(cx: &mut Cx, rx: &Obj) -> JsResult<Vec<u16>> {
    let fk = intern(cx, "flags");
    let f = get(cx, rx, fk)?;
    Ok(to_string(cx, &f)?.to_utf16())
}

/// RegExp.prototype [ @@match ] ( string ). Spec: #sec-regexp.prototype-@@match
fn symbol_match(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _nt: &Value,
    _m: u16,
) -> JsResult<Value> {
    let rx = this_object(cx, this, "RegExp.prototype[Symbol.match]")?;
    let s = to_string(cx, &arg(args, 0))?;
    let flags = flags_of(cx, &rx)?;
    if !flags.contains(&(b'g' as u16)) {
        return regexp_exec(cx, &rx, &s);
    }
    let full_unicode = flags.contains(&(b'u' as u16)) || flags.contains(&(b'v' as u16));
    set_last_index(cx, &rx, Value::Int(0))?;
    let a = array_create(cx, 0, None)?;
    let mut n = 0u64;
    loop {
        let result = regexp_exec(cx, &rx, &s)?;
        let Value::Object(res) = result else {
            return Ok(if n == 0 {
                Value::Null
            } else {
                Value::Object(a)
            });
        };
        let k0 = index_key(cx, 0);
        let m = get(cx, &res, k0)?;
        let match_str = to_string(cx, &m)?;
        let k = index_key(cx, n);
        create_data_property_or_throw(cx, &a, k, Value::String(match_str.clone()))?;
        if match_str.is_empty() {
            let li = get(cx, &rx, Atom::LastIndex)?;
            let this_index = to_length(cx, &li)?;
            let next = advance_string_index(&s, this_index, full_unicode);
            set_last_index(cx, &rx, Value::number(next as f64))?;
        }
        n += 1;
        cx.poll_interrupt(1)?;
    }
}

/// RegExp.prototype [ @@search ] ( string ). Spec: #sec-regexp.prototype-@@search
fn symbol_search(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _nt: &Value,
    _m: u16,
) -> JsResult<Value> {
    let rx = this_object(cx, this, "RegExp.prototype[Symbol.search]")?;
    let s = to_string(cx, &arg(args, 0))?;
    let previous = get(cx, &rx, Atom::LastIndex)?;
    if !same_value(&previous, &Value::Int(0)) {
        set_last_index(cx, &rx, Value::Int(0))?;
    }
    let result = regexp_exec(cx, &rx, &s)?;
    let current = get(cx, &rx, Atom::LastIndex)?;
    if !same_value(&current, &previous) {
        set_last_index(cx, &rx, previous)?;
    }
    match result {
        Value::Object(o) => get(cx, &o, Atom::Index),
        _ => Ok(Value::Int(-1)),
    }
}

/// RegExp.prototype [ @@matchAll ] ( string ). Spec: #sec-regexp-prototype-@@matchall
fn symbol_match_all(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _nt: &Value,
    _m: u16,
) -> JsResult<Value> {
    let r = this_object(cx, this, "RegExp.prototype[Symbol.matchAll]")?;
    let s = to_string(cx, &arg(args, 0))?;
    let default = cx.intrinsic(Intrinsic::RegExp);
    let c = species_constructor(cx, &r, default)?;
    let flags = flags_of(cx, &r)?;
    let fv = Value::String(cx.new_string_utf16(&flags)?);
    let matcher = construct(cx, &c, &[Value::Object(r.clone()), fv], &c)?;
    let Value::Object(matcher) = matcher else {
        return Err(cx.throw_type_error("species constructor returned a non-object"));
    };
    let li = get(cx, &r, Atom::LastIndex)?;
    let last_index = to_length(cx, &li)?;
    set_last_index(cx, &matcher, Value::number(last_index as f64))?;
    let global = flags.contains(&(b'g' as u16));
    let unicode = flags.contains(&(b'u' as u16)) || flags.contains(&(b'v' as u16));
    let proto = cx.intrinsic_obj(Intrinsic::RegExpStringIteratorPrototype);
    let data = RegExpStringIteratorData {
        regexp: matcher,
        string: s,
        global,
        unicode,
        done: false,
    };
    let it = Obj::new(cx, proto, ObjectData::RegExpStringIterator(Box::new(data)))?;
    Ok(Value::Object(it))
}

fn iter_result(cx: &mut Cx, v: Value, done: bool) -> JsResult<Value> {
    let o = new_object(cx)?;
    let vk = intern(cx, "value");
    create_data_property_or_throw(cx, &o, vk, v)?;
    let dk = intern(cx, "done");
    create_data_property_or_throw(cx, &o, dk, Value::Bool(done))?;
    Ok(Value::Object(o))
}

/// %RegExpStringIteratorPrototype%.next ( ). Spec: #sec-%regexpstringiteratorprototype%.next
fn iterator_next(cx: &mut Cx, this: &Value, _a: &[Value], _nt: &Value, _m: u16) -> JsResult<Value> {
    let Value::Object(o) = this else {
        return Err(cx.throw_type_error("not a RegExp String Iterator"));
    };
    let state = match &o.borrow().class {
        ObjectData::RegExpStringIterator(d) => Some((
            d.regexp.clone(),
            d.string.clone(),
            d.global,
            d.unicode,
            d.done,
        )),
        _ => None,
    };
    let Some((r, s, global, unicode, done)) = state else {
        return Err(cx.throw_type_error("not a RegExp String Iterator"));
    };
    if done {
        return iter_result(cx, Value::Undefined, true);
    }
    let set_done = |o: &Obj| {
        if let ObjectData::RegExpStringIterator(d) = &mut o.borrow_mut().class {
            d.done = true;
        }
    };
    let m = regexp_exec(cx, &r, &s)?;
    let Value::Object(mo) = m else {
        set_done(o);
        return iter_result(cx, Value::Undefined, true);
    };
    if !global {
        set_done(o);
        return iter_result(cx, Value::Object(mo), false);
    }
    let k0 = index_key(cx, 0);
    let v = get(cx, &mo, k0)?;
    let match_str = to_string(cx, &v)?;
    if match_str.is_empty() {
        let li = get(cx, &r, Atom::LastIndex)?;
        let this_index = to_length(cx, &li)?;
        let next = advance_string_index(&s, this_index, unicode);
        set_last_index(cx, &r, Value::number(next as f64))?;
    }
    iter_result(cx, Value::Object(mo), false)
}

// ---- Symbol.replace ----

/// RegExp.prototype [ @@replace ] ( string, replaceValue ).
/// Spec: #sec-regexp.prototype-@@replace
fn symbol_replace(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _nt: &Value,
    _m: u16,
) -> JsResult<Value> {
    let rx = this_object(cx, this, "RegExp.prototype[Symbol.replace]")?;
    let s = to_string(cx, &arg(args, 0))?;
    let length_s = s.len();
    let mut replace_value = arg(args, 1);
    let functional = is_callable(&replace_value);
    if !functional {
        replace_value = Value::String(to_string(cx, &replace_value)?);
    }
    let flags = flags_of(cx, &rx)?;
    let global = flags.contains(&(b'g' as u16));
    let full_unicode = flags.contains(&(b'u' as u16)) || flags.contains(&(b'v' as u16));
    if global {
        set_last_index(cx, &rx, Value::Int(0))?;
    }
    // 11-12. Collect the results.
    let mut results: Vec<Obj> = Vec::new();
    loop {
        let result = regexp_exec(cx, &rx, &s)?;
        let Value::Object(res) = result else { break };
        results.push(res.clone());
        if !global {
            break;
        }
        let k0 = index_key(cx, 0);
        let m = get(cx, &res, k0)?;
        let match_str = to_string(cx, &m)?;
        if match_str.is_empty() {
            let li = get(cx, &rx, Atom::LastIndex)?;
            let this_index = to_length(cx, &li)?;
            let next = advance_string_index(&s, this_index, full_unicode);
            set_last_index(cx, &rx, Value::number(next as f64))?;
        }
        cx.poll_interrupt(1)?;
    }
    // 14-15.
    let su = s.to_utf16();
    let mut acc: Vec<u16> = Vec::new();
    let mut next_source_position = 0usize;
    for res in results {
        let n_captures = {
            let len = get(cx, &res, Atom::Length)?;
            to_length(cx, &len)?.saturating_sub(1)
        };
        let k0 = index_key(cx, 0);
        let m = get(cx, &res, k0)?;
        let matched = to_string(cx, &m)?;
        let match_length = matched.len();
        let pv = get(cx, &res, Atom::Index)?;
        let position = to_integer_or_infinity(cx, &pv)?.clamp(0.0, length_s as f64) as usize;
        let mut captures: Vec<Value> = Vec::new();
        for n in 1..=n_captures {
            let k = index_key(cx, n);
            let c = get(cx, &res, k)?;
            let c = if c.is_undefined() {
                c
            } else {
                Value::String(to_string(cx, &c)?)
            };
            captures.push(c);
            cx.poll_interrupt(1)?;
        }
        let named = get(cx, &res, Atom::Groups)?;
        let replacement: Vec<u16> = if functional {
            let mut call_args = vec![Value::String(matched.clone())];
            call_args.extend(captures.iter().cloned());
            call_args.push(number(position));
            call_args.push(Value::String(s.clone()));
            if !named.is_undefined() {
                call_args.push(named.clone());
            }
            let rv = call(cx, &replace_value, &Value::Undefined, &call_args)?;
            to_string(cx, &rv)?.to_utf16()
        } else {
            let named = if named.is_undefined() {
                Value::Undefined
            } else {
                Value::Object(to_object(cx, &named)?)
            };
            let Value::String(template) = &replace_value else {
                return Err(cx.throw_internal_error("replace template is not a string"));
            };
            let template = template.to_utf16();
            let mut buf = StrBuf::new();
            get_substitution(
                cx,
                &matched.to_utf16(),
                &su,
                position,
                &captures,
                &named,
                &template,
                &mut buf,
            )?;
            buf.units().to_vec()
        };
        if position >= next_source_position {
            acc.extend_from_slice(su.get(next_source_position..position).unwrap_or(&[]));
            acc.extend_from_slice(&replacement);
            next_source_position = position + match_length;
        }
    }
    if next_source_position < length_s {
        acc.extend_from_slice(su.get(next_source_position..).unwrap_or(&[]));
    }
    Ok(Value::String(cx.new_string_utf16(&acc)?))
}

// ---- Symbol.split ----

/// RegExp.prototype [ @@split ] ( string, limit ). Spec: #sec-regexp.prototype-@@split
fn symbol_split(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _nt: &Value,
    _m: u16,
) -> JsResult<Value> {
    let rx = this_object(cx, this, "RegExp.prototype[Symbol.split]")?;
    let s = to_string(cx, &arg(args, 0))?;
    let default = cx.intrinsic(Intrinsic::RegExp);
    let c = species_constructor(cx, &rx, default)?;
    let mut flags = flags_of(cx, &rx)?;
    let unicode_matching = flags.contains(&(b'u' as u16)) || flags.contains(&(b'v' as u16));
    if !flags.contains(&(b'y' as u16)) {
        flags.push(b'y' as u16);
    }
    let fv = Value::String(cx.new_string_utf16(&flags)?);
    let splitter = construct(cx, &c, &[Value::Object(rx.clone()), fv], &c)?;
    let Value::Object(splitter) = splitter else {
        return Err(cx.throw_type_error("species constructor returned a non-object"));
    };
    let a = array_create(cx, 0, None)?;
    let mut length_a = 0u64;
    let limit = arg(args, 1);
    let lim = if limit.is_undefined() {
        u32::MAX
    } else {
        to_uint32(cx, &limit)?
    };
    if lim == 0 {
        return Ok(Value::Object(a));
    }
    let size = s.len() as u64;
    if size == 0 {
        let z = regexp_exec(cx, &splitter, &s)?;
        if !z.is_null() {
            return Ok(Value::Object(a));
        }
        let k0 = index_key(cx, 0);
        create_data_property_or_throw(cx, &a, k0, Value::String(s))?;
        return Ok(Value::Object(a));
    }
    let mut p = 0u64;
    let mut q = p;
    while q < size {
        cx.poll_interrupt(1)?;
        set_last_index(cx, &splitter, Value::number(q as f64))?;
        let z = regexp_exec(cx, &splitter, &s)?;
        let Value::Object(zo) = z else {
            q = advance_string_index(&s, q, unicode_matching);
            continue;
        };
        let li = get(cx, &splitter, Atom::LastIndex)?;
        let e = to_length(cx, &li)?.min(size);
        if e == p {
            q = advance_string_index(&s, q, unicode_matching);
            continue;
        }
        let t = substring(cx, &s, p as usize, q as usize)?;
        let k = index_key(cx, length_a);
        create_data_property_or_throw(cx, &a, k, Value::String(t))?;
        length_a += 1;
        if length_a == lim as u64 {
            return Ok(Value::Object(a));
        }
        p = e;
        let len = get(cx, &zo, Atom::Length)?;
        let number_of_captures = to_length(cx, &len)?.saturating_sub(1);
        for i in 1..=number_of_captures {
            let k = index_key(cx, i);
            let next_capture = get(cx, &zo, k)?;
            let k = index_key(cx, length_a);
            create_data_property_or_throw(cx, &a, k, next_capture)?;
            length_a += 1;
            if length_a == lim as u64 {
                return Ok(Value::Object(a));
            }
        }
        q = p;
    }
    let t = substring(cx, &s, p as usize, size as usize)?;
    let k = index_key(cx, length_a);
    create_data_property_or_throw(cx, &a, k, Value::String(t))?;
    Ok(Value::Object(a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::ops::invoke;

    fn s(cx: &mut Cx, t: &str) -> Value {
        Value::String(cx.new_string(t).unwrap_or_else(|_| panic!("oom")))
    }

    fn text(cx: &mut Cx, v: &Value) -> String {
        match to_string(cx, v) {
            Ok(s) => s.to_rust_string(),
            Err(_) => panic!("to_string threw"),
        }
    }

    fn new_re(cx: &mut Cx, p: &str, f: &str) -> Value {
        let c = cx.intrinsic(Intrinsic::RegExp);
        let (p, f) = (s(cx, p), s(cx, f));
        construct(cx, &c, &[p, f], &c).unwrap_or_else(|_| panic!("RegExp constructor threw"))
    }

    fn call_m(cx: &mut Cx, re: &Value, m: &str, args: &[Value]) -> Value {
        let k = cx.intern(m);
        invoke(cx, re, k, args).unwrap_or_else(|_| panic!("{m} threw"))
    }

    fn prop(cx: &mut Cx, v: &Value, k: &str) -> Value {
        let k = cx.intern(k);
        get_v(cx, v, k).unwrap_or_else(|_| panic!("get threw"))
    }

    /// Array-like to a Vec of display strings ("undefined" for holes/undefined).
    fn list(cx: &mut Cx, v: &Value) -> Vec<String> {
        let len = prop(cx, v, "length");
        let n = to_length(cx, &len).unwrap_or(0);
        (0..n)
            .map(|i| {
                let k = index_key(cx, i);
                let e = get_v(cx, v, k).unwrap_or(Value::Undefined);
                text(cx, &e)
            })
            .collect()
    }

    #[test]
    fn exec_and_last_index() {
        let mut cx = Cx::new();
        let cx = &mut cx;
        let re = new_re(cx, "a(b)?(c)?", "g");
        let input = s(cx, "xab ac");
        let m = call_m(cx, &re, "exec", std::slice::from_ref(&input));
        assert_eq!(list(cx, &m), ["ab", "b", "undefined"]);
        let idx = prop(cx, &m, "index");
        assert_eq!(text(cx, &idx), "1");
        let li = prop(cx, &re, "lastIndex");
        assert_eq!(text(cx, &li), "3");
        let m = call_m(cx, &re, "exec", std::slice::from_ref(&input));
        assert_eq!(list(cx, &m), ["ac", "undefined", "c"]);
        let m = call_m(cx, &re, "exec", &[input]);
        assert!(m.is_null());
        let li = prop(cx, &re, "lastIndex");
        assert_eq!(text(cx, &li), "0");
    }

    #[test]
    fn groups_and_indices() {
        let mut cx = Cx::new();
        let cx = &mut cx;
        let re = new_re(cx, "(?<y>\\d{4})-(?<m>\\d\\d)", "d");
        let input = s(cx, "on 2024-05!");
        let m = call_m(cx, &re, "exec", &[input]);
        let g = prop(cx, &m, "groups");
        let y = prop(cx, &g, "y");
        assert_eq!(text(cx, &y), "2024");
        let ind = prop(cx, &m, "indices");
        let i0 = {
            let k = index_key(cx, 0);
            get_v(cx, &ind, k).unwrap_or(Value::Undefined)
        };
        assert_eq!(list(cx, &i0), ["3", "10"]);
        let ig = prop(cx, &ind, "groups");
        let im = prop(cx, &ig, "m");
        assert_eq!(list(cx, &im), ["8", "10"]);
    }

    #[test]
    fn accessors_and_to_string() {
        let mut cx = Cx::new();
        let cx = &mut cx;
        let re = new_re(cx, "a/b\n", "yigd");
        let f = prop(cx, &re, "flags");
        assert_eq!(text(cx, &f), "dgiy");
        let src = prop(cx, &re, "source");
        assert_eq!(text(cx, &src), "a\\/b\\n");
        let g = prop(cx, &re, "global");
        assert!(g.to_boolean());
        let m = prop(cx, &re, "multiline");
        assert!(!m.to_boolean());
        let t = call_m(cx, &re, "toString", &[]);
        assert_eq!(text(cx, &t), "/a\\/b\\n/dgiy");
        let empty = new_re(cx, "", "");
        let t = call_m(cx, &empty, "toString", &[]);
        assert_eq!(text(cx, &t), "/(?:)/");
        let proto = cx.intrinsic(Intrinsic::RegExpPrototype);
        let g = prop(cx, &proto, "global");
        assert!(g.is_undefined());
    }

    #[test]
    fn syntax_errors_throw() {
        let mut cx = Cx::new();
        let cx = &mut cx;
        let c = cx.intrinsic(Intrinsic::RegExp);
        let (p, f) = (s(cx, "a**"), s(cx, ""));
        assert!(construct(cx, &c, &[p, f], &c).is_err());
        let e = cx.take_exception();
        let name = prop(cx, &e, "name");
        assert_eq!(text(cx, &name), "SyntaxError");
        let (p, f) = (s(cx, "a"), s(cx, "gg"));
        assert!(construct(cx, &c, &[p, f], &c).is_err());
    }

    #[test]
    fn protocol_methods() {
        let mut cx = Cx::new();
        let cx = &mut cx;
        // Symbol.match with g.
        let re = new_re(cx, "\\d+", "g");
        let input = s(cx, "a12b345c6");
        let m =
            invoke(cx, &re, Atom::SYM_MATCH, std::slice::from_ref(&input)).unwrap_or(Value::Null);
        assert_eq!(list(cx, &m), ["12", "345", "6"]);
        // Symbol.search.
        let r =
            invoke(cx, &re, Atom::SYM_SEARCH, std::slice::from_ref(&input)).unwrap_or(Value::Null);
        assert_eq!(text(cx, &r), "1");
        // Symbol.replace with a template.
        let re2 = new_re(cx, "(\\d)(\\d)?", "g");
        let tpl = s(cx, "[$2$1|$&|$$]");
        let r = invoke(cx, &re2, Atom::SYM_REPLACE, &[input.clone(), tpl]).unwrap_or(Value::Null);
        assert_eq!(text(cx, &r), "a[21|12|$]b[43|34|$][5|5|$]c[6|6|$]");
        let named = new_re(cx, "(?<d>\\d)", "");
        let tpl = s(cx, "<$<d>>");
        let r = invoke(cx, &named, Atom::SYM_REPLACE, &[input.clone(), tpl]).unwrap_or(Value::Null);
        assert_eq!(text(cx, &r), "a<1>2b345c6");
        // Symbol.split with captures and a limit.
        let sep = new_re(cx, "(\\d)", "");
        let r =
            invoke(cx, &sep, Atom::SYM_SPLIT, std::slice::from_ref(&input)).unwrap_or(Value::Null);
        assert_eq!(
            list(cx, &r),
            ["a", "1", "", "2", "b", "3", "", "4", "", "5", "c", "6", ""]
        );
        let r = invoke(cx, &sep, Atom::SYM_SPLIT, &[input.clone(), Value::Int(3)])
            .unwrap_or(Value::Null);
        assert_eq!(list(cx, &r), ["a", "1", ""]);
        let empty = new_re(cx, "", "");
        let abc = s(cx, "abc");
        let r = invoke(cx, &empty, Atom::SYM_SPLIT, &[abc]).unwrap_or(Value::Null);
        assert_eq!(list(cx, &r), ["a", "b", "c"]);
        // Symbol.matchAll.
        let it = invoke(cx, &re, Atom::SYM_MATCH_ALL, &[input]).unwrap_or(Value::Null);
        let mut seen = Vec::new();
        loop {
            let r = call_m(cx, &it, "next", &[]);
            let done = prop(cx, &r, "done");
            if done.to_boolean() {
                break;
            }
            let v = prop(cx, &r, "value");
            seen.push(list(cx, &v).join(","));
        }
        assert_eq!(seen, ["12", "345", "6"]);
    }
}

#[cfg(test)]
mod unicode_last_index_tests {
    use super::*;

    #[test]
    fn last_index_inside_a_surrogate_pair() {
        let mut cx = Cx::new();
        let cx = &mut cx;
        let c = cx.intrinsic(Intrinsic::RegExp);
        let p = Value::String(cx.new_string(".").unwrap_or_else(|_| panic!("oom")));
        let f = Value::String(cx.new_string("ug").unwrap_or_else(|_| panic!("oom")));
        let Ok(Value::Object(re)) = construct(cx, &c, &[p, f], &c) else {
            panic!("ctor")
        };
        assert!(set_last_index(cx, &re, Value::Int(1)).is_ok());
        let s = cx
            .new_string_utf16(&[0xD834, 0xDF06])
            .unwrap_or_else(|_| panic!("oom"));
        let Ok(Value::Object(m)) = regexp_builtin_exec(cx, &re, &s) else {
            panic!("no match")
        };
        let li = get(cx, &re, Atom::LastIndex).unwrap_or(Value::Undefined);
        assert_eq!(li.as_number(), Some(2.0));
        let idx = get(cx, &m, Atom::Index).unwrap_or(Value::Undefined);
        assert_eq!(idx.as_number(), Some(1.0));
    }
}

/// RegExp.escape(S): `S` with every code point that could be special in a Pattern escaped.
/// Spec: #sec-regexp.escape
fn escape(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 1. S must be a String (no coercion).
    let Value::String(s) = arg(args, 0) else {
        return Err(cx.throw_type_error("RegExp.escape: argument is not a string"));
    };
    let units = s.to_utf16();
    let mut out = StrBuf::new();
    let mut i = 0;
    // 4. For each code point (lone surrogates are code points of their own).
    while i < units.len() {
        cx.poll_interrupt(1)?;
        let (cp, n) = code_point_at(&units, i);
        i += n;
        if out.is_empty() && (cp as u8 as u32 == cp) && (cp as u8).is_ascii_alphanumeric() {
            // a. A leading digit or ASCII letter becomes \xHH.
            push_hex_escape(cx, &mut out, cp)?;
        } else {
            encode_for_regexp_escape(cx, &mut out, cp, &units[i - n..i])?;
        }
    }
    Ok(Value::String(out.finish(cx)?))
}

/// The code point at `i` (a lone surrogate is its own code point) and its length in units.
fn code_point_at(units: &[u16], i: usize) -> (u32, usize) {
    let u = units[i] as u32;
    if (0xD800..0xDC00).contains(&u) {
        if let Some(&lo) = units.get(i + 1) {
            if (0xDC00..0xE000).contains(&lo) {
                return (0x10000 + ((u - 0xD800) << 10) + (lo as u32 - 0xDC00), 2);
            }
        }
    }
    (u, 1)
}

/// `\xHH` for a code point ≤ 0xFF.
fn push_hex_escape(cx: &mut Cx, out: &mut StrBuf, cp: u32) -> JsResult<()> {
    let s = format!("\\x{cp:02x}");
    out.push_ascii(cx, &s)
}

/// EncodeForRegExpEscape(cp), appended to `out`; `units` is cp's UTF-16 encoding.
/// Spec: #sec-encodeforregexpescape
fn encode_for_regexp_escape(cx: &mut Cx, out: &mut StrBuf, cp: u32, units: &[u16]) -> JsResult<()> {
    // 1. SyntaxCharacter or "/": backslash + the character.
    if cp < 0x80 && b"^$\\.*+?()[]{}|/".contains(&(cp as u8)) {
        out.push_unit(cx, b'\\' as u16)?;
        return out.push_units(cx, units);
    }
    // 2. ControlEscape letters.
    let control = match cp {
        0x09 => Some("\\t"),
        0x0A => Some("\\n"),
        0x0B => Some("\\v"),
        0x0C => Some("\\f"),
        0x0D => Some("\\r"),
        _ => None,
    };
    if let Some(c) = control {
        return out.push_ascii(cx, c);
    }
    // 3-5. Other punctuators, WhiteSpace, LineTerminator and surrogates: \xHH or \uHHHH.
    let punct = cp < 0x80 && b",-=<>#&!%:;@~'`\"".contains(&(cp as u8));
    let space = cp <= 0xFFFF && crate::strings::is_js_whitespace(cp as u16);
    let surrogate = (0xD800..0xE000).contains(&cp);
    if punct || space || surrogate {
        if cp <= 0xFF {
            return push_hex_escape(cx, out, cp);
        }
        for &cu in units {
            let s = format!("\\u{cu:04x}");
            out.push_ascii(cx, &s)?;
        }
        return Ok(());
    }
    // 6.
    out.push_units(cx, units)
}
