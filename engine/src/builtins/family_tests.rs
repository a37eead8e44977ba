//! Unit tests of the Array, String, Number, Boolean and Symbol families through the
//! internal API (the JS-level tests live in `tests/js` and test262).

use crate::atoms::Atom;
use crate::object::ops::{create_array_from_list, get, get_v, new_object, set};
use crate::object::{call, construct};
use crate::realm::Cx;
use crate::value::conv::to_string;
use crate::value::Value;

fn s(cx: &mut Cx, t: &str) -> Value {
    Value::String(cx.new_string(t).unwrap())
}

fn path(cx: &mut Cx, p: &str) -> Value {
    let mut v = Value::Object(cx.global());
    for part in p.split('.') {
        let a = cx.intern(part);
        v = get_v(cx, &v, a).unwrap();
    }
    v
}

fn str_of(cx: &mut Cx, v: &Value) -> String {
    to_string(cx, v).unwrap().to_rust_string()
}

/// Calls the builtin at `p` with `this` and `args`, returning its ToString.
fn run(cx: &mut Cx, p: &str, this: &Value, args: &[Value]) -> String {
    let f = path(cx, p);
    match call(cx, &f, this, args) {
        Ok(v) => str_of(cx, &v),
        Err(_) => {
            let e = cx.take_exception();
            let m = get_v(cx, &e, Atom::Message).unwrap();
            let n = get_v(cx, &e, Atom::Name).unwrap();
            format!("{}: {}", str_of(cx, &n), str_of(cx, &m))
        }
    }
}

fn arr(cx: &mut Cx, items: &[Value]) -> Value {
    Value::Object(create_array_from_list(cx, items).unwrap())
}

fn ints(cx: &mut Cx, v: &[i32]) -> Value {
    let items: Vec<Value> = v.iter().map(|&i| Value::Int(i)).collect();
    arr(cx, &items)
}

