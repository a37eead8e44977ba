//! The Date constructor, Date.now/parse/UTC and Date.prototype (getters and setters in local
//! time and UTC, the string forms, toISOString/toJSON, @@toPrimitive, Annex B getYear/
//! setYear/toGMTString), plus the host-time accessors every builtin uses:
//! [`Cx::host_now_ms`], [`Cx::host_tz_offset_minutes`], [`Cx::host_random_seed`].
//! Spec: #sec-date-objects
//!
//! Invariants:
//! - The engine reads the clock, the time zone and randomness only through the embedder's
//!   `Host` (DESIGN non-negotiable 5); without a host, time is the epoch, the zone is UTC
//!   and the seed is a constant.
//! - A time value is a finite integral f64 within ±8.64e15 ms, or NaN (TimeClip); all the
//!   calendar math below is total (no panics, no unbounded loops) for any f64 input.

use super::{arg, install_class, Builtin, ClassDef};
use crate::atoms::Atom;
use crate::object::ops::{invoke, ordinary_create_from_constructor};
use crate::object::{attrs, ObjectData};
use crate::realm::{Cx, Intrinsic, JsResult};
use crate::value::conv::{
    ordinary_to_primitive, to_integer_or_infinity, to_number, to_object, to_primitive, Hint,
};
use crate::value::Value;
use crate::{alias, method};

impl Cx {
    /// Milliseconds since the epoch from the host (0 when the runtime has no host).
    pub fn host_now_ms(&self) -> f64 {
        self.vm.host.as_ref().map_or(0.0, |h| h.now_ms())
    }
    /// Local time zone offset in minutes (positive east of UTC) at `utc_ms`.
    pub fn host_tz_offset_minutes(&self, utc_ms: f64) -> i32 {
        self.vm
            .host
            .as_ref()
            .map_or(0, |h| h.local_tz_offset_minutes(utc_ms))
    }
    /// 64 bits to seed `Math.random`.
    pub fn host_random_seed(&self) -> u64 {
        self.vm
            .host
            .as_ref()
            .map_or(0x9E37_79B9_7F4A_7C15, |h| h.random_seed())
    }
}

static STATICS: &[Builtin] = &[
    method!("now", 0, now),
    method!("parse", 1, parse),
    method!("UTC", 7, utc),
];

/// Getter magic: field * 2 + (1 if UTC).
const fn g(field: Field, utc: bool) -> u16 {
    field as u16 * 2 + utc as u16
}

static PROTOTYPE: &[Builtin] = &[
    method!("getDate", 0, getter, g(Field::Date, false)),
    method!("getDay", 0, getter, g(Field::Day, false)),
    method!("getFullYear", 0, getter, g(Field::Year, false)),
    method!("getHours", 0, getter, g(Field::Hour, false)),
    method!("getMilliseconds", 0, getter, g(Field::Ms, false)),
    method!("getMinutes", 0, getter, g(Field::Min, false)),
    method!("getMonth", 0, getter, g(Field::Month, false)),
    method!("getSeconds", 0, getter, g(Field::Sec, false)),
    method!("getTime", 0, get_time),
    method!("getTimezoneOffset", 0, get_timezone_offset),
    method!("getUTCDate", 0, getter, g(Field::Date, true)),
    method!("getUTCDay", 0, getter, g(Field::Day, true)),
    method!("getUTCFullYear", 0, getter, g(Field::Year, true)),
    method!("getUTCHours", 0, getter, g(Field::Hour, true)),
    method!("getUTCMilliseconds", 0, getter, g(Field::Ms, true)),
    method!("getUTCMinutes", 0, getter, g(Field::Min, true)),
    method!("getUTCMonth", 0, getter, g(Field::Month, true)),
    method!("getUTCSeconds", 0, getter, g(Field::Sec, true)),
    method!("getYear", 0, get_year),
    method!("setDate", 1, setter, g(Field::Date, false)),
    method!("setFullYear", 3, setter, g(Field::Year, false)),
    method!("setHours", 4, setter, g(Field::Hour, false)),
    method!("setMilliseconds", 1, setter, g(Field::Ms, false)),
    method!("setMinutes", 3, setter, g(Field::Min, false)),
    method!("setMonth", 2, setter, g(Field::Month, false)),
    method!("setSeconds", 2, setter, g(Field::Sec, false)),
    method!("setTime", 1, set_time),
    method!("setUTCDate", 1, setter, g(Field::Date, true)),
    method!("setUTCFullYear", 3, setter, g(Field::Year, true)),
    method!("setUTCHours", 4, setter, g(Field::Hour, true)),
    method!("setUTCMilliseconds", 1, setter, g(Field::Ms, true)),
    method!("setUTCMinutes", 3, setter, g(Field::Min, true)),
    method!("setUTCMonth", 2, setter, g(Field::Month, true)),
    method!("setUTCSeconds", 2, setter, g(Field::Sec, true)),
    method!("setYear", 1, set_year),
    method!("toDateString", 0, to_string, Format::Date),
    method!("toISOString", 0, to_iso_string),
    method!("toJSON", 1, to_json),
    method!("toLocaleDateString", 0, to_string, Format::Date),
    method!("toLocaleString", 0, to_string, Format::Full),
    method!("toLocaleTimeString", 0, to_string, Format::Time),
    method!("toString", 0, to_string, Format::Full),
    method!("toTimeString", 0, to_string, Format::Time),
    method!("toUTCString", 0, to_string, Format::Utc),
    alias!("toGMTString", "toUTCString"),
    method!("valueOf", 0, get_time),
    Builtin {
        key: super::Key::Atom(Atom::SYM_TO_PRIMITIVE),
        kind: super::Kind::Method {
            f: to_primitive_method,
            length: 1,
            magic: 0,
        },
        flags: attrs::CONFIGURABLE,
    },
];

