//! Why an outcome is what it is, as a list of notes: one clause each, in
//! the order the stages added them (`HTTP 404 Not Found`, then
//! `an archived copy of 2008-04-01 exists`). Reasons are never grown as
//! text and cut again: the reports render the notes, whole (joined by
//! `; `, as the JSON report writes a reason) or short (the leading notes
//! that fit, the others one level down).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The notes of a reason; empty when the verdict needs none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Reason(Vec<String>);

impl Reason {
    /// A reason of one note (none, when `note` is empty).
    pub fn of(note: impl Into<String>) -> Self {
        let mut reason = Self::default();
        reason.add(note);
        reason
    }

    /// A reason read back from its whole text (a report read from JSON):
    /// its `; `-separated clauses as notes.
    pub fn from_whole(text: &str) -> Self {
        Self(
            text.split("; ")
                .filter(|note| !note.is_empty())
                .map(str::to_owned)
                .collect(),
        )
    }

    /// Add a note after the others (an empty one is no note).
    pub fn add(&mut self, note: impl Into<String>) {
        let note = note.into();
        if !note.is_empty() {
            self.0.push(note);
        }
    }

    /// Say where the last note holds (` (in the page's script data)`), or
    /// make that the note when there is none.
    pub fn qualify(&mut self, place: &str) {
        match self.0.last_mut() {
            Some(last) => {
                last.push_str(" (");
                last.push_str(place);
                last.push(')');
            }
            None => self.0.push(place.to_owned()),
        }
    }

    /// Whether there is no note.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The notes, in order.
    pub fn notes(&self) -> &[String] {
        &self.0
    }

    /// The whole reason: every note, joined by `; `; `None` when empty.
    pub fn whole(&self) -> Option<String> {
        (!self.0.is_empty()).then(|| self.0.join("; "))
    }

    /// The reason in short: the leading notes whose whole text stays
    /// within `limit` bytes (the first always), joined, and the others
    /// joined when there are any.
    pub fn short(&self, limit: usize) -> (String, Option<String>) {
        let mut length = 0;
        let mut shown = 0;
        for (i, note) in self.0.iter().enumerate() {
            length += note.len() + if i > 0 { 2 } else { 0 };
            if i > 0 && length > limit {
                break;
            }
            shown = i + 1;
        }
        let rest = &self.0[shown..];
        (
            self.0[..shown].join("; "),
            (!rest.is_empty()).then(|| rest.join("; ")),
        )
    }
}

impl Serialize for Reason {
    /// As the JSON report writes a reason: its whole text, or `null`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.whole().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Reason {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<String>::deserialize(deserializer)?
            .map(|text| Self::from_whole(&text))
            .unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_render_whole_and_short() {
        let mut reason = Reason::of("HTTP 404 Not Found");
        reason.add("");
        reason.add("an archived copy of 2008-04-01 exists");
        assert_eq!(reason.notes().len(), 2);
        assert_eq!(
            reason.whole().as_deref(),
            Some("HTTP 404 Not Found; an archived copy of 2008-04-01 exists")
        );
        assert_eq!(reason.short(200), (reason.whole().unwrap(), None));
        assert_eq!(
            reason.short(20),
            (
                "HTTP 404 Not Found".to_owned(),
                Some("an archived copy of 2008-04-01 exists".to_owned())
            )
        );
        // The first note is shown whatever its length, and a note is
        // never cut at a `; ` of its own.
        let long = Reason::of(format!(
            "no source could be read (a: {}; b: c)",
            "x".repeat(300)
        ));
        assert_eq!(long.short(160), (long.whole().unwrap(), None));
        assert_eq!(Reason::default().whole(), None);
        assert_eq!(Reason::of("").notes().len(), 0);
    }

    #[test]
    fn a_note_is_qualified_and_the_json_form_round_trips() {
        let mut reason = Reason::of("close but not exact");
        reason.qualify("in the page's script data");
        assert_eq!(
            reason.whole().as_deref(),
            Some("close but not exact (in the page's script data)")
        );
        let mut empty = Reason::default();
        empty.qualify("in the page's script data");
        assert_eq!(empty.notes(), ["in the page's script data"]);
        let json = serde_json::to_string(&Reason::of("a")).unwrap();
        assert_eq!(json, "\"a\"");
        assert_eq!(serde_json::to_string(&Reason::default()).unwrap(), "null");
        let back: Reason = serde_json::from_str("\"a; b\"").unwrap();
        assert_eq!(back.notes(), ["a", "b"]);
        let none: Reason = serde_json::from_str("null").unwrap();
        assert!(none.is_empty());
    }
}
