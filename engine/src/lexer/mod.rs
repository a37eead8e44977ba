//! The lexer: source text to tokens (ECMA-262 clause 12). Front end: no heap, no VM.
//!
//! The lexer is driven by the parser one token at a time and is mode-free: it never decides
//! strict-mode questions. Tokens carry what the parser needs to decide them later (escaped
//! identifiers, legacy octal literals and escapes, invalid template escapes), because a
//! `"use strict"` directive can make earlier tokens errors.
//!
//! Goal symbols: `/` is always lexed as division; when the parser wants a regular expression
//! it calls [`Lexer::rescan_regexp`] with the token start. Likewise a `}` that closes a
//! template substitution is re-read with [`Lexer::rescan_template`].
//!
//! Invariants:
//! - `pos` is always on a UTF-8 character boundary of `src` (it only advances by whole
//!   characters), so slicing `src` at any saved position cannot panic.
//! - No input panics the lexer; every malformed token is a [`LexError`].
//! - Cloning a `Lexer` is cheap (a position and a few flags); the parser clones it to peek.

use crate::atoms::{Atom, AtomTable};
use crate::unicode;
use num_traits::ToPrimitive;

/// Token kinds. Names (identifiers and keywords) are all `Name`; the atom says which word it is
/// and `Token::escaped` says whether it was written with `\u` escapes (then it is never a
/// keyword).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum T {
    Eof,
    Name,
    /// `#name`; the atom is the name without `#`.
    PrivateName,
    String,
    Number,
    BigInt,
    /// A template chunk: `` `...` `` / `` `...${ `` / `` }...${ `` / `` }...` ``.
    Template,
    RegExp,
    LBrace,
    RBrace,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Dot,
    Ellipsis,
    Semi,
    Comma,
    Lt,
    Gt,
    LtEq,
    GtEq,
    EqEq,
    NotEq,
    EqEqEq,
    NotEqEq,
    Plus,
    Minus,
    Star,
    Percent,
    StarStar,
    PlusPlus,
    MinusMinus,
    Shl,
    Shr,
    UShr,
    Amp,
    Pipe,
    Caret,
    Bang,
    Tilde,
    AmpAmp,
    PipePipe,
    QQ,
    Question,
    QuestionDot,
    Colon,
    Eq,
    PlusEq,
    MinusEq,
    StarEq,
    PercentEq,
    StarStarEq,
    ShlEq,
    ShrEq,
    UShrEq,
    AmpEq,
    PipeEq,
    CaretEq,
    AmpAmpEq,
    PipePipeEq,
    QQEq,
    Arrow,
    Slash,
    SlashEq,
}

/// Literal payload of a token.
#[derive(Clone, Debug, Default)]
pub enum TokVal {
    #[default]
    None,
    /// Name / PrivateName / String value.
    Atom(Atom),
    Number(f64),
    /// Decimal digits of a BigInt literal.
    BigInt(Box<str>),
    Template(Box<TemplateChunk>),
    RegExp {
        pattern: Atom,
        flags: Atom,
    },
}

#[derive(Clone, Debug)]
pub struct TemplateChunk {
    /// `None` if the chunk has an invalid escape; `invalid` then says why and where.
    pub cooked: Option<Atom>,
    pub raw: Atom,
    /// Ends with `` ` `` (rather than `${`).
    pub tail: bool,
    pub invalid: Option<LexError>,
}

#[derive(Clone, Debug)]
pub struct Token {
    pub kind: T,
    pub start: u32,
    pub end: u32,
    /// A line terminator precedes the token (for ASI and restricted productions).
    pub nl_before: bool,
    /// Name written with escapes / string literal containing any escape or line continuation.
    pub escaped: bool,
    /// Number: legacy octal `010` or `08`; string: legacy octal escape `\01` or `\8`, `\9`.
    /// Position of the offending text (for the strict-mode error).
    pub legacy_octal: Option<u32>,
    pub val: TokVal,
}

