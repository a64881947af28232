//! Refusals: what a guest asked cannot be done, and why. Rules return
//! them; `error` turns each into its HTTP answer (the code decides the
//! status).

/// Why the box said no, stable across versions and languages: the page
/// shows each code in the guest's language, and `detail` (English) says the
/// same for every other client. The code decides the status.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    serde::Serialize,
    strum::IntoStaticStr,
    strum::EnumIter,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Code {
    // 401: who are you?
    NotSignedIn,
    InvalidIdentity,
    UnknownIdentity,
    IdentityExpired,
    LoggedOut,
    TicketInvalid,
    // 403: known, but not allowed.
    CrossSite,
    Banned,
    RoomClosed,
    RoomFull,
    NeedsPin,
    WrongPin,
    NeedsScreenCode,
    NotAMember,
    HostOnly,
    ModeratorsOnly,
    NotThePlayer,
    ScreenCannotVote,
    ExplicitOff,
    DownvotesOff,
    NotYourSong,
    NotInYourParty,
    NotInPlaylists,
    GuestAddsOff,
    // 404
    NotFound,
    RoomNotFound,
    TrackNotFound,
    NotInQueue,
    AlreadyRemoved,
    MemberNotFound,
    BanNotFound,
    PlaylistNotFound,
    NoAudio,
    NoLyrics,
    FileGone,
    // 405, 413, 415, 416
    MethodNotAllowed,
    OutOfRange,
    TooLarge,
    UnsupportedMediaType,
    // 409: valid, but not now.
    TooManyRooms,
    NoMusicFolders,
    NoMpdServer,
    Unplayable,
    PlayedRecently,
    QueueFull,
    GuestLimit,
    LeftQueue,
    JustJoined,
    NothingPlaying,
    SongPlaying,
    SongPlayed,
    SongEnded,
    HostStaysHost,
    NotYourself,
    TooManySharedNetworks,
    // 422: input that fails validation.
    Invalid,
    InvalidBody,
    SearchEmpty,
    SearchTooLong,
    NameTooLong,
    NameInvalid,
    NameReserved,
    RoomNameTooLong,
    RoomNameInvalid,
    InvalidVote,
    InvalidReaction,
    InvalidRole,
    InvalidReason,
    InvalidNetwork,
    InvalidSetting,
    InvalidPlaylist,
    SeekOutOfRange,
    // 429
    TooManyRequests,
    LockedOut,
    ReactingTooFast,
    // 503, 500
    Unavailable,
    MpdUnreachable,
    Internal,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A refusal: the code, an English sentence for a person, and the numbers
/// the sentence holds, by name ("3 tries left"), for a translated text.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub code: Code,
    pub detail: String,
    pub params: serde_json::Map<String, serde_json::Value>,
}

impl Refusal {
    pub fn new(code: Code, detail: impl Into<String>) -> Self {
        Refusal {
            code,
            detail: detail.into(),
            params: serde_json::Map::new(),
        }
    }

    /// Adds a number the page needs to say the same in another language.
    pub fn with(mut self, name: &str, value: impl Into<serde_json::Value>) -> Self {
        self.params.insert(name.to_string(), value.into());
        self
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.detail)
    }
}

/// What a rule answers: `Ok`, or why not.
pub type Verdict<T = ()> = std::result::Result<T, Refusal>;
