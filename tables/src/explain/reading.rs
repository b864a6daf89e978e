//! A reading: what one number (or name) is in one space, as data. [`super::render`] renders
//! it; [`Space::reading`] makes one.

use super::Space;

/// One reading of a number (or a name) in one space: what it is called, what the program
/// that printed it says, and our explanation.
///
/// `name` is `None` for a value the tables do not know; such a reading still carries its
/// number and prints as `1099 ISCSI_ERR_???`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    /// The number space.
    pub space: Space,
    /// The value. Login statuses are packed as `class << 8 | detail`.
    pub value: i128,
    /// The C name, if the value is known.
    pub name: Option<&'static str>,
    /// The short text the printing program uses (see [`Space::text_label`]), or the
    /// header's comment; may be empty.
    pub text: &'static str,
    /// Our explanation; never empty.
    pub explanation: &'static str,
    /// The iscsid.conf setting involved, where one applies.
    pub setting: Option<&'static str>,
}

impl Reading {
    /// Whether the value is a known one.
    pub fn is_known(&self) -> bool {
        self.name.is_some()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Reading {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let n = if self.setting.is_some() { 6 } else { 5 };
        let mut st = s.serialize_struct("Reading", n)?;
        st.serialize_field("space", &self.space)?;
        st.serialize_field("value", &self.value)?;
        // Absent means absent, as in `write_json`: no `null` name, no empty text.
        match self.name {
            Some(name) => st.serialize_field("name", name)?,
            None => st.skip_field("name")?,
        }
        if self.text.is_empty() {
            st.skip_field("text")?;
        } else {
            st.serialize_field("text", &self.text)?;
        }
        st.serialize_field("explanation", &self.explanation)?;
        if let Some(setting) = self.setting {
            st.serialize_field("setting", setting)?;
        }
        st.end()
    }
}
