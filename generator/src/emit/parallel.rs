//! Rendering the generated files side by side: each file's emitter and formatter run on a
//! thread of their own (token streams never cross threads; only the finished text does).

use std::thread;

/// The stack of each rendering thread: syn and prettyplease recurse as deep as the generated
/// code nests, so it gets the main thread's usual size, not a spawned thread's 2 MiB.
const STACK_BYTES: usize = 8 << 20;

/// A job renders one file's text.
pub(super) type Job<'a, T> = Box<dyn FnOnce() -> T + Send + 'a>;

/// Runs every job on its own scoped thread and returns each job's name with its result, in
/// the order given. A job that panics (an emitter bug) or a thread that cannot start gives
/// `Err` with what happened, instead of taking the caller down.
pub(super) fn run_all<T: Send>(
    jobs: Vec<(String, Job<'_, T>)>,
) -> Vec<(String, Result<T, String>)> {
    thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .into_iter()
            .map(|(name, job)| {
                let handle = thread::Builder::new()
                    .name(format!("emit {name}"))
                    .stack_size(STACK_BYTES)
                    .spawn_scoped(scope, job);
                (name, handle)
            })
            .collect();
        handles
            .into_iter()
            .map(|(name, handle)| {
                let result = match handle {
                    Ok(handle) => handle
                        .join()
                        .map_err(|_| format!("the emitter of {name} panicked")),
                    Err(e) => Err(format!("cannot start the emitter of {name}: {e}")),
                };
                (name, result)
            })
            .collect()
    })
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