#[test]
fn array_basics() {
    let mut cx = Cx::new();
    let cx = &mut cx;
    let a = ints(cx, &[3, 1, 2]);
    assert_eq!(run(cx, "Array.prototype.join", &a, &[]), "3,1,2");
    assert_eq!(run(cx, "Array.prototype.sort", &a, &[]), "1,2,3");
    let dash = s(cx, "-");
    assert_eq!(run(cx, "Array.prototype.join", &a, &[dash]), "1-2-3");
    assert_eq!(run(cx, "Array.prototype.reverse", &a, &[]), "3,2,1");
    assert_eq!(run(cx, "Array.prototype.push", &a, &[Value::Int(9)]), "4");
    assert_eq!(run(cx, "Array.prototype.pop", &a, &[]), "9");
    assert_eq!(run(cx, "Array.prototype.shift", &a, &[]), "3");
    assert_eq!(
        run(
            cx,
            "Array.prototype.unshift",
            &a,
            &[Value::Int(7), Value::Int(8)]
        ),
        "4"
    );
    assert_eq!(run(cx, "Array.prototype.toString", &a, &[]), "7,8,2,1");
    assert_eq!(
        run(
            cx,
            "Array.prototype.slice",
            &a,
            &[Value::Int(1), Value::Int(-1)]
        ),
        "8,2"
    );
    assert_eq!(
        run(
            cx,
            "Array.prototype.splice",
            &a,
            &[Value::Int(1), Value::Int(2), Value::Int(5)]
        ),
        "8,2"
    );
    assert_eq!(run(cx, "Array.prototype.join", &a, &[]), "7,5,1");
    assert_eq!(
        run(cx, "Array.prototype.indexOf", &a, &[Value::Int(5)]),
        "1"
    );
    assert_eq!(
        run(cx, "Array.prototype.lastIndexOf", &a, &[Value::Int(4)]),
        "-1"
    );
    assert_eq!(
        run(cx, "Array.prototype.includes", &a, &[Value::Int(1)]),
        "true"
    );
    assert_eq!(run(cx, "Array.prototype.at", &a, &[Value::Int(-1)]), "1");
    assert_eq!(
        run(
            cx,
            "Array.prototype.with",
            &a,
            &[Value::Int(0), Value::Int(0)]
        ),
        "0,5,1"
    );
    assert_eq!(run(cx, "Array.prototype.toReversed", &a, &[]), "1,5,7");
    assert_eq!(run(cx, "Array.prototype.toSorted", &a, &[]), "1,5,7");
    assert_eq!(
        run(
            cx,
            "Array.prototype.toSpliced",
            &a,
            &[Value::Int(0), Value::Int(1)]
        ),
        "5,1"
    );
    assert_eq!(
        run(
            cx,
            "Array.prototype.fill",
            &a,
            &[Value::Int(4), Value::Int(1)]
        ),
        "7,4,4"
    );
    assert_eq!(
        run(
            cx,
            "Array.prototype.copyWithin",
            &a,
            &[Value::Int(1), Value::Int(0)]
        ),
        "7,7,4"
    );
    assert_eq!(
        run(
            cx,
            "Array.prototype.with",
            &a,
            &[Value::Int(3), Value::Int(0)]
        ),
        "RangeError: with: index out of range"
    );
    let b = ints(cx, &[10, 9]);
    assert_eq!(
        run(cx, "Array.prototype.concat", &a, &[b, Value::Int(1)]),
        "7,7,4,10,9,1"
    );
    // Default sort compares strings; undefined last.
    let c = ints(cx, &[10, 9, 1]);
    let u = arr(cx, &[Value::Undefined, Value::Int(2), Value::Int(1)]);
    assert_eq!(run(cx, "Array.prototype.sort", &c, &[]), "1,10,9");
    assert_eq!(run(cx, "Array.prototype.sort", &u, &[]), "1,2,");
    // flat with nesting.
    let inner = ints(cx, &[2, 3]);
    let mid = arr(cx, &[Value::Int(1), inner]);
    let outer = arr(cx, &[mid, Value::Int(4)]);
    let inf = Value::Float(f64::INFINITY);
    let flat = path(cx, "Array.prototype.flat");
    let r = call(cx, &flat, &outer, &[inf]).unwrap();
    assert_eq!(run(cx, "Array.prototype.join", &r, &[]), "1,2,3,4");
    let len = get_v(cx, &r, Atom::Length).unwrap();
    assert_eq!(str_of(cx, &len), "4");
}

#[test]
fn deep_flat_is_not_recursive() {
    let mut cx = Cx::new();
    let cx = &mut cx;
    let mut v = ints(cx, &[1]);
    for _ in 0..100_000 {
        v = arr(cx, &[v]);
    }
    let inf = Value::Float(f64::INFINITY);
    let flat = path(cx, "Array.prototype.flat");
    let r = call(cx, &flat, &v, &[inf]).unwrap();
    assert_eq!(run(cx, "Array.prototype.join", &r, &[]), "1");
}

