//! Native benchmark: snapshot load time and checks per second for organizations of 10, 1,000
//! and 100,000 stacks (1,000 members, 100 teams, each team granted on 100 stacks), the shape of
//! the peer benchmark's world. Run with `cargo bench --bench engine`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use scopegate::Engine;
use serde_json::json;

/// mulberry32, the peer benchmark's generator, so runs see the same worlds.
struct Rng(u32);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x6d2b_79f5);
        let mut t = self.0;
        t = (t ^ (t >> 15)).wrapping_mul(1 | t);
        t = (t.wrapping_add((t ^ (t >> 7)).wrapping_mul(61 | t))) ^ t;
        f64::from(t ^ (t >> 14)) / 4_294_967_296.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() * n as f64) as usize
    }
}

const LEVELS: [&str; 3] = ["read", "write", "admin"];

fn world(stacks: usize) -> (String, Vec<(String, String)>) {
    let mut rng = Rng(42);
    let (users, teams) = (1000, 100);
    let mut team_json = Vec::new();
    let mut members: Vec<Vec<String>> = vec![Vec::new(); teams];
    let mut member_json = Vec::new();
    for u in 0..users {
        let role = if rng.next() < 0.02 {
            "admin"
        } else if rng.next() < 0.05 {
            "billing-manager"
        } else {
            "member"
        };
        member_json.push(json!({ "login": format!("u{u}"), "role": role }));
        if role != "billing-manager" {
            for _ in 0..1 + rng.below(3) {
                let t = rng.below(teams);
                if !members[t].contains(&format!("u{u}")) {
                    members[t].push(format!("u{u}"));
                }
            }
        }
    }
    for (t, team_members) in members.iter().enumerate() {
        let mut grants = serde_json::Map::new();
        for _ in 0..100.min(stacks) {
            grants.insert(format!("p/s{}", rng.below(stacks)), json!(LEVELS[rng.below(3)]));
        }
        team_json.push(json!({ "name": format!("t{t}"), "members": team_members, "stacks": grants }));
    }
    let stack_json: Vec<_> =
        (0..stacks).map(|s| json!({ "project": "p", "name": format!("s{s}") })).collect();
    let snapshot = json!({ "version": 1, "organizations": [{
        "name": "acme", "settings": { "defaultStackPermission": "read" },
        "members": member_json, "teams": team_json, "stacks": stack_json }] });
    let questions = (0..4000)
        .map(|_| (format!("u{}", rng.below(users)), format!("acme/p/s{}", rng.below(stacks))))
        .collect();
    (snapshot.to_string(), questions)
}

fn per_second(count: u64, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64()
}

/// Runs `f` over the questions for about `budget`, returning calls per second (best of 5).
fn rate(
    questions: &[(String, String)],
    budget: Duration,
    mut f: impl FnMut(&str, &str) -> bool,
) -> (f64, usize) {
    let mut best = 0.0f64;
    let mut allowed = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let mut count = 0u64;
        while start.elapsed() < budget / 5 {
            allowed = 0;
            for (user, stack) in questions {
                allowed += usize::from(black_box(f(user, stack)));
            }
            count += questions.len() as u64;
        }
        best = best.max(per_second(count, start.elapsed()));
    }
    (best, allowed)
}

fn main() {
    println!("scopegate native benchmark (1,000 members, 100 teams x 100 grants, default READ)");
    println!(
        "{:>8} | {:>9} | {:>10} | {:>16} | {:>16} | {:>9}",
        "stacks", "JSON (KB)", "load (ms)", "check/s (ids)", "check/s (handles)", "allowed"
    );
    for stacks in [10, 1_000, 100_000] {
        let (json, questions) = world(stacks);
        let start = Instant::now();
        let engine =
            Engine::from_json(&json).unwrap_or_else(|e| panic!("benchmark world does not load: {e}"));
        let load = start.elapsed();
        let (by_id, allowed) =
            rate(&questions, Duration::from_secs(2), |u, s| engine.check(u, "stack:write", s));
        let resolved: Vec<_> = questions
            .iter()
            .filter_map(|(u, s)| {
                let who = engine.resolve_principal(u)?;
                let target = engine.resolve_target("stack:write", s).ok()?;
                Some((who, target))
            })
            .collect();
        let mut i = 0;
        let (by_handle, _) = rate(&questions, Duration::from_secs(2), |_, _| {
            i = (i + 1) % resolved.len();
            let (who, target) = &resolved[i];
            engine.check_resolved(who, target)
        });
        println!(
            "{:>8} | {:>9} | {:>10.2} | {:>16} | {:>16} | {:>5}/{}",
            stacks,
            json.len() / 1024,
            load.as_secs_f64() * 1e3,
            format!("{:.2} M", by_id / 1e6),
            format!("{:.2} M", by_handle / 1e6),
            allowed,
            questions.len()
        );
    }
}
