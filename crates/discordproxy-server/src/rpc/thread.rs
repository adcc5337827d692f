//! RPCs of Discord's threads (endpoints of the channel resource; List Active Guild Threads is
//! in the guild resource).
//! <https://discord.com/developers/docs/topics/threads>

pub(super) mod add_thread_member;
mod archived_listing;
pub(super) mod get_thread_member;
pub(super) mod join_thread;
pub(super) mod leave_thread;
pub(super) mod list_active_guild_threads;
pub(super) mod list_joined_private_archived_threads;
pub(super) mod list_private_archived_threads;
pub(super) mod list_public_archived_threads;
pub(super) mod list_thread_members;
pub(super) mod remove_thread_member;
pub(super) mod start_thread_from_message;
pub(super) mod start_thread_in_forum_or_media_channel;
pub(super) mod start_thread_without_message;
