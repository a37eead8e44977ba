//! The parser: tokens to [`crate::ast`], with every early error. Front end: no heap, no VM.
//!
//! # Public interface
//!
//! - [`parse`]`(source, &ParseOptions, &mut AtomTable) -> Result<ast::Program, SyntaxError>`
//!   parses a script, a module or eval code; [`ParseOptions`] says which, and for direct eval
//!   what the enclosing context allows (`new.target`, `super`, `arguments`, private names).
//! - [`parse_function_parts`] parses the `params` and `body` strings of `new Function(...)`
//!   separately (as the spec requires) and returns the assembled source and function.
//! - [`SyntaxError`] (message, span, 1-based line/column) and [`LineIndex`] (offset → line and
//!   column) are shared with the compiler for the errors it finds itself.
//!
//! # Design
//!
//! A hand-written recursive-descent parser over a one-token window of the [`Lexer`]; peeking
//! further clones the lexer (cheap). Binary operators are parsed by precedence climbing in one
//! function. Destructuring and arrow parameters use the cover grammar: the parser reads an
//! expression and converts it to a pattern when it sees `=` or `=>` (`pattern.rs`), so there
//! is no backtracking. Errors that are only errors if the expression is *not* reinterpreted as
//! a pattern (`{a = 1}`, a duplicate `__proto__`) are kept pending in `cover_err`.
//!
//! Early errors about declarations (redeclarations, `let` vs `var`, labels, private names) are
//! checked as the parse goes, with the scope tracker in `scope.rs`.
//!
//! # Invariants
//!
//! - Stack safety: every recursive entry point calls [`Parser::enter`], which fails with
//!   "too much recursion" beyond `max_depth` nesting levels or when the native stack used since
//!   the start of the parse exceeds `stack_budget` bytes. A failed parse is abandoned, so the
//!   depth counter is only decremented on success paths.
//! - The parser never panics: tokens are examined through the `T` kind, never by indexing.

mod expr;
mod func;
mod pattern;
mod scope;
mod stmt;

use crate::ast::{self, Span};
use crate::atoms::{Atom, AtomTable};
use crate::lexer::{LexError, Lexer, Token, T};
use scope::{ClassScope, Label, Scope};

/// What kind of code is being parsed and what its context allows.
#[derive(Clone, Debug)]
pub struct ParseOptions {
    pub kind: ast::ProgramKind,
    /// Parse as strict mode code (test262 `onlyStrict`, or eval code called from strict code).
    pub strict: bool,
    /// Direct eval code: the context flags below describe the caller.
    pub direct_eval: bool,
    /// `new.target` is allowed (direct eval inside a non-arrow function).
    pub allow_new_target: bool,
    /// `super.x` is allowed (direct eval inside a method).
    pub allow_super_property: bool,
    /// `super()` is allowed (direct eval inside a derived constructor).
    pub allow_super_call: bool,
    /// `arguments` is allowed (false for direct eval inside a class field initializer).
    pub allow_arguments: bool,
    /// The caller is inside a function (or eval in one): needed for nothing but `return`,
    /// which is never allowed in eval code; kept for completeness of the eval context.
    pub in_function: bool,
    /// Private names visible from the caller's enclosing classes (direct eval).
    pub private_names: Vec<Atom>,
    /// Maximum nesting depth of expressions, statements, patterns and functions.
    pub max_depth: u32,
    /// Maximum native stack the parser may use, in bytes.
    pub stack_budget: usize,
}

/// Default nesting limit; the AST depth the compiler sees is bounded by it.
pub const DEFAULT_MAX_DEPTH: u32 = 1000;
/// Default native stack budget, measured from the address of a local (on wasm32 that is the
/// shadow stack in linear memory, which grows about half as fast as wasmtime's native wasm
/// stack: a 256 KiB shadow budget overflowed the default 512 KiB wasm stack, 224 KiB did not).
/// Native builds have 8 MiB main threads (2 MiB for spawned ones).
#[cfg(target_arch = "wasm32")]
pub const DEFAULT_STACK_BUDGET: usize = 160 * 1024;
/// Default native stack budget (see the wasm32 variant for the calibration).
#[cfg(not(target_arch = "wasm32"))]
pub const DEFAULT_STACK_BUDGET: usize = 256 * 1024;

