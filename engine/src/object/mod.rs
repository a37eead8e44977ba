//! Objects: the [`Obj`] handle, [`JsObject`] storage (shape + slots + dense elements), the
//! [`ObjectData`] class payloads, and property descriptors. The internal methods live in
//! [`ops`] (ordinary + dispatch to exotics), [`array`], [`proxy`]; calls in [`function`].
//!
//! Storage of one object:
//!
//! ```text
//! JsObject { shape: Rc<Shape> ──► [ (key, flags) ... ]      named + sparse index keys
//!            slots: Vec<PropValue>   slot i ↔ shape.props[i]
//!            elements: Vec<Value>    keys 0..len, all data {writable, enumerable, configurable}
//!            proto, extensible, class: ObjectData, charged }
//! ```
//!
//! Invariants:
//! - An index key `i` is either in `elements` (`i < elements.len()`) or in the shape, never
//!   both. `elements` only holds default-attribute data properties; anything else (holes,
//!   frozen elements, accessors) moves the elements into the shape ("sparse" mode).
//! - `charged` is exactly what this object charged to the heap beyond its cell (slot and
//!   element vectors, dictionary shapes, payload vectors); it is refunded at free.
//! - A `RefCell` borrow of an object is never held across a call into JavaScript or any
//!   operation that may run user code (getters, proxies): internal methods copy what they
//!   need and drop the borrow first.

pub mod arguments;
pub mod array;
pub mod function;
pub mod ops;
pub mod proxy;
pub mod shape;

pub use function::{call, construct, is_callable, is_constructor, NativeFn};
pub use shape::{attrs, Shape};

use crate::atoms::Atom;
use crate::heap::{Gc, Trace, Tracer};
use crate::realm::{Cx, JsResult};
use crate::strings::JsString;
use crate::value::{JsBigInt, Value};
use std::cell::{Ref, RefCell, RefMut};
use std::rc::Rc;

/// A handle to a heap object.
#[derive(Clone)]
pub struct Obj(Gc<ObjCell>);

/// The cell payload of an object.
pub struct ObjCell(RefCell<JsObject>);

/// A property's stored value.
#[derive(Clone)]
pub enum PropValue {
    Data(Value),
    Accessor(Option<Obj>, Option<Obj>),
}

/// Native function pointer plus its `magic` and whether it is a constructor.
#[derive(Clone, Copy)]
pub struct NativeFunction {
    pub f: NativeFn,
    pub magic: u16,
    pub constructor: bool,
    /// The realm that created the function (GetFunctionRealm).
    pub realm: crate::realm::RealmId,
}

/// A native function with internal slots (`data`), e.g. Proxy revokers, promise resolving
/// functions. The function receives its own object (`callee`) to read/write the slots.
pub type NativeDataFn = fn(
    cx: &mut Cx,
    callee: &Obj,
    this: &Value,
    args: &[Value],
    new_target: &Value,
) -> JsResult<Value>;

/// Payload of a native function with internal slots.
pub struct NativeClosure {
    pub f: NativeDataFn,
    pub data: Vec<Value>,
    pub constructor: bool,
    pub realm: crate::realm::RealmId,
}

/// A Rust closure exposed as a JS function (for embedders).
pub type HostFn = Rc<dyn Fn(&mut Cx, &Value, &[Value]) -> JsResult<Value>>;

/// Payload of a bound function exotic object. Spec: #sec-bound-function-exotic-objects
pub struct BoundFunction {
    pub target: Obj,
    pub this: Value,
    pub args: Vec<Value>,
}

/// Array exotic object state. Spec: #sec-array-exotic-objects
#[derive(Clone, Copy)]
pub struct ArrayData {
    pub length: u32,
    pub length_writable: bool,
}

