//! The commands around the committed extracted data: `extract` (tracked sources or
//! one header/tree → `headers/extracted/<label>.json`), `check --reextract` (the
//! same, compared instead of written), `history` (every version in a git
//! repository) and `diff` (two labels or header files).

use std::io::Write;
use std::path::Path;

use iscsi_codegen::diff;
use iscsi_codegen::history::{self, HistoryOptions, Selection};
use iscsi_codegen::model::Header;
use iscsi_codegen::pipeline;
use iscsi_codegen::source::{self, HeaderSet, Manifest};
use iscsi_codegen::store::{self, Docs, Extracted, Origin};
use iscsi_codegen::version::{KernelVersion, Series, compare_labels};
use iscsi_codegen::{Error, Result};

use super::args::{Cli, Command};
use super::output::{print, print_notes};
use super::paths::{Paths, header_sets};

/// One extracted source with the docs of its headers.
struct Fresh {
    extracted: Extracted,
    docs: Docs,
}

/// Extracts every file of a header set; the front end's notes go to stderr.
fn extract_set(set: &HeaderSet, label: &str, origin: Origin) -> Result<Fresh> {
    let mut headers: Vec<Header> = Vec::new();
    let mut notes = Vec::new();
    for f in &set.files {
        let x = pipeline::extract_one_noted(set, f)?;
        notes.extend(x.notes);
        let mut h = x.header;
        h.source.label = label.to_string();
        headers.push(h);
    }
    print_notes(&notes);
    Ok(Fresh {
        extracted: Extracted::from_headers(label, origin, &headers),
        docs: Docs::from_headers(label, &headers),
    })
}

/// The tracked sources, fetched when needed, extracted; labelled by their release.
fn extract_tracked(paths: &Paths) -> Result<Vec<Fresh>> {
    let manifest = Manifest::load(&paths.manifest)?;
    let mut err = std::io::stderr().lock();
    let sets = source::ensure(&manifest, &paths.cache, false, &mut err)?;
    let mut out = Vec::new();
    for (set, _) in &sets {
        let Some(src) = manifest.source(&set.label) else {
            continue;
        };
        let origin = Origin {
            kind: String::from("debian"),
            repository: src.debian.package.clone(),
            commit: None,
            date: None,
            release: Some(src.release.clone()),
            kernel: None,
        };
        out.push(extract_set(set, &src.release, origin)?);
    }
    out.sort_by(|a, b| compare_labels(&a.extracted.label, &b.extracted.label));
    Ok(out)
}

/// What `extract` writes: the JSON of each source, and the docs of the newest
/// kernel source.
fn outputs(fresh: &[Fresh]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = fresh
        .iter()
        .map(|f| (format!("{}.json", f.extracted.label), f.extracted.to_json()))
        .collect();
    if let Some(newest) = fresh
        .iter()
        .rfind(|f| f.extracted.series() == Series::Kernel)
    {
        out.push((store::DOCS_FILE.to_string(), newest.docs.to_json()));
    }
    out
}

/// `iscsi-codegen extract`.
pub(super) fn extract(cli: &Cli, paths: &Paths) -> Result<i32> {
    let fresh = if cli.global.header.is_some() || cli.global.kernel_tree.is_some() {
        let mut v = Vec::new();
        for set in header_sets(cli, paths)? {
            let kind = if cli.global.header.is_some() {
                "file"
            } else {
                "tree"
            };
            let origin = Origin {
                kind: kind.to_string(),
                repository: set.label.clone(),
                ..Origin::default()
            };
            let label = set.label.clone();
            v.push(extract_set(&set, &label, origin)?);
        }
        v
    } else {
        extract_tracked(paths)?
    };
    let mut err = std::io::stderr().lock();
    for (name, text) in outputs(&fresh) {
        let target = paths.extracted.join(&name);
        let what = if store::write_if_changed(&target, &text)? {
            "wrote"
        } else {
            "unchanged"
        };
        let _ = writeln!(err, "{what} {}", target.display());
    }
    Ok(0)
}

/// `check --reextract`: the tracked sources re-extracted must equal the committed
/// JSON (and the docs file, when the newest tracked source is the newest label).
pub(super) fn reextract(_cli: &Cli, paths: &Paths) -> Result<()> {
    let fresh = extract_tracked(paths)?;
    let mut stale = Vec::new();
    for (name, text) in outputs(&fresh) {
        let target = paths.extracted.join(&name);
        let old = std::fs::read_to_string(&target).unwrap_or_default();
        if old != text {
            stale.push(target.display().to_string());
        }
    }
    if stale.is_empty() {
        eprintln!(
            "{}: the tracked sources re-extract to the committed data ({} sources)",
            paths.extracted.display(),
            fresh.len()
        );
        return Ok(());
    }
    Err(Error::msg(format!(
        "{} differ{} from what the tracked headers extract to; to update, run:\n    cargo run -p \
         iscsi-codegen -- extract && cargo run -p iscsi-codegen -- generate",
        stale.join(", "),
        if stale.len() == 1 { "s" } else { "" }
    )))
}

