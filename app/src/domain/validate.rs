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

/// An email address for messages, or none (empty). A plain check: one `@`,
/// a dot in the domain, no spaces; the mail server says the rest.
pub fn email(raw: &str) -> Result<String, AppError> {
    let cleaned = raw.trim().to_owned();
    if cleaned.is_empty() {
        return Ok(cleaned);
    }
    let good = cleaned.chars().count() <= 254
        && !cleaned.chars().any(char::is_whitespace)
        && cleaned.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if good {
        Ok(cleaned)
    } else {
        Err(AppError::invalid(
            "email",
            "That does not look like an email address (for example name@example.org).",
        ))
    }
}

/// A phone number for text messages, or none (empty): 10 to 15 digits,
/// with spaces, dashes, brackets and a leading + allowed.
pub fn phone(raw: &str) -> Result<String, AppError> {
    let cleaned = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.is_empty() {
        return Ok(cleaned);
    }
    let digits = cleaned.chars().filter(char::is_ascii_digit).count();
    let allowed = cleaned.char_indices().all(|(i, c)| {
        c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')') || (c == '+' && i == 0)
    });
    if allowed && (10..=15).contains(&digits) {
        Ok(cleaned)
    } else {
        Err(AppError::invalid(
            "phone",
            "Give a mobile number of 10 to 15 digits (for example 07700 900123).",
        ))
    }
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
    fn contact_details_are_checked_and_may_be_left_empty() {
        assert_eq!(email(" jade@example.org ").unwrap(), "jade@example.org");
        assert_eq!(email("").unwrap(), "");
        for bad in [
            "jade",
            "jade@",
            "@example.org",
            "jade@example",
            "ja de@example.org",
            "a@b@c.org",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
        assert_eq!(phone("07700  900123").unwrap(), "07700 900123");
        assert_eq!(phone("+44 7700 900123").unwrap(), "+44 7700 900123");
        assert_eq!(phone("").unwrap(), "");
        for bad in ["12345", "07700 9001x3", "0770+0900123", "1234567890123456"] {
            assert!(phone(bad).is_err(), "{bad}");
        }
    }

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
