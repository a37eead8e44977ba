//! Runtime tests through the internal API: objects, arrays, calls, builtins, errors,
//! accounting, out-of-memory and the cycle collector on real objects.

use super::*;
use crate::object::ops::{self, create_array_from_list, get, new_object, set};
use crate::object::{call, construct, PropertyDescriptor};
use crate::value::conv::to_string;

fn s(cx: &mut Cx, t: &str) -> Value {
    Value::String(cx.new_string(t).unwrap())
}

fn global_fn(cx: &mut Cx, path: &[&str]) -> Value {
    let mut v = Value::Object(cx.global());
    for p in path {
        let a = cx.intern(p);
        v = ops::get_v(cx, &v, a).unwrap();
    }
    v
}

fn str_of(cx: &mut Cx, v: &Value) -> String {
    to_string(cx, v).unwrap().to_rust_string()
}

fn error_text(cx: &mut Cx) -> String {
    let e = cx.take_exception();
    let f = ops::get_v(cx, &e, Atom::ToString).unwrap();
    let r = call(cx, &f, &e, &[]).unwrap();
    str_of(cx, &r)
}

#[test]
fn get_set_and_prototype_chain() {
    let mut cx = Cx::new();
    let cx = &mut cx;
    let a = new_object(cx).unwrap();
    let k = cx.intern("x");
    set(cx, &a, k, Value::Int(1), true).unwrap();
    let b = Obj::new(cx, Some(a.clone()), ObjectData::Ordinary).unwrap();
    assert!(matches!(get(cx, &b, k).unwrap(), Value::Int(1)));
    set(cx, &b, k, Value::Int(2), true).unwrap();
    assert!(matches!(get(cx, &a, k).unwrap(), Value::Int(1)));
    assert!(matches!(get(cx, &b, k).unwrap(), Value::Int(2)));
    // Many properties switch to a dictionary and stay readable.
    for i in 0..200 {
        let key = cx.intern(&format!("p{i}"));
        set(cx, &b, key, Value::Int(i), true).unwrap();
    }
    let key = cx.intern("p150");
    assert!(matches!(get(cx, &b, key).unwrap(), Value::Int(150)));
    assert!(b.delete(cx, key).unwrap());
    assert!(get(cx, &b, key).unwrap().is_undefined());
    let keys = b.own_property_keys(cx).unwrap();
    assert_eq!(keys.len(), 200);
    assert_eq!(keys[0], k);
}

#[test]
fn property_key_order() {
    let mut cx = Cx::new();
    let cx = &mut cx;
    let o = new_object(cx).unwrap();
    for k in ["b", "2", "a", "0", "4294967294", "1"] {
        let a = cx.intern(k);
        set(cx, &o, a, Value::Null, true).unwrap();
    }
    let sym = cx.atoms.new_symbol(None);
    set(cx, &o, sym, Value::Null, true).unwrap();
    let keys: Vec<String> = o
        .own_property_keys(cx)
        .unwrap()
        .iter()
        .map(|&a| cx.atom_name(a))
        .collect();
    assert_eq!(keys[..6], ["0", "1", "2", "4294967294", "b", "a"]);
    assert_eq!(keys.len(), 7);
}

#[test]
fn arrays_length_semantics() {
    let mut cx = Cx::new();
    let cx = &mut cx;
    let items: Vec<Value> = (0..10).map(Value::Int).collect();
    let a = create_array_from_list(cx, &items).unwrap();
    assert!(matches!(get(cx, &a, Atom::Length).unwrap(), Value::Int(10)));
    // Writing past the end grows length.
    let k = Atom::from_index(20).unwrap();
    set(cx, &a, k, Value::Int(5), true).unwrap();
    assert!(matches!(get(cx, &a, Atom::Length).unwrap(), Value::Int(21)));
    // Shrinking deletes.
    set(cx, &a, Atom::Length, Value::Int(3), true).unwrap();
    assert!(get(cx, &a, k).unwrap().is_undefined());
    assert!(get(cx, &a, Atom::from_index(5).unwrap())
        .unwrap()
        .is_undefined());
    assert!(matches!(
        get(cx, &a, Atom::from_index(2).unwrap()).unwrap(),
        Value::Int(2)
    ));
    // Invalid length.
    let r = ops::set(cx, &a, Atom::Length, Value::Float(1.5), true);
    assert!(r.is_err());
    assert!(error_text(cx).starts_with("RangeError"));
    // Non-configurable element blocks shrinking.
    let d = PropertyDescriptor::data(Value::Int(9), 0);
    ops::define_property_or_throw(cx, &a, Atom::from_index(1).unwrap(), d).unwrap();
    let ok = a
        .set(cx, Atom::Length, Value::Int(0), &Value::Object(a.clone()))
        .unwrap();
    assert!(!ok);
    assert!(matches!(get(cx, &a, Atom::Length).unwrap(), Value::Int(2)));
}

