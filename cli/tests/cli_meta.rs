//! What the command says of itself: `--version`, `completions`, `man`, and the colour
//! decision of `--color auto` (NO_COLOR, CLICOLOR_FORCE, TERM=dumb) on every subcommand.

use std::process::{Command, Output};

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_iscsi-decode"));
    c.env("TZ", "UTC");
    c.args(args);
    for k in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM"] {
        c.env_remove(k);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("the command runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const LOG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/fixtures/logs/syslog-nop-timeout-recovered.log"
);

#[test]
fn version_names_the_commit_and_the_tables_releases() {
    let o = run(&["--version"], &[]);
    assert!(o.status.success());
    let v = stdout(&o);
    assert!(
        v.starts_with(concat!(
            "iscsi-decode ",
            env!("CARGO_PKG_VERSION"),
            " (commit "
        )),
        "{v}"
    );
    assert!(v.contains("codes: kernel headers v2.6.15 … "), "{v}");
    assert!(
        v.contains("messages: kernel v6.1.192 … v6.12.118, open-iscsi 2.0.873 … "),
        "{v}"
    );
}

#[test]
fn completions_for_each_shell() {
    for (shell, mark) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef iscsi-decode"),
        ("fish", "complete -c iscsi-decode"),
        ("elvish", "iscsi-decode"),
        ("powershell", "iscsi-decode"),
    ] {
        let o = run(&["completions", shell], &[]);
        assert!(o.status.success(), "{shell}");
        let text = stdout(&o);
        assert!(text.contains(mark), "{shell}: {mark} missing");
        // The subcommands and decode's options are completed (fish writes `-l json`).
        let json = if shell == "fish" { "-l json" } else { "--json" };
        assert!(text.contains("decode") && text.contains(json), "{shell}");
    }
    let o = run(&["completions", "tcsh"], &[]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

#[test]
fn man_pages_of_the_command_and_its_subcommands() {
    let o = run(&["man"], &[]);
    assert!(o.status.success());
    let page = stdout(&o);
    assert!(page.contains(".TH iscsi-decode 1"), "{page}");
    assert!(page.contains("decode") && page.contains("explain"));
    let o = run(&["man", "decode"], &[]);
    let page = stdout(&o);
    assert!(page.contains(".TH iscsi-decode-decode 1"), "{page}");
    assert!(
        page.contains("\\-\\-json"),
        "decode's options are on its page"
    );
    let o = run(&["man", "nope"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("expected one of explain, decode"));
}

#[test]
fn decode_help_has_examples() {
    let o = run(&["decode", "--help"], &[]);
    let help = stdout(&o);
    assert!(
        help.contains("Examples:") && help.contains("journalctl"),
        "{help}"
    );
}

#[test]
fn color_follows_the_conventions() {
    let esc = |o: &Output| o.stdout.contains(&0x1b);
    // Into a pipe, auto means no colour; CLICOLOR_FORCE colours anyway, NO_COLOR wins over it.
    assert!(!esc(&run(&["decode", LOG], &[])));
    assert!(esc(&run(&["decode", LOG], &[("CLICOLOR_FORCE", "1")])));
    assert!(!esc(&run(
        &["decode", LOG],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    )));
    assert!(esc(&run(
        &["decode", "--color", "always", LOG],
        &[("NO_COLOR", "1")]
    )));
    assert!(!esc(&run(
        &["--color", "never", "decode", LOG],
        &[("CLICOLOR_FORCE", "1")]
    )));
    // Every subcommand takes --color.
    for args in [
        &["explain", "--color", "never", "1022"][..],
        &["completions", "--color", "never", "bash"],
        &["man", "--color", "never"],
    ] {
        assert!(run(args, &[]).status.success(), "{args:?}");
    }
}
