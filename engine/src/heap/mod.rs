//! The heap: reference counting, the cycle collector, iterative freeing, memory accounting.
