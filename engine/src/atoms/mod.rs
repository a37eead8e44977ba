//! Atoms: interned property keys and identifier names, shared by the lexer, the parser,
//! the compiler and the runtime (one table per runtime).
//!
//! Encoding of an [`Atom`] (a `u32`):
//!
//! ```text
//!  31 30                              0
//! +--+--------------------------------+
//! | 1|  integer index 0 ..= 2^31 - 1  |   array-index key, no table entry
//! +--+--------------------------------+
//! | 0|  index into the atom table     |   string (or symbol) key
//! +--+--------------------------------+
//! ```
//!
//! Invariants:
//! - Predefined atoms occupy the first table slots in the order of [`for_each_atom!`];
//!   the reserved words come first and are contiguous, so keyword tests are range checks.
//! - A canonical numeric string that is an array index below 2^31 is always interned as an
//!   integer atom, never as a string atom, so two equal keys always have equal atoms.
//! - The front end only interns; it never needs the heap.

use std::collections::HashMap;

/// Calls `$m!` with the list of predefined atoms as `(Name, "text")` pairs.
///
/// Order matters: reserved words (ECMA-262 ReservedWord) first, then the words reserved only
/// in strict mode, then contextual keywords, then everything else.
#[macro_export]
macro_rules! for_each_atom {
    ($m:ident) => {
        $m! {
            // --- ReservedWord (contiguous; FIRST_RESERVED ..= LAST_RESERVED) ---
            (Await, "await"), (Break, "break"), (Case, "case"), (Catch, "catch"),
            (Class, "class"), (Const, "const"), (Continue, "continue"),
            (Debugger, "debugger"), (Default, "default"), (Delete, "delete"), (Do, "do"),
            (Else, "else"), (Enum, "enum"), (Export, "export"), (Extends, "extends"),
            (False, "false"), (Finally, "finally"), (For, "for"), (Function, "function"),
            (If, "if"), (Import, "import"), (In, "in"), (Instanceof, "instanceof"),
            (New, "new"), (Null, "null"), (Return, "return"), (Super, "super"),
            (Switch, "switch"), (This, "this"), (Throw, "throw"), (True, "true"),
            (Try, "try"), (Typeof, "typeof"), (Var, "var"), (Void, "void"),
            (While, "while"), (With, "with"), (Yield, "yield"),
            // --- reserved in strict mode code only ---
            (Implements, "implements"), (Interface, "interface"), (Let, "let"),
            (Package, "package"), (Private, "private"), (Protected, "protected"),
            (Public, "public"), (Static, "static"),
            // --- contextual keywords ---
            (As, "as"), (Async, "async"), (From, "from"), (Get, "get"), (Meta, "meta"),
            (Of, "of"), (Set, "set"), (Target, "target"), (Accessor, "accessor"),
            (Source, "source"), (Defer, "defer"),
            // --- names the engine uses ---
            (Empty, ""), (Arguments, "arguments"), (Eval, "eval"), (Length, "length"),
            (Name, "name"), (Prototype, "prototype"), (Constructor, "constructor"),
            (Undefined, "undefined"), (NaN, "NaN"), (Infinity, "Infinity"),
            (ToString, "toString"), (ValueOf, "valueOf"), (ToJSON, "toJSON"),
            (Value, "value"), (Writable, "writable"), (Enumerable, "enumerable"),
            (Configurable, "configurable"), (Done, "done"), (Next, "next"),
            (ReturnDup, "return"), (ThrowDup, "throw"), (Message, "message"), (Cause, "cause"),
            (Errors, "errors"), (Stack, "stack"), (Callee, "callee"), (Caller, "caller"),
            (Then, "then"), (Raw, "raw"), (Index, "index"), (Input, "input"),
            (Groups, "groups"), (Indices, "indices"), (LastIndex, "lastIndex"),
            (Flags, "flags"), (SourceDup, "source"), (Global, "global"),
            (GlobalThis, "globalThis"), (Object, "Object"), (Array, "Array"),
            (Function_, "Function"), (Error, "Error"), (Symbol, "Symbol"),
            (String, "String"), (Number, "Number"), (Boolean, "Boolean"),
            (BigInt, "BigInt"), (Default_, "*default*"), (Star, "*"),
            (StarNamespace, "*namespace*"), (Anonymous, "<anonymous>"),
            (UseStrict, "use strict"), (Join, "join"), (Proto, "__proto__"),
            (Size, "size"), (Add, "add"), (Has, "has"), (Keys, "keys"),
            (Values, "values"), (Entries, "entries"), (Bound, "bound"),
        }
    };
}

