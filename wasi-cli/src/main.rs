//! `qjs`: run JavaScript files and expressions (QuickJS's options; see `qjs -h`).

fn main() {
    let argv: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    std::process::exit(qjs_cli::main_with_args(&argv));
}
