//! The "Open photos…" file dialog without blocking the UI thread. ("Export…" is
//! `export_ui::ExportDialog`, shared by the live and review views.)
//!
//! Decides where the dialog waits: on a helper thread driving rfd's async dialog (which works on
//! every platform rfd supports, macOS included), whose answer comes back as a `Command` the App
//! handles like any other. One dialog at a time. Never used in tests: a dialog needs a desktop.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use crossbeam_channel::{Receiver, Sender, unbounded};

use super::Command;

/// Runs a future to completion on the current (helper) thread.
fn block_on<F: Future>(fut: F) -> F::Output {
    struct ThreadWaker(std::thread::Thread);
    impl Wake for ThreadWaker {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(ThreadWaker(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut fut = std::pin::pin!(fut);
    loop {
        match fut.as_mut().poll(&mut cx) {
            Poll::Ready(v) => return v,
            Poll::Pending => std::thread::park(),
        }
    }
}

/// Image files the app opens.
const PHOTO_EXTENSIONS: [&str; 7] = ["jpg", "jpeg", "png", "webp", "tif", "tiff", "bmp"];

pub struct Dialogs {
    tx: Sender<Command>,
    rx: Receiver<Command>,
    busy: Arc<AtomicBool>,
}

impl Default for Dialogs {
    fn default() -> Self {
        let (tx, rx) = unbounded();
        Dialogs {
            tx,
            rx,
            busy: Arc::new(AtomicBool::new(false)),
        }
    }
}

impl Dialogs {
    /// Answers of finished dialogs, as commands. Never blocks.
    pub fn poll(&self) -> Vec<Command> {
        self.rx.try_iter().collect()
    }

    fn spawn(&self, ctx: &egui::Context, job: impl FnOnce() -> Option<Command> + Send + 'static) {
        if self.busy.swap(true, Ordering::SeqCst) {
            return;
        }
        let (tx, busy, ctx) = (self.tx.clone(), self.busy.clone(), ctx.clone());
        let spawned = std::thread::Builder::new()
            .name("file-dialog".into())
            .spawn(move || {
                if let Some(cmd) = job() {
                    let _ = tx.send(cmd);
                }
                busy.store(false, Ordering::SeqCst);
                ctx.request_repaint();
            });
        if spawned.is_err() {
            self.busy.store(false, Ordering::SeqCst);
        }
    }

    /// "Open photos…": the chosen files come back as `Command::AddPhotos`.
    pub fn open_photos(&self, ctx: &egui::Context) {
        self.spawn(ctx, || {
            let files = block_on(
                rfd::AsyncFileDialog::new()
                    .add_filter("Photos", &PHOTO_EXTENSIONS)
                    .pick_files(),
            )?;
            let paths: Vec<PathBuf> = files.iter().map(|f| f.path().to_path_buf()).collect();
            Some(Command::AddPhotos(paths))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_on_runs_a_future_to_completion() {
        assert_eq!(block_on(async { 21 * 2 }), 42);
    }
}