/// What kind of object this is, with its internal slots. Other modules add variants (the VM's
/// closures, generators, promises, collections, dates, regexps, buffers...): add a variant
/// here plus its `trace`/`clear` arm below.
pub enum ObjectData {
    Ordinary,
    Array(ArrayData),
    NativeFunction(NativeFunction),
    /// A host closure and the realm it was created in (it runs in that realm).
    HostFunction(HostFn, crate::realm::RealmId),
    NativeClosure(Box<NativeClosure>),
    BoundFunction(Box<BoundFunction>),
    /// Has [[ErrorData]].
    Error,
    /// Has [[IsRawJSON]] (`JSON.rawJSON` results, `builtins/json.rs`).
    RawJson,
    Boolean(bool),
    Number(f64),
    /// String exotic object. Spec: #sec-string-exotic-objects
    String(JsString),
    Symbol(Atom),
    BigInt(JsBigInt),
    /// Unmapped arguments object.
    Arguments,
    /// Mapped arguments exotic object (`object/arguments.rs`).
    MappedArguments(Box<arguments::MappedArgs>),
    /// Proxy exotic object; `None` once revoked. Spec: #sec-proxy-object-internal-methods-and-internal-slots
    Proxy(Option<Box<proxy::ProxyData>>),
    /// Has [[RegExpMatcher]], [[OriginalSource]], [[OriginalFlags]].
    RegExp(Box<crate::builtins::regexp::RegExpData>),
    /// %RegExpStringIterator% instance state.
    RegExpStringIterator(Box<crate::builtins::regexp::RegExpStringIteratorData>),
    /// Map, Set, WeakMap, WeakSet, WeakRef, FinalizationRegistry and the Map/Set iterators
    /// (`builtins::map`).
    Collection(Box<crate::builtins::map::Collection>),
    /// Has [[DateValue]] (a time value or NaN). Spec: #sec-properties-of-date-instances
    Date(f64),
    /// %ArrayIteratorPrototype% instances (`builtins/array.rs`).
    ArrayIterator(Box<crate::builtins::array::ArrayIterator>),
    /// %StringIteratorPrototype% instances (`builtins/string.rs`).
    StringIterator(Box<crate::builtins::string::StringIterator>),
    /// Iterator helper and `Iterator.from` wrapper objects (`builtins/iterator.rs`).
    IteratorHelper(Box<crate::builtins::iterator::IteratorHelper>),
    /// Objects whose internal slots belong to the VM (closures, generators, promises...).
    Vm(Box<crate::vm::VmObject>),
    /// A DisposeCapability holder: DisposableStack, AsyncDisposableStack, or the internal
    /// object of a scope with `using` declarations (`builtins/disposable.rs`).
    Disposable(Box<crate::builtins::disposable::Disposable>),
    /// ArrayBuffer / SharedArrayBuffer: [[ArrayBufferData]] (`builtins/arraybuffer.rs`).
    ArrayBuffer(Rc<crate::builtins::arraybuffer::BufferData>),
    /// Typed array (integer-indexed exotic object, `builtins/typedarray.rs`).
    TypedArray(Box<crate::builtins::typedarray::TypedArrayData>),
    /// DataView (`builtins/dataview.rs`).
    DataView(Box<crate::builtins::dataview::DataViewData>),
    /// Module namespace exotic object of the module with this index (`vm/module.rs`).
    /// Spec: #sec-module-namespace-exotic-objects
    ModuleNamespace(u32),
}

/// The object storage. See the module docs.
pub struct JsObject {
    pub class: ObjectData,
    pub proto: Option<Obj>,
    pub extensible: bool,
    /// Annex B [[IsHTMLDDA]] (test262's `$262.IsHTMLDDA`).
    pub htmldda: bool,
    /// Immutable prototype exotic object (%Object.prototype%). Spec: #sec-immutable-prototype-exotic-objects
    pub immutable_proto: bool,
    /// A revoked proxy keeps its [[Call]]/[[Construct]] (IsCallable/IsConstructor stay
    /// true): bit 0 callable, bit 1 constructor. Zero for everything else.
    pub revoked_proxy_kind: u8,
    shape: Rc<Shape>,
    slots: Vec<PropValue>,
    elements: Vec<Value>,
    charged: usize,
}

/// A property descriptor with optional fields. Spec: #sec-property-descriptor-specification-type
#[derive(Clone, Default)]
pub struct PropertyDescriptor {
    pub value: Option<Value>,
    pub writable: Option<bool>,
    pub get: Option<Value>,
    pub set: Option<Value>,
    pub enumerable: Option<bool>,
    pub configurable: Option<bool>,
}

