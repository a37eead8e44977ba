//! Proxy exotic objects: every internal method forwards to the handler's trap and checks
//! the invariants of spec 10.5. Spec: #sec-proxy-object-internal-methods-and-internal-slots
//!
//! Invariant: each forwarded operation counts native depth (`cx.enter()`), so a chain of
//! proxies of any length ends in RangeError instead of overflowing the native stack.

use super::ops::{
    complete_property_descriptor, create_array_from_list, create_list_from_array_like,
    from_property_descriptor, get_method, is_compatible_property_descriptor,
    to_property_descriptor,
};
use super::{call as call_fn, construct as construct_fn, Obj, ObjectData, PropertyDescriptor};
use crate::atoms::Atom;
use crate::realm::{Cx, JsResult};
use crate::value::conv::to_property_key;
use crate::value::{same_value, Value};

/// [[ProxyTarget]] and [[ProxyHandler]] (revocation sets the whole payload to `None`).
pub struct ProxyData {
    pub target: Obj,
    pub handler: Obj,
    /// Target was callable / a constructor at creation (fixed for the proxy's life).
    pub callable: bool,
    pub constructor: bool,
}

/// ProxyCreate(target, handler). Spec: #sec-proxycreate
pub fn proxy_create(cx: &mut Cx, target: &Value, handler: &Value) -> JsResult<Obj> {
    let (Value::Object(t), Value::Object(h)) = (target, handler) else {
        return Err(
            cx.throw_type_error("Cannot create proxy with a non-object as target or handler")
        );
    };
    let callable = t.is_callable();
    let constructor = super::function::obj_is_constructor(t);
    Obj::new(
        cx,
        None,
        ObjectData::Proxy(Some(Box::new(ProxyData {
            target: t.clone(),
            handler: h.clone(),
            callable,
            constructor,
        }))),
    )
}

/// Revokes a proxy (Proxy.revocable's revoke function).
pub fn revoke(o: &Obj) {
    let old = {
        let mut b = o.borrow_mut();
        let taken = match &mut b.class {
            ObjectData::Proxy(p) => p.take(),
            _ => None,
        };
        if let Some(p) = &taken {
            b.revoked_proxy_kind = p.callable as u8 | (p.constructor as u8) << 1;
        }
        taken
    };
    drop(old);
}

/// Handler, target and the trap named `name` (`None` if the handler has no such trap).
fn trap(cx: &mut Cx, o: &Obj, name: &str) -> JsResult<(Obj, Obj, Option<Value>)> {
    let (target, handler) = match &o.borrow().class {
        ObjectData::Proxy(Some(p)) => (p.target.clone(), p.handler.clone()),
        _ => (o.clone(), o.clone()),
    };
    if Obj::ptr_eq(&target, o) {
        return Err(cx.throw_type_error(&format!(
            "Cannot perform '{name}' on a proxy that has been revoked"
        )));
    }
    let key = cx.intern(name);
    let t = get_method(cx, &Value::Object(handler.clone()), key)?;
    Ok((target, handler, t))
}

/// The prologue of the traps that take only the target (getPrototypeOf, isExtensible,
/// preventExtensions, ownKeys): the target and the trap's result, `None` when the handler
/// has no such trap (the caller then forwards to the target).
fn call_target_trap(cx: &mut Cx, o: &Obj, name: &str) -> JsResult<(Obj, Option<Value>)> {
    let (target, handler, t) = trap(cx, o, name)?;
    let Some(t) = t else {
        return Ok((target, None));
    };
    let r = call_fn(
        cx,
        &t,
        &Value::Object(handler),
        &[Value::Object(target.clone())],
    )?;
    Ok((target, Some(r)))
}

/// Runs `f` one native level deeper.
fn deeper<T>(cx: &mut Cx, f: impl FnOnce(&mut Cx) -> JsResult<T>) -> JsResult<T> {
    cx.enter()?;
    let r = f(cx);
    cx.leave();
    r
}

