//! The text the command line prints for a quality report: one JSON Lines object per file for
//! scripts, a short table for people. (Named `output`, not `report`, so it is not mistaken for
//! `quality::Report`, the data it renders.) Used by `idcap check`, by `idcap capture`'s result
//! line (built in the app) and by the review worker (`Timings`); it depends on none of them.
//!
//! Decides the JSON Lines shape of `idcap check --json` (docs/ARCHITECTURE.md: a public interface; add
//! fields, never rename) and the short human table printed without `--json`.

use serde_json::{Value, json};

use crate::quality::flags::SoftFlag;
use crate::quality::{Report, Verdict};

/// Decode and analysis time of one file, milliseconds.
#[derive(Clone, Copy, Debug, Default)]
pub struct Timings {
    pub decode_ms: f64,
    pub analyze_ms: f64,
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The JSON object for one analysed file.
pub fn json_line(file: &str, report: &Report, timings: Timings) -> Value {
    let verdict = match report.verdict() {
        Verdict::Pass => "pass",
        Verdict::Fail => "fail",
    };
    let document = report
        .document
        .as_ref()
        .map(|d| json!({"type": d.kind.as_str(), "quad": d.quad}));
    let checks: Vec<Value> = report
        .checks
        .iter()
        .map(|c| {
            json!({
                "id": c.id.as_str(),
                "pass": c.pass,
                "value": c.value,
                "limit": c.limit,
                "message": c.message,
                "hint": c.hint,
                "portal": c.portal,
            })
        })
        .collect();
    let glare: Vec<Value> = report
        .glare_regions
        .iter()
        .map(|r| json!([round1(r.x), round1(r.y), round1(r.w), round1(r.h)]))
        .collect();
    json!({
        "file": file,
        "width": report.width,
        "height": report.height,
        "verdict": verdict,
        "document": document,
        "checks": checks,
        "glare_regions": glare,
        "blur_kind": report.blur_kind,
        "mrz": report.mrz.as_ref().map(|m| &m.report),
        "timings_ms": {"decode": round1(timings.decode_ms), "analyze": round1(timings.analyze_ms)},
    })
}

/// Adds the soft-flag warnings (screenshot, edited, no colour, …) to a `json_line` object as
/// `"warnings": [{"id": "no-colour", "message": "…"}]`. Warnings never change the verdict.
pub fn add_warnings(line: &mut Value, flags: &[SoftFlag]) {
    if let Some(obj) = line.as_object_mut() {
        let list: Vec<Value> = flags
            .iter()
            .map(|f| json!({"id": f.id.as_str(), "message": f.message}))
            .collect();
        obj.insert("warnings".into(), Value::Array(list));
    }
}

/// The warning lines appended to the human table.
pub fn human_warnings(flags: &[SoftFlag]) -> String {
    flags
        .iter()
        .map(|f| format!("  warn {:<11} {}\n", f.id.as_str(), f.message))
        .collect()
}

/// The JSON object for a file that could not be read.
pub fn json_error(file: &str, error: &str) -> Value {
    json!({"file": file, "error": error})
}

/// A short table for people.
pub fn human(file: &str, report: &Report, timings: Timings) -> String {
    let mut out = String::new();
    let verdict = match report.verdict() {
        Verdict::Pass => "PASS",
        Verdict::Fail => "FAIL",
    };
    let doc = match &report.document {
        Some(d) => d.kind.label().to_string(),
        None => "no document".to_string(),
    };
    out.push_str(&format!(
        "{file}: {verdict}  ({}×{}, {doc}, decode {:.0} ms, analyse {:.1} ms)\n",
        report.width, report.height, timings.decode_ms, timings.analyze_ms
    ));
    for c in &report.checks {
        let mark = if c.pass { "ok  " } else { "FAIL" };
        let value = match (c.value, c.limit) {
            (Some(v), Some(l)) => format!("{v:.2} / {l:.2}"),
            (Some(v), None) => format!("{v:.2}"),
            _ => String::new(),
        };
        out.push_str(&format!(
            "  {mark} {:<11} {:<16} {}\n",
            c.id.as_str(),
            value,
            c.message
        ));
    }
    if let Some(line) = human_mrz(report) {
        out.push_str(&line);
    }
    out
}

/// The table's line for the machine-readable zone: what it says, for the person who asked (stdout
/// only, never a log).
fn human_mrz(report: &Report) -> Option<String> {
    let zone = &report.mrz.as_ref()?.report;
    let state = if zone.valid { "valid" } else { "not valid" };
    let fields = zone.fields.as_ref().filter(|_| zone.valid).map(|f| {
        let date = |d: Option<crate::quality::mrz::CalendarDate>| {
            d.map_or_else(|| "unknown".to_string(), |d| d.to_string())
        };
        format!(
            ": {}, {} · no. {} · {} · born {} · expires {}",
            f.surname,
            f.given_names,
            f.document_number,
            f.nationality,
            date(f.birth_date),
            date(f.expiry_date)
        )
    });
    Some(format!(
        "  zone {:<11} {}{}\n",
        zone.format.as_str(),
        state,
        fields.unwrap_or_default()
    ))
}
