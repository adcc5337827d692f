//! The `id`s Discord gives message components
//! ([docs](https://discord.com/developers/docs/components/reference#anatomy-of-a-component)):
//! a component sent without one gets the next free integer, counting from 1 in the order the
//! components appear (depth first, through nested `components` and a section's `accessory`).

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::{Checker, at, chars};

/// Most action rows a message without IS_COMPONENTS_V2 may have.
const ACTION_ROWS_MAX: usize = 5;
/// Most buttons in one action row.
const ROW_WIDTH_MAX: usize = 5;
/// Longest `custom_id`.
const CUSTOM_ID_MAX: usize = 100;
/// Longest button `label`.
const LABEL_MAX: usize = 80;
/// Most options of a string select.
const OPTIONS_MAX: usize = 25;
/// Most components (counting nested ones) of an IS_COMPONENTS_V2 message.
const V2_TOTAL_MAX: usize = 40;

/// Checks `components` (at `components`) as Discord does for a message
/// ([reference](https://discord.com/developers/docs/components/reference)): without
/// IS_COMPONENTS_V2 (`v2` false) at most 5 action rows, each with 1–5 buttons or one select;
/// with it, the layout types (section, text display, media gallery, file, separator,
/// container) at the top level too and at most 40 components in all. Buttons: style 1–6, a
/// `custom_id` (≤ 100) unless a link (`url`) or premium (`sku_id`) button, `label` ≤ 80; string
/// selects: 1–25 options with `label` and `value`; selects need a `custom_id`; text inputs
/// belong to modals, not messages.
pub(super) fn check(check: &mut Checker, components: &[Value], v2: bool) {
    let path = vec!["components".to_owned()];
    if !v2 && components.len() > ACTION_ROWS_MAX {
        check.error(
            &path,
            "BASE_TYPE_MAX_LENGTH",
            format!("Must be {ACTION_ROWS_MAX} or fewer in length."),
        );
    }
    let mut total = 0;
    for (index, component) in components.iter().enumerate() {
        let path = at(&path, index);
        let allowed: &[u64] = if v2 {
            &[1, 9, 10, 12, 13, 14, 17]
        } else {
            &[1]
        };
        component_at(check, &path, component, allowed, v2, &mut total);
    }
    if v2 && total > V2_TOTAL_MAX {
        check.error(
            &path,
            "COMPONENT_MAX_TOTAL_COMPONENTS_EXCEEDED",
            format!(
                "The specified component exceeds the maximum number of components ({V2_TOTAL_MAX})."
            ),
        );
    }
}

/// An error at `path` + `key`.
fn error_at(check: &mut Checker, path: &[String], key: &str, code: &str, message: &str) {
    check.error(&at(path, key), code, message);
}

/// A required string of at most `max` characters under `key`.
fn required_string(
    check: &mut Checker,
    path: &[String],
    object: &Map<String, Value>,
    key: &str,
    max: usize,
) {
    match object.get(key) {
        None | Some(Value::Null) => {
            error_at(
                check,
                path,
                key,
                "BASE_TYPE_REQUIRED",
                "This field is required",
            );
        }
        Some(value) => optional_string(check, path, object, key, max, Some(value)),
    }
}

/// An optional string of at most `max` characters under `key`.
fn optional_string(
    check: &mut Checker,
    path: &[String],
    _object: &Map<String, Value>,
    key: &str,
    max: usize,
    value: Option<&Value>,
) {
    let path = at(path, key);
    if let Some(text) = value.and_then(|value| check.string(&path, value)) {
        check.max_len(&path, &text, max);
    }
}

