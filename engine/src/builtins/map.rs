//! Keyed collections: Map, Set (with the ES2025 set methods), their iterators, WeakMap,
//! WeakSet, WeakRef and FinalizationRegistry. Spec: #sec-keyed-collections,
//! #sec-managing-memory
//!
//! Storage of Map and Set ([`OrderedTable`]):
//!
//! ```text
//! entries: Vec<Option<(key, value)>>   insertion order; deleted entries are tombstones (None)
//! index:   HashMap<HashKey, usize>     SameValueZero key → position in `entries`
//! cursors: Vec<Weak<Cell<usize>>>      positions of live iterators / forEach loops
//! ```
//!
//! Invariants:
//! - Iteration walks `entries` by position, so entries added during iteration are visited
//!   and deleted ones are skipped, as the spec's list-with-empty-slots model requires.
//! - Compaction (when tombstones outnumber live entries, and always on `clear`) rewrites
//!   every registered cursor to the same logical position.
//! - Table capacity is charged to the heap before it grows and recorded in the object's
//!   `charged` (refunded when the object is freed).
//! - No `RefCell` borrow of a collection is held while calling user code.
//! - Weak collections hold keys through `GcWeak` (not counted) and report entries to the
//!   collector as ephemerons; entries whose key died are swept lazily when the heap's death
//!   counter moved.

use super::{arg, install_class, Builtin, ClassDef, Val};
use crate::atoms::Atom;
use crate::heap::{GcWeak, Tracer};
use crate::object::ops::{
    create_array_from_list, get_iterator, get_v, iterator_close, iterator_step_value,
    ordinary_create_from_constructor, IteratorRecord,
};
use crate::object::{attrs, call, is_callable, trace_value, Obj, ObjCell, ObjectData};
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::strings::JsString;
use crate::value::conv::{to_integer_or_infinity, to_number};
use crate::value::{JsBigInt, Value};
use crate::{getter, method, value};
use std::cell::Cell;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::rc::{Rc, Weak};

// ============================================================================ tables

static MAP_STATICS: &[Builtin] = &[
    method!("groupBy", 2, map_group_by),
    getter!(@symbol SYM_SPECIES, species_getter),
];

static MAP_PROTO: &[Builtin] = &[
    method!("clear", 0, clear, Kind::Map),
    method!("delete", 1, delete, Kind::Map),
    method!(
        "entries",
        0,
        iterator,
        Kind::Map as u16 * 4 + IterKind::Entries as u16
    ),
    method!("forEach", 1, for_each, Kind::Map),
    method!("get", 1, map_get),
    method!("getOrInsert", 2, map_get_or_insert),
    method!("getOrInsertComputed", 2, map_get_or_insert_computed),
    method!("has", 1, has, Kind::Map),
    method!(
        "keys",
        0,
        iterator,
        Kind::Map as u16 * 4 + IterKind::Keys as u16
    ),
    method!("set", 2, map_set),
    getter!("size", size, Kind::Map),
    method!(
        "values",
        0,
        iterator,
        Kind::Map as u16 * 4 + IterKind::Values as u16
    ),
    alias!(@symbol SYM_ITERATOR, "entries"),
    value!(@symbol SYM_TO_STRING_TAG, Val::Str("Map"), attrs::CONFIGURABLE),
];

static SET_STATICS: &[Builtin] = &[getter!(@symbol SYM_SPECIES, species_getter)];

static SET_PROTO: &[Builtin] = &[
    method!("add", 1, set_add),
    method!("clear", 0, clear, Kind::Set),
    method!("delete", 1, delete, Kind::Set),
    method!("difference", 1, set_op, SetOp::Difference),
    method!(
        "entries",
        0,
        iterator,
        Kind::Set as u16 * 4 + IterKind::Entries as u16
    ),
    method!("forEach", 1, for_each, Kind::Set),
    method!("has", 1, has, Kind::Set),
    method!("intersection", 1, set_op, SetOp::Intersection),
    method!("isDisjointFrom", 1, set_op, SetOp::IsDisjointFrom),
    method!("isSubsetOf", 1, set_op, SetOp::IsSubsetOf),
    method!("isSupersetOf", 1, set_op, SetOp::IsSupersetOf),
    getter!("size", size, Kind::Set),
    method!("symmetricDifference", 1, set_op, SetOp::SymmetricDifference),
    method!("union", 1, set_op, SetOp::Union),
    method!(
        "values",
        0,
        iterator,
        Kind::Set as u16 * 4 + IterKind::Values as u16
    ),
    alias!("keys", "values"),
    alias!(@symbol SYM_ITERATOR, "values"),
    value!(@symbol SYM_TO_STRING_TAG, Val::Str("Set"), attrs::CONFIGURABLE),
];

static MAP_ITER_PROTO: &[Builtin] = &[
    method!("next", 0, iterator_next, Kind::Map),
    value!(@symbol SYM_TO_STRING_TAG, Val::Str("Map Iterator"), attrs::CONFIGURABLE),
];

static SET_ITER_PROTO: &[Builtin] = &[
    method!("next", 0, iterator_next, Kind::Set),
    value!(@symbol SYM_TO_STRING_TAG, Val::Str("Set Iterator"), attrs::CONFIGURABLE),
];

static WEAKMAP_PROTO: &[Builtin] = &[
    method!("delete", 1, weak_delete, Kind::WeakMap),
    method!("get", 1, weak_map_get),
    method!("getOrInsert", 2, weak_map_get_or_insert),
    method!("getOrInsertComputed", 2, weak_map_get_or_insert_computed),
    method!("has", 1, weak_has, Kind::WeakMap),
    method!("set", 2, weak_map_set),
    value!(@symbol SYM_TO_STRING_TAG, Val::Str("WeakMap"), attrs::CONFIGURABLE),
];

static WEAKSET_PROTO: &[Builtin] = &[
    method!("add", 1, weak_set_add),
    method!("delete", 1, weak_delete, Kind::WeakSet),
    method!("has", 1, weak_has, Kind::WeakSet),
    value!(@symbol SYM_TO_STRING_TAG, Val::Str("WeakSet"), attrs::CONFIGURABLE),
];

static WEAKREF_PROTO: &[Builtin] = &[
    method!("deref", 0, weak_ref_deref),
    value!(@symbol SYM_TO_STRING_TAG, Val::Str("WeakRef"), attrs::CONFIGURABLE),
];

static REGISTRY_PROTO: &[Builtin] = &[
    method!("register", 2, registry_register),
    method!("unregister", 1, registry_unregister),
    value!(@symbol SYM_TO_STRING_TAG, Val::Str("FinalizationRegistry"), attrs::CONFIGURABLE),
];

use crate::alias;

