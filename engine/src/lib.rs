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
pub mod unicode;
pub mod regexp;

// Front end.
pub mod ast;
pub mod lexer;
pub mod parser;
pub mod compiler;
pub mod bytecode;

// Runtime.
pub mod value;
pub mod strings;
pub mod heap;
pub mod object;
pub mod realm;
pub mod vm;
pub mod builtins;

pub use api::*;
