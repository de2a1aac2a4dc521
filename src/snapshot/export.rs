//! Writing the indexed state back out as the wire types, so that changes applied in place can be
//! persisted. Loading the output gives an engine that answers every question alike. Every read
//! of the index for an export is here.

use super::wire::{self, Map, Req, Str};
use crate::catalog::Catalog;
use crate::model::{EntityKind, Loose, base64url};
use crate::store::KeyMaterial;
use crate::store::{
    Entity, Identity, Org, PermissionScopes, Selector, Store, TokenId, TokenRecord, TokenSubject, UserId,
};

/// What an export includes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Include HS256 key secrets. Off by default: without them the export leaves HS256 keys out,
    /// so that it can be shown or sent anywhere. SECURITY: a snapshot holding an HS256 secret
    /// lets its holder mint tokens; never send one to a browser.
    pub include_secrets: bool,
}

pub(crate) fn export<'i>(catalog: &Catalog, index: &'i Store, options: ExportOptions) -> wire::Snapshot<'i> {
    let users = index
        .users()
        .map(|(id, user)| {
            let tokens: Vec<_> = index
                .tokens()
                .filter(|(_, t)| t.subject() == TokenSubject::User(id))
                .map(|(_, t)| token(index, None, t))
                .collect();
            wire::User {
                login: Req::of(Str::from(user.login())),
                name: user.name().map(Str::from),
                tokens: (!tokens.is_empty()).then_some(tokens),
            }
        })
        .collect();
    let keys = index
        .signing()
        .keys()
        .iter()
        .filter_map(|key| {
            let (alg, public_key, secret) = match key.material() {
                KeyMaterial::Ed25519(public) => ("EdDSA", Some(base64url::encode(public.as_bytes())), None),
                KeyMaterial::Hmac(secret) if options.include_secrets => {
                    ("HS256", None, Some(base64url::encode(secret)))
                }
                KeyMaterial::Hmac(_) => return None,
            };
            Some(wire::Key {
                kid: Req::of(Str::from(key.kid())),
                alg: Req::of(Str::from(alg)),
                public_key: public_key.map(Str::from),
                secret: secret.map(Str::from),
            })
        })
        .collect();
    let mut revoked: Vec<Str<'_>> = index.revoked().map(Str::from).collect();
    revoked.sort_unstable();
    wire::Snapshot {
        version: Req::of(Loose::Unsigned(1)),
        revision: Some(index.revision()),
        not_after: index.not_after(),
        users: Some(users),
        organizations: Some(index.orgs().map(|(_, org)| organization(catalog, index, org)).collect()),
        signing: Some(wire::Signing {
            issuer: index.signing().issuer().map(Str::from),
            audience: index.signing().audience().map(Str::from),
            leeway_seconds: Some(index.signing().leeway()),
            keys: Some(keys),
        }),
        revoked_token_ids: Some(revoked),
    }
}

/// The stored record of a token, as a snapshot carries it.
pub(crate) fn token_record(index: &Store, idx: TokenId) -> Option<wire::Token<'_>> {
    let record = index.token(idx)?;
    let org = record.org().and_then(|o| index.org(o));
    Some(token(index, org, record))
}

fn login(index: &Store, user: UserId) -> Option<Str<'_>> {
    index.user(user).map(|u| Str::from(u.login()))
}

