//! The render options as command-line flags, made from their one declaration in the
//! engine ([`RenderOptions::SPECS`]): `page_size` is `--page-size VALUE`, a yes/no option
//! is a pair of flags (`--justify` / `--no-justify`), and values are read by the same
//! parser as in front matter and the HTTP API.

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches};
use folio::options::OptionSpec;
use folio::RenderOptions;

/// The render options given on the command line.
#[derive(Debug, Clone, Default)]
pub struct OptionArgs {
    pub options: RenderOptions,
}

/// `page_size` → `page-size`, kept for the life of the program (clap wants `'static`
/// names; the table is small and built once).
fn flag_name(name: &str) -> &'static str {
    Box::leak(name.replace('_', "-").into_boxed_str())
}

fn negative_id(spec: &OptionSpec) -> &'static str {
    Box::leak(format!("no_{}", spec.name).into_boxed_str())
}

/// What the command line adds to an option's help: how many lengths `--margins` takes,
/// and the built-in templates (`--template` also takes a file, so they are not a closed
/// list of possible values).
fn extra_help(name: &str) -> Option<String> {
    match name {
        "margins" => Some("[1, 2, 3 or 4 lengths]".to_string()),
        "template" => {
            let names = folio::Template::built_in_names().join(", ");
            Some(format!("[built in: {names}; or FILE.toml]"))
        }
        _ => None,
    }
}

/// The first sentence of an option's description, for `-h`.
fn summary(help: &str) -> String {
    let text = help.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.find(". ") {
        Some(end) => text[..=end].to_string(),
        None => text,
    }
}

/// Reads a value with the engine's own parser, so the command line accepts exactly what
/// front matter and the API accept, and says the same when a value is wrong.
#[derive(Clone)]
struct OptionValueParser(&'static OptionSpec);

impl TypedValueParser for OptionValueParser {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &Command,
        arg: Option<&Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        let text = value.to_string_lossy().into_owned();
        let mut probe = RenderOptions::default();
        match probe.set(self.0.name, &text) {
            Ok(()) => Ok(text),
            Err(folio::Error::InvalidOption { message, .. }) => {
                let flag = arg
                    .and_then(|a| a.get_long())
                    .map_or_else(String::new, |long| format!(" for --{long}"));
                let mut error = clap::Error::raw(
                    clap::error::ErrorKind::ValueValidation,
                    format!("invalid value{flag}: {}\n", message),
                );
                error = error.with_cmd(cmd);
                Err(error)
            }
            Err(other) => Err(clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("{other}\n"),
            )),
        }
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        if self.0.possible.is_empty() {
            return None;
        }
        Some(Box::new(self.0.possible.iter().map(PossibleValue::new)))
    }
}

impl Args for OptionArgs {
    fn augment_args(mut cmd: Command) -> Command {
        for spec in RenderOptions::SPECS {
            let long = flag_name(spec.name);
            let help = spec.help.split_whitespace().collect::<Vec<_>>().join(" ");
            if spec.is_flag() {
                let no = negative_id(spec);
                let mut negative = Arg::new(no)
                    .long(flag_name(no))
                    .action(ArgAction::SetTrue)
                    .help(format!("The opposite of --{long}."))
                    .overrides_with(spec.name);
                if let Some(alias) = spec.negative_alias {
                    negative = negative.alias(alias);
                }
                cmd = cmd
                    .arg(
                        Arg::new(spec.name)
                            .long(long)
                            .action(ArgAction::SetTrue)
                            .help(summary(spec.help))
                            .long_help(help)
                            .overrides_with(no),
                    )
                    .arg(negative);
            } else {
                let (mut short, mut long_help) = (summary(spec.help), help);
                if let Some(extra) = extra_help(spec.name) {
                    short = format!("{short} {extra}");
                    long_help = format!("{long_help} {extra}");
                }
                cmd = cmd.arg(
                    Arg::new(spec.name)
                        .long(long)
                        .value_name(spec.value_name)
                        .help(short)
                        .long_help(long_help)
                        .value_parser(OptionValueParser(spec)),
                );
            }
        }
        cmd
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

impl FromArgMatches for OptionArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut options = RenderOptions::default();
        for spec in RenderOptions::SPECS {
            let value = if spec.is_flag() {
                if matches.get_flag(negative_id(spec)) {
                    Some("false".to_string())
                } else if matches.get_flag(spec.name) {
                    Some("true".to_string())
                } else {
                    None
                }
            } else {
                matches.get_one::<String>(spec.name).cloned()
            };
            if let Some(value) = value {
                options.set(spec.name, &value).map_err(|e| {
                    clap::Error::raw(clap::error::ErrorKind::ValueValidation, format!("{e}\n"))
                })?;
            }
        }
        Ok(OptionArgs { options })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}
