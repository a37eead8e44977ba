//! Worker subprocesses. The runner re-executes itself as `test262 --worker`; each worker
//! reads jobs from stdin and answers on stdout, one line each:
//!
//! ```text
//! runner → worker:  <id> TAB <mode> TAB <path>
//! worker → runner:  <id> TAB P|F TAB <message>
//! ```
//!
//! A worker that dies (stack overflow, abort, panic outside the per-test guard) or does not
//! answer within the watchdog is killed, its job is recorded as a crash/timeout, and a new
//! worker takes its place. The engine's own interrupt enforces the per-test time limit; the
//! watchdog only catches code that never reaches an interrupt check.

use super::exec::{self, Outcome, Suite};
use super::meta::Mode;
use super::Job;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Native stack of the worker's test thread (see `qjs_cli::NATIVE_STACK_BYTES`).
const WORKER_STACK: usize = qjs_cli::NATIVE_STACK_BYTES;

/// Result of one job.
#[derive(Clone, Debug)]
pub struct JobResult {
    pub job: Job,
    pub outcome: Outcome,
}

/// The worker loop (`test262 --worker`): runs jobs from stdin until EOF.
pub fn worker_main(suite_root: PathBuf, time_limit: Duration) -> i32 {
    let run = move || {
        let suite = Suite::new(suite_root);
        let stdin = std::io::stdin();
        let mut stdout = std::io::stdout();
        for line in stdin.lock().lines() {
            let Ok(line) = line else { break };
            let mut parts = line.splitn(3, '\t');
            let (Some(id), Some(mode), Some(path)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let outcome = match Mode::parse(mode) {
                None => Outcome::Fail(format!("runner error: unknown mode {mode}")),
                Some(mode) => {
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        exec::run(&suite, path, mode, time_limit).0
                    }));
                    match r {
                        Ok(o) => o,
                        Err(p) => {
                            let msg = p
                                .downcast_ref::<String>()
                                .cloned()
                                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                                .unwrap_or_default();
                            Outcome::Fail(suite.clean_message(&format!("panic: {msg}")))
                        }
                    }
                }
            };
            let (tag, msg) = match outcome {
                Outcome::Pass => ("P", String::new()),
                Outcome::Fail(m) => ("F", m.replace(['\n', '\t'], " ")),
            };
            if writeln!(stdout, "{id}\t{tag}\t{msg}")
                .and_then(|()| stdout.flush())
                .is_err()
            {
                break;
            }
        }
    };
    // Keep panic messages of caught test panics off stderr's noise: they are reported as
    // failures. The default hook still runs for panics outside tests.
    let spawned = std::thread::Builder::new()
        .name("test262-worker".into())
        .stack_size(WORKER_STACK)
        .spawn(run);
    match spawned.map(|h| h.join()) {
        Ok(Ok(())) => 0,
        _ => 101,
    }
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    last_stderr: Arc<Mutex<String>>,
}

fn spawn_worker(args: &[String]) -> Result<Worker, String> {
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let mut child = Command::new(exe)
        .arg("--worker")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start worker: {e}"))?;
    let (Some(stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        let _ = child.kill();
        let _ = child.wait();
        return Err("worker pipes unavailable".to_string());
    };
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let last_stderr = Arc::new(Mutex::new(String::new()));
    let keep = last_stderr.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if !line.trim().is_empty() {
                if let Ok(mut k) = keep.lock() {
                    *k = line;
                }
            }
        }
    });
    Ok(Worker {
        child,
        stdin,
        lines: rx,
        last_stderr,
    })
}

fn describe_exit(w: &mut Worker) -> String {
    // Give the stderr reader a moment to collect the dying words.
    let status = w.child.wait();
    std::thread::sleep(Duration::from_millis(20));
    let last = w.last_stderr.lock().map(|s| s.clone()).unwrap_or_default();
    let status = match status {
        Ok(s) => {
            #[cfg(unix)]
            {
                use std::os::unix::process::ExitStatusExt;
                match (s.code(), s.signal()) {
                    (Some(c), _) => format!("exit code {c}"),
                    (None, Some(sig)) => format!("signal {sig}"),
                    _ => s.to_string(),
                }
            }
            #[cfg(not(unix))]
            {
                s.to_string()
            }
        }
        Err(e) => format!("wait failed: {e}"),
    };
    if last.is_empty() {
        format!("crash: worker died ({status})")
    } else {
        format!("crash: worker died ({status}): {last}")
    }
}

