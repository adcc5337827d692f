//! The reactions of a message ([docs](https://discord.com/developers/docs/resources/message#reaction-object)):
//! per emoji, in the order the emoji was first used, the users who reacted normally and with a
//! burst (super) reaction.

use std::collections::BTreeSet;

use serde_json::{Value, json};

/// At most this many different emojis on one message (Discord's 30010).
pub(crate) const MAX_EMOJIS: usize = 20;

/// The colour of the emulator's burst reactions (Discord derives them from the emoji).
pub(crate) const BURST_COLOR: &str = "#5865f2";

/// Which emoji a reaction uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EmojiKey {
    /// A Unicode emoji, by its text.
    Unicode(String),
    /// A custom emoji of a guild, by its id.
    Custom(u64),
}

/// An emoji of a reaction: its key and the partial emoji object reactions show
/// (`{"id": null, "name": "👍"}` or `{"id", "name", "animated"?}`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ReactionEmoji {
    pub(crate) key: EmojiKey,
    pub(crate) object: Value,
}

/// A normal reaction (type 0) or a burst (super) reaction (type 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReactionKind {
    Normal,
    Burst,
}

impl ReactionKind {
    /// Discord's reaction type number.
    pub(crate) fn number(self) -> u64 {
        match self {
            Self::Normal => 0,
            Self::Burst => 1,
        }
    }
}

/// One emoji's reactions.
#[derive(Debug, Clone, PartialEq)]
struct Reaction {
    emoji: ReactionEmoji,
    normal: BTreeSet<u64>,
    burst: BTreeSet<u64>,
}

impl Reaction {
    fn users(&self, kind: ReactionKind) -> &BTreeSet<u64> {
        match kind {
            ReactionKind::Normal => &self.normal,
            ReactionKind::Burst => &self.burst,
        }
    }

    fn users_mut(&mut self, kind: ReactionKind) -> &mut BTreeSet<u64> {
        match kind {
            ReactionKind::Normal => &mut self.normal,
            ReactionKind::Burst => &mut self.burst,
        }
    }

    fn is_empty(&self) -> bool {
        self.normal.is_empty() && self.burst.is_empty()
    }
}

/// A new emoji would be the 21st of the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooManyEmojis;

/// The reactions of one message.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Reactions {
    list: Vec<Reaction>,
}

impl Reactions {
    fn find(&self, key: &EmojiKey) -> Option<&Reaction> {
        self.list.iter().find(|reaction| reaction.emoji.key == *key)
    }

    /// Whether anyone reacted with `key` (adding to it needs no ADD_REACTIONS).
    pub(crate) fn has(&self, key: &EmojiKey) -> bool {
        self.find(key).is_some()
    }

    /// Adds `user`'s reaction; `Ok(false)` when it was there already.
    pub(crate) fn add(
        &mut self,
        emoji: &ReactionEmoji,
        user: u64,
        kind: ReactionKind,
    ) -> Result<bool, TooManyEmojis> {
        if let Some(reaction) = self.list.iter_mut().find(|r| r.emoji.key == emoji.key) {
            return Ok(reaction.users_mut(kind).insert(user));
        }
        if self.list.len() >= MAX_EMOJIS {
            return Err(TooManyEmojis);
        }
        let mut reaction = Reaction {
            emoji: emoji.clone(),
            normal: BTreeSet::new(),
            burst: BTreeSet::new(),
        };
        reaction.users_mut(kind).insert(user);
        self.list.push(reaction);
        Ok(true)
    }

    /// Removes `user`'s reaction with `key` (the normal one first, else the burst one); which
    /// one was removed, `None` when there was none.
    pub(crate) fn remove(&mut self, key: &EmojiKey, user: u64) -> Option<ReactionKind> {
        let index = self.list.iter().position(|r| r.emoji.key == *key)?;
        let reaction = &mut self.list[index];
        let kind = [ReactionKind::Normal, ReactionKind::Burst]
            .into_iter()
            .find(|kind| reaction.users_mut(*kind).remove(&user))?;
        if reaction.is_empty() {
            self.list.remove(index);
        }
        Some(kind)
    }

    /// Removes every reaction with `key`; whether there was one.
    pub(crate) fn remove_emoji(&mut self, key: &EmojiKey) -> bool {
        let before = self.list.len();
        self.list.retain(|reaction| reaction.emoji.key != *key);
        self.list.len() != before
    }

