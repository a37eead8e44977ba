//! The regular expression engine: pattern parser, bytecode compiler and a backtracking matcher
//! with an explicit, size-limited stack that polls the interrupt budget. A leaf module.
