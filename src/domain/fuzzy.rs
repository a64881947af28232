//! Search that forgives typos: "beyounce" finds Beyoncé, "taylor swfit"
//! Taylor Swift. SQLite's trigram index finds candidates that share pieces
//! of the words typed; this ranks them by edit distance (`strsim`) word by
//! word, and says what the guest probably meant.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// How alike a typed word and a catalog word must be (0..1, normalized
/// Damerau-Levenshtein) to count as the same word misspelt.
const CLOSE_ENOUGH: f64 = 0.75;

/// Lower case without accents: "Beyoncé" and "beyonce" fold alike.
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
}

/// The words of a text, as typed (for showing) and folded (for comparing).
fn words(text: &str) -> Vec<(&str, String)> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| (w, fold(w)))
        .collect()
}

/// The FTS5 expression that finds candidates for a query: any trigram of
/// any word of three letters or more. `None` when no word is that long.
pub fn trigram_expression(query: &str) -> Option<String> {
    let mut grams: Vec<String> = Vec::new();
    for (_, word) in words(query) {
        let chars: Vec<char> = word.chars().collect();
        for gram in chars.windows(3) {
            let gram: String = gram.iter().collect();
            if !grams.contains(&gram) {
                grams.push(gram);
            }
        }
    }
    (!grams.is_empty()).then(|| {
        let quoted: Vec<String> = grams.iter().map(|g| format!("\"{g}\"")).collect();
        format!("{{title artist}} : ({})", quoted.join(" OR "))
    })
}

/// How a candidate (its title and artist) answers a query: its score (the
/// mean closeness of each typed word to its best match, 0..1) and what the
/// guest probably meant (each typed word replaced by the catalog word it
/// matched, as the catalog spells it). `None` when some typed word matches
/// nothing closely enough.
pub fn close_match(query: &str, title: &str, artist: &str) -> Option<(f64, String)> {
    let typed = words(query);
    if typed.is_empty() {
        return None;
    }
    let mut known = words(artist);
    known.extend(words(title));
    let mut total = 0.0;
    let mut meant = Vec::with_capacity(typed.len());
    for (_, word) in &typed {
        let (best, shown) = known
            .iter()
            .map(|(shown, folded)| (closeness(word, folded), *shown))
            .max_by(|a, b| a.0.total_cmp(&b.0))?;
        if best < CLOSE_ENOUGH {
            return None;
        }
        total += best;
        meant.push(shown);
    }
    Some((total / typed.len() as f64, meant.join(" ")))
}

/// 1 for the same word; a typed word that starts a catalog word ("swi" of
/// "swift") is as good as the same.
fn closeness(typed: &str, known: &str) -> f64 {
    if known.starts_with(typed) {
        return 1.0;
    }
    // Numbers are not misspelt: "4242" is not close to "4243", nor "1999"
    // to "1989".
    if typed.chars().all(|c| c.is_ascii_digit()) {
        return 0.0;
    }
    // Compare with the catalog word cut to the typed length (plus a letter
    // or two for a missing one), so a typo in a word's start still counts.
    let room = typed.chars().count() + 2;
    let cut: String = known.chars().take(room).collect();
    strsim::normalized_damerau_levenshtein(typed, &cut)
        .max(strsim::normalized_damerau_levenshtein(typed, known))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folds_case_and_accents() {
        assert_eq!(fold("Beyoncé"), "beyonce");
        assert_eq!(fold("SIGUR RÓS"), "sigur ros");
    }

    #[test]
    fn common_typos_find_the_artist() {
        for (typed, artist, meant) in [
            ("beyounce", "Beyoncé", "Beyoncé"),
            ("rihana", "Rihanna", "Rihanna"),
            ("taylor swfit", "Taylor Swift", "Taylor Swift"),
            ("metalica", "Metallica", "Metallica"),
            ("bad buny", "Bad Bunny", "Bad Bunny"),
        ] {
            let (score, said) = close_match(typed, "Some Song", artist).expect(typed);
            assert!(score > 0.7, "{typed}: {score}");
            assert_eq!(said, meant);
        }
    }

    #[test]
    fn unrelated_words_are_not_close() {
        assert_eq!(close_match("beyounce", "Yellow", "Coldplay"), None);
        assert_eq!(close_match("zzz", "Halo", "Beyoncé"), None);
        // A number is what it is.
        assert_eq!(close_match("song 4242", "Song 4243", "Band"), None);
        assert!(close_match("song 424", "Song 4243", "Band").is_some());
        // Two letters of five wrong is another word.
        assert_eq!(
            close_match("gimme", "The Harder They Come", "Jimmy Cliff"),
            None
        );
        // Every word typed must match something.
        assert_eq!(close_match("rihana zebra", "Umbrella", "Rihanna"), None);
    }

    #[test]
    fn trigrams_are_quoted_and_deduplicated() {
        assert_eq!(
            trigram_expression("Abab ab").as_deref(),
            Some("{title artist} : (\"aba\" OR \"bab\")")
        );
        assert_eq!(trigram_expression("a b \" *"), None);
    }

    proptest! {
        /// A word always matches itself perfectly, in any case.
        #[test]
        fn a_word_matches_itself(word in "[a-zA-Z]{1,12}") {
            let (score, said) = close_match(&word, "", &word).unwrap();
            prop_assert_eq!(score, 1.0);
            prop_assert_eq!(said, word);
        }

        /// Whatever is typed, the expression holds only quoted trigrams.
        #[test]
        fn expressions_hold_only_quoted_grams(query in ".{0,40}") {
            if let Some(e) = trigram_expression(&query) {
                let inner = e.trim_start_matches("{title artist} : (").trim_end_matches(')');
                for gram in inner.split(" OR ") {
                    prop_assert!(gram.starts_with('"') && gram.ends_with('"'));
                    prop_assert!(!gram[1..gram.len() - 1].contains('"'));
                }
            }
        }
    }
}
