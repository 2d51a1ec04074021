//! An in-process index of the directory for the resident's search: which services match,
//! how many, and which come first, in microseconds at city scale.
//!
//! Design:
//! - Pure data, no I/O: the store builds it from rows ([`SearchIndex::build`]) and answers
//!   [`ServiceSearch`]es with ids; the store then shows those services' cards. The store
//!   also decides when an index is stale (`store::directory_cache`).
//! - Same answers as the SQL search, by construction: the same bounding box and the same
//!   [`LocalPlane`] squared distance (so float rounding agrees), the same order (distance
//!   then id, or name bytes then id), the same lower-cased substring match. A property
//!   test in `server/tests` compares both on random searches.
//! - Services live in square cells of [`CELL_DEGREES`], stored cell by cell, column-wise
//!   (ids, latitudes, longitudes, kinds apart) so scans read only what they test. Each
//!   cell keeps its count per *kind* (category × cost) and its total: cells wholly inside
//!   the circle are added from their counts (a row's run of them by one subtraction)
//!   without looking at a single service, so counting 45,000 services in the city centre
//!   costs a few hundred additions plus the services in the thin band of cells the
//!   circle's edge crosses (`nearest.rs`).
//! - The nearest page looks in a zone around the origin that widens until the page is
//!   full and nothing outside could be nearer; inside a zone, cells come from a heap by
//!   their distance and the scan stops once the next cell is farther than the page's last
//!   service.
//! - The rating order (`best_rated.rs`) walks every service in the circle instead.

mod best_rated;
mod bigrams;
mod build;
mod layered;
mod nearest;
mod positions;
mod text;

pub use layered::Layered;
pub use positions::PositionSet as Hidden;

use app::domain::catalog::{CategoryGroup, CostKind};
use app::domain::geo::{BoundingBox, LocalPlane};
use app::domain::lang::Lang;
use app::domain::search::{ServiceSearch, SortOrder};
use positions::PositionSet;
use std::cmp::Ordering;
use text::TextArena;

/// Cell edge in degrees: ≈ 111 m north–south, ≈ 96 m east–west at Chengdu. Smaller cells
/// mean fewer services scanned in the band the circle's edge crosses, but more cells to
/// visit: a 3 km search visits ≈ 3,400. Measured on the generated city (criterion, see
/// docs/PERFORMANCE.md): 0.005° spent most of a centre search scanning that band.
pub const CELL_DEGREES: f64 = 0.001;

/// One service as the index needs it (from the `services` and `categories` tables).
#[derive(Debug, Clone)]
pub struct IndexedService {
    pub id: i64,
    pub latitude: f64,
    pub longitude: f64,
    pub category: String,
    pub group: CategoryGroup,
    pub cost: CostKind,
    pub name_zh: String,
    pub name_en: String,
    /// Names and descriptions as [`searchable`](app::domain::fold::searchable) folded
    /// them (`services.search_text`).
    pub search_text: String,
    /// Its place in the rating order: [`RatingSummary::ranking`](app::domain::requests::rating::RatingSummary::ranking).
    pub ranking: f64,
}

/// What a search found: the total, and the ids of the requested page in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hits {
    pub total: u64,
    pub ids: Vec<i64>,
}

/// A category and cost pair; the filters on both are decided once per kind, not per row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Kind {
    category: String,
    group: CategoryGroup,
    cost: CostKind,
}

/// A cell: its services are `start..end` of the index's columns. Cells are stored in
/// (row, col) order and their services back to back, so a run of cells holds the services
/// from its first cell's `start` to its last cell's `end`: counted with one subtraction.
#[derive(Debug, Clone)]
struct Cell {
    row: i32,
    col: i32,
    start: u32,
    end: u32,
    /// The box of the services actually in the cell (not the cell's nominal edges, whose
    /// float rounding could disagree with the services' own coordinates).
    bounds: BoundingBox,
}

