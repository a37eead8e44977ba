//! Hostile inputs (issue 2, DESIGN.md non-negotiables 1, 3 and 4): each must end in a clean,
//! reported error — natively and under wasmtime — with the process alive to report it: no
//! signal, no trap, no watchdog kill, and the same output on both targets.
//!
//! Failures are judged against `tests/js/known-failures.txt` (`qjs_tests::check_known`).
//! Inputs are generated into `<target>/hostile/` (they are megabytes; nothing is committed).

use qjs_tests::{check_known, run_native, target_dir, wasm_qjs, RunOutput};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Watchdog for one run; the engine's own limits must stop everything well before it.
const WATCHDOG: Duration = Duration::from_secs(120);

fn work_dir() -> PathBuf {
    let dir = target_dir().join("hostile");
    std::fs::create_dir_all(&dir).expect("can create <target>/hostile");
    dir
}

fn write(name: &str, source: &str) {
    std::fs::write(work_dir().join(name), source).expect("can write hostile input");
}

/// What a run must show.
enum Expect {
    /// Exit 1 with an uncaught error whose first stderr line starts with one of these names.
    Uncaught(&'static [&'static str]),
    /// Exit 0 with exactly this stdout, first line allowed to vary after the given prefix.
    Caught {
        prefix: &'static str,
        then: &'static str,
    },
}

fn check(target: &str, out: &RunOutput, expect: &Expect) -> Result<(), String> {
    let show = || {
        format!(
            "{target}: exit {:?}, trap {:?}\nstdout: {}\nstderr: {}",
            out.code,
            out.trap,
            out.stdout.chars().take(2000).collect::<String>(),
            out.stderr.chars().take(2000).collect::<String>()
        )
    };
    if out.trap.is_some() {
        return Err(format!("{target}: the process did not survive\n{}", show()));
    }
    let Some(stdout) = out.stdout.strip_prefix("start\n") else {
        return Err(format!(
            "{target}: the engine did not start: {}\n{}",
            out.stderr.lines().next().unwrap_or(""),
            show()
        ));
    };
    match expect {
        Expect::Uncaught(names) => {
            let first = out.stderr.lines().next().unwrap_or("");
            if out.code != Some(1) || !names.iter().any(|n| first.starts_with(n)) {
                return Err(format!(
                    "{target}: expected an uncaught {names:?}\n{}",
                    show()
                ));
            }
        }
        Expect::Caught { prefix, then } => {
            let mut lines = stdout.lines();
            let first = lines.next().unwrap_or("");
            let rest: Vec<&str> = lines.collect();
            if out.code != Some(0) || !first.starts_with(prefix) || rest.join("\n") != *then {
                return Err(format!(
                    "{target}: expected a caught error `{prefix}...` then `{then}`\n{}",
                    show()
                ));
            }
        }
    }
    Ok(())
}

fn run_both(name: &str, args: &[&str], expect: Expect) {
    let dir = work_dir();
    // `-I start.js` runs first and prints `start`: proof that the engine itself ran, so an
    // engine that cannot start at all does not pass an "uncaught error" expectation.
    write("start.js", "print('start');\n");
    let mut full = vec!["-I", "start.js"];
    full.extend_from_slice(args);
    let args = &full[..];
    let native = run_native(
        Path::new(env!("CARGO_BIN_EXE_qjs-native")),
        args,
        &dir,
        WATCHDOG,
    );
    let wasm = match wasm_qjs() {
        Ok(w) => w.run(args, &dir, WATCHDOG),
        Err(e) => panic!("qjs.wasm unavailable: {e}"),
    };
    let mut problems = Vec::new();
    if let Err(e) = check("native", &native, &expect) {
        problems.push(e);
    }
    if let Err(e) = check("wasm", &wasm, &expect) {
        problems.push(e);
    }
    if native.code != wasm.code || native.stdout != wasm.stdout {
        problems.push(format!(
            "native and wasm disagree: native {:?} {:?} / wasm {:?} {:?}",
            native.code, native.stdout, wasm.code, wasm.stdout
        ));
    }
    let result = if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    };
    check_known(&format!("hostile/{name}"), result);
}

