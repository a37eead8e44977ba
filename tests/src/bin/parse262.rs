//! parse262: runs the parser alone over test262 and reports how many tests it gets right.
//!
//! For every test file under `$TEST262_DIR/test` (default `/work/test262/test262/test`) the
//! frontmatter decides the mode(s): `module` parses as a module, `onlyStrict` as strict
//! script, `noStrict` / `raw` as sloppy script, otherwise both sloppy and strict. A test with
//! `negative: {phase: parse, type: SyntaxError}` passes if every mode fails to parse; any other
//! test (including resolution/runtime negatives) passes if every mode parses. Includes are not
//! needed for parsing and are skipped.
//!
//! Usage: `cargo run --release -p qjs-tests --bin parse262 -- [--filter SUBSTR] [--show N]
//! [--list-failures FILE]`, or `-- --bench DIR` to time parsing every `.js` file in DIR
//! (e.g. the Octane sources) as scripts, 20 rounds, and print the throughput.

use qjs_engine::atoms::AtomTable;
use qjs_engine::parser::{parse, ParseOptions};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

struct Meta {
    module: bool,
    only_strict: bool,
    no_strict: bool,
    raw: bool,
    negative_parse: bool,
}

fn frontmatter(src: &str) -> Meta {
    let fm = match (src.find("/*---"), src.find("---*/")) {
        (Some(a), Some(b)) if b > a => &src[a + 5..b],
        _ => "",
    };
    let mut m = Meta {
        module: false,
        only_strict: false,
        no_strict: false,
        raw: false,
        negative_parse: false,
    };
    let mut in_negative = false;
    let mut in_flags_list = false;
    let mut neg_phase_parse = false;
    let mut neg_type_syntax = false;
    for line in fm.lines() {
        let t = line.trim();
        if in_flags_list {
            match t.strip_prefix("- ") {
                Some(f) => {
                    match f.trim() {
                        "module" => m.module = true,
                        "onlyStrict" => m.only_strict = true,
                        "noStrict" => m.no_strict = true,
                        "raw" => m.raw = true,
                        _ => {}
                    }
                    continue;
                }
                None => in_flags_list = false,
            }
        }
        if t == "flags:" {
            in_flags_list = true;
            continue;
        }
        if let Some(rest) = t.strip_prefix("flags:") {
            let rest = rest.trim().trim_start_matches('[').trim_end_matches(']');
            for f in rest.split(',') {
                match f.trim() {
                    "module" => m.module = true,
                    "onlyStrict" => m.only_strict = true,
                    "noStrict" => m.no_strict = true,
                    "raw" => m.raw = true,
                    _ => {}
                }
            }
        }
        if t.starts_with("negative:") {
            in_negative = true;
            continue;
        }
        if in_negative {
            if !line.starts_with(' ') && !line.starts_with('\t') && !t.is_empty() {
                in_negative = false;
            } else if let Some(p) = t.strip_prefix("phase:") {
                neg_phase_parse = p.trim() == "parse";
            } else if let Some(ty) = t.strip_prefix("type:") {
                neg_type_syntax = ty.trim() == "SyntaxError";
            }
        }
    }
    m.negative_parse = neg_phase_parse && neg_type_syntax;
    m
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e == "js")
            && !p.to_string_lossy().contains("_FIXTURE")
        {
            out.push(p);
        }
    }
}

fn group_of(rel: &str) -> String {
    let parts: Vec<&str> = rel.split('/').collect();
    match parts.as_slice() {
        ["language", sub, ..] => format!("language/{sub}"),
        [top, ..] => top.to_string(),
        [] => String::new(),
    }
}

