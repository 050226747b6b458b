//! Files agentdeck writes for its user alone (the audit log, the log file): folders 0700,
//! files 0600 — tightened when they already exist wider — and only under a place the user
//! named or the XDG state folder; never a shared fall-back such as /tmp.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// `$XDG_STATE_HOME/agentdeck`, else `$HOME/.local/state/agentdeck`; None when neither is
/// set to an absolute path.
pub fn state_dir() -> Option<PathBuf> {
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

/// Open `path` for appending, creating it (and its folder) private to the user.
pub fn append_private(path: &Path) -> io::Result<File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir(dir)?;
    }
    let mut o = OpenOptions::new();
    o.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    let f = o.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = f.metadata()?.permissions().mode();
        if mode & 0o077 != 0 {
            f.set_permissions(std::fs::Permissions::from_mode(mode & 0o700))?;
        }
    }
    Ok(f)
}

pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

#[cfg(test)]
#[path = "files_tests.rs"]
mod tests;
