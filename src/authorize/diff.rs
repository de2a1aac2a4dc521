//! The difference between the answers of two states: every (principal, scope, resource) whose
//! answer differs, grouped.
//!
//! Principals are the members and the organization and team tokens of each organization;
//! resources are the organization, its teams and its entities. Both states are matched by name,
//! so the two may come from different snapshots.
//!
//! Organization scopes are decided per principal. Entity scopes are not decided per
//! (principal, entity): principals that share a role, machine-ness and set of teams hold the same
//! scopes on every entity except through their own creator and explicit grants, so the scopes are
//! computed once per such class and entity, and per principal only on the entities where it holds
//! a grant of its own. The answers equal `check` on every triple; the property tests compare them
//! with the brute force over every triple.

use rustc_hash::FxHashMap;

use super::Authorizer;
use super::actor::{Actor, ActorRole, actor_of};
use super::evaluate::{Eval, Quick};
use crate::catalog::EntityScopeSet;
use crate::decision::Decision;
use crate::model::{EntityKind, Permission};
use crate::store::{Entity, EntityId, Identity, OrgId, TeamId, TokenSubject, Who};

/// Every answer that differs between two states, in blocks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessDiff {
    /// The blocks, by organization, then organization scopes before entity scopes.
    pub changes: Vec<AccessChange>,
}

/// One block of differences: on every resource of `resources`, every principal of `principals`
/// has the answer of each scope of `scopes` turned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessChange {
    /// Principal strings `check` accepts (`user:<login>`, `token:<id>`).
    pub principals: Vec<String>,
    /// Resource strings (`org`, `org/team`, `org/project/stack`, …).
    pub resources: Vec<String>,
    /// The scopes whose answer turns, each with the answer after.
    pub scopes: Vec<ScopeChange>,
}

/// One scope whose answer turns in a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeChange {
    /// The scope (a catalog name).
    pub scope: &'static str,
    /// The answer after; the answer before is the opposite.
    pub allowed: bool,
    /// The decision before, for the block's first principal on its first resource (the others
    /// share the answer, not necessarily every reason).
    pub before: Decision,
    /// The decision after, for the same question.
    pub after: Decision,
}

/// One answer that differs, expanded from a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccessEntry<'d> {
    /// The principal string.
    pub principal: &'d str,
    /// The scope.
    pub scope: &'static str,
    /// The resource string.
    pub resource: &'d str,
    /// The answer after.
    pub allowed: bool,
}

impl AccessDiff {
    /// Whether no answer differs.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// How many (principal, scope, resource) answers differ.
    pub fn len(&self) -> usize {
        self.changes.iter().map(|c| c.principals.len() * c.resources.len() * c.scopes.len()).sum()
    }

    /// Every answer that differs, one by one (blocks expanded).
    pub fn entries(&self) -> impl Iterator<Item = AccessEntry<'_>> + '_ {
        self.changes.iter().flat_map(|c| {
            c.principals.iter().flat_map(move |p| {
                c.resources.iter().flat_map(move |r| {
                    c.scopes.iter().map(move |s| AccessEntry {
                        principal: p,
                        scope: s.scope,
                        resource: r,
                        allowed: s.allowed,
                    })
                })
            })
        })
    }

    /// The differences of each principal, by principal string.
    pub fn by_principal(&self) -> std::collections::BTreeMap<&str, Vec<AccessEntry<'_>>> {
        let mut out: std::collections::BTreeMap<&str, Vec<AccessEntry<'_>>> = Default::default();
        for entry in self.entries() {
            out.entry(entry.principal).or_default().push(entry);
        }
        out
    }

    /// The differences on each resource, by resource string.
    pub fn by_resource(&self) -> std::collections::BTreeMap<&str, Vec<AccessEntry<'_>>> {
        let mut out: std::collections::BTreeMap<&str, Vec<AccessEntry<'_>>> = Default::default();
        for entry in self.entries() {
            out.entry(entry.resource).or_default().push(entry);
        }
        out
    }
}

/// A principal of one organization on both sides.
struct Principal {
    name: String,
    identity: [Option<Identity>; 2],
    who: [Option<Who>; 2],
    class: [Option<usize>; 2],
}

/// The principals that hold the same entity scopes everywhere but on their own grants.
struct Class {
    role: ActorRole,
    machine: bool,
    teams: Vec<TeamId>,
    /// A principal of the class, whose actor stands for the class.
    representative: usize,
}

/// One side of the comparison inside one organization.
#[derive(Clone, Copy)]
struct Side<'a> {
    view: Authorizer<'a>,
    org: Option<OrgId>,
}