impl Token {
    pub fn atom(&self) -> Atom {
        match self.val {
            TokVal::Atom(a) => a,
            _ => Atom::Empty,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexError {
    pub message: String,
    pub pos: u32,
}

type LResult<T> = Result<T, LexError>;

fn err<X>(pos: usize, msg: impl Into<String>) -> LResult<X> {
    Err(LexError {
        message: msg.into(),
        pos: pos as u32,
    })
}

#[derive(Clone)]
pub struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Module goal: no HTML-like comments.
    module: bool,
    /// A line terminator was skipped since the last token.
    nl: bool,
}

fn hex_val(c: u8) -> Option<u32> {
    (c as char).to_digit(16)
}

fn push_cp(buf: &mut Vec<u16>, cp: u32) {
    if cp < 0x10000 {
        buf.push(cp as u16);
    } else {
        let c = cp - 0x10000;
        buf.push(0xD800 + (c >> 10) as u16);
        buf.push(0xDC00 + (c & 0x3FF) as u16);
    }
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str, module: bool) -> Lexer<'a> {
        let mut lx = Lexer {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            module,
            nl: true,
        };
        // Spec: #sec-hashbang — only at the very start of the source.
        if lx.bytes.starts_with(b"#!") {
            lx.skip_line();
        }
        lx
    }

    pub fn pos(&self) -> u32 {
        self.pos as u32
    }

