//! Picks the tables the crate compiles.
//!
//! By default this does nothing expensive: `src/lib.rs` includes the committed tables in
//! `generated/`. With the `build-time-codegen` feature and `ISCSI_IF_H=/abs/path/iscsi_if.h`,
//! it runs the generator (the `iscsi-codegen` library, a build-dependency only then) on that
//! header into `OUT_DIR` and sets `cfg(iscsi_if_out_dir)`, so the crate describes the user's
//! own (vendor) kernel. `iscsi_proto.h` is taken from `ISCSI_PROTO_H`, else from beside
//! `ISCSI_IF_H`; when neither exists the committed proto tables stay (`cfg(iscsi_proto_out_dir)`
//! is set only when it was generated). The feature without `ISCSI_IF_H` keeps the committed
//! tables and says so with a warning. A header that is missing, unreadable or malformed stops
//! the build with a `cargo::error` naming the file, line and reason. `ISCSI_FAMILIES_TOML`
//! replaces the family spec `headers/families.toml` (for vendor `#define`s it lacks).
//! `ISCSI_KERNEL_RELEASE` (`3.10.0-1160.el7.x86_64`) labels the one release the generated
//! tables know; without it the label is guessed from a kernel-tree path
//! (`/usr/src/kernels/3.10.0-1160.el7.x86_64/include/scsi/iscsi_if.h`), else it is the file name.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=ISCSI_IF_H");
    println!("cargo::rerun-if-env-changed=ISCSI_PROTO_H");
    println!("cargo::rerun-if-env-changed=ISCSI_FAMILIES_TOML");
    println!("cargo::rerun-if-env-changed=ISCSI_KERNEL_RELEASE");
    // Both cfgs are always declared, so `#[cfg(...)]` on them is never an unexpected cfg.
    println!("cargo::rustc-check-cfg=cfg(iscsi_if_out_dir)");
    println!("cargo::rustc-check-cfg=cfg(iscsi_proto_out_dir)");

    #[cfg(feature = "build-time-codegen")]
    if let Err(message) = build_time::run() {
        // A readable error, not a panic or a dump of this script's output: every line is a
        // `cargo::error`, which fails the build (`cargo build` exits with 101) once the
        // script returns.
        for line in message.lines() {
            println!("cargo::error={line}");
        }
    }

    #[cfg(not(feature = "build-time-codegen"))]
    if std::env::var_os("ISCSI_IF_H").is_some_and(|v| !v.is_empty()) {
        println!(
            "cargo::warning=ISCSI_IF_H is set but the `build-time-codegen` feature is off: \
             using the committed tables"
        );
    }
}

#[cfg(feature = "build-time-codegen")]
mod build_time {
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    use iscsi_codegen::families::Spec;
    use iscsi_codegen::pipeline;
    use iscsi_codegen::source::HeaderSet;
    use iscsi_codegen::version::KernelVersion;

    /// Runs the generator when `ISCSI_IF_H` asks for it. `Err` is the message for the user.
    pub fn run() -> Result<(), String> {
        let Some(if_h) = env_path("ISCSI_IF_H")? else {
            println!(
                "cargo::warning=the `build-time-codegen` feature is on but ISCSI_IF_H is not \
                 set: using the committed tables (set ISCSI_IF_H=/path/to/iscsi_if.h to \
                 generate them from your kernel's header)"
            );
            return Ok(());
        };
        let root = PathBuf::from(env("CARGO_MANIFEST_DIR")?);
        let out_dir = PathBuf::from(env("OUT_DIR")?);
        // A vendor header with #defines of its own needs a family spec that places them.
        let spec_path = env_path("ISCSI_FAMILIES_TOML")?
            .unwrap_or_else(|| root.join("../headers/families.toml"));
        println!("cargo::rerun-if-changed={}", spec_path.display());
        println!("cargo::rerun-if-changed={}", if_h.display());
        let spec = Spec::load(&spec_path).map_err(|e| format!("the family spec: {e}"))?;

        let explicit_proto = env_path("ISCSI_PROTO_H")?;
        let proto = match &explicit_proto {
            Some(p) => Some(p.clone()),
            None => if_h
                .parent()
                .map(|d| d.join("iscsi_proto.h"))
                .filter(|p| p.is_file()),
        };
        if let Some(p) = &proto {
            println!("cargo::rerun-if-changed={}", p.display());
        }

        let mut if_set =
            HeaderSet::from_header(&if_h).map_err(|e| header_error("ISCSI_IF_H", e))?;
        if let Some(p) = &explicit_proto {
            // Make `#include <scsi/iscsi_proto.h>` find the proto header the user named.
            let include = out_dir.join("include");
            let scsi = include.join("scsi");
            std::fs::create_dir_all(&scsi)
                .and_then(|()| std::fs::copy(p, scsi.join("iscsi_proto.h")))
                .map_err(|e| format!("ISCSI_PROTO_H: {}: cannot read: {e}", p.display()))?;
            if_set.include_dirs.insert(1, include);
        }
        let label = release_label(&if_h);
        if let Some(l) = &label {
            if_set.label = l.clone();
        }
        generate(
            &if_set,
            &spec,
            &["IscsiErr", "IscsiConnState"],
            &out_dir.join("iscsi_if.rs"),
        )
        .map_err(|e| format!("ISCSI_IF_H: {e}"))?;
        println!("cargo::rustc-cfg=iscsi_if_out_dir");
        println!(
            "cargo::rustc-env=ISCSI_DECODE_TABLES_IF_H={}",
            if_h.display()
        );

        let proto_note = match &proto {
            Some(p) => {
                let mut set =
                    HeaderSet::from_header(p).map_err(|e| header_error("ISCSI_PROTO_H", e))?;
                if let Some(l) = &label {
                    set.label = l.clone();
                }
                generate(
                    &set,
                    &spec,
                    &["LoginStatus", "IscsiOpcode"],
                    &out_dir.join("iscsi_proto.rs"),
                )
                .map_err(|e| format!("iscsi_proto.h: {e}"))?;
                println!("cargo::rustc-cfg=iscsi_proto_out_dir");
                println!(
                    "cargo::rustc-env=ISCSI_DECODE_TABLES_PROTO_H={}",
                    p.display()
                );
                format!("and {}", p.display())
            }
            None => "(no iscsi_proto.h beside it: the committed proto tables)".to_string(),
        };
        println!(
            "cargo::warning=iSCSI tables generated at build time from {} {proto_note}",
            if_h.display()
        );
        Ok(())
    }