/// `iscsi-codegen history`.
pub(super) fn history(cmd: &Command, paths: &Paths) -> Result<i32> {
    let Command::History {
        git,
        path,
        revs,
        tags,
        at,
        include_rc,
        label_prefix,
        repository,
        dry_run,
    } = cmd
    else {
        return Err(Error::msg("internal error: not the history command"));
    };
    let selection = match tags {
        Some(glob) => Selection::Tags {
            glob: glob.clone(),
            include_rc: *include_rc,
        },
        None if !at.is_empty() => Selection::At(at.clone()),
        None => Selection::Revs(revs.clone()),
    };
    let opts = HistoryOptions {
        git: git.clone(),
        path: path.clone(),
        selection,
        label_prefix: label_prefix.clone(),
        repository: repository
            .clone()
            .unwrap_or_else(|| git.display().to_string()),
    };
    let all = history::extract_all(&opts)?;
    if all.is_empty() {
        return Err(Error::msg(format!("no revision selected has {path}")).in_file(git));
    }
    let mut report = String::new();
    for x in &all {
        let count = |name: &str| {
            x.file(name).map_or((0, 0), |f| {
                (
                    f.enums.iter().map(|e| e.enumerators.len()).sum::<usize>(),
                    f.defines.len(),
                )
            })
        };
        let (enumerators, if_defines) = count("iscsi_if.h");
        let (_, proto_defines) = count("iscsi_proto.h");
        let target = paths.extracted.join(format!("{}.json", x.label));
        let what = if *dry_run {
            "dry run"
        } else if store::write_if_changed(&target, &x.to_json())? {
            "wrote"
        } else {
            "unchanged"
        };
        report.push_str(&format!(
            "{}\t{}\t{}\t{} enumerators\t{}+{} defines\t{what}\n",
            x.label,
            x.origin
                .commit
                .as_deref()
                .map_or("", |c| c.get(..12).unwrap_or(c)),
            x.origin.date.as_deref().unwrap_or(""),
            enumerators,
            if_defines,
            proto_defines
        ));
    }
    print(&report)?;
    eprintln!("{} versions", all.len());
    Ok(0)
}

/// One side of a diff: a header file, or a label of the extracted data (exact, or a
/// kernel version resolved by the release-line floor rule).
fn side(arg: &str, paths: &Paths) -> Result<(String, Vec<Header>)> {
    let p = Path::new(arg);
    if p.is_file() {
        let set = HeaderSet::from_header(p)?;
        let mut headers = Vec::new();
        for f in &set.files {
            let x = pipeline::extract_one_noted(&set, f)?;
            print_notes(&x.notes);
            headers.push(x.header);
        }
        return Ok((arg.to_string(), headers));
    }
    let exact = paths.extracted.join(format!("{arg}.json"));
    if exact.is_file() {
        let text = std::fs::read_to_string(&exact)
            .map_err(|e| Error::msg(format!("cannot read: {e}")).in_file(&exact))?;
        let x = Extracted::parse(&text, &exact)?;
        return Ok((x.label.clone(), x.headers()));
    }
    let all = store::load_dir(&paths.extracted)?;
    let line = |v: KernelVersion| v.line();
    let wanted = KernelVersion::parse(arg);
    let found = wanted.and_then(|w| {
        all.iter()
            .filter(|x| x.series() == Series::Kernel)
            .rfind(|x| KernelVersion::parse(&x.label).is_some_and(|v| v == w || line(v) <= line(w)))
    });
    match found {
        Some(x) => Ok((x.label.clone(), x.headers())),
        None => Err(Error::msg(format!(
            "{arg:?} is neither a header file nor a label in {} (or a kernel version at or \
             after the oldest one there)",
            paths.extracted.display()
        ))),
    }
}

/// `iscsi-codegen diff A B`.
pub(super) fn diff(_cli: &Cli, paths: &Paths, a: &str, b: &str, json: bool) -> Result<i32> {
    let (la, ha) = side(a, paths)?;
    let (lb, hb) = side(b, paths)?;
    // Headers are paired by file name, then by the names they share; a header file
    // given alone is compared with its pair only, and must have one.
    let (a_file, b_file) = (Path::new(a).is_file(), Path::new(b).is_file());
    let mut pairing = diff::pair(&ha, &hb);
    if a_file != b_file {
        // The other side's headers without a pair are not what was asked about.
        pairing
            .pairs
            .retain(|(o, w)| if a_file { o.is_some() } else { w.is_some() });
    }
    for (o, w) in &pairing.pairs {
        let (given, other) = match (o, w) {
            (Some(_), None) if a_file => (a, b),
            (None, Some(_)) if b_file => (b, a),
            _ => continue,
        };
        return Err(Error::msg(format!(
            "{given} shares no enumerator or #define name with {other}, so the two are \
             not versions of one header; name two versions of the same header"
        )));
    }
    let d = diff::diff_pairs(&la, &lb, &pairing);
    if json {
        print(&d.to_json())?;
    } else {
        print(&d.to_text())?;
    }
    if d.abi_break {
        eprintln!("iscsi-codegen: warning: ABI break between {la} and {lb}: values renumbered");
    }
    Ok(0)
}
