//! A bar chart drawn on the server, as inline SVG that screen readers
//! read as text.

use maud::{html, Markup};

/// Width of the label column, in the chart's own units.
const LABEL_WIDTH: i64 = 210;
const BAR_WIDTH: i64 = 300;
/// SVG text never wraps by itself, so labels are broken into lines of at
/// most this many characters: at the 12-unit font of `.chart text` even
/// a line of wide letters stays within the label column.
const LABEL_LINE_CHARS: usize = 24;
const LINE_HEIGHT: i64 = 14;
/// Room above and below a row's label and bar.
const ROW_PADDING: i64 = 12;

/// A horizontal bar chart as inline SVG: one labelled bar per row, the
/// count at its end, and the same facts as text in `<title>`/`<desc>` for
/// screen readers (the picture itself is hidden from them). A long label
/// wraps onto more lines and its row grows, so no label is cut.
pub(super) fn bar_chart(id: &str, title: &str, rows: &[(String, i64)]) -> Markup {
    let most = rows
        .iter()
        .map(|(_, count)| *count)
        .max()
        .unwrap_or(0)
        .max(1);
    // Each row: its label's lines, its count, where it starts and how tall it is.
    let mut top = 2;
    let laid_out: Vec<(Vec<String>, i64, i64, i64)> = rows
        .iter()
        .map(|(label, count)| {
            let lines = label_lines(label);
            let height = lines.len() as i64 * LINE_HEIGHT + ROW_PADDING;
            let y = top;
            top += height;
            (lines, *count, y, height)
        })
        .collect();
    let height = top + 2;
    let width = LABEL_WIDTH + BAR_WIDTH + 50;
    let description = rows
        .iter()
        .map(|(label, count)| format!("{label}: {count}"))
        .collect::<Vec<_>>()
        .join("; ");
    html! {
        svg.chart role="img" id=(id) viewBox=(format!("0 0 {width} {height}"))
            aria-labelledby=(format!("{id}-title {id}-desc")) preserveAspectRatio="xMinYMin meet" {
            title id=(format!("{id}-title")) { (title) }
            desc id=(format!("{id}-desc")) { (description) }
            @for (lines, count, y, height) in &laid_out {
                @let middle = y + height / 2;
                @let first_line = middle - (lines.len() as i64 - 1) * LINE_HEIGHT / 2 + 4;
                @let bar = if *count > 0 { (count * BAR_WIDTH / most).max(2) } else { 0 };
                g aria-hidden="true" {
                    text.label x=(LABEL_WIDTH - 8) y=(first_line) text-anchor="end" {
                        @for (index, line) in lines.iter().enumerate() {
                            tspan x=(LABEL_WIDTH - 8) dy=(if index == 0 { 0 } else { LINE_HEIGHT }) { (line) }
                        }
                    }
                    rect.bar x=(LABEL_WIDTH) y=(middle - 9) width=(bar) height="18" rx="3" {}
                    text x=(LABEL_WIDTH + bar + 6) y=(middle + 4) { (count) }
                }
            }
        }
    }
}

/// `label` in lines of at most [`LABEL_LINE_CHARS`] characters, broken
/// between words; a word longer than a line (a long Dutch compound) is
/// broken inside with a hyphen.
fn label_lines(label: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in label.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > LABEL_LINE_CHARS {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let rest = word.split_off(LABEL_LINE_CHARS - 1);
            lines.push(word.iter().collect::<String>() + "-");
            word = rest;
        }
        let length = line.chars().count();
        if length > 0 && length + 1 + word.len() > LABEL_LINE_CHARS {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.extend(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_describes_its_bars_in_text() {
        let chart = bar_chart(
            "c",
            "Title",
            &[("Open".to_owned(), 3), ("Closed".to_owned(), 0)],
        )
        .into_string();
        assert!(chart.contains("<title id=\"c-title\">Title</title>"));
        assert!(chart.contains("Open: 3; Closed: 0"));
    }

    #[test]
    fn long_labels_wrap_between_words_and_keep_every_word() {
        let label = "Unmanned and autonomous systems, drones";
        let lines = label_lines(label);
        assert_eq!(lines, vec!["Unmanned and autonomous", "systems, drones"]);
        assert_eq!(lines.join(" "), label);
        assert_eq!(label_lines("Open"), vec!["Open"]);
    }

    #[test]
    fn a_word_longer_than_a_line_is_hyphenated() {
        let lines = label_lines("Kunstmatigeintelligentiesystemen en drones");
        assert!(lines
            .iter()
            .all(|line| line.chars().count() <= LABEL_LINE_CHARS));
        assert_eq!(lines[0], "Kunstmatigeintelligenti-");
        let letters = |text: &str| text.replace(['-', ' '], "");
        assert_eq!(
            letters(&lines.concat()),
            letters("Kunstmatigeintelligentiesystemen en drones")
        );
    }
}
