//! The allocator's share of the resident set.
//!
//! glibc gives each thread that allocates concurrently an arena of its own,
//! up to eight per core. Fewer arenas make threads queue on the arenas'
//! locks for every small allocation (a tenth of a match's CPU at two
//! arenas), so the arenas are left at glibc's default and what each keeps
//! is bounded instead:
//! - glibc raises its thresholds after the first large block is freed, up
//!   to keeping 64 MB free at the top of each arena; fixed thresholds keep
//!   that at [`RETAINED_TOP_BYTES`];
//! - free memory between blocks in use, which no threshold returns, goes
//!   back to the system every [`FREE_HEAP_RETURN_INTERVAL`] while a server
//!   runs (a command that ends soon leaves that to its exit).

use std::time::Duration;

/// Free memory an arena keeps at its top, and the size from which a block
/// is mapped on its own rather than taken from an arena.
const RETAINED_TOP_BYTES: i32 = 4 * 1024 * 1024;

/// How often the free heap of every arena goes back to the system: often
/// enough that a burst's garbage does not stay resident for long, seldom
/// enough that the walk over the free chunks costs nothing measurable.
const FREE_HEAP_RETURN_INTERVAL: Duration = Duration::from_secs(10);

/// Bounds what each arena keeps at its top. Call it once, first thing in
/// `main`, before the threads that allocate are started. An operator's own
/// `GLIBC_TUNABLES` (glibc reads them at start) win over the thresholds.
pub fn bound_allocator_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        if std::env::var_os("GLIBC_TUNABLES").is_none() {
            // SAFETY: mallopt only changes settings of glibc's allocator; it
            // is called before the threads that allocate are started.
            unsafe {
                libc::mallopt(libc::M_TRIM_THRESHOLD, RETAINED_TOP_BYTES);
                libc::mallopt(libc::M_MMAP_THRESHOLD, RETAINED_TOP_BYTES);
            }
        }
    }
}

/// Starts the thread (`free-heap`) that gives the free heap back to the
/// system every [`FREE_HEAP_RETURN_INTERVAL`] for as long as the process
/// runs; a second call starts no second thread. Servers call it, the
/// benchmark's included.
pub fn start_returning_free_heap() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        // Without the thread the heap is only less tidy, so a failure to
        // start it is not worth stopping the server for.
        if let Err(error) = std::thread::Builder::new()
            .name(FREE_HEAP_THREAD.into())
            .spawn(|| loop {
                std::thread::sleep(FREE_HEAP_RETURN_INTERVAL);
                release_free_heap();
            })
        {
            tracing::warn!(%error, "could not start the thread that returns the free heap");
        }
    });
}

/// The name of the thread [`start_returning_free_heap`] starts.
const FREE_HEAP_THREAD: &str = "free-heap";

/// Gives the heap that is free back to the system: every few seconds while
/// the process runs, and after a phase that allocated much and kept little
/// (an import in the same process).
pub fn release_free_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages of glibc's heap to the
    // system; it is safe to call at any time from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Bytes the program holds from glibc's allocator, in every arena and in
/// chunks mapped on their own; `None` on other platforms. Beside the
/// resident set it tells memory in use from memory the allocator keeps.
pub fn heap_in_use_bytes() -> Option<u64> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallinfo2 only reads the allocator's counters; it is safe
        // to call at any time from any thread.
        let info = unsafe { libc::mallinfo2() };
        Some((info.uordblks + info.hblkhd) as u64)
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    None
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    use super::*;

    /// The names of this process's threads that are called `name`.
    fn threads_named(name: &str) -> usize {
        std::fs::read_dir("/proc/self/task")
            .expect("Linux lists a process's threads")
            .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
            .filter(|comm| comm.trim_end() == name)
            .count()
    }

    #[test]
    fn the_free_heap_is_returned_by_one_thread_however_often_it_is_started() {
        start_returning_free_heap();
        start_returning_free_heap();
        // A thread names itself once it runs, a moment after it is started.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while threads_named(FREE_HEAP_THREAD) == 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(threads_named(FREE_HEAP_THREAD), 1);
    }

    #[test]
    fn the_heap_in_use_counts_what_is_held_and_not_what_was_freed() {
        const HELD: usize = 64 * 1024 * 1024;
        let before = heap_in_use_bytes().expect("glibc reports its heap");
        let held = vec![1u8; HELD];
        let holding = heap_in_use_bytes().expect("glibc reports its heap");
        assert!(holding >= before + HELD as u64 / 2, "{before} -> {holding}");
        drop(held);
        let after = heap_in_use_bytes().expect("glibc reports its heap");
        assert!(after + HELD as u64 / 2 <= holding, "{holding} -> {after}");
    }
}
