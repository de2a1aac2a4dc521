//! Native benchmark of decision records and previews, in one run:
//! - `check` with and without a decision sink (the sink keeps nothing);
//! - the preview of `defaultStackPermission: none → write` on 1,000 members × 10,000 stacks
//!   (20 teams of 50 members, each team granted on 100 stacks), against the brute force: every
//!   (member, stack scope, stack) asked before and after. The brute force is measured on the
//!   first 100 stacks and scaled to 10,000 (it would take minutes); the output says so.
//!
//! Run with `cargo bench --bench preview`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use scopegate::{DecisionRecord, RecordContext, SettingsPatch};
use scopegate::{Engine, Permission};
use serde_json::json;

const MEMBERS: usize = 1000;
const STACKS: usize = 10_000;
const TEAMS: usize = 20;

fn world() -> Engine {
    let mut members = vec![json!({ "login": "root", "role": "admin" })];
    members.extend((0..MEMBERS).map(|m| json!({ "login": format!("m{m}"), "role": "member" })));
    let teams: Vec<_> = (0..TEAMS)
        .map(|t| {
            let logins: Vec<String> =
                (0..MEMBERS).filter(|m| m % TEAMS == t).map(|m| format!("m{m}")).collect();
            let grants: serde_json::Map<String, serde_json::Value> =
                (0..100).map(|i| (format!("p/s{}", (t * 100 + i) % STACKS), json!("read"))).collect();
            json!({ "name": format!("t{t}"), "members": logins, "stacks": grants })
        })
        .collect();
    let stacks: Vec<_> = (0..STACKS).map(|s| json!({ "project": "p", "name": format!("s{s}") })).collect();
    let snapshot = json!({ "version": 1, "organizations": [{
        "name": "acme",
        "settings": { "defaultStackPermission": "none" },
        "members": members,
        "teams": teams,
        "stacks": stacks,
    }]});
    Engine::from_value(&snapshot).unwrap_or_else(|e| panic!("world rejected: {e:?}"))
}

/// Checks per second of one round of `f` over a fixed question list.
fn round(questions: &[(String, String)], f: &dyn Fn(&str, &str) -> bool) -> f64 {
    let start = Instant::now();
    let mut allowed = 0usize;
    let mut n = 0usize;
    while start.elapsed() < Duration::from_millis(300) {
        for (user, stack) in questions {
            allowed += usize::from(black_box(f(user, stack)));
            n += 1;
        }
    }
    black_box(allowed);
    n as f64 / start.elapsed().as_secs_f64()
}

/// The best rate of each of `a` and `b` over rounds that alternate, so that a machine busy
/// with other work slows both alike.
fn rates(
    questions: &[(String, String)],
    a: &dyn Fn(&str, &str) -> bool,
    b: &dyn Fn(&str, &str) -> bool,
) -> (f64, f64) {
    let (mut best_a, mut best_b) = (0f64, 0f64);
    for _ in 0..8 {
        best_a = best_a.max(round(questions, a));
        best_b = best_b.max(round(questions, b));
    }
    (best_a, best_b)
}

fn main() {
    let engine = world();
    let questions: Vec<(String, String)> = (0..1000)
        .map(|i| (format!("m{}", (i * 7) % MEMBERS), format!("acme/p/s{}", (i * 131) % STACKS)))
        .collect();

    let sink = |record: &DecisionRecord<'_>| {
        black_box(record);
    };
    let recording = engine.with_sink(&sink, RecordContext { now: 1, ..RecordContext::default() });
    let (plain, recorded) = rates(&questions, &|u, s| engine.check(u, "stack:read", s), &|u, s| {
        recording.check(u, "stack:read", s)
    });
    println!("check without a sink      {:>12.0} /s", plain);
    println!(
        "check with a sink         {:>12.0} /s   overhead {:+.0}% (target ≤ 30%)",
        recorded,
        (plain / recorded - 1.0) * 100.0
    );

    let patch = SettingsPatch { default_stack_permission: Some(Permission::Write), ..Default::default() };
    let mut best = Duration::MAX;
    let mut answers = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let preview = engine.preview("root", 0, |e, actor| e.update_settings(actor, "acme", &patch));
        best = best.min(start.elapsed());
        answers = preview.diff.len();
        black_box(preview);
    }
    println!(
        "preview none → write      {:>9.1} ms   {answers} answers turned, {} members × {} stacks (target ≤ 50 ms)",
        best.as_secs_f64() * 1000.0,
        MEMBERS,
        STACKS
    );

    // The brute force on the first 100 stacks, scaled.
    let mut after = engine.clone();
    after.update_settings("root", "acme", &patch).unwrap_or_else(|e| panic!("{e}"));
    // The stack scopes: those that name a question on a stack.
    let scopes: Vec<&str> =
        scopegate::scopes().filter(|scope| engine.resolve_target(scope, "acme/p/s0").is_ok()).collect();
    let subset = 100;
    let start = Instant::now();
    let mut differ = 0usize;
    for m in 0..MEMBERS {
        let member = format!("m{m}");
        for s in 0..subset {
            let stack = format!("acme/p/s{s}");
            for scope in &scopes {
                differ +=
                    usize::from(engine.check(&member, scope, &stack) != after.check(&member, scope, &stack));
            }
        }
    }
    let measured = start.elapsed();
    let scaled = measured.as_secs_f64() * (STACKS / subset) as f64;
    println!(
        "brute force (stack scopes) {:>8.1} ms   measured on {subset} of {STACKS} stacks ({:.1} ms, {differ} turned) and scaled ×{}: {:.0}× the preview",
        scaled * 1000.0,
        measured.as_secs_f64() * 1000.0,
        STACKS / subset,
        scaled / best.as_secs_f64()
    );
}
