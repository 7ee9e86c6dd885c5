//! A histogram drawn as SVG: how many people fall in each band of scores (the differentiation
//! of an evaluator's or a cluster's scores, issue 15). The numbers are also in its description,
//! and pages put them in a table beside it.

use maud::{Markup, html};

const WIDTH: i32 = 600;
const HEIGHT: i32 = 240;
const LEFT: i32 = 40;
const BOTTOM: i32 = 40;
const TOP: i32 = 20;

/// The SVG of `counts`, one bar per band named in `labels`, titled `title`; the bar of
/// `highlight` (the top band, say) drawn apart. `id` makes its title and description
/// referable by `aria-labelledby` when several charts share a page.
pub fn svg(
    title: &str,
    labels: &[String],
    counts: &[usize],
    highlight: Option<usize>,
    id: &str,
) -> Markup {
    let bars = labels.len().min(counts.len()).max(1);
    let most = counts.iter().copied().max().unwrap_or(0).max(1);
    let slot = (WIDTH - LEFT) / i32::try_from(bars).unwrap_or(1).max(1);
    let plot = HEIGHT - TOP - BOTTOM;
    let height_of = |n: usize| {
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        let most = i64::try_from(most).unwrap_or(i64::MAX);
        i32::try_from(n * i64::from(plot) / most).unwrap_or(plot)
    };
    let title_id = format!("{id}-titolo");
    let desc_id = format!("{id}-descrizione");
    let description: Vec<String> = labels
        .iter()
        .zip(counts)
        .map(|(l, n)| format!("{l}: {n}"))
        .collect();
    html! {
        svg class="istogramma" xmlns="http://www.w3.org/2000/svg" role="img"
            viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) aria-labelledby=(title_id) aria-describedby=(desc_id) {
            title id=(title_id) { (title) }
            desc id=(desc_id) { (description.join("; ")) }
            line x1=(LEFT) y1=(HEIGHT - BOTTOM) x2=(WIDTH) y2=(HEIGHT - BOTTOM) stroke="#33485c" {}
            @for (i, (label, n)) in labels.iter().zip(counts).enumerate() {
                @let x = LEFT + slot * i32::try_from(i).unwrap_or(0);
                @let h = height_of(*n);
                @let y = HEIGHT - BOTTOM - h;
                rect x=(x + 6) y=(y) width=((slot - 12).max(2)) height=(h)
                    fill=(if highlight == Some(i) { "#b35900" } else { "#0066cc" }) {}
                text x=(x + slot / 2) y=(y - 4) font-size="12" text-anchor="middle" fill="#1a1a1a" { (n) }
                text x=(x + slot / 2) y=(HEIGHT - BOTTOM + 16) font-size="12" text-anchor="middle" fill="#1a1a1a" { (label) }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn each_band_has_a_bar_its_number_and_its_words() {
        let labels: Vec<String> = ["< 60", "60–70", "90–100"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let out = svg("Punteggi del settore", &labels, &[1, 4, 2], Some(2), "ist").into_string();
        assert_eq!(out.matches("<rect").count(), 3);
        assert!(
            out.contains("<desc id=\"ist-descrizione\">&lt; 60: 1; 60–70: 4; 90–100: 2</desc>"),
            "{out}"
        );
        assert!(out.contains("role=\"img\""));
        // The tallest bar fills the plot; the others in proportion.
        assert!(out.contains("height=\"180\""), "{out}");
        assert!(out.contains("height=\"45\""), "{out}");
        assert!(out.contains("#b35900"), "the top band drawn apart");
        // Nobody at all: empty bars, no division by zero.
        let empty = svg("Vuoto", &labels, &[0, 0, 0], None, "v").into_string();
        assert_eq!(empty.matches("height=\"0\"").count(), 3);
    }
}