    /// Generates the one file of `set` into `out`. A file without the `required` families is
    /// not the header the user meant (an error). Other names the committed tables have and this
    /// header lacks are not checked: the committed tables merge every tracked release, so any
    /// one header lacks some; if the runtime refers to one, the crate fails to compile there.
    fn generate(set: &HeaderSet, spec: &Spec, required: &[&str], out: &Path) -> Result<(), String> {
        let files =
            pipeline::generate(std::slice::from_ref(set), spec).map_err(|e| e.to_string())?;
        let [file] = files.as_slice() else {
            return Err(format!("expected one generated file, got {}", files.len()));
        };
        let header = &set.files[0].disk_path;
        let families = items(&file.contents, "pub struct ");
        let absent: Vec<&str> = required
            .iter()
            .copied()
            .filter(|f| !families.contains(*f))
            .collect();
        if !absent.is_empty() {
            return Err(format!(
                "{}: not the iSCSI header the runtime needs: it has no {}",
                header.display(),
                absent.join(", ")
            ));
        }
        // Rewrite only on change, so an unchanged header does not recompile the crate.
        if std::fs::read_to_string(out).is_ok_and(|old| old == file.contents) {
            return Ok(());
        }
        std::fs::write(out, &file.contents)
            .map_err(|e| format!("{}: cannot write: {e}", out.display()))
    }

    /// The identifiers after `prefix` at the start of a (trimmed) line: `pub struct IscsiErr(`
    /// gives `IscsiErr`, `pub const ISCSI_ERR_BASE: Self` gives `ISCSI_ERR_BASE`.
    fn items(text: &str, prefix: &str) -> BTreeSet<String> {
        text.lines()
            .filter_map(|l| l.trim_start().strip_prefix(prefix))
            .map(|rest| {
                rest.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect::<String>()
            })
            .filter(|s| !s.is_empty() && s != "fn")
            .collect()
    }

    /// The release label of the generated tables: `ISCSI_KERNEL_RELEASE`, else the first
    /// directory that names a kernel version among the kernel tree holding
    /// `include/scsi/iscsi_if.h` and its parent (`/lib/modules/<release>/build`), else `None`
    /// (the generator then labels the release with the file name).
    fn release_label(if_h: &Path) -> Option<String> {
        if let Some(v) = std::env::var("ISCSI_KERNEL_RELEASE")
            .ok()
            .filter(|v| !v.trim().is_empty())
        {
            return Some(v.trim().to_string());
        }
        let scsi = if_h.parent()?;
        let include = scsi.parent()?;
        if scsi.file_name()? != "scsi" || include.file_name()? != "include" {
            return None;
        }
        let tree = include.parent()?;
        [Some(tree), tree.parent()]
            .into_iter()
            .flatten()
            .filter_map(|d| d.file_name()?.to_str())
            .find(|name| KernelVersion::parse(name).is_some())
            .map(str::to_string)
    }

    fn header_error(var: &str, e: iscsi_codegen::Error) -> String {
        format!("{var}: {e}")
    }

    fn env(name: &str) -> Result<String, String> {
        std::env::var(name).map_err(|_| format!("{name} is not set (is this run by cargo?)"))
    }

    /// An absolute path from the environment; `None` when unset or empty.
    fn env_path(name: &str) -> Result<Option<PathBuf>, String> {
        let Some(v) = std::env::var_os(name).filter(|v| !v.is_empty()) else {
            return Ok(None);
        };
        let p = PathBuf::from(v);
        if !p.is_absolute() {
            return Err(format!(
                "{name}={} is a relative path; cargo runs build scripts in the package's \
                 directory, so give an absolute path",
                p.display()
            ));
        }
        match std::fs::metadata(&p) {
            Ok(m) if m.is_file() => Ok(Some(p)),
            Ok(_) => Err(format!("{name}={}: not a regular file", p.display())),
            Err(e) => Err(format!("{name}={}: cannot read: {e}", p.display())),
        }
    }
}
