//! The party's rules as plain functions: no I/O, no SQL, no HTTP.
//! Each is unit- and property-tested where it lives.

/// What may be added to a queue.
pub mod admission;
/// What the auto-DJ plays when the queue runs dry.
pub mod auto_dj;
/// Which votes and skip asks count, and from when.
pub mod counting;
/// Search that forgives typos.
pub mod fuzzy;
/// Who may join a room: the gates, the PIN.
pub mod gates;
/// Display names: trimming, length, the friendly generated ones.
pub mod guest_name;
/// The TV's join codes that change every minute.
pub mod join_token;
/// Wrong PINs: counted, and too many lock the guesser out.
pub mod lockout;
/// Lyrics: LRC and timed lines, parsed; the line playing now.
pub mod lyrics;
/// The room as a player: what may play, when it moves on, how loud.
pub mod player;
/// Queue order, score and the reason for each place.
pub mod queue;
/// Emoji on the playing song: which, how many, the night's most loved.
pub mod reactions;
/// Refusals: a code, a sentence and its numbers.
pub mod refusal;
/// Who may do what: host, co-host, guest.
pub mod role;
/// Room codes: alphabet, generation, normalising what guests type.
pub mod room_code;
/// Room names.
pub mod room_name;
/// Room settings, their defaults and limits.
pub mod settings;
/// When two tracks are the same song (versions) or artist (featurings).
pub mod song;
/// Who is one voice: a device on a network, a few per network.
pub mod voices;
/// Vote values.
pub mod vote;
/// The guest Wi-Fi: its name and password, and the QR code to join it.
pub mod wifi;
