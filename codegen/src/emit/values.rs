//! The value newtype: `pub struct IscsiErr(pub u32)` with one associated const per
//! C name, `PREFIX`, the sorted `TABLE`, lookups, conversions, `Display` and
//! `Debug`. Flags and keyed families are the same newtype with a different
//! `Display` and a few extra methods, passed in as a [`Shape`].

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::Result;

use super::common::release_lits;
use super::ident::{
    At, allow_case, code, comment_lines, doc_attrs, ident, needs_allow_case, push_doc_lines,
    str_lit,
};
use super::literal::{value_lit, value_text};
use super::plan::{EntryPlan, FamilyPlan, ReleasePlan};

/// Associated items every newtype defines; a C name equal to one is an error.
const ASSOCIATED: &[&str] = &[
    "PREFIX",
    "TABLE",
    "new",
    "get",
    "row",
    "raw_entry",
    "rows",
    "entry",
    "entry_in",
    "name",
    "name_in",
    "doc",
    "since",
    "until",
    "from_name",
    "from_name_in",
    "known_in",
];

/// What a kind adds to the plain value newtype.
pub struct Shape {
    /// The first doc line of the struct.
    pub summary: String,
    /// Extra associated items (methods, private consts).
    pub methods: TokenStream,
    /// Extra trait impls.
    pub impls: TokenStream,
    /// The doc of the `Display` impl.
    pub display_doc: String,
    /// The body of `Display::fmt`; empty when `impls` brings its own `Display`.
    pub display_body: TokenStream,
    /// Names of the extra associated items, which C names must not take.
    pub reserved: &'static [&'static str],
    /// Minimum hex digits of literals that print in hex.
    pub hex_width: usize,
    /// Whether const docs name the class and detail (keyed families).
    pub keyed: bool,
}

/// The shape of a plain `Values` family.
pub fn plain(p: &FamilyPlan) -> Shape {
    let hex = display_hex(p);
    let num = |v: i128| {
        if hex {
            format!("{v:#04x}")
        } else {
            v.to_string()
        }
    };
    let example = p
        .entries
        .last()
        .map(|e| format!("{} {}", num(e.value), e.name));
    let unknown = p
        .entries
        .last()
        .map(|e| e.value + 1)
        .filter(|v| p.ty.fits(*v))
        .map(|v| format!("{} {}???", num(v), p.strip));
    let display_body = if hex {
        quote! {
            match self.name() {
                Some(n) => write!(f, "{:#04x} {}", self.0, n),
                None => write!(f, "{:#04x} {}???", self.0, Self::PREFIX),
            }
        }
    } else {
        quote! {
            match self.name() {
                Some(n) => write!(f, "{} {}", self.0, n),
                None => write!(f, "{} {}???", self.0, Self::PREFIX),
            }
        }
    };
    let display_doc = match (example, unknown) {
        (Some(e), Some(u)) => format!("{}; an unknown value prints as {}.", code(&e), code(&u)),
        (Some(e), None) => format!(
            "{}; an unknown value prints its number and `PREFIX???`.",
            code(&e)
        ),
        _ => String::from("The number, then the C name or `PREFIX???`."),
    };
    Shape {
        summary: format!(
            "A value of {}{}. Holds any `{}`, known or not.",
            describe(p),
            location(p),
            p.ty
        ),
        methods: TokenStream::new(),
        impls: TokenStream::new(),
        display_doc,
        display_body,
        reserved: &[],
        hex_width: 2,
        keyed: false,
    }
}

/// Whether a values family prints in hex, as its C source writes it: the spec's
/// `hex`, else when every non-negative value was written as a hex literal (`0x23`).
pub fn display_hex(p: &FamilyPlan) -> bool {
    let written: Vec<&EntryPlan> = p
        .entries
        .iter()
        .filter(|e| !e.expr.trim().is_empty())
        .collect();
    match p.hex {
        Some(h) => h && p.entries.iter().all(|e| e.value >= 0),
        None => !written.is_empty() && written.iter().all(|e| e.hex),
    }
}

/// How the C side is named in docs: ``C `enum iscsi_err` `` or `` `ISCSI_OP_*` ``.
pub fn describe(p: &FamilyPlan) -> String {
    if p.is_enum {
        format!("C {}", code(&p.c_name))
    } else {
        code(&p.c_name)
    }
}

