//! The abstract syntax tree produced by the parser and consumed by the compiler.
//!
//! Invariants:
//! - The tree is fully validated: the parser has reported every early error, so the compiler
//!   may assume well-formed input (e.g. `break L` has a matching label, assignment targets are
//!   valid, no duplicate `__proto__` in object literals).
//! - Nesting depth is bounded by the parser's depth limit, so recursive walks over the tree
//!   (compiler, drop) cannot exhaust the native stack.
//! - Names and string literals are atoms of the runtime's [`AtomTable`](crate::atoms::AtomTable);
//!   string values may contain lone surrogates.
//! - Every node carries a [`Span`] of byte offsets into the source text.
//!
//! The tree does not depend on the heap, objects or the VM.

use crate::atoms::Atom;

/// Byte range `start..end` in the source text.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const fn new(start: u32, end: u32) -> Span {
        Span { start, end }
    }
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start,
            end: other.end,
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ProgramKind {
    Script,
    Module,
}

/// A whole script or module.
#[derive(Debug)]
pub struct Program {
    pub kind: ProgramKind,
    /// Script began with `"use strict"` (modules are always strict).
    pub strict: bool,
    pub body: Vec<Stmt>,
    pub span: Span,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub name: Atom,
    pub span: Span,
}

// ---------------------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------------------

#[derive(Debug)]
pub struct Stmt {
    pub span: Span,
    pub kind: StmtKind,
}

