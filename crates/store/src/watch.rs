//! Whether a SQLite file changed, without looking it up: the marks a cache compares to know
//! that no commit, by this process or any other, came between two moments.
//!
//! On Linux the kernel tells (inotify on the file's directory): every write to the database
//! or its write-ahead log queues an event before the writer's call returns, so a mark taken
//! after a commit has returned always differs from one taken before. The events are read,
//! never waited on, when a mark is asked: one system call when nothing changed. Elsewhere, or
//! when the watch cannot be set or is lost, the mark is the files' sizes and times.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What the database's files looked like at one moment: equal marks mean no commit between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeMark(Mark);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// Writes to the files seen so far.
    Writes(u64),
    /// Size and time of the database and of its write-ahead log.
    Files {
        main: (u64, SystemTime),
        wal: Option<(u64, SystemTime)>,
    },
}

/// The database file and what watches it.
#[derive(Debug)]
pub(crate) struct Watched {
    file: PathBuf,
    #[cfg(target_os = "linux")]
    kernel: Option<linux::Watch>,
}

impl Watched {
    pub(crate) fn new(file: PathBuf) -> Watched {
        Watched {
            #[cfg(target_os = "linux")]
            kernel: linux::Watch::new(&file)
                .inspect_err(|e| tracing::warn!(error = %e, "database changes seen by stat"))
                .ok(),
            file,
        }
    }

    /// The mark now; none when it cannot be known (then nothing may be trusted as current).
    pub(crate) fn mark(&self) -> Option<ChangeMark> {
        #[cfg(target_os = "linux")]
        if let Some(kernel) = &self.kernel
            && let Some(writes) = kernel.writes()
        {
            return Some(ChangeMark(Mark::Writes(writes)));
        }
        files(&self.file).map(ChangeMark)
    }
}

fn files(file: &Path) -> Option<Mark> {
    let of = |p: &Path| {
        let m = std::fs::metadata(p).ok()?;
        Some((m.len(), m.modified().ok()?))
    };
    let mut wal = file.as_os_str().to_owned();
    wal.push("-wal");
    Some(Mark::Files {
        main: of(file)?,
        wal: of(Path::new(&wal)),
    })
}

#[cfg(target_os = "linux")]
mod linux {
    use std::mem::MaybeUninit;
    use std::os::fd::OwnedFd;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;
    use std::sync::Mutex;

    use rustix::fs::inotify::{self, CreateFlags, ReadFlags, WatchFlags};
    use rustix::io::Errno;

    #[derive(Debug)]
    pub(super) struct Watch {
        fd: OwnedFd,
        /// The database file's name: its write-ahead log and journal start with it.
        name: Vec<u8>,
        /// The writes seen so far; `None` once the watch is lost (its directory gone).
        seen: Mutex<Option<u64>>,
    }

    impl Watch {
        pub(super) fn new(file: &Path) -> std::io::Result<Watch> {
            let file = std::path::absolute(file)?;
            let (Some(dir), Some(name)) = (file.parent(), file.file_name()) else {
                return Err(std::io::Error::other("a database file has a directory"));
            };
            let fd = inotify::init(CreateFlags::NONBLOCK | CreateFlags::CLOEXEC)?;
            let changes = WatchFlags::MODIFY
                | WatchFlags::CREATE
                | WatchFlags::DELETE
                | WatchFlags::MOVED_FROM
                | WatchFlags::MOVED_TO
                | WatchFlags::ATTRIB;
            inotify::add_watch(&fd, dir, changes)?;
            Ok(Watch {
                fd,
                name: name.as_bytes().to_vec(),
                seen: Mutex::new(Some(0)),
            })
        }

        /// The writes to the database's files seen until now, reading what the kernel queued.
        /// The lock is held while reading: a reader that finds the queue empty because
        /// another one took the events waits for that one's count.
        pub(super) fn writes(&self) -> Option<u64> {
            let mut seen = self
                .seen
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let count = (*seen)?;
            let mut buffer = [MaybeUninit::<u8>::uninit(); 4096];
            let mut events = inotify::Reader::new(&self.fd, &mut buffer);
            let mut changed = false;
            let lost = loop {
                match events.next() {
                    Ok(event) => {
                        let flags = event.events();
                        if flags.intersects(ReadFlags::IGNORED | ReadFlags::UNMOUNT) {
                            break true;
                        }
                        changed |= flags.contains(ReadFlags::QUEUE_OVERFLOW)
                            || event
                                .file_name()
                                .is_some_and(|n| n.to_bytes().starts_with(&self.name));
                    }
                    Err(Errno::AGAIN) => break false,
                    Err(Errno::INTR) => {}
                    Err(_) => break true,
                }
            };
            *seen = (!lost).then_some(count + u64::from(changed));
            *seen
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::Watched;

    /// A database file in a directory of its own, watched.
    fn watched() -> (tempfile::TempDir, PathBuf, Watched) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pegaso.db");
        std::fs::write(&file, b"main").unwrap();
        let watched = Watched::new(file.clone());
        (dir, file, watched)
    }

    #[test]
    fn a_mark_moves_with_every_write_to_the_database_files_and_no_other() {
        let (dir, file, watched) = watched();
        let before = watched.mark().unwrap();
        assert_eq!(watched.mark(), Some(before), "nothing written");
        std::fs::write(dir.path().join("allegato.pdf"), b"%PDF").unwrap();
        assert_eq!(
            watched.mark(),
            Some(before),
            "another file is not the database"
        );
        // A write of the same size at the same instant still moves it: the kernel tells.
        let writes = [
            ("pegaso.db-wal", &b"frame"[..]),
            ("pegaso.db-wal", &b"frame"[..]),
            ("pegaso.db", &b"main"[..]),
        ];
        let mut last = before;
        for (name, bytes) in writes {
            std::fs::write(dir.path().join(name), bytes).unwrap();
            let now = watched.mark().unwrap();
            assert_ne!(now, last, "{name} written");
            last = now;
        }
        // Replaced whole (a backup restored under its name).
        let restored = dir.path().join("restored");
        std::fs::write(&restored, b"other").unwrap();
        std::fs::rename(&restored, &file).unwrap();
        assert_ne!(watched.mark().unwrap(), last, "replaced");
    }

    #[test]
    fn a_lost_watch_falls_back_to_the_files() {
        let (dir, file, watched) = watched();
        let before = watched.mark();
        std::fs::remove_file(&file).unwrap();
        assert_ne!(watched.mark(), before, "the removal is seen");
        // Its directory gone, the watch is lost: the mark is the files' again, and with no
        // file there is none (nothing is trusted as current), not the last count.
        std::fs::remove_dir(dir.path()).unwrap();
        assert_eq!(watched.mark(), None);
    }
}
