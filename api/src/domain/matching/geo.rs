//! Positions and great-circle distance.

use serde::{Deserialize, Serialize};

/// A WGS-84 position in degrees. Only valid positions can be built.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "(f64, f64)", into = "(f64, f64)")]
pub struct GeoPoint {
    lat: f64,
    lng: f64,
    /// Kept to spare a cosine per pair when one point is measured against
    /// tens of thousands of others.
    cos_lat: f64,
}

const EARTH_RADIUS_KM: f64 = 6371.0088;

impl GeoPoint {
    pub fn new(lat: f64, lng: f64) -> Option<Self> {
        ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng)).then(|| Self {
            lat,
            lng,
            cos_lat: lat.to_radians().cos(),
        })
    }

    /// Both or neither: a lone latitude is no position.
    pub fn from_parts(lat: Option<f64>, lng: Option<f64>) -> Option<Self> {
        Self::new(lat?, lng?)
    }

    pub fn lat(self) -> f64 {
        self.lat
    }

    pub fn lng(self) -> f64 {
        self.lng
    }

    /// Great-circle distance by the haversine formula, in kilometres.
    pub fn distance_km(self, other: GeoPoint) -> f64 {
        let dp = (other.lat - self.lat).to_radians();
        let dl = (other.lng - self.lng).to_radians();
        let a = (dp / 2.0).sin().powi(2) + self.cos_lat * other.cos_lat * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
    }
}

impl TryFrom<(f64, f64)> for GeoPoint {
    type Error = &'static str;
    fn try_from((lat, lng): (f64, f64)) -> Result<Self, Self::Error> {
        GeoPoint::new(lat, lng).ok_or("latitude must be within ±90 and longitude within ±180")
    }
}

impl From<GeoPoint> for (f64, f64) {
    fn from(p: GeoPoint) -> Self {
        (p.lat, p.lng)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_distances() {
        // Tian'anmen to the Shanghai Bund: about 1 067 km.
        let beijing = GeoPoint::new(39.9087, 116.3975).unwrap();
        let shanghai = GeoPoint::new(31.2400, 121.4900).unwrap();
        let d = beijing.distance_km(shanghai);
        assert!((1060.0..1075.0).contains(&d), "{d}");
        // One thousandth of a degree of latitude is about 111 m.
        let a = GeoPoint::new(30.0, 120.0).unwrap();
        let b = GeoPoint::new(30.001, 120.0).unwrap();
        assert!((a.distance_km(b) - 0.1112).abs() < 0.001);
    }

    #[test]
    fn rejects_impossible_positions() {
        assert!(GeoPoint::new(91.0, 0.0).is_none());
        assert!(GeoPoint::new(0.0, -180.5).is_none());
        assert!(GeoPoint::new(f64::NAN, 0.0).is_none());
        assert!(GeoPoint::from_parts(Some(30.0), None).is_none());
    }

    proptest! {
        #[test]
        fn distance_is_a_symmetric_bounded_metric(
            a in (-90.0f64..90.0, -180.0f64..180.0),
            b in (-90.0f64..90.0, -180.0f64..180.0),
        ) {
            let (a, b) = (GeoPoint::new(a.0, a.1).unwrap(), GeoPoint::new(b.0, b.1).unwrap());
            let d = a.distance_km(b);
            prop_assert!((0.0..=20_016.0).contains(&d));
            prop_assert!((d - b.distance_km(a)).abs() < 1e-6);
            prop_assert!(a.distance_km(a) < 1e-9);
        }
    }
}
