//! The seeded generator of the token test vectors (`tests/fixtures/tokens/vectors.json` and its
//! human-readable render `README.md`).
//!
//! Everything comes from a fixed seed and a fixed clock: a small SplitMix64 generator supplies
//! every secret, key seed and token id, tokens are minted through the engine's deterministic
//! `mint_*_from` entry points, and the hostile credentials are crafted here by hand. Running it
//! twice gives byte-identical files, so the committed files can be checked against a fresh run
//! (`cargo run --example gen_vectors` rewrites them).
//!
//! Each case's expectation is written from the token model (what the credential was built to
//! be), never by asking the engine to authenticate it.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::Signer as _;
use hmac::{Hmac, Mac};
use scopegate::MintRequest;
use scopegate::SettingsPatch;
use scopegate::SigningKey;
use scopegate::{Engine, TokenKind};
use serde_json::{Map, Value, json};
use sha2::Sha256;

/// Where the vectors live, relative to the crate root.
pub const VECTORS_PATH: &str = "tests/fixtures/tokens/vectors.json";
/// Where the human-readable render lives, relative to the crate root.
pub const README_PATH: &str = "tests/fixtures/tokens/README.md";

/// The generator's seed.
const SEED: u64 = 0x5C0F_E6A7_E5EE_D001;
/// The clock every case uses unless it names its own `now`.
const NOW: u64 = 1_800_000_000;
const MINUTE: u64 = 60;
const HOUR: u64 = 3_600;
const DAY: u64 = 86_400;
/// The snapshot's `signing.leewaySeconds` (the documented default, written out).
const LEEWAY: u64 = 60;
/// `tokenExpiryPolicyDays` of the organization `globex`.
const POLICY_DAYS: u64 = 30;
const ISSUER: &str = "https://auth.acme.example";
const AUDIENCE: &str = "scopegate-vectors";
/// The longest credential accepted, in bytes.
const MAX_CREDENTIAL: usize = 8192;

/// The vectors as pretty JSON with a trailing newline, exactly as committed.
pub fn to_pretty(vectors: &Value) -> String {
    let mut out = serde_json::to_string_pretty(vectors).expect("vectors serialize");
    out.push('\n');
    out
}