static CLASSES: &[ClassDef] = &[
    ClassDef {
        name: "Map",
        ctor: Some((constructor, 0, Kind::Map as u16)),
        ctor_intrinsic: Some(Intrinsic::Map),
        proto_intrinsic: Some(Intrinsic::MapPrototype),
        statics: MAP_STATICS,
        proto: MAP_PROTO,
        ..ClassDef::DEFAULT
    },
    ClassDef {
        name: "Set",
        ctor: Some((constructor, 0, Kind::Set as u16)),
        ctor_intrinsic: Some(Intrinsic::Set),
        proto_intrinsic: Some(Intrinsic::SetPrototype),
        statics: SET_STATICS,
        proto: SET_PROTO,
        ..ClassDef::DEFAULT
    },
    ClassDef {
        name: "WeakMap",
        ctor: Some((constructor, 0, Kind::WeakMap as u16)),
        ctor_intrinsic: Some(Intrinsic::WeakMap),
        proto_intrinsic: Some(Intrinsic::WeakMapPrototype),
        proto: WEAKMAP_PROTO,
        ..ClassDef::DEFAULT
    },
    ClassDef {
        name: "WeakSet",
        ctor: Some((constructor, 0, Kind::WeakSet as u16)),
        ctor_intrinsic: Some(Intrinsic::WeakSet),
        proto_intrinsic: Some(Intrinsic::WeakSetPrototype),
        proto: WEAKSET_PROTO,
        ..ClassDef::DEFAULT
    },
    ClassDef {
        name: "WeakRef",
        ctor: Some((weak_ref_constructor, 1, 0)),
        ctor_intrinsic: Some(Intrinsic::WeakRef),
        proto_intrinsic: Some(Intrinsic::WeakRefPrototype),
        proto: WEAKREF_PROTO,
        ..ClassDef::DEFAULT
    },
    ClassDef {
        name: "FinalizationRegistry",
        ctor: Some((registry_constructor, 1, 0)),
        ctor_intrinsic: Some(Intrinsic::FinalizationRegistry),
        proto_intrinsic: Some(Intrinsic::FinalizationRegistryPrototype),
        proto: REGISTRY_PROTO,
        ..ClassDef::DEFAULT
    },
];

pub fn init(cx: &mut Cx) -> JsResult<()> {
    for c in CLASSES {
        install_class(cx, c)?;
    }
    // %MapIteratorPrototype% and %SetIteratorPrototype% inherit %IteratorPrototype% when it
    // exists (installed by the Array family), else %Object.prototype%.
    for (i, table) in [
        (Intrinsic::MapIteratorPrototype, MAP_ITER_PROTO),
        (Intrinsic::SetIteratorPrototype, SET_ITER_PROTO),
    ] {
        let parent = cx
            .intrinsic_obj(Intrinsic::IteratorPrototype)
            .or_else(|| cx.intrinsic_obj(Intrinsic::ObjectPrototype));
        let p = Obj::new(cx, parent, ObjectData::Ordinary)?;
        super::install(cx, &p, table)?;
        cx.realm.set_intrinsic(i, Value::Object(p));
    }
    Ok(())
}

/// Which collection a shared function works on (its `magic`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u16)]
pub enum Kind {
    Map = 0,
    Set = 1,
    WeakMap = 2,
    WeakSet = 3,
}

impl Kind {
    fn from_magic(m: u16) -> Kind {
        match m & 3 {
            0 => Kind::Map,
            1 => Kind::Set,
            2 => Kind::WeakMap,
            _ => Kind::WeakSet,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Kind::Map => "Map",
            Kind::Set => "Set",
            Kind::WeakMap => "WeakMap",
            Kind::WeakSet => "WeakSet",
        }
    }
}

/// What a Map/Set iterator yields.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u16)]
enum IterKind {
    Keys = 0,
    Values = 1,
    Entries = 2,
}

// ===================================================================== the payloads

/// The payload of every keyed-collection object.
pub enum Collection {
    Map(OrderedTable),
    Set(OrderedTable),
    MapIterator(TableIterator),
    SetIterator(TableIterator),
    WeakMap(WeakTable),
    WeakSet(WeakTable),
    WeakRef(WeakTarget),
    Registry(Registry),
}

impl Collection {
    /// Reports the owned edges to the collector.
    pub fn trace(&self, t: &mut Tracer<'_>) {
        match self {
            Collection::Map(m) | Collection::Set(m) => {
                for (k, v) in m.entries.iter().flatten() {
                    trace_value(k, t);
                    trace_value(v, t);
                }
            }
            Collection::MapIterator(i) | Collection::SetIterator(i) => {
                if let Some(o) = &i.table {
                    t.edge(o.gc());
                }
            }
            Collection::WeakMap(w) | Collection::WeakSet(w) => {
                for (k, v) in w.entries.values() {
                    if let WeakKey::Object(k) = k {
                        if let Value::Object(o) = v {
                            t.ephemeron(k, o.gc());
                        }
                    } else {
                        trace_value(v, t);
                    }
                }
            }
            Collection::WeakRef(_) => {}
            Collection::Registry(r) => {
                trace_value(&r.cleanup, t);
                for c in &r.cells {
                    trace_value(&c.held, t);
                }
            }
        }
    }
}

/// A key normalised for SameValueZero hashing.
#[derive(Clone)]
struct HashKey(Value);

impl HashKey {
    fn new(v: &Value) -> HashKey {
        // CanonicalizeKeyedCollectionKey: -0 becomes +0; integral numbers use one form.
        let v = match v {
            Value::Float(f) if *f == 0.0 => Value::Int(0),
            Value::Float(f)
                if f.fract() == 0.0 && *f >= i32::MIN as f64 && *f <= i32::MAX as f64 =>
            {
                Value::Int(*f as i32)
            }
            other => other.clone(),
        };
        HashKey(v)
    }
}

impl PartialEq for HashKey {
    fn eq(&self, o: &HashKey) -> bool {
        crate::value::same_value_zero(&self.0, &o.0)
    }
}
impl Eq for HashKey {}

impl Hash for HashKey {
    fn hash<H: Hasher>(&self, h: &mut H) {
        match &self.0 {
            Value::Undefined | Value::Uninitialized => 0u8.hash(h),
            Value::Null => 1u8.hash(h),
            Value::Bool(b) => b.hash(h),
            Value::Int(i) => (*i as f64).to_bits().hash(h),
            Value::Float(f) => {
                if f.is_nan() {
                    f64::NAN.to_bits().hash(h)
                } else {
                    f.to_bits().hash(h)
                }
            }
            Value::String(s) => hash_string(s, h),
            Value::Symbol(a) => a.hash(h),
            Value::BigInt(b) => hash_bigint(b, h),
            Value::Object(o) => o.addr().hash(h),
        }
    }
}

fn hash_string<H: Hasher>(s: &JsString, h: &mut H) {
    3u8.hash(h);
    for u in s.view().units().iter() {
        u.hash(h);
    }
}

fn hash_bigint<H: Hasher>(b: &JsBigInt, h: &mut H) {
    4u8.hash(h);
    b.value().hash(h);
}

/// Map/Set storage; see the module docs.
pub struct OrderedTable {
    entries: Vec<Option<(Value, Value)>>,
    index: HashMap<HashKey, usize>,
    live: usize,
    cursors: Vec<Weak<Cell<usize>>>,
}

/// Approximate bytes of one entry: the entry itself plus its hash slot.
const ENTRY_BYTES: usize = 3 * std::mem::size_of::<Value>() + 16;

