//! Access-token rules (model-facts E.1, E.3, D.10; PRODUCT "Tokens" and decisions 2–4): who
//! each kind of token acts as, who may mint, delete and list them, names, expiry, the
//! organization expiry policy, revocation, and that no secret ever leaks into output.

use std::collections::BTreeSet;

use scopegate::Authenticated;
use scopegate::SettingsPatch;
use scopegate::SigningKey;
use scopegate::{Engine, ManageError, Permission, Principal, TokenKind};
use scopegate::{MintRequest, Minted};
use serde_json::{Value, json};

/// "Now" for every test, seconds since the epoch.
const NOW: u64 = 1_700_000_000;
const DAY: u64 = 86_400;
/// Two years as the model counts them (E.3: "up to two years from now").
const TWO_YEARS: u64 = 2 * 365 * DAY;
/// The Ed25519 seed of the signing key `k1` the world trusts.
const SEED: [u8; 32] = [
    3, 10, 17, 24, 31, 38, 45, 52, 59, 66, 73, 80, 87, 94, 101, 108, 115, 122, 129, 136, 143, 150, 157, 164,
    171, 178, 185, 192, 199, 206, 213, 220,
];

/// base64url without padding (RFC 4648 §5), for key material in snapshots.
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

fn signing_key() -> SigningKey {
    SigningKey::ed25519("k1", &SEED)
}

/// The world:
/// - `acme` (default stack permission `read`): `alice` Admin, `bob`, `carol`, `dave`, `frank`
///   built-in Members, `erin` with the custom role `Deployer` (stack write on `app/prod` only);
///   team `platform` (members bob, carol; admin carol; write on `app/dev`), team `data`
///   (member and admin dave); stacks `app/prod`, `app/dev`.
/// - `globex` (documented defaults): `alice` Member, `bob` Admin; stack `web/prod`.
/// - signing key `k1` (EdDSA).
fn world_value() -> Value {
    json!({
        "version": 1,
        "signing": { "keys": [ {
            "kid": "k1", "alg": "EdDSA", "publicKey": b64url(&signing_key().public_key().unwrap())
        } ] },
        "organizations": [
            {
                "name": "acme",
                "settings": { "defaultStackPermission": "read" },
                "members": [
                    { "login": "alice", "role": "admin" },
                    { "login": "bob" },
                    { "login": "carol" },
                    { "login": "dave" },
                    { "login": "frank", "role": "member" },
                    { "login": "erin", "role": "Deployer" }
                ],
                "roles": [ { "name": "Deployer", "rules": [
                    { "entity": "stack", "permissionSet": "stack-write", "entities": ["app/prod"] }
                ] } ],
                "teams": [
                    { "name": "platform", "members": ["bob", "carol"], "admins": ["carol"],
                      "stacks": { "app/dev": "write" } },
                    { "name": "data", "members": ["dave"], "admins": ["dave"] }
                ],
                "stacks": [ { "project": "app", "name": "prod" }, { "project": "app", "name": "dev" } ]
            },
            {
                "name": "globex",
                "members": [ { "login": "alice", "role": "member" }, { "login": "bob", "role": "admin" } ],
                "stacks": [ { "project": "web", "name": "prod" } ]
            }
        ]
    })
}

fn load(value: &Value) -> Engine {
    match Engine::from_json(&value.to_string()) {
        Ok(engine) => engine,
        Err(errors) => panic!("snapshot rejected: {errors:?}"),
    }
}

fn world() -> Engine {
    load(&world_value())
}

/// An expiry as the tests below write it: 0 for a token that never expires.
fn expiry(expires: u64) -> Option<u64> {
    (expires != 0).then_some(expires)
}

fn personal(expires: u64) -> MintRequest {
    MintRequest { expires: expiry(expires), ..MintRequest::default() }
}

fn org_token(org: &str, role: Option<&str>, name: &str, expires: u64) -> MintRequest {
    MintRequest {
        kind: Some(TokenKind::Organization),
        org: Some(org.into()),
        role: role.map(Into::into),
        name: Some(name.into()),
        expires: expiry(expires),
        ..MintRequest::default()
    }
}

fn team_token(org: &str, team: &str, name: &str, expires: u64) -> MintRequest {
    MintRequest {
        kind: Some(TokenKind::Team),
        org: Some(org.into()),
        team: Some(team.into()),
        name: Some(name.into()),
        expires: expiry(expires),
        ..MintRequest::default()
    }
}

/// A minted token's record as JSON, the way it is stored.
fn record(minted: &Minted) -> Value {
    minted.record()
}

#[track_caller]
fn mint(engine: &mut Engine, actor: &str, request: &MintRequest) -> Minted {
    match engine.mint_opaque(actor, request, NOW) {
        Ok(minted) => minted,
        Err(err) => panic!("{actor} could not mint {request:?}: {err}"),
    }
}

#[track_caller]
fn mint_refused(engine: &mut Engine, actor: &str, request: &MintRequest) -> &'static str {
    match engine.mint_opaque(actor, request, NOW) {
        Ok(minted) => panic!("{actor} minted {request:?} ({minted:?}), expected a refusal"),
        Err(err) => err.code().as_str(),
    }
}

fn code(result: Result<(), ManageError>) -> &'static str {
    match result {
        Ok(()) => "ok",
        Err(err) => err.code().as_str(),
    }
}

fn principal(minted: &Minted) -> String {
    format!("token:{}", minted.id)
}

#[track_caller]
fn auth(engine: &Engine, token: &str, now: u64, org: Option<&str>) -> Authenticated {
    match engine.authenticate(token, now, org) {
        Ok(found) => found,
        Err(err) => panic!("authentication failed at {now} for {org:?}: {err}"),
    }
}

#[track_caller]
fn auth_code(engine: &Engine, token: &str, now: u64, org: Option<&str>) -> &'static str {
    match engine.authenticate(token, now, org) {
        Ok(found) => panic!("authenticated as {found:?}, expected a refusal"),
        Err(err) => err.code().as_str(),
    }
}

/// Asks a question as an authenticated token, through both the string and the resolved path
/// (which must agree).
#[track_caller]
fn ask(engine: &Engine, who: &Authenticated, scope: &str, resource: &str) -> bool {
    let name = who.principal_name.as_deref().expect("a recorded token has a principal name");
    let by_name = engine.check(name, scope, resource);
    let target = engine.resolve_target(scope, resource).expect("known scope and resource");
    let resolved = engine.check_resolved(&who.principal, &target);
    assert_eq!(by_name, resolved, "{scope} on {resource}: the string and resolved paths disagree");
    resolved
}

/// Asks a question on a pre-resolved principal handle.
fn ask_resolved(engine: &Engine, who: &Principal, scope: &str, resource: &str) -> bool {
    let target = engine.resolve_target(scope, resource).expect("known scope and resource");
    engine.check_resolved(who, &target)
}

fn ids(views: &[scopegate::TokenView]) -> BTreeSet<String> {
    views.iter().map(|v| v.id.clone()).collect()
}

fn set(minted: &[&Minted]) -> BTreeSet<String> {
    minted.iter().map(|m| m.id.clone()).collect()
}

// ---------------------------------------------------------------------------------------------
// Personal tokens (E.1, decision 4)

