//! A uniform view of every space's known values, so lookups by value and by name, listings
//! and suggestions walk one shape whatever table a space comes from.

use super::Space;
use super::host_byte::{self, HostByte};
use super::iscsiadm::{self, IscsiadmError};
use super::parse::strip_prefix_ci;
use super::space::NAMED;
use crate::iscsi_if::{self, FamilyKind};
use crate::iscsi_proto;

/// The headers whose generated tables we walk.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Header {
    If,
    Proto,
}

/// A generated family of either header. Each generated file has its own `Family` type
/// (every file stands alone), so this is the one view over both.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Fam {
    header: Header,
    index: usize,
}

macro_rules! with_family {
    ($fam:expr, |$f:ident| $body:expr) => {
        match $fam.header {
            Header::If => {
                let $f = &iscsi_if::FAMILIES[$fam.index];
                $body
            }
            Header::Proto => {
                let $f = &iscsi_proto::FAMILIES[$fam.index];
                $body
            }
        }
    };
}

impl Fam {
    pub(crate) fn rust_name(self) -> &'static str {
        with_family!(self, |f| f.rust_name)
    }
    pub(crate) fn c_name(self) -> &'static str {
        with_family!(self, |f| f.c_name)
    }
    pub(crate) fn prefix(self) -> &'static str {
        with_family!(self, |f| f.prefix)
    }
    pub(crate) fn doc(self) -> &'static str {
        with_family!(self, |f| f.doc)
    }
    pub(crate) fn len(self) -> usize {
        with_family!(self, |f| f.len)
    }
    pub(crate) fn kind(self) -> FamilyKind {
        match self.header {
            Header::If => iscsi_if::FAMILIES[self.index].kind,
            Header::Proto => match iscsi_proto::FAMILIES[self.index].kind {
                iscsi_proto::FamilyKind::Values => FamilyKind::Values,
                iscsi_proto::FamilyKind::Flags => FamilyKind::Flags,
                iscsi_proto::FamilyKind::Keyed => FamilyKind::Keyed,
                iscsi_proto::FamilyKind::Constants => FamilyKind::Constants,
            },
        }
    }
    pub(crate) fn entry(self, i: usize) -> Option<Known> {
        with_family!(self, |f| (f.entry)(i).map(|e| Known {
            value: e.value,
            name: e.name,
            doc: e.doc,
            era: (e.until.0, e.since.0),
        }))
    }
}

/// Every generated family of every header, in header order.
pub(crate) fn all() -> impl Iterator<Item = Fam> {
    let ifs = (0..iscsi_if::FAMILIES.len()).map(|index| Fam {
        header: Header::If,
        index,
    });
    let protos = (0..iscsi_proto::FAMILIES.len()).map(|index| Fam {
        header: Header::Proto,
        index,
    });
    ifs.chain(protos)
}

/// One known value of a space: the value widened to i128, its name and the header's comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Known {
    pub value: i128,
    pub name: &'static str,
    pub doc: &'static str,
    /// The row's era, `(until, since)` as release indexes: a name that was renumbered
    /// has one row per value it had, and the greatest era is the name's current value.
    pub era: (u16, u16),
}

/// The number of known values (rows, aliases included) of a space.
pub(crate) fn len(space: Space) -> usize {
    match space {
        Space::IscsiadmError => iscsiadm::TABLE.len(),
        Space::HostByte => host_byte::TABLE.len(),
        Space::IscsiErr => iscsi_if::IscsiErr::TABLE.len(),
        Space::ConnState => iscsi_if::IscsiConnState::TABLE.len(),
        _ => space.family().map_or(0, Fam::len),
    }
}

/// The i-th known value of a space (sorted by value, then name).
pub(crate) fn nth(space: Space, i: usize) -> Option<Known> {
    match space {
        Space::IscsiadmError => iscsiadm::TABLE.get(i).map(|r| Known {
            value: i128::from(r.code.0),
            name: r.name,
            doc: "",
            era: (0, 0),
        }),
        Space::HostByte => host_byte::TABLE.get(i).map(|r| Known {
            value: i128::from(r.code.0),
            name: r.name,
            doc: r.comment,
            era: (0, 0),
        }),
        Space::IscsiErr => iscsi_if::IscsiErr::TABLE.get(i).map(|e| Known {
            value: i128::from(e.value.0),
            name: e.name,
            doc: e.doc,
            era: (e.until.0, e.since.0),
        }),
        Space::ConnState => iscsi_if::IscsiConnState::TABLE.get(i).map(|e| Known {
            value: i128::from(e.value.0),
            name: e.name,
            doc: e.doc,
            era: (e.until.0, e.since.0),
        }),
        _ => space.family()?.entry(i),
    }
}

