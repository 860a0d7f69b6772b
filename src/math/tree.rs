//! What a formula is once read: a list of atoms, each of a class that decides the space
//! around it (TeX's math list). The parser makes it; the layout reads it.

/// The classes of TeX's atoms: the space between two neighbours depends on theirs
/// (TeXbook, chapter 18), and a line may break after a relation or a binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Ordinary: letters, digits, most symbols.
    Ord,
    /// A large operator (`\sum`) or an operator name (`\sin`).
    Op,
    /// A binary operator (`+`, `\times`).
    Bin,
    /// A relation (`=`, `\le`, `\to`).
    Rel,
    /// An opening delimiter.
    Open,
    /// A closing delimiter.
    Close,
    /// Punctuation (`,`).
    Punct,
    /// A fraction or a delimited group (`\left( … \right)`).
    Inner,
}

/// The styles of TeX: display, text, script and scriptscript, each cramped or not
/// (cramped: superscripts sit lower, under a bar or in a denominator).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Display,
    Text,
    Script,
    ScriptScript,
}

/// A formula as written: its source (which its text layer gives back), whether it is
/// displayed, and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    /// The LaTeX between the dollars.
    pub source: String,
    pub display: bool,
    pub body: MathList,
    /// The number `\tag{…}` prints at the margin of a display.
    pub tag: Option<String>,
    /// How many atoms the source has (what the layout's work is bounded by).
    pub atoms: usize,
}

pub type MathList = Vec<Node>;

/// One element of a math list.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A character in the math font (letters already in their mathematical alphabet:
    /// italic `x` is U+1D465).
    Symbol { c: char, class: Class },
    /// Words: `\text{…}` and `\mathit{word}` (in the body face) or an operator name
    /// (`\sin`, upright in the math font).
    Text {
        text: String,
        class: Class,
        font: TextFont,
        /// An operator that takes its scripts as limits in display style (`\lim`).
        limits: bool,
    },
    /// A braced group: one ordinary atom.
    Group(MathList),
    /// A base with a subscript, a superscript or both. `limits`: set them above and below
    /// (`Some(true)`), beside (`Some(false)`), or as the base decides.
    Scripts {
        base: Box<Node>,
        sub: Option<MathList>,
        sup: Option<MathList>,
        limits: Option<bool>,
    },
    /// A fraction (`rule`), or a stack without a rule (`\binom` with its parentheses).
    Fraction {
        num: MathList,
        den: MathList,
        rule: bool,
        delims: Option<(char, char)>,
        /// `\dfrac` and `\tfrac` force a style.
        style: Option<Style>,
    },
    Root {
        index: Option<MathList>,
        body: MathList,
    },
    /// `\left… \right…` (a `.` side is `None`); `\middle` delimiters are inside the body.
    Delimited {
        open: Option<char>,
        body: MathList,
        close: Option<char>,
    },
    /// A `\middle` delimiter, sized as its `\left…\right`.
    Middle(char),
    /// `\big(`, `\Bigg]`…: a delimiter of a fixed size (1 to 4).
    BigDelimiter { c: char, size: u8, class: Class },
    /// An accent over its base; `stretch`: as wide as the base (`\widehat`).
    Accent {
        accent: char,
        base: MathList,
        stretch: bool,
    },
    /// `\overline` / `\underline`.
    Line { over: bool, base: MathList },
    /// `\overbrace` / `\underbrace`, with the label its script gives.
    Brace {
        over: bool,
        base: MathList,
        label: Option<MathList>,
    },
    /// Rows of cells (`matrix`, `cases`, `aligned`…).
    Array(Box<Array>),
    /// A group given a class (`\mathrel{…}`, `\mathbin{…}`, `\mathop{…}`…).
    Classed { class: Class, body: MathList },
    /// Room for what a list would take, drawn as nothing (`\phantom`; `\hphantom` keeps
    /// only its width, `\vphantom` only its height and depth).
    Phantom {
        body: MathList,
        width: bool,
        height: bool,
    },
    /// A list in a frame (`\boxed`).
    Boxed(MathList),
    /// An arrow as long as its labels (`\xrightarrow[below]{above}`).
    Arrow {
        c: char,
        above: MathList,
        below: Option<MathList>,
    },
    /// Horizontal space, in mu (an 18th of an em).
    Space(f32),
    /// `\displaystyle`…: the rest of the list in this style.
    SetStyle(Style),
}

/// What a formula's words are set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFont {
    /// Upright letters of the math font (operator names).
    Math,
    /// The body face (`\text`), its italic (`\textit`, `\emph`, a word in `\mathit`)
    /// or its bold (`\textbf`).
    Body,
    Italic,
    Bold,
}

/// How an array's columns are set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrayKind {
    /// Columns centred, in text style (`matrix` and the delimited ones).
    Matrix,
    /// A matrix in script style, to fit a line of text (`smallmatrix`).
    Small,
    /// Two columns flush left, the second text (`cases`).
    Cases,
    /// Columns right, left, right, left…, in display style (`aligned`).
    Aligned,
    /// One centred column in display style (`gathered`).
    Gathered,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Array {
    pub kind: ArrayKind,
    pub rows: Vec<Vec<MathList>>,
    pub open: Option<char>,
    pub close: Option<char>,
}

impl Node {
    /// The class the node has as an atom, before TeX's rules change a binary operator
    /// to an ordinary one.
    pub fn class(&self) -> Class {
        match self {
            Node::Symbol { class, .. } | Node::Text { class, .. } => *class,
            Node::BigDelimiter { class, .. } => *class,
            Node::Scripts { base, .. } => base.class(),
            // LaTeX's \frac and amsmath's \binom are braced, so ordinary; a
            // \left…\right group is inner.
            Node::Delimited { .. } => Class::Inner,
            Node::Fraction { .. } => Class::Ord,
            Node::Middle(_) | Node::Arrow { .. } => Class::Rel,
            Node::Classed { class, .. } => *class,
            Node::Group(_)
            | Node::Root { .. }
            | Node::Accent { .. }
            | Node::Line { .. }
            | Node::Brace { .. }
            | Node::Array(_)
            | Node::Phantom { .. }
            | Node::Boxed(_)
            | Node::Space(_)
            | Node::SetStyle(_) => Class::Ord,
        }
    }
}
