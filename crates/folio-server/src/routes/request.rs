//! Reading a render request, whatever shape it came in: markdown, JSON, or a form
//! (URL-encoded or multipart, with the article's images), with options from the query
//! string or the form; every mistake is a 400 that names the field or option.

use std::time::Duration;

use actix_web::http::header;
use actix_web::{web, HttpRequest};

use crate::article::{Article, Attachments};
use crate::body;
use crate::problem::ApiError;
use crate::AppState;
use folio::{Origin, RenderOptions};

/// Fields of a request that are not render options.
pub(super) const NOT_OPTIONS: &[&str] = &[
    "markdown",
    "download",
    "filename",
    "url",
    "report",
    body::FILES_FIELD,
];

/// A request to render, whatever shape it came in.
#[derive(Debug)]
pub(super) struct RenderRequest {
    pub(super) article: Article,
    /// How long the fetched article's server lets it be reused (`GET ?url=`; None: it
    /// did not say, or the article was sent).
    pub(super) source_fresh_for: Option<Duration>,
    pub(super) download: bool,
    /// The file name the client chose for the PDF, if any.
    pub(super) filename: Option<String>,
}

pub(super) async fn read_request(
    state: &AppState,
    req: &HttpRequest,
    body: web::Payload,
) -> Result<RenderRequest, ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    // Text comes only as UTF-8: a body declared in another charset is refused, not
    // misread.
    let charset = content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        (name.trim() == "charset").then(|| value.trim().trim_matches('"').to_string())
    });
    if let Some(charset) = charset.filter(|c| c != "utf-8" && c != "utf8") {
        return Err(ApiError::UnsupportedMediaType {
            got: format!("{media}; charset={charset} (send UTF-8)"),
        });
    }
    let query = pairs(req.query_string());
    let limits = state.config.body_limits();
    match media.as_str() {
        "text/markdown" | "text/plain" | "text/x-markdown" => {
            let bytes = body::read(req, body, limits).await?;
            let markdown = utf8(bytes)?;
            let download = flag(&query, "download");
            let options = options_from_pairs(&query)?;
            Ok(RenderRequest {
                article: Article {
                    markdown,
                    options,
                    ..Article::default()
                },
                source_fresh_for: None,
                download,
                filename: field(&query, "filename"),
            })
        }
        "application/json" => {
            let bytes = body::read(req, body, limits).await?;
            #[derive(serde::Deserialize)]
            #[serde(deny_unknown_fields)]
            struct JsonRequest {
                markdown: String,
                #[serde(default)]
                options: Option<serde_json::Value>,
                #[serde(default)]
                download: bool,
                #[serde(default)]
                filename: Option<String>,
            }
            let parsed: JsonRequest =
                serde_json::from_slice(&bytes).map_err(|e| ApiError::BadRequest {
                    detail: format!("invalid JSON: {e}"),
                    option: None,
                })?;
            let options = match parsed.options {
                Some(value) => RenderOptions::from_json(value).map_err(ApiError::from)?,
                None => options_from_pairs(&query)?,
            };
            Ok(RenderRequest {
                article: Article {
                    markdown: parsed.markdown,
                    options,
                    ..Article::default()
                },
                source_fresh_for: None,
                download: parsed.download || flag(&query, "download"),
                filename: parsed.filename.or_else(|| field(&query, "filename")),
            })
        }
        "application/x-www-form-urlencoded" => {
            let bytes = body::read(req, body, limits).await?;
            let text = utf8(bytes)?;
            let fields = pairs(&text);
            check_field_count(&fields)?;
            form_request(fields.into_iter().chain(query).collect(), Vec::new())
        }
        "multipart/form-data" => {
            let form = body::multipart_form(req, body, limits).await?;
            form_request(form.fields.into_iter().chain(query).collect(), form.files)
        }
        other => Err(ApiError::UnsupportedMediaType {
            got: if other.is_empty() {
                "no content type".to_string()
            } else {
                other.to_string()
            },
        }),
    }
}

