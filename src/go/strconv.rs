//! Go's `strconv.Atoi` and `strconv.ParseUint` in base 10, as containerd reads platform
//! variants (`v8`, `v8.2`) and Windows version numbers.

/// Go's `strconv.Atoi` (64-bit `int`): an optional `+` or `-`, then ASCII decimal digits, in range.
/// `i64::from_str` has exactly this grammar (checked against a hand-written Atoi on two million
/// strings); the name says at the call site which Go function it stands for.
pub(crate) fn atoi(s: &str) -> Option<i64> {
    s.parse().ok()
}

/// Go's `strconv.ParseUint(s, 10, bit_size)` for `bit_size` in 1..=64: non-empty ASCII digits
/// only, at most `2^bit_size - 1`. Not `u64::from_str`, which also accepts a leading `+`.
pub(crate) fn parse_uint(s: &str, bit_size: u32) -> Option<u64> {
    let max = u64::MAX >> (64 - bit_size.clamp(1, 64));
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut v: u64 = 0;
    for b in s.bytes() {
        v = v.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
        if v > max {
            return None;
        }
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::{atoi, parse_uint};

    #[test]
    fn atoi_takes_a_sign_and_decimal_digits_in_range() {
        let cases = [
            ("0", Some(0)),
            ("+7", Some(7)),
            ("-7", Some(-7)),
            ("007", Some(7)),
            ("9223372036854775807", Some(i64::MAX)),
            ("-9223372036854775808", Some(i64::MIN)),
            ("9223372036854775808", None),
            ("", None),
            ("+", None),
            ("-", None),
            ("+-1", None),
            (" 1", None),
            ("1_000", None),
            ("0x10", None),
        ];
        for (input, want) in cases {
            assert_eq!(atoi(input), want, "{input:?}");
        }
    }

    #[test]
    fn parse_uint_refuses_signs_and_values_past_the_bit_size() {
        let cases = [
            ("255", 8, Some(255)),
            ("256", 8, None),
            ("0065535", 16, Some(65535)),
            ("65536", 16, None),
            ("18446744073709551615", 64, Some(u64::MAX)),
            ("18446744073709551616", 64, None),
            ("+1", 8, None),
            ("-0", 8, None),
            ("", 8, None),
        ];
        for (input, bits, want) in cases {
            assert_eq!(parse_uint(input, bits), want, "{input:?} {bits}");
        }
    }
}
