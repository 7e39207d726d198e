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
