//! The opcode list: the single declaration of every instruction ([`for_each_op!`]) and the
//! [`Op`] enum, names, operand formats and stack effects generated from it.
//!
//! Invariants:
//! - Every opcode is exactly one byte; its operands follow in the order of its [`Format`],
//!   little-endian, with the sizes given by [`Format::size`].
//! - A jump label is an `i32` offset relative to the pc of the jump's own opcode byte.
//! - Stack effects are for the fall-through path. Ops that branch with a different depth
//!   (`with_*`, `delegate_*`) say so in their doc line; the compiler accounts for it.
//!
//! Notation in the docs: `a b → c` means the op pops `b` (top) then `a` and pushes `c`.
//! "strict" means the `STRICT` flag of the running function. "ToBoolean" etc. name spec
//! abstract operations (ECMA-262).

/// Operand layout of an instruction (after the opcode byte).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Format {
    /// No operand.
    None,
    /// One `u8`.
    U8,
    /// One `u16` (local/arg/closure-var index, argument count, ...).
    U16,
    /// One `u32` index into the constant pool.
    Const,
    /// One `i32` immediate.
    I32,
    /// One atom (`u32`, [`crate::atoms::Atom::raw`]).
    Atom,
    /// One jump label (`i32`, relative to this instruction's opcode byte).
    Label,
    /// An atom then a `u8`.
    AtomU8,
    /// An atom, a label, then a `u8`.
    AtomLabelU8,
    /// Two `u16` (argument count, then eval-site index).
    U16U16,
}

impl Format {
    /// Size in bytes of the operands.
    pub const fn size(self) -> usize {
        match self {
            Format::None => 0,
            Format::U8 => 1,
            Format::U16 => 2,
            Format::Const | Format::I32 | Format::Atom | Format::Label => 4,
            Format::AtomU8 => 5,
            Format::AtomLabelU8 => 9,
            Format::U16U16 => 4,
        }
    }
}

