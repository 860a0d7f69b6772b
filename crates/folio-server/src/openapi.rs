//! The API as an OpenAPI 3.1 document, generated from what the code declares: the routes
//! ([`crate::ROUTES`]), the render options (their one declaration in the engine: names,
//! descriptions, JSON types, allowed values; defaults and template names from the
//! engine's built-in templates), the errors ([`crate::problem::ApiError`]'s statuses) and
//! the headers the handlers write.

use serde_json::{json, Map, Value};

use folio::options::JsonType;
use folio::{Engine, RenderOptions};

/// Fields of a render request besides the options.
const MARKDOWN: &str =
    "The article: markdown, with optional YAML (`---`) or TOML (`+++`) front matter.";
const DOWNLOAD: &str = "Answer with `Content-Disposition: attachment` (save) instead of `inline`.";
const FILENAME: &str = "The PDF's file name (folders and control characters are removed, `.pdf` is added); default: from the article's title.";

fn problem(description: &str) -> Value {
    json!({
        "description": description,
        "headers": {"X-Request-Id": {"$ref": "#/components/headers/X-Request-Id"}},
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    })
}

/// The JSON schema of one option's value, with the article template's value as default.
fn option_schema(
    spec: &folio::options::OptionSpec,
    defaults: &Map<String, Value>,
    templates: &[String],
    as_text: bool,
) -> Value {
    let mut schema = Map::new();
    let kind = match (spec.json_type, as_text) {
        (_, true) => "string",
        (JsonType::Boolean, false) => "boolean",
        (JsonType::Number, false) => "number",
        (JsonType::String, false) => "string",
    };
    schema.insert("type".into(), kind.into());
    schema.insert(
        "description".into(),
        spec.help
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .into(),
    );
    let possible: Vec<Value> = if spec.name == "template" {
        templates.iter().map(|t| Value::from(t.as_str())).collect()
    } else if spec.is_flag() {
        if as_text {
            ["true", "false", "1", "0", "yes", "no", "on", "off"]
                .iter()
                .map(|v| Value::from(*v))
                .collect()
        } else {
            Vec::new()
        }
    } else {
        spec.possible.iter().map(|v| Value::from(*v)).collect()
    };
    if !possible.is_empty() {
        schema.insert("enum".into(), Value::Array(possible));
    }
    if let Some(default) = defaults.get(spec.name).filter(|d| d.as_str() != Some("")) {
        let default = match (default, kind) {
            (Value::Bool(b), "string") => Some(Value::from(b.to_string())),
            (Value::String(s), "number") => s.parse::<f64>().ok().map(Value::from),
            (other, _) => Some(other.clone()),
        };
        if let Some(default) = default {
            schema.insert("default".into(), default);
        }
    }
    Value::Object(schema)
}

