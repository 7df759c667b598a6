//! The access table (`app::domain::access::RULES`) enforced in front of
//! every server function, before its request is even decoded: an endpoint
//! with no row is "not found" whoever calls; a caller the row does not admit
//! gets 401 or 403 at once. The caller it found goes on with the request
//! (`auth::CheckedCaller`), so each function's `require` checks the same row
//! again without a second lookup, and then makes its own object check.

use app::domain::access::{self, Who};
use app::error::AppError;
use app::server::{AppState, auth, now_ms};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::guard::error_response;

pub async fn access_guard(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(endpoint) = request.uri().path().strip_prefix("/api/") else {
        return next.run(request).await;
    };
    let Some(rule) = access::rule_for(endpoint) else {
        return error_response(&AppError::not_found("That function"));
    };
    if rule.who == Who::Anyone {
        return next.run(request).await;
    }
    let caller = match auth::token_from_headers(request.headers()) {
        None => None,
        Some(token) => match auth::user_for_token(&state.db, &token, now_ms(), state.idle_ms).await
        {
            Ok(user) => user,
            Err(error) => return error_response(&error),
        },
    };
    match access::admit(rule, caller.as_ref().map(|user| user.as_caller())) {
        Ok(()) => {
            // The function's own `require` reads the caller from here.
            request.extensions_mut().insert(auth::CheckedCaller(caller));
            next.run(request).await
        }
        Err(refusal) => error_response(&refusal),
    }
}
