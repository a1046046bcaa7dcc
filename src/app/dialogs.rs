//! File dialogs ("Open photos…", the export's "save as") without blocking the UI thread.
//!
//! Decides how a dialog's answer reaches the UI. A picker — the platform dialog, or a test's
//! closure — is handed a `Reply` and answers through it whenever it is ready; the view keeps a
//! `DialogSlot` and polls it once per frame. The real dialog and the tests therefore go through the
//! same channel and the same polling code. A slot holds one dialog at a time: asking again while it
//! is open is ignored. A reply dropped without an answer (a dialog thread that could not start) reads
//! as cancelled, so the view never waits for ever.
//!
//! The platform dialogs are rfd's async dialogs, created on the UI thread as rfd recommends (on
//! Linux and Windows rfd shows them from its own thread, on macOS as a sheet) and awaited on a helper
//! thread (`await_on_thread`), which answers and asks for a repaint.

use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use crossbeam_channel::{Receiver, Sender, TryRecvError, bounded};

/// Where a picker sends its answer: `Some(value)` chosen, `None` cancelled (or no dialog available).
/// Answering, or dropping the reply unanswered, wakes the UI for a frame.
pub struct Reply<T> {
    tx: Sender<Option<T>>,
    ctx: egui::Context,
}

impl<T> Reply<T> {
    /// Answers the dialog; `None` means it was cancelled.
    pub fn send(self, answer: Option<T>) {
        // The slot may be gone (the view was dropped): nobody is waiting then.
        let _ = self.tx.send(answer);
    }
}

impl<T> Drop for Reply<T> {
    fn drop(&mut self) {
        self.ctx.request_repaint();
    }
}

/// How a dialog ended.
#[derive(Debug, PartialEq)]
pub(crate) enum Answer<T> {
    Chosen(T),
    Cancelled,
}

/// At most one dialog of one kind: starts it, says whether it is open, hands over its answer.
pub(crate) struct DialogSlot<T> {
    rx: Option<Receiver<Option<T>>>,
}

impl<T> Default for DialogSlot<T> {
    fn default() -> Self {
        DialogSlot { rx: None }
    }
}

impl<T> DialogSlot<T> {
    /// Opens a dialog by calling `picker` with the reply to answer through, unless one is open
    /// already. Returns whether a dialog was started.
    pub(crate) fn start(&mut self, ctx: &egui::Context, picker: impl FnOnce(Reply<T>)) -> bool {
        if self.rx.is_some() {
            return false;
        }
        let (tx, rx) = bounded(1);
        self.rx = Some(rx);
        picker(Reply {
            tx,
            ctx: ctx.clone(),
        });
        true
    }

    /// Whether a dialog is open (started and not answered yet).
    pub(crate) fn is_open(&self) -> bool {
        self.rx.is_some()
    }

    /// The answer, once the dialog has closed; `None` while it is open or when none was started.
    /// Never blocks.
    pub(crate) fn poll(&mut self) -> Option<Answer<T>> {
        let answer = match self.rx.as_ref()?.try_recv() {
            Err(TryRecvError::Empty) => return None,
            Ok(Some(value)) => Answer::Chosen(value),
            Ok(None) | Err(TryRecvError::Disconnected) => Answer::Cancelled,
        };
        self.rx = None;
        Some(answer)
    }
}

/// Awaits `dialog` (an rfd future, already created on the UI thread) on a helper thread and sends
/// its result through `reply`. If no thread can be started the reply is dropped: cancelled.
pub(crate) fn await_on_thread<T: Send + 'static>(
    reply: Reply<T>,
    dialog: impl Future<Output = Option<T>> + Send + 'static,
) {
    let _ = std::thread::Builder::new()
        .name("file-dialog".into())
        .spawn(move || reply.send(block_on(dialog)));
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_on_runs_a_future_to_completion() {
        assert_eq!(block_on(async { 21 * 2 }), 42);
    }

    #[test]
    fn one_dialog_at_a_time_and_its_answer_once() {
        let ctx = egui::Context::default();
        let mut slot = DialogSlot::<u32>::default();
        let mut held = None;
        assert!(slot.start(&ctx, |reply| held = Some(reply)));
        assert!(slot.is_open());
        assert!(!slot.start(&ctx, |_| panic!("a second dialog was opened")));
        assert_eq!(slot.poll(), None);
        if let Some(reply) = held.take() {
            reply.send(Some(7));
        }
        assert_eq!(slot.poll(), Some(Answer::Chosen(7)));
        assert!(!slot.is_open());
        assert_eq!(slot.poll(), None);
    }

    #[test]
    fn an_unanswered_reply_reads_as_cancelled() {
        let ctx = egui::Context::default();
        let mut slot = DialogSlot::<u32>::default();
        slot.start(&ctx, drop);
        assert_eq!(slot.poll(), Some(Answer::Cancelled));
        slot.start(&ctx, |reply| reply.send(None));
        assert_eq!(slot.poll(), Some(Answer::Cancelled));
    }

    #[test]
    fn a_dialog_awaited_on_a_thread_answers_through_the_slot() {
        let ctx = egui::Context::default();
        let mut slot = DialogSlot::<u32>::default();
        slot.start(&ctx, |reply| await_on_thread(reply, async { Some(5) }));
        let end = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let mut answer = None;
        while answer.is_none() && std::time::Instant::now() < end {
            answer = slot.poll();
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert_eq!(answer, Some(Answer::Chosen(5)));
    }
}
