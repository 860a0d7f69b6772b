//! Images: where their bytes come from, and what they are.
//!
//! Takes an image's address as the markdown gives it and gives a [`LoadedImage`] ready
//! to embed: JPEG files as they are (a PDF reader decodes JPEG itself, so nothing is
//! re-encoded), PNG, GIF and WebP decoded to 8-bit pixels, transparency composited on
//! white paper. Sizes are checked before decoding, so a small file that claims a huge
//! picture (a decompression bomb) is refused without allocating it.
//!
//! Where bytes may come from is the caller's decision, through an [`ImageSource`]: the
//! library by default reads only `data:` URIs; the CLI reads files next to the article;
//! the service fetches from configured origins.

mod png_rows;
pub mod svg;

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine as _;

use crate::cancel::Cancel;

/// A decoded (or, for JPEG, checked) image.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedImage {
    /// The image's own size in pixels as it is seen, upright (it is shown at 96 pixels to
    /// the inch, or smaller).
    pub width: u32,
    pub height: u32,
    pub data: ImageData,
    /// How the stored pixels are turned to be seen upright (a JPEG's EXIF orientation;
    /// decoded pixels are turned when decoded, and stay as they are here).
    pub orientation: Orientation,
}

impl LoadedImage {
    /// The size of the stored picture, before it is turned upright.
    pub fn stored_size(&self) -> (u32, u32) {
        if self.orientation.swaps_sides() {
            (self.height, self.width)
        } else {
            (self.width, self.height)
        }
    }
}

/// How a picture's stored pixels are turned to be seen as the camera saw them: quarter
/// turns clockwise, then a mirror left to right (the eight EXIF orientations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Orientation {
    pub quarter_turns: u8,
    pub mirrored: bool,
}

impl Orientation {
    fn from_exif(orientation: image::metadata::Orientation) -> Orientation {
        use image::metadata::Orientation as Exif;
        let (quarter_turns, mirrored) = match orientation {
            Exif::NoTransforms => (0, false),
            Exif::Rotate90 => (1, false),
            Exif::Rotate180 => (2, false),
            Exif::Rotate270 => (3, false),
            Exif::FlipHorizontal => (0, true),
            Exif::FlipVertical => (2, true),
            Exif::Rotate90FlipH => (1, true),
            Exif::Rotate270FlipH => (3, true),
        };
        Orientation {
            quarter_turns,
            mirrored,
        }
    }

    /// Whether width and height trade places.
    pub fn swaps_sides(self) -> bool {
        self.quarter_turns % 2 == 1
    }

    /// The matrix `[a b c d e f]` that draws the stored picture (a PDF image fills the
    /// unit square, y up) upright in the rectangle at `(x, y)` (its lower left corner, y
    /// up) of `width` by `height`.
    pub fn placement(self, x: f32, y: f32, width: f32, height: f32) -> [f32; 6] {
        // A point of the stored picture, from its top left corner, as seen upright.
        let seen = |u: f32, t: f32| {
            let (mut across, mut down) = (u, t);
            for _ in 0..self.quarter_turns % 4 {
                (across, down) = (1.0 - down, across);
            }
            if self.mirrored {
                across = 1.0 - across;
            }
            (x + width * across, y + height * (1.0 - down))
        };
        // The unit square's corners (0, 0), (1, 0), (0, 1), y up: t = 1 - v.
        let origin = seen(0.0, 1.0);
        let along_u = seen(1.0, 1.0);
        let along_v = seen(0.0, 0.0);
        [
            along_u.0 - origin.0,
            along_u.1 - origin.1,
            along_v.0 - origin.0,
            along_v.1 - origin.1,
            origin.0,
            origin.1,
        ]
    }
}

/// The pixels of an image as a PDF embeds them.
#[derive(Debug, Clone, PartialEq)]
pub enum ImageData {
    /// JPEG bytes, embedded unchanged; `components` is 1 (gray), 3 (RGB) or 4 (CMYK).
    Jpeg { bytes: Arc<Vec<u8>>, components: u8 },
    /// 8-bit samples, row by row, gray (1 per pixel) or RGB (3 per pixel), deflated
    /// (zlib) as the PDF stores them; `width` x `height` samples, which may be fewer than
    /// the image's own pixels (no more are kept than print can use).
    Deflated {
        data: Arc<Vec<u8>>,
        gray: bool,
        width: u32,
        height: u32,
    },
    /// A vector drawing (an SVG), drawn as paths at whatever size it is shown.
    Vector(Arc<svg::Vector>),
}

