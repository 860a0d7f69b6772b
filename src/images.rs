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

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine as _;

/// Pixels an image may have, by default (40 megapixels: a large photo).
pub const DEFAULT_MAX_PIXELS: u64 = 40_000_000;

/// A decoded (or, for JPEG, checked) image.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedImage {
    pub width: u32,
    pub height: u32,
    pub data: ImageData,
}

/// The pixels of an image as a PDF embeds them.
#[derive(Debug, Clone, PartialEq)]
pub enum ImageData {
    /// JPEG bytes, embedded unchanged; `components` is 1 (gray), 3 (RGB) or 4 (CMYK).
    Jpeg { bytes: Arc<Vec<u8>>, components: u8 },
    /// 8-bit samples, row by row: gray (1 per pixel) or RGB (3 per pixel).
    Pixels { samples: Arc<Vec<u8>>, gray: bool },
}

/// Where image bytes come from.
pub trait ImageSource: Sync {
    /// The bytes at `url`, or why they cannot be had (one lowercase line).
    fn fetch(&self, url: &str) -> Result<Vec<u8>, String>;
}

/// Reads `data:` URIs only: nothing outside the document is ever touched.
#[derive(Debug, Clone, Copy, Default)]
pub struct DataUrisOnly;

impl ImageSource for DataUrisOnly {
    fn fetch(&self, url: &str) -> Result<Vec<u8>, String> {
        if url.starts_with("data:") {
            decode_data_uri(url)
        } else if url.contains("://") {
            Err("remote images are not fetched here".to_string())
        } else {
            Err("local files are not read here".to_string())
        }
    }
}

