//! An actor that is not a member of an organization (an unknown principal, a member of another
//! organization, another organization's machine token) gets the same answer from every
//! management action whether or not the organization, or the team or stack it names, exists:
//! the same code and the same message but for the names the caller passed.

use scopegate::{Engine, EntityKind, ManageError, MintRequest, Permission, SettingsPatch, TokenKind};
use serde_json::json;

const NOW: u64 = 1_767_225_600;

fn engine() -> Engine {
    Engine::from_value(&json!({
        "version": 1,
        "organizations": [
            {
                "name": "acme",
                "members": [{ "login": "ada", "role": "admin" }, { "login": "max" }],
                "roles": [{ "name": "Deployer" }],
                "teams": [{ "name": "platform", "members": ["max"] }],
                "stacks": [{ "project": "app", "name": "prod" }]
            },
            {
                "name": "globex",
                "members": [{ "login": "olga", "role": "admin" }],
                "stacks": [{ "project": "web", "name": "prod" }]
            }
        ]
    }))
    .unwrap()
}

/// The names an action is given: an organization, a team in it and a stack `project/stack`.
#[derive(Debug, Clone, Copy)]
struct Names {
    org: &'static str,
    team: &'static str,
    stack: &'static str,
}

const EXISTING: Names = Names { org: "acme", team: "platform", stack: "app/prod" };
const NO_ORG: Names = Names { org: "nowhere", team: "platform", stack: "app/prod" };
const NO_TEAM_OR_STACK: Names = Names { org: "acme", team: "ghost-team", stack: "app/gone" };

impl Names {
    fn team(&self) -> String {
        format!("{}/{}", self.org, self.team)
    }
    fn stack(&self) -> String {
        format!("{}/{}", self.org, self.stack)
    }
    /// `text` with these names written as [`EXISTING`]'s.
    fn as_existing(&self, text: &str) -> String {
        text.replace(&self.team(), &EXISTING.team())
            .replace(&self.stack(), &EXISTING.stack())
            .replace(&format!("`{}`", self.org), &format!("`{}`", EXISTING.org))
    }
}

type Action = fn(&mut Engine, &str, Names) -> Result<(), ManageError>;

fn org_token(org: &str) -> MintRequest {
    MintRequest {
        kind: Some(TokenKind::Organization),
        org: Some(org.into()),
        name: Some("ci".into()),
        expires: Some(NOW + 3600),
        ..MintRequest::default()
    }
}

fn team_token(names: Names) -> MintRequest {
    MintRequest {
        kind: Some(TokenKind::Team),
        team: Some(names.team.into()),
        name: Some("team-ci".into()),
        ..org_token(names.org)
    }
}

fn key() -> scopegate::SigningKey {
    scopegate::SigningKey::ed25519("k1", &[3; 32])
}

/// Every management action, named.
fn actions() -> Vec<(&'static str, Action)> {
    vec![
        ("update_settings", |e, a, n| {
            let patch = SettingsPatch { members_can_create_teams: Some(true), ..SettingsPatch::default() };
            e.update_settings(a, n.org, &patch)
        }),
        ("add_member", |e, a, n| e.add_member(a, n.org, "zed", "member")),
        ("remove_member", |e, a, n| e.remove_member(a, n.org, "max")),
        ("set_member_role", |e, a, n| e.set_member_role(a, n.org, "max", "admin")),
        ("create_team", |e, a, n| e.create_team(a, n.org, "new-team")),
        ("delete_team", |e, a, n| e.delete_team(a, n.org, n.team)),
        ("set_team_member", |e, a, n| e.set_team_member(a, n.org, n.team, "max", true)),
        ("remove_team_member", |e, a, n| e.remove_team_member(a, n.org, n.team, "max")),
        ("set_team_permission", |e, a, n| {
            e.set_team_permission(a, n.org, n.team, EntityKind::Stack, "app/prod", Permission::Write)
        }),
        ("set_team_role", |e, a, n| e.set_team_role(a, n.org, n.team, "Deployer", true)),
        ("create_stack", |e, a, n| e.create_stack(a, n.org, "new", "dev", &[])),
        ("delete_stack", |e, a, n| e.delete_stack(a, &n.stack())),
        ("transfer_stack", |e, a, n| e.transfer_stack(a, &n.stack(), "globex")),
        ("set_stack_permission", |e, a, n| e.set_stack_permission(a, &n.stack(), "max", Permission::Admin)),
        ("remove_creator_grant", |e, a, n| e.remove_creator_grant(a, &n.stack())),
        ("mint_opaque org token", |e, a, n| e.mint_opaque(a, &org_token(n.org), NOW).map(drop)),
        ("mint_opaque team token", |e, a, n| e.mint_opaque(a, &team_token(n), NOW).map(drop)),
        ("mint_signed org token", |e, a, n| e.mint_signed(a, &org_token(n.org), NOW, &key()).map(drop)),
        ("mint_signed team token", |e, a, n| e.mint_signed(a, &team_token(n), NOW, &key()).map(drop)),
    ]
}

/// Outsiders of acme: an unknown principal, a member of globex only, and a globex machine token.
fn outsiders(engine: &mut Engine) -> Vec<String> {
    let token = engine.mint_opaque("olga", &org_token("globex"), NOW).unwrap();
    vec!["ghost".into(), "olga".into(), "user:olga".into(), format!("token:{}", token.id)]
}

