//! The PDF writer: positioned pages → a lopdf document → bytes. printpdf writes the
//! document and what is drawn besides text (pictures, rules); the text, its fonts and
//! the links are written directly into that document (see `content`, `embed` and
//! `links`): they are most of a page, and printpdf's way costs an object per glyph.

use std::collections::BTreeMap;

use printpdf::{
    Color, DictItem, Greyscale, Line, LineCapStyle, LinePoint, Op, PdfDocument, PdfPage,
    PdfSaveOptions, Point, Pt, Rect as PdfRect,
};

use std::sync::Arc;

use printpdf::{
    CurTransMat, ExternalStream, ExternalXObject, XObject, XObjectId, XObjectTransform,
};

use super::metadata::PdfInfo;
use super::tags::{self, Mark, Marking, Marks, PageAnnotations};
use super::text::{self, BitmapGlyph, Embedded, EmbeddedFace, TextLayer};
use super::{embed, links, metadata, outline, vector, xref};
use crate::cancel::Cancel;
use crate::error::Error;
use crate::images::{self, ImageData, LoadedImage, Orientation};
use crate::layout::{Element, Layout, Page};
use crate::text::fonts::Drawing;
use crate::text::{FaceId, FontBook};

/// Writes the layout as a PDF, giving up if `cancel` is set (checked page by page). The
/// layout is taken so that each page's elements are freed once its text is written: a
/// long document's elements and its compressed PDF are never all in memory at once.
pub fn write_pdf(
    layout: Layout,
    fonts: &FontBook,
    info: &PdfInfo,
    cancel: &Cancel,
) -> Result<Vec<u8>, Error> {
    let mut doc = PdfDocument::new(info.title.as_deref().unwrap_or("Untitled"));

    // 1. Which glyphs of which face, and what each means in the text layer. Colour
    // glyphs are pictures; an invisible space of the body face carries their text.
    let layer = TextLayer::of(&layout, fonts);
    // 1b. What each element is in the structure (a tagged file) or nothing (untagged).
    let marking = info.standard.tagged().then(|| Marking::of(&layout));
    // The layer counts the carrier of pictures' text among the glyphs used.
    let used = layer.glyphs();
    let mut pictures: BTreeMap<(FaceId, u16), Option<BitmapGlyph>> = BTreeMap::new();
    for page in &layout.pages {
        for element in &page.elements {
            let Element::Text { run, .. } = element else {
                continue;
            };
            if fonts.face(run.face).drawing == Drawing::ColorBitmaps {
                for (_, glyph, picture) in text::bitmap_glyphs(run, fonts) {
                    pictures.entry((run.face, glyph)).or_insert(picture);
                }
            }
        }
    }
    let carrier = (!pictures.is_empty()).then(|| text::carrier_glyph(fonts));

    // 2. Images, each embedded once however often it appears; colour glyphs too.
    let mut glyph_pictures: BTreeMap<(FaceId, u16), (XObjectId, BitmapGlyph)> = BTreeMap::new();
    for ((face, glyph), picture) in pictures {
        let Some(picture) = picture else {
            continue;
        };
        let fit = (1024, 1024);
        // A colour glyph's picture: small, from a font the operator installed.
        let budget = images::Budget {
            max_pixels: 4_000_000,
            limit: "glyph",
            max_decode_bytes: 32 * 1024 * 1024,
        };
        let Ok(image) = images::load(&picture.png, budget, fit, cancel) else {
            continue;
        };
        let id = XObjectId(format!("G{}", glyph_pictures.len()));
        doc.resources
            .xobjects
            .map
            .insert(id.clone(), image_xobject(&image));
        glyph_pictures.insert((face, glyph), (id, picture));
    }
    let mut image_ids: Vec<(*const LoadedImage, XObjectId)> = Vec::new();
    for page in &layout.pages {
        for element in &page.elements {
            if let Element::Image { image, .. } = element {
                let key = Arc::as_ptr(image);
                // Drawings are paths on the page, not image objects.
                let drawn = matches!(image.data, ImageData::Vector(_));
                if drawn || image_ids.iter().any(|(k, _)| *k == key) {
                    continue;
                }
                let id = XObjectId(format!("Im{}", image_ids.len()));
                doc.resources
                    .xobjects
                    .map
                    .insert(id.clone(), image_xobject(image));
                image_ids.push((key, id));
            }
        }
    }

    // 3. Pages, with what printpdf draws: pictures and rules.
    let resources = PageResources {
        images: &image_ids,
        glyph_pictures: &glyph_pictures,
    };
    let mut pages: Vec<PdfPage> = Vec::with_capacity(layout.pages.len());
    for (index, page) in layout.pages.iter().enumerate() {
        if cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        let marks = Marks::of(&marking, &layout.structure, index);
        pages.push(page_ops(page, fonts, &resources, &marks));
    }
    doc.pages = pages;
    let options = PdfSaveOptions {
        optimize: false,
        subset_fonts: false,
        // Off so that the path operators of drawings (`Op::Unknown`) are written: every
        // operator here is Folio's own; no content from another PDF is copied in.
        secure: false,
        image_optimization: None,
    };
    let mut save_warnings = Vec::new();
    let mut lo = doc.to_lopdf_document(&options, &mut save_warnings);
    // The operations are in `lo` now: free them before the text is written.
    drop(doc);

    // 4. Fonts, subset to the glyphs drawn, under stable resource names.
    let mut font_resources = lopdf::Dictionary::new();
    let mut embedded: BTreeMap<FaceId, EmbeddedFace> = BTreeMap::new();
    for (n, (face_id, glyphs)) in used.iter().enumerate() {
        let (font, face) = embed::embed_face(
            &mut lo,
            fonts.face(*face_id),
            *face_id,
            format!("F{n}"),
            glyphs,
            &layer,
        )?;
        font_resources.set(face.name.as_bytes(), lopdf::Object::Reference(font));
        embedded.insert(*face_id, face);
    }
    let font_resources = lo.add_object(font_resources);

    // 5. Text, written straight into each page's content after its drawings.
    let embedded = Embedded {
        fonts: &embedded,
        carrier,
    };
    let page_ids: Vec<lopdf::ObjectId> = lo.get_pages().into_values().collect();
    let Layout {
        mut pages,
        anchors: places,
        structure,
    } = layout;
    let anchors = links::index(&places);
    let mut deflater = metadata::Deflater::new();
    let mut annotation_ids: PageAnnotations = Vec::with_capacity(pages.len());
    let tagged = marking.is_some();
    for (index, (page, &page_id)) in pages.iter_mut().zip(&page_ids).enumerate() {
        if cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        let marks = Marks::of(&marking, &structure, index);
        let text = text::page_text(
            &page.elements,
            page.height.0,
            fonts,
            &embedded,
            &layer,
            &marks,
        );
        let links = links::annotations(page, index, &anchors, &page_ids);
        // In a tagged file each annotation is an object of its own, which its link
        // element names; the page then says its tab order follows the structure.
        let mut ids = Vec::with_capacity(links.len());
        let mut annotations = Vec::with_capacity(links.len());
        for link in links {
            match link {
                Some(link) if tagged => {
                    let id = lo.add_object(link);
                    ids.push(Some(id));
                    annotations.push(lopdf::Object::Reference(id));
                }
                Some(link) => annotations.push(lopdf::Object::Dictionary(link)),
                None => ids.push(None),
            }
        }
        if tagged && !annotations.is_empty() {
            if let Ok(dict) = lo.get_dictionary_mut(page_id) {
                dict.set("Tabs", lopdf::Object::Name(b"S".to_vec()));
            }
        }
        annotation_ids.push(ids);
        add_page_text(
            &mut lo,
            page_id,
            font_resources,
            text,
            annotations,
            &mut deflater,
        )?;
        page.elements = Vec::new();
        page.lines = Vec::new();
    }

    // 6. Serialize, with what printpdf does not write.
    lo.version = "1.7".to_string();
    metadata::write_info(&mut lo, info)?;
    if let Some(marking) = &marking {
        tags::write_structure(
            &mut lo,
            &structure,
            marking,
            &page_ids,
            &annotation_ids,
            &info.lang,
        )?;
    }
    outline::write_outline(&mut lo, &places, &pages)?;
    if cancel.is_cancelled() {
        return Err(Error::Cancelled);
    }
    metadata::compress_streams(&mut lo, &mut deflater);
    // The dictionaries (fonts' widths, annotations, the outline, pages) go in compressed
    // object streams, with a cross-reference stream: PDF 1.5, read by every current
    // reader, and a quarter of a short article's file.
    let save = lopdf::SaveOptions::builder()
        .use_object_streams(true)
        .use_xref_streams(true)
        .compression_level(6)
        .max_objects_per_stream(OBJECTS_PER_STREAM)
        .build();
    let mut bytes = Vec::new();
    lo.save_with_options(&mut bytes, save)
        .map_err(|e| Error::Internal(format!("saving the PDF: {e}")))?;
    xref::compress_xref_stream(&mut bytes);
    Ok(bytes)
}

