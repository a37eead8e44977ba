//! The bytecode compiler: scope analysis and code generation from [`crate::ast`] to
//! [`crate::bytecode`]. Front end: no heap, no VM.

use std::rc::Rc;

use crate::bytecode::EvalScope;

/// What kind of code is being compiled.
#[derive(Clone, Debug)]
pub enum CompileKind {
    /// A global script.
    Script,
    /// A module body.
    Module,
    /// Indirect eval (global scope; vars become deletable global properties in sloppy code).
    IndirectEval,
    /// Direct eval at a call site whose scope the VM passes from
    /// `FunctionBytecode::eval_sites`.
    DirectEval(Rc<EvalScope>),
}

#[derive(Clone, Debug)]
pub struct CompileOptions {
    pub kind: CompileKind,
    /// First id to give tagged-template sites (`Constant::TemplateObject::site`); the VM keeps
    /// a per-runtime counter and advances it by the number of sites the result reports.
    pub template_site_base: u32,
}
