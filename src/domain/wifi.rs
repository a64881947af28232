//! The guest Wi-Fi the party's screen offers: what a network's name and
//! password may be, and the `WIFI:` text of the QR code that phone cameras
//! read to join it (the ZXing format every phone understands).

use super::refusal::{Code, Refusal, Verdict};

/// An SSID is at most 32 bytes.
pub const MAX_NAME_BYTES: usize = 32;
/// A WPA passphrase is 8 to 63 characters.
pub const PASSWORD_CHARS: std::ops::RangeInclusive<usize> = 8..=63;

fn refuse(message: &str) -> Refusal {
    Refusal::new(Code::InvalidSetting, message)
}

/// A network's name as given (trimmed), or a refusal that says why not.
pub fn check_name(name: &str) -> Verdict<String> {
    let name = name.trim();
    if name.is_empty() || name.len() > MAX_NAME_BYTES {
        return Err(refuse(&format!(
            "wifi_name must be 1 to {MAX_NAME_BYTES} bytes (a Wi-Fi network's name)."
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(refuse("wifi_name cannot contain control characters."));
    }
    Ok(name.to_string())
}

/// A password as given (not trimmed: spaces can be part of it).
pub fn check_password(password: &str) -> Verdict<String> {
    if !PASSWORD_CHARS.contains(&password.chars().count()) {
        return Err(refuse(&format!(
            "wifi_password must be {} to {} characters (a WPA password), or null for an open network.",
            PASSWORD_CHARS.start(),
            PASSWORD_CHARS.end()
        )));
    }
    if password.chars().any(char::is_control) {
        return Err(refuse("wifi_password cannot contain control characters."));
    }
    Ok(password.to_string())
}

/// `\`, `;`, `,`, `:` and `"` are escaped with a backslash in a `WIFI:` field.
fn escape(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    for c in field.chars() {
        if matches!(c, '\\' | ';' | ',' | ':' | '"') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// What a phone's camera reads to join the network: WPA with a password,
/// open without one.
pub fn qr_text(name: &str, password: Option<&str>) -> String {
    match password {
        Some(p) => format!("WIFI:T:WPA;S:{};P:{};;", escape(name), escape(p)),
        None => format!("WIFI:T:nopass;S:{};;", escape(name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_wpa_network_and_an_open_one() {
        assert_eq!(
            qr_text("Party Wi-Fi", Some("letmein123")),
            "WIFI:T:WPA;S:Party Wi-Fi;P:letmein123;;"
        );
        assert_eq!(qr_text("Open Bar", None), "WIFI:T:nopass;S:Open Bar;;");
    }

    #[test]
    fn the_format_s_special_characters_are_escaped() {
        assert_eq!(
            qr_text(r#"My;Net:"x""#, Some(r"a\b,c;d:e")),
            r#"WIFI:T:WPA;S:My\;Net\:\"x\";P:a\\b\,c\;d\:e;;"#
        );
    }

    #[test]
    fn names_and_passwords_out_of_bounds_are_refused() {
        assert_eq!(check_name("  Home  ").unwrap(), "Home");
        assert!(check_name("   ").is_err());
        assert!(check_name(&"x".repeat(33)).is_err());
        // 32 bytes, not characters: 11 three-byte characters are 33.
        assert!(check_name(&"€".repeat(11)).is_err());
        assert!(check_name("bad\nname").is_err());
        assert!(check_password("short").is_err());
        assert!(check_password(&"p".repeat(64)).is_err());
        assert_eq!(check_password(" spaced out ").unwrap(), " spaced out ");
        assert!(check_password("tab\there!").is_err());
    }

    /// Reads a field back the way a phone does: a backslash takes the next
    /// character as it is; an unescaped `;` ends the field.
    fn read_field(text: &str) -> (String, &str) {
        let mut out = String::new();
        let mut chars = text.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => out.extend(chars.next().map(|(_, c)| c)),
                ';' => return (out, &text[i + 1..]),
                c => out.push(c),
            }
        }
        (out, "")
    }

    proptest! {
        #[test]
        fn any_name_and_password_read_back_as_they_were(name in "\\PC{1,20}", password in "\\PC{8,30}") {
            let text = qr_text(&name, Some(&password));
            let rest = text.strip_prefix("WIFI:T:WPA;S:").unwrap();
            let (read_name, rest) = read_field(rest);
            let rest = rest.strip_prefix("P:").unwrap();
            let (read_password, rest) = read_field(rest);
            prop_assert_eq!(read_name, name);
            prop_assert_eq!(read_password, password);
            prop_assert_eq!(rest, ";");
        }
    }
}
