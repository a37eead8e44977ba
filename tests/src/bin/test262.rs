//! `test262`: the conformance runner (issue 3).
//!
//! ```text
//! cargo run --release -p qjs-tests --bin test262 -- [options] [PATH-PREFIX...]
//!   --filter PATH        only tests whose path below test/ starts with PATH (repeatable;
//!                        bare arguments are filters too)
//!   -j N                 worker processes (default: available cores)
//!   --time-limit MS      per-run limit, enforced by the engine's interrupt (default 5000)
//!   --update             rewrite known-failures.txt (and summary.txt on a full run)
//!   -v, --verbose        run the selected tests in-process and print everything
//!   --wasm               run the selected tests natively and through qjs.wasm under
//!                        wasmtime, and fail if the two disagree
//!   --known-failures F, --summary F, --features F    use other data files
//! ```
//!
//! Exit status: 0 when every failure is listed in known-failures.txt (or with --update),
//! 1 on any new failure, 2 on a usage or set-up error. Tests that now pass are listed.
//! The suite comes from `$TEST262_DIR` or is unpacked into the target directory.

use qjs_tests::test262::config::{self, Counts, KnownFailure, SkipConfig};
use qjs_tests::test262::exec::{self, Outcome, Suite};
use qjs_tests::test262::meta::{self, Mode};
use qjs_tests::test262::{plan, pool, Job};
use qjs_tests::{wasm_qjs, workspace_root};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

struct Args {
    worker: bool,
    suite: Option<PathBuf>,
    filters: Vec<String>,
    jobs: usize,
    time_limit: Duration,
    update: bool,
    verbose: bool,
    wasm: bool,
    known: PathBuf,
    summary: PathBuf,
    features: PathBuf,
}

fn usage_error(msg: &str) -> ! {
    eprintln!("test262: {msg}");
    eprintln!("usage: test262 [--filter PATH]... [-j N] [--time-limit MS] [--update] [-v] [--wasm] [PATH...]");
    std::process::exit(2);
}

fn parse_args() -> Args {
    let data = workspace_root().join("tests/test262");
    let mut a = Args {
        worker: false,
        suite: None,
        filters: Vec::new(),
        jobs: std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        time_limit: Duration::from_millis(5000),
        update: false,
        verbose: false,
        wasm: false,
        known: data.join("known-failures.txt"),
        summary: data.join("summary.txt"),
        features: data.join("features.toml"),
    };
    let argv: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    let mut i = 0;
    let value = |i: &mut usize, name: &str| -> String {
        *i += 1;
        argv.get(*i)
            .cloned()
            .unwrap_or_else(|| usage_error(&format!("missing value for {name}")))
    };
    while i < argv.len() {
        let arg = argv[i].clone();
        match arg.as_str() {
            "--worker" => a.worker = true,
            "--suite" => a.suite = Some(PathBuf::from(value(&mut i, "--suite"))),
            "--filter" => a.filters.push(value(&mut i, "--filter")),
            "-j" | "--jobs" => {
                a.jobs = value(&mut i, "-j")
                    .parse()
                    .unwrap_or_else(|_| usage_error("-j needs a number"))
            }
            "--time-limit" => {
                let ms: u64 = value(&mut i, "--time-limit")
                    .parse()
                    .unwrap_or_else(|_| usage_error("--time-limit needs milliseconds"));
                a.time_limit = Duration::from_millis(ms);
            }
            "--update" => a.update = true,
            "-v" | "--verbose" => a.verbose = true,
            "--wasm" => a.wasm = true,
            "--known-failures" => a.known = PathBuf::from(value(&mut i, "--known-failures")),
            "--summary" => a.summary = PathBuf::from(value(&mut i, "--summary")),
            "--features" => a.features = PathBuf::from(value(&mut i, "--features")),
            "-h" | "--help" => usage_error("help"),
            s if s.starts_with('-') => usage_error(&format!("unknown option {s}")),
            s => a.filters.push(s.to_string()),
        }
        i += 1;
    }
    a
}

fn main() {
    let args = parse_args();
    if args.worker {
        let Some(suite) = args.suite.clone() else {
            usage_error("--worker needs --suite")
        };
        std::process::exit(pool::worker_main(suite, args.time_limit));
    }
    std::process::exit(match run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("test262: {e}");
            2
        }
    });
}