static CLASS: ClassDef = ClassDef {
    name: "Date",
    ctor: Some((constructor, 7, 0)),
    ctor_intrinsic: Some(Intrinsic::Date),
    proto_intrinsic: Some(Intrinsic::DatePrototype),
    statics: STATICS,
    proto: PROTOTYPE,
    ..ClassDef::DEFAULT
};

pub fn init(cx: &mut Cx) -> JsResult<()> {
    install_class(cx, &CLASS)?;
    Ok(())
}

// ===================================================================== time math

const MS_PER_DAY: f64 = 86_400_000.0;
const MS_PER_HOUR: f64 = 3_600_000.0;
const MS_PER_MINUTE: f64 = 60_000.0;
const MS_PER_SECOND: f64 = 1000.0;

/// Day(t). Spec: #sec-day
fn day(t: f64) -> f64 {
    (t / MS_PER_DAY).floor()
}

/// TimeWithinDay(t). Spec: #sec-timewithinday
fn time_within_day(t: f64) -> f64 {
    t.rem_euclid(MS_PER_DAY)
}

/// Days from 1970-01-01 to year-month-day (proleptic Gregorian, month 1..=12).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month 0..=11, date 1..=31) of a day number.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m - 1, d)
}

/// The calendar fields of a finite time value.
#[derive(Clone, Copy)]
struct Fields {
    year: f64,
    month: f64,
    date: f64,
    hour: f64,
    min: f64,
    sec: f64,
    ms: f64,
    weekday: f64,
}

fn fields(t: f64) -> Fields {
    let d = day(t);
    let (y, m, dt) = civil_from_days(d as i64);
    let tw = time_within_day(t);
    Fields {
        year: y as f64,
        month: m as f64,
        date: dt as f64,
        hour: (tw / MS_PER_HOUR).floor(),
        min: (tw / MS_PER_MINUTE).floor() % 60.0,
        sec: (tw / MS_PER_SECOND).floor() % 60.0,
        ms: tw % 1000.0,
        // WeekDay(t) = (Day(t) + 4) modulo 7. Spec: #sec-week-day
        weekday: (d + 4.0).rem_euclid(7.0),
    }
}

/// MakeTime. Spec: #sec-maketime
fn make_time(h: f64, m: f64, s: f64, ms: f64) -> f64 {
    if !(h.is_finite() && m.is_finite() && s.is_finite() && ms.is_finite()) {
        return f64::NAN;
    }
    let (h, m, s, ms) = (h.trunc(), m.trunc(), s.trunc(), ms.trunc());
    h * MS_PER_HOUR + m * MS_PER_MINUTE + s * MS_PER_SECOND + ms
}

