//! The public embedding API: runtimes, contexts, evaluation, limits, host functions and the
//! [`Host`] trait.
//!
//! This is the only public surface of the crate. Hosts (`wasi-cli`, `wasm-host`, the test
//! runners) use nothing else. Errors cross this boundary structured ([`JsError`]), never
//! flattened to a string.
//!
//! Shape: a [`Runtime`] owns the engine state (heap, atoms, job queue, one realm); a
//! [`Context`] is a cheap handle on it used to evaluate code and build values. [`Value`] is a
//! refcounted handle to a JS value, valid for the runtime that made it. Host functions get a
//! [`HostCall`] giving the same operations while JavaScript is running.
//!
//! Invariants: a `Runtime` is single-threaded (`!Send`); dropping the last handle frees every
//! object iteratively. Stack overflow is `RangeError: Maximum call stack size exceeded`; an
//! interrupt is `JsError { interrupted: true, name: "InternalError", message: "interrupted" }`.

use crate::atoms::Atom;
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::value::Value as V;
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

/// What the engine needs from the world. The engine itself does no I/O.
pub trait Host {
    /// Milliseconds since the Unix epoch (`Date.now()`).
    fn now_ms(&self) -> f64 {
        0.0
    }
    /// Offset of local time from UTC in minutes at the given UTC time (positive east).
    fn local_tz_offset_minutes(&self, _utc_ms: f64) -> i32 {
        0
    }
    /// 64 random bits, used to seed `Math.random`.
    fn random_seed(&self) -> u64 {
        0x9E37_79B9_7F4A_7C15
    }
    /// Console output (`print`, `console.log`): one complete line without the newline.
    fn write_line(&self, stream: OutputStream, line: &str);
    /// Resolves a module specifier against the referrer's name into a canonical name.
    fn resolve_module(&self, specifier: &str, referrer: &str) -> Result<String, String> {
        let _ = referrer;
        Ok(specifier.to_string())
    }
    /// `import.meta.url` of the module with this canonical name (`None`: no `url`).
    fn import_meta_url(&self, name: &str) -> Option<String> {
        Some(name.to_string())
    }
    /// Loads the source text of a module by its canonical name.
    fn load_module(&self, name: &str) -> Result<String, String> {
        Err(format!(
            "cannot load module '{name}': the host provides no module loader"
        ))
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum OutputStream {
    Stdout,
    Stderr,
}

/// How to treat source text given to [`Context::eval`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum SourceKind {
    Script,
    Module,
}

#[derive(Clone, Debug)]
pub struct EvalOptions {
    /// File name used in stack traces and syntax errors, and as the module referrer.
    pub filename: String,
    pub kind: SourceKind,
    /// Evaluate a script as strict mode code (test262 `onlyStrict`).
    pub strict: bool,
}

impl EvalOptions {
    pub fn script(filename: &str) -> EvalOptions {
        EvalOptions {
            filename: filename.to_string(),
            kind: SourceKind::Script,
            strict: false,
        }
    }
    pub fn module(filename: &str) -> EvalOptions {
        EvalOptions {
            filename: filename.to_string(),
            kind: SourceKind::Module,
            strict: true,
        }
    }
}

/// A JavaScript exception as seen by a host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsError {
    /// `name` of the thrown error (`SyntaxError`, `TypeError`, ...); for a thrown non-Error
    /// value, empty.
    pub name: String,
    /// `message`, or the thrown value converted to a string.
    pub message: String,
    /// The stack trace, one `    at function (file:line:column)` line per frame.
    pub stack: String,
    /// True for an uncatchable interrupt (time limit, host interrupt handler).
    pub interrupted: bool,
}

impl fmt::Display for JsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.name.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.name, self.message)
        }
    }
}

impl std::error::Error for JsError {}

/// A handle to a JavaScript value (refcounted; valid within the runtime that created it).
#[derive(Clone, Default)]
pub struct Value(pub(crate) V);

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl Value {
    pub fn undefined() -> Value {
        Value(V::Undefined)
    }
    pub fn null() -> Value {
        Value(V::Null)
    }
    pub fn from_bool(b: bool) -> Value {
        Value(V::Bool(b))
    }
    pub fn from_f64(n: f64) -> Value {
        Value(V::number(n))
    }
    pub fn from_i32(i: i32) -> Value {
        Value(V::Int(i))
    }
    pub fn is_undefined(&self) -> bool {
        self.0.is_undefined()
    }
    pub fn is_null(&self) -> bool {
        self.0.is_null()
    }
    pub fn is_object(&self) -> bool {
        self.0.is_object()
    }
    pub fn is_string(&self) -> bool {
        matches!(self.0, V::String(_))
    }
    pub fn is_function(&self) -> bool {
        crate::object::is_callable(&self.0)
    }
    pub fn as_f64(&self) -> Option<f64> {
        self.0.as_number()
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self.0 {
            V::Bool(b) => Some(b),
            _ => None,
        }
    }
    /// The string contents if this is a String (lone surrogates replaced).
    pub fn as_string(&self) -> Option<String> {
        self.0.as_string().map(|s| s.to_rust_string())
    }
    /// `typeof`.
    pub fn type_of(&self) -> &'static str {
        self.0.type_of()
    }
}

