//! Picks the tables the crate compiles.
//!
//! By default this does nothing expensive: `src/lib.rs` includes the committed tables in
//! `generated/`. With the `build-time-codegen` feature and `ISCSI_IF_H=/abs/path/iscsi_if.h`,
//! it runs the generator on that header into `OUT_DIR` and sets `cfg(iscsi_if_out_dir)`, so
//! the crate describes the user's own (vendor) kernel. The generator is the `iscsi-codegen`
//! program, run like `protoc` for prost: `$ISCSI_CODEGEN`, else `iscsi-codegen` on `PATH`
//! (`cargo install --path codegen` from a checkout). It must be the version of this crate,
//! since the files it writes use this crate's `core`. The crate itself keeps zero
//! dependencies, build-dependencies included, so it packages and verifies alone.
//!
//! `iscsi_proto.h` is taken from `ISCSI_PROTO_H`, else from beside `ISCSI_IF_H`; when neither
//! exists the committed proto tables stay (`cfg(iscsi_proto_out_dir)` is set only when it was
//! generated). The feature without `ISCSI_IF_H` keeps the committed tables and says so with a
//! warning. A missing generator, a header that is missing, unreadable or malformed, stops the
//! build with a `cargo::error` naming the file, line and reason. `ISCSI_FAMILIES_TOML` replaces
//! the family spec (for vendor `#define`s it lacks). `ISCSI_KERNEL_RELEASE`
//! (`3.10.0-1160.el7.x86_64`) labels the one release the generated tables know; without it the
//! label is guessed from a kernel-tree path
//! (`/usr/src/kernels/3.10.0-1160.el7.x86_64/include/scsi/iscsi_if.h`), else it is the file name.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=ISCSI_IF_H");
    println!("cargo::rerun-if-env-changed=ISCSI_PROTO_H");
    println!("cargo::rerun-if-env-changed=ISCSI_FAMILIES_TOML");
    println!("cargo::rerun-if-env-changed=ISCSI_KERNEL_RELEASE");
    println!("cargo::rerun-if-env-changed=ISCSI_CODEGEN");
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

/// The runtime's `core` module, for its one release-label parser.
#[cfg(feature = "build-time-codegen")]
#[allow(dead_code, unused_macros)]
#[path = "src/core.rs"]
mod core_items;

