//! Parser unit tests: accepted and rejected programs, and stack safety on deep nesting.

use super::*;

fn parse_with(src: &str, opts: &ParseOptions) -> Result<ast::Program, SyntaxError> {
    let mut atoms = AtomTable::new();
    parse(src, opts, &mut atoms)
}

fn ok(src: &str) {
    if let Err(e) = parse_with(src, &ParseOptions::script()) {
        panic!("expected {src:?} to parse, got {e}");
    }
}

fn bad(src: &str) {
    if parse_with(src, &ParseOptions::script()).is_ok() {
        panic!("expected {src:?} to be a SyntaxError");
    }
}

fn ok_module(src: &str) {
    if let Err(e) = parse_with(src, &ParseOptions::module()) {
        panic!("expected module {src:?} to parse, got {e}");
    }
}

fn bad_module(src: &str) {
    if parse_with(src, &ParseOptions::module()).is_ok() {
        panic!("expected module {src:?} to be a SyntaxError");
    }
}

#[test]
fn expressions() {
    ok("a = b ? c : d, e");
    ok("x = a => a * 2; y = (a, b) => { return a + b }; z = async (a) => await a;");
    ok("a?.b.c(d)?.[e]");
    ok("a ?? (b || c)");
    ok("x = /ab+c/gi.test(s) / 2");
    ok("`a${b}c${`d${e}`}`");
    ok("tag`\\unicode`");
    ok("({a, b: [c, d = 1], ...e} = f)");
    ok("[a, , b, ...c] = d");
    ok("({ get x() { return 1 }, set x(v) {}, async *g() {}, [k]: 1, 'q': 2, 3: 4 })");
    ok("(-a) ** b");
    ok("a = b\n++c");
    ok("new new X()()");
    ok("function f() { new.target }");
}

#[test]
fn expression_errors() {
    bad("-a ** b");
    bad("a ?? b || c");
    bad("a || b ?? c");
    bad("({a = 1})");
    bad("({a: 1} = b)");
    bad("a?.b = 1");
    bad("a?.b`x`");
    bad("`\\unicode`");
    bad("(a, b) => { 'use strict'; }; ({a = 1}) + 1");
    bad("new.target");
    bad("super.x");
    bad("x = 1 = 2");
    bad("[...a, b] = c");
    bad("(a)\n=> 1");
    bad("/a/gg");
    bad("0b12");
    bad("1_");
    bad("({a: 1, __proto__: 1, __proto__: 2})");
}

#[test]
fn statements_and_scopes() {
    ok("var a; var a; function f() {} function f() {}");
    ok("{ function g() {} function g() {} }");
    ok("try {} catch (e) { var e; }");
    ok("L: for (;;) { continue L; }");
    ok("if (a) function f() {}");
    ok("L: function f() {}");
    ok("for (var x = 1 in o);");
    ok("let \n x = 1");
    ok("var let = 1; let; let.x");
    ok("do x; while (0) y");
    bad("let a; var a;");
    bad("{ var a; } let a;");
    bad("let a; let a;");
    bad("const a;");
    bad("try {} catch (e) { let e; }");
    ok("try {} catch (e) { for (var e of []); }");
    bad("L: L: ;");
    bad("continue;");
    bad("L: { continue L; }");
    bad("break L;");
    bad("return 1");
    bad("if (a) let [x] = 1;");
    bad("while (a) function f() {}");
    bad("'use strict'; with (a) {}");
    bad("'use strict'; var x = 010;");
    bad("function f() { 'use strict'; 010 }");
    bad("function f(a = 1) { 'use strict'; }");
    bad("function f(a, a) { 'use strict'; }");
    bad("'use strict'; delete x;");
    bad("throw\n1");
    bad("for (let let of x);");
}

#[test]
fn functions_and_classes() {
    ok("function* g() { yield; yield 1; yield* g(); }");
    ok("async function f() { await 1; for await (x of y); }");
    ok("class A extends B { constructor() { super(); } #x = 1; static #y; get #z() {} set #z(v) {} m() { return this.#x + (#x in this); } static { this.#y; } }");
    ok("class A { 'constructor'() {} static constructor() {} }");
    ok("var yield, await; function f(await) {}");
    bad("class A { constructor() {} constructor() {} }");
    bad("class A { constructor() { super(); } }");
    bad("class A { m() { this.#x; } }");
    bad("class A { #x; #x; }");
    bad("class A { get constructor() {} }");
    bad("class A { x = arguments; }");
    bad("class A { static prototype() {} }");
    bad("function* g() { var yield; }");
    bad("async function f() { var await; }");
    bad("function* g(a = yield) {}");
    bad("async function f() { (a = await 1) => 1 }");
    bad("async (await) => 1");
    bad("(a, a) => 1");
    bad("({ set x() {} })");
}