/// What a page draws besides its own elements: images and colour glyph pictures.
struct PageResources<'a> {
    images: &'a [(*const LoadedImage, XObjectId)],
    glyph_pictures: &'a BTreeMap<(FaceId, u16), (XObjectId, BitmapGlyph)>,
}

/// An image as a PDF image XObject: JPEG bytes as they are (DCTDecode), pixels
/// uncompressed here (the writer deflates every stream at the end).
fn image_xobject(image: &LoadedImage) -> XObject {
    let mut dict: BTreeMap<String, DictItem> = BTreeMap::new();
    let name = |n: &str| DictItem::Name(n.as_bytes().to_vec());
    dict.insert("Type".into(), name("XObject"));
    dict.insert("Subtype".into(), name("Image"));
    let (stored_width, stored_height) = image.stored_size();
    dict.insert("Width".into(), DictItem::Int(stored_width as i64));
    dict.insert("Height".into(), DictItem::Int(stored_height as i64));
    dict.insert("BitsPerComponent".into(), DictItem::Int(8));
    let content = match &image.data {
        ImageData::Jpeg { bytes, components } => {
            let space = match components {
                1 => "DeviceGray",
                4 => "DeviceCMYK",
                _ => "DeviceRGB",
            };
            dict.insert("ColorSpace".into(), name(space));
            dict.insert("Filter".into(), name("DCTDecode"));
            if *components == 4 {
                // Adobe's CMYK JPEGs store inverted values.
                dict.insert(
                    "Decode".into(),
                    DictItem::Array(
                        [1, 0, 1, 0, 1, 0, 1, 0]
                            .iter()
                            .map(|v| DictItem::Int(*v))
                            .collect(),
                    ),
                );
            }
            bytes.as_ref().clone()
        }
        // Drawn as paths on the page (see `vector`), never made an image object.
        ImageData::Vector(_) => Vec::new(),
        ImageData::Deflated {
            data,
            gray,
            width,
            height,
        } => {
            dict.insert("Width".into(), DictItem::Int(*width as i64));
            dict.insert("Height".into(), DictItem::Int(*height as i64));
            dict.insert(
                "ColorSpace".into(),
                name(if *gray { "DeviceGray" } else { "DeviceRGB" }),
            );
            dict.insert("Filter".into(), name("FlateDecode"));
            data.as_ref().clone()
        }
    };
    XObject::External(ExternalXObject {
        stream: ExternalStream {
            dict,
            content,
            compress: false,
        },
        width: None,
        height: None,
        dpi: None,
    })
}

