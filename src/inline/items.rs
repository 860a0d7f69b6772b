//! The vocabulary of Knuth and Plass: a paragraph is a sequence of boxes (fixed-width
//! material), glue (space that may stretch and shrink, and where a line may end) and
//! penalties (places a line may end at a cost, optionally adding material such as a
//! hyphen).

/// A penalty at least this large forbids a break; at most its negative forces one.
pub const INFINITE_PENALTY: f32 = 10_000.0;

/// Why a penalty is there: the passes of the line breaker treat them differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PenaltyKind {
    /// Never breaks (ties a space) or always breaks (the end of a paragraph, `<br>`).
    Control,
    /// After an explicit hyphen or dash in the text, or at a soft hyphen.
    Explicit,
    /// A hyphenation point from the patterns: only used from the second pass on.
    Hyphenation,
    /// Inside a URL, after `/`, `.` or `-`: no hyphen is added.
    Url,
    /// After a zero-width space: a free break, with nothing added.
    ZeroWidth,
    /// Between words of a script written without spaces (Thai, or CJK where the
    /// paragraph is not justified): a free break, with nothing added.
    Script,
    /// Between any two letters of a word too long for a line: last pass only.
    Emergency,
    /// After a relation or a binary operator of a formula (TeX's \relpenalty and
    /// \binoppenalty): in every pass.
    Math,
}

/// One item of a paragraph. `P` identifies the printable material of boxes and of
/// penalties that add a hyphen (an index into the paragraph's pieces).
#[derive(Debug, Clone, PartialEq)]
pub enum Item<P> {
    Box {
        width: f32,
        /// How much wider or narrower the box may be set to justify its line (font
        /// expansion: its glyphs drawn a little wider or narrower), 0 for fixed material.
        /// A line sets all its flexible boxes by the same ratio as its glue.
        flex: f32,
        content: P,
    },
    Glue {
        width: f32,
        stretch: f32,
        shrink: f32,
    },
    Penalty {
        /// Width of the material added when the line breaks here (a hyphen).
        width: f32,
        cost: f32,
        /// Flagged penalties (hyphens) are discouraged on consecutive lines.
        flagged: bool,
        kind: PenaltyKind,
        /// Material drawn at the end of the line if it breaks here.
        content: Option<P>,
    },
}

impl<P> Item<P> {
    /// Width added at a break here (a penalty's hyphen); zero for other items.
    pub fn penalty_width(&self) -> f32 {
        match self {
            Item::Penalty { width, .. } => *width,
            _ => 0.0,
        }
    }

    pub fn is_box(&self) -> bool {
        matches!(self, Item::Box { .. })
    }

    /// What breaking here adds to a line: the penalty's width, its cost and whether it is
    /// flagged (a hyphen); nothing for glue.
    pub fn break_terms(&self) -> (f64, f64, bool) {
        match self {
            Item::Penalty {
                width,
                cost,
                flagged,
                ..
            } => (*width as f64, *cost as f64, *flagged),
            _ => (0.0, 0.0, false),
        }
    }

    /// A penalty that forces a break.
    pub fn is_forced_break(&self) -> bool {
        matches!(self, Item::Penalty { cost, .. } if *cost <= -INFINITE_PENALTY)
    }

    /// Glue, or a penalty: what disappears at the start of a line.
    pub fn is_discardable(&self) -> bool {
        !self.is_box()
    }
}

/// A stretch that is, for all practical purposes, infinite (TeX's `fil`).
pub const FILL: f32 = 1.0e6;