impl OrderedTable {
    fn new() -> OrderedTable {
        OrderedTable {
            entries: Vec::new(),
            index: HashMap::new(),
            live: 0,
            cursors: Vec::new(),
        }
    }
    fn find(&self, k: &Value) -> Option<usize> {
        self.index.get(&HashKey::new(k)).copied()
    }
    fn get(&self, k: &Value) -> Option<&(Value, Value)> {
        let i = self.find(k)?;
        self.entries.get(i)?.as_ref()
    }
    /// Bytes to charge before inserting one more entry (0 if capacity suffices).
    fn growth_bytes(&self) -> usize {
        if self.entries.len() < self.entries.capacity() && self.index.len() < self.index.capacity()
        {
            0
        } else {
            self.entries.capacity().max(4) * ENTRY_BYTES
        }
    }
    /// Inserts or updates (the caller charged `growth_bytes`).
    fn set(&mut self, k: Value, v: Value) {
        if let Some(i) = self.find(&k) {
            if let Some(Some(e)) = self.entries.get_mut(i) {
                e.1 = v;
                return;
            }
        }
        // -0 keys are stored as +0.
        let k = match k {
            Value::Float(0.0) => Value::Int(0),
            other => other,
        };
        self.index.insert(HashKey::new(&k), self.entries.len());
        self.entries.push(Some((k, v)));
        self.live += 1;
    }
    fn delete(&mut self, k: &Value) -> Option<(Value, Value)> {
        let i = self.index.remove(&HashKey::new(k))?;
        let old = self.entries.get_mut(i)?.take();
        self.live -= 1;
        if self.entries.len() - self.live > 16 && self.entries.len() - self.live > self.live {
            self.compact();
        }
        old
    }
    fn clear(&mut self) -> Vec<Option<(Value, Value)>> {
        self.index.clear();
        self.live = 0;
        for c in self.cursors.iter().filter_map(Weak::upgrade) {
            c.set(0);
        }
        std::mem::take(&mut self.entries)
    }
    /// Removes tombstones, moving every live cursor to the same logical position.
    fn compact(&mut self) {
        self.cursors.retain(|c| c.strong_count() > 0);
        let cursors: Vec<Rc<Cell<usize>>> = self.cursors.iter().filter_map(Weak::upgrade).collect();
        let mut new_pos = Vec::with_capacity(self.entries.len() + 1);
        let mut n = 0;
        for e in &self.entries {
            new_pos.push(n);
            if e.is_some() {
                n += 1;
            }
        }
        new_pos.push(n);
        for c in &cursors {
            let p = c.get().min(self.entries.len());
            c.set(new_pos[p]);
        }
        let old = std::mem::take(&mut self.entries);
        self.entries = old.into_iter().flatten().map(Some).collect();
        self.index.clear();
        for (i, e) in self.entries.iter().enumerate() {
            if let Some((k, _)) = e {
                self.index.insert(HashKey::new(k), i);
            }
        }
    }
    fn new_cursor(&mut self) -> Rc<Cell<usize>> {
        let c = Rc::new(Cell::new(0));
        self.cursors.retain(|c| c.strong_count() > 0);
        self.cursors.push(Rc::downgrade(&c));
        c
    }
    /// The live entry at or after `*pos`, advancing `pos` past it.
    fn next_from(&self, pos: &Cell<usize>) -> Option<(Value, Value)> {
        let mut p = pos.get();
        while p < self.entries.len() {
            let e = &self.entries[p];
            p += 1;
            if let Some(e) = e {
                pos.set(p);
                return Some(e.clone());
            }
        }
        pos.set(p);
        None
    }
}

/// A Map/Set iterator: the table object (None once exhausted), a cursor and the kind.
pub struct TableIterator {
    table: Option<Obj>,
    cursor: Rc<Cell<usize>>,
    kind: IterKind,
}

/// A weak-collection key: an object held weakly, or a non-registered symbol.
enum WeakKey {
    Object(GcWeak<ObjCell>),
    Symbol(Atom),
}

