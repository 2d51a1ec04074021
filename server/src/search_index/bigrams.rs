//! An index of character bigrams: for each pair of neighbouring characters, the texts
//! that hold it. A text search then tests only the texts that hold the query's rarest
//! bigram, instead of every text in the circle.
//!
//! - Every character of a text begins one bigram: with its successor, or with [`END`] as
//!   the last. So a one-character query is answered exactly by the bigrams that begin
//!   with it (keys sort by their first character, so they lie together), and a
//!   two-character query by its one bigram. Longer queries test the texts that hold all
//!   of their bigrams.
//! - Texts are numbered by the caller; a bigram's texts are kept ascending, as the gaps
//!   between them in variable-length bytes (LEB128): most gaps fit in a byte, so 100,000
//!   services' names cost a few megabytes, where `u32`s would cost three times that.
//! - Characters after which no query can go on (the field separator) begin no bigram.

use app::domain::fold::FIELD_SEPARATOR;
use std::collections::HashMap;

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

#[derive(Debug, Default)]
pub struct Bigrams {
    /// Every bigram held by some text, ascending.
    keys: Vec<u64>,
    /// `texts[starts[k]..starts[k + 1]]` are the encoded texts of `keys[k]`.
    starts: Vec<u32>,
    texts: Vec<u8>,
}