/// A form's request; `files` are the images uploaded with the article (multipart), which
/// its relative image addresses name.
pub(super) fn form_request(
    fields: Vec<(String, String)>,
    files: Vec<(String, Vec<u8>)>,
) -> Result<RenderRequest, ApiError> {
    let markdown = field(&fields, "markdown").ok_or_else(|| ApiError::BadRequest {
        detail: if looks_like_markdown(&fields) {
            // curl --data-binary @article.md sends the file as a form unless told.
            "the form has no `markdown` field: the body looks like the markdown itself, \
             sent as a form (curl's default type); send it with \
             `Content-Type: text/markdown` (curl -H 'Content-Type: text/markdown' \
             --data-binary @article.md) or as a field (curl --data-urlencode \
             markdown@article.md)"
                .to_string()
        } else {
            "the form has no `markdown` field".to_string()
        },
        option: None,
    })?;
    let download = flag(&fields, "download");
    let filename = field(&fields, "filename");
    let options = options_from_pairs(&fields)?;
    let origin = if files.is_empty() {
        Origin::Text
    } else {
        Origin::WithFiles
    };
    Ok(RenderRequest {
        article: Article {
            markdown,
            options,
            origin,
            files: Attachments::new(files),
        },
        source_fresh_for: None,
        download,
        filename,
    })
}

/// Whether a form's "fields" are really a markdown text sent with the form type: names
/// that no form would have (spaces, line breaks, markup), or a single name with no value.
pub(super) fn looks_like_markdown(fields: &[(String, String)]) -> bool {
    fields.iter().any(|(k, _)| {
        k.len() > 64 || k.contains(['\n', ' ', '#', '*', '`', '[', '>']) || k.starts_with('-')
    }) || (fields.len() == 1 && fields[0].1.is_empty())
}

/// The first value of a field.
pub(super) fn field(fields: &[(String, String)], name: &str) -> Option<String> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

/// A form has a few fields: `markdown`, `download` and the options.
pub(super) fn check_field_count(fields: &[(String, String)]) -> Result<(), ApiError> {
    let most = RenderOptions::SPECS.len() + NOT_OPTIONS.len() + 8;
    if fields.len() > most {
        return Err(ApiError::BadRequest {
            detail: format!(
                "the form has {} fields; at most {most} make sense",
                fields.len()
            ),
            option: None,
        });
    }
    Ok(())
}

pub(super) fn utf8(bytes: Vec<u8>) -> Result<String, ApiError> {
    String::from_utf8(bytes).map_err(|e| ApiError::BadRequest {
        detail: format!(
            "the text is not valid UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ),
        option: None,
    })
}

/// `application/x-www-form-urlencoded` pairs (also query strings), decoded by the
/// WHATWG rules (`form_urlencoded`): `+` is a space, a `%` not followed by two hex digits
/// stays as it is, and bytes that are not UTF-8 become U+FFFD.
pub(super) fn pairs(text: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(text.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub(super) fn flag(fields: &[(String, String)], name: &str) -> bool {
    fields.iter().any(|(k, v)| {
        k == name && matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on")
    })
}

/// Render options from string pairs (a query string or a form), with the same names and
/// values as everywhere else; unknown names are errors.
pub fn options_from_pairs(fields: &[(String, String)]) -> Result<RenderOptions, ApiError> {
    RenderOptions::from_pairs(
        fields
            .iter()
            .filter(|(key, _)| !NOT_OPTIONS.contains(&key.as_str()))
            .map(|(key, value)| (key.as_str(), value.as_str())),
    )
    .map_err(ApiError::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn query_options_use_the_same_names_and_values() {
        let fields = pairs("page_size=Letter&justify=false&font_size=12&download=1");
        let options = options_from_pairs(&fields).unwrap();
        assert_eq!(options.justify, Some(false));
        assert_eq!(options.font_size, Some(folio::options::FontSize(12.0)));
        assert!(flag(&fields, "download"));
        let err = options_from_pairs(&pairs("pagesize=A4")).unwrap_err();
        assert!(
            matches!(err, ApiError::BadRequest { option: Some(ref o), .. } if o == "pagesize"),
            "{err:?}"
        );
    }

    #[test]
    fn form_decoding() {
        assert_eq!(
            pairs("a=b+c%20d%2Fe&bad=100%&x=%zz&u=%E2%82"),
            [
                ("a".to_string(), "b c d/e".to_string()),
                ("bad".to_string(), "100%".to_string()),
                ("x".to_string(), "%zz".to_string()),
                ("u".to_string(), "\u{fffd}".to_string()),
            ]
        );
    }

    #[test]
    fn curl_default_form_gets_a_hint() {
        let err = form_request(pairs("# My post\n\nSome *text* here."), Vec::new()).unwrap_err();
        assert!(err.to_string().contains("text/markdown"), "{err}");
        let err = form_request(pairs("page_size=A4"), Vec::new()).unwrap_err();
        assert!(!err.to_string().contains("curl"), "{err}");
    }
}