/// State of a promise (see [`Context::promise_state`]).
#[derive(Clone, Debug)]
pub enum PromiseState {
    Pending,
    Fulfilled(Value),
    Rejected(Value),
}

/// Memory statistics of a runtime.
#[derive(Clone, Debug, Default)]
pub struct MemoryUsage {
    /// Bytes currently charged to the heap.
    pub bytes: usize,
    /// Live heap cells (objects, strings, ...).
    pub cells: usize,
    /// Cells the cycle collector tracks.
    pub tracked_cells: usize,
    /// The memory limit (usize::MAX: none).
    pub limit: usize,
    /// Interned atoms.
    pub atoms: usize,
}

/// A host function: `this`, arguments; `Err(v)` throws `v`.
pub type HostFunction = Rc<dyn Fn(&mut HostCall<'_>, &Value, &[Value]) -> Result<Value, Value>>;

/// A runtime: heap, atoms, job queue and its realm.
pub struct Runtime {
    cx: Rc<RefCell<Cx>>,
}

/// Converts the pending exception into a structured error (and clears it).
fn take_error(cx: &mut Cx) -> JsError {
    let interrupted = cx.uncatchable;
    cx.uncatchable = false;
    let v = cx.take_exception();
    let mut e = error_from(cx, &v);
    e.interrupted = interrupted;
    e
}

fn string_prop(cx: &mut Cx, o: &crate::object::Obj, key: Atom) -> String {
    match crate::object::ops::get(cx, o, key) {
        Ok(V::Undefined) | Err(_) => {
            cx.take_exception();
            cx.uncatchable = false;
            String::new()
        }
        Ok(v) => match crate::value::conv::to_string(cx, &v) {
            Ok(s) => s.to_rust_string(),
            Err(_) => {
                cx.take_exception();
                cx.uncatchable = false;
                String::new()
            }
        },
    }
}

/// Builds a [`JsError`] from a thrown value without throwing.
fn error_from(cx: &mut Cx, v: &V) -> JsError {
    match v {
        V::Object(o) => {
            let name = string_prop(cx, o, Atom::Name);
            let message = string_prop(cx, o, Atom::Message);
            let stack = match o.borrow().own_descriptor(Atom::Stack).and_then(|d| d.value) {
                Some(V::String(s)) => s.to_rust_string(),
                _ => String::new(),
            };
            JsError {
                name,
                message,
                stack,
                interrupted: false,
            }
        }
        _ => {
            let message = match v {
                V::Symbol(_) => "Symbol()".to_string(),
                _ => match crate::value::conv::to_string(cx, v) {
                    Ok(s) => s.to_rust_string(),
                    Err(_) => {
                        cx.take_exception();
                        String::new()
                    }
                },
            };
            JsError {
                name: String::new(),
                message,
                stack: String::new(),
                interrupted: false,
            }
        }
    }
}

impl Runtime {
    /// A runtime with one realm whose intrinsics are all installed.
    pub fn new(host: Rc<dyn Host>) -> Runtime {
        let mut cx = Cx::new();
        cx.vm.host = Some(host);
        Runtime {
            cx: Rc::new(RefCell::new(cx)),
        }
    }
    /// Memory limit in bytes (`None`: unlimited). Allocations past it throw a catchable
    /// `InternalError: out of memory`.
    pub fn set_memory_limit(&mut self, bytes: Option<usize>) {
        self.cx
            .borrow()
            .heap
            .set_memory_limit(bytes.unwrap_or(usize::MAX));
    }
    /// Maximum stack size in bytes: bounds the interpreter's frame count (one frame is
    /// accounted as 256 bytes) and the native re-entry depth.
    pub fn set_max_stack_size(&mut self, bytes: usize) {
        let mut cx = self.cx.borrow_mut();
        cx.vm.max_frames = ((bytes / 256) as u32).max(16);
        cx.max_depth = ((bytes / 2048) as u32).clamp(8, crate::realm::DEFAULT_MAX_DEPTH);
    }
    /// Bytes allocated between automatic cycle collections.
    pub fn set_gc_threshold(&mut self, bytes: usize) {
        self.cx.borrow().heap.set_gc_threshold(bytes);
    }
    /// The interrupt handler, polled on backward jumps, calls and in long native loops;
    /// returning true interrupts the script (uncatchable).
    pub fn set_interrupt_handler(&mut self, h: Option<Box<dyn FnMut() -> bool>>) {
        self.cx.borrow_mut().interrupt.handler = h;
    }
    /// A flag another thread can set to interrupt the script.
    pub fn interrupt_flag(&self) -> std::sync::Arc<std::sync::atomic::AtomicBool> {
        self.cx.borrow().interrupt.flag.clone()
    }
    /// Runs the cycle collector now.
    pub fn run_gc(&mut self) {
        self.cx.borrow().heap.collect();
    }
    pub fn memory_usage(&self) -> MemoryUsage {
        let cx = self.cx.borrow();
        let u = cx.heap.usage();
        MemoryUsage {
            bytes: u.bytes,
            cells: u.cells,
            tracked_cells: u.tracked_cells,
            limit: u.limit,
            atoms: cx.atoms.len(),
        }
    }
    /// Runs one pending job. `Ok(false)` when the queue is empty.
    pub fn run_pending_job(&mut self) -> Result<bool, JsError> {
        let mut cx = self.cx.borrow_mut();
        run_one_job(&mut cx)
    }
    /// True when jobs are queued.
    pub fn has_pending_jobs(&self) -> bool {
        !self.cx.borrow().jobs.is_empty()
    }
    /// Promise rejections that had no handler when the job queue last drained (as
    /// errors), cleared by this call.
    pub fn take_unhandled_rejections(&mut self) -> Vec<JsError> {
        let mut cx = self.cx.borrow_mut();
        let list = std::mem::take(&mut cx.vm.pending_rejections);
        let mut out = Vec::new();
        for p in list {
            if let V::Object(o) = &p {
                if let Some((crate::vm::promise::PromiseState::Rejected, r)) =
                    crate::vm::promise::promise_state(o)
                {
                    out.push(error_from(&mut cx, &r));
                }
            }
        }
        out
    }
    /// A context on this runtime's realm.
    pub fn new_context(&mut self) -> Context {
        Context {
            cx: self.cx.clone(),
        }
    }
}

fn run_one_job(cx: &mut Cx) -> Result<bool, JsError> {
    let Some(job) = cx.jobs.pop_front() else {
        return Ok(false);
    };
    match crate::object::call(cx, &job.func, &job.this, &job.args) {
        Ok(_) => Ok(true),
        Err(_) => Err(take_error(cx)),
    }
}

/// A handle on a runtime's realm: evaluation and value construction.
#[derive(Clone)]
pub struct Context {
    cx: Rc<RefCell<Cx>>,
}

impl Context {
    /// Evaluates a script (its completion value) or a module.
    pub fn eval(&mut self, source: &str, opts: &EvalOptions) -> Result<Value, JsError> {
        let mut cx = self.cx.borrow_mut();
        match eval_in(&mut cx, source, opts) {
            Ok(v) => Ok(Value(v)),
            Err(_) => Err(take_error(&mut cx)),
        }
    }
    /// Runs one pending job (same as [`Runtime::run_pending_job`]).
    pub fn run_pending_job(&mut self) -> Result<bool, JsError> {
        let mut cx = self.cx.borrow_mut();
        run_one_job(&mut cx)
    }
    pub fn global_object(&self) -> Value {
        Value(V::Object(self.cx.borrow().global()))
    }
    /// Runs `f` with a [`HostCall`] on this context (for building values).
    pub fn with<R>(&mut self, f: impl FnOnce(&mut HostCall<'_>) -> R) -> R {
        let mut cx = self.cx.borrow_mut();
        let mut hc = HostCall { cx: &mut cx };
        f(&mut hc)
    }
    pub fn new_string(&mut self, s: &str) -> Result<Value, JsError> {
        self.with(|h| h.new_string(s))
            .map_err(|v| self.error_from_value(&v))
    }
    pub fn new_object(&mut self) -> Result<Value, JsError> {
        self.with(|h| h.new_object())
            .map_err(|v| self.error_from_value(&v))
    }
    pub fn new_array(&mut self, items: &[Value]) -> Result<Value, JsError> {
        self.with(|h| h.new_array(items))
            .map_err(|v| self.error_from_value(&v))
    }
    /// Defines `obj[key] = v` as a writable, configurable, non-enumerable data property.
    pub fn set_property(&mut self, obj: &Value, key: &str, v: Value) -> Result<(), JsError> {
        self.with(|h| h.set_property(obj, key, v))
            .map_err(|e| self.error_from_value(&e))
    }
    pub fn get_property(&mut self, obj: &Value, key: &str) -> Result<Value, JsError> {
        self.with(|h| h.get_property(obj, key))
            .map_err(|e| self.error_from_value(&e))
    }
    pub fn to_string(&mut self, v: &Value) -> Result<String, JsError> {
        self.with(|h| h.to_string(v))
            .map_err(|e| self.error_from_value(&e))
    }
    pub fn new_function(
        &mut self,
        name: &str,
        length: u32,
        f: HostFunction,
    ) -> Result<Value, JsError> {
        self.with(|h| h.new_function(name, length, f))
            .map_err(|e| self.error_from_value(&e))
    }
    /// Structured error (name, message, stack) from a thrown or rejected value.
    pub fn error_from_value(&mut self, v: &Value) -> JsError {
        let mut cx = self.cx.borrow_mut();
        error_from(&mut cx, &v.0)
    }
    /// The state of a promise; `None` if `v` is not a promise.
    pub fn promise_state(&mut self, v: &Value) -> Option<PromiseState> {
        let V::Object(o) = &v.0 else { return None };
        let (st, r) = crate::vm::promise::promise_state(o)?;
        Some(match st {
            crate::vm::promise::PromiseState::Pending => PromiseState::Pending,
            crate::vm::promise::PromiseState::Fulfilled => PromiseState::Fulfilled(Value(r)),
            crate::vm::promise::PromiseState::Rejected => PromiseState::Rejected(Value(r)),
        })
    }
    /// Runs the cycle collector.
    pub fn run_gc(&mut self) {
        self.cx.borrow().heap.collect();
    }
    /// Disassembly of a script's bytecode (for debugging).
    pub fn disassemble(&mut self, source: &str, filename: &str) -> Result<String, JsError> {
        let mut cx = self.cx.borrow_mut();
        match crate::vm::global::compile_script(&mut cx, source, filename, false, false) {
            Ok(bc) => Ok(crate::bytecode::disassemble(&bc, Some(&cx.atoms))),
            Err(_) => Err(take_error(&mut cx)),
        }
    }
}

fn eval_in(cx: &mut Cx, source: &str, opts: &EvalOptions) -> JsResult<V> {
    match opts.kind {
        SourceKind::Script => {
            crate::vm::global::eval_script(cx, source, &opts.filename, opts.strict)
        }
        SourceKind::Module => crate::vm::module::eval_module(cx, source, &opts.filename),
    }
}

/// What a host function receives: the engine while JavaScript is running.
pub struct HostCall<'a> {
    cx: &'a mut Cx,
}

impl HostCall<'_> {
    fn thrown(&mut self) -> Value {
        self.cx.uncatchable = false;
        Value(self.cx.take_exception())
    }
    pub fn new_string(&mut self, s: &str) -> Result<Value, Value> {
        match self.cx.new_string(s) {
            Ok(s) => Ok(Value(V::String(s))),
            Err(_) => Err(self.thrown()),
        }
    }
    pub fn new_object(&mut self) -> Result<Value, Value> {
        match crate::object::ops::new_object(self.cx) {
            Ok(o) => Ok(Value(V::Object(o))),
            Err(_) => Err(self.thrown()),
        }
    }
    pub fn new_array(&mut self, items: &[Value]) -> Result<Value, Value> {
        let items: Vec<V> = items.iter().map(|v| v.0.clone()).collect();
        match crate::object::ops::create_array_from_list(self.cx, &items) {
            Ok(o) => Ok(Value(V::Object(o))),
            Err(_) => Err(self.thrown()),
        }
    }
    pub fn set_property(&mut self, obj: &Value, key: &str, v: Value) -> Result<(), Value> {
        let V::Object(o) = &obj.0 else {
            return Err(self.throw_type_error("not an object"));
        };
        let k = self.cx.intern(key);
        match crate::object::ops::define_value(self.cx, o, k, v.0, crate::object::attrs::HIDDEN) {
            Ok(()) => Ok(()),
            Err(_) => Err(self.thrown()),
        }
    }
    pub fn get_property(&mut self, obj: &Value, key: &str) -> Result<Value, Value> {
        let k = self.cx.intern(key);
        match crate::object::ops::get_v(self.cx, &obj.0, k) {
            Ok(v) => Ok(Value(v)),
            Err(_) => Err(self.thrown()),
        }
    }
    pub fn to_string(&mut self, v: &Value) -> Result<String, Value> {
        match crate::value::conv::to_string(self.cx, &v.0) {
            Ok(s) => Ok(s.to_rust_string()),
            Err(_) => Err(self.thrown()),
        }
    }
    /// DetachArrayBuffer(v) (test262's `$262.detachArrayBuffer`): a TypeError if `v` is
    /// not a non-shared ArrayBuffer.
    pub fn detach_array_buffer(&mut self, v: &Value) -> Result<(), Value> {
        match crate::builtins::arraybuffer::detach_array_buffer(self.cx, &v.0) {
            Ok(()) => Ok(()),
            Err(_) => Err(self.thrown()),
        }
    }
    /// Calls a function value.
    pub fn call(&mut self, f: &Value, this: &Value, args: &[Value]) -> Result<Value, Value> {
        let args: Vec<V> = args.iter().map(|v| v.0.clone()).collect();
        match crate::object::call(self.cx, &f.0, &this.0, &args) {
            Ok(v) => Ok(Value(v)),
            Err(_) => Err(self.thrown()),
        }
    }
    pub fn new_function(
        &mut self,
        name: &str,
        length: u32,
        f: HostFunction,
    ) -> Result<Value, Value> {
        let hf: crate::object::HostFn = Rc::new(move |cx: &mut Cx, this: &V, args: &[V]| {
            let args: Vec<Value> = args.iter().map(|v| Value(v.clone())).collect();
            let mut hc = HostCall { cx };
            match f(&mut hc, &Value(this.clone()), &args) {
                Ok(v) => Ok(v.0),
                Err(e) => Err(hc.cx.throw(e.0)),
            }
        });
        match crate::object::function::new_host_function(self.cx, name, length, hf) {
            Ok(o) => Ok(Value(V::Object(o))),
            Err(_) => Err(self.thrown()),
        }
    }
    /// A TypeError object of the current realm (to return as `Err`).
    pub fn throw_type_error(&mut self, msg: &str) -> Value {
        match self.cx.make_error(Intrinsic::TypeErrorPrototype, msg) {
            Ok(o) => Value(V::Object(o)),
            Err(_) => self.thrown(),
        }
    }
    /// Evaluates a script in the realm (test262 `$262.evalScript`); errors are the realm's
    /// own error objects.
    pub fn eval(&mut self, src: &str, opts: &EvalOptions) -> Result<Value, Value> {
        match eval_in(self.cx, src, opts) {
            Ok(v) => Ok(Value(v)),
            Err(_) => {
                if self.cx.uncatchable {
                    // Keep an interrupt uncatchable: rethrown by the host function wrapper.
                    return Err(Value(self.cx.take_exception()));
                }
                Err(self.thrown())
            }
        }
    }
    pub fn run_gc(&mut self) {
        self.cx.heap.collect();
    }
    /// An object with Annex B's [[IsHTMLDDA]] slot (test262's `$262.IsHTMLDDA`, the web's
    /// `document.all`): `typeof` is "undefined", it is falsy and `== null`; calling it
    /// returns null.
    pub fn new_htmldda(&mut self) -> Result<Value, Value> {
        match crate::object::ops::new_htmldda_object(self.cx) {
            Ok(o) => Ok(Value(V::Object(o))),
            Err(_) => Err(self.thrown()),
        }
    }
    /// Creates a new realm of this runtime (own intrinsics and global object; test262's
    /// `$262.createRealm`), runs `init` with it current and returns what `init` returns.
    /// Functions made inside `init` (`new_function`) belong to the new realm and run there
    /// whenever they are called, so a host can give the realm its own `evalScript`.
    pub fn with_new_realm(
        &mut self,
        init: impl FnOnce(&mut HostCall<'_>) -> Result<Value, Value>,
    ) -> Result<Value, Value> {
        let id = match self.cx.new_realm() {
            Ok(id) => id,
            Err(_) => return Err(self.thrown()),
        };
        self.cx.in_realm(id, |cx| init(&mut HostCall { cx }))
    }
    pub fn global_object(&self) -> Value {
        Value(V::Object(self.cx.global()))
    }
    /// Structured error from a value.
    pub fn error_from_value(&mut self, v: &Value) -> JsError {
        error_from(self.cx, &v.0)
    }
}
