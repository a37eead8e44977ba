//! The Date constructor and Date.prototype (in progress), and the host-time accessors every
//! builtin uses: [`Cx::host_now_ms`], [`Cx::host_tz_offset_minutes`],
//! [`Cx::host_random_seed`]. Spec: #sec-date-objects
//!
//! Invariant: the engine reads the clock, the time zone and randomness only through the
//! embedder's `Host` (DESIGN non-negotiable 5); without a host, time is the epoch, the zone
//! is UTC and the seed is a constant.

use crate::realm::Cx;

impl Cx {
    /// Milliseconds since the epoch from the host.
    pub fn host_now_ms(&self) -> f64 {
        // TODO(vm-merge): read `self.vm.host` once the VM state holds the host.
        0.0
    }
    /// Local time zone offset in minutes (positive east of UTC) at `utc_ms`.
    pub fn host_tz_offset_minutes(&self, _utc_ms: f64) -> i32 {
        0
    }
    /// 64 bits to seed `Math.random`.
    pub fn host_random_seed(&self) -> u64 {
        0x9E37_79B9_7F4A_7C15
    }
}
