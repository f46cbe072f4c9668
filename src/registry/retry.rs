//! When and how long to wait before trying again.
//!
//! Retried: `429`, `500`, `502`, `503`, `504` and transport errors (`Network`, `Timeout`), for
//! GET and HEAD only. The wait is `Retry-After` when the response has one (delta-seconds or an
//! IMF-fixdate, RFC 9110 §10.2.3), capped by `retry_after_cap_ms`; otherwise exponential
//! backoff with full jitter (AWS's "full jitter": uniform in `[0, min(max, base * 2^(n-1))]`).
//! There is no clock and no entropy here: the caller passes `now_ms` and a seed.

/// The retry knobs of a [`crate::registry::Client`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, the first included (default 4: three retries).
    pub attempts: u32,
    /// Backoff ceiling of the first retry (default 500 ms).
    pub base_delay_ms: u64,
    /// Largest backoff ceiling (default 10 s).
    pub max_delay_ms: u64,
    /// Largest wait a `Retry-After` can impose (default 60 s).
    pub retry_after_cap_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 4,
            base_delay_ms: 500,
            max_delay_ms: 10_000,
            retry_after_cap_ms: 60_000,
        }
    }
}

/// Where the randomness of backoff comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jitter {
    /// Full jitter from a SplitMix64 generator with this seed (deterministic per seed).
    Seeded(u64),
    /// No jitter: always the ceiling (tests, or callers who jitter themselves).
    None,
}

/// SplitMix64: tiny, deterministic, good enough to spread retries.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator with this seed.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..=max`.
    pub fn below_or_eq(&mut self, max: u64) -> u64 {
        match max.checked_add(1) {
            Some(n) => self.next_u64() % n,
            None => self.next_u64(),
        }
    }
}

impl RetryPolicy {
    /// The backoff ceiling before retry number `retry` (1-based): `min(max, base * 2^(retry-1))`.
    pub fn ceiling_ms(&self, retry: u32) -> u64 {
        let factor = 1u64
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u64::MAX);
        self.base_delay_ms
            .saturating_mul(factor)
            .min(self.max_delay_ms)
    }
}

/// Whether a status is worth retrying (for idempotent requests).
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// `Retry-After` as milliseconds from `now_ms`: delta-seconds or an IMF-fixdate (a date in the
/// past is 0). `None` when absent or unparsable.
pub fn parse_retry_after(value: &str, now_ms: u64) -> Option<u64> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return Some(v.parse::<u64>().unwrap_or(u64::MAX).saturating_mul(1000));
    }
    parse_http_date(v).map(|at| at.saturating_sub(now_ms))
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) as milliseconds since the Unix epoch.
/// The day name must be one of the seven but is not cross-checked; the obsolete RFC 850 and
/// asctime forms are not accepted.
pub fn parse_http_date(s: &str) -> Option<u64> {
    let (day_name, rest) = s.trim().split_once(", ")?;
    if !DAYS.contains(&day_name) {
        return None;
    }
    let parts: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let num = |t: &str, len: usize| -> Option<u64> {
        (t.len() == len && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok())?
    };
    let day = num(day, 2)?;
    let month = MONTHS.iter().position(|m| m == month)? as u64 + 1;
    let year = num(year, 4)?;
    let hms: Vec<&str> = time.split(':').collect();
    let [h, m, sec] = hms.as_slice() else {
        return None;
    };
    let (h, m, sec) = (num(h, 2)?, num(m, 2)?, num(sec, 2)?);
    if !(1..=31).contains(&day) || h > 23 || m > 59 || sec > 60 || year < 1970 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(((days * 24 + h) * 60 + m) * 60_000 + sec * 1000)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm), year >= 1970.
fn days_from_civil(y: u64, m: u64, d: u64) -> u64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates() {
        let cases = [
            ("Sun, 06 Nov 1994 08:49:37 GMT", Some(784_111_777_000)),
            ("Thu, 01 Jan 1970 00:00:00 GMT", Some(0)),
            ("Tue, 29 Feb 2000 12:00:00 GMT", Some(951_825_600_000)),
            ("Wed, 21 Oct 2015 07:28:00 GMT", Some(1_445_412_480_000)),
            ("Sunday, 06-Nov-94 08:49:37 GMT", None),
            ("Sun Nov  6 08:49:37 1994", None),
            ("Sun, 06 Nov 1994 08:49:37 UTC", None),
            ("Sun, 6 Nov 1994 08:49:37 GMT", None),
            ("Sun, 06 Foo 1994 08:49:37 GMT", None),
            ("Sun, 06 Nov 1994 25:49:37 GMT", None),
            ("", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse_http_date(s), want, "{s}");
        }
    }

    #[test]
    fn retry_after_values() {
        let now = 1_445_412_470_000; // 10 s before the date below
        let cases = [
            ("3", Some(3000)),
            (" 0 ", Some(0)),
            ("Wed, 21 Oct 2015 07:28:00 GMT", Some(10_000)),
            ("Wed, 21 Oct 2015 07:27:00 GMT", Some(0)),
            ("-1", None),
            ("soon", None),
            ("99999999999999999999999", Some(u64::MAX)),
        ];
        for (v, want) in cases {
            assert_eq!(parse_retry_after(v, now), want, "{v}");
        }
    }

    #[test]
    fn backoff_ceilings_grow_and_cap() {
        let p = RetryPolicy::default();
        let got: Vec<u64> = (1..=7).map(|n| p.ceiling_ms(n)).collect();
        assert_eq!(got, [500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
        assert_eq!(p.ceiling_ms(200), 10_000);
    }

    #[test]
    fn splitmix_is_deterministic_and_bounded() {
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        for _ in 0..100 {
            let x = a.below_or_eq(1000);
            assert_eq!(x, b.below_or_eq(1000));
            assert!(x <= 1000);
        }
        assert_eq!(SplitMix64::new(0).below_or_eq(0), 0);
    }
}
