//! Discord user → proto `User`.
//! <https://discord.com/developers/docs/resources/user#user-object>

use super::int32;
use discordproxy_proto::User;
use twilight_model::{channel::message::Mention, user};

/// Converts a full user object.
pub fn from_user(user: &user::User) -> User {
    User {
        id: user.id.get(),
        username: user.name.clone(),
        discriminator: user.discriminator().to_string(),
        avatar: user.avatar.map(|hash| hash.to_string()).unwrap_or_default(),
        bot: user.bot,
        system: user.system.unwrap_or(false),
        mfa_enabled: user.mfa_enabled.unwrap_or(false),
        locale: user.locale.clone().unwrap_or_default(),
        verified: user.verified.unwrap_or(false),
        email: user.email.clone().unwrap_or_default(),
        flags: user.flags.map_or(0, |flags| int32(flags.bits())),
        premium_type: user
            .premium_type
            .map_or(0, |kind| i32::from(u8::from(kind))),
        public_flags: user.public_flags.map_or(0, |flags| int32(flags.bits())),
    }
}

/// Converts a user mentioned in a message (a partial user object).
pub fn from_mention(mention: &Mention) -> User {
    User {
        id: mention.id.get(),
        username: mention.name.clone(),
        discriminator: mention.discriminator().to_string(),
        avatar: mention
            .avatar
            .map(|hash| hash.to_string())
            .unwrap_or_default(),
        bot: mention.bot,
        public_flags: int32(mention.public_flags.bits()),
        ..User::default()
    }
}
