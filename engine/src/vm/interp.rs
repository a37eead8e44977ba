//! The interpreter loop: `loop { match op { ... } }` over the running frame, with pc and the
//! frame in locals. JS→JS calls push the caller on a local frame stack and continue the same
//! loop; returns pop it. Only int32 fast paths and plain slot moves are inline; everything
//! that can throw, allocate or run user code is a cold function in [`super::ops`].
//!
//! Exceptions: an op that fails leaves the exception in `cx.exception`; the handler table of
//! the frame is searched for the failing op's pc (innermost first); without a handler the
//! frame completes abruptly and the caller continues the search at its call site. An
//! uncatchable interrupt skips every handler.
//!
//! Invariant: `cx.vm.frame_depth` and `cx.vm.trace` have one entry per live running frame of
//! every interpreter invocation; they are restored on every exit path of [`run`].

use super::frame::Frame;
use super::ops::{self, CallStep};
use super::{cell_get, cell_set, new_cell, state::TraceEntry};
use crate::bytecode::{Constant, Op, SpecialObject, ThrowKind};
use crate::object::PropValue;
use crate::realm::{Cx, JsResult, Throw};
use crate::value::ops::{BinOp, RelOp};
use crate::value::{strict_equals, Value};

/// How to start the entry frame of [`run`].
pub enum Resume {
    /// Continue at `frame.pc` (a new call, or a resumption whose values were pushed).
    Start,
    /// Throw `cx.exception` at the instruction before `frame.pc` (generator `throw()`,
    /// rejected await).
    Throw(Throw),
}

#[inline(always)]
fn rd_u8(code: &[u8], pc: usize) -> u8 {
    code.get(pc).copied().unwrap_or(0)
}
#[inline(always)]
fn rd_u16(code: &[u8], pc: usize) -> usize {
    match code.get(pc..pc + 2) {
        Some(&[a, b]) => u16::from_le_bytes([a, b]) as usize,
        _ => 0,
    }
}
#[inline(always)]
fn rd_u32(code: &[u8], pc: usize) -> u32 {
    match code.get(pc..pc + 4) {
        Some(&[a, b, c, d]) => u32::from_le_bytes([a, b, c, d]),
        _ => 0,
    }
}
#[inline(always)]
fn rd_i32(code: &[u8], pc: usize) -> i32 {
    rd_u32(code, pc) as i32
}
#[inline(always)]
fn jump(op_pc: usize, rel: i32) -> usize {
    (op_pc as i64 + rel as i64).max(0) as usize
}

/// Pushes a frame's bookkeeping (depth and trace entry); fails past the frame limit.
pub(crate) fn enter_frame(cx: &mut Cx, f: &Frame) -> JsResult<()> {
    if cx.vm.frame_depth >= cx.vm.max_frames {
        return Err(cx.throw_stack_overflow());
    }
    cx.vm.frame_depth += 1;
    cx.vm.trace.push(TraceEntry {
        bc: f.bc.clone(),
        pc: f.pc as u32,
    });
    Ok(())
}

pub(crate) fn leave_frame(cx: &mut Cx) {
    cx.vm.frame_depth = cx.vm.frame_depth.saturating_sub(1);
    cx.vm.trace.pop();
}

/// Runs `entry` (and every frame it calls) until it returns or suspends; the result is
/// what its caller receives (see [`ops::finish_frame`] and [`ops::suspend`]).
pub fn run(cx: &mut Cx, entry: Box<Frame>, resume: Resume) -> JsResult<Value> {
    // Frames switch the current realm to theirs; the caller's realm comes back on exit.
    let caller_realm = cx.realm_id();
    let r = run_frames(cx, entry, resume, caller_realm);
    cx.enter_realm(caller_realm);
    r
}

