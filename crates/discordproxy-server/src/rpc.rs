//! The `discord_api.DiscordApi` gRPC service: the one table of RPCs below generates the tonic
//! `DiscordApi` impl; every unary RPC runs through the common call wrapper ([`call`]:
//! `--max-pending`, deadline, start-up gate, error → status, metrics, logging) inside a tracing
//! span `rpc{rpc=<Name>}`.
//!
//! Each RPC has its handler in `rpc/<resource>/<verb_noun>.rs` (Discord's resource of the
//! endpoint it calls), exposing `handle(state, request, deadline)` (unary) or
//! `open(state, request, metadata)` answering a `tonic::Response<ResponseStream>` (server
//! streaming).
//!
//! A new RPC: its proto entry, its handler file (plus one `mod` line in its resource module),
//! and one line in the table.

mod any;
mod ban;
mod call;
mod caller;
mod channel;
mod command;
mod fields;
mod gateway;
mod guild;
mod interaction;
mod member;
mod message;
mod pin;
mod reaction;
mod role;
mod table;
mod thread;
mod unreachable;
mod user;
mod webhook;

use crate::state::ProxyState;
use std::sync::Arc;

/// Implementation of `discord_api.DiscordApi`.
#[derive(Debug, Clone)]
pub struct DiscordApiService {
    state: Arc<ProxyState>,
}

impl DiscordApiService {
    /// A service answering with `state`.
    pub fn new(state: Arc<ProxyState>) -> Self {
        Self { state }
    }
}

/// Whether a call waits for the start-up token check before its handler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gate {
    /// Wait for the check; `UNAVAILABLE` when it failed.
    Ready,
    /// Run at once (calls that report the server's own state).
    Open,
}