/// WeakMap/WeakSet storage: by object address (or symbol), with the weak handle checked on
/// every lookup so a reused address never matches a dead key.
pub struct WeakTable {
    entries: HashMap<WeakId, (WeakKey, Value)>,
    /// `Heap::weak_deaths()` at the last sweep.
    seen_deaths: u64,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum WeakId {
    Addr(usize),
    Symbol(Atom),
}

/// A WeakRef's target.
pub struct WeakTarget(WeakKey);

/// A FinalizationRegistry: the cleanup callback and its cells.
pub struct Registry {
    cleanup: Value,
    cells: Vec<RegistryCell>,
}

struct RegistryCell {
    target: WeakKey,
    held: Value,
    token: Option<WeakKey>,
}

// ===================================================================== constructors

/// Map / Set / WeakMap / WeakSet constructors (magic = Kind). Spec: #sec-map-iterable
fn constructor(cx: &mut Cx, _: &Value, args: &[Value], nt: &Value, magic: u16) -> JsResult<Value> {
    let kind = Kind::from_magic(magic);
    // 1. If NewTarget is undefined, throw a TypeError.
    if nt.is_undefined() {
        return Err(cx.throw_type_error(&format!("Constructor {} requires 'new'", kind.name())));
    }
    // 2. map = OrdinaryCreateFromConstructor(NewTarget, "%Map.prototype%", « [[MapData]] »).
    let (proto, data) = match kind {
        Kind::Map => (
            Intrinsic::MapPrototype,
            Collection::Map(OrderedTable::new()),
        ),
        Kind::Set => (
            Intrinsic::SetPrototype,
            Collection::Set(OrderedTable::new()),
        ),
        Kind::WeakMap => (
            Intrinsic::WeakMapPrototype,
            Collection::WeakMap(WeakTable::new()),
        ),
        Kind::WeakSet => (
            Intrinsic::WeakSetPrototype,
            Collection::WeakSet(WeakTable::new()),
        ),
    };
    let o =
        ordinary_create_from_constructor(cx, nt, proto, ObjectData::Collection(Box::new(data)))?;
    let ov = Value::Object(o);
    // 3-4. If iterable is undefined or null, return map.
    let iterable = arg(args, 0);
    if iterable.is_nullish() {
        return Ok(ov);
    }
    // 5. adder = Get(map, "set" / "add"); must be callable.
    let adder_key = match kind {
        Kind::Map | Kind::WeakMap => Atom::Set,
        _ => Atom::Add,
    };
    let adder = get_v(cx, &ov, adder_key)?;
    if !is_callable(&adder) {
        return Err(cx.throw_type_error("'add'/'set' of the collection is not callable"));
    }
    // 6-7. Iterate; Map takes [key, value] entries (AddEntriesFromIterable).
    let rec = get_iterator(cx, &iterable)?;
    while let Some(item) = iterator_step_value(cx, &rec)? {
        cx.poll_interrupt(1)?;
        let r = match kind {
            Kind::Map | Kind::WeakMap => add_entry(cx, &ov, &adder, &item),
            _ => call(cx, &adder, &ov, &[item]).map(|_| ()),
        };
        if let Err(t) = r {
            return Err(iterator_close(cx, &rec, t));
        }
    }
    Ok(ov)
}

/// One step of AddEntriesFromIterable. Spec: #sec-add-entries-from-iterable
fn add_entry(cx: &mut Cx, target: &Value, adder: &Value, item: &Value) -> JsResult<()> {
    if !item.is_object() {
        return Err(cx.throw_type_error("iterator value is not an entry object"));
    }
    let k = get_v(cx, item, Atom::from_index(0).unwrap_or(Atom::Empty))?;
    let v = get_v(cx, item, Atom::from_index(1).unwrap_or(Atom::Empty))?;
    call(cx, adder, target, &[k, v])?;
    Ok(())
}

/// get [Symbol.species]: returns the this value. Spec: #sec-get-map-@@species
fn species_getter(_: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    Ok(this.clone())
}

// ========================================================================== Map / Set

/// Runs `f` on the table of a Map or Set `this` (TypeError otherwise).
fn with_table<R>(
    cx: &mut Cx,
    this: &Value,
    kind: Kind,
    what: &str,
    f: impl FnOnce(&mut OrderedTable) -> R,
) -> JsResult<R> {
    if let Value::Object(o) = this {
        let mut b = o.borrow_mut();
        if let ObjectData::Collection(c) = &mut b.class {
            match (&mut **c, kind) {
                (Collection::Map(t), Kind::Map) | (Collection::Set(t), Kind::Set) => {
                    return Ok(f(t));
                }
                _ => {}
            }
        }
    }
    Err(cx.throw_type_error(&format!(
        "{}.prototype.{what} called on incompatible receiver",
        kind.name()
    )))
}

/// Charges a table's growth before inserting; records it on the object.
fn charge_growth(cx: &mut Cx, this: &Value, kind: Kind, what: &str) -> JsResult<()> {
    let bytes = with_table(cx, this, kind, what, |t| t.growth_bytes())?;
    if bytes > 0 {
        let r = cx.heap.charge(bytes);
        cx.oom(r)?;
        if let Value::Object(o) = this {
            o.borrow_mut().add_charged(bytes);
        }
    }
    Ok(())
}

/// Map.prototype.get. Spec: #sec-map.prototype.get
fn map_get(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let k = arg(args, 0);
    with_table(cx, this, Kind::Map, "get", |t| {
        t.get(&k).map_or(Value::Undefined, |e| e.1.clone())
    })
}

/// Map.prototype.set. Spec: #sec-map.prototype.set
fn map_set(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    charge_growth(cx, this, Kind::Map, "set")?;
    let (k, v) = (arg(args, 0), arg(args, 1));
    with_table(cx, this, Kind::Map, "set", |t| t.set(k, v))?;
    Ok(this.clone())
}

/// Map.prototype.getOrInsert(key, value) (proposal-upsert).
fn map_get_or_insert(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _: &Value,
    _: u16,
) -> JsResult<Value> {
    charge_growth(cx, this, Kind::Map, "getOrInsert")?;
    let (k, v) = (arg(args, 0), arg(args, 1));
    with_table(cx, this, Kind::Map, "getOrInsert", |t| match t.get(&k) {
        Some(e) => e.1.clone(),
        None => {
            t.set(k, v.clone());
            v
        }
    })
}

/// Map.prototype.getOrInsertComputed(key, callbackfn) (proposal-upsert): the callback runs
/// only for a missing key; its result is stored even if the callback added the key.
fn map_get_or_insert_computed(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _: &Value,
    _: u16,
) -> JsResult<Value> {
    with_table(cx, this, Kind::Map, "getOrInsertComputed", |_| ())?;
    let f = arg(args, 1);
    if !is_callable(&f) {
        return Err(cx.throw_type_error("getOrInsertComputed: callback is not a function"));
    }
    // CanonicalizeKeyedCollectionKey: -0 → +0 (also what the callback sees).
    let k = match arg(args, 0) {
        Value::Float(0.0) => Value::Int(0),
        k => k,
    };
    let existing = with_table(cx, this, Kind::Map, "getOrInsertComputed", |t| {
        t.get(&k).map(|e| e.1.clone())
    })?;
    if let Some(v) = existing {
        return Ok(v);
    }
    let v = call(cx, &f, &Value::Undefined, std::slice::from_ref(&k))?;
    charge_growth(cx, this, Kind::Map, "getOrInsertComputed")?;
    with_table(cx, this, Kind::Map, "getOrInsertComputed", |t| {
        t.set(k, v.clone())
    })?;
    Ok(v)
}

/// Set.prototype.add. Spec: #sec-set.prototype.add
fn set_add(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    charge_growth(cx, this, Kind::Set, "add")?;
    let k = arg(args, 0);
    with_table(cx, this, Kind::Set, "add", |t| {
        if t.find(&k).is_none() {
            t.set(k.clone(), k)
        }
    })?;
    Ok(this.clone())
}

/// Map/Set.prototype.has. Spec: #sec-map.prototype.has
fn has(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let k = arg(args, 0);
    let r = with_table(cx, this, Kind::from_magic(magic), "has", |t| {
        t.find(&k).is_some()
    })?;
    Ok(Value::Bool(r))
}

/// Map/Set.prototype.delete. Spec: #sec-map.prototype.delete
fn delete(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let k = arg(args, 0);
    let old = with_table(cx, this, Kind::from_magic(magic), "delete", |t| {
        t.delete(&k)
    })?;
    // The removed values are dropped after the borrow ended.
    Ok(Value::Bool(old.is_some()))
}

/// Map/Set.prototype.clear. Spec: #sec-map.prototype.clear
fn clear(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let old = with_table(cx, this, Kind::from_magic(magic), "clear", |t| t.clear())?;
    drop(old);
    Ok(Value::Undefined)
}

/// get Map/Set.prototype.size. Spec: #sec-get-map.prototype.size
fn size(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let n = with_table(cx, this, Kind::from_magic(magic), "size", |t| t.live)?;
    Ok(Value::number(n as f64))
}

/// Map/Set.prototype.forEach. Spec: #sec-map.prototype.foreach
fn for_each(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let kind = Kind::from_magic(magic);
    let cursor = with_table(cx, this, kind, "forEach", |t| t.new_cursor())?;
    let f = arg(args, 0);
    if !is_callable(&f) {
        return Err(cx.throw_type_error(&format!(
            "{}.prototype.forEach callback is not a function",
            kind.name()
        )));
    }
    let this_arg = arg(args, 1);
    loop {
        let Some((k, v)) = with_table(cx, this, kind, "forEach", |t| t.next_from(&cursor))? else {
            break;
        };
        cx.poll_interrupt(1)?;
        call(cx, &f, &this_arg, &[v, k, this.clone()])?;
    }
    Ok(Value::Undefined)
}

/// Map.groupBy(items, callback). Spec: #sec-map.groupby
fn map_group_by(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let items = arg(args, 0);
    let f = arg(args, 1);
    // GroupBy: RequireObjectCoercible(items), IsCallable(callback).
    if items.is_nullish() {
        return Err(cx.throw_type_error("Map.groupBy called on null or undefined"));
    }
    if !is_callable(&f) {
        return Err(cx.throw_type_error("Map.groupBy callback is not a function"));
    }
    let proto = cx.intrinsic_obj(Intrinsic::MapPrototype);
    let map = Obj::new(
        cx,
        proto,
        ObjectData::Collection(Box::new(Collection::Map(OrderedTable::new()))),
    )?;
    let mv = Value::Object(map);
    let rec = get_iterator(cx, &items)?;
    let mut k: u64 = 0;
    while let Some(v) = iterator_step_value(cx, &rec)? {
        let r = (|| -> JsResult<()> {
            cx.poll_interrupt(1)?;
            let key = call(
                cx,
                &f,
                &Value::Undefined,
                &[v.clone(), Value::number(k as f64)],
            )?;
            charge_growth(cx, &mv, Kind::Map, "groupBy")?;
            // The group array for this key (created on first use).
            let existing = with_table(cx, &mv, Kind::Map, "groupBy", |t| {
                t.get(&key).map(|e| e.1.clone())
            })?;
            match existing {
                Some(Value::Object(a)) => crate::object::array::push(cx, &a, v.clone())?,
                _ => {
                    let a = create_array_from_list(cx, std::slice::from_ref(&v))?;
                    with_table(cx, &mv, Kind::Map, "groupBy", |t| {
                        t.set(key, Value::Object(a))
                    })?;
                }
            }
            Ok(())
        })();
        if let Err(t) = r {
            return Err(iterator_close(cx, &rec, t));
        }
        k += 1;
    }
    Ok(mv)
}

// ========================================================================= iterators

/// Map/Set.prototype.keys/values/entries (magic = kind * 4 + IterKind).
/// Spec: #sec-createmapiterator
fn iterator(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let kind = Kind::from_magic(magic / 4);
    let ik = match magic % 4 {
        0 => IterKind::Keys,
        1 => IterKind::Values,
        _ => IterKind::Entries,
    };
    let cursor = with_table(cx, this, kind, "iterator", |t| t.new_cursor())?;
    let Value::Object(table) = this else {
        return Err(cx.throw_type_error("not a collection"));
    };
    let it = TableIterator {
        table: Some(table.clone()),
        cursor,
        kind: ik,
    };
    let (proto, data) = if kind == Kind::Map {
        (Intrinsic::MapIteratorPrototype, Collection::MapIterator(it))
    } else {
        (Intrinsic::SetIteratorPrototype, Collection::SetIterator(it))
    };
    let p = cx.intrinsic_obj(proto);
    let o = Obj::new(cx, p, ObjectData::Collection(Box::new(data)))?;
    Ok(Value::Object(o))
}

/// %MapIteratorPrototype%.next / %SetIteratorPrototype%.next.
/// Spec: #sec-%mapiteratorprototype%.next
fn iterator_next(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let kind = Kind::from_magic(magic);
    // The iterator's state, copied out so no borrow is held below.
    let state = match this {
        Value::Object(o) => match &o.borrow().class {
            ObjectData::Collection(c) => match (&**c, kind) {
                (Collection::MapIterator(i), Kind::Map)
                | (Collection::SetIterator(i), Kind::Set) => {
                    Some((i.table.clone(), i.cursor.clone(), i.kind))
                }
                _ => None,
            },
            _ => None,
        },
        _ => None,
    };
    let Some((table, cursor, ik)) = state else {
        return Err(cx.throw_type_error(&format!(
            "{} Iterator.prototype.next called on incompatible receiver",
            kind.name()
        )));
    };
    let entry = match &table {
        Some(t) => with_table(cx, &Value::Object(t.clone()), kind, "next", |t| {
            t.next_from(&cursor)
        })?,
        None => None,
    };
    let Some((k, v)) = entry else {
        // Exhausted: drop the table so later calls stay done.
        if let Value::Object(o) = this {
            if let ObjectData::Collection(c) = &mut o.borrow_mut().class {
                if let Collection::MapIterator(i) | Collection::SetIterator(i) = &mut **c {
                    i.table = None;
                }
            }
        }
        return iter_result(cx, Value::Undefined, true);
    };
    let r = match ik {
        IterKind::Keys => k,
        IterKind::Values => v,
        IterKind::Entries => Value::Object(create_array_from_list(cx, &[k, v])?),
    };
    iter_result(cx, r, false)
}

/// CreateIterResultObject. Spec: #sec-createiterresultobject
fn iter_result(cx: &mut Cx, v: Value, done: bool) -> JsResult<Value> {
    let o = crate::object::ops::new_object(cx)?;
    crate::object::ops::create_data_property_or_throw(cx, &o, Atom::Value, v)?;
    crate::object::ops::create_data_property_or_throw(cx, &o, Atom::Done, Value::Bool(done))?;
    Ok(Value::Object(o))
}

// ========================================================================= set methods

/// The ES2025 Set methods (the `magic` of `set_op`).
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u16)]
enum SetOp {
    Union,
    Intersection,
    Difference,
    SymmetricDifference,
    IsSubsetOf,
    IsSupersetOf,
    IsDisjointFrom,
}

