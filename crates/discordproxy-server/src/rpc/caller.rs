//! The API key of the call being handled (`--api-keys-file`), for checks a handler makes once
//! it has read its request (`CallDiscordApi`'s route templates). The common call wrapper
//! ([`call`](super::call)) sets it around each handler.

use crate::api_keys::ApiKey;
use std::future::Future;

tokio::task_local! {
    static CALLER: Option<ApiKey>;
}

/// Runs `work` with `key` as the caller's key (`None`: no `--api-keys-file`).
pub(super) async fn scope<F: Future>(key: Option<ApiKey>, work: F) -> F::Output {
    CALLER.scope(key, work).await
}

/// Whether the caller may call `CallDiscordApi` for the route `template`: `true` without API
/// keys, else the key's allow-list decides ([`ApiKey::allows_route`]).
pub(super) fn allows_route(template: &str) -> bool {
    CALLER
        .try_with(|key| key.as_ref().is_none_or(|key| key.allows_route(template)))
        .unwrap_or(true)
}

/// The caller's key name, if the call carried a key.
pub(super) fn key_name() -> Option<String> {
    CALLER
        .try_with(|key| key.as_ref().map(|key| key.name().to_owned()))
        .ok()
        .flatten()
}
