//! Unicode property lookup over the generated tables ([`super::tables`]): the names and
//! aliases ECMAScript allows in `\p{...}` (General_Category, Script, Script_Extensions,
//! binary properties, properties of strings), matched exactly (no loose matching, spec
//! #sec-runtimesemantics-unicodematchproperty-p).

use super::tables::{self, PropKind};

/// Which property an `\p{name=value}` names.
fn kind_of_name(name: &str) -> Option<PropKind> {
    match name {
        "General_Category" | "gc" => Some(PropKind::Gc),
        "Script" | "sc" => Some(PropKind::Sc),
        "Script_Extensions" | "scx" => Some(PropKind::Scx),
        _ => None,
    }
}

fn canonical(kind: PropKind, name: &str) -> &str {
    // Script_Extensions values are Script values.
    let alias_kind = if kind == PropKind::Scx {
        PropKind::Sc
    } else {
        kind
    };
    tables::ALIASES
        .iter()
        .find(|(k, a, _)| *k == alias_kind && *a == name)
        .map(|(_, _, n)| *n)
        .unwrap_or(name)
}

fn slice(start: u32, len: u32) -> Option<&'static [(u32, u32)]> {
    tables::RANGES.get(start as usize..(start as usize).checked_add(len as usize)?)
}

/// The ranges of `kind=value` (value or alias), if it exists.
pub fn value_ranges(kind: PropKind, value: &str) -> Option<&'static [(u32, u32)]> {
    let name = canonical(kind, value);
    let &(_, _, start, len) = tables::PROPERTIES
        .iter()
        .find(|(k, n, _, _)| *k == kind && *n == name)?;
    slice(start, len)
}

/// The ranges of a binary property given by name or alias.
pub fn binary_ranges(name: &str) -> Option<&'static [(u32, u32)]> {
    value_ranges(PropKind::Binary, name)
}

/// A resolved `\p{...}`: code point ranges plus (for properties of strings) the strings of
/// two or more code points.
pub struct Property {
    pub ranges: &'static [(u32, u32)],
    pub strings: Vec<&'static [u32]>,
}

/// Resolves `\p{name=value}` (`value` given) or `\p{name}`. Properties of strings are
/// returned too; the caller rejects them outside `v` mode.
pub fn lookup(name: &str, value: Option<&str>) -> Option<Property> {
    if let Some(value) = value {
        let kind = kind_of_name(name)?;
        return value_ranges(kind, value).map(|ranges| Property {
            ranges,
            strings: Vec::new(),
        });
    }
    if let Some(ranges) = value_ranges(PropKind::Gc, name).or_else(|| binary_ranges(name)) {
        return Some(Property {
            ranges,
            strings: Vec::new(),
        });
    }
    let &(_, rstart, rlen, sstart, slen) =
        tables::STRING_PROPERTIES.iter().find(|e| e.0 == name)?;
    let ranges = slice(rstart, rlen)?;
    let strs =
        tables::STRINGS.get(sstart as usize..(sstart as usize).checked_add(slen as usize)?)?;
    let strings = strs
        .iter()
        .filter_map(|&(off, len)| {
            tables::STRING_UNITS.get(off as usize..(off as usize).checked_add(len as usize)?)
        })
        .collect();
    Some(Property { ranges, strings })
}

fn in_ranges(r: &[(u32, u32)], c: u32) -> bool {
    let idx = r.partition_point(|x| x.0 <= c);
    idx > 0 && r.get(idx - 1).is_some_and(|x| c <= x.1)
}

/// ID_Start (UnicodeIDStart).
pub fn is_id_start(c: u32) -> bool {
    binary_ranges("ID_Start").is_some_and(|r| in_ranges(r, c))
}

/// ID_Continue (UnicodeIDContinue).
pub fn is_id_continue(c: u32) -> bool {
    binary_ranges("ID_Continue").is_some_and(|r| in_ranges(r, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases() {
        assert!(lookup("Lu", None).is_some());
        assert!(lookup("Uppercase_Letter", None).is_some());
        assert!(lookup("gc", Some("Lu")).is_some());
        assert!(lookup("General_Category", Some("L")).is_some());
        assert!(lookup("sc", Some("Latn")).is_some());
        assert!(lookup("Script_Extensions", Some("Greek")).is_some());
        assert!(lookup("Alpha", None).is_some());
        assert!(lookup("ASCII", None).is_some());
        assert!(lookup("RGI_Emoji", None).is_some_and(|p| !p.strings.is_empty()));
        assert!(lookup("lu", None).is_none());
        assert!(lookup("Script", None).is_none());
        assert!(lookup("Block", Some("Basic_Latin")).is_none());
        assert!(lookup("Composition_Exclusion", None).is_none());
        assert!(is_id_start('a' as u32) && !is_id_start('1' as u32) && is_id_continue('1' as u32));
    }
}