    pub fn source(&self) -> &'a str {
        self.src
    }

    fn peek_byte(&self, off: usize) -> u8 {
        self.bytes.get(self.pos + off).copied().unwrap_or(0)
    }

    fn cur_char(&self) -> Option<char> {
        self.src.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn char_at(&self, pos: usize) -> Option<char> {
        self.src.get(pos..).and_then(|s| s.chars().next())
    }

    fn skip_line(&mut self) {
        while let Some(c) = self.cur_char() {
            if unicode::is_line_terminator(c) {
                return;
            }
            self.pos += c.len_utf8();
        }
    }

    /// Skips white space and comments; sets `self.nl` when a line terminator is crossed.
    fn skip_trivia(&mut self) -> LResult<()> {
        loop {
            let b = self.peek_byte(0);
            match b {
                b' ' | b'\t' | 0x0B | 0x0C => self.pos += 1,
                b'\n' | b'\r' => {
                    self.pos += 1;
                    self.nl = true;
                }
                b'/' => match self.peek_byte(1) {
                    b'/' => self.skip_line(),
                    b'*' => {
                        let start = self.pos;
                        self.pos += 2;
                        loop {
                            match self.cur_char() {
                                None => return err(start, "unterminated comment"),
                                Some('*') if self.peek_byte(1) == b'/' => {
                                    self.pos += 2;
                                    break;
                                }
                                Some(c) => {
                                    if unicode::is_line_terminator(c) {
                                        self.nl = true;
                                    }
                                    self.pos += c.len_utf8();
                                }
                            }
                        }
                    }
                    _ => return Ok(()),
                },
                // Spec: #sec-html-like-comments (Annex B, script goal only).
                b'<' if !self.module && self.bytes[self.pos..].starts_with(b"<!--") => {
                    self.skip_line()
                }
                b'-' if !self.module && self.nl && self.bytes[self.pos..].starts_with(b"-->") => {
                    self.skip_line()
                }
                0..=0x7F => return Ok(()),
                _ => match self.cur_char() {
                    Some(c) if unicode::is_whitespace(c) => self.pos += c.len_utf8(),
                    Some(c) if unicode::is_line_terminator(c) => {
                        self.pos += c.len_utf8();
                        self.nl = true;
                    }
                    _ => return Ok(()),
                },
            }
        }
    }

    /// Lexes the next token (with `/` as division).
    pub fn next(&mut self, atoms: &mut AtomTable) -> LResult<Token> {
        self.skip_trivia()?;
        let nl_before = self.nl;
        self.nl = false;
        let start = self.pos;
        let mut tok = Token {
            kind: T::Eof,
            start: start as u32,
            end: start as u32,
            nl_before,
            escaped: false,
            legacy_octal: None,
            val: TokVal::None,
        };
        let Some(c) = self.cur_char() else {
            return Ok(tok);
        };
        let b1 = self.peek_byte(1);
        let b2 = self.peek_byte(2);
        let b3 = self.peek_byte(3);
        let (kind, len) = match c {
            '{' => (T::LBrace, 1),
            '}' => (T::RBrace, 1),
            '(' => (T::LParen, 1),
            ')' => (T::RParen, 1),
            '[' => (T::LBracket, 1),
            ']' => (T::RBracket, 1),
            ';' => (T::Semi, 1),
            ',' => (T::Comma, 1),
            ':' => (T::Colon, 1),
            '~' => (T::Tilde, 1),
            '.' => {
                if b1.is_ascii_digit() {
                    self.number(&mut tok)?;
                    return self.finish(tok);
                } else if b1 == b'.' && b2 == b'.' {
                    (T::Ellipsis, 3)
                } else {
                    (T::Dot, 1)
                }
            }
            '<' => match (b1, b2) {
                (b'<', b'=') => (T::ShlEq, 3),
                (b'<', _) => (T::Shl, 2),
                (b'=', _) => (T::LtEq, 2),
                _ => (T::Lt, 1),
            },
            '>' => match (b1, b2, b3) {
                (b'>', b'>', b'=') => (T::UShrEq, 4),
                (b'>', b'>', _) => (T::UShr, 3),
                (b'>', b'=', _) => (T::ShrEq, 3),
                (b'>', _, _) => (T::Shr, 2),
                (b'=', _, _) => (T::GtEq, 2),
                _ => (T::Gt, 1),
            },
            '=' => match (b1, b2) {
                (b'=', b'=') => (T::EqEqEq, 3),
                (b'=', _) => (T::EqEq, 2),
                (b'>', _) => (T::Arrow, 2),
                _ => (T::Eq, 1),
            },
            '!' => match (b1, b2) {
                (b'=', b'=') => (T::NotEqEq, 3),
                (b'=', _) => (T::NotEq, 2),
                _ => (T::Bang, 1),
            },
            '+' => match b1 {
                b'+' => (T::PlusPlus, 2),
                b'=' => (T::PlusEq, 2),
                _ => (T::Plus, 1),
            },
            '-' => match b1 {
                b'-' => (T::MinusMinus, 2),
                b'=' => (T::MinusEq, 2),
                _ => (T::Minus, 1),
            },
            '*' => match (b1, b2) {
                (b'*', b'=') => (T::StarStarEq, 3),
                (b'*', _) => (T::StarStar, 2),
                (b'=', _) => (T::StarEq, 2),
                _ => (T::Star, 1),
            },
            '%' => match b1 {
                b'=' => (T::PercentEq, 2),
                _ => (T::Percent, 1),
            },
            '&' => match (b1, b2) {
                (b'&', b'=') => (T::AmpAmpEq, 3),
                (b'&', _) => (T::AmpAmp, 2),
                (b'=', _) => (T::AmpEq, 2),
                _ => (T::Amp, 1),
            },
            '|' => match (b1, b2) {
                (b'|', b'=') => (T::PipePipeEq, 3),
                (b'|', _) => (T::PipePipe, 2),
                (b'=', _) => (T::PipeEq, 2),
                _ => (T::Pipe, 1),
            },
            '^' => match b1 {
                b'=' => (T::CaretEq, 2),
                _ => (T::Caret, 1),
            },
            '?' => match (b1, b2) {
                (b'?', b'=') => (T::QQEq, 3),
                (b'?', _) => (T::QQ, 2),
                // `a?.5:b` is a conditional, not optional chaining.
                (b'.', d) if !d.is_ascii_digit() => (T::QuestionDot, 2),
                _ => (T::Question, 1),
            },
            '/' => match b1 {
                b'=' => (T::SlashEq, 2),
                _ => (T::Slash, 1),
            },
            '"' | '\'' => {
                self.string(&mut tok, atoms)?;
                return self.finish(tok);
            }
            '`' => {
                self.pos += 1;
                self.template(&mut tok, atoms)?;
                return self.finish(tok);
            }
            '0'..='9' => {
                self.number(&mut tok)?;
                return self.finish(tok);
            }
            '#' => {
                self.pos += 1;
                match self.cur_char() {
                    Some(c) if unicode::is_id_start(c) || c == '\\' => {}
                    _ => return err(start, "invalid character '#'"),
                }
                let (atom, escaped) = self.ident_name(atoms)?;
                tok.kind = T::PrivateName;
                tok.escaped = escaped;
                tok.val = TokVal::Atom(atom);
                return self.finish(tok);
            }
            c if unicode::is_id_start(c) || c == '\\' => {
                let (atom, escaped) = self.ident_name(atoms)?;
                tok.kind = T::Name;
                tok.escaped = escaped;
                tok.val = TokVal::Atom(atom);
                return self.finish(tok);
            }
            c => {
                return err(
                    start,
                    format!("unexpected character '{}'", c.escape_default()),
                )
            }
        };
        self.pos += len;
        tok.kind = kind;
        self.finish(tok)
    }

    fn finish(&self, mut tok: Token) -> LResult<Token> {
        tok.end = self.pos as u32;
        Ok(tok)
    }

    /// Reads `\uXXXX` or `\u{X...}` at `self.pos` (which is at the backslash); returns the
    /// code point. Errors at the backslash.
    fn unicode_escape(&mut self) -> LResult<u32> {
        let start = self.pos;
        if self.peek_byte(1) != b'u' {
            return err(start, "invalid escape sequence");
        }
        self.pos += 2;
        if self.peek_byte(0) == b'{' {
            self.pos += 1;
            let mut v: u32 = 0;
            let mut n = 0;
            while let Some(d) = hex_val(self.peek_byte(0)) {
                v = v.saturating_mul(16).saturating_add(d);
                self.pos += 1;
                n += 1;
            }
            if n == 0 || self.peek_byte(0) != b'}' || v > 0x10FFFF {
                return err(start, "invalid Unicode escape sequence");
            }
            self.pos += 1;
            Ok(v)
        } else {
            let mut v = 0;
            for _ in 0..4 {
                match hex_val(self.peek_byte(0)) {
                    Some(d) => v = v * 16 + d,
                    None => return err(start, "invalid Unicode escape sequence"),
                }
                self.pos += 1;
            }
            Ok(v)
        }
    }

    /// IdentifierName at `self.pos`; returns the atom and whether escapes were used.
    /// Spec: #sec-names-and-keywords
    fn ident_name(&mut self, atoms: &mut AtomTable) -> LResult<(Atom, bool)> {
        let start = self.pos;
        // Fast path: plain ASCII.
        while self.pos < self.bytes.len() {
            let b = self.bytes[self.pos];
            if b.is_ascii_alphanumeric() || b == b'$' || b == b'_' {
                self.pos += 1;
            } else {
                break;
            }
        }
        let b = self.peek_byte(0);
        if b != b'\\' && b < 0x80 {
            // `start..pos` is ASCII, hence on char boundaries.
            let text = &self.src[start..self.pos];
            // Short names (nearly all) are widened on the stack, not the heap.
            let mut small = [0u16; 32];
            if text.len() <= small.len() {
                for (d, s) in small.iter_mut().zip(text.bytes()) {
                    *d = u16::from(s);
                }
                return Ok((atoms.intern_utf16(&small[..text.len()]), false));
            }
            let buf: Vec<u16> = text.bytes().map(u16::from).collect();
            return Ok((atoms.intern_utf16(&buf), false));
        }
        let mut buf: Vec<u16> = self.src[start..self.pos].bytes().map(u16::from).collect();
        let mut escaped = false;
        loop {
            let first = buf.is_empty();
            match self.cur_char() {
                Some('\\') => {
                    let esc_pos = self.pos;
                    let cp = self.unicode_escape()?;
                    let ok = char::from_u32(cp).is_some_and(|c| {
                        if first {
                            unicode::is_id_start(c)
                        } else {
                            unicode::is_id_continue(c)
                        }
                    });
                    if !ok {
                        return err(esc_pos, "invalid identifier escape");
                    }
                    push_cp(&mut buf, cp);
                    escaped = true;
                }
                Some(c)
                    if (first && unicode::is_id_start(c))
                        || (!first && unicode::is_id_continue(c)) =>
                {
                    push_cp(&mut buf, c as u32);
                    self.pos += c.len_utf8();
                }
                _ => break,
            }
        }
        if buf.is_empty() {
            return err(start, "invalid identifier");
        }
        Ok((atoms.intern_utf16(&buf), escaped))
    }

    /// Spec: #sec-literals-numeric-literals
    fn number(&mut self, tok: &mut Token) -> LResult<()> {
        let start = self.pos;
        let b0 = self.peek_byte(0);
        let b1 = self.peek_byte(1) | 0x20;
        if b0 == b'0' && (b1 == b'x' || b1 == b'o' || b1 == b'b') {
            let radix = match b1 {
                b'x' => 16,
                b'o' => 8,
                _ => 2,
            };
            self.pos += 2;
            let digits = self.digits(radix, true)?;
            if digits.is_empty() {
                return err(start, "invalid number literal");
            }
            let big = num_bigint::BigUint::parse_bytes(digits.as_bytes(), radix);
            if self.peek_byte(0) == b'n' {
                self.pos += 1;
                tok.kind = T::BigInt;
                tok.val = TokVal::BigInt(
                    big.map(|b| b.to_string())
                        .unwrap_or_else(|| "0".into())
                        .into_boxed_str(),
                );
            } else {
                tok.kind = T::Number;
                let v = if digits.len() <= 12 {
                    u64::from_str_radix(&digits, radix)
                        .map(|v| v as f64)
                        .unwrap_or(f64::NAN)
                } else {
                    big.and_then(|b| b.to_f64()).unwrap_or(f64::INFINITY)
                };
                tok.val = TokVal::Number(v);
            }
            return self.check_after_number();
        }
        if b0 == b'0' && self.peek_byte(1).is_ascii_digit() {
            // LegacyOctalIntegerLiteral or NonOctalDecimalIntegerLiteral (Annex B).
            self.pos += 1;
            let ds = self.pos;
            while self.peek_byte(0).is_ascii_digit() {
                self.pos += 1;
            }
            let digits = &self.src[ds..self.pos];
            tok.legacy_octal = Some(start as u32);
            tok.kind = T::Number;
            if digits.bytes().all(|d| d < b'8') {
                let v = digits
                    .bytes()
                    .fold(0f64, |acc, d| acc * 8.0 + f64::from(d - b'0'));
                tok.val = TokVal::Number(v);
                if self.peek_byte(0) == b'_' || self.peek_byte(0) == b'n' {
                    return err(self.pos, "invalid number literal");
                }
                return self.check_after_number();
            }
            // NonOctalDecimalIntegerLiteral: a decimal literal that may have a fraction.
            let mut text = String::from(digits);
            self.decimal_tail(&mut text, false)?;
            tok.val = TokVal::Number(text.parse::<f64>().unwrap_or(f64::NAN));
            return self.check_after_number();
        }
        let mut text = String::new();
        if b0 == b'0' && self.peek_byte(1) == b'_' {
            return err(self.pos + 1, "invalid numeric separator");
        }
        if b0 != b'.' {
            text.push_str(&self.digits(10, true)?);
        }
        if self.peek_byte(0) == b'n' && b0 != b'.' {
            self.pos += 1;
            tok.kind = T::BigInt;
            let t = text.trim_start_matches('0');
            let t = if t.is_empty() { "0" } else { t };
            tok.val = TokVal::BigInt(t.into());
            return self.check_after_number();
        }
        self.decimal_tail(&mut text, true)?;
        tok.kind = T::Number;
        tok.val = TokVal::Number(text.parse::<f64>().unwrap_or(f64::NAN));
        self.check_after_number()
    }

    /// Fraction and exponent of a decimal literal, appended to `text` without separators.
    fn decimal_tail(&mut self, text: &mut String, separators: bool) -> LResult<()> {
        if text.is_empty() {
            text.push('0');
        }
        if self.peek_byte(0) == b'.' {
            self.pos += 1;
            if self.peek_byte(0) == b'_' {
                return err(self.pos, "invalid number literal");
            }
            let frac = self.digits(10, separators)?;
            text.push('.');
            text.push_str(&frac);
            text.push('0');
        }
        if self.peek_byte(0) | 0x20 == b'e' {
            let epos = self.pos;
            self.pos += 1;
            text.push('e');
            if matches!(self.peek_byte(0), b'+' | b'-') {
                text.push(self.peek_byte(0) as char);
                self.pos += 1;
            }
            let exp = self.digits(10, separators)?;
            if exp.is_empty() {
                return err(epos, "invalid number literal");
            }
            text.push_str(&exp);
        }
        Ok(())
    }

    /// Digits of `radix` with optional `_` separators (only between digits).
    fn digits(&mut self, radix: u32, separators: bool) -> LResult<String> {
        let mut out = String::new();
        let mut last_sep = false;
        loop {
            let b = self.peek_byte(0);
            if b == b'_' && separators {
                if out.is_empty() || last_sep {
                    return err(self.pos, "invalid numeric separator");
                }
                last_sep = true;
                self.pos += 1;
                continue;
            }
            if (b as char).is_digit(radix) {
                out.push(b as char);
                last_sep = false;
                self.pos += 1;
            } else {
                break;
            }
        }
        if last_sep {
            return err(self.pos - 1, "invalid numeric separator");
        }
        Ok(out)
    }

    /// Spec: the SourceCharacter immediately following a NumericLiteral must not be an
    /// IdentifierStart or DecimalDigit.
    fn check_after_number(&self) -> LResult<()> {
        match self.cur_char() {
            Some(c) if c.is_ascii_digit() || c == '\\' || unicode::is_id_start(c) => {
                err(self.pos, "invalid number literal")
            }
            _ => Ok(()),
        }
    }

    /// Spec: #sec-literals-string-literals
    fn string(&mut self, tok: &mut Token, atoms: &mut AtomTable) -> LResult<()> {
        let start = self.pos;
        let quote = self.peek_byte(0);
        self.pos += 1;
        let mut buf: Vec<u16> = Vec::new();
        loop {
            let Some(c) = self.cur_char() else {
                return err(start, "unterminated string literal");
            };
            match c {
                '\\' => {
                    tok.escaped = true;
                    match self.escape(&mut buf, false)? {
                        EscapeKind::Plain => {}
                        EscapeKind::LegacyOctal(p) => {
                            tok.legacy_octal.get_or_insert(p);
                        }
                        EscapeKind::Invalid(e) => return Err(e),
                    }
                }
                '\n' | '\r' => return err(start, "unterminated string literal"),
                c if c as u32 == quote as u32 => {
                    self.pos += 1;
                    break;
                }
                c => {
                    push_cp(&mut buf, c as u32);
                    self.pos += c.len_utf8();
                }
            }
        }
        tok.kind = T::String;
        tok.val = TokVal::Atom(atoms.intern_utf16(&buf));
        Ok(())
    }

    /// An escape sequence at `self.pos` (the backslash) in a string (`template == false`) or
    /// template. Appends the cooked value to `buf`.
    /// Spec: #sec-literals-string-literals (EscapeSequence, LineContinuation)
    fn escape(&mut self, buf: &mut Vec<u16>, template: bool) -> LResult<EscapeKind> {
        let start = self.pos;
        self.pos += 1;
        let Some(c) = self.cur_char() else {
            return err(start, "unterminated string literal");
        };
        self.pos += c.len_utf8();
        let v: u32 = match c {
            '\r' => {
                if self.peek_byte(0) == b'\n' {
                    self.pos += 1;
                }
                return Ok(EscapeKind::Plain);
            }
            '\n' | '\u{2028}' | '\u{2029}' => return Ok(EscapeKind::Plain),
            'b' => 8,
            'f' => 12,
            'n' => 10,
            'r' => 13,
            't' => 9,
            'v' => 11,
            'x' => {
                let (h, l) = (hex_val(self.peek_byte(0)), hex_val(self.peek_byte(1)));
                match (h, l) {
                    (Some(h), Some(l)) => {
                        self.pos += 2;
                        h * 16 + l
                    }
                    _ => {
                        return Ok(EscapeKind::Invalid(LexError {
                            message: "invalid hexadecimal escape sequence".into(),
                            pos: start as u32,
                        }))
                    }
                }
            }
            'u' => {
                self.pos = start;
                match self.unicode_escape() {
                    Ok(v) => v,
                    Err(e) => {
                        // Resume after `\u` so a tagged template can continue scanning.
                        self.pos = start + 2;
                        return Ok(EscapeKind::Invalid(e));
                    }
                }
            }
            '0' if !self.peek_byte(0).is_ascii_digit() => 0,
            '0'..='9' => {
                if template {
                    return Ok(EscapeKind::Invalid(LexError {
                        message: "octal escape sequences are not allowed in template strings"
                            .into(),
                        pos: start as u32,
                    }));
                }
                let d0 = c as u32 - '0' as u32;
                if d0 >= 8 {
                    push_cp(buf, c as u32);
                    return Ok(EscapeKind::LegacyOctal(start as u32));
                }
                let mut v = d0;
                let max_len = if d0 <= 3 { 3 } else { 2 };
                let mut n = 1;
                while n < max_len {
                    let b = self.peek_byte(0);
                    if (b'0'..=b'7').contains(&b) {
                        v = v * 8 + u32::from(b - b'0');
                        self.pos += 1;
                        n += 1;
                    } else {
                        break;
                    }
                }
                push_cp(buf, v);
                return Ok(EscapeKind::LegacyOctal(start as u32));
            }
            c => c as u32,
        };
        push_cp(buf, v);
        Ok(EscapeKind::Plain)
    }

    /// A template chunk starting after `` ` `` or `}`.
    /// Spec: #sec-template-literal-lexical-components
    fn template(&mut self, tok: &mut Token, atoms: &mut AtomTable) -> LResult<()> {
        let start = tok.start as usize;
        let mut cooked: Vec<u16> = Vec::new();
        let mut raw: Vec<u16> = Vec::new();
        let mut invalid: Option<LexError> = None;
        let tail;
        loop {
            let Some(c) = self.cur_char() else {
                return err(start, "unterminated template literal");
            };
            match c {
                '`' => {
                    self.pos += 1;
                    tail = true;
                    break;
                }
                '$' if self.peek_byte(1) == b'{' => {
                    self.pos += 2;
                    tail = false;
                    break;
                }
                '\\' => {
                    let esc_start = self.pos;
                    match self.escape(&mut cooked, true)? {
                        EscapeKind::Plain | EscapeKind::LegacyOctal(_) => {}
                        EscapeKind::Invalid(e) => {
                            invalid.get_or_insert(e);
                        }
                    }
                    // Raw text of the escape, with CR / CRLF normalised to LF.
                    let text = self.src.get(esc_start..self.pos).unwrap_or("");
                    push_raw(&mut raw, text);
                }
                '\r' => {
                    self.pos += 1;
                    if self.peek_byte(0) == b'\n' {
                        self.pos += 1;
                    }
                    cooked.push(10);
                    raw.push(10);
                }
                c => {
                    push_cp(&mut cooked, c as u32);
                    push_cp(&mut raw, c as u32);
                    self.pos += c.len_utf8();
                }
            }
        }
        let cooked = if invalid.is_some() {
            None
        } else {
            Some(atoms.intern_utf16(&cooked))
        };
        tok.kind = T::Template;
        tok.val = TokVal::Template(Box::new(TemplateChunk {
            cooked,
            raw: atoms.intern_utf16(&raw),
            tail,
            invalid,
        }));
        Ok(())
    }

    /// Re-reads a template continuation starting at the `}` at `brace` (which the parser
    /// has as its current token).
    pub fn rescan_template(&mut self, brace: u32, atoms: &mut AtomTable) -> LResult<Token> {
        self.pos = brace as usize + 1;
        self.nl = false;
        let mut tok = Token {
            kind: T::Template,
            start: brace,
            end: brace,
            nl_before: false,
            escaped: false,
            legacy_octal: None,
            val: TokVal::None,
        };
        self.template(&mut tok, atoms)?;
        self.finish(tok)
    }

    /// Re-reads the `/` or `/=` token at `slash` as a regular expression literal.
    /// Spec: #sec-literals-regular-expression-literals
    pub fn rescan_regexp(
        &mut self,
        slash: u32,
        nl_before: bool,
        atoms: &mut AtomTable,
    ) -> LResult<Token> {
        let start = slash as usize;
        self.pos = start + 1;
        let mut in_class = false;
        loop {
            let Some(c) = self.cur_char() else {
                return err(start, "unterminated regular expression literal");
            };
            if unicode::is_line_terminator(c) {
                return err(start, "unterminated regular expression literal");
            }
            self.pos += c.len_utf8();
            match c {
                '\\' => match self.cur_char() {
                    Some(n) if !unicode::is_line_terminator(n) => self.pos += n.len_utf8(),
                    _ => return err(start, "unterminated regular expression literal"),
                },
                '[' => in_class = true,
                ']' => in_class = false,
                '/' if !in_class => break,
                _ => {}
            }
        }
        let body_end = self.pos - 1;
        let flags_start = self.pos;
        while let Some(c) = self.cur_char() {
            if c == '\\' {
                return err(self.pos, "invalid regular expression flags");
            }
            if !unicode::is_id_continue(c) {
                break;
            }
            self.pos += c.len_utf8();
        }
        let pattern: Vec<u16> = self.src[start + 1..body_end].encode_utf16().collect();
        let flags: Vec<u16> = self.src[flags_start..self.pos].encode_utf16().collect();
        Ok(Token {
            kind: T::RegExp,
            start: slash,
            end: self.pos as u32,
            nl_before,
            escaped: false,
            legacy_octal: None,
            val: TokVal::RegExp {
                pattern: atoms.intern_utf16(&pattern),
                flags: atoms.intern_utf16(&flags),
            },
        })
    }

    /// Restarts lexing at `pos` (a position previously returned by the lexer).
    pub fn reset(&mut self, pos: u32, nl: bool) {
        self.pos = pos as usize;
        self.nl = nl;
    }

    /// True if the character at `pos` exists and starts a line terminator.
    pub fn is_line_terminator_at(&self, pos: u32) -> bool {
        self.char_at(pos as usize)
            .is_some_and(unicode::is_line_terminator)
    }
}

