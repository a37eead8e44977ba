//! `Value`, the tagged JavaScript value, and the abstract type conversions.
