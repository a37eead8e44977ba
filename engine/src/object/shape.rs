//! Shapes (hidden classes): the ordered list of an object's named properties with their
//! attributes, mapping each key to a slot index in the object's value vector.
//!
//! - *Shared* shapes form a transition tree from the runtime's root shape: adding key `k`
//!   with flags `f` to shape S gives the same child shape for every object, so an inline
//!   cache keyed on (shape pointer, atom) → slot stays valid for all objects of that shape.
//!   The parent keeps `Weak` links to its children; a child holds its own copy of the list,
//!   so shapes never point up and never form cycles (prototypes live in the object).
//! - *Dictionary* shapes belong to one object and are mutated in place (deletes, attribute
//!   changes, objects with more than [`MAX_SHARED_PROPS`] properties).
//!
//! Invariants: slot `i` of an object holds the value of `props[i]`; keys are unique; the list
//! order is property creation order (integer keys stored here are ordered at
//! OwnPropertyKeys time).

use crate::atoms::Atom;
use std::cell::RefCell;
use std::collections::HashMap as StdHashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::{Rc, Weak};

/// A small multiplicative hasher for atom-keyed tables (atoms are already well-spread
/// integers; SipHash's DoS resistance buys nothing here and costs startup time).
#[derive(Default, Clone, Copy)]
pub struct AtomHasher(u64);

impl Hasher for AtomHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.write_u64(n as u64);
    }
    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.write_u64(n as u64);
    }
    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// HashMap keyed by atoms with [`AtomHasher`].
pub type HashMap<K, V> = StdHashMap<K, V, BuildHasherDefault<AtomHasher>>;

/// Property attribute bits.
pub mod attrs {
    pub const WRITABLE: u8 = 1;
    pub const ENUMERABLE: u8 = 2;
    pub const CONFIGURABLE: u8 = 4;
    /// The slot holds an accessor pair (then WRITABLE is meaningless).
    pub const ACCESSOR: u8 = 8;
    /// writable + enumerable + configurable: a plain assignment-created property.
    pub const DEFAULT: u8 = WRITABLE | ENUMERABLE | CONFIGURABLE;
    /// writable + configurable: builtin methods.
    pub const HIDDEN: u8 = WRITABLE | CONFIGURABLE;
    /// Dictionary shapes only: a deleted entry (tombstone) whose slot is unused.
    pub const DELETED: u8 = 0x80;
}

/// Objects with more named properties than this switch to a dictionary shape.
pub const MAX_SHARED_PROPS: usize = 64;
/// Shapes with more properties than this keep a hash index.
const INDEX_MIN: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShapeProp {
    pub key: Atom,
    pub flags: u8,
}

pub struct Shape {
    props: Vec<ShapeProp>,
    /// Tombstones in `props` (dictionary shapes).
    deleted: u32,
    index: Option<HashMap<Atom, u32>>,
    dictionary: bool,
    transitions: RefCell<HashMap<(Atom, u8), Weak<Shape>>>,
}

impl Shape {
    /// The empty root shape (one per runtime).
    pub fn root() -> Rc<Shape> {
        Rc::new(Shape {
            props: Vec::new(),
            deleted: 0,
            index: None,
            dictionary: false,
            transitions: RefCell::new(HashMap::default()),
        })
    }

