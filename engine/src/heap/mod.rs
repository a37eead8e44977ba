//! The heap: reference-counted cells ([`Gc`]), iterative freeing, the trial-deletion cycle
//! collector, weak references and memory accounting.
//!
//! Layout of a cell (`GcBox<T>`, `repr(C)` so the header is at offset 0 for every `T`):
//!
//! ```text
//! +----------+-------------+-------------+---------+-------------------+
//! | rc: u32  | index: u32  | scratch:u32 | flags   | heap: *HeapState  |  payload T ...
//! +----------+-------------+-------------+---------+-------------------+
//! ```
//!
//! - `rc` counts the [`Gc`] handles. `Clone` increments, `Drop` decrements; at zero the cell is
//!   pushed on the heap's free list, and whoever pushed first drains the list in a loop. A
//!   payload being dropped only pushes its children, so freeing never recurses (a 10^7-long
//!   linked list is freed in constant native stack).
//! - `index` is the cell's slot in the heap's list of *tracked* cells (the ones that can be
//!   part of a cycle: objects, closure variable cells, ...), or [`UNTRACKED`] for leaves
//!   such as strings, which only need the accounting.
//! - `scratch` is the cycle collector's working count.
//! - `heap` points at the [`HeapState`] that charged the cell. The state outlives every cell:
//!   it is freed when the owning [`Heap`] has been dropped *and* its live count reached zero.
//!
//! Invariants:
//! - Every cell's bytes (`size_of_val` of the box plus [`Trace::extra_bytes`]) are charged
//!   when allocated and refunded when freed, so `bytes()` returns to zero when all is freed.
//! - Payload code must report through [`Trace::trace`] only edges it really owns as `Gc`
//!   handles; a missed edge only leaks, an invented edge would clear a live cell.
//! - The collector never frees a cell directly: it calls [`Trace::clear`] on cyclic garbage
//!   (which must leave the payload in a valid, empty state) and lets reference counting
//!   free it.
//!
//! All `unsafe` of the runtime lives in this file; each block says why it is sound.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::ptr::NonNull;
use std::rc::Rc;

/// `index` of a cell that is not on the collector's list.
pub const UNTRACKED: u32 = u32::MAX;

const FLAG_WEAK_TARGET: u8 = 1;

/// The part of a cell the collector and the accounting see.
#[repr(C)]
pub struct Header {
    rc: Cell<u32>,
    index: Cell<u32>,
    scratch: Cell<u32>,
    flags: Cell<u8>,
    heap: NonNull<HeapState>,
}

impl Header {
    /// The current reference count (for tests and diagnostics).
    pub fn ref_count(&self) -> u32 {
        self.rc.get()
    }
}

#[repr(C)]
struct GcBox<T: ?Sized> {
    header: Header,
    value: T,
}

/// Child enumeration and clearing, implemented by every payload type stored in a [`Gc`].
pub trait Trace {
    /// Calls `visit` once for every `Gc` handle this payload owns (its outgoing edges).
    fn trace(&self, visit: &mut Tracer<'_>);
    /// Drops every `Gc` this payload owns, leaving a valid empty payload. Used by the cycle
    /// collector on garbage and when the runtime is torn down.
    fn clear(&self);
    /// Heap bytes owned by the payload beyond its cell (tables, vectors), refunded at free.
    /// Must equal what the owner charged for them.
    fn extra_bytes(&self) -> usize {
        0
    }
}

/// An edge reported to the collector.
enum Edge<'h> {
    Strong(&'h Header),
    /// `value` is owned, but reachable only while `key` (held weakly) is alive.
    Ephemeron(Option<&'h Header>, &'h Header),
}

/// Passed to [`Trace::trace`]; receives the edges.
pub struct Tracer<'a> {
    f: &'a mut dyn FnMut(Edge<'_>),
}

