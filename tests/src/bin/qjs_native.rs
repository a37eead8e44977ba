//! `qjs-native`: the `qjs` command built inside the test crate, so integration tests can
//! find it through `CARGO_BIN_EXE_qjs-native` (cargo only exposes the binaries of the package
//! under test). It is the same code: `qjs_cli::main_with_args`.

fn main() {
    let argv: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    std::process::exit(qjs_cli::main_with_args(&argv));
}
