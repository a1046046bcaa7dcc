//! The live view: the camera preview with the overlay, the guidance line, the countdown and the
//! status line; it feeds every analysed frame to the auto-capture.
//!
//! Decides what the person is told from moment to moment. State lives in `LiveView`; `poll` takes
//! in what the threads produced (never waiting), `ui` draws and returns the commands the person
//! gave. Starting and stopping sources is the App's job (through `Command`s).
//!
//! The preview shows the newest *analysed* frame, never a newer camera frame under an older
//! report: the outline, the glare boxes and the guidance always belong to the picture they are
//! drawn on, and Space captures exactly the picture on screen. The analysis takes a few
//! milliseconds, so the preview still runs at the camera's rate; it only lags it by one analysis.

use std::time::Instant;

use egui::{Align2, Color32, FontId, RichText, TextureHandle, TextureOptions, Ui};

use super::overlay::{OverlayOptions, fit_rect, guide_rect, paint_report};
use super::{Command, style};
use crate::analysis::{Analysed, Pipeline};
use crate::camera::{ControlInfo, SourceStatus};
use crate::capture::flip::{FlipGuard, FlipState, Signature};
use crate::capture::{AutoCapture, CaptureConfig, Captured, Phase};
use crate::quality::mrz::MrzReport;
use crate::quality::mrz::vote::MrzVote;
use crate::quality::{CheckId, DocumentKind, Report};

/// Said under the Capture button when a manual capture of the back was refused.
pub const FRONT_AGAIN: &str = "Not captured: this is the front again — turn the card over";
/// The button that takes the refused capture after all (the card's two sides look alike).
pub const CAPTURE_ANYWAY: &str = "It is the back — capture anyway";

/// The hint for a card at a slant while its back is expected (never "Switch to Passport page").
pub const TURNING_HINT: &str = "Hold the card flat";

/// Whether a failing check `id` is what a card half-way through being turned over looks like (an
/// outline seen edge-on: slanted, small, cut off, too dark, or no outline at all; a zone of text
/// lines too foreshortened to read; the fingers turning it, on its rim) rather than a problem with
/// how the back is held.
fn is_turn_artefact(id: CheckId) -> bool {
    matches!(
        id,
        CheckId::Document
            | CheckId::Corners
            | CheckId::Fill
            | CheckId::Tilt
            | CheckId::Resolution
            | CheckId::Exposure
            | CheckId::Mrz
            | CheckId::Occlusion
    )
}

/// What the current source is doing.
#[derive(Clone, Debug, PartialEq)]
pub enum SourceState {
    /// Started, no frame yet.
    Starting,
    /// Frames are arriving.
    Live {
        /// Frame width, pixels.
        width: u32,
        /// Frame height, pixels.
        height: u32,
    },
    /// No frames for now (no camera, unplugged, busy); the source keeps trying.
    Waiting(String),
    /// The source stopped for good.
    Failed(String),
}

/// Rates measured over the last second, for the status line.
#[derive(Clone, Debug, Default)]
pub(crate) struct Stats {
    /// Mean analysis time of the analysed frames, milliseconds.
    pub(crate) analysis_ms: f64,
    /// Frames per second the source delivered.
    pub(crate) camera_fps: f64,
    /// Frames per second that were analysed.
    pub(crate) analysed_fps: f64,
    /// UI repaints per second.
    pub(crate) ui_fps: f64,
    /// Mean time the app's own UI code took per repaint, milliseconds (rendering not included).
    pub(crate) ui_ms: f64,
    ui_ms_sum: f64,
    window_start: Option<Instant>,
    produced_at_start: u64,
    analysed: u32,
    analysis_ms_sum: f64,
    repaints: u32,
}