/// MakeDay. Spec: #sec-makeday
fn make_day(year: f64, month: f64, date: f64) -> f64 {
    if !(year.is_finite() && month.is_finite() && date.is_finite()) {
        return f64::NAN;
    }
    let (y, m, dt) = (year.trunc(), month.trunc(), date.trunc());
    let ym = y + (m / 12.0).floor();
    // Years this far out are beyond every time value TimeClip accepts (±275,760 years),
    // whatever the date offset within the double range of days.
    if !ym.is_finite() || ym.abs() > 400_000_000.0 {
        return f64::NAN;
    }
    let mn = m.rem_euclid(12.0);
    let days = days_from_civil(ym as i64, mn as i64 + 1, 1) as f64;
    days + dt - 1.0
}

/// MakeDate. Spec: #sec-makedate
fn make_date(day: f64, time: f64) -> f64 {
    if !day.is_finite() || !time.is_finite() {
        return f64::NAN;
    }
    let tv = day * MS_PER_DAY + time;
    if !tv.is_finite() {
        return f64::NAN;
    }
    tv
}

/// TimeClip. Spec: #sec-timeclip
fn time_clip(t: f64) -> f64 {
    if !t.is_finite() || t.abs() > 8.64e15 {
        return f64::NAN;
    }
    // +0 for -0.
    t.trunc() + 0.0
}

/// The local time zone offset in ms at UTC time `t`.
fn offset_ms(cx: &Cx, t: f64) -> f64 {
    f64::from(cx.host_tz_offset_minutes(t)) * MS_PER_MINUTE
}

/// LocalTime(t). Spec: #sec-localtime
fn local_time(cx: &Cx, t: f64) -> f64 {
    t + offset_ms(cx, t)
}

/// UTC(t) of a local time value. Spec: #sec-utc-t
fn utc_of_local(cx: &Cx, t: f64) -> f64 {
    if !t.is_finite() {
        return f64::NAN;
    }
    // The offset at the UTC time this local time most likely denotes.
    let guess = t - offset_ms(cx, t);
    t - offset_ms(cx, guess)
}

// ====================================================================== this value

/// thisTimeValue. Spec: #sec-thistimevalue
fn this_time(cx: &mut Cx, this: &Value, what: &str) -> JsResult<f64> {
    if let Value::Object(o) = this {
        if let ObjectData::Date(t) = o.borrow().class {
            return Ok(t);
        }
    }
    Err(cx.throw_type_error(&format!("Date.prototype.{what} called on a non-Date")))
}

fn set_this_time(this: &Value, t: f64) {
    if let Value::Object(o) = this {
        if let ObjectData::Date(slot) = &mut o.borrow_mut().class {
            *slot = t;
        }
    }
}

// =================================================================== constructor

/// Date(...). Spec: #sec-date
fn constructor(cx: &mut Cx, _: &Value, args: &[Value], nt: &Value, _: u16) -> JsResult<Value> {
    // 1. Called as a function: the current time as a string.
    if nt.is_undefined() {
        let now = time_clip(cx.host_now_ms());
        let s = format_date(cx, now, Format::Full);
        return Ok(Value::String(cx.new_string(&s)?));
    }
    let tv = match args.len() {
        // 3. No arguments: now.
        0 => time_clip(cx.host_now_ms()),
        // 4. One argument: a Date's time value, a string to parse, or a number.
        1 => {
            let v = &args[0];
            let from_date = match v {
                Value::Object(o) => match o.borrow().class {
                    ObjectData::Date(t) => Some(t),
                    _ => None,
                },
                _ => None,
            };
            match from_date {
                Some(t) => t,
                None => {
                    let p = to_primitive(cx, v, Hint::Default)?;
                    let t = match &p {
                        Value::String(s) => parse_date(cx, &s.to_rust_string()),
                        _ => to_number(cx, &p)?,
                    };
                    time_clip(t)
                }
            }
        }
        // 5. Two or more: local-time components.
        _ => {
            let t = components_to_time(cx, args)?;
            time_clip(utc_of_local(cx, t))
        }
    };
    // 6. OrdinaryCreateFromConstructor(NewTarget, "%Date.prototype%", « [[DateValue]] »).
    let o =
        ordinary_create_from_constructor(cx, nt, Intrinsic::DatePrototype, ObjectData::Date(tv))?;
    Ok(Value::Object(o))
}

