//! Proof of presence: the TV shows a join code that changes every minute,
//! derived from the room's secret, so a link forwarded out of the party
//! stops working within minutes.

use hmac::{Hmac, Mac};
use sha2::Sha256;

// Unambiguous characters, as room codes use.
use super::room_code::ALPHABET;

/// How long one token is shown.
pub const PERIOD_SECS: i64 = 60;
/// Tokens from this many periods back still work: a QR code scanned as it
/// changes, or a slow join, still gets in.
pub const GRACE_PERIODS: i64 = 2;

const LEN: usize = 6;

/// The token for the period containing `unix_secs`.
pub fn at(secret: &str, unix_secs: i64) -> String {
    for_period(secret, unix_secs.div_euclid(PERIOD_SECS))
}

/// Seconds until the token shown at `unix_secs` changes.
pub fn expires_in(unix_secs: i64) -> i64 {
    PERIOD_SECS - unix_secs.rem_euclid(PERIOD_SECS)
}

/// Whether `token` (any case) is current at `unix_secs`, or recent enough.
pub fn is_valid(secret: &str, token: &str, unix_secs: i64) -> bool {
    let token = token.trim().to_ascii_uppercase();
    let period = unix_secs.div_euclid(PERIOD_SECS);
    (0..=GRACE_PERIODS)
        .any(|back| super::lockout::same_secret(&token, &for_period(secret, period - back)))
}

fn for_period(secret: &str, period: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(&period.to_be_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .take(LEN)
        .map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_works_for_its_minute_and_a_little_after_then_expires() {
        let t0 = 1_800_000_000;
        let token = at("secret", t0);
        assert_eq!(token.len(), LEN);
        assert!(is_valid("secret", &token, t0));
        assert!(is_valid("secret", &token.to_lowercase(), t0 + PERIOD_SECS));
        assert!(is_valid("secret", &token, t0 + GRACE_PERIODS * PERIOD_SECS));
        assert!(!is_valid(
            "secret",
            &token,
            t0 + (GRACE_PERIODS + 1) * PERIOD_SECS + PERIOD_SECS
        ));
        // Not valid before it was shown, nor for another room.
        assert!(!is_valid("secret", &token, t0 - 2 * PERIOD_SECS));
        assert!(!is_valid("other", &token, t0));
    }

    #[test]
    fn tokens_change_every_minute() {
        let t0 = 1_800_000_000;
        let tokens: std::collections::HashSet<_> = (0..50)
            .map(|i| at("secret", t0 + i * PERIOD_SECS))
            .collect();
        assert!(tokens.len() >= 48);
        assert!(expires_in(t0) > 0 && expires_in(t0) <= PERIOD_SECS);
    }
}
