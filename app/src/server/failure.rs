use crate::error::AppError;

/// Logs an unexpected failure with a short reference and returns the error the
/// person sees: an apology and that reference, never the detail.
pub fn internal(detail: impl std::fmt::Display) -> AppError {
    let reference = super::auth::random_hex(4);
    tracing::error!(%reference, "internal error: {detail}");
    AppError::Internal { reference }
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        if let Some(db_error) = error.as_database_error() {
            if db_error.is_unique_violation() {
                return AppError::conflict("That already exists.");
            }
            if db_error.is_foreign_key_violation() {
                return AppError::conflict("That refers to something that does not exist.");
            }
        }
        internal(error)
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(error: tokio::task::JoinError) -> Self {
        internal(error)
    }
}
