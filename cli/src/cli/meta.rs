//! What the command says of itself: `--version` (with the tables' releases and the commit),
//! `completions SHELL` (clap_complete) and `man` (clap_mangen).

use clap::Args;
use clap_complete::Shell;
use iscsi_decode::decode::Origin;
use iscsi_decode::tables::iscsi_if::RELEASES;
use std::io::Write;
use std::process::ExitCode;
use std::sync::OnceLock;

/// Arguments of `completions`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  iscsi-decode completions bash > /etc/bash_completion.d/iscsi-decode
  iscsi-decode completions zsh > \"${fpath[1]}/_iscsi-decode\"
  iscsi-decode completions fish > ~/.config/fish/completions/iscsi-decode.fish")]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Arguments of `man`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  iscsi-decode man | man -l -
  iscsi-decode man decode > /usr/local/share/man/man1/iscsi-decode-decode.1")]
pub struct ManArgs {
    /// A subcommand (`decode`, `explain`, …): its page instead of the command's.
    pub subcommand: Option<String>,
}

/// The `--version` text: the package version, the commit it was built from, and the
/// releases the embedded tables were generated from.
pub fn version() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let first = RELEASES.all().next().map_or("?", |r| RELEASES.label(r));
        let last = RELEASES.latest().map_or("?", |r| RELEASES.label(r));
        let span = |o: Origin| {
            let t = o.tracked();
            match (t.first(), t.last()) {
                (Some(a), Some(b)) if a != b => format!("{a} … {b}"),
                (Some(a), _) => (*a).to_string(),
                _ => "none".to_string(),
            }
        };
        format!(
            "{} (commit {})\ncodes: kernel headers {first} … {last}\nmessages: kernel {}, open-iscsi {}",
            env!("CARGO_PKG_VERSION"),
            env!("ISCSI_DECODE_COMMIT"),
            span(Origin::Kernel),
            span(Origin::OpenIscsi),
        )
    })
}

/// Writes the completion script of `shell` for the command `cmd` to standard output.
pub fn completions(a: &CompletionsArgs, mut cmd: clap::Command) -> ExitCode {
    let mut out = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "iscsi-decode", &mut out);
    write_out(&out)
}

/// Writes the manual page of the command `cmd`, or of one subcommand, to standard output.
pub fn man(a: &ManArgs, cmd: clap::Command) -> ExitCode {
    let page = match &a.subcommand {
        None => cmd,
        Some(name) => match cmd.find_subcommand(name) {
            Some(sub) => sub
                .clone()
                .name(&*Box::leak(format!("iscsi-decode-{name}").into_boxed_str())),
            None => {
                let names: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
                eprintln!(
                    "iscsi-decode: no subcommand {name:?}; expected one of {}",
                    names.join(", ")
                );
                return ExitCode::from(2);
            }
        },
    };
    let mut out = Vec::new();
    if let Err(e) = clap_mangen::Man::new(page).render(&mut out) {
        eprintln!("iscsi-decode: cannot render the manual page: {e}");
        return ExitCode::from(2);
    }
    write_out(&out)
}

/// Writes `bytes` to standard output; a closed pipe (`| head`) is no error.
fn write_out(bytes: &[u8]) -> ExitCode {
    let mut o = std::io::stdout().lock();
    match o.write_all(bytes).and_then(|()| o.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("iscsi-decode: {e}");
            ExitCode::from(2)
        }
    }
}
