//! Array exotic objects: creation, [[DefineOwnProperty]] with the `length` / index
//! semantics, ArraySetLength. Spec: #sec-array-exotic-objects
//!
//! `length` is virtual (stored in [`ArrayData`], reported by [[GetOwnProperty]]); elements
//! live in the dense vector while possible (see `object/mod.rs`).

use super::ops::{ordinary_define_own_property, validate_and_apply};
use super::{attrs, ArrayData, Obj, ObjectData, Place, PropValue, PropertyDescriptor};
use crate::atoms::{canonical_index, Atom};
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::value::Value;

/// The array index a key denotes (0 ..= 2^32 - 2), if any.
pub fn array_index(cx: &Cx, key: Atom) -> Option<u32> {
    if let Some(i) = key.as_index() {
        return Some(i);
    }
    let t = cx.atoms.text(key)?;
    if t.first()
        .is_some_and(|&c| (b'1' as u16..=b'9' as u16).contains(&c))
        && !cx.atoms.is_symbol(key)
    {
        return canonical_index(t);
    }
    None
}

/// ArrayCreate(length, proto). Spec: #sec-arraycreate
pub fn array_create(cx: &mut Cx, length: u64, proto: Option<Obj>) -> JsResult<Obj> {
    if length > u32::MAX as u64 {
        return Err(cx.throw_range_error("invalid array length"));
    }
    let proto = match proto {
        Some(p) => Some(p),
        None => cx.intrinsic_obj(Intrinsic::ArrayPrototype),
    };
    Obj::new(
        cx,
        proto,
        ObjectData::Array(ArrayData {
            length: length as u32,
            length_writable: true,
        }),
    )
}

fn array_data(o: &Obj) -> ArrayData {
    match o.borrow().class {
        ObjectData::Array(a) => a,
        // Invariant: only called on Array exotic objects.
        _ => ArrayData {
            length: 0,
            length_writable: true,
        },
    }
}

fn set_array_data(o: &Obj, d: ArrayData) {
    if let ObjectData::Array(a) = &mut o.borrow_mut().class {
        *a = d;
    }
}

/// [[DefineOwnProperty]] of arrays. Spec: #sec-array-exotic-objects-defineownproperty-p-desc
pub fn define_own_property(
    cx: &mut Cx,
    o: &Obj,
    key: Atom,
    desc: PropertyDescriptor,
) -> JsResult<bool> {
    // 1. "length".
    if key == Atom::Length {
        return array_set_length(cx, o, desc);
    }
    // 2. Array index.
    if let Some(index) = array_index(cx, key) {
        let ad = array_data(o);
        // 2.e-f. Cannot grow a non-writable length.
        if index >= ad.length && !ad.length_writable {
            return Ok(false);
        }
        // Fast path (not in spec): appending a default data element to a dense array.
        if index >= ad.length
            && desc.value.is_some()
            && desc.flags() == attrs::DEFAULT
            && !desc.is_accessor()
        {
            let mut b = o.borrow_mut();
            if b.extensible && index as usize == b.elements().len() && b.find(key).is_none() {
                let v = desc.value.clone().unwrap_or_default();
                if b.try_push_element(cx, v)?.is_none() {
                    if let ObjectData::Array(a) = &mut b.class {
                        a.length = index + 1;
                    }
                    return Ok(true);
                }
            }
        }
        // 2.g-h.
        if !ordinary_define_own_property(cx, o, key, desc)? {
            return Ok(false);
        }
        // 2.i. Grow length.
        if index >= ad.length {
            let mut nd = array_data(o);
            nd.length = index + 1;
            set_array_data(o, nd);
        }
        return Ok(true);
    }
    // 3.
    ordinary_define_own_property(cx, o, key, desc)
}

