//! Building the index from rows: services sorted into cells, counts per cell and kind,
//! row offsets for the radius search, name orders for the by-name search.

use super::{cell_of, Cell, IndexedService, Kind, SearchIndex};
use app::domain::geo::BoundingBox;
use std::collections::HashMap;

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
            index.rankings.push(s.ranking);
            index.text.push(&s.search_text);
        }
        index.text.finish();

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
            index.cell_counts.extend(counts);
            start = end;
        }

        if let (Some(first), Some(last)) = (index.cells.first(), index.cells.last()) {
            index.first_row = first.row;
            index.row_starts = (first.row..=last.row + 1)
                .map(|row| index.cells.partition_point(|c| c.row < row) as u32)
                .collect();
        }
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
        index.by_id = (0..services.len() as u32).collect();
        index.by_id.sort_by_key(|&p| services[p as usize].id);
        index
    }
}
