//! `iscsi-decode decode`: read logs, print what happened to which session.

use super::filter::{self, Filter, FilterArgs, FilterSink};
use super::kernel_check::KernelCheck;
use super::live;
use super::wording_check::WordingCheck;
use clap::{Args, ValueEnum};
use iscsi_decode::decode::Format;
use iscsi_decode::decode::open_text;
use iscsi_decode::decode::place::Placing;
use iscsi_decode::decode::{self, Options, OriginRelease, Sink, Zone};
use iscsi_decode::report::{HumanSink, JsonSink, Style};
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

/// `--color` (every subcommand takes it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Colour a terminal unless NO_COLOR is set, CLICOLOR=0 or TERM=dumb; any output with
    /// CLICOLOR_FORCE.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Arguments of `decode`.
#[derive(Debug, Args)]
#[command(after_help = "Exit status:
  0  done: no reported incident matched --fail-on (or no --fail-on)
  1  a reported incident (after the filters) matched --fail-on
  2  an error: an input that cannot be read (missing, a directory, binary without -a),
     a bad argument, a metrics file that cannot be written; 2 wins over 1

Examples:
  iscsi-decode decode /var/log/syslog               what happened to which session
  iscsi-decode decode -v /var/log/messages*.gz       with one line per recognised log line
  iscsi-decode decode --since 2h --host db01 --outcome unresolved /var/log/messages
  journalctl -k -o short-iso --since today | iscsi-decode decode --summary -
  journalctl -o json | iscsi-decode decode --json    NDJSON events, incidents, a summary
  iscsi-decode decode -q --fail-on unresolved /var/log/syslog || echo 'sessions down'
  iscsi-decode decode -q --metrics-file /var/lib/node_exporter/iscsi.prom /var/log/syslog
  dmesg -T | iscsi-decode decode --kernel \"$(uname -r)\"
  iscsi-decode decode --open-iscsi 2.1.4 sosreport/var/log/messages
                                                    and the wordings that release cannot print")]
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
    /// The kernel release the logs come from (`2.6.18`, `6.1.0-18-amd64`): after the
    /// report, list on stderr the decoded codes that release does not have, and the
    /// wordings of kernel lines it cannot print.
    #[arg(long, value_name = "RELEASE")]
    pub kernel: Option<String>,
    /// The open-iscsi release the logs come from (`2.1.4`, `2.1.4-1ubuntu1`,
    /// `2.1.11-14-gbc23614`): after the report, list on stderr the wordings of iscsid,
    /// iscsiadm, iscsistart and iscsiuio lines it cannot print.
    #[arg(long, value_name = "RELEASE")]
    pub open_iscsi: Option<String>,
    /// Read times printed without a UTC offset (syslog, `dmesg -T`, journalctl's default)
    /// in ZONE: an IANA name (Europe/Berlin), UTC, local, or an offset (+02:00). Default:
    /// this machine's zone (TZ, else /etc/localtime), as date and journalctl do.
    #[arg(
        long,
        value_name = "ZONE",
        allow_hyphen_values = true,
        help_heading = "Times"
    )]
    pub timezone: Option<String>,
    /// Place dmesg uptimes (`[ 1234.5]`) after this boot time, as `uptime -s` prints it on
    /// the logging host (read in --timezone), or RFC 3339. Default: a file's modification
    /// time less its last uptime; on a pipe, this machine's boot time.
    #[arg(long, value_name = "TIME", help_heading = "Times")]
    pub boot_time: Option<String>,
    /// Filters and modes (filter.rs).
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Follow the named files as `tail -F` does (through rotation and truncation), from
    /// their end unless --from-start; stop with Ctrl-C or SIGTERM, which print the summary.
    #[arg(long, short = 'f', help_heading = "Live input")]
    pub follow: bool,
    /// With --follow, read the files from their start.
    #[arg(long, requires = "follow", help_heading = "Live input")]
    pub from_start: bool,
    /// On live input (a pipe, a terminal, --follow): write the incidents still open after
    /// this long without input (`30s`, `500ms`, `2m`), marked open.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = live::parse_duration, help_heading = "Live input")]
    pub idle: std::time::Duration,
}

/// The releases whose wordings `--kernel` and `--open-iscsi` check; `Err` with a message
/// when one names no release.
fn releases(args: &DecodeArgs) -> Result<Vec<OriginRelease>, String> {
    let mut out = Vec::new();
    if let Some(k) = &args.kernel {
        // A version older than every tracked wording is still checked (each is unknown);
        // what is no version at all, KernelCheck reports as before.
        if let Ok(r) = OriginRelease::kernel(k) {
            out.push(r);
        }
    }
    if let Some(o) = &args.open_iscsi {
        out.push(OriginRelease::open_iscsi(o).map_err(|e| format!("--open-iscsi: {e}"))?);
    }
    Ok(out)
}

/// Whether the input shown as `name` (`<stdin>` for standard input) is read live.
fn is_live_name(name: &str) -> bool {
    decode::is_live(if name == "<stdin>" { "-" } else { name })
}

