//! How much memory the process holds, for `/metrics` and the benchmarks: the kernel's
//! resident set, and what the allocator (mimalloc, `main.rs`) has committed, which says
//! whether memory is in use or merely not yet given back.

/// The resident set size in bytes (`/proc/self/statm`), where the platform has it.
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * page_size())
}

fn page_size() -> u64 {
    // The kernel's page size; 4 KiB on every machine this runs on (x86-64, arm64 Linux
    // default). Reading it would need libc for one number.
    4096
}

/// Gives memory freed on this thread back to the system now rather than when the
/// allocator next gets round to it: after a whole read of the directory, the rows it
/// parsed (several times the snapshot's size) are free, and an idle server would hold
/// them for a long while.
pub fn release_freed() {
    // SAFETY: mi_collect takes no pointers; it may be called at any time.
    unsafe { libmimalloc_sys::mi_collect(true) }
    // SQLite allocates with the C library's malloc, not Rust's allocator: a whole read
    // leaves its freed pages with glibc, which keeps them until asked.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: glibc's malloc_trim takes a byte count and touches only free memory.
        unsafe { malloc_trim(0) };
    }
}

/// mimalloc's `mi_option_purge_delay` (the bindings name the options around it, 14 and
/// 16, but not this one; the same number in mimalloc 2 and 3).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Has mimalloc give freed pages back to the system at once instead of 10 ms later: a
/// delayed purge happens only when the thread that freed them allocates again, so an
/// idle server kept tens of megabytes a whole read had used (130 → 98 MB at idle on
/// PostgreSQL, 100,000 offerings). Throughput under load did not measurably change
/// (docs/PERFORMANCE.md). Call once, first thing in `main`.
pub fn purge_at_once() {
    // SAFETY: mi_option_set takes an option number and a value; it may be called at any
    // time, and this one only changes when pages are purged.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
}

/// Keeps the kernel from backing this process's memory with transparent huge pages.
/// mimalloc asks for them on Linux (`madvise(MADV_HUGEPAGE)` on its 1 GiB arena), and the
/// kernel's khugepaged then fills sparsely used 2 MiB stretches whole, long after the
/// process last touched them: an idle server grew from 83 to 105–135 MiB in 40 s without
/// running, differing run to run with when khugepaged passed. Call once, first thing in
/// `main`; it also covers the arena reserved before `main` ran.
pub fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    {
        unsafe extern "C" {
            fn prctl(option: i32, arg2: u64, arg3: u64, arg4: u64, arg5: u64) -> i32;
        }
        const PR_SET_THP_DISABLE: i32 = 41;
        // SAFETY: prctl with PR_SET_THP_DISABLE takes integers only and changes a flag of
        // this process; it cannot fail in a way that matters (an old kernel ignores it).
        unsafe { prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) };
    }
}

/// Bytes mimalloc has committed (zero when another allocator serves the process, as in
/// tests, which do not install mimalloc).
pub fn allocator_committed_bytes() -> u64 {
    let mut committed = 0usize;
    // SAFETY: mi_process_info only writes the out-parameters it is given, and accepts
    // null for those not wanted.
    unsafe {
        libmimalloc_sys::mi_process_info(
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut committed,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        );
    }
    committed as u64
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_resident_set_is_read_on_linux() {
        let rss = super::resident_bytes().expect("/proc/self/statm");
        assert!(rss > 1_000_000, "a test process holds more than a megabyte: {rss}");
    }
}