/// Reads `data:` URIs and files relative to a folder (the article's), refusing paths
/// that lead outside it or outside the extra folders the user allows.
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
    fn fetch(&self, url: &str) -> Result<Vec<u8>, String> {
        if url.starts_with("data:") {
            return decode_data_uri(url);
        }
        if url.contains("://") {
            return Err("remote images are not fetched by the command line".to_string());
        }
        let path = url.strip_prefix("file:").unwrap_or(url);
        let path = percent_decode(path.split(['?', '#']).next().unwrap_or(path));
        let full = self.base.join(&path);
        let real = full
            .canonicalize()
            .map_err(|_| format!("{}: no such file", full.display()))?;
        if !self.allowed.iter().any(|dir| real.starts_with(dir)) {
            return Err(format!(
                "{} is outside the article's folder; allow its folder explicitly to use it",
                real.display()
            ));
        }
        std::fs::read(&real).map_err(|e| {
            format!(
                "{}: {}",
                real.display(),
                e.kind().to_string().to_lowercase()
            )
        })
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The bytes of a `data:` URI (base64 or percent-encoded).
pub fn decode_data_uri(uri: &str) -> Result<Vec<u8>, String> {
    let rest = uri.strip_prefix("data:").ok_or("not a data: URI")?;
    let (meta, data) = rest
        .split_once(',')
        .ok_or("a data: URI needs a comma before its data")?;
    if meta.ends_with(";base64") {
        let cleaned: String = data.chars().filter(|c| !c.is_whitespace()).collect();
        base64::engine::general_purpose::STANDARD
            .decode(cleaned.trim_end_matches('='))
            .or_else(|_| {
                base64::engine::general_purpose::STANDARD_NO_PAD
                    .decode(cleaned.trim_end_matches('='))
            })
            .map_err(|_| "the data: URI's base64 is invalid".to_string())
    } else {
        Ok(percent_decode(data).into_bytes())
    }
}

/// Reads image bytes: JPEG kept as it is, PNG/GIF/WebP decoded, anything larger than
/// `max_pixels` refused before it is decoded.
pub fn load(bytes: &[u8], max_pixels: u64) -> Result<LoadedImage, String> {
    use image::{ImageDecoder, ImageFormat};
    let format = image::guess_format(bytes)
        .map_err(|_| "not an image (or a format Folio does not read)".to_string())?;
    let too_big = |w: u32, h: u32| {
        (w as u64 * h as u64 > max_pixels)
            .then(|| format!("{w}x{h} pixels is more than the limit of {max_pixels} pixels"))
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
            Ok(LoadedImage {
                width,
                height,
                data: ImageData::Jpeg {
                    bytes: Arc::new(bytes.to_vec()),
                    components,
                },
            })
        }
        ImageFormat::Png | ImageFormat::Gif | ImageFormat::WebP => {
            let (width, height) = image::ImageReader::with_format(Cursor::new(bytes), format)
                .into_dimensions()
                .map_err(|e| format!("unreadable {format:?} image: {e}"))?;
            let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
            if let Some(message) = too_big(width, height) {
                return Err(message);
            }
            let mut limits = image::Limits::default();
            limits.max_alloc = Some(max_pixels.saturating_mul(8));
            reader.limits(limits);
            let decoded = reader
                .decode()
                .map_err(|e| format!("unreadable {format:?} image: {e}"))?;
            let gray = !decoded.color().has_color();
            let rgba = decoded.to_rgba8();
            let mut samples =
                Vec::with_capacity((width * height * if gray { 1 } else { 3 }) as usize);
            for pixel in rgba.pixels() {
                let [r, g, b, a] = pixel.0;
                // Transparent parts show the paper.
                let over_white =
                    |c: u8| ((c as u32 * a as u32 + 255 * (255 - a as u32)) / 255) as u8;
                if gray {
                    samples.push(over_white(r));
                } else {
                    samples.extend([over_white(r), over_white(g), over_white(b)]);
                }
            }
            Ok(LoadedImage {
                width,
                height,
                data: ImageData::Pixels {
                    samples: Arc::new(samples),
                    gray,
                },
            })
        }
        other => Err(format!(
            "{other:?} images are not supported; use PNG, JPEG, GIF or WebP"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(width, height, image::Rgba([200, 10, 10, 128]));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn png_decodes_onto_white() {
        let loaded = load(&png(3, 2), DEFAULT_MAX_PIXELS).unwrap();
        assert_eq!((loaded.width, loaded.height), (3, 2));
        let ImageData::Pixels { samples, gray } = loaded.data else {
            panic!()
        };
        assert!(!gray);
        assert_eq!(samples.len(), 18);
        // Half-transparent red over white is pink.
        assert_eq!(&samples[..3], &[227, 132, 132]);
    }

    #[test]
    fn pixel_limit_refuses_before_decoding() {
        let err = load(&png(100, 100), 5_000).unwrap_err();
        assert!(err.contains("100x100"), "{err}");
    }

    #[test]
    fn data_uris() {
        let uri = format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(png(1, 1))
        );
        assert!(load(&DataUrisOnly.fetch(&uri).unwrap(), DEFAULT_MAX_PIXELS).is_ok());
        assert_eq!(decode_data_uri("data:,a%20b").unwrap(), b"a b");
        assert!(DataUrisOnly.fetch("/etc/passwd").is_err());
        assert!(DataUrisOnly.fetch("https://example.org/a.png").is_err());
        assert!(load(b"not an image", DEFAULT_MAX_PIXELS).is_err());
    }

    #[test]
    fn local_files_stay_inside_the_allowed_folders() {
        let dir = std::env::temp_dir().join(format!("folio-images-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("post")).unwrap();
        std::fs::write(dir.join("post/pic.png"), png(2, 2)).unwrap();
        std::fs::write(dir.join("secret.png"), png(2, 2)).unwrap();
        let source = LocalFiles::new(&dir.join("post"), &[]);
        assert!(source.fetch("pic.png").is_ok());
        let err = source.fetch("../secret.png").unwrap_err();
        assert!(err.contains("outside"), "{err}");
        let allowed = LocalFiles::new(&dir.join("post"), std::slice::from_ref(&dir));
        assert!(allowed.fetch("../secret.png").is_ok());
        assert!(source
            .fetch("missing.png")
            .unwrap_err()
            .contains("no such file"));
    }
}
