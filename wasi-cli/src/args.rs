//! Command line parsing for `qjs`, following QuickJS's `qjs` options.
//!
//! `qjs [options] [file [args]]`: options are read until the first non-option argument,
//! which is the script; everything after it goes to `scriptArgs` untouched. Sizes accept
//! the suffixes `k`, `M`, `G` (case-insensitive) as multiples of 1024, as QuickJS's
//! `get_suffixed_size` does.

/// How the main source is to be evaluated.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ModeChoice {
    /// `.mjs`, or source with a top-level `import`/`export` statement, is a module.
    Auto,
    Module,
    Script,
}

/// Parsed command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub eval_expr: Option<String>,
    pub mode: ModeChoice,
    pub includes: Vec<String>,
    /// `-q`: create the runtime and context, then quit.
    pub quit: bool,
    pub help: bool,
    pub interactive: bool,
    pub std_modules: bool,
    /// `-d`: print memory usage at exit.
    pub dump_memory: bool,
    pub memory_limit: Option<usize>,
    pub stack_size: Option<usize>,
    pub time_limit_ms: Option<u64>,
    /// Hidden: install test262's `$262` host object (used by the test262 runner's `--wasm`
    /// mode so the wasm build runs tests with the same host as the native runner).
    pub test262_host: bool,
    /// Hidden: measure start-up (runtime + context + `1+1` + free) this many times and print
    /// the median as `startup-us N` (used by the `bench` tool, natively and in wasm).
    pub bench_startup: Option<u32>,
    /// Script file, if any.
    pub file: Option<String>,
    /// `scriptArgs`: the script file followed by its arguments (QuickJS's `argv + optind`).
    pub script_args: Vec<String>,
}

pub const USAGE: &str = "\
usage: qjs [options] [file [args]]
-h  --help         list options
-e  --eval EXPR    evaluate EXPR
-i  --interactive  go to interactive mode (not supported yet)
-m  --module       load as ES6 module (default=autodetect)
    --script       load as ES6 script (default=autodetect)
-I  --include file include an additional file
    --std          make 'std' and 'os' available (not supported yet)
-d  --dump         dump the memory usage stats
    --memory-limit n   limit the memory usage to 'n' bytes (SI suffixes allowed)
    --stack-size n     limit the stack size to 'n' bytes (SI suffixes allowed)
    --time-limit ms    interrupt the script after 'ms' milliseconds
-q  --quit         just instantiate the interpreter and quit
";

/// Parses `n`, `nk`, `nM`, `nG` (binary multiples, as QuickJS).
pub fn parse_size(text: &str) -> Result<usize, String> {
    let t = text.trim();
    let (digits, mult): (&str, u64) = match t.char_indices().last() {
        Some((i, 'k' | 'K')) => (&t[..i], 1 << 10),
        Some((i, 'm' | 'M')) => (&t[..i], 1 << 20),
        Some((i, 'g' | 'G')) => (&t[..i], 1 << 30),
        _ => (t, 1),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("invalid size: '{text}'"))?;
    let bytes = n
        .checked_mul(mult)
        .ok_or_else(|| format!("size too large: '{text}'"))?;
    usize::try_from(bytes).map_err(|_| format!("size too large: '{text}'"))
}

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        eval_expr: None,
        mode: ModeChoice::Auto,
        includes: Vec::new(),
        quit: false,
        help: false,
        interactive: false,
        std_modules: false,
        dump_memory: false,
        memory_limit: None,
        stack_size: None,
        time_limit_ms: None,
        test262_host: false,
        bench_startup: None,
        file: None,
        script_args: Vec::new(),
    };
    let mut i = 0;
    // Takes the value of an option: `--opt=value` or the next argument.
    fn value(
        args: &[String],
        i: &mut usize,
        inline: Option<&str>,
        name: &str,
    ) -> Result<String, String> {
        if let Some(v) = inline {
            return Ok(v.to_string());
        }
        *i += 1;
        args.get(*i)
            .cloned()
            .ok_or_else(|| format!("qjs: missing argument for {name}"))
    }
    while i < args.len() {
        let arg = &args[i];
        if !arg.starts_with('-') || arg == "-" {
            break;
        }
        if arg == "--" {
            i += 1;
            break;
        }
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if arg.starts_with("--") => (n, Some(v)),
            _ => (arg.as_str(), None),
        };
        match name {
            "-h" | "-?" | "--help" => o.help = true,
            "-e" | "--eval" => o.eval_expr = Some(value(args, &mut i, inline, name)?),
            "-i" | "--interactive" => o.interactive = true,
            "-m" | "--module" => o.mode = ModeChoice::Module,
            "--script" => o.mode = ModeChoice::Script,
            "-I" | "--include" => o.includes.push(value(args, &mut i, inline, name)?),
            "--std" => o.std_modules = true,
            "-d" | "--dump" => o.dump_memory = true,
            "-q" | "--quit" => o.quit = true,
            "--memory-limit" => {
                o.memory_limit = Some(parse_size(&value(args, &mut i, inline, name)?)?)
            }
            "--stack-size" => o.stack_size = Some(parse_size(&value(args, &mut i, inline, name)?)?),
            "--time-limit" => {
                let v = value(args, &mut i, inline, name)?;
                let ms = v
                    .trim()
                    .parse::<u64>()
                    .map_err(|_| format!("qjs: invalid time limit: '{v}'"))?;
                o.time_limit_ms = Some(ms);
            }
            "--test262-host" => o.test262_host = true,
            "--bench-startup" => {
                let v = value(args, &mut i, inline, name)?;
                let n = v
                    .trim()
                    .parse::<u32>()
                    .map_err(|_| format!("qjs: invalid count: '{v}'"))?;
                o.bench_startup = Some(n.max(1));
            }
            _ => return Err(format!("qjs: unknown option '{arg}'")),
        }
        i += 1;
    }
    if i < args.len() {
        o.file = Some(args[i].clone());
    }
    o.script_args = args[i.min(args.len())..].to_vec();
    Ok(o)
}

