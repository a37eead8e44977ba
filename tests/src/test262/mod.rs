//! The test262 conformance runner (issue 3), as a library; `src/bin/test262.rs` is its
//! command line.
//!
//! - [`meta`]: frontmatter and the modes a test runs in;
//! - [`config`]: `tests/test262/{features.toml, known-failures.txt, summary.txt}`;
//! - [`exec`]: one run in-process through the engine API;
//! - [`pool`]: worker subprocesses (the runner re-executes itself with `--worker`), restarted
//!   when one crashes or hangs, so such a test is recorded and the run goes on.
//!
//! Invariant: results are keyed by (path below `test/`, mode) and everything written is
//! sorted, so two runs of the same engine produce identical files.

pub mod config;
pub mod exec;
pub mod meta;
pub mod pool;

use meta::Mode;
use std::path::Path;

/// One scheduled run.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Job {
    pub path: String,
    pub mode: Mode,
}

/// A test that is not run, with the modes it would have run in.
#[derive(Clone, Debug)]
pub struct Skipped {
    pub path: String,
    pub runs: usize,
    pub reason: String,
}

/// All test files below `test_dir` (relative paths with `/`), `_FIXTURE` files excluded,
/// sorted. Iterative walk.
pub fn discover(test_dir: &Path) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut stack = vec![test_dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
            let path = entry.path();
            let ft = entry
                .file_type()
                .map_err(|e| format!("{}: {e}", path.display()))?;
            if ft.is_dir() {
                stack.push(path);
            } else {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.ends_with(".js") && !name.contains("_FIXTURE") {
                    if let Ok(rel) = path.strip_prefix(test_dir) {
                        out.push(rel.to_string_lossy().replace('\\', "/"));
                    }
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Whether `path` is selected by the filters (prefixes of the path below `test/`, with or
/// without a leading `test/`); no filter selects everything.
pub fn selected(path: &str, filters: &[String]) -> bool {
    filters.is_empty()
        || filters.iter().any(|f| {
            let f = f.strip_prefix("test/").unwrap_or(f);
            path.starts_with(f)
        })
}

/// Splits the selected tests into runs and skips.
pub fn plan(
    suite: &exec::Suite,
    skip: &config::SkipConfig,
    filters: &[String],
) -> Result<(Vec<Job>, Vec<Skipped>), String> {
    let mut jobs = Vec::new();
    let mut skipped = Vec::new();
    for path in discover(&suite.test_dir())? {
        if !selected(&path, filters) {
            continue;
        }
        let source = std::fs::read_to_string(suite.test_dir().join(&path))
            .map_err(|e| format!("{path}: {e}"))?;
        let meta = match meta::parse(&source) {
            Ok(m) => m,
            Err(_) => {
                // A frontmatter we cannot read is a failure of every default run (the worker
                // reports the parse error), never a skip.
                for mode in meta::modes(&meta::Meta::default()) {
                    jobs.push(Job {
                        path: path.clone(),
                        mode,
                    });
                }
                continue;
            }
        };
        let modes = meta::modes(&meta);
        if let Some(reason) = skip.skip_reason(&path, &meta, &source) {
            skipped.push(Skipped {
                path,
                runs: modes.len(),
                reason,
            });
            continue;
        }
        for mode in modes {
            jobs.push(Job {
                path: path.clone(),
                mode,
            });
        }
    }
    Ok((jobs, skipped))
}
