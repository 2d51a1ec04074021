//! Text matching as the SQL search does it: `search_text LIKE '%' || fold(text) || '%'`,
//! on the text stored folded (`domain::fold`): names and descriptions in both languages,
//! joined by a separator no folded query contains.
//!
//! Because no query contains the separator, a match lies inside one field, so each
//! service's text is kept in two parts: its own (the names, before the second separator),
//! back to back in one buffer, and the rest (the descriptions), kept once however many
//! services share it. A search tests each distinct description once and remembers the
//! answer: organizations describe their offerings alike, so a text search at the city
//! centre tests a few hundred descriptions instead of tens of thousands, and memory holds
//! one copy of each.

use app::domain::fold::FIELD_SEPARATOR;
use memchr::memmem::Finder;
use std::cell::RefCell;
use std::collections::HashMap;

/// A service with no shared part.
const NO_SHARED: u32 = u32::MAX;

/// Every service's search text.
#[derive(Debug, Default)]
pub struct TextArena {
    own: Vec<u8>,
    /// `ends[i]` is where service `i`'s own text ends; it starts where `i - 1`'s ended.
    ends: Vec<u32>,
    /// Which shared text each service has ([`NO_SHARED`] for none).
    shared_of: Vec<u32>,
    shared: Vec<Box<str>>,
    /// Shared texts seen while building, to keep each once; emptied by [`Self::finish`].
    building: HashMap<Box<str>, u32>,
}

/// What a search has learnt about the shared texts.
const UNKNOWN: u8 = 0;
const ABSENT: u8 = 1;
const PRESENT: u8 = 2;

/// A folded search text, prepared once per search.
pub struct Needle<'a> {
    finder: Finder<'a>,
    /// Per shared text: [`UNKNOWN`], [`ABSENT`] or [`PRESENT`].
    memo: RefCell<Vec<u8>>,
}

impl<'a> Needle<'a> {
    /// `folded` must be [`fold`](app::domain::fold::fold)ed.
    pub fn new(folded: &'a str) -> Self {
        Self {
            finder: Finder::new(folded.as_bytes()),
            memo: RefCell::default(),
        }
    }
}

impl TextArena {
    /// Adds the next service's text, already folded and joined.
    pub fn push(&mut self, search_text: &str) {
        let split = search_text
            .match_indices(FIELD_SEPARATOR)
            .nth(1)
            .map_or(search_text.len(), |(at, _)| at);
        let (own, shared) = search_text.split_at(split);
        self.own.extend(own.bytes());
        self.ends.push(self.own.len() as u32);
        let shared_id = if shared.is_empty() {
            NO_SHARED
        } else {
            match self.building.get(shared) {
                Some(&id) => id,
                None => {
                    let id = self.shared.len() as u32;
                    self.shared.push(shared.into());
                    self.building.insert(shared.into(), id);
                    id
                }
            }
        };
        self.shared_of.push(shared_id);
    }

    /// Forgets what only building needed.
    pub fn finish(&mut self) {
        self.building = HashMap::new();
        self.own.shrink_to_fit();
        self.shared.shrink_to_fit();
    }

    pub fn contains(&self, i: usize, needle: &Needle) -> bool {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        if needle.finder.find(&self.own[start..self.ends[i] as usize]).is_some() {
            return true;
        }
        let shared = self.shared_of[i];
        if shared == NO_SHARED {
            return false;
        }
        let mut memo = needle.memo.borrow_mut();
        if memo.len() < self.shared.len() {
            memo.resize(self.shared.len(), UNKNOWN);
        }
        let known = &mut memo[shared as usize];
        if *known == UNKNOWN {
            let found = needle.finder.find(self.shared[shared as usize].as_bytes()).is_some();
            *known = if found { PRESENT } else { ABSENT };
        }
        *known == PRESENT
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::fold::searchable;

    #[test]
    fn a_match_is_found_in_names_and_in_shared_descriptions_but_never_across_fields() {
        let mut arena = TextArena::default();
        arena.push(&searchable(&["长者助餐", "meals", "每日午餐", "daily lunch"]));
        arena.push(&searchable(&["康复", "rehab", "每日午餐", "daily lunch"]));
        arena.push(&searchable(&["理发", "", "", ""]));
        arena.finish();
        assert_eq!(
            arena.shared.len(),
            2,
            "one copy of the shared descriptions (and one empty)"
        );
        let found = |text: &str| {
            let needle = Needle::new(text);
            (0..3).filter(|&i| arena.contains(i, &needle)).collect::<Vec<_>>()
        };
        assert_eq!(found("助餐"), [0]);
        assert_eq!(found("午餐"), [0, 1]);
        assert_eq!(found("lunch"), [0, 1]);
        assert_eq!(found("理发"), [2]);
        assert_eq!(found("mealsdaily"), Vec::<usize>::new());
        assert_eq!(
            found("餐每"),
            Vec::<usize>::new(),
            "not across the name and the description"
        );
    }
}
