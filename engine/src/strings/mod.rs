//! Immutable reference-counted JavaScript strings ([`JsString`]): Latin-1 or UTF-16 storage,
//! ropes for repeated concatenation, comparison by code units. Number ↔ string conversions
//! live in [`number`].
//!
//! Invariants:
//! - A string is a sequence of UTF-16 code units of length ≤ [`MAX_LENGTH`]. Latin-1 storage
//!   is used when every unit is < 256; the choice of storage never changes equality, hashing
//!   or ordering (all are by code unit).
//! - Ropes are only made for results of at least [`ROPE_MIN`] units; they are flattened on
//!   first read by an iterative walk (never recursion) and the flat copy replaces the rope.
//! - String cells are heap leaves (not on the collector list): a string never references an
//!   object. Their bytes are charged before allocation; a flattened rope force-charges its
//!   flat copy (it frees the children it held, so the total does not grow by more than the
//!   children's size).

pub mod builder;
pub mod number;

use crate::heap::{Gc, Heap, OutOfMemory, Trace, Tracer};
use std::cell::{Ref, RefCell};
use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

/// Maximum string length in code units (2^30 - 1, as QuickJS).
pub const MAX_LENGTH: usize = (1 << 30) - 1;
/// Concatenations shorter than this are copied instead of making a rope.
pub const ROPE_MIN: usize = 256;

/// Storage of a string cell.
enum Repr {
    Latin1(Box<[u8]>),
    Utf16(Box<[u16]>),
    Rope(JsString, JsString),
}

/// The cell payload behind a [`JsString`].
pub struct StrCell {
    len: u32,
    /// Every code unit is < 256 (decided at creation; also true for a rope of Latin-1 parts).
    latin1: bool,
    repr: RefCell<Repr>,
}

impl Trace for StrCell {
    fn trace(&self, _visit: &mut Tracer<'_>) {
        // Strings only reference strings, which are untracked leaves.
    }
    fn clear(&self) {}
    fn extra_bytes(&self) -> usize {
        match &*self.repr.borrow() {
            Repr::Latin1(b) => b.len(),
            Repr::Utf16(b) => b.len() * 2,
            Repr::Rope(..) => 0,
        }
    }
}

/// An immutable JavaScript string value. Cloning is a reference-count increment.
#[derive(Clone)]
pub struct JsString(Gc<StrCell>);

/// A borrowed flat view of a string's code units.
pub enum Units<'a> {
    Latin1(&'a [u8]),
    Utf16(&'a [u16]),
}

impl Units<'_> {
    #[inline]
    pub fn len(&self) -> usize {
        match self {
            Units::Latin1(b) => b.len(),
            Units::Utf16(b) => b.len(),
        }
    }
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Code unit at `i`, if in range.
    #[inline]
    pub fn get(&self, i: usize) -> Option<u16> {
        match self {
            Units::Latin1(b) => b.get(i).map(|&c| c as u16),
            Units::Utf16(b) => b.get(i).copied(),
        }
    }
    pub fn iter(&self) -> impl Iterator<Item = u16> + '_ {
        let (a, b) = match self {
            Units::Latin1(b) => (Some(b.iter().map(|&c| c as u16)), None),
            Units::Utf16(u) => (None, Some(u.iter().copied())),
        };
        a.into_iter().flatten().chain(b.into_iter().flatten())
    }
    pub fn to_vec(&self) -> Vec<u16> {
        self.iter().collect()
    }
}

/// A flat view guard: keeps the string's storage borrowed while in use.
pub struct View<'a>(Ref<'a, Repr>);

impl View<'_> {
    #[inline]
    pub fn units(&self) -> Units<'_> {
        match &*self.0 {
            Repr::Latin1(b) => Units::Latin1(b),
            Repr::Utf16(b) => Units::Utf16(b),
            // Invariant: `JsString::view` flattens before returning a view.
            Repr::Rope(..) => Units::Latin1(&[]),
        }
    }
}

fn bytes_for(len: usize, latin1: bool) -> usize {
    if latin1 {
        len
    } else {
        len * 2
    }
}

impl JsString {
    fn alloc(heap: &Heap, repr: Repr, len: usize, latin1: bool) -> Result<JsString, OutOfMemory> {
        let cell = StrCell {
            len: len as u32,
            latin1,
            repr: RefCell::new(repr),
        };
        Ok(JsString(heap.alloc(cell, false)?))
    }

    /// Latin-1 string from bytes. Charges before copying.
    pub fn from_latin1(heap: &Heap, bytes: &[u8]) -> Result<JsString, OutOfMemory> {
        if bytes.len() > MAX_LENGTH {
            return Err(OutOfMemory);
        }
        heap.charge(bytes.len())?;
        let r = Self::alloc(heap, Repr::Latin1(bytes.into()), bytes.len(), true);
        if r.is_err() {
            heap.refund(bytes.len());
        }
        r
    }

