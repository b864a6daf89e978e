//! The `iscsi-codegen` command line: parses the options, finds the workspace, picks
//! the header sources, and hands over to the library. Every failure is printed as
//! `iscsi-codegen: FILE:LINE:COL: message` with exit status 1; nothing here panics on
//! input.

mod check;
mod dump;
mod history;

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};
use iscsi_codegen::families::Spec;
use iscsi_codegen::source::{self, Fetched, HeaderSet, Manifest};
use iscsi_codegen::{Error, Result};
use iscsi_codegen::{pipeline, store};

/// The command that rewrites `generated/` from the tracked headers.
pub const GENERATE_COMMAND: &str = "cargo run -p iscsi-codegen -- generate";

/// Reads the kernel's iSCSI headers and generates the iscsi-decode tables.
#[derive(Debug, Parser)]
#[command(name = "iscsi-codegen", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    global: Global,
}

/// Options every subcommand takes. Defaults are relative to the workspace root (the
/// nearest directory above the current one with `headers/manifest.toml`); paths given
/// on the command line are relative to the current directory.
#[derive(Debug, Args)]
struct Global {
    /// Use this one header instead of the tracked sources (a sibling iscsi_proto.h is
    /// used for its #include).
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        conflicts_with = "kernel_tree"
    )]
    header: Option<PathBuf>,
    /// Use the headers of this kernel source tree (DIR/include/scsi/*.h) instead of the
    /// tracked sources.
    #[arg(long, global = true, value_name = "DIR")]
    kernel_tree: Option<PathBuf>,
    /// The manifest of tracked sources [default: headers/manifest.toml].
    #[arg(long, global = true, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// The family spec [default: headers/families.toml].
    #[arg(long, global = true, value_name = "FILE")]
    spec: Option<PathBuf>,
    /// The output directory of `generate` and `check` [default: generated].
    #[arg(long, global = true, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Where fetched headers are kept [default: headers/cache].
    #[arg(long, global = true, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// The committed extracted data [default: headers/extracted].
    #[arg(long, global = true, value_name = "DIR")]
    extracted: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Download the tracked headers into the cache and verify their sha256
    /// (skipped for a source whose cache is present and verified).
    Fetch {
        /// Download even when the cache is present and verified.
        #[arg(long)]
        force: bool,
    },
    /// Regenerate the tables into the output directory from the committed extracted
    /// data (or from --header / --kernel-tree).
    Generate,
    /// Regenerate in memory from the committed extracted data and fail with a diff
    /// when the output directory differs. Offline.
    Check {
        /// Also re-extract the tracked Debian headers (fetching them when the cache
        /// is missing) and fail when the committed extracted data differs.
        #[arg(long)]
        reextract: bool,
    },
    /// Extract the tracked sources (or --header / --kernel-tree) into the extracted
    /// data directory, one JSON file per source, plus the docs of the newest.
    Extract,
    /// Extract every version of the headers in a git repository's history.
    History {
        /// The repository (a work tree or a bare git directory).
        #[arg(long, value_name = "DIR")]
        git: PathBuf,
        /// The path of iscsi_if.h in it; iscsi_proto.h is read beside it.
        #[arg(long, value_name = "PATH", default_value = "include/scsi/iscsi_if.h")]
        path: String,
        /// Every commit in this range (`git log A..B`) that changed the headers.
        #[arg(long, value_name = "A..B", conflicts_with = "tags")]
        revs: Option<String>,
        /// Every tag matching this glob (`v2.6.*`), as kernel releases.
        #[arg(long, value_name = "GLOB", conflicts_with = "at")]
        tags: Option<String>,
        /// These revisions of a kernel tree (repeatable; `HEAD` of a release
        /// snapshot), each labelled by the release its Makefile names.
        #[arg(long, value_name = "REV", conflicts_with = "revs")]
        at: Vec<String>,
        /// Keep -rc tags.
        #[arg(long)]
        include_rc: bool,
        /// The label prefix of revisions (labels are PREFIX + commit date).
        #[arg(long, value_name = "PREFIX", default_value = "oi-")]
        label_prefix: String,
        /// The repository's name, recorded as the origin [default: the directory].
        #[arg(long, value_name = "NAME")]
        repository: Option<String>,
        /// Extract and report, but write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Compare two versions: labels of the extracted data (`v2.6.18`, `6.1`,
    /// `oi-2013-05-28`) or header files. Headers are paired by file name, else by the
    /// constant names they share (`old/iscsi_if-2.6.27.h` meets `iscsi_if.h`).
    Diff {
        /// The older side.
        a: String,
        /// The newer side.
        b: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the model of one header, families assigned.
    Dump {
        /// Print JSON (the model's serde form) instead of a listing.
        #[arg(long)]
        json: bool,
        /// The tracked source to read [default: the manifest's last].
        #[arg(long, value_name = "LABEL", conflicts_with_all = ["header", "kernel_tree"])]
        label: Option<String>,
        /// The header of a tracked source or kernel tree to read.
        #[arg(long, value_name = "NAME", default_value = "iscsi_if.h")]
        file: String,
    },
}

/// Resolved paths, defaults filled in.
struct Paths {
    extracted: PathBuf,
    manifest: PathBuf,
    spec: PathBuf,
    out: PathBuf,
    cache: PathBuf,
}

/// Runs the command line and returns the process exit status.
pub fn run() -> i32 {
    let cli = Cli::parse();
    match execute(&cli) {
        Ok(code) => code,
        Err(e) => {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "iscsi-codegen: {e}");
            1
        }
    }
}

