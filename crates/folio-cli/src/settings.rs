//! `folio serve`'s settings as command-line flags, made from their one declaration in the
//! service ([`ServerConfig::specs`]): each is `--flag VALUE` (a list's flag may be
//! repeated), read by the same parser as the TOML file and the `FOLIO_*` variables.

use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches};
use folio_server::ServerConfig;

/// The settings given as flags, by name, as text.
#[derive(Debug, Clone, Default)]
pub struct SettingArgs {
    pub given: Vec<(&'static str, String)>,
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

impl Args for SettingArgs {
    fn augment_args(mut cmd: Command) -> Command {
        for spec in ServerConfig::specs() {
            let help = format!(
                "{} [env: {}] [default: {}]",
                spec.help, spec.env, spec.default
            );
            let mut arg = Arg::new(spec.name)
                .long(leak(spec.flag.clone()))
                .value_name(spec.value_name)
                .help(help);
            if spec.list {
                arg = arg.action(ArgAction::Append);
            }
            cmd = cmd.arg(arg);
        }
        cmd
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

impl FromArgMatches for SettingArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut given = Vec::new();
        for spec in ServerConfig::specs() {
            if let Some(values) = matches.get_many::<String>(spec.name) {
                let values: Vec<&str> = values.map(String::as_str).collect();
                given.push((spec.name, values.join(",")));
            }
        }
        Ok(SettingArgs { given })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

/// The engine's limits as flags of `folio render` (`--max-pages N`...), made from their
/// one declaration ([`folio::Limits::SPECS`]).
#[derive(Debug, Clone, Default)]
pub struct LimitArgs {
    pub limits: folio::Limits,
}

impl Args for LimitArgs {
    fn augment_args(mut cmd: Command) -> Command {
        let defaults = folio::Limits::default();
        for spec in folio::Limits::SPECS {
            let help = format!(
                "{} [default: {}]",
                spec.help.split_whitespace().collect::<Vec<_>>().join(" "),
                defaults.get(spec.name).unwrap_or(0)
            );
            cmd = cmd.arg(
                Arg::new(spec.name)
                    .long(leak(spec.name.replace('_', "-")))
                    .value_name("N")
                    .help(help)
                    .help_heading("Limits"),
            );
        }
        cmd
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

impl FromArgMatches for LimitArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut limits = folio::Limits::default();
        for spec in folio::Limits::SPECS {
            if let Some(value) = matches.get_one::<String>(spec.name) {
                limits.set(spec.name, value).map_err(|e| {
                    clap::Error::raw(
                        clap::error::ErrorKind::ValueValidation,
                        format!("invalid value for --{}: {e}\n", spec.name.replace('_', "-")),
                    )
                })?;
            }
        }
        Ok(LimitArgs { limits })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}
