//! Handles that name their instance. A handle is a JavaScript number (a whole number below
//! 2⁵³, so it stays a plain `number` and `checkHandles` stays a few integer operations): the
//! high 21 bits are the tag of the instance that made it, the low 32 bits its index in that
//! instance's table. Tags come from a module-wide counter that starts at a random point and
//! never gives 0, so a small number (`0`, `1`, …) is never a handle, a handle of one instance is
//! no handle of another, and an instance made after another was freed has a new tag.
//!
//! The counter lives here, in the boundary: the engine holds no global state.

use std::sync::atomic::{AtomicU32, Ordering};

/// Tags are 1 ..= `TAGS` (21 bits, never 0).
const TAGS: u32 = (1 << 21) - 1;

/// The tag the next instance gets; 0 until the first instance is made.
static NEXT: AtomicU32 = AtomicU32::new(0);

/// The index bits of a handle.
const INDEX: f64 = 4_294_967_296.0;

/// A new instance's tag: the counter's next value (the first one picked at random, so two
/// copies of the module loaded side by side are unlikely to agree). A tag comes back only after
/// 2²¹ − 1 instances were made.
pub(super) fn new_tag() -> u32 {
    let mut tag = NEXT.load(Ordering::Relaxed);
    if tag == 0 {
        tag = (js_sys::Math::random() * f64::from(TAGS)) as u32 % TAGS + 1;
    }
    NEXT.store(tag % TAGS + 1, Ordering::Relaxed);
    tag
}

/// The handle of entry `index` of the instance tagged `tag`.
#[inline]
pub(super) fn handle(tag: u32, index: u32) -> f64 {
    f64::from(tag) * INDEX + f64::from(index)
}

/// The index a handle names if the instance tagged `tag` made it; `None` for a handle of
/// another instance, of a freed one, or a number that was never a handle.
#[inline]
pub(super) fn index(tag: u32, handle: u64) -> Option<u32> {
    if (handle >> 32) as u32 == tag { Some(handle as u32) } else { None }
}
