//! A guild's roles and members, and the bot's guild permissions and rank, computed as Discord
//! documents ([permissions](https://discord.com/developers/docs/topics/permissions)): the
//! owner has every permission; otherwise `@everyone`'s permissions OR those of the member's
//! roles, and every permission with `ADMINISTRATOR`. A member's rank is its highest role
//! (position, ties broken by the lower id being higher, as Discord sorts roles); the bot may
//! only manage roles and members ranked below its own highest role (the owner ranks above
//! everyone).

use std::cmp::Reverse;

use serde_json::Value;

use super::GuildState;
use crate::fixture::Object;
use crate::snowflake::parse_snowflake;

/// `CREATE_INSTANT_INVITE` (1 << 0): needed to add a member with an OAuth2 token.
pub(crate) const CREATE_INSTANT_INVITE: u64 = 1;
/// `KICK_MEMBERS` (1 << 1).
pub(crate) const KICK_MEMBERS: u64 = 1 << 1;
/// `BAN_MEMBERS` (1 << 2).
pub(crate) const BAN_MEMBERS: u64 = 1 << 2;
/// `ADMINISTRATOR` (1 << 3): every permission.
pub(crate) const ADMINISTRATOR: u64 = 1 << 3;
/// `MANAGE_GUILD` (1 << 5).
pub(crate) const MANAGE_GUILD: u64 = 1 << 5;
/// `MUTE_MEMBERS` (1 << 22).
pub(crate) const MUTE_MEMBERS: u64 = 1 << 22;
/// `DEAFEN_MEMBERS` (1 << 23).
pub(crate) const DEAFEN_MEMBERS: u64 = 1 << 23;
/// `MOVE_MEMBERS` (1 << 24).
pub(crate) const MOVE_MEMBERS: u64 = 1 << 24;
/// `CHANGE_NICKNAME` (1 << 26): the bot's own nickname.
pub(crate) const CHANGE_NICKNAME: u64 = 1 << 26;
/// `MANAGE_WEBHOOKS` (1 << 29).
pub(crate) const MANAGE_WEBHOOKS: u64 = 1 << 29;
/// `MANAGE_NICKNAMES` (1 << 27): other members' nicknames.
pub(crate) const MANAGE_NICKNAMES: u64 = 1 << 27;
/// `MANAGE_ROLES` (1 << 28).
pub(crate) const MANAGE_ROLES: u64 = 1 << 28;
/// `MODERATE_MEMBERS` (1 << 40): timeouts.
pub(crate) const MODERATE_MEMBERS: u64 = 1 << 40;
/// Every permission bit Discord defines (bits 0–50).
pub(crate) const ALL_PERMISSIONS: u64 = (1 << 51) - 1;

/// Where a role or member stands in the hierarchy: higher is more powerful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Rank {
    /// A role's position, then its id (the lower id ranks higher at the same position).
    Role(i64, Reverse<u64>),
    /// The guild's owner: above every role.
    Owner,
}

/// A permission bit set from a role's `permissions` (a decimal string, or a number).
pub(crate) fn permission_bits(value: Option<&Value>) -> u64 {
    match value {
        Some(Value::String(text)) => text.parse().unwrap_or(0),
        Some(Value::Number(number)) => number.as_u64().unwrap_or(0),
        _ => 0,
    }
}

/// The role ids of a member object (`roles`).
pub(crate) fn member_role_ids(member: &Object) -> Vec<u64> {
    match member.get("roles") {
        Some(Value::Array(roles)) => roles.iter().filter_map(parse_snowflake).collect(),
        _ => Vec::new(),
    }
}

/// The user id of a member object (`user.id`).
pub(crate) fn member_user_id(member: &Object) -> Option<u64> {
    member
        .get("user")
        .and_then(|user| user.get("id"))
        .and_then(parse_snowflake)
}

impl GuildState {
    /// The guild's id.
    pub(crate) fn id(&self) -> u64 {
        self.object.get("id").and_then(parse_snowflake).unwrap_or(0)
    }

    /// The owner's user id.
    pub(crate) fn owner_id(&self) -> Option<u64> {
        self.object.get("owner_id").and_then(parse_snowflake)
    }

    /// The role objects, in the guild object's order.
    pub(crate) fn roles(&self) -> &[Value] {
        match self.object.get("roles") {
            Some(Value::Array(roles)) => roles,
            _ => &[],
        }
    }

