//! One database read shared by the requests that wait for it, without ever answering a
//! request with a value read before that request arrived.
//!
//! Why: every indexed search must learn the current `directory_version` from the
//! database, so that a write through another instance is seen at once. One query per
//! search would make that query most of a search's cost. Caching the value for some
//! milliseconds would be cheaper but wrong: a resident who saves a change on instance one
//! and reloads on instance two could see the old directory.
//!
//! How: callers join the open *round*. A round's read starts only after the round is
//! closed to newcomers, and one round reads at a time. So
//! - every caller gets a value read *after* it arrived: a write committed before the
//!   request arrived is always seen (the read is linearizable), and
//! - under load, one read answers every caller that arrived while the previous read was
//!   in flight: 50 concurrent searches cost a couple of queries, not 50.
//!
//! A caller cancelled while reading (a client hung up) leaves its round unanswered; the
//! next caller of that round then reads itself, which is still after it arrived.

use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock};

pub struct CoalescedRead<T> {
    /// The round newcomers join; `None` once it is closed (its read has begun).
    open: Mutex<Option<Arc<OnceLock<T>>>>,
    /// Held by the caller whose read is in flight: one read at a time.
    reading: tokio::sync::Mutex<()>,
}

impl<T> Default for CoalescedRead<T> {
    fn default() -> Self {
        Self {
            open: Mutex::new(None),
            reading: tokio::sync::Mutex::new(()),
        }
    }
}

impl<T: Clone> CoalescedRead<T> {
    /// A value from a `read` that began after this call did.
    pub async fn get<F, Fut>(&self, read: F) -> T
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = T>,
    {
        let round = self.join();
        // Fair (FIFO): callers take turns in arrival order.
        let _turn = self.reading.lock().await;
        if let Some(value) = round.get() {
            return value.clone();
        }
        self.close(&round);
        let value = read().await;
        let _ = round.set(value.clone());
        value
    }

    fn join(&self) -> Arc<OnceLock<T>> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.get_or_insert_with(Default::default).clone()
    }

    fn close(&self, round: &Arc<OnceLock<T>>) {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if open.as_ref().is_some_and(|o| Arc::ptr_eq(o, round)) {
            *open = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
    use std::time::Duration;

    /// A stand-in for the database: a counter that "writes" bump; a read sees the value
    /// at the moment it starts, and takes a while to come back.
    #[derive(Default)]
    struct Database {
        version: AtomicU64,
        reads: AtomicU64,
    }

    impl Database {
        async fn read(&self) -> u64 {
            let seen = self.version.load(SeqCst);
            self.reads.fetch_add(1, SeqCst);
            tokio::time::sleep(Duration::from_millis(2)).await;
            seen
        }
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_time()
            .build()
            .unwrap()
    }

    #[test]
    fn no_caller_gets_a_value_read_before_it_arrived() {
        runtime().block_on(async {
            let db = Arc::new(Database::default());
            let shared = Arc::new(CoalescedRead::<u64>::default());
            let mut tasks = Vec::new();
            for i in 0..400u64 {
                if i % 7 == 0 {
                    db.version.fetch_add(1, SeqCst);
                }
                let (db, shared) = (db.clone(), shared.clone());
                let arrived_after = db.version.load(SeqCst);
                tasks.push(tokio::spawn(async move {
                    let seen = shared.get(|| db.read()).await;
                    (arrived_after, seen)
                }));
                if i % 13 == 0 {
                    tokio::time::sleep(Duration::from_micros(700)).await;
                }
            }
            for task in tasks {
                let (arrived_after, seen) = task.await.unwrap();
                assert!(
                    seen >= arrived_after,
                    "read {seen}, but version {arrived_after} was committed before the call"
                );
            }
            let reads = db.reads.load(SeqCst);
            assert!(reads < 200, "{reads} reads for 400 callers: not shared");
        });
    }

    #[test]
    fn concurrent_callers_share_reads() {
        runtime().block_on(async {
            let db = Arc::new(Database::default());
            let shared = Arc::new(CoalescedRead::<u64>::default());
            let tasks: Vec<_> = (0..50)
                .map(|_| {
                    let (db, shared) = (db.clone(), shared.clone());
                    tokio::spawn(async move { shared.get(|| db.read()).await })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
            // The first read, then at most one for everyone who queued behind it (a
            // spawned task may start after the first read finished: allow one more).
            let reads = db.reads.load(SeqCst);
            assert!(reads <= 3, "{reads} reads for 50 concurrent callers");
        });
    }

    #[test]
    fn a_caller_cancelled_mid_read_does_not_strand_its_round() {
        runtime().block_on(async {
            let shared = Arc::new(CoalescedRead::<u64>::default());
            let call = |value: u64, millis: u64| {
                let shared = shared.clone();
                tokio::spawn(async move {
                    shared
                        .get(|| async move {
                            tokio::time::sleep(Duration::from_millis(millis)).await;
                            value
                        })
                        .await
                })
            };
            // A reads; B and C arrive meanwhile and join the same next round.
            let a = call(1, 100);
            tokio::time::sleep(Duration::from_millis(20)).await;
            let b = call(2, 60_000);
            tokio::time::sleep(Duration::from_millis(20)).await;
            let c = call(3, 1);
            assert_eq!(a.await.unwrap(), 1);
            // B now reads for the round it shares with C; its client hangs up.
            tokio::time::sleep(Duration::from_millis(20)).await;
            b.abort();
            assert_eq!(c.await.unwrap(), 3, "C read for itself after B was cancelled");
        });
    }
}
