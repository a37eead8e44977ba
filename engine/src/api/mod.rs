//! The public embedding API: runtimes, contexts, evaluation, limits and the [`Host`] trait.
//!
//! This is the only public surface of the crate. Hosts (`wasi-cli`, `wasm-host`, the test
//! runners) use nothing else. Errors cross this boundary structured ([`JsError`]), never
//! flattened to a string.
//!
//! NOTE (bootstrap): the signatures below are the contract the hosts are written against;
//! the bodies are wired to the interpreter as it lands (issue 2).

use std::fmt;

/// What the engine needs from the world. The engine itself does no I/O.
pub trait Host {
    /// Milliseconds since the Unix epoch (`Date.now()`).
    fn now_ms(&self) -> f64 {
        0.0
    }
    /// Offset of local time from UTC in minutes at the given UTC time (positive east).
    fn local_tz_offset_minutes(&self, _utc_ms: f64) -> i32 {
        0
    }
    /// 64 random bits, used to seed `Math.random`.
    fn random_seed(&self) -> u64 {
        0x9E37_79B9_7F4A_7C15
    }
    /// Console output (`print`, `console.log`): one complete line without the newline.
    fn write_line(&self, stream: OutputStream, line: &str);
    /// Resolves a module specifier against the referrer's name into a canonical name.
    fn resolve_module(&self, specifier: &str, referrer: &str) -> Result<String, String> {
        let _ = referrer;
        Ok(specifier.to_string())
    }
    /// Loads the source text of a module by its canonical name.
    fn load_module(&self, name: &str) -> Result<String, String> {
        Err(format!("cannot load module '{name}': the host provides no module loader"))
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum OutputStream {
    Stdout,
    Stderr,
}

/// How to treat source text given to [`Context::eval`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum SourceKind {
    Script,
    Module,
}

#[derive(Clone, Debug)]
pub struct EvalOptions {
    /// File name used in stack traces and syntax errors, and as the module referrer.
    pub filename: String,
    pub kind: SourceKind,
    /// Evaluate a script as strict mode code (test262 `onlyStrict`).
    pub strict: bool,
}

impl EvalOptions {
    pub fn script(filename: &str) -> EvalOptions {
        EvalOptions { filename: filename.to_string(), kind: SourceKind::Script, strict: false }
    }
    pub fn module(filename: &str) -> EvalOptions {
        EvalOptions { filename: filename.to_string(), kind: SourceKind::Module, strict: true }
    }
}

/// A JavaScript exception as seen by a host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsError {
    /// `name` of the thrown error (`SyntaxError`, `TypeError`, ...); for a thrown non-Error
    /// value, empty.
    pub name: String,
    /// `message`, or the thrown value converted to a string.
    pub message: String,
    /// The stack trace, one `    at function (file:line:column)` line per frame.
    pub stack: String,
    /// True for an uncatchable interrupt (time limit, host interrupt handler).
    pub interrupted: bool,
}

impl fmt::Display for JsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.name.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.name, self.message)
        }
    }
}

impl std::error::Error for JsError {}
