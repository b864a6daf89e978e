//! `iscsi-loggen`: writes a realistic syslog with iSCSI incidents and their ground truth.

use iscsi_loggen::{Config, Format, Mix, generate, text::parse_iso};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "\
usage: iscsi-loggen [options]

  --size SIZE           stop before SIZE bytes (K/M/G suffixes are powers of 1024) [1M]
  --lines N             stop after N lines (with --size, whichever comes first)
  --seed N              PRNG seed [1]
  --format FMT          syslog | syslog-iso | journal | dmesg | dmesg-t [syslog]
  --hosts N             hosts interleaved in one log (dmesg: always 1) [4]
  --sessions N          iSCSI sessions (paths) per host [4]
  --incident-rate R     incidents per 10,000 noise lines [2]
  --noise-rate R        noise lines per second per host [40]
  --noise-mix MIX       default | chatter (heavy sshd/logind/cron session, dockerd and
                        kubelet chatter) [default]
  --only-iscsi          no noise: every line is an iSCSI-stack line
  --start TIME          first timestamp, UTC, YYYY-MM-DDTHH:MM:SS [2024-03-04T00:00:00]
  --no-late-recovery    never bring a timed-out multipath session back
  --tail N              incidents started near the end that stay unresolved [2]
  --truth FILE          write the ground truth as JSON
  -o, --output FILE     output file [stdout]
  -q, --quiet           no summary on stderr
";

fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let (num, mul) = match s.char_indices().last()? {
        (i, 'k' | 'K') => (&s[..i], 1u64 << 10),
        (i, 'm' | 'M') => (&s[..i], 1 << 20),
        (i, 'g' | 'G') => (&s[..i], 1 << 30),
        _ => (s, 1),
    };
    let v: f64 = num.parse().ok()?;
    (v >= 0.0).then_some((v * mul as f64) as u64)
}

struct Cli {
    cfg: Config,
    truth: Option<String>,
    output: Option<String>,
    quiet: bool,
}

