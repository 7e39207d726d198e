//! The allocator's share of the resident set.
//!
//! glibc gives each thread that allocates concurrently an arena of its own,
//! up to eight per core, and keeps freed memory inside each. A server whose
//! blocking threads come and go under load collects arenas that are mostly
//! empty but stay resident. Two arenas (one per core of the target machine)
//! keep that bounded; the threads mostly allocate small, short-lived buffers,
//! so they rarely wait for one another.

/// Arenas the allocator may create, all threads together.
const ALLOCATOR_ARENAS: i32 = 2;

/// Bounds the allocator's arenas. Call it at start, before threads are made.
/// An operator's own `MALLOC_ARENA_MAX` (glibc reads it at start) wins.
pub fn limit_allocator_arenas() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
        return;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes a setting of glibc's allocator; it is
    // called before the threads that allocate are started.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, ALLOCATOR_ARENAS);
    }
}

/// Gives the heap that is free back to the system, after a phase that
/// allocated much and kept little (an import in the same process).
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
