//! Interruption (Ctrl-C, SIGTERM): the first asks the run to stop starting
//! requests, lets those in flight finish for a grace period, then abandons
//! them; the run still writes its report, with what was not checked marked
//! "interrupted". The binary turns signals into [`Interrupt::signal`].

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::Notify;

/// How long requests in flight may finish after the first signal.
pub const GRACE: Duration = Duration::from_secs(2);

/// The reason given to everything an interruption left unchecked.
pub const REASON: &str = "interrupted";

/// A run's interruption state, shared by every stage.
///
/// Every flag is read and written with `SeqCst`. The signal handler runs
/// on its own thread, and the grace-period thread sets `abandoned` after
/// `requested`: a task that sees `abandoned` must also see `requested`,
/// and no reader may see the two in another order. The flags are touched
/// a few times per request, so the stronger ordering costs nothing
/// measurable, and it saves reasoning about each pair of accesses.
#[derive(Debug, Default)]
pub struct Interrupt {
    signals: AtomicUsize,
    requested: AtomicBool,
    abandoned: AtomicBool,
    notify: Notify,
}

/// What a signal means, by how many came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// The first: finish gracefully.
    First,
    /// Another: leave at once.
    Again,
}

impl Interrupt {
    /// A state no signal has touched.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// A signal came: the first requests a graceful stop and, after
    /// `grace`, abandons what is still in flight; any later one says to
    /// leave at once.
    pub fn signal(self: &Arc<Self>, grace: Duration) -> Signal {
        if self.signals.fetch_add(1, Ordering::SeqCst) > 0 {
            return Signal::Again;
        }
        self.request();
        let this = Arc::clone(self);
        std::thread::spawn(move || {
            std::thread::sleep(grace);
            this.abandon();
        });
        Signal::First
    }

    /// Start no new request.
    pub fn request(&self) {
        self.requested.store(true, Ordering::SeqCst);
    }

    /// Give up the requests in flight.
    pub fn abandon(&self) {
        self.requested.store(true, Ordering::SeqCst);
        self.abandoned.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    /// Whether the run was asked to stop.
    pub fn is_requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    /// Resolves once requests in flight are to be given up.
    pub async fn abandoned(&self) {
        loop {
            // The future is made before the flag is read: `notify_waiters`
            // wakes only futures that exist when it is called, so checking
            // the flag first would leave a window in which `abandon` could
            // set the flag and notify between the check and the wait, and
            // this task would sleep through it.
            let notified = self.notify.notified();
            if self.abandoned.load(Ordering::SeqCst) {
                return;
            }
            notified.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_first_signal_stops_gently_the_second_at_once() {
        let interrupt = Interrupt::new();
        assert!(!interrupt.is_requested());
        assert_eq!(interrupt.signal(Duration::from_millis(50)), Signal::First);
        assert!(interrupt.is_requested());
        // In flight work is abandoned once the grace period ends.
        tokio::time::timeout(Duration::from_secs(5), interrupt.abandoned())
            .await
            .expect("abandoned after the grace period");
        assert_eq!(interrupt.signal(Duration::ZERO), Signal::Again);
    }
}
