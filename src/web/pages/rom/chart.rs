//! A bar chart drawn on the server, as inline SVG that screen readers
//! read as text.

use maud::{html, Markup};

/// A horizontal bar chart as inline SVG: one labelled bar per row, the
/// count at its end, and the same facts as text in `<title>`/`<desc>` for
/// screen readers (the picture itself is hidden from them).
pub(super) fn bar_chart(id: &str, title: &str, rows: &[(String, i64)]) -> Markup {
    const LABEL_WIDTH: i64 = 210;
    const BAR_WIDTH: i64 = 300;
    const ROW_HEIGHT: i64 = 26;
    let most = rows
        .iter()
        .map(|(_, count)| *count)
        .max()
        .unwrap_or(0)
        .max(1);
    let height = ROW_HEIGHT * rows.len() as i64 + 4;
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
            @for (index, (label, count)) in rows.iter().enumerate() {
                @let y = index as i64 * ROW_HEIGHT + 2;
                @let bar = if *count > 0 { (count * BAR_WIDTH / most).max(2) } else { 0 };
                g aria-hidden="true" {
                    text x=(LABEL_WIDTH - 8) y=(y + 17) text-anchor="end" { (label) }
                    rect.bar x=(LABEL_WIDTH) y=(y + 4) width=(bar) height=(ROW_HEIGHT - 8) rx="3" {}
                    text x=(LABEL_WIDTH + bar + 6) y=(y + 17) { (count) }
                }
            }
        }
    }
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
}
