//! The essential internal methods ([[GetPrototypeOf]] … [[OwnPropertyKeys]]) with ordinary
//! semantics, dispatching to the exotic implementations (Array, String, Proxy), and the
//! abstract operations on objects of spec 7.3 (Get, Set, CreateDataProperty, ...).
//!
//! Invariants: no `RefCell` borrow of an object is held while calling a getter, setter,
//! proxy trap or any other user code; prototype-chain walks are loops, and every recursive
//! path through exotic objects (proxies) counts depth with `cx.enter()`.

use super::{
    arguments, array, attrs, proxy, Obj, ObjectData, Place, PropValue, PropertyDescriptor,
};
use crate::atoms::Atom;
use crate::builtins::typedarray;
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::value::{same_value, Value};

/// Which exotic behaviour an object has for the internal methods.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Exotic {
    None,
    Array,
    String,
    Proxy,
    /// Mapped arguments (`object/arguments.rs`).
    Arguments,
    /// Integer-indexed exotic object (`builtins/typedarray.rs`).
    TypedArray,
    /// Module namespace (string keys are the module's exports; `vm/module.rs`).
    Namespace,
}

fn exotic(o: &Obj) -> Exotic {
    match o.borrow().class {
        ObjectData::Array(_) => Exotic::Array,
        ObjectData::String(_) => Exotic::String,
        ObjectData::Proxy(_) => Exotic::Proxy,
        ObjectData::MappedArguments(_) => Exotic::Arguments,
        ObjectData::TypedArray(_) => Exotic::TypedArray,
        ObjectData::ModuleNamespace(_) => Exotic::Namespace,
        _ => Exotic::None,
    }
}

/// String exotic own property for `key` (index or "length"). Spec: #sec-stringgetownproperty
fn string_own(cx: &mut Cx, o: &Obj, key: Atom) -> JsResult<Option<PropertyDescriptor>> {
    let s = match &o.borrow().class {
        ObjectData::String(s) => s.clone(),
        _ => return Ok(None),
    };
    if key == Atom::Length {
        return Ok(Some(PropertyDescriptor::data(
            Value::Int(s.len() as i32),
            0,
        )));
    }
    if let Some(i) = key.as_index() {
        if (i as usize) < s.len() {
            let unit = s.code_unit(i as usize).unwrap_or(0);
            let c = cx.char_string(unit)?;
            return Ok(Some(PropertyDescriptor::data(
                Value::String(c),
                attrs::ENUMERABLE,
            )));
        }
    }
    Ok(None)
}

impl Obj {
    /// [[GetPrototypeOf]]. Spec: #sec-ordinary-object-internal-methods-and-internal-slots-getprototypeof
    pub fn get_prototype_of(&self, cx: &mut Cx) -> JsResult<Option<Obj>> {
        if exotic(self) == Exotic::Proxy {
            return proxy::get_prototype_of(cx, self);
        }
        Ok(self.borrow().proto.clone())
    }

    /// [[SetPrototypeOf]]. Spec: #sec-ordinarysetprototypeof
    pub fn set_prototype_of(&self, cx: &mut Cx, v: Option<Obj>) -> JsResult<bool> {
        if exotic(self) == Exotic::Proxy {
            return proxy::set_prototype_of(cx, self, v);
        }
        // 1-3. Same value: done.
        {
            let b = self.borrow();
            let same = match (&b.proto, &v) {
                (None, None) => true,
                (Some(a), Some(c)) => Obj::ptr_eq(a, c),
                _ => false,
            };
            if same {
                return Ok(true);
            }
            // SetImmutablePrototype: only the current value is accepted.
            if b.immutable_proto {
                return Ok(false);
            }
            // 4-5. Non-extensible: fail.
            if !b.extensible {
                return Ok(false);
            }
        }
        // 6-8. Refuse cycles (stop at proxies, whose [[GetPrototypeOf]] is not ordinary).
        let mut p = v.clone();
        while let Some(q) = p {
            if Obj::ptr_eq(&q, self) {
                return Ok(false);
            }
            if q.is_proxy() {
                break;
            }
            p = q.borrow().proto.clone();
        }
        // 9. Set it.
        self.borrow_mut().proto = v;
        Ok(true)
    }

    /// [[IsExtensible]]. Spec: #sec-ordinaryisextensible
    pub fn is_extensible(&self, cx: &mut Cx) -> JsResult<bool> {
        if exotic(self) == Exotic::Proxy {
            return proxy::is_extensible(cx, self);
        }
        Ok(self.borrow().extensible)
    }

    /// [[PreventExtensions]]. Spec: #sec-ordinarypreventextensions
    pub fn prevent_extensions(&self, cx: &mut Cx) -> JsResult<bool> {
        if exotic(self) == Exotic::Proxy {
            return proxy::prevent_extensions(cx, self);
        }
        // Spec: #sec-typedarray-preventextensions (a view whose length can change stays
        // extensible).
        if let ObjectData::TypedArray(t) = &self.borrow().class {
            if !t.is_fixed_length() {
                return Ok(false);
            }
        }
        self.borrow_mut().extensible = false;
        Ok(true)
    }

    /// [[GetOwnProperty]]. Spec: #sec-ordinarygetownproperty
    pub fn get_own_property(&self, cx: &mut Cx, key: Atom) -> JsResult<Option<PropertyDescriptor>> {
        match exotic(self) {
            Exotic::Proxy => return proxy::get_own_property(cx, self, key),
            Exotic::Namespace if !cx.atoms.is_symbol(key) => {
                return crate::vm::module::ns_get_own_property(cx, self, key);
            }
            Exotic::String => {
                if let Some(d) = string_own(cx, self, key)? {
                    return Ok(Some(d));
                }
            }
            Exotic::Array => {
                if key == Atom::Length {
                    if let ObjectData::Array(a) = self.borrow().class {
                        let f = if a.length_writable {
                            attrs::WRITABLE
                        } else {
                            0
                        };
                        return Ok(Some(PropertyDescriptor::data(
                            Value::number(a.length as f64),
                            f,
                        )));
                    }
                }
            }
            Exotic::Arguments => {
                if let Some(d) = arguments::get_own_property(self, key) {
                    return Ok(Some(d));
                }
            }
            Exotic::TypedArray => {
                if let Some(n) = typedarray::numeric_key(cx, key) {
                    return typedarray::exotic_get_own(cx, self, n);
                }
            }
            Exotic::None | Exotic::Namespace => {}
        }
        Ok(self.borrow().own_descriptor(key))
    }