impl Tracer<'_> {
    /// Reports one owned edge.
    #[inline]
    pub fn edge<T: Trace + 'static>(&mut self, g: &Gc<T>) {
        (self.f)(Edge::Strong(g.header()));
    }

    /// Reports a WeakMap-style entry: the payload owns `value`, but the collector treats it
    /// as reachable only while `key` is reachable (ephemeron semantics), so a value that
    /// references its own key does not keep the key alive.
    pub fn ephemeron<K: Trace + 'static, V: Trace + 'static>(
        &mut self,
        key: &GcWeak<K>,
        value: &Gc<V>,
    ) {
        let k = key.slot.get().map(|p| {
            // SAFETY: a `Some` slot points at a live (possibly cleared) cell: slots are
            // cleared in `free_one` before deallocation.
            unsafe { &*p.as_ptr() }
        });
        (self.f)(Edge::Ephemeron(k, value.header()));
    }
}

/// Error returned when a charge would pass the memory limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfMemory;

/// A reference-counted handle to a heap cell.
pub struct Gc<T: Trace + 'static> {
    ptr: NonNull<GcBox<T>>,
    _marker: PhantomData<GcBox<T>>,
}

impl<T: Trace + 'static> Gc<T> {
    #[inline]
    fn header(&self) -> &Header {
        // SAFETY: a live `Gc` holds a count on the cell, so the box is allocated and
        // initialised for as long as `self` lives.
        unsafe { &self.ptr.as_ref().header }
    }

    /// Identity comparison.
    #[inline]
    pub fn ptr_eq(a: &Gc<T>, b: &Gc<T>) -> bool {
        a.ptr == b.ptr
    }

    /// Address of the cell, usable as an identity key while the handle lives.
    #[inline]
    pub fn addr(&self) -> usize {
        self.ptr.as_ptr() as *const u8 as usize
    }

    /// The current reference count.
    pub fn ref_count(this: &Gc<T>) -> u32 {
        this.header().rc.get()
    }

    /// Marks the cell as the target of weak references: when it dies, every [`GcWeak`]
    /// made from it is cleared and the heap's death counter advances.
    pub fn mark_weak_target(&self) {
        let h = self.header();
        h.flags.set(h.flags.get() | FLAG_WEAK_TARGET);
    }

    /// Charges `bytes` to this cell's heap without checking the limit. Only for work that
    /// cannot fail and replaces memory already charged (flattening a rope): the next checked
    /// allocation sees the total.
    pub fn force_charge(&self, bytes: usize) {
        // SAFETY: the heap state outlives all its cells (module invariant).
        let heap = unsafe { self.header().heap.as_ref() };
        heap.bytes.set(heap.bytes.get().saturating_add(bytes));
    }

    /// Makes a weak handle; it does not keep the cell alive.
    pub fn downgrade(&self) -> GcWeak<T> {
        self.mark_weak_target();
        let h = self.header();
        // SAFETY: the heap state outlives all its cells (module invariant).
        let heap = unsafe { h.heap.as_ref() };
        let mut map = heap.weak.borrow_mut();
        let slot = map
            .entry(self.addr())
            .or_insert_with(|| Rc::new(Cell::new(Some(self.ptr.cast::<Header>()))))
            .clone();
        GcWeak {
            slot,
            _marker: PhantomData,
        }
    }
}

impl<T: Trace + 'static> std::ops::Deref for Gc<T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: see `header`: the cell is live while the handle is.
        unsafe { &self.ptr.as_ref().value }
    }
}

impl<T: Trace + 'static> Clone for Gc<T> {
    #[inline]
    fn clone(&self) -> Self {
        let h = self.header();
        // Overflow would need 2^32 handles, each at least 8 bytes: beyond any address space
        // we run in except 64-bit with > 32 GiB of handles; saturate-check anyway.
        let n = h.rc.get().checked_add(1);
        match n {
            Some(n) => h.rc.set(n),
            None => std::process::abort(),
        }
        Gc {
            ptr: self.ptr,
            _marker: PhantomData,
        }
    }
}

