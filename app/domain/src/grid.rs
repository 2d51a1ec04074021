//! The four-level community grid (网格) of DOMAIN.md, with the district and subdistrict above it.

use super::ids::GridUnitId;
use serde::{Deserialize, Serialize};

/// What a grid unit is. Level 3 has three kinds: courtyard, managed estate, resident unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GridKind {
    /// 区
    District,
    /// 街道
    Subdistrict,
    /// 社区 (level 1)
    Community,
    /// 片区 (level 2)
    Zone,
    /// 自治院落 (level 3)
    Courtyard,
    /// 物管小区 (level 3)
    Estate,
    /// 驻区单位 (level 3)
    ResidentUnit,
    /// 楼栋 / 单元 (level 4)
    Building,
}

impl GridKind {
    pub const ALL: [GridKind; 8] = [
        GridKind::District,
        GridKind::Subdistrict,
        GridKind::Community,
        GridKind::Zone,
        GridKind::Courtyard,
        GridKind::Estate,
        GridKind::ResidentUnit,
        GridKind::Building,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            GridKind::District => "district",
            GridKind::Subdistrict => "subdistrict",
            GridKind::Community => "community",
            GridKind::Zone => "zone",
            GridKind::Courtyard => "courtyard",
            GridKind::Estate => "estate",
            GridKind::ResidentUnit => "resident-unit",
            GridKind::Building => "building",
        }
    }

    pub fn parse(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.slug() == slug)
    }

    /// The grid level of DOMAIN.md: 1 community … 4 building; above the grid, 0.
    pub fn level(self) -> u8 {
        match self {
            GridKind::District | GridKind::Subdistrict => 0,
            GridKind::Community => 1,
            GridKind::Zone => 2,
            GridKind::Courtyard | GridKind::Estate | GridKind::ResidentUnit => 3,
            GridKind::Building => 4,
        }
    }

    /// Whether a unit of kind `child` may sit directly under a unit of this kind.
    pub fn may_contain(self, child: GridKind) -> bool {
        use GridKind::*;
        matches!(
            (self, child),
            (District, Subdistrict)
                | (Subdistrict, Community)
                | (Community, Zone)
                | (Zone, Courtyard | Estate | ResidentUnit)
                | (Courtyard | Estate | ResidentUnit, Building)
        )
    }
}

/// A grid unit with its children, as `GET /api/v1/grid` returns the tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridNode {
    pub id: GridUnitId,
    pub kind: GridKind,
    pub level: u8,
    pub name: String,
    pub latitude: f64,
    pub longitude: f64,
    pub children: Vec<GridNode>,
}

/// A flat grid row, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridUnit {
    pub id: GridUnitId,
    pub parent_id: Option<GridUnitId>,
    pub kind: GridKind,
    pub name: String,
    pub latitude: f64,
    pub longitude: f64,
}

/// Builds the tree from flat rows; children keep the rows' order. Rows whose parent is
/// missing become roots rather than vanish.
pub fn build_tree(units: Vec<GridUnit>) -> Vec<GridNode> {
    use std::collections::HashMap;
    let ids: std::collections::HashSet<GridUnitId> = units.iter().map(|u| u.id).collect();
    let mut children: HashMap<Option<GridUnitId>, Vec<GridUnit>> = HashMap::new();
    for unit in units {
        let parent = unit.parent_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(unit);
    }
    fn attach(
        parent: Option<GridUnitId>,
        children: &mut HashMap<Option<GridUnitId>, Vec<GridUnit>>,
        depth: usize,
    ) -> Vec<GridNode> {
        let Some(units) = children.remove(&parent) else {
            return Vec::new();
        };
        units
            .into_iter()
            .map(|u| GridNode {
                id: u.id,
                kind: u.kind,
                level: u.kind.level(),
                name: u.name,
                latitude: u.latitude,
                longitude: u.longitude,
                // Depth is bounded by the grid's levels; the guard stops a bad cycle.
                children: if depth < 16 {
                    attach(Some(u.id), children, depth + 1)
                } else {
                    Vec::new()
                },
            })
            .collect()
    }
    attach(None, &mut children, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: i64, parent: Option<i64>, kind: GridKind) -> GridUnit {
        GridUnit {
            id: GridUnitId::from_row(id),
            parent_id: parent.map(GridUnitId::from_row),
            kind,
            name: format!("u{id}"),
            latitude: 30.6,
            longitude: 104.0,
        }
    }

    #[test]
    fn the_grid_nests_community_zone_courtyard_building() {
        assert!(GridKind::Community.may_contain(GridKind::Zone));
        assert!(GridKind::Zone.may_contain(GridKind::Estate));
        assert!(GridKind::Estate.may_contain(GridKind::Building));
        assert!(!GridKind::Community.may_contain(GridKind::Building));
        assert_eq!(GridKind::Building.level(), 4);
    }

    #[test]
    fn tree_is_built_from_rows_in_order() {
        let tree = build_tree(vec![
            unit(1, None, GridKind::District),
            unit(2, Some(1), GridKind::Subdistrict),
            unit(3, Some(2), GridKind::Community),
            unit(4, Some(2), GridKind::Community),
            unit(5, Some(3), GridKind::Zone),
        ]);
        assert_eq!(tree.len(), 1);
        let sub = &tree[0].children[0];
        assert_eq!(sub.children.iter().map(|c| c.id.get()).collect::<Vec<_>>(), vec![3, 4]);
        assert_eq!(sub.children[0].children[0].id.get(), 5);
    }

    #[test]
    fn orphans_become_roots() {
        let tree = build_tree(vec![unit(9, Some(42), GridKind::Zone)]);
        assert_eq!(tree[0].id.get(), 9);
    }

    #[test]
    fn kinds_round_trip_through_slugs() {
        for kind in GridKind::ALL {
            assert_eq!(GridKind::parse(kind.slug()), Some(kind));
        }
    }
}
