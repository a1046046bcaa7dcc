//! What each operating system needs before idcap talks to a camera, with one signature everywhere.
//!
//! Decides: on Windows every thread that calls nokhwa (the camera thread, the camera-list thread,
//! `idcap cameras`) initialises COM for itself, because nokhwa's Media Foundation backend
//! initialises it only on the first thread that opens a camera. On macOS the camera permission is
//! asked through `nokhwa_initialize` once, and its answer is reported in plain words. On Linux
//! nothing is needed. The Windows and macOS parts are not compiled on the Linux build machine.

/// What the system says about camera access.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Permission {
    /// Access granted, or the system has no camera permission (Linux, Windows desktop apps).
    Granted,
    /// The person refused, or a policy forbids it; the message says where to change it.
    #[cfg_attr(
        not(target_os = "macos"),
        allow(dead_code, reason = "only macOS asks for camera access")
    )]
    Denied(String),
}

/// Prepares the calling thread for nokhwa calls. Cheap and idempotent: call it first on any
/// thread that lists or opens cameras.
pub(crate) fn prepare_thread() {
    #[cfg(windows)]
    windows_com::initialise_this_thread();
}

#[cfg(windows)]
mod windows_com {
    use std::cell::Cell;

    thread_local! {
        static DONE: Cell<bool> = const { Cell::new(false) };
    }

    /// COM in the multithreaded apartment, once per thread. A thread that already chose another
    /// apartment (RPC_E_CHANGED_MODE) keeps it: Media Foundation works in either.
    pub fn initialise_this_thread() {
        DONE.with(|done| {
            if done.get() {
                return;
            }
            // SAFETY: CoInitializeEx has no preconditions besides being called on this thread; a
            // failure only means COM is already set up here in another mode.
            let _ = unsafe {
                windows::Win32::System::Com::CoInitializeEx(
                    None,
                    windows::Win32::System::Com::COINIT_MULTITHREADED,
                )
            };
            done.set(true);
        });
    }
}

/// Asks for camera access where the system requires it (macOS) and waits up to `timeout` for the
/// answer. Elsewhere it returns `Granted` at once.
pub(crate) fn request_access(timeout: std::time::Duration) -> Permission {
    #[cfg(target_os = "macos")]
    {
        macos::request_access(timeout)
    }
    #[cfg(not(target_os = "macos"))]
    {
        let _ = timeout;
        Permission::Granted
    }
}

#[cfg(target_os = "macos")]
mod macos {
    use super::Permission;

    pub fn request_access(timeout: std::time::Duration) -> Permission {
        if nokhwa::nokhwa_check() {
            return Permission::Granted;
        }
        let (tx, rx) = crossbeam_channel::bounded(1);
        nokhwa::nokhwa_initialize(move |granted| {
            let _ = tx.try_send(granted);
        });
        match rx.recv_timeout(timeout) {
            Ok(true) => Permission::Granted,
            Ok(false) => Permission::Denied(
                "Camera access was refused. Allow idcap in System Settings → Privacy & Security → \
                 Camera, then restart idcap."
                    .to_string(),
            ),
            Err(_) => Permission::Denied(
                "Waiting for camera permission: answer the macOS prompt, or allow idcap in System \
                 Settings → Privacy & Security → Camera."
                    .to_string(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(not(target_os = "macos"))]
    #[test]
    fn access_is_granted_where_the_system_has_no_permission_prompt() {
        prepare_thread();
        prepare_thread();
        assert_eq!(
            request_access(std::time::Duration::from_millis(1)),
            Permission::Granted
        );
    }
}
