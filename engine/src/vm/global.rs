//! The VM's globals and entry points: `print`/`console.log` (through `Host::write_line`),
//! `eval` (indirect: the %eval% function; direct: [`direct_eval`] from `call_eval`),
//! script evaluation ([`eval_script`]), the dynamic function constructors (`Function`,
//! `GeneratorFunction`, `AsyncFunction`, `AsyncGeneratorFunction`), `Function.prototype.
//! toString` source text, and stack trace strings.

use super::frame::{Frame, FrameMode};
use super::function::{closure_parts, create_closure};
use super::interp::{run, Resume};
use super::ops::CallStep;
use crate::api::OutputStream;
use crate::atoms::Atom;
use crate::builtins::{arg, install, Builtin};
use crate::bytecode::FunctionBytecode;
use crate::compiler::{self, CompileKind, CompileOptions};
use crate::method;
use crate::object::ops::define_value;
use crate::object::{attrs, Obj, ObjectData};
use crate::parser::{self, ParseOptions};
use crate::realm::{Cx, Intrinsic, JsResult, Throw};
use crate::value::Value;
use std::rc::Rc;

static GLOBALS: &[Builtin] = &[
    method!("print", 1, print, 0),
    method!("eval", 1, indirect_eval),
];

static CONSOLE: &[Builtin] = &[
    method!("log", 0, print, 0),
    method!("info", 0, print, 0),
    method!("debug", 0, print, 0),
    method!("warn", 0, print, 1),
    method!("error", 0, print, 1),
];

/// Installs the VM's part of a realm (called from `builtins::init_realm`).
pub fn init(cx: &mut Cx) -> JsResult<()> {
    let g = cx.global();
    install(cx, &g, GLOBALS)?;
    let e = crate::object::ops::get(cx, &g, Atom::Eval)?;
    cx.realm.set_intrinsic(Intrinsic::Eval, e);
    let op = cx.intrinsic_obj(Intrinsic::ObjectPrototype);
    let console = Obj::new(cx, op, ObjectData::Ordinary)?;
    install(cx, &console, CONSOLE)?;
    let ca = cx.intern("console");
    define_value(cx, &g, ca, Value::Object(console), attrs::HIDDEN)?;
    super::promise::init(cx)?;
    super::generator::init(cx)?;
    Ok(())
}

/// `print(...)` / `console.log(...)`: ToString of each argument, joined by a space, one line.
fn print(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let mut line = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            line.push(' ');
        }
        let s = match a {
            Value::Symbol(_) => {
                let v = crate::object::function::call_method(cx, a, Atom::ToString, &[])?;
                crate::value::conv::to_string(cx, &v)?
            }
            _ => crate::value::conv::to_string(cx, a)?,
        };
        line.push_str(&s.to_rust_string());
    }
    let stream = if magic == 1 {
        OutputStream::Stderr
    } else {
        OutputStream::Stdout
    };
    if let Some(h) = cx.vm.host.clone() {
        h.write_line(stream, &line);
    }
    Ok(Value::Undefined)
}

/// Throws a SyntaxError for a parse error, with its position as the stack.
#[cold]
pub fn throw_parse_error(cx: &mut Cx, e: &parser::SyntaxError, filename: &str) -> Throw {
    let t = cx.throw_syntax_error(&e.message);
    if let Value::Object(o) = cx.exception.clone() {
        let saved = cx.take_exception();
        let s = format!("    at {filename}:{}:{}", e.line, e.column);
        if let Ok(js) = cx.new_string(&s) {
            let _ = define_value(cx, &o, Atom::Stack, Value::String(js), attrs::HIDDEN);
        }
        cx.exception = saved;
    }
    t
}

fn next_sites(cx: &mut Cx, bc: &FunctionBytecode) {
    cx.vm.next_template_site += compiler::count_template_sites(bc);
}

