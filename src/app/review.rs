//! The review view: photos opened or dropped onto the app, each with its verdict.
//!
//! A minimal first cut (issue 4 replaces it with the full review view, keeping this interface):
//! files are decoded and scored on a worker thread, the list shows each name with its verdict and
//! the checklist of the selected one.

use std::path::PathBuf;
use std::sync::Arc;

use crossbeam_channel::{Receiver, Sender, unbounded};

use super::checklist::checklist_ui;
use crate::decode;
use crate::quality::{Analyzer, Profile, Report, Verdict};

/// One photo being reviewed.
struct Item {
    name: String,
    /// `None` while it is being analysed; `Err` with a reason when it cannot be read.
    result: Option<Result<Report, String>>,
}

enum Input {
    Path(PathBuf),
    Bytes(Arc<[u8]>),
}

/// Photos under review, analysed off the UI thread.
pub struct ReviewView {
    items: Vec<Item>,
    selected: Option<usize>,
    tx: Sender<(usize, Result<Report, String>)>,
    rx: Receiver<(usize, Result<Report, String>)>,
}

impl Default for ReviewView {
    fn default() -> Self {
        let (tx, rx) = unbounded();
        ReviewView {
            items: Vec::new(),
            selected: None,
            tx,
            rx,
        }
    }
}

impl ReviewView {
    /// Adds image files to review (decoded and scored in the background).
    pub fn add_paths(&mut self, paths: Vec<PathBuf>) {
        for p in paths {
            let name = p.display().to_string();
            self.push(name, Input::Path(p));
        }
    }

    /// Adds an image held in memory (a file dropped from a browser, for example).
    pub fn add_bytes(&mut self, name: String, bytes: Arc<[u8]>) {
        self.push(name, Input::Bytes(bytes));
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn push(&mut self, name: String, input: Input) {
        let index = self.items.len();
        self.items.push(Item { name, result: None });
        self.selected.get_or_insert(index);
        let tx = self.tx.clone();
        let spawned = std::thread::Builder::new()
            .name("review-analysis".into())
            .spawn(move || {
                let photo = match input {
                    Input::Path(p) => decode::read_file(&p),
                    Input::Bytes(b) => decode::decode_bytes(&b),
                };
                let result = photo
                    .map(|p| Analyzer::new().assess(&p.image, &Profile::default()))
                    .map_err(|e| format!("cannot read the photo: {e}"));
                let _ = tx.send((index, result));
            });
        if let Err(e) = spawned {
            self.items[index].result = Some(Err(format!("cannot start the analysis: {e}")));
        }
    }

    fn poll(&mut self) {
        while let Ok((i, result)) = self.rx.try_recv() {
            if let Some(item) = self.items.get_mut(i) {
                item.result = Some(result);
            }
        }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui) {
        self.poll();
        if self.items.iter().any(|i| i.result.is_none()) {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(50));
        }
        if self.items.is_empty() {
            ui.label("Drop photos here or use “Open photos…”.");
            return;
        }
        for (i, item) in self.items.iter().enumerate() {
            let status = match &item.result {
                None => "analysing…".to_string(),
                Some(Err(e)) => e.clone(),
                Some(Ok(r)) => match r.verdict() {
                    Verdict::Pass => "PASS".to_string(),
                    Verdict::Fail => match r.primary_problem() {
                        Some(c) => format!("FAIL: {}", c.id.label()),
                        None => "FAIL".to_string(),
                    },
                },
            };
            let text = format!("{} — {status}", item.name);
            if ui
                .selectable_label(self.selected == Some(i), text)
                .clicked()
            {
                self.selected = Some(i);
            }
        }
        ui.separator();
        let report = self
            .selected
            .and_then(|i| self.items.get(i))
            .and_then(|item| item.result.as_ref())
            .and_then(|r| r.as_ref().ok());
        egui::ScrollArea::vertical().show(ui, |ui| checklist_ui(ui, report));
    }
}