#[test]
fn object_builtins() {
    let mut cx = Cx::new();
    let cx = &mut cx;
    let keys = global_fn(cx, &["Object", "keys"]);
    let o = new_object(cx).unwrap();
    let a = cx.intern("a");
    set(cx, &o, a, Value::Int(1), true).unwrap();
    let r = call(cx, &keys, &Value::Undefined, &[Value::Object(o.clone())]).unwrap();
    let first = ops::get_v(cx, &r, Atom::from_index(0).unwrap()).unwrap();
    assert_eq!(str_of(cx, &first), "a");
    let freeze = global_fn(cx, &["Object", "freeze"]);
    call(cx, &freeze, &Value::Undefined, &[Value::Object(o.clone())]).unwrap();
    assert!(!o
        .set(cx, a, Value::Int(2), &Value::Object(o.clone()))
        .unwrap());
    let is_frozen = global_fn(cx, &["Object", "isFrozen"]);
    let r = call(
        cx,
        &is_frozen,
        &Value::Undefined,
        &[Value::Object(o.clone())],
    )
    .unwrap();
    assert!(r.to_boolean());
    let ts = global_fn(cx, &["Object", "prototype", "toString"]);
    let r = call(cx, &ts, &Value::Null, &[]).unwrap();
    assert_eq!(str_of(cx, &r), "[object Null]");
    let arr = create_array_from_list(cx, &[]).unwrap();
    let r = call(cx, &ts, &Value::Object(arr), &[]).unwrap();
    assert_eq!(str_of(cx, &r), "[object Array]");
    // defineProperty + getOwnPropertyDescriptor round trip.
    let dp = global_fn(cx, &["Object", "defineProperty"]);
    let desc = new_object(cx).unwrap();
    set(cx, &desc, Atom::Value, Value::Int(7), true).unwrap();
    let o2 = new_object(cx).unwrap();
    let key = s(cx, "k");
    call(
        cx,
        &dp,
        &Value::Undefined,
        &[Value::Object(o2.clone()), key.clone(), Value::Object(desc)],
    )
    .unwrap();
    let gopd = global_fn(cx, &["Object", "getOwnPropertyDescriptor"]);
    let d = call(cx, &gopd, &Value::Undefined, &[Value::Object(o2), key]).unwrap();
    let w = ops::get_v(cx, &d, Atom::Writable).unwrap();
    assert!(matches!(w, Value::Bool(false)));
    // Object.create(null) has no prototype.
    let create = global_fn(cx, &["Object", "create"]);
    let n = call(cx, &create, &Value::Undefined, &[Value::Null]).unwrap();
    let gp = global_fn(cx, &["Object", "getPrototypeOf"]);
    assert!(call(cx, &gp, &Value::Undefined, &[n]).unwrap().is_null());
}

