//! Rendering the generated files side by side: a few worker threads, one per core, take the
//! files' jobs in the order given, each running one file's emitter and formatter at a time
//! (token streams never cross threads; only the finished text does).
//!
//! One worker per core rather than one thread per file: on two cores, eleven threads would
//! hold eleven files' token streams and syntax trees in memory at once, each in its own
//! allocator arena, and the page faults and heap growth cost more than the rendering.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;
use std::thread;

/// The stack of each rendering thread: syn and prettyplease recurse as deep as the generated
/// code nests, so it gets the main thread's usual size, not a spawned thread's 2 MiB.
const STACK_BYTES: usize = 8 << 20;

/// A job renders one file's text.
pub(super) type Job<'a, T> = Box<dyn FnOnce() -> T + Send + 'a>;

/// The jobs not yet taken, each with its place in the order given.
type Queue<'a, T> = Mutex<VecDeque<(usize, (String, Job<'a, T>))>>;

/// Each job's result at its place, once it has run.
type Results<T> = Mutex<Vec<Option<Result<T, String>>>>;

/// Runs every job on a pool of worker threads (as many as the machine has cores, at most one
/// per job), which take the jobs in the order given, and returns each job's name with its
/// result, in that order. A job that panics (an emitter bug) gives `Err` with what happened,
/// instead of taking the caller down; if no worker can start, every job says so.
pub(super) fn run_all<T: Send>(
    jobs: Vec<(String, Job<'_, T>)>,
) -> Vec<(String, Result<T, String>)> {
    let workers = crate::parallel_map::cores().min(jobs.len());
    let names: Vec<String> = jobs.iter().map(|(name, _)| name.clone()).collect();
    let queue = Mutex::new(jobs.into_iter().enumerate().collect::<VecDeque<_>>());
    let results: Results<T> = Mutex::new(names.iter().map(|_| None).collect());
    let start_error = thread::scope(|scope| {
        let started: Vec<_> = (0..workers)
            .map(|i| {
                thread::Builder::new()
                    .name(format!("emit worker {i}"))
                    .stack_size(STACK_BYTES)
                    .spawn_scoped(scope, || work(&queue, &results))
            })
            .collect();
        let mut error = None;
        let mut running = 0;
        for handle in started {
            match handle {
                Ok(_) => running += 1,
                Err(e) => error = Some(e.to_string()),
            }
        }
        // No worker at all: nothing would take the jobs.
        (running == 0).then(|| error.unwrap_or_default())
    });
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    names
        .into_iter()
        .zip(results)
        .map(|(name, result)| {
            let result = match (result, &start_error) {
                (Some(result), _) => result,
                (None, Some(e)) => Err(format!("cannot start the emitter of {name}: {e}")),
                (None, None) => Err(format!("the emitter of {name} did not run")),
            };
            (name, result)
        })
        .collect()
}

/// One worker: takes the next job until none is left, and stores its result at the job's
/// place.
fn work<T>(queue: &Queue<'_, T>, results: &Results<T>) {
    loop {
        let next = queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front();
        let Some((i, (name, job))) = next else { return };
        let result = catch_unwind(AssertUnwindSafe(job))
            .map_err(|_| format!("the emitter of {name} panicked"));
        results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_order_of_the_jobs() {
        let words = ["a", "b", "c", "d"];
        let jobs: Vec<(String, Job<'_, String>)> = words
            .iter()
            .map(|w| {
                (
                    w.to_string(),
                    Box::new(move || w.repeat(3)) as Job<'_, String>,
                )
            })
            .collect();
        let out: Vec<(String, String)> = run_all(jobs)
            .into_iter()
            .map(|(name, text)| (name, text.unwrap()))
            .collect();
        assert_eq!(out[0], ("a".to_owned(), "aaa".to_owned()));
        assert_eq!(out[3], ("d".to_owned(), "ddd".to_owned()));
    }

    #[test]
    fn a_panicking_job_is_an_error_not_a_crash() {
        let jobs: Vec<(String, Job<'_, u8>)> = vec![
            ("fine".into(), Box::new(|| 1)),
            ("broken".into(), Box::new(|| panic!("emitter bug"))),
        ];
        let out = run_all(jobs);
        assert_eq!(out[0].1, Ok(1));
        assert_eq!(out[1].1, Err("the emitter of broken panicked".to_owned()));
    }
}