/// Checks one component of a type in `allowed`.
fn component_at(
    check: &mut Checker,
    path: &[String],
    value: &Value,
    allowed: &[u64],
    v2: bool,
    total: &mut usize,
) {
    *total += 1;
    let Some(object) = check.object(path, value) else {
        return;
    };
    let kind = match object.get("type") {
        Some(value) => match value.as_u64() {
            Some(kind) => kind,
            None => {
                check.not_int(&at(path, "type"), value);
                return;
            }
        },
        None => {
            error_at(
                check,
                path,
                "type",
                "BASE_TYPE_REQUIRED",
                "This field is required",
            );
            return;
        }
    };
    if !allowed.contains(&kind) {
        check.error(
            &at(path, "type"),
            "UNION_TYPE_CHOICES",
            format!(
                "Value of field \"type\" must be one of ({}).",
                allowed
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        return;
    }
    let children =
        |check: &mut Checker, allowed: &[u64], min: usize, max: usize, total: &mut usize| {
            let path = at(path, "components");
            let items = match object.get("components") {
                Some(value) => check.list(&path, value).cloned().unwrap_or_default(),
                None => Vec::new(),
            };
            if items.len() < min {
                check.error(
                    &path,
                    "BASE_TYPE_MIN_LENGTH",
                    format!("Must be {min} or more in length."),
                );
            } else if items.len() > max {
                check.error(
                    &path,
                    "BASE_TYPE_MAX_LENGTH",
                    format!("Must be {max} or fewer in length."),
                );
            }
            for (index, item) in items.iter().enumerate() {
                component_at(check, &at(&path, index), item, allowed, v2, total);
            }
            items
        };
    match kind {
        // Action row: 1–5 buttons, or one select.
        1 => {
            let items = children(check, &[2, 3, 5, 6, 7, 8], 1, ROW_WIDTH_MAX, total);
            let selects = items
                .iter()
                .filter(|item| {
                    item.get("type")
                        .and_then(Value::as_u64)
                        .is_some_and(|kind| kind != 2)
                })
                .count();
            if selects > 0 && items.len() > 1 {
                check.error(
                    &at(path, "components"),
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "The specified component exceeds the maximum width",
                );
            }
        }
        2 => button(check, path, object),
        3 => {
            required_string(check, path, object, "custom_id", CUSTOM_ID_MAX);
            optional_string(
                check,
                path,
                object,
                "placeholder",
                150,
                object.get("placeholder"),
            );
            let options_path = at(path, "options");
            let options = match object.get("options") {
                Some(value) => check
                    .list(&options_path, value)
                    .cloned()
                    .unwrap_or_default(),
                None => Vec::new(),
            };
            if options.is_empty() {
                error_at(
                    check,
                    path,
                    "options",
                    "BASE_TYPE_REQUIRED",
                    "This field is required",
                );
            } else if options.len() > OPTIONS_MAX {
                check.error(
                    &options_path,
                    "BASE_TYPE_MAX_LENGTH",
                    format!("Must be {OPTIONS_MAX} or fewer in length."),
                );
            }
            for (index, option) in options.iter().enumerate() {
                let path = at(&options_path, index);
                if let Some(option) = check.object(&path, option) {
                    required_string(check, &path, option, "label", 100);
                    required_string(check, &path, option, "value", 100);
                    optional_string(
                        check,
                        &path,
                        option,
                        "description",
                        100,
                        option.get("description"),
                    );
                }
            }
            min_max(check, path, object);
        }
        4 => check.error(
            &at(path, "type"),
            "COMPONENT_TYPE_INVALID",
            "Text inputs can only be used in modals.",
        ),
        5..=8 => {
            required_string(check, path, object, "custom_id", CUSTOM_ID_MAX);
            optional_string(
                check,
                path,
                object,
                "placeholder",
                150,
                object.get("placeholder"),
            );
            min_max(check, path, object);
        }
        // Section: 1–3 text displays and an accessory (button or thumbnail).
        9 => {
            children(check, &[10], 1, 3, total);
            match object.get("accessory") {
                None | Some(Value::Null) => {
                    error_at(
                        check,
                        path,
                        "accessory",
                        "BASE_TYPE_REQUIRED",
                        "This field is required",
                    );
                }
                Some(accessory) => {
                    component_at(
                        check,
                        &at(path, "accessory"),
                        accessory,
                        &[2, 11],
                        v2,
                        total,
                    );
                }
            }
        }
        10 => required_string(check, path, object, "content", 4000),
        11 => media(check, &at(path, "media"), object.get("media")),
        12 => {
            let items_path = at(path, "items");
            let items = match object.get("items") {
                Some(value) => check.list(&items_path, value).cloned().unwrap_or_default(),
                None => Vec::new(),
            };
            if items.is_empty() || items.len() > 10 {
                check.error(
                    &items_path,
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 10 in length.",
                );
            }
            for (index, item) in items.iter().enumerate() {
                let path = at(&items_path, index);
                if let Some(item) = check.object(&path, item) {
                    media(check, &at(&path, "media"), item.get("media"));
                }
            }
        }
        13 => media(check, &at(path, "file"), object.get("file")),
        14 => {}
        17 => {
            children(check, &[1, 9, 10, 12, 13, 14], 1, V2_TOTAL_MAX, total);
        }
        _ => {}
    }
    if kind >= 9 && !v2 {
        check.error(
            &at(path, "type"),
            "COMPONENT_V2_REQUIRED",
            "This component requires the IS_COMPONENTS_V2 message flag.",
        );
    }
}

/// A button: style, custom_id / url / sku_id by style, label length.
fn button(check: &mut Checker, path: &[String], object: &Map<String, Value>) {
    let style = object.get("style").and_then(Value::as_u64);
    match style {
        Some(1..=4) => required_string(check, path, object, "custom_id", CUSTOM_ID_MAX),
        Some(5) => {
            required_string(check, path, object, "url", 512);
            if object
                .get("custom_id")
                .is_some_and(|value| !value.is_null())
            {
                error_at(
                    check,
                    path,
                    "custom_id",
                    "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED",
                    "A custom id cannot be used with link buttons.",
                );
            }
        }
        Some(6) => required_string(check, path, object, "sku_id", 20),
        _ => error_at(
            check,
            path,
            "style",
            "UNION_TYPE_CHOICES",
            "Value of field \"style\" must be one of (1, 2, 3, 4, 5, 6).",
        ),
    }
    optional_string(check, path, object, "label", LABEL_MAX, object.get("label"));
    if style != Some(6)
        && object.get("label").is_none_or(Value::is_null)
        && object.get("emoji").is_none_or(Value::is_null)
    {
        error_at(
            check,
            path,
            "label",
            "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED",
            "A label or an emoji is required.",
        );
    }
}

/// `min_values` 0–25 and `max_values` 1–25 of a select.
fn min_max(check: &mut Checker, path: &[String], object: &Map<String, Value>) {
    for (key, min) in [("min_values", 0), ("max_values", 1)] {
        if let Some(value) = object.get(key).filter(|value| !value.is_null()) {
            match value.as_u64() {
                Some(number) if (min..=25).contains(&number) => {}
                Some(_) => error_at(
                    check,
                    path,
                    key,
                    "NUMBER_TYPE_MAX",
                    &format!("int value should be between {min} and 25."),
                ),
                None => check.not_int(&at(path, key), value),
            }
        }
    }
}

/// An unfurled media item `{"url": …}` (http(s) or `attachment://`).
fn media(check: &mut Checker, path: &[String], value: Option<&Value>) {
    let Some(value) = value else {
        check.error(path, "BASE_TYPE_REQUIRED", "This field is required");
        return;
    };
    if let Some(object) = check.object(path, value) {
        match object.get("url").and_then(Value::as_str) {
            Some(url) if chars(url) > 0 => {}
            _ => error_at(
                check,
                path,
                "url",
                "BASE_TYPE_REQUIRED",
                "This field is required",
            ),
        }
    }
}

/// Fills in the missing `id`s of `components` (and of their children).
pub(crate) fn fill_ids(components: &mut [Value]) {
    let mut taken = HashSet::new();
    for component in components.iter() {
        collect_ids(component, &mut taken);
    }
    let mut next = 1;
    for component in components.iter_mut() {
        assign_ids(component, &taken, &mut next);
    }
}

/// The children of a component: its `components` and its `accessory`.
fn children(component: &Value) -> impl Iterator<Item = &Value> {
    let nested = component
        .get("components")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    nested.chain(component.get("accessory").filter(|value| value.is_object()))
}

/// Records every `id` already set.
fn collect_ids(component: &Value, taken: &mut HashSet<u64>) {
    if let Some(id) = component.get("id").and_then(Value::as_u64) {
        taken.insert(id);
    }
    for child in children(component) {
        collect_ids(child, taken);
    }
}

/// Gives `component` and its children the next free ids where they have none.
fn assign_ids(component: &mut Value, taken: &HashSet<u64>, next: &mut u64) {
    let Some(object) = component.as_object_mut() else {
        return;
    };
    if object.get("id").is_none_or(Value::is_null) {
        while taken.contains(next) {
            *next += 1;
        }
        object.insert("id".to_owned(), Value::from(*next));
        *next += 1;
    }
    if let Some(Value::Array(nested)) = object.get_mut("components") {
        for child in nested {
            assign_ids(child, taken, next);
        }
    }
    if let Some(accessory) = object
        .get_mut("accessory")
        .filter(|value| value.is_object())
    {
        assign_ids(accessory, taken, next);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn missing_ids_are_numbered_depth_first_around_taken_ones() {
        let mut components = vec![
            json!({"type": 1, "components": [
                {"type": 2, "style": 1, "custom_id": "a"},
                {"type": 2, "style": 1, "custom_id": "b", "id": 2}
            ]}),
            json!({"type": 9, "components": [{"type": 10, "content": "t"}],
                   "accessory": {"type": 11, "media": {"url": "https://x/y.png"}}}),
        ];
        fill_ids(&mut components);
        let ids = |value: &Value| value["id"].clone();
        assert_eq!(ids(&components[0]), json!(1));
        assert_eq!(ids(&components[0]["components"][0]), json!(3));
        assert_eq!(ids(&components[0]["components"][1]), json!(2));
        assert_eq!(ids(&components[1]), json!(4));
        assert_eq!(ids(&components[1]["components"][0]), json!(5));
        assert_eq!(ids(&components[1]["accessory"]), json!(6));
        // Items that are not objects are left alone.
        let mut odd = vec![json!(5)];
        fill_ids(&mut odd);
        assert_eq!(odd, vec![json!(5)]);
    }
}
