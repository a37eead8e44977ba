//! The execution context [`Cx`] every runtime and native function receives, the exception
//! protocol ([`JsResult`]/[`Throw`]), and realms ([`Realm`]): the intrinsics table, declared
//! once by [`for_each_intrinsic!`], and the global object.
//!
//! Invariants:
//! - `Err(Throw)` is returned iff `cx.exception` holds the thrown value (STYLE rule 6).
//!   `cx.uncatchable` marks an interrupt the script must not catch.
//! - `cx.depth` counts native re-entries (calls made through [`crate::object::call`] and
//!   other recursive native paths); past `cx.max_depth` a RangeError is thrown.
//! - Field order matters for drop: everything holding values is dropped before `heap`,
//!   whose drop collects what is left.

use crate::atoms::{Atom, AtomTable};
use crate::heap::{Heap, OutOfMemory};
use crate::object::{attrs, Obj, ObjectData, PropValue, Shape};
use crate::strings::JsString;
use crate::value::Value;
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Marker for an abrupt completion; the thrown value is in [`Cx::exception`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct Throw(());

pub type JsResult<T> = Result<T, Throw>;

/// Calls `$m!` with every intrinsic as `Name`. Add entries at the end of a group; the enum
/// index is the table slot.
#[macro_export]
macro_rules! for_each_intrinsic {
    ($m:ident) => {
        $m! {
            ObjectPrototype, FunctionPrototype, Object, Function,
            ArrayPrototype, Array, StringPrototype, String, NumberPrototype, Number,
            BooleanPrototype, Boolean, SymbolPrototype, Symbol, BigIntPrototype, BigInt,
            ErrorPrototype, Error,
            EvalErrorPrototype, EvalError, RangeErrorPrototype, RangeError,
            ReferenceErrorPrototype, ReferenceError, SyntaxErrorPrototype, SyntaxError,
            TypeErrorPrototype, TypeError, URIErrorPrototype, URIError,
            AggregateErrorPrototype, AggregateError, InternalErrorPrototype, InternalError,
            ThrowTypeError, ObjectProtoToString, Proxy,
            IteratorPrototype, ArrayIteratorPrototype, StringIteratorPrototype,
            GeneratorFunctionPrototype, GeneratorPrototype, GeneratorFunction,
            AsyncFunctionPrototype, AsyncFunction, AsyncGeneratorFunctionPrototype,
            AsyncGeneratorPrototype, AsyncGeneratorFunction, AsyncIteratorPrototype,
            AsyncFromSyncIteratorPrototype,
            PromisePrototype, Promise, RegExpPrototype, RegExp, DatePrototype, Date,
            MapPrototype, Map, SetPrototype, Set, WeakMapPrototype, WeakMap,
            WeakSetPrototype, WeakSet, WeakRefPrototype, WeakRef,
            FinalizationRegistryPrototype, FinalizationRegistry,
            ArrayBufferPrototype, ArrayBuffer, SharedArrayBufferPrototype, SharedArrayBuffer,
            DataViewPrototype, DataView, TypedArrayPrototype, TypedArray,
            MapIteratorPrototype, SetIteratorPrototype, RegExpStringIteratorPrototype,
            ArrayProtoValues, Eval, Math, JSON, Reflect,
            ParseInt, ParseFloat,
            Iterator, IteratorHelperPrototype, WrapForValidIteratorPrototype,
            SuppressedErrorPrototype, SuppressedError, DisposableStackPrototype,
            DisposableStack, AsyncDisposableStackPrototype, AsyncDisposableStack,
            Int8Array, Int8ArrayPrototype, Uint8Array, Uint8ArrayPrototype,
            Uint8ClampedArray, Uint8ClampedArrayPrototype, Int16Array, Int16ArrayPrototype,
            Uint16Array, Uint16ArrayPrototype, Int32Array, Int32ArrayPrototype,
            Uint32Array, Uint32ArrayPrototype, Float16Array, Float16ArrayPrototype,
            Float32Array, Float32ArrayPrototype, Float64Array, Float64ArrayPrototype,
            BigInt64Array, BigInt64ArrayPrototype, BigUint64Array, BigUint64ArrayPrototype,
            Atomics,
        }
    };
}

macro_rules! define_intrinsics {
    ($($name:ident),* $(,)?) => {
        /// Index of an intrinsic in [`Realm::intrinsics`].
        #[derive(Copy, Clone, Debug, PartialEq, Eq)]
        #[repr(u16)]
        pub enum Intrinsic { $($name),* }
        impl Intrinsic {
            pub const COUNT: usize = [$(Intrinsic::$name),*].len();
            pub const NAMES: &'static [&'static str] = &[$(stringify!($name)),*];
        }
    };
}
for_each_intrinsic!(define_intrinsics);

