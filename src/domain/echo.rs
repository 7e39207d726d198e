//! How much of a caller's input may go back out, in an error body or a log
//! line: a short piece, enough to recognise it, never the whole of it. A
//! 1 MB field name must not become a 2 MB error body or 5 MB of log.

/// Most characters of one piece of input (a field name, a value) repeated
/// back.
pub const MAX_ECHOED_CHARS: usize = 120;

/// Most characters of a whole message that carries input.
pub const MAX_MESSAGE_CHARS: usize = 600;

/// `text` cut to `max_chars` characters, with "…" and the number of
/// characters left out when it was longer.
pub fn shortened(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        None => text.to_owned(),
        Some((cut, _)) => {
            let left_out = text[cut..].chars().count();
            format!("{}… ({left_out} more characters)", &text[..cut])
        }
    }
}

/// A message with every quoted piece (between backticks or double quotes,
/// as serde and our own messages quote input) cut to
/// [`MAX_ECHOED_CHARS`], and the whole cut to [`MAX_MESSAGE_CHARS`].
pub fn bounded_message(message: &str) -> String {
    if message.chars().count() <= MAX_ECHOED_CHARS {
        return message.to_owned();
    }
    let mut bounded = String::new();
    let mut rest = message;
    while let Some(start) = rest.find(['`', '"']) {
        let quote = &rest[start..=start];
        bounded.push_str(&rest[..=start]);
        let quoted = &rest[start + 1..];
        match quoted.find(quote) {
            Some(end) => {
                bounded.push_str(&shortened(&quoted[..end], MAX_ECHOED_CHARS));
                bounded.push_str(quote);
                rest = &quoted[end + 1..];
            }
            None => {
                bounded.push_str(&shortened(quoted, MAX_ECHOED_CHARS));
                rest = "";
            }
        }
    }
    bounded.push_str(rest);
    shortened(&bounded, MAX_MESSAGE_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_whole() {
        assert_eq!(shortened("radar", 10), "radar");
        assert_eq!(bounded_message("unknown field `x`"), "unknown field `x`");
    }

    #[test]
    fn long_quoted_input_is_cut_and_the_rest_of_the_message_kept() {
        let name = "a".repeat(1_000_000);
        let message = format!("unknown field `{name}`, expected one of `title`, `summary`");
        let bounded = bounded_message(&message);
        assert!(bounded.len() < 300, "{}", bounded.len());
        assert!(bounded.starts_with("unknown field `aaa"));
        assert!(bounded.contains("(999880 more characters)`"));
        assert!(bounded.ends_with("expected one of `title`, `summary`"));
    }

    #[test]
    fn long_unquoted_text_is_cut_as_a_whole() {
        let bounded = bounded_message(&"é".repeat(10_000));
        assert_eq!(
            bounded.chars().filter(|c| *c == 'é').count(),
            MAX_MESSAGE_CHARS
        );
        let unclosed = bounded_message(&format!("bad value \"{}", "x".repeat(5000)));
        assert!(unclosed.len() < 200, "{unclosed}");
    }
}