const SET_OPS: [SetOp; 7] = [
    SetOp::Union,
    SetOp::Intersection,
    SetOp::Difference,
    SetOp::SymmetricDifference,
    SetOp::IsSubsetOf,
    SetOp::IsSupersetOf,
    SetOp::IsDisjointFrom,
];

/// A Set Record. Spec: #sec-set-records
struct SetRecord {
    set: Value,
    size: f64,
    has: Value,
    keys: Value,
}

/// GetSetRecord. Spec: #sec-getsetrecord
fn get_set_record(cx: &mut Cx, obj: &Value) -> JsResult<SetRecord> {
    // 1. If obj is not an Object, throw a TypeError.
    if !obj.is_object() {
        return Err(cx.throw_type_error("set operation argument is not an object"));
    }
    // 2-4. rawSize = Get(obj, "size"); numSize = ToNumber(rawSize); NaN → TypeError.
    let raw = get_v(cx, obj, Atom::Size)?;
    let num = to_number(cx, &raw)?;
    if num.is_nan() {
        return Err(cx.throw_type_error("set operation argument has an invalid size"));
    }
    // 5-6. intSize = ToIntegerOrInfinity(numSize); negative → RangeError.
    let int = to_integer_or_infinity(cx, &Value::number(num))?;
    if int < 0.0 {
        return Err(cx.throw_range_error("set operation argument has a negative size"));
    }
    // 7-10. has and keys must be callable.
    let has = get_v(cx, obj, Atom::Has)?;
    if !is_callable(&has) {
        return Err(cx.throw_type_error("set operation argument's 'has' is not callable"));
    }
    let keys = get_v(cx, obj, Atom::Keys)?;
    if !is_callable(&keys) {
        return Err(cx.throw_type_error("set operation argument's 'keys' is not callable"));
    }
    Ok(SetRecord {
        set: obj.clone(),
        size: int,
        has,
        keys,
    })
}

/// GetIteratorFromMethod on the record's keys (the result must be an object).
fn record_keys(cx: &mut Cx, r: &SetRecord) -> JsResult<IteratorRecord> {
    let it = call(cx, &r.keys, &r.set, &[])?;
    if !it.is_object() {
        return Err(cx.throw_type_error("keys() result is not an object"));
    }
    let next = get_v(cx, &it, Atom::Next)?;
    Ok(IteratorRecord { iterator: it, next })
}

/// Next key from a keys iterator, with -0 normalised to +0.
fn next_key(cx: &mut Cx, rec: &IteratorRecord) -> JsResult<Option<Value>> {
    Ok(iterator_step_value(cx, rec)?.map(|v| match v {
        Value::Float(0.0) => Value::Int(0),
        v => v,
    }))
}

/// A snapshot of a Set's elements (for iterating while the set may change).
fn set_elements(cx: &mut Cx, this: &Value, what: &str) -> JsResult<Vec<Value>> {
    with_table(cx, this, Kind::Set, what, |t| {
        t.entries.iter().flatten().map(|e| e.0.clone()).collect()
    })
}

/// A new Set (from %Set.prototype%) holding `elems`.
fn new_set(cx: &mut Cx, elems: Vec<Value>) -> JsResult<Value> {
    let proto = cx.intrinsic_obj(Intrinsic::SetPrototype);
    let bytes = elems.len().max(4) * ENTRY_BYTES;
    let r = cx.heap.charge(bytes);
    cx.oom(r)?;
    let mut t = OrderedTable::new();
    for e in elems {
        if t.find(&e).is_none() {
            t.set(e.clone(), e);
        }
    }
    let o = Obj::new(
        cx,
        proto,
        ObjectData::Collection(Box::new(Collection::Set(t))),
    );
    match o {
        Ok(o) => {
            o.borrow_mut().add_charged(bytes);
            Ok(Value::Object(o))
        }
        Err(e) => {
            cx.heap.refund(bytes);
            Err(e)
        }
    }
}

