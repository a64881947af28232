//! The party's rules as plain functions: no I/O, no SQL, no HTTP.
//! Each is unit- and property-tested where it lives.

/// Display names: trimming, length, the friendly generated ones.
pub mod guest_name;
/// Queue order and score.
pub mod queue;
/// Room codes: alphabet, generation, normalising what guests type.
pub mod room_code;
/// Room names.
pub mod room_name;
/// Vote values.
pub mod vote;
