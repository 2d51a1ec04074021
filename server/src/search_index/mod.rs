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
//!   cell keeps its count per *kind* (category × cost) and its total: a cell wholly inside
//!   the circle adds its counts without looking at a single service, so counting 45,000
//!   services in the city centre costs a few thousand additions plus the services in the
//!   thin band of cells the circle's edge crosses.
//! - The nearest page takes cells from a heap ordered by their distance from the origin
//!   and stops once the next cell is farther than the page's last service; cells with no
//!   match are never pushed.

mod text;

use app::domain::catalog::{CategoryGroup, CostKind};
use app::domain::geo::{BoundingBox, LocalPlane, METRES_PER_DEGREE};
use app::domain::lang::Lang;
use app::domain::search::ServiceSearch;
use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};
use text::{Needle, TextArena};

/// Cell edge in degrees: ≈ 111 m north–south, ≈ 96 m east–west at Chengdu. Smaller cells
/// mean fewer services scanned in the band the circle's edge crosses, but more cells to
/// visit: a 3 km search visits ≈ 3,400. Measured on the generated city (criterion, see
/// docs/PERFORMANCE.md): 0.005° spent most of a centre search scanning that band.
pub const CELL_DEGREES: f64 = 0.001;

/// The nearest page first looks this far (then three times farther, and so on): in the
/// dense centre twenty services lie within a few dozen metres, at the edge it widens.
const FIRST_ZONE_M: f64 = 300.0;

/// Kept off the circle when deciding that a whole cell is inside it, so float rounding in
/// the cell edges can never count a service the exact test would refuse.
const INNER_MARGIN_M: f64 = 1.0;

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
    pub description_zh: String,
    pub description_en: String,
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

/// A cell: its services are `start..end` of the index's columns.
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
    kind_table: Vec<Kind>,
    cells: Vec<Cell>,
    /// `cell_counts[cell * kind_table.len() + kind]`.
    cell_counts: Vec<u32>,
    /// Services per cell, whatever their kind.
    cell_totals: Vec<u32>,
    /// `cell_prefix[c]`: services in the cells before cell `c` (so a run of cells in a row
    /// is counted with one subtraction).
    cell_prefix: Vec<u64>,
    /// The first row with a cell, and where each row's cells start in `cells` (one more
    /// entry than rows), so finding a row's cells needs no search over the whole city.
    first_row: i32,
    row_starts: Vec<u32>,
    /// Services by name in each language (positions in the columns above).
    by_name_zh: Vec<u32>,
    by_name_en: Vec<u32>,
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
    needle: Option<Needle<'a>>,
}

