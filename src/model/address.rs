//! Where an article came from, and what its relative addresses mean: the model stage
//! resolves every relative link and image address once, as a browser would (RFC 3986),
//! so that later stages and image sources only ever see absolute addresses, `#anchors`,
//! or the paths of files that came with the article.

use url::Url;

use crate::context::Origin;

/// The addresses one article's relative addresses resolve against.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Addresses {
    /// The article's own address: where it was read from, else its front matter's `url`
    /// (or `canonical_url`), else `base_url` (the caller's, else the front matter's).
    article: Option<Url>,
    /// That address as it was written (printed on the article as its source).
    written: Option<String>,
    /// Whether relative image addresses name files that came with the article.
    images_are_files: bool,
}

impl Addresses {
    /// The addresses of an article from `origin` whose front matter gives `front_url`,
    /// with the `base_url` option (`base_url`). The first absolute http(s) address wins.
    pub fn new(origin: &Origin, front_url: Option<&str>, base_url: Option<&str>) -> Addresses {
        let web = match origin {
            Origin::Web(address) => Some(address.as_str()),
            Origin::Text | Origin::WithFiles => None,
        };
        let found = [web, front_url, base_url]
            .into_iter()
            .flatten()
            .find_map(|text| Some((web_address(text)?, text.trim().to_string())));
        let (article, written) = found.unzip();
        Addresses {
            article,
            written,
            images_are_files: *origin == Origin::WithFiles,
        }
    }

    /// The article's own address as it was written, if it has one.
    pub fn article_written(&self) -> Option<&str> {
        self.written.as_deref()
    }

    /// A link's address made absolute: `#anchors`, absolute addresses (any scheme: the
    /// link stage judges them) and relative ones without an article address stay as
    /// written.
    pub fn link(&self, href: &str) -> String {
        if href.trim_start().starts_with('#') {
            return href.to_string();
        }
        self.join(href).unwrap_or_else(|| href.to_string())
    }

    /// An image's address made absolute, unless it names a file that came with the
    /// article (or there is no address to resolve it against): then it stays as written.
    pub fn image(&self, src: &str) -> String {
        if self.images_are_files {
            return src.to_string();
        }
        self.join(src).unwrap_or_else(|| src.to_string())
    }

    /// `href` resolved against the article's address, if it is relative and there is one.
    fn join(&self, href: &str) -> Option<String> {
        let href = href.trim();
        if href.is_empty() || is_absolute(href) {
            return None;
        }
        Some(self.article.as_ref()?.join(href).ok()?.to_string())
    }
}

/// An absolute http or https address, parsed.
fn web_address(text: &str) -> Option<Url> {
    Url::parse(text.trim())
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https"))
}

/// Whether an address has a scheme of its own (`https:`, `mailto:`, `data:`, even
/// `javascript:`): such an address is never resolved against another.
fn is_absolute(href: &str) -> bool {
    let Some((scheme, _)) = href.split_once(':') else {
        return false;
    };
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const POST: &str = "https://blog.example/2026/post/";

    #[test]
    fn relative_links_resolve_as_a_browser_resolves_them() {
        let at = Addresses::new(&Origin::Text, Some(POST), None);
        assert_eq!(at.link("/about"), "https://blog.example/about");
        assert_eq!(at.link("../next/"), "https://blog.example/2026/next/");
        assert_eq!(at.link("notes.html#x"), format!("{POST}notes.html#x"));
        assert_eq!(at.link("//cdn.example/a"), "https://cdn.example/a");
        assert_eq!(at.link("?page=2"), format!("{POST}?page=2"));
        assert_eq!(at.link("#intro"), "#intro");
        assert_eq!(at.link("mailto:a@b.example"), "mailto:a@b.example");
        assert_eq!(at.link("javascript:alert(1)"), "javascript:alert(1)");
        assert_eq!(at.link(""), "");
    }

    #[test]
    fn the_article_address_is_where_it_was_read_then_its_url_then_base_url() {
        let web = Origin::Web("https://a.example/read/".into());
        let base = Some("https://c.example/");
        let front = Some("https://b.example/front/");
        let article = |origin: &Origin, front, base| {
            Addresses::new(origin, front, base)
                .article_written()
                .map(str::to_string)
        };
        assert_eq!(
            article(&web, front, base).as_deref(),
            Some("https://a.example/read/")
        );
        assert_eq!(
            article(&Origin::Text, front, base).as_deref(),
            Some("https://b.example/front/")
        );
        assert_eq!(
            article(&Origin::Text, None, base).as_deref(),
            Some("https://c.example/")
        );
        // Addresses that are not http(s) are skipped, not used.
        assert_eq!(
            article(&Origin::Text, Some("file:///etc/"), base).as_deref(),
            Some("https://c.example/")
        );
        assert_eq!(article(&Origin::Text, Some("not an address"), None), None);
    }

    #[test]
    fn images_of_an_article_with_its_files_stay_file_names() {
        let files = Addresses::new(&Origin::WithFiles, Some(POST), None);
        assert_eq!(files.image("img/chart.png"), "img/chart.png");
        assert_eq!(files.link("/about"), "https://blog.example/about");
        let text = Addresses::new(&Origin::Text, Some(POST), None);
        assert_eq!(text.image("img/chart.png"), format!("{POST}img/chart.png"));
        assert_eq!(
            text.image("data:image/png;base64,AA"),
            "data:image/png;base64,AA"
        );
        let nowhere = Addresses::new(&Origin::Text, None, None);
        assert_eq!(nowhere.image("chart.png"), "chart.png");
        assert_eq!(nowhere.link("/about"), "/about");
    }
}
