//! Charts as SVG drawn on the server by plotters: no script, no font files (plotters'
//! SVG backend writes text elements and lets the browser pick the font).

use plotters::prelude::*;

use crate::base::dates::Style;

const W: u32 = 640;
const H: u32 = 260;
const BLUE: RGBColor = RGBColor(37, 99, 235);
const ORANGE: RGBColor = RGBColor(234, 88, 12);
const SHADE: RGBColor = RGBColor(219, 234, 254);
const GREY: RGBColor = RGBColor(120, 120, 120);

/// One post on the engagement chart.
pub(crate) struct PostPoint {
    /// Days since the Unix epoch (fractional).
    pub(crate) day: f64,
    /// Engagement rate, percent.
    pub(crate) rate: f64,
    pub(crate) viral: bool,
}

fn date_of(day: f64) -> Option<jiff::civil::Date> {
    jiff::Timestamp::from_second((day * 86_400.0).round() as i64)
        .ok()
        .map(|t| t.to_zoned_datetime(jiff::tz::TimeZone::UTC).date())
}

/// A day on a time axis as the reader writes it (`20 Nov`, `Nov 20`), with the year when
/// the axis from `x0` to `x1` spans more than one.
fn date_label(day: f64, style: Style, x0: f64, x1: f64) -> String {
    let with_year = date_of(x0).map(|d| d.year()) != date_of(x1).map(|d| d.year());
    date_of(day).map(|d| style.short_date(d, with_year)).unwrap_or_default()
}

fn padded(lo: f64, hi: f64) -> (f64, f64) {
    if (hi - lo).abs() < 1e-9 { (lo - 1.0, hi + 1.0) } else { (lo - (hi - lo) * 0.04, hi + (hi - lo) * 0.04) }
}

/// A time axis in days from `lo` to `hi`: whole days, at least one each side of a single
/// day, and no more labels than days, so no date is labelled twice.
fn day_axis(lo: f64, hi: f64) -> (f64, f64, usize) {
    let (lo, hi) = padded(lo, hi);
    let (lo, hi) = (lo.floor(), hi.ceil());
    (lo, hi, ((hi - lo) as usize + 1).min(5))
}

/// A count axis from `lo` to `hi`: from zero when the values do not vary (one point, a
/// flat line), and no more labels than whole numbers, so no count is labelled twice.
fn count_axis(lo: f64, hi: f64) -> (f64, f64, usize) {
    let (lo, hi) = if hi - lo < 1.0 { (0.0, (hi * 1.2).max(hi + 1.0)) } else { padded(lo, hi) };
    let lo = lo.max(0.0);
    (lo, hi, ((hi - lo).floor() as usize + 1).min(6))
}

