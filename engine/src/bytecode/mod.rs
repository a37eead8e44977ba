//! Bytecode: the opcode list ([`opcodes`]), the encoder/decoder/disassembler ([`code`]) and
//! [`FunctionBytecode`], the plain-data unit the compiler produces and the VM runs.
//! Front end: no heap, no VM; everything here is serialisable plain data.
//!
//! # Execution model (the contract between compiler and VM)
//!
//! ## Frames
//! A call of a closure over a [`FunctionBytecode`] `b` runs in a frame with:
//! - `arg[0 .. max(argc, b.arg_count))`: the actual arguments, padded with `undefined` up to
//!   `b.arg_count` (number of formal parameters before any rest parameter and excluding
//!   it). `rest n` and the arguments objects see the actual argc.
//! - `loc[0 .. b.local_count)`: local slots, all `undefined` at entry. A slot holds either a
//!   plain value or (when the compiler emitted `new_cell` for it) a *cell*. Which slots are
//!   cells is static: `locals[i].is_cell`.
//! - the operand stack, at most `b.max_stack` values (computed by the compiler; the VM may
//!   size the frame from it and needs no overflow check).
//! - `ref[0 .. closure_vars.len())`: the cells captured by the closure when `fclosure`
//!   created it.
//! - the `this` value, new.target, the active function object and argc, kept by the VM and
//!   read only by `push_this`/`special_object`/`rest` (normally in the prologue).
//!
//! Variables are resolved statically by the compiler to arg/loc/cell/ref slots. Names that
//! resolve to nothing are global (`get_var`/`put_var` by atom). `with` and sloppy direct eval
//! add dynamic lookups (`with_*` ops) before the static access.
//!
//! ## Cells and closures
//! A captured binding lives in a cell created by `new_cell` when its scope is entered
//! (holding the *uninitialized* marker until initialized, which is how TDZ is checked).
//! `fclosure` copies cell references into the new closure's `ref[]` per its
//! [`ClosureVar`]s. `copy_cell` gives a `for (let ...)` loop a fresh cell per iteration.
//! Only the `*_check*` ops look at the uninitialized marker; the unchecked reads (`get_loc`,
//! `get_cell`, `get_ref`) may push `undefined` in its place, and the compiler never relies
//! on the marker reaching the operand stack.
//!
//! ## this, new.target, home object, arguments
//! The compiler gives each non-arrow function hidden variables named `this`, `new.target`,
//! `<home>`, `<func>` and `arguments` when used, initialized in the prologue with `push_this`
//! and `special_object`; arrows, eval code and class field initializers reach the enclosing
//! function's ones as ordinary closure variables. In a derived constructor `this` starts
//! uninitialized (TDZ) and `super(...)` initializes it with `put_*_check_init`.
//!
//! ## Exceptions and finally
//! `exception_table` lists handlers innermost first. When an instruction at pc throws (or a
//! generator is resumed with throw() at a `yield`), the VM takes the first entry with
//! `start <= pc < end`, truncates the operand stack to `depth` values, pushes the exception
//! and continues at `target`. With no entry, the frame is popped and the exception propagates
//! to the caller. An uncatchable interrupt skips all handlers. `finally` blocks are compiled
//! by duplication (inlined on each exit path), so there is no gosub/ret.
//!
//! ## Generators and async functions
//! Generator and async generator bodies start with a prologue (argument binding), then
//! `initial_yield`. Suspension points are `initial_yield`, `yield`, `delegate_yield` and
//! `await`; a suspended frame (its pc, slots and operand stack) lives on the heap and is
//! resumed by the same interpreter loop (no native recursion). Async functions have no
//! `initial_yield`; `await` suspends and the function's promise settles on `return`/throw.
//! Module code with top-level await behaves like an async function body.
//! The generator `return(x)` resumption is compiled as an explicit return path after each
//! `yield` (`yield` pushes `received is_return`), so finally blocks run.
//!
//! ## Iterators
//! `get_iterator` pushes `iter next` (the iterator object and its cached `next` method).
//! Loops keep them (and for-in enumerators, switch discriminants) in temporary locals, so
//! the operand stack is empty at statement boundaries. for-of: per step push both,
//! `iterator_next` (+ `await` for for-await) and `iterator_get_value_done`. Abrupt exits close the iterator with
//! `iterator_return` + `iterator_check_object`; a throw out of the loop body goes through an
//! exception handler that calls `iterator_return` with errors ignored and rethrows. Array
//! destructuring uses `iter next done` with `destructure_next`/`destructure_rest`. `yield*`
//! uses the `delegate_*` ops.
//!
//! ## Modules
//! A module is one [`FunctionBytecode`] (kind `Module`) with a [`ModuleRecord`]. Its
//! top-level bindings are local slots; exported ones are cells that the VM creates (holding
//! the uninitialized marker, or undefined for `var`) when it creates the module record, so
//! other modules can link to them before this one runs; the code never `new_cell`s them.
//! Import bindings are closure variables: the VM fills `ref[i]` at link time with the
//! exporter's cell (or a cell holding the namespace object for `import * as`). The module
//! code starts with a prologue that instantiates hoisted functions and ends it with
//! `initial_yield`; the VM runs the prologue at InitializeEnvironment and resumes at
//! evaluation (async when `ASYNC` is set, i.e. top-level await).
//!
//! ## Direct eval
//! `call_eval`/`apply_eval` name an eval site ([`EvalScope`]): the names visible there and
//! where they live (cells in the caller's frame or the caller's closure variables). The VM
//! passes that scope to the compiler ([`crate::compiler::CompileOptions`]); the eval code
//! comes back as a function whose closure variables are captured from the *calling frame*
//! exactly as `fclosure` would, and which the VM calls with the caller's this.