fn run(args: &Args) -> Result<i32, String> {
    let root = match &args.suite {
        Some(s) => s.clone(),
        None => exec::locate_suite()?,
    };
    let suite = Suite::new(root.clone());
    let features_text = std::fs::read_to_string(&args.features)
        .map_err(|e| format!("{}: {e}", args.features.display()))?;
    let skip = SkipConfig::parse(&features_text)?;
    let (jobs, skipped) = plan(&suite, &skip, &args.filters)?;
    if args.verbose {
        return Ok(verbose(&suite, &jobs, &skipped, args.time_limit));
    }
    if args.wasm {
        return wasm_compare(&suite, &jobs, args.time_limit);
    }
    let known_text = std::fs::read_to_string(&args.known).unwrap_or_default();
    let known = config::parse_known_failures(&known_text)?;

    let started = Instant::now();
    eprintln!(
        "test262: {} runs ({} tests skipped) on {} workers, suite {}",
        jobs.len(),
        skipped.len(),
        args.jobs,
        root.display()
    );
    let worker_args = vec![
        "--suite".to_string(),
        root.to_string_lossy().into_owned(),
        "--time-limit".to_string(),
        args.time_limit.as_millis().to_string(),
    ];
    let watchdog = args.time_limit + Duration::from_secs(10);
    let mut done = 0usize;
    let mut failed = 0usize;
    let mut last_report = Instant::now();
    let total = jobs.len();
    let results = pool::run_jobs(&jobs, args.jobs, &worker_args, watchdog, &mut |r| {
        done += 1;
        if matches!(r.outcome, Outcome::Fail(_)) {
            failed += 1;
        }
        if last_report.elapsed() > Duration::from_secs(10) {
            last_report = Instant::now();
            eprintln!(
                "test262: {done}/{total} runs, {failed} failing, {:.0}s",
                started.elapsed().as_secs_f64()
            );
        }
    })?;
    let elapsed = started.elapsed();

    // Per-directory counts.
    let mut groups: BTreeMap<String, Counts> = BTreeMap::new();
    let mut failures: Vec<KnownFailure> = Vec::new();
    for r in &results {
        let c = groups
            .entry(config::summary_group(&r.job.path))
            .or_default();
        match &r.outcome {
            Outcome::Pass => c.passed += 1,
            Outcome::Fail(m) => {
                c.failed += 1;
                failures.push(KnownFailure {
                    path: r.job.path.clone(),
                    mode: r.job.mode,
                    message: m.clone(),
                });
            }
        }
    }
    for s in &skipped {
        groups
            .entry(config::summary_group(&s.path))
            .or_default()
            .skipped += s.runs as u64;
    }

    // Compare with the known failures of the runs made.
    let ran: HashSet<(&str, Mode)> = results
        .iter()
        .map(|r| (r.job.path.as_str(), r.job.mode))
        .collect();
    let known_set: HashMap<(&str, Mode), &KnownFailure> = known
        .iter()
        .map(|k| ((k.path.as_str(), k.mode), k))
        .collect();
    let failing: HashSet<(&str, Mode)> =
        failures.iter().map(|f| (f.path.as_str(), f.mode)).collect();
    let new_failures: Vec<&KnownFailure> = failures
        .iter()
        .filter(|f| !known_set.contains_key(&(f.path.as_str(), f.mode)))
        .collect();
    let mut new_passes: Vec<&KnownFailure> = known
        .iter()
        .filter(|k| {
            ran.contains(&(k.path.as_str(), k.mode))
                && !failing.contains(&(k.path.as_str(), k.mode))
        })
        .collect();
    new_passes.sort();

    let full_run = args.filters.is_empty();
    let summary = config::format_summary(&groups);
    print_top_summary(&summary);
    let mut total_counts = Counts::default();
    for c in groups.values() {
        total_counts.add(c);
    }
    let run_count = total_counts.passed + total_counts.failed;
    println!(
        "test262: passed {} / failed {} / skipped {} runs; {:.2}% of the runs not skipped pass; {:.1}s wall",
        total_counts.passed,
        total_counts.failed,
        total_counts.skipped,
        if run_count == 0 { 0.0 } else { total_counts.passed as f64 * 100.0 / run_count as f64 },
        elapsed.as_secs_f64()
    );
    if full_run {
        // For the bench tool (tests/src/bin/bench.rs): the wall time of the last full run.
        let json = format!(
            "{{\n  \"wall_s\": {:.1},\n  \"runs\": {},\n  \"passed\": {},\n  \"skipped\": {}\n}}\n",
            elapsed.as_secs_f64(),
            run_count,
            total_counts.passed,
            total_counts.skipped
        );
        let _ = std::fs::write(qjs_tests::target_dir().join("test262-last-run.json"), json);
    }
    list(
        "now passing (remove from known-failures.txt, or run with --update)",
        &new_passes,
    );
    list("NEW FAILURES (not in known-failures.txt)", &new_failures);

    if args.update {
        let mut list: Vec<KnownFailure> = if full_run {
            Vec::new()
        } else {
            known
                .iter()
                .filter(|k| !ran.contains(&(k.path.as_str(), k.mode)))
                .cloned()
                .collect()
        };
        list.extend(failures.iter().cloned());
        write_file(&args.known, &config::format_known_failures(&list))?;
        println!(
            "test262: wrote {} ({} failing runs)",
            args.known.display(),
            list.len()
        );
        if full_run {
            write_file(&args.summary, &summary)?;
            println!("test262: wrote {}", args.summary.display());
        }
        return Ok(0);
    }
    if full_run {
        let committed = std::fs::read_to_string(&args.summary).unwrap_or_default();
        if committed != summary {
            println!(
                "test262: note: {} differs from this run (run with --update to refresh it)",
                args.summary.display()
            );
        }
    }
    if new_failures.is_empty() {
        println!(
            "test262: OK: no new failures ({} known failures)",
            failures.len()
        );
        Ok(0)
    } else {
        println!("test262: FAILED: {} new failures", new_failures.len());
        Ok(1)
    }
}

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn print_top_summary(summary: &str) {
    // The header, TOTAL and top-level lines: everything before the first blank line.
    for line in summary.lines().skip(2) {
        if line.is_empty() {
            break;
        }
        println!("{line}");
    }
}

