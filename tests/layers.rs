//! The layering of `src/`: every module imports only downward.
//!
//! - Top-level modules form the layers of [`LAYERS`] (bottom first, as the README's Layout section
//!   draws them): a module may name only modules of lower layers, so no two import each other.
//! - Inside a module's folder, the files (sibling submodules) import each other without a cycle.
//!   A submodule naming its parent's own items (`super::Item`) is not an edge: the parent file is
//!   the folder's facade.
//!
//! References are read from the source text: `crate::a::b` and `super::b` paths, in `use`
//! declarations and inline.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `src/` with its module path (`store/signing.rs` → `["store", "signing"]`).
fn modules() -> BTreeMap<Vec<String>, String> {
    fn walk(dir: &Path, prefix: &[String], out: &mut BTreeMap<Vec<String>, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_stem().unwrap().to_str().unwrap().to_string();
            if path.is_dir() {
                let mut next = prefix.to_vec();
                next.push(name);
                walk(&path, &next, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let mut module = prefix.to_vec();
                if !(prefix.is_empty() && name == "lib") {
                    module.push(name);
                }
                out.insert(module, strip_comments(&std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(&src_dir(), &[], &mut out);
    out
}

/// The source without `//` comments and string literals, so that prose naming a module is not
/// read as an import.
fn strip_comments(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    for line in source.lines() {
        let mut in_string = false;
        let mut prev = ' ';
        let mut kept = String::new();
        for (i, c) in line.char_indices() {
            if !in_string && c == '/' && line[i..].starts_with("//") {
                break;
            }
            if c == '"' && prev != '\\' {
                in_string = !in_string;
            } else if !in_string {
                kept.push(c);
            }
            prev = c;
        }
        out.push_str(&kept);
        out.push('\n');
    }
    out
}

/// The paths that follow `prefix` (`crate::` or `super::`), as identifier lists, including the
/// items of a grouped `use prefix{a, b::c}`.
fn paths_after(source: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find(prefix) {
        let boundary = rest[..at].chars().last().is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        rest = &rest[at + prefix.len()..];
        if !boundary {
            continue;
        }
        let mut path = Vec::new();
        let mut tail = rest;
        loop {
            let ident: String = tail.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if ident.is_empty() {
                break;
            }
            tail = &tail[ident.len()..];
            path.push(ident);
            match tail.strip_prefix("::") {
                Some(next) => tail = next,
                None => break,
            }
        }
        if tail.starts_with('{') && path.is_empty() {
            // `use crate::{a, b::c}`: each group member is a path of its own.
            let group: String = tail[1..].chars().take_while(|c| *c != '}').collect();
            for item in group.split(',') {
                let first: String =
                    item.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !first.is_empty() {
                    out.push(vec![first]);
                }
            }
        } else if !path.is_empty() {
            out.push(path);
        }
    }
    out
}

/// The layers, bottom up. Modules of one layer may not import each other.
const LAYERS: &[&[&str]] = &[
    &["model"],
    &["catalog"],
    &["decision"],
    &["error"],
    &["store"],
    &["snapshot"],
    &["authorize"],
    &["token"],
    &["manage"],
    &["records"],
    &["engine"],
    &["api"],
    &["wasm"],
];

/// The top-level modules `lib.rs` declares.
fn declared_modules(lib: &str) -> Vec<String> {
    lib.lines()
        .filter_map(|line| {
            let line = line.trim();
            let line = line.strip_prefix("pub ").or_else(|| line.strip_prefix("pub(crate) ")).unwrap_or(line);
            let name = line.strip_prefix("mod ")?.strip_suffix(';')?;
            Some(name.to_string())
        })
        .collect()
}

#[test]
fn top_level_modules_import_only_lower_layers() {
    let modules = modules();
    let mut declared = declared_modules(&modules[&Vec::new()]);
    declared.sort();
    let mut layered: Vec<String> = LAYERS.iter().flat_map(|l| l.iter().map(|m| m.to_string())).collect();
    layered.sort();
    assert_eq!(declared, layered, "every module of lib.rs has its layer in LAYERS");
    let rank: BTreeMap<&str, usize> =
        LAYERS.iter().enumerate().flat_map(|(i, l)| l.iter().map(move |m| (*m, i))).collect();
    let mut violations = BTreeSet::new();
    for (module, source) in &modules {
        let Some(top) = module.first() else { continue };
        let Some(&own) = rank.get(top.as_str()) else { continue };
        for path in paths_after(source, "crate::") {
            let Some(&target) = path.first().and_then(|m| rank.get(m.as_str())) else { continue };
            if target > own || (target == own && path[0] != *top) {
                violations.insert(format!("{} imports `{}`, a higher layer", module.join("/"), path[0]));
            }
        }
    }
    assert!(violations.is_empty(), "layering broken (layers: {LAYERS:?}):\n{violations:#?}");
}

#[test]
fn sibling_submodules_import_each_other_without_a_cycle() {
    let modules = modules();
    let known: BTreeSet<&Vec<String>> = modules.keys().collect();
    // Edges between files that share a parent module.
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (module, source) in &modules {
        let Some((_, parent)) = module.split_last() else { continue };
        let sibling = |name: &str| {
            let mut m = parent.to_vec();
            m.push(name.to_string());
            known.contains(&m).then_some(m)
        };
        let mut targets: Vec<Vec<String>> = Vec::new();
        for path in paths_after(source, "super::") {
            targets.extend(path.first().and_then(|n| sibling(n)));
        }
        for path in paths_after(source, "crate::") {
            if path.len() > parent.len() && path[..parent.len()] == *parent {
                targets.extend(sibling(&path[parent.len()]));
            }
        }
        for target in targets {
            if &target != module {
                edges.entry(module.clone()).or_default().insert(target);
            }
        }
    }
    // Depth-first search for a cycle.
    fn visit(
        node: &Vec<String>,
        edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut BTreeMap<Vec<String>, bool>,
        stack: &mut Vec<Vec<String>>,
    ) -> Option<Vec<Vec<String>>> {
        match state.get(node) {
            Some(true) => return None,
            Some(false) => {
                let start = stack.iter().position(|n| n == node).unwrap_or(0);
                let mut cycle = stack[start..].to_vec();
                cycle.push(node.clone());
                return Some(cycle);
            }
            None => {}
        }
        state.insert(node.clone(), false);
        stack.push(node.clone());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, state, stack) {
                return Some(cycle);
            }
        }
        stack.pop();
        state.insert(node.clone(), true);
        None
    }
    let mut state = BTreeMap::new();
    for node in edges.keys() {
        if let Some(cycle) = visit(node, &edges, &mut state, &mut Vec::new()) {
            let names: Vec<String> = cycle.iter().map(|m| m.join("/")).collect();
            panic!("submodules import each other in a cycle: {}", names.join(" → "));
        }
    }
}

#[test]
fn the_path_reader_sees_imports_and_ignores_prose() {
    let source = strip_comments(
        "use crate::store::{Store, Who};\nuse crate::{model, error::ManageError};\n// crate::wasm in a comment\nlet s = \"crate::engine\";\nsuper::load::Pending",
    );
    assert_eq!(
        paths_after(&source, "crate::"),
        vec![vec!["store".to_string()], vec!["model".to_string()], vec!["error".to_string()]]
    );
    assert_eq!(paths_after(&source, "super::"), vec![vec!["load".to_string(), "Pending".to_string()]]);
}