/// How the inputs' times are placed (`--timezone`, `--boot-time`); `Err` with a message for
/// a bad value. An unknown local zone is warned of, and UTC used.
fn placing(args: &DecodeArgs) -> Result<Placing, String> {
    let zone = match &args.timezone {
        Some(z) => Zone::named(z).map_err(|e| format!("--timezone: {e}"))?,
        None => Zone::system().unwrap_or_else(|e| {
            eprintln!("iscsi-decode: {e}");
            Zone::utc()
        }),
    };
    let boot = args
        .boot_time
        .as_deref()
        .map(|t| super::window::parse_time(t, filter::now(), &zone))
        .transpose()
        .map_err(|e| format!("--boot-time: {e}"))?;
    Ok(Placing {
        year: None,
        boot,
        this_machine: true,
        zone,
    })
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
pub fn run(args: DecodeArgs, color: ColorArg) -> ExitCode {
    let releases = match releases(&args) {
        Ok(r) => r,
        Err(msg) => {
            eprintln!("iscsi-decode: {msg}");
            return ExitCode::from(2);
        }
    };
    let files = if args.files.is_empty() {
        vec!["-".to_string()]
    } else {
        args.files.clone()
    };
    let placing = match placing(&args) {
        Ok(p) => p,
        Err(msg) => {
            eprintln!("iscsi-decode: {msg}");
            return ExitCode::from(2);
        }
    };
    let filter = match Filter::new(&args.filters, &files, &placing) {
        Ok(f) => f,
        Err(msg) => {
            eprintln!("iscsi-decode: {msg}");
            return ExitCode::from(2);
        }
    };
    // When no input can be opened there is nothing to report: say why and stop. (A
    // followed file that does not exist yet is waited for.)
    let unreadable: Vec<String> = files
        .iter()
        .filter(|f| *f != "-")
        .filter_map(|f| open_text(f, args.text).err().map(|e| e.to_string()))
        .collect();
    if unreadable.len() == files.len() && !args.follow {
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
    let style = Style {
        color: colored(color, &stdout),
    };
    let out = BufWriter::with_capacity(256 * 1024, stdout.lock());
    let mut sink: Box<dyn Sink> = if args.json {
        Box::new(
            JsonSink::new(out, files.len() > 1)
                .placing(placing)
                .check_releases(releases.clone()),
        )
    } else {
        // On a terminal, the report wraps at its width (as explain wraps its text).
        let width = stdout
            .is_terminal()
            .then(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
            .flatten();
        Box::new(
            HumanSink::new(out, style, args.verbose)
                .several_inputs(files.len() > 1)
                .width(width)
                .summary_only(args.filters.summary),
        )
    };
    let mut worded;
    let mut checked;
    let mut filtered = FilterSink::new(sink.as_mut(), filter, &args.filters, &files);
    let mut target: &mut dyn Sink = &mut filtered;
    if !releases.is_empty() {
        worded = WordingCheck::new(target, releases, &files);
        target = &mut worded;
    }
    if let Some(k) = &args.kernel {
        match KernelCheck::new(target, k, &files) {
            Ok(c) => {
                checked = c;
                target = &mut checked;
            }
            Err(msg) => {
                eprintln!("iscsi-decode: {msg}");
                return ExitCode::from(2);
            }
        }
    }
    let mut failed = false;
    let live = live::options(args.follow, args.from_start, args.idle, &files);
    let result = decode::run_live(&files, &opts, &live, target, &mut |e| {
        failed = true;
        eprintln!("iscsi-decode: {e}");
    });
    let summary = match result {
        Ok(summary) => {
            for i in &summary.inputs {
                if let Some(e) = &i.error {
                    eprintln!("iscsi-decode: {}: {}", i.name, e.io());
                    failed = true;
                }
                // Stopped by SIGINT or SIGTERM: not a failure, but the report of a file is
                // partial. (A live input, followed or piped, ends that way as a rule.)
                if i.interrupted && !args.follow && !is_live_name(&i.name) {
                    eprintln!(
                        "iscsi-decode: {}: interrupted after {} line{}; the report covers \
                         what was read",
                        i.name,
                        i.lines,
                        if i.lines == 1 { "" } else { "s" }
                    );
                }
            }
            summary
        }
        Err(e) if e.is_broken_pipe() => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("iscsi-decode: {e}");
            return ExitCode::from(2);
        }
    };
    failed |= !filter::finish(&mut filtered, &args.filters, &summary);
    let _ = io::stderr().flush();
    if failed {
        ExitCode::from(2)
    } else if filtered.matched {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Whether to colour `stdout`: `--color auto` as anstream decides it (NO_COLOR, CLICOLOR,
/// CLICOLOR_FORCE, TERM=dumb, a terminal or not).
pub fn colored(color: ColorArg, stdout: &io::Stdout) -> bool {
    match color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => anstream::AutoStream::choice(stdout) != anstream::ColorChoice::Never,
    }
}