/// Set.prototype.union ... isDisjointFrom. Spec: #sec-set.prototype.union etc.
fn set_op(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let Some(&op) = SET_OPS.get(magic as usize) else {
        return Ok(Value::Undefined);
    };
    // 1-2. RequireInternalSlot(O, [[SetData]]).
    let this_size = with_table(cx, this, Kind::Set, "set operation", |t| t.live)? as f64;
    // 3. otherRec = GetSetRecord(other).
    let other = get_set_record(cx, &arg(args, 0))?;
    let has_in_this = |cx: &mut Cx, v: &Value| -> JsResult<bool> {
        with_table(cx, this, Kind::Set, "set operation", |t| {
            t.find(v).is_some()
        })
    };
    let other_has = |cx: &mut Cx, v: &Value| -> JsResult<bool> {
        Ok(call(cx, &other.has, &other.set, std::slice::from_ref(v))?.to_boolean())
    };
    match op {
        SetOp::Union => {
            let mut result = set_elements(cx, this, "union")?;
            let rec = record_keys(cx, &other)?;
            while let Some(k) = next_key(cx, &rec)? {
                cx.poll_interrupt(1)?;
                result.push(k);
            }
            new_set(cx, result)
        }
        SetOp::Intersection => {
            let mut result = Vec::new();
            if this_size <= other.size {
                // Walk this set by position; it may shrink during the has() calls.
                let cursor = with_table(cx, this, Kind::Set, "intersection", |t| t.new_cursor())?;
                while let Some((e, _)) = with_table(cx, this, Kind::Set, "intersection", |t| {
                    t.next_from(&cursor)
                })? {
                    cx.poll_interrupt(1)?;
                    if other_has(cx, &e)? {
                        result.push(e);
                    }
                }
            } else {
                let rec = record_keys(cx, &other)?;
                while let Some(k) = next_key(cx, &rec)? {
                    cx.poll_interrupt(1)?;
                    if has_in_this(cx, &k)? {
                        result.push(k);
                    }
                }
            }
            new_set(cx, result)
        }
        SetOp::Difference => {
            let mut result = set_elements(cx, this, "difference")?;
            if this_size <= other.size {
                let snapshot = result.clone();
                let mut keep = Vec::new();
                for e in snapshot {
                    cx.poll_interrupt(1)?;
                    if !other_has(cx, &e)? {
                        keep.push(e);
                    }
                }
                result = keep;
            } else {
                let rec = record_keys(cx, &other)?;
                while let Some(k) = next_key(cx, &rec)? {
                    cx.poll_interrupt(1)?;
                    result.retain(|e| !crate::value::same_value_zero(e, &k));
                }
            }
            new_set(cx, result)
        }
        SetOp::SymmetricDifference => {
            let original = set_elements(cx, this, "symmetricDifference")?;
            let mut result = original.clone();
            let rec = record_keys(cx, &other)?;
            while let Some(k) = next_key(cx, &rec)? {
                cx.poll_interrupt(1)?;
                let in_this = has_in_this(cx, &k)?;
                let pos = result
                    .iter()
                    .position(|e| crate::value::same_value_zero(e, &k));
                if in_this {
                    if let Some(p) = pos {
                        result.remove(p);
                    }
                } else if pos.is_none() {
                    result.push(k);
                }
            }
            new_set(cx, result)
        }
        SetOp::IsSubsetOf => {
            if this_size > other.size {
                return Ok(Value::Bool(false));
            }
            let cursor = with_table(cx, this, Kind::Set, "isSubsetOf", |t| t.new_cursor())?;
            while let Some((e, _)) =
                with_table(cx, this, Kind::Set, "isSubsetOf", |t| t.next_from(&cursor))?
            {
                cx.poll_interrupt(1)?;
                if !other_has(cx, &e)? {
                    return Ok(Value::Bool(false));
                }
            }
            Ok(Value::Bool(true))
        }
        SetOp::IsSupersetOf => {
            if this_size < other.size {
                return Ok(Value::Bool(false));
            }
            let rec = record_keys(cx, &other)?;
            while let Some(k) = next_key(cx, &rec)? {
                cx.poll_interrupt(1)?;
                if !has_in_this(cx, &k)? {
                    crate::object::ops::iterator_close_normal(cx, &rec)?;
                    return Ok(Value::Bool(false));
                }
            }
            Ok(Value::Bool(true))
        }
        SetOp::IsDisjointFrom => {
            if this_size <= other.size {
                let cursor = with_table(cx, this, Kind::Set, "isDisjointFrom", |t| t.new_cursor())?;
                while let Some((e, _)) = with_table(cx, this, Kind::Set, "isDisjointFrom", |t| {
                    t.next_from(&cursor)
                })? {
                    cx.poll_interrupt(1)?;
                    if other_has(cx, &e)? {
                        return Ok(Value::Bool(false));
                    }
                }
            } else {
                let rec = record_keys(cx, &other)?;
                while let Some(k) = next_key(cx, &rec)? {
                    cx.poll_interrupt(1)?;
                    if has_in_this(cx, &k)? {
                        crate::object::ops::iterator_close_normal(cx, &rec)?;
                        return Ok(Value::Bool(false));
                    }
                }
            }
            Ok(Value::Bool(true))
        }
    }
}

// ========================================================================== WeakMap/Set

impl WeakTable {
    fn new() -> WeakTable {
        WeakTable {
            entries: HashMap::new(),
            seen_deaths: 0,
        }
    }
    /// Drops entries whose key died, if any weak target died since the last sweep.
    fn sweep(&mut self, deaths: u64) -> Vec<(WeakKey, Value)> {
        if deaths == self.seen_deaths {
            return Vec::new();
        }
        self.seen_deaths = deaths;
        let dead: Vec<WeakId> = self
            .entries
            .iter()
            .filter(|(_, (k, _))| matches!(k, WeakKey::Object(w) if w.is_dead()))
            .map(|(id, _)| *id)
            .collect();
        dead.into_iter()
            .filter_map(|id| self.entries.remove(&id))
            .collect()
    }
    fn lookup(&self, id: WeakId) -> Option<&Value> {
        let (k, v) = self.entries.get(&id)?;
        match k {
            WeakKey::Object(w) if w.is_dead() => None,
            _ => Some(v),
        }
    }
}

/// Is `a` in the GlobalSymbolRegistry (made by `Symbol.for`)? Such symbols cannot be held
/// weakly.
fn is_registered_symbol(cx: &Cx, a: Atom) -> bool {
    cx.symbol_registry.is_registered(a)
}

/// CanBeHeldWeakly: objects and symbols that are not registered (Symbol.for).
/// Spec: #sec-canbeheldweakly
fn weak_id(cx: &Cx, v: &Value) -> Option<(WeakId, WeakKey)> {
    match v {
        Value::Object(o) => Some((WeakId::Addr(o.addr()), WeakKey::Object(o.gc().downgrade()))),
        Value::Symbol(a) if !is_registered_symbol(cx, *a) => {
            Some((WeakId::Symbol(*a), WeakKey::Symbol(*a)))
        }
        _ => None,
    }
}

/// The id a value would have as a weak key, without creating a weak handle.
fn weak_id_only(cx: &Cx, v: &Value) -> Option<WeakId> {
    match v {
        Value::Object(o) => Some(WeakId::Addr(o.addr())),
        Value::Symbol(a) if !is_registered_symbol(cx, *a) => Some(WeakId::Symbol(*a)),
        _ => None,
    }
}

/// Runs `f` on the table of a WeakMap/WeakSet `this` after sweeping dead keys.
fn with_weak<R>(
    cx: &mut Cx,
    this: &Value,
    kind: Kind,
    what: &str,
    f: impl FnOnce(&mut WeakTable) -> R,
) -> JsResult<R> {
    let deaths = cx.heap.weak_deaths();
    if let Value::Object(o) = this {
        let mut b = o.borrow_mut();
        if let ObjectData::Collection(c) = &mut b.class {
            match (&mut **c, kind) {
                (Collection::WeakMap(t), Kind::WeakMap)
                | (Collection::WeakSet(t), Kind::WeakSet) => {
                    let dead = t.sweep(deaths);
                    let r = f(t);
                    drop(b);
                    drop(dead);
                    return Ok(r);
                }
                _ => {}
            }
        }
    }
    Err(cx.throw_type_error(&format!(
        "{}.prototype.{what} called on incompatible receiver",
        kind.name()
    )))
}

/// WeakMap.prototype.get. Spec: #sec-weakmap.prototype.get
fn weak_map_get(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let id = weak_id_only(cx, &arg(args, 0));
    with_weak(cx, this, Kind::WeakMap, "get", |t| {
        id.and_then(|id| t.lookup(id).cloned())
            .unwrap_or(Value::Undefined)
    })
}

/// WeakMap/WeakSet.prototype.has. Spec: #sec-weakmap.prototype.has
fn weak_has(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let id = weak_id_only(cx, &arg(args, 0));
    let r = with_weak(cx, this, Kind::from_magic(magic), "has", |t| {
        id.is_some_and(|id| t.lookup(id).is_some())
    })?;
    Ok(Value::Bool(r))
}