fn list(title: &str, items: &[&KnownFailure]) {
    if items.is_empty() {
        return;
    }
    println!("test262: {} {title}:", items.len());
    for k in items.iter().take(50) {
        println!("  {} {}: {}", k.path, k.mode.name(), k.message);
    }
    if items.len() > 50 {
        println!("  ... and {} more", items.len() - 50);
    }
}

/// Runs the selected jobs in-process on a big-stack thread, printing everything.
fn verbose(
    suite: &Suite,
    jobs: &[Job],
    skipped: &[qjs_tests::test262::Skipped],
    time_limit: Duration,
) -> i32 {
    for s in skipped {
        println!("SKIP {}: {}", s.path, s.reason);
    }
    if jobs.len() > 50 {
        println!(
            "test262: --verbose selected {} runs; narrow the filter to 50 or fewer",
            jobs.len()
        );
        return 2;
    }
    let root = suite.root.clone();
    let jobs = jobs.to_vec();
    let worker = std::thread::Builder::new()
        .stack_size(qjs_cli::NATIVE_STACK_BYTES)
        .spawn(move || {
            let suite = Suite::new(root);
            let mut failed = 0;
            for job in &jobs {
                let source =
                    std::fs::read_to_string(suite.test_dir().join(&job.path)).unwrap_or_default();
                let (outcome, trace) = exec::run(&suite, &job.path, job.mode, time_limit);
                println!("=== {} [{}]", job.path, job.mode.name());
                if let Ok(m) = meta::parse(&source) {
                    println!(
                        "flags: {:?}  includes: {:?}  features: {:?}  negative: {:?}",
                        m.flags, m.includes, m.features, m.negative
                    );
                }
                for line in &trace.output {
                    println!("output: {line}");
                }
                if let Some(e) = &trace.error {
                    println!(
                        "error: {e}{}",
                        if e.interrupted { " (interrupted)" } else { "" }
                    );
                    if !e.stack.is_empty() {
                        println!("{}", e.stack.trim_end());
                    }
                }
                match outcome {
                    Outcome::Pass => println!("PASS"),
                    Outcome::Fail(m) => {
                        failed += 1;
                        println!("FAIL: {m}");
                    }
                }
            }
            i32::from(failed > 0)
        });
    match worker.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        _ => {
            println!("test262: the engine crashed (panic) during a verbose run");
            101
        }
    }
}

