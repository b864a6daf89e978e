//! Live input: events come out as their lines go in (a pipe, `--follow`), open incidents
//! after `--idle`, SIGTERM's summary and a closed output pipe. Every wait has a timeout, so
//! that a regression fails instead of hanging.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::thread;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(5);

fn spawn(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_iscsi-decode"))
        .env("TZ", "UTC")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("iscsi-decode runs")
}

/// The NDJSON objects of `out`, as they come.
fn objects(out: ChildStdout) -> Receiver<Value> {
    let (tx, rx) = channel();
    thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { return };
            let v: Value = serde_json::from_str(&line).expect("NDJSON");
            if tx.send(v).is_err() {
                return;
            }
        }
    });
    rx
}

/// The next object for which `want` holds (others are skipped), within [`WAIT`].
fn next_where(rx: &Receiver<Value>, what: &str, want: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(v) if want(&v) => return v,
            Ok(_) => {}
            Err(e) => panic!("no {what} within {WAIT:?}: {e}"),
        }
    }
}

fn is_type(v: &Value, t: &str) -> bool {
    v["type"] == t
}

fn event_of_sid(rx: &Receiver<Value>, sid: i64) -> Value {
    next_where(rx, &format!("event of session {sid}"), |v| {
        is_type(v, "event") && v["sid"] == sid
    })
}

/// Kills a process when dropped (if it has not exited, the signal goes nowhere).
struct Reaper(u32);

impl Drop for Reaper {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", &self.0.to_string()])
            .stderr(Stdio::null())
            .status();
    }
}

fn conn_error(sid: u32) -> String {
    format!("Apr 11 03:15:20 db2 kernel:  connection{sid}:0: detected conn error (1020)\n")
}

fn wait(child: &mut Child) -> ExitStatus {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            return st;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("iscsi-decode did not exit within {WAIT:?}");
        }
        thread::sleep(Duration::from_millis(20));
    }
}

fn stderr_of(child: &mut Child) -> String {
    let mut s = String::new();
    child.stderr.take().unwrap().read_to_string(&mut s).unwrap();
    s
}

fn terminate(child: &Child) {
    let ok = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
}

#[test]
fn each_line_of_a_pipe_comes_out_before_the_next_goes_in() {
    let mut child = spawn(&["decode", "--json", "-"]);
    let mut stdin = child.stdin.take().unwrap();
    let rx = objects(child.stdout.take().unwrap());
    for sid in 1..=5 {
        stdin.write_all(conn_error(sid).as_bytes()).unwrap();
        stdin.flush().unwrap();
        let ev = event_of_sid(&rx, sid.into());
        assert_eq!(ev["line"], sid);
    }
    drop(stdin);
    let summary = next_where(&rx, "summary", |v| is_type(v, "summary"));
    assert_eq!(summary["lines"], 5);
    assert!(wait(&mut child).success());
}

