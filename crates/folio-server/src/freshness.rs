//! How long a fetched article or image may be reused, as its server says (RFC 9111,
//! section 4.2.1, read as a shared cache reads it: Folio's renders are shared).

use std::time::{Duration, SystemTime};

/// The freshness lifetime a response's headers give, less its age: `None` when they
/// say nothing (the service's own `--source-ttl-s` applies), zero when the response may
/// not be reused (`no-store`, `no-cache`, `private`, an expiry in the past or one that
/// cannot be read).
pub fn fresh_for(
    cache_control: Option<&str>,
    expires: Option<&str>,
    date: Option<&str>,
    age: Option<&str>,
) -> Option<Duration> {
    let lifetime = lifetime(cache_control, expires, date)?;
    let age = age
        .and_then(|a| a.trim().parse::<u64>().ok())
        .map_or(Duration::ZERO, Duration::from_secs);
    Some(lifetime.saturating_sub(age))
}

fn lifetime(
    cache_control: Option<&str>,
    expires: Option<&str>,
    date: Option<&str>,
) -> Option<Duration> {
    let mut max_age = None;
    let mut shared_max_age = None;
    for directive in cache_control.unwrap_or("").split(',') {
        let (name, value) = match directive.split_once('=') {
            Some((name, value)) => (name, Some(value.trim().trim_matches('"'))),
            None => (directive, None),
        };
        let seconds = || {
            // A malformed number is read as no time at all (RFC 9111, 1.2.2).
            Some(
                value?
                    .parse::<u64>()
                    .map_or(Duration::ZERO, Duration::from_secs),
            )
        };
        match name.trim().to_ascii_lowercase().as_str() {
            "no-store" | "no-cache" | "private" => return Some(Duration::ZERO),
            "s-maxage" => shared_max_age = seconds(),
            "max-age" => max_age = seconds(),
            _ => {}
        }
    }
    if let Some(lifetime) = shared_max_age.or(max_age) {
        return Some(lifetime);
    }
    let expires = expires?;
    let Ok(expires) = httpdate::parse_http_date(expires.trim()) else {
        // An invalid date, such as "0", means already expired.
        return Some(Duration::ZERO);
    };
    let now = date
        .and_then(|d| httpdate::parse_http_date(d.trim()).ok())
        .unwrap_or_else(SystemTime::now);
    Some(expires.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATE: &str = "Mon, 07 Dec 2026 10:00:00 GMT";

    fn secs(s: u64) -> Option<Duration> {
        Some(Duration::from_secs(s))
    }

    #[test]
    fn cache_control_wins_over_expires_and_shared_max_age_over_max_age() {
        assert_eq!(fresh_for(None, None, None, None), None);
        assert_eq!(
            fresh_for(Some("public, max-age=600"), None, None, None),
            secs(600)
        );
        assert_eq!(
            fresh_for(Some("max-age=600, s-maxage=30"), None, None, None),
            secs(30)
        );
        assert_eq!(
            fresh_for(
                Some("max-age=60"),
                Some("Mon, 07 Dec 2026 11:00:00 GMT"),
                Some(DATE),
                None
            ),
            secs(60)
        );
        assert_eq!(
            fresh_for(Some("max-age=600"), None, None, Some("100")),
            secs(500)
        );
        assert_eq!(
            fresh_for(Some("max-age=60"), None, None, Some("100")),
            secs(0)
        );
    }

    #[test]
    fn responses_that_may_not_be_reused_are_fresh_for_no_time() {
        for header in [
            "no-store",
            "No-Cache",
            "private, max-age=600",
            "max-age=abc",
        ] {
            assert_eq!(
                fresh_for(Some(header), None, None, None),
                secs(0),
                "{header}"
            );
        }
        assert_eq!(fresh_for(None, Some("0"), Some(DATE), None), secs(0));
        assert_eq!(
            fresh_for(
                None,
                Some("Mon, 07 Dec 2026 09:00:00 GMT"),
                Some(DATE),
                None
            ),
            secs(0)
        );
    }

    #[test]
    fn expires_counts_from_the_servers_date() {
        assert_eq!(
            fresh_for(
                None,
                Some("Mon, 07 Dec 2026 10:02:00 GMT"),
                Some(DATE),
                None
            ),
            secs(120)
        );
        // An unrelated directive leaves Expires in charge.
        assert_eq!(
            fresh_for(
                Some("public"),
                Some("Mon, 07 Dec 2026 10:02:00 GMT"),
                Some(DATE),
                None
            ),
            secs(120)
        );
    }
}
