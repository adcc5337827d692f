//! Discord's documented limits on user requests, checked by the RPCs before any request.
//! <https://discord.com/developers/docs/resources/user#get-current-user-guilds-query-string-params>

use crate::error::Result;

/// `limit` of Get Current User Guilds.
pub const GUILD_PAGE: std::ops::RangeInclusive<i32> = 1..=200;

/// Checks the `limit` of Get Current User Guilds (1–200; unset passes).
///
/// # Errors
/// [`Error::Discord`](crate::error::Error::Discord) 400/50035 naming `limit`.
pub fn check_guild_page(limit: Option<i32>) -> Result<()> {
    crate::discord::request::message::limits::check_limit(limit, GUILD_PAGE)
}
