//! Finds the logging calls of one C source file: comments blanked, preprocessor lines
//! read for string macros (`#define PFX "nic "`) and then blanked (a macro *definition*
//! that calls `log_error` is not a call site), the rest tokenised, and every call of a
//! [`rules::CALLS`] row inside a function body recorded with its enclosing function,
//! line, level, prefix, format string and argument expressions.
//!
//! Lexical, not a C parser: it needs no include paths or configuration, so it reads any
//! release of any tree. The format must be string literals and string macros; a call
//! whose format is computed (`cond ? "a" : "b"`) is counted as unresolved, not guessed.

use std::collections::BTreeMap;

use crate::preprocess::comments;
use crate::preprocess::lexer::{TokKind, Token, lex_lenient};
use crate::preprocess::source_map::LineIndex;

use super::cpp::{directives, is_build_define, literal};
use super::rules::{self, Call, LevelFrom, Mask, Origin};

/// One call site that logs a message.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Message {
    /// The file, relative to the tree's root (`usr/initiator.c`).
    pub file: String,
    /// The enclosing function.
    pub function: String,
    /// The 1-based line of the call.
    pub line: u32,
    /// The logging call (`conn_error`, `iscsi_conn_printk`).
    pub via: String,
    /// The level: `err`, `warn`, `notice`, `info` or `debug` (also `emerg`, `alert`,
    /// `crit`). Calls printed only under a debug switch are `debug`, whatever they are
    /// emitted at (the catalog's rule).
    pub level: String,
    /// What the logging macro prints before the format (`{func}` replaced by the function).
    pub prefix: String,
    /// The format after string-literal concatenation and string-macro expansion; C escapes
    /// kept as written except `\"` and `\'`; trailing `\n` removed.
    pub format: String,
    /// The argument expressions after the format, as written (whitespace collapsed).
    pub args: Vec<String>,
}

/// What one file gave.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scan {
    /// The messages, in file order.
    pub messages: Vec<Message>,
    /// Calls whose format is not made of literals and string macros: `(line, call)`.
    pub unresolved: Vec<(u32, String)>,
}

/// Identifiers that take parentheses between a function's name and its body
/// (`static void f(void) __attribute__((x)) {`), never a function's own name.
const ATTRIBUTES: &[&str] = &[
    "__attribute__",
    "__printf",
    "__scanf",
    "__acquires",
    "__releases",
    "__must_hold",
    "__aligned",
    "__section",
    "__alloc_size",
    "__malloc",
    "__no_kcsan",
    "asm",
    "__asm__",
];

/// Wrappers whose first argument is the function's declarator: uIP's protothreads
/// (`static PT_THREAD(handle_dhcp(struct dhcpc_state *s)) {`).
const WRAPPERS: &[&str] = &["PT_THREAD"];