impl<T: Trace + 'static> Drop for Gc<T> {
    #[inline]
    fn drop(&mut self) {
        let h = self.header();
        let rc = h.rc.get() - 1;
        h.rc.set(rc);
        if rc == 0 {
            let dyn_ptr: NonNull<GcBox<dyn Trace>> = self.ptr;
            // SAFETY: the count just reached zero, so no other handle exists; ownership of
            // the allocation passes to the free list.
            unsafe { release(dyn_ptr) };
        }
    }
}

impl<T: Trace + 'static + std::fmt::Debug> std::fmt::Debug for Gc<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

/// A weak handle: does not keep its cell alive; [`GcWeak::upgrade`] fails once it died.
pub struct GcWeak<T: Trace + 'static> {
    slot: Rc<Cell<Option<NonNull<Header>>>>,
    _marker: PhantomData<GcBox<T>>,
}

impl<T: Trace + 'static> Clone for GcWeak<T> {
    fn clone(&self) -> Self {
        GcWeak {
            slot: self.slot.clone(),
            _marker: PhantomData,
        }
    }
}

impl<T: Trace + 'static> GcWeak<T> {
    /// A strong handle if the cell is still alive.
    pub fn upgrade(&self) -> Option<Gc<T>> {
        let p = self.slot.get()?;
        let ptr = p.cast::<GcBox<T>>();
        // SAFETY: the slot is cleared (set to None) by `free_one` before the cell is
        // deallocated, so a `Some` pointer refers to a live cell of type T (it was created
        // from a `Gc<T>` in `downgrade`). During the collector's clearing phase the cell may
        // be garbage but is still allocated and in a valid (possibly cleared) state.
        let h = unsafe { &ptr.as_ref().header };
        if h.rc.get() == 0 {
            return None;
        }
        h.rc.set(h.rc.get() + 1);
        Some(Gc {
            ptr,
            _marker: PhantomData,
        })
    }
    /// True once the target has been freed.
    pub fn is_dead(&self) -> bool {
        self.slot.get().is_none()
    }
}

/// Accounting and collector state shared by all cells of one runtime.
pub struct HeapState {
    /// Tracked cells (collector list); `Header::index` is the position here.
    cells: RefCell<Vec<NonNull<GcBox<dyn Trace>>>>,
    /// Cells whose count reached zero, waiting to be freed.
    free_list: RefCell<Vec<NonNull<GcBox<dyn Trace>>>>,
    draining: Cell<bool>,
    collecting: Cell<bool>,
    /// Bytes and cells currently charged.
    bytes: Cell<usize>,
    count: Cell<usize>,
    limit: Cell<usize>,
    allocated_since_gc: Cell<usize>,
    gc_threshold: Cell<usize>,
    /// Live bytes after the last collection: the next one waits for at least half as much
    /// new allocation, so collections cost amortised O(allocation), not O(n^2).
    live_after_gc: Cell<usize>,
    /// The owning `Heap` has been dropped; the state frees itself with the last cell.
    orphaned: Cell<bool>,
    /// Weak slots by cell address.
    weak: RefCell<HashMap<usize, Rc<Cell<Option<NonNull<Header>>>>>>,
    /// Number of weak-target cells that died so far (lets weak containers sweep lazily).
    weak_deaths: Cell<u64>,
}

/// Default GC threshold in bytes allocated between collections.
pub const DEFAULT_GC_THRESHOLD: usize = 256 * 1024;

/// The runtime's owner handle to its heap state.
pub struct Heap {
    state: NonNull<HeapState>,
}

/// Memory statistics reported by [`Heap::usage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MemoryUsage {
    pub bytes: usize,
    pub cells: usize,
    pub tracked_cells: usize,
    pub limit: usize,
}

impl Default for Heap {
    fn default() -> Self {
        Self::new()
    }
}

