//! `folio man`: the manual pages `folio(1)`, `folio-render(1)`, `folio-serve(1)` and
//! `folio-templates(1)`, generated from the clap definitions (options, settings and their
//! help) and the engine's declarations (front-matter options, templates), with the
//! sections clap does not know of: front matter, diagnostics, environment, exit status.

use std::path::Path;

use clap::CommandFactory;
use clap_mangen::roff::{bold, italic, roman, Inline, Roff};
use clap_mangen::Man;

use crate::cli::{Cli, Page};

impl Page {
    pub const ALL: [Page; 4] = [Page::Folio, Page::Render, Page::Serve, Page::Templates];

    /// The page's name: `folio`, `folio-render`…
    pub fn name(self) -> &'static str {
        match self {
            Page::Folio => "folio",
            Page::Render => "folio-render",
            Page::Serve => "folio-serve",
            Page::Templates => "folio-templates",
        }
    }
}

/// Prints one page, or with `dir` writes every page there as `NAME.1` and lists them.
pub fn run(page: Page, dir: Option<&Path>) -> i32 {
    match dir {
        None => {
            let text = render(page);
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                Ok(()) => 0,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
                Err(e) => {
                    eprintln!(
                        "folio: writing the manual page: {}",
                        crate::failure::io_reason(&e)
                    );
                    1
                }
            }
        }
        Some(dir) => {
            if let Err(e) = std::fs::create_dir_all(dir) {
                eprintln!(
                    "folio: {}: {}",
                    dir.display(),
                    crate::failure::io_reason(&e)
                );
                return 1;
            }
            for page in Page::ALL {
                let path = dir.join(format!("{}.1", page.name()));
                if let Err(e) = std::fs::write(&path, render(page)) {
                    eprintln!(
                        "folio: {}: {}",
                        path.display(),
                        crate::failure::io_reason(&e)
                    );
                    return 1;
                }
                println!("{}", path.display());
            }
            0
        }
    }
}

/// The page as roff.
pub fn render(page: Page) -> String {
    let mut root = Cli::command();
    root.build(); // propagates the version to the subcommands
    let version = root.get_version().unwrap_or_default().to_string();
    let cmd = match page {
        Page::Folio => root.clone(),
        other => {
            let sub = other.name().trim_start_matches("folio-");
            root.find_subcommand(sub)
                .expect("every page but folio(1) is a subcommand")
                .clone()
                .name(other.name())
                .bin_name(format!("folio {sub}"))
        }
    };
    let man = Man::new(cmd.clone())
        .title(page.name())
        .section("1")
        .source(format!("folio {version}"))
        .manual("Folio manual");
    let mut out = Vec::new();
    let mut part = |f: &dyn Fn(&mut Vec<u8>) -> std::io::Result<()>| {
        f(&mut out).expect("writing roff to memory");
    };
    part(&|w| man.render_title(w));
    part(&|w| man.render_name_section(w));
    part(&|w| man.render_synopsis_section(w));
    part(&|w| man.render_description_section(w));
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        part(&|w| man.render_options_section(w));
    }
    let mut roff = Roff::new();
    match page {
        Page::Folio => folio_sections(&mut roff, &root),
        Page::Render => render_sections(&mut roff),
        Page::Serve => serve_sections(&mut roff),
        Page::Templates => templates_sections(&mut roff),
    }
    exit_status(&mut roff, page);
    see_also(&mut roff, page);
    let mut text = String::from_utf8(out).expect("roff is UTF-8");
    text.push_str(&roff.to_roff());
    text.push_str(&version_section(&version));
    ascii(&text)
}

/// Writes every character outside ASCII as a groff escape (`→` is `\[u2192]`), so the
/// page reads the same whatever encoding the formatter assumes.
fn ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", c as u32));
        }
    }
    out
}

fn section(roff: &mut Roff, title: &str) {
    roff.control("SH", [title]);
}

fn paragraph(roff: &mut Roff, inlines: impl Into<Vec<Inline>>) {
    roff.control("PP", []);
    roff.text(inlines);
}

/// A tagged paragraph: `tag` on its own line, `text` indented under it.
fn item(roff: &mut Roff, tag: impl Into<Vec<Inline>>, text: impl Into<Vec<Inline>>) {
    roff.control("TP", []);
    roff.text(tag);
    roff.text(text);
}

/// Help text is written for a terminal: one paragraph, spaces collapsed.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn folio_sections(roff: &mut Roff, root: &clap::Command) {
    section(roff, "COMMANDS");
    for sub in root.get_subcommands() {
        let name = sub.get_name();
        let about = sub
            .get_about()
            .map(|s| flat(&s.to_string()))
            .unwrap_or_default();
        let page = match name {
            "render" | "serve" | "templates" => format!(" See folio-{name}(1)."),
            _ => String::new(),
        };
        item(
            roff,
            [bold(format!("folio {name}"))],
            [roman(format!("{about}{page}"))],
        );
    }
    section(roff, "ENVIRONMENT");
    item(
        roff,
        [bold("FOLIO_FONT_DIRS")],
        [roman(
            "Folders of fonts to use besides the system's, comma-separated (render, fonts \
             and serve).",
        )],
    );
    item(
        roff,
        [bold("FOLIO_*")],
        [roman("Every setting of folio serve; see folio-serve(1).")],
    );
}