#[test]
fn personal_token_acts_as_its_user_in_every_organization() {
    let mut engine = world();
    let alice = mint(&mut engine, "alice", &personal(0));
    let bob = mint(&mut engine, "bob", &personal(0));
    assert_eq!(alice.user.as_deref(), Some("alice"));
    assert_eq!(alice.organization, None);

    let a = auth(&engine, &alice.token, NOW, None);
    assert_eq!(a.kind, TokenKind::Personal);
    assert_eq!(a.subject, "alice");
    assert_eq!(a.organization, None);
    assert_eq!(a.token_id, alice.id);
    assert!(!a.signed);
    assert_eq!(Some(a.principal.clone()), engine.resolve_principal("alice"), "a personal token is its user");

    // alice is Admin in acme and a built-in Member in globex (default stack permission write).
    let expected = [
        ("org_member:add", "acme", true),
        ("org_token:create", "acme", true),
        ("stack:delete", "acme/app/prod", true),
        ("org_member:add", "globex", false),
        ("org_token:create", "globex", false),
        ("stack:write", "globex/web/prod", true),
        ("stack:delete", "globex/web/prod", false),
    ];
    for (scope, resource, allowed) in expected {
        assert_eq!(ask(&engine, &a, scope, resource), allowed, "alice's token: {scope} on {resource}");
        assert_eq!(engine.check("alice", scope, resource), allowed, "alice: {scope} on {resource}");
    }

    // bob is the reverse: built-in Member in acme (read by default), Admin in globex.
    let b = auth(&engine, &bob.token, NOW, None);
    assert_eq!(Some(b.principal.clone()), engine.resolve_principal("bob"));
    let expected = [
        ("org_member:add", "acme", false),
        ("stack:read", "acme/app/prod", true),
        ("stack:write", "acme/app/prod", false),
        ("org_member:add", "globex", true),
        ("stack:delete", "globex/web/prod", true),
    ];
    for (scope, resource, allowed) in expected {
        assert_eq!(ask(&engine, &b, scope, resource), allowed, "bob's token: {scope} on {resource}");
    }

    // Used against either organization, it still acts as its user.
    for org in ["acme", "globex"] {
        let with_org = auth(&engine, &alice.token, NOW, Some(org));
        assert_eq!(Some(with_org.principal.clone()), engine.resolve_principal("alice"));
    }
}

#[test]
fn a_user_mints_personal_tokens_only_for_themself() {
    let mut engine = world();
    let bob = mint(&mut engine, "bob", &personal(0));
    assert_eq!(bob.user.as_deref(), Some("bob"));
    let found = auth(&engine, &bob.token, NOW, None);
    assert_eq!(found.subject, "bob");
    assert_eq!(Some(found.principal.clone()), engine.resolve_principal("bob"));

    // A personal token acting as alice mints for alice, never for anyone else.
    let alice = mint(&mut engine, "alice", &personal(0));
    let again = mint(&mut engine, &principal(&alice), &personal(0));
    assert_eq!(again.user.as_deref(), Some("alice"));
    assert_eq!(auth(&engine, &again.token, NOW, None).subject, "alice");

    // Personal tokens have no name, organization, team or role.
    let named = MintRequest { name: Some("mine".into()), ..personal(0) };
    assert_eq!(mint_refused(&mut engine, "bob", &named), "invalid_argument");
    let with_org = MintRequest { org: Some("acme".into()), ..personal(0) };
    assert_eq!(mint_refused(&mut engine, "bob", &with_org), "invalid_argument");
    assert!(record(&bob).get("name").is_none(), "a personal record has no name: {}", record(&bob));

    // Someone else's personal token is not theirs to delete, not even an org admin's: it is
    // answered as a token that does not exist.
    for actor in ["alice", "carol", "nobody"] {
        let refused = engine.delete_token(actor, &bob.id).unwrap_err();
        let missing = engine.delete_token(actor, "no-such-token").unwrap_err();
        assert_eq!(refused.code().as_str(), "not_found");
        assert_eq!(refused.to_string().replace(&bob.id, "no-such-token"), missing.to_string());
    }
    assert!(engine.authenticate(&bob.token, NOW, None).is_ok());
    assert_eq!(code(engine.delete_token("bob", &bob.id)), "ok");

    // Unknown users mint nothing.
    assert_ne!(mint_refused(&mut engine, "nobody", &personal(0)), "ok");
}

#[test]
fn machine_tokens_cannot_mint_personal_tokens() {
    let mut engine = world();
    let member = mint(&mut engine, "alice", &org_token("acme", None, "std", 0));
    let admin = mint(&mut engine, "alice", &org_token("acme", Some("admin"), "adm", 0));
    let team = mint(&mut engine, "alice", &team_token("acme", "platform", "plat", 0));
    for machine in [&member, &admin, &team] {
        assert_eq!(mint_refused(&mut engine, &principal(machine), &personal(0)), "forbidden");
        let err = engine.mint_signed(&principal(machine), &personal(NOW + DAY), NOW, &signing_key());
        assert_eq!(err.map(|m| m.id).unwrap_err().code().as_str(), "forbidden");
    }
}

// ---------------------------------------------------------------------------------------------
// Organization tokens by role (E.1, decision 3, F.22)

#[test]
fn standard_org_token_acts_as_the_builtin_member() {
    let mut engine = world();
    let std = mint(&mut engine, "alice", &org_token("acme", None, "ci", 0));
    assert_eq!(record(&std)["role"], "member", "the default role is member: {}", record(&std));
    let a = auth(&engine, &std.token, NOW, Some("acme"));
    assert_eq!(a.kind, TokenKind::Organization);
    assert_eq!(a.organization.as_deref(), Some("acme"));
    assert_eq!(a.subject, "member");

    // frank is a plain built-in Member with no team: the token answers exactly as he does.
    let questions = [
        ("stack:read", "acme/app/dev", true),   // default permission read
        ("stack:write", "acme/app/dev", false), // no more than the default
        ("stack:read", "acme/app/prod", true),
        ("stack:create", "acme", true), // membersCanCreateStacks (default on)
        ("org_member:read", "acme", true),
        ("org_member:add", "acme", false),
        ("team:create", "acme", false), // membersCanCreateTeams (default off)
        ("org_token:read", "acme", false),
    ];
    for (scope, resource, allowed) in questions {
        assert_eq!(ask(&engine, &a, scope, resource), allowed, "standard token: {scope} on {resource}");
        assert_eq!(engine.check("frank", scope, resource), allowed, "frank: {scope} on {resource}");
    }
    let why = engine.explain(&principal(&std), "stack:read", "acme/app/dev");
    assert!(why.reasons().iter().any(|r| r.code() == "default_permission"), "{why:?}");

    // Member toggles and defaults apply to it, and follow the settings.
    let patch = SettingsPatch {
        members_can_create_stacks: Some(false),
        members_can_create_teams: Some(true),
        default_stack_permission: Some(Permission::Write),
        ..SettingsPatch::default()
    };
    engine.update_settings("alice", "acme", &patch).unwrap();
    assert!(!ask(&engine, &a, "stack:create", "acme"));
    let why = engine.explain(&principal(&std), "stack:create", "acme");
    assert_eq!(why.deny().map(|d| d.code()), Some("setting_disabled"));
    assert!(ask(&engine, &a, "team:create", "acme"));
    assert!(ask(&engine, &a, "stack:write", "acme/app/dev"));
    assert!(!ask(&engine, &a, "stack:delete", "acme/app/dev"));
}

#[test]
fn admin_org_token_acts_as_admin() {
    let mut engine = world();
    let patch = SettingsPatch { stack_admins_can_delete_stacks: Some(false), ..SettingsPatch::default() };
    engine.update_settings("alice", "acme", &patch).unwrap();
    let admin = mint(&mut engine, "alice", &org_token("acme", Some("admin"), "admin-ci", 0));
    let a = auth(&engine, &admin.token, NOW, Some("acme"));
    assert_eq!(a.subject, "admin");
    for (scope, resource) in [
        ("org_member:add", "acme"),
        ("org_token:read", "acme"),
        ("audit_logs:read", "acme"),
        ("team:delete", "acme/platform"),
        ("team:create_token", "acme/data"),
        ("stack:delete", "acme/app/prod"), // admins bypass the delete toggle
        ("stack:write", "acme/app/dev"),
    ] {
        assert!(ask(&engine, &a, scope, resource), "admin token: {scope} on {resource}");
    }
    // ... except creating or deleting organization tokens (matrix rows 31-32).
    for scope in ["org_token:create", "org_token:delete"] {
        assert!(!ask(&engine, &a, scope, "acme"), "admin token: {scope}");
        let why = engine.explain(&principal(&admin), scope, "acme");
        assert_eq!(why.deny().map(|d| d.code()), Some("machine_token"), "{scope}");
    }
    // Scoped to its own organization.
    assert!(!engine.check(&principal(&admin), "stack:read", "globex/web/prod"));
}