/// WeakMap/WeakSet.prototype.delete. Spec: #sec-weakmap.prototype.delete
fn weak_delete(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _: &Value,
    magic: u16,
) -> JsResult<Value> {
    let id = weak_id_only(cx, &arg(args, 0));
    let old = with_weak(cx, this, Kind::from_magic(magic), "delete", |t| {
        let live = id.is_some_and(|id| t.lookup(id).is_some());
        let old = id.and_then(|id| t.entries.remove(&id));
        (live, old)
    })?;
    Ok(Value::Bool(old.0))
}

/// Inserts into a weak table, charging the entry.
fn weak_insert(cx: &mut Cx, this: &Value, kind: Kind, key: &Value, v: Value) -> JsResult<()> {
    let what = if kind == Kind::WeakMap { "set" } else { "add" };
    // Validate the receiver before the key (spec step order).
    with_weak(cx, this, kind, what, |_| ())?;
    let Some((id, wk)) = weak_id(cx, key) else {
        return Err(cx.throw_type_error("invalid value used as weak collection key"));
    };
    let fresh = with_weak(cx, this, kind, what, |t| t.lookup(id).is_none())?;
    if fresh {
        let r = cx.heap.charge(ENTRY_BYTES);
        cx.oom(r)?;
        if let Value::Object(o) = this {
            o.borrow_mut().add_charged(ENTRY_BYTES);
        }
    }
    let old = with_weak(cx, this, kind, what, |t| t.entries.insert(id, (wk, v)))?;
    drop(old);
    Ok(())
}

/// WeakMap.prototype.set. Spec: #sec-weakmap.prototype.set
fn weak_map_set(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    weak_insert(cx, this, Kind::WeakMap, &arg(args, 0), arg(args, 1))?;
    Ok(this.clone())
}

/// WeakMap.prototype.getOrInsert(key, value) (proposal-upsert).
fn weak_map_get_or_insert(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _: &Value,
    _: u16,
) -> JsResult<Value> {
    with_weak(cx, this, Kind::WeakMap, "getOrInsert", |_| ())?;
    let k = arg(args, 0);
    let Some(id) = weak_id_only(cx, &k) else {
        return Err(cx.throw_type_error("invalid value used as weak collection key"));
    };
    let existing = with_weak(cx, this, Kind::WeakMap, "getOrInsert", |t| {
        t.lookup(id).cloned()
    })?;
    if let Some(v) = existing {
        return Ok(v);
    }
    let v = arg(args, 1);
    weak_insert(cx, this, Kind::WeakMap, &k, v.clone())?;
    Ok(v)
}

/// WeakMap.prototype.getOrInsertComputed(key, callbackfn) (proposal-upsert).
fn weak_map_get_or_insert_computed(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _: &Value,
    _: u16,
) -> JsResult<Value> {
    with_weak(cx, this, Kind::WeakMap, "getOrInsertComputed", |_| ())?;
    let k = arg(args, 0);
    let Some(id) = weak_id_only(cx, &k) else {
        return Err(cx.throw_type_error("invalid value used as weak collection key"));
    };
    let f = arg(args, 1);
    if !is_callable(&f) {
        return Err(cx.throw_type_error("getOrInsertComputed: callback is not a function"));
    }
    let existing = with_weak(cx, this, Kind::WeakMap, "getOrInsertComputed", |t| {
        t.lookup(id).cloned()
    })?;
    if let Some(v) = existing {
        return Ok(v);
    }
    let v = call(cx, &f, &Value::Undefined, std::slice::from_ref(&k))?;
    weak_insert(cx, this, Kind::WeakMap, &k, v.clone())?;
    Ok(v)
}

/// WeakSet.prototype.add. Spec: #sec-weakset.prototype.add
fn weak_set_add(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    weak_insert(cx, this, Kind::WeakSet, &arg(args, 0), Value::Bool(true))?;
    Ok(this.clone())
}

// ============================================================================ WeakRef

/// WeakRef(target). Spec: #sec-weak-ref-target
fn weak_ref_constructor(
    cx: &mut Cx,
    _: &Value,
    args: &[Value],
    nt: &Value,
    _: u16,
) -> JsResult<Value> {
    if nt.is_undefined() {
        return Err(cx.throw_type_error("Constructor WeakRef requires 'new'"));
    }
    let Some((_, wk)) = weak_id(cx, &arg(args, 0)) else {
        return Err(cx.throw_type_error("WeakRef: invalid target"));
    };
    let data = ObjectData::Collection(Box::new(Collection::WeakRef(WeakTarget(wk))));
    let o = ordinary_create_from_constructor(cx, nt, Intrinsic::WeakRefPrototype, data)?;
    Ok(Value::Object(o))
}

fn weak_key_value(k: &WeakKey) -> Value {
    match k {
        WeakKey::Object(w) => w
            .upgrade()
            .map_or(Value::Undefined, |g| Value::Object(Obj::from_gc(g))),
        WeakKey::Symbol(a) => Value::Symbol(*a),
    }
}

/// WeakRef.prototype.deref. Spec: #sec-weak-ref.prototype.deref
fn weak_ref_deref(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    if let Value::Object(o) = this {
        if let ObjectData::Collection(c) = &o.borrow().class {
            if let Collection::WeakRef(WeakTarget(k)) = &**c {
                return Ok(weak_key_value(k));
            }
        }
    }
    Err(cx.throw_type_error("WeakRef.prototype.deref called on incompatible receiver"))
}

// ============================================================== FinalizationRegistry

/// FinalizationRegistry(cleanupCallback). Spec: #sec-finalization-registry-cleanup-callback
fn registry_constructor(
    cx: &mut Cx,
    _: &Value,
    args: &[Value],
    nt: &Value,
    _: u16,
) -> JsResult<Value> {
    if nt.is_undefined() {
        return Err(cx.throw_type_error("Constructor FinalizationRegistry requires 'new'"));
    }
    let cleanup = arg(args, 0);
    if !is_callable(&cleanup) {
        return Err(cx.throw_type_error("FinalizationRegistry: cleanup must be callable"));
    }
    let data = ObjectData::Collection(Box::new(Collection::Registry(Registry {
        cleanup,
        cells: Vec::new(),
    })));
    let o =
        ordinary_create_from_constructor(cx, nt, Intrinsic::FinalizationRegistryPrototype, data)?;
    cx.registries.push(o.gc().downgrade());
    Ok(Value::Object(o))
}

fn with_registry<R>(
    cx: &mut Cx,
    this: &Value,
    what: &str,
    f: impl FnOnce(&mut Registry) -> R,
) -> JsResult<R> {
    if let Value::Object(o) = this {
        if let ObjectData::Collection(c) = &mut o.borrow_mut().class {
            if let Collection::Registry(r) = &mut **c {
                return Ok(f(r));
            }
        }
    }
    Err(cx.throw_type_error(&format!(
        "FinalizationRegistry.prototype.{what} called on incompatible receiver"
    )))
}

