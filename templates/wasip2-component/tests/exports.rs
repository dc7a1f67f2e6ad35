//! The exported functions, called as the host would call them, inside Wasmtime.

use greeter::Greeter;
use greeter::exports::example::greeter::greetings::Guest;

#[test]
fn every_listed_language_greets() {
    let languages = Greeter::languages();
    assert_eq!(languages.len(), 3);
    for language in languages {
        let text = Greeter::greet("World".into(), language.clone()).expect("a known language");
        assert!(text.ends_with(", World!"), "{language}: {text}");
    }
}
