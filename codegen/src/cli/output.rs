//! Output: stdout that tolerates a closed pipe, and the front end's notes on stderr.

use std::io::Write;

use iscsi_codegen::{Error, Result};

/// Prints the front end's notes on stderr, each once, as `iscsi-codegen: note: ...`.
pub(super) fn print_notes(notes: &[Error]) {
    let mut seen = std::collections::HashSet::new();
    let mut err = std::io::stderr().lock();
    for n in notes {
        let text = n.to_string();
        if seen.insert(text.clone()) {
            let _ = writeln!(err, "iscsi-codegen: note: {text}");
        }
    }
}

/// Writes to stdout; a closed pipe (`| head`) ends the output quietly.
pub(super) fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::msg(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}
