//! The adapter between the hosts (`qjs`, the test262 runner, the JS suite runner) and the
//! engine's public API (`qjs_engine::api`). Every engine call a host makes goes through
//! [`Engine`], so a change in the API is a change in this one file.
//!
//! Invariants: one [`Engine`] is one runtime with one main context; it is dropped (freeing
//! everything through the engine's iterative free) when the host is done; module evaluation
//! promises are checked after the job queue drains so a rejected top-level-await module is
//! reported like a thrown exception.

use crate::host::CliHost;
use qjs_engine::{
    Context, EvalOptions, HostCall, HostFunction, JsError, PromiseState, Runtime, SourceKind, Value,
};
use std::rc::Rc;
use std::time::{Duration, Instant};

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
    rt: Runtime,
    ctx: Context,
    /// Evaluation promises of modules, checked once the job queue is drained.
    module_promises: Vec<Value>,
}

impl Engine {
    /// Creates a runtime with `limits` and a context with all intrinsics.
    pub fn new(host: Rc<CliHost>, limits: &Limits) -> Result<Engine, JsError> {
        let mut rt = Runtime::new(host);
        rt.set_memory_limit(limits.memory_limit);
        if let Some(s) = limits.stack_size {
            rt.set_max_stack_size(s);
        }
        if let Some(t) = limits.time_limit {
            let deadline = Instant::now() + t;
            rt.set_interrupt_handler(Some(Box::new(move || Instant::now() >= deadline)));
        }
        let ctx = rt.new_context();
        Ok(Engine {
            rt,
            ctx,
            module_promises: Vec::new(),
        })
    }

    /// Defines the global `scriptArgs` array.
    pub fn set_script_args(&mut self, args: &[String]) -> Result<(), JsError> {
        let mut items = Vec::with_capacity(args.len());
        for a in args {
            items.push(self.ctx.new_string(a)?);
        }
        let arr = self.ctx.new_array(&items)?;
        let g = self.ctx.global_object();
        self.ctx.set_property(&g, "scriptArgs", arr)
    }

    /// Defines test262's `$262` host object on the global object.
    pub fn install_test262_host(&mut self) -> Result<(), JsError> {
        let r = self.ctx.with(|h| {
            let o = new_test262_host(h)?;
            let g = h.global_object();
            h.set_property(&g, "$262", o)
        });
        r.map_err(|e| self.ctx.error_from_value(&e))
    }

    /// Evaluates a script or a module. A module's evaluation promise is remembered and
    /// checked by [`Engine::run_jobs`].
    pub fn eval(&mut self, source: &str, opts: &EvalOptions) -> Result<(), JsError> {
        let v = self.ctx.eval(source, opts)?;
        if opts.kind == SourceKind::Module && v.is_object() {
            self.module_promises.push(v);
        }
        Ok(())
    }

    /// Runs the job queue to completion, then reports a rejected module evaluation.
    pub fn run_jobs(&mut self) -> Result<(), JsError> {
        while self.rt.run_pending_job()? {}
        for p in std::mem::take(&mut self.module_promises) {
            if let Some(PromiseState::Rejected(e)) = self.ctx.promise_state(&p) {
                return Err(self.ctx.error_from_value(&e));
            }
        }
        Ok(())
    }

    /// Memory usage figures as `memory: <key> <number>` lines (`qjs -d`, read by `bench`).
    pub fn memory_usage_text(&self) -> String {
        let u = self.rt.memory_usage();
        format!(
            "memory: bytes {}\nmemory: cells {}\nmemory: tracked_cells {}\nmemory: atoms {}\n",
            u.bytes, u.cells, u.tracked_cells, u.atoms
        )
    }
}

/// Builds a `$262` object for the current realm (INTERPRETING.md): `global`, `evalScript`,
/// `gc`, `IsHTMLDDA` and `createRealm`, whose new realm gets its own `$262` (built by this
/// same function with the new realm current, so its `evalScript` runs there).
fn new_test262_host(h: &mut HostCall<'_>) -> Result<Value, Value> {
    let o = h.new_object()?;
    let g = h.global_object();
    h.set_property(&o, "global", g)?;
    let eval_script: HostFunction =
        Rc::new(|h: &mut HostCall<'_>, _this: &Value, args: &[Value]| {
            let src = match args.first() {
                Some(v) => h.to_string(v)?,
                None => String::new(),
            };
            h.eval(&src, &EvalOptions::script("evalScript"))
        });
    let f = h.new_function("evalScript", 1, eval_script)?;
    h.set_property(&o, "evalScript", f)?;
    let gc: HostFunction = Rc::new(|h: &mut HostCall<'_>, _: &Value, _: &[Value]| {
        h.run_gc();
        Ok(Value::undefined())
    });
    let f = h.new_function("gc", 0, gc)?;
    h.set_property(&o, "gc", f)?;
    let create_realm: HostFunction = Rc::new(|h: &mut HostCall<'_>, _: &Value, _: &[Value]| {
        h.with_new_realm(|h| {
            let o = new_test262_host(h)?;
            let g = h.global_object();
            h.set_property(&g, "$262", o.clone())?;
            Ok(o)
        })
    });
    let f = h.new_function("createRealm", 0, create_realm)?;
    h.set_property(&o, "createRealm", f)?;
    let dda = h.new_htmldda()?;
    h.set_property(&o, "IsHTMLDDA", dda)?;
    let detach: HostFunction = Rc::new(|h: &mut HostCall<'_>, _: &Value, args: &[Value]| {
        let v = args.first().cloned().unwrap_or_else(Value::undefined);
        h.detach_array_buffer(&v)?;
        Ok(Value::undefined())
    });
    let f = h.new_function("detachArrayBuffer", 1, detach)?;
    h.set_property(&o, "detachArrayBuffer", f)?;
    Ok(o)
}
