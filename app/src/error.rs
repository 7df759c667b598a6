//! The one error type that crosses the wire between server functions and the
//! browser. Every server function returns `Result<_, AppError>`; the server maps
//! each variant to an HTTP status in one place (`AppError::status`), and the page
//! shows `Display`, which is always a sentence a person can act on.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    /// No valid session cookie came with the request.
    #[error("Please sign in to continue.")]
    NotSignedIn,
    /// The username and password did not match an account. One message for
    /// an unknown username and a wrong password, so neither gives anything away.
    #[error("That username and password do not match. Check them and try again.")]
    SignInFailed,
    /// Signed in, but the role or the case links do not allow this.
    #[error("You do not have permission to do that.")]
    Forbidden,
    /// The password is a temporary one someone else set: the person must
    /// choose their own before anything else.
    #[error("Your password was set for you. Choose a password of your own to go on.")]
    PasswordChangeNeeded,
    /// The thing asked for does not exist, or the caller may not know it exists.
    #[error("{what} was not found.")]
    NotFound { what: String },
    /// One field of the input is wrong; `field` names it so a form can point at it.
    #[error("{message}")]
    Invalid { field: String, message: String },
    /// The request could not be read at all (malformed body, missing argument).
    #[error("The request could not be read: {message}")]
    BadRequest { message: String },
    /// The request clashes with what is already stored.
    #[error("{message}")]
    Conflict { message: String },
    /// The request's body is larger than the server accepts.
    #[error("{message}")]
    TooLarge { message: String },
    /// Too many failed attempts; try again after this many seconds.
    #[error("Too many attempts. Please wait {retry_after_secs} seconds and try again.")]
    RateLimited { retry_after_secs: u64 },
    /// The server is busy with other password checks; try again shortly.
    #[error("The server is busy. Please wait {retry_after_secs} seconds and try again.")]
    Busy { retry_after_secs: u64 },
    /// Something failed on the server. The detail is in the server log under
    /// `reference`; the person sees only the apology and the reference.
    #[error(
        "Sorry, something went wrong on our side. Please try again; if it keeps happening, quote reference {reference}."
    )]
    Internal { reference: String },
    /// The browser could not reach the server (offline, server down).
    #[error("Could not reach the server. Check the connection and try again.")]
    Unreachable,
    /// The phone's own storage (IndexedDB) failed. Never sent by the server.
    #[error("{message}")]
    Phone { message: String },
}

impl AppError {
    /// The HTTP status each error travels with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotSignedIn | AppError::SignInFailed => 401,
            AppError::Forbidden | AppError::PasswordChangeNeeded => 403,
            AppError::NotFound { .. } => 404,
            AppError::Invalid { .. } => 422,
            AppError::BadRequest { .. } => 400,
            AppError::Conflict { .. } => 409,
            AppError::TooLarge { .. } => 413,
            AppError::RateLimited { .. } => 429,
            AppError::Internal { .. } => 500,
            AppError::Unreachable | AppError::Busy { .. } => 503,
            AppError::Phone { .. } => 500,
        }
    }

    /// Shorthand for an invalid field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    pub fn not_found(what: &str) -> Self {
        AppError::NotFound {
            what: what.to_owned(),
        }
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        AppError::Conflict {
            message: message.into(),
        }
    }

    /// The phone's storage failed; `message` says how.
    pub fn phone(message: String) -> Self {
        AppError::Phone { message }
    }

    /// The field this error is about, if it is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::MissingArg(message) => {
                AppError::BadRequest { message }
            }
            // On the server, a body that cannot be decoded is the caller's mistake;
            // in the browser it would mean the server's answer was garbled.
            ServerFnErrorErr::Deserialization(message) if crate::platform::ON_SERVER => {
                AppError::BadRequest { message }
            }
            ServerFnErrorErr::Request(_) => AppError::Unreachable,
            other => AppError::Internal {
                reference: format!("framework: {other}"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_travels_as_json_and_back_unchanged() {
        let all = [
            AppError::NotSignedIn,
            AppError::SignInFailed,
            AppError::Forbidden,
            AppError::not_found("Account"),
            AppError::invalid("username", "Username is required."),
            AppError::BadRequest {
                message: "missing field".into(),
            },
            AppError::conflict("That username is taken."),
            AppError::RateLimited {
                retry_after_secs: 42,
            },
            AppError::Internal {
                reference: "ab12".into(),
            },
            AppError::Unreachable,
        ];
        for error in all {
            let bytes = error.ser();
            assert_eq!(AppError::de(bytes), error);
        }
    }

    #[test]
    fn statuses_match_the_meaning() {
        assert_eq!(AppError::NotSignedIn.status(), 401);
        assert_eq!(AppError::Forbidden.status(), 403);
        assert_eq!(AppError::invalid("x", "y").status(), 422);
        assert_eq!(
            AppError::RateLimited {
                retry_after_secs: 1
            }
            .status(),
            429
        );
    }

    #[test]
    fn internal_errors_show_only_an_apology_and_reference() {
        let text = AppError::Internal {
            reference: "7f3a".into(),
        }
        .to_string();
        assert!(text.contains("7f3a"));
        assert!(text.starts_with("Sorry"));
    }

    #[test]
    fn malformed_arguments_become_a_bad_request() {
        let error = AppError::from_server_fn_error(ServerFnErrorErr::Args("bad".into()));
        assert_eq!(error.status(), 400);
    }
}
