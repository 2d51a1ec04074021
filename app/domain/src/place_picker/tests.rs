use super::*;
use crate::directory::{Category, OrganizationDetail, SearchPage, ServiceDetail};
use crate::geo::Coordinates;
use crate::ids::{OrganizationId, ServiceId};
use crate::search::ServiceSearch;
use crate::store::StoreError;

/// A grid in memory: the store port's grid reads over a list kept in display order.
struct GridOnly(Vec<GridUnit>);

fn unit(id: i64, parent: Option<i64>, kind: GridKind, name: &str) -> GridUnit {
    GridUnit {
        id: GridUnitId::new(id).unwrap(),
        parent_id: parent.map(|p| GridUnitId::new(p).unwrap()),
        kind,
        name: name.to_owned(),
        latitude: 30.64,
        longitude: 104.04,
    }
}

/// 武侯区 → 2 subdistricts → communities → zones → places → a building.
fn wuhou() -> GridOnly {
    use GridKind::*;
    GridOnly(vec![
        unit(1, None, District, "武侯区"),
        unit(2, Some(1), Subdistrict, "华兴街道"),
        unit(3, Some(1), Subdistrict, "簇桥街道"),
        unit(10, Some(2), Community, "南桥社区"),
        unit(11, Some(2), Community, "玉林东路社区"),
        unit(12, Some(3), Community, "锦城社区"),
        unit(20, Some(10), Zone, "一片区"),
        unit(21, Some(10), Zone, "二片区"),
        unit(22, Some(10), Zone, "三片区"),
        // Display order is the list's, not the ids'.
        unit(31, Some(20), Estate, "南桥花园"),
        unit(30, Some(20), Courtyard, "南桥街12号院"),
        unit(32, Some(21), ResidentUnit, "区卫生院"),
        unit(40, Some(30), Building, "1栋"),
    ])
}