/// Calls `$m!` with the opcode list. Each entry is
/// `(Name, "name", Format, pops, pushes, "doc")` where `pops`/`pushes` is a literal or
/// `(n => expr)` computing it from the first operand `n`.
///
/// Slots: `loc[i]` is local slot `i`, `arg[i]` argument slot `i`, `ref[i]` closure variable
/// `i` of the running closure (always a cell). A *cell* is a heap box holding one value;
/// the *uninitialized* marker is a VM-internal value that never escapes to JS.
#[macro_export]
macro_rules! for_each_op {
    ($m:ident) => {
        $m! {
            // ---------------------------------------------------------------- constants
            (Nop, "nop", None, 0, 0, "Does nothing."),
            (PushUndefined, "push_undefined", None, 0, 1, "→ undefined"),
            (PushNull, "push_null", None, 0, 1, "→ null"),
            (PushTrue, "push_true", None, 0, 1, "→ true"),
            (PushFalse, "push_false", None, 0, 1, "→ false"),
            (PushI32, "push_i32", I32, 0, 1, "→ the Number given by the immediate."),
            (PushConst, "push_const", Const, 0, 1,
                "→ the value of constant `n`: Number, String (atom text) or BigInt (parse the decimal digits). Other constant kinds are never pushed by this op."),
            (PushAtom, "push_atom", Atom, 0, 1, "→ the String value of the atom."),
            (PushThis, "push_this", None, 0, 1,
                "→ the this value the VM bound for this call (OrdinaryCallBindThis already applied: sloppy functions see ToObject(this) or the global this). Script code: the global this. Module code: undefined. Only emitted in prologues of non-arrow functions and scripts."),
            (SpecialObject, "special_object", U8, 0, 1,
                "→ a special value chosen by the operand, see `SpecialObject` in bytecode/mod.rs (arguments objects, active function, new.target, home object, variable object, import.meta)."),
            (Rest, "rest", U16, 0, 1,
                "→ a new Array holding the actual arguments from index `n` to argc (empty if argc <= n). For rest parameters."),
            (FClosure, "fclosure", Const, 0, 1,
                "→ a new function object for the `Constant::Function` `n`: captures its closure variables from this frame as described by its `closure_vars` (ParentLocal(i): the cell in loc[i]; ParentClosure(i): ref[i]). Creates `prototype` for normal functions/generators as OrdinaryFunctionCreate + MakeConstructor require; `name` and `length` from the bytecode."),
            (RegExp, "regexp", Const, 0, 1,
                "→ a new RegExp object from `Constant::RegExp` `n` (RegExpCreate; the pattern was validated by the parser)."),
            (TemplateObject, "template_object", Const, 0, 1,
                "→ the template object for `Constant::TemplateObject` `n` (GetTemplateObject): created once per realm per `site` id and cached; frozen arrays, `raw` frozen too."),
            (Object, "object", None, 0, 1, "→ a new ordinary object with %Object.prototype%."),
            (ArrayFrom, "array_from", U16, (n => n), 1,
                "v1 .. vn → a new Array [v1, .., vn] (CreateArrayFromList)."),
            (PrivateSymbol, "private_symbol", Atom, 0, 1,
                "→ a new Private Name whose description is the atom (`#x`). A VM-internal value only stored in hidden variables."),

            // ---------------------------------------------------------------- stack
            (Drop, "drop", None, 1, 0, "a →"),
            (Nip, "nip", None, 2, 1, "a b → b"),
            (Nip1, "nip1", None, 3, 2, "a b c → b c"),
            (Dup, "dup", None, 1, 2, "a → a a"),
            (Dup1, "dup1", None, 2, 3, "a b → a a b"),
            (Dup2, "dup2", None, 2, 4, "a b → a b a b"),
            (Dup3, "dup3", None, 3, 6, "a b c → a b c a b c"),
            (Insert2, "insert2", None, 2, 3, "a b → b a b"),
            (Insert3, "insert3", None, 3, 4, "a b c → c a b c"),
            (Insert4, "insert4", None, 4, 5, "a b c d → d a b c d"),
            (Swap, "swap", None, 2, 2, "a b → b a"),
            (Swap2, "swap2", None, 4, 4, "a b c d → c d a b"),
            (Rot3L, "rot3l", None, 3, 3, "a b c → b c a"),
            (Rot3R, "rot3r", None, 3, 3, "a b c → c a b"),
            (Rot4L, "rot4l", None, 4, 4, "a b c d → b c d a"),
            (Rot5L, "rot5l", None, 5, 5, "a b c d e → b c d e a"),

            // ---------------------------------------------------------------- locals
            (GetLoc, "get_loc", U16, 0, 1, "→ loc[n] (a plain value slot)."),
            (PutLoc, "put_loc", U16, 1, 0, "v → ; loc[n] = v"),
            (SetLoc, "set_loc", U16, 1, 1, "v → v; loc[n] = v"),
            (GetLocCheck, "get_loc_check", U16, 0, 1,
                "→ loc[n]; ReferenceError \"<name> is not initialized\" (name from `locals[n]`) if it holds the uninitialized marker."),
            (PutLocCheck, "put_loc_check", U16, 1, 0,
                "v → ; ReferenceError as `get_loc_check` if loc[n] is uninitialized, else loc[n] = v."),
            (PutLocCheckInit, "put_loc_check_init", U16, 1, 0,
                "v → ; ReferenceError \"this is already initialized\" unless loc[n] is uninitialized, else loc[n] = v. (Binding `this` after super().)"),
            (SetLocUninit, "set_loc_uninit", U16, 0, 0, "loc[n] = the uninitialized marker."),
            (GetArg, "get_arg", U16, 0, 1, "→ arg[n] (the VM pads args to `arg_count` with undefined)."),
            (PutArg, "put_arg", U16, 1, 0, "v → ; arg[n] = v"),
            (SetArg, "set_arg", U16, 1, 1, "v → v; arg[n] = v"),

            // ---------------------------------------------------------------- cells in locals
            (NewCell, "new_cell", U16, 0, 0,
                "loc[n] = a fresh cell holding the uninitialized marker (entering a scope: let/const/class, or any captured binding)."),
            (CopyCell, "copy_cell", U16, 0, 0,
                "loc[n] = a fresh cell holding the value of the cell in loc[n] (CreatePerIterationEnvironment for `for (let ...)`)."),
            (GetCell, "get_cell", U16, 0, 1, "→ value of the cell in loc[n]."),
            (GetCellCheck, "get_cell_check", U16, 0, 1,
                "→ value of the cell in loc[n]; ReferenceError if uninitialized (as get_loc_check)."),
            (PutCell, "put_cell", U16, 1, 0, "v → ; cell in loc[n] = v (no check)."),
            (PutCellCheck, "put_cell_check", U16, 1, 0,
                "v → ; ReferenceError if the cell in loc[n] is uninitialized, else store."),
            (PutCellCheckInit, "put_cell_check_init", U16, 1, 0,
                "v → ; ReferenceError \"this is already initialized\" unless the cell in loc[n] is uninitialized, else store."),
            (SetCellUninit, "set_cell_uninit", U16, 0, 0, "cell in loc[n] = the uninitialized marker."),

            // ---------------------------------------------------------------- closure variables
            (GetRef, "get_ref", U16, 0, 1, "→ value of cell ref[n]."),
            (GetRefCheck, "get_ref_check", U16, 0, 1,
                "→ value of cell ref[n]; ReferenceError \"<name> is not initialized\" (name from `closure_vars[n]`) if uninitialized."),
            (PutRef, "put_ref", U16, 1, 0, "v → ; ref[n] = v (no check)."),
            (PutRefCheck, "put_ref_check", U16, 1, 0,
                "v → ; ReferenceError if ref[n] is uninitialized, else store."),
            (PutRefCheckInit, "put_ref_check_init", U16, 1, 0,
                "v → ; ReferenceError \"this is already initialized\" unless ref[n] is uninitialized, else store."),

            // ---------------------------------------------------------------- global / by-name
            (GetVar, "get_var", Atom, 0, 1,
                "→ value of the unresolved name: the realm's global lexical environment first (ReferenceError if in TDZ), then the global object (HasProperty then Get); ReferenceError \"<name> is not defined\" if absent."),
            (GetVarUndef, "get_var_undef", Atom, 0, 1,
                "→ as get_var but pushes undefined instead of throwing when the name is absent (`typeof x`). TDZ still throws."),
            (PutVar, "put_var", Atom, 1, 0,
                "v → ; PutValue to the unresolved name: global lexical binding (TDZ: ReferenceError; const: TypeError) else global object: if the property exists Set(global, name, v, strict→throw); if absent: strict → ReferenceError, sloppy → Set creates it."),
            (PutVarInit, "put_var_init", Atom, 1, 0,
                "v → ; InitializeBinding of a global lexical binding created by declare_global_lex."),
            (DeleteVar, "delete_var", Atom, 0, 1,
                "→ bool: `delete name` of an unresolved reference: lexical binding → false; global object property → [[Delete]]; absent → true."),
            (CheckGlobalLex, "check_global_lex", Atom, 0, 0,
                "GlobalDeclarationInstantiation step 3 for a lexical name: SyntaxError if the global env HasVarDeclaration, HasLexicalDeclaration or HasRestrictedGlobalProperty(name)."),
            (CheckGlobalVar, "check_global_var", Atom, 0, 0,
                "Step 4/8 for a var name: SyntaxError if a global lexical binding exists; TypeError if !CanDeclareGlobalVar(name)."),
            (CheckGlobalFunc, "check_global_func", Atom, 0, 0,
                "Step 4/7 for a function name: SyntaxError if a global lexical binding exists; TypeError if !CanDeclareGlobalFunction(name)."),
            (DeclareGlobalVar, "declare_global_var", AtomU8, 0, 0,
                "CreateGlobalVarBinding(name, D) with D = (operand & 1) (true for eval code)."),
            (DeclareGlobalFunc, "declare_global_func", AtomU8, 1, 0,
                "f → ; CreateGlobalFunctionBinding(name, f, D) with D = (operand & 1)."),
            (DeclareGlobalLex, "declare_global_lex", AtomU8, 0, 0,
                "Creates an uninitialized binding in the global lexical environment; operand & 1: const (immutable)."),

            // ---------------------------------------------------------------- dynamic scopes
            (WithGetVar, "with_get_var", AtomLabelU8, 1, 0,
                "obj → ; if obj has a binding for the atom (HasProperty; when u8 & 1 (a `with` object) also not blocked by obj[@@unscopables]): push Get(obj, atom) and jump to the label (depth +1 there); else fall through with nothing pushed. u8 = 0: a variable object (no unscopables check)."),
            (WithPutVar, "with_put_var", AtomLabelU8, 2, 1,
                "v obj → v ; if obj has the binding (as with_get_var): Set(obj, atom, v, strict), pop both and jump (depth -2 from the start there); else fall through leaving v."),
            (WithGetRef, "with_get_ref", AtomLabelU8, 1, 0,
                "obj → ; as with_get_var but on success pushes `obj value` (this and callee for a call) and jumps (depth +2 there). A variable object (u8 = 0) pushes `undefined value`."),
            (WithDeleteVar, "with_delete_var", AtomLabelU8, 1, 0,
                "obj → ; if obj has the binding: push obj.[[Delete]](atom) and jump (depth +1 there); else fall through."),
            (WithResolve, "with_resolve", AtomLabelU8, 1, 0,
                "obj → ; ResolveBinding for an assignment target: if obj has the binding (as with_get_var): push obj (the reference's base) and jump (depth +1 there); else fall through. With u8 & 2 on with_get_var / with_put_var, obj is such a resolved base (or undefined = not dynamic: fall through): GetBindingValue / SetMutableBinding of an object environment (HasProperty, then Get / Set; a vanished binding is a ReferenceError in strict code, undefined / a new property otherwise)."),
            (DeclareVarObj, "declare_var_obj", Atom, 1, 0,
                "obj → ; sloppy direct eval `var`: if obj has no own property atom, define it {undefined, writable, enumerable, configurable}."),
            (DeclareVarObjFunc, "declare_var_obj_func", Atom, 2, 0,
                "obj f → ; sloppy direct eval function declaration: define/overwrite obj.atom = f {writable, enumerable, configurable}."),
            (CheckVarObj, "check_var_obj", Atom, 1, 0,
                "obj → ; nothing. Reserved for EvalDeclarationInstantiation checks done at run time (currently never emitted)."),

            // ---------------------------------------------------------------- properties
            (GetField, "get_field", Atom, 1, 1, "obj → obj.atom (GetValue on a property reference; base null/undefined → TypeError)."),
            (GetField2, "get_field2", Atom, 1, 2, "obj → obj obj.atom (keeps the base as `this` for a call)."),
            (PutField, "put_field", Atom, 2, 0, "obj v → ; PutValue: obj.[[Set]](atom, v, obj) (ToObject for primitives); failure throws TypeError in strict code."),
            (GetArrayEl, "get_array_el", None, 2, 1, "obj key → obj[key] (ToPropertyKey(key) after RequireObjectCoercible(obj))."),
            (GetArrayEl2, "get_array_el2", None, 2, 2, "obj key → obj obj[key]"),
            (PutArrayEl, "put_array_el", None, 3, 0, "obj key v → ; PutValue: ToObject(obj) (TypeError for null/undefined), then ToPropertyKey(key), then [[Set]] with receiver obj; failure throws TypeError in strict code."),
            (GetPrivateField, "get_private_field", None, 2, 1,
                "obj sym → value of private field sym in obj; TypeError if obj lacks it (PrivateGet)."),
            (PutPrivateField, "put_private_field", None, 3, 0,
                "obj v sym → ; PrivateSet of a private field; TypeError if obj lacks it."),
            (DefinePrivateField, "define_private_field", None, 3, 1,
                "obj sym v → obj; PrivateFieldAdd; TypeError if obj already has it."),
            (AddBrand, "add_brand", None, 2, 0, "obj brand → ; adds the private brand to obj (PrivateMethodOrAccessorAdd); TypeError if already present."),
            (CheckBrand, "check_brand", None, 2, 1, "obj brand → obj; TypeError unless obj is an object carrying the brand."),
            (PrivateIn, "private_in", None, 2, 1, "obj sym → bool; TypeError if obj is not an object; `#x in obj`."),
            (GetSuper, "get_super", None, 1, 1, "home → home.[[GetPrototypeOf]]() (GetSuperBase)."),
            (GetSuperValue, "get_super_value", None, 3, 1, "this proto key → proto.[[Get]](ToPropertyKey(key), this); TypeError if proto is null/undefined."),
            (PutSuperValue, "put_super_value", None, 4, 0, "this proto key v → ; proto.[[Set]](ToPropertyKey(key), v, this); failure throws TypeError in strict code only (object-literal methods can be sloppy)."),
            (Delete, "delete", None, 2, 1, "obj key → bool; ToObject(obj).[[Delete]](ToPropertyKey(key)); false in strict code → TypeError."),
            (In, "in", None, 2, 1, "key obj → bool; TypeError if obj not an object; HasProperty(obj, ToPropertyKey(key))."),
            (Instanceof, "instanceof", None, 2, 1, "v target → InstanceofOperator(v, target)."),

            // ---------------------------------------------------------------- literals
            (DefineField, "define_field", Atom, 2, 1, "obj v → obj; CreateDataPropertyOrThrow(obj, atom, v)."),
            (DefineArrayEl, "define_array_el", None, 3, 1, "obj key v → obj; CreateDataPropertyOrThrow(obj, key, v) (key already a property key)."),
            (DefineMethod, "define_method", AtomU8, 2, 1,
                "obj f → obj; f.[[HomeObject]] = obj; u8 & 3: 0 method (data property), 1 getter, 2 setter; u8 & 4: enumerable. Sets f's `name` to the atom (with \"get \"/\"set \" prefix) unless the bytecode already has a name. Defines with DefinePropertyOrThrow, configurable."),
            (DefineMethodComputed, "define_method_computed", U8, 3, 1,
                "obj key f → obj; as define_method with the property key on the stack; always SetFunctionName(f, key, prefix)."),
            (SetName, "set_name", Atom, 1, 1, "f → f; SetFunctionName(f, atom) (only if f has no own `name` yet)."),
            (SetNameComputed, "set_name_computed", None, 2, 2,
                "key f → key f; SetFunctionName(f, key) (symbol keys give \"[desc]\")."),
            (SetHomeObject, "set_home_object", None, 2, 2, "home f → home f; f.[[HomeObject]] = home."),
            (SetProto, "set_proto", None, 2, 1, "obj proto → obj; `__proto__: v` in a literal: if proto is an Object or null, obj.[[SetPrototypeOf]](proto)."),
            (CopyDataProperties, "copy_data_properties", U16, (n => n + 2), 1,
                "target source k1..kn → target; CopyDataProperties(target, source, excluded = [k1..kn]) (object spread and object rest)."),
            (ArrayPush, "array_push", None, 2, 1, "arr v → arr; appends v at index arr.length (array literals, argument lists)."),
            (ArrayHole, "array_hole", None, 1, 1, "arr → arr; arr.length += 1 (an elision)."),
            (ArraySpread, "array_spread", None, 2, 1, "arr iterable → arr; appends every value of GetIterator(iterable, sync)."),
            (ToPropKey, "to_propkey", None, 1, 1, "v → ToPropertyKey(v)"),
            (ToObject, "to_object", None, 1, 1, "v → ToObject(v) (TypeError for null/undefined)."),
            (CheckObjectCoercible, "check_object_coercible", None, 1, 1, "v → v; TypeError if v is null or undefined (RequireObjectCoercible)."),
            (ToString, "to_string", None, 1, 1, "v → ToString(v) (template literals)."),
            (ToNumeric, "to_numeric", None, 1, 1, "v → ToNumeric(v)"),

            // ---------------------------------------------------------------- classes
            (DefineClass, "define_class", AtomU8, 2, 2,
                "heritage ctor → ctor proto; ClassDefinitionEvaluation steps 5-8 and 14-17: u8 & 1: has `extends` (heritage evaluated; null or a constructor, else TypeError), otherwise heritage is ignored. Creates proto (with [[Prototype]] protoParent), sets ctor.[[Prototype]] = constructorParent, defines ctor.prototype {writable: false, enumerable: false, configurable: false} and proto.constructor = ctor (non-enumerable), ctor.[[HomeObject]] = proto. The atom is the class name (for `name`, set if the bytecode has none)."),
            (SetFieldsInit, "set_fields_init", None, 2, 1,
                "ctor init → ctor; stores the instance-elements initializer function in ctor.[[Fields]] (called by run_fields_init)."),
            (RunFieldsInit, "run_fields_init", None, 2, 0,
                "obj ctor → ; InitializeInstanceElements: if ctor has a [[Fields]] initializer, Call(init, obj)."),
            (GetSuperCtor, "get_super_ctor", None, 1, 1, "func → func.[[GetPrototypeOf]]() (GetSuperConstructor)."),
            (CheckCtorReturn, "check_ctor_return", None, 2, 1,
                "v this → result; derived constructor return: v if an Object; TypeError if v is not undefined; else this (ReferenceError if this is uninitialized)."),

            // ---------------------------------------------------------------- operators
            (Add, "add", None, 2, 1, "a b → a + b (ApplyStringOrNumericBinaryOperator)."),
            (Sub, "sub", None, 2, 1, "a b → a - b"),
            (Mul, "mul", None, 2, 1, "a b → a * b"),
            (Div, "div", None, 2, 1, "a b → a / b"),
            (Mod, "mod", None, 2, 1, "a b → a % b"),
            (Pow, "pow", None, 2, 1, "a b → a ** b"),
            (Shl, "shl", None, 2, 1, "a b → a << b"),
            (Sar, "sar", None, 2, 1, "a b → a >> b"),
            (Shr, "shr", None, 2, 1, "a b → a >>> b"),
            (BitAnd, "and", None, 2, 1, "a b → a & b"),
            (BitOr, "or", None, 2, 1, "a b → a | b"),
            (BitXor, "xor", None, 2, 1, "a b → a ^ b"),
            (Lt, "lt", None, 2, 1, "a b → a < b (IsLessThan)."),
            (Lte, "lte", None, 2, 1, "a b → a <= b"),
            (Gt, "gt", None, 2, 1, "a b → a > b"),
            (Gte, "gte", None, 2, 1, "a b → a >= b"),
            (Eq, "eq", None, 2, 1, "a b → IsLooselyEqual(a, b)"),
            (Neq, "neq", None, 2, 1, "a b → !IsLooselyEqual(a, b)"),
            (StrictEq, "strict_eq", None, 2, 1, "a b → IsStrictlyEqual(a, b)"),
            (StrictNeq, "strict_neq", None, 2, 1, "a b → !IsStrictlyEqual(a, b)"),
            (Neg, "neg", None, 1, 1, "v → -v (ToNumeric, Number::unaryMinus / BigInt::unaryMinus)."),
            (Plus, "plus", None, 1, 1, "v → ToNumber(v) (TypeError for BigInt)."),
            (Not, "not", None, 1, 1, "v → !ToBoolean(v)"),
            (BitNot, "bit_not", None, 1, 1, "v → ~v"),
            (Typeof, "typeof", None, 1, 1, "v → the typeof string."),
            (Inc, "inc", None, 1, 1, "v → v + 1 (v is already numeric: Number or BigInt)."),
            (Dec, "dec", None, 1, 1, "v → v - 1 (v is already numeric)."),
            (IsUndefined, "is_undefined", None, 1, 1, "v → v === undefined"),
            (IsNullish, "is_nullish", None, 1, 1, "v → v === undefined || v === null"),

            // ---------------------------------------------------------------- control flow
            (Goto, "goto", Label, 0, 0, "Jumps (backward jumps poll the interrupt counter)."),
            (IfTrue, "if_true", Label, 1, 0, "v → ; jumps if ToBoolean(v)."),
            (IfFalse, "if_false", Label, 1, 0, "v → ; jumps if !ToBoolean(v)."),
            (Return, "return", None, 1, 0,
                "v → ; returns v from the function. [[Construct]] of a base constructor or normal function uses `this` instead if v is not an Object; derived constructors return v as is (the compiler emitted check_ctor_return). Generators: completes with {value: v, done: true}. Async: resolves the promise."),
            (ReturnUndef, "return_undef", None, 0, 0, "Same as push_undefined; return."),
            (Throw, "throw", None, 1, 0, "v → ; throws v."),
            (ThrowError, "throw_error", AtomU8, 0, 0,
                "Throws a new error about the atom, see `ThrowKind` in bytecode/mod.rs for the u8 (e.g. TypeError \"assignment to constant variable 'x'\")."),
            (Debugger, "debugger", None, 0, 0, "The `debugger` statement: no effect."),

            // ---------------------------------------------------------------- calls
            (Call, "call", U16, (n => n + 2), 1,
                "this f a1..an → Call(f, this, [a1..an]) (TypeError if f is not callable). Records the call-site position for stack traces."),
            (CallEval, "call_eval", U16U16, (n => n + 2), 1,
                "this f a1..an → result; if f is the realm's %eval%: PerformEval(a1, direct) with the scope of eval site `m` (second operand, index into `eval_sites`), strictness of this function; else as `call`."),
            (Apply, "apply", None, 3, 1, "this f args → Call(f, this, args) (args is an Array built by array_push/array_spread)."),
            (ApplyEval, "apply_eval", U16, 3, 1, "this f args → as call_eval with eval site `n` and the arguments in the Array args."),
            (New, "new", U16, (n => n + 1), 1, "ctor a1..an → Construct(ctor, [a1..an], ctor) (TypeError if not a constructor)."),
            (ApplyNew, "apply_new", None, 2, 1, "ctor args → Construct(ctor, args, ctor)."),
            (SuperCall, "super_call", U16, (n => n + 2), 1,
                "superctor newtarget a1..an → Construct(superctor, [a1..an], newtarget); TypeError if superctor is not a constructor. The compiler then binds `this` and emits run_fields_init."),
            (ApplySuper, "apply_super", None, 3, 1, "superctor newtarget args → as super_call with the arguments in the Array args."),
            (ImportCall, "import_call", None, 2, 1, "specifier options → promise; dynamic import() (EvaluateImportCall; options may be undefined)."),

            // ---------------------------------------------------------------- iterators
            (GetIterator, "get_iterator", U8, 1, 2,
                "v → iter next; GetIterator(v, u8 = 0 sync / 1 async) (async: CreateAsyncFromSyncIterator when v has no @@asyncIterator). Pushes the iterator object and its `next` method."),
            (IteratorNext, "iterator_next", None, 2, 1, "iter next → res; res = Call(next, iter) (not checked). (Loops keep iter/next in locals and push them.)"),
            (IteratorGetValueDone, "iterator_get_value_done", None, 1, 2,
                "res → value done; TypeError if res is not an Object; done = ToBoolean(res.done); value = done ? undefined : res.value."),
            (IteratorCheckObject, "iterator_check_object", None, 1, 1, "res → res; TypeError if res is not an Object."),
            (IteratorReturn, "iterator_return", None, 2, 2,
                "iter next → res has; m = GetMethod(iter, \"return\"); if undefined: res = undefined, has = false; else res = Call(m, iter), has = true. (IteratorClose without the result check.)"),
            (DestructureNext, "destructure_next", None, 3, 4,
                "iter next done → iter next done' value; if done: value = undefined; else res = Call(next, iter), TypeError if not an Object, if IteratorComplete(res): done' = true, value = undefined, else value = IteratorValue(res). If any step throws, first set `done` (third from top before the op) to true."),
            (DestructureRest, "destructure_rest", None, 3, 4,
                "iter next done → iter next true array; the remaining values (none if done) in a new Array; sets done as destructure_next on throw."),
            (ForInStart, "for_in_start", None, 1, 1, "obj → enum; EnumerateObjectProperties(ToObject(obj)); null/undefined give an empty enumeration."),
            (ForInNext, "for_in_next", None, 1, 2, "enum → key done; next enumerable string key not deleted so far; done = true (key undefined) at the end."),
            (DelegateCall, "delegate_call", None, 4, 4,
                "iter next v k → iter next k' res; yield* step (spec #sec-generator-function-definitions-runtime-semantics-evaluation, 7.a-c). k = 0: res = Call(next, iter, [v]). k = 2 (throw): m = GetMethod(iter, \"throw\"); if undefined: close iter (IteratorClose, or AsyncIteratorClose awaiting inside the VM) then TypeError; else res = Call(m, iter, [v]). k = 1 (return): m = GetMethod(iter, \"return\"); if undefined: res = v, k' = 3; else res = Call(m, iter, [v]). k' = k otherwise."),
            (DelegateResult, "delegate_result", None, 1, 2,
                "k res → k res done (k is below res): if k == 3: done = true; else TypeError if res not an Object, done = ToBoolean(res.done)."),
            (DelegateValue, "delegate_value", None, 4, 2,
                "iter next k res → value is_return; value = res if k == 3 else IteratorValue(res); is_return = (k == 1 || k == 3)."),
            (DelegateYield, "delegate_yield", None, 4, 4,
                "iter next k res → iter next v k; suspension point. Sync generators yield res itself (not rewrapped); async generators yield IteratorValue(res) (AsyncGeneratorYield). On resumption pushes v = the sent value and k = 0 next / 1 return / 2 throw (async generators await v on return, turning a rejection into k = 2)."),

            // ---------------------------------------------------------------- generators, async
            (InitialYield, "initial_yield", None, 0, 0,
                "Generator/async generator prologue end: suspends; the generator object is created and returned to the caller. Execution resumes here at the first next()/return()/throw() (return/throw on a suspended-start generator complete it without running code)."),
            (Yield, "yield", None, 1, 2,
                "v → received is_return; suspends yielding v (async generators: Await(v) first, as AsyncGeneratorYield). Resumed by next(x): x false; return(x): x true (async generators Await(x) first); throw(x): throws x at this instruction."),
            (Await, "await", None, 1, 1, "v → result; Await(v): suspends; resumes with the fulfilled value or throws the rejection at this instruction."),

            // ---------------------------------------------------------------- using (vm/dispose.rs)
            (DisposeNew, "dispose_new", None, 0, 1,
                "→ cap; a new empty DisposeCapability (an internal object that never reaches JS) for a scope with `using` declarations."),
            (DisposeAdd, "dispose_add", U8, 2, 1,
                "v cap → v; AddDisposableResource(cap, v, u8 = 0 sync-dispose / 1 async-dispose) (spec #sec-adddisposableresource): TypeError if v is not null/undefined and not an Object with a callable @@dispose (async: @@asyncDispose or @@dispose)."),
            (DisposeError, "dispose_error", None, 2, 0,
                "e cap → ; records the throw completion e in cap (a recorded error r becomes SuppressedError(e, r))."),
            (DisposeStep, "dispose_step", None, 1, 2,
                "cap → v await; runs DisposeResources (spec #sec-disposeresources) until it must Await: then await = true and v is the value to Await; otherwise v = undefined, await = false (every resource disposed). Errors of dispose methods are recorded in cap."),
            (DisposeEnd, "dispose_end", None, 1, 0,
                "cap → ; finishes DisposeResources: disposes the remaining (sync-dispose) resources, then throws the recorded completion, if any."),
        }
    };
}

