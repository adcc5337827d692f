//! Text from outside (Discord's answers, callers' input) made safe for one log line: control
//! characters (newlines, NUL, escape) are written escaped (`\n`, `\u{0}`), so nobody who can
//! make Discord echo a value can forge a log line or break log tools.

use std::fmt::{self, Display, Write};

/// Displays the wrapped value on one line, control characters escaped.
pub(crate) struct OneLine<'a, T: ?Sized>(pub(crate) &'a T);

impl<T: Display + ?Sized> Display for OneLine<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.to_string().chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        let forged = "x\n2026-12-01T00:00:00Z ERROR forged\u{0}\u{1b}[31m ünïcode";
        let line = OneLine(forged).to_string();
        assert!(!line.chars().any(char::is_control), "{line}");
        assert_eq!(
            line,
            "x\\n2026-12-01T00:00:00Z ERROR forged\\u{0}\\u{1b}[31m ünïcode"
        );
    }
}
