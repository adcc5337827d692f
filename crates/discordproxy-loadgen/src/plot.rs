//! The benchmark chart: one column per scenario, throughput (top) and p99 latency (bottom)
//! against concurrency, one line per label (`ours`, `original`, `floor`), log-log axes.
//!
//! Text is drawn with DejaVu Sans embedded from the `dejavu` crate through plotters'
//! `ab_glyph` backend, so no system font library or font file is needed.

use std::path::Path;

use anyhow::{Context, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::report::Report;
use crate::scenario::Scenario;

/// Reads one metric of a report.
type Metric = fn(&Report) -> f64;

/// The points of one line: x slot (a concurrency level) and value.
type Points = Vec<(SegmentValue<i32>, f64)>;

/// Chart size in pixels.
pub const SIZE: (u32, u32) = (1600, 900);

/// Line colour of a label: ours blue, the original red, the floor grey, others from a palette.
fn color(label: &str, index: usize) -> RGBColor {
    match label {
        "ours" => RGBColor(31, 119, 180),
        "original" => RGBColor(214, 39, 40),
        "floor" => RGBColor(110, 110, 110),
        _ => [
            RGBColor(44, 160, 44),
            RGBColor(148, 103, 189),
            RGBColor(255, 127, 14),
        ][index % 3],
    }
}

/// `12345` → `12k`, `1.5` → `1.5`, `0.25` → `0.25`.
fn short_number(value: f64) -> String {
    if value >= 10_000.0 {
        format!("{:.0}k", value / 1000.0)
    } else if value >= 1000.0 {
        format!("{:.1}k", value / 1000.0)
    } else if value >= 10.0 {
        format!("{value:.0}")
    } else if value >= 1.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// Registers the embedded font as `sans-serif` (once per process; repeating is harmless).
fn register_font() -> anyhow::Result<()> {
    plotters::style::register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular())
        .map_err(|_| anyhow!("the embedded DejaVu Sans font is invalid"))
}

/// The distinct labels of `reports`, in first-seen order.
fn labels(reports: &[Report]) -> Vec<String> {
    let mut labels: Vec<String> = Vec::new();
    for report in reports {
        if !labels.contains(&report.label) {
            labels.push(report.label.clone());
        }
    }
    labels
}

/// Renders the chart of `reports` to the PNG file `output`.
///
/// # Errors
///
/// When there is nothing to draw or the file cannot be written.
pub fn render(reports: &[Report], title: &str, output: &Path) -> anyhow::Result<()> {
    let scenarios: Vec<Scenario> = Scenario::ALL
        .into_iter()
        .filter(|s| reports.iter().any(|r| r.scenario == *s))
        .collect();
    if scenarios.is_empty() {
        anyhow::bail!("no reports to plot");
    }
    register_font()?;
    let labels = labels(reports);
    let root = BitMapBackend::new(output, SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
    draw_legend(&root, &labels)?;
    let root = root
        .titled(title, ("sans-serif", 24))
        .map_err(|e| anyhow!("{e}"))?;
    let cells = root.split_evenly((2, scenarios.len()));
    for (column, scenario) in scenarios.iter().enumerate() {
        let metrics: [(&str, Metric); 2] = [
            ("calls/s", |r| r.calls_per_s),
            ("p99 latency, ms", |r| r.latency_ms.p99),
        ];
        for (row, (metric, value)) in metrics.into_iter().enumerate() {
            let area = &cells[row * scenarios.len() + column];
            draw_panel(area, reports, &labels, *scenario, metric, value)?;
        }
    }
    root.present()
        .with_context(|| format!("cannot write {}", output.display()))?;
    Ok(())
}

/// The legend, once, in the top right corner of the title bar.
fn draw_legend(
    root: &DrawingArea<BitMapBackend<'_>, Shift>,
    labels: &[String],
) -> anyhow::Result<()> {
    let mut x =
        i32::try_from(SIZE.0).unwrap_or(1600) - 130 * i32::try_from(labels.len()).unwrap_or(3);
    for (index, label) in labels.iter().enumerate() {
        let c = color(label, index);
        root.draw(&PathElement::new(
            vec![(x, 16), (x + 28, 16)],
            c.stroke_width(4),
        ))
        .map_err(|e| anyhow!("{e}"))?;
        root.draw(&Circle::new((x + 14, 16), 4, c.filled()))
            .map_err(|e| anyhow!("{e}"))?;
        root.draw(&Text::new(label.clone(), (x + 36, 7), ("sans-serif", 17)))
            .map_err(|e| anyhow!("{e}"))?;
        x += 130;
    }
    Ok(())
}

/// One panel: `metric` of `scenario` by concurrency, one line per label. The x axis is
/// categorical (one evenly spaced slot per concurrency level), the y axis logarithmic.
fn draw_panel(
    area: &DrawingArea<BitMapBackend<'_>, Shift>,
    reports: &[Report],
    labels: &[String],
    scenario: Scenario,
    metric: &str,
    value: Metric,
) -> anyhow::Result<()> {
    let mut levels: Vec<usize> = reports
        .iter()
        .filter(|r| r.scenario == scenario)
        .map(|r| r.concurrency)
        .collect();
    levels.sort_unstable();
    levels.dedup();
    let slot = |concurrency: usize| {
        let index = levels.binary_search(&concurrency).unwrap_or(0);
        SegmentValue::CenterOf(i32::try_from(index).unwrap_or(0))
    };
    let series: Vec<(String, Points)> = labels
        .iter()
        .map(|label| {
            let mut points: Vec<(usize, f64)> = reports
                .iter()
                .filter(|r| r.scenario == scenario && &r.label == label)
                .map(|r| (r.concurrency, value(r)))
                .filter(|&(_, v)| v > 0.0)
                .collect();
            points.sort_by_key(|&(c, _)| c);
            let points = points.into_iter().map(|(c, v)| (slot(c), v)).collect();
            (label.clone(), points)
        })
        .collect();
    let values = series.iter().flat_map(|(_, p)| p.iter().map(|&(_, v)| v));
    let (low, high) = values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    // Whole decades, so that the logarithmic axis always has labelled powers of ten.
    let (low, high) = if low <= high {
        (
            10f64.powf((low / 1.5).log10().floor()),
            10f64.powf((high * 1.5).log10().ceil()),
        )
    } else {
        (0.1, 10.0)
    };
    let slots = i32::try_from(levels.len()).unwrap_or(1).max(1);
    let mut chart = ChartBuilder::on(area)
        .caption(
            format!("{}: {metric}", scenario.title()),
            ("sans-serif", 15),
        )
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(50)
        .build_cartesian_2d((0..slots - 1).into_segmented(), (low..high).log_scale())
        .map_err(|e| anyhow!("{e}"))?;
    let x_label = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) => usize::try_from(*i)
            .ok()
            .and_then(|i| levels.get(i))
            .map_or_else(String::new, ToString::to_string),
        _ => String::new(),
    };
    chart
        .configure_mesh()
        .x_desc("concurrency")
        .x_labels(levels.len())
        .x_label_formatter(&x_label)
        .y_label_formatter(&|v| short_number(*v))
        .light_line_style(RGBColor(240, 240, 240))
        .label_style(("sans-serif", 12))
        .axis_desc_style(("sans-serif", 13))
        .draw()
        .map_err(|e| anyhow!("{e}"))?;
    for (index, (label, points)) in series.iter().enumerate() {
        let c = color(label, index);
        chart
            .draw_series(LineSeries::new(points.iter().cloned(), c.stroke_width(2)))
            .map_err(|e| anyhow!("{e}"))?;
        chart
            .draw_series(points.iter().map(|p| Circle::new(p.clone(), 4, c.filled())))
            .map_err(|e| anyhow!("{e}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Latency;
    use crate::scenario::Target;

    fn report(label: &str, scenario: Scenario, concurrency: usize, rate: f64) -> Report {
        Report {
            label: label.into(),
            target: Target::Grpc,
            scenario,
            concurrency,
            connections: 1,
            calls: 100,
            ok: 100,
            errors: 0,
            error_samples: Vec::new(),
            elapsed_s: 1.0,
            calls_per_s: rate,
            latency_ms: Latency {
                p50: 1.0,
                p90: 2.0,
                p99: 3.0 * concurrency as f64,
                max: 5.0,
                mean: 1.5,
            },
        }
    }

    #[test]
    fn short_numbers() {
        assert_eq!(short_number(25_000.0), "25k");
        assert_eq!(short_number(2_500.0), "2.5k");
        assert_eq!(short_number(250.0), "250");
        assert_eq!(short_number(2.5), "2.5");
        assert_eq!(short_number(0.25), "0.25");
    }

    #[test]
    fn renders_a_png() {
        let mut reports = Vec::new();
        for scenario in [Scenario::Channel, Scenario::GuildChannels] {
            for (i, c) in [1, 10, 50, 200].into_iter().enumerate() {
                reports.push(report("ours", scenario, c, 1000.0 * (i + 1) as f64));
                reports.push(report("original", scenario, c, 100.0));
                reports.push(report("floor", scenario, c, 3000.0));
            }
        }
        let path = std::env::temp_dir().join(format!("loadgen-plot-{}.png", std::process::id()));
        render(&reports, "test chart", &path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        assert!(bytes.len() > 10_000, "{} bytes", bytes.len());
    }

    #[test]
    fn renders_a_single_concurrency_level() {
        let reports = vec![
            report("ours", Scenario::DmSame, 10, 50.0),
            report("original", Scenario::DmSame, 10, 500.0),
        ];
        let path = std::env::temp_dir().join(format!("loadgen-one-{}.png", std::process::id()));
        render(&reports, "one level", &path).unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() > 1000);
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn nothing_to_plot_is_an_error() {
        let path = std::env::temp_dir().join("loadgen-plot-empty.png");
        assert!(render(&[], "empty", &path).is_err());
    }
}
