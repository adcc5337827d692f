//! `allowed_mentions` of message bodies: from `suppress_mentions` or the proto
//! `AllowedMentions`.
//! <https://discord.com/developers/docs/resources/message#allowed-mentions-object>

use crate::error::{Error, Result};
use discordproxy_proto::AllowedMentions;
use serde_json::{Map, Value, json};

/// The `allowed_mentions` value to send, if any: `{"parse": []}` when `suppress` (nobody is
/// pinged), the caller's object when `mentions` is set (`parse` always, `users` and `roles`
/// when non-empty, `replied_user` when true), `None` when neither (no key at all: Discord's
/// default, `@everyone` pings as with the original server).
///
/// # Errors
/// [`Error::InvalidArgument`] when both are set, or for a user or role id of 0 (naming the
/// field).
pub fn to_json(suppress: bool, mentions: Option<&AllowedMentions>) -> Result<Option<Value>> {
    match (suppress, mentions) {
        (true, Some(_)) => Err(Error::InvalidArgument(
            "set suppress_mentions or allowed_mentions, not both".into(),
        )),
        (true, None) => Ok(Some(json!({"parse": []}))),
        (false, None) => Ok(None),
        (false, Some(mentions)) => {
            let mut object = Map::new();
            object.insert("parse".into(), json!(mentions.parse));
            for (key, ids) in [("users", &mentions.users), ("roles", &mentions.roles)] {
                if ids.is_empty() {
                    continue;
                }
                if let Some(index) = ids.iter().position(|id| *id == 0) {
                    return Err(Error::InvalidArgument(format!(
                        "allowed_mentions.{key}[{index}] must be a Discord snowflake (got 0)"
                    )));
                }
                let ids: Vec<String> = ids.iter().map(u64::to_string).collect();
                object.insert(key.into(), json!(ids));
            }
            if mentions.replied_user {
                object.insert("replied_user".into(), Value::Bool(true));
            }
            Ok(Some(Value::Object(object)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_sends_nothing_and_suppress_sends_an_empty_parse() {
        assert_eq!(to_json(false, None).unwrap(), None);
        assert_eq!(to_json(true, None).unwrap(), Some(json!({"parse": []})));
    }

    #[test]
    fn the_callers_object_keeps_only_what_is_set() {
        let mentions = AllowedMentions {
            parse: vec!["roles".into()],
            users: vec![7, 8],
            roles: vec![],
            replied_user: true,
        };
        assert_eq!(
            to_json(false, Some(&mentions)).unwrap(),
            Some(json!({"parse": ["roles"], "users": ["7", "8"], "replied_user": true}))
        );
        assert_eq!(
            to_json(false, Some(&AllowedMentions::default())).unwrap(),
            Some(json!({"parse": []}))
        );
    }

    #[test]
    fn both_or_a_zero_id_is_invalid_argument() {
        let mentions = AllowedMentions::default();
        assert!(matches!(
            to_json(true, Some(&mentions)),
            Err(Error::InvalidArgument(text)) if text.contains("suppress_mentions")
        ));
        let zero = AllowedMentions {
            roles: vec![5, 0],
            ..Default::default()
        };
        assert!(matches!(
            to_json(false, Some(&zero)),
            Err(Error::InvalidArgument(text)) if text.contains("allowed_mentions.roles[1]")
        ));
    }
}