fn key_value(cx: &mut Cx, key: Atom) -> JsResult<Value> {
    if cx.is_symbol(key) {
        Ok(Value::Symbol(key))
    } else {
        Ok(Value::String(cx.atom_to_string(key)?))
    }
}

#[cold]
fn invariant<T>(cx: &mut Cx, what: &str) -> JsResult<T> {
    Err(cx.throw_type_error(&format!("proxy invariant violated: {what}")))
}

/// Spec: #sec-proxy-object-internal-methods-and-internal-slots-getprototypeof
pub(super) fn get_prototype_of(cx: &mut Cx, o: &Obj) -> JsResult<Option<Obj>> {
    deeper(cx, |cx| {
        let (target, r) = call_target_trap(cx, o, "getPrototypeOf")?;
        let Some(r) = r else {
            return target.get_prototype_of(cx);
        };
        let hp = match r {
            Value::Object(p) => Some(p),
            Value::Null => None,
            _ => return invariant(cx, "getPrototypeOf trap returned neither object nor null"),
        };
        if target.is_extensible(cx)? {
            return Ok(hp);
        }
        let tp = target.get_prototype_of(cx)?;
        if !same_value(&hp.clone().into(), &tp.into()) {
            return invariant(
                cx,
                "getPrototypeOf trap result differs from non-extensible target's prototype",
            );
        }
        Ok(hp)
    })
}

/// Spec: #sec-proxy-object-internal-methods-and-internal-slots-setprototypeof-v
pub(super) fn set_prototype_of(cx: &mut Cx, o: &Obj, v: Option<Obj>) -> JsResult<bool> {
    deeper(cx, |cx| {
        let (target, handler, t) = trap(cx, o, "setPrototypeOf")?;
        let Some(t) = t else {
            return target.set_prototype_of(cx, v);
        };
        let vv: Value = v.clone().into();
        let r = call_fn(
            cx,
            &t,
            &Value::Object(handler),
            &[Value::Object(target.clone()), vv.clone()],
        )?;
        if !r.to_boolean() {
            return Ok(false);
        }
        if target.is_extensible(cx)? {
            return Ok(true);
        }
        let tp = target.get_prototype_of(cx)?;
        if !same_value(&vv, &tp.into()) {
            return invariant(
                cx,
                "setPrototypeOf trap changed a non-extensible target's prototype",
            );
        }
        Ok(true)
    })
}

/// Spec: #sec-proxy-object-internal-methods-and-internal-slots-isextensible
pub(super) fn is_extensible(cx: &mut Cx, o: &Obj) -> JsResult<bool> {
    deeper(cx, |cx| {
        let (target, r) = call_target_trap(cx, o, "isExtensible")?;
        let Some(r) = r else {
            return target.is_extensible(cx);
        };
        let r = r.to_boolean();
        if r != target.is_extensible(cx)? {
            return invariant(cx, "isExtensible trap result differs from the target's");
        }
        Ok(r)
    })
}

/// Spec: #sec-proxy-object-internal-methods-and-internal-slots-preventextensions
pub(super) fn prevent_extensions(cx: &mut Cx, o: &Obj) -> JsResult<bool> {
    deeper(cx, |cx| {
        let (target, r) = call_target_trap(cx, o, "preventExtensions")?;
        let Some(r) = r else {
            return target.prevent_extensions(cx);
        };
        let r = r.to_boolean();
        if r && target.is_extensible(cx)? {
            return invariant(
                cx,
                "preventExtensions trap returned true but the target is extensible",
            );
        }
        Ok(r)
    })
}