    /// String from UTF-16 code units (stored as Latin-1 when possible).
    pub fn from_utf16(heap: &Heap, units: &[u16]) -> Result<JsString, OutOfMemory> {
        if units.iter().all(|&u| u < 256) {
            let bytes: Vec<u8> = units.iter().map(|&u| u as u8).collect();
            return Self::from_latin1(heap, &bytes);
        }
        if units.len() > MAX_LENGTH {
            return Err(OutOfMemory);
        }
        heap.charge(units.len() * 2)?;
        let r = Self::alloc(heap, Repr::Utf16(units.into()), units.len(), false);
        if r.is_err() {
            heap.refund(units.len() * 2);
        }
        r
    }

    /// String from Rust text.
    pub fn from_str(heap: &Heap, s: &str) -> Result<JsString, OutOfMemory> {
        if s.is_ascii() {
            return Self::from_latin1(heap, s.as_bytes());
        }
        let units: Vec<u16> = s.encode_utf16().collect();
        Self::from_utf16(heap, &units)
    }

    /// Length in code units.
    #[inline]
    pub fn len(&self) -> usize {
        self.0.len as usize
    }
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.0.len == 0
    }
    /// True when every code unit is below 256.
    #[inline]
    pub fn is_latin1(&self) -> bool {
        self.0.latin1
    }

    /// Identity comparison (same cell).
    #[inline]
    pub fn ptr_eq(a: &JsString, b: &JsString) -> bool {
        Gc::ptr_eq(&a.0, &b.0)
    }

    /// Concatenation; `None` if the result would pass [`MAX_LENGTH`] (callers throw
    /// RangeError "invalid string length"), `Some(Err)` when out of memory.
    pub fn concat(
        heap: &Heap,
        a: &JsString,
        b: &JsString,
    ) -> Option<Result<JsString, OutOfMemory>> {
        let len = a.len() + b.len();
        if len > MAX_LENGTH {
            return None;
        }
        if b.is_empty() {
            return Some(Ok(a.clone()));
        }
        if a.is_empty() {
            return Some(Ok(b.clone()));
        }
        let latin1 = a.is_latin1() && b.is_latin1();
        if len >= ROPE_MIN {
            return Some(Self::alloc(
                heap,
                Repr::Rope(a.clone(), b.clone()),
                len,
                latin1,
            ));
        }
        let va = a.view();
        let vb = b.view();
        if latin1 {
            let mut v = Vec::with_capacity(len);
            if let (Units::Latin1(x), Units::Latin1(y)) = (va.units(), vb.units()) {
                v.extend_from_slice(x);
                v.extend_from_slice(y);
            }
            Some(Self::from_latin1(heap, &v))
        } else {
            let mut v: Vec<u16> = Vec::with_capacity(len);
            v.extend(va.units().iter());
            v.extend(vb.units().iter());
            Some(Self::from_utf16(heap, &v))
        }
    }

    /// Flattens a rope in place (iteratively). No-op on flat strings.
    fn flatten(&self) {
        if !matches!(&*self.0.repr.borrow(), Repr::Rope(..)) {
            return;
        }
        let len = self.len();
        let latin1 = self.is_latin1();
        // Walk the rope left to right with an explicit stack.
        let mut stack: Vec<JsString> = Vec::new();
        let mut out8: Vec<u8> = Vec::new();
        let mut out16: Vec<u16> = Vec::new();
        if latin1 {
            out8.reserve_exact(len);
        } else {
            out16.reserve_exact(len);
        }
        stack.push(self.clone());
        while let Some(s) = stack.pop() {
            let r = s.0.repr.borrow();
            match &*r {
                Repr::Rope(l, rt) => {
                    stack.push(rt.clone());
                    stack.push(l.clone());
                }
                Repr::Latin1(b) => {
                    if latin1 {
                        out8.extend_from_slice(b);
                    } else {
                        out16.extend(b.iter().map(|&c| c as u16));
                    }
                }
                Repr::Utf16(u) => out16.extend_from_slice(u),
            }
        }
        self.0.force_charge(bytes_for(len, latin1));
        let flat = if latin1 {
            Repr::Latin1(out8.into())
        } else {
            Repr::Utf16(out16.into())
        };
        let old = std::mem::replace(&mut *self.0.repr.borrow_mut(), flat);
        drop(old);
    }

    /// A flat view of the code units (flattens a rope first).
    pub fn view(&self) -> View<'_> {
        self.flatten();
        View(self.0.repr.borrow())
    }

    /// Code unit at `i`.
    pub fn code_unit(&self, i: usize) -> Option<u16> {
        self.view().units().get(i)
    }

    /// The code units as a vector.
    pub fn to_utf16(&self) -> Vec<u16> {
        self.view().units().to_vec()
    }

    /// Rust text; lone surrogates become U+FFFD.
    pub fn to_rust_string(&self) -> String {
        let v = self.view();
        match v.units() {
            Units::Latin1(b) => b.iter().map(|&c| c as char).collect(),
            Units::Utf16(u) => String::from_utf16_lossy(u),
        }
    }

    /// Substring of code units `start..end` (clamped).
    pub fn substring(
        &self,
        heap: &Heap,
        start: usize,
        end: usize,
    ) -> Result<JsString, OutOfMemory> {
        let end = end.min(self.len());
        let start = start.min(end);
        if start == 0 && end == self.len() {
            return Ok(self.clone());
        }
        let v = self.view();
        match v.units() {
            Units::Latin1(b) => Self::from_latin1(heap, &b[start..end]),
            Units::Utf16(u) => Self::from_utf16(heap, &u[start..end]),
        }
    }

    /// Equality with Rust text (for tests and fast paths).
    pub fn eq_str(&self, s: &str) -> bool {
        let v = self.view();
        let u = v.units();
        let mut it = s.encode_utf16();
        for i in 0..u.len() {
            if it.next() != u.get(i) {
                return false;
            }
        }
        it.next().is_none()
    }
}

