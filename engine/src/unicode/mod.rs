//! Unicode tables and predicates (identifier classes, white space, case mapping), a leaf module.

pub mod case;
pub mod props;
#[rustfmt::skip]
pub mod tables;