/// An image a render asked for at an address outside the document (anything but a
/// `data:` URI): what a cache of the render depends on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExternalImage {
    /// The address as the article wrote it.
    pub url: String,
    /// Whether it could be read and shown (else a placeholder stands in).
    pub shown: bool,
}

/// Where image bytes come from.
pub trait ImageSource: Sync {
    /// The bytes at `url`, at most `max_bytes` of them, or why they cannot be had (one
    /// lowercase line that reveals nothing of the machine beyond what `url` says).
    fn fetch(&self, url: &str, max_bytes: usize) -> Result<Vec<u8>, String>;
}

/// Reads `data:` URIs only: nothing outside the document is ever touched.
#[derive(Debug, Clone, Copy, Default)]
pub struct DataUrisOnly;

impl ImageSource for DataUrisOnly {
    fn fetch(&self, url: &str, max_bytes: usize) -> Result<Vec<u8>, String> {
        if url.starts_with("data:") {
            decode_data_uri(url, max_bytes)
        } else if url.contains("://") {
            Err("remote images are not fetched here".to_string())
        } else {
            Err("local files are not read here".to_string())
        }
    }
}

/// Reads `data:` URIs and files relative to a folder (the article's), refusing paths
/// that lead outside it or outside the extra folders the user allows. Render with
/// [`Origin::WithFiles`](crate::Origin::WithFiles), so that relative image addresses
/// reach it as the file names they are (not resolved against the article's web address).
#[derive(Debug, Clone)]
pub struct LocalFiles {
    base: PathBuf,
    allowed: Vec<PathBuf>,
}

impl LocalFiles {
    /// Files under `base` (relative paths resolve against it) and under `also_allowed`.
    pub fn new(base: &Path, also_allowed: &[PathBuf]) -> LocalFiles {
        let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        let base = canonical(base);
        let mut allowed = vec![base.clone()];
        allowed.extend(also_allowed.iter().map(|p| canonical(p)));
        LocalFiles { base, allowed }
    }
}

impl ImageSource for LocalFiles {
    fn fetch(&self, url: &str, max_bytes: usize) -> Result<Vec<u8>, String> {
        if url.starts_with("data:") {
            return decode_data_uri(url, max_bytes);
        }
        if url.contains("://") {
            return Err("remote images are not fetched by the command line".to_string());
        }
        let path = url.strip_prefix("file:").unwrap_or(url);
        let path = path.split(['?', '#']).next().unwrap_or(path);
        let path = percent_encoding::percent_decode_str(path)
            .decode_utf8()
            .map_err(|_| "the address is not UTF-8 once its % escapes are decoded".to_string())?;
        // Messages name the image as the article does, never the paths it leads to, and
        // say the same of every path outside the allowed folders, whether it exists or not.
        let outside =
            || "outside the article's folder; allow its folder explicitly to use it".to_string();
        let inside = |p: &Path| self.allowed.iter().any(|dir| p.starts_with(dir));
        if !inside(&lexical_join(&self.base, Path::new(path.as_ref()))) {
            return Err(outside());
        }
        let real = self
            .base
            .join(path.as_ref())
            .canonicalize()
            .map_err(|_| "no such file".to_string())?;
        // A link inside the folder may still lead out of it.
        if !inside(&real) {
            return Err(outside());
        }
        let metadata = std::fs::metadata(&real).map_err(|e| io_reason(&e))?;
        // Only regular files: a FIFO or a device would block or never end.
        if !metadata.is_file() {
            return Err("not a regular file".to_string());
        }
        if metadata.len() > max_bytes as u64 {
            return Err(too_many_bytes(metadata.len(), max_bytes));
        }
        let mut bytes = Vec::with_capacity(metadata.len() as usize);
        std::fs::File::open(&real)
            .and_then(|file| file.take(max_bytes as u64 + 1).read_to_end(&mut bytes))
            .map_err(|e| io_reason(&e))?;
        if bytes.len() > max_bytes {
            return Err(too_many_bytes(bytes.len() as u64, max_bytes));
        }
        Ok(bytes)
    }
}

/// `base` joined with `relative`, `.` and `..` resolved by the names alone (nothing on
/// the disk is looked at); an absolute `relative` starts again from the root.
fn lexical_join(base: &Path, relative: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = base.to_path_buf();
    for component in relative.components() {
        match component {
            Component::RootDir | Component::Prefix(_) => out = PathBuf::from(component.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => out.push(name),
        }
    }
    out
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => "could not be read".to_string(),
    }
}

