//! [`StringBuilder`]: a growable buffer of code units for builtins that build strings of
//! script-controlled size (JSON.stringify, URI coding, join, repeat...).
//!
//! Invariants:
//! - Every byte of buffer capacity is charged to the heap before it is allocated, and all of
//!   it is refunded when the build ends, successfully or not: a builder only exists inside
//!   [`build_string`], which refunds after the closure returns.
//! - The buffer is Latin-1 until a unit above 0xFF arrives, then UTF-16 (widened once).
//! - Pushes poll the interrupt once per [`POLL_UNITS`] units appended, so a long build can be
//!   stopped.
//! - The length never passes [`super::MAX_LENGTH`] (RangeError "invalid string length").

use super::{JsString, Units, MAX_LENGTH};
use crate::realm::{Cx, JsResult};

/// Units appended between interrupt polls.
pub const POLL_UNITS: usize = 4096;

enum Buf {
    Latin1(Vec<u8>),
    Utf16(Vec<u16>),
}

/// A charged string buffer; see the module docs.
pub struct StringBuilder {
    buf: Buf,
    /// Bytes currently charged for the buffer's capacity.
    charged: usize,
    /// Units appended since the last interrupt poll.
    since_poll: usize,
}

/// Runs `f` with a fresh builder and returns the string it built. Whatever the builder
/// charged is refunded before the result string (charged on its own) is created.
pub fn build_string(
    cx: &mut Cx,
    f: impl FnOnce(&mut Cx, &mut StringBuilder) -> JsResult<()>,
) -> JsResult<JsString> {
    let mut b = StringBuilder {
        buf: Buf::Latin1(Vec::new()),
        charged: 0,
        since_poll: 0,
    };
    let r = f(cx, &mut b);
    let charged = b.charged;
    let s = match r {
        Ok(()) => match &b.buf {
            Buf::Latin1(v) => {
                let r = JsString::from_latin1(&cx.heap, v);
                cx.oom(r)
            }
            Buf::Utf16(v) => {
                let r = JsString::from_utf16(&cx.heap, v);
                cx.oom(r)
            }
        },
        Err(t) => Err(t),
    };
    drop(b);
    cx.heap.refund(charged);
    s
}

