//! The stickers of a message create
//! ([docs](https://discord.com/developers/docs/resources/sticker#sticker-item-object)): each id
//! must be a sticker of the channel's guild (the fixture guild's `stickers`); the message gets
//! one `sticker_items` entry `{"id", "name", "format_type"}` per sticker. Discord's standard
//! sticker packs are not emulated.

use serde_json::{Value, json};

use super::guild_of;
use crate::error::ApiError;
use crate::snowflake::parse_snowflake;
use crate::store::Store;

/// The `sticker_items` for `sticker_ids` sent in `channel_id`.
///
/// # Errors
///
/// 400/50081 Invalid sticker sent for an id that is not a sticker of the channel's guild (any
/// id in a DM).
pub(in crate::rest) fn sticker_items(
    store: &Store,
    channel_id: u64,
    sticker_ids: &[u64],
) -> Result<Vec<Value>, ApiError> {
    if sticker_ids.is_empty() {
        return Ok(Vec::new());
    }
    let stickers = guild_of(&store.channels[&channel_id])
        .and_then(|guild_id| store.guilds.get(&guild_id))
        .and_then(|guild| guild.object.get("stickers"))
        .and_then(Value::as_array);
    sticker_ids
        .iter()
        .map(|id| {
            let sticker = stickers
                .into_iter()
                .flatten()
                .find(|sticker| sticker.get("id").and_then(parse_snowflake) == Some(*id))
                .ok_or(ApiError::InvalidSticker)?;
            Ok(json!({
                "id": id.to_string(),
                "name": sticker.get("name").cloned().unwrap_or(Value::Null),
                "format_type": sticker.get("format_type").cloned().unwrap_or(json!(1)),
            }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;

    #[test]
    fn only_stickers_of_the_guild() {
        let fixture = Fixture::from_json(
            &json!({
                "token": "t", "bot": {"id": "1", "username": "b"},
                "users": [{"id": "2", "username": "u"}],
                "guilds": [{"id": "10", "name": "g", "channels": [{"id": "11", "name": "c"}],
                            "stickers": [{"id": "12", "name": "wave", "format_type": 2}]}]
            })
            .to_string(),
        )
        .unwrap();
        let mut store = Store::new(&fixture);
        assert_eq!(
            sticker_items(&store, 11, &[12]),
            Ok(vec![json!({"id": "12", "name": "wave", "format_type": 2})])
        );
        assert_eq!(sticker_items(&store, 11, &[]), Ok(Vec::new()));
        assert_eq!(
            sticker_items(&store, 11, &[12, 13]),
            Err(ApiError::InvalidSticker)
        );
        let dm = store.open_dm(2);
        assert_eq!(
            sticker_items(&store, dm, &[12]),
            Err(ApiError::InvalidSticker)
        );
    }
}
