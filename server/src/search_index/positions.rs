//! A set of positions in an index, one bit each: the services changed since the index was
//! built (hidden from its answers), and the services a text search matched.

#[derive(Debug, Clone, Default)]
pub struct PositionSet {
    words: Vec<u64>,
    count: usize,
}

impl PositionSet {
    /// An empty set with room for positions below `len`.
    pub fn with_room(len: usize) -> Self {
        Self {
            words: vec![0; len.div_ceil(64)],
            count: 0,
        }
    }

    pub fn insert(&mut self, position: usize) {
        let (word, bit) = (position / 64, position % 64);
        if self.words.len() <= word {
            self.words.resize(word + 1, 0);
        }
        if self.words[word] & (1 << bit) == 0 {
            self.words[word] |= 1 << bit;
            self.count += 1;
        }
    }

    pub fn contains(&self, position: usize) -> bool {
        self.words
            .get(position / 64)
            .is_some_and(|w| w & (1 << (position % 64)) != 0)
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub fn heap_bytes(&self) -> usize {
        self.words.capacity() * 8
    }

    pub fn positions(&self) -> impl Iterator<Item = usize> + '_ {
        self.positions_in(0..self.words.len() * 64)
    }

    /// The positions in `range`, in order: a word at a time, so a sparse set is walked in
    /// a sixty-fourth of the range's length.
    pub fn positions_in(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = usize> + '_ {
        let end = range.end.min(self.words.len() * 64);
        let start = range.start.min(end);
        let (first, last) = (start / 64, end.div_ceil(64));
        self.words[first..last].iter().enumerate().flat_map(move |(w, &word)| {
            let base = (first + w) * 64;
            let mut rest = word;
            // Only the bits inside the range, at the first and last words.
            if base < start {
                rest &= u64::MAX << (start - base);
            }
            if base + 64 > end {
                rest &= u64::MAX >> (base + 64 - end);
            }
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    base + bit
                })
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn positions_in_a_range_are_the_members_in_it(
            members in prop::collection::btree_set(0usize..500, 0..80),
            a in 0usize..600,
            b in 0usize..600,
        ) {
            let mut set = PositionSet::default();
            for &m in &members {
                set.insert(m);
            }
            let range = a.min(b)..a.max(b);
            let expected: Vec<usize> = members.iter().copied().filter(|m| range.contains(m)).collect();
            prop_assert_eq!(set.positions_in(range).collect::<Vec<_>>(), expected);
            prop_assert_eq!(set.len(), members.len());
            prop_assert_eq!(set.positions().collect::<Vec<_>>(), members.iter().copied().collect::<Vec<_>>());
        }
    }
}
