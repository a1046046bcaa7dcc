//! Reviewing photos people already took: decode and analyse files on a background thread, and keep
//! the per-file state a review screen shows.
//!
//! Decides how review work is scheduled: one worker thread takes files in the order they were added
//! (decode → analyse → soft flags → display image and thumbnail), reports each stage over a channel,
//! and skips or abandons a file whose id was cancelled. The UI thread only drains the channel
//! (`ReviewSession::poll`), so it never waits on a decoder. A file that cannot be read becomes a
//! `Failed` entry with the reason, and the others carry on; so does a file whose work panics (each
//! file runs behind `guard::catch_panic`, and the analyzer is replaced afterwards). Images shown on screen are reduced off
//! the UI thread to at most `DISPLAY_MAX_SIDE_PX` (and `THUMB_MAX_SIDE_PX` for the strip); the
//! full-resolution pixels are kept once, behind an `Arc`, for export.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, unbounded};
use image::RgbImage;

use crate::analysis::Assess;
use crate::downscale::reduce;
use crate::metadata::{self, PhotoMetadata};
use crate::output::Timings;
use crate::quality::flags::{self, SoftFlag};
use crate::quality::{Analyzer, Profile, Report};
use crate::{decode, guard};

/// Largest side of the image uploaded for display, pixels (a GPU texture of at most 2048² is safe
/// everywhere and sharp on a 4K screen's review panel).
pub(crate) const DISPLAY_MAX_SIDE_PX: u32 = 2048;
/// Largest side of a thumbnail in the strip, pixels.
pub(crate) const THUMB_MAX_SIDE_PX: u32 = 160;

/// Where a photo comes from.
#[derive(Clone, Debug)]
pub enum Source {
    /// A file on disk.
    Path(PathBuf),
    /// Dropped bytes (a browser drag, or a platform that gives no path), with a display name.
    Bytes {
        /// The name the list shows.
        name: String,
        /// The file's bytes.
        bytes: Arc<[u8]>,
    },
}

impl Source {
    /// The file name shown in the list.
    pub(crate) fn name(&self) -> String {
        match self {
            Source::Path(p) => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| p.display().to_string()),
            Source::Bytes { name, .. } => name.clone(),
        }
    }
}

/// Everything the review screen shows about a readable photo.
pub struct Reviewed {
    /// The upright, full-resolution pixels (for export; never copied).
    pub image: Arc<RgbImage>,
    /// The file's embedded ICC profile (export converts the pixels to sRGB with it).
    pub(crate) icc_profile: Option<Arc<[u8]>>,
    /// The quality report of the photo.
    pub report: Report,
    pub(crate) metadata: PhotoMetadata,
    /// Warnings that do not fail the photo (screenshot, edited, no colour, …).
    pub(crate) flags: Vec<SoftFlag>,
    /// The photo reduced to at most `DISPLAY_MAX_SIDE_PX`.
    pub(crate) display: RgbImage,
    /// The photo reduced to at most `THUMB_MAX_SIDE_PX`.
    pub(crate) thumbnail: RgbImage,
    /// How long each stage took, milliseconds.
    pub timings: Timings,
    /// Wall time from starting to read the file to the end of this entry's work, milliseconds.
    pub total_ms: f64,
}

/// What the worker is doing with a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Reading the file from disk.
    Reading,
    /// Decoding the image.
    Decoding,
    /// Running the quality checks.
    Analysing,
    /// Making the preview and the thumbnail.
    Preparing,
}

impl Stage {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Stage::Reading => "Reading…",
            Stage::Decoding => "Decoding…",
            Stage::Analysing => "Checking…",
            Stage::Preparing => "Preparing preview…",
        }
    }

    /// A rough fraction of the work done when this stage starts (decode and analysis dominate).
    pub(crate) fn fraction(self) -> f32 {
        match self {
            Stage::Reading => 0.0,
            Stage::Decoding => 0.1,
            Stage::Analysing => 0.6,
            Stage::Preparing => 0.9,
        }
    }
}

/// A message from the worker.
pub(crate) enum Event {
    Stage { id: u64, stage: Stage },
    Done { id: u64, reviewed: Box<Reviewed> },
    Failed { id: u64, error: String },
}

struct Job {
    id: u64,
    source: Source,
}

/// The background decoder and analyser. Dropping it stops the thread after the current file.
pub(crate) struct ReviewWorker {
    jobs: Option<Sender<Job>>,
    events: Receiver<Event>,
    cancelled: Arc<Mutex<HashSet<u64>>>,
    thread: Option<JoinHandle<()>>,
}

impl ReviewWorker {
    /// Starts the worker thread; every photo is scored against `profile`.
    pub(crate) fn spawn(profile: Profile) -> Self {
        Self::spawn_with(profile, Box::new(Analyzer::new()))
    }

