//! `CharSet`: a set of characters (code points, or code units in non-unicode mode) kept as
//! sorted, non-overlapping, non-adjacent inclusive ranges, with the set algebra the pattern
//! grammar needs (union, intersection, subtraction, complement, case closure).
//!
//! Invariant: `ranges` is sorted by start, every range has `lo <= hi`, and two consecutive
//! ranges `a`, `b` satisfy `a.hi + 1 < b.lo` (normalised). Every constructor and operation
//! keeps this, so membership is one binary search.

use crate::unicode::case;

/// The largest character value: U+10FFFF.
pub const MAX_CHAR: u32 = 0x10_FFFF;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CharSet {
    ranges: Vec<(u32, u32)>,
}

impl CharSet {
    pub fn new() -> CharSet {
        CharSet { ranges: Vec::new() }
    }

    pub fn single(c: u32) -> CharSet {
        CharSet {
            ranges: vec![(c, c)],
        }
    }

    pub fn range(lo: u32, hi: u32) -> CharSet {
        CharSet {
            ranges: vec![(lo, hi)],
        }
    }

    /// Builds a set from arbitrary (unsorted, overlapping) inclusive ranges.
    pub fn from_ranges(rs: &[(u32, u32)]) -> CharSet {
        let mut v: Vec<(u32, u32)> = rs.iter().copied().filter(|r| r.0 <= r.1).collect();
        v.sort_unstable();
        let mut out: Vec<(u32, u32)> = Vec::with_capacity(v.len());
        for (lo, hi) in v {
            match out.last_mut() {
                Some(last) if lo <= last.1.saturating_add(1) => {
                    if hi > last.1 {
                        last.1 = hi;
                    }
                }
                _ => out.push((lo, hi)),
            }
        }
        CharSet { ranges: out }
    }

    pub fn ranges(&self) -> &[(u32, u32)] {
        &self.ranges
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The only character of a one-character set.
    pub fn single_char(&self) -> Option<u32> {
        match self.ranges.as_slice() {
            [(lo, hi)] if lo == hi => Some(*lo),
            _ => None,
        }
    }

    pub fn contains(&self, c: u32) -> bool {
        // Binary search for the last range starting at or before c.
        let idx = self.ranges.partition_point(|r| r.0 <= c);
        idx > 0 && self.ranges.get(idx - 1).is_some_and(|r| c <= r.1)
    }

    pub fn add(&mut self, c: u32) {
        self.add_range(c, c);
    }

    pub fn add_range(&mut self, lo: u32, hi: u32) {
        let mut v = std::mem::take(&mut self.ranges);
        v.push((lo, hi));
        *self = CharSet::from_ranges(&v);
    }

    pub fn union(&self, other: &CharSet) -> CharSet {
        let mut v = self.ranges.clone();
        v.extend_from_slice(&other.ranges);
        CharSet::from_ranges(&v)
    }

    /// The complement within `0..=max`.
    pub fn complement(&self, max: u32) -> CharSet {
        let mut out = Vec::with_capacity(self.ranges.len() + 1);
        let mut next = 0u32;
        for &(lo, hi) in &self.ranges {
            if lo > max {
                break;
            }
            if lo > next {
                out.push((next, lo - 1));
            }
            next = hi.saturating_add(1);
        }
        if next <= max {
            out.push((next, max));
        }
        CharSet { ranges: out }
    }

    pub fn intersect(&self, other: &CharSet) -> CharSet {
        let mut out = Vec::new();
        let (mut i, mut j) = (0, 0);
        while let (Some(&a), Some(&b)) = (self.ranges.get(i), other.ranges.get(j)) {
            let lo = a.0.max(b.0);
            let hi = a.1.min(b.1);
            if lo <= hi {
                out.push((lo, hi));
            }
            if a.1 < b.1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        CharSet { ranges: out }
    }

    pub fn subtract(&self, other: &CharSet) -> CharSet {
        self.intersect(&other.complement(MAX_CHAR))
    }

    /// `{ canonicalize(c) | c in self }`: the set a case-insensitive matcher tests the
    /// canonicalized input character against (spec #sec-compiletocharset with
    /// MaybeSimpleCaseFolding, and CharacterSetMatcher's "exists a member a such that
    /// Canonicalize(a) is Canonicalize(ch)").
    ///
    /// Canonicalize is idempotent, so the image keeps the fixed points of `self` and adds the
    /// images of its non-fixed points; the non-fixed points themselves are removed.
    pub fn canonicalize(&self, unicode: bool) -> CharSet {
        let table = case::canon_table(unicode);
        let mut extra: Vec<(u32, u32)> = Vec::new();
        let mut moved: Vec<(u32, u32)> = Vec::new();
        for &(from, to) in table {
            if self.contains(from) {
                extra.push((to, to));
                moved.push((from, from));
            }
        }
        if extra.is_empty() {
            return self.clone();
        }
        let kept = self.subtract(&CharSet::from_ranges(&moved));
        let mut v = kept.ranges;
        v.extend_from_slice(&extra);
        CharSet::from_ranges(&v)
    }

    /// The characters that Canonicalize leaves unchanged, within `0..=max`.
    pub fn canonical_fixed_points(unicode: bool, max: u32) -> CharSet {
        let table = case::canon_table(unicode);
        let moved: Vec<(u32, u32)> = table.iter().map(|&(f, _)| (f, f)).collect();
        CharSet::from_ranges(&moved).complement(max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algebra() {
        let a = CharSet::from_ranges(&[(10, 20), (5, 7), (21, 25), (30, 30)]);
        assert_eq!(a.ranges(), &[(5, 7), (10, 25), (30, 30)]);
        assert!(a.contains(5) && a.contains(25) && a.contains(30));
        assert!(!a.contains(8) && !a.contains(26) && !a.contains(0));
        let b = CharSet::range(6, 12);
        assert_eq!(a.intersect(&b).ranges(), &[(6, 7), (10, 12)]);
        assert_eq!(a.subtract(&b).ranges(), &[(5, 5), (13, 25), (30, 30)]);
        assert_eq!(
            a.complement(40).ranges(),
            &[(0, 4), (8, 9), (26, 29), (31, 40)]
        );
        assert_eq!(
            CharSet::new().complement(MAX_CHAR).ranges(),
            &[(0, MAX_CHAR)]
        );
        assert_eq!(
            CharSet::range(0, MAX_CHAR).complement(MAX_CHAR).ranges(),
            &[]
        );
    }

    #[test]
    fn canonical_image() {
        let s = CharSet::range('a' as u32, 'c' as u32);
        // Non-unicode canonicalize is uppercase.
        assert_eq!(s.canonicalize(false).ranges(), &[('A' as u32, 'C' as u32)]);
        // Unicode canonicalize is simple case folding: lowercase stays.
        assert_eq!(s.canonicalize(true).ranges(), &[('a' as u32, 'c' as u32)]);
        let k = CharSet::single(0x212A); // KELVIN SIGN folds to 'k'
        assert_eq!(k.canonicalize(true).ranges(), &[('k' as u32, 'k' as u32)]);
    }
}
