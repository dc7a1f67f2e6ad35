//! The `greeter` world of `wit/world.wit`, implemented in Rust; wit-bindgen generates the
//! bindings and the component's exports.

wit_bindgen::generate!({
    world: "greeter",
    path: "wit",
});

use exports::example::greeter::greetings::Guest;

/// (language code, greeting word)
const GREETINGS: &[(&str, &str)] = &[("en", "Hello"), ("fr", "Bonjour"), ("de", "Hallo")];

pub struct Greeter;

impl Guest for Greeter {
    fn languages() -> Vec<String> {
        GREETINGS.iter().map(|(code, _)| code.to_string()).collect()
    }

    fn greet(name: String, language: String) -> Result<String, String> {
        greeting(&name, &language)
    }
}

/// The greeting itself, kept free of bindings so it is easy to test.
pub fn greeting(name: &str, language: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("the name is empty".to_string());
    }
    GREETINGS
        .iter()
        .find(|(code, _)| *code == language)
        .map(|(_, word)| format!("{word}, {name}!"))
        .ok_or_else(|| {
            let known: Vec<&str> = GREETINGS.iter().map(|(code, _)| *code).collect();
            format!("unknown language `{language}`; known: {}", known.join(", "))
        })
}

export!(Greeter);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greets_in_each_language() {
        assert_eq!(greeting("Ada", "en").as_deref(), Ok("Hello, Ada!"));
        assert_eq!(greeting(" Ada ", "fr").as_deref(), Ok("Bonjour, Ada!"));
    }

    #[test]
    fn refuses_unknown_languages_and_empty_names() {
        let error = greeting("Ada", "xx").unwrap_err();
        assert!(error.contains("known: en, fr, de"), "{error}");
        assert!(greeting("  ", "en").is_err());
    }
}
