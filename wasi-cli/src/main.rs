//! `qjs`: run JavaScript files and expressions.

fn main() {
    eprintln!("qjs: not yet wired to the engine");
    std::process::exit(2);
}
