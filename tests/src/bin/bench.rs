//! `bench`: how fast and how big qjs-rs is (issue 4). Run it through `scripts/bench.sh`,
//! which builds the release `qjs` and `qjs.wasm` first.
//!
//! ```text
//! bench [--only NAME]... [--compare OLD.json] [--save] [--no-wasm]
//! ```
//!
//! Prints a table and, last, the JSON of the run (a flat object; keys like
//! `octane.native.richards`). `--save` also writes it to `tests/bench/results/`. Numbers are
//! reported, never asserted. A benchmark that cannot run shows its error instead of a score.
//!
//! Measured: the Octane V8-v7 scores (each benchmark in its own process: base.js + the
//! benchmark + a driver calling `BenchmarkSuite.RunSuites`) natively and for `qjs.wasm` under
//! wasmtime, and their geometric mean; start-up (runtime + context + `1+1` + free, median, via
//! `qjs --bench-startup N`) natively and in wasm; whole-process `qjs -e 1` natively
//! (and, for wasm, one instantiation + run of the precompiled module in the embedded wasmtime); the engine's memory
//! accounting for an empty context and the peak RSS of richards (`qjs -d`); binary sizes (raw,
//! gzip); and the wall time of the last full test262 run, when one was recorded.

use qjs_tests::{run_native, target_dir, wasm_host::WasmQjs, workspace_root, RunOutput};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const OCTANE: &[&str] = &[
    "richards",
    "deltablue",
    "crypto",
    "raytrace",
    "earley-boyer",
    "regexp",
    "splay",
    "navier-stokes",
];

const DRIVER: &str = r#"
BenchmarkSuite.RunSuites({
  NotifyResult: function (name, result) { print("RESULT " + name + " " + result); },
  NotifyError: function (name, error) { print("ERROR " + name + " " + error); },
  NotifyScore: function (score) { print("SCORE " + score); }
});
"#;

const BENCH_TIMEOUT: Duration = Duration::from_secs(900);

#[derive(Clone, Debug)]
enum Val {
    Num(f64),
    Text(String),
}

struct Report {
    values: BTreeMap<String, Val>,
}

impl Report {
    fn num(&mut self, k: &str, v: f64) {
        self.values.insert(k.to_string(), Val::Num(v));
    }
    fn text(&mut self, k: &str, v: &str) {
        self.values.insert(k.to_string(), Val::Text(v.to_string()));
    }
    fn get(&self, k: &str) -> String {
        match self.values.get(k) {
            Some(Val::Num(n)) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{n:.0}"),
            Some(Val::Num(n)) => format!("{n:.2}"),
            Some(Val::Text(t)) => t.clone(),
            None => "-".to_string(),
        }
    }
    fn to_json(&self) -> String {
        let mut s = String::from("{\n");
        let n = self.values.len();
        for (i, (k, v)) in self.values.iter().enumerate() {
            let v = match v {
                Val::Num(x) if x.is_finite() => format!("{x}"),
                Val::Num(_) => "null".to_string(),
                Val::Text(t) => json_string(t),
            };
            let _ = writeln!(
                s,
                "  {}: {v}{}",
                json_string(k),
                if i + 1 < n { "," } else { "" }
            );
        }
        s.push('}');
        s
    }
}

fn json_string(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(o, "\\u{:04x}", c as u32);
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// Reads the numeric entries of a flat JSON object written by [`Report::to_json`].
fn read_flat_json(text: &str) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim().trim_end_matches(',');
        let Some(rest) = line.strip_prefix('"') else {
            continue;
        };
        let Some((key, value)) = rest.split_once("\": ") else {
            continue;
        };
        if let Ok(v) = value.trim().parse::<f64>() {
            out.insert(key.to_string(), v);
        }
    }
    out
}

fn find_octane() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("QJS_OCTANE_DIR") {
        return Some(PathBuf::from(d));
    }
    workspace_root()
        .ancestors()
        .skip(1)
        .map(|a| a.join("shared/bench/octane"))
        .find(|p| p.join("base.js").exists())
}

/// The score of one Octane run, or its error.
fn octane_score(out: &RunOutput) -> Result<f64, String> {
    if let Some(t) = &out.trap {
        return Err(format!("trap: {}", t.lines().next().unwrap_or("")));
    }
    if let Some(e) = out.stdout.lines().find(|l| l.starts_with("ERROR ")) {
        return Err(e.trim_start_matches("ERROR ").to_string());
    }
    if out.code != Some(0) {
        return Err(out
            .stderr
            .lines()
            .next()
            .unwrap_or("failed without a message")
            .to_string());
    }
    let score = out
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("SCORE "))
        .ok_or("no score printed")?;
    score
        .trim()
        .parse::<f64>()
        .map_err(|_| format!("unreadable score `{score}`"))
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn gzip_size(path: &Path) -> Option<u64> {
    let out = std::process::Command::new("gzip")
        .arg("-9c")
        .arg(path)
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout.len() as u64)
}

