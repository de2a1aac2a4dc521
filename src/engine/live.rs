//! Live policy on the facade: changes as data, signed deltas and revisions.

use super::*;
use crate::error::DeltaError;
use crate::snapshot::{Change, Delta};

impl Engine {
    /// Like [`Engine::from_signed_json`], and refuses a snapshot whose `notAfter` (seconds since
    /// the epoch) is before `now` (`snapshot_expired`), so that an old signed snapshot cannot be
    /// replayed once it has expired.
    pub fn from_signed_json_at(
        json: &str,
        signature: &str,
        public_key: &[u8; 32],
        now: u64,
    ) -> Result<Self, SnapshotErrors> {
        let engine = Self::from_signed_json(json, signature, public_key)?;
        match engine.store.not_after() {
            Some(not_after) if not_after < now => {
                let kind = crate::error::SnapshotErrorKind::Expired { not_after };
                Err(SnapshotErrors(vec![crate::error::SnapshotError { path: "notAfter".into(), kind }]))
            }
            _ => Ok(engine),
        }
    }

    /// The `notAfter` of the snapshot or of the last delta applied, seconds since the epoch.
    pub fn not_after(&self) -> Option<u64> {
        self.store.not_after()
    }

    /// Applies a signed delta: verifies `signature` (base64url Ed25519 over the exact text, as
    /// [`crate::token::sign_snapshot`] makes it) with `public_key` before reading anything,
    /// refuses an expired one (`notAfter` before `now`), one whose `baseRevision` is not the
    /// current revision (`delta_gap` when ahead, `delta_replay` when behind), and applies every
    /// change or none: a refused change leaves the engine as it was. Returns the new revision.
    pub fn apply_delta(
        &mut self,
        text: &str,
        signature: &str,
        public_key: &[u8; 32],
        now: u64,
    ) -> Result<u64, DeltaError> {
        crate::snapshot::verify_delta(text, signature, public_key)?;
        let delta = crate::snapshot::read_delta(text)?;
        if let Some(not_after) = delta.not_after.filter(|t| *t < now) {
            return Err(DeltaError::Expired { not_after, now });
        }
        let current = self.revision();
        if delta.base_revision > current {
            return Err(DeltaError::Gap { current, base: delta.base_revision });
        }
        if delta.base_revision < current {
            return Err(DeltaError::Replay { current, base: delta.base_revision });
        }
        self.apply_changes(delta.changes)?;
        if delta.not_after.is_some() {
            self.store.set_not_after(delta.not_after);
        }
        Ok(self.revision())
    }

    /// Applies changes from a trusted source (no signature, no revision check), all or none;
    /// each raises the revision by one. Returns the new revision. Every change is checked
    /// against the current state before the first is applied, so a refused change leaves the
    /// engine as it was without the state being copied (changes that depend on earlier ones of
    /// the same list are applied to a copy).
    pub fn apply_changes(&mut self, changes: Vec<Change>) -> Result<u64, DeltaError> {
        let removed_keys: Vec<String> = changes
            .iter()
            .filter_map(|c| match c {
                Change::RemoveKey { kid } => Some(kid.clone()),
                _ => None,
            })
            .collect();
        self.manager().apply_all(changes)?;
        if let Some(cache) = &self.token_cache {
            removed_keys.iter().for_each(|kid| cache.forget_key(kid));
        }
        Ok(self.revision())
    }

    /// Turns the verified-token cache on (the default) or off. With it on, a signed token whose
    /// signature verified once is not verified again (up to [`crate::token::MAX_CACHED_TOKENS`]
    /// tokens, by the SHA-256 of their text); everything else about it is checked on every use.
    pub fn with_token_cache(mut self, enabled: bool) -> Self {
        self.token_cache = enabled.then(VerifiedCache::default);
        self
    }

    /// How many signed tokens the verified-token cache holds (0 when it is off).
    pub fn cached_tokens(&self) -> usize {
        self.token_cache.as_ref().map_or(0, VerifiedCache::len)
    }

    /// The delta from `revision` to the current revision: what an origin publishes for a
    /// follower at `revision` (sign its [`Delta::to_json`] with [`crate::token::sign_snapshot`]).
    /// The engine keeps the last [`MAX_KEPT_CHANGES`] changes since it was loaded; older ones
    /// are `changes_unavailable`, and so is a revision the engine has not reached.
    pub fn changes_since(&self, revision: u64) -> Result<Delta, DeltaError> {
        let current = self.revision();
        let changes = (revision <= current).then(|| self.journal.since(revision)).flatten();
        let changes = changes.ok_or(DeltaError::Unavailable {
            since: revision,
            oldest: self.journal.oldest(),
            current,
        })?;
        Ok(Delta { version: 1, base_revision: revision, revision: current, changes, not_after: None })
    }
}