fn too_many_bytes(found: u64, max_bytes: usize) -> String {
    format!("{found} bytes is more than the {max_bytes} bytes max_image_bytes allows")
}

/// The bytes of a `data:` URI: base64, or percent-encoded bytes (not necessarily text),
/// at most `max_bytes` of them.
pub fn decode_data_uri(uri: &str, max_bytes: usize) -> Result<Vec<u8>, String> {
    let rest = uri.strip_prefix("data:").ok_or("not a data: URI")?;
    let (meta, data) = rest
        .split_once(',')
        .ok_or("a data: URI needs a comma before its data")?;
    // Decoded data is never longer than its text.
    let bytes = if meta.to_ascii_lowercase().ends_with(";base64") {
        let cleaned: String = data.chars().filter(|c| !c.is_whitespace()).collect();
        if cleaned.len() / 4 * 3 > max_bytes + 3 {
            return Err(too_many_bytes(cleaned.len() as u64 / 4 * 3, max_bytes));
        }
        base64::engine::general_purpose::STANDARD
            .decode(cleaned.trim_end_matches('='))
            .or_else(|_| {
                base64::engine::general_purpose::STANDARD_NO_PAD
                    .decode(cleaned.trim_end_matches('='))
            })
            .map_err(|_| "the data: URI's base64 is invalid".to_string())?
    } else {
        percent_encoding::percent_decode_str(data).collect()
    };
    if bytes.len() > max_bytes {
        return Err(too_many_bytes(bytes.len() as u64, max_bytes));
    }
    Ok(bytes)
}

/// What an image may cost: its pixels (`limit` names the limit in messages) and the
/// memory to decode it whole.
#[derive(Debug, Clone, Copy)]
pub struct Budget<'a> {
    pub max_pixels: u64,
    pub limit: &'a str,
    pub max_decode_bytes: u64,
}

