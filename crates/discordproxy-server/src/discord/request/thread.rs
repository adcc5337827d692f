//! Endpoints of Discord's threads (in Discord's channel resource, and List Active Guild
//! Threads in the guild resource).
//! <https://discord.com/developers/docs/topics/threads>

pub mod limits;
mod list_active_guild_threads;
pub mod list_archived_threads;
mod start_thread;
mod start_thread_from_message;
mod thread_members;
