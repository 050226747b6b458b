//! Files agentdeck writes for its user alone (the audit log, the log file): folders 0700,
//! files 0600 — tightened when they already exist wider — and only under a place the user
//! named or the XDG state folder; never a shared fall-back such as /tmp.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// `$XDG_STATE_HOME/agentdeck`, else `$HOME/.local/state/agentdeck`; None when neither is
/// set to an absolute path.
pub(crate) fn state_dir() -> Option<PathBuf> {
    let abs = |v: std::ffi::OsString| Some(PathBuf::from(v)).filter(|p| p.is_absolute());
    std::env::var_os("XDG_STATE_HOME")
        .and_then(abs)
        .or_else(|| {
            std::env::var_os("HOME")
                .and_then(abs)
                .map(|h| h.join(".local/state"))
        })
        .map(|b| b.join("agentdeck"))
}

/// Open `path` for appending, creating it (and its folder) private to the user. A
/// symbolic link is refused, never followed (its target would be chmod'ed and appended
/// to), and so is anything but a regular file.
pub(crate) fn append_private(path: &Path) -> io::Result<File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir(dir)?;
    }
    let mut o = OpenOptions::new();
    o.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let f = o.open(path).map_err(|e| {
        if e.raw_os_error() == Some(libc::ELOOP) {
            io::Error::other(format!(
                "{} is a symbolic link: agentdeck never writes through one (remove it, or name the real file)",
                path.display()
            ))
        } else {
            e
        }
    })?;
    let meta = f.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::other(format!(
            "{} is not a regular file",
            path.display()
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode();
        if mode & 0o077 != 0 {
            f.set_permissions(std::fs::Permissions::from_mode(mode & 0o700))?;
        }
    }
    Ok(f)
}

/// Create `dir` 0700; an existing one of the user's that others may read or write is
/// tightened to 0700, one of someone else's that others may write is refused.
pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return tighten(dir);
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

#[cfg(unix)]
#[allow(unsafe_code)]
fn tighten(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let meta = std::fs::metadata(dir)?;
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o077 == 0 {
        return Ok(());
    }
    // SAFETY: getuid has no preconditions.
    if meta.uid() == unsafe { libc::getuid() } {
        return std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode & 0o700));
    }
    if mode & 0o002 != 0 && mode & 0o1000 == 0 {
        return Err(io::Error::other(format!(
            "{} is writable by every user and not yours: agentdeck will not keep its files there (use a folder of your own)",
            dir.display()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn tighten(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
#[path = "files_tests.rs"]
mod tests;
