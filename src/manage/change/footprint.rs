//! What the checks of a change read and what its mutation changes, by name, so that a delta can
//! be checked against the state it starts from: when no change reads what an earlier one of the
//! same delta changes, each change meets the same state in its checks as it would after the
//! earlier ones, and checking every change first makes the whole delta apply or refuse at once
//! without a copy of the state.

use crate::model::EntityKind;
use crate::snapshot::Change;
use crate::snapshot::wire::Creator;

/// One thing a change's checks read or its mutation changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Fact<'c> {
    /// A membership of `org`: whether `login` is a member, their role, and whether they hold
    /// team or stack access. `None` stands for every member of the organization.
    Member(&'c str, Option<&'c str>),
    /// Whether a team of `org` exists.
    Team(&'c str, &'c str),
    /// Whether an entity (`project/name`, or `name`) of `org` exists.
    Entity(Option<EntityKind>, &'c str, String),
    /// The token records.
    Tokens,
    /// The verification keys.
    Keys,
}

impl Fact<'_> {
    /// Whether two facts may concern the same thing.
    fn overlaps(&self, other: &Fact<'_>) -> bool {
        match (self, other) {
            (Fact::Member(a, x), Fact::Member(b, y)) => a == b && (x.is_none() || y.is_none() || x == y),
            _ => self == other,
        }
    }
}

/// What one change touches.
#[derive(Debug, Default)]
pub(super) struct Footprint<'c> {
    /// What its checks read (what it changes is read as well).
    pub reads: Vec<Fact<'c>>,
    /// What its mutation changes.
    pub writes: Vec<Fact<'c>>,
    /// The change cannot be checked without being applied (a token record is read as it is
    /// added): a delta holding it with other changes is applied to a copy.
    pub unchecked: bool,
}

impl<'c> Footprint<'c> {
    /// Whether this change reads or changes anything `earlier` changes.
    pub fn depends_on(&self, earlier: &[Fact<'_>]) -> bool {
        self.reads.iter().chain(&self.writes).any(|f| earlier.iter().any(|e| f.overlaps(e)))
    }

    fn read(mut self, fact: Fact<'c>) -> Self {
        self.reads.push(fact);
        self
    }

    fn write(mut self, fact: Fact<'c>) -> Self {
        self.writes.push(fact);
        self
    }
}

/// One member of `org`.
fn member<'c>(org: &'c str, login: &'c str) -> Fact<'c> {
    Fact::Member(org, Some(login))
}

/// A stack path `org/project/stack` as an entity fact, and its organization.
fn stack(path: &str) -> (&str, Fact<'_>) {
    let (org, name) = path.split_once('/').unwrap_or((path, ""));
    (org, Fact::Entity(Some(EntityKind::Stack), org, name.to_string()))
}

/// What `change` touches.
pub(super) fn of(change: &Change) -> Footprint<'_> {
    let none = Footprint::default();
    match change {
        Change::UpdateSettings { .. } | Change::RevokeToken { .. } => none,
        Change::AddMember { org, login, .. }
        | Change::RemoveMember { org, login }
        | Change::SetMemberRole { org, login, .. } => none.write(member(org, login)),
        Change::CreateTeam { org, team, admin } => {
            let footprint = none.write(Fact::Team(org, team));
            match admin {
                Some(login) => footprint.write(member(org, login)),
                None => footprint,
            }
        }
        Change::DeleteTeam { org, team } => {
            none.write(Fact::Team(org, team)).write(Fact::Member(org, None)).write(Fact::Tokens)
        }
        Change::SetTeamMember { org, team, login, .. } | Change::RemoveTeamMember { org, team, login } => {
            none.read(Fact::Team(org, team)).write(member(org, login))
        }
        Change::SetTeamPermission { org, team, kind, entity, .. } => {
            none.read(Fact::Team(org, team)).read(Fact::Entity(EntityKind::parse(kind), org, entity.clone()))
        }
        Change::SetTeamRole { org, team, .. } => none.read(Fact::Team(org, team)),
        Change::CreateStack { org, project, stack, creator, .. } => {
            let name = format!("{project}/{stack}");
            let footprint = none.write(Fact::Entity(Some(EntityKind::Stack), org, name));
            match creator {
                Some(Creator { user: Some(login), .. }) => footprint.write(member(org, login)),
                Some(Creator { token: Some(_), .. }) => footprint.read(Fact::Tokens),
                _ => footprint,
            }
        }
        Change::DeleteStack { stack: path } | Change::RemoveCreatorGrant { stack: path } => {
            let (org, entity) = stack(path);
            none.write(entity).write(Fact::Member(org, None))
        }
        Change::TransferStack { stack: path, destination } => {
            let (org, entity) = stack(path);
            let name = path.split_once('/').map_or("", |(_, name)| name).to_string();
            none.write(entity)
                .write(Fact::Entity(Some(EntityKind::Stack), destination, name))
                .write(Fact::Member(org, None))
                .write(Fact::Member(destination, None))
        }
        Change::SetStackPermission { stack: path, login, .. } => {
            let (org, entity) = stack(path);
            none.read(entity).write(member(org, login))
        }
        Change::AddToken { .. } => Footprint { unchecked: true, ..none }.write(Fact::Tokens),
        Change::DeleteToken { .. } => none.write(Fact::Tokens),
        Change::AddKey { .. } | Change::RemoveKey { .. } => none.write(Fact::Keys),
    }
}
