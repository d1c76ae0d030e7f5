//! The engine's request table: the requests in flight, in slots found by handle.

use super::*;

#[derive(Clone, Debug)]
pub(super) struct Request {
    pub(super) client: u32,
    pub(super) post: bool,
    pub(super) key: u32,
    pub(super) sent_at: SimTime,
    pub(super) attempt: u32,
    pub(super) server: Option<usize>,
    pub(super) tries_left: u32,
    pub(super) pick: PickState,
    /// The current attempt's request reached the backend (nginx's `u->request_sent`): a POST is then not retried.
    pub(super) request_sent: bool,
    pub(super) attempt_start: SimTime,
    pub(super) phase: Phase,
    pub(super) phase_start: SimTime,
    /// When the phase is expected to end (== start when unknown: progress then runs against the timeout).
    pub(super) phase_end: SimTime,
    pub(super) queue_gen: u32,
    pub(super) queued_at: SimTime,
    pub(super) waited: bool,
    pub(super) wait_us: u64,
}

/// What the figures need of a finished request (copied out of its table slot).
#[derive(Clone, Copy)]
pub(super) struct Done {
    pub(super) sent_at: SimTime,
    pub(super) waited: bool,
    pub(super) wait_us: u64,
}

impl Done {
    #[inline]
    pub(super) fn of(r: &Request) -> Done {
        Done { sent_at: r.sent_at, waited: r.waited, wait_us: r.wait_us }
    }
}

/// An in-flight request as events and queues name it: its id (logs, order) and its slot in the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Rid {
    pub(super) id: u64,
    pub(super) slot: u32,
}

/// The in-flight requests: a slot array with a free list (O(1) insert, lookup, remove, no allocation once warm).
/// A [`Rid`] finds its slot directly; the slot's id must match, so a handle to a finished request (whose slot
/// may hold another one since) finds nothing, as a lookup by id in a map would. The ids live in an array of their
/// own (`FREE` for an empty slot), so a lookup that fails touches 8 bytes, not a whole request.
#[derive(Clone, Debug, Default)]
pub(super) struct RequestTable {
    pub(super) ids: Vec<u64>,
    pub(super) slots: Vec<Request>,
    pub(super) free: Vec<u32>,
    pub(super) len: usize,
    /// Handles in id order, for views (the first [`SNAPSHOT_REQUESTS_MAX`] by id). Finished ones are dropped from
    /// the front at once and from the rest when they outnumber the live ones (amortised O(1)).
    pub(super) order: VecDeque<Rid>,
}

impl RequestTable {
    /// The id of an empty slot (request ids count up from 0 and never reach it).
    const FREE: u64 = u64::MAX;

    #[inline]
    pub(super) fn insert(&mut self, id: u64, r: Request) -> Rid {
        let slot = match self.free.pop() {
            Some(slot) => {
                self.ids[slot as usize] = id;
                self.slots[slot as usize] = r;
                slot
            }
            None => {
                self.ids.push(id);
                self.slots.push(r);
                (self.slots.len() - 1) as u32
            }
        };
        self.len += 1;
        let rid = Rid { id, slot };
        self.order.push_back(rid);
        rid
    }

    #[inline]
    pub(super) fn live(&self, rid: Rid) -> bool {
        self.ids.get(rid.slot as usize) == Some(&rid.id)
    }

    #[inline]
    pub(super) fn get(&self, rid: Rid) -> Option<&Request> {
        if self.live(rid) {
            self.slots.get(rid.slot as usize)
        } else {
            None
        }
    }

    #[inline]
    pub(super) fn get_mut(&mut self, rid: Rid) -> Option<&mut Request> {
        if self.live(rid) {
            self.slots.get_mut(rid.slot as usize)
        } else {
            None
        }
    }

    /// Removes the request and returns it (still in its slot, which is free now: read it before the next insert).
    #[inline]
    pub(super) fn remove(&mut self, rid: Rid) -> Option<&Request> {
        if !self.live(rid) {
            return None;
        }
        self.ids[rid.slot as usize] = Self::FREE;
        self.free.push(rid.slot);
        self.len -= 1;
        while let Some(&front) = self.order.front() {
            if self.live(front) {
                break;
            }
            self.order.pop_front();
        }
        if self.order.len() > 2 * self.len + 64 {
            let ids = &self.ids;
            self.order.retain(|&h| ids.get(h.slot as usize) == Some(&h.id));
        }
        self.slots.get(rid.slot as usize)
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Live requests in id order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (u64, &Request)> + '_ {
        self.order.iter().filter_map(move |&h| self.get(h).map(|r| (h.id, r)))
    }
}
