//! The `id`s Discord gives message components
//! ([docs](https://discord.com/developers/docs/components/reference#anatomy-of-a-component)):
//! a component sent without one gets the next free integer, counting from 1 in the order the
//! components appear (depth first, through nested `components` and a section's `accessory`).

use std::collections::HashSet;

use serde_json::Value;

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
