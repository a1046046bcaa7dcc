//! `idcap cameras [--json]` and `idcap cameras --test [ID] [--json]`: what each camera offers, what
//! idcap would choose, and a short live test — for people to look at and to attach to a report.
//!
//! Decides the exit status: 0 the listing was printed (or the tested camera works); 1 there is no
//! camera, or the tested camera does not work (with the app's message and what to try). The work
//! itself is `camera::inspect`; this module only chooses the backend, the limits and the format.

use std::io::Write;
use std::time::Duration;

use super::{EXIT_FAIL, EXIT_PASS};
use crate::camera::backend::CameraBackend;
use crate::camera::inspect;
use crate::quality::{Analyzer, DocChoice, Preset};

/// The largest capture size idcap asks for, as the live view does (pixels).
const CAPTURE_LIMIT_PX: [u32; 2] = [1920, 1080];
/// How long `--test` streams, seconds.
const TEST_DURATION: Duration = Duration::from_secs(3);
/// How long `--test` waits without a frame before it reports the camera as hanging, seconds.
const HANG_LIMIT: Duration = Duration::from_secs(4);

/// The arguments of `idcap cameras`.
pub struct CamerasArgs {
    /// One JSON document instead of text.
    pub json: bool,
    /// `Some(None)`: test the first usable camera; `Some(Some(id))`: test that camera.
    pub test: Option<Option<String>>,
}

/// Runs `idcap cameras` on the real cameras.
pub(crate) fn run(args: &CamerasArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    crate::camera::platform::prepare_thread();
    run_with(
        args,
        &mut || Box::new(crate::camera::nokhwa_backend::NokhwaBackend::new()),
        stdout,
        stderr,
    )
}

/// `run` with the camera backend supplied (tests use the scripted fake).
pub fn run_with(
    args: &CamerasArgs,
    backend: &mut dyn FnMut() -> Box<dyn CameraBackend>,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    match &args.test {
        None => match inspect::list_cameras(backend().as_mut(), CAPTURE_LIMIT_PX) {
            Err(msg) => {
                let _ = writeln!(stderr, "idcap cameras: {msg}");
                EXIT_FAIL
            }
            Ok(cameras) => {
                let text = if args.json {
                    serde_json::to_string_pretty(&cameras).unwrap_or_default() + "\n"
                } else {
                    inspect::render_list(&cameras)
                };
                let _ = stdout.write_all(text.as_bytes());
                EXIT_PASS
            }
        },
        Some(id) => {
            let profile = Preset::Standard.profile(DocChoice::Auto);
            let mut analyzer = Analyzer::for_stream();
            let report = inspect::test_camera(
                backend(),
                id.clone(),
                CAPTURE_LIMIT_PX,
                TEST_DURATION,
                HANG_LIMIT,
                Box::new(move |frame| {
                    analyzer.assess(frame, &profile);
                }),
            );
            let text = if args.json {
                serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"
            } else {
                inspect::render_test(&report)
            };
            let _ = stdout.write_all(text.as_bytes());
            if report.works { EXIT_PASS } else { EXIT_FAIL }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::camera::fake::FakeBackend;

    #[test]
    fn no_camera_exits_1_with_the_apps_message() {
        let args = CamerasArgs {
            json: false,
            test: None,
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = run_with(
            &args,
            &mut || Box::new(FakeBackend::new(Vec::new())),
            &mut out,
            &mut err,
        );
        assert_eq!(status, EXIT_FAIL);
        assert!(String::from_utf8_lossy(&err).contains("No camera found."));
        assert!(out.is_empty());
    }
}