#[test]
fn custom_role_org_token_acts_as_that_role() {
    let mut engine = world();
    let deployer = mint(&mut engine, "alice", &org_token("acme", Some("Deployer"), "deployer", 0));
    let a = auth(&engine, &deployer.token, NOW, Some("acme"));
    assert_eq!(a.subject, "Deployer");
    // erin holds the same role as a user: the token answers exactly as she does.
    let questions = [
        ("stack:write", "acme/app/prod", true), // the role's rule
        ("stack:read", "acme/app/prod", true),
        ("stack:delete", "acme/app/prod", false),
        ("stack:read", "acme/app/dev", false), // no member default for a custom role
        ("stack:create", "acme", false),       // no member toggle for a custom role
        ("org_member:add", "acme", false),
    ];
    for (scope, resource, allowed) in questions {
        assert_eq!(ask(&engine, &a, scope, resource), allowed, "deployer token: {scope} on {resource}");
        assert_eq!(engine.check("erin", scope, resource), allowed, "erin: {scope} on {resource}");
    }
    let why = engine.explain(&principal(&deployer), "stack:write", "acme/app/prod");
    assert!(why.reasons().iter().any(|r| r.code() == "role_rule"), "{why:?}");
    // A role the organization does not define cannot be given.
    assert_eq!(mint_refused(&mut engine, "alice", &org_token("acme", Some("Ghost"), "g", 0)), "not_found");
}

#[test]
fn only_org_admins_and_their_personal_tokens_mint_org_tokens() {
    let mut engine = world();
    let alice_pat = mint(&mut engine, "alice", &personal(0));
    let bob_pat = mint(&mut engine, "bob", &personal(0));
    let member = mint(&mut engine, "alice", &org_token("acme", None, "member-ci", 0));
    let admin = mint(&mut engine, "alice", &org_token("acme", Some("admin"), "admin-ci", 0));
    let team = mint(&mut engine, "alice", &team_token("acme", "platform", "plat-ci", 0));

    let via_pat = mint(&mut engine, &principal(&alice_pat), &org_token("acme", None, "via-pat", 0));
    assert_eq!(via_pat.organization.as_deref(), Some("acme"));
    assert_eq!(record(&via_pat)["createdBy"], "alice", "{}", record(&via_pat));
    assert!(engine.authenticate(&via_pat.token, NOW, Some("acme")).is_ok());

    let refused = [
        ("bob".to_string(), "bob"),
        ("carol".to_string(), "team admin carol"),
        ("erin".to_string(), "custom-role erin"),
        (principal(&bob_pat), "bob's personal token"),
        (principal(&member), "standard org token"),
        (principal(&admin), "admin org token"),
        (principal(&team), "team token"),
    ];
    for (i, (actor, who)) in refused.iter().enumerate() {
        let name = format!("refused-{i}");
        let got = mint_refused(&mut engine, actor, &org_token("acme", None, &name, 0));
        assert_eq!(got, "forbidden", "{who} minting an organization token");
    }
    // alice is only a Member in globex: no organization tokens there.
    assert_eq!(mint_refused(&mut engine, "alice", &org_token("globex", None, "g-ci", 0)), "forbidden");
    // The refused names were not reserved.
    mint(&mut engine, "alice", &org_token("acme", None, "refused-0", 0));
}

#[test]
fn machine_tokens_cannot_create_or_delete_org_tokens() {
    let mut engine = world();
    let admin = mint(&mut engine, "alice", &org_token("acme", Some("admin"), "admin-ci", 0));
    let team = mint(&mut engine, "alice", &team_token("acme", "platform", "plat-ci", 0));
    let victim = mint(&mut engine, "alice", &org_token("acme", None, "victim", 0));

    let err =
        engine.mint_opaque(&principal(&admin), &org_token("acme", None, "by-admin", 0), NOW).unwrap_err();
    assert_eq!(err.code().as_str(), "forbidden");
    match &err {
        ManageError::Forbidden { deny, .. } => assert_eq!(deny.code(), "machine_token"),
        other => panic!("expected forbidden, got {other:?}"),
    }
    let signed = engine.mint_signed(
        &principal(&admin),
        &org_token("acme", None, "by-admin-s", NOW + DAY),
        NOW,
        &signing_key(),
    );
    assert_eq!(signed.unwrap_err().code().as_str(), "forbidden");

    assert_eq!(
        mint_refused(&mut engine, &principal(&team), &org_token("acme", None, "by-team", 0)),
        "forbidden"
    );
    assert_eq!(code(engine.delete_token(&principal(&admin), &victim.id)), "forbidden");
    assert_eq!(code(engine.delete_token(&principal(&team), &victim.id)), "forbidden");
    assert_eq!(code(engine.delete_token("bob", &victim.id)), "forbidden");
    // An admin org token cannot delete itself either (it is an organization token).
    assert_eq!(code(engine.delete_token(&principal(&admin), &admin.id)), "forbidden");
    assert!(
        engine.authenticate(&victim.token, NOW, Some("acme")).is_ok(),
        "the refused deletion left it alive"
    );

    // A human org admin may delete them, directly or through a personal token.
    let alice_pat = mint(&mut engine, "alice", &personal(0));
    assert_eq!(code(engine.delete_token(&principal(&alice_pat), &victim.id)), "ok");
    assert_eq!(code(engine.delete_token("alice", &admin.id)), "ok");
}

#[test]
fn admin_org_token_creates_and_deletes_team_tokens() {
    let mut engine = world();
    let admin = mint(&mut engine, "alice", &org_token("acme", Some("admin"), "admin-ci", 0));
    let made = mint(&mut engine, &principal(&admin), &team_token("acme", "data", "data-ci", 0));
    let found = auth(&engine, &made.token, NOW, Some("acme"));
    assert_eq!(found.kind, TokenKind::Team);
    assert_eq!(found.subject, "data");
    assert_eq!(record(&made).get("createdBy"), None, "a machine token is not a user: {}", record(&made));

    let signed = engine
        .mint_signed(
            &principal(&admin),
            &team_token("acme", "platform", "plat-signed", NOW + DAY),
            NOW,
            &signing_key(),
        )
        .unwrap();
    assert!(engine.authenticate(&signed.token, NOW, Some("acme")).unwrap().signed);

    let by_alice = mint(&mut engine, "alice", &team_token("acme", "platform", "plat-ci", 0));
    assert_eq!(code(engine.delete_token(&principal(&admin), &made.id)), "ok");
    assert_eq!(code(engine.delete_token(&principal(&admin), &by_alice.id)), "ok");
    assert_eq!(auth_code(&engine, &made.token, NOW, Some("acme")), "token_revoked");
    assert_eq!(auth_code(&engine, &by_alice.token, NOW, Some("acme")), "token_revoked");
}

#[test]
fn team_admins_manage_only_their_own_teams_tokens() {
    let mut engine = world();
    let carol_pat = mint(&mut engine, "carol", &personal(0));
    let plat = mint(&mut engine, "carol", &team_token("acme", "platform", "plat-ci", 0));
    assert_eq!(record(&plat)["createdBy"], "carol");
    let plat2 = mint(&mut engine, &principal(&carol_pat), &team_token("acme", "platform", "plat-2", 0));
    let data = mint(&mut engine, "dave", &team_token("acme", "data", "data-ci", 0));
    let org = mint(&mut engine, "alice", &org_token("acme", None, "org-ci", 0));

    assert_eq!(mint_refused(&mut engine, "carol", &team_token("acme", "data", "x", 0)), "forbidden");
    assert_eq!(mint_refused(&mut engine, "dave", &team_token("acme", "platform", "y", 0)), "forbidden");

    let listed = ids(&engine.list_tokens("carol", Some("acme"), NOW, false));
    assert_eq!(listed, set(&[&plat, &plat2]), "carol lists her team's tokens only");
    assert_eq!(ids(&engine.list_tokens("dave", Some("acme"), NOW, false)), set(&[&data]));

    assert_eq!(code(engine.delete_token("carol", &data.id)), "forbidden");
    assert_eq!(code(engine.delete_token("carol", &org.id)), "forbidden");
    assert_eq!(code(engine.delete_token("dave", &plat.id)), "forbidden");
    assert_eq!(code(engine.delete_token("carol", &plat.id)), "ok");
    assert_eq!(code(engine.delete_token(&principal(&carol_pat), &plat2.id)), "ok");
    assert!(engine.authenticate(&data.token, NOW, Some("acme")).is_ok());
    assert!(engine.authenticate(&org.token, NOW, Some("acme")).is_ok());
}

