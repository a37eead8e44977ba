//! `\p{...}` resolution for the pattern parser: turns a Unicode property into a
//! [`CharSet`] plus strings, and the identifier predicates group names need.

use super::charset::CharSet;
use crate::unicode::props as uprops;

pub use uprops::{is_id_continue, is_id_start};

/// Resolves `\p{name}` / `\p{name=value}`; None if the name is not allowed.
pub fn lookup(name: &str, value: Option<&str>) -> Option<(CharSet, Vec<Vec<u32>>)> {
    let p = uprops::lookup(name, value)?;
    // The generated ranges are already normalised (sorted, merged).
    let set = CharSet::from_ranges(p.ranges);
    Some((set, p.strings.iter().map(|s| s.to_vec()).collect()))
}
