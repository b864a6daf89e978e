//! What the pipeline tests with a real syslog engine share (pipeline_rsyslog.rs,
//! pipeline_syslogng.rs): the daemon's guard, a free loopback port, waiting for it to
//! listen, sending with `logger`, and waiting for the decoder's output.

use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// Stops the daemon however the test ends.
pub struct Daemon(pub Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A port the system has free now (another test or engine may hold any fixed one).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

/// Waits until `daemon` (called `name`) listens on `port`, within `limit`; panics with
/// `said()` (what the daemon logged) when it exits or does not listen in time.
pub fn wait_listening(
    daemon: &mut Daemon,
    name: &str,
    port: u16,
    limit: Duration,
    said: impl Fn() -> String,
) {
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Some(st) = daemon.0.try_wait().unwrap() {
            panic!("{name} exited ({st}): {}", said());
        }
        assert!(
            start.elapsed() < limit,
            "{name} does not listen on {port}: {}",
            said()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Sends `msg` tagged `tag` over TCP to `port` with `logger --tcp`, and `framing` (e.g.
/// `--octet-count`) before the other options.
pub fn send(port: u16, framing: &[&str], tag: &str, msg: &str) {
    let st = Command::new("logger")
        .arg("--tcp")
        .args(framing)
        .args([
            "-n",
            "127.0.0.1",
            "-P",
            &port.to_string(),
            "-t",
            tag,
            "--",
            msg,
        ])
        .status()
        .expect("logger (bsdutils) runs");
    assert!(st.success(), "logger failed");
}

/// The lines of `path` once `want` of them hold `needle`, within `limit`.
pub fn wait_for(path: &Path, needle: &str, want: usize, limit: Duration) -> Option<String> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Ok(text) = std::fs::read_to_string(path) {
            if text.matches(needle).count() >= want {
                return Some(text);
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}
