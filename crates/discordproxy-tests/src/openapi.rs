//! Validates request and response bodies against Discord's OpenAPI 3.1 description.
//!
//! Each operation's schema is compiled as a JSON Schema draft 2020-12 document whose
//! `components` are the spec's, so `$ref: "#/components/schemas/..."` resolves inside it.
//! Known differences between the spec and real Discord (listed in the spec's `SOURCE.md`) only
//! concern error bodies, which are not validated here.

use jsonschema::{Draft, Validator};
use serde_json::{Value, json};
use std::{collections::HashMap, path::PathBuf, sync::Mutex};

/// Environment variable that overrides the spec's location.
pub const SPEC_ENV: &str = "DISCORD_OPENAPI_SPEC";

/// Discord's OpenAPI document with compiled validators, cached per schema.
pub struct Spec {
    document: Value,
    validators: Mutex<HashMap<String, std::sync::Arc<Validator>>>,
}

/// What was validated, for reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// `METHOD /template` of the operation.
    pub operation: String,
    /// `request` or `response <status>`.
    pub part: String,
}

impl Spec {
    /// The spec's default path: `shared/` beside the project root.
    pub fn default_path() -> PathBuf {
        std::env::var_os(SPEC_ENV)
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                    .join("../../../shared/reference/discord-api-spec/openapi.json")
            })
    }

    /// Loads the spec.
    ///
    /// # Panics
    /// When the file is missing or not JSON: the judge must fail loudly, never skip.
    pub fn load() -> Self {
        let path = Self::default_path();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|error| {
            panic!(
                "Discord's OpenAPI spec is required at {} (or ${SPEC_ENV}): {error}",
                path.display()
            )
        });
        let document = serde_json::from_str(&text).expect("openapi.json is JSON");
        Self {
            document,
            validators: Mutex::new(HashMap::new()),
        }
    }

    /// The spec's path template and operation for a concrete request, e.g.
    /// `POST /api/v10/channels/123/messages` → `/channels/{channel_id}/messages`.
    pub fn operation(&self, method: &str, path: &str) -> Option<(String, &Value)> {
        let path = path.split('?').next().unwrap_or(path);
        let path = strip_version(path);
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let paths = self.document["paths"].as_object()?;
        // Prefer literal matches (`/users/@me`) over templates (`/users/{user_id}`).
        let mut best: Option<(usize, &String, &Value)> = None;
        for (template, item) in paths {
            let parts: Vec<&str> = template.trim_matches('/').split('/').collect();
            if parts.len() != segments.len() {
                continue;
            }
            let mut literals = 0;
            let matches = parts.iter().zip(&segments).all(|(part, segment)| {
                if part.starts_with('{') {
                    true
                } else {
                    literals += 1;
                    part == segment
                }
            });
            let Some(operation) = item.get(method.to_ascii_lowercase()) else {
                continue;
            };
            if matches && best.is_none_or(|(count, _, _)| literals > count) {
                best = Some((literals, template, operation));
            }
        }
        best.map(|(_, template, operation)| (template.clone(), operation))
    }

    /// Validates a JSON request body against the operation's `application/json` schema.
    ///
    /// # Errors
    /// The validation errors, or why the operation is unknown.
    pub fn validate_request(
        &self,
        method: &str,
        path: &str,
        body: &Value,
    ) -> Result<Checked, String> {
        let (template, operation) = self
            .operation(method, path)
            .ok_or_else(|| format!("{method} {path}: no such operation in Discord's spec"))?;
        let schema = operation
            .pointer("/requestBody/content/application~1json/schema")
            .ok_or_else(|| format!("{method} {template}: the spec has no JSON request body"))?;
        self.validate(schema, body)
            .map_err(|e| format!("{method} {template} request: {e}"))?;
        Ok(Checked {
            operation: format!("{method} {template}"),
            part: "request".into(),
        })
    }

    /// Validates the `payload_json` of a `multipart/form-data` request against the
    /// operation's multipart request schema, and that every file part name (`files[n]`) is a
    /// property that schema declares.
    ///
    /// # Errors
    /// The validation errors, or why the operation has no multipart body in the spec.
    pub fn validate_multipart_request(
        &self,
        method: &str,
        path: &str,
        payload_json: &Value,
        part_names: &[&str],
    ) -> Result<Checked, String> {
        let (template, operation) = self
            .operation(method, path)
            .ok_or_else(|| format!("{method} {path}: no such operation in Discord's spec"))?;
        let schema = operation
            .pointer("/requestBody/content/multipart~1form-data/schema")
            .ok_or_else(|| {
                format!("{method} {template}: the spec has no multipart request body")
            })?;
        self.validate(schema, payload_json)
            .map_err(|e| format!("{method} {template} multipart request: {e}"))?;
        let declared = |name: &str| {
            schema["allOf"].as_array().is_some_and(|parts| {
                parts
                    .iter()
                    .any(|part| part.pointer(&format!("/properties/{name}")).is_some())
            })
        };
        for name in part_names.iter().filter(|name| **name != "payload_json") {
            if !declared(name) {
                return Err(format!(
                    "{method} {template}: the spec's multipart schema has no part {name:?}"
                ));
            }
        }
        Ok(Checked {
            operation: format!("{method} {template}"),
            part: "multipart request".into(),
        })
    }

    /// Validates a JSON response body for `status` (only 2xx are meaningful here).
    ///
    /// # Errors
    /// The validation errors, or why the operation/status is unknown.
    pub fn validate_response(
        &self,
        method: &str,
        path: &str,
        status: u16,
        body: &Value,
    ) -> Result<Checked, String> {
        let (template, operation) = self
            .operation(method, path)
            .ok_or_else(|| format!("{method} {path}: no such operation in Discord's spec"))?;
        let schema = operation
            .pointer(&format!(
                "/responses/{status}/content/application~1json/schema"
            ))
            .ok_or_else(|| {
                format!("{method} {template}: the spec has no JSON {status} response")
            })?;
        self.validate(schema, body)
            .map_err(|e| format!("{method} {template} response {status}: {e}"))?;
        Ok(Checked {
            operation: format!("{method} {template}"),
            part: format!("response {status}"),
        })
    }

    fn validate(&self, schema: &Value, instance: &Value) -> Result<(), String> {
        let validator = self.validator(schema)?;
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .take(5)
            .map(|error| format!("at {}: {}", error.instance_path(), error))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    }

    fn validator(&self, schema: &Value) -> Result<std::sync::Arc<Validator>, String> {
        let key = schema.to_string();
        let mut cache = self
            .validators
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(validator) = cache.get(&key) {
            return Ok(std::sync::Arc::clone(validator));
        }
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "allOf": [schema],
            "components": self.document["components"],
        });
        let validator = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .build(&root)
            .map_err(|error| format!("compiling the spec's schema failed: {error}"))?;
        let validator = std::sync::Arc::new(validator);
        cache.insert(key, std::sync::Arc::clone(&validator));
        Ok(validator)
    }
}

