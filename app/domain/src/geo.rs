//! Geographic maths on WGS84 coordinates.
//!
//! Design:
//! - [`Coordinates`] can only hold a valid latitude/longitude pair.
//! - [`haversine_m`] is the reference great-circle distance.
//! - [`LocalPlane`] is the distance the directory search sorts and filters by: an
//!   equirectangular projection around the resident's position. It needs only `+ - *`,
//!   so the SQL engines (SQLite has no trigonometry by default) compute exactly the same
//!   number as Rust does, and "within the radius" means the same thing in the database, the
//!   page and the API. Between 18° and 45° N (all of Sichuan and most of China) and within
//!   50 km it stays within 0.5 % of the great-circle distance, within 3 km far closer
//!   (property tests below check both).

use serde::{Deserialize, Serialize};

/// Mean Earth radius used by the haversine formula (IUGG), in metres.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;
/// Metres per degree of latitude on the mean sphere.
pub const METRES_PER_DEGREE: f64 = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;

/// A valid WGS84 position in decimal degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawCoordinates")]
pub struct Coordinates {
    latitude: f64,
    longitude: f64,
}

#[derive(Deserialize)]
struct RawCoordinates {
    latitude: f64,
    longitude: f64,
}

/// Why a coordinate pair was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CoordinateError {
    #[error("latitude must be a number between -90 and 90")]
    Latitude,
    #[error("longitude must be a number between -180 and 180")]
    Longitude,
}

impl Coordinates {
    pub fn new(latitude: f64, longitude: f64) -> Result<Self, CoordinateError> {
        if !(latitude.is_finite() && (-90.0..=90.0).contains(&latitude)) {
            return Err(CoordinateError::Latitude);
        }
        if !(longitude.is_finite() && (-180.0..=180.0).contains(&longitude)) {
            return Err(CoordinateError::Longitude);
        }
        Ok(Self { latitude, longitude })
    }

    pub fn latitude(&self) -> f64 {
        self.latitude
    }

    pub fn longitude(&self) -> f64 {
        self.longitude
    }
}

impl TryFrom<RawCoordinates> for Coordinates {
    type Error = CoordinateError;
    fn try_from(raw: RawCoordinates) -> Result<Self, Self::Error> {
        Self::new(raw.latitude, raw.longitude)
    }
}

/// Great-circle distance in metres.
pub fn haversine_m(a: Coordinates, b: Coordinates) -> f64 {
    let (la1, la2) = (a.latitude.to_radians(), b.latitude.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.longitude - a.longitude).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// A flat approximation of the Earth around one origin, good for a city.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocalPlane {
    pub origin: Coordinates,
    /// Metres per degree of longitude at the origin's latitude.
    pub metres_per_degree_lon: f64,
}

/// An axis-aligned box in degrees that contains every point within a radius.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    pub min_lat: f64,
    pub max_lat: f64,
    pub min_lon: f64,
    pub max_lon: f64,
}

impl LocalPlane {
    pub fn new(origin: Coordinates) -> Self {
        Self {
            origin,
            metres_per_degree_lon: METRES_PER_DEGREE * origin.latitude.to_radians().cos(),
        }
    }

    /// Squared planar distance in m². The SQL search evaluates this very expression.
    pub fn squared_distance_m2(&self, latitude: f64, longitude: f64) -> f64 {
        let dy = (latitude - self.origin.latitude) * METRES_PER_DEGREE;
        let dx = (longitude - self.origin.longitude) * self.metres_per_degree_lon;
        dx * dx + dy * dy
    }

    pub fn distance_m(&self, to: Coordinates) -> f64 {
        self.squared_distance_m2(to.latitude, to.longitude).sqrt()
    }