/// Scans the source `text` of `file` for the logging calls of `origin`. `known` holds the
/// string macros of the tree's headers (`iface_fmt`); the file's own `#define`s add to
/// them. Calls inside a `#define` body are found too, with the function `NAME (macro)`.
/// An unterminated block comment is an error with its line.
pub fn scan(
    file: &str,
    text: &str,
    origin: Origin,
    known: &BTreeMap<String, String>,
) -> Result<Scan, String> {
    let lines = LineIndex::new(text);
    let stripped = comments::strip(text, &lines).map_err(|at| {
        format!(
            "{file}:{}: a block comment that is never closed",
            lines.line_of(at)
        )
    })?;
    let mut strings = known.clone();
    let (code, defines) = directives(&stripped.text, &mut strings);
    let pr_fmt = defines
        .iter()
        .find(|d| d.name == "pr_fmt")
        .and_then(|d| pr_fmt_prefix(&d.body, &strings))
        .unwrap_or_default();
    let cx = Context {
        file,
        origin,
        strings: &strings,
        pr_fmt: &pr_fmt,
    };
    let mut out = Scan::default();
    let tokens = lex_lenient(&code, 0, &|o| o);
    let mut depth = 0usize;
    let mut parens = 0usize;
    let mut pending: Option<String> = None;
    let mut function: Option<String> = None;
    // The end of a `SCSI_LOG_*(level, call)` around the tokens: calls before it print only
    // when scsi_logging_level asks for them.
    let mut gated_until = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        let next_is_paren = tokens.get(i + 1).is_some_and(|n| n.is_punct("("));
        if next_is_paren && t.kind == TokKind::Ident && rules::is_debug_gate(&t.text, file) {
            gated_until = gated_until.max(arguments(&tokens, i + 1).1);
        }
        match t.kind {
            TokKind::Punct => match t.text.as_str() {
                "{" => {
                    if depth == 0 {
                        let after_params = i > 0 && tokens[i - 1].is_punct(")");
                        function = if after_params { pending.take() } else { None };
                    }
                    depth += 1;
                }
                "}" => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        function = None;
                        pending = None;
                    }
                }
                "(" => parens += 1,
                ")" => parens = parens.saturating_sub(1),
                ";" | "=" if depth == 0 && parens == 0 => pending = None,
                _ => {}
            },
            TokKind::Ident if depth == 0 && next_is_paren => {
                let wrapped = parens == 1
                    && i >= 2
                    && tokens[i - 1].is_punct("(")
                    && WRAPPERS.contains(&tokens[i - 2].text.as_str());
                if (parens == 0 && !ATTRIBUTES.contains(&t.text.as_str())) || wrapped {
                    pending = Some(t.text.clone());
                }
            }
            TokKind::Ident if depth > 0 && next_is_paren => {
                let f = function.as_deref().unwrap_or("");
                let line = lines.line_of(t.offset);
                let site = Site {
                    function: f,
                    line,
                    gated: i < gated_until,
                };
                if let Some(end) = cx.call_at(&tokens, i, &code, site, &mut out) {
                    // Arguments may hold further calls (`log_error(..., strerror(e))`),
                    // never another logging call: go on after this one.
                    i = end;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    for d in &defines {
        let body = lex_lenient(&d.body, 0, &|o| o);
        let function = format!("{} (macro)", d.name);
        let line = lines.line_of(d.offset);
        let mut i = 0;
        while i < body.len() {
            let is_call =
                body[i].kind == TokKind::Ident && body.get(i + 1).is_some_and(|n| n.is_punct("("));
            // A macro that forwards its own format (`ISCSI_DBG_CONN` → `iscsi_conn_printk`)
            // is a logging call itself, not a message: its unresolved format is no note.
            let mut quiet = Scan::default();
            let site = Site {
                function: &function,
                line,
                gated: false,
            };
            match is_call.then(|| cx.call_at(&body, i, &d.body, site, &mut quiet)) {
                Some(Some(end)) => {
                    out.messages.append(&mut quiet.messages);
                    i = end;
                }
                _ => i += 1,
            }
        }
    }
    out.messages.sort_by_key(|m| m.line);
    Ok(out)
}

/// Where a call is: its function, line, and whether a debug switch gates it.
#[derive(Clone, Copy)]
struct Site<'a> {
    function: &'a str,
    line: u32,
    gated: bool,
}

/// What every call of one file is read against.
struct Context<'a> {
    file: &'a str,
    origin: Origin,
    strings: &'a BTreeMap<String, String>,
    /// What the file's `pr_fmt` puts before a `pr_*` format (`{func}` for `__func__`).
    pr_fmt: &'a str,
}

impl Context<'_> {
    /// Records the logging call whose name is `tokens[i]`, if it is one; the index after
    /// its closing parenthesis.
    fn call_at(
        &self,
        tokens: &[Token],
        i: usize,
        code: &str,
        site: Site<'_>,
        out: &mut Scan,
    ) -> Option<usize> {
        let Site {
            function,
            line,
            gated,
        } = site;
        let t = &tokens[i];
        let member = i > 0 && (tokens[i - 1].is_punct(".") || tokens[i - 1].is_punct("->"));
        let call = rules::find(&t.text, self.origin).filter(|_| !member)?;
        let (args, end) = arguments(tokens, i + 1);
        match message(call, &args, tokens, code, self, function) {
            Some(Resolved::Message(mut m)) => {
                m.file = self.file.to_string();
                m.line = line;
                if gated {
                    m.level = "debug".to_string();
                }
                out.messages.push(m);
            }
            Some(Resolved::Unresolved) => out.unresolved.push((line, t.text.clone())),
            None => {}
        }
        Some(end)
    }
}

enum Resolved {
    Message(Message),
    Unresolved,
}

/// The argument token ranges of the call whose `(` is at `open`, and the index after its
/// `)`.
fn arguments(tokens: &[Token], open: usize) -> (Vec<std::ops::Range<usize>>, usize) {
    let mut args = Vec::new();
    let mut nest = 0usize;
    let mut start = open + 1;
    let mut i = open;
    while i < tokens.len() {
        let t = &tokens[i];
        if t.kind == TokKind::Punct {
            match t.text.as_str() {
                "(" | "[" | "{" => nest += 1,
                ")" | "]" | "}" => {
                    nest = nest.saturating_sub(1);
                    if nest == 0 {
                        if i > start {
                            args.push(start..i);
                        }
                        return (args, i + 1);
                    }
                }
                "," if nest == 1 => {
                    args.push(start..i);
                    start = i + 1;
                }
                _ => {}
            }
        }
        i += 1;
    }
    (args, tokens.len())
}