impl SearchIndex {
    pub fn build(mut services: Vec<IndexedService>) -> Self {
        services.sort_by(|a, b| {
            cell_of(a.latitude, a.longitude)
                .cmp(&cell_of(b.latitude, b.longitude))
                .then(a.id.cmp(&b.id))
        });
        let mut index = SearchIndex::default();
        let mut kind_ids: HashMap<Kind, u16> = HashMap::new();
        for s in &services {
            let kind = Kind {
                category: s.category.clone(),
                group: s.group,
                cost: s.cost,
            };
            let next = kind_ids.len() as u16;
            let k = *kind_ids.entry(kind.clone()).or_insert_with(|| {
                index.kind_table.push(kind);
                next
            });
            index.ids.push(s.id);
            index.latitudes.push(s.latitude);
            index.longitudes.push(s.longitude);
            index.kinds.push(k);
            index
                .text
                .push(&[&s.name_zh, &s.name_en, &s.description_zh, &s.description_en]);
        }

        let kinds = index.kind_table.len();
        let mut start = 0;
        while start < services.len() {
            let key = cell_of(services[start].latitude, services[start].longitude);
            let mut end = start;
            let mut bounds = BoundingBox {
                min_lat: f64::INFINITY,
                max_lat: f64::NEG_INFINITY,
                min_lon: f64::INFINITY,
                max_lon: f64::NEG_INFINITY,
            };
            let mut counts = vec![0u32; kinds];
            while end < services.len() && cell_of(services[end].latitude, services[end].longitude) == key {
                let (lat, lon) = (index.latitudes[end], index.longitudes[end]);
                bounds.min_lat = bounds.min_lat.min(lat);
                bounds.max_lat = bounds.max_lat.max(lat);
                bounds.min_lon = bounds.min_lon.min(lon);
                bounds.max_lon = bounds.max_lon.max(lon);
                counts[usize::from(index.kinds[end])] += 1;
                end += 1;
            }
            index.cells.push(Cell {
                row: key.0,
                col: key.1,
                start: start as u32,
                end: end as u32,
                bounds,
            });
            index.cell_totals.push(counts.iter().sum());
            index.cell_counts.extend(counts);
            start = end;
        }

        if let (Some(first), Some(last)) = (index.cells.first(), index.cells.last()) {
            index.first_row = first.row;
            index.row_starts = (first.row..=last.row + 1)
                .map(|row| index.cells.partition_point(|c| c.row < row) as u32)
                .collect();
        }
        index.cell_prefix = std::iter::once(0)
            .chain(index.cell_totals.iter().scan(0u64, |sum, &n| {
                *sum += u64::from(n);
                Some(*sum)
            }))
            .collect();

        // Byte order of the names is SQLite's BINARY and PostgreSQL's "C" collation.
        let by_name = |name: fn(&IndexedService) -> &str| {
            let mut order: Vec<u32> = (0..services.len() as u32).collect();
            order.sort_by(|&a, &b| {
                let (a, b) = (&services[a as usize], &services[b as usize]);
                name(a).cmp(name(b)).then(a.id.cmp(&b.id))
            });
            order
        };
        index.by_name_zh = by_name(|s| &s.name_zh);
        index.by_name_en = by_name(|s| &s.name_en);
        index
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The page of ids and the total that the SQL search would return for `search`.
    pub fn search(&self, search: &ServiceSearch) -> Hits {
        let needle_text = search.text.as_ref().map(|t| t.as_str().to_lowercase());
        let allowed: Vec<bool> = self
            .kind_table
            .iter()
            .map(|k| {
                (search.categories.is_empty() || search.categories.iter().any(|c| c.as_str() == k.category))
                    && search.group.is_none_or(|g| g == k.group)
                    && search.cost.is_none_or(|c| c == k.cost)
            })
            .collect();
        let filter = Filter {
            allowed_kinds: (0..allowed.len()).filter(|&k| allowed[k]).collect(),
            allowed,
            any_kind: search.categories.is_empty() && search.group.is_none() && search.cost.is_none(),
            needle: needle_text.as_deref().map(Needle::new),
        };
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
        filter.allowed[usize::from(self.kinds[i])] && filter.needle.as_ref().is_none_or(|n| self.text.contains(i, n))
    }

    /// How many services of a cell pass the kind filter, from its counts alone.
    fn counted(&self, filter: &Filter, cell: usize) -> u64 {
        if filter.any_kind {
            return u64::from(self.cell_totals[cell]);
        }
        let counts = &self.cell_counts[cell * self.kind_table.len()..];
        filter.allowed_kinds.iter().map(|&k| u64::from(counts[k])).sum()
    }

    /// The cells of `row` with columns in `cols`, as a range of positions in `cells`.
    fn row_cells(&self, row: i32, cols: std::ops::RangeInclusive<i32>) -> std::ops::Range<usize> {
        let Some(at) = usize::try_from(i64::from(row) - i64::from(self.first_row))
            .ok()
            .filter(|&at| at + 1 < self.row_starts.len())
        else {
            return 0..0;
        };
        let (start, end) = (self.row_starts[at] as usize, self.row_starts[at + 1] as usize);
        let in_row = &self.cells[start..end];
        let first = start + in_row.partition_point(|c| c.col < *cols.start());
        let last = start + in_row.partition_point(|c| c.col <= *cols.end());
        first..last.max(first)
    }

    /// The squared distance from the origin to the nearest point of a cell's services' box.
    fn near_d2(&self, plane: &LocalPlane, cell: usize) -> f64 {
        let b = &self.cells[cell].bounds;
        plane.squared_distance_m2(
            plane.origin.latitude().clamp(b.min_lat, b.max_lat),
            plane.origin.longitude().clamp(b.min_lon, b.max_lon),
        )
    }

    fn services_of(&self, cell: usize) -> std::ops::Range<usize> {
        self.cells[cell].start as usize..self.cells[cell].end as usize
    }

    /// The columns of `row` whose whole nominal cell lies inside the circle (shrunk by
    /// [`INNER_MARGIN_M`]), if any.
    fn inner_columns(&self, plane: &LocalPlane, radius: f64, row: i32) -> Option<std::ops::RangeInclusive<i32>> {
        if plane.metres_per_degree_lon < 1.0 {
            return None;
        }
        let lat0 = plane.origin.latitude();
        let (south, north) = (f64::from(row) * CELL_DEGREES, f64::from(row + 1) * CELL_DEGREES);
        let dy = (south - lat0).abs().max((north - lat0).abs()) * METRES_PER_DEGREE;
        let reach = radius - INNER_MARGIN_M;
        if dy >= reach {
            return None;
        }
        let half_width = (reach * reach - dy * dy).sqrt() / plane.metres_per_degree_lon;
        let lon0 = plane.origin.longitude();
        let first = ((lon0 - half_width) / CELL_DEGREES).ceil() as i32;
        let last = ((lon0 + half_width) / CELL_DEGREES).floor() as i32 - 1;
        (first <= last).then_some(first..=last)
    }

    fn nearest(&self, filter: &Filter, plane: &LocalPlane, radius: f64, search: &ServiceSearch) -> Hits {
        let r2 = radius * radius;
        let bb = plane.bounding_box(radius);
        let within = |i: usize| {
            let (lat, lon) = (self.latitudes[i], self.longitudes[i]);
            lat >= bb.min_lat
                && lat <= bb.max_lat
                && lon >= bb.min_lon
                && lon <= bb.max_lon
                && plane.squared_distance_m2(lat, lon) <= r2
        };
        let matching = |cell: usize| {
            self.services_of(cell)
                .filter(|&i| within(i) && self.matches(filter, i))
                .count()
        };

        // The total, row by row: the cells wholly inside the circle (by their nominal edges,
        // less a metre for rounding) are added from their counts; the cells the circle's
        // edge crosses are scanned service by service with the exact test.
        let (row0, col0) = cell_of(bb.min_lat, bb.min_lon);
        let (row1, col1) = cell_of(bb.max_lat, bb.max_lon);
        let mut total = 0u64;
        for row in row0..=row1 {
            let all = self.row_cells(row, col0..=col1);
            if all.is_empty() {
                continue;
            }
            let inner = match self.inner_columns(plane, radius, row) {
                Some(cols) => self.row_cells(row, cols),
                None => all.end..all.end,
            };
            for cell in (all.start..inner.start).chain(inner.end..all.end) {
                if self.near_d2(plane, cell) <= r2 {
                    total += matching(cell) as u64;
                }
            }
            total += match (&filter.needle, filter.any_kind) {
                (None, true) => self.cell_prefix[inner.end] - self.cell_prefix[inner.start],
                (None, false) => inner.clone().map(|cell| self.counted(filter, cell)).sum(),
                (Some(_), _) => inner
                    .clone()
                    .flat_map(|cell| self.services_of(cell))
                    .filter(|&i| self.matches(filter, i))
                    .count() as u64,
            };
        }

        // The page: nearest cells first, within a zone that widens until the page is full
        // and no cell outside the zone could hold a nearer service.
        let wanted = page_end(search, total);
        let mut best: BinaryHeap<Ranked> = BinaryHeap::with_capacity(wanted + 1);
        let mut zone = radius.min(FIRST_ZONE_M);
        loop {
            if wanted == 0 {
                break;
            }
            best.clear();
            let z2 = zone * zone;
            let zb = plane.bounding_box(zone);
            let (zrow0, zcol0) = cell_of(zb.min_lat, zb.min_lon);
            let (zrow1, zcol1) = cell_of(zb.max_lat, zb.max_lon);
            let mut cells: Vec<Reverse<Ranked>> = Vec::new();
            for row in zrow0..=zrow1 {
                for cell in self.row_cells(row, zcol0..=zcol1) {
                    let near = self.near_d2(plane, cell);
                    if near <= z2 && near <= r2 {
                        // A cell ranked by its nearest point; `id` is the cell's position.
                        cells.push(Reverse(Ranked {
                            d2: near,
                            id: cell as i64,
                        }));
                    }
                }
            }
            let mut cells = BinaryHeap::from(cells);
            while let Some(Reverse(Ranked { d2: near, id: cell })) = cells.pop() {
                if best.len() == wanted && best.peek().is_none_or(|worst| near > worst.d2) {
                    break;
                }
                for i in self.services_of(cell as usize) {
                    if !(within(i) && self.matches(filter, i)) {
                        continue;
                    }
                    let ranked = Ranked {
                        d2: plane.squared_distance_m2(self.latitudes[i], self.longitudes[i]),
                        id: self.ids[i],
                    };
                    if best.len() < wanted {
                        best.push(ranked);
                    } else if best.peek().is_some_and(|worst| ranked < *worst) {
                        best.pop();
                        best.push(ranked);
                    }
                }
            }
            // Done when the zone was the whole circle, or when every service outside the
            // zone (farther than `zone`, less a metre for rounding) is farther than the
            // page's last one.
            let sure = (zone - INNER_MARGIN_M).max(0.0);
            let full = best.len() == wanted && best.peek().is_some_and(|worst| worst.d2 < sure * sure);
            if full || zone >= radius {
                break;
            }
            zone = (zone * 3.0).min(radius);
        }
        let ids = best
            .into_sorted_vec()
            .into_iter()
            .skip(search.paging.offset() as usize)
            .map(|r| r.id)
            .collect();
        Hits { total, ids }
    }

    fn by_name(&self, filter: &Filter, search: &ServiceSearch) -> Hits {
        let total = if filter.needle.is_none() {
            (0..self.cells.len()).map(|cell| self.counted(filter, cell)).sum()
        } else {
            (0..self.len()).filter(|&i| self.matches(filter, i)).count() as u64
        };
        let order = match search.lang {
            Lang::Zh => &self.by_name_zh,
            Lang::En => &self.by_name_en,
        };
        let wanted = page_end(search, total);
        let ids = order
            .iter()
            .map(|&i| i as usize)
            .filter(|&i| self.matches(filter, i))
            .take(wanted)
            .skip(search.paging.offset() as usize)
            .map(|i| self.ids[i])
            .collect();
        Hits { total, ids }
    }
}

/// How many of the first results the page needs: up to its end, never past the total,
/// and none when the page starts past the end.
fn page_end(search: &ServiceSearch, total: u64) -> usize {
    let offset = search.paging.offset();
    if offset >= total {
        return 0;
    }
    offset.saturating_add(u64::from(search.paging.limit())).min(total) as usize
}

#[cfg(test)]
mod tests;
