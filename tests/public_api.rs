//! The crate's public surface, compared with the hand-kept list in `tests/public_api.txt`, so that
//! any change to it is deliberate.
//!
//! Stable rustdoc has no JSON output, so the actual surface is read from the HTML that
//! `cargo doc --no-deps` writes (the test command runs it before the tests that read it): the
//! crate's `all.html` lists every public item at the root (the modules are private, so everything
//! public is re-exported there, and `#[doc(hidden)]` items are left out as they are from the
//! docs), and each item's page names its inherent methods, variants, fields and associated
//! constants before its trait implementations. Reading what rustdoc resolved is more robust
//! than parsing `pub` in the sources, which would have to follow re-exports, `pub(crate)`,
//! macros and `cfg`s the way the compiler does.
//!
//! Without the docs the test is skipped with a message, unless `CI` is set: then it fails.
//! After a deliberate change, regenerate the list with `PUBLIC_API_WRITE=1`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn doc_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("doc").join("scopegate")
}

/// `(kind, name)` of every root item linked from `all.html`, e.g. `("struct", "Engine")`.
fn root_items(all: &str) -> BTreeSet<(String, String)> {
    let mut items = BTreeSet::new();
    for piece in all.split("href=\"").skip(1) {
        let Some(link) = piece.split('"').next() else { continue };
        let Some(page) = link.strip_suffix(".html") else { continue };
        if page.contains('/') || page.contains('#') {
            continue;
        }
        if let Some((kind, name)) = page.split_once('.') {
            items.insert((kind.to_string(), name.to_string()));
        }
    }
    items
}

/// The members an item's page documents before its trait implementations.
fn members(page: &str) -> BTreeSet<String> {
    let inherent = page.split("id=\"trait-implementations\"").next().unwrap_or(page);
    let mut out = BTreeSet::new();
    for piece in inherent.split(" id=\"").skip(1) {
        let Some(id) = piece.split('"').next() else { continue };
        let Some((kind, name)) = id.split_once('.') else { continue };
        if matches!(kind, "method" | "variant" | "structfield" | "associatedconstant" | "tymethod") {
            // Repeated ids get a `-N` suffix; the member is the same.
            let name = name.split('-').next().unwrap_or(name);
            out.insert(format!("{kind} {name}"));
        }
    }
    out
}

fn actual(dir: &Path, all: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for (kind, name) in root_items(all) {
        lines.push(format!("{kind} {name}"));
        let page = std::fs::read_to_string(dir.join(format!("{kind}.{name}.html"))).unwrap_or_default();
        for member in members(&page) {
            lines.push(format!("{kind} {name}: {member}"));
        }
    }
    lines
}

#[test]
fn the_public_surface_is_the_listed_one() {
    let dir = doc_dir();
    let Ok(all) = std::fs::read_to_string(dir.join("all.html")) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} is missing: run `cargo doc --no-deps` before the tests",
            dir.join("all.html").display()
        );
        eprintln!(
            "skipped: no rustdoc output; run `cargo doc --no-deps` first to compare the public surface"
        );
        return;
    };
    let actual = actual(&dir, &all);
    assert!(actual.iter().any(|l| l == "struct Engine: method check"), "the docs were read: {actual:?}");
    let listed_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/public_api.txt");
    if std::env::var_os("PUBLIC_API_WRITE").is_some() {
        std::fs::write(&listed_path, actual.join("\n") + "\n").unwrap();
    }
    let listed_text = std::fs::read_to_string(&listed_path).unwrap();
    let listed: Vec<&str> = listed_text.lines().filter(|l| !l.trim().is_empty()).collect();
    let actual_set: BTreeSet<&str> = actual.iter().map(String::as_str).collect();
    let listed_set: BTreeSet<&str> = listed.iter().copied().collect();
    let added: Vec<&&str> = actual_set.difference(&listed_set).collect();
    let removed: Vec<&&str> = listed_set.difference(&actual_set).collect();
    assert!(
        added.is_empty() && removed.is_empty(),
        "the public surface changed; if deliberate, update tests/public_api.txt \
         (PUBLIC_API_WRITE=1 cargo test --test public_api).\nadded: {added:#?}\nremoved: {removed:#?}"
    );
}