impl PartialEq for JsString {
    fn eq(&self, other: &JsString) -> bool {
        if JsString::ptr_eq(self, other) {
            return true;
        }
        if self.len() != other.len() {
            return false;
        }
        let (a, b) = (self.view(), other.view());
        match (a.units(), b.units()) {
            (Units::Latin1(x), Units::Latin1(y)) => x == y,
            (Units::Utf16(x), Units::Utf16(y)) => x == y,
            (x, y) => x.iter().eq(y.iter()),
        }
    }
}
impl Eq for JsString {}

impl PartialOrd for JsString {
    fn partial_cmp(&self, other: &JsString) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for JsString {
    /// Code-unit order (spec IsLessThan on strings).
    fn cmp(&self, other: &JsString) -> Ordering {
        let (a, b) = (self.view(), other.view());
        match (a.units(), b.units()) {
            (Units::Latin1(x), Units::Latin1(y)) => x.cmp(y),
            (Units::Utf16(x), Units::Utf16(y)) => x.cmp(y),
            (x, y) => x.iter().cmp(y.iter()),
        }
    }
}

impl Hash for JsString {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let v = self.view();
        state.write_usize(self.len());
        for u in v.units().iter() {
            state.write_u16(u);
        }
    }
}

impl std::fmt::Debug for JsString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.to_rust_string())
    }
}

/// WhiteSpace or LineTerminator (spec StrWhiteSpaceChar), for trim and StringToNumber.
/// Spec: #sec-white-space, #sec-line-terminators
pub fn is_js_whitespace(u: u16) -> bool {
    matches!(
        u,
        0x09 | 0x0A | 0x0B | 0x0C | 0x0D | 0x20 | 0xA0 | 0x1680 | 0x2000
            ..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000 | 0xFEFF
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_and_utf16_compare_equal() {
        let heap = Heap::new();
        let a = JsString::from_str(&heap, "abc").unwrap();
        let b = JsString::from_utf16(&heap, &[97, 98, 99]).unwrap();
        assert!(a.is_latin1() && b.is_latin1());
        assert_eq!(a, b);
        let c = JsString::from_str(&heap, "ab\u{1F600}").unwrap();
        assert!(!c.is_latin1());
        assert_eq!(c.len(), 4);
        assert!(a < c);
    }

    #[test]
    fn rope_concat_flattens_and_frees() {
        let heap = Heap::new();
        {
            let x = JsString::from_str(&heap, "x").unwrap();
            let mut s = JsString::from_str(&heap, "").unwrap();
            for _ in 0..100_000 {
                s = JsString::concat(&heap, &s, &x).unwrap().unwrap();
            }
            assert_eq!(s.len(), 100_000);
            assert_eq!(s.code_unit(99_999), Some(b'x' as u16));
        }
        assert_eq!(heap.bytes(), 0);
    }

    #[test]
    fn deep_rope_drop_is_iterative() {
        let heap = Heap::new();
        {
            let x = JsString::from_str(&heap, &"y".repeat(ROPE_MIN)).unwrap();
            let mut s = x.clone();
            for _ in 0..200_000 {
                s = JsString::concat(&heap, &s, &x).unwrap().unwrap();
            }
        }
        assert_eq!(heap.bytes(), 0);
    }

    #[test]
    fn length_limit() {
        let heap = Heap::new();
        let big = JsString::from_latin1(&heap, &vec![b'a'; 1 << 20]).unwrap();
        let mut s = big.clone();
        let mut hit = false;
        for _ in 0..1100 {
            match JsString::concat(&heap, &s, &big) {
                Some(r) => s = r.unwrap(),
                None => {
                    hit = true;
                    break;
                }
            }
        }
        assert!(hit);
    }

    #[test]
    fn memory_limit_is_enforced() {
        let heap = Heap::new();
        heap.set_memory_limit(1000);
        assert!(JsString::from_latin1(&heap, &[0; 2000]).is_err());
        assert_eq!(heap.bytes(), 0);
        assert!(JsString::from_latin1(&heap, &[0; 10]).is_ok());
    }
}