/// Spec: #sec-proxy-object-internal-methods-and-internal-slots-getownproperty-p
pub(super) fn get_own_property(
    cx: &mut Cx,
    o: &Obj,
    key: Atom,
) -> JsResult<Option<PropertyDescriptor>> {
    deeper(cx, |cx| {
        let (target, handler, t) = trap(cx, o, "getOwnPropertyDescriptor")?;
        let Some(t) = t else {
            return target.get_own_property(cx, key);
        };
        let k = key_value(cx, key)?;
        let r = call_fn(
            cx,
            &t,
            &Value::Object(handler),
            &[Value::Object(target.clone()), k],
        )?;
        if !r.is_object() && !r.is_undefined() {
            return invariant(
                cx,
                "getOwnPropertyDescriptor trap returned neither object nor undefined",
            );
        }
        let target_desc = target.get_own_property(cx, key)?;
        if r.is_undefined() {
            let Some(td) = target_desc else {
                return Ok(None);
            };
            if td.configurable == Some(false) {
                return invariant(
                    cx,
                    "getOwnPropertyDescriptor trap hid a non-configurable property",
                );
            }
            if !target.is_extensible(cx)? {
                return invariant(
                    cx,
                    "getOwnPropertyDescriptor trap hid a property of a non-extensible target",
                );
            }
            return Ok(None);
        }
        let ext = target.is_extensible(cx)?;
        let mut rd = to_property_descriptor(cx, &r)?;
        complete_property_descriptor(&mut rd);
        if !is_compatible_property_descriptor(cx, ext, rd.clone(), target_desc.clone())? {
            return invariant(
                cx,
                "getOwnPropertyDescriptor trap returned an incompatible descriptor",
            );
        }
        if rd.configurable == Some(false) {
            match &target_desc {
                None => return invariant(
                    cx,
                    "getOwnPropertyDescriptor trap reported a missing property as non-configurable",
                ),
                Some(td) if td.configurable == Some(true) => {
                    return invariant(cx, "getOwnPropertyDescriptor trap reported a configurable property as non-configurable");
                }
                Some(td) => {
                    if rd.writable == Some(false) && td.writable == Some(true) {
                        return invariant(cx, "getOwnPropertyDescriptor trap reported a writable property as non-writable");
                    }
                }
            }
        }
        Ok(Some(rd))
    })
}

/// Spec: #sec-proxy-object-internal-methods-and-internal-slots-defineownproperty-p-desc
pub(super) fn define_own_property(
    cx: &mut Cx,
    o: &Obj,
    key: Atom,
    desc: PropertyDescriptor,
) -> JsResult<bool> {
    deeper(cx, |cx| {
        let (target, handler, t) = trap(cx, o, "defineProperty")?;
        let Some(t) = t else {
            return target.define_own_property(cx, key, desc);
        };
        let dobj = from_property_descriptor(cx, Some(desc.clone()))?;
        let k = key_value(cx, key)?;
        let r = call_fn(
            cx,
            &t,
            &Value::Object(handler),
            &[Value::Object(target.clone()), k, dobj],
        )?;
        if !r.to_boolean() {
            return Ok(false);
        }
        let target_desc = target.get_own_property(cx, key)?;
        let ext = target.is_extensible(cx)?;
        let setting_config_false = desc.configurable == Some(false);
        match target_desc {
            None => {
                if !ext {
                    return invariant(
                        cx,
                        "defineProperty trap added a property to a non-extensible target",
                    );
                }
                if setting_config_false {
                    return invariant(
                        cx,
                        "defineProperty trap defined a missing property as non-configurable",
                    );
                }
            }
            Some(td) => {
                if !is_compatible_property_descriptor(cx, ext, desc.clone(), Some(td.clone()))? {
                    return invariant(
                        cx,
                        "defineProperty trap result is incompatible with the target property",
                    );
                }
                if setting_config_false && td.configurable == Some(true) {
                    return invariant(
                        cx,
                        "defineProperty trap made a configurable property non-configurable",
                    );
                }
                if td.is_data()
                    && td.configurable == Some(false)
                    && td.writable == Some(true)
                    && desc.writable == Some(false)
                {
                    return invariant(cx, "defineProperty trap made a non-configurable writable property non-writable");
                }
            }
        }
        Ok(true)
    })
}