fn brotli_size(path: &Path) -> Option<u64> {
    let out = std::process::Command::new("brotli")
        .arg("-c")
        .arg(path)
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout.len() as u64)
}

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut only: Vec<String> = Vec::new();
    let mut compare: Option<PathBuf> = None;
    let mut save = false;
    let mut wasm_enabled = true;
    let mut i = 0;
    while i < argv.len() {
        match argv[i].as_str() {
            "--only" => {
                i += 1;
                only.extend(argv.get(i).cloned());
            }
            "--compare" => {
                i += 1;
                compare = argv.get(i).map(PathBuf::from);
            }
            "--save" => save = true,
            "--no-wasm" => wasm_enabled = false,
            other => {
                eprintln!("bench: unknown option {other}\nusage: bench [--only NAME]... [--compare OLD.json] [--save] [--no-wasm]");
                std::process::exit(2);
            }
        }
        i += 1;
    }
    let mut r = Report {
        values: BTreeMap::new(),
    };
    let target = target_dir();
    let qjs = target.join("release/qjs");
    let wasm_path = target.join("wasm32-wasip1/release/qjs.wasm");
    let work = target.join("bench");
    if let Err(e) = std::fs::create_dir_all(&work) {
        eprintln!("bench: {}: {e}", work.display());
        std::process::exit(2);
    }
    if !qjs.exists() {
        eprintln!(
            "bench: {} is missing; run scripts/bench.sh (it builds it)",
            qjs.display()
        );
        std::process::exit(2);
    }
    let wasm = if wasm_enabled {
        match WasmQjs::load(&wasm_path) {
            Ok(w) => Some(w),
            Err(e) => {
                r.text("wasm.error", &e);
                None
            }
        }
    } else {
        None
    };
    r.text("commit", &git_commit());

    // Octane.
    match find_octane() {
        None => r.text(
            "octane.error",
            "shared/bench/octane not found (set QJS_OCTANE_DIR)",
        ),
        Some(dir) => {
            let base = std::fs::read_to_string(dir.join("base.js")).unwrap_or_default();
            for name in OCTANE
                .iter()
                .filter(|n| only.is_empty() || only.iter().any(|o| o == *n))
            {
                let Ok(src) = std::fs::read_to_string(dir.join(format!("{name}.js"))) else {
                    r.text(&format!("octane.native.{name}"), "missing benchmark file");
                    continue;
                };
                let file = format!("{name}.js");
                if let Err(e) = std::fs::write(work.join(&file), format!("{base}\n{src}\n{DRIVER}"))
                {
                    r.text(
                        &format!("octane.native.{name}"),
                        &format!("cannot write driver: {e}"),
                    );
                    continue;
                }
                eprintln!("bench: octane {name} (native)");
                let out = run_native(&qjs, &["--script", &file], &work, BENCH_TIMEOUT);
                record_score(&mut r, &format!("octane.native.{name}"), octane_score(&out));
                if let Some(w) = &wasm {
                    eprintln!("bench: octane {name} (wasm)");
                    let out = w.run(&["--script", &file], &work, BENCH_TIMEOUT);
                    record_score(&mut r, &format!("octane.wasm.{name}"), octane_score(&out));
                }
            }
            for target in ["native", "wasm"] {
                let scores: Vec<f64> = r
                    .values
                    .iter()
                    .filter(|(k, _)| k.starts_with(&format!("octane.{target}.")))
                    .filter_map(|(_, v)| if let Val::Num(n) = v { Some(*n) } else { None })
                    .collect();
                if !scores.is_empty() {
                    let geo =
                        (scores.iter().map(|s| s.ln()).sum::<f64>() / scores.len() as f64).exp();
                    r.num(&format!("octane.{target}.geomean"), geo);
                    r.num(&format!("octane.{target}.count"), scores.len() as f64);
                }
            }
        }
    }

    // Start-up.
    eprintln!("bench: start-up");
    let startup = |out: &RunOutput| -> Result<f64, String> {
        out.stdout
            .lines()
            .find_map(|l| l.strip_prefix("startup-us "))
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| out.stderr.lines().next().unwrap_or("no result").to_string())
    };
    let out = run_native(&qjs, &["--bench-startup", "2000"], &work, BENCH_TIMEOUT);
    record_score(&mut r, "startup.native.us", startup(&out));
    if let Some(w) = &wasm {
        let out = w.run(&["--bench-startup", "500"], &work, BENCH_TIMEOUT);
        record_score(&mut r, "startup.wasm.us", startup(&out));
    }
    let mut times = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let out = run_native(&qjs, &["-e", "1"], &work, BENCH_TIMEOUT);
        if out.code == Some(0) {
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    record_score(
        &mut r,
        "process.native.ms",
        if times.is_empty() {
            Err("qjs -e 1 failed".into())
        } else {
            Ok(median(times))
        },
    );
    if let Some(w) = &wasm {
        let mut times = Vec::new();
        for _ in 0..20 {
            let t = Instant::now();
            let out = w.run(&["-e", "1"], &work, BENCH_TIMEOUT);
            if out.code == Some(0) {
                times.push(t.elapsed().as_secs_f64() * 1e3);
            }
        }
        record_score(
            &mut r,
            "process.wasm.ms",
            if times.is_empty() {
                Err("qjs.wasm -e 1 failed".into())
            } else {
                Ok(median(times))
            },
        );
    }

    // Memory.
    eprintln!("bench: memory");
    let out = run_native(&qjs, &["-d", "-e", "1"], &work, BENCH_TIMEOUT);
    for line in out.stdout.lines() {
        // `qjs -d` prints `memory: <key> <value>` lines.
        if let Some(rest) = line.strip_prefix("memory: ") {
            if let Some((k, v)) = rest.rsplit_once(' ') {
                if let Ok(v) = v.parse::<f64>() {
                    r.num(&format!("memory.empty.{}", k.trim().replace(' ', "_")), v);
                }
            }
        }
    }
    if work.join("richards.js").exists() {
        let out = run_native(
            &qjs,
            &["-d", "--script", "richards.js"],
            &work,
            BENCH_TIMEOUT,
        );
        if let Some(v) = out
            .stdout
            .lines()
            .find_map(|l| l.strip_prefix("memory: peak_rss_bytes "))
        {
            if let Ok(v) = v.trim().parse::<f64>() {
                r.num("memory.richards.peak_rss_bytes", v);
            }
        }
    }

    // Sizes.
    if let Ok(m) = std::fs::metadata(&qjs) {
        r.num("size.native.bytes", m.len() as f64);
    }
    if let Ok(m) = std::fs::metadata(&wasm_path) {
        r.num("size.wasm.bytes", m.len() as f64);
        if let Some(g) = gzip_size(&wasm_path) {
            r.num("size.wasm.gzip_bytes", g as f64);
        }
        if let Some(b) = brotli_size(&wasm_path) {
            r.num("size.wasm.brotli_bytes", b as f64);
        }
    }

    // test262 wall time, from the runner's last full run.
    if let Ok(text) = std::fs::read_to_string(target.join("test262-last-run.json")) {
        for (k, v) in read_flat_json(&text) {
            r.num(&format!("test262.{k}"), v);
        }
    }

    print_table(&r);
    if let Some(old) = &compare {
        match std::fs::read_to_string(old) {
            Ok(text) => print_compare(&r, &read_flat_json(&text)),
            Err(e) => eprintln!("bench: --compare {}: {e}", old.display()),
        }
    }
    let json = r.to_json();
    println!("{json}");
    if save {
        let dir = workspace_root().join("tests/bench/results");
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join(format!("{}-{}.json", today(), git_commit()));
        match std::fs::write(&path, format!("{json}\n")) {
            Ok(()) => eprintln!("bench: saved {}", path.display()),
            Err(e) => eprintln!("bench: {}: {e}", path.display()),
        }
    }
}

