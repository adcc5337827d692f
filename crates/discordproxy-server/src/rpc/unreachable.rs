//! The negative cache around Discord requests: answer at once with Discord's recent "cannot
//! reach this target" answer, and remember new ones (`--negative-cache-ttl`).

use crate::{
    app::AppState,
    discord::negative_cache::Target,
    error::{Error, Result},
};

/// Answers at once with Discord's recent "cannot reach" answer for `target`, if remembered.
///
/// # Errors
/// The remembered [`Error::Discord`].
pub(super) fn check_unreachable(state: &AppState, target: Target) -> Result<()> {
    match state.negative.get(target) {
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
    state: &AppState,
    target: Target,
    result: Result<T>,
) -> Result<T> {
    if let Err(Error::Discord(error)) = &result {
        state.negative.remember(target, error);
    }
    result
}
