//! `iscsi-decode explain`: numbers, names, space/value pairs or a pasted log line in, every
//! reading out.
//! The answers come from the library's `query`; this file only parses the command
//! line and prints them.

use clap::Args;
use iscsi_decode::query;
use std::io::Write as _;
use std::process::ExitCode;

/// Arguments of `explain`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  iscsi-decode explain 1022                 a kernel connection error code
  iscsi-decode explain nop_timedout         a C name, any case, prefix optional
  iscsi-decode explain state 3              iscsid's `state (3)`
  iscsi-decode explain login 02/03          a login response status (also 0x0203)
  iscsi-decode explain iscsiadm 8           iscsiadm's `initiator reported error (8 - ...)`
  iscsi-decode explain opcode 0x3f          a PDU opcode
  iscsi-decode explain host_byte 0x0e       a SCSI host byte (also DID_TRANSPORT_DISRUPTED,
                                            hostbyte=0x0e)
  iscsi-decode explain 8                    every reading of a bare number, most likely first
  iscsi-decode explain 1022 1020 02/03      several values, one after the other
  iscsi-decode explain state 2 3            several values of one space
  iscsi-decode explain -- 'Kernel reported iSCSI connection 2:0 error (1020 - ...) state (3)'
                                            a pasted log line: what it is, then every number
  iscsi-decode explain --list               the spaces; --list SPACE lists one
  iscsi-decode explain --kernel 2.6.18 1022 whether that kernel release has the code
  iscsi-decode explain --open-iscsi 2.1.10 -- 'iscsid: Giving up on session 3 after 5 retries'
                                            whether that open-iscsi release prints the words

Exit status:
  0  every value was explained
  1  a value is unknown: a number no table has (`explain 1099`, `login 7/0`), a name-shaped
     word no table knows (`explain nop_timedoot`), a number of a pasted line that is unknown
  2  bad input: nothing to explain, a --kernel/--open-iscsi that names no release, a space
     that does not exist (`--list nosuch`, `stat 3`), garbage that is neither a number, a
     name nor a log line the decoder recognises, a bad option")]
pub struct ExplainArgs {
    /// A number, a C name, a space and a value (`state 3`, `login 02/03`), several of
    /// these, or a log line pasted whole.
    #[arg(value_name = "WHAT", allow_negative_numbers = true)]
    pub words: Vec<String>,
    /// Print one JSON object per line: space, value, name, text, explanation, setting.
    #[arg(long)]
    pub json: bool,
    /// List every value of SPACE; without SPACE, list the spaces.
    #[arg(long, value_name = "SPACE", num_args = 0..=1, default_missing_value = "")]
    pub list: Option<String>,
    /// Also say whether this kernel release has each value, and since when it exists:
    /// `2.6.18`, `v2.6.18`, or a vendor release (`3.10.0-1160.el7.x86_64`: the nearest
    /// tracked release not newer).
    #[arg(long, value_name = "RELEASE", conflicts_with = "list")]
    pub kernel: Option<String>,
    /// With a pasted open-iscsi line: also say whether this open-iscsi release prints its
    /// wording (`2.1.4`, `2.1.4-1ubuntu1`, `2.1.11-14-gbc23614`). `--kernel` says it for a
    /// pasted kernel line.
    #[arg(long, value_name = "RELEASE", conflicts_with = "list")]
    pub open_iscsi: Option<String>,
}

/// Runs `explain`. Exit status: 0 when every value was explained, 1 when a value is
/// unknown, 2 for bad input (see the `after_help` above).
pub fn run(args: ExplainArgs) -> ExitCode {
    let o = query::answer(&query::Query {
        words: args.words,
        json: args.json,
        list: args.list,
        kernel: args.kernel,
        open_iscsi: args.open_iscsi,
    });
    // A closed pipe (`| head`) is not worth a panic or an error message.
    let _ = std::io::stdout().write_all(o.out.as_bytes());
    let _ = std::io::stderr().write_all(o.err.as_bytes());
    if o.bad_input {
        ExitCode::from(2)
    } else if o.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