enum EscapeKind {
    Plain,
    LegacyOctal(u32),
    Invalid(LexError),
}

fn push_raw(raw: &mut Vec<u16>, text: &str) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            raw.push(10);
        } else {
            push_cp(raw, c as u32);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex_all(src: &str) -> Result<Vec<(T, TokVal)>, LexError> {
        let mut atoms = AtomTable::new();
        let mut lx = Lexer::new(src, false);
        let mut out = Vec::new();
        loop {
            let t = lx.next(&mut atoms)?;
            if t.kind == T::Eof {
                return Ok(out);
            }
            out.push((t.kind, t.val));
        }
    }

    fn num(src: &str) -> f64 {
        match lex_all(src).unwrap().first() {
            Some((T::Number, TokVal::Number(v))) => *v,
            other => panic!("not a number: {other:?}"),
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(num("0x10"), 16.0);
        assert_eq!(num("0b1_01"), 5.0);
        assert_eq!(num("0o17"), 15.0);
        assert_eq!(num("010"), 8.0);
        assert_eq!(num("08.5"), 8.5);
        assert_eq!(num("1_000.5e1"), 10005.0);
        assert_eq!(num(".5"), 0.5);
        assert_eq!(num("5."), 5.0);
        assert_eq!(num("0xFFFFFFFFFFFFFFFFF"), 295147905179352830000.0);
        assert!(lex_all("1_").is_err());
        assert!(lex_all("1__0").is_err());
        assert!(lex_all("3in x").is_err());
        assert!(lex_all("0_1").is_err());
        assert!(lex_all("01n").is_err());
        match &lex_all("0x1fn").unwrap()[0] {
            (T::BigInt, TokVal::BigInt(s)) => assert_eq!(&**s, "31"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn strings_and_comments() {
        let toks = lex_all("'a\\x41\\u{1F600}' /* x */ \"\\101\" <!-- c\n a").unwrap();
        assert_eq!(toks.len(), 3);
        assert!(lex_all("'abc").is_err());
        assert!(lex_all("'\\u{110000}'").is_err());
        assert!(lex_all("/* ").is_err());
        assert_eq!(lex_all("#!/usr/bin/env x\n a").unwrap().len(), 1);
    }

    #[test]
    fn never_panics_on_odd_input() {
        for src in [
            "\\", "\\u", "\\u{", "`${", "`\\u{", "'\\", "0x", "1e", "#", "\u{80}", "`\r",
        ] {
            let _ = lex_all(src);
        }
    }
}