/// Spec: #sec-proxy-object-internal-methods-and-internal-slots-hasproperty-p
pub(super) fn has_property(cx: &mut Cx, o: &Obj, key: Atom) -> JsResult<bool> {
    deeper(cx, |cx| {
        let (target, handler, t) = trap(cx, o, "has")?;
        let Some(t) = t else {
            return target.has_property(cx, key);
        };
        let k = key_value(cx, key)?;
        let r = call_fn(
            cx,
            &t,
            &Value::Object(handler),
            &[Value::Object(target.clone()), k],
        )?
        .to_boolean();
        if !r {
            if let Some(td) = target.get_own_property(cx, key)? {
                if td.configurable == Some(false) {
                    return invariant(cx, "has trap hid a non-configurable property");
                }
                if !target.is_extensible(cx)? {
                    return invariant(cx, "has trap hid a property of a non-extensible target");
                }
            }
        }
        Ok(r)
    })
}

/// Spec: #sec-proxy-object-internal-methods-and-internal-slots-get-p-receiver
pub(super) fn get(cx: &mut Cx, o: &Obj, key: Atom, receiver: &Value) -> JsResult<Value> {
    deeper(cx, |cx| {
        let (target, handler, t) = trap(cx, o, "get")?;
        let Some(t) = t else {
            return target.get(cx, key, receiver);
        };
        let k = key_value(cx, key)?;
        let r = call_fn(
            cx,
            &t,
            &Value::Object(handler),
            &[Value::Object(target.clone()), k, receiver.clone()],
        )?;
        if let Some(td) = target.get_own_property(cx, key)? {
            if td.configurable == Some(false) {
                if td.is_data()
                    && td.writable == Some(false)
                    && !same_value(&r, td.value.as_ref().unwrap_or(&Value::Undefined))
                {
                    return invariant(
                        cx,
                        "get trap result differs from a non-writable, non-configurable property",
                    );
                }
                if td.is_accessor()
                    && td.get.as_ref().is_none_or(|g| g.is_undefined())
                    && !r.is_undefined()
                {
                    return invariant(
                        cx,
                        "get trap returned a value for a property without getter",
                    );
                }
            }
        }
        Ok(r)
    })
}

/// Spec: #sec-proxy-object-internal-methods-and-internal-slots-set-p-v-receiver
pub(super) fn set(cx: &mut Cx, o: &Obj, key: Atom, v: Value, receiver: &Value) -> JsResult<bool> {
    deeper(cx, |cx| {
        let (target, handler, t) = trap(cx, o, "set")?;
        let Some(t) = t else {
            return target.set(cx, key, v, receiver);
        };
        let k = key_value(cx, key)?;
        let args = [
            Value::Object(target.clone()),
            k,
            v.clone(),
            receiver.clone(),
        ];
        if !call_fn(cx, &t, &Value::Object(handler), &args)?.to_boolean() {
            return Ok(false);
        }
        if let Some(td) = target.get_own_property(cx, key)? {
            if td.configurable == Some(false) {
                if td.is_data()
                    && td.writable == Some(false)
                    && !same_value(&v, td.value.as_ref().unwrap_or(&Value::Undefined))
                {
                    return invariant(
                        cx,
                        "set trap changed a non-writable, non-configurable property",
                    );
                }
                if td.is_accessor() && td.set.as_ref().is_none_or(|s| s.is_undefined()) {
                    return invariant(cx, "set trap succeeded for a property without setter");
                }
            }
        }
        Ok(true)
    })
}