/// ArraySetLength. Spec: #sec-arraysetlength
pub fn array_set_length(cx: &mut Cx, o: &Obj, desc: PropertyDescriptor) -> JsResult<bool> {
    let ad = array_data(o);
    let cur = PropertyDescriptor::data(
        Value::number(ad.length as f64),
        if ad.length_writable {
            attrs::WRITABLE
        } else {
            0
        },
    );
    // 1. No [[Value]]: ordinary validation of the attribute change.
    let Some(v) = desc.value.clone() else {
        if !validate_and_apply(cx, None, Atom::Length, true, desc.clone(), Some(cur))? {
            return Ok(false);
        }
        if desc.writable == Some(false) {
            set_array_data(
                o,
                ArrayData {
                    length_writable: false,
                    ..ad
                },
            );
        }
        return Ok(true);
    };
    // 3-5. newLen = ToUint32(value); must equal ToNumber(value).
    let new_len = crate::value::conv::to_uint32(cx, &v)?;
    let number_len = crate::value::conv::to_number(cx, &v)?;
    if new_len as f64 != number_len {
        return Err(cx.throw_range_error("invalid array length"));
    }
    // Re-read: ToNumber may have run user code that changed the array.
    let ad = array_data(o);
    let cur = PropertyDescriptor::data(
        Value::number(ad.length as f64),
        if ad.length_writable {
            attrs::WRITABLE
        } else {
            0
        },
    );
    let mut nd = desc.clone();
    nd.value = Some(Value::number(new_len as f64));
    // 10-11. Growing or same: validate and set.
    if new_len >= ad.length {
        if !validate_and_apply(cx, None, Atom::Length, true, nd, Some(cur))? {
            return Ok(false);
        }
        let writable = desc.writable.unwrap_or(ad.length_writable);
        set_array_data(
            o,
            ArrayData {
                length: new_len,
                length_writable: writable,
            },
        );
        return Ok(true);
    }
    // 12. Shrinking a non-writable length fails.
    if !ad.length_writable {
        return Ok(false);
    }
    // Validate the attribute part (e.g. configurable: true is rejected).
    if !validate_and_apply(cx, None, Atom::Length, true, nd, Some(cur))? {
        return Ok(false);
    }
    let new_writable = desc.writable != Some(false);
    // 15-17. Delete elements from the end; stop at a non-configurable one.
    // Shape-stored (sparse) indices are all above the dense prefix, so they go first.
    let mut sparse: Vec<(u32, Atom)> = {
        let b = o.borrow();
        b.shape()
            .live_props()
            .filter_map(|p| {
                array_index(cx, p.key)
                    .filter(|&i| i >= new_len)
                    .map(|i| (i, p.key))
            })
            .collect()
    };
    sparse.sort_by_key(|&(i, _)| std::cmp::Reverse(i));
    for (i, k) in sparse {
        let place = o.borrow().find(k);
        let Some(place) = place else { continue };
        let configurable = match place {
            Place::Element(_) => true,
            Place::Slot(_, f) => f & attrs::CONFIGURABLE != 0,
        };
        if !configurable {
            set_array_data(
                o,
                ArrayData {
                    length: i + 1,
                    length_writable: new_writable,
                },
            );
            return Ok(false);
        }
        o.borrow_mut().remove(cx, k, place)?;
    }
    let removed = o.borrow_mut().truncate_elements(new_len as usize);
    set_array_data(
        o,
        ArrayData {
            length: new_len,
            length_writable: new_writable,
        },
    );
    // Dropped last: freeing the removed values cannot observe a half-updated array.
    drop(removed);
    Ok(true)
}

/// Appends to an array the way `push` does for a fresh array (used by builtins building
/// result arrays): CreateDataPropertyOrThrow(A, len, v).
pub fn push(cx: &mut Cx, a: &Obj, v: Value) -> JsResult<()> {
    let len = array_data(a).length;
    let key = super::ops::index_key(cx, len as u64);
    super::ops::create_data_property_or_throw(cx, a, key, v)
}

/// Sets the stored value of an existing element quickly when possible.
pub fn set_element_fast(o: &Obj, i: u32, v: Value) -> Result<(), Value> {
    let mut b = o.borrow_mut();
    if let Some(a) = Atom::from_index(i) {
        if let Some(p @ Place::Element(_)) = b.find(a) {
            b.write(p, PropValue::Data(v));
            return Ok(());
        }
    }
    Err(v)
}
