//! The allocator, and its share of the resident set.
//!
//! Rust's allocations go to mimalloc: each thread allocates from pages of
//! its own and frees without a lock, where glibc's allocator made the
//! server's threads share a few arenas behind a lock (a tenth of the
//! samples of a match under load waited on it) or, with more arenas, kept
//! freed memory resident in each (docs/performance.md). The allocator is
//! set here, in the library, so that every binary that serves (`defmatch`,
//! and `defmatch-tools bench`, which runs the server in its own process)
//! and the tests allocate alike.
//!
//! The C libraries (libpq, OpenSSL) still call glibc's `malloc`; their
//! arenas stay capped.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Arenas glibc's allocator may create for the C libraries, all threads
/// together.
const ALLOCATOR_ARENAS: i32 = 2;

/// Bounds glibc's arenas. Call it at start, before threads are made. An
/// operator's own `MALLOC_ARENA_MAX` (glibc reads it at start) wins.
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

/// Gives the memory that is free back to the system, after a phase that
/// allocated much and kept little (an import in the same process).
pub fn release_free_heap() {
    // SAFETY: mi_collect only returns the calling thread's and the
    // abandoned free pages to the system; it may be called at any time.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages of glibc's heap to the
    // system; it is safe to call at any time from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}
