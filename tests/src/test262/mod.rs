//! test262 runner library (see src/bin/test262.rs).
