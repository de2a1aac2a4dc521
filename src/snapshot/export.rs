//! Writing the indexed state back out as a snapshot v1 document, so that changes applied in
//! place can be persisted. Loading the output gives an engine that answers every question alike.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

use crate::catalog::Catalog;
use crate::model::{EntityKind, Settings};
use crate::store::KeyMaterial;
use crate::store::{
    Entity, Identity, Org, PermissionScopes, Selector, Store, TokenRecord, TokenSubject, UserId,
};

pub(crate) fn export(catalog: &Catalog, index: &Store) -> Value {
    let users: Vec<Value> = index
        .users()
        .map(|(id, user)| {
            let mut obj = Map::new();
            obj.insert("login".into(), json!(user.login()));
            if let Some(name) = user.name() {
                obj.insert("name".into(), json!(name));
            }
            let tokens: Vec<Value> = index
                .tokens()
                .filter(|(_, t)| t.subject() == TokenSubject::User(id))
                .map(|(_, t)| token(index, None, t))
                .collect();
            if !tokens.is_empty() {
                obj.insert("tokens".into(), Value::Array(tokens));
            }
            Value::Object(obj)
        })
        .collect();
    let orgs: Vec<Value> = index.orgs().map(|(_, org)| organization(catalog, index, org)).collect();
    let keys: Vec<Value> = index
        .signing()
        .keys()
        .iter()
        .map(|key| match key.material() {
            KeyMaterial::Ed25519(public) => {
                json!({ "kid": key.kid(), "alg": "EdDSA", "publicKey": URL_SAFE_NO_PAD.encode(public.as_bytes()) })
            }
            KeyMaterial::Hmac(secret) => {
                json!({ "kid": key.kid(), "alg": "HS256", "secret": URL_SAFE_NO_PAD.encode(secret) })
            }
        })
        .collect();
    let mut signing = Map::new();
    if let Some(issuer) = index.signing().issuer() {
        signing.insert("issuer".into(), json!(issuer));
    }
    if let Some(audience) = index.signing().audience() {
        signing.insert("audience".into(), json!(audience));
    }
    signing.insert("leewaySeconds".into(), json!(index.signing().leeway()));
    signing.insert("keys".into(), Value::Array(keys));
    let mut revoked: Vec<&str> = index.revoked().collect();
    revoked.sort_unstable();
    json!({
        "version": 1,
        "revision": index.revision(),
        "users": users,
        "organizations": orgs,
        "signing": signing,
        "revokedTokenIds": revoked,
    })
}

/// Settings with every field spelled out, as snapshots and answers carry them.
pub(crate) fn settings(s: &Settings) -> Value {
    json!({
        "defaultStackPermission": s.default_stack_permission.as_str(),
        "defaultEnvironmentPermission": s.default_environment_permission.as_str(),
        "defaultAccountPermission": s.default_account_permission.as_str(),
        "membersCanCreateStacks": s.members_can_create_stacks,
        "stackAdminsCanDeleteStacks": s.stack_admins_can_delete_stacks,
        "stackAdminsCanTransferStacks": s.stack_admins_can_transfer_stacks,
        "membersCanCreateTeams": s.members_can_create_teams,
        "membersCanCreateAccounts": s.members_can_create_accounts,
        "teamTokensGetMemberDefaults": s.team_tokens_get_member_defaults,
        "tokenExpiryPolicyDays": s.token_expiry_policy_days,
    })
}

fn login(index: &Store, user: UserId) -> Value {
    index.user(user).map_or(Value::Null, |u| json!(u.login()))
}