#[test]
fn array_constructor_and_statics() {
    let mut cx = Cx::new();
    let cx = &mut cx;
    let ctor = path(cx, "Array");
    let a = construct(cx, &ctor, &[Value::Int(3)], &Value::Undefined).unwrap();
    let len = get_v(cx, &a, Atom::Length).unwrap();
    assert_eq!(str_of(cx, &len), "3");
    assert_eq!(run(cx, "Array.prototype.join", &a, &[]), ",,");
    let bad = construct(cx, &ctor, &[Value::Float(1.5)], &Value::Undefined);
    assert!(bad.is_err());
    let _ = cx.take_exception();
    let x = s(cx, "ab");
    let a = call(cx, &ctor, &Value::Undefined, &[x, Value::Int(2)]).unwrap();
    assert_eq!(run(cx, "Array.prototype.join", &a, &[]), "ab,2");
    // Array.from on a string (iterator protocol, code points).
    let st = s(cx, "a\u{1F600}b");
    let from = path(cx, "Array.from");
    let r = call(cx, &from, &ctor, &[st]).unwrap();
    let len = get_v(cx, &r, Atom::Length).unwrap();
    assert_eq!(str_of(cx, &len), "3");
    // Array.from on an array-like.
    let o = new_object(cx).unwrap();
    set(cx, &o, Atom::Length, Value::Int(2), true).unwrap();
    let k0 = Atom::from_index(0).unwrap();
    set(cx, &o, k0, Value::Int(5), true).unwrap();
    let r = call(cx, &from, &ctor, &[Value::Object(o)]).unwrap();
    assert_eq!(run(cx, "Array.prototype.join", &r, &[]), "5,");
    let of = path(cx, "Array.of");
    let r = call(cx, &of, &ctor, &[Value::Int(7)]).unwrap();
    assert_eq!(run(cx, "Array.prototype.join", &r, &[]), "7");
    assert_eq!(run(cx, "Array.isArray", &ctor, &[r]), "true");
    // Array.prototype is an array, [Symbol.iterator] === values.
    let proto = path(cx, "Array.prototype");
    assert_eq!(
        run(cx, "Array.isArray", &ctor, std::slice::from_ref(&proto)),
        "true"
    );
    let values = path(cx, "Array.prototype.values");
    let Value::Object(po) = &proto else { panic!() };
    let it = get(cx, po, Atom::SYM_ITERATOR).unwrap();
    assert!(crate::value::strict_equals(&values, &it));
}

#[test]
fn array_iterator_protocol() {
    let mut cx = Cx::new();
    let cx = &mut cx;
    let a = ints(cx, &[4, 5]);
    let entries = path(cx, "Array.prototype.entries");
    let it = call(cx, &entries, &a, &[]).unwrap();
    let mut seen = Vec::new();
    loop {
        let next = get_v(cx, &it, Atom::Next).unwrap();
        let r = call(cx, &next, &it, &[]).unwrap();
        let done = get_v(cx, &r, Atom::Done).unwrap();
        if done.to_boolean() {
            break;
        }
        let v = get_v(cx, &r, Atom::Value).unwrap();
        seen.push(str_of(cx, &v));
    }
    assert_eq!(seen, vec!["0,4", "1,5"]);
    let tag = get_v(cx, &it, Atom::SYM_TO_STRING_TAG).unwrap();
    assert_eq!(str_of(cx, &tag), "Array Iterator");
}

