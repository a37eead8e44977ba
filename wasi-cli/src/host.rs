//! The `Host` implementation of the `qjs` command: wall clock, local time zone offset,
//! randomness, console output and file-system module loading.
//!
//! Invariants: nothing here panics on I/O failure (a closed stdout drops output silently, as
//! `qjs` does with `SIGPIPE` ignored); module names are normalised paths, so one file has one
//! canonical name whatever specifier reached it.

use qjs_engine::{Host, OutputStream};
use std::cell::RefCell;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// Where console output goes.
pub enum Sink {
    /// The process's stdout/stderr.
    Process,
    /// Captured lines (stream, text), for embedders such as the test262 runner.
    Capture(RefCell<Vec<(OutputStream, String)>>),
}

pub struct CliHost {
    pub sink: Sink,
    /// Fixed offset from `TZ` (minutes east of UTC), read once at start-up.
    tz_offset_minutes: i32,
}

impl CliHost {
    pub fn new(sink: Sink) -> CliHost {
        CliHost {
            sink,
            tz_offset_minutes: tz_offset_from_env(),
        }
    }

    /// Captured output lines, in order (empty for [`Sink::Process`]).
    pub fn take_captured(&self) -> Vec<(OutputStream, String)> {
        match &self.sink {
            Sink::Process => Vec::new(),
            Sink::Capture(lines) => std::mem::take(&mut *lines.borrow_mut()),
        }
    }
}

/// Local time zone offset without libc: WASI has no time zone at all (0), and natively a
/// POSIX `TZ` value of the form `NAME[+|-]HH[:MM]...` gives the standard offset (the DST rule
/// is ignored; `TZ` unset or unparsable means UTC). This is the documented approximation.
fn tz_offset_from_env() -> i32 {
    if cfg!(target_os = "wasi") {
        return 0;
    }
    std::env::var("TZ")
        .ok()
        .and_then(|tz| parse_posix_tz_offset(&tz))
        .unwrap_or(0)
}

/// Parses the standard offset of a POSIX TZ string (`EST5EDT` → -300, `CET-1` → 60).
fn parse_posix_tz_offset(tz: &str) -> Option<i32> {
    let tz = tz.strip_prefix(':').unwrap_or(tz);
    let rest = tz.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    if rest.len() == tz.len() || rest.is_empty() {
        return None;
    }
    let (sign, rest) = match rest.as_bytes().first() {
        Some(b'-') => (1, &rest[1..]),
        Some(b'+') => (-1, &rest[1..]),
        _ => (-1, rest),
    };
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ':'))
        .unwrap_or(rest.len());
    let mut parts = rest[..end].split(':');
    let hours: i32 = parts.next()?.parse().ok()?;
    let minutes: i32 = parts.next().map(|m| m.parse().ok()).unwrap_or(Some(0))?;
    if hours > 24 || minutes > 59 {
        return None;
    }
    // POSIX offsets are west-positive; the engine wants east-positive.
    Some(sign * (hours * 60 + minutes))
}

/// Lexically normalises a path: drops `.`, folds `dir/..`.
pub fn normalize_path(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let popped =
                    matches!(out.components().next_back(), Some(Component::Normal(_))) && out.pop();
                if !popped {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Resolves a module specifier as `qjs` does: `./` and `../` are relative to the directory of
/// the referrer; anything else is taken as a path as is.
pub fn resolve_relative(specifier: &str, referrer: &str) -> String {
    let path = if specifier.starts_with("./") || specifier.starts_with("../") {
        let base = Path::new(referrer).parent().unwrap_or(Path::new(""));
        base.join(specifier)
    } else {
        PathBuf::from(specifier)
    };
    normalize_path(&path).to_string_lossy().into_owned()
}

impl Host for CliHost {
    fn now_ms(&self) -> f64 {
        match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => (d.as_micros() / 1000) as f64,
            Err(_) => 0.0,
        }
    }

    fn local_tz_offset_minutes(&self, _utc_ms: f64) -> i32 {
        self.tz_offset_minutes
    }

    fn random_seed(&self) -> u64 {
        // `RandomState` is seeded from the OS (getrandom natively, `random_get` on WASI).
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        h.finish()
    }

    fn write_line(&self, stream: OutputStream, line: &str) {
        match &self.sink {
            Sink::Process => {
                // Errors (a closed pipe) are ignored: output is best effort, as in `qjs`.
                let _ = match stream {
                    OutputStream::Stdout => writeln!(std::io::stdout().lock(), "{line}"),
                    OutputStream::Stderr => writeln!(std::io::stderr().lock(), "{line}"),
                };
            }
            Sink::Capture(lines) => lines.borrow_mut().push((stream, line.to_string())),
        }
    }

    fn resolve_module(&self, specifier: &str, referrer: &str) -> Result<String, String> {
        Ok(resolve_relative(specifier, referrer))
    }

    /// `file://` plus the absolute path, as QuickJS's `js_module_set_import_meta` does; a
    /// name that is already a URL is kept.
    fn import_meta_url(&self, name: &str) -> Option<String> {
        if name.contains("://") {
            return Some(name.to_string());
        }
        let path = std::fs::canonicalize(name)
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| name.to_string());
        Some(format!("file://{path}"))
    }

    fn load_module(&self, name: &str) -> Result<String, String> {
        std::fs::read_to_string(name).map_err(|e| format!("could not load module '{name}': {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tz_strings() {
        assert_eq!(parse_posix_tz_offset("EST5EDT"), Some(-300));
        assert_eq!(parse_posix_tz_offset("CET-1CEST"), Some(60));
        assert_eq!(parse_posix_tz_offset("IST-5:30"), Some(330));
        assert_eq!(parse_posix_tz_offset("UTC0"), Some(0));
        assert_eq!(parse_posix_tz_offset("UTC"), None);
        assert_eq!(parse_posix_tz_offset("Europe/Paris"), None);
    }

    #[test]
    fn relative_resolution() {
        assert_eq!(resolve_relative("./b.js", "dir/a.js"), "dir/b.js");
        assert_eq!(resolve_relative("../b.js", "dir/sub/a.js"), "dir/b.js");
        assert_eq!(resolve_relative("./x/../b.js", "a.js"), "b.js");
        assert_eq!(resolve_relative("lib.js", "dir/a.js"), "lib.js");
        assert_eq!(resolve_relative("../../b.js", "a.js"), "../../b.js");
    }
}
