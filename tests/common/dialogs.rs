//! Test pickers for the app's file dialogs: answers that come late, from another thread, the way a
//! person answers a real dialog — so a test sees the UI keep running frames while it waits.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use idcap::app::dialogs::Reply;
use idcap::app::export_ui::SavePicker;
use idcap::app::open_photos::OpenPicker;

/// How long a late picker waits for the frames before answering anyway (and reporting it).
const PATIENCE: Duration = Duration::from_secs(10);

/// A picker that answers only after the UI has run `frames` more frames.
#[derive(Clone, Default)]
pub struct LatePicker {
    /// How often a dialog was opened.
    calls: Arc<AtomicUsize>,
    /// A dialog was answered only because the UI stopped running frames (it waited on the dialog).
    starved: Arc<AtomicBool>,
}

impl LatePicker {
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// Whether some answer had to be given without the UI having run its frames.
    pub fn starved(&self) -> bool {
        self.starved.load(Ordering::SeqCst)
    }

    /// An "Open photos…" dialog answering `answer` after `frames` frames of `ctx`.
    pub fn open(
        &self,
        ctx: &egui::Context,
        frames: u64,
        answer: Option<Vec<PathBuf>>,
    ) -> OpenPicker {
        let (me, ctx) = (self.clone(), ctx.clone());
        Box::new(move |reply| me.answer_later(&ctx, frames, reply, answer.clone()))
    }

    /// A save dialog answering `answer` after `frames` frames of `ctx`.
    pub fn save(&self, ctx: &egui::Context, frames: u64, answer: Option<PathBuf>) -> SavePicker {
        let (me, ctx) = (self.clone(), ctx.clone());
        Box::new(move |_suggested, reply| me.answer_later(&ctx, frames, reply, answer.clone()))
    }

    fn answer_later<T: Send + 'static>(
        &self,
        ctx: &egui::Context,
        frames: u64,
        reply: Reply<T>,
        answer: Option<T>,
    ) {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let (ctx, starved) = (ctx.clone(), Arc::clone(&self.starved));
        let opened_at = ctx.cumulative_frame_nr();
        std::thread::spawn(move || {
            let deadline = Instant::now() + PATIENCE;
            while ctx.cumulative_frame_nr() < opened_at + frames {
                if Instant::now() > deadline {
                    starved.store(true, Ordering::SeqCst);
                    break;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            reply.send(answer);
        });
    }
}
