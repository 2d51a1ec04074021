//! An index of character bigrams: for each pair of neighbouring characters, the texts
//! that hold it. A text search then tests only the texts that hold all of the query's
//! bigrams, instead of every text in the circle.
//!
//! - Every character of a text begins one bigram: with its successor, or with [`END`] as
//!   the last. So a one-character query is answered exactly by the bigrams that begin
//!   with it (keys sort by their first character, so they lie together), and a
//!   two-character query by its one bigram. Longer queries test the texts that hold all
//!   of their bigrams.
//! - Texts are numbered by the caller. A bigram's texts are kept in whichever form is
//!   smaller: a rare one's as the gaps between them in variable-length bytes (LEB128,
//!   mostly a byte a gap), a common one's (held by more than an eighth of the texts) as
//!   one bit per text, which also makes intersecting two common ones a word-wise AND.
//! - Characters after which no query can go on (the field separator) begin no bigram.

use super::positions::PositionSet;
use app::domain::fold::FIELD_SEPARATOR;
use std::collections::HashMap;
use std::ops::Range;

/// Stands for "no next character" in the last bigram of a text. Above every `char`.
const END: u32 = 0x11_0000;

fn key(first: char, second: u32) -> u64 {
    (u64::from(first as u32) << 32) | u64::from(second)
}

/// The bigram keys of a text, each a text's characters begin: repeats included.
fn keys_of(text: &str) -> impl Iterator<Item = u64> + '_ {
    let mut chars = text.chars().peekable();
    std::iter::from_fn(move || loop {
        let c = chars.next()?;
        if c == FIELD_SEPARATOR {
            continue;
        }
        return Some(key(c, chars.peek().map_or(END, |&n| n as u32)));
    })
}

/// Where one bigram's texts are kept.
#[derive(Debug, Clone, Copy)]
enum Postings {
    /// `gaps[from..to]`.
    Gaps { from: u32, to: u32 },
    /// `dense[at]`.
    Bits { at: u32 },
}

#[derive(Debug, Default)]
pub struct Bigrams {
    texts: usize,
    /// Every bigram held by some text, ascending; with how many texts hold it, and where.
    keys: Vec<u64>,
    counts: Vec<u32>,
    postings: Vec<Postings>,
    gaps: Vec<u8>,
    dense: Vec<PositionSet>,
}

