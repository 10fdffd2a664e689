//! The pola distribusi: the spread of predikat kinerja pegawai a unit's capaian kinerja
//! organisasi allows (PermenPANRB 6/2022 with the SE MenPANRB on the distribution curve; DOMAIN
//! §1.3):
//!
//! | capaian organisasi | bounds on the staff's predikat |
//! |---|---|
//! | ISTIMEWA | Sangat Baik at most 70% |
//! | BAIK | Baik at most 70%; at least one Butuh Perbaikan and/or Kurang/Misconduct |
//! | BUTUH_PERBAIKAN | Butuh Perbaikan at least 60%; Sangat Baik at most 10% |
//! | KURANG | Kurang/Misconduct at least 60%; Butuh Perbaikan at least 10%; Sangat Baik at most 10% |
//! | SANGAT_KURANG | Sangat Kurang at least 60%; Kurang/Misconduct and/or Butuh Perbaikan at least 10%; no Sangat Baik |
//!
//! "Most (max 70%)" is read as the maximum only. Shares are of the evaluated staff; a minimum
//! share needs the count rounded up, a maximum allows the count rounded down (integer
//! arithmetic, no float rounding). The curve is guidance the approver acknowledges, so a check
//! reports violations and blocks nothing.

use BoundKind::{Max, Min};
use Limit::{AtLeastOne, Percent};
use Predikat::{Baik, ButuhPerbaikan, Kurang, SangatBaik, SangatKurang};

use crate::evaluations::predikat::Predikat;

/// The capaian kinerja organisasi (predikat kinerja organisasi) set for a unit by the leader
/// above it.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PredikatOrganisasi {
    /// Istimewa.
    Istimewa,
    /// Baik.
    Baik,
    /// Butuh Perbaikan (also labelled "Cukup").
    ButuhPerbaikan,
    /// Kurang.
    Kurang,
    /// Sangat Kurang.
    SangatKurang,
}

/// Whether a bound is a floor or a ceiling.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BoundKind {
    /// At least this many.
    Min,
    /// At most this many.
    Max,
}

/// How large a bound is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// A share of the evaluated staff, in percent.
    Percent(i64),
    /// At least one ASN ("there must be staff with …").
    AtLeastOne,
}

/// One bound of a pola distribusi over the combined count of some predikat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    /// The predikat counted together.
    pub predikat: &'static [Predikat],
    /// Floor or ceiling.
    pub kind: BoundKind,
    /// Its size.
    pub limit: Limit,
}

const fn bound(predikat: &'static [Predikat], kind: BoundKind, limit: Limit) -> Bound {
    Bound {
        predikat,
        kind,
        limit,
    }
}

const ISTIMEWA: &[Bound] = &[bound(&[SangatBaik], Max, Percent(70))];
const BAIK: &[Bound] = &[
    bound(&[Baik], Max, Percent(70)),
    bound(&[ButuhPerbaikan, Kurang], Min, AtLeastOne),
];
const BUTUH_PERBAIKAN: &[Bound] = &[
    bound(&[ButuhPerbaikan], Min, Percent(60)),
    bound(&[SangatBaik], Max, Percent(10)),
];
const KURANG: &[Bound] = &[
    bound(&[Kurang], Min, Percent(60)),
    bound(&[ButuhPerbaikan], Min, Percent(10)),
    bound(&[SangatBaik], Max, Percent(10)),
];
const SANGAT_KURANG: &[Bound] = &[
    bound(&[SangatKurang], Min, Percent(60)),
    bound(&[Kurang, ButuhPerbaikan], Min, Percent(10)),
    bound(&[SangatBaik], Max, Percent(0)),
];

/// The bounds the pola distribusi of `capaian` sets.
pub fn pola(capaian: PredikatOrganisasi) -> &'static [Bound] {
    match capaian {
        PredikatOrganisasi::Istimewa => ISTIMEWA,
        PredikatOrganisasi::Baik => BAIK,
        PredikatOrganisasi::ButuhPerbaikan => BUTUH_PERBAIKAN,
        PredikatOrganisasi::Kurang => KURANG,
        PredikatOrganisasi::SangatKurang => SANGAT_KURANG,
    }
}