impl<'a> Side<'a> {
    fn eval(&self) -> Option<Eval<'a>> {
        let org = self.view.store.org(self.org?)?;
        Some(Eval { catalog: self.view.catalog, special: self.view.special, org })
    }

    fn actor(&self, who: Option<Who>) -> Option<Actor<'a>> {
        actor_of(self.view.store, who?, self.org?).ok()
    }
}

/// The difference of every answer from `before` to `after`.
pub(crate) fn diff(before: Authorizer<'_>, after: Authorizer<'_>) -> AccessDiff {
    let mut names: Vec<&str> = before.store.orgs().map(|(_, o)| o.name()).collect();
    for (_, org) in after.store.orgs() {
        if before.store.org_id(org.name()).is_none() {
            names.push(org.name());
        }
    }
    let mut out = AccessDiff::default();
    for name in names {
        let sides = [
            Side { view: before, org: before.store.org_id(name) },
            Side { view: after, org: after.store.org_id(name) },
        ];
        let mut blocks = Blocks::default();
        let principals = principals(&sides);
        org_scopes(&sides, &principals, name, &mut blocks);
        for kind in [EntityKind::Stack, EntityKind::Environment, EntityKind::Account] {
            entity_scopes(&sides, &principals, kind, &mut blocks);
        }
        out.changes.extend(blocks.finish(&sides, &principals));
    }
    out
}

/// The members and the organization and team tokens of the organization, on either side, each
/// with its class on each side.
fn principals(sides: &[Side<'_>; 2]) -> Vec<Principal> {
    let mut list: Vec<Principal> = Vec::new();
    let mut index: FxHashMap<String, usize> = FxHashMap::default();
    for (s, side) in sides.iter().enumerate() {
        let Some(org) = side.org.and_then(|o| side.view.store.org(o)) else { continue };
        let store = side.view.store;
        let members = org.members().filter_map(|(_, m)| {
            let user = store.user(m.user())?;
            Some((format!("user:{}", user.login()), Who::User(m.user()), Identity::User(m.user())))
        });
        let tokens = org.token_ids().iter().filter_map(|&id| {
            let record = store.token(id)?;
            if matches!(record.subject(), TokenSubject::User(_)) {
                return None;
            }
            Some((format!("token:{}", record.id()), store.who_of_token(id)?, Identity::Token(id)))
        });
        for (name, who, identity) in members.chain(tokens).collect::<Vec<_>>() {
            let at = *index.entry(name.clone()).or_insert_with(|| {
                list.push(Principal { name, identity: [None; 2], who: [None; 2], class: [None; 2] });
                list.len() - 1
            });
            if let Some(p) = list.get_mut(at) {
                if let (Some(w), Some(i)) = (p.who.get_mut(s), p.identity.get_mut(s)) {
                    *w = Some(who);
                    *i = Some(identity);
                }
            }
        }
    }
    list
}

/// The classes of one side; sets each principal's class on that side.
fn classes(side: &Side<'_>, s: usize, principals: &mut [Principal]) -> Vec<Class> {
    let mut classes: Vec<Class> = Vec::new();
    for (p, principal) in principals.iter_mut().enumerate() {
        let Some(actor) = side.actor(principal.who.get(s).copied().flatten()) else { continue };
        let mut teams: Vec<TeamId> = actor.teams.iter().collect();
        teams.sort_unstable();
        teams.dedup();
        let machine = actor.is_machine();
        let found =
            classes.iter().position(|c| c.role == actor.role && c.machine == machine && c.teams == teams);
        let class = found.unwrap_or_else(|| {
            classes.push(Class { role: actor.role, machine, teams, representative: p });
            classes.len() - 1
        });
        if let Some(slot) = principal.class.get_mut(s) {
            *slot = Some(class);
        }
    }
    classes
}

/// Who a block of entity differences is for: a group of principals (less those with a grant of
/// their own on the entity), or one principal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Holders {
    Group(usize, Vec<usize>),
    One(usize),
}