#[test]
fn plain_members_and_team_tokens_cannot_manage_team_tokens() {
    let mut engine = world();
    let plat = mint(&mut engine, "carol", &team_token("acme", "platform", "plat-ci", 0));
    let std = mint(&mut engine, "alice", &org_token("acme", None, "std", 0));
    // bob is a member (not an admin) of platform.
    assert_eq!(mint_refused(&mut engine, "bob", &team_token("acme", "platform", "b", 0)), "forbidden");
    assert_eq!(code(engine.delete_token("bob", &plat.id)), "forbidden");
    assert!(engine.list_tokens("bob", Some("acme"), NOW, true).is_empty());
    // Neither the team's own token nor a standard org token manage team tokens.
    for machine in [&plat, &std] {
        let actor = principal(machine);
        assert_eq!(mint_refused(&mut engine, &actor, &team_token("acme", "platform", "m", 0)), "forbidden");
        assert_eq!(code(engine.delete_token(&actor, &plat.id)), "forbidden");
        assert!(engine.list_tokens(&actor, Some("acme"), NOW, true).is_empty(), "{actor} lists nothing");
    }
    assert!(engine.authenticate(&plat.token, NOW, Some("acme")).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Names (E.3, F.11)

#[test]
fn org_and_team_tokens_require_a_name() {
    let mut engine = world();
    let mut no_name = org_token("acme", None, "x", 0);
    no_name.name = None;
    assert_eq!(mint_refused(&mut engine, "alice", &no_name), "invalid_argument");
    let mut no_name = team_token("acme", "platform", "x", 0);
    no_name.name = None;
    assert_eq!(mint_refused(&mut engine, "alice", &no_name), "invalid_argument");
    assert_eq!(mint_refused(&mut engine, "alice", &org_token("acme", None, "", 0)), "invalid_argument");
    assert_eq!(
        mint_refused(&mut engine, "alice", &team_token("acme", "platform", "", 0)),
        "invalid_argument"
    );
    let named = mint(&mut engine, "alice", &org_token("acme", None, "x", 0));
    assert_eq!(record(&named)["name"], "x");
}

#[test]
fn token_names_are_at_most_forty_characters() {
    let mut engine = world();
    let forty = "n".repeat(40);
    let forty_one = "n".repeat(41);
    assert_eq!(
        record(&mint(&mut engine, "alice", &org_token("acme", None, &forty, 0)))["name"],
        forty.as_str()
    );
    assert_eq!(
        mint_refused(&mut engine, "alice", &org_token("acme", None, &forty_one, 0)),
        "invalid_argument"
    );
    assert_eq!(
        mint_refused(&mut engine, "alice", &team_token("acme", "platform", &"t".repeat(41), 0)),
        "invalid_argument"
    );
    mint(&mut engine, "alice", &team_token("acme", "platform", &"t".repeat(40), 0));
    // Characters, not bytes.
    mint(&mut engine, "alice", &org_token("acme", None, &"ü".repeat(40), 0));
    assert_eq!(
        mint_refused(&mut engine, "alice", &org_token("acme", None, &"é".repeat(41), 0)),
        "invalid_argument"
    );
}

#[test]
fn token_names_are_unique_across_org_and_team_tokens_deleted_included() {
    let mut engine = world();
    let ci = mint(&mut engine, "alice", &org_token("acme", None, "ci", 0));
    assert_eq!(mint_refused(&mut engine, "alice", &org_token("acme", Some("admin"), "ci", 0)), "conflict");
    assert_eq!(mint_refused(&mut engine, "alice", &team_token("acme", "platform", "ci", 0)), "conflict");
    mint(&mut engine, "carol", &team_token("acme", "platform", "deploy", 0));
    assert_eq!(mint_refused(&mut engine, "alice", &org_token("acme", None, "deploy", 0)), "conflict");
    assert_eq!(mint_refused(&mut engine, "dave", &team_token("acme", "data", "deploy", 0)), "conflict");
    let signed =
        engine.mint_signed("alice", &org_token("acme", None, "deploy", NOW + DAY), NOW, &signing_key());
    assert_eq!(signed.unwrap_err().code().as_str(), "conflict");

    // Deleting a token does not free its name.
    engine.delete_token("alice", &ci.id).unwrap();
    assert_eq!(mint_refused(&mut engine, "alice", &org_token("acme", None, "ci", 0)), "conflict");
    assert_eq!(mint_refused(&mut engine, "alice", &team_token("acme", "data", "ci", 0)), "conflict");

    // A deleted record loaded from a snapshot reserves its name too.
    let mut value = world_value();
    value["organizations"][0]["tokens"] =
        json!([ { "id": "old", "kind": "team", "team": "data", "name": "legacy", "deleted": true } ]);
    let mut loaded = load(&value);
    assert_eq!(mint_refused(&mut loaded, "alice", &org_token("acme", None, "legacy", 0)), "conflict");
    assert_eq!(mint_refused(&mut loaded, "dave", &team_token("acme", "data", "legacy", 0)), "conflict");
}

#[test]
fn the_same_token_name_may_be_used_in_another_organization() {
    let mut engine = world();
    let acme = mint(&mut engine, "alice", &org_token("acme", None, "ci", 0));
    // bob is Admin of globex.
    let globex = mint(&mut engine, "bob", &org_token("globex", None, "ci", 0));
    assert_ne!(acme.id, globex.id);
    assert_eq!(globex.organization.as_deref(), Some("globex"));
    assert_eq!(auth(&engine, &globex.token, NOW, Some("globex")).organization.as_deref(), Some("globex"));
    assert_eq!(auth(&engine, &acme.token, NOW, Some("acme")).organization.as_deref(), Some("acme"));
}

// ---------------------------------------------------------------------------------------------
// Expiry (E.3)

#[test]
fn expiry_zero_means_never() {
    let mut engine = world();
    let org = mint(&mut engine, "alice", &org_token("acme", None, "forever", 0));
    let pat = mint(&mut engine, "alice", &personal(0));
    let hundred_years = NOW + 100 * 365 * DAY;
    for token in [&org, &pat] {
        let found = auth(&engine, &token.token, hundred_years, None);
        assert_eq!(found.expires, None);
    }
    assert_eq!(record(&org)["expires"], 0);
}

#[test]
fn expiry_is_at_most_two_years_from_now() {
    assert_eq!(scopegate::MAX_LIFETIME_SECONDS, TWO_YEARS);
    let mut engine = world();
    let limit = NOW + TWO_YEARS;
    let requests = [
        personal(limit),
        org_token("acme", None, "two-years", limit),
        team_token("acme", "platform", "two-years-team", limit),
    ];
    for request in &requests {
        let minted = mint(&mut engine, "alice", request);
        assert_eq!(record(&minted)["expires"], limit);
        assert_eq!(auth(&engine, &minted.token, limit - 1, None).expires, Some(limit));
        assert_eq!(auth_code(&engine, &minted.token, limit, None), "token_expired");
        let mut longer = request.clone();
        longer.expires = Some(limit + 1);
        longer.name = longer.name.map(|n| format!("{n}-x"));
        assert_eq!(mint_refused(&mut engine, "alice", &longer), "invalid_argument", "{longer:?}");
        let signed = engine.mint_signed("alice", &longer, NOW, &signing_key());
        assert_eq!(signed.unwrap_err().code().as_str(), "invalid_argument");
    }
    // A signed token may also live exactly two years.
    let signed = engine.mint_signed("alice", &personal(limit), NOW, &signing_key()).unwrap();
    assert!(engine.authenticate(&signed.token, limit - 1, None).is_ok());
}

#[test]
fn expiry_in_the_past_is_refused() {
    let mut engine = world();
    for expires in [1, NOW - DAY, NOW - 1, NOW] {
        assert_eq!(mint_refused(&mut engine, "alice", &personal(expires)), "invalid_argument", "{expires}");
        let req = org_token("acme", None, "past", expires);
        assert_eq!(mint_refused(&mut engine, "alice", &req), "invalid_argument", "{expires}");
        let signed = engine.mint_signed("alice", &personal(expires), NOW, &signing_key());
        assert_eq!(signed.unwrap_err().code().as_str(), "invalid_argument");
    }
    mint(&mut engine, "alice", &personal(NOW + 1));
}

#[test]
fn signed_tokens_must_expire() {
    let mut engine = world();
    let key = signing_key();
    for request in [personal(0), org_token("acme", None, "s", 0), team_token("acme", "data", "t", 0)] {
        let err = engine.mint_signed("alice", &request, NOW, &key).unwrap_err();
        assert_eq!(err.code().as_str(), "invalid_argument", "{request:?}");
    }
    let ok = engine.mint_signed("alice", &org_token("acme", None, "s", NOW + DAY), NOW, &key).unwrap();
    let found = auth(&engine, &ok.token, NOW, Some("acme"));
    assert!(found.signed);
    assert_eq!(found.expires, Some(NOW + DAY));
}

// ---------------------------------------------------------------------------------------------
// Organization expiry policy (D.10)

fn set_policy(engine: &mut Engine, org: &str, days: Option<u32>) {
    let patch = SettingsPatch { token_expiry_policy_days: Some(days), ..SettingsPatch::default() };
    let admin = if org == "acme" { "alice" } else { "bob" };
    engine.update_settings(admin, org, &patch).unwrap();
}

#[test]
fn expiry_policy_refuses_minting_without_a_compliant_expiry() {
    let mut engine = world();
    set_policy(&mut engine, "acme", Some(30));
    let cap = NOW + 30 * DAY;
    for (i, make) in
        [(|n: &str, e| org_token("acme", None, n, e)) as fn(&str, u64) -> MintRequest, |n: &str, e| {
            team_token("acme", "platform", n, e)
        }]
        .into_iter()
        .enumerate()
    {
        assert_eq!(
            mint_refused(&mut engine, "alice", &make(&format!("never-{i}"), 0)),
            "expiry_policy_violation"
        );
        let beyond = make(&format!("beyond-{i}"), cap + 1);
        assert_eq!(mint_refused(&mut engine, "alice", &beyond), "expiry_policy_violation");
        let signed = engine.mint_signed("alice", &beyond, NOW, &signing_key());
        assert_eq!(signed.unwrap_err().code().as_str(), "expiry_policy_violation");
        let within = mint(&mut engine, "alice", &make(&format!("within-{i}"), cap));
        assert!(engine.authenticate(&within.token, NOW, Some("acme")).is_ok());
    }
    // Another organization's policy is its own.
    mint(&mut engine, "bob", &org_token("globex", None, "never", 0));
}

#[test]
fn expiry_policy_refuses_long_lived_tokens_at_authentication() {
    let mut engine = world();
    let never = mint(&mut engine, "alice", &org_token("acme", None, "never", 0));
    let sixty = mint(&mut engine, "alice", &team_token("acme", "platform", "sixty", NOW + 60 * DAY));
    let signed = engine
        .mint_signed("alice", &org_token("acme", None, "signed-sixty", NOW + 60 * DAY), NOW, &signing_key())
        .unwrap();
    let short = mint(&mut engine, "alice", &org_token("acme", None, "short", NOW + 10 * DAY));
    set_policy(&mut engine, "acme", Some(30));

    for org in [Some("acme"), None] {
        assert_eq!(auth_code(&engine, &never.token, NOW, org), "expiry_policy_violation");
        assert_eq!(auth_code(&engine, &never.token, NOW + 1000 * DAY, org), "expiry_policy_violation");
        assert_eq!(auth_code(&engine, &sixty.token, NOW, org), "expiry_policy_violation");
        assert_eq!(auth_code(&engine, &signed.token, NOW, org), "expiry_policy_violation");
        assert!(engine.authenticate(&short.token, NOW, org).is_ok());
        // The remaining lifetime counts: 31 days later, 29 remain.
        assert!(engine.authenticate(&sixty.token, NOW + 31 * DAY, org).is_ok());
        assert!(engine.authenticate(&signed.token, NOW + 30 * DAY, org).is_ok());
        assert_eq!(auth_code(&engine, &sixty.token, NOW + 30 * DAY - 1, org), "expiry_policy_violation");
    }
    // Survives export and reload.
    let reloaded = Engine::from_json(&engine.to_json()).unwrap();
    assert_eq!(auth_code(&reloaded, &never.token, NOW, Some("acme")), "expiry_policy_violation");
    // Lifting the policy lets them through again.
    set_policy(&mut engine, "acme", None);
    assert!(engine.authenticate(&never.token, NOW, Some("acme")).is_ok());
}

#[test]
fn expiry_policy_applies_to_personal_tokens_used_against_the_organization() {
    let mut engine = world();
    let never = mint(&mut engine, "alice", &personal(0));
    let year = mint(&mut engine, "alice", &personal(NOW + 365 * DAY));
    let week = mint(&mut engine, "alice", &personal(NOW + 7 * DAY));
    set_policy(&mut engine, "acme", Some(30));
    for token in [&never, &year] {
        assert_eq!(auth_code(&engine, &token.token, NOW, Some("acme")), "expiry_policy_violation");
        // Not used against acme: no policy applies.
        assert!(engine.authenticate(&token.token, NOW, None).is_ok());
        assert!(engine.authenticate(&token.token, NOW, Some("globex")).is_ok());
    }
    assert!(engine.authenticate(&week.token, NOW, Some("acme")).is_ok());
    let err = engine.authenticate(&never.token, NOW, Some("acme")).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("acme") && message.contains("30"), "names the org and the cap: {message}");
}

// ---------------------------------------------------------------------------------------------
// Deletion (E.3 revocation)

#[test]
fn deletion_takes_effect_immediately() {
    let mut engine = world();
    let org = mint(&mut engine, "alice", &org_token("acme", Some("admin"), "ci", 0));
    let pat = mint(&mut engine, "bob", &personal(0));
    let signed =
        engine.mint_signed("alice", &org_token("acme", None, "sig", NOW + DAY), NOW, &signing_key()).unwrap();
    assert!(engine.check(&principal(&org), "org_member:add", "acme"));
    assert!(engine.check(&principal(&pat), "stack:read", "acme/app/prod"));
    let handle = auth(&engine, &org.token, NOW, Some("acme")).principal;
    assert!(ask_resolved(&engine, &handle, "org_member:add", "acme"));

    engine.delete_token("alice", &org.id).unwrap();
    engine.delete_token("bob", &pat.id).unwrap();
    engine.delete_token("alice", &signed.id).unwrap();
    for token in [&org, &pat, &signed] {
        assert_eq!(auth_code(&engine, &token.token, NOW, None), "token_revoked");
        assert_eq!(auth_code(&engine, &token.token, NOW + 1, Some("acme")), "token_revoked");
        assert_eq!(engine.resolve_principal(&principal(token)), None, "a deleted token is unknown");
    }
    assert!(!engine.check(&principal(&org), "org_member:add", "acme"));
    assert!(!ask_resolved(&engine, &handle, "org_member:add", "acme"), "a handle resolved earlier denies");
    assert!(!engine.check(&principal(&pat), "stack:read", "acme/app/prod"));
    // bob himself is untouched.
    assert!(engine.check("bob", "stack:read", "acme/app/prod"));
    // Deleting twice or an unknown id is no success story.
    assert_ne!(code(engine.delete_token("alice", "no-such-token")), "ok");
}

#[test]
fn deletion_survives_export_and_reload_and_the_name_stays_taken() {
    let mut engine = world();
    let org = mint(&mut engine, "alice", &org_token("acme", None, "ci", 0));
    let team = mint(&mut engine, "carol", &team_token("acme", "platform", "plat", 0));
    let pat = mint(&mut engine, "alice", &personal(0));
    let signed =
        engine.mint_signed("alice", &org_token("acme", None, "sig", NOW + DAY), NOW, &signing_key()).unwrap();
    let alive = mint(&mut engine, "alice", &org_token("acme", None, "alive", 0));
    for token in [&org, &team, &pat, &signed] {
        let owner = token.user.as_deref().unwrap_or("alice");
        engine.delete_token(owner, &token.id).unwrap();
    }
    let mut reloaded = Engine::from_json(&engine.to_json()).expect("the export loads");
    for token in [&org, &team, &pat, &signed] {
        assert_eq!(auth_code(&reloaded, &token.token, NOW, None), "token_revoked");
        assert!(!reloaded.check(&principal(token), "stack:read", "acme/app/prod"));
    }
    assert!(reloaded.authenticate(&alive.token, NOW, Some("acme")).is_ok());
    for name in ["ci", "plat", "sig"] {
        assert_eq!(
            mint_refused(&mut reloaded, "alice", &org_token("acme", None, name, 0)),
            "conflict",
            "{name}"
        );
        assert_eq!(
            mint_refused(&mut reloaded, "dave", &team_token("acme", "data", name, 0)),
            "conflict",
            "{name}"
        );
    }
    // And again after a second round trip.
    let twice = Engine::from_json(&reloaded.to_json()).unwrap();
    assert_eq!(auth_code(&twice, &org.token, NOW, None), "token_revoked");
}

// ---------------------------------------------------------------------------------------------
// Listing (E.3, F.18)

#[test]
fn list_tokens_shows_each_actor_what_it_may_see() {
    let mut engine = world();
    let ci = mint(&mut engine, "alice", &org_token("acme", None, "ci", 0));
    let adm = mint(&mut engine, "alice", &org_token("acme", Some("admin"), "admin-ci", 0));
    let plat = mint(&mut engine, "carol", &team_token("acme", "platform", "plat", 0));
    let data = mint(&mut engine, "dave", &team_token("acme", "data", "data", 0));
    let alice_pat = mint(&mut engine, "alice", &personal(0));
    let bob_pat = mint(&mut engine, "bob", &personal(0));
    let globex = mint(&mut engine, "bob", &org_token("globex", None, "g", 0));

    let all_acme = set(&[&ci, &adm, &plat, &data]);
    assert_eq!(ids(&engine.list_tokens("alice", Some("acme"), NOW, false)), all_acme, "org admin");
    assert_eq!(ids(&engine.list_tokens(&principal(&alice_pat), Some("acme"), NOW, false)), all_acme);
    // Matrix row 30: admin tokens list access tokens.
    assert_eq!(ids(&engine.list_tokens(&principal(&adm), Some("acme"), NOW, false)), all_acme, "admin token");
    assert_eq!(ids(&engine.list_tokens("carol", Some("acme"), NOW, false)), set(&[&plat]), "team admin");
    assert_eq!(ids(&engine.list_tokens("dave", Some("acme"), NOW, false)), set(&[&data]), "team admin");
    for actor in
        ["bob".to_string(), "frank".to_string(), "erin".to_string(), principal(&ci), principal(&plat)]
    {
        assert!(engine.list_tokens(&actor, Some("acme"), NOW, true).is_empty(), "{actor} sees none");
    }
    // alice is a Member in globex; bob its Admin.
    assert!(engine.list_tokens("alice", Some("globex"), NOW, false).is_empty());
    assert_eq!(ids(&engine.list_tokens("bob", Some("globex"), NOW, false)), set(&[&globex]));
    // No organization token lists in another organization.
    assert!(engine.list_tokens(&principal(&adm), Some("globex"), NOW, true).is_empty());

    // Personal tokens: only to their owner, and never in an organization's list.
    assert_eq!(ids(&engine.list_tokens("alice", None, NOW, false)), set(&[&alice_pat]));
    assert_eq!(ids(&engine.list_tokens("bob", None, NOW, false)), set(&[&bob_pat]));
    assert_eq!(ids(&engine.list_tokens(&principal(&alice_pat), None, NOW, false)), set(&[&alice_pat]));
    assert!(engine.list_tokens("carol", None, NOW, true).is_empty());
    assert!(engine.list_tokens(&principal(&adm), None, NOW, true).is_empty());
    assert!(engine.list_tokens("nobody", None, NOW, true).is_empty());

    // The views carry what a listing shows.
    let views = engine.list_tokens("alice", Some("acme"), NOW, false);
    let view = views.iter().find(|v| v.id == plat.id).unwrap();
    assert_eq!(view.kind, TokenKind::Team);
    assert_eq!(view.name.as_deref(), Some("plat"));
    assert_eq!(view.subject, "platform");
    assert_eq!(view.created, NOW);
    assert!(!view.deleted);
    let view = views.iter().find(|v| v.id == adm.id).unwrap();
    assert_eq!((view.kind, view.subject.as_str()), (TokenKind::Organization, "admin"));
}

#[test]
fn list_tokens_hides_expired_tokens_unless_asked() {
    let mut engine = world();
    let short = mint(&mut engine, "alice", &org_token("acme", None, "short", NOW + 100));
    let long = mint(&mut engine, "alice", &org_token("acme", None, "long", NOW + DAY));
    let pat = mint(&mut engine, "alice", &personal(NOW + 100));
    let at =
        |engine: &Engine, org: Option<&str>, now, show| ids(&engine.list_tokens("alice", org, now, show));

    assert_eq!(at(&engine, Some("acme"), NOW + 99, false), set(&[&short, &long]));
    assert_eq!(at(&engine, Some("acme"), NOW + 100, false), set(&[&long]));
    assert_eq!(at(&engine, Some("acme"), NOW + 100, true), set(&[&short, &long]));
    assert_eq!(at(&engine, Some("acme"), NOW + 2 * DAY, false), BTreeSet::new());
    assert_eq!(at(&engine, Some("acme"), NOW + 2 * DAY, true), set(&[&short, &long]));
    assert_eq!(at(&engine, None, NOW + 99, false), set(&[&pat]));
    assert_eq!(at(&engine, None, NOW + 100, false), BTreeSet::new());
    assert_eq!(at(&engine, None, NOW + 100, true), set(&[&pat]));
}

// ---------------------------------------------------------------------------------------------
// Records, reload and secrecy

#[test]
fn a_minted_record_stored_in_a_snapshot_validates_after_reload() {
    let mut engine = world();
    let key = signing_key();
    let org = mint(&mut engine, "alice", &org_token("acme", Some("Deployer"), "deployer", NOW + DAY));
    let team = mint(&mut engine, "carol", &team_token("acme", "platform", "plat", 0));
    let pat = mint(&mut engine, "bob", &personal(0));
    let signed_org =
        engine.mint_signed("alice", &org_token("acme", Some("admin"), "sig", NOW + DAY), NOW, &key).unwrap();
    let signed_pat = engine.mint_signed("alice", &personal(NOW + DAY), NOW, &key).unwrap();

    for minted in [&org, &team, &pat] {
        let record = record(minted);
        let digest = record["digest"].as_str().expect("an opaque record has a digest");
        assert_eq!(digest.len(), 64);
        assert!(digest.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')), "{digest}");
        assert!(minted.token.starts_with("pul-") && minted.token.len() == 44, "token format");
        assert!(minted.token[4..].bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
    }
    for minted in [&org, &team, &pat, &signed_org, &signed_pat] {
        let text = record(minted).to_string();
        assert!(!text.contains(&minted.token), "the record never holds the token");
        assert_eq!(record(minted)["id"], minted.id.as_str());
        assert_eq!(record(minted)["created"], NOW);
    }
    assert!(record(&signed_org).get("digest").is_none());
    assert_eq!(signed_org.token.split('.').count(), 3);
    let export = engine.to_json();
    for minted in [&org, &team, &pat, &signed_org, &signed_pat] {
        assert!(!export.contains(&minted.token), "the export never holds a token");
    }

    // A fresh snapshot with nothing but the records.
    let mut value = world_value();
    value["organizations"][0]["tokens"] = json!([org.record(), team.record(), signed_org.record()]);
    value["users"] = json!([
        { "login": "bob", "tokens": [pat.record()] },
        { "login": "alice", "tokens": [signed_pat.record()] }
    ]);
    let fresh = load(&value);
    let a = auth(&fresh, &org.token, NOW, Some("acme"));
    assert_eq!(
        (a.kind, a.subject.as_str(), a.token_id.as_str()),
        (TokenKind::Organization, "Deployer", org.id.as_str())
    );
    assert!(ask(&fresh, &a, "stack:write", "acme/app/prod"));
    assert!(!ask(&fresh, &a, "stack:read", "acme/app/dev"));
    assert_eq!(auth_code(&fresh, &org.token, NOW + DAY, Some("acme")), "token_expired");
    let t = auth(&fresh, &team.token, NOW, Some("acme"));
    assert_eq!((t.kind, t.subject.as_str()), (TokenKind::Team, "platform"));
    assert!(ask(&fresh, &t, "stack:write", "acme/app/dev"));
    assert!(!ask(&fresh, &t, "stack:read", "acme/app/prod"), "no member default for team tokens");
    let p = auth(&fresh, &pat.token, NOW, None);
    assert_eq!(Some(p.principal.clone()), fresh.resolve_principal("bob"));
    let s = auth(&fresh, &signed_org.token, NOW, Some("acme"));
    assert_eq!((s.token_id.as_str(), s.signed), (signed_org.id.as_str(), true));
    assert!(ask(&fresh, &s, "org_member:add", "acme"));
    let sp = auth(&fresh, &signed_pat.token, NOW, None);
    assert_eq!(Some(sp.principal.clone()), fresh.resolve_principal("alice"));

    // The minting engine's own export also validates them.
    let reloaded = Engine::from_json(&export).unwrap();
    for minted in [&org, &team, &pat, &signed_org, &signed_pat] {
        let found = auth(&reloaded, &minted.token, NOW, None);
        assert_eq!(found.token_id, minted.id);
        let before = auth(&engine, &minted.token, NOW, None);
        // Handles belong to one engine; everything else is the same answer.
        let described = |a: &Authenticated| {
            (
                a.principal_name.clone(),
                a.token_id.clone(),
                a.kind,
                a.organization.clone(),
                a.subject.clone(),
                a.expires,
                a.signed,
            )
        };
        assert_eq!(described(&found), described(&before), "same answer after reload");
    }
}

/// Every rendering of a secret we look for in output.
fn renderings(secret: &[u8]) -> Vec<String> {
    let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    let hex_upper = hex.to_uppercase();
    let list = format!("{:?}", &secret[..8]);
    let list = list.trim_end_matches(']').to_string();
    vec![hex[..16].to_string(), hex_upper[..16].to_string(), b64url(secret)[..16].to_string(), list]
}

#[test]
fn debug_output_never_shows_a_token_or_key_secret() {
    let mut engine = world();
    let opaque = mint(&mut engine, "alice", &org_token("acme", None, "ci", 0));
    let signed = engine.mint_signed("alice", &personal(NOW + DAY), NOW, &signing_key()).unwrap();
    for minted in [&opaque, &signed] {
        let debug = format!("{minted:?} {minted:#?}");
        assert!(!debug.contains(&minted.token), "Minted Debug shows the token: {debug}");
        let secret_part = minted.token.rsplit(['-', '.']).next().unwrap();
        assert!(!debug.contains(secret_part), "Minted Debug shows the secret: {debug}");
        let found = auth(&engine, &minted.token, NOW, None);
        let debug = format!("{found:?} {found:#?}");
        assert!(!debug.contains(&minted.token) && !debug.contains(secret_part), "{debug}");
    }

    let ed = signing_key();
    let debug = format!("{ed:?} {ed:#?}");
    assert!(debug.contains("k1"), "the kid may show: {debug}");
    for shown in renderings(&SEED) {
        assert!(!debug.contains(&shown), "SigningKey Debug shows the seed ({shown}): {debug}");
    }
    let hmac_secret = b"hmac-secret-material-0123456789-abcdefgh";
    let hs = SigningKey::hs256("h1", hmac_secret);
    let debug = format!("{hs:?} {hs:#?}");
    assert!(!debug.contains("hmac-secret"), "{debug}");
    for shown in renderings(hmac_secret) {
        assert!(!debug.contains(&shown), "SigningKey Debug shows the secret ({shown}): {debug}");
    }

    // The engine itself (with an HS256 key and live tokens) prints no secret either.
    let mut value = world_value();
    value["signing"]["keys"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "kid": "h1", "alg": "HS256", "secret": b64url(hmac_secret) }));
    let mut with_hmac = load(&value);
    let hs_token = with_hmac.mint_signed("alice", &personal(NOW + DAY), NOW, &hs).unwrap();
    let live = mint(&mut with_hmac, "alice", &personal(0));
    assert!(with_hmac.authenticate(&hs_token.token, NOW, None).is_ok());
    let debug = format!("{with_hmac:?}");
    for shown in renderings(hmac_secret) {
        assert!(!debug.contains(&shown), "Engine Debug shows the HMAC secret ({shown})");
    }
    assert!(!debug.contains(&live.token) && !debug.contains(&live.token[4..]), "Engine Debug shows a token");
    assert!(!debug.contains("hmac-secret"));

    // Errors.
    engine.delete_token("alice", &opaque.id).unwrap();
    let err = engine.authenticate(&opaque.token, NOW, None).unwrap_err();
    let debug = format!("{err:?} {err}");
    assert!(!debug.contains(&opaque.token[4..]), "{debug}");
}

#[test]
fn no_error_message_contains_the_credential() {
    let mut engine = world();
    let opaque = mint(&mut engine, "alice", &org_token("acme", None, "ci", NOW + DAY));
    let signed =
        engine.mint_signed("alice", &org_token("acme", None, "sig", NOW + DAY), NOW, &signing_key()).unwrap();
    let other_key = SigningKey::ed25519("k1", &[9; 32]);
    let forged = engine.mint_signed("alice", &personal(NOW + DAY), NOW, &other_key).unwrap();
    let unknown_kid = engine
        .mint_signed("alice", &personal(NOW + DAY), NOW, &SigningKey::ed25519("k-unknown", &SEED))
        .unwrap();
    let hs =
        engine.mint_signed("alice", &personal(NOW + DAY), NOW, &SigningKey::hs256("k1", &[5; 32])).unwrap();
    let revoked = mint(&mut engine, "alice", &personal(0));
    engine.delete_token("alice", &revoked.id).unwrap();

    let mut flipped_sig = signed.token.clone();
    let last = flipped_sig.pop().unwrap();
    flipped_sig.push(if last == 'A' { 'Q' } else { 'A' });
    let parts: Vec<&str> = signed.token.split('.').collect();
    let unsigned = format!("{}.{}.", parts[0], parts[1]);
    let none_alg = format!("{}.{}.", b64url(br#"{"alg":"none","typ":"JWT"}"#), parts[1]);

    let cases: Vec<(String, Option<&str>, u64, &str)> = vec![
        (format!("pul-{}", "0123456789abcdef0123456789abcdef01234567"), None, NOW, "unknown_token"),
        (opaque.token.to_uppercase(), None, NOW, "malformed_token"),
        (format!("{}0", opaque.token), None, NOW, "malformed_token"),
        (opaque.token[..43].to_string(), None, NOW, "malformed_token"),
        (format!("Bearer {}", opaque.token), Some("globex"), NOW, "wrong_organization"),
        (opaque.token.clone(), None, NOW + DAY, "token_expired"),
        (revoked.token.clone(), None, NOW, "token_revoked"),
        (signed.token.clone(), None, NOW + 2 * DAY, "token_expired"),
        (signed.token.clone(), Some("globex"), NOW, "wrong_organization"),
        (flipped_sig, None, NOW, "bad_signature"),
        (forged.token.clone(), None, NOW, "bad_signature"),
        (unknown_kid.token.clone(), None, NOW, "unknown_key"),
        (hs.token.clone(), None, NOW, "algorithm_not_allowed"),
        (unsigned, None, NOW, "bad_signature"),
        (none_alg, None, NOW, "algorithm_not_allowed"),
        (format!("{} trailing", signed.token), None, NOW, "malformed_token"),
        ("x".repeat(9000), None, NOW, "malformed_token"),
    ];
    for (credential, org, now, expected) in &cases {
        let err = match engine.authenticate(credential, *now, *org) {
            Ok(found) => panic!("authenticated {found:?}, expected {expected}"),
            Err(err) => err,
        };
        let text = format!("{err} | {err:?}");
        assert_eq!(err.code().as_str(), *expected, "{text}");
        let token = credential.trim_start_matches("Bearer ").split(' ').next().unwrap();
        assert!(!text.contains(token), "the error shows the credential: {text}");
        for part in token.split(['.', '-']).filter(|p| p.len() >= 16) {
            assert!(!text.contains(&part[..16]), "the error shows part of the credential: {text}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Organizations and teams

#[test]
fn machine_token_used_with_another_organization_is_wrong_organization() {
    let mut engine = world();
    let org = mint(&mut engine, "alice", &org_token("acme", Some("admin"), "ci", 0));
    let team = mint(&mut engine, "alice", &team_token("acme", "platform", "plat", 0));
    let signed = engine
        .mint_signed("alice", &team_token("acme", "data", "sig", NOW + DAY), NOW, &signing_key())
        .unwrap();
    let pat = mint(&mut engine, "alice", &personal(0));
    for token in [&org, &team, &signed] {
        assert_eq!(auth_code(&engine, &token.token, NOW, Some("globex")), "wrong_organization");
        assert_eq!(auth_code(&engine, &token.token, NOW, Some("no-such-org")), "wrong_organization");
        assert_eq!(auth(&engine, &token.token, NOW, Some("acme")).organization.as_deref(), Some("acme"));
        assert!(engine.authenticate(&token.token, NOW, None).is_ok());
    }
    // A personal token is not bound to one organization.
    for org in ["acme", "globex"] {
        assert_eq!(auth(&engine, &pat.token, NOW, Some(org)).kind, TokenKind::Personal);
    }
    // And its questions stay inside its organization.
    assert!(!engine.check(&principal(&org), "stack:read", "globex/web/prod"));
}

#[test]
fn team_token_stops_working_when_its_team_is_deleted() {
    let mut engine = world();
    let plat = mint(&mut engine, "carol", &team_token("acme", "platform", "plat", 0));
    let signed = engine
        .mint_signed("carol", &team_token("acme", "platform", "plat-sig", NOW + DAY), NOW, &signing_key())
        .unwrap();
    let data = mint(&mut engine, "dave", &team_token("acme", "data", "data", 0));
    let a = auth(&engine, &plat.token, NOW, Some("acme"));
    assert!(ask(&engine, &a, "stack:write", "acme/app/dev"));
    // A signed team token this engine has no record of acts by its claims.
    let mut elsewhere = world();
    let unrecorded = elsewhere
        .mint_signed("carol", &team_token("acme", "platform", "elsewhere", NOW + DAY), NOW, &signing_key())
        .unwrap();
    let by_claims = auth(&engine, &unrecorded.token, NOW, Some("acme"));
    assert_eq!((by_claims.principal_name.as_deref(), by_claims.subject.as_str()), (None, "platform"));
    assert!(ask_resolved(&engine, &by_claims.principal, "stack:write", "acme/app/dev"));

    engine.delete_team("alice", "acme", "platform").unwrap();
    // delete_team documents that the team's tokens go with it: they are revoked.
    for token in [&plat, &signed] {
        assert_eq!(auth_code(&engine, &token.token, NOW, Some("acme")), "token_revoked");
        assert!(!engine.check(&principal(token), "stack:write", "acme/app/dev"));
        assert!(!engine.check(&principal(token), "stack:read", "acme/app/dev"));
    }
    // A handle resolved before the deletion denies too.
    assert!(!ask_resolved(&engine, &a.principal, "stack:read", "acme/app/dev"));
    // Its claims name a team that no longer exists.
    assert_eq!(auth_code(&engine, &unrecorded.token, NOW, Some("acme")), "unknown_token");
    assert!(!ask_resolved(&engine, &by_claims.principal, "stack:write", "acme/app/dev"));
    assert!(engine.authenticate(&data.token, NOW, Some("acme")).is_ok(), "other teams' tokens live on");

    // After export and reload: still revoked, and the names stay taken.
    let mut reloaded = Engine::from_json(&engine.to_json()).expect("the export loads");
    assert_eq!(auth_code(&reloaded, &plat.token, NOW, Some("acme")), "token_revoked");
    assert_eq!(auth_code(&reloaded, &signed.token, NOW, Some("acme")), "token_revoked");
    assert_eq!(mint_refused(&mut reloaded, "alice", &org_token("acme", None, "plat", 0)), "conflict");
    // A new team with the old name does not revive the old tokens.
    reloaded.create_team("alice", "acme", "platform").unwrap();
    assert_eq!(auth_code(&reloaded, &plat.token, NOW, Some("acme")), "token_revoked");
    engine.create_team("alice", "acme", "platform").unwrap();
    assert_eq!(auth_code(&engine, &plat.token, NOW, Some("acme")), "token_revoked");
}

/// A signed organization token whose `jti` has a record must carry that record's name as `sub`
/// and, when it has a `role` claim, the record's role.
#[test]
fn signed_organization_token_claims_must_match_their_record() {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let key = scopegate::SigningKey::ed25519("ed-x", &[5; 32]);
    let public = URL_SAFE_NO_PAD.encode(key.public_key().unwrap());
    let snapshot = format!(
        r#"{{"version":1,"signing":{{"keys":[{{"kid":"ed-x","alg":"EdDSA","publicKey":"{public}"}}]}},
        "organizations":[{{"name":"acme","members":[{{"login":"root","role":"admin"}}],
        "tokens":[{{"id":"rec-1","kind":"organization","name":"signed-ci","role":"admin"}}]}}]}}"#
    );
    let engine = scopegate::Engine::from_json(&snapshot).unwrap();
    let now = 1_800_000_000u64;
    let sign = |claims: serde_json::Value| {
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"EdDSA","kid":"ed-x","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        let input = format!("{header}.{payload}");
        let signature = scopegate::sign_snapshot(&input, &key).unwrap();
        format!("{input}.{signature}")
    };
    let claims = |sub: &str, role: Option<&str>| {
        let mut c = serde_json::json!({ "jti": "rec-1", "kind": "organization", "org": "acme", "sub": sub,
            "iat": now, "nbf": now, "exp": now + 600 });
        if let Some(role) = role {
            c["role"] = serde_json::json!(role);
        }
        c
    };
    assert!(engine.authenticate(&sign(claims("signed-ci", Some("admin"))), now, None).is_ok());
    assert!(engine.authenticate(&sign(claims("signed-ci", None)), now, None).is_ok());
    for (sub, role) in [("someone-else", Some("admin")), ("signed-ci", Some("member"))] {
        let err = engine.authenticate(&sign(claims(sub, role)), now, None).unwrap_err();
        assert_eq!(err.code().as_str(), "invalid_claims", "sub {sub}, role {role:?}");
    }
}
