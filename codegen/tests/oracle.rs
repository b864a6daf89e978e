//! The C compiler as oracle: every enumerator and integer `#define` of the model is
//! printed by a compiled probe and must match value for value, and the set of
//! integer object-like macros gcc sees in the header (`cc -E -dD`, then a compile
//! and `__builtin_classify_type` to keep the integer ones) must equal the model's.
//!
//! Runs on the real headers in `headers/cache/linux-6.1` and `linux-6.12` (or the
//! directory in `ISCSI_HEADERS_DIR`, holding `include/scsi/` or `scsi/`), and on our
//! own fixtures. Everything is written to a temporary directory; nothing is copied
//! into the repository. Skips with a message when a header set or `cc` is missing,
//! and fails instead when `CI=true`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use iscsi_codegen::extract::{ExtractOptions, extract_file};
use iscsi_codegen::model::Header;
use iscsi_codegen::preprocess::annotations::PRELUDE_TYPEDEFS;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

fn skip(why: &str) {
    assert!(!in_ci(), "{why} (CI=true)");
    eprintln!("skipping: {why}");
}

fn have_cc() -> bool {
    Command::new("cc")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A temporary directory removed on drop.
struct Temp(PathBuf);

impl Temp {
    fn new(tag: &str) -> Temp {
        let dir =
            std::env::temp_dir().join(format!("iscsi-codegen-oracle-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        Temp(dir)
    }

    fn write(&self, rel: &str, text: &[u8]) -> PathBuf {
        let p = self.0.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
        }
        std::fs::write(&p, text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        p
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Stub system headers, as the kernel's own are not available to user space.
fn write_stubs(t: &Temp) {
    let mut prelude = String::from("#ifndef ORACLE_PRELUDE_H\n#define ORACLE_PRELUDE_H\n");
    for (name, ty) in PRELUDE_TYPEDEFS {
        prelude.push_str(&format!("typedef {ty} {name};\n"));
    }
    prelude.push_str("#endif\n");
    t.write("inc/oracle_prelude.h", prelude.as_bytes());
    t.write(
        "inc/linux/types.h",
        b"#ifndef ORACLE_LINUX_TYPES_H\n#define ORACLE_LINUX_TYPES_H\n#include <oracle_prelude.h>\n\
          #define __bitwise\n#define __bitwise__\n#define __force\n#define __user\n#define __iomem\n\
          #define __packed __attribute__((packed))\n#define __aligned(x) __attribute__((aligned(x)))\n#endif\n",
    );
    t.write("inc/linux/in.h", b"#include <netinet/in.h>\n");
    t.write("inc/linux/in6.h", b"#include <netinet/in.h>\n");
    t.write(
        "inc/scsi/scsi.h",
        b"#ifndef ORACLE_SCSI_H\n#define ORACLE_SCSI_H\nstruct scsi_lun { unsigned char scsi_lun[8]; };\n#define SCSI_MAX_VARLEN_CDB_SIZE 260\n#endif\n",
    );
    t.write("inc/local/defs.h", b"/* stub */\n");
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Object-like, non-empty, non-string macros that `cc -E -dD` attributes to each of
/// `files` (paths under the temp dir), alive at the end.
fn dd_candidates(
    t: &Temp,
    probe_includes: &str,
    files: &[PathBuf],
) -> BTreeMap<PathBuf, BTreeSet<String>> {
    let src = t.write("names.c", probe_includes.as_bytes());
    let out = run(Command::new("cc")
        .arg("-E")
        .arg("-dD")
        .arg("-I")
        .arg(t.0.join("inc"))
        .arg(&src));
    let mut current = PathBuf::new();
    let mut found: BTreeMap<PathBuf, BTreeMap<String, String>> = BTreeMap::new();
    for line in out.lines() {
        if let Some(rest) = line.strip_prefix("# ") {
            if let Some(q) = rest.split('"').nth(1) {
                current = PathBuf::from(q);
            }
            continue;
        }
        let Some(f) = files.iter().find(|f| **f == current) else {
            continue;
        };
        if let Some(def) = line.strip_prefix("#define ") {
            let name_end = def
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(def.len());
            let (name, body) = def.split_at(name_end);
            if body.starts_with('(') {
                continue;
            }
            found
                .entry(f.clone())
                .or_default()
                .insert(name.to_string(), body.trim().to_string());
        } else if let Some(name) = line.strip_prefix("#undef ")
            && let Some(m) = found.get_mut(f)
        {
            m.remove(name.trim());
        }
    }
    found
        .into_iter()
        .map(|(f, m)| {
            let names = m
                .into_iter()
                .filter(|(_, body)| !body.is_empty() && !body.starts_with('"'))
                .map(|(n, _)| n)
                .collect();
            (f, names)
        })
        .collect()
}

/// Checks the models of `headers` (original path, path in the temp dir, model)
/// against the compiler. `includes` is the probe's `#include` block.
fn check(tag: &str, t: &Temp, includes: &str, headers: &[(PathBuf, PathBuf, Header)]) {
    let files: Vec<PathBuf> = headers.iter().map(|(_, tmp, _)| tmp.clone()).collect();
    let candidates = dd_candidates(t, includes, &files);
    let all: Vec<String> = candidates
        .values()
        .flatten()
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();

    // Which candidates compile as an expression at all (the others are types,
    // statements or references to nothing).
    let mut syntax = format!("{includes}\n");
    let first_line = syntax.lines().count() + 1;
    for (i, n) in all.iter().enumerate() {
        syntax.push_str(&format!(
            "static long long oracle_{i}(void) {{ return (long long)({n}); }}\n"
        ));
    }
    let syntax_c = t.write("syntax.c", syntax.as_bytes());
    let out = Command::new("cc")
        .args(["-fsyntax-only", "-w", "-I"])
        .arg(t.0.join("inc"))
        .arg(&syntax_c)
        .output()
        .unwrap_or_else(|e| panic!("cc: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut failing = BTreeSet::new();
    let prefix = format!("{}:", syntax_c.display());
    for l in stderr
        .lines()
        .filter(|l| l.starts_with(&prefix) && l.contains("error"))
    {
        let line_no = l[prefix.len()..]
            .split(':')
            .next()
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(0);
        if let Some(n) = line_no.checked_sub(first_line).and_then(|i| all.get(i)) {
            failing.insert(n.clone());
        }
    }
    let compiling: Vec<&String> = all.iter().filter(|n| !failing.contains(*n)).collect();

    let mut probe = format!("#include <stdio.h>\n{includes}\nint main(void) {{\n");
    for (_, _, h) in headers {
        let names = h
            .enums
            .iter()
            .flat_map(|e| e.enumerators.iter().map(|x| &x.name))
            .chain(h.defines.iter().map(|d| &d.name));
        for n in names {
            probe.push_str(&format!(
                "\tprintf(\"value %s %lld %d\\n\", \"{n}\", (long long)({n}), ({n}) < 0);\n"
            ));
        }
    }
    for n in &compiling {
        probe.push_str(&format!(
            "\tprintf(\"class %s %d\\n\", \"{n}\", __builtin_classify_type({n}));\n"
        ));
    }
    probe.push_str("\treturn 0;\n}\n");
    let probe_c = t.write("probe.c", probe.as_bytes());
    let exe = t.0.join("probe");
    run(Command::new("cc")
        .args(["-w", "-o"])
        .arg(&exe)
        .arg("-I")
        .arg(t.0.join("inc"))
        .arg(&probe_c));
    let out = run(&mut Command::new(&exe));

    let mut values: BTreeMap<String, i128> = BTreeMap::new();
    let mut integer_macros = BTreeSet::new();
    for l in out.lines() {
        let f: Vec<&str> = l.split(' ').collect();
        match f.as_slice() {
            ["value", n, v, neg] => {
                let v: i128 = v.parse().unwrap_or_else(|_| panic!("{l}"));
                // %lld of an unsigned value at or past 2^63 prints negative.
                let v = if v < 0 && *neg == "0" {
                    v + (1i128 << 64)
                } else {
                    v
                };
                values.insert(n.to_string(), v);
            }
            // 1 integer, 2 char, 3 enumeral, 4 boolean (gcc's typeclass.h).
            ["class", n, k] if matches!(*k, "1" | "2" | "3" | "4") => {
                integer_macros.insert(n.to_string());
            }
            _ => {}
        }
    }

    let mut mismatches = Vec::new();
    let mut checked = 0;
    for (orig, tmp, h) in headers {
        for e in &h.enums {
            for x in &e.enumerators {
                checked += 1;
                if values.get(&x.name) != Some(&x.value) {
                    mismatches.push(format!(
                        "enumerator {}: model {}, cc {:?}",
                        x.name,
                        x.value,
                        values.get(&x.name)
                    ));
                }
            }
        }
        for d in &h.defines {
            checked += 1;
            if values.get(&d.name) != Some(&d.value) {
                mismatches.push(format!(
                    "define {}: model {}, cc {:?}",
                    d.name,
                    d.value,
                    values.get(&d.name)
                ));
            }
        }
        let model: BTreeSet<String> = h.defines.iter().map(|d| d.name.clone()).collect();
        let cc: BTreeSet<String> = candidates
            .get(tmp)
            .into_iter()
            .flatten()
            .filter(|n| integer_macros.contains(*n))
            .cloned()
            .collect();
        assert_eq!(
            model,
            cc,
            "{tag} {}: integer #define names, model vs cc -E -dD",
            orig.display()
        );
    }
    assert!(
        mismatches.is_empty(),
        "{tag}: {} of {checked} values differ:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    eprintln!("{tag}: {checked} values and the #define name sets agree with cc");
}

/// Header sets with `include/scsi/iscsi_if.h` and `iscsi_proto.h`: (label, scsi dir).
fn real_sets() -> Vec<(String, PathBuf)> {
    let mut sets = Vec::new();
    if let Ok(dir) = std::env::var("ISCSI_HEADERS_DIR") {
        let dir = PathBuf::from(dir);
        let scsi = [dir.join("include/scsi"), dir.join("scsi"), dir.clone()]
            .into_iter()
            .find(|d| d.join("iscsi_if.h").is_file());
        match scsi {
            Some(s) => sets.push(("env".to_string(), s)),
            None => panic!("ISCSI_HEADERS_DIR={} holds no iscsi_if.h", dir.display()),
        }
    }
    for label in ["linux-6.1", "linux-6.12"] {
        let scsi = repo()
            .join("headers/cache")
            .join(label)
            .join("include/scsi");
        if scsi.join("iscsi_if.h").is_file() && scsi.join("iscsi_proto.h").is_file() {
            sets.push((label.to_string(), scsi));
        } else {
            skip(&format!("headers/cache/{label} is absent"));
        }
    }
    sets
}

#[test]
fn real_headers_agree_with_cc() {
    if !have_cc() {
        return skip("no `cc` on PATH");
    }
    for (label, scsi) in real_sets() {
        let t = Temp::new(&label);
        write_stubs(&t);
        let mut headers = Vec::new();
        for file in ["iscsi_if.h", "iscsi_proto.h"] {
            let orig = scsi.join(file);
            let bytes = std::fs::read(&orig).unwrap_or_else(|e| panic!("{}: {e}", orig.display()));
            let tmp = t.write(&format!("inc/scsi/{file}"), &bytes);
            let opts = ExtractOptions {
                label: label.clone(),
                path: format!("include/scsi/{file}"),
                include_dirs: vec![],
                skip_undefined: false,
            };
            let h = extract_file(&orig, &opts).unwrap_or_else(|e| panic!("{e}"));
            headers.push((orig, tmp, h));
        }
        if label != "env" {
            let counts: Vec<(usize, usize, usize)> = headers
                .iter()
                .map(|(_, _, h)| (h.enums.len(), h.enumerator_count(), h.defines.len()))
                .collect();
            assert_eq!(counts, [(19, 340, 48), (0, 0, 156)], "{label}");
        }
        check(
            &label,
            &t,
            "#include <scsi/iscsi_if.h>\n#include <scsi/iscsi_proto.h>\n",
            &headers,
        );
    }
}

#[test]
fn fixtures_agree_with_cc() {
    if !have_cc() {
        return skip("no `cc` on PATH");
    }
    for name in ["basic.h", "hostile.h", "old_kernel.h"] {
        let t = Temp::new(name.trim_end_matches(".h"));
        write_stubs(&t);
        let orig = repo().join("headers/fixtures").join(name);
        let bytes = std::fs::read(&orig).unwrap_or_else(|e| panic!("{e}"));
        let tmp = t.write(&format!("inc/{name}"), &bytes);
        let opts = ExtractOptions {
            label: "fixtures".into(),
            path: name.into(),
            include_dirs: vec![],
            skip_undefined: false,
        };
        let h = extract_file(&orig, &opts).unwrap_or_else(|e| panic!("{e}"));
        let includes = format!("#include <linux/types.h>\n#include <{name}>\n");
        check(name, &t, &includes, &[(orig, tmp, h)]);
    }
}
