//! How much of everything: the sizes, counts and timings the box holds
//! to. Fixed at build time (the flags the host can change live in
//! `config`); a leaf module, so every other part may read it.

/// Largest request body the box reads. Every seed body is a few dozen bytes;
/// 16 KiB leaves room for growth and keeps a hostile client from making the
/// box buffer megabytes.
pub const MAX_BODY_BYTES: usize = 16 * 1024;
/// A playlist file, read or uploaded, at most (a few thousand songs).
pub const MAX_PLAYLIST_BYTES: usize = 1024 * 1024;

/// Longest display name a guest may pick (characters, after trimming).
pub const MAX_DISPLAY_NAME_CHARS: usize = 64;

/// Longest room name (characters, after trimming).
pub const MAX_ROOM_NAME_CHARS: usize = 80;

/// Longest search query (characters). Longer input is a 422, not a slow scan.
pub const MAX_SEARCH_CHARS: usize = 200;

/// Most tracks one search returns.
pub const SEARCH_LIMIT: usize = 50;

/// Read connections in the pool. Reads are short; a few connections keep the
/// two cores busy without starving the writer.
pub const READ_CONNECTIONS: usize = 4;

/// Most writes grouped into one transaction (one fsync) by the writer thread.
pub const MAX_WRITE_BATCH: usize = 128;

/// Most votes remembered as standing (for answering repeats from memory);
/// past it the memory starts over. About 100 bytes each.
pub const MAX_STANDING_VOTES: usize = 100_000;

/// Music files read (on every core) and written to the catalog together.
pub const SCAN_CHUNK: usize = 512;

/// Files measured for loudness per write (the pass checks between chunks
/// whether a rescan should go first).
pub const LOUDNESS_CHUNK: usize = 32;

/// A scan logs its progress at most this often.
pub const SCAN_PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// After a change in the music folders, wait until they have been quiet
/// this long, then rescan once: a copied album is one burst.
pub const WATCH_QUIET: std::time::Duration = std::time::Duration::from_millis(1_500);

/// How often the room clock looks for items whose time is up.
pub const CLOCK_TICK: std::time::Duration = std::time::Duration::from_millis(250);

/// How often it also looks for idle rooms with songs waiting.
pub const CLOCK_IDLE_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// A room nobody has open, where nothing plays, leaves memory after this
/// long unused (SQLite keeps it; it loads again when asked for).
pub const ROOM_IDLE: std::time::Duration = std::time::Duration::from_secs(12 * 60 * 60);

/// A user not seen this long leaves memory (not the database).
pub const USER_UNSEEN: std::time::Duration = std::time::Duration::from_secs(2 * 24 * 60 * 60);

/// How often the room clock lets go of idle rooms and users.
pub const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// How often the box's speaker checks what the party plays.
pub const SPEAKER_POLL: std::time::Duration = std::time::Duration::from_millis(250);

/// How often the speaker steps a crossfade's fade-out.
pub const FADE_STEP: std::time::Duration = std::time::Duration::from_millis(50);

/// How often, at most, committed WAL frames are copied into the database
/// file (on a thread of their own).
pub const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

/// The WAL file is cut back to this size (bytes) when it restarts.
pub const WAL_SIZE_LIMIT: i64 = 32 * 1024 * 1024;

/// How long a guest's `uid` cookie lives: a long weekend of partying.
pub const COOKIE_MAX_AGE_SECS: i64 = 30 * 24 * 60 * 60;

/// A client must send a request's headers within this long (the first
/// request's clock starts when the connection opens, before TLS), and an
/// idle keep-alive connection closes after it (slowloris protection).
pub const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// A request (headers read) must be answered within this long, or it gets
/// 408: a body that trickles in holds nothing for ever.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// A phone that cannot take a live frame for this long is dropped (it
/// reconnects and gets a fresh snapshot).
pub const LIVE_SEND_STALL: std::time::Duration = std::time::Duration::from_secs(10);

/// The largest message a live socket takes from a client: clients only
/// pong, and nothing they send needs more.
pub const LIVE_MAX_CLIENT_MESSAGE: usize = 4 * 1024;

/// At most this many client messages (pongs, mostly) per
/// `LIVE_MESSAGE_WINDOW` on one live socket; more closes it (1008).
pub const LIVE_MAX_MESSAGES_PER_WINDOW: u32 = 50;
pub const LIVE_MESSAGE_WINDOW: std::time::Duration = std::time::Duration::from_secs(10);

/// Open connections from one address. A 200-guest party behind one NAT
/// address keeps about two each (a keep-alive connection and the live
/// socket); beyond this a new connection is closed at once.
pub const MAX_CONNECTIONS_PER_ADDRESS: usize = 600;

/// Queued songs in one room; adds beyond it are refused (409).
pub const MAX_QUEUE_PER_ROOM: i64 = 500;

/// Rooms one user may host.
pub const MAX_ROOMS_PER_USER: i64 = 20;

/// The device cookie outlives guest accounts (a year).
pub const DEVICE_COOKIE_MAX_AGE_SECS: i64 = 365 * 24 * 60 * 60;

/// Longest wait for the MPD server to answer a command, or for it or a
/// Snapcast source to accept a connection: one that takes longer is
/// treated as gone.
pub const OUTPUT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Longest wait between attempts to reach a lost MPD server or Snapcast
/// source.
pub const OUTPUT_BACKOFF_MAX: std::time::Duration = std::time::Duration::from_secs(15);

/// How often the MPD player looks at the room when nothing changed on the
/// server (a host's pause or a new song reach it within this).
pub const MPD_POLL: std::time::Duration = std::time::Duration::from_millis(250);

/// How long search waits for the MPD server before answering with the
/// box's own songs alone (a slow streaming backend must not stall it).
pub const MPD_SEARCH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

/// How far (ms) the MPD server's position may be from the room's after
/// the host seeks before the box moves it.
pub const MPD_SEEK_TOLERANCE_MS: i64 = 1_500;

/// The largest cover the box takes from the MPD server (bytes): a phone
/// shows it at thumbnail size.
pub const MAX_COVER_BYTES: usize = 4 * 1024 * 1024;

/// Songs the box takes from the MPD server's database when it connects,
/// for the auto-DJ to pick from before guests search.
pub const AUTO_DJ_SAMPLE: usize = 1_000;

/// Pages of search results a guest may ask for (50 a page).
pub const MAX_SEARCH_PAGES: usize = 20;

/// How long the MPD server may take to do what the box told it (pause,
/// resume, seek) before a difference counts as a change made on the
/// server itself, which the room then follows.
pub const MPD_SETTLE: std::time::Duration = std::time::Duration::from_millis(1_500);