/// A realm: intrinsics and the global object. Spec: #sec-code-realms
pub struct Realm {
    intrinsics: Vec<Value>,
    pub global: Obj,
    /// This realm's number in its runtime (see [`Cx::enter_realm`]).
    id: RealmId,
    /// The global lexical environment (script-level let/const/class) while this realm is
    /// not current; the current realm's lives in `cx.vm.global_lex`, swapped on entry.
    parked_lex: std::collections::HashMap<Atom, crate::vm::state::GlobalLex>,
}

/// Identifies a realm of one runtime; function objects record the realm that made them
/// (GetFunctionRealm).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub struct RealmId(pub u32);

impl Realm {
    /// The intrinsic object, or undefined if this realm did not install it.
    #[inline]
    pub fn intrinsic(&self, i: Intrinsic) -> Value {
        self.intrinsics
            .get(i as usize)
            .cloned()
            .unwrap_or(Value::Undefined)
    }
    pub fn id(&self) -> RealmId {
        self.id
    }
    pub fn set_intrinsic(&mut self, i: Intrinsic, v: Value) {
        if let Some(slot) = self.intrinsics.get_mut(i as usize) {
            *slot = v;
        }
    }
}

/// A queued job (promise reactions, FinalizationRegistry cleanups): `func(...args)`.
pub struct Job {
    pub func: Value,
    pub this: Value,
    pub args: Vec<Value>,
}

/// The interrupt state: a countdown polled on calls and backward jumps and inside long
/// native loops; at zero, the handler and the atomic flag are checked.
pub struct Interrupt {
    pub countdown: u32,
    pub period: u32,
    /// Host handler: returns true to interrupt.
    pub handler: Option<Box<dyn FnMut() -> bool>>,
    /// Set from any thread to interrupt.
    pub flag: Arc<AtomicBool>,
}

/// How many low-numbered atoms get their string value cached.
pub const ATOM_STRING_CACHE: usize = 2048;

/// Default limit of native re-entry depth.
pub const DEFAULT_MAX_DEPTH: u32 = 400;

/// The mutable execution context: runtime state plus the current realm.
pub struct Cx {
    /// The current realm.
    pub realm: Box<Realm>,
    /// Every realm of the runtime by id; the current one's slot is `None` (it is in
    /// `realm`). Realms live as long as the runtime.
    parked_realms: Vec<Option<Box<Realm>>>,
    /// The pending exception (meaningful only while an `Err(Throw)` propagates).
    pub exception: Value,
    /// The pending exception is an uncatchable interrupt.
    pub uncatchable: bool,
    pub jobs: VecDeque<Job>,
    pub interrupt: Interrupt,
    /// Native re-entry depth and its limit.
    pub depth: u32,
    pub max_depth: u32,
    /// The interpreter's state (filled by `vm`).
    pub vm: crate::vm::state::VmState,
    /// The root of the shape tree.
    pub root_shape: Rc<Shape>,
    /// `Math.random` state (xorshift128+; all zero = not seeded yet). See `builtins::math`.
    pub math_rng: [u64; 2],
    /// Live FinalizationRegistry objects and the weak-death count last scanned
    /// (`builtins::map`, `Cx::queue_finalization_jobs`).
    pub registries: Vec<crate::heap::GcWeak<crate::object::ObjCell>>,
    pub registry_deaths_seen: u64,
    pub atoms: AtomTable,
    /// Strings of the first [`ATOM_STRING_CACHE`] atoms, made on first use (property names
    /// turned into values by `for-in`, `Object.keys`, `typeof`...).
    atom_strings: Vec<Option<JsString>>,
    /// One-unit strings for code units below 256 (`s[i]`, `charAt`), made on first use.
    char_strings: Vec<Option<JsString>>,
    /// Atom-table bytes already charged to the heap (atoms live as long as the runtime).
    atom_bytes_charged: usize,
    /// The GlobalSymbolRegistry of `Symbol.for` (runtime-wide).
    pub symbol_registry: crate::builtins::symbol::SymbolRegistry,
    /// Set while the OOM error itself is being built (it may exceed the limit briefly).
    in_oom: bool,
    pub heap: Heap,
}