    /// The role objects, to change them.
    pub(crate) fn roles_mut(&mut self) -> &mut Vec<Value> {
        let roles = self
            .object
            .entry("roles")
            .or_insert_with(|| Value::Array(Vec::new()));
        if !roles.is_array() {
            *roles = Value::Array(Vec::new());
        }
        match roles {
            Value::Array(roles) => roles,
            _ => unreachable!("just made an array"),
        }
    }

    /// Role `id`.
    pub(crate) fn role(&self, id: u64) -> Option<&Value> {
        self.roles()
            .iter()
            .find(|role| role.get("id").and_then(parse_snowflake) == Some(id))
    }

    /// The index of the member with user id `user_id` in `members`.
    pub(crate) fn member_index(&self, user_id: u64) -> Option<usize> {
        self.members
            .iter()
            .position(|member| member_user_id(member) == Some(user_id))
    }

    /// The member with user id `user_id`.
    pub(crate) fn member(&self, user_id: u64) -> Option<&Object> {
        self.member_index(user_id).map(|index| &self.members[index])
    }

    /// The rank of role `id` (`@everyone`, whose id is the guild's, ranks lowest).
    pub(crate) fn role_rank(&self, id: u64) -> Rank {
        let position = self
            .role(id)
            .and_then(|role| role.get("position"))
            .and_then(Value::as_i64)
            .unwrap_or(0);
        Rank::Role(position, Reverse(id))
    }

    /// The rank of member `user_id`: the owner's, else its highest role's (`@everyone` without
    /// roles).
    pub(crate) fn member_rank(&self, user_id: u64) -> Rank {
        if self.owner_id() == Some(user_id) {
            return Rank::Owner;
        }
        let everyone = self.role_rank(self.id());
        self.member(user_id)
            .map(member_role_ids)
            .unwrap_or_default()
            .into_iter()
            .map(|role| self.role_rank(role))
            .fold(everyone, Ord::max)
    }

    /// The guild permissions of member `user_id` (0 when not a member).
    pub(crate) fn permissions_of(&self, user_id: u64) -> u64 {
        if self.owner_id() == Some(user_id) {
            return ALL_PERMISSIONS;
        }
        let Some(member) = self.member(user_id) else {
            return 0;
        };
        let everyone = permission_bits(
            self.role(self.id())
                .and_then(|role| role.get("permissions")),
        );
        let bits = member_role_ids(member)
            .into_iter()
            .filter_map(|role| self.role(role))
            .map(|role| permission_bits(role.get("permissions")))
            .fold(everyone, |all, bits| all | bits);
        if bits & ADMINISTRATOR != 0 {
            ALL_PERMISSIONS
        } else {
            bits
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;
    use crate::store::Store;

    const GUILD: u64 = 300000000000000001;
    const BOT: u64 = 100000000000000001;
    const ALICE: u64 = 200000000000000001;
    const CAROL: u64 = 200000000000000003;

    #[test]
    fn the_default_fixture_gives_the_bot_its_role_below_admin() {
        let store = Store::new(&Fixture::default_fixture());
        let guild = &store.guilds[&GUILD];
        let bot = guild.permissions_of(BOT);
        for bit in [
            MANAGE_ROLES,
            KICK_MEMBERS,
            MANAGE_NICKNAMES,
            CHANGE_NICKNAME,
            CREATE_INSTANT_INVITE,
            MODERATE_MEMBERS,
        ] {
            assert_ne!(bot & bit, 0, "{bit}");
        }
        assert_eq!(bot & ADMINISTRATOR, 0);
        assert_eq!(guild.permissions_of(ALICE), ALL_PERMISSIONS, "the owner");
        assert_eq!(guild.permissions_of(CAROL), 1071698660929, "@everyone only");
        assert!(guild.role_rank(500000000000000001) < guild.member_rank(BOT));
        assert!(guild.role_rank(500000000000000003) > guild.member_rank(BOT));
        assert!(guild.member_rank(CAROL) < guild.member_rank(BOT));
        assert_eq!(guild.member_rank(ALICE), Rank::Owner);
        assert!(guild.role_rank(GUILD) < guild.role_rank(500000000000000001));
    }
}
