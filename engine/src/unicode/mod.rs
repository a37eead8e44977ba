//! Unicode tables and predicates (identifier classes, white space, case mapping), a leaf module.
