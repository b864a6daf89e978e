//! Kernel annotations and the typedef prelude: what lang-c needs so the kernel's
//! declarations parse without the kernel's own headers. Annotations (`__packed`,
//! `__aligned(8)`, `__attribute__((...))`, `__bitwise`, `__force`, `__user`, ...) are
//! blanked length-preserving; the prelude declares the integer typedefs the headers
//! use without including (`uint32_t`, `__be32`, `itt_t`, ...). The same prelude seeds
//! the evaluator's typedef table, so a cast like `(__force itt_t)` means one thing.
//! No `struct in_addr`/`in6_addr`/`scsi_lun` stubs are needed: lang-c parses, it
//! does not check that a struct used as a member type is complete.

/// Annotations that are a single word.
const WORDS: [&str; 44] = [
    "__packed",
    "__bitwise",
    "__bitwise__",
    "__force",
    "__user",
    "__iomem",
    "__rcu",
    "__kernel",
    "__nocast",
    "__safe",
    "__must_check",
    "__always_inline",
    "__maybe_unused",
    "__used",
    "__cold",
    "__hot",
    "__init",
    "__exit",
    "__deprecated",
    "__weak",
    "__pure",
    "__nonstring",
    "__randomize_layout",
    "__no_randomize_layout",
    "__designated_init",
    "__cacheline_aligned",
    "____cacheline_aligned",
    "__read_mostly",
    "__percpu",
    "__private",
    "__visible",
    "__noreturn",
    "__attribute_const__",
    "__sched",
    "__latent_entropy",
    "__ro_after_init",
    "noinline",
    "__noinline",
    "__user_ns",
    "__kernel_ptr",
    "notrace",
    "__flatten",
    "__no_sanitize_address",
    "__noclone",
];

/// Annotations followed by a parenthesised argument list.
const CALLS: [&str; 13] = [
    "__attribute__",
    "__attribute",
    "__aligned",
    "__counted_by",
    "__printf",
    "__scanf",
    "__section",
    "__acquires",
    "__releases",
    "__must_hold",
    "__cond_acquires",
    "__alloc_size",
    "__declspec",
];

/// Integer typedefs the kernel headers use without declaring (name, C type).
pub const PRELUDE_TYPEDEFS: [(&str, &str); 52] = [
    ("int8_t", "signed char"),
    ("int16_t", "short"),
    ("int32_t", "int"),
    ("int64_t", "long"),
    ("uint8_t", "unsigned char"),
    ("uint16_t", "unsigned short"),
    ("uint32_t", "unsigned int"),
    ("uint64_t", "unsigned long"),
    ("u_int8_t", "unsigned char"),
    ("u_int16_t", "unsigned short"),
    ("u_int32_t", "unsigned int"),
    ("u_int64_t", "unsigned long"),
    ("u8", "unsigned char"),
    ("u16", "unsigned short"),
    ("u32", "unsigned int"),
    ("u64", "unsigned long"),
    ("s8", "signed char"),
    ("s16", "short"),
    ("s32", "int"),
    ("s64", "long"),
    ("__u8", "unsigned char"),
    ("__u16", "unsigned short"),
    ("__u32", "unsigned int"),
    ("__u64", "unsigned long"),
    ("__s8", "signed char"),
    ("__s16", "short"),
    ("__s32", "int"),
    ("__s64", "long"),
    ("__be16", "unsigned short"),
    ("__be32", "unsigned int"),
    ("__be64", "unsigned long"),
    ("__le16", "unsigned short"),
    ("__le32", "unsigned int"),
    ("__le64", "unsigned long"),
    ("__sum16", "unsigned short"),
    ("__wsum", "unsigned int"),
    ("itt_t", "unsigned int"),
    ("sector_t", "unsigned long"),
    ("size_t", "unsigned long"),
    ("ssize_t", "long"),
    ("uintptr_t", "unsigned long"),
    ("intptr_t", "long"),
    ("ulong", "unsigned long"),
    ("uint", "unsigned int"),
    ("bool", "_Bool"),
    ("aligned_u64", "unsigned long"),
    ("aligned_be64", "unsigned long"),
    ("aligned_le64", "unsigned long"),
    ("__kernel_size_t", "unsigned long"),
    ("__kernel_ssize_t", "long"),
    ("uintmax_t", "unsigned long"),
    ("intmax_t", "long"),
];

/// The prelude as one line of C, with no newline: prepended to the first line of
/// the header, it keeps every line number; offsets shift by its length. `extra`
/// are further typedef names (from included files); lang-c only needs to know
/// they name types, so they are declared as `int`.
pub fn prelude(extra: &[&str]) -> String {
    let mut s = String::new();
    let all = PRELUDE_TYPEDEFS
        .iter()
        .copied()
        .chain(extra.iter().map(|n| (*n, "int")));
    for (name, ty) in all {
        s.push_str("typedef ");
        s.push_str(ty);
        s.push(' ');
        s.push_str(name);
        s.push_str("; ");
    }
    s
}

