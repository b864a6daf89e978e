//! The human report on a live input: a short line when an incident opens (and when it is
//! still open after a quiet period), its paragraph when it closes; the summary at the end.

use super::HumanSink;
use super::fold;
use crate::decode::incidents::Incident;
use crate::report::spool::Spool;
use crate::report::term::{Paint, Term};
use std::io::{self, Write};

// Written into `pending`, which the next flush writes after the chunk's detail.

impl<W: Write> HumanSink<W> {
    /// Switches to live writing; the paragraphs and detail kept from regular files read
    /// before (`decode old.log -`) are written first.
    pub(super) fn go_live(&mut self) -> io::Result<()> {
        if self.live {
            return Ok(());
        }
        self.live = true;
        let mut incs = std::mem::take(&mut self.incidents);
        incs.sort_by_key(|i| i.seq);
        for inc in &incs {
            self.live_paragraph(inc)?;
        }
        if !self.detail.is_empty() {
            self.detail.copy_to(&mut self.out)?;
            self.detail = Spool::new();
        }
        self.out.write_all(&self.pending)?;
        self.pending.clear();
        Ok(())
    }

    /// `#N host  session S  time: incident <what>` on one line.
    pub(super) fn live_line(&mut self, inc: &Incident, what: &str) -> io::Result<()> {
        let t = &mut Term::new(&mut self.pending, self.style.color);
        let mut head = format!("#{} ", inc.seq);
        if let Some(h) = &inc.host {
            head.push_str(h);
            head.push_str("  ");
        }
        head.push_str(&inc.subject());
        if let Some(tg) = &inc.target {
            head.push(' ');
            head.push_str(tg);
        }
        t.text("  ").paint(Paint::Bold, &head);
        let since = inc.start_text.as_deref().unwrap_or("");
        if !since.is_empty() {
            t.text("  ").text(since);
        }
        t.text("  ")
            .paint(Paint::Yellow, &format!("incident {what}"))
            .nl();
        Ok(())
    }

    /// The paragraph of an incident that closed.
    pub(super) fn live_paragraph(&mut self, inc: &Incident) -> io::Result<()> {
        let t = &mut Term::new(&mut self.pending, self.style.color).with_width(self.width);
        fold::write_group(t, &[inc], &self.names);
        Ok(())
    }
}
