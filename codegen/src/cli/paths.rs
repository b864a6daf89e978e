//! What the global options select: the workspace's paths, the header sets to read, and the
//! files `generate` and `check` produce from them.

use std::path::{Path, PathBuf};

use iscsi_codegen::emit::Form;
use iscsi_codegen::families::Spec;
use iscsi_codegen::source::{self, HeaderSet, Manifest};
use iscsi_codegen::{Error, Result};
use iscsi_codegen::{pipeline, store};

use super::args::{Cli, Global};
use super::output::print_notes;

/// Resolved paths, defaults filled in.
pub(super) struct Paths {
    pub(super) extracted: PathBuf,
    pub(super) manifest: PathBuf,
    pub(super) spec: PathBuf,
    pub(super) out: PathBuf,
    pub(super) cache: PathBuf,
}

/// What `generate` and `check` produce: from --header / --kernel-tree when given,
/// else from the committed extracted data.
pub(super) fn generated_files(
    cli: &Cli,
    paths: &Paths,
    form: Form,
) -> Result<Vec<pipeline::GeneratedFile>> {
    let spec = if cli.global.spec.is_some() || paths.spec.is_file() {
        Spec::load(&paths.spec)?
    } else {
        Spec::builtin()?
    };
    if cli.global.header.is_some() || cli.global.kernel_tree.is_some() {
        let sets = header_sets(cli, paths)?;
        let mut notes = Vec::new();
        let files = pipeline::generate_noted_in(&sets, &spec, &mut notes, form);
        print_notes(&notes);
        return files;
    }
    let extracted = store::load_dir(&paths.extracted)?;
    let docs = store::load_docs(&paths.extracted)?;
    pipeline::generate_from_store_in(&extracted, &docs, &spec, form)
}

/// The header sets the global options select: `--header`, `--kernel-tree`, or every
/// tracked source (fetched when its cache is missing or stale).
pub(super) fn header_sets(cli: &Cli, paths: &Paths) -> Result<Vec<HeaderSet>> {
    if let Some(h) = &cli.global.header {
        let mut set = HeaderSet::from_header(h)?;
        if let Some(l) = &cli.global.label {
            set.label = l.clone();
        }
        for (i, dir) in cli.global.include.iter().enumerate() {
            set.include_dirs
                .insert((i + 1).min(set.include_dirs.len()), dir.clone());
        }
        return Ok(vec![set]);
    }
    let manifest = Manifest::load(&paths.manifest)?;
    if let Some(dir) = &cli.global.kernel_tree {
        return Ok(vec![HeaderSet::from_kernel_tree(dir, &manifest)?]);
    }
    let mut err = std::io::stderr().lock();
    let sets = source::ensure(&manifest, &paths.cache, false, &mut err)?;
    Ok(sets.into_iter().map(|(s, _)| s).collect())
}

/// The paths the global options give, defaults (relative to the workspace root) filled in.
pub(super) fn resolve_paths(g: &Global) -> Result<Paths> {
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
        out: or_default(&g.out, "tables/generated"),
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
