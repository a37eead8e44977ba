//! Realms: the intrinsics table and the global object.
