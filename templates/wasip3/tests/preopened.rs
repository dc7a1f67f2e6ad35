//! Runs under Wasmtime like the program: the runner preopens the project folder, so the test
//! reads a real file through WASI, from a component compiled for wasm32-wasip3.

#[test]
fn greets_the_name_in_a_preopened_file() {
    let text = std::fs::read_to_string("tests/data/name.txt").expect("the runner preopens .");
    let name = text.lines().next().expect("a first line");
    assert_eq!(
        p3hello::greeting(name),
        "Hello, Grace, from a component built for WASIp3"
    );
}
