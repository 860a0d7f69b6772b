//! Lengths written with a unit (`20mm`, `1.5cm`, `1in`, `12pt`).

use crate::geom::{Pt, MM};

/// Parses a length with a unit (`mm`, `cm`, `in`, `pt`).
pub fn parse_length(s: &str) -> Result<Pt, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| c.is_ascii_alphabetic())
        .ok_or_else(|| format!("`{s}` needs a unit (mm, cm, in or pt)"))?;
    let (number, unit) = s.split_at(split);
    let value: f32 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number with a unit"))?;
    if !value.is_finite() || value < 0.0 {
        return Err(format!("`{s}` must be a positive length"));
    }
    let factor = match unit.trim() {
        "mm" => MM,
        "cm" => 10.0 * MM,
        "in" => 72.0,
        "pt" => 1.0,
        other => return Err(format!("unknown unit `{other}`; use mm, cm, in or pt")),
    };
    Ok(Pt(value * factor))
}

/// Rounds to two decimals, for lengths written back as text.
pub(crate) fn round2(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(parse_length("1in").unwrap(), Pt(72.0));
        assert_eq!(parse_length(" 12pt ").unwrap(), Pt(12.0));
        assert!((parse_length("1cm").unwrap().0 - 28.346457).abs() < 1e-4);
        assert!(parse_length("12").unwrap_err().contains("unit"));
        assert!(parse_length("12px").unwrap_err().contains("unknown unit"));
        assert!(parse_length("-1mm").is_err());
    }
}
