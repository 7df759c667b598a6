//! Checks on account input. Each returns the cleaned value or an
//! `AppError::Invalid` naming the field, with a sentence a person understands.

use crate::error::AppError;

/// Shortest password accepted. Long beats clever: a passphrase is fine.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password accepted, to bound hashing work.
pub const MAX_PASSWORD_CHARS: usize = 200;

/// Usernames are case-insensitive: stored lowercased, 3 to 40 characters of
/// letters, digits, dots, dashes and underscores.
pub fn username(raw: &str) -> Result<String, AppError> {
    let cleaned = raw.trim().to_lowercase();
    if cleaned.is_empty() {
        return Err(AppError::invalid("username", "Enter a username."));
    }
    if !(3..=40).contains(&cleaned.chars().count()) {
        return Err(AppError::invalid(
            "username",
            "A username is 3 to 40 characters long.",
        ));
    }
    if !cleaned
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        return Err(AppError::invalid(
            "username",
            "A username may hold only letters, digits, dots, dashes and underscores.",
        ));
    }
    Ok(cleaned)
}

/// A person's name as shown on screens and records.
pub fn display_name(raw: &str) -> Result<String, AppError> {
    let cleaned = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.is_empty() {
        return Err(AppError::invalid(
            "display_name",
            "Enter the person's name.",
        ));
    }
    if cleaned.chars().count() > 80 {
        return Err(AppError::invalid(
            "display_name",
            "A name is at most 80 characters long.",
        ));
    }
    Ok(cleaned)
}

/// Refuses text longer than `max` characters, saying the cap.
pub fn capped(field: &str, value: &str, max: usize) -> Result<(), AppError> {
    let count = value.chars().count();
    if count > max {
        return Err(AppError::invalid(
            field,
            format!("This is at most {max} characters long (this has {count})."),
        ));
    }
    Ok(())
}

/// Refuses a list longer than `max`, naming what it holds.
pub fn at_most(field: &str, count: usize, max: usize, what: &str) -> Result<(), AppError> {
    if count > max {
        return Err(AppError::invalid(
            field,
            format!("At most {max} {what} (this has {count})."),
        ));
    }
    Ok(())
}

/// A new password. Spaces are kept: they are part of a passphrase.
pub fn new_password(raw: &str) -> Result<String, AppError> {
    let count = raw.chars().count();
    if count < MIN_PASSWORD_CHARS {
        return Err(AppError::invalid(
            "password",
            format!("A password needs at least {MIN_PASSWORD_CHARS} characters."),
        ));
    }
    if count > MAX_PASSWORD_CHARS {
        return Err(AppError::invalid(
            "password",
            format!("A password is at most {MAX_PASSWORD_CHARS} characters long."),
        ));
    }
    if raw.trim().is_empty() {
        return Err(AppError::invalid(
            "password",
            "A password cannot be only spaces.",
        ));
    }
    Ok(raw.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_say_the_cap_and_the_length() {
        assert_eq!(capped("note", "abc", 3), Ok(()));
        let error = capped("note", "abcd", 3).unwrap_err();
        assert_eq!(error.field(), Some("note"));
        assert_eq!(
            error.to_string(),
            "This is at most 3 characters long (this has 4)."
        );
        assert_eq!(
            at_most("children", 13, 12, "children")
                .unwrap_err()
                .to_string(),
            "At most 12 children (this has 13)."
        );
    }

    fn field_of(result: Result<String, AppError>) -> String {
        result.unwrap_err().field().unwrap_or_default().to_owned()
    }

    #[test]
    fn usernames_are_trimmed_and_lowercased() {
        assert_eq!(username("  Worker.One ").unwrap(), "worker.one");
    }

    #[test]
    fn bad_usernames_name_the_field() {
        for bad in ["", "ab", "has space", "émile", &"x".repeat(41)] {
            assert_eq!(field_of(username(bad)), "username", "{bad:?}");
        }
    }

    #[test]
    fn names_collapse_whitespace_and_must_not_be_empty() {
        assert_eq!(display_name("  Sam   Okafor ").unwrap(), "Sam Okafor");
        assert_eq!(field_of(display_name("   ")), "display_name");
    }

    #[test]
    fn passwords_have_a_minimum_length() {
        assert_eq!(field_of(new_password("short")), "password");
        assert_eq!(field_of(new_password(&" ".repeat(12))), "password");
        assert!(new_password("correct horse battery").is_ok());
    }
}
