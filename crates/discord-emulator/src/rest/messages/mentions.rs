//! Who a message pings: `mentions`, `mention_roles` and `mention_everyone`
//! ([docs](https://discord.com/developers/docs/resources/message#allowed-mentions-object)),
//! from the content, `allowed_mentions` and, for a reply, the author of the message answered.

use serde_json::{Map, Value, json};

use crate::snowflake::parse_snowflake;
use crate::store::Store;
use crate::validate::AllowedMentions;

/// The mentions of a message.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Mentions {
    /// User objects, in order of appearance, without duplicates.
    users: Vec<(u64, Value)>,
    /// Role ids as strings.
    roles: Vec<Value>,
    everyone: bool,
}

impl Mentions {
    /// Resolves the mentions of `content` in a channel of `guild_id` (`None`: a DM), filtered
    /// by `allowed` (`None`: everything pings). `replied_author` is the author of the message a
    /// reply answers: mentioned unless `allowed` is sent without `replied_user: true`.
    pub(super) fn resolve(
        store: &Store,
        guild_id: Option<u64>,
        content: &str,
        allowed: Option<&AllowedMentions>,
        replied_author: Option<u64>,
    ) -> Self {
        let mut mentions = Self::default();
        for mention in parse_mentions(content) {
            match mention {
                Mention::User(user_id) => {
                    if allowed.is_none_or(|allowed| allowed.user(user_id)) {
                        mentions.add_user(store, user_id);
                    }
                }
                Mention::Role(role_id) => {
                    let permitted = allowed.is_none_or(|allowed| allowed.role(role_id));
                    let in_guild = guild_id.is_some_and(|guild_id| {
                        role_id != guild_id && guild_has_role(store, guild_id, role_id)
                    });
                    let role = Value::String(role_id.to_string());
                    if permitted && in_guild && !mentions.roles.contains(&role) {
                        mentions.roles.push(role);
                    }
                }
            }
        }
        if let Some(author) = replied_author
            && allowed.is_none_or(|allowed| allowed.replied_user)
        {
            mentions.add_user(store, author);
        }
        mentions.everyone = guild_id.is_some()
            && (content.contains("@everyone") || content.contains("@here"))
            && allowed.is_none_or(AllowedMentions::everyone);
        mentions
    }

    /// Adds a known user once.
    fn add_user(&mut self, store: &Store, user_id: u64) {
        if !self.users.iter().any(|(id, _)| *id == user_id)
            && let Some(user) = store.users.get(&user_id)
        {
            self.users
                .push((user_id, Value::Object(user.object.clone())));
        }
    }

    /// Writes `mentions`, `mention_roles` and `mention_everyone` into a message object.
    pub(super) fn write(self, message: &mut Map<String, Value>) {
        message.insert(
            "mentions".into(),
            Value::Array(self.users.into_iter().map(|(_, user)| user).collect()),
        );
        message.insert("mention_roles".into(), Value::Array(self.roles));
        message.insert("mention_everyone".into(), json!(self.everyone));
    }
}

/// Whether guild `guild_id` has a role `role_id`.
fn guild_has_role(store: &Store, guild_id: u64, role_id: u64) -> bool {
    store
        .guilds
        .get(&guild_id)
        .and_then(|guild| guild.object.get("roles"))
        .and_then(Value::as_array)
        .is_some_and(|roles| {
            roles
                .iter()
                .any(|role| role.get("id").and_then(parse_snowflake) == Some(role_id))
        })
}

/// A mention in message content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mention {
    /// `<@id>` or `<@!id>`.
    User(u64),
    /// `<@&id>`.
    Role(u64),
}

/// The user and role mentions of `content`, in order.
fn parse_mentions(content: &str) -> Vec<Mention> {
    let mut found = Vec::new();
    let mut rest = content;
    while let Some(start) = rest.find("<@") {
        rest = &rest[start + 2..];
        let (role, digits_from) = match rest.as_bytes().first() {
            Some(b'&') => (true, 1),
            Some(b'!') => (false, 1),
            _ => (false, 0),
        };
        let tail = &rest[digits_from..];
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0
            && tail.as_bytes().get(digits) == Some(&b'>')
            && let Ok(id) = tail[..digits].parse()
        {
            found.push(if role {
                Mention::Role(id)
            } else {
                Mention::User(id)
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;

    const GUILD: u64 = 300_000_000_000_000_001;
    const ALICE: u64 = 200_000_000_000_000_001;
    const CAROL: u64 = 200_000_000_000_000_003;
    const MEMBER_ROLE: u64 = 500_000_000_000_000_001;

    #[test]
    fn mentions_are_parsed() {
        assert_eq!(
            parse_mentions("hi <@1> <@!2> <@&3> <@x> <@4 <#5> <@6>"),
            vec![
                Mention::User(1),
                Mention::User(2),
                Mention::Role(3),
                Mention::User(6)
            ]
        );
        assert!(parse_mentions("@everyone").is_empty());
    }

    fn user_ids(mentions: &Mentions) -> Vec<u64> {
        mentions.users.iter().map(|(id, _)| *id).collect()
    }

    #[test]
    fn content_allowed_mentions_and_the_replied_author() {
        let store = Store::new(&Fixture::default_fixture());
        let content = format!("<@{ALICE}> <@{ALICE}> <@&{MEMBER_ROLE}> <@&{GUILD}> @here <@9>");
        let all = Mentions::resolve(&store, Some(GUILD), &content, None, Some(CAROL));
        assert_eq!(user_ids(&all), [ALICE, CAROL]);
        assert_eq!(all.roles, [json!(MEMBER_ROLE.to_string())]);
        assert!(all.everyone);
        let none = AllowedMentions::default();
        let quiet = Mentions::resolve(&store, Some(GUILD), &content, Some(&none), Some(CAROL));
        assert_eq!(quiet, Mentions::default());
        let replied = AllowedMentions {
            replied_user: true,
            ..AllowedMentions::default()
        };
        let only_reply =
            Mentions::resolve(&store, Some(GUILD), &content, Some(&replied), Some(CAROL));
        assert_eq!(user_ids(&only_reply), [CAROL]);
        // No role or everyone mentions in DMs.
        let dm = Mentions::resolve(&store, None, &content, None, None);
        assert_eq!(user_ids(&dm), [ALICE]);
        assert!(dm.roles.is_empty() && !dm.everyone);
        let mut object = Map::new();
        all.write(&mut object);
        assert_eq!(object["mentions"][1]["username"], json!("carol"));
        assert_eq!(object["mention_everyone"], json!(true));
    }
}
