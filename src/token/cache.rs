//! The verified-token cache: signed tokens whose signature verified, by the SHA-256 digest of
//! their exact text, with the key id that verified them. A hit skips only the signature
//! verification; the header checks (algorithm allow-list, key present with its algorithm),
//! expiry, `nbf`, revocation, the record and the organization's policy are checked on every use.
//! Entries of a key are dropped when the key is removed, so that a key id given to another key
//! never accepts a token the old key signed.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Mutex;

use rustc_hash::FxHashMap;

/// At most this many verified tokens are kept; the oldest entry makes room for a new one.
pub const MAX_CACHED_TOKENS: usize = 10_000;

#[derive(Debug, Default, Clone)]
struct Entries {
    by_digest: FxHashMap<[u8; 32], Box<str>>,
    order: VecDeque<[u8; 32]>,
}

/// Signed tokens whose signature verified (shared by all the engine's readers, so behind a lock).
#[derive(Default)]
pub(crate) struct VerifiedCache {
    entries: Mutex<Entries>,
}

impl fmt::Debug for VerifiedCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedCache").field("tokens", &self.len()).finish()
    }
}

impl Clone for VerifiedCache {
    fn clone(&self) -> Self {
        let entries = self.entries.lock().map(|e| e.clone()).unwrap_or_default();
        Self { entries: Mutex::new(entries) }
    }
}

impl VerifiedCache {
    /// Whether the token with this digest verified with the key `kid`.
    pub fn verified(&self, digest: &[u8; 32], kid: &str) -> bool {
        self.entries.lock().is_ok_and(|e| e.by_digest.get(digest).is_some_and(|k| &**k == kid))
    }

    /// Records that the token with this digest verified with the key `kid`.
    pub fn insert(&self, digest: [u8; 32], kid: &str) {
        let Ok(mut e) = self.entries.lock() else { return };
        if e.by_digest.insert(digest, kid.into()).is_some() {
            return;
        }
        e.order.push_back(digest);
        while e.order.len() > MAX_CACHED_TOKENS {
            if let Some(oldest) = e.order.pop_front() {
                e.by_digest.remove(&oldest);
            }
        }
    }

    /// Drops every token verified with the key `kid`.
    pub fn forget_key(&self, kid: &str) {
        let Ok(mut e) = self.entries.lock() else { return };
        e.by_digest.retain(|_, k| &**k != kid);
        let Entries { by_digest, order } = &mut *e;
        order.retain(|d| by_digest.contains_key(d));
    }

    /// How many tokens are kept.
    pub fn len(&self) -> usize {
        self.entries.lock().map_or(0, |e| e.by_digest.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(i: usize) -> [u8; 32] {
        let mut d = [0u8; 32];
        d[..8].copy_from_slice(&(i as u64).to_le_bytes());
        d
    }

    #[test]
    fn it_is_bounded_and_drops_the_oldest() {
        let cache = VerifiedCache::default();
        for i in 0..MAX_CACHED_TOKENS + 5 {
            cache.insert(digest(i), "k1");
        }
        assert_eq!(cache.len(), MAX_CACHED_TOKENS);
        assert!(!cache.verified(&digest(4), "k1"));
        assert!(cache.verified(&digest(5), "k1"));
        assert!(cache.verified(&digest(MAX_CACHED_TOKENS + 4), "k1"));
    }

    #[test]
    fn a_hit_needs_the_same_key_and_a_removed_key_forgets_its_tokens() {
        let cache = VerifiedCache::default();
        cache.insert(digest(1), "k1");
        cache.insert(digest(2), "k2");
        assert!(!cache.verified(&digest(1), "k2"));
        cache.forget_key("k1");
        assert!(!cache.verified(&digest(1), "k1"));
        assert!(cache.verified(&digest(2), "k2"));
        assert_eq!(cache.len(), 1);
    }
}