fn organization<'i>(catalog: &Catalog, index: &'i Store, org: &'i Org) -> wire::Organization<'i> {
    let members = org
        .members()
        .map(|(_, m)| wire::Member {
            login: Req(login(index, m.user())),
            role: Some(Str::from(org.role_name(m.role()))),
        })
        .collect();
    let permission_sets = org
        .permission_sets()
        .iter()
        .map(|set| {
            let (entity, scopes): (&str, Vec<Str<'_>>) = match set.scopes() {
                PermissionScopes::Organization(scopes) => (
                    "organization",
                    catalog
                        .org_scopes()
                        .filter(|s| scopes.contains(*s))
                        .map(|s| catalog.org_scope_name(s).into())
                        .collect(),
                ),
                PermissionScopes::Entity(kind, scopes) => (
                    kind.as_str(),
                    catalog
                        .entity_scopes(kind)
                        .filter(|s| scopes.contains(*s))
                        .map(|s| catalog.entity_scope_name(s).into())
                        .collect(),
                ),
            };
            wire::PermissionSet {
                name: Req::of(Str::from(set.name())),
                entity: Req::of(Str::from(entity)),
                scopes: Some(scopes),
                description: None,
            }
        })
        .collect();
    let roles = org
        .roles()
        .map(|(_, role)| wire::Role {
            name: Req::of(Str::from(role.name())),
            description: role.description().map(Str::from),
            organization: role.org_set_name().map(Str::from),
            rules: Some(
                role.rules()
                    .iter()
                    .map(|rule| {
                        let mut out = wire::Rule {
                            entity: Req::of(Str::from(rule.kind().as_str())),
                            permission_set: Req::of(Str::from(rule.set_name())),
                            ..wire::Rule::default()
                        };
                        match rule.selector() {
                            Selector::All => out.all = Some(true),
                            Selector::Entities(set) => {
                                let table = org.entities(rule.kind());
                                let mut names: Vec<Str<'_>> = set
                                    .iter()
                                    .filter_map(|i| table.get(*i))
                                    .map(|e| Str::from(e.name()))
                                    .collect();
                                names.sort_unstable();
                                out.entities = Some(names);
                            }
                            Selector::Tags(conditions) => {
                                let conditions = conditions.iter().map(|c| wire::TagCondition {
                                    key: Req::of(Str::from(c.key())),
                                    value: c.value().map(Str::from),
                                });
                                out.tags = Some(conditions.collect());
                            }
                        }
                        out
                    })
                    .collect(),
            ),
        })
        .collect();
    let teams = org
        .all_teams()
        .filter(|(_, t)| !t.deleted())
        .map(|(team_id, team)| {
            let in_team = |admin: bool| {
                let members = team.members().iter().filter_map(|&m| org.member(m));
                let members = members.filter(|m| m.admin_of().contains(&team_id) == admin);
                Some(members.filter_map(|m| login(index, m.user())).collect())
            };
            let grants = |kind: EntityKind| {
                let table = org.entities(kind);
                let entries = team.grants(kind).iter().filter_map(|(idx, level)| {
                    table.get(*idx).map(|e| (Str::from(e.name()), Str::from(level.as_str())))
                });
                Some(Map(entries.collect()))
            };
            wire::Team {
                name: Req::of(Str::from(team.name())),
                display_name: team.display_name().map(Str::from),
                description: team.description().map(Str::from),
                kind: Some(Str::from(if team.github() { "github" } else { "pulumi" })),
                members: in_team(false),
                admins: in_team(true),
                stacks: grants(EntityKind::Stack),
                environments: grants(EntityKind::Environment),
                accounts: grants(EntityKind::Account),
                roles: Some(
                    team.roles().iter().filter_map(|r| org.role(*r)).map(|r| Str::from(r.name())).collect(),
                ),
            }
        })
        .collect();
    let stacks =
        |kind: EntityKind| Some(org.entities(kind).iter().map(|(_, e)| entity(index, kind, e)).collect());
    wire::Organization {
        name: Req::of(Str::from(org.name())),
        settings: Some(Box::new(org.settings().to_wire())),
        members: Some(members),
        permission_sets: Some(permission_sets),
        roles: Some(roles),
        teams: Some(teams),
        stacks: stacks(EntityKind::Stack),
        environments: stacks(EntityKind::Environment),
        accounts: Some(
            org.entities(EntityKind::Account)
                .iter()
                .map(|(_, e)| {
                    let s = entity(index, EntityKind::Account, e);
                    wire::Account { name: s.name, tags: s.tags, creator: s.creator, grants: s.grants }
                })
                .collect(),
        ),
        tokens: Some(
            org.token_ids()
                .iter()
                .filter_map(|t| index.token(*t))
                .map(|t| token(index, Some(org), t))
                .collect(),
        ),
    }
}

/// An entity in the stack shape (an account has no project).
fn entity<'i>(index: &'i Store, kind: EntityKind, e: &'i Entity) -> wire::Stack<'i> {
    let (project, name) = match (kind, e.name().split_once('/')) {
        (EntityKind::Account, _) | (_, None) => (None, e.name()),
        (_, Some((project, name))) => (Some(Str::from(project)), name),
    };
    let creator = match e.creator() {
        Some(Identity::User(u)) => Some(wire::Creator { user: login(index, u), token: None }),
        Some(Identity::Token(t)) => {
            index.token(t).map(|t| wire::Creator { user: None, token: Some(Str::from(t.id())) })
        }
        Some(Identity::Claims) | None => None,
    };
    let tags = e.tags().map(|(k, v)| (Str::from(k), Str::from(v))).collect();
    let grants =
        e.grants().iter().filter_map(|(u, level)| Some((login(index, *u)?, Str::from(level.as_str()))));
    wire::Stack {
        project: Req(project),
        name: Req::of(Str::from(name)),
        tags: Some(Map(tags)),
        creator,
        grants: Some(Map(grants.collect())),
    }
}

fn token<'i>(index: &'i Store, org: Option<&'i Org>, t: &'i TokenRecord) -> wire::Token<'i> {
    let (team, role) = match (t.subject(), org) {
        (TokenSubject::Team(team), Some(org)) => (Some(Str::from(org.team_name(team))), None),
        (TokenSubject::Role(role), Some(org)) => (None, Some(Str::from(org.role_name(role)))),
        _ => (None, None),
    };
    wire::Token {
        id: Req::of(Str::from(t.id())),
        kind: Some(Str::from(t.kind().as_str())),
        name: t.name().map(Str::from),
        description: t.description().map(Str::from),
        team,
        role,
        digest: t.digest().map(|d| Str::from(d.iter().map(|b| format!("{b:02x}")).collect::<String>())),
        created: Some(t.created()),
        expires: Some(t.expires()),
        created_by: t.created_by().and_then(|u| login(index, u)),
        deleted: Some(t.deleted()),
    }
}
