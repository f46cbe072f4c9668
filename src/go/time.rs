//! Go's `time.ParseDuration`, as the kubelet applies it to a credential provider's
//! `defaultCacheDuration` and to a plugin response's `cacheDuration`.
//!
//! Grammar: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+` with units `ns`, `us`/`µs`/`μs`, `ms`, `s`, `m`,
//! `h`; the bare string `0` (optionally signed) is zero; a number without unit is an error;
//! fractions are allowed (`1.5h`); anything over `2^63-1` ns is an overflow error.

use std::fmt;

/// Why a duration string is rejected. `Display` has the words of Go's message but not all of
/// it: Go also names an unknown unit (`time: unknown unit "d" in duration "1d"`) and writes
/// non-ASCII input as `\x` escapes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DurationError {
    /// The input.
    pub input: String,
    /// What is wrong (`invalid duration`, `missing unit in duration`, ...).
    pub reason: &'static str,
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "time: {} {:?}", self.reason, self.input)
    }
}

const LIMIT: u64 = 1 << 63;

fn unit_nanos(unit: &str) -> Option<u64> {
    Some(match unit {
        "ns" => 1,
        "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        _ => return None,
    })
}

/// `time.ParseDuration`: the duration in nanoseconds.
pub fn parse_duration(input: &str) -> Result<i64, DurationError> {
    let err = |reason| DurationError {
        input: input.to_string(),
        reason,
    };
    let mut s = input;
    let mut neg = false;
    if let Some(rest) = s.strip_prefix('-') {
        neg = true;
        s = rest;
    } else if let Some(rest) = s.strip_prefix('+') {
        s = rest;
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(err("invalid duration"));
    }
    let mut total: u64 = 0;
    while !s.is_empty() {
        let b = s.as_bytes();
        if !(b[0] == b'.' || b[0].is_ascii_digit()) {
            return Err(err("invalid duration"));
        }
        // Integer part.
        let mut i = 0;
        let mut v: u64 = 0;
        while i < b.len() && b[i].is_ascii_digit() {
            if v > LIMIT / 10 {
                return Err(err("invalid duration"));
            }
            v = v * 10 + u64::from(b[i] - b'0');
            if v > LIMIT {
                return Err(err("invalid duration"));
            }
            i += 1;
        }
        let pre = i > 0;
        // Fraction.
        let mut f: u64 = 0;
        let mut scale = 1.0f64;
        let mut post = false;
        if i < b.len() && b[i] == b'.' {
            i += 1;
            let start = i;
            let mut overflow = false;
            while i < b.len() && b[i].is_ascii_digit() {
                if !overflow {
                    if f > (LIMIT - 1) / 10 {
                        overflow = true;
                    } else {
                        let y = f * 10 + u64::from(b[i] - b'0');
                        if y > LIMIT {
                            overflow = true;
                        } else {
                            f = y;
                            scale *= 10.0;
                        }
                    }
                }
                i += 1;
            }
            post = i > start;
        }
        if !pre && !post {
            return Err(err("invalid duration"));
        }
        // Unit: up to the next '.' or digit.
        let mut j = i;
        while j < b.len() && !(b[j] == b'.' || b[j].is_ascii_digit()) {
            j += 1;
        }
        if j == i {
            return Err(err("missing unit in duration"));
        }
        let unit = s.get(i..j).ok_or_else(|| err("invalid duration"))?;
        let unit = unit_nanos(unit).ok_or_else(|| err("unknown unit in duration"))?;
        if v > LIMIT / unit {
            return Err(err("invalid duration"));
        }
        v *= unit;
        if f > 0 {
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > LIMIT {
                return Err(err("invalid duration"));
            }
        }
        total += v;
        if total > LIMIT {
            return Err(err("invalid duration"));
        }
        s = s.get(j..).unwrap_or("");
    }
    if neg {
        return Ok((total as i128).wrapping_neg() as i64);
    }
    if total > LIMIT - 1 {
        return Err(err("invalid duration"));
    }
    Ok(total as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations_parse_like_time_parse_duration() {
        let ok: [(&str, i64); 13] = [
            ("0", 0),
            ("-0", 0),
            ("0s", 0),
            ("12h", 12 * 3_600_000_000_000),
            ("1h30m", 5_400_000_000_000),
            ("1.5h", 5_400_000_000_000),
            ("300ms", 300_000_000),
            ("-1s", -1_000_000_000),
            ("+5m", 300_000_000_000),
            ("1µs", 1_000),
            ("1μs2ns", 1_002),
            (".5s", 500_000_000),
            ("2562047h47m16.854775807s", i64::MAX),
        ];
        for (input, want) in ok {
            assert_eq!(parse_duration(input), Ok(want), "{input}");
        }
        let bad = [
            ("", "invalid duration"),
            ("12", "missing unit in duration"),
            ("1d", "unknown unit in duration"),
            ("h", "invalid duration"),
            (".s", "invalid duration"),
            ("1h 2m", "unknown unit in duration"),
            ("3000000h", "invalid duration"),
            ("-", "invalid duration"),
        ];
        for (input, reason) in bad {
            assert_eq!(parse_duration(input).unwrap_err().reason, reason, "{input}");
        }
    }
}
