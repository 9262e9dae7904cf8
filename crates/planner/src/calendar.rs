//! French public holidays, computed (no table to keep up to date).

use jiff::ToSpan;
use jiff::civil::{Date, date};

/// Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm,
/// also known as Meeus/Jones/Butcher).
pub fn easter_sunday(year: i16) -> Date {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    // month is 3 or 4 and day 1 to 31 by construction.
    date(year, month as i8, day as i8)
}

/// The eleven public holidays of metropolitan France (Code du travail,
/// L3133-1) in a year, in date order: New Year, Easter Monday, 1 May, 8 May,
/// Ascension, Whit Monday, 14 July, 15 August, 1 November, 11 November,
/// Christmas. Alsace-Moselle's two extra days are not included: give them as
/// `Rules::closed` days where they apply.
pub fn french_public_holidays(year: i16) -> Vec<Date> {
    let easter = easter_sunday(year);
    let after_easter = |days: i64| {
        easter
            .checked_add(days.days())
            .expect("Easter plus 50 days stays in the year")
    };
    let mut days = vec![
        date(year, 1, 1),
        after_easter(1),
        date(year, 5, 1),
        date(year, 5, 8),
        after_easter(39),
        after_easter(50),
        date(year, 7, 14),
        date(year, 8, 15),
        date(year, 11, 1),
        date(year, 11, 11),
        date(year, 12, 25),
    ];
    // Ascension can fall on 1 or 8 May (2008): one holiday, one entry.
    days.sort();
    days.dedup();
    days
}

/// Whether `day` is a French public holiday.
pub fn is_french_public_holiday(day: Date) -> bool {
    french_public_holidays(day.year()).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn easter_dates_match_the_published_ones() {
        for (year, month, day) in [
            (2000, 4, 23),
            (2008, 3, 23),
            (2019, 4, 21),
            (2020, 4, 12),
            (2021, 4, 4),
            (2024, 3, 31),
            (2025, 4, 20),
            (2027, 3, 28),
            (2038, 4, 25),
        ] {
            assert_eq!(easter_sunday(year), date(year, month, day), "{year}");
        }
    }
}