/// Reads image bytes: JPEG kept as it is, PNG/GIF/WebP decoded (resampled to fit `fit`,
/// a box in pixels, when larger: more than print can show is not kept), anything over
/// the budget refused before it is decoded.
pub fn load(
    bytes: &[u8],
    budget: Budget<'_>,
    fit: (u32, u32),
    cancel: &Cancel,
) -> Result<LoadedImage, String> {
    let Budget {
        max_pixels, limit, ..
    } = budget;
    use image::{ImageDecoder, ImageFormat};
    if svg::is_svg(bytes) {
        let drawing = svg::load(bytes, max_pixels, limit, cancel)?;
        return Ok(LoadedImage {
            width: drawing.width.round().max(1.0) as u32,
            height: drawing.height.round().max(1.0) as u32,
            data: ImageData::Vector(Arc::new(drawing)),
            orientation: Orientation::default(),
        });
    }
    let format = image::guess_format(bytes)
        .map_err(|_| "not an image (or a format Folio does not read)".to_string())?;
    let too_big = |w: u32, h: u32| {
        (w as u64 * h as u64 > max_pixels)
            .then(|| format!("{w}x{h} pixels is more than the {max_pixels} pixels {limit} allows"))
    };
    match format {
        ImageFormat::Jpeg => {
            let decoder = image::codecs::jpeg::JpegDecoder::new(Cursor::new(bytes))
                .map_err(|e| format!("unreadable JPEG: {e}"))?;
            let (width, height) = decoder.dimensions();
            if let Some(message) = too_big(width, height) {
                return Err(message);
            }
            let components = match decoder.original_color_type() {
                image::ExtendedColorType::L8 => 1,
                image::ExtendedColorType::Cmyk8 => 4,
                _ => 3,
            };
            // A phone's photo is stored as the sensor saw it and says how to turn it: the
            // bytes stay as they are, the page turns them when it draws them.
            let mut decoder = decoder;
            let orientation = decoder
                .orientation()
                .map(Orientation::from_exif)
                .unwrap_or_default();
            let (width, height) = if orientation.swaps_sides() {
                (height, width)
            } else {
                (width, height)
            };
            Ok(LoadedImage {
                width,
                height,
                data: ImageData::Jpeg {
                    bytes: Arc::new(bytes.to_vec()),
                    components,
                },
                orientation,
            })
        }
        ImageFormat::Png | ImageFormat::Gif | ImageFormat::WebP => {
            let (width, height) = image::ImageReader::with_format(Cursor::new(bytes), format)
                .into_dimensions()
                .map_err(|e| format!("unreadable {format:?} image: {e}"))?;
            if let Some(message) = too_big(width, height) {
                return Err(message);
            }
            if format == ImageFormat::Png {
                if let Some(samples) = png_rows::decode(bytes, fit, cancel)? {
                    return Ok(LoadedImage {
                        width,
                        height,
                        data: ImageData::Deflated {
                            data: Arc::new(deflate(&samples.data)),
                            gray: samples.gray,
                            width: samples.width,
                            height: samples.height,
                        },
                        orientation: Orientation::default(),
                    });
                }
            }
            // Decoded whole (an interlaced PNG, a GIF, a WebP): within the decode budget.
            let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
            let mut limits = image::Limits::default();
            limits.max_alloc = Some(budget.max_decode_bytes);
            reader.limits(limits);
            let unreadable = |e: image::ImageError| format!("unreadable {format:?} image: {e}");
            let mut decoder = reader.into_decoder().map_err(unreadable)?;
            let needs = decoder.total_bytes();
            if needs > budget.max_decode_bytes {
                let mb = |bytes: u64| bytes.div_ceil(1024 * 1024);
                let what = if format == ImageFormat::Png {
                    "an interlaced PNG".to_string()
                } else {
                    format!("a {format:?} image")
                };
                return Err(format!(
                    "{what} of {width}x{height} pixels needs {} MB to decode, more than the {} MB \
                     max_image_decode_bytes allows",
                    mb(needs),
                    mb(budget.max_decode_bytes)
                ));
            }
            let orientation = decoder
                .orientation()
                .unwrap_or(image::metadata::Orientation::NoTransforms);
            let mut decoded = image::DynamicImage::from_decoder(decoder).map_err(unreadable)?;
            // Decoded pixels are turned upright here (their EXIF orientation, if any).
            decoded.apply_orientation(orientation);
            let (width, height) = (decoded.width(), decoded.height());
            let color = decoded.color();
            let (fit_w, fit_h) = (fit.0.max(1), fit.1.max(1));
            let decoded = if decoded.width() > fit_w || decoded.height() > fit_h {
                decoded.resize(fit_w, fit_h, image::imageops::FilterType::Triangle)
            } else {
                decoded
            };
            let (samples_w, samples_h) = (decoded.width(), decoded.height());
            let gray = !color.has_color();
            let samples = if color.has_alpha() {
                paper_samples(decoded.into_rgba8().into_raw(), gray)
            } else if gray {
                decoded.into_luma8().into_raw()
            } else {
                decoded.into_rgb8().into_raw()
            };
            Ok(LoadedImage {
                width,
                height,
                data: ImageData::Deflated {
                    data: Arc::new(deflate(&samples)),
                    gray,
                    width: samples_w,
                    height: samples_h,
                },
                orientation: Orientation::default(),
            })
        }
        other => Err(format!(
            "{other:?} images are not supported; use PNG, JPEG, GIF, WebP or SVG"
        )),
    }
}

/// Samples deflated as a PDF's FlateDecode filter reads them.
fn deflate(samples: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(samples.len() / 8),
        flate2::Compression::new(6),
    );
    // Writing to memory cannot fail.
    let _ = encoder.write_all(samples);
    encoder.finish().unwrap_or_default()
}

/// RGBA pixels composited on white paper, as gray (one sample per pixel) or RGB (three),
/// written over the RGBA buffer itself so that no second copy of a large image is made.
fn paper_samples(mut rgba: Vec<u8>, gray: bool) -> Vec<u8> {
    let per_pixel = if gray { 1 } else { 3 };
    let pixels = rgba.len() / 4;
    for i in 0..pixels {
        let [r, g, b, a] = [
            rgba[4 * i],
            rgba[4 * i + 1],
            rgba[4 * i + 2],
            rgba[4 * i + 3],
        ];
        // Transparent parts show the paper.
        let over_white = |c: u8| ((c as u32 * a as u32 + 255 * (255 - a as u32)) / 255) as u8;
        let out = per_pixel * i;
        if gray {
            rgba[out] = over_white(r);
        } else {
            rgba[out] = over_white(r);
            rgba[out + 1] = over_white(g);
            rgba[out + 2] = over_white(b);
        }
    }
    rgba.truncate(pixels * per_pixel);
    rgba.shrink_to_fit();
    rgba
}

#[cfg(test)]
mod tests {

