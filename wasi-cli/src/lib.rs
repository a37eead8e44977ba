//! The `qjs` command line tool as a library: option parsing ([`args`]), the host the engine
//! runs against ([`host`]), and the single adapter to the engine API ([`engine`]).
//!
//! `src/main.rs` is a two-line wrapper around [`main_with_args`]; the integration tests and
//! the test262 runner link this library so they exercise exactly what `qjs` runs.
//!
//! Exit codes: 0 success, 1 uncaught exception / syntax error / unreadable file / bad
//! option (as QuickJS's `qjs`).

pub mod args;
pub mod engine;
pub mod host;

use args::{ModeChoice, Options};
use engine::{Engine, Limits};
use host::{CliHost, Sink};
use qjs_engine::{EvalOptions, JsError};
use std::rc::Rc;
use std::time::Duration;

/// Native stack for the thread that runs the engine (`qjs` natively). The engine counts its
/// own depth and is calibrated for wasm32 (1 MiB shadow stack, 512 KiB wasm stack); a large
/// native stack keeps unoptimised debug builds, whose frames are several times bigger, inside
/// the same limits. Pages are only touched when used.
pub const NATIVE_STACK_BYTES: usize = 64 << 20;

/// Prints an uncaught error as `qjs` does: `Name: message`, then the stack.
pub fn report_error(err: &JsError) {
    eprintln!("{err}");
    if !err.stack.is_empty() {
        eprintln!("{}", err.stack.trim_end_matches('\n'));
    }
}

/// Runs `qjs` with the arguments after the program name; returns the exit code.
pub fn main_with_args(argv: &[String]) -> i32 {
    let opts = match args::parse(argv) {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("{msg}");
            eprintln!("{}", args::USAGE);
            return 1;
        }
    };
    if opts.help {
        print!("{}", args::USAGE);
        return 0;
    }
    if cfg!(target_os = "wasi") {
        run(&opts)
    } else {
        // Run the engine on a thread with a known stack size (see NATIVE_STACK_BYTES).
        let spawned = std::thread::Builder::new()
            .name("qjs".to_string())
            .stack_size(NATIVE_STACK_BYTES)
            .spawn(move || run(&opts));
        match spawned {
            Ok(handle) => match handle.join() {
                Ok(code) => code,
                Err(_) => {
                    eprintln!("qjs: internal error: the engine panicked (this is a bug)");
                    101
                }
            },
            Err(e) => {
                eprintln!("qjs: cannot start the engine thread: {e}");
                1
            }
        }
    }
}

fn eval_options(name: &str, module: bool) -> EvalOptions {
    if module {
        EvalOptions::module(name)
    } else {
        EvalOptions::script(name)
    }
}

fn run(opts: &Options) -> i32 {
    if opts.interactive {
        eprintln!("qjs: not supported yet: interactive mode (-i)");
        return 1;
    }
    if opts.std_modules {
        eprintln!("qjs: not supported yet: the 'std' and 'os' modules (--std)");
        return 1;
    }
    if let Some(n) = opts.bench_startup {
        return bench_startup(n);
    }
    if opts.eval_expr.is_none() && opts.file.is_none() && !opts.quit {
        eprintln!("qjs: no script given (interactive mode is not supported yet)");
        eprintln!("{}", args::USAGE);
        return 1;
    }
    let limits = Limits {
        memory_limit: opts.memory_limit,
        stack_size: opts.stack_size,
        time_limit: opts.time_limit_ms.map(Duration::from_millis),
    };
    let host = Rc::new(CliHost::new(Sink::Process));
    let mut engine = match Engine::new(host, &limits) {
        Ok(e) => e,
        Err(e) => {
            report_error(&e);
            return 1;
        }
    };
    let code = match run_sources(&mut engine, opts) {
        Ok(()) => 0,
        Err(e) => {
            report_error(&e);
            1
        }
    };
    if opts.dump_memory {
        print!("{}", engine.memory_usage_text());
        if let Some(peak) = peak_rss_bytes() {
            println!("memory: peak_rss_bytes {peak}");
        }
    }
    code
}

/// Peak resident set size of this process (Linux `VmHWM`); `None` elsewhere (WASI).
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

/// `--bench-startup N`: median time of creating a runtime and a context, evaluating `1+1`
/// and freeing everything, in microseconds.
fn bench_startup(n: u32) -> i32 {
    let mut samples = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let start = std::time::Instant::now();
        let host = Rc::new(CliHost::new(Sink::Capture(std::cell::RefCell::new(
            Vec::new(),
        ))));
        let result = Engine::new(host, &Limits::default())
            .and_then(|mut e| e.eval("1+1", &EvalOptions::script("<bench>")));
        if let Err(e) = result {
            report_error(&e);
            return 1;
        }
        samples.push(start.elapsed().as_secs_f64() * 1e6);
    }
    samples.sort_by(|a, b| a.total_cmp(b));
    println!("startup-us {:.1}", samples[samples.len() / 2]);
    0
}

fn read_source(path: &str) -> Result<String, JsError> {
    std::fs::read_to_string(path).map_err(|e| JsError {
        name: String::new(),
        message: format!("qjs: could not load '{path}': {e}"),
        stack: String::new(),
        interrupted: false,
    })
}

fn run_sources(engine: &mut Engine, opts: &Options) -> Result<(), JsError> {
    engine.set_script_args(&opts.script_args)?;
    if opts.test262_host {
        engine.install_test262_host()?;
    }
    if opts.quit {
        return Ok(());
    }
    for include in &opts.includes {
        let src = read_source(include)?;
        engine.eval(&src, &EvalOptions::script(include))?;
    }
    if let Some(expr) = &opts.eval_expr {
        engine.eval(
            expr,
            &eval_options("<cmdline>", opts.mode == ModeChoice::Module),
        )?;
    } else if let Some(file) = &opts.file {
        let src = read_source(file)?;
        let module = match opts.mode {
            ModeChoice::Module => true,
            ModeChoice::Script => false,
            ModeChoice::Auto => file.ends_with(".mjs") || args::detect_module(&src),
        };
        engine.eval(&src, &eval_options(file, module))?;
    }
    engine.run_jobs()
}