pub mod code;
pub mod opcodes;

use std::rc::Rc;

use crate::atoms::Atom;

pub use code::{disassemble, Decoder, Emitter, Insn};
pub use opcodes::{Format, Op, ALL_OPS};

/// What kind of code a [`FunctionBytecode`] holds.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FunctionKind {
    /// A global script (top level).
    Script,
    /// A module body.
    Module,
    /// Code of an (indirect or direct) `eval`.
    Eval,
    Normal,
    Arrow,
    /// Object-literal or class method (has a home object, not a constructor).
    Method,
    Getter,
    Setter,
    ClassConstructor,
    DerivedConstructor,
    /// The instance-fields initializer, or the static elements initializer of a class.
    ClassFieldInit,
}

/// Function flags (a bit set).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct FunctionFlags(pub u16);

impl FunctionFlags {
    pub const STRICT: u16 = 1 << 0;
    pub const ASYNC: u16 = 1 << 1;
    pub const GENERATOR: u16 = 1 << 2;
    /// Needs a [[HomeObject]] (methods, accessors, constructors that use `super`).
    pub const NEEDS_HOME_OBJECT: u16 = 1 << 3;
    /// Creates a mapped arguments object (sloppy, simple parameters).
    pub const ARGUMENTS_MAPPED: u16 = 1 << 4;
    /// Creates an unmapped arguments object.
    pub const ARGUMENTS_UNMAPPED: u16 = 1 << 5;
    /// All parameters are plain identifiers.
    pub const SIMPLE_PARAMS: u16 = 1 << 6;
    /// Contains a direct `eval` call (in itself, not counting nested functions).
    pub const HAS_DIRECT_EVAL: u16 = 1 << 7;
    /// An arrow (or eval code) that uses `this`/`new.target`/`super` of an enclosing scope.
    pub const USES_OUTER_THIS: u16 = 1 << 8;
    /// A constructor: `[[Construct]]` exists (normal functions, classes).
    pub const CONSTRUCTOR: u16 = 1 << 9;

    pub fn has(self, bit: u16) -> bool {
        self.0 & bit != 0
    }
}

/// Operand of `special_object`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum SpecialObject {
    /// CreateUnmappedArgumentsObject(actual arguments).
    UnmappedArguments = 0,
    /// CreateMappedArgumentsObject: index `i < min(argc, arg_count)` aliases the cell in
    /// loc[`mapped_args_base + i`] (the compiler put each parameter in such a cell).
    MappedArguments = 1,
    /// The active function object (F in [[Call]]/[[Construct]]).
    ThisFunc = 2,
    /// new.target (undefined for [[Call]]).
    NewTarget = 3,
    /// The active function's [[HomeObject]] (undefined if none).
    HomeObject = 4,
    /// A new object with null prototype: the variable object of a sloppy function with
    /// direct eval (receives the eval code's `var`s).
    VarObject = 5,
    /// `import.meta` of the running module.
    ImportMeta = 6,
}