table::rpc_table! {
    unary {
        // trait method: "RpcName", Request => Response, handler module, gate;
        send_channel_message: "SendChannelMessage", SendChannelMessageRequest => SendChannelMessageResponse, message::send_channel_message, Ready;
        send_direct_message: "SendDirectMessage", SendDirectMessageRequest => SendDirectMessageResponse, message::send_direct_message, Ready;
        get_guild_channels: "GetGuildChannels", GetGuildChannelsRequest => GetGuildChannelsResponse, guild::get_guild_channels, Ready;
        get_gateway_status: "GetGatewayStatus", GetGatewayStatusRequest => GetGatewayStatusResponse, gateway::get_gateway_status, Open;
        edit_channel_message: "EditChannelMessage", EditChannelMessageRequest => EditChannelMessageResponse, message::edit_channel_message, Ready;
        delete_channel_message: "DeleteChannelMessage", DeleteChannelMessageRequest => DeleteChannelMessageResponse, message::delete_channel_message, Ready;
        get_channel_message: "GetChannelMessage", GetChannelMessageRequest => GetChannelMessageResponse, message::get_channel_message, Ready;
        get_channel_messages: "GetChannelMessages", GetChannelMessagesRequest => GetChannelMessagesResponse, message::get_channel_messages, Ready;
        crosspost_message: "CrosspostMessage", CrosspostMessageRequest => CrosspostMessageResponse, message::crosspost_message, Ready;
        bulk_delete_messages: "BulkDeleteMessages", BulkDeleteMessagesRequest => BulkDeleteMessagesResponse, message::bulk_delete_messages, Ready;
        create_reaction: "CreateReaction", CreateReactionRequest => CreateReactionResponse, reaction::create_reaction, Ready;
        delete_own_reaction: "DeleteOwnReaction", DeleteOwnReactionRequest => DeleteOwnReactionResponse, reaction::delete_own_reaction, Ready;
        delete_user_reaction: "DeleteUserReaction", DeleteUserReactionRequest => DeleteUserReactionResponse, reaction::delete_user_reaction, Ready;
        get_reactions: "GetReactions", GetReactionsRequest => GetReactionsResponse, reaction::get_reactions, Ready;
        delete_all_reactions: "DeleteAllReactions", DeleteAllReactionsRequest => DeleteAllReactionsResponse, reaction::delete_all_reactions, Ready;
        delete_all_reactions_for_emoji: "DeleteAllReactionsForEmoji", DeleteAllReactionsForEmojiRequest => DeleteAllReactionsForEmojiResponse, reaction::delete_all_reactions_for_emoji, Ready;
        get_channel_pins: "GetChannelPins", GetChannelPinsRequest => GetChannelPinsResponse, pin::get_channel_pins, Ready;
        pin_message: "PinMessage", PinMessageRequest => PinMessageResponse, pin::pin_message, Ready;
        unpin_message: "UnpinMessage", UnpinMessageRequest => UnpinMessageResponse, pin::unpin_message, Ready;
        call_discord_api: "CallDiscordApi", CallDiscordApiRequest => CallDiscordApiResponse, any::call_discord_api, Ready;
        get_channel: "GetChannel", GetChannelRequest => GetChannelResponse, channel::get_channel, Ready;
        modify_channel: "ModifyChannel", ModifyChannelRequest => ModifyChannelResponse, channel::modify_channel, Ready;
        delete_channel: "DeleteChannel", DeleteChannelRequest => DeleteChannelResponse, channel::delete_channel, Ready;
        create_guild_channel: "CreateGuildChannel", CreateGuildChannelRequest => CreateGuildChannelResponse, guild::create_guild_channel, Ready;
        edit_channel_permissions: "EditChannelPermissions", EditChannelPermissionsRequest => EditChannelPermissionsResponse, channel::edit_channel_permissions, Ready;
        delete_channel_permission: "DeleteChannelPermission", DeleteChannelPermissionRequest => DeleteChannelPermissionResponse, channel::delete_channel_permission, Ready;
        trigger_typing_indicator: "TriggerTypingIndicator", TriggerTypingIndicatorRequest => TriggerTypingIndicatorResponse, channel::trigger_typing_indicator, Ready;
        start_thread_from_message: "StartThreadFromMessage", StartThreadFromMessageRequest => StartThreadFromMessageResponse, thread::start_thread_from_message, Ready;
        start_thread_without_message: "StartThreadWithoutMessage", StartThreadWithoutMessageRequest => StartThreadWithoutMessageResponse, thread::start_thread_without_message, Ready;
        start_thread_in_forum_or_media_channel: "StartThreadInForumOrMediaChannel", StartThreadInForumOrMediaChannelRequest => StartThreadInForumOrMediaChannelResponse, thread::start_thread_in_forum_or_media_channel, Ready;
        join_thread: "JoinThread", JoinThreadRequest => JoinThreadResponse, thread::join_thread, Ready;
        leave_thread: "LeaveThread", LeaveThreadRequest => LeaveThreadResponse, thread::leave_thread, Ready;
        add_thread_member: "AddThreadMember", AddThreadMemberRequest => AddThreadMemberResponse, thread::add_thread_member, Ready;
        remove_thread_member: "RemoveThreadMember", RemoveThreadMemberRequest => RemoveThreadMemberResponse, thread::remove_thread_member, Ready;
        get_thread_member: "GetThreadMember", GetThreadMemberRequest => GetThreadMemberResponse, thread::get_thread_member, Ready;
        list_thread_members: "ListThreadMembers", ListThreadMembersRequest => ListThreadMembersResponse, thread::list_thread_members, Ready;
        list_active_guild_threads: "ListActiveGuildThreads", ListActiveGuildThreadsRequest => ListActiveGuildThreadsResponse, thread::list_active_guild_threads, Ready;
        list_public_archived_threads: "ListPublicArchivedThreads", ListPublicArchivedThreadsRequest => ListPublicArchivedThreadsResponse, thread::list_public_archived_threads, Ready;
        list_private_archived_threads: "ListPrivateArchivedThreads", ListPrivateArchivedThreadsRequest => ListPrivateArchivedThreadsResponse, thread::list_private_archived_threads, Ready;
        list_joined_private_archived_threads: "ListJoinedPrivateArchivedThreads", ListJoinedPrivateArchivedThreadsRequest => ListJoinedPrivateArchivedThreadsResponse, thread::list_joined_private_archived_threads, Ready;
        // Guild and roles, members (issue 13).
        get_guild: "GetGuild", GetGuildRequest => GetGuildResponse, guild::get_guild, Ready;
        get_guild_roles: "GetGuildRoles", GetGuildRolesRequest => GetGuildRolesResponse, role::get_guild_roles, Ready;
        get_guild_role: "GetGuildRole", GetGuildRoleRequest => GetGuildRoleResponse, role::get_guild_role, Ready;
        create_guild_role: "CreateGuildRole", CreateGuildRoleRequest => CreateGuildRoleResponse, role::create_guild_role, Ready;
        modify_guild_role: "ModifyGuildRole", ModifyGuildRoleRequest => ModifyGuildRoleResponse, role::modify_guild_role, Ready;
        modify_guild_role_positions: "ModifyGuildRolePositions", ModifyGuildRolePositionsRequest => ModifyGuildRolePositionsResponse, role::modify_guild_role_positions, Ready;
        delete_guild_role: "DeleteGuildRole", DeleteGuildRoleRequest => DeleteGuildRoleResponse, role::delete_guild_role, Ready;
        get_guild_member: "GetGuildMember", GetGuildMemberRequest => GetGuildMemberResponse, member::get_guild_member, Ready;
        list_guild_members: "ListGuildMembers", ListGuildMembersRequest => ListGuildMembersResponse, member::list_guild_members, Ready;
        search_guild_members: "SearchGuildMembers", SearchGuildMembersRequest => SearchGuildMembersResponse, member::search_guild_members, Ready;
        add_guild_member: "AddGuildMember", AddGuildMemberRequest => AddGuildMemberResponse, member::add_guild_member, Ready;
        modify_guild_member: "ModifyGuildMember", ModifyGuildMemberRequest => ModifyGuildMemberResponse, member::modify_guild_member, Ready;
        modify_current_member: "ModifyCurrentMember", ModifyCurrentMemberRequest => ModifyCurrentMemberResponse, member::modify_current_member, Ready;
        add_guild_member_role: "AddGuildMemberRole", AddGuildMemberRoleRequest => AddGuildMemberRoleResponse, member::add_guild_member_role, Ready;
        remove_guild_member_role: "RemoveGuildMemberRole", RemoveGuildMemberRoleRequest => RemoveGuildMemberRoleResponse, member::remove_guild_member_role, Ready;
        remove_guild_member: "RemoveGuildMember", RemoveGuildMemberRequest => RemoveGuildMemberResponse, member::remove_guild_member, Ready;
        // Bans (issue 13).
        get_guild_bans: "GetGuildBans", GetGuildBansRequest => GetGuildBansResponse, ban::get_guild_bans, Ready;
        get_guild_ban: "GetGuildBan", GetGuildBanRequest => GetGuildBanResponse, ban::get_guild_ban, Ready;
        create_guild_ban: "CreateGuildBan", CreateGuildBanRequest => CreateGuildBanResponse, ban::create_guild_ban, Ready;
        remove_guild_ban: "RemoveGuildBan", RemoveGuildBanRequest => RemoveGuildBanResponse, ban::remove_guild_ban, Ready;
        bulk_guild_ban: "BulkGuildBan", BulkGuildBanRequest => BulkGuildBanResponse, ban::bulk_guild_ban, Ready;
        // Users (issue 13).
        get_current_user: "GetCurrentUser", GetCurrentUserRequest => GetCurrentUserResponse, user::get_current_user, Ready;
        get_user: "GetUser", GetUserRequest => GetUserResponse, user::get_user, Ready;
        create_dm: "CreateDM", CreateDmRequest => CreateDmResponse, user::create_dm, Ready;
        get_current_user_guilds: "GetCurrentUserGuilds", GetCurrentUserGuildsRequest => GetCurrentUserGuildsResponse, user::get_current_user_guilds, Ready;
        // Application commands (issue 13).
        get_global_application_commands: "GetGlobalApplicationCommands", GetGlobalApplicationCommandsRequest => GetGlobalApplicationCommandsResponse, command::get_global_application_commands, Ready;
        create_global_application_command: "CreateGlobalApplicationCommand", CreateGlobalApplicationCommandRequest => CreateGlobalApplicationCommandResponse, command::create_global_application_command, Ready;
        get_global_application_command: "GetGlobalApplicationCommand", GetGlobalApplicationCommandRequest => GetGlobalApplicationCommandResponse, command::get_global_application_command, Ready;
        edit_global_application_command: "EditGlobalApplicationCommand", EditGlobalApplicationCommandRequest => EditGlobalApplicationCommandResponse, command::edit_global_application_command, Ready;
        delete_global_application_command: "DeleteGlobalApplicationCommand", DeleteGlobalApplicationCommandRequest => DeleteGlobalApplicationCommandResponse, command::delete_global_application_command, Ready;
        bulk_overwrite_global_application_commands: "BulkOverwriteGlobalApplicationCommands", BulkOverwriteGlobalApplicationCommandsRequest => BulkOverwriteGlobalApplicationCommandsResponse, command::bulk_overwrite_global_application_commands, Ready;
        get_guild_application_commands: "GetGuildApplicationCommands", GetGuildApplicationCommandsRequest => GetGuildApplicationCommandsResponse, command::get_guild_application_commands, Ready;
        create_guild_application_command: "CreateGuildApplicationCommand", CreateGuildApplicationCommandRequest => CreateGuildApplicationCommandResponse, command::create_guild_application_command, Ready;
        get_guild_application_command: "GetGuildApplicationCommand", GetGuildApplicationCommandRequest => GetGuildApplicationCommandResponse, command::get_guild_application_command, Ready;
        edit_guild_application_command: "EditGuildApplicationCommand", EditGuildApplicationCommandRequest => EditGuildApplicationCommandResponse, command::edit_guild_application_command, Ready;
        delete_guild_application_command: "DeleteGuildApplicationCommand", DeleteGuildApplicationCommandRequest => DeleteGuildApplicationCommandResponse, command::delete_guild_application_command, Ready;
        bulk_overwrite_guild_application_commands: "BulkOverwriteGuildApplicationCommands", BulkOverwriteGuildApplicationCommandsRequest => BulkOverwriteGuildApplicationCommandsResponse, command::bulk_overwrite_guild_application_commands, Ready;
        // Webhooks (issue 13).
        create_webhook: "CreateWebhook", CreateWebhookRequest => CreateWebhookResponse, webhook::create_webhook, Ready;
        get_channel_webhooks: "GetChannelWebhooks", GetChannelWebhooksRequest => GetChannelWebhooksResponse, webhook::get_channel_webhooks, Ready;
        get_guild_webhooks: "GetGuildWebhooks", GetGuildWebhooksRequest => GetGuildWebhooksResponse, webhook::get_guild_webhooks, Ready;
        get_webhook: "GetWebhook", GetWebhookRequest => GetWebhookResponse, webhook::get_webhook, Ready;
        modify_webhook: "ModifyWebhook", ModifyWebhookRequest => ModifyWebhookResponse, webhook::modify_webhook, Ready;
        delete_webhook: "DeleteWebhook", DeleteWebhookRequest => DeleteWebhookResponse, webhook::delete_webhook, Ready;
        execute_webhook: "ExecuteWebhook", ExecuteWebhookRequest => ExecuteWebhookResponse, webhook::execute_webhook, Ready;
        get_webhook_message: "GetWebhookMessage", GetWebhookMessageRequest => GetWebhookMessageResponse, webhook::get_webhook_message, Ready;
        edit_webhook_message: "EditWebhookMessage", EditWebhookMessageRequest => EditWebhookMessageResponse, webhook::edit_webhook_message, Ready;
        delete_webhook_message: "DeleteWebhookMessage", DeleteWebhookMessageRequest => DeleteWebhookMessageResponse, webhook::delete_webhook_message, Ready;
        // Interactions (issue 13).
        create_interaction_response: "CreateInteractionResponse", CreateInteractionResponseRequest => CreateInteractionResponseResponse, interaction::create_interaction_response, Ready;
        get_original_interaction_response: "GetOriginalInteractionResponse", GetOriginalInteractionResponseRequest => GetOriginalInteractionResponseResponse, interaction::get_original_interaction_response, Ready;
        edit_original_interaction_response: "EditOriginalInteractionResponse", EditOriginalInteractionResponseRequest => EditOriginalInteractionResponseResponse, interaction::edit_original_interaction_response, Ready;
        delete_original_interaction_response: "DeleteOriginalInteractionResponse", DeleteOriginalInteractionResponseRequest => DeleteOriginalInteractionResponseResponse, interaction::delete_original_interaction_response, Ready;
        create_followup_message: "CreateFollowupMessage", CreateFollowupMessageRequest => CreateFollowupMessageResponse, interaction::create_followup_message, Ready;
        get_followup_message: "GetFollowupMessage", GetFollowupMessageRequest => GetFollowupMessageResponse, interaction::get_followup_message, Ready;
        edit_followup_message: "EditFollowupMessage", EditFollowupMessageRequest => EditFollowupMessageResponse, interaction::edit_followup_message, Ready;
        delete_followup_message: "DeleteFollowupMessage", DeleteFollowupMessageRequest => DeleteFollowupMessageResponse, interaction::delete_followup_message, Ready;
        // Gateway commands (issue 13).
        update_presence: "UpdatePresence", UpdatePresenceRequest => UpdatePresenceResponse, gateway::update_presence, Ready;
    }
    server_streaming {
        // trait method: "RpcName", Request => stream type of the trait, handler module;
        stream_events: "StreamEvents", StreamEventsRequest => StreamEventsStream, gateway::stream_events;
        // Gateway commands (issue 13).
        request_guild_members: "RequestGuildMembers", RequestGuildMembersRequest => RequestGuildMembersStream, gateway::request_guild_members;
    }
}