#[cfg(feature = "build-time-codegen")]
mod build_time {
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};
    use std::process::Command;

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
        let out_dir = PathBuf::from(env("OUT_DIR")?);
        let generator = Generator::find()?;
        let spec = env_path("ISCSI_FAMILIES_TOML")?;
        if let Some(s) = &spec {
            println!("cargo::rerun-if-changed={}", s.display());
        }
        println!("cargo::rerun-if-changed={}", if_h.display());

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
        // Make `#include <scsi/iscsi_proto.h>` find the proto header the user named.
        let include = match &explicit_proto {
            Some(p) => {
                let include = out_dir.join("include");
                let scsi = include.join("scsi");
                std::fs::create_dir_all(&scsi)
                    .and_then(|()| std::fs::copy(p, scsi.join("iscsi_proto.h")))
                    .map_err(|e| format!("ISCSI_PROTO_H: {}: cannot read: {e}", p.display()))?;
                Some(include)
            }
            None => None,
        };
        let label = release_label(&if_h);
        let job = Job {
            spec: spec.as_deref(),
            label: label.as_deref(),
            include: include.as_deref(),
        };
        let text = generator
            .generate(&if_h, &job, &out_dir.join("gen-if"))
            .map_err(|e| format!("ISCSI_IF_H: {e}"))?;
        require(&text, &if_h, &["IscsiErr", "IscsiConnState"])?;
        write_if_changed(&out_dir.join("iscsi_if.rs"), &text)?;
        println!("cargo::rustc-cfg=iscsi_if_out_dir");
        println!(
            "cargo::rustc-env=ISCSI_DECODE_TABLES_IF_H={}",
            if_h.display()
        );

        let proto_note = match &proto {
            Some(p) => {
                let job = Job {
                    include: None,
                    ..job
                };
                let text = generator
                    .generate(p, &job, &out_dir.join("gen-proto"))
                    .map_err(|e| format!("iscsi_proto.h: {e}"))?;
                require(&text, p, &["LoginStatus", "IscsiOpcode"])?;
                write_if_changed(&out_dir.join("iscsi_proto.rs"), &text)?;
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
            "cargo::warning=iSCSI tables generated at build time by {} from {} {proto_note}",
            generator.path.display(),
            if_h.display()
        );
        Ok(())
    }

    /// The options of one `generate` run.
    #[derive(Clone, Copy)]
    struct Job<'a> {
        spec: Option<&'a Path>,
        label: Option<&'a str>,
        include: Option<&'a Path>,
    }

    /// The `iscsi-codegen` program, checked to be this crate's version.
    struct Generator {
        path: PathBuf,
    }

    impl Generator {
        /// `$ISCSI_CODEGEN`, else `iscsi-codegen` on `PATH`; it must print `iscsi-codegen
        /// <this crate's version>` for `--version`.
        fn find() -> Result<Generator, String> {
            let path = std::env::var_os("ISCSI_CODEGEN")
                .filter(|v| !v.is_empty())
                .map_or_else(|| PathBuf::from("iscsi-codegen"), PathBuf::from);
            let want = env("CARGO_PKG_VERSION")?;
            let install = format!(
                "install the generator of this version from a checkout of the iscsi-decode \
                 repository (`cargo install --path codegen` at the tag of iscsi-tables \
                 {want}), or set ISCSI_CODEGEN=/path/to/iscsi-codegen"
            );
            let out = Command::new(&path).arg("--version").output().map_err(|e| {
                format!(
                    "the `build-time-codegen` feature runs `{}`, which cannot be run ({e}); \
                     {install}",
                    path.display()
                )
            })?;
            let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
            if !out.status.success() || version != format!("iscsi-codegen {want}") {
                return Err(format!(
                    "`{} --version` says {version:?}, but iscsi-tables {want} needs \
                     \"iscsi-codegen {want}\" (the generated files use this crate's `core`); \
                     {install}",
                    path.display()
                ));
            }
            Ok(Generator { path })
        }

        /// Generates the tables of `header` into the empty directory `dir`; the text of the
        /// one file written.
        fn generate(&self, header: &Path, job: &Job<'_>, dir: &Path) -> Result<String, String> {
            let _ = std::fs::remove_dir_all(dir);
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
            let mut cmd = Command::new(&self.path);
            cmd.arg("generate")
                .arg("--header")
                .arg(header)
                .arg("--out")
                .arg(dir);
            if let Some(s) = job.spec {
                cmd.arg("--spec").arg(s);
            }
            if let Some(l) = job.label {
                cmd.arg("--label").arg(l);
            }
            if let Some(i) = job.include {
                cmd.arg("--include").arg(i);
            }
            let out = cmd
                .output()
                .map_err(|e| format!("cannot run {}: {e}", self.path.display()))?;
            if !out.status.success() {
                let err = String::from_utf8_lossy(&out.stderr);
                return Err(err.trim().to_string());
            }
            let files: Vec<PathBuf> = std::fs::read_dir(dir)
                .map_err(|e| format!("{}: {e}", dir.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "rs"))
                .collect();
            let [file] = files.as_slice() else {
                return Err(format!("expected one generated file, got {}", files.len()));
            };
            std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))
        }
    }

    /// A file without the `required` families is not the header the user meant (an error).
    /// Other names the committed tables have and this header lacks are not checked: the
    /// committed tables merge every tracked release, so any one header lacks some; if the
    /// runtime refers to one, the crate fails to compile there.
    fn require(text: &str, header: &Path, required: &[&str]) -> Result<(), String> {
        let families = items(text, "pub struct ");
        let absent: Vec<&str> = required
            .iter()
            .copied()
            .filter(|f| !families.contains(*f))
            .collect();
        if absent.is_empty() {
            return Ok(());
        }
        Err(format!(
            "{}: not the iSCSI header the runtime needs: it has no {}",
            header.display(),
            absent.join(", ")
        ))
    }

    /// Rewrites only on change, so an unchanged header does not recompile the crate.
    fn write_if_changed(out: &Path, text: &str) -> Result<(), String> {
        if std::fs::read_to_string(out).is_ok_and(|old| old == text) {
            return Ok(());
        }
        std::fs::write(out, text).map_err(|e| format!("{}: cannot write: {e}", out.display()))
    }

    /// The identifiers after `prefix` at the start of a (trimmed) line: `pub struct IscsiErr(`
    /// gives `IscsiErr`.
    fn items(text: &str, prefix: &str) -> BTreeSet<String> {
        text.lines()
            .filter_map(|l| l.trim_start().strip_prefix(prefix))
            .map(|rest| {
                rest.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect::<String>()
            })
            .filter(|s| !s.is_empty())
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
            .find(|name| parse_version(name).is_some())
            .map(str::to_string)
    }

    use super::core_items::parse_version;

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
