//! Running one test262 test in one mode, in-process, through the engine API (via
//! `qjs_cli::engine`, the same adapter `qjs` uses): a fresh runtime and realm per run, `$262`
//! installed, the harness evaluated, the test evaluated, the job queue drained, and the result
//! judged by INTERPRETING.md (negative phase/type, async `$DONE` protocol).
//!
//! Invariant: the verdict depends only on the test, the mode and the engine — never on the
//! machine: error messages have the suite's location stripped so `known-failures.txt` is
//! portable.

use super::meta::{self, Meta, Mode, Phase};
use qjs_cli::engine::{Engine, Limits};
use qjs_cli::host::{CliHost, Sink};
use qjs_engine::{EvalOptions, JsError, OutputStream};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

/// Memory limit per test run: far above what any test needs, low enough that a runaway
/// allocation fails inside the engine instead of exhausting the machine.
pub const MEMORY_LIMIT: usize = 1 << 30;

/// Longest error text kept in `known-failures.txt`.
const MESSAGE_MAX: usize = 120;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail(String),
}

/// Everything a verbose run shows about one execution.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    pub output: Vec<String>,
    pub error: Option<JsError>,
    pub test_source: String,
}

/// The unpacked suite and a cache of harness files.
pub struct Suite {
    /// The directory holding `harness/` and `test/`.
    pub root: PathBuf,
    harness: RefCell<HashMap<String, Rc<str>>>,
}

impl Suite {
    pub fn new(root: PathBuf) -> Suite {
        Suite {
            root,
            harness: RefCell::new(HashMap::new()),
        }
    }

    pub fn test_dir(&self) -> PathBuf {
        self.root.join("test")
    }

    fn harness_file(&self, name: &str) -> Result<Rc<str>, String> {
        if let Some(s) = self.harness.borrow().get(name) {
            return Ok(s.clone());
        }
        let text: Rc<str> = std::fs::read_to_string(self.root.join("harness").join(name))
            .map_err(|e| format!("harness file {name}: {e}"))?
            .into();
        self.harness
            .borrow_mut()
            .insert(name.to_string(), text.clone());
        Ok(text)
    }

    /// Strips the suite's location from a message and keeps its first line, shortened.
    pub fn clean_message(&self, msg: &str) -> String {
        let root = self.root.to_string_lossy();
        let mut line = msg
            .lines()
            .next()
            .unwrap_or("")
            .replace(&format!("{root}/"), "");
        line = line.replace(['\t', '\r'], " ");
        if line.len() > MESSAGE_MAX {
            let mut cut = MESSAGE_MAX;
            while !line.is_char_boundary(cut) {
                cut -= 1;
            }
            line.truncate(cut);
            line.push_str("...");
        }
        line
    }
}

fn describe(e: &JsError) -> String {
    if e.interrupted {
        format!("timeout: {e}")
    } else {
        e.to_string()
    }
}

/// Runs `rel_path` (relative to `test/`) in `mode`.
pub fn run(suite: &Suite, rel_path: &str, mode: Mode, time_limit: Duration) -> (Outcome, Trace) {
    let mut trace = Trace::default();
    let outcome = match run_inner(suite, rel_path, mode, time_limit, &mut trace) {
        Ok(o) => o,
        Err(msg) => Outcome::Fail(msg),
    };
    let outcome = match outcome {
        Outcome::Fail(m) => Outcome::Fail(suite.clean_message(&m)),
        pass => pass,
    };
    (outcome, trace)
}

fn run_inner(
    suite: &Suite,
    rel_path: &str,
    mode: Mode,
    time_limit: Duration,
    trace: &mut Trace,
) -> Result<Outcome, String> {
    let path = suite.test_dir().join(rel_path);
    let source = std::fs::read_to_string(&path).map_err(|e| format!("cannot read test: {e}"))?;
    let meta = meta::parse(&source).map_err(|e| format!("bad frontmatter: {e}"))?;
    let host = Rc::new(CliHost::new(Sink::Capture(RefCell::new(Vec::new()))));
    let limits = Limits {
        memory_limit: Some(MEMORY_LIMIT),
        stack_size: None,
        time_limit: Some(time_limit),
    };
    let mut engine = Engine::new(host.clone(), &limits).map_err(|e| describe(&e))?;
    engine.install_test262_host().map_err(|e| describe(&e))?;

    if mode != Mode::Raw {
        let mut files = vec!["assert.js", "sta.js"];
        if meta.has_flag("async") {
            files.push("doneprintHandle.js");
        }
        files.extend(meta.includes.iter().map(String::as_str));
        for f in files {
            let text = suite.harness_file(f)?;
            engine
                .eval(&text, &EvalOptions::script(&format!("harness/{f}")))
                .map_err(|e| format!("harness {f}: {}", describe(&e)))?;
        }
    }

    let filename = path.to_string_lossy().into_owned();
    let (text, opts) = match mode {
        Mode::Strict => (
            format!("\"use strict\";\n{source}"),
            EvalOptions::script(&filename),
        ),
        Mode::Module => (source.clone(), EvalOptions::module(&filename)),
        Mode::Sloppy | Mode::Raw => (source.clone(), EvalOptions::script(&filename)),
    };
    trace.test_source = text.clone();
    let result = engine.eval(&text, &opts).and_then(|()| engine.run_jobs());
    trace.output = host
        .take_captured()
        .into_iter()
        .map(|(s, l)| match s {
            OutputStream::Stdout => l,
            OutputStream::Stderr => format!("[stderr] {l}"),
        })
        .collect();
    trace.error = result.as_ref().err().cloned();
    drop(engine);
    Ok(judge(&meta, &result, &trace.output))
}

