//! The interpreter's per-runtime state, held in [`crate::realm::Cx::vm`]: the host, the
//! global lexical environment, frame depth accounting, the call-site stack used for stack
//! traces, caches.
//!
//! Values held here are roots for the cycle collector (they are owned outside the heap).

use super::Cell;
use crate::api::Host;
use crate::atoms::Atom;
use crate::bytecode::FunctionBytecode;
use crate::value::Value;
use std::collections::HashMap;
use std::rc::Rc;

/// A binding of the global lexical environment (let/const/class at script top level).
pub struct GlobalLex {
    pub cell: Cell,
    pub is_const: bool,
}

/// Default frame limit (JS→JS call depth). Frames live on the heap, so this bounds memory,
/// not the native stack.
pub const DEFAULT_MAX_FRAMES: u32 = 10_000;

/// One entry of the call-site stack (for `Error.stack`).
pub struct TraceEntry {
    pub bc: Rc<FunctionBytecode>,
    pub pc: u32,
}

/// Interpreter state.
pub struct VmState {
    pub host: Option<Rc<dyn Host>>,
    pub global_lex: HashMap<Atom, GlobalLex>,
    /// Live frames across all interpreter invocations, and the limit.
    pub frame_depth: u32,
    pub max_frames: u32,
    /// Call-site stack: the innermost running frame last.
    pub trace: Vec<TraceEntry>,
    /// Template objects by site id.
    pub templates: HashMap<u32, Value>,
    /// Next tagged-template site id for the compiler.
    pub next_template_site: u32,
    /// Unhandled promise rejections not yet reported (promise objects).
    pub pending_rejections: Vec<Value>,
    /// Loaded modules and their index by canonical name.
    pub modules: Vec<super::module::Module>,
    pub module_by_name: HashMap<String, usize>,
    /// A module frame that just reached `initial_yield`.
    pub parked_module: Option<Box<super::frame::Frame>>,
    /// IncrementModuleAsyncEvaluationCount's counter.
    pub module_async_count: u64,
}

impl Default for VmState {
    fn default() -> Self {
        VmState {
            host: None,
            global_lex: HashMap::new(),
            frame_depth: 0,
            max_frames: DEFAULT_MAX_FRAMES,
            trace: Vec::new(),
            templates: HashMap::new(),
            next_template_site: 0,
            pending_rejections: Vec::new(),
            modules: Vec::new(),
            module_by_name: HashMap::new(),
            parked_module: None,
            module_async_count: 0,
        }
    }
}
