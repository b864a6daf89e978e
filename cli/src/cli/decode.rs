//! `iscsi-decode decode`: read logs, print what happened to which session.

use super::kernel_check::KernelCheck;
use clap::{Args, ValueEnum};
use iscsi_decode::decode::Format;
use iscsi_decode::decode::open_text;
use iscsi_decode::decode::{self, Options, Sink};
use iscsi_decode::report::{ColorChoice, HumanSink, JsonSink, Style};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Detect the format of each line.
    Auto,
    /// RFC 3164 syslog (/var/log/messages, /var/log/syslog).
    Syslog,
    /// RFC 5424 syslog.
    Rfc5424,
    /// journalctl text output (default, short-iso, short-precise).
    Journal,
    /// journalctl -o json.
    JournalJson,
    /// dmesg with [uptime].
    Dmesg,
    /// dmesg -T.
    DmesgT,
    /// Bare messages (kernel: ..., iscsid: ...).
    Bare,
}

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Colour on a terminal unless NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Arguments of `decode`.
#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// Log files to read (`-` for standard input; gzip is detected). Default: standard input.
    pub files: Vec<String>,
    /// Print NDJSON: one object per recognised line, per incident, and a summary.
    #[arg(long)]
    pub json: bool,
    /// The input format (default: detected per line).
    #[arg(long, value_enum, default_value = "auto")]
    pub format: FormatArg,
    /// Add one line per recognised log line to the report.
    #[arg(long, short)]
    pub verbose: bool,
    /// Also print the lines that were not recognised.
    #[arg(long)]
    pub passthrough: bool,
    /// Decode inputs that look binary (a NUL byte in their first 8000 bytes) instead of
    /// refusing them.
    #[arg(long, short = 'a')]
    pub text: bool,
    /// Colour the report.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorArg,
    /// The kernel release the logs come from (`2.6.18`, `3.10.0-1160.el7.x86_64`): after
    /// the report, list on stderr the decoded codes that release does not have.
    #[arg(long, value_name = "RELEASE")]
    pub kernel: Option<String>,
}

fn format_of(f: FormatArg) -> Option<Format> {
    match f {
        FormatArg::Auto => None,
        FormatArg::Syslog => Some(Format::Syslog),
        FormatArg::Rfc5424 => Some(Format::Rfc5424),
        FormatArg::Journal => Some(Format::Journal),
        FormatArg::JournalJson => Some(Format::JournalJson),
        FormatArg::Dmesg => Some(Format::Dmesg),
        FormatArg::DmesgT => Some(Format::DmesgT),
        FormatArg::Bare => Some(Format::Bare),
    }
}

/// Runs `decode`. Exit status: 0 when done, 2 when an input could not be read.
pub fn run(args: DecodeArgs) -> ExitCode {
    let files = if args.files.is_empty() {
        vec!["-".to_string()]
    } else {
        args.files.clone()
    };
    // When no input can be opened there is nothing to report: say why and stop.
    let unreadable: Vec<String> = files
        .iter()
        .filter(|f| *f != "-")
        .filter_map(|f| open_text(f, args.text).err().map(|e| e.to_string()))
        .collect();
    if unreadable.len() == files.len() {
        for e in &unreadable {
            eprintln!("iscsi-decode: {e}");
        }
        return ExitCode::from(2);
    }
    if files.iter().any(|f| f == "-") && io::stdin().is_terminal() {
        eprintln!(
            "iscsi-decode: reading the log from the terminal: paste its lines, then press \
             Ctrl-D (or name a file: iscsi-decode decode /var/log/syslog)"
        );
    }
    let opts = Options {
        format: format_of(args.format),
        passthrough: args.passthrough,
        threads: 0,
        text: args.text,
    };
    let stdout = io::stdout();
    let color = match args.color {
        ColorArg::Auto => ColorChoice::Auto,
        ColorArg::Always => ColorChoice::Always,
        ColorArg::Never => ColorChoice::Never,
    };
    let no_color = std::env::var("NO_COLOR").ok();
    let style = Style {
        color: color.enabled(stdout.is_terminal(), no_color.as_deref()),
    };
    let out = BufWriter::with_capacity(256 * 1024, stdout.lock());
    let mut sink: Box<dyn Sink> = if args.json {
        Box::new(JsonSink::new(out, files.len() > 1))
    } else {
        // On a terminal, the report wraps at its width (as explain wraps its text).
        let width = stdout
            .is_terminal()
            .then(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
            .flatten();
        Box::new(
            HumanSink::new(out, style, args.verbose)
                .several_inputs(files.len() > 1)
                .width(width),
        )
    };
    let mut checked;
    let target: &mut dyn Sink = match &args.kernel {
        Some(k) => match KernelCheck::new(sink.as_mut(), k, &files) {
            Ok(c) => {
                checked = c;
                &mut checked
            }
            Err(msg) => {
                eprintln!("iscsi-decode: {msg}");
                return ExitCode::from(2);
            }
        },
        None => sink.as_mut(),
    };
    let mut failed = false;
    let result = decode::run_files(&files, &opts, target, &mut |e| {
        failed = true;
        eprintln!("iscsi-decode: {e}");
    });
    match result {
        Ok(summary) => {
            for i in &summary.inputs {
                if let Some(e) = &i.error {
                    eprintln!("iscsi-decode: {}: {}", i.name, e.io());
                    failed = true;
                }
            }
        }
        Err(e) if e.is_broken_pipe() => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("iscsi-decode: {e}");
            return ExitCode::from(2);
        }
    }
    let _ = io::stderr().flush();
    if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}
