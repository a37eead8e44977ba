//! Fuzz target: parse and, when the parse succeeds, compile to bytecode. Neither may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qjs_engine::atoms::AtomTable;
use qjs_engine::compiler::{compile, CompileOptions};
use qjs_engine::parser::{parse, ParseOptions};
use std::rc::Rc;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let Ok(src) = std::str::from_utf8(rest) else { return };
    let mut atoms = AtomTable::new();
    let module = mode & 1 == 1;
    let (popts, copts) = if module {
        (ParseOptions::module(), CompileOptions::module())
    } else {
        (ParseOptions::script(), CompileOptions::script())
    };
    if let Ok(program) = parse(src, &popts, &mut atoms) {
        let _ = compile(&program, &copts, &mut atoms, Rc::from(src), "fuzz.js");
    }
});
