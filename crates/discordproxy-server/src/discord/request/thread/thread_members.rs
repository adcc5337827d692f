//! The thread-member endpoints: Join Thread and Leave Thread
//! (`PUT`/`DELETE /channels/{channel.id}/thread-members/@me`), Add and Remove Thread Member
//! (`PUT`/`DELETE /channels/{channel.id}/thread-members/{user.id}`), Get Thread Member
//! (`GET …/thread-members/{user.id}`) and List Thread Members (`GET …/thread-members`). All
//! share the channel as major parameter.
//! <https://discord.com/developers/docs/resources/channel#join-thread>

use crate::{
    discord::{
        client::{DiscordClient, JsonAnswer},
        outgoing::Outgoing,
        route::Route,
    },
    error::{Error, Result},
};
use tokio::time::Instant;

/// `with_member=true` when asked, no key otherwise.
fn with_member(with_member: bool) -> Option<String> {
    with_member.then(|| "true".to_owned())
}

impl DiscordClient {
    /// A 204 thread-member change (`route`) with an optional audit-log reason. Retried after
    /// 5xx and network failures (a repeat changes nothing more).
    async fn thread_member_change(
        &self,
        route: Route,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<()> {
        let outgoing = Outgoing::new(route).audit_log_reason(audit_log_reason);
        self.execute(&outgoing, deadline).await.map(drop)
    }

    /// `PUT /channels/{channel.id}/thread-members/@me`: the bot joins the thread (204).
    /// <https://discord.com/developers/docs/resources/channel#join-thread>
    ///
    /// # Errors
    /// 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001 Missing Access
    /// (`PERMISSION_DENIED`), 400/50083 the thread is archived and 400/50024 not a thread
    /// (`INVALID_ARGUMENT`); otherwise see [`DiscordClient`].
    pub async fn join_thread(
        &self,
        channel_id: u64,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<()> {
        self.thread_member_change(Route::JoinThread { channel_id }, audit_log_reason, deadline)
            .await
    }

    /// `DELETE /channels/{channel.id}/thread-members/@me`: the bot leaves the thread (204).
    /// <https://discord.com/developers/docs/resources/channel#leave-thread>
    ///
    /// # Errors
    /// As [`join_thread`](Self::join_thread).
    pub async fn leave_thread(
        &self,
        channel_id: u64,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<()> {
        self.thread_member_change(
            Route::LeaveThread { channel_id },
            audit_log_reason,
            deadline,
        )
        .await
    }

    /// `PUT /channels/{channel.id}/thread-members/{user.id}`: adds the user (204, also when a
    /// member already).
    /// <https://discord.com/developers/docs/resources/channel#add-thread-member>
    ///
    /// # Errors
    /// As [`join_thread`](Self::join_thread), and 404/10013 Unknown User and 404/10007
    /// Unknown Member (`NOT_FOUND`), 403/50013 Missing Permissions (`PERMISSION_DENIED`).
    pub async fn add_thread_member(
        &self,
        channel_id: u64,
        user_id: u64,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<()> {
        let route = Route::AddThreadMember {
            channel_id,
            user_id,
        };
        self.thread_member_change(route, audit_log_reason, deadline)
            .await
    }

    /// `DELETE /channels/{channel.id}/thread-members/{user.id}`: removes the user (204).
    /// <https://discord.com/developers/docs/resources/channel#remove-thread-member>
    ///
    /// # Errors
    /// As [`add_thread_member`](Self::add_thread_member).
    pub async fn remove_thread_member(
        &self,
        channel_id: u64,
        user_id: u64,
        audit_log_reason: &str,
        deadline: Instant,
    ) -> Result<()> {
        let route = Route::RemoveThreadMember {
            channel_id,
            user_id,
        };
        self.thread_member_change(route, audit_log_reason, deadline)
            .await
    }

    /// `GET /channels/{channel.id}/thread-members/{user.id}[?with_member=true]`: the thread
    /// member object.
    /// <https://discord.com/developers/docs/resources/channel#get-thread-member>
    ///
    /// # Errors
    /// 404/10007 Unknown Member and 404/10003 Unknown Channel (`NOT_FOUND`), 403/50001
    /// (`PERMISSION_DENIED`); [`Error::Internal`] when the answer is no JSON object; otherwise
    /// see [`DiscordClient`].
    pub async fn thread_member(
        &self,
        channel_id: u64,
        user_id: u64,
        member: bool,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let route = Route::ThreadMember {
            channel_id,
            user_id,
        };
        let template = route.template();
        let outgoing = Outgoing::new(route).query(&[("with_member", with_member(member))]);
        let answer = self.json_answer(&outgoing, deadline).await?;
        if !answer.value.is_object() {
            return Err(Error::Internal(format!(
                "Discord's answer to {template} is no JSON object"
            )));
        }
        Ok(answer)
    }

    /// `GET /channels/{channel.id}/thread-members?with_member&after&limit`: thread member
    /// objects; `with_member` is sent when true, `after` and `limit` when `Some`.
    /// <https://discord.com/developers/docs/resources/channel#list-thread-members>
    ///
    /// # Errors
    /// As [`thread_member`](Self::thread_member) (no JSON array: [`Error::Internal`]), and
    /// 400/50035 for a bad query (`INVALID_ARGUMENT`).
    pub async fn thread_members(
        &self,
        channel_id: u64,
        member: bool,
        after: Option<u64>,
        limit: Option<i32>,
        deadline: Instant,
    ) -> Result<JsonAnswer> {
        let route = Route::ThreadMembers { channel_id };
        let template = route.template();
        let outgoing = Outgoing::new(route).query(&[
            ("with_member", with_member(member)),
            ("after", after.map(|after| after.to_string())),
            ("limit", limit.map(|limit| limit.to_string())),
        ]);
        let answer = self.json_answer(&outgoing, deadline).await?;
        if !answer.value.is_array() {
            return Err(Error::Internal(format!(
                "Discord's answer to {template} is no JSON array"
            )));
        }
        Ok(answer)
    }
}
