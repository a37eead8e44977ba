//! The interpreter's per-runtime state, held in [`crate::realm::Cx::vm`]. Owned by the `vm`
//! module; created empty by the runtime so the context can be built before the VM exists.

/// Interpreter state (frames, caches...). Filled in by the VM.
#[derive(Default)]
pub struct VmState {}
