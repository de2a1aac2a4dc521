//! Interning for `check`: the engine and a bounded cache from the strings JavaScript passes to
//! what they resolve to, kept together so that the engine is reachable mutably only through
//! [`Interned::engine_mut`], which empties the cache. No change can leave a stale entry.
//!
//! The cache is keyed by the JavaScript strings themselves, in JavaScript `Map`s: a hit costs
//! three `Map.get` calls (the engine hashes the string once and keeps the hash) and copies no
//! string into the module's memory, which is what a check with strings spends most of its time
//! on otherwise. Only names that resolve are cached (an unknown one goes to the engine every
//! time), and the whole cache is dropped when it reaches [`CACHE_ENTRIES`], so its memory is
//! bounded whatever the sequence of calls.

use rustc_hash::FxHashMap;
use wasm_bindgen::prelude::*;

use super::args;
use crate::engine::{Engine, Principal, Target};

/// Entries (principals, scope names, resource names and pairs together) at which the cache is
/// dropped and starts again.
pub(super) const CACHE_ENTRIES: u32 = 50_000;

#[wasm_bindgen]
extern "C" {
    /// A JavaScript `Map` from strings to numbers.
    #[wasm_bindgen(js_name = Map)]
    #[derive(Debug)]
    type NumberMap;

    #[wasm_bindgen(constructor, js_class = Map)]
    fn new() -> NumberMap;

    /// `map.get(key)`: the number, or NaN (`undefined` as a number) when absent. Read as a
    /// plain `f64`, the answer needs no return slot in memory (an `Option<f64>` costs twice as
    /// much per call).
    #[wasm_bindgen(method, js_class = Map, js_name = get)]
    fn lookup(this: &NumberMap, key: &JsValue) -> f64;

    #[wasm_bindgen(method, js_class = Map, js_name = set)]
    fn insert(this: &NumberMap, key: &JsValue, value: f64);

    #[wasm_bindgen(method, js_class = Map)]
    fn clear(this: &NumberMap);
}

impl NumberMap {
    #[inline]
    fn id(&self, key: &JsValue) -> Option<u32> {
        let id = self.lookup(key);
        // NaN (absent) fails the comparison.
        if id >= 0.0 { Some(id as u32) } else { None }
    }
}

/// Resolved principals and (scope, resource) pairs by the strings that named them.
#[derive(Debug)]
struct Cache {
    /// Principal string → index into `who`.
    principals: NumberMap,
    who: Vec<Principal>,
    /// Scope string → scope id, resource string → resource id (ids of names seen in a pair).
    scopes: NumberMap,
    resources: NumberMap,
    next_scope: u32,
    next_resource: u32,
    /// (scope id, resource id) → the resolved pair.
    targets: FxHashMap<(u32, u32), Target>,
    entries: u32,
}

impl Cache {
    fn new() -> Self {
        Self {
            principals: NumberMap::new(),
            who: Vec::new(),
            scopes: NumberMap::new(),
            resources: NumberMap::new(),
            next_scope: 0,
            next_resource: 0,
            targets: FxHashMap::default(),
            entries: 0,
        }
    }

    fn clear(&mut self) {
        if self.entries == 0 {
            return;
        }
        self.principals.clear();
        self.who.clear();
        self.scopes.clear();
        self.resources.clear();
        self.next_scope = 0;
        self.next_resource = 0;
        self.targets.clear();
        self.entries = 0;
    }

    /// Drops everything when the next insertion (at most three entries) could pass the cap.
    fn make_room(&mut self) {
        if self.entries + 3 > CACHE_ENTRIES {
            self.clear();
        }
    }

    #[inline]
    fn principal(&self, key: &JsValue) -> Option<&Principal> {
        self.who.get(self.principals.id(key)? as usize)
    }

    #[inline]
    fn target(&self, scope: &JsValue, resource: &JsValue) -> Option<&Target> {
        let scope = self.scopes.id(scope)?;
        let resource = self.resources.id(resource)?;
        self.targets.get(&(scope, resource))
    }

    fn add_principal(&mut self, key: &JsValue, who: Principal) {
        self.make_room();
        self.principals.insert(key, self.who.len() as f64);
        self.who.push(who);
        self.entries += 1;
    }

    fn add_target(&mut self, scope: &JsValue, resource: &JsValue, target: Target) {
        self.make_room();
        let scope = match self.scopes.id(scope) {
            Some(id) => id,
            None => {
                let id = self.next_scope;
                self.scopes.insert(scope, f64::from(id));
                self.next_scope += 1;
                self.entries += 1;
                id
            }
        };
        let resource = match self.resources.id(resource) {
            Some(id) => id,
            None => {
                let id = self.next_resource;
                self.resources.insert(resource, f64::from(id));
                self.next_resource += 1;
                self.entries += 1;
                id
            }
        };
        self.targets.insert((scope, resource), target);
        self.entries += 1;
    }
}

/// The engine with its interning cache.
#[derive(Debug)]
pub(super) struct Interned {
    engine: Engine,
    cache: Cache,
}

impl Interned {
    pub fn new(engine: Engine) -> Self {
        Self { engine, cache: Cache::new() }
    }

    /// The engine, to ask questions of.
    #[inline]
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The engine, to change: the cache is emptied first, whether or not the change succeeds.
    #[inline(never)]
    pub fn engine_mut(&mut self) -> &mut Engine {
        self.cache.clear();
        &mut self.engine
    }

    /// `check` with JavaScript values: from the cache when all three are known strings seen
    /// before; otherwise each is checked (a non-string throws), resolved, and cached if known.
    /// A name over the length limit is a deny.
    pub fn check(
        &mut self,
        principal: &JsValue,
        scope: &JsValue,
        resource: &JsValue,
    ) -> Result<bool, JsValue> {
        let who = self.cache.principal(principal);
        let target = self.cache.target(scope, resource);
        if let (Some(who), Some(target)) = (who, target) {
            return Ok(self.engine.check_resolved(who, target));
        }
        let who = who.cloned();
        let target = target.cloned();
        let principal_name = match who {
            Some(_) => None,
            None => Some(args::name(principal, "principal")?),
        };
        let target_names = match target {
            Some(_) => None,
            None => Some((args::name(scope, "scope")?, args::name(resource, "resource")?)),
        };
        let who = match (who, principal_name) {
            (Some(who), _) => who,
            (None, Some(name)) if name.whole() => match self.engine.resolve_principal(name.asked()) {
                Some(who) => {
                    self.cache.add_principal(principal, who.clone());
                    who
                }
                None => return Ok(false),
            },
            _ => return Ok(false),
        };
        let target = match (target, target_names) {
            (Some(target), _) => target,
            (None, Some((scope_name, resource_name))) if scope_name.whole() && resource_name.whole() => {
                match self.engine.resolve_target(scope_name.asked(), resource_name.asked()) {
                    Ok(target) => {
                        self.cache.add_target(scope, resource, target.clone());
                        target
                    }
                    Err(_) => return Ok(false),
                }
            }
            _ => return Ok(false),
        };
        Ok(self.engine.check_resolved(&who, &target))
    }
}
