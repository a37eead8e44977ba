//! Fuzz target: the parser on arbitrary input, in every mode. It must never panic or
//! overflow the stack; errors are fine. The first byte picks the mode so the fuzzer can
//! reach module-only and strict-only paths, and `new Function` (params / body split at NUL).
#![no_main]

use libfuzzer_sys::fuzz_target;
use qjs_engine::atoms::AtomTable;
use qjs_engine::parser::{parse, parse_function_parts, ParseOptions};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let Ok(src) = std::str::from_utf8(rest) else { return };
    let mut atoms = AtomTable::new();
    match mode % 5 {
        0 => drop(parse(src, &ParseOptions::script(), &mut atoms)),
        1 => drop(parse(src, &ParseOptions { strict: true, ..ParseOptions::script() }, &mut atoms)),
        2 => drop(parse(src, &ParseOptions::module(), &mut atoms)),
        3 => {
            let mut opts = ParseOptions::direct_eval(false);
            opts.allow_new_target = true;
            opts.allow_super_property = true;
            drop(parse(src, &opts, &mut atoms))
        }
        _ => {
            let (params, body) = src.split_once('\0').unwrap_or(("", src));
            drop(parse_function_parts(params, body, mode & 8 != 0, mode & 16 != 0, &mut atoms))
        }
    }
});
