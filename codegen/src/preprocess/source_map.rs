//! Byte offsets to 1-based line and column, and the source line for error snippets:
//! every stage works in offsets, and every error is reported as `file:line:column`.

/// The start offset of every line of one text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    /// The number of lines (a final line without `\n` counts; an empty last line
    /// after a final `\n` counts too).
    pub fn line_count(&self) -> u32 {
        u32::try_from(self.starts.len()).unwrap_or(u32::MAX)
    }

    /// 1-based (line, column) of a byte offset; offsets past the end map to the end.
    pub fn locate(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.len);
        let idx = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(idx).copied().unwrap_or(0);
        let line = u32::try_from(idx + 1).unwrap_or(u32::MAX);
        let col = u32::try_from(offset - start + 1).unwrap_or(u32::MAX);
        (line, col)
    }

    /// The 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> u32 {
        self.locate(offset).0
    }

    /// Byte offset where 1-based `line` starts (the end of the text past the last line).
    pub fn line_start(&self, line: u32) -> usize {
        let idx = (line as usize).saturating_sub(1);
        self.starts.get(idx).copied().unwrap_or(self.len)
    }

    /// Byte range of 1-based `line`, without its `\n`.
    pub fn line_range(&self, line: u32) -> (usize, usize) {
        let start = self.line_start(line);
        let end = match self.starts.get(line as usize) {
            Some(&next) => next.saturating_sub(1),
            None => self.len,
        };
        (start, end.max(start))
    }

    /// The text of 1-based `line` in `text` (which must be the indexed text).
    pub fn line_text<'a>(&self, text: &'a str, line: u32) -> &'a str {
        let (s, e) = self.line_range(line);
        text.get(s..e).unwrap_or_default().trim_end_matches('\r')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let t = "ab\ncd\n\nx";
        let li = LineIndex::new(t);
        assert_eq!(li.locate(0), (1, 1));
        assert_eq!(li.locate(4), (2, 2));
        assert_eq!(li.locate(7), (4, 1));
        assert_eq!(li.locate(99), (4, 2));
        assert_eq!(li.line_text(t, 2), "cd");
        assert_eq!(li.line_text(t, 3), "");
        assert_eq!(li.line_text(t, 4), "x");
        assert_eq!(li.line_count(), 4);
    }
}
