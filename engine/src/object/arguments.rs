//! Mapped arguments exotic objects (sloppy functions with simple parameter lists).
//! Spec: #sec-arguments-exotic-objects
//!
//! Representation: a mapped index is *virtual*: it has no stored property, only an entry
//! `(cell, flags)` in [`MappedArgs::map`], where `cell` is the parameter's variable cell in
//! the function's frame and `flags` its attributes (always writable while mapped). Reads
//! and writes through either side see the same cell, which is the aliasing the spec
//! describes with its [[ParameterMap]]. When an index stops being mapped (delete, redefined
//! as an accessor or non-writable), its current value is materialised as an ordinary
//! stored property.
//!
//! Invariants: a key is either mapped (virtual) or stored, never both; interpreter fast
//! paths only see stored properties (`find`, `elements`), so they miss mapped indices and
//! fall back to the internal methods, which dispatch here.

use super::ops::validate_and_apply;
use super::{attrs, Obj, ObjectData, PropValue, PropertyDescriptor};
use crate::atoms::Atom;
use crate::realm::{Cx, JsResult};
use crate::value::Value;
use crate::vm::{cell_get, cell_set, Cell};

/// [[ParameterMap]]: entry `i` aliases argument index `i` while it is `Some`.
pub struct MappedArgs {
    pub map: Vec<Option<(Cell, u8)>>,
}

/// The mapped entry for `key`, if any.
fn entry(o: &Obj, key: Atom) -> Option<(Cell, u8)> {
    let i = key.as_index()? as usize;
    match &o.borrow().class {
        ObjectData::MappedArguments(m) => m.map.get(i).cloned().flatten(),
        _ => None,
    }
}

/// Sets or removes the entry for a mapped key.
fn set_entry(o: &Obj, key: Atom, e: Option<(Cell, u8)>) {
    let Some(i) = key.as_index() else { return };
    if let ObjectData::MappedArguments(m) = &mut o.borrow_mut().class {
        if let Some(slot) = m.map.get_mut(i as usize) {
            *slot = e;
        }
    }
}

/// Whether `key` is currently mapped (used by the generic [[Set]] fast path).
pub fn is_mapped(o: &Obj, key: Atom) -> bool {
    entry(o, key).is_some()
}

/// The value of a mapped key ([[Get]] step 3: Get(map, P)), or `None` when not mapped.
pub fn mapped_get(o: &Obj, key: Atom) -> Option<Value> {
    entry(o, key).map(|(c, _)| cell_get(&c))
}

/// Indices of the mapped keys, for [[OwnPropertyKeys]].
pub fn mapped_indices(o: &Obj) -> Vec<u32> {
    match &o.borrow().class {
        ObjectData::MappedArguments(m) => m
            .map
            .iter()
            .enumerate()
            .filter(|(_, e)| e.is_some())
            .map(|(i, _)| i as u32)
            .collect(),
        _ => Vec::new(),
    }
}

/// [[GetOwnProperty]] of a mapped key. Spec: #sec-arguments-exotic-objects-getownproperty-p
pub fn get_own_property(o: &Obj, key: Atom) -> Option<PropertyDescriptor> {
    let (c, flags) = entry(o, key)?;
    Some(PropertyDescriptor::data(cell_get(&c), flags))
}

/// [[DefineOwnProperty]]. Spec: #sec-arguments-exotic-objects-defineownproperty-p-desc
pub fn define_own_property(
    cx: &mut Cx,
    o: &Obj,
    key: Atom,
    desc: PropertyDescriptor,
) -> JsResult<bool> {
    let Some((cell, flags)) = entry(o, key) else {
        return super::ops::ordinary_define_own_property(cx, o, key, desc);
    };
    let cur = PropertyDescriptor::data(cell_get(&cell), flags);
    // 3. newArgDesc: a non-writable redefinition without a value keeps the mapped value.
    let mut new_desc = desc.clone();
    if desc.is_data() && desc.value.is_none() && desc.writable == Some(false) {
        new_desc.value = cur.value.clone();
    }
    // 4-5. OrdinaryDefineOwnProperty against the (virtual) current descriptor.
    let ext = o.borrow().extensible;
    if !validate_and_apply(cx, None, key, ext, new_desc.clone(), Some(cur.clone()))? {
        return Ok(false);
    }
    let enumerable = new_desc
        .enumerable
        .unwrap_or(flags & attrs::ENUMERABLE != 0);
    let configurable = new_desc
        .configurable
        .unwrap_or(flags & attrs::CONFIGURABLE != 0);
    let mut nflags = 0;
    if enumerable {
        nflags |= attrs::ENUMERABLE;
    }
    if configurable {
        nflags |= attrs::CONFIGURABLE;
    }
    // 6.a. An accessor unmaps the index; the property becomes an ordinary accessor.
    if desc.is_accessor() {
        set_entry(o, key, None);
        let g = desc.get.as_ref().and_then(|g| g.as_object().cloned());
        let s = desc.set.as_ref().and_then(|s| s.as_object().cloned());
        o.borrow_mut()
            .add(cx, key, PropValue::Accessor(g, s), nflags)?;
        return Ok(true);
    }
    // 6.b.i. Set(map, P, Desc.[[Value]]).
    if let Some(v) = &desc.value {
        cell_set(&cell, v.clone());
    }
    if desc.writable == Some(false) {
        // 6.b.ii. Unmap; the stored property keeps the value it has now.
        set_entry(o, key, None);
        let v = new_desc.value.unwrap_or_else(|| cell_get(&cell));
        o.borrow_mut().add(cx, key, PropValue::Data(v), nflags)?;
    } else {
        set_entry(o, key, Some((cell, nflags | attrs::WRITABLE)));
    }
    Ok(true)
}

/// [[Delete]] of a mapped key (`None` when not mapped: ordinary delete applies).
/// Spec: #sec-arguments-exotic-objects-delete-p
pub fn delete(o: &Obj, key: Atom) -> Option<bool> {
    let (_, flags) = entry(o, key)?;
    if flags & attrs::CONFIGURABLE == 0 {
        return Some(false);
    }
    set_entry(o, key, None);
    Some(true)
}