impl Stats {
    fn tick(&mut self, produced: u64) {
        let now = Instant::now();
        let start = *self.window_start.get_or_insert(now);
        self.repaints += 1;
        let dt = now.duration_since(start).as_secs_f64();
        if dt >= 1.0 {
            self.camera_fps = produced.saturating_sub(self.produced_at_start) as f64 / dt;
            self.analysed_fps = f64::from(self.analysed) / dt;
            self.ui_fps = f64::from(self.repaints) / dt;
            self.ui_ms = self.ui_ms_sum / f64::from(self.repaints.max(1));
            self.ui_ms_sum = 0.0;
            if self.analysed > 0 {
                self.analysis_ms = self.analysis_ms_sum / f64::from(self.analysed);
            }
            self.window_start = Some(now);
            self.produced_at_start = produced;
            self.analysed = 0;
            self.analysis_ms_sum = 0.0;
            self.repaints = 0;
        }
    }

    fn analysed(&mut self, ms: f64) {
        self.analysed += 1;
        self.analysis_ms_sum += ms;
        if self.analysis_ms == 0.0 {
            self.analysis_ms = ms;
        }
    }

    /// Adds the time one repaint's UI code took, milliseconds.
    pub(crate) fn ui_time(&mut self, ms: f64) {
        self.ui_ms_sum += ms;
    }

    /// "camera 30.0 fps · analysis 41 ms (9.8 fps) · UI 60 fps (2.1 ms)"
    pub(crate) fn line(&self) -> String {
        format!(
            "camera {:.1} fps · analysis {:.0} ms ({:.1} fps) · UI {:.0} fps ({:.1} ms)",
            self.camera_fps, self.analysis_ms, self.analysed_fps, self.ui_fps, self.ui_ms
        )
    }
}

/// The live view's state.
pub struct LiveView {
    pub(crate) pipeline: Option<Pipeline>,
    /// The source's name, as the side panel shows it.
    pub source_name: String,
    /// Whether frames are arriving, and if not, why.
    pub state: SourceState,
    pub(crate) controls: Vec<ControlInfo>,
    /// What the source said about the camera it opened (another than the remembered one).
    pub camera_notice: Option<String>,
    pub(crate) auto_enabled: bool,
    texture: Option<TextureHandle>,
    /// The sequence number of the frame in `texture`: always `latest`'s once it is drawn.
    shown_seq: Option<u64>,
    shown_size: [u32; 2],
    latest: Option<Analysed>,
    auto: AutoCapture<Analysed>,
    phase: Phase,
    /// After the front was kept: watches for the card to be turned over before the auto-capture
    /// may take the back.
    flip: Option<FlipGuard>,
    /// A manual capture of the back was refused because the frame still showed the front: the view
    /// says so and offers "capture anyway" until the card is turned over.
    front_refused: bool,
    /// The machine-readable zone is shown only once frames of the document in view agree on it.
    mrz_vote: MrzVote,
    paused: bool,
    pub(crate) stats: Stats,
}

impl LiveView {
    /// The camera's controls as the camera last reported them.
    pub fn controls(&self) -> &[ControlInfo] {
        &self.controls
    }

    pub(crate) fn new(config: CaptureConfig) -> Self {
        LiveView {
            pipeline: None,
            source_name: String::new(),
            state: SourceState::Starting,
            controls: Vec::new(),
            camera_notice: None,
            auto_enabled: true,
            texture: None,
            shown_seq: None,
            shown_size: [0, 0],
            latest: None,
            auto: AutoCapture::new(config),
            phase: Phase::Idle,
            flip: None,
            front_refused: false,
            mrz_vote: MrzVote::default(),
            paused: false,
            stats: Stats::default(),
        }
    }

    /// The next capture is the back of the card whose front has signature `front`: ask for the
    /// card to be turned over and never auto-capture a document that still looks like the front.
    /// `None` (no front signature): capture as usual.
    pub fn expect_back(&mut self, front: Option<Signature>) {
        self.flip = front.map(FlipGuard::new);
        self.reset_capture();
    }

    /// The next capture is a front (or a passport page): no flip to wait for.
    pub fn expect_front(&mut self) {
        self.flip = None;
        self.reset_capture();
    }