impl Heap {
    pub fn new() -> Heap {
        let state = Box::new(HeapState {
            cells: RefCell::new(Vec::new()),
            free_list: RefCell::new(Vec::new()),
            draining: Cell::new(false),
            collecting: Cell::new(false),
            bytes: Cell::new(0),
            count: Cell::new(0),
            limit: Cell::new(usize::MAX),
            allocated_since_gc: Cell::new(0),
            gc_threshold: Cell::new(DEFAULT_GC_THRESHOLD),
            live_after_gc: Cell::new(0),
            orphaned: Cell::new(false),
            weak: RefCell::new(HashMap::new()),
            weak_deaths: Cell::new(0),
        });
        Heap {
            state: NonNull::from(Box::leak(state)),
        }
    }

    #[inline]
    fn st(&self) -> &HeapState {
        // SAFETY: the state is only freed after `Heap` is dropped (orphaned) and the last
        // cell is gone; `&self` proves the Heap is alive.
        unsafe { self.state.as_ref() }
    }

    /// Charges `bytes` against the limit; fails without charging if over it.
    #[inline]
    pub fn charge(&self, bytes: usize) -> Result<(), OutOfMemory> {
        self.st().charge(bytes)
    }

    /// Charges without checking the limit (memory that is already allocated, e.g. atoms
    /// interned by the parser); the next checked charge sees the total.
    pub fn force_charge(&self, bytes: usize) {
        let s = self.st();
        s.bytes.set(s.bytes.get().saturating_add(bytes));
    }

    /// Refunds bytes charged with [`Heap::charge`].
    #[inline]
    pub fn refund(&self, bytes: usize) {
        self.st().refund(bytes)
    }

    pub fn set_memory_limit(&self, limit: usize) {
        self.st().limit.set(limit);
    }
    pub fn memory_limit(&self) -> usize {
        self.st().limit.get()
    }
    pub fn set_gc_threshold(&self, t: usize) {
        self.st().gc_threshold.set(t);
    }
    pub fn gc_threshold(&self) -> usize {
        self.st().gc_threshold.get()
    }
    pub fn bytes(&self) -> usize {
        self.st().bytes.get()
    }
    pub fn usage(&self) -> MemoryUsage {
        let s = self.st();
        MemoryUsage {
            bytes: s.bytes.get(),
            cells: s.count.get(),
            tracked_cells: s.cells.borrow().len(),
            limit: s.limit.get(),
        }
    }
    /// How many weak-target cells have died; weak containers compare it to decide whether
    /// to sweep dead entries.
    pub fn weak_deaths(&self) -> u64 {
        self.st().weak_deaths.get()
    }

    /// True when enough was allocated since the last collection to run one.
    #[inline]
    pub fn gc_due(&self) -> bool {
        let s = self.st();
        s.allocated_since_gc.get() > s.gc_threshold.get().max(s.live_after_gc.get() / 2)
    }

