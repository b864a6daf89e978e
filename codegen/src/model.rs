//! The model of one kernel header: every enum, every integer `#define`, where each
//! came from and what its comment says. The front end builds it, the family stage
//! annotates it, the emitter reads it, and `iscsi-codegen dump --json` prints it.
//! Tools outside the project read that JSON, so field names here are an interface.

use serde::{Deserialize, Serialize};

/// A position in a source file. Lines and columns are 1-based, as `grep -n` and
/// compilers print them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column (in bytes).
    pub column: u32,
}

impl Location {
    /// The line and column where byte `span.start` of `text` is (a spec file's entry, from
    /// its TOML span).
    pub fn of_span(text: &str, span: std::ops::Range<usize>) -> Location {
        let start = span.start.min(text.len());
        let before = text.get(..start).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        Location {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }
}

/// Where a header came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The label of the tracked source (`linux-6.12`), or the file name for an
    /// ad-hoc `--header FILE`.
    pub label: String,
    /// The header's path as the kernel knows it (`include/scsi/iscsi_if.h`), or the
    /// path given on the command line.
    pub path: String,
    /// Lower-case hex sha256 of the header's bytes.
    pub sha256: String,
}

/// Everything extracted from one header file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Where the header came from.
    pub source: Source,
    /// `#include` directives, in file order.
    #[serde(default)]
    pub includes: Vec<Include>,
    /// Every enum, in file order (anonymous ones too).
    pub enums: Vec<Enum>,
    /// Every object-like `#define` whose body is an integer constant expression,
    /// in file order. Include guards, strings and function-like macros are not here.
    pub defines: Vec<Define>,
}

/// An `#include` directive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Include {
    /// The text between the delimiters: `scsi/iscsi_proto.h`.
    pub path: String,
    /// `true` for `<...>`, `false` for `"..."`.
    pub system: bool,
    /// 1-based line of the directive.
    pub line: u32,
}

/// A C enum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enum {
    /// The tag (`iscsi_err`), or `None` for `enum { ... }`.
    pub name: Option<String>,
    /// The comment right above the enum, cleaned of `/*`, `*/` and leading `*`.
    pub doc: Option<String>,
    /// 1-based line of the `enum` keyword.
    pub line: u32,
    /// The enumerators in declaration order.
    pub enumerators: Vec<Enumerator>,
}

/// One enumerator of a C enum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enumerator {
    /// The C name: `ISCSI_ERR_NOP_TIMEDOUT`.
    pub name: String,
    /// The value the C compiler gives it.
    pub value: i128,
    /// The initializer as written, whitespace-normalised (`ISCSI_ERR_BASE + 22`),
    /// or `None` when the value is implicit (previous + 1, or 0 for the first).
    pub expr: Option<String>,
    /// The comment attached to it (leading, or trailing on the same line).
    pub doc: Option<String>,
    /// 1-based line of the name.
    pub line: u32,
}

/// An object-like `#define` with an integer value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Define {
    /// The macro name: `ISCSI_OP_LOGIN`.
    pub name: String,
    /// The value the C compiler gives the expansion.
    pub value: i128,
    /// The body as written, whitespace-normalised, comments removed (`0x03`).
    pub expr: String,
    /// The family the spec assigns it to (filled by the family stage; `None` straight
    /// out of the front end or for an explicitly excluded name).
    pub family: Option<String>,
    /// The comment attached to it (trailing on the same line, possibly continued on
    /// the following lines, or leading on the line(s) above).
    pub doc: Option<String>,
    /// The nearest section comment above it (a comment on lines of its own, separated
    /// from the define by nothing but blank lines and other defines): `Class-2
    /// (Initiator Error)`. Families use it to split prefixes into sections.
    pub section: Option<String>,
    /// 1-based line of the `#define`.
    pub line: u32,
}

impl Header {
    /// Finds an enumerator by C name, with its enum.
    pub fn enumerator(&self, name: &str) -> Option<(&Enum, &Enumerator)> {
        self.enums.iter().find_map(|e| {
            e.enumerators
                .iter()
                .find(|x| x.name == name)
                .map(|x| (e, x))
        })
    }

    /// Finds an integer `#define` by name.
    pub fn define(&self, name: &str) -> Option<&Define> {
        self.defines.iter().find(|d| d.name == name)
    }

    /// The total number of enumerators across all enums.
    pub fn enumerator_count(&self) -> usize {
        self.enums.iter().map(|e| e.enumerators.len()).sum()
    }
}