#[test]
fn function_prototype_bind_and_errors() {
    let mut cx = Cx::new();
    let cx = &mut cx;
    let is = global_fn(cx, &["Object", "is"]);
    let bind = global_fn(cx, &["Function", "prototype", "bind"]);
    let one = Value::Int(1);
    let bound = call(cx, &bind, &is, &[Value::Undefined, one.clone()]).unwrap();
    let r = call(cx, &bound, &Value::Undefined, &[Value::Int(1)]).unwrap();
    assert!(r.to_boolean());
    let name = ops::get_v(cx, &bound, Atom::Name).unwrap();
    assert_eq!(str_of(cx, &name), "bound is");
    let len = ops::get_v(cx, &bound, Atom::Length).unwrap();
    assert!(matches!(len, Value::Int(1)));
    // new TypeError("m", {cause}) and toString.
    let te = global_fn(cx, &["TypeError"]);
    let opts = new_object(cx).unwrap();
    set(cx, &opts, Atom::Cause, Value::Int(3), true).unwrap();
    let m = s(cx, "boom");
    let e = construct(cx, &te, &[m, Value::Object(opts)], &Value::Undefined).unwrap();
    let c = ops::get_v(cx, &e, Atom::Cause).unwrap();
    assert!(matches!(c, Value::Int(3)));
    let _ = cx.throw(e);
    assert_eq!(error_text(cx), "TypeError: boom");
    let ctor = global_fn(cx, &["Error"]);
    let e2 = construct(cx, &te, &[], &Value::Undefined).unwrap();
    assert!(crate::value::ops::instance_of(cx, &e2, &ctor).unwrap());
}

#[test]
fn native_reentry_depth_is_limited() {
    let mut cx = Cx::new();
    let cx = &mut cx;
    // A host function that calls itself through `call` forever.
    let f: crate::object::HostFn =
        std::rc::Rc::new(|cx: &mut Cx, this: &Value, _args: &[Value]| {
            let me = cx.intrinsic(Intrinsic::Eval);
            let _ = this;
            call(cx, &me, &Value::Undefined, &[])
        });
    let fo = crate::object::function::new_host_function(cx, "rec", 0, f).unwrap();
    cx.realm
        .set_intrinsic(Intrinsic::Eval, Value::Object(fo.clone()));
    let r = call(cx, &Value::Object(fo), &Value::Undefined, &[]);
    assert!(r.is_err());
    assert_eq!(
        error_text(cx),
        "RangeError: Maximum call stack size exceeded"
    );
    assert_eq!(cx.depth, 0);
    cx.realm.set_intrinsic(Intrinsic::Eval, Value::Undefined);
}

#[test]
fn out_of_memory_is_catchable_and_recoverable() {
    let mut cx = Cx::new();
    let cx = &mut cx;
    let base = cx.heap.bytes();
    cx.heap.set_memory_limit(base + 100_000);
    let o = create_array_from_list(cx, &[]).unwrap();
    let mut failed = false;
    for i in 0..1_000_000u32 {
        let k = Atom::from_index(i).unwrap();
        if ops::set(cx, &o, k, Value::Int(1), true).is_err() {
            failed = true;
            break;
        }
    }
    assert!(failed);
    assert_eq!(error_text(cx), "InternalError: out of memory");
    drop(o);
    // Usable again.
    let x = new_object(cx).unwrap();
    let k = cx.intern("after");
    set(cx, &x, k, Value::Int(1), true).unwrap();
}

#[test]
fn cycles_of_objects_are_collected_and_accounting_returns() {
    let mut cx = Cx::new();
    let cx = &mut cx;
    let k = cx.intern("other");
    cx.heap.collect();
    let before = cx.heap.usage();
    {
        for _ in 0..1000 {
            let a = new_object(cx).unwrap();
            let b = new_object(cx).unwrap();
            set(cx, &a, k, Value::Object(b.clone()), true).unwrap();
            set(cx, &b, k, Value::Object(a.clone()), true).unwrap();
            let big = cx.new_string(&"x".repeat(1000)).unwrap();
            set(cx, &a, Atom::Value, Value::String(big), true).unwrap();
        }
    }
    assert!(cx.heap.usage().cells > before.cells + 1000);
    cx.heap.collect();
    let after = cx.heap.usage();
    assert_eq!(after.cells, before.cells);
    assert_eq!(after.bytes, before.bytes);
}