    /// [[DefineOwnProperty]]. Spec: #sec-ordinary-object-internal-methods-and-internal-slots-defineownproperty-p-desc
    pub fn define_own_property(
        &self,
        cx: &mut Cx,
        key: Atom,
        desc: PropertyDescriptor,
    ) -> JsResult<bool> {
        match exotic(self) {
            Exotic::Proxy => proxy::define_own_property(cx, self, key, desc),
            Exotic::Array => array::define_own_property(cx, self, key, desc),
            Exotic::Namespace if !cx.atoms.is_symbol(key) => {
                crate::vm::module::ns_define_own_property(cx, self, key, &desc)
            }
            Exotic::String => {
                // Spec: #sec-string-exotic-objects-defineownproperty-p-desc
                if let Some(cur) = string_own(cx, self, key)? {
                    let ext = false;
                    return validate_and_apply(cx, None, key, ext, desc, Some(cur));
                }
                ordinary_define_own_property(cx, self, key, desc)
            }
            Exotic::Arguments => arguments::define_own_property(cx, self, key, desc),
            Exotic::TypedArray => match typedarray::numeric_key(cx, key) {
                Some(n) => typedarray::exotic_define(cx, self, n, desc),
                None => ordinary_define_own_property(cx, self, key, desc),
            },
            Exotic::None | Exotic::Namespace => ordinary_define_own_property(cx, self, key, desc),
        }
    }

    /// [[HasProperty]]. Spec: #sec-ordinaryhasproperty
    pub fn has_property(&self, cx: &mut Cx, key: Atom) -> JsResult<bool> {
        let mut o = self.clone();
        loop {
            match exotic(&o) {
                Exotic::Proxy => return proxy::has_property(cx, &o, key),
                Exotic::Namespace if !cx.atoms.is_symbol(key) => {
                    return Ok(crate::vm::module::ns_has(cx, &o, key));
                }
                Exotic::String | Exotic::Array | Exotic::Arguments => {
                    if o.get_own_property(cx, key)?.is_some() {
                        return Ok(true);
                    }
                }
                Exotic::TypedArray => {
                    if let Some(n) = typedarray::numeric_key(cx, key) {
                        return Ok(typedarray::exotic_has(&o, n));
                    }
                    if o.borrow().find(key).is_some() {
                        return Ok(true);
                    }
                }
                Exotic::None | Exotic::Namespace => {
                    if o.borrow().find(key).is_some() {
                        return Ok(true);
                    }
                }
            }
            let next = o.borrow().proto.clone();
            match next {
                Some(p) => o = p,
                None => return Ok(false),
            }
        }
    }

    /// [[Get]]. Spec: #sec-ordinary-object-internal-methods-and-internal-slots-get-p-receiver
    pub fn get(&self, cx: &mut Cx, key: Atom, receiver: &Value) -> JsResult<Value> {
        let mut o = self.clone();
        loop {
            let getter = match exotic(&o) {
                Exotic::Proxy => return proxy::get(cx, &o, key, receiver),
                Exotic::Arguments if arguments::is_mapped(&o, key) => {
                    return Ok(arguments::mapped_get(&o, key).unwrap_or_default());
                }
                Exotic::TypedArray => {
                    if let Some(n) = typedarray::numeric_key(cx, key) {
                        return typedarray::exotic_get(cx, &o, n);
                    }
                    let b = o.borrow();
                    match b.find(key).and_then(|p| b.read(p)) {
                        Some((PropValue::Data(v), _)) => return Ok(v),
                        Some((PropValue::Accessor(g, _), _)) => g,
                        None => {
                            let next = b.proto.clone();
                            drop(b);
                            match next {
                                Some(p) => {
                                    o = p;
                                    continue;
                                }
                                None => return Ok(Value::Undefined),
                            }
                        }
                    }
                }
                Exotic::Namespace if !cx.atoms.is_symbol(key) => {
                    return crate::vm::module::ns_get(cx, &o, key);
                }
                Exotic::Array if key == Atom::Length => {
                    if let ObjectData::Array(a) = o.borrow().class {
                        return Ok(Value::number(a.length as f64));
                    }
                    None
                }
                Exotic::String if key == Atom::Length || key.is_index() => {
                    match o.get_own_property(cx, key)? {
                        Some(d) => {
                            if let Some(v) = d.value {
                                return Ok(v);
                            }
                            d.get.and_then(|g| g.as_object().cloned())
                        }
                        None => {
                            let next = o.borrow().proto.clone();
                            match next {
                                Some(p) => {
                                    o = p;
                                    continue;
                                }
                                None => return Ok(Value::Undefined),
                            }
                        }
                    }
                }
                _ => {
                    let b = o.borrow();
                    match b.find(key).and_then(|p| b.read(p)) {
                        Some((PropValue::Data(v), _)) => return Ok(v),
                        Some((PropValue::Accessor(g, _), _)) => g,
                        None => {
                            let next = b.proto.clone();
                            drop(b);
                            match next {
                                Some(p) => {
                                    o = p;
                                    continue;
                                }
                                None => return Ok(Value::Undefined),
                            }
                        }
                    }
                }
            };
            // Accessor found: call the getter with the receiver.
            return match getter {
                Some(g) => super::call(cx, &Value::Object(g), receiver, &[]),
                None => Ok(Value::Undefined),
            };
        }
    }