    /// `spawn` with the analysis supplied (tests inject one that panics). After a panic the worker
    /// goes on with a fresh `Analyzer`.
    pub fn spawn_with(profile: Profile, assess: Box<dyn Assess>) -> Self {
        let (job_tx, job_rx) = unbounded::<Job>();
        let (event_tx, event_rx) = unbounded::<Event>();
        let cancelled = Arc::new(Mutex::new(HashSet::new()));
        let cancelled_in = Arc::clone(&cancelled);
        let thread = std::thread::Builder::new()
            .name("idcap-review".into())
            .spawn(move || {
                let mut analyzer = assess;
                for job in job_rx {
                    let is_cancelled = || {
                        cancelled_in
                            .lock()
                            .map(|set| set.contains(&job.id))
                            .unwrap_or(false)
                    };
                    if is_cancelled() {
                        continue;
                    }
                    let send_stage = |stage| event_tx.send(Event::Stage { id: job.id, stage });
                    let reviewed = guard::catch_panic(|| {
                        review_one(
                            &job.source,
                            &profile,
                            analyzer.as_mut(),
                            &send_stage,
                            &is_cancelled,
                        )
                    });
                    let event = match reviewed {
                        Ok(Ok(Some(r))) => Event::Done {
                            id: job.id,
                            reviewed: Box::new(r),
                        },
                        Ok(Ok(None)) => continue,
                        Ok(Err(error)) => Event::Failed { id: job.id, error },
                        Err(panic) => {
                            // Its scratch may be half-updated: the next file gets a fresh one.
                            analyzer = Box::new(Analyzer::new());
                            Event::Failed {
                                id: job.id,
                                error: panic.to_string(),
                            }
                        }
                    };
                    if event_tx.send(event).is_err() {
                        break;
                    }
                }
            })
            .ok();
        ReviewWorker {
            jobs: Some(job_tx),
            events: event_rx,
            cancelled,
            thread,
        }
    }

    /// Queues a file. Returns false when the worker could not be started.
    pub(crate) fn submit(&self, id: u64, source: Source) -> bool {
        self.thread.is_some()
            && self
                .jobs
                .as_ref()
                .is_some_and(|tx| tx.send(Job { id, source }).is_ok())
    }

    /// Stops work on `id` (skipped if queued, abandoned between stages if running).
    pub(crate) fn cancel(&self, id: u64) {
        if let Ok(mut set) = self.cancelled.lock() {
            set.insert(id);
        }
    }

    /// Every event that has arrived, without waiting.
    pub(crate) fn try_events(&self) -> Vec<Event> {
        self.events.try_iter().collect()
    }

    /// Waits up to `timeout` for the next event (tests and the CLI; never on the UI thread).
    pub(crate) fn wait_event(&self, timeout: Duration) -> Option<Event> {
        self.events.recv_timeout(timeout).ok()
    }
}

impl Drop for ReviewWorker {
    fn drop(&mut self) {
        // Closing the job channel ends the thread's loop; do not join (the UI must not wait for a
        // decode in progress).
        self.jobs = None;
        if let Ok(mut set) = self.cancelled.lock() {
            set.clear();
        }
        drop(self.thread.take());
    }
}

/// Decodes and analyses one photo. `Ok(None)` means it was cancelled.
fn review_one(
    source: &Source,
    profile: &Profile,
    analyzer: &mut dyn Assess,
    stage: &dyn Fn(Stage) -> Result<(), crossbeam_channel::SendError<Event>>,
    cancelled: &dyn Fn() -> bool,
) -> Result<Option<Reviewed>, String> {
    let t0 = Instant::now();
    let _ = stage(Stage::Reading);
    let photo = match source {
        Source::Path(path) => {
            let bytes = decode::read_bytes(path).map_err(|e| e.to_string())?;
            if cancelled() {
                return Ok(None);
            }
            let _ = stage(Stage::Decoding);
            decode::decode_bytes(&bytes).map_err(|e| e.to_string())?
        }
        Source::Bytes { bytes, .. } => {
            let _ = stage(Stage::Decoding);
            decode::decode_bytes(bytes).map_err(|e| e.to_string())?
        }
    };
    let decode_ms = t0.elapsed().as_secs_f64() * 1e3;
    if cancelled() {
        return Ok(None);
    }
    let _ = stage(Stage::Analysing);
    // The preview and thumbnail do not depend on the analysis: make them on a second thread while
    // this one analyses (on a busy machine the two simply share the cores).
    let image = &photo.image;
    let (report, analyze_ms, (display, thumbnail)) = std::thread::scope(|scope| {
        let previews = scope.spawn(|| {
            let display = reduce(image, DISPLAY_MAX_SIDE_PX);
            let thumbnail = reduce(&display, THUMB_MAX_SIDE_PX);
            (display, thumbnail)
        });
        let t1 = Instant::now();
        let report = analyzer.assess(image, profile);
        let analyze_ms = t1.elapsed().as_secs_f64() * 1e3;
        let previews = previews.join().unwrap_or_else(|_| {
            // Only a bug could panic there; fall back to doing it here.
            let display = reduce(image, DISPLAY_MAX_SIDE_PX);
            let thumbnail = reduce(&display, THUMB_MAX_SIDE_PX);
            (display, thumbnail)
        });
        (report, analyze_ms, previews)
    });
    if cancelled() {
        return Ok(None);
    }
    let _ = stage(Stage::Preparing);
    let metadata = metadata::of_photo(&photo);
    let flags = flags::soft_flags(&photo.image, &report, metadata::flags(&metadata));
    Ok(Some(Reviewed {
        image: Arc::new(photo.image),
        icc_profile: photo.icc_profile.map(Arc::from),
        report,
        metadata,
        flags,
        display,
        thumbnail,
        timings: Timings {
            decode_ms,
            analyze_ms,
        },
        total_ms: t0.elapsed().as_secs_f64() * 1e3,
    }))
}

