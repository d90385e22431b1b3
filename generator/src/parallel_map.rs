//! One function applied to every item of a slice on every core, the results in the order of
//! the items: what the loader (a spec's files), the digests (the model's items) and the
//! incremental run (each generated file's input hash and state on disk) share out.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The stack of each helper thread, as the main thread's: the YAML parser and the
/// deserializers recurse as deep as a spec file nests (within `yaml_budget`'s depth limit).
const STACK_BYTES: usize = 8 << 20;

/// `f` of each item, in the order of `items`. As many threads as the machine has cores (the
/// calling thread one of them) each take the next `run` items not yet taken until none is
/// left, so items of different sizes still keep every thread busy. A thread that cannot start
/// leaves its share to the others; a panic in `f` (a bug) is raised again on the caller.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], run: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let run = run.max(1);
    if items.len() <= run {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let start = next.fetch_add(run, Ordering::Relaxed);
            if start >= items.len() {
                return done;
            }
            let taken = &items[start..(start + run).min(items.len())];
            done.push((start, taken.iter().map(&f).collect::<Vec<R>>()));
        }
    };
    let helpers = cores().min(items.len().div_ceil(run)).saturating_sub(1);
    let mut runs = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..helpers)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .stack_size(STACK_BYTES)
                    .spawn_scoped(scope, work)
                    .ok()
            })
            .collect();
        let mut all = work();
        for handle in handles {
            match handle.join() {
                Ok(done) => all.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    runs.sort_unstable_by_key(|(start, _)| *start);
    runs.into_iter().flat_map(|(_, results)| results).collect()
}

/// How many cores this process may use, asked once (on Linux the answer reads the cgroup
/// files, tens of microseconds each time).
pub(crate) fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_order_of_the_items_whatever_the_run() {
        let items: Vec<u32> = (0..1000).collect();
        let squares: Vec<u32> = items.iter().map(|n| n * n).collect();
        for run in [0, 1, 7, 64, 5000] {
            assert_eq!(map(&items, run, |n| n * n), squares, "run {run}");
        }
        assert!(map(&[] as &[u32], 8, |n| *n).is_empty());
    }

    #[test]
    fn a_panic_in_the_function_reaches_the_caller() {
        let items: Vec<u32> = (0..100).collect();
        let caught = std::panic::catch_unwind(|| {
            map(&items, 1, |&n| {
                assert!(n != 57, "a bug");
                n
            })
        });
        assert!(caught.is_err());
    }
}