#[test]
fn an_incident_open_past_idle_is_written_open_then_closed() {
    let mut child = spawn(&["decode", "--json", "--idle", "1s", "-"]);
    let mut stdin = child.stdin.take().unwrap();
    let rx = objects(child.stdout.take().unwrap());
    stdin.write_all(conn_error(7).as_bytes()).unwrap();
    stdin.flush().unwrap();
    let open = next_where(&rx, "open incident", |v| is_type(v, "incident"));
    assert_eq!(open["open"], true, "{open}");
    assert_eq!(open["sid"], 7);
    stdin
        .write_all(b"Apr 11 03:17:02 db2 iscsid: connection7:0 is operational after recovery (14 attempts)\n")
        .unwrap();
    drop(stdin);
    let closed = next_where(&rx, "closed incident", |v| is_type(v, "incident"));
    assert!(closed.get("open").is_none(), "{closed}");
    assert_eq!(closed["outcome"], "recovered");
    assert!(wait(&mut child).success());
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("iscsi-decode-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn append(path: &Path, text: &str) {
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

/// Appends `sid`'s line to `path` until its event comes out: the follower may not have
/// opened the file yet when the first append happens.
fn append_until_seen(rx: &Receiver<Value>, path: &Path, sid: u32) {
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        append(path, &conn_error(sid));
        while let Ok(v) = rx.recv_timeout(Duration::from_millis(300)) {
            if is_type(&v, "event") && v["sid"] == sid {
                return;
            }
        }
    }
    panic!("no event of session {sid} from {}", path.display());
}

#[test]
fn follow_survives_rotation_and_truncation_and_sigterm_prints_the_summary() {
    let dir = TempDir::new("follow");
    let log = dir.0.join("messages");
    // Before the start: not read (the follower starts at the end).
    append(&log, &conn_error(90));
    let mut child = spawn(&["decode", "--json", "--follow", log.to_str().unwrap()]);
    // A follower never ends on its own: a failing assertion must not leave it running.
    let _reaper = Reaper(child.id());
    let rx = objects(child.stdout.take().unwrap());
    append_until_seen(&rx, &log, 1);
    // Appended after: read as it comes.
    append(&log, &conn_error(2));
    event_of_sid(&rx, 2);
    // Rotation: the old file renamed (a last line written to it), a new file created.
    std::fs::rename(&log, dir.0.join("messages.1")).unwrap();
    append(&dir.0.join("messages.1"), &conn_error(3));
    append(&log, &conn_error(4));
    event_of_sid(&rx, 3);
    event_of_sid(&rx, 4);
    // Truncation in place (copytruncate), then a shorter line.
    std::fs::write(&log, "").unwrap();
    thread::sleep(Duration::from_millis(200));
    append(&log, &conn_error(5));
    event_of_sid(&rx, 5);
    terminate(&child);
    let summary = next_where(&rx, "summary", |v| is_type(v, "summary"));
    assert!(summary["lines"].as_u64().unwrap() >= 5, "{summary}");
    let status = wait(&mut child);
    assert!(status.success(), "{status:?}");
    // Session 90's line was in the file before the follower started.
    let sessions = &summary["hosts"][0]["sessions"];
    assert_eq!(sessions, &serde_json::json!([1, 2, 3, 4, 5]), "{summary}");
}

#[test]
fn sigterm_on_a_pipe_prints_the_human_summary_and_exits_0() {
    let mut child = spawn(&["decode", "-"]);
    let mut stdin = child.stdin.take().unwrap();
    let mut out = child.stdout.take().unwrap();
    stdin.write_all(conn_error(3).as_bytes()).unwrap();
    stdin.flush().unwrap();
    // The opened line shows that the line was decoded before the signal.
    let (tx, rx) = channel();
    thread::spawn(move || {
        let mut all = String::new();
        let mut buf = [0u8; 4096];
        loop {
            match out.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    all.push_str(&String::from_utf8_lossy(&buf[..n]));
                    let _ = tx.send(all.clone());
                }
            }
        }
    });
    let deadline = Instant::now() + WAIT;
    let mut seen = String::new();
    while !seen.contains("incident opened") {
        let left = deadline.saturating_duration_since(Instant::now());
        seen = rx
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no opened line: {seen:?}"));
    }
    terminate(&child);
    let status = wait(&mut child);
    while let Ok(s) = rx.recv_timeout(Duration::from_millis(500)) {
        seen = s;
    }
    assert!(status.success(), "{status:?}");
    assert!(
        seen.contains("1 lines read") || seen.contains("1 line read"),
        "{seen}"
    );
    assert!(seen.contains("Summary"), "{seen}");
    drop(stdin);
}

#[test]
fn a_closed_output_pipe_ends_quietly_with_status_0() {
    let mut child = spawn(&["decode", "--json", "-"]);
    let mut stdin = child.stdin.take().unwrap();
    drop(child.stdout.take());
    // Writing may fail once the decoder has gone: that is the point.
    for sid in 1..=50 {
        if stdin.write_all(conn_error(sid).as_bytes()).is_err() {
            break;
        }
        let _ = stdin.flush();
        thread::sleep(Duration::from_millis(10));
    }
    drop(stdin);
    let status = wait(&mut child);
    let err = stderr_of(&mut child);
    assert!(status.success(), "{status:?}: {err}");
    assert_eq!(err, "");
}

#[test]
fn a_regular_file_before_a_pipe_keeps_its_paragraphs() {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/logs/syslog-multipath-recovery-timeout.log"
    );
    let mut child = spawn(&["decode", file, "-"]);
    drop(child.stdin.take());
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert!(wait(&mut child).success());
    assert!(out.contains("#1 db2  session 7"), "{out}");
    assert!(out.contains("RECOVERY TIMED OUT"), "{out}");
    assert!(out.contains("Summary"), "{out}");
}

#[test]
fn an_incident_the_log_left_alone_for_the_quiet_gap_is_closed_unresolved() {
    let mut child = spawn(&["decode", "--json", "-"]);
    let mut stdin = child.stdin.take().unwrap();
    let rx = objects(child.stdout.take().unwrap());
    stdin.write_all(conn_error(7).as_bytes()).unwrap();
    stdin.flush().unwrap();
    event_of_sid(&rx, 7);
    // Stale incidents are looked for at most once a second.
    thread::sleep(Duration::from_millis(1100));
    // 25 minutes of log time later, another session's line.
    stdin
        .write_all(b"Apr 11 03:40:20 db2 kernel:  connection8:0: detected conn error (1020)\n")
        .unwrap();
    stdin.flush().unwrap();
    let closed = next_where(&rx, "closed incident", |v| is_type(v, "incident"));
    assert_eq!(closed["sid"], 7, "{closed}");
    assert_eq!(closed["outcome"], "unresolved");
    assert!(closed.get("open").is_none(), "{closed}");
    drop(stdin);
    assert!(wait(&mut child).success());
}

