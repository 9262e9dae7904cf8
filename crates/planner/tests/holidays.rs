//! French public holidays against the published calendars.

use jiff::civil::date;
use relais_planner::{easter_sunday, french_public_holidays, is_french_public_holiday};

#[test]
fn holidays_of_2020() {
    assert_eq!(easter_sunday(2020), date(2020, 4, 12));
    assert_eq!(
        french_public_holidays(2020),
        vec![
            date(2020, 1, 1),
            date(2020, 4, 13), // Easter Monday
            date(2020, 5, 1),
            date(2020, 5, 8),
            date(2020, 5, 21), // Ascension
            date(2020, 6, 1),  // Whit Monday
            date(2020, 7, 14),
            date(2020, 8, 15),
            date(2020, 11, 1),
            date(2020, 11, 11),
            date(2020, 12, 25),
        ]
    );
}

#[test]
fn holidays_of_2027() {
    assert_eq!(easter_sunday(2027), date(2027, 3, 28));
    assert_eq!(
        french_public_holidays(2027),
        vec![
            date(2027, 1, 1),
            date(2027, 3, 29), // Easter Monday
            date(2027, 5, 1),
            date(2027, 5, 6), // Ascension
            date(2027, 5, 8),
            date(2027, 5, 17), // Whit Monday
            date(2027, 7, 14),
            date(2027, 8, 15),
            date(2027, 11, 1),
            date(2027, 11, 11),
            date(2027, 12, 25),
        ]
    );
}

#[test]
fn ascension_on_1_may_counts_once() {
    // Easter 2008 was 23 March: Ascension fell on 1 May.
    let days = french_public_holidays(2008);
    assert_eq!(days.len(), 10);
    assert!(days.contains(&date(2008, 5, 1)));
}

#[test]
fn ordinary_days_are_not_holidays() {
    assert!(is_french_public_holiday(date(2020, 4, 13)));
    assert!(!is_french_public_holiday(date(2020, 4, 12)));
    assert!(!is_french_public_holiday(date(2020, 4, 14)));
    assert!(!is_french_public_holiday(date(2027, 5, 7)));
}
