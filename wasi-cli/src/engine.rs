//! The adapter between the hosts (`qjs`, the test262 runner, the JS suite runner) and the
//! engine's public API (`qjs_engine::api`). Every engine call a host makes goes through
//! [`Engine`], so a change in the API is a change in this one file.
//!
//! Invariants: one [`Engine`] is one runtime with one main context; it is dropped (freeing
//! everything through the engine's iterative free) when the host is done; module evaluation
//! promises are checked after the job queue drains so a rejected top-level-await module is
//! reported like a thrown exception.
//!
//! Status: the engine's `Runtime`/`Context` API has not landed yet (see
//! `/work/briefs/api-requests.md` for what is requested); until it does, creating an engine
//! fails with an `InternalError` that says so, and every host reports that error.

use crate::host::CliHost;
use qjs_engine::{EvalOptions, JsError};
use std::rc::Rc;
use std::time::Duration;

/// Resource limits, as given on the command line.
#[derive(Clone, Debug, Default)]
pub struct Limits {
    pub memory_limit: Option<usize>,
    pub stack_size: Option<usize>,
    /// Wall-clock budget; enforced through the engine's interrupt handler.
    pub time_limit: Option<Duration>,
}

/// One runtime and its main context.
pub struct Engine {
    #[expect(dead_code, reason = "used once the engine API lands (api-requests.md)")]
    host: Rc<CliHost>,
}

fn not_landed(what: &str) -> JsError {
    JsError {
        name: "InternalError".to_string(),
        message: format!(
            "not supported yet: {what} (the engine's Runtime/Context API has not landed)"
        ),
        stack: String::new(),
        interrupted: false,
    }
}

impl Engine {
    /// Creates a runtime with `limits` and a context with all intrinsics.
    pub fn new(host: Rc<CliHost>, limits: &Limits) -> Result<Engine, JsError> {
        let _ = (host, limits);
        Err(not_landed("creating a runtime"))
    }

    /// Defines the global `scriptArgs` array.
    pub fn set_script_args(&mut self, args: &[String]) -> Result<(), JsError> {
        let _ = args;
        Err(not_landed("scriptArgs"))
    }

    /// Defines test262's `$262` host object on the global object.
    pub fn install_test262_host(&mut self) -> Result<(), JsError> {
        Err(not_landed("$262"))
    }

    /// Evaluates a script or a module. A module's evaluation promise is remembered and
    /// checked by [`Engine::run_jobs`].
    pub fn eval(&mut self, source: &str, opts: &EvalOptions) -> Result<(), JsError> {
        let _ = (source, opts);
        Err(not_landed("eval"))
    }

    /// Runs the job queue to completion, then reports a rejected module evaluation.
    pub fn run_jobs(&mut self) -> Result<(), JsError> {
        Err(not_landed("the job queue"))
    }

    /// Memory usage figures as `memory: <key> <number>` lines (`qjs -d`, read by `bench`).
    pub fn memory_usage_text(&self) -> String {
        "memory: not available yet (no engine API)\n".to_string()
    }
}
