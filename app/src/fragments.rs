//! HTML fragments that are the same for everyone who sees them, rendered once.
//!
//! The place picker lists every community of the district (300 in the generated city):
//! the same markup for every resident until the grid changes, and a large share of the
//! home page's rendering. It is rendered once per language and content and inserted as
//! HTML. The key is a hash of what the fragment shows, not a version number, so a changed
//! grid can never be served from a stale entry.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};

/// Enough for both languages across a change of the grid.
const ENTRIES: usize = 8;

static CACHE: Mutex<Vec<(u64, Arc<str>)>> = Mutex::new(Vec::new());

/// The key of a fragment: what kind it is and everything it shows.
pub fn key(kind: &str, content: &impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    kind.hash(&mut hasher);
    content.hash(&mut hasher);
    hasher.finish()
}

/// The fragment under `key`, rendered by `render` the first time it is asked for.
pub fn cached(key: u64, render: impl FnOnce() -> String) -> Arc<str> {
    if let Some(hit) = lookup(key) {
        return hit;
    }
    // Rendered outside the lock: two requests may both render a new fragment once.
    let html: Arc<str> = render().into();
    let mut cache = CACHE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if !cache.iter().any(|(k, _)| *k == key) {
        if cache.len() == ENTRIES {
            cache.remove(0);
        }
        cache.push((key, html.clone()));
    }
    html
}

fn lookup(key: u64) -> Option<Arc<str>> {
    let cache = CACHE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    cache.iter().find(|(k, _)| *k == key).map(|(_, html)| html.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_once_per_content_and_again_when_it_changes() {
        let mut renders = 0;
        let a = key("test-fragment", &vec![(1u64, "南桥社区")]);
        let first = cached(a, || {
            renders += 1;
            "<option>南桥社区</option>".to_owned()
        });
        let again = cached(a, || {
            renders += 1;
            String::new()
        });
        assert_eq!(
            (renders, &*first, &*again),
            (1, "<option>南桥社区</option>", "<option>南桥社区</option>")
        );
        let b = key("test-fragment", &vec![(1u64, "南桥社区"), (2, "玉林东路社区")]);
        assert_ne!(a, b);
        let changed = cached(b, || {
            renders += 1;
            "<option>南桥社区</option><option>玉林东路社区</option>".to_owned()
        });
        assert_eq!(renders, 2);
        assert!(changed.contains("玉林东路社区"));
    }
}
