//! The Proxy constructor and Proxy.revocable. Spec: #sec-proxy-objects

use super::{arg, install_class, Builtin, ClassDef};
use crate::method;
use crate::object::function::new_native_closure;
use crate::object::ops::{create_data_property_or_throw, new_object};
use crate::object::proxy::{proxy_create, revoke};
use crate::object::{Obj, ObjectData};
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::value::Value;

static STATICS: &[Builtin] = &[method!("revocable", 2, revocable)];

static CLASS: ClassDef = ClassDef {
    name: "Proxy",
    ctor: Some((proxy_constructor, 2, 0)),
    ctor_intrinsic: Some(Intrinsic::Proxy),
    statics: STATICS,
    ..ClassDef::DEFAULT
};

pub fn init(cx: &mut Cx) -> JsResult<()> {
    install_class(cx, &CLASS)?;
    Ok(())
}

/// Proxy(target, handler). Spec: #sec-proxy-target-handler
fn proxy_constructor(
    cx: &mut Cx,
    _: &Value,
    args: &[Value],
    nt: &Value,
    _: u16,
) -> JsResult<Value> {
    if nt.is_undefined() {
        return Err(cx.throw_type_error("Constructor Proxy requires 'new'"));
    }
    Ok(Value::Object(proxy_create(
        cx,
        &arg(args, 0),
        &arg(args, 1),
    )?))
}

/// Proxy.revocable(target, handler). Spec: #sec-proxy.revocable
fn revocable(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let p = proxy_create(cx, &arg(args, 0), &arg(args, 1))?;
    let revoker = new_native_closure(cx, revoke_fn, "", 0, vec![Value::Object(p.clone())], false)?;
    let r = new_object(cx)?;
    let proxy_key = cx.intern("proxy");
    let revoke_key = cx.intern("revoke");
    create_data_property_or_throw(cx, &r, proxy_key, Value::Object(p))?;
    create_data_property_or_throw(cx, &r, revoke_key, Value::Object(revoker))?;
    Ok(Value::Object(r))
}

/// A Proxy revocation function. Spec: #sec-proxy-revocation-functions
fn revoke_fn(_cx: &mut Cx, callee: &Obj, _: &Value, _: &[Value], _: &Value) -> JsResult<Value> {
    // 1-3. p = F.[[RevocableProxy]]; if null return; set it to null.
    let p = match &mut callee.borrow_mut().class {
        ObjectData::NativeClosure(c) => c.data.first_mut().map(std::mem::take),
        _ => None,
    };
    // 4-5. Revoke p.
    if let Some(Value::Object(p)) = p {
        revoke(&p);
    }
    Ok(Value::Undefined)
}