fn parse_args(args: &[String]) -> Result<Cli, String> {
    let mut cli = Cli {
        cfg: Config::default(),
        truth: None,
        output: None,
        quiet: false,
    };
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let mut val = || -> Result<String, String> {
            i += 1;
            args.get(i)
                .cloned()
                .ok_or_else(|| format!("{a} needs a value"))
        };
        let bad = |what: &str, v: &str| format!("invalid {what}: {v:?}");
        match a {
            "--size" => {
                let v = val()?;
                cli.cfg.max_bytes = parse_size(&v).ok_or_else(|| bad("size", &v))?;
            }
            "--lines" => {
                let v = val()?;
                cli.cfg.max_lines = parse_size(&v).ok_or_else(|| bad("line count", &v))?;
                if !args.iter().any(|x| x == "--size") {
                    cli.cfg.max_bytes = 0;
                }
            }
            "--seed" => {
                let v = val()?;
                cli.cfg.seed = v.parse().map_err(|_| bad("seed", &v))?;
            }
            "--format" => {
                let v = val()?;
                cli.cfg.format = Format::parse(&v).ok_or_else(|| bad("format", &v))?;
            }
            "--hosts" => {
                let v = val()?;
                cli.cfg.hosts = v
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| bad("host count", &v))?;
            }
            "--sessions" => {
                let v = val()?;
                cli.cfg.paths_per_host = v
                    .parse()
                    .ok()
                    .filter(|&n| n > 0 && n <= 400)
                    .ok_or_else(|| bad("session count", &v))?;
            }
            "--incident-rate" => {
                let v = val()?;
                cli.cfg.incident_rate = v
                    .parse()
                    .ok()
                    .filter(|&r: &f64| r >= 0.0)
                    .ok_or_else(|| bad("rate", &v))?;
            }
            "--noise-rate" => {
                let v = val()?;
                cli.cfg.noise_per_host_per_s = v
                    .parse()
                    .ok()
                    .filter(|&r: &f64| r > 0.0)
                    .ok_or_else(|| bad("rate", &v))?;
            }
            "--noise-mix" => {
                let v = val()?;
                cli.cfg.noise_mix = Mix::parse(&v).ok_or_else(|| bad("noise mix", &v))?;
            }
            "--only-iscsi" => cli.cfg.only_iscsi = true,
            "--no-late-recovery" => cli.cfg.late_recovery = false,
            "--tail" => {
                let v = val()?;
                cli.cfg.tail_incidents = v.parse().map_err(|_| bad("tail count", &v))?;
            }
            "--start" => {
                let v = val()?;
                cli.cfg.start_unix = parse_iso(&v).ok_or_else(|| bad("start time", &v))?;
            }
            "--truth" => cli.truth = Some(val()?),
            "-o" | "--output" => cli.output = Some(val()?),
            "-q" | "--quiet" => cli.quiet = true,
            "-h" | "--help" => return Err(String::new()),
            _ => return Err(format!("unknown argument {a:?}")),
        }
        i += 1;
    }
    if cli.cfg.max_bytes == 0 && cli.cfg.max_lines == 0 {
        return Err("--size or --lines must be positive".into());
    }
    Ok(cli)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cli = match parse_args(&args) {
        Ok(c) => c,
        Err(e) if e.is_empty() => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("iscsi-loggen: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let result = match &cli.output {
        Some(path) if path != "-" => File::create(path).and_then(|f| generate(&cli.cfg, f)),
        _ => {
            let stdout = io::stdout();
            generate(&cli.cfg, BufWriter::with_capacity(1 << 16, stdout.lock()))
        }
    };
    let truth = match result {
        Ok(t) => t,
        Err(e) => {
            eprintln!("iscsi-loggen: writing the log: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(path) = &cli.truth
        && let Err(e) = File::create(path).and_then(|mut f| f.write_all(truth.to_json().as_bytes()))
    {
        eprintln!("iscsi-loggen: writing {path}: {e}");
        return ExitCode::FAILURE;
    }
    if !cli.quiet {
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "iscsi-loggen: {} lines, {} bytes ({} iSCSI lines, {} incidents: {} recovered, {} timed out, {} unresolved; {} login failures) in {:.2}s ({:.0} MB/s)",
            truth.lines,
            truth.bytes,
            truth.iscsi_lines,
            truth.incidents.len(),
            truth.count(iscsi_loggen::Outcome::Recovered),
            truth.count(iscsi_loggen::Outcome::RecoveryTimedOut),
            truth.count(iscsi_loggen::Outcome::Unresolved),
            truth.login_failures.len(),
            secs,
            truth.bytes as f64 / 1e6 / secs.max(1e-9),
        );
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1G"), Some(1 << 30));
        assert_eq!(parse_size("512k"), Some(512 << 10));
        assert_eq!(parse_size("1.5M"), Some(3 << 19));
        assert_eq!(parse_size("1000"), Some(1000));
        assert_eq!(parse_size("x"), None);
    }

    #[test]
    fn args() {
        let a: Vec<String> = [
            "--size",
            "2M",
            "--format",
            "dmesg-t",
            "--only-iscsi",
            "-o",
            "x.log",
            "--noise-mix",
            "chatter",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let c = parse_args(&a).unwrap();
        assert_eq!(c.cfg.max_bytes, 2 << 20);
        assert_eq!(c.cfg.format, Format::DmesgT);
        assert!(c.cfg.only_iscsi);
        assert_eq!(c.output.as_deref(), Some("x.log"));
        assert_eq!(c.cfg.noise_mix, Mix::Chatter);
        assert_eq!(
            parse_args(&["--size".into(), "1M".into()])
                .unwrap()
                .cfg
                .noise_mix,
            Mix::Default
        );
        assert!(parse_args(&["--noise-mix".into(), "loud".into()]).is_err());
        assert!(parse_args(&["--bogus".to_string()]).is_err());
    }
}
