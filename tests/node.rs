//! The JavaScript class in Node: see `wasm/suite.rs`.
//! Run with `wasm-pack test --mode no-install --headless --chrome --node -- --features admin --test web --test node`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::wasm_bindgen_test;

#[path = "wasm/suite.rs"]
mod suite;

#[path = "wasm/boundary.rs"]
mod boundary;

#[path = "wasm/interning.rs"]
mod interning;

#[path = "wasm/handles.rs"]
mod handles;

#[path = "wasm/records.rs"]
mod records;

/// The suite really runs in Node, not in a browser page.
#[wasm_bindgen_test]
fn runs_in_node() {
    let global = js_sys::global();
    let process = js_sys::Reflect::get(&global, &"process".into()).expect("process");
    let versions = js_sys::Reflect::get(&process, &"versions".into()).expect("process.versions");
    let node = js_sys::Reflect::get(&versions, &"node".into()).expect("versions.node");
    assert!(node.as_string().is_some_and(|v| !v.is_empty()), "not Node");
    assert!(!js_sys::Reflect::has(&global, &"document".into()).unwrap_or(false), "`document` exists");
}

#[path = "wasm/live.rs"]
mod live;