impl Bigrams {
    /// Indexes `texts` (folded), numbered from 0 in the order given.
    pub fn build<'a>(texts: impl Iterator<Item = &'a str> + Clone) -> Self {
        // First pass: how many texts hold each bigram, to lay out their lists at once.
        let mut count: HashMap<u64, (u32, u32)> = HashMap::new(); // key → (texts, last text)
        for (t, text) in texts.clone().enumerate() {
            for k in keys_of(text) {
                let entry = count.entry(k).or_insert((0, u32::MAX));
                if entry.1 != t as u32 {
                    *entry = (entry.0 + 1, t as u32);
                }
            }
        }
        let mut keys: Vec<u64> = count.keys().copied().collect();
        keys.sort_unstable();
        // Second pass: each bigram's texts, in order, as gaps.
        let mut lists: Vec<Vec<u8>> = keys
            .iter()
            .map(|k| Vec::with_capacity(count[k].0 as usize + 2))
            .collect();
        let slot: HashMap<u64, usize> = keys.iter().enumerate().map(|(i, &k)| (k, i)).collect();
        drop(count);
        let mut last: Vec<Option<u32>> = vec![None; keys.len()];
        for (t, text) in texts.enumerate() {
            let t = t as u32;
            for k in keys_of(text) {
                let s = slot[&k];
                let gap = match last[s] {
                    Some(previous) if previous == t => continue,
                    Some(previous) => t - previous,
                    None => t,
                };
                last[s] = Some(t);
                push_varint(&mut lists[s], gap);
            }
        }
        let mut index = Bigrams {
            starts: Vec::with_capacity(keys.len() + 1),
            texts: Vec::with_capacity(lists.iter().map(Vec::len).sum()),
            keys,
        };
        for list in lists {
            index.starts.push(index.texts.len() as u32);
            index.texts.extend_from_slice(&list);
        }
        index.starts.push(index.texts.len() as u32);
        index
    }

    /// Calls `found` with every text that contains `needle` (folded, not empty), each
    /// once and in order. `holds(text)` must say whether a text contains the needle: it
    /// is asked only of the texts that hold all of a longer needle's bigrams.
    pub fn each_containing(&self, needle: &str, holds: impl Fn(u32) -> bool, mut found: impl FnMut(u32)) {
        let chars: Vec<char> = needle.chars().collect();
        match chars.as_slice() {
            [] => {}
            [only] => {
                // Every text holding the character begins a bigram with it.
                let from = self.keys.partition_point(|&k| k < key(*only, 0));
                let to = self.keys.partition_point(|&k| k < key(*only, END + 1));
                let mut texts: Vec<u32> = (from..to).flat_map(|k| self.texts_of(k)).collect();
                texts.sort_unstable();
                texts.dedup();
                texts.into_iter().for_each(found);
            }
            _ => {
                let mut lists = Vec::with_capacity(chars.len() - 1);
                for pair in chars.windows(2) {
                    match self.keys.binary_search(&key(pair[0], pair[1] as u32)) {
                        Ok(k) => lists.push(k),
                        Err(_) => return,
                    }
                }
                lists.sort_unstable_by_key(|&k| (self.starts[k + 1] - self.starts[k], k));
                lists.dedup();
                let (rarest, others) = lists.split_first().expect("a needle of two characters has a bigram");
                let mut others: Vec<_> = others.iter().map(|&k| self.texts_of(k).peekable()).collect();
                'texts: for t in self.texts_of(*rarest) {
                    for list in &mut others {
                        while list.next_if(|&o| o < t).is_some() {}
                        if list.peek() != Some(&t) {
                            continue 'texts;
                        }
                    }
                    // Holding each bigram somewhere is not holding them in a row, unless
                    // the needle is one bigram.
                    if chars.len() == 2 || holds(t) {
                        found(t);
                    }
                }
            }
        }
    }

    fn texts_of(&self, k: usize) -> impl Iterator<Item = u32> + '_ {
        let mut bytes = &self.texts[self.starts[k] as usize..self.starts[k + 1] as usize];
        let mut text = 0u32;
        std::iter::from_fn(move || {
            (!bytes.is_empty()).then(|| {
                text += read_varint(&mut bytes);
                text
            })
        })
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

    fn containing(texts: &[String], needle: &str) -> Vec<u32> {
        let index = Bigrams::build(texts.iter().map(String::as_str));
        let mut found = Vec::new();
        index.each_containing(needle, |t| texts[t as usize].contains(needle), |t| found.push(t));
        found
    }

    #[test]
    fn finds_one_and_two_character_needles_without_testing_and_longer_ones_exactly() {
        let texts = [
            searchable(&["长者助餐", "elder meals"]),
            searchable(&["助浴", "bathing"]),
            searchable(&["餐助", "meals help"]),
            searchable(&["餐", ""]),
        ];
        assert_eq!(containing(&texts, "助餐"), [0]);
        assert_eq!(containing(&texts, "餐"), [0, 2, 3], "at the end of a field too");
        assert_eq!(containing(&texts, "助"), [0, 1, 2]);
        assert_eq!(containing(&texts, "meals"), [0, 2]);
        assert_eq!(containing(&texts, "meals h"), [2]);
        assert_eq!(
            containing(&texts, "助餐助"),
            Vec::<u32>::new(),
            "both bigrams held, not in a row"
        );
        assert_eq!(containing(&texts, "x"), Vec::<u32>::new());
        assert_eq!(
            containing(&texts, "餐e"),
            Vec::<u32>::new(),
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

    proptest! {
        /// Against the plainest search: every text tested.
        #[test]
        fn finds_exactly_the_texts_that_contain_the_needle(
            texts in prop::collection::vec(prop::collection::vec(prop::sample::select(vec!["助", "餐", "a", "b", "é", " "]), 0..8), 0..40),
            needle in prop::collection::vec(prop::sample::select(vec!["助", "餐", "a", "b", "é", " "]), 1..4),
        ) {
            let texts: Vec<String> = texts.iter().map(|t| searchable(&[&t.concat(), &t[t.len() / 2..].concat()])).collect();
            let needle = needle.concat();
            let expected: Vec<u32> = (0..texts.len() as u32)
                .filter(|&t| texts[t as usize].split(FIELD_SEPARATOR).any(|f| f.contains(&needle)))
                .collect();
            prop_assert_eq!(containing(&texts, &needle), expected);
        }
    }
}
