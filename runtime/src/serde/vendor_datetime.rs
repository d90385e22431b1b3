//! The vendor's `YYYY-MM-DD HH:MM:SS` datetimes and `YYYY-MM-DD` dates, read and written at
//! fixed byte offsets (no format description is interpreted per value).
//!
//! Reading checks every byte: the digits, the separators and the length, then the ranges
//! through `time` (`Month::try_from`, `Date::from_calendar_date`, `Time::from_hms`), so
//! `2023-02-29` and `24:00:00` are errors like anything else `time` refuses. An error names
//! the part of the text that is wrong, never the text itself.

use std::fmt;

use time::{Date, Month, PrimitiveDateTime, Time};

/// Bytes in `YYYY-MM-DD`.
pub(crate) const DATE_LEN: usize = 10;
/// Bytes in `YYYY-MM-DD HH:MM:SS`.
pub(crate) const DATETIME_LEN: usize = 19;

/// A part of `YYYY-MM-DD HH:MM:SS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
}

impl Part {
    fn name(self) -> &'static str {
        match self {
            Part::Year => "year",
            Part::Month => "month",
            Part::Day => "day",
            Part::Hour => "hour",
            Part::Minute => "minute",
            Part::Second => "second",
        }
    }
}

/// Why a text is not a vendor date or datetime. Its message never repeats the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VendorTimeError {
    /// The text is not exactly `expected` bytes long.
    Length { expected: usize },
    /// A byte of this part is not an ASCII digit.
    NotDigits(Part),
    /// The separator `expected` is missing after this part.
    Separator { after: Part, expected: char },
    /// This part is outside its range (a month of 13, a 30 February, an hour of 24).
    OutOfRange(Part),
}

impl fmt::Display for VendorTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            VendorTimeError::Length { expected: DATE_LEN } => {
                f.write_str("a date must be 10 characters: YYYY-MM-DD")
            }
            VendorTimeError::Length { .. } => {
                f.write_str("a datetime must be 19 characters: YYYY-MM-DD HH:MM:SS")
            }
            VendorTimeError::NotDigits(part) => {
                write!(f, "the {} must be written in digits", part.name())
            }
            VendorTimeError::Separator { after, expected } => {
                write!(f, "expected `{expected}` after the {}", after.name())
            }
            VendorTimeError::OutOfRange(part) => write!(f, "the {} is out of range", part.name()),
        }
    }
}

impl std::error::Error for VendorTimeError {}

/// Reads `YYYY-MM-DD HH:MM:SS`.
pub(crate) fn parse_datetime(text: &str) -> Result<PrimitiveDateTime, VendorTimeError> {
    // A fixed-size array: every offset below is checked at compile time.
    let bytes: &[u8; DATETIME_LEN] =
        text.as_bytes()
            .try_into()
            .map_err(|_| VendorTimeError::Length {
                expected: DATETIME_LEN,
            })?;
    let date = date_at_start(bytes)?;
    separator(bytes, 10, b' ', Part::Day)?;
    let hour = two_digits(bytes, 11, Part::Hour)?;
    separator(bytes, 13, b':', Part::Hour)?;
    let minute = two_digits(bytes, 14, Part::Minute)?;
    separator(bytes, 16, b':', Part::Minute)?;
    let second = two_digits(bytes, 17, Part::Second)?;
    let time = Time::from_hms(hour, minute, second).map_err(|e| {
        VendorTimeError::OutOfRange(match e.name() {
            "hour" => Part::Hour,
            "minute" => Part::Minute,
            _ => Part::Second,
        })
    })?;
    Ok(PrimitiveDateTime::new(date, time))
}

/// Reads `YYYY-MM-DD`.
pub(crate) fn parse_date(text: &str) -> Result<Date, VendorTimeError> {
    let bytes: &[u8; DATE_LEN] = text
        .as_bytes()
        .try_into()
        .map_err(|_| VendorTimeError::Length { expected: DATE_LEN })?;
    date_at_start(bytes)
}

/// `YYYY-MM-DD HH:MM:SS` in `out`. Years before 1 BC (negative) are written with a `-`, as
/// `time`'s `[year]` component writes them.
pub(crate) fn write_datetime(value: &PrimitiveDateTime, out: &mut String) {
    write_date(value.date(), out);
    out.push(' ');
    push_two(out, value.hour());
    out.push(':');
    push_two(out, value.minute());
    out.push(':');
    push_two(out, value.second());
}

