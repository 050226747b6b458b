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