/// The message of one call, `None` when the call is not a logging call after all
/// (`fprintf` to a file), `Unresolved` when its format is computed.
fn message(
    call: &Call,
    args: &[std::ops::Range<usize>],
    tokens: &[Token],
    code: &str,
    cx: &Context<'_>,
    function: &str,
) -> Option<Resolved> {
    let strings = cx.strings;
    let arg_tokens = |k: usize| args.get(k).map(|r| &tokens[r.clone()]);
    if let Some(first) = call.first_arg {
        let a = arg_tokens(0)?;
        if !(a.len() == 1 && a[0].is_ident(first)) {
            return None;
        }
    }
    let Some(fmt_tokens) = arg_tokens(call.format) else {
        return Some(Resolved::Unresolved);
    };
    let mut level = match call.level {
        LevelFrom::Fixed(l) => Some(l),
        LevelFrom::KernPrefix => None,
        LevelFrom::KernArg(k) => arg_tokens(k)
            .and_then(|a| a.first())
            .and_then(|t| rules::kern_level(&t.text)),
        LevelFrom::SyslogArg(k) => arg_tokens(k)
            .and_then(|a| a.first())
            .and_then(|t| rules::syslog_level(&t.text)),
    };
    let mut format = String::new();
    for t in fmt_tokens {
        match t.kind {
            TokKind::Str => format.push_str(&literal(&t.text)),
            TokKind::Ident => {
                if let Some(l) = rules::kern_level(&t.text) {
                    level.get_or_insert(l);
                } else if let Some(s) = strings.get(&t.text) {
                    format.push_str(s);
                } else if let Some((_, s)) =
                    rules::BUILTIN_STRINGS.iter().find(|(n, _)| *n == t.text)
                {
                    format.push_str(s);
                } else if is_build_define(&t.text) {
                    // A build-time define (`PACKAGE_VERSION`): its value is not in the tree.
                    format.push_str(&format!("<{}>", t.text));
                } else {
                    return Some(Resolved::Unresolved);
                }
            }
            _ => return Some(Resolved::Unresolved),
        }
    }
    while let Some(f) = format.strip_suffix("\\n") {
        format.truncate(f.len());
    }
    // fprintf(stderr, "WARN: …") is a warning (the catalog's rule for stderr text).
    if call.first_arg.is_some()
        && format
            .get(..4)
            .is_some_and(|w| w.eq_ignore_ascii_case("warn"))
    {
        level = Some("warn");
    }
    // A driver's log mask that is off by default for this call makes it a debug message.
    let quiet = match call.mask {
        Mask::None => false,
        Mask::BelowErr => !matches!(level, Some("emerg" | "alert" | "crit" | "err")),
        Mask::ArgIn(k, on) => {
            !arg_tokens(k).is_some_and(|a| a.len() == 1 && on.contains(&a[0].text.as_str()))
        }
    };
    let level = if call.debug_only || quiet {
        "debug"
    } else {
        level.unwrap_or("info")
    };
    let dm = strings.get("DM_MSG_PREFIX").map_or("", String::as_str);
    // `sess_log_connect(level, NULL, …)` has no session to name.
    let no_session = call.prefix.starts_with("session%d")
        && arg_tokens(call.format - 1).is_some_and(|a| a.len() == 1 && a[0].is_ident("NULL"));
    let prefix = if no_session {
        String::new()
    } else {
        call.prefix
            .replace("{pr_fmt}", cx.pr_fmt)
            .replace("{func}", function)
            .replace("{DM_MSG_PREFIX}", dm)
    };
    let rest = args.iter().skip(call.format + 1);
    let args = rest
        .map(|r| {
            let (a, b) = (&tokens[r.start], &tokens[r.end - 1]);
            collapse(&code[a.offset..b.offset + b.text.len()])
        })
        .collect();
    Some(Resolved::Message(Message {
        file: String::new(),
        function: function.to_string(),
        line: 0,
        via: call.name.to_string(),
        level: level.to_string(),
        prefix,
        format,
        args,
    }))
}

/// The text a `#define pr_fmt(fmt) KBUILD_MODNAME ":%s: " fmt, __func__` puts before the
/// format: its strings and string macros before `fmt`, a `%s` that takes `__func__` written
/// `{func}`. `None` when it is anything else.
fn pr_fmt_prefix(body: &str, strings: &BTreeMap<String, String>) -> Option<String> {
    let tokens = lex_lenient(body, 0, &|o| o);
    let at = tokens.iter().position(|t| t.is_ident("fmt"))?;
    let mut prefix = String::new();
    for t in &tokens[..at] {
        match t.kind {
            TokKind::Str => prefix.push_str(&literal(&t.text)),
            TokKind::Ident => prefix.push_str(strings.get(&t.text)?),
            _ => return None,
        }
    }
    let rest: Vec<&str> = tokens[at + 1..].iter().map(|t| t.text.as_str()).collect();
    match rest.as_slice() {
        [] => Some(prefix),
        [",", "__func__"] if prefix.contains("%s") => Some(prefix.replacen("%s", "{func}", 1)),
        _ => None,
    }
}

/// Whitespace runs as one space, trimmed.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests;