/// Appends a page's text to its content stream and compresses it, gives the page the
/// fonts and sets its link annotations.
fn add_page_text(
    doc: &mut lopdf::Document,
    page_id: lopdf::ObjectId,
    fonts: lopdf::ObjectId,
    text: Vec<u8>,
    annotations: Vec<lopdf::Object>,
    deflater: &mut metadata::Deflater,
) -> Result<(), Error> {
    let broken = |what: &str| Error::Internal(format!("printpdf wrote a page without {what}"));
    let page = doc
        .get_dictionary_mut(page_id)
        .map_err(|_| broken("a dictionary"))?;
    if annotations.is_empty() {
        page.remove(b"Annots");
    } else {
        page.set("Annots", lopdf::Object::Array(annotations));
    }
    let resources = page
        .get(b"Resources")
        .and_then(lopdf::Object::as_reference)
        .map_err(|_| broken("resources"))?;
    let contents = page
        .get(b"Contents")
        .and_then(lopdf::Object::as_reference)
        .map_err(|_| broken("contents"))?;
    doc.get_dictionary_mut(resources)
        .map_err(|_| broken("resources"))?
        .set("Font", lopdf::Object::Reference(fonts));
    let Ok(lopdf::Object::Stream(stream)) = doc.get_object_mut(contents) else {
        return Err(broken("a content stream"));
    };
    if !text.is_empty() {
        let mut content = std::mem::take(&mut stream.content);
        if content.last().is_some_and(|b| !b.is_ascii_whitespace()) {
            content.push(b'\n');
        }
        content.extend_from_slice(&text);
        stream.set_content(content);
    }
    deflater.compress(stream);
    Ok(())
}