/// `YYYY-MM-DD` in `out` (a negative year with a `-`).
pub(crate) fn write_date(value: Date, out: &mut String) {
    let year = value.year();
    if year < 0 {
        out.push('-');
    }
    let year = year.unsigned_abs();
    for divisor in [1000, 100, 10, 1] {
        out.push(digit(year / divisor % 10));
    }
    out.push('-');
    push_two(out, u8::from(value.month()));
    out.push('-');
    push_two(out, value.day());
}

fn push_two(out: &mut String, value: u8) {
    out.push(digit(u32::from(value / 10)));
    out.push(digit(u32::from(value % 10)));
}

fn digit(value: u32) -> char {
    char::from_digit(value, 10).unwrap_or('0')
}

/// The date in the first 10 bytes.
#[inline]
fn date_at_start<const N: usize>(bytes: &[u8; N]) -> Result<Date, VendorTimeError> {
    let year = u16::from(two_digits(bytes, 0, Part::Year)?) * 100
        + u16::from(two_digits(bytes, 2, Part::Year)?);
    separator(bytes, 4, b'-', Part::Year)?;
    let month = two_digits(bytes, 5, Part::Month)?;
    separator(bytes, 7, b'-', Part::Month)?;
    let day = two_digits(bytes, 8, Part::Day)?;
    let month = Month::try_from(month).map_err(|_| VendorTimeError::OutOfRange(Part::Month))?;
    Date::from_calendar_date(i32::from(year), month, day)
        .map_err(|_| VendorTimeError::OutOfRange(Part::Day))
}

/// The two ASCII digits at `at` as a number.
#[inline]
fn two_digits<const N: usize>(
    bytes: &[u8; N],
    at: usize,
    part: Part,
) -> Result<u8, VendorTimeError> {
    let tens = bytes[at].wrapping_sub(b'0');
    let ones = bytes[at + 1].wrapping_sub(b'0');
    if tens > 9 || ones > 9 {
        return Err(VendorTimeError::NotDigits(part));
    }
    Ok(tens * 10 + ones)
}

