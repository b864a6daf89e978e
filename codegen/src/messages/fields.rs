//! Which decoder field each printed argument of a message fills: the reviewed spec
//! `headers/message-fields.toml`, read like `headers/families.toml` is for constants.
//!
//! A message's conversions are its prefix's (filled by the logging call: `connection%d:%u: `
//! of `iscsi_conn_printk` prints the session and connection ids) and then its format's (one
//! argument expression each, as the facts record them: `session->id`, `conn->id`, `err`).
//! The spec names the field of each prefix by its logging call (`[[prefix]]`) and of each
//! argument expression (`[[field]]`), or says why an expression that looks like it matters is
//! none of the decoder's fields (`[[ignore]]`).
//!
//! Rules, enforced by [`Spec::assign_all`] (generation fails, naming the file:line of the
//! spec entry or of the call site):
//! - every logging call whose prefix has a conversion has a `[[prefix]]` entry with one field
//!   (or `-`) per conversion;
//! - an argument expression that matches a regex of `[matters].words` (ids, codes, states,
//!   portals, IQNs) is covered by a `[[field]]` or an `[[ignore]]`: nothing that matters is
//!   left unassigned silently;
//! - an expression matches an entry exactly or by a `*` glob, in any file or only in the
//!   entry's `files` (globs) and `functions`; an entry scoped to functions wins over one
//!   scoped to files, the longer file pattern over the shorter, a file-scoped entry over a
//!   global one, an exact expression over a glob, a glob with more literal text over one
//!   with less, and two entries that tie are an error;
//! - a field is read only from the conversions its entry lists (`sid` from `%d`/`%u`, not
//!   from an `%x` or `%s` that prints the same expression elsewhere, whose text would be
//!   misread);
//! - every entry covers at least one argument of the facts (a stale entry fails).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use super::Message;
use crate::error::{Error, Result};
use crate::model::Location;