    /// [[Set]]. Spec: #sec-ordinary-object-internal-methods-and-internal-slots-set-p-v-receiver
    pub fn set(&self, cx: &mut Cx, key: Atom, v: Value, receiver: &Value) -> JsResult<bool> {
        // Fast path (not in spec): own writable data property on a non-exotic receiver that
        // is this object is observably the same as OrdinarySet.
        if let Value::Object(r) = receiver {
            if Obj::ptr_eq(r, self) {
                let mut b = self.borrow_mut();
                let exotic_key = match b.class {
                    ObjectData::Proxy(_)
                    | ObjectData::String(_)
                    | ObjectData::ModuleNamespace(_) => true,
                    ObjectData::MappedArguments(_) => key.is_index(),
                    ObjectData::TypedArray(_) => true,
                    ObjectData::Array(_) => key == Atom::Length,
                    _ => false,
                };
                if !exotic_key {
                    if let Some(p) = b.find(key) {
                        let writable_data = match p {
                            Place::Element(_) => true,
                            Place::Slot(s, f) => {
                                f & attrs::WRITABLE != 0
                                    && matches!(b.slot(s), Some(PropValue::Data(_)))
                            }
                        };
                        if writable_data {
                            b.write(p, PropValue::Data(v));
                            return Ok(true);
                        }
                    }
                }
            }
        }
        // OrdinarySetWithOwnDescriptor, walking the chain iteratively.
        let mut o = self.clone();
        let own = loop {
            match exotic(&o) {
                Exotic::Proxy => return proxy::set(cx, &o, key, v, receiver),
                // Spec: #sec-module-namespace-exotic-objects-set-p-v-receiver
                Exotic::Namespace => return Ok(false),
                _ => {}
            }
            // Typed array [[Set]] with a numeric key. Spec: #sec-typedarray-set
            if exotic(&o) == Exotic::TypedArray {
                if let Some(n) = typedarray::numeric_key(cx, key) {
                    let same = matches!(receiver, Value::Object(r) if Obj::ptr_eq(r, &o));
                    if same {
                        typedarray::exotic_set_element(cx, &o, n, &v)?;
                        return Ok(true);
                    }
                    if !typedarray::exotic_has(&o, n) {
                        return Ok(true);
                    }
                }
            }
            // 1. ownDesc = O.[[GetOwnProperty]](P).
            if let Some(d) = o.get_own_property(cx, key)? {
                break d;
            }
            // 2.a-b. Defer to the parent, or use a default data descriptor.
            let parent = o.borrow().proto.clone();
            match parent {
                Some(p) => o = p,
                None => break PropertyDescriptor::data(Value::Undefined, attrs::DEFAULT),
            }
        };
        // 3. Data descriptor.
        if own.is_data() {
            if own.writable != Some(true) {
                return Ok(false);
            }
            let Value::Object(r) = receiver else {
                return Ok(false);
            };
            // 3.c-e.
            match r.get_own_property(cx, key)? {
                Some(ex) => {
                    if ex.is_accessor() || ex.writable != Some(true) {
                        return Ok(false);
                    }
                    let d = PropertyDescriptor {
                        value: Some(v),
                        ..Default::default()
                    };
                    r.define_own_property(cx, key, d)
                }
                None => create_data_property(cx, r, key, v),
            }
        } else {
            // 4-7. Accessor.
            match own.set {
                Some(Value::Object(s)) => {
                    super::call(cx, &Value::Object(s), receiver, &[v])?;
                    Ok(true)
                }
                _ => Ok(false),
            }
        }
    }

    /// [[Delete]]. Spec: #sec-ordinarydelete
    pub fn delete(&self, cx: &mut Cx, key: Atom) -> JsResult<bool> {
        match exotic(self) {
            Exotic::Proxy => return proxy::delete(cx, self, key),
            Exotic::Arguments => {
                if let Some(r) = arguments::delete(self, key) {
                    return Ok(r);
                }
            }
            // Spec: #sec-module-namespace-exotic-objects-delete-p
            Exotic::Namespace if !cx.atoms.is_symbol(key) => {
                return Ok(!crate::vm::module::ns_has(cx, self, key));
            }
            Exotic::String | Exotic::Array => {
                if let Some(d) = self.get_own_property(cx, key)? {
                    if d.configurable != Some(true) && self.borrow().find(key).is_none() {
                        return Ok(false);
                    }
                }
            }
            Exotic::TypedArray => {
                // Spec: #sec-typedarray-delete
                if let Some(n) = typedarray::numeric_key(cx, key) {
                    return Ok(!typedarray::exotic_has(self, n));
                }
            }
            Exotic::None | Exotic::Namespace => {}
        }
        let mut b = self.borrow_mut();
        let Some(p) = b.find(key) else {
            return Ok(true);
        };
        let configurable = match p {
            Place::Element(_) => true,
            Place::Slot(_, f) => f & attrs::CONFIGURABLE != 0,
        };
        if !configurable {
            return Ok(false);
        }
        b.remove(cx, key, p)?;
        Ok(true)
    }

    /// [[OwnPropertyKeys]]. Spec: #sec-ordinaryownpropertykeys
    pub fn own_property_keys(&self, cx: &mut Cx) -> JsResult<Vec<Atom>> {
        match exotic(self) {
            Exotic::Proxy => proxy::own_property_keys(cx, self),
            // Spec: #sec-module-namespace-exotic-objects-ownpropertykeys
            Exotic::Namespace => {
                let mut keys = crate::vm::module::ns_export_keys(cx, self);
                keys.extend(ordinary_own_property_keys(cx, self, Exotic::Namespace)?);
                Ok(keys)
            }
            e => ordinary_own_property_keys(cx, self, e),
        }
    }
}

