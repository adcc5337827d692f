//! The API keys of `--api-keys-file`: parsing and validating the file, and looking a presented
//! key up.
//!
//! File format, one key per line:
//!
//! ```text
//! # NAME      KEY                                 [RPC,RPC,...]
//! aa-mail     3f0c1d9a7b2e4c6f8a0b1c2d3e4f5a6b
//! notifier    9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d    SendDirectMessage,SendChannelMessage
//! auditor     0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f    CallDiscordApi:GET /guilds/{guild_id}/audit-logs, GetGuildChannels
//! ```
//!
//! Fields are separated by whitespace. `NAME` (unique) is what logs and metrics show; `KEY`
//! (unique, at least [`MIN_KEY_LEN`] characters) is the secret clients send as
//! `authorization: Bearer KEY`; the optional RPC list (commas, spaces after commas allowed) names
//! methods of `discord_api.DiscordApi` the key may call; without it the key may call every RPC.
//! An entry `CallDiscordApi:METHOD TEMPLATE` (one space between method and template, e.g.
//! `CallDiscordApi:GET /guilds/{guild_id}/audit-logs`) lets the key call `CallDiscordApi` for
//! that route template only (the template derived from the call's path must match exactly;
//! METHOD is GET, POST, PUT, PATCH or DELETE); a plain `CallDiscordApi` entry allows every
//! route. A `CallDiscordApi` call outside the list is `PERMISSION_DENIED` before any Discord
//! request.
//! A `#` at the start of a line or of a field starts a comment; blank lines are ignored.
//!
//! Keys are kept only as SHA-256 digests and compared in constant time; neither the keys nor
//! their digests are ever logged (`Debug` shows names and RPC lists only).

use sha2::{Digest, Sha256};
use std::{fmt, path::Path, sync::LazyLock};
use subtle::{ConditionallySelectable, ConstantTimeEq};
use thiserror::Error;

/// Shortest key accepted (characters), so that keys cannot be guessed.
pub const MIN_KEY_LEN: usize = 16;

/// The pass-through RPC whose allow-list entries may name route templates.
pub const CALL_DISCORD_API: &str = "CallDiscordApi";

/// Fully qualified name of the protected service.
pub const SERVICE: &str = "discord_api.DiscordApi";

/// The RPC names of `discord_api.DiscordApi` (e.g. `SendDirectMessage`), read from the embedded
/// proto descriptor so that new RPCs are known without a code change here.
pub fn known_rpcs() -> &'static [String] {
    static RPCS: LazyLock<Vec<String>> = LazyLock::new(|| {
        use prost::Message;
        let set = prost_types::FileDescriptorSet::decode(discordproxy_proto::FILE_DESCRIPTOR_SET)
            .expect("the embedded descriptor set is valid");
        set.file
            .iter()
            .filter(|file| file.package() == "discord_api")
            .flat_map(|file| &file.service)
            .filter(|service| service.name() == "DiscordApi")
            .flat_map(|service| &service.method)
            .map(|method| method.name().to_owned())
            .collect()
    });
    &RPCS
}

/// `name` as a `&'static str` if it is an RPC of `discord_api.DiscordApi`.
pub fn known_rpc(name: &str) -> Option<&'static str> {
    known_rpcs()
        .iter()
        .find(|rpc| rpc.as_str() == name)
        .map(String::as_str)
}

/// Why `--api-keys-file` cannot be used. The message names the flag, the file and the line.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("--api-keys-file {file}: {problem}")]
pub struct ApiKeysError {
    /// The file as given on the command line.
    pub file: String,
    /// What is wrong (with the line number where one applies; never the key itself).
    pub problem: String,
}

/// One key: its name, the SHA-256 digest of the secret and the RPCs it may call.
#[derive(Clone)]
pub struct ApiKey {
    name: String,
    digest: [u8; 32],
    /// `None`: every RPC.
    rpcs: Option<Vec<&'static str>>,
    /// `CallDiscordApi` route templates (`GET /guilds/{guild_id}/audit-logs`) of
    /// `CallDiscordApi:METHOD TEMPLATE` entries.
    routes: Vec<String>,
}