impl ParseOptions {
    pub fn script() -> ParseOptions {
        ParseOptions {
            kind: ast::ProgramKind::Script,
            strict: false,
            direct_eval: false,
            allow_new_target: false,
            allow_super_property: false,
            allow_super_call: false,
            allow_arguments: true,
            in_function: false,
            private_names: Vec::new(),
            max_depth: DEFAULT_MAX_DEPTH,
            stack_budget: DEFAULT_STACK_BUDGET,
        }
    }
    pub fn module() -> ParseOptions {
        ParseOptions {
            kind: ast::ProgramKind::Module,
            strict: true,
            ..ParseOptions::script()
        }
    }
    /// Direct eval code; set the `allow_*` flags and `private_names` from the caller.
    pub fn direct_eval(strict: bool) -> ParseOptions {
        ParseOptions {
            strict,
            direct_eval: true,
            ..ParseOptions::script()
        }
    }
}

/// A syntax error with its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
    /// 1-based line and column (column in characters).
    pub line: u32,
    pub column: u32,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SyntaxError: {} (at {}:{})",
            self.message, self.line, self.column
        )
    }
}

impl std::error::Error for SyntaxError {}

impl SyntaxError {
    /// Builds an error at byte offset `span.start` of `source`.
    pub fn new(source: &str, span: Span, message: impl Into<String>) -> SyntaxError {
        let (line, column) = LineIndex::new(source).line_col(span.start);
        SyntaxError {
            message: message.into(),
            span,
            line,
            column,
        }
    }
}

/// Maps byte offsets to 1-based (line, column); columns count characters.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset of the start of every line.
    starts: Vec<u32>,
    source: Box<str>,
}

impl LineIndex {
    pub fn new(source: &str) -> LineIndex {
        let mut starts = vec![0u32];
        let mut it = source.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            match c {
                '\r' => {
                    if let Some(&(_, '\n')) = it.peek() {
                        it.next();
                        starts.push(i as u32 + 2);
                    } else {
                        starts.push(i as u32 + 1);
                    }
                }
                '\n' | '\u{2028}' | '\u{2029}' => starts.push((i + c.len_utf8()) as u32),
                _ => {}
            }
        }
        LineIndex {
            starts,
            source: source.into(),
        }
    }

    /// 1-based line and column of byte offset `offset` (clamped to the source).
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.starts.get(line).copied().unwrap_or(0) as usize;
        let end = (offset as usize).min(self.source.len());
        let col = self.source.get(start..end).map_or(0, |s| s.chars().count());
        (line as u32 + 1, col as u32 + 1)
    }
}

/// Parses a script, module or eval code.
pub fn parse(
    source: &str,
    opts: &ParseOptions,
    atoms: &mut AtomTable,
) -> Result<ast::Program, SyntaxError> {
    let mut p = Parser::new(source, opts, atoms)?;
    p.parse_program()
}

/// The result of [`parse_function_parts`].
#[derive(Debug)]
pub struct FunctionParts {
    /// The assembled source text `function anonymous(<params>\n) {\n<body>\n}` (with `async`
    /// / `*` as requested); spans in `function` refer to it.
    pub source: String,
    /// The function (anonymous: its `id` is `None`; the runtime names it "anonymous").
    pub function: Box<ast::Function>,
}

/// Parses the parameter and body strings of `new Function` / `GeneratorFunction` /
/// `AsyncFunction` / `AsyncGeneratorFunction`.
///
/// Spec: #sec-createdynamicfunction — steps 18-21: `params` must parse on its own as
/// FormalParameters and `body` as FunctionBody, then the assembled text is parsed.
pub fn parse_function_parts(
    params: &str,
    body: &str,
    is_async: bool,
    is_generator: bool,
    atoms: &mut AtomTable,
) -> Result<FunctionParts, SyntaxError> {
    let opts = ParseOptions::script();
    {
        let mut p = Parser::new(params, &opts, atoms)?;
        p.check_standalone_params(is_async, is_generator)?;
    }
    {
        let mut p = Parser::new(body, &opts, atoms)?;
        p.check_standalone_body(is_async, is_generator)?;
    }
    let prefix = match (is_async, is_generator) {
        (false, false) => "function",
        (false, true) => "function*",
        (true, false) => "async function",
        (true, true) => "async function*",
    };
    let source = format!("{prefix} anonymous({params}\n) {{\n{body}\n}}");
    let function = {
        let mut p = Parser::new(&source, &opts, atoms)?;
        p.parse_dynamic_function(is_async, is_generator)?
    };
    Ok(FunctionParts { source, function })
}

