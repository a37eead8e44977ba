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