impl PropertyDescriptor {
    /// A complete data descriptor.
    pub fn data(value: Value, flags: u8) -> PropertyDescriptor {
        PropertyDescriptor {
            value: Some(value),
            writable: Some(flags & attrs::WRITABLE != 0),
            get: None,
            set: None,
            enumerable: Some(flags & attrs::ENUMERABLE != 0),
            configurable: Some(flags & attrs::CONFIGURABLE != 0),
        }
    }
    /// A complete accessor descriptor.
    pub fn accessor(get: Option<Obj>, set: Option<Obj>, flags: u8) -> PropertyDescriptor {
        PropertyDescriptor {
            value: None,
            writable: None,
            get: Some(get.map_or(Value::Undefined, Value::Object)),
            set: Some(set.map_or(Value::Undefined, Value::Object)),
            enumerable: Some(flags & attrs::ENUMERABLE != 0),
            configurable: Some(flags & attrs::CONFIGURABLE != 0),
        }
    }
    /// IsAccessorDescriptor. Spec: #sec-isaccessordescriptor
    pub fn is_accessor(&self) -> bool {
        self.get.is_some() || self.set.is_some()
    }
    /// IsDataDescriptor. Spec: #sec-isdatadescriptor
    pub fn is_data(&self) -> bool {
        self.value.is_some() || self.writable.is_some()
    }
    /// IsGenericDescriptor.
    pub fn is_generic(&self) -> bool {
        !self.is_accessor() && !self.is_data()
    }
    /// Attribute bits of a complete descriptor (missing fields count as false).
    pub fn flags(&self) -> u8 {
        let mut f = 0;
        if self.writable == Some(true) {
            f |= attrs::WRITABLE;
        }
        if self.enumerable == Some(true) {
            f |= attrs::ENUMERABLE;
        }
        if self.configurable == Some(true) {
            f |= attrs::CONFIGURABLE;
        }
        if self.is_accessor() {
            f |= attrs::ACCESSOR;
            f &= !attrs::WRITABLE;
        }
        f
    }
}

/// Where an own property lives (result of [`JsObject::find`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Element(u32),
    Slot(u32, u8),
}

impl Trace for ObjCell {
    fn trace(&self, t: &mut Tracer<'_>) {
        // A borrowed object is being worked on by native code: report no edges, which only
        // makes its children look externally referenced (they survive this collection).
        let Ok(o) = self.0.try_borrow() else { return };
        if let Some(p) = &o.proto {
            t.edge(&p.0);
        }
        for s in &o.slots {
            match s {
                PropValue::Data(v) => trace_value(v, t),
                PropValue::Accessor(g, s) => {
                    if let Some(g) = g {
                        t.edge(&g.0);
                    }
                    if let Some(s) = s {
                        t.edge(&s.0);
                    }
                }
            }
        }
        for v in &o.elements {
            trace_value(v, t);
        }
        match &o.class {
            ObjectData::BoundFunction(b) => {
                t.edge(&b.target.0);
                trace_value(&b.this, t);
                for v in &b.args {
                    trace_value(v, t);
                }
            }
            ObjectData::ArrayIterator(it) => trace_value(&it.object, t),
            ObjectData::IteratorHelper(h) => h.trace(t),
            ObjectData::Disposable(d) => d.trace(t),
            ObjectData::Vm(v) => v.trace(t),
            ObjectData::Proxy(Some(p)) => {
                t.edge(&p.target.0);
                t.edge(&p.handler.0);
            }
            ObjectData::Collection(c) => c.trace(t),
            ObjectData::NativeClosure(c) => {
                for v in &c.data {
                    trace_value(v, t);
                }
            }
            ObjectData::RegExpStringIterator(it) => t.edge(&it.regexp.0),
            ObjectData::MappedArguments(m) => {
                for (c, _) in m.map.iter().flatten() {
                    t.edge(c);
                }
            }
            ObjectData::TypedArray(ta) => t.edge(&ta.buffer.0),
            ObjectData::DataView(dv) => t.edge(&dv.buffer.0),
            _ => {}
        }
    }
    fn clear(&self) {
        let Ok(mut o) = self.0.try_borrow_mut() else {
            return;
        };
        let proto = o.proto.take();
        let slots = std::mem::take(&mut o.slots);
        let elements = std::mem::take(&mut o.elements);
        let class = std::mem::replace(&mut o.class, ObjectData::Ordinary);
        drop(o);
        // Dropped after the borrow ends: dropping may free other objects.
        drop((proto, slots, elements, class));
    }
    fn extra_bytes(&self) -> usize {
        self.0.try_borrow().map_or(0, |o| o.charged)
    }
}

