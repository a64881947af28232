//! The pure rules that read what guests type: room codes, names, song keys,
//! join codes, settings patches, vote values, searches with typos. None may
//! panic, and each must keep its promise (a normalised code normalises to
//! itself; a text is always a perfect match for itself).
#![no_main]

use democratic_tunes::domain::settings::{Settings, SettingsPatch};
use democratic_tunes::domain::{fuzzy, guest_name, join_token, room_code, song, vote};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(code) = room_code::normalize(text) {
        assert_eq!(room_code::normalize(&code).as_deref(), Some(code.as_str()));
    }
    if let Ok(name) = guest_name::parse(Some(text), &mut rand::rng()) {
        assert_eq!(name.trim(), name);
        assert!(!name.is_empty());
    }
    let key = song::key(text, text);
    assert_eq!(song::key(text, text), key, "keys are deterministic");
    let _ = song::artist_key(text);
    let _ = join_token::is_valid("secret", text, 1_800_000_000);
    if let Ok(patch) = serde_json::from_str::<SettingsPatch>(text) {
        let _ = Settings::default().apply(patch);
    }
    let _ = Settings::from_stored(text);
    let _ = fuzzy::trigram_expression(text);
    if let Some((score, _)) = fuzzy::close_match(text, text, "") {
        assert_eq!(score, 1.0, "a text matches itself");
    }
    let _ = fuzzy::close_match(text, "Halo", "Beyoncé");
    if let Ok(n) = text.trim().parse::<i64>() {
        let _ = vote::Vote::parse(n);
    }
});