#[test]
fn string_methods() {
    let mut cx = Cx::new();
    let cx = &mut cx;
    let t = s(cx, "  Hello, World  ");
    assert_eq!(run(cx, "String.prototype.trim", &t, &[]), "Hello, World");
    assert_eq!(
        run(cx, "String.prototype.trimStart", &t, &[]),
        "Hello, World  "
    );
    assert_eq!(
        run(cx, "String.prototype.toUpperCase", &t, &[]),
        "  HELLO, WORLD  "
    );
    let h = s(cx, "hello");
    let l = s(cx, "l");
    assert_eq!(
        run(cx, "String.prototype.indexOf", &h, std::slice::from_ref(&l)),
        "2"
    );
    assert_eq!(
        run(
            cx,
            "String.prototype.lastIndexOf",
            &h,
            std::slice::from_ref(&l)
        ),
        "3"
    );
    assert_eq!(
        run(cx, "String.prototype.split", &h, std::slice::from_ref(&l)),
        "he,,o"
    );
    let empty = s(cx, "");
    assert_eq!(
        run(
            cx,
            "String.prototype.split",
            &h,
            &[empty.clone(), Value::Int(2)]
        ),
        "h,e"
    );
    let l_up = s(cx, "L");
    assert_eq!(
        run(
            cx,
            "String.prototype.replace",
            &h,
            &[l.clone(), l_up.clone()]
        ),
        "heLlo"
    );
    assert_eq!(
        run(cx, "String.prototype.replaceAll", &h, &[l.clone(), l_up]),
        "heLLo"
    );
    let tmpl = s(cx, "[$&$`$'$$]");
    assert_eq!(
        run(cx, "String.prototype.replace", &h, &[l.clone(), tmpl]),
        "he[lhelo$]lo"
    );
    let x = s(cx, "x");
    assert_eq!(
        run(cx, "String.prototype.replaceAll", &h, &[empty.clone(), x]),
        "xhxexlxlxox"
    );
    assert_eq!(
        run(
            cx,
            "String.prototype.padStart",
            &h,
            &[Value::Int(8), l.clone()]
        ),
        "lllhello"
    );
    let ab = s(cx, "ab");
    assert_eq!(
        run(
            cx,
            "String.prototype.padEnd",
            &h,
            &[Value::Int(8), ab.clone()]
        ),
        "helloaba"
    );
    assert_eq!(
        run(cx, "String.prototype.repeat", &ab, &[Value::Int(3)]),
        "ababab"
    );
    assert_eq!(
        run(cx, "String.prototype.repeat", &ab, &[Value::Int(-1)]),
        "RangeError: Invalid count value"
    );
    assert_eq!(
        run(cx, "String.prototype.repeat", &ab, &[Value::Int(1 << 30)]),
        "RangeError: invalid string length"
    );
    assert_eq!(
        run(cx, "String.prototype.slice", &h, &[Value::Int(-3)]),
        "llo"
    );
    assert_eq!(
        run(
            cx,
            "String.prototype.substring",
            &h,
            &[Value::Int(3), Value::Int(1)]
        ),
        "el"
    );
    assert_eq!(
        run(
            cx,
            "String.prototype.substr",
            &h,
            &[Value::Int(-4), Value::Int(2)]
        ),
        "el"
    );
    assert_eq!(run(cx, "String.prototype.at", &h, &[Value::Int(-1)]), "o");
    assert_eq!(
        run(cx, "String.prototype.charCodeAt", &h, &[Value::Int(1)]),
        "101"
    );
    assert_eq!(
        run(
            cx,
            "String.prototype.startsWith",
            &h,
            std::slice::from_ref(&ab)
        ),
        "false"
    );
    let he = s(cx, "he");
    assert_eq!(
        run(
            cx,
            "String.prototype.startsWith",
            &h,
            std::slice::from_ref(&he)
        ),
        "true"
    );
    assert_eq!(
        run(cx, "String.prototype.endsWith", &h, &[he, Value::Int(2)]),
        "true"
    );
    assert_eq!(
        {
            let q = s(cx, "a\"b");
            run(cx, "String.prototype.anchor", &h, &[q])
        },
        "<a name=\"a&quot;b\">hello</a>"
    );
    let lone = Value::String(cx.new_string_utf16(&[0x61, 0xD800]).unwrap());
    assert_eq!(
        run(cx, "String.prototype.isWellFormed", &lone, &[]),
        "false"
    );
    let sp = path(cx, "String.prototype.trimLeft");
    let ts = path(cx, "String.prototype.trimStart");
    assert!(crate::value::strict_equals(&sp, &ts));
    let nfd = s(cx, "\u{1E9B}\u{0323}");
    let form = s(cx, "NFKC");
    assert_eq!(
        run(cx, "String.prototype.normalize", &nfd, &[form]),
        "\u{1E69}"
    );
    let c1 = s(cx, "\u{00C5}");
    let c2 = s(cx, "A\u{030A}");
    assert_eq!(run(cx, "String.prototype.localeCompare", &c1, &[c2]), "0");
    let nothing = Value::Undefined;
    assert_eq!(
        run(cx, "String.prototype.trim", &nothing, &[]),
        "TypeError: String.prototype.trim called on null or undefined"
    );
}