macro_rules! define_predefined {
    ($(($name:ident, $text:literal)),* $(,)?) => {
        /// Predefined atoms, in table order.
        #[allow(non_upper_case_globals, reason = "atom constants read like the words they stand for")]
        impl Atom {
            define_predefined!(@consts 0u32; $($name,)*);
        }
        /// Text of every predefined atom, indexed by atom number.
        pub(crate) static PREDEFINED: &[&str] = &[$($text),*];
    };
    (@consts $n:expr; $first:ident, $($rest:ident,)*) => {
        pub const $first: Atom = Atom($n);
        define_predefined!(@consts $n + 1u32; $($rest,)*);
    };
    (@consts $n:expr;) => {};
}

for_each_atom!(define_predefined);

/// Property-name spellings of words that are also keywords. The table maps each text to its
/// FIRST entry, so `"return"` interns as [`Atom::Return`]: these must be the same atoms, or
/// `get(obj, Atom::Return_)` would miss a `return` method defined by script or by a builtin
/// table. (The later `*Dup` entries of the list are never produced by interning.)
#[allow(
    non_upper_case_globals,
    reason = "atom constants read like the words they stand for"
)]
impl Atom {
    pub const Return_: Atom = Atom::Return;
    pub const Throw_: Atom = Atom::Throw;
    pub const Source_: Atom = Atom::Source;
}

/// Calls `$m!` with the well-known symbols as `(CONST_NAME, "description")`. They are
/// created by [`AtomTable::new`] right after the predefined atoms, in this order.
#[macro_export]
macro_rules! for_each_well_known_symbol {
    ($m:ident) => {
        $m! {
            (SYM_ASYNC_ITERATOR, "Symbol.asyncIterator"), (SYM_HAS_INSTANCE, "Symbol.hasInstance"),
            (SYM_IS_CONCAT_SPREADABLE, "Symbol.isConcatSpreadable"),
            (SYM_ITERATOR, "Symbol.iterator"), (SYM_MATCH, "Symbol.match"),
            (SYM_MATCH_ALL, "Symbol.matchAll"), (SYM_REPLACE, "Symbol.replace"),
            (SYM_SEARCH, "Symbol.search"), (SYM_SPECIES, "Symbol.species"),
            (SYM_SPLIT, "Symbol.split"), (SYM_TO_PRIMITIVE, "Symbol.toPrimitive"),
            (SYM_TO_STRING_TAG, "Symbol.toStringTag"), (SYM_UNSCOPABLES, "Symbol.unscopables"),
            (SYM_ASYNC_DISPOSE, "Symbol.asyncDispose"), (SYM_DISPOSE, "Symbol.dispose"),
        }
    };
}

macro_rules! define_well_known {
    ($(($name:ident, $text:literal)),* $(,)?) => {
        /// Well-known symbols (`Atom::SYM_ITERATOR` ...), right after the predefined atoms.
        impl Atom {
            define_well_known!(@consts PREDEFINED_COUNT; $($name,)*);
        }
        /// Descriptions of the well-known symbols, in creation order.
        pub(crate) static WELL_KNOWN_SYMBOLS: &[&str] = &[$($text),*];
    };
    (@consts $n:expr; $first:ident, $($rest:ident,)*) => {
        pub const $first: Atom = Atom($n);
        define_well_known!(@consts $n + 1u32; $($rest,)*);
    };
    (@consts $n:expr;) => {};
}

macro_rules! count_predefined {
    ($(($name:ident, $text:literal)),* $(,)?) => {
        /// Number of predefined string atoms.
        const PREDEFINED_COUNT: u32 = [$($text),*].len() as u32;
    };
}
for_each_atom!(count_predefined);
for_each_well_known_symbol!(define_well_known);