#[test]
fn modules() {
    ok_module("import a, { b as c, 'd' as e } from 'm'; export { a, c as 'x y' }; export default function () {}");
    ok_module("export * from 'm'; export * as ns from 'm'; import json from './x.json' with { type: 'json' };");
    ok_module("await 1; export const x = 1; export class C {}");
    ok_module("import.meta; import('x', { with: {} });");
    bad_module("export { x };");
    bad_module("export var a; export var a;");
    bad_module("export default 1; export default 2;");
    bad_module("import a from 'm'; let a;");
    bad_module("var await;");
    bad_module("<!-- x");
    bad_module("export { 'a' };");
    bad("import a from 'm';");
    bad("import.meta");
}

#[test]
fn dynamic_function() {
    let mut atoms = AtomTable::new();
    let parts = parse_function_parts("a, b", "return a + b", false, false, &mut atoms).unwrap();
    assert_eq!(parts.function.params.len(), 2);
    assert!(parse_function_parts("/*", "*/){", false, false, &mut atoms).is_err());
    assert!(parse_function_parts("a", "}); (function(){", false, false, &mut atoms).is_err());
}

#[test]
fn line_index() {
    let li = LineIndex::new("ab\ncd\r\nef");
    assert_eq!(li.line_col(0), (1, 1));
    assert_eq!(li.line_col(4), (2, 2));
    assert_eq!(li.line_col(7), (3, 1));
    let e = parse_with("a\n  +", &ParseOptions::script()).unwrap_err();
    assert_eq!((e.line, e.column), (2, 4));
}

/// Deep nesting must end in a SyntaxError, not a stack overflow, on a small stack.
#[test]
fn deep_nesting_is_a_syntax_error() {
    let cases: Vec<String> = vec![
        format!("{}{}", "(".repeat(100_000), ")".repeat(100_000)),
        format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
        format!("{}{}", "{".repeat(100_000), "}".repeat(100_000)),
        "a=>".repeat(100_000),
        "-".repeat(100_000),
        "a**".repeat(100_000) + "a",
        "`${".repeat(50_000),
        format!("{}{}", "function f(){".repeat(50_000), "}".repeat(50_000)),
        "new ".repeat(100_000),
        "if (a) ".repeat(100_000),
    ];
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            for src in &cases {
                let mut atoms = AtomTable::new();
                let opts = ParseOptions {
                    stack_budget: 160 * 1024,
                    ..ParseOptions::script()
                };
                let r = parse(src, &opts, &mut atoms);
                assert!(r.is_err(), "deep input parsed");
            }
        })
        .unwrap();
    handle.join().unwrap();
}

/// Native stack used per nesting level by the parser, for each deep shape: the deepest
/// input that parses within a fixed budget (binary search). Run with `--ignored
/// --nocapture` in the build profile to measure (numbers in ARCHITECTURE.md).
#[test]
#[ignore]
fn measure_stack_per_nesting_level() {
    type Shape = fn(usize) -> String;
    let shapes: Vec<(&str, Shape)> = vec![
        ("parens", |n| format!("{}1{}", "(".repeat(n), ")".repeat(n))),
        ("arrays", |n| format!("{}{}", "[".repeat(n), "]".repeat(n))),
        ("objects", |n| {
            format!("{}1{}", "({a:".repeat(n), "})".repeat(n))
        }),
        ("calls", |n| format!("{}1{}", "f(".repeat(n), ")".repeat(n))),
        ("unary", |n| format!("{}1", "-".repeat(n))),
        ("blocks", |n| format!("{}{}", "{".repeat(n), "}".repeat(n))),
        ("ifs", |n| format!("{}1", "if (a) ".repeat(n))),
        ("arrows", |n| format!("{}1", "a=>".repeat(n))),
        ("functions", |n| {
            format!("{}{}", "function f(){".repeat(n), "}".repeat(n))
        }),
    ];
    let budget = 256 * 1024;
    let handle = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            for (name, make) in &shapes {
                let (mut lo, mut hi) = (1usize, 200_000usize);
                while lo + 1 < hi {
                    let mid = (lo + hi) / 2;
                    let mut atoms = AtomTable::new();
                    let opts = ParseOptions {
                        stack_budget: budget,
                        max_depth: u32::MAX,
                        ..ParseOptions::script()
                    };
                    if parse(&make(mid), &opts, &mut atoms).is_ok() {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                eprintln!(
                    "{name:10} {lo:6} levels in {budget} bytes: {} bytes/level",
                    budget / lo
                );
            }
        })
        .unwrap();
    handle.join().unwrap();
}