#[test]
fn string_statics() {
    let mut cx = Cx::new();
    let cx = &mut cx;
    let u = Value::Undefined;
    assert_eq!(
        run(
            cx,
            "String.fromCharCode",
            &u,
            &[Value::Int(104), Value::Int(0x10069)]
        ),
        "hi"
    );
    assert_eq!(
        run(cx, "String.fromCodePoint", &u, &[Value::Int(0x1F600)]),
        "\u{1F600}"
    );
    assert_eq!(
        run(cx, "String.fromCodePoint", &u, &[Value::Float(1.5)]),
        "RangeError: invalid code point 1.5"
    );
    let parts = [s(cx, "a"), s(cx, "b"), s(cx, "c")];
    let raw = arr(cx, &parts);
    let t = new_object(cx).unwrap();
    set(cx, &t, Atom::Raw, raw, true).unwrap();
    assert_eq!(
        run(cx, "String.raw", &u, &[Value::Object(t), Value::Int(1)]),
        "a1bc"
    );
    let sym_ctor = path(cx, "Symbol");
    let d = s(cx, "desc");
    let sym = call(cx, &sym_ctor, &u, &[d]).unwrap();
    assert_eq!(run(cx, "String", &u, &[sym]), "Symbol(desc)");
}

#[test]
fn number_methods() {
    let mut cx = Cx::new();
    let cx = &mut cx;
    let n = Value::Float(123.456);
    assert_eq!(
        run(cx, "Number.prototype.toFixed", &n, &[Value::Int(2)]),
        "123.46"
    );
    assert_eq!(
        run(cx, "Number.prototype.toExponential", &n, &[Value::Int(2)]),
        "1.23e+2"
    );
    assert_eq!(
        run(cx, "Number.prototype.toPrecision", &n, &[Value::Int(4)]),
        "123.5"
    );
    assert_eq!(
        run(
            cx,
            "Number.prototype.toString",
            &Value::Int(255),
            &[Value::Int(16)]
        ),
        "ff"
    );
    assert_eq!(
        run(
            cx,
            "Number.prototype.toFixed",
            &Value::Float(0.000001),
            &[Value::Int(2)]
        ),
        "0.00"
    );
    assert_eq!(
        run(
            cx,
            "Number.prototype.toPrecision",
            &Value::Float(0.00001),
            &[Value::Int(1)]
        ),
        "0.00001"
    );
    assert_eq!(
        run(
            cx,
            "Number.prototype.toPrecision",
            &Value::Float(1e21),
            &[Value::Int(3)]
        ),
        "1.00e+21"
    );
    assert_eq!(
        run(cx, "Number.prototype.toExponential", &Value::Int(0), &[]),
        "0e+0"
    );
    assert_eq!(
        run(
            cx,
            "Number.prototype.toFixed",
            &Value::Int(1),
            &[Value::Int(101)]
        ),
        "RangeError: toFixed() digits argument must be between 0 and 100"
    );
    let u = Value::Undefined;
    let x = s(cx, "  0x1F");
    assert_eq!(run(cx, "parseInt", &u, &[x]), "31");
    let y = s(cx, "-12.5e1xyz");
    assert_eq!(run(cx, "parseFloat", &u, &[y]), "-125");
    let z = s(cx, "z");
    assert_eq!(run(cx, "parseInt", &u, &[z, Value::Int(36)]), "35");
    let pi = path(cx, "parseInt");
    let npi = path(cx, "Number.parseInt");
    assert!(crate::value::strict_equals(&pi, &npi));
    assert_eq!(
        run(
            cx,
            "Number.isSafeInteger",
            &u,
            &[Value::Float(9007199254740992.0)]
        ),
        "false"
    );
    assert_eq!(
        run(cx, "Number.isInteger", &u, &[Value::Float(5.0)]),
        "true"
    );
    let ctor = path(cx, "Number");
    let s5 = s(cx, "5");
    assert_eq!(run(cx, "Number", &u, std::slice::from_ref(&s5)), "5");
    let o = construct(cx, &ctor, &[s5], &Value::Undefined).unwrap();
    assert_eq!(run(cx, "Number.prototype.valueOf", &o, &[]), "5");
    assert_eq!(
        run(cx, "Boolean.prototype.toString", &Value::Bool(true), &[]),
        "true"
    );
    let bctor = path(cx, "Boolean");
    let b = construct(cx, &bctor, &[Value::Int(0)], &Value::Undefined).unwrap();
    assert_eq!(run(cx, "Boolean.prototype.valueOf", &b, &[]), "false");
}