#[derive(Debug, Default)]
pub struct SearchIndex {
    ids: Vec<i64>,
    latitudes: Vec<f64>,
    longitudes: Vec<f64>,
    kinds: Vec<u16>,
    rankings: Vec<f64>,
    kind_table: Vec<Kind>,
    cells: Vec<Cell>,
    /// `cell_counts[cell * kind_table.len() + kind]`.
    cell_counts: Vec<u32>,
    /// The first row with a cell, and where each row's cells start in `cells` (one more
    /// entry than rows), so finding a row's cells needs no search over the whole city.
    first_row: i32,
    row_starts: Vec<u32>,
    /// Services by name in each language (positions in the columns above).
    by_name_zh: Vec<u32>,
    by_name_en: Vec<u32>,
    /// Positions in id order, to find a service's position by its id.
    by_id: Vec<u32>,
    text: TextArena,
}

fn cell_of(latitude: f64, longitude: f64) -> (i32, i32) {
    (
        (latitude / CELL_DEGREES).floor() as i32,
        (longitude / CELL_DEGREES).floor() as i32,
    )
}

/// A squared distance that sorts (never NaN: coordinates are checked finite).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ranked {
    d2: f64,
    id: i64,
}

impl Eq for Ranked {}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.d2.total_cmp(&other.d2).then(self.id.cmp(&other.id))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A search's filters, decided per kind up front.
struct Filter<'a> {
    allowed: Vec<bool>,
    /// The kinds that pass, to add up a cell's counts for them alone.
    allowed_kinds: Vec<usize>,
    any_kind: bool,
    /// The services whose text holds the search's text, when it has one: only those of
    /// an allowed kind, not hidden, and inside the circle's box.
    text: Option<PositionSet>,
    /// Positions left out of the answers (services changed since the index was built).
    hidden: Option<&'a Hidden>,
}

impl SearchIndex {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The page of ids and the total that the SQL search would return for `search`.
    pub fn search(&self, search: &ServiceSearch) -> Hits {
        let mut hits = self.search_first(search, None);
        hits.ids.drain(..hits.ids.len().min(search.paging.offset() as usize));
        hits
    }

    /// Bytes held, for `/metrics`: the whole index, and its text part.
    pub fn heap_bytes(&self) -> (usize, usize) {
        let columns = self.ids.capacity() * 8
            + (self.latitudes.capacity() + self.longitudes.capacity() + self.rankings.capacity()) * 8
            + self.kinds.capacity() * 2
            + self.cells.capacity() * std::mem::size_of::<Cell>()
            + (self.cell_counts.capacity() + self.row_starts.capacity()) * 4
            + (self.by_name_zh.capacity() + self.by_name_en.capacity() + self.by_id.capacity()) * 4;
        let text = self.text.heap_bytes();
        (columns + text, text)
    }