impl ApiKey {
    /// The key's name (for logs and the `key` metric label).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether this key may call `rpc` (a method name such as `SendDirectMessage`).
    /// `CallDiscordApi` is allowed by a plain entry or by any `CallDiscordApi:METHOD TEMPLATE`
    /// entry (the route is checked by [`allows_route`](Self::allows_route)).
    pub fn allows(&self, rpc: &str) -> bool {
        self.rpcs.as_ref().is_none_or(|rpcs| rpcs.contains(&rpc))
            || (rpc == CALL_DISCORD_API && !self.routes.is_empty())
    }

    /// Whether this key may call `CallDiscordApi` for the route `template`
    /// (`GET /guilds/{guild_id}/audit-logs`): no RPC list, a plain `CallDiscordApi` entry, or
    /// an entry naming exactly this template.
    pub fn allows_route(&self, template: &str) -> bool {
        self.rpcs
            .as_ref()
            .is_none_or(|rpcs| rpcs.contains(&CALL_DISCORD_API))
            || self.routes.iter().any(|route| route == template)
    }

    /// Whether this key was given no RPC list (it may call every RPC).
    pub fn allows_every_rpc(&self) -> bool {
        self.rpcs.is_none()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKey")
            .field("name", &self.name)
            .field("rpcs", &self.rpcs)
            .field("routes", &self.routes)
            .finish_non_exhaustive()
    }
}

/// The keys of `--api-keys-file` (at least one).
#[derive(Clone, Debug)]
pub struct ApiKeys {
    keys: Vec<ApiKey>,
}

/// `METHOD TEMPLATE` of a `CallDiscordApi:METHOD TEMPLATE` entry, or what is wrong with it.
fn route_entry(method: &str, template: Option<&str>) -> Result<String, String> {
    if !matches!(method, "GET" | "POST" | "PUT" | "PATCH" | "DELETE") {
        return Err("the method must be GET, POST, PUT, PATCH or DELETE".into());
    }
    match template {
        Some(template) if template.starts_with('/') => Ok(format!("{method} {template}")),
        _ => Err(
            "needs a route template after one space, e.g. CallDiscordApi:GET /guilds/{guild_id}/audit-logs"
                .into(),
        ),
    }
}