/// OrdinaryOwnPropertyKeys (plus the virtual keys of String and Array exotics): integer
/// indices ascending, then strings in creation order, then symbols in creation order.
fn ordinary_own_property_keys(cx: &mut Cx, o: &Obj, e: Exotic) -> JsResult<Vec<Atom>> {
    let b = o.borrow();
    let mut ints: Vec<(u32, Atom)> = Vec::new();
    let mut strings: Vec<Atom> = Vec::new();
    let mut symbols: Vec<Atom> = Vec::new();
    let n = b.elements().len();
    let (extra, string_len) = match (&b.class, e) {
        (ObjectData::String(s), Exotic::String) => (1, s.len()),
        // Spec: #sec-typedarray-ownpropertykeys (indices 0..length unless out of bounds).
        (ObjectData::TypedArray(t), Exotic::TypedArray) => (0, t.array_length().unwrap_or(0)),
        (_, Exotic::Array) => (1, 0),
        _ => (0, 0),
    };
    let total = n + b.slot_count() + string_len + extra;
    if cx.heap.charge(0).is_err() || total > (1 << 28) {
        return Err(cx.throw_out_of_memory());
    }
    for i in 0..string_len {
        if let Some(a) = Atom::from_index(i as u32) {
            ints.push((i as u32, a));
        }
    }
    for i in 0..n {
        if let Some(a) = Atom::from_index(i as u32) {
            ints.push((i as u32, a));
        }
    }
    if e == Exotic::String || e == Exotic::Array {
        strings.push(Atom::Length);
    }
    let mut sort_needed = false;
    if e == Exotic::Arguments {
        for i in arguments::mapped_indices(o) {
            if let Some(a) = Atom::from_index(i) {
                ints.push((i, a));
                sort_needed = true;
            }
        }
    }
    for p in b.shape().live_props() {
        let k = p.key;
        if let Some(i) = k.as_index() {
            ints.push((i, k));
            sort_needed = true;
        } else if cx.atoms.is_symbol(k) {
            symbols.push(k);
        } else if let Some(i) = cx.atoms.text(k).and_then(crate::atoms::canonical_index) {
            ints.push((i, k));
            sort_needed = true;
        } else {
            strings.push(k);
        }
    }
    drop(b);
    if sort_needed {
        ints.sort_by_key(|&(i, _)| i);
    }
    let mut out = Vec::with_capacity(ints.len() + strings.len() + symbols.len());
    out.extend(ints.into_iter().map(|(_, a)| a));
    out.extend(strings);
    out.extend(symbols);
    Ok(out)
}

/// OrdinaryDefineOwnProperty. Spec: #sec-ordinarydefineownproperty
pub fn ordinary_define_own_property(
    cx: &mut Cx,
    o: &Obj,
    key: Atom,
    desc: PropertyDescriptor,
) -> JsResult<bool> {
    // 1. current = O.[[GetOwnProperty]](P) (ordinary: stored properties only).
    let (current, ext) = {
        let b = o.borrow();
        (b.own_descriptor(key), b.extensible)
    };
    validate_and_apply(cx, Some(o), key, ext, desc, current)
}

/// ValidateAndApplyPropertyDescriptor. Spec: #sec-validateandapplypropertydescriptor
pub fn validate_and_apply(
    cx: &mut Cx,
    o: Option<&Obj>,
    key: Atom,
    extensible: bool,
    desc: PropertyDescriptor,
    current: Option<PropertyDescriptor>,
) -> JsResult<bool> {
    // 2. No current property.
    let Some(cur) = current else {
        // 2.a. Not extensible: false.
        if !extensible {
            return Ok(false);
        }
        // 2.b-d. Create it with defaults for missing fields.
        if let Some(o) = o {
            let flags = desc.flags();
            let v = if desc.is_accessor() {
                PropValue::Accessor(
                    desc.get.as_ref().and_then(|g| g.as_object().cloned()),
                    desc.set.as_ref().and_then(|s| s.as_object().cloned()),
                )
            } else {
                PropValue::Data(desc.value.unwrap_or(Value::Undefined))
            };
            o.borrow_mut().add(cx, key, v, flags)?;
        }
        return Ok(true);
    };
    // 3. Empty descriptor: nothing to do.
    // 4. Current not configurable.
    if cur.configurable == Some(false) {
        // 4.a-b.
        if desc.configurable == Some(true) {
            return Ok(false);
        }
        if desc.enumerable.is_some() && desc.enumerable != cur.enumerable {
            return Ok(false);
        }
        // 4.c. Kind change.
        if !desc.is_generic() && desc.is_accessor() != cur.is_accessor() {
            return Ok(false);
        }
        if cur.is_accessor() {
            // 4.d.
            if let Some(g) = &desc.get {
                if !same_value(g, cur.get.as_ref().unwrap_or(&Value::Undefined)) {
                    return Ok(false);
                }
            }
            if let Some(s) = &desc.set {
                if !same_value(s, cur.set.as_ref().unwrap_or(&Value::Undefined)) {
                    return Ok(false);
                }
            }
        } else if cur.writable == Some(false) {
            // 4.e.
            if desc.writable == Some(true) {
                return Ok(false);
            }
            if let Some(v) = &desc.value {
                if !same_value(v, cur.value.as_ref().unwrap_or(&Value::Undefined)) {
                    return Ok(false);
                }
            }
        }
    }
    // 5. Apply.
    let Some(o) = o else { return Ok(true) };
    let enumerable = desc.enumerable.or(cur.enumerable).unwrap_or(false);
    let configurable = desc.configurable.or(cur.configurable).unwrap_or(false);
    let mut flags = 0;
    if enumerable {
        flags |= attrs::ENUMERABLE;
    }
    if configurable {
        flags |= attrs::CONFIGURABLE;
    }
    let newv = if desc.is_accessor() || (desc.is_generic() && cur.is_accessor()) {
        // 5.a / 5.c: accessor (converted from data, or updated).
        let (og, os) = if cur.is_accessor() {
            (
                cur.get.clone().unwrap_or_default(),
                cur.set.clone().unwrap_or_default(),
            )
        } else {
            (Value::Undefined, Value::Undefined)
        };
        let g = desc.get.clone().unwrap_or(og);
        let s = desc.set.clone().unwrap_or(os);
        PropValue::Accessor(g.as_object().cloned(), s.as_object().cloned())
    } else {
        // 5.b / 5.c: data (converted from accessor, or updated).
        let (ov, ow) = if cur.is_data() {
            (
                cur.value.clone().unwrap_or_default(),
                cur.writable.unwrap_or(false),
            )
        } else {
            (Value::Undefined, false)
        };
        if desc.writable.unwrap_or(ow) {
            flags |= attrs::WRITABLE;
        }
        PropValue::Data(desc.value.clone().unwrap_or(ov))
    };
    let mut b = o.borrow_mut();
    // A virtual exotic property (already validated) has nothing stored to update.
    if let Some(p) = b.find(key) {
        b.redefine(cx, key, p, newv, flags)?;
    }
    Ok(true)
}

// ----- Spec 7.3: operations on objects -----