    /// Allocates a cell holding `value`. `tracked` cells take part in cycle collection;
    /// leaves (strings) pass `false`. The cell's bytes plus `value.extra_bytes()` must have
    /// been counted by the caller only for the extra part: this charges the box itself.
    pub fn alloc<T: Trace + 'static>(&self, value: T, tracked: bool) -> Result<Gc<T>, OutOfMemory> {
        let s = self.st();
        let size = std::mem::size_of::<GcBox<T>>();
        s.charge(size)?;
        if tracked {
            // The list grows amortised; reserve fallibly so a huge heap fails cleanly.
            let mut cells = s.cells.borrow_mut();
            let grow = cells.len().max(64);
            if cells.len() == cells.capacity() && cells.try_reserve(grow).is_err() {
                s.refund(size);
                return Err(OutOfMemory);
            }
        }
        let b = Box::new(GcBox {
            header: Header {
                rc: Cell::new(1),
                index: Cell::new(UNTRACKED),
                scratch: Cell::new(0),
                flags: Cell::new(0),
                heap: self.state,
            },
            value,
        });
        let ptr = NonNull::from(Box::leak(b));
        s.count.set(s.count.get() + 1);
        if tracked {
            let mut cells = s.cells.borrow_mut();
            // SAFETY: `ptr` was just created from a live Box.
            unsafe { ptr.as_ref().header.index.set(cells.len() as u32) };
            let dyn_ptr: NonNull<GcBox<dyn Trace>> = ptr;
            cells.push(dyn_ptr);
        }
        Ok(Gc {
            ptr,
            _marker: PhantomData,
        })
    }

    /// Runs the cycle collector now: frees every cell that is only reachable from cycles of
    /// garbage. Spec-free (QuickJS-style trial deletion); see DESIGN.md.
    pub fn collect(&self) {
        let s = self.st();
        if s.collecting.get() {
            return;
        }
        s.collecting.set(true);
        s.allocated_since_gc.set(0);
        let garbage = self.find_garbage();
        // Hold a temporary count on every garbage cell so clearing one cannot free another
        // while we still iterate; then clear them all, then release the temporary counts.
        for &p in &garbage {
            // SAFETY: `p` is on the tracked list, hence allocated (cells leave the list in
            // `free_one` before deallocation, and nothing is freed during `find_garbage`).
            let h = unsafe { &p.as_ref().header };
            h.rc.set(h.rc.get() + 1);
        }
        for &p in &garbage {
            // SAFETY: kept alive by the temporary count taken above.
            unsafe { p.as_ref().value.clear() };
        }
        for p in garbage {
            // SAFETY: kept alive by our temporary count, which we now give up.
            let h = unsafe { &p.as_ref().header };
            let rc = h.rc.get() - 1;
            h.rc.set(rc);
            if rc == 0 {
                // SAFETY: count reached zero: ownership passes to the free list.
                unsafe { release(p) };
            }
        }
        s.collecting.set(false);
        s.live_after_gc.set(s.bytes.get());
    }

    /// Trial deletion: returns the tracked cells not reachable from outside the heap.
    fn find_garbage(&self) -> Vec<NonNull<GcBox<dyn Trace>>> {
        let s = self.st();
        let cells: Vec<NonNull<GcBox<dyn Trace>>> = s.cells.borrow().clone();
        // 1. scratch = rc for every tracked cell.
        for &p in &cells {
            // SAFETY: tracked cells are allocated (see `collect`).
            let h = unsafe { &p.as_ref().header };
            h.scratch.set(h.rc.get());
        }
        // 2. Subtract internal edges.
        for &p in &cells {
            // SAFETY: as above.
            let b = unsafe { p.as_ref() };
            b.value.trace(&mut Tracer {
                f: &mut |e: Edge<'_>| {
                    let child = match e {
                        Edge::Strong(c) | Edge::Ephemeron(_, c) => c,
                    };
                    if child.index.get() != UNTRACKED {
                        child.scratch.set(child.scratch.get().saturating_sub(1));
                    }
                },
            });
        }
        // 3. Cells with a positive scratch count are referenced from outside: mark them and
        //    everything reachable from them (explicit worklist, no recursion).
        const ALIVE: u32 = u32::MAX;
        let mut work: Vec<u32> = Vec::new();
        for &p in &cells {
            // SAFETY: as above.
            let h = unsafe { &p.as_ref().header };
            if h.scratch.get() > 0 {
                h.scratch.set(ALIVE);
                work.push(h.index.get());
            }
        }
        // Ephemerons whose key was not (yet) alive when their map was marked.
        let mut pending: Vec<(*const Header, *const Header)> = Vec::new();
        loop {
            while let Some(i) = work.pop() {
                // Invariant: indices come from headers of `cells`, unchanged during this run.
                let p = cells[i as usize];
                // SAFETY: as above.
                let b = unsafe { p.as_ref() };
                b.value.trace(&mut Tracer {
                    f: &mut |e: Edge<'_>| {
                        let child = match e {
                            Edge::Strong(c) => c,
                            Edge::Ephemeron(Some(k), v) => {
                                if k.index.get() != UNTRACKED && k.scratch.get() != ALIVE {
                                    pending.push((k as *const Header, v as *const Header));
                                    return;
                                }
                                v
                            }
                            // Dead key: the value is unreachable through this entry.
                            Edge::Ephemeron(None, _) => return,
                        };
                        let idx = child.index.get();
                        if idx != UNTRACKED && child.scratch.get() != ALIVE {
                            child.scratch.set(ALIVE);
                            work.push(idx);
                        }
                    },
                });
            }
            // Re-examine deferred entries whose key has been marked since.
            let before = pending.len();
            pending.retain(|&(k, v)| {
                // SAFETY: both headers belong to cells that are allocated for the whole
                // collection (nothing is freed before `find_garbage` returns).
                let (k, v) = unsafe { (&*k, &*v) };
                if k.scratch.get() != ALIVE {
                    return true;
                }
                let idx = v.index.get();
                if idx != UNTRACKED && v.scratch.get() != ALIVE {
                    v.scratch.set(ALIVE);
                    work.push(idx);
                }
                false
            });
            if work.is_empty() && pending.len() == before {
                break;
            }
        }
        // 4. The rest is garbage.
        cells
            .into_iter()
            .filter(|p| {
                // SAFETY: as above.
                unsafe { p.as_ref().header.scratch.get() != ALIVE }
            })
            .collect()
    }
}

