//! How the text of a paragraph is set: its size, face, justification, hyphenation and
//! indent (what the flow stage asks of the inline stage for each paragraph).

use crate::text::fonts::FaceSet;

/// How the text of one paragraph is set.
#[derive(Debug, Clone)]
pub struct ParagraphStyle {
    pub size: f32,
    pub bold: bool,
    pub italic: bool,
    /// Spaces stretch and shrink (justified) or keep their width (ragged).
    pub justify: bool,
    /// Font expansion of justified text: how much wider or narrower than drawn by the
    /// font its letters may be set, as a share (0.02: 2 %), so that a line is evened out
    /// by its letters as well as its spaces (pdfTeX's `\pdfadjustspacing`); 0: never.
    pub expansion: f32,
    pub hyphenate: bool,
    /// First-line indent in points.
    pub indent: f32,
    /// Code blocks: monospace, spaces kept as they are.
    pub monospace: bool,
    /// The last line is held to the same standard as the others, so a centred title
    /// breaks into lines of similar length instead of leaving one word alone.
    pub balance: bool,
    /// The family the text is set in, and the family of code in it.
    pub family: FaceSet,
    pub code: FaceSet,
}
