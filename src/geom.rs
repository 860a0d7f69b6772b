//! Lengths, rectangles and ink: every length that crosses a stage boundary is a [`Pt`],
//! a PostScript point (1/72 inch), with `y` measured down from the top of what contains
//! it; text is printed in an [`Rgb`] ink (black but for highlighted code).

use std::iter::Sum;
use std::ops::{Add, AddAssign, Div, Mul, Neg, Sub, SubAssign};

use serde::Serialize;

/// An ink colour: red, green and blue from 0 to 255.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Rgb(pub [u8; 3]);

impl Rgb {
    pub const BLACK: Rgb = Rgb([0, 0, 0]);
}

/// A length in points.
#[derive(Debug, Clone, Copy, Default, PartialEq, PartialOrd, Serialize)]
pub struct Pt(pub f32);

impl Pt {
    pub const ZERO: Pt = Pt(0.0);

    /// Millimetres to points.
    pub fn mm(mm: f32) -> Pt {
        Pt(mm * MM)
    }

    /// The length in millimetres.
    pub fn to_mm(self) -> f32 {
        self.0 / MM
    }

    pub fn max(self, other: Pt) -> Pt {
        Pt(self.0.max(other.0))
    }

    pub fn min(self, other: Pt) -> Pt {
        Pt(self.0.min(other.0))
    }

    pub fn abs(self) -> Pt {
        Pt(self.0.abs())
    }
}

/// Points per millimetre.
pub const MM: f32 = 72.0 / 25.4;

impl Add for Pt {
    type Output = Pt;
    fn add(self, rhs: Pt) -> Pt {
        Pt(self.0 + rhs.0)
    }
}

impl Sub for Pt {
    type Output = Pt;
    fn sub(self, rhs: Pt) -> Pt {
        Pt(self.0 - rhs.0)
    }
}

impl Mul<f32> for Pt {
    type Output = Pt;
    fn mul(self, rhs: f32) -> Pt {
        Pt(self.0 * rhs)
    }
}

impl Div<f32> for Pt {
    type Output = Pt;
    fn div(self, rhs: f32) -> Pt {
        Pt(self.0 / rhs)
    }
}

/// The ratio of two lengths.
impl Div for Pt {
    type Output = f32;
    fn div(self, rhs: Pt) -> f32 {
        self.0 / rhs.0
    }
}

impl Neg for Pt {
    type Output = Pt;
    fn neg(self) -> Pt {
        Pt(-self.0)
    }
}

impl AddAssign for Pt {
    fn add_assign(&mut self, rhs: Pt) {
        self.0 += rhs.0;
    }
}

impl SubAssign for Pt {
    fn sub_assign(&mut self, rhs: Pt) {
        self.0 -= rhs.0;
    }
}

impl Sum for Pt {
    fn sum<I: Iterator<Item = Pt>>(iter: I) -> Pt {
        Pt(iter.map(|p| p.0).sum())
    }
}

impl<'a> Sum<&'a Pt> for Pt {
    fn sum<I: Iterator<Item = &'a Pt>>(iter: I) -> Pt {
        Pt(iter.map(|p| p.0).sum())
    }
}

/// A point: `x` from the left, `y` down from the top.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Point {
    pub x: Pt,
    pub y: Pt,
}

impl Point {
    pub fn new(x: Pt, y: Pt) -> Point {
        Point { x, y }
    }
}

/// A rectangle, `y` its top edge.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rect {
    pub x: Pt,
    pub y: Pt,
    pub width: Pt,
    pub height: Pt,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_is_plain_f32_arithmetic() {
        let a = Pt(10.5);
        assert_eq!(a + Pt(1.5), Pt(12.0));
        assert_eq!(a - Pt(0.5), Pt(10.0));
        assert_eq!(a * 2.0, Pt(21.0));
        assert_eq!(Pt(21.0) / Pt(10.5), 2.0);
        assert_eq!([Pt(1.0), Pt(2.0)].iter().sum::<Pt>(), Pt(3.0));
        assert!((Pt::mm(25.4).0 - 72.0).abs() < 1e-4);
    }
}