#[test]
fn long_object_chain_frees_iteratively() {
    let mut cx = Cx::new();
    let cx = &mut cx;
    let n = if cfg!(miri) { 100 } else { 1_000_000 };
    let k = cx.intern("next");
    let mut head = Value::Null;
    for _ in 0..n {
        let o = new_object(cx).unwrap();
        set(cx, &o, k, head, true).unwrap();
        head = Value::Object(o);
    }
    drop(head);
    cx.heap.collect();
}

#[test]
fn creating_a_runtime_is_fast_enough() {
    // Minimum over runs: the machine is shared, the minimum is the least noisy figure.
    let mut best_new = std::time::Duration::MAX;
    let mut best_drop = std::time::Duration::MAX;
    for _ in 0..30 {
        let t = std::time::Instant::now();
        let cx = Cx::new();
        let made = t.elapsed();
        let t = std::time::Instant::now();
        drop(cx);
        best_new = best_new.min(made);
        best_drop = best_drop.min(t.elapsed());
    }
    eprintln!("Cx::new(): {best_new:?}, drop: {best_drop:?} (best of 30)");
    // Debug builds are slow; this guards against pathological startup only.
    assert!(
        best_new.as_millis() < 200,
        "runtime creation took {best_new:?}"
    );
}

fn host_fn(
    cx: &mut Cx,
    f: impl Fn(&mut Cx, &Value, &[Value]) -> JsResult<Value> + 'static,
) -> Value {
    let f: crate::object::HostFn = std::rc::Rc::new(f);
    Value::Object(crate::object::function::new_host_function(cx, "f", 0, f).unwrap())
}

#[test]
fn proxy_traps_and_invariants() {
    let mut cx = Cx::new();
    let cx = &mut cx;
    let proxy_ctor = global_fn(cx, &["Proxy"]);
    let target = new_object(cx).unwrap();
    let handler = new_object(cx).unwrap();
    let get_trap = host_fn(cx, |_, _, args| {
        // (target, key, receiver) → 42 for every key.
        assert_eq!(args.len(), 3);
        Ok(Value::Int(42))
    });
    set(cx, &handler, Atom::Get, get_trap, true).unwrap();
    let p = construct(
        cx,
        &proxy_ctor,
        &[
            Value::Object(target.clone()),
            Value::Object(handler.clone()),
        ],
        &Value::Undefined,
    )
    .unwrap();
    let k = cx.intern("anything");
    assert!(matches!(ops::get_v(cx, &p, k).unwrap(), Value::Int(42)));
    // No `set` trap: forwards to the target.
    ops::set_v(cx, &p, k, Value::Int(1), true).unwrap();
    assert!(matches!(get(cx, &target, k).unwrap(), Value::Int(1)));
    // Invariant: a non-writable, non-configurable target property must be reported as is.
    let fixed = cx.intern("fixed");
    ops::define_property_or_throw(
        cx,
        &target,
        fixed,
        PropertyDescriptor::data(Value::Int(7), 0),
    )
    .unwrap();
    assert!(ops::get_v(cx, &p, fixed).is_err());
    assert!(error_text(cx).starts_with("TypeError: proxy invariant violated"));
    // Calling Proxy without new throws.
    assert!(call(cx, &proxy_ctor, &Value::Undefined, &[]).is_err());
    let _ = cx.take_exception();
    // Revocation.
    let revocable = global_fn(cx, &["Proxy", "revocable"]);
    let r = call(
        cx,
        &revocable,
        &Value::Undefined,
        &[Value::Object(target.clone()), Value::Object(handler)],
    )
    .unwrap();
    let pk = cx.intern("proxy");
    let rk = cx.intern("revoke");
    let rp = ops::get_v(cx, &r, pk).unwrap();
    let rf = ops::get_v(cx, &r, rk).unwrap();
    assert_eq!(rf.type_of(), "function");
    assert!(crate::object::is_callable(&rf));
    call(cx, &rf, &Value::Undefined, &[]).unwrap();
    assert!(ops::get_v(cx, &rp, k).is_err());
    assert!(error_text(cx).contains("revoked"));
}

