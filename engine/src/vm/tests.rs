//! End-to-end tests of the interpreter through the public API: parse → compile → run.

use crate::api::{EvalOptions, Host, OutputStream, Runtime};
use std::cell::RefCell;
use std::rc::Rc;

#[derive(Default)]
struct Capture(RefCell<Vec<String>>);

impl Host for Capture {
    fn write_line(&self, _: OutputStream, line: &str) {
        self.0.borrow_mut().push(line.to_string());
    }
}

/// Runs `src` as a script, drains the job queue, returns the printed lines (or the error).
pub(crate) fn run(src: &str) -> Result<Vec<String>, String> {
    let host = Rc::new(Capture::default());
    let mut rt = Runtime::new(host.clone());
    let mut ctx = rt.new_context();
    let r = ctx.eval(src, &EvalOptions::script("test.js"));
    if let Err(e) = r {
        let mut out = host.0.borrow().clone();
        out.push(format!("UNCAUGHT {e}\n{}", e.stack));
        return Err(out.join("\n"));
    }
    loop {
        match rt.run_pending_job() {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(format!("{e}")),
        }
    }
    let out = host.0.borrow().clone();
    Ok(out)
}

fn out(src: &str) -> String {
    match run(src) {
        Ok(lines) => lines.join("\n"),
        Err(e) => format!("ERROR {e}"),
    }
}

#[test]
fn print_one_plus_one() {
    assert_eq!(out("print(1+1)"), "2");
}

/// Developer aid: runs the file named by `QJS_FILE` (no-op without it).
#[test]
fn run_file_from_env() {
    let Ok(path) = std::env::var("QJS_FILE") else {
        return;
    };
    let Ok(src) = std::fs::read_to_string(&path) else {
        return;
    };
    match run(&src) {
        Ok(lines) => {
            for l in lines {
                println!("{l}");
            }
        }
        Err(e) => println!("UNCAUGHT {e}"),
    }
}

#[test]
fn closures_classes_generators_async() {
    let src = r#"
        function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
        class A { constructor(x) { this.x = x; } get dbl() { return this.x * 2; } }
        class B extends A { constructor() { super(21); } m() { return super.dbl; } }
        function* g() { yield 1; yield 2; }
        let s = 0; for (const v of g()) s += v;
        var fs = []; for (let i = 0; i < 3; i++) fs[i] = () => i;
        async function af() { return (await 5) + 1; }
        af().then(v => print("async", v));
        try { null.x } catch (e) { print(e instanceof TypeError) }
        print(fib(15), new B().m(), s, fs[0]() + fs[2](), eval("1+2"));
    "#;
    assert_eq!(out(src), "true\n610 42 3 2 3\nasync 6");
}

#[test]
fn stack_overflow_is_a_range_error() {
    let src = "function f() { f() } try { f() } catch (e) { print(e instanceof RangeError) }";
    assert_eq!(out(src), "true");
}
