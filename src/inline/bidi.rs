//! Mixed directions (UAX #9): the bidi level of every character of a paragraph, from
//! its direction (given, or its first strong character's), and the visual order of a
//! line's pieces from their levels. Lines are broken in logical order and reordered
//! after, as the algorithm prescribes.

use unicode_bidi::{BidiInfo, Level};

use crate::options::Direction;

/// The bidi levels of `text`, one per byte, and the paragraph's own level (0: left to
/// right, 1: right to left). Left-to-right text with nothing that could be read right to
/// left is answered at once, with no levels (all 0).
pub fn levels(text: &str, direction: Direction) -> (u8, Vec<u8>) {
    if !mixes_directions(text, direction) {
        return (0, Vec::new());
    }
    let default = match direction {
        Direction::Ltr => Some(Level::ltr()),
        Direction::Rtl => Some(Level::rtl()),
        Direction::Auto => None,
    };
    let info = BidiInfo::new(text, default);
    let paragraph = info.paragraphs.first().map_or(0, |p| p.level.number());
    let levels = info.levels.iter().map(|l| l.number()).collect();
    (paragraph, levels)
}

/// Marks that set what lies between them apart as left-to-right text (LRI … PDI).
pub const LEFT_TO_RIGHT_ISOLATE: char = '\u{2066}';
pub const POP_DIRECTIONAL_ISOLATE: char = '\u{2069}';

/// Whether text in this direction may have anything right to left in it (else it is
/// all left to right, level 0, with no need for the algorithm).
pub fn mixes_directions(text: &str, direction: Direction) -> bool {
    direction == Direction::Rtl || text.chars().any(could_be_rtl)
}

/// Characters of right-to-left scripts, and the explicit direction marks and embeddings.
fn could_be_rtl(c: char) -> bool {
    matches!(c as u32,
        0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF | 0x10800..=0x10FFF
        | 0x1E800..=0x1EFFF | 0x200F | 0x202A..=0x202E | 0x2066..=0x2069)
}

/// The order in which items of these `levels` (in logical order) are drawn from left to
/// right: from the highest level down to the lowest odd one, every run of items at that
/// level or above is reversed (rule L2).
pub fn visual_order(levels: &[u8]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..levels.len()).collect();
    let Some(&highest) = levels.iter().max() else {
        return order;
    };
    let lowest_odd = levels
        .iter()
        .copied()
        .filter(|l| l % 2 == 1)
        .min()
        .unwrap_or(highest + 1);
    let mut level = highest;
    while level >= lowest_odd && level > 0 {
        let mut i = 0;
        while i < order.len() {
            if levels[order[i]] >= level {
                let start = i;
                while i < order.len() && levels[order[i]] >= level {
                    i += 1;
                }
                order[start..i].reverse();
            } else {
                i += 1;
            }
        }
        level -= 1;
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of `pieces` drawn left to right.
    fn drawn(text: &str, direction: Direction) -> String {
        let (_, levels) = levels(text, direction);
        let words: Vec<&str> = text.split(' ').collect();
        let mut at = 0;
        let word_levels: Vec<u8> = words
            .iter()
            .map(|w| {
                let level = levels.get(at).copied().unwrap_or(0);
                at += w.len() + 1;
                level
            })
            .collect();
        visual_order(&word_levels)
            .into_iter()
            .map(|i| words[i])
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn left_to_right_text_needs_no_levels() {
        assert_eq!(
            levels("plain text, 1, 2, 3.", Direction::Auto),
            (0, Vec::new())
        );
    }

    #[test]
    fn a_hebrew_paragraph_reads_right_to_left_with_numbers_and_latin_in_place() {
        let (paragraph, _) = levels("שלום עולם", Direction::Auto);
        assert_eq!(paragraph, 1, "the first strong character decides");
        // Drawn left to right: the Hebrew words reversed, the Latin phrase kept in order.
        assert_eq!(
            drawn("אחת שתיים Folio PDF שלוש", Direction::Auto),
            "שלוש Folio PDF שתיים אחת"
        );
        assert_eq!(
            drawn("one two שלום עולם three", Direction::Ltr),
            "one two עולם שלום three"
        );
        // Digits inside right-to-left text stay in their order.
        let (_, l) = levels("מחיר 2024 שקל", Direction::Auto);
        assert!(l[11] % 2 == 0, "digits are at an even level: {l:?}");
    }

    #[test]
    fn reordering_is_rule_l2() {
        assert_eq!(visual_order(&[0, 0, 0]), [0, 1, 2]);
        assert_eq!(visual_order(&[1, 1, 1]), [2, 1, 0]);
        assert_eq!(visual_order(&[0, 1, 1, 0]), [0, 2, 1, 3]);
        assert_eq!(visual_order(&[1, 2, 2, 1]), [3, 1, 2, 0]);
    }
}
