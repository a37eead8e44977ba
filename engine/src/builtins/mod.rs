//! The standard library, one file per builtin family, each surface declared as a table.