    /// Where the flip to the back stands (`None` when no flip is expected).
    pub fn flip_state(&self) -> Option<FlipState> {
        self.flip.as_ref().map(FlipGuard::state)
    }

    /// Stops reading the camera while the live view is hidden (a still, the review), resumes when
    /// it is shown again.
    pub fn set_paused(&mut self, paused: bool) {
        if paused == self.paused {
            return;
        }
        self.paused = paused;
        if let Some(p) = &self.pipeline {
            p.set_paused(paused);
        }
    }

    /// Replaces the running source (dropping the old one stops its threads).
    pub(crate) fn set_pipeline(&mut self, name: String, pipeline: Pipeline) {
        pipeline.set_paused(self.paused);
        self.pipeline = Some(pipeline);
        self.source_name = name;
        self.state = SourceState::Starting;
        self.controls.clear();
        self.camera_notice = None;
        self.latest = None;
        self.shown_seq = None;
        self.reset_capture();
    }

    pub(crate) fn reset_capture(&mut self) {
        self.auto.reset();
        self.phase = Phase::Idle;
        self.front_refused = false;
        self.mrz_vote = MrzVote::default();
    }

    /// The machine-readable zone the live view may show: the reading the vote agreed on, or else
    /// the newest frame's zone when it does not read (why not is worth saying at once). A valid
    /// reading not yet confirmed by a second frame is not shown.
    pub fn shown_zone(&self) -> Option<&MrzReport> {
        self.mrz_vote.agreed().or_else(|| {
            let latest = self.latest.as_ref()?;
            latest.report.document.as_ref()?;
            latest
                .report
                .mrz
                .as_ref()
                .map(|m| &m.report)
                .filter(|z| !z.valid)
        })
    }

    /// Whether the newest frame's valid zone is still waiting for the vote.
    fn zone_unconfirmed(&self, report: &Report) -> bool {
        report.mrz.as_ref().is_some_and(|m| {
            m.report.valid
                && self
                    .mrz_vote
                    .agreed()
                    .is_none_or(|agreed| agreed.lines != m.report.lines)
        })
    }

    /// The newest analysed frame and its report.
    pub fn latest(&self) -> Option<&Analysed> {
        self.latest.as_ref()
    }

    /// The sequence number of the camera frame on screen (`None` before the first one): once
    /// drawn, always that of `latest()`, whose report the overlay shows.
    pub fn shown_seq(&self) -> Option<u64> {
        self.shown_seq
    }

    /// Whether the last manual capture was refused because the back was expected and the frame
    /// still showed the front.
    pub fn front_refused(&self) -> bool {
        self.front_refused
    }

    /// The newest report with the live-only `stability` check added.
    pub(crate) fn report_with_stability(&self) -> Option<Report> {
        let mut report = self.latest.as_ref()?.report.clone();
        report.checks.push(self.auto.stability_check());
        Some(report)
    }

    /// The one line of guidance for the most important problem.
    pub fn guidance(&self) -> String {
        match (&self.state, &self.latest) {
            (SourceState::Waiting(msg) | SourceState::Failed(msg), _) => return msg.clone(),
            (_, None) => return "Starting the camera…".to_string(),
            _ => {}
        }
        match self.flip_state() {
            Some(FlipState::TurnOver) => return "Turn the card over".to_string(),
            Some(FlipState::StillFront(_)) => {
                return "This is still the front — turn the card over".to_string();
            }
            _ => {}
        }
        if let Phase::Countdown { .. } = self.phase {
            return "Hold still…".to_string();
        }
        let Some(a) = &self.latest else {
            return String::new();
        };
        if let Some(c) = a.report.primary_problem() {
            // The back of an ID card was asked for. Until it has been held flat, a card half-way
            // through the turn is narrow, dark or reaches out of the frame, and its outline may
            // fit a passport page: that is the turn, not a problem to fix. A slant after the turn
            // gets the same advice.
            if let Some(guard) = &self.flip
                && (c.id == CheckId::Tilt || (!guard.settled() && is_turn_artefact(c.id)))
            {
                return TURNING_HINT.to_string();
            }
            return if c.hint.is_empty() {
                c.id.label().to_string()
            } else {
                c.hint.clone()
            };
        }
        let s = self.auto.stability_check();
        if s.pass {
            "Perfect — hold still".to_string()
        } else {
            s.hint
        }
    }

