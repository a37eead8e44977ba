//! [`Frame`]: one activation of bytecode, heap-allocated so the interpreter never recurses
//! natively for JS→JS calls and so generators and async functions can keep a suspended frame.
//!
//! Layout of the value registers `r`:
//!
//! ```text
//! r: [ arg 0 .. nargs | loc 0 .. local_count | operand stack ... ]
//!                      ^ loc_base            ^ stack_base
//! ```
//!
//! Invariants: `nargs >= bc.arg_count`; `r.len() >= stack_base`; cell locals are in `cells`
//! (indexed by local slot), plain locals in `r`. The frame's closure cells (`refs`) are
//! owned by the closure object `func`, which the frame keeps alive; `trace` therefore does
//! not report them.

use super::{Cell, VmObject};
use crate::bytecode::FunctionBytecode;
use crate::heap::Tracer;
use crate::object::{trace_value, Obj};
use crate::value::Value;
use std::rc::Rc;

/// What the frame's completion means to whoever called it.
pub enum FrameMode {
    /// [[Call]]: the return value is the result.
    Call,
    /// [[Construct]] of a base constructor: a non-object return value gives `this`.
    Construct,
    /// A generator body before `initial_yield` (the generator object does not exist yet).
    GeneratorStart,
    /// A running generator (resumed by its object).
    Generator(Obj),
    /// An async generator before `initial_yield`.
    AsyncGeneratorStart,
    /// A running async generator.
    AsyncGenerator(Obj),
    /// An async function: its completion settles the promise, which is the call's result.
    Async(Obj),
    /// Module code: `initial_yield` ends instantiation.
    Module,
}

/// One activation.
pub struct Frame {
    pub bc: Rc<FunctionBytecode>,
    /// The active function object (undefined for scripts).
    pub func: Value,
    pub refs: Rc<[Cell]>,
    pub r: Vec<Value>,
    pub nargs: usize,
    pub argc: usize,
    pub cells: Vec<Option<Cell>>,
    pub this: Value,
    pub new_target: Value,
    /// Next instruction (saved while the frame is not running).
    pub pc: usize,
    pub mode: FrameMode,
    /// Bytes charged to the heap for this frame (refunded on drop by the owner).
    pub charged: usize,
    /// The realm the frame runs in (its function's [[Realm]]; for scripts, eval and
    /// modules the realm that compiled them). The interpreter makes it current whenever
    /// the frame runs.
    pub realm: crate::realm::RealmId,
}

impl Frame {
    #[inline]
    pub fn loc_base(&self) -> usize {
        self.nargs
    }
    #[inline]
    pub fn stack_base(&self) -> usize {
        self.nargs + self.bc.local_count as usize
    }

    /// Creates a frame with the arguments copied in and padded, and empty locals.
    pub fn new(
        bc: Rc<FunctionBytecode>,
        func: Value,
        refs: Rc<[Cell]>,
        args: &[Value],
        this: Value,
        new_target: Value,
        mode: FrameMode,
    ) -> Frame {
        let nargs = args.len().max(bc.arg_count as usize);
        let nloc = bc.local_count as usize;
        let mut r = Vec::with_capacity(nargs + nloc + bc.max_stack as usize + 2);
        r.extend_from_slice(args);
        r.resize(nargs + nloc, Value::Undefined);
        Frame {
            bc,
            func,
            refs,
            r,
            nargs,
            argc: args.len(),
            cells: Vec::new(),
            this,
            new_target,
            pc: 0,
            mode,
            charged: 0,
            realm: Default::default(),
        }
    }

    /// Reports the frame's edges (values, local cells, function, mode object).
    pub fn trace(&self, t: &mut Tracer<'_>) {
        trace_value(&self.func, t);
        for v in &self.r {
            trace_value(v, t);
        }
        for c in self.cells.iter().flatten() {
            t.edge(c);
        }
        trace_value(&self.this, t);
        trace_value(&self.new_target, t);
        match &self.mode {
            FrameMode::Generator(o) | FrameMode::AsyncGenerator(o) | FrameMode::Async(o) => {
                t.edge(o.gc())
            }
            _ => {}
        }
    }

    /// The home object of the running function, if any.
    pub fn home_object(&self) -> Option<Obj> {
        let Value::Object(f) = &self.func else {
            return None;
        };
        let b = f.borrow();
        match &b.class {
            crate::object::ObjectData::Vm(v) => match &**v {
                VmObject::Closure(c) => c.home_object.clone(),
                _ => None,
            },
            _ => None,
        }
    }
}
