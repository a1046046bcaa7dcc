//! The text the command line prints for a quality report: one JSON Lines object per file for
//! scripts, a short table for people. (Named `output`, not `report`, so it is not mistaken for
//! `quality::Report`, the data it renders.) Used by `idcap check`, by `idcap capture`'s result
//! line (built in the app) and by the review worker (`Timings`); it depends on none of them.
//!
//! Decides the JSON Lines shape of `idcap check --json` (docs/ARCHITECTURE.md: a public interface; add
//! fields, never rename) and the short human table printed without `--json`.

use std::path::Path;

use serde_json::{Value, json};

use crate::quality::flags::SoftFlag;
use crate::quality::{Frame, Report, Verdict};

/// Decode and analysis time of one file, milliseconds.
#[derive(Clone, Copy, Debug, Default)]
pub struct Timings {
    pub decode_ms: f64,
    pub analyze_ms: f64,
}

/// Width of the id column of the human table (check ids and warning ids, "no-camera-info" the
/// longest), characters.
const ID_WIDTH: usize = 14;
/// Width of the value column ("-1.25 / 2.00% of short side" the longest), characters.
const VALUE_WIDTH: usize = 26;

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The JSON object for one analysed file.
pub(crate) fn json_line(file: &str, report: &Report, timings: Timings) -> Value {
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
                "unit": c.unit,
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
    let occlusion: Vec<Value> = report
        .occlusion_regions
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
        "occlusion_regions": occlusion,
        "blur_kind": report.blur_kind,
        "mrz": report.mrz.as_ref().map(|m| &m.report),
        "timings_ms": {"decode": round1(timings.decode_ms), "analyze": round1(timings.analyze_ms)},
    })
}

/// Adds the soft-flag warnings (screenshot, edited, no colour, …) to a `json_line` object as
/// `"warnings": [{"id": "no-colour", "message": "…"}]`. Warnings never change the verdict.
pub(crate) fn add_warnings(line: &mut Value, flags: &[SoftFlag]) {
    if let Some(obj) = line.as_object_mut() {
        let list: Vec<Value> = flags
            .iter()
            .map(|f| json!({"id": f.id.as_str(), "message": f.message}))
            .collect();
        obj.insert("warnings".into(), Value::Array(list));
    }
}

/// The JSON line `idcap capture` prints for the photo it wrote: `json_line` with the warnings
/// the pixels support (`warnings` is always present, as in `check --json`; a camera frame has no
/// file metadata to warn about).
pub fn capture_line(file: &str, report: &Report, timings: Timings, frame: &Frame) -> Value {
    let mut line = json_line(file, report, timings);
    let quad = report.document.as_ref().map(|d| &d.quad);
    add_warnings(&mut line, &crate::quality::flags::pixel_flags(frame, quad));
    line
}

/// The warning lines appended to the human table.
pub(crate) fn human_warnings(flags: &[SoftFlag]) -> String {
    flags
        .iter()
        .map(|f| {
            format!(
                "  warn {:<ID_WIDTH$} {:<VALUE_WIDTH$} {}\n",
                f.id.as_str(),
                "",
                f.message
            )
        })
        .collect()
}

/// A path as text for the `"file"` field and the table, and whether bytes had to be escaped.
///
/// A name that is valid UTF-8 comes back unchanged. Otherwise (Linux allows any bytes but `/` and
/// NUL in a name) each byte that is not part of valid UTF-8 is written `\xHH` (two upper-case hex
/// digits) and every literal backslash is doubled, so the text stays valid JSON and the original
/// bytes can be recovered exactly; the caller marks such a line `"file_escaped": true`
/// (`mark_file_escaped`). On Windows an unpaired surrogate becomes U+FFFD and is also marked.
pub fn file_name(path: &Path) -> (String, bool) {
    if let Some(text) = path.to_str() {
        return (text.to_owned(), false);
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        (escape_invalid_utf8(path.as_os_str().as_bytes()), true)
    }
    #[cfg(not(unix))]
    {
        (path.to_string_lossy().into_owned(), true)
    }
}

/// Valid UTF-8 runs as they are (backslashes doubled), each invalid byte as `\xHH`.
fn escape_invalid_utf8(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        out.push_str(&chunk.valid().replace('\\', "\\\\"));
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// Adds `"file_escaped": true` to a line whose `"file"` came from `file_name` with escaping.
pub fn mark_file_escaped(line: &mut Value) {
    if let Some(obj) = line.as_object_mut() {
        obj.insert("file_escaped".into(), Value::Bool(true));
    }
}

/// The JSON object for a file that could not be read.
pub(crate) fn json_error(file: &str, error: &str) -> Value {
    json!({"file": file, "error": error})
}

/// A short table for people.
pub(crate) fn human(file: &str, report: &Report, timings: Timings) -> String {
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
        let value = crate::quality::shown::value_text(c);
        out.push_str(&format!(
            "  {mark} {:<ID_WIDTH$} {:<VALUE_WIDTH$} {}\n",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_bytes_become_hex_escapes_and_backslashes_double_so_nothing_is_lost() {
        assert_eq!(escape_invalid_utf8(b"caf\xe9.jpg"), "caf\\xE9.jpg");
        assert_eq!(escape_invalid_utf8(b"a\\x\xff\xfe"), "a\\\\x\\xFF\\xFE");
        assert_eq!(escape_invalid_utf8("é\u{1F600}".as_bytes()), "é\u{1F600}");
    }

    #[test]
    fn a_utf8_name_is_unchanged_and_not_marked() {
        assert_eq!(
            file_name(Path::new("dir/é a\\b.jpg")),
            ("dir/é a\\b.jpg".to_owned(), false)
        );
    }
}
