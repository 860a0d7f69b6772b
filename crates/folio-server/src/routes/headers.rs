//! Header values made from a render: the PDF's file name (`Content-Disposition`, RFC 6266
//! and 8187) and its warnings (`X-Folio-Warning`, percent-encoded UTF-8).

/// `Content-Disposition` (RFC 6266): the file name the client chose, else one from the
/// title, as `filename*` in UTF-8 (RFC 8187) with an ASCII `filename` for old clients.
pub(super) fn content_disposition(
    disposition: &str,
    chosen: Option<&str>,
    title: Option<&str>,
) -> String {
    let name = chosen
        .and_then(chosen_file_name)
        .unwrap_or_else(|| unicode_file_name(title));
    let ascii = file_name(Some(name.trim_end_matches(".pdf")));
    let encoded = percent_encoding::utf8_percent_encode(&name, RFC8187_ATTR_CHAR);
    format!("{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Characters RFC 8187's `attr-char` allows unencoded; everything else is `%XX`.
pub(super) const RFC8187_ATTR_CHAR: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC
        .remove(b'!')
        .remove(b'#')
        .remove(b'$')
        .remove(b'&')
        .remove(b'+')
        .remove(b'-')
        .remove(b'.')
        .remove(b'^')
        .remove(b'_')
        .remove(b'`')
        .remove(b'|')
        .remove(b'~');

/// A client's file name made safe: no folders, no control or formatting characters, at
/// most 100 characters, ending in `.pdf`; `None` if nothing is left.
pub(super) fn chosen_file_name(chosen: &str) -> Option<String> {
    let base = chosen.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '"'))
        .take(100)
        .collect();
    let cleaned = cleaned.trim();
    let stem = cleaned
        .strip_suffix(".pdf")
        .or_else(|| cleaned.strip_suffix(".PDF"))
        .unwrap_or(cleaned)
        .trim()
        .trim_start_matches('.')
        .trim();
    (!stem.is_empty()).then(|| format!("{stem}.pdf"))
}

/// A file name from the title keeping its letters in any script (`Ωμέγα-und-größe.pdf`).
pub(super) fn unicode_file_name(title: Option<&str>) -> String {
    slug(title, char::is_alphanumeric)
}

/// A file name from the title: letters, digits and hyphens, ending in `.pdf`.
pub(super) fn file_name(title: Option<&str>) -> String {
    slug(title, |c| c.is_ascii_alphanumeric())
}

/// The title's characters that `keep` keeps, lower-cased, the others as single hyphens
/// between them; at most 80 characters, then `.pdf` (`article.pdf` for nothing left).
fn slug(title: Option<&str>, keep: fn(char) -> bool) -> String {
    const MAX_CHARS: usize = 80;
    let mut name = String::new();
    let mut count = 0;
    for c in title.unwrap_or("article").chars() {
        if keep(c) {
            for lower in c.to_lowercase() {
                name.push(lower);
                count += 1;
            }
        } else if !name.ends_with('-') && !name.is_empty() {
            name.push('-');
            count += 1;
        }
        if count >= MAX_CHARS {
            break;
        }
    }
    let name = name.trim_end_matches('-');
    format!("{}.pdf", if name.is_empty() { "article" } else { name })
}

/// Characters a warning header keeps as they are: printable ASCII but `%` (so that the
/// value decodes with `decodeURIComponent` or any percent-decoder, losslessly).
pub(super) const HEADER_TEXT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS.add(b'%');

/// The longest warning in a header, in bytes of UTF-8 before encoding (cut at a
/// character boundary; the whole warning is in the log and `X-Folio-Warnings` counts).
pub(super) const MAX_WARNING_BYTES: usize = 1000;

/// A warning as a header value: UTF-8, percent-encoded where not printable ASCII.
pub(super) fn header_text(text: &str) -> String {
    let mut end = text.len().min(MAX_WARNING_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    percent_encoding::utf8_percent_encode(&text[..end], HEADER_TEXT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn file_names_are_safe() {
        assert_eq!(
            file_name(Some("Hello, World: A Story!")),
            "hello-world-a-story.pdf"
        );
        assert_eq!(file_name(Some("../../etc/passwd")), "etc-passwd.pdf");
        assert_eq!(file_name(None), "article.pdf");
        assert_eq!(file_name(Some("Ωμέγα")), "article.pdf");
    }

    #[test]
    fn content_disposition_keeps_any_script_in_filename_star() {
        assert_eq!(
            content_disposition("attachment", None, Some("Ωμέγα und Größe")),
            "attachment; filename=\"und-gr-e.pdf\"; \
             filename*=UTF-8''%CF%89%CE%BC%CE%AD%CE%B3%CE%B1-und-gr%C3%B6%C3%9Fe.pdf"
        );
        assert_eq!(
            content_disposition("inline", Some("../../My Report \"final\".PDF"), None),
            "inline; filename=\"my-report-final.pdf\"; filename*=UTF-8''My%20Report%20final.pdf"
        );
        // Nothing usable chosen: the title's name.
        assert_eq!(
            content_disposition("inline", Some("/.pdf"), Some("Hi")),
            "inline; filename=\"hi.pdf\"; filename*=UTF-8''hi.pdf"
        );
    }

    #[test]
    fn warnings_in_headers_decode_back_exactly() {
        let warning = "no font for Han (中文): 100% blank; \"quoted\"\ttab";
        let encoded = header_text(warning);
        assert!(encoded.is_ascii() && !encoded.contains('\t'), "{encoded}");
        assert!(actix_web::http::header::HeaderValue::from_str(&encoded).is_ok());
        assert_eq!(
            percent_encoding::percent_decode_str(&encoded)
                .decode_utf8()
                .unwrap(),
            warning
        );
    }
}