    /// Takes in what the threads produced since the last frame. Returns an automatic capture when
    /// one happened.
    pub(crate) fn poll(&mut self, ctx: &egui::Context) -> Option<Captured<Analysed>> {
        let pipeline = self.pipeline.as_ref()?;
        for status in pipeline.poll_status() {
            match status {
                SourceStatus::Live {
                    name,
                    width,
                    height,
                } => {
                    self.source_name = name;
                    self.state = SourceState::Live { width, height };
                }
                SourceStatus::Waiting(msg) => {
                    self.state = SourceState::Waiting(msg);
                    self.auto.reset();
                    self.phase = Phase::Idle;
                    self.mrz_vote = MrzVote::default();
                }
                SourceStatus::Failed(msg) => self.state = SourceState::Failed(msg),
                SourceStatus::Controls(c) => self.controls = c,
                SourceStatus::Notice(msg) => self.camera_notice = Some(msg),
            }
        }
        let mut captured = None;
        for a in pipeline.poll() {
            self.stats.analysed(a.analysis_ms);
            self.mrz_vote
                .feed(a.report.mrz.as_ref(), a.report.document.is_some());
            if let Some(guard) = &mut self.flip {
                let seen = a
                    .report
                    .document
                    .as_ref()
                    .and_then(|d| Signature::of(&a.frame.image, d.quad.corners()));
                let state = guard.push(seen.as_ref());
                guard.settle(a.frame.time_s, a.report.passes(CheckId::Tilt));
                if state == FlipState::Ready {
                    // Turned over: a refused manual capture no longer applies.
                    self.front_refused = false;
                } else {
                    // Not turned over (yet): nothing may be captured from this frame.
                    self.auto.reset();
                    self.phase = Phase::Idle;
                    self.latest = Some(a);
                    continue;
                }
            }
            if captured.is_none() && self.auto_enabled {
                let (phase, cap) = self.auto.push(a.frame.time_s, &a.report, a.clone());
                self.phase = phase;
                captured = cap;
            }
            self.latest = Some(a);
        }
        self.stats.tick(pipeline.frames_produced());
        // The frame the latest report was made from, so the overlay is drawn over its own frame.
        if let Some(frame) = self.latest.as_ref().map(|a| &a.frame)
            && self.shown_seq != Some(frame.seq)
        {
            let (w, h) = frame.image.dimensions();
            let image = egui::ColorImage::from_rgb([w as usize, h as usize], frame.image.as_raw());
            match &mut self.texture {
                Some(t) => t.set(image, TextureOptions::LINEAR),
                None => {
                    self.texture = Some(ctx.load_texture("live", image, TextureOptions::LINEAR));
                }
            }
            self.shown_seq = Some(frame.seq);
            self.shown_size = [w, h];
        }
        captured
    }

