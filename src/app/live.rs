//! The live view: the camera preview with the overlay, the guidance line, the countdown and the
//! status line; it feeds every analysed frame to the auto-capture.
//!
//! Decides what the person is told from moment to moment. State lives in `LiveView`; `poll` takes
//! in what the threads produced (never waiting), `ui` draws and returns the commands the person
//! gave. Starting and stopping sources is the App's job (through `Command`s).

use std::time::Instant;

use egui::{Align2, Color32, FontId, RichText, TextureHandle, TextureOptions, Ui};

use super::overlay::{OverlayOptions, fit_rect, paint_report};
use super::{Command, style};
use crate::analysis::{Analysed, Pipeline};
use crate::camera::{ControlInfo, SourceStatus};
use crate::capture::{AutoCapture, CaptureConfig, Captured, Phase};
use crate::quality::{DocumentKind, Report};

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
    /// Show the analysed frame (deterministic, for tests) instead of the newest camera frame.
    pub(crate) preview_analysed: bool,
    pub(crate) auto_enabled: bool,
    texture: Option<TextureHandle>,
    shown_seq: Option<u64>,
    shown_size: [u32; 2],
    latest: Option<Analysed>,
    auto: AutoCapture<Analysed>,
    phase: Phase,
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
            preview_analysed: false,
            auto_enabled: true,
            texture: None,
            shown_seq: None,
            shown_size: [0, 0],
            latest: None,
            auto: AutoCapture::new(config),
            phase: Phase::Idle,
            stats: Stats::default(),
        }
    }

    /// Replaces the running source (dropping the old one stops its threads).
    pub(crate) fn set_pipeline(&mut self, name: String, pipeline: Pipeline) {
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
    }

    /// The newest analysed frame and its report.
    pub fn latest(&self) -> Option<&Analysed> {
        self.latest.as_ref()
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
        if let Phase::Countdown { .. } = self.phase {
            return "Hold still…".to_string();
        }
        let Some(a) = &self.latest else {
            return String::new();
        };
        if let Some(c) = a.report.primary_problem() {
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
                }
                SourceStatus::Failed(msg) => self.state = SourceState::Failed(msg),
                SourceStatus::Controls(c) => self.controls = c,
                SourceStatus::Notice(msg) => self.camera_notice = Some(msg),
            }
        }
        let mut captured = None;
        for a in pipeline.poll() {
            self.stats.analysed(a.analysis_ms);
            if captured.is_none() && self.auto_enabled {
                let (phase, cap) = self.auto.push(a.frame.time_s, &a.report, a.clone());
                self.phase = phase;
                captured = cap;
            }
            self.latest = Some(a);
        }
        self.stats.tick(pipeline.frames_produced());
        let frame = if self.preview_analysed {
            self.latest.as_ref().map(|a| a.frame.clone())
        } else {
            pipeline
                .newest_frame()
                .or_else(|| self.latest.as_ref().map(|a| a.frame.clone()))
        };
        if let Some(frame) = frame
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
            ui.horizontal(|ui| {
                let source = match &self.state {
                    SourceState::Live { width, height } => {
                        format!("{} · {width}×{height}", self.source_name)
                    }
                    _ => self.source_name.clone(),
                };
                ui.label(RichText::new(format!("{source} · {}", self.stats.line())).small());
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let can_capture = self.latest.is_some();
                    if ui
                        .add_enabled(can_capture, egui::Button::new("Capture now (Space)"))
                        .clicked()
                    {
                        commands.push(Command::CaptureNow);
                    }
                    let mut auto = self.auto_enabled;
                    if ui.checkbox(&mut auto, "Auto-capture").changed() {
                        commands.push(Command::SetAutoCapture(auto));
                    }
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
            if let Some(a) = &self.latest {
                let opts = OverlayOptions {
                    guide: Some(guide),
                    mirror,
                };
                paint_report(&painter, rect, self.shown_size, &a.report, &opts);
            }
            if let Phase::Countdown { remaining_s } = self.phase {
                painter.text(
                    rect.center(),
                    Align2::CENTER_CENTER,
                    format!("{}", remaining_s.ceil().max(1.0) as u32),
                    FontId::proportional(style::COUNTDOWN_SIZE),
                    style::COUNTDOWN,
                );
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
        let color = if ok {
            style::PASS
        } else {
            style::GUIDANCE_TEXT
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

    /// The newest analysed frame as a still (manual capture).
    pub(crate) fn snapshot(&self) -> Option<Captured<Analysed>> {
        self.latest.as_ref().map(|a| Captured {
            frame: a.clone(),
            report: a.report.clone(),
            time_s: a.frame.time_s,
        })
    }
}