/// Reports the object edge of a value, if any.
#[inline]
pub fn trace_value(v: &Value, t: &mut Tracer<'_>) {
    if let Value::Object(o) = v {
        t.edge(&o.0);
    }
}

impl Obj {
    /// Allocates an object with the given prototype and class, charging it.
    pub fn new(cx: &mut Cx, proto: Option<Obj>, class: ObjectData) -> JsResult<Obj> {
        let shape = cx.root_shape.clone();
        let o = JsObject {
            class,
            proto,
            extensible: true,
            htmldda: false,
            immutable_proto: false,
            revoked_proxy_kind: 0,
            shape,
            slots: Vec::new(),
            elements: Vec::new(),
            charged: 0,
        };
        match cx.heap.alloc(ObjCell(RefCell::new(o)), true) {
            Ok(g) => Ok(Obj(g)),
            Err(_) => Err(cx.throw_out_of_memory()),
        }
    }

    /// An empty ordinary object with no prototype, made without a context (only while a
    /// runtime is being created).
    pub(crate) fn bootstrap(heap: &crate::heap::Heap) -> Obj {
        let o = JsObject {
            class: ObjectData::Ordinary,
            proto: None,
            extensible: true,
            htmldda: false,
            immutable_proto: false,
            revoked_proxy_kind: 0,
            shape: Shape::root(),
            slots: Vec::new(),
            elements: Vec::new(),
            charged: 0,
        };
        match heap.alloc(ObjCell(RefCell::new(o)), true) {
            Ok(g) => Obj(g),
            // Invariant: called on a fresh heap, which has no memory limit yet.
            Err(_) => unreachable!("fresh heap has no memory limit"),
        }
    }

    #[inline]
    pub fn borrow(&self) -> Ref<'_, JsObject> {
        self.0 .0.borrow()
    }
    #[inline]
    pub fn borrow_mut(&self) -> RefMut<'_, JsObject> {
        self.0 .0.borrow_mut()
    }
    #[inline]
    pub fn ptr_eq(a: &Obj, b: &Obj) -> bool {
        Gc::ptr_eq(&a.0, &b.0)
    }
    /// Identity of the object (address), stable while a handle lives.
    #[inline]
    pub fn addr(&self) -> usize {
        self.0.addr()
    }
    /// The underlying heap handle (for weak references).
    pub fn gc(&self) -> &Gc<ObjCell> {
        &self.0
    }
    pub fn from_gc(g: Gc<ObjCell>) -> Obj {
        Obj(g)
    }
    pub fn is_htmldda(&self) -> bool {
        self.borrow().htmldda
    }
    /// IsCallable. Spec: #sec-iscallable
    pub fn is_callable(&self) -> bool {
        function::obj_is_callable(self)
    }
    /// Is this an Array exotic object (not looking through proxies)?
    pub fn is_array_exotic(&self) -> bool {
        matches!(self.borrow().class, ObjectData::Array(_))
    }
    pub fn is_proxy(&self) -> bool {
        matches!(self.borrow().class, ObjectData::Proxy(_))
    }
}

impl std::fmt::Debug for Obj {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[object @{:x}]", self.addr())
    }
}

/// Grows `v` to hold `additional` more items, charging the capacity increase to the heap and
/// to `charged`. Amortised doubling.
fn reserve_charged<T>(
    cx: &mut Cx,
    v: &mut Vec<T>,
    charged: &mut usize,
    additional: usize,
) -> JsResult<()> {
    let need = v
        .len()
        .checked_add(additional)
        .ok_or_else(|| cx.throw_out_of_memory())?;
    if need <= v.capacity() {
        return Ok(());
    }
    let new_cap = need.max(v.capacity() * 2).max(4);
    let bytes = (new_cap - v.capacity()) * std::mem::size_of::<T>();
    if cx.heap.charge(bytes).is_err() {
        return Err(cx.throw_out_of_memory());
    }
    let old_cap = v.capacity();
    if v.try_reserve_exact(new_cap - v.len()).is_err() {
        cx.heap.refund(bytes);
        return Err(cx.throw_out_of_memory());
    }
    // try_reserve_exact may give more than asked: charge the difference (cannot fail the
    // script; it is allocator slack).
    let got = (v.capacity() - old_cap) * std::mem::size_of::<T>();
    if got > bytes {
        cx.heap.force_charge(got - bytes);
        *charged += got;
    } else {
        *charged += bytes;
    }
    Ok(())
}