fn digest(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

impl ApiKeys {
    /// Reads and validates `path`.
    ///
    /// # Errors
    /// [`ApiKeysError`] when the file cannot be read or [`ApiKeys::parse`] refuses it.
    pub fn load(path: &Path) -> Result<Self, ApiKeysError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| ApiKeysError {
            file: file.clone(),
            problem: format!("cannot read the file: {error}"),
        })?;
        Self::parse(&text, &file)
    }

    /// Parses the file format described in the module docs; `file` names the file in errors.
    ///
    /// # Errors
    /// [`ApiKeysError`] for a line without a key, a key shorter than `MIN_KEY_LEN` (16
    /// characters), a duplicate name or key, an RPC that `discord_api.DiscordApi` does not
    /// have, or a file without any key.
    pub fn parse(text: &str, file: &str) -> Result<Self, ApiKeysError> {
        let fail = |line: usize, problem: String| ApiKeysError {
            file: file.to_owned(),
            problem: format!("line {line}: {problem}"),
        };
        let mut keys: Vec<ApiKey> = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let fields: Vec<&str> = line
                .split_whitespace()
                .take_while(|field| !field.starts_with('#'))
                .collect();
            let [name, secret, rest @ ..] = fields.as_slice() else {
                if let [name] = fields.as_slice() {
                    return Err(fail(number, format!("{name:?} has no key")));
                }
                continue;
            };
            if secret.chars().count() < MIN_KEY_LEN {
                return Err(fail(
                    number,
                    format!(
                        "the key of {name:?} is shorter than {MIN_KEY_LEN} characters \
                         (generate one with: openssl rand -hex 32)"
                    ),
                ));
            }
            let mut routes = Vec::new();
            let rpcs = if rest.is_empty() {
                None
            } else {
                let mut rpcs = Vec::new();
                let mut entries = rest
                    .iter()
                    .flat_map(|field| field.split(','))
                    .filter(|rpc| !rpc.is_empty());
                while let Some(rpc) = entries.next() {
                    if let Some(method) = rpc
                        .strip_prefix(CALL_DISCORD_API)
                        .and_then(|rest| rest.strip_prefix(':'))
                    {
                        routes.push(route_entry(method, entries.next()).map_err(|problem| {
                            fail(number, format!("{rpc} for {name:?}: {problem}"))
                        })?);
                        continue;
                    }
                    let known = known_rpc(rpc).ok_or_else(|| {
                        fail(
                            number,
                            format!(
                                "unknown RPC {rpc:?} for {name:?} (RPCs of {SERVICE}: {})",
                                known_rpcs().join(", ")
                            ),
                        )
                    })?;
                    rpcs.push(known);
                }
                Some(rpcs)
            };
            let digest = digest(secret);
            if keys.iter().any(|key| key.name == *name) {
                return Err(fail(number, format!("the name {name:?} is used twice")));
            }
            if keys.iter().any(|key| key.digest == digest) {
                return Err(fail(
                    number,
                    format!("the key of {name:?} is also given to another name"),
                ));
            }
            keys.push(ApiKey {
                name: (*name).to_owned(),
                digest,
                rpcs,
                routes,
            });
        }
        if keys.is_empty() {
            return Err(ApiKeysError {
                file: file.to_owned(),
                problem: "no key in the file (format: NAME KEY [RPC,RPC,...] per line)".into(),
            });
        }
        Ok(Self { keys })
    }

    /// The key whose secret is `presented`, if any.
    ///
    /// The presented secret is hashed and compared with every stored digest in constant time;
    /// all digests are compared whatever matches, so the time taken does not tell which key (if
    /// any) matched.
    pub fn find(&self, presented: &str) -> Option<&ApiKey> {
        let wanted = digest(presented);
        let mut found = u64::MAX;
        for (index, key) in self.keys.iter().enumerate() {
            let index = u64::try_from(index).unwrap_or(u64::MAX);
            found.conditional_assign(&index, key.digest.ct_eq(&wanted));
        }
        usize::try_from(found)
            .ok()
            .and_then(|index| self.keys.get(index))
    }

    /// Names of the keys, in file order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(ApiKey::name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE: &str = "alice-0123456789abcdef";
    const BOT: &str = "bot-fedcba9876543210";

    #[test]
    fn known_rpcs_come_from_the_proto() {
        for rpc in [
            "SendChannelMessage",
            "SendDirectMessage",
            "GetGuildChannels",
            "StreamEvents",
            "GetGatewayStatus",
        ] {
            assert_eq!(known_rpc(rpc), Some(rpc));
        }
        assert_eq!(known_rpc("SendDM"), None);
    }

    #[test]
    fn parses_names_keys_rpc_lists_comments_and_blank_lines() {
        let text = format!(
            "# clients of the proxy\n\n  alice {ALICE}   # all RPCs\nbot {BOT} SendDirectMessage, GetGuildChannels\n"
        );
        let keys = ApiKeys::parse(&text, "keys.txt").unwrap();
        assert_eq!(keys.names().collect::<Vec<_>>(), ["alice", "bot"]);
        let alice = keys.find(ALICE).unwrap();
        assert_eq!(alice.name(), "alice");
        assert!(alice.allows("SendChannelMessage") && alice.allows("StreamEvents"));
        let bot = keys.find(BOT).unwrap();
        assert_eq!(bot.name(), "bot");
        assert!(bot.allows("SendDirectMessage") && bot.allows("GetGuildChannels"));
        assert!(!bot.allows("SendChannelMessage"));
        assert!(keys.find("alice-0123456789abcdeF").is_none());
        assert!(keys.find("").is_none());
    }

    #[test]
    fn call_discord_api_entries_name_route_templates() {
        let text = format!(
            "alice {ALICE} CallDiscordApi:GET /guilds/{{guild_id}}/audit-logs, SendDirectMessage,CallDiscordApi:DELETE /channels/{{channel_id}}\nbot {BOT} CallDiscordApi\n"
        );
        let keys = ApiKeys::parse(&text, "keys.txt").unwrap();
        let alice = keys.find(ALICE).unwrap();
        assert!(alice.allows("CallDiscordApi") && alice.allows("SendDirectMessage"));
        assert!(!alice.allows("SendChannelMessage"));
        assert!(alice.allows_route("GET /guilds/{guild_id}/audit-logs"));
        assert!(alice.allows_route("DELETE /channels/{channel_id}"));
        assert!(!alice.allows_route("GET /guilds/{guild_id}"));
        assert!(!alice.allows_route("PATCH /channels/{channel_id}"));
        let bot = keys.find(BOT).unwrap();
        assert!(bot.allows("CallDiscordApi") && bot.allows_route("GET /anything"));
        assert!(!bot.allows("SendDirectMessage"));
        let plain = ApiKeys::parse(&format!("p {ALICE} SendDirectMessage"), "k").unwrap();
        let plain = plain.find(ALICE).unwrap();
        assert!(!plain.allows("CallDiscordApi"));
        let open = ApiKeys::parse(&format!("o {ALICE}"), "k").unwrap();
        assert!(open.find(ALICE).unwrap().allows_route("GET /x"));

        let error = |text: &str| ApiKeys::parse(text, "keys.txt").unwrap_err().to_string();
        let bad_method = error(&format!(
            "a {ALICE} CallDiscordApi:HEAD /guilds/{{guild_id}}"
        ));
        assert!(
            bad_method.contains("line 1: CallDiscordApi:HEAD"),
            "{bad_method}"
        );
        let missing = error(&format!("a {ALICE} CallDiscordApi:GET"));
        assert!(missing.contains("needs a route template"), "{missing}");
        let no_slash = error(&format!("a {ALICE} CallDiscordApi:GET,SendDirectMessage"));
        assert!(no_slash.contains("needs a route template"), "{no_slash}");
    }

    #[test]
    fn debug_never_shows_keys_or_digests() {
        let keys = ApiKeys::parse(&format!("alice {ALICE}"), "k").unwrap();
        let debug = format!("{keys:?}");
        assert!(debug.contains("alice"), "{debug}");
        assert!(!debug.contains(ALICE), "{debug}");
        let hex: String = digest(ALICE).iter().map(|b| format!("{b:02x}")).collect();
        assert!(!debug.contains(&hex[..8]), "{debug}");
        assert!(!debug.contains("digest"), "{debug}");
    }

    #[test]
    fn refuses_bad_files_naming_the_flag_and_line() {
        let error = |text: &str| ApiKeys::parse(text, "keys.txt").unwrap_err().to_string();
        let unknown = error(&format!("alice {ALICE} SendDM"));
        assert!(
            unknown.starts_with("--api-keys-file keys.txt: line 1: unknown RPC \"SendDM\""),
            "{unknown}"
        );
        assert!(unknown.contains("SendDirectMessage"), "{unknown}");
        assert!(error("alice short").contains("line 1: the key of \"alice\" is shorter"));
        assert!(error("\nalice\n").contains("line 2: \"alice\" has no key"));
        assert!(
            error(&format!("alice {ALICE}\nalice {BOT}")).contains("line 2: the name \"alice\"")
        );
        let reused = error(&format!("alice {ALICE}\nbob {ALICE}"));
        assert!(
            reused.contains("line 2") && !reused.contains(ALICE),
            "{reused}"
        );
        assert!(error("# nothing\n\n").contains("no key in the file"));
        let missing = ApiKeys::load(Path::new("/nonexistent/keys.txt"))
            .unwrap_err()
            .to_string();
        assert!(
            missing.starts_with("--api-keys-file /nonexistent/keys.txt: cannot read"),
            "{missing}"
        );
    }
}
