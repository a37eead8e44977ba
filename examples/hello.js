// The smallest qjs program: `cargo run --release -p qjs-cli -- examples/hello.js a b`
print("Hello, world!");
console.log("scriptArgs:", JSON.stringify(scriptArgs));
