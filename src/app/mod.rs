//! The eframe app: live capture, the captured stills, and the review of opened photos.
//!
//! Decides the flow between views and owns the one place commands are handled (`App::handle`):
//! panels only return `Command`s. Live: camera → auto-capture or manual capture → the still with
//! its report → "Retake", "Export…" (Ctrl+S: the same compliant export dialog as the review view), or
//! on to the back of an ID card. With a `CaptureRequest` (`idcap capture`), accepting a still writes
//! it and closes the window.

pub mod checklist;
pub mod dialogs;
pub mod export_ui;
pub mod live;
pub mod overlay;
pub mod review;
pub mod save;
pub mod settings;
pub mod side_panel;
pub mod style;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use egui::{RichText, TextureHandle, TextureOptions, Ui};

use crate::analysis::{Analysed, Assess, Pipeline};
use crate::camera::webcam::DeviceWatcher;
use crate::camera::{SourceCommand, SourceFactory, SourceSpec};
use crate::capture::{CaptureConfig, Captured};
use crate::quality::{Analyzer, DocChoice, DocumentKind, Preset, Profile, Report};
use export_ui::{ExportRequest, SavePicker};
use live::{LiveView, SourceState};
use review::{OpenPicker, ReviewView};
use settings::Settings;

/// Everything the person (or a test) can ask the app to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    UseSource(SourceSpec),
    SetDocument(DocumentKind),
    SetMirror(bool),
    SetResolution([u32; 2]),
    SetControl {
        id: u64,
        value: i64,
    },
    CaptureNow,
    Retake(Side),
    /// Keep the still of the current side and go on (to the back, or finish).
    Accept,
    Export(Side),
    OpenPhotos,
    AddPhotos(Vec<PathBuf>),
    ShowLive,
    ShowReview,
    /// Something to tell the person (a save that worked or failed).
    Notice(String),
}

/// The side of the document being captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Front,
    Back,
}

impl Side {
    fn index(self) -> usize {
        match self {
            Side::Front => 0,
            Side::Back => 1,
        }
    }
}

/// A captured still and the report it was scored with.
pub struct Still {
    pub frame: Analysed,
    pub report: Report,
    pub auto: bool,
    texture: Option<TextureHandle>,
}

/// `idcap capture`: where to write the accepted still, and whether the first auto-capture counts as
/// accepted.
#[derive(Clone, Debug)]
pub struct CaptureRequest {
    pub output: PathBuf,
    pub accept_auto: bool,
    /// Filled when a still was written: the JSON line (`check --json` format) to print.
    pub result: Arc<Mutex<Option<Result<String, String>>>>,
}

/// How the app starts; `Default` is a person running `idcap`.
#[derive(Default)]
pub struct AppOptions {
    /// The source to start with; `None`: the settings' webcam.
    pub source: Option<SourceSpec>,
    /// A ready-made source (tests); wins over `source`.
    pub injected_source: Option<SourceFactory>,
    /// A scripted analysis (tests); `None`: the real `Analyzer`.
    pub assess: Option<Box<dyn Assess>>,
    /// Analyse every frame in order and show the analysed frame (tests, deterministic).
    pub lockstep: bool,
    /// Document type from the command line (overrides the saved setting).
    pub doc: Option<DocumentKind>,
    /// Auto-capture tuning; `None`: the defaults.
    pub capture: Option<CaptureConfig>,
    pub capture_request: Option<CaptureRequest>,
    /// Start without reading saved settings (tests).
    pub ignore_saved_settings: bool,
    /// Photos to review from the start (`idcap FILE…`, "Open with"): the app opens on the review
    /// view, and the camera is only switched on when the person goes to the live view.
    pub open: Vec<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Live,
    Review,
}

