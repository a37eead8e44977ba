//! test262 metadata: the YAML frontmatter between `/*---` and `---*/` (INTERPRETING.md
//! "Metadata"), and the list of runs (scenarios) a test asks for.
//!
//! Only the YAML the suite uses is understood: top-level `key: value` lines, inline lists
//! (`[a, b]`), block lists (`- a`), the two-key `negative` mapping, and folded/literal
//! scalars, which are skipped by indentation. Unknown keys are ignored.

/// The phase in which a negative test expects its error.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    Parse,
    Resolution,
    Runtime,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Negative {
    pub phase: Phase,
    /// Constructor name of the expected error (`SyntaxError`, `Test262Error`, ...).
    pub error_type: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    pub includes: Vec<String>,
    pub flags: Vec<String>,
    pub features: Vec<String>,
    pub negative: Option<Negative>,
}

impl Meta {
    pub fn has_flag(&self, f: &str) -> bool {
        self.flags.iter().any(|x| x == f)
    }
}

/// One way of running a test (INTERPRETING.md "Strict Mode", `module`, `raw`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    Sloppy,
    Strict,
    Module,
    Raw,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Sloppy => "sloppy",
            Mode::Strict => "strict",
            Mode::Module => "module",
            Mode::Raw => "raw",
        }
    }

    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "sloppy" => Some(Mode::Sloppy),
            "strict" => Some(Mode::Strict),
            "module" => Some(Mode::Module),
            "raw" => Some(Mode::Raw),
            _ => None,
        }
    }
}

/// The runs a test requires: `module` → module only; `raw` → as is, once; `onlyStrict` →
/// strict; `noStrict` → sloppy; otherwise both.
pub fn modes(meta: &Meta) -> Vec<Mode> {
    if meta.has_flag("module") {
        vec![Mode::Module]
    } else if meta.has_flag("raw") {
        vec![Mode::Raw]
    } else if meta.has_flag("onlyStrict") {
        vec![Mode::Strict]
    } else if meta.has_flag("noStrict") {
        vec![Mode::Sloppy]
    } else {
        vec![Mode::Sloppy, Mode::Strict]
    }
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    let s = s.split(" #").next().unwrap_or(s).trim();
    s.trim_matches(|c| c == '"' || c == '\'').to_string()
}

fn inline_list(s: &str) -> Vec<String> {
    let inner = s.trim().trim_start_matches('[');
    let inner = inner.split(']').next().unwrap_or("");
    inner
        .split(',')
        .map(unquote)
        .filter(|x| !x.is_empty())
        .collect()
}

/// Parses the frontmatter of a test file; a file without one has empty metadata.
pub fn parse(source: &str) -> Result<Meta, String> {
    let mut meta = Meta::default();
    let Some(start) = source.find("/*---") else {
        return Ok(meta);
    };
    let body = &source[start + 5..];
    let Some(end) = body.find("---*/") else {
        return Err("unterminated frontmatter".to_string());
    };
    let body = &body[..end];
    let mut key = String::new();
    let mut negative_phase = None;
    let mut negative_type = None;
    for line in body.lines() {
        if line.trim().is_empty() {
            continue;
        }
        let indented = line.starts_with(' ') || line.starts_with('\t');
        if !indented {
            let Some((k, v)) = line.split_once(':') else {
                key.clear();
                continue;
            };
            key = k.trim().to_string();
            let v = v.trim();
            match key.as_str() {
                "includes" if v.starts_with('[') => meta.includes = inline_list(v),
                "flags" if v.starts_with('[') => meta.flags = inline_list(v),
                "features" if v.starts_with('[') => meta.features = inline_list(v),
                _ => {}
            }
            continue;
        }
        let t = line.trim();
        match key.as_str() {
            "includes" | "flags" | "features" => {
                if let Some(item) = t.strip_prefix("- ") {
                    let item = unquote(item);
                    match key.as_str() {
                        "includes" => meta.includes.push(item),
                        "flags" => meta.flags.push(item),
                        _ => meta.features.push(item),
                    }
                }
            }
            "negative" => {
                if let Some((k, v)) = t.split_once(':') {
                    match k.trim() {
                        "phase" => negative_phase = Some(unquote(v)),
                        "type" => negative_type = Some(unquote(v)),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    match (negative_phase, negative_type) {
        (None, None) => {}
        (Some(p), Some(t)) => {
            let phase = match p.as_str() {
                "parse" => Phase::Parse,
                "resolution" => Phase::Resolution,
                "runtime" => Phase::Runtime,
                other => return Err(format!("unknown negative phase '{other}'")),
            };
            meta.negative = Some(Negative {
                phase,
                error_type: t,
            });
        }
        _ => return Err("negative needs both phase and type".to_string()),
    }
    Ok(meta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frontmatter() {
        let src = "// c\n/*---\ndescription: >\n    a: b\n    - not an item\nincludes: [propertyHelper.js, compareArray.js]\nflags: [onlyStrict, async]\nfeatures:\n  - BigInt\n  - Symbol.iterator # comment\nnegative:\n    phase: parse\n    type: SyntaxError\n---*/\nx";
        let m = parse(src).unwrap();
        assert_eq!(m.includes, vec!["propertyHelper.js", "compareArray.js"]);
        assert_eq!(m.flags, vec!["onlyStrict", "async"]);
        assert_eq!(m.features, vec!["BigInt", "Symbol.iterator"]);
        assert_eq!(
            m.negative,
            Some(Negative {
                phase: Phase::Parse,
                error_type: "SyntaxError".into()
            })
        );
        assert_eq!(modes(&m), vec![Mode::Strict]);
        assert_eq!(modes(&Meta::default()), vec![Mode::Sloppy, Mode::Strict]);
        assert!(parse("/*---\nnegative:\n  phase: later\n  type: X\n---*/").is_err());
    }
}