/// Runs `jobs` on `workers` subprocesses; `progress` is called with each result.
pub fn run_jobs(
    jobs: &[Job],
    workers: usize,
    worker_args: &[String],
    watchdog: Duration,
    progress: &mut dyn FnMut(&JobResult),
) -> Result<Vec<JobResult>, String> {
    let queue: Arc<Mutex<VecDeque<usize>>> = Arc::new(Mutex::new((0..jobs.len()).collect()));
    let jobs: Arc<Vec<Job>> = Arc::new(jobs.to_vec());
    let (tx, rx): (Sender<Result<JobResult, String>>, _) = mpsc::channel();
    let mut handles = Vec::new();
    for _ in 0..workers.max(1) {
        let queue = queue.clone();
        let jobs = jobs.clone();
        let tx = tx.clone();
        let args = worker_args.to_vec();
        handles.push(std::thread::spawn(move || {
            let mut worker: Option<Worker> = None;
            loop {
                let next = queue.lock().ok().and_then(|mut q| q.pop_front());
                let Some(id) = next else { break };
                let job = &jobs[id];
                if worker.is_none() {
                    match spawn_worker(&args) {
                        Ok(w) => worker = Some(w),
                        Err(e) => {
                            let _ = tx.send(Err(e));
                            return;
                        }
                    }
                }
                let Some(w) = worker.as_mut() else { return };
                let sent = writeln!(w.stdin, "{id}\t{}\t{}", job.mode.name(), job.path).and_then(|()| w.stdin.flush());
                let outcome = if sent.is_err() {
                    Some(Outcome::Fail(describe_exit(w)))
                } else {
                    match w.lines.recv_timeout(watchdog) {
                        Ok(line) => {
                            let mut parts = line.splitn(3, '\t');
                            let (rid, tag, msg) = (parts.next(), parts.next(), parts.next().unwrap_or(""));
                            if rid != Some(id.to_string().as_str()) {
                                Some(Outcome::Fail(format!("runner error: out-of-order answer `{line}`")))
                            } else if tag == Some("P") {
                                None
                            } else {
                                Some(Outcome::Fail(msg.to_string()))
                            }
                        }
                        Err(RecvTimeoutError::Timeout) => {
                            let _ = w.child.kill();
                            let _ = w.child.wait();
                            Some(Outcome::Fail(format!(
                                "timeout: worker killed after {}s without an answer",
                                watchdog.as_secs()
                            )))
                        }
                        Err(RecvTimeoutError::Disconnected) => Some(Outcome::Fail(describe_exit(w))),
                    }
                };
                let restart = matches!(&outcome, Some(Outcome::Fail(m)) if m.starts_with("crash:") || m.starts_with("timeout: worker killed") || m.starts_with("runner error"));
                if restart {
                    if let Some(mut w) = worker.take() {
                        let _ = w.child.kill();
                        let _ = w.child.wait();
                    }
                }
                let result = JobResult { job: job.clone(), outcome: outcome.unwrap_or(Outcome::Pass) };
                if tx.send(Ok(result)).is_err() {
                    break;
                }
            }
            if let Some(mut w) = worker {
                drop(w.stdin);
                let _ = w.child.wait();
            }
        }));
    }
    drop(tx);
    let mut results = Vec::with_capacity(jobs.len());
    let mut first_error = None;
    for r in rx {
        match r {
            Ok(r) => {
                progress(&r);
                results.push(r);
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    for h in handles {
        let _ = h.join();
    }
    if results.len() < jobs.len() {
        return Err(first_error.unwrap_or_else(|| "workers stopped early".to_string()));
    }
    results.sort_by(|a, b| a.job.cmp(&b.job));
    Ok(results)
}
