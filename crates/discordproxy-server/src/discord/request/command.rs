//! Endpoints of Discord's application commands, and Get Current Application (the
//! application id).
//! <https://discord.com/developers/docs/interactions/application-commands>

mod bulk_overwrite_global_application_commands;
mod bulk_overwrite_guild_application_commands;
mod create_global_application_command;
mod create_guild_application_command;
mod delete_global_application_command;
mod delete_guild_application_command;
mod edit_global_application_command;
mod edit_guild_application_command;
mod get_current_application;
mod get_global_application_command;
mod get_global_application_commands;
mod get_guild_application_command;
mod get_guild_application_commands;
pub mod limits;