#[test]
fn outsiders_are_answered_alike_whether_or_not_the_organization_exists() {
    let mut engine = engine();
    let actors = outsiders(&mut engine);
    let before = engine.to_json();
    for (name, action) in actions() {
        for actor in &actors {
            let existing = action(&mut engine, actor, EXISTING).unwrap_err();
            assert_eq!(existing.code().as_str(), "forbidden", "{name} by {actor}: {existing}");
            let ManageError::Forbidden { deny, .. } = &existing else { unreachable!() };
            let expected = if actor == "ghost" { "unknown_principal" } else { "not_a_member" };
            assert_eq!(deny.code(), expected, "{name} by {actor}: {existing}");
            assert!(!existing.to_string().contains("globex"), "{name} by {actor}: {existing}");
            for other in [NO_ORG, NO_TEAM_OR_STACK] {
                let refused = action(&mut engine, actor, other).unwrap_err();
                assert_eq!(refused.code(), existing.code(), "{name} by {actor} on {other:?}: {refused}");
                assert_eq!(
                    other.as_existing(&refused.to_string()),
                    existing.to_string(),
                    "{name} by {actor} on {other:?}"
                );
            }
        }
    }
    assert_eq!(engine.to_json(), before, "no refusal changed the state");
}

#[test]
fn members_still_learn_what_is_missing_in_their_own_organization() {
    let mut engine = engine();
    let missing_team = engine.delete_team("ada", "acme", "ghost-team").unwrap_err();
    assert_eq!(missing_team.code().as_str(), "not_found", "{missing_team}");
    let missing_stack = engine.delete_stack("ada", "acme/app/gone").unwrap_err();
    assert_eq!(missing_stack.code().as_str(), "not_found", "{missing_stack}");
    // But not about another organization, existing or not.
    let globex = engine.update_settings("ada", "globex", &SettingsPatch::default()).unwrap_err();
    let nowhere = engine.update_settings("ada", "nowhere", &SettingsPatch::default()).unwrap_err();
    assert_eq!(globex.code().as_str(), "forbidden");
    assert_eq!(nowhere.to_string().replace("nowhere", "globex"), globex.to_string());
}

#[test]
fn a_transfer_to_an_organization_that_does_not_exist_is_refused_as_one_outside_reach() {
    let mut engine = engine();
    let globex = engine.transfer_stack("ada", "acme/app/prod", "globex").unwrap_err();
    let nowhere = engine.transfer_stack("ada", "acme/app/prod", "nowhere").unwrap_err();
    assert_eq!(globex.code().as_str(), "forbidden");
    let ManageError::Forbidden { deny, .. } = &globex else { unreachable!() };
    assert_eq!(deny.code(), "destination_denied");
    assert_eq!(nowhere.code(), globex.code());
    assert_eq!(nowhere.to_string().replace("nowhere", "globex"), globex.to_string());
    // A destination the actor may create stacks in is accepted.
    engine.add_member("olga", "globex", "ada", "admin").unwrap();
    engine.transfer_stack("ada", "acme/app/prod", "globex").unwrap();
    assert!(engine.check("ada", "stack:read", "globex/app/prod"));
}

#[test]
fn outsiders_list_no_tokens_and_delete_none_whether_or_not_they_exist() {
    let mut engine = engine();
    let acme_token = engine.mint_opaque("ada", &org_token("acme"), NOW).unwrap();
    let team = engine.mint_opaque("ada", &team_token(EXISTING), NOW).unwrap();
    let personal = engine.mint_opaque("max", &MintRequest::default(), NOW).unwrap();
    assert_eq!(engine.list_tokens("ada", Some("acme"), NOW, true).len(), 2);
    let actors = outsiders(&mut engine);
    for actor in &actors {
        for org in ["acme", "nowhere"] {
            assert_eq!(engine.list_tokens(actor, Some(org), NOW, true), vec![], "{actor} in {org}");
        }
        let missing = engine.delete_token(actor, "no-such-token").unwrap_err();
        assert_eq!(missing.code().as_str(), "not_found");
        for id in [&acme_token.id, &team.id, &personal.id] {
            let refused = engine.delete_token(actor, id).unwrap_err();
            assert_eq!(refused.code(), missing.code(), "{actor} deleting {id}: {refused}");
            assert_eq!(refused.to_string().replace(id.as_str(), "no-such-token"), missing.to_string());
        }
    }
    // Members without the right are told so.
    let member = engine.delete_token("max", &acme_token.id).unwrap_err();
    assert_eq!(member.code().as_str(), "forbidden", "{member}");
    engine.delete_token("ada", &acme_token.id).unwrap();
}

#[test]
fn a_personal_token_is_accepted_for_any_organization_name_and_denied_outside_its_user() {
    let mut engine = engine();
    let patch = SettingsPatch { token_expiry_policy_days: Some(Some(7)), ..SettingsPatch::default() };
    engine.update_settings("olga", "globex", &patch).unwrap();
    // max's token never expires: globex's policy would refuse it, but max is not in globex.
    let token = engine.mint_opaque("max", &MintRequest::default(), NOW).unwrap();
    for org in ["acme", "globex", "nowhere"] {
        let found = engine.authenticate(&token.token, NOW, Some(org)).unwrap();
        assert_eq!(found.expires, None);
        assert_eq!(found.subject, "max");
    }
    assert!(!engine.check_as(&engine.resolve_principal("max").unwrap(), "stack:read", "globex/web/prod"));
    // olga's own never-expiring token is refused by her organization's policy.
    let hers = engine.mint_opaque("olga", &MintRequest::default(), NOW).unwrap();
    let refused = engine.authenticate(&hers.token, NOW, Some("globex")).unwrap_err();
    assert_eq!(refused.code().as_str(), "expiry_policy_violation");
    assert!(engine.authenticate(&hers.token, NOW, Some("nowhere")).is_ok());
}