/// Organization-scope differences: (scope name, resource, allowed) and its principals.
type OrgBlock = ((&'static str, String, bool), Vec<usize>);
/// Entity-scope differences: (holders, scopes before, scopes after, kind) and its entity names.
type EntityBlock<'a> = ((Holders, u32, u32, EntityKind), Vec<&'a str>);

/// Collects the differences by key before they become blocks.
#[derive(Default)]
struct Blocks<'a> {
    /// (scope name, resource, allowed) → principals, for organization scopes.
    org: Vec<OrgBlock>,
    org_index: FxHashMap<(&'static str, String, bool), usize>,
    /// (holders, scopes before, scopes after, kind) → entity names, for entity scopes.
    entity: Vec<EntityBlock<'a>>,
    entity_index: FxHashMap<(Holders, u32, u32, EntityKind), usize>,
    /// The blocks of whole groups (no principal left out), by (group, before, after, kind):
    /// the most frequent key, looked up without building a [`Holders`].
    group_index: FxHashMap<(usize, u32, u32, EntityKind), usize>,
    /// The principals of each group.
    groups: Vec<Vec<usize>>,
}

impl<'a> Blocks<'a> {
    fn org_change(&mut self, scope: &'static str, resource: &str, allowed: bool, principal: usize) {
        let key = (scope, resource.to_string(), allowed);
        let at = *self.org_index.entry(key.clone()).or_insert_with(|| {
            self.org.push((key, Vec::new()));
            self.org.len() - 1
        });
        if let Some((_, list)) = self.org.get_mut(at) {
            list.push(principal);
        }
    }

    /// A difference for a whole group on one entity.
    fn group_change(&mut self, key: (usize, u32, u32, EntityKind), resource: &'a str) {
        let at = match self.group_index.get(&key) {
            Some(&at) => at,
            None => {
                let (group, before, after, kind) = key;
                self.group_index.insert(key, self.entity.len());
                self.entity.push(((Holders::Group(group, Vec::new()), before, after, kind), Vec::new()));
                self.entity.len() - 1
            }
        };
        if let Some((_, list)) = self.entity.get_mut(at) {
            list.push(resource);
        }
    }

    fn entity_change(&mut self, key: (Holders, u32, u32, EntityKind), resource: &'a str) {
        if let (Holders::Group(group, excluded), before, after, kind) = &key {
            if excluded.is_empty() {
                return self.group_change((*group, *before, *after, *kind), resource);
            }
        }
        let at = match self.entity_index.get(&key) {
            Some(&at) => at,
            None => {
                self.entity_index.insert(key.clone(), self.entity.len());
                self.entity.push((key, Vec::new()));
                self.entity.len() - 1
            }
        };
        if let Some((_, list)) = self.entity.get_mut(at) {
            list.push(resource);
        }
    }

    fn finish(self, sides: &[Side<'_>; 2], principals: &[Principal]) -> Vec<AccessChange> {
        let name = |p: &usize| principals.get(*p).map(|p| p.name.clone()).unwrap_or_default();
        let mut out = Vec::new();
        for ((scope, resource, allowed), list) in self.org {
            let principals: Vec<String> = list.iter().map(name).collect();
            out.push(change(sides, principals, vec![resource], vec![(scope, allowed)]));
        }
        let catalog = sides[0].view.catalog;
        let org_name =
            sides.iter().find_map(|s| s.org.and_then(|o| s.view.store.org(o))).map_or("", |o| o.name());
        for ((holders, before, after, kind), entities) in self.entity {
            let list: Vec<usize> = match holders {
                Holders::One(p) => vec![p],
                Holders::Group(g, own) => {
                    let members = self.groups.get(g).map(Vec::as_slice).unwrap_or_default();
                    members.iter().copied().filter(|p| !own.contains(p)).collect()
                }
            };
            let principals: Vec<String> = list.iter().map(name).collect();
            let resources: Vec<String> = entities
                .iter()
                .map(|e| {
                    let mut resource = String::with_capacity(org_name.len() + 1 + e.len());
                    resource.push_str(org_name);
                    resource.push('/');
                    resource.push_str(e);
                    resource
                })
                .collect();
            let scopes: Vec<(&'static str, bool)> = catalog
                .entity_scopes(kind)
                .filter(|&s| EntityScopeSet(before).contains(s) != EntityScopeSet(after).contains(s))
                .map(|s| (catalog.entity_scope_name(s), EntityScopeSet(after).contains(s)))
                .collect();
            out.push(change(sides, principals, resources, scopes));
        }
        out
    }
}

/// A block, with the decisions of its first question of each scope on both sides.
fn change(
    sides: &[Side<'_>; 2],
    principals: Vec<String>,
    resources: Vec<String>,
    scopes: Vec<(&'static str, bool)>,
) -> AccessChange {
    let first = principals.first().map(String::as_str).unwrap_or_default();
    let resource = resources.first().map(String::as_str).unwrap_or_default();
    let scopes = scopes
        .into_iter()
        .map(|(scope, allowed)| ScopeChange {
            scope,
            allowed,
            before: sides[0].view.explain(first, scope, resource),
            after: sides[1].view.explain(first, scope, resource),
        })
        .collect();
    AccessChange { principals, resources, scopes }
}

/// Organization scopes on the organization and on each team, per principal.
fn org_scopes(sides: &[Side<'_>; 2], principals: &[Principal], org_name: &str, blocks: &mut Blocks<'_>) {
    let catalog = sides[0].view.catalog;
    let special = sides[0].view.special;
    let mut teams: Vec<String> = Vec::new();
    for side in sides {
        let Some(org) = side.org.and_then(|o| side.view.store.org(o)) else { continue };
        for (_, team) in org.all_teams().filter(|(_, t)| !t.deleted()) {
            if !teams.iter().any(|t| t == team.name()) {
                teams.push(team.name().to_string());
            }
        }
    }
    let team_ids: Vec<[Option<TeamId>; 2]> = teams
        .iter()
        .map(|t| {
            let id =
                |side: &Side<'_>| side.org.and_then(|o| side.view.store.org(o)).and_then(|o| o.team_id(t));
            [id(&sides[0]), id(&sides[1])]
        })
        .collect();
    let evals = [sides[0].eval(), sides[1].eval()];
    for (p, principal) in principals.iter().enumerate() {
        let actors = [sides[0].actor(principal.who[0]), sides[1].actor(principal.who[1])];
        let decide = |s: usize, scope, team: Option<Option<TeamId>>| -> bool {
            let (Some(Some(eval)), Some(Some(actor))) = (evals.get(s), actors.get(s)) else { return false };
            match team {
                None => eval.decide_org(actor, scope, None, &mut Quick).is_ok(),
                Some(None) => false,
                Some(Some(t)) => eval.decide_org(actor, scope, Some(t), &mut Quick).is_ok(),
            }
        };
        for scope in catalog.org_scopes() {
            let name = catalog.org_scope_name(scope);
            let after = decide(1, scope, None);
            if decide(0, scope, None) != after {
                blocks.org_change(name, org_name, after, p);
            }
            if !special.team_targeted.contains(scope) {
                continue;
            }
            for (team, ids) in teams.iter().zip(&team_ids) {
                let after = decide(1, scope, Some(ids[1]));
                if decide(0, scope, Some(ids[0])) != after {
                    blocks.org_change(name, &format!("{org_name}/{team}"), after, p);
                }
            }
        }
    }
}

/// Entity scopes of one kind, per class and entity, and per principal where it holds a grant of
/// its own.
fn entity_scopes<'a>(
    sides: &[Side<'a>; 2],
    principals: &[Principal],
    kind: EntityKind,
    blocks: &mut Blocks<'a>,
) {
    let mut principals_with_classes: Vec<Principal> = principals
        .iter()
        .map(|p| Principal { name: String::new(), identity: p.identity, who: p.who, class: [None; 2] })
        .collect();
    let classes = [
        classes(&sides[0], 0, &mut principals_with_classes),
        classes(&sides[1], 1, &mut principals_with_classes),
    ];
    let evals = [sides[0].eval(), sides[1].eval()];
    let catalog = sides[0].view.catalog;
    let all = catalog.level_scopes(kind, Permission::Admin);
    // Per class: the actor that stands for the shared part (no identity, so no grant of its own)
    // and the scopes its gates let through.
    let shared: [Vec<(Actor<'_>, EntityScopeSet)>; 2] = [0, 1].map(|s| {
        let Some(side) = sides.get(s) else { return Vec::new() };
        let list = classes.get(s).map(Vec::as_slice).unwrap_or_default();
        let eval = evals.get(s).and_then(Option::as_ref);
        list.iter()
            .filter_map(|class| {
                let rep = principals_with_classes.get(class.representative)?;
                let actor = side.actor(rep.who.get(s).copied().flatten())?;
                let mut gated = EntityScopeSet::EMPTY;
                for scope in catalog.entity_scopes(kind) {
                    if eval.is_some_and(|e| e.entity_gate(&actor, scope).is_ok()) {
                        gated.insert(scope);
                    }
                }
                let anonymous =
                    Actor { identity: Identity::Claims, user: None, member: None, admin_of: &[], ..actor };
                Some((anonymous, gated))
            })
            .collect()
    });
    // Principals by pair of classes.
    let mut groups: Vec<([Option<usize>; 2], Vec<usize>)> = Vec::new();
    for (p, principal) in principals_with_classes.iter().enumerate() {
        if principal.class == [None, None] {
            continue;
        }
        match groups.iter_mut().find(|(key, _)| *key == principal.class) {
            Some((_, list)) => list.push(p),
            None => groups.push((principal.class, vec![p])),
        }
    }
    let identity_index: FxHashMap<(usize, IdentityKey), usize> = principals_with_classes
        .iter()
        .enumerate()
        .flat_map(|(p, pr)| {
            pr.identity.iter().enumerate().filter_map(move |(s, i)| i.map(|i| ((s, IdentityKey::of(i)), p)))
        })
        .collect();
    let mut names: Vec<&str> = Vec::new();
    for side in sides {
        if let Some(org) = side.org.and_then(|o| side.view.store.org(o)) {
            names.extend(org.entities(kind).iter().map(|(_, e)| e.name()));
        }
    }
    let mut seen = rustc_hash::FxHashSet::default();
    let mut shared_held: [Vec<EntityScopeSet>; 2] = [Vec::new(), Vec::new()];
    for name in names {
        if !seen.insert(name) {
            continue;
        }
        let entity: [Option<(EntityId, &Entity)>; 2] = [0, 1].map(|s| {
            let side = sides.get(s)?;
            side.org.and_then(|o| side.view.store.org(o)).and_then(|o| o.entities(kind).find(name))
        });
        // The shared scopes of every class on this entity, on each side.
        for s in 0..2 {
            let (Some(held), Some(list)) = (shared_held.get_mut(s), shared.get(s)) else { continue };
            held.clear();
            let eval = evals.get(s).and_then(Option::as_ref);
            for (actor, gated) in list {
                let scopes = match (eval, entity.get(s).copied().flatten()) {
                    (Some(eval), Some((id, e))) => eval.entity_scopes(actor, kind, id, e, all, &mut Quick),
                    _ => EntityScopeSet::EMPTY,
                };
                held.push(EntityScopeSet(scopes.0 & gated.0));
            }
        }
        // The principals with a grant of their own on this entity, on either side.
        let mut own: Vec<usize> = Vec::new();
        for (s, found) in entity.iter().enumerate() {
            let Some((_, e)) = found else { continue };
            let mut note = |identity: Identity| {
                if let Some(&p) = identity_index.get(&(s, IdentityKey::of(identity))) {
                    if !own.contains(&p) {
                        own.push(p);
                    }
                }
            };
            if let Some(creator) = e.creator() {
                note(creator);
            }
            for &(user, level) in e.grants() {
                if level != Permission::None {
                    note(Identity::User(user));
                }
            }
        }
        for (g, (key, members)) in groups.iter().enumerate() {
            let at = |s: usize| -> u32 {
                let class = key.get(s).copied().flatten();
                class.and_then(|c| shared_held.get(s).and_then(|h| h.get(c))).map_or(0, |set| set.0)
            };
            let (before, after) = (at(0), at(1));
            if before == after {
                continue;
            }
            let excluded: Vec<usize> = own.iter().copied().filter(|p| members.contains(p)).collect();
            if excluded.len() < members.len() {
                blocks.entity_change(
                    (Holders::Group(blocks.groups.len() + g, excluded), before, after, kind),
                    name,
                );
            }
        }
        for &p in &own {
            let Some(principal) = principals_with_classes.get(p) else { continue };
            let at = |s: usize| -> u32 {
                let (Some(side), Some(Some(eval)), Some(Some((id, e)))) =
                    (sides.get(s), evals.get(s), entity.get(s))
                else {
                    return 0;
                };
                let Some(actor) = side.actor(principal.who.get(s).copied().flatten()) else {
                    return 0;
                };
                let held = eval.entity_scopes(&actor, kind, *id, e, all, &mut Quick);
                let mut gated = EntityScopeSet::EMPTY;
                for scope in catalog.entity_scopes(kind) {
                    if held.contains(scope) && eval.entity_gate(&actor, scope).is_ok() {
                        gated.insert(scope);
                    }
                }
                gated.0
            };
            let (before, after) = (at(0), at(1));
            if before != after {
                blocks.entity_change((Holders::One(p), before, after, kind), name);
            }
        }
    }
    blocks.groups.extend(groups.into_iter().map(|(_, members)| members));
}

/// An identity as a hash key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum IdentityKey {
    User(crate::store::UserId),
    Token(crate::store::TokenId),
    Claims,
}

impl IdentityKey {
    fn of(identity: Identity) -> Self {
        match identity {
            Identity::User(u) => Self::User(u),
            Identity::Token(t) => Self::Token(t),
            Identity::Claims => Self::Claims,
        }
    }
}