/// An interned property key or identifier name. See the module docs for the encoding.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Atom(u32);

const INT_TAG: u32 = 1 << 31;

impl Atom {
    pub const FIRST_RESERVED: Atom = Atom::Await;
    pub const LAST_RESERVED: Atom = Atom::Yield;
    pub const LAST_STRICT_RESERVED: Atom = Atom::Static;

    /// The integer atom for array index `n` (`n < 2^31`).
    #[inline]
    pub const fn from_index(n: u32) -> Option<Atom> {
        if n < INT_TAG {
            Some(Atom(n | INT_TAG))
        } else {
            None
        }
    }
    /// The array index this atom stands for, if it is an integer atom.
    #[inline]
    pub const fn as_index(self) -> Option<u32> {
        if self.0 & INT_TAG != 0 {
            Some(self.0 & !INT_TAG)
        } else {
            None
        }
    }
    #[inline]
    pub const fn is_index(self) -> bool {
        self.0 & INT_TAG != 0
    }
    /// ECMA-262 ReservedWord (always reserved, in every mode).
    #[inline]
    pub fn is_reserved_word(self) -> bool {
        self >= Atom::FIRST_RESERVED && self <= Atom::LAST_RESERVED
    }
    /// Reserved words plus the words reserved in strict mode code.
    #[inline]
    pub fn is_strict_reserved_word(self) -> bool {
        self >= Atom::FIRST_RESERVED && self <= Atom::LAST_STRICT_RESERVED
    }
    /// The raw encoding, for serialisation and tables.
    #[inline]
    pub const fn raw(self) -> u32 {
        self.0
    }
    /// Inverse of [`Atom::raw`]; only for atoms produced by the same table.
    #[inline]
    pub const fn from_raw(raw: u32) -> Atom {
        Atom(raw)
    }
}

/// What an atom table slot holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AtomKind {
    /// A string key; the text is UTF-16 code units (lone surrogates allowed).
    String,
    /// A symbol key; the text is its description (`None` if undefined).
    Symbol { has_description: bool },
}

#[derive(Clone, Debug)]
struct Entry {
    text: Box<[u16]>,
    kind: AtomKind,
}

/// The interner. One per runtime; the parser borrows it mutably while parsing.
#[derive(Debug)]
pub struct AtomTable {
    entries: Vec<Entry>,
    by_text: HashMap<Box<[u16]>, Atom, std::hash::BuildHasherDefault<TextHasher>>,
    /// Bytes held by the table, for memory accounting.
    bytes: usize,
}

impl Default for AtomTable {
    fn default() -> Self {
        Self::new()
    }
}

impl AtomTable {
    pub fn new() -> AtomTable {
        let mut t = AtomTable {
            entries: Vec::with_capacity(PREDEFINED.len() * 2),
            by_text: HashMap::default(),
            bytes: 0,
        };
        for (i, text) in PREDEFINED.iter().enumerate() {
            let units: Box<[u16]> = text.encode_utf16().collect();
            let atom = Atom(i as u32);
            // Some predefined words appear twice (e.g. `return` as keyword and method name);
            // the first one is canonical.
            t.by_text.entry(units.clone()).or_insert(atom);
            t.entries.push(Entry {
                text: units,
                kind: AtomKind::String,
            });
        }
        for text in WELL_KNOWN_SYMBOLS {
            let units: Vec<u16> = text.encode_utf16().collect();
            t.new_symbol(Some(&units));
        }
        t
    }

    /// Interns a string key given as UTF-16 code units.
    pub fn intern_utf16(&mut self, units: &[u16]) -> Atom {
        if let Some(n) = canonical_index(units) {
            if let Some(a) = Atom::from_index(n) {
                return a;
            }
        }
        if let Some(&a) = self.by_text.get(units) {
            return a;
        }
        let atom = Atom(self.entries.len() as u32);
        let text: Box<[u16]> = units.into();
        self.bytes += text.len() * 2 * 2 + 48;
        self.by_text.insert(text.clone(), atom);
        self.entries.push(Entry {
            text,
            kind: AtomKind::String,
        });
        atom
    }