/// Engagement rate per post over time, the window shaded, viral posts in orange.
pub(crate) fn engagement(points: &[PostPoint], window: Option<(f64, f64)>, style: Style) -> Result<String, String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (W, H)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let (x0, x1, x_labels) = day_axis(
            points.iter().map(|p| p.day).fold(f64::INFINITY, f64::min).min(window.map_or(f64::INFINITY, |w| w.0)),
            points
                .iter()
                .map(|p| p.day)
                .fold(f64::NEG_INFINITY, f64::max)
                .max(window.map_or(f64::NEG_INFINITY, |w| w.1)),
        );
        let y1 = points.iter().map(|p| p.rate).fold(0.0, f64::max) * 1.1 + 0.1;
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(28)
            .y_label_area_size(44)
            .build_cartesian_2d(x0..x1, 0.0..y1)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .light_line_style(RGBColor(240, 240, 240))
            .x_labels(x_labels)
            .x_label_formatter(&|d| date_label(*d, style, x0, x1))
            .y_desc("engagement rate %")
            .draw()
            .map_err(|e| e.to_string())?;
        if let Some((a, b)) = window {
            chart
                .draw_series(std::iter::once(Rectangle::new([(a, 0.0), (b, y1)], SHADE.filled())))
                .map_err(|e| e.to_string())?;
        }
        let mut line: Vec<(f64, f64)> = points.iter().map(|p| (p.day, p.rate)).collect();
        line.sort_by(|a, b| a.0.total_cmp(&b.0));
        chart.draw_series(LineSeries::new(line, BLUE.stroke_width(1))).map_err(|e| e.to_string())?;
        chart
            .draw_series(points.iter().map(|p| {
                let style = if p.viral { ORANGE.filled() } else { BLUE.filled() };
                Circle::new((p.day, p.rate), if p.viral { 5 } else { 3 }, style)
            }))
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// Follower count over time.
pub(crate) fn followers(points: &[(f64, u64)], style: Style) -> Result<String, String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (W, H)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let (x0, x1, x_labels) = day_axis(
            points.iter().map(|p| p.0).fold(f64::INFINITY, f64::min),
            points.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max),
        );
        let (y0, y1, y_labels) = count_axis(
            points.iter().map(|p| p.1 as f64).fold(f64::INFINITY, f64::min),
            points.iter().map(|p| p.1 as f64).fold(f64::NEG_INFINITY, f64::max),
        );
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(28)
            .y_label_area_size(64)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .light_line_style(RGBColor(240, 240, 240))
            .x_labels(x_labels)
            .y_labels(y_labels)
            .x_label_formatter(&|d| date_label(*d, style, x0, x1))
            .y_label_formatter(&|v| clout_core::metric::thousands(v.max(0.0).round() as u64))
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(LineSeries::new(points.iter().map(|p| (p.0, p.1 as f64)), BLUE.stroke_width(2)))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(points.iter().map(|p| Circle::new((p.0, p.1 as f64), 2, BLUE.filled())))
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// Peers' engagement rates as a histogram (20 bins up to the 99th percentile), with the
/// channel marked by a vertical line.
pub(crate) fn peers(rates: &[f64], marker: Option<f64>) -> Result<String, String> {
    let mut sorted: Vec<f64> = rates.iter().copied().filter(|r| r.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let top = sorted.get(((sorted.len() as f64) * 0.99) as usize).copied().unwrap_or(1.0).max(marker.unwrap_or(0.0))
        * 1.05
        + 1e-6;
    const BINS: usize = 20;
    let width = top / BINS as f64;
    let mut counts = [0u32; BINS];
    for r in &sorted {
        let b = ((r / width) as usize).min(BINS - 1);
        counts[b] += 1;
    }
    let ymax = counts.iter().copied().max().unwrap_or(1).max(1) as f64 * 1.1;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (W, H)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(28)
            .y_label_area_size(44)
            .build_cartesian_2d(0.0..top, 0.0..ymax)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .light_line_style(RGBColor(240, 240, 240))
            .x_desc("median engagement rate %")
            .y_desc("channels")
            .y_label_formatter(&|v| clout_core::metric::thousands(v.max(0.0).round() as u64))
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(counts.iter().enumerate().map(|(i, c)| {
                let x = i as f64 * width;
                Rectangle::new([(x, 0.0), (x + width * 0.92, *c as f64)], GREY.mix(0.5).filled())
            }))
            .map_err(|e| e.to_string())?;
        if let Some(m) = marker {
            chart
                .draw_series(std::iter::once(PathElement::new(vec![(m, 0.0), (m, ymax)], ORANGE.stroke_width(3))))
                .map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// One scenario of the plan comparison.
pub(crate) struct ScenarioBar {
    pub(crate) label: String,
    /// Expected engagements per unit of money.
    pub(crate) per_unit: f64,
    /// Total expected engagements: P10, mean, P90.
    pub(crate) p10: f64,
    pub(crate) mean: f64,
    pub(crate) p90: f64,
}

/// The comparison: engagements per unit of money (left) and total engagements with their
/// P10–P90 range (right), one bar per scenario.
pub(crate) fn comparison(bars: &[ScenarioBar], currency: &str) -> Result<String, String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (W, H)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let (left, right) = root.split_horizontally(W / 2);
        let n = bars.len() as f64;
        let label_of = |x: &f64| {
            let i = x.round();
            if (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < bars.len() {
                bars[i as usize].label.clone()
            } else {
                String::new()
            }
        };
        let top = bars.iter().map(|b| b.per_unit).fold(0.0, f64::max) * 1.15 + 1e-9;
        let mut chart = ChartBuilder::on(&left)
            .margin(10)
            .caption(format!("engagements per {currency}"), ("sans-serif", 14))
            .x_label_area_size(28)
            .y_label_area_size(44)
            .build_cartesian_2d(-0.5..n - 0.5, 0.0..top)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(RGBColor(240, 240, 240))
            .x_labels(bars.len())
            .x_label_formatter(&label_of)
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(bars.iter().enumerate().map(|(i, b)| {
                let x = i as f64;
                let colour = if i == 0 { ORANGE } else { BLUE };
                Rectangle::new([(x - 0.3, 0.0), (x + 0.3, b.per_unit)], colour.mix(0.8).filled())
            }))
            .map_err(|e| e.to_string())?;
        let top = bars.iter().map(|b| b.p90.max(b.mean)).fold(0.0, f64::max) * 1.15 + 1e-9;
        let mut chart = ChartBuilder::on(&right)
            .margin(10)
            .caption("total engagements, P10–P90", ("sans-serif", 14))
            .x_label_area_size(28)
            .y_label_area_size(56)
            .build_cartesian_2d(-0.5..n - 0.5, 0.0..top)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(RGBColor(240, 240, 240))
            .x_labels(bars.len())
            .x_label_formatter(&label_of)
            .y_label_formatter(&|v| clout_core::metric::thousands(v.max(0.0).round() as u64))
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(bars.iter().enumerate().map(|(i, b)| {
                let x = i as f64;
                Rectangle::new([(x - 0.3, 0.0), (x + 0.3, b.mean)], GREY.mix(0.5).filled())
            }))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(bars.iter().enumerate().map(|(i, b)| {
                let x = i as f64;
                PathElement::new(vec![(x, b.p10), (x, b.p90)], BLACK.stroke_width(2))
            }))
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// A time on a chart's axis: days since the Unix epoch, fractional.
pub(crate) fn day(t: clout_core::Timestamp) -> f64 {
    t.unix() as f64 / 86_400.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of every label of an SVG chart.
    fn labels(svg: &str) -> Vec<String> {
        svg.split("<text").skip(1).filter_map(|t| t.split('>').nth(1)?.split('<').next().map(str::to_string)).collect()
    }

    /// Date labels (they name a month) apart from count labels.
    fn dates_and_counts(svg: &str) -> (Vec<String>, Vec<String>) {
        const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        labels(svg).into_iter().map(|l| l.trim().to_string()).partition(|l| MONTHS.iter().any(|m| l.contains(m)))
    }

    fn distinct(v: &[String]) -> bool {
        let mut sorted = v.to_vec();
        sorted.sort();
        sorted.dedup();
        sorted.len() == v.len()
    }

    #[test]
    fn a_time_chart_labels_each_date_and_count_once_with_one_two_or_many_points() {
        // 2026-11-20.
        let d = day(clout_core::Timestamp::from_unix(1_795_176_000));
        let one = [(d, 300)];
        let two = [(d, 300), (d + 1.0, 1_450)];
        let many: Vec<(f64, u64)> = (0..1_000).map(|i| (d - 999.0 + i as f64, 10_000 + 7 * i as u64)).collect();
        let gb = Style::of("en-GB");
        for (name, points) in [("one", &one[..]), ("two", &two[..]), ("many", &many[..])] {
            let (dates, counts) = dates_and_counts(&followers(points, gb).unwrap());
            assert!(!dates.is_empty() && distinct(&dates), "{name}: {dates:?}");
            assert!(!counts.is_empty() && distinct(&counts), "{name}: {counts:?}");
        }
        let (dates, counts) = dates_and_counts(&followers(&one, gb).unwrap());
        // Noon of the 20th, between whole days: the 19th to the 22nd, each once, without
        // the year (the axis stays in 2026), the day first for a British reader.
        assert_eq!(dates, ["19 Nov", "20 Nov", "21 Nov", "22 Nov"]);
        let (us, _) = dates_and_counts(&followers(&one, Style::of("en-US")).unwrap());
        assert_eq!(us, ["Nov 19", "Nov 20", "Nov 21", "Nov 22"]);
        // Almost three years (February 2024 to November 2026): every label has its year.
        let (dates, _) = dates_and_counts(&followers(&many, gb).unwrap());
        assert!(dates.iter().all(|d| d.ends_with("2024") || d.ends_with("2025") || d.ends_with("2026")), "{dates:?}");
        assert!(
            dates.first().is_some_and(|d| d.ends_with("2024")) && dates.last().is_some_and(|d| d.ends_with("2026"))
        );
        assert_eq!(counts.first().map(String::as_str), Some("0"), "a single count is shown from zero: {counts:?}");
        let (_, counts) = dates_and_counts(&followers(&two, gb).unwrap());
        assert!(counts.iter().any(|c| c.contains(',')), "counts have separators: {counts:?}");
    }

    #[test]
    fn an_engagement_chart_of_one_post_labels_each_date_once() {
        let d = day(clout_core::Timestamp::from_unix(1_795_176_000));
        let svg = engagement(&[PostPoint { day: d, rate: 3.5, viral: false }], None, Style::of("en-US")).unwrap();
        let (dates, _) = dates_and_counts(&svg);
        assert!(distinct(&dates) && dates.contains(&"Nov 20".to_string()), "{dates:?}");
    }
}