pub struct App {
    pub settings: Settings,
    pub mode: Mode,
    pub live: LiveView,
    pub review: ReviewView,
    pub side: Side,
    pub stills: [Option<Still>; 2],
    /// A still is being looked at (live view paused for it).
    pub showing_still: bool,
    /// The last problem to tell the person (a failed save, a source that cannot start).
    pub notice: Option<String>,
    lockstep: bool,
    capture_request: Option<CaptureRequest>,
    devices: DeviceWatcher,
    current_source: Option<SourceSpec>,
    ctx: egui::Context,
    pending: Vec<Command>,
    /// The camera to start when the live view is first shown (the app opened on photos).
    deferred_source: Option<DeferredSource>,
}

/// A camera source not started yet: its factory, the analysis to run on it, and its spec.
type DeferredSource = (SourceFactory, Option<Box<dyn Assess>>, Option<SourceSpec>);

/// The thresholds for a document kind.
pub fn profile_for(doc: DocumentKind) -> Profile {
    let choice = match doc {
        DocumentKind::IdCard => DocChoice::IdCard,
        DocumentKind::Passport => DocChoice::Passport,
    };
    Preset::Standard.profile(choice)
}

impl App {
    pub fn new(cc: &eframe::CreationContext<'_>, mut options: AppOptions) -> App {
        let mut settings = if options.ignore_saved_settings {
            Settings::default()
        } else {
            Settings::load(cc.storage)
        };
        if let Some(doc) = options.doc {
            settings.doc = doc;
        }
        let mut live = LiveView::new(options.capture.take().unwrap_or_default());
        live.preview_analysed = options.lockstep;
        let mut app = App {
            settings,
            mode: Mode::Live,
            live,
            review: ReviewView::default(),
            side: Side::Front,
            stills: [None, None],
            showing_still: false,
            notice: None,
            lockstep: options.lockstep,
            capture_request: options.capture_request.take(),
            devices: DeviceWatcher::start(options.injected_source.is_none()),
            current_source: None,
            ctx: cc.egui_ctx.clone(),
            pending: Vec::new(),
            deferred_source: None,
        };
        let assess = options.assess.take();
        let (source, spec) = match options.injected_source.take() {
            Some(source) => (source, None),
            None => {
                let spec = options.source.take().unwrap_or(SourceSpec::Webcam {
                    index: app.settings.camera,
                    max_size: app.settings.max_size,
                });
                (spec.factory(!app.lockstep), Some(spec))
            }
        };
        if options.open.is_empty() {
            app.start_source(source, assess, spec);
        } else {
            // Reviewing photos needs no camera: do not switch one on (and its light) until asked.
            app.deferred_source = Some((source, assess, spec));
            app.handle(Command::AddPhotos(std::mem::take(&mut options.open)));
        }
        app
    }

    /// Starts the camera the app deferred when it opened on photos.
    fn start_deferred_source(&mut self) {
        if let Some((source, assess, spec)) = self.deferred_source.take() {
            self.start_source(source, assess, spec);
        }
    }

    fn start_source(
        &mut self,
        source: SourceFactory,
        assess: Option<Box<dyn Assess>>,
        spec: Option<SourceSpec>,
    ) {
        let ctx = self.ctx.clone();
        let name = spec.as_ref().map(SourceSpec::label).unwrap_or_default();
        let pipeline = Pipeline::start(
            source,
            assess.unwrap_or_else(|| Box::new(Analyzer::for_stream())),
            profile_for(self.settings.doc),
            self.lockstep,
            Arc::new(move || ctx.request_repaint()),
        );
        self.live.set_pipeline(name, pipeline);
        self.current_source = spec;
    }

    /// Replaces the export dialog's "save as" (tests pass a closure returning a temporary path). The
    /// live view and the review view share the one dialog.
    pub fn set_save_picker(&mut self, picker: SavePicker) {
        self.review.export_dialog().set_picker(picker);
    }

