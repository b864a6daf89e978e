//! The members of an event decoded from its message: generated from the field registry
//! (`decode::fields::field_table!`), one member per row, with the renderers of the members
//! that are objects.

use crate::decode::Event;
use crate::decode::fields::field_table;
use crate::decode::names;
use crate::report::jsonw::Obj;

/// Writes the NDJSON member of each field, as its row of the field registry says.
macro_rules! json_member {
    ($o:ident, $ev:ident, $f:ident . $n:ident, int $member:literal) => {
        $o.opt_int($member, $f.$n)
    };
    ($o:ident, $ev:ident, $f:ident . $n:ident, str $member:literal) => {
        $o.opt_str($member, $f.$n.as_deref())
    };
    ($o:ident, $ev:ident, $f:ident . $n:ident, with $renderer:ident $member:literal) => {
        $renderer($o, $ev, $member)
    };
    ($o:ident, $ev:ident, $f:ident . $n:ident, skip) => {};
}

/// Generates [`field_members`] from the rows of the field registry.
macro_rules! json_fields {
    (
        fields { $(
            $(#[doc = $doc:literal])*
            $name:ident : $ty:ty $(= $id:ident $group:literal $how:ident)?,
            json $jk:ident $($jr:ident)? $($jn:literal)?,
            pair $pk:ident $($pp:ident)? $(, fact $fty:ty)?;
        )* }
        groups { $($groups:tt)* }
    ) => {
        /// The members decoded from the message (the same for every line with the same
        /// message), in the order of the field registry (`decode::fields`).
        pub fn field_members(o: &mut Obj, ev: &Event<'_>) {
            let f = &ev.fields;
            $( json_member!(o, ev, f.$name, $jk $($jr)? $($jn)?); )*
        }
    };
}

field_table!(json_fields);

/// `hctl`: `"H:C:T:L"`.
fn hctl(o: &mut Obj, ev: &Event<'_>, member: &str) {
    if let Some(h) = ev.fields.hctl {
        o.hctl(member, h.host, h.channel, h.target, h.lun);
    }
}

/// `portal`: `{"address", "port", "tpgt"}`, when the address or port is known.
fn portal(o: &mut Obj, ev: &Event<'_>, member: &str) {
    let f = &ev.fields;
    if f.addr.is_some() || f.port.is_some() {
        o.open(member);
        o.opt_str("address", f.addr);
        o.opt_int("port", f.port);
        o.opt_int("tpgt", f.tpgt);
        o.close();
    }
}

/// `errno`: `{"code", "text"}` (the text as logged, or the C library's).
fn errno(o: &mut Obj, ev: &Event<'_>, member: &str) {
    let f = &ev.fields;
    let errno_text = match f.errno_text {
        Some(t) => Some(std::borrow::Cow::Borrowed(t)),
        None => f.errno.and_then(crate::decode::fields::errno_text),
    };
    if f.errno.is_some() || errno_text.is_some() {
        o.open(member);
        o.opt_int("code", f.errno);
        o.opt_str("text", errno_text.as_deref());
        o.close();
    }
}

/// `error`: the kernel error `{"code", "name", "text", "logged_text"?}`.
fn kernel_error(o: &mut Obj, ev: &Event<'_>, member: &str) {
    let f = &ev.fields;
    if let Some(code) = f.kerr {
        let k = names::kernel_error(code.0);
        o.open(member);
        o.int("code", code.0);
        o.opt_str("name", k.name);
        o.str("text", k.text);
        if let Some(t) = f.kerr_text {
            if !t.ends_with(k.text) {
                o.str("logged_text", t);
            }
        }
        o.close();
    }
}

/// `state`: iscsid's connection state `{"value", "name", "label"}`.
fn conn_state(o: &mut Obj, ev: &Event<'_>, member: &str) {
    if let Some(s) = ev.fields.state {
        o.open(member);
        o.int("value", s.0);
        o.opt_str("name", names::conn_state_name(s.0));
        o.opt_str("label", names::conn_state_label(s.0));
        o.close();
    }
}

/// `login`: the target's status and iscsid's login result.
fn login(o: &mut Obj, ev: &Event<'_>, member: &str) {
    let f = &ev.fields;
    if f.login.is_some() || f.login_code.is_some() {
        o.open(member);
        if let Some((c, d)) = f.login.map(|l| (l.class(), l.detail())) {
            o.int("class", c);
            o.int("detail", d);
            o.opt_str("name", names::login_status_name(c, d));
        }
        o.opt_int("iscsid_code", f.login_code.map(|c| c.get()));
        if let Some(s) = f.login_code.and_then(|c| c.status()) {
            o.str("iscsid_name", s.name);
            o.str("iscsid_text", s.text);
        }
        o.close();
    }
}

/// `iscsiadm`: `{"code", "name", "text"}`.
fn iscsiadm(o: &mut Obj, ev: &Event<'_>, member: &str) {
    let f = &ev.fields;
    if let Some(c) = f.iscsiadm.map(|c| c.0) {
        o.open(member);
        o.int("code", c);
        o.opt_str("name", names::iscsiadm_name(c));
        o.opt_str("text", f.iscsiadm_text.or(names::iscsiadm_text(c)));
        o.close();
    }
}

/// `timing` (worked out from the ping numbers), then `ping`: the numbers as logged.
fn ping(o: &mut Obj, ev: &Event<'_>, member: &str) {
    if let Some(t) = &ev.timing {
        o.open("timing");
        o.int("hz", t.hz);
        o.bool("hz_confirmed", t.hz_confirmed);
        o.num("silence_s", t.silence_s);
        o.num("since_ping_s", t.since_ping_s);
        o.num("expected_s", t.expected_s);
        o.bool("stalled", t.stalled);
        o.close();
    }
    if let Some(p) = &ev.fields.ping {
        o.open(member);
        o.int("ping_timeout_s", p.ping_tmo);
        o.int("recv_timeout_s", p.recv_tmo);
        o.int("last_rx", p.last_rx);
        o.int("last_ping", p.last_ping);
        o.int("now", p.now);
        o.close();
    }
}

/// `param`: `{"value", "name"}`.
fn param(o: &mut Obj, ev: &Event<'_>, member: &str) {
    if let Some(p) = ev.fields.param {
        o.open(member);
        o.int("value", p.0);
        o.opt_str("name", names::param_name(p.0));
        o.close();
    }
}

/// `listing`: `{"key", "value"}` as iscsiadm printed them.
fn listing(o: &mut Obj, ev: &Event<'_>, member: &str) {
    let f = &ev.fields;
    if f.listing_key.is_some() || f.listing_value.is_some() {
        o.open(member);
        o.opt_str("key", f.listing_key);
        o.opt_str("value", f.listing_value);
        o.close();
    }
}
