//! `GET /soundboard-default-sounds`
//! ([docs](https://discord.com/developers/docs/resources/soundboard#list-default-soundboard-sounds)).
//!
//! py-cord asks for it before dispatching `on_ready`. The emulator has no sounds: the answer is
//! an empty list (a valid `SoundboardSoundResponse[]`).

use axum::Json;
use serde_json::Value;

/// `GET /soundboard-default-sounds` → `[]`.
pub(super) async fn default_sounds() -> Json<Vec<Value>> {
    Json(Vec::new())
}