#[test]
fn the_metrics_file_follows_incidents_as_they_open_and_close() {
    let dir = std::env::temp_dir().join(format!("iscsi-live-metrics-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let prom = dir.join("iscsi.prom");
    let mut child = spawn(&[
        "decode",
        "--json",
        "--metrics-file",
        prom.to_str().unwrap(),
        "-",
    ]);
    let mut stdin = child.stdin.take().unwrap();
    let rx = objects(child.stdout.take().unwrap());
    writeln!(
        stdin,
        "Mar  3 10:00:01 node1 kernel:  connection3:0: detected conn error (1022)"
    )
    .unwrap();
    stdin.flush().unwrap();
    next_where(&rx, "the event", |v| is_type(v, "event"));
    // The incident is open: the file says the session is down while the decoder runs.
    let down = "iscsi_decode_sessions_down{host=\"node1\"} 1";
    let deadline = Instant::now() + WAIT;
    loop {
        let text = std::fs::read_to_string(&prom).unwrap_or_default();
        if text.contains(down) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no {down} while running: {text:?}"
        );
        thread::sleep(Duration::from_millis(20));
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "the decoder is still running"
    );
    writeln!(
        stdin,
        "Mar  3 10:00:30 node1 iscsid: connection3:0 is operational after recovery (2 attempts)"
    )
    .unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(status.success());
    let text = std::fs::read_to_string(&prom).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        text.contains("iscsi_decode_sessions_down{host=\"node1\"} 0"),
        "recovered at the end: {text}"
    );
    assert!(text.contains("iscsi_decode_lines_read_total 2"), "{text}");
}

/// The position of `pid`'s open file `path` (Linux: /proc/PID/fdinfo), if it has it open.
fn read_position(pid: u32, path: &Path) -> Option<u64> {
    for fd in std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.flatten() {
        if std::fs::read_link(fd.path()).is_ok_and(|p| p == path) {
            let info = std::fs::read_to_string(format!(
                "/proc/{pid}/fdinfo/{}",
                fd.file_name().to_string_lossy()
            ))
            .ok()?;
            let pos = info.lines().find_map(|l| l.strip_prefix("pos:"))?;
            return pos.trim().parse().ok();
        }
    }
    None
}

#[test]
#[cfg(target_os = "linux")]
fn sigint_while_a_regular_file_is_read_stops_it_and_prints_the_summary() {
    // A regular file before a pipe (so the signal handler is set): a few hundred MB, which
    // take seconds to decode, written quickly from one repeated block.
    let dir = TempDir::new("interrupt");
    let big = dir.0.join("big.log");
    // Recognised lines that open no incident (the report stays small), and others.
    let block: String = (0..1000)
        .map(|i| match i % 4 {
            0 => format!(
                "Apr 11 03:15:21 db2 iscsid: Connection{}:0 to [target: iqn.2001-05.com.example:t1, portal: 192.0.2.1,3260] through [iface: default] is operational now\n",
                i % 64 + 1
            ),
            1 => "Apr 11 03:15:21 db2 kernel: scsi host3: iSCSI Initiator over TCP/IP\n".to_string(),
            _ => "Apr 11 03:15:22 db2 sshd[811]: Accepted publickey for admin from 192.0.2.9\n"
                .to_string(),
        })
        .collect();
    let copies = (256 << 20) / block.len();
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
        for _ in 0..copies {
            f.write_all(block.as_bytes()).unwrap();
        }
        f.flush().unwrap();
    }
    let total = copies as u64 * 1000;
    let big = big.canonicalize().unwrap();
    let mut child = spawn(&["decode", big.to_str().unwrap(), "-"]);
    let _reaper = Reaper(child.id());
    let stdin = child.stdin.take().unwrap();
    // Reading has begun (past what the check of the inputs before the run reads): the
    // handler is set, and most of the file is still to be read.
    let deadline = Instant::now() + Duration::from_secs(60);
    while read_position(child.id(), &big).is_none_or(|p| p < 8 << 20) {
        assert!(
            child.try_wait().unwrap().is_none(),
            "iscsi-decode exited before it read 8 MiB"
        );
        assert!(Instant::now() < deadline, "iscsi-decode did not read 8 MiB");
        thread::sleep(Duration::from_millis(2));
    }
    let ok = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    let signalled = Instant::now();
    // Generous for a loaded machine; without the stop between chunks, the whole file is
    // read first (the line count below tells).
    let deadline = signalled + Duration::from_secs(60);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        assert!(Instant::now() < deadline, "no exit 60 s after SIGINT");
        thread::sleep(Duration::from_millis(20));
    };
    let after = signalled.elapsed();
    drop(stdin);
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let err = stderr_of(&mut child);
    assert!(status.success(), "{status:?}: {err}");
    assert!(out.contains("Summary"), "{out}");
    let read: u64 = out
        .split(" lines read")
        .next()
        .and_then(|s| s.rsplit(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no line count: {out}"));
    assert!(
        read < total,
        "all {total} lines were read after the signal ({after:?}): {out}"
    );
    let name = big.to_str().unwrap();
    assert!(
        err.contains(&format!("{name}: interrupted after {read} lines")),
        "{err}"
    );
    eprintln!("stopped {after:?} after SIGINT, {read} of {total} lines read");
}