/// Parses and compiles a script.
pub fn compile_script(
    cx: &mut Cx,
    src: &str,
    filename: &str,
    strict: bool,
    indirect_eval: bool,
) -> JsResult<Rc<FunctionBytecode>> {
    let opts = ParseOptions {
        strict,
        ..ParseOptions::script()
    };
    let program = match parser::parse(src, &opts, &mut cx.atoms) {
        Ok(p) => p,
        Err(e) => return Err(throw_parse_error(cx, &e, filename)),
    };
    let kind = if indirect_eval {
        CompileKind::IndirectEval
    } else {
        CompileKind::Script
    };
    let copts = CompileOptions {
        kind,
        template_site_base: cx.vm.next_template_site,
    };
    match compiler::compile(&program, &copts, &mut cx.atoms, Rc::from(src), filename) {
        Ok(bc) => {
            next_sites(cx, &bc);
            Ok(bc)
        }
        Err(e) => Err(throw_parse_error(cx, &e, filename)),
    }
}

/// Runs compiled global code (a script or indirect eval) with the global `this`.
pub fn run_global_code(cx: &mut Cx, bc: Rc<FunctionBytecode>) -> JsResult<Value> {
    let this = Value::Object(cx.global());
    let mut frame = Frame::new(
        bc,
        Value::Undefined,
        Rc::from(Vec::new()),
        &[],
        this,
        Value::Undefined,
        FrameMode::Call,
    );
    frame.realm = cx.realm_id();
    run(cx, Box::new(frame), Resume::Start)
}

/// ScriptEvaluation: parse, compile, run. Spec: #sec-runtime-semantics-scriptevaluation
pub fn eval_script(cx: &mut Cx, src: &str, filename: &str, strict: bool) -> JsResult<Value> {
    let bc = compile_script(cx, src, filename, strict, false)?;
    run_global_code(cx, bc)
}

/// %eval% (indirect eval). Spec: #sec-eval-x, #sec-performeval
fn indirect_eval(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let x = arg(args, 0);
    let Value::String(s) = &x else { return Ok(x) };
    let src = s.to_rust_string();
    let bc = compile_script(cx, &src, "<eval>", false, true)?;
    run_global_code(cx, bc)
}

/// PerformEval for a direct call: compiles with the call site's scope and returns the eval
/// code's frame (captures from the calling frame, the caller's `this`).
pub fn direct_eval(cx: &mut Cx, f: &mut Frame, site: usize, x: Value) -> JsResult<CallStep> {
    let Value::String(s) = &x else {
        return Ok(CallStep::Value(x));
    };
    let Some(scope) = f.bc.eval_sites.get(site).cloned() else {
        return Err(super::ops::bad_bytecode(cx));
    };
    let src = s.to_rust_string();
    let mut opts = ParseOptions::direct_eval(scope.strict);
    opts.allow_new_target = scope.in_function;
    opts.allow_super_property = scope.allow_super_property;
    opts.allow_super_call = scope.allow_super_call;
    opts.allow_arguments = !scope.in_class_field_init;
    opts.in_function = scope.in_function;
    opts.private_names = scope.private_names.clone();
    let program = match parser::parse(&src, &opts, &mut cx.atoms) {
        Ok(p) => p,
        Err(e) => return Err(throw_parse_error(cx, &e, "<eval>")),
    };
    let copts = CompileOptions {
        kind: CompileKind::DirectEval(scope),
        template_site_base: cx.vm.next_template_site,
    };
    let bc = match compiler::compile(
        &program,
        &copts,
        &mut cx.atoms,
        Rc::from(src.as_str()),
        "<eval>",
    ) {
        Ok(bc) => bc,
        Err(e) => return Err(throw_parse_error(cx, &e, "<eval>")),
    };
    next_sites(cx, &bc);
    let refs = super::ops::capture(cx, f, &bc)?;
    let func = create_closure(cx, bc.clone(), refs.clone())?;
    let mut frame = Frame::new(
        bc,
        Value::Object(func),
        refs,
        &[],
        f.this.clone(),
        f.new_target.clone(),
        FrameMode::Call,
    );
    frame.realm = f.realm;
    Ok(CallStep::Frame(Box::new(frame)))
}

