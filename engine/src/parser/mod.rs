//! The parser: tokens to [`crate::ast`], with every early error. Front end: no heap, no VM.