impl HeapState {
    #[inline]
    fn charge(&self, bytes: usize) -> Result<(), OutOfMemory> {
        let total = self.bytes.get().checked_add(bytes).ok_or(OutOfMemory)?;
        if total > self.limit.get() {
            return Err(OutOfMemory);
        }
        self.bytes.set(total);
        self.allocated_since_gc
            .set(self.allocated_since_gc.get().saturating_add(bytes));
        Ok(())
    }
    #[inline]
    fn refund(&self, bytes: usize) {
        self.bytes.set(self.bytes.get().saturating_sub(bytes));
    }
}

/// Puts a cell whose count reached zero on the free list and, unless a drain is already
/// running further up the stack, drains the list.
///
/// # Safety
/// `p` must point at a live cell whose count is zero, and no handle to it may exist.
unsafe fn release(p: NonNull<GcBox<dyn Trace>>) {
    // SAFETY: caller guarantees `p` is live; the heap state outlives its cells.
    let heap_ptr = unsafe { p.as_ref().header.heap };
    // SAFETY: the heap state outlives its cells (module invariant).
    let heap = unsafe { heap_ptr.as_ref() };
    heap.free_list.borrow_mut().push(p);
    if heap.draining.get() {
        return;
    }
    heap.draining.set(true);
    drain(heap);
    heap.draining.set(false);
    if heap.orphaned.get() && heap.count.get() == 0 {
        // SAFETY: the owner is gone and no cell remains, so nothing can reach the state.
        drop(unsafe { Box::from_raw(heap_ptr.as_ptr()) });
    }
}

/// Frees one cell: unlinks it, clears weak slots, refunds its bytes and drops the payload
/// (whose children at most join the free list).
///
/// # Safety
/// `p` must be a cell with count zero, taken from the free list.
unsafe fn free_one(heap: &HeapState, p: NonNull<GcBox<dyn Trace>>) {
    // SAFETY: caller guarantees the cell is still allocated.
    let b = unsafe { p.as_ref() };
    let idx = b.header.index.get();
    if idx != UNTRACKED {
        let mut cells = heap.cells.borrow_mut();
        let last = cells.len() - 1; // invariant: a tracked cell is on the list, so len > 0.
        cells.swap_remove(idx as usize);
        if (idx as usize) < last {
            // SAFETY: cells on the list are allocated.
            unsafe { cells[idx as usize].as_ref().header.index.set(idx) };
        }
    }
    if b.header.flags.get() & FLAG_WEAK_TARGET != 0 {
        let addr = p.as_ptr() as *const u8 as usize;
        if let Some(slot) = heap.weak.borrow_mut().remove(&addr) {
            slot.set(None);
        }
        heap.weak_deaths.set(heap.weak_deaths.get() + 1);
    }
    let size = std::mem::size_of_val(b) + b.value.extra_bytes();
    heap.refund(size);
    heap.count.set(heap.count.get() - 1);
    // SAFETY: the allocation came from `Box::leak` in `Heap::alloc` with this same type
    // (unsized to `dyn Trace`); the count is zero and it is off every list, so this is the
    // only owner.
    drop(unsafe { Box::from_raw(p.as_ptr()) });
}

