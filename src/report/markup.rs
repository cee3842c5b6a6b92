//! Escaping text from memos and fetched pages for every output: the
//! markup formats (HTML, XML, Markdown, workflow commands) and the
//! terminal. Every renderer that writes such text goes through here.

/// Text for a terminal: control characters become spaces, so a hostile
/// page or memo cannot move the cursor or recolour the terminal.
pub fn terminal(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Escape for HTML and XML text and attribute values; control characters
/// other than tab and newline are dropped (XML 1.0 forbids them).
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(c),
            '\r' => out.push(' '),
            c if c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => out.push(c),
        }
    }
    out
}

/// Escape for Markdown inline text (a table cell or a list item): markup
/// characters are backslash-escaped, angle brackets become entities, and
/// line breaks and control characters become spaces.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Escape a GitHub workflow command's message (`%`, CR and LF).
pub fn workflow_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a GitHub workflow command's property value (also `:` and `,`).
pub fn workflow_property(text: &str) -> String {
    workflow_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Shorten to at most `max` characters, with an ellipsis.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// A URL or other long subject cut in the middle to at most `max`
/// characters: its start and its end stay (where URLs that share a start
/// differ: `…#comment897`).
pub fn shorten_middle(text: &str, max: usize) -> String {
    let count = text.chars().count();
    if count <= max {
        return text.to_owned();
    }
    let keep = max.saturating_sub(1);
    let tail = keep * 2 / 5;
    let head = keep - tail;
    let start: String = text.chars().take(head).collect();
    let end: String = text.chars().skip(count - tail).collect();
    format!("{start}…{end}")
}

/// What a finding is about, shortened for a line: a URL in the middle, a
/// quotation or a path at its end.
pub fn shorten_subject(text: &str, max: usize) -> String {
    if text.starts_with("http://") || text.starts_with("https://") {
        shorten_middle(text, max)
    } else {
        shorten(text, max)
    }
}

/// A reason cut to at most `max` characters at a clause's end (`, `,
/// `; `, `: `, ` — `, `. `), never inside parentheses left open, with
/// `…` when anything was left out.
pub fn shorten_clause(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let limit = text
        .char_indices()
        .nth(max.saturating_sub(1))
        .map_or(text.len(), |(i, _)| i);
    // One pass, outside brackets: the last clause end in reach, else the
    // last space.
    let (mut depth, mut clause, mut word) = (0i32, None, None);
    for (i, c) in text[..limit].char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            _ if depth > 0 => {}
            ' ' => word = Some(i),
            ',' | ';' | ':' | '.' | '—' => {
                let after = i + c.len_utf8();
                if text[after..].starts_with(' ') && i > 0 {
                    // `—` ends the clause before it; the others after.
                    clause = Some(if c == '—' { i } else { after });
                }
            }
            _ => {}
        }
    }
    let cut = clause.or(word).unwrap_or(limit);
    let kept = text[..cut].trim_end_matches([' ', ',', ';', ':', '—']);
    format!("{kept} …")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_inert() {
        assert_eq!(
            xml("<script>alert('x')</script> & \"]]>\u{1b}[31m"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;]]&gt;[31m"
        );
        assert_eq!(markdown("a|b *c* <d>"), "a\\|b \\*c\\* &lt;d&gt;");
        assert_eq!(workflow_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(workflow_property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(shorten("abcdef", 4), "abc…");
    }

    /// URLs that share their start keep what tells them apart; reasons
    /// end at a clause, never inside an open parenthesis.
    #[test]
    fn subjects_keep_their_ends_and_reasons_their_clauses() {
        let a = "https://www.atlantic-community.org/app/webroot/comments/view/1893#comment897";
        let b = "https://www.atlantic-community.org/app/webroot/comments/view/1893#comment905";
        assert_ne!(shorten_subject(a, 40), shorten_subject(b, 40));
        assert!(shorten_subject(a, 40).ends_with("#comment897"));
        assert_eq!(shorten_subject(a, 40).chars().count(), 40);
        assert_eq!(shorten_subject("“a long quote”", 6), "“a lo…");
        let reason = "the page reads as a not-found page, like what \
                      https://a.org/zz-probe answers (title “Page not found”, the same heading)";
        let cut = shorten_clause(reason, 80);
        assert_eq!(cut, "the page reads as a not-found page …");
        assert!(!shorten_clause("one (two three four five six seven)", 20).contains('('));
        assert_eq!(shorten_clause("short", 80), "short");
        // A soft 404's reason says why first, so a short cut keeps it.
        let reason = "the site answers every path with this page (it reads the same as a \
                      made-up URL, https://a.org/articles/zz-probe-5d1c, similarity 0.97)";
        assert_eq!(
            shorten_clause(reason, 80),
            "the site answers every path with this page …"
        );
    }
}