/// The OpenAPI document.
pub fn document(engine: &Engine) -> Value {
    let templates: Vec<String> = engine.templates().iter().map(|t| t.name.clone()).collect();
    // Defaults as the default template (`article`) resolves them.
    let defaults = engine
        .templates()
        .iter()
        .find(|t| t.name == "article")
        .map(|t| t.defaults.resolve().canonical())
        .unwrap_or_default();

    let mut options = Map::new();
    let mut option_fields = Map::new();
    let mut query_options = Vec::new();
    for spec in RenderOptions::SPECS {
        options.insert(
            spec.name.into(),
            option_schema(spec, &defaults, &templates, false),
        );
        option_fields.insert(
            spec.name.into(),
            option_schema(spec, &defaults, &templates, true),
        );
        query_options.push(json!({
            "name": spec.name,
            "in": "query",
            "required": false,
            "description": spec.help.split_whitespace().collect::<Vec<_>>().join(" "),
            "schema": option_schema(spec, &defaults, &templates, true),
        }));
    }
    let mut form = Map::new();
    form.insert(
        "markdown".into(),
        json!({"type": "string", "description": MARKDOWN}),
    );
    form.insert("download".into(), json!({"type": "string", "enum": ["1", "0", "true", "false", "yes", "no", "on", "off"], "description": DOWNLOAD}));
    form.insert(
        "filename".into(),
        json!({"type": "string", "maxLength": 255, "description": FILENAME}),
    );
    form.append(&mut option_fields);
    // A multipart form may also carry the article's images, and the article as a file.
    let mut multipart = form.clone();
    multipart.insert(
        crate::body::FILES_FIELD.into(),
        json!({"type": "array", "maxItems": crate::body::MAX_FILES,
            "items": {"type": "string", "format": "binary"},
            "description": "The article's images, one file part each: a relative image address in the markdown (`![](chart.png)`, `img/chart.png`, `./chart%20one.png`) names the file of that name, or of its last segment (clients send file names without folders). Absolute addresses are fetched as usual; a name no file has is a placeholder with a warning listing the files that came."}),
    );
    multipart.insert(
        "markdown".into(),
        json!({"type": "string", "description": format!("{MARKDOWN} A text field, or a file part (`curl -F markdown=@post.md`).")}),
    );

    let download_param = json!({"name": "download", "in": "query", "required": false, "description": DOWNLOAD,
        "schema": {"type": "string", "enum": ["1", "0", "true", "false", "yes", "no", "on", "off"]}});
    let report_param = json!({"name": "report", "in": "query", "required": false,
        "description": "`1`: answer with the render's quality report (JSON) instead of the PDF; the same as `Accept: application/json`.",
        "schema": {"type": "string", "enum": ["1", "0", "true", "false", "yes", "no", "on", "off"]}});
    let filename_param = json!({"name": "filename", "in": "query", "required": false, "description": FILENAME,
        "schema": {"type": "string", "maxLength": 255}});
    let url_param = json!({"name": "url", "in": "query", "required": true,
        "description": "The article's address: http(s), on an origin the operator allows (`--fetch-origin`). Relative image addresses in it are resolved against it.",
        "schema": {"type": "string", "format": "uri"}});
    let if_none_match = json!({"name": "If-None-Match", "in": "header", "required": false,
        "description": "An ETag from an earlier answer: 304 if the PDF would be the same.", "schema": {"type": "string"}});
    let request_id = json!({"name": "X-Request-Id", "in": "header", "required": false,
        "description": "The caller's request id, kept if it is 1 to 64 of `A-Z a-z 0-9 - _ . : @ / + =` (else Folio makes one).",
        "schema": {"type": "string", "maxLength": crate::MAX_REQUEST_ID, "pattern": "^[A-Za-z0-9_.:@/+=-]{1,64}$"}});

    let pdf_headers = json!({
        "Content-Disposition": {"description": "`inline` or `attachment`, with an ASCII `filename` and the full name as `filename*` (RFC 6266, RFC 8187).", "schema": {"type": "string"}},
        "Content-Length": {"schema": {"type": "integer"}},
        "ETag": {"description": "Changes with the input, the options and Folio's version.", "schema": {"type": "string"}},
        "Cache-Control": {"description": "`private, no-cache` for POST; for GET ?url=, `public, max-age=N` while the render is fresh (at most 300), `no-cache` when an image could not be read.", "schema": {"type": "string"}},
        "X-Folio-Pages": {"description": "Pages in the PDF.", "schema": {"type": "integer", "minimum": 1}},
        "X-Folio-Warnings": {"description": "How many warnings the render gave.", "schema": {"type": "integer", "minimum": 0}},
        "X-Folio-Quality": {"description": "The quality report in one line: `pages=N; hyphenated=P%; spacing-p95=Eem; last-page-fill=F; warnings=W` (the whole report with `?report=1` or `Accept: application/json`).", "schema": {"type": "string"}},
        "X-Folio-Warning": {"description": format!("One warning per header, at most {}: UTF-8 percent-encoded (printable ASCII but `%` as is; decode with decodeURIComponent), at most 1000 bytes before encoding.", crate::MAX_WARNING_HEADERS), "schema": {"type": "string"}},
        "X-Request-Id": {"$ref": "#/components/headers/X-Request-Id"}
    });
    let ok_pdf = json!({
        "description": "The PDF.",
        "headers": pdf_headers,
        "content": {
            "application/pdf": {"schema": {"type": "string", "contentMediaType": "application/pdf"}},
            "application/json": {"schema": {"$ref": "#/components/schemas/Quality"}}
        }
    });
    let not_modified = json!({"description": "Not modified: the If-None-Match ETag matches.",
        "headers": {"ETag": {"schema": {"type": "string"}}, "X-Request-Id": {"$ref": "#/components/headers/X-Request-Id"}}});
    let busy = json!({
        "description": "Every render worker is busy and the queue is full; retry after Retry-After seconds.",
        "headers": {"Retry-After": {"schema": {"type": "integer"}}, "X-Request-Id": {"$ref": "#/components/headers/X-Request-Id"}},
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    });
    let unauthorized = json!({
        "description": "A token file is configured and the request has no valid bearer token.",
        "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}, "X-Request-Id": {"$ref": "#/components/headers/X-Request-Id"}},
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    });
    let mut render_common = Map::new();
    for (status, value) in [
        ("200", ok_pdf.clone()),
        ("304", not_modified.clone()),
        ("400", problem("A bad option (`option` names it), bad front matter, text that is not UTF-8, a malformed form or JSON.")),
        ("401", unauthorized.clone()),
        ("422", problem("The document is over one of the operator's limits (the detail names it).")),
        ("500", problem("Folio's own fault; the detail gives the request id to find it in the log.")),
        ("503", busy.clone()),
        ("504", problem("The render did not finish before the deadline.")),
    ] {
        render_common.insert(status.into(), value);
    }
    let mut post_responses = render_common.clone();
    post_responses.insert(
        "408".into(),
        problem("The body did not arrive in time, or arrived too slowly."),
    );
    post_responses.insert("413".into(), problem("The body is over the size limit."));
    post_responses.insert(
        "415".into(),
        problem("Another media type, or text in a charset other than UTF-8."),
    );
    let mut get_responses = render_common.clone();
    get_responses.insert("403".into(), problem("Not allowed to fetch that address: scheme, origin (not listed with --fetch-origin) or a private address outside the trusted networks; or fetching is off."));
    get_responses.insert(
        "413".into(),
        problem("The article at the address is over the size limit."),
    );
    get_responses.insert(
        "502".into(),
        problem("The article's site failed, answered with an error, or redirected too often."),
    );

    let mut post_params = vec![
        report_param.clone(),
        download_param.clone(),
        filename_param.clone(),
        if_none_match.clone(),
        request_id.clone(),
    ];
    post_params.extend(query_options.iter().cloned());
    let mut get_params = vec![
        url_param,
        report_param,
        download_param,
        filename_param,
        if_none_match,
        request_id.clone(),
    ];
    get_params.extend(query_options.iter().cloned());

    let head_of = |op: &Value| -> Value {
        let mut head = op.clone();
        head["operationId"] = Value::from(format!(
            "{}Head",
            op["operationId"].as_str().unwrap_or("op")
        ));
        head["summary"] = Value::from(format!(
            "{} (headers only)",
            op["summary"].as_str().unwrap_or("")
        ));
        if let Some(responses) = head["responses"].as_object_mut() {
            for response in responses.values_mut() {
                if let Some(r) = response.as_object_mut() {
                    r.remove("content");
                }
            }
        }
        head
    };
    let simple = |id: &str,
                  summary: &str,
                  media: &str,
                  schema: Value,
                  extra: Vec<(&str, Value)>|
     -> Value {
        let mut responses = Map::new();
        responses.insert("200".into(), json!({"description": summary, "headers": {"X-Request-Id": {"$ref": "#/components/headers/X-Request-Id"}}, "content": {media: {"schema": schema}}}));
        for (status, value) in extra {
            responses.insert(status.into(), value);
        }
        json!({"operationId": id, "summary": summary, "parameters": [request_id.clone()], "responses": responses})
    };

    let post_render = json!({
        "operationId": "renderPost",
        "summary": "Render an article to PDF",
        "description": "The body is the markdown (`text/markdown`, options in the query string), a JSON request, or a form with a `markdown` field (`application/x-www-form-urlencoded` or `multipart/form-data`, options as fields; a multipart form may carry the article's images as `files`). Options given win over the front matter, which wins over the template.",
        "security": [{}, {"bearer": []}],
        "parameters": post_params,
        "requestBody": {"required": true, "content": {
            "text/markdown": {"schema": {"type": "string", "description": MARKDOWN}},
            "text/plain": {"schema": {"type": "string", "description": MARKDOWN}},
            "text/x-markdown": {"schema": {"type": "string", "description": MARKDOWN}},
            "application/json": {"schema": {"$ref": "#/components/schemas/JsonRenderRequest"}},
            "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/FormRenderRequest"}},
            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/MultipartRenderRequest"}}
        }},
        "responses": post_responses
    });
    let get_render = json!({
        "operationId": "renderUrl",
        "summary": "Render the article at a URL to PDF",
        "description": "Fetches the markdown at `url` (only from origins the operator allows) and answers like the POST, cacheable while the render is fresh (`public, max-age` up to 300 s), so that the Print/PDF button can be a plain link. Needs no token unless the operator says so (`public_url_renders = false`).",
        "security": [{}, {"bearer": []}],
        "parameters": get_params,
        "responses": get_responses
    });
    let templates_op = {
        let mut op = simple(
            "templates",
            "The page designs",
            "application/json",
            json!({"type": "array", "items": {"$ref": "#/components/schemas/Template"}}),
            vec![("401", unauthorized.clone())],
        );
        op["security"] = json!([{}, {"bearer": []}]);
        op
    };
    let preparing_op = simple("preparing", "The \"Preparing your PDF…\" page the button opens: with `?url=` (and options) it loads that PDF by its shareable address; without, it renders the markdown its opener sends (postMessage)", "text/html", json!({"type": "string"}), vec![]);
    let healthz_op = simple(
        "healthz",
        "The process answers",
        "text/plain",
        json!({"type": "string", "const": "ok\n"}),
        vec![],
    );
    let readyz_op = simple("readyz", "Ready: the queue has room and keeps moving; the body also says the queue depth, Redis's state (never a reason to be unready) and the version", "text/plain", json!({"type": "string"}), vec![("503", json!({"description": "Busy: the queue is full or its oldest job has waited past the deadline.", "headers": {"Retry-After": {"schema": {"type": "integer"}}, "X-Request-Id": {"$ref": "#/components/headers/X-Request-Id"}}, "content": {"text/plain": {"schema": {"type": "string"}}}}))]);
    let metrics_op = simple("metrics", "Prometheus metrics: requests, errors, render times, pages, bytes, caches, queue, build, Redis", "text/plain", json!({"type": "string"}), vec![]);
    let openapi_op = simple(
        "openapi",
        "This document",
        "application/json",
        json!({"type": "object"}),
        vec![],
    );
    let button_op = simple(
        "buttonJs",
        "The Print/PDF button's script",
        "text/javascript",
        json!({"type": "string"}),
        vec![],
    );
    let demo_op = simple(
        "demo",
        "A demo blog post with the button (the plain link a blog pastes, and the variant that renders markdown held in the page), and a playground form",
        "text/html",
        json!({"type": "string"}),
        vec![],
    );
    let demo_post_op = simple(
        "demoPost",
        "The demo post's markdown: `GET /v1/render?url=` of this address is answered without fetching anything, whatever the fetch policy",
        "text/markdown",
        json!({"type": "string"}),
        vec![],
    );
    let preflight = json!({
        "operationId": "renderPreflight",
        "summary": "CORS preflight (origins listed with --cors-origin get Access-Control-Allow-Origin)",
        "responses": {"204": {"description": "The methods and headers a page may use.", "headers": {
            "Access-Control-Allow-Methods": {"schema": {"type": "string"}},
            "Access-Control-Allow-Headers": {"schema": {"type": "string"}},
            "Access-Control-Max-Age": {"schema": {"type": "integer"}}
        }}}
    });

    let mut paths = Map::new();
    paths.insert("/v1/render".into(), json!({"get": get_render, "head": head_of(&get_render), "post": post_render, "options": preflight}));
    for (path, op) in [
        ("/v1/templates", templates_op),
        ("/v1/preparing", preparing_op),
        ("/healthz", healthz_op),
        ("/readyz", readyz_op),
        ("/metrics", metrics_op),
        ("/openapi.json", openapi_op),
        ("/button.js", button_op),
        ("/demo/post.md", demo_post_op),
        ("/", demo_op),
    ] {
        paths.insert(path.into(), json!({"get": op, "head": head_of(&op)}));
    }

    let mut json_request = Map::new();
    json_request.insert(
        "markdown".into(),
        json!({"type": "string", "description": MARKDOWN}),
    );
    json_request.insert(
        "options".into(),
        json!({"$ref": "#/components/schemas/RenderOptions"}),
    );
    json_request.insert(
        "download".into(),
        json!({"type": "boolean", "default": false, "description": DOWNLOAD}),
    );
    json_request.insert(
        "filename".into(),
        json!({"type": "string", "maxLength": 255, "description": FILENAME}),
    );

    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Folio",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Typesets markdown articles into book-quality PDFs. Every error is RFC 9457 problem+json; a known path asked with another method answers 405 with `Allow`; HEAD answers wherever GET does; every answer carries `X-Request-Id`.",
            "license": {"name": "See the repository", "identifier": "MIT OR Apache-2.0"}
        },
        "paths": paths,
        "components": {
            "schemas": {
                "RenderOptions": {
                    "type": "object",
                    "description": "Options of one render; every one is optional (front matter, then the template, then the default fill in). Defaults shown are the `article` template's.",
                    "properties": options,
                    "additionalProperties": false
                },
                "JsonRenderRequest": {"type": "object", "required": ["markdown"], "properties": json_request, "additionalProperties": false},
                "FormRenderRequest": {"type": "object", "required": ["markdown"], "properties": form, "additionalProperties": false},
                "MultipartRenderRequest": {"type": "object", "required": ["markdown"], "properties": multipart, "additionalProperties": false},
                "Template": {"type": "object", "required": ["name", "description", "page_size", "font_size", "columns"], "properties": {
                    "name": {"type": "string", "enum": templates},
                    "description": {"type": "string"},
                    "page_size": {"type": "string"},
                    "font_size": {"type": "number"},
                    "columns": {"type": "integer", "minimum": 1}
                }},
                "Quality": {"type": "object", "description": "How well the render is set, measured on its layout (schema `folio-quality/1`; README, Quality report).",
                    "required": ["schema", "pages", "last_page_fill", "lines", "spacing_em", "faults", "standard"],
                    "properties": {
                        "schema": {"type": "string", "const": "folio-quality/1"},
                        "pages": {"type": "array", "items": {"type": "object", "properties": {"fill": {"type": "number"}, "largest_hole": {"type": "number"}}}},
                        "last_page_fill": {"type": "number"},
                        "lines": {"type": "object", "description": "body, measured, justified_pct, hyphenated, hyphenated_pct, longest_hyphen_run, loose, tight, overfull, stretched"},
                        "spacing_em": {"type": "object", "properties": {"p50": {"type": "number"}, "p95": {"type": "number"}, "max": {"type": "number"}}},
                        "faults": {"type": "object", "description": "orphans, widows and stranded_headings (page numbers), notes_split, emergency_breaks"},
                        "missing_glyphs": {"type": "object", "additionalProperties": {"type": "string"}},
                        "images": {"type": "object", "properties": {"shown": {"type": "integer"}, "failed": {"type": "integer"}}},
                        "links": {"type": "integer"},
                        "fonts": {"type": "array", "items": {"type": "string"}},
                        "standard": {"type": "object", "properties": {"made_to": {"type": "string"}, "claimed": {"type": "boolean"}}},
                        "warnings": {"type": "integer"},
                        "timings_ms": {"type": "object", "properties": {"read": {"type": "number"}, "typeset": {"type": "number"}, "report": {"type": "number"}, "pdf": {"type": "number"}}}
                    }},
                "Problem": {"type": "object", "description": "RFC 9457 problem details.", "required": ["type", "title", "status", "detail"], "properties": {
                    "type": {"type": "string", "const": "about:blank"},
                    "title": {"type": "string"},
                    "status": {"type": "integer", "minimum": 400, "maximum": 599},
                    "detail": {"type": "string", "description": "One line saying what went wrong."},
                    "option": {"type": "string", "description": "The option at fault, for a bad option.", "enum": RenderOptions::SPECS.iter().map(|s| s.name).collect::<Vec<_>>()},
                    "line": {"type": "integer", "minimum": 1, "description": "For a problem in the article's front matter: the line of the article where it is."},
                    "column": {"type": "integer", "minimum": 1, "description": "And the column (in characters)."},
                    "key": {"type": "string", "description": "And the front-matter key it is about, as the article writes it."}
                }}
            },
            "headers": {
                "X-Request-Id": {"description": "The request's id in Folio's log: the caller's own if valid, else Folio's.", "schema": {"type": "string"}}
            },
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "Needed only when the operator configures a token file (`--token-file`)."}
            }
        }
    })
}