#[test]
fn deep_proxy_chain_is_a_range_error() {
    let mut cx = Cx::new();
    let cx = &mut cx;
    let proxy_ctor = global_fn(cx, &["Proxy"]);
    let mut p = Value::Object(new_object(cx).unwrap());
    for _ in 0..100_000 {
        let h = Value::Object(new_object(cx).unwrap());
        p = construct(cx, &proxy_ctor, &[p, h], &Value::Undefined).unwrap();
    }
    let k = cx.intern("x");
    assert!(ops::get_v(cx, &p, k).is_err());
    assert_eq!(
        error_text(cx),
        "RangeError: Maximum call stack size exceeded"
    );
    assert_eq!(cx.depth, 0);
}

#[test]
fn proxy_own_keys_invariants() {
    let mut cx = Cx::new();
    let cx = &mut cx;
    let proxy_ctor = global_fn(cx, &["Proxy"]);
    let target = new_object(cx).unwrap();
    let a = cx.intern("a");
    ops::define_property_or_throw(cx, &target, a, PropertyDescriptor::data(Value::Int(1), 0))
        .unwrap();
    let handler = new_object(cx).unwrap();
    let keys_trap = host_fn(cx, |cx, _, _| {
        let b = Value::String(cx.new_string("b").unwrap());
        Ok(Value::Object(create_array_from_list(cx, &[b]).unwrap()))
    });
    let ok = cx.intern("ownKeys");
    set(cx, &handler, ok, keys_trap, true).unwrap();
    let p = construct(
        cx,
        &proxy_ctor,
        &[Value::Object(target), Value::Object(handler)],
        &Value::Undefined,
    )
    .unwrap();
    let Value::Object(po) = p else { panic!() };
    // "a" is non-configurable on the target but missing from the trap result.
    assert!(po.own_property_keys(cx).is_err());
    assert!(error_text(cx).contains("non-configurable key"));
}

#[test]
fn arguments_htmldda_and_realms() {
    let mut cx = Cx::new();
    let cx = &mut cx;
    let args = ops::create_unmapped_arguments_object(cx, &[Value::Int(1), Value::Int(2)]).unwrap();
    assert!(matches!(
        get(cx, &args, Atom::Length).unwrap(),
        Value::Int(2)
    ));
    assert!(matches!(
        get(cx, &args, Atom::from_index(1).unwrap()).unwrap(),
        Value::Int(2)
    ));
    assert!(get(cx, &args, Atom::Callee).is_err());
    let _ = cx.take_exception();
    let ts = global_fn(cx, &["Object", "prototype", "toString"]);
    let r = call(cx, &ts, &Value::Object(args), &[]).unwrap();
    assert_eq!(str_of(cx, &r), "[object Arguments]");

    let dda = Value::Object(ops::new_htmldda_object(cx).unwrap());
    assert_eq!(dda.type_of(), "undefined");
    assert!(!dda.to_boolean());
    assert!(crate::value::ops::loose_equals(cx, &dda, &Value::Null).unwrap());
    assert!(call(cx, &dda, &Value::Undefined, &[]).unwrap().is_null());

    // A second realm has distinct intrinsics; entering makes it current.
    let obj1 = global_fn(cx, &["Object"]);
    let other = cx.new_realm().unwrap();
    let prev = cx.enter_realm(other);
    let obj2 = global_fn(cx, &["Object"]);
    // Error's [[Prototype]] is Function.prototype, so a function bound to it has no
    // inherited "prototype" property.
    let err2 = global_fn(cx, &["Error"]);
    cx.enter_realm(prev);
    assert!(!crate::value::same_value(&obj1, &obj2));
    assert!(crate::value::same_value(&obj1, &global_fn(cx, &["Object"])));
    // GetPrototypeFromConstructor falls back to the constructor's realm: a bound
    // TypeError of the other realm with a non-object `prototype` through a proxy.
    let bind = global_fn(cx, &["Function", "prototype", "bind"]);
    let bound2 = call(cx, &bind, &err2, &[]).unwrap();
    let err1 = global_fn(cx, &["TypeError"]);
    let e = construct(cx, &err1, &[], &bound2).unwrap();
    let p = e
        .as_object()
        .unwrap()
        .get_prototype_of(cx)
        .unwrap()
        .unwrap();
    let tep2 = cx.realm_intrinsic(other, Intrinsic::TypeErrorPrototype);
    assert!(crate::value::same_value(&Value::Object(p), &tep2));
}

