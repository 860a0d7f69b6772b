//! Stage 6: pages → PDF bytes.
//!
//! Takes the positioned [`Layout`](crate::layout::Layout) and the document's metadata and
//! gives the bytes of a PDF: fonts subset to the glyphs used and embedded, text written
//! glyph by glyph with its source text attached (so copy and search give back the
//! article), links, a nested outline, document info and XMP metadata. This is the only
//! module that knows printpdf and lopdf.

mod content;
mod embed;
mod links;
mod metadata;
mod outline;
mod pdf;
mod subset;
mod tags;
mod text;
mod vector;
mod xref;

pub use metadata::PdfInfo;
pub use pdf::write_pdf;