/// Get(O, P). Spec: #sec-get-o-p
#[inline]
pub fn get(cx: &mut Cx, o: &Obj, key: Atom) -> JsResult<Value> {
    o.get(cx, key, &Value::Object(o.clone()))
}

/// GetV(V, P): property lookup on any value (primitives use their prototype).
/// Spec: #sec-getv
pub fn get_v(cx: &mut Cx, v: &Value, key: Atom) -> JsResult<Value> {
    match v {
        Value::Object(o) => o.get(cx, key, v),
        Value::String(s) => {
            // Fast path (not in spec): own properties of the String wrapper.
            if key == Atom::Length {
                return Ok(Value::Int(s.len() as i32));
            }
            if let Some(i) = key.as_index() {
                if let Some(u) = s.code_unit(i as usize) {
                    return Ok(Value::String(cx.char_string(u)?));
                }
            }
            let p = cx.intrinsic_obj(Intrinsic::StringPrototype);
            match p {
                Some(p) => p.get(cx, key, v),
                None => Ok(Value::Undefined),
            }
        }
        Value::Undefined | Value::Null | Value::Uninitialized => {
            let name = cx.atom_name(key);
            let what = if v.is_null() { "null" } else { "undefined" };
            Err(cx.throw_type_error(&format!("cannot read property '{name}' of {what}")))
        }
        _ => {
            let proto = primitive_proto(cx, v);
            match proto {
                Some(p) => p.get(cx, key, v),
                None => Ok(Value::Undefined),
            }
        }
    }
}

/// The prototype object used for a primitive's property lookups.
pub fn primitive_proto(cx: &Cx, v: &Value) -> Option<Obj> {
    let i = match v {
        Value::Bool(_) => Intrinsic::BooleanPrototype,
        Value::Int(_) | Value::Float(_) => Intrinsic::NumberPrototype,
        Value::String(_) => Intrinsic::StringPrototype,
        Value::Symbol(_) => Intrinsic::SymbolPrototype,
        Value::BigInt(_) => Intrinsic::BigIntPrototype,
        _ => return None,
    };
    cx.intrinsic_obj(i)
}

/// Set(O, P, V, Throw). Spec: #sec-set-o-p-v-throw
pub fn set(cx: &mut Cx, o: &Obj, key: Atom, v: Value, throw: bool) -> JsResult<()> {
    let ok = o.set(cx, key, v, &Value::Object(o.clone()))?;
    if !ok && throw {
        let name = cx.atom_name(key);
        return Err(cx.throw_type_error(&format!("cannot assign to read only property '{name}'")));
    }
    Ok(())
}

/// PutValue-style set on any base value (primitives: strict mode throws on failure).
pub fn set_v(cx: &mut Cx, base: &Value, key: Atom, v: Value, throw: bool) -> JsResult<()> {
    let ok = match base {
        Value::Object(o) => o.set(cx, key, v, base)?,
        Value::Undefined | Value::Null | Value::Uninitialized => {
            let name = cx.atom_name(key);
            let what = if base.is_null() { "null" } else { "undefined" };
            return Err(cx.throw_type_error(&format!("cannot set property '{name}' of {what}")));
        }
        _ => {
            let p = if let Value::String(_) = base {
                let tmp = crate::value::conv::to_object(cx, base)?;
                Some(tmp)
            } else {
                primitive_proto(cx, base)
            };
            match p {
                Some(p) => p.set(cx, key, v, base)?,
                None => false,
            }
        }
    };
    if !ok && throw {
        let name = cx.atom_name(key);
        return Err(cx.throw_type_error(&format!("cannot assign to read only property '{name}'")));
    }
    Ok(())
}

/// CreateDataProperty. Spec: #sec-createdataproperty
pub fn create_data_property(cx: &mut Cx, o: &Obj, key: Atom, v: Value) -> JsResult<bool> {
    o.define_own_property(cx, key, PropertyDescriptor::data(v, attrs::DEFAULT))
}

/// CreateDataPropertyOrThrow. Spec: #sec-createdatapropertyorthrow
pub fn create_data_property_or_throw(cx: &mut Cx, o: &Obj, key: Atom, v: Value) -> JsResult<()> {
    if !create_data_property(cx, o, key, v)? {
        let name = cx.atom_name(key);
        return Err(cx.throw_type_error(&format!("cannot define property '{name}'")));
    }
    Ok(())
}

/// DefinePropertyOrThrow. Spec: #sec-definepropertyorthrow
pub fn define_property_or_throw(
    cx: &mut Cx,
    o: &Obj,
    key: Atom,
    d: PropertyDescriptor,
) -> JsResult<()> {
    if !o.define_own_property(cx, key, d)? {
        let name = cx.atom_name(key);
        return Err(cx.throw_type_error(&format!("cannot redefine property '{name}'")));
    }
    Ok(())
}

/// Defines a builtin-style property directly (no checks; for object construction).
pub fn define_value(cx: &mut Cx, o: &Obj, key: Atom, v: Value, flags: u8) -> JsResult<()> {
    let exists = o.borrow().find(key);
    let mut b = o.borrow_mut();
    match exists {
        Some(p) => b.redefine(cx, key, p, PropValue::Data(v), flags),
        None => b.add(cx, key, PropValue::Data(v), flags),
    }
}

/// DeletePropertyOrThrow. Spec: #sec-deletepropertyorthrow
pub fn delete_property_or_throw(cx: &mut Cx, o: &Obj, key: Atom) -> JsResult<()> {
    if !o.delete(cx, key)? {
        let name = cx.atom_name(key);
        return Err(cx.throw_type_error(&format!("cannot delete property '{name}'")));
    }
    Ok(())
}

/// GetMethod. Spec: #sec-getmethod
pub fn get_method(cx: &mut Cx, v: &Value, key: Atom) -> JsResult<Option<Value>> {
    let f = get_v(cx, v, key)?;
    if f.is_nullish() {
        return Ok(None);
    }
    if !super::is_callable(&f) {
        let name = cx.atom_name(key);
        return Err(cx.throw_type_error(&format!("'{name}' is not a function")));
    }
    Ok(Some(f))
}

/// HasOwnProperty. Spec: #sec-hasownproperty
pub fn has_own_property(cx: &mut Cx, o: &Obj, key: Atom) -> JsResult<bool> {
    Ok(o.get_own_property(cx, key)?.is_some())
}

