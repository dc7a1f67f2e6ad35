//! The async example: a component whose `wasi:cli/run@0.3.0` export is an async function. It
//! starts two WASIp3 timers (`wasi:clocks/monotonic-clock.wait-for`, an async import) and awaits
//! both at once, then writes how long that took to a WASIp3 stdout stream. Run together, the
//! two waits take as long as the longer one, not as long as both.
//!
//! A `fn main` cannot do this: std's main is the synchronous `wasi:cli/run@0.2` export, and
//! Wasmtime refuses to let a synchronous task block on an async import ("cannot block a
//! synchronous task before returning"). So this crate is a `cdylib` whose only export is the
//! async `run` that `wasip3::cli::command::export!` generates; `wasmtime run -S p3
//! -W component-model-async timers.wasm` runs it.

use std::future::Future;
use std::pin::pin;
use std::task::Poll;

/// The two timers, in milliseconds.
pub const SHORT_MS: u64 = 200;
pub const LONG_MS: u64 = 300;

/// Polls both futures until both are done: what `futures::join!` does, for two.
pub async fn join<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let mut a = pin!(a);
    let mut b = pin!(b);
    let (mut done_a, mut done_b) = (None, None);
    std::future::poll_fn(|cx| {
        if done_a.is_none()
            && let Poll::Ready(value) = a.as_mut().poll(cx)
        {
            done_a = Some(value);
        }
        if done_b.is_none()
            && let Poll::Ready(value) = b.as_mut().poll(cx)
        {
            done_b = Some(value);
        }
        match (done_a.take(), done_b.take()) {
            (Some(a), Some(b)) => Poll::Ready((a, b)),
            (a, b) => {
                (done_a, done_b) = (a, b);
                Poll::Pending
            }
        }
    })
    .await
}

/// What the component prints: the two timers and the time both took together.
pub fn report(elapsed_ms: u64) -> String {
    format!(
        "timers: {SHORT_MS} ms and {LONG_MS} ms awaited together took {elapsed_ms} ms ({} ms one after the other)\n",
        SHORT_MS + LONG_MS
    )
}

// The component itself. A test binary has its own `main`; exporting `run` there too would make
// Wasmtime run this instead of the tests, so tests build without it.
#[cfg(not(test))]
mod component {
    use super::{LONG_MS, SHORT_MS, join, report};
    use wasip3::clocks::monotonic_clock;

    async fn wait_ms(ms: u64) {
        monotonic_clock::wait_for(ms * 1_000_000).await;
    }

    /// Writes `text` to the WASIp3 stdout stream: the host reads the stream while this task writes
    /// into it.
    async fn print(text: String) -> Result<(), ()> {
        let (mut writer, reader) = wasip3::wit_stream::new();
        let host_reads = async { wasip3::cli::stdout::write_via_stream(reader).await };
        let we_write = async move {
            let unwritten = writer.write_all(text.into_bytes()).await;
            // Dropping the writer ends the stream, so the host's write finishes.
            drop(writer);
            unwritten
        };
        let (written, unwritten) = join(host_reads, we_write).await;
        if written.is_err() || !unwritten.is_empty() {
            return Err(());
        }
        Ok(())
    }

    struct Timers;

    impl wasip3::exports::cli::run::Guest for Timers {
        async fn run() -> Result<(), ()> {
            let start = monotonic_clock::now();
            join(wait_ms(SHORT_MS), wait_ms(LONG_MS)).await;
            let elapsed_ms = (monotonic_clock::now() - start) / 1_000_000;
            print(report(elapsed_ms)).await
        }
    }

    wasip3::cli::command::export!(Timers);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::{Context, Waker};

    /// Pending on its first poll, ready on the second, counting its polls.
    struct PendingOnce(u32);

    impl Future for PendingOnce {
        type Output = u32;
        fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
            self.0 += 1;
            if self.0 == 1 {
                cx.waker().wake_by_ref();
                Poll::Pending
            } else {
                Poll::Ready(self.0)
            }
        }
    }

    #[test]
    fn join_waits_for_both_and_polls_a_finished_one_no_more() {
        let mut joined = pin!(join(async { "ready" }, PendingOnce(0)));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(joined.as_mut().poll(&mut cx).is_pending());
        assert_eq!(joined.as_mut().poll(&mut cx), Poll::Ready(("ready", 2)));
    }

    #[test]
    fn report_names_both_timers_and_their_sum() {
        assert_eq!(
            report(301),
            "timers: 200 ms and 300 ms awaited together took 301 ms (500 ms one after the other)\n"
        );
    }
}
