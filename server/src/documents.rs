//! `GET /documents/records/{id}` and `/documents/reports/{id}`: a released
//! record or final report as a PDF, for a signed-in person allowed to read
//! it (the rules and the audit are in `app::server::documents`).

use app::domain::document::DocumentKind;
use app::domain::role::Role;
use app::domain::subject_access::ExportFor;
use app::error::AppError;
use app::model::CurrentUser;
use app::server::{AppState, auth, documents, now_ms, subject_access};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::guard::error_response;

pub async fn record_pdf(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    answer(&state, DocumentKind::Record, &id, &headers).await
}

pub async fn report_pdf(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    answer(&state, DocumentKind::Report, &id, &headers).await
}

async fn answer(state: &AppState, kind: DocumentKind, id: &str, headers: &HeaderMap) -> Response {
    match make(state, kind, id, headers).await {
        Ok((name, bytes)) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/pdf"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                        .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
                ),
                // A family's record: never kept by a shared cache.
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            bytes,
        )
            .into_response(),
        Err(error) => error_response(&error),
    }
}

async fn make(
    state: &AppState,
    kind: DocumentKind,
    id: &str,
    headers: &HeaderMap,
) -> Result<(String, Vec<u8>), AppError> {
    let id: i64 = id
        .parse()
        .map_err(|_| AppError::not_found("That released document"))?;
    let reader = signed_in(state, headers).await?;
    documents::pdf(
        &state.db,
        kind,
        id,
        &reader,
        &verify_address(headers),
        now_ms(),
    )
    .await
}

/// Who is signed in on the request, with a password of their own.
async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<CurrentUser, AppError> {
    let token = auth::token_from_headers(headers).ok_or(AppError::NotSignedIn)?;
    let reader = auth::user_for_token(&state.db, &token, now_ms(), state.idle_ms)
        .await?
        .ok_or(AppError::NotSignedIn)?;
    if reader.must_change_password {
        return Err(AppError::PasswordChangeNeeded);
    }
    Ok(reader)
}

/// `GET /documents/subject-access/{who}[?format=json]`: what the centre
/// holds about one person, as a readable page or as JSON, for a
/// coordinator only; each export is in the audit trail.
pub async fn subject_access(
    State(state): State<AppState>,
    Path(who): Path<String>,
    Query(query): Query<std::collections::HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let json = query.get("format").map(String::as_str) == Some("json");
    let made = async {
        let reader = signed_in(&state, &headers).await?;
        if reader.role != Role::Coordinator {
            return Err(AppError::Forbidden);
        }
        let who = ExportFor::parse(&who)?;
        subject_access::export(
            &state.db,
            &state.centre,
            who,
            &reader,
            if json { "json" } else { "html" },
            now_ms(),
        )
        .await
        .map(|export| (who, export))
    };
    match made.await {
        Ok((who, export)) => {
            let (kind, body, extension) = if json {
                ("application/json", export.to_json(), "json")
            } else {
                ("text/html; charset=utf-8", export.to_html(), "html")
            };
            (
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
                    (
                        header::CONTENT_DISPOSITION,
                        HeaderValue::from_str(&format!(
                            "attachment; filename=\"subject-access-{}.{extension}\"",
                            who.path()
                        ))
                        .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
                    ),
                    (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
                ],
                body,
            )
                .into_response()
        }
        Err(error) => error_response(&error),
    }
}

/// The public checking page's address on the host the reader used.
fn verify_address(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .filter(|host| {
            host.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        });
    match host {
        Some(host) => format!("{host}/verify"),
        None => "this centre's /verify page".to_owned(),
    }
}
