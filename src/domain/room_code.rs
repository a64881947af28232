use rand::RngExt;

/// Upper-case letters and digits without the look-alikes 0/O and 1/I, so a
/// code read off a TV across the room is typed right the first time.
pub const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// Six characters from 32 give about a billion codes: collisions are rare and
/// the store retries on the few that happen.
pub const LENGTH: usize = 6;

pub fn generate(rng: &mut impl rand::Rng) -> String {
    (0..LENGTH)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// What a guest typed, as the code to look up: upper-cased, without the
/// spaces and dashes people type between groups (the TV spaces the letters).
/// Returns `None` for input that cannot be any room's code, so the caller can
/// answer 404 without a lookup.
pub fn normalize(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !(c.is_whitespace() || matches!(c, '-' | '‐' | '–' | '·' | '.' | '_')))
        .collect::<String>()
        .to_ascii_uppercase();
    let plausible =
        !code.is_empty() && code.len() <= 16 && code.bytes().all(|b| b.is_ascii_alphanumeric());
    plausible.then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn generated_codes_use_only_the_unambiguous_alphabet() {
        let mut rng: rand::rngs::StdRng = rand::make_rng();
        for _ in 0..1000 {
            let code = generate(&mut rng);
            assert_eq!(code.len(), LENGTH);
            assert!(code.bytes().all(|b| ALPHABET.contains(&b)), "{code}");
            for ambiguous in ['0', 'O', '1', 'I'] {
                assert!(!code.contains(ambiguous), "{code}");
            }
        }
    }

    #[test]
    fn normalize_accepts_any_case_and_surrounding_space() {
        assert_eq!(normalize(" abc234 ").as_deref(), Some("ABC234"));
        assert_eq!(normalize("UZ8293R").as_deref(), Some("UZ8293R"));
        assert_eq!(normalize("uz 82 93").as_deref(), Some("UZ8293"));
        assert_eq!(normalize("UZ-8293").as_deref(), Some("UZ8293"));
        assert_eq!(normalize(" U Z 8 2 9 3 ").as_deref(), Some("UZ8293"));
    }

    #[test]
    fn normalize_rejects_what_cannot_be_a_code() {
        for bad in ["", "   ", " - ", "AB/CD", "ÅÄÖ", &"A".repeat(17)] {
            assert_eq!(normalize(bad), None, "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn generated_codes_normalize_to_themselves(seed: u64) {
            use rand::SeedableRng;
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            let code = generate(&mut rng);
            prop_assert_eq!(normalize(&code.to_lowercase()), Some(code));
        }
    }
}
