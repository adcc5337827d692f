//! The negative cache around Discord requests: answer at once with Discord's recent "cannot
//! reach this target" answer, and remember new ones (`--negative-cache-ttl`).

use crate::{
    discord::negative_cache::Target,
    error::{Error, Result},
    state::ProxyState,
};
use std::future::Future;

/// The negative cache around one Discord request about `target`: answers at once with
/// Discord's recent "cannot reach" answer if remembered ([`check_unreachable`]), else awaits
/// `request` and remembers a qualifying error it gets ([`remember_unreachable`]).
///
/// # Errors
/// The remembered [`Error::Discord`], or the request's error.
pub(super) async fn guarded<T>(
    state: &ProxyState,
    target: Target,
    request: impl Future<Output = Result<T>>,
) -> Result<T> {
    check_unreachable(state, target).await?;
    remember_unreachable(state, target, request.await)
}

/// Answers at once with Discord's recent "cannot reach" answer for `target`, if remembered.
///
/// # Errors
/// The remembered [`Error::Discord`].
pub(super) async fn check_unreachable(state: &ProxyState, target: Target) -> Result<()> {
    match state.negative.get(target).await {
        Some(error) => {
            state.metrics.negative_cache_hits.inc();
            tracing::debug!(
                ?target,
                code = error.code,
                "answered from the negative cache"
            );
            Err(Error::Discord(error))
        }
        None => Ok(()),
    }
}

/// Passes `result` through, remembering a qualifying Discord error about `target`.
pub(super) fn remember_unreachable<T>(
    state: &ProxyState,
    target: Target,
    result: Result<T>,
) -> Result<T> {
    if let Err(Error::Discord(error)) = &result {
        state.negative.remember(target, error);
    }
    result
}