#[test]
fn nested_parentheses_100k() {
    let n = 100_000;
    write("parens.js", &format!("{}1{}", "(".repeat(n), ")".repeat(n)));
    run_both(
        "parens",
        &["parens.js"],
        Expect::Uncaught(&["SyntaxError", "RangeError", "InternalError"]),
    );
}

#[test]
fn nested_array_literal_1m() {
    let n = 1_000_000;
    write(
        "arrays.js",
        &format!("var a = {}{};", "[".repeat(n), "]".repeat(n)),
    );
    run_both(
        "arrays",
        &["arrays.js"],
        Expect::Uncaught(&["SyntaxError", "RangeError", "InternalError"]),
    );
}

#[test]
fn nested_json_array_1m() {
    write(
        "json.js",
        "var n = 1000000;\n\
         try { JSON.parse('['.repeat(n) + ']'.repeat(n)); print('parsed'); }\n\
         catch (e) { print('caught ' + e.name); }\n\
         print(JSON.stringify(JSON.parse('[[1]]')));\n",
    );
    run_both(
        "json",
        &["json.js"],
        Expect::Caught {
            prefix: "caught ",
            then: "[[1]]",
        },
    );
}

#[test]
fn unbounded_recursion() {
    write("recurse.js", "function f() { f(); }\nf();\n");
    run_both(
        "recurse",
        &["recurse.js"],
        Expect::Uncaught(&["RangeError", "InternalError"]),
    );
    write(
        "recurse_caught.js",
        "function f() { f(); }\ntry { f(); } catch (e) { print('caught ' + e.name); }\n\
         print(1 + 1);\n",
    );
    run_both(
        "recurse_caught",
        &["recurse_caught.js"],
        Expect::Caught {
            prefix: "caught ",
            then: "2",
        },
    );
}

#[test]
fn linked_list_10m_built_then_dropped() {
    write(
        "list.js",
        "var head = null;\n\
         for (var i = 0; i < 10000000; i++) head = { next: head };\n\
         head = null;\n\
         print('dropped');\n\
         head = null;\n\
         for (var i = 0; i < 10000000; i++) head = { next: head };\n\
         print('built again, freed at exit');\n",
    );
    run_both(
        "list",
        &["list.js"],
        Expect::Caught {
            prefix: "dropped",
            then: "built again, freed at exit",
        },
    );
}

#[test]
fn infinite_loop_time_limit() {
    write("loop.js", "while (true) {}\n");
    run_both(
        "loop",
        &["--time-limit", "1000", "loop.js"],
        Expect::Uncaught(&["InternalError", "Error"]),
    );
}

#[test]
fn allocation_loop_memory_limit() {
    write(
        "alloc.js",
        "var keep = [];\n\
         try {\n\
           for (var i = 0; ; i++) keep.push('x'.repeat(1000) + i);\n\
         } catch (e) {\n\
           keep = null;\n\
           print('caught ' + e.name + ': ' + e.message);\n\
         }\n\
         print([1, 2, 3].map(function (x) { return x * 2; }).join());\n",
    );
    run_both(
        "alloc",
        &["--memory-limit", "64M", "alloc.js"],
        Expect::Caught {
            prefix: "caught ",
            then: "2,4,6",
        },
    );
}

#[test]
fn array_buffer_over_memory_limit() {
    write(
        "arraybuffer.js",
        "try {\n\
           new ArrayBuffer(1e9);\n\
         } catch (e) {\n\
           print('caught ' + e.name + ': ' + e.message);\n\
         }\n\
         var b = new ArrayBuffer(1e10 > 0 ? 1024 : 0, { maxByteLength: 2048 });\n\
         try { b.resize(2000000000); } catch (e) { print(e.name); }\n\
         print(new Uint8Array(b).length);\n",
    );
    run_both(
        "arraybuffer",
        &["--memory-limit", "64M", "arraybuffer.js"],
        Expect::Caught {
            prefix: "caught RangeError",
            then: "RangeError\n1024",
        },
    );
}
