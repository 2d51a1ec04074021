//! Text matching as the SQL search does it: `search_text LIKE '%' || fold(text) || '%'`,
//! on the text stored folded (`domain::fold`): names and descriptions in both languages,
//! joined by a separator no folded query contains.
//!
//! - Because no query contains the separator, a match lies inside one field, so each
//!   service's text is kept in two parts: its own (the names, before the second
//!   separator), back to back in one buffer, and the rest (the descriptions), kept once
//!   however many services share it (organizations describe their offerings alike).
//! - Both parts have a [`Bigrams`] index, so a search finds the services whose text holds
//!   the query by its rarest bigram and tests only those, not every service in the circle.
//!   The answer is the set of matching positions, which the radius and by-name searches
//!   then walk.

use super::bigrams::Bigrams;
use super::positions::PositionSet;
use app::domain::fold::FIELD_SEPARATOR;
use memchr::memmem::Finder;
use std::collections::HashMap;
use std::ops::Range;

/// Every service's search text.
#[derive(Debug, Default)]
pub struct TextArena {
    own: String,
    /// `ends[i]` is where service `i`'s own text ends; it starts where `i - 1`'s ended.
    ends: Vec<u32>,
    shared: Vec<Box<str>>,
    /// The services that have each shared text:
    /// `members[member_starts[s]..member_starts[s + 1]]`, ascending.
    member_starts: Vec<u32>,
    members: Vec<u32>,
    own_bigrams: Bigrams,
    shared_bigrams: Bigrams,
    /// While building: each service's shared text (`None` for none), and the shared
    /// texts seen, to keep each once. Emptied by [`Self::finish`].
    shared_of: Vec<Option<u32>>,
    building: HashMap<Box<str>, u32>,
}

impl TextArena {
    /// Adds the next service's text, already folded and joined.
    pub fn push(&mut self, search_text: &str) {
        let split = search_text
            .match_indices(FIELD_SEPARATOR)
            .nth(1)
            .map_or(search_text.len(), |(at, _)| at);
        let (own, shared) = search_text.split_at(split);
        self.own.push_str(own);
        self.ends.push(self.own.len() as u32);
        let shared_id = (!shared.is_empty()).then(|| match self.building.get(shared) {
            Some(&id) => id,
            None => {
                let id = self.shared.len() as u32;
                self.shared.push(shared.into());
                self.building.insert(shared.into(), id);
                id
            }
        });
        self.shared_of.push(shared_id);
    }

    /// Indexes what was pushed, and forgets what only building needed.
    pub fn finish(&mut self) {
        self.building = HashMap::new();
        self.own.shrink_to_fit();
        self.shared.shrink_to_fit();
        let mut counts = vec![0u32; self.shared.len() + 1];
        for s in self.shared_of.iter().flatten() {
            counts[*s as usize + 1] += 1;
        }
        for s in 1..counts.len() {
            counts[s] += counts[s - 1];
        }
        self.member_starts = counts.clone();
        self.members = vec![0; *counts.last().unwrap_or(&0) as usize];
        for (position, s) in self.shared_of.iter().enumerate() {
            if let Some(s) = s {
                self.members[counts[*s as usize] as usize] = position as u32;
                counts[*s as usize] += 1;
            }
        }
        self.shared_of = Vec::new();
        let own_bigrams = Bigrams::build((0..self.ends.len()).map(|i| self.own_text(i)));
        let shared_bigrams = Bigrams::build(self.shared.iter().map(|s| &**s));
        (self.own_bigrams, self.shared_bigrams) = (own_bigrams, shared_bigrams);
    }

    fn own_text(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.own[start..self.ends[i] as usize]
    }

    /// The positions of the services whose text contains `folded`
    /// ([`fold`](app::domain::fold::fold)ed), among those `keep` accepts: it is asked
    /// before any text is tested, so a search that can rule services out cheaply (by where
    /// they are) tests the text of the others only.
    pub fn matching(&self, folded: &str, within: Range<usize>, keep: impl Fn(usize) -> bool) -> PositionSet {
        let finder = Finder::new(folded.as_bytes());
        let mut found = self.own_bigrams.containing(
            folded,
            within.clone(),
            |i| keep(i as usize),
            |i| finder.find(self.own_text(i as usize).as_bytes()).is_some(),
        );
        let shared = self.shared_bigrams.containing(
            folded,
            0..self.shared.len(),
            |_| true,
            |s| finder.find(self.shared[s as usize].as_bytes()).is_some(),
        );
        for s in shared.positions() {
            let members = &self.members[self.member_starts[s] as usize..self.member_starts[s + 1] as usize];
            // Ascending: the members within the range lie together.
            let first = members.partition_point(|&i| (i as usize) < within.start);
            let last = members.partition_point(|&i| (i as usize) < within.end);
            for &i in &members[first..last.max(first)] {
                if keep(i as usize) {
                    found.insert(i as usize);
                }
            }
        }
        found
    }

    /// Bytes held, for `/metrics`.
    pub fn heap_bytes(&self) -> usize {
        self.own.capacity()
            + self.ends.capacity() * 4
            + self.shared.iter().map(|s| s.len() + 16).sum::<usize>()
            + (self.member_starts.capacity() + self.members.capacity()) * 4
            + self.own_bigrams.heap_bytes()
            + self.shared_bigrams.heap_bytes()
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
        let found = |text: &str| arena.matching(text, 0..3, |_| true).positions().collect::<Vec<_>>();
        assert_eq!(found("助餐"), [0]);
        assert_eq!(found("午餐"), [0, 1]);
        assert_eq!(found("lunch"), [0, 1]);
        assert_eq!(found("理发"), [2]);
        assert_eq!(found("餐"), [0, 1]);
        assert_eq!(found("mealsdaily"), Vec::<usize>::new());
        assert_eq!(
            found("餐每"),
            Vec::<usize>::new(),
            "not across the name and the description"
        );
        assert_eq!(found(""), [0, 1, 2]);
        assert_eq!(
            arena.matching("午餐", 0..3, |i| i != 0).positions().collect::<Vec<_>>(),
            [1],
            "only the kept"
        );
    }
}
