//! Turning the bytes of an import file into text, as spreadsheets save
//! them: UTF-8, UTF-8 with a byte-order mark (Excel's "CSV UTF-8"), or
//! Windows-1252 (Excel's plain "CSV" on a Dutch Windows), and a CSV
//! separated by commas or, where the decimal mark is a comma, semicolons.

use std::fmt;

/// The character encoding an import file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8WithBom,
    Windows1252,
}

impl fmt::Display for Encoding {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8WithBom => "UTF-8 with byte-order mark",
            Encoding::Windows1252 => "Windows-1252",
        })
    }
}

const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// Decodes `bytes`: UTF-8 when they are valid UTF-8 (a byte-order mark is
/// dropped), Windows-1252 otherwise. Every byte sequence is some
/// Windows-1252 text, so decoding never fails; a file in yet another
/// encoding shows as odd letters in the rows, not as an error.
pub fn decode(bytes: &[u8]) -> (String, Encoding) {
    if let Some(rest) = bytes.strip_prefix(BYTE_ORDER_MARK) {
        if let Ok(text) = std::str::from_utf8(rest) {
            return (text.to_owned(), Encoding::Utf8WithBom);
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_owned(), Encoding::Utf8);
    }
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
    (text.into_owned(), Encoding::Windows1252)
}

/// The separator of a CSV file: whichever of `,`, `;` and tab occurs most
/// often outside quotes in its first line (the header); `,` on a tie.
pub fn sniff_delimiter(text: &str) -> u8 {
    let mut counts = [(b',', 0_usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for character in text.chars() {
        match character {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            _ if quoted => {}
            other => {
                for (delimiter, count) in &mut counts {
                    if char::from(*delimiter) == other {
                        *count += 1;
                    }
                }
            }
        }
    }
    let mut best = counts[0];
    for candidate in &counts[1..] {
        if candidate.1 > best.1 {
            best = *candidate;
        }
    }
    best.0
}

/// How a delimiter is named in a report.
pub fn delimiter_name(delimiter: u8) -> &'static str {
    match delimiter {
        b';' => "semicolons",
        b'\t' => "tabs",
        _ => "commas",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_a_byte_order_mark_and_windows_1252_are_told_apart() {
        assert_eq!(decode(b"naam"), ("naam".to_owned(), Encoding::Utf8));
        assert_eq!(
            decode(b"\xEF\xBB\xBFnaam"),
            ("naam".to_owned(), Encoding::Utf8WithBom)
        );
        assert_eq!(
            decode(b"technologie\xEBn;\x80 100"),
            ("technologieën;€ 100".to_owned(), Encoding::Windows1252)
        );
    }

    #[test]
    fn the_separator_is_the_most_frequent_one_outside_quotes() {
        assert_eq!(sniff_delimiter("id;naam;\"a, b, c\"\n1;2;3"), b';');
        assert_eq!(sniff_delimiter("id,name,\"a; b; c; d\"\n"), b',');
        assert_eq!(sniff_delimiter("id\tname"), b'\t');
        assert_eq!(sniff_delimiter("id"), b',');
    }
}