/// Per-function context flags (saved and restored around function bodies).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Ctx {
    pub strict: bool,
    /// [Yield]: `yield` is an operator (generator body and parameters).
    pub yield_kw: bool,
    /// [Await]: `await` is an operator (async body/parameters, module top level).
    pub await_kw: bool,
    /// `return` is allowed.
    pub in_function: bool,
    pub new_target: bool,
    pub super_prop: bool,
    pub super_call: bool,
    /// Inside a class field initializer or static block (arrows inherit).
    pub no_arguments: bool,
    /// Inside a class static block (arrows inherit): `await` is reserved.
    pub static_block: bool,
    /// Parsing formal parameters: `yield` / `await` expressions are errors.
    pub in_params: bool,
}

pub(crate) type PResult<T> = Result<T, SyntaxError>;

pub(crate) struct Parser<'a, 't> {
    pub(crate) lx: Lexer<'a>,
    pub(crate) src: &'a str,
    pub(crate) atoms: &'t mut AtomTable,
    pub(crate) tok: Token,
    /// End of the previous token (for spans).
    pub(crate) prev_end: u32,
    pub(crate) ctx: Ctx,
    pub(crate) module: bool,
    /// The `in` operator is not allowed (for-statement initializers).
    pub(crate) no_in: bool,
    depth: u32,
    max_depth: u32,
    stack_base: usize,
    stack_budget: usize,
    /// Pending cover-grammar error: an error unless the enclosing literal becomes a pattern.
    pub(crate) cover_err: Option<(u32, &'static str)>,
    /// Start offsets of array/object literals where a spread is followed by a comma (such a
    /// literal cannot become a destructuring pattern).
    pub(crate) spread_not_last: Vec<u32>,
    /// Start offsets of identifier targets that were parenthesized in an assignment pattern
    /// (`[(a)] = x`), which are not valid in binding patterns (arrow parameters).
    pub(crate) paren_targets: Vec<u32>,
    /// Position of the latest `yield` / `await` expression and `await` identifier, for the
    /// arrow-parameter rules.
    pub(crate) yield_pos: Option<u32>,
    pub(crate) await_pos: Option<u32>,
    pub(crate) await_ident_pos: Option<u32>,
    pub(crate) scopes: Vec<Scope>,
    pub(crate) labels: Vec<Label>,
    pub(crate) breakable: u32,
    pub(crate) loops: u32,
    pub(crate) classes: Vec<ClassScope>,
    pub(crate) eval_private_names: Vec<Atom>,
    /// The atom of the contextual keyword `using` (not a predefined atom).
    pub(crate) using_atom: Atom,
}

impl<'a, 't> Parser<'a, 't> {
    pub(crate) fn new(
        src: &'a str,
        opts: &ParseOptions,
        atoms: &'t mut AtomTable,
    ) -> PResult<Parser<'a, 't>> {
        let module = opts.kind == ast::ProgramKind::Module;
        let mut lx = Lexer::new(src, module);
        let marker = 0u8;
        let stack_base = std::hint::black_box(&marker) as *const u8 as usize;
        let first = lx.next(atoms).map_err(|e| lex_error(src, e))?;
        let using_atom = atoms.intern("using");
        let ctx = Ctx {
            strict: opts.strict || module,
            yield_kw: false,
            await_kw: module,
            in_function: false,
            new_target: opts.direct_eval && opts.allow_new_target,
            super_prop: opts.direct_eval && opts.allow_super_property,
            super_call: opts.direct_eval && opts.allow_super_call,
            no_arguments: opts.direct_eval && !opts.allow_arguments,
            static_block: false,
            in_params: false,
        };
        Ok(Parser {
            lx,
            src,
            atoms,
            tok: first,
            prev_end: 0,
            ctx,
            module,
            no_in: false,
            depth: 0,
            max_depth: opts.max_depth,
            stack_base,
            stack_budget: opts.stack_budget,
            cover_err: None,
            spread_not_last: Vec::new(),
            paren_targets: Vec::new(),
            yield_pos: None,
            await_pos: None,
            await_ident_pos: None,
            scopes: Vec::new(),
            labels: Vec::new(),
            breakable: 0,
            loops: 0,
            classes: Vec::new(),
            eval_private_names: opts.private_names.clone(),
            using_atom,
        })
    }

    // ---- errors -------------------------------------------------------------------------

    #[cold]
    pub(crate) fn err_at<X>(&self, pos: u32, msg: impl Into<String>) -> PResult<X> {
        Err(SyntaxError::new(self.src, Span::new(pos, pos), msg))
    }

