//! Message formats from the sources (issue 13): every logging call of the kernel's iSCSI
//! initiator and of open-iscsi, found lexically in a source tree ([`scan`]) by the calls
//! [`rules`] lists, with its function, level, prefix, format and arguments. Facts, not
//! source text: what a log line can say, and where it comes from.

mod cpp;
pub mod fields;
pub mod generate;
pub mod history;
pub mod programs;
pub mod releases;
pub mod rules;
pub mod scan;

use std::path::Path;

use crate::error::{Error, Result};

pub use rules::Origin;
pub use scan::{Message, Scan};

/// The committed facts of one release: `headers/messages/<origin>-<label>.json`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Facts {
    /// The release (`v6.1.192`, `2.1.11`, `2.1.11-14-gbc23614`).
    pub label: String,
    /// `kernel` or `open-iscsi`.
    pub origin: String,
    /// Where the tree came from (`Debian linux-source-6.1 6.1.192-3`, a commit).
    pub source: String,
    /// Every message, by file and line.
    pub messages: Vec<Message>,
}

impl Facts {
    /// The JSON text: the header members, then one message per line, so that a new release
    /// reviews as a line diff.
    pub fn to_json(&self) -> Result<String> {
        let head = format!(
            "{{\n\"label\": {},\n\"origin\": {},\n\"source\": {},\n\"messages\": [\n",
            json(&self.label)?,
            json(&self.origin)?,
            json(&self.source)?
        );
        lines_json(head, &self.messages)
    }

    /// Reads a facts file.
    pub fn load(path: &Path) -> Result<Facts> {
        load_json(path)
    }
}

/// The compact JSON of `v`.
pub(crate) fn json<T: serde::Serialize + ?Sized>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::msg(e.to_string()))
}

/// `head`, then each item's JSON on a line of its own, then the closing `]}`.
pub(crate) fn lines_json<T: serde::Serialize>(mut out: String, items: &[T]) -> Result<String> {
    for (i, item) in items.iter().enumerate() {
        out.push_str(&json(item)?);
        out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
    }
    out.push_str("]}\n");
    Ok(out)
}

/// Reads a JSON file of the facts, errors with file:line:column.
pub(crate) fn load_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::msg(format!("cannot read: {e}")).in_file(path))?;
    serde_json::from_str(&text).map_err(|e| {
        Error::at(
            path.display().to_string(),
            e.line() as u32,
            e.column() as u32,
            e.to_string(),
        )
    })
}

/// The name `origin` has in facts files and on the command line.
pub fn origin_name(origin: Origin) -> &'static str {
    match origin {
        Origin::Kernel => "kernel",
        Origin::OpenIscsi => "open-iscsi",
    }
}

/// The files of a tree the extractor reads, per origin: globs relative to the root (`*`
/// within one directory, `**` through directories).
pub fn files_of(origin: Origin) -> &'static [&'static str] {
    match origin {
        Origin::OpenIscsi => &[
            "usr/*.c",
            "usr/fwparam_ibft/*.c",
            "libopeniscsiusr/*.c",
            "iscsiuio/src/**.c",
        ],
        Origin::Kernel => &[
            "drivers/scsi/libiscsi.c",
            "drivers/scsi/libiscsi_tcp.c",
            "drivers/scsi/iscsi_tcp.c",
            "drivers/scsi/scsi_transport_iscsi.c",
            "drivers/scsi/scsi_error.c",
            "drivers/scsi/scsi_lib.c",
            "drivers/md/dm-mpath.c",
            "drivers/infiniband/ulp/iser/*.c",
            // The offload drivers (not in ../shared/catalog's file set).
            "drivers/scsi/bnx2i/*.c",
            "drivers/scsi/cxgbi/**.c",
            "drivers/scsi/qedi/*.c",
            "drivers/scsi/be2iscsi/*.c",
            "drivers/scsi/qla4xxx/*.c",
            // Lines of other subsystems that dominate iSCSI incident logs, each file for the
            // one function that prints them (see [`functions_of`]).
            "block/blk-mq.c",
            "fs/buffer.c",
            "lib/ratelimit.c",
            "drivers/scsi/hosts.c",
        ],
    }
}

/// For a file outside the iSCSI modules, the only functions whose messages are taken;
/// `None` takes the whole file.
pub fn functions_of(file: &str) -> Option<&'static [&'static str]> {
    Some(match file {
        "block/blk-mq.c" => &["blk_print_req_error"],
        "fs/buffer.c" => &["buffer_io_error"],
        "lib/ratelimit.c" => &["___ratelimit"],
        "drivers/scsi/hosts.c" => &["scsi_add_host_with_dma"],
        _ => return None,
    })
}

/// The headers whose string macros the sources may use.
fn headers_of(origin: Origin) -> &'static [&'static str] {
    match origin {
        Origin::OpenIscsi => &[
            "include/*.h",
            "usr/*.h",
            "libopeniscsiusr/*.h",
            "iscsiuio/**.h",
        ],
        Origin::Kernel => &[
            "include/scsi/*.h",
            "drivers/scsi/*.h",
            "drivers/infiniband/ulp/iser/*.h",
        ],
    }
}

/// What of a tree the extractor reads, as paths relative to its root: the directory of
/// each glob of [`files_of`] and of its headers (everything under it, Makefiles included,
/// which name a file's module), or the one file a glob names. For unpacking only these
/// from a source tarball.
pub fn tree_paths(origin: Origin) -> Vec<String> {
    let mut out: Vec<String> = files_of(origin)
        .iter()
        .chain(headers_of(origin))
        .map(|glob| match glob.find('*') {
            Some(star) => glob[..star].trim_end_matches('/').to_string(),
            None => glob.to_string(),
        })
        .collect();
    out.sort();
    out.dedup();
    // A directory makes its files redundant.
    let dirs = out.clone();
    out.retain(|p| {
        !dirs
            .iter()
            .any(|d| d != p && p.starts_with(&format!("{d}/")))
    });
    out
}