/// ` (`include/scsi/iscsi_if.h:496`)`, or "" when the line is unknown.
pub fn location(p: &FamilyPlan) -> String {
    if p.line == 0 {
        String::new()
    } else {
        format!(" ({})", code(&format!("{}:{}", p.path, p.line)))
    }
}

/// The doc of one associated const: the header comment, the C definition, and when
/// it has not been in every tracked release, where it was.
pub fn entry_doc_in(
    p: &FamilyPlan,
    e: &EntryPlan,
    suffix: &str,
    releases: &[ReleasePlan],
) -> Vec<String> {
    let mut lines = entry_doc(e, suffix);
    let label = |i: usize| ReleasePlan::label_of(releases, i);
    let last = releases.len().saturating_sub(1);
    let span = |x: &EntryPlan| match (x.since, x.until) {
        (0, u) if u == last => String::from("every tracked release"),
        (s, u) if u == last => format!("{} on", label(s)),
        (s, u) if s == u => label(s).to_string(),
        (s, u) => format!("{} … {}", label(s), label(u)),
    };
    let others: Vec<String> = p
        .entries
        .iter()
        .filter(|x| x.name == e.name && !x.current)
        .map(|x| format!("{} ({})", x.value, span(x)))
        .collect();
    if (e.since, e.until) != (0, last) || !others.is_empty() {
        // On the definition's line: a doc line is a token whatever its length.
        let mut l = format!(" In {}", span(e));
        if !others.is_empty() {
            l.push_str(&format!("; other values: {}", others.join(", ")));
        }
        l.push('.');
        if let Some(def) = lines.last_mut() {
            def.push_str(&l);
        }
    }
    lines
}

/// The doc of one associated const: the header comment, then the C definition.
pub fn entry_doc(e: &EntryPlan, suffix: &str) -> Vec<String> {
    let mut lines = comment_lines(&e.doc);
    if !lines.is_empty() {
        lines.push(String::new());
    }
    let def = if e.expr.trim().is_empty() {
        format!("{} (implicit {}){suffix}.", code(&e.name), e.value)
    } else {
        format!("{} = {}{suffix}.", code(&e.name), code(&e.expr))
    };
    lines.push(def);
    lines
}

/// Fails when a C name would collide with a generated associated item.
pub fn check_reserved(p: &FamilyPlan, extra: &[&str]) -> Result<()> {
    for e in &p.entries {
        if ASSOCIATED.contains(&e.rust.as_str()) || extra.contains(&e.rust.as_str()) {
            let at = At {
                file: &p.path,
                line: e.line,
            };
            return Err(at.error(format!(
                "C name `{}` collides with the generated item `{}::{}`; rename it in the spec",
                e.name, p.rust_name, e.rust
            )));
        }
    }
    Ok(())
}

/// The newtype, its impls and the given shape's additions.
pub fn newtype(p: &FamilyPlan, shape: Shape, releases: &[ReleasePlan]) -> Result<TokenStream> {
    Ok(newtype_parts(p, shape, releases, false)?.0)
}

/// The line prettyplease prints for the const that stands for the associated
/// consts in the tokens of [`newtype_parts`] (text mode).
pub const CONSTS_MARKER: &str = "    const __ISCSI_EMIT_CONSTS__: () = ();\n";

/// The line prettyplease prints for the empty `TABLE` that stands for the rows in
/// the tokens of [`newtype_parts`] (text mode; a family with rows only).
pub const TABLE_MARKER: &str = "    pub const TABLE: &'static [Entry<Self>] = &[];\n";

/// Widest line (indent included) prettyplease keeps whole: its margin.
const MARGIN: usize = 89;

/// Longest `const` declaration line (indent included, newline not) rendered as
/// text; a longer one goes through prettyplease. Inside `MARGIN`.
pub const DECL_MAX: usize = 84;

/// Text that replaces the markers in the printed newtype.
pub struct Spliced {
    /// The associated consts, for [`CONSTS_MARKER`].
    pub consts: String,
    /// The `TABLE` const, for [`TABLE_MARKER`].
    pub table: String,
}

impl Spliced {
    /// `printed` with each marker line (exactly once each) replaced by its text.
    pub fn apply(&self, printed: &str) -> Option<String> {
        let c = printed.find(CONSTS_MARKER)?;
        let t = printed.find(TABLE_MARKER)?;
        if c >= t
            || printed[c + 1..].contains(CONSTS_MARKER)
            || printed[t + 1..].contains(TABLE_MARKER)
        {
            return None;
        }
        let mut out = String::with_capacity(printed.len() + self.consts.len() + self.table.len());
        out.push_str(&printed[..c]);
        out.push_str(&self.consts);
        out.push_str(&printed[c + CONSTS_MARKER.len()..t]);
        out.push_str(&self.table);
        out.push_str(&printed[t + TABLE_MARKER.len()..]);
        Some(out)
    }
}

