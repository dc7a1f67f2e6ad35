//! Runs under Wasmtime like the program: the runner preopens the project folder, so the test
//! reads a real file through WASI.

use wordcount::{Counts, Format, render};

#[test]
fn counts_a_file_in_the_preopened_folder() {
    let text = std::fs::read_to_string("tests/data/sample.txt").expect("the runner preopens .");
    assert_eq!(
        Counts::of(&text),
        Counts {
            lines: 4,
            words: 6,
            bytes: 29
        }
    );
}

#[test]
fn renders_json_for_tools() {
    let json = render(Format::Json, &[("sample".into(), Counts::of("a\n"))]);
    assert_eq!(
        json,
        "[{\"name\":\"sample\",\"lines\":1,\"words\":1,\"bytes\":2}]\n"
    );
}
