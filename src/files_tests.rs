use std::io::Write;
use std::os::unix::fs::PermissionsExt;

use super::*;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn files_and_folders_are_private() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("a/b/audit.log");
    writeln!(append_private(&path).unwrap(), "one").unwrap();
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&tmp.path().join("a/b")), 0o700);
    // A file that exists with wider permissions is tightened; its lines are kept.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    writeln!(append_private(&path).unwrap(), "two").unwrap();
    assert_eq!(mode(&path), 0o600);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "one\ntwo\n");
}

/// An existing folder of the user's at 0777 is tightened to 0700.
#[test]
fn a_loose_folder_of_ours_is_tightened() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("state");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    append_private(&dir.join("audit.log")).unwrap();
    assert_eq!(mode(&dir), 0o700);
}

/// An audit log that is a symbolic link is refused, named; its target is left alone.
#[test]
fn a_symlinked_file_is_refused_and_its_target_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("elsewhere");
    std::fs::write(&target, "theirs\n").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
    let link = tmp.path().join("audit.log");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let e = append_private(&link).unwrap_err().to_string();
    assert!(
        e.contains("is a symbolic link") && e.contains("audit.log"),
        "{e}"
    );
    assert_eq!(mode(&target), 0o644);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "theirs\n");
}

/// A FIFO (or any non-regular file) is refused at once, never waited on.
#[test]
#[allow(unsafe_code)]
fn a_fifo_is_refused_without_blocking() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("audit.log");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid path; mkfifo has no other preconditions.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    assert!(append_private(&fifo).is_err());
}
