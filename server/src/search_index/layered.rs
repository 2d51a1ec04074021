//! An index that takes changes without being rebuilt: the index as built (`base`, shared
//! by every snapshot until the next full build), the positions in it whose services have
//! changed since (`hidden`), and a small index of those services as they are now
//! (`recent`). A search asks both and merges their pages in the search's own order.
//!
//! Why: rebuilding the whole index for one edited offering costs about a second at city
//! scale; with organizations editing all day that is a steady state. A change costs a
//! rebuild of `recent` only (a few hundred services), and the store folds `recent` into a
//! new base in the background once it grows (`store::directory_cache`).

use super::{Hidden, Hits, IndexedService, Ranked, SearchIndex};
use app::domain::geo::LocalPlane;
use app::domain::search::{ServiceSearch, SortOrder};
use std::sync::Arc;

/// A built index with the changes since laid over it.
#[derive(Debug, Default)]
pub struct Layered {
    base: Arc<SearchIndex>,
    hidden: Hidden,
    recent: SearchIndex,
}

impl Layered {
    /// The index as built, with nothing changed since.
    pub fn new(base: SearchIndex) -> Self {
        Self {
            base: Arc::new(base),
            ..Self::default()
        }
    }

    /// The same base, with `changed` services (by id) left out of it and `current` (the
    /// changed services still listed, as they are now) answered beside it.
    pub fn with_changes(&self, changed: impl IntoIterator<Item = i64>, current: Vec<IndexedService>) -> Self {
        let mut hidden = Hidden::default();
        for id in changed {
            if let Some(position) = self.base.position(id) {
                hidden.insert(position);
            }
        }
        Self {
            base: self.base.clone(),
            hidden,
            recent: SearchIndex::build(current),
        }
    }

    /// Bytes held by the built index and the recent one, and by their text parts.
    pub fn heap_bytes(&self) -> (usize, usize) {
        let (base, recent) = (self.base.heap_bytes(), self.recent.heap_bytes());
        (base.0 + recent.0 + self.hidden.heap_bytes(), base.1 + recent.1)
    }

    /// How many services are listed.
    pub fn len(&self) -> usize {
        self.base.len() - self.hidden.len() + self.recent.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The services changed since the base was built.
    pub fn changed(&self) -> usize {
        self.hidden.len() + self.recent.len()
    }

    /// The page and total that the SQL search would return. `name` gives a listed
    /// service's name in the search's language: the by-name order merges by it.
    pub fn search<'a>(&self, search: &ServiceSearch, name: impl Fn(i64) -> &'a str) -> Hits {
        let offset = search.paging.offset() as usize;
        if self.hidden.is_empty() && self.recent.is_empty() {
            return self.base.search(search);
        }
        let hidden = (!self.hidden.is_empty()).then_some(&self.hidden);
        let base = self.base.search_first(search, hidden);
        let recent = self.recent.search_first(search, None);
        let total = base.total + recent.total;
        let wanted = (offset + search.paging.limit() as usize).min(total as usize);
        let plane = search.near.map(LocalPlane::new);
        let index = |from_recent: bool| if from_recent { &self.recent } else { &*self.base };
        let at = |index: &SearchIndex, id: i64| index.position(id).expect("an id the index answered");
        let ids = match (search.sort, &plane) {
            (SortOrder::Rating, _) => merge(&base.ids, &recent.ids, wanted, |id, from_recent| {
                let index = index(from_recent);
                index.rated(at(index, id), plane.as_ref())
            }),
            (SortOrder::Nearest, Some(plane)) => merge(&base.ids, &recent.ids, wanted, |id, from_recent| {
                let index = index(from_recent);
                let i = at(index, id);
                Ranked {
                    d2: plane.squared_distance_m2(index.latitudes[i], index.longitudes[i]),
                    id,
                }
            }),
            (SortOrder::Nearest, None) => merge(&base.ids, &recent.ids, wanted, |id, _| (name(id).as_bytes(), id)),
        };
        Hits {
            total,
            ids: ids.into_iter().skip(offset).collect(),
        }
    }
}

/// The first `wanted` of two lists each already in order, by `key(id, from_second)`.
fn merge<K: Ord>(first: &[i64], second: &[i64], wanted: usize, key: impl Fn(i64, bool) -> K) -> Vec<i64> {
    let mut merged = Vec::with_capacity(wanted);
    let (mut a, mut b) = (first.iter().peekable(), second.iter().peekable());
    while merged.len() < wanted {
        let take_first = match (a.peek(), b.peek()) {
            (Some(&&x), Some(&&y)) => key(x, false) <= key(y, true),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        merged.push(*if take_first { a.next() } else { b.next() }.expect("peeked"));
    }
    merged
}
