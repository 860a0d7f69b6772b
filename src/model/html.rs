//! Raw HTML, never executed: its text is kept, a few inline tags keep their meaning
//! (`<em>`, `<i>`, `<strong>`, `<b>`, `<s>`, `<del>`, `<sup>`, `<sub>`, `<code>`, `<br>`),
//! the content of `<script>` and `<style>` and comments vanish, entities are decoded.
//! State carries across calls because pulldown-cmark hands HTML over in pieces.

/// A style an inline HTML tag opens or closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HtmlStyle {
    Emphasis,
    Strong,
    Strikethrough,
    Superscript,
    Subscript,
    Code,
}

/// What a piece of HTML means for the text.
#[derive(Debug, Clone, PartialEq)]
pub enum HtmlToken {
    Text(String),
    LineBreak,
    Open(HtmlStyle),
    Close(HtmlStyle),
}

/// Reads HTML pieces into tokens.
#[derive(Default)]
pub struct HtmlText {
    skip_until: Option<&'static str>,
    /// The tag that started the skip, and the text skipped since: given back if the block
    /// ends before the skip does.
    skipped: Option<(&'static str, String)>,
}

/// Text an unclosed `<script>`, `<style>` or comment would have hidden.
pub struct Unclosed {
    pub tag: &'static str,
    pub text: String,
}

impl HtmlText {
    /// Inside `<script>` or `<style>`: the text events pulldown-cmark sends are not
    /// printed (see [`HtmlText::skip_text`]).
    pub fn skipping(&self) -> bool {
        self.skip_until.is_some()
    }

    /// Text of the document met while skipping.
    pub fn skip_text(&mut self, text: &str) {
        if let Some((_, skipped)) = self.skipped.as_mut() {
            skipped.push_str(text);
        }
    }

    /// The end of a block (an HTML block, or the paragraph around inline HTML): an
    /// unclosed `<script>` or `<style>` stops hiding text there, and the text it hid is
    /// given back, to be printed.
    pub fn end_block(&mut self) -> Option<Unclosed> {
        self.skip_until = None;
        let (tag, text) = self.skipped.take()?;
        (!text.trim().is_empty()).then_some(Unclosed { tag, text })
    }

    fn start_skip(&mut self, tag: &'static str, until: &'static str) {
        self.skip_until = Some(until);
        self.skipped = Some((tag, String::new()));
    }

    fn end_skip(&mut self) {
        self.skip_until = None;
        self.skipped = None;
    }

    pub fn feed(&mut self, html: &str) -> Vec<HtmlToken> {
        let mut out = Vec::new();
        let mut text = String::new();
        let mut rest = html;
        while !rest.is_empty() {
            if let Some(end) = self.skip_until {
                match find_ci(rest, end) {
                    Some(i) => {
                        rest = &rest[i + end.len()..];
                        // An end tag runs to its `>`.
                        if end.starts_with("</") {
                            rest = rest.find('>').map_or("", |gt| &rest[gt + 1..]);
                        }
                        self.end_skip();
                    }
                    None => {
                        self.skip_text(rest);
                        return out;
                    }
                }
                continue;
            }
            if let Some(after) = rest.strip_prefix("<!--") {
                // `<!-->` and `<!--->` are complete (empty) comments.
                if let Some(after_empty) =
                    after.strip_prefix('>').or_else(|| after.strip_prefix("->"))
                {
                    rest = after_empty;
                } else {
                    self.start_skip("<!--", "-->");
                    rest = after;
                }
                continue;
            }
            if rest.starts_with('<') {
                let Some(close) = rest.find('>') else {
                    text.push_str(rest);
                    break;
                };
                let tag = rest[1..close].trim().to_ascii_lowercase();
                let name: String = tag
                    .trim_start_matches('/')
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                if name.is_empty() {
                    // "<" not starting a tag, like "a < b": keep it as text.
                    text.push('<');
                    rest = &rest[1..];
                    continue;
                }
                rest = &rest[close + 1..];
                let closing = tag.starts_with('/');
                let style = match name.as_str() {
                    "em" | "i" | "cite" | "var" => Some(HtmlStyle::Emphasis),
                    "strong" | "b" => Some(HtmlStyle::Strong),
                    "s" | "del" | "strike" => Some(HtmlStyle::Strikethrough),
                    "sup" => Some(HtmlStyle::Superscript),
                    "sub" => Some(HtmlStyle::Subscript),
                    "code" | "kbd" | "samp" | "tt" => Some(HtmlStyle::Code),
                    _ => None,
                };
                if let Some(style) = style {
                    flush_text(&mut text, &mut out);
                    out.push(if closing {
                        HtmlToken::Close(style)
                    } else {
                        HtmlToken::Open(style)
                    });
                    continue;
                }
                match name.as_str() {
                    // GFM's tag filter: these print as text, never as markup.
                    "title" | "textarea" | "xmp" | "iframe" | "noembed" | "noframes"
                    | "plaintext" => {
                        text.push_str(&format!("<{tag}>"));
                    }
                    "br" => {
                        flush_text(&mut text, &mut out);
                        out.push(HtmlToken::LineBreak);
                    }
                    "script" if !closing => self.start_skip("<script>", "</script"),
                    "style" if !closing => self.start_skip("<style>", "</style"),
                    "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
                    | "blockquote" | "td" | "th" | "dt" | "dd" => text.push(' '),
                    _ => {}
                }
                continue;
            }
            let next = rest.find('<').unwrap_or(rest.len());
            text.push_str(&decode_entities(&rest[..next]));
            rest = &rest[next..];
        }
        flush_text(&mut text, &mut out);
        out
    }
}

fn flush_text(text: &mut String, out: &mut Vec<HtmlToken>) {
    if !text.is_empty() {
        out.push(HtmlToken::Text(std::mem::take(text)));
    }
}

fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    haystack.to_ascii_lowercase().find(needle)
}

