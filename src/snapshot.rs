//! Snapshot v1: the JSON document that carries all policy data. See the README's "Snapshot"
//! section for the format, field by field, and `snapshot.schema.json` for its JSON Schema.
//!
//! [`wire`] defines every object once, for both directions. Loading reads the text into the wire
//! types (strings borrowed from it) with a small path-aware JSON reader that is a serde
//! `Deserializer` (`read.rs`, `lex.rs`), then checks the values (`load.rs`, `org.rs`, `tokens.rs`)
//! and builds the index through the functions of `build.rs`, the only ones that write it;
//! exporting turns the index back into wire values (`export.rs`, the only reader of the index).

mod build;
mod checks;
mod delta;
mod export;
// The object fields the wire types read, for the schema tests: compiled for them only.
#[cfg(feature = "testing")]
mod fields;
mod load;
mod names;
mod org;
mod read;
mod tokens;
pub mod wire;

use serde::Deserialize as _;

pub use delta::{Change, Delta};
pub(crate) use delta::{add_token, read_delta, read_key, verify_delta};
pub use export::ExportOptions;
pub(crate) use export::token_record;
#[cfg(feature = "testing")]
pub use fields::object_fields;
pub(crate) use names::{NameRule, shorten};

use crate::catalog::Catalog;
use crate::error::{SnapshotError, SnapshotErrorKind, SnapshotErrors};
use crate::store::Store;
use read::Reader;

/// Snapshots larger than this are refused before parsing (64 MiB).
pub const MAX_SNAPSHOT_BYTES: usize = 64 << 20;

fn one(kind: SnapshotErrorKind) -> SnapshotErrors {
    SnapshotErrors(vec![SnapshotError { path: String::new(), kind }])
}

/// Parses and loads a snapshot from JSON text.
pub(crate) fn load_json(catalog: &Catalog, json: &str) -> Result<Store, SnapshotErrors> {
    if json.len() > MAX_SNAPSHOT_BYTES {
        return Err(one(SnapshotErrorKind::TooLarge { what: "bytes", max: MAX_SNAPSHOT_BYTES }));
    }
    let mut reader = Reader::new(json);
    let read = wire::Snapshot::deserialize(&mut reader).and_then(|doc| {
        reader.end()?;
        Ok(doc)
    });
    let (mut problems, first_error) = reader.finish();
    match read {
        Ok(doc) => {
            let index = load::load(catalog, &doc, &mut problems);
            if problems.0.is_empty() { Ok(index) } else { Err(SnapshotErrors(problems.0)) }
        }
        Err(_) => {
            let invalid_json = |detail: String| SnapshotError {
                path: String::new(),
                kind: SnapshotErrorKind::InvalidJson { detail },
            };
            let hard = match first_error {
                Some(SnapshotError { path, kind: SnapshotErrorKind::WrongType { .. } })
                    if path.is_empty() =>
                {
                    invalid_json("the top level is not an object".into())
                }
                Some(e) => e,
                None => invalid_json("the text cannot be read".into()),
            };
            problems.push_error(hard);
            Err(SnapshotErrors(problems.0))
        }
    }
}

/// Reads a small JSON object leniently, for signed-token headers and claims: unknown members are
/// skipped, and a member name repeated in any object of the text refuses it whole (parsers
/// disagree on which of two wins). `None` when the text is not such an object.
pub(crate) fn read_object<'a, T: serde::Deserialize<'a>>(text: &'a str) -> Option<T> {
    let mut reader = Reader::lenient(text);
    let value = T::deserialize(&mut reader).and_then(|value| {
        reader.end()?;
        Ok(value)
    });
    let (problems, error) = reader.finish();
    value.ok().filter(|_| problems.0.is_empty() && error.is_none())
}

/// Reads a JSON object into a wire type strictly, as a snapshot is read (unknown and repeated
/// fields refused), for requests shaped like snapshot parts: the first problem, if any.
pub(crate) fn read_strict<'a, T: serde::Deserialize<'a>>(text: &'a str) -> Result<T, SnapshotError> {
    let mut reader = Reader::new(text);
    let value = T::deserialize(&mut reader).and_then(|value| {
        reader.end()?;
        Ok(value)
    });
    let (problems, error) = reader.finish();
    let problem = problems.0.into_iter().next().or(error);
    match (value, problem) {
        (Ok(value), None) => Ok(value),
        (_, problem) => Err(problem.unwrap_or(SnapshotError {
            path: String::new(),
            kind: SnapshotErrorKind::InvalidJson { detail: "the text cannot be read".into() },
        })),
    }
}

/// The current state as snapshot v1 JSON text.
pub(crate) fn to_json(catalog: &Catalog, index: &Store, options: ExportOptions) -> String {
    serde_json::to_string(&export::export(catalog, index, options)).unwrap_or_default()
}

/// Verifies a detached signature made by [`sign`] with the Ed25519 public key (32 bytes).
/// SECURITY: nothing of the snapshot is parsed before the signature verifies.
pub fn verify(json: &str, signature: &str, public_key: &[u8; 32]) -> Result<(), SnapshotErrors> {
    let bad = || one(SnapshotErrorKind::BadSignature);
    let signature = crate::model::base64url::decode(signature).ok_or_else(bad)?;
    let signature = ed25519_dalek::Signature::from_slice(&signature).map_err(|_| bad())?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(public_key).map_err(|_| bad())?;
    key.verify_strict(json.as_bytes(), &signature).map_err(|_| bad())
}