#[test]
fn symbols() {
    let mut cx = Cx::new();
    let cx = &mut cx;
    let u = Value::Undefined;
    let k = s(cx, "k");
    let a = {
        let f = path(cx, "Symbol.for");
        call(cx, &f, &u, std::slice::from_ref(&k)).unwrap()
    };
    let b = {
        let f = path(cx, "Symbol.for");
        call(cx, &f, &u, &[k]).unwrap()
    };
    assert!(crate::value::strict_equals(&a, &b));
    assert_eq!(run(cx, "Symbol.keyFor", &u, std::slice::from_ref(&a)), "k");
    assert_eq!(run(cx, "Symbol.prototype.toString", &a, &[]), "Symbol(k)");
    let it = path(cx, "Symbol.iterator");
    assert!(matches!(it, Value::Symbol(Atom::SYM_ITERATOR)));
    let sym_ctor = path(cx, "Symbol");
    assert!(construct(cx, &sym_ctor, &[], &Value::Undefined).is_err());
    let _ = cx.take_exception();
    let plain = call(cx, &sym_ctor, &u, &[]).unwrap();
    let d = path(cx, "Symbol.prototype");
    let Value::Object(dp) = d else { panic!() };
    let desc_key = cx.intern("description");
    let desc = dp.get(cx, desc_key, &plain).unwrap();
    assert!(desc.is_undefined());
}

#[test]
fn iterator_helpers() {
    use crate::object::function::new_host_function;
    use std::rc::Rc;
    let mut cx = Cx::new();
    let cx = &mut cx;
    let a = ints(cx, &[1, 2, 3, 4]);
    let values = path(cx, "Array.prototype.values");
    let double = new_host_function(
        cx,
        "double",
        1,
        Rc::new(|cx: &mut Cx, _: &Value, args: &[Value]| {
            let n = crate::value::conv::to_number(cx, &args[0])?;
            Ok(Value::number(n * 2.0))
        }),
    )
    .unwrap();
    let it = call(cx, &values, &a, &[]).unwrap();
    let mapped = {
        let key = cx.intern("map");
        let m = get_v(cx, &it, key).unwrap();
        call(cx, &m, &it, &[Value::Object(double)]).unwrap()
    };
    let key = cx.intern("drop");
    let drop = get_v(cx, &mapped, key).unwrap();
    let dropped = call(cx, &drop, &mapped, &[Value::Int(1)]).unwrap();
    let key = cx.intern("take");
    let take = get_v(cx, &dropped, key).unwrap();
    let taken = call(cx, &take, &dropped, &[Value::Int(2)]).unwrap();
    let key = cx.intern("toArray");
    let to_array = get_v(cx, &taken, key).unwrap();
    let r = call(cx, &to_array, &taken, &[]).unwrap();
    assert_eq!(run(cx, "Array.prototype.join", &r, &[]), "4,6");
    let tag = get_v(cx, &taken, Atom::SYM_TO_STRING_TAG).unwrap();
    assert_eq!(str_of(cx, &tag), "Iterator Helper");
    // Exhausted helper keeps answering done.
    let next = get_v(cx, &taken, Atom::Next).unwrap();
    let r = call(cx, &next, &taken, &[]).unwrap();
    let done = get_v(cx, &r, Atom::Done).unwrap();
    assert!(done.to_boolean());
    // Iterator is abstract.
    let ctor = path(cx, "Iterator");
    assert!(construct(cx, &ctor, &[], &Value::Undefined).is_err());
    let _ = cx.take_exception();
    // Iterator.from on a string iterates code points.
    let st = s(cx, "ab");
    let u = Value::Undefined;
    let from = path(cx, "Iterator.from");
    let w = call(cx, &from, &u, &[st]).unwrap();
    let key = cx.intern("toArray");
    let to_array = get_v(cx, &w, key).unwrap();
    let r = call(cx, &to_array, &w, &[]).unwrap();
    assert_eq!(run(cx, "Array.prototype.join", &r, &[]), "a,b");
}
