//! Optional bearer-token authentication for API clients (`--token-file`): the tokens
//! are read once at start, and a request's token is compared with each of them in
//! constant time (the comparison never stops at the first differing byte, and compares
//! digests of equal length, so neither a token's content nor its length leaks through
//! timing).

use std::path::Path;

use sha2::{Digest, Sha256};

/// The accepted tokens, as SHA-256 digests.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    digests: Vec<[u8; 32]>,
}

fn digest(token: &[u8]) -> [u8; 32] {
    Sha256::digest(token).into()
}

/// Whether two digests are equal, looking at every byte whatever the first difference.
fn same(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let mut difference = 0u8;
    for (x, y) in a.iter().zip(b.iter()) {
        difference |= x ^ y;
    }
    // Keep the optimiser from turning the fold into an early exit.
    std::hint::black_box(difference) == 0
}

impl Tokens {
    /// Reads a token file: one token per line; blank lines and lines starting with `#`
    /// are skipped. A file with no token is an error (it would lock every client out).
    pub fn load(path: &Path) -> Result<Tokens, String> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            format!(
                "{}: {}",
                path.display(),
                e.kind().to_string().to_lowercase()
            )
        })?;
        let tokens = Tokens::from_text(&text);
        if tokens.digests.is_empty() {
            return Err(format!("{} holds no token", path.display()));
        }
        Ok(tokens)
    }

    /// Tokens from text, one per line.
    pub fn from_text(text: &str) -> Tokens {
        Tokens {
            digests: text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(|l| digest(l.as_bytes()))
                .collect(),
        }
    }

    /// Whether an `Authorization` header value carries one of the tokens. Every token is
    /// compared, whichever matches.
    pub fn accepts(&self, authorization: Option<&[u8]>) -> bool {
        let Some(value) = authorization else {
            return false;
        };
        let Some(token) = strip_bearer(value) else {
            return false;
        };
        let given = digest(token);
        let mut found = false;
        for accepted in &self.digests {
            found |= same(&given, accepted);
        }
        found
    }
}

/// The token of `Bearer TOKEN` (the scheme's name in any case, RFC 9110).
fn strip_bearer(value: &[u8]) -> Option<&[u8]> {
    if value.len() < 7 || !value[..7].eq_ignore_ascii_case(b"bearer ") {
        return None;
    }
    let token = value[7..].trim_ascii();
    (!token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_only_listed_bearer_tokens() {
        let tokens = Tokens::from_text("# API clients\nsecret-one\n\n  secret-two  \n");
        assert!(tokens.accepts(Some(b"Bearer secret-one")));
        assert!(tokens.accepts(Some(b"bearer secret-two")));
        assert!(!tokens.accepts(Some(b"Bearer secret-on")));
        assert!(!tokens.accepts(Some(b"Bearer secret-onee")));
        assert!(!tokens.accepts(Some(b"Basic c2VjcmV0LW9uZQ==")));
        assert!(!tokens.accepts(Some(b"Bearer ")));
        assert!(!tokens.accepts(Some(b"Bearer # API clients")));
        assert!(!tokens.accepts(None));
    }
}
