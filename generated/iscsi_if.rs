// PLACEHOLDER written by hand to fix the API shape; the emitter replaces this file.
// It must never be committed to main in this form once the emitter works.
//
// Shape rules for every generated file (see docs/generated-api.md):
// - no inner attributes or `//!` docs (the file is used through `include!`);
// - no `use` of anything outside `core`; compiles alone, no_std-friendly;
// - deterministic order; a banner naming each source label and sha256.

/// One known value of a family: the value, its C name, and the header's comment.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Entry<T: 'static> {
    /// The value.
    pub value: T,
    /// The C name, e.g. `ISCSI_ERR_NOP_TIMEDOUT`.
    pub name: &'static str,
    /// The header's comment for it, or "" when it has none.
    pub doc: &'static str,
    /// The C initializer or macro body as written, or "" when implicit.
    pub expr: &'static str,
}

/// What kind of number space a family is.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum FamilyKind {
    /// Distinct values (an enum, a code list).
    Values,
    /// Bits that combine with `|`.
    Flags,
    /// Values keyed by (class, detail) packed as `class << 8 | detail`.
    Keyed,
    /// Unrelated limits and sizes: named constants, no newtype semantics.
    Constants,
}

/// A uniform, untyped view of one entry, for code that walks every family.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct RawEntry {
    /// The value widened to i128.
    pub value: i128,
    /// The C name.
    pub name: &'static str,
    /// The header's comment, or "".
    pub doc: &'static str,
}

/// A description of one family, for code that walks every family.
#[derive(Clone, Copy)]
pub struct Family {
    /// The Rust type name: `IscsiErr`.
    pub rust_name: &'static str,
    /// What the C side calls it: `enum iscsi_err` or `ISCSI_OP_* (#define)`.
    pub c_name: &'static str,
    /// The common prefix of the C names, stripped for short lookups: `ISCSI_ERR_`.
    pub prefix: &'static str,
    /// The header comment above the enum or section, or "".
    pub doc: &'static str,
    /// Values, flags, keyed or constants.
    pub kind: FamilyKind,
    /// Number of known entries.
    pub len: usize,
    /// The i-th known entry (sorted by value, then name), or `None` past the end.
    pub entry: fn(usize) -> Option<RawEntry>,
}

/// A value of C `enum iscsi_err` (include/scsi/iscsi_if.h:496): the kernel's
/// connection error codes, reported as `detected conn error (1022)`. Holds any
/// `u32`, known or not.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(transparent)]
pub struct IscsiErr(pub u32);

impl IscsiErr {
    /// `ISCSI_OK` = `0`.
    pub const ISCSI_OK: Self = Self(0);
    /// `ISCSI_ERR_CONN_FAILED` = `ISCSI_ERR_BASE + 11`.
    pub const ISCSI_ERR_CONN_FAILED: Self = Self(1011);
    /// `ISCSI_ERR_TCP_CONN_CLOSE` = `ISCSI_ERR_BASE + 20`.
    pub const ISCSI_ERR_TCP_CONN_CLOSE: Self = Self(1020);
    /// `ISCSI_ERR_NOP_TIMEDOUT` = `ISCSI_ERR_BASE + 22`.
    pub const ISCSI_ERR_NOP_TIMEDOUT: Self = Self(1022);
    /// The prefix shared by the C names, stripped by short lookups.
    pub const PREFIX: &'static str = "ISCSI_ERR_";
    /// Every known value, sorted by value then name.
    pub const TABLE: &'static [Entry<Self>] = &[
        Entry { value: Self(0), name: "ISCSI_OK", doc: "", expr: "0" },
        Entry { value: Self(1011), name: "ISCSI_ERR_CONN_FAILED", doc: "", expr: "ISCSI_ERR_BASE + 11" },
        Entry { value: Self(1020), name: "ISCSI_ERR_TCP_CONN_CLOSE", doc: "", expr: "ISCSI_ERR_BASE + 20" },
        Entry { value: Self(1022), name: "ISCSI_ERR_NOP_TIMEDOUT", doc: "", expr: "ISCSI_ERR_BASE + 22" },
    ];
    /// Wraps any raw value.
    pub const fn new(value: u32) -> Self {
        Self(value)
    }
    /// The raw C value.
    pub const fn get(self) -> u32 {
        self.0
    }
    /// The table entry for this value, if it is a known one (the first by name on a tie).
    pub fn entry(self) -> Option<&'static Entry<Self>> {
        let i = Self::TABLE.partition_point(|e| e.value < self);
        Self::TABLE.get(i).filter(|e| e.value == self)
    }
    /// The C name, if known.
    pub fn name(self) -> Option<&'static str> {
        self.entry().map(|e| e.name)
    }
    /// The header's comment, if known and non-empty.
    pub fn doc(self) -> Option<&'static str> {
        self.entry().map(|e| e.doc).filter(|d| !d.is_empty())
    }
    /// Looks a value up by its exact C name (aliases included).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::TABLE.iter().find(|e| e.name == name).map(|e| e.value)
    }
}

