//! Driving the app in a kittest harness.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use idcap::app::App;

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
