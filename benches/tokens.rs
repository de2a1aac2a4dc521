//! Native benchmark: opaque-token validations per second and signed-token (EdDSA, HS256)
//! verifications per second. Run with `cargo bench --bench tokens`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use scopegate::MintRequest;
use scopegate::SigningKey;
use scopegate::{Engine, TokenKind};
use serde_json::json;

const NOW: u64 = 1_800_000_000;

/// Calls per second of `f`, best of five slices of `budget / 5`.
fn rate(budget: Duration, mut f: impl FnMut() -> bool) -> f64 {
    let mut best = 0.0f64;
    for _ in 0..5 {
        let start = Instant::now();
        let mut count = 0u64;
        while start.elapsed() < budget / 5 {
            for _ in 0..256 {
                assert!(black_box(f()), "a benchmark token failed to validate");
            }
            count += 256;
        }
        best = best.max(count as f64 / start.elapsed().as_secs_f64());
    }
    best
}

fn main() {
    let ed = SigningKey::ed25519("ed-1", &[11; 32]);
    let hs_secret = [42u8; 32];
    let hs = SigningKey::hs256("hs-1", &hs_secret);
    let public = URL_SAFE_NO_PAD.encode(ed.public_key().unwrap_or_default());
    let snapshot = json!({
        "version": 1,
        "signing": { "issuer": "https://auth.example", "keys": [
            { "kid": "ed-1", "alg": "EdDSA", "publicKey": public },
            { "kid": "hs-1", "alg": "HS256", "secret": URL_SAFE_NO_PAD.encode(hs_secret) } ] },
        "organizations": [{ "name": "acme", "members": [{ "login": "ada", "role": "admin" }] }]
    });
    let mut engine = Engine::from_json(&snapshot.to_string()).unwrap_or_else(|e| panic!("{e}"));
    // 10,000 opaque tokens on record, so the digest lookup works on a realistic table.
    let mut opaque = Vec::new();
    for i in 0..10_000u32 {
        let request = MintRequest {
            kind: Some(TokenKind::Organization),
            org: Some("acme".into()),
            name: Some(format!("ci-{i}")),
            expires: Some(NOW + 3600),
            ..Default::default()
        };
        let mut secret = [0u8; 20];
        secret[..4].copy_from_slice(&i.to_le_bytes());
        let mut id = [0u8; 16];
        id[..4].copy_from_slice(&i.to_le_bytes());
        let minted =
            engine.mint_opaque_from("ada", &request, NOW, secret, id).unwrap_or_else(|e| panic!("{e}"));
        opaque.push(minted.token);
    }
    let signed_request = |name: &str| MintRequest {
        kind: Some(TokenKind::Organization),
        org: Some("acme".into()),
        name: Some(name.into()),
        expires: Some(NOW + 3600),
        ..Default::default()
    };
    let eddsa = engine
        .mint_signed("ada", &signed_request("signed-ed"), NOW, &ed)
        .unwrap_or_else(|e| panic!("{e}"))
        .token;
    let hmac = engine
        .mint_signed("ada", &signed_request("signed-hs"), NOW, &hs)
        .unwrap_or_else(|e| panic!("{e}"))
        .token;

    let budget = Duration::from_secs(2);
    let mut i = 0;
    let opaque_rate = rate(budget, || {
        i = (i + 1) % opaque.len();
        engine.authenticate(&opaque[i], NOW, None).is_ok()
    });
    let eddsa_rate = rate(budget, || engine.authenticate(&eddsa, NOW, None).is_ok());
    let hmac_rate = rate(budget, || engine.authenticate(&hmac, NOW, None).is_ok());
    println!("scopegate native token benchmark (10,000 opaque tokens on record)");
    println!("{:<34} {:>12}", "opaque validations/s", format!("{:.0} k", opaque_rate / 1e3));
    println!("{:<34} {:>12}", "EdDSA (Ed25519) verifications/s", format!("{:.1} k", eddsa_rate / 1e3));
    println!("{:<34} {:>12}", "HS256 verifications/s", format!("{:.0} k", hmac_rate / 1e3));
}
