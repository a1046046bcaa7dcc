//! The eframe app: live capture, the captured stills, and the review of opened photos.
//!
//! Decides the flow between views and what happens in one frame: take in what the threads and the
//! dialogs produced, turn keys and drops into `Command`s, draw the panels (which only return
//! `Command`s), and apply every command in one place (`App::handle`, in `commands`). The App owns
//! the two dialogs both views use: "Open photos…" and the compliant export. Live: camera → auto-capture or manual capture → the still with
//! its report → "Retake", "Export…" (Ctrl+S: the same compliant export dialog as the review view), or
//! on to the back of an ID card. With a `CaptureRequest` (`idcap capture`), accepting a still writes
//! it and closes the window.

pub mod checklist;
pub(crate) mod commands;
pub mod dialogs;
pub(crate) mod drops;
pub mod export_ui;
pub mod live;
pub mod mrz_panel;
pub mod open_photos;
pub(crate) mod overlay;
pub(crate) mod review;
pub(crate) mod save;
pub(crate) mod settings;
pub(crate) mod side_panel;
pub(crate) mod stills;
pub(crate) mod style;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use egui::{RichText, Ui};

use crate::analysis::{Assess, Pipeline};
use crate::camera::webcam::DeviceWatcher;
use crate::camera::{SourceFactory, SourceSpec};
use crate::capture::CaptureConfig;
use crate::quality::{Analyzer, DocChoice, DocumentKind, Preset, Profile};
pub use commands::Command;
use export_ui::{EXPORT_SHORTCUT, ExportDialog, SavePicker};
use live::{LiveView, SourceState};
use open_photos::{OPEN_SHORTCUT, OpenPhotosDialog, OpenPicker};
use review::ReviewView;
use settings::Settings;
pub use stills::{Side, Still};

/// `idcap capture`: where to write the accepted still, and whether the first auto-capture counts as
/// accepted.
#[derive(Clone, Debug)]
pub struct CaptureRequest {
    /// Where the accepted still is written (a JPG file path).
    pub output: PathBuf,
    /// True: the first auto-capture counts as accepted; false: wait for the person to accept.
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
    /// `idcap capture`'s output request; `None` for an ordinary app session.
    pub capture_request: Option<CaptureRequest>,
    /// Start without reading saved settings (tests).
    pub ignore_saved_settings: bool,
    /// Photos to review from the start (`idcap FILE…`, "Open with"): the app opens on the review
    /// view, and the camera is only switched on when the person goes to the live view.
    pub open: Vec<PathBuf>,
}

/// Which of the app's two views is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The camera view: live preview, checks and (auto-)capture.
    Live,
    /// The review view: dropped or opened photos checked one by one.
    Review,
}

/// The idcap window: the live and review views, the export dialog and the settings.
pub struct App {
    pub(crate) settings: Settings,
    /// The view shown.
    pub mode: Mode,
    /// The live (camera) view.
    pub live: LiveView,
    /// The review (dropped photos) view.
    pub review: ReviewView,
    /// The compliant export dialog, for a still or a reviewed photo.
    export: ExportDialog,
    /// "Open photos…", from either view.
    open_photos: OpenPhotosDialog,
    /// The side of the document being captured now.
    pub side: Side,
    /// The stills taken so far, front then back (indexed by `Side`).
    pub stills: [Option<Still>; 2],
    /// A still is being looked at (live view paused for it).
    pub showing_still: bool,
    /// The last problem to tell the person (a failed save, a source that cannot start).
    pub(crate) notice: Option<String>,
    lockstep: bool,
    capture_request: Option<CaptureRequest>,
    devices: DeviceWatcher,
    current_source: Option<SourceSpec>,
    ctx: egui::Context,
    pending: Vec<Command>,
    /// The camera to start when the live view is first shown (the app opened on photos).
    deferred_source: Option<DeferredSource>,
    /// The window width the text sizes were last set for, points.
    styled_for_width: f32,
    /// When the last still was captured: the shutter flash fades from then.
    flash_started: Option<std::time::Instant>,
}

