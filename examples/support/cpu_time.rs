//! The CPU time this process has used, for the timing examples: on a shared, overloaded machine
//! wall time includes waiting for a core, CPU time shows the work itself.

/// CPU time used by this process so far, milliseconds (Linux: /proc/self/stat utime + stime, in
/// 10 ms ticks). `None` where /proc is not there or reads unexpectedly.
pub fn cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = after.split_whitespace().collect();
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    Some((utime + stime) * 10.0)
}
