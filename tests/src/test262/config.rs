//! The runner's committed data files, in `tests/test262/`:
//!
//! - `features.toml`: what is skipped, each entry with its reason. Sections `[features]`
//!   (test262 feature names; a trailing `*` matches a prefix), `[flags]` (test flags),
//!   `[paths]` (path prefixes below `test/`), `[source]` (substrings of the test source, for
//!   host capabilities such as `$262.agent` that carry no feature tag). A TOML subset:
//!   `key = "reason"` lines, bare or quoted keys, `#` comments.
//! - `known-failures.txt`: one `path mode: first error line` per failing run, sorted.
//! - `summary.txt`: per-directory passed/failed/skipped counts of the last full run.
//!
//! Invariant: both generated files are sorted and deterministic, so a run that changes
//! nothing rewrites them byte for byte.

use super::meta::{Meta, Mode};
use std::collections::BTreeMap;
use std::fmt::Write as _;

#[derive(Clone, Debug, Default)]
pub struct SkipConfig {
    pub features: Vec<(String, String)>,
    pub flags: Vec<(String, String)>,
    pub paths: Vec<(String, String)>,
    pub source: Vec<(String, String)>,
}

fn parse_key(k: &str) -> String {
    k.trim().trim_matches('"').to_string()
}

fn parse_value(v: &str) -> Result<String, String> {
    let v = v.trim();
    let Some(rest) = v.strip_prefix('"') else {
        return Err(format!("expected a quoted string, got `{v}`"));
    };
    let Some(end) = rest.find('"') else {
        return Err(format!("unterminated string `{v}`"));
    };
    Ok(rest[..end].to_string())
}

impl SkipConfig {
    pub fn parse(text: &str) -> Result<SkipConfig, String> {
        let mut cfg = SkipConfig::default();
        let mut section = String::new();
        for (n, line) in text.lines().enumerate() {
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            if let Some(name) = t.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
                section = name.trim().to_string();
                continue;
            }
            // Keys may be quoted and contain '=' only inside quotes; split at the first
            // '=' after the key.
            let split = if let Some(rest) = t.strip_prefix('"') {
                rest.find('"')
                    .and_then(|q| t[q + 2..].find('=').map(|e| q + 2 + e))
            } else {
                t.find('=')
            };
            let Some(eq) = split else {
                return Err(format!(
                    "features.toml:{}: expected key = \"reason\"",
                    n + 1
                ));
            };
            let key = parse_key(&t[..eq]);
            let reason =
                parse_value(&t[eq + 1..]).map_err(|e| format!("features.toml:{}: {e}", n + 1))?;
            let list = match section.as_str() {
                "features" => &mut cfg.features,
                "flags" => &mut cfg.flags,
                "paths" => &mut cfg.paths,
                "source" => &mut cfg.source,
                other => {
                    return Err(format!(
                        "features.toml:{}: unknown section [{other}]",
                        n + 1
                    ))
                }
            };
            list.push((key, reason));
        }
        Ok(cfg)
    }

    /// Why `path` (relative to `test/`) with `meta` and `source` is skipped, if it is.
    pub fn skip_reason(&self, path: &str, meta: &Meta, source: &str) -> Option<String> {
        for (prefix, reason) in &self.paths {
            if path.starts_with(prefix.as_str()) {
                return Some(format!("path {prefix}: {reason}"));
            }
        }
        for f in &meta.features {
            for (pattern, reason) in &self.features {
                let hit = match pattern.strip_suffix('*') {
                    Some(prefix) => f.starts_with(prefix),
                    None => f == pattern,
                };
                if hit {
                    return Some(format!("feature {f}: {reason}"));
                }
            }
        }
        for f in &meta.flags {
            if let Some((_, reason)) = self.flags.iter().find(|(k, _)| k == f) {
                return Some(format!("flag {f}: {reason}"));
            }
        }
        for (needle, reason) in &self.source {
            if source.contains(needle.as_str()) {
                return Some(format!("uses {needle}: {reason}"));
            }
        }
        None
    }
}

/// One failing run in `known-failures.txt`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct KnownFailure {
    pub path: String,
    pub mode: Mode,
    pub message: String,
}

pub fn parse_known_failures(text: &str) -> Result<Vec<KnownFailure>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (head, message) = line.split_once(": ").unwrap_or((line, ""));
        let (path, mode) = head.rsplit_once(' ').ok_or_else(|| {
            format!(
                "known-failures.txt:{}: expected `path mode: message`",
                n + 1
            )
        })?;
        let mode = Mode::parse(mode.trim())
            .ok_or_else(|| format!("known-failures.txt:{}: unknown mode `{mode}`", n + 1))?;
        out.push(KnownFailure {
            path: path.to_string(),
            mode,
            message: message.to_string(),
        });
    }
    Ok(out)
}