impl JsObject {
    #[inline]
    pub fn shape(&self) -> &Rc<Shape> {
        &self.shape
    }
    /// The object's shape for inline caches: `Some` only for shared (transition-tree)
    /// shapes, whose slot layout never changes (dictionary shapes are mutated in place and
    /// must not be cached). An IC keeps the `Rc` (not the address, which a new shape could
    /// reuse) and compares with `Rc::ptr_eq`; the cached slot is then valid for any object
    /// with that shape: `JsObject::slot(i)`.
    #[inline]
    pub fn cacheable_shape(&self) -> Option<&Rc<Shape>> {
        if self.shape.is_dictionary() {
            None
        } else {
            Some(&self.shape)
        }
    }

    /// The dense elements (index keys 0..len).
    #[inline]
    pub fn elements(&self) -> &[Value] {
        &self.elements
    }
    #[inline]
    pub fn elements_mut(&mut self) -> &mut [Value] {
        &mut self.elements
    }
    /// Slot value by index (from a shape lookup).
    #[inline]
    pub fn slot(&self, i: u32) -> Option<&PropValue> {
        self.slots.get(i as usize)
    }
    #[inline]
    pub fn slot_mut(&mut self, i: u32) -> Option<&mut PropValue> {
        self.slots.get_mut(i as usize)
    }

    /// Finds an own stored property (exotic virtual properties are not seen here).
    #[inline]
    pub fn find(&self, key: Atom) -> Option<Place> {
        if let Some(i) = key.as_index() {
            if (i as usize) < self.elements.len() {
                return Some(Place::Element(i));
            }
        }
        let slot = self.shape.lookup(key)?;
        Some(Place::Slot(slot, self.shape.props()[slot as usize].flags))
    }

    /// The stored value and flags at a place.
    pub fn read(&self, p: Place) -> Option<(PropValue, u8)> {
        match p {
            Place::Element(i) => self
                .elements
                .get(i as usize)
                .map(|v| (PropValue::Data(v.clone()), attrs::DEFAULT)),
            Place::Slot(s, f) => self.slots.get(s as usize).map(|v| (v.clone(), f)),
        }
    }

    /// Descriptor of a stored own property.
    pub fn own_descriptor(&self, key: Atom) -> Option<PropertyDescriptor> {
        let p = self.find(key)?;
        let (v, f) = self.read(p)?;
        Some(match v {
            PropValue::Data(v) => PropertyDescriptor::data(v, f),
            PropValue::Accessor(g, s) => PropertyDescriptor::accessor(g, s, f),
        })
    }

