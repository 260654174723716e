//! Scrubs credentials out of text that came from a server (error bodies, messages)
//! or that holds a URL, before it becomes a `SourceError`: every secret a client
//! holds is replaced by `***`, and URLs lose their `user:password@` part.

use std::fmt;

use base64::Engine as _;

/// What replaces a secret in scrubbed text.
pub const MASK: &str = "***";
/// Secrets shorter than this are not scrubbed (they would mangle ordinary words).
const MIN_SECRET: usize = 4;

/// The secrets one client holds (tokens, passwords, and the header forms they take).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secrets {
    words: Vec<String>,
}

impl fmt::Debug for Secrets {
    // Never prints a secret, only how many there are.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets({})", self.words.len())
    }
}

impl Secrets {
    /// No secrets (scrubbing still strips URL credentials).
    pub fn none() -> Secrets {
        Secrets::default()
    }

    /// The secrets of a bearer token.
    pub fn token(token: &str) -> Secrets {
        let mut s = Secrets::default();
        s.add(token);
        s
    }

    /// The secrets of basic auth: the password, `user:password` and its base64 header form.
    pub fn basic(user: &str, password: &str) -> Secrets {
        let mut s = Secrets::default();
        let pair = format!("{user}:{password}");
        s.add(&base64::engine::general_purpose::STANDARD.encode(pair.as_bytes()));
        s.add(&pair);
        s.add(password);
        s
    }

    /// The credentials in a URL's userinfo (`scheme://user:password@host`), if any.
    pub fn of_url(url: &str) -> Secrets {
        let Some((user, password)) = userinfo(url) else {
            return Secrets::default();
        };
        let mut s = Secrets::basic(user, password);
        s.add(&percent_decode(password));
        s
    }

    /// Adds one secret (and, with `other`, every secret of another set).
    pub fn add(&mut self, secret: &str) {
        let secret = secret.trim();
        if secret.len() >= MIN_SECRET && !self.words.iter().any(|w| w == secret) {
            self.words.push(secret.to_owned());
            // Longest first, so a secret containing another is masked whole.
            self.words.sort_by_key(|w| std::cmp::Reverse(w.len()));
        }
    }

    /// Adds every secret of `other`.
    pub fn extend(&mut self, other: &Secrets) {
        for w in &other.words {
            self.add(w);
        }
    }

    /// `text` with every secret masked and every URL's userinfo removed.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = strip_urls(text);
        for w in &self.words {
            if out.contains(w.as_str()) {
                out = out.replace(w.as_str(), MASK);
            }
        }
        out
    }
}

/// The user and password of a URL's userinfo.
fn userinfo(url: &str) -> Option<(&str, &str)> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let (info, _) = authority.rsplit_once('@')?;
    Some(info.split_once(':').unwrap_or((info, "")))
}

/// `%XX` escapes decoded (lossily), for passwords written URL-encoded.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A URL without its `user:password@` part (and without a trailing `/`), for messages.
pub fn display_url(url: &str) -> String {
    strip_urls(url.trim_end_matches('/'))
}

/// `text` with the userinfo of every `scheme://user@host` in it removed.
pub fn strip_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c.is_whitespace() || "/?#\"'<>,;".contains(c))
            .unwrap_or(tail.len());
        match tail[..end].rfind('@') {
            Some(user_end) => rest = &tail[user_end + 1..],
            None => rest = tail,
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_basic_forms_are_masked() {
        let s = Secrets::token("s3cr3t-t0ken");
        assert_eq!(
            s.scrub("echo: Authorization: Bearer s3cr3t-t0ken!"),
            "echo: Authorization: Bearer ***!"
        );
        let b = Secrets::basic("admin", "hunter22");
        // "admin:hunter22" in base64.
        assert_eq!(b.scrub("Basic YWRtaW46aHVudGVyMjI="), "Basic ***");
        assert_eq!(b.scrub("pw hunter22 user admin"), "pw *** user admin");
        // Too short to scrub without mangling text.
        assert_eq!(Secrets::token("ab").scrub("abc"), "abc");
    }

    #[test]
    fn urls_lose_their_userinfo() {
        assert_eq!(display_url("tcp://user:pw@host:2376/"), "tcp://host:2376");
        assert_eq!(display_url("http://host/a@b"), "http://host/a@b");
        assert_eq!(
            strip_urls("error connecting to https://u:p@h:1/x and ssh://ops@edge-2"),
            "error connecting to https://h:1/x and ssh://edge-2"
        );
        let s = Secrets::of_url("tcp://user:p%40ssw0rd@host:2376");
        assert_eq!(s.scrub("bad password p@ssw0rd"), "bad password ***");
        assert_eq!(s.scrub("raw p%40ssw0rd"), "raw ***");
        assert_eq!(format!("{s:?}"), "Secrets(4)");
    }
}
