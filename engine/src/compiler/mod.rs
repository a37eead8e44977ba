//! The bytecode compiler: scope analysis and code generation from [`crate::ast`] to
//! [`crate::bytecode`]. Front end: no heap, no VM.
