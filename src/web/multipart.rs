//! `multipart/form-data` bodies, read whole: the upload form of the import
//! page, a few text fields and one file. Browsers send each part with a
//! `Content-Disposition: form-data; name="…"` header (and `filename="…"`
//! for a file) and no transfer encoding, which is all this reads; the body
//! is bounded by the caller before it gets here.

use memchr::memmem;

/// One field of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    /// The name of the chosen file, for a file field.
    pub file_name: Option<String>,
    pub content: Vec<u8>,
}

/// A body that is not `multipart/form-data` as browsers send it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the form could not be read")]
pub struct MalformedForm;

/// The boundary of a `multipart/form-data` content type.
pub fn boundary_of(content_type: &str) -> Option<String> {
    let mut parameters = content_type.split(';');
    let media_type = parameters.next()?.trim();
    if !media_type.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    parameters
        .filter_map(|parameter| parameter.split_once('='))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, value)| value.trim().trim_matches('"').to_owned())
        .filter(|boundary| !boundary.is_empty() && boundary.len() <= 200)
}

/// The parts of `body`, separated by `boundary`, in order.
pub fn parse(body: &[u8], boundary: &str) -> Result<Vec<Part>, MalformedForm> {
    let delimiter = format!("--{boundary}");
    // Every part after the first starts on a line of its own.
    let next_delimiter = format!("\r\n--{boundary}");
    let first = memmem::find(body, delimiter.as_bytes()).ok_or(MalformedForm)?;
    let mut rest = &body[first + delimiter.len()..];
    let mut parts = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        rest = rest.strip_prefix(b"\r\n").ok_or(MalformedForm)?;
        let headers_end = memmem::find(rest, b"\r\n\r\n").ok_or(MalformedForm)?;
        let headers = String::from_utf8_lossy(&rest[..headers_end]);
        let (name, file_name) = disposition(&headers).ok_or(MalformedForm)?;
        rest = &rest[headers_end + 4..];
        let content_end = memmem::find(rest, next_delimiter.as_bytes()).ok_or(MalformedForm)?;
        parts.push(Part {
            name,
            file_name,
            content: rest[..content_end].to_vec(),
        });
        rest = &rest[content_end + next_delimiter.len()..];
    }
}

/// The field name and file name of a part's `Content-Disposition` header.
fn disposition(headers: &str) -> Option<(String, Option<String>)> {
    let value = headers.split("\r\n").find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-disposition")
            .then_some(value)
    })?;
    let name = parameter(value, "name")?;
    Some((name, parameter(value, "filename")))
}

/// The value of the parameter `wanted` of a header value such as
/// `form-data; name="file"; filename="a.csv"` (quoted or not). Browsers
/// escape a `"` in a value as `%22`, so a quoted value ends at the next `"`.
fn parameter(header_value: &str, wanted: &str) -> Option<String> {
    let mut rest = header_value;
    while let Some(separator) = rest.find(';') {
        rest = rest[separator + 1..].trim_start();
        let (name, after) = rest.split_once('=')?;
        let (value, remainder) = match after.strip_prefix('"') {
            Some(quoted) => {
                let end = quoted.find('"')?;
                (&quoted[..end], &quoted[end + 1..])
            }
            None => {
                let end = after.find(';').unwrap_or(after.len());
                (after[..end].trim(), &after[end..])
            }
        };
        if name.trim().eq_ignore_ascii_case(wanted) {
            return Some(value.replace("%22", "\""));
        }
        rest = remainder;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOUNDARY: &str = "----WebKitFormBoundaryX3b";

    fn body() -> Vec<u8> {
        let mut body = Vec::new();
        body.extend_from_slice(b"------WebKitFormBoundaryX3b\r\n");
        body.extend_from_slice(b"Content-Disposition: form-data; name=\"csrf\"\r\n\r\n");
        body.extend_from_slice(b"token\r\n");
        body.extend_from_slice(b"------WebKitFormBoundaryX3b\r\n");
        body.extend_from_slice(
            b"Content-Disposition: form-data; name=\"file\"; filename=\"rom \xc3\xa9.csv\"\r\n",
        );
        body.extend_from_slice(b"Content-Type: text/csv\r\n\r\n");
        // A file may hold CR LF, dashes and bytes that are not UTF-8.
        body.extend_from_slice(b"Kenmerk;Naam\r\n--S-01;Caf\xe9\r\n");
        body.extend_from_slice(b"\r\n------WebKitFormBoundaryX3b\r\n");
        body.extend_from_slice(b"Content-Disposition: form-data; name=\"sheet\"\r\n\r\n");
        body.extend_from_slice(b"\r\n------WebKitFormBoundaryX3b--\r\n");
        body
    }

    #[test]
    fn reads_fields_and_the_file_byte_for_byte() {
        let parts = parse(&body(), BOUNDARY).expect("a browser's form");
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0].name, "csrf");
        assert_eq!(parts[0].content, b"token");
        assert_eq!(parts[0].file_name, None);
        assert_eq!(parts[1].name, "file");
        assert_eq!(parts[1].file_name.as_deref(), Some("rom é.csv"));
        assert_eq!(parts[1].content, b"Kenmerk;Naam\r\n--S-01;Caf\xe9\r\n");
        assert_eq!(parts[2].name, "sheet");
        assert!(parts[2].content.is_empty());
    }

    #[test]
    fn the_boundary_comes_from_the_content_type() {
        assert_eq!(
            boundary_of("multipart/form-data; boundary=----WebKitFormBoundaryX3b").as_deref(),
            Some(BOUNDARY)
        );
        assert_eq!(
            boundary_of("multipart/form-data; charset=utf-8; boundary=\"abc\"").as_deref(),
            Some("abc")
        );
        assert_eq!(boundary_of("application/x-www-form-urlencoded"), None);
        assert_eq!(boundary_of("multipart/form-data"), None);
    }

    #[test]
    fn a_cut_off_or_foreign_body_is_malformed() {
        let whole = body();
        assert_eq!(
            parse(&whole[..whole.len() - 40], BOUNDARY),
            Err(MalformedForm)
        );
        assert_eq!(parse(b"csrf=token&sheet=", BOUNDARY), Err(MalformedForm));
        assert_eq!(parse(&whole, "another"), Err(MalformedForm));
    }

    #[test]
    fn parameters_may_be_quoted_or_not() {
        assert_eq!(
            parameter("form-data; name=kind", "name").as_deref(),
            Some("kind")
        );
        assert_eq!(
            parameter(
                "form-data; name=\"a;b\"; filename=\"x%22y.csv\"",
                "filename"
            )
            .as_deref(),
            Some("x\"y.csv")
        );
        assert_eq!(parameter("form-data; filename=\"a.csv\"", "name"), None);
    }
}
