//! The masked key prompt of `rotate-key`: rpassword turns the terminal's echo off while the
//! key is typed; a signal then (Ctrl-C, a closed session, `kill`) must not leave it off.
//! The terminal's settings are saved first and put back by a handler for SIGINT, SIGTERM,
//! SIGHUP and SIGQUIT, which then lets the signal end the process as it would have.

#![allow(unsafe_code)] // libc termios and signal calls: each block says why it is sound.

use std::io;
use std::os::fd::AsRawFd;
use std::sync::OnceLock;

/// The controlling terminal and its settings before the prompt.
static SAVED: OnceLock<(i32, libc::termios)> = OnceLock::new();

const SIGNALS: [libc::c_int; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];

extern "C" fn restore_and_reraise(sig: libc::c_int) {
    // Only async-signal-safe calls: tcsetattr, signal, raise.
    if let Some((fd, t)) = SAVED.get() {
        // SAFETY: `t` is a termios read by tcgetattr on the open descriptor `fd`.
        unsafe { libc::tcsetattr(*fd, libc::TCSANOW, t) };
    }
    // SAFETY: back to the default action, then the same signal: the process ends by it.
    unsafe {
        libc::signal(sig, libc::SIG_DFL);
        libc::raise(sig);
    }
}

/// Save the terminal's settings and install the handlers (once per process).
fn guard() {
    let Ok(tty) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
    else {
        return;
    };
    let fd = tty.as_raw_fd();
    // SAFETY: a zeroed termios is filled in by tcgetattr before use.
    let mut t: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: `fd` is open; `t` is a valid out-pointer.
    if unsafe { libc::tcgetattr(fd, &mut t) } != 0 {
        return;
    }
    // The descriptor stays open for the handler.
    std::mem::forget(tty);
    if SAVED.set((fd, t)).is_err() {
        return;
    }
    for sig in SIGNALS {
        let handler = restore_and_reraise as extern "C" fn(libc::c_int) as libc::sighandler_t;
        // SAFETY: installing a handler that only makes async-signal-safe calls.
        unsafe { libc::signal(sig, handler) };
    }
}

/// Ask for a secret with the input hidden; the terminal's echo comes back whatever ends it.
/// After the prompt the signals' default actions are back.
pub(crate) fn masked(prompt: &str) -> io::Result<String> {
    guard();
    let answer = rpassword::prompt_password(prompt);
    for sig in SIGNALS {
        // SAFETY: restoring the default action.
        unsafe { libc::signal(sig, libc::SIG_DFL) };
    }
    answer
}