#[inline]
fn separator<const N: usize>(
    bytes: &[u8; N],
    at: usize,
    expected: u8,
    after: Part,
) -> Result<(), VendorTimeError> {
    if bytes[at] == expected {
        Ok(())
    } else {
        Err(VendorTimeError::Separator {
            after,
            expected: char::from(expected),
        })
    }
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;

    const GOOD: &str = "2023-10-30 05:35:14";

    #[test]
    fn reads_valid_datetimes_and_dates() {
        for (text, expected) in [
            (GOOD, datetime!(2023-10-30 05:35:14)),
            ("0000-01-01 00:00:00", datetime!(0000-01-01 00:00:00)),
            ("9999-12-31 23:59:59", datetime!(9999-12-31 23:59:59)),
            ("2024-02-29 12:00:00", datetime!(2024-02-29 12:00:00)),
            ("2000-02-29 00:00:01", datetime!(2000-02-29 00:00:01)),
        ] {
            assert_eq!(parse_datetime(text), Ok(expected), "{text}");
        }
        assert_eq!(parse_date("2024-02-29"), Ok(date!(2024 - 02 - 29)));
        assert_eq!(parse_date("1999-01-09"), Ok(date!(1999 - 01 - 09)));
    }

    #[test]
    fn every_digit_position_is_checked() {
        let parts = [
            (0..4, Part::Year),
            (5..7, Part::Month),
            (8..10, Part::Day),
            (11..13, Part::Hour),
            (14..16, Part::Minute),
            (17..19, Part::Second),
        ];
        for (range, part) in parts {
            for at in range {
                for bad in [b'a', b'/', b':', b' ', b'+'] {
                    let mut text = GOOD.as_bytes().to_vec();
                    text[at] = bad;
                    let text = String::from_utf8(text).unwrap();
                    assert_eq!(
                        parse_datetime(&text),
                        Err(VendorTimeError::NotDigits(part)),
                        "{text}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_separator_is_checked() {
        for (at, after, expected) in [
            (4, Part::Year, '-'),
            (7, Part::Month, '-'),
            (10, Part::Day, ' '),
            (13, Part::Hour, ':'),
            (16, Part::Minute, ':'),
        ] {
            for bad in [b'0', b'/', b'T', b'_'] {
                let mut text = GOOD.as_bytes().to_vec();
                text[at] = bad;
                let text = String::from_utf8(text).unwrap();
                assert_eq!(
                    parse_datetime(&text),
                    Err(VendorTimeError::Separator { after, expected }),
                    "{text}"
                );
            }
        }
        assert_eq!(
            parse_date("2023/10-30"),
            Err(VendorTimeError::Separator {
                after: Part::Year,
                expected: '-'
            })
        );
    }

    #[test]
    fn ranges_are_checked_including_leap_days() {
        for (text, part) in [
            ("2023-00-10 00:00:00", Part::Month),
            ("2023-13-10 00:00:00", Part::Month),
            ("2023-01-00 00:00:00", Part::Day),
            ("2023-01-32 00:00:00", Part::Day),
            ("2023-04-31 00:00:00", Part::Day),
            ("2023-02-29 00:00:00", Part::Day),
            ("1900-02-29 00:00:00", Part::Day),
            ("2024-02-30 00:00:00", Part::Day),
            ("0000-00-00 00:00:00", Part::Month),
            ("2023-01-01 24:00:00", Part::Hour),
            ("2023-01-01 99:00:00", Part::Hour),
            ("2023-01-01 00:60:00", Part::Minute),
            ("2023-01-01 23:59:60", Part::Second),
        ] {
            assert_eq!(
                parse_datetime(text),
                Err(VendorTimeError::OutOfRange(part)),
                "{text}"
            );
        }
        assert_eq!(
            parse_date("2023-02-29"),
            Err(VendorTimeError::OutOfRange(Part::Day))
        );
    }

    #[test]
    fn wrong_lengths_and_non_ascii_are_refused() {
        for text in [
            "",
            "2023-10-30",
            "2023-10-30 05:35",
            "2023-10-30 05:35:14 ",
            " 2023-10-30 05:35:14",
            "2023-10-30T05:35:14Z",
            "2023-10-30 05:35:14.5",
            "+2023-10-30 05:35:14",
        ] {
            assert_eq!(
                parse_datetime(text),
                Err(VendorTimeError::Length {
                    expected: DATETIME_LEN
                }),
                "{text:?}"
            );
        }
        // 19 bytes, but a two-byte character where digits belong.
        assert_eq!(
            parse_datetime("2023-10-30 05:35:é"),
            Err(VendorTimeError::NotDigits(Part::Second))
        );
        assert_eq!(
            parse_datetime("２023-10-30 05:35:"),
            Err(VendorTimeError::NotDigits(Part::Year))
        );
        assert_eq!(
            parse_date("2023-10-3"),
            Err(VendorTimeError::Length { expected: DATE_LEN })
        );
    }

    #[test]
    fn messages_name_the_part_and_never_the_text() {
        let cases = [
            parse_datetime("2023-10-3x 05:35:14"),
            parse_datetime("2023-10-31 25:35:14"),
            parse_datetime("2023-10-31 05-35:14"),
            parse_datetime("4111111111111111111"),
            parse_datetime("41111111111111111"),
        ];
        let messages: Vec<String> = cases.iter().map(|r| r.unwrap_err().to_string()).collect();
        assert_eq!(
            messages,
            [
                "the day must be written in digits",
                "the hour is out of range",
                "expected `:` after the hour",
                "expected `-` after the year",
                "a datetime must be 19 characters: YYYY-MM-DD HH:MM:SS",
            ]
        );
    }

    #[test]
    fn writes_what_time_s_format_description_writes() {
        let format =
            time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
        for value in [
            datetime!(2023-10-30 05:35:14),
            datetime!(0000-01-01 00:00:00),
            datetime!(0007-03-04 01:02:03),
            datetime!(9999-12-31 23:59:59),
            datetime!(-0001-06-15 12:30:45),
            datetime!(2024-02-29 00:00:00.999),
        ] {
            let mut ours = String::new();
            write_datetime(&value, &mut ours);
            assert_eq!(ours, value.format(format).unwrap(), "{value}");
            assert_eq!(
                parse_datetime(&ours).ok(),
                (value.year() >= 0).then(|| value.replace_nanosecond(0).unwrap())
            );
        }
        let mut ours = String::new();
        write_date(date!(0042 - 01 - 02), &mut ours);
        assert_eq!(ours, "0042-01-02");
    }
}