/// The text of one `TABLE` row as prettyplease prints it inside a broken array at
/// indent 8: on one line when it fits the margin (the `,` after a row counts,
/// except after the last, where it is only printed because the array broke),
/// else one argument per line.
pub fn push_row(out: &mut String, args: &[String], last: bool) {
    let one_line = 8
        + "Self::row()".len()
        + args.iter().map(String::len).sum::<usize>()
        + 2 * args.len().saturating_sub(1)
        + usize::from(!last);
    if one_line <= MARGIN {
        out.push_str("        Self::row(");
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(a);
        }
        out.push_str("),\n");
    } else {
        out.push_str("        Self::row(\n");
        for a in args {
            out.push_str("            ");
            out.push_str(a);
            out.push_str(",\n");
        }
        out.push_str("        ),\n");
    }
}

/// The associated consts and `TABLE` rows of `p` as text, or `None` when some line
/// of them might print differently (a long const line, a table short enough that
/// its array might stay on one line). Every error the token path reports is
/// reported here too, in the same order.
fn entries_text(
    p: &FamilyPlan,
    shape: &Shape,
    releases: &[ReleasePlan],
) -> Result<Option<Spliced>> {
    if p.entries.is_empty() {
        return Ok(None);
    }
    let mut consts = String::new();
    let mut row_args: Vec<[String; 6]> = Vec::with_capacity(p.entries.len());
    let mut fits = true;
    for e in &p.entries {
        let at = At {
            file: &p.path,
            line: e.line,
        };
        let id = ident(&e.rust, at)?;
        let v = value_text(e.value, e.hex, shape.hex_width);
        if e.current {
            let suffix = if shape.keyed {
                format!(", class {} detail {}", e.value >> 8, e.value & 0xff)
            } else {
                String::new()
            };
            let decl = format!("    pub const {id}: Self = Self({v});\n");
            // Inside the margin, so it prints on one line.
            fits &= decl.len() <= DECL_MAX + 1;
            push_doc_lines(&entry_doc_in(p, e, &suffix, releases), "    ", &mut consts);
            if needs_allow_case(&e.rust) {
                consts.push_str("    #[allow(non_upper_case_globals)]\n");
            }
            consts.push_str(&decl);
        }
        row_args.push([
            v,
            str_lit(&e.name).to_string(),
            str_lit(e.doc.trim()).to_string(),
            str_lit(e.expr.trim()).to_string(),
            ReleasePlan::row_name(releases, e.since).to_string(),
            ReleasePlan::row_name(releases, e.until).to_string(),
        ]);
    }
    // The whole const on one line must overflow by far, so the array breaks.
    let flat = TABLE_MARKER.len()
        + row_args
            .iter()
            .map(|a| "Self::row()".len() + a.iter().map(|x| x.len() + 2).sum::<usize>())
            .sum::<usize>();
    if !fits || flat <= 2 * MARGIN {
        return Ok(None);
    }
    let mut table = String::with_capacity(flat + 16 * row_args.len());
    table.push_str("    pub const TABLE: &'static [Entry<Self>] = &[\n");
    for (i, a) in row_args.iter().enumerate() {
        push_row(&mut table, a, i + 1 == row_args.len());
    }
    table.push_str("    ];\n");
    Ok(Some(Spliced { consts, table }))
}