/// SplitMix64: tiny, fixed, and good enough to make distinct secrets.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        for chunk in out.chunks_mut(8) {
            let word = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        out
    }

    /// A version-4 UUID string, the shape of token ids.
    fn uuid(&mut self) -> String {
        let mut b = self.bytes::<16>();
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let hex = hex(&b);
        format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
    }

    /// A well-formed opaque token string (`pul-` + 40 lowercase hex).
    fn opaque(&mut self) -> String {
        format!("pul-{}", hex(&self.bytes::<20>()))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn unb64(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(text).expect("base64url")
}

fn hmac_sha256(secret: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// How a hand-made JWS is signed.
enum Sig<'a> {
    Ed(&'a ed25519_dalek::SigningKey),
    Hs(&'a [u8]),
}

/// `header.payload` of a compact JWS.
fn signing_input(header: &Value, claims: &Value) -> String {
    format!("{}.{}", b64(header.to_string().as_bytes()), b64(claims.to_string().as_bytes()))
}

fn sign_input(input: &str, sig: &Sig<'_>) -> String {
    let signature = match sig {
        Sig::Ed(key) => key.sign(input.as_bytes()).to_bytes().to_vec(),
        Sig::Hs(secret) => hmac_sha256(secret, input.as_bytes()),
    };
    format!("{input}.{}", b64(&signature))
}

fn jws(header: &Value, claims: &Value, sig: &Sig<'_>) -> String {
    sign_input(&signing_input(header, claims), sig)
}

fn header(alg: &str, kid: &str) -> Value {
    json!({ "alg": alg, "kid": kid, "typ": "JWT" })
}

/// The parts of a compact JWS.
fn parts(token: &str) -> (String, String, String) {
    let mut it = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (it.next(), it.next(), it.next(), it.next()) else {
        panic!("not a compact JWS");
    };
    (h.to_string(), p.to_string(), s.to_string())
}

fn set(mut value: Value, key: &str, new: Value) -> Value {
    value.as_object_mut().expect("object").insert(key.to_string(), new);
    value
}

fn unset(mut value: Value, key: &str) -> Value {
    value.as_object_mut().expect("object").remove(key);
    value
}

/// A token the generator holds, with what the model says it authenticates as.
struct Tok {
    token: String,
    id: String,
    kind: &'static str,
    subject: String,
    org: Option<String>,
    signed: bool,
}

impl Tok {
    /// The expectation for this token when it is accepted: it acts as its record.
    fn ok(&self) -> Value {
        json!({
            "principal": format!("token:{}", self.id),
            "kind": self.kind,
            "subject": self.subject,
            "organization": self.org,
            "tokenId": self.id,
            "signed": self.signed,
        })
    }
}

fn error(code: &str) -> Value {
    json!({ "error": code })
}

/// The expectation for a signed token with no record that acts by its claims.
fn by_claims(jti: &str, org: &str, kind: &str, subject: &str) -> Value {
    let principal = match kind {
        "team" => json!({ "org": org, "team": subject }),
        _ => json!({ "org": org, "role": subject }),
    };
    json!({
        "principal": principal,
        "kind": kind,
        "subject": subject,
        "organization": org,
        "tokenId": jti,
        "signed": true,
    })
}

/// The expectation for a signed personal token with no record: it acts as its user.
fn as_user(jti: &str, login: &str) -> Value {
    json!({
        "principal": format!("user:{login}"),
        "kind": "personal",
        "subject": login,
        "organization": null,
        "tokenId": jti,
        "signed": true,
    })
}

/// One case; `now` and `org` are optional.
struct Case {
    name: &'static str,
    note: &'static str,
    credential: String,
    now: Option<u64>,
    org: Option<&'static str>,
    expect: Value,
}

impl Case {
    fn to_json(&self) -> Value {
        let mut obj = Map::new();
        obj.insert("name".into(), json!(self.name));
        obj.insert("note".into(), json!(self.note));
        obj.insert("credential".into(), json!(self.credential));
        if let Some(now) = self.now {
            obj.insert("now".into(), json!(now));
        }
        if let Some(org) = self.org {
            obj.insert("org".into(), json!(org));
        }
        obj.insert("expect".into(), self.expect.clone());
        Value::Object(obj)
    }
}

struct Gen {
    rng: Rng,
    engine: Engine,
    cases: Vec<Case>,
}

impl Gen {
    fn case(&mut self, name: &'static str, note: &'static str, credential: impl Into<String>, expect: Value) {
        self.cases.push(Case { name, note, credential: credential.into(), now: None, org: None, expect });
    }

    fn case_at(
        &mut self,
        name: &'static str,
        note: &'static str,
        credential: impl Into<String>,
        now: Option<u64>,
        org: Option<&'static str>,
        expect: Value,
    ) {
        self.cases.push(Case { name, note, credential: credential.into(), now, org, expect });
    }

    fn opaque(&mut self, actor: &str, request: MintRequest) -> Tok {
        let secret = self.rng.bytes::<20>();
        let id = self.rng.bytes::<16>();
        let minted = self
            .engine
            .mint_opaque_from(actor, &request, NOW, secret, id)
            .unwrap_or_else(|e| panic!("minting {request:?} as {actor}: {e}"));
        tok(actor, &request, minted.token, minted.id, false)
    }

    fn signed(&mut self, actor: &str, request: MintRequest, key: &SigningKey) -> Tok {
        let id = self.rng.bytes::<16>();
        let minted = self
            .engine
            .mint_signed_from(actor, &request, NOW, key, id)
            .unwrap_or_else(|e| panic!("minting {request:?} as {actor}: {e}"));
        tok(actor, &request, minted.token, minted.id, true)
    }

    /// Base claims of a hand-made token: valid for an hour from `NOW`, right issuer and audience.
    fn claims(&mut self, kind: &str, org: Option<&str>, sub: &str, role: Option<&str>) -> (String, Value) {
        let jti = self.rng.uuid();
        let mut claims = json!({
            "jti": jti, "kind": kind, "sub": sub,
            "iat": NOW, "nbf": NOW, "exp": NOW + HOUR,
            "iss": ISSUER, "aud": AUDIENCE,
        });
        if let Some(org) = org {
            claims = set(claims, "org", json!(org));
        }
        if let Some(role) = role {
            claims = set(claims, "role", json!(role));
        }
        (jti, claims)
    }
}

/// What the model says a minted token acts as: personal tokens as their user, organization
/// tokens by their role (`member` when none is named), team tokens as their team.
fn tok(actor: &str, request: &MintRequest, token: String, id: String, signed: bool) -> Tok {
    let (kind, subject) = match request.kind {
        None | Some(TokenKind::Personal) => ("personal", actor.to_string()),
        Some(TokenKind::Organization) => {
            ("organization", request.role.clone().unwrap_or_else(|| "member".to_string()))
        }
        Some(TokenKind::Team) => ("team", request.team.clone().expect("team token names its team")),
    };
    Tok { token, id, kind, subject, org: request.org.clone(), signed }
}

/// An expiry as the tables below write it: 0 for a token that never expires.
fn expiry(expires: u64) -> Option<u64> {
    (expires != 0).then_some(expires)
}

fn personal(description: &str, expires: u64) -> MintRequest {
    MintRequest {
        description: Some(description.to_string()),
        expires: expiry(expires),
        ..MintRequest::default()
    }
}

fn org_token(org: &str, name: &str, role: Option<&str>, expires: u64) -> MintRequest {
    MintRequest {
        kind: Some(TokenKind::Organization),
        org: Some(org.to_string()),
        role: role.map(str::to_string),
        name: Some(name.to_string()),
        expires: expiry(expires),
        ..MintRequest::default()
    }
}

fn team_token(org: &str, team: &str, name: &str, expires: u64) -> MintRequest {
    MintRequest {
        kind: Some(TokenKind::Team),
        org: Some(org.to_string()),
        team: Some(team.to_string()),
        name: Some(name.to_string()),
        expires: expiry(expires),
        ..MintRequest::default()
    }
}

/// The snapshot before any token is minted.
fn initial_snapshot(ed1: &SigningKey, ed2: &SigningKey, hs_secret: &[u8]) -> Value {
    json!({
        "version": 1,
        "revision": 0,
        "users": [
            { "login": "alice", "name": "Alice Admin" },
            { "login": "bob", "name": "Bob Member" },
            { "login": "carol", "name": "Carol Team-admin" },
            { "login": "dave", "name": "Dave Team-member" }
        ],
        "organizations": [
            {
                "name": "acme",
                "members": [
                    { "login": "alice", "role": "admin" },
                    { "login": "bob", "role": "member" },
                    { "login": "carol", "role": "member" },
                    { "login": "dave", "role": "member" }
                ],
                "roles": [ {
                    "name": "deployer",
                    "description": "deploys every stack",
                    "organization": "read-only",
                    "rules": [ { "entity": "stack", "permissionSet": "stack-write", "all": true } ]
                } ],
                "teams": [ {
                    "name": "platform",
                    "kind": "pulumi",
                    "members": ["carol", "dave"],
                    "admins": ["carol"],
                    "stacks": { "app/prod": "write" }
                } ],
                "stacks": [ { "project": "app", "name": "prod", "tags": { "env": "prod" }, "creator": { "user": "bob" } } ]
            },
            {
                "name": "globex",
                "members": [
                    { "login": "alice", "role": "admin" },
                    { "login": "bob", "role": "member" }
                ]
            }
        ],
        "signing": {
            "issuer": ISSUER,
            "audience": AUDIENCE,
            "leewaySeconds": LEEWAY,
            "keys": [
                { "kid": "ed-1", "alg": "EdDSA", "publicKey": b64(&ed1.public_key().expect("Ed25519")) },
                { "kid": "ed-2", "alg": "EdDSA", "publicKey": b64(&ed2.public_key().expect("Ed25519")) },
                { "kid": "hs-1", "alg": "HS256", "secret": b64(hs_secret) }
            ]
        },
        "revokedTokenIds": []
    })
}

/// Builds the vectors and their render.
pub fn generate() -> (Value, String) {
    let mut rng = Rng(SEED);
    let ed1_seed = rng.bytes::<32>();
    let ed2_seed = rng.bytes::<32>();
    let rogue_seed = rng.bytes::<32>();
    let hs_secret = rng.bytes::<32>();
    let ed1 = SigningKey::ed25519("ed-1", &ed1_seed);
    let ed2 = SigningKey::ed25519("ed-2", &ed2_seed);
    let hs1 = SigningKey::hs256("hs-1", &hs_secret);
    let ed1_raw = ed25519_dalek::SigningKey::from_bytes(&ed1_seed);
    let ed2_raw = ed25519_dalek::SigningKey::from_bytes(&ed2_seed);
    let rogue_raw = ed25519_dalek::SigningKey::from_bytes(&rogue_seed);
    let ed1_public = ed1.public_key().expect("Ed25519");

    let engine = Engine::from_value(&initial_snapshot(&ed1, &ed2, &hs_secret))
        .unwrap_or_else(|e| panic!("initial snapshot rejected: {e:?}"));
    let mut g = Gen { rng, engine, cases: Vec::new() };

    // ---- Minted opaque tokens.
    let op_bob = g.opaque("bob", personal("laptop", 0));
    let op_alice_hour = g.opaque("alice", personal("one hour", NOW + HOUR));
    let op_member = g.opaque("alice", org_token("acme", "ci-member", None, 0));
    let op_admin = g.opaque("alice", org_token("acme", "ci-admin", Some("admin"), NOW + 365 * DAY));
    let op_custom = g.opaque("alice", org_token("acme", "ci-deployer", Some("deployer"), 0));
    let op_team = g.opaque("carol", team_token("acme", "platform", "platform-ci", NOW + 90 * DAY));
    let op_nightly = g.opaque("alice", org_token("acme", "ci-nightly", Some("member"), NOW + 10 * MINUTE));
    let op_revoked = g.opaque("alice", org_token("acme", "ci-revoked", None, 0));
    let op_deleted = g.opaque("carol", team_token("acme", "platform", "platform-old", 0));
    let op_bob_cap = g.opaque("bob", personal("exactly the globex cap", NOW + POLICY_DAYS * DAY));
    let op_bob_over =
        g.opaque("bob", personal("one second over the globex cap", NOW + POLICY_DAYS * DAY + 1));
    let op_globex_never = g.opaque("alice", org_token("globex", "deploy-bot", None, 0));
    g.engine
        .update_settings(
            "alice",
            "globex",
            &SettingsPatch {
                token_expiry_policy_days: Some(Some(POLICY_DAYS as u32)),
                ..SettingsPatch::default()
            },
        )
        .expect("alice administers globex");
    let op_globex_ok = g.opaque("alice", org_token("globex", "deploy-bot-2", None, NOW + 10 * DAY));

    // ---- Minted signed tokens.
    let sg_bob = g.signed("bob", personal("edge", NOW + 7 * DAY), &ed1);
    let sg_admin = g.signed("alice", org_token("acme", "edge-admin", Some("admin"), NOW + 30 * DAY), &ed2);
    let sg_member = g.signed("alice", org_token("acme", "edge-member", None, NOW + 30 * DAY), &ed1);
    let sg_team = g.signed("carol", team_token("acme", "platform", "platform-edge", NOW + 30 * DAY), &ed1);
    let sg_hs = g.signed("alice", org_token("acme", "edge-hs", Some("deployer"), NOW + 30 * DAY), &hs1);
    let sg_revoked = g.signed("alice", org_token("acme", "edge-revoked", None, NOW + 30 * DAY), &ed1);
    let sg_deleted = g.signed("carol", team_token("acme", "platform", "platform-edge-old", NOW + DAY), &ed1);

    g.engine.delete_token("carol", &op_deleted.id).expect("a team admin deletes a team token");
    g.engine.delete_token("carol", &sg_deleted.id).expect("a team admin deletes a team token");

    // ---- Valid opaque tokens, and the credential forms.
    g.case("opaque-personal", "a personal token acts as its record (its user)", &op_bob.token, op_bob.ok());
    g.case(
        "opaque-org-member",
        "an organization token with the built-in Member role",
        &op_member.token,
        op_member.ok(),
    );
    g.case("opaque-org-admin", "an organization token with the Admin role", &op_admin.token, op_admin.ok());
    g.case(
        "opaque-org-custom-role",
        "an organization token with a custom role",
        &op_custom.token,
        op_custom.ok(),
    );
    g.case("opaque-team", "a team token minted by the team admin", &op_team.token, op_team.ok());
    g.case(
        "form-authorization-header",
        "a whole `Authorization: token` header line",
        format!("Authorization: token {}", op_bob.token),
        op_bob.ok(),
    );
    g.case("form-token-scheme", "the `token` scheme", format!("token {}", op_bob.token), op_bob.ok());
    g.case("form-bearer-scheme", "the `Bearer` scheme", format!("Bearer {}", op_bob.token), op_bob.ok());
    g.case(
        "form-case-insensitive-scheme",
        "header names and schemes are case-insensitive",
        format!("authorization: TOKEN {}", op_team.token),
        op_team.ok(),
    );
    g.case(
        "form-extra-whitespace",
        "surrounding and separating whitespace is ignored",
        format!("  Authorization:   Bearer   {}  ", op_member.token),
        op_member.ok(),
    );
    g.case(
        "form-bearer-signed",
        "a signed token in a `Bearer` header line",
        format!("Authorization: Bearer {}", sg_team.token),
        sg_team.ok(),
    );
    g.case(
        "form-basic-scheme",
        "an unknown scheme leaves a space inside the value",
        format!("Basic {}", op_bob.token),
        error("malformed_token"),
    );

    // ---- Expiry of opaque tokens (expired when now >= expires; no leeway).
    g.case_at(
        "opaque-expired",
        "expired ten minutes after minting; used a day later",
        &op_nightly.token,
        Some(NOW + DAY),
        None,
        error("token_expired"),
    );
    g.case_at(
        "opaque-expired-at-boundary",
        "now == expires is expired",
        &op_alice_hour.token,
        Some(NOW + HOUR),
        None,
        error("token_expired"),
    );
    g.case_at(
        "opaque-valid-one-second-before-expiry",
        "now == expires - 1 is still valid",
        &op_alice_hour.token,
        Some(NOW + HOUR - 1),
        None,
        op_alice_hour.ok(),
    );
    g.case(
        "opaque-expiring-valid",
        "a token with an expiry, well before it",
        &op_nightly.token,
        op_nightly.ok(),
    );

    // ---- Revocation and deletion.
    g.case("opaque-revoked-by-id", "its id is in revokedTokenIds", &op_revoked.token, error("token_revoked"));
    g.case("opaque-deleted", "its record is marked deleted", &op_deleted.token, error("token_revoked"));
    g.case(
        "signed-revoked-by-id",
        "a minted signed token whose id is in revokedTokenIds",
        &sg_revoked.token,
        error("token_revoked"),
    );
    g.case(
        "signed-deleted",
        "a minted signed token whose record is deleted",
        &sg_deleted.token,
        error("token_revoked"),
    );

    // ---- Unknown opaque tokens.
    let unknown = g.rng.opaque();
    g.case("opaque-unknown", "well-formed, but no record has its digest", unknown, error("unknown_token"));

    // ---- Malformed credentials.
    let bob_hex = op_bob.token.trim_start_matches("pul-").to_string();
    g.case("malformed-empty", "nothing at all", "", error("malformed_token"));
    g.case("malformed-scheme-only", "a scheme with no value", "token ", error("malformed_token"));
    g.case(
        "malformed-opaque-43-chars",
        "an opaque token one hex character short",
        &op_bob.token[..43],
        error("malformed_token"),
    );
    g.case(
        "malformed-opaque-45-chars",
        "an opaque token one hex character long",
        format!("{}0", op_bob.token),
        error("malformed_token"),
    );
    g.case(
        "malformed-opaque-uppercase-hex",
        "the hex part must be lowercase",
        format!("pul-{}", bob_hex.to_uppercase()),
        error("malformed_token"),
    );
    g.case(
        "malformed-opaque-uppercase-prefix",
        "the prefix is `pul-`, lowercase",
        format!("PUL-{bob_hex}"),
        error("malformed_token"),
    );
    g.case(
        "malformed-opaque-non-hex",
        "a `g` is not hex",
        format!("pul-g{}", &bob_hex[1..]),
        error("malformed_token"),
    );
    g.case(
        "malformed-opaque-cyrillic-letter",
        "a Cyrillic `а` (U+0430) in place of a hex letter",
        format!("pul-\u{430}{}", &bob_hex[1..]),
        error("malformed_token"),
    );
    g.case(
        "malformed-opaque-zero-width-space",
        "a valid token with a zero-width space (U+200B) inside",
        format!("pul-{}\u{200b}{}", &bob_hex[..20], &bob_hex[20..]),
        error("malformed_token"),
    );
    g.case(
        "malformed-opaque-fullwidth-digit",
        "a fullwidth digit (U+FF10) in place of `0`",
        format!("pul-\u{ff10}{}", &bob_hex[1..]),
        error("malformed_token"),
    );
    g.case(
        "malformed-no-break-space-separator",
        "a no-break space (U+00A0) after the scheme",
        format!("token\u{a0}{}", op_bob.token),
        error("malformed_token"),
    );
    g.case(
        "malformed-space-inside",
        "a space inside the token",
        format!("pul-{} {}", &bob_hex[..20], &bob_hex[20..]),
        error("malformed_token"),
    );
    g.case(
        "malformed-oversized-opaque",
        "8193 bytes: refused on size alone",
        format!("pul-{}", "a".repeat(MAX_CREDENTIAL + 1 - 4)),
        error("malformed_token"),
    );
    let (h, p, s) = parts(&sg_member.token);
    g.case(
        "malformed-jwt-missing-signature-part",
        "a JWT with its third part (and dot) dropped",
        format!("{h}.{p}"),
        error("malformed_token"),
    );
    g.case(
        "malformed-jwt-cut-in-payload",
        "a JWT cut in the middle of its payload",
        format!("{h}.{}", &p[..p.len() / 2]),
        error("malformed_token"),
    );
    g.case(
        "malformed-jwt-cut-in-header",
        "a JWT cut in the middle of its header",
        &h[..h.len() / 2],
        error("malformed_token"),
    );
    // 85 base64 characters cannot be base64url of anything (length % 4 == 1).
    g.case(
        "malformed-jwt-cut-in-signature",
        "a JWT whose signature is cut to 85 characters, not valid base64url",
        format!("{h}.{p}.{}", &s[..85]),
        error("malformed_token"),
    );
    g.case(
        "malformed-jwt-four-parts",
        "a JWT with an extra part",
        format!("{}.{s}", sg_member.token),
        error("malformed_token"),
    );
    g.case(
        "malformed-jwt-header-not-json",
        "a header that is base64url but not JSON",
        format!("{}.{p}.{s}", b64(b"not json")),
        error("malformed_token"),
    );
    g.case(
        "malformed-jwt-zero-width-space",
        "a valid JWT with a zero-width space (U+200B) inside its payload",
        format!("{h}.{}\u{200b}{}.{s}", &p[..10], &p[10..]),
        error("malformed_token"),
    );
    g.case(
        "malformed-jwt-padded-base64",
        "base64url parts carry no `=` padding",
        format!("{h}.{p}.{s}=="),
        error("malformed_token"),
    );

    // ---- Minted signed tokens.
    g.case("signed-personal", "a minted EdDSA personal token acts as its record", &sg_bob.token, sg_bob.ok());
    g.case(
        "signed-org-admin",
        "a minted EdDSA organization token (Admin), key ed-2",
        &sg_admin.token,
        sg_admin.ok(),
    );
    g.case(
        "signed-org-member",
        "a minted EdDSA organization token (Member)",
        &sg_member.token,
        sg_member.ok(),
    );
    g.case("signed-team", "a minted EdDSA team token", &sg_team.token, sg_team.ok());
    g.case(
        "signed-hs256",
        "a minted HS256 organization token (custom role), key hs-1",
        &sg_hs.token,
        sg_hs.ok(),
    );
    g.case_at(
        "signed-expired",
        "a minted signed token a day after its expiry",
        &sg_bob.token,
        Some(NOW + 8 * DAY),
        None,
        error("token_expired"),
    );
    g.case_at(
        "signed-nbf-beyond-leeway",
        "minted with nbf = NOW, used 61 seconds before it (leeway 60)",
        &sg_bob.token,
        Some(NOW - LEEWAY - 1),
        None,
        error("token_not_yet_valid"),
    );
    g.case_at(
        "signed-nbf-at-leeway",
        "minted with nbf = NOW, used exactly 60 seconds before it (inside the leeway)",
        &sg_bob.token,
        Some(NOW - LEEWAY),
        None,
        sg_bob.ok(),
    );

    // ---- Signed tokens with no record: they act by their claims.
    let (jti, c) = g.claims("team", Some("acme"), "platform", None);
    let claims_team = jws(&header("EdDSA", "ed-1"), &c, &Sig::Ed(&ed1_raw));
    g.case(
        "claims-team",
        "no record: acts as team platform of acme",
        &claims_team,
        by_claims(&jti, "acme", "team", "platform"),
    );
    g.case_at(
        "claims-team-wrong-organization",
        "a claims-only acme team token used against globex",
        &claims_team,
        None,
        Some("globex"),
        error("wrong_organization"),
    );
    let (jti, c) = g.claims("organization", Some("acme"), "external-ci", Some("admin"));
    let t = jws(&header("EdDSA", "ed-2"), &c, &Sig::Ed(&ed2_raw));
    g.case(
        "claims-org-admin",
        "no record: acts as the Admin role of acme",
        t,
        by_claims(&jti, "acme", "organization", "admin"),
    );
    let (jti, c) = g.claims("organization", Some("acme"), "external-deploy", Some("deployer"));
    let t = jws(&header("EdDSA", "ed-1"), &c, &Sig::Ed(&ed1_raw));
    g.case(
        "claims-org-custom-role",
        "no record: acts as the custom role deployer",
        t,
        by_claims(&jti, "acme", "organization", "deployer"),
    );
    let (jti, c) = g.claims("organization", Some("acme"), "external-default", None);
    let t = jws(&header("EdDSA", "ed-1"), &c, &Sig::Ed(&ed1_raw));
    g.case(
        "claims-org-default-role",
        "no record and no role claim: the Member role",
        t,
        by_claims(&jti, "acme", "organization", "member"),
    );
    let (jti, c) = g.claims("personal", None, "alice", None);
    let t = jws(&header("EdDSA", "ed-1"), &c, &Sig::Ed(&ed1_raw));
    g.case("claims-personal", "no record: a personal token acts as its user", t, as_user(&jti, "alice"));
    let (jti, c) = g.claims("team", Some("acme"), "platform", None);
    let t = jws(&header("HS256", "hs-1"), &c, &Sig::Hs(&hs_secret));
    g.case("claims-team-hs256", "no record, HS256 with hs-1", t, by_claims(&jti, "acme", "team", "platform"));
    let (jti, c) = g.claims("organization", Some("acme"), "external-aud", Some("member"));
    let c = set(c, "aud", json!(["other-service", AUDIENCE]));
    let t = jws(&header("EdDSA", "ed-1"), &c, &Sig::Ed(&ed1_raw));
    g.case(
        "claims-audience-list",
        "an audience list that includes the configured audience",
        t,
        by_claims(&jti, "acme", "organization", "member"),
    );

    let (_, c) = g.claims("team", Some("acme"), "ghost", None);
    let t = jws(&header("EdDSA", "ed-1"), &c, &Sig::Ed(&ed1_raw));
    g.case("claims-unknown-team", "no record, and the team does not exist", t, error("unknown_token"));
    let (_, c) = g.claims("personal", None, "mallory", None);
    let t = jws(&header("EdDSA", "ed-1"), &c, &Sig::Ed(&ed1_raw));
    g.case("claims-unknown-user", "no record, and the user does not exist", t, error("unknown_token"));
    let (_, c) = g.claims("organization", Some("initech"), "ci", None);
    let t = jws(&header("EdDSA", "ed-1"), &c, &Sig::Ed(&ed1_raw));
    g.case(
        "claims-unknown-organization",
        "no record, and the organization does not exist",
        t,
        error("unknown_token"),
    );
    let (_, c) = g.claims("organization", Some("acme"), "ci", Some("wizard"));
    let t = jws(&header("EdDSA", "ed-1"), &c, &Sig::Ed(&ed1_raw));
    g.case("claims-unknown-role", "no record, and the role does not exist", t, error("unknown_token"));
    let (_, c) = g.claims("organization", Some("acme"), "ci", Some("billing-manager"));
    let t = jws(&header("EdDSA", "ed-1"), &c, &Sig::Ed(&ed1_raw));
    g.case(
        "claims-billing-manager-role",
        "an organization token cannot be a Billing Manager",
        t,
        error("invalid_claims"),
    );
    let (_, c) = g.claims("personal", Some("acme"), "alice", None);
    let t = jws(&header("EdDSA", "ed-1"), &c, &Sig::Ed(&ed1_raw));
    g.case("claims-personal-with-org", "a personal token has no org claim", t, error("invalid_claims"));
    let (_, c) = g.claims("team", None, "platform", None);
    let t = jws(&header("EdDSA", "ed-1"), &c, &Sig::Ed(&ed1_raw));
    g.case("claims-team-without-org", "a team token needs its org claim", t, error("invalid_claims"));
    let (_, c) = g.claims("robot", Some("acme"), "platform", None);
    let t = jws(&header("EdDSA", "ed-1"), &c, &Sig::Ed(&ed1_raw));
    g.case("claims-unknown-kind", "kind must be personal, organization or team", t, error("invalid_claims"));
    let (_, c) = g.claims("team", Some("acme"), "platform", None);
    let t = jws(&header("EdDSA", "ed-1"), &unset(c, "jti"), &Sig::Ed(&ed1_raw));
    g.case("claims-missing-jti", "jti is required", t, error("invalid_claims"));
    let (_, c) = g.claims("team", Some("acme"), "platform", None);
    let t = jws(&header("EdDSA", "ed-1"), &unset(c, "exp"), &Sig::Ed(&ed1_raw));
    g.case("claims-missing-exp", "exp is required", t, error("invalid_claims"));
    let (_, c) = g.claims("team", Some("acme"), "platform", None);
    let t = jws(&header("EdDSA", "ed-1"), &set(c, "exp", json!("tomorrow")), &Sig::Ed(&ed1_raw));
    g.case("claims-exp-not-a-number", "exp must be a number of seconds", t, error("invalid_claims"));
    let (revoked_jti, c) = g.claims("team", Some("acme"), "platform", None);
    let t = jws(&header("EdDSA", "ed-1"), &c, &Sig::Ed(&ed1_raw));
    g.case("claims-revoked-by-id", "no record, but its jti is in revokedTokenIds", t, error("token_revoked"));

    // ---- Time claims and the 60-second leeway.
    let (jti, c) = g.claims("team", Some("acme"), "platform", None);
    let t = jws(&header("EdDSA", "ed-1"), &set(c, "nbf", json!(NOW + LEEWAY)), &Sig::Ed(&ed1_raw));
    g.case(
        "claims-nbf-inside-leeway",
        "nbf = now + 60: valid",
        t,
        by_claims(&jti, "acme", "team", "platform"),
    );
    let (_, c) = g.claims("team", Some("acme"), "platform", None);
    let t = jws(&header("EdDSA", "ed-1"), &set(c, "nbf", json!(NOW + LEEWAY + 1)), &Sig::Ed(&ed1_raw));
    g.case("claims-nbf-beyond-leeway", "nbf = now + 61: not yet valid", t, error("token_not_yet_valid"));
    let (_, c) = g.claims("team", Some("acme"), "platform", None);
    let t = jws(&header("EdDSA", "ed-1"), &set(c, "nbf", json!(NOW + DAY)), &Sig::Ed(&ed1_raw));
    g.case("claims-nbf-tomorrow", "nbf a day ahead", t, error("token_not_yet_valid"));
    let (jti, c) = g.claims("team", Some("acme"), "platform", None);
    let c = set(set(c, "iat", json!(NOW - HOUR)), "nbf", json!(NOW - HOUR));
    let t = jws(&header("EdDSA", "ed-1"), &set(c, "exp", json!(NOW - LEEWAY + 1)), &Sig::Ed(&ed1_raw));
    g.case(
        "claims-exp-inside-leeway",
        "exp = now - 59: still valid",
        t,
        by_claims(&jti, "acme", "team", "platform"),
    );
    let (_, c) = g.claims("team", Some("acme"), "platform", None);
    let c = set(set(c, "iat", json!(NOW - HOUR)), "nbf", json!(NOW - HOUR));
    let t = jws(&header("EdDSA", "ed-1"), &set(c, "exp", json!(NOW - LEEWAY)), &Sig::Ed(&ed1_raw));
    g.case(
        "claims-exp-at-leeway",
        "exp = now - 60: expired (now >= exp + leeway)",
        t,
        error("token_expired"),
    );
    let (_, c) = g.claims("team", Some("acme"), "platform", None);
    let c = set(set(c, "iat", json!(NOW - DAY)), "nbf", json!(NOW - DAY));
    let t = jws(&header("EdDSA", "ed-1"), &set(c, "exp", json!(NOW - HOUR)), &Sig::Ed(&ed1_raw));
    g.case("claims-expired", "exp an hour ago", t, error("token_expired"));

    // ---- Issuer and audience.
    let (_, c) = g.claims("team", Some("acme"), "platform", None);
    let t = jws(&header("EdDSA", "ed-1"), &set(c, "iss", json!("https://evil.example")), &Sig::Ed(&ed1_raw));
    g.case("claims-wrong-issuer", "another issuer", t, error("invalid_issuer"));
    let (_, c) = g.claims("team", Some("acme"), "platform", None);
    let t = jws(&header("EdDSA", "ed-1"), &unset(c, "iss"), &Sig::Ed(&ed1_raw));
    g.case("claims-missing-issuer", "no iss while the snapshot sets an issuer", t, error("invalid_issuer"));
    let (_, c) = g.claims("team", Some("acme"), "platform", None);
    let t = jws(&header("EdDSA", "ed-1"), &set(c, "aud", json!("another-service")), &Sig::Ed(&ed1_raw));
    g.case("claims-wrong-audience", "another audience", t, error("invalid_audience"));
    let (_, c) = g.claims("team", Some("acme"), "platform", None);
    let t = jws(&header("EdDSA", "ed-1"), &unset(c, "aud"), &Sig::Ed(&ed1_raw));
    g.case(
        "claims-missing-audience",
        "no aud while the snapshot sets an audience",
        t,
        error("invalid_audience"),
    );
    let (_, c) = g.claims("team", Some("acme"), "platform", None);
    let t = jws(&header("EdDSA", "ed-1"), &set(c, "aud", json!(["a", "b"])), &Sig::Ed(&ed1_raw));
    g.case(
        "claims-audience-list-without-ours",
        "an audience list without the configured audience",
        t,
        error("invalid_audience"),
    );

    // ---- Claims that disagree with the token's record.
    let base = json!({
        "iat": NOW, "nbf": NOW, "exp": NOW + HOUR, "iss": ISSUER, "aud": AUDIENCE,
    });
    let c = set(
        set(set(base.clone(), "jti", json!(sg_bob.id)), "kind", json!("personal")),
        "sub",
        json!("alice"),
    );
    let t = jws(&header("EdDSA", "ed-1"), &c, &Sig::Ed(&ed1_raw));
    g.case(
        "record-disagrees-subject",
        "jti of bob's signed personal token, sub alice",
        t,
        error("invalid_claims"),
    );
    let c = set(
        set(set(base.clone(), "jti", json!(sg_team.id)), "kind", json!("team")),
        "sub",
        json!("platform"),
    );
    let t = jws(&header("EdDSA", "ed-1"), &set(c, "org", json!("globex")), &Sig::Ed(&ed1_raw));
    g.case(
        "record-disagrees-organization",
        "jti of an acme team token, org globex",
        t,
        error("invalid_claims"),
    );
    let c = set(
        set(set(base.clone(), "jti", json!(sg_member.id)), "kind", json!("team")),
        "sub",
        json!("platform"),
    );
    let t = jws(&header("EdDSA", "ed-1"), &set(c, "org", json!("acme")), &Sig::Ed(&ed1_raw));
    g.case("record-disagrees-kind", "jti of an organization token, kind team", t, error("invalid_claims"));
    let c = set(
        set(set(base.clone(), "jti", json!(sg_team.id)), "kind", json!("team")),
        "sub",
        json!("other-team"),
    );
    let t = jws(&header("EdDSA", "ed-1"), &set(c, "org", json!("acme")), &Sig::Ed(&ed1_raw));
    g.case(
        "record-disagrees-team",
        "jti of the platform team token, sub another team",
        t,
        error("invalid_claims"),
    );

    // ---- Keys, signatures and algorithms.
    let (_, c) = g.claims("organization", Some("acme"), "ci", Some("admin"));
    let t = jws(&header("EdDSA", "ed-1"), &c, &Sig::Ed(&rogue_raw));
    g.case("wrong-key", "kid ed-1, signed with a different Ed25519 key", t, error("bad_signature"));
    let (_, c) = g.claims("organization", Some("acme"), "ci", Some("admin"));
    let t = jws(&header("EdDSA", "ed-9"), &c, &Sig::Ed(&rogue_raw));
    g.case("unknown-kid", "kid ed-9 is not configured", t, error("unknown_key"));
    let (_, c) = g.claims("organization", Some("acme"), "ci", Some("admin"));
    let t = jws(&json!({ "alg": "EdDSA", "typ": "JWT" }), &c, &Sig::Ed(&ed1_raw));
    g.case("missing-kid", "no kid in the header", t, error("unknown_key"));

    let (h, p, s) = parts(&sg_bob.token);
    let forged = set(serde_json::from_slice::<Value>(&unb64(&p)).expect("payload"), "sub", json!("alice"));
    g.case(
        "tampered-payload-subject",
        "bob's signed token with sub changed to alice, signature kept",
        format!("{h}.{}.{s}", b64(forged.to_string().as_bytes())),
        error("bad_signature"),
    );
    let (h, p, s) = parts(&sg_member.token);
    let forged = set(serde_json::from_slice::<Value>(&unb64(&p)).expect("payload"), "role", json!("admin"));
    g.case(
        "tampered-payload-role",
        "a Member organization token with role changed to admin, signature kept",
        format!("{h}.{}.{s}", b64(forged.to_string().as_bytes())),
        error("bad_signature"),
    );
    let forged =
        set(serde_json::from_slice::<Value>(&unb64(&p)).expect("payload"), "exp", json!(NOW + 700 * DAY));
    g.case(
        "tampered-payload-exp",
        "exp pushed out, signature kept",
        format!("{h}.{}.{s}", b64(forged.to_string().as_bytes())),
        error("bad_signature"),
    );
    g.case(
        "tampered-header-kid",
        "kid ed-1 changed to ed-2 (same algorithm), signature kept",
        format!("{}.{p}.{s}", b64(header("EdDSA", "ed-2").to_string().as_bytes())),
        error("bad_signature"),
    );
    let mut sig = unb64(&s);
    sig[17] ^= 0x04;
    g.case(
        "tampered-signature-bit",
        "one bit of the Ed25519 signature flipped",
        format!("{h}.{p}.{}", b64(&sig)),
        error("bad_signature"),
    );
    g.case(
        "truncated-signature-32-bytes",
        "the signature cut to its first 32 bytes",
        format!("{h}.{p}.{}", b64(&unb64(&s)[..32])),
        error("bad_signature"),
    );
    g.case("empty-signature", "an empty third part", format!("{h}.{p}."), error("bad_signature"));
    let (hh, hp, hs) = parts(&sg_hs.token);
    let mut mac = unb64(&hs);
    mac[0] ^= 0x80;
    g.case(
        "tampered-hs256-mac-bit",
        "one bit of the HS256 MAC flipped",
        format!("{hh}.{hp}.{}", b64(&mac)),
        error("bad_signature"),
    );

    let (_, c) = g.claims("organization", Some("acme"), "ci", Some("admin"));
    let none_input = signing_input(&json!({ "alg": "none", "typ": "JWT" }), &c);
    g.case(
        "alg-none-empty-signature",
        "alg none with an empty signature part",
        format!("{none_input}."),
        error("algorithm_not_allowed"),
    );
    g.case(
        "alg-none-no-signature-part",
        "alg none with no third part",
        none_input.clone(),
        error("malformed_token"),
    );
    let with_kid = signing_input(&header("none", "ed-1"), &c);
    g.case(
        "alg-none-with-signature",
        "alg none naming ed-1, carrying a real signature",
        sign_input(&with_kid, &Sig::Ed(&ed1_raw)),
        error("algorithm_not_allowed"),
    );
    g.case(
        "alg-none-capitalized",
        "alg None",
        format!("{}.", signing_input(&header("None", "ed-1"), &c)),
        error("algorithm_not_allowed"),
    );
    let swap = signing_input(&header("HS256", "ed-1"), &c);
    g.case(
        "alg-swap-public-key-as-hmac-secret",
        "HS256 naming the Ed25519 kid ed-1, MAC keyed with ed-1's public key bytes",
        sign_input(&swap, &Sig::Hs(&ed1_public)),
        error("algorithm_not_allowed"),
    );
    let encoded_public = b64(&ed1_public);
    g.case(
        "alg-swap-encoded-public-key-as-hmac-secret",
        "as above, MAC keyed with the base64url text of the public key",
        sign_input(&swap, &Sig::Hs(encoded_public.as_bytes())),
        error("algorithm_not_allowed"),
    );
    g.case(
        "alg-swap-eddsa-naming-hmac-key",
        "EdDSA naming the HS256 kid hs-1",
        jws(&header("EdDSA", "hs-1"), &c, &Sig::Ed(&ed1_raw)),
        error("algorithm_not_allowed"),
    );
    for (name, alg) in
        [("alg-rs256", "RS256"), ("alg-es256", "ES256"), ("alg-hs512", "HS512"), ("alg-ed25519", "Ed25519")]
    {
        g.case(
            name,
            "an algorithm that is not on the allow-list",
            jws(&header(alg, "ed-1"), &c, &Sig::Ed(&ed1_raw)),
            error("algorithm_not_allowed"),
        );
    }
    g.case(
        "alg-missing",
        "no alg in the header",
        jws(&json!({ "kid": "ed-1", "typ": "JWT" }), &c, &Sig::Ed(&ed1_raw)),
        error("algorithm_not_allowed"),
    );

    // ---- Size: 8192 bytes is the limit, whatever the content.
    let (jti, c) = g.claims("team", Some("acme"), "platform", None);
    let padded = jws(&header("EdDSA", "ed-1"), &set(c, "pad", json!("x".repeat(5700))), &Sig::Ed(&ed1_raw));
    let spaces = MAX_CREDENTIAL
        .checked_sub("Bearer".len() + padded.len())
        .filter(|n| *n >= 1)
        .expect("the padded token leaves room for a separator");
    let exact = format!("Bearer{}{padded}", " ".repeat(spaces));
    assert_eq!(exact.len(), MAX_CREDENTIAL);
    g.case(
        "size-exactly-8192-bytes",
        "a valid signed token padded to exactly 8192 bytes",
        exact,
        by_claims(&jti, "acme", "team", "platform"),
    );
    let over = format!("Bearer{}{padded}", " ".repeat(spaces + 1));
    g.case("size-8193-bytes", "the same token with one more byte", over, error("malformed_token"));

    // ---- Organizations: wrong organization and the expiry policy of globex (30 days).
    g.case_at(
        "org-matches",
        "an acme organization token used against acme",
        &op_member.token,
        None,
        Some("acme"),
        op_member.ok(),
    );
    g.case_at(
        "org-personal-any-org",
        "a personal token carries no organization",
        &op_bob_cap.token,
        None,
        Some("acme"),
        op_bob_cap.ok(),
    );
    g.case_at(
        "wrong-org-opaque-org-token",
        "an acme organization token used against globex",
        &op_member.token,
        None,
        Some("globex"),
        error("wrong_organization"),
    );
    g.case_at(
        "wrong-org-opaque-team-token",
        "an acme team token used against globex",
        &op_team.token,
        None,
        Some("globex"),
        error("wrong_organization"),
    );
    g.case_at(
        "wrong-org-signed-admin-token",
        "an acme signed admin token used against globex",
        &sg_admin.token,
        None,
        Some("globex"),
        error("wrong_organization"),
    );
    g.case_at(
        "wrong-org-globex-token-at-acme",
        "a globex token used against acme",
        &op_globex_ok.token,
        None,
        Some("acme"),
        error("wrong_organization"),
    );
    g.case_at(
        "wrong-org-unknown-org",
        "an acme token used against an organization that does not exist",
        &op_member.token,
        None,
        Some("initech"),
        error("wrong_organization"),
    );
    g.case_at(
        "policy-personal-never-expires",
        "a never-expiring personal token used against globex",
        &op_bob.token,
        None,
        Some("globex"),
        error("expiry_policy_violation"),
    );
    g.case_at(
        "policy-personal-at-cap",
        "remaining lifetime exactly 30 days",
        &op_bob_cap.token,
        None,
        Some("globex"),
        op_bob_cap.ok(),
    );
    g.case_at(
        "policy-personal-over-cap",
        "remaining lifetime 30 days and one second",
        &op_bob_over.token,
        None,
        Some("globex"),
        error("expiry_policy_violation"),
    );
    g.case_at(
        "policy-remaining-lifetime",
        "the same token a second later: the remaining lifetime is within the cap",
        &op_bob_over.token,
        Some(NOW + 1),
        Some("globex"),
        op_bob_over.ok(),
    );
    g.case_at(
        "policy-own-org-never-expires",
        "a never-expiring globex token (minted before the policy), no request org",
        &op_globex_never.token,
        None,
        None,
        error("expiry_policy_violation"),
    );
    g.case_at(
        "policy-own-org-at-globex",
        "the same token used against globex",
        &op_globex_never.token,
        None,
        Some("globex"),
        error("expiry_policy_violation"),
    );
    g.case_at(
        "policy-compliant-org-token",
        "a globex token expiring in 10 days",
        &op_globex_ok.token,
        None,
        Some("globex"),
        op_globex_ok.ok(),
    );
    g.case_at(
        "policy-signed-personal",
        "a signed personal token with 7 days left, against globex",
        &sg_bob.token,
        None,
        Some("globex"),
        sg_bob.ok(),
    );
    g.case(
        "policy-none-at-acme",
        "acme has no policy: a never-expiring token is fine",
        &op_custom.token,
        op_custom.ok(),
    );
    let (_, c) = g.claims("organization", Some("globex"), "ext", None);
    let t = jws(
        &header("EdDSA", "ed-1"),
        &set(c, "exp", json!(NOW + (POLICY_DAYS + 1) * DAY)),
        &Sig::Ed(&ed1_raw),
    );
    g.case(
        "policy-claims-over-cap",
        "a claims-only globex token expiring in 31 days",
        t,
        error("expiry_policy_violation"),
    );
    let (jti, c) = g.claims("organization", Some("globex"), "ext", None);
    let t = jws(&header("EdDSA", "ed-1"), &c, &Sig::Ed(&ed1_raw));
    g.case_at(
        "policy-claims-within-cap",
        "a claims-only globex token expiring in an hour",
        t,
        None,
        Some("globex"),
        by_claims(&jti, "globex", "organization", "member"),
    );

    // ---- The final snapshot: revocations by id, then normalized through a load.
    // The vectors' snapshot carries the HS256 key: they verify HS256 tokens with it.
    let with_secrets = scopegate::ExportOptions { include_secrets: true };
    let mut snapshot = g.engine.to_value_with(with_secrets);
    let mut revoked = vec![op_revoked.id.clone(), sg_revoked.id.clone(), revoked_jti];
    revoked.sort();
    snapshot["revokedTokenIds"] = json!(revoked);
    let engine = Engine::from_value(&snapshot).unwrap_or_else(|e| panic!("final snapshot rejected: {e:?}"));
    let snapshot = engine.to_value_with(with_secrets);

    let cases: Vec<Value> = g.cases.iter().map(Case::to_json).collect();
    let vectors = json!({
        "description": "Token authentication vectors for scopegate. Build the engine from `snapshot`, call authenticate(credential, case.now ?? now, case.org ?? null) and compare with `expect`. Generated; do not edit.",
        "generator": "tests/vectors/generate.rs (cargo run --example gen_vectors)",
        "seed": format!("{SEED:#018x}"),
        "now": NOW,
        "snapshot": snapshot,
        "cases": cases,
    });
    let readme = render(&vectors);
    (vectors, readme)
}

/// A credential as it appears in the README: escaped, and shortened when long.
fn show_credential(credential: &str) -> String {
    let escaped: String = credential
        .chars()
        .map(
            |c| if c.is_ascii_graphic() || c == ' ' { c.to_string() } else { c.escape_unicode().to_string() },
        )
        .collect();
    let shown = if escaped.chars().count() > 64 {
        let head: String = escaped.chars().take(40).collect();
        let tail: String = escaped.chars().rev().take(12).collect::<Vec<_>>().into_iter().rev().collect();
        format!("{head}…{tail}")
    } else {
        escaped
    };
    let shown = shown.replace('|', "\\|");
    if shown.is_empty() { "(empty)".to_string() } else { format!("`{}`", shown.replace(' ', "␠")) }
}

fn show_expect(expect: &Value) -> String {
    if let Some(code) = expect.get("error").and_then(Value::as_str) {
        return format!("error `{code}`");
    }
    let principal = match &expect["principal"] {
        Value::String(s) => s.clone(),
        Value::Object(o) => {
            let fields: Vec<String> =
                o.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default())).collect();
            format!("claims {{{}}}", fields.join(", "))
        }
        other => other.to_string(),
    };
    let org = expect["organization"].as_str().map(|o| format!(", org {o}")).unwrap_or_default();
    format!(
        "`{principal}` ({} `{}`{org}{})",
        expect["kind"].as_str().unwrap_or_default(),
        expect["subject"].as_str().unwrap_or_default(),
        if expect["signed"] == json!(true) { ", signed" } else { "" }
    )
}

/// The human-readable render of the vectors.
fn render(vectors: &Value) -> String {
    let now = vectors["now"].as_u64().expect("now");
    let snapshot = &vectors["snapshot"];
    let mut out = String::new();
    out.push_str("# Token test vectors\n\n");
    out.push_str(
        "Generated by `cargo run --example gen_vectors` from `tests/vectors/generate.rs`; do not edit.\n\
         `cargo test --test token_vectors` regenerates both files in memory, fails when they differ\n\
         from the committed ones, and runs every case through `Engine::authenticate`.\n\n",
    );
    out.push_str(&format!(
        "Seed `{}`, default clock `now = {now}`. Every secret, key seed and token id comes from the seeded\n\
         generator; tokens are minted with `mint_opaque_from` / `mint_signed_from`, hostile ones are\n\
         built by hand.\n\n",
        vectors["seed"].as_str().unwrap_or_default()
    ));
    out.push_str("## Format of `vectors.json`\n\n");
    out.push_str(
        "- `snapshot`: a snapshot v1 document (after minting, exported by the engine).\n\
         - `now`: the clock, seconds since the epoch.\n\
         - `cases[]`: `name`, `note`, `credential`, optional `now` (overrides the clock), optional `org`\n  \
           (the organization the request is against), and `expect`, one of:\n  \
           - `{ \"error\": \"<code>\" }`: authentication fails with that error code;\n  \
           - `{ \"principal\", \"kind\", \"subject\", \"organization\", \"tokenId\", \"signed\" }`: it succeeds.\n    \
             `principal` is `token:<id>` (a token record), `user:<login>` (a signed personal token with no\n    \
             record), or `{ \"org\", \"team\" }` / `{ \"org\", \"role\" }` (a signed machine token with no record,\n    \
             acting by its claims; it has no principal name).\n\n",
    );

    out.push_str("## Snapshot\n\n");
    let signing = &snapshot["signing"];
    out.push_str(&format!(
        "Signing: issuer `{}`, audience `{}`, leeway {} s; keys:",
        signing["issuer"].as_str().unwrap_or_default(),
        signing["audience"].as_str().unwrap_or_default(),
        signing["leewaySeconds"]
    ));
    for key in signing["keys"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            " `{}` ({})",
            key["kid"].as_str().unwrap_or_default(),
            key["alg"].as_str().unwrap_or_default()
        ));
    }
    out.push_str(".\n\n");
    for org in snapshot["organizations"].as_array().into_iter().flatten() {
        let members: Vec<String> = org["members"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| {
                format!(
                    "{} ({})",
                    m["login"].as_str().unwrap_or_default(),
                    m["role"].as_str().unwrap_or("member")
                )
            })
            .collect();
        let policy = match org["settings"]["tokenExpiryPolicyDays"].as_u64() {
            Some(days) => format!("token expiry policy {days} days"),
            None => "no token expiry policy".to_string(),
        };
        out.push_str(&format!(
            "- Organization `{}`: {policy}; members {}.\n",
            org["name"].as_str().unwrap_or_default(),
            members.join(", ")
        ));
        for team in org["teams"].as_array().into_iter().flatten() {
            let list = |key: &str| -> Vec<&str> {
                team[key].as_array().into_iter().flatten().filter_map(Value::as_str).collect()
            };
            let admins = list("admins");
            let mut members = admins.clone();
            members.extend(list("members"));
            out.push_str(&format!(
                "  - Team `{}` (admins are members too): members {}; admins {}.\n",
                team["name"].as_str().unwrap_or_default(),
                members.join(", "),
                admins.join(", ")
            ));
        }
    }
    out.push('\n');
    let revoked: Vec<&str> =
        snapshot["revokedTokenIds"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    out.push_str("| Token id | Kind | Organization | Name | Acts as | Expires | State |\n");
    out.push_str("|---|---|---|---|---|---|---|\n");
    let mut rows: Vec<(Option<&str>, Option<&str>, &Value)> = Vec::new();
    for user in snapshot["users"].as_array().into_iter().flatten() {
        for token in user["tokens"].as_array().into_iter().flatten() {
            rows.push((None, user["login"].as_str(), token));
        }
    }
    for org in snapshot["organizations"].as_array().into_iter().flatten() {
        for token in org["tokens"].as_array().into_iter().flatten() {
            rows.push((org["name"].as_str(), None, token));
        }
    }
    for (org, user, token) in rows {
        let id = token["id"].as_str().unwrap_or_default();
        let kind = token["kind"].as_str().unwrap_or("personal");
        let acts_as = match kind {
            "team" => format!("team {}", token["team"].as_str().unwrap_or_default()),
            "organization" => format!("role {}", token["role"].as_str().unwrap_or("member")),
            _ => format!("user {}", user.unwrap_or_default()),
        };
        let expires = match token["expires"].as_u64() {
            None | Some(0) => "never".to_string(),
            Some(e) if e >= now => format!("now + {} s", e - now),
            Some(e) => format!("now - {} s", now - e),
        };
        let state = if token["deleted"] == json!(true) {
            "deleted"
        } else if revoked.contains(&id) {
            "revoked"
        } else {
            ""
        };
        let opaque = if token.get("digest").is_some() { "opaque" } else { "signed" };
        out.push_str(&format!(
            "| `{id}` | {kind} ({opaque}) | {} | {} | {acts_as} | {expires} | {state} |\n",
            org.unwrap_or(""),
            token["name"].as_str().unwrap_or("")
        ));
    }
    for id in &revoked {
        let known = snapshot.to_string().matches(&format!("\"id\":\"{id}\"")).count() > 0;
        if !known {
            out.push_str(&format!("| `{id}` | (no record) | | | | | revoked |\n"));
        }
    }
    out.push('\n');

    out.push_str("## Cases\n\n");
    out.push_str("| # | Name | Credential | now | org | Expect | Note |\n");
    out.push_str("|---|---|---|---|---|---|---|\n");
    for (i, case) in vectors["cases"].as_array().into_iter().flatten().enumerate() {
        let when = match case["now"].as_u64() {
            None => String::new(),
            Some(t) if t >= now => format!("now + {}", t - now),
            Some(t) => format!("now - {}", now - t),
        };
        let credential = case["credential"].as_str().unwrap_or_default();
        let mut shown = show_credential(credential);
        if (credential.len() > 64 && !credential.starts_with("pul-")) || credential.len() > 200 {
            shown.push_str(&format!(" ({} bytes)", credential.len()));
        }
        out.push_str(&format!(
            "| {} | `{}` | {shown} | {when} | {} | {} | {} |\n",
            i + 1,
            case["name"].as_str().unwrap_or_default(),
            case["org"].as_str().unwrap_or(""),
            show_expect(&case["expect"]),
            case["note"].as_str().unwrap_or_default().replace('|', "\\|"),
        ));
    }
    out
}