/// One bigram's texts, as a search reads them.
enum List<'a> {
    Gaps(std::iter::Peekable<GapReader<'a>>),
    Bits(&'a PositionSet),
}

impl Bigrams {
    /// Indexes `texts` (folded), numbered from 0 in the order given.
    pub fn build<'a>(texts: impl Iterator<Item = &'a str> + Clone) -> Self {
        // First pass: how many texts hold each bigram, to choose its form.
        let mut seen: HashMap<u64, (u32, u32)> = HashMap::new(); // key → (texts, last text)
        let mut n = 0;
        for (t, text) in texts.clone().enumerate() {
            n = t + 1;
            for k in keys_of(text) {
                let entry = seen.entry(k).or_insert((0, u32::MAX));
                if entry.1 != t as u32 {
                    *entry = (entry.0 + 1, t as u32);
                }
            }
        }
        let mut keys: Vec<u64> = seen.keys().copied().collect();
        keys.sort_unstable();
        let counts: Vec<u32> = keys.iter().map(|k| seen[k].0).collect();
        drop(seen);
        let dense_from = (n / 8).max(64) as u32;
        let mut lists: Vec<Vec<u8>> = Vec::with_capacity(keys.len());
        let mut dense = Vec::new();
        let mut postings = Vec::with_capacity(keys.len());
        for &count in &counts {
            if count > dense_from {
                postings.push(Postings::Bits { at: dense.len() as u32 });
                dense.push(PositionSet::with_room(n));
                lists.push(Vec::new());
            } else {
                postings.push(Postings::Gaps { from: 0, to: 0 });
                lists.push(Vec::with_capacity(count as usize + 2));
            }
        }
        // Second pass: each bigram's texts, in order.
        let slot: HashMap<u64, usize> = keys.iter().enumerate().map(|(i, &k)| (k, i)).collect();
        let mut last: Vec<Option<u32>> = vec![None; keys.len()];
        for (t, text) in texts.enumerate() {
            let t = t as u32;
            for k in keys_of(text) {
                let s = slot[&k];
                match postings[s] {
                    Postings::Bits { at } => dense[at as usize].insert(t as usize),
                    Postings::Gaps { .. } => {
                        let gap = match last[s] {
                            Some(previous) if previous == t => continue,
                            Some(previous) => t - previous,
                            None => t,
                        };
                        last[s] = Some(t);
                        push_varint(&mut lists[s], gap);
                    }
                }
            }
        }
        let mut gaps = Vec::with_capacity(lists.iter().map(Vec::len).sum());
        for (list, posting) in lists.into_iter().zip(&mut postings) {
            if let Postings::Gaps { from, to } = posting {
                *from = gaps.len() as u32;
                gaps.extend_from_slice(&list);
                *to = gaps.len() as u32;
            }
        }
        Bigrams {
            texts: n,
            keys,
            counts,
            postings,
            gaps,
            dense,
        }
    }

    /// The texts that contain `needle` (folded), among those in `within` that `keep`
    /// accepts. `keep` is asked first and should be cheap (where the service is);
    /// `holds(text)` must say whether a text contains the needle, and is asked only of
    /// kept texts that hold all of a longer needle's bigrams.
    pub fn containing(
        &self,
        needle: &str,
        within: Range<usize>,
        keep: impl Fn(u32) -> bool,
        holds: impl Fn(u32) -> bool,
    ) -> PositionSet {
        let mut found = PositionSet::with_room(self.texts);
        let within = within.start.min(self.texts) as u32..within.end.min(self.texts) as u32;
        let chars: Vec<char> = needle.chars().collect();
        match chars.as_slice() {
            [] => within.filter(|&t| keep(t)).for_each(|t| found.insert(t as usize)),
            [only] => {
                // Every text holding the character begins a bigram with it.
                let from = self.keys.partition_point(|&k| k < key(*only, 0));
                let to = self.keys.partition_point(|&k| k < key(*only, END + 1));
                for k in from..to {
                    self.for_each_text(k, &within, |t| {
                        if !found.contains(t as usize) && keep(t) {
                            found.insert(t as usize);
                        }
                    });
                }
            }
            _ => {
                let mut wanted = Vec::with_capacity(chars.len() - 1);
                for pair in chars.windows(2) {
                    match self.keys.binary_search(&key(pair[0], pair[1] as u32)) {
                        Ok(k) => wanted.push(k),
                        Err(_) => return found,
                    }
                }
                wanted.sort_unstable_by_key(|&k| (self.counts[k], k));
                wanted.dedup();
                // Holding each bigram somewhere is not holding them in a row, unless the
                // needle is one bigram.
                let one_bigram = chars.len() == 2;
                let mut lists: Vec<List> = wanted.iter().map(|&k| self.list(k, &within)).collect();
                let (rarest, others) = lists
                    .split_first_mut()
                    .expect("a needle of two characters has a bigram");
                let mut visit = |t: u32| {
                    let in_all = others.iter_mut().all(|list| match list {
                        List::Bits(bits) => bits.contains(t as usize),
                        List::Gaps(texts) => {
                            while texts.next_if(|&o| o < t).is_some() {}
                            texts.peek() == Some(&t)
                        }
                    });
                    if in_all && keep(t) && (one_bigram || holds(t)) {
                        found.insert(t as usize);
                    }
                };
                match rarest {
                    List::Gaps(texts) => texts.for_each(&mut visit),
                    List::Bits(bits) => bits.positions_in(range_of(&within)).for_each(|t| visit(t as u32)),
                }
            }
        }
        found
    }

    /// Bigram `k`'s texts; read as gaps, only those in `within` (a common bigram's bits
    /// are tested one by one, and walked only within it).
    fn list(&self, k: usize, within: &Range<u32>) -> List<'_> {
        match self.postings[k] {
            Postings::Bits { at } => List::Bits(&self.dense[at as usize]),
            Postings::Gaps { from, to } => {
                let mut texts = GapReader {
                    bytes: &self.gaps[from as usize..to as usize],
                    text: 0,
                    end: within.end,
                }
                .peekable();
                while texts.next_if(|&t| t < within.start).is_some() {}
                List::Gaps(texts)
            }
        }
    }

    fn for_each_text(&self, k: usize, within: &Range<u32>, mut each: impl FnMut(u32)) {
        match self.list(k, within) {
            List::Bits(bits) => bits.positions_in(range_of(within)).for_each(|t| each(t as u32)),
            List::Gaps(texts) => texts.for_each(each),
        }
    }

    /// Bytes held, for `/metrics`.
    pub fn heap_bytes(&self) -> usize {
        self.keys.capacity() * 8
            + self.counts.capacity() * 4
            + self.postings.capacity() * std::mem::size_of::<Postings>()
            + self.gaps.capacity()
            + self.dense.iter().map(PositionSet::heap_bytes).sum::<usize>()
    }
}

