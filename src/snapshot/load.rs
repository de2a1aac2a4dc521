//! Checking a snapshot document and building the index from it. Every problem is recorded with
//! its path (rendered only then), and checking goes on so that one load reports them all. Each
//! organization is checked in `org.rs`; references to tokens and users are resolved once the whole
//! document is read, so that document order never matters.

use super::build::Builder;
use super::checks::{Pending, TokenPlace, entity_field, required, setting_problem};
use super::names::{NameRule, Path, Problems, shorten};
use super::org::OrgLoader;
use super::tokens::{load_signing, load_token};
use super::wire::{self, Snapshot};
use crate::catalog::Catalog;
use crate::error::SnapshotErrorKind as K;
use crate::model::{Loose, Settings, TokenKind};
use crate::store::{Identity, Store};

/// Checks a whole document and builds its index.
pub(crate) fn load(catalog: &Catalog, doc: &Snapshot<'_>, problems: &mut Problems) -> Store {
    let mut b = Builder::default();
    let root = Path::Root;
    match &doc.version.0 {
        Some(Loose::Unsigned(1)) => {}
        Some(other) => {
            problems.push(&root.field("version"), K::UnsupportedVersion { found: other.to_string() })
        }
        None => problems.push(&root, K::MissingField { field: "version" }),
    }
    b.set_revision(doc.revision.unwrap_or(0));
    b.set_not_after(doc.not_after);
    let mut pending = Vec::new();
    let users: &[wire::User<'_>] = doc.users.as_deref().unwrap_or_default();
    let users_at = root.field("users");
    let mut accepted = Vec::new();
    for (i, user) in users.iter().enumerate() {
        let at = users_at.index(i);
        let Some(login) = required(&user.login, &at, "login", problems) else { continue };
        if !NameRule::Login.check(login, &at.field("login"), problems) {
            continue;
        }
        if b.user(login).is_some() {
            problems.push(&at.field("login"), K::Duplicate { what: "user", name: shorten(login) });
            continue;
        }
        if let Some(id) = b.add_user(login, user.name.as_deref()) {
            accepted.push((i, id));
        }
    }
    let orgs_at = root.field("organizations");
    for (i, org) in doc.organizations.iter().flatten().enumerate() {
        let at = orgs_at.index(i);
        let Some(name) = required(&org.name, &at, "name", problems) else { continue };
        if !NameRule::Identifier.check(name, &at.field("name"), problems) {
            continue;
        }
        if b.has_org(name) {
            problems.push(&at.field("name"), K::Duplicate { what: "organization", name: shorten(name) });
            continue;
        }
        let mut settings = Settings::default();
        if let Some(wire) = &org.settings {
            let at = at.field("settings");
            let patch = wire.read(&mut |field, p| problems.push(&at.field(field), setting_problem(p)));
            patch.check(&mut |field, p| problems.push(&at.field(field), setting_problem(p)));
            settings.apply(&patch);
        }
        let Some(idx) = b.add_org(name, settings) else { continue };
        let mut loader = OrgLoader {
            catalog,
            b: &mut b,
            org: idx,
            position: i,
            wire: org,
            at,
            problems,
            pending: &mut pending,
        };
        loader.load();
    }
    for (i, user) in accepted {
        let tokens = users.get(i).and_then(|u| u.tokens.as_deref()).unwrap_or_default();
        let at = users_at.index(i);
        let tokens_at = at.field("tokens");
        for (j, token) in tokens.iter().enumerate() {
            let place = TokenPlace::User(i, j);
            load_token(&mut b, None, Some(user), token, place, &tokens_at.index(j), problems, &mut pending);
        }
    }
    resolve_pending(&mut b, pending, problems);
    b.set_signing(load_signing(doc.signing.as_ref(), &root.field("signing"), problems));
    let revoked_at = root.field("revokedTokenIds");
    for (i, id) in doc.revoked_token_ids.iter().flatten().enumerate() {
        if NameRule::Identifier.check(id, &revoked_at.index(i), problems) {
            b.revoke(id);
        }
    }
    b.finish()
}

fn resolve_pending(b: &mut Builder, pending: Vec<Pending<'_>>, problems: &mut Problems) {
    for item in pending {
        match item {
            Pending::CreatorToken { org, org_at, kind, entity, entity_at, id } => {
                let orgs = Path::Root.field("organizations");
                let org_path = orgs.index(org_at);
                let entities = org_path.field(entity_field(kind));
                let entity_path = entities.index(entity_at);
                let creator = entity_path.field("creator");
                let at = creator.field("token");
                let Some(token) = b.token(id) else {
                    problems.push(&at, K::DanglingReference { what: "token", name: shorten(id) });
                    continue;
                };
                let machine_of_org =
                    b.token_owner(token).is_some_and(|(o, k)| o == Some(org) && k != TokenKind::Personal);
                if machine_of_org {
                    // A machine token is no Billing Manager: the store cannot refuse it.
                    let _ = b.set_creator(org, kind, entity, Identity::Token(token));
                } else {
                    let why = "is not an organization or team token of this organization";
                    problems.push(&at, K::InvalidReference { name: shorten(id), why });
                }
            }
            Pending::CreatedBy { token, place, login } => match b.user(login) {
                Some(user) => b.set_created_by(token, user),
                None => place.with_path("createdBy", |at| {
                    problems.push(at, K::DanglingReference { what: "user", name: shorten(login) });
                }),
            },
        }
    }
}