/// The verdict of INTERPRETING.md "Test Results", `negative` and `async`.
pub fn judge(meta: &Meta, result: &Result<(), JsError>, output: &[String]) -> Outcome {
    if let Some(neg) = &meta.negative {
        return match result {
            Ok(()) => Outcome::Fail(format!(
                "expected {} ({} phase), but no error was thrown",
                neg.error_type,
                match neg.phase {
                    Phase::Parse => "parse",
                    Phase::Resolution => "resolution",
                    Phase::Runtime => "runtime",
                }
            )),
            Err(e) if e.interrupted => Outcome::Fail(describe(e)),
            Err(e) if e.name == neg.error_type => Outcome::Pass,
            Err(e) => Outcome::Fail(format!("expected {}, got {}", neg.error_type, describe(e))),
        };
    }
    if let Err(e) = result {
        return Outcome::Fail(describe(e));
    }
    if meta.has_flag("async") {
        if let Some(f) = output
            .iter()
            .find(|l| l.starts_with("Test262:AsyncTestFailure:"))
        {
            return Outcome::Fail(f.clone());
        }
        if !output.iter().any(|l| l == "Test262:AsyncTestComplete") {
            return Outcome::Fail("async test did not print Test262:AsyncTestComplete".to_string());
        }
    }
    Outcome::Pass
}

/// Finds the suite: `$TEST262_DIR`, else `<target>/test262/test262`, unpacked on first use
/// from `shared/test262/test262.tar.xz` found beside the workspace (or `$QJS_SHARED_DIR`).
pub fn locate_suite() -> Result<PathBuf, String> {
    if let Some(d) = std::env::var_os("TEST262_DIR") {
        let d = PathBuf::from(d);
        if d.join("test").is_dir() && d.join("harness").is_dir() {
            return Ok(d);
        }
        return Err(format!(
            "TEST262_DIR={} has no test/ and harness/",
            d.display()
        ));
    }
    let unpack_root = crate::target_dir().join("test262");
    let dir = unpack_root.join("test262");
    if dir.join("test").is_dir()
        && dir.join("harness").is_dir()
        && unpack_root.join(".complete").exists()
    {
        return Ok(dir);
    }
    let archive = find_archive().ok_or_else(|| {
        "test262 not found: set TEST262_DIR, or put shared/test262/test262.tar.xz beside the \
         workspace (or set QJS_SHARED_DIR)"
            .to_string()
    })?;
    eprintln!(
        "test262: unpacking {} into {}",
        archive.display(),
        unpack_root.display()
    );
    let _ = std::fs::remove_dir_all(&unpack_root);
    std::fs::create_dir_all(&unpack_root).map_err(|e| format!("{}: {e}", unpack_root.display()))?;
    let status = std::process::Command::new("tar")
        .arg("-xJf")
        .arg(&archive)
        .arg("-C")
        .arg(&unpack_root)
        .status()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    if !status.success() {
        return Err(format!(
            "tar failed ({status}) unpacking {}",
            archive.display()
        ));
    }
    std::fs::write(unpack_root.join(".complete"), b"").map_err(|e| e.to_string())?;
    Ok(dir)
}

fn find_archive() -> Option<PathBuf> {
    let rel = Path::new("test262/test262.tar.xz");
    if let Some(d) = std::env::var_os("QJS_SHARED_DIR") {
        let p = PathBuf::from(d).join(rel);
        return p.exists().then_some(p);
    }
    let root = crate::workspace_root();
    root.ancestors()
        .skip(1)
        .map(|a| a.join("shared").join(rel))
        .find(|p| p.exists())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test262::meta::Negative;

    fn err(name: &str) -> Result<(), JsError> {
        Err(JsError {
            name: name.into(),
            message: "m".into(),
            stack: String::new(),
            interrupted: false,
        })
    }

    #[test]
    fn verdicts() {
        let plain = Meta::default();
        assert_eq!(judge(&plain, &Ok(()), &[]), Outcome::Pass);
        assert_eq!(
            judge(&plain, &err("TypeError"), &[]),
            Outcome::Fail("TypeError: m".into())
        );
        let neg = Meta {
            negative: Some(Negative {
                phase: Phase::Parse,
                error_type: "SyntaxError".into(),
            }),
            ..Meta::default()
        };
        assert_eq!(judge(&neg, &err("SyntaxError"), &[]), Outcome::Pass);
        assert!(matches!(
            judge(&neg, &err("Test262Error"), &[]),
            Outcome::Fail(_)
        ));
        assert!(matches!(judge(&neg, &Ok(()), &[]), Outcome::Fail(_)));
        let asy = Meta {
            flags: vec!["async".into()],
            ..Meta::default()
        };
        assert!(matches!(judge(&asy, &Ok(()), &[]), Outcome::Fail(_)));
        assert_eq!(
            judge(&asy, &Ok(()), &["Test262:AsyncTestComplete".into()]),
            Outcome::Pass
        );
        assert!(matches!(
            judge(
                &asy,
                &Ok(()),
                &["Test262:AsyncTestFailure:Test262Error: x".into()]
            ),
            Outcome::Fail(_)
        ));
    }
}
