//! Short forms of what a command printed, for a finding's one line of detail.

use std::process::Output;

/// Standard output then standard error, as text.
pub fn text(output: &Output) -> String {
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    text
}

/// The last non-blank line, at most 200 characters.
pub fn last_line(text: &str) -> String {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .chars()
        .take(200)
        .collect()
}

/// The last three non-blank lines, joined by " | ": where a compiler puts its error.
pub fn tail(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(3)..].join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_end_and_drops_blank_lines() {
        assert_eq!(last_line("first\nlast\n\n  \n"), "last");
        assert_eq!(last_line(""), "");
        assert_eq!(last_line(&"x".repeat(300)).len(), 200);
        assert_eq!(tail(b"a\nb\n\nc\nd\n"), "b | c | d");
        assert_eq!(tail(b"only\n"), "only");
    }
}
