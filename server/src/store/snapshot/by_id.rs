//! Rows kept by id in one sorted vector instead of a hash map: a snapshot's services are
//! read in id order, so they arrive sorted, and a vector holds exactly them, where a hash
//! map of 100,000 entries rounds up to 131,072 slots (tens of megabytes of cards and
//! details). A lookup is a binary search: about 17 steps, well under a microsecond.

#[derive(Debug)]
pub struct ById<T> {
    rows: Vec<(i64, T)>,
    sorted: bool,
}

impl<T> Default for ById<T> {
    fn default() -> Self {
        Self {
            rows: Vec::new(),
            sorted: true,
        }
    }
}

impl<T> ById<T> {
    /// Adds a row; rows added out of id order are sorted by [`finish`](Self::finish). An
    /// id added twice keeps its last row.
    pub fn push(&mut self, id: i64, row: T) {
        if self.rows.last().is_some_and(|(last, _)| *last >= id) {
            self.sorted = false;
        }
        self.rows.push((id, row));
    }

    /// Sorts (if needed) and gives back spare capacity; lookups need it done.
    pub fn finish(&mut self) {
        if !self.sorted {
            // Stable, so of two rows with one id the last added stays last, and wins.
            self.rows.sort_by_key(|(id, _)| *id);
            let mut deduped: Vec<(i64, T)> = Vec::with_capacity(self.rows.len());
            for (id, row) in self.rows.drain(..) {
                match deduped.last_mut() {
                    Some(last) if last.0 == id => *last = (id, row),
                    _ => deduped.push((id, row)),
                }
            }
            self.rows = deduped;
            self.sorted = true;
        }
        self.rows.shrink_to_fit();
    }

    fn at(&self, id: i64) -> Option<usize> {
        debug_assert!(self.sorted, "finish() before lookups");
        self.rows.binary_search_by_key(&id, |(id, _)| *id).ok()
    }

    pub fn get(&self, id: i64) -> Option<&T> {
        self.at(id).map(|at| &self.rows[at].1)
    }

    pub fn get_mut(&mut self, id: i64) -> Option<&mut T> {
        self.at(id).map(|at| &mut self.rows[at].1)
    }
}

#[cfg(test)]
mod tests {
    use super::ById;

    #[test]
    fn rows_are_found_by_id_in_any_order_added_and_the_last_of_an_id_wins() {
        let mut rows = ById::default();
        for (id, row) in [(5, "e"), (1, "a"), (9, "i"), (1, "A")] {
            rows.push(id, row);
        }
        rows.finish();
        assert_eq!(rows.get(1), Some(&"A"));
        assert_eq!(rows.get(5), Some(&"e"));
        assert_eq!(rows.get(9), Some(&"i"));
        assert_eq!(rows.get(2), None);
        *rows.get_mut(5).unwrap() = "E";
        assert_eq!(rows.get(5), Some(&"E"));
    }
}
