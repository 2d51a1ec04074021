//! The radius search: the total by cells (whole cells from their counts, the band the
//! circle's edge crosses service by service) and the nearest page from a widening zone.

use super::{cell_of, page_end, Filter, Hits, PositionSet, Ranked, SearchIndex, CELL_DEGREES};
use app::domain::geo::{LocalPlane, METRES_PER_DEGREE};
use app::domain::search::ServiceSearch;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The nearest page first looks this far (then three times farther, and so on): in the
/// dense centre twenty services lie within a few dozen metres, at the edge it widens.
const FIRST_ZONE_M: f64 = 300.0;

/// Kept off the circle when deciding that a whole cell is inside it, so float rounding in
/// the cell edges can never count a service the exact test would refuse.
const INNER_MARGIN_M: f64 = 1.0;

impl SearchIndex {
    /// The cells of `row` with columns in `cols`, as a range of positions in `cells`.
    pub(super) fn row_cells(&self, row: i32, cols: std::ops::RangeInclusive<i32>) -> std::ops::Range<usize> {
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

    /// The services of rows `row0..=row1`, all columns: one range, as rows are stored in
    /// order.
    pub(super) fn rows_span(&self, row0: i32, row1: i32) -> std::ops::Range<usize> {
        let last = self.row_starts.len().saturating_sub(1) as i64;
        let at = |row: i32| (i64::from(row) - i64::from(self.first_row)).clamp(0, last) as usize;
        let Some((&first, &end)) = self.row_starts.get(at(row0)).zip(self.row_starts.get(at(row1 + 1))) else {
            return 0..0;
        };
        self.services_of_run(first as usize..end as usize)
    }

    /// The squared distance from the origin to the nearest point of a cell's services' box.
    fn near_d2(&self, plane: &LocalPlane, cell: usize) -> f64 {
        let b = &self.cells[cell].bounds;
        plane.squared_distance_m2(
            plane.origin.latitude().clamp(b.min_lat, b.max_lat),
            plane.origin.longitude().clamp(b.min_lon, b.max_lon),
        )
    }

    /// The services of a run of cells in one row (stored back to back).
    pub(super) fn services_of_run(&self, cells: std::ops::Range<usize>) -> std::ops::Range<usize> {
        match (cells.start < cells.end).then(|| (&self.cells[cells.start], &self.cells[cells.end - 1])) {
            Some((first, last)) => first.start as usize..last.end as usize,
            None => 0..0,
        }
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

    pub(super) fn nearest(&self, filter: &Filter, plane: &LocalPlane, radius: f64, search: &ServiceSearch) -> Hits {
        if let Some(matched) = &filter.text {
            return self.nearest_matching(matched, plane, radius, search);
        }
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
            total += if filter.any_kind {
                self.services_of_run(inner.clone()).len() as u64
            } else {
                inner.clone().map(|cell| self.counted(filter, cell)).sum()
            };
        }
        total -= self.hidden_matching(filter, within);

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
                    if !(within(i) && self.shown(filter, i)) {
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
        let ids = best.into_sorted_vec().into_iter().map(|r| r.id).collect();
        Hits { total, ids }
    }

    /// The radius search for a text: only the services the text matched (already of an
    /// allowed kind, not hidden, inside the circle's box), each tested exactly and kept if
    /// among the page's nearest. A text narrows the city to a few thousand services,
    /// fewer than the circle holds, so walking them beats walking the cells.
    fn nearest_matching(&self, matched: &PositionSet, plane: &LocalPlane, radius: f64, search: &ServiceSearch) -> Hits {
        let r2 = radius * radius;
        let most = page_end(search, u64::MAX);
        let mut best: BinaryHeap<Ranked> = BinaryHeap::with_capacity(most + 1);
        let mut total = 0u64;
        for i in matched.positions() {
            let d2 = plane.squared_distance_m2(self.latitudes[i], self.longitudes[i]);
            if d2 > r2 {
                continue;
            }
            total += 1;
            let ranked = Ranked { d2, id: self.ids[i] };
            if best.len() < most {
                best.push(ranked);
            } else if best.peek().is_some_and(|worst| ranked < *worst) {
                best.pop();
                best.push(ranked);
            }
        }
        let ids = best.into_sorted_vec().into_iter().map(|r| r.id).collect();
        Hits { total, ids }
    }
}