    /// All entries, including tombstones (flag [`attrs::DELETED`]): index = slot.
    #[inline]
    pub fn props(&self) -> &[ShapeProp] {
        &self.props
    }
    /// The live properties in creation order.
    pub fn live_props(&self) -> impl Iterator<Item = &ShapeProp> + '_ {
        self.props.iter().filter(|p| p.flags & attrs::DELETED == 0)
    }
    /// True when enough entries are tombstones that the owner should compact.
    pub fn needs_compaction(&self) -> bool {
        self.deleted > 8 && self.deleted as usize * 2 > self.props.len()
    }
    #[inline]
    pub fn len(&self) -> usize {
        self.props.len()
    }
    #[inline]
    pub fn is_dictionary(&self) -> bool {
        self.dictionary
    }

    /// Slot of `key`, if present.
    #[inline]
    pub fn lookup(&self, key: Atom) -> Option<u32> {
        match &self.index {
            Some(m) => m.get(&key).copied(),
            None => self
                .props
                .iter()
                .position(|p| p.key == key && p.flags & attrs::DELETED == 0)
                .map(|i| i as u32),
        }
    }

    /// Approximate heap bytes of a dictionary shape (charged to its owner object).
    pub fn dictionary_bytes(&self) -> usize {
        if !self.dictionary {
            return 0;
        }
        self.props.capacity() * std::mem::size_of::<ShapeProp>()
            + self.index.as_ref().map_or(0, |m| m.capacity() * 16)
    }

    fn build_index(props: &[ShapeProp]) -> Option<HashMap<Atom, u32>> {
        if props.len() <= INDEX_MIN {
            return None;
        }
        Some(
            props
                .iter()
                .enumerate()
                .filter(|(_, p)| p.flags & attrs::DELETED == 0)
                .map(|(i, p)| (p.key, i as u32))
                .collect(),
        )
    }

    /// The shared shape after adding `key` (absent) with `flags`; reuses the transition.
    pub fn with_added(self: &Rc<Shape>, key: Atom, flags: u8) -> Rc<Shape> {
        debug_assert!(!self.dictionary);
        if let Some(s) = self
            .transitions
            .borrow()
            .get(&(key, flags))
            .and_then(Weak::upgrade)
        {
            return s;
        }
        let mut props = Vec::with_capacity(self.props.len() + 1);
        props.extend_from_slice(&self.props);
        props.push(ShapeProp { key, flags });
        let index = Self::build_index(&props);
        let child = Rc::new(Shape {
            props,
            deleted: 0,
            index,
            dictionary: false,
            transitions: RefCell::new(HashMap::default()),
        });
        let mut t = self.transitions.borrow_mut();
        if t.len() >= 32 && t.len().is_power_of_two() {
            t.retain(|_, w| w.strong_count() > 0);
        }
        t.insert((key, flags), Rc::downgrade(&child));
        child
    }

    /// An unshared copy that its object may mutate.
    pub fn to_dictionary(&self) -> Shape {
        // Tombstones (from a dictionary source) are dropped only by the owner's compaction,
        // which also moves its slots; keep them so slot numbers stay valid.
        let props = self.props.clone();
        let index = Self::build_index(&props);
        Shape {
            props,
            deleted: self.deleted,
            index,
            dictionary: true,
            transitions: RefCell::new(HashMap::default()),
        }
    }

    /// Dictionary only: appends a property.
    pub fn dict_add(&mut self, key: Atom, flags: u8) {
        let i = self.props.len() as u32;
        self.props.push(ShapeProp { key, flags });
        match &mut self.index {
            Some(m) => {
                m.insert(key, i);
            }
            None => self.index = Self::build_index(&self.props),
        }
    }

    /// Dictionary only: turns the entry at `slot` into a tombstone (slots do not move).
    pub fn dict_remove(&mut self, slot: u32) {
        if let Some(p) = self.props.get_mut(slot as usize) {
            if p.flags & attrs::DELETED == 0 {
                p.flags = attrs::DELETED;
                self.deleted += 1;
                if let Some(m) = &mut self.index {
                    m.remove(&p.key);
                }
            }
        }
    }

    /// Dictionary only: drops tombstones; returns the surviving old slot numbers in order
    /// (the owner compacts its slot vector the same way).
    pub fn dict_compact(&mut self) -> Vec<u32> {
        let keep: Vec<u32> = (0..self.props.len() as u32)
            .filter(|&i| self.props[i as usize].flags & attrs::DELETED == 0)
            .collect();
        self.props.retain(|p| p.flags & attrs::DELETED == 0);
        self.deleted = 0;
        self.index = Self::build_index(&self.props);
        keep
    }

    /// Dictionary only: changes the flags at `slot`.
    pub fn dict_set_flags(&mut self, slot: u32, flags: u8) {
        if let Some(p) = self.props.get_mut(slot as usize) {
            p.flags = flags;
        }
    }
}