impl SpecialObject {
    pub fn from_u8(b: u8) -> Option<SpecialObject> {
        Some(match b {
            0 => SpecialObject::UnmappedArguments,
            1 => SpecialObject::MappedArguments,
            2 => SpecialObject::ThisFunc,
            3 => SpecialObject::NewTarget,
            4 => SpecialObject::HomeObject,
            5 => SpecialObject::VarObject,
            6 => SpecialObject::ImportMeta,
            _ => return None,
        })
    }
}

/// Operand of `throw_error`: which error to throw about the atom.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ThrowKind {
    /// TypeError: assignment to constant variable `name`.
    ConstAssign = 0,
    /// ReferenceError: `name` is not defined.
    NotDefined = 1,
    /// TypeError: private method `#name` is not writable.
    PrivateMethodWrite = 2,
    /// TypeError: private accessor `#name` has no getter.
    PrivateNoGetter = 3,
    /// TypeError: private accessor `#name` has no setter.
    PrivateNoSetter = 4,
    /// ReferenceError: unsupported reference (e.g. `delete super.x`).
    BadReference = 5,
    /// SyntaxError raised at run time (e.g. a redeclaration detected late); message is the
    /// atom text.
    Syntax = 6,
    /// TypeError with the atom text as message.
    Type = 7,
}

impl ThrowKind {
    pub fn from_u8(b: u8) -> Option<ThrowKind> {
        Some(match b {
            0 => ThrowKind::ConstAssign,
            1 => ThrowKind::NotDefined,
            2 => ThrowKind::PrivateMethodWrite,
            3 => ThrowKind::PrivateNoGetter,
            4 => ThrowKind::PrivateNoSetter,
            5 => ThrowKind::BadReference,
            6 => ThrowKind::Syntax,
            7 => ThrowKind::Type,
            _ => return None,
        })
    }
}

/// The kind of a binding (for TDZ and error messages).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum BindingKind {
    Var,
    Let,
    Const,
    Class,
    /// A parameter.
    Param,
    /// The self-binding of a named function expression (assignment ignored in sloppy code).
    FunctionName,
    /// An import binding (immutable).
    Import,
    /// A compiler temporary or hidden variable (`this`, `<home>`, ...).
    Hidden,
}

/// Debug/metadata for one local slot.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct LocalInfo {
    pub name: Atom,
    pub kind: BindingKind,
    /// The slot holds a cell (created by `new_cell`, or by the VM for module exports).
    pub is_cell: bool,
}

/// Where a closure variable comes from when `fclosure` runs in the parent frame.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ClosureSource {
    /// The cell in the parent's loc[i].
    ParentLocal(u16),
    /// The parent's own ref[i].
    ParentClosure(u16),
    /// A module import: filled by the VM at link time (index into
    /// `ModuleRecord::imports`).
    Import(u16),
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ClosureVar {
    pub name: Atom,
    pub kind: BindingKind,
    pub source: ClosureSource,
}

/// One exception handler; see the module docs.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Handler {
    pub start: u32,
    pub end: u32,
    pub target: u32,
    pub depth: u32,
}

/// Source position of the instructions from `pc` up to the next entry.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct LineEntry {
    pub pc: u32,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in UTF-16 units... approximated by bytes of the line prefix).
    pub column: u32,
}

/// A constant-pool entry.
#[derive(Clone, Debug)]
pub enum Constant {
    Number(f64),
    String(Atom),
    /// Decimal digits, no sign, no `n`.
    BigInt(Box<str>),
    Function(Rc<FunctionBytecode>),
    /// A tagged template call site. `site` is unique per compiled site in the runtime's
    /// compilation (the compiler numbers them from [`crate::compiler::CompileOptions`]'s
    /// counter) so the VM can cache the object per realm.
    TemplateObject {
        site: u32,
        cooked: Box<[Option<Atom>]>,
        raw: Box<[Atom]>,
    },
    RegExp {
        pattern: Atom,
        flags: Atom,
    },
}

/// Where a name visible at a direct-eval site lives, relative to the calling frame.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum EvalLocation {
    /// The cell in the caller's loc[i].
    Local(u16),
    /// The caller's ref[i].
    Closure(u16),
}

/// One entry of an [`EvalScope`], innermost first.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct EvalBinding {
    pub name: Atom,
    pub kind: BindingKind,
    pub loc: EvalLocation,
    /// A `with` object (name is `<with>`) or a variable object (`<varobj>`): a dynamic scope
    /// consulted by name at this point of the chain.
    pub dynamic: Option<DynamicScope>,
    /// The binding is in a block/lexical scope between the eval site and the function's var
    /// scope (a `var` of the same name in the eval code is a SyntaxError).
    pub lexical: bool,
    /// The binding is in the caller function's own scopes (not an outer function's).
    pub same_function: bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum DynamicScope {
    With,
    VarObject,
}

