//! Predikat counts: the five `count(*) FILTER (…)` columns every dashboard statement selects,
//! and the distribution clients read.

use async_graphql::SimpleObject;
use diesel::QueryableByName;
use diesel::sql_types::BigInt;

use crate::evaluations::predikat::Predikat;

/// The five predikat, best first (PermenPANRB 6/2022).
pub const PREDIKAT: [Predikat; 5] = [
    Predikat::SangatBaik,
    Predikat::Baik,
    Predikat::ButuhPerbaikan,
    Predikat::Kurang,
    Predikat::SangatKurang,
];

/// How many counted evaluations have each predikat.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, QueryableByName)]
pub struct PredikatCounts {
    /// SANGAT_BAIK.
    #[diesel(sql_type = BigInt)]
    pub sangat_baik: i64,
    /// BAIK.
    #[diesel(sql_type = BigInt)]
    pub baik: i64,
    /// BUTUH_PERBAIKAN.
    #[diesel(sql_type = BigInt)]
    pub butuh_perbaikan: i64,
    /// KURANG.
    #[diesel(sql_type = BigInt)]
    pub kurang: i64,
    /// SANGAT_KURANG.
    #[diesel(sql_type = BigInt)]
    pub sangat_kurang: i64,
}

impl PredikatCounts {
    /// The count of `predikat`.
    pub fn get(&self, predikat: Predikat) -> i64 {
        match predikat {
            Predikat::SangatBaik => self.sangat_baik,
            Predikat::Baik => self.baik,
            Predikat::ButuhPerbaikan => self.butuh_perbaikan,
            Predikat::Kurang => self.kurang,
            Predikat::SangatKurang => self.sangat_kurang,
        }
    }

    /// All counted evaluations.
    pub fn total(&self) -> i64 {
        PREDIKAT.iter().map(|p| self.get(*p)).sum()
    }

    /// The share of `predikat` among all counted (0 when none are).
    pub fn share(&self, predikat: Predikat) -> f64 {
        ratio(self.get(predikat), self.total())
    }

    /// All five predikat with their counts and shares, best first, zeros included.
    pub fn distribution(&self) -> Vec<PredikatCount> {
        PREDIKAT
            .iter()
            .map(|p| PredikatCount {
                predikat: *p,
                label: p.label(),
                count: self.get(*p),
                share: self.share(*p),
            })
            .collect()
    }
}

/// `part / whole`, 0 when `whole` is 0.
pub fn ratio(part: i64, whole: i64) -> f64 {
    if whole > 0 {
        part as f64 / whole as f64
    } else {
        0.0
    }
}

/// The five [`PredikatCounts`] columns over the evaluation rows aliased `e` that meet
/// `condition`, as select columns.
pub fn predikat_counts_sql(e: &str, condition: &str) -> String {
    PREDIKAT
        .iter()
        .map(|p| {
            let name = p.as_str();
            format!(
                "count(*) FILTER (WHERE {condition} AND {e}.predikat = '{name}') AS {}",
                name.to_lowercase()
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The [`PredikatCounts`] column names.
pub fn predikat_columns() -> impl Iterator<Item = String> {
    PREDIKAT.iter().map(|p| p.as_str().to_lowercase())
}

/// How many counted evaluations of a unit have one predikat.
#[derive(SimpleObject, Debug, Clone, PartialEq)]
pub struct PredikatCount {
    /// The predikat.
    pub predikat: Predikat,
    /// Its official label ("Kurang/Misconduct" for KURANG).
    pub label: &'static str,
    /// Counted evaluations with this predikat.
    pub count: i64,
    /// `count` divided by all counted evaluations (0 when there are none).
    pub share: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_distribution_lists_all_five_with_zeros() {
        let counts = PredikatCounts {
            sangat_baik: 1,
            baik: 3,
            ..PredikatCounts::default()
        };
        let distribution = counts.distribution();
        assert_eq!(distribution.len(), 5);
        assert_eq!(distribution[0].predikat, Predikat::SangatBaik);
        assert!((distribution[0].share - 0.25).abs() < 1e-9);
        assert_eq!(distribution[3].label, "Kurang/Misconduct");
        assert_eq!(distribution[4].count, 0);
        assert_eq!(PredikatCounts::default().share(Predikat::Baik), 0.0);
    }

    #[test]
    fn the_sql_names_one_column_per_predikat() {
        let sql = predikat_counts_sql("e", "TRUE");
        for column in predikat_columns() {
            assert!(sql.contains(&format!(" AS {column}")), "{column}");
        }
        assert!(sql.contains("e.predikat = 'BUTUH_PERBAIKAN'"));
    }
}
