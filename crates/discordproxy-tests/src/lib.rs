//! Test support shared by the end-to-end suites: an in-process [`stack::Stack`] of emulator
//! and server, real `redis-server` and `discordproxyserver` processes for the tests of several
//! instances ([`redis_server`], [`instance`]), and a judge built from Discord's official OpenAPI
//! description (`shared/reference/discord-api-spec/openapi.json`), so that neither our emulator
//! nor our server is only checked against our own understanding of Discord.

pub mod bulk_dm;
pub mod instance;
pub mod openapi;
pub mod redis_server;
pub mod stack;
