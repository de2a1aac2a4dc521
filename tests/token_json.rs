//! The JSON of signed tokens: a header or claims set that repeats a member name is refused as
//! malformed (`malformed_token`, as for a header or payload that is not a JSON object). JSON
//! parsers disagree on which of two `alg`s or `sub`s wins, so a token may carry each name once.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use scopegate::Engine;
use scopegate::SigningKey;

const NOW: u64 = 1_800_000_000;
const HEADER: &str = r#"{"alg":"EdDSA","kid":"k1","typ":"JWT"}"#;

fn key() -> SigningKey {
    SigningKey::ed25519("k1", &[7; 32])
}

fn engine() -> Engine {
    let public = URL_SAFE_NO_PAD.encode(key().public_key().unwrap());
    Engine::from_json(&format!(
        r#"{{ "version": 1, "organizations": [{{ "name": "acme", "members": [{{ "login": "alice" }}] }}],
             "signing": {{ "keys": [{{ "kid": "k1", "alg": "EdDSA", "publicKey": "{public}" }}] }} }}"#
    ))
    .unwrap()
}

/// A compact JWS over exactly this header and payload text, signed with `k1`.
fn token(header: &str, payload: &str) -> String {
    let input = format!("{}.{}", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(payload));
    let signature = key().sign_bytes(input.as_bytes()).unwrap();
    format!("{input}.{signature}")
}

/// Claims of a personal token of alice, valid now, with `extra` members appended.
fn claims(extra: &str) -> String {
    format!(r#"{{"exp":{},"jti":"t1","kind":"personal","sub":"alice"{extra}}}"#, NOW + 600)
}

fn outcome(header: &str, payload: &str) -> String {
    match engine().authenticate(&token(header, payload), NOW, None) {
        Ok(found) => format!("ok {}", found.subject),
        Err(e) => e.code().as_str().to_string(),
    }
}

#[test]
fn a_token_with_each_name_once_is_accepted() {
    assert_eq!(outcome(HEADER, &claims("")), "ok alice");
    // Unknown header parameters and claims are ignored.
    assert_eq!(
        outcome(r#"{"alg":"EdDSA","kid":"k1","cty":"x"}"#, &claims(r#","x":{"y":[1,2]}"#)),
        "ok alice"
    );
}

#[test]
fn a_repeated_header_parameter_is_malformed() {
    for header in [
        r#"{"alg":"EdDSA","alg":"EdDSA","kid":"k1"}"#,
        r#"{"alg":"none","kid":"k1","alg":"EdDSA"}"#,
        r#"{"alg":"EdDSA","alg":"HS256","kid":"k1"}"#,
        r#"{"alg":"EdDSA","kid":"k1","kid":"k2"}"#,
        r#"{"alg":"EdDSA","kid":"k1","typ":"JWT","typ":"JWT"}"#,
        // The same name, once escaped.
        r#"{"alg":"EdDSA","\u0061lg":"EdDSA","kid":"k1"}"#,
        // At any depth.
        r#"{"alg":"EdDSA","kid":"k1","x":{"a":1,"a":2}}"#,
    ] {
        assert_eq!(outcome(header, &claims("")), "malformed_token", "header {header}");
    }
    // Not an object at all, as before.
    assert_eq!(outcome(r#"["EdDSA","k1"]"#, &claims("")), "malformed_token");
}

#[test]
fn a_repeated_claim_is_malformed() {
    let exp = format!(r#","exp":{}"#, NOW + 600);
    for extra in [
        r#","sub":"alice""#,
        r#","sub":"bob""#,
        exp.as_str(),
        r#","exp":1"#,
        r#","jti":"t2""#,
        r#","kind":"organization""#,
        r#","iat":1,"iat":1"#,
        r#","x":1,"x":1"#,
        r#","\u0073ub":"alice""#,
        r#","x":{"y":1,"y":2}"#,
        r#","x":[{"y":1,"y":2}]"#,
    ] {
        assert_eq!(outcome(HEADER, &claims(extra)), "malformed_token", "claims {}", claims(extra));
    }
    assert_eq!(outcome(HEADER, r#"["t1"]"#), "malformed_token");
}

#[test]
fn minted_claims_are_written_once_each_and_read_back() {
    let mut engine = engine();
    let request = scopegate::MintRequest { expires: Some(NOW + 600), ..Default::default() };
    let minted = engine.mint_signed("alice", &request, NOW, &key()).unwrap();
    let payload = minted.token.split('.').nth(1).unwrap();
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value.as_object().unwrap().len(), text.matches("\":").count(), "each claim once: {text}");
    assert!(text.starts_with(r#"{"exp":"#), "claims are written by name: {text}");
    assert_eq!(engine.authenticate(&minted.token, NOW, None).unwrap().subject, "alice");
}

/// A `jti` is a token id, as in the snapshot: an empty one (which could never be revoked) and
/// one with control characters (which would break the headers a gateway forwards it in) are
/// refused as invalid claims.
#[test]
fn a_jti_that_is_not_a_token_id_is_refused() {
    let payload = |jti: &str| {
        format!(r#"{{"exp":{},"jti":{},"kind":"personal","sub":"alice"}}"#, NOW + 600, serde_json::json!(jti))
    };
    for jti in ["", "t1\r\nX-Injected: 1", "t\u{0}1", "two words"] {
        let refused = engine().authenticate(&token(HEADER, &payload(jti)), NOW, None).unwrap_err();
        assert_eq!(refused.code().as_str(), "invalid_claims", "jti {jti:?}");
    }
    let found = engine().authenticate(&token(HEADER, &payload("t-1.ok_2")), NOW, None).unwrap();
    assert_eq!(found.token_id, "t-1.ok_2");
}
