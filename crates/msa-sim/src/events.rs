//! The event queue of a discrete-event simulation. Events are ordered by (time, sequence number): two events at
//! the same microsecond fire in the order they were scheduled, so a run never depends on a heap's tie-breaking.

use crate::time::SimTime;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// One scheduled event: what happens, when, and its place among events at the same time.
#[derive(Clone, Debug)]
pub struct Scheduled<E> {
    pub at: SimTime,
    pub seq: u64,
    pub event: E,
}

impl<E> PartialEq for Scheduled<E> {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl<E> Eq for Scheduled<E> {}
impl<E> PartialOrd for Scheduled<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Scheduled<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// A min-queue of events by (time, sequence number). Cloning it is how checkpoints are taken.
#[derive(Clone, Debug)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Reverse<Scheduled<E>>>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue { heap: BinaryHeap::new(), next_seq: 0 }
    }
}

impl<E> EventQueue<E> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Schedules `event` at `at`; returns its sequence number (unique within this queue).
    pub fn push(&mut self, at: SimTime, event: E) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Reverse(Scheduled { at, seq, event }));
        seq
    }

    /// The earliest event, removed from the queue.
    pub fn pop(&mut self) -> Option<Scheduled<E>> {
        self.heap.pop().map(|Reverse(s)| s)
    }

    /// The time of the earliest event, if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|Reverse(s)| s.at)
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Every pending event in firing order (for snapshots and tests; O(n log n)).
    pub fn pending(&self) -> Vec<&Scheduled<E>> {
        let mut v: Vec<&Scheduled<E>> = self.heap.iter().map(|Reverse(s)| s).collect();
        v.sort();
        v
    }
}

/// For the proxy engine: side queues that keep their own events in (time, seq) order (all
/// timeouts of one length fire in the order they were set, so a FIFO holds them) draw sequence numbers from the
/// same counter, so ties between them and this queue still resolve one way.
impl<E> EventQueue<E> {
    /// Reserves the next sequence number without scheduling anything.
    pub fn take_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    /// (time, sequence number) of the earliest event, if any.
    pub fn peek_key(&self) -> Option<(SimTime, u64)> {
        self.heap.peek().map(|Reverse(s)| (s.at, s.seq))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_by_time_then_sequence() {
        let mut q = EventQueue::new();
        q.push(SimTime(5), "late");
        q.push(SimTime(1), "first-at-1");
        q.push(SimTime(1), "second-at-1");
        q.push(SimTime(0), "zero");
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).map(|s| s.event).collect();
        assert_eq!(order, ["zero", "first-at-1", "second-at-1", "late"]);
    }
}
