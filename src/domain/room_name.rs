use super::refusal::{Code, Refusal, Verdict};
use crate::limits::MAX_ROOM_NAME_CHARS;

/// A room's name: trimmed; blank or missing becomes "<host>'s party".
pub fn parse(input: Option<&str>, host_name: &str) -> Verdict<String> {
    let trimmed = input.map(str::trim).unwrap_or_default();
    if trimmed.is_empty() {
        return Ok(format!("{host_name}'s party"));
    }
    if trimmed.chars().count() > MAX_ROOM_NAME_CHARS {
        return Err(Refusal::new(
            Code::RoomNameTooLong,
            format!("Room name is too long: at most {MAX_ROOM_NAME_CHARS} characters, please."),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Refusal::new(
            Code::RoomNameInvalid,
            "Room name cannot contain control characters.",
        ));
    }
    Ok(trimmed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_names_default_to_the_hosts_party() {
        assert_eq!(parse(None, "Anto").unwrap(), "Anto's party");
        assert_eq!(parse(Some("  "), "Anto").unwrap(), "Anto's party");
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(parse(Some(" Roof "), "x").unwrap(), "Roof");
        assert!(parse(Some(&"a".repeat(81)), "x").is_err());
        assert!(parse(Some(&"a".repeat(80)), "x").is_ok());
    }
}