    /// Removes every reaction; whether there was one.
    pub(crate) fn clear(&mut self) -> bool {
        let had = !self.list.is_empty();
        self.list.clear();
        had
    }

    /// The users who reacted with `key` and `kind`, by increasing id, after `after`.
    pub(crate) fn users(&self, key: &EmojiKey, kind: ReactionKind, after: u64) -> Vec<u64> {
        self.find(key).map_or_else(Vec::new, |reaction| {
            reaction
                .users(kind)
                .range(after.saturating_add(1)..)
                .copied()
                .collect()
        })
    }

    /// The `reactions` array as the user `viewer` sees it (`me`, `me_burst`); `None` when
    /// there are none.
    pub(crate) fn to_value(&self, viewer: u64) -> Option<Value> {
        if self.list.is_empty() {
            return None;
        }
        let reactions = self
            .list
            .iter()
            .map(|reaction| {
                let burst_colors = if reaction.burst.is_empty() {
                    json!([])
                } else {
                    json!([BURST_COLOR])
                };
                json!({
                    "emoji": reaction.emoji.object,
                    "count": reaction.normal.len() + reaction.burst.len(),
                    "count_details": {"burst": reaction.burst.len(), "normal": reaction.normal.len()},
                    "burst_colors": burst_colors,
                    "me_burst": reaction.burst.contains(&viewer),
                    "me": reaction.normal.contains(&viewer),
                })
            })
            .collect();
        Some(Value::Array(reactions))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unicode(name: &str) -> ReactionEmoji {
        ReactionEmoji {
            key: EmojiKey::Unicode(name.to_owned()),
            object: json!({"id": null, "name": name}),
        }
    }

    #[test]
    fn counts_and_me_follow_the_users() {
        let mut reactions = Reactions::default();
        assert_eq!(reactions.to_value(1), None);
        let thumbs = unicode("👍");
        assert_eq!(reactions.add(&thumbs, 1, ReactionKind::Normal), Ok(true));
        assert_eq!(reactions.add(&thumbs, 1, ReactionKind::Normal), Ok(false));
        assert_eq!(reactions.add(&thumbs, 3, ReactionKind::Burst), Ok(true));
        assert_eq!(reactions.add(&thumbs, 2, ReactionKind::Normal), Ok(true));
        assert_eq!(
            reactions.to_value(1),
            Some(json!([{
                "emoji": {"id": null, "name": "👍"}, "count": 3,
                "count_details": {"burst": 1, "normal": 2}, "burst_colors": [BURST_COLOR],
                "me_burst": false, "me": true
            }]))
        );
        assert_eq!(
            reactions.users(&thumbs.key, ReactionKind::Normal, 0),
            [1, 2]
        );
        assert_eq!(reactions.users(&thumbs.key, ReactionKind::Normal, 1), [2]);
        assert_eq!(reactions.users(&thumbs.key, ReactionKind::Burst, 0), [3]);
        assert_eq!(reactions.remove(&thumbs.key, 3), Some(ReactionKind::Burst));
        assert_eq!(reactions.remove(&thumbs.key, 3), None);
        assert!(reactions.remove(&thumbs.key, 1).is_some());
        assert!(reactions.remove(&thumbs.key, 2).is_some());
        assert!(!reactions.has(&thumbs.key));
        assert_eq!(reactions.to_value(1), None);
    }

    #[test]
    fn at_most_twenty_emojis() {
        let mut reactions = Reactions::default();
        for index in 0..MAX_EMOJIS {
            let emoji = ReactionEmoji {
                key: EmojiKey::Custom(index as u64 + 1),
                object: json!({"id": (index + 1).to_string(), "name": "e"}),
            };
            assert_eq!(reactions.add(&emoji, 1, ReactionKind::Normal), Ok(true));
        }
        assert_eq!(
            reactions.add(&unicode("🔥"), 1, ReactionKind::Normal),
            Err(TooManyEmojis)
        );
        assert!(reactions.remove_emoji(&EmojiKey::Custom(1)));
        assert!(!reactions.remove_emoji(&EmojiKey::Custom(1)));
        assert_eq!(
            reactions.add(&unicode("🔥"), 1, ReactionKind::Normal),
            Ok(true)
        );
        assert!(reactions.clear());
        assert!(!reactions.clear());
    }
}