impl Cx {
    /// A runtime with one realm whose builtins are installed.
    pub fn new() -> Cx {
        let heap = Heap::new();
        let atoms = AtomTable::new();
        let mut cx = Cx {
            realm: Box::new(Realm {
                intrinsics: Vec::new(),
                global: placeholder_global(&heap),
                id: RealmId(0),
                parked_lex: Default::default(),
            }),
            parked_realms: vec![None],
            exception: Value::Undefined,
            uncatchable: false,
            jobs: VecDeque::new(),
            interrupt: Interrupt {
                countdown: 10_000,
                period: 10_000,
                handler: None,
                flag: Arc::new(AtomicBool::new(false)),
            },
            depth: 0,
            max_depth: DEFAULT_MAX_DEPTH,
            vm: Default::default(),
            root_shape: Shape::root(),
            math_rng: [0, 0],
            registries: Vec::new(),
            registry_deaths_seen: 0,
            atoms,
            symbol_registry: Default::default(),
            in_oom: false,
            atom_bytes_charged: 0,
            atom_strings: Vec::new(),
            char_strings: Vec::new(),
            heap,
        };
        // Invariant: a fresh runtime has no memory limit, so realm creation cannot fail
        // except by a bug; report it as a panic-free empty realm in that case.
        let _ = cx.init_realm();
        cx
    }

    /// Creates the intrinsics and global object of the current realm.
    fn init_realm(&mut self) -> JsResult<()> {
        self.realm.intrinsics = vec![Value::Undefined; Intrinsic::COUNT];
        crate::builtins::init_realm(self)
    }

    /// Creates another realm of this runtime with all its builtins (test262's
    /// `$262.createRealm`, QuickJS's `JS_NewContext`). The current realm stays current; use
    /// [`Cx::enter_realm`] to run code in the new one. Values flow freely between realms.
    pub fn new_realm(&mut self) -> JsResult<RealmId> {
        let id = RealmId(self.parked_realms.len() as u32);
        let global = Obj::bootstrap(&self.heap);
        let fresh = Box::new(Realm {
            intrinsics: Vec::new(),
            global,
            id,
            parked_lex: Default::default(),
        });
        // The new realm is entered through the ordinary switch so the global lexical
        // environments are swapped the same way as on every call.
        self.parked_realms.push(Some(fresh));
        let prev = self.enter_realm(id);
        let r = self.init_realm();
        self.enter_realm(prev);
        r.map(|()| id)
    }

    /// Makes realm `id` current; returns the previously current realm's id (pass it back to
    /// restore). An unknown id changes nothing.
    pub fn enter_realm(&mut self, id: RealmId) -> RealmId {
        let cur = self.realm.id;
        if id == cur {
            return cur;
        }
        let Some(slot) = self.parked_realms.get_mut(id.0 as usize) else {
            return cur;
        };
        let Some(mut next) = slot.take() else {
            return cur;
        };
        // The outgoing realm takes its lexical environment back; the incoming one's moves in.
        std::mem::swap(&mut self.realm.parked_lex, &mut self.vm.global_lex);
        std::mem::swap(&mut next.parked_lex, &mut self.vm.global_lex);
        let prev = std::mem::replace(&mut self.realm, next);
        if let Some(s) = self.parked_realms.get_mut(cur.0 as usize) {
            *s = Some(prev);
        }
        cur
    }