fn record_score(r: &mut Report, key: &str, v: Result<f64, String>) {
    match v {
        Ok(n) => r.num(key, n),
        Err(e) => r.text(key, &format!("error: {e}")),
    }
}

fn print_table(r: &Report) {
    println!("{:<16} {:>14} {:>14}", "octane", "native", "wasm");
    for name in OCTANE.iter().copied().chain(["geomean"]) {
        println!(
            "{:<16} {:>14} {:>14}",
            name,
            r.get(&format!("octane.native.{name}")),
            r.get(&format!("octane.wasm.{name}"))
        );
    }
    println!();
    println!("{:<35} {:>14} {:>14}", "measure", "native", "wasm");
    for (label, key) in [
        ("start-up, runtime+context (us)", "startup.{}.us"),
        ("`qjs -e 1`, process / instance (ms)", "process.{}.ms"),
        ("binary size (bytes)", "size.{}.bytes"),
    ] {
        println!(
            "{:<35} {:>14} {:>14}",
            label,
            r.get(&key.replace("{}", "native")),
            r.get(&key.replace("{}", "wasm"))
        );
    }
    println!();
    println!("{:<35} {:>14}", "measure", "value");
    for (k, _) in r.values.iter().filter(|(k, _)| {
        k.starts_with("memory.") || k.starts_with("size.wasm.") || k.starts_with("test262.")
    }) {
        println!("{:<35} {:>14}", k, r.get(k));
    }
    // Errors in full, after the table.
    for (k, v) in &r.values {
        if let Val::Text(t) = v {
            if t.starts_with("error:") {
                println!("{k}: {t}");
            }
        }
    }
    println!();
}

fn print_compare(r: &Report, old: &BTreeMap<String, f64>) {
    println!(
        "{:<40} {:>12} {:>12} {:>8}",
        "compared with old", "old", "new", "new/old"
    );
    for (k, v) in &r.values {
        if let (Val::Num(n), Some(o)) = (v, old.get(k)) {
            let ratio = if *o != 0.0 {
                format!("{:.3}", n / o)
            } else {
                "-".to_string()
            };
            println!("{:<40} {:>12.2} {:>12.2} {:>8}", k, o, n, ratio);
        }
    }
    println!();
}

fn git_commit() -> String {
    std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(workspace_root())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".to_string())
}

/// Today's UTC date as `YYYY-MM-DD` (civil-from-days, proleptic Gregorian).
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}