/// The field of a conversion no entry assigns.
pub const NONE: &str = "-";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    matters: Matters,
    #[serde(default)]
    prefix: Vec<Spanned<PrefixEntry>>,
    #[serde(default)]
    field: Vec<Spanned<FieldEntry>>,
    #[serde(default)]
    ignore: Vec<Spanned<IgnoreEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Matters {
    words: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PrefixEntry {
    via: Vec<String>,
    fields: Vec<String>,
    /// The prefix prints the first arguments of the facts (`pr_info_ipaddr(fmt, a, b,
    /// ...)`), not values the call finds itself.
    #[serde(default)]
    from_args: bool,
    /// Arguments the call passes before the format's own (`beiscsi_log` passes
    /// `__LINE__` for the format's leading `BC_%d`).
    #[serde(default)]
    passes: Vec<String>,
}

/// What a [[prefix]] entry says of a logging call.
struct Prefix {
    fields: Vec<String>,
    from_args: bool,
    passes: Vec<String>,
    at: Location,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldEntry {
    name: String,
    conversions: String,
    exprs: Vec<String>,
    #[serde(default)]
    files: Vec<String>,
    #[serde(default)]
    functions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IgnoreEntry {
    why: String,
    exprs: Vec<String>,
    #[serde(default)]
    files: Vec<String>,
    #[serde(default)]
    functions: Vec<String>,
}

/// One expression pattern of an entry.
struct Expr {
    /// The entry's index in [`Spec::entries`].
    entry: usize,
    text: String,
    glob: Option<Regex>,
}

/// A `[[field]]` or `[[ignore]]` entry.
struct Entry {
    /// The field's name; `None` for an `[[ignore]]`.
    field: Option<String>,
    conversions: String,
    /// File patterns and the length of each (the longer, the more specific).
    files: Vec<(Regex, usize)>,
    functions: Vec<String>,
    at: Location,
}

/// The checked spec.
pub struct Spec {
    path: PathBuf,
    matters: Vec<Regex>,
    prefixes: BTreeMap<String, Prefix>,
    entries: Vec<Entry>,
    exprs: Vec<Expr>,
}

/// A `*` glob as an anchored regex.
fn glob(pattern: &str) -> Option<Regex> {
    if !pattern.contains('*') {
        return None;
    }
    let body = pattern
        .split('*')
        .map(regex::escape)
        .collect::<Vec<_>>()
        .join(".*");
    Regex::new(&format!("^{body}$")).ok()
}

/// The conversions of a printf format, in order: each one's conversion character and how
/// many arguments it takes (one, plus one per `*` width or precision). `%%` is none.
pub fn conversions(format: &str) -> Vec<(u8, usize)> {
    let b = format.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'%' {
            i += 1;
            continue;
        }
        i += 1;
        if b.get(i) == Some(&b'%') {
            i += 1;
            continue;
        }
        let mut args = 1;
        while b.get(i).is_some_and(|c| b"-+ #0".contains(c)) {
            i += 1;
        }
        while let Some(&c) = b.get(i) {
            if c == b'*' {
                args += 1;
            } else if !(c.is_ascii_digit() || c == b'.') {
                break;
            }
            i += 1;
        }
        while b.get(i).is_some_and(|c| b"hlLqjzt".contains(c)) {
            i += 1;
        }
        let Some(&conv) = b.get(i) else { break };
        i += 1;
        if conv == b'p' {
            while b.get(i).is_some_and(u8::is_ascii_alphanumeric) {
                i += 1;
            }
        }
        out.push((conv, args));
    }
    out
}

impl Spec {
    /// Reads and checks the spec file.
    pub fn load(path: impl AsRef<Path>) -> Result<Spec> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::msg(format!("cannot read {}: {e}", path.display())))?;
        Spec::parse(&text, path)
    }

    /// Parses spec text; `path` is used in error positions only.
    pub fn parse(text: &str, path: impl AsRef<Path>) -> Result<Spec> {
        let path = path.as_ref().to_path_buf();
        let raw: RawSpec = toml::from_str(text).map_err(|e| {
            let at = e.span().map_or(Location { line: 0, column: 0 }, |s| {
                Location::of_span(text, s)
            });
            Error::at(&path, at.line, at.column, e.message().to_string())
        })?;
        let bad = |at: Location, what: String| Error::at(&path, at.line, at.column, what);
        let mut matters = Vec::new();
        for w in &raw.matters.words {
            matters
                .push(Regex::new(w).map_err(|e| {
                    Error::msg(format!("[matters] word {w:?}: {e}")).in_file(&path)
                })?);
        }
        let mut prefixes = BTreeMap::new();
        for p in raw.prefix {
            let at = Location::of_span(text, p.span());
            let p = p.into_inner();
            for via in p.via {
                let entry = Prefix {
                    fields: p.fields.clone(),
                    from_args: p.from_args,
                    passes: p.passes.clone(),
                    at,
                };
                if prefixes.insert(via.clone(), entry).is_some() {
                    return Err(bad(at, format!("`{via}` has two [[prefix]] entries")));
                }
            }
        }
        let mut entries = Vec::new();
        let mut exprs = Vec::new();
        let mut add = |at: Location,
                       field: Option<String>,
                       conversions: String,
                       list: Vec<String>,
                       (files, functions): (Vec<String>, Vec<String>)|
         -> Result<()> {
            let files = files
                .iter()
                .map(|f| {
                    glob(f)
                        .or_else(|| Regex::new(&format!("^{}$", regex::escape(f))).ok())
                        .map(|r| (r, f.len()))
                        .ok_or_else(|| bad(at, format!("bad file pattern {f:?}")))
                })
                .collect::<Result<Vec<_>>>()?;
            let entry = entries.len();
            for e in list {
                exprs.push(Expr {
                    entry,
                    glob: glob(&e),
                    text: e,
                });
            }
            entries.push(Entry {
                field,
                conversions,
                files,
                functions,
                at,
            });
            Ok(())
        };
        for f in raw.field {
            let at = Location::of_span(text, f.span());
            let f = f.into_inner();
            if f.name == NONE || f.name.is_empty() {
                return Err(bad(at, "a [[field]] needs a field name".into()));
            }
            add(
                at,
                Some(f.name),
                f.conversions,
                f.exprs,
                (f.files, f.functions),
            )?;
        }
        for g in raw.ignore {
            let at = Location::of_span(text, g.span());
            let g = g.into_inner();
            if g.why.trim().is_empty() {
                return Err(bad(at, "an [[ignore]] says why (`why`)".into()));
            }
            add(at, None, String::new(), g.exprs, (g.files, g.functions))?;
        }
        Ok(Spec {
            path,
            matters,
            prefixes,
            entries,
            exprs,
        })
    }

    /// The entry that covers `expr` printed by `function` in `file`, by the rules of the
    /// module docs, and the expression patterns that tie with it (an error when there are
    /// any).
    fn lookup(&self, file: &str, function: &str, expr: &str) -> (Option<usize>, Vec<usize>) {
        let mut best: Option<((bool, usize, bool, usize), usize)> = None;
        let mut ties = Vec::new();
        for (k, x) in self.exprs.iter().enumerate() {
            let hit = match &x.glob {
                Some(g) => g.is_match(expr),
                None => x.text == expr,
            };
            if !hit {
                continue;
            }
            let e = &self.entries[x.entry];
            if !e.functions.is_empty() && !e.functions.iter().any(|f| f == function) {
                continue;
            }
            // The longest file pattern that matches (0: any file).
            let file_rank = if e.files.is_empty() {
                0
            } else {
                match e
                    .files
                    .iter()
                    .filter(|f| f.0.is_match(file))
                    .map(|f| f.1)
                    .max()
                {
                    Some(n) => n,
                    None => continue,
                }
            };
            let rank = (
                !e.functions.is_empty(),
                file_rank,
                x.glob.is_none(),
                x.text.len(),
            );
            match best {
                Some((r, _)) if r > rank => {}
                Some((r, _)) if r == rank => ties.push(k),
                _ => {
                    best = Some((rank, k));
                    ties.clear();
                }
            }
        }
        (best.map(|(_, k)| k), ties)
    }

    /// The field of each conversion of every message (prefix first, then format; [`NONE`]
    /// where none), checked by the module's rules over all of them; `line_of` names a
    /// message's call site in errors (`usr/initiator.c:1234 (2.1.11)`).
    pub fn assign_all(
        &self,
        messages: &[&Message],
        line_of: impl Fn(&Message) -> String,
    ) -> Result<Vec<Vec<&str>>> {
        let mut problems: Vec<String> = Vec::new();
        let mut used = vec![false; self.exprs.len()];
        let mut used_functions: std::collections::BTreeSet<(usize, &str)> = Default::default();
        let mut out = Vec::with_capacity(messages.len());
        for m in messages {
            let mut names: Vec<&str> = Vec::new();
            let pre = conversions(&m.prefix);
            let call = self.prefixes.get(&m.via);
            // The format's arguments: those the call passes itself first, without those
            // the prefix printed.
            let mut args: Vec<&str> = call.map_or(Vec::new(), |c| {
                c.passes.iter().map(String::as_str).collect()
            });
            let skip = if call.is_some_and(|c| c.from_args) {
                pre.iter().map(|c| c.1).sum()
            } else {
                0
            };
            args.extend(m.args.iter().skip(skip).map(String::as_str));
            if !pre.is_empty() {
                match call {
                    Some(Prefix { fields, .. }) if fields.len() == pre.len() => {
                        names.extend(fields.iter().map(String::as_str));
                    }
                    Some(Prefix { fields, at, .. }) => problems.push(format!(
                        "{}:{}:{}: [[prefix]] of `{}` names {} fields, but prefix {:?} ({}) has {} conversions",
                        self.path.display(),
                        at.line,
                        at.column,
                        m.via,
                        fields.len(),
                        m.prefix,
                        line_of(m),
                        pre.len()
                    )),
                    None => problems.push(format!(
                        "{}: `{}` prints prefix {:?}, which no [[prefix]] entry of {} names",
                        line_of(m),
                        m.via,
                        m.prefix,
                        self.path.display()
                    )),
                }
                names.resize(pre.len(), NONE);
            }
            let convs = conversions(&m.format);
            let takes: usize = convs.iter().map(|c| c.1).sum();
            let mut arg = 0;
            for &(conv, n) in &convs {
                let expr = args.get(arg + n - 1).copied();
                arg += n;
                let Some(expr) = expr.filter(|_| takes == args.len()) else {
                    names.push(NONE);
                    continue;
                };
                let (hit, ties) = self.lookup(&m.file, &m.function, expr);
                let Some(k) = hit else {
                    if self.matters.iter().any(|r| r.is_match(expr)) {
                        problems.push(format!(
                            "{}: `{expr}` (in {:?}) matters, but no [[field]] or [[ignore]] of {} covers it",
                            line_of(m),
                            m.format,
                            self.path.display()
                        ));
                    }
                    names.push(NONE);
                    continue;
                };
                used[k] = true;
                let e = &self.entries[self.exprs[k].entry];
                if !e.functions.is_empty() {
                    used_functions.insert((self.exprs[k].entry, m.function.as_str()));
                }
                if !ties.is_empty() {
                    let also: Vec<String> = ties
                        .iter()
                        .map(|&t| {
                            let at = self.entries[self.exprs[t].entry].at;
                            format!("{}:{}", at.line, at.column)
                        })
                        .collect();
                    problems.push(format!(
                        "{}: `{expr}` is covered by the entries at {}:{}:{} and {}: make one more specific",
                        line_of(m),
                        self.path.display(),
                        e.at.line,
                        e.at.column,
                        also.join(", ")
                    ));
                }
                // A field is read only from the conversions its entry lists: an errno
                // printed with %x would be misread as decimal.
                match &e.field {
                    Some(f) if e.conversions.as_bytes().contains(&conv) => names.push(f),
                    _ => names.push(NONE),
                }
            }
            out.push(names);
        }
        for (k, x) in self.exprs.iter().enumerate() {
            if !used[k] {
                let at = self.entries[x.entry].at;
                problems.push(format!(
                    "{}:{}:{}: `{}` covers no argument of the facts (stale entry)",
                    self.path.display(),
                    at.line,
                    at.column,
                    x.text
                ));
            }
        }
        for (k, e) in self.entries.iter().enumerate() {
            for f in &e.functions {
                if !used_functions.contains(&(k, f.as_str())) {
                    problems.push(format!(
                        "{}:{}:{}: function `{f}` prints none of the entry's expressions (stale)",
                        self.path.display(),
                        e.at.line,
                        e.at.column
                    ));
                }
            }
        }
        if problems.is_empty() {
            return Ok(out);
        }
        let n = problems.len();
        problems.truncate(40);
        Err(Error::msg(format!(
            "{n} problems in the message field spec{}:\n  {}",
            if n > 40 { " (the first 40)" } else { "" },
            problems.join("\n  ")
        )))
    }
}