#[async_trait::async_trait]
impl DirectoryStore for GridOnly {
    async fn grid_children(&self, parent: Option<GridUnitId>, _: Lang) -> Result<Vec<GridUnit>, StoreError> {
        Ok(self.0.iter().filter(|u| u.parent_id == parent).cloned().collect())
    }
    async fn grid_unit(&self, id: GridUnitId, _: Lang) -> Result<Option<GridUnit>, StoreError> {
        Ok(self.0.iter().find(|u| u.id == id).cloned())
    }
    async fn home_places_in(&self, community: GridUnitId, _: Lang) -> Result<Vec<GridUnit>, StoreError> {
        let zones: Vec<_> = self
            .0
            .iter()
            .filter(|u| u.parent_id == Some(community) && u.kind == GridKind::Zone)
            .map(|z| z.id)
            .collect();
        Ok(zones
            .iter()
            .flat_map(|z| {
                self.0
                    .iter()
                    .filter(move |u| u.parent_id == Some(*z) && u.kind.level() == 3)
            })
            .cloned()
            .collect())
    }
    async fn search_services(&self, _: &ServiceSearch) -> Result<SearchPage, StoreError> {
        unreachable!("the picker reads the grid only")
    }
    async fn service(
        &self,
        _: ServiceId,
        _: Lang,
        _: Option<Coordinates>,
    ) -> Result<Option<ServiceDetail>, StoreError> {
        unreachable!("the picker reads the grid only")
    }
    async fn organization(
        &self,
        _: OrganizationId,
        _: Lang,
        _: Option<Coordinates>,
    ) -> Result<Option<OrganizationDetail>, StoreError> {
        unreachable!("the picker reads the grid only")
    }
    async fn categories(&self, _: Lang) -> Result<Vec<Category>, StoreError> {
        unreachable!("the picker reads the grid only")
    }
    async fn grid_units(&self, _: Lang) -> Result<Vec<GridUnit>, StoreError> {
        unreachable!("the picker walks the grid, it never reads it whole")
    }
    async fn communities(&self, _: Lang) -> Result<Vec<GridUnit>, StoreError> {
        unreachable!("the picker reads the grid only")
    }
    async fn ping(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

fn pick(store: &GridOnly, within: Option<i64>) -> Result<PlacePicker, AppError> {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    runtime.block_on(place_picker(
        store,
        within.map(|id| GridUnitId::new(id).unwrap()),
        Lang::Zh,
    ))
}

fn names(units: &[GridUnit]) -> Vec<&str> {
    units.iter().map(|u| u.name.as_str()).collect()
}

fn areas(picker: &PlacePicker) -> Vec<&str> {
    match &picker.step {
        PickerStep::Areas(areas) => names(areas),
        other => panic!("expected areas, got {other:?}"),
    }
}

#[test]
fn the_top_steps_through_a_lone_district_to_its_subdistricts() {
    let picker = pick(&wuhou(), None).unwrap();
    assert_eq!(areas(&picker), ["华兴街道", "簇桥街道"]);
    assert_eq!(names(&picker.trail), ["武侯区"]);
    // The district itself shows the same step.
    assert_eq!(pick(&wuhou(), Some(1)).unwrap(), picker);
}

#[test]
fn a_subdistrict_offers_its_communities() {
    let picker = pick(&wuhou(), Some(2)).unwrap();
    assert_eq!(areas(&picker), ["南桥社区", "玉林东路社区"]);
    assert_eq!(names(&picker.trail), ["武侯区", "华兴街道"]);
}

#[test]
fn a_community_offers_its_places_zone_by_zone_in_display_order() {
    let picker = pick(&wuhou(), Some(10)).unwrap();
    assert_eq!(names(&picker.trail), ["武侯区", "华兴街道", "南桥社区"]);
    let PickerStep::Community { community, zones } = &picker.step else {
        panic!("expected a community, got {:?}", picker.step);
    };
    assert_eq!(community.name, "南桥社区");
    let zones: Vec<(&str, Vec<&str>)> = zones.iter().map(|z| (z.zone.name.as_str(), names(&z.places))).collect();
    // 三片区 has nothing to choose, so it is not offered.
    assert_eq!(
        zones,
        [
            ("一片区", vec!["南桥花园", "南桥街12号院"]),
            ("二片区", vec!["区卫生院"])
        ]
    );
}

#[test]
fn a_place_below_a_community_opens_its_community() {
    let community = pick(&wuhou(), Some(10)).unwrap();
    for below in [20, 30, 32, 40] {
        assert_eq!(pick(&wuhou(), Some(below)).unwrap(), community, "unit {below}");
    }
}

#[test]
fn a_lone_community_is_opened_rather_than_offered_alone() {
    use GridKind::*;
    let grid = GridOnly(vec![
        unit(1, None, District, "武侯区"),
        unit(2, Some(1), Subdistrict, "华兴街道"),
        unit(3, Some(1), Subdistrict, "簇桥街道"),
        unit(10, Some(2), Community, "南桥社区"),
        unit(11, Some(3), Community, "锦城社区"),
        unit(20, Some(10), Zone, "一片区"),
        unit(30, Some(20), Courtyard, "南桥街12号院"),
    ]);
    let picker = pick(&grid, Some(2)).unwrap();
    assert!(matches!(&picker.step, PickerStep::Community { community, .. } if community.name == "南桥社区"));
    assert_eq!(names(&picker.trail), ["武侯区", "华兴街道", "南桥社区"]);
    // The top still offers both subdistricts.
    assert_eq!(areas(&pick(&grid, None).unwrap()), ["华兴街道", "簇桥街道"]);
}

#[test]
fn an_unknown_place_is_not_found() {
    let error = pick(&wuhou(), Some(999)).unwrap_err();
    assert_eq!(error.code(), crate::error::ErrorCode::NotFound);
}

#[test]
fn a_grid_of_communities_alone_starts_with_them() {
    let grid = GridOnly(vec![
        unit(1, None, GridKind::Community, "南桥社区"),
        unit(2, None, GridKind::Community, "玉林东路社区"),
    ]);
    let picker = pick(&grid, None).unwrap();
    assert_eq!(areas(&picker), ["南桥社区", "玉林东路社区"]);
    assert!(picker.trail.is_empty());
}

#[test]
fn a_cycle_in_the_data_ends_the_walk_instead_of_hanging() {
    // A zone that is its own parent: bad data, but a page must still answer.
    let grid = GridOnly(vec![unit(5, Some(5), GridKind::Zone, "环")]);
    let picker = pick(&grid, Some(5)).unwrap();
    assert!(picker.trail.len() <= MAX_DEPTH);
}
