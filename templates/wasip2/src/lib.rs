//! Counting lines, words and bytes, and printing the counts as text or JSON.

use std::fmt::Write as _;

/// What was counted in one input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub lines: usize,
    pub words: usize,
    pub bytes: usize,
}

impl Counts {
    pub fn of(text: &str) -> Self {
        Counts {
            lines: text.lines().count(),
            words: text.split_whitespace().count(),
            bytes: text.len(),
        }
    }
}

impl std::ops::Add for Counts {
    type Output = Counts;

    fn add(self, other: Counts) -> Counts {
        Counts {
            lines: self.lines + other.lines,
            words: self.words + other.words,
            bytes: self.bytes + other.bytes,
        }
    }
}

/// How to print the counts, chosen by the `WORDCOUNT_FORMAT` environment variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

impl Format {
    pub fn from_env_value(value: Option<&str>) -> Result<Self, String> {
        match value {
            None | Some("") | Some("text") => Ok(Format::Text),
            Some("json") => Ok(Format::Json),
            Some(other) => Err(format!(
                "WORDCOUNT_FORMAT={other} is not a format; use `text` or `json`"
            )),
        }
    }
}

/// One line per input, then a total when there is more than one.
pub fn render(format: Format, rows: &[(String, Counts)]) -> String {
    let mut out = String::new();
    match format {
        Format::Text => {
            for (name, c) in rows {
                let _ = writeln!(out, "{:>7} {:>7} {:>7} {name}", c.lines, c.words, c.bytes);
            }
            if rows.len() > 1 {
                let total = rows.iter().fold(Counts::default(), |t, (_, c)| t + *c);
                let _ = writeln!(
                    out,
                    "{:>7} {:>7} {:>7} total",
                    total.lines, total.words, total.bytes
                );
            }
        }
        Format::Json => {
            out.push('[');
            for (i, (name, c)) in rows.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(
                    out,
                    r#"{{"name":"{}","lines":{},"words":{},"bytes":{}}}"#,
                    name.replace('\\', "\\\\").replace('"', "\\\""),
                    c.lines,
                    c.words,
                    c.bytes
                );
            }
            out.push_str("]\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_words_and_bytes() {
        assert_eq!(
            Counts::of("a b\nc\n"),
            Counts {
                lines: 2,
                words: 3,
                bytes: 6
            }
        );
        assert_eq!(Counts::of(""), Counts::default());
    }

    #[test]
    fn unknown_format_names_the_choices() {
        let error = Format::from_env_value(Some("yaml")).unwrap_err();
        assert!(error.contains("`text` or `json`"), "{error}");
        assert_eq!(Format::from_env_value(None), Ok(Format::Text));
    }

    #[test]
    fn text_has_a_total_for_several_inputs() {
        let one = Counts::of("x y\n");
        let text = render(Format::Text, &[("a".into(), one), ("b".into(), one)]);
        assert_eq!(text.lines().last(), Some("      2       4       8 total"));
    }

    #[test]
    fn json_escapes_names() {
        let json = render(Format::Json, &[("say \"hi\"".into(), Counts::default())]);
        assert!(json.contains(r#""name":"say \"hi\"""#), "{json}");
    }
}
