//! Compiler unit tests (filled once the parser lands on main).