/// Every row of a space, old eras included.
fn rows(space: Space) -> impl Iterator<Item = Known> {
    (0..len(space)).map_while(move |i| nth(space, i))
}

/// Every known value of a space under its current name: a row whose name has a newer row
/// (the name was renumbered since) is left out, so each name appears once, at the value
/// the newest release that has it gives it.
pub(crate) fn iter(space: Space) -> impl Iterator<Item = Known> {
    iter_eras(space, false)
}

/// [`iter`], or with `every_era` every row: a renumbered name once per value it has had.
pub(crate) fn iter_eras(space: Space, every_era: bool) -> impl Iterator<Item = Known> {
    rows(space).filter(move |k| {
        every_era || !rows(space).any(|o| o.name == k.name && o.value != k.value && o.era > k.era)
    })
}

/// The row that names a value: the newest release's name for it, even when that name
/// was later renumbered (an old log still decodes).
pub(crate) fn find(space: Space, value: i128) -> Option<Known> {
    if space == Space::IscsiadmError {
        let code = u8::try_from(value).ok()?;
        return IscsiadmError(code).row().map(|r| Known {
            value,
            name: r.name,
            doc: "",
            era: (0, 0),
        });
    }
    if space == Space::HostByte {
        return HostByte(u8::try_from(value).ok()?).row().map(|r| Known {
            value,
            name: r.name,
            doc: r.comment,
            era: (0, 0),
        });
    }
    rows(space).find(|k| k.value == value)
}

/// How each space maps onto a generated family or one of our own tables.
impl Space {
    /// The generated family behind this space, if the tables have one.
    pub(crate) fn family(self) -> Option<Fam> {
        let name = self.rust_name()?;
        all().find(|f| f.rust_name() == name)
    }

    /// The header's comment above this family, or "".
    pub fn doc(self) -> &'static str {
        self.family().map_or("", Fam::doc)
    }

    /// What the C side calls this space: `enum iscsi_err`, `ISCSI_OP_* (#define)`, or
    /// `enum iscsi_error_list (open-iscsi include/iscsi_err.h)` for iscsiadm's codes.
    pub fn c_name(self) -> &'static str {
        match self {
            Space::IscsiadmError => "enum iscsi_error_list (open-iscsi include/iscsi_err.h)",
            Space::HostByte => "enum scsi_host_status (scsi_status.h)",
            _ => self.family().map_or("", Fam::c_name),
        }
    }

    /// The prefix shared by the C names of this space (stripped by short name lookups and
    /// used to print an unknown value as `1099 ISCSI_ERR_???`).
    pub fn prefix(self) -> &'static str {
        match self {
            Space::IscsiadmError => IscsiadmError::PREFIX,
            Space::HostByte => HostByte::PREFIX,
            _ => self.family().map_or("", Fam::prefix),
        }
    }

    /// How the family's values combine (values, flags, keyed pairs or unrelated constants).
    pub fn kind(self) -> FamilyKind {
        match self {
            Space::IscsiadmError | Space::HostByte => FamilyKind::Values,
            _ => self.family().map_or(FamilyKind::Values, Fam::kind),
        }
    }

    /// Finds a space by its identifier, an alias, or (for any generated family) its Rust type
    /// name or C name, ignoring case: `state`, `conn_state`, `IscsiParam`, `enum iscsi_param`.
    pub fn parse(word: &str) -> Option<Space> {
        let word = word.trim();
        let bare = strip_prefix_ci(word, "enum ").unwrap_or(word);
        for &s in NAMED {
            if s.as_str().eq_ignore_ascii_case(word)
                || s.aliases().iter().any(|a| a.eq_ignore_ascii_case(word))
            {
                return Some(s);
            }
        }
        let fam = all().find(|f| {
            f.rust_name().eq_ignore_ascii_case(bare)
                || f.c_name().eq_ignore_ascii_case(word)
                || strip_prefix_ci(f.c_name(), "enum ")
                    .is_some_and(|c| c.eq_ignore_ascii_case(bare))
        })?;
        Some(Space::of_family(fam))
    }

    /// The space that owns a generated family: the named space if one maps to it, else
    /// [`Space::Other`].
    pub(crate) fn of_family(fam: Fam) -> Space {
        let name = fam.rust_name();
        NAMED
            .iter()
            .copied()
            .find(|s| s.rust_name() == Some(name))
            .unwrap_or(Space::Other(name))
    }

    /// Every space that has values: the named spaces whose family exists in the tables (and
    /// iscsiadm's own table), then every other generated family in header order.
    pub fn all() -> impl Iterator<Item = Space> {
        let named = NAMED.iter().copied().filter(|s| s.exists());
        let others = all()
            .map(Space::of_family)
            .filter(|s| matches!(s, Space::Other(_)));
        named.chain(others)
    }
}
