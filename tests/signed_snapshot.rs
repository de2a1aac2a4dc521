//! Signed snapshots: only text signed by the configured Ed25519 key loads.

use scopegate::Engine;
use scopegate::SigningKey;

const DEMO: &str = include_str!("fixtures/demo.json");

fn key(seed: u8) -> SigningKey {
    SigningKey::ed25519("snapshot", &[seed; 32])
}

#[test]
fn a_snapshot_signed_by_the_key_loads() {
    let signature = scopegate::sign_snapshot(DEMO, &key(1)).unwrap();
    let engine = Engine::from_signed_json(DEMO, &signature, &key(1).public_key().unwrap()).unwrap();
    assert!(engine.check("ada", "organization:update", "acme"));
}

#[test]
fn a_tampered_snapshot_is_refused_before_parsing() {
    let signature = scopegate::sign_snapshot(DEMO, &key(1)).unwrap();
    let tampered = DEMO.replace("\"role\": \"member\"", "\"role\": \"admin\"");
    assert_ne!(tampered, DEMO);
    let err = Engine::from_signed_json(&tampered, &signature, &key(1).public_key().unwrap()).unwrap_err();
    assert_eq!(err.code().as_str(), "snapshot_signature_invalid");
    // Not even valid JSON gets parsed: the signature is checked first.
    let err = Engine::from_signed_json("{not json", &signature, &key(1).public_key().unwrap()).unwrap_err();
    assert_eq!(err.code().as_str(), "snapshot_signature_invalid");
}

#[test]
fn another_key_unsigned_or_garbled_signatures_are_refused() {
    let public = key(1).public_key().unwrap();
    let by_other = scopegate::sign_snapshot(DEMO, &key(2)).unwrap();
    for signature in [by_other.as_str(), "", "not base64!", "AAAA"] {
        let err = Engine::from_signed_json(DEMO, signature, &public).unwrap_err();
        assert_eq!(err.code().as_str(), "snapshot_signature_invalid", "signature {signature:?}");
    }
    assert!(
        scopegate::sign_snapshot(DEMO, &SigningKey::hs256("h", &[0; 32])).is_none(),
        "snapshots are signed with Ed25519"
    );
}