fn organization(catalog: &Catalog, index: &Store, org: &Org) -> Value {
    let members: Vec<Value> = org
        .members()
        .map(|(_, m)| json!({ "login": login(index, m.user()), "role": org.role_name(m.role()) }))
        .collect();
    let permission_sets: Vec<Value> = org
        .permission_sets()
        .iter()
        .map(|set| {
            let (entity, scopes): (&str, Vec<&str>) = match set.scopes() {
                PermissionScopes::Organization(scopes) => (
                    "organization",
                    catalog
                        .org_scopes()
                        .filter(|s| scopes.contains(*s))
                        .map(|s| catalog.org_scope_name(s))
                        .collect(),
                ),
                PermissionScopes::Entity(kind, scopes) => (
                    kind.as_str(),
                    catalog
                        .entity_scopes(kind)
                        .filter(|s| scopes.contains(*s))
                        .map(|s| catalog.entity_scope_name(s))
                        .collect(),
                ),
            };
            json!({ "name": set.name(), "entity": entity, "scopes": scopes })
        })
        .collect();
    let roles: Vec<Value> = org
        .roles()
        .map(|(_, role)| {
            let rules: Vec<Value> = role
                .rules()
                .iter()
                .map(|rule| {
                    let mut obj = Map::new();
                    obj.insert("entity".into(), json!(rule.kind().as_str()));
                    obj.insert("permissionSet".into(), json!(rule.set_name()));
                    match rule.selector() {
                        Selector::All => {
                            obj.insert("all".into(), json!(true));
                        }
                        Selector::Entities(set) => {
                            let table = org.entities(rule.kind());
                            let mut names: Vec<&str> =
                                set.iter().filter_map(|i| table.get(*i)).map(|e| e.name()).collect();
                            names.sort_unstable();
                            obj.insert("entities".into(), json!(names));
                        }
                        Selector::Tags(conditions) => {
                            let conditions: Vec<Value> = conditions
                                .iter()
                                .map(|c| match c.value() {
                                    Some(v) => json!({ "key": c.key(), "value": v }),
                                    None => json!({ "key": c.key() }),
                                })
                                .collect();
                            obj.insert("tags".into(), Value::Array(conditions));
                        }
                    }
                    Value::Object(obj)
                })
                .collect();
            let mut obj = Map::new();
            obj.insert("name".into(), json!(role.name()));
            if let Some(d) = role.description() {
                obj.insert("description".into(), json!(d));
            }
            if let Some(set) = role.org_set_name() {
                obj.insert("organization".into(), json!(set));
            }
            obj.insert("rules".into(), Value::Array(rules));
            Value::Object(obj)
        })
        .collect();
    let teams: Vec<Value> = org
        .all_teams()
        .filter(|(_, t)| !t.deleted())
        .map(|(team_idx, team)| {
            let in_team = |admin: bool| -> Vec<Value> {
                team.members()
                    .iter()
                    .filter_map(|&m| org.member(m))
                    .filter(|m| m.admin_of().contains(&team_idx) == admin)
                    .map(|m| login(index, m.user()))
                    .collect()
            };
            let mut obj = Map::new();
            obj.insert("name".into(), json!(team.name()));
            if let Some(d) = team.display_name() {
                obj.insert("displayName".into(), json!(d));
            }
            if let Some(d) = team.description() {
                obj.insert("description".into(), json!(d));
            }
            obj.insert("kind".into(), json!(if team.github() { "github" } else { "pulumi" }));
            obj.insert("members".into(), Value::Array(in_team(false)));
            obj.insert("admins".into(), Value::Array(in_team(true)));
            for (kind, field) in [
                (EntityKind::Stack, "stacks"),
                (EntityKind::Environment, "environments"),
                (EntityKind::Account, "accounts"),
            ] {
                let table = org.entities(kind);
                let grants: Map<String, Value> = team
                    .grants(kind)
                    .iter()
                    .filter_map(|(idx, level)| {
                        table.get(*idx).map(|e| (e.name().to_string(), json!(level.as_str())))
                    })
                    .collect();
                obj.insert(field.into(), Value::Object(grants));
            }
            let roles: Vec<Value> =
                team.roles().iter().filter_map(|r| org.role(*r)).map(|r| json!(r.name())).collect();
            obj.insert("roles".into(), Value::Array(roles));
            Value::Object(obj)
        })
        .collect();
    let mut obj = Map::new();
    obj.insert("name".into(), json!(org.name()));
    obj.insert("settings".into(), settings(org.settings()));
    obj.insert("members".into(), Value::Array(members));
    obj.insert("permissionSets".into(), Value::Array(permission_sets));
    obj.insert("roles".into(), Value::Array(roles));
    obj.insert("teams".into(), Value::Array(teams));
    for (kind, field) in [
        (EntityKind::Stack, "stacks"),
        (EntityKind::Environment, "environments"),
        (EntityKind::Account, "accounts"),
    ] {
        let items: Vec<Value> = org.entities(kind).iter().map(|(_, e)| entity(index, kind, e)).collect();
        obj.insert(field.into(), Value::Array(items));
    }
    let tokens: Vec<Value> =
        org.token_ids().iter().filter_map(|t| index.token(*t)).map(|t| token(index, Some(org), t)).collect();
    obj.insert("tokens".into(), Value::Array(tokens));
    Value::Object(obj)
}

fn entity(index: &Store, kind: EntityKind, e: &Entity) -> Value {
    let mut obj = Map::new();
    match (kind, e.name().split_once('/')) {
        (EntityKind::Account, _) | (_, None) => {
            obj.insert("name".into(), json!(e.name()));
        }
        (_, Some((project, name))) => {
            obj.insert("project".into(), json!(project));
            obj.insert("name".into(), json!(name));
        }
    }
    let tags: Map<String, Value> = e.tags().map(|(k, v)| (k.to_string(), json!(v))).collect();
    obj.insert("tags".into(), Value::Object(tags));
    match e.creator() {
        Some(Identity::User(u)) => {
            obj.insert("creator".into(), json!({ "user": login(index, u) }));
        }
        Some(Identity::Token(t)) => {
            if let Some(token) = index.token(t) {
                obj.insert("creator".into(), json!({ "token": token.id() }));
            }
        }
        Some(Identity::Claims) | None => {}
    }
    let grants: Map<String, Value> = e
        .grants()
        .iter()
        .filter_map(|(u, level)| index.user(*u).map(|user| (user.login().to_string(), json!(level.as_str()))))
        .collect();
    obj.insert("grants".into(), Value::Object(grants));
    Value::Object(obj)
}

fn token(index: &Store, org: Option<&Org>, t: &TokenRecord) -> Value {
    let mut obj = Map::new();
    obj.insert("id".into(), json!(t.id()));
    obj.insert("kind".into(), json!(t.kind().as_str()));
    if let Some(name) = t.name() {
        obj.insert("name".into(), json!(name));
    }
    if let Some(d) = t.description() {
        obj.insert("description".into(), json!(d));
    }
    match (t.subject(), org) {
        (TokenSubject::Team(team), Some(org)) => {
            obj.insert("team".into(), json!(org.team_name(team)));
        }
        (TokenSubject::Role(role), Some(org)) => {
            obj.insert("role".into(), json!(org.role_name(role)));
        }
        _ => {}
    }
    if let Some(digest) = t.digest() {
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        obj.insert("digest".into(), json!(hex));
    }
    obj.insert("created".into(), json!(t.created()));
    obj.insert("expires".into(), json!(t.expires()));
    if let Some(u) = t.created_by() {
        obj.insert("createdBy".into(), login(index, u));
    }
    obj.insert("deleted".into(), json!(t.deleted()));
    Value::Object(obj)
}