impl Drop for Heap {
    fn drop(&mut self) {
        // Free cycles, then break whatever is still referenced from outside (values an
        // embedder kept past the runtime): their payloads are cleared, the cells stay valid
        // until their last handle goes, and the state lives until the last cell is freed.
        self.collect();
        let s = self.st();
        let cells: Vec<NonNull<GcBox<dyn Trace>>> = s.cells.borrow().clone();
        for &p in &cells {
            // SAFETY: tracked cells are allocated; hold a count on each while clearing.
            let h = unsafe { &p.as_ref().header };
            h.rc.set(h.rc.get() + 1);
        }
        for &p in &cells {
            // SAFETY: kept alive by the count taken above.
            unsafe { p.as_ref().value.clear() };
        }
        // Drain with `draining` set so no nested `release` frees the state under us.
        s.draining.set(true);
        for p in cells {
            // SAFETY: kept alive by our temporary count, which we now give up.
            let h = unsafe { &p.as_ref().header };
            let rc = h.rc.get() - 1;
            h.rc.set(rc);
            if rc == 0 {
                s.free_list.borrow_mut().push(p);
            }
        }
        drain(s);
        s.draining.set(false);
        s.orphaned.set(true);
        if s.count.get() == 0 {
            // SAFETY: no cell remains and the owner is going away: nothing can reach the
            // state any more.
            drop(unsafe { Box::from_raw(self.state.as_ptr()) });
        }
    }
}

