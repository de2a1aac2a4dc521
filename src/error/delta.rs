//! Why a delta (a signed list of changes on top of a revision) was refused.

use super::{ErrorCode, ManageError, SnapshotError};

/// A refused delta or change list. Nothing of a refused delta is applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DeltaError {
    /// The detached signature does not verify with the configured key.
    #[error("the delta's signature does not verify with the configured key")]
    BadSignature,
    /// The document is malformed: not JSON, an unknown or missing field, a wrong type.
    #[error("invalid delta: {0}")]
    Invalid(Box<SnapshotError>),
    /// `baseRevision` is ahead of the engine: deltas in between are missing.
    #[error(
        "the delta applies to revision {base}, but the engine is at revision {current}; deltas in between are missing"
    )]
    Gap {
        /// The engine's revision.
        current: u64,
        /// The delta's `baseRevision`.
        base: u64,
    },
    /// `baseRevision` is behind the engine: the delta was applied already, or is older.
    #[error("the delta applies to revision {base}, but the engine is at revision {current} already")]
    Replay {
        /// The engine's revision.
        current: u64,
        /// The delta's `baseRevision`.
        base: u64,
    },
    /// `notAfter` has passed.
    #[error("the delta expired at {not_after} (now is {now})")]
    Expired {
        /// The delta's `notAfter`, seconds since the epoch.
        not_after: u64,
        /// The time it was applied at.
        now: u64,
    },
    /// A change cannot be applied to the state; `path` names the change and its field
    /// (`changes[3].login`).
    #[error("{path}: {error}")]
    Change {
        /// Where in the document the change (and its field) is.
        path: String,
        /// Why it cannot be applied.
        error: Box<ManageError>,
    },
    /// The engine no longer holds the changes since that revision (or never reached it).
    #[error(
        "the changes since revision {since} are not available (the engine holds revisions {oldest} to {current})"
    )]
    Unavailable {
        /// The revision asked for.
        since: u64,
        /// The oldest revision the kept changes start from.
        oldest: u64,
        /// The engine's revision.
        current: u64,
    },
}

impl DeltaError {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::BadSignature => ErrorCode::DeltaSignatureInvalid,
            Self::Invalid(error) => error.code(),
            Self::Gap { .. } => ErrorCode::DeltaGap,
            Self::Replay { .. } => ErrorCode::DeltaReplay,
            Self::Expired { .. } => ErrorCode::DeltaExpired,
            Self::Change { error, .. } => error.code(),
            Self::Unavailable { .. } => ErrorCode::ChangesUnavailable,
        }
    }
}