fn render_sections(roff: &mut Roff) {
    section(roff, "FRONT MATTER");
    paragraph(
        roff,
        [roman(
            "An article may start with a YAML block fenced by --- lines, or a TOML block \
             fenced by +++ lines. These keys describe the article (other keys belong to the \
             blog and are ignored):",
        )],
    );
    for key in folio::META_KEYS {
        item(roff, [bold(key.names.join(", "))], [roman(key.help)]);
    }
    paragraph(
        roff,
        [roman(
            "Every render option may be set there too, by the name below (the option's flag \
             without dashes and with underscores); the command line wins over the front \
             matter, which wins over the template:",
        )],
    );
    for spec in folio::RenderOptions::SPECS {
        let value = if spec.is_flag() {
            "true|false".to_string()
        } else if !spec.possible.is_empty() {
            spec.possible.join("|")
        } else {
            spec.value_name.to_string()
        };
        item(
            roff,
            [bold(spec.name), roman(": "), italic(value)],
            [roman(flat(spec.help))],
        );
    }

    section(roff, "WATCH");
    paragraph(
        roff,
        [roman(
            "With --watch, folio renders again whenever an article, an image it shows or \
             the template file (given by path) changes, and only what the change affects: \
             the article whose file or image changed, every article when the template \
             changed. The folders that hold them are watched, so saves that write a \
             temporary file and rename it over the article (vim, most IDEs), or delete it \
             and create it again, are seen. Each render prints one line, such as \
             \"rendered a.md \u{2192} a.pdf (3 pages, 41 ms)\"; an error that is gone prints \
             a line starting \"fixed:\".",
        )],
    );

    section(roff, "DIAGNOSTICS");
    paragraph(
        roff,
        [roman(
            "An error with a place in a file (front matter, an option set there, a key of a \
             template file) is printed as",
        )],
    );
    roff.control("RS", []);
    roff.text([
        italic("file"),
        roman(":"),
        italic("line"),
        roman(":"),
        italic("column"),
        roman(": error: "),
        italic("message"),
    ]);
    roff.control("RE", []);
    paragraph(
        roff,
        [roman(
            "which editors and CI systems recognise. With --diagnostic-format human (the \
             default when standard error is a terminal) the line of the file follows, with a \
             caret under the place; --diagnostic-format short prints the one line only. \
             Other errors are one line starting \"folio:\", warnings one line starting \
             \"folio: warning:\" (none with --quiet).",
        )],
    );

    section(roff, "ENVIRONMENT");
    item(
        roff,
        [bold("FOLIO_FONT_DIRS")],
        [roman(
            "More folders of fonts, comma-separated, after those of --font-dir.",
        )],
    );
}

fn serve_sections(roff: &mut Roff) {
    section(roff, "CONFIGURATION");
    paragraph(
        roff,
        [roman(
            "Each setting is a flag, an environment variable and a key of the TOML file \
             given with --config (the name below, with underscores). A flag wins over its \
             variable, which wins over the file, which wins over the default. List settings \
             take the flag several times, or a comma-separated variable, or a TOML array.",
        )],
    );
    section(roff, "ENVIRONMENT");
    for spec in folio_server::ServerConfig::specs() {
        item(
            roff,
            [bold(spec.env.clone())],
            [roman(format!(
                "{} Same as --{} and the file's {}. Default: {}.",
                flat(&spec.help),
                spec.flag,
                spec.name,
                spec.default
            ))],
        );
    }
    item(
        roff,
        [bold("FOLIO_FONT_DIRS")],
        [roman("More folders of fonts, comma-separated.")],
    );
}

fn templates_sections(roff: &mut Roff) {
    section(roff, "BUILT-IN TEMPLATES");
    for template in folio::Template::built_in() {
        item(
            roff,
            [bold(template.name.clone())],
            [roman(flat(&template.description))],
        );
    }
    section(roff, "TEMPLATE FILES");
    paragraph(
        roff,
        [roman(
            "folio render --template FILE.toml uses a design of one's own: a TOML file with \
             a name, a description, defaults for any render option (see folio-render(1)) \
             and the design's keys. With extends = \"article\" (or another built-in \
             template) it sets only what it changes and takes the rest from that design, \
             its [fonts] table key by key. An unknown key is an error naming its file, line \
             and column. The built-in article template, as a starting point:",
        )],
    );
    roff.control("PP", []);
    roff.control("RS", ["4"]);
    roff.control("nf", []);
    for line in include_str!("../../../templates/article.toml").lines() {
        roff.text([roman(line)]);
    }
    roff.control("fi", []);
    roff.control("RE", []);
}

fn exit_status(roff: &mut Roff, page: Page) {
    section(roff, "EXIT STATUS");
    let (ok, one) = match page {
        Page::Serve => (
            "The service stopped after SIGINT or SIGTERM.",
            "The service could not start (the address is in use, say).",
        ),
        Page::Templates => ("The templates were listed.", ""),
        _ => (
            "Everything asked for was done.",
            "A file could not be rendered (missing, unreadable, bad front matter, a template \
             file that is not one), or an output could not be written.",
        ),
    };
    item(roff, [bold("0")], [roman(ok)]);
    if !one.is_empty() {
        item(roff, [bold("1")], [roman(one)]);
    }
    item(
        roff,
        [bold("2")],
        [roman(match page {
            Page::Serve => "A wrong command line or configuration: a flag, a FOLIO_* variable or the --config file.",
            _ => "A wrong command line: an unknown flag, a bad option value, an unknown template or a missing template file (reported once, before anything is rendered).",
        })],
    );
}

fn see_also(roff: &mut Roff, page: Page) {
    section(roff, "SEE ALSO");
    let others: Vec<String> = Page::ALL
        .iter()
        .filter(|p| **p != page)
        .map(|p| format!("{}(1)", p.name()))
        .collect();
    roff.text([roman(others.join(", "))]);
}

fn version_section(version: &str) -> String {
    let mut roff = Roff::new();
    section(&mut roff, "VERSION");
    roff.text([roman(format!("v{version}"))]);
    roff.to_roff()
}
