//! A small blocking HTTP/1.1 client over one keep-alive connection, for the
//! load generator: no async runtime of its own and nothing between the
//! socket and the stopwatch but writing the request and reading the whole
//! response. It speaks just enough HTTP for defmatch's answers
//! (`Content-Length` or chunked bodies).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};

use anyhow::{bail, Context};

/// A response, read completely.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first header called `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header == name)
            .map(|(_, value)| value.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> anyhow::Result<serde_json::Value> {
        serde_json::from_slice(&self.body).context("the response body is not JSON")
    }

    /// The body as text, for error messages.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One client with one connection, opened on first use and reopened when
/// the server has closed it.
pub struct HttpClient {
    address: SocketAddr,
    connection: Option<BufReader<TcpStream>>,
}

impl HttpClient {
    /// A client of the server at `address`; nothing is connected yet.
    pub fn new(address: SocketAddr) -> Self {
        HttpClient {
            address,
            connection: None,
        }
    }

    /// `GET path`, with a bearer token when given.
    pub fn get(&mut self, path: &str, token: Option<&str>) -> anyhow::Result<HttpResponse> {
        let head = self.request_head("GET", path, token, &[]);
        self.exchange(&head, &[])
    }

    /// `POST path` with a JSON body and, when given, `If-Match: "version"`.
    pub fn post_json(
        &mut self,
        path: &str,
        token: Option<&str>,
        if_match: Option<i64>,
        body: &serde_json::Value,
    ) -> anyhow::Result<HttpResponse> {
        self.send_json("POST", path, token, if_match, body)
    }

    /// `PATCH path` with a JSON body and `If-Match: "version"`.
    pub fn patch_json(
        &mut self,
        path: &str,
        token: Option<&str>,
        if_match: i64,
        body: &serde_json::Value,
    ) -> anyhow::Result<HttpResponse> {
        self.send_json("PATCH", path, token, Some(if_match), body)
    }

    fn send_json(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        if_match: Option<i64>,
        body: &serde_json::Value,
    ) -> anyhow::Result<HttpResponse> {
        let bytes = serde_json::to_vec(body)?;
        let mut extra = vec![
            ("Content-Type", "application/json".to_owned()),
            ("Content-Length", bytes.len().to_string()),
        ];
        if let Some(version) = if_match {
            extra.push(("If-Match", format!("\"{version}\"")));
        }
        let head = self.request_head(method, path, token, &extra);
        self.exchange(&head, &bytes)
    }

    fn request_head(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        extra: &[(&str, String)],
    ) -> String {
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.address);
        if let Some(token) = token {
            head.push_str(&format!("Authorization: Bearer {token}\r\n"));
        }
        for (name, value) in extra {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        head
    }

    /// Sends a request and reads its response. A kept-alive connection the
    /// server closed meanwhile answers nothing at all; the request is then
    /// sent once more on a new connection.
    fn exchange(&mut self, head: &str, body: &[u8]) -> anyhow::Result<HttpResponse> {
        let reused = self.connection.is_some();
        match self.try_exchange(head, body) {
            Ok(Some(response)) => Ok(response),
            Ok(None) if reused => {
                self.connection = None;
                self.try_exchange(head, body)?
                    .context("the server closed the connection without an answer")
            }
            Ok(None) => bail!("the server closed the connection without an answer"),
            Err(error) => {
                self.connection = None;
                Err(error)
            }
        }
    }

    fn try_exchange(&mut self, head: &str, body: &[u8]) -> anyhow::Result<Option<HttpResponse>> {
        let connection = match &mut self.connection {
            Some(connection) => connection,
            None => {
                let stream = TcpStream::connect(self.address)
                    .with_context(|| format!("failed to connect to {}", self.address))?;
                // Requests are small and answered at once: do not let Nagle
                // hold them back.
                stream.set_nodelay(true)?;
                self.connection.insert(BufReader::new(stream))
            }
        };
        let stream = connection.get_mut();
        if stream.write_all(head.as_bytes()).is_err() {
            self.connection = None;
            return Ok(None);
        }
        stream.write_all(body)?;
        let response = read_response(connection)?;
        let closes = response.as_ref().is_none_or(|response| {
            response
                .header("connection")
                .is_some_and(|value| value.eq_ignore_ascii_case("close"))
        });
        if closes {
            self.connection = None;
        }
        Ok(response)
    }
}

/// Reads one response; `None` when the connection was closed before it.
fn read_response(reader: &mut BufReader<TcpStream>) -> anyhow::Result<Option<HttpResponse>> {
    let mut status_line = String::new();
    if reader.read_line(&mut status_line)? == 0 {
        return Ok(None);
    }
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .with_context(|| format!("not an HTTP status line: {status_line:?}"))?;
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            bail!("the connection closed inside the response headers");
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let find = |name: &str| {
        headers
            .iter()
            .find(|(header, _)| header == name)
            .map(|(_, value)| value.clone())
    };
    let body = if find("transfer-encoding").is_some_and(|value| value.contains("chunked")) {
        read_chunked(reader)?
    } else if let Some(length) = find("content-length") {
        let length: usize = length.parse().context("a bad Content-Length")?;
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        body
    } else {
        Vec::new()
    };
    Ok(Some(HttpResponse {
        status,
        headers,
        body,
    }))
}

fn read_chunked(reader: &mut BufReader<TcpStream>) -> anyhow::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size_line = String::new();
        reader.read_line(&mut size_line)?;
        let size_text = size_line.trim().split(';').next().unwrap_or_default();
        let size = usize::from_str_radix(size_text, 16)
            .with_context(|| format!("a bad chunk size: {size_line:?}"))?;
        if size == 0 {
            // Trailers, if any, end with an empty line.
            loop {
                let mut trailer = String::new();
                if reader.read_line(&mut trailer)? == 0 || trailer.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        let mut line_end = [0_u8; 2];
        reader.read_exact(&mut line_end)?;
    }
}

/// `text` encoded for a URL query.
pub fn query_value(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