/// Invoke(V, P, args). Spec: #sec-invoke
pub fn invoke(cx: &mut Cx, v: &Value, key: Atom, args: &[Value]) -> JsResult<Value> {
    let f = get_v(cx, v, key)?;
    super::call(cx, &f, v, args)
}

/// Integrity levels for SetIntegrityLevel / TestIntegrityLevel.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Integrity {
    Sealed,
    Frozen,
}

/// SetIntegrityLevel. Spec: #sec-setintegritylevel
pub fn set_integrity_level(cx: &mut Cx, o: &Obj, level: Integrity) -> JsResult<bool> {
    // 3-4.
    if !o.prevent_extensions(cx)? {
        return Ok(false);
    }
    let keys = o.own_property_keys(cx)?;
    for k in keys {
        let d = match level {
            Integrity::Sealed => PropertyDescriptor {
                configurable: Some(false),
                ..Default::default()
            },
            Integrity::Frozen => match o.get_own_property(cx, k)? {
                None => continue,
                Some(cur) if cur.is_accessor() => PropertyDescriptor {
                    configurable: Some(false),
                    ..Default::default()
                },
                Some(_) => PropertyDescriptor {
                    configurable: Some(false),
                    writable: Some(false),
                    ..Default::default()
                },
            },
        };
        define_property_or_throw(cx, o, k, d)?;
    }
    Ok(true)
}