/// Parses every `.js` file of `dir` 20 times and prints MB/s.
fn bench(dir: &str) {
    let mut files = Vec::new();
    collect(Path::new(dir), &mut files);
    let sources: Vec<String> = files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let bytes: usize = sources.iter().map(|s| s.len()).sum();
    let rounds = 20;
    let started = Instant::now();
    for _ in 0..rounds {
        for src in &sources {
            let mut atoms = AtomTable::new();
            if let Err(e) = parse(src, &ParseOptions::script(), &mut atoms) {
                println!("parse error: {e}");
                return;
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{} files, {:.2} MB x {rounds} rounds in {secs:.3} s: {:.1} MB/s",
        sources.len(),
        bytes as f64 / 1e6,
        (bytes * rounds) as f64 / 1e6 / secs
    );
}

fn main() {
    let mut filter = String::new();
    let mut show = 30usize;
    let mut list_file: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--filter" => filter = args.next().unwrap_or_default(),
            "--show" => show = args.next().and_then(|s| s.parse().ok()).unwrap_or(30),
            "--list-failures" => list_file = args.next(),
            "--bench" => return bench(&args.next().unwrap_or_default()),
            _ => filter = a,
        }
    }
    let root = std::env::var("TEST262_DIR").unwrap_or_else(|_| "/work/test262/test262".into());
    let test_dir = PathBuf::from(&root).join("test");
    let mut files = Vec::new();
    collect(&test_dir, &mut files);
    let started = Instant::now();
    let mut groups: BTreeMap<String, (u32, u32, u32, u32)> = BTreeMap::new(); // neg pass/total, pos pass/total
    let mut failures: Vec<String> = Vec::new();
    let mut bytes = 0usize;
    let mut panics = 0u32;
    for path in &files {
        let rel = path
            .strip_prefix(&test_dir)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        if !rel.contains(&filter) {
            continue;
        }
        let Ok(src) = std::fs::read_to_string(path) else {
            continue;
        };
        bytes += src.len();
        let meta = frontmatter(&src);
        let modes: Vec<ParseOptions> = if meta.module {
            vec![ParseOptions::module()]
        } else if meta.only_strict {
            vec![ParseOptions {
                strict: true,
                ..ParseOptions::script()
            }]
        } else if meta.no_strict || meta.raw {
            vec![ParseOptions::script()]
        } else {
            vec![
                ParseOptions::script(),
                ParseOptions {
                    strict: true,
                    ..ParseOptions::script()
                },
            ]
        };
        let mut pass = true;
        let mut detail = String::new();
        for opts in &modes {
            let r = std::panic::catch_unwind(|| {
                let mut atoms = AtomTable::new();
                parse(&src, opts, &mut atoms)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            });
            let mode = if opts.kind == qjs_engine::ast::ProgramKind::Module {
                "module"
            } else if opts.strict {
                "strict"
            } else {
                "sloppy"
            };
            match r {
                Err(_) => {
                    panics += 1;
                    pass = false;
                    detail = format!("[{mode}] PANIC");
                    break;
                }
                Ok(Ok(())) if meta.negative_parse => {
                    pass = false;
                    detail = format!("[{mode}] parsed, expected SyntaxError");
                    break;
                }
                Ok(Err(e)) if !meta.negative_parse => {
                    pass = false;
                    detail = format!("[{mode}] {e}");
                    break;
                }
                _ => {}
            }
        }
        let g = groups.entry(group_of(&rel)).or_default();
        if meta.negative_parse {
            g.1 += 1;
            g.0 += pass as u32;
        } else {
            g.3 += 1;
            g.2 += pass as u32;
        }
        if !pass {
            failures.push(format!("{rel}: {detail}"));
        }
    }
    let elapsed = started.elapsed();
    println!(
        "{:<44} {:>15} {:>15}",
        "directory", "negative ok", "positive ok"
    );
    let mut tot = (0, 0, 0, 0);
    for (g, (np, nt, pp, pt)) in &groups {
        println!("{g:<44} {:>7}/{:<7} {:>7}/{:<7}", np, nt, pp, pt);
        tot.0 += np;
        tot.1 += nt;
        tot.2 += pp;
        tot.3 += pt;
    }
    println!(
        "{:<44} {:>7}/{:<7} {:>7}/{:<7}",
        "TOTAL", tot.0, tot.1, tot.2, tot.3
    );
    let total = tot.1 + tot.3;
    let passed = tot.0 + tot.2;
    println!(
        "passed {passed}/{total} ({:.2}%), {} failures, {panics} panics, {:.1} MB in {:.2?}",
        100.0 * passed as f64 / total.max(1) as f64,
        failures.len(),
        bytes as f64 / 1e6,
        elapsed
    );
    for f in failures.iter().take(show) {
        println!("FAIL {f}");
    }
    if let Some(file) = list_file {
        let _ = std::fs::write(file, failures.join("\n") + "\n");
    }
}
