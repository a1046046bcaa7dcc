//! Driving the app in a kittest harness, and the test cameras it is driven with.

use std::sync::Arc;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use idcap::app::App;
use idcap::camera::{CameraFrame, FrameSource, SourceError};
use idcap::quality::Frame;

/// Frame number `seq` of a 30 fps stream (frame time `seq / 30` s) showing `image`.
pub fn frame_at_30fps(image: &Arc<Frame>, seq: u64) -> CameraFrame {
    CameraFrame {
        image: Arc::clone(image),
        seq,
        time_s: seq as f64 / 30.0,
    }
}

/// A tiny plain grey image, for tests whose reports are scripted.
pub fn blank_image() -> Arc<Frame> {
    Arc::new(Frame::from_pixel(64, 36, image::Rgb([90, 90, 90])))
}

/// A camera showing the same image in every frame, at 30 fps of frame time.
pub struct StillSource {
    pub name: &'static str,
    pub image: Arc<Frame>,
    pub seq: u64,
}

impl StillSource {
    /// Tiny blank grey frames.
    pub fn blank() -> Self {
        StillSource {
            name: "Blank test source",
            image: blank_image(),
            seq: 0,
        }
    }

    /// `image` every frame.
    pub fn showing(image: Arc<Frame>) -> Self {
        StillSource {
            name: "Demo still",
            image,
            seq: 0,
        }
    }
}

impl FrameSource for StillSource {
    fn name(&self) -> String {
        self.name.into()
    }
    fn next_frame(&mut self) -> Result<CameraFrame, SourceError> {
        let f = frame_at_30fps(&self.image, self.seq);
        self.seq += 1;
        Ok(f)
    }
}

/// Steps the UI until `cond` holds, for at most `secs` seconds of wall time.
pub fn step_until(h: &mut Harness<'_, App>, secs: f64, cond: impl Fn(&App) -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    while Instant::now() < deadline {
        h.step();
        if cond(h.state()) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    false
}