    /// Interns a string key given as Rust text.
    pub fn intern(&mut self, s: &str) -> Atom {
        let units: Vec<u16> = s.encode_utf16().collect();
        self.intern_utf16(&units)
    }

    /// Creates a fresh symbol atom (never equal to any other atom).
    pub fn new_symbol(&mut self, description: Option<&[u16]>) -> Atom {
        let atom = Atom(self.entries.len() as u32);
        let text: Box<[u16]> = description.unwrap_or(&[]).into();
        self.bytes += text.len() * 2 + 32;
        self.entries.push(Entry {
            text,
            kind: AtomKind::Symbol {
                has_description: description.is_some(),
            },
        });
        atom
    }

    pub fn kind(&self, atom: Atom) -> AtomKind {
        if atom.is_index() {
            return AtomKind::String;
        }
        self.entries[atom.0 as usize].kind.clone()
    }

    pub fn is_symbol(&self, atom: Atom) -> bool {
        !atom.is_index() && matches!(self.entries[atom.0 as usize].kind, AtomKind::Symbol { .. })
    }

    /// The UTF-16 text of a string atom (or a symbol's description). Integer atoms have no
    /// stored text: use [`AtomTable::to_utf16`].
    pub fn text(&self, atom: Atom) -> Option<&[u16]> {
        if atom.is_index() {
            None
        } else {
            Some(&self.entries[atom.0 as usize].text)
        }
    }

    /// The text of any atom as UTF-16 (integer atoms are formatted in decimal).
    pub fn to_utf16(&self, atom: Atom) -> Vec<u16> {
        match atom.as_index() {
            Some(n) => n.to_string().encode_utf16().collect(),
            None => self.entries[atom.0 as usize].text.to_vec(),
        }
    }

    /// The text of any atom as a Rust string (lone surrogates become U+FFFD), for messages.
    pub fn to_string_lossy(&self, atom: Atom) -> String {
        match atom.as_index() {
            Some(n) => n.to_string(),
            None => String::from_utf16_lossy(&self.entries[atom.0 as usize].text),
        }
    }

    /// Bytes held by dynamically interned atoms.
    pub fn allocated_bytes(&self) -> usize {
        self.bytes
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

/// A fast word-at-a-time hasher for atom text (SipHash made `AtomTable::new` a third of
/// runtime start-up; atom text is not attacker-chosen in a way that matters for a
/// per-runtime table that is never iterated).
#[derive(Default, Clone, Copy)]
pub struct TextHasher(u64);

impl std::hash::Hasher for TextHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(w));
        }
        for &b in chunks.remainder() {
            self.write_u64(b as u64);
        }
    }
    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

/// If `units` is the canonical decimal form of an integer in 0 ..= 2^32 - 2, returns it.
pub fn canonical_index(units: &[u16]) -> Option<u32> {
    let (&first, rest) = units.split_first()?;
    if !(b'0' as u16..=b'9' as u16).contains(&first)
        || (first == b'0' as u16 && !rest.is_empty())
        || units.len() > 10
    {
        return None;
    }
    let mut n: u64 = 0;
    for &u in units {
        if !(b'0' as u16..=b'9' as u16).contains(&u) {
            return None;
        }
        n = n * 10 + (u - b'0' as u16) as u64;
    }
    if n < u32::MAX as u64 {
        Some(n as u32)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_a_range() {
        let t = AtomTable::new();
        assert!(Atom::While.is_reserved_word());
        assert!(!Atom::Let.is_reserved_word());
        assert!(Atom::Let.is_strict_reserved_word());
        assert!(!Atom::Async.is_strict_reserved_word());
        assert_eq!(t.to_string_lossy(Atom::Yield), "yield");
    }

    #[test]
    fn integer_keys_are_integer_atoms() {
        let mut t = AtomTable::new();
        assert_eq!(t.intern("12").as_index(), Some(12));
        assert!(t.intern("012").as_index().is_none());
        assert!(t.intern("4294967295").as_index().is_none());
        let a = t.intern("foo");
        assert_eq!(t.intern("foo"), a);
        assert_eq!(t.intern("return"), Atom::Return);
    }
}