    /// Replaces the "Open photos…" dialog (tests pass a closure answering with their files). The
    /// live view and the review view share the one dialog.
    pub fn set_open_picker(&mut self, picker: OpenPicker) {
        self.review.set_open_picker(picker);
    }

    /// The result of the last export the dialog finished, while it shows it.
    pub fn export_result(&self) -> Option<&Result<crate::export::Exported, String>> {
        self.review.export_dialog_ref().result()
    }

    /// Queues a command as if a panel had sent it (tests use this for what needs a file dialog).
    pub fn send(&mut self, cmd: Command) {
        self.pending.push(cmd);
    }

    /// The one place commands are handled.
    pub fn handle(&mut self, cmd: Command) {
        match cmd {
            Command::UseSource(spec) => {
                if let SourceSpec::Webcam { index, max_size } = &spec {
                    self.settings.camera = *index;
                    self.settings.max_size = *max_size;
                }
                let source = spec.factory(!self.lockstep);
                self.deferred_source = None;
                self.start_source(source, None, Some(spec));
                self.showing_still = false;
                self.mode = Mode::Live;
            }
            Command::SetDocument(doc) => {
                self.settings.doc = doc;
                if let Some(p) = &self.live.pipeline {
                    p.set_profile(profile_for(doc));
                }
                self.live.reset_capture();
                if doc == DocumentKind::Passport {
                    self.side = Side::Front;
                }
            }
            Command::SetMirror(m) => self.settings.mirror = m,
            Command::SetResolution(size) => {
                self.settings.max_size = size;
                if let Some(SourceSpec::Webcam { index, .. }) = self.current_source.clone() {
                    self.handle(Command::UseSource(SourceSpec::Webcam {
                        index,
                        max_size: size,
                    }));
                }
            }
            Command::SetControl { id, value } => {
                if let Some(p) = &self.live.pipeline {
                    p.command(SourceCommand::SetControl { id, value });
                }
            }
            Command::CaptureNow => {
                if let Some(c) = self.live.snapshot() {
                    self.keep(c, false);
                }
            }
            Command::Retake(side) => {
                self.stills[side.index()] = None;
                self.side = side;
                self.showing_still = false;
                self.live.reset_capture();
            }
            Command::Accept => self.accept(),
            Command::Export(side) => self.export(side),
            // Returns at once; the photos arrive through `ReviewView::poll_open_dialog`.
            Command::OpenPhotos => self.review.open_photos(&self.ctx),
            Command::AddPhotos(paths) => {
                if !paths.is_empty() {
                    self.review.add_paths(paths);
                    self.mode = Mode::Review;
                }
            }
            Command::ShowLive => {
                self.start_deferred_source();
                self.mode = Mode::Live;
            }
            Command::ShowReview => self.mode = Mode::Review,
            Command::Notice(msg) => self.notice = Some(msg),
        }
    }

    /// Shows a captured frame as the still of the current side.
    fn keep(&mut self, captured: Captured<Analysed>, auto: bool) {
        let still = Still {
            frame: captured.frame,
            report: captured.report,
            auto,
            texture: None,
        };
        self.stills[self.side.index()] = Some(still);
        self.showing_still = true;
        if auto
            && let Some(req) = &self.capture_request
            && req.accept_auto
        {
            self.accept();
        }
    }