/// Steps shared by Date(y, m, ...) and Date.UTC: coerce the components in order and make
/// the (unclipped) time value. Years 0..=99 mean 1900..=1999.
fn components_to_time(cx: &mut Cx, args: &[Value]) -> JsResult<f64> {
    let y = to_number(cx, &arg(args, 0))?;
    let m = if args.len() > 1 {
        to_number(cx, &args[1])?
    } else {
        0.0
    };
    let mut c = [1.0, 0.0, 0.0, 0.0, 0.0];
    for (i, slot) in c.iter_mut().enumerate() {
        if let Some(v) = args.get(i + 2) {
            *slot = to_number(cx, v)?;
        }
    }
    let yr = if y.is_nan() {
        f64::NAN
    } else {
        let yi = y.trunc();
        if (0.0..=99.0).contains(&yi) {
            1900.0 + yi
        } else {
            y
        }
    };
    Ok(make_date(
        make_day(yr, m, c[0]),
        make_time(c[1], c[2], c[3], c[4]),
    ))
}

/// Date.now(). Spec: #sec-date.now
fn now(cx: &mut Cx, _: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    Ok(Value::number(cx.host_now_ms().floor()))
}

/// Date.parse(string). Spec: #sec-date.parse
fn parse(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let s = crate::value::conv::to_string(cx, &arg(args, 0))?;
    Ok(Value::number(time_clip(parse_date(
        cx,
        &s.to_rust_string(),
    ))))
}

/// Date.UTC(year, ...). Spec: #sec-date.utc
fn utc(cx: &mut Cx, _: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let t = components_to_time(cx, args)?;
    Ok(Value::number(time_clip(t)))
}

// ======================================================================== getters

#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u16)]
enum Field {
    Year,
    Month,
    Date,
    Day,
    Hour,
    Min,
    Sec,
    Ms,
}

const FIELDS: [Field; 8] = [
    Field::Year,
    Field::Month,
    Field::Date,
    Field::Day,
    Field::Hour,
    Field::Min,
    Field::Sec,
    Field::Ms,
];

/// Date.prototype.getFullYear ... getUTCMilliseconds (magic = field * 2 + utc).
/// Spec: #sec-date.prototype.getdate
fn getter(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let t = this_time(cx, this, "get")?;
    if t.is_nan() {
        return Ok(Value::number(f64::NAN));
    }
    let t = if magic & 1 == 1 { t } else { local_time(cx, t) };
    let f = fields(t);
    let v = match FIELDS.get((magic >> 1) as usize) {
        Some(Field::Year) => f.year,
        Some(Field::Month) => f.month,
        Some(Field::Date) => f.date,
        Some(Field::Day) => f.weekday,
        Some(Field::Hour) => f.hour,
        Some(Field::Min) => f.min,
        Some(Field::Sec) => f.sec,
        Some(Field::Ms) | None => f.ms,
    };
    Ok(Value::number(v))
}

/// Date.prototype.getTime / valueOf. Spec: #sec-date.prototype.gettime
fn get_time(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    Ok(Value::number(this_time(cx, this, "getTime")?))
}

/// Date.prototype.getTimezoneOffset. Spec: #sec-date.prototype.gettimezoneoffset
fn get_timezone_offset(
    cx: &mut Cx,
    this: &Value,
    _: &[Value],
    _: &Value,
    _: u16,
) -> JsResult<Value> {
    let t = this_time(cx, this, "getTimezoneOffset")?;
    if t.is_nan() {
        return Ok(Value::number(f64::NAN));
    }
    Ok(Value::number((t - local_time(cx, t)) / MS_PER_MINUTE))
}

/// Date.prototype.getYear (Annex B). Spec: #sec-date.prototype.getyear
fn get_year(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let t = this_time(cx, this, "getYear")?;
    if t.is_nan() {
        return Ok(Value::number(f64::NAN));
    }
    Ok(Value::number(fields(local_time(cx, t)).year - 1900.0))
}