/// FinalizationRegistry.prototype.register. Spec: #sec-finalization-registry.prototype.register
fn registry_register(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _: &Value,
    _: u16,
) -> JsResult<Value> {
    with_registry(cx, this, "register", |_| ())?;
    let target = arg(args, 0);
    let held = arg(args, 1);
    let token = arg(args, 2);
    // 3. If CanBeHeldWeakly(target) is false, throw a TypeError.
    let Some((_, tk)) = weak_id(cx, &target) else {
        return Err(cx.throw_type_error("FinalizationRegistry.register: invalid target"));
    };
    // 4. If SameValue(target, heldValue), throw a TypeError.
    if crate::value::same_value(&target, &held) {
        return Err(
            cx.throw_type_error("FinalizationRegistry.register: target and held value must differ")
        );
    }
    // 5. The token must be holdable weakly or undefined.
    let token = if token.is_undefined() {
        None
    } else {
        match weak_id(cx, &token) {
            Some((_, k)) => Some(k),
            None => {
                return Err(
                    cx.throw_type_error("FinalizationRegistry.register: invalid unregister token")
                )
            }
        }
    };
    let r = cx.heap.charge(ENTRY_BYTES);
    cx.oom(r)?;
    if let Value::Object(o) = this {
        o.borrow_mut().add_charged(ENTRY_BYTES);
    }
    with_registry(cx, this, "register", |r| {
        r.cells.push(RegistryCell {
            target: tk,
            held,
            token,
        })
    })?;
    Ok(Value::Undefined)
}

fn same_weak_key(k: &WeakKey, v: &Value) -> bool {
    match (k, v) {
        (WeakKey::Object(w), Value::Object(o)) => w
            .upgrade()
            .is_some_and(|g| Obj::ptr_eq(&Obj::from_gc(g), o)),
        (WeakKey::Symbol(a), Value::Symbol(b)) => a == b,
        _ => false,
    }
}

/// FinalizationRegistry.prototype.unregister. Spec: #sec-finalization-registry.prototype.unregister
fn registry_unregister(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _: &Value,
    _: u16,
) -> JsResult<Value> {
    with_registry(cx, this, "unregister", |_| ())?;
    let token = arg(args, 0);
    if weak_id_only(cx, &token).is_none() {
        return Err(cx.throw_type_error("FinalizationRegistry.unregister: invalid token"));
    }
    let removed = with_registry(cx, this, "unregister", |r| {
        let before = r.cells.len();
        let mut gone = Vec::new();
        r.cells.retain_mut(|c| {
            let hit = c.token.as_ref().is_some_and(|k| same_weak_key(k, &token));
            if hit {
                gone.push(std::mem::take(&mut c.held));
            }
            !hit
        });
        (before != r.cells.len(), gone)
    })?;
    Ok(Value::Bool(removed.0))
}

impl Cx {
    /// Queues the cleanup jobs of FinalizationRegistry cells whose target died. Called after
    /// the cycle collector ran and by hosts between jobs; cheap when nothing died.
    /// Spec: #sec-cleanup-finalization-registry (one job per dead cell)
    pub fn queue_finalization_jobs(&mut self) {
        let deaths = self.heap.weak_deaths();
        if deaths == self.registry_deaths_seen {
            return;
        }
        self.registry_deaths_seen = deaths;
        self.registries.retain(|w| !w.is_dead());
        let regs: Vec<Obj> = self
            .registries
            .iter()
            .filter_map(|w| w.upgrade().map(Obj::from_gc))
            .collect();
        for reg in regs {
            let jobs = {
                let mut b = reg.borrow_mut();
                let ObjectData::Collection(c) = &mut b.class else {
                    continue;
                };
                let Collection::Registry(r) = &mut **c else {
                    continue;
                };
                let mut jobs = Vec::new();
                let cleanup = r.cleanup.clone();
                r.cells.retain_mut(|c| {
                    let dead = matches!(&c.target, WeakKey::Object(w) if w.is_dead());
                    if dead {
                        jobs.push(crate::realm::Job {
                            func: cleanup.clone(),
                            this: Value::Undefined,
                            args: vec![std::mem::take(&mut c.held)],
                        });
                    }
                    !dead
                });
                jobs
            };
            self.jobs.extend(jobs);
        }
    }
}

/// Looks up a property on an object for tests.
#[cfg(test)]
fn prop(cx: &mut Cx, o: &Value, k: &str) -> Value {
    let a = cx.intern(k);
    get_v(cx, o, a).unwrap_or(Value::Undefined)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctor(cx: &mut Cx, name: &str) -> Value {
        let g = Value::Object(cx.global());
        prop(cx, &g, name)
    }

    #[test]
    fn map_keeps_order_and_survives_deletes_during_iteration() {
        let mut cx = Cx::new();
        let cx = &mut cx;
        let m = ctor(cx, "Map");
        let map = crate::object::construct(cx, &m, &[], &Value::Undefined).unwrap();
        let set = prop(cx, &map, "set");
        for i in 0..100 {
            call(cx, &set, &map, &[Value::Int(i), Value::Int(i * 10)]).unwrap();
        }
        // -0 and +0 are the same key; NaN equals NaN.
        call(cx, &set, &map, &[Value::Float(-0.0), Value::Int(7)]).unwrap();
        call(cx, &set, &map, &[Value::Float(f64::NAN), Value::Int(8)]).unwrap();
        let get_f = prop(cx, &map, "get");
        let r = call(cx, &get_f, &map, &[Value::Float(f64::NAN)]).unwrap();
        assert!(matches!(r, Value::Int(8)));
        let r = call(cx, &get_f, &map, &[Value::Int(0)]).unwrap();
        assert!(matches!(r, Value::Int(7)));
        let keys = prop(cx, &map, "keys");
        let it = call(cx, &keys, &map, &[]).unwrap();
        let next = prop(cx, &it, "next");
        let del = prop(cx, &map, "delete");
        // Read 0, then delete 1..90 (compaction happens), then keep reading.
        let r = call(cx, &next, &it, &[]).unwrap();
        assert!(matches!(prop(cx, &r, "value"), Value::Int(0)));
        for i in 1..90 {
            call(cx, &del, &map, &[Value::Int(i)]).unwrap();
        }
        let r = call(cx, &next, &it, &[]).unwrap();
        assert!(matches!(prop(cx, &r, "value"), Value::Int(90)));
        let size = prop(cx, &map, "size");
        assert!(matches!(size, Value::Int(12) | Value::Float(_)), "size");
        assert_eq!(size.as_number(), Some(12.0));
    }
}

#[cfg(test)]
mod weak_tests {
    use super::*;

    #[test]
    fn weak_entries_die_with_their_keys_and_registries_queue_cleanups() {
        let mut cx = Cx::new();
        let cx = &mut cx;
        let g = Value::Object(cx.global());
        let wm_ctor = prop(cx, &g, "WeakMap");
        let wm = crate::object::construct(cx, &wm_ctor, &[], &Value::Undefined).unwrap();
        let fr_ctor = prop(cx, &g, "FinalizationRegistry");
        let cleanup = prop(cx, &g, "Object");
        let fr = crate::object::construct(cx, &fr_ctor, &[cleanup], &Value::Undefined).unwrap();
        let key = Value::Object(crate::object::ops::new_object(cx).unwrap());
        // The value references its key: an ephemeron must not keep the key alive.
        let val = crate::object::ops::new_object(cx).unwrap();
        let k = cx.intern("k");
        crate::object::ops::set(cx, &val, k, key.clone(), true).unwrap();
        let set = prop(cx, &wm, "set");
        call(cx, &set, &wm, &[key.clone(), Value::Object(val)]).unwrap();
        let has = prop(cx, &wm, "has");
        assert!(call(cx, &has, &wm, std::slice::from_ref(&key))
            .unwrap()
            .to_boolean());
        let reg = prop(cx, &fr, "register");
        call(cx, &reg, &fr, &[key.clone(), Value::Int(42)]).unwrap();
        // Primitives cannot be weak keys.
        assert!(call(cx, &set, &wm, &[Value::Int(1), Value::Int(1)]).is_err());
        let _ = cx.take_exception();
        drop(key);
        cx.heap.collect();
        cx.queue_finalization_jobs();
        assert_eq!(cx.jobs.len(), 1);
        assert!(matches!(cx.jobs[0].args[0], Value::Int(42)));
    }
}