    /// Stored own keys in storage order: elements, then shape order (unsorted).
    pub fn stored_keys(&self) -> impl Iterator<Item = Atom> + '_ {
        (0..self.elements.len() as u32)
            .filter_map(Atom::from_index)
            .chain(self.shape.live_props().map(|p| p.key))
    }

    /// Number of stored named (shape) properties.
    pub fn slot_count(&self) -> usize {
        self.slots.len()
    }

    fn make_dictionary(&mut self, cx: &mut Cx) -> JsResult<()> {
        if self.shape.is_dictionary() {
            return Ok(());
        }
        let d = self.shape.to_dictionary();
        let bytes = d.dictionary_bytes();
        if cx.heap.charge(bytes).is_err() {
            return Err(cx.throw_out_of_memory());
        }
        self.charged += bytes;
        self.shape = Rc::new(d);
        Ok(())
    }

    /// Mutable access to a dictionary shape (only this object owns it).
    fn dict(&mut self) -> Option<&mut Shape> {
        // Someone may hold a clone of this object's dictionary `Rc` (through `shape()`):
        // then take a private copy first, so the slot vector and the shape never diverge.
        if self.shape.is_dictionary() && Rc::get_mut(&mut self.shape).is_none() {
            self.shape = Rc::new(self.shape.to_dictionary());
        }
        Rc::get_mut(&mut self.shape)
    }

    /// Moves the dense elements into the shape (sparse mode).
    fn sparsify(&mut self, cx: &mut Cx) -> JsResult<()> {
        if self.elements.is_empty() {
            return Ok(());
        }
        self.make_dictionary(cx)?;
        let n = self.elements.len();
        let mut charged = self.charged;
        reserve_charged(cx, &mut self.slots, &mut charged, n)?;
        let bytes = n * 24;
        if cx.heap.charge(bytes).is_err() {
            self.charged = charged;
            return Err(cx.throw_out_of_memory());
        }
        self.charged = charged + bytes;
        let elements = std::mem::take(&mut self.elements);
        let Some(dict) = Rc::get_mut(&mut self.shape) else {
            // Invariant: make_dictionary just gave this object its own shape.
            return Ok(());
        };
        // Index keys are placed before named ones by OwnPropertyKeys sorting, so appending
        // keeps the observable order.
        for (i, v) in elements.into_iter().enumerate() {
            if let Some(a) = Atom::from_index(i as u32) {
                dict.dict_add(a, attrs::DEFAULT);
                self.slots.push(PropValue::Data(v));
            }
        }
        Ok(())
    }

    /// Adds a new own property (caller checked it is absent and the object is extensible).
    pub fn add(&mut self, cx: &mut Cx, key: Atom, value: PropValue, flags: u8) -> JsResult<()> {
        // Dense fast path: the next index of a dense prefix with default attributes.
        if let (Some(i), PropValue::Data(_)) = (key.as_index(), &value) {
            if flags == attrs::DEFAULT
                && i as usize == self.elements.len()
                && self.dense_allowed()
                && self.shape.lookup(key).is_none()
            {
                let mut charged = self.charged;
                reserve_charged(cx, &mut self.elements, &mut charged, 1)?;
                self.charged = charged;
                if let PropValue::Data(v) = value {
                    self.elements.push(v);
                }
                self.absorb_following_indices();
                return Ok(());
            }
        }
        let mut charged = self.charged;
        reserve_charged(cx, &mut self.slots, &mut charged, 1)?;
        self.charged = charged;
        let flags = if matches!(value, PropValue::Accessor(..)) {
            (flags | attrs::ACCESSOR) & !attrs::WRITABLE
        } else {
            flags & !attrs::ACCESSOR
        };
        // Index keys never enter the shared transition tree (arrays filled out of order
        // would create one shape per index, O(n^2)); many named keys go private too.
        if !self.shape.is_dictionary()
            && (self.shape.len() >= shape::MAX_SHARED_PROPS || key.is_index())
        {
            self.make_dictionary(cx)?;
        }
        if self.shape.is_dictionary() {
            if cx.heap.charge(24).is_err() {
                return Err(cx.throw_out_of_memory());
            }
            self.charged += 24;
            if let Some(d) = self.dict() {
                d.dict_add(key, flags);
            }
        } else {
            self.shape = self.shape.with_added(key, flags);
        }
        self.slots.push(value);
        Ok(())
    }

    /// After pushing element `n-1`, pulls index `n`, `n+1`... out of a dictionary shape if
    /// they are plain default data properties (arrays filled out of order become dense).
    fn absorb_following_indices(&mut self) {
        if !self.shape.is_dictionary() {
            return;
        }
        loop {
            let Some(next) = Atom::from_index(self.elements.len() as u32) else {
                return;
            };
            let Some(slot) = self.shape.lookup(next) else {
                return;
            };
            if self.shape.props()[slot as usize].flags != attrs::DEFAULT {
                return;
            }
            if self.elements.len() == self.elements.capacity() {
                return; // would need an uncharged allocation; stay sparse for this key
            }
            let v = match self.slots.get_mut(slot as usize) {
                Some(PropValue::Data(v)) => std::mem::take(v),
                _ => return,
            };
            if let Some(d) = self.dict() {
                d.dict_remove(slot);
            }
            self.elements.push(v);
        }
    }

    /// Dense element storage is used by every class except the exotic ones with virtual
    /// index properties (String wrappers, proxies).
    fn dense_allowed(&self) -> bool {
        !matches!(
            self.class,
            ObjectData::String(_) | ObjectData::Proxy(_) | ObjectData::TypedArray(_)
        )
    }

    /// Overwrites the value at a place (attributes unchanged).
    pub fn write(&mut self, p: Place, v: PropValue) {
        match p {
            Place::Element(i) => {
                if let (Some(e), PropValue::Data(v)) = (self.elements.get_mut(i as usize), v) {
                    *e = v;
                }
            }
            Place::Slot(s, _) => {
                if let Some(e) = self.slots.get_mut(s as usize) {
                    *e = v;
                }
            }
        }
    }

    /// Replaces the value and flags of an existing property.
    pub fn redefine(
        &mut self,
        cx: &mut Cx,
        key: Atom,
        p: Place,
        v: PropValue,
        flags: u8,
    ) -> JsResult<()> {
        let flags = if matches!(v, PropValue::Accessor(..)) {
            (flags | attrs::ACCESSOR) & !attrs::WRITABLE
        } else {
            flags & !attrs::ACCESSOR
        };
        match p {
            Place::Element(_) if flags == attrs::DEFAULT && matches!(v, PropValue::Data(_)) => {
                self.write(p, v);
                Ok(())
            }
            Place::Element(_) => {
                self.sparsify(cx)?;
                match self.find(key) {
                    Some(p2 @ Place::Slot(..)) => self.redefine(cx, key, p2, v, flags),
                    _ => Ok(()),
                }
            }
            Place::Slot(s, old) => {
                if old != flags {
                    self.make_dictionary(cx)?;
                    if let Some(d) = self.dict() {
                        d.dict_set_flags(s, flags);
                    }
                }
                self.write(Place::Slot(s, flags), v);
                Ok(())
            }
        }
    }

    /// Removes an own stored property.
    pub fn remove(&mut self, cx: &mut Cx, key: Atom, p: Place) -> JsResult<()> {
        match p {
            Place::Element(i) => {
                if i as usize + 1 == self.elements.len() {
                    self.elements.pop();
                    return Ok(());
                }
                self.sparsify(cx)?;
                match self.find(key) {
                    Some(p2 @ Place::Slot(..)) => self.remove(cx, key, p2),
                    _ => Ok(()),
                }
            }
            Place::Slot(s, _) => {
                self.make_dictionary(cx)?;
                if let Some(d) = self.dict() {
                    d.dict_remove(s);
                }
                let old = self
                    .slots
                    .get_mut(s as usize)
                    .map(|v| std::mem::replace(v, PropValue::Data(Value::Undefined)));
                if self.shape.needs_compaction() {
                    self.compact();
                }
                drop(old);
                Ok(())
            }
        }
    }

    /// Drops dictionary tombstones and the matching slots (keeps capacity, so the charge is
    /// unchanged).
    fn compact(&mut self) {
        let Some(d) = self.dict() else { return };
        let keep = d.dict_compact();
        let old = std::mem::take(&mut self.slots);
        // Reuse the allocation size: the new vector gets the old capacity (already charged).
        let mut fresh = Vec::with_capacity(old.capacity());
        let mut old: Vec<Option<PropValue>> = old.into_iter().map(Some).collect();
        for i in keep {
            if let Some(v) = old.get_mut(i as usize).and_then(Option::take) {
                fresh.push(v);
            }
        }
        self.slots = fresh;
    }

    /// Truncates dense elements to `len` (array length shrink fast path).
    pub fn truncate_elements(&mut self, len: usize) -> Vec<Value> {
        if len >= self.elements.len() {
            return Vec::new();
        }
        self.elements.split_off(len)
    }

    /// Records bytes the caller charged for this object's payload (refunded at free).
    pub fn add_charged(&mut self, bytes: usize) {
        self.charged += bytes;
    }

    /// Hands `bytes` of this object's recorded charge to another object (the caller adds
    /// them there with [`JsObject::add_charged`]).
    pub fn sub_charged(&mut self, bytes: usize) {
        self.charged = self.charged.saturating_sub(bytes);
    }

    /// Makes room for `additional` more dense elements (for builtins filling arrays).
    pub fn reserve_elements(&mut self, cx: &mut Cx, additional: usize) -> JsResult<()> {
        let mut charged = self.charged;
        let r = reserve_charged(cx, &mut self.elements, &mut charged, additional);
        self.charged = charged;
        r
    }

    /// Appends a dense element if the array can stay dense (`None` if not possible: the
    /// caller falls back to a full [[DefineOwnProperty]]).
    pub fn try_push_element(&mut self, cx: &mut Cx, v: Value) -> JsResult<Option<Value>> {
        let Some(key) = Atom::from_index(self.elements.len() as u32) else {
            return Ok(Some(v));
        };
        if !self.dense_allowed() || !self.extensible || self.shape.lookup(key).is_some() {
            return Ok(Some(v));
        }
        self.reserve_elements(cx, 1)?;
        self.elements.push(v);
        Ok(None)
    }
}