#[test]
fn many_deletes_and_backward_fills_stay_linear() {
    let mut cx = Cx::new();
    let cx = &mut cx;
    let n = 20_000;
    let o = new_object(cx).unwrap();
    let keys: Vec<Atom> = (0..n).map(|i| cx.intern(&format!("k{i}"))).collect();
    for &k in &keys {
        set(cx, &o, k, Value::Int(1), true).unwrap();
    }
    for &k in &keys[..n - 10] {
        assert!(o.delete(cx, k).unwrap());
    }
    let left = o.own_property_keys(cx).unwrap();
    assert_eq!(left.len(), 10);
    assert_eq!(left[0], keys[n - 10]);
    assert!(matches!(get(cx, &o, keys[n - 1]).unwrap(), Value::Int(1)));
    // Re-adding a deleted key puts it last.
    set(cx, &o, keys[0], Value::Int(2), true).unwrap();
    assert_eq!(*o.own_property_keys(cx).unwrap().last().unwrap(), keys[0]);
    // An array filled from the end.
    let a = create_array_from_list(cx, &[]).unwrap();
    for i in (0..n as u32).rev() {
        set(
            cx,
            &a,
            Atom::from_index(i).unwrap(),
            Value::Int(i as i32),
            true,
        )
        .unwrap();
    }
    assert!(matches!(
        get(cx, &a, Atom::Length).unwrap(),
        Value::Int(20_000)
    ));
    assert!(matches!(
        get(cx, &a, Atom::from_index(123).unwrap()).unwrap(),
        Value::Int(123)
    ));
    let ks = a.own_property_keys(cx).unwrap();
    assert_eq!(ks[0], Atom::from_index(0).unwrap());
    assert_eq!(ks.len(), n + 1);
}

#[test]
fn array_shrink_stops_at_high_non_configurable_index() {
    let mut cx = Cx::new();
    let cx = &mut cx;
    let items: Vec<Value> = (0..5).map(Value::Int).collect();
    let a = create_array_from_list(cx, &items).unwrap();
    let k = Atom::from_index(10).unwrap();
    ops::define_property_or_throw(cx, &a, k, PropertyDescriptor::data(Value::Int(1), 0)).unwrap();
    assert!(!a
        .set(cx, Atom::Length, Value::Int(0), &Value::Object(a.clone()))
        .unwrap());
    assert!(matches!(get(cx, &a, Atom::Length).unwrap(), Value::Int(11)));
    // The dense elements below the blocking index were kept.
    assert!(matches!(
        get(cx, &a, Atom::from_index(4).unwrap()).unwrap(),
        Value::Int(4)
    ));
}

#[test]
fn from_entries_closes_the_iterator_on_bad_entry() {
    let mut cx = Cx::new();
    let cx = &mut cx;
    // An iterable whose iterator yields one non-object entry and counts `return` calls.
    let closed = std::rc::Rc::new(std::cell::Cell::new(0));
    let it = new_object(cx).unwrap();
    let next = host_fn(cx, |cx, _, _| {
        let r = new_object(cx).unwrap();
        set(cx, &r, Atom::Done, Value::Bool(false), true).unwrap();
        set(cx, &r, Atom::Value, Value::Int(1), true).unwrap();
        Ok(Value::Object(r))
    });
    set(cx, &it, Atom::Next, next, true).unwrap();
    let c2 = closed.clone();
    let ret = host_fn(cx, move |cx, _, _| {
        c2.set(c2.get() + 1);
        Ok(Value::Object(new_object(cx).unwrap()))
    });
    set(cx, &it, Atom::Return, ret, true).unwrap();
    let itv = Value::Object(it);
    let get_it = host_fn(cx, move |_, _, _| Ok(itv.clone()));
    let iterable = new_object(cx).unwrap();
    set(cx, &iterable, Atom::SYM_ITERATOR, get_it, true).unwrap();
    let fe = global_fn(cx, &["Object", "fromEntries"]);
    assert!(call(cx, &fe, &Value::Undefined, &[Value::Object(iterable)]).is_err());
    assert!(error_text(cx).starts_with("TypeError"));
    assert_eq!(closed.get(), 1);
}

