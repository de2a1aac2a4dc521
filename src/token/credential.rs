//! Taking the token out of what the caller passes: a bare token, `token <value>`,
//! `Bearer <value>`, or an `Authorization:` header line.

use super::MAX_CREDENTIAL_BYTES;
use crate::error::TokenError;

/// The token inside a credential string. SECURITY: the size cap comes before any other work.
pub(crate) fn strip(credential: &str) -> Result<&str, TokenError> {
    if credential.len() > MAX_CREDENTIAL_BYTES {
        return Err(TokenError::Malformed { why: "longer than 8192 bytes" });
    }
    let mut rest = credential.trim();
    if let Some(value) = strip_prefix_ignore_case(rest, "authorization:") {
        rest = value.trim_start();
    }
    for scheme in ["token ", "bearer "] {
        if let Some(value) = strip_prefix_ignore_case(rest, scheme) {
            rest = value.trim_start();
            break;
        }
    }
    if rest.is_empty() {
        return Err(TokenError::Malformed { why: "empty" });
    }
    if !rest.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(TokenError::Malformed { why: "contains whitespace or non-ASCII characters" });
    }
    Ok(rest)
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) { s.get(prefix.len()..) } else { None }
}