/// Opens the marked-content sequence of `mark` (nothing in an untagged file).
fn begin_mark(ops: &mut Vec<Op>, marks: &Marks<'_>, mark: Option<Mark>) {
    let Some(mark) = mark else {
        return;
    };
    match marks.opening(mark) {
        Some((name, mcid)) => ops.push(Op::BeginMarkedContentWithProperties {
            tag: name.to_string(),
            properties: DictItem::Dict {
                map: BTreeMap::from([("MCID".to_string(), DictItem::Int(i64::from(mcid)))]),
            },
        }),
        None => ops.push(Op::BeginMarkedContent {
            tag: "Artifact".to_string(),
        }),
    }
}

fn end_mark(ops: &mut Vec<Op>, mark: Option<Mark>) {
    if mark.is_some() {
        ops.push(Op::EndMarkedContent);
    }
}

/// Marks the operations from `start` on as one artifact, if there are any and the file
/// is tagged.
fn mark_artifact(ops: &mut Vec<Op>, start: usize, marks: &Marks<'_>) {
    if marks.tagged() && ops.len() > start {
        ops.insert(
            start,
            Op::BeginMarkedContent {
                tag: "Artifact".to_string(),
            },
        );
        ops.push(Op::EndMarkedContent);
    }
}

fn page_ops(
    page: &Page,
    book: &FontBook,
    resources: &PageResources<'_>,
    marks: &Marks<'_>,
) -> PdfPage {
    let h = page.height.0;
    let mut ops = Vec::new();
    let images = resources.images;

    // Pictures first, under everything else.
    for (index, element) in page.elements.iter().enumerate() {
        let Element::Image { rect, image, .. } = element else {
            continue;
        };
        let mark = marks.at(index);
        if let ImageData::Vector(drawing) = &image.data {
            begin_mark(&mut ops, marks, mark);
            ops.extend(vector::drawing_ops(drawing, rect, h));
            end_mark(&mut ops, mark);
            continue;
        }
        let Some((_, id)) = images.iter().find(|(k, _)| *k == Arc::as_ptr(image)) else {
            continue;
        };
        begin_mark(&mut ops, marks, mark);
        let bottom = h - rect.y.0 - rect.height.0;
        if image.orientation == Orientation::default() {
            ops.push(Op::UseXobject {
                id: id.clone(),
                transform: XObjectTransform {
                    translate_x: Some(Pt(rect.x.0)),
                    translate_y: Some(Pt(bottom)),
                    scale_x: Some(rect.width.0),
                    scale_y: Some(rect.height.0),
                    no_auto_scale: true,
                    ..Default::default()
                },
            });
        } else {
            // Turned (and perhaps mirrored) upright by the placement matrix.
            let matrix = image
                .orientation
                .placement(rect.x.0, bottom, rect.width.0, rect.height.0);
            ops.push(Op::SaveGraphicsState);
            ops.push(Op::SetTransformationMatrix {
                matrix: CurTransMat::Raw(matrix),
            });
            ops.push(Op::UseXobject {
                id: id.clone(),
                transform: XObjectTransform {
                    no_auto_scale: true,
                    ..Default::default()
                },
            });
            ops.push(Op::RestoreGraphicsState);
        }
        end_mark(&mut ops, mark);
    }

    // Colour glyphs (emoji), as pictures: artifacts, their text is in the text layer.
    let pictures = ops.len();
    for element in &page.elements {
        let Element::Text { x, y, run, .. } = element else {
            continue;
        };
        if book.face(run.face).drawing != Drawing::ColorBitmaps {
            continue;
        }
        for (pen, glyph, _) in text::bitmap_glyphs(run, book) {
            let Some((id, picture)) = resources.glyph_pictures.get(&(run.face, glyph)) else {
                continue;
            };
            ops.push(Op::UseXobject {
                id: id.clone(),
                transform: XObjectTransform {
                    translate_x: Some(Pt(x.0 + pen + picture.x)),
                    translate_y: Some(Pt(h - y.0 + picture.y)),
                    scale_x: Some(picture.width),
                    scale_y: Some(picture.height),
                    no_auto_scale: true,
                    ..Default::default()
                },
            });
        }
    }

    mark_artifact(&mut ops, pictures, marks);

    // Rules first, under the text: decoration, one artifact.
    let rules = ops.len();
    let mut current_stroke: Option<(f32, f32)> = None;
    for element in &page.elements {
        if let Element::Rule {
            from,
            to,
            thickness,
            gray,
        } = element
        {
            let thickness = &thickness.0;
            if current_stroke != Some((*thickness, *gray)) {
                ops.push(Op::SetOutlineColor {
                    col: Color::Greyscale(Greyscale::new(*gray, None)),
                });
                ops.push(Op::SetOutlineThickness { pt: Pt(*thickness) });
                ops.push(Op::SetLineCapStyle {
                    cap: LineCapStyle::Butt,
                });
                current_stroke = Some((*thickness, *gray));
            }
            ops.push(Op::DrawLine {
                line: Line {
                    points: vec![
                        LinePoint {
                            p: Point {
                                x: Pt(from.x.0),
                                y: Pt(h - from.y.0),
                            },
                            bezier: false,
                        },
                        LinePoint {
                            p: Point {
                                x: Pt(to.x.0),
                                y: Pt(h - to.y.0),
                            },
                            bezier: false,
                        },
                    ],
                    is_closed: false,
                },
            });
        }
    }

    mark_artifact(&mut ops, rules, marks);

    // The text goes after all this, and the links over it (see `add_page_text`).

    // Page boxes in points, as every other length (no round trip through millimetres).
    let size = PdfRect::from_wh(Pt(page.width.0), Pt(page.height.0));
    PdfPage {
        media_box: size.clone(),
        trim_box: size.clone(),
        crop_box: size,
        ops,
    }
}

/// Objects packed into one compressed object stream: a long tagged article has thousands
/// of small dictionaries (structure elements, link annotations) that compress better
/// together. lopdf's default is 100; 1000 saved another 2 % of a 50 000-word article's
/// file but cost 40 % more CPU time to write it (`perf stat`, task-clock), as lopdf packs
/// a stream; 250 keeps most of the size for about none of the time.
const OBJECTS_PER_STREAM: usize = 250;
