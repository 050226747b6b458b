//! An [`ApiError`] as an HTTP response: the Status object with its code.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::errors::ApiError;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = StatusCode::from_u16(self.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = self.to_status().to_string();
        let mut resp = (code, [(header::CONTENT_TYPE, "application/json")], body).into_response();
        if self.code == 503 || self.code == 429 {
            // As kube-apiserver does when it sheds load: come back in a second.
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        resp
    }
}
