//! Regenerates the committed token test vectors from their seeded generator:
//! `cargo run --example gen_vectors` rewrites `tests/fixtures/tokens/vectors.json` and its
//! human-readable render `tests/fixtures/tokens/README.md`.

#[path = "../tests/vectors/generate.rs"]
mod generate;

use std::fs;
use std::path::Path;

fn main() -> std::io::Result<()> {
    let (vectors, readme) = generate::generate();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let vectors_path = root.join(generate::VECTORS_PATH);
    let readme_path = root.join(generate::README_PATH);
    if let Some(dir) = vectors_path.parent() {
        fs::create_dir_all(dir)?;
    }
    fs::write(&vectors_path, generate::to_pretty(&vectors))?;
    fs::write(&readme_path, readme)?;
    let cases = vectors["cases"].as_array().map_or(0, Vec::len);
    println!("wrote {} and {} ({cases} cases)", generate::VECTORS_PATH, generate::README_PATH);
    Ok(())
}