/// Every message of the tree at `root`, file by file in path order; files a glob names
/// that the tree lacks are skipped (older releases have fewer). The second value lists the
/// calls whose format could not be resolved, as `file:line: call`.
pub fn extract_tree(root: &Path, origin: Origin) -> Result<(Vec<Message>, Vec<String>)> {
    let mut files = Vec::new();
    for glob in files_of(origin) {
        collect(root, glob, &mut files)?;
    }
    files.sort();
    files.dedup();
    // The string macros of the tree's headers (`#define iface_fmt "[hw=%s,…]"` in
    // usr/iface.h), which the sources use without defining.
    let mut headers = Vec::new();
    for glob in headers_of(origin) {
        collect(root, glob, &mut headers)?;
    }
    headers.sort();
    let mut known = std::collections::BTreeMap::new();
    for rel in &headers {
        if let Ok(bytes) = std::fs::read(root.join(rel)) {
            cpp::header_strings(&String::from_utf8_lossy(&bytes), &mut known);
        }
    }
    let mut messages = Vec::new();
    let mut unresolved = Vec::new();
    for rel in files {
        let path = root.join(&rel);
        let bytes = std::fs::read(&path)
            .map_err(|e| Error::msg(format!("cannot read: {e}")).in_file(&path))?;
        let text = String::from_utf8_lossy(&bytes);
        let s = if origin == Origin::Kernel && text.contains("KBUILD_MODNAME") {
            let mut known = known.clone();
            known.insert("KBUILD_MODNAME".to_string(), kbuild_modname(root, &rel));
            scan::scan(&rel, &text, origin, &known)
        } else {
            scan::scan(&rel, &text, origin, &known)
        }
        .map_err(Error::msg)?;
        unresolved.extend(s.unresolved.iter().map(|(l, c)| format!("{rel}:{l}: {c}")));
        match functions_of(&rel) {
            Some(only) => messages.extend(
                s.messages
                    .into_iter()
                    .filter(|m| only.contains(&m.function.as_str())),
            ),
            None => messages.extend(s.messages),
        }
    }
    Ok((messages, unresolved))
}

/// The module a kernel source file is built into (its `KBUILD_MODNAME`): the composite
/// object of its directory's Makefile or Kbuild that lists it (`qedi-y := qedi_main.o …`),
/// else the file's own name (`libcxgbi.c` → `libcxgbi`).
fn kbuild_modname(root: &Path, rel: &str) -> String {
    let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let stem = name.strip_suffix(".c").unwrap_or(name);
    let object = format!("{stem}.o");
    for make in ["Makefile", "Kbuild"] {
        let Ok(text) = std::fs::read_to_string(root.join(dir).join(make)) else {
            continue;
        };
        for line in text.replace("\\\n", " ").lines() {
            let Some((lhs, rhs)) = line.split_once('=') else {
                continue;
            };
            let lhs = lhs.trim_end_matches([':', '+', '?']).trim();
            let Some((module, _)) = lhs.split_once('-') else {
                continue;
            };
            let lists = ["-y", "-objs", "-$("]
                .iter()
                .any(|s| lhs[module.len()..].starts_with(s));
            if module != "obj" && lists && rhs.split_whitespace().any(|o| o == object) {
                return module.to_string();
            }
        }
    }
    stem.to_string()
}

/// The files under `root` that `glob` names, as `/`-separated relative paths.
fn collect(root: &Path, glob: &str, out: &mut Vec<String>) -> Result<()> {
    let (dir, pattern) = glob.rsplit_once('/').unwrap_or(("", glob));
    let deep = pattern.starts_with("**");
    let suffix = pattern.trim_start_matches('*');
    let exact = !pattern.contains('*');
    if exact {
        if root.join(glob).is_file() {
            out.push(glob.to_string());
        }
        return Ok(());
    }
    walk(root, dir, deep, suffix, out)
}

fn walk(root: &Path, dir: &str, deep: bool, suffix: &str, out: &mut Vec<String>) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
        return Ok(());
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::msg(format!("cannot list {dir}: {e}")))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if dir.is_empty() {
            name.clone()
        } else {
            format!("{dir}/{name}")
        };
        let kind = entry
            .file_type()
            .map_err(|e| Error::msg(format!("cannot stat {rel}: {e}")))?;
        if kind.is_dir() && deep && !name.starts_with('.') && name != "test" && name != "tests" {
            walk(root, &rel, deep, suffix, out)?;
        } else if kind.is_file() && name.ends_with(suffix) {
            out.push(rel);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_paths_are_the_globs_directories_and_files() {
        let paths = tree_paths(Origin::Kernel);
        assert!(paths.contains(&"drivers/scsi".to_string()), "{paths:?}");
        assert!(paths.contains(&"include/scsi".to_string()), "{paths:?}");
        assert!(
            paths.contains(&"drivers/md/dm-mpath.c".to_string()),
            "{paths:?}"
        );
        // drivers/scsi/libiscsi.c and drivers/scsi/qedi are under drivers/scsi.
        assert!(
            !paths.iter().any(|p| p.starts_with("drivers/scsi/")),
            "{paths:?}"
        );
        // Every glob is covered by one of them.
        for glob in files_of(Origin::Kernel)
            .iter()
            .chain(headers_of(Origin::Kernel))
        {
            assert!(
                paths
                    .iter()
                    .any(|p| glob == p || glob.starts_with(&format!("{p}/"))),
                "{glob}"
            );
        }
    }
}