/// `/api/v10/x` → `/x` (also `/api/v9/x` and unversioned `/api/x`).
fn strip_version(path: &str) -> &str {
    let rest = path.strip_prefix("/api").unwrap_or(path);
    match rest.strip_prefix("/v") {
        Some(versioned) => versioned.find('/').map_or(rest, |i| &versioned[i..]),
        None => rest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_api_prefix_and_version() {
        assert_eq!(strip_version("/api/v10/channels/1"), "/channels/1");
        assert_eq!(strip_version("/api/v9/users/@me"), "/users/@me");
        assert_eq!(strip_version("/api/gateway"), "/gateway");
    }

    #[test]
    fn literal_paths_win_over_templates() {
        let spec = Spec::load();
        let (template, _) = spec.operation("GET", "/api/v10/users/@me").unwrap();
        assert_eq!(template, "/users/@me");
        let (template, _) = spec.operation("GET", "/api/v10/users/123").unwrap();
        assert_eq!(template, "/users/{user_id}");
        let (template, _) = spec
            .operation("POST", "/api/v10/channels/9/messages")
            .unwrap();
        assert_eq!(template, "/channels/{channel_id}/messages");
    }

    #[test]
    fn the_judge_rejects_bodies_discord_would_reject() {
        let spec = Spec::load();
        let ok = json!({"content": "hi", "embeds": [{"title": "t", "fields": [{"name": "n", "value": "v", "inline": true}]}]});
        spec.validate_request("POST", "/api/v10/channels/1/messages", &ok)
            .unwrap();
        let too_many_embeds = json!({"embeds": vec![json!({"title": "t"}); 11]});
        assert!(
            spec.validate_request("POST", "/api/v10/channels/1/messages", &too_many_embeds)
                .is_err()
        );
        let wrong_type = json!({"content": 5});
        assert!(
            spec.validate_request("POST", "/api/v10/channels/1/messages", &wrong_type)
                .is_err()
        );
        let user_missing_id = json!({"username": "x"});
        assert!(
            spec.validate_response("GET", "/api/v10/users/1", 200, &user_missing_id)
                .is_err()
        );
    }
}