    /// The ids of the services indexed, ascending.
    pub fn ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.by_id.iter().map(|&p| self.ids[p as usize])
    }

    /// Where the service `id` is in the columns, if the index holds it.
    pub fn position(&self, id: i64) -> Option<usize> {
        let at = self.by_id.partition_point(|&p| self.ids[p as usize] < id);
        self.by_id.get(at).map(|&p| p as usize).filter(|&p| self.ids[p] == id)
    }

    /// The total and the ids from the first result to the end of the requested page (its
    /// offset not skipped), as if the services at `hidden` positions were not indexed.
    pub fn search_first(&self, search: &ServiceSearch, hidden: Option<&Hidden>) -> Hits {
        let allowed: Vec<bool> = self
            .kind_table
            .iter()
            .map(|k| {
                (search.categories.is_empty() || search.categories.iter().any(|c| c.as_str() == k.category))
                    && search.group.is_none_or(|g| g == k.group)
                    && search.cost.is_none_or(|c| c == k.cost)
            })
            .collect();
        let mut filter = Filter {
            allowed_kinds: (0..allowed.len()).filter(|&k| allowed[k]).collect(),
            allowed,
            any_kind: search.categories.is_empty() && search.group.is_none() && search.cost.is_none(),
            text: None,
            hidden,
        };
        if let Some(text) = &search.text {
            // Services are ruled out by lying outside the circle's box (its rows first: they
            // are stored row by row), by kind and by being hidden, before their text is
            // tested.
            let bb = search
                .near
                .map(|origin| LocalPlane::new(origin).bounding_box(f64::from(search.radius.get())));
            let within = match &bb {
                Some(bb) => self.rows_span(cell_of(bb.min_lat, bb.min_lon).0, cell_of(bb.max_lat, bb.max_lon).0),
                None => 0..self.len(),
            };
            let keep = |i: usize| {
                bb.as_ref().is_none_or(|bb| {
                    let (lat, lon) = (self.latitudes[i], self.longitudes[i]);
                    lat >= bb.min_lat && lat <= bb.max_lat && lon >= bb.min_lon && lon <= bb.max_lon
                }) && filter.allowed[usize::from(self.kinds[i])]
                    && filter.hidden.is_none_or(|h| !h.contains(i))
            };
            filter.text = Some(
                self.text
                    .matching(&app::domain::fold::fold(text.as_str()), within, keep),
            );
        }
        if search.sort == SortOrder::Rating {
            return self.best_rated(&filter, search);
        }
        match search.near {
            Some(origin) => self.nearest(
                &filter,
                &LocalPlane::new(origin),
                f64::from(search.radius.get()),
                search,
            ),
            None => self.by_name(&filter, search),
        }
    }

    fn matches(&self, filter: &Filter, i: usize) -> bool {
        filter.allowed[usize::from(self.kinds[i])] && filter.text.as_ref().is_none_or(|m| m.contains(i))
    }

    /// Whether a service matching the filter may be answered (it is not hidden).
    fn shown(&self, filter: &Filter, i: usize) -> bool {
        filter.hidden.is_none_or(|h| !h.contains(i)) && self.matches(filter, i)
    }

    /// How many hidden services the totals counted (they pass `also` and the filter), to
    /// take off: totals come from cell counts, which know nothing of hidden services.
    fn hidden_matching(&self, filter: &Filter, also: impl Fn(usize) -> bool) -> u64 {
        filter
            .hidden
            .map(|h| h.positions().filter(|&i| also(i) && self.matches(filter, i)).count() as u64)
            .unwrap_or(0)
    }

    fn services_of(&self, cell: usize) -> std::ops::Range<usize> {
        self.cells[cell].start as usize..self.cells[cell].end as usize
    }

    /// How many services of a cell pass the kind filter, from its counts alone.
    fn counted(&self, filter: &Filter, cell: usize) -> u64 {
        if filter.any_kind {
            return self.services_of(cell).len() as u64;
        }
        let counts = &self.cell_counts[cell * self.kind_table.len()..];
        filter.allowed_kinds.iter().map(|&k| u64::from(counts[k])).sum()
    }

    fn by_name(&self, filter: &Filter, search: &ServiceSearch) -> Hits {
        let counted: u64 = match &filter.text {
            None => (0..self.cells.len()).map(|cell| self.counted(filter, cell)).sum(),
            Some(matched) => matched.positions().filter(|&i| self.matches(filter, i)).count() as u64,
        };
        let total = counted - self.hidden_matching(filter, |_| true);
        let order = match search.lang {
            Lang::Zh => &self.by_name_zh,
            Lang::En => &self.by_name_en,
        };
        let wanted = page_end(search, total);
        let ids = order
            .iter()
            .map(|&i| i as usize)
            .filter(|&i| self.shown(filter, i))
            .take(wanted)
            .map(|i| self.ids[i])
            .collect();
        Hits { total, ids }
    }
}

/// How many of the first results the page needs: up to its end, never past the total.
/// Even a page past the end asks for them: a [`Layered`] index merges this index's first
/// results with another's, so they may fall inside its page. (Offsets stop at
/// `MAX_OFFSET`, which bounds the work.)
fn page_end(search: &ServiceSearch, total: u64) -> usize {
    let offset = search.paging.offset();
    offset.saturating_add(u64::from(search.paging.limit())).min(total) as usize
}

#[cfg(test)]
mod tests;
