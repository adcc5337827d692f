//! `GET /attachments/{channel_id}/{attachment_id}/{filename}`: the bytes of an uploaded file, at
//! the URL its attachment object carries (Discord serves them from
//! `https://cdn.discordapp.com/attachments/…`; the emulator from its own address, without
//! authorization, like Discord's CDN).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State as AxumState};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::state::State;

/// The stored bytes of an attachment, or 404 when the channel, id or file name do not match one.
pub(crate) async fn serve(
    AxumState(state): AxumState<Arc<State>>,
    Path((channel_id, attachment_id, filename)): Path<(String, String, String)>,
) -> Response {
    let file = {
        let store = state.store();
        channel_id
            .parse::<u64>()
            .ok()
            .zip(attachment_id.parse::<u64>().ok())
            .and_then(|(channel_id, id)| {
                store
                    .files
                    .get(&id)
                    .filter(|file| file.channel_id == channel_id && file.filename == filename)
                    .cloned()
            })
    };
    let Some(file) = file else {
        return (StatusCode::NOT_FOUND, "Not Found").into_response();
    };
    let content_type = file
        .content_type
        .as_deref()
        .and_then(|value| HeaderValue::from_str(value).ok())
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let mut response = Response::new(Body::from(file.data));
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, content_type);
    response
}