#[derive(Debug)]
pub enum StmtKind {
    Empty,
    Debugger,
    Expr(Box<Expr>),
    Block(Vec<Stmt>),
    VarDecl(VarDecl),
    /// `function f() {}` / `async function`, `function*` declarations (hoisted).
    FunctionDecl(Box<Function>),
    ClassDecl(Box<Class>),
    If {
        test: Box<Expr>,
        consequent: Box<Stmt>,
        alternate: Option<Box<Stmt>>,
    },
    For {
        init: Option<ForInit>,
        test: Option<Box<Expr>>,
        update: Option<Box<Expr>>,
        body: Box<Stmt>,
    },
    ForIn {
        left: ForHead,
        right: Box<Expr>,
        body: Box<Stmt>,
    },
    /// `for (x of y)` / `for await (x of y)`.
    ForOf {
        left: ForHead,
        right: Box<Expr>,
        body: Box<Stmt>,
        is_await: bool,
    },
    While {
        test: Box<Expr>,
        body: Box<Stmt>,
    },
    DoWhile {
        body: Box<Stmt>,
        test: Box<Expr>,
    },
    Return(Option<Box<Expr>>),
    Break(Option<Ident>),
    Continue(Option<Ident>),
    Throw(Box<Expr>),
    Try {
        block: Vec<Stmt>,
        handler: Option<CatchClause>,
        finalizer: Option<Vec<Stmt>>,
    },
    Switch {
        discriminant: Box<Expr>,
        cases: Vec<SwitchCase>,
    },
    Labeled {
        label: Ident,
        body: Box<Stmt>,
    },
    With {
        object: Box<Expr>,
        body: Box<Stmt>,
    },
    /// Module-only items.
    Import(Box<ImportDecl>),
    Export(Box<ExportDecl>),
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum VarKind {
    Var,
    Let,
    Const,
    /// `using` declarations (explicit resource management).
    Using,
    AwaitUsing,
}

#[derive(Debug)]
pub struct VarDecl {
    pub kind: VarKind,
    pub decls: Vec<VarDeclarator>,
    pub span: Span,
}

#[derive(Debug)]
pub struct VarDeclarator {
    pub target: Pattern,
    pub init: Option<Box<Expr>>,
    pub span: Span,
}

#[derive(Debug)]
pub enum ForInit {
    VarDecl(VarDecl),
    Expr(Box<Expr>),
}

/// Left-hand side of `for-in` / `for-of`.
#[derive(Debug)]
pub enum ForHead {
    /// `for (var/let/const x of ...)`: exactly one declarator; an initializer only in the
    /// Annex B form `for (var x = 1 in o)`.
    VarDecl(VarDecl),
    /// `for (x.y of ...)`, `for ([a, b] of ...)`: an assignment target.
    Pattern(Pattern),
}

#[derive(Debug)]
pub struct CatchClause {
    pub param: Option<Pattern>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

#[derive(Debug)]
pub struct SwitchCase {
    /// `None` for `default:`.
    pub test: Option<Box<Expr>>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

// ---------------------------------------------------------------------------------------
// Modules
// ---------------------------------------------------------------------------------------

/// `import ... from "m" with { type: "json" }`.
#[derive(Debug)]
pub struct ImportDecl {
    /// Empty for `import "m"`.
    pub specifiers: Vec<ImportSpecifier>,
    pub source: Atom,
    pub attributes: Vec<ImportAttribute>,
    /// `import source x from` / `import defer * as x from` phases.
    pub phase: ImportPhase,
    pub span: Span,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ImportPhase {
    Evaluation,
    Source,
    Defer,
}

#[derive(Debug)]
pub struct ImportAttribute {
    pub key: Atom,
    pub value: Atom,
    pub span: Span,
}

#[derive(Debug)]
pub enum ImportSpecifier {
    /// `import x from`
    Default { local: Ident },
    /// `import * as ns from`
    Namespace { local: Ident },
    /// `import { imported as local }`; `imported` may be a string name.
    Named {
        imported: ModuleExportName,
        local: Ident,
    },
}

/// An export name: an identifier or a string literal (`export { x as "a-b" }`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ModuleExportName {
    pub name: Atom,
    pub span: Span,
    pub is_string: bool,
}

#[derive(Debug)]
pub enum ExportDecl {
    /// `export var/let/const/function/class ...`
    Decl(Stmt),
    /// `export default function/class ...` (the declaration may be anonymous).
    DefaultDecl(Stmt),
    /// `export default <expr>;`
    DefaultExpr(Box<Expr>),
    /// `export { a as b, c };` (no `from`)
    Named { specifiers: Vec<ExportSpecifier> },
    /// `export { a as b } from "m";`
    NamedFrom {
        specifiers: Vec<ExportSpecifier>,
        source: Atom,
        attributes: Vec<ImportAttribute>,
    },
    /// `export * from "m";` / `export * as ns from "m";`
    All {
        exported: Option<ModuleExportName>,
        source: Atom,
        attributes: Vec<ImportAttribute>,
    },
}

#[derive(Debug)]
pub struct ExportSpecifier {
    pub local: ModuleExportName,
    pub exported: ModuleExportName,
}

// ---------------------------------------------------------------------------------------
// Functions and classes
// ---------------------------------------------------------------------------------------

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FunctionKind {
    Normal,
    Arrow,
    /// Object-literal or class method (has [[HomeObject]], not a constructor).
    Method,
    Getter,
    Setter,
    /// A class constructor (explicit or synthesized).
    ClassConstructor,
    /// A derived class constructor (`class A extends B { constructor() {} }`).
    DerivedConstructor,
    /// Class field initializers and static blocks compile as synthetic methods.
    ClassFieldInit,
    ClassStaticBlock,
}

#[derive(Debug)]
pub struct Function {
    /// Binding name for declarations and named function expressions.
    pub id: Option<Ident>,
    pub kind: FunctionKind,
    pub is_async: bool,
    pub is_generator: bool,
    pub params: Vec<Param>,
    /// Function body statements; for concise arrows (`x => x + 1`), a single
    /// `StmtKind::Return` and `expression_body` is true.
    pub body: Vec<Stmt>,
    pub expression_body: bool,
    /// Body (or enclosing context) is strict.
    pub strict: bool,
    /// The body starts with a `"use strict"` directive.
    pub has_use_strict: bool,
    /// All parameters are plain identifiers without defaults or rest.
    pub simple_params: bool,
    /// Source text range for `Function.prototype.toString`.
    pub source_span: Span,
    pub span: Span,
}

#[derive(Debug)]
pub struct Param {
    pub pattern: Pattern,
    pub default: Option<Box<Expr>>,
    pub is_rest: bool,
    pub span: Span,
}

#[derive(Debug)]
pub struct Class {
    pub id: Option<Ident>,
    pub super_class: Option<Box<Expr>>,
    /// The constructor, if written; `None` means the default constructor.
    pub constructor: Option<Box<Function>>,
    pub members: Vec<ClassMember>,
    /// Source text range for `Function.prototype.toString`.
    pub source_span: Span,
    pub span: Span,
}

#[derive(Debug)]
pub enum ClassMember {
    Method {
        key: PropKey,
        kind: MethodKind,
        is_static: bool,
        value: Box<Function>,
        span: Span,
    },
    Field {
        key: PropKey,
        is_static: bool,
        value: Option<Box<Expr>>,
        span: Span,
    },
    /// `accessor x = 1;` (decorators proposal's auto-accessors).
    Accessor {
        key: PropKey,
        is_static: bool,
        value: Option<Box<Expr>>,
        span: Span,
    },
    StaticBlock {
        body: Vec<Stmt>,
        span: Span,
    },
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum MethodKind {
    Method,
    Get,
    Set,
}

/// A property name in an object literal, class or destructuring pattern.
#[derive(Debug)]
pub enum PropKey {
    /// Identifier, string or non-computed numeric name, already converted to an atom
    /// (`1.50` → `"1.5"`, `0x10` → `"16"`).
    Named(Atom, Span),
    Computed(Box<Expr>),
    /// `#x` in classes; the atom is the name without `#`.
    Private(Atom, Span),
}

// ---------------------------------------------------------------------------------------
// Patterns (binding and assignment targets)
// ---------------------------------------------------------------------------------------

#[derive(Debug)]
pub struct Pattern {
    pub span: Span,
    pub kind: PatternKind,
}

#[derive(Debug)]
pub enum PatternKind {
    Ident(Ident),
    /// Assignment target that is not a plain identifier: `a.b`, `a[b]`, `super.x`, `a?.b` is
    /// never valid. Only in assignment patterns, never in binding patterns.
    Expr(Box<Expr>),
    Object {
        props: Vec<ObjectPatternProp>,
        rest: Option<Box<Pattern>>,
    },
    /// `None` elements are holes (`[, a]`).
    Array {
        elems: Vec<Option<PatternElem>>,
        rest: Option<Box<Pattern>>,
    },
}

#[derive(Debug)]
pub struct PatternElem {
    pub target: Pattern,
    pub default: Option<Box<Expr>>,
}

#[derive(Debug)]
pub struct ObjectPatternProp {
    pub key: PropKey,
    pub value: Pattern,
    pub default: Option<Box<Expr>>,
    /// `{ a }` / `{ a = 1 }` shorthand.
    pub shorthand: bool,
    pub span: Span,
}

// ---------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------

#[derive(Debug)]
pub struct Expr {
    pub span: Span,
    pub kind: ExprKind,
}

#[derive(Debug)]
pub enum ExprKind {
    Number(f64),
    /// Decimal digits of a BigInt literal (already converted from hex/octal/binary, no `n`).
    BigInt(Box<str>),
    String(Atom),
    /// `/pattern/flags`; the pattern has been checked by the regexp parser.
    RegExp {
        pattern: Atom,
        flags: Atom,
    },
    Template(Box<Template>),
    TaggedTemplate {
        tag: Box<Expr>,
        quasi: Box<Template>,
    },
    Ident(Ident),
    This,
    Null,
    Bool(bool),
    Array(Vec<Option<ArrayElem>>),
    Object(Vec<ObjectProp>),
    Function(Box<Function>),
    Arrow(Box<Function>),
    Class(Box<Class>),
    Unary {
        op: UnaryOp,
        arg: Box<Expr>,
    },
    /// `++x`, `x--`; the target is an identifier or member expression.
    Update {
        op: UpdateOp,
        prefix: bool,
        target: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    Logical {
        op: LogicalOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `#x in obj`
    PrivateIn {
        name: Atom,
        right: Box<Expr>,
    },
    Conditional {
        test: Box<Expr>,
        consequent: Box<Expr>,
        alternate: Box<Expr>,
    },
    /// `target op= value`; for `op == Assign` the target may be a destructuring pattern,
    /// otherwise it is an identifier or member expression (`PatternKind::Ident`/`Expr`).
    Assign {
        op: AssignOp,
        target: Box<Pattern>,
        value: Box<Expr>,
    },
    Sequence(Vec<Expr>),
    Member {
        object: Box<Expr>,
        property: MemberProp,
        optional: bool,
    },
    /// `super.x` / `super[x]`
    SuperMember {
        property: MemberProp,
    },
    Call {
        callee: Box<Expr>,
        args: Vec<Argument>,
        optional: bool,
    },
    /// `super(...)` in a derived constructor.
    SuperCall {
        args: Vec<Argument>,
    },
    New {
        callee: Box<Expr>,
        args: Vec<Argument>,
    },
    /// The outermost node of an optional chain `a?.b.c()`: a short-circuit inside ends here.
    OptionalChain(Box<Expr>),
    Yield {
        arg: Option<Box<Expr>>,
        delegate: bool,
    },
    Await(Box<Expr>),
    NewTarget,
    ImportMeta,
    /// `import(specifier, options?)`, and the `import.source(...)` / `import.defer(...)` phases.
    ImportCall {
        specifier: Box<Expr>,
        options: Option<Box<Expr>>,
        phase: ImportPhase,
    },
    /// A parenthesized expression. Kept because parentheses matter in a few places (early
    /// errors such as `({a}) = 1`, and the end of an optional chain in `(a?.b).c`, which the
    /// parser also marks with `OptionalChain`). Named evaluation and the compiler look through
    /// it ([`Expr::unparen`]).
    Paren(Box<Expr>),
}

#[derive(Debug)]
pub enum MemberProp {
    Ident(Atom, Span),
    Computed(Box<Expr>),
    Private(Atom, Span),
}

#[derive(Debug)]
pub enum ArrayElem {
    Expr(Expr),
    Spread(Expr),
}

#[derive(Debug)]
pub enum Argument {
    Expr(Expr),
    Spread(Expr),
}

#[derive(Debug)]
pub enum ObjectProp {
    /// `key: value`, and shorthand `{ a }` (then `shorthand` and the value is `Ident`).
    KeyValue {
        key: PropKey,
        value: Box<Expr>,
        shorthand: bool,
        span: Span,
    },
    /// `__proto__: value` (non-computed, non-shorthand): sets the prototype.
    Proto {
        value: Box<Expr>,
        span: Span,
    },
    Method {
        key: PropKey,
        kind: MethodKind,
        value: Box<Function>,
        span: Span,
    },
    Spread {
        value: Box<Expr>,
        span: Span,
    },
}

#[derive(Debug)]
pub struct Template {
    /// `quasis.len() == exprs.len() + 1`.
    pub quasis: Vec<TemplateQuasi>,
    pub exprs: Vec<Expr>,
    pub span: Span,
}

#[derive(Debug)]
pub struct TemplateQuasi {
    /// `None` when the quasi has an invalid escape (allowed only in tagged templates).
    pub cooked: Option<Atom>,
    pub raw: Atom,
    pub span: Span,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Minus,
    Plus,
    Not,
    BitNot,
    Typeof,
    Void,
    Delete,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum UpdateOp {
    Increment,
    Decrement,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Eq,
    NotEq,
    StrictEq,
    StrictNotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    Shl,
    Shr,
    UShr,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Exp,
    BitOr,
    BitXor,
    BitAnd,
    In,
    Instanceof,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum LogicalOp {
    And,
    Or,
    Nullish,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum AssignOp {
    Assign,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Exp,
    Shl,
    Shr,
    UShr,
    BitOr,
    BitXor,
    BitAnd,
    /// `&&=`, `||=`, `??=` short-circuit.
    And,
    Or,
    Nullish,
}

impl AssignOp {
    /// The binary operator a compound assignment applies, if it is arithmetic/bitwise.
    pub fn binary(self) -> Option<BinaryOp> {
        Some(match self {
            AssignOp::Add => BinaryOp::Add,
            AssignOp::Sub => BinaryOp::Sub,
            AssignOp::Mul => BinaryOp::Mul,
            AssignOp::Div => BinaryOp::Div,
            AssignOp::Mod => BinaryOp::Mod,
            AssignOp::Exp => BinaryOp::Exp,
            AssignOp::Shl => BinaryOp::Shl,
            AssignOp::Shr => BinaryOp::Shr,
            AssignOp::UShr => BinaryOp::UShr,
            AssignOp::BitOr => BinaryOp::BitOr,
            AssignOp::BitXor => BinaryOp::BitXor,
            AssignOp::BitAnd => BinaryOp::BitAnd,
            AssignOp::Assign | AssignOp::And | AssignOp::Or | AssignOp::Nullish => return None,
        })
    }
}

impl Expr {
    /// The expression with any enclosing parentheses removed.
    pub fn unparen(&self) -> &Expr {
        let mut e = self;
        while let ExprKind::Paren(inner) = &e.kind {
            e = inner;
        }
        e
    }

    /// IsAnonymousFunctionDefinition (spec #sec-isanonymousfunctiondefinition): the
    /// expression gets a `name` from the binding it is assigned to.
    pub fn is_anonymous_function_definition(&self) -> bool {
        match &self.unparen().kind {
            ExprKind::Function(f) | ExprKind::Arrow(f) => f.id.is_none(),
            ExprKind::Class(c) => c.id.is_none(),
            _ => false,
        }
    }
}
