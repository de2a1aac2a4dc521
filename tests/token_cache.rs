//! The verified-token cache: a hit skips only the signature verification. Expiry, `nbf`,
//! revocation, the record and the key are checked on every use, and a removed key forgets the
//! tokens it verified.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use scopegate::SigningKey;
use scopegate::{Change, MintRequest};
use scopegate::{Engine, TokenKind};
use serde_json::json;

const NOW: u64 = 1_800_000_000;
const HOUR: u64 = 3600;

fn key(seed: u8) -> SigningKey {
    SigningKey::ed25519("k1", &[seed; 32])
}

fn key_entry(seed: u8) -> serde_json::Value {
    json!({ "kid": "k1", "alg": "EdDSA", "publicKey": URL_SAFE_NO_PAD.encode(key(seed).public_key().unwrap()) })
}

fn world() -> Engine {
    let snapshot = json!({
        "version": 1,
        "signing": { "keys": [key_entry(1)] },
        "organizations": [{
            "name": "acme",
            "members": [{ "login": "alice", "role": "admin" }, { "login": "bob" }],
            "teams": [{ "name": "web", "members": ["bob"] }],
        }],
    });
    Engine::from_json(&snapshot.to_string()).unwrap()
}

fn org_token(name: &str) -> MintRequest {
    MintRequest {
        kind: Some(TokenKind::Organization),
        org: Some("acme".into()),
        name: Some(name.into()),
        expires: Some(NOW + HOUR),
        ..MintRequest::default()
    }
}

fn code(engine: &Engine, token: &str, now: u64) -> &'static str {
    match engine.authenticate(token, now, None) {
        Ok(_) => "ok",
        Err(e) => e.code().as_str(),
    }
}

/// What an authentication found, without the principal (whose identity is its engine's: a clone
/// is another engine).
fn seen(found: Result<scopegate::Authenticated, scopegate::TokenError>) -> Result<String, String> {
    found
        .map(|a| {
            format!(
                "{:?} {} {:?} {:?} {} {:?} {}",
                a.principal_name, a.token_id, a.kind, a.organization, a.subject, a.expires, a.signed
            )
        })
        .map_err(|e| e.code().as_str().to_string())
}

#[test]
fn a_verified_token_is_cached_once_and_answers_as_without_the_cache() {
    let mut engine = world();
    let minted = engine.mint_signed("alice", &org_token("ci"), NOW, &key(1)).unwrap();
    let personal = MintRequest { expires: Some(NOW + HOUR), ..MintRequest::default() };
    let bob = engine.mint_signed("bob", &personal, NOW, &key(1)).unwrap();
    let uncached = engine.clone().with_token_cache(false);
    for _ in 0..3 {
        assert_eq!(
            seen(engine.authenticate(&minted.token, NOW, Some("acme"))),
            seen(uncached.authenticate(&minted.token, NOW, Some("acme")))
        );
        assert_eq!(
            seen(engine.authenticate(&bob.token, NOW, None)),
            seen(uncached.authenticate(&bob.token, NOW, None))
        );
    }
    assert_eq!((engine.cached_tokens(), uncached.cached_tokens()), (2, 0));
    // A tampered token is another text: it misses and fails verification.
    let tampered = format!("{}A", minted.token);
    assert_eq!(code(&engine, &tampered, NOW), "bad_signature");
    assert_eq!(engine.cached_tokens(), 2);
}

#[test]
fn a_hit_still_refuses_an_expired_or_not_yet_valid_token() {
    let mut engine = world();
    let minted = engine.mint_signed("alice", &org_token("ci"), NOW, &key(1)).unwrap();
    assert_eq!(code(&engine, &minted.token, NOW), "ok");
    assert_eq!(engine.cached_tokens(), 1);
    assert_eq!(code(&engine, &minted.token, NOW + 2 * HOUR), "token_expired");
    assert_eq!(code(&engine, &minted.token, NOW - HOUR), "token_not_yet_valid");
    assert_eq!(code(&engine, &minted.token, NOW), "ok");
}

#[test]
fn a_hit_still_refuses_a_revoked_or_deleted_token() {
    let mut engine = world();
    let revoked = engine.mint_signed("alice", &org_token("ci"), NOW, &key(1)).unwrap();
    let deleted = engine.mint_signed("alice", &org_token("deploy"), NOW, &key(1)).unwrap();
    assert_eq!((code(&engine, &revoked.token, NOW), code(&engine, &deleted.token, NOW)), ("ok", "ok"));
    assert_eq!(engine.cached_tokens(), 2);
    engine.apply_changes(vec![Change::RevokeToken { id: revoked.id.clone() }]).unwrap();
    engine.delete_token("alice", &deleted.id).unwrap();
    assert_eq!(code(&engine, &revoked.token, NOW), "token_revoked");
    assert_eq!(code(&engine, &deleted.token, NOW), "token_revoked");
}

#[test]
fn a_hit_still_applies_the_organization_and_its_policy() {
    let mut engine = world();
    let month = MintRequest { expires: Some(NOW + 30 * 24 * HOUR), ..org_token("ci") };
    let minted = engine.mint_signed("alice", &month, NOW, &key(1)).unwrap();
    assert_eq!(code(&engine, &minted.token, NOW), "ok");
    assert_eq!(engine.cached_tokens(), 1);
    let err = engine.authenticate(&minted.token, NOW, Some("globex")).unwrap_err();
    assert_eq!(err.code().as_str(), "wrong_organization");
    let patch = scopegate::SettingsPatch { token_expiry_policy_days: Some(Some(7)), ..Default::default() };
    engine.update_settings("alice", "acme", &patch).unwrap();
    assert_eq!(code(&engine, &minted.token, NOW), "expiry_policy_violation");
}

#[test]
fn a_removed_key_forgets_its_tokens_even_when_its_id_returns_with_another_key() {
    let mut engine = world();
    let minted = engine.mint_signed("alice", &org_token("ci"), NOW, &key(1)).unwrap();
    assert_eq!(code(&engine, &minted.token, NOW), "ok");
    assert_eq!(engine.cached_tokens(), 1);
    engine.apply_changes(vec![Change::RemoveKey { kid: "k1".into() }]).unwrap();
    assert_eq!(engine.cached_tokens(), 0);
    assert_eq!(code(&engine, &minted.token, NOW), "algorithm_not_allowed");
    let other = json!({ "op": "addKey", "key": key_entry(2) }).to_string();
    engine.apply_changes(vec![Change::from_json(&other).unwrap()]).unwrap();
    assert_eq!(code(&engine, &minted.token, NOW), "bad_signature");
    // Removed and given back in one batch: still forgotten.
    let mut engine = world();
    let minted = engine.mint_signed("alice", &org_token("ci"), NOW, &key(1)).unwrap();
    assert_eq!(code(&engine, &minted.token, NOW), "ok");
    engine
        .apply_changes(vec![Change::RemoveKey { kid: "k1".into() }, Change::from_json(&other).unwrap()])
        .unwrap();
    assert_eq!(code(&engine, &minted.token, NOW), "bad_signature");
}