/// A camera source not started yet: its factory, the analysis to run on it, and its spec.
type DeferredSource = (SourceFactory, Option<Box<dyn Assess>>, Option<SourceSpec>);

/// The thresholds for a document kind.
pub(crate) fn profile_for(doc: DocumentKind) -> Profile {
    let choice = match doc {
        DocumentKind::IdCard => DocChoice::IdCard,
        DocumentKind::Passport => DocChoice::Passport,
    };
    // The app's clock gives "today" for the `expiry` check (quality/ has none).
    Profile {
        today: Some(crate::clock::today()),
        ..Preset::Standard.profile(choice)
    }
}

impl App {
    /// Whether the preview is shown mirrored (the setting; captures are never mirrored).
    pub fn mirror_preview(&self) -> bool {
        self.settings.mirror
    }

    /// Creates the app; `options` says where frames come from and what to open.
    pub fn new(cc: &eframe::CreationContext<'_>, mut options: AppOptions) -> App {
        let mut settings = if options.ignore_saved_settings {
            Settings::default()
        } else {
            Settings::load(cc.storage)
        };
        if let Some(doc) = options.doc {
            settings.doc = doc;
        }
        let live = LiveView::new(options.capture.take().unwrap_or_default());
        let mut app = App {
            settings,
            mode: Mode::Live,
            live,
            review: ReviewView::default(),
            export: ExportDialog::default(),
            open_photos: OpenPhotosDialog::default(),
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
            styled_for_width: 0.0,
            flash_started: None,
        };
        let assess = options.assess.take();
        let (source, spec) = match options.injected_source.take() {
            Some(source) => (source, None),
            None => {
                let spec = options
                    .source
                    .take()
                    .unwrap_or_else(|| app.settings.webcam());
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
        self.export.set_picker(picker);
    }

    /// Replaces the "Open photos…" dialog (tests pass a closure answering with their files). The
    /// live view and the review view share the one dialog.
    pub fn set_open_picker(&mut self, picker: OpenPicker) {
        self.open_photos.set_picker(picker);
    }

    /// The result of the last export the dialog finished, while it shows it.
    pub fn export_result(&self) -> Option<&Result<crate::export::Exported, String>> {
        self.export.result()
    }

    /// The export dialog (tests read its step).
    pub fn export_dialog(&self) -> &ExportDialog {
        &self.export
    }

    /// Whether the "Open photos…" dialog is open.
    pub fn is_open_dialog_open(&self) -> bool {
        self.open_photos.is_open()
    }

    /// Everything the app does in one frame, minus drawing.
    fn logic(&mut self, ctx: &egui::Context) {
        // While files are dragged over the window, say that dropping them opens the review.
        drops::paint_drop_hint(ctx);
        self.pending.extend(drops::dropped_photos(ctx));
        let keys = self.shortcuts(ctx);
        self.pending.extend(keys);
        // The camera is read only while its view is shown; repaints come from its frames and
        // reports (the pipeline's waker) and from animations, never from a timer.
        let live_shown = self.mode == Mode::Live && !self.showing_still;
        self.live.set_paused(!live_shown);
        if live_shown && let Some(c) = self.live.poll(ctx) {
            self.keep(c, true);
        }
        // "Open photos…" from either view: the chosen photos open the review.
        if let Some(paths) = self.open_photos.poll() {
            self.pending.push(Command::AddPhotos(paths));
        }
        for cmd in std::mem::take(&mut self.pending) {
            self.handle(cmd);
        }
        if self.mode == Mode::Review {
            self.review.poll(ctx);
        }
    }

    /// The keyboard: Space captures, Ctrl+S exports (the still just captured, or the selected
    /// photo), Ctrl+O opens photos from either tab, and in the review the arrow keys move between
    /// them. Keys go to the export dialog alone while it is open.
    fn shortcuts(&self, ctx: &egui::Context) -> Vec<Command> {
        let mut commands = Vec::new();
        if !self.export.is_open() && ctx.input_mut(|i| i.consume_shortcut(&OPEN_SHORTCUT)) {
            commands.push(Command::OpenPhotos);
        }
        match self.mode {
            Mode::Live if !self.showing_still => {
                if ctx.input(|i| i.key_pressed(egui::Key::Space)) {
                    commands.push(Command::CaptureNow);
                }
            }
            Mode::Live => {
                // Ctrl+S on the stills exports the one just captured (the front when both are shown).
                if !self.export.is_open() && ctx.input_mut(|i| i.consume_shortcut(&EXPORT_SHORTCUT))
                {
                    let side = if self.stills[self.side.index()].is_some() {
                        self.side
                    } else {
                        Side::Front
                    };
                    commands.push(Command::Export(side));
                }
            }
            Mode::Review => {
                if self.export.is_open() {
                    return commands;
                }
                let (export, next, previous) = ctx.input_mut(|i| {
                    use egui::{Key, Modifiers};
                    (
                        i.consume_shortcut(&EXPORT_SHORTCUT),
                        i.consume_key(Modifiers::NONE, Key::ArrowRight)
                            || i.consume_key(Modifiers::NONE, Key::ArrowDown),
                        i.consume_key(Modifiers::NONE, Key::ArrowLeft)
                            || i.consume_key(Modifiers::NONE, Key::ArrowUp),
                    )
                });
                let wanted = [
                    (export, Command::ExportSelectedPhoto),
                    (next, Command::SelectNextPhoto),
                    (previous, Command::SelectPreviousPhoto),
                ];
                commands.extend(wanted.into_iter().filter(|(k, _)| *k).map(|(_, c)| c));
            }
        }
        commands
    }

    fn no_camera_ui(&mut self, ui: &mut Ui, msg: &str) -> Vec<Command> {
        let mut commands = Vec::new();
        egui::CentralPanel::default().show(ui, |ui| {
            ui.vertical_centered(|ui| {
                ui.add_space(style::NO_CAMERA_TOP_SPACE);
                ui.label(
                    RichText::new("No camera")
                        .size(style::GUIDANCE_SIZE)
                        .strong(),
                );
                ui.label(msg);
                ui.label("idcap keeps looking and switches on when a camera is plugged in.");
                ui.add_space(style::NO_CAMERA_BUTTON_SPACE);
                if ui.button("Use the demo camera").clicked() {
                    commands.push(Command::UseSource(SourceSpec::Demo));
                }
                if self.open_photos.button(ui).clicked() {
                    commands.push(Command::OpenPhotos);
                }
                ui.label(RichText::new("or drop photos onto this window").weak());
            });
        });
        commands
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        let started = std::time::Instant::now();
        let ctx = ui.ctx().clone();
        let width = ctx.content_rect().width();
        if (width - self.styled_for_width).abs() > 1.0 {
            style::apply_text_style(&ctx, width);
            self.styled_for_width = width;
        }
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
                if self.mode == Mode::Live && self.open_photos.button(ui).clicked() {
                    commands.push(Command::OpenPhotos);
                }
            });
        });
        match self.mode {
            Mode::Review => {
                let review = &self.review;
                let open = &self.open_photos;
                egui::CentralPanel::default().show(ui, |ui| commands.extend(review.ui(ui, open)));
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
                    notice: self.live.camera_notice.as_deref(),
                    report: report.as_ref(),
                    show_checks: !self.showing_still,
                    zone: self.live.shown_zone(),
                };
                // A still has its own checklist: the photo gets the panel's width.
                if !self.showing_still {
                    commands.extend(panel.ui(ui));
                }
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
        self.export.ui(&ctx);
        self.live
            .stats
            .ui_time(started.elapsed().as_secs_f64() * 1e3);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.settings.save(storage);
    }
}

/// Opens the app window and runs until it is closed.
pub(crate) fn run(options: AppOptions) -> eframe::Result<()> {
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