impl StringBuilder {
    /// Number of code units so far.
    pub fn len(&self) -> usize {
        match &self.buf {
            Buf::Latin1(v) => v.len(),
            Buf::Utf16(v) => v.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Makes room for `extra` more units (charged), widening first if `wide`.
    fn reserve(&mut self, cx: &mut Cx, extra: usize, wide: bool) -> JsResult<()> {
        let len = self.len();
        let Some(need) = len.checked_add(extra).filter(|&n| n <= MAX_LENGTH) else {
            return Err(cx.throw_range_error("invalid string length"));
        };
        if wide {
            if let Buf::Latin1(v) = &self.buf {
                // Widen: charge the new UTF-16 buffer, then refund the Latin-1 one.
                let cap = need.max(v.len() * 2).max(16);
                let bytes = cap * 2;
                if cx.heap.charge(bytes).is_err() {
                    return Err(cx.throw_out_of_memory());
                }
                let mut w: Vec<u16> = Vec::new();
                if w.try_reserve_exact(cap).is_err() {
                    cx.heap.refund(bytes);
                    return Err(cx.throw_out_of_memory());
                }
                w.extend(v.iter().map(|&c| c as u16));
                cx.heap.refund(self.charged);
                self.charged = bytes;
                self.buf = Buf::Utf16(w);
                return Ok(());
            }
        }
        let (cap, unit) = match &self.buf {
            Buf::Latin1(v) => (v.capacity(), 1),
            Buf::Utf16(v) => (v.capacity(), 2),
        };
        if need <= cap {
            return Ok(());
        }
        let new_cap = need.max(cap * 2).max(16);
        let bytes = (new_cap - cap) * unit;
        if cx.heap.charge(bytes).is_err() {
            return Err(cx.throw_out_of_memory());
        }
        let ok = match &mut self.buf {
            Buf::Latin1(v) => v.try_reserve_exact(new_cap - v.len()).is_ok(),
            Buf::Utf16(v) => v.try_reserve_exact(new_cap - v.len()).is_ok(),
        };
        if !ok {
            cx.heap.refund(bytes);
            return Err(cx.throw_out_of_memory());
        }
        self.charged += bytes;
        Ok(())
    }

    #[inline]
    fn poll(&mut self, cx: &mut Cx, n: usize) -> JsResult<()> {
        self.since_poll += n;
        if self.since_poll >= POLL_UNITS {
            let cost = (self.since_poll / POLL_UNITS) as u32;
            self.since_poll = 0;
            cx.poll_interrupt(cost.max(1))?;
        }
        Ok(())
    }

    /// Appends one code unit.
    pub fn push(&mut self, cx: &mut Cx, u: u16) -> JsResult<()> {
        self.reserve(cx, 1, u > 0xFF)?;
        match &mut self.buf {
            Buf::Latin1(v) => v.push(u as u8),
            Buf::Utf16(v) => v.push(u),
        }
        self.poll(cx, 1)
    }

    /// Appends ASCII/Latin-1 text given as a Rust `&str` (other chars are UTF-16 encoded).
    pub fn push_str(&mut self, cx: &mut Cx, s: &str) -> JsResult<()> {
        if s.bytes().all(|b| b < 0x80) {
            self.reserve(cx, s.len(), false)?;
            match &mut self.buf {
                Buf::Latin1(v) => v.extend_from_slice(s.as_bytes()),
                Buf::Utf16(v) => v.extend(s.bytes().map(|b| b as u16)),
            }
            return self.poll(cx, s.len());
        }
        let units: Vec<u16> = s.encode_utf16().collect();
        self.push_units(cx, &units)
    }

    /// Appends UTF-16 code units.
    pub fn push_units(&mut self, cx: &mut Cx, u: &[u16]) -> JsResult<()> {
        let wide = u.iter().any(|&c| c > 0xFF);
        self.reserve(cx, u.len(), wide)?;
        match &mut self.buf {
            Buf::Latin1(v) => v.extend(u.iter().map(|&c| c as u8)),
            Buf::Utf16(v) => v.extend_from_slice(u),
        }
        self.poll(cx, u.len())
    }

    /// Appends a JS string.
    pub fn push_js(&mut self, cx: &mut Cx, s: &JsString) -> JsResult<()> {
        let view = s.view();
        match view.units() {
            Units::Latin1(b) => {
                self.reserve(cx, b.len(), false)?;
                match &mut self.buf {
                    Buf::Latin1(v) => v.extend_from_slice(b),
                    Buf::Utf16(v) => v.extend(b.iter().map(|&c| c as u16)),
                }
                let n = b.len();
                drop(view);
                self.poll(cx, n)
            }
            Units::Utf16(u) => {
                let wide = u.iter().any(|&c| c > 0xFF);
                self.reserve(cx, u.len(), wide)?;
                match &mut self.buf {
                    Buf::Latin1(v) => v.extend(u.iter().map(|&c| c as u8)),
                    Buf::Utf16(v) => v.extend_from_slice(u),
                }
                let n = u.len();
                drop(view);
                self.poll(cx, n)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_and_refunds() {
        let mut cx = Cx::new();
        let before = cx.heap.bytes();
        let s = build_string(&mut cx, |cx, b| {
            b.push_str(cx, "abc")?;
            b.push(cx, 0xE9)?;
            b.push(cx, 0x263A)?;
            b.push_str(cx, "é")
        })
        .unwrap();
        assert_eq!(s.to_rust_string(), "abcé☺é");
        let charged = cx.heap.bytes() - before;
        drop(s);
        assert_eq!(cx.heap.bytes(), before, "charged {charged}");
        // An error inside the closure still refunds.
        let r = build_string(&mut cx, |cx, b| {
            b.push_str(cx, "xyz")?;
            Err(cx.throw_type_error("stop"))
        });
        assert!(r.is_err());
        let _ = cx.take_exception();
        assert_eq!(cx.heap.bytes(), before);
    }

    #[test]
    fn over_the_limit_is_out_of_memory() {
        let mut cx = Cx::new();
        cx.heap.set_memory_limit(cx.heap.bytes() + 10_000);
        let r = build_string(&mut cx, |cx, b| {
            for _ in 0..100_000 {
                b.push_str(cx, "0123456789")?;
            }
            Ok(())
        });
        assert!(r.is_err());
    }
}
