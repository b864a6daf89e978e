//! Rendering a message format into the syslog line its program logs: the sample arguments
//! of issue 13's measures (`source_formats`, `catalog_formats`).

/// `fmt` with every printf conversion replaced by a sample value of its type.
pub fn render(fmt: &str) -> String {
    let b = fmt.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\\' && i + 1 < b.len() {
            out.push(match b[i + 1] {
                b't' => '\t',
                b'n' => ' ',
                other => other as char,
            });
            i += 2;
            continue;
        }
        if c != b'%' {
            let ch = fmt[i..].chars().next().unwrap_or('?');
            out.push(ch);
            i += ch.len_utf8();
            continue;
        }
        i += 1;
        if b.get(i) == Some(&b'%') {
            out.push('%');
            i += 1;
            continue;
        }
        let mut hash = false;
        while let Some(&f) = b.get(i) {
            if b"-+ #0".contains(&f) {
                hash |= f == b'#';
                i += 1;
            } else {
                break;
            }
        }
        while b
            .get(i)
            .is_some_and(|x| x.is_ascii_digit() || *x == b'*' || *x == b'.')
        {
            i += 1;
        }
        while b.get(i).is_some_and(|x| b"hlLqjzt".contains(x)) {
            i += 1;
        }
        let conv = b.get(i).copied().unwrap_or(b'd');
        i += 1;
        let sample = match conv {
            b'd' | b'i' | b'u' => "3".to_string(),
            b'x' | b'X' if hash => "0x1f".to_string(),
            b'x' | b'X' => "1f".to_string(),
            b'o' => "17".to_string(),
            b'c' => "c".to_string(),
            b'f' | b'g' | b'e' => "1.5".to_string(),
            b'p' => {
                // The kernel's %p extensions: %pI4, %pISpc, %pM, %pg … (letters after p).
                let ext_start = i;
                while b.get(i).is_some_and(u8::is_ascii_alphanumeric) {
                    i += 1;
                }
                match &fmt[ext_start..i] {
                    e if e.starts_with("I4") || e.starts_with("IS") => "192.0.2.10".to_string(),
                    e if e.starts_with("I6") => "2001:db8::1".to_string(),
                    e if e.starts_with('M') => "00:11:22:33:44:55".to_string(),
                    "g" => "sdc".to_string(),
                    _ => "00000000a1b2c3d4".to_string(),
                }
            }
            _ => "x".to_string(),
        };
        out.push_str(&sample);
    }
    out
}

/// The syslog line a message of `program` becomes: the kernel's with its device prefix,
/// open-iscsi's with the `<prog>: ` its std-mode logger adds to error, warning and debug
/// lines (usr/log.c), iscsiuio's and the library's as they print.
pub fn line(program: &str, via: &str, prefix: &str, format: &str) -> String {
    let prefix = prefix
        .replace("{sd|scsi}", "sd")
        .replace("{driver} {device}", "qla4xxx 0000:04:00.0");
    let message = render(&format!("{prefix}{format}"));
    let std_prefix = matches!(via, "log_error" | "log_warning" | "log_debug")
        || via.starts_with("conn_")
        || via == "sess_log_connect";
    let body = if std_prefix && program != "kernel" {
        format!("{program}: {message}")
    } else {
        message
    };
    format!("Jun 22 16:30:48 node1 {program}: {body}")
}
