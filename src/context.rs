//! What a render runs under, besides its input and options: where images may come from,
//! when to stop, and the limits the operator sets (never raised by front matter or
//! request options).

use crate::cancel::Cancel;
use crate::images::{DataUrisOnly, ImageSource};

/// The surroundings of one render.
pub struct Context<'a> {
    /// Where image bytes may come from (by default only `data:` URIs).
    pub images: &'a dyn ImageSource,
    /// Where the article came from: what its relative addresses resolve against.
    pub origin: Origin,
    /// Set when nobody waits for the render any more (a deadline, a client gone).
    pub cancel: Cancel,
    pub limits: Limits,
}

impl Default for Context<'_> {
    fn default() -> Self {
        Context {
            images: &DataUrisOnly,
            origin: Origin::Text,
            cancel: Cancel::never(),
            limits: Limits::default(),
        }
    }
}

/// Where an article came from: what its relative addresses resolve against.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Origin {
    /// Text handed over on its own (a request body, a library call): relative addresses
    /// resolve against the article's own address (front matter `url`, else `base_url`).
    #[default]
    Text,
    /// The article came with its files (a markdown file in its folder, an upload with its
    /// images): a relative image address names one of those files and stays as written;
    /// relative links still resolve against the article's address.
    WithFiles,
    /// An address on the web (after redirects) the article was read from: every relative
    /// address resolves against it, and it is the address printed when the front matter
    /// names none.
    Web(String),
}

/// A limit's description, for help texts and settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitSpec {
    /// As a setting names it (`max_pages`; `--max-pages` on a command line).
    pub name: &'static str,
    /// What it bounds, from its declaration's doc comment.
    pub help: &'static str,
}

/// Declares the limits: each entry is the doc comment, the name, the type and the
/// default. Gives the struct, its defaults, its description table and a setter from text.
macro_rules! declare_limits {
    ($($(#[doc = $doc:literal])+ $name:ident : $ty:ty = $default:expr;)+) => {
        /// Limits of one render, set by whoever runs the engine (an operator's settings,
        /// the command line's flags), never by the document or the request options.
        /// Exceeding one stops the render with [`Error::Limit`](crate::Error::Limit),
        /// which names it; images past their limits become placeholders with a warning
        /// that names the limit instead.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        pub struct Limits {
            $($(#[doc = $doc])+ pub $name: $ty,)+
        }

        impl Default for Limits {
            fn default() -> Self {
                Limits { $($name: $default,)+ }
            }
        }

        impl Limits {
            /// Every limit, in declaration order.
            pub const SPECS: &'static [LimitSpec] = &[$(LimitSpec {
                name: stringify!($name),
                help: concat!($($doc, "\n"),+),
            },)+];

            /// A limit's value by name.
            pub fn get(&self, name: &str) -> Option<u64> {
                match name {
                    $(stringify!($name) => Some(self.$name as u64),)+
                    _ => None,
                }
            }

            /// Sets a limit from text (a whole number); `Err` says what is wrong.
            pub fn set(&mut self, name: &str, value: &str) -> Result<(), String> {
                match name {
                    $(stringify!($name) => {
                        self.$name = value.trim().replace('_', "").parse().map_err(|_| {
                            format!("`{value}` is not a whole number")
                        })?;
                    })+
                    _ => return Err(format!("no limit named `{name}`")),
                }
                Ok(())
            }
        }
    };
}

declare_limits! {
    /// Largest markdown input, in bytes.
    max_input_bytes: usize = 8 * 1024 * 1024;
    /// Most pages a document may have (a page of two columns is one page).
    max_pages: usize = 2_000;
    /// Largest front matter block, in bytes.
    max_front_matter_bytes: usize = 64 * 1024;
    /// Deepest nesting of lists and mappings in front matter.
    max_front_matter_depth: usize = 32;
    /// Most images a document may show (the others become placeholders).
    max_images: usize = 200;
    /// Most pixels one image may have (a larger one becomes a placeholder).
    max_image_pixels: u64 = 40_000_000;
    /// Most pixels the images of a document may have together (images past the budget
    /// become placeholders).
    max_total_pixels: u64 = 120_000_000;
    /// Largest image file, in bytes.
    max_image_bytes: usize = 25 * 1024 * 1024;
    /// Most memory one image may need to decode, in bytes (width x height x bytes per
    /// pixel, 16-bit channels and alpha counted). PNGs that are not interlaced are decoded
    /// a row at a time and need only their printed size; an interlaced PNG, a GIF or a
    /// WebP over it becomes a placeholder.
    max_image_decode_bytes: u64 = 64 * 1024 * 1024;
    /// Most table cells in a document.
    max_table_cells: usize = 100_000;
    /// Most notes (footnotes and printed link addresses) in a document.
    max_notes: usize = 10_000;
    /// Longest formula, in bytes of LaTeX (a longer one prints as its source, with a
    /// warning).
    max_formula_bytes: usize = 16 * 1024;
    /// Most atoms (characters, commands, groups) in a formula.
    max_formula_atoms: usize = 4_096;
    /// Deepest nesting of a formula's groups, arguments, scripts and environments.
    max_formula_depth: usize = 24;
}

/// A limit a render exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Limit {
    InputBytes,
    Pages,
    FrontMatterBytes,
    FrontMatterDepth,
    TableCells,
    Notes,
}

impl Limit {
    /// The limit's name, as the operator sets it.
    pub fn name(self) -> &'static str {
        match self {
            Limit::InputBytes => "max_input_bytes",
            Limit::Pages => "max_pages",
            Limit::FrontMatterBytes => "max_front_matter_bytes",
            Limit::FrontMatterDepth => "max_front_matter_depth",
            Limit::TableCells => "max_table_cells",
            Limit::Notes => "max_notes",
        }
    }

    /// What is counted, for messages.
    fn what(self) -> &'static str {
        match self {
            Limit::InputBytes => "bytes in the article",
            Limit::Pages => "pages",
            Limit::FrontMatterBytes => "bytes of front matter",
            Limit::FrontMatterDepth => "levels of nesting in the front matter",
            Limit::TableCells => "table cells",
            Limit::Notes => "notes",
        }
    }
}

/// What exceeding a limit looks like, for the error message. `found` is what was
/// counted when the render stopped (a lower bound where it stopped early).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Exceeded {
    pub limit: Limit,
    pub allowed: u64,
    pub found: u64,
}

impl std::fmt::Display for Exceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Exceeded {
            limit,
            allowed,
            found,
        } = *self;
        let what = limit.what();
        let name = limit.name();
        match limit {
            Limit::Pages => write!(
                f,
                "the article needs at least {found} {what}; the limit ({name}) is {allowed}"
            ),
            _ => write!(
                f,
                "the article has at least {found} {what}; the limit ({name}) is {allowed}"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_set_by_name_from_text() {
        let mut limits = Limits::default();
        limits.set("max_pages", "500").unwrap();
        limits.set("max_total_pixels", "100_000_000").unwrap();
        assert_eq!(limits.max_pages, 500);
        assert_eq!(limits.get("max_total_pixels"), Some(100_000_000));
        assert!(limits.set("max_pages", "many").is_err());
        assert!(limits.set("max_everything", "1").is_err());
        assert_eq!(Limits::SPECS.len(), 14);
        assert!(Limits::SPECS.iter().all(|s| !s.help.is_empty()));
    }
}