/// TestIntegrityLevel. Spec: #sec-testintegritylevel
pub fn test_integrity_level(cx: &mut Cx, o: &Obj, level: Integrity) -> JsResult<bool> {
    if o.is_extensible(cx)? {
        return Ok(false);
    }
    for k in o.own_property_keys(cx)? {
        if let Some(d) = o.get_own_property(cx, k)? {
            if d.configurable == Some(true) {
                return Ok(false);
            }
            if level == Integrity::Frozen && d.writable == Some(true) {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// A new ordinary object with %Object.prototype%.
pub fn new_object(cx: &mut Cx) -> JsResult<Obj> {
    let p = cx.intrinsic_obj(Intrinsic::ObjectPrototype);
    Obj::new(cx, p, ObjectData::Ordinary)
}

/// CreateArrayFromList. Spec: #sec-createarrayfromlist
pub fn create_array_from_list(cx: &mut Cx, items: &[Value]) -> JsResult<Obj> {
    let a = array::array_create(cx, 0, None)?;
    {
        let mut b = a.borrow_mut();
        b.reserve_elements(cx, items.len())?;
        for v in items {
            // Fresh extensible array: pushes stay dense.
            let _ = b.try_push_element(cx, v.clone())?;
        }
        if let ObjectData::Array(ad) = &mut b.class {
            ad.length = items.len() as u32;
        }
    }
    Ok(a)
}

/// LengthOfArrayLike. Spec: #sec-lengthofarraylike
pub fn length_of_array_like(cx: &mut Cx, o: &Obj) -> JsResult<u64> {
    let v = get(cx, o, Atom::Length)?;
    crate::value::conv::to_length(cx, &v)
}

/// CreateListFromArrayLike. Spec: #sec-createlistfromarraylike
pub fn create_list_from_array_like(
    cx: &mut Cx,
    v: &Value,
    only_keys: bool,
) -> JsResult<Vec<Value>> {
    let Value::Object(o) = v else {
        return Err(cx.throw_type_error("CreateListFromArrayLike called on non-object"));
    };
    let len = length_of_array_like(cx, o)?;
    if len > 10_000_000 {
        return Err(cx.throw_range_error("too many arguments"));
    }
    let bytes = len as usize * std::mem::size_of::<Value>();
    cx.oom(cx.heap.charge(bytes))?;
    cx.heap.refund(bytes);
    let mut out = Vec::with_capacity(len as usize);
    for i in 0..len {
        let key = index_key(cx, i);
        let e = get(cx, o, key)?;
        if only_keys && !matches!(e, Value::String(_) | Value::Symbol(_)) {
            return Err(cx.throw_type_error("property key must be a string or symbol"));
        }
        out.push(e);
    }
    Ok(out)
}

/// The property key for integer index `i` (integer atom when small, string atom otherwise).
pub fn index_key(cx: &mut Cx, i: u64) -> Atom {
    match u32::try_from(i).ok().and_then(Atom::from_index) {
        Some(a) => a,
        None => cx.atoms.intern(&i.to_string()),
    }
}

/// OrdinaryHasInstance. Spec: #sec-ordinaryhasinstance
pub fn ordinary_has_instance(cx: &mut Cx, c: &Value, o: &Value) -> JsResult<bool> {
    // 1. Not callable: false.
    let Value::Object(cobj) = c else {
        return Ok(false);
    };
    if !cobj.is_callable() {
        return Ok(false);
    }
    // 2. Bound function: instanceof on the target.
    let bound_target = match &cobj.borrow().class {
        ObjectData::BoundFunction(b) => Some(b.target.clone()),
        _ => None,
    };
    if let Some(t) = bound_target {
        cx.enter()?;
        let r = crate::value::ops::instance_of(cx, o, &Value::Object(t));
        cx.leave();
        return r;
    }
    // 3. Not an object: false.
    let Value::Object(mut obj) = o.clone() else {
        return Ok(false);
    };
    // 4-5.
    let p = get(cx, cobj, Atom::Prototype)?;
    let Value::Object(p) = p else {
        return Err(cx.throw_type_error("function has non-object prototype in instanceof check"));
    };
    // 6. Walk the chain.
    loop {
        let next = obj.get_prototype_of(cx)?;
        match next {
            None => return Ok(false),
            Some(n) => {
                if Obj::ptr_eq(&n, &p) {
                    return Ok(true);
                }
                obj = n;
            }
        }
        cx.poll_interrupt(1)?;
    }
}

/// GetPrototypeFromConstructor: `new_target.prototype` if an object, else the intrinsic
/// default of the constructor's realm. Spec: #sec-getprototypefromconstructor
pub fn get_prototype_from_constructor(
    cx: &mut Cx,
    new_target: &Value,
    default: Intrinsic,
) -> JsResult<Option<Obj>> {
    if let Value::Object(nt) = new_target {
        // 2. proto = Get(constructor, "prototype").
        if let Value::Object(p) = get(cx, nt, Atom::Prototype)? {
            return Ok(Some(p));
        }
        // 3.a-b. The default of the constructor's realm.
        let realm = super::function::get_function_realm(cx, nt)?;
        return Ok(cx.realm_intrinsic(realm, default).as_object().cloned());
    }
    Ok(cx.intrinsic_obj(default))
}
/// OrdinaryCreateFromConstructor. Spec: #sec-ordinarycreatefromconstructor
pub fn ordinary_create_from_constructor(
    cx: &mut Cx,
    new_target: &Value,
    default: Intrinsic,
    class: ObjectData,
) -> JsResult<Obj> {
    let proto = get_prototype_from_constructor(cx, new_target, default)?;
    Obj::new(cx, proto, class)
}

/// SpeciesConstructor. Spec: #sec-speciesconstructor
pub fn species_constructor(cx: &mut Cx, o: &Obj, default: Value) -> JsResult<Value> {
    let c = get(cx, o, Atom::Constructor)?;
    if c.is_undefined() {
        return Ok(default);
    }
    let Value::Object(co) = &c else {
        return Err(cx.throw_type_error("object.constructor is not an object"));
    };
    let s = get(cx, co, crate::atoms::Atom::SYM_SPECIES)?;
    if s.is_nullish() {
        return Ok(default);
    }
    if super::is_constructor(&s) {
        return Ok(s);
    }
    Err(cx.throw_type_error("object.constructor[Symbol.species] is not a constructor"))
}

/// Kind for EnumerableOwnProperties.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum EnumKind {
    Keys,
    Values,
    Entries,
}

/// EnumerableOwnProperties. Spec: #sec-enumerableownproperties
pub fn enumerable_own_properties(cx: &mut Cx, o: &Obj, kind: EnumKind) -> JsResult<Vec<Value>> {
    let keys = o.own_property_keys(cx)?;
    let mut out = Vec::new();
    for k in keys {
        if cx.is_symbol(k) {
            continue;
        }
        let Some(d) = o.get_own_property(cx, k)? else {
            continue;
        };
        if d.enumerable != Some(true) {
            continue;
        }
        let ks = Value::String(cx.atom_to_string(k)?);
        match kind {
            EnumKind::Keys => out.push(ks),
            EnumKind::Values => out.push(get(cx, o, k)?),
            EnumKind::Entries => {
                let v = get(cx, o, k)?;
                let e = create_array_from_list(cx, &[ks, v])?;
                out.push(Value::Object(e));
            }
        }
    }
    Ok(out)
}

/// CopyDataProperties(target, source, excluded). Spec: #sec-copydataproperties
pub fn copy_data_properties(
    cx: &mut Cx,
    target: &Obj,
    source: &Value,
    excluded: &[Atom],
) -> JsResult<()> {
    if source.is_nullish() {
        return Ok(());
    }
    let from = crate::value::conv::to_object(cx, source)?;
    let keys = from.own_property_keys(cx)?;
    for k in keys {
        if excluded.contains(&k) {
            continue;
        }
        if let Some(d) = from.get_own_property(cx, k)? {
            if d.enumerable == Some(true) {
                let v = get(cx, &from, k)?;
                create_data_property_or_throw(cx, target, k, v)?;
            }
        }
    }
    Ok(())
}

/// FromPropertyDescriptor. Spec: #sec-frompropertydescriptor
pub fn from_property_descriptor(cx: &mut Cx, d: Option<PropertyDescriptor>) -> JsResult<Value> {
    let Some(d) = d else {
        return Ok(Value::Undefined);
    };
    let o = new_object(cx)?;
    if let Some(v) = d.value {
        create_data_property_or_throw(cx, &o, Atom::Value, v)?;
    }
    if let Some(w) = d.writable {
        create_data_property_or_throw(cx, &o, Atom::Writable, Value::Bool(w))?;
    }
    if let Some(g) = d.get {
        create_data_property_or_throw(cx, &o, Atom::Get, g)?;
    }
    if let Some(s) = d.set {
        create_data_property_or_throw(cx, &o, Atom::Set, s)?;
    }
    if let Some(e) = d.enumerable {
        create_data_property_or_throw(cx, &o, Atom::Enumerable, Value::Bool(e))?;
    }
    if let Some(c) = d.configurable {
        create_data_property_or_throw(cx, &o, Atom::Configurable, Value::Bool(c))?;
    }
    Ok(Value::Object(o))
}

/// ToPropertyDescriptor. Spec: #sec-topropertydescriptor
pub fn to_property_descriptor(cx: &mut Cx, v: &Value) -> JsResult<PropertyDescriptor> {
    let Value::Object(o) = v else {
        return Err(cx.throw_type_error("property descriptor must be an object"));
    };
    let mut d = PropertyDescriptor::default();
    if o.has_property(cx, Atom::Enumerable)? {
        d.enumerable = Some(get(cx, o, Atom::Enumerable)?.to_boolean());
    }
    if o.has_property(cx, Atom::Configurable)? {
        d.configurable = Some(get(cx, o, Atom::Configurable)?.to_boolean());
    }
    if o.has_property(cx, Atom::Value)? {
        d.value = Some(get(cx, o, Atom::Value)?);
    }
    if o.has_property(cx, Atom::Writable)? {
        d.writable = Some(get(cx, o, Atom::Writable)?.to_boolean());
    }
    if o.has_property(cx, Atom::Get)? {
        let g = get(cx, o, Atom::Get)?;
        if !g.is_undefined() && !super::is_callable(&g) {
            return Err(cx.throw_type_error("getter must be a function"));
        }
        d.get = Some(g);
    }
    if o.has_property(cx, Atom::Set)? {
        let s = get(cx, o, Atom::Set)?;
        if !s.is_undefined() && !super::is_callable(&s) {
            return Err(cx.throw_type_error("setter must be a function"));
        }
        d.set = Some(s);
    }
    if (d.get.is_some() || d.set.is_some()) && (d.value.is_some() || d.writable.is_some()) {
        return Err(cx.throw_type_error("invalid property descriptor: cannot both specify accessors and a value or writable attribute"));
    }
    Ok(d)
}

/// CompletePropertyDescriptor. Spec: #sec-completepropertydescriptor
pub fn complete_property_descriptor(d: &mut PropertyDescriptor) {
    if d.is_generic() || d.is_data() {
        d.value.get_or_insert(Value::Undefined);
        d.writable.get_or_insert(false);
    } else {
        d.get.get_or_insert(Value::Undefined);
        d.set.get_or_insert(Value::Undefined);
    }
    d.enumerable.get_or_insert(false);
    d.configurable.get_or_insert(false);
}

/// IsCompatiblePropertyDescriptor. Spec: #sec-iscompatiblepropertydescriptor
pub fn is_compatible_property_descriptor(
    cx: &mut Cx,
    extensible: bool,
    desc: PropertyDescriptor,
    current: Option<PropertyDescriptor>,
) -> JsResult<bool> {
    validate_and_apply(cx, None, Atom::Empty, extensible, desc, current)
}

/// CreateUnmappedArgumentsObject. Spec: #sec-createunmappedargumentsobject
pub fn create_unmapped_arguments_object(cx: &mut Cx, args: &[Value]) -> JsResult<Obj> {
    let proto = cx.intrinsic_obj(Intrinsic::ObjectPrototype);
    let o = Obj::new(cx, proto, ObjectData::Arguments)?;
    define_value(
        cx,
        &o,
        Atom::Length,
        Value::number(args.len() as f64),
        attrs::HIDDEN,
    )?;
    {
        let mut b = o.borrow_mut();
        b.reserve_elements(cx, args.len())?;
        for v in args {
            // Fresh extensible object: pushes stay dense (cannot return the value back).
            let _ = b.try_push_element(cx, v.clone())?;
        }
    }
    let values = cx.intrinsic(Intrinsic::ArrayProtoValues);
    define_value(cx, &o, Atom::SYM_ITERATOR, values, attrs::HIDDEN)?;
    let tte = cx.intrinsic_obj(Intrinsic::ThrowTypeError);
    o.borrow_mut()
        .add(cx, Atom::Callee, PropValue::Accessor(tte.clone(), tte), 0)?;
    Ok(o)
}

/// StringCreate(value, prototype). Spec: #sec-stringcreate
pub fn string_create(
    cx: &mut Cx,
    s: crate::strings::JsString,
    proto: Option<Obj>,
) -> JsResult<Obj> {
    let proto = match proto {
        Some(p) => Some(p),
        None => cx.intrinsic_obj(Intrinsic::StringPrototype),
    };
    Obj::new(cx, proto, ObjectData::String(s))
}

/// An object with Annex B [[IsHTMLDDA]] (test262's `$262.IsHTMLDDA`): typeof "undefined",
/// falsy, `== null`; calling it returns null. Spec: #sec-IsHTMLDDA-internal-slot
pub fn new_htmldda_object(cx: &mut Cx) -> JsResult<Obj> {
    let f: super::HostFn = std::rc::Rc::new(|_: &mut Cx, _: &Value, _: &[Value]| Ok(Value::Null));
    let o = super::function::new_host_function(cx, "IsHTMLDDA", 0, f)?;
    o.borrow_mut().htmldda = true;
    Ok(o)
}

/// An Iterator Record. Spec: #sec-iterator-records
pub struct IteratorRecord {
    pub iterator: Value,
    pub next: Value,
}

/// GetIterator(obj, sync). Spec: #sec-getiterator
pub fn get_iterator(cx: &mut Cx, v: &Value) -> JsResult<IteratorRecord> {
    let Some(m) = get_method(cx, v, Atom::SYM_ITERATOR)? else {
        return Err(cx.throw_type_error("object is not iterable"));
    };
    get_iterator_from_method(cx, v, &m)
}

/// GetIteratorFromMethod. Spec: #sec-getiteratorfrommethod
pub fn get_iterator_from_method(cx: &mut Cx, v: &Value, m: &Value) -> JsResult<IteratorRecord> {
    let it = super::call(cx, m, v, &[])?;
    if !it.is_object() {
        return Err(cx.throw_type_error("Result of the Symbol.iterator method is not an object"));
    }
    let next = get_v(cx, &it, Atom::Next)?;
    Ok(IteratorRecord { iterator: it, next })
}

/// IteratorStepValue: the next value, or `None` when done. Spec: #sec-iteratorstepvalue
pub fn iterator_step_value(cx: &mut Cx, rec: &IteratorRecord) -> JsResult<Option<Value>> {
    let r = super::call(cx, &rec.next, &rec.iterator, &[])?;
    if !r.is_object() {
        return Err(cx.throw_type_error("iterator result is not an object"));
    }
    if get_v(cx, &r, Atom::Done)?.to_boolean() {
        return Ok(None);
    }
    Ok(Some(get_v(cx, &r, Atom::Value)?))
}

/// IteratorClose with a throw completion: calls `return` (ignoring its result and errors)
/// and gives back the original throw. An uncatchable interrupt is never replaced.
/// Spec: #sec-iteratorclose
pub fn iterator_close(
    cx: &mut Cx,
    rec: &IteratorRecord,
    t: crate::realm::Throw,
) -> crate::realm::Throw {
    if cx.uncatchable {
        return t;
    }
    let saved = cx.take_exception();
    let r = get_method(cx, &rec.iterator, Atom::Return).and_then(|m| {
        m.map_or(Ok(Value::Undefined), |m| {
            super::call(cx, &m, &rec.iterator, &[])
        })
    });
    if r.is_err() && cx.uncatchable {
        return t;
    }
    cx.throw(saved)
}

/// IteratorClose with a normal completion: calls `return`, whose result must be an object.
/// Spec: #sec-iteratorclose
pub fn iterator_close_normal(cx: &mut Cx, rec: &IteratorRecord) -> JsResult<()> {
    let Some(m) = get_method(cx, &rec.iterator, Atom::Return)? else {
        return Ok(());
    };
    let r = super::call(cx, &m, &rec.iterator, &[])?;
    if !r.is_object() {
        return Err(cx.throw_type_error("iterator return() result is not an object"));
    }
    Ok(())
}