/// Names a `typedef` declares, found without a C parser (a fallback for included
/// files lang-c cannot parse): in each `typedef ... ;` at file level, the name
/// after `(*` for a function pointer, else the last identifier outside brackets.
pub fn scan_typedef_names(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut names = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    let mut in_typedef = false;
    let (mut last, mut fn_ptr): (Option<&str>, Option<&str>) = (None, None);
    let mut paren = 0usize;
    let mut bracket = 0usize;
    let mut prev_star_paren = false;
    while let Some(&c) = b.get(i) {
        if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while b
                .get(i)
                .is_some_and(|x| x.is_ascii_alphanumeric() || *x == b'_')
            {
                i += 1;
            }
            let word = text.get(start..i).unwrap_or_default();
            if depth == 0 && word == "typedef" {
                in_typedef = true;
                (last, fn_ptr) = (None, None);
            } else if in_typedef && depth == 0 && bracket == 0 {
                if prev_star_paren && fn_ptr.is_none() {
                    fn_ptr = Some(word);
                }
                if paren == 0 {
                    last = Some(word);
                }
            }
            prev_star_paren = false;
            continue;
        }
        match c {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            b'(' => paren += 1,
            b')' => paren = paren.saturating_sub(1),
            b'[' => bracket += 1,
            b']' => bracket = bracket.saturating_sub(1),
            b';' if depth == 0 && in_typedef => {
                if let Some(n) = fn_ptr.or(last) {
                    names.push(n.to_string());
                }
                in_typedef = false;
                paren = 0;
                bracket = 0;
            }
            _ => {}
        }
        if !c.is_ascii_whitespace() {
            prev_star_paren = c == b'*' && paren > 0;
        }
        i += 1;
    }
    names
}

/// Blanks kernel annotations in `text` (comments and directives already blanked),
/// in place and length-preserving. String and character literals are left alone.
pub fn neutralise(text: &mut [u8]) {
    let mut i = 0;
    while let Some(&c) = text.get(i) {
        if c == b'"' || c == b'\'' {
            i += 1;
            while let Some(&x) = text.get(i) {
                i += if x == b'\\' { 2 } else { 1 };
                if x == c || x == b'\n' {
                    break;
                }
            }
            continue;
        }
        let starts_word = c.is_ascii_alphabetic() || c == b'_';
        let after_word = i > 0
            && text
                .get(i - 1)
                .is_some_and(|p| p.is_ascii_alphanumeric() || *p == b'_');
        if !starts_word || after_word {
            i += 1;
            continue;
        }
        let mut j = i;
        while text
            .get(j)
            .is_some_and(|x| x.is_ascii_alphanumeric() || *x == b'_')
        {
            j += 1;
        }
        let word = std::str::from_utf8(text.get(i..j).unwrap_or_default()).unwrap_or_default();
        if WORDS.contains(&word) {
            blank(text, i, j);
        } else if CALLS.contains(&word) {
            let end = balanced_parens(text, j).unwrap_or(j);
            blank(text, i, end);
            j = end;
        }
        i = j;
    }
}

/// If `(` follows `from` (after blanks), the offset past its matching `)`.
fn balanced_parens(text: &[u8], from: usize) -> Option<usize> {
    let mut k = from;
    while text.get(k).is_some_and(|x| x.is_ascii_whitespace()) {
        k += 1;
    }
    if text.get(k) != Some(&b'(') {
        return None;
    }
    let mut depth = 0usize;
    while let Some(&x) = text.get(k) {
        match x {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(k + 1);
                }
            }
            _ => {}
        }
        k += 1;
    }
    None
}

fn blank(text: &mut [u8], start: usize, end: usize) {
    for x in text.iter_mut().take(end).skip(start) {
        if *x != b'\n' {
            *x = b' ';
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanks_annotations() {
        let src = "struct s { __be32 x; } __attribute__ ((aligned (sizeof(uint64_t)))) __packed;\ntypedef uint32_t __bitwise itt_t; int my__packed; char *p = \"__packed\";";
        let mut b = src.as_bytes().to_vec();
        neutralise(&mut b);
        let out = String::from_utf8(b).unwrap_or_default();
        assert_eq!(out.len(), src.len());
        let first: Vec<&str> = out
            .lines()
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .collect();
        assert_eq!(first, ["struct", "s", "{", "__be32", "x;", "}", ";"]);
        assert!(out.contains("typedef uint32_t           itt_t;"));
        assert!(out.contains("my__packed") && out.contains("\"__packed\""));
        assert!(!prelude(&["x_t"]).contains('\n'));
        let names = scan_typedef_names(
            "typedef unsigned long ulong_t; typedef struct { int a; } s_t; typedef void (*cb_t)(int x); typedef char buf_t[16]; struct q { int typedef_not; };",
        );
        assert_eq!(names, ["ulong_t", "s_t", "cb_t", "buf_t"]);
    }
}
