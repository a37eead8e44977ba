//! Runs every `tests/js` suite through the native `qjs` (as a subprocess) and through
//! `qjs.wasm` under wasmtime, and requires both to pass with byte-identical stdout, stderr and
//! exit code (DESIGN.md non-negotiable 8).
//!
//! A suite passes when `qjs` exits 0 and its last stdout line is `ok: N tests` (printed by
//! the harness's `report()`). Failures are judged against `tests/js/known-failures.txt`
//! (`qjs_tests::check_known`): only a failure not listed there fails. `every_suite_is_listed` keeps the list below complete, so no
//! suite is skipped silently.

use qjs_tests::{check_known, run_native, wasm_qjs, workspace_root, RunOutput};
use std::path::PathBuf;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(120);

const SUITES: &[&str] = &[
    "basics.js",
    "control.js",
    "functions.js",
    "objects.js",
    "classes.js",
    "iterators.js",
    "async.js",
    "builtins.js",
    "using.js",
    "lang.js",
    "typedarrays.js",
    "iterator-helpers.js",
    "modules/main.mjs",
];

fn js_dir() -> PathBuf {
    workspace_root().join("tests/js")
}

fn passed(out: &RunOutput) -> bool {
    out.code == Some(0)
        && out.trap.is_none()
        && out
            .stdout
            .lines()
            .last()
            .is_some_and(|l| l.starts_with("ok: "))
}

/// The most telling line of a failed run: a `FAIL` line, else stderr's first line.
fn first_error(out: &RunOutput) -> String {
    if let Some(t) = &out.trap {
        return format!("trap: {t}");
    }
    let fail = out.stdout.lines().find(|l| l.starts_with("FAIL "));
    let line = fail
        .or_else(|| out.stderr.lines().next())
        .unwrap_or("no output");
    format!("exit {:?}: {line}", out.code)
}

fn describe(target: &str, out: &RunOutput) -> String {
    format!(
        "--- {target}: exit {:?}, trap {:?}\n--- stdout:\n{}--- stderr:\n{}",
        out.code, out.trap, out.stdout, out.stderr
    )
}

fn run_suite(file: &str) {
    let args = ["-I", "harness/assert.js", file];
    let native = run_native(
        std::path::Path::new(env!("CARGO_BIN_EXE_qjs-native")),
        &args,
        &js_dir(),
        TIMEOUT,
    );
    let wasm = match wasm_qjs() {
        Ok(w) => w.run(&args, &js_dir(), TIMEOUT),
        Err(e) => panic!("{file}: qjs.wasm unavailable: {e}"),
    };
    let mut problems = Vec::new();
    if !passed(&native) {
        problems.push(format!(
            "native: {}\n{}",
            first_error(&native),
            describe("native", &native)
        ));
    }
    if !passed(&wasm) {
        problems.push(format!(
            "wasm: {}\n{}",
            first_error(&wasm),
            describe("wasm", &wasm)
        ));
    }
    if native.code != wasm.code || native.stdout != wasm.stdout || native.stderr != wasm.stderr {
        problems.push(format!(
            "native and wasm disagree\n{}{}",
            describe("native", &native),
            describe("wasm", &wasm)
        ));
    }
    let result = if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    };
    check_known(file, result);
}

macro_rules! suites {
    ($($name:ident => $file:literal),* $(,)?) => {
        $( #[test] fn $name() { run_suite($file); } )*
    };
}

suites! {
    basics => "basics.js",
    control => "control.js",
    functions => "functions.js",
    objects => "objects.js",
    classes => "classes.js",
    iterators => "iterators.js",
    async_ => "async.js",
    builtins => "builtins.js",
    using => "using.js",
    lang => "lang.js",
    typedarrays => "typedarrays.js",
    iterator_helpers => "iterator-helpers.js",
    modules => "modules/main.mjs",
}

#[test]
fn every_suite_is_listed() {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(js_dir()).expect("tests/js exists") {
        let name = entry
            .expect("readable dir entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".js") {
            found.push(name);
        }
    }
    for name in &found {
        assert!(
            SUITES.contains(&name.as_str()),
            "tests/js/{name} is not listed in SUITES"
        );
    }
    assert!(
        found.len() + 1 == SUITES.len(),
        "SUITES lists a file that does not exist"
    );
}
