//! A WASI preview 1 host for `qjs.wasm`, built on the `wasmtime` and `wasmtime-wasi` crates:
//! one compiled module, run many times, each run in a fresh store with its own arguments, one
//! preopened directory, captured stdout/stderr and the guest's exit code.
//!
//! Invariants: a run never takes the host down — a trap (including wasm stack exhaustion) is
//! reported in [`RunOutput::trap`]; a guest that runs past its wall-clock budget is stopped
//! through wasmtime's epoch interruption (a safety net: the engine's own `--time-limit` is what
//! the tests exercise). The wasm stack is wasmtime's default (512 KiB), the configuration the
//! engine is calibrated for.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;
use wasmtime::{Config, Engine, Linker, Module, Store};
use wasmtime_wasi::p1::{self, WasiP1Ctx};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtxBuilder};

/// Epoch ticks per second (the ticker thread's period is 1/EPOCH_HZ s).
const EPOCH_HZ: u64 = 20;
/// Most bytes kept of each of stdout and stderr.
const OUTPUT_CAP: usize = 16 << 20;

/// The outcome of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunOutput {
    /// The guest's exit code (`proc_exit`), 0 when `_start` returns; `None` after a trap.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// The trap message when the guest trapped (stack overflow, unreachable, timeout).
    pub trap: Option<String>,
}

/// A compiled `qjs.wasm`, ready to run.
pub struct WasmQjs {
    engine: Engine,
    module: Module,
    linker: Linker<WasiP1Ctx>,
}

/// Default location of the wasm build: `$QJS_WASM`, else
/// `<target dir>/wasm32-wasip1/release/qjs.wasm`.
pub fn default_wasm_path() -> PathBuf {
    if let Some(p) = std::env::var_os("QJS_WASM") {
        return PathBuf::from(p);
    }
    crate::target_dir().join("wasm32-wasip1/release/qjs.wasm")
}

fn start_epoch_ticker(engine: &Engine) {
    static STARTED: OnceLock<()> = OnceLock::new();
    STARTED.get_or_init(|| {
        let engine = engine.clone();
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_millis(1000 / EPOCH_HZ));
            engine.increment_epoch();
        });
    });
}

impl WasmQjs {
    /// Compiles the module at `path` (wasmtime's on-disk cache makes repeats fast).
    pub fn load(path: &Path) -> Result<WasmQjs, String> {
        let bytes = std::fs::read(path).map_err(|e| {
            format!(
                "cannot read {}: {e} (build it: cargo build --release -p qjs-cli --target wasm32-wasip1)",
                path.display()
            )
        })?;
        let mut config = Config::new();
        config.epoch_interruption(true);
        if let Ok(cache) = wasmtime::Cache::from_file(None) {
            config.cache(Some(cache));
        }
        let engine = Engine::new(&config).map_err(|e| format!("wasmtime: {e:#}"))?;
        let module =
            Module::new(&engine, &bytes).map_err(|e| format!("compiling qjs.wasm: {e:#}"))?;
        let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
        p1::add_to_linker_sync(&mut linker, |cx| cx).map_err(|e| format!("wasi linker: {e:#}"))?;
        start_epoch_ticker(&engine);
        Ok(WasmQjs {
            engine,
            module,
            linker,
        })
    }

    /// Runs `qjs.wasm args...` with `dir` preopened as the guest's `.` (paths in `args` are
    /// relative to it), stopping it after `timeout`.
    pub fn run(&self, args: &[&str], dir: &Path, timeout: Duration) -> RunOutput {
        self.run_with_dirs(args, &[(dir.to_path_buf(), ".".to_string())], timeout)
    }

    /// Runs `qjs.wasm args...` with each `(host dir, guest path)` preopened.
    pub fn run_with_dirs(
        &self,
        args: &[&str],
        dirs: &[(PathBuf, String)],
        timeout: Duration,
    ) -> RunOutput {
        let stdout = MemoryOutputPipe::new(OUTPUT_CAP);
        let stderr = MemoryOutputPipe::new(OUTPUT_CAP);
        let mut argv = vec!["qjs"];
        argv.extend_from_slice(args);
        let mut builder = WasiCtxBuilder::new();
        builder
            .args(&argv)
            .stdout(stdout.clone())
            .stderr(stderr.clone());
        for (dir, guest) in dirs {
            if let Err(e) = builder.preopened_dir(dir, guest, FsPerms::ReadWrite) {
                return RunOutput {
                    code: None,
                    stdout: String::new(),
                    stderr: String::new(),
                    trap: Some(format!("cannot preopen {}: {e:#}", dir.display())),
                };
            }
        }
        let mut store = Store::new(&self.engine, builder.build_p1());
        store.set_epoch_deadline((timeout.as_millis() as u64 * EPOCH_HZ / 1000).max(1));
        let result = self
            .linker
            .instantiate(&mut store, &self.module)
            .and_then(|instance| instance.get_typed_func::<(), ()>(&mut store, "_start"))
            .and_then(|start| start.call(&mut store, ()));
        drop(store);
        let (code, trap) = match result {
            Ok(()) => (Some(0), None),
            Err(e) => match e.downcast_ref::<I32Exit>() {
                Some(exit) => (Some(exit.0), None),
                None => (None, Some(format!("{e:#}"))),
            },
        };
        RunOutput {
            code,
            stdout: String::from_utf8_lossy(&stdout.contents()).into_owned(),
            stderr: String::from_utf8_lossy(&stderr.contents()).into_owned(),
            trap,
        }
    }
}
