//! Credentials against a fixed snapshot: opaque `pul-` tokens (live, expired, deleted, of an
//! organization with an expiry policy), signed EdDSA and HS256 tokens, issuer and audience set.
//!
//! Each input is used twice: as the credential itself, and as the claims of an HS256 token that
//! this target signs with the snapshot's key (a fuzzer cannot forge signatures, so without this
//! the claim checks behind the signature would only ever see the seeds). Whatever the input,
//! `authenticate` must return, and what it accepts must be consistent.

#![no_main]

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use libfuzzer_sys::fuzz_target;
use scopegate::Engine;
use scopegate::token::Authenticated;
use serde_json::Value;
use sha2::Sha256;

/// Seconds since the epoch at which every credential is checked.
const NOW: u64 = 1_800_000_000;
/// The snapshot's `signing.leewaySeconds`.
const LEEWAY: u64 = 60;
/// The snapshot's `signing.issuer` and `signing.audience`.
const ISSUER: &str = "https://auth.example.com";
const AUDIENCE: &str = "scopegate";
/// The one id in the snapshot's `revokedTokenIds`.
const REVOKED: &str = "0c0c0c0c-0c0c-4c0c-8c0c-0c0c0c0c0c0c";
/// The secret of the snapshot's HS256 key `hs-1` (a test key).
const HS_SECRET: &[u8] = b"scopegate-fuzz-hs256-secret-not-for-production";
const HS_HEADER: &str = r#"{"alg":"HS256","kid":"hs-1","typ":"JWT"}"#;

/// Questions asked as every accepted principal: (scope, resource).
const QUESTIONS: &[(&str, &str)] = &[
    ("stack:read", "acme/app/prod"),
    ("stack:delete", "acme/app/prod"),
    ("org_token:create", "acme"),
    ("team:read", "acme/platform"),
    ("org_member:update", "beta"),
];

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        Engine::from_json(include_str!("../token_snapshot.json")).expect("the token snapshot loads")
    })
}

/// An HS256 compact JWS over `payload`, signed with the snapshot's `hs-1` key.
fn sign_hs256(payload: &[u8]) -> String {
    let mut token = URL_SAFE_NO_PAD.encode(HS_HEADER);
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(payload));
    let mut mac = Hmac::<Sha256>::new_from_slice(HS_SECRET).expect("HMAC takes any key length");
    mac.update(token.as_bytes());
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()));
    token
}

/// Authenticates `credential` without and with an organization, and checks what must hold.
fn run(engine: &Engine, credential: &str) -> Option<Authenticated> {
    let anywhere = engine.authenticate(credential, NOW, None);
    let at_acme = engine.authenticate(credential, NOW, Some("acme"));

    for found in [&anywhere, &at_acme].into_iter().flatten() {
        // Nothing expired or revoked is ever accepted; signed tokens always expire.
        let grace = if found.signed { LEEWAY } else { 0 };
        assert!(
            found.expires == 0 || NOW < found.expires.saturating_add(grace),
            "accepted an expired credential: {found:?}"
        );
        assert!(!found.signed || found.expires != 0, "accepted a signed token without expiry: {found:?}");
        assert_ne!(found.token_id, REVOKED, "accepted a revoked token");
        // The principal name, when there is one, names the same principal.
        if let Some(name) = &found.principal_name {
            assert_eq!(engine.resolve_principal(name), Some(found.principal), "{found:?}");
        }
        for &(scope, resource) in QUESTIONS {
            let entry = engine.resolve_scope(scope).expect("catalog scope");
            if let Ok((scope_ref, resource_ref)) = engine.resolve_resource(entry, resource) {
                let quick = engine.check_resolved(found.principal, scope_ref, resource_ref);
                let explained = engine.explain_resolved(found.principal, scope_ref, resource_ref);
                assert_eq!(quick, explained.is_allowed(), "check and explain disagree on {scope} {resource}");
            }
        }
    }

    // acme exists and has no expiry policy: a personal token or one of acme's is accepted alike
    // with or without naming acme; a machine token of another organization never is.
    let of_acme = |o: &Option<String>| o.as_deref().is_none_or(|o| o == "acme");
    match (&anywhere, &at_acme) {
        (Ok(a), Ok(b)) => assert!(a == b && of_acme(&a.organization), "{a:?} / {b:?}"),
        (Ok(a), Err(e)) => assert!(
            !of_acme(&a.organization) && e.code().as_str() == "wrong_organization",
            "{a:?} refused for acme: {e:?}"
        ),
        (Err(e), Ok(b)) => panic!("{b:?} accepted only when naming acme: {e:?}"),
        (Err(a), Err(b)) => {
            // The credential itself is bad: the same reason, whatever the organization.
            let own_org_policy = a.code().as_str() == "expiry_policy_violation";
            assert!(a == b || own_org_policy, "{a:?} / {b:?}");
        }
    }
    anywhere.ok()
}

/// A signed token was accepted: its claims must have passed every check.
fn check_claims(found: &Authenticated, payload: &[u8]) {
    let claims: Value = serde_json::from_slice(payload).expect("accepted claims are JSON");
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    let time = |name: &str| claims.get(name).and_then(Value::as_u64);
    assert!(found.signed, "{found:?}");
    assert_eq!(text("iss"), Some(ISSUER), "wrong issuer accepted");
    let audience_ok = match claims.get("aud") {
        Some(Value::String(aud)) => aud == AUDIENCE,
        Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(AUDIENCE)),
        _ => false,
    };
    assert!(audience_ok, "wrong audience accepted: {:?}", claims.get("aud"));
    let exp = time("exp").expect("accepted without a numeric exp");
    assert!(NOW < exp.saturating_add(LEEWAY), "accepted after exp");
    assert!(found.expires <= exp, "the token outlives its exp claim: {found:?}");
    if let Some(nbf) = claims.get("nbf").filter(|v| !v.is_null()) {
        let nbf = nbf.as_u64().expect("accepted a non-numeric nbf");
        assert!(nbf <= NOW.saturating_add(LEEWAY), "accepted before nbf");
    }
    assert_eq!(text("jti"), Some(found.token_id.as_str()), "the token id is not the jti");
    assert_eq!(text("kind"), Some(found.kind.as_str()), "the kind is not the kind claim");
}

fuzz_target!(|data: &[u8]| {
    let engine = engine();
    run(engine, &String::from_utf8_lossy(data));
    let signed = sign_hs256(data);
    if let Some(found) = run(engine, &signed) {
        check_claims(&found, data);
    }
});