fn execute(cli: &Cli) -> Result<i32> {
    let paths = resolve_paths(&cli.global)?;
    match &cli.command {
        Command::Fetch { force } => fetch(cli, &paths, *force),
        Command::Generate => generate(cli, &paths),
        Command::Check { reextract } => check::run(cli, &paths, *reextract),
        Command::Extract => history::extract(cli, &paths),
        Command::History { .. } => history::history(&cli.command, &paths),
        Command::Diff { a, b, json } => history::diff(cli, &paths, a, b, *json),
        Command::Dump { json, label, file } => {
            dump::run(cli, &paths, *json, label.as_deref(), file)
        }
    }
}

fn fetch(cli: &Cli, paths: &Paths, force: bool) -> Result<i32> {
    if cli.global.header.is_some() || cli.global.kernel_tree.is_some() {
        return Err(Error::msg(
            "fetch downloads the tracked sources of the manifest; --header and --kernel-tree \
             are read in place and need no fetching",
        ));
    }
    let manifest = Manifest::load(&paths.manifest)?;
    let mut err = std::io::stderr().lock();
    let sets = source::ensure(&manifest, &paths.cache, force, &mut err)?;
    for (set, how) in &sets {
        let dir = paths.cache.join(&set.label);
        let what = match how {
            Fetched::Cached => "cached, verified".to_string(),
            Fetched::Downloaded(p) => format!("downloaded {} {}, verified", p.name, p.version),
        };
        let _ = writeln!(err, "{}: {what} ({})", set.label, dir.display());
    }
    Ok(0)
}

/// What `generate` and `check` produce: from --header / --kernel-tree when given,
/// else from the committed extracted data.
fn generated_files(cli: &Cli, paths: &Paths) -> Result<Vec<pipeline::GeneratedFile>> {
    let spec = Spec::load(&paths.spec)?;
    if cli.global.header.is_some() || cli.global.kernel_tree.is_some() {
        let sets = header_sets(cli, paths)?;
        let mut notes = Vec::new();
        let files = pipeline::generate_noted(&sets, &spec, &mut notes);
        print_notes(&notes);
        return files;
    }
    let extracted = store::load_dir(&paths.extracted)?;
    let docs = store::load_docs(&paths.extracted)?;
    pipeline::generate_from_store(&extracted, &docs, &spec)
}

fn generate(cli: &Cli, paths: &Paths) -> Result<i32> {
    let files = generated_files(cli, paths)?;
    std::fs::create_dir_all(&paths.out).map_err(|e| {
        Error::msg(format!("cannot create the output directory: {e}")).in_file(&paths.out)
    })?;
    let mut err = std::io::stderr().lock();
    for f in &files {
        let target = paths.out.join(&f.path);
        let unchanged = std::fs::read_to_string(&target).is_ok_and(|old| old == f.contents);
        if unchanged {
            let _ = writeln!(err, "unchanged {}", target.display());
        } else {
            std::fs::write(&target, &f.contents)
                .map_err(|e| Error::msg(format!("cannot write: {e}")).in_file(&target))?;
            let _ = writeln!(err, "wrote {}", target.display());
        }
    }
    Ok(0)
}

/// The header sets the global options select: `--header`, `--kernel-tree`, or every
/// tracked source (fetched when its cache is missing or stale).
fn header_sets(cli: &Cli, paths: &Paths) -> Result<Vec<HeaderSet>> {
    if let Some(h) = &cli.global.header {
        return Ok(vec![HeaderSet::from_header(h)?]);
    }
    let manifest = Manifest::load(&paths.manifest)?;
    if let Some(dir) = &cli.global.kernel_tree {
        return Ok(vec![HeaderSet::from_kernel_tree(dir, &manifest)?]);
    }
    let mut err = std::io::stderr().lock();
    let sets = source::ensure(&manifest, &paths.cache, false, &mut err)?;
    Ok(sets.into_iter().map(|(s, _)| s).collect())
}

fn resolve_paths(g: &Global) -> Result<Paths> {
    let cwd = std::env::current_dir()
        .map_err(|e| Error::msg(format!("cannot read the current directory: {e}")))?;
    let root = workspace_root(&cwd);
    let default = |rel: &str| {
        let p = root.join(rel);
        p.strip_prefix(&cwd).map(Path::to_path_buf).unwrap_or(p)
    };
    let or_default =
        |given: &Option<PathBuf>, rel: &str| given.clone().unwrap_or_else(|| default(rel));
    Ok(Paths {
        manifest: or_default(&g.manifest, "headers/manifest.toml"),
        spec: or_default(&g.spec, "headers/families.toml"),
        out: or_default(&g.out, "generated"),
        cache: or_default(&g.cache, "headers/cache"),
        extracted: or_default(&g.extracted, "headers/extracted"),
    })
}

/// The nearest ancestor of `cwd` holding `headers/manifest.toml`, else the workspace
/// this binary was built from.
fn workspace_root(cwd: &Path) -> PathBuf {
    if let Some(found) = cwd
        .ancestors()
        .find(|a| a.join("headers/manifest.toml").is_file())
    {
        return found.to_path_buf();
    }
    let built = Path::new(env!("CARGO_MANIFEST_DIR"));
    built.parent().unwrap_or(built).to_path_buf()
}

/// Prints the front end's notes on stderr, each once, as `iscsi-codegen: note: ...`.
fn print_notes(notes: &[Error]) {
    let mut seen = std::collections::HashSet::new();
    let mut err = std::io::stderr().lock();
    for n in notes {
        let text = n.to_string();
        if seen.insert(text.clone()) {
            let _ = writeln!(err, "iscsi-codegen: note: {text}");
        }
    }
}

/// Writes to stdout; a closed pipe (`| head`) ends the output quietly.
fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::msg(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}