#[test]
fn small_and_growing_dictionaries_forget_deleted_keys() {
    let mut cx = Cx::new();
    let cx = &mut cx;
    let o = new_object(cx).unwrap();
    let keys: Vec<Atom> = (0..12).map(|i| cx.intern(&format!("d{i}"))).collect();
    // Small object: linear lookup.
    set(cx, &o, keys[0], Value::Int(0), true).unwrap();
    set(cx, &o, keys[1], Value::Int(1), true).unwrap();
    assert!(o.delete(cx, keys[0]).unwrap());
    assert!(o.get_own_property(cx, keys[0]).unwrap().is_none());
    // Growing past the index threshold after a delete: the index must skip tombstones.
    for &k in &keys[2..] {
        set(cx, &o, k, Value::Int(2), true).unwrap();
    }
    assert!(o.get_own_property(cx, keys[0]).unwrap().is_none());
    assert!(get(cx, &o, keys[0]).unwrap().is_undefined());
    assert_eq!(o.own_property_keys(cx).unwrap().len(), 11);
}

#[test]
fn calls_run_in_the_callee_realm() {
    use crate::vm::global::eval_script;
    let mut cx = Cx::new();
    let cx = &mut cx;
    eval_script(cx, "var where = 'main'; let lex = 1;", "main.js", false).unwrap();
    let main_object = global_fn(cx, &["Object"]);
    let other = cx.new_realm().unwrap();
    let src = "var where = 'other'; let lex = 2; \
               (function () { return [where, lex, this === globalThis, Object]; })";
    let f = cx.in_realm(other, |cx| eval_script(cx, src, "other.js", false).unwrap());
    assert_eq!(cx.realm_id(), RealmId(0));
    // A closure reads its own realm's global object, lexical bindings and sloppy `this`.
    let r = call(cx, &f, &Value::Undefined, &[]).unwrap();
    let Value::Object(ro) = &r else {
        panic!("array expected")
    };
    let at = |cx: &mut Cx, i: u32| get(cx, ro, Atom::from_index(i).unwrap()).unwrap();
    let w = at(cx, 0);
    assert_eq!(str_of(cx, &w), "other");
    assert!(matches!(at(cx, 1), Value::Int(2)));
    assert!(matches!(at(cx, 2), Value::Bool(true)));
    assert!(!crate::value::same_value(&at(cx, 3), &main_object));
    // The caller's realm is current again.
    let v = eval_script(cx, "where + lex", "main2.js", false).unwrap();
    assert_eq!(str_of(cx, &v), "main1");
    // A built-in of the other realm throws that realm's errors; closures of the other
    // realm see its intrinsics; ArraySpeciesCreate maps a foreign %Array% to the current one.
    let other_g = Value::Object(cx.realm_global(other));
    eval_script(cx, "var otherRealm;", "main3.js", false).unwrap();
    let g = cx.global();
    let k = cx.intern("otherRealm");
    set(cx, &g, k, other_g, true).unwrap();
    let v = eval_script(
        cx,
        "var e; try { otherRealm.Array.prototype.map.call(null); } catch (x) { e = x; } \
         var a = new otherRealm.Array(1, 2); \
         var m = Array.prototype.map.call(a, function (x) { return x; }); \
         var C = otherRealm.Function(); C.prototype = null; \
         [e instanceof otherRealm.TypeError, e instanceof TypeError, \
          Object.getPrototypeOf(m) === Array.prototype, \
          otherRealm.eval('Object') === otherRealm.Object, \
          Object.getPrototypeOf(Reflect.construct(Object, [], C)) === otherRealm.Object.prototype \
         ].join()",
        "main4.js",
        false,
    )
    .unwrap();
    assert_eq!(str_of(cx, &v), "true,false,true,true,true");
}