/// Spec: #sec-proxy-object-internal-methods-and-internal-slots-delete-p
pub(super) fn delete(cx: &mut Cx, o: &Obj, key: Atom) -> JsResult<bool> {
    deeper(cx, |cx| {
        let (target, handler, t) = trap(cx, o, "deleteProperty")?;
        let Some(t) = t else {
            return target.delete(cx, key);
        };
        let k = key_value(cx, key)?;
        if !call_fn(
            cx,
            &t,
            &Value::Object(handler),
            &[Value::Object(target.clone()), k],
        )?
        .to_boolean()
        {
            return Ok(false);
        }
        let Some(td) = target.get_own_property(cx, key)? else {
            return Ok(true);
        };
        if td.configurable == Some(false) {
            return invariant(
                cx,
                "deleteProperty trap deleted a non-configurable property",
            );
        }
        if !target.is_extensible(cx)? {
            return invariant(
                cx,
                "deleteProperty trap deleted a property of a non-extensible target",
            );
        }
        Ok(true)
    })
}

/// Spec: #sec-proxy-object-internal-methods-and-internal-slots-ownpropertykeys
pub(super) fn own_property_keys(cx: &mut Cx, o: &Obj) -> JsResult<Vec<Atom>> {
    deeper(cx, |cx| {
        let (target, arr) = call_target_trap(cx, o, "ownKeys")?;
        let Some(arr) = arr else {
            return target.own_property_keys(cx);
        };
        let list = create_list_from_array_like(cx, &arr, true)?;
        let mut keys: Vec<Atom> = Vec::with_capacity(list.len());
        let mut seen = std::collections::HashSet::new();
        for v in &list {
            let k = to_property_key(cx, v)?;
            if !seen.insert(k) {
                return invariant(cx, "ownKeys trap returned duplicate keys");
            }
            keys.push(k);
        }
        let ext = target.is_extensible(cx)?;
        let target_keys = target.own_property_keys(cx)?;
        let mut configurable = Vec::new();
        let mut nonconfigurable = Vec::new();
        for k in target_keys {
            match target.get_own_property(cx, k)? {
                Some(d) if d.configurable == Some(false) => nonconfigurable.push(k),
                _ => configurable.push(k),
            }
        }
        if ext && nonconfigurable.is_empty() {
            return Ok(keys);
        }
        let mut unchecked = seen;
        for k in nonconfigurable {
            if !unchecked.remove(&k) {
                return invariant(cx, "ownKeys trap result omits a non-configurable key");
            }
        }
        if ext {
            return Ok(keys);
        }
        for k in configurable {
            if !unchecked.remove(&k) {
                return invariant(
                    cx,
                    "ownKeys trap result omits a key of a non-extensible target",
                );
            }
        }
        if !unchecked.is_empty() {
            return invariant(cx, "ownKeys trap added keys to a non-extensible target");
        }
        Ok(keys)
    })
}

/// Spec: #sec-proxy-object-internal-methods-and-internal-slots-call-thisargument-argumentslist
pub(super) fn call(cx: &mut Cx, o: &Obj, this: &Value, args: &[Value]) -> JsResult<Value> {
    let (target, handler, t) = trap(cx, o, "apply")?;
    let Some(t) = t else {
        return call_fn(cx, &Value::Object(target), this, args);
    };
    let arr = create_array_from_list(cx, args)?;
    call_fn(
        cx,
        &t,
        &Value::Object(handler),
        &[Value::Object(target), this.clone(), Value::Object(arr)],
    )
}

/// Spec: #sec-proxy-object-internal-methods-and-internal-slots-construct-argumentslist-newtarget
pub(super) fn construct(cx: &mut Cx, o: &Obj, args: &[Value], nt: &Value) -> JsResult<Value> {
    let (target, handler, t) = trap(cx, o, "construct")?;
    let Some(t) = t else {
        return construct_fn(cx, &Value::Object(target), args, nt);
    };
    let arr = create_array_from_list(cx, args)?;
    let r = call_fn(
        cx,
        &t,
        &Value::Object(handler),
        &[Value::Object(target), Value::Object(arr), nt.clone()],
    )?;
    if !r.is_object() {
        return invariant(cx, "construct trap returned a non-object");
    }
    Ok(r)
}
