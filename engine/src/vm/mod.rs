//! The interpreter: one loop over heap-allocated frames ([`interp`]), calls into and out of
//! bytecode closures ([`function`]), the cold operations the loop calls ([`ops`]),
//! generators ([`generator`]), promises and async functions ([`promise`]), the global
//! environment (`print`, `console.log`, `globalThis`, eval: [`global`]).
//!
//! Objects whose internal slots belong to the VM are one [`ObjectData::Vm`] variant holding a
//! [`VmObject`]. Captured variables live in [`VarCell`]s, heap cells traced by the cycle
//! collector.
//!
//! Invariants:
//! - JS→JS calls never recurse natively: they push a [`frame::Frame`] and continue the same
//!   loop. Native code calling back into JS re-enters [`interp::run`], which counts against
//!   `cx.depth` (through [`crate::object::call`]) and the frame limit of [`state::VmState`].
//! - Every `Gc` edge owned by a VM object is reported exactly once by its `trace`: a frame's
//!   closure cells are reported by the closure object (the frame holds the function), not by
//!   the frame.

pub mod dispose;
pub mod frame;
pub mod function;
pub mod generator;
pub mod global;
pub mod interp;
pub mod module;
pub mod ops;
pub mod promise;
pub mod state;

use crate::heap::{Gc, Trace, Tracer};
use crate::object::{trace_value, Obj, ObjectData};
use crate::realm::{Cx, JsResult};
use crate::value::Value;
use std::cell::RefCell;

pub use function::Closure;

/// A heap cell holding one variable (a captured binding, a global lexical binding).
/// Holds [`Value::Uninitialized`] while in its TDZ.
pub struct VarCell(pub RefCell<Value>);

/// A handle to a [`VarCell`].
pub type Cell = Gc<VarCell>;

impl Trace for VarCell {
    fn trace(&self, t: &mut Tracer<'_>) {
        if let Ok(v) = self.0.try_borrow() {
            trace_value(&v, t);
        }
    }
    fn clear(&self) {
        let old = match self.0.try_borrow_mut() {
            Ok(mut v) => std::mem::take(&mut *v),
            Err(_) => return,
        };
        drop(old);
    }
}

/// Allocates a cell.
pub fn new_cell(cx: &mut Cx, v: Value) -> JsResult<Cell> {
    let r = cx.heap.alloc(VarCell(RefCell::new(v)), true);
    cx.oom(r)
}

/// Reads a cell.
#[inline]
pub fn cell_get(c: &Cell) -> Value {
    c.0.borrow().clone()
}

/// Writes a cell.
#[inline]
pub fn cell_set(c: &Cell, v: Value) {
    let old = std::mem::replace(&mut *c.0.borrow_mut(), v);
    drop(old);
}

/// Internal slots of the VM's object kinds.
pub enum VmObject {
    /// A function object over bytecode.
    Closure(Closure),
    /// A generator or async generator object.
    Generator(generator::Generator),
    /// A promise.
    Promise(promise::PromiseData),
    /// A suspended async function frame (owned by its await reactions).
    AsyncState(Option<Box<frame::Frame>>, generator::AwaitKind),
}

impl VmObject {
    pub fn trace(&self, t: &mut Tracer<'_>) {
        match self {
            VmObject::Closure(c) => c.trace(t),
            VmObject::Generator(g) => g.trace(t),
            VmObject::Promise(p) => p.trace(t),
            VmObject::AsyncState(f, _) => {
                if let Some(f) = f {
                    f.trace(t);
                }
            }
        }
    }
    pub fn is_callable(&self) -> bool {
        matches!(self, VmObject::Closure(_))
    }
    pub fn is_constructor(&self) -> bool {
        match self {
            VmObject::Closure(c) => c.is_constructor(),
            _ => false,
        }
    }
}

/// Wraps a VM payload as object data.
pub fn vm_data(v: VmObject) -> ObjectData {
    ObjectData::Vm(Box::new(v))
}

/// Creates a native function with captured values (promise resolving functions, await
/// reactions...): an [`ObjectData::NativeClosure`] of the current realm whose function reads
/// its slots with [`crate::object::function::native_closure_data`].
pub fn new_native_closure(
    cx: &mut Cx,
    f: crate::object::NativeDataFn,
    data: Vec<Value>,
    name: &str,
    length: u32,
) -> JsResult<Obj> {
    crate::object::function::new_native_closure(cx, f, name, length, data, false)
}

#[cfg(test)]
mod tests;
