use rand::RngExt;

use super::refusal::{Code, Refusal, Verdict};
use crate::limits::MAX_DISPLAY_NAME_CHARS;

const ADJECTIVES: &[&str] = &[
    "Funky", "Groovy", "Jazzy", "Mellow", "Electric", "Dancing", "Cosmic", "Velvet", "Sunny",
    "Disco", "Rocking", "Smooth", "Bouncy", "Soulful", "Neon", "Golden",
];
const ANIMALS: &[&str] = &[
    "Otter", "Panda", "Llama", "Falcon", "Koala", "Tiger", "Dolphin", "Fox", "Penguin", "Owl",
    "Gecko", "Lynx", "Walrus", "Heron", "Badger", "Moose",
];

/// The name a guest is known by: trimmed; blank or missing gets a friendly
/// generated one ("Funky Otter 42"); more than 64 characters or control
/// characters are refused.
pub fn parse(input: Option<&str>, rng: &mut impl rand::Rng) -> Verdict<String> {
    let trimmed = input.map(str::trim).unwrap_or_default();
    if trimmed.is_empty() {
        return Ok(generate(rng));
    }
    if trimmed.chars().count() > MAX_DISPLAY_NAME_CHARS {
        return Err(Refusal::new(
            Code::NameTooLong,
            format!(
                "Display name is too long: at most {MAX_DISPLAY_NAME_CHARS} characters, please."
            ),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Refusal::new(
            Code::NameInvalid,
            "Display name cannot contain control characters.",
        ));
    }
    // The names the box itself signs with, in the queue and the log.
    let folded: String = trimmed
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    if RESERVED.contains(&folded.as_str()) {
        return Err(Refusal::new(
            Code::NameReserved,
            format!("“{trimmed}” is the box's own name in the queue and the log: pick another."),
        ));
    }
    Ok(trimmed.to_string())
}

/// Names the box uses for itself (letters and digits only, lower case).
const RESERVED: &[&str] = &["theroom", "autodj", "democratictunes", "thebox"];

pub fn generate(rng: &mut impl rand::Rng) -> String {
    let adjective = ADJECTIVES[rng.random_range(0..ADJECTIVES.len())];
    let animal = ANIMALS[rng.random_range(0..ANIMALS.len())];
    let number: u8 = rng.random_range(10..100);
    format!("{adjective} {animal} {number}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nobody_signs_as_the_box() {
        for name in [
            "Auto-DJ",
            "auto dj",
            "The Room",
            "THE ROOM!",
            "Democratic Tunes",
        ] {
            assert!(parse(Some(name), &mut rng()).is_err(), "{name}");
        }
        assert_eq!(parse(Some("Roomie"), &mut rng()).unwrap(), "Roomie");
    }

    fn rng() -> rand::rngs::StdRng {
        rand::make_rng()
    }

    #[test]
    fn trims_names() {
        assert_eq!(parse(Some("  Anto \n"), &mut rng()).unwrap(), "Anto");
    }

    #[test]
    fn blank_or_missing_gets_a_generated_name() {
        for input in [None, Some(""), Some("   \t")] {
            let name = parse(input, &mut rng()).unwrap();
            let words: Vec<_> = name.split(' ').collect();
            assert_eq!(words.len(), 3, "{name}");
            assert!(ADJECTIVES.contains(&words[0]));
            assert!(ANIMALS.contains(&words[1]));
            assert!(words[2].parse::<u8>().is_ok());
        }
    }

    #[test]
    fn sixty_four_characters_is_the_limit() {
        let ok = "é".repeat(64);
        assert_eq!(parse(Some(&ok), &mut rng()).unwrap(), ok);
        let too_long = "é".repeat(65);
        assert!(matches!(
            parse(Some(&too_long), &mut rng()),
            Err(r) if r.code == Code::NameTooLong
        ));
    }

    #[test]
    fn control_characters_are_refused() {
        assert!(parse(Some("Bea\u{7}"), &mut rng()).is_err());
    }
}