fn range_of(within: &Range<u32>) -> Range<usize> {
    within.start as usize..within.end as usize
}

/// A rare bigram's texts, read from their gaps, up to `end`.
struct GapReader<'a> {
    bytes: &'a [u8],
    text: u32,
    end: u32,
}

impl Iterator for GapReader<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        if self.bytes.is_empty() {
            return None;
        }
        self.text += read_varint(&mut self.bytes);
        if self.text >= self.end {
            // Ascending: none further is in range.
            self.bytes = &[];
            return None;
        }
        Some(self.text)
    }
}

fn push_varint(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn read_varint(bytes: &mut &[u8]) -> u32 {
    let mut value = 0u32;
    let mut shift = 0;
    loop {
        let byte = bytes[0];
        *bytes = &bytes[1..];
        value |= u32::from(byte & 0x7F) << shift;
        if byte < 0x80 {
            return value;
        }
        shift += 7;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::fold::searchable;
    use proptest::prelude::*;

    fn containing(texts: &[String], needle: &str, keep: impl Fn(u32) -> bool) -> Vec<usize> {
        containing_within(texts, needle, 0..usize::MAX, keep)
    }

    fn containing_within(
        texts: &[String],
        needle: &str,
        within: Range<usize>,
        keep: impl Fn(u32) -> bool,
    ) -> Vec<usize> {
        let index = Bigrams::build(texts.iter().map(String::as_str));
        index
            .containing(needle, within, keep, |t| texts[t as usize].contains(needle))
            .positions()
            .collect()
    }

    #[test]
    fn finds_one_and_two_character_needles_without_testing_and_longer_ones_exactly() {
        let texts = [
            searchable(&["长者助餐", "elder meals"]),
            searchable(&["助浴", "bathing"]),
            searchable(&["餐助", "meals help"]),
            searchable(&["餐", ""]),
        ];
        let all = |_| true;
        assert_eq!(containing(&texts, "助餐", all), [0]);
        assert_eq!(containing(&texts, "餐", all), [0, 2, 3], "at the end of a field too");
        assert_eq!(containing(&texts, "助", all), [0, 1, 2]);
        assert_eq!(containing(&texts, "助", |t| t != 1), [0, 2], "only the kept");
        assert_eq!(containing(&texts, "meals", all), [0, 2]);
        assert_eq!(containing(&texts, "meals h", all), [2]);
        assert_eq!(
            containing(&texts, "助餐助", all),
            Vec::<usize>::new(),
            "both bigrams held, not in a row"
        );
        assert_eq!(containing(&texts, "x", all), Vec::<usize>::new());
        assert_eq!(
            containing(&texts, "餐e", all),
            Vec::<usize>::new(),
            "never across the field separator"
        );
    }

    #[test]
    fn gaps_of_any_size_come_back() {
        for value in [0, 1, 127, 128, 16_383, 16_384, u32::MAX] {
            let mut bytes = Vec::new();
            push_varint(&mut bytes, value);
            let mut read = bytes.as_slice();
            assert_eq!(read_varint(&mut read), value);
            assert!(read.is_empty());
        }
    }

    const PIECES: [&str; 6] = ["助", "餐", "a", "b", "é", " "];

    proptest! {
        /// Against the plainest search: every text tested. Up to 600 texts of a six-letter
        /// alphabet, so common bigrams are kept as bits and rare ones as gaps.
        #[test]
        fn finds_exactly_the_kept_texts_that_contain_the_needle(
            texts in prop::collection::vec(prop::collection::vec(prop::sample::select(PIECES.to_vec()), 0..8), 0..600),
            needle in prop::collection::vec(prop::sample::select(PIECES.to_vec()), 0..4),
            skip in 1u32..5,
            from in 0usize..700,
            length in 0usize..700,
        ) {
            let texts: Vec<String> = texts.iter().map(|t| searchable(&[&t.concat(), &t[t.len() / 2..].concat()])).collect();
            let needle = needle.concat();
            let keep = |t: u32| t.is_multiple_of(skip);
            let within = from..from + length;
            let expected: Vec<usize> = (0..texts.len())
                .filter(|&t| within.contains(&t) && keep(t as u32) && texts[t].split(FIELD_SEPARATOR).any(|f| f.contains(&needle)))
                .collect();
            prop_assert_eq!(containing_within(&texts, &needle, within, keep), expected);
        }
    }
}