    #[test]
    fn placements_turn_the_stored_picture_upright() {
        let upright = Orientation::default().placement(10.0, 20.0, 40.0, 60.0);
        assert_eq!(upright, [40.0, 0.0, 0.0, 60.0, 10.0, 20.0]);
        // EXIF 6: turned a quarter clockwise. The stored top edge ends on the right, the
        // stored left edge on top.
        let quarter = Orientation {
            quarter_turns: 1,
            mirrored: false,
        };
        assert_eq!(
            quarter.placement(10.0, 20.0, 40.0, 60.0),
            [0.0, -60.0, 40.0, 0.0, 10.0, 80.0]
        );
        // EXIF 3: half a turn.
        let half = Orientation {
            quarter_turns: 2,
            mirrored: false,
        };
        assert_eq!(
            half.placement(0.0, 0.0, 40.0, 60.0),
            [-40.0, 0.0, 0.0, -60.0, 40.0, 60.0]
        );
        // EXIF 2: mirrored left to right only.
        let mirror = Orientation {
            quarter_turns: 0,
            mirrored: true,
        };
        assert_eq!(
            mirror.placement(0.0, 0.0, 40.0, 60.0),
            [-40.0, 0.0, 0.0, 60.0, 40.0, 0.0]
        );
    }

    use super::*;

    const MAX: u64 = 40_000_000;