    /// The box the index can use to narrow a radius search before exact filtering.
    pub fn bounding_box(&self, radius_m: f64) -> BoundingBox {
        let dlat = radius_m / METRES_PER_DEGREE;
        // Near the poles a degree of longitude shrinks to nothing: take every longitude.
        let dlon = if self.metres_per_degree_lon < 1.0 {
            360.0
        } else {
            radius_m / self.metres_per_degree_lon
        };
        BoundingBox {
            min_lat: self.origin.latitude - dlat,
            max_lat: self.origin.latitude + dlat,
            min_lon: self.origin.longitude - dlon,
            max_lon: self.origin.longitude + dlon,
        }
    }
}

/// Whole metres, as shown to residents and returned by the API.
pub fn rounded_metres(distance_m: f64) -> u32 {
    distance_m.round().clamp(0.0, u32::MAX as f64) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(lat: f64, lon: f64) -> Coordinates {
        Coordinates::new(lat, lon).unwrap()
    }

    #[test]
    fn coordinates_out_of_range_are_refused() {
        assert_eq!(Coordinates::new(90.1, 0.0), Err(CoordinateError::Latitude));
        assert_eq!(Coordinates::new(0.0, -180.5), Err(CoordinateError::Longitude));
        assert_eq!(Coordinates::new(f64::NAN, 0.0), Err(CoordinateError::Latitude));
        assert!(Coordinates::new(-90.0, 180.0).is_ok());
    }

    #[test]
    fn haversine_matches_a_known_distance_in_chengdu() {
        // Tianfu Square to Wuhou Shrine: about 2.4 km.
        let d = haversine_m(at(30.6598, 104.0633), at(30.6462, 104.0476));
        assert!((2_000.0..2_300.0).contains(&d), "{d}");
    }

    #[test]
    fn one_degree_of_latitude_is_about_111_km() {
        let d = haversine_m(at(30.0, 104.0), at(31.0, 104.0));
        assert!((d - 111_195.0).abs() < 10.0, "{d}");
    }

    #[test]
    fn bounding_box_contains_the_radius_in_every_direction() {
        let plane = LocalPlane::new(at(30.64, 104.05));
        let bb = plane.bounding_box(3_000.0);
        for (lat, lon) in [
            (bb.max_lat, 104.05),
            (bb.min_lat, 104.05),
            (30.64, bb.max_lon),
            (30.64, bb.min_lon),
        ] {
            assert!((plane.distance_m(at(lat, lon)) - 3_000.0).abs() < 1e-6);
        }
    }

    #[test]
    fn distances_round_to_whole_metres() {
        assert_eq!(rounded_metres(349.5), 350);
        assert_eq!(rounded_metres(-0.2), 0);
    }

    proptest! {
        #[test]
        fn local_plane_stays_within_half_a_percent_of_haversine_within_50_km(
            lat in 18.0f64..45.0, lon in 70.0f64..130.0,
            dlat in -0.45f64..0.45, dlon in -0.55f64..0.55,
        ) {
            let origin = at(lat, lon);
            let to = at(lat + dlat, lon + dlon);
            let exact = haversine_m(origin, to);
            prop_assume!(exact <= 50_000.0 && exact > 1.0);
            let approx = LocalPlane::new(origin).distance_m(to);
            prop_assert!((approx - exact).abs() / exact < 0.005, "{approx} vs {exact}");
        }

        #[test]
        fn local_plane_is_within_two_metres_of_haversine_within_3_km(
            lat in 18.0f64..45.0, lon in 70.0f64..130.0,
            dlat in -0.03f64..0.03, dlon in -0.035f64..0.035,
        ) {
            let origin = at(lat, lon);
            let to = at(lat + dlat, lon + dlon);
            let exact = haversine_m(origin, to);
            prop_assume!(exact <= 3_000.0);
            let approx = LocalPlane::new(origin).distance_m(to);
            prop_assert!((approx - exact).abs() < 2.0, "{approx} vs {exact}");
        }

        #[test]
        fn distance_is_never_negative_and_zero_to_itself(lat in -89.0f64..89.0, lon in -179.0f64..179.0) {
            let p = at(lat, lon);
            prop_assert_eq!(LocalPlane::new(p).distance_m(p), 0.0);
            prop_assert!(haversine_m(p, p).abs() < 1e-6);
        }
    }
}