/// The scope of a direct-eval site: everything the eval code may reference.
#[derive(Clone, Debug, Default)]
pub struct EvalScope {
    pub bindings: Vec<EvalBinding>,
    /// The caller is strict.
    pub strict: bool,
    /// The eval is (transitively) inside a non-arrow function, so `new.target` is allowed.
    pub in_function: bool,
    /// `super.x` is allowed (a method); `super()` is allowed (derived constructor).
    pub allow_super_property: bool,
    pub allow_super_call: bool,
    /// Inside a class field initializer (`arguments` is a SyntaxError).
    pub in_class_field_init: bool,
    /// Where eval `var`s go: the caller function's var scope is the global one.
    pub var_scope_is_global: bool,
    /// Private names visible at the site (`#x` atoms, with the leading `#`).
    pub private_names: Vec<Atom>,
}

/// An `import` entry of a module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportEntry {
    /// Index into `requests`.
    pub request: u16,
    /// The imported name; `None` for `import * as ns` (the namespace object).
    pub import_name: Option<Atom>,
    /// The local name (the closure variable with `ClosureSource::Import(this index)`).
    pub local_name: Atom,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalExport {
    pub export_name: Atom,
    pub local_name: Atom,
    /// The local slot holding the binding's cell.
    pub slot: u16,
    pub kind: BindingKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndirectExport {
    pub export_name: Atom,
    pub request: u16,
    /// `None` for `export * as ns from` (the namespace object).
    pub import_name: Option<Atom>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleRequest {
    pub specifier: Atom,
    /// `with { key: value }` attributes.
    pub attributes: Vec<(Atom, Atom)>,
}

/// What the VM needs to link a module (spec Source Text Module Record fields).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleRecord {
    pub requests: Vec<ModuleRequest>,
    pub imports: Vec<ImportEntry>,
    pub local_exports: Vec<LocalExport>,
    pub indirect_exports: Vec<IndirectExport>,
    /// `export * from` requests.
    pub star_exports: Vec<u16>,
    /// Local slots that hold cells the VM creates at module creation (all exported
    /// bindings): `(slot, initialized with undefined (var) rather than uninitialized)`.
    pub vm_cells: Vec<(u16, bool)>,
}

/// A compiled function (or script, module, eval code). Plain data.
#[derive(Clone, Debug)]
pub struct FunctionBytecode {
    /// The function's `name` (Atom::Empty when anonymous).
    pub name: Atom,
    pub kind: FunctionKind,
    pub flags: FunctionFlags,
    /// The `length` property (ExpectedArgumentCount).
    pub length: u32,
    /// Number of argument slots.
    pub arg_count: u16,
    /// Number of local slots.
    pub local_count: u16,
    /// Operand stack size needed.
    pub max_stack: u32,
    /// First local slot of the parameter cells aliased by a mapped arguments object.
    pub mapped_args_base: u16,
    pub code: Vec<u8>,
    pub constants: Vec<Constant>,
    /// One entry per local slot.
    pub locals: Vec<LocalInfo>,
    pub closure_vars: Vec<ClosureVar>,
    pub exception_table: Vec<Handler>,
    pub line_table: Vec<LineEntry>,
    /// Scope descriptions for the direct-eval sites (`call_eval`/`apply_eval` operand).
    pub eval_sites: Vec<Rc<EvalScope>>,
    pub module: Option<Box<ModuleRecord>>,
    /// The whole source text and this function's byte range in it
    /// (`Function.prototype.toString`).
    pub source: Rc<str>,
    pub source_start: u32,
    pub source_end: u32,
    pub filename: Rc<str>,
}

impl FunctionBytecode {
    pub fn is_strict(&self) -> bool {
        self.flags.has(FunctionFlags::STRICT)
    }
    /// The source text of the function, for `Function.prototype.toString`.
    pub fn source_text(&self) -> &str {
        self.source
            .get(self.source_start as usize..self.source_end as usize)
            .unwrap_or("")
    }
    /// The (line, column) of the instruction at `pc`, if the line table covers it.
    pub fn position(&self, pc: u32) -> Option<(u32, u32)> {
        let i = self.line_table.partition_point(|e| e.pc <= pc);
        let e = self.line_table.get(i.checked_sub(1)?)?;
        Some((e.line, e.column))
    }
}