/// The fields of one message as the generated table writes them: the names joined by
/// spaces, or `""` when no conversion fills a field.
pub fn column(names: &[&str]) -> String {
    if names.iter().all(|n| *n == NONE) {
        String::new()
    } else {
        names.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(via: &str, prefix: &str, format: &str, args: &[&str]) -> Message {
        Message {
            file: "drivers/scsi/libiscsi.c".into(),
            function: "f".into(),
            line: 1,
            via: via.into(),
            level: "err".into(),
            prefix: prefix.into(),
            format: format.into(),
            args: args.iter().map(|s| s.to_string()).collect(),
        }
    }

    const SPEC: &str = r#"
[matters]
words = ['\berr\b', 'session->id']

[[prefix]]
via = ["iscsi_conn_printk"]
fields = ["sid", "cid"]

[[field]]
name = "sid"
conversions = "diu"
exprs = ["session->id", "*->sid"]

[[field]]
name = "kerr"
conversions = "d"
exprs = ["err"]
files = ["drivers/scsi/*"]

[[ignore]]
why = "a return code"
exprs = ["err"]

[[field]]
name = "retcode"
conversions = "d"
exprs = ["err"]
functions = ["g"]
"#;

    #[test]
    fn conversions_count_star_arguments() {
        assert_eq!(
            conversions("a %d %*s %.*d 100%% %pI4 %-08lx"),
            vec![(b'd', 1), (b's', 2), (b'd', 2), (b'p', 1), (b'x', 1)]
        );
    }

    #[test]
    fn assigns_prefix_and_arguments_by_the_rules() {
        let spec = Spec::parse(SPEC, "t.toml").unwrap();
        let a = msg(
            "iscsi_conn_printk",
            " connection%d:%u: ",
            "error %d on %d (%s) in %*d %x",
            &["err", "session->id", "x", "4", "s->sid", "session->id"],
        );
        let b = Message {
            file: "usr/x.c".into(),
            ..msg("log_error", "", "err %d", &["err"])
        };
        let c = Message {
            function: "g".into(),
            ..msg("log_error", "", "err %d", &["err"])
        };
        let got = spec.assign_all(&[&a, &b, &c], |m| m.file.clone()).unwrap();
        // The file-scoped entry wins over the global ignore in drivers/scsi, the
        // function-scoped one over both in g(); an id printed in hex fills nothing.
        assert_eq!(got[0], ["sid", "cid", "kerr", "sid", NONE, "sid", NONE]);
        assert_eq!(column(&got[0]), "sid cid kerr sid - sid -");
        assert_eq!(got[1], [NONE]);
        assert_eq!(column(&got[1]), "");
        assert_eq!(got[2], ["retcode"]);
    }

    #[test]
    fn refuses_what_is_unassigned_ambiguous_or_stale() {
        let spec = Spec::parse(SPEC, "t.toml").unwrap();
        // A prefix no entry names and an expression that matters; `*->sid`, the kerr
        // entry and the function g cover nothing.
        let a = msg(
            "iscsi_session_printk",
            " session%u: ",
            "%u",
            &["session->id"],
        );
        let b = Message {
            file: "usr/x.c".into(),
            ..msg("log_error", "", "%d", &["conn->err"])
        };
        let e = spec.assign_all(&[&a, &b], |m| m.file.clone()).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("no [[prefix]] entry"), "{text}");
        assert!(text.contains("`*->sid` covers no argument"), "{text}");
        assert!(text.contains("function `g` prints none"), "{text}");
        assert!(text.contains("`conn->err` (in \"%d\") matters"), "{text}");
        // Two entries of equal rank for one expression.
        let twice = format!("{SPEC}\n[[ignore]]\nwhy = \"again\"\nexprs = [\"err\"]\n");
        let spec = Spec::parse(&twice, "t.toml").unwrap();
        let c = Message {
            file: "usr/x.c".into(),
            ..msg("log_error", "", "%d", &["err"])
        };
        let text = spec
            .assign_all(&[&c], |m| m.file.clone())
            .unwrap_err()
            .to_string();
        assert!(text.contains("make one more specific"), "{text}");
    }

    #[test]
    fn calls_that_print_arguments_of_their_own() {
        let text = r#"
[matters]
words = []

[[field]]
name = "sid"
conversions = "d"
exprs = ["session->id"]

[[prefix]]
via = ["pr_info_ipaddr"]
fields = ["-", "addr_port"]
from_args = true

[[prefix]]
via = ["beiscsi_log"]
fields = ["scsi_host"]
passes = ["__LINE__"]
"#;
        let spec = Spec::parse(text, "t.toml").unwrap();
        // The prefix's two addresses are the facts' first arguments.
        let a = msg(
            "pr_info_ipaddr",
            "cxgb4i:f: %pISpc - %pISpc, ",
            "sess %d.",
            &["(&csk->saddr)", "(&csk->daddr)", "session->id"],
        );
        // `BC_%d` prints the __LINE__ the macro passes.
        let b = msg(
            "beiscsi_log",
            "scsi host%d: ",
            "BC_%d : sess %d",
            &["session->id"],
        );
        let got = spec.assign_all(&[&a, &b], |m| m.file.clone()).unwrap();
        assert_eq!(got[0], [NONE, "addr_port", "sid"]);
        assert_eq!(got[1], ["scsi_host", NONE, "sid"]);
    }

    #[test]
    fn spec_errors_have_positions() {
        let e = Spec::parse("[matters]\nwords = []\n[[field]]\nname = 3\n", "t.toml")
            .err()
            .unwrap();
        assert_eq!((e.line, e.column), (4, 8), "{e}");
    }
}