/// Frees everything on the free list, including what joins it meanwhile.
fn drain(heap: &HeapState) {
    loop {
        let next = heap.free_list.borrow_mut().pop();
        match next {
            // SAFETY: every pointer on the free list had its count reach zero and has not
            // been freed yet (each is pushed exactly once, when its count hits zero).
            Some(c) => unsafe { free_one(heap, c) },
            None => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A test payload: one optional outgoing edge.
    struct Node {
        next: RefCell<Option<Gc<Node>>>,
    }
    impl Trace for Node {
        fn trace(&self, t: &mut Tracer<'_>) {
            if let Some(n) = &*self.next.borrow() {
                t.edge(n);
            }
        }
        fn clear(&self) {
            let old = self.next.borrow_mut().take();
            drop(old);
        }
    }

    fn node(h: &Heap, next: Option<Gc<Node>>) -> Gc<Node> {
        h.alloc(
            Node {
                next: RefCell::new(next),
            },
            true,
        )
        .unwrap()
    }

    /// Miri runs this test with a short list; natively it is the 10^7 case of DESIGN.md.
    #[test]
    fn long_list_frees_without_recursion() {
        let n = if cfg!(miri) { 1000 } else { 10_000_000 };
        let h = Heap::new();
        let mut head: Option<Gc<Node>> = None;
        for _ in 0..n {
            head = Some(node(&h, head.take()));
        }
        assert_eq!(h.usage().cells, n);
        drop(head);
        assert_eq!(h.usage().cells, 0);
        assert_eq!(h.bytes(), 0);
    }

    #[test]
    fn cycle_is_collected() {
        let h = Heap::new();
        let a = node(&h, None);
        let b = node(&h, Some(a.clone()));
        *a.next.borrow_mut() = Some(b.clone());
        let kept = node(&h, None);
        let c = node(&h, Some(kept.clone()));
        *kept.next.borrow_mut() = Some(c);
        drop(b);
        drop(a);
        assert_eq!(h.usage().cells, 4);
        h.collect();
        // The a<->b cycle is garbage; kept<->c is referenced from `kept`.
        assert_eq!(h.usage().cells, 2);
        assert!(kept.next.borrow().is_some());
        drop(kept);
        h.collect();
        assert_eq!(h.usage().cells, 0);
        assert_eq!(h.bytes(), 0);
    }

    #[test]
    fn weak_handles_clear_on_death() {
        let h = Heap::new();
        let a = node(&h, None);
        let w = a.downgrade();
        assert!(w.upgrade().is_some());
        let d0 = h.weak_deaths();
        drop(a);
        assert!(w.upgrade().is_none());
        assert!(w.is_dead());
        assert_eq!(h.weak_deaths(), d0 + 1);
    }

    #[test]
    fn memory_limit_refuses_and_recovers() {
        let h = Heap::new();
        h.set_memory_limit(1024);
        let mut v = Vec::new();
        let err = loop {
            match h.alloc(
                Node {
                    next: RefCell::new(None),
                },
                true,
            ) {
                Ok(n) => v.push(n),
                Err(e) => break e,
            }
        };
        assert_eq!(err, OutOfMemory);
        v.clear();
        assert_eq!(h.bytes(), 0);
        assert!(h
            .alloc(
                Node {
                    next: RefCell::new(None)
                },
                true
            )
            .is_ok());
    }

    /// A WeakMap-like payload: entries hold keys weakly and values strongly.
    struct WMap {
        entries: RefCell<Vec<(GcWeak<Node>, Gc<Node>)>>,
    }
    impl Trace for WMap {
        fn trace(&self, t: &mut Tracer<'_>) {
            for (k, v) in self.entries.borrow().iter() {
                t.ephemeron(k, v);
            }
        }
        fn clear(&self) {
            let old = std::mem::take(&mut *self.entries.borrow_mut());
            drop(old);
        }
    }

    #[test]
    fn ephemerons_do_not_keep_their_keys_alive() {
        let h = Heap::new();
        let map = h
            .alloc(
                WMap {
                    entries: RefCell::new(Vec::new()),
                },
                true,
            )
            .unwrap();
        // Entry 1: the value references its own key; nothing else holds the key.
        let k1 = node(&h, None);
        let v1 = node(&h, Some(k1.clone()));
        // Entry 2: the key is held from outside; its value must survive.
        let k2 = node(&h, None);
        let inner = node(&h, None);
        let v2 = node(&h, Some(inner.clone()));
        drop(inner);
        map.entries.borrow_mut().push((k1.downgrade(), v1.clone()));
        map.entries.borrow_mut().push((k2.downgrade(), v2.clone()));
        let w1 = k1.downgrade();
        drop((k1, v1, v2));
        h.collect();
        assert!(
            w1.is_dead(),
            "the self-referencing entry's key was collected"
        );
        // The live entry's value kept its child.
        assert!(map.entries.borrow()[1].1.next.borrow().is_some());
        // The map sweeps dead entries lazily; after that only k2's entry remains.
        map.entries.borrow_mut().retain(|(k, _)| !k.is_dead());
        assert_eq!(map.entries.borrow().len(), 1);
        drop(k2);
        drop(map);
        h.collect();
        assert_eq!(h.usage().cells, 0);
        assert_eq!(h.bytes(), 0);
    }

    #[test]
    fn handles_outliving_the_heap_stay_valid() {
        let h = Heap::new();
        let a = node(&h, None);
        let b = node(&h, Some(a.clone()));
        *a.next.borrow_mut() = Some(b.clone());
        drop(h);
        // The heap cleared the cycle; the handles still point at valid empty cells.
        assert!(a.next.borrow().is_none());
        drop(a);
        drop(b);
    }
}
