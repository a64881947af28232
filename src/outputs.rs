//! Where the party's sound goes, as the host's page lists it: the box's
//! speaker, a Snapcast server, an MPD server. Each output reports here as
//! it comes and goes; `GET /box` shows them.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use serde::Serialize;
use utoipa::ToSchema;

/// The outputs, by kind; cheap to clone.
#[derive(Clone, Default)]
pub struct Outputs(Arc<RwLock<BTreeMap<&'static str, Output>>>);

/// One output and how it stands.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Output {
    /// `speaker`, `snapcast` or `mpd`.
    pub kind: &'static str,
    /// Which: the sound device, the Snapcast source, the MPD server.
    pub name: String,
    /// The box reaches it (a speaker that opened is connected).
    pub connected: bool,
    /// Sound is going to it now.
    pub playing: bool,
    /// Why it is not connected, while it is not.
    pub error: Option<String>,
}

impl Outputs {
    /// Says how `output` stands now.
    pub fn report(&self, output: Output) {
        self.0
            .write()
            .expect("not poisoned")
            .insert(output.kind, output);
    }

    /// Says whether `kind` is playing now (when it was reported before).
    pub fn playing(&self, kind: &'static str, playing: bool) {
        if let Some(output) = self.0.write().expect("not poisoned").get_mut(kind) {
            output.playing = playing;
        }
    }

    pub fn list(&self) -> Vec<Output> {
        self.0
            .read()
            .expect("not poisoned")
            .values()
            .cloned()
            .collect()
    }
}