impl Bound {
    /// The bound as a count for `evaluated` staff: a minimum rounded up, a maximum rounded
    /// down. With nobody evaluated nothing is required.
    pub fn allowed_count(&self, evaluated: i64) -> i64 {
        match (self.limit, self.kind) {
            (AtLeastOne, _) => evaluated.min(1),
            (Percent(pct), Min) => (evaluated * pct + 99) / 100,
            (Percent(pct), Max) => evaluated * pct / 100,
        }
    }

    /// The bound as a share; None for "at least one".
    pub fn allowed_share(&self) -> Option<f64> {
        match self.limit {
            Percent(pct) => Some(pct as f64 / 100.0),
            AtLeastOne => None,
        }
    }

    /// Whether `actual` of `evaluated` staff keep the bound.
    pub fn holds(&self, actual: i64, evaluated: i64) -> bool {
        let allowed = self.allowed_count(evaluated);
        match self.kind {
            Min => actual >= allowed,
            Max => actual <= allowed,
        }
    }

    /// The bound in words, e.g. "at least 60% Butuh Perbaikan".
    pub fn describe(&self) -> String {
        let names = self
            .predikat
            .iter()
            .map(|p| p.label())
            .collect::<Vec<_>>()
            .join(" and/or ");
        match (self.kind, self.limit) {
            (_, AtLeastOne) => format!("at least one {names}"),
            (Max, Percent(0)) => format!("no {names}"),
            (Min, Percent(pct)) => format!("at least {pct}% {names}"),
            (Max, Percent(pct)) => format!("at most {pct}% {names}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_round_towards_the_safe_side_without_float_error() {
        let min60 = bound(&[ButuhPerbaikan], Min, Percent(60));
        assert_eq!(min60.allowed_count(5), 3, "60% of 5 is exactly 3");
        assert_eq!(min60.allowed_count(10), 6);
        assert_eq!(min60.allowed_count(9), 6, "5.4 rounds up");
        let max10 = bound(&[SangatBaik], Max, Percent(10));
        assert_eq!(max10.allowed_count(10), 1);
        assert_eq!(max10.allowed_count(9), 0, "0.9 rounds down");
        let max70 = bound(&[SangatBaik], Max, Percent(70));
        assert_eq!(max70.allowed_count(10), 7);
        assert_eq!(max70.allowed_count(3), 2);
        assert!(max70.holds(7, 10) && !max70.holds(8, 10));
        assert!(min60.holds(6, 10) && !min60.holds(5, 10));
    }

    #[test]
    fn nobody_evaluated_violates_nothing() {
        for capaian in [
            PredikatOrganisasi::Istimewa,
            PredikatOrganisasi::Baik,
            PredikatOrganisasi::ButuhPerbaikan,
            PredikatOrganisasi::Kurang,
            PredikatOrganisasi::SangatKurang,
        ] {
            assert!(pola(capaian).iter().all(|b| b.holds(0, 0)), "{capaian:?}");
        }
    }

    #[test]
    fn the_curves_follow_the_circular() {
        let baik = pola(PredikatOrganisasi::Baik);
        assert_eq!(
            baik[1].describe(),
            "at least one Butuh Perbaikan and/or Kurang/Misconduct"
        );
        assert!(!baik[1].holds(0, 4) && baik[1].holds(1, 4));
        let sangat_kurang = pola(PredikatOrganisasi::SangatKurang);
        assert_eq!(sangat_kurang[2].describe(), "no Sangat Baik");
        assert!(!sangat_kurang[2].holds(1, 100));
        assert_eq!(
            pola(PredikatOrganisasi::Kurang)
                .iter()
                .map(Bound::describe)
                .collect::<Vec<_>>(),
            [
                "at least 60% Kurang/Misconduct",
                "at least 10% Butuh Perbaikan",
                "at most 10% Sangat Baik"
            ]
        );
        assert_eq!(
            pola(PredikatOrganisasi::Istimewa)[0].allowed_share(),
            Some(0.7)
        );
        assert_eq!(baik[1].allowed_share(), None);
    }
}
