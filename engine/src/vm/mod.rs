//! The interpreter: one loop over heap-allocated frames, calls, exceptions, generators, jobs.

pub mod state;
