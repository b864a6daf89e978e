//! Signed overflow in the evaluator: C leaves it undefined, so `INT_MIN / -1`,
//! `INT_MIN % -1`, `INT_MAX + 1` and `-INT_MIN` are errors at the operator, not
//! values that wrap silently. Unsigned arithmetic still wraps, shifts keep gcc's
//! definition (`1 << 31` is `INT_MIN`), and an operand C does not evaluate may
//! overflow freely.

use std::path::Path;

use iscsi_codegen::Error;
use iscsi_codegen::extract::{ExtractOptions, extract_bytes};

fn value(src: &str) -> Result<i128, Error> {
    let opts = ExtractOptions {
        label: "t".into(),
        path: "t.h".into(),
        include_dirs: vec![],
        skip_undefined: false,
    };
    let h = extract_bytes(src.as_bytes(), Path::new("/nonexistent/t.h"), &opts)?;
    Ok(h.defines.last().map_or(0, |d| d.value))
}

#[test]
fn signed_overflow_is_an_error() {
    // (header, the text starting at the operator blamed, what the message says)
    let cases = [
        (
            "#define A ((-2147483647-1)/-1)\n",
            "/-1",
            "-2147483648 / -1 is 2147483648, which int",
        ),
        (
            "#define A ((-2147483647-1)%-1)\n",
            "%-1",
            "the quotient of -2147483648 % -1 is 2147483648, which int",
        ),
        (
            "#define A (2147483647 + 1)\n",
            "+ 1",
            "2147483647 + 1 is 2147483648, which int",
        ),
        (
            "#define A (-2147483647 - 2)\n",
            "- 2",
            "-2147483647 - 2 is -2147483649, which int",
        ),
        (
            "#define A (65536 * 65536)\n",
            "* 65536",
            "65536 * 65536 is 4294967296, which int",
        ),
        (
            "#define A (-(-2147483647-1))\n",
            "-(-",
            "-(-2147483648) is 2147483648, which int",
        ),
        (
            "#define A ((-9223372036854775807L-1)/-1L)\n",
            "/-1L",
            "-9223372036854775808 / -1 is 9223372036854775808, which long",
        ),
        (
            "enum { E = (-2147483647-1) / -1 };\n",
            "/ -1",
            "-2147483648 / -1 is 2147483648, which int",
        ),
        (
            "#if (-9223372036854775807-1) % -1\n#endif\n",
            "% -1",
            "which intmax_t cannot hold",
        ),
    ];
    for (src, at, want) in cases {
        let column = src.find(at).map_or(0, |i| i + 1) as u32;
        let e = value(src).err();
        let e = e.unwrap_or_else(|| panic!("{src}: no error"));
        assert_eq!((e.line, e.column), (1, column), "{src}: {e}");
        assert!(e.message.contains("integer overflow: "), "{src}: {e}");
        assert!(e.message.contains(want), "{src}: {e}");
        assert!(
            e.message.contains("signed overflow is undefined in C"),
            "{src}: {e}"
        );
    }
}

#[test]
fn defined_arithmetic_still_wraps() {
    let cases = [
        ("#define A (-2147483647-1)\n", -2147483648),
        ("#define A (1 << 31)\n", -2147483648),
        ("#define A (0xffffffffU + 1)\n", 0),
        ("#define A (0U - 1)\n", 4294967295),
        (
            "#define A (0xffffffffffffffffULL * 0xffffffffffffffffULL)\n",
            1,
        ),
        ("#define A (-2147483648)\n", -2147483648),
        ("#define A (-0x80000000)\n", 2147483648),
        ("#define A ((int)0x80000000)\n", -2147483648),
        ("#define A ((-2147483647-1)/1)\n", -2147483648),
        ("#define A (2147483647L + 1)\n", 2147483648),
        // Operands C does not evaluate.
        ("#define A (0 ? (2147483647 + 1) : 5)\n", 5),
        ("#define A (0 && ((-2147483647-1)/-1))\n", 0),
        ("#define A (1 || -(-2147483647-1))\n", 1),
    ];
    for (src, want) in cases {
        assert_eq!(value(src).map_err(|e| e.to_string()), Ok(want), "{src}");
    }
}