/// The newtype, its impls and the given shape's additions. With `text`, the
/// associated consts and the `TABLE` rows are rendered straight to text when
/// `entries_text` can (the tokens then hold the markers [`Spliced::apply`]
/// replaces); otherwise everything is tokens.
pub fn newtype_parts(
    p: &FamilyPlan,
    shape: Shape,
    releases: &[ReleasePlan],
    text: bool,
) -> Result<(TokenStream, Option<Spliced>)> {
    check_reserved(p, shape.reserved)?;
    let spliced = if text {
        entries_text(p, &shape, releases)?
    } else {
        None
    };
    let name = format_ident!("{}", p.rust_name);
    let ty = format_ident!("{}", p.ty.name());
    let mut struct_doc = vec![shape.summary.clone()];
    let family_doc = comment_lines(&p.doc);
    if !family_doc.is_empty() {
        struct_doc.push(String::new());
        struct_doc.extend(family_doc);
    }
    let struct_doc = doc_attrs(&struct_doc);
    let mut consts = Vec::new();
    let mut rows = Vec::new();
    for e in p.entries.iter().filter(|_| spliced.is_none()) {
        let at = At {
            file: &p.path,
            line: e.line,
        };
        let id = ident(&e.rust, at)?;
        let allow = allow_case(&e.rust);
        let suffix = if shape.keyed {
            format!(", class {} detail {}", e.value >> 8, e.value & 0xff)
        } else {
            String::new()
        };
        let v = value_lit(e.value, e.hex, shape.hex_width);
        if e.current {
            let doc = doc_attrs(&entry_doc_in(p, e, &suffix, releases));
            consts.push(quote! {
                #doc
                #allow
                pub const #id: Self = Self(#v);
            });
        }
        let n = str_lit(&e.name);
        let d = str_lit(e.doc.trim());
        let x = str_lit(e.expr.trim());
        let (since, until) = release_lits(e, releases);
        rows.push(quote! { Self::row(#v, #n, #d, #x, #since, #until) });
    }
    if spliced.is_some() {
        consts.push(quote! { const __ISCSI_EMIT_CONSTS__: () = (); });
    }
    let prefix = str_lit(&p.strip);
    let display_doc = doc_attrs(&[shape.display_doc.as_str()]);
    let display_body = &shape.display_body;
    let display = if display_body.is_empty() {
        TokenStream::new()
    } else {
        quote! {
            #display_doc
            impl core::fmt::Display for #name {
                fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                    #display_body
                }
            }
        }
    };
    let methods = &shape.methods;
    let impls = &shape.impls;
    let tokens = quote! {
        #struct_doc
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[repr(transparent)]
        pub struct #name(pub #ty);

        impl #name {
            #(#consts)*
            /// The prefix shared by the C names, stripped by short lookups.
            pub const PREFIX: &'static str = #prefix;
            /// Every known value, sorted by value then name.
            pub const TABLE: &'static [Entry<Self>] = &[#(#rows),*];
            #methods
        }

        family_impls!(#name, #ty);

        #display

        #impls
    };
    Ok((tokens, spliced))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`push_row`] breaks rows exactly where prettyplease does, for every length
    /// around the margin, in the middle of the table and as its last row.
    #[test]
    fn rows_break_like_prettyplease() {
        let short = "Self::row(1, \"A\", \"\", \"\", 0, 1)";
        for len in 1..60 {
            let name = "N".repeat(len);
            let args = [
                "0x01".to_string(),
                str_lit(&name).to_string(),
                str_lit("doc \"q\" \\ é").to_string(),
                str_lit("1 << 2").to_string(),
                "3".to_string(),
                "76".to_string(),
            ];
            let row = format!(
                "Self::row({}, {}, {}, {}, {}, {})",
                args[0], args[1], args[2], args[3], args[4], args[5]
            );
            for last in [false, true] {
                let rows = if last {
                    format!("{short}, {short}, {short}, {row}")
                } else {
                    format!("{short}, {short}, {row}, {short}")
                };
                let src =
                    format!("impl X {{ pub const TABLE: &'static [Entry<Self>] = &[{rows}]; }}");
                let printed = prettyplease::unparse(&syn::parse_file(&src).unwrap());
                let mut ours = String::new();
                push_row(&mut ours, &args, last);
                assert!(printed.contains(&ours), "{len} {last}:\n{printed}\n{ours}");
            }
        }
    }

    /// A const declaration up to [`DECL_MAX`] long prints on one line, in an impl
    /// and at module level.
    #[test]
    fn const_lines_up_to_the_limit_stay_whole() {
        for len in 1..80 {
            let name = "N".repeat(len);
            let line = format!("    pub const {name}: Self = Self(-0x01);");
            if line.len() > DECL_MAX {
                continue;
            }
            let src = format!("impl X {{\n{line}\n}}\n");
            let printed = prettyplease::unparse(&syn::parse_file(&src).unwrap());
            assert_eq!(printed, src);
            let top = format!("pub const {name}: u32 = 0x0001;\n");
            let printed = prettyplease::unparse(&syn::parse_file(&top).unwrap());
            assert_eq!(printed, top);
        }
    }
}