/// Decodes the HTML entities that appear in raw HTML text (pulldown-cmark decodes those
/// in markdown text itself): every named entity of HTML5 and numeric references.
fn decode_entities(s: &str) -> String {
    html_escape::decode_html_entities(s).into_owned()
}

/// Where a raw HTML block asks for a page break, if it does: a `page-break` class, or a
/// style with `page-break-before: always` / `break-before: page` (before the block) or
/// `page-break-after: always` / `break-after: page` (after it). Invisible on the web.
pub fn page_break(html: &str) -> Option<BreakSide> {
    let squeezed: String = html
        .to_ascii_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let lower = html.to_ascii_lowercase();
    let has_class = lower.split("class=").skip(1).any(|rest| {
        let value = rest.trim_start_matches(['"', '\'']);
        let value = &value[..value.find(['"', '\'', '>']).unwrap_or(value.len())];
        value
            .split_whitespace()
            .any(|name| name == "page-break" || name == "pagebreak")
    });
    if has_class
        || squeezed.contains("page-break-before:always")
        || squeezed.contains("break-before:page")
    {
        Some(BreakSide::Before)
    } else if squeezed.contains("page-break-after:always") || squeezed.contains("break-after:page")
    {
        Some(BreakSide::After)
    } else {
        None
    }
}

/// Which side of an HTML block a page break goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakSide {
    Before,
    After,
}

#[cfg(test)]
mod tests {
    #[test]
    fn page_break_markers() {
        assert_eq!(
            page_break(r#"<div class="page-break"></div>"#),
            Some(BreakSide::Before)
        );
        assert_eq!(
            page_break(r#"<div class='note page-break'>"#),
            Some(BreakSide::Before)
        );
        assert_eq!(
            page_break(r#"<p style="page-break-before: always">"#),
            Some(BreakSide::Before)
        );
        assert_eq!(
            page_break(r#"<div style="break-after: page"></div>"#),
            Some(BreakSide::After)
        );
        assert_eq!(page_break(r#"<div class="page-breaker"></div>"#), None);
        assert_eq!(page_break("<p>page-break</p>"), None);
    }

    #[test]
    fn every_named_entity() {
        assert_eq!(
            decode_entities("caf&eacute; &rarr; &hearts; &#x263A; &amp;c"),
            "café → ♥ ☺ &c"
        );
        assert_eq!(decode_entities("AT&T &unknown;"), "AT&T &unknown;");
    }

    use super::*;

    #[test]
    fn inline_tags_keep_their_meaning_and_scripts_vanish() {
        let mut html = HtmlText::default();
        let tokens = html.feed("H<sub>2</sub>O<br><script>x()</script>&amp;<!-- c -->");
        assert_eq!(
            tokens,
            vec![
                HtmlToken::Text("H".into()),
                HtmlToken::Open(HtmlStyle::Subscript),
                HtmlToken::Text("2".into()),
                HtmlToken::Close(HtmlStyle::Subscript),
                HtmlToken::Text("O".into()),
                HtmlToken::LineBreak,
                HtmlToken::Text("&".into()),
            ]
        );
    }
}