/// QuickJS-style module detection, extended to the whole top level: true when the source has
/// an `import` (not `import(` / `import.`) or `export` statement at brace depth 0.
///
/// A light scanner: it skips comments, string and template literals (template `${}` nesting
/// counted) and tracks `{}` depth. Regex literals are not recognised; a `{` or quote inside a
/// regex literal at the top level can mislead it, which only matters for autodetection
/// (`-m`/`--script` override it).
pub fn detect_module(source: &str) -> bool {
    let b = source.as_bytes();
    let mut i = 0;
    let mut depth: i64 = 0;
    // Brace depth at which each open template `${` resumes its template.
    let mut template_stack: Vec<i64> = Vec::new();
    let mut prev_ident_char = false;
    let mut prev_dot = false;
    if b.starts_with(b"#!") {
        while i < b.len() && b[i] != b'\n' {
            i += 1;
        }
    }
    while i < b.len() {
        let c = b[i];
        match c {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                prev_ident_char = false;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
                prev_ident_char = false;
                continue;
            }
            b'"' | b'\'' => {
                i += 1;
                while i < b.len() && b[i] != c && b[i] != b'\n' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'`' => {
                i = skip_template(b, i + 1, &mut template_stack, depth);
                prev_ident_char = false;
                prev_dot = false;
                continue;
            }
            b'{' => depth += 1,
            b'}' => {
                if template_stack.last() == Some(&depth) {
                    template_stack.pop();
                    i = skip_template(b, i + 1, &mut template_stack, depth);
                    prev_ident_char = false;
                    prev_dot = false;
                    continue;
                }
                depth -= 1;
            }
            _ => {}
        }
        let is_ident = c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80;
        if is_ident && !prev_ident_char && !prev_dot && depth == 0 {
            let rest = &b[i..];
            let word_end = |n: usize| {
                rest.get(n).is_none_or(|&d| {
                    !(d.is_ascii_alphanumeric() || d == b'_' || d == b'$' || d >= 0x80)
                })
            };
            if rest.starts_with(b"export") && word_end(6) {
                return true;
            }
            if rest.starts_with(b"import") && word_end(6) {
                let mut j = i + 6;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if !matches!(b.get(j), Some(b'(') | Some(b'.')) {
                    return true;
                }
            }
        }
        if !c.is_ascii_whitespace() {
            prev_dot = c == b'.';
        }
        prev_ident_char = is_ident;
        i += 1;
    }
    false
}

/// Skips template characters from `i` (just after a backquote or a closing `}` of a
/// substitution) to just after the closing backquote, or just after `${` (pushing `depth`).
fn skip_template(b: &[u8], mut i: usize, stack: &mut Vec<i64>, depth: i64) -> usize {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'`' => return i + 1,
            b'$' if b.get(i + 1) == Some(&b'{') => {
                stack.push(depth);
                return i + 2;
            }
            _ => i += 1,
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("10k"), Ok(10 << 10));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert_eq!(parse_size("123"), Ok(123));
        assert!(parse_size("x").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
    }

    #[test]
    fn options_and_script_args() {
        let o = parse(&strings(&[
            "--memory-limit",
            "64M",
            "-m",
            "a.js",
            "-x",
            "y",
        ]))
        .unwrap();
        assert_eq!(o.memory_limit, Some(64 << 20));
        assert_eq!(o.mode, ModeChoice::Module);
        assert_eq!(o.file.as_deref(), Some("a.js"));
        assert_eq!(o.script_args, strings(&["a.js", "-x", "y"]));
        let o = parse(&strings(&["-e", "1+1", "--time-limit=1000"])).unwrap();
        assert_eq!(o.eval_expr.as_deref(), Some("1+1"));
        assert_eq!(o.time_limit_ms, Some(1000));
        assert!(parse(&strings(&["--bogus"])).is_err());
        assert!(parse(&strings(&["-e"])).is_err());
    }

    #[test]
    fn module_detection() {
        assert!(detect_module("import x from './a.js';"));
        assert!(detect_module("// c\nexport const a = 1;"));
        assert!(detect_module("let a = `${ {b: 1}.b }`;\nimport './x.js';"));
        assert!(!detect_module("import('./a.js').then(() => {});"));
        assert!(!detect_module("console.log(import.meta)"));
        assert!(!detect_module(
            "function f() { var o = { import: 1 }; o.export = 2; }"
        ));
        assert!(!detect_module("var s = 'import x from \"y\"';"));
        assert!(!detect_module("/* export */ var x;"));
    }
}