/// CreateDynamicFunction: `Function`, `GeneratorFunction`, `AsyncFunction`,
/// `AsyncGeneratorFunction` (magic 0..3). Spec: #sec-createdynamicfunction
pub fn dynamic_function_ctor(
    cx: &mut Cx,
    _: &Value,
    args: &[Value],
    nt: &Value,
    magic: u16,
) -> JsResult<Value> {
    let is_gen = magic == 1 || magic == 3;
    let is_async = magic == 2 || magic == 3;
    let mut params = String::new();
    let n = args.len();
    for (i, a) in args.iter().take(n.saturating_sub(1)).enumerate() {
        if i > 0 {
            params.push(',');
        }
        params.push_str(&crate::value::conv::to_string(cx, a)?.to_rust_string());
    }
    let body = match args.last() {
        Some(b) => crate::value::conv::to_string(cx, b)?.to_rust_string(),
        None => String::new(),
    };
    let parts = match parser::parse_function_parts(&params, &body, is_async, is_gen, &mut cx.atoms)
    {
        Ok(p) => p,
        Err(e) => return Err(throw_parse_error(cx, &e, "<function>")),
    };
    let source: Rc<str> = Rc::from(parts.source.as_str());
    let bc = match compiler::compile_function(
        &parts.function,
        &mut cx.atoms,
        source,
        "<function>",
        cx.vm.next_template_site,
    ) {
        Ok(bc) => bc,
        Err(e) => return Err(throw_parse_error(cx, &e, "<function>")),
    };
    next_sites(cx, &bc);
    let f = create_closure(cx, bc, Rc::from(Vec::new()))?;
    // The prototype comes from newTarget (subclassing), default the intrinsic.
    let default = match magic {
        1 => Intrinsic::GeneratorFunctionPrototype,
        2 => Intrinsic::AsyncFunctionPrototype,
        3 => Intrinsic::AsyncGeneratorFunctionPrototype,
        _ => Intrinsic::FunctionPrototype,
    };
    if !nt.is_undefined() {
        let proto = crate::object::ops::get_prototype_from_constructor(cx, nt, default)?;
        f.borrow_mut().proto = proto;
    }
    Ok(Value::Object(f))
}

/// The source text of a bytecode closure (`Function.prototype.toString`), if `o` is one.
pub fn function_source_text(o: &Obj) -> Option<String> {
    let (bc, _, _) = closure_parts(o)?;
    let t = bc.source_text();
    if t.is_empty() {
        return None;
    }
    Some(t.to_string())
}

/// Module code reached `initial_yield`: the module machinery takes the frame.
pub fn park_module_frame(cx: &mut Cx, f: Box<Frame>) -> Value {
    super::module::park(cx, f)
}

/// The current call-site stack as `    at f (file:line:col)` lines, innermost first.
pub fn stack_string(cx: &Cx) -> String {
    let mut out = String::new();
    for (i, e) in cx.vm.trace.iter().rev().enumerate() {
        if i >= 64 {
            break;
        }
        let name = if e.bc.name == Atom::Empty {
            match e.bc.kind {
                crate::bytecode::FunctionKind::Script | crate::bytecode::FunctionKind::Module => {
                    String::new()
                }
                crate::bytecode::FunctionKind::Eval => "eval".to_string(),
                _ => "<anonymous>".to_string(),
            }
        } else {
            cx.atom_name(e.bc.name)
        };
        let pos = match e.bc.position(e.pc) {
            Some((l, c)) => format!("{}:{l}:{c}", e.bc.filename),
            None => e.bc.filename.to_string(),
        };
        if !out.is_empty() {
            out.push('\n');
        }
        if name.is_empty() {
            out.push_str(&format!("    at {pos}"));
        } else {
            out.push_str(&format!("    at {name} ({pos})"));
        }
    }
    out
}