    /// Draws the preview, overlay, guidance, countdown and status line; returns commands.
    pub(crate) fn ui(
        &self,
        ui: &mut Ui,
        guide: DocumentKind,
        mirror: bool,
        side_label: &str,
    ) -> Vec<Command> {
        let mut commands = Vec::new();
        egui::Panel::bottom("live-status").show(ui, |ui| {
            ui.add_space(style::ACTION_GAP);
            // One big capture button under the preview, as desktop camera apps have.
            ui.vertical_centered(|ui| {
                let can_capture = self.latest.is_some();
                let window_width = ui.ctx().content_rect().width();
                let size = style::primary_button_size(window_width);
                let button = egui::Button::new(
                    RichText::new("Capture  (Space)")
                        .size(style::primary_text_size(window_width))
                        .strong(),
                )
                .min_size(size)
                .corner_radius(size.y / 2.0);
                if ui.add_enabled(can_capture, button).clicked() {
                    commands.push(Command::CaptureNow);
                }
                if self.front_refused {
                    ui.label(
                        RichText::new(FRONT_AGAIN)
                            .size(style::NOTICE_TEXT_SIZE)
                            .color(style::WARN),
                    );
                    if ui.button(CAPTURE_ANYWAY).clicked() {
                        commands.push(Command::CaptureAnyway);
                    }
                }
            });
            ui.horizontal(|ui| {
                let source = match &self.state {
                    SourceState::Live { width, height } => {
                        format!("{} · {width}×{height}", self.source_name)
                    }
                    _ => self.source_name.clone(),
                };
                // The checkbox first, at the right; the status line gets what is left and is cut
                // short (whole on hover) rather than run under the checkbox in a narrow window.
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let mut auto = self.auto_enabled;
                    if ui.checkbox(&mut auto, "Auto-capture").changed() {
                        commands.push(Command::SetAutoCapture(auto));
                    }
                    ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                        let line = format!("{source} · {}", self.stats.line());
                        ui.add(egui::Label::new(RichText::new(line).small()).truncate());
                    });
                });
            });
        });
        egui::CentralPanel::default().show(ui, |ui| {
            ui.label(RichText::new(side_label).heading());
            let avail = ui.available_rect_before_wrap();
            let guidance_h = style::GUIDANCE_SIZE + 2.0 * style::LABEL_PADDING;
            let image_area = egui::Rect::from_min_max(
                avail.min + egui::vec2(0.0, guidance_h + style::GUIDANCE_GAP),
                avail.max,
            );
            self.guidance_ui(
                ui,
                egui::Rect::from_min_size(avail.min, egui::vec2(avail.width(), guidance_h)),
            );
            let painter = ui.painter_at(avail);
            let Some(texture) = &self.texture else {
                return;
            };
            let rect = fit_rect(image_area, self.shown_size);
            let uv = if mirror {
                egui::Rect::from_min_max(egui::pos2(1.0, 0.0), egui::pos2(0.0, 1.0))
            } else {
                egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0))
            };
            painter.image(texture.id(), rect, uv, Color32::WHITE);
            // Dim what lies outside the alignment frame, so the eye goes to where the card belongs.
            dim_outside(&painter, rect, guide_rect(rect, guide));
            if let Some(a) = &self.latest {
                let opts = OverlayOptions {
                    guide: Some(guide),
                    mirror,
                    refused: matches!(self.flip_state(), Some(FlipState::StillFront(_))),
                    zone_unconfirmed: self.zone_unconfirmed(&a.report),
                };
                paint_report(&painter, rect, self.shown_size, &a.report, &opts);
            }
            if let Phase::Countdown { remaining_s } = self.phase {
                let total = self.auto.config().countdown_s.max(1e-3);
                paint_countdown(&painter, rect, remaining_s, total);
            }
        });
        commands
    }

    fn guidance_ui(&self, ui: &mut Ui, rect: egui::Rect) {
        let text = self.guidance();
        let ok = self
            .latest
            .as_ref()
            .is_some_and(|a| a.report.primary_problem().is_none());
        // Amber for the front shown again (refused, like a failing check's outline); "Turn the card
        // over" is an instruction like any other and stays white, never green ("done").
        let color = match self.flip_state() {
            Some(FlipState::StillFront(_)) => style::WARN,
            Some(FlipState::TurnOver) => style::GUIDANCE_TEXT,
            _ if ok => style::PASS,
            _ => style::GUIDANCE_TEXT,
        };
        ui.painter()
            .rect_filled(rect, style::GUIDANCE_CORNER_RADIUS, style::GUIDANCE_BG);
        // A label (not just paint) so people using a screen reader, and tests, can read it.
        ui.scope_builder(
            egui::UiBuilder::new().max_rect(rect.shrink(style::LABEL_PADDING)),
            |ui| {
                ui.centered_and_justified(|ui| {
                    ui.label(
                        RichText::new(text)
                            .size(style::GUIDANCE_SIZE)
                            .color(color)
                            .strong(),
                    );
                });
            },
        );
    }

    /// A manual capture (Space, the Capture button) of the frame on screen. While the back is
    /// expected, a frame that still looks like the kept front is refused, as the auto-capture
    /// refuses it, unless `anyway` (the person insists it is the back: the comparison is coarse,
    /// and a card whose two sides look alike must not be a dead end). A frame without a document
    /// to compare is taken: the manual capture is the way out when the detector fails.
    pub(crate) fn manual_capture(&mut self, anyway: bool) -> Option<Captured<Analysed>> {
        if !anyway && matches!(self.flip_state(), Some(FlipState::StillFront(_))) {
            self.front_refused = true;
            return None;
        }
        self.front_refused = false;
        self.snapshot()
    }

    /// The newest analysed frame as a still.
    fn snapshot(&self) -> Option<Captured<Analysed>> {
        self.latest.as_ref().map(|a| Captured {
            frame: a.clone(),
            report: a.report.clone(),
            time_s: a.frame.time_s,
        })
    }
}