// ======================================================================== setters

/// setMilliseconds ... setFullYear and the UTC forms (magic = field * 2 + utc).
/// Spec: #sec-date.prototype.setmilliseconds and siblings.
fn setter(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let utc = magic & 1 == 1;
    let field = FIELDS
        .get((magic >> 1) as usize)
        .copied()
        .unwrap_or(Field::Ms);
    // 1-3. t = thisTimeValue.
    let t = this_time(cx, this, "set")?;
    // Component slots: 0 year, 1 month, 2 date, 3 hour, 4 min, 5 sec, 6 ms.
    let (first, max) = match field {
        Field::Year => (0, 3),
        Field::Month => (1, 2),
        Field::Date => (2, 1),
        Field::Hour => (3, 4),
        Field::Min => (4, 3),
        Field::Sec => (5, 2),
        Field::Ms | Field::Day => (6, 1),
    };
    // 4-6. Coerce the given arguments in order (the first always, the rest if present).
    let mut given: [Option<f64>; 7] = [None; 7];
    for i in 0..max {
        if i == 0 || i < args.len() {
            given[first + i] = Some(to_number(cx, &arg(args, i))?);
        }
    }
    // 7. NaN time: setFullYear starts from +0; the others return NaN.
    let base = if t.is_nan() {
        if field != Field::Year {
            return Ok(Value::number(f64::NAN));
        }
        0.0
    } else if utc {
        t
    } else {
        local_time(cx, t)
    };
    let f = fields(base);
    let mut c = [f.year, f.month, f.date, f.hour, f.min, f.sec, f.ms];
    for (slot, g) in c.iter_mut().zip(given) {
        if let Some(v) = g {
            *slot = v;
        }
    }
    let new_date = make_date(
        make_day(c[0], c[1], c[2]),
        make_time(c[3], c[4], c[5], c[6]),
    );
    let u = time_clip(if utc {
        new_date
    } else {
        utc_of_local(cx, new_date)
    });
    set_this_time(this, u);
    Ok(Value::number(u))
}

/// Date.prototype.setTime. Spec: #sec-date.prototype.settime
fn set_time(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    this_time(cx, this, "setTime")?;
    let t = to_number(cx, &arg(args, 0))?;
    let v = time_clip(t);
    set_this_time(this, v);
    Ok(Value::number(v))
}

/// Date.prototype.setYear (Annex B). Spec: #sec-date.prototype.setyear
fn set_year(cx: &mut Cx, this: &Value, args: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let t = this_time(cx, this, "setYear")?;
    let y = to_number(cx, &arg(args, 0))?;
    if y.is_nan() {
        set_this_time(this, f64::NAN);
        return Ok(Value::number(f64::NAN));
    }
    let yi = to_integer_or_infinity(cx, &Value::number(y))?;
    let yyyy = if (0.0..=99.0).contains(&yi) {
        1900.0 + yi
    } else {
        y
    };
    let t = if t.is_nan() { 0.0 } else { local_time(cx, t) };
    let f = fields(t);
    let d = make_day(yyyy, f.month, f.date);
    let date = make_date(d, time_within_day(t));
    let u = time_clip(utc_of_local(cx, date));
    set_this_time(this, u);
    Ok(Value::number(u))
}

// ======================================================================= strings

/// The string forms (the `magic` of `to_string`).
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u16)]
enum Format {
    Full,
    Date,
    Time,
    Utc,
}

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The year as DateString writes it: at least 4 digits, "-" for negative years.
fn year_string(y: f64) -> String {
    if y < 0.0 {
        format!("-{:04}", -y as i64)
    } else {
        format!("{:04}", y as i64)
    }
}