pub fn format_known_failures(list: &[KnownFailure]) -> String {
    let mut sorted = list.to_vec();
    sorted.sort();
    let mut s = String::from(
        "# test262 runs known to fail: `path mode: first line of the error`.\n\
         # Written by `cargo run --release -p qjs-tests --bin test262 -- --update`; the runner\n\
         # exits non-zero on any failure not listed here (CI ratchet).\n",
    );
    for f in &sorted {
        let _ = writeln!(s, "{} {}: {}", f.path, f.mode.name(), f.message);
    }
    s
}

/// The directory a test is counted under: `language/<x>`, `built-ins/<x>`, `annexB/<x>`,
/// else its first component (`intl402`, `staging`, `harness`).
pub fn summary_group(path: &str) -> String {
    let mut parts = path.split('/');
    let first = parts.next().unwrap_or("");
    match first {
        "language" | "built-ins" | "annexB" => match parts.next() {
            Some(second) if !second.ends_with(".js") => format!("{first}/{second}"),
            _ => first.to_string(),
        },
        _ => first.to_string(),
    }
}

#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
    pub skipped: u64,
}

impl Counts {
    pub fn add(&mut self, o: &Counts) {
        self.passed += o.passed;
        self.failed += o.failed;
        self.skipped += o.skipped;
    }
}

fn percent(c: &Counts) -> String {
    let run = c.passed + c.failed;
    if run == 0 {
        "-".to_string()
    } else {
        format!("{:.1}%", c.passed as f64 * 100.0 / run as f64)
    }
}

/// The per-directory summary (counts are runs: a test run in both modes counts twice; a
/// skipped test counts once per mode it would have run in).
pub fn format_summary(groups: &BTreeMap<String, Counts>) -> String {
    let mut total = Counts::default();
    let mut tops: BTreeMap<String, Counts> = BTreeMap::new();
    for (g, c) in groups {
        total.add(c);
        let top = g.split('/').next().unwrap_or(g).to_string();
        tops.entry(top).or_default().add(c);
    }
    let mut s = String::from(
        "# test262 summary (runs: passed / failed / skipped, pass % of runs not skipped).\n\
         # Written by the test262 runner on full runs; commit it with the change it reflects.\n",
    );
    let line = |s: &mut String, name: &str, c: &Counts| {
        let _ = writeln!(
            s,
            "{name:<48} {:>7} {:>7} {:>7} {:>7}",
            c.passed,
            c.failed,
            c.skipped,
            percent(c)
        );
    };
    let _ = writeln!(
        s,
        "{:<48} {:>7} {:>7} {:>7} {:>7}",
        "directory", "passed", "failed", "skipped", "pass%"
    );
    line(&mut s, "TOTAL", &total);
    for (t, c) in &tops {
        line(&mut s, t, c);
    }
    s.push('\n');
    for (g, c) in groups {
        line(&mut s, g, c);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_config() {
        let cfg = SkipConfig::parse(
            "# c\n[features]\n\"Intl.*\" = \"no Intl\"\ndecorators = \"stage 3\"\n[flags]\nCanBlockIsFalse = \"we can block\"\n[paths]\n\"intl402/\" = \"no Intl\"\n[source]\n\"$262.agent\" = \"no agents\"\n",
        )
        .unwrap();
        let mut m = Meta::default();
        assert_eq!(cfg.skip_reason("language/x.js", &m, ""), None);
        m.features = vec!["Intl.Locale".into()];
        assert!(cfg.skip_reason("language/x.js", &m, "").is_some());
        m.features = vec![];
        assert!(cfg.skip_reason("intl402/a.js", &m, "").is_some());
        assert!(cfg.skip_reason("a.js", &m, "$262.agent.start()").is_some());
        m.flags = vec!["CanBlockIsFalse".into()];
        assert!(cfg.skip_reason("a.js", &m, "").is_some());
        assert!(SkipConfig::parse("[features]\nx = y\n").is_err());
        assert!(SkipConfig::parse("[bogus]\nx = \"y\"\n").is_err());
    }

    #[test]
    fn known_failures_round_trip() {
        let list = vec![
            KnownFailure {
                path: "language/b.js".into(),
                mode: Mode::Strict,
                message: "Test262Error: x: y".into(),
            },
            KnownFailure {
                path: "language/a.js".into(),
                mode: Mode::Sloppy,
                message: String::new(),
            },
        ];
        let text = format_known_failures(&list);
        let mut back = parse_known_failures(&text).unwrap();
        back.sort();
        let mut sorted = list.clone();
        sorted.sort();
        assert_eq!(back, sorted);
    }

    #[test]
    fn groups() {
        assert_eq!(
            summary_group("language/expressions/addition/x.js"),
            "language/expressions"
        );
        assert_eq!(
            summary_group("built-ins/Array/from/x.js"),
            "built-ins/Array"
        );
        assert_eq!(summary_group("intl402/Collator/x.js"), "intl402");
        assert_eq!(summary_group("harness/x.js"), "harness");
    }
}