impl From<u32> for IscsiErr {
    fn from(v: u32) -> Self {
        Self(v)
    }
}

impl From<IscsiErr> for u32 {
    fn from(v: IscsiErr) -> Self {
        v.0
    }
}

/// `1022 ISCSI_ERR_NOP_TIMEDOUT`; an unknown value prints as `1099 ISCSI_ERR_???`.
impl core::fmt::Display for IscsiErr {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{} {}", self.0, n),
            None => write!(f, "{} {}???", self.0, Self::PREFIX),
        }
    }
}

impl core::fmt::Debug for IscsiErr {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "IscsiErr({self})")
    }
}

/// The known values of `enum iscsi_err` as a Rust enum, for `match`. Convert with
/// `IscsiErrKnown::try_from(IscsiErr)` and `IscsiErr::from(IscsiErrKnown)`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[non_exhaustive]
#[repr(u32)]
pub enum IscsiErrKnown {
    /// `ISCSI_OK`.
    Ok = 0,
    /// `ISCSI_ERR_CONN_FAILED`.
    ConnFailed = 1011,
    /// `ISCSI_ERR_TCP_CONN_CLOSE`.
    TcpConnClose = 1020,
    /// `ISCSI_ERR_NOP_TIMEDOUT`.
    NopTimedout = 1022,
}

impl TryFrom<IscsiErr> for IscsiErrKnown {
    type Error = IscsiErr;
    fn try_from(v: IscsiErr) -> Result<Self, IscsiErr> {
        match v.0 {
            0 => Ok(Self::Ok),
            1011 => Ok(Self::ConnFailed),
            1020 => Ok(Self::TcpConnClose),
            1022 => Ok(Self::NopTimedout),
            _ => Err(v),
        }
    }
}

impl From<IscsiErrKnown> for IscsiErr {
    fn from(v: IscsiErrKnown) -> Self {
        Self(v as u32)
    }
}

/// A value of C `enum iscsi_conn_state` (include/scsi/iscsi_if.h:483). Holds any `u32`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(transparent)]
pub struct IscsiConnState(pub u32);

impl IscsiConnState {
    /// `ISCSI_CONN_STATE_FREE` (implicit 0).
    pub const ISCSI_CONN_STATE_FREE: Self = Self(0);
    /// `ISCSI_CONN_STATE_LOGGED_IN` (implicit 3).
    pub const ISCSI_CONN_STATE_LOGGED_IN: Self = Self(3);
    /// The prefix shared by the C names.
    pub const PREFIX: &'static str = "ISCSI_CONN_STATE_";
    /// Every known value, sorted by value then name.
    pub const TABLE: &'static [Entry<Self>] = &[
        Entry { value: Self(0), name: "ISCSI_CONN_STATE_FREE", doc: "", expr: "" },
        Entry { value: Self(3), name: "ISCSI_CONN_STATE_LOGGED_IN", doc: "", expr: "" },
    ];
    /// The C name, if known.
    pub fn name(self) -> Option<&'static str> {
        Self::TABLE.iter().find(|e| e.value == self).map(|e| e.name)
    }
}

/// Every family of this header, in header order.
pub static FAMILIES: &[Family] = &[Family {
    rust_name: "IscsiErr",
    c_name: "enum iscsi_err",
    prefix: "ISCSI_ERR_",
    doc: "Common error codes",
    kind: FamilyKind::Values,
    len: 4,
    entry: |i| {
        IscsiErr::TABLE.get(i).map(|e| RawEntry { value: e.value.0 as i128, name: e.name, doc: e.doc })
    },
}];
