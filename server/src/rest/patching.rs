//! Edits over JSON: a merge patch (RFC 7396) of a resource's typed fields, checked whole
//! after merging, and the `If-Match` revision that refuses an edit made from a stale read.

use super::error::ApiError;
use app::domain::message::Message;
use app::domain::validation::FieldError;
use axum::http::HeaderMap;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The revision an `If-Match` names (`"3"` or `3`); absent means "whatever is current".
pub fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get(http::header::IF_MATCH) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|v| v.parse::<i64>().ok())
        .map(Some)
        .ok_or_else(|| {
            FieldError::new(
                "If-Match",
                "应为您读到的版本号（ETag）",
                "must be the ETag you read, e.g. \"3\"",
            )
            .into()
        })
}

/// `current`'s fields with `patch` merged in, parsed back: unknown fields and wrong types
/// are refused by name; what the values mean is the use case's to check.
pub fn merged<T: Serialize + DeserializeOwned>(current: &T, patch: serde_json::Value) -> Result<T, ApiError> {
    if !patch.is_object() {
        return Err(FieldError::new(
            "body",
            "应为一个 JSON 对象",
            "must be a JSON object of the fields to change",
        )
        .into());
    }
    let mut merged = serde_json::to_value(current).expect("typed fields serialize");
    merge_patch(&mut merged, patch);
    serde_json::from_value(merged).map_err(|e| {
        let detail = e.to_string();
        ApiError::from(FieldError::with(
            "body",
            Message::owned(format!("内容格式不对：{detail}"), format!("is not valid: {detail}")),
        ))
    })
}

/// RFC 7396: objects merge key by key, `null` removes, anything else replaces.
fn merge_patch(target: &mut serde_json::Value, patch: serde_json::Value) {
    match (target, patch) {
        (serde_json::Value::Object(t), serde_json::Value::Object(p)) => {
            for (key, value) in p {
                if value.is_null() {
                    t.remove(&key);
                } else {
                    merge_patch(t.entry(key).or_insert(serde_json::Value::Null), value);
                }
            }
        }
        (t, p) => *t = p,
    }
}

#[cfg(test)]
mod tests {
    use super::merge_patch;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut doc = json!({"a": "b", "c": {"d": "e", "f": "g"}, "k": [1]});
        merge_patch(&mut doc, json!({"a": "z", "c": {"f": null}, "k": [2, 3], "n": 1}));
        assert_eq!(doc, json!({"a": "z", "c": {"d": "e"}, "k": [2, 3], "n": 1}));
    }
}
