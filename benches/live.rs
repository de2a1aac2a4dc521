//! Native benchmark of the live policy on the 10,000-stack world (1,000 members, 100 teams each
//! granted on 100 stacks, default READ): `apply_delta` of a signed delta holding one team grant
//! (signature check, parsing, revision check and the change) and `apply_changes` of the same
//! change, against a full reload of the same snapshot. Run with `cargo bench --bench live`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use scopegate::{Change, Delta, Engine, SigningKey, sign_snapshot};
use serde_json::json;

const MEMBERS: usize = 1000;
const TEAMS: usize = 100;
const STACKS: usize = 10_000;

fn snapshot() -> String {
    let members: Vec<_> =
        (0..MEMBERS).map(|m| json!({ "login": format!("u{m}"), "role": "member" })).collect();
    let teams: Vec<_> = (0..TEAMS)
        .map(|t| {
            let logins: Vec<String> =
                (0..MEMBERS).filter(|m| m % TEAMS == t).map(|m| format!("u{m}")).collect();
            let grants: serde_json::Map<String, serde_json::Value> =
                (0..100).map(|i| (format!("p/s{}", (t * 100 + i) % STACKS), json!("write"))).collect();
            json!({ "name": format!("t{t}"), "members": logins, "stacks": grants })
        })
        .collect();
    let stacks: Vec<_> = (0..STACKS).map(|s| json!({ "project": "p", "name": format!("s{s}") })).collect();
    json!({ "version": 1, "organizations": [{
        "name": "acme", "settings": { "defaultStackPermission": "read" },
        "members": members, "teams": teams, "stacks": stacks }] })
    .to_string()
}

/// One grant: team `t0` gets `level` on stack `p/s{stack}`.
fn grant(stack: usize, level: &str) -> Change {
    Change::SetTeamPermission {
        org: "acme".into(),
        team: "t0".into(),
        kind: "stack".into(),
        entity: format!("p/s{stack}"),
        permission: level.into(),
    }
}

/// The best per-call time of `rounds` rounds of `n` calls each.
fn best(rounds: usize, mut round: impl FnMut() -> (Duration, usize)) -> Duration {
    (0..rounds)
        .map(|_| {
            let (elapsed, n) = round();
            elapsed / u32::try_from(n.max(1)).unwrap_or(u32::MAX)
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let text = snapshot();
    let key = SigningKey::ed25519("origin", &[9; 32]);
    let public = key.public_key().unwrap_or_else(|| panic!("an Ed25519 key has a public key"));
    let load = || Engine::from_json(&text).unwrap_or_else(|e| panic!("world rejected: {e}"));

    let reload = best(5, || {
        let start = Instant::now();
        black_box(load());
        (start.elapsed(), 1)
    });

    // Signed deltas, one grant each, made before the clock starts.
    let n = 2000;
    let delta = best(3, || {
        let mut engine = load();
        let base = engine.revision();
        let deltas: Vec<(String, String)> = (0..n as u64)
            .map(|i| {
                let level = if i % 2 == 0 { "admin" } else { "read" };
                let change = grant(5000 + (i as usize % 100), level);
                let delta = Delta {
                    version: 1,
                    base_revision: base + i,
                    revision: base + i + 1,
                    changes: vec![change],
                    not_after: None,
                };
                let text = delta.to_json();
                let signature = sign_snapshot(&text, &key).unwrap_or_else(|| panic!("Ed25519 signs"));
                (text, signature)
            })
            .collect();
        let start = Instant::now();
        for (text, signature) in &deltas {
            let revision = engine.apply_delta(text, signature, &public, 0);
            black_box(revision.unwrap_or_else(|e| panic!("delta refused: {e}")));
        }
        (start.elapsed(), deltas.len())
    });

    // The same deltas once more: each is refused as a replay after its signature is checked
    // and its text parsed, so this is what the delta costs besides its change.
    let replay = best(3, || {
        let mut engine = load();
        let base = engine.revision();
        let delta = Delta {
            version: 1,
            base_revision: base.saturating_sub(1),
            revision: base,
            changes: vec![grant(5000, "admin")],
            not_after: None,
        };
        let text = delta.to_json();
        let signature = sign_snapshot(&text, &key).unwrap_or_else(|| panic!("Ed25519 signs"));
        let start = Instant::now();
        for _ in 0..n {
            black_box(engine.apply_delta(&text, &signature, &public, 0).is_err());
        }
        (start.elapsed(), n)
    });

    let changes = best(3, || {
        let mut engine = load();
        let batch: Vec<Change> =
            (0..n).map(|i| grant(5000 + (i % 100), if i % 2 == 0 { "admin" } else { "read" })).collect();
        let start = Instant::now();
        for change in batch {
            black_box(engine.apply_changes(vec![change]).unwrap_or_else(|e| panic!("refused: {e}")));
        }
        (start.elapsed(), n)
    });

    println!("live policy, {MEMBERS} members × {STACKS} stacks, {TEAMS} teams × 100 grants");
    println!(
        "apply_delta, one grant    {:>9.1} µs   signature, parsing and the change (target ≤ 50 µs)",
        delta.as_secs_f64() * 1e6
    );
    println!(
        "  of which the signature   {:>9.1} µs   and parsing (a replayed delta, refused)",
        replay.as_secs_f64() * 1e6
    );
    println!("apply_changes, one grant  {:>9.1} µs   the change alone", changes.as_secs_f64() * 1e6);
    println!(
        "full reload               {:>9.1} µs   {:.0}× apply_delta",
        reload.as_secs_f64() * 1e6,
        reload.as_secs_f64() / delta.as_secs_f64()
    );
}
