//! The scanner's tests: calls, levels, prefixes and the offload drivers' macros on small sources.

use super::*;

const SRC: &str = r#"
#include <stdio.h>
#define PFX "nic "
#define LOG_ME(x) log_error("not a call site %d", x)
/* log_error("in a comment") */
static int helper(int a) __attribute__((unused));

static void __login_response_status(struct iscsi_conn *conn, int login_status)
{
	switch (login_status) {
	case 1:
		conn_error(conn, "Login error (Login status %d)",
			   login_status);
		break;
	}
	log_debug(7, "put ev context %p:%s", &ctx->actor,
		  (&ctx->actor)->name);
	log_error(ok ? "a" : "b");
	x->log_error("member, not a call");
	ILOG_ERR(PFX "Could not %s: %" PRIu64 "\n", "x", n);
	fprintf(fp, "not logged");
	fprintf(stderr, "Error: \"%s\"\n", s);
}
"#;

#[test]
fn finds_calls_with_function_level_prefix_and_args() {
    let s = scan("usr/x.c", SRC, Origin::OpenIscsi, &BTreeMap::new()).unwrap();
    let got: Vec<(&str, &str, &str, &str, &str)> = s
        .messages
        .iter()
        .map(|m| {
            (
                m.function.as_str(),
                m.via.as_str(),
                m.level.as_str(),
                m.prefix.as_str(),
                m.format.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "LOG_ME (macro)",
                "log_error",
                "err",
                "",
                "not a call site %d"
            ),
            (
                "__login_response_status",
                "conn_error",
                "err",
                "connection%d:%d ",
                "Login error (Login status %d)"
            ),
            (
                "__login_response_status",
                "log_debug",
                "debug",
                "",
                "put ev context %p:%s"
            ),
            (
                "__login_response_status",
                "ILOG_ERR",
                "err",
                "ERR  ",
                "nic Could not %s: %lu"
            ),
            (
                "__login_response_status",
                "fprintf",
                "err",
                "",
                "Error: \"%s\""
            ),
        ]
    );
    // A macro's calls are found in its body, with the macro's line.
    assert_eq!(s.messages[0].line, 4);
    assert_eq!(s.messages[1].args, ["login_status"]);
    assert_eq!(s.messages[1].line, 12);
    assert_eq!(s.messages[2].args, ["&ctx->actor", "(&ctx->actor)->name"]);
    assert_eq!(s.unresolved, [(18, "log_error".to_string())]);
}

#[test]
fn kernel_levels_and_prefixes() {
    let src = r#"
#define DM_MSG_PREFIX "multipath"
void iscsi_conn_failure(struct iscsi_conn *conn, enum iscsi_err err)
{
	iscsi_conn_printk(KERN_INFO, conn, "detected conn error (%d)\n", err);
	printk(KERN_ERR "iscsi: invalid %s\n", x);
	ISCSI_DBG_EH(session, "wait for relogin\n");
	DMWARN("Failing path %s.", p);
}
"#;
    let s = scan(
        "drivers/scsi/libiscsi.c",
        src,
        Origin::Kernel,
        &BTreeMap::new(),
    )
    .unwrap();
    let got: Vec<(&str, &str, &str)> = s
        .messages
        .iter()
        .map(|m| (m.level.as_str(), m.prefix.as_str(), m.format.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("info", " connection%d:%u: ", "detected conn error (%d)"),
            ("err", "", "iscsi: invalid %s"),
            (
                "debug",
                " session%u: iscsi_conn_failure ",
                "wait for relogin"
            ),
            ("warn", "device-mapper: multipath: ", "Failing path %s."),
        ]
    );
}

#[test]
fn offload_drivers_macros_masks_and_pr_fmt() {
    let levels = |file: &str, src: &str| -> Vec<(String, String, String)> {
        let mut known = BTreeMap::new();
        known.insert("KBUILD_MODNAME".to_string(), "libcxgbi".to_string());
        scan(file, src, Origin::Kernel, &known)
            .unwrap()
            .messages
            .into_iter()
            .map(|m| (m.level, m.prefix, m.format))
            .collect()
    };
    let qedi = r#"
void qedi_f(struct qedi_ctx *qedi)
{
	QEDI_ERR(&qedi->dbg_ctx, "Invalid login response\n");
	QEDI_INFO(&qedi->dbg_ctx, QEDI_LOG_SCSI_TM, "TMF %d\n", x);
	QEDI_INFO(&qedi->dbg_ctx, QEDI_LOG_CONN, "conn %d\n", x);
	QEDI_NOTICE(&qedi->dbg_ctx, "notice\n");
}
"#;
    let p = "[%s]:[qedi_f:%d]:%d: ";
    let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        levels("drivers/scsi/qedi/qedi_fw.c", qedi),
        [
            s("err", p, "Invalid login response"),
            s("info", p, "TMF %d"),
            s("debug", p, "conn %d"),
            s("debug", p, "notice"),
        ]
    );
    let be = r#"
void be_f(struct beiscsi_hba *phba)
{
	beiscsi_log(phba, KERN_ERR, BEISCSI_LOG_INIT, "BM_%d : failed\n");
	beiscsi_log(phba, KERN_INFO, BEISCSI_LOG_INIT, "BM_%d : fine\n");
	DEBUG2(printk("scsi%ld: %s\n", ha->host_no, __func__));
}
"#;
    assert_eq!(
        levels("drivers/scsi/be2iscsi/be_main.c", be),
        [
            s("err", "scsi host%d: ", "BM_%d : failed"),
            s("debug", "scsi host%d: ", "BM_%d : fine"),
            s("info", "", "scsi%ld: %s"),
        ]
    );
    // DEBUG2 gates only qla4xxx's calls.
    assert_eq!(
        levels("drivers/scsi/qla4xxx/ql4_os.c", be)[2],
        s("debug", "", "scsi%ld: %s")
    );
    let cxgbi = r#"
#define pr_fmt(fmt) KBUILD_MODNAME ":%s: " fmt, __func__
void cxgbi_f(void)
{
	pr_err("bad %u.\n", n);
	printk(KERN_ERR "raw %u.\n", n);
	log_debug(1 << CXGBI_DBG_SOCK, "csk 0x%p\n", csk);
}
"#;
    assert_eq!(
        levels("drivers/scsi/cxgbi/libcxgbi.c", cxgbi),
        [
            s("err", "libcxgbi:cxgbi_f: ", "bad %u."),
            s("err", "", "raw %u."),
            s("debug", "libcxgbi:cxgbi_f: ", "csk 0x%p"),
        ]
    );
}

#[test]
fn an_unclosed_comment_is_an_error_with_its_line() {
    let e = scan(
        "x.c",
        "int a;\n/* never closed\n",
        Origin::Kernel,
        &BTreeMap::new(),
    )
    .unwrap_err();
    assert_eq!(e, "x.c:2: a block comment that is never closed");
}
