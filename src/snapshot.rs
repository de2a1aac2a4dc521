//! Snapshot v1: the JSON document that carries all policy data. See the README's "Snapshot"
//! section for the format, field by field, and `snapshot.schema.json` for its JSON Schema.

mod export;

pub(crate) use export::settings as settings_json;
mod load;
mod reader;
mod tokens;

pub use load::OBJECT_FIELDS;
pub(crate) use load::SETTINGS_FIELDS;
pub(crate) use reader::{NameRule, shorten};

use crate::catalog::Catalog;
use crate::error::{SnapshotError, SnapshotErrorKind, SnapshotErrors};
use crate::store::Store;

use crate::model::EntityKind;
use crate::store::{EntityId, OrgId, TokenId};

/// A reference resolved once the whole document is read, so that document order never matters.
pub(crate) enum Pending {
    /// An entity's creator names a token.
    CreatorToken { org: OrgId, kind: EntityKind, entity: EntityId, id: String, path: String },
    /// A token record's `createdBy` names a user.
    CreatedBy { token: TokenId, login: String, path: String },
}

/// Snapshots larger than this are refused before parsing (64 MiB).
pub const MAX_SNAPSHOT_BYTES: usize = 64 << 20;

/// Parses and loads a snapshot from JSON text.
pub(crate) fn load_json(catalog: &Catalog, json: &str) -> Result<Store, SnapshotErrors> {
    if json.len() > MAX_SNAPSHOT_BYTES {
        let kind = SnapshotErrorKind::TooLarge { what: "bytes", max: MAX_SNAPSHOT_BYTES };
        return Err(SnapshotErrors(vec![SnapshotError { path: String::new(), kind }]));
    }
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| {
        let kind = SnapshotErrorKind::InvalidJson { detail: e.to_string() };
        SnapshotErrors(vec![SnapshotError { path: String::new(), kind }])
    })?;
    load_value(catalog, &value)
}

/// Loads a snapshot from a parsed JSON value.
pub(crate) fn load_value(catalog: &Catalog, value: &serde_json::Value) -> Result<Store, SnapshotErrors> {
    let mut problems = reader::Problems::default();
    let index = load::load(catalog, value, &mut problems);
    if problems.0.is_empty() { Ok(index) } else { Err(SnapshotErrors(problems.0)) }
}

/// Writes the indexed state out as a snapshot v1 document.
pub(crate) fn export(catalog: &Catalog, index: &Store) -> serde_json::Value {
    export::export(catalog, index)
}

/// Verifies a detached signature made by [`crate::token::sign_snapshot`] with the Ed25519 public key (32 bytes).
/// SECURITY: nothing of the snapshot is parsed before the signature verifies.
pub fn verify(json: &str, signature: &str, public_key: &[u8; 32]) -> Result<(), SnapshotErrors> {
    use base64::Engine as _;
    let bad =
        || SnapshotErrors(vec![SnapshotError { path: String::new(), kind: SnapshotErrorKind::BadSignature }]);
    let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(signature).map_err(|_| bad())?;
    let signature = ed25519_dalek::Signature::from_slice(&signature).map_err(|_| bad())?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(public_key).map_err(|_| bad())?;
    key.verify_strict(json.as_bytes(), &signature).map_err(|_| bad())
}
