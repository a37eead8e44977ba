//! Immutable reference-counted JavaScript strings (Latin-1 or UTF-16, ropes).