    #[cold]
    pub(crate) fn unexpected<X>(&self) -> PResult<X> {
        let msg = match self.tok.kind {
            T::Eof => "unexpected end of input".to_string(),
            _ => {
                let text = self.src.get(self.tok.start as usize..self.tok.end as usize);
                format!("unexpected token '{}'", text.unwrap_or("?"))
            }
        };
        self.err_at(self.tok.start, msg)
    }

    /// Enters one nesting level; fails cleanly before the native stack runs out.
    #[inline]
    pub(crate) fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        let marker = 0u8;
        let here = std::hint::black_box(&marker) as *const u8 as usize;
        if self.depth > self.max_depth || self.stack_base.abs_diff(here) > self.stack_budget {
            return self.err_at(self.tok.start, "too much recursion");
        }
        Ok(())
    }

    #[inline]
    pub(crate) fn leave(&mut self) {
        self.depth -= 1;
    }

    // ---- tokens -------------------------------------------------------------------------

    pub(crate) fn bump(&mut self) -> PResult<()> {
        self.prev_end = self.tok.end;
        self.tok = self
            .lx
            .next(self.atoms)
            .map_err(|e| lex_error(self.src, e))?;
        Ok(())
    }

    /// The token after the current one.
    /// The second token after the current one.
    pub(crate) fn peek2(&mut self) -> PResult<Token> {
        let mut l = self.lx.clone();
        l.next(self.atoms).map_err(|e| lex_error(self.src, e))?;
        l.next(self.atoms).map_err(|e| lex_error(self.src, e))
    }

    pub(crate) fn peek(&mut self) -> PResult<Token> {
        let mut l = self.lx.clone();
        l.next(self.atoms).map_err(|e| lex_error(self.src, e))
    }

    #[inline]
    pub(crate) fn at(&self, k: T) -> bool {
        self.tok.kind == k
    }

    pub(crate) fn eat(&mut self, k: T) -> PResult<bool> {
        if self.tok.kind == k {
            self.bump()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    pub(crate) fn expect(&mut self, k: T) -> PResult<()> {
        if self.tok.kind == k {
            self.bump()
        } else {
            self.unexpected()
        }
    }

    /// The current token is the unescaped word `a`.
    #[inline]
    pub(crate) fn is_kw(&self, a: Atom) -> bool {
        self.tok.kind == T::Name && !self.tok.escaped && self.tok.atom() == a
    }

    pub(crate) fn eat_kw(&mut self, a: Atom) -> PResult<bool> {
        if self.is_kw(a) {
            self.bump()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    pub(crate) fn expect_kw(&mut self, a: Atom) -> PResult<()> {
        if self.is_kw(a) {
            self.bump()
        } else if self.tok.kind == T::Name && self.tok.atom() == a {
            self.err_at(self.tok.start, "keywords cannot contain escape characters")
        } else {
            self.unexpected()
        }
    }

    /// Automatic semicolon insertion. Spec: #sec-automatic-semicolon-insertion
    pub(crate) fn semicolon(&mut self) -> PResult<()> {
        match self.tok.kind {
            T::Semi => self.bump(),
            T::RBrace | T::Eof => Ok(()),
            _ if self.tok.nl_before => Ok(()),
            _ => self.unexpected(),
        }
    }

    pub(crate) fn span_from(&self, start: u32) -> Span {
        Span::new(start, self.prev_end.max(start))
    }

    pub(crate) fn atom_text(&self, a: Atom) -> String {
        self.atoms.to_string_lossy(a)
    }

    // ---- programs -----------------------------------------------------------------------

    fn parse_program(&mut self) -> PResult<ast::Program> {
        let kind = if self.module {
            ast::ProgramKind::Module
        } else {
            ast::ProgramKind::Script
        };
        self.scopes.push(Scope::new(if self.module {
            scope::ScopeKind::Module
        } else {
            scope::ScopeKind::Function
        }));
        let body = if self.module {
            self.parse_module_items()?
        } else {
            let (body, _) = self.parse_directives_and_body(T::Eof, None)?;
            body
        };
        if !self.at(T::Eof) {
            return self.unexpected();
        }
        self.check_unresolved_private_names_at_top()?;
        Ok(ast::Program {
            kind,
            strict: self.ctx.strict,
            body,
            span: Span::new(0, self.src.len() as u32),
        })
    }
}

pub(crate) fn lex_error(src: &str, e: LexError) -> SyntaxError {
    SyntaxError::new(src, Span::new(e.pos, e.pos), e.message)
}

#[cfg(test)]
mod tests;
