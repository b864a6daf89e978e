//! `#include` on hostile input: only files inside the include root are read (after
//! `..` and symlinks are resolved), a missing include is a note, the header and its
//! includes share one 8 MiB budget read through a bounded reader, and no error
//! quotes the text of an included file. Every header here is written by the test
//! into its own temporary directory.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use iscsi_codegen::Error;
use iscsi_codegen::extract::{
    ExtractOptions, Extraction, extract_bytes_noted, extract_file, extract_file_noted,
};

/// A temporary directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "iscsi-codegen-includes-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        // Canonical, so the roots in messages are predictable.
        Scratch(std::fs::canonicalize(&dir).unwrap_or_else(|e| panic!("{e}")))
    }

    /// Writes `text` at `rel` (parents created) and returns the path.
    fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> PathBuf {
        let p = self.0.join(rel);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(&p, text).unwrap_or_else(|e| panic!("{e}"));
        p
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn opts(include_dirs: Vec<PathBuf>) -> ExtractOptions {
    ExtractOptions {
        label: "t".into(),
        path: "include/scsi/t.h".into(),
        include_dirs,
        skip_undefined: false,
    }
}

/// Writes the header at `ROOT/include/scsi/t.h` and extracts it with `ROOT/include`
/// as include directory (as a tracked source is).
fn extract_in(s: &Scratch, header: &str) -> Result<Extraction, Error> {
    let file = s.write("include/scsi/t.h", header);
    extract_file_noted(&file, &opts(vec![s.0.join("include")]))
}

const SECRET: &str = "#define SECRETVAL 4242 /* secret text */\n";

fn assert_refused(e: &Error, header: &Path, line: u32, root: &Path) {
    assert_eq!(e.file.as_deref(), Some(header), "{e}");
    assert_eq!(e.line, line, "{e}");
    let want = format!(
        "resolves outside the include root {}; refused",
        root.display()
    );
    assert!(e.message.contains(&want), "{e}");
    assert!(!e.to_string().contains("secret text"), "{e}");
}

#[test]
fn absolute_include_is_refused() {
    let s = Scratch::new();
    let secret = s.write("outside/secret.h", SECRET);
    let header = format!(
        "#define ISCSI_OK 1\n#include \"{}\"\n#define ISCSI_A SECRETVAL\n",
        secret.display()
    );
    let e = extract_in(&s, &header).err();
    let e = e.unwrap_or_else(|| panic!("an absolute #include was read"));
    let h = s.0.join("include/scsi/t.h");
    assert_refused(&e, &h, 2, &s.0.join("include"));
    assert_eq!(e.column, 11, "{e}");
    let shown = format!("#include \"{}\" resolves outside", secret.display());
    assert!(e.message.starts_with(&shown), "{e}");
    // `<...>` too.
    let header = format!("#include <{}>\n", secret.display());
    assert!(extract_in(&s, &header).is_err());
}

#[test]
fn dot_dot_out_of_the_root_is_refused_even_when_missing() {
    let s = Scratch::new();
    s.write("outside/secret.h", SECRET);
    let h = s.0.join("include/scsi/t.h");
    let root = s.0.join("include");
    for header in [
        "#include \"../../outside/secret.h\"\n#define ISCSI_A SECRETVAL\n",
        "#include <../outside/secret.h>\n#define ISCSI_A SECRETVAL\n",
        "#include <scsi/../../outside/secret.h>\n",
        "#include \"../../outside/absent.h\"\n",
    ] {
        let e = extract_in(&s, header).err();
        let e = e.unwrap_or_else(|| panic!("read outside the root: {header}"));
        assert_refused(&e, &h, 1, &root);
    }
}

#[test]
fn symlink_out_of_the_root_is_refused() {
    let s = Scratch::new();
    let secret = s.write("outside/secret.h", SECRET);
    let link = s.0.join("include/scsi/link.h");
    std::fs::create_dir_all(s.0.join("include/scsi")).unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink(&secret, &link).unwrap_or_else(|e| panic!("{e}"));
    let dir_link = s.0.join("include/linux");
    std::os::unix::fs::symlink(s.0.join("outside"), &dir_link).unwrap_or_else(|e| panic!("{e}"));
    let h = s.0.join("include/scsi/t.h");
    for header in [
        "#include \"link.h\"\n#define ISCSI_A SECRETVAL\n",
        "#include <linux/secret.h>\n#define ISCSI_A SECRETVAL\n",
    ] {
        let e = extract_in(&s, header).err();
        let e = e.unwrap_or_else(|| panic!("followed a symlink out: {header}"));
        assert_refused(&e, &h, 1, &s.0.join("include"));
    }
}

#[test]
fn includes_inside_the_root_still_resolve() {
    let s = Scratch::new();
    s.write("include/linux/base.h", "#define BASE 40\n");
    s.write(
        "include/scsi/proto.h",
        "#include \"../linux/base.h\"\n#define PROTO (BASE + 1)\n",
    );
    // A symlink that stays inside the root is fine.
    std::os::unix::fs::symlink(
        s.0.join("include/scsi/proto.h"),
        s.0.join("include/scsi/alias.h"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let x = extract_in(
        &s,
        "#include <scsi/proto.h>\n#include \"alias.h\"\n#define ISCSI_A (PROTO + 1)\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(x.header.define("ISCSI_A").map(|d| d.value), Some(42));
    assert!(x.notes.is_empty(), "{:?}", x.notes);
    // Without a named include directory, the directory holding `scsi/` is the root.
    let file = s.0.join("include/scsi/t.h");
    let h = extract_file(&file, &opts(vec![])).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(h.define("ISCSI_A").map(|d| d.value), Some(42));
}

#[test]
fn missing_include_is_a_note() {
    let s = Scratch::new();
    s.write(
        "include/scsi/proto.h",
        "#include <linux/types.h>\n#define PROTO 1\n",
    );
    let x = extract_in(
        &s,
        "#include <scsi/proto.h>\n#include \"gone.h\"\n#define ISCSI_A PROTO\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(x.header.define("ISCSI_A").map(|d| d.value), Some(1));
    let notes: Vec<String> = x.notes.iter().map(ToString::to_string).collect();
    let root = s.0.join("include");
    assert_eq!(
        notes,
        [
            format!(
                "{}:1:11: #include <linux/types.h> not found in the include root {}; skipped \
                 (what it declares stays unknown)",
                root.join("scsi/proto.h").display(),
                root.display()
            ),
            format!(
                "{}:2:11: #include \"gone.h\" not found in the include root {}; skipped (what \
                 it declares stays unknown)",
                root.join("scsi/t.h").display(),
                root.display()
            ),
        ]
    );
}

#[test]
fn errors_in_included_files_do_not_quote_them() {
    let s = Scratch::new();
    s.write(
        "include/scsi/bad.h",
        "#define BAD (1/0) /* secret text */\n",
    );
    let e = extract_in(&s, "#include \"bad.h\"\n#define ISCSI_A BAD\n").err();
    let e = e.unwrap_or_else(|| panic!("1/0 evaluated"));
    assert_eq!(e.file, Some(s.0.join("include/scsi/bad.h")), "{e}");
    assert_eq!((e.line, e.snippet.as_deref()), (1, None), "{e}");
    assert!(e.message.contains("division by zero"), "{e}");

    s.write(
        "include/scsi/utf.h",
        b"#define U 1\n/* secret text \xff */\n",
    );
    let e = extract_in(&s, "#include \"utf.h\"\n").err();
    let e = e.unwrap_or_else(|| panic!("invalid UTF-8 read"));
    assert_eq!(e.file, Some(s.0.join("include/scsi/utf.h")), "{e}");
    assert_eq!((e.line, e.snippet.as_deref()), (2, None), "{e}");
    assert!(!e.to_string().contains("secret"), "{e}");

    s.write("include/scsi/cond.h", "#if 1 +\n#endif /* secret text */\n");
    let e = extract_in(&s, "#include \"cond.h\"\n").err();
    let e = e.unwrap_or_else(|| panic!("a broken #if read"));
    assert_eq!(e.snippet, None, "{e}");
    // The header's own text is still quoted.
    let e = extract_in(&s, "#define ISCSI_B (2/0)\n").err();
    assert!(e.is_some_and(|e| e.snippet.as_deref() == Some("#define ISCSI_B (2/0)")));
}

#[test]
fn a_huge_include_is_refused_without_reading_it() {
    let s = Scratch::new();
    // 2 GiB, sparse: reading it whole would take 2 GiB of memory.
    let big = s.0.join("include/scsi/big.h");
    std::fs::create_dir_all(s.0.join("include/scsi")).unwrap_or_else(|e| panic!("{e}"));
    let f = std::fs::File::create(&big).unwrap_or_else(|e| panic!("{e}"));
    f.set_len(2 << 30).unwrap_or_else(|e| panic!("{e}"));
    let e = extract_in(&s, "#define ISCSI_A 1\n#include \"big.h\"\n").err();
    let e = e.unwrap_or_else(|| panic!("a 2 GiB include was read"));
    assert_eq!(e.line, 2, "{e}");
    assert!(
        e.message.starts_with(
            "#include \"big.h\": the header and the files it includes come to more than \
             8388608 bytes together; refused"
        ),
        "{e}"
    );
    // The top-level header is read through the same bound.
    let e = extract_file(&big, &opts(vec![])).err();
    assert!(e.is_some_and(|e| e.message.starts_with("header larger than 8388608 bytes")));
}

#[test]
fn the_size_budget_covers_the_whole_include_tree() {
    let s = Scratch::new();
    // 5 MiB and 4 MiB: each fits alone, together they do not. Long blank lines
    // keep the work of preprocessing them small.
    let line = format!("{}\n", " ".repeat(4095));
    s.write("include/scsi/five.h", line.repeat(5 * 256));
    s.write("include/scsi/four.h", line.repeat(4 * 256));
    let e = extract_in(&s, "#include \"five.h\"\n#include \"four.h\"\n").err();
    let e = e.unwrap_or_else(|| panic!("9 MiB of includes were read"));
    assert_eq!(e.line, 2, "{e}");
    assert!(
        e.message.contains("more than 8388608 bytes together"),
        "{e}"
    );
    let x = extract_in(&s, "#include \"four.h\"\n#include \"four.h\"\n")
        .err()
        .map(|e| e.to_string());
    assert!(
        x.is_some_and(|e| e.contains("t.h:2:11:")),
        "a repeated include counts again"
    );
}

#[test]
fn a_header_named_by_bytes_has_no_root_of_its_own_when_its_directory_is_absent() {
    let s = Scratch::new();
    s.write("inc/scsi/proto.h", "#define PROTO 7\n");
    let o = opts(vec![s.0.join("inc")]);
    let x = extract_bytes_noted(
        b"#include <scsi/proto.h>\n#include \"proto.h\"\n#define ISCSI_A PROTO\n",
        Path::new("label:include/scsi/t.h"),
        &o,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(x.header.define("ISCSI_A").map(|d| d.value), Some(7));
    assert_eq!(x.notes.len(), 1, "{:?}", x.notes);
}

#[test]
fn the_cli_prints_notes_and_refusals() {
    let s = Scratch::new();
    let header = s.write(
        "include/scsi/t.h",
        "#include <linux/types.h>\nenum e { E = 1 };\n",
    );
    let run = |h: &Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_iscsi-codegen"))
            .args(["dump", "--json", "--header"])
            .arg(h)
            .arg("--spec")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../headers/families.toml"))
            .output()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let out = run(&header);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "iscsi-codegen: note: {}:1:11: #include <linux/types.h> not found in the include root {}",
            header.display(),
            s.0.join("include").display()
        )),
        "{stderr}"
    );
    s.write("outside/secret.h", SECRET);
    let bad = s.write(
        "include/scsi/bad.h",
        "#include \"../../outside/secret.h\"\n",
    );
    let out = run(&bad);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "iscsi-codegen: {}:1:11: #include \"../../outside/secret.h\" resolves outside the include root",
            bad.display()
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("secret text"), "{stderr}");
}
