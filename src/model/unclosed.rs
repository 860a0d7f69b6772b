//! Raw HTML blocks that never close. CommonMark ends a `<script>`, `<style>` or `<!--`
//! block only at its closing tag, so an author's stray `<!--` would swallow the rest of
//! the article (and Folio prints no script, style or comment text). Such an opener is
//! turned into text (`&lt;`) before the markdown is read, so what follows it is read as
//! markdown again, and a warning says so.

use pulldown_cmark::{Event, Parser, Tag};

/// The HTML block openers whose content Folio does not print, with their closers.
const HIDING: [(&str, &str); 3] = [
    ("<script", "</script>"),
    ("<style", "</style>"),
    ("<!--", "-->"),
];

/// The markdown with every unclosed hiding block opener escaped, and the openers
/// (`<script`, `<!--`...) that were; `None` when there is nothing to change.
pub fn escape_unclosed_blocks(markdown: &str, math: bool) -> Option<(String, Vec<&'static str>)> {
    let lower = markdown.to_ascii_lowercase();
    if !HIDING.iter().any(|(open, _)| lower.contains(open)) {
        return None;
    }
    let mut escape_at = Vec::new();
    let mut openers = Vec::new();
    for (event, range) in Parser::new_ext(markdown, super::parser_options(math)).into_offset_iter()
    {
        if let Event::Start(Tag::HtmlBlock) = event {
            let block = &lower[range.clone()];
            let start = block.len() - block.trim_start().len();
            let Some((open, close)) = HIDING
                .iter()
                .find(|(open, _)| block[start..].starts_with(open))
            else {
                continue;
            };
            if !block[start + open.len()..].contains(close) {
                escape_at.push(range.start + start);
                openers.push(*open);
            }
        }
    }
    if escape_at.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(markdown.len() + 3 * escape_at.len());
    let mut from = 0;
    for at in escape_at {
        out.push_str(&markdown[from..at]);
        out.push_str("&lt;");
        from = at + 1;
    }
    out.push_str(&markdown[from..]);
    Some((out, openers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unclosed_comment_or_script_no_longer_hides_the_rest() {
        let (escaped, openers) =
            escape_unclosed_blocks("Intro.\n\n<!-- a note to self\n\n# Heading\n\nText.", true)
                .unwrap();
        assert_eq!(openers, ["<!--"]);
        assert!(escaped.contains("&lt;!-- a note"), "{escaped}");
        let (_, openers) =
            escape_unclosed_blocks("<SCRIPT>\nvar x;\n\nRest of the article.", true).unwrap();
        assert_eq!(openers, ["<script"]);
    }

    #[test]
    fn closed_blocks_and_code_are_left_alone() {
        assert!(escape_unclosed_blocks("<!-- fine -->\n\nText.", true).is_none());
        assert!(escape_unclosed_blocks("<script>\nx()\n</script>\n\nText.", true).is_none());
        assert!(escape_unclosed_blocks("```\n<!-- in code\n```\n", true).is_none());
        assert!(escape_unclosed_blocks("Plain text.", true).is_none());
    }
}