/// ToDateString and its siblings. Spec: #sec-todatestring, #sec-datestring,
/// #sec-timestring, #sec-timezoneestring, #sec-date.prototype.toutcstring
fn format_date(cx: &Cx, tv: f64, fmt: Format) -> String {
    if tv.is_nan() {
        return "Invalid Date".into();
    }
    if fmt == Format::Utc {
        let f = fields(tv);
        return format!(
            "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
            DAYS[f.weekday as usize % 7],
            f.date as i64,
            MONTHS[f.month as usize % 12],
            year_string(f.year),
            f.hour as i64,
            f.min as i64,
            f.sec as i64
        );
    }
    let offset_min = f64::from(cx.host_tz_offset_minutes(tv));
    let t = tv + offset_min * MS_PER_MINUTE;
    let f = fields(t);
    let date = format!(
        "{} {} {:02} {}",
        DAYS[f.weekday as usize % 7],
        MONTHS[f.month as usize % 12],
        f.date as i64,
        year_string(f.year)
    );
    let sign = if offset_min >= 0.0 { '+' } else { '-' };
    let off = offset_min.abs() as i64;
    let time = format!(
        "{:02}:{:02}:{:02} GMT{}{:02}{:02}",
        f.hour as i64,
        f.min as i64,
        f.sec as i64,
        sign,
        off / 60,
        off % 60
    );
    match fmt {
        Format::Date => date,
        Format::Time => time,
        _ => format!("{date} {time}"),
    }
}

/// Date.prototype.toString and the other string forms (magic = Format).
/// Spec: #sec-date.prototype.tostring
fn to_string(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, magic: u16) -> JsResult<Value> {
    let tv = this_time(cx, this, "toString")?;
    let fmt = match magic {
        1 => Format::Date,
        2 => Format::Time,
        3 => Format::Utc,
        _ => Format::Full,
    };
    let s = format_date(cx, tv, fmt);
    Ok(Value::String(cx.new_string(&s)?))
}

/// Date.prototype.toISOString. Spec: #sec-date.prototype.toisostring
fn to_iso_string(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    let tv = this_time(cx, this, "toISOString")?;
    if !tv.is_finite() {
        return Err(cx.throw_range_error("Invalid time value"));
    }
    let f = fields(tv);
    let y = f.year as i64;
    let year = if (0..=9999).contains(&y) {
        format!("{y:04}")
    } else if y < 0 {
        format!("-{:06}", -y)
    } else {
        format!("+{y:06}")
    };
    let s = format!(
        "{year}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        f.month as i64 + 1,
        f.date as i64,
        f.hour as i64,
        f.min as i64,
        f.sec as i64,
        f.ms as i64
    );
    Ok(Value::String(cx.new_string(&s)?))
}

/// Date.prototype.toJSON. Spec: #sec-date.prototype.tojson
fn to_json(cx: &mut Cx, this: &Value, _: &[Value], _: &Value, _: u16) -> JsResult<Value> {
    // 1. O = ToObject(this value).
    let o = Value::Object(to_object(cx, this)?);
    // 2-3. tv = ToPrimitive(O, number); a non-finite Number gives null.
    let tv = to_primitive(cx, &o, Hint::Number)?;
    if let Some(n) = tv.as_number() {
        if !n.is_finite() {
            return Ok(Value::Null);
        }
    }
    // 4. Return Invoke(O, "toISOString").
    let k = cx.intern("toISOString");
    invoke(cx, &o, k, &[])
}

/// Date.prototype[@@toPrimitive](hint). Spec: #sec-date.prototype-@@toprimitive
fn to_primitive_method(
    cx: &mut Cx,
    this: &Value,
    args: &[Value],
    _: &Value,
    _: u16,
) -> JsResult<Value> {
    // 1-2. The this value must be an Object.
    let Value::Object(o) = this else {
        return Err(cx.throw_type_error("Date.prototype[Symbol.toPrimitive] called on non-object"));
    };
    // 3-5. "string"/"default" → string first; "number" → number first; else TypeError.
    let hint = match arg(args, 0) {
        Value::String(s) if s.eq_str("string") || s.eq_str("default") => Hint::String,
        Value::String(s) if s.eq_str("number") => Hint::Number,
        _ => return Err(cx.throw_type_error("Invalid hint")),
    };
    ordinary_to_primitive(cx, o, hint)
}

// ======================================================================== parsing

