//! The changes applied since an engine was loaded, so that it can publish them as a delta.

use std::collections::VecDeque;

use crate::snapshot::Change;

/// At most this many applied changes are kept; older ones are dropped, and a delta from a
/// revision before them is no longer available (a follower then reloads the full snapshot).
pub const MAX_KEPT_CHANGES: usize = 4096;

/// The applied changes, oldest first: the one at position `i` raised the revision from
/// `base + i` to `base + i + 1`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Journal {
    base: u64,
    changes: VecDeque<Change>,
}

impl Journal {
    /// An empty journal for a state at `revision`.
    pub fn at(revision: u64) -> Self {
        Self { base: revision, changes: VecDeque::new() }
    }

    /// Records the change that raised the revision to `revision`. A revision that does not
    /// follow the kept ones (the state was set to another revision) starts the journal over.
    pub fn record(&mut self, revision: u64, change: Change) {
        let next = self.base.saturating_add(self.changes.len() as u64).saturating_add(1);
        if revision != next {
            *self = Self::at(revision.saturating_sub(1));
        }
        if self.changes.len() == MAX_KEPT_CHANGES {
            self.changes.pop_front();
            self.base = self.base.saturating_add(1);
        }
        self.changes.push_back(change);
    }

    /// The oldest revision the kept changes start from.
    pub fn oldest(&self) -> u64 {
        self.base
    }

    /// The changes from `revision` to the newest, or `None` when they are not all kept.
    pub fn since(&self, revision: u64) -> Option<Vec<Change>> {
        let skip = usize::try_from(revision.checked_sub(self.base)?).ok()?;
        (skip <= self.changes.len()).then(|| self.changes.iter().skip(skip).cloned().collect())
    }
}