macro_rules! count_effect {
    ($lit:literal, $n:expr) => {
        $lit
    };
    (($v:ident => $e:expr), $n:expr) => {{
        let $v: u32 = $n;
        $e
    }};
}

macro_rules! define_ops {
    ($(($name:ident, $text:literal, $fmt:ident, $pops:tt, $pushes:tt, $doc:literal)),* $(,)?) => {
        /// One bytecode instruction kind. See [`for_each_op!`] for each one's contract.
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub enum Op {
            $(#[doc = $doc] $name,)*
        }

        /// Every opcode in declaration order (index = opcode byte).
        pub static ALL_OPS: &[Op] = &[$(Op::$name,)*];

        impl Op {
            /// The disassembly name.
            pub const fn name(self) -> &'static str {
                match self { $(Op::$name => $text,)* }
            }
            /// The documented contract (what the VM must do).
            pub const fn doc(self) -> &'static str {
                match self { $(Op::$name => $doc,)* }
            }
            /// Operand layout.
            pub const fn format(self) -> Format {
                match self { $(Op::$name => Format::$fmt,)* }
            }
            /// `(pops, pushes)` on the fall-through path, given the first operand.
            pub fn stack_effect(self, first_operand: u32) -> (u32, u32) {
                let _ = first_operand;
                match self {
                    $(Op::$name => (
                        count_effect!($pops, first_operand),
                        count_effect!($pushes, first_operand),
                    ),)*
                }
            }
            /// Decodes an opcode byte.
            pub fn from_u8(b: u8) -> Option<Op> {
                ALL_OPS.get(b as usize).copied()
            }
            /// Total encoded size of the instruction (opcode byte plus operands).
            pub const fn size(self) -> usize {
                1 + self.format().size()
            }
        }
    };
}

for_each_op!(define_ops);

// The opcode must fit one byte.
const _: () = assert!(ALL_OPS.len() <= 256);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opcode_bytes_round_trip() {
        for (i, &op) in ALL_OPS.iter().enumerate() {
            assert_eq!(op as usize, i);
            assert_eq!(Op::from_u8(i as u8), Some(op));
            assert!(!op.doc().is_empty());
        }
        assert_eq!(Op::Call.stack_effect(3), (5, 1));
        assert_eq!(Op::Add.stack_effect(0), (2, 1));
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<&str> = ALL_OPS.iter().map(|o| o.name()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
    }
}