/// Date.parse's algorithm: the Date Time String Format (ES 21.4.1.32), then the forms
/// `toString` and `toUTCString` produce (and close variants). NaN when unrecognised.
fn parse_date(cx: &Cx, s: &str) -> f64 {
    if let Some(t) = parse_iso(cx, s.trim()) {
        return t;
    }
    parse_legacy(cx, s).unwrap_or(f64::NAN)
}

/// Reads exactly `n` ASCII digits.
fn digits(b: &[u8], i: &mut usize, n: usize) -> Option<i64> {
    let part = b.get(*i..*i + n)?;
    if !part.iter().all(u8::is_ascii_digit) {
        return None;
    }
    *i += n;
    Some(part.iter().fold(0i64, |a, &d| a * 10 + i64::from(d - b'0')))
}

/// The Date Time String Format. Spec: #sec-date-time-string-format
fn parse_iso(cx: &Cx, s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    // Year: YYYY or ±YYYYYY (-000000 is invalid).
    let year = match b.first()? {
        b'+' | b'-' => {
            let neg = b[0] == b'-';
            i = 1;
            let y = digits(b, &mut i, 6)?;
            if neg && y == 0 {
                return None;
            }
            if neg {
                -y
            } else {
                y
            }
        }
        _ => digits(b, &mut i, 4)?,
    };
    let mut month = 1;
    let mut day = 1;
    if b.get(i) == Some(&b'-') {
        i += 1;
        month = digits(b, &mut i, 2)?;
        if b.get(i) == Some(&b'-') {
            i += 1;
            day = digits(b, &mut i, 2)?;
        }
    }
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let (mut h, mut m, mut sec, mut ms) = (0, 0, 0, 0.0);
    let mut offset: Option<i64> = None;
    let date_only;
    if b.get(i) == Some(&b'T') {
        date_only = false;
        i += 1;
        h = digits(b, &mut i, 2)?;
        if b.get(i) != Some(&b':') {
            return None;
        }
        i += 1;
        m = digits(b, &mut i, 2)?;
        if b.get(i) == Some(&b':') {
            i += 1;
            sec = digits(b, &mut i, 2)?;
            if b.get(i) == Some(&b'.') {
                i += 1;
                let start = i;
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                if i == start {
                    return None;
                }
                // Milliseconds from the first three digits.
                let frac = &s[start..i.min(start + 3)];
                let v: f64 = frac.parse().ok()?;
                ms = v * 10f64.powi(3 - frac.len() as i32);
            }
        }
        if h > 24 || m > 59 || sec > 59 || (h == 24 && (m > 0 || sec > 0 || ms > 0.0)) {
            return None;
        }
        match b.get(i) {
            Some(b'Z') => {
                offset = Some(0);
                i += 1;
            }
            Some(&c @ (b'+' | b'-')) => {
                i += 1;
                let oh = digits(b, &mut i, 2)?;
                if b.get(i) != Some(&b':') {
                    return None;
                }
                i += 1;
                let om = digits(b, &mut i, 2)?;
                if oh > 23 || om > 59 {
                    return None;
                }
                let o = oh * 60 + om;
                offset = Some(if c == b'-' { -o } else { o });
            }
            _ => {}
        }
    } else {
        date_only = true;
    }
    if i != b.len() {
        return None;
    }
    let d = make_day(year as f64, (month - 1) as f64, day as f64);
    let t = make_date(d, make_time(h as f64, m as f64, sec as f64, ms));
    Some(match offset {
        Some(o) => t - o as f64 * MS_PER_MINUTE,
        // Date-only forms are UTC; date-time forms without an offset are local time.
        None if date_only => t,
        None => utc_of_local(cx, t),
    })
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 => {
            if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
                29
            } else {
                28
            }
        }
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The `toString` / `toUTCString` forms and close variants: tokens of month names, numbers,
/// `hh:mm[:ss]`, `GMT`/`UTC`/`Z`, `±hhmm` offsets; weekday names and parenthesised comments
/// are ignored. A missing offset means local time.
fn parse_legacy(cx: &Cx, s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut month: Option<i64> = None;
    let mut nums: Vec<i64> = Vec::new();
    let mut time: Option<(i64, i64, i64)> = None;
    let mut offset: Option<i64> = None;
    let mut neg_year = false;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() || c == b',' {
            i += 1;
        } else if c == b'(' {
            // A comment, e.g. the zone name; may not nest here.
            while i < b.len() && b[i] != b')' {
                i += 1;
            }
            i += 1;
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            let w = s[start..i].to_ascii_lowercase();
            if w == "gmt" || w == "utc" || w == "z" {
                offset.get_or_insert(0);
            } else if let Some(m) = MONTHS
                .iter()
                .position(|n| w.len() >= 3 && n.to_ascii_lowercase() == w[..3])
            {
                month = Some(m as i64);
            } else if DAYS
                .iter()
                .any(|d| w.len() >= 3 && d.to_ascii_lowercase() == w[..3])
            {
            } else if w == "am" || w == "pm" {
                if let Some((h, mi, se)) = time {
                    let h = h % 12 + if w == "pm" { 12 } else { 0 };
                    time = Some((h, mi, se));
                }
            } else {
                return None;
            }
        } else if (c == b'+' || c == b'-') && offset == Some(0) && time.is_some() {
            // GMT±hhmm
            i += 1;
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let v: i64 = s[start..i].parse().ok()?;
            let mins = if i - start <= 2 {
                v * 60
            } else {
                v / 100 * 60 + v % 100
            };
            offset = Some(if c == b'-' { -mins } else { mins });
        } else if c == b'-' && i + 1 < b.len() && b[i + 1].is_ascii_digit() && nums.len() == 1 {
            neg_year = true;
            i += 1;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let v: i64 = s[start..i].parse().ok()?;
            if b.get(i) == Some(&b':') {
                i += 1;
                let ms = i;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                let mi: i64 = s[ms..i].parse().ok()?;
                let mut se = 0;
                if b.get(i) == Some(&b':') {
                    i += 1;
                    let ss = i;
                    while i < b.len() && b[i].is_ascii_digit() {
                        i += 1;
                    }
                    se = s[ss..i].parse().ok()?;
                }
                time = Some((v, mi, se));
            } else {
                nums.push(if neg_year { -v } else { v });
                neg_year = false;
            }
        } else {
            return None;
        }
    }
    let month = month?;
    // "Mon DD YYYY" or "DD Mon YYYY": the day is the first number, the year the second.
    let (day, year) = match nums.as_slice() {
        [d, y] => (*d, *y),
        _ => return None,
    };
    let (h, mi, se) = time.unwrap_or((0, 0, 0));
    if h > 24 || mi > 59 || se > 59 {
        return None;
    }
    let t = make_date(
        make_day(year as f64, month as f64, day as f64),
        make_time(h as f64, mi as f64, se as f64, 0.0),
    );
    Some(match offset {
        Some(o) => t - o as f64 * MS_PER_MINUTE,
        None => utc_of_local(cx, t),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_math_round_trips() {
        for &d in &[
            -719_468i64,
            -1,
            0,
            1,
            11_016,
            2_932_896,
            -100_000_000,
            100_000_000,
        ] {
            let (y, m, dt) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m + 1, dt), d);
        }
        assert_eq!(make_day(2000.0, 1.0, 29.0), 11_016.0);
        let cx = Cx::new();
        assert_eq!(parse_date(&cx, "1970-01-01T00:00:00.000Z"), 0.0);
        assert_eq!(parse_date(&cx, "2000-02-29"), 951_782_400_000.0);
        assert_eq!(parse_date(&cx, "+275760-09-13T00:00:00.000Z"), 8.64e15);
        assert!(parse_date(&cx, "-000000-01-01T00:00:00Z").is_nan());
        assert!(parse_date(&cx, "2000-02-30").is_nan());
        let t = 951_782_400_000.0;
        let s = format_date(&cx, t, Format::Full);
        assert_eq!(s, "Tue Feb 29 2000 00:00:00 GMT+0000");
        assert_eq!(parse_date(&cx, &s), t);
        let u = format_date(&cx, t, Format::Utc);
        assert_eq!(u, "Tue, 29 Feb 2000 00:00:00 GMT");
        assert_eq!(parse_date(&cx, &u), t);
        assert_eq!(
            parse_date(&cx, "Thu Jan 01 1970 00:00:00 GMT+0100"),
            -3_600_000.0
        );
    }
}
