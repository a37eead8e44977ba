//! The lexer: source text to tokens (ECMA-262 clause 12). Front end: no heap, no VM.