    /// The person keeps the still of the current side.
    fn accept(&mut self) {
        let side = self.side;
        if let Some(req) = self.capture_request.clone() {
            let Some(still) = &self.stills[side.index()] else {
                return;
            };
            let name = req.output.display().to_string();
            let result = save::save_jpeg(&req.output, &still.frame.frame.image)
                .map(|()| {
                    let timings = crate::output::Timings {
                        decode_ms: 0.0,
                        analyze_ms: still.frame.analysis_ms,
                    };
                    crate::output::json_line(&name, &still.report, timings).to_string()
                })
                .map_err(|e| format!("{e:#}"));
            let ok = result.is_ok();
            if let Err(e) = &result {
                self.notice = Some(e.clone());
            }
            if let Ok(mut slot) = req.result.lock() {
                *slot = Some(result);
            }
            if ok {
                self.ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            return;
        }
        if side == Side::Front
            && self.settings.doc == DocumentKind::IdCard
            && self.stills[1].is_none()
        {
            self.side = Side::Back;
            self.showing_still = false;
            self.live.reset_capture();
        } else {
            // Both sides (or the passport page) are done: stay on the stills.
            self.showing_still = true;
        }
    }

    /// Opens the compliant export dialog (presets, size band, no metadata, crop, warnings about
    /// failing checks, overwrite protection, atomic write) for the still of `side`.
    fn export(&mut self, side: Side) {
        let Some(still) = &self.stills[side.index()] else {
            return;
        };
        let name = match (self.settings.doc, side) {
            (DocumentKind::Passport, _) => "passport-idcap.jpg",
            (DocumentKind::IdCard, Side::Front) => "id-front-idcap.jpg",
            (DocumentKind::IdCard, Side::Back) => "id-back-idcap.jpg",
        };
        let request = ExportRequest::new(
            Arc::clone(&still.frame.frame.image),
            Some(still.report.clone()),
            name.to_string(),
        );
        self.review.export_dialog().open(request);
    }

    fn side_label(&self) -> String {
        match (self.settings.doc, self.side) {
            (DocumentKind::Passport, _) => "Passport photo page".to_string(),
            (DocumentKind::IdCard, Side::Front) => "ID card — front".to_string(),
            (DocumentKind::IdCard, Side::Back) => "ID card — back".to_string(),
        }
    }

    /// Everything the app does in one frame, minus drawing.
    fn logic(&mut self, ctx: &egui::Context) {
        // While files are dragged over the window, say that dropping them opens the review.
        ReviewView::paint_drop_hint(ctx);
        let dropped = ctx.input(|i| i.raw.dropped_files.clone());
        let mut paths = Vec::new();
        for f in dropped {
            paths.push(f.path().to_path_buf());
        }
        if !paths.is_empty() {
            self.pending.push(Command::AddPhotos(paths));
        }
        if self.mode == Mode::Live
            && !self.showing_still
            && ctx.input(|i| i.key_pressed(egui::Key::Space))
        {
            self.pending.push(Command::CaptureNow);
        }
        // Ctrl+S on the stills exports the one just captured (the front when both are shown).
        if self.mode == Mode::Live
            && self.showing_still
            && !self.review.export_dialog().is_open()
            && ctx.input_mut(|i| i.consume_shortcut(&review::EXPORT_SHORTCUT))
        {
            let side = if self.stills[self.side.index()].is_some() {
                self.side
            } else {
                Side::Front
            };
            self.pending.push(Command::Export(side));
        }
        if self.mode == Mode::Live && !self.showing_still {
            if let Some(c) = self.live.poll(ctx) {
                self.keep(c, true);
            }
            // Keep the preview moving at ≥ 30 fps whatever the analysis does.
            ctx.request_repaint_after(std::time::Duration::from_millis(30));
        }
        // "Open photos…" from either view: the chosen photos open the review.
        if self.review.poll_open_dialog() {
            self.pending.push(Command::ShowReview);
        }
        for cmd in std::mem::take(&mut self.pending) {
            self.handle(cmd);
        }
    }

    fn no_camera_ui(&mut self, ui: &mut Ui, msg: &str) -> Vec<Command> {
        let mut commands = Vec::new();
        egui::CentralPanel::default().show(ui, |ui| {
            ui.vertical_centered(|ui| {
                ui.add_space(60.0);
                ui.label(
                    RichText::new("No camera")
                        .size(style::GUIDANCE_SIZE)
                        .strong(),
                );
                ui.label(msg);
                ui.label("idcap keeps looking and switches on when a camera is plugged in.");
                ui.add_space(20.0);
                if ui.button("Use the demo camera").clicked() {
                    commands.push(Command::UseSource(SourceSpec::Demo));
                }
                if review::open_photos_button(ui, self.review.is_open_dialog_open()).clicked() {
                    commands.push(Command::OpenPhotos);
                }
                ui.label(RichText::new("or drop photos onto this window").weak());
            });
        });
        commands
    }

    fn stills_ui(&mut self, ui: &mut Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        let ctx = ui.ctx().clone();
        let sides: Vec<Side> = match self.settings.doc {
            DocumentKind::Passport => vec![Side::Front],
            DocumentKind::IdCard => [Side::Front, Side::Back]
                .into_iter()
                .filter(|s| self.stills[s.index()].is_some())
                .collect(),
        };
        let current_side = self.side;
        let id_card = self.settings.doc == DocumentKind::IdCard;
        let capture_mode = self.capture_request.is_some();
        egui::Panel::bottom("still-actions").show(ui, |ui| {
            ui.horizontal(|ui| {
                if let Some(n) = &self.notice {
                    ui.label(n);
                }
                let accept_label = if capture_mode {
                    "Use this photo"
                } else if id_card && current_side == Side::Front && self.stills[1].is_none() {
                    "Next: back side"
                } else {
                    "Done"
                };
                let is_done = !capture_mode
                    && (!id_card || self.stills[0].is_some() && self.stills[1].is_some());
                if !is_done && ui.button(accept_label).clicked() {
                    commands.push(Command::Accept);
                }
            });
        });
        egui::CentralPanel::default().show(ui, |ui| {
            let n = sides.len().max(1) as f32;
            let avail = ui.available_rect_before_wrap();
            let w = avail.width() / n;
            for (k, side) in sides.iter().enumerate() {
                let cell = egui::Rect::from_min_size(
                    avail.min + egui::vec2(w * k as f32, 0.0),
                    egui::vec2(w, avail.height()),
                );
                let Some(still) = &mut self.stills[side.index()] else {
                    continue;
                };
                ui.scope_builder(egui::UiBuilder::new().max_rect(cell.shrink(6.0)), |ui| {
                    let title = match (id_card, side) {
                        (false, _) => "Passport photo page",
                        (true, Side::Front) => "Front",
                        (true, Side::Back) => "Back",
                    };
                    let how = if still.auto {
                        "auto-captured"
                    } else {
                        "captured"
                    };
                    ui.label(RichText::new(format!("{title} — {how}")).heading());
                    ui.horizontal(|ui| {
                        if ui.button("Retake").clicked() {
                            commands.push(Command::Retake(*side));
                        }
                        if ui.button("Export…").clicked() {
                            commands.push(Command::Export(*side));
                        }
                    });
                    let img = &still.frame.frame.image;
                    let size = [img.width(), img.height()];
                    let texture = still.texture.get_or_insert_with(|| {
                        let c = egui::ColorImage::from_rgb(
                            [size[0] as usize, size[1] as usize],
                            img.as_raw(),
                        );
                        ctx.load_texture(format!("still-{k}"), c, TextureOptions::LINEAR)
                    });
                    let area = ui.available_rect_before_wrap();
                    // A wide cell (one still) puts the checklist beside the photo, so both are seen
                    // whole; a narrow one (front and back side by side) puts it underneath.
                    let beside = area.width() >= style::SIDE_PANEL_WIDTH * 2.5;
                    let (image_area, checks_area) = if beside {
                        let split = area.max.x - style::SIDE_PANEL_WIDTH;
                        (
                            egui::Rect::from_min_max(
                                area.min,
                                egui::pos2(split - 12.0, area.max.y),
                            ),
                            egui::Rect::from_min_max(egui::pos2(split, area.min.y), area.max),
                        )
                    } else {
                        let split = area.min.y + area.height() * 0.55;
                        (
                            egui::Rect::from_min_max(area.min, egui::pos2(area.max.x, split)),
                            egui::Rect::from_min_max(egui::pos2(area.min.x, split + 6.0), area.max),
                        )
                    };
                    let mut rect = overlay::fit_rect(image_area, size);
                    if beside {
                        // Level with the checklist's first line rather than centred in the height.
                        rect = rect.translate(egui::vec2(0.0, image_area.top() - rect.top()));
                    }
                    let painter = ui.painter_at(image_area);
                    painter.image(
                        texture.id(),
                        rect,
                        egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
                        egui::Color32::WHITE,
                    );
                    overlay::paint_report(
                        &painter,
                        rect,
                        size,
                        &still.report,
                        &overlay::OverlayOptions::default(),
                    );
                    ui.allocate_rect(image_area, egui::Sense::hover());
                    ui.scope_builder(egui::UiBuilder::new().max_rect(checks_area), |ui| {
                        egui::ScrollArea::vertical()
                            .id_salt(("still-checks", k))
                            .show(ui, |ui| checklist::checklist_ui(ui, Some(&still.report)));
                    });
                });
            }
        });
        commands
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        let started = std::time::Instant::now();
        let ctx = ui.ctx().clone();
        self.logic(&ctx);
        let mut commands = Vec::new();
        egui::Panel::top("top-bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(RichText::new("idcap").strong());
                ui.separator();
                if ui
                    .selectable_label(self.mode == Mode::Live, "Live capture")
                    .clicked()
                {
                    commands.push(Command::ShowLive);
                }
                if ui
                    .selectable_label(self.mode == Mode::Review, "Review photos")
                    .clicked()
                {
                    commands.push(Command::ShowReview);
                }
                // The review view has its own toolbar with "Open photos…"; one button is enough.
                if self.mode == Mode::Live
                    && review::open_photos_button(ui, self.review.is_open_dialog_open()).clicked()
                {
                    commands.push(Command::OpenPhotos);
                }
            });
        });
        match self.mode {
            Mode::Review => {
                egui::CentralPanel::default().show(ui, |ui| self.review.ui(ui));
            }
            Mode::Live => {
                let report = self.live.report_with_stability();
                let devices = self.devices.devices();
                let mut panel = side_panel::SidePanel {
                    settings: &self.settings,
                    devices: &devices,
                    current: self.current_source.as_ref(),
                    source_name: &self.live.source_name,
                    controls: &self.live.controls,
                    report: report.as_ref(),
                    show_checks: !self.showing_still,
                };
                commands.extend(panel.ui(ui));
                let waiting = match &self.live.state {
                    SourceState::Waiting(m) | SourceState::Failed(m)
                        if self.live.latest().is_none() =>
                    {
                        Some(m.clone())
                    }
                    _ => None,
                };
                if self.showing_still {
                    commands.extend(self.stills_ui(ui));
                } else if let Some(msg) = waiting {
                    commands.extend(self.no_camera_ui(ui, &msg));
                } else {
                    let label = self.side_label();
                    let doc = self.settings.doc;
                    let mirror = self.settings.mirror;
                    commands.extend(self.live.ui(ui, doc, mirror, &label));
                }
            }
        }
        for cmd in commands {
            self.handle(cmd);
        }
        // The review view shows the export dialog itself; over the live view the shell does.
        if self.mode == Mode::Live {
            self.review.export_dialog().ui(&ctx);
        }
        self.live
            .stats
            .ui_time(started.elapsed().as_secs_f64() * 1e3);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.settings.save(storage);
    }
}

/// Opens the app window and runs until it is closed.
pub fn run(options: AppOptions) -> eframe::Result<()> {
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("idcap — ID photo capture")
            .with_app_id("idcap")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([800.0, 500.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "idcap",
        native,
        Box::new(move |cc| Ok(Box::new(App::new(cc, options)))),
    )
}
