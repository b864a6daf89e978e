//! A second, independent front end on libclang (through bindgen), used only to
//! cross-check the model: clang parses the same header and reports the value of every
//! enumerator and of every `#define` that bindgen can evaluate. Two front ends that
//! share no code agreeing on every value is the evidence that ours reads C correctly.
//!
//! The kernel's own `linux/types.h`, `linux/in.h`, `linux/in6.h` and `scsi/scsi.h`
//! are replaced by small stubs written to a temporary directory, and `-nostdinc`
//! keeps the host's headers out, so the result depends on the iSCSI headers alone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bindgen::callbacks::{EnumVariantValue, IntKind, ParseCallbacks};

use crate::error::{Error, Result};
use crate::source::TempDir;

/// What clang found in one header (and the headers it includes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BindgenValues {
    /// Every enumerator of every enum, by C name.
    pub enumerators: BTreeMap<String, i128>,
    /// Every object-like macro bindgen could evaluate to an integer, by name.
    pub defines: BTreeMap<String, i128>,
}

/// The stub headers: just enough of the kernel's types for the iSCSI headers to
/// compile. Their only integer macros are in [`STUB_MACROS`], which [`extract`]
/// leaves out of its result.
pub const STUBS: &[(&str, &str)] = &[
    (
        "linux/types.h",
        "#ifndef STUB_LINUX_TYPES_H\n#define STUB_LINUX_TYPES_H\n\
         typedef unsigned char __u8; typedef signed char __s8;\n\
         typedef unsigned short __u16; typedef short __s16;\n\
         typedef unsigned int __u32; typedef int __s32;\n\
         typedef unsigned long long __u64; typedef long long __s64;\n\
         typedef __u16 __le16; typedef __u16 __be16;\n\
         typedef __u32 __le32; typedef __u32 __be32;\n\
         typedef __u64 __le64; typedef __u64 __be64;\n\
         typedef __u8 uint8_t; typedef __u16 uint16_t; typedef __u32 uint32_t;\n\
         typedef __u64 uint64_t; typedef __s8 int8_t; typedef __s16 int16_t;\n\
         typedef __s32 int32_t; typedef __s64 int64_t;\n\
         typedef __u8 u8; typedef __u16 u16; typedef __u32 u32; typedef __u64 u64;\n\
         typedef __s8 s8; typedef __s16 s16; typedef __s32 s32; typedef __s64 s64;\n\
         #define __bitwise\n#define __force\n\
         #define __aligned(x) __attribute__((aligned(x)))\n\
         #define __packed __attribute__((packed))\n#endif\n",
    ),
    (
        "linux/in.h",
        "#include <linux/types.h>\nstruct in_addr { __be32 s_addr; };\n",
    ),
    (
        "linux/in6.h",
        "#include <linux/types.h>\nstruct in6_addr { union { __u8 u6_addr8[16]; \
         __be16 u6_addr16[8]; __be32 u6_addr32[4]; } in6_u; };\n",
    ),
    (
        "scsi/scsi.h",
        "#include <linux/types.h>\nstruct scsi_lun { __u8 scsi_lun[8]; };\n\
         #define SCSI_MAX_VARLEN_CDB_SIZE 260\n",
    ),
];

/// The integer macros the stubs define (the kernel's values, for array sizes); not
/// part of the iSCSI headers, so not reported.
pub const STUB_MACROS: &[&str] = &["SCSI_MAX_VARLEN_CDB_SIZE"];

#[derive(Debug, Default)]
struct Collector(Arc<Mutex<BindgenValues>>);

impl ParseCallbacks for Collector {
    fn int_macro(&self, name: &str, value: i64) -> Option<IntKind> {
        if let Ok(mut v) = self.0.lock() {
            v.defines.insert(name.to_string(), i128::from(value));
        }
        None
    }

    fn enum_variant_name(
        &self,
        _enum_name: Option<&str>,
        name: &str,
        value: EnumVariantValue,
    ) -> Option<String> {
        let value = match value {
            EnumVariantValue::Boolean(b) => i128::from(b),
            EnumVariantValue::Signed(v) => i128::from(v),
            EnumVariantValue::Unsigned(v) => i128::from(v),
        };
        if let Ok(mut v) = self.0.lock() {
            v.enumerators.insert(name.to_string(), value);
        }
        None
    }
}

/// Parses `header` with libclang, `include_dirs` searched after the stubs, and
/// returns every value bindgen reports. Fails when libclang cannot be loaded or
/// reports an error in the header.
pub fn extract(header: &Path, include_dirs: &[PathBuf]) -> Result<BindgenValues> {
    let stubs = TempDir::new("bindgen-stubs")?;
    for (path, body) in STUBS {
        let p = stubs.path().join(path);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d)?;
        }
        std::fs::write(p, body)?;
    }
    let values = Arc::new(Mutex::new(BindgenValues::default()));
    let mut args = vec![
        "-x".to_string(),
        "c".to_string(),
        "-std=gnu11".to_string(),
        "-nostdinc".to_string(),
        format!("-I{}", stubs.path().display()),
    ];
    args.extend(include_dirs.iter().map(|d| format!("-I{}", d.display())));
    bindgen::Builder::default()
        .header(header.display().to_string())
        .clang_args(args)
        .layout_tests(false)
        .generate_comments(false)
        .ignore_functions()
        .parse_callbacks(Box::new(Collector(Arc::clone(&values))))
        .generate()
        .map_err(|e| {
            Error::msg(format!("libclang could not parse the header: {e}")).in_file(header)
        })?;
    let mut out = values
        .lock()
        .map_err(|_| Error::msg("the bindgen callbacks panicked"))?
        .clone();
    for name in STUB_MACROS {
        out.defines.remove(*name);
    }
    Ok(out)
}