    fn budget(max_pixels: u64) -> Budget<'static> {
        Budget {
            max_pixels,
            limit: "max_image_pixels",
            max_decode_bytes: 64 << 20,
        }
    }
    const MAX_BYTES: usize = 1 << 20;
    const FIT: (u32, u32) = (2000, 2000);

    #[test]
    fn large_images_keep_no_more_pixels_than_print_shows() {
        let loaded = load(&png(300, 100), budget(MAX), (60, 60), &Cancel::never()).unwrap();
        assert_eq!(
            (loaded.width, loaded.height),
            (300, 100),
            "its own size, for layout"
        );
        let ImageData::Deflated { width, height, .. } = loaded.data else {
            panic!()
        };
        assert_eq!((width, height), (60, 20));
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(width, height, image::Rgba([200, 10, 10, 128]));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn png_decodes_onto_white() {
        let loaded = load(&png(3, 2), budget(MAX), FIT, &Cancel::never()).unwrap();
        assert_eq!((loaded.width, loaded.height), (3, 2));
        let ImageData::Deflated { data, gray, .. } = loaded.data else {
            panic!()
        };
        assert!(!gray);
        let mut samples = Vec::new();
        use std::io::Read as _;
        flate2::read::ZlibDecoder::new(&data[..])
            .read_to_end(&mut samples)
            .unwrap();
        assert_eq!(samples.len(), 18);
        // Half-transparent red over white is pink.
        assert_eq!(&samples[..3], &[227, 132, 132]);
    }

    #[test]
    fn pixel_limit_refuses_before_decoding() {
        let err = load(&png(100, 100), budget(5_000), FIT, &Cancel::never()).unwrap_err();
        assert!(err.contains("100x100"), "{err}");
    }

    /// A black 16-bit RGBA PNG, Adam7-interlaced (the png crate writes none).
    fn interlaced_png(width: u32, height: u32) -> Vec<u8> {
        use std::io::Write as _;
        const PASSES: [(u32, u32, u32, u32); 7] = [
            (0, 0, 8, 8),
            (4, 0, 8, 8),
            (0, 4, 4, 8),
            (2, 0, 4, 4),
            (0, 2, 2, 4),
            (1, 0, 2, 2),
            (0, 1, 1, 2),
        ];
        let mut raw = Vec::new();
        for (x0, y0, dx, dy) in PASSES {
            let columns = width.saturating_sub(x0).div_ceil(dx);
            let rows = height.saturating_sub(y0).div_ceil(dy);
            if columns == 0 {
                continue;
            }
            for _ in 0..rows {
                raw.push(0); // filter: none
                raw.extend(std::iter::repeat_n(0u8, columns as usize * 8));
            }
        }
        let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        zlib.write_all(&raw).unwrap();
        let idat = zlib.finish().unwrap();
        let mut header = Vec::new();
        header.extend(width.to_be_bytes());
        header.extend(height.to_be_bytes());
        header.extend([16, 6, 0, 0, 1]); // 16-bit, RGBA, deflate, filter 0, Adam7
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        for (kind, data) in [
            (&b"IHDR"[..], header),
            (b"IDAT", idat),
            (b"IEND", Vec::new()),
        ] {
            out.extend((data.len() as u32).to_be_bytes());
            let mut crc = flate2::Crc::new();
            crc.update(kind);
            crc.update(&data);
            out.extend(kind);
            out.extend(&data);
            out.extend(crc.sum().to_be_bytes());
        }
        out
    }

    #[test]
    fn images_decoded_whole_stay_within_the_decode_budget() {
        // An interlaced PNG cannot be scaled a row at a time: 16-bit RGBA, 8 bytes a pixel.
        let interlaced = interlaced_png(1500, 1500);
        let small = Budget {
            max_decode_bytes: 16 << 20,
            ..budget(MAX)
        };
        let err = load(&interlaced, small, FIT, &Cancel::never()).unwrap_err();
        assert!(
            err.contains("interlaced PNG of 1500x1500 pixels needs 18 MB")
                && err.contains("max_image_decode_bytes"),
            "{err}"
        );
        // The same within the budget is drawn.
        assert!(load(&interlaced, budget(MAX), FIT, &Cancel::never()).is_ok());
    }

    #[test]
    fn data_uris() {
        let uri = format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(png(1, 1))
        );
        assert!(load(
            &DataUrisOnly.fetch(&uri, MAX_BYTES).unwrap(),
            budget(MAX),
            FIT,
            &Cancel::never()
        )
        .is_ok());
        assert_eq!(decode_data_uri("data:,a%20b", MAX_BYTES).unwrap(), b"a b");
        assert!(DataUrisOnly.fetch("/etc/passwd", MAX_BYTES).is_err());
        assert!(DataUrisOnly
            .fetch("https://example.org/a.png", MAX_BYTES)
            .is_err());
        assert!(load(b"not an image", budget(MAX), FIT, &Cancel::never()).is_err());
    }

    #[test]
    fn local_files_stay_inside_the_allowed_folders() {
        let dir = std::env::temp_dir().join(format!("folio-images-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("post")).unwrap();
        std::fs::write(dir.join("post/pic.png"), png(2, 2)).unwrap();
        std::fs::write(dir.join("secret.png"), png(2, 2)).unwrap();
        let source = LocalFiles::new(&dir.join("post"), &[]);
        assert!(source.fetch("pic.png", MAX_BYTES).is_ok());
        let err = source.fetch("../secret.png", MAX_BYTES).unwrap_err();
        assert!(err.contains("outside"), "{err}");
        let allowed = LocalFiles::new(&dir.join("post"), std::slice::from_ref(&dir));
        assert!(allowed.fetch("../secret.png", MAX_BYTES).is_ok());
        assert!(source
            .fetch("missing.png", MAX_BYTES)
            .unwrap_err()
            .contains("no such file"));
    }
}

#[cfg(test)]
mod hostile {
    use super::*;

    #[test]
    fn escapes_decode_without_panicking_and_data_is_bytes() {
        // A `%` before a multibyte character, bad escapes, escapes of non-UTF-8 bytes.
        assert!(LocalFiles::new(Path::new("."), &[])
            .fetch("%aé.png", 100)
            .is_err());
        assert_eq!(
            decode_data_uri("data:,%ff%00a", 100).unwrap(),
            [0xff, 0, b'a']
        );
        assert_eq!(decode_data_uri("data:,%zz%", 100).unwrap(), b"%zz%");
        assert!(decode_data_uri("data:,toolong", 3).is_err());
        assert!(decode_data_uri(&format!("data:;base64,{}", "A".repeat(4000)), 100).is_err());
    }

    #[test]
    fn only_regular_files_are_read_and_paths_are_not_revealed() {
        let dir = std::env::temp_dir().join(format!("folio-fifo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("pipe.png");
        let _ = std::fs::remove_file(&fifo);
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo (coreutils) runs");
        assert!(made.success());
        let source = LocalFiles::new(&dir, &[]);
        assert_eq!(
            source.fetch("pipe.png", 100).unwrap_err(),
            "not a regular file"
        );
        std::fs::write(dir.join("big.png"), vec![0u8; 1000]).unwrap();
        let err = source.fetch("big.png", 100).unwrap_err();
        assert!(
            err.contains("1000 bytes") && err.contains("max_image_bytes"),
            "{err}"
        );
        let err = source.fetch("../../../etc/passwd", 100).unwrap_err();
        assert!(!err.contains('/'), "{err}");
        let err = source.fetch("missing.png", 100).unwrap_err();
        assert_eq!(err, "no such file");
    }
}