/// Shades the parts of `image` outside `frame` with `style::OUTSIDE_GUIDE_SHADE`.
fn dim_outside(painter: &egui::Painter, image: egui::Rect, frame: egui::Rect) {
    let frame = frame.intersect(image);
    let shade = style::OUTSIDE_GUIDE_SHADE;
    let bands = [
        egui::Rect::from_min_max(image.min, egui::pos2(image.max.x, frame.min.y)),
        egui::Rect::from_min_max(egui::pos2(image.min.x, frame.max.y), image.max),
        egui::Rect::from_min_max(
            egui::pos2(image.min.x, frame.min.y),
            egui::pos2(frame.min.x, frame.max.y),
        ),
        egui::Rect::from_min_max(
            egui::pos2(frame.max.x, frame.min.y),
            egui::pos2(image.max.x, frame.max.y),
        ),
    ];
    for band in bands {
        if band.is_positive() {
            painter.rect_filled(band, 0.0, shade);
        }
    }
}

/// The countdown: a big digit on a dark disc, with a ring that empties as the capture nears.
fn paint_countdown(painter: &egui::Painter, image: egui::Rect, remaining_s: f64, total_s: f64) {
    let radius = (image.height().min(image.width()) * style::COUNTDOWN_RADIUS_FRAC)
        .clamp(style::COUNTDOWN_MIN_RADIUS, style::COUNTDOWN_MAX_RADIUS);
    let centre = image.center();
    painter.circle_filled(centre, radius, style::COUNTDOWN_BACKING);
    let ring_r = radius - style::COUNTDOWN_RING_WIDTH;
    painter.circle_stroke(
        centre,
        ring_r,
        egui::Stroke::new(style::COUNTDOWN_RING_WIDTH, style::COUNTDOWN_RING_TRACK),
    );
    let left = (remaining_s / total_s).clamp(0.0, 1.0) as f32;
    let steps = (64.0 * left).ceil().max(2.0) as usize;
    let start = -std::f32::consts::FRAC_PI_2;
    let points: Vec<egui::Pos2> = (0..=steps)
        .map(|i| {
            let a = start + std::f32::consts::TAU * left * i as f32 / steps as f32;
            centre + ring_r * egui::vec2(a.cos(), a.sin())
        })
        .collect();
    painter.add(egui::Shape::line(
        points,
        egui::Stroke::new(style::COUNTDOWN_RING_WIDTH, style::COUNTDOWN),
    ));
    painter.text(
        centre,
        Align2::CENTER_CENTER,
        format!("{}", remaining_s.ceil().max(1.0) as u32),
        FontId::proportional(radius * 1.1),
        style::COUNTDOWN,
    );
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::camera::CameraFrame;
    use crate::capture::flip::SETTLED_AFTER_S;
    use crate::capture::scripted;
    use crate::quality::{Check, Frame, Point};

    /// A live view showing one frame with `report`, the back of an ID card expected and the
    /// document in view unlike the front.
    fn expecting_the_back(report: Report) -> LiveView {
        let quad = [
            Point::new(10.0, 10.0),
            Point::new(150.0, 10.0),
            Point::new(150.0, 98.0),
            Point::new(10.0, 98.0),
        ];
        let front = Frame::from_fn(160, 108, |x, y| image::Rgb([(x + y) as u8, 90, 40]));
        let back = Frame::from_pixel(160, 108, image::Rgb([200, 200, 200]));
        let mut view = LiveView::new(CaptureConfig::default());
        view.expect_back(Signature::of(&front, &quad));
        let state = view
            .flip
            .as_mut()
            .map(|g| g.push(Signature::of(&back, &quad).as_ref()));
        assert_eq!(state, Some(FlipState::Ready));
        view.state = SourceState::Live {
            width: 160,
            height: 108,
        };
        view.latest = Some(Analysed {
            frame: CameraFrame {
                image: Arc::new(back),
                seq: 0,
                time_s: 0.0,
            },
            report,
            analysis_ms: 1.0,
            internal_error: None,
        });
        view
    }

    #[test]
    fn a_card_at_a_slant_while_the_back_is_expected_is_being_turned_not_a_passport() {
        let mut report = scripted::report(true, 10.0, 10.0, 1.0);
        for c in report.checks.iter_mut().filter(|c| c.id == CheckId::Tilt) {
            *c = Check::new(CheckId::Tilt, false, Some(1.42), Some(1.49))
                .unit("")
                .message("This looks like a passport page — switch to Passport page.")
                .hint("Switch to Passport page");
        }
        let mut view = expecting_the_back(report.clone());
        assert_eq!(view.guidance(), TURNING_HINT);
        // A front (no flip expected) keeps the check's own hint.
        view.expect_front();
        assert_eq!(view.guidance(), "Switch to Passport page");
    }

    #[test]
    fn a_half_turned_card_is_not_told_to_move_closer_until_the_back_is_held_flat() {
        let mut report = scripted::report(true, 10.0, 10.0, 1.0);
        for c in report
            .checks
            .iter_mut()
            .filter(|c| c.id == CheckId::Resolution)
        {
            *c = Check::new(CheckId::Resolution, false, Some(92.5), Some(250.0))
                .unit("dpi")
                .hint("Move closer");
        }
        let mut view = expecting_the_back(report);
        assert_eq!(view.guidance(), TURNING_HINT);
        let guard = view.flip.as_mut().expect("a flip is expected");
        guard.settle(1.0, true);
        guard.settle(1.0 + SETTLED_AFTER_S / 2.0, true);
        assert_eq!(
            view.guidance(),
            TURNING_HINT,
            "not flat for long enough yet"
        );
        let guard = view.flip.as_mut().expect("a flip is expected");
        guard.settle(1.0 + SETTLED_AFTER_S, true);
        assert_eq!(
            view.guidance(),
            "Move closer",
            "the back is held flat, but small"
        );
        // Slanted again: the wait starts over.
        let guard = view.flip.as_mut().expect("a flip is expected");
        guard.settle(2.0, false);
        assert_eq!(view.guidance(), TURNING_HINT);
    }

    #[test]
    fn other_problems_keep_their_own_hint_while_the_back_is_expected() {
        let view = expecting_the_back(scripted::report(false, 10.0, 10.0, 1.0));
        assert_eq!(view.guidance(), "Hold still");
    }
}
