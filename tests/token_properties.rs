//! Properties of token validation: `authenticate` never panics on any input, a minted token
//! authenticates as its principal exactly during its lifetime and never after deletion,
//! answers are deterministic, and changing any single character of a token makes it fail.

// proptest does not build for wasm32; these properties run natively.
#![cfg(not(target_arch = "wasm32"))]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::OnceLock;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use scopegate::SigningKey;
use scopegate::{Authenticated, MintRequest, Minted};
use scopegate::{Engine, TokenError, TokenKind};
use serde_json::{Value, json};

const NOW: u64 = 1_700_000_000;
const DAY: u64 = 86_400;
/// Two years as the model counts them (E.3).
const TWO_YEARS: u64 = 2 * 365 * DAY;
/// The documented default clock leeway for signed tokens, in seconds.
const LEEWAY: u64 = 60;
const ED_SEED: [u8; 32] = [42; 32];
const HMAC_SECRET: &[u8; 40] = b"property-test-hmac-secret-0123456789abcd";

// ---------------------------------------------------------------------------------------------
// Encoding and hashing, written out here so that expectations do not come from the engine.

fn b64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// SHA-256 (FIPS 180-4).
fn sha256(data: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];
    let mut h: [u32; 8] =
        [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for chunk in msg.chunks(64) {
        let mut w = [0u32; 64];
        for i in 0..16 {
            w[i] = u32::from_be_bytes(chunk[4 * i..4 * i + 4].try_into().unwrap());
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh.wrapping_add(s1).wrapping_add(ch).wrapping_add(K[i]).wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (slot, v) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *slot = slot.wrapping_add(v);
        }
    }
    let mut out = [0u8; 32];
    for (i, word) in h.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// HMAC-SHA256 (RFC 2104).
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&sha256(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner: Vec<u8> = block.iter().map(|b| b ^ 0x36).collect();
    inner.extend_from_slice(message);
    let mut outer: Vec<u8> = block.iter().map(|b| b ^ 0x5c).collect();
    outer.extend_from_slice(&sha256(&inner));
    sha256(&outer)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A compact JWS over `header` and `payload` bytes, signed with the world's HS256 key.
fn hs256_token(header: &[u8], payload: &[u8]) -> String {
    let input = format!("{}.{}", b64url(header), b64url(payload));
    let signature = hmac_sha256(HMAC_SECRET, input.as_bytes());
    format!("{input}.{}", b64url(&signature))
}

#[test]
fn the_reference_hashes_match_their_test_vectors() {
    assert_eq!(hex(&sha256(b"abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_eq!(hex(&sha256(b"")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    let long = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    assert_eq!(hex(&sha256(long)), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    // RFC 4231 test case 2.
    assert_eq!(
        hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    assert_eq!(b64url(b"\xfb\xff"), "-_8");
    // The world's HS256 tokens are what this file's HMAC produces.
    let mut engine = base().clone();
    let minted =
        engine.mint_signed_from("alice", &request(Kind::Personal, NOW + DAY), NOW, &hs_key(), [1; 16]);
    let token = minted.unwrap().token;
    let (input, signature) = token.rsplit_once('.').unwrap();
    assert_eq!(signature, b64url(&hmac_sha256(HMAC_SECRET, input.as_bytes())));
    let (header, payload) = input.split_once('.').unwrap();
    assert_eq!(header, b64url(br#"{"alg":"HS256","kid":"h1","typ":"JWT"}"#), "header as minted");
    assert!(!payload.is_empty());
}

// ---------------------------------------------------------------------------------------------
// The world

fn ed_key() -> SigningKey {
    SigningKey::ed25519("k1", &ED_SEED)
}

fn hs_key() -> SigningKey {
    SigningKey::hs256("h1", HMAC_SECRET)
}

/// `acme`: alice Admin, bob Member, team `platform` (bob) with write on `app/dev`, custom role
/// `Deployer`; `globex` with a 30-day expiry policy; keys `k1` (EdDSA) and `h1` (HS256); one
/// revoked id.
fn base() -> &'static Engine {
    static BASE: OnceLock<Engine> = OnceLock::new();
    BASE.get_or_init(|| {
        let snapshot = json!({
            "version": 1,
            "signing": { "keys": [
                { "kid": "k1", "alg": "EdDSA", "publicKey": b64url(&ed_key().public_key().unwrap()) },
                { "kid": "h1", "alg": "HS256", "secret": b64url(HMAC_SECRET) }
            ] },
            "revokedTokenIds": ["revoked-jti"],
            "organizations": [
                {
                    "name": "acme",
                    "members": [ { "login": "alice", "role": "admin" }, { "login": "bob" } ],
                    "roles": [ { "name": "Deployer", "rules": [
                        { "entity": "stack", "permissionSet": "stack-write", "all": true } ] } ],
                    "teams": [ { "name": "platform", "members": ["bob"], "stacks": { "app/dev": "write" } } ],
                    "stacks": [ { "project": "app", "name": "dev" } ]
                },
                {
                    "name": "globex",
                    "settings": { "tokenExpiryPolicyDays": 30 },
                    "members": [ { "login": "alice", "role": "admin" } ]
                }
            ]
        });
        Engine::from_json(&snapshot.to_string()).expect("the property world loads")
    })
}

/// The base world with a few live and deleted tokens, and their strings.
fn populated() -> &'static (Engine, Vec<String>, Vec<String>) {
    static POPULATED: OnceLock<(Engine, Vec<String>, Vec<String>)> = OnceLock::new();
    POPULATED.get_or_init(|| {
        let mut engine = base().clone();
        let mut tokens = Vec::new();
        let requests = [
            request(Kind::Personal, 0),
            request(Kind::Org("admin"), 0),
            request(Kind::Team, NOW + DAY),
            request(Kind::Org("Deployer"), NOW + 10 * DAY),
        ];
        for (i, req) in requests.iter().enumerate() {
            let mut req = req.clone();
            req.name = req.name.map(|n| format!("{n}-{i}"));
            let opaque =
                engine.mint_opaque_from("alice", &req, NOW, [i as u8 + 1; 20], [i as u8; 16]).unwrap();
            tokens.push(opaque.token);
            if req.expires.is_some() {
                req.name = req.name.map(|n| format!("{n}-s"));
                let key = if i % 2 == 0 { ed_key() } else { hs_key() };
                let signed = engine.mint_signed_from("alice", &req, NOW, &key, [i as u8 + 100; 16]).unwrap();
                tokens.push(signed.token);
            }
        }
        let mut gone = request(Kind::Org("member"), 0);
        gone.name = Some("gone".into());
        let deleted = engine.mint_opaque_from("alice", &gone, NOW, [99; 20], [99; 16]).unwrap();
        engine.delete_token("alice", &deleted.id).unwrap();
        tokens.push(deleted.token);
        let ids = engine.list_tokens("alice", Some("acme"), NOW, true).into_iter().map(|v| v.id).collect();
        (engine, tokens, ids)
    })
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Personal,
    Org(&'static str),
    Team,
}

fn request(kind: Kind, expires: u64) -> MintRequest {
    let (kind, org, team, role, name) = match kind {
        Kind::Personal => (None, None, None, None, None),
        Kind::Org(role) => (Some(TokenKind::Organization), Some("acme"), None, Some(role), Some("org")),
        Kind::Team => (Some(TokenKind::Team), Some("acme"), Some("platform"), None, Some("team")),
    };
    MintRequest {
        kind,
        org: org.map(Into::into),
        team: team.map(Into::into),
        role: role.map(Into::into),
        name: name.map(Into::into),
        // 0 for a token that never expires.
        expires: (expires != 0).then_some(expires),
        ..MintRequest::default()
    }
}

fn kind_strategy() -> impl Strategy<Value = Kind> {
    prop_oneof![
        Just(Kind::Personal),
        Just(Kind::Org("member")),
        Just(Kind::Org("admin")),
        Just(Kind::Org("Deployer")),
        Just(Kind::Team),
    ]
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Opaque,
    Ed25519,
    Hs256,
}

fn format_strategy() -> impl Strategy<Value = Format> {
    prop_oneof![2 => Just(Format::Opaque), 2 => Just(Format::Ed25519), 1 => Just(Format::Hs256)]
}

/// Mints with alice (Admin of acme; personal tokens are hers).
fn mint(
    engine: &mut Engine,
    kind: Kind,
    format: Format,
    created: u64,
    expires: u64,
    seed: [u8; 20],
) -> Minted {
    let req = request(kind, expires);
    let mut id = [0u8; 16];
    id.copy_from_slice(&seed[..16]);
    let minted = match format {
        Format::Opaque => engine.mint_opaque_from("alice", &req, created, seed, id),
        Format::Ed25519 => engine.mint_signed_from("alice", &req, created, &ed_key(), id),
        Format::Hs256 => engine.mint_signed_from("alice", &req, created, &hs_key(), id),
    };
    minted.unwrap_or_else(|err| panic!("minting {req:?} as {format:?} at {created}: {err}"))
}

/// Authenticates, turning a panic into a test failure that names the input.
fn authenticate(
    engine: &Engine,
    credential: &str,
    now: u64,
    org: Option<&str>,
) -> Result<Result<Authenticated, TokenError>, TestCaseError> {
    catch_unwind(AssertUnwindSafe(|| engine.authenticate(credential, now, org))).map_err(|_| {
        TestCaseError::fail(format!("authenticate panicked on {credential:?} (now {now}, org {org:?})"))
    })
}

/// Never panics, and answers the same twice.
fn no_panic_and_deterministic(credential: &str, now: u64, org: Option<&str>) -> Result<(), TestCaseError> {
    let engine = &populated().0;
    let first = authenticate(engine, credential, now, org)?;
    let second = authenticate(engine, credential, now, org)?;
    prop_assert_eq!(&first, &second, "not deterministic for {:?}", credential);
    if credential.len() > 8192 {
        prop_assert_eq!(first.map(|_| ()).unwrap_err().code().as_str(), "malformed_token");
    }
    Ok(())
}

fn org_strategy() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some("acme".to_string())),
        Just(Some("globex".to_string())),
        "[a-z]{0,8}".prop_map(Some),
    ]
}

fn now_strategy() -> impl Strategy<Value = u64> {
    prop_oneof![any::<u64>(), NOW - 2 * DAY..NOW + 20 * DAY, Just(0), Just(u64::MAX)]
}

fn scheme_strategy() -> impl Strategy<Value = &'static str> {
    select(vec![
        "",
        "",
        "token ",
        "Bearer ",
        "bearer  ",
        "Authorization: token ",
        "AUTHORIZATION:Bearer ",
        " \t",
    ])
}

fn base64ish(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Za-z0-9_=+/-]{{0,{max}}}")).unwrap()
}

/// A JSON value of the kinds a claim or header field might carry.
fn json_value() -> impl Strategy<Value = Value> {
    let interesting = select(vec![
        "personal",
        "organization",
        "team",
        "acme",
        "globex",
        "alice",
        "bob",
        "platform",
        "admin",
        "member",
        "billing-manager",
        "Deployer",
        "revoked-jti",
        "EdDSA",
        "HS256",
        "none",
        "k1",
        "h1",
        "",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (NOW - DAY..NOW + DAY).prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        interesting.prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..3).prop_map(Value::Array),
            vec(("[a-z]{1,4}", inner), 0..3).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// One claim: mostly a plausible value, sometimes absent, sometimes anything at all.
fn claim(plausible: BoxedStrategy<Value>) -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        12 => plausible.prop_map(Some),
        1 => Just(None),
        1 => json_value().prop_map(Some),
    ]
}

fn strings(values: &[&'static str]) -> BoxedStrategy<Value> {
    select(values.to_vec()).prop_map(Value::from).boxed()
}

/// Claims of a principal the world has (a user, a role or a team of acme), valid now, with
/// sometimes one claim replaced by an arbitrary value.
fn coherent_claims() -> impl Strategy<Value = Value> {
    let principal = prop_oneof![
        select(vec!["alice", "bob"]).prop_map(|u| json!({ "kind": "personal", "sub": u })),
        (select(vec!["member", "admin", "Deployer"]), "[a-z]{1,8}")
            .prop_map(|(r, n)| json!({ "kind": "organization", "org": "acme", "role": r, "sub": n })),
        Just(json!({ "kind": "team", "org": "acme", "sub": "platform" })),
    ];
    let jti = prop_oneof![
        3 => "[a-z0-9-]{1,12}".prop_map(Value::from),
        1 => select(populated().2.clone()).prop_map(Value::from),
    ];
    let names = ["jti", "kind", "org", "sub", "role", "iat", "nbf", "exp"];
    (
        principal,
        jti,
        NOW - 50..NOW + 50,
        NOW + 1..NOW + DAY,
        proptest::option::of((0..names.len(), json_value())),
    )
        .prop_map(move |(mut claims, jti, nbf, exp, replace)| {
            claims["jti"] = jti;
            claims["iat"] = json!(nbf);
            claims["nbf"] = json!(nbf);
            claims["exp"] = json!(exp);
            if let Some((i, value)) = replace {
                claims[names[i]] = value;
            }
            claims
        })
}

/// A claims object: the known claims with plausible or arbitrary values, plus stray fields.
fn claims_strategy() -> impl Strategy<Value = Value> {
    prop_oneof![random_claims(), coherent_claims()]
}

fn random_claims() -> impl Strategy<Value = Value> {
    let ids = populated().2.clone();
    let jti = prop_oneof![
        select(ids).prop_map(Value::from),
        Just(Value::from("revoked-jti")),
        "[a-z0-9-]{1,12}".prop_map(Value::from),
    ]
    .boxed();
    let past = prop_oneof![NOW - 2 * DAY..NOW + 100, NOW - 100..NOW + 100].prop_map(Value::from).boxed();
    let future =
        prop_oneof![3 => NOW..NOW + 2 * DAY, 1 => NOW - 2 * DAY..NOW + 100].prop_map(Value::from).boxed();
    let fields = (
        (
            claim(jti),
            claim(strings(&["personal", "organization", "team"])),
            prop_oneof![Just(None), claim(strings(&["acme", "globex", "initech"]))],
            claim(strings(&["alice", "bob", "platform", "nobody", "org-1", "team-2"])),
            prop_oneof![
                Just(None),
                claim(strings(&["member", "admin", "Deployer", "billing-manager", "Ghost"]))
            ],
        ),
        (
            claim(past.clone()),
            claim(past),
            claim(future),
            prop_oneof![4 => Just(None), 1 => claim(strings(&["issuer", ""]))],
            prop_oneof![4 => Just(None), 1 => claim(strings(&["audience"]))],
        ),
        vec(("[a-z]{1,5}", json_value()), 0..2),
    );
    fields.prop_map(|((jti, kind, org, sub, role), (iat, nbf, exp, iss, aud), extra)| {
        let mut obj = serde_json::Map::new();
        let named = [
            ("jti", jti),
            ("kind", kind),
            ("org", org),
            ("sub", sub),
            ("role", role),
            ("iat", iat),
            ("nbf", nbf),
            ("exp", exp),
            ("iss", iss),
            ("aud", aud),
        ];
        for (name, value) in named {
            if let Some(value) = value {
                obj.insert(name.to_string(), value);
            }
        }
        for (k, v) in extra {
            obj.insert(k, v);
        }
        Value::Object(obj)
    })
}

fn header_strategy() -> impl Strategy<Value = Vec<u8>> {
    let alg_kid = prop_oneof![
        6 => select(vec![
            ("EdDSA", "k1"),
            ("EdDSA", "k1"),
            ("EdDSA", "k1"),
            ("HS256", "h1"),
            ("HS256", "h1"),
            ("HS256", "k1"),
            ("EdDSA", "h1"),
            ("EdDSA", "k2"),
            ("none", "k1"),
            ("RS256", "k1"),
            ("eddsa", "k1"),
        ])
        .prop_map(|(a, k)| (Value::from(a), Value::from(k))),
        1 => (json_value(), json_value()),
    ];
    prop_oneof![
        6 => (alg_kid, any::<bool>(), prop_oneof![6 => Just(false), 1 => Just(true)]).prop_map(
            |((alg, kid), typ, crit)| {
                let mut h = json!({ "alg": alg, "kid": kid });
                if typ {
                    h["typ"] = json!("JWT");
                }
                if crit {
                    h["crit"] = json!(["exp"]);
                }
                h.to_string().into_bytes()
            }
        ),
        1 => json_value().prop_map(|v| v.to_string().into_bytes()),
        1 => vec(any::<u8>(), 0..1500),
    ]
}

// ---------------------------------------------------------------------------------------------
// authenticate never panics

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_arbitrary_unicode(
        chars in prop_oneof![vec(any::<char>(), 0..100), vec(any::<char>(), 0..10_000)],
        scheme in scheme_strategy(),
        now in now_strategy(),
        org in org_strategy(),
    ) {
        let s: String = chars.into_iter().collect();
        no_panic_and_deterministic(&s, now, org.as_deref())?;
        no_panic_and_deterministic(&format!("{scheme}{s}"), now, org.as_deref())?;
    }

    #[test]
    fn never_panics_on_arbitrary_bytes(
        bytes in prop_oneof![vec(any::<u8>(), 0..100), vec(any::<u8>(), 0..10_000)],
        now in now_strategy(),
        org in org_strategy(),
    ) {
        let s = String::from_utf8_lossy(&bytes);
        no_panic_and_deterministic(&s, now, org.as_deref())?;
    }

    #[test]
    fn never_panics_on_opaque_lookalikes(
        prefix in select(vec!["pul-", "pul-", "PUL-", "pul", "pul--", ""]),
        body in "[0-9a-fA-FgxG_ -]{0,60}",
        scheme in scheme_strategy(),
        now in now_strategy(),
        org in org_strategy(),
    ) {
        no_panic_and_deterministic(&format!("{scheme}{prefix}{body}"), now, org.as_deref())?;
    }

    #[test]
    fn never_panics_on_dotted_base64url_triples(
        parts in vec(base64ish(120), 1..5),
        scheme in scheme_strategy(),
        now in now_strategy(),
        org in org_strategy(),
    ) {
        no_panic_and_deterministic(&format!("{scheme}{}", parts.join(".")), now, org.as_deref())?;
    }

    #[test]
    fn never_panics_on_jws_with_random_headers_and_claims(
        header in header_strategy(),
        claims in claims_strategy(),
        signature in prop_oneof![vec(any::<u8>(), 64..=64), vec(any::<u8>(), 0..100)],
        now in now_strategy(),
        org in org_strategy(),
    ) {
        let token = format!(
            "{}.{}.{}",
            b64url(&header),
            b64url(claims.to_string().as_bytes()),
            b64url(&signature)
        );
        no_panic_and_deterministic(&token, now, org.as_deref())?;
        // A forged signature never authenticates.
        let engine = &populated().0;
        prop_assert!(authenticate(engine, &token, now, org.as_deref())?.is_err());
    }

    /// Real tokens with random edits: truncations, insertions, duplicated parts.
    #[test]
    fn never_panics_on_mutated_real_tokens(
        which in any::<Index>(),
        cut in any::<Index>(),
        insert in any::<String>(),
        repeat in 1usize..3,
        now in now_strategy(),
        org in org_strategy(),
    ) {
        let tokens = &populated().1;
        let token = which.get(tokens);
        let mut at = cut.index(token.len() + 1);
        while !token.is_char_boundary(at) {
            at -= 1;
        }
        for candidate in [
            format!("{}{insert}{}", &token[..at], &token[at..]),
            token[..at].to_string(),
            token[at..].to_string(),
            token.repeat(repeat),
            format!("{}.{}", token, &token[at..]),
        ] {
            no_panic_and_deterministic(&candidate, now, org.as_deref())?;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Correctly signed (HS256) tokens with arbitrary claims reach the claim checks: no panic,
    /// and whatever is accepted is consistent with the claims.
    #[test]
    fn validly_signed_arbitrary_claims_never_panic(
        claims in claims_strategy(),
        typ in any::<bool>(),
        now in prop_oneof![3 => NOW - 50..NOW + 50, 1 => NOW - 2 * DAY..NOW + 2 * DAY, 1 => any::<u64>()],
        org in org_strategy(),
    ) {
        let mut header = json!({ "alg": "HS256", "kid": "h1" });
        if typ {
            header["typ"] = json!("JWT");
        }
        let token = hs256_token(header.to_string().as_bytes(), claims.to_string().as_bytes());
        no_panic_and_deterministic(&token, now, org.as_deref())?;
        let engine = &populated().0;
        if let Ok(found) = authenticate(engine, &token, now, org.as_deref())? {
            prop_assert!(found.signed);
            prop_assert_eq!(Some(found.token_id.as_str()), claims["jti"].as_str(), "the id is the jti");
            prop_assert_ne!(found.token_id.as_str(), "revoked-jti");
            let exp = claims["exp"].as_u64().expect("accepted tokens have a numeric exp");
            prop_assert!(found.expires.is_some_and(|at| at <= exp), "{found:?} vs exp {exp}");
            prop_assert!(now < exp.saturating_add(LEEWAY), "accepted at {now}, exp {exp}");
            if let Some(org) = &org {
                if found.kind != TokenKind::Personal {
                    prop_assert_eq!(found.organization.as_deref(), Some(org.as_str()));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Lifetime, deletion, determinism, tampering

fn expected_principal(engine: &Engine, kind: Kind, minted: &Minted) -> scopegate::Principal {
    let name = match kind {
        Kind::Personal => "alice".to_string(),
        _ => format!("token:{}", minted.id),
    };
    engine.resolve_principal(&name).expect("the minted token's principal is known")
}

fn check_principal(
    found: &Authenticated,
    engine: &Engine,
    kind: Kind,
    minted: &Minted,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(&found.principal, &expected_principal(engine, kind, minted));
    prop_assert_eq!(&found.token_id, &minted.id);
    let (want_kind, want_org, want_subject) = match kind {
        Kind::Personal => (TokenKind::Personal, None, "alice"),
        Kind::Org(role) => (TokenKind::Organization, Some("acme"), role),
        Kind::Team => (TokenKind::Team, Some("acme"), "platform"),
    };
    prop_assert_eq!(found.kind, want_kind);
    prop_assert_eq!(found.organization.as_deref(), want_org);
    prop_assert_eq!(found.subject.as_str(), want_subject);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn a_minted_token_authenticates_exactly_during_its_lifetime(
        kind in kind_strategy(),
        format in format_strategy(),
        created in 1_500_000_000u64..2_000_000_000,
        lifetime in prop_oneof![1u64..=120, 1u64..=TWO_YEARS, Just(TWO_YEARS)],
        never in any::<bool>(),
        during in vec(0.0f64..1.0, 2),
        after in vec(prop_oneof![0u64..3, 0u64..10 * TWO_YEARS], 2),
        seed in any::<[u8; 20]>(),
        with_org in any::<bool>(),
    ) {
        let mut engine = base().clone();
        // Opaque tokens may also never expire; signed ones must.
        let expires = if never && format == Format::Opaque { 0 } else { created + lifetime };
        let minted = mint(&mut engine, kind, format, created, expires, seed);
        let org = if with_org { Some("acme") } else { None };
        if format == Format::Opaque {
            let digest = hex(&sha256(minted.token.as_bytes()));
            let record = minted.record();
            prop_assert_eq!(record["digest"].as_str(), Some(digest.as_str()));
        }

        let span = if expires == 0 { 10 * TWO_YEARS } else { lifetime };
        let mut inside: Vec<u64> =
            during.iter().map(|f| created + ((span as f64 * f) as u64).min(span - 1)).collect();
        inside.extend([created, created + span - 1]);
        for &now in &inside {
            let found = authenticate(&engine, &minted.token, now, org)?.map_err(|e| {
                TestCaseError::fail(format!("refused at {now} (created {created}, expires {expires}): {e}"))
            })?;
            check_principal(&found, &engine, kind, &minted)?;
            prop_assert_eq!(found.expires, (expires != 0).then_some(expires));
            prop_assert_eq!(found.signed, format != Format::Opaque);
            if now == created {
                // Deterministic.
                prop_assert_eq!(authenticate(&engine, &minted.token, now, org)?, Ok(found));
            }
        }
        if expires != 0 {
            let expired_from = if format == Format::Opaque { expires } else { expires + LEEWAY };
            for offset in &after {
                let now = expired_from.saturating_add(*offset);
                let err = authenticate(&engine, &minted.token, now, org)?;
                let code = err.map(|a| a.token_id).unwrap_err().code();
                prop_assert_eq!(code.as_str(), "token_expired", "at {}", now);
            }
        }

        // Deleted: never again, at any time.
        // alice owns the personal tokens and administers acme.
        engine.delete_token("alice", &minted.id).unwrap();
        for now in [inside[0], created + span - 1] {
            let result = authenticate(&engine, &minted.token, now, org)?;
            let code = result.map(|a| a.token_id).unwrap_err().code();
            prop_assert_eq!(code.as_str(), "token_revoked", "at {}", now);
        }
        let reloaded = Engine::from_json(&engine.to_json()).unwrap();
        prop_assert!(authenticate(&reloaded, &minted.token, created, org)?.is_err());
    }

    #[test]
    fn tampering_with_any_single_character_makes_a_token_fail(
        kind in kind_strategy(),
        format in format_strategy(),
        lifetime in 1u64..=TWO_YEARS,
        seed in any::<[u8; 20]>(),
        positions in vec(any::<Index>(), 5),
        replacements in vec(prop_oneof![
            8 => proptest::char::range('!', '~'),
            1 => Just(' '),
            1 => any::<char>(),
        ], 5),
    ) {
        let mut engine = base().clone();
        let minted = mint(&mut engine, kind, format, NOW, NOW + lifetime, seed);
        let original = authenticate(&engine, &minted.token, NOW, None)?;
        prop_assert!(original.is_ok(), "the untouched token authenticates: {:?}", original);
        let chars: Vec<char> = minted.token.chars().collect();
        for (position, replacement) in positions.iter().zip(&replacements) {
            let at = position.index(chars.len());
            let mut replacement = *replacement;
            if replacement == chars[at] {
                replacement = if chars[at] == 'A' { 'B' } else { 'A' };
            }
            let mut tampered = chars.clone();
            tampered[at] = replacement;
            let tampered: String = tampered.into_iter().collect();
            let result = authenticate(&engine, &tampered, NOW + lifetime / 2, None)?;
            prop_assert!(
                result.is_err(),
                "{:?} with character {} changed to {:?} authenticated as {:?}",
                format, at, replacement, result
            );
        }
    }
}
