//! The JavaScript class in a real browser (headless Chrome): see `wasm/suite.rs`.
//! Run with `wasm-pack test --mode no-install --headless --chrome --node -- --features admin --test web --test node`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[path = "wasm/suite.rs"]
mod suite;

#[path = "wasm/boundary.rs"]
mod boundary;

#[path = "wasm/interning.rs"]
mod interning;

#[path = "wasm/handles.rs"]
mod handles;

/// The suite really runs in a browser page, not in Node.
#[wasm_bindgen_test]
fn runs_in_a_browser() {
    let global = js_sys::global();
    assert!(js_sys::Reflect::has(&global, &"document".into()).unwrap_or(false), "no `document`");
    assert!(!js_sys::Reflect::has(&global, &"process".into()).unwrap_or(false), "`process` exists");
}

#[path = "wasm/live.rs"]
mod live;