    /// Runs `f` with realm `id` current, then restores the previous realm: how a function
    /// runs in its [[Realm]] (built-in functions, host functions, closures' frame set-up).
    #[inline]
    pub fn in_realm<R>(&mut self, id: RealmId, f: impl FnOnce(&mut Cx) -> R) -> R {
        if id == self.realm.id {
            return f(self);
        }
        let prev = self.enter_realm(id);
        let r = f(self);
        self.enter_realm(prev);
        r
    }

    /// The current realm's id.
    pub fn realm_id(&self) -> RealmId {
        self.realm.id
    }

    /// An intrinsic of any realm of this runtime (the current one if `id` is unknown).
    pub fn realm_intrinsic(&self, id: RealmId, i: Intrinsic) -> Value {
        if id == self.realm.id {
            return self.realm.intrinsic(i);
        }
        match self.parked_realms.get(id.0 as usize) {
            Some(Some(r)) => r.intrinsic(i),
            _ => self.realm.intrinsic(i),
        }
    }

    /// The global object of any realm of this runtime.
    pub fn realm_global(&self, id: RealmId) -> Obj {
        match self.parked_realms.get(id.0 as usize) {
            Some(Some(r)) => r.global.clone(),
            _ => self.realm.global.clone(),
        }
    }

    /// The intrinsic of the current realm.
    #[inline]
    pub fn intrinsic(&self, i: Intrinsic) -> Value {
        self.realm.intrinsic(i)
    }
    /// The intrinsic as an object (`None` if not installed).
    pub fn intrinsic_obj(&self, i: Intrinsic) -> Option<Obj> {
        match self.realm.intrinsic(i) {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }
    pub fn global(&self) -> Obj {
        self.realm.global.clone()
    }

    // ----- exceptions -----

    /// Throws `v`.
    #[cold]
    pub fn throw(&mut self, v: Value) -> Throw {
        self.exception = v;
        self.uncatchable = false;
        Throw(())
    }
    /// Takes the pending exception (after catching an `Err(Throw)`).
    pub fn take_exception(&mut self) -> Value {
        std::mem::take(&mut self.exception)
    }
    /// Makes an error object of the given class with a message (no throw).
    #[cold]
    pub fn make_error(&mut self, proto: Intrinsic, msg: &str) -> JsResult<Obj> {
        let p = self.intrinsic_obj(proto);
        let o = Obj::new(self, p, ObjectData::Error)?;
        if !msg.is_empty() {
            let s = self.new_string(msg)?;
            let mut b = o.borrow_mut();
            b.add(
                self,
                Atom::Message,
                PropValue::Data(Value::String(s)),
                attrs::HIDDEN,
            )?;
        }
        Ok(o)
    }
    #[cold]
    #[inline(never)]
    fn throw_error(&mut self, proto: Intrinsic, msg: &str) -> Throw {
        match self.make_error(proto, msg) {
            Ok(o) => self.throw(Value::Object(o)),
            Err(t) => t,
        }
    }
    #[cold]
    pub fn throw_type_error(&mut self, msg: &str) -> Throw {
        self.throw_error(Intrinsic::TypeErrorPrototype, msg)
    }
    #[cold]
    pub fn throw_range_error(&mut self, msg: &str) -> Throw {
        self.throw_error(Intrinsic::RangeErrorPrototype, msg)
    }
    #[cold]
    pub fn throw_reference_error(&mut self, msg: &str) -> Throw {
        self.throw_error(Intrinsic::ReferenceErrorPrototype, msg)
    }
    #[cold]
    pub fn throw_syntax_error(&mut self, msg: &str) -> Throw {
        self.throw_error(Intrinsic::SyntaxErrorPrototype, msg)
    }
    #[cold]
    pub fn throw_eval_error(&mut self, msg: &str) -> Throw {
        self.throw_error(Intrinsic::EvalErrorPrototype, msg)
    }
    #[cold]
    pub fn throw_uri_error(&mut self, msg: &str) -> Throw {
        self.throw_error(Intrinsic::URIErrorPrototype, msg)
    }
    #[cold]
    pub fn throw_internal_error(&mut self, msg: &str) -> Throw {
        self.throw_error(Intrinsic::InternalErrorPrototype, msg)
    }
    /// `InternalError: out of memory`. The error object is built with the limit lifted for
    /// the few bytes it needs, so the script can catch it.
    #[cold]
    pub fn throw_out_of_memory(&mut self) -> Throw {
        if self.in_oom {
            return self.throw(Value::Null);
        }
        self.in_oom = true;
        let limit = self.heap.memory_limit();
        self.heap.set_memory_limit(usize::MAX);
        let t = self.throw_internal_error("out of memory");
        self.heap.set_memory_limit(limit);
        self.in_oom = false;
        t
    }
    /// RangeError "Maximum call stack size exceeded".
    #[cold]
    pub fn throw_stack_overflow(&mut self) -> Throw {
        self.throw_range_error("Maximum call stack size exceeded")
    }
    /// An uncatchable interrupt.
    #[cold]
    pub fn throw_interrupted(&mut self) -> Throw {
        let t = self.throw_internal_error("interrupted");
        self.uncatchable = true;
        t
    }
    /// Maps an allocation failure to the out-of-memory error.
    #[inline]
    pub fn oom<T>(&mut self, r: Result<T, OutOfMemory>) -> JsResult<T> {
        match r {
            Ok(v) => Ok(v),
            Err(_) => Err(self.throw_out_of_memory()),
        }
    }

    // ----- depth and interrupts -----

    /// Enters one level of native recursion (calls back into JS, proxy traps, nested
    /// structure walks); pair with [`Cx::leave`].
    #[inline]
    pub fn enter(&mut self) -> JsResult<()> {
        if self.depth >= self.max_depth {
            return Err(self.throw_stack_overflow());
        }
        self.depth += 1;
        Ok(())
    }
    #[inline]
    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Polls the interrupt budget by `cost` units; long native loops call this per unit of
    /// work. Throws the uncatchable interrupt when the host asks for it.
    #[inline]
    pub fn poll_interrupt(&mut self, cost: u32) -> JsResult<()> {
        if self.interrupt.countdown > cost {
            self.interrupt.countdown -= cost;
            return Ok(());
        }
        self.check_interrupt()
    }
    #[cold]
    #[inline(never)]
    fn check_interrupt(&mut self) -> JsResult<()> {
        self.interrupt.countdown = self.interrupt.period;
        let mut stop = self.interrupt.flag.swap(false, Ordering::Relaxed);
        if let Some(h) = self.interrupt.handler.as_mut() {
            stop |= h();
        }
        if self.heap.gc_due() {
            self.heap.collect();
            self.queue_finalization_jobs();
        }
        if stop {
            return Err(self.throw_interrupted());
        }
        Ok(())
    }

    /// Runs the cycle collector if enough was allocated since the last run.
    #[inline]
    pub fn maybe_gc(&mut self) {
        if self.heap.gc_due() {
            self.heap.collect();
            self.queue_finalization_jobs();
        }
    }

    // ----- strings and atoms -----

    pub fn new_string(&mut self, s: &str) -> JsResult<JsString> {
        let r = JsString::from_str(&self.heap, s);
        self.oom(r)
    }
    pub fn new_string_utf16(&mut self, u: &[u16]) -> JsResult<JsString> {
        let r = JsString::from_utf16(&self.heap, u);
        self.oom(r)
    }
    /// The one-code-unit string for `unit` (cached below 256).
    pub fn char_string(&mut self, unit: u16) -> JsResult<JsString> {
        let i = unit as usize;
        if let Some(Some(s)) = self.char_strings.get(i) {
            return Ok(s.clone());
        }
        let s = self.new_string_utf16(&[unit])?;
        if i < 256 {
            if self.char_strings.len() < 256 {
                self.char_strings.resize(256, None);
            }
            self.char_strings[i] = Some(s.clone());
        }
        Ok(s)
    }
    /// String concatenation with the length check (RangeError "invalid string length").
    pub fn concat_strings(&mut self, a: &JsString, b: &JsString) -> JsResult<JsString> {
        match JsString::concat(&self.heap, a, b) {
            None => Err(self.throw_range_error("invalid string length")),
            Some(r) => self.oom(r),
        }
    }
    /// The string value of an atom (for symbols: their description).
    pub fn atom_to_string(&mut self, a: Atom) -> JsResult<JsString> {
        if let Some(i) = a.as_index() {
            let s = i.to_string();
            return self.new_string(&s);
        }
        let slot = a.raw() as usize;
        if let Some(Some(s)) = self.atom_strings.get(slot) {
            return Ok(s.clone());
        }
        let r = match self.atoms.text(a) {
            Some(t) => JsString::from_utf16(&self.heap, t),
            None => JsString::from_str(&self.heap, ""),
        };
        let s = self.oom(r)?;
        if slot < ATOM_STRING_CACHE && !self.atoms.is_symbol(a) {
            if self.atom_strings.len() <= slot {
                self.atom_strings.resize(slot + 1, None);
            }
            self.atom_strings[slot] = Some(s.clone());
        }
        Ok(s)
    }
    /// Interns a JS string as an atom.
    pub fn intern_string(&mut self, s: &JsString) -> Atom {
        let v = s.view();
        let a = match v.units() {
            crate::strings::Units::Utf16(u) => self.atoms.intern_utf16(u),
            crate::strings::Units::Latin1(b) => {
                let u: Vec<u16> = b.iter().map(|&c| c as u16).collect();
                self.atoms.intern_utf16(&u)
            }
        };
        drop(v);
        self.charge_atoms();
        a
    }
    pub fn intern(&mut self, s: &str) -> Atom {
        let a = self.atoms.intern(s);
        self.charge_atoms();
        a
    }
    /// A new symbol atom (Symbol(description)).
    pub fn new_symbol(&mut self, description: Option<&JsString>) -> Atom {
        let a = match description {
            Some(d) => self.atoms.new_symbol(Some(&d.to_utf16())),
            None => self.atoms.new_symbol(None),
        };
        self.charge_atoms();
        a
    }
    /// Charges atom-table growth (from interning here or by the parser) to the heap. Atoms
    /// are never freed before the runtime, so this is never refunded; it makes a script
    /// that interns without bound hit the memory limit.
    pub fn charge_atoms(&mut self) {
        let b = self.atoms.allocated_bytes();
        if b > self.atom_bytes_charged {
            self.heap.force_charge(b - self.atom_bytes_charged);
            self.atom_bytes_charged = b;
        }
    }
    /// The text of an atom for messages.
    pub fn atom_name(&self, a: Atom) -> String {
        self.atoms.to_string_lossy(a)
    }
    /// Is the atom a symbol?
    #[inline]
    pub fn is_symbol(&self, a: Atom) -> bool {
        self.atoms.is_symbol(a)
    }

    /// Memory statistics.
    pub fn memory_usage(&self) -> crate::heap::MemoryUsage {
        self.heap.usage()
    }
}

impl Default for Cx {
    fn default() -> Self {
        Self::new()
    }
}

/// A temporary global object used only while the real one is created (no realm yet).
fn placeholder_global(heap: &Heap) -> Obj {
    Obj::bootstrap(heap)
}

#[cfg(test)]
mod tests;