/// Judges a `qjs.wasm --test262-host` run the way [`exec::judge`] judges an in-process one.
fn judge_wasm(m: &meta::Meta, out: &qjs_tests::RunOutput) -> Outcome {
    if let Some(t) = &out.trap {
        return Outcome::Fail(format!("trap: {}", t.lines().next().unwrap_or("")));
    }
    let first_err = out.stderr.lines().next().unwrap_or("").to_string();
    let result = match out.code {
        Some(0) => Ok(()),
        _ => {
            let (name, message) = first_err
                .split_once(": ")
                .unwrap_or((first_err.as_str(), ""));
            Err(qjs_engine::JsError {
                name: name.to_string(),
                message: message.to_string(),
                stack: String::new(),
                interrupted: message == "interrupted",
            })
        }
    };
    let lines: Vec<String> = out.stdout.lines().map(str::to_string).collect();
    exec::judge(m, &result, &lines)
}

/// `--wasm`: the selected runs natively (in-process) and through `qjs.wasm`; any
/// disagreement fails.
fn wasm_compare(suite: &Suite, jobs: &[Job], time_limit: Duration) -> Result<i32, String> {
    if jobs.len() > 5000 {
        return Err(format!(
            "--wasm selected {} runs; choose a subset with --filter (at most 5000)",
            jobs.len()
        ));
    }
    let wasm = wasm_qjs()?;
    let tmp = qjs_tests::target_dir().join("test262-wasm");
    std::fs::create_dir_all(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
    let root = suite.root.clone();
    let native_jobs = jobs.to_vec();
    // Native verdicts on a big-stack thread (the engine is not Send; each run is fresh).
    let native: Vec<Outcome> = std::thread::Builder::new()
        .stack_size(qjs_cli::NATIVE_STACK_BYTES)
        .spawn(move || {
            let suite = Suite::new(root);
            native_jobs
                .iter()
                .map(|j| exec::run(&suite, &j.path, j.mode, time_limit).0)
                .collect()
        })
        .map_err(|e| e.to_string())?
        .join()
        .map_err(|_| "the engine panicked during the native half of --wasm".to_string())?;
    let mut disagreements = 0;
    let mut passed = 0;
    for (job, native) in jobs.iter().zip(native) {
        let source =
            std::fs::read_to_string(suite.test_dir().join(&job.path)).map_err(|e| e.to_string())?;
        let m = meta::parse(&source).unwrap_or_default();
        // The guest sees the suite root as `.`; strict runs read a rewritten copy in `tmp`.
        let mut argv: Vec<String> = vec!["--test262-host".into()];
        if job.mode != Mode::Raw {
            let mut files = vec!["assert.js".to_string(), "sta.js".to_string()];
            if m.has_flag("async") {
                files.push("doneprintHandle.js".into());
            }
            files.extend(m.includes.iter().cloned());
            for f in files {
                argv.push("-I".into());
                argv.push(format!("harness/{f}"));
            }
        }
        let dirs: Vec<(PathBuf, String)> = vec![
            (suite.root.clone(), ".".into()),
            (tmp.clone(), "tmp".into()),
        ];
        match job.mode {
            Mode::Module => {
                argv.push("-m".into());
                argv.push(format!("test/{}", job.path));
            }
            Mode::Strict => {
                std::fs::write(tmp.join("strict.js"), format!("\"use strict\";\n{source}"))
                    .map_err(|e| e.to_string())?;
                argv.push("--script".into());
                argv.push("tmp/strict.js".into());
            }
            Mode::Sloppy | Mode::Raw => {
                argv.push("--script".into());
                argv.push(format!("test/{}", job.path));
            }
        }
        let argv_ref: Vec<&str> = argv.iter().map(String::as_str).collect();
        let out = wasm.run_with_dirs(&argv_ref, &dirs, time_limit * 3 + Duration::from_secs(10));
        let wasm_outcome = judge_wasm(&m, &out);
        let same = matches!(
            (&native, &wasm_outcome),
            (Outcome::Pass, Outcome::Pass) | (Outcome::Fail(_), Outcome::Fail(_))
        );
        if matches!(native, Outcome::Pass) && same {
            passed += 1;
        }
        if !same {
            disagreements += 1;
            println!(
                "DISAGREE {} {}: native {:?} / wasm {:?}",
                job.path,
                job.mode.name(),
                native,
                wasm_outcome
            );
        }
    }
    println!(
        "test262 --wasm: {} runs, {} pass on both targets, {} disagreements",
        jobs.len(),
        passed,
        disagreements
    );
    Ok(i32::from(disagreements > 0))
}