fn run_frames(
    cx: &mut Cx,
    entry: Box<Frame>,
    resume: Resume,
    caller_realm: crate::realm::RealmId,
) -> JsResult<Value> {
    enter_frame(cx, &entry)?;
    let mut callers: Vec<Box<Frame>> = Vec::new();
    let mut cur = entry;
    // pc of the instruction that threw into the frame about to run, if any.
    let mut pending: Option<(usize, Throw)> = match resume {
        Resume::Start => None,
        Resume::Throw(t) => Some((cur.pc.saturating_sub(1), t)),
    };
    'frame: loop {
        if cur.realm != cx.realm_id() {
            cx.enter_realm(cur.realm);
        }
        let bc = cur.bc.clone();
        let code: &[u8] = &bc.code;
        let mut pc = cur.pc;
        let loc = cur.loc_base();
        'insn: loop {
            let (err_pc, thrown): (usize, Throw) = if let Some(p) = pending.take() {
                p
            } else {
                let op_pc = pc;
                let t: Throw = 'exec: {
                    macro_rules! tri {
                        ($e:expr) => {
                            match $e {
                                Ok(v) => v,
                                Err(t) => break 'exec t,
                            }
                        };
                    }
                    macro_rules! pop {
                        () => {
                            cur.r.pop().unwrap_or_default()
                        };
                    }
                    macro_rules! push {
                        ($v:expr) => {{
                            let v = $v;
                            cur.r.push(v)
                        }};
                    }
                    macro_rules! top {
                        () => {
                            match cur.r.last_mut() {
                                Some(v) => v,
                                None => break 'exec ops::bad_bytecode(cx),
                            }
                        };
                    }
                    macro_rules! sync {
                        () => {
                            if let Some(t) = cx.vm.trace.last_mut() {
                                t.pc = op_pc as u32;
                            }
                        };
                    }
                    let Some(op) = code.get(pc).and_then(|&b| Op::from_u8(b)) else {
                        break 'exec ops::bad_bytecode(cx);
                    };
                    pc += op.size();
                    let a = op_pc + 1;
                    match op {
                        // ------------------------------------------------ constants
                        Op::Nop | Op::Debugger => {}
                        Op::PushUndefined => push!(Value::Undefined),
                        Op::PushNull => push!(Value::Null),
                        Op::PushTrue => push!(Value::Bool(true)),
                        Op::PushFalse => push!(Value::Bool(false)),
                        Op::PushI32 => push!(Value::Int(rd_i32(code, a))),
                        Op::PushConst => {
                            let v = match bc.constants.get(rd_u32(code, a) as usize) {
                                Some(Constant::Number(n)) => Value::number(*n),
                                Some(c) => tri!(ops::constant_value(cx, c)),
                                None => break 'exec ops::bad_bytecode(cx),
                            };
                            push!(v)
                        }
                        Op::PushAtom => {
                            let s =
                                tri!(cx
                                    .atom_to_string(crate::atoms::Atom::from_raw(rd_u32(code, a))));
                            push!(Value::String(s))
                        }
                        Op::PushThis => push!(cur.this.clone()),
                        Op::SpecialObject => {
                            let k = SpecialObject::from_u8(rd_u8(code, a));
                            let v = tri!(ops::special_object(cx, &mut cur, k));
                            push!(v)
                        }
                        Op::Rest => {
                            let n = rd_u16(code, a);
                            let v = tri!(ops::rest(cx, &cur, n));
                            push!(v)
                        }
                        Op::FClosure => {
                            let v = tri!(ops::fclosure(cx, &cur, rd_u32(code, a)));
                            push!(v)
                        }
                        Op::RegExp => {
                            sync!();
                            let v = tri!(ops::regexp(cx, &bc, rd_u32(code, a)));
                            push!(v)
                        }
                        Op::TemplateObject => {
                            let v = tri!(ops::template_object(cx, &bc, rd_u32(code, a)));
                            push!(v)
                        }
                        Op::Object => {
                            let v = tri!(crate::object::ops::new_object(cx));
                            push!(Value::Object(v))
                        }
                        Op::ArrayFrom => {
                            let n = rd_u16(code, a);
                            let at = cur.r.len().saturating_sub(n);
                            let items = cur.r.split_off(at);
                            let arr = tri!(crate::object::ops::create_array_from_list(cx, &items));
                            push!(Value::Object(arr))
                        }
                        Op::PrivateSymbol => {
                            let atom = crate::atoms::Atom::from_raw(rd_u32(code, a));
                            let v = ops::private_symbol(cx, atom);
                            push!(v)
                        }

                        // ------------------------------------------------ stack
                        Op::Drop => {
                            cur.r.pop();
                        }
                        Op::Nip => {
                            let b = pop!();
                            *top!() = b;
                        }
                        Op::Nip1 => {
                            let c = pop!();
                            let b = pop!();
                            *top!() = b;
                            push!(c)
                        }
                        Op::Dup => {
                            let v = top!().clone();
                            push!(v)
                        }
                        Op::Dup1 => {
                            // a b → a a b
                            let b = pop!();
                            let a = top!().clone();
                            push!(a);
                            push!(b)
                        }
                        Op::Dup2 => {
                            let n = cur.r.len();
                            if n < 2 {
                                break 'exec ops::bad_bytecode(cx);
                            }
                            let a = cur.r[n - 2].clone();
                            let b = cur.r[n - 1].clone();
                            push!(a);
                            push!(b)
                        }
                        Op::Dup3 => {
                            let n = cur.r.len();
                            if n < 3 {
                                break 'exec ops::bad_bytecode(cx);
                            }
                            for i in 0..3 {
                                let v = cur.r[n - 3 + i].clone();
                                push!(v)
                            }
                        }
                        Op::Insert2 => {
                            // a b → b a b
                            let b = pop!();
                            let a = pop!();
                            push!(b.clone());
                            push!(a);
                            push!(b)
                        }
                        Op::Insert3 => {
                            let c = pop!();
                            let b = pop!();
                            let a0 = pop!();
                            push!(c.clone());
                            push!(a0);
                            push!(b);
                            push!(c)
                        }
                        Op::Insert4 => {
                            let d = pop!();
                            let c = pop!();
                            let b = pop!();
                            let a0 = pop!();
                            push!(d.clone());
                            push!(a0);
                            push!(b);
                            push!(c);
                            push!(d)
                        }
                        Op::Swap => {
                            let n = cur.r.len();
                            if n < 2 {
                                break 'exec ops::bad_bytecode(cx);
                            }
                            cur.r.swap(n - 1, n - 2);
                        }
                        Op::Swap2 => {
                            let n = cur.r.len();
                            if n < 4 {
                                break 'exec ops::bad_bytecode(cx);
                            }
                            cur.r.swap(n - 4, n - 2);
                            cur.r.swap(n - 3, n - 1);
                        }
                        Op::Rot3L => {
                            let n = cur.r.len();
                            if n < 3 {
                                break 'exec ops::bad_bytecode(cx);
                            }
                            cur.r[n - 3..].rotate_left(1);
                        }
                        Op::Rot3R => {
                            let n = cur.r.len();
                            if n < 3 {
                                break 'exec ops::bad_bytecode(cx);
                            }
                            cur.r[n - 3..].rotate_right(1);
                        }
                        Op::Rot4L => {
                            let n = cur.r.len();
                            if n < 4 {
                                break 'exec ops::bad_bytecode(cx);
                            }
                            cur.r[n - 4..].rotate_left(1);
                        }
                        Op::Rot5L => {
                            let n = cur.r.len();
                            if n < 5 {
                                break 'exec ops::bad_bytecode(cx);
                            }
                            cur.r[n - 5..].rotate_left(1);
                        }

                        // ------------------------------------------------ locals and args
                        Op::GetLoc => {
                            let v = cur
                                .r
                                .get(loc + rd_u16(code, a))
                                .cloned()
                                .unwrap_or_default();
                            push!(v)
                        }
                        Op::PutLoc => {
                            let v = pop!();
                            if let Some(s) = cur.r.get_mut(loc + rd_u16(code, a)) {
                                *s = v;
                            }
                        }
                        Op::SetLoc => {
                            let v = top!().clone();
                            if let Some(s) = cur.r.get_mut(loc + rd_u16(code, a)) {
                                *s = v;
                            }
                        }
                        Op::GetLocCheck => {
                            let n = rd_u16(code, a);
                            let v = cur.r.get(loc + n).cloned().unwrap_or_default();
                            if let Value::Uninitialized = v {
                                break 'exec ops::throw_uninit(cx, &bc, n, false);
                            }
                            push!(v)
                        }
                        Op::PutLocCheck => {
                            let n = rd_u16(code, a);
                            let v = pop!();
                            match cur.r.get_mut(loc + n) {
                                Some(Value::Uninitialized) => {
                                    break 'exec ops::throw_uninit(cx, &bc, n, false)
                                }
                                Some(s) => *s = v,
                                None => {}
                            }
                        }
                        Op::PutLocCheckInit => {
                            let n = rd_u16(code, a);
                            let v = pop!();
                            match cur.r.get_mut(loc + n) {
                                Some(s @ Value::Uninitialized) => *s = v,
                                _ => break 'exec ops::throw_already_init(cx),
                            }
                        }
                        Op::SetLocUninit => {
                            if let Some(s) = cur.r.get_mut(loc + rd_u16(code, a)) {
                                *s = Value::Uninitialized;
                            }
                        }
                        Op::GetArg => {
                            let v = cur.r.get(rd_u16(code, a)).cloned().unwrap_or_default();
                            push!(v)
                        }
                        Op::PutArg => {
                            let v = pop!();
                            if let Some(s) = cur.r.get_mut(rd_u16(code, a)) {
                                *s = v;
                            }
                        }
                        Op::SetArg => {
                            let v = top!().clone();
                            if let Some(s) = cur.r.get_mut(rd_u16(code, a)) {
                                *s = v;
                            }
                        }

                        // ------------------------------------------------ cells
                        Op::NewCell => {
                            let n = rd_u16(code, a);
                            let c = tri!(new_cell(cx, Value::Uninitialized));
                            ops::set_local_cell(&mut cur, n, c);
                        }
                        Op::CopyCell => {
                            let n = rd_u16(code, a);
                            let v = cur.cells.get(n).and_then(|c| c.as_ref()).map(cell_get);
                            let c = tri!(new_cell(cx, v.unwrap_or_default()));
                            ops::set_local_cell(&mut cur, n, c);
                        }
                        Op::GetCell | Op::GetCellCheck => {
                            let n = rd_u16(code, a);
                            let v = match cur.cells.get(n).and_then(|c| c.as_ref()) {
                                Some(c) => cell_get(c),
                                None => Value::Uninitialized,
                            };
                            if let Value::Uninitialized = v {
                                if op == Op::GetCellCheck {
                                    break 'exec ops::throw_uninit(cx, &bc, n, false);
                                }
                                push!(Value::Undefined)
                            } else {
                                push!(v)
                            }
                        }
                        Op::PutCell | Op::PutCellCheck | Op::PutCellCheckInit => {
                            let n = rd_u16(code, a);
                            let v = pop!();
                            let c = match cur.cells.get(n).and_then(|c| c.as_ref()) {
                                Some(c) => c.clone(),
                                None => {
                                    let c = tri!(new_cell(cx, Value::Uninitialized));
                                    ops::set_local_cell(&mut cur, n, c.clone());
                                    c
                                }
                            };
                            let uninit = matches!(*c.0.borrow(), Value::Uninitialized);
                            match op {
                                Op::PutCellCheck if uninit => {
                                    break 'exec ops::throw_uninit(cx, &bc, n, false)
                                }
                                Op::PutCellCheckInit if !uninit => {
                                    break 'exec ops::throw_already_init(cx)
                                }
                                _ => cell_set(&c, v),
                            }
                        }
                        Op::SetCellUninit => {
                            let n = rd_u16(code, a);
                            if let Some(Some(c)) = cur.cells.get(n) {
                                cell_set(c, Value::Uninitialized);
                            }
                        }

                        // ------------------------------------------------ closure variables
                        Op::GetRef | Op::GetRefCheck => {
                            let n = rd_u16(code, a);
                            let v = match cur.refs.get(n) {
                                Some(c) => cell_get(c),
                                None => break 'exec ops::bad_bytecode(cx),
                            };
                            if let Value::Uninitialized = v {
                                if op == Op::GetRefCheck {
                                    break 'exec ops::throw_uninit(cx, &bc, n, true);
                                }
                                push!(Value::Undefined)
                            } else {
                                push!(v)
                            }
                        }
                        Op::PutRef | Op::PutRefCheck | Op::PutRefCheckInit => {
                            let n = rd_u16(code, a);
                            let v = pop!();
                            let Some(c) = cur.refs.get(n) else {
                                break 'exec ops::bad_bytecode(cx);
                            };
                            let uninit = matches!(*c.0.borrow(), Value::Uninitialized);
                            match op {
                                Op::PutRefCheck if uninit => {
                                    break 'exec ops::throw_uninit(cx, &bc, n, true)
                                }
                                Op::PutRefCheckInit if !uninit => {
                                    break 'exec ops::throw_already_init(cx)
                                }
                                _ => cell_set(c, v),
                            }
                        }

                        // ------------------------------------------------ global / by name
                        Op::GetVar | Op::GetVarUndef => {
                            sync!();
                            let atom = crate::atoms::Atom::from_raw(rd_u32(code, a));
                            let v = tri!(ops::get_var(cx, atom, op == Op::GetVarUndef));
                            push!(v)
                        }
                        Op::PutVar => {
                            sync!();
                            let atom = crate::atoms::Atom::from_raw(rd_u32(code, a));
                            let v = pop!();
                            tri!(ops::put_var(cx, atom, v, bc.is_strict()));
                        }
                        Op::PutVarInit => {
                            let atom = crate::atoms::Atom::from_raw(rd_u32(code, a));
                            let v = pop!();
                            tri!(ops::put_var_init(cx, atom, v));
                        }
                        Op::DeleteVar => {
                            let atom = crate::atoms::Atom::from_raw(rd_u32(code, a));
                            let v = tri!(ops::delete_var(cx, atom));
                            push!(Value::Bool(v))
                        }
                        Op::CheckGlobalLex | Op::CheckGlobalVar | Op::CheckGlobalFunc => {
                            let atom = crate::atoms::Atom::from_raw(rd_u32(code, a));
                            tri!(ops::check_global(cx, op, atom));
                        }
                        Op::DeclareGlobalVar => {
                            let atom = crate::atoms::Atom::from_raw(rd_u32(code, a));
                            let d = rd_u8(code, a + 4) & 1 != 0;
                            tri!(ops::declare_global_var(cx, atom, d));
                        }
                        Op::DeclareGlobalFunc => {
                            let atom = crate::atoms::Atom::from_raw(rd_u32(code, a));
                            let d = rd_u8(code, a + 4) & 1 != 0;
                            let f = pop!();
                            tri!(ops::declare_global_func(cx, atom, f, d));
                        }
                        Op::DeclareGlobalLex => {
                            let atom = crate::atoms::Atom::from_raw(rd_u32(code, a));
                            let is_const = rd_u8(code, a + 4) & 1 != 0;
                            tri!(ops::declare_global_lex(cx, atom, is_const));
                        }

                        // ------------------------------------------------ dynamic scopes
                        Op::WithGetVar
                        | Op::WithGetRef
                        | Op::WithDeleteVar
                        | Op::WithPutVar
                        | Op::WithResolve => {
                            sync!();
                            let atom = crate::atoms::Atom::from_raw(rd_u32(code, a));
                            let target = jump(op_pc, rd_i32(code, a + 4));
                            let flags = rd_u8(code, a + 8);
                            let is_with = flags & 1 != 0;
                            let obj = pop!();
                            if flags & 2 != 0 {
                                // A base resolved earlier (with_resolve).
                                if obj.is_object() {
                                    let r = if op == Op::WithGetVar {
                                        ops::resolved_get(cx, &obj, atom, bc.is_strict())
                                    } else {
                                        let v = pop!();
                                        ops::resolved_put(cx, &obj, atom, v, bc.is_strict())
                                    };
                                    if let Some(v) = tri!(r) {
                                        push!(v);
                                    }
                                    pc = target;
                                }
                                continue 'insn;
                            }
                            let found = tri!(ops::with_has(cx, &obj, atom, is_with));
                            if found {
                                match op {
                                    Op::WithResolve => push!(obj),
                                    // GetBindingValue re-checks HasProperty on a `with` object.
                                    Op::WithGetVar if is_with => {
                                        let r = ops::resolved_get(cx, &obj, atom, bc.is_strict());
                                        push!(tri!(r).unwrap_or_default())
                                    }
                                    Op::WithGetVar => {
                                        let v = tri!(ops::get_value_field(cx, &obj, atom));
                                        push!(v)
                                    }
                                    Op::WithGetRef => {
                                        let v = if is_with {
                                            let r =
                                                ops::resolved_get(cx, &obj, atom, bc.is_strict());
                                            tri!(r).unwrap_or_default()
                                        } else {
                                            tri!(ops::get_value_field(cx, &obj, atom))
                                        };
                                        push!(if is_with { obj } else { Value::Undefined });
                                        push!(v)
                                    }
                                    Op::WithDeleteVar => {
                                        let v = tri!(ops::delete_field(cx, &obj, atom, false));
                                        push!(Value::Bool(v))
                                    }
                                    _ => {
                                        let v = pop!();
                                        tri!(ops::put_value_field(
                                            cx,
                                            &obj,
                                            atom,
                                            v,
                                            bc.is_strict()
                                        ));
                                    }
                                }
                                pc = target;
                            }
                        }
                        Op::DeclareVarObj => {
                            let atom = crate::atoms::Atom::from_raw(rd_u32(code, a));
                            let obj = pop!();
                            tri!(ops::declare_var_obj(cx, &obj, atom, None));
                        }
                        Op::DeclareVarObjFunc => {
                            let atom = crate::atoms::Atom::from_raw(rd_u32(code, a));
                            let f = pop!();
                            let obj = pop!();
                            tri!(ops::declare_var_obj(cx, &obj, atom, Some(f)));
                        }
                        Op::CheckVarObj => {
                            cur.r.pop();
                        }

                        // ------------------------------------------------ properties
                        Op::GetField | Op::GetField2 => {
                            let atom = crate::atoms::Atom::from_raw(rd_u32(code, a));
                            let obj = if op == Op::GetField {
                                pop!()
                            } else {
                                top!().clone()
                            };
                            let fast = match &obj {
                                Value::Object(o) => {
                                    let b = o.borrow();
                                    match b.find(atom).and_then(|p| b.read(p)) {
                                        Some((PropValue::Data(v), _)) => Some(v),
                                        _ => None,
                                    }
                                }
                                _ => None,
                            };
                            let v = match fast {
                                Some(v) => v,
                                None => {
                                    sync!();
                                    tri!(ops::get_value_field(cx, &obj, atom))
                                }
                            };
                            push!(v)
                        }
                        Op::PutField => {
                            sync!();
                            let atom = crate::atoms::Atom::from_raw(rd_u32(code, a));
                            let v = pop!();
                            let obj = pop!();
                            tri!(ops::put_value_field(cx, &obj, atom, v, bc.is_strict()));
                        }
                        Op::GetArrayEl | Op::GetArrayEl2 => {
                            sync!();
                            let key = pop!();
                            let obj = if op == Op::GetArrayEl {
                                pop!()
                            } else {
                                top!().clone()
                            };
                            let fast = match (&obj, &key) {
                                (Value::Object(o), Value::Int(i)) if *i >= 0 => {
                                    o.borrow().elements().get(*i as usize).cloned()
                                }
                                _ => None,
                            };
                            let v = match fast {
                                Some(v) => v,
                                None => tri!(ops::get_array_el(cx, &obj, &key)),
                            };
                            push!(v)
                        }
                        Op::PutArrayEl => {
                            sync!();
                            let v = pop!();
                            let key = pop!();
                            let obj = pop!();
                            tri!(ops::put_array_el(cx, &obj, &key, v, bc.is_strict()));
                        }
                        Op::GetPrivateField => {
                            sync!();
                            let sym = pop!();
                            let obj = pop!();
                            let v = tri!(ops::private_get(cx, &obj, &sym));
                            push!(v)
                        }
                        Op::PutPrivateField => {
                            sync!();
                            let sym = pop!();
                            let v = pop!();
                            let obj = pop!();
                            tri!(ops::private_set(cx, &obj, &sym, v));
                        }
                        Op::DefinePrivateField => {
                            sync!();
                            let v = pop!();
                            let sym = pop!();
                            let obj = top!().clone();
                            tri!(ops::private_define(cx, &obj, &sym, v));
                        }
                        Op::AddBrand => {
                            let brand = pop!();
                            let obj = pop!();
                            tri!(ops::private_define(cx, &obj, &brand, Value::Undefined));
                        }
                        Op::CheckBrand => {
                            sync!();
                            let brand = pop!();
                            let obj = top!().clone();
                            tri!(ops::check_brand(cx, &obj, &brand));
                        }
                        Op::PrivateIn => {
                            let sym = pop!();
                            let obj = pop!();
                            let v = tri!(ops::private_in(cx, &obj, &sym));
                            push!(Value::Bool(v))
                        }
                        Op::GetSuper => {
                            let home = pop!();
                            let v = tri!(ops::get_super(cx, &home));
                            push!(v)
                        }
                        Op::GetSuperValue => {
                            sync!();
                            let key = pop!();
                            let proto = pop!();
                            let this = pop!();
                            let v = tri!(ops::get_super_value(cx, &this, &proto, &key));
                            push!(v)
                        }
                        Op::PutSuperValue => {
                            sync!();
                            let v = pop!();
                            let key = pop!();
                            let proto = pop!();
                            let this = pop!();
                            let strict = bc.is_strict();
                            tri!(ops::put_super_value(cx, &this, &proto, &key, v, strict));
                        }
                        Op::Delete => {
                            sync!();
                            let key = pop!();
                            let obj = pop!();
                            let v = tri!(ops::delete_el(cx, &obj, &key, bc.is_strict()));
                            push!(Value::Bool(v))
                        }
                        Op::In => {
                            sync!();
                            let obj = pop!();
                            let key = pop!();
                            let v = tri!(crate::value::ops::has_property_op(cx, &key, &obj));
                            push!(Value::Bool(v))
                        }
                        Op::Instanceof => {
                            sync!();
                            let target = pop!();
                            let v0 = pop!();
                            let v = tri!(crate::value::ops::instance_of(cx, &v0, &target));
                            push!(Value::Bool(v))
                        }

                        // ------------------------------------------------ literals
                        Op::DefineField => {
                            let atom = crate::atoms::Atom::from_raw(rd_u32(code, a));
                            let v = pop!();
                            let obj = top!().clone();
                            tri!(ops::define_field(cx, &obj, atom, v));
                        }
                        Op::DefineArrayEl => {
                            let v = pop!();
                            let key = pop!();
                            let obj = top!().clone();
                            let k = tri!(crate::value::conv::to_property_key(cx, &key));
                            tri!(ops::define_field(cx, &obj, k, v));
                        }
                        Op::DefineMethod => {
                            let atom = crate::atoms::Atom::from_raw(rd_u32(code, a));
                            let flags = rd_u8(code, a + 4);
                            let f = pop!();
                            let obj = top!().clone();
                            tri!(ops::define_method(cx, &obj, atom, f, flags, false));
                        }
                        Op::DefineMethodComputed => {
                            let flags = rd_u8(code, a);
                            let f = pop!();
                            let key = pop!();
                            let obj = top!().clone();
                            let k = tri!(crate::value::conv::to_property_key(cx, &key));
                            tri!(ops::define_method(cx, &obj, k, f, flags, true));
                        }
                        Op::SetName => {
                            let atom = crate::atoms::Atom::from_raw(rd_u32(code, a));
                            let f = top!().clone();
                            tri!(ops::set_function_name(cx, &f, atom, None, false));
                        }
                        Op::SetNameComputed => {
                            let f = pop!();
                            let key = top!().clone();
                            let k = tri!(crate::value::conv::to_property_key(cx, &key));
                            tri!(ops::set_function_name(cx, &f, k, None, false));
                            push!(f)
                        }
                        Op::SetHomeObject => {
                            let f = pop!();
                            let home = top!().clone();
                            ops::set_home_object(&f, &home);
                            push!(f)
                        }
                        Op::SetProto => {
                            let proto = pop!();
                            let obj = top!().clone();
                            tri!(ops::set_proto(cx, &obj, &proto));
                        }
                        Op::CopyDataProperties => {
                            sync!();
                            let n = rd_u16(code, a);
                            let at = cur.r.len().saturating_sub(n);
                            let keys = cur.r.split_off(at);
                            let source = pop!();
                            let target = top!().clone();
                            tri!(ops::copy_data_properties(cx, &target, &source, &keys));
                        }
                        Op::ArrayPush => {
                            let v = pop!();
                            let arr = top!().clone();
                            tri!(ops::array_push(cx, &arr, v));
                        }
                        Op::ArrayHole => {
                            let arr = top!().clone();
                            tri!(ops::array_hole(cx, &arr));
                        }
                        Op::ArraySpread => {
                            sync!();
                            let it = pop!();
                            let arr = top!().clone();
                            tri!(ops::array_spread(cx, &arr, &it));
                        }
                        Op::ToPropKey => {
                            let v = pop!();
                            let k = tri!(ops::to_prop_key_value(cx, &v));
                            push!(k)
                        }
                        Op::ToObject => {
                            let v = pop!();
                            let o = tri!(crate::value::conv::to_object(cx, &v));
                            push!(Value::Object(o))
                        }
                        Op::CheckObjectCoercible => {
                            if top!().is_nullish() {
                                break 'exec cx.throw_type_error(
                                    "Cannot convert undefined or null to object",
                                );
                            }
                        }
                        Op::ToString => {
                            let v = pop!();
                            let s = match v {
                                Value::String(s) => s,
                                v => tri!(crate::value::conv::to_string(cx, &v)),
                            };
                            push!(Value::String(s))
                        }
                        Op::ToNumeric => {
                            let v = pop!();
                            let n = if v.is_number() {
                                v
                            } else {
                                tri!(crate::value::conv::to_numeric(cx, &v))
                            };
                            push!(n)
                        }

                        // ------------------------------------------------ classes
                        Op::DefineClass => {
                            sync!();
                            let atom = crate::atoms::Atom::from_raw(rd_u32(code, a));
                            let has_heritage = rd_u8(code, a + 4) & 1 != 0;
                            let ctor = pop!();
                            let heritage = pop!();
                            let proto =
                                tri!(ops::define_class(cx, &ctor, &heritage, has_heritage, atom));
                            push!(ctor);
                            push!(proto)
                        }
                        Op::SetFieldsInit => {
                            let init = pop!();
                            let ctor = top!().clone();
                            ops::set_fields_init(&ctor, init);
                        }
                        Op::RunFieldsInit => {
                            sync!();
                            let ctor = pop!();
                            let obj = pop!();
                            tri!(ops::run_fields_init(cx, &obj, &ctor));
                        }
                        Op::GetSuperCtor => {
                            let f = pop!();
                            let v = tri!(ops::get_super(cx, &f));
                            push!(v)
                        }
                        Op::CheckCtorReturn => {
                            let this = pop!();
                            let v = pop!();
                            // [[Construct]] checks the result after the caller's context is
                            // restored: its errors belong to the caller's realm.
                            let back = callers.last().map_or(caller_realm, |c| c.realm);
                            let r = tri!(ops::check_ctor_return(cx, v, this, back));
                            push!(r)
                        }

                        // ------------------------------------------------ operators
                        Op::Add => {
                            let b = pop!();
                            let a0 = top!();
                            if let (Value::Int(x), Value::Int(y)) = (&*a0, &b) {
                                if let Some(r) = x.checked_add(*y) {
                                    *a0 = Value::Int(r);
                                    continue 'insn;
                                }
                            }
                            let a0 = a0.clone();
                            sync!();
                            let r = tri!(crate::value::ops::add(cx, &a0, &b));
                            *top!() = r;
                        }
                        Op::Sub
                        | Op::Mul
                        | Op::Div
                        | Op::Mod
                        | Op::Pow
                        | Op::Shl
                        | Op::Sar
                        | Op::Shr
                        | Op::BitAnd
                        | Op::BitOr
                        | Op::BitXor => {
                            let b = pop!();
                            let a0 = pop!();
                            if let (Value::Int(x), Value::Int(y)) = (&a0, &b) {
                                let r = match op {
                                    Op::Sub => x.checked_sub(*y).map(Value::Int),
                                    Op::Mul => match x.checked_mul(*y) {
                                        Some(0) if *x < 0 || *y < 0 => None,
                                        r => r.map(Value::Int),
                                    },
                                    Op::BitAnd => Some(Value::Int(x & y)),
                                    Op::BitOr => Some(Value::Int(x | y)),
                                    Op::BitXor => Some(Value::Int(x ^ y)),
                                    Op::Shl => Some(Value::Int(x.wrapping_shl(*y as u32 & 31))),
                                    Op::Sar => Some(Value::Int(x >> (*y as u32 & 31))),
                                    _ => None,
                                };
                                if let Some(r) = r {
                                    push!(r);
                                    continue 'insn;
                                }
                            }
                            let bop = match op {
                                Op::Sub => BinOp::Sub,
                                Op::Mul => BinOp::Mul,
                                Op::Div => BinOp::Div,
                                Op::Mod => BinOp::Rem,
                                Op::Pow => BinOp::Exp,
                                Op::Shl => BinOp::Shl,
                                Op::Sar => BinOp::Sar,
                                Op::Shr => BinOp::Shr,
                                Op::BitAnd => BinOp::And,
                                Op::BitOr => BinOp::Or,
                                _ => BinOp::Xor,
                            };
                            sync!();
                            let r = tri!(crate::value::ops::binary(cx, bop, &a0, &b));
                            push!(r)
                        }
                        Op::Lt | Op::Lte | Op::Gt | Op::Gte => {
                            let b = pop!();
                            let a0 = pop!();
                            let rel = match op {
                                Op::Lt => RelOp::Lt,
                                Op::Lte => RelOp::Le,
                                Op::Gt => RelOp::Gt,
                                _ => RelOp::Ge,
                            };
                            sync!();
                            let r = tri!(crate::value::ops::compare(cx, rel, &a0, &b));
                            push!(Value::Bool(r))
                        }
                        Op::Eq | Op::Neq => {
                            let b = pop!();
                            let a0 = pop!();
                            sync!();
                            let r = tri!(crate::value::ops::loose_equals(cx, &a0, &b));
                            push!(Value::Bool(r == (op == Op::Eq)))
                        }
                        Op::StrictEq | Op::StrictNeq => {
                            let b = pop!();
                            let a0 = pop!();
                            let r = strict_equals(&a0, &b);
                            push!(Value::Bool(r == (op == Op::StrictEq)))
                        }
                        Op::Neg => {
                            let v = pop!();
                            let r = match v {
                                Value::Int(i) if i != 0 && i != i32::MIN => Value::Int(-i),
                                v => tri!(crate::value::ops::negate(cx, &v)),
                            };
                            push!(r)
                        }
                        Op::Plus => {
                            let v = pop!();
                            let r = if v.is_number() {
                                v
                            } else {
                                tri!(crate::value::ops::unary_plus(cx, &v))
                            };
                            push!(r)
                        }
                        Op::Not => {
                            let v = pop!();
                            push!(Value::Bool(!v.to_boolean()))
                        }
                        Op::BitNot => {
                            let v = pop!();
                            let r = match v {
                                Value::Int(i) => Value::Int(!i),
                                v => tri!(crate::value::ops::bitwise_not(cx, &v)),
                            };
                            push!(r)
                        }
                        Op::Typeof => {
                            let v = pop!();
                            let r = tri!(crate::value::ops::type_of(cx, &v));
                            push!(r)
                        }
                        Op::Inc | Op::Dec => {
                            let v = pop!();
                            let d = if op == Op::Inc { 1 } else { -1 };
                            let r = match v {
                                Value::Int(i) if i.checked_add(d).is_some() => Value::Int(i + d),
                                v => tri!(crate::value::ops::increment(cx, &v, d)),
                            };
                            push!(r)
                        }
                        Op::IsUndefined => {
                            let v = pop!();
                            push!(Value::Bool(v.is_undefined()))
                        }
                        Op::IsNullish => {
                            let v = pop!();
                            push!(Value::Bool(v.is_nullish()))
                        }

                        // ------------------------------------------------ control flow
                        Op::Goto => {
                            let t = jump(op_pc, rd_i32(code, a));
                            if t <= op_pc {
                                tri!(cx.poll_interrupt(1));
                            }
                            pc = t;
                        }
                        Op::IfTrue | Op::IfFalse => {
                            let v = pop!();
                            let b = match v {
                                Value::Bool(b) => b,
                                v => v.to_boolean(),
                            };
                            if b == (op == Op::IfTrue) {
                                let t = jump(op_pc, rd_i32(code, a));
                                if t <= op_pc {
                                    tri!(cx.poll_interrupt(1));
                                }
                                pc = t;
                            }
                        }
                        Op::Return | Op::ReturnUndef => {
                            let v = if op == Op::Return {
                                pop!()
                            } else {
                                Value::Undefined
                            };
                            cur.pc = pc;
                            let r = ops::finish_frame(cx, cur, Ok(v));
                            leave_frame(cx);
                            match callers.pop() {
                                None => return r,
                                Some(c) => {
                                    cur = c;
                                    match r {
                                        Ok(v) => cur.r.push(v),
                                        Err(t) => pending = Some((cur.pc.saturating_sub(1), t)),
                                    }
                                    continue 'frame;
                                }
                            }
                        }
                        Op::Throw => {
                            sync!();
                            let v = pop!();
                            break 'exec cx.throw(v);
                        }
                        Op::ThrowError => {
                            sync!();
                            let atom = crate::atoms::Atom::from_raw(rd_u32(code, a));
                            let k = ThrowKind::from_u8(rd_u8(code, a + 4));
                            break 'exec ops::throw_error(cx, atom, k);
                        }

                        // ------------------------------------------------ calls
                        Op::Call
                        | Op::CallEval
                        | Op::New
                        | Op::SuperCall
                        | Op::Apply
                        | Op::ApplyEval
                        | Op::ApplyNew
                        | Op::ApplySuper => {
                            sync!();
                            tri!(cx.poll_interrupt(1));
                            let step = tri!(ops::call_op(cx, &mut cur, op, code, a));
                            match step {
                                CallStep::Value(v) => push!(v),
                                CallStep::Frame(f) => {
                                    tri!(enter_frame(cx, &f));
                                    cur.pc = pc;
                                    callers.push(std::mem::replace(&mut cur, f));
                                    continue 'frame;
                                }
                            }
                        }
                        Op::ImportCall => {
                            sync!();
                            let opts = pop!();
                            let spec = pop!();
                            let v = tri!(ops::import_call(cx, &bc, &spec, &opts));
                            push!(v)
                        }

                        // ------------------------------------------------ using
                        Op::DisposeNew => {
                            sync!();
                            let cap = tri!(super::dispose::op_new(cx));
                            push!(cap)
                        }
                        Op::DisposeAdd => {
                            sync!();
                            let hint = rd_u8(code, a);
                            let cap = pop!();
                            let v = top!().clone();
                            tri!(super::dispose::op_add(cx, &cap, &v, hint));
                        }
                        Op::DisposeError => {
                            sync!();
                            let cap = pop!();
                            let e = pop!();
                            tri!(super::dispose::op_error(cx, &cap, e));
                        }
                        Op::DisposeStep => {
                            sync!();
                            let cap = pop!();
                            let (v, awaits) = tri!(super::dispose::op_step(cx, &cap));
                            push!(v);
                            push!(Value::Bool(awaits))
                        }
                        Op::DisposeEnd => {
                            sync!();
                            let cap = pop!();
                            tri!(super::dispose::op_end(cx, &cap));
                        }

                        // ------------------------------------------------ iterators
                        Op::GetIterator => {
                            sync!();
                            let is_async = rd_u8(code, a) & 1 != 0;
                            let v = pop!();
                            let (it, next) = tri!(ops::get_iterator(cx, &v, is_async));
                            push!(it);
                            push!(next)
                        }
                        Op::IteratorNext => {
                            sync!();
                            let next = pop!();
                            let it = pop!();
                            let r = tri!(crate::object::call(cx, &next, &it, &[]));
                            push!(r)
                        }
                        Op::IteratorGetValueDone => {
                            sync!();
                            let res = pop!();
                            let (v, done) = tri!(ops::iter_value_done(cx, &res));
                            push!(v);
                            push!(Value::Bool(done))
                        }
                        Op::IteratorCheckObject => {
                            if !top!().is_object() {
                                break 'exec cx
                                    .throw_type_error("iterator result is not an object");
                            }
                        }
                        Op::IteratorReturn => {
                            sync!();
                            let _next = pop!();
                            let it = pop!();
                            let (res, has) = tri!(ops::iterator_return(cx, &it));
                            push!(res);
                            push!(Value::Bool(has))
                        }
                        Op::DestructureNext | Op::DestructureRest => {
                            sync!();
                            let n = cur.r.len();
                            if n < 3 {
                                break 'exec ops::bad_bytecode(cx);
                            }
                            let it = cur.r[n - 3].clone();
                            let next = cur.r[n - 2].clone();
                            let done = cur.r[n - 1].to_boolean();
                            let r = if op == Op::DestructureNext {
                                ops::destructure_next(cx, &it, &next, done)
                            } else {
                                ops::destructure_rest(cx, &it, &next, done)
                            };
                            match r {
                                Ok((v, d)) => {
                                    cur.r[n - 1] = Value::Bool(d);
                                    push!(v)
                                }
                                Err(t) => {
                                    cur.r[n - 1] = Value::Bool(true);
                                    break 'exec t;
                                }
                            }
                        }
                        Op::ForInStart => {
                            sync!();
                            let v = pop!();
                            let e = tri!(ops::for_in_start(cx, &v));
                            push!(e)
                        }
                        Op::ForInNext => {
                            let e = top!().clone();
                            let (k, done) = tri!(ops::for_in_next(cx, &e));
                            push!(k);
                            push!(Value::Bool(done))
                        }
                        Op::DelegateCall => {
                            sync!();
                            let k = pop!();
                            let v = pop!();
                            let n = cur.r.len();
                            if n < 2 {
                                break 'exec ops::bad_bytecode(cx);
                            }
                            let it = cur.r[n - 2].clone();
                            let next = cur.r[n - 1].clone();
                            let (k2, res) = tri!(ops::delegate_call(cx, &cur, &it, &next, v, k));
                            push!(k2);
                            push!(res)
                        }
                        Op::DelegateResult => {
                            sync!();
                            let n = cur.r.len();
                            if n < 2 {
                                break 'exec ops::bad_bytecode(cx);
                            }
                            let k = cur.r[n - 2].clone();
                            let res = cur.r[n - 1].clone();
                            let done = tri!(ops::delegate_result(cx, &k, &res));
                            push!(Value::Bool(done))
                        }
                        Op::DelegateValue => {
                            sync!();
                            let res = pop!();
                            let k = pop!();
                            let _next = pop!();
                            let _it = pop!();
                            let (v, is_ret) = tri!(ops::delegate_value(cx, &k, &res));
                            push!(v);
                            push!(Value::Bool(is_ret))
                        }
                        Op::DelegateYield | Op::InitialYield | Op::Yield | Op::Await => {
                            sync!();
                            let v = match op {
                                Op::InitialYield => Value::Undefined,
                                Op::DelegateYield => {
                                    // iter next k res → iter next (resumption pushes v k)
                                    let res = pop!();
                                    cur.r.pop();
                                    res
                                }
                                _ => pop!(),
                            };
                            cur.pc = pc;
                            let step = ops::suspend(cx, cur, op, v);
                            match step {
                                ops::SuspendStep::Throw(f, t) => {
                                    // The suspension failed (e.g. PromiseResolve in await
                                    // threw): throw at the suspension point.
                                    cur = f;
                                    pending = Some((op_pc, t));
                                    continue 'frame;
                                }
                                ops::SuspendStep::Resume(f) => {
                                    cur = f;
                                    continue 'frame;
                                }
                                ops::SuspendStep::Deliver(r) => {
                                    leave_frame(cx);
                                    match callers.pop() {
                                        None => return r,
                                        Some(c) => {
                                            cur = c;
                                            match r {
                                                Ok(v) => cur.r.push(v),
                                                Err(t) => {
                                                    pending = Some((cur.pc.saturating_sub(1), t))
                                                }
                                            }
                                            continue 'frame;
                                        }
                                    }
                                }
                            }
                        }
                    }
                    continue 'insn;
                };
                (op_pc, t)
            };

            // ---------------------------------------------------- exception path
            if !cx.uncatchable {
                ops::attach_stack(cx);
                let stack_base = cur.stack_base();
                if let Some(h) = bc
                    .exception_table
                    .iter()
                    .find(|h| h.start as usize <= err_pc && err_pc < h.end as usize)
                {
                    // An op that popped its operands before throwing leaves the stack
                    // below the handler's depth: pad, so the handler's drops stay inside
                    // the operand stack.
                    cur.r
                        .resize(stack_base + h.depth as usize, Value::Undefined);
                    let e = cx.take_exception();
                    cur.r.push(e);
                    pc = h.target as usize;
                    continue 'insn;
                }
            }
            cur.pc = pc;
            let r = ops::finish_frame(cx, cur, Err(thrown));
            leave_frame(cx);
            match callers.pop() {
                None => return r,
                Some(c) => {
                    cur = c;
                    match r {
                        Ok(v) => cur.r.push(v),
                        Err(t) => pending = Some((cur.pc.saturating_sub(1), t)),
                    }
                    continue 'frame;
                }
            }
        }
    }
}
