//! qjs-engine: a JavaScript engine with the design of QuickJS, written in Rust and built
//! WebAssembly-first.
//!
//! Pipeline: source → [`lexer`] → [`parser`] (AST + early errors) → [`compiler`] (scope
//! analysis, codegen) → [`bytecode`] → [`vm`]. The front end does not depend on the heap,
//! objects or the VM. [`api`] is the only public surface; see `ARCHITECTURE.md` for the module
//! map and invariants.

pub mod api;

// Leaves.
pub mod atoms;
pub mod regexp;
pub mod unicode;

// Front end.
pub mod ast;
pub mod bytecode;
pub mod compiler;
pub mod lexer;
pub mod parser;

// Runtime.
pub mod builtins;
pub mod heap;
pub mod object;
pub mod realm;
pub mod strings;
pub mod value;
pub mod vm;

pub use api::*;
