//! Shared helpers for the integration tests and the runners in `src/bin/`: locating the
//! workspace and the target directory, running the native `qjs` as a subprocess with a
//! watchdog, and running `qjs.wasm` under wasmtime ([`wasm_host`]).
//!
//! Invariants: every subprocess is waited for or killed (no zombies, no hangs past its
//! timeout); outputs are compared as exact strings, so native and wasm must agree byte for
//! byte.

pub mod test262;
pub mod wasm_host;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub use wasm_host::RunOutput;

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| here.to_path_buf())
}

/// `$CARGO_TARGET_DIR` or `<workspace>/target`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) => {
            let d = PathBuf::from(d);
            if d.is_absolute() {
                d
            } else {
                workspace_root().join(d)
            }
        }
        None => workspace_root().join("target"),
    }
}

/// Runs `program args...` in `cwd`, killing it after `timeout`.
pub fn run_native(program: &Path, args: &[&str], cwd: &Path, timeout: Duration) -> RunOutput {
    let child = Command::new(program)
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            return RunOutput {
                code: None,
                stdout: String::new(),
                stderr: String::new(),
                trap: Some(format!("cannot run {}: {e}", program.display())),
            }
        }
    };
    // Drain the pipes on threads so a chatty child cannot block on a full pipe.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let start = Instant::now();
    let mut trap = None;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                trap = Some(format!("killed after the {}s watchdog", timeout.as_secs()));
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => {
                trap = Some(format!("wait failed: {e}"));
                break None;
            }
        }
    };
    let code = status.and_then(|s| s.code());
    if code.is_none() && trap.is_none() {
        trap = Some(format!("terminated by a signal: {status:?}"));
    }
    RunOutput {
        code,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
        trap,
    }
}

/// The compiled `qjs.wasm`, shared by all tests of a process. Built on first use when
/// missing (`cargo build --release -p qjs-cli --target wasm32-wasip1`), unless `QJS_WASM`
/// names a file.
pub fn wasm_qjs() -> Result<&'static wasm_host::WasmQjs, String> {
    static WASM: OnceLock<Result<wasm_host::WasmQjs, String>> = OnceLock::new();
    WASM.get_or_init(|| {
        let path = wasm_host::default_wasm_path();
        if std::env::var_os("QJS_WASM").is_none() {
            build_wasm()?;
        }
        wasm_host::WasmQjs::load(&path)
    })
    .as_ref()
    .map_err(|e| e.clone())
}

/// Brings `qjs.wasm` up to date with cargo (a no-op when it is).
pub fn build_wasm() -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "build",
            "--release",
            "-p",
            "qjs-cli",
            "--target",
            "wasm32-wasip1",
        ])
        .current_dir(workspace_root())
        .env("CARGO_TARGET_DIR", target_dir())
        .status()
        .map_err(|e| format!("cannot run cargo to build qjs.wasm: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "building qjs.wasm failed ({status}); is the wasm32-wasip1 target installed?"
        ))
    }
}

/// The committed list of JS-suite and hostile-input tests that are known to fail:
/// `tests/js/known-failures.txt`, one `name: first error line` per line (`#` comments).
pub fn known_failures_path() -> PathBuf {
    workspace_root().join("tests/js/known-failures.txt")
}

fn read_known_failures() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(known_failures_path()).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once(": ") {
            Some((n, m)) => (n.trim().to_string(), m.to_string()),
            None => (l.trim().to_string(), String::new()),
        })
        .collect()
}

/// Judges a test against the known-failures list (the ratchet): a failure that is listed
/// passes (it is printed), a failure that is not listed panics, a listed test that now passes
/// is printed as such. With `QJS_UPDATE_KNOWN=1` the list is rewritten to the observed state.
pub fn check_known(name: &str, result: Result<(), String>) {
    static UPDATE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let update = std::env::var_os("QJS_UPDATE_KNOWN").is_some_and(|v| v == "1");
    let first_line = |e: &str| {
        e.lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .to_string()
    };
    if update {
        let _guard = UPDATE.lock().unwrap_or_else(|p| p.into_inner());
        let mut list = read_known_failures();
        list.retain(|(n, _)| n != name);
        if let Err(e) = &result {
            list.push((name.to_string(), first_line(e)));
        }
        list.sort();
        let mut text = String::from(
            "# JS suites and hostile-input tests known to fail (name: first error line).\n\
             # Maintained by `QJS_UPDATE_KNOWN=1 cargo test -p qjs-tests`; a new failure fails CI.\n",
        );
        for (n, m) in &list {
            text.push_str(&format!("{n}: {m}\n"));
        }
        let _ = std::fs::write(known_failures_path(), text);
        return;
    }
    let listed = read_known_failures().into_iter().any(|(n, _)| n == name);
    match (result, listed) {
        (Ok(()), false) => {}
        (Ok(()), true) => eprintln!(
            "NOW PASSES: {name} (remove it from tests/js/known-failures.txt, or run with QJS_UPDATE_KNOWN=1)"
        ),
        (Err(e), true) => eprintln!("known failure: {name}: {}", first_line(&e)),
        (Err(e), false) => panic!("NEW FAILURE: {name}\n{e}"),
    }
}
