//! Reading one directive: logical lines (backslash continuations joined, with a map
//! back to file offsets), the directive name, `#define` heads and `#include` paths.
//! What the directives *do* is decided in the walk in [`super`].

/// A logical line: physical lines joined at backslash-newline.
#[derive(Debug, Clone)]
pub struct Logical {
    /// Offset of the first byte in the file.
    pub start: usize,
    /// Offset just past the last byte (before the final `\n`).
    pub end: usize,
    /// Offset where the next logical line starts.
    pub next: usize,
    /// The text with every backslash-newline removed.
    pub text: String,
    /// File offset of every byte of `text`, plus one entry for its end.
    pub map: Vec<usize>,
}

impl Logical {
    /// The file offset of byte `i` of `text` (the end for `i` past it).
    pub fn offset(&self, i: usize) -> usize {
        self.map
            .get(i)
            .or(self.map.last())
            .copied()
            .unwrap_or(self.start)
    }
}

/// Reads the logical line starting at `start` of `text` (comments already blanked).
pub fn logical_line(text: &str, start: usize) -> Logical {
    let b = text.as_bytes();
    // Room for the first physical line (most logical lines are one).
    let first = b
        .get(start..)
        .and_then(|r| r.iter().position(|&c| c == b'\n'))
        .unwrap_or_else(|| b.len().saturating_sub(start));
    let mut out = Vec::with_capacity(first);
    let mut map = Vec::with_capacity(first + 1);
    let mut i = start;
    let mut end = b.len();
    let mut next = b.len();
    while let Some(&c) = b.get(i) {
        if c == b'\\' {
            let skip = match (b.get(i + 1), b.get(i + 2)) {
                (Some(b'\n'), _) => 2,
                (Some(b'\r'), Some(b'\n')) => 3,
                _ => 0,
            };
            if skip > 0 {
                i += skip;
                continue;
            }
        }
        if c == b'\n' {
            end = i;
            next = i + 1;
            break;
        }
        out.push(c);
        map.push(i);
        i += 1;
    }
    if end == b.len() {
        next = b.len();
    }
    map.push(end);
    // Only whole lines are cut at ASCII bytes, so this stays UTF-8.
    let text = String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Logical {
        start,
        end,
        next,
        text,
        map,
    }
}

/// Index of the first non-blank byte of `s` at or after `i`.
pub fn skip_ws(s: &str, mut i: usize) -> usize {
    let b = s.as_bytes();
    while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

/// The identifier starting at `i`, if any, and the index past it.
pub fn ident_at(s: &str, i: usize) -> Option<(&str, usize)> {
    let b = s.as_bytes();
    if !b
        .get(i)
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_' || *c == b'$')
    {
        return None;
    }
    let mut j = i;
    while b
        .get(j)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'$')
    {
        j += 1;
    }
    Some((s.get(i..j)?, j))
}

/// The parts of a `#define` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefineHead {
    /// The macro name.
    pub name: String,
    /// Index of the name in the logical text.
    pub name_at: usize,
    /// Parameter names of a function-like macro.
    pub params: Option<Vec<String>>,
    /// `true` for `...` (or GNU `name...`) at the end of the parameters.
    pub variadic: bool,
    /// Index where the replacement list starts.
    pub body_at: usize,
}

/// Reads `NAME`, or `NAME(params)`, starting at index `i` of `s` (after
/// `define`). Errors carry the index of the fault and what was expected.
pub fn define_head(s: &str, i: usize) -> Result<DefineHead, (usize, String)> {
    let i = skip_ws(s, i);
    let (name, mut j) =
        ident_at(s, i).ok_or((i, "macro name expected after #define".to_string()))?;
    let name = name.to_string();
    let b = s.as_bytes();
    if b.get(j) != Some(&b'(') {
        return Ok(DefineHead {
            name,
            name_at: i,
            params: None,
            variadic: false,
            body_at: j,
        });
    }
    j += 1;
    let mut params = Vec::new();
    let mut variadic = false;
    loop {
        j = skip_ws(s, j);
        if b.get(j) == Some(&b')') && params.is_empty() && !variadic {
            j += 1;
            break;
        }
        if s.get(j..).is_some_and(|r| r.starts_with("...")) {
            variadic = true;
            j = skip_ws(s, j + 3);
        } else {
            let (p, k) = ident_at(s, j).ok_or((
                j,
                "parameter name expected in macro parameter list".to_string(),
            ))?;
            params.push(p.to_string());
            j = skip_ws(s, k);
            if s.get(j..).is_some_and(|r| r.starts_with("...")) {
                variadic = true;
                j = skip_ws(s, j + 3);
            }
        }
        match b.get(j) {
            Some(b')') => {
                j += 1;
                break;
            }
            Some(b',') if !variadic => j += 1,
            _ => return Err((j, "expected `,` or `)` in macro parameter list".to_string())),
        }
    }
    Ok(DefineHead {
        name,
        name_at: i,
        params: Some(params),
        variadic,
        body_at: j,
    })
}

/// Reads `<path>` or `"path"` at index `i`: the path, whether it is a system
/// include, and the index of the path's first byte.
pub fn include_target(s: &str, i: usize) -> Result<(String, bool, usize), (usize, String)> {
    let i = skip_ws(s, i);
    let (close, system) = match s.as_bytes().get(i) {
        Some(b'<') => ('>', true),
        Some(b'"') => ('"', false),
        _ => {
            return Err((
                i,
                "#include expects \"FILE\" or <FILE> (computed includes are not supported)".into(),
            ));
        }
    };
    let rest = s.get(i + 1..).unwrap_or_default();
    let len = rest
        .find(close)
        .ok_or((i, format!("missing terminating {close} of #include")))?;
    let path = rest.get(..len).unwrap_or_default().to_string();
    if path.is_empty() {
        return Err((i, "empty file name in #include".into()));
    }
    Ok((path, system, i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_continuations() {
        let t = "#define A(x) \\\n  ((x) + 1)\nnext";
        let l = logical_line(t, 0);
        assert_eq!(l.text, "#define A(x)   ((x) + 1)");
        assert_eq!(l.next, t.find("next").unwrap_or(0));
        assert_eq!(l.offset(13), 15);
        let h = define_head(&l.text, 7).ok();
        assert_eq!(h.as_ref().map(|h| h.name.as_str()), Some("A"));
        assert_eq!(h.and_then(|h| h.params), Some(vec!["x".to_string()]));
    }

    #[test]
    fn define_heads() {
        assert!(define_head(" 3x", 0).is_err());
        assert!(define_head(" F(a,", 0).is_err());
        assert!(define_head(" F(a b)", 0).is_err());
        let v = define_head(" F(a, ...) x", 0).ok();
        assert_eq!(v.map(|v| (v.variadic, v.body_at)), Some((true, 10)));
        assert_eq!(
            define_head(" F() 1", 0).ok().and_then(|h| h.params),
            Some(vec![])
        );
        assert_eq!(
            include_target(" <a/b.h>", 0).ok(),
            Some(("a/b.h".into(), true, 2))
        );
        assert!(include_target(" FOO", 0).is_err());
    }
}
