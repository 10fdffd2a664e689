//! The 2026 calendar of the city data: days off besides weekends.

use chrono::NaiveDate;

/// Public holidays and cuti bersama of 2026 on which offices are closed.
const HOLIDAYS: &[(u32, u32)] = &[
    (1, 1),
    (1, 16),
    (2, 16),
    (2, 17),
    (3, 18),
    (3, 19),
    (3, 20),
    (3, 23),
    (3, 24),
    (4, 3),
    (5, 1),
    (5, 14),
    (5, 15),
    (5, 27),
    (5, 28),
    (6, 1),
    (6, 16),
    (8, 17),
    (8, 25),
    (12, 24),
    (12, 25),
];

/// The days off of 2026 besides weekends.
pub fn holidays() -> Vec<NaiveDate> {
    HOLIDAYS
        .iter()
        .filter_map(|(month, day)| NaiveDate::from_ymd_opt(2026, *month, *day))
        .collect()
}

/// Whether offices work on `day` (Monday–Friday, not a holiday).
pub fn is_working_day(day: NaiveDate) -> bool {
    use chrono::Datelike;
    day.weekday().number_from_monday() <= 5 && !holidays().contains(&day)
}