/// Where one file of a review session stands.
pub enum EntryState {
    /// Queued or in progress, at this stage.
    Working(Stage),
    /// Read and checked.
    Done(Box<Reviewed>),
    /// Could not be read; the message shown to the person.
    Failed(String),
}

/// One file in a review session.
pub struct Entry {
    pub(crate) id: u64,
    /// The file name the list shows.
    pub name: String,
    /// Where the photo is in its processing.
    pub state: EntryState,
}

impl Entry {
    pub(crate) fn reviewed(&self) -> Option<&Reviewed> {
        match &self.state {
            EntryState::Done(r) => Some(r),
            _ => None,
        }
    }
}

/// The review screen's model: the files, which one is selected, and the worker doing the reading.
pub struct ReviewSession {
    /// The photos, in the order they were added.
    pub entries: Vec<Entry>,
    pub(crate) selected: usize,
    worker: ReviewWorker,
    next_id: u64,
}

impl ReviewSession {
    /// An empty session checking photos against `profile`; starts its worker thread.
    pub fn new(profile: Profile) -> Self {
        ReviewSession {
            entries: Vec::new(),
            selected: 0,
            worker: ReviewWorker::spawn(profile),
            next_id: 1,
        }
    }

    /// Queues a photo and selects it. Returns its id.
    pub fn add(&mut self, source: Source) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let name = source.name();
        let state = if self.worker.submit(id, source) {
            EntryState::Working(Stage::Reading)
        } else {
            EntryState::Failed("the background reader could not be started".into())
        };
        self.entries.push(Entry { id, name, state });
        self.selected = self.entries.len() - 1;
        id
    }

    /// Applies whatever the worker has finished. Returns true when something changed.
    pub(crate) fn poll(&mut self) -> bool {
        let events = self.worker.try_events();
        let changed = !events.is_empty();
        for e in events {
            self.apply(e);
        }
        changed
    }

    /// Waits until no file is in progress or `timeout` passes (tests, CLI; not for the UI thread).
    pub fn wait_idle(&mut self, timeout: Duration) -> bool {
        let end = Instant::now() + timeout;
        while self.in_progress() > 0 {
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            if let Some(e) = self.worker.wait_event(left) {
                self.apply(e);
            }
        }
        true
    }

    fn apply(&mut self, event: Event) {
        let (id, state) = match event {
            Event::Stage { id, stage } => (id, EntryState::Working(stage)),
            Event::Done { id, reviewed } => (id, EntryState::Done(reviewed)),
            Event::Failed { id, error } => (id, EntryState::Failed(error)),
        };
        if let Some(entry) = self.entries.iter_mut().find(|e| e.id == id) {
            entry.state = state;
        }
    }

    /// Removes a file (cancelling its work).
    pub(crate) fn remove(&mut self, index: usize) {
        if index < self.entries.len() {
            let entry = self.entries.remove(index);
            self.worker.cancel(entry.id);
            if self.selected >= self.entries.len() {
                self.selected = self.entries.len().saturating_sub(1);
            }
        }
    }

    /// Cancels every file still in progress and removes all entries.
    pub(crate) fn clear(&mut self) {
        for e in &self.entries {
            self.worker.cancel(e.id);
        }
        self.entries.clear();
        self.selected = 0;
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Files still being read or analysed.
    pub(crate) fn in_progress(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| matches!(e.state, EntryState::Working(_)))
            .count()
    }

    /// The selected photo, if the list is not empty.
    pub fn selected_entry(&self) -> Option<&Entry> {
        self.entries.get(self.selected)
    }

    pub(crate) fn select_next(&mut self) {
        if self.selected + 1 < self.entries.len() {
            self.selected += 1;
        }
    }

    pub(crate) fn select_previous(&mut self) {
        self.selected = self.selected.saturating_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    fn jpeg_bytes(img: &RgbImage) -> Arc<[u8]> {
        let mut out = Vec::new();
        let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
        img.write_with_encoder(enc).expect("encode");
        out.into()
    }

    #[test]
    fn good_and_bad_files_are_reviewed_independently() {
        let mut session = ReviewSession::new(Profile::default());
        let good = RgbImage::from_pixel(320, 240, Rgb([90, 120, 150]));
        session.add(Source::Bytes {
            name: "good.jpg".into(),
            bytes: jpeg_bytes(&good),
        });
        session.add(Source::Bytes {
            name: "scan.pdf".into(),
            bytes: Arc::from(&b"%PDF-1.7 blah"[..]),
        });
        session.add(Source::Bytes {
            name: "empty.jpg".into(),
            bytes: Arc::from(&b""[..]),
        });
        session.add(Source::Path(PathBuf::from("/no/such/file.jpg")));
        assert!(session.wait_idle(Duration::from_secs(30)));
        let states: Vec<_> = session.entries.iter().map(|e| &e.state).collect();
        let EntryState::Done(r) = states[0] else {
            panic!("good.jpg was not reviewed");
        };
        assert_eq!(r.image.dimensions(), (320, 240));
        assert!(r.thumbnail.width() <= THUMB_MAX_SIDE_PX);
        let msg = |i: usize| match states[i] {
            EntryState::Failed(m) => m.clone(),
            _ => String::new(),
        };
        assert!(msg(1).contains("PDF"), "{}", msg(1));
        assert!(msg(2).contains("empty"), "{}", msg(2));
        assert!(msg(3).contains("cannot open"), "{}", msg(3));
    }

    #[test]
    fn a_panic_on_one_file_fails_that_file_and_the_next_is_reviewed_by_a_fresh_analyzer() {
        use crate::quality::Frame;
        // Panics on dark frames; scores everything else with a scripted pass (the real analyzer
        // finds no document in a flat grey photo, so its report tells the two apart).
        let panics_on_dark = |frame: &Frame, _: &Profile| {
            assert!(frame.get_pixel(0, 0).0[0] > 50, "a bug in the analysis");
            crate::capture::scripted::report(true, 190.0, 76.0, 1.0)
        };
        let worker = ReviewWorker::spawn_with(Profile::default(), Box::new(panics_on_dark));
        let bright = RgbImage::from_pixel(320, 240, Rgb([200, 200, 200]));
        let dark = RgbImage::from_pixel(320, 240, Rgb([10, 10, 10]));
        for (id, img) in [(1, &bright), (2, &dark), (3, &bright)] {
            let bytes = jpeg_bytes(img);
            let name = format!("{id}.jpg");
            assert!(worker.submit(id, Source::Bytes { name, bytes }));
        }
        let mut finished = Vec::new();
        while finished.len() < 3 {
            match worker.wait_event(Duration::from_secs(30)) {
                Some(Event::Done { id, reviewed }) => finished.push((id, Ok(reviewed.report))),
                Some(Event::Failed { id, error }) => finished.push((id, Err(error))),
                Some(Event::Stage { .. }) => {}
                None => panic!("the worker stopped after {finished:?}"),
            }
        }
        let ids: Vec<u64> = finished.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, [1, 2, 3]);
        assert!(matches!(&finished[0].1, Ok(r) if r.verdict() == crate::quality::Verdict::Pass));
        assert!(
            matches!(&finished[1].1, Err(e) if e == guard::INTERNAL_ERROR_MESSAGE),
            "{:?}",
            finished[1].1
        );
        let Ok(third) = &finished[2].1 else {
            panic!(
                "the file after the panic was not reviewed: {:?}",
                finished[2].1
            );
        };
        assert!(third.document.is_none(), "scored by a fresh real analyzer");
    }

    #[test]
    fn a_removed_file_does_not_come_back() {
        let mut session = ReviewSession::new(Profile::default());
        let img = RgbImage::from_pixel(64, 64, Rgb([1, 2, 3]));
        // Cancel right after queueing: either skipped in the queue or abandoned between stages.
        session.add(Source::Bytes {
            name: "a.jpg".into(),
            bytes: jpeg_bytes(&img),
        });
        session.remove(0);
        session.add(Source::Bytes {
            name: "b.jpg".into(),
            bytes: jpeg_bytes(&img),
        });
        assert!(session.wait_idle(Duration::from_secs(30)));
        assert_eq!(session.entries.len(), 1);
        assert_eq!(session.entries[0].name, "b.jpg");
        assert!(session.entries[0].reviewed().is_some());
    }
}
