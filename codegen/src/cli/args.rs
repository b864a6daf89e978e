//! The command line's arguments: the subcommands and the options every one takes.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Reads the kernel's iSCSI headers and generates the iscsi-decode tables.
#[derive(Debug, Parser)]
#[command(name = "iscsi-codegen", version, about, long_about = None)]
pub(super) struct Cli {
    #[command(subcommand)]
    pub(super) command: Command,
    #[command(flatten)]
    pub(super) global: Global,
}

/// Options every subcommand takes. Defaults are relative to the workspace root (the
/// nearest directory above the current one with `headers/manifest.toml`); paths given
/// on the command line are relative to the current directory.
#[derive(Debug, Args)]
pub(super) struct Global {
    /// Use this one header instead of the tracked sources (a sibling iscsi_proto.h is
    /// used for its #include).
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        conflicts_with = "kernel_tree"
    )]
    pub(super) header: Option<PathBuf>,
    /// With --header: the release label of the generated tables (a kernel release such
    /// as `3.10.0-1160.el7.x86_64`) [default: the file name].
    #[arg(long, global = true, value_name = "LABEL", requires = "header")]
    pub(super) label: Option<String>,
    /// With --header: a directory searched first for its `#include`s (a DIR with
    /// `scsi/iscsi_proto.h` in it). Repeatable.
    #[arg(long, global = true, value_name = "DIR", requires = "header")]
    pub(super) include: Vec<PathBuf>,
    /// Use the headers of this kernel source tree (DIR/include/scsi/*.h) instead of the
    /// tracked sources.
    #[arg(long, global = true, value_name = "DIR")]
    pub(super) kernel_tree: Option<PathBuf>,
    /// The manifest of tracked sources [default: headers/manifest.toml].
    #[arg(long, global = true, value_name = "FILE")]
    pub(super) manifest: Option<PathBuf>,
    /// The family spec [default: headers/families.toml, else the one built in].
    #[arg(long, global = true, value_name = "FILE")]
    pub(super) spec: Option<PathBuf>,
    /// The output directory of `generate` and `check` [default: generated].
    #[arg(long, global = true, value_name = "DIR")]
    pub(super) out: Option<PathBuf>,
    /// Where fetched headers are kept [default: headers/cache].
    #[arg(long, global = true, value_name = "DIR")]
    pub(super) cache: Option<PathBuf>,
    /// The committed extracted data [default: headers/extracted].
    #[arg(long, global = true, value_name = "DIR")]
    pub(super) extracted: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(super) enum Command {
    /// Download the tracked headers into the cache and verify their sha256
    /// (skipped for a source whose cache is present and verified).
    Fetch {
        /// Download even when the cache is present and verified.
        #[arg(long)]
        force: bool,
    },
    /// Regenerate the tables into the output directory from the committed extracted
    /// data (or from --header / --kernel-tree).
    Generate {
        /// Write self-contained files for vendoring: each compiles alone (edition 2018
        /// or later, no dependency) as a module file, with the shared items of
        /// `iscsi-tables`' core.rs inlined, instead of the crate's form that uses them.
        #[arg(long)]
        standalone: bool,
    },
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
    /// Message formats from the sources (docs/messages.md): extract a tree, merge the
    /// releases of a repository, compare two releases.
    Messages {
        #[command(subcommand)]
        action: MessagesAction,
    },
}

/// What `messages` does.
#[derive(Debug, Subcommand)]
pub(super) enum MessagesAction {
    /// Extract every logging call of a source tree (the kernel's iSCSI initiator, or
    /// open-iscsi) with its file, function, level, prefix, format and arguments.
    Extract {
        /// The source tree (a kernel tree, or an open-iscsi checkout).
        #[arg(long, value_name = "DIR")]
        tree: PathBuf,
        /// Which calls to look for.
        #[arg(long, value_enum)]
        origin: MessageOrigin,
        /// Print JSON lines instead of a tab-separated table.
        #[arg(long, conflicts_with = "out")]
        json: bool,
        /// Write the facts file here (`headers/messages/<origin>-<label>.json`) instead of
        /// printing; needs --label.
        #[arg(long, value_name = "FILE", requires = "label")]
        out: Option<PathBuf>,
        /// The release the tree is (`v6.1.192`, `2.1.11`).
        #[arg(long, value_name = "LABEL")]
        label: Option<String>,
        /// Where the tree came from, recorded in the facts file.
        #[arg(long, value_name = "TEXT", default_value = "")]
        source: String,
    },
    /// Extract every release tag of a git repository and merge them: each wording with the
    /// runs of releases that print it (`headers/messages/<origin>-history.json`).
    History {
        /// The repository (a work tree or a bare git directory).
        #[arg(long, value_name = "DIR")]
        git: PathBuf,
        /// The tags to read (a `git tag -l` glob), ordered by version.
        #[arg(long, value_name = "GLOB")]
        tags: String,
        /// Which calls to look for.
        #[arg(long, value_enum)]
        origin: MessageOrigin,
        /// Where the history file goes.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Where the repository came from, recorded in the file.
        #[arg(long, value_name = "TEXT", default_value = "")]
        source: String,
    },
    /// Write the decoder's message table (`decode/generated/messages.rs`, and the releases
    /// that print each row, `message_releases.rs`) from the facts in `headers/messages/`,
    /// or with --check fail when either is stale.
    Generate {
        /// Compare instead of writing; exit 1 when the committed table differs.
        #[arg(long)]
        check: bool,
    },
    /// Check `decode/generated/messages.rs` is fresh (as `generate --check`); with
    /// --reextract also download the Debian kernel source of every `kernel-*.json` facts
    /// file (the package and version of its `source`), re-extract it, and fail on drift.
    Check {
        /// Re-extract the kernel facts from Debian's linux-source packages (needs apt).
        #[arg(long)]
        reextract: bool,
        /// With --reextract: write the re-extracted facts over a committed file that
        /// differs (after an extractor change), instead of failing. Only for the
        /// committed package version.
        #[arg(long, requires = "reextract")]
        update: bool,
    },
    /// The wordings added, removed and changed between two releases: two kernel releases
    /// (the kernel's facts files merged), or two open-iscsi tags of a history file.
    Diff {
        /// The older release.
        a: String,
        /// The newer release.
        b: String,
        /// The history file [default: the kernel's facts files in headers/messages/ when A
        /// and B are kernel releases, else headers/messages/open-iscsi-history.json].
        #[arg(long, value_name = "FILE")]
        history: Option<PathBuf>,
    },
}

/// The `--origin` of `messages`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum MessageOrigin {
    /// The kernel's iSCSI initiator, SCSI midlayer and dm-multipath lines.
    Kernel,
    /// open-iscsi: iscsid, iscsiadm, iscsistart, iscsiuio, libopeniscsiusr.
    OpenIscsi,
}
