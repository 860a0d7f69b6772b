//! An article as the service renders it: its markdown, its options, where it came from,
//! and the files that came with it (a multipart upload's images); and where each of its
//! images is to be read from.

use std::sync::Arc;

use folio::{Origin, RenderOptions};
use url::Url;

/// One article to render.
#[derive(Debug, Clone, Default)]
pub struct Article {
    pub markdown: String,
    pub options: RenderOptions,
    /// Where it came from: what the engine resolves its relative addresses against.
    pub origin: Origin,
    /// The files uploaded with it.
    pub files: Attachments,
}

/// Files uploaded with an article, by their file names (cheap to clone).
#[derive(Debug, Clone, Default)]
pub struct Attachments(Arc<Vec<(String, Vec<u8>)>>);

impl Attachments {
    pub fn new(files: Vec<(String, Vec<u8>)>) -> Attachments {
        Attachments(Arc::new(files))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The files, in the order they came.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.0
            .iter()
            .map(|(name, bytes)| (name.as_str(), bytes.as_slice()))
    }

    /// The file an image address in the markdown names: the file of that name, or (as
    /// browsers send only a file's own name, not its folder) the file named as the
    /// address's last segment. `./` in front and percent-encoding are read as a browser
    /// reads them. An absolute address (`https://…`, `//host/…`) names no file.
    pub fn get(&self, address: &str) -> Option<&[u8]> {
        if self.is_empty() || address.starts_with("//") || Url::parse(address).is_ok() {
            return None;
        }
        let address = address.trim().trim_start_matches("./");
        let decoded = percent_encoding::percent_decode_str(address).decode_utf8_lossy();
        let last = decoded.rsplit('/').next().unwrap_or(&decoded);
        let found = [address, decoded.as_ref(), last]
            .into_iter()
            .find_map(|name| self.0.iter().find(|(file, _)| file == name));
        found.map(|(_, bytes)| bytes.as_slice())
    }
}

/// Where an image the engine asks for is read from.
#[derive(Debug, PartialEq)]
pub enum ImageAt<'a> {
    /// A file that came with the article.
    File(&'a [u8]),
    /// An address on the web, fetched under the service's policy.
    Web(Url),
    /// Nowhere: why.
    Nowhere(String),
}

/// Where the image at `address` (as the engine hands it over: absolute, or a name the
/// article's files may have; never a `data:` URI, decoded before) is to be read from;
/// a file larger than `max_bytes` (the image limit) is not read.
pub fn locate_image<'a>(address: &str, files: &'a Attachments, max_bytes: usize) -> ImageAt<'a> {
    if let Some(bytes) = files.get(address) {
        if bytes.len() > max_bytes {
            return ImageAt::Nowhere(format!(
                "the file has {} bytes, more than the {max_bytes} max_image_bytes allows",
                bytes.len()
            ));
        }
        return ImageAt::File(bytes);
    }
    match Url::parse(address.trim()) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => ImageAt::Web(url),
        Ok(_) => ImageAt::Nowhere("the service does not read local files".to_string()),
        Err(url::ParseError::RelativeUrlWithoutBase) if !files.is_empty() => {
            ImageAt::Nowhere(format!(
                "no file of that name came with the article (it came with {})",
                files
                    .iter()
                    .map(|(name, _)| format!("`{name}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }
        Err(url::ParseError::RelativeUrlWithoutBase) => ImageAt::Nowhere(
            "a relative image address needs the article's address (fetch it with ?url=, \
             give `url` in its front matter or the base_url option) or the image uploaded \
             with it (multipart `files`)"
                .to_string(),
        ),
        Err(_) => ImageAt::Nowhere("the image address is not a valid URL".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_found_by_name_then_on_the_web() {
        let files = Attachments::new(vec![
            ("chart.png".into(), b"png".to_vec()),
            ("my fig.svg".into(), b"svg".to_vec()),
        ]);
        assert_eq!(locate_image("chart.png", &files, 9), ImageAt::File(b"png"));
        assert_eq!(
            locate_image("./chart.png", &files, 9),
            ImageAt::File(b"png")
        );
        assert_eq!(
            locate_image("img/chart.png", &files, 9),
            ImageAt::File(b"png")
        );
        assert_eq!(
            locate_image("my%20fig.svg", &files, 9),
            ImageAt::File(b"svg")
        );
        assert!(matches!(
            locate_image("https://blog.example/chart.png", &files, 9),
            ImageAt::Web(_)
        ));
        let ImageAt::Nowhere(why) = locate_image("other.png", &files, 9) else {
            panic!("found a file that did not come");
        };
        assert!(why.contains("`chart.png`, `my fig.svg`"), "{why}");
        let ImageAt::Nowhere(why) = locate_image("other.png", &Attachments::default(), 9) else {
            panic!("found a file that did not come");
        };
        assert!(why.contains("article's address"), "{why}");
        assert!(matches!(
            locate_image("chart.png", &files, 2),
            ImageAt::Nowhere(_)
        ));
        assert!(matches!(
            locate_image("file:///etc/passwd", &files, 9),
            ImageAt::Nowhere(_)
        ));
    }
}
