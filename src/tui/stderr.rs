//! While the dashboard owns the terminal, whatever this process or a child of it (an exec
//! credential plugin's "token expired, open this URL…") writes to stderr goes to the log
//! file instead of over the screen. Standard error comes back when the dashboard ends —
//! also on a panic, before the panic message is printed.

#![allow(unsafe_code)] // libc dup/dup2/close of fd 2: each block says why it is sound.

use std::io;
use std::os::fd::AsRawFd;
use std::path::Path;
use std::sync::atomic::{AtomicI32, Ordering};

/// The saved terminal stderr while redirected, else -1.
static SAVED: AtomicI32 = AtomicI32::new(-1);

/// Standard error redirected; dropping it restores the terminal's.
pub(super) struct Redirected;

/// Send fd 2 to `log` (or nowhere when there is no log file).
pub(super) fn redirect(log: Option<&Path>) -> io::Result<Redirected> {
    let target = match log {
        Some(p) => crate::files::append_private(p)?,
        None => std::fs::OpenOptions::new().write(true).open("/dev/null")?,
    };
    // SAFETY: dup/dup2 on descriptors this process owns; the saved one is closed on restore.
    let saved = unsafe { libc::dup(2) };
    if saved < 0 {
        return Err(io::Error::last_os_error());
    }
    if unsafe { libc::dup2(target.as_raw_fd(), 2) } < 0 {
        let e = io::Error::last_os_error();
        unsafe { libc::close(saved) };
        return Err(e);
    }
    SAVED.store(saved, Ordering::SeqCst);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
    Ok(Redirected)
}

fn restore() {
    let saved = SAVED.swap(-1, Ordering::SeqCst);
    if saved >= 0 {
        // SAFETY: `saved` is the descriptor dup'ed in `redirect`, closed only here.
        unsafe {
            libc::dup2(saved, 2);
            libc::close(saved);
        }
    }
}

impl Drop for Redirected {
    fn drop(&mut self) {
        restore();
    }
}
